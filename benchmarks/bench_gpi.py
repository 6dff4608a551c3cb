"""Benchmark of GPI (:func:`govindex.performance_index`), NPI (:func:`govindex.progress_index`)
and risk areas against plain-pandas implementations of the same steps.

Data:

* the bundled SYNTHETIC demo data (``leb``: 20 regions × 50 indicators, ``cgb``: 25 bodies,
  167 indicators, ``npi``: 39 countries × 26 indicators);
* a SYNTHETIC panel of 10,000 entities × 200 indicators × 12 years (2014–2025) made from
  random yearly growth (fixed seed, 1 % of cells missing), with one shared tree
  GPI → 10 spheres (weights 1…10) → 20 indicators each, random directions.

The plain-pandas GPI does the documented default steps with ``groupby`` (window 2022–2025:
first/last observed value per entity-indicator, CAGR over the actual span, τ = 1 %/yr,
s = 50 + 50·clip(g/0.05), mean per sphere, weighted mean of spheres); the NPI oracle does the
members' mean per (indicator, year), the capped ratios and their mean. Both must agree with
govindex to 1e-9.

Run from the repository root::

    /work/venv/bin/python benchmarks/bench_gpi.py [--repeats 3] [--entities 10000]

Needs ≈ 9 GB of RAM at the default size (most of it in ``Panel.from_frame``). Prints a
Markdown report; paste it into ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

import govindex
from govindex import Catalog, Panel, performance_index, progress_index
from govindex.datasets import load_demo_frames

YEAR, WINDOW, BASE_YEAR = 2025, 3, 2016
N_SPHERES = 10


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time (s) over ``repeats`` calls and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


# --------------------------------------------------------------------------- synthetic data


def synthetic(
    n_ent: int, n_ind: int, n_year: int, seed: int = 20261126
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC tidy panel (built from arrays, categorical codes) and its catalog table."""
    rng = np.random.default_rng(seed)
    growth = rng.normal(0.01, 0.03, size=(n_ent, n_ind, n_year))
    values = 100.0 * np.exp(np.cumsum(growth, axis=2))
    values[rng.random(values.shape) < 0.01] = np.nan
    ent = pd.Index([f"E{e:05d}" for e in range(n_ent)])
    ind = pd.Index([f"I{i:03d}" for i in range(n_ind)])
    years = np.arange(YEAR - n_year + 1, YEAR + 1)
    e_codes = np.repeat(np.arange(n_ent), n_ind * n_year)
    i_codes = np.tile(np.repeat(np.arange(n_ind), n_year), n_ent)
    frame = pd.DataFrame({
        "entity": pd.Categorical.from_codes(e_codes, ent),
        "indicator": pd.Categorical.from_codes(i_codes, ind),
        "year": np.tile(years, n_ent * n_ind),
        "value": values.ravel(),
    })  # fmt: skip
    frame = frame.loc[frame["value"].notna()].reset_index(drop=True)
    spheres = [f"S{k:02d}" for k in range(N_SPHERES)]
    per = n_ind // N_SPHERES
    sphere_of = [spheres[min(i // per, N_SPHERES - 1)] for i in range(n_ind)]
    catalog = pd.DataFrame({
        "code": ["GPI", *spheres, *ind],
        "parent": ["", *["GPI"] * N_SPHERES, *sphere_of],
        "weight": [1.0, *np.arange(1.0, N_SPHERES + 1), *np.ones(n_ind)],
        "direction": [None] * (N_SPHERES + 1) + rng.choice([1, -1], n_ind).tolist(),
        "source": "SYNTHETIC benchmark data",
    })  # fmt: skip
    return frame, catalog


# --------------------------------------------------------------------------- plain-pandas oracles


def _sphere_weights(catalog: pd.DataFrame) -> pd.Series:
    return catalog.loc[catalog["parent"] == "GPI"].set_index("code")["weight"]


def _tree_mean(tidy: pd.DataFrame, key: str, col: str, spheres: pd.Series) -> pd.Series:
    """Mean of ``col`` per (key, sphere), then the sphere-weighted mean per key (NaN skipped)."""
    sph = tidy.groupby([key, "sphere"], observed=True)[col].mean().reset_index()
    sph["w"] = sph["sphere"].map(spheres)
    sph["ws"] = sph["w"] * sph[col]
    root = sph.groupby(key, observed=True)[["ws", "w"]].sum()
    return root["ws"] / root["w"]


def pandas_gpi(frame: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """The default GPI (relative rule, cap 5 %/yr, τ 1 %/yr) with pandas groupby only."""
    leaves = catalog.loc[catalog["direction"].notna()].set_index("code")
    spheres = _sphere_weights(catalog)
    win = frame.loc[frame["year"].between(YEAR - WINDOW, YEAR) & frame["value"].notna()]
    win = win.sort_values(["entity", "indicator", "year"], kind="stable")
    g = win.groupby(["entity", "indicator"], observed=True, sort=False).agg(
        x0=("value", "first"),
        x1=("value", "last"),
        y0=("year", "min"),
        y1=("year", "max"),
        n=("value", "size"),
    )
    g = g.reset_index()
    span = g["y1"] - g["y0"]
    g = g.loc[(g["n"] >= 2) & (span >= 2)].copy()
    ind = g["indicator"].astype(str)
    d = ind.map(leaves["direction"].astype(float)).to_numpy()
    g["g"] = d * ((g["x1"] / g["x0"]) ** (1.0 / (g["y1"] - g["y0"])) - 1.0)
    g["cls"] = np.where(g["g"] > 0.01, 1, np.where(g["g"] < -0.01, -1, 0))
    g["score"] = 50.0 + 50.0 * (g["g"] / 0.05).clip(-1.0, 1.0)
    g["sphere"] = ind.map(leaves["parent"]).to_numpy()
    out = pd.DataFrame({"gpi": _tree_mean(g, "entity", "score", spheres)})
    counts = g.groupby(["entity", "cls"], observed=True).size().unstack(fill_value=0)
    out["n_improved"], out["n_deteriorated"] = counts.get(1, 0), counts.get(-1, 0)
    out.index = out.index.astype(str)
    return out


def pandas_npi(frame: pd.DataFrame, catalog: pd.DataFrame, country: str) -> pd.DataFrame:
    """NPI vs the members' plain mean and vs the base year over the same tree, caps [0, 2]."""
    d = catalog.loc[catalog["direction"].notna()].set_index("code")["direction"].astype(float)
    is_c = (frame["entity"] == country).to_numpy()
    ref = frame.loc[~is_c].groupby(["indicator", "year"], observed=True)["value"].mean()
    x = frame.loc[is_c].set_index(["indicator", "year"])["value"]
    x.index = x.index.set_levels(x.index.levels[0].astype(str), level=0)
    ref.index = ref.index.set_levels(ref.index.levels[0].astype(str), level=0)
    ref = ref.reindex(x.index)
    base = x.xs(BASE_YEAR, level="year").reindex(x.index.get_level_values("indicator")).to_numpy()
    dd = d.reindex(x.index.get_level_values("indicator")).to_numpy()
    parent = catalog.set_index("code")["parent"]
    tidy = pd.DataFrame({
        "year": x.index.get_level_values("year"),
        "sphere": parent.reindex(x.index.get_level_values("indicator")).to_numpy(),
        "r": (((x / ref) ** dd).clip(0, 2) * 100).to_numpy(),
        "b": (((x / base) ** dd).clip(0, 2) * 100).to_numpy(),
    }).dropna(subset=["r"])  # fmt: skip
    spheres = _sphere_weights(catalog)
    npi_r = _tree_mean(tidy, "year", "r", spheres)
    npi_b = _tree_mean(tidy.dropna(subset=["b"]), "year", "b", spheres)
    return pd.DataFrame({"npi_reference": npi_r, "npi_base": npi_b})


# --------------------------------------------------------------------------- runs


def run_demo(repeats: int) -> list[tuple[str, float]]:
    rows = []
    for kind in ("leb", "cgb"):
        p, c = load_demo_frames(kind)
        panel, cat = Panel.from_frame(p), Catalog.from_frame(c)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t, res = timed(
                lambda panel=panel, cat=cat: performance_index(panel, cat, year=YEAR), repeats
            )
            rows.append(
                (f"demo `{kind}` GPI ({panel.shape[0]}×{panel.shape[1]}×{panel.shape[2]})", t)
            )
            t, _ = timed(res.risk_areas, repeats)
            rows.append((f"demo `{kind}` risk areas", t))
    p, c = load_demo_frames("npi")
    panel, cat = Panel.from_frame(p), Catalog.from_frame(c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, _ = timed(
            lambda: progress_index(panel, cat, country="DMO", reference="OECD", year=2024), repeats
        )
    rows.append(("demo `npi` NPI (DMO vs OECD, 16 years)", t))
    return rows


def run_synthetic(
    n_ent: int, n_ind: int, n_year: int, repeats: int
) -> tuple[list[tuple[str, float]], list[str]]:
    rows: list[tuple[str, float]] = []
    notes: list[str] = []
    t0 = time.perf_counter()
    frame, cat_frame = synthetic(n_ent, n_ind, n_year)
    rows.append((f"build tidy frame from arrays ({len(frame):,} rows)", time.perf_counter() - t0))
    t0 = time.perf_counter()
    panel = Panel.from_frame(frame)
    rows.append(("`Panel.from_frame` (validation + dense array), once", time.perf_counter() - t0))
    catalog = Catalog.from_frame(cat_frame)
    t0 = time.perf_counter()
    _ = panel.fingerprint
    rows.append(
        (
            "`Panel.fingerprint` (SHA-256, cached after the first GPI/NPI call), once",
            time.perf_counter() - t0,
        )
    )

    t_g, res = timed(lambda: performance_index(panel, catalog, year=YEAR, window=WINDOW), repeats)
    rows.append(("govindex GPI (fingerprint cached)", t_g))
    t_p, ora = timed(lambda: pandas_gpi(frame, cat_frame), repeats)
    rows.append(("plain-pandas GPI", t_p))
    got = res.scores["gpi"].reindex(ora.index)
    diff = float(np.nanmax(np.abs(got.to_numpy() - ora["gpi"].to_numpy())))
    same_n = bool(res.scores["gpi"].notna().sum() == len(ora))
    mine = res.scores.loc[ora.index, ["n_improved", "n_deteriorated"]].to_numpy()
    same_cls = bool((mine == ora[["n_improved", "n_deteriorated"]].to_numpy()).all())
    notes.append(
        f"GPI: max |govindex − pandas| = {diff:.2e} over {len(ora):,} entities; "
        f"same entities scored: {same_n}; same improved/deteriorated counts: {same_cls}"
    )
    assert diff < 1e-9 and same_n and same_cls, "govindex and the pandas GPI disagree"
    notes.append(f"GPI/pandas time ratio: {t_g / t_p:.2f}")

    t_r, risks = timed(res.risk_areas, repeats)
    rows.append((f"risk areas ({len(risks):,} rows)", t_r))

    country = "E00000"
    members = [e for e in panel.entities if e != country]
    t_n, npi = timed(lambda: progress_index(panel, catalog, country=country, reference=members,
                                            base_year=BASE_YEAR, year=YEAR), repeats)  # fmt: skip
    rows.append(
        (f"govindex NPI ({country} vs mean of {len(members):,} members, {n_year} years)", t_n)
    )
    t_pn, npi_o = timed(lambda: pandas_npi(frame, cat_frame, country), repeats)
    rows.append(("plain-pandas NPI", t_pn))
    d_n = float(np.nanmax(np.abs(npi.scores[["npi_reference", "npi_base"]].to_numpy()
                                 - npi_o.reindex(npi.scores.index).to_numpy())))  # fmt: skip
    notes.append(f"NPI: max |govindex − pandas| over {len(npi.scores)} years × 2 = {d_n:.2e}")
    assert d_n < 1e-9, "govindex and the pandas NPI disagree"
    return rows, notes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--indicators", type=int, default=200)
    ap.add_argument("--years", type=int, default=12)
    args = ap.parse_args()
    demo = run_demo(max(args.repeats, 5))
    synth, notes = run_synthetic(args.entities, args.indicators, args.years, args.repeats)
    print(f"## GPI + NPI + risk areas — {date.today().isoformat()}\n")
    print(
        f"govindex {govindex.__version__}, Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}, {os.cpu_count()} cores, "
        f"{platform.machine()}\n"
    )
    print(f"Median of {max(args.repeats, 5)} runs (demo) / {args.repeats} runs (synthetic).\n")
    print("| step | seconds |\n|---|---:|")
    for name, t in demo:
        print(f"| {name} | {t:.4f} |")
    print(f"| **SYNTHETIC {args.entities:,} × {args.indicators} × {args.years}** | |")
    for name, t in synth:
        print(f"| {name} | {t:.3f} |")
    print()
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
