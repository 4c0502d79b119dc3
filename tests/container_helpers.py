"""Writing the same form in the containers units send: Word .docx (written here,
tables with gridSpan/vMerge as Word writes them), .xls and .ods (LibreOffice
converts the .xlsx), and hostile zips generated on the fly.  Not a test module."""
from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterable, Optional
from xml.sax.saxutils import escape

import openpyxl

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""


def _para(text: str) -> str:
    runs = []
    for k, line in enumerate(str(text).split("\n")):
        if k:
            runs.append("<w:r><w:br/></w:r>")
        runs.append(f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    return "<w:p>" + "".join(runs) + "</w:p>"


def _table(rows: list[list[str]], merges: list[tuple[int, int, int, int]]) -> str:
    """rows: text per grid cell (1-based merges as (r1, c1, r2, c2))."""
    ncols = max((len(r) for r in rows), default=1)
    for r1, c1, r2, c2 in merges:
        ncols = max(ncols, c2)
    cover = {}
    for m in merges:
        r1, c1, r2, c2 = m
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cover[(r, c)] = m
    out = ['<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>']
    out += ['<w:gridCol w:w="1000"/>'] * ncols
    out.append("</w:tblGrid>")
    for r in range(1, len(rows) + 1):
        out.append("<w:tr>")
        c = 1
        while c <= ncols:
            m = cover.get((r, c))
            text = rows[r - 1][c - 1] if c <= len(rows[r - 1]) else ""
            if m is None:
                out.append(f"<w:tc>{_para(text or '')}</w:tc>")
                c += 1
                continue
            r1, c1, r2, c2 = m
            span = c2 - c1 + 1
            pr = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            if r2 > r1:
                pr += '<w:vMerge w:val="restart"/>' if r == r1 else "<w:vMerge/>"
            body = _para(rows[r1 - 1][c1 - 1] if r == r1 and c1 <= len(rows[r1 - 1]) else "")
            out.append(f"<w:tc><w:tcPr>{pr}</w:tcPr>{body}</w:tc>")
            c = c2 + 1
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def write_docx(path: Path, blocks: Iterable[tuple]) -> Path:
    """blocks: ("p", text) or ("table", rows, merges)."""
    body = []
    for block in blocks:
        if block[0] == "p":
            body.append(_para(block[1]))
        else:
            body.append(_table(block[1], block[2]))
            body.append("<w:p/>")
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", doc)
    return path


def shown(cell) -> str:
    """A cell's value as Word holds it: the text the sheet shows."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        fmt = cell.number_format or ""
        if "%" in fmt:
            decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            return f"{v * 100:.{decimals}f}%"
        return f"{v:g}" if isinstance(v, float) else str(v)
    return str(v)


def sheet_blocks(ws) -> list[tuple]:
    """A sheet as Word lays the form out: title lines above the table as paragraphs,
    the rest one table with the sheet's merges."""
    rows = [[shown(c) for c in row] for row in ws.iter_rows()]
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    first = 0
    while first < len(rows):
        filled = [t for t in rows[first] if t.strip()]
        spans_all = any(m[0] == first + 1 and m[1] == 1 and m[2] == first + 1 for m in merges)
        if len(filled) <= 1 and (not filled or rows[first][0].strip() or spans_all) \
                and not any(m[0] <= first + 1 <= m[2] and m[2] > m[0] for m in merges):
            first += 1
            continue
        break
    blocks: list[tuple] = [("p", " ".join(t for t in rows[r] if t.strip())) for r in range(first)
                           if any(t.strip() for t in rows[r])]
    table_rows = rows[first:]
    table_merges = [(r1 - first, c1, r2 - first, c2) for r1, c1, r2, c2 in merges if r1 > first]
    blocks.append(("table", table_rows, table_merges))
    return blocks


def xlsx_to_docx(src: Path, dest: Path) -> Path:
    """Every sheet of a workbook as one Word document, one table per sheet."""
    wb = openpyxl.load_workbook(src)
    blocks: list[tuple] = []
    for ws in wb.worksheets:
        blocks.extend(sheet_blocks(ws))
    return write_docx(dest, blocks)


def grid_xlsx(path: Path, sheets: dict[str, tuple[list[list[Any]], list[str]]]) -> Path:
    """A workbook from plain rows: {sheet: (rows, ["A1:B2", …] merges)}."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (rows, merges) in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for m in merges:
            ws.merge_cells(m)
    wb.save(path)
    return path


def grid_docx(path: Path, rows: list[list[Any]], merges: list[str]) -> Path:
    from openpyxl.utils.cell import range_boundaries

    boxes = []
    for m in merges:
        c1, r1, c2, r2 = range_boundaries(m)
        boxes.append((r1, c1, r2, c2))
    text_rows = [["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in row]
                 for row in rows]
    return write_docx(path, [("table", text_rows, boxes)])


# ------------------------------------------------------------------ hostile zips
def deflate_repeat(prefix: bytes, block: bytes, count: int, suffix: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of prefix + block*count + suffix without ever holding the
    expansion: each piece is compressed after a full flush (no back references
    across pieces), so the block's compressed bytes can be repeated.
    → (compressed, crc32, uncompressed size)."""
    def piece(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    final = end.flush(zlib.Z_FINISH)
    packed_block = piece(block)
    data = piece(prefix) + packed_block * count + piece(suffix) + final
    crc = zlib.crc32(prefix)
    crc_block = block
    for _ in range(count):
        crc = zlib.crc32(crc_block, crc)
    crc = zlib.crc32(suffix, crc)
    return data, crc, len(prefix) + len(block) * count + len(suffix)


def zip_with(path: Path, members: dict[str, bytes], raw: Optional[dict[str, tuple[bytes, int, int]]] = None) -> Path:
    """A zip of normal members plus pre-deflated `raw` ones (name → (data, crc, size))."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    if not raw:
        return path
    # append the raw members by rewriting the central directory
    with zipfile.ZipFile(path) as zf:
        infos = [(i, zf.read(i.filename)) for i in zf.infolist()]
    entries = [(i.filename, zlib.compressobj(6, zlib.DEFLATED, -15), d) for i, d in infos]
    out = bytearray()
    central = bytearray()
    items = []
    for name, comp, data in entries:
        packed = comp.compress(data) + comp.flush()
        items.append((name, packed, zlib.crc32(data), len(data)))
    items += [(name, d, crc, size) for name, (d, crc, size) in raw.items()]
    for name, packed, crc, size in items:
        fname = name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0, crc, len(packed), size,
                           len(fname), 0) + fname + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0, crc,
                               len(packed), size, len(fname), 0, 0, 0, 0, 0, offset) + fname
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(items), len(items), len(central), cd_offset, 0)
    path.write_bytes(bytes(out))
    return path


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                 b'</Relationships>')
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 b'</Types>')


def hostile_xlsx(path: Path, sheet: Optional[bytes] = None,
                 raw: Optional[dict[str, tuple[bytes, int, int]]] = None,
                 strings: Optional[bytes] = None) -> Path:
    members = {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": WORKBOOK,
               "xl/_rels/workbook.xml.rels": WORKBOOK_RELS}
    if sheet is not None:
        members["xl/worksheets/sheet1.xml"] = sheet
    if strings is not None:
        members["xl/sharedStrings.xml"] = strings
    return zip_with(path, members, raw)
