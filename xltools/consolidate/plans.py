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
rewrites it whole — nothing left of it is touched.  Totals are formulas with the value the
engine computed cached, so the sheet shows right figures before any recalc.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from ..master import layout as L
from ..core.errors import WorkbookError
from ..xlsx.apply import edit_file
from ..xlsx.edits import Edits, Formula, Plan
from ..core.addresses import col_letter
from ..profiles import Profile
from ..containers.workbook import Book, load_book
from . import units
from .merge import DEPARTMENT_ROW
from ..core.issues import SEVERITY_TEXT
from .layout import DETAIL, SUMMARY
from .output import OutputData

BLOCK_TITLE = "汇总下级报送结果（由“汇总下级报送”生成，重新汇总时本区域整体改写，请勿在此手工填写）"


def master_info(path: str | os.PathLike, need_summary: bool = True) -> tuple[list[str], str]:
    """(expected units, department) from the master's 基础信息 sheet.  Raises
    WorkbookError when the master cannot be read or has no 整体支出 sheet."""
    book = load_book(path)
    if need_summary and book.sheet(L.SUMMARY_SHEET) is None:
        raise WorkbookError(str(path), f"主表中没有“{L.SUMMARY_SHEET}”工作表，汇总表无处写入")
    return units.expected_units(book), units.info_value(book, ("主管部门", "部门名称")) or ""


