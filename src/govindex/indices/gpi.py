"""Government Performance Index (GPI): progress of each body's indicators over a window.

For assessment year ``T`` and window ``w`` every (body, indicator) gets an annual
change ``g`` (:mod:`govindex.change`), a class (improved / stable / deteriorated)
and a progress score ``s = 50 + 50·clip(g / g_cap, −1, 1)``; the scores are
aggregated over the body's tree of the catalog:

* **central government bodies (CGB)** — each root with an ``owner`` applies to the
  entity of that code only (its own indicator set);
* **local executive bodies (LEB)** — a root without an owner is shared and applies
  to every entity of the panel that owns no root.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex import change as ch
from govindex._typing import BoolArray, FloatArray
from govindex.aggregate import parse_aggregation
from govindex.catalog import Catalog
from govindex.exceptions import CoverageWarning, MethodError, PanelError, format_items
from govindex.indices.composite import rollup
from govindex.panel import Panel, _take_str
from govindex.prepare.impute import check_imputation_spec, impute_panel, warn_imputation
from govindex.prepare.lineage import Lineage
from govindex.results import ResultMixin

__all__ = ["GPIMethod", "PerformanceResult", "effective_weights", "performance_index"]

CLASS_LABELS: dict[float, str] = {1.0: "improved", 0.0: "stable", -1.0: "deteriorated"}
#: Imputation methods of the GPI: they fill each body's own series along the years.
GPI_IMPUTATIONS: tuple[str, ...] = ("locf", "linear")


@dataclass(frozen=True)
class GPIMethod:
    """Every parameter of a GPI computation (stored verbatim in the result).

    Parameters
    ----------
    window : int, default 3
        Years in the window ``T − w … T``.
    change : {"relative", "absolute", "slope"}, default "relative"
        Change rule of indicators without ``change`` in the catalog.
    alpha : float, default 0.05
        Significance level of the two-proportion z-test for survey indicators.
    survey_scale : float, default 100
        Value of a 100 % share in survey indicators (100 = percent, 1 = proportion).
    significance : bool, default True
        Apply the z-test to survey indicators that have sample sizes.
    aggregation : str, default "arithmetic"
        Aggregation of parents without one in the catalog.
    coverage : float, default 2/3
        Minimum share of a body's indicators (and of each node's child weight) that
        must be scored; below it the body gets no GPI and the reason is stated.
    override_change : {"relative", "absolute", "slope"} or None, default None
        Apply this change rule to every indicator, overriding the catalog (for
        sensitivity analysis); caps and tolerances given in the catalog for another
        rule are then ignored in favour of the rule's defaults.
    imputation : mapping or None, default None
        Fill gaps of each body's series before the window changes, e.g.
        ``{"method": "locf", "max_gap": 2}`` or ``{"method": "linear"}``
        (:func:`govindex.prepare.impute.impute_panel`; observed values are never changed);
        None = no imputation (then absent from :meth:`to_dict`).
    """

    window: int = 3
    change: Literal["relative", "absolute", "slope"] = "relative"
    alpha: float = 0.05
    survey_scale: float = 100.0
    significance: bool = True
    aggregation: str = "arithmetic"
    coverage: float = 2 / 3
    override_change: Literal["relative", "absolute", "slope"] | None = None
    imputation: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.imputation is not None:
            object.__setattr__(self, "imputation", _check_gpi_imputation(self.imputation))
        if self.override_change is not None and self.override_change not in ch.CHANGE_RULES:
            raise MethodError(
                f"unknown change rule {self.override_change!r}; expected one of {ch.CHANGE_RULES.names()}"
            )
        if int(self.window) != self.window or self.window < 2:
            raise MethodError(
                f"window must be an integer of at least 2 years (a change needs two points "
                f"two or more years apart); got {self.window!r}"
            )
        if self.change not in ch.CHANGE_RULES:
            raise MethodError(
                f"unknown change rule {self.change!r}; expected one of {ch.CHANGE_RULES.names()}"
            )
        if not 0.0 < self.alpha < 1.0:
            raise MethodError(f"alpha must be within (0, 1); got {self.alpha}")
        if not self.survey_scale > 0:
            raise MethodError(f"survey_scale must be positive; got {self.survey_scale}")
        if not 0.0 <= self.coverage <= 1.0:
            raise MethodError(f"coverage must be within [0, 1]; got {self.coverage}")
        parse_aggregation(self.aggregation)

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON/TOML serialisable); ``imputation`` only if set."""
        out = asdict(self)
        if out["imputation"] is None:
            del out["imputation"]
        return out


