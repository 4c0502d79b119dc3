"""Stated beside computed: a master made with `--from` keeps every unit's own
执行率, budget 得分, 总分 得分 and 等次 as typed, shows the rule's figures in
their own labelled cells beside them, lists in 校验结果 exactly what `xltools
check` lists for the same forms, and `check` on the master reports the same
errors as `check` on the submissions (seed 001's forms, DOMAIN §5)."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest

from xltools.master import layout as L
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.master.plans import issue_rows
from xltools.profiles import load_profile
from xltools.project import layout as P
from xltools.project.report import check_paths

from master_fixtures import SUBMISSIONS, project_sheets

PROFILE = load_profile("national")


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    forms, _ = forms_from([SUBMISSIONS])
    path = write_master(tmp_path_factory.mktemp("stated") / "主表.xlsm",
                        MasterSpec(department="株洲市行政审批服务局", year=2022, forms=forms), PROFILE)
    return path, forms


# project (seed 001)         总分, 得分, 执行率 as stated   等次 (none stated: of the   规则总分 (J)   已填各项得分
#                                                      stated total)                              合计 (K)
STATED = [
    ("窗口补贴",                95.9,  10,   1,       "优",                        90,            84.1),
    ("一件事一次办改革经费",      99.9,  9.9,  0.9986,  "优",                        99.99,         99.9),
    ("项目技术审查会相关费用",    95.62, None, 0.627,   "优",                        93.77,         83.12),
    ("株洲市电子政务网租赁",      97,    9,    0.8956,  "优",                        98.69,         97),
    ("株洲市民中心“互联网+政务服务”快递服务经费",
                               95,    7.8,  0.78,    "优",                        82.95,         82.8),
]


@pytest.mark.parametrize("project,total,budget,rate,grade,rule_total,entered", STATED)
def test_units_figures_are_kept(master, project, total, budget, rate, grade, rule_total, entered):
    path, forms = master
    wb = openpyxl.load_workbook(path)
    shown = openpyxl.load_workbook(path, data_only=True)
    ws, lay = next((ws, lay) for ws, lay in project_sheets(wb) if ws[lay.name_cell].value == project)
    assert ws[lay.total_score_cell].value == total           # values, not formulas
    assert ws[lay.budget_score_cell].value == budget
    assert ws[lay.execution_rate_cell].value == rate
    assert shown[ws.title][lay.grade_cell].value == grade
    assert shown[ws.title][lay.rule_total_cell].value == pytest.approx(rule_total, abs=0.005)
    record = next(rec for result in check_paths([SUBMISSIONS], PROFILE) for c in result.checked
                  if (rec := c.record())["name"] == project)  # the JSON's rule total
    assert shown[ws.title][lay.rule_total_cell].value == pytest.approx(record["rule_score_total"], abs=1e-4)
    assert shown[ws.title][lay.entered_total_cell].value == pytest.approx(entered)
    # the rule's figures stand beside, as formulas, labelled
    assert ws[lay.rule_rate_cell].value.startswith("=IF(") and ws[lay.rule_budget_score_cell].value.startswith("=IF(")
    assert ws[lay.rule_total_cell].number_format == P.RULE_TOTAL_FORMAT
    assert ws[lay.entered_total_cell].number_format == P.ENTERED_TOTAL_FORMAT
    assert ws.cell(P.FUNDS_HEADER_ROW, P.COL_RULE_RATE).value == "计算执行率"
    assert ws.cell(P.FUNDS_HEADER_ROW, P.COL_RULE_BUDGET_SCORE).value == "规则得分"


def test_checks_sheet_lists_what_check_lists(master):
    path, _forms = master
    results = check_paths([SUBMISSIONS], PROFILE)
    issues = [i for r in results for i in r.issues]
    assert len(issues) > 25
    expected = {(r, c): v for (r, c), v in issue_rows(issues).items() if v is not None}
    ws = openpyxl.load_workbook(path)[L.CHECKS_SHEET]
    got = {(c.row, c.column): c.value for row in ws.iter_rows(min_row=L.CHECKS_FIRST_ROW) for c in row
           if c.value is not None}
    assert got == expected
    files = {ws.cell(r, L.CHECKS_COL["file"]).value for r in range(L.CHECKS_FIRST_ROW, ws.max_row + 1)}
    assert files == {"局机关.xlsx", "数据资源中心.xlsx", "政务服务中心.xlsx"}   # the real files, not master.xlsx


def test_check_on_master_finds_the_submissions_errors(master):
    path, _forms = master

    def errors(paths):
        return sorted((i.code, i.field, i.message) for r in check_paths(paths, PROFILE) for i in r.issues
                      if i.severity == "error")

    submitted = errors([SUBMISSIONS])
    assert {code for code, _, _ in submitted} >= {"total_mismatch", "weight_total", "missing_value"}
    assert errors([path]) == submitted


def test_blank_sheets_keep_formulas(tmp_path):
    path = write_master(tmp_path / "m.xlsx", MasterSpec(forms=[None]), PROFILE)
    (ws, lay), = project_sheets(openpyxl.load_workbook(path))
    for cell in lay.stated_cells:
        assert str(ws[cell].value).startswith("="), cell


def test_without_macros_same_sheets_and_a_note_for_each_button(tmp_path, master):
    """`new --no-macros`: the same sheets as .xlsx, no VBA, no buttons, a note
    naming the terminal twin where each button would be."""
    path, forms = master
    plain = write_master(tmp_path / "主表.xlsx", MasterSpec(department="株洲市行政审批服务局", year=2022,
                                                           forms=forms), PROFILE, macros=False)
    assert openpyxl.load_workbook(plain).sheetnames == openpyxl.load_workbook(path).sheetnames
    with zipfile.ZipFile(plain) as z:
        names = z.namelist()
    assert "xl/vbaProject.bin" not in names and not any("vmlDrawing" in n for n in names)
    wb = openpyxl.load_workbook(plain)
    assert wb[L.INSTRUCTIONS_SHEET]["D3"].value == L.button_note("Recalculate", "一键重算", "主表.xlsx")
    first = project_sheets(wb)[0][0]
    assert first.cell(P.NAME_ROW, P.BUTTON_COL).value == L.button_note("Recalculate", "一键重算", "主表.xlsx")
    with pytest.raises(ValueError):
        write_master(tmp_path / "x.xlsm", MasterSpec(), PROFILE, macros=False)


def test_new_project_from_a_read_form_leaves_no_figure_behind(tmp_path):
    """新增项目 copies the last project sheet: the copy's unit figures (总分,
    得分, 执行率, 等次) become formulas again, every formula showing blank."""
    from xltools.master.twins import add_project_file

    forms, _ = forms_from([SUBMISSIONS / "局机关.xlsx"])
    path = write_master(tmp_path / "m.xlsx", MasterSpec(forms=forms[:1]), PROFILE)
    add_project_file(path, PROFILE)
    wb, shown = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    (first, lay), (new, new_lay) = project_sheets(wb)
    assert first[lay.total_score_cell].value == forms[0].total_score.number
    for cell in new_lay.stated_cells + (new_lay.rule_rate_cell, new_lay.rule_total_cell):
        assert str(new[cell].value).startswith("="), cell
        assert shown[new.title][cell].value in (None, ""), (cell, shown[new.title][cell].value)
