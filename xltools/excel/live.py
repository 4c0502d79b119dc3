"""The adapter between an open workbook (xlwings) and the engine's plain data.

`read_book(xw_book)` gives a `workbook.Book` of grids — what `load_book` gives
for a file — so the planners of `xltools.recalc` run unchanged on the live
book; `write_edits(xw_book, edits)` applies their `Edits`.  Only these xlwings
calls are used (a test stand-in implements the same few):

    book.fullname, book.sheets (iterate, [name]), book.app.status_bar
    sheet.name, sheet.visible, sheet.used_range, sheet.range(...),
    sheet.copy(after=, name=), sheet.activate()
    range.row, range.column, range.options(ndim=2).value, range.formula,
    range.value = ..., range.formula = ...
"""
from __future__ import annotations

from typing import Any

from ..recalc import Edits, Formula, NewProject
from ..workbook import Book, Grid


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
        sheets.append(Grid(name=sheet.name, rows=rows, formulas=formula_cells,
                           hidden=not _visible(sheet)))
    return Book(path=str(xw_book.fullname), sheets=sheets, has_macros=True, engine="xlwings")


def _visible(sheet: Any) -> bool:
    try:
        return bool(sheet.visible)
    except Exception:  # pragma: no cover - very old Excel builds
        return True


def write_edits(xw_book: Any, edits: Edits) -> int:
    """Write `edits` into the open book: plain values a row-run at a time,
    formulas one cell at a time.  Returns the number of cells written."""
    written = 0
    for sheet_name, cells in edits.items():
        if not cells:
            continue
        sheet = xw_book.sheets[sheet_name]
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
    validations and formats come along), then its input cells are cleared."""
    template = xw_book.sheets[plan.template]
    new = template.copy(after=template, name=plan.name)
    write_edits(xw_book, {plan.name: {rc: None for rc in plan.clear}})
    return new
