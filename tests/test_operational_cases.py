"""Appeal cases, the commission and the audit trail: every state transition and every refusal.

The values come from the MINI scorecard of ``test_operational_scorecard`` (hand-computed
points in ``test_operational_appeals``): body A has plan 0.8 (6 points of 10) and audit 1
(3 of 5); the preliminary results are published on 2021-02-01 and the scorecard's
default ``appeal_days`` (10) puts the deadline on 2021-02-11.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from govindex.cli import main
from govindex.exceptions import ScorecardError
from govindex.operational import (
    Material,
    OperationalResult,
    chain_problems,
    read_scorecard,
    verify_results,
)
from test_operational_appeals import BOARD, SC, _preliminary


def _filed(res: OperationalResult | None = None, **changes: object) -> OperationalResult:
    args: dict[str, object] = {
        "claimed_value": 1.0,
        "reason": "targets met late",
        "filed_by": "office of A",
        "filed_on": "2021-02-05",
    }
    args.update(changes)
    return (res or _preliminary()).file_appeal("A", "plan", **args)  # type: ignore[arg-type]


def _decide(res: OperationalResult, decision: str, **changes: object) -> OperationalResult:
    args: dict[str, object] = {
        "decided_by": "commission",
        "decided_on": "2021-02-20",
        "rationale": "documents",
    }
    args.update(changes)
    return res.decide_appeal(str(res.cases.index[-1]), decision, **args)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- transitions


def test_filing_makes_a_pending_case_and_changes_no_score() -> None:
    pre = _preliminary()
    res = _filed(pre)
    case = res.cases.loc["mini-2020-001"]
    assert case["status"] == "pending" and case["decision"] == ""
    assert case["claimed_value"] == 1.0 and case["value_at_filing"] == 0.8
    assert case["filed_on"] == pd.Timestamp("2021-02-05")
    assert case["deadline"] == pd.Timestamp("2021-02-11")  # 2021-02-01 + 10 days
    assert not case["late"]
    assert res.totals.equals(pre.totals) and res.appeals.empty
    assert res.explain("A").loc["plan", "status"] == "appeal pending"
    assert res.events["event"].tolist() == ["scored", "appeal filed"]
    assert res.appeal_deadline == dt.date(2021, 2, 11)


@pytest.mark.parametrize(
    ("decision", "granted", "points", "status"),
    [
        ("upheld", None, 10.0, "upheld"),  # plan 1.0 → 10 · 0.5 / 0.5
        ("partly", 0.9, 8.0, "partly"),  # plan 0.9 → 10 · 0.4 / 0.5
        ("rejected", None, 6.0, "rejected"),  # plan stays 0.8 → 6
    ],
)
def test_each_decision(decision: str, granted: float | None, points: float, status: str) -> None:
    res = _decide(_filed(), decision, new_value=granted)
    assert res.points.loc["A", "plan"] == pytest.approx(points)
    assert res.totals.loc["A", "total"] == pytest.approx(22.0 - 6.0 + points)
    case = res.cases.loc["mini-2020-001"]
    assert case["status"] == status and case["decided_on"] == pd.Timestamp("2021-02-20")
    expected = {"upheld": 1.0, "partly": 0.9, "rejected": 0.8}[decision]
    assert case["granted_value"] == expected
    assert res.appeals.loc[0, "applied_value"] == expected
    ev = res.events.iloc[-1]
    assert ev["event"] == "appeal decided" and ev["case"] == "mini-2020-001"
    assert (ev["value_before"], ev["value_after"]) == (0.8, expected)
    assert ev["total_after"] == pytest.approx(22.0 - 6.0 + points)


def test_late_filing_is_refused_unless_accepted_with_a_reason() -> None:
    with pytest.raises(ScorecardError, match=r"filed on 2021-02-12 is late: the deadline was "):
        _filed(filed_on="2021-02-12")
    accepted = _filed(filed_on="2021-02-12", accept_late="the portal was down on 10-11 Feb")
    case = accepted.cases.iloc[0]
    assert bool(case["late"]) and case["accept_late"] == "the portal was down on 10-11 Feb"
    assert accepted.events.iloc[-1]["what"] == "appeal filed late (accepted)"
    with pytest.raises(ScorecardError, match="accept_late applies to late filings only"):
        _filed(filed_on="2021-02-11", accept_late="no need")  # the last day is in time


def test_a_scorecard_sets_its_appeal_days() -> None:
    text = open_mini().replace("year = 2020\n", "year = 2020\nappeal_days = 3\n", 1)
    card = type(SC).from_toml(text)
    assert card.appeal_days == 3 and card.to_dict()["scorecard"]["appeal_days"] == 3
    pre = card.score(_preliminary().inputs, published_on="2021-02-01")
    with pytest.raises(ScorecardError, match="the deadline was 2021-02-04"):
        _filed(pre)
    with pytest.raises(ScorecardError, match="appeal_days must be a whole number"):
        type(SC).from_toml(text.replace("appeal_days = 3", "appeal_days = -1"))


def open_mini() -> str:
    from test_operational_scorecard import MINI

    return MINI


def test_refusals_of_a_filing() -> None:
    pre = _preliminary()
    with pytest.raises(ScorecardError, match="claimed_value must be a finite number"):
        _filed(claimed_value=float("nan"))
    with pytest.raises(ScorecardError, match=r"claimed value 0\.8 equals the current value"):
        _filed(claimed_value=0.8)
    with pytest.raises(ScorecardError, match=re.escape("A/plan=1.5 (expected [0, 1])")):
        _filed(claimed_value=1.5)  # refused when filed, not only when granted
    with pytest.raises(ScorecardError, match="before the preliminary results were published"):
        _filed(filed_on="2021-01-30")
    with pytest.raises(ScorecardError, match="filed_on must be a date"):
        _filed(filed_on=20210205)
    with pytest.raises(ScorecardError, match="filed_on must be an ISO date"):
        _filed(filed_on="05.02.2021")
    with pytest.raises(ScorecardError, match="filed_by: a non-empty text is required"):
        _filed(filed_by="")
    with pytest.raises(ScorecardError, match="case 'mini-2020-001' on the same criterion is"):
        _filed(_filed())
    with pytest.raises(ScorecardError, match="case id 'X' is already taken"):
        _filed(pre.file_appeal("B", "plan", claimed_value=0.9, reason="r", filed_by="B",
                               filed_on="2021-02-03", case="X"), case="X")  # fmt: skip
    undated = SC.score(pre.inputs)
    with pytest.raises(ScorecardError, match="no publication date"):
        _filed(undated)
    with pytest.raises(ScorecardError, match=r"appeal material 'nowhere\.pdf' not found"):
        _filed(materials=["nowhere.pdf"])


def test_refusals_of_a_decision() -> None:
    filed = _filed()
    with pytest.raises(ScorecardError, match="unknown appeal case 'nope'"):
        filed.decide_appeal("nope", "upheld", decided_by="c", decided_on="2021-02-20",
                            rationale="r")  # fmt: skip
    decided = _decide(filed, "upheld")
    with pytest.raises(ScorecardError, match="'mini-2020-001' was already decided \\(upheld"):
        _decide(decided, "rejected")
    with pytest.raises(ScorecardError, match="unknown decision 'partly upheld'"):
        _decide(filed, "partly upheld")
    with pytest.raises(ScorecardError, match="'partly' decision needs new_value"):
        _decide(filed, "partly")
    with pytest.raises(ScorecardError, match=r"strictly between the current value 0\.8 and"):
        _decide(filed, "partly", new_value=0.7)
    with pytest.raises(ScorecardError, match="strictly between"):
        _decide(filed, "partly", new_value=1.0)
    with pytest.raises(ScorecardError, match="a rejection keeps the current value"):
        _decide(filed, "rejected", new_value=0.9)
    with pytest.raises(ScorecardError, match="'upheld' grants the claimed value 1"):
        _decide(filed, "upheld", new_value=0.9)
    with pytest.raises(ScorecardError, match="new_value must be a finite number"):
        _decide(filed, "partly", new_value=float("nan"))
    with pytest.raises(ScorecardError, match=r"decided on 2021-02-04, before it was filed"):
        _decide(filed, "upheld", decided_on="2021-02-04")
    with pytest.raises(ScorecardError, match="rationale: a non-empty text is required"):
        _decide(filed, "upheld", rationale=" ")


def test_materials_are_recorded_by_their_sha256(tmp_path: Path) -> None:
    doc = tmp_path / "audit report.pdf"
    doc.write_bytes(b"SYNTHETIC audit report")
    res = _filed(materials=[doc])
    recorded = json.loads(res.cases.iloc[0]["materials"])
    digest = hashlib.sha256(b"SYNTHETIC audit report").hexdigest()
    assert recorded == [{"path": doc.as_posix(), "sha256": digest, "size": 22}]
    doc.unlink()  # not copied: the record stays, and a replay needs no file
    again = res.regenerate()
    assert again.cases.equals(res.cases) and again.events.equals(res.events)
    assert Material.of  # the class is public (what the registers record)


# ----------------------------------------------------------------------------- commission


def test_finalize_records_the_commission_and_its_conclusions() -> None:
    res = _decide(_filed(), "partly", new_value=0.9)
    final = res.finalize(**BOARD, conclusions={("A", "G"): "Reach the plan targets."})
    assert final.stage == "final" and res.stage == "preliminary"
    assert final.commission is not None and final.commission.protocol == "T-1"
    assert final.commission.decided_on == dt.date(2021, 3, 1)
    concl = final.conclusions
    assert concl.loc[("A", "G"), "conclusion"] == "Reach the plan targets."
    assert concl.loc[("A", "G"), "source"] == "commission"
    # the others are drafted: B, block S: 10 of 15 points; weakest direction S1 lost 5
    assert concl.loc[("B", "S"), "source"] == "drafted"
    assert concl.loc[("B", "S"), "conclusion"].startswith("10.0 of 15 points (67 %)")
    assert "Quality (−5.0)" in concl.loc[("B", "S"), "conclusion"]
    assert final.events.iloc[-1]["event"] == "finalised"
    details = json.loads(final.events.iloc[-1]["details"])
    assert details["conclusions"] == [["A", "G", "Reach the plan targets."]]


def test_refusals_of_the_commission() -> None:
    filed = _filed()
    with pytest.raises(ScorecardError, match="case\\(s\\) 'mini-2020-001' are pending"):
        filed.finalize(**BOARD)  # type: ignore[arg-type]
    decided = _decide(filed, "upheld", decided_on="2021-03-05")
    with pytest.raises(ScorecardError, match="before the last appeal decision \\(2021-03-05\\)"):
        decided.finalize(**BOARD)  # type: ignore[arg-type]
    pre = _preliminary()
    with pytest.raises(ScorecardError, match="members must list at least one name"):
        pre.finalize(decided_on="2021-03-01", protocol="1", members=[])
    with pytest.raises(ScorecardError, match="protocol must name"):
        pre.finalize(decided_on="2021-03-01", protocol=" ", members=["a"])
    with pytest.raises(ScorecardError, match="decided_on must be a date"):
        pre.finalize(decided_on=2021, protocol="1", members=["a"])  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="unknown \\(entity, block\\) pair\\(s\\) 'A/X'"):
        pre.finalize(**BOARD, conclusions={("A", "X"): "x"})  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="empty conclusion"):
        pre.finalize(**BOARD, conclusions={("A", "G"): " "})  # type: ignore[arg-type]
    two = pd.DataFrame({"entity": ["A", "A"], "block": ["G", "G"], "conclusion": ["x", "y"]})
    with pytest.raises(ScorecardError, match="two conclusions for 'A/G'"):
        pre.finalize(**BOARD, conclusions=two)  # type: ignore[arg-type]


def test_no_appeal_after_finalisation_until_the_commission_reopens() -> None:
    final = _preliminary().finalize(**BOARD)  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="the result is final and appeals are closed"):
        _filed(final, filed_on="2021-02-05")
    decided = _decide(_filed(), "upheld").finalize(**BOARD)  # type: ignore[arg-type]
    with pytest.raises(ScorecardError, match="appeals are closed"):
        decided.decide_appeal("mini-2020-001", "rejected", decided_by="c",
                              decided_on="2021-03-02", rationale="r")  # fmt: skip
    with pytest.raises(ScorecardError, match="only a final result can be reopened"):
        _preliminary().reopen(decided_on="2021-04-01", protocol="2", reason="r", decided_by="c")
    with pytest.raises(ScorecardError, match="before the finalisation"):
        final.reopen(decided_on="2021-02-01", protocol="2", reason="court", decided_by="c")
    again = final.reopen(decided_on="2021-04-01", protocol="T-2", reason="court ruling",
                         decided_by="commission")  # fmt: skip
    assert again.stage == "preliminary" and again.commission is None and again.conclusions.empty
    assert again.appeal_deadline == dt.date(2021, 4, 11)
    with pytest.raises(ScorecardError, match="before the preliminary results were published"):
        _filed(again, filed_on="2021-03-20")  # the new window opens with the reopening
    later = _decide(_filed(again, filed_on="2021-04-05"), "upheld", decided_on="2021-04-20")
    final2 = later.finalize(decided_on="2021-05-01", protocol="T-3", members=["member A"])
    assert final2.events["event"].tolist() == [
        "scored", "finalised", "reopened", "appeal filed", "appeal decided", "finalised",
    ]  # fmt: skip
    assert final2.points.loc["A", "plan"] == 10.0
    assert final2.preliminary.points.loc["A", "plan"] == 6.0  # as first scored
    replay = final2.regenerate()
    assert replay.events.equals(final2.events) and replay.totals.equals(final2.totals)


def test_regenerate_replays_the_round_under_another_methodology() -> None:
    sc = read_scorecard("local")
    inputs = pd.DataFrame(
        {"entity": ["R01", "R02"], "criterion": "open_data", "value": [0.6, 0.7]}
    )
    with pytest.warns(UserWarning):
        pre = sc.score(inputs, published_on="2020-02-03")
    filed = pre.file_appeal("R01", "open_data", claimed_value=0.9, reason="audit",
                            filed_by="R01", filed_on="2020-02-04")  # fmt: skip
    final = filed.decide_appeal(
        "local-2019-001", "upheld", decided_by="c", decided_on="2020-02-10", rationale="ok"
    ).finalize(decided_on="2020-03-01", protocol="1", members=["m"])
    with pytest.warns(UserWarning):
        older = final.regenerate(year=2018)  # open_data is in force in 2018 too
    assert older.scorecard.year == 2018 and older.stage == "final"
    assert older.points.loc["R01", "open_data"] == pytest.approx(1.6)  # 2 · 0.4 / 0.5
    assert older.events["event"].tolist() == final.events["event"].tolist()


# ----------------------------------------------------------------------------- audit trail


def _round() -> OperationalResult:
    res = _decide(_filed(), "partly", new_value=0.9)
    return res.finalize(**BOARD)  # type: ignore[arg-type]


def test_the_trail_is_a_hash_chain() -> None:
    events = _round().events
    assert events["seq"].tolist() == [1, 2, 3, 4]
    assert events["prev_hash"].iloc[0] == "0" * 64
    assert (events["prev_hash"].iloc[1:].to_numpy() == events["hash"].iloc[:-1].to_numpy()).all()
    # the hash of event 2 is the SHA-256 of its fields (and the previous hash), as documented
    row = events.iloc[1]
    names = [c for c in events.columns if c != "hash"]
    fields = [int(row[c]) if c == "seq" else row[c] for c in names]
    fields = [None if isinstance(v, float) and v != v else v for v in fields]  # NaN → null
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    assert hashlib.sha256(text.encode()).hexdigest() == row["hash"]
    assert chain_problems(events) == []


def test_chain_problems_find_edited_and_deleted_events() -> None:
    events = _round().events
    edited = events.copy()
    edited.loc[2, "value_after"] = 1.0  # the decision "said" 1.0 instead of 0.9
    assert chain_problems(edited) == [
        "event 3 (appeal decided) was edited: its content no longer matches its hash"
    ]
    deleted = events.drop(index=1).reset_index(drop=True)
    assert chain_problems(deleted) == [
        "event 3 (appeal decided) follows event 1: 1 event(s) missing before it"
    ]
    renumbered = deleted.assign(seq=[1, 2, 3])  # hiding the gap breaks the links instead
    found = chain_problems(renumbered)
    assert "event 2 (appeal decided) does not link to the event before it" in found[0]


def _write(tmp_path: Path) -> Path:
    _round().to_parquet(tmp_path)
    return tmp_path / "operational_mini_2020_events.parquet"


def _rewrite(path: Path, frame: pd.DataFrame) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata
    table = pa.Table.from_pandas(frame, preserve_index=True).replace_schema_metadata(meta)
    pq.write_table(table, path)


def test_verify_accepts_an_intact_folder(tmp_path: Path) -> None:
    _write(tmp_path)
    report = verify_results(tmp_path)
    assert report.ok and report.trails["n_events"].tolist() == [4]
    assert "verified: the audit trails are intact" in report.to_text()


def test_verify_catches_an_edited_event(tmp_path: Path) -> None:
    path = _write(tmp_path)
    events = pd.read_parquet(path)
    events.loc[1, "why"] = "a better reason"
    _rewrite(path, events)
    report = verify_results(tmp_path)
    assert not report.ok
    assert report.problems["problem"].tolist() == [
        "event 2 (appeal filed) was edited: its content no longer matches its hash"
    ]


def test_verify_catches_a_deleted_last_event(tmp_path: Path) -> None:
    path = _write(tmp_path)
    _rewrite(path, pd.read_parquet(path).iloc[:-1])  # the chain itself stays intact
    report = verify_results(tmp_path)
    assert not report.ok
    (problem,) = report.problems["problem"].tolist()
    assert problem.startswith("the trail ends at event 3") and "written after event 4" in problem


def test_verify_catches_a_deleted_event_in_the_middle(tmp_path: Path) -> None:
    path = _write(tmp_path)
    _rewrite(path, pd.read_parquet(path).drop(index=1).reset_index(drop=True))
    found = verify_results(tmp_path).problems["problem"].tolist()
    assert "event 3 (appeal decided) follows event 1: 1 event(s) missing before it" in found


def test_verify_command_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path)
    assert main(["verify", str(tmp_path)]) == 0
    assert "intact" in capsys.readouterr().out
    events = pd.read_parquet(path)
    events.loc[3, "by"] = "someone else"
    _rewrite(path, events)
    assert main(["verify", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "event 4 (finalised) was edited" in out and "NOT verified" in out
    assert main(["verify", str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_verify_a_batch_run_and_its_manifest(tmp_path: Path) -> None:
    from govindex.datasets import demo_config_path

    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "govindex.cli", "run", str(demo_config_path()), "--out", str(out),
         "--quiet"], capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert verify_results(out).ok
    summary = out / "2019" / "operational_local_summary.parquet"
    frame = pd.read_parquet(summary)
    frame.loc["R01", "total"] = 99.0  # a table edited after the run
    _rewrite(summary, frame)
    found = verify_results(out).problems
    assert found["file"].tolist() == ["2019/operational_local_summary.parquet"]
    assert "checksum differs from manifest.json" in found["problem"].iloc[0]
