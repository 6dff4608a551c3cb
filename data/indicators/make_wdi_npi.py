"""Build the REAL open-data extracts of govindex (World Bank WDI and WGI) into ``data/indicators/``.

Reads the shared copies of two World Bank data sets, both published under CC BY 4.0:

* World Development Indicators (WDI), Datahub mirror ``datasets/world-development-indicators``
  (commit 4ebec5a, 2026-07-01): Kazakhstan (``KAZ``), the 38 OECD members and the World Bank
  aggregate "OECD members" (``OED``), 25 NPI indicators and the population, 2010 on;
* Worldwide Governance Indicators (WGI), 2024 update (data to 2023): the same 39 countries,
  the six dimensions (estimate, standard error, percentile rank), 2010 on.

and writes

* ``wdi_npi_panel.parquet`` and ``wdi_npi_catalog.csv`` (the NPI tree ``NPI`` and the context
  root ``CONTEXT`` with the population);
* ``wgi_panel.parquet`` and ``wgi_catalog.csv``;
* ``wdi_entities.csv``: the 40 entities (code, kind, names in English, Russian and Kazakh).

Values are copied unchanged (full precision); nothing is imputed, rescaled or aggregated.
The input files are checked against the SHA-256 of the vintage described here, so that the
licence and vintage written into every file's metadata stay true. Running the script twice
gives byte-identical files (for the same pandas / pyarrow versions).

Usage::

    python data/indicators/make_wdi_npi.py [--shared DIR] [--out DIR]

``--shared`` is the folder holding ``wdi/`` and ``wgi/`` (default: ``../shared/data`` next
to the repository).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

_SRC = Path(__file__).resolve().parents[2] / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(_SRC))

from govindex._provenance import atomic_write_bytes  # noqa: E402

GENERATOR = "data/indicators/make_wdi_npi.py"
DEFAULT_SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
FIRST_YEAR = 2010
COUNTRY, AGGREGATE = "KAZ", "OED"
CC_BY = "CC BY 4.0"
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"

#: The vintage this script describes: input file → SHA-256 (checked before anything is read).
INPUTS = {
    "wdi/indicators.csv": "48acbcd6d839247d24cc1979fa2f3a40d2d8be5b10ab887ce4c94f851c9692e4",
    "wdi/entities.csv": "71f68adb63cf72c1a3ec8afb524e2fd54bd888274f44f182884514201ef4b957",
    "wdi/wdi_kaz_oecd_aggregates_2010_latest.csv": (
        "39ca5d8d1e0000840d03cf233b1d46384000f0598534aaefd124ff7f7f37865e"
    ),
    "wdi/wdi_oecd38_kaz_part1_economy_labour_government_context.csv": (
        "9d1649fbd8869a2a73a55329e3813419ed5c8238ccd27831ea5d5af937c57436"
    ),
    "wdi/wdi_oecd38_kaz_part2_health_education_innovation_social_environment.csv": (
        "9dd6466d30a52d304270d0f8c97450aa9f45c55facfdfe8327565b57680471f3"
    ),
    "wgi/indicators.csv": "70f3fcc7f31fb9fd8ab24e26006842e168970ac3a54d1c219e8c35bdeaf73acc",
    "wgi/wgi_2010_2023.csv": "cbb63cd85559dad10a4642bdf0bbcf1ed01eb05063c56e16c0cb1aa3556e0627",
}

WDI = {
    "source": "World Bank, World Development Indicators",
    "licence": CC_BY,
    "licence_url": CC_BY_URL,
    "attribution": (
        "World Bank, World Development Indicators (via datasets/world-development-indicators), "
        "CC BY 4.0"
    ),
    "vintage": (
        "WDI as mirrored by datasets/world-development-indicators on GitHub, commit "
        "4ebec5a2273f531ba238a34dbe440394dc5a6c4b (2026-07-01)"
    ),
    "note": "REAL data: World Bank WDI (CC BY 4.0), vintage of 2026-07-01",
}
WGI = {
    "source": "World Bank, Worldwide Governance Indicators (Kaufmann and Kraay)",
    "licence": CC_BY,
    "licence_url": CC_BY_URL,
    "attribution": (
        "Kaufmann D. and A. Kraay (2024), Worldwide Governance Indicators, 2024 Update "
        "(www.govindicators.org), World Bank, CC BY 4.0"
    ),
    "vintage": "WGI 2024 update (data 1996-2023), file wgidataset.csv of lmorgans/WGIdata@05f52f8",
    "note": "REAL data: World Bank WGI, 2024 update (CC BY 4.0)",
}
CATALOG_SOURCE_WDI = "World Bank, World Development Indicators (CC BY 4.0)"
CATALOG_SOURCE_WGI = "World Bank, Worldwide Governance Indicators 2024 (CC BY 4.0)"

#: The 25 NPI indicators: one concept each, with a direction that is clear for a country's
#: progress (the shared ``polarity`` annotation, reviewed: see README.md), and KAZ and OED
#: values in 2016 and 2022. Left out among the candidates: growth rates and net lending (can
#: be ≤ 0: a ratio means nothing), FDI and journal articles (levels that scale with the size
#: of the economy), forest area (geography), the female/male splits of a series.
NPI_INDICATORS: tuple[str, ...] = (
    # economy
    "NY.GDP.PCAP.PP.CD", "NY.GNP.PCAP.PP.CD", "SL.GDP.PCAP.EM.KD", "TX.VAL.TECH.MF.ZS",
    # labour
    "SL.UEM.TOTL.ZS", "SL.TLF.CACT.FE.ZS", "SL.EMP.TOTL.SP.ZS", "SL.EMP.VULN.FE.ZS",
    # government
    "SE.XPD.TOTL.GD.ZS", "SG.GEN.PARL.ZS",
    # health
    "SP.DYN.LE00.IN", "SP.DYN.IMRT.IN", "SH.STA.MMRT", "SH.IMM.MEAS", "SP.ADO.TFRT",
    # education
    "SE.TER.ENRR", "SE.SEC.ENRR", "SE.PRM.CMPT.ZS",
    # innovation
    "GB.XPD.RSDV.GD.ZS", "SP.POP.SCIE.RD.P6", "IT.NET.BBND.P2", "IT.NET.SECR.P6",
    # social and environment
    "EG.ELC.ACCS.ZS", "EN.ATM.PM25.MC.M3", "ER.PTD.TOTL.ZS",
)  # fmt: skip
POPULATION = "SP.POP.TOTL"
SPHERES = {
    "economy": "Economy", "labour": "Labour", "government": "Government", "health": "Health",
    "education": "Education", "innovation": "Innovation", "social": "Social",
    "environment": "Environment", "context": "Context",
}  # fmt: skip
CATALOG_COLUMNS = [
    "code", "name", "parent", "direction", "weight", "type", "aggregation", "normalization",
    "lower", "upper", "transform", "target", "change", "tolerance", "cap", "owner", "unit",
    "source", "sphere",
]  # fmt: skip
ENTITY_COLUMNS = [
    "code",
    "kind",
    "name_en",
    "name_ru",
    "name_kk",
    "group",
    "valid_from",
    "valid_to",
]

#: Russian and Kazakh short names (ours, not from the World Bank; see README.md).
NAMES_RU_KK: dict[str, tuple[str, str]] = {
    "KAZ": ("Казахстан", "Қазақстан"),
    "OED": ("Страны — члены ОЭСР", "ЭЫДҰ-ға мүше елдер"),
    "AUS": ("Австралия", "Австралия"),
    "AUT": ("Австрия", "Австрия"),
    "BEL": ("Бельгия", "Бельгия"),
    "CAN": ("Канада", "Канада"),
    "CHE": ("Швейцария", "Швейцария"),
    "CHL": ("Чили", "Чили"),
    "COL": ("Колумбия", "Колумбия"),
    "CRI": ("Коста-Рика", "Коста-Рика"),
    "CZE": ("Чехия", "Чехия"),
    "DEU": ("Германия", "Германия"),
    "DNK": ("Дания", "Дания"),
    "ESP": ("Испания", "Испания"),
    "EST": ("Эстония", "Эстония"),
    "FIN": ("Финляндия", "Финляндия"),
    "FRA": ("Франция", "Франция"),
    "GBR": ("Великобритания", "Ұлыбритания"),
    "GRC": ("Греция", "Грекия"),
    "HUN": ("Венгрия", "Венгрия"),
    "IRL": ("Ирландия", "Ирландия"),
    "ISL": ("Исландия", "Исландия"),
    "ISR": ("Израиль", "Израиль"),
    "ITA": ("Италия", "Италия"),
    "JPN": ("Япония", "Жапония"),
    "KOR": ("Республика Корея", "Корея Республикасы"),
    "LTU": ("Литва", "Литва"),
    "LUX": ("Люксембург", "Люксембург"),
    "LVA": ("Латвия", "Латвия"),
    "MEX": ("Мексика", "Мексика"),
    "NLD": ("Нидерланды", "Нидерланды"),
    "NOR": ("Норвегия", "Норвегия"),
    "NZL": ("Новая Зеландия", "Жаңа Зеландия"),
    "POL": ("Польша", "Польша"),
    "PRT": ("Португалия", "Португалия"),
    "SVK": ("Словакия", "Словакия"),
    "SVN": ("Словения", "Словения"),
    "SWE": ("Швеция", "Швеция"),
    "TUR": ("Турция", "Түркия"),
    "USA": ("США", "АҚШ"),
}

#: WGI codes that are not the ISO3 codes of WDI (WGI README); mapped before the join.
WGI_TO_ISO3 = {"ADO": "AND", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "WBG": "PSE", "KSV": "XKX"}
WGI_MEASURES = {"estimate": "EST", "stddev": "STD.ERR", "pctrank": "PER.RNK"}
WGI_ROOTS: dict[str, tuple[str, str, str, int]] = {  # measure → root, title, unit, direction
    "EST": (
        "WGI",
        "Worldwide Governance Indicators: estimates",
        "estimate (about N(0,1) across countries)",
        1,
    ),
    "PER.RNK": (
        "WGI_RANK",
        "Worldwide Governance Indicators: percentile ranks",
        "percentile rank 0-100",
        1,
    ),
    "STD.ERR": (
        "WGI_SE",
        "Worldwide Governance Indicators: standard errors of the estimates (context, not an index)",
        "standard error of the estimate",
        -1,
    ),
}


class SourceError(RuntimeError):
    """The shared input files are missing or differ from the vintage this script describes."""


def check_inputs(shared: Path) -> dict[str, str]:
    """SHA-256 of every input, checked against :data:`INPUTS`."""
    found: dict[str, str] = {}
    for name, expected in INPUTS.items():
        path = shared / name
        if not path.is_file():
            raise SourceError(
                f"input file not found: {path}; pass --shared DIR (holding wdi/, wgi/)"
            )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise SourceError(
                f"{path} is not the vintage this script describes (SHA-256 {digest}, expected "
                f"{expected}); review the licence and vintage, then update INPUTS and WDI/WGI"
            )
        found[name] = digest
    return found


def members(shared: Path) -> list[str]:
    ent = pd.read_csv(shared / "wdi" / "entities.csv", dtype=str, keep_default_na=False)
    codes = sorted(ent.loc[ent["oecd_member_2024"] == "True", "entity"])
    if len(codes) != 38:
        raise SourceError(f"expected the 38 OECD members in wdi/entities.csv, found {len(codes)}")
    return codes


def wdi_panel(shared: Path, countries: list[str]) -> pd.DataFrame:
    """KAZ and the members from the member files, OED from the aggregates file; KAZ's values
    of both files must agree."""
    wanted = [*NPI_INDICATORS, POPULATION]
    parts = [
        pd.read_csv(shared / name, dtype={"entity": str, "indicator_code": str})
        for name in INPUTS
        if "wdi_oecd38_kaz_part" in name
    ]
    long = pd.concat(parts, ignore_index=True).rename(columns={"indicator_code": "indicator"})
    long = long.loc[long["entity"].isin(countries) & long["indicator"].isin(wanted)]
    agg = pd.read_csv(shared / "wdi" / "wdi_kaz_oecd_aggregates_2010_latest.csv")
    agg = agg.rename(columns={"indicator_code": "indicator"})
    agg = agg.loc[agg["entity"].isin([COUNTRY, AGGREGATE]) & agg["indicator"].isin(wanted)]
    key = ["entity", "indicator", "year"]
    both = long.merge(agg.loc[agg["entity"] == COUNTRY, [*key, "value"]], on=key, how="outer")
    both = both.loc[both["entity"] == COUNTRY]
    if not both["value_x"].equals(both["value_y"]):
        raise SourceError("KAZ values differ between the member files and the aggregates file")
    frame = pd.concat(
        [long[[*key, "value"]], agg.loc[agg["entity"] == AGGREGATE, [*key, "value"]]]
    )
    frame = frame.loc[(frame["year"] >= FIRST_YEAR) & frame["value"].notna()]
    frame = frame.astype(
        {"entity": "str", "indicator": "str", "year": "int64", "value": "float64"}
    )
    missing = sorted(set(wanted) - set(frame.loc[frame["entity"] == AGGREGATE, "indicator"]))
    if missing:
        raise SourceError(f"OED has no values for {missing}")
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def catalog_row(**cells: str) -> dict[str, str]:
    return {c: cells.get(c, "") for c in CATALOG_COLUMNS}


def wdi_catalog(shared: Path) -> list[dict[str, str]]:
    meta = pd.read_csv(shared / "wdi" / "indicators.csv", dtype=str, keep_default_na=False)
    meta = meta.set_index("indicator_code")
    polarity = meta.loc[list(NPI_INDICATORS), "polarity"]
    if not polarity.isin(["+", "-"]).all():
        raise SourceError(
            f"NPI indicators without a direction: {list(polarity[~polarity.isin(['+', '-'])].index)}"
        )
    src = CATALOG_SOURCE_WDI
    rows = [
        catalog_row(code="NPI", name="National Progress Index (25 WDI indicators)", source=src)
    ]
    for code in NPI_INDICATORS:
        m = meta.loc[code]
        rows.append(catalog_row(
            code=code, name=m["indicator_name"], parent="NPI",
            direction="1" if m["polarity"] == "+" else "-1", weight="1", type="statistical",
            unit=m["unit"], source=src, sphere=SPHERES[m["topic"]],
        ))  # fmt: skip
    rows.append(
        catalog_row(code="CONTEXT", name="Context indicators (not part of the NPI)", source=src)
    )
    m = meta.loc[POPULATION]
    rows.append(catalog_row(
        code=POPULATION, name=m["indicator_name"], parent="CONTEXT", direction="1", weight="1",
        type="statistical", unit=m["unit"], source=src, sphere="Context",
    ))  # fmt: skip
    return rows


def wgi_panel(shared: Path, countries: list[str]) -> pd.DataFrame:
    wgi = pd.read_csv(
        shared / "wgi" / "wgi_2010_2023.csv", dtype={"entity": str, "indicator_code": str}
    )
    wgi["entity"] = wgi["entity"].replace(WGI_TO_ISO3)
    wgi = wgi.loc[wgi["entity"].isin(countries)]
    absent = sorted(set(countries) - set(wgi["entity"]))
    if absent:
        raise SourceError(f"WGI has no rows for {absent}")
    long = wgi.melt(
        id_vars=["entity", "indicator_code", "year"],
        value_vars=list(WGI_MEASURES),
        var_name="measure",
    )
    long["indicator"] = long["indicator_code"] + "." + long["measure"].map(WGI_MEASURES)
    long = long.loc[
        (long["year"] >= FIRST_YEAR) & long["value"].notna(),
        ["entity", "indicator", "year", "value"],
    ]
    long = long.astype({"entity": "str", "indicator": "str", "year": "int64", "value": "float64"})
    return long.sort_values(["entity", "indicator", "year"], kind="stable").reset_index(drop=True)


def wgi_catalog(shared: Path) -> list[dict[str, str]]:
    names = pd.read_csv(shared / "wgi" / "indicators.csv", dtype=str).set_index("indicator_code")
    rows: list[dict[str, str]] = []
    for suffix, (root, title, unit, direction) in WGI_ROOTS.items():
        rows.append(catalog_row(code=root, name=title, source=CATALOG_SOURCE_WGI))
        for dim in ("VA", "PV", "GE", "RQ", "RL", "CC"):
            rows.append(catalog_row(
                code=f"{dim}.{suffix}", name=names.loc[dim, "indicator_name"], parent=root,
                direction=str(direction), weight="1", type="statistical", unit=unit,
                source=CATALOG_SOURCE_WGI, sphere="Governance",
            ))  # fmt: skip
    return rows


def entities(shared: Path, countries: list[str]) -> list[dict[str, str]]:
    ent = pd.read_csv(shared / "wdi" / "entities.csv", dtype=str, keep_default_na=False)
    name_en = dict(zip(ent["entity"], ent["entity_name"], strict=True))
    rows = []
    for code in [COUNTRY, AGGREGATE, *countries[1:]]:
        ru, kk = NAMES_RU_KK[code]
        rows.append({
            "code": code, "kind": "aggregate" if code == AGGREGATE else "country",
            "name_en": name_en[code], "name_ru": ru, "name_kk": kk,
            "group": "OECD member" if code not in (COUNTRY, AGGREGATE) else "",
            "valid_from": "", "valid_to": "",
        })  # fmt: skip
    return rows


def write_csv(rows: list[dict[str, str]], columns: list[str], path: Path) -> None:
    """UTF-8 CSV with LF line ends (byte-reproducible)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(path, buf.getvalue().encode("utf-8")).chmod(0o644)


