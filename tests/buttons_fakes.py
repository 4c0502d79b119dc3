"""A tiny in-memory stand-in for the few xlwings calls `xltools.excel.live`
uses (listed in its docstring), so every button's Python side runs on Linux.
Not a test module."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import openpyxl


class FakeApi:
    def __init__(self, protected: bool):
        self.ProtectContents = protected
        self.calls: list[str] = []

    def Unprotect(self):
        self.calls.append("Unprotect")
        self.ProtectContents = False

    def Protect(self, **kwargs):
        self.calls.append("Protect")
        self.ProtectContents = True


class FakePageSetup:
    def __init__(self, area: Optional[str] = None):
        self.print_area = area


class FakeRange:
    def __init__(self, sheet: "FakeSheet", first: tuple[int, int], last: tuple[int, int]):
        self.sheet, (self.r1, self.c1), (self.r2, self.c2) = sheet, first, last

    row = property(lambda self: self.r1)
    column = property(lambda self: self.c1)

    @property
    def last_cell(self) -> "FakeRange":
        return FakeRange(self.sheet, (self.r2, self.c2), (self.r2, self.c2))

    def _merged_boxes(self):
        return [m for m in self.sheet.merges
                if not (m[2] < self.r1 or m[0] > self.r2 or m[3] < self.c1 or m[1] > self.c2)]

    @property
    def merge_cells(self):
        """Excel's MergeCells: True, False, or None when the range is mixed."""
        boxes = self._merged_boxes()
        if not boxes:
            return False
        inside = {(r, c) for r1, c1, r2, c2 in boxes for r in range(r1, r2 + 1)
                  for c in range(c1, c2 + 1)}
        return True if all(rc in inside for line in self._cells() for rc in line) else None

    @property
    def merge_area(self) -> "FakeRange":
        box = next(iter(self._merged_boxes()), None)
        if box is None:
            return self
        return FakeRange(self.sheet, (box[0], box[1]), (box[2], box[3]))

    @property
    def number_format(self):
        formats = {self.sheet.number_formats.get(rc, "General") for line in self._cells() for rc in line}
        return formats.pop() if len(formats) == 1 else None

    def options(self, ndim: int = 2, **_):
        self._ndim = ndim
        return self

    def _cells(self):
        return [[(r, c) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    def _scalar(self) -> bool:
        return (self.r1, self.c1) == (self.r2, self.c2) and getattr(self, "_ndim", None) != 2

    @property
    def value(self):
        grid = [[self.sheet.values.get(rc) for rc in line] for line in self._cells()]
        return grid[0][0] if self._scalar() else grid

    @value.setter
    def value(self, data):
        """As Excel takes a value: a text is read as if typed — a leading
        apostrophe marks it text (quotePrefix, not part of the text), "=…"
        becomes a formula, a number-like text a number."""
        self.sheet._check_writable()
        cells = self._cells()
        if not isinstance(data, list):
            data = [[data]]
        elif data and not isinstance(data[0], list):
            data = [data]
        for line, values in zip(cells, data):
            for rc, v in zip(line, values):
                self.sheet.formulas.pop(rc, None)
                self.sheet.quoted.discard(rc)
                if v in (None, ""):
                    self.sheet.values.pop(rc, None)
                elif isinstance(v, str) and v.startswith("'"):
                    self.sheet.values[rc] = v[1:]
                    self.sheet.quoted.add(rc)
                elif isinstance(v, str) and v.startswith("="):
                    self.sheet.formulas[rc] = v
                    self.sheet.values.pop(rc, None)
                elif isinstance(v, str) and _typed_number(v) is not None:
                    self.sheet.values[rc] = _typed_number(v)
                else:
                    self.sheet.values[rc] = v

    @property
    def formula(self):
        grid = tuple(tuple(self.sheet.formulas.get(rc) or _text(self.sheet.values.get(rc))
                           for rc in line) for line in self._cells())
        return grid[0][0] if (self.r1, self.c1) == (self.r2, self.c2) else grid

    @formula.setter
    def formula(self, text: str):
        self.sheet._check_writable()
        rc = (self.r1, self.c1)
        self.sheet.formulas[rc] = text
        self.sheet.values.pop(rc, None)  # the fake does not calculate

    def copy(self, destination=None):
        self.sheet.book.clipboard = (self.sheet, self)

    def paste(self, paste=None):
        assert paste == "formats"
        sheet, src = self.sheet.book.clipboard
        for offset, c in enumerate(range(src.c1, src.c2 + 1)):
            self.sheet.styles[(self.r1, self.c1 + offset)] = sheet.styles.get((src.r1, c))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _typed_number(text: str):
    """The number Excel makes of a typed text ("-5", " 12 ", "50%"), or None."""
    t = text.strip()
    scale = 1.0
    if t.endswith("%"):
        t, scale = t[:-1], 0.01
    try:
        return float(t) * scale
    except ValueError:
        return None


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str, protected: bool = False):
        self.book, self.name = book, name
        self.values: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.styles: dict[tuple[int, int], Any] = {}
        self.number_formats: dict[tuple[int, int], str] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.quoted: set[tuple[int, int]] = set()  # cells with Excel's PrefixCharacter "'"
        self.visible = True
        self.api = FakeApi(protected)
        self.page_setup = FakePageSetup()

    def _check_writable(self):
        if self.api.ProtectContents:
            raise RuntimeError(f"sheet {self.name} is protected")

    @property
    def used_range(self) -> FakeRange:
        cells = set(self.values) | set(self.formulas)
        if not cells:
            return FakeRange(self, (1, 1), (1, 1))
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        return FakeRange(self, (min(rows), min(cols)), (max(rows), max(cols)))

    def range(self, first, last=None) -> FakeRange:
        return FakeRange(self, tuple(first), tuple(last or first))

    def copy(self, before=None, after=None, name=None) -> "FakeSheet":
        new = FakeSheet(self.book, name, protected=self.api.ProtectContents)
        new.values, new.formulas = dict(self.values), dict(self.formulas)
        new.styles = dict(self.styles)
        new.number_formats, new.merges = dict(self.number_formats), list(self.merges)
        new.quoted = set(self.quoted)
        new.page_setup = FakePageSetup(self.page_setup.print_area)
        order = self.book.sheets._list
        order.insert(order.index(after or self) + 1, new)
        return new

    def activate(self):
        self.book.active = self.name


class FakeSheets:
    def __init__(self):
        self._list: list[FakeSheet] = []

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self):
        return len(self._list)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._list[key]
        for sheet in self._list:
            if sheet.name == key:
                return sheet
        raise KeyError(key)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self._list]


