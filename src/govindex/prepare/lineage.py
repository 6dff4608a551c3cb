"""Entity lineage across reorganisations: :class:`Lineage` and re-based windows.

When a region is split or bodies are merged, a window ``T − w … T`` that crosses the
reorganisation compares values measured on different boundaries: Kazakhstan's
South Kazakhstan Region (``KZ-61``) "lost" 77 hospitals in 2018 only because
Shymkent (``KZ-79``) became a separate city. This module

* describes such events in a :class:`Lineage` table (``year``, ``from``, ``to``,
  ``share``, optionally per ``indicator``, with the re-basing ``method``) and re-bases
  the window values before the change computation (:meth:`Lineage.rebase`, used by
  ``performance_index(..., lineage=...)``), so that the change is computed on the new
  boundaries and flagged with the rule used, or is missing with a reason when it cannot
  be re-based — never silently compared;
* never invents data: an entity with no observations of its own in the window is not
  scored from its predecessors' values unless ``derive=True``.

Breaks that no lineage explains are found by :func:`govindex.prepare.breaks.series_breaks`
(and, inside an assessment window, by the GPI). Files are read with
:func:`govindex.io.read.read_lineage`. The rules, with worked examples, are in
``docs/lineage.md``.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
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
from govindex.prepare._lineage_events import Event, build_events, rebase_event
from govindex.prepare._lineage_table import (
    LINEAGE_COLUMNS,
    LINEAGE_OPTIONAL,
    lineage_error,
    rules_of,
    tidy_lineage,
)

__all__ = [
    "LINEAGE_COLUMNS",
    "LINEAGE_OPTIONAL",
    "Lineage",
    "LineageAdjustment",
]

Extensive = Literal["all", "none"] | Sequence[str]
_MISSING: Final = 1  # reason codes of a failed cell
_ENDED: Final = 2
_NOT_OWN: Final = 3


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
        The cell crosses a reorganisation but cannot be re-based (or would be made of
        derived values only, without ``derive=True``): its change is missing.
    derived : ndarray (E, I) of bool
        Cells without an observation of their own in the window whose values were
        derived from their predecessors (``derive=True``; a subset of ``rebased``).
    notes : DataFrame
        One row per affected (entity, indicator): ``flag`` (text for the changes'
        ``flags``: the reorganisation and the rule used) and ``reason`` (non-empty where
        ``failed``).
    year, window : int
        Assessment year and window length used.
    """

    values: FloatArray
    rebased: BoolArray
    failed: BoolArray
    derived: BoolArray
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


@dataclass(frozen=True)
class _Texts:
    """What the notes of one event need: each entity's part and label, each indicator's rule."""

    event: Event
    part_of: IntArray  # (E,) position of the entity among the parts, -1 if none
    label: npt.NDArray[np.object_]  # (E,) "old→parts" label ("" if not in the event)
    key: IntArray  # (I,) row of the rule table: 2 × variant + extensive
    rules: npt.NDArray[np.object_]  # (2V, P)

    def rule(self, e: IntArray, i: IntArray) -> npt.NDArray[np.object_]:
        return np.asarray(self.rules[self.key[i], np.maximum(self.part_of[e], 0)], dtype=object)


