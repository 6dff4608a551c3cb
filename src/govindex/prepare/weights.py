"""Weighting schemes for the framework tree: catalog, equal, PCA-based and noisy weights.

Every function returns a **new** :class:`~govindex.catalog.Catalog` whose ``weight``
column holds the scheme's weights, normalised to sum to 1 among the children of each
parent (roots keep weight 1), so the result can be passed straight to
:func:`~govindex.compute_index`, :func:`~govindex.performance_index` or a result's
``regenerate(catalog=...)``. The catalog passed in is never modified.

* :func:`catalog_weights` — the catalog's own weights, normalised within each parent;
* :func:`equal_weights` — ``1 / k`` for each of the ``k`` children of a parent;
* :func:`pca_weights` — squared first-principal-component loadings within each parent
  (OECD/JRC *Handbook on Constructing Composite Indicators*, 2008, §6.1 "Weights based
  on principal components analysis or factor analysis");
* :func:`noisy_weights` — multiplicative uniform noise around a catalog's weights, for
  uncertainty analysis (:mod:`govindex.analysis.uncertainty`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from govindex._typing import FloatArray, IntArray
from govindex.catalog import Catalog
from govindex.exceptions import CatalogError, GovindexWarning, MethodError, format_items

__all__ = ["catalog_weights", "equal_weights", "noisy_weights", "pca_weights"]


def _check_catalog(catalog: object) -> Catalog:
    if not isinstance(catalog, Catalog):
        raise CatalogError(
            f"expected a Catalog (see Catalog.from_frame), got {type(catalog).__name__}"
        )
    return catalog


def parent_index(catalog: Catalog) -> IntArray:
    """Position of every node's parent in ``catalog.codes`` (``-1`` for roots)."""
    pos = {c: i for i, c in enumerate(catalog.codes)}
    return np.array([pos.get(p, -1) for p in catalog.frame["parent"]], dtype=np.int64)


