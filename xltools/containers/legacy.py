"""The other spreadsheet containers: .xls (and WPS .et saved as BIFF), .xlsb and
.ods, read by python-calamine — after a scan of where their cells lie.

calamine builds each sheet as one dense rectangle from A1 to its last cell, so
one value typed far away (row 1 048 576, column XFD) would ask it for hundreds
of GiB.  The scans below read only record headers (BIFF, BIFF12) or XML
attributes (ODF) to find the extent and count the cells; a sheet reaching past
the region a form can occupy, or a file with too many cells, is refused with a
named reason before calamine sees it.  The ODF scan also gives what calamine
does not: merged ranges, percent cells and formula cells.
"""
from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass, field
from typing import Any, Optional

from ..core.errors import WorkbookError, damage_detail
from .limits import Limits


@dataclass
class Extent:
    """One sheet as scanned: its last row/column with content (1-based) and, for
    ODF, what calamine does not report."""

    name: str = ""
    rows: int = 0
    cols: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    percents: set[tuple[int, int]] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    hidden: bool = False


def _too_far(path: str, sheet: str, rows: int, cols: int, limits: Limits) -> WorkbookError:
    where = f"第 {rows} 行" if rows > limits.max_rows else f"第 {cols} 列"
    return WorkbookError(path, f"工作表“{sheet}”在{where}还有内容，远超自评表的范围"
                               f"（最多读 {limits.max_rows} 行 × {limits.max_cols} 列）；"
                               "请删除多余内容，或在 Excel/WPS 中另存为 .xlsx 后重新报送")


def _too_many(path: str, limits: Limits) -> WorkbookError:
    return WorkbookError(path, f"单元格超过 {limits.max_cells} 个，文件过大，不像一份自评表；"
                               "请删除多余内容后重新报送")


# ---------------------------------------------------------------- BIFF (.xls)
_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x00D6, 0x0205, 0x0406}
_MULRK = 0x00BD
_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085