@dataclass(frozen=True, eq=False, repr=False)
class Lineage:
    """Entity lineage: which old entity codes became which new ones, and when.

    Build with :meth:`from_frame` (or read a file with :func:`govindex.io.read.read_lineage`).
    Each row says that from ``year`` on (the first year of the new structure) a
    ``share`` of the level of ``old`` (``from``) belongs to ``new`` (``to``). A split
    lists one row per new part; the remainder ``1 − Σ shares`` stays with the old
    code, which continues (give an explicit ``old → old`` row instead to state it). A
    merge lists one row per old code, each with share 1. A row with an ``indicator``
    gives that indicator's own share of a pair (the default row with an empty
    indicator applies to the others); ``method`` says whether an indicator is
    ``extensive`` (counts: re-based by the shares) or ``intensive`` (rates: carried
    over).

    Attributes
    ----------
    frame : DataFrame
        The validated rows (``year`` int, ``old``, ``new``, ``indicator`` str,
        ``share`` float, ``method``, ``note`` str).
    extensive : "all", "none" or tuple of str
        Indicators that are extensive when the table's ``method`` column does not say;
        the others are intensive (rates, shares, averages: carried over / averaged).

    Examples
    --------
    >>> lin = Lineage.from_frame(pd.DataFrame(
    ...     {"year": [2018], "from": ["A"], "to": ["B"], "share": [0.4]}), extensive="all")
    >>> lin
    <Lineage: 1 row(s), reorganisations in 2018; extensive indicators: all>
    >>> x = np.array([[[100.0, 70.0, 72.0, 75.0]], [[np.nan, 50.0, 52.0, 55.0]]])
    >>> adj = lin.rebase(x, ["A", "B"], ["jobs"], [2017, 2018, 2019, 2020], year=2020)
    >>> adj.values[:, 0, 0]  # 2017 on the 2018 boundaries: 0.6·100 and 0.4·100
    array([60., 40.])
    >>> for flag in adj.notes["flag"]:  # the reorganisation and the rule used
    ...     print(flag)
    lineage: re-based across 2018 reorganisation (A→A, B): extensive, 0.6 × A
    lineage: re-based across 2018 reorganisation (A→A, B): extensive, 0.4 × A
    """

    frame: pd.DataFrame
    extensive: Literal["all", "none"] | tuple[str, ...] = "none"
    _events: tuple[Event, ...] = field(default=(), repr=False)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, extensive: Extensive = "none") -> Lineage:
        """Validate a lineage table and build a :class:`Lineage`.

        Parameters
        ----------
        frame : DataFrame
            Columns ``year`` (first year of the new structure), ``from`` and ``to``
            (or ``old`` and ``new``), ``share`` in (0, 1]; optionally ``indicator``
            (empty = the default share of the pair; a code = that indicator's own
            share, for a pair that has a default row), ``method`` (``extensive``,
            ``intensive`` or empty; one per indicator) and ``note``. Not modified.
        extensive : "all", "none" or sequence of indicator codes, default "none"
            The extensive indicators (counts and totals, re-based by the shares)
            among those whose rule the ``method`` column does not give.

        Raises
        ------
        MethodError
            Missing or unknown columns, empty codes, non-integer years, shares outside
            (0, 1], duplicated (year, old, new, indicator) rows, an indicator's row
            without a default row, shares of one old code summing to more than 1 (or
            ending it for some indicators only), two methods for one indicator, or a
            cycle within one year (A → B and B → A); the message names the rows.
        """
        tidy = tidy_lineage(frame)
        ext: Literal["all", "none"] | tuple[str, ...]
        if isinstance(extensive, str):
            if extensive not in ("all", "none"):
                raise lineage_error(
                    "extensive must be 'all', 'none' or a list of indicator codes; "
                    f"found {extensive!r}"
                )
            ext = extensive  # type: ignore[assignment]
        else:
            ext = tuple(str(c) for c in extensive)
        return cls(frame=tidy, extensive=ext, _events=tuple(build_events(tidy)))

    # ------------------------------------------------------------------ views
    @property
    def years(self) -> list[int]:
        """Years of the reorganisations, ascending."""
        return [e.year for e in self._events]

    def codes(self, year: int) -> list[str]:
        """The old codes and the parts of the reorganisation of ``year`` (empty if none)."""
        return sorted({c for e in self._events if e.year == year for c in (*e.olds, *e.parts)})

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the rows and the extensive setting."""
        ext = self.extensive if isinstance(self.extensive, str) else "\x1f".join(self.extensive)
        return hashlib.sha256(f"{fingerprint_frame(self.frame)}|{ext}".encode()).hexdigest()

    def rules(self, indicators: Sequence[str]) -> pd.Series:
        """The re-basing rule (``extensive`` or ``intensive``) of each indicator.

        Examples
        --------
        >>> lin = Lineage.from_frame(pd.DataFrame({"year": 2018, "from": "A", "to": "B",
        ...     "share": [0.4, 0.3], "indicator": ["", "jobs"], "method": ["", "extensive"]}))
        >>> lin.rules(["jobs", "rate"]).to_dict()
        {'jobs': 'extensive', 'rate': 'intensive'}
        """
        ind = pd.Index([str(c) for c in indicators], dtype="str")
        ext = self._extensive_mask(ind, None, check=False)
        return pd.Series(np.where(ext, "extensive", "intensive"), index=ind, name="rule")

    def parts(self) -> pd.DataFrame:
        """Every (year, old, part) with its share, the implicit remainders included; one
        row per indicator with shares of its own (``indicator`` empty = the default).

        Examples
        --------
        >>> lin = Lineage.from_frame(pd.DataFrame(
        ...     {"year": 2018, "old": "A", "new": ["B", "C"], "share": [0.3, 0.2]}))
        >>> lin.parts()
           year old new indicator  share
        0  2018   A   A              0.5
        1  2018   A   B              0.3
        2  2018   A   C              0.2
        """
        rows = []
        for ev in self._events:
            for ind, mat in (("", ev.shares), *ev.overrides.items()):
                o, p = np.nonzero(mat > 0)
                rows.append(
                    pd.DataFrame(
                        {
                            "year": np.full(len(o), ev.year, dtype=np.int64),
                            "old": pd.array(np.asarray(ev.olds)[o], dtype="str"),
                            "new": pd.array(np.asarray(ev.parts)[p], dtype="str"),
                            "indicator": pd.array([ind] * len(o), dtype="str"),
                            "share": mat[o, p],
                        }
                    )
                )
        if not rows:
            return self.frame.loc[:, ["year", "old", "new", "indicator", "share"]].iloc[:0]
        out = pd.concat(rows, ignore_index=True)
        return out.sort_values(["year", "old", "new", "indicator"], kind="stable").reset_index(
            drop=True
        )

    def to_frame(self) -> pd.DataFrame:
        """The validated rows."""
        return self.frame.copy()

    def __repr__(self) -> str:
        ext = self.extensive if isinstance(self.extensive, str) else format_items(self.extensive)
        given = [f"{k or 'default'}: {v}" for k, v in rules_of(self.frame).items()]
        if given:
            ext = f"{ext}; method column {format_items(given)}"
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
        derive: bool = False,
    ) -> LineageAdjustment:
        """Re-base the window ``year − window … year`` across the reorganisations in it.

        For every reorganisation in year ``Y`` with ``year − window < Y ≤ year`` (in
        chronological order), the window values before ``Y`` are moved to the new
        boundaries: a part ``p`` gets ``Σ_o s_op · x_o`` for an extensive indicator
        and ``Σ_o s_op · x_o / Σ_o s_op`` (the old value for a split, the share-weighted
        mean for a merge) for an intensive one, with the indicator's shares. A new code
        keeps its own observed pre-event values (a back-cast on its boundaries); an old
        code that continues is always re-based. Old codes that end get no change. A
        cell without an observation of its own in the window is not made of its
        predecessors' values unless ``derive`` is true.

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
            Overrides every rule of the lineage (its ``method`` column and setting).
        derive : bool, default False
            Derive the values of cells that have no observation of their own in the
            window from their predecessors (flagged ``derived``); by default such a
            cell fails with the reason.

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
        is_ext = self._extensive_mask(ind, extensive)
        t, w = int(year), int(window)
        n_e, n_i = len(ent), len(ind)
        bits = np.zeros((n_e, n_i), dtype=np.int64)
        failed = np.zeros((n_e, n_i), dtype=bool)
        why = np.zeros((n_e, n_i), dtype=np.int64)  # reason code of a failed cell
        why_event = np.zeros((n_e, n_i), dtype=np.int64)
        in_window = (yrs >= t - w) & (yrs <= t)
        own = ~np.isnan(vals[:, :, in_window]).all(axis=2)  # before any re-basing
        events = [ev for ev in self._events if t - w < ev.year <= t]
        self._warn_absent(events, ent)
        texts: list[_Texts] = []
        for k, ev in enumerate(events):  # a loop over the (few) reorganisations only
            texts.append(_event_texts(ev, ent, ind, is_ext))
            pre = np.flatnonzero(in_window & (yrs < ev.year))
            if pre.size:
                made, broken, rows = rebase_event(vals, ev, ent, ind, pre, is_ext)
                bits[rows] |= np.where(made.any(axis=2), 1 << k, 0)
                newly = broken.any(axis=2) & ~failed[rows]
                failed[rows] |= newly
                why[rows] = np.where(newly, _MISSING, why[rows])
                why_event[rows] = np.where(newly, k, why_event[rows])
            o_idx = ent.get_indexer(pd.Index(ev.olds))
            gone = o_idx[(o_idx >= 0) & ~np.isin(np.asarray(ev.olds), np.asarray(ev.parts))]
            failed[gone] = True
            why[gone], why_event[gone] = _ENDED, k
        derived = (bits != 0) & ~own & ~failed
        if not derive:
            failed |= derived
            why[derived] = _NOT_OWN
            why_event[derived] = np.floor(np.log2(np.maximum(bits[derived], 1))).astype(np.int64)
            derived = np.zeros_like(derived)
        vals[:, :, in_window] = np.where(failed[:, :, None], np.nan, vals[:, :, in_window])
        rebased = (bits != 0) & ~failed
        notes = _notes(ent, ind, bits, failed, derived, why, why_event, texts)
        vals.setflags(write=False)
        return LineageAdjustment(
            values=vals, rebased=rebased, failed=failed, derived=derived, notes=notes, year=t,
            window=w,
        )  # fmt: skip

    @staticmethod
    def _warn_absent(events: list[Event], ent: pd.Index) -> None:
        absent = sorted({c for ev in events for c in (*ev.olds, *ev.parts)} - set(ent))
        if absent:
            warnings.warn(
                f"lineage code(s) {format_items(absent)} are not entities of the panel; their "
                "values count as missing when re-basing",
                DataWarning,
                stacklevel=3,
            )

    def _extensive_mask(
        self, ind: pd.Index, extensive: Extensive | None, *, check: bool = True
    ) -> BoolArray:
        """Which indicators are extensive: ``extensive`` if given, else the method column
        (an indicator's own rows, then the default rows), else the lineage's setting."""
        setting = self.extensive if extensive is None else extensive
        if isinstance(setting, str):
            if setting not in ("all", "none"):
                raise lineage_error(
                    f"extensive must be 'all', 'none' or a list of indicator codes; found {setting!r}"
                )
            mask = np.full(len(ind), setting == "all")
        else:
            codes = [str(c) for c in setting]
            unknown = sorted(set(codes) - set(ind))
            if unknown and check:
                raise lineage_error(
                    f"extensive indicator(s) {format_items(unknown)} are not indicators of the "
                    f"data ({format_items(ind)})"
                )
            mask = np.asarray(ind.isin(codes), dtype=bool)
        if extensive is not None:
            return mask
        given = rules_of(self.frame)
        if "" in given:
            mask[:] = given[""] == "extensive"
        own = {k: v for k, v in given.items() if k}
        pos = ind.get_indexer(pd.Index(list(own), dtype="str"))
        mask[pos[pos >= 0]] = np.asarray(list(own.values()))[pos >= 0] == "extensive"
        return mask

    def rebase_panel(
        self,
        panel: Panel,
        *,
        year: int,
        window: int = 3,
        extensive: Extensive | None = None,
        derive: bool = False,
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
            derive=derive,
        )


