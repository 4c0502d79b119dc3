"""Every check at its boundary, on both sides, on a real form.

The form is seed 001's 网络安全设备和安全服务 (局机关.xlsx; layout in form_cases.py),
consistent as typed.  Each case changes what a clerk would change and lists EVERY
issue `xltools check` must then report — code, severity, cell, field, the value
seen and the whole Chinese message — and nothing else.  The case on the other side
of a boundary expects nothing (or only its own follow-on).
"""
from __future__ import annotations

import pytest

from check_cases import CASES, FORMULA_CASES, PLATFORM
from form_cases import SHEET, SOURCE, check_changed, found


# ids are ASCII: mutmut cannot re-select a test whose id holds Chinese text with spaces
@pytest.mark.parametrize("why,changes,expected", CASES, ids=[f"case{i:02d}" for i in range(len(CASES))])
def test_check_boundary(tmp_path, why, changes, expected):
    checked = check_changed(tmp_path, changes)
    assert found(checked) == expected
    assert {(i.file, i.sheet) for i in checked.issues} <= {(str(SOURCE), SHEET)}


# A formula is not typed: a formula cell is never "missing" and its value is never
# argued with (the spreadsheet computes it); a typed figure beside it still is.  A
# sheet whose formulas carry no result at all was saved by a program: said once.
@pytest.mark.parametrize("formulas,expected", FORMULA_CASES)
def test_formula_cells(tmp_path, formulas, expected):
    checked = check_changed(tmp_path, {}, formulas=formulas, on_disk=True)
    assert found(checked) == expected
    formula_cells = {ref for ref in formulas}
    assert all(i.cell not in formula_cells for i in checked.issues if i.code != "formula_uncached")


def test_rule_figures_sit_beside_the_clerks(tmp_path):
    """The rule's score never overwrites the clerk's: 满意度 8 stays 8, its rule score 8.89."""
    checked = check_changed(tmp_path, {})
    rec = checked.record()
    row = next(i for i in rec["indicators"] if i["indicator"] == "行政审批局满意度")
    assert (row["score"], row["rule_score"]) == (8, 8.8889)
    assert row["rule_basis"] == "定量正向（越大越好）：未达目标，分值×实际/目标 = 8.89"
    assert (rec["score_total"], rec["rule_score_total"]) == (98, 98.8889)


# The in-memory change stands for the file a clerk saves: the same findings either way.
@pytest.mark.parametrize("why,changes,expected", [CASES[0], CASES[12], CASES[-4]], ids=["rate", "score", "blank"])
def test_in_memory_change_is_the_saved_file(tmp_path, why, changes, expected):
    assert found(check_changed(tmp_path, changes, on_disk=True)) == expected




@pytest.mark.parametrize("why,changes,expected", PLATFORM, ids=[f"platform{i}" for i in range(len(PLATFORM))])
def test_platform_rules(tmp_path, why, changes, expected):
    checked = check_changed(tmp_path, changes, profile="platform")
    assert found(checked) == expected


def test_platform_rule_scores_sit_beside_the_clerks(tmp_path):
    checked = check_changed(tmp_path, {"F17": 15.6, "F6": 180, "H6": 0.75, "I6": 7.5, "H23": 89}, profile="platform")
    rec = checked.record()
    monthly = next(i for i in rec["indicators"] if i["indicator"] == "政务外网安全监测月报完成次数")
    assert (monthly["score"], monthly["rule_score"]) == (5, 3)
    assert monthly["rule_basis"] == ("定量正向（越大越好）：实际 15.6 超出目标 12次 30%，指标偏离（超出 30% 及以上扣 2 分），得 3")
    assert (rec["score_total"], rec["rule_score_total"]) == (89, 89)   # 94.39 by rule, capped
    assert check_changed(tmp_path, {"F17": 15.6}).record()["indicators"][4]["rule_score"] == 5  # national: no such rule


def test_platform_thresholds_are_data(tmp_path):
    """A province's own numbers, in its own file: 50 % over loses 3; below 90 % at most 85."""
    path = tmp_path / "我省平台.toml"
    path.write_text('name = "我省平台"\nextends = "platform"\n'
                    '[platform.deviation]\nover = 0.5\npoints = 3\n'
                    '[[platform.caps]]\nbelow = 0.9\nmax = 85\n', encoding="utf-8")
    checked = check_changed(tmp_path, {"F17": 15.6, "F6": 214.78, "H6": 0.8949, "I6": 9, "H23": 97},
                            profile=str(path))
    assert [(i.code, i.cell) for i in checked.issues] == [("total_capped_by_rate", "H23")]
    assert "低于 90%，按平台规则总分最高 85 分" in checked.issues[0].message
    checked = check_changed(tmp_path, {"F17": 18}, profile=str(path))
    assert [(i.code, i.message.endswith("（偏离 50% 及以上扣 3 分）应得 2 分")) for i in checked.issues] == [
        ("target_far_exceeded", True)]