def write_parquet(frame: pd.DataFrame, path: Path, note: dict[str, object]) -> None:
    """zstd Parquet, no index, with the source, licence and attribution in the metadata."""
    fields = [
        pa.field("entity", pa.string(), nullable=False),
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("year", pa.int64(), nullable=False),
        pa.field("value", pa.float64()),
    ]
    table = pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"govindex"] = json.dumps(note, sort_keys=True, ensure_ascii=False).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    atomic_write_bytes(path, sink.getvalue().to_pybytes()).chmod(0o644)


def build(shared: Path, out: Path) -> list[Path]:
    """Check the inputs, then write the five files into ``out``; returns their paths."""
    digests = check_inputs(shared)
    countries = [COUNTRY, *members(shared)]
    common = {"synthetic": False, "generator": GENERATOR, "changes": (
        f"selected entities, indicators and years from {FIRST_YEAR}; empty values dropped; "
        "values unchanged (full precision)"
    )}  # fmt: skip
    wdi = wdi_panel(shared, countries)
    wgi = wgi_panel(shared, countries)
    out.mkdir(parents=True, exist_ok=True)
    write_parquet(wdi, out / "wdi_npi_panel.parquet", {
        **common, **WDI, "kind": "wdi_npi",
        "description": (
            "REAL data: World Bank WDI for Kazakhstan (KAZ), the 38 OECD members and the World "
            f"Bank aggregate OECD members (OED): 25 NPI indicators and the population, "
            f"{wdi['year'].min()}-{wdi['year'].max()}"
        ),
        "inputs": {k: v for k, v in digests.items() if k.startswith("wdi/")},
    })  # fmt: skip
    write_parquet(wgi, out / "wgi_panel.parquet", {
        **common, **WGI, "kind": "wgi",
        "description": (
            "REAL data: World Bank WGI for Kazakhstan (KAZ) and the 38 OECD members: six "
            "dimensions (estimate, standard error, percentile rank), "
            f"{wgi['year'].min()}-{wgi['year'].max()}; WGI codes mapped to ISO3"
        ),
        "inputs": {k: v for k, v in digests.items() if k.startswith("wgi/") or k == "wdi/entities.csv"},
    })  # fmt: skip
    write_csv(wdi_catalog(shared), CATALOG_COLUMNS, out / "wdi_npi_catalog.csv")
    write_csv(wgi_catalog(shared), CATALOG_COLUMNS, out / "wgi_catalog.csv")
    write_csv(entities(shared, countries), ENTITY_COLUMNS, out / "wdi_entities.csv")
    names = [
        "wdi_npi_panel.parquet",
        "wdi_npi_catalog.csv",
        "wgi_panel.parquet",
        "wgi_catalog.csv",
        "wdi_entities.csv",
    ]
    return [out / n for n in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="folder with wdi/ and wgi/"
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent, help="output folder"
    )
    args = parser.parse_args(argv)
    try:
        paths = build(args.shared, args.out)
    except SourceError as exc:
        print(f"make_wdi_npi.py: error: {exc}", file=sys.stderr)
        return 1
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
