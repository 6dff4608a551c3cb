"""Validation of a lineage table (private helper of :mod:`govindex.prepare.lineage`).

:func:`tidy_lineage` turns a user's lineage table (or a file's rows) into the validated
tidy frame: ``year`` (int64), ``old``, ``new``, ``indicator`` (``""`` = the default share),
``share`` (float64), ``method`` (``"extensive"``, ``"intensive"`` or ``""``) and ``note``.
Every error is a :class:`~govindex.exceptions.MethodError` that names the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd

from govindex.exceptions import MethodError, closest_name, format_items

__all__ = [
    "LINEAGE_COLUMNS",
    "LINEAGE_OPTIONAL",
    "METHODS",
    "SHARE_TOL",
    "effective_shares",
    "find_cycle",
    "lineage_error",
    "rules_of",
    "tidy_lineage",
]

#: Required columns of a lineage table (``from``/``to`` are accepted for ``old``/``new``).
LINEAGE_COLUMNS: Final = ("year", "old", "new", "share")
#: Optional columns: the indicator a share applies to, the re-basing rule, a free note.
LINEAGE_OPTIONAL: Final = ("indicator", "method", "note")
#: Re-basing rules of the ``method`` column.
METHODS: Final = ("extensive", "intensive")
SHARE_TOL: Final = 1e-9
_ALIASES: Final = {"from": "old", "to": "new"}


def lineage_error(msg: str) -> MethodError:
    """A :class:`MethodError` with the ``lineage:`` prefix."""
    return MethodError(f"lineage: {msg}")


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    s = frame[col]
    out = s.astype("str").where(s.notna(), "").str.strip()
    return out.where(~out.isin(["nan", "None", "<NA>"]), "")


def _codes(frame: pd.DataFrame, col: str, shown: str) -> pd.Series:
    text = _text(frame, col)
    bad = (text == "").to_numpy()
    if bad.any():
        raise lineage_error(
            f"column {shown!r} has missing or empty codes in row(s) "
            f"{format_items(frame.index[bad])}; every row needs an old and a new entity code"
        )
    return text


def _renamed(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` with ``from``/``to`` renamed to ``old``/``new``; the names as written."""
    cols = [str(c) for c in frame.columns]
    both = [f"'{a}' and '{b}'" for a, b in _ALIASES.items() if a in cols and b in cols]
    if both:
        raise lineage_error(
            f"columns {', '.join(both)} name the same thing; keep one of each pair"
        )
    shown = {v: k for k, v in _ALIASES.items() if k in cols}
    known = (*LINEAGE_COLUMNS, *LINEAGE_OPTIONAL, *_ALIASES)
    unknown = [c for c in cols if c not in known]
    if unknown:
        hints = [h for c in unknown if (h := closest_name(c, known))]
        hint = f" (did you mean {format_items(hints)}?)" if hints else ""
        raise lineage_error(
            f"unknown column(s) {format_items(unknown)}{hint}; expected "
            f"{format_items(('year', 'from', 'to', 'share'))} (or 'old', 'new') and optionally "
            f"{format_items(LINEAGE_OPTIONAL)}"
        )
    out = frame.rename(columns=_ALIASES)
    missing = [shown.get(c, c) for c in LINEAGE_COLUMNS if c not in out.columns]
    if missing:
        raise lineage_error(
            f"missing column(s) {format_items(missing)}; found {format_items(cols)}. Expected "
            "'year', 'from' (or 'old'), 'to' (or 'new') and 'share' (one row per old → new code)"
        )
    return out, {"old": shown.get("old", "old"), "new": shown.get("new", "new")}


