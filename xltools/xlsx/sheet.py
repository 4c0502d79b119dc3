"""The one sheet-writing kit: every workbook xltools creates is written through it.

`Book(path)` wraps an XlsxWriter workbook; `book.sheet(name)` gives a `Sheet`
whose methods take 1-based (row, col) like the rest of xltools.  A look (`Look`)
is plain data — font, size, bold, colour, alignment, wrap, border, fill, number
format, locked — and `Book` turns each distinct look into one XlsxWriter format.

What the kit guarantees, for every writer:

- **text is text**: `Sheet.text`/`Sheet.value` write strings as string cells
  through `xlsx.text.cell_text` (control characters made readable), with the
  quotePrefix style when the text starts like a formula; the workbook is opened
  with XlsxWriter's string conversions off, so no clerk text ever becomes a
  formula, a number or a link;
- **formulas carry their values**: `Sheet.formula(row, col, text, value)` needs
  the value the engine computed, so previews, Protected View, WPS mobile and any
  reader of cached values see the right figure (Excel still recalculates on
  open: XlsxWriter sets fullCalcOnLoad);
- **one width rule**: `Sheet.fit_row` plans a row's height from its texts with
  `xlsx.text.text_lines` (CJK counts 2);
- **one print set-up**: A4, landscape unless asked, centred, narrow margins,
  fit to the page width (or to one page), title rows repeated, page numbers;
- validations, conditional formats, merges, protection, defined names and sheet
  references (`quote_sheet`) in one place;
- **macros when asked**: `Book(path, vba=bytes)` carries a VBA project (the
  workbook and sheets get code names: ThisWorkbook, Sheet1, …) and
  `Sheet.button` draws form-control buttons that call its Subs;
- **what was written can be read back at once**: every sheet keeps the value
  each cell shows (a formula's cached value included), so a writer that needs a
  figure it wrote — a summary row pulling a project's total — or a planner that
  works on grids (`Book.grids()`, the `containers.workbook.Book` the readers
  take) never reopens the file.

Write-only by design: a sheet is written once, top to bottom where the book is
in constant-memory mode (large outputs).  Editing an existing workbook is the
package editor's job (`xlsx.package`).
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Optional, Sequence

import xlsxwriter
import xlsxwriter.worksheet
from xlsxwriter.utility import xl_range

from ..core.addresses import to_a1
from .edits import Formula
from .text import cell_text, needs_quote_prefix, row_height, text_lines

FONT_NAME = "宋体"  # SimSun in Excel/WPS; LibreOffice falls back to a CJK font
TITLE_FONT_NAME = "黑体"
PAGE_FOOTER = "&C第 &P 页，共 &N 页"

MONEY_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"


@dataclass(frozen=True)
class Look:
    """How a cell looks.  `align` is left/center/right, `valign` top/vcenter;
    `fill` a hex colour ("F2F2F2"); `fmt` an Excel number format."""

    font: str = FONT_NAME
    size: float = 10
    bold: bool = False
    color: Optional[str] = None
    align: str = "center"
    valign: str = "vcenter"
    wrap: bool = True
    border: bool = True
    fill: Optional[str] = None
    fmt: Optional[str] = None
    locked: bool = True

    def but(self, **changes: Any) -> "Look":
        """This look with some properties changed."""
        return replace(self, **changes)


# The looks of the official tables.
CELL = Look()
LEFT = Look(align="left")
LEFT_TOP = Look(align="left", valign="top")
RIGHT = Look(align="right")
BOLD = Look(bold=True)
HEADER = Look(bold=True, fill="F2F2F2")
TITLE = Look(font=TITLE_FONT_NAME, size=16, border=False, wrap=False)
NOTE = Look(size=9, color="595959", align="left", border=False)
PLAIN = Look(border=False, align="left")
MONEY = Look(align="right", fmt=MONEY_FORMAT)
RATE = Look(align="right", fmt=RATE_FORMAT)
SCORE = Look(align="right", fmt=SCORE_FORMAT)
INPUT = Look(locked=False)

#: Conditional-format looks (fill and font only).
CF_ERROR = {"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True}
CF_WARN = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
CF_REQUIRED = {"bg_color": "#FFF2CC"}
CF_MUTED = {"font_color": "#A6A6A6"}


def quote_sheet(name: str) -> str:
    """A sheet name as a formula reference prefix: 项目1 → '项目1'."""
    return "'" + name.replace("'", "''") + "'"


def ref(sheet: str, cell: str, absolute: bool = True) -> str:
    """'Sheet'!$B$2 from "B2"."""
    from ..core.addresses import from_a1

    row, col = from_a1(cell)
    return f"{quote_sheet(sheet)}!{to_a1(row, col, absolute=absolute)}"


class Book:
    """An XlsxWriter workbook with xltools' defaults.

    constant_memory: rows stream to disk (each sheet written top to bottom) —
    for outputs of any size.  Call `close()` (or use as a context manager)."""

    def __init__(self, path: str | os.PathLike, *, constant_memory: bool = False,
                 vba: Optional[bytes] = None, compression: Optional[int] = None) -> None:
        """vba: a vbaProject.bin to carry (an .xlsm with buttons); compression:
        zlib level of the file's zip (None: XlsxWriter's, 6; 1 writes a large
        output several times faster, a little bigger)."""
        self.path = str(path)
        self.compression = compression
        self.wb = xlsxwriter.Workbook(self.path, {
            "constant_memory": constant_memory,
            "in_memory": not constant_memory,  # no temporary file per part
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
            "default_date_format": "yyyy-mm-dd",
        })
        self.macros = vba is not None
        if vba is not None:
            import io

            self.wb.add_vba_project(io.BytesIO(vba), is_stream=True)
            self.wb.set_vba_name("ThisWorkbook")
        self._formats: dict[tuple[Look, bool], Any] = {}
        self._cf: dict[tuple, Any] = {}
        self.sheets: list[Sheet] = []

    # -- formats ------------------------------------------------------------
    def format(self, look: Look, quote: bool = False):
        key = (look, quote)
        fmt = self._formats.get(key)
        if fmt is None:
            props: dict[str, Any] = {
                "font_name": look.font, "font_size": look.size, "bold": look.bold,
                "align": look.align, "valign": look.valign, "text_wrap": look.wrap,
                "locked": look.locked,
            }
            if look.color:
                props["font_color"] = "#" + look.color
            if look.border:
                props["border"] = 1
            if look.fill:
                props["bg_color"] = "#" + look.fill
                props["pattern"] = 1
            if look.fmt:
                props["num_format"] = look.fmt
            if quote:
                props["quote_prefix"] = True
            fmt = self._formats[key] = self.wb.add_format(props)
        return fmt

    def cf_format(self, props: dict[str, Any]):
        key = tuple(sorted(props.items()))
        fmt = self._cf.get(key)
        if fmt is None:
            fmt = self._cf[key] = self.wb.add_format(dict(props))
        return fmt

    # -- sheets and names ---------------------------------------------------
    def sheet(self, name: str) -> "Sheet":
        sheet = Sheet(self, self.wb.add_worksheet(name, worksheet_class=_Worksheet), name)
        self.sheets.append(sheet)
        if self.macros:  # document modules Sheet1, Sheet2 … of the VBA project
            sheet.ws.set_vba_name(f"Sheet{len(self.sheets)}")
        return sheet

    def get(self, name: str) -> Optional["Sheet"]:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        return None

    def grids(self):
        """The book as the readers and planners see a file: a
        `containers.workbook.Book` of grids holding what each cell shows."""
        from ..containers.workbook import Book as GridBook

        return GridBook(self.path, [s.grid() for s in self.sheets], has_macros=self.macros)

    def activate(self, sheet: "Sheet") -> None:
        sheet.ws.activate()

    def define_name(self, name: str, formula: str, sheet: Optional[str] = None) -> None:
        """A defined name ("XT_UNITS" → "=OFFSET(…)"), workbook-wide or local to `sheet`."""
        full = f"{quote_sheet(sheet)}!{name}" if sheet else name
        self.wb.define_name(full, formula if formula.startswith("=") else "=" + formula)

    def close(self) -> None:
        if self.compression is None:
            self.wb.close()
            return
        import functools
        import xlsxwriter.workbook as xw_workbook

        real = xw_workbook.ZipFile
        xw_workbook.ZipFile = functools.partial(real, compresslevel=self.compression)
        try:
            self.wb.close()
        finally:
            xw_workbook.ZipFile = real

    def __enter__(self) -> "Book":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _RowData:
    """Where a constant-memory sheet's rows go until the book is closed: a
    binary file that XlsxWriter writes text to (encoded here, as its own text
    file would) and a `RowWriter` writes rows to as UTF-8 bytes made once per
    distinct piece (`raw`)."""

    def __init__(self, path: str) -> None:
        self.raw = open(path, "wb", buffering=1 << 18)  # noqa: SIM115 (XlsxWriter closes it)

    def write(self, text: str) -> None:
        self.raw.write(text.encode("utf-8"))

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.raw.close()


class _Worksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's worksheet; in a constant-memory book its rows go to a
    `_RowData` and are copied into the sheet's part as the bytes they are
    (XlsxWriter's own copy decodes and encodes them again).  Line breaks in
    texts stay "\n" on Windows too (a text file wrote "\r\n", which XML
    readers take as "\n" anyway)."""

    def _initialize(self, init_data: dict) -> None:
        super()._initialize(init_data)
        if self.constant_memory and getattr(self, "row_data_fh", None) is not None:
            self.row_data_fh.close()
            self.row_data_fh = self.fh = _RowData(self.row_data_filename)

    def _write_optimized_sheet_data(self) -> None:
        buffer = getattr(self.fh, "buffer", None)
        if self.dim_rowmin is None or buffer is None or self.row_data_fh is None:
            super()._write_optimized_sheet_data()
            if self.dim_rowmin is None and self.row_data_fh is not None:  # (XlsxWriter leaves it)
                self.row_data_fh.close()
                try:
                    os.unlink(self.row_data_filename)
                except OSError:
                    pass
            return
        import shutil

        self._xml_start_tag("sheetData")
        self.row_data_fh.close()  # (written out)
        self.fh.flush()
        with open(self.row_data_filename, "rb") as rows:
            shutil.copyfileobj(rows, buffer, 1 << 20)
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")


