"""Benchmark of :func:`govindex.compute_index` against a plain-pandas implementation.

Data: COINr's ASEM example (treated stage, 51 countries × 49 indicators, 4-level tree)
from ``shared/data/coinr_asem`` and a 1,000× larger panel (51,000 entities × 49
indicators) made by multiplicative jitter of the same values (fixed seed; synthetic).

Run from the repository root::

    /work/venv/bin/python benchmarks/bench_engine.py [--repeats 7] [--scale 1000]

Prints a Markdown table; paste it into ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

import govindex
from govindex import Catalog, Panel, compute_index

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "coinr_asem"
ID_COLS = ["UnitName", "Year", "Group_GDP", "Group_GDPpc", "Group_Pop", "Group_EurAsia"]


def load_asem() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wide treated values (entity × indicator) and the catalog table."""
    wide = pd.read_csv(DATA / "asem_coin_stage_treated.csv").set_index("UnitCode")
    wide = wide.drop(columns=ID_COLS)
    wide.index.name = "entity"
    meta = pd.read_csv(DATA / "asem_imeta_v1.csv")
    meta = meta.loc[meta["Type"].isin(["Indicator", "Aggregate"])]
    nodes = pd.DataFrame(
        {
            "code": meta["iCode"].to_numpy(),
            "parent": meta["Parent"].fillna("").to_numpy(),
            "direction": meta["Direction"].to_numpy(),
            "weight": meta["Weight"].to_numpy(),
        }
    )
    return wide, nodes


def jitter(wide: pd.DataFrame, scale: int, seed: int = 20240601) -> pd.DataFrame:
    """``scale`` noisy copies of every entity: value × exp(N(0, 0.1²)) (synthetic data)."""
    rng = np.random.default_rng(seed)
    base = np.repeat(wide.to_numpy(dtype=np.float64), scale, axis=0)
    noisy = base * np.exp(rng.normal(0.0, 0.1, size=base.shape))
    codes = [f"{e}_{k:04d}" for e in wide.index for k in range(scale)]
    return pd.DataFrame(noisy, index=pd.Index(codes, name="entity"), columns=wide.columns)


def to_tidy(wide: pd.DataFrame, year: int = 2018) -> pd.DataFrame:
    n_e, n_i = wide.shape
    return pd.DataFrame(
        {
            "entity": np.repeat(wide.index.to_numpy(), n_i),
            "indicator": np.tile(wide.columns.to_numpy(), n_e),
            "year": year,
            "value": wide.to_numpy().ravel(),
        }
    )


def pandas_index(wide: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """The same steps in plain pandas: minmax via DataFrame ops, groupby tree roll-up."""
    meta = nodes.set_index("code")
    direction = meta.loc[wide.columns, "direction"]
    lo, hi = wide.min(), wide.max()
    norm = (wide - lo) / (hi - lo) * 100.0
    flip = (direction < 0).to_numpy()
    norm.loc[:, flip] = 100.0 - norm.loc[:, flip]  # flip direction −1 indicators
    parent = meta["parent"]
    weight = meta["weight"]
    depth = pd.Series(0, index=meta.index)
    for code in meta.index:  # depth of every node (tree-sized loop)
        node, d = code, 0
        while parent[node]:
            node, d = parent[node], d + 1
        depth[code] = d
    scores = norm
    for level in range(int(depth.max()), 0, -1):
        kids = depth.index[depth == level]
        x = scores.loc[:, kids]
        w = weight[kids]
        num = (x * w).T.groupby(parent[kids]).sum().T
        den = (x.notna() * w).T.groupby(parent[kids]).sum().T
        scores = pd.concat([scores, num / den], axis=1)
    return scores


def timeit(func: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Median and minimum wall time (seconds) of ``repeats`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), out


def run(repeats: int, scale: int) -> str:
    wide, nodes = load_asem()
    catalog = Catalog.from_frame(nodes)
    lines = [
        f"Date {date.today().isoformat()}; govindex {govindex.__version__}; Python "
        f"{platform.python_version()}; numpy {np.__version__}; pandas {pd.__version__}; "
        f"{os.cpu_count()} CPU cores ({platform.machine()}); median of {repeats} runs.",
        "",
        "| case | entities × indicators | Panel.from_frame | compute_index median (min) | "
        "observations/s, compute (at min) | plain pandas median (min) | pandas / govindex "
        "(medians) | max abs diff |",
        "|---|---|---|---|---|---|---|---|",
    ]
    big = jitter(wide, scale)
    holes = big.mask(np.random.default_rng(7).random(big.shape) < 0.05)  # 5 % missing
    cases = (
        ("ASEM (COINr)", wide),
        (f"ASEM × {scale:,} (jittered)", big),
        (f"ASEM × {scale:,}, 5 % missing", holes),
    )
    for label, data in cases:
        tidy = to_tidy(data)
        t_panel, _, panel = timeit(
            lambda tidy=tidy: Panel.from_frame(tidy, catalog=catalog), repeats
        )
        assert isinstance(panel, Panel)

        def ours(panel: Panel = panel) -> object:
            return compute_index(panel, catalog, year=2018, coverage=0)

        compute_index(panel, catalog, year=2018, coverage=0)  # warm-up
        t_ours, m_ours, res = timeit(ours, repeats)
        t_pd, m_pd, ref = timeit(lambda data=data: pandas_index(data, nodes), repeats)
        assert isinstance(ref, pd.DataFrame)
        got = res.scores  # type: ignore[attr-defined]
        diff = np.nanmax(np.abs(got.loc[ref.index, ref.columns].to_numpy() - ref.to_numpy()))
        assert diff < 1e-9, diff
        n_obs = data.shape[0] * data.shape[1]
        lines.append(
            f"| {label} | {data.shape[0]:,} × {data.shape[1]} | {t_panel * 1e3:,.1f} ms | "
            f"{t_ours * 1e3:,.1f} ms ({m_ours * 1e3:,.1f}) | {n_obs / t_ours / 1e6:,.1f} M "
            f"({n_obs / m_ours / 1e6:,.1f} M) | {t_pd * 1e3:,.1f} ms ({m_pd * 1e3:,.1f}) | "
            f"{t_pd / t_ours:,.1f}× | {diff:.1e} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scale", type=int, default=1000)
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"COINr ASEM data not found at {DATA}")
    print(run(args.repeats, args.scale))


if __name__ == "__main__":
    main()
