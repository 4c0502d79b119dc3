"""What 一键重算, 校验 and 新增项目 change in a master — worked out on plain data.

Each button of the master has a terminal twin (`xltools recalc`, `xltools
add-project`, `xltools check`), and both call the planners here.  A planner
reads a `workbook.Book` (grids of values) and returns a `Plan` of the edit
contract (`xltools.xlsx.edits`); `xltools.xlsx.apply` carries it out on the
file, `xltools.excel.live` on the open book.  Nothing here knows about either.

一键重算 writes every project formula with the value the engine computes for
it (so no stale figure survives a copy or an edit: a blank sheet's values are
blanks), each indicator's 规则得分/规则说明, the 整体支出 rows and the 校验结果
list.  A formula cell a clerk has typed a value over is left as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Optional

from . import layout as L
from . import formulas as F
from ..containers.workbook import Book, Grid
from ..core.addresses import from_a1, to_a1
from ..core.errors import XltoolsError
from ..core.model import Issue, ProjectForm
from ..profiles import Profile
from ..project.checks import check_form
from ..project.reader import read_sheet
from ..project.report import CheckedForm
from ..project.scoring import execution_rate
from ..xlsx.edits import (CellValue, Edits, Formula, NewProject, Plan, RowFormat, merge,
                          plain_value)


@dataclass
class ProjectSheet:
    """A project sheet of the master: its grid, layout, the form read from it
    (also when still blank) and, when filled, the checked form."""

    grid: Grid
    layout: L.ProjectLayout
    form: Optional[ProjectForm]
    checked: Optional[CheckedForm]


class NotAMasterError(XltoolsError):
    """The workbook is not an xltools master (no 整体支出 / 校验结果 sheet)."""


# ----------------------------------------------------------------- reading
def require_master(book: Book) -> None:
    """Raise NotAMasterError (Chinese) unless `book` is an xltools master."""
    names = {g.name for g in book.sheets}
    missing = [n for n in (L.SUMMARY_SHEET, L.CHECKS_SHEET) if n not in names]
    if missing:
        raise NotAMasterError(
            f"{PurePath(str(book.path)).name} 不是 xltools 主表（没有“{'”“'.join(missing)}”工作表），"
            "未做任何改动。主表由 xltools new 生成；要检查报送的自评表，请用 xltools check")


def project_grids(book: Book) -> list[tuple[Grid, L.ProjectLayout]]:
    """The master's project sheets in workbook order, with their layouts."""
    out = []
    for grid in book.sheets:
        if grid.hidden:
            continue
        found = L.ProjectLayout.find(grid.get, max_rows=max(grid.max_row, 40))
        if found is not None:
            out.append((grid, found))
    return out


def project_sheets(book: Book, profile: Profile) -> list[ProjectSheet]:
    """The master's project sheets in workbook order, each read and, when
    filled, checked."""
    out = []
    for grid, found in project_grids(book):
        form, _reason = read_sheet(grid, book.path, keep_blank=True)
        filled = form is not None and bool(form.indicators)
        checked = CheckedForm(form, check_form(form, profile), profile) if filled else None
        out.append(ProjectSheet(grid, found, form, checked))
    return out


# ---------------------------------------------------------------- planners
def plan_recalc(book: Book, profile: Profile) -> Plan:
    """一键重算: every project formula with its value, each indicator's
    规则得分/规则说明 (J:K), the 整体支出 rows, and the 校验结果 list."""
    require_master(book)
    sheets = project_sheets(book, profile)
    plan = Plan()
    for ps in sheets:
        cells = formula_cells(ps, profile)
        cells.update(rule_cells(ps))
        plan.edits[ps.grid.name] = cells
    merge(plan.edits, summary_cells(book, sheets, plan))
    merge(plan.edits, check_cells(book, sheets))
    plan.issues = _issues(sheets)
    return plan


def plan_check(book: Book, profile: Profile) -> Plan:
    """校验: the 校验结果 list only."""
    require_master(book)
    sheets = project_sheets(book, profile)
    return Plan(edits=check_cells(book, sheets), issues=_issues(sheets))


