"""Scorecard files: the shipped defaults, year versioning, round trip and bad-file errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govindex.exceptions import ScorecardError
from govindex.operational import Scorecard, compare_scorecards, read_scorecard

MINI = """
[scorecard]
code = "mini"
name = "Mini example"
year = 2020
entity_kinds = ["local"]
total_points = 30

[[levels]]
name = "high"
min_percent = 75

[[levels]]
name = "low"
min_percent = 0

[[blocks]]
code = "G"
name = "Goals"

[[blocks.directions]]
code = "G1"
name = "Strategy"

[[blocks.directions.criteria]]
code = "plan"
name = "Plan targets achieved"
max_points = 10
rule = "linear"
floor = 0.5
ceiling = 1.0

[[blocks.directions.criteria]]
code = "audit"
name = "Audit violations"
max_points = 5
rule = "deduction"
per_violation = 2

[[blocks]]
code = "S"
name = "Services"

[[blocks.directions]]
code = "S1"
name = "Quality"

[[blocks.directions.criteria]]
code = "survey"
name = "Satisfaction"
max_points = 8
rule = "survey"
floor = 0.5
ceiling = 0.9
scale = [1, 5]

[[blocks.directions.criteria]]
code = "portal"
name = "Open data portal"
max_points = 4
rule = "bands"
thresholds = [0.5, 0.8]
points = [0, 2, 4]

[[blocks.directions.criteria]]
code = "control"
name = "Internal control"
max_points = 3
rule = "boolean"
valid_from = 2019

[[bonus]]
code = "pb"
name = "Participatory budget"
max_points = 2
rule = "boolean"

