"""The department sheets of the master: layout, validations, the native
formulas evaluated headless (`formulas`) against the Python engine, the
整体评价 planner, and a fully filled master that evaluates clean."""
from __future__ import annotations

from pathlib import Path

import formulas
import openpyxl
import pytest

from xltools.core.addresses import to_a1
from xltools.cli import main
from xltools.department import layout as D
from xltools.department.evaluate import evaluate_book, evaluate_file
from xltools.department.plans import RESULT_TITLE, plan_department
from xltools.profiles import load_profile
from xltools.department.writers import add_department_sheets, consolidate_funds, supplement_keys
from xltools.containers.workbook import load_book
from xltools.xlsx.sheet import Book

from master_fixtures import drop_cached_values, type_into

PROFILE = load_profile("hunan-dept", kind="department")

#: Consolidated project records (seed 001's special funds, one split over two units).
PROJECTS = [
    {"unit": "局机关", "name": "电子政务网租赁", "budget_initial": 454.58, "budget_full_year": 200,
     "spent": 200, "last_year_final": 239.8},
    {"unit": "数据资源中心", "name": "电子政务网租赁", "budget_initial": 0, "budget_full_year": 14.7833,
     "spent": 14.7833},
    {"unit": "局机关", "name": "一件事一次办", "budget_initial": 40.3, "budget_full_year": 23, "spent": 22},
    {"unit": "政务服务中心", "name": "窗口补贴", "budget_initial": 160, "budget_full_year": 65.61,
     "spent": 65.61, "last_year_final": 160},
]
DATA = {"department": "株洲市行政审批服务局", "year": 2022, "projects": PROJECTS,
        "basic_spending": {"budget_initial": 1223.23, "budget_full_year": 958.08, "spent": 958.08},
        "staff": {"quota": 43, "actual": 42}}


def _master(path: Path, data=DATA) -> Path:
    """The department sheets written through the kit between two other sheets."""
    with Book(path) as book:
        book.sheet("说明")
        add_department_sheets(book, data)
        book.sheet("校验结果")
    return path


def test_sheets_go_where_they_are_added(tmp_path):
    wb = openpyxl.load_workbook(_master(tmp_path / "m.xlsx"))
    assert wb.sheetnames == ["说明", "基础数据表", "部门整体支出绩效自评表", "部门整体支出评分表", "校验结果"]


FUNDS = [
    # name            budget_initial  budget_full_year  spent     last_year_final  units
    ("电子政务网租赁", 454.58, 214.7833, 214.7833, 239.8, ["局机关", "数据资源中心"]),
    ("一件事一次办", 40.3, 23, 22, None, ["局机关"]),
    ("窗口补贴", 160, 65.61, 65.61, 160, ["政务服务中心"]),
]


def test_one_row_per_special_fund():
    funds = consolidate_funds(PROJECTS)
    got = [(f["name"], f["budget_initial"], f["budget_full_year"], f["spent"], f.get("last_year_final"),
            f["units"]) for f in funds]
    assert got == [tuple(row) for row in FUNDS]


def test_basic_sheet_layout(tmp_path):
    ws = openpyxl.load_workbook(_master(tmp_path / "m.xlsx"))["基础数据表"]
    lay = D.BasicLayout(D.MIN_FUND_ROWS)
    assert ws["A5"].value == "经费控制情况（万元）"
    assert (ws["B5"].value, ws["C5"].value, ws["D5"].value) == ("2021年决算数", "2022年预算数", "2022年决算数")
    assert [ws.cell(lay.first_fund_row + i, 1).value for i in range(3)] == ["电子政务网租赁", "一件事一次办", "窗口补贴"]
    assert ws.cell(lay.first_fund_row, D.COL_FINAL).value == 214.7833
    assert ws.cell(lay.rows["specials"], D.COL_FINAL).value.startswith("=IF(COUNT(D")
    assert (ws["B4"].value, ws["C4"].value) == (43, 42)
    validations = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert validations["B4:C4"] == "whole" and "decimal" in validations.values()


def test_self_sheet_layout(tmp_path):
    ws = openpyxl.load_workbook(_master(tmp_path / "m.xlsx"))["部门整体支出绩效自评表"]
    assert ws["B5"].value == "年度资金总额" and ws["G5"].value == 10
    assert ws["D13"].value == pytest.approx(654.88)  # 年初: the funds' budget_initial
    assert ws["E13"].value == "=IF(ISNUMBER('基础数据表'!$C$15),'基础数据表'!$C$15,\"\")"
    assert (ws["D12"].value, ws["E12"].value, ws["F12"].value) == (1223.23, 958.08, 958.08)
    kinds = sorted(dv.type for dv in ws.data_validations.dataValidation)
    assert kinds == ["custom", "decimal", "decimal", "list", "list"]


