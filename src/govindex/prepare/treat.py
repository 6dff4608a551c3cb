"""Outlier treatment by COINr's rule, vectorised over indicators.

An indicator (column) *fails* when its sample skewness and kurtosis (the
``e1071::skewness``/``kurtosis`` ``type = 2`` formulas that COINr uses) satisfy
``|skew| > skew_threshold`` **and** ``kurtosis > kurt_threshold`` (COINr: 2 and 3.5).
A failing indicator is winsorised one step at a time on the side of its skew
(the highest value(s) replaced by the next highest for skew ≥ 0, the lowest by the
next lowest otherwise) until it passes or ``max_points`` points are used; if it
still fails, the log transform ``log(x − min + 0.01·(max − min))`` of its
*original* values is used instead (COINr's ``CTlog`` / ``log_CT``).

* :func:`skew_kurt` — the two statistics, column-wise, NaN-aware;
* :func:`treat_outliers` — the array kernel, ``(E, I) → (treated, OutlierReport)``;
* :func:`treat` — the same on a wide ``entity × indicator`` DataFrame, with a tidy
  report (:class:`TreatmentResult`).

Formulas and worked examples: ``docs/treatment.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items
from govindex.prepare.impute import wide_values
from govindex.prepare.results import TreatmentResult, wide_fingerprint

__all__ = [
    "OutlierReport",
    "TreatmentResult",
    "check_treatment_spec",
    "report_frame",
    "skew_kurt",
    "treat",
    "treat_outliers",
    "warn_treatment",
]

#: Default parameters of :func:`treat_outliers` (the issue's defaults; COINr ≥ 1.0's too).
TREATMENT_DEFAULTS: dict[str, Any] = {
    "skew": 2.0,
    "kurt": 3.5,
    "max_points": 5,
    "count": "points",
    "winchange": True,
    "fallback": "log",
}


def skew_kurt(x: Any) -> tuple[FloatArray, FloatArray]:
    """Sample skewness and excess kurtosis of each column (COINr / e1071 ``type = 2``).

    With ``n`` observed values, deviations ``d = x − x̄`` and ``m_k = Σ d^k``::

        skew = √n · m_3 / m_2^{3/2} · √(n(n − 1)) / (n − 2)
        r    = n · m_4 / m_2²
        kurt = ((n + 1)(r − 3) + 6) · (n − 1) / ((n − 2)(n − 3))

    (the same as Excel's ``SKEW``/``KURT`` and ``scipy.stats.skew/kurtosis`` with
    ``bias=False``). NaN are ignored; a column with fewer than 3 (skew) or 4
    (kurtosis) values, or a constant column, gives NaN.

    Parameters
    ----------
    x : array_like, shape (E,) or (E, I)

    Returns
    -------
    skew, kurt : ndarray, shape () or (I,)

    Examples
    --------
    >>> s, k = skew_kurt(np.array([1.0, 2.0, 3.0, 10.0]))
    >>> round(float(s), 6), round(float(k), 6)
    (1.763633, 3.228)
    """
    a = np.asarray(x, dtype=np.float64)
    obs = ~np.isnan(a)
    n = obs.sum(axis=0).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.where(obs, a, 0.0).sum(axis=0) / n
        d = np.where(obs, a - mean, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0)
        m3 = (d2 * d).sum(axis=0)
        m4 = (d2 * d2).sum(axis=0)
        skew = np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / m2**2
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
        constant = np.nanmax(a, axis=0) == np.nanmin(a, axis=0) if a.size else n == 0
    defined = ~constant & (n > 0)
    return np.where(defined & (n >= 3), skew, np.nan), np.where(defined & (n >= 4), kurt, np.nan)


@dataclass(frozen=True)
class OutlierReport:
    """What :func:`treat_outliers` did to each indicator (arrays over indicators).

    Attributes
    ----------
    skew, kurt : ndarray, shape (I,)
        Skewness and kurtosis before treatment (NaN: fewer than 4 values or constant).
    failed : ndarray of bool, shape (I,)
        ``|skew| > skew threshold and kurt > kurt threshold`` before treatment.
    steps : ndarray of int, shape (I,)
        Winsorisation steps (one step replaces the extreme value and its ties).
    points : ndarray of int, shape (I,)
        Cells changed by winsorisation (0 where the log fallback was used).
    low, high : ndarray of bool, shape (E, I)
        Cells winsorised at the low / high end (raised / lowered).
    log : ndarray of bool, shape (I,)
        Indicators replaced by the log fallback.
    blocked : ndarray of bool, shape (I,)
        Winsorisation stopped early because one more step would have left fewer
        than two distinct values (COINr stops with an error there).
    skew_treated, kurt_treated : ndarray, shape (I,)
        The statistics after treatment.
    passes : ndarray of bool, shape (I,)
        The indicator does not fail the test after treatment.
    """

    skew: FloatArray
    kurt: FloatArray
    failed: BoolArray
    steps: IntArray
    points: IntArray
    low: BoolArray
    high: BoolArray
    log: BoolArray
    blocked: BoolArray
    skew_treated: FloatArray
    kurt_treated: FloatArray
    passes: BoolArray


def _fails(skew: FloatArray, kurt: FloatArray, t_skew: float, t_kurt: float) -> BoolArray:
    # NaN statistics compare False: too few values or a constant column never fail
    out: BoolArray = (np.abs(skew) > t_skew) & (kurt > t_kurt)
    return out


def check_treatment_spec(spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Validate treatment parameters; return them complete (defaults filled), JSON-safe.

    Examples
    --------
    >>> check_treatment_spec({"max_points": 6})["max_points"]
    6
    """
    spec = {} if spec is None else spec
    if not isinstance(spec, Mapping):
        raise MethodError(f"treatment must be a mapping such as {{'max_points': 5}}; got {spec!r}")
    unknown = sorted(set(spec) - set(TREATMENT_DEFAULTS))
    if unknown:
        raise MethodError(
            f"unknown treatment parameter(s) {format_items(unknown)}; expected a subset of "
            f"{format_items(TREATMENT_DEFAULTS)}"
        )
    out = {**TREATMENT_DEFAULTS, **spec}
    for key in ("skew", "kurt"):
        v = out[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v) or v < 0:
            raise MethodError(f"{key} threshold must be a finite number ≥ 0; got {v!r}")
        out[key] = float(v)
    mp = out["max_points"]
    if isinstance(mp, bool) or not isinstance(mp, int | np.integer) or mp < 0:
        raise MethodError(f"max_points must be an integer ≥ 0; got {mp!r}")
    out["max_points"] = int(mp)
    if out["count"] not in ("points", "steps"):
        raise MethodError(f"count must be 'points' or 'steps'; got {out['count']!r}")
    if not isinstance(out["winchange"], bool | np.bool_):
        raise MethodError(f"winchange must be True or False; got {out['winchange']!r}")
    out["winchange"] = bool(out["winchange"])
    if out["fallback"] not in ("log", "none"):
        raise MethodError(f"fallback must be 'log' or 'none'; got {out['fallback']!r}")
    return out


