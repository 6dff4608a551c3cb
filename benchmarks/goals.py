"""The benchmarks of issue 16, each timed against a floor measured in the same run.

Every benchmark returns one :class:`Row`: the median and the range of its runs, the median of
its floor (a plain numpy/pyarrow pass doing the least the step must do) and the goal. The
data are SYNTHETIC (random growth, fixed seeds) except COINr's ASEM example
(``shared/data/coinr_asem``, real) and the bundled demo (SYNTHETIC).

Only public names of govindex are used, so the same file times any version of the library
(``PYTHONPATH=/path/to/other/src python -m benchmarks --json before.json``).
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: COINr's ASEM example (real data, next to the repository; ``GOVINDEX_ASEM`` overrides)
ASEM = Path(
    os.environ.get("GOVINDEX_ASEM")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "coinr_asem"
)
ASEM_ID_COLS = ["UnitName", "Year", "Group_GDP", "Group_GDPpc", "Group_Pop", "Group_EurAsia"]
YEAR = 2025


@dataclass
class Row:
    """One goal: what was timed, its runs, its floor and the goal's ratio or limit."""

    key: str
    what: str
    unit: str  # "s" (times; shown in ms or s) or "x" (memory ratio) or "M/s"
    runs: list[float]
    floor: list[float] = field(default_factory=list)
    floor_what: str = ""
    goal: str = ""
    limit: float | None = None  # the goal: ratio to the floor (or value) at most / at least
    at_least: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def ratio(self) -> float | None:
        return self.median / statistics.median(self.floor) if self.floor else None

    @property
    def reached(self) -> bool | None:
        if self.limit is None:
            return None
        value = self.ratio if self.ratio is not None else self.median
        return value >= self.limit if self.at_least else value <= self.limit

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "what": self.what,
            "unit": self.unit,
            "runs": self.runs,
            "floor": self.floor,
            "floor_what": self.floor_what,
            "goal": self.goal,
            "limit": self.limit,
            "at_least": self.at_least,
            "extra": self.extra,
        }


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall times (s) of ``repeats`` calls, each after a garbage collection."""
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def alternated(
    fns: dict[str, Callable[[], object]], repeats: int, warm: bool = True
) -> dict[str, list[float]]:
    """Time several callables in turn (a, b, a, b, …) so that load hits them alike."""
    if warm:
        for fn in fns.values():
            fn()
    out: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            out[k] += timed(fn, 1)
    return out


# --------------------------------------------------------------------------- memory
def _status(key: str) -> int:
    """A ``/proc/self/status`` field in bytes (Linux), 0 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_added(fn: Callable[[], object]) -> float:
    """Peak resident memory added while ``fn`` runs and its result is alive (bytes).

    The kernel's high-water mark is reset first (``/proc/self/clear_refs``, Linux), so the
    peak is this call's own.
    """
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return float("nan")
    before = _status("VmRSS")
    out = fn()
    peak = _status("VmHWM")
    del out
    return float(peak - before)


