"""`xltools check` on the nine forms of seed 001 as typed into examples/: it finds
what DOMAIN.md §5 lists (worked out by hand from the seed's own figures) and
raises nothing on the two consistent forms."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xltools.profiles import load_profile
from xltools.project.report import check_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SUB = EXAMPLES / "submissions"
DEPT = EXAMPLES / "department" / "部门整体支出.xlsx"
FILES = [SUB / "局机关.xlsx", SUB / "数据资源中心.xlsx", SUB / "政务服务中心.xlsx", DEPT]


@pytest.fixture(scope="module")
def checked():
    profile = load_profile("national")
    forms = {}
    for path in FILES:
        result = check_file(path, profile)
        assert result.status == "ok", (path, result.error)
        for c in result.checked:
            forms[c.form.sheet] = c
    return forms


def _issues(checked, sheet, code):
    return [i for i in checked[sheet].issues if i.code == code]


# DOMAIN.md §5.   sheet                      code                        field contains
EXPECTED = [
    ("部门整体支出绩效自评表",   "deduction_without_reason", "服务面积"),
    ("部门整体支出绩效自评表",   "deduction_without_reason", "市民办事满意度"),
    ("部门整体支出绩效自评表",   "value_unreadable",         ""),            # 2..23亿元
    ("窗口补贴",                 "weight_total",             "分值合计"),     # 10 + 50 + 20 + 10 = 90
    ("窗口补贴",                 "total_mismatch",           "总分"),         # 95.9 ≠ 84.1
    ("窗口补贴",                 "value_unreadable",         "工作人员流失率"),  # <!%
    ("一件事一次办改革经费",     "budget_score_mismatch",    "年度资金总额"),   # 99.86 % → 9.99, stated 9.9
    ("快递服务经费",             "weight_total",             "分值合计"),     # 90
    ("快递服务经费",             "deduction_without_reason", "在市本级产生的"),  # 数量 15/20, no reason
    ("快递服务经费",             "total_mismatch",           "总分"),         # 95 ≠ 82.8
    ("信创工程项目",             "unit_converted",           "项目资金"),     # 794500元 = 79.45 万元
    ("信创工程项目",             "missing_value",            "上线试运行"),   # no 实际完成值
    ("信创工程项目",             "total_mismatch",           "总分"),         # 95 ≠ 95.5
    ("项目技术审查会相关费用",   "missing_value",            "年度资金总额.得分"),  # blank; rule gives 6.27
    ("项目技术审查会相关费用",   "weight_total",             "分值合计"),     # 97.5
    ("项目技术审查会相关费用",   "total_mismatch",           "总分"),         # 95.62 ≠ 83.12
    ("市民中心大厅运转维护费",   "missing_value",            "大厅设备故障率"),  # blank target
    ("市民中心大厅运转维护费",   "deduction_without_reason", "大厅设备故障率"),  # 8/10
    ("市民中心大厅运转维护费",   "deduction_without_reason", "正常运行时间"),    # 8/10
    ("市民中心大厅运转维护费",   "deduction_without_reason", "设备运转率"),      # 14/15
    ("市民中心大厅运转维护费",   "missing_value",            "办事人满意度”.得分"),  # 得分 blank
    ("市民中心大厅运转维护费",   "total_mismatch",           "总分"),         # 97 ≠ 85
]


@pytest.mark.parametrize("sheet,code,field", EXPECTED)
def test_finds_what_domain_lists(checked, sheet, code, field):
    found = [i for i in _issues(checked, sheet, code) if field in i.field]
    assert found, f"{sheet}: expected {code} on {field!r}; got {[(i.code, i.field) for i in checked[sheet].issues]}"


# sheet                      weight_total  entered score sum (issue message)
TOTALS = [
    ("窗口补贴",               90,    "84.1"),
    ("快递服务经费",           90,    "82.8"),
    ("项目技术审查会相关费用", 97.5,  "83.12"),
    ("信创工程项目",           100,   "95.5"),
    ("市民中心大厅运转维护费", 100,   "85"),
]


@pytest.mark.parametrize("sheet,weights,entered", TOTALS)
def test_totals_worked_out_by_hand(checked, sheet, weights, entered):
    assert checked[sheet].record()["weight_total"] == pytest.approx(weights)
    mismatch = _issues(checked, sheet, "total_mismatch")[0]
    assert f"合计为 {entered}" in mismatch.message


def test_rule_budget_score_of_review_meeting(checked):
    rec = checked["项目技术审查会相关费用"].record()
    assert rec["execution_rate"] == pytest.approx(0.627)
    assert rec["rule_budget_score"] == pytest.approx(6.27)
    missing = [i for i in _issues(checked, "项目技术审查会相关费用", "missing_value") if "得分" in i.field
               and "年度资金总额" in i.field][0]
    assert "6.27" in missing.message


@pytest.mark.parametrize("sheet", ["网络安全设备和安全服务", "电子政务网租赁"])
def test_consistent_forms_raise_nothing(checked, sheet):
    assert checked[sheet].issues == []


def test_rounding_allowed_by_input_precision(checked):
    """电子政务网租赁 states 89.56 % and 9: 214.78 ÷ 239.8 = 89.566 %, and inputs written
    to 0.01 万元 allow 89.56–89.57 %; 9 is 8.96 rounded."""
    rec = checked["电子政务网租赁"].record()
    assert rec["execution_rate"] == pytest.approx(214.78 / 239.8)
    assert rec["score_total"] == 97


def test_one_thing_project_rate_agrees_but_score_does_not(checked):
    codes = [i.code for i in checked["一件事一次办改革经费"].issues]
    assert "rate_mismatch" not in codes  # 99.86 % is right
    assert "budget_score_mismatch" in codes  # 9.9 is not 9.99


def test_every_issue_names_a_cell_holding_the_value_seen(checked):
    books = {}
    for c in checked.values():
        for issue in c.issues:
            if not issue.cell:
                continue
            wb = books.setdefault(issue.file, openpyxl.load_workbook(issue.file))
            cell_value = wb[issue.sheet][issue.cell].value
            if issue.code in ("weight_total", "total_mismatch") or issue.value is None:
                continue
            assert cell_value == issue.value, (issue.sheet, issue.cell, issue.code)


def test_money_in_yuan_is_read_as_wanyuan(checked):
    rec = checked["信创工程项目"].record()
    assert (rec["budget_initial"], rec["budget_full_year"], rec["spent"]) == (0.0, 79.45, 79.45)


def test_department_form_is_read_as_such(checked):
    c = checked["部门整体支出绩效自评表"]
    rec = c.record()
    assert rec["kind"] == "department"
    assert rec["name"] == "株洲市行政审批服务局"
    assert (rec["budget_initial"], rec["budget_full_year"], rec["spent"]) == (1878.11, 2252.43, 2252.43)
    assert rec["weight_total"] == 100 and rec["score_total"] == 98.7
    assert len(rec["indicators"]) == 9  # 产出 5 + 效益 3 + 满意度 1; empty filler rows skipped