def _check_gpi_imputation(spec: object) -> dict[str, Any]:
    """Validate a GPI imputation spec (a panel method filling along years)."""
    method = spec.get("method") if isinstance(spec, Mapping) else None
    if isinstance(spec, Mapping) and method not in GPI_IMPUTATIONS:
        kind = {
            "mean": " (a cross-section method: it fills from other bodies, not the body's own series)",
            "median": " (a cross-section method: it fills from other bodies, not the body's own series)",
            "constant": " (it fills a fixed value, not the body's own series)",
        }.get(str(method), "")
        raise MethodError(
            f"unknown GPI imputation method {method!r}{kind}; expected one of "
            f"{list(GPI_IMPUTATIONS)}, e.g. imputation={{'method': 'locf', 'max_gap': 2}}"
        )
    return check_imputation_spec(spec)  # type: ignore[arg-type]


def effective_weights(catalog: Catalog) -> pd.Series:
    """Share of every node in its root's score: product of normalised weights on its path.

    Examples
    --------
    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["G", "a", "b", "a1", "a2"], "parent": ["", "G", "G", "a", "a"],
    ...     "weight": [1, 3, 1, 1, 1]}))
    >>> effective_weights(cat).round(3).to_dict()
    {'G': 1.0, 'a': 0.75, 'b': 0.25, 'a1': 0.375, 'a2': 0.375}
    """
    frame = catalog.frame
    w = frame["weight"].to_numpy(dtype=np.float64)
    sums = frame.groupby("parent")["weight"].transform("sum").to_numpy(dtype=np.float64)
    local = np.where(frame["parent"].to_numpy() == "", 1.0, w / np.where(sums > 0, sums, 1.0))
    share = pd.Series(local, index=pd.Index(catalog.codes, name="code"), name="weight")
    parent = frame["parent"].to_numpy()
    out = share.to_numpy().copy()
    pos = {c: k for k, c in enumerate(catalog.codes)}
    parent_pos = np.array([pos.get(p, -1) for p in parent], dtype=np.int64)
    depth = catalog.depth.to_numpy()
    # one pass per tree level (not per node): a node's share times its parent's effective share
    for level in range(1, int(depth.max()) + 1 if len(catalog) else 1):
        at = depth == level
        out[at] = out[at] * out[parent_pos[at]]
    return pd.Series(out, index=share.index, name="weight")


def _assign_roots(catalog: Catalog, entities: pd.Index, roots: Iterable[str] | None) -> pd.Series:
    """Map every entity to the root of its indicator set (NaN: no set applies)."""
    chosen = list(catalog.roots) if roots is None else list(roots)
    unknown = [r for r in chosen if r not in catalog.roots]
    if unknown:
        raise MethodError(
            f"unknown root(s) {format_items(unknown)}; the catalog's roots are {format_items(catalog.roots)}"
        )
    owner = catalog.column("owner", chosen)
    owned = owner[owner != ""]
    dup = owned[owned.duplicated(keep=False)]
    if len(dup):
        raise MethodError(
            f"body/bodies {format_items(sorted(set(dup)))} own several roots: {format_items(dup.index)}"
        )
    shared = owner[owner == ""].index.tolist()
    if len(shared) > 1:
        raise MethodError(
            f"{len(shared)} shared roots without an owner ({format_items(shared)}): pass roots=[...] "
            "to choose the one that applies to every entity"
        )
    by_owner = pd.Series(owned.index.to_numpy(), index=owned.to_numpy())
    assigned = pd.Series(
        by_owner.reindex(entities).to_numpy(), index=entities, name="root", dtype="object"
    )
    if shared:
        assigned = assigned.where(assigned.notna(), shared[0])
    return assigned


