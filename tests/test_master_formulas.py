"""Every native formula of the master, evaluated headless by the `formulas`
library, shows the engine's numbers (`scoring.execution_rate`, `budget_score`,
`grade`, `checks.weight_sum`).  The same workbooks go through LibreOffice in
test_master_libreoffice.py.

The dropdown list sources (OFFSET over defined names) are not evaluated here:
`formulas` has no range-returning OFFSET; LibreOffice evaluates them instead.
"""
from __future__ import annotations

from pathlib import Path

import formulas
import openpyxl
import pytest

from xltools.master import layout as L
from xltools.project import layout as P
from xltools.core.addresses import to_a1
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.profiles import load_profile

from master_fixtures import (SUBMISSIONS, TYPED, expected_numbers, formula_cells, project_sheets, same,
                             typed_expected, typed_master)

PROFILE = load_profile("national")


def _calculate(path: Path):
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    book = path.name

    def value_at(sheet: str, cell: str):
        rng = solution.get(f"'[{book}]{sheet.upper()}'!{cell}")
        if rng is None:
            return None
        value = rng.value[0][0]
        if isinstance(value, (bool, str)) or value is None:
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)  # an Excel error value such as #DIV/0!

    return value_at


@pytest.fixture(scope="module")
def typed_book(tmp_path_factory):
    """A blank master, the TYPED cases typed into its project sheets."""
    return typed_master(tmp_path_factory.mktemp("typed") / "typed.xlsx", PROFILE,
                        department="某区行政审批服务局", year=2022)


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory):
    """A master built with --from examples/submissions (seed 001's eight forms)."""
    forms, notes = forms_from([SUBMISSIONS])
    assert not notes and len(forms) == 8
    path = tmp_path_factory.mktemp("seed") / "seed.xlsx"
    write_master(path, MasterSpec(department="株洲市行政审批服务局", year=2022, forms=forms), PROFILE)
    return path, forms


@pytest.fixture(scope="module")
def seed_values(seed_book):
    return _calculate(seed_book[0])


def test_typed_cases_match_engine(typed_book):
    path, sheets = typed_book
    value_at = _calculate(path)
    wrong = []
    checked = 0
    for (sheet, lay), case in zip(sheets, TYPED):
        expected = typed_expected(case, PROFILE)
        for key, cell in formula_cells(lay).items():
            got = value_at(sheet, cell)
            checked += 1
            if not same(got, expected[key]):
                wrong.append(f"{sheet}!{cell} ({key}, case {case[0]}): formulas {got!r}, engine {expected[key]!r}")
    assert checked == 5 * len(TYPED)
    assert not wrong, "\n".join(wrong)


# case name   cell key        value the engine gives (seed 001 figures)
SEED_FIGURES = [
    ("快递服务",  "execution_rate", 146.06 / 187),
    ("快递服务",  "budget_score",   10 * 146.06 / 187),
    ("快递服务",  "total_weight",   90),
    ("快递服务",  "grade",          "良"),
    ("零预算",    "execution_rate", None),
    ("超支",      "budget_score",   10.0),
    ("超支",      "grade",          "优"),
    ("边界89.99", "grade",          "良"),
    ("边界60",    "grade",          "中"),
    ("差",        "grade",          "差"),
    ("空白",      "total_score",    None),
]


@pytest.mark.parametrize("case_name,key,value", SEED_FIGURES)
def test_typed_figures_by_hand(typed_book, case_name, key, value):
    """The engine's numbers themselves, checked against hand-worked figures."""
    case = next(c for c in TYPED if c[0] == case_name)
    assert same(typed_expected(case, PROFILE)[key], value, 1e-9)


def test_seed_forms_match_engine(seed_book, seed_values):
    """A form read in keeps the unit's own 执行率/得分/总分/等次; the rule's
    figures beside them (J:K) are formulas and show the engine's numbers."""
    path, forms = seed_book
    value_at = seed_values
    import openpyxl

    wb = openpyxl.load_workbook(path)
    sheets = project_sheets(wb)
    assert [ws[P.ProjectLayout().name_cell].value for ws, _ in sheets] == [f.name.text.strip() for f in forms]
    wrong = []
    for (ws, lay), form in zip(sheets, forms):
        expected = expected_numbers(form, PROFILE)
        rule_cells = {"execution_rate": lay.rule_rate_cell, "budget_score": lay.rule_budget_score_cell,
                      "total_weight": lay.total_weight_cell}
        for key, cell in rule_cells.items():
            got = value_at(ws.title, cell)
            if not same(got, expected[key]):
                wrong.append(f"{ws.title}!{cell} ({key}): formulas {got!r}, engine {expected[key]!r}")
    assert not wrong, "\n".join(wrong)


# sheet (seed 001)          全年预算  全年执行  执行率 (computed, J5)  budget 得分 (by rule, K5)
SEED_BUDGETS = [
    ("株洲市电子政务网租赁",  239.8,   214.78,  214.78 / 239.8,  10 * 214.78 / 239.8),
    ("株洲市民中心“互联网+政务服务”快递服务经费", 187, 146.06, 146.06 / 187, 10 * 146.06 / 187),
    ("一件事一次办改革经费",   22.03,   22,      22 / 22.03,      10 * 22 / 22.03),
    ("项目技术审查会相关费用", 100,     62.7,    0.627,           6.27),
]