class FakeApp:
    def __init__(self):
        self.status_bar: Any = None
        self.alerts: list[str] = []

    def alert(self, prompt, title=None, **_):
        self.alerts.append(prompt)


class FakeBook:
    def __init__(self, fullname: str):
        self.fullname = fullname
        self.sheets = FakeSheets()
        self.app = FakeApp()
        self.active: Optional[str] = None
        self.clipboard = None

    @classmethod
    def from_file(cls, path: Path) -> "FakeBook":
        """The book as Excel would hold it after opening `path`: values shown
        (cached values of formulas), formulas, protection, hidden sheets."""
        book = cls(str(path))
        formulas = openpyxl.load_workbook(path)
        values = openpyxl.load_workbook(path, data_only=True)
        for ws in formulas.worksheets:
            sheet = FakeSheet(book, ws.title, protected=bool(ws.protection.sheet))
            sheet.visible = ws.sheet_state == "visible"
            shown = values[ws.title]
            for row in ws.iter_rows():
                for cell in row:
                    rc = (cell.row, cell.column)
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        sheet.formulas[rc] = cell.value
                        v = shown.cell(*rc).value
                        if v is not None:
                            sheet.values[rc] = v
                    elif cell.value is not None:
                        sheet.values[rc] = cell.value
                    sheet.styles[rc] = cell.style_id
                    sheet.number_formats[rc] = cell.number_format
            sheet.merges = [(m.min_row, m.min_col, m.max_row, m.max_col)
                            for m in ws.merged_cells.ranges]
            book.sheets._list.append(sheet)
        return book