# --------------------------------------------------------------------------- data
def synthetic(
    n_ent: int, n_ind: int, n_year: int, seed: int = 20261126
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC tidy panel (random yearly growth, 1 % missing) and a 10-sphere catalog."""
    rng = np.random.default_rng(seed)
    growth = rng.normal(0.01, 0.03, size=(n_ent, n_ind, n_year))
    values = 100.0 * np.exp(np.cumsum(growth, axis=2))
    values[rng.random(values.shape) < 0.01] = np.nan
    ent = pd.Index([f"E{e:06d}" for e in range(n_ent)])
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
    n_sph = min(10, n_ind)
    spheres = [f"S{k:02d}" for k in range(n_sph)]
    sphere_of = [spheres[i * n_sph // n_ind] for i in range(n_ind)]
    catalog = pd.DataFrame({
        "code": ["GPI", *spheres, *ind],
        "parent": ["", *["GPI"] * n_sph, *sphere_of],
        "weight": [1.0, *np.arange(1.0, n_sph + 1), *np.ones(n_ind)],
        "direction": [None] * (n_sph + 1) + rng.choice([1, -1], n_ind).tolist(),
        "source": "SYNTHETIC benchmark data",
    })  # fmt: skip
    return frame, catalog


def asem(stage: str = "treated") -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr's ASEM example (wide entity × indicator values of a stage) and its catalog."""
    wide = pd.read_csv(ASEM / f"asem_coin_stage_{stage}.csv").set_index("UnitCode")
    wide = wide.drop(columns=ASEM_ID_COLS)
    wide.index.name = "entity"
    meta = pd.read_csv(ASEM / "asem_imeta_v1.csv")
    meta = meta.loc[meta["Type"].isin(["Indicator", "Aggregate"])]
    nodes = pd.DataFrame({
        "code": meta["iCode"].to_numpy(),
        "parent": meta["Parent"].fillna("").to_numpy(),
        "direction": meta["Direction"].to_numpy(),
        "weight": meta["Weight"].to_numpy(),
    })  # fmt: skip
    return wide, nodes


def jitter(wide: pd.DataFrame, scale: int, seed: int = 20240601) -> pd.DataFrame:
    """``scale`` noisy copies of every entity: value × exp(N(0, 0.1²)) (SYNTHETIC)."""
    rng = np.random.default_rng(seed)
    base = np.repeat(wide.to_numpy(dtype=np.float64), scale, axis=0)
    noisy = base * np.exp(rng.normal(0.0, 0.1, size=base.shape))
    codes = [f"{e}_{k:05d}" for e in wide.index for k in range(scale)]
    return pd.DataFrame(noisy, index=pd.Index(codes, name="entity"), columns=wide.columns)


def to_tidy(wide: pd.DataFrame, year: int = 2018) -> pd.DataFrame:
    n_e, n_i = wide.shape
    return pd.DataFrame({
        "entity": np.repeat(wide.index.to_numpy(), n_i),
        "indicator": np.tile(wide.columns.to_numpy(), n_e),
        "year": year,
        "value": wide.to_numpy().ravel(),
    })  # fmt: skip


# --------------------------------------------------------------------------- floors
def minmax_floor(a: np.ndarray) -> np.ndarray:
    """One numpy min–max normalisation of the entity × indicator array (0–100)."""
    lo, hi = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
    return (a - lo) / (hi - lo) * 100.0


def gpi_floor(values: np.ndarray, direction: np.ndarray, window: int) -> np.ndarray:
    """One numpy change-and-score pass: first and last year of the window (complete series
    only), annual growth, score ``50 + 50·clip(g·d / 5 %, −1, 1)``, mean per entity."""
    x0, x1 = values[:, :, -window - 1], values[:, :, -1]
    with np.errstate(invalid="ignore", divide="ignore"):
        g = (x1 / x0) ** (1.0 / window) - 1.0
    s = 50.0 + 50.0 * np.clip(g * direction / 0.05, -1.0, 1.0)
    return np.nanmean(s, axis=1)


def moments_floor(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One numpy moments pass per column: mean, then the 2nd, 3rd and 4th central moments
    (skewness and kurtosis of every column)."""
    n = np.sum(~np.isnan(a), axis=0)
    d = a - np.nanmean(a, axis=0)
    d2 = d * d
    m2, m3, m4 = (np.nansum(v, axis=0) / n for v in (d2, d2 * d, d2 * d2))
    return m3 / m2**1.5, m4 / m2**2 - 3.0


def dense(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Dense entity × indicator × year array of a SYNTHETIC categorical frame (numpy scatter)."""
    e = frame["entity"].cat.codes.to_numpy()
    i = frame["indicator"].cat.codes.to_numpy()
    year = frame["year"].to_numpy()
    y0 = int(year.min())
    shape = (len(frame["entity"].cat.categories), len(frame["indicator"].cat.categories),
             int(year.max()) - y0 + 1)  # fmt: skip
    out = np.full(shape, np.nan)
    out[e, i, year - y0] = frame["value"].to_numpy()
    return out, i


# --------------------------------------------------------------------------- the benchmarks
@dataclass(frozen=True)
class Sizes:
    """Sizes of one run: the issue's (default) or tiny ones (``--smoke``, seconds)."""

    repeats: int = 5
    asem_scale: int = 1000  # ASEM × 1,000 = 51,000 entities
    gpi_big: tuple[int, int, int] = (51_000, 49, 4)
    gpi_mid: tuple[int, int, int] = (2_000, 50, 10)
    batch: tuple[int, int, int] = (51_000, 49, 6)
    small_repeats: int = 50
    data: Path = Path(tempfile.gettempdir()) / "govindex-bench"


SMOKE = Sizes(
    repeats=1, asem_scale=2, gpi_big=(120, 12, 4), gpi_mid=(60, 12, 10), batch=(80, 12, 6),
    small_repeats=1, data=Path(tempfile.gettempdir()) / "govindex-bench-smoke",
)  # fmt: skip


def bench_compute_index(sizes: Sizes) -> list[Row]:
    import govindex

    wide, nodes = asem("treated")
    catalog = govindex.Catalog.from_frame(nodes)
    big = jitter(wide, sizes.asem_scale)
    panel = govindex.Panel.from_frame(to_tidy(big), catalog=catalog)
    a = big.to_numpy()
    t = alternated(
        {
            "run": lambda: govindex.compute_index(panel, catalog, year=2018, coverage=0),
            "floor": lambda: minmax_floor(a),
        },
        sizes.repeats,
    )
    n_e, n_i = big.shape
    return [
        Row("compute_index", f"`compute_index` ASEM × {sizes.asem_scale:,} ({n_e:,} × {n_i})",
            "s", t["run"], t["floor"], "numpy min–max normalisation of the same array",
            "≤ 5× floor", 5.0),
    ]  # fmt: skip


def _gpi_case(sizes: Sizes, shape: tuple[int, int, int], key: str) -> list[Row]:
    import govindex

    frame, cframe = synthetic(*shape)
    catalog = govindex.Catalog.from_frame(cframe)
    panel = govindex.Panel.from_frame(frame)
    _ = panel.fingerprint  # computed once per panel (cached), not part of the index
    values, _codes = dense(frame)
    leaves = cframe.loc[cframe["direction"].notna()]
    direction = leaves["direction"].to_numpy(dtype=np.float64)
    n_obs = len(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = alternated(
            {
                "run": lambda: govindex.performance_index(panel, catalog, year=YEAR),
                "floor": lambda: gpi_floor(values, direction, 3),
            },
            sizes.repeats,
        )
        mem = [peak_added(lambda: govindex.performance_index(panel, catalog, year=YEAR))
               for _ in range(min(sizes.repeats, 3))]  # fmt: skip
    dense_bytes = float(values.nbytes)
    label = f"{shape[0]:,} × {shape[1]} × {shape[2]} ({n_obs / 1e6:.1f} M observations)"
    rows = [
        Row(f"{key}_time", f"`performance_index` {label}", "s", t["run"], t["floor"],
            "numpy change-and-score pass (first/last year, growth, score, entity mean)",
            "≤ 5× floor", 5.0),
        Row(f"{key}_rate", f"`performance_index` {label}: observations per second", "M/s",
            [n_obs / s / 1e6 for s in t["run"]], goal="≥ 15 M/s", limit=15.0, at_least=True),
    ]  # fmt: skip
    if key == "gpi_big":
        rows.append(
            Row("gpi_memory", f"`performance_index` {label}: peak memory added / dense input "
                f"({dense_bytes / 1e6:,.0f} MB)", "x", [m / dense_bytes for m in mem],
                goal="≤ 3×", limit=3.0)
        )  # fmt: skip
    return rows


def bench_gpi(sizes: Sizes) -> list[Row]:
    return [
        *_gpi_case(sizes, sizes.gpi_big, "gpi_big"),
        *_gpi_case(sizes, sizes.gpi_mid, "gpi_mid"),
    ]


def bench_small(sizes: Sizes) -> list[Row]:
    import govindex
    from govindex.datasets import load_demo

    n = sizes.small_repeats
    panel, catalog = load_demo("leb")
    _ = panel.fingerprint
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = alternated({"run": lambda: govindex.performance_index(panel, catalog, year=YEAR)}, n)
        rows.append(Row("small_gpi", "`performance_index` on the LEB demo (20 × 50 × 12, SYNTHETIC)",
                        "s", t["run"], goal="≤ 5 ms", limit=0.005))  # fmt: skip
        wide, nodes = asem("treated")
        tidy = to_tidy(wide)

        def build() -> object:
            catalog = govindex.Catalog.from_frame(nodes)
            return govindex.Panel.from_frame(tidy, catalog=catalog), catalog

        raw_wide, _ = asem("imputed")
        raw_tidy = to_tidy(raw_wide)

        def pipeline() -> object:
            catalog = govindex.Catalog.from_frame(nodes)
            panel = govindex.Panel.from_frame(raw_tidy, catalog=catalog)
            return govindex.compute_index(panel, catalog, year=2018, treatment={})

        t = alternated({"build": build, "pipeline": pipeline}, n)
    rows.append(Row("small_build", "`Panel` + `Catalog` at ASEM size (51 × 49)", "s",
                    t["build"], goal="≤ 5 ms", limit=0.005))  # fmt: skip
    rows.append(Row("small_pipeline", "ASEM pipeline: construct + treat + normalise + aggregate",
                    "s", t["pipeline"], goal="≤ 10 ms", limit=0.010))  # fmt: skip
    return rows


def bench_treat(sizes: Sizes) -> list[Row]:
    import govindex

    wide, _ = asem("imputed")
    big = jitter(wide, sizes.asem_scale)
    a = big.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = alternated({"run": lambda: govindex.treat(big), "floor": lambda: moments_floor(a)},
                       sizes.repeats)  # fmt: skip
    return [
        Row("treat", f"`treat` ASEM (imputed) × {sizes.asem_scale:,} ({big.shape[0]:,} × "
            f"{big.shape[1]})", "s", t["run"], t["floor"],
            "numpy moments pass (mean, 2nd–4th central moments per column)", "≤ 5× floor", 5.0),
    ]  # fmt: skip


def bench_imports(sizes: Sizes) -> list[Row]:
    def fresh(code: str) -> Callable[[], object]:
        return lambda: subprocess.run([sys.executable, "-c", code], check=True,
                                      capture_output=True)  # fmt: skip

    cli = "import sys; sys.argv = ['govindex', '--help']\ntry:\n    from govindex.cli import main; main()\nexcept SystemExit:\n    pass"  # noqa: E501
    t = alternated(
        {
            "pandas": fresh("import pandas"),
            "govindex": fresh("import govindex"),
            "verb": fresh("import govindex; govindex.performance_index"),
            "help": fresh(cli),
            "python": fresh("pass"),
        },
        max(sizes.repeats, 5),
    )
    floor_what = "`import pandas` in a fresh process"
    return [
        Row("import", "`import govindex` (fresh process)", "s", t["govindex"], t["pandas"],
            floor_what, "≤ 1.4× floor", 1.4, extra={"python": t["python"]}),
        Row("import_verb", "`import govindex; govindex.performance_index` (fresh process)", "s",
            t["verb"], t["pandas"], floor_what, "≤ 1.4× floor", 1.4),
        Row("help", "`govindex --help` (fresh process)", "s", t["help"], t["pandas"],
            floor_what, "< 1× floor", 1.0),
    ]  # fmt: skip


#: The benchmarks that need COINr's ASEM example (skipped, and said so, without it)
NEEDS_ASEM = ("compute_index", "small", "treat")

BENCHES: dict[str, Callable[[Sizes], list[Row]]] = {
    "compute_index": bench_compute_index,
    "gpi": bench_gpi,
    "small": bench_small,
    "treat": bench_treat,
    "imports": bench_imports,
}
