"""What the master's 整体评价 button changes, worked out on plain data.

`xltools.excel.buttons.evaluate_department` reads the open workbook into grids,
calls `plan_department(book, master_path)` and writes the returned edits (the
edit contract of `xltools.xlsx.edits`) back through `xltools.excel.live`;
`xltools evaluate` is its terminal twin and shares `evaluate_book`.  The
edits touch only the 部门整体支出评分表:

- 规则说明 (column J) of every line: how the rule scored it, or what is missing;
- an 整体评价结果 block under the 补充数据: total and grade by rule, then every
  problem found (严重程度 · 工作表 · 单元格 · 说明), old results cleared first.

The native formulas (指标值, 规则得分, totals) are left as they are.
"""
from __future__ import annotations

from typing import Any, Optional

from ..core.values import format_number
from ..xlsx.edits import Edits
from . import layout as D
from ..core.issues import SEVERITY_TEXT
from .evaluate import Evaluation, evaluate_book
from .locate import Cells
from ..profiles import DepartmentProfile, load_profile
from .writers import supplement_keys

RESULT_TITLE = "整体评价结果（由“整体评价”按钮或 xltools evaluate 生成）"
RESULT_HEADERS = ("严重程度", "工作表", "单元格", "说明")
#: Rows below the result title that are cleared before writing new results.
RESULT_CLEAR_ROWS = 300


def plan_department(book: Any, master_path: str = "",
                    profile: DepartmentProfile | str | None = None) -> Edits:
    """Edits (sheet → {(row, col): value}) that write the evaluation into the
    master's 部门整体支出评分表.  Raises NoFormError when the book has no
    department tables."""
    if profile is None or isinstance(profile, str):
        profile = load_profile(profile, kind="department")
    evaluation = evaluate_book(book, profile)
    grid = _sheet(book, D.SCORE_SHEET)
    if grid is None:
        return {}
    cells: dict[tuple[int, int], Any] = {}
    for result in evaluation.lines:
        if result.row is not None and result.row.indicator.where.sheet == D.SCORE_SHEET:
            cells[(result.row.row, D.COL_BASIS)] = result.basis or None
    start = result_row(grid, profile)
    for row in range(start, start + RESULT_CLEAR_ROWS):
        for col in range(1, D.COL_BASIS + 1):
            if grid.get(row, col) not in (None, ""):
                cells[(row, col)] = None
    for (row, col), value in result_block(evaluation, start).items():
        cells[(row, col)] = value
    return {D.SCORE_SHEET: cells}


def result_row(grid: Any, profile: DepartmentProfile) -> int:
    """First row of the 整体评价结果 block: below the 补充数据 rows."""
    cells = Cells(grid)
    at = cells.find_first(D.SUPPLEMENT_TITLE, "补充数据", contains=True)
    if at is None:
        rows = D.score_rows(len(profile.lines))
        return rows["grade"] + 2
    return at[0] + len(supplement_keys(profile)) + 2


def result_block(evaluation: Evaluation, start: int) -> dict[tuple[int, int], Any]:
    out: dict[tuple[int, int], Any] = {(start, 1): RESULT_TITLE}
    grade = evaluation.grade or "未定（尚有指标未评分）"
    out[(start + 1, 1)] = "按规则总分"
    out[(start + 1, 3)] = evaluation.total
    out[(start + 1, 4)] = f"等次：{grade}"
    if evaluation.self_total is not None:
        out[(start + 1, 5)] = "自评得分合计"
        out[(start + 1, 6)] = evaluation.self_total
    header = start + 2
    if not evaluation.issues:
        out[(header, 1)] = "未发现问题。"
        return out
    for i, text in enumerate(RESULT_HEADERS):
        out[(header, (1, 2, 3, 4)[i])] = text
    for offset, issue in enumerate(evaluation.issues, start=1):
        row = header + offset
        out[(row, 1)] = SEVERITY_TEXT[issue.severity]
        out[(row, 2)] = issue.sheet or None
        out[(row, 3)] = issue.cell or None
        out[(row, 4)] = issue.message
    return out


def _sheet(book: Any, name: str) -> Optional[Any]:
    for grid in getattr(book, "sheets", []):
        if grid.name == name:
            return grid
    return None


def summary_line(evaluation: Evaluation) -> str:
    """One Chinese sentence for a status bar."""
    grade = evaluation.grade or "未定"
    return (f"整体评价：按规则总分 {format_number(evaluation.total)}，等次 {grade}；"
            f"问题 {len(evaluation.problems)} 个")