def test_score_sheet_layout(tmp_path):
    ws = openpyxl.load_workbook(_master(tmp_path / "m.xlsx"))["部门整体支出评分表"]
    names = [ws.cell(D.SCORE_FIRST_ROW + i, D.COL_IND).value for i in range(len(PROFILE.lines))]
    assert names == [line.indicator for line in PROFILE.lines]
    rows = D.score_rows(len(PROFILE.lines))
    assert ws.cell(rows["total"], D.COL_W).value == f"=SUM(E3:E{rows['last_line']})"
    labels = [ws.cell(rows["supplement_first"] + i, D.COL_SUP_LABEL).value
              for i in range(len(supplement_keys(PROFILE)))]
    assert labels == ["重点项目支出", "未按进度下达的专项个数", "当年结余", "上年结转", "公务卡支付金额",
                      "应使用公务卡结算的支出金额", "在用固定资产", "固定资产合计", "社会公众或服务对象满意度"]


# ---------------------------------------------------------------- filled in

#: What the clerk types into the master (cell → value), seed 001's figures plus
#: the 补充数据 a 评分表 needs.
THREE_PUBLIC = {  # row key: (上年决算, 本年预算, 本年决算)
    "car_purchase": (0, 0, 0), "car_running": (11.44, 10.23, 10.23), "abroad": (0, 0, 0),
    "reception": (1.98, 1.03, 1.03), "procurement": (None, 928.95, 928.95),
}
SUPPLEMENT = {"重点项目支出": 600, "未按进度下达的专项个数": 1, "当年结余": 0, "上年结转": 12,
              "公务卡支付金额": 45, "应使用公务卡结算的支出金额": 100, "在用固定资产": 950,
              "固定资产合计": 1000, "社会公众或服务对象满意度": 0.98}


def _fill(path: Path, self_scores: bool) -> Path:
    """A clerk types the figures in, and the file is saved by a program that
    does not compute (no cached values left: the readers work them out)."""
    lay = D.BasicLayout(D.MIN_FUND_ROWS)
    basic: dict[str, object] = {}
    for key, figures in THREE_PUBLIC.items():
        for col, value in zip((D.COL_LAST_FINAL, D.COL_BUDGET, D.COL_FINAL), figures):
            basic[to_a1(lay.rows[key], col)] = value
    for col, value in zip((D.COL_LAST_FINAL, D.COL_BUDGET, D.COL_FINAL), (None, 351.33, 351.33)):
        basic[to_a1(lay.rows["business"], col)] = value
    score: dict[str, object] = {}
    rows = D.score_rows(len(PROFILE.lines))
    for i, key in enumerate(supplement_keys(PROFILE)):
        r = rows["supplement_first"] + i
        score[to_a1(r, D.COL_SUP_VALUE)] = SUPPLEMENT[PROFILE.input_label(key)]
    if self_scores:
        for i, line in enumerate(PROFILE.lines):
            r = D.SCORE_FIRST_ROW + i
            value = EXPECTED_RULE.get(line.key, line.weight)
            score[to_a1(r, D.COL_SELF)] = value
            if value < line.weight:
                score[to_a1(r, D.COL_REASON)] = "见规则说明"
    type_into(path, {D.BASIC_SHEET: basic, D.SCORE_SHEET: score})
    return drop_cached_values(path)


#: Hand-worked rule scores of the filled master.
#   人员 42/43 → 5; 三公变动 (11.26−13.42)/13.42 → 5; 重点 600/(351.33+302.3933)=91.8 % → 5;
#   调整 |(958.08+303.3933) − (1223.23+654.88)| / 1878.11 = 32.8 % → 0; 进度 1 → 2.5;
#   结余 0 → 3; 三公控制 100 % → 6; 采购 100 % → 3; 公务卡 45 % → 2; 固定资产 95 % → 2.5;
#   满意度 98 % → 5.
EXPECTED_RULE = {"staff_control_rate": 5, "three_public_change_rate": 5, "key_spending_rate": 5,
                 "budget_adjustment_rate": 0, "payment_progress": 2.5, "balance": 3,
                 "three_public_control_rate": 6, "procurement_rate": 3, "official_card_rate": 2,
                 "fixed_asset_use_rate": 2.5, "satisfaction": 5}


def _calculate(path: Path):
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()

    def value_at(sheet: str, cell: str):
        rng = solution.get(f"'[{path.name}]{sheet.upper()}'!{cell}")
        if rng is None:
            return None
        value = rng.value[0][0]
        if isinstance(value, str) or value is None:
            return value or None
        try:
            return float(value)
        except (TypeError, ValueError):
            return None  # an Excel error value or empty

    return value_at


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    return _fill(_master(tmp_path_factory.mktemp("m") / "主表.xlsx"), self_scores=True)


def test_engine_scores_the_filled_master(filled):
    ev = evaluate_file(str(filled))
    got = {r.line.key: r.rule_score for r in ev.lines if not r.line.is_judgement}
    assert got == EXPECTED_RULE