def block_cells(data: OutputData, start_col: int, start_row: int = 1) -> dict[tuple[int, int], Any]:
    """The cells of our block, its top-left corner at (start_row, start_col)."""
    cells: dict[tuple[int, int], Any] = {}

    def put(r: int, c: int, value: Any) -> None:
        cells[(r, start_col + c - 1)] = value

    def L_(c: int) -> str:  # column letter of our c-th column
        return col_letter(start_col + c - 1)

    r = start_row
    put(r, 1, BLOCK_TITLE)
    r += 2
    # 整体支出汇总 ------------------------------------------------------------
    put(r, 1, "整体支出汇总（单位：万元）")
    r += 1
    for c, h in enumerate(SUMMARY.headers[:-1], start=1):
        put(r, c, h)
    r += 1
    dept = data.summary.department
    dept_row = r
    first_unit, last_unit = r + 1, max(r + 1, r + len(data.summary.units))
    put(r, 1, DEPARTMENT_ROW)
    for c, value in ((2, dept.projects), (3, dept.budget_initial), (4, dept.budget_full_year),
                     (5, dept.spent)):
        put(r, c, Formula(f"=SUM({L_(c)}{first_unit}:{L_(c)}{last_unit})", value))
    _tail(put, L_, r, dept.execution_rate, dept.balance, dept.score_avg, dept.score_min)
    for u in data.summary.units:
        r += 1
        for c, value in enumerate((u.name, u.projects, u.budget_initial, u.budget_full_year,
                                   u.spent), start=1):
            put(r, c, value)
        _tail(put, L_, r, u.execution_rate, u.balance, u.score_avg, u.score_min)
    r += 2
    # 部门整体支出绩效自评表 · 年度资金总额 ---------------------------------------
    put(r, 1, "部门整体支出绩效自评表 · 年度资金总额（单位：万元）")
    r += 1
    for c, h in enumerate(("项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
                          start=1):
        put(r, c, h)
    r += 1
    put(r, 1, "年度资金总额")
    for c, src, value in ((2, 3, dept.budget_initial), (3, 4, dept.budget_full_year),
                          (4, 5, dept.spent)):
        put(r, c, Formula(f"={L_(src)}{dept_row}", value))
    put(r, 5, data.budget_weight)
    rate = dept.execution_rate
    put(r, 6, Formula(f'=IF(N({L_(3)}{r})<=0,"",{L_(4)}{r}/{L_(3)}{r})', "" if rate is None else rate))
    score = "" if rate is None else data.budget_weight * min(max(rate, 0.0), data.profile.rate_cap)
    put(r, 7, Formula(f'=IF({L_(6)}{r}="","",{L_(5)}{r}*MIN(MAX({L_(6)}{r},0),{data.profile.rate_cap:g}))',
                      score))
    r += 2
    # 项目支出明细 ------------------------------------------------------------
    put(r, 1, "项目支出明细（单位：万元）")
    r += 1
    for c, h in enumerate(DETAIL.headers[:12], start=1):
        put(r, c, h)
    index = 0
    subtotals = []
    for u in data.summary.units:
        first = r + 1
        for rec in data.summary.by_unit[u.name]:
            r += 1
            index += 1
            values = (index, rec.get("unit"), rec.get("name"), rec.get("budget_initial"),
                      rec.get("budget_full_year"), rec.get("spent"), rec.get("execution_rate"),
                      rec.get("budget_score"), rec.get("score_total"), rec.get("rule_score_total"),
                      rec.get("grade"), len(rec.get("issues") or []))
            for c, v in enumerate(values, start=1):
                put(r, c, v)
        r += 1
        put(r, 2, u.name)
        put(r, 3, f"小计（{u.projects} 个项目）")
        for c, v in ((4, u.budget_initial), (5, u.budget_full_year), (6, u.spent), (12, u.problems)):
            put(r, c, Formula(f"=SUM({L_(c)}{first}:{L_(c)}{r - 1})", v))
        put(r, 7, Formula(f'=IF(N({L_(5)}{r})<=0,"",{L_(6)}{r}/{L_(5)}{r})',
                          "" if u.execution_rate is None else u.execution_rate))
        subtotals.append(r)
    r += 1
    put(r, 2, "合计")
    put(r, 3, f"{DEPARTMENT_ROW}（{dept.projects} 个项目）")
    for c, v in ((4, dept.budget_initial), (5, dept.budget_full_year), (6, dept.spent),
                 (12, dept.problems)):
        refs = ",".join(f"{L_(c)}{s}" for s in subtotals) or "0"
        put(r, c, Formula(f"=SUM({refs})", v))
    put(r, 7, Formula(f'=IF(N({L_(5)}{r})<=0,"",{L_(6)}{r}/{L_(5)}{r})',
                      "" if dept.execution_rate is None else dept.execution_rate))
    r += 2
    # 无法读取的文件与错误 -------------------------------------------------------
    bad = [f for f in data.files if f.get("status") == "error"]
    put(r, 1, f"共 {len(data.files)} 个文件，无法读取 {len(bad)} 个；问题 {len(data.problems)} 条"
              "（完整的问题清单和文件状态见 xltools consolidate 输出的汇总工作簿）")
    for f in bad:
        r += 1
        put(r, 1, "无法读取")
        put(r, 2, Path(f.get("path") or "").name)
        put(r, 3, f.get("error") or "")
    for p in [p for p in data.problems if p.get("severity") == "error"][:200]:
        r += 1
        put(r, 1, SEVERITY_TEXT["error"])
        put(r, 2, Path(p.get("file") or "").name)
        put(r, 3, p.get("sheet") or "")
        put(r, 4, p.get("cell") or "")
        put(r, 5, p.get("message") or "")
    return cells


def _tail(put, L_, r: int, rate, balance, avg, low) -> None:
    put(r, 6, Formula(f'=IF(N({L_(4)}{r})<=0,"",{L_(5)}{r}/{L_(4)}{r})', "" if rate is None else rate))
    put(r, 7, Formula(f'=IF(AND({L_(4)}{r}="",{L_(5)}{r}=""),"",N({L_(4)}{r})-N({L_(5)}{r}))',
                      "" if balance is None else balance))
    put(r, 8, avg)
    put(r, 9, low)


def block_column() -> int:
    """First column of our block: right of the master's own summary columns and
    its buttons, so 一键重算 (which rewrites columns A…K) never touches it."""
    return len(L.SUMMARY_COLUMNS) + 5


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