class Sheet:
    """One worksheet; rows and columns are 1-based."""

    def __init__(self, book: Book, ws, name: str) -> None:
        self.book = book
        self.ws = ws
        self.name = name
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        #: (row, col) → the value the cell shows (a formula's cached value).
        self.shown: dict[tuple[int, int], Any] = {}
        #: (row, col) → formula text, for the cells holding one of our formulas.
        self.formulas: dict[tuple[int, int], str] = {}
        #: (row, col) → the look a cell was written with.
        self.looks: dict[tuple[int, int], Look] = {}
        self.merged: list[tuple[int, int, int, int]] = []
        self.hidden = False
        self.area: Optional[str] = None

    def _keep(self, row: int, col: int, value: Any, look: Look, formula: Optional[str] = None) -> None:
        self.shown[(row, col)] = value
        self.looks[(row, col)] = look
        if formula is None:
            self.formulas.pop((row, col), None)
        else:
            self.formulas[(row, col)] = formula

    def at(self, cell: str | tuple[int, int]) -> Any:
        """What a cell written so far shows ("H27" or (row, col)); None if blank."""
        if isinstance(cell, str):
            from ..core.addresses import from_a1

            cell = from_a1(cell.replace("$", ""))
        value = self.shown.get(cell)
        return None if value == "" else value

    def grid(self):
        """This sheet as a `containers.workbook.Grid` (values shown, merges,
        formula cells, percent-formatted numbers)."""
        from ..containers.workbook import Grid

        last_row = max((r for r, _ in self.shown), default=0)
        rows: list[list[Any]] = [[] for _ in range(last_row)]
        percents = set()
        for (r, c), value in sorted(self.shown.items()):
            line = rows[r - 1]
            while len(line) < c:
                line.append(None)
            line[c - 1] = None if value == "" else value
            look = self.looks.get((r, c))
            if look is not None and look.fmt and "%" in look.fmt and isinstance(value, (int, float)):
                percents.add((r, c))
        for line in rows:
            while line and line[-1] is None:
                line.pop()
        while rows and not rows[-1]:
            rows.pop()
        return Grid(self.name, rows, list(self.merged), set(self.formulas), percents, hidden=self.hidden)

    # -- cells ----------------------------------------------------------------
    def value(self, row: int, col: int, value: Any, look: Look = CELL) -> None:
        """Write a value of any kind: text through the text path, numbers as
        numbers (NaN/inf never: written blank), None as a styled blank."""
        if isinstance(value, str):
            self.text(row, col, value, look)
        elif isinstance(value, bool):
            self.ws.write_boolean(row - 1, col - 1, value, self.book.format(look))
            self._keep(row, col, value, look)
        elif isinstance(value, (int, float)):
            self.number(row, col, value, look)
        elif isinstance(value, (_dt.date, _dt.datetime)):
            self.ws.write_datetime(row - 1, col - 1, value, self.book.format(look.but(fmt=look.fmt or "yyyy-mm-dd")))
            self._keep(row, col, value, look)
        elif value is None:
            self.ws.write_blank(row - 1, col - 1, None, self.book.format(look))
            self._keep(row, col, None, look)
        else:
            self.text(row, col, str(value), look)

    def text(self, row: int, col: int, text: Optional[str], look: Look = CELL) -> None:
        """A string cell — clerk text or ours — never a formula."""
        if text is None or text == "":
            self.ws.write_blank(row - 1, col - 1, None, self.book.format(look))
            self._keep(row, col, None, look)
            return
        clean = cell_text(str(text))
        self.ws.write_string(row - 1, col - 1, clean, self.book.format(look, needs_quote_prefix(clean)))
        self._keep(row, col, clean, look)

    def number(self, row: int, col: int, number: Optional[float], look: Look = CELL) -> None:
        if number is None or (isinstance(number, float) and not math.isfinite(number)):
            self.ws.write_blank(row - 1, col - 1, None, self.book.format(look))
            self._keep(row, col, None, look)
            return
        self.ws.write_number(row - 1, col - 1, number, self.book.format(look))
        self._keep(row, col, number, look)

    def formula(self, row: int, col: int, formula: str, value: Any, look: Look = CELL) -> None:
        """A formula xltools composed, with the value the engine computed for it
        ("" for a formula that shows blank, a number, a text, or True/False)."""
        text = formula if formula.startswith("=") else "=" + formula
        if isinstance(value, float) and not math.isfinite(value):
            value = ""
        cached = "" if value is None else value
        if isinstance(cached, str):
            cached = cell_text(cached)
        self.ws.write_formula(row - 1, col - 1, text, self.book.format(look), cached)
        self._keep(row, col, cached, look, text)

    def merge(self, r1: int, c1: int, r2: int, c2: int, value: Any = None, look: Look = CELL) -> None:
        """Merge a range and put `value` (through `value()`) in its top-left cell."""
        if (r1, c1) == (r2, c2):
            self.value(r1, c1, value, look)
            return
        self.ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, None, self.book.format(look))
        self.merged.append((r1, c1, r2, c2))
        self.value(r1, c1, value, look)

    def merge_formula(self, r1: int, c1: int, r2: int, c2: int, formula: str, value: Any,
                      look: Look = CELL) -> None:
        """Merge a range whose top-left cell holds one of our formulas."""
        if (r1, c1) != (r2, c2):
            self.ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, None, self.book.format(look))
            self.merged.append((r1, c1, r2, c2))
        self.formula(r1, c1, formula, value, look)

    def button(self, row: int, col: int, caption: str, macro: str, width_cols: int = 1,
               height_rows: int = 2) -> None:
        """A form-control button (legacy VML, the kind Excel 2007+ runs) at
        (row, col) calling the VBA Sub `macro`; sized in cells of this sheet.
        Buttons are never printed."""
        if not self.book.macros:
            raise ValueError("a button needs a workbook with a VBA project")
        width = sum(_pixels(self.widths.get(c, 8.43)) for c in range(col, col + width_cols))
        height = sum(self.heights.get(r, 15.0) * 4 / 3 for r in range(row, row + height_rows))
        self.ws.insert_button(row - 1, col - 1, {
            "macro": macro, "caption": cell_text(caption),
            "width": max(int(width) - 4, 40), "height": max(int(height) - 4, 20),
            "x_offset": 2, "y_offset": 2})

    def merge_area(self, r1: int, c1: int, r2: int, c2: int) -> None:
        """Register a merged range whose cells the caller writes itself, row by
        row (a range over several rows in a constant-memory sheet, where
        `merge` would write all its rows at once)."""
        self.ws.merge.append([r1 - 1, c1 - 1, r2 - 1, c2 - 1])

    def rows(self, looks: Sequence[Look], first_col: int = 1, *, fit: bool = True,
             minimum: float = 18.0) -> "RowWriter":
        """A fast writer of whole rows in columns first_col… with `looks` (one
        a column): for the long tables of a constant-memory book."""
        return RowWriter(self, looks, first_col, fit=fit, minimum=minimum)

    # -- rows and columns ----------------------------------------------------------
    def set_widths(self, widths: Sequence[float], first_col: int = 1) -> None:
        for i, width in enumerate(widths):
            self.width(first_col + i, width)

    def width(self, col: int, width: float, hidden: bool = False) -> None:
        self.widths[col] = width
        self.ws.set_column(col - 1, col - 1, width, None, {"hidden": hidden} if hidden else None)

    def height(self, row: int, points: float) -> None:
        self.heights[row] = points
        self.ws.set_row(row - 1, points)

    def fit_row(self, row: int, cells: Iterable[tuple[Any, float]], minimum: float = 18.0) -> float:
        """Give `row` the height its tallest text needs; `cells` are (value,
        width in characters of the cell, merged spans summed).  Returns it."""
        lines = max((text_lines(v, w) for v, w in cells), default=1)
        points = row_height(lines, minimum)
        self.height(row, points)
        return points

    def fit_rows(self, first: int, last: int, minimum: float = 18.0) -> None:
        """Plan the height of every row first..last from the texts written in it:
        a cell is as wide as its merged range; a text merged down over several
        rows may use all of them (the last grows when they are not enough).  A
        height set before stays as the row's minimum."""
        spans = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in self.merged}
        need: dict[int, int] = {}
        tall: list[tuple[int, int, int]] = []
        for (r, c), value in self.shown.items():
            if not first <= r <= last or not isinstance(value, str) or not value:
                continue
            r2, c2 = spans.get((r, c), (r, c))
            look = self.looks.get((r, c))
            lines = text_lines(value, self.span_width(c, c2)) if look is None or look.wrap else 1
            if r2 == r:
                need[r] = max(need.get(r, 1), lines)
            else:
                tall.append((r, r2, lines))
        for r in range(first, last + 1):
            self.height(r, max(self.heights.get(r, 0.0), row_height(need.get(r, 1), minimum)))
        for r1, r2, lines in tall:
            have = self.planned_height(r1, r2)
            wanted = row_height(lines)
            if have < wanted:
                self.height(r2, self.heights.get(r2, 15.0) + wanted - have)

    def span_width(self, c1: int, c2: int) -> float:
        """Width of columns c1..c2 (as set on this sheet; 8.43 where unset)."""
        return sum(self.widths.get(c, 8.43) for c in range(c1, c2 + 1))

    # -- rules on cells --------------------------------------------------------------
    def validation(self, ref: str, kind: str, *, title: str, prompt: str, error: str,
                   source: Any = None, minimum: Any = None, maximum: Any = None,
                   operator: str = "between", style: str = "stop") -> None:
        """A data validation on `ref` ("G12:G26", or several separated by spaces):
        kind list (source), decimal/whole (operator, minimum/maximum), custom (source)."""
        options: dict[str, Any] = {
            "validate": {"custom": "custom", "list": "list", "decimal": "decimal",
                         "whole": "integer"}[kind],
            "ignore_blank": True, "input_title": title[:32], "input_message": prompt[:255],
            "error_title": title[:32], "error_message": error[:255],
            "error_type": {"stop": "stop", "warning": "warning", "information": "information"}[style],
        }
        if kind == "list" and isinstance(source, (list, tuple)):
            options["source"] = [cell_text(str(item)) for item in source]
        elif kind in ("list", "custom"):
            options["source" if kind == "list" else "value"] = source if source.startswith("=") else "=" + source
        else:
            options["criteria"] = {"between": "between", "greaterThanOrEqual": ">=",
                                   "lessThanOrEqual": "<="}[operator]
            if operator == "between":
                options["minimum"], options["maximum"] = minimum, maximum
            else:
                options["value"] = minimum if minimum is not None else maximum
        parts = ref.split()
        first = _range(parts[0])
        if len(parts) > 1:
            options["multi_range"] = " ".join(parts)
        self.ws.data_validation(*first, options)

    def conditional(self, ref: str, formula: str, look: dict[str, Any], stop: bool = False) -> None:
        """Conditional format: `look` (CF_ERROR …) where `formula` (relative to the
        top-left cell of `ref`) is true."""
        self.ws.conditional_format(ref, {
            "type": "formula", "criteria": formula if formula.startswith("=") else "=" + formula,
            "format": self.book.cf_format(look), "stop_if_true": stop,
        })

    # -- the sheet as a whole -----------------------------------------------------------
    def protect(self) -> None:
        """Protection on, no password: formulas stay safe, a clerk can still
        unprotect (审阅 → 撤销工作表保护); row heights and widths may change."""
        self.ws.protect("", {"format_rows": True, "format_columns": True,
                             "select_locked_cells": True, "select_unlocked_cells": True})

    def print_setup(self, area: str, *, title_rows: Optional[tuple[int, int]] = None,
                    portrait: bool = False, one_page: bool = False, footer: bool = True) -> None:
        """A4, landscape unless `portrait`, fit to the page width — to one whole
        page with `one_page` — centred, narrow margins, `title_rows` (first, last)
        repeated on every page, page numbers in the footer."""
        ws = self.ws
        ws.set_paper(9)
        if portrait:
            ws.set_portrait()
        else:
            ws.set_landscape()
        ws.fit_to_pages(1, 1 if one_page else 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        ws.print_area(area)
        self.area = area
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        if footer:
            ws.set_footer(PAGE_FOOTER, {"margin": 0.3})

    def freeze(self, row: int, col: int = 1) -> None:
        """Freeze the rows above `row` (and the columns left of `col`)."""
        self.ws.freeze_panes(row - 1, col - 1)

    def hide(self) -> None:
        """Hidden: not shown, and not printed with the workbook."""
        self.ws.hide()
        self.hidden = True

    def no_gridlines(self) -> None:
        self.ws.hide_gridlines(2)

    def planned_height(self, first: int, last: int, default: float = 15.0) -> float:
        """Points rows first..last take (planned heights, `default` elsewhere)."""
        return sum(self.heights.get(r, default) for r in range(first, last + 1))


def _pixels(width: float) -> float:
    """Pixels of a column `width` characters wide (Calibri 11 / 宋体 metrics)."""
    return 0.0 if width <= 0 else (width * 7 + 5 if width >= 1 else width * 12)


class RowWriter:
    """Whole rows written straight into a constant-memory sheet, the same cells
    `Sheet.value`/`Sheet.formula` write — text through `cell_text` (quotePrefix
    when it starts like a formula), numbers (NaN/inf blank), None a styled
    blank, a formula object (`.text`, `.value`: master.plans.Formula) with its
    cached value — at a fraction of the cost per cell (tables of 10⁵–10⁶ rows).

    Rows go top to bottom, each below anything written before on the sheet;
    the sheet's other writes may follow below.  With `fit`, a row gets the
    height its tallest wrapped text needs in its column (`text_lines`).

    How it stays cheap: a row's XML is its row number joining pieces that
    `_Column` makes once per column (a cell's XML after its reference, up to
    the next cell's reference); a text met before in a column — a unit, a
    file, a code, a message repeated across files — is rendered and measured
    once (a bounded cache per writer)."""

    def __init__(self, sheet: Sheet, looks: Sequence[Look], first_col: int = 1, *,
                 fit: bool = True, minimum: float = 18.0) -> None:
        if not sheet.ws.constant_memory:
            raise ValueError("RowWriter needs a constant-memory book")
        self.sheet = sheet
        self.ws = sheet.ws
        self.first_col = first_col
        self.fit = fit
        self.minimum = minimum
        self._budget = _CACHE_BYTES  # memory for cached texts left (it stays bounded)
        self._made: list[list[_Column]] = []
        self._shorter: dict[tuple[int, int], list[_Column]] = {}
        self.default = self._columns(looks)
        self.last = -1
        self._covered = -1  # the row length whose columns the sheet's dimensions cover
        self._heads: dict[Optional[float], bytes] = {}  # by height given
        self._fitted: dict[int, bytes] = {}  # by lines, heights fitted
        # the row's first cell, up to its row number
        self._open = f'><c r="{_col_name(first_col)}'.encode()

    def _columns(self, looks: Sequence[Look]) -> list["_Column"]:
        """The prepared columns of `looks`, from `first_col` on."""
        book = self.sheet.book
        out = []
        for i, look in enumerate(looks):
            col = self.first_col + i
            width = self.sheet.widths.get(col, 8.43) if look.wrap else 0
            after = f'<c r="{_col_name(col + 1)}' if i < len(looks) - 1 else "</row>"
            out.append(_Column(book.format(look)._get_xf_index(),
                               book.format(look, True)._get_xf_index(), width if self.fit else 0,
                               after))
        self._made.append(out)
        return out

    def looks(self, looks: Sequence[Look]) -> list["_Column"]:
        """Prepared column looks for `write(…, looks=)` (a 小计 row's, say)."""
        return self._columns(looks)

    def _cut(self, cols: list["_Column"], n: int) -> list["_Column"]:
        """`cols` for a row of only `n` values: the n-th column ends the row."""
        key = (id(cols), n)
        out = self._shorter.get(key)
        if out is None:
            last = cols[n - 1]
            end = _Column(last.plain, last.quoted, last.width, "</row>")
            out = self._shorter[key] = cols[:n - 1] + [end]
            self._made.append([end])
        return out

    def _head(self, height: Optional[float]) -> bytes:
        """The rest of the row's tag (its height) and its first cell up to its
        row number."""
        return b'"' + _height(height).encode() + self._open

    def _string(self, column: "_Column", value: str) -> tuple[bytes, int]:
        """A string cell's piece and lines, cached in the column while the
        writer's budget of memory for cached texts lasts (then the caches of
        all its columns start over)."""
        done = column.render(value)
        if len(value) <= _CACHE_TEXT:
            size = _ENTRY_BYTES + 4 * len(value)  # the text, its piece, the entry
            if size > self._budget:
                for columns in self._made:
                    for col in columns:
                        col.texts.clear()
                self._budget = _CACHE_BYTES
            self._budget -= size
            column.texts[value] = done
        return done

    def write(self, row: int, values: Sequence[Any], looks: Optional[list["_Column"]] = None,
              height: Optional[float] = None) -> None:
        """Write `values` in the row's columns (`looks`: from `looks()`, else
        the writer's); `height` in points, else fitted (with `fit`)."""
        ws = self.ws
        r0 = row - 1
        if r0 < ws.previous_row or (r0 == ws.previous_row and (ws.table.get(r0) or r0 <= self.last)):
            raise ValueError(f"{self.sheet.name}: row {row} is above rows already written")
        if ws.table:
            ws._write_single_row(r0)  # XlsxWriter's pending row goes out first
        cols = looks or self.default
        n = len(values)
        if n != len(cols):
            cols = self._cut(cols, n) if 0 < n < len(cols) else cols[:n]
        parts = [b'<row r="', b""]
        add = parts.append
        lines = 1
        for value, column in zip(values, cols):
            kind = type(value)
            if kind is str:
                if value:
                    piece, need = column.texts.get(value) or self._string(column, value)
                    add(piece)
                    if need > lines:
                        lines = need
                else:
                    add(column.blank)
            elif value is None:
                add(column.blank)
            elif kind is float:
                add(column.number % value if _isfinite(value) else column.blank)
            elif kind is int:
                add(column.number % value)
            elif kind is Formula:
                add(column.formula(value))
            else:
                piece, need = column.other(value)
                add(piece)
                if need > lines:
                    lines = need
        fitted = height is None and self.fit
        if not n:
            if fitted:
                height = self.minimum
            line = f'<row r="{row}"{_height(height)}></row>'.encode()
        else:
            head = self._fitted.get(lines) if fitted else self._heads.get(height)
            if head is None:
                if fitted:
                    head = self._fitted[lines] = self._head(
                        row_height(lines, self.minimum) if lines > 1 else self.minimum)
                else:
                    head = self._heads[height] = self._head(height)
            parts[1] = head
            line = b"%d" % row
            line = line.join(parts)
        fh = ws.fh
        raw = getattr(fh, "raw", None)
        if raw is not None:
            raw.write(line)
        else:  # XlsxWriter's own text file
            fh.write(line.decode("utf-8"))
        # the sheet's dimensions (XlsxWriter's _check_dimensions, rows going down)
        if r0 < ws.xls_rowmax:
            if ws.dim_rowmin is None or r0 < ws.dim_rowmin:
                ws.dim_rowmin = r0
            if ws.dim_rowmax is None or r0 > ws.dim_rowmax:
                ws.dim_rowmax = r0
            if n != self._covered:  # (the columns only ever widen)
                c1, c2 = self.first_col - 1, self.first_col + max(n, 1) - 2
                if ws.dim_colmin is None or c1 < ws.dim_colmin:
                    ws.dim_colmin = c1
                if ws.dim_colmax is None or c2 > ws.dim_colmax:
                    ws.dim_colmax = c2
                self._covered = n
        ws.previous_row = r0
        self.last = r0


#: Texts up to this long are rendered once per column of a RowWriter …
_CACHE_TEXT = 256
#: … in about this many bytes per writer (memory stays bounded) …
_CACHE_BYTES = 1 << 20
#: … an entry taking about this many besides 4 a character.
_ENTRY_BYTES = 256

_isfinite = math.isfinite


def _height(height: Optional[float]) -> str:
    """A row's height attributes (none for None), rounded as XlsxWriter's
    set_row does."""
    if height is None:
        return ""
    return f' ht="{int(height * 4.0 / 3.0 + 0.5) * 0.75:.16g}" customHeight="1"'


def _col_name(col: int) -> str:
    """The letters of 1-based column `col`."""
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(col - 1)


class _Column:
    """One column of a RowWriter: the XML of its cells, as UTF-8 bytes, from
    the closing quote of the cell's reference up to the next cell's reference
    before its row number (`after`: `<c r="F`, or `</row>` for the last column)."""

    __slots__ = ("plain", "quoted", "width", "after", "blank", "number", "texts")

    def __init__(self, plain: int, quoted: int, width: float, after: str) -> None:
        self.plain = plain
        self.quoted = quoted
        self.width = width  # wrap width in characters (0: not measured)
        self.after = after
        self.blank = f'" s="{plain}"/>{after}'.encode()
        #: a number's cell: `number % value` (bytes %r is the number's repr)
        self.number = f'" s="{plain}"><v>%r</v></c>{after}'.encode()
        #: text → (piece, lines) of the texts met before
        self.texts: dict[str, tuple[bytes, int]] = {}

    def render(self, value: str) -> tuple[bytes, int]:
        """A string cell (inline string) and the lines it needs wrapped in the
        column (1 when not measured)."""
        text = cell_text(value)
        need = text_lines(text, self.width) if self.width else 1
        s = self.quoted if needs_quote_prefix(text) else self.plain
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        return (f'" s="{s}" t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>{self.after}'
                .encode(), need)

    def other(self, value: Any) -> tuple[bytes, int]:
        """A cell of any other kind: True/False, a str or number subclass, one
        of our formulas (.text, .value) with its cached value."""
        plain = self.plain
        if isinstance(value, bool):
            return f'" s="{plain}" t="b"><v>{int(value)}</v></c>{self.after}'.encode(), 1
        if isinstance(value, str):
            return self.render(value) if value else (self.blank, 1)
        if isinstance(value, (int, float)):
            if math.isfinite(value):
                return self.number % float(value), 1
            return self.blank, 1
        return self.formula(value), 1

    def formula(self, value: Any) -> bytes:
        """One of our formulas (.text, .value) with its cached value."""
        text = value.text
        if text.startswith("="):
            text = text[1:]
        kind_attr, cached = _cached(value.value)
        return (f'" s="{self.plain}"{kind_attr}><f>{_xml_text(text)}</f><v>{cached}</v></c>{self.after}'
                .encode())


def _xml_text(text: str) -> str:
    """XML character data as Excel stores it: & < > escaped, a literal
    `_xHHHH_` kept literal (`_x005F_xHHHH_`)."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    return text


_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")


def _cached(value: Any) -> tuple[str, str]:
    """(type attribute, <v> text) of a formula's cached value: a number, a
    text (blank for "" and None), TRUE/FALSE."""
    if isinstance(value, bool):
        return ' t="b"', str(int(value))
    if isinstance(value, (int, float)) and math.isfinite(value):
        return "", repr(value)
    if value is None or isinstance(value, float):
        return ' t="str"', ""
    return ' t="str"', _xml_text(cell_text(str(value)))


def _range(ref: str) -> tuple[int, int, int, int]:
    """"G12:G26" or "B3" → 0-based (first_row, first_col, last_row, last_col)."""
    from ..core.addresses import from_a1

    a, _, b = ref.partition(":")
    r1, c1 = from_a1(a)
    r2, c2 = from_a1(b) if b else (r1, c1)
    return r1 - 1, c1 - 1, r2 - 1, c2 - 1


__all__ = ["Book", "Sheet", "Look", "quote_sheet", "ref", "xl_range"]