def treat_outliers(
    x: Any,
    *,
    skew: float = 2.0,
    kurt: float = 3.5,
    max_points: int = 5,
    count: Literal["points", "steps"] = "points",
    winchange: bool = True,
    fallback: Literal["log", "none"] = "log",
) -> tuple[FloatArray, OutlierReport]:
    """Winsorise, or log-transform, the indicators that fail COINr's skew/kurtosis test.

    Every column of ``x`` is an indicator. A column fails when
    ``|skewness| > skew`` and ``kurtosis > kurt`` (:func:`skew_kurt`). Each
    iteration, all failing columns still below the limit are winsorised by one
    step at once: for skewness ≥ 0 every cell equal to the column maximum is set
    to the largest other value, otherwise every cell equal to the minimum to the
    smallest other value; then the statistics are recomputed. A column that still
    fails at the limit gets ``log(x − min + 0.01·(max − min))`` of its original
    values (``fallback="log"``) or keeps its winsorised values (``"none"``).

    Parameters
    ----------
    x : array_like, shape (E, I)
        NaN = missing (ignored by the statistics, left in place). Not modified.
    skew, kurt : float, default 2.0 and 3.5
        Thresholds of the test (COINr's ``t_skew``/``t_kurt``, ``skew_thresh``/``kurt_thresh``).
    max_points : int, default 5
        Winsorisation limit per indicator (COINr's ``winmax``).
    count : {"points", "steps"}, default "points"
        What ``max_points`` counts: changed cells (COINr ≥ 1.0 ``winsorise()``: tied
        extremes count once each) or steps (COINr 0.x ``treat()``, ties count once).
        The two differ only with ties at the extremes.
    winchange : bool, default True
        True: each step's side follows the current skewness. False: the side of the
        initial skewness (high if > 0, else low) is kept (COINr's ``winchange``).
    fallback : {"log", "none"}, default "log"

    Returns
    -------
    treated : ndarray, shape (E, I)
    report : OutlierReport

    Examples
    --------
    >>> x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0], [100.0]])
    >>> treated, rep = treat_outliers(x)
    >>> treated.ravel()
    array([1., 2., 3., 4., 5., 6., 7., 7.])
    >>> rep.points, rep.high[:, 0].nonzero()[0]
    (array([1]), array([7]))
    """
    params = check_treatment_spec({"skew": skew, "kurt": kurt, "max_points": max_points,
                                   "count": count, "winchange": winchange,
                                   "fallback": fallback})  # fmt: skip
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise MethodError(f"x must be a 2-D entity × indicator array; got shape {a.shape}")
    if np.isinf(a).any():
        raise PanelError(
            f"x has {int(np.isinf(a).sum())} infinite value(s); replace them with a finite "
            "number or NaN before treating outliers"
        )
    t_skew, t_kurt, limit = params["skew"], params["kurt"], params["max_points"]
    sk0, kt0 = skew_kurt(a)
    failed = _fails(sk0, kt0, t_skew, t_kurt)
    w = a.copy()
    n_ind = a.shape[1]
    steps = np.zeros(n_ind, dtype=np.int64)
    low = np.zeros(a.shape, dtype=bool)
    high = np.zeros(a.shape, dtype=bool)
    blocked = np.zeros(n_ind, dtype=bool)
    fixed_high = sk0 > 0
    sk, kt = sk0, kt0
    used = steps
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are never active
        while True:
            active = _fails(sk, kt, t_skew, t_kurt) & (used < limit) & ~blocked
            if not active.any():
                break
            up = (sk >= 0) if params["winchange"] else fixed_high
            top = np.nanmax(w, axis=0)
            bottom = np.nanmin(w, axis=0)
            at_top = w == top
            at_bottom = w == bottom
            next_top = np.nanmax(np.where(at_top, np.nan, w), axis=0)
            next_bottom = np.nanmin(np.where(at_bottom, np.nan, w), axis=0)
            # exactly two distinct values: one more step would leave a constant column
            stop = active & (next_top == bottom)
            blocked |= stop
            active &= ~stop
            hi_cells = at_top & (active & up)
            lo_cells = at_bottom & (active & ~up)
            w = np.where(hi_cells, next_top, np.where(lo_cells, next_bottom, w))
            high |= hi_cells
            low |= lo_cells
            steps = steps + active
            used = steps if params["count"] == "steps" else (high | low).sum(axis=0)
            sk, kt = skew_kurt(w)
    still = _fails(sk, kt, t_skew, t_kurt)
    use_log = still if params["fallback"] == "log" else np.zeros(n_ind, dtype=bool)
    out = w
    if use_log.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo_, hi_ = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                logged = np.log(a - lo_ + 0.01 * (hi_ - lo_))
        out = np.where(use_log, logged, w)
        low &= ~use_log
        high &= ~use_log
    sk1, kt1 = skew_kurt(out)
    report = OutlierReport(
        skew=sk0,
        kurt=kt0,
        failed=failed,
        steps=steps.astype(np.int64),
        points=(low | high).sum(axis=0).astype(np.int64),
        low=low,
        high=high,
        log=use_log,
        blocked=blocked,
        skew_treated=sk1,
        kurt_treated=kt1,
        passes=~_fails(sk1, kt1, t_skew, t_kurt),
    )
    return out, report


