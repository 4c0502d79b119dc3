"""What 一键重算, 校验 and 新增项目 change in a master — worked out on plain data.

Each button of the master has a terminal twin (`xltools recalc`, `xltools
add-project`, `xltools check`), and both call the planners here.  A planner
reads a `containers.workbook.Book` (grids of values) and returns a `Plan` of the
edit contract (`xltools.xlsx.edits`); `xltools.xlsx.apply` carries it out on the
file, `xltools.excel.live` on the open book.  Nothing here knows about either.

一键重算 writes every project formula with the value the engine computes for
it from the sheet's inputs (`project.formulas.sheet_values`, so no stale figure
survives a copy or an edit: a blank sheet's values are blanks), each
indicator's 规则得分/规则说明 and the 规则总分 they feed, the 整体支出 rows and
the 校验结果 list.  A formula cell holding a unit's stated figure (a form read
in by `xltools new --from`) or a value a clerk typed is left as it is.

`xltools new` builds the same cells in one pass with the pure functions here
(`indicator_rule_cells`, `summary_cells`, `issue_rows`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Callable, Iterable, Optional

from . import formulas as F
from . import layout as L
from ..containers.workbook import Book, Grid
from ..core.addresses import from_a1, to_a1
from ..core.errors import XltoolsError
from ..core.issues import SEVERITY_TEXT, Issue
from ..core.model import Indicator
from ..profiles import Profile
from ..project import formulas as PF
from ..project import layout as P
from ..project.checks import check_form
from ..project.reader import read_sheet
from ..project.report import CheckedForm
from ..xlsx.edits import (CellValue, Edits, Formula, NewProject, Plan, RowFormat, merge,
                          plain_value)
from ..xlsx.text import cell_text, needs_quote_prefix


@dataclass
class ProjectSheet:
    """A project sheet of the master: its grid, layout, the checked form (None
    while blank), the formulas the sheet holds and what they show."""

    grid: Grid
    layout: P.ProjectLayout
    checked: Optional[CheckedForm]
    #: A1 → formula text of the project formulas the sheet holds as formulas.
    texts: dict[str, str] = field(default_factory=dict)
    #: What those formula cells show, worked out from the sheet's inputs (the
    #: file's cached values may be missing or stale).
    computed: dict[str, Any] = field(default_factory=dict)

    def value_at(self, cell: str) -> Any:
        if cell in self.computed:
            return self.computed[cell]
        return self.grid.get(*from_a1(cell))


class NotAMasterError(XltoolsError):
    """The workbook is not an xltools master (no 整体支出 / 校验结果 sheet)."""


# ----------------------------------------------------------------- reading
def require_master(book: Book) -> None:
    """Raise NotAMasterError (Chinese) unless `book` is an xltools master."""
    names = {g.name for g in book.sheets}
    missing = [n for n in (L.SUMMARY_SHEET, L.CHECKS_SHEET) if n not in names]
    if missing and project_grids(book):
        # a master a clerk trimmed (deleted 校验结果, say): say so, and how to get one back
        raise NotAMasterError(
            f"{PurePath(str(book.path)).name} 像是 xltools 主表，但缺少“{'”“'.join(missing)}”工作表"
            "（可能被删除或改了名），未做任何改动。请从同一文件夹中的备份（*.bak.xlsm）恢复，"
            f"或用 xltools new 新主表.xlsm --from {PurePath(str(book.path)).name} 重新生成主表（项目表的内容会读入）")
    if missing:
        raise NotAMasterError(
            f"{PurePath(str(book.path)).name} 不是 xltools 主表（没有“{'”“'.join(missing)}”工作表），"
            "未做任何改动。主表由 xltools new 生成；要检查报送的自评表，请用 xltools check")


def project_grids(book: Book) -> list[tuple[Grid, P.ProjectLayout]]:
    """The master's project sheets in workbook order, with their layouts."""
    out = []
    for grid in book.sheets:
        if grid.hidden:
            continue
        found = P.ProjectLayout.find(grid.get, max_rows=max(grid.max_row, 40))
        if found is not None:
            out.append((grid, found))
    return out


def project_sheets(book: Book, profile: Profile) -> list[ProjectSheet]:
    """The master's project sheets in workbook order, each read and, when
    filled, checked; its formulas' values worked out from its inputs."""
    out = []
    for grid, found in project_grids(book):
        form, _reason = read_sheet(grid, book.path)
        if form is not None:  # the master's formulas are ours: this very plan gives them their results
            form.read_issues = [i for i in form.read_issues if i.code != "formula_uncached"]
        checked = CheckedForm(form, check_form(form, profile), profile) if form else None
        texts = {cell: text for cell, text in PF.project_formulas(found, profile).items()
                 if grid.is_formula(*from_a1(cell))}
        computed = PF.sheet_values(lambda cell, g=grid: g.get(*from_a1(cell)), found, profile, texts)
        out.append(ProjectSheet(grid, found, checked, texts, computed))
    return out


