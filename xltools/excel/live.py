"""The live door: an open workbook (xlwings) read into the engine's plain data,
and a `Plan` (the edit contract, `xltools.xlsx.edits`) applied to it.

`read_book(xw_book)` gives a `workbook.Book` of grids — what `load_book` gives
for a file — so the planners (`master.plans`, `department.plans`,
`consolidate.plans`) run unchanged on the live book; `apply_plan(xw_book, plan)`
carries out what they return, as `xltools.xlsx.apply` does on a file.  Text is
always written as text (`_as_text`): only `Formula` objects become formulas.
Only these xlwings calls are used (a test stand-in implements the same few):

    book.fullname, book.sheets (iterate, [name]), book.app.status_bar
    sheet.name, sheet.visible, sheet.used_range, sheet.range(...),
    sheet.copy(after=, name=), sheet.activate(), sheet.page_setup.print_area,
    sheet.api.ProtectContents / Unprotect() / Protect(...)
    range.row, range.column, range.last_cell, range.options(ndim=2).value,
    range.formula, range.merge_cells, range.merge_area, range.number_format,
    range.value = ..., range.formula = ..., range.copy(), range.paste("formats")

Sheets the master protects (no password) are unprotected while written and
protected again as `xltools.master.build` protects them.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any

from ..containers.workbook import Book, Grid
from ..xlsx.edits import Edits, Formula, NewProject, Plan
from ..xlsx.text import cell_text, needs_quote_prefix


def read_book(xw_book: Any) -> Book:
    """The live workbook's sheets as grids (values as Excel shows them, and
    which cells hold formulas)."""
    sheets = []
    for sheet in xw_book.sheets:
        used = sheet.used_range
        values = used.options(ndim=2).value or []
        formulas = used.formula
        if isinstance(formulas, str):
            formulas = ((formulas,),)
        top, left = used.row, used.column
        rows: list[list[Any]] = [[] for _ in range(top - 1)]
        rows += [[None] * (left - 1) + list(line) for line in values]
        formula_cells = {
            (top + i, left + j)
            for i, line in enumerate(formulas or ())
            for j, text in enumerate(line)
            if isinstance(text, str) and text.startswith("=")
        }
        while rows and not any(v not in (None, "") for v in rows[-1]):
            rows.pop()
        bottom, right = top + len(values) - 1, left + max((len(v) for v in values), default=1) - 1
        sheets.append(Grid(name=sheet.name, rows=rows, formulas=formula_cells,
                           merged=_merges(sheet, top, left, bottom, right),
                           percent_cells=_percent_cells(sheet, rows, top, left),
                           hidden=not _visible(sheet)))
    return Book(path=str(xw_book.fullname), sheets=sheets, has_macros=True)


def _merges(sheet: Any, top: int, left: int, bottom: int, right: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges inside the used range.  Excel has no call listing them, so
    each row is asked once and only rows holding merged cells cell by cell."""
    out: list[tuple[int, int, int, int]] = []
    covered: set[tuple[int, int]] = set()
    for r in range(top, bottom + 1):
        if sheet.range((r, left), (r, right)).merge_cells is False:
            continue
        for c in range(left, right + 1):
            if (r, c) in covered:
                continue
            cell = sheet.range((r, c))
            if not cell.merge_cells:
                continue
            area = cell.merge_area
            last = area.last_cell
            box = (area.row, area.column, last.row, last.column)
            out.append(box)
            covered.update((rr, cc) for rr in range(box[0], box[2] + 1)
                           for cc in range(box[1], box[3] + 1))
    return out


