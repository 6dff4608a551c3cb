"""The :class:`Catalog`: framework tree and indicator metadata, validated on the way in.

One row per node of the framework tree (``DESIGN.md`` §2). Leaves are indicators;
every other node aggregates its children. Several roots are allowed (e.g. one GPI
tree per central government body).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from govindex._codes import normalize_codes, warn_changed
from govindex._provenance import fingerprint_frame
from govindex.aggregate import AGGREGATORS, AggregationSpec, LevelGroup, parse_aggregation
from govindex.exceptions import CatalogError, GovindexError, format_items
from govindex.normalize import NORMALIZERS

__all__ = [
    "CATALOG_COLUMNS",
    "CATALOG_NAME_COLUMNS",
    "CATALOG_NUMBER_COLUMNS",
    "CATALOG_TEXT_COLUMNS",
    "Catalog",
    "require_catalog",
]

#: Catalog columns read as text (codes, names, method names).
CATALOG_TEXT_COLUMNS: tuple[str, ...] = (
    "code", "name", "parent", "type", "aggregation", "normalization", "transform",
    "change", "owner", "unit", "source", "sphere",
)  # fmt: skip
#: Catalog columns read as numbers.
CATALOG_NUMBER_COLUMNS: tuple[str, ...] = (
    "direction", "weight", "lower", "upper", "target", "tolerance", "cap",
)  # fmt: skip

#: Columns of the catalog contract, in order (only ``code`` and ``parent`` are required).
CATALOG_COLUMNS: tuple[str, ...] = (
    "code", "name", "parent", "direction", "weight", "type", "aggregation", "normalization",
    "lower", "upper", "transform", "target", "change", "tolerance", "cap", "owner", "unit",
    "source", "sphere",
)  # fmt: skip
#: Optional columns of the names in Russian and Kazakh (``name`` is English). They are kept
#: only when given, and left out of :attr:`Catalog.fingerprint`: a translation changes no number.
CATALOG_NAME_COLUMNS: tuple[str, ...] = ("name_ru", "name_kk")
_TYPES = ("statistical", "survey")
_CHANGES = ("relative", "absolute", "slope")
_TRANSFORMS = ("log",)


#: Catalog columns holding codes (compared in the one form of codes: NFC, stripped).
_CODE_COLUMNS = ("code", "parent", "owner")


def _text_column(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype="str")
    s = frame[col]
    out = s.astype("str").where(s.notna(), "").str.strip()
    return out.where(~out.isin(["nan", "None", "<NA>"]), "")


def _code_columns(src: pd.DataFrame, out: pd.DataFrame) -> None:
    """Codes of the catalog in the one form (NFC, stripped); a CodeWarning names the changed."""
    before: list[str] = []
    for col in _CODE_COLUMNS:
        if col not in src.columns:
            continue
        s = src[col]
        raw = s.astype("str").where(s.notna(), "")
        rows, uniques = pd.factorize(raw.where(~raw.str.strip().isin(["nan", "None", "<NA>"]), ""))
        norm, changed = normalize_codes(uniques)
        before += [str(u) for u, c in zip(uniques, changed, strict=True) if c and str(u).strip()]
        out[col] = pd.Series(np.asarray(norm, dtype=object)[rows], index=src.index, dtype="str")
    warn_changed("catalog", before, np.ones(len(before), dtype=bool))


def _numeric_column(frame: pd.DataFrame, col: str, codes: pd.Series) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    s = frame[col]
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        s = (
            s.astype("str")
            .where(s.notna(), "")
            .str.strip()
            .replace({"": None, "+": "1", "-": "-1"})  # type: ignore[arg-type]
        )
    num = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = num.isna() & s.notna()
    if bad.any():
        raise CatalogError(
            f"column {col!r} must be numeric; non-numeric values for code(s) "
            f"{format_items(codes[bad])}: {format_items(s[bad])}"
        )
    if np.isinf(num.to_numpy()).any():
        raise CatalogError(
            f"column {col!r} has infinite values for code(s) {format_items(codes[np.isinf(num)])}"
        )
    return num


@dataclass(frozen=True, eq=False, repr=False)
class Catalog:
    """Validated framework tree and indicator metadata.

    Build with :meth:`from_frame` or :func:`govindex.read_catalog`.

    Examples
    --------
    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["GPI", "econ", "gdp", "unemp"],
    ...     "parent": ["", "GPI", "econ", "econ"],
    ...     "direction": [None, None, 1, -1]}))
    >>> cat.roots
    ['GPI']
    >>> cat.indicators
    ['gdp', 'unemp']
    >>> cat.children("econ")
    ['gdp', 'unemp']
    """

    frame: pd.DataFrame
    _children: dict[str, list[str]] = field(default_factory=dict)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Catalog:
        """Validate a catalog table (one row per node) and build a :class:`Catalog`.

        Parameters
        ----------
        frame : DataFrame
            Columns per :data:`CATALOG_COLUMNS`; only ``code`` and ``parent`` are
            required. Not modified.

        Raises
        ------
        CatalogError
            Duplicate or empty codes, unknown parents, cycles, directions other than
            ±1, negative weights, parents whose weights sum to 0, unknown types,
            change rules, transforms, aggregation or normalisation names, a ``log``
            transform with non-positive goalposts, ``lower ≥ upper`` — listing the codes.
        """
        if not isinstance(frame, pd.DataFrame):
            raise CatalogError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        missing = [c for c in ("code", "parent") if c not in frame.columns]
        if missing:
            raise CatalogError(
                f"catalog is missing required column(s) {format_items(missing)}; found "
                f"{format_items(map(str, frame.columns))}"
            )
        known = (*CATALOG_COLUMNS, *CATALOG_NAME_COLUMNS)
        unknown_cols = [str(c) for c in frame.columns if c not in known]
        if unknown_cols:
            raise CatalogError(
                f"unknown catalog column(s) {format_items(unknown_cols)}; expected a subset of "
                f"{format_items(known)}"
            )
        src = frame.reset_index(drop=True)
        out = pd.DataFrame(index=src.index)
        for col in CATALOG_TEXT_COLUMNS:
            out[col] = _text_column(src, col)
        _code_columns(src, out)
        codes = out["code"]
        if (codes == "").any():
            raise CatalogError(
                f"{int((codes == '').sum())} row(s) have an empty 'code' "
                f"(rows {format_items(codes.index[codes == ''])})"
            )
        for col in CATALOG_NUMBER_COLUMNS:
            out[col] = _numeric_column(src, col, codes)
        out = out.loc[:, list(CATALOG_COLUMNS)]
        for col in CATALOG_NAME_COLUMNS:  # translations: only when given
            if col in src.columns:
                out[col] = _text_column(src, col)
        dups = codes[codes.duplicated(keep=False)].unique()
        if len(dups):
            raise CatalogError(f"duplicate node code(s): {format_items(sorted(dups))}")
        out = out.set_index("code", drop=False)
        out.index.name = None
        children = cls._check_tree(out)
        cls._check_fields(out, children)
        out["name"] = out["name"].where(out["name"] != "", out["code"])
        out["weight"] = out["weight"].fillna(1.0)
        is_leaf = ~out["code"].isin(list(children))
        out["direction"] = out["direction"].where(~(is_leaf & out["direction"].isna()), 1.0)
        out["type"] = out["type"].where(~(is_leaf & (out["type"] == "")), "statistical")
        out.index.name = "code"
        return cls(frame=out.reset_index(drop=True), _children=children)

    @staticmethod
    def _check_tree(out: pd.DataFrame) -> dict[str, list[str]]:
        codes = set(out["code"])
        has_parent = out["parent"] != ""
        unknown = out.loc[has_parent & ~out["parent"].isin(codes)]
        if len(unknown):
            pairs = [f"{c}→{p}" for c, p in zip(unknown["code"], unknown["parent"], strict=True)]
            raise CatalogError(f"unknown parent code(s) (node→parent): {format_items(pairs)}")
        self_loop = out.loc[out["code"] == out["parent"], "code"]
        if len(self_loop):
            raise CatalogError(f"node(s) are their own parent: {format_items(self_loop)}")
        parent = dict(zip(out["code"], out["parent"], strict=True))
        # Pointer jumping: after ceil(log2 n) + 1 squarings every node not in (or above) a
        # cycle points at its root; nodes whose pointer still has a parent lead into a cycle.
        up = {c: (p or c) for c, p in parent.items()}
        for _ in range(max(1, len(parent)).bit_length() + 1):
            up = {c: up[n] for c, n in up.items()}
        stuck = sorted(c for c, n in up.items() if parent[n])
        if stuck:
            # ``up`` of a stuck node lies on a cycle; walk each cycle once to name its members
            # (nodes that merely hang below a cycle are reported separately).
            members: set[str] = set()
            for start in {up[c] for c in stuck}:
                node = start
                while node not in members:
                    members.add(node)
                    node = parent[node]
            below = [c for c in stuck if c not in members]
            extra = f"; node(s) below the cycle: {format_items(below)}" if below else ""
            raise CatalogError(
                f"the tree has a cycle through node(s) {format_items(sorted(members))}{extra}"
            )
        children: dict[str, list[str]] = {}
        for code, par in zip(out["code"], out["parent"], strict=True):
            if par:
                children.setdefault(par, []).append(code)
        return children

    @staticmethod
    def _check_fields(out: pd.DataFrame, children: dict[str, list[str]]) -> None:
        def fail(mask: pd.Series, what: str) -> None:
            if mask.any():
                raise CatalogError(f"{what}: {format_items(out.loc[mask, 'code'])}")

        d = out["direction"]
        fail(d.notna() & ~d.isin([1.0, -1.0]), "direction must be 1 or -1 for code(s)")
        fail(out["weight"] < 0, "negative weight for code(s)")
        fail(~out["type"].isin(["", *_TYPES]), f"type must be one of {_TYPES} for code(s)")
        fail(~out["change"].isin(["", *_CHANGES]), f"change must be one of {_CHANGES} for code(s)")
        fail(
            ~out["transform"].isin(["", *_TRANSFORMS]),
            "transform must be empty or 'log' for code(s)",
        )
        fail((out["tolerance"] < 0), "negative tolerance for code(s)")
        fail((out["cap"] <= 0), "cap must be positive for code(s)")
        fail(out["lower"] >= out["upper"], "lower goalpost not below upper for code(s)")
        log = out["transform"] == "log"
        fail(log & ((out["lower"] <= 0) | (out["upper"] <= 0)),
             "log transform needs positive lower/upper goalposts for code(s)")  # fmt: skip
        norm = out["normalization"]
        fail((norm != "") & ~norm.map(lambda n: n in NORMALIZERS).astype(bool),
             f"unknown normalization (expected one of {NORMALIZERS.names()}) "
             "for code(s)")  # fmt: skip
        bad_agg = []
        for code, agg in zip(out["code"], out["aggregation"], strict=True):
            if agg:
                try:
                    parse_aggregation(agg)
                except GovindexError:
                    bad_agg.append(code)
        fail(out["code"].isin(bad_agg), f"unknown or malformed aggregation (expected one of "
             f"{AGGREGATORS.names()}, e.g. 'generalized(p=2)') for code(s)")  # fmt: skip
        # weights are >= 0 here: they sum to 0 exactly when all are 0 (a sum of weights
        # near 1e308 would overflow, with numpy's RuntimeWarning, for nothing)
        all_zero = out["weight"].fillna(1.0).eq(0).groupby(out["parent"]).all()
        zero = [p for p, z in all_zero.items() if p and z]
        if zero:
            raise CatalogError(
                f"the weights of the children sum to 0 under parent(s) {format_items(zero)}"
            )

    # ------------------------------------------------------------------ structure
    @property
    def codes(self) -> list[str]:
        """All node codes in file order."""
        return self.frame["code"].tolist()

    @cached_property
    def roots(self) -> list[str]:
        """Codes of the root nodes (no parent), in file order."""
        return self.frame.loc[self.frame["parent"] == "", "code"].tolist()

    @cached_property
    def indicators(self) -> list[str]:
        """Codes of the indicator (leaf) nodes, in file order."""
        return [c for c in self.codes if c not in self._children]

    def children(self, code: str) -> list[str]:
        """Direct children of ``code`` (empty for an indicator)."""
        self._require(code)
        return list(self._children.get(code, []))

    def is_indicator(self, code: str) -> bool:
        """Whether ``code`` is an indicator (leaf)."""
        self._require(code)
        return code not in self._children

    def _require(self, code: str) -> None:
        if code not in self._position:
            raise CatalogError(f"unknown node code {code!r}")

    @cached_property
    def _position(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}

    @cached_property
    def _parent(self) -> dict[str, str]:
        return dict(zip(self.frame["code"], self.frame["parent"], strict=True))

    @cached_property
    def depth(self) -> pd.Series:
        """Depth of every node (roots 0), indexed by code."""
        depth: dict[str, int] = {}
        for code in self.codes:
            chain = [code]
            while self._parent[chain[-1]] and chain[-1] not in depth:
                chain.append(self._parent[chain[-1]])
            base = depth.get(chain[-1], 0)
            for k, node in enumerate(reversed(chain)):
                depth.setdefault(node, base + k)
        return pd.Series([depth[c] for c in self.codes], index=self.codes, name="depth")

    @cached_property
    def root_of(self) -> pd.Series:
        """The root above every node, indexed by code."""
        out = {}
        for code in self.codes:
            node = code
            while self._parent[node]:
                node = self._parent[node]
            out[code] = node
        return pd.Series(out, name="root", dtype="str")

    def descendants(self, code: str) -> list[str]:
        """Every node below ``code`` (depth-first, file order)."""
        self._require(code)
        out: list[str] = []
        stack = list(reversed(self._children.get(code, [])))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self._children.get(node, [])))
        return out

    def subtree(self, roots: str | Iterable[str]) -> Catalog:
        """The catalog restricted to the trees under ``roots`` (which become roots)."""
        roots = [roots] if isinstance(roots, str) else list(roots)
        keep: list[str] = []
        for r in roots:
            keep.extend([r, *self.descendants(r)])
        frame = self.frame.set_index("code", drop=False).loc[keep].reset_index(drop=True)
        frame.loc[frame["code"].isin(roots), "parent"] = ""
        return Catalog.from_frame(frame)

    def column(self, name: str, codes: Iterable[str] | None = None) -> pd.Series:
        """Metadata column ``name`` indexed by code (optionally for some codes only)."""
        if name not in self.frame.columns:
            raise CatalogError(f"unknown catalog column {name!r}")
        s = pd.Series(
            self.frame[name].to_numpy(), index=pd.Index(self.codes, name="code"), name=name
        )
        return s if codes is None else s.loc[list(codes)]

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the normalised catalog table, in the canonical order of its rows.

        The rows are hashed sorted by code, so a catalog whose rows were reordered has
        the same fingerprint (and ``govindex diff`` does not call it revised).

        Examples
        --------
        >>> frame = pd.DataFrame({"code": ["G", "a", "b"], "parent": ["", "G", "G"]})
        >>> Catalog.from_frame(frame).fingerprint == Catalog.from_frame(frame[::-1]).fingerprint
        True
        """
        frame = self.frame.drop(columns=[c for c in CATALOG_NAME_COLUMNS if c in self.frame])
        canonical = frame.sort_values("code", kind="stable").reset_index(drop=True)
        return fingerprint_frame(canonical)

    def names(self, codes: Iterable[str] | None = None, lang: str = "en") -> pd.Series:
        """Names of ``codes`` (default: every node) in ``lang`` (``"en"``, ``"ru"``, ``"kk"``):
        the ``name_ru`` / ``name_kk`` column when the catalog has it, else ``name``, else the code.

        Examples
        --------
        >>> cat = Catalog.from_frame(pd.DataFrame({"code": ["G", "x"], "parent": ["", "G"],
        ...     "name": ["Index", ""], "name_ru": ["Индекс", ""]}))
        >>> cat.names(lang="ru").tolist(), cat.names(["x"], lang="kk").tolist()
        (['Индекс', 'x'], ['x'])
        """
        if lang not in ("en", "ru", "kk"):
            raise CatalogError(f"unknown language {lang!r}; expected one of 'en', 'ru', 'kk'")
        english = self.column("name")  # filled with the code where empty
        out = english if codes is None else english.reindex([str(c) for c in codes])
        col = f"name_{lang}"
        if col in self.frame.columns:
            own = self.column(col).reindex(out.index)
            out = own.where(own.notna() & (own != ""), out)
        out = out.fillna(pd.Series(out.index, index=out.index))
        return out.astype("str").rename(col if lang != "en" else "name")

    def rollup_plan(
        self, default: str | AggregationSpec = "arithmetic", *, uniform: bool = False
    ) -> list[list[LevelGroup]]:
        """Padded child layout per (depth, aggregation method), deepest parents first.

        The plan of :func:`govindex.aggregate.aggregate_tree`, the one tree roll-up.

        Parameters
        ----------
        default : str or AggregationSpec, default "arithmetic"
            The aggregation of parents with no ``aggregation`` in the catalog.
        uniform : bool, default False
            Use ``default`` at every parent, ignoring the catalog's ``aggregation``
            column (as the uncertainty analysis does for its aggregation factor).

        Examples
        --------
        >>> cat = Catalog.from_frame(pd.DataFrame({
        ...     "code": ["R", "a", "b"], "parent": ["", "R", "R"], "aggregation": ["sum", "", ""]}))
        >>> [(str(g.spec), g.children.tolist()) for level in cat.rollup_plan() for g in level]
        [('sum', [[1, 2]])]
        >>> str(cat.rollup_plan(uniform=True)[0][0].spec)
        'arithmetic'
        """
        default_spec = parse_aggregation(default)
        pos = self._position
        weight = dict(zip(self.frame["code"], self.frame["weight"], strict=True))
        agg = dict(zip(self.frame["code"], self.frame["aggregation"], strict=True))
        depth = self.depth
        by_level: dict[int, dict[AggregationSpec, list[str]]] = {}
        for parent in self._children:
            spec = parse_aggregation(agg[parent]) if agg[parent] and not uniform else default_spec
            by_level.setdefault(int(depth[parent]), {}).setdefault(spec, []).append(parent)
        plan: list[list[LevelGroup]] = []
        for level in sorted(by_level, reverse=True):
            groups = []
            for spec, parents in sorted(by_level[level].items(), key=lambda kv: str(kv[0])):
                width = max(len(self._children[p]) for p in parents)
                idx = np.full((len(parents), width), -1, dtype=np.int64)
                w = np.zeros((len(parents), width))
                for r, p in enumerate(parents):
                    # children in the canonical order (by code): sums do not depend on the
                    # order of the catalog's rows, down to the last bit
                    kids = sorted(self._children[p])
                    idx[r, : len(kids)] = [pos[k] for k in kids]
                    w[r, : len(kids)] = [weight[k] for k in kids]
                parents_pos = np.array([pos[p] for p in parents], dtype=np.int64)
                groups.append(LevelGroup(spec, parents_pos, idx, w))
            plan.append(groups)
        return plan

    def to_frame(self) -> pd.DataFrame:
        """The normalised catalog table (defaults filled)."""
        return self.frame.copy()

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return (
            f"<Catalog: {len(self.frame)} nodes, {len(self.indicators)} indicators, "
            f"{len(self.roots)} root(s): {format_items(self.roots, limit=5)}>"
        )


def require_catalog(obj: object) -> Catalog:
    """Return ``obj`` if it is a :class:`Catalog`, else raise :class:`CatalogError`.

    Examples
    --------
    >>> require_catalog(pd.DataFrame({"code": ["G"], "parent": [""]}))
    Traceback (most recent call last):
    ...
    govindex.exceptions.CatalogError: expected a Catalog, got DataFrame; build one with ...
    """
    if not isinstance(obj, Catalog):
        raise CatalogError(
            f"expected a Catalog, got {type(obj).__name__}; build one with "
            "Catalog.from_frame(frame) or read_catalog(path)"
        )
    return obj


def catalog_from_records(records: list[dict[str, Any]]) -> Catalog:
    """Build a catalog from a list of node dictionaries (as read from TOML)."""
    if not records:
        raise CatalogError("the catalog has no nodes")
    return Catalog.from_frame(pd.DataFrame.from_records(records))
