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

from typing import Callable, Iterable

from . import layout as L
from . import formulas as F
from ..core.addresses import from_a1, to_a1
from ..project import formulas as PF
from ..project import layout as P
from ..project.checks import check_form
from ..core.model import Indicator, Issue
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
    layout: P.ProjectLayout
    checked: Optional[CheckedForm]
    #: What the sheet's formula cells show, worked out from its inputs (the
    #: file's cached values may be missing or stale).
    computed: dict[str, Any] = field(default_factory=dict)

    def value_at(self, cell: str) -> Any:
        if cell in self.computed:
            return self.computed[cell]
        return self.grid.get(*from_a1(cell))


@dataclass
class NewProject:
    """How to add a project sheet: copy `template`, call it `name`, then clear
    `clear` (input cells; formula cells are never in it)."""

    template: str
    name: str
    clear: list[tuple[int, int]] = field(default_factory=list)
    #: Every formula of the new sheet with the value it shows once the inputs
    #: are cleared — the unit's figures a form kept (执行率, 得分, 总分, 等次)
    #: become formulas again, and no copied value is left behind.
    formulas: dict[tuple[int, int], "Formula"] = field(default_factory=dict)

    def cells(self) -> dict[tuple[int, int], "CellValue"]:
        """The edits that turn the copy into a blank project sheet."""
        out: dict[tuple[int, int], CellValue] = {rc: None for rc in self.clear}
        out.update(self.formulas)
        return out


# ----------------------------------------------------------------- reading
def project_sheets(book: Book, profile: Profile) -> list[ProjectSheet]:
    """The master's project sheets in workbook order, each read and checked."""
    out = []
    for grid in book.sheets:
        if grid.hidden:
            continue
        found = P.ProjectLayout.find(grid.get, max_rows=max(grid.max_row, 40))
        if found is None:
            continue
        form, _reason = read_sheet(grid, book.path)
        checked = CheckedForm(form, check_form(form, profile), profile) if form else None
        texts = {cell: text for cell, text in PF.project_formulas(found, profile).items()
                 if grid.is_formula(*from_a1(cell))}
        computed = PF.sheet_values(lambda cell: grid.get(*from_a1(cell)), found, profile, texts)
        out.append(ProjectSheet(grid, found, checked, computed))
    return out


# ---------------------------------------------------------------- planners
def plan_recalc(book: Book, profile: Profile) -> Plan:
    """一键重算: each indicator's 规则得分/规则说明 (J:K) and the 规则总分 fed by
    them, the 整体支出 rows, and the 校验结果 list."""
    sheets = project_sheets(book, profile)
    plan = Plan()
    entries = []
    for ps in sheets:
        cells = rule_cells(ps, profile)
        plan.edits[ps.grid.name] = cells
        entries.append((ps.grid.name, ps.layout, _overlay(ps.value_at, ps.layout, cells)))
    grid = book.sheet(L.SUMMARY_SHEET)
    if grid is not None:
        old_rows, old_total = _summary_rows(grid)
        merge(plan.edits, {L.SUMMARY_SHEET: summary_cells(entries, grid.max_row)})
        plan.row_formats.extend(summary_row_formats(old_rows, old_total, len(entries)))
        plan.print_areas[L.SUMMARY_SHEET] = summary_print_area(len(entries))
    merge(plan.edits, check_cells(book, sheets))
    return plan


def plan_check(book: Book, profile: Profile) -> Plan:
    """校验: the 校验结果 list only."""
    return Plan(edits=check_cells(book, project_sheets(book, profile)))


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
    sheets = project_sheets(book, profile)
    if not sheets:
        raise ValueError("工作簿中没有项目表，无法新增项目")
    template = sheets[-1]
    names = {g.name for g in book.sheets}
    if name is None:
        n = len(sheets) + 1
        while P.PROJECT_SHEET_DEFAULT.format(n=n) in names:
            n += 1
        name = P.PROJECT_SHEET_DEFAULT.format(n=n)
    elif name in names:
        raise ValueError(f"已有名为“{name}”的工作表")
    lay = template.layout
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
    grid = template.grid
    stated = {from_a1(cell) for cell in lay.stated_cells}
    clear = [rc for rc in inputs if not grid.is_formula(*rc) and rc not in stated]
    cleared = set(clear)

    def value_at(cell: str) -> Any:
        rc = from_a1(cell)
        return None if rc in cleared or rc in stated else grid.get(*rc)

    texts = PF.project_formulas(lay, profile)
    values = PF.sheet_values(value_at, lay, profile, texts)
    formulas = {from_a1(cell): Formula(text, values[cell]) for cell, text in texts.items()}
    return NewProject(template.grid.name, name, clear, formulas)


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
