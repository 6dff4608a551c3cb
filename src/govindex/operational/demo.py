"""SYNTHETIC demo of the operational assessment (25 central bodies, 20 local bodies).

Every value produced or read here is invented: the demo bodies of
:mod:`govindex.datasets._entities` get criterion values drawn from a seeded random
model (a latent "quality" per body plus noise), and the office registers of the 2019
round (verification records, appeals, recommendations and their monitoring) are
derived from them with fixed seeds and invented dates and names. The same generators
write the bundled files ``data/indicators/operational_*`` (see
``data/indicators/make_operational_demo.py``).
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
from govindex.operational._demo_office import (
    COMMISSION,
    DEMO_OFFICE_SEED,
    MATERIAL,
    MATERIAL_TEXT,
    MONITORED_ON,
    N_VERIFIED,
    PUBLISHED_ON,
    demo_appeals,
    demo_history,
    demo_monitoring,
    demo_verification,
)
from govindex.operational._rules import BandsRule, LinearRule, SurveyRule
from govindex.operational.history import compare_years
from govindex.operational.recommendations import Recommendations, draft_recommendations
from govindex.operational.registers import AppealsRegister, OfficeRegisters, apply_appeals
from govindex.operational.result import OperationalResult
from govindex.operational.scorecard import read_scorecard
from govindex.operational.verification import VerificationPlan, select_for_verification

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DEMO_SEED",
    "DEMO_YEARS",
    "SYNTHETIC_NOTE",
    "demo_inputs",
    "make_demo_inputs",
    "make_demo_registers",
    "register_files",
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


def make_demo_registers(kind: Kind) -> dict[str, pd.DataFrame]:
    """Generate the SYNTHETIC office registers of the 2019 round.

    Runs the synthetic round on :func:`demo_inputs`: verification records of the bodies
    a risk rule selects, the preliminary scores, an appeals register (one case of each
    kind: upheld, partly upheld, rejected and — for local bodies — a late filing
    accepted with a stated reason), the commission's decision, the recommendations and
    their synthetic monitoring statuses.

    Returns
    -------
    dict of str to DataFrame
        ``verification``, ``appeals`` and ``recommendations``: the registers as written
        to ``data/indicators/operational_<register>_<kind>*.csv``.
    """
    inputs = demo_inputs(kind)
    verification = demo_verification(kind, inputs)
    card = read_scorecard(kind, year=2019)
    rows = inputs.loc[inputs["year"] == 2019].reset_index(drop=True)
    pre = card.score(rows, published_on=PUBLISHED_ON, verification=verification)
    appeals = demo_appeals(kind, pre.input_values)
    register = AppealsRegister.from_frame(appeals.assign(materials=""), source="generated")
    final = apply_appeals(pre, register).finalize(**COMMISSION)
    recs = demo_monitoring(draft_recommendations(final, due="2020-12-31"))
    table = recs.table.reset_index()
    for col in ("due", "completed"):
        table[col] = table[col].dt.strftime("%Y-%m-%d")
    return {"verification": verification, "appeals": appeals, "recommendations": table}


def register_files(kind: Kind) -> dict[str, str]:
    """File names of the SYNTHETIC registers of ``kind`` in the demo data folder."""
    return {
        "verification": f"operational_verification_{kind}_2019.csv",
        "appeals": f"operational_appeals_{kind}_2019.csv",
        "recommendations": f"operational_recommendations_{kind}.csv",
    }


def _registers(kind: Kind, out: Path) -> OfficeRegisters:
    """The bundled registers, or (without the bundled files) freshly generated ones."""
    names = register_files(kind)
    paths = {key: _bundled(name) for key, name in names.items()}
    if any(p is None for p in paths.values()):
        folder = out / "registers"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MATERIAL).write_text(MATERIAL_TEXT, encoding="utf-8")
        for key, frame in make_demo_registers(kind).items():
            frame.to_csv(folder / names[key], index=False)
        paths = {key: folder / name for key, name in names.items()}
    return OfficeRegisters.read(**{k: p for k, p in paths.items() if p is not None})


def _conclusions(pre: OperationalResult) -> dict[tuple[str, str], str]:
    """One SYNTHETIC conclusion of the commission: on the weakest block of the last body."""
    weakest = str(pre.totals["total"].idxmin())
    concl = pre.block_conclusions().loc[weakest]
    block = str(concl["percent"].idxmin())
    return {
        (weakest, block): f"SYNTHETIC commission conclusion: block {block} of {weakest} needs "
        "a recovery plan, reported to the commission every quarter."
    }


def _demo_round(
    kind: Kind, out: Path
) -> tuple[OperationalResult, OperationalResult, OfficeRegisters, VerificationPlan]:
    """The 2018 scores and the whole 2019 round: verification → final result."""
    inputs = demo_inputs(kind)
    previous = read_scorecard(kind, year=2018).score(
        inputs.loc[inputs["year"] == 2018].reset_index(drop=True)
    )
    rows = inputs.loc[inputs["year"] == 2019].reset_index(drop=True)
    plan = select_for_verification(
        rows, demo_history(kind, inputs), n=N_VERIFIED[kind], seed=DEMO_OFFICE_SEED
    )
    regs = _registers(kind, out)
    card = read_scorecard(kind, year=2019)
    pre = regs.assess(card, rows, published_on=PUBLISHED_ON)
    final = regs.assess(
        card, rows, published_on=PUBLISHED_ON,
        commission={**COMMISSION, "conclusions": _conclusions(pre)},
    )  # fmt: skip
    return previous, final, regs, plan


def run_demo(out_dir: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Run the SYNTHETIC operational-assessment demo: a whole round, and write its outputs.

    For the 25 central and 20 local demo bodies: select bodies for verification by the
    risk rules, correct the reported 2019 data by the verification records, score and
    publish the preliminary results, apply the appeals register (cases filed and
    decided by date), adopt the final results by the commission's decision with its
    conclusions, compare with 2018, and monitor the recommendations due in 2020 in the
    next year's cycle (synthetic statuses). Writes the result tables to Parquet (with
    provenance, flagged ``synthetic``) and two PNG charts per kind into ``out_dir``.

    Parameters
    ----------
    out_dir : path-like
        Output folder (created if needed).

    Returns
    -------
    dict of str to DataFrame
        Summary tables to print: ``operational_<kind>_2019`` (final blocks, totals,
        ranks, levels), ``operational_verification`` (the records and corrections),
        ``operational_appeals`` (the decisions), ``operational_local_2018_vs_2019``
        (totals and comparable totals per body), ``operational_recommendations_2020``
        (monitoring per body, with an ``ALL`` row), ``…_2020_by_type`` and
        ``operational_recommendations_overdue``.
    """
    import matplotlib.pyplot as plt

    from govindex.plotting.operational import plot_lost_points, plot_operational_blocks

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"synthetic": True, "note": SYNTHETIC_NOTE}
    tables: dict[str, pd.DataFrame] = {}
    appeals, checks, registers = [], [], []
    for kind in ("central", "local"):
        kind_lit: Kind = "central" if kind == "central" else "local"
        previous, final, regs, plan = _demo_round(kind_lit, out)
        final.to_parquet(out, metadata=meta)
        plan.to_parquet(out, prefix=f"operational_{kind}_2019_verification_", metadata=meta)
        tables[f"operational_{kind}_2019"] = final.summary().sort_values("rank")
        appeals.append(final.appeals.assign(scorecard=kind))
        checks.append(final.verification.assign(scorecard=kind))
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
        assert regs.recommendations is not None  # the demo has its register
        registers.append(regs.recommendations.table)

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

    tables["operational_verification"] = pd.concat(checks, ignore_index=True).set_index(
        ["scorecard", "entity", "criterion"]
    )
    tables["operational_appeals"] = pd.concat(appeals, ignore_index=True).set_index(
        ["scorecard", "round"]
    )
    register = Recommendations.from_frame(pd.concat(registers))
    to_parquet_with_provenance(
        register.table.assign(status_on=register.status_on(MONITORED_ON)),
        out / "operational_recommendations.parquet",
        {"kind": "operational_recommendations", "monitored_on": str(MONITORED_ON), **meta},
    )
    report = register.monitoring(2020, as_of=MONITORED_ON)
    by_entity = report.by_entity.astype("float64")
    by_entity.loc["ALL"] = report.overall
    tables["operational_recommendations_2020"] = by_entity
    tables["operational_recommendations_2020_by_type"] = report.by_type
    tables["operational_recommendations_overdue"] = report.overdue
    for name in (
        "operational_local_2018_vs_2019",
        "operational_recommendations_2020",
        "operational_recommendations_2020_by_type",
        "operational_recommendations_overdue",
    ):
        to_parquet_with_provenance(tables[name], out / f"{name}.parquet", {**meta, "table": name})
    return tables