@pytest.mark.parametrize("sheet,full,spent,rate,score", SEED_BUDGETS)
def test_seed_budget_cells(seed_values, sheet, full, spent, rate, score):
    value_at = seed_values
    lay = P.ProjectLayout()
    assert value_at(sheet, lay.budget_full_year_cell) == pytest.approx(full)
    assert value_at(sheet, lay.spent_cell) == pytest.approx(spent)
    assert value_at(sheet, lay.rule_rate_cell) == pytest.approx(rate, abs=1e-12)
    assert value_at(sheet, lay.rule_budget_score_cell) == pytest.approx(score, abs=1e-12)


def test_summary_rows_pull_project_figures(seed_book, seed_values):
    """整体支出: the unit's own total and grade (填报) beside the rule's (规则)."""
    from xltools.project.checks import check_form
    from xltools.project.report import CheckedForm
    from xltools.project.scoring import grade

    path, forms = seed_book
    value_at = seed_values
    col = L.SUMMARY_COL
    wrong = []
    totals = {"budget_initial": 0.0, "budget_full_year": 0.0, "spent": 0.0}
    for k, form in enumerate(forms):
        row = L.SUMMARY_FIRST_ROW + k
        sheet = value_at(L.SUMMARY_SHEET, to_a1(row, col["sheet"]))
        expected = expected_numbers(form, PROFILE)
        record = CheckedForm(form, check_form(form, PROFILE), PROFILE).record()
        line = form.budget_total
        expected["budget_initial"] = line.budget_initial.number
        expected["budget_full_year"] = line.budget_full_year.number
        expected["spent"] = line.spent.number
        expected["name"] = form.name.text.strip()
        expected["total_score"] = form.total_score.number            # as the unit stated it
        expected["grade"] = (form.grade.text.strip() if form.grade is not None
                             else grade(form.total_score.number, PROFILE))
        expected["rule_total"] = record["rule_score_total"]
        for key in ("name", "budget_initial", "budget_full_year", "spent", "execution_rate",
                    "total_weight", "total_score", "grade", "rule_total"):
            cell = to_a1(row, col[key])
            got = value_at(L.SUMMARY_SHEET, cell)
            if not same(got, expected[key], 1e-4 if key == "rule_total" else 1e-9):
                wrong.append(f"{L.SUMMARY_SHEET}!{cell} ({key} of {sheet}): {got!r} ≠ {expected[key]!r}")
        for key in totals:
            totals[key] += expected[key] or 0.0
    total_row = L.SUMMARY_FIRST_ROW + len(forms)
    assert value_at(L.SUMMARY_SHEET, to_a1(total_row, col["sheet"])) == L.SUMMARY_TOTAL_LABEL
    for key, value in totals.items():
        got = value_at(L.SUMMARY_SHEET, to_a1(total_row, col[key]))
        if not same(got, value, 1e-9):
            wrong.append(f"合计 {key}: {got!r} ≠ {value!r}")
    rate = value_at(L.SUMMARY_SHEET, to_a1(total_row, col["execution_rate"]))
    assert rate == pytest.approx(totals["spent"] / totals["budget_full_year"])
    assert not wrong, "\n".join(wrong)


def test_written_values_are_cached(seed_book):
    """`xltools new` stores each formula's value as the engine computes it, so the
    engine (and any viewer) reads right figures before a spreadsheet
    recalculates — and the unit's own figures are read back as the unit typed them."""
    from xltools.project.reader import read_forms
    from xltools.containers.workbook import load_book

    path, forms = seed_book
    result = read_forms(load_book(path))
    assert len(result.forms) == len(forms) == 8
    wb = openpyxl.load_workbook(path, data_only=True)
    wrong = []
    for (ws, lay), got, form in zip(project_sheets(openpyxl.load_workbook(path)), result.forms, forms):
        expected = expected_numbers(form, PROFILE)
        cached = wb[ws.title]
        for key, cell in {"execution_rate": lay.rule_rate_cell, "budget_score": lay.rule_budget_score_cell,
                          "total_weight": lay.total_weight_cell}.items():
            if not same(cached[cell].value, expected[key]):
                wrong.append(f"{ws.title}!{cell} ({key}): cached {cached[cell].value!r}, engine {expected[key]!r}")
        assert same(got.total_score.number, form.total_score.number), ws.title
        assert got.total_score.is_formula is False
    assert not wrong, "\n".join(wrong)
    # --from masters arrive as if 一键重算 had been pressed: rule scores and the check list.
    first = project_sheets(openpyxl.load_workbook(path))[0][0].title
    assert isinstance(wb[first].cell(P.IND_FIRST_ROW, P.COL_RULE_SCORE).value, (int, float))
    checks = wb[L.CHECKS_SHEET]
    codes = {checks.cell(r, L.CHECKS_COL["code"]).value for r in range(L.CHECKS_FIRST_ROW, checks.max_row + 1)}
    assert {"weight_total", "total_mismatch"} <= codes  # 快递服务经费 and 窗口补贴 weigh 90
