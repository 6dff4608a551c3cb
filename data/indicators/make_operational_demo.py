"""Write the SYNTHETIC inputs of the operational-assessment demo.

Run from the repository root:

    python data/indicators/make_operational_demo.py

It writes ``operational_inputs_central.parquet`` (25 demo central bodies) and
``operational_inputs_local.parquet`` (20 demo local bodies) next to this script: one
row per (entity, year, criterion) for 2018 and 2019, drawn by
:func:`govindex.operational.demo.make_demo_inputs` with a fixed seed. The values are
invented; every file says so in its Parquet metadata and in the ``evidence`` column.
"""

from __future__ import annotations

from pathlib import Path

from govindex._provenance import fingerprint_frame, to_parquet_with_provenance
from govindex.operational.demo import DEMO_SEED, SYNTHETIC_NOTE, make_demo_inputs
from govindex.operational.scorecard import read_scorecard

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Generate and write both files."""
    for kind in ("central", "local"):
        frame = make_demo_inputs(kind, seed=DEMO_SEED)
        meta = {
            "synthetic": True,
            "note": SYNTHETIC_NOTE,
            "generator": "govindex.operational.demo.make_demo_inputs",
            "seed": DEMO_SEED,
            "scorecard": f"builtin:{kind}",
            "scorecard_fingerprint": read_scorecard(kind).fingerprint,
            "fingerprint": fingerprint_frame(frame),
        }
        path = to_parquet_with_provenance(frame, HERE / f"operational_inputs_{kind}.parquet", meta)
        print(f"wrote {path} ({len(frame)} rows, SYNTHETIC)")


if __name__ == "__main__":
    main()