# ---------------------------------------------------------------- planners
def plan_recalc(book: Book, profile: Profile) -> Plan:
    """一键重算: every project formula with its value, each indicator's
    规则得分/规则说明 (J:K) and the 规则总分 fed by them, the 整体支出 rows,
    and the 校验结果 list."""
    require_master(book)
    sheets = project_sheets(book, profile)
    plan = Plan()
    entries = []
    for ps in sheets:
        cells = formula_cells(ps)
        cells.update(rule_cells(ps, profile))
        plan.edits[ps.grid.name] = cells
        entries.append((ps.grid.name, ps.layout, _overlay(ps.value_at, ps.layout, cells)))
    grid = book.sheet(L.SUMMARY_SHEET)
    if grid is not None:
        old_rows, old_total = _summary_rows(grid)
        merge(plan.edits, {L.SUMMARY_SHEET: summary_cells(entries, grid.max_row)})
        plan.row_formats.extend(summary_row_formats(old_rows, old_total, len(entries)))
        plan.print_areas[L.SUMMARY_SHEET] = summary_print_area(len(entries))
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


def formula_cells(ps: ProjectSheet) -> dict[tuple[int, int], CellValue]:
    """The project formulas the sheet holds, each with the value it shows."""
    return {from_a1(cell): Formula(text, ps.computed.get(cell, "")) for cell, text in ps.texts.items()}


# ----------------------------------------------------- shared with xltools new
def indicator_rule_cells(lay: P.ProjectLayout, by_row: dict[int, Indicator]) -> dict[tuple[int, int], CellValue]:
    """规则得分/规则说明 of every indicator row (`by_row`: sheet row → the
    indicator read there, its rule filled by `check_form`); rows without one
    are cleared."""
    cells: dict[tuple[int, int], CellValue] = {}
    for i in range(lay.indicator_rows):
        row = lay.indicator_row(i)
        ind = by_row.get(row)
        score = None if ind is None else ind.rule_score  # shown to 0.00; summed exactly
        basis = (ind.rule_basis or None) if ind is not None else None
        cells[(row, P.COL_RULE_SCORE)] = score
        cells[(row, P.COL_RULE_BASIS)] = basis
    return cells


def rule_cells(ps: ProjectSheet, profile: Profile) -> dict[tuple[int, int], CellValue]:
    """The J:K cells 一键重算 rewrites on one project sheet: the indicators'
    rule scores, and the 规则总分 / its 等次 with their new values."""
    by_row = {ind.row: ind for ind in (ps.checked.form.indicators if ps.checked else [])}
    cells = indicator_rule_cells(ps.layout, by_row)
    value_at = _overlay(ps.value_at, ps.layout, cells)
    values = PF.rule_total_values(value_at, ps.layout, profile)
    for cell, text in PF.rule_total_formulas(ps.layout, profile).items():
        cells[from_a1(cell)] = Formula(text, values[cell])
    return cells


def _overlay(value_at: Callable[[str], Any], lay: P.ProjectLayout,
             cells: dict[tuple[int, int], CellValue]) -> Callable[[str], Any]:
    """`value_at` as it reads once `cells` are written."""
    def get(cell: str) -> Any:
        rc = from_a1(cell)
        if rc in cells:
            return plain_value(cells[rc])
        return value_at(cell)
    return get


def summary_cells(entries: Iterable[tuple[str, P.ProjectLayout, Callable[[str], Any]]],
                  old_last_row: int = 0) -> dict[tuple[int, int], CellValue]:
    """整体支出: one row per project sheet — (sheet name, its layout, what its
    cells show) — with the formulas of `formulas.summary_row` and the values they
    show, then 合计; rows left from a longer list cleared."""
    col = L.SUMMARY_COL
    cells: dict[tuple[int, int], CellValue] = {}
    row = L.SUMMARY_FIRST_ROW
    shown = []
    for n, (sheet, lay, value_at) in enumerate(entries, start=1):
        values = F.summary_row_values(value_at, lay)
        shown.append(values)
        cells[(row, col["index"])] = n
        cells[(row, col["sheet"])] = sheet
        for key, text in F.summary_row(sheet, lay).items():
            cells[(row, col[key])] = Formula(text, values[key])
        row += 1
    total_row = row
    first, last = L.SUMMARY_FIRST_ROW, max(L.SUMMARY_FIRST_ROW, total_row - 1)
    totals = F.summary_total(first, last, total_row) if shown else {}
    sums = F.summary_total_values(shown)
    for key, c in col.items():
        text = totals.get(key)
        cells[(total_row, c)] = Formula(text, sums.get(key)) if text else None
    cells[(total_row, col["sheet"])] = L.SUMMARY_TOTAL_LABEL
    for old in range(total_row + 1, max(old_last_row, total_row) + 1):
        for c in col.values():
            cells[(old, c)] = None
    return cells