def _event_texts(ev: Event, ent: pd.Index, ind: pd.Index, is_ext: BoolArray) -> _Texts:
    mats, variant = ev.variants(ind)
    part_of = np.full(len(ent), -1, dtype=np.int64)
    p_idx = ent.get_indexer(pd.Index(ev.parts))
    part_of[p_idx[p_idx >= 0]] = np.flatnonzero(p_idx >= 0)
    label = np.full(len(ent), "", dtype=object)
    codes = list(ev.labels)
    c_idx = ent.get_indexer(pd.Index(codes))
    label[c_idx[c_idx >= 0]] = np.asarray([ev.labels[c] for c in codes], dtype=object)[c_idx >= 0]
    key = 2 * variant + is_ext.astype(np.int64)
    return _Texts(ev, part_of, label, key, ev.rule_table(mats))


def _notes(
    ent: pd.Index,
    ind: pd.Index,
    bits: IntArray,
    failed: BoolArray,
    derived: BoolArray,
    why: IntArray,
    why_event: IntArray,
    texts: list[_Texts],
) -> pd.DataFrame:
    """One row per affected (entity, indicator): the flag and the reason."""
    e, i = np.nonzero((bits != 0) | failed)
    flag = np.full(len(e), "", dtype=object)
    reason = np.full(len(e), "", dtype=object)
    codes = ent.to_numpy(dtype=object)[e]
    for k, tx in enumerate(texts):  # one pass per reorganisation
        y = tx.event.year
        on = ((bits[e, i] >> k) & 1).astype(bool) & ~failed[e, i]
        how = np.where(derived[e[on], i[on]], "derived", "re-based")
        text = (
            "lineage: " + how.astype(object) + f" across {y} reorganisation ("
            + tx.label[e[on]] + "): " + tx.rule(e[on], i[on])
        )  # fmt: skip
        text = np.where(derived[e[on], i[on]], text + " (no observations of its own)", text)
        sep = np.where(flag[on] != "", "; ", "")
        flag[on] = flag[on] + sep + text
        mine = failed[e, i] & (why_event[e, i] == k)
        for code, words in (
            (_MISSING, f"cannot re-base across the {y} reorganisation ({{label}}): "
                       "a contributing value is missing in the window"),
            (_ENDED, f"{{code}} ended in the {y} reorganisation ({{label}}); no change across it"),
            (_NOT_OWN, f"{{code}} has no observations of its own in the window; a change derived "
                       f"across the {y} reorganisation ({{label}}: {{rule}}) is not scored "
                       "(derive=True scores it)"),
        ):  # fmt: skip
            at = np.flatnonzero(mine & (why[e, i] == code))
            rule = tx.rule(e[at], i[at]) if code == _NOT_OWN else np.full(len(at), "", object)
            reason[at] = [
                "lineage: " + words.format(code=c, label=lab, rule=r)
                for c, lab, r in zip(codes[at], tx.label[e[at]], rule, strict=True)
            ]
    return pd.DataFrame(
        {
            "entity": pd.array(codes.astype(str), dtype="str"),
            "indicator": pd.array(ind.to_numpy(dtype=object)[i].astype(str), dtype="str"),
            "flag": pd.array(flag.astype(str), dtype="str"),
            "reason": pd.array(reason.astype(str), dtype="str"),
        }
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