def _issues(sheets: list[ProjectSheet]) -> list[Issue]:
    return [i for ps in sheets if ps.checked for i in ps.checked.issues]


def formula_cells(ps: ProjectSheet, profile: Profile) -> dict[tuple[int, int], CellValue]:
    """The project sheet's formulas (`formulas.project_formulas`) with the
    values the engine computes for them — blanks on a blank sheet — where the
    sheet holds a formula (a value a clerk typed over one is kept)."""
    values = F.project_values(ps.form, ps.layout, profile) if ps.form is not None else {}
    cells: dict[tuple[int, int], CellValue] = {}
    for a1, text in F.project_formulas(ps.layout, profile).items():
        rc = from_a1(a1)
        if ps.grid.is_formula(*rc):
            cells[rc] = Formula(text, values.get(a1, ""))
    return cells


def rule_cells(ps: ProjectSheet) -> dict[tuple[int, int], CellValue]:
    cells: dict[tuple[int, int], CellValue] = {}
    by_row = {ind.row: ind for ind in (ps.checked.form.indicators if ps.checked else [])}
    for i in range(ps.layout.indicator_rows):
        row = ps.layout.indicator_row(i)
        ind = by_row.get(row)
        score = None if ind is None or ind.rule_score is None else round(ind.rule_score, 2)
        basis = (ind.rule_basis or None) if ind is not None else None
        cells[(row, L.COL_RULE_SCORE)] = score
        cells[(row, L.COL_RULE_BASIS)] = basis
    return cells


def summary_cells(book: Book, sheets: list[ProjectSheet], plan: Optional["Plan"] = None) -> Edits:
    """整体支出: one row per project sheet (the formulas of
    `formulas.summary_row`, each with the value it shows for the sheet as the
    plan leaves it), then 合计;
    rows left from a longer list cleared.  With `plan`, the row formats and
    print area the longer or shorter table needs are added to it."""
    grid = book.sheet(L.SUMMARY_SHEET)
    if grid is None:
        return {}
    col = L.SUMMARY_COL
    cells: dict[tuple[int, int], CellValue] = {}
    row = L.SUMMARY_FIRST_ROW
    sums = {"budget_initial": 0.0, "budget_full_year": 0.0, "spent": 0.0}
    for n, ps in enumerate(sheets, start=1):
        planned = plan.edits.get(ps.grid.name, {}) if plan is not None else {}
        cells[(row, col["index"])] = n
        cells[(row, col["sheet"])] = ps.grid.name
        for key, text in F.summary_row(ps.grid.name, ps.layout, row).items():
            value = summary_value(key, ps, planned)
            cells[(row, col[key])] = Formula(text, value)
            if key in sums and _is_number(value):
                sums[key] += value
        row += 1
    total_row = row
    first, last = L.SUMMARY_FIRST_ROW, max(L.SUMMARY_FIRST_ROW, total_row - 1)
    rate = execution_rate(sums["spent"], sums["budget_full_year"])
    sums["execution_rate"] = "" if rate is None else rate
    totals = F.summary_total(first, last, total_row) if sheets else {}
    for key, c in col.items():
        text = totals.get(key)
        cells[(total_row, c)] = Formula(text, sums.get(key)) if text else None
    cells[(total_row, col["sheet"])] = L.SUMMARY_TOTAL_LABEL
    old_rows, old_total = _summary_rows(grid)
    for old in range(total_row + 1, max(grid.max_row, total_row) + 1):
        for c in col.values():
            cells[(old, c)] = None
    if plan is not None:
        last_col = len(L.SUMMARY_COLUMNS)
        if old_total and old_total != total_row:
            plan.row_formats.append(RowFormat(L.SUMMARY_SHEET, old_total, total_row, 1, last_col))
        if old_rows:
            for r in range(L.SUMMARY_FIRST_ROW, total_row):
                if r not in old_rows:
                    plan.row_formats.append(RowFormat(L.SUMMARY_SHEET, old_rows[0], r, 1, last_col))
        plan.print_areas[L.SUMMARY_SHEET] = f"A1:{to_a1(total_row, last_col)}"
    return {L.SUMMARY_SHEET: cells}


