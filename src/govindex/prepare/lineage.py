"""Entity lineage across reorganisations: :class:`Lineage` and re-based windows.

When a region is split or bodies are merged, a window ``T − w … T`` that crosses the
reorganisation compares values measured on different boundaries: Kazakhstan's
South Kazakhstan Region (``KZ-61``) "lost" 77 hospitals in 2018 only because
Shymkent (``KZ-79``) became a separate city. This module

* describes such events in a :class:`Lineage` table (``year``, ``old``, ``new``,
  ``share``) and re-bases the window values before the change computation
  (:meth:`Lineage.rebase`, used by ``performance_index(..., lineage=...)``), so that
  the change is computed on the new boundaries and flagged, or is missing with a
  reason when it cannot be re-based — never silently compared.

Breaks that no lineage explains are found by :func:`govindex.prepare.breaks.series_breaks`.

The rules, with worked examples, are in ``docs/lineage.md``.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex._typing import BoolArray, FloatArray, IntArray
from govindex.exceptions import DataWarning, MethodError, PanelError, format_items
from govindex.panel import Panel, require_panel

__all__ = [
    "LINEAGE_COLUMNS",
    "Lineage",
    "LineageAdjustment",
]

#: Columns of a lineage table.
LINEAGE_COLUMNS: Final = ("year", "old", "new", "share")
_SHARE_TOL: Final = 1e-9

Extensive = Literal["all", "none"] | Sequence[str]


def _err(msg: str) -> MethodError:
    return MethodError(f"lineage: {msg}")


def _codes(frame: pd.DataFrame, col: str) -> pd.Series:
    s = frame[col]
    text = s.astype("str").str.strip()
    bad = s.isna().to_numpy() | (text == "").to_numpy()
    if bad.any():
        rows = frame.index[bad]
        raise _err(
            f"column {col!r} has missing or empty codes in row(s) {format_items(rows)}; every "
            "row needs an old and a new entity code"
        )
    return text


def _find_cycle(edges: list[tuple[str, str]]) -> list[str] | None:
    """A directed cycle among ``edges`` (no self loops), as a list of codes, or None."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for root in sorted(graph):
        if state.get(root):
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(graph.get(root, [])))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            nxt = next(iter(children), None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(graph.get(nxt, []))))
                path.append(nxt)
    return None


@dataclass(frozen=True)
class _Event:
    """One reorganisation year as a share matrix from old codes to parts (internal)."""

    year: int
    olds: tuple[str, ...]
    parts: tuple[str, ...]
    shares: FloatArray  # (O, P)
    labels: dict[str, str]  # entity -> "old, old→part, part"


@dataclass(frozen=True)
class LineageAdjustment:
    """Window values re-based across the reorganisations of a :class:`Lineage`.

    Attributes
    ----------
    values : ndarray (E, I, Y)
        The input values with the window's pre-event values re-based to the new
        boundaries (read-only); cells that could not be re-based are NaN over the
        whole window.
    rebased : ndarray (E, I) of bool
        The window of the cell uses at least one value produced by the lineage.
    failed : ndarray (E, I) of bool
        The cell crosses a reorganisation but cannot be re-based: its change is missing.
    notes : DataFrame
        One row per affected (entity, indicator): ``flag`` (text for the changes'
        ``flags``) and ``reason`` (non-empty where ``failed``).
    year, window : int
        Assessment year and window length used.
    """

    values: FloatArray
    rebased: BoolArray
    failed: BoolArray
    notes: pd.DataFrame
    year: int
    window: int

    def annotate(self, changes: pd.DataFrame) -> pd.DataFrame:
        """Return a copy of a changes table with the lineage flags and reasons added.

        ``changes`` needs ``entity``, ``indicator``, ``flags`` and ``reason`` columns
        (as :attr:`govindex.indices.gpi.PerformanceResult.changes`); with a ``change``
        column, flags are added only to computed changes.
        """
        out = changes.copy()
        if not len(self.notes) or not len(out):
            return out
        key = pd.MultiIndex.from_frame(out[["entity", "indicator"]].astype("str"))
        pos = pd.MultiIndex.from_frame(self.notes[["entity", "indicator"]]).get_indexer(key)
        hit = pos >= 0
        if "change" in out.columns:  # a flag on a missing change would explain nothing
            hit &= out["change"].notna().to_numpy() | (self.notes["reason"].to_numpy()[pos] != "")
        flag = pd.Series(self.notes["flag"].to_numpy()[pos[hit]], dtype="str")
        reason = pd.Series(self.notes["reason"].to_numpy()[pos[hit]], dtype="str")
        old_flags = out["flags"].astype("str").to_numpy()[hit]
        sep = np.where((old_flags != "") & (flag.to_numpy() != ""), "; ", "")
        flags = out["flags"].astype("str").to_numpy(dtype=object)
        flags[hit] = old_flags.astype(object) + sep + flag.to_numpy(dtype=object)
        reasons = out["reason"].astype("str").to_numpy(dtype=object)
        new_reason = reason.to_numpy(dtype=object)
        reasons[hit] = np.where(new_reason != "", new_reason, reasons[hit])
        out["flags"] = pd.array(flags, dtype="str")
        out["reason"] = pd.array(reasons, dtype="str")
        return out


