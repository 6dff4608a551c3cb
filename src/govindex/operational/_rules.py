"""Scoring rules of the operational assessment: parameters, validation and vectorised kernels.

Each rule turns the input values of a group of criteria (an ``entities × criteria``
array) into points in ``[0, max_points]``. A kernel receives the whole column block of
every criterion that uses its rule, so scoring loops over the five rule names only.
Missing values (NaN) stay NaN here; the caller turns them into 0 points and a flag.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from govindex._registry import Registry
from govindex.exceptions import ScorecardError

__all__ = [
    "RULES",
    "RULE_KEYS",
    "BandsRule",
    "BooleanRule",
    "DeductionRule",
    "LinearRule",
    "Rule",
    "RuleName",
    "SurveyRule",
    "parse_rule",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
RuleName = Literal["linear", "bands", "boolean", "deduction", "survey"]


def _num(x: float) -> str:
    """Format a number compactly for formulas (``0.5``, ``12``, ``2.0625``)."""
    return f"{x:.6g}"


@dataclass(frozen=True)
class LinearRule:
    """Share achieved → points, linear between ``floor`` (0 points) and ``ceiling`` (full).

    ``points = max · clip((x − floor) / (ceiling − floor), 0, 1)``; with
    ``higher_is_better = false`` the scale is reversed:
    ``points = max · clip((ceiling − x) / (ceiling − floor), 0, 1)`` (full points at or
    below ``floor``, none at or above ``ceiling``).
    """

    floor: float = 0.0
    ceiling: float = 1.0
    higher_is_better: bool = True
    name: ClassVar[RuleName] = "linear"

    def params(self) -> dict[str, Any]:
        """Return the rule parameters as written in a scorecard file."""
        return {
            "floor": self.floor,
            "ceiling": self.ceiling,
            "higher_is_better": self.higher_is_better,
        }

    def describe(self, value: float, max_points: float, points: float) -> str:
        """Return the formula with the numbers of one evaluation."""
        lo, hi, x = _num(self.floor), _num(self.ceiling), _num(value)
        num = f"({x} − {lo})" if self.higher_is_better else f"({hi} − {x})"
        return f"{_num(max_points)} × clip({num} / ({hi} − {lo}), 0, 1) = {_num(points)}"


@dataclass(frozen=True)
class BandsRule:
    """Step thresholds: ``points[j]`` for ``thresholds[j−1] ≤ x < thresholds[j]``.

    ``thresholds`` are strictly increasing lower bounds (inclusive) of the bands 2…n;
    ``points`` has one more element than ``thresholds`` (the first band is ``x <
    thresholds[0]``). Points may rise or fall across the bands.
    """

    thresholds: tuple[float, ...]
    points: tuple[float, ...]
    name: ClassVar[RuleName] = "bands"

    def params(self) -> dict[str, Any]:
        """Return the rule parameters as written in a scorecard file."""
        return {"thresholds": list(self.thresholds), "points": list(self.points)}

    def describe(self, value: float, max_points: float, points: float) -> str:
        """Return the band the value fell into and its points."""
        j = int(np.searchsorted(np.asarray(self.thresholds), value, side="right"))
        lo = "−∞" if j == 0 else _num(self.thresholds[j - 1])
        hi = "∞" if j == len(self.thresholds) else _num(self.thresholds[j])
        table = ", ".join(_num(p) for p in self.points)
        return f"{_num(value)} in band {j + 1} [{lo}, {hi}) → {_num(points)} (bands: {table})"


@dataclass(frozen=True)
class BooleanRule:
    """Yes/no: ``points = max`` for 1 (yes), 0 for 0 (no)."""

    name: ClassVar[RuleName] = "boolean"

    def params(self) -> dict[str, Any]:
        """Return the rule parameters as written in a scorecard file (none)."""
        return {}

    def describe(self, value: float, max_points: float, points: float) -> str:
        """Return yes/no and the points."""
        answer = "yes" if value == 1 else "no"
        return f"{answer} → {_num(points)} of {_num(max_points)}"


@dataclass(frozen=True)
class DeductionRule:
    """Points off per violation: ``points = max(0, max − per_violation · n)``."""

    per_violation: float
    name: ClassVar[RuleName] = "deduction"

    def params(self) -> dict[str, Any]:
        """Return the rule parameters as written in a scorecard file."""
        return {"per_violation": self.per_violation}

    def describe(self, value: float, max_points: float, points: float) -> str:
        """Return the deduction arithmetic."""
        return (
            f"max(0, {_num(max_points)} − {_num(self.per_violation)} × {_num(value)}"
            f" violations) = {_num(points)}"
        )


@dataclass(frozen=True)
class SurveyRule:
    """Satisfaction → points via the share ``s = (x − scale_lo) / (scale_hi − scale_lo)``.

    ``points = max · clip((s − floor) / (ceiling − floor), 0, 1)``. With the default
    ``scale = [0, 1]`` the input is the share of satisfied respondents; with e.g.
    ``scale = [1, 5]`` it is a mean score on a 1–5 Likert scale.
    """

    floor: float = 0.5
    ceiling: float = 0.9
    scale: tuple[float, float] = (0.0, 1.0)
    name: ClassVar[RuleName] = "survey"

    def params(self) -> dict[str, Any]:
        """Return the rule parameters as written in a scorecard file."""
        return {"floor": self.floor, "ceiling": self.ceiling, "scale": list(self.scale)}

    def describe(self, value: float, max_points: float, points: float) -> str:
        """Return the share and the linear arithmetic."""
        a, b = self.scale
        share = (value - a) / (b - a)
        lo, hi = _num(self.floor), _num(self.ceiling)
        prefix = (
            ""
            if (a, b) == (0.0, 1.0)
            else f"s = ({_num(value)} − {_num(a)}) / ({_num(b)} − {_num(a)}) = {_num(share)}; "
        )
        return (
            f"{prefix}{_num(max_points)} × clip(({_num(share)} − {lo}) / ({hi} − {lo}), 0, 1)"
            f" = {_num(points)}"
        )


Rule: TypeAlias = LinearRule | BandsRule | BooleanRule | DeductionRule | SurveyRule
Kernel: TypeAlias = Callable[[FloatArray, Sequence[Any], FloatArray], FloatArray]

#: Vectorised rule kernels: ``kernel(x, rules, max_points) -> points`` where ``x`` is
#: ``entities × k``, ``rules`` the k rule objects and ``max_points`` a length-k array.
RULES: Registry[Kernel] = Registry("scoring rule")

#: Keys each rule accepts in a criterion table of a scorecard file (besides the common keys).
RULE_KEYS: dict[str, frozenset[str]] = {
    "linear": frozenset({"floor", "ceiling", "higher_is_better", "range"}),
    "bands": frozenset({"thresholds", "points", "range"}),
    "boolean": frozenset(),
    "deduction": frozenset({"per_violation"}),
    "survey": frozenset({"floor", "ceiling", "scale"}),
}


@RULES.register("linear")
def _linear(x: FloatArray, rules: Sequence[LinearRule], max_points: FloatArray) -> FloatArray:
    lo = np.array([r.floor for r in rules], dtype=np.float64)
    hi = np.array([r.ceiling for r in rules], dtype=np.float64)
    up = np.array([r.higher_is_better for r in rules], dtype=bool)
    frac = np.where(up, x - lo, hi - x) / (hi - lo)
    return max_points * np.clip(frac, 0.0, 1.0)


@RULES.register("bands")
def _bands(x: FloatArray, rules: Sequence[BandsRule], max_points: FloatArray) -> FloatArray:
    k = len(rules)
    width = max(len(r.thresholds) for r in rules)
    cuts = np.full((k, width), np.inf)
    pts = np.zeros((k, width + 1))
    for j, r in enumerate(rules):  # parameter table, one row per criterion of this rule
        cuts[j, : len(r.thresholds)] = r.thresholds
        pts[j, : len(r.points)] = r.points
    band = (x[:, :, None] >= cuts[None, :, :]).sum(axis=2)  # entities × k band index
    out = pts[np.arange(k)[None, :], band]
    return np.where(np.isnan(x), np.nan, out)


@RULES.register("boolean")
def _boolean(x: FloatArray, rules: Sequence[BooleanRule], max_points: FloatArray) -> FloatArray:
    return max_points * x


@RULES.register("deduction")
def _deduction(
    x: FloatArray, rules: Sequence[DeductionRule], max_points: FloatArray
) -> FloatArray:
    per = np.array([r.per_violation for r in rules], dtype=np.float64)
    return np.maximum(max_points - per * x, 0.0)


@RULES.register("survey")
def _survey(x: FloatArray, rules: Sequence[SurveyRule], max_points: FloatArray) -> FloatArray:
    a = np.array([r.scale[0] for r in rules], dtype=np.float64)
    b = np.array([r.scale[1] for r in rules], dtype=np.float64)
    lo = np.array([r.floor for r in rules], dtype=np.float64)
    hi = np.array([r.ceiling for r in rules], dtype=np.float64)
    share = (x - a) / (b - a)
    return max_points * np.clip((share - lo) / (hi - lo), 0.0, 1.0)


# --------------------------------------------------------------------------- parsing


def _float(raw: Mapping[str, Any], key: str, default: float | None, where: str) -> float:
    if key not in raw:
        if default is None:
            raise ScorecardError(f"{where}: missing required key {key!r}; add `{key} = <number>`")
        return default
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScorecardError(f"{where}: {key!r} must be a number, found {value!r}")
    if math.isnan(value):
        raise ScorecardError(f"{where}: {key!r} must be a number, found nan")
    return float(value)


def _floats(raw: Mapping[str, Any], key: str, where: str) -> tuple[float, ...]:
    if key not in raw:
        raise ScorecardError(f"{where}: missing required key {key!r}; add `{key} = [...]`")
    value = raw[key]
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and not math.isnan(v) for v in value
    ):
        raise ScorecardError(f"{where}: {key!r} must be a list of numbers, found {value!r}")
    return tuple(float(v) for v in value)


def _pair(
    raw: Mapping[str, Any], key: str, default: tuple[float, float], where: str
) -> tuple[float, float]:
    if key not in raw:
        return default
    vals = _floats(raw, key, where)
    if len(vals) != 2 or not vals[0] < vals[1]:
        raise ScorecardError(
            f"{where}: {key!r} must be [low, high] with low < high, found {raw[key]!r}"
        )
    return vals[0], vals[1]


def parse_rule(
    raw: Mapping[str, Any], *, rule: str, max_points: float, where: str
) -> tuple[Rule, tuple[float, float]]:
    """Build and check a rule from a criterion table; return it with the valid input range.

    Parameters
    ----------
    raw : mapping
        The criterion table (only the rule's keys are read).
    rule : str
        Rule name.
    max_points : float
        The criterion's maximum points (bands must reach it exactly).
    where : str
        Name of the item, for error messages.

    Returns
    -------
    tuple
        ``(rule object, (low, high))`` where ``[low, high]`` is the valid input range.

    Examples
    --------
    >>> parse_rule({"floor": 0.5}, rule="linear", max_points=10, where="x")
    (LinearRule(floor=0.5, ceiling=1.0, higher_is_better=True), (0.0, 1.0))
    """
    if rule == "linear":
        value_range = _pair(raw, "range", (0.0, 1.0), where)
        floor = _float(raw, "floor", 0.0, where)
        ceiling = _float(raw, "ceiling", 1.0, where)
        hib = raw.get("higher_is_better", True)
        if not isinstance(hib, bool):
            raise ScorecardError(
                f"{where}: 'higher_is_better' must be true or false, found {hib!r}"
            )
        if not floor < ceiling:
            raise ScorecardError(
                f"{where}: linear rule needs floor < ceiling, found floor={floor:g}, "
                f"ceiling={ceiling:g} (use higher_is_better = false for a falling scale)"
            )
        if floor < value_range[0] or ceiling > value_range[1]:
            raise ScorecardError(
                f"{where}: floor {floor:g} and ceiling {ceiling:g} must lie inside the input "
                f"range [{value_range[0]:g}, {value_range[1]:g}]; set `range = [low, high]`"
            )
        return LinearRule(floor, ceiling, hib), value_range
    if rule == "bands":
        value_range = _pair(raw, "range", (-math.inf, math.inf), where)
        thresholds = _floats(raw, "thresholds", where)
        points = _floats(raw, "points", where)
        if not thresholds:
            raise ScorecardError(f"{where}: bands rule needs at least one threshold")
        if len(points) != len(thresholds) + 1:
            raise ScorecardError(
                f"{where}: bands rule needs len(points) = len(thresholds) + 1, found "
                f"{len(points)} points for {len(thresholds)} thresholds"
            )
        if any(b <= a for a, b in itertools.pairwise(thresholds)):
            raise ScorecardError(
                f"{where}: band thresholds must be strictly increasing, found {list(thresholds)}"
            )
        if min(points) < 0 or max(points) > max_points:
            raise ScorecardError(
                f"{where}: band points must lie in [0, max_points={max_points:g}], "
                f"found {list(points)}"
            )
        if max(points) != max_points:
            raise ScorecardError(
                f"{where}: the best band gives {max(points):g} points but max_points is "
                f"{max_points:g}; make the top band equal max_points"
            )
        return BandsRule(thresholds, points), value_range
    if rule == "boolean":
        return BooleanRule(), (0.0, 1.0)
    if rule == "deduction":
        per = _float(raw, "per_violation", None, where)
        if not per > 0:
            raise ScorecardError(f"{where}: per_violation must be > 0, found {per:g}")
        return DeductionRule(per), (0.0, math.inf)
    if rule == "survey":
        scale = _pair(raw, "scale", (0.0, 1.0), where)
        floor = _float(raw, "floor", 0.5, where)
        ceiling = _float(raw, "ceiling", 0.9, where)
        if not 0.0 <= floor < ceiling <= 1.0:
            raise ScorecardError(
                f"{where}: survey rule needs 0 ≤ floor < ceiling ≤ 1 (shares of the scale), "
                f"found floor={floor:g}, ceiling={ceiling:g}"
            )
        return SurveyRule(floor, ceiling, scale), scale
    raise ScorecardError(f"{where}: unknown rule {rule!r}; expected one of {sorted(RULE_KEYS)}")