@dataclass(frozen=True, repr=False, eq=False)
class PerformanceResult(ResultMixin):
    """Immutable result of :func:`performance_index`.

    Attributes
    ----------
    year : int
        Assessment year ``T``.
    method : GPIMethod
    catalog : Catalog
    scores : DataFrame
        Index ``entity``: ``root``, ``kind`` (central/local), ``gpi``, ``rank``,
        ``n_indicators``, ``n_scored``, ``n_improved``, ``n_stable``,
        ``n_deteriorated``, the three shares, ``coverage`` and ``reason``.
    changes : DataFrame
        Tidy, one row per applicable (entity, indicator): start/end year and value,
        change, tolerance, cap, class, survey p-value, progress score, flags, reason.
    node_scores : DataFrame
        Entity × node progress scores (indicators and aggregates).
    node_coverage : DataFrame
        Entity × parent node share of child weight with data.
    raw : DataFrame
        The observations of the window used (tidy); built from the panel on first access.
    fingerprints : dict
        SHA-256 of the panel and the catalog.
    """

    year: int
    method: GPIMethod
    catalog: Catalog
    scores: pd.DataFrame
    changes: pd.DataFrame
    node_scores: pd.DataFrame
    node_coverage: pd.DataFrame
    fingerprints: Mapping[str, str]
    panel: Panel | None = None
    options: Mapping[str, Any] | None = None

    @cached_property
    def raw(self) -> pd.DataFrame:
        """The observations of the window ``T − w … T`` used (tidy), from the result's panel.

        Built on first access (a batch run that never reads it keeps no copy).
        """
        if self.panel is None:
            return pd.DataFrame(columns=["entity", "indicator", "year", "value"])
        entities = (self.options or {}).get("entities")
        work = self.panel if entities is None else self.panel.select(entities=entities)
        return _window_rows(work, self.year - self.method.window, self.year)

    def regenerate(self, **changes: Any) -> PerformanceResult:
        """Recompute with some parameters changed (e.g. ``change="slope"``, ``year=2024``).

        Accepts the keyword arguments of :func:`performance_index` (``year``,
        ``window``, ``roots``, ``entities``, the :class:`GPIMethod` parameters, and
        ``catalog`` to swap the catalog).
        """
        if self.panel is None:
            raise MethodError("this result does not keep its panel; call performance_index again")
        params: dict[str, Any] = {
            "year": self.year,
            **self.method.to_dict(),
            **dict(self.options or {}),
        }
        params.update(changes)
        catalog = params.pop("catalog", self.catalog)
        return performance_index(self.panel, catalog, **params)

    @property
    def provenance(self) -> dict[str, Any]:
        """Index, year, method with parameters and input fingerprints."""
        return {
            "index": "GPI",
            "year": self.year,
            "method": self.method.to_dict(),
            "fingerprints": dict(self.fingerprints),
        }

    @cached_property
    def stages(self) -> dict[str, pd.DataFrame]:
        """Every intermediate stage, by name: raw → changes → scores → aggregated."""
        return {
            "raw": self.raw,
            "changes": self.changes,
            "aggregated": self.node_scores,
            "coverage": self.node_coverage,
            "scores": self.scores,
        }

    def risk_areas(self, **options: Any) -> pd.DataFrame:
        """Risk areas of this assessment (see :func:`govindex.indices.risk.risk_areas`)."""
        from govindex.indices.risk import risk_areas

        return risk_areas(self, **options)

    def to_frame(self) -> pd.DataFrame:
        """The tidy per-(entity, indicator) table (same as :attr:`changes`)."""
        return self.changes.copy()

    def _tables(self) -> dict[str, pd.DataFrame]:
        nodes = self.node_scores.copy()
        nodes.columns = nodes.columns.astype("str")
        return {"scores": self.scores, "changes": self.changes, "node_scores": nodes}

    def _summary(self) -> tuple[str, list[str]]:
        s = self.scores
        n_ok = int(s["gpi"].notna().sum())
        lines = [
            f"assessment year {self.year}, window {self.method.window} years, "
            f"{len(s)} entities ({n_ok} with a GPI), {len(self.changes)} entity-indicator pairs",
            f"classes: {int(s['n_improved'].sum())} improved, {int(s['n_stable'].sum())} stable, "
            f"{int(s['n_deteriorated'].sum())} deteriorated",
        ]
        return "PerformanceResult (GPI)", lines


