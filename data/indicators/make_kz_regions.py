"""Build the REAL Kazakh regional data of govindex (openly licensed series only).

Reads the regional panel of Kazakhstan collected in ``../shared/data/kz_regions`` (Bureau of
National Statistics of Kazakhstan, via the ``open-data-kazakhstan`` GitHub organisation) and
writes into ``data/indicators/``:

* ``kz_regions_panel.parquet`` — life expectancy at birth (``LIFE_EXP``, 1999–2022) and the
  number of hospital organisations (``HOSPITALS``, 2003–2022) of the 20 regions and cities and
  the national total ``KZ``: the two series whose source states an open licence
  (Open Data Commons PDDL 1.0). The income series (no licence stated) and the doctors table
  (MIT claimed in a README, no licence file) are **not** shipped;
* ``kz_regions_entities.parquet`` — the entities table: KATO codes ``KZ-nn``, kind
  (region / city / total), names in English, Russian and Kazakh, years of existence;
* ``kz_regions_lineage.parquet`` — the 2018 (Shymkent from South Kazakhstan / Turkistan) and
  2022 (Abai from East Kazakhstan, Jetisu from Almaty Region, Ulytau from Karaganda)
  boundary changes, with shares computed from the first post-event year's hospitals;
* ``kz_regions_catalog.csv`` — a regional GPI on the two series.

Every Parquet file carries the source, the licence and the attribution in its schema metadata
(key ``govindex``, ``"synthetic": false``); the catalog's ``source`` column names them. Running
the script twice gives byte-identical files (for the same pandas / pyarrow versions).

Usage::

    python data/indicators/make_kz_regions.py [--source DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

_SRC = Path(__file__).resolve().parents[2] / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(_SRC))

from govindex._provenance import atomic_write_bytes  # noqa: E402

GENERATOR = "data/indicators/make_kz_regions.py"
HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "data" / "kz_regions"
INDICATORS = ("LIFE_EXP", "HOSPITALS")
LICENCE = "Open Data Commons Public Domain Dedication and License (PDDL) 1.0"
LICENCE_URL = "https://opendatacommons.org/licenses/pddl/1-0/"
ORIGIN = "Bureau of National Statistics of Kazakhstan (stat.gov.kz, taldau.stat.gov.kz)"
ATTRIBUTION = (
    f"{ORIGIN}; collected by the open-data-kazakhstan GitHub organisation, repository "
    "open-data-kazakhstan/average-life-expectancy (commit 3a20cc6, files "
    "Life_Expc/data/llife.csv and Hosp_Amount/data/Hosp_first.csv), released under the PDDL 1.0"
)
SOURCE_FILES = {
    "LIFE_EXP": "open-data-kazakhstan/average-life-expectancy:Life_Expc/data/llife.csv",
    "HOSPITALS": "open-data-kazakhstan/average-life-expectancy:Hosp_Amount/data/Hosp_first.csv",
}
EXPECTED_ROWS = {"LIFE_EXP": 417, "HOSPITALS": 348}  # as listed in the source README
CATALOG_SOURCE = "Bureau of National Statistics of Kazakhstan via open-data-kazakhstan (PDDL 1.0)"
CATALOG_COLUMNS = [
    "code", "name", "parent", "direction", "weight", "type", "aggregation", "normalization",
    "lower", "upper", "transform", "target", "change", "tolerance", "cap", "owner", "unit",
    "source", "sphere",
]  # fmt: skip

# code: (kind, English, Russian, Kazakh, valid_from). English and Russian names as in the
# source's regions.csv (except Abai: the official Russian name "область Абай" rather than the
# source's "Абайская область"); the Kazakh names are the official ones.
ENTITIES: dict[str, tuple[str, str, str, str, int | None]] = {
    "KZ": ("total", "Republic of Kazakhstan", "Республика Казахстан",
           "Қазақстан Республикасы", None),
    "KZ-10": ("region", "Abai Region", "область Абай", "Абай облысы", 2022),
    "KZ-11": ("region", "Akmola Region", "Акмолинская область", "Ақмола облысы", None),
    "KZ-15": ("region", "Aktobe Region", "Актюбинская область", "Ақтөбе облысы", None),
    "KZ-19": ("region", "Almaty Region", "Алматинская область", "Алматы облысы", None),
    "KZ-23": ("region", "Atyrau Region", "Атырауская область", "Атырау облысы", None),
    "KZ-27": ("region", "West Kazakhstan Region", "Западно-Казахстанская область",
              "Батыс Қазақстан облысы", None),
    "KZ-31": ("region", "Jambyl Region", "Жамбылская область", "Жамбыл облысы", None),
    "KZ-33": ("region", "Jetisu Region", "область Жетісу", "Жетісу облысы", 2022),
    "KZ-35": ("region", "Karaganda Region", "Карагандинская область", "Қарағанды облысы", None),
    "KZ-39": ("region", "Kostanay Region", "Костанайская область", "Қостанай облысы", None),
    "KZ-43": ("region", "Kyzylorda Region", "Кызылординская область", "Қызылорда облысы", None),
    "KZ-47": ("region", "Mangystau Region", "Мангистауская область", "Маңғыстау облысы", None),
    "KZ-55": ("region", "Pavlodar Region", "Павлодарская область", "Павлодар облысы", None),
    "KZ-59": ("region", "North Kazakhstan Region", "Северо-Казахстанская область",
              "Солтүстік Қазақстан облысы", None),
    "KZ-61": ("region", "Turkistan Region", "Туркестанская область", "Түркістан облысы", None),
    "KZ-62": ("region", "Ulytau Region", "область Ұлытау", "Ұлытау облысы", 2022),
    "KZ-63": ("region", "East Kazakhstan Region", "Восточно-Казахстанская область",
              "Шығыс Қазақстан облысы", None),
    "KZ-71": ("city", "Astana city", "г. Астана", "Астана қаласы", None),
    "KZ-75": ("city", "Almaty city", "г. Алматы", "Алматы қаласы", None),
    "KZ-79": ("city", "Shymkent city", "г. Шымкент", "Шымкент қаласы", 2018),
}  # fmt: skip

# (year, old, new, what happened): the reorganisations of the README of the source data
EVENTS = (
    (2018, "KZ-61", "KZ-79", "Shymkent became a city of republican significance, separated "
                             "from South Kazakhstan Region (renamed Turkistan Region)"),
    (2022, "KZ-63", "KZ-10", "Abai Region created from part of East Kazakhstan Region"),
    (2022, "KZ-19", "KZ-33", "Jetisu Region created from part of Almaty Region"),
    (2022, "KZ-35", "KZ-62", "Ulytau Region created from part of Karaganda Region"),
)  # fmt: skip


def metadata(kind: str, description: str, **extra: Any) -> dict[str, Any]:
    """The ``govindex`` schema metadata of a shipped file: real data, source and licence."""
    return {
        "synthetic": False,
        "description": f"REAL data: {description}",
        "source": ORIGIN,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "generator": GENERATOR,
        "kind": kind,
        **extra,
    }


def write_parquet(frame: pd.DataFrame, schema: pa.Schema, path: Path, note: dict[str, Any]) -> None:
    """zstd Parquet, no index, the note in the schema metadata; written atomically."""
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"govindex"] = json.dumps(note, sort_keys=True, ensure_ascii=False).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    atomic_write_bytes(path, sink.getvalue().to_pybytes()).chmod(0o644)


def read_source(source: Path) -> pd.DataFrame:
    """The shipped series of the source panel, checked against the source README."""
    raw = pd.read_csv(source / "kz_regions_panel_long.csv", dtype={"entity": "str"})
    rows = raw.loc[raw["indicator_code"].isin(INDICATORS)]
    for code, n in EXPECTED_ROWS.items():
        got = rows.loc[rows["indicator_code"] == code]
        files = set(got["source_file"])
        if len(got) != n or files != {SOURCE_FILES[code]}:
            raise SystemExit(
                f"{code}: expected {n} rows from {SOURCE_FILES[code]}, found {len(got)} from "
                f"{sorted(files)}; has the source data changed?"
            )
    unknown = sorted(set(rows["entity"]) - set(ENTITIES))
    if unknown:
        raise SystemExit(f"entity codes not in the entities table: {unknown}")
    panel = rows.rename(columns={"indicator_code": "indicator"}).loc[
        :, ["entity", "indicator", "year", "value"]
    ]
    return panel.sort_values(["entity", "indicator", "year"], kind="stable").reset_index(drop=True)


def make_entities() -> pd.DataFrame:
    """The entities table (notes on the boundary changes from the source's regions.csv)."""
    notes = {
        "KZ-10": "created in 2022 from part of East Kazakhstan Region (KZ-63)",
        "KZ-19": "Jetisu Region (KZ-33) split off in 2022",
        "KZ-33": "created in 2022 from part of Almaty Region (KZ-19)",
        "KZ-35": "Ulytau Region (KZ-62) split off in 2022",
        "KZ-61": "South Kazakhstan Region, including Shymkent, until 2018; Turkistan Region "
        "without Shymkent (KZ-79) since 2018",
        "KZ-62": "created in 2022 from part of Karaganda Region (KZ-35)",
        "KZ-63": "Abai Region (KZ-10) split off in 2022",
        "KZ-71": "named Nur-Sultan in 2019-2022",
        "KZ-79": "city of republican significance since 2018 (part of KZ-61 before)",
    }
    return pd.DataFrame(
        {
            "code": list(ENTITIES),
            "kind": [v[0] for v in ENTITIES.values()],
            "name_en": [v[1] for v in ENTITIES.values()],
            "name_ru": [v[2] for v in ENTITIES.values()],
            "name_kk": [v[3] for v in ENTITIES.values()],
            "valid_from": pd.array([v[4] for v in ENTITIES.values()], dtype="Int64"),
            "valid_to": pd.array([None] * len(ENTITIES), dtype="Int64"),
            "note": [notes.get(c, "") for c in ENTITIES],
        }
    )


def make_lineage(panel: pd.DataFrame) -> pd.DataFrame:
    """One default row (intensive) and one HOSPITALS row (extensive) per event.

    The share is the new entity's part of the hospitals of the first post-event year: the
    only extensive series shipped; for the intensive life expectancy the share of a split
    does not matter (the old value is carried over to every part).
    """
    hosp = panel.loc[panel["indicator"] == "HOSPITALS"].set_index(["entity", "year"])["value"]
    rows = []
    for year, old, new, what in EVENTS:
        h_old, h_new = int(hosp[(old, year)]), int(hosp[(new, year)])
        share = float(Fraction(h_new, h_old + h_new))
        basis = f"share of {new} in the {year} hospitals of {old} and {new}: {h_new} / {h_old + h_new}"
        rows.append((year, old, new, "", share, "intensive", f"{what}; {basis}"))
        rows.append((year, old, new, "HOSPITALS", share, "extensive", "hospitals are counts"))
    return pd.DataFrame(
        rows, columns=["year", "from", "to", "indicator", "share", "method", "note"]
    )


def catalog_rows() -> list[dict[str, str]]:
    """A regional GPI (local executive bodies) on the two shipped series."""
    blank = dict.fromkeys(FIELDS, "")
    root = {**blank, "code": "GPI_KZ", "source": CATALOG_SOURCE,
            "name": "Government Performance Index of the regions of Kazakhstan (REAL data)",
            "name_ru": "Индекс эффективности деятельности регионов Казахстана (РЕАЛЬНЫЕ данные)",
            "name_kk": "Қазақстан өңірлері қызметінің тиімділік индексі (НАҚТЫ деректер)"}
    life = {**blank, "code": "LIFE_EXP", "parent": "GPI_KZ", "direction": "1", "weight": "1",
            "type": "statistical", "change": "absolute", "unit": "years", "sphere": "health",
            "name": "Life expectancy at birth", "source": CATALOG_SOURCE,
            "name_ru": "Ожидаемая продолжительность жизни при рождении",
            "name_kk": "Туған кездегі күтілетін өмір ұзақтығы"}
    hosp = {**blank, "code": "HOSPITALS", "parent": "GPI_KZ", "direction": "1", "weight": "1",
            "type": "statistical", "change": "relative", "unit": "count", "sphere": "health",
            "name": "Hospital organisations (count; direction +1 = access, see README)",
            "name_ru": "Больничные организации (число; направление +1 = доступность, см. README)",
            "name_kk": "Аурухана ұйымдары (саны; бағыт +1 = қолжетімділік, README қараңыз)",
            "source": CATALOG_SOURCE}  # fmt: skip
    return [root, life, hosp]


#: The catalog's columns: the contract's, then the names in Russian and Kazakh (translations,
#: left out of the catalog's fingerprint).
FIELDS = (*CATALOG_COLUMNS, "name_ru", "name_kk")


def write_csv(rows: Sequence[dict[str, str]], path: Path) -> None:
    """UTF-8 CSV with LF line ends (byte-reproducible)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(path, buf.getvalue().encode("utf-8")).chmod(0o644)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: write the four files into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="kz_regions folder")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    args = parser.parse_args(argv)
    source, out = Path(args.source), Path(args.out)
    if not (source / "kz_regions_panel_long.csv").is_file():
        raise SystemExit(f"source data not found in {source} (pass --source DIR)")
    panel = read_source(source)
    write_parquet(
        panel,
        pa.schema([pa.field("entity", pa.string(), nullable=False),
                   pa.field("indicator", pa.string(), nullable=False),
                   pa.field("year", pa.int64(), nullable=False),
                   pa.field("value", pa.float64())]),  # fmt: skip
        out / "kz_regions_panel.parquet",
        metadata(
            "kz_regions_panel",
            "life expectancy at birth (years, 1999-2022) and hospital organisations (count, "
            "2003-2022) of the regions and cities of Kazakhstan and the national total KZ",
            rows=len(panel),
            source_files=[SOURCE_FILES[c] for c in INDICATORS],
            units={"LIFE_EXP": "years", "HOSPITALS": "count"},
        ),
    )
    entities = make_entities()
    write_parquet(
        entities,
        pa.schema([pa.field(c, pa.string(), nullable=False)
                   for c in ("code", "kind", "name_en", "name_ru", "name_kk")]
                  + [pa.field("valid_from", pa.int64()), pa.field("valid_to", pa.int64()),
                     pa.field("note", pa.string(), nullable=False)]),  # fmt: skip
        out / "kz_regions_entities.parquet",
        metadata(
            "kz_regions_entities",
            "the regions and cities of Kazakhstan (KATO codes KZ-nn) and the total KZ, with "
            "names in English, Russian and Kazakh and their years of existence (public facts)",
            rows=len(entities),
        ),
    )
    lineage = make_lineage(panel)
    write_parquet(
        lineage,
        pa.schema([pa.field("year", pa.int64(), nullable=False),
                   *(pa.field(c, pa.string(), nullable=False)
                     for c in ("from", "to", "indicator")),
                   pa.field("share", pa.float64(), nullable=False),
                   pa.field("method", pa.string(), nullable=False),
                   pa.field("note", pa.string(), nullable=False)]),  # fmt: skip
        out / "kz_regions_lineage.parquet",
        metadata(
            "kz_regions_lineage",
            "the 2018 and 2022 boundary changes of Kazakhstan's regions, with shares computed "
            "from the shipped hospital counts of the first post-event year",
            rows=len(lineage),
        ),
    )
    write_csv(catalog_rows(), out / "kz_regions_catalog.csv")
    print(f"kz_regions: {len(panel)} panel rows, {len(entities)} entities, "
          f"{len(lineage)} lineage rows -> {out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
