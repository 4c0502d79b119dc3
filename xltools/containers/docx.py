"""Reading a Word .docx self-evaluation document into the same `Grid` a pasted
sheet gives, so the one label reader reads it.

The document body is laid out top to bottom: each paragraph one row (its text in
the first cell), each table row one row, with a blank row between blocks.  Word's
merges become merged ranges: `w:gridSpan` across, `w:vMerge` down, `w:gridBefore`
as leading empty grid columns.  Several forms in one document are several
stacked forms (the reader splits them at their indicator headers, as for a whole
document pasted into one sheet).  Cell addresses a clerk sees are Word's own:
“表格3 第5行第2格”, “第12段”.
"""
from __future__ import annotations

import zipfile
from typing import Any, Optional

from lxml import etree

from ..core.errors import WorkbookError, damage_detail
from .limits import Limits

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W_NS
DOCUMENT_SHEET = "Word 文档"


class DocPlaces:
    """Word addresses of a stacked document grid: row → ("表格", n, row) or ("段", n)."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple] = {}
        self.cells: dict[tuple[int, int], int] = {}  # (grid row, grid col) → cell number in the Word row

    def name(self, row: int, col: int) -> Optional[str]:
        place = self.rows.get(row)
        if place is None:
            return None
        if place[0] == "段":
            return f"第{place[1]}段"
        _, table, trow = place
        k = self.cells.get((row, col))
        if k is None:  # a grid column inside a cell spanning several
            k = max((kk for (r, c), kk in self.cells.items() if r == row and c <= col), default=1)
        return f"表格{table} 第{trow}行第{k}格"


def read_docx(path: str, zf: zipfile.ZipFile, limits: Limits):
    """→ (rows, merged, places) of the whole document body."""
    try:
        info = zf.getinfo("word/document.xml")
    except KeyError:
        raise WorkbookError(path, "不是 Word 文档（压缩包中没有 word/document.xml）") from None
    if info.file_size > limits.max_tree_part:
        raise WorkbookError(path, f"Word 文档正文过大（{info.file_size // (1024 * 1024)} MB），不像一份自评表，未读取")
    try:
        with zf.open(info) as fh:
            root = etree.parse(fh, etree.XMLParser(resolve_entities=False, no_network=True,
                                                   huge_tree=False)).getroot()
    except Exception as exc:
        raise WorkbookError(path, f"Word 文档已损坏，无法读取（{damage_detail(exc)}）") from None
    body = root.find(f"{_W}body")
    builder = _Builder(limits, path)
    if body is not None:
        builder.block(body)
    return builder.rows, builder.merged, builder.places


class _Builder:
    def __init__(self, limits: Limits, path: str):
        self.limits = limits
        self.path = path
        self.rows: list[list[Any]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.places = DocPlaces()
        self.tables = 0
        self.paragraphs = 0
        self.cells = 0

    # -------------------------------------------------------------- body
    def block(self, parent) -> None:
        for child in parent:
            tag = child.tag
            if tag == f"{_W}p":
                self.paragraphs += 1
                text = _paragraph_text(child)
                if text.strip():
                    self._add_row([text], ("段", self.paragraphs))
            elif tag == f"{_W}tbl":
                self.table(child)
            elif tag in (f"{_W}sdt", f"{_W}customXml"):
                content = child.find(f"{_W}sdtContent")
                self.block(content if content is not None else child)
            if len(self.rows) > self.limits.max_rows:
                raise WorkbookError(self.path, f"Word 文档超过 {self.limits.max_rows} 行（段落和表格行），"
                                               "不像一份自评表，未读取")

    def _add_row(self, cells: list[Any], place: tuple) -> int:
        self.rows.append(cells)
        r = len(self.rows)
        self.places.rows[r] = place
        return r

    def table(self, tbl) -> None:
        self.tables += 1
        if self.tables > self.limits.max_sheets:
            raise WorkbookError(self.path, f"Word 文档有超过 {self.limits.max_sheets} 个表格，不像一份自评表，未读取")
        if self.rows and self.rows[-1]:
            self.rows.append([])  # a blank row between blocks
        open_v: dict[int, tuple[int, int]] = {}  # grid col → (first row, span) of a vertical merge
        trow = 0
        for tr in _children(tbl, "tr"):
            trow += 1
            r = self._add_row([], ("表格", self.tables, trow))
            line: list[Any] = []
            col = 1 + _int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
            seen_cols: set[int] = set()
            k = 0
            for tc in _children(tr, "tc"):
                k += 1
                self.cells += 1
                if self.cells > self.limits.max_cells:
                    raise WorkbookError(self.path, f"Word 文档的表格单元格超过 {self.limits.max_cells} 个，未读取")
                pr = tc.find(f"{_W}tcPr")
                span = max(1, min(_int(pr.find(f"{_W}gridSpan") if pr is not None else None, 1), 64))
                vm = pr.find(f"{_W}vMerge") if pr is not None else None
                vval = vm.get(f"{_W}val") if vm is not None else None
                if col > self.limits.max_cols:
                    break
                self.places.cells[(r, col)] = k
                if vm is not None and vval != "restart" and col in open_v:
                    first, _ = open_v[col]
                    open_v[col] = (first, span)
                    seen_cols.add(col)
                    value = None
                else:
                    self._close(open_v, col, r - 1)
                    value = _cell_text(tc)
                    if vm is not None:
                        open_v[col] = (r, span)
                        seen_cols.add(col)
                    if span > 1:
                        self.merged.append((r, col, r, col + span - 1))
                while len(line) < col - 1:
                    line.append(None)
                line.append(value if value not in ("",) else None)
                line.extend([None] * (span - 1))
                col += span
            for c in [c for c in open_v if c not in seen_cols]:
                self._close(open_v, c, r - 1)
            while line and line[-1] is None:
                line.pop()
            self.rows[r - 1] = line
        for c in list(open_v):
            self._close(open_v, c, len(self.rows))
        self.rows.append([])

    def _close(self, open_v: dict, col: int, last: int) -> None:
        if col not in open_v:
            return
        first, span = open_v.pop(col)
        if last > first or span > 1:
            # a horizontal merge of the first row is replaced by the whole block
            self.merged[:] = [m for m in self.merged if m != (first, col, first, col + span - 1)]
            self.merged.append((first, col, max(first, last), col + span - 1))


def _children(el, name: str):
    """Direct `w:name` children, looking through content controls and custom XML."""
    for child in el:
        if child.tag == f"{_W}{name}":
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            content = child.find(f"{_W}sdtContent")
            yield from _children(content if content is not None else child, name)


def _int(el, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(f"{_W}val"))
    except (TypeError, ValueError):
        return default


def _paragraph_text(p) -> str:
    out = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        tag = el.tag
        if tag == f"{_W}t":
            out.append(el.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            out.append("\n")
        else:
            out.append("-")
    return "".join(out)


def _cell_text(tc) -> str:
    """A cell's paragraphs joined by line breaks; a nested table's text flattened."""
    parts = []
    for child in tc:
        if child.tag == f"{_W}p":
            parts.append(_paragraph_text(child))
        elif child.tag == f"{_W}tbl":
            parts.append(" ".join(_paragraph_text(p) for p in child.iter(f"{_W}p")))
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            parts.extend(_paragraph_text(p) for p in child.iter(f"{_W}p"))
    text = "\n".join(parts)
    return text.strip("\n")
