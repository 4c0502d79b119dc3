"""Opening a submitted file as plain grids, whatever container it came in.

`load_book(path)` returns a `Book` of `Grid`s: cell values (1-based), merged
ranges, which cells hold formulas and which are formatted as percent.  The
container is told by the file's content, not its name:

| container | read by |
|---|---|
| .xlsx / .xlsm | `xlsx.read_xlsx`: calamine for values plus a scan of each sheet part for formulas, percent formats and cached errors; the streaming reader (only the region a form can occupy) when a part is large or irregular |
| .xls (and WPS .et saved as BIFF), .xlsb, .ods | python-calamine, after `legacy`'s scan of the extent |
| Word .docx | `docx.read_docx`: paragraphs and tables stacked into one grid |
| .doc, other .et, encrypted, empty, corrupt, not a workbook | `WorkbookError` with a Chinese reason |

Every zip is checked (`check_zip`) before any member is decompressed; every
limit is in `limits.Limits`.
"""
from __future__ import annotations

import errno
import io
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from ..core.addresses import to_a1
from ..core.errors import WorkbookError
from .limits import Limits, default_limits, human_size

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


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
    #: how a clerk names a cell: A1 in a sheet; “表格3 第5行第2格” in a Word document
    namer: Optional[Callable[[int, int], Optional[str]]] = field(default=None, repr=False)
    #: formula cells saved without their result (no <v>: written by a program, not Excel/WPS)
    uncached: set[tuple[int, int]] = field(default_factory=set)
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
        cell = (row, col)
        return (self._cover if self._cover is not None else self.cover()).get(cell, cell)

    def cover(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Cell → top-left cell of the merged range covering it (merged cells only)."""
        if self._cover is None:
            cover: dict[tuple[int, int], tuple[int, int]] = {}
            for r1, c1, r2, c2 in self.merged:
                if (r2 - r1 + 1) * (c2 - c1 + 1) > 5000:
                    continue  # a clerk merged a whole area; not a field
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        cover[(r, c)] = (r1, c1)
            self._cover = cover
        return self._cover

    def merged_value(self, row: int, col: int) -> Any:
        """The value shown in a cell: the merged range's top-left value."""
        return self.get(*self.anchor(row, col))

    def is_formula(self, row: int, col: int) -> bool:
        return (row, col) in self.formulas

    def is_uncached(self, row: int, col: int) -> bool:
        """A formula whose result is not in the file (an empty-string result is)."""
        return (row, col) in self.uncached

    def cell_name(self, row: int, col: int) -> str:
        """The address a clerk finds the cell by (A1, or Word's table/row/cell)."""
        if self.namer is not None:
            name = self.namer(row, col)
            if name:
                return name
        return a1_name(row, col)


#: A1 names already spelt (a form's cells sit in the same few hundred places)
_A1_NAMES: dict[tuple[int, int], str] = {}


def a1_name(row: int, col: int) -> str:
    """`to_a1`, remembered: the reader names about 60 cells a sheet."""
    name = _A1_NAMES.get((row, col))
    if name is None:
        name = to_a1(row, col)
        if len(_A1_NAMES) < 100_000:
            _A1_NAMES[(row, col)] = name
    return name


@dataclass
class Book:
    """A workbook read into grids.  `has_macros` is True when the file carries a
    VBA project (never run: xltools only reads)."""

    path: str
    sheets: list[Grid]
    has_macros: bool = False
    #: what kind of file it was: xlsx, xlsm, xls, xlsb, ods, docx
    container: str = "xlsx"
    #: (sheet, note) for what was not read: a missing sheet part, content past the region
    notes: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Grid]:
        return iter(self.sheets)

    def sheet(self, name: str) -> Optional[Grid]:
        for grid in self.sheets:
            if grid.name == name:
                return grid
        return None


def load_book(path: str | os.PathLike,
              limits: Optional[Limits] = None) -> Book:
    """Read every worksheet (or Word table) of a submitted file into grids.

    Raises WorkbookError (Chinese reason) when the file cannot be read.
    """
    path = str(path)
    limits = limits or default_limits()
    kind, opened = _sniff(path, limits)
    if opened is not None:
        with opened as zf:
            check_zip(path, zf, limits)
            if kind == "xlsx":
                book = _load_xlsx(path, zf, limits)
            elif kind == "docx":
                book = _load_docx(path, zf, limits)
            else:
                from . import legacy

                extents = legacy.scan_ods(path, zf, limits) if kind == "ods" else None
                if kind == "xlsb":
                    legacy.scan_xlsb(path, zf, limits)
                book = _load_calamine(path, kind, limits, extents)
                book.has_macros = any(n.lower().endswith("vbaproject.bin") for n in zf.namelist())
    else:  # xls: BIFF in an OLE file
        from . import legacy

        data = legacy.biff_stream(path)
        if data is None:
            raise WorkbookError(path, "文件已损坏，无法作为 .xls 工作簿读取")
        legacy.scan_biff(path, data, limits)
        del data
        book = _load_calamine(path, "xls", limits, None)
        book.has_macros = any("vba" in s.lower() for s in legacy.ole_streams(path))
    return book