def performance_index(
    panel: Panel,
    catalog: Catalog,
    *,
    year: int,
    window: int = 3,
    roots: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    lineage: Lineage | None = None,
    imputation: Mapping[str, Any] | None = None,
    **method: Any,
) -> PerformanceResult:
    """Compute the Government Performance Index of every body for assessment year ``year``.

    Parameters
    ----------
    panel : Panel
        Observations of the bodies (entity = body or region code); survey
        indicators may carry ``sample_size``.
    catalog : Catalog
        Indicator sets: roots with an ``owner`` (central bodies) and/or one shared
        root (local bodies). Per-indicator ``change``, ``tolerance``, ``cap``,
        ``direction``, ``type`` and ``weight`` come from here.
    year : int
        Assessment year ``T``.
    window : int, default 3
        Years in the window.
    roots : iterable of str, optional
        Restrict to these roots (default: all).
    entities : iterable of str, optional
        Restrict to these entities (default: all entities of the panel).
    lineage : Lineage, optional
        Entity lineage (:class:`govindex.prepare.lineage.Lineage`): windows that cross a
        reorganisation are re-based to the new boundaries and flagged in
        ``.changes['flags']``, or missing with the reason (see ``docs/lineage.md``).
    imputation : mapping, optional
        Fill gaps of each entity's series first: ``{"method": "locf" | "linear",
        "max_gap": years}`` (:func:`govindex.prepare.impute.impute_panel`; observed values are
        never changed, entity codes' own series before any lineage re-basing). Changes
        whose start or end value (or, for the slope rule, a point inside the window)
        was imputed are flagged in ``.changes['flags']``. Default None: no imputation.
    **method
        Other :class:`GPIMethod` parameters: ``change``, ``alpha``, ``survey_scale``,
        ``significance``, ``aggregation``, ``coverage``.

    Returns
    -------
    PerformanceResult

    Examples
    --------
    Two regions, one indicator (higher is better), window 2023–2025:

    >>> panel = Panel.from_frame(pd.DataFrame({
    ...     "entity": ["A", "A", "B", "B"], "indicator": "income", "year": [2022, 2025] * 2,
    ...     "value": [100.0, 115.7625, 100.0, 100.0]}))
    >>> catalog = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["GPI", "income"], "parent": ["", "GPI"]}))
    >>> res = performance_index(panel, catalog, year=2025)
    >>> res.scores[["gpi", "rank", "n_improved", "n_stable"]]
              gpi  rank  n_improved  n_stable
    entity
    A       100.0     1           1         0
    B        50.0     2           0         1

    (A grew 5 % a year: 1.05³ = 1.157625, a change equal to the default cap.)
    """
    if not isinstance(panel, Panel):
        raise PanelError(f"expected a Panel (see Panel.from_frame), got {type(panel).__name__}")
    params = GPIMethod(window=window, imputation=imputation, **method)
    leaves = catalog.indicators
    panel.check_indicators(catalog)
    work = panel if entities is None else panel.select(entities=entities)
    if not len(work.years) or not work.years[0] <= year <= work.years[-1]:
        span = f"{work.years[0]}–{work.years[-1]}" if len(work.years) else "none"
        raise PanelError(f"assessment year {year} is outside the panel's years ({span})")
    ent = work.entities
    root_of_entity = _assign_roots(catalog, ent, roots)
    meta = catalog.frame.set_index("code").loc[leaves]
    leaf_root = catalog.root_of.loc[leaves].to_numpy()
    # (E, L) applicability: the leaf belongs to the entity's root
    applies: BoolArray = root_of_entity.to_numpy(dtype=object)[:, None] == leaf_root[None, :]
    pos = work.indicators.get_indexer(pd.Index(leaves))
    values = np.full((len(ent), len(leaves), len(work.years)), np.nan)
    have = pos >= 0
    values[:, have, :] = work.values[:, pos[have], :]
    imputed = None
    if params.imputation is not None:
        values, imputed = impute_panel(
            values, method=params.imputation["method"], max_gap=params.imputation.get("max_gap")
        )
    adjusted = None
    if lineage is not None:
        if not isinstance(lineage, Lineage):
            raise MethodError(
                f"lineage must be a Lineage (see Lineage.from_frame); got {type(lineage).__name__}"
            )
        adjusted = lineage.rebase(values, ent, leaves, work.years, year=year, window=params.window)
        if imputed is not None:  # a re-based value is imputed if any value it is made of is
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the same warnings as the rebase above
                marks = lineage.rebase(
                    np.where(np.isnan(values), np.nan, imputed.astype(np.float64)),
                    ent, leaves, work.years, year=year, window=params.window, extensive="all",
                )  # fmt: skip
            imputed = np.asarray(marks.values) > 0
        values = np.array(adjusted.values)
    values = np.where(applies[:, :, None], values, np.nan)
    rules = meta["change"].where(meta["change"] != "", params.change).tolist()
    cap_given = meta["cap"].to_numpy(dtype=np.float64)
    tol_given = meta["tolerance"].to_numpy(dtype=np.float64)
    if params.override_change is not None:
        kept = np.asarray(rules) == params.override_change  # catalog cap/tolerance stay valid
        rules = [params.override_change] * len(leaves)
        cap_given = np.where(kept, cap_given, np.nan)
        tol_given = np.where(kept, tol_given, np.nan)
    direction = meta["direction"].to_numpy(dtype=np.float64)
    wc = ch.window_changes(
        values, work.years, year=year, window=params.window, rule=rules, direction=direction
    )
    cap = ch.default_cap(wc.change, rules, cap_given, names=leaves)
    tol = ch.default_tolerance(rules, cap, given=tol_given)
    classes = ch.classify(wc.change, tol)
    pvalue = np.full(classes.shape, np.nan)
    survey = (meta["type"] == "survey").to_numpy()
    if params.significance and work.sample_size is not None and survey.any():
        sv = np.flatnonzero(survey & have)
        n_sv = work.sample_size[:, pos[sv], :]
        n_start = ch.take_at_years(n_sv, work.years, wc.start_year[:, sv])
        n_end = ch.take_at_years(n_sv, work.years, wc.end_year[:, sv])
        # only cells with both sample sizes are tested (the others keep the tolerance rule),
        # and their shares must lie on [0, survey_scale]
        tested = ~np.isnan(n_start) & ~np.isnan(n_end)
        p0 = np.where(tested, wc.start_value[:, sv], np.nan)
        p1 = np.where(tested, wc.end_value[:, sv], np.nan)
        with np.errstate(invalid="ignore"):
            off = (p0 < 0) | (p0 > params.survey_scale) | (p1 < 0) | (p1 > params.survey_scale)
        if off.any():
            e_off, i_off = np.nonzero(off)
            pairs = np.char.add(
                np.char.add(ent.to_numpy(dtype=str)[e_off], "/"),
                np.asarray(leaves, dtype=str)[sv[i_off]],
            )
            raise MethodError(
                f"survey values with sample sizes must be shares in [0, {params.survey_scale:g}]; "
                f"found others for (entity/indicator) {format_items(pairs)}; pass survey_scale=1 "
                "for proportions, or drop the sample sizes of indicators that are not shares"
            )
        s_cls, s_p = ch.classify_survey(
            wc.change[:, sv],
            tol[sv],
            p0,
            n_start,
            p1,
            n_end,
            alpha=params.alpha,
            scale=params.survey_scale,
        )
        classes[:, sv] = s_cls
        pvalue[:, sv] = s_p
    score = ch.progress_score(wc.change, cap)
    score = np.where(applies, score, np.nan)
    nodes, node_cov, _low = rollup(
        score, catalog, leaves, aggregation=params.aggregation, coverage=params.coverage
    )
    node_index = pd.Index(catalog.codes, name="node")
    node_scores = pd.DataFrame(nodes, index=ent, columns=node_index)
    parents = [c for c in catalog.codes if c not in set(leaves)]
    node_coverage = pd.DataFrame(node_cov, index=ent, columns=node_index).loc[:, parents]
    scores = _entity_table(
        ent, root_of_entity, catalog, applies, score, classes, node_scores, params
    )
    changes = _changes_table(
        ent,
        leaves,
        meta,
        applies,
        wc,
        tol,
        cap,
        classes,
        pvalue,
        score,
        root_of_entity,
        effective_weights(catalog),
    )
    if adjusted is not None:
        changes = adjusted.annotate(changes)
    if imputed is not None and params.imputation is not None:
        changes = _flag_imputed(
            changes, imputed, applies, wc, work.years, leaves, params.imputation
        )
    return PerformanceResult(
        year=int(year),
        method=params,
        catalog=catalog,
        scores=scores,
        changes=changes,
        node_scores=node_scores,
        node_coverage=node_coverage,
        fingerprints={
            "panel": panel.fingerprint,
            "catalog": catalog.fingerprint,
            **({} if lineage is None else {"lineage": lineage.fingerprint}),
        },
        panel=panel,
        options={
            "roots": None if roots is None else list(roots),
            "entities": None if entities is None else list(entities),
            **({} if lineage is None else {"lineage": lineage}),
        },
    )


