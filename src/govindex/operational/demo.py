"""SYNTHETIC demo of the operational assessment (25 central bodies, 20 local bodies).

Every value produced or read here is invented: the demo bodies of
:mod:`govindex.datasets._entities` get criterion values drawn from a seeded random
model (a latent "quality" per body plus noise). The same generator writes the
bundled files ``data/indicators/operational_inputs_{central,local}.parquet``
(see ``data/indicators/make_operational_demo.py``).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import pandas as pd

from govindex._provenance import to_parquet_with_provenance
from govindex.datasets._entities import CENTRAL_BODIES, REGIONS
from govindex.operational._rules import BandsRule, LinearRule, SurveyRule
from govindex.operational.history import compare_years
from govindex.operational.recommendations import Recommendations, draft_recommendations
from govindex.operational.result import OperationalResult
from govindex.operational.scorecard import read_scorecard

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEMO_SEED",
    "DEMO_YEARS",
    "SYNTHETIC_NOTE",
    "demo_inputs",
    "make_demo_inputs",
    "run_demo",
]

Kind = Literal["central", "local"]
DEMO_SEED = 20240604
DEMO_YEARS: tuple[int, ...] = (2018, 2019)
SYNTHETIC_NOTE = (
    "SYNTHETIC demo data: invented bodies and values, not an assessment of any real body"
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def make_demo_inputs(kind: Kind, *, seed: int = DEMO_SEED) -> pd.DataFrame:
    """Generate the SYNTHETIC criterion values of the demo bodies for 2018 and 2019.

    Parameters
    ----------
    kind : {"central", "local"}
        25 central bodies or 20 local bodies.
    seed : int
        Seed of the random generator (the bundled files use :data:`DEMO_SEED`).

    Returns
    -------
    DataFrame
        Columns ``entity``, ``year``, ``criterion``, ``value``, ``evidence`` (every
        evidence text says the value is synthetic).

    Examples
    --------
    >>> df = make_demo_inputs("local")
    >>> sorted(df["year"].unique().tolist()), df["entity"].nunique()
    ([2018, 2019], 20)
    """
    rng = np.random.default_rng([seed, 0 if kind == "central" else 1])
    bodies = list(CENTRAL_BODIES if kind == "central" else REGIONS)
    n = len(bodies)
    quality0 = rng.normal(0.0, 1.0, n)
    parts = []
    quality = quality0
    for year in DEMO_YEARS:  # two years
        quality = quality + rng.normal(0.15, 0.35, n)  # bodies drift, slightly improving
        sc = read_scorecard(kind, year=year)
        for item in sc.items:  # demo generator: one draw per item over all bodies
            z = 0.1 + quality + rng.normal(0.0, 0.7, n)
            rule = item.rule
            lo, hi = item.value_range
            if item.kind == "penalty":
                value = rng.poisson(np.exp(-1.8 - 0.5 * quality)).astype(float)
            elif rule.name == "boolean":
                value = (rng.random(n) < _sigmoid(z)).astype(float)
            elif rule.name == "deduction":
                value = rng.poisson(np.exp(0.2 - 0.6 * quality)).astype(float)
            elif isinstance(rule, SurveyRule):
                a, b = rule.scale
                share = rule.floor - 0.2 + (rule.ceiling - rule.floor + 0.3) * _sigmoid(z)
                value = np.round(a + (b - a) * np.clip(share, 0.0, 1.0), 3)
            elif isinstance(rule, LinearRule):
                span = rule.ceiling - rule.floor
                u = _sigmoid(z) if rule.higher_is_better else 1.0 - _sigmoid(z)
                value = np.round(np.clip(rule.floor - 0.25 * span + 1.35 * span * u, lo, hi), 3)
            elif isinstance(rule, BandsRule):
                t = np.asarray(rule.thresholds)
                span = t[-1] - t[0]
                rising = rule.points[-1] >= rule.points[0]
                u = _sigmoid(z) if rising else 1.0 - _sigmoid(z)
                raw = t[0] - 0.6 * span + 1.9 * span * u
                is_count = hi == np.inf
                value = np.clip(np.round(raw, 0 if is_count else 3), lo, hi)
            else:  # pragma: no cover - every shipped rule is handled above
                raise AssertionError(rule)
            parts.append(
                pd.DataFrame(
                    {
                        "entity": bodies,
                        "year": year,
                        "criterion": item.code,
                        "value": value.astype(float),
                        "evidence": f"SYNTHETIC demo value ({item.assessor})",
                    }
                )
            )
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"entity": "str", "criterion": "str", "evidence": "str", "year": "int64"})


def _bundled(name: str) -> Path | None:
    ref = resources.files("govindex").joinpath(f"_demo_data/{name}")
    if ref.is_file():
        return Path(str(ref))
    repo = Path(__file__).resolve().parents[3] / "data" / "indicators" / name
    return repo if repo.is_file() else None


def demo_inputs(kind: Kind) -> pd.DataFrame:
    """Return the bundled SYNTHETIC operational inputs (regenerated if the file is absent).

    Examples
    --------
    >>> demo_inputs("central")["entity"].nunique()
    25
    """
    path = _bundled(f"operational_inputs_{kind}.parquet")
    if path is None:
        return make_demo_inputs(kind)
    return pd.read_parquet(path)


def _demo_round(kind: Kind) -> tuple[OperationalResult, OperationalResult]:
    """Score 2018 and 2019; in 2019 record one appeal and finalise."""
    inputs = demo_inputs(kind)
    results = {}
    for year in DEMO_YEARS:
        sc = read_scorecard(kind, year=year)
        results[year] = sc.score(inputs.loc[inputs["year"] == year])
    pre = results[2019]
    if kind == "local":
        # the body with the lowest strategic-goal achievement appeals; partly upheld
        values = pre.input_values["strategic_goals"]
        entity = str(values.idxmin())
        granted = round(min(float(values.min()) + 0.08, 1.0), 3)
        res = pre.appeal(
            entity,
            "strategic_goals",
            granted,
            reason="SYNTHETIC demo appeal: two program targets were met but reported late",
            decision="partly upheld",
        )
    else:
        # the body with most service-quality breaches shows one was double-counted; upheld
        values = pre.input_values["service_quality"]
        entity = str(values.idxmax())
        res = pre.appeal(
            entity,
            "service_quality",
            float(values.max()) - 1.0,
            reason="SYNTHETIC demo appeal: one breach was recorded twice",
            decision="upheld",
        )
    return results[2018], res.finalize()


def _monitoring(recs: Recommendations, *, seed: int = DEMO_SEED) -> Recommendations:
    """Assign SYNTHETIC implementation statuses reported in the monitoring year."""
    rng = np.random.default_rng([seed, 2])
    statuses = np.array(["implemented", "partly implemented", "not implemented", "open"])
    table = recs.table.reset_index()
    table["status"] = rng.choice(statuses, size=len(table), p=[0.55, 0.2, 0.15, 0.1])
    table["note"] = "SYNTHETIC demo status"
    return Recommendations.from_frame(table)


def run_demo(out_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Run the SYNTHETIC operational-assessment demo and write its outputs.

    For the 25 central and 20 local demo bodies: score 2019 (and 2018 for the
    year comparison), record one appeal, finalise, draft recommendations from the
    final block conclusions and monitor them in 2020 (synthetic statuses). Writes
    the result tables to Parquet (with provenance, flagged ``synthetic``) and two PNG
    charts per kind into ``out_dir``.

    Parameters
    ----------
    out_dir : path-like
        Output folder (created if needed).

    Returns
    -------
    dict of str to DataFrame
        Summary tables to print: ``operational_<kind>_2019`` (final blocks, totals,
        ranks, levels), ``operational_appeals``, ``operational_local_2018_vs_2019``
        (totals and comparable totals per body) and
        ``operational_recommendations_2020`` (implementation rate per body, with an
        ``ALL`` row).
    """
    import matplotlib.pyplot as plt

    from govindex.plotting.operational import plot_lost_points, plot_operational_blocks

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"synthetic": True, "note": SYNTHETIC_NOTE}
    tables: dict[str, pd.DataFrame] = {}
    appeals = []
    registers = []
    for kind in ("central", "local"):
        kind_lit: Kind = "central" if kind == "central" else "local"
        previous, final = _demo_round(kind_lit)
        final.to_parquet(out, metadata=meta)
        tables[f"operational_{kind}_2019"] = final.summary().sort_values("rank")
        appeals.append(final.appeals.assign(scorecard=kind))
        if kind == "local":
            cmp = compare_years({2018: previous, 2019: final})
            long = cmp.totals.reset_index()
            parts = {
                f"{col}_{year}": long.loc[long["year"] == year].set_index("entity")[col]
                for col in ("total", "percent", "comparable_percent")
                for year in DEMO_YEARS
            }
            tables["operational_local_2018_vs_2019"] = pd.DataFrame(parts)
            to_parquet_with_provenance(
                cmp.criteria, out / "operational_local_comparability_2018_2019.parquet", meta
            )
        recs = _monitoring(draft_recommendations(final, due="2020-12-31"))
        registers.append(recs.table)

        label = "central government bodies" if kind == "central" else "local executive bodies"
        charts = (
            ("blocks", plot_operational_blocks, "Operational assessment 2019"),
            ("lost_points", plot_lost_points, "Points lost per criterion 2019"),
        )
        for name, plot, heading in charts:
            ax = plot(final, title=f"{heading}, {label} (final; synthetic)", note=SYNTHETIC_NOTE)
            fig = cast("Figure", ax.figure)
            fig.savefig(out / f"operational_{kind}_{name}.png", dpi=110, bbox_inches="tight")
            plt.close(fig)

    tables["operational_appeals"] = pd.concat(appeals, ignore_index=True).set_index(
        ["scorecard", "round"]
    )
    register = Recommendations.from_frame(pd.concat(registers))
    to_parquet_with_provenance(
        register.table,
        out / "operational_recommendations.parquet",
        {"kind": "operational_recommendations", **meta},
    )
    report = register.implementation(2020)
    by_entity = report.by_entity.astype("float64")
    by_entity.loc["ALL"] = report.overall
    tables["operational_recommendations_2020"] = by_entity
    for name in ("operational_local_2018_vs_2019", "operational_recommendations_2020"):
        to_parquet_with_provenance(tables[name], out / f"{name}.parquet", {**meta, "table": name})
    return tables
