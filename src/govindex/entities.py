"""The :class:`Entities` table: who is assessed, what kind of unit it is and its names.

The third input beside the panel and the catalog (``DESIGN.md`` §2, ``docs/data-formats.md``):
one row per entity code with its ``kind`` (``body``, ``region``, ``city``, ``country``,
``aggregate`` or ``total``), names per language (``name_en``, ``name_ru``, ``name_kk``: English,
Russian, Kazakh; any subset), an optional ``group`` and the optional years of existence
``valid_from`` / ``valid_to``. Validated once, on the way in; errors name the offending rows.

Aggregates and totals (:data:`REFERENCE_KINDS`) are *reference rows*: the indices score
them but never rank them among the others, and they never move the statistics of the
others (the default cap of the GPI, series-break statistics).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Final, Literal

import numpy as np
import pandas as pd

from govindex._provenance import fingerprint_frame
from govindex._typing import BoolArray
from govindex.exceptions import EntityError, closest_name, format_items

__all__ = ["ENTITY_COLUMNS", "ENTITY_KINDS", "LANGUAGES", "REFERENCE_KINDS", "Entities"]

#: Kinds of entity.
ENTITY_KINDS: Final = ("body", "region", "city", "country", "aggregate", "total")
#: Kinds that are reference rows: scored, never ranked, never part of the statistics.
REFERENCE_KINDS: Final = ("aggregate", "total")
#: Languages of the names (ISO 639-1): English, Russian, Kazakh.
LANGUAGES: Final = ("en", "ru", "kk")
#: Columns of the entities table.
ENTITY_COLUMNS: Final = (
    "code", "kind", "name_en", "name_ru", "name_kk", "group", "valid_from", "valid_to", "note",
)  # fmt: skip
Language = Literal["en", "ru", "kk"]
_TEXT: Final = ("group", "note")
_YEARS: Final = ("valid_from", "valid_to")
_NAME = re.compile(r"^name_(en|ru|kk)$")


def _err(msg: str) -> EntityError:
    return EntityError(f"entities table: {msg}")


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    s = frame[col]
    out = s.astype("str").where(s.notna(), "").str.strip()
    return out.where(~out.isin(["nan", "None", "<NA>"]), "")


def _rows(index: pd.Index, mask: BoolArray) -> str:
    return f"row(s) {format_items(index[mask])}"


def _years(frame: pd.DataFrame, col: str) -> pd.Series:
    s = frame[col]
    blank = s.isna().to_numpy() | (s.astype("str").str.strip() == "").to_numpy()
    num = pd.to_numeric(s.where(~blank, None), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    with np.errstate(invalid="ignore"):
        bad = ~blank & (~np.isfinite(num) | (num != np.round(num)))
    if pd.api.types.is_bool_dtype(s.dtype) or bad.any():
        mask = bad if bad.any() else ~blank
        raise _err(
            f"column {col!r} must hold integer years (or be empty); found "
            f"{format_items(s[mask])} in {_rows(frame.index, mask)}"
        )
    return pd.Series(num, index=frame.index).astype("Int64")


def _columns(frame: pd.DataFrame) -> list[str]:
    """The name columns of ``frame``, after checking that every column is known."""
    cols = [str(c) for c in frame.columns]
    unknown = [c for c in cols if c not in ENTITY_COLUMNS and not _NAME.match(c)]
    if unknown:
        hints = [h for c in unknown if (h := closest_name(c, ENTITY_COLUMNS))]
        hint = f" (did you mean {format_items(hints)}?)" if hints else ""
        raise _err(
            f"unknown column(s) {format_items(unknown)}{hint}; expected 'code', 'kind' and any of "
            f"{format_items(ENTITY_COLUMNS[2:])} (names in English, Russian and Kazakh: "
            "name_en, name_ru, name_kk)"
        )
    missing = [c for c in ("code", "kind") if c not in cols]
    if missing:
        raise _err(
            f"missing required column(s) {format_items(missing)}; found {format_items(cols)}"
        )
    names = [c for c in cols if _NAME.match(c)]
    return sorted(names, key=lambda c: (c != "name_en", cols.index(c)))  # English first


@dataclass(frozen=True, eq=False, repr=False)
class Entities:
    """Validated entities table: codes, kinds, names per language, groups, years of existence.

    Build with :meth:`from_frame` or :func:`govindex.read_entities`.

    Attributes
    ----------
    frame : DataFrame
        The validated rows: ``code``, ``kind`` (str), the ``name_<lang>`` columns
        (str, ``""`` = no name; :data:`LANGUAGES`), ``group``, ``note`` (str), ``valid_from``,
        ``valid_to`` (nullable Int64), in the order given.

    Examples
    --------
    >>> ent = Entities.from_frame(pd.DataFrame({
    ...     "code": ["KZ", "KZ-10", "KZ-75"], "kind": ["total", "region", "city"],
    ...     "name_en": ["Kazakhstan", "Abai Region", "Almaty city"],
    ...     "name_kk": ["Қазақстан", "Абай облысы", "Алматы қаласы"],
    ...     "valid_from": [None, 2022, None]}))
    >>> ent
    <Entities: 3 codes (1 region, 1 city, 1 total); names in en, kk; reference rows: 'KZ'>
    >>> ent.name("KZ-10", "kk"), ent.name("KZ-10", "ru"), ent.name("XX", "kk")
    ('Абай облысы', 'Abai Region', 'XX')
    >>> ent.is_reference(["KZ-75", "KZ", "OTHER"])
    array([False,  True, False])
    """

    frame: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Entities:
        """Validate an entities table (one row per entity code) and build :class:`Entities`.

        Parameters
        ----------
        frame : DataFrame
            Columns ``code`` and ``kind`` (required), ``name_en``, ``name_ru``,
            ``name_kk`` (names in English, Russian, Kazakh), ``group``, ``valid_from``,
            ``valid_to`` (years, empty = open) and ``note``. Not modified.

        Raises
        ------
        EntityError
            Unknown or missing columns, empty or duplicated codes, unknown kinds,
            years that are not integers, ``valid_from`` after ``valid_to``; the message
            names the rows.
        """
        if not isinstance(frame, pd.DataFrame):
            raise _err(f"expected a pandas DataFrame, got {type(frame).__name__}")
        names = _columns(frame)
        src = frame.reset_index(drop=True)
        code = _text(src, "code")
        empty = (code == "").to_numpy()
        if empty.any():
            raise _err(f"empty entity code(s) in {_rows(src.index, empty)}")
        dup = code.duplicated(keep=False).to_numpy()
        if dup.any():
            raise _err(
                f"duplicated code(s) {format_items(sorted(set(code[dup])))} in "
                f"{_rows(src.index, dup)}; keep one row per entity"
            )
        kind = _text(src, "kind").str.lower()
        bad = ~kind.isin(ENTITY_KINDS).to_numpy()
        if bad.any():
            raise _err(
                f"unknown kind(s) {format_items(kind[bad])} in {_rows(src.index, bad)} "
                f"(codes {format_items(code[bad])}); expected one of {format_items(ENTITY_KINDS)}"
            )
        out = pd.DataFrame({"code": code, "kind": kind}, index=src.index)
        for col in (*names, *_TEXT):
            out[col] = _text(src, col) if col in src.columns else ""
        for col in _YEARS:
            out[col] = (
                _years(src, col)
                if col in src.columns
                else pd.array([pd.NA] * len(src), dtype="Int64")
            )
        first = out["valid_from"].to_numpy(dtype="float64", na_value=np.nan)
        last = out["valid_to"].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            order = first > last
        if order.any():
            raise _err(
                f"valid_from is after valid_to for code(s) {format_items(code[order])} in "
                f"{_rows(src.index, order)}"
            )
        out = out.astype(dict.fromkeys(["code", "kind", *names, *_TEXT], "str"))
        return cls(frame=out)

    # ------------------------------------------------------------------ views
    @property
    def codes(self) -> pd.Index:
        """The entity codes, in the order of the table."""
        return pd.Index(self.frame["code"], dtype="str", name="entity")

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages with a name column (``"en"`` first)."""
        return tuple(str(c)[5:] for c in self.frame.columns if _NAME.match(str(c)))

    @cached_property
    def _kinds(self) -> pd.Series:
        return pd.Series(self.frame["kind"].to_numpy(), index=self.codes, name="kind")

    @property
    def reference_codes(self) -> list[str]:
        """Codes of the reference rows (aggregates and totals)."""
        return [str(c) for c in self.codes[self._kinds.isin(REFERENCE_KINDS).to_numpy()]]

    def kinds(self, codes: Iterable[str] | None = None) -> pd.Series:
        """The kind of each code (``""`` for a code not in the table)."""
        if codes is None:
            return self._kinds.copy()
        idx = pd.Index([str(c) for c in codes], dtype="str", name="entity")
        return self._kinds.reindex(idx).fillna("").astype("str")

    def is_reference(self, codes: Iterable[str]) -> BoolArray:
        """Whether each code is a reference row (an aggregate or a total)."""
        return np.asarray(self.kinds(codes).isin(REFERENCE_KINDS).to_numpy(), dtype=bool)

    def name(self, code: str, lang: Language = "en") -> str:
        """The name of ``code`` in ``lang``, else its English name, else the code itself."""
        return str(self.names([code], lang).iloc[0])

    def names(self, codes: Iterable[str] | None = None, lang: Language = "en") -> pd.Series:
        """Names of ``codes`` (default: every code) in ``lang``, with the same fallbacks.

        Examples
        --------
        >>> ent = Entities.from_frame(pd.DataFrame({"code": ["A", "B"], "kind": "region",
        ...                                         "name_en": ["Aa", ""], "name_ru": ["Аа", ""]}))
        >>> ent.names(lang="ru").tolist()
        ['Аа', 'B']
        """
        if lang not in LANGUAGES:
            raise EntityError(
                f"unknown language {lang!r}; expected one of {format_items(LANGUAGES)}"
            )
        idx = self.codes if codes is None else pd.Index([str(c) for c in codes], dtype="str")
        table = self.frame.set_index("code")
        out = pd.Series("", index=idx, dtype="str", name=f"name_{lang}")
        for col in (f"name_{lang}", "name_en"):  # the language asked for, then English
            if col in table.columns:
                found = table[col].reindex(idx).fillna("").astype("str")
                out = out.where(out != "", found)
        return out.where(out != "", pd.Series(idx, index=idx, dtype="str"))

    def boundary_years(self) -> list[int]:
        """Years in which an entity of the table starts (``valid_from``) or has ended
        (``valid_to + 1``): years in which the map of entities changed."""
        first = self.frame["valid_from"].dropna().astype("int64")
        after = self.frame["valid_to"].dropna().astype("int64") + 1
        return sorted({int(y) for y in (*first, *after)})

    def missing(self, codes: Iterable[str]) -> list[str]:
        """The codes (e.g. a panel's entities) that are not in the table."""
        known = set(self.codes)
        return sorted({str(c) for c in codes} - known)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the validated rows."""
        return fingerprint_frame(self.frame)

    def to_frame(self) -> pd.DataFrame:
        """The validated rows."""
        return self.frame.copy()

    def __len__(self) -> int:
        return len(self.frame)

    def __contains__(self, code: object) -> bool:
        return str(code) in set(self.frame["code"])

    def __repr__(self) -> str:
        counts = self.frame["kind"].value_counts()
        kinds = ", ".join(f"{int(counts[k])} {k}" for k in ENTITY_KINDS if k in counts.index)
        langs = ", ".join(self.languages) or "none"
        ref = format_items(self.reference_codes) or "none"
        return f"<Entities: {len(self)} codes ({kinds}); names in {langs}; reference rows: {ref}>"