def sniff(path: str, limits: Optional[Limits] = None) -> str:
    """What a file is, from its first bytes and its zip or OLE directory:
    "xlsx" (also .xlsm), "xlsb", "ods", "docx" or "xls".  Anything else raises
    WorkbookError with the reason and what to do."""
    kind, opened = _sniff(path, limits or default_limits())
    if opened is not None:
        opened.close()
    return kind


def _sniff(path: str, limits: Limits) -> tuple[str, Optional[zipfile.ZipFile]]:
    """`sniff`, handing back the zip it opened to look inside (None for an OLE
    file) so that `load_book` reads its directory once."""
    p = Path(path)
    try:
        st = os.stat(path)  # one look at the file (what Path.exists/is_dir/stat asked in turn)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.EBADF):
            raise WorkbookError(path, "文件不存在") from None
        raise
    if stat.S_ISDIR(st.st_mode):
        raise WorkbookError(path, "这是一个文件夹，不是工作簿")
    size = st.st_size
    if size == 0:
        raise WorkbookError(path, "文件是空的（0 字节）")
    if size > limits.max_file_bytes:
        raise WorkbookError(path, f"文件有 {human_size(size)}，超过上限 {human_size(limits.max_file_bytes)}，"
                                  "不像一份自评表；请删除多余内容（如图片）后重新报送")
    with open(p, "rb") as fh:
        # a submission is read whole, once, when small enough to hold (its zip is cut from these bytes)
        data = fh.read() if size <= _IN_MEMORY_BYTES else None
        head = data[:8] if data is not None else fh.read(8)
    suffix = p.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path, suffix), None
    if head.startswith(_ZIP_MAGIC):
        zf = _open_zip(path, data)
        try:
            names = set(zf.namelist())
            mime = zf.read("mimetype")[:200] if "mimetype" in names and \
                zf.getinfo("mimetype").file_size < 200 else b""
        # NotImplementedError: zipfile's answer to a compression it lacks (Deflate64, LZMA …)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            zf.close()
            raise WorkbookError(path, "文件已损坏，无法作为 Excel 工作簿打开") from None
        for part, kind in (("xl/workbook.xml", "xlsx"), ("xl/workbook.bin", "xlsb"),
                           ("word/document.xml", "docx")):
            if part in names:
                return kind, zf
        if mime.strip() == _ODS_MIME and "content.xml" in names:
            return "ods", zf
        zf.close()
        if mime.startswith(b"application/vnd.oasis.opendocument"):
            raise WorkbookError(path, "这是 OpenDocument 文本或演示文稿，不是表格；请把自评表放进 .ods/.xlsx 表格或 Word 表格")
        if any(n.startswith("ppt/") for n in names):
            raise WorkbookError(path, "这是 PowerPoint 演示文稿，不是自评表")
        raise WorkbookError(path, "不是 Excel 工作簿（压缩包中没有 xl/workbook.xml）")
    if suffix == ".et":
        raise WorkbookError(path, "这是 WPS 表格专用的 .et 格式，无法读取；请在 WPS 中“另存为”Excel 文件（*.xlsx）后重新报送")
    if suffix == ".doc":
        raise WorkbookError(path, "无法读取这个 .doc 文件；请在 Word/WPS 中“另存为”.docx 后重新报送")
    if head.startswith(b"{\\rtf"):
        raise WorkbookError(path, "这是 RTF 文档，无法读取；请在 Word/WPS 中“另存为”.docx 后重新报送")
    if head.startswith(b"%PDF"):
        raise WorkbookError(path, "这是 PDF 文件，无法读取其中的表格；请报送 Excel 或 Word 原文件")
    raise WorkbookError(path, "不是 Excel 工作簿（文件内容不是 .xlsx/.xlsm/.xls/.ods/.docx 格式）")


def _sniff_ole(path: str, suffix: str) -> str:
    from . import legacy

    streams = {s.split("/")[0].lower() for s in legacy.ole_streams(path)}
    if "encryptedpackage" in streams or _is_encrypted_ole(path):
        raise WorkbookError(path, "工作簿设置了打开密码（已加密），请去掉密码后重新报送")
    if "worddocument" in streams:
        raise WorkbookError(path, "这是旧版 Word .doc 文档，无法直接读取；请在 Word/WPS 中“另存为”.docx 后重新报送")
    if "workbook" in streams or "book" in streams:
        return "xls"
    if suffix == ".et" or any(s.startswith("et") or "wps" in s for s in streams):
        raise WorkbookError(path, "这是 WPS 表格专用的 .et 格式，无法读取；请在 WPS 中“另存为”Excel 文件（*.xlsx）后重新报送")
    if "powerpoint document" in streams:
        raise WorkbookError(path, "这是 PowerPoint 演示文稿，不是自评表")
    raise WorkbookError(path, "是 Office 旧格式文件，但不是 Excel 工作簿；请另存为 .xlsx 后重新报送")