def normalise_per_parent(weights: FloatArray, parents: IntArray) -> FloatArray:
    """Rescale weights ``(..., N)`` to sum to 1 among the children of each parent.

    Roots (``parents == -1``) get weight 1. A parent whose children's weights sum to
    0 gives NaN weights (the catalog forbids that, so it only arises from bad input).
    """
    w = np.asarray(weights, dtype=np.float64)
    n = w.shape[-1]
    child = parents >= 0
    member = np.zeros((n, n))
    member[np.flatnonzero(child), parents[child]] = 1.0  # member[c, p] = 1 if p is c's parent
    sums = w @ member  # (..., N): total child weight under each parent column
    denom = np.take(sums, np.where(child, parents, 0), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(child, w / np.where(denom > 0, denom, np.nan), 1.0)
    return out


def _with_weights(catalog: Catalog, weights: FloatArray) -> Catalog:
    frame = catalog.to_frame()
    frame["weight"] = weights
    return Catalog.from_frame(frame)


def catalog_weights(catalog: Catalog) -> Catalog:
    """The catalog's own weights, normalised to sum to 1 within each parent.

    Examples
    --------
    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["G", "a", "b"], "parent": ["", "G", "G"], "weight": [1, 3, 1]}))
    >>> catalog_weights(cat).column("weight").tolist()
    [1.0, 0.75, 0.25]
    """
    cat = _check_catalog(catalog)
    return _with_weights(cat, scheme_weights(cat, "catalog"))


def equal_weights(catalog: Catalog) -> Catalog:
    """Equal weights ``1 / k`` for the ``k`` children of every parent.

    Examples
    --------
    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["G", "a", "b", "c"], "parent": ["", "G", "G", "G"],
    ...     "weight": [1, 3, 1, 1]}))
    >>> equal_weights(cat).column("weight").round(4).tolist()
    [1.0, 0.3333, 0.3333, 0.3333]
    """
    cat = _check_catalog(catalog)
    return _with_weights(cat, scheme_weights(cat, "equal"))


def _first_component_weights(block: pd.DataFrame) -> tuple[FloatArray | None, str]:
    """Squared loadings of the first principal component of the children's correlations.

    Returns ``(weights, "")`` or ``(None, why)`` for a degenerate block.
    """
    data = block.to_numpy(dtype=np.float64, na_value=np.nan)
    pairs = (~np.isnan(data)).astype(np.float64)
    n_pairs = pairs.T @ pairs
    if n_pairs.min() < 3:
        return None, "fewer than 3 entities with data for some pair of children"
    sd = np.nanstd(data, axis=0, ddof=1)
    if np.any(~(sd > 0)):
        return None, "a child with zero variance"
    corr = block.corr(method="pearson", min_periods=3).to_numpy(dtype=np.float64)
    if np.isnan(corr).any():
        return None, "an undefined pairwise correlation"
    eigval, eigvec = np.linalg.eigh(corr)  # ascending eigenvalues
    top, second = eigval[-1], eigval[-2]
    if top - second <= 1e-8 * max(abs(top), 1.0):
        return None, "the first principal component is not unique (tied eigenvalues)"
    v = eigvec[:, -1]
    return v**2 / np.sum(v**2), ""


def pca_weights(catalog: Catalog, scores: pd.DataFrame) -> Catalog:
    """Weights from the first principal component of each parent's children.

    Rule (OECD/JRC Handbook 2008, §6.1, with one component): for every parent with
    ``k ≥ 2`` children, take the Pearson correlation matrix ``R`` of the children's
    scores across entities (i.e. PCA of the standardised scores), its leading
    eigenvector ``v`` (unit length), and set the child weights to the squared
    loadings scaled to unit sum, ``w_i = l_i² / Σ_j l_j²`` with ``l = √λ₁ · v`` —
    which equals ``v_i²``. Squaring makes the weights independent of the arbitrary
    sign of ``v``.

    Missing scores: ``R`` is the **pairwise-complete** correlation (each pair of
    children over the entities that have both). Degenerate parents — a child with
    zero variance, fewer than 3 entities for some pair, or tied leading eigenvalues
    (no unique first component, e.g. uncorrelated children) — keep their catalog
    weights, with a :class:`~govindex.exceptions.GovindexWarning` naming them.
    A parent with one child gets weight 1.

    Parameters
    ----------
    catalog : Catalog
    scores : DataFrame
        Entity × node scores with a column for every child of every parent, e.g.
        ``IndexResult.scores`` or ``PerformanceResult.node_scores`` (indicators
        normalised, parents aggregated). Not modified.

    Returns
    -------
    Catalog
        A new catalog with the PCA weights (summing to 1 within each parent).

    Examples
    --------
    Children ``a`` and ``b`` correlate (r = 0.8) and ``c`` is uncorrelated with
    both, so the first component is ``(1, 1, 0)/√2`` and the weights ½, ½, 0:

    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["G", "a", "b", "c"], "parent": ["", "G", "G", "G"]}))
    >>> scores = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 3, 2, 4],
    ...                        "c": [1.0, -1, -1, 1]})
    >>> pca_weights(cat, scores).column("weight").round(6).tolist()
    [1.0, 0.5, 0.5, 0.0]
    """
    cat = _check_catalog(catalog)
    return _with_weights(cat, scheme_weights(cat, "pca", scores))


def scheme_weights(
    catalog: Catalog, scheme: str, scores: pd.DataFrame | None = None
) -> FloatArray:
    """Weights ``(N,)`` of ``scheme`` ("catalog", "equal", "pca"), normalised within parents.

    The array behind :func:`catalog_weights`, :func:`equal_weights` and
    :func:`pca_weights` (no new catalog is built and validated).
    """
    cat = catalog
    if scheme == "catalog":
        w0 = cat.frame["weight"].to_numpy(dtype=np.float64)
        return normalise_per_parent(w0, parent_index(cat))
    if scheme == "equal":
        return normalise_per_parent(np.ones(len(cat)), parent_index(cat))
    if scheme != "pca":
        raise MethodError(f"unknown weighting scheme {scheme!r}; expected catalog, equal or pca")
    if not isinstance(scores, pd.DataFrame):
        raise MethodError(
            f"scores must be an entity × node DataFrame, got {type(scores).__name__}"
        )
    kids = {p: cat.children(p) for p in cat.codes if not cat.is_indicator(p)}
    needed = [c for ch in kids.values() if len(ch) > 1 for c in ch]
    missing = [c for c in needed if c not in scores.columns]
    if missing:
        raise MethodError(
            f"scores have no column for node(s) {format_items(missing)}; pass an entity × node "
            "table with every child of every parent (e.g. result.scores or result.node_scores)"
        )
    w = cat.column("weight").to_numpy(dtype=np.float64, copy=True)
    pos = {c: i for i, c in enumerate(cat.codes)}
    kept: list[str] = []
    # one small eigen-decomposition per parent node (the tree has few parents)
    for parent, children in kids.items():
        if len(children) < 2:
            continue
        block = scores.loc[:, children].astype("float64")
        found, why = _first_component_weights(block)
        if found is None:
            kept.append(f"{parent} ({why})")
            continue
        w[[pos[c] for c in children]] = found
    if kept:
        warnings.warn(
            f"PCA weights undefined for parent(s) {format_items(kept)}; their catalog "
            "weights are kept",
            GovindexWarning,
            stacklevel=3,
        )
    return normalise_per_parent(w, parent_index(cat))


def noise_multipliers(noise: float, n: int, n_nodes: int, rng: np.random.Generator) -> FloatArray:
    """Draw ``(n, n_nodes)`` multipliers ``U(1 − noise, 1 + noise)`` (validated)."""
    check_noise(noise)
    check_n(n)
    return rng.uniform(1.0 - noise, 1.0 + noise, size=(n, n_nodes))


def check_noise(noise: float) -> None:
    """Raise :class:`MethodError` unless ``0 ≤ noise < 1``."""
    if not isinstance(noise, (int, float, np.floating)) or not 0.0 <= float(noise) < 1.0:
        raise MethodError(
            f"weight noise must be a number in [0, 1) (0.25 = ±25 %); found {noise!r}"
        )


def check_n(n: int, name: str = "n") -> None:
    """Raise :class:`MethodError` unless ``n`` is a positive integer."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise MethodError(f"{name} must be a positive integer; found {n!r}")


def noisy_weights(
    catalog: Catalog,
    *,
    noise: float = 0.25,
    n: int = 1,
    seed: int | np.random.Generator | None = None,
) -> list[Catalog]:
    """Perturbed copies of the catalog's weights (multiplicative uniform noise).

    Each child weight is multiplied by an independent draw ``u ~ U(1 − noise,
    1 + noise)`` and the weights are renormalised to sum to 1 within each parent.
    With ``0 ≤ noise < 1`` positive weights stay positive (zero weights stay zero).

    Parameters
    ----------
    catalog : Catalog
        The base weights (not modified).
    noise : float, default 0.25
        Half-width of the relative perturbation, in [0, 1).
    n : int, default 1
        Number of perturbed catalogs.
    seed : int or numpy Generator, optional
        Random seed for reproducibility.

    Returns
    -------
    list of Catalog
        ``n`` new catalogs.

    Examples
    --------
    >>> cat = Catalog.from_frame(pd.DataFrame({
    ...     "code": ["G", "a", "b"], "parent": ["", "G", "G"]}))
    >>> cats = noisy_weights(cat, noise=0.2, n=2, seed=1)
    >>> [round(sum(c.column("weight", ["a", "b"])), 12) for c in cats]
    [1.0, 1.0]
    """
    cat = _check_catalog(catalog)
    rng = np.random.default_rng(seed)
    mult = noise_multipliers(noise, n, len(cat), rng)
    base = cat.frame["weight"].to_numpy(dtype=np.float64)
    w = normalise_per_parent(base[np.newaxis, :] * mult, parent_index(cat))
    return [_with_weights(cat, row) for row in w]