NAME = "株洲市电子政务外网网络安全设备和安全服务项目"
# How the form is read, where a clerk's layout differs.
# why                                   changes                         how the book is made          expected
READING = [
    ("a hidden sheet before the form",   {},                             {"hidden_first": {"H23": 50}}, []),
    ("the name 4 columns past its label", {"B2": None, "F2": NAME},      {"unmerge": ("B2:I2",)},       []),
    ("the name 5 columns past its label", {"B2": None, "G2": NAME},      {"unmerge": ("B2:I2",)},
     [("missing_value", "error", "B2", "项目名称", None, "“项目名称”未填写")]),
    ("the name under its label",          {"B2": None, "A3": NAME, "B3": None}, {"unmerge": ("B2:I2", "B3:I3")},
     [("missing_value", "warning", "", "主管部门", None, "没有找到“主管部门”栏")]),
    ("no 主管部门/实施单位 rows at all",   {"A3": None, "B3": None, "A4": None, "B4": None}, {},
     [("missing_value", "warning", "", "主管部门", None, "没有找到“主管部门”栏"),
      ("missing_value", "warning", "", "实施单位", None, "没有找到“实施单位”栏")]),
]


@pytest.mark.parametrize("why,changes,how,expected", READING, ids=[f"reading{i}" for i in range(len(READING))])
@pytest.mark.parametrize("on_disk", [False, True], ids=["in memory", "saved"])
def test_reading_a_clerks_layout(tmp_path, why, changes, how, expected, on_disk):
    checked = check_changed(tmp_path, changes, on_disk=on_disk, **how)   # exactly one form: the hidden one is not read
    assert found(checked) == expected
    assert checked.form.sheet == "网络安全设备和安全服务"
    assert checked.record()["name"] == (None if "5 columns" in why else NAME)


@pytest.mark.parametrize("typed", [0.8, 80], ids=["fraction", "percent-number"])
@pytest.mark.parametrize("on_disk", [False, True], ids=["in memory", "saved"])
def test_percent_formatted_actual(tmp_path, typed, on_disk):
    """满意度 typed as a number into a cell formatted 0% (Excel shows 80%): read as 80 %."""
    checked = check_changed(tmp_path, {"F22": typed}, percent=("F22",), on_disk=on_disk)
    actual = checked.form.indicators[-1].actual
    assert (actual.number, actual.parsed.percent, actual.parsed.unit, actual.parsed.decimals) == (0.8, True, "%", 2)
    assert checked.form.indicators[-1].rule_score == pytest.approx(8.8889, abs=1e-4)
    assert found(checked) == []


def test_a_field_with_no_column_has_no_cell(tmp_path):
    checked = check_changed(tmp_path, CASES[[c[0] for c in CASES].index("no 分值 column")][1])
    assert {ind.weight.where.cell for ind in checked.form.indicators} == {""}
    assert {ind.weight.where.sheet for ind in checked.form.indicators} == {SHEET}


def test_platform_deviation_below_a_negative_target(tmp_path):
    """A province counting 指标偏离 both ways: a cost 30 % under its ceiling loses 2 points too
    (and so do 0 incidents under ≤1 — why `platform` counts the positive direction only)."""
    path = tmp_path / "两向.toml"
    path.write_text('name = "两向"\nextends = "platform"\n[platform.deviation]\nover = 0.3\npoints = 2\n'
                    'directions = ["positive", "negative"]\n', encoding="utf-8")
    incidents = ("target_far_exceeded", "warning", "F21", "指标“发生政务外网重大安全事件次数”.实际完成值", "0次",
                 "指标“发生政务外网重大安全事件次数”实际完成值 0次 低于年度指标值 ≤1次 100%，年度指标值定得过宽；"
                 "按平台规则（偏离 30% 及以上扣 2 分）应得 28 分")
    assert found(check_changed(tmp_path, {"F20": 189.64}, profile=str(path))) == [incidents]
    assert found(check_changed(tmp_path, {"F20": 189.637}, profile=str(path))) == [
        ("target_far_exceeded", "warning", "F20", "指标“签订合同金额”.实际完成值", 189.637,
         "指标“签订合同金额”实际完成值 189.637 低于年度指标值 ≤270.91 30%，年度指标值定得过宽；"
         "按平台规则（偏离 30% 及以上扣 2 分）应得 8 分"), incidents]


def test_read_sheet_alone():
    """`read_sheet(grid)` with no file: the form and its issues name no file, and no reason is given."""
    from form_cases import changed_in_memory
    from xltools.project.reader import read_sheet

    grid = changed_in_memory({"F21": "0..1次"}).sheets[0]
    form, reason = read_sheet(grid)
    assert (form.file, form.sheet, form.kind, reason) == ("", SHEET, "project", "")
    assert [(i.code, i.file, i.sheet, i.cell) for i in form.read_issues] == [("value_unreadable", "", SHEET, "F21")]