def _numbers(src: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The checked years and shares."""
    year = pd.to_numeric(src["year"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad_y = ~np.isfinite(year) | (year != np.round(year))
    if pd.api.types.is_bool_dtype(src["year"].dtype) or bad_y.any():
        rows = src.index[bad_y] if bad_y.any() else src.index
        raise lineage_error(
            f"column 'year' must hold integer years; found {format_items(src['year'][rows])} "
            f"in row(s) {format_items(rows)}"
        )
    share = pd.to_numeric(src["share"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad_s = ~(share > 0) | ~(share <= 1)
    if bad_s.any():
        rows = src.index[bad_s]
        raise lineage_error(
            f"shares must lie in (0, 1]; found {format_items(src['share'][rows])} in row(s) "
            f"{format_items(rows)}. A share is the part of the old entity's level that went "
            "to the new one (1 for a merge)"
        )
    return year.astype(np.int64), share


def tidy_lineage(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a lineage table and return its tidy rows (sorted by year, old, new, indicator).

    See :meth:`govindex.prepare.lineage.Lineage.from_frame` for the rules.
    """
    if not isinstance(frame, pd.DataFrame):
        raise lineage_error(f"expected a pandas DataFrame, got {type(frame).__name__}")
    src, shown = _renamed(frame)
    year, share = _numbers(src)
    method = _text(src, "method").str.lower()
    bad_m = ~method.isin(["", *METHODS]).to_numpy()
    if bad_m.any():
        raise lineage_error(
            f"unknown method(s) {format_items(method[bad_m])} in row(s) "
            f"{format_items(src.index[bad_m])}; expected 'extensive' (counts, totals: re-based "
            "by the shares), 'intensive' (rates, averages: carried over) or empty"
        )
    tidy = pd.DataFrame(
        {
            "year": year,
            "old": _codes(src, "old", shown["old"]).to_numpy(),
            "new": _codes(src, "new", shown["new"]).to_numpy(),
            "indicator": _text(src, "indicator").to_numpy(),
            "share": share,
            "method": method.to_numpy(),
            "note": _text(src, "note").to_numpy(),
        },
        index=src.index,
    )
    tidy = tidy.astype({c: "str" for c in ("old", "new", "indicator", "method", "note")})
    _check_rows(tidy)
    _check_methods(tidy)
    _check_shares(tidy)
    for y, rows in tidy.loc[tidy["indicator"] == ""].groupby("year"):
        moved = rows.loc[rows["old"] != rows["new"]]
        cycle = find_cycle(list(zip(moved["old"], moved["new"], strict=True)))
        if cycle:
            raise lineage_error(
                f"cycle in the {y} reorganisation: {' → '.join(cycle)}; one year cannot send "
                "A to B and B back to A. If codes were swapped, rename them in the panel instead"
            )
    return tidy.sort_values(["year", "old", "new", "indicator"], kind="stable").reset_index(
        drop=True
    )


def _check_rows(tidy: pd.DataFrame) -> None:
    """No duplicated (year, old, new, indicator); every indicator row refines a default row."""
    key = ["year", "old", "new", "indicator"]
    dup = tidy.duplicated(subset=key, keep=False).to_numpy()
    if dup.any():
        sub = tidy.loc[dup]
        keys = sorted(
            set(zip(sub["year"].tolist(), sub["old"], sub["new"], sub["indicator"], strict=True))
        )
        raise lineage_error(
            f"duplicated (year, old, new, indicator) rows {format_items(keys)} "
            f"(rows {format_items(tidy.index[dup])}); keep one row per pair and indicator"
        )
    pairs = pd.MultiIndex.from_frame(tidy[["year", "old", "new"]])
    default = pairs[(tidy["indicator"] == "").to_numpy()]
    orphan = (tidy["indicator"] != "").to_numpy() & ~pairs.isin(default)
    if orphan.any():
        raise lineage_error(
            f"row(s) {format_items(tidy.index[orphan])} give an indicator's share for a pair "
            "without a default row (empty indicator); add the default row of the pair: it "
            "defines the reorganisation, the indicator rows refine its shares"
        )


def effective_shares(tidy: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The default rows with the rows of ``indicator`` replacing their shares."""
    base = tidy.loc[tidy["indicator"] == ""].set_index(["year", "old", "new"])["share"]
    if indicator:
        own = tidy.loc[tidy["indicator"] == indicator].set_index(["year", "old", "new"])
        base = base.copy()
        base.loc[own.index] = own["share"].to_numpy()
    return base.reset_index()


def _check_shares(tidy: pd.DataFrame) -> None:
    """Shares of one old code sum to at most 1; whether it ends is the same for every indicator."""
    ends: pd.Series | None = None
    for ind in ["", *sorted(set(tidy["indicator"]) - {""})]:  # the few indicators with shares
        eff = effective_shares(tidy, ind)
        total = eff.groupby(["year", "old"])["share"].sum()
        over = total[total > 1 + SHARE_TOL]
        if len(over):
            items = [
                f"{o} in {y}{f' ({ind})' if ind else ''}: {v:g}"
                for (y, o), v in zip(over.index, over, strict=True)
            ]
            raise lineage_error(
                f"the shares of one old code sum to more than 1: {format_items(items)}; the parts "
                "of a split cannot hold more than the whole"
            )
        kept = eff.loc[eff["old"] == eff["new"]].groupby(["year", "old"])["share"].sum()
        stays = (kept.reindex(total.index).fillna(0.0) > SHARE_TOL) | (total < 1 - SHARE_TOL)
        if ends is None:
            ends = ~stays
            continue
        differ = stays.index[(~stays).to_numpy() != ends.reindex(stays.index).to_numpy()]
        if len(differ):
            items = [f"{o} in {y}" for y, o in differ]
            raise lineage_error(
                f"the shares of {ind} say that {format_items(items)} continue(s) or end(s) "
                "unlike the default shares; an old code ends (or continues) for every "
                "indicator alike: make the indicator's shares of the old code sum to 1 exactly "
                "when the default ones do"
            )


def _check_methods(tidy: pd.DataFrame) -> None:
    """One re-basing rule per indicator (and one for the default rows)."""
    given = tidy.loc[tidy["method"] != ""]
    rules = given.groupby("indicator")["method"].nunique()
    mixed = rules.index[rules > 1].tolist()
    if mixed:
        rows = given.index[given["indicator"].isin(mixed).to_numpy()]
        names = [m or "(default rows)" for m in mixed]
        raise lineage_error(
            f"rows {format_items(rows)} give different methods for {format_items(names)}; "
            "an indicator is either extensive or intensive in every reorganisation"
        )


def rules_of(tidy: pd.DataFrame) -> dict[str, str]:
    """The method given for each indicator (``""``: the default rows), where one is given."""
    given = tidy.loc[tidy["method"] != ""]
    return {str(k): str(v) for k, v in given.groupby("indicator")["method"].first().items()}


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
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
