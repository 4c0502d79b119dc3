"""汇总下级报送 in the master: the consolidation's tables in its 整体支出 sheet.

One planner, two doors: `plan_block(book, data)` says which cells of 整体支出
hold the block; the button (`plan_consolidate`, through `xltools.excel.live`)
and `xltools consolidate --master` (`write_into_master`, through
`xltools.xlsx.apply`) both apply exactly that plan.  The file door edits the
master part by part in its zip, so macros, buttons, validations and styles
keep their bytes; it backs the master up (verified) and replaces it
atomically — and leaves it untouched when the block is already there.

Our block sits right of the master's own project summary and its buttons (from
column `block_column()`), which 一键重算 never rewrites; each run clears and
rewrites it whole — nothing left of it is touched.  Where each of its tables
sits is `layout.BlockLayout`; its formulas, each with the value it shows cached
(the sheet shows right figures before any recalc), are `consolidate.formulas`'.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from ..containers.workbook import Book, load_book
from ..core.errors import WorkbookError
from ..core.issues import SEVERITY_TEXT
from ..master import layout as L
from ..profiles import Profile
from ..xlsx.apply import edit_file
from ..xlsx.edits import Edits, Formula, Plan
from . import formulas as F
from . import units
from .layout import BLOCK_BUDGET_CAPTION, BLOCK_DETAIL_CAPTION, BLOCK_ERRORS, BLOCK_SUMMARY_CAPTION
from .layout import BLOCK_TITLE, MONEY_KEYS, BlockLayout, Columns, block_column
from .merge import DEPARTMENT_ROW
from .output import OutputData


def master_info(path: str | os.PathLike, need_summary: bool = True) -> tuple[list[str], str]:
    """(expected units, department) from the master's 基础信息 sheet.  Raises
    WorkbookError when the master cannot be read or has no 整体支出 sheet."""
    book = load_book(path)
    if need_summary and book.sheet(L.SUMMARY_SHEET) is None:
        raise WorkbookError(str(path), f"主表中没有“{L.SUMMARY_SHEET}”工作表，汇总表无处写入")
    return units.expected_units(book), units.info_value(book, ("主管部门", "部门名称")) or ""


#: The project record's figures the block's 项目支出明细 shows as they are (by key).
RECORD_KEYS = ("budget_initial", "budget_full_year", "spent", "execution_rate", "budget_score",
               "score_total", "rule_score_total", "grade")


def block_cells(data: OutputData, start_col: int, start_row: int = 1) -> dict[tuple[int, int], Any]:
    """The cells of our block, its top-left corner at (start_row, start_col)
    (positions from `layout.BlockLayout`, formulas from `consolidate.formulas`)."""
    summary = data.summary
    dept = summary.department
    lay = BlockLayout([(u.name, u.projects) for u in summary.units], start_col, start_row)
    cells: dict[tuple[int, int], Any] = {}

    def put(r: int, columns: Columns, values: dict[str, Any]) -> None:
        for key, value in values.items():
            cells[(r, columns.col(key))] = value

    def headers(r: int, columns: Columns) -> None:
        put(r, columns, dict(zip(columns.keys, columns.headers)))

    cells[(lay.title_row, lay.left)] = BLOCK_TITLE
    # 整体支出汇总 ------------------------------------------------------------
    s = lay.summary
    cells[(lay.summary_caption_row, lay.left)] = BLOCK_SUMMARY_CAPTION
    headers(lay.summary_header_row, s)
    r = lay.department_row
    put(r, s, {"unit": DEPARTMENT_ROW})
    for key in ("projects", *MONEY_KEYS):
        put(r, s, {key: Formula(F.total(s.span(key, lay.first_unit_row, lay.last_unit_row)),
                                F.shown(getattr(dept, key)))})
    dept_shown = F.shown_money(dept)
    put(r, s, _tail(s, r, dept_shown, dept.score_avg, dept.score_min))
    for u in summary.units:
        r = lay.unit_rows[u.name]
        figures = {key: getattr(u, key) for key in MONEY_KEYS}
        put(r, s, {"unit": u.name, "projects": u.projects, **figures})
        put(r, s, _tail(s, r, figures, u.score_avg, u.score_min))
    # 部门整体支出绩效自评表 · 年度资金总额 ---------------------------------------
    b = lay.budget
    cells[(lay.budget_caption_row, lay.left)] = BLOCK_BUDGET_CAPTION
    headers(lay.budget_header_row, b)
    r = lay.budget_row
    put(r, b, {key: Formula(F.reference(s.a1(lay.department_row, key)), dept_shown[key])
               for key in MONEY_KEYS})
    rate = F.rate_cell(b, r, dept_shown)
    put(r, b, {"label": "年度资金总额", "weight": data.budget_weight, "execution_rate": rate,
               "score": F.score_cell(b, r, data.budget_weight, rate.value, data.profile)})
    # 项目支出明细 ------------------------------------------------------------
    d = lay.detail
    cells[(lay.detail_caption_row, lay.left)] = BLOCK_DETAIL_CAPTION
    headers(lay.detail_header_row, d)
    index = 0
    for u in summary.units:
        rows = lay.detail_units[u.name]
        for r, rec in enumerate(summary.by_unit[u.name], start=rows.first):
            index += 1
            put(r, d, {"index": index, "unit": rec.get("unit"), "name": rec.get("name"),
                       **{key: rec.get(key) for key in RECORD_KEYS},
                       "problems": len(rec.get("issues") or [])})
        r = rows.subtotal
        put(r, d, {"unit": u.name, "name": f"小计（{u.projects} 个项目）"})
        put(r, d, {key: Formula(F.total(d.span(key, rows.first, rows.last)), F.shown(getattr(u, key)))
                   for key in (*MONEY_KEYS, "problems")})
        put(r, d, {"execution_rate": F.rate_cell(d, r, F.shown_money(u))})
    r = lay.detail_total_row
    put(r, d, {"unit": "合计", "name": f"{DEPARTMENT_ROW}（{dept.projects} 个项目）"})
    put(r, d, {key: Formula(F.total(*(d.a1(rows.subtotal, key) for rows in lay.detail_units.values())),
                            F.shown(getattr(dept, key)))
               for key in (*MONEY_KEYS, "problems")})
    put(r, d, {"execution_rate": F.rate_cell(d, r, dept_shown)})
    # 无法读取的文件与错误 -------------------------------------------------------
    bad = [f for f in data.files if f.get("status") == "error"]
    r = lay.notes_row
    cells[(r, lay.left)] = (f"共 {len(data.files)} 个文件，无法读取 {len(bad)} 个；问题 {len(data.problems)} 条"
                            "（完整的问题清单和文件状态见 xltools consolidate 输出的汇总工作簿）")
    for f in bad:
        r += 1
        put(r, lay.files, {"status": "无法读取", "file": Path(f.get("path") or "").name,
                           "reason": f.get("error") or ""})
    for p in [p for p in data.problems if p.get("severity") == "error"][:BLOCK_ERRORS]:
        r += 1
        put(r, lay.errors, {"severity": SEVERITY_TEXT["error"], "file": Path(p.get("file") or "").name,
                            "sheet": p.get("sheet") or "", "cell": p.get("cell") or "",
                            "message": p.get("message") or ""})
    return cells


def _tail(columns: Columns, r: int, shown: dict[str, Any], avg: Optional[float],
          low: Optional[float]) -> dict[str, Any]:
    """执行率, 结余, 平均得分, 最低得分 of a summary row whose money cells show
    `shown` (by key); the scores as the merge has them, not formulas."""
    return {"execution_rate": F.rate_cell(columns, r, shown),
            "balance": F.balance_cell(columns, r, shown), "score_avg": avg, "score_min": low}


def plan_block(book: Book, data: OutputData) -> Plan:
    """The planner of 汇总下级报送 in the master: clear our previous block in
    整体支出 (every cell from column `block_column()` on) and write the new one.
    Raises WorkbookError when the book has no 整体支出 sheet."""
    grid = book.sheet(L.SUMMARY_SHEET)
    if grid is None:
        raise WorkbookError(str(book.path), f"主表中没有“{L.SUMMARY_SHEET}”工作表，汇总表无处写入")
    start = block_column()
    cells: dict[tuple[int, int], Any] = {}
    for r in range(1, grid.max_row + 1):  # clear our previous block
        for c in range(start, len(grid.rows[r - 1]) + 1):
            if grid.get(r, c) is not None:
                cells[(r, c)] = None
    for r, c in grid.formulas:  # formulas showing a blank too
        if c >= start:
            cells[(r, c)] = None
    cells.update(block_cells(data, start))
    return Plan(edits={L.SUMMARY_SHEET: cells})


def write_into_master(path: str | os.PathLike, data: OutputData) -> bool:
    """`xltools consolidate --master`: `plan_block` applied to the master file.
    Returns False when the block was already there unchanged (the file is then
    left untouched, no backup made).  Raises WorkbookError when the master
    cannot be read or has no 整体支出 sheet."""
    return edit_file(path, lambda book: plan_block(book, data)).changed


# ------------------------------------------------------------------ the button
#: Folder beside the master holding the units' workbooks (the button's input).
SUBMISSIONS_DIR = "下级报送"
#: The output workbook the button writes beside the master.
BUTTON_OUTPUT = "整体支出汇总.xlsx"


def plan_consolidate(book: Book, master_path: str, profile: Optional[Profile] = None) -> Edits:
    """汇总下级报送 on the open master (`xltools.excel.buttons.consolidate`):
    consolidate the 下级报送 folder beside the master like
    `xltools consolidate 下级报送 -o 整体支出汇总.xlsx --master MASTER` (output
    workbook and ledger beside the master), and return `plan_block`'s edits
    for the live book.  Raises XltoolsError with a Chinese message when the
    folder or the sheet is missing."""
    from ..core.errors import XltoolsError
    from ..profiles import load_profile
    from .job import run_job

    grid = book.sheet(L.SUMMARY_SHEET)
    if grid is None:
        raise XltoolsError(f"主表中没有“{L.SUMMARY_SHEET}”工作表，汇总表无处写入")
    folder = Path(master_path).parent / SUBMISSIONS_DIR
    if not folder.is_dir():
        raise XltoolsError(f"没有找到“{SUBMISSIONS_DIR}”文件夹：{folder}。"
                           "请在主表所在文件夹里建立它，把各单位交来的工作簿放进去后再点“汇总下级报送”。")
    expected = units.expected_units(book)
    department = units.info_value(book, ("主管部门", "部门名称")) or ""
    job = run_job([str(folder)], profile or load_profile(None),
                  Path(master_path).parent / BUTTON_OUTPUT, expected=expected,
                  department=department, exclude=[master_path])
    try:
        if job.data is None:
            raise XltoolsError(f"“{SUBMISSIONS_DIR}”文件夹里没有 .xlsx/.xlsm 工作簿：{folder}")
        return plan_block(book, job.data).edits
    finally:
        job.close()