# --------------------------------------------------------------------------- public API
def report_frame(report: OutlierReport, entities: Any, indicators: Any) -> pd.DataFrame:
    """Per-indicator table of an :class:`OutlierReport` (index ``indicator``).

    Columns: ``skew``, ``kurtosis``, ``failed``, ``treatment`` (``none``,
    ``winsorised``, ``log``, ``untested``; `` (still fails)`` appended when the
    indicator fails after treatment), ``steps``, ``points``, ``low``, ``high``
    (counts), ``low_entities``, ``high_entities`` (codes, comma-separated),
    ``blocked``, ``skew_treated``, ``kurtosis_treated``, ``passes``.

    Examples
    --------
    >>> _, rep = treat_outliers(np.array([[1.0], [2], [3], [4], [5], [6], [7], [100]]))
    >>> report_frame(rep, list("ABCDEFGH"), ["x"])[["treatment", "points", "high_entities"]]
                treatment  points high_entities
    indicator
    x          winsorised       1             H
    """
    ind = pd.Index(np.asarray(indicators, dtype=object).astype(str), name="indicator", dtype="str")
    ent = np.asarray(entities, dtype=object).astype(str)
    kind = np.where(report.log, "log", np.where(report.points > 0, "winsorised", "none"))
    kind = np.where(np.isnan(report.kurt), "untested", kind)
    kind = np.where(report.failed & ~report.passes, np.char.add(kind, " (still fails)"), kind)
    table = pd.DataFrame(
        {
            "skew": report.skew,
            "kurtosis": report.kurt,
            "failed": report.failed,
            "treatment": pd.array(kind, dtype="str"),
            "steps": report.steps,
            "points": report.points,
            "low": report.low.sum(axis=0).astype(np.int64),
            "high": report.high.sum(axis=0).astype(np.int64),
            "low_entities": "",
            "high_entities": "",
            "blocked": report.blocked,
            "skew_treated": report.skew_treated,
            "kurtosis_treated": report.kurt_treated,
            "passes": report.passes,
        },
        index=ind,
    )
    for side, cells in (("low", report.low), ("high", report.high)):
        e, i = np.nonzero(cells)
        if len(e):
            names = pd.Series(ent[e]).groupby(ind[i].to_numpy()).agg(", ".join)
            table[f"{side}_entities"] = names.reindex(ind, fill_value="").to_numpy()
    return table