def biff_stream(path: str) -> Optional[bytes]:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an OLE file, or None."""
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            for name in ("Workbook", "Book", "WORKBOOK", "BOOK"):
                if ole.exists(name):
                    return ole.openstream(name).read()
    except Exception:
        return None
    return None


def ole_streams(path: str) -> list[str]:
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            return ["/".join(e) for e in ole.listdir()]
    except Exception:
        return []


def scan_biff(path: str, data: bytes, limits: Limits) -> None:
    """Raise when a BIFF sheet reaches past the region or the file has too many cells."""
    pos, n = 0, len(data)
    depth, sheet_no, cells = 0, 0, 0
    names: list[str] = []
    max_r = max_c = 0
    while pos + 4 <= n:
        rtype, size = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4: pos + 4 + size]
        pos += 4 + size
        if rtype == _BOUNDSHEET and len(body) > 8:
            names.append(_biff_name(body))
        elif rtype == _BOF:
            depth += 1
            if depth == 1 and names is not None:
                sheet_no += 1
            max_r = max_c = 0
        elif rtype == _EOF:
            depth = max(0, depth - 1)
        elif rtype in _BIFF_CELLS and len(body) >= 4:
            r, c = struct.unpack_from("<HH", body, 0)
            cells += 1
            max_r, max_c = max(max_r, r + 1), max(max_c, c + 1)
        elif rtype == _MULRK and len(body) >= 6:
            r, c = struct.unpack_from("<HH", body, 0)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            cells += max(0, last - c + 1)
            max_r, max_c = max(max_r, r + 1), max(max_c, last + 1)
        else:
            continue
        if cells > limits.max_cells:
            raise _too_many(path, limits)
        if max_r > limits.max_rows or max_c > limits.max_cols:
            index = sheet_no - 2  # the first BOF is the workbook globals
            sheet = names[index] if 0 <= index < len(names) else f"第 {max(index + 1, 1)} 张"
            raise _too_far(path, sheet, max_r, max_c, limits)
    if len(names) > limits.max_sheets:
        raise WorkbookError(path, f"工作簿有 {len(names)} 张工作表，超过上限 {limits.max_sheets} 张，不像一份自评表")


def _biff_name(body: bytes) -> str:
    try:
        length, flags = body[6], body[7]
        raw = body[8:]
        return raw[: length * 2].decode("utf-16-le") if flags & 1 else raw[:length].decode("latin-1")
    except Exception:
        return ""


# ---------------------------------------------------------------- BIFF12 (.xlsb)
_XLSB_ROW = 0x0000
_XLSB_CELLS = set(range(0x0001, 0x000C))


def scan_xlsb(path: str, zf: zipfile.ZipFile, limits: Limits) -> None:
    parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".bin")]
    if len(parts) > limits.max_sheets:
        raise WorkbookError(path, f"工作簿有 {len(parts)} 张工作表，超过上限 {limits.max_sheets} 张，不像一份自评表")
    cells = 0
    for part in parts:
        data = zf.read(part)  # sizes already capped by the zip guard
        pos, n, row = 0, len(data), 0
        while pos < n:
            rtype, pos = _varint(data, pos, 2)
            size, pos = _varint(data, pos, 4)
            body_at = pos
            pos += size
            if rtype == _XLSB_ROW and size >= 4:
                row = struct.unpack_from("<I", data, body_at)[0] + 1
            elif rtype in _XLSB_CELLS and size >= 4:
                col = struct.unpack_from("<I", data, body_at)[0] + 1
                cells += 1
                if cells > limits.max_cells:
                    raise _too_many(path, limits)
                if row > limits.max_rows or col > limits.max_cols:
                    raise _too_far(path, part.rsplit("/", 1)[-1], row, col, limits)


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    value, shift = 0, 0
    for _ in range(most):
        if pos >= len(data):
            break
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return value, pos


# ---------------------------------------------------------------- ODF (.ods)
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def scan_ods(path: str, zf: zipfile.ZipFile, limits: Limits) -> list[Extent]:

    t = "{%s}" % _TABLE
    tags = (f"{t}table", f"{t}table-row", f"{t}table-cell", f"{t}covered-table-cell",
            "{%s}style" % _STYLE, "{%s}table-properties" % _STYLE)
    sheets: list[Extent] = []
    hidden_styles: set[str] = set()
    style_name = ""
    row = col = 0
    row_repeat = 1
    cells = 0
    try:
        fh = zf.open("content.xml")
    except KeyError:
        raise WorkbookError(path, "不是 OpenDocument 表格（压缩包中没有 content.xml）") from None
    with fh:
        for event, el in _iterparse(fh, tags):
            tag = el.tag
            if tag == "{%s}style" % _STYLE:
                if event == "start":
                    style_name = el.get("{%s}name" % _STYLE) or ""
                continue
            if tag == "{%s}table-properties" % _STYLE:
                if event == "start" and el.get(f"{t}display") == "false":
                    hidden_styles.add(style_name)
                continue
            if tag == f"{t}table":
                if event == "start":
                    sheets.append(Extent(name=el.get(f"{t}name") or "",
                                         hidden=el.get(f"{t}style-name") in hidden_styles))
                    if len(sheets) > limits.max_sheets:
                        raise WorkbookError(path, f"工作簿超过 {limits.max_sheets} 张工作表，不像一份自评表")
                    row = 0
                continue
            if tag == f"{t}table-row":
                if event == "start":
                    row_repeat = _rep(el.get(f"{t}number-rows-repeated"))
                    row += 1
                    col = 0
                else:
                    row += row_repeat - 1
                    el.clear()
                continue
            if event != "end" or not sheets:
                continue
            ext = sheets[-1]
            repeat = _rep(el.get(f"{t}number-columns-repeated"))
            first_col = col + 1
            col += repeat
            cells += 1
            if cells > limits.max_cells:
                raise _too_many(path, limits)
            vtype = el.get("{%s}value-type" % _OFFICE)
            has = vtype is not None or any(True for _ in el.iter("{%s}p" % _TEXT))
            if has:
                last_row, last_col = row + row_repeat - 1, col
                if last_row > limits.max_rows or last_col > limits.max_cols:
                    raise _too_far(path, ext.name, last_row, last_col, limits)
                ext.rows, ext.cols = max(ext.rows, last_row), max(ext.cols, last_col)
                marks = [s for s, on in ((ext.percents, vtype == "percentage"),
                                         (ext.formulas, bool(el.get(f"{t}formula")))) if on]
                for target in marks:
                    target.update((r, c) for c in range(first_col, col + 1)
                                  for r in range(row, row + row_repeat))
            spans = (_rep(el.get(f"{t}number-rows-spanned")), _rep(el.get(f"{t}number-columns-spanned")))
            if spans != (1, 1) and row <= limits.max_rows and first_col <= limits.max_cols:
                ext.merged.append((row, first_col, min(row + spans[0] - 1, limits.max_rows),
                                   min(first_col + spans[1] - 1, limits.max_cols)))
            el.clear()
    return sheets


def _iterparse(fh, tags):
    from lxml import etree

    try:
        yield from etree.iterparse(fh, events=("start", "end"), tag=tags, huge_tree=True,
                                   resolve_entities=False, no_network=True)
    except etree.XMLSyntaxError:
        return


def _rep(value: Optional[str]) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


# ---------------------------------------------------------------- calamine
def read_calamine(path: str, limits: Limits, extents: Optional[list[Extent]] = None):
    """→ list of (name, hidden, rows, merged, percents, formulas) read by calamine,
    cut to the region."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(path)
    except BaseException as exc:  # a Rust panic surfaces as PanicException (a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise WorkbookError(path, _calamine_reason(exc)) from None
    by_name = {e.name: e for e in (extents or [])}
    out = []
    try:
        for meta in wb.sheets_metadata:
            if str(getattr(meta, "typ", "")).lower().endswith("chartsheet"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            start = sheet.start or (0, 0)
            # iter_rows() yields every row from the first (row 0), each from the
            # first used column (start[1]) on.
            rows: list[list[Any]] = []
            # the columns before the first used one, and how many may follow (the region's width)
            pad = min(start[1], limits.max_cols)
            width = limits.max_cols - pad
            for row in sheet.iter_rows():
                if len(rows) >= limits.max_rows:
                    break
                # calamine's "" is an empty cell (`v != ""` is twice as fast as `v == ""` on numbers)
                line = [v if v != "" else None for v in (row if len(row) <= width else row[:width])]
                rows.append([None] * pad + line if pad else line)
            merged = []
            for rng in sheet.merged_cell_ranges or []:
                (r1, c1), (r2, c2) = rng
                if r1 < limits.max_rows and c1 < limits.max_cols:
                    merged.append((r1 + 1, c1 + 1, min(r2 + 1, limits.max_rows), min(c2 + 1, limits.max_cols)))
            ext = by_name.get(meta.name)
            visible = str(getattr(meta, "visible", "visible")).lower()
            hidden = "hidden" in visible or bool(ext and ext.hidden)
            if ext is not None:
                merged = merged or ext.merged
            out.append((meta.name, hidden, rows, merged,
                        ext.percents if ext else set(), ext.formulas if ext else set()))
    except WorkbookError:
        raise
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise WorkbookError(path, _calamine_reason(exc)) from None
    finally:
        wb.close()
    return out


def _calamine_reason(exc: BaseException) -> str:
    name = type(exc).__name__
    if "Password" in name or "password" in str(exc).lower():
        return "工作簿设置了打开密码（已加密），请去掉密码后重新报送"
    return f"文件已损坏，无法读取（{damage_detail(exc)}）"