def _entity_table(
    ent: pd.Index,
    root_of_entity: pd.Series,
    catalog: Catalog,
    applies: BoolArray,
    score: FloatArray,
    classes: FloatArray,
    node_scores: pd.DataFrame,
    params: GPIMethod,
) -> pd.DataFrame:
    n_ind = applies.sum(axis=1)
    n_scored = (~np.isnan(score)).sum(axis=1)
    counts = {
        lab: ((classes == code) & applies & ~np.isnan(score)).sum(axis=1)
        for code, lab in CLASS_LABELS.items()
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(n_ind > 0, n_scored / np.where(n_ind > 0, n_ind, 1), np.nan)
    root_codes = root_of_entity.to_numpy(dtype=object)
    has_root = pd.notna(root_codes)
    node_pos = node_scores.columns.get_indexer(
        pd.Index(np.where(has_root, root_codes, catalog.codes[0]))
    )
    gpi = np.where(has_root, node_scores.to_numpy()[np.arange(len(ent)), node_pos], np.nan)
    low = has_root & (cov < params.coverage - 1e-12)
    gpi = np.where(low, np.nan, gpi)
    reason = np.full(len(ent), "", dtype=object)
    reason[~has_root] = "no indicator set applies to this entity"
    reason[has_root & (n_ind == 0)] = "the indicator set has no indicators"
    cov_text = np.char.mod("%.2f", np.nan_to_num(cov))
    reason[low] = np.char.add(
        np.char.add(
            np.char.add("indicator coverage ", cov_text[low]),
            f" below threshold {params.coverage:.2f} (",
        ),
        np.char.add(n_scored[low].astype(str), np.char.add(" of ", n_ind[low].astype(str))),
    )
    reason[low] = reason[low] + " indicators scored)"
    other = has_root & ~low & np.isnan(gpi) & (n_ind > 0)
    reason[other] = "root node below the coverage threshold of its children"
    owner = catalog.column("owner")
    kind = np.where(
        has_root,
        np.where(
            owner.reindex(np.where(has_root, root_codes, "")).fillna("").to_numpy() != "",
            "central",
            "local",
        ),
        "",
    )
    table = pd.DataFrame(
        {
            "root": pd.Series(root_codes, index=ent, dtype="object").where(has_root).astype("str"),
            "kind": kind,
            "gpi": gpi,
            "n_indicators": n_ind,
            "n_scored": n_scored,
            "n_improved": counts["improved"],
            "n_stable": counts["stable"],
            "n_deteriorated": counts["deteriorated"],
        },
        index=ent,
    )
    denom = np.where(n_scored > 0, n_scored, np.nan)
    for lab in CLASS_LABELS.values():
        table[f"share_{lab}"] = table[f"n_{lab}"] / denom
    table["coverage"] = cov
    table["rank"] = (
        table.groupby("kind")["gpi"].rank(ascending=False, method="min").astype("Int64")
    )
    table["reason"] = reason.astype(str)
    if low.any():
        warnings.warn(
            f"{int(low.sum())} entit(y/ies) below the coverage threshold get no GPI: "
            f"{format_items(ent[low])} (see .scores['reason'])",
            CoverageWarning,
            stacklevel=3,
        )
    cols = [
        "root",
        "kind",
        "gpi",
        "rank",
        "n_indicators",
        "n_scored",
        "n_improved",
        "n_stable",
        "n_deteriorated",
        "share_improved",
        "share_stable",
        "share_deteriorated",
        "coverage",
        "reason",
    ]
    return table.loc[:, cols]


def _flag_imputed(
    changes: pd.DataFrame,
    imputed: BoolArray,
    applies: BoolArray,
    wc: ch.WindowChanges,
    years: np.ndarray,
    leaves: list[str],
    spec: Mapping[str, Any],
) -> pd.DataFrame:
    """Add the imputation flags to the changes table (rows in ``np.nonzero(applies)`` order)."""
    mask = imputed.astype(np.float64)
    defined = ~np.isnan(wc.change)
    at_start = (ch.take_at_years(mask, years, wc.start_year) > 0) & defined
    at_end = (ch.take_at_years(mask, years, wc.end_year) > 0) & defined
    # the slope rule uses every point of the window: count the imputed ones between the ends
    yrs = np.asarray(years, dtype=np.float64)[None, None, :]
    with np.errstate(invalid="ignore"):
        between = (yrs > wc.start_year[:, :, None]) & (yrs < wc.end_year[:, :, None])
    slope = (
        np.asarray(wc.rules, dtype=object) == "slope" if wc.rules else np.zeros(len(leaves), bool)
    )
    inside = (imputed & between).any(axis=2) & defined & slope[None, :]
    bits = (
        at_start.astype(np.int64) | (at_end.astype(np.int64) << 1) | (inside.astype(np.int64) << 2)
    )
    how = ", ".join([str(spec["method"])] + [f"{k}={spec[k]}" for k in ("max_gap",) if k in spec])
    texts = [
        "; ".join(
            t
            for b, t in ((1, "imputed start value"), (2, "imputed end value"),
                         (4, "imputed value(s) inside the window"))
            if code & b
        ) + (f" ({how})" if code else "")
        for code in range(8)
    ]  # fmt: skip
    e, i = np.nonzero(applies)
    new = _take_str(texts, bits[e, i]).to_numpy(dtype=object)
    old = changes["flags"].astype("str").to_numpy(dtype=object)
    sep = np.where((old != "") & (new != ""), "; ", "")
    out = changes.copy()
    out["flags"] = pd.array(old + sep + new, dtype="str")
    counts = pd.Series(
        (at_start.astype(np.int64) + at_end + (imputed & between).sum(axis=2) * inside)[e, i],
        index=pd.Index(np.asarray(leaves, dtype=object)[i]),
    )
    warn_imputation(counts.groupby(level=0).sum().reindex(leaves, fill_value=0),
                    str(spec["method"]), 0, stacklevel=4, where=".changes['flags']")  # fmt: skip
    return out


def _flag_text(flags: np.ndarray) -> pd.api.extensions.ExtensionArray:
    top = int(flags.max()) if flags.size else 0
    return _take_str(("; ".join(ch.flag_names(v)) for v in range(top + 1)), flags)


def _changes_table(
    ent: pd.Index,
    leaves: list[str],
    meta: pd.DataFrame,
    applies: BoolArray,
    wc: ch.WindowChanges,
    tol: FloatArray,
    cap: FloatArray,
    classes: FloatArray,
    pvalue: FloatArray,
    score: FloatArray,
    root_of_entity: pd.Series,
    weights: pd.Series,
) -> pd.DataFrame:
    # rows in np.nonzero(applies) order; (E, L) arrays gathered by flat position
    flat = np.flatnonzero(applies)
    e, i = np.divmod(flat, applies.shape[1])
    cls = np.take(classes, flat)
    labels = list(CLASS_LABELS.values())
    cls_codes = np.full(len(e), -1, dtype=np.int64)  # -1 = missing class
    for code, lab in CLASS_LABELS.items():
        cls_codes[cls == code] = labels.index(lab)
    # reason texts: "" for a computed change, the REASON_TEXT of the code otherwise, and one
    # extra label (index n_reason) for changes without a cap
    n_reason = max(ch.REASON_TEXT) + 1
    reason_labels = [ch.REASON_TEXT.get(k, "") for k in range(n_reason)]
    reason_labels[ch.REASON_OK] = ""
    reason_labels.append("no cap: default cap undefined (median change 0 or missing)")
    change = np.take(wc.change, flat)
    no_cap = np.isnan(cap[i]) & ~np.isnan(change)
    reason_codes = np.where(no_cap, n_reason, np.take(wc.reason, flat))
    root_labels = root_of_entity.fillna("").to_numpy(dtype=object)
    columns: dict[str, Any] = {
        "entity": _take_str(ent, e),
        "indicator": _take_str(leaves, i),
        "root": _take_str(root_labels, e),
        "sphere": _take_str(meta["sphere"], i),
        "type": _take_str(meta["type"], i),
        "rule": _take_str(wc.rules, i) if wc.rules else _take_str([""], np.zeros_like(i)),
        "direction": meta["direction"].to_numpy()[i].astype(np.int64),
        "weight": weights.reindex(leaves).to_numpy()[i],
        "start_year": pd.Series(np.take(wc.start_year, flat)).astype("Int64").array,
        "end_year": pd.Series(np.take(wc.end_year, flat)).astype("Int64").array,
        "start_value": np.take(wc.start_value, flat),
        "end_value": np.take(wc.end_value, flat),
        "n_points": np.take(wc.n_points, flat),
        "change": change,
        "tolerance": tol[i],
        "cap": cap[i],
        "class": pd.Categorical.from_codes(cls_codes, categories=pd.Index(labels, dtype="str")),
        "p_value": np.take(pvalue, flat),
        "score": np.take(score, flat),
        "flags": _flag_text(np.take(wc.flags, flat)),
        "reason": _take_str(reason_labels, reason_codes),
    }
    # every column is a fresh array: no copy, no consolidation into 2-D blocks
    return pd.DataFrame(columns, copy=False)


def _window_rows(panel: Panel, first: int, last: int) -> pd.DataFrame:
    """The panel's tidy rows with ``first <= year <= last`` (the ``raw`` stage), gathered
    column by column from the panel's rows without copying the whole table first."""
    tidy = panel._frame
    year = tidy["year"].to_numpy()
    rows = np.flatnonzero((year >= first) & (year <= last))
    return pd.DataFrame({col: tidy[col].array.take(rows) for col in tidy.columns}, copy=False)