def treat(
    frame: pd.DataFrame,
    *,
    skew: float = 2.0,
    kurt: float = 3.5,
    max_points: int = 5,
    count: Literal["points", "steps"] = "points",
    winchange: bool = True,
    fallback: Literal["log", "none"] = "log",
) -> TreatmentResult:
    """Treat outliers of a wide ``entity × indicator`` frame by COINr's rule.

    Parameters are those of :func:`treat_outliers`; the frame (numeric columns
    only, one row per entity) is not modified.

    Returns
    -------
    TreatmentResult

    Warns
    -----
    DataWarning
        When indicators are winsorised or log-transformed, or still fail the test.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> wide = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 100], "y": range(8)},
    ...                     index=pd.Index(list("ABCDEFGH"), name="entity"))
    >>> res = treat(wide)
    >>> res.data["x"].tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 7.0]
    >>> res.points
      entity indicator  side  original  treated
    0      H         x  high     100.0      7.0
    """
    params = check_treatment_spec({"skew": skew, "kurt": kurt, "max_points": max_points,
                                   "count": count, "winchange": winchange,
                                   "fallback": fallback})  # fmt: skip
    if not isinstance(frame, pd.DataFrame):
        raise MethodError(
            f"treat expects a wide DataFrame (entity × indicator); got {type(frame).__name__}"
        )
    x = wide_values(frame)
    treated, rep = treat_outliers(x, **params)
    entities = frame.index.astype(str)
    indicators = frame.columns.astype(str)
    table = report_frame(rep, entities, indicators)
    e, i = np.nonzero(rep.low | rep.high)
    points = pd.DataFrame({
        "entity": pd.array(entities.to_numpy()[e], dtype="str"),
        "indicator": pd.array(indicators.to_numpy()[i], dtype="str"),
        "side": pd.array(np.where(rep.high[e, i], "high", "low"), dtype="str"),
        "original": x[e, i], "treated": treated[e, i]})  # fmt: skip
    flag = np.where(rep.high, "high", np.where(rep.low, "low", ""))
    flag = np.where(rep.log[None, :], "log", flag)
    flags = pd.DataFrame(flag, index=frame.index.copy(), columns=frame.columns.copy())
    out = pd.DataFrame(treated, index=frame.index.copy(), columns=frame.columns.copy())
    result = TreatmentResult(out, table, points, flags, params, {"data": wide_fingerprint(frame)})
    warn_treatment(table, stacklevel=3)
    return result


def warn_treatment(table: pd.DataFrame, *, stacklevel: int) -> None:
    """Emit a :class:`DataWarning` naming the treated (and still failing) indicators."""
    wins = table.index[table["points"] > 0]
    logs = table.index[table["treatment"].str.startswith("log")]
    bad = table.index[table["failed"] & ~table["passes"]]
    if len(wins) or len(logs):
        warnings.warn(
            f"outlier treatment changed {len(wins) + len(logs)} indicator(s): winsorised "
            f"{format_items(wins) or 'none'} ({int(table['points'].sum())} points); "
            f"log-transformed {format_items(logs) or 'none'}; see .report",
            DataWarning,
            stacklevel=stacklevel,
        )
    if len(bad):
        warnings.warn(
            f"indicator(s) {format_items(bad)} still fail the skew/kurtosis test after treatment",
            DataWarning,
            stacklevel=stacklevel,
        )
