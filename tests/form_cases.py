"""Real seed forms changed the way a clerk might: shared by the check tests.  Not a
test module.

The base form is seed 001's 网络安全设备和安全服务 (examples/submissions/局机关.xlsx),
consistent as typed: `check` finds nothing in it.  Its layout: 项目名称 B2, 主管部门 B3,
实施单位 B4; 项目资金 header row 5, 年度资金总额 row 6 (年初 D, 全年 E, 执行 F, 分值 G,
执行率 H, 得分 I); indicators rows 13–22 (二级 C, 三级 D, 年度指标值 E, 实际完成值 F,
分值 G, 得分 H, 偏差原因 I); 总分 row 23 (分值 G23 100, 得分 H23 98).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import openpyxl

from xltools.core.addresses import from_a1
from xltools.master.plans import Formula
from xltools.profiles import load_profile
from xltools.containers.workbook import Book, Grid, load_book
from xltools.project.report import CheckedForm, FileResult, check_book, check_file
from xltools.xlsx.package import Package, set_cells

REPO = Path(__file__).resolve().parents[1]
SUBMISSIONS = REPO / "examples" / "submissions"
SOURCE = SUBMISSIONS / "局机关.xlsx"
SHEET = "网络安全设备和安全服务"


def changed_book(tmp_path: Path, changes: dict[str, Any], *, source: Path = SOURCE, sheet: str = SHEET,
                 formulas: Optional[dict[str, tuple[str, Any]]] = None, unmerge: tuple[str, ...] = (),
                 hidden_first: Optional[dict[str, Any]] = None, name: str = "一处改动.xlsx",
                 percent: tuple[str, ...] = ()) -> Path:
    """The one sheet of `source`, with `changes` (A1 → value) typed in.
    formulas: A1 → (formula, value cached as a spreadsheet program would).
    hidden_first: another copy of the sheet, changed so, hidden and placed first."""
    wb = openpyxl.load_workbook(source)
    for other in [ws for ws in wb.worksheets if ws.title != sheet]:
        wb.remove(other)
    ws = wb[sheet]
    for ref in unmerge:
        ws.unmerge_cells(ref)
    for ref, value in changes.items():
        ws[ref] = value
    for ref in percent:  # the cell formatted as a percentage (0%)
        ws[ref].number_format = "0%"
    if hidden_first is not None:
        copy = wb.copy_worksheet(ws)
        copy.title = "隐藏"
        for ref, value in hidden_first.items():
            copy[ref] = value
        copy.sheet_state = "hidden"
        wb.move_sheet(copy, offset=-1)
    path = tmp_path / name
    wb.save(path)
    if formulas:
        pkg = Package.load(path)
        part = pkg.sheet_part(sheet)
        cells = {from_a1(ref): Formula(text, cached) for ref, (text, cached) in formulas.items()}
        pkg.put(part, set_cells(pkg.text(part), cells))
        pkg.save(path)
    return path


def check_changed(tmp_path: Path, changes: dict[str, Any], profile: str = "national", *,
                  on_disk: bool = False, **kw: Any) -> CheckedForm:
    """Check the changed form; exactly one form is expected in the book.  The change
    is made to the base form read once into memory (fast: the mutation tests run
    these for every mutant) unless `on_disk`, which saves and reads a real file."""
    if on_disk:
        result = check_book_file(changed_book(tmp_path, changes, **kw), profile)
    else:
        result = check_book(changed_in_memory(changes, **kw), load_profile(profile))
    (checked,) = result.checked
    return checked


@lru_cache(maxsize=8)
def _base(source: Path, sheet: str) -> Grid:
    (grid,) = [g for g in load_book(source).sheets if g.name == sheet]
    return grid


def changed_in_memory(changes: dict[str, Any], *, source: Path = SOURCE, sheet: str = SHEET,
                      formulas: Optional[dict[str, tuple[str, Any]]] = None, unmerge: tuple[str, ...] = (),
                      hidden_first: Optional[dict[str, Any]] = None, percent: tuple[str, ...] = ()) -> Book:
    """`changed_book`, as the workbook reader would give it back, without a file."""
    def grid_with(changes: dict[str, Any], name: str, hidden: bool) -> Grid:
        base = _base(source, sheet)
        rows = [list(row) for row in base.rows]
        merged = [m for m in base.merged
                  if not any(m == _range(ref) for ref in unmerge)]
        percents, cells = set(base.percent_cells), set(base.formulas)
        for ref, value in changes.items():
            r, c = from_a1(ref)
            while len(rows) < r:
                rows.append([])
            rows[r - 1] += [None] * (c - len(rows[r - 1]))
            rows[r - 1][c - 1] = value
            if not isinstance(value, (int, float)):
                percents.discard((r, c))
        percents |= {from_a1(ref) for ref in percent}
        return Grid(name, rows, merged, cells, percents, hidden)

    sheets = [grid_with(changes, sheet, False)]
    for ref, (_text, cached) in (formulas or {}).items():
        sheets[0].rows[from_a1(ref)[0] - 1][from_a1(ref)[1] - 1] = cached
        sheets[0].formulas.add(from_a1(ref))
    if hidden_first is not None:
        sheets.insert(0, grid_with({**changes, **hidden_first}, "隐藏", True))
    return Book(str(source), sheets)


def _range(ref: str) -> tuple[int, int, int, int]:
    first, last = ref.split(":")
    return (*from_a1(first), *from_a1(last))


def check_book_file(path: Path, profile: str = "national") -> FileResult:
    result = check_file(path, load_profile(profile))
    assert result.status == "ok", result.error
    return result


def found(checked: CheckedForm) -> list[tuple]:
    """Every issue as (code, severity, cell, field, value, message)."""
    return [(i.code, i.severity, i.cell, i.field, i.value, i.message) for i in checked.issues]