def _percent_cells(sheet: Any, rows: list[list[Any]], top: int, left: int) -> set[tuple[int, int]]:
    """Numeric cells shown as percent (0.9742 formatted 97.42%), as `load_book`
    reports them: one call per row, cell by cell only where formats differ."""
    out: set[tuple[int, int]] = set()
    for r, line in enumerate(rows, start=1):
        numeric = [c for c, v in enumerate(line, start=1)
                   if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not numeric:
            continue
        fmt = sheet.range((r, numeric[0]), (r, numeric[-1])).number_format
        if isinstance(fmt, str):
            if "%" in fmt:
                out.update((r, c) for c in numeric)
            continue
        out.update((r, c) for c in numeric if "%" in (sheet.range((r, c)).number_format or ""))
    return out


def _visible(sheet: Any) -> bool:
    try:
        return bool(sheet.visible)
    except Exception:  # pragma: no cover - very old Excel builds
        return True


def apply_plan(xw_book: Any, plan: Plan) -> int:
    """New sheets first (Excel copies the template, inputs cleared), then row
    formats, the values, print areas.  Returns the number of cells written."""
    for new in plan.new_projects:
        add_project_sheet(xw_book, new)
    for fmt in plan.row_formats:
        sheet = xw_book.sheets[fmt.sheet]
        with unprotected(sheet):
            sheet.range((fmt.source_row, fmt.first_col), (fmt.source_row, fmt.last_col)).copy()
            sheet.range((fmt.target_row, fmt.first_col)).paste("formats")
    written = write_edits(xw_book, plan.edits)
    for name, area in plan.print_areas.items():
        xw_book.sheets[name].page_setup.print_area = area
    return written


@contextmanager
def unprotected(sheet: Any):
    """Lift a sheet's protection (the master sets none with a password) while
    writing, and put it back as `xltools.master._protect` sets it."""
    api = sheet.api
    protected = bool(getattr(api, "ProtectContents", False))
    if protected:
        api.Unprotect()
    try:
        yield sheet
    finally:
        if protected:
            api.Protect(DrawingObjects=True, Contents=True, Scenarios=True,
                        AllowFormattingColumns=True, AllowFormattingRows=True)


def write_edits(xw_book: Any, edits: Edits) -> int:
    """Write `edits` into the open book: plain values a row-run at a time,
    formulas one cell at a time.  Returns the number of cells written."""
    written = 0
    for sheet_name, cells in edits.items():
        if not cells:
            continue
        sheet = xw_book.sheets[sheet_name]
        with unprotected(sheet):
            written += _write_sheet(sheet, cells)
    return written


#: Text Excel would parse into something else when it is assigned to a cell
#: (it reads it as if typed): a number, percent, currency, date, time, fraction
#: or TRUE/FALSE — anything starting with a digit, sign, point, bracket or
#: currency sign, and the two truth words.
_EXCEL_WOULD_PARSE = re.compile(r"^\s*(?:[\d.(+\-$¥￥€£]|(?:true|false)\s*$)", re.I)


def _as_text(value: Any) -> Any:
    """A text as the cell should hold it (`xlsx.text.cell_text`), with Excel's
    leading apostrophe where Excel would otherwise make it a formula
    ("=完成", "\t=2+2") or a number or date ("-5", "2022-1-1"): the apostrophe
    is not part of the text, it marks the cell as text (quotePrefix)."""
    if not isinstance(value, str) or value == "":
        return value
    text = cell_text(value)
    if needs_quote_prefix(text) or _EXCEL_WOULD_PARSE.match(text):
        return "'" + text
    return text


def _write_sheet(sheet: Any, cells: dict[tuple[int, int], Any]) -> int:
    written = 0
    cells = {rc: v if isinstance(v, Formula) else _as_text(v) for rc, v in cells.items()}
    for row, start, run in _runs(cells):
        if any(isinstance(v, Formula) for v in run):
            for offset, value in enumerate(run):
                target = sheet.range((row, start + offset))
                if isinstance(value, Formula):
                    target.formula = value.text
                else:
                    target.value = value
        elif len(run) == 1:
            sheet.range((row, start)).value = run[0]
        else:
            sheet.range((row, start), (row, start + len(run) - 1)).value = list(run)
        written += len(run)
    return written


def _runs(cells: dict[tuple[int, int], Any]):
    """(row, first column, [values]) for each run of adjacent cells in a row."""
    for row in sorted({r for r, _ in cells}):
        cols = sorted(c for r, c in cells if r == row)
        start = prev = cols[0]
        run = [cells[(row, start)]]
        for col in cols[1:]:
            if col == prev + 1:
                run.append(cells[(row, col)])
            else:
                yield row, start, run
                start, run = col, [cells[(row, col)]]
            prev = col
        yield row, start, run


def add_project_sheet(xw_book: Any, plan: NewProject) -> Any:
    """新增项目 in the open book: Excel copies the template sheet (buttons,
    validations and formats come along), then its input cells are cleared and
    its formulas written again."""
    template = xw_book.sheets[plan.template]
    new = template.copy(after=template, name=plan.name)
    write_edits(xw_book, {plan.name: {rc: None for rc in plan.clear}})
    return new