[[penalty]]
code = "late"
name = "Late submissions"
max_points = 3
rule = "linear"
floor = 0
ceiling = 3
range = [0, inf]
"""


def _mini(old: str = "", new: str = "", *, year: int | None = None) -> Scorecard:
    assert old in MINI
    return Scorecard.from_toml(MINI.replace(old, new, 1), year=year, source="test")


# ----------------------------------------------------------------------------- loading


def test_mini_structure_and_points() -> None:
    sc = _mini()
    assert [b.code for b in sc.blocks] == ["G", "S"]
    assert [d.code for d in sc.directions] == ["G1", "S1"]
    assert sc.item_codes == ("plan", "audit", "survey", "portal", "control", "pb", "late")
    # 10 + 5 + 8 + 4 + 3 = 30 base points; bonus and penalty are not part of the base
    assert sc.max_points == 30.0
    assert [lv.name for lv in sc.levels] == ["high", "low"]


@pytest.mark.parametrize("name", ["central", "local"])
def test_shipped_defaults_are_100_points_in_three_blocks(name: str) -> None:
    sc = read_scorecard(name)
    assert sc.code == name and sc.entity_kinds == (name,)
    assert sc.year == 2019
    blocks = {b.code: b.name for b in sc.blocks}
    assert blocks == {
        "B1": "Achievement of goals",
        "B2": "Interaction of a state body with individuals and legal entities",
        "B3": "Organizational development",
    }
    per_block = {
        b: sum(i.max_points for i in sc.criteria if i.block == b) for b in ("B1", "B2", "B3")
    }
    assert per_block == {"B1": 40.0, "B2": 35.0, "B3": 25.0}  # the documented defaults
    assert sc.max_points == 100.0
    assert [lv.min_percent for lv in sc.levels] == [80.0, 65.0, 50.0, 0.0]
    # the seven directions of the reference structure
    assert len(sc.directions) == 7
    # the two kinds differ only where the reference structure differs
    other = read_scorecard("local" if name == "central" else "central")
    diff = set(sc.item_codes) ^ set(other.item_codes)
    assert diff == {
        "it_integration",
        "it_smart_city",
        "new_budget_practices",
        "popular_participation",
    }


def test_read_scorecard_from_path(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINI, encoding="utf-8")
    sc = read_scorecard(path)
    assert sc.code == "mini" and sc.source == str(path)
    assert read_scorecard(str(path)).fingerprint == sc.fingerprint


def test_round_trip_to_dict_reproduces_the_scorecard() -> None:
    for sc in (_mini(), read_scorecard("local"), read_scorecard("central", year=2016)):
        again = Scorecard.from_dict(sc.to_dict())
        assert again.items == sc.items
        assert again.levels == sc.levels
        assert again.fingerprint == sc.fingerprint


def test_fingerprint_changes_with_any_parameter() -> None:
    base = _mini().fingerprint
    assert _mini("floor = 0.5\nceiling = 1.0", "floor = 0.4\nceiling = 1.0").fingerprint != base
    assert _mini("min_percent = 75", "min_percent = 70").fingerprint != base


# ----------------------------------------------------------------------------- years


def test_year_versioning_of_the_local_scorecard() -> None:
    s2019 = read_scorecard("local")
    s2018 = read_scorecard("local", year=2018)
    s2016 = read_scorecard("local", year=2016)
    assert "citizens_budget" in s2019.item_codes
    assert "popular_participation" in s2019.item_codes
    # Citizens' Budget (4 points) and the popular-participation bonus start in 2019
    assert "citizens_budget" not in s2018.item_codes
    assert "popular_participation" not in s2018.item_codes
    assert s2018.max_points == 100 - 4
    # openness (transparency) starts in 2017: the whole direction B2.3 (12 points) is absent
    assert "B2.3" not in [d.code for d in s2016.directions]
    assert s2016.max_points == 100 - 4 - 12
    assert set(s2016.not_in_force) == {
        "citizens_budget",
        "open_website",
        "open_data",
        "open_budgets",
        "open_legal_acts",
        "open_dialogue",
        "popular_participation",
    }


def test_valid_to_drops_a_criterion_and_comparability_reports_it() -> None:
    text_2020 = _mini()
    dropped = _mini('code = "audit"', 'code = "audit"\nvalid_to = 2020', year=2021)
    assert "audit" not in dropped.item_codes and dropped.max_points == 25.0
    cmp = compare_scorecards({2020: text_2020, 2021: dropped})
    assert cmp.loc["audit", "note"] == "dropped after 2020"
    assert not cmp.loc["audit", "comparable"]
    assert cmp.loc["plan", "note"] == "unchanged"
    early = _mini(year=2018)  # control only from 2019
    cmp2 = compare_scorecards({2018: early, 2020: text_2020})
    assert cmp2.loc["control", "note"] == "added in 2020"
    changed = Scorecard.from_toml(
        MINI.replace("max_points = 4\n", "max_points = 5\n")
        .replace("points = [0, 2, 4]", "points = [0, 2, 5]")
        .replace("total_points = 30", "total_points = 31")
    ).to_dict()
    cmp3 = compare_scorecards({2020: text_2020, 2021: Scorecard.from_dict(changed, year=2021)})
    assert cmp3.loc["portal", "note"] == "rule or points changed"


# ----------------------------------------------------------------------------- bad files


BAD_FILES = [
    # (old, new, expected message fragment naming the item)
    ("max_points = 10\n", "max_point = 10\n", "criterion 'plan': unknown key(s) 'max_point'"),
    ('rule = "deduction"', 'rule = "steps"', "criterion 'audit': unknown rule 'steps'"),
    (
        "floor = 0.5\nceiling = 1.0",
        "floor = 1.0\nceiling = 0.5",
        "criterion 'plan': linear rule needs floor < ceiling",
    ),
    (
        "floor = 0.5\nceiling = 1.0",
        "floor = 0.5\nceiling = 1.5",
        "criterion 'plan': floor 0.5 and ceiling 1.5 must lie inside the input range",
    ),
    (
        "points = [0, 2, 4]",
        "points = [0, 4]",
        "criterion 'portal': bands rule needs len(points) = len(thresholds) + 1",
    ),
    (
        "thresholds = [0.5, 0.8]",
        "thresholds = [0.8, 0.5]",
        "criterion 'portal': band thresholds must be strictly increasing",
    ),
    (
        "points = [0, 2, 4]",
        "points = [0, 2, 3]",
        "criterion 'portal': the best band gives 3 points but max_points is 4",
    ),
    ("points = [0, 2, 4]", "points = [-1, 2, 4]", "criterion 'portal': band points must lie"),
    ("per_violation = 2", "per_violation = 0", "criterion 'audit': per_violation must be > 0"),
    (
        "floor = 0.5\nceiling = 0.9",
        "floor = 0.9\nceiling = 0.5",
        "criterion 'survey': survey rule needs 0 ≤ floor < ceiling ≤ 1",
    ),
    ("scale = [1, 5]", "scale = [5, 1]", "criterion 'survey': 'scale' must be [low, high]"),
    ("max_points = 5\n", "max_points = 0\n", "criterion 'audit': max_points must be a number > 0"),
    ('code = "portal"', 'code = "plan"', "duplicate code 'plan'"),
    (
        "valid_from = 2019",
        "valid_from = 2019\nvalid_to = 2018",
        "criterion 'control': valid_to 2018 is before valid_from 2019",
    ),
    (
        "min_percent = 0",
        "min_percent = 10",
        "levels: the lowest level 'low' must have min_percent = 0",
    ),
    ("min_percent = 75", "min_percent = 0", "levels: duplicate min_percent"),
    ("min_percent = 75", "min_percent = 120", "level 'high': min_percent must be a number"),
    (
        "total_points = 30",
        "total_points = 100",
        "total_points = 100 but the criteria's max_points sum to 30",
    ),
    ('entity_kinds = ["local"]', 'entity_kinds = ["regional"]', "entity_kinds must be"),
    ('code = "pb"\n', 'code = "pb"\nfloor = 0.3\n', "bonus 'pb': unknown key(s) 'floor'"),
    ("year = 2020", "year = 2020\nyaer = 2021", "[scorecard]: unknown key(s) 'yaer'"),
    (
        "floor = 0\nceiling = 3",
        "floor = 0\nceiling = 3\nhigher_is_better = 1",
        "penalty 'late': 'higher_is_better' must be true or false",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_FILES)
def test_bad_scorecards_name_the_item(old: str, new: str, message: str) -> None:
    with pytest.raises(ScorecardError, match=re.escape(message)):
        _mini(old, new)


def test_direction_without_criteria_is_an_error() -> None:
    raw = _mini().to_dict()
    raw["blocks"][1]["directions"].append({"code": "S2", "name": "Empty", "criteria": []})
    with pytest.raises(ScorecardError, match=re.escape("direction 'S2': has no criteria")):
        Scorecard.from_dict(raw)


def test_no_criterion_in_force_is_an_error() -> None:
    raw = _mini().to_dict()
    for block in raw["blocks"]:
        for direction in block["directions"]:
            for crit in direction["criteria"]:
                crit["valid_from"] = 2030
    with pytest.raises(ScorecardError, match="no criterion of the scorecard is in force in 2020"):
        Scorecard.from_dict(raw)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="is not valid TOML"):
        Scorecard.from_toml("[scorecard\ncode = 1")
    with pytest.raises(ScorecardError, match=r"scorecard file '.*nope\.toml' not found"):
        read_scorecard(tmp_path / "nope.toml")
    with pytest.raises(ScorecardError, match="shipped names"):
        read_scorecard("regional")


def test_deeply_nested_or_binary_scorecard_files_are_scorecard_errors(tmp_path: Path) -> None:
    deep = "a = " + "[" * 5000 + "]" * 5000  # a RecursionError inside tomllib
    with pytest.raises(ScorecardError, match=r"cannot parse scorecard <text>: nested too deeply"):
        Scorecard.from_toml(deep)
    (tmp_path / "deep.toml").write_text(deep, encoding="utf-8")
    with pytest.raises(ScorecardError, match=r"scorecard 'deep\.toml': nested too deeply"):
        read_scorecard(tmp_path / "deep.toml")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(ScorecardError, match=r"cannot parse scorecard 'binary\.toml': 'utf-8'"):
        read_scorecard(tmp_path / "binary.toml")


def test_unknown_item_lookup_says_whether_it_is_retired() -> None:
    sc = read_scorecard("local", year=2018)
    with pytest.raises(ScorecardError, match="it is not in force in 2018"):
        sc.item("citizens_budget")
    with pytest.raises(ScorecardError, match="unknown criterion 'nope'"):
        sc.item("nope")


def test_to_frame_lists_every_item() -> None:
    frame = _mini().to_frame()
    assert frame.index.name == "criterion"
    assert frame.loc["late", "kind"] == "penalty"
    assert frame.loc["portal", "rule"] == "bands"
    assert int(frame.loc["control", "valid_from"]) == 2019