def summary_row_formats(old_rows: list[int], old_total: Optional[int], count: int) -> list[RowFormat]:
    """Formats a longer or shorter 整体支出 table needs (rows copy the first
    project row's look, 合计 its old row's)."""
    total_row = L.SUMMARY_FIRST_ROW + count
    last_col = len(L.SUMMARY_COLUMNS)
    out = []
    if old_total and old_total != total_row:
        out.append(RowFormat(L.SUMMARY_SHEET, old_total, total_row, 1, last_col))
    if old_rows:
        for r in range(L.SUMMARY_FIRST_ROW, total_row):
            if r not in old_rows:
                out.append(RowFormat(L.SUMMARY_SHEET, old_rows[0], r, 1, last_col))
    return out


def summary_print_area(count: int) -> str:
    return f"A1:{to_a1(L.SUMMARY_FIRST_ROW + count, len(L.SUMMARY_COLUMNS))}"


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
    """The 校验结果 rows of `issues`: Chinese columns first, the file's own name."""
    cells: dict[tuple[int, int], CellValue] = {}
    row = L.CHECKS_FIRST_ROW
    for issue in issues:
        for key, c in L.CHECKS_COL.items():
            value = getattr(issue, key)
            if key == "severity":
                value = SEVERITY_TEXT[value]
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
        while P.PROJECT_SHEET_DEFAULT.format(n=n) in names:
            n += 1
        name = P.PROJECT_SHEET_DEFAULT.format(n=n)
    else:
        problem = sheet_name_problem(name, names)
        if problem:
            raise ValueError(problem)
    inputs: list[tuple[int, int]] = [
        (P.NAME_ROW, P.COL_NAME_VALUE), (P.HEADER_ROW, P.COL_UNIT),
        (P.GOAL_ROW, P.COL_GOAL_EXPECTED), (P.GOAL_ROW, P.COL_GOAL_ACTUAL)]
    for r in range(P.FUNDS_FIRST_ROW, P.FUNDS_FIRST_ROW + len(P.BUDGET_LINES)):
        inputs += [(r, P.COL_BUDGET_INITIAL), (r, P.COL_BUDGET_FULL_YEAR), (r, P.COL_SPENT)]
    for i in range(lay.indicator_rows):
        r = lay.indicator_row(i)
        inputs += [(r, c) for c in (P.COL_LEVEL1, P.COL_LEVEL2, P.COL_INDICATOR, P.COL_TARGET,
                                    P.COL_ACTUAL, P.COL_WEIGHT, P.COL_SCORE, P.COL_NOTE,
                                    P.COL_RULE_SCORE, P.COL_RULE_BASIS)]
    clear = [rc for rc in inputs if not template_grid.is_formula(*rc)]
    return NewProject(template_grid.name, name, clear)


#: Characters Excel does not allow in a sheet name.
BAD_SHEET_CHARS = set('[]:*?/\\')
#: Excel's escape for a character XML cannot hold (`_x000B_`): read back as that character
_XML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def sheet_name_problem(name: str, taken: set[str]) -> Optional[str]:
    """Why `name` cannot name a new sheet (Chinese), or None: what Excel would
    refuse, and — since our formulas refer to the sheet by it — what would look
    like formula text or hold an invisible character."""
    if not name.strip():
        return "工作表名不能为空"
    if not name.isprintable() or _XML_ESCAPE.search(name):
        return f"工作表名“{cell_text(name)}”含有换行、制表符等控制字符（或 _x000B_ 这样的写法），请换一个名字"
    if needs_quote_prefix(name):
        return f"工作表名“{name}”以 = + - @ 开头，看起来像公式，请换一个名字"
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
    lay = P.ProjectLayout.find(template.get, max_rows=max(template.max_row, 40))
    # every project formula cell — also those holding a form's stated figures —
    # becomes a formula again, not yet calculated
    formula_cells_ = {from_a1(a1) for a1 in PF.project_formulas(lay, profile)}
    blank = set(new.clear) | formula_cells_
    rows = [list(line) for line in template.rows]
    for r, c in blank:
        if r <= len(rows) and c <= len(rows[r - 1]):
            rows[r - 1][c - 1] = None
    grid = Grid(new.name, rows, list(template.merged), set(template.formulas) | formula_cells_,
                {rc for rc in template.percent_cells if rc not in blank})
    sheets = list(book.sheets)
    sheets.insert(sheets.index(template) + 1, grid)
    return Book(path=book.path, sheets=sheets, has_macros=book.has_macros)


# ----------------------------------------------------------------- helpers
def _file_name(path: Any) -> Any:
    if not path:
        return None
    return PurePath(str(path)).name


__all__ = ["ProjectSheet", "NotAMasterError", "require_master", "project_grids", "project_sheets",
           "plan_recalc", "plan_check", "plan_new_project", "plan_add_project", "with_new_sheet",
           "formula_cells", "rule_cells", "indicator_rule_cells", "summary_cells", "summary_row_formats",
           "summary_print_area", "check_cells", "issue_rows", "sheet_name_problem"]
