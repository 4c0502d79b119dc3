"""Opening a workbook file as plain grids, whatever state it is in.

`load_book(path)` returns a `Book` of `Grid`s: cell values (1-based), merged
ranges, and — with the openpyxl engine — which cells hold formulas and which are
formatted as percent.  The calamine engine is several times faster and is what
consolidation uses; it knows values and merges only.  A file that cannot be read
raises `WorkbookError` with a Chinese reason: missing, empty, encrypted, corrupt,
not a workbook.
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

from ..core.errors import WorkbookError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Grid:
    """One worksheet's cells as values.  `get(row, col)` is 1-based and returns
    None outside the used range.  `merged` lists (min_row, min_col, max_row,
    max_col) ranges; `anchor(row, col)` gives the top-left cell of the merged
    range covering a cell (or the cell itself)."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    hidden: bool = False
    _cover: Optional[dict[tuple[int, int], tuple[int, int]]] = field(default=None, repr=False)

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_col(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def get(self, row: int, col: int) -> Any:
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        line = self.rows[row - 1]
        return line[col - 1] if col <= len(line) else None

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        if self._cover is None:
            cover: dict[tuple[int, int], tuple[int, int]] = {}
            for r1, c1, r2, c2 in self.merged:
                if (r2 - r1 + 1) * (c2 - c1 + 1) > 5000:
                    continue  # a clerk merged a whole area; not a field
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        cover[(r, c)] = (r1, c1)
            self._cover = cover
        return self._cover.get((row, col), (row, col))

    def merged_value(self, row: int, col: int) -> Any:
        """The value shown in a cell: the merged range's top-left value."""
        return self.get(*self.anchor(row, col))

    def is_formula(self, row: int, col: int) -> bool:
        return (row, col) in self.formulas


@dataclass
class Book:
    """A workbook read into grids.  `has_macros` is True when the file carries a
    VBA project (never run: xltools only reads)."""

    path: str
    sheets: list[Grid]
    has_macros: bool = False
    engine: str = "openpyxl"

    def __iter__(self) -> Iterator[Grid]:
        return iter(self.sheets)

    def sheet(self, name: str) -> Optional[Grid]:
        for grid in self.sheets:
            if grid.name == name:
                return grid
        return None


def load_book(path: str | os.PathLike, engine: str = "openpyxl") -> Book:
    """Read every worksheet of an .xlsx/.xlsm file into grids.

    Raises WorkbookError (Chinese reason) when the file cannot be read.
    """
    path = str(path)
    data = _sniff(path)
    has_macros = False
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
            if "xl/workbook.xml" not in names:
                raise WorkbookError(path, "不是 Excel 工作簿（压缩包中没有 xl/workbook.xml）")
    except zipfile.BadZipFile:
        raise WorkbookError(path, "文件已损坏，无法作为 Excel 工作簿打开") from None
    if engine == "calamine":
        sheets = _load_calamine(path)
    elif engine == "openpyxl":
        sheets = _load_openpyxl(path)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    del data
    return Book(path=path, sheets=sheets, has_macros=has_macros, engine=engine)


def _sniff(path: str) -> bytes:
    p = Path(path)
    if not p.exists():
        raise WorkbookError(path, "文件不存在")
    if p.is_dir():
        raise WorkbookError(path, "这是一个文件夹，不是工作簿")
    if p.stat().st_size == 0:
        raise WorkbookError(path, "文件是空的（0 字节）")
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise WorkbookError(path, "工作簿设置了打开密码（已加密），请去掉密码后重新报送")
        raise WorkbookError(path, "这是旧版 .xls 格式，请在 Excel/WPS 中另存为 .xlsx 后再报送")
    if not head.startswith(_ZIP_MAGIC):
        raise WorkbookError(path, "不是 Excel 工作簿（文件内容不是 .xlsx/.xlsm 格式）")
    return head


def _is_encrypted_ole(path: str) -> bool:
    try:
        import msoffcrypto

        with open(path, "rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:
        return False


def _load_openpyxl(path: str) -> list[Grid]:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=False, keep_vba=False, keep_links=False)
    except Exception as exc:
        raise WorkbookError(path, f"文件已损坏，无法读取（{type(exc).__name__}）") from None
    cached = None
    grids = []
    try:
        for ws in wb.worksheets:
            rows: list[list[Any]] = []
            formulas: set[tuple[int, int]] = set()
            percents: set[tuple[int, int]] = set()
            for r_idx, row in enumerate(ws.iter_rows(), start=1):
                values = []
                for c_idx, cell in enumerate(row, start=1):
                    value = cell.value
                    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and cell.data_type == "f"):
                        formulas.add((r_idx, c_idx))
                        if cached is None:
                            cached = _cached_values(path)
                        value = cached.get(ws.title, {}).get((r_idx, c_idx))
                    elif not isinstance(value, (str, int, float, type(None))):
                        value = _plain(value)
                    fmt = cell.number_format or ""
                    if "%" in fmt and isinstance(value, (int, float)):
                        percents.add((r_idx, c_idx))
                    values.append(value)
                rows.append(values)
            _trim(rows)
            merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
            grids.append(Grid(ws.title, rows, merged, formulas, percents,
                              hidden=ws.sheet_state != "visible"))
    finally:
        wb.close()
    return grids


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value
    return str(value)


def _cached_values(path: str) -> dict[str, dict[tuple[int, int], Any]]:
    """Values Excel (or LibreOffice) saved for formula cells; empty when the file
    was written by a program that does not compute (openpyxl)."""
    import warnings

    import openpyxl

    out: dict[str, dict[tuple[int, int], Any]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        for ws in wb.worksheets:
            cells: dict[tuple[int, int], Any] = {}
            for r_idx, row in enumerate(ws.iter_rows(), start=1):
                for c_idx, cell in enumerate(row, start=1):
                    if getattr(cell, "value", None) is not None:
                        cells[(r_idx, c_idx)] = cell.value
            out[ws.title] = cells
    finally:
        wb.close()
    return out


def _load_calamine(path: str) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(path)
    except Exception as exc:
        raise WorkbookError(path, f"文件已损坏，无法读取（{type(exc).__name__}）") from None
    grids = []
    try:
        for meta in wb.sheets_metadata:
            if str(getattr(meta, "typ", "")).lower().endswith("chartsheet"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            start = sheet.start or (0, 0)
            rows = [[None] * start[1] + [None if v == "" else v for v in row]
                    for row in sheet.to_python(skip_empty_area=True)]
            rows = [[None] * 0] * start[0] + rows
            _trim(rows)
            merged = []
            for rng in sheet.merged_cell_ranges or []:
                (r1, c1), (r2, c2) = rng
                merged.append((r1 + 1, c1 + 1, r2 + 1, c2 + 1))
            visible = str(getattr(meta, "visible", "visible")).lower()
            grids.append(Grid(meta.name, rows, merged, hidden="hidden" in visible))
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(path, f"文件已损坏，无法读取（{type(exc).__name__}）") from None
    finally:
        wb.close()
    return grids


def _trim(rows: list[list[Any]]) -> None:
    """Drop trailing empty cells and rows so grids stay small."""
    for row in rows:
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
