"""What 一键重算, 校验 and 新增项目 change in a master — worked out on plain data.

Each button of the master has a terminal twin (`xltools recalc`, `xltools
add-project`), and both call the planners here.  A planner reads a
`workbook.Book` (grids of values) and returns `Edits`: sheet name → {(row, col):
value}.  Two thin adapters apply them: `xltools.master.twins` to the file (zip-level,
keeping macros, buttons and validations), `xltools.excel.live` to the open book
through xlwings.  Nothing here knows about either.

A value in `Edits` is None (clear the cell, keep its style), a number, a text,
or a `Formula` (formula text plus the value the engine computed for it, so a
file written headless shows right figures before any spreadsheet recalculates).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

from . import layout as L
from . import formulas as F
from ..core.addresses import to_a1
from ..project.checks import check_form, weight_sum
from ..core.issues import SEVERITY_TEXT, Issue
from ..profiles import Profile
from ..project.reader import read_sheet
from ..project.report import CheckedForm
from ..containers.workbook import Book, Grid


@dataclass(frozen=True)
class Formula:
    """A formula to write ("=..." text) and its value as the engine computes it."""

    text: str
    value: Any = None


CellValue = Union[None, int, float, str, bool, Formula]
Edits = dict[str, dict[tuple[int, int], CellValue]]


@dataclass(frozen=True)
class RowFormat:
    """Give cells `first_col..last_col` of `target_row` the formats of
    `source_row` (a table grew or its 合计 row moved)."""

    sheet: str
    source_row: int
    target_row: int
    first_col: int
    last_col: int


@dataclass
class Plan:
    """What a button changes: cell values, then row formats (applied first)
    and print areas ("A1:K9") by sheet."""

    edits: Edits = field(default_factory=dict)
    row_formats: list[RowFormat] = field(default_factory=list)
    print_areas: dict[str, str] = field(default_factory=dict)


@dataclass
class ProjectSheet:
    """A project sheet of the master: its grid, layout, and the checked form."""

    grid: Grid
    layout: L.ProjectLayout
    checked: Optional[CheckedForm]


@dataclass
class NewProject:
    """How to add a project sheet: copy `template`, call it `name`, then clear
    `clear` (input cells; formula cells are never in it)."""

    template: str
    name: str
    clear: list[tuple[int, int]] = field(default_factory=list)


# ----------------------------------------------------------------- reading
def project_sheets(book: Book, profile: Profile) -> list[ProjectSheet]:
    """The master's project sheets in workbook order, each read and checked."""
    out = []
    for grid in book.sheets:
        if grid.hidden:
            continue
        found = L.ProjectLayout.find(grid.get, max_rows=max(grid.max_row, 40))
        if found is None:
            continue
        form, _reason = read_sheet(grid, book.path)
        checked = CheckedForm(form, check_form(form, profile), profile) if form else None
        out.append(ProjectSheet(grid, found, checked))
    return out


# ---------------------------------------------------------------- planners
def plan_recalc(book: Book, profile: Profile) -> Plan:
    """一键重算: each indicator's 规则得分/规则说明 (J:K), the 整体支出 rows, and the
    校验结果 list."""
    sheets = project_sheets(book, profile)
    plan = Plan()
    for ps in sheets:
        plan.edits[ps.grid.name] = rule_cells(ps)
    merge(plan.edits, summary_cells(book, sheets, plan))
    merge(plan.edits, check_cells(book, sheets))
    return plan


def plan_check(book: Book, profile: Profile) -> Plan:
    """校验: the 校验结果 list only."""
    return Plan(edits=check_cells(book, project_sheets(book, profile)))


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
    `sheetformulas.summary_row`, with the engine's values cached), then 合计;
    rows left from a longer list cleared.  With `plan`, the row formats and
    print area the longer or shorter table needs are added to it."""
    grid = book.sheet(L.SUMMARY_SHEET)
    if grid is None:
        return {}
    col = L.SUMMARY_COL
    cells: dict[tuple[int, int], CellValue] = {}
    row = L.SUMMARY_FIRST_ROW
    for n, ps in enumerate(sheets, start=1):
        rec = ps.checked.record() if ps.checked else {}
        cached = {
            "name": rec.get("name") or "", "unit": rec.get("unit") or "",
            "budget_initial": rec.get("budget_initial"),
            "budget_full_year": rec.get("budget_full_year"), "spent": rec.get("spent"),
            "execution_rate": rec.get("execution_rate"),
            "total_weight": weight_sum(ps.checked.form) if ps.checked else None,
            "total_score": rec.get("score_total"), "grade": rec.get("grade") or "",
        }
        cells[(row, col["index"])] = n
        cells[(row, col["sheet"])] = ps.grid.name
        for key, text in F.summary_row(ps.grid.name, ps.layout, row).items():
            value = cached.get(key)
            cells[(row, col[key])] = Formula(text, "" if value is None else value)
        row += 1
    total_row = row
    first, last = L.SUMMARY_FIRST_ROW, max(L.SUMMARY_FIRST_ROW, total_row - 1)
    records = [ps.checked.record() for ps in sheets if ps.checked]
    sums = {key: sum(r.get(key) or 0.0 for r in records)
            for key in ("budget_initial", "budget_full_year", "spent")}
    sums["execution_rate"] = (sums["spent"] / sums["budget_full_year"]
                              if sums["budget_full_year"] > 0 else "")
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
    sheets = project_sheets(book, profile)
    if not sheets:
        raise ValueError("工作簿中没有项目表，无法新增项目")
    template = sheets[-1]
    names = {g.name for g in book.sheets}
    if name is None:
        n = len(sheets) + 1
        while L.PROJECT_SHEET_DEFAULT.format(n=n) in names:
            n += 1
        name = L.PROJECT_SHEET_DEFAULT.format(n=n)
    elif name in names:
        raise ValueError(f"已有名为“{name}”的工作表")
    lay = template.layout
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
    grid = template.grid
    clear = [rc for rc in inputs if not grid.is_formula(*rc)]
    return NewProject(template.grid.name, name, clear)


# ----------------------------------------------------------------- helpers
def merge(into: Edits, more: Edits) -> Edits:
    for sheet, cells in more.items():
        into.setdefault(sheet, {}).update(cells)
    return into


def plain_value(value: CellValue) -> Any:
    """The value a cell shows: a Formula's cached value, else the value."""
    return value.value if isinstance(value, Formula) else value


def _file_name(path: Any) -> Any:
    if not path:
        return None
    from pathlib import PurePath

    return PurePath(str(path)).name