#: Where each formula of `formulas.summary_row` takes its figure from, and how
#: it shows it: "text" is IF(x="","",x), "number" IF(ISNUMBER(x),x,"").
SUMMARY_SOURCES = {
    "name": ("name_cell", "text"), "unit": ("unit_cell", "text"),
    "budget_initial": ("budget_initial_cell", "number"),
    "budget_full_year": ("budget_full_year_cell", "number"), "spent": ("spent_cell", "number"),
    "execution_rate": ("execution_rate_cell", "number"),
    "total_weight": ("total_weight_cell", "number"), "total_score": ("total_score_cell", "number"),
    "grade": ("grade_cell", "text"),
}


def summary_value(key: str, ps: ProjectSheet, planned: dict[tuple[int, int], CellValue]) -> Any:
    """The value the 整体支出 formula `key` shows for project sheet `ps`, the
    sheet's cells as this plan leaves them."""
    attr, kind = SUMMARY_SOURCES[key]
    rc = from_a1(getattr(ps.layout, attr))
    value = plain_value(planned[rc]) if rc in planned else ps.grid.get(*rc)
    if kind == "number":
        return value if _is_number(value) else ""
    return "" if value is None else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _summary_rows(grid: Grid) -> tuple[list[int], Optional[int]]:
    """Rows of 整体支出 holding a project (a number in 序号) and the 合计 row."""
    rows, total = [], None
    for r in range(L.SUMMARY_FIRST_ROW, grid.max_row + 1):
        if isinstance(grid.get(r, L.SUMMARY_COL["index"]), (int, float)):
            rows.append(r)
        elif str(grid.get(r, L.SUMMARY_COL["sheet"]) or "").strip() == L.SUMMARY_TOTAL_LABEL:
            total = r
            break
    return rows, total


def check_cells(book: Book, sheets: list[ProjectSheet]) -> Edits:
    """校验结果: one row per problem of every project sheet, old rows cleared."""
    grid = book.sheet(L.CHECKS_SHEET)
    if grid is None:
        return {}
    issues: list[Issue] = [i for ps in sheets if ps.checked for i in ps.checked.issues]
    return {L.CHECKS_SHEET: issue_rows(issues, grid.max_row)}


def issue_rows(issues: list[Issue], old_last_row: int = 0) -> dict[tuple[int, int], CellValue]:
    cells: dict[tuple[int, int], CellValue] = {}
    row = L.CHECKS_FIRST_ROW
    for issue in issues:
        for key, c in L.CHECKS_COL.items():
            value = getattr(issue, key)
            if key == "severity":
                value = L.SEVERITY_TEXT.get(value, value)
            elif key == "file":
                value = _file_name(value)
            elif value is not None and not isinstance(value, (int, float, str)):
                value = str(value)
            cells[(row, c)] = value if value != "" else None
        row += 1
    for old in range(row, max(old_last_row, row - 1) + 1):
        for c in L.CHECKS_COL.values():
            cells[(old, c)] = None
    return cells