@dataclass(frozen=True, eq=False, repr=False)
class Lineage:
    """Entity lineage: which old entity codes became which new ones, and when.

    Build with :meth:`from_frame`. Each row says that from ``year`` on (the first
    year of the new structure) a ``share`` of the level of ``old`` belongs to
    ``new``. A split lists one row per new part; the remainder ``1 − Σ shares``
    stays with the old code, which continues (give an explicit ``old → old`` row
    instead to state it). A merge lists one row per old code, each with share 1.

    Attributes
    ----------
    frame : DataFrame
        The validated rows (``year`` int, ``old``, ``new`` str, ``share`` float).
    extensive : "all", "none" or tuple of str
        Indicators that are extensive (counts, totals: re-based by shares); the
        others are intensive (rates, shares, averages: carried over / averaged).

    Examples
    --------
    >>> lin = Lineage.from_frame(pd.DataFrame(
    ...     {"year": [2018], "old": ["A"], "new": ["B"], "share": [0.4]}), extensive="all")
    >>> lin
    <Lineage: 1 row(s), reorganisations in 2018; extensive indicators: all>
    >>> x = np.array([[[100.0, 70.0, 72.0, 75.0]], [[np.nan, 50.0, 52.0, 55.0]]])
    >>> adj = lin.rebase(x, ["A", "B"], ["jobs"], [2017, 2018, 2019, 2020], year=2020)
    >>> adj.values[:, 0, 0]  # 2017 on the 2018 boundaries: 0.6·100 and 0.4·100
    array([60., 40.])
    """

    frame: pd.DataFrame
    extensive: Literal["all", "none"] | tuple[str, ...] = "none"
    _events: tuple[_Event, ...] = field(default=(), repr=False)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, extensive: Extensive = "none") -> Lineage:
        """Validate a lineage table and build a :class:`Lineage`.

        Parameters
        ----------
        frame : DataFrame
            Columns ``year`` (first year of the new structure), ``old``, ``new``,
            ``share`` in (0, 1]; other columns are ignored. Not modified.
        extensive : "all", "none" or sequence of indicator codes, default "none"
            The extensive indicators (counts and totals, re-based by the shares).

        Raises
        ------
        MethodError
            Missing columns, empty codes, non-integer years, shares outside (0, 1],
            duplicated (year, old, new) rows, shares of one old code summing to more
            than 1, or a cycle within one year (A → B and B → A); the message names
            the offending rows or codes.
        """
        if not isinstance(frame, pd.DataFrame):
            raise _err(f"expected a pandas DataFrame, got {type(frame).__name__}")
        missing = [c for c in LINEAGE_COLUMNS if c not in frame.columns]
        if missing:
            raise _err(
                f"missing column(s) {format_items(missing)}; found "
                f"{format_items(map(str, frame.columns))}. "
                f"Expected {format_items(LINEAGE_COLUMNS)} (one row per old → new code)"
            )
        src = frame.loc[:, list(LINEAGE_COLUMNS)]
        year = pd.to_numeric(src["year"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        with np.errstate(invalid="ignore"):
            bad_y = ~np.isfinite(year) | (year != np.round(year))
        if pd.api.types.is_bool_dtype(src["year"].dtype) or bad_y.any():
            rows = src.index[bad_y] if bad_y.any() else src.index
            raise _err(
                f"column 'year' must hold integer years; found {format_items(src['year'][rows])} "
                f"in row(s) {format_items(rows)}"
            )
        share = pd.to_numeric(src["share"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        with np.errstate(invalid="ignore"):
            bad_s = ~(share > 0) | ~(share <= 1)
        if bad_s.any():
            rows = src.index[bad_s]
            raise _err(
                f"shares must lie in (0, 1]; found {format_items(src['share'][rows])} in row(s) "
                f"{format_items(rows)}. A share is the part of the old entity's level that went "
                "to the new one (1 for a merge)"
            )
        tidy = pd.DataFrame(
            {
                "year": year.astype(np.int64),
                "old": _codes(src, "old").to_numpy(),
                "new": _codes(src, "new").to_numpy(),
                "share": share,
            },
            index=src.index,
        )
        dup = tidy.duplicated(subset=["year", "old", "new"], keep=False).to_numpy()
        if dup.any():
            sub = tidy.loc[dup]
            keys = sorted(set(zip(sub["year"].tolist(), sub["old"], sub["new"], strict=True)))
            raise _err(
                f"duplicated (year, old, new) rows {format_items(keys)} "
                f"(rows {format_items(tidy.index[dup])}); "
                "keep one row per pair"
            )
        total = tidy.groupby(["year", "old"])["share"].sum()
        over = total[total > 1 + _SHARE_TOL]
        if len(over):
            lvl_y = over.index.get_level_values("year")
            lvl_o = over.index.get_level_values("old")
            items = [f"{o} in {y}: {v:g}" for y, o, v in zip(lvl_y, lvl_o, over, strict=True)]
            raise _err(
                f"the shares of one old code sum to more than 1: {format_items(items)}; the parts "
                "of a split cannot hold more than the whole"
            )
        for y, rows in tidy.groupby("year"):
            moved = rows.loc[rows["old"] != rows["new"]]
            cycle = _find_cycle(list(zip(moved["old"], moved["new"], strict=True)))
            if cycle:
                raise _err(
                    f"cycle in the {y} reorganisation: {' → '.join(cycle)}; one year cannot send "
                    "A to B and B back to A. If codes were swapped, rename them in the panel "
                    "instead"
                )
        tidy = tidy.sort_values(["year", "old", "new"], kind="stable").reset_index(drop=True)
        ext: Literal["all", "none"] | tuple[str, ...]
        if isinstance(extensive, str):
            if extensive not in ("all", "none"):
                raise _err(
                    "extensive must be 'all', 'none' or a list of indicator codes; "
                    f"found {extensive!r}"
                )
            ext = extensive  # type: ignore[assignment]
        else:
            ext = tuple(str(c) for c in extensive)
        return cls(frame=tidy, extensive=ext, _events=tuple(_build_events(tidy)))

    # ------------------------------------------------------------------ views
    @property
    def years(self) -> list[int]:
        """Years of the reorganisations, ascending."""
        return [e.year for e in self._events]

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the rows and the extensive setting."""
        ext = self.extensive if isinstance(self.extensive, str) else "\x1f".join(self.extensive)
        return hashlib.sha256(f"{fingerprint_frame(self.frame)}|{ext}".encode()).hexdigest()

    def parts(self) -> pd.DataFrame:
        """Every (year, old, part) with its share, the implicit remainders included.

        Examples
        --------
        >>> lin = Lineage.from_frame(pd.DataFrame(
        ...     {"year": 2018, "old": "A", "new": ["B", "C"], "share": [0.3, 0.2]}))
        >>> lin.parts()
           year old new  share
        0  2018   A   A    0.5
        1  2018   A   B    0.3
        2  2018   A   C    0.2
        """
        rows = []
        for ev in self._events:
            o, p = np.nonzero(ev.shares > 0)
            rows.append(
                pd.DataFrame(
                    {
                        "year": ev.year,
                        "old": np.asarray(ev.olds)[o],
                        "new": np.asarray(ev.parts)[p],
                        "share": ev.shares[o, p],
                    }
                )
            )
        if not rows:
            return pd.DataFrame(
                {
                    c: pd.Series(dtype=t)
                    for c, t in (
                        ("year", "int64"),
                        ("old", "str"),
                        ("new", "str"),
                        ("share", "float64"),
                    )
                }
            )
        out = pd.concat(rows, ignore_index=True)
        out[["old", "new"]] = out[["old", "new"]].astype("str")
        return out.sort_values(["year", "old", "new"], kind="stable").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """The validated rows."""
        return self.frame.copy()

    def __repr__(self) -> str:
        ext = self.extensive if isinstance(self.extensive, str) else format_items(self.extensive)
        yrs = ", ".join(map(str, self.years)) or "none"
        n = len(self.frame)
        return f"<Lineage: {n} row(s), reorganisations in {yrs}; extensive indicators: {ext}>"

    # ------------------------------------------------------------------ re-basing
    def rebase(
        self,
        values: npt.ArrayLike,
        entities: Sequence[str] | pd.Index,
        indicators: Sequence[str] | pd.Index,
        years: npt.ArrayLike,
        *,
        year: int,
        window: int = 3,
        extensive: Extensive | None = None,
    ) -> LineageAdjustment:
        """Re-base the window ``year − window … year`` across the reorganisations in it.

        For every reorganisation in year ``Y`` with ``year − window < Y ≤ year`` (in
        chronological order), the window values before ``Y`` are moved to the new
        boundaries: a part ``p`` gets ``Σ_o s_op · x_o`` for an extensive indicator
        and ``Σ_o s_op · x_o / Σ_o s_op`` (the old value for a split, the share-weighted
        mean for a merge) for an intensive one. A new code keeps its own observed
        pre-event values (a back-cast on its boundaries); an old code that continues
        is always re-based. Old codes that end get no change.

        Parameters
        ----------
        values : array_like, shape (E, I, Y)
            Observations; never modified.
        entities, indicators : sequence of str
            Labels of axes 0 and 1.
        years : array_like of int, shape (Y,)
            Strictly increasing years of axis 2.
        year : int
            Assessment year ``T``.
        window : int, default 3
            Window length ``w``.
        extensive : "all", "none" or sequence of codes, optional
            Overrides the lineage's ``extensive`` setting.

        Returns
        -------
        LineageAdjustment

        Examples
        --------
        A merge of A (rate 10) and B (rate 20) into C in 2019, intensive indicator:

        >>> lin = Lineage.from_frame(pd.DataFrame(
        ...     {"year": 2019, "old": ["A", "B"], "new": "C", "share": 1.0}))
        >>> x = np.array([[[10.0, np.nan]], [[20.0, np.nan]], [[np.nan, 16.0]]])
        >>> adj = lin.rebase(x, ["A", "B", "C"], ["rate"], [2018, 2019], year=2019, window=2)
        >>> adj.values[2, 0]  # (1·10 + 1·20) / 2 = 15 in 2018
        array([15., 16.])
        >>> adj.failed[:, 0]  # A and B ended in 2019
        array([ True,  True, False])
        """
        vals, ent, ind, yrs = _axes(values, entities, indicators, years)
        is_ext = self._extensive_mask(ind, self.extensive if extensive is None else extensive)
        t, w = int(year), int(window)
        n_e, n_i = len(ent), len(ind)
        bits = np.zeros((n_e, n_i), dtype=np.int64)
        failed = np.zeros((n_e, n_i), dtype=bool)
        ended = np.zeros((n_e, n_i), dtype=bool)
        flag_texts: list[npt.NDArray[np.object_]] = []
        reason_text = np.full(n_e, "", dtype=object)
        in_window = (yrs >= t - w) & (yrs <= t)
        events = [ev for ev in self._events if t - w < ev.year <= t]
        absent = sorted({c for ev in events for c in (*ev.olds, *ev.parts)} - set(ent))
        if absent:
            warnings.warn(
                f"lineage code(s) {format_items(absent)} are not entities of the panel; their "
                "values count as missing when re-basing",
                DataWarning,
                stacklevel=2,
            )
        for k, ev in enumerate(events):  # a loop over the (few) reorganisations only
            texts = np.full(n_e, "", dtype=object)
            for code, label in ev.labels.items():
                pos = ent.get_indexer(pd.Index([code]))[0]
                if pos >= 0:
                    texts[pos] = f"lineage: re-based across {ev.year} reorganisation ({label})"
                    reason_text[pos] = (
                        f"lineage: cannot re-base across the {ev.year} reorganisation ({label}): "
                    )
            flag_texts.append(texts)
            pre = np.flatnonzero(in_window & (yrs < ev.year))
            if pre.size:
                made, broken, rows = _rebase_event(vals, ev, ent, pre, is_ext)
                bits[rows] |= np.where(made.any(axis=2), 1 << k, 0)
                failed[rows] |= broken.any(axis=2)
            o_idx = ent.get_indexer(pd.Index(ev.olds))
            gone = o_idx[(o_idx >= 0) & ~np.isin(np.asarray(ev.olds), np.asarray(ev.parts))]
            ended[gone] = True
            for g in gone:
                reason_text[g] = (
                    f"lineage: {ent[g]} ended in the {ev.year} reorganisation "
                    f"({ev.labels[ent[g]]}); no change across it"
                )
        failed |= ended
        vals[:, :, in_window] = np.where(failed[:, :, None], np.nan, vals[:, :, in_window])
        rebased = (bits != 0) & ~failed
        notes = self._notes(ent, ind, bits, failed, ended, flag_texts, reason_text)
        vals.setflags(write=False)
        return LineageAdjustment(
            values=vals, rebased=rebased, failed=failed, notes=notes, year=t, window=w
        )

    def _extensive_mask(self, ind: pd.Index, extensive: Extensive) -> BoolArray:
        if isinstance(extensive, str):
            if extensive not in ("all", "none"):
                raise _err(
                    "extensive must be 'all', 'none' or a list of indicator codes; "
                    f"found {extensive!r}"
                )
            return np.full(len(ind), extensive == "all")
        codes = [str(c) for c in extensive]
        unknown = sorted(set(codes) - set(ind))
        if unknown:
            raise _err(
                f"extensive indicator(s) {format_items(unknown)} are not indicators of the data "
                f"({format_items(ind)})"
            )
        return np.asarray(ind.isin(codes), dtype=bool)

    @staticmethod
    def _notes(
        ent: pd.Index,
        ind: pd.Index,
        bits: IntArray,
        failed: BoolArray,
        ended: BoolArray,
        flag_texts: list[npt.NDArray[np.object_]],
        reason_text: npt.NDArray[np.object_],
    ) -> pd.DataFrame:
        e, i = np.nonzero((bits != 0) | failed)
        flag = np.full(len(e), "", dtype=object)
        for k, texts in enumerate(flag_texts):  # one pass per reorganisation
            on = ((bits[e, i] >> k) & 1).astype(bool) & ~failed[e, i]
            sep = np.where(flag[on] != "", "; ", "")
            flag[on] = flag[on] + sep + texts[e[on]]
        cause = np.where(ended[e, i], "", "a contributing value is missing in the window")
        reason = np.where(failed[e, i], reason_text[e] + cause, "")
        return pd.DataFrame(
            {
                "entity": pd.array(ent.to_numpy()[e], dtype="str"),
                "indicator": pd.array(ind.to_numpy()[i], dtype="str"),
                "flag": pd.array(flag, dtype="str"),
                "reason": pd.array(reason.astype(str), dtype="str"),
            }
        )

    def rebase_panel(
        self, panel: Panel, *, year: int, window: int = 3, extensive: Extensive | None = None
    ) -> LineageAdjustment:
        """:meth:`rebase` on a :class:`~govindex.panel.Panel`'s dense array."""
        require_panel(panel)
        return self.rebase(
            panel.values,
            panel.entities,
            panel.indicators,
            panel.years,
            year=year,
            window=window,
            extensive=extensive,
        )


def _axes(
    values: npt.ArrayLike,
    entities: Sequence[str] | pd.Index,
    indicators: Sequence[str] | pd.Index,
    years: npt.ArrayLike,
) -> tuple[FloatArray, pd.Index, pd.Index, np.ndarray]:
    """A float copy of ``values`` and its checked axis labels (for :meth:`Lineage.rebase`)."""
    vals = np.array(values, dtype=np.float64)  # a copy
    if vals.ndim != 3:
        raise MethodError(
            f"values must be a 3-D array (entities, indicators, years); found shape {vals.shape}"
        )
    ent = pd.Index([str(e) for e in entities], dtype="str")
    ind = pd.Index([str(i) for i in indicators], dtype="str")
    yrs = np.asarray(years)
    if (len(ent), len(ind), len(yrs)) != vals.shape or yrs.ndim != 1:
        raise MethodError(
            f"values has shape {vals.shape}, but {len(ent)} entities, {len(ind)} indicators "
            f"and {len(yrs)} years were given"
        )
    if not np.issubdtype(yrs.dtype, np.integer) or (np.diff(yrs) <= 0).any():
        raise MethodError("years must be strictly increasing integers")
    if ent.has_duplicates:
        raise PanelError(f"duplicated entity codes {format_items(ent[ent.duplicated()].unique())}")
    return vals, ent, ind, yrs


def _rebase_event(
    vals: FloatArray, ev: _Event, ent: pd.Index, pre: IntArray, is_ext: BoolArray
) -> tuple[BoolArray, BoolArray, IntArray]:
    """Move the pre-event window years ``pre`` of ``vals`` to the event's parts, in place.

    Returns, for the parts that are entities (rows ``rows`` of ``vals``), the cells made
    from re-based values and the cells that could not be re-based, both ``(rows, I, pre)``.
    """
    o_idx = ent.get_indexer(pd.Index(ev.olds))
    p_idx = ent.get_indexer(pd.Index(ev.parts))
    in_old = np.isin(np.asarray(ev.parts), np.asarray(ev.olds))
    x = np.where(o_idx[:, None, None] >= 0, vals[o_idx][:, :, pre], np.nan)  # (O, I, P)
    s = ev.shares
    nan = np.isnan(x)
    num = np.einsum("op,oiy->piy", s, np.where(nan, 0.0, x))
    miss = np.einsum("op,oiy->piy", (s > 0).astype(float), nan.astype(float)) > 0
    some = np.einsum("op,oiy->piy", (s > 0).astype(float), (~nan).astype(float)) > 0
    reb = np.where(is_ext[None, :, None], num, num / s.sum(axis=0)[:, None, None])
    reb = np.where(miss, np.nan, reb)
    have = p_idx >= 0
    orig = np.where(have[:, None, None], vals[p_idx][:, :, pre], np.nan)
    keep = ~in_old[:, None, None] & ~np.isnan(orig)  # a new code's own back-cast
    filled = np.where(keep, orig, reb)
    made = ~keep & ~np.isnan(reb)
    broken = ~keep & np.isnan(reb) & (some | (in_old[:, None, None] & ~np.isnan(orig)))
    rows = p_idx[have]
    vals[np.ix_(rows, np.arange(vals.shape[1]), pre)] = filled[have]
    return made[have], broken[have], rows


def _build_events(tidy: pd.DataFrame) -> list[_Event]:
    events = []
    for y, rows in tidy.groupby("year", sort=True):
        olds = sorted(set(rows["old"]))
        moved = rows.loc[rows["old"] != rows["new"]]
        given_total = moved.groupby("old")["share"].sum()
        self_rows = rows.loc[rows["old"] == rows["new"]].set_index("old")["share"]
        remainder = (1.0 - given_total.reindex(olds).fillna(0.0)).where(
            ~pd.Index(olds).isin(self_rows.index)
        )
        remainder = remainder.fillna(self_rows.reindex(olds))
        stays = remainder[remainder > _SHARE_TOL]
        parts = sorted(set(moved["new"]) | set(stays.index))
        shares = np.zeros((len(olds), len(parts)))
        o_pos = {c: k for k, c in enumerate(olds)}
        p_pos = {c: k for k, c in enumerate(parts)}
        for o, n, s in zip(moved["old"], moved["new"], moved["share"], strict=True):
            shares[o_pos[o], p_pos[n]] = s
        for o, s in stays.items():
            shares[o_pos[str(o)], p_pos[str(o)]] = s
        labels: dict[str, str] = {}
        for code in parts:
            src = [olds[k] for k in np.flatnonzero(shares[:, p_pos[code]] > 0)]
            dst = [
                parts[k] for k in np.flatnonzero(shares[[o_pos[c] for c in src]].sum(axis=0) > 0)
            ]
            labels[code] = f"{', '.join(src)}→{', '.join(dst)}"
        for code in olds:
            if code not in p_pos:
                dst = [parts[k] for k in np.flatnonzero(shares[o_pos[code]] > 0)]
                labels[code] = f"{code}→{', '.join(dst)}"
        events.append(_Event(int(str(y)), tuple(olds), tuple(parts), shares, labels))
    return events
