"""Write the SYNTHETIC inputs and office registers of the operational-assessment demo.

Run from the repository root:

    python data/indicators/make_operational_demo.py

It writes next to this script:

* ``operational_inputs_central.parquet`` (25 demo central bodies) and
  ``operational_inputs_local.parquet`` (20 demo local bodies): one row per (entity,
  year, criterion) for 2018 and 2019, drawn by
  :func:`govindex.operational.demo.make_demo_inputs` with a fixed seed;
* the registers of the synthetic 2019 round of each kind (from
  :func:`govindex.operational.demo.make_demo_registers`):
  ``operational_verification_<kind>_2019.csv`` (verification records),
  ``operational_appeals_<kind>_2019.csv`` (the appeals register) and
  ``operational_recommendations_<kind>.csv`` (the recommendations with synthetic
  monitoring statuses);
* ``operational_appeal_material_portal_audit.txt``, the synthetic document one appeal
  cites as its material.

The values, dates, names and decisions are invented; every file says so (Parquet
metadata, the ``evidence`` column, or "SYNTHETIC" in the texts of the registers).
"""

from __future__ import annotations

from pathlib import Path

from govindex._provenance import fingerprint_frame, to_parquet_with_provenance
from govindex.operational._demo_office import MATERIAL, MATERIAL_TEXT
from govindex.operational.demo import (
    DEMO_SEED,
    SYNTHETIC_NOTE,
    make_demo_inputs,
    make_demo_registers,
    register_files,
)
from govindex.operational.scorecard import read_scorecard

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Generate and write every file."""
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
    (HERE / MATERIAL).write_text(MATERIAL_TEXT, encoding="utf-8", newline="\n")
    for kind in ("central", "local"):
        names = register_files(kind)
        for key, table in make_demo_registers(kind).items():
            path = HERE / names[key]
            table.to_csv(path, index=False, lineterminator="\n")
            print(f"wrote {path} ({len(table)} rows, SYNTHETIC)")


if __name__ == "__main__":
    main()