def test_formulas_equal_the_engine(filled):
    """Every 指标值 and 规则得分 formula, computed headless, equals evaluate_book."""
    value_at = _calculate(filled)
    ev = evaluate_file(str(filled))
    for i, result in enumerate(ev.lines):
        r = D.SCORE_FIRST_ROW + i
        if result.line.is_judgement:
            continue
        value = value_at(D.SCORE_SHEET, to_a1(r, D.COL_VALUE))
        rule = value_at(D.SCORE_SHEET, to_a1(r, D.COL_RULE))
        assert value == pytest.approx(result.value, abs=1e-9), result.line.indicator
        assert rule == pytest.approx(result.rule_score, abs=1e-9), result.line.indicator
    rows = D.score_rows(len(PROFILE.lines))
    assert value_at(D.SCORE_SHEET, to_a1(rows["total"], D.COL_RULE)) == pytest.approx(ev.total)
    assert value_at(D.SCORE_SHEET, to_a1(rows["grade"], D.COL_RULE)) == ev.grade
    # 自评表 budget block: 年度资金总额 = 基本 + 项目, 执行率, 得分 10 × min(rate, 1).
    assert value_at(D.SELF_SHEET, "E5") == pytest.approx(958.08 + 303.3933)
    assert value_at(D.SELF_SHEET, "H5") == pytest.approx((958.08 + 302.3933) / (958.08 + 303.3933))
    assert value_at(D.BASIC_SHEET, "D4") == pytest.approx(42 / 43)


def test_formulas_leave_missing_inputs_blank(tmp_path):
    path = _master(tmp_path / "空.xlsx", {"year": 2022})
    value_at = _calculate(path)
    ev = evaluate_file(str(path))
    for i, result in enumerate(ev.lines):
        if result.rule_score is None:
            assert value_at(D.SCORE_SHEET, to_a1(D.SCORE_FIRST_ROW + i, D.COL_RULE)) is None


def test_filled_master_evaluates_clean(filled, capsys):
    assert main(["evaluate", str(filled)]) == 0
    out = capsys.readouterr().out
    assert "未发现问题" in out and "等次：" in out


def test_self_score_against_rule_in_master(tmp_path):
    path = _fill(_master(tmp_path / "m.xlsx"), self_scores=True)
    # 预算调整率 32.8 % scores 0, not 3
    type_into(path, {D.SCORE_SHEET: {to_a1(D.SCORE_FIRST_ROW + 3, D.COL_SELF): 3}})
    ev = evaluate_file(str(path))
    slips = [i for i in ev.issues if i.code == "rule_score_mismatch"]
    assert [(i.sheet, i.cell) for i in slips] == [("部门整体支出评分表", "F6")]


def test_planner_writes_results_not_formulas(filled):
    book = load_book(filled)
    edits = plan_department(book, str(filled))
    cells = edits[D.SCORE_SHEET]
    rows = D.score_rows(len(PROFILE.lines))
    assert cells[(D.SCORE_FIRST_ROW, D.COL_BASIS)] == "97.67% ≤ 100%，得满分 5"
    start = rows["supplement_first"] + len(supplement_keys(PROFILE)) + 1
    assert cells[(start, 1)] == RESULT_TITLE
    ev = evaluate_book(book)
    assert cells[(start + 1, 3)] == ev.total and cells[(start + 2, 1)] == "未发现问题。"
    assert not any(col in (D.COL_VALUE, D.COL_RULE) for (_, col) in cells)


def test_in_a_real_master_project_figures_stay_the_projects(tmp_path):
    """The master `xltools new` builds from the examples, plus the department
    sheets: a project's 上年结转资金 or 满意度 target is never taken for the
    department's, and the 基础数据表 lists the consolidated funds."""
    from xltools.master.build import MasterSpec, forms_from, write_master

    forms, notes = forms_from([Path(__file__).resolve().parent.parent / "examples" / "submissions"])
    assert not notes
    write_master(tmp_path / "主表.xlsx", MasterSpec(department="株洲市行政审批服务局", year=2022, forms=forms))
    records = [{"unit": f.unit.text if f.unit else "", "name": f.name.text,
                "budget_initial": f.budget_total.budget_initial.number,
                "budget_full_year": f.budget_total.budget_full_year.number,
                "spent": f.budget_total.spent.number} for f in forms]
    ev = evaluate_file(str(tmp_path / "主表.xlsx"))
    assert [p.label for p in ev.data.basic.projects] == [r["name"].strip() for r in records]
    assert "carryover_last_year" not in ev.data.inputs and "satisfaction" not in ev.data.inputs
    specials = ev.data.basic.funds["specials"].final.number
    assert specials == pytest.approx(sum(r["spent"] for r in records if r["spent"] is not None))