def _open_zip(path: str, data: Optional[bytes] = None) -> zipfile.ZipFile:
    """The file's zip: from its bytes when `_sniff` read them whole, else from disk."""
    try:
        if data is not None:
            return _InMemoryZip(data)
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):  # see above
        raise WorkbookError(path, "文件已损坏，无法作为 Excel 工作簿打开") from None


#: A submission up to this size is read into memory once and its parts cut out of it.
_IN_MEMORY_BYTES = 16 * 1024 * 1024


class _InMemoryZip(zipfile.ZipFile):
    """A zip held in memory whose plain deflated or stored members are read
    straight from its bytes: one slice and one `zlib` call per part, where
    `ZipFile.read` spends about as long again in Python on the local header,
    the shared file handle and the chunked reads.  What `ZipFile.read` would
    refuse — a local header that is not one, another compression, output
    longer or shorter than declared, a wrong CRC — is handed to it, so every
    error is the one it gives.  Output is never let past the declared size
    (which `check_zip` has held to the limits)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._data = data

    def read(self, name, pwd=None) -> bytes:  # type: ignore[override]
        info = name if isinstance(name, zipfile.ZipInfo) else self.NameToInfo.get(name)
        if info is None or pwd is not None or info.flag_bits & 0x1 \
                or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return super().read(name, pwd)
        data = self._data
        at = info.header_offset
        if data[at:at + 4] != b"PK\x03\x04" or len(data) < at + 30:
            return super().read(name, pwd)
        name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
        start = at + 30 + name_len + extra_len
        raw = data[start:start + info.compress_size]
        if len(raw) != info.compress_size:
            return super().read(name, pwd)
        if info.compress_type == zipfile.ZIP_DEFLATED:
            try:
                inflate = zlib.decompressobj(-15)
                out = inflate.decompress(raw, info.file_size + 1)
            except zlib.error:
                return super().read(name, pwd)
        else:
            out = raw
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            return super().read(name, pwd)
        return out


def check_zip(path: str, zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a zip whose members would decompress past the limits, before any is
    decompressed (the declared sizes are what Python's zip reader enforces)."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise WorkbookError(path, f"压缩包内有 {len(infos)} 个部件，超过上限 {limits.max_members} 个，不像一份自评表")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookError(path, "工作簿设置了打开密码（已加密），请去掉密码后重新报送")
        total += info.file_size
        if info.file_size > limits.max_member:
            raise WorkbookError(path, f"文件中的部件 {info.filename[:60]} 解压后有 {human_size(info.file_size)}，"
                                      f"超过上限 {human_size(limits.max_member)}（压缩前只有 {human_size(info.compress_size)}），"
                                      "不像一份自评表，未读取")
    if total > limits.max_uncompressed:
        raise WorkbookError(path, f"文件解压后共有 {human_size(total)}，超过上限 {human_size(limits.max_uncompressed)}，"
                                  "不像一份自评表，未读取")


def _is_encrypted_ole(path: str) -> bool:
    try:
        import msoffcrypto

        with open(path, "rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:
        return False


def _load_xlsx(path: str, zf: zipfile.ZipFile, limits: Limits) -> Book:
    from .xlsx import read_xlsx

    names = zf.namelist()
    has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    book = Book(path=path, sheets=[], has_macros=has_macros,
                container="xlsm" if has_macros or path.lower().endswith(".xlsm") else "xlsx")
    for name, hidden, data, note in read_xlsx(path, zf, limits):
        if data is None:
            book.notes.append((name, note))
            continue
        _trim(data.rows)
        book.sheets.append(Grid(name, data.rows, data.merged, data.formulas, data.percents, hidden=hidden,
                                uncached=data.uncached))
        if data.beyond is not None and not hidden:
            book.notes.append((name, _beyond_note(data.beyond, limits)))
    return book


def _beyond_note(beyond: tuple[int, int], limits: Limits) -> str:
    r, c = beyond
    if r > limits.max_rows:
        return (f"第 {limits.max_rows} 行以下的内容（如有）未读取：自评表不会这么长，"
                "如确有内容请删除多余行后重新报送")
    return (f"单元格 {to_a1(min(r, 1048576), min(c, 16384))} 等超出第 {limits.max_cols} 列的内容未读取："
            "自评表不会这么宽，请删除多余内容")


def _load_docx(path: str, zf: zipfile.ZipFile, limits: Limits) -> Book:
    from .docx import DOCUMENT_SHEET, read_docx

    rows, merged, places = read_docx(path, zf, limits)
    _trim(rows)
    grid = Grid(DOCUMENT_SHEET, rows, merged, namer=places.name)
    return Book(path=path, sheets=[grid], container="docx")


def _load_calamine(path: str, kind: str, limits: Limits, extents) -> Book:
    from .legacy import read_calamine

    book = Book(path=path, sheets=[], container=kind)
    for name, hidden, rows, merged, percents, formulas in read_calamine(path, limits, extents):
        _trim(rows)
        book.sheets.append(Grid(name, rows, merged, formulas, percents, hidden=hidden))
    return book


def _trim(rows: list[list[Any]]) -> None:
    """Drop trailing empty cells and rows so grids stay small."""
    for row in rows:
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