def plan_new_project(book: Book, profile: Profile, name: Optional[str] = None) -> NewProject:
    """新增项目: copy the last project sheet under the next free 项目N name and
    clear its input cells (never a formula cell)."""
    sheets = project_grids(book)
    if not sheets:
        raise ValueError("工作簿中没有项目表，无法新增项目")
    template_grid, lay = sheets[-1]
    names = {g.name for g in book.sheets}
    if name is None:
        n = len(sheets) + 1
        while L.PROJECT_SHEET_DEFAULT.format(n=n) in names:
            n += 1
        name = L.PROJECT_SHEET_DEFAULT.format(n=n)
    else:
        problem = sheet_name_problem(name, names)
        if problem:
            raise ValueError(problem)
    inputs: list[tuple[int, int]] = [
        (L.NAME_ROW, L.COL_NAME_VALUE), (L.HEADER_ROW, L.COL_UNIT),
        (L.GOAL_ROW, L.COL_GOAL_EXPECTED), (L.GOAL_ROW, L.COL_GOAL_ACTUAL)]
    for r in range(L.FUNDS_FIRST_ROW, L.FUNDS_FIRST_ROW + len(L.BUDGET_LINES)):
        inputs += [(r, L.COL_BUDGET_INITIAL), (r, L.COL_BUDGET_FULL_YEAR), (r, L.COL_SPENT)]
    for i in range(lay.indicator_rows):
        r = lay.indicator_row(i)
        inputs += [(r, c) for c in (L.COL_LEVEL1, L.COL_LEVEL2, L.COL_INDICATOR, L.COL_TARGET,
                                    L.COL_ACTUAL, L.COL_WEIGHT, L.COL_SCORE, L.COL_NOTE,
                                    L.COL_RULE_SCORE, L.COL_RULE_BASIS)]
    clear = [rc for rc in inputs if not template_grid.is_formula(*rc)]
    return NewProject(template_grid.name, name, clear)


#: Characters Excel does not allow in a sheet name.
BAD_SHEET_CHARS = set('[]:*?/\\')


def sheet_name_problem(name: str, taken: set[str]) -> Optional[str]:
    """Why Excel would refuse `name` for a new sheet (Chinese), or None."""
    if not name.strip():
        return "工作表名不能为空"
    if len(name) > 31:
        return f"工作表名“{name}”超过 31 个字符，Excel 不接受"
    bad = sorted(set(name) & BAD_SHEET_CHARS)
    if bad or name.startswith("'") or name.endswith("'"):
        return f"工作表名“{name}”含有 Excel 不允许的字符（{' '.join(bad) or '首尾的单引号'}）"
    if name.lower() in {n.lower() for n in taken} or name.lower() == "history":
        return f"已有名为“{name}”的工作表（Excel 不区分大小写）" if name.lower() != "history" \
            else "“History”是 Excel 保留的工作表名"
    return None


def plan_add_project(book: Book, profile: Profile, name: Optional[str] = None) -> Plan:
    """新增项目: the new blank sheet (`plan_new_project`), then 一键重算 of the
    book as it will be — worked out in memory, so the new sheet's formulas get
    their blank values and 整体支出 its new row without re-reading anything."""
    new = plan_new_project(book, profile, name)
    plan = plan_recalc(with_new_sheet(book, new, profile), profile)
    plan.new_projects.append(new)
    return plan


def with_new_sheet(book: Book, new: NewProject, profile: Profile) -> Book:
    """`book` with the sheet `new` describes: a copy of its template whose
    inputs are cleared and whose project formulas are not yet calculated."""
    template = book.sheet(new.template)
    lay = L.ProjectLayout.find(template.get, max_rows=max(template.max_row, 40))
    blank = set(new.clear) | {from_a1(a1) for a1 in F.project_formulas(lay, profile)}
    rows = [list(line) for line in template.rows]
    for r, c in blank:
        if r <= len(rows) and c <= len(rows[r - 1]):
            rows[r - 1][c - 1] = None
    grid = Grid(new.name, rows, list(template.merged), set(template.formulas),
                {rc for rc in template.percent_cells if rc not in blank})
    sheets = list(book.sheets)
    sheets.insert(sheets.index(template) + 1, grid)
    return Book(path=book.path, sheets=sheets, has_macros=book.has_macros, engine=book.engine)


# ----------------------------------------------------------------- helpers
def _file_name(path: Any) -> Any:
    if not path:
        return None
    return PurePath(str(path)).name


__all__ = ["ProjectSheet", "NotAMasterError", "require_master", "project_sheets", "plan_recalc",
           "plan_check", "plan_new_project", "plan_add_project", "with_new_sheet", "formula_cells",
           "rule_cells", "summary_cells", "summary_value", "check_cells", "issue_rows",
           # the edit contract, re-exported for the planners' callers
           "Formula", "CellValue", "Edits", "Plan", "RowFormat", "NewProject", "merge", "plain_value"]
