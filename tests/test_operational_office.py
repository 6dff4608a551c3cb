"""The office's side of the round: verification, registers, continuity, totals, batch and report.

Hand calculations use the MINI scorecard (``test_operational_scorecard``) and the shipped
local scorecard, whose ``unreliable_data`` penalty is linear on the count 0 → 4 with at
most 2 points (−0.5 per confirmed case).
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govindex.datasets import demo_config_path, demo_data_dir
from govindex.exceptions import ConfigError, DataWarning, ScorecardError
from govindex.operational import (
    OfficeRegisters,
    RiskRules,
    VerificationRecords,
    apply_appeals,
    compare_years,
    read_appeals,
    read_scorecard,
    select_for_verification,
)
from govindex.operational.demo import make_demo_registers, register_files
from test_operational_appeals import SC, _preliminary

# ----------------------------------------------------------------------------- selection

NOW = pd.DataFrame(
    {
        "entity": ["A", "A", "B", "B", "C", "C", "D", "D", "E", "E"],
        "criterion": ["x", "y"] * 5,
        "value": [0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.0, 0.6, 0.6],
    }
)
BEFORE = pd.DataFrame(
    {
        "entity": ["A", "A", "B", "B", "C", "C", "D", "D", "E", "E"],
        "criterion": ["x", "y"] * 5,
        "year": 2018,
        # A: x 0.3 → 0.9 (|0.6| / 0.6 = 1.0: a jump), D: y 0.4 → 0 (0.4 / 0.2 = 2: a jump)
        # E: 0.5 → 0.6 (0.1 / 0.55 = 0.18: no jump at the default 0.5)
        "value": [0.3, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.5, 0.5],
        "finding": ["", "", "discrepancy", "", "", "", "", "", "", ""],
    }
)


def test_selection_by_stated_risk_rules() -> None:
    plan = select_for_verification(NOW, BEFORE, n=3, rules=RiskRules(random_share=0), seed=1)
    # risk scores: A 1 jump, B 1 past finding, D 1 jump; ties by the largest jump: D (2.0),
    # A (1.0), then B (0: a finding, no jump)
    assert plan.selected == ["D", "A", "B"]
    t = plan.table
    assert t.loc["A", "reason"] == "risk: 1 jump(s): x 0.3 → 0.9"
    assert t.loc["B", "reason"] == "risk: 1 past finding(s)"
    assert t.loc["D", "reason"] == "risk: 1 jump(s): y 0.4 → 0"
    assert t.loc["E", "jumps"] == 0 and not t.loc["E", "selected"]
    # a lower threshold makes E's 18 % change a jump
    low = select_for_verification(NOW, BEFORE, n=4, rules=RiskRules(jump=0.15, random_share=0),
                                  seed=1)  # fmt: skip
    assert "E" in low.selected


def test_the_random_share_is_reproducible_with_the_seed() -> None:
    # n = 3 with a share of 1/3: round(1) place drawn at random among C and E
    rules = RiskRules(random_share=1 / 3)
    one = select_for_verification(NOW, BEFORE, n=3, rules=rules, seed=5)
    assert one.selected[:2] == ["D", "A"]
    assert one.table.loc[one.selected[2], "reason"] == "random draw"
    draws = {select_for_verification(NOW, BEFORE, n=3, rules=rules, seed=s).selected[2]
             for s in range(20)}  # fmt: skip
    assert draws == {"B", "C", "E"}  # every body not picked by risk can be drawn
    again = select_for_verification(NOW, BEFORE, n=3, rules=rules, seed=5)
    assert again.selected == one.selected
    # without history every place is random
    blind = select_for_verification(NOW, None, n=2, seed=5)
    assert (blind.table.loc[blind.selected, "reason"] == "random draw").all()


def test_selection_refusals() -> None:
    with pytest.raises(ScorecardError, match="n must be a whole number from 1 to the 5"):
        select_for_verification(NOW, BEFORE, n=6, seed=1)
    with pytest.raises(ScorecardError, match="seed must be an integer"):
        select_for_verification(NOW, BEFORE, n=2, seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="inputs hold several years"):
        select_for_verification(BEFORE.assign(year=[2018, 2019] * 5), None, n=2, seed=1)
    with pytest.raises(ScorecardError, match="random_share must lie in"):
        RiskRules(random_share=2)


# ----------------------------------------------------------------------------- records


def _records(**change: object) -> pd.DataFrame:
    base: dict[str, object] = {
        "entity": ["A", "B"],
        "criterion": ["plan", "audit"],
        "reported": [0.8, 0.0],
        "verified": [0.6, 0.0],
        "finding": ["discrepancy", "confirmed"],
        "verified_by": ["audit unit", "audit unit"],
        "verified_on": ["2021-01-20", "2021-01-21"],
    }
    base.update(change)
    return pd.DataFrame(base)


def test_confirmed_discrepancies_correct_the_input_and_apply_the_penalty() -> None:
    from test_operational_scorecard import MINI

    # the MINI scorecard with its "late" penalty (linear 0 → 3, at most 3 points) as the
    # unreliable-data penalty: A reported plan 0.8 (6 points) and 2 cases (−2); total 22
    card = type(SC).from_toml(MINI.replace('code = "late"', 'code = "unreliable_data"'))
    reported = _preliminary().reported.replace({"criterion": {"late": "unreliable_data"}})
    res = card.score(reported, verification=_records(), published_on="2021-02-01")
    # plan 0.6 → 10 · 0.1 / 0.5 = 2 points (−4); cases 2 + 1 = 3 → −3 (−1); total 17
    assert res.points.loc["A", "plan"] == pytest.approx(2.0)
    assert res.points.loc["A", "unreliable_data"] == pytest.approx(-3.0)
    assert res.totals.loc["A", "total"] == pytest.approx(17.0)
    assert res.reported.set_index(["entity", "criterion"]).loc[("A", "plan"), "value"] == 0.8
    assert res.verification["corrected"].tolist() == [True, False]
    assert res.preliminary.totals.loc["A", "total"] == pytest.approx(17.0)  # as published
    with pytest.raises(ScorecardError, match="has no 'unreliable_data' penalty item in 2020"):
        SC.score(_preliminary().reported, verification=_records())


def test_the_penalty_counts_the_discrepancies() -> None:
    sc = read_scorecard("local")
    inputs = pd.DataFrame(
        {
            "entity": ["R01", "R01", "R01", "R02"],
            "criterion": ["open_data", "open_budgets", "unreliable_data", "open_data"],
            "value": [0.9, 0.9, 1.0, 0.8],
        }
    )
    records = pd.DataFrame(
        {
            "entity": ["R01", "R01", "R02"],
            "criterion": ["open_data", "open_budgets", "open_data"],
            "reported": [0.9, 0.9, 0.8],
            "verified": [0.7, 0.8, 0.8],
            "finding": ["discrepancy", "discrepancy", "confirmed"],
            "verified_by": "SYNTHETIC unit",
            "verified_on": ["2020-01-20", "2020-01-22", "2020-01-21"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        res = sc.score(inputs, verification=records)
    # R01: 1 reported case + 2 confirmed discrepancies = 3 → −2 · 3 / 4 = −1.5
    assert res.input_values.loc["R01", "unreliable_data"] == 3.0
    assert res.points.loc["R01", "unreliable_data"] == pytest.approx(-1.5)
    # R02 had no discrepancy: no penalty row is added
    assert np.isnan(res.input_values.loc["R02", "unreliable_data"])
    # open_data 0.7 → 2 · 0.2 / 0.5 = 0.8; open_budgets 0.8 → 2 · 0.3 / 0.5 = 1.2
    assert res.points.loc["R01", ["open_data", "open_budgets"]].tolist() == pytest.approx(
        [0.8, 1.2]
    )
    ev = res.events
    assert ev["event"].tolist() == ["verified", "verified", "verified", "scored"]
    assert ev.loc[2, ["criterion", "value_before", "value_after"]].tolist() == [
        "unreliable_data", 1.0, 3.0,
    ]  # fmt: skip
    assert "verification 2020-01-20" in res.explain("R01").loc["open_data", "evidence"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"verified": [float("nan"), 0.0]}, "'verified' must be a finite number (NaN is refused"),
        ({"finding": ["discrepancy", "wrong"]}, "unknown finding for 'B/audit'"),
        ({"verified": [0.8, 0.0]}, "see 'A/plan'"),
        ({"verified": [0.6, 1.0]}, "see 'B/audit'"),
        ({"entity": ["A", "A"], "criterion": ["plan", "plan"]}, "duplicated (entity, criterion)"),
        ({"verified_by": ["x", " "]}, "empty verified_by for 'B/audit'"),
        ({"verified_on": ["2021-01-20", 44216]}, "verified_on must be a date"),
    ],
)
def test_bad_verification_records(change: dict[str, object], message: str) -> None:
    with pytest.raises(ScorecardError, match=re.escape(message)):
        VerificationRecords.from_frame(_records(**change))


def test_records_must_match_the_reported_values() -> None:
    reported = _preliminary().reported
    with pytest.raises(ScorecardError, match=re.escape("A/plan: record 0.7, inputs 0.8")):
        SC.score(reported, verification=_records(reported=[0.7, 0.0], verified=[0.6, 0.0]))
    with pytest.raises(ScorecardError, match="without a reported value: 'C/plan'"):
        SC.score(reported, verification=_records(entity=["C", "B"]))


# ----------------------------------------------------------------------------- totals


def test_percent_is_capped_at_100_and_the_bonus_shows_separately() -> None:
    sc = read_scorecard("local")
    best = {i.code: (0.0 if i.rule.name == "deduction" else i.value_range[1]) for i in sc.criteria}
    best.update({"hr_turnover": 0.0, "complaints_court": 0.0, "hr_overtime": 0.0,
                 "hr_satisfaction": 5.0, "citizens_budget": 10.0, "it_smart_city": 10.0})  # fmt: skip
    inputs = pd.DataFrame(
        [{"entity": e, "criterion": c, "value": v} for e in ("R01", "R02")
         for c, v in best.items()]
        + [{"entity": "R01", "criterion": "popular_participation", "value": 1.0}]
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        res = sc.score(inputs)
    t = res.totals
    # R01: 100 base points + 3 bonus = 103 → percent capped at 100, 103 % with bonus
    assert t.loc["R01", "total"] == pytest.approx(103.0)
    assert t.loc["R01", "percent"] == 100.0
    assert t.loc["R01", "percent_with_bonus"] == pytest.approx(103.0)
    assert t.loc["R02", "percent"] == t.loc["R02", "percent_with_bonus"] == 100.0
    # the bonus counts for the rank, not for the level
    assert t["rank"].to_dict() == {"R01": 1, "R02": 2}
    assert t.loc["R01", "level"] == t.loc["R02", "level"] == "high efficiency"


# ----------------------------------------------------------------------------- continuity


def _year(year: int, rows: dict[str, float]) -> object:
    sc = read_scorecard("local", year=year)
    frame = pd.DataFrame(
        {"entity": list(rows), "criterion": "strategic_goals", "value": list(rows.values())}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return sc.score(frame)


def _lineage(rows: list[tuple[int, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "old", "new", "share"])


def test_a_renamed_body_keeps_its_history_line() -> None:
    # strategic_goals: 15 · (v − 0.5) / 0.5 → 0.8 gives 9, 0.9 gives 12, 0.7 gives 6
    r18, r19 = _year(2018, {"M1": 0.8, "M2": 0.7}), _year(2019, {"N1": 0.9, "M2": 0.7})
    cmp = compare_years({2018: r18, 2019: r19}, lineage=_lineage([(2019, "M1", "N1", 1.0)]))  # type: ignore[dict-item]
    t = cmp.totals
    assert t.loc[("N1", 2018), "total"] == pytest.approx(9.0)  # carried from M1
    assert t.loc[("N1", 2018), "lineage"] == (
        "carried across the 2019 reorganisation (M1→N1): intensive, carried over from M1"
    )
    assert t.loc[("N1", 2019), "lineage"] == ""
    assert t.loc[("M1", 2018), "total"] == pytest.approx(9.0)  # M1 keeps its own row
    assert ("M1", 2019) not in t.index
    # percent of the 96-point scorecard of 2018, and the 2018 level cut-offs
    assert t.loc[("N1", 2018), "percent"] == pytest.approx(100 * 9 / 96)
    assert t.loc[("N1", 2018), "level"] == "inefficient"
    assert cmp.points.loc[("N1", "strategic_goals"), 2018] == pytest.approx(9.0)
    assert (
        "ended in the 2019 reorganisation"
        in cmp.continuity.set_index("entity").loc["M1", "reason"]
    )


def test_a_split_and_a_merge_follow_the_lineage_rule_for_scores() -> None:
    r18 = _year(2018, {"A": 0.8, "B": 0.6, "C": 0.7})
    r19 = _year(2019, {"A": 0.9, "A2": 0.9, "BC": 0.8})
    lin = _lineage([(2019, "A", "A2", 0.3), (2019, "B", "BC", 1.0), (2019, "C", "BC", 1.0)])
    cmp = compare_years({2018: r18, 2019: r19}, lineage=lin)  # type: ignore[dict-item]
    t = cmp.totals
    # split: both parts carry A's 2018 score (9 points); A continues with its own row
    assert t.loc[("A2", 2018), "total"] == pytest.approx(9.0)
    assert t.loc[("A", 2018), "total"] == pytest.approx(9.0)
    # merge: the share-weighted mean of B (3 points) and C (6 points) = 4.5
    assert t.loc[("BC", 2018), "total"] == pytest.approx(4.5)
    assert t.loc[("BC", 2018), "comparable_points"] == pytest.approx(4.5)
    assert "B, C→BC" in t.loc[("BC", 2018), "lineage"]


# ----------------------------------------------------------------------------- registers


def _register(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "appeals.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


CASE = {
    "case": "K-1",
    "entity": "A",
    "criterion": "plan",
    "claimed_value": 1.0,
    "reason": "targets met late",
    "filed_by": "office of A",
    "filed_on": "2021-02-05",
    "decision": "partly",
    "new_value": 0.9,
    "decided_by": "commission",
    "decided_on": "2021-02-20",
    "rationale": "two targets documented",
}


def test_an_appeals_register_gives_the_same_round_as_the_calls(tmp_path: Path) -> None:
    second = {**CASE, "case": "K-2", "entity": "B", "criterion": "portal", "claimed_value": 0.8,
              "filed_on": "2021-02-03", "decision": "rejected", "new_value": None,
              "decided_on": "2021-02-25", "rationale": "portal counted right"}  # fmt: skip
    register = read_appeals(_register(tmp_path, [CASE, second]))
    res = apply_appeals(_preliminary(), register)
    # filed by date: K-2 (02-03) before K-1 (02-05); decided K-1 (02-20) then K-2 (02-25)
    assert res.events["case"].tolist() == ["", "K-2", "K-1", "K-1", "K-2"]
    assert res.points.loc["A", "plan"] == pytest.approx(8.0)
    by_hand = (
        _preliminary()
        .file_appeal("B", "portal", claimed_value=0.8, reason="targets met late",
                     filed_by="office of A", filed_on="2021-02-03", case="K-2")
        .file_appeal("A", "plan", claimed_value=1.0, reason="targets met late",
                     filed_by="office of A", filed_on="2021-02-05", case="K-1")
        .decide_appeal("K-1", "partly", new_value=0.9, decided_by="commission",
                       decided_on="2021-02-20", rationale="two targets documented")
        .decide_appeal("K-2", "rejected", decided_by="commission", decided_on="2021-02-25",
                       rationale="portal counted right")
    )  # fmt: skip
    assert res.events.equals(by_hand.events)


def test_an_excel_register_and_pending_cases(tmp_path: Path) -> None:
    pending = {**CASE, "decision": "", "new_value": None, "decided_by": "", "decided_on": "",
               "rationale": ""}  # fmt: skip
    path = tmp_path / "appeals.xlsx"
    pd.DataFrame([pending]).to_excel(path, index=False)
    res = apply_appeals(_preliminary(), read_appeals(path))
    assert res.cases["status"].tolist() == ["pending"]
    with pytest.raises(ScorecardError, match="'K-1' are pending"):
        res.finalize(decided_on="2021-03-01", protocol="1", members=["m"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"claimed_value": float("nan")}, "claimed_value must be a finite number (NaN refused)"),
        ({"decision": "accepted"}, "unknown decision in case(s) 'K-1'"),
        ({"decided_by": ""}, "'decided_by' must be given exactly for the decided cases"),
        ({"new_value": None}, "a 'partly' decision needs new_value"),
        ({"filed_on": "2021/02/05"}, "case 'K-1': filed_on must be an ISO date"),
        ({"materials": "missing.pdf"}, "case 'K-1': appeal material 'missing.pdf' not found"),
    ],
)
def test_bad_appeals_registers(tmp_path: Path, change: dict[str, object], message: str) -> None:
    with pytest.raises(ScorecardError, match=re.escape(message)):
        read_appeals(_register(tmp_path, [{**CASE, **change}]))


def test_register_errors_name_the_case(tmp_path: Path) -> None:
    late = read_appeals(_register(tmp_path, [{**CASE, "filed_on": "2021-02-15",
                                              "decided_on": "2021-02-25"}]))  # fmt: skip
    with pytest.raises(
        ScorecardError, match=r"appeals register .*appeals.csv, case 'K-1': .*late"
    ):
        apply_appeals(_preliminary(), late)


def test_bundled_registers_match_the_generator() -> None:
    for kind in ("central", "local"):
        names = register_files(kind)  # type: ignore[arg-type]
        for key, frame in make_demo_registers(kind).items():  # type: ignore[arg-type]
            text = frame.to_csv(index=False, lineterminator="\n")
            bundled = (demo_data_dir() / names[key]).read_text(encoding="utf-8")
            assert text == bundled, f"{names[key]}: run data/indicators/make_operational_demo.py"
            assert "SYNTHETIC" in bundled


# ----------------------------------------------------------------------------- batch, report


def _config(tmp_path: Path, extra: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(demo_data_dir(), data)
    path = data / "run.toml"
    path.write_text(
        '[run]\nyears = 2025\n\n[operational.local]\nscorecard = "local"\n'
        'inputs = "operational_inputs_local.parquet"\n' + extra,
        encoding="utf-8",
    )
    return path


def test_config_errors_of_the_office_keys(tmp_path: Path) -> None:
    from govindex.io.config import read_config

    with pytest.raises(ConfigError, match="published_on must be an ISO date"):
        read_config(_config(tmp_path, 'year = 2019\npublished_on = "3 Feb 2020"\n'))
    shutil.rmtree(tmp_path / "data")
    with pytest.raises(ConfigError, match=r"\[operational.local.commission\] missing required"):
        read_config(_config(tmp_path, "year = 2019\n[operational.local.commission]\n"
                                      "decided_on = 2020-03-16\n"))  # fmt: skip
    shutil.rmtree(tmp_path / "data")
    cfg = read_config(_config(tmp_path, "years = [2018, 2019]\npublished_on = 2020-02-03\n"))
    with pytest.raises(ConfigError, match="published_on is given once but the section computes 2"):
        cfg.operational[0].for_year("published_on", 2019, 2)


@pytest.mark.slow
def test_batch_history_across_years_with_a_lineage(tmp_path: Path) -> None:
    from govindex.io.batch import run_batch

    cfg = _config(tmp_path, 'years = [2018, 2019]\nlineage = "lineage.csv"\n'
                            "published_on = { 2018 = 2019-02-04, 2019 = 2020-02-03 }\n")  # fmt: skip
    data = cfg.parent
    inputs = pd.read_parquet(data / "operational_inputs_local.parquet")
    moved = inputs.assign(
        entity=np.where((inputs["year"] == 2019) & (inputs["entity"] == "R05"), "R21",
                        inputs["entity"])
    )  # fmt: skip  # SYNTHETIC: R05 renamed R21 in 2019
    moved.to_parquet(data / "operational_inputs_local.parquet")
    _lineage([(2019, "R05", "R21", 1.0)]).to_csv(data / "lineage.csv", index=False)
    out = run_batch(cfg, output=tmp_path / "out")
    history = out.results[("operational_history", "local", 2019)]
    r05 = out.results[("operational", "local", 2018)].totals.loc["R05", "total"]
    assert history.totals.loc[("R21", 2018), "total"] == pytest.approx(r05)
    assert (tmp_path / "out" / "2019" / "operational_local_history.parquet").is_file()
    assert out.results[("operational", "local", 2019)].published_on.isoformat() == "2020-02-03"


@pytest.mark.slow
def test_report_shows_the_whole_round(tmp_path: Path) -> None:
    from govindex.report.html import report_run

    pages = report_run(demo_config_path(), tmp_path / "pages", charts=False)
    index = (tmp_path / "pages" / "index.html").read_text(encoding="utf-8")
    # the overview names the year and the stage of the operational figures
    assert "Operational total (2019, final)" in index
    assert "Final results adopted by the Assessment Commission on 2020-03-16" in index
    assert "Overdue recommendations on 2021-01-15" in index
    register = pd.read_csv(demo_data_dir() / register_files("local")["appeals"])
    body = register.loc[register["decision"] == "partly", "entity"].iloc[0]
    page = (tmp_path / "pages" / f"local-{body}.html").read_text(encoding="utf-8")
    assert page in {
        p.read_text(encoding="utf-8") for p in pages if p.name.endswith(f"{body}.html")
    }
    for needle in (
        "Preliminary and final results",
        "published 2020-02-03",
        "2020-03-16, commission protocol SYNTHETIC-2020-07",
        "L-2019-02",
        "partly",
    ):
        assert needle in page, needle
    checked = pd.read_csv(demo_data_dir() / register_files("local")["verification"])
    verified_body = checked["entity"].iloc[0]
    verified_page = (tmp_path / "pages" / f"local-{verified_body}.html").read_text("utf-8")
    assert "Data verification" in verified_page
    recs = pd.read_csv(demo_data_dir() / register_files("local")["recommendations"])
    owner_page = (tmp_path / "pages" / f"local-{recs['entity'].iloc[0]}.html").read_text("utf-8")
    assert "Recommendations (status on 2021-01-15)" in owner_page
    assert recs["owner"].iloc[0] in owner_page


def test_office_registers_read_only_what_is_given() -> None:
    regs = OfficeRegisters.read(appeals=demo_data_dir() / register_files("local")["appeals"])
    assert regs.verification is None and regs.recommendations is None
    assert regs.appeals is not None and len(regs.appeals.table) == 4


def test_a_body_page_shows_the_history_line_across_a_reorganisation(tmp_path: Path) -> None:
    from govindex import Catalog, Panel, performance_index
    from govindex.report.html import write_reports
    from govindex.report.operational import OperationalRecords

    panel = Panel.from_frame(
        pd.DataFrame(
            {
                "entity": ["N1", "N1", "M2", "M2"],
                "indicator": "income",
                "year": [2022, 2025] * 2,
                "value": [100.0, 110.0, 100.0, 100.0],
            }
        )
    )
    catalog = Catalog.from_frame(pd.DataFrame({"code": ["GPI", "income"], "parent": ["", "GPI"]}))
    gpi = performance_index(panel, catalog, year=2025)
    r18, r19 = _year(2018, {"M1": 0.8, "M2": 0.7}), _year(2019, {"N1": 0.9, "M2": 0.7})
    history = compare_years(
        {2018: r18, 2019: r19},  # type: ignore[dict-item]
        lineage=_lineage([(2019, "M1", "N1", 1.0)]),
    )
    write_reports(
        gpi,
        tmp_path,
        operational={"gpi": r19},  # type: ignore[dict-item]
        operational_records={"gpi": OperationalRecords(history=history)},
        charts=False,
    )
    page = (tmp_path / "gpi-N1.html").read_text(encoding="utf-8")
    assert "Over the years" in page
    assert "carried across the 2019 reorganisation (M1→N1)" in page
    assert "The final results have not been adopted yet." in page  # r19 is preliminary
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Operational total (2019, preliminary)" in index
    assert "Final results not adopted yet: the figures are preliminary." in index
