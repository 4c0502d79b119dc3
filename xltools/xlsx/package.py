"""Editing an .xlsx/.xlsm package in place, part by part, without a spreadsheet
library in between.

openpyxl drops form controls and x14 validations when it saves, and
LibreOffice rewrites vbaProject.bin; so the headless rewrite of a master
(``xltools recalc``, ``check``, ``add-project``) and the packaging of a new
one work on the zip directly: every part not named in an edit keeps its bytes.

- ``Package``: the parts of a zip in their order, relationships, content types,
  sheet name → part lookup, saving.
- ``set_cells(sheet_xml, {(row, col): value})``: rewrite some cells of one
  worksheet part, keeping their style; every other byte of the part stays.
- ``Package.clone_sheet``: a copy of a worksheet under a new name, with its own
  copies of the parts it owns (comments, VML, drawings) and its local names.
"""
from __future__ import annotations

import math
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional
from xml.sax.saxutils import escape, quoteattr

from ..core.addresses import col_letter, col_number, from_a1, to_a1
from ..core.errors import WorkbookError

NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_VML = NS_REL + "/vmlDrawing"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_MAIN_MACRO = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool = False


class Package:
    """The parts of one OOXML zip, in their original order."""

    def __init__(self, parts: dict[str, bytes]):
        self.parts = parts

    # ------------------------------------------------------------------ I/O
    @classmethod
    def load(cls, path: str | Path) -> "Package":
        try:
            with zipfile.ZipFile(path) as zf:
                return cls({info.filename: zf.read(info) for info in zf.infolist()
                            if not info.is_dir()})
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise WorkbookError(str(path), f"不是可读的 Excel 文件（{exc}）") from exc

    def save(self, path: str | Path) -> None:
        names = list(self.parts)
        # [Content_Types].xml first, as Excel writes it.
        names.sort(key=lambda n: n != "[Content_Types].xml")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                zf.writestr(name, self.parts[name])

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def put(self, name: str, data: str | bytes) -> None:
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data

    # -------------------------------------------------------- relationships
    @staticmethod
    def rels_name(part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> list[Rel]:
        name = self.rels_name(part)
        if name not in self.parts:
            return []
        out = []
        for m in re.finditer(r"<Relationship\b([^>]*?)/?>", self.text(name)):
            attrs = _attrs(m.group(1))
            out.append(Rel(attrs.get("Id", ""), attrs.get("Type", ""), attrs.get("Target", ""),
                           attrs.get("TargetMode") == "External"))
        return out

    def resolve(self, part: str, target: str) -> str:
        """The part name a relationship target of `part` points at."""
        if target.startswith("/"):
            return target[1:]
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        """Add a relationship from `part` to `target_part`; return its new Id."""
        name = self.rels_name(part)
        existing = {r.id for r in self.rels(part)}
        n = 1
        while f"rId{n}" in existing:
            n += 1
        rid = f"rId{n}"
        target = posixpath.relpath(target_part, posixpath.dirname(part))
        entry = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{escape(target)}"/>'
        if name in self.parts:
            text = self.text(name)
            if "</Relationships>" in text:
                text = text.replace("</Relationships>", entry + "</Relationships>")
            else:  # an empty self-closed element
                text = re.sub(r"<Relationships\b([^>]*)/>", r"<Relationships\1>" + entry
                              + "</Relationships>", text)
        else:
            text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    f'relationships">{entry}</Relationships>')
        self.put(name, text)
        return rid

    # -------------------------------------------------------- content types
    def content_type(self, part: str) -> Optional[str]:
        text = self.text("[Content_Types].xml")
        m = re.search(r'<Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*>', text)
        if m:
            return _attrs(m.group(0)).get("ContentType")
        ext = part.rsplit(".", 1)[-1].lower()
        for d in re.finditer(r"<Default\b[^>]*>", text):
            attrs = _attrs(d.group(0))
            if attrs.get("Extension", "").lower() == ext:
                return attrs.get("ContentType")
        return None

    def has_override(self, part: str) -> bool:
        return re.search(r'<Override\b[^>]*PartName="/' + re.escape(part) + '"',
                         self.text("[Content_Types].xml")) is not None

    def set_override(self, part: str, content_type: str) -> None:
        text = self.text("[Content_Types].xml")
        pattern = re.compile(r'<Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*/>')
        entry = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        if pattern.search(text):
            text = pattern.sub(lambda _m: entry, text, count=1)
        else:
            text = text.replace("</Types>", entry + "</Types>")
        self.put("[Content_Types].xml", text)

    def ensure_default(self, ext: str, content_type: str) -> None:
        text = self.text("[Content_Types].xml")
        if re.search(r'<Default\b[^>]*Extension="' + re.escape(ext) + '"', text, re.I):
            return
        entry = f'<Default Extension="{ext}" ContentType="{content_type}"/>'
        # Defaults come before Overrides.
        m = re.search(r"<Override\b", text)
        text = text[:m.start()] + entry + text[m.start():] if m else text.replace(
            "</Types>", entry + "</Types>")
        self.put("[Content_Types].xml", text)

    # ------------------------------------------------------------- workbook
    @property
    def workbook_part(self) -> str:
        for rel in self.rels(""):
            if rel.type.endswith("/officeDocument"):
                return self.resolve("", rel.target)
        return "xl/workbook.xml"

    def sheets(self) -> list[tuple[str, str, str]]:
        """(name, part, rId) of every sheet in workbook order."""
        wb = self.workbook_part
        rels = {r.id: r for r in self.rels(wb)}
        out = []
        for m in re.finditer(r"<sheet\b([^>]*?)/?>", self.text(wb)):
            attrs = _attrs(m.group(1))
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            rel = rels.get(rid)
            if rel is not None:
                out.append((_unescape(attrs.get("name", "")), self.resolve(wb, rel.target), rid))
        return out

    def sheet_part(self, name: str) -> str:
        for sheet_name, part, _rid in self.sheets():
            if sheet_name == name:
                return part
        raise KeyError(name)

    def defined_names(self) -> list[tuple[dict, str]]:
        return [(_attrs(m.group(1)), _unescape(m.group(2))) for m in re.finditer(
            r"<definedName\b([^>]*)>(.*?)</definedName>", self.text(self.workbook_part), re.S)]

    def set_defined_name(self, name: str, value: str, hidden: bool = True) -> None:
        """Add or replace a workbook-level defined name whose value is `value`
        (a formula text, e.g. ``"0.37.8"`` with its quotes)."""
        wb = self.workbook_part
        text = self.text(wb)
        entry = (f'<definedName name="{name}"' + (' hidden="1"' if hidden else "")
                 + f">{escape(value)}</definedName>")
        pattern = re.compile(r'<definedName\b[^>]*\bname="' + re.escape(name)
                             + r'"(?![^>]*localSheetId)[^>]*>.*?</definedName>', re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m: entry, text, count=1)
        elif "<definedNames>" in text:
            text = text.replace("</definedNames>", entry + "</definedNames>", 1)
        elif "<definedNames/>" in text:
            text = text.replace("<definedNames/>", f"<definedNames>{entry}</definedNames>", 1)
        else:
            text = text.replace("</sheets>", f"</sheets><definedNames>{entry}</definedNames>", 1)
        self.put(wb, text)

    def set_print_area(self, sheet: str, area: str) -> None:
        """Set sheet `sheet`'s print area ("A1:K9")."""
        names = [n for n, _p, _r in self.sheets()]
        index = names.index(sheet)
        wb = self.workbook_part
        text = self.text(wb)
        first, _, last = area.partition(":")
        r1, c1 = from_a1(first)
        r2, c2 = from_a1(last or first)
        value = f"{_quote_sheet(sheet)}!{to_a1(r1, c1, True)}:{to_a1(r2, c2, True)}"
        entry = (f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">'
                 f"{escape(value)}</definedName>")
        pattern = re.compile(r'<definedName\b(?=[^>]*name="_xlnm.Print_Area")(?=[^>]*localSheetId="'
                             + str(index) + r'")[^>]*>.*?</definedName>', re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m: entry, text, count=1)
        elif "</definedNames>" in text:
            text = text.replace("</definedNames>", entry + "</definedNames>", 1)
        else:
            text = text.replace("</sheets>", f"</sheets><definedNames>{entry}</definedNames>", 1)
        self.put(wb, text)

    def defined_name(self, name: str) -> Optional[str]:
        for attrs, value in self.defined_names():
            if attrs.get("name") == name and "localSheetId" not in attrs:
                return value
        return None

    # ---------------------------------------------------------- sheet copy
    def clone_sheet(self, source: str, new_name: str, after: Optional[str] = None) -> str:
        """Copy sheet `source` to a new sheet `new_name`, placed after sheet
        `after` (default: after `source`).  Returns the new sheet's part name."""
        names = [s[0] for s in self.sheets()]
        if new_name in names:
            raise ValueError(f"已有名为“{new_name}”的工作表")
        src_part = self.sheet_part(source)
        wb = self.workbook_part
        folder = posixpath.dirname(src_part)
        new_part = _unused(self.parts, folder + "/sheet{}.xml")
        xml = self.text(src_part)
        xml = re.sub(r'(<worksheet\b[^>]*?)\s+xr:uid="[^"]*"', r"\1", xml, count=1)
        xml = re.sub(r'(<sheetView\b[^>]*?)\s+tabSelected="1"', r"\1", xml)
        if re.search(r'<sheetPr\b[^>]*\bcodeName="', xml):  # code names are unique
            taken = set(re.findall(r'<sheetPr\b[^>]*\bcodeName="([^"]+)"', "".join(
                self.text(p) for _n, p, _r in self.sheets())))
            code = next(f"Sheet{n}" for n in range(1, 10000) if f"Sheet{n}" not in taken)
            xml = re.sub(r'(<sheetPr\b[^>]*?\bcodeName=")[^"]*"', rf'\g<1>{code}"', xml, count=1)
        self.put(new_part, xml)
        self.set_override(new_part, self.content_type(src_part) or CT_WORKSHEET)
        # Parts the sheet owns get their own copies; shared ones are pointed at.
        rels_text = self.parts.get(self.rels_name(src_part))
        copies: list[tuple[str, str]] = []  # (relationship type, new part)
        if rels_text is not None:
            text = rels_text.decode("utf-8")
            for rel in self.rels(src_part):
                if rel.external or rel.type.endswith(("/hyperlink",)):
                    continue
                if rel.type.endswith(("/table", "/pivotTable", "/slicer", "/queryTable")):
                    raise ValueError(f"工作表“{source}”中有表格对象或数据透视表，无法在 Excel 之外复制；"
                                     "请在 Excel 中右键工作表标签 → 移动或复制 → 建立副本")
                old = self.resolve(src_part, rel.target)
                if old not in self.parts:
                    continue
                new = _copy_name(self.parts, old)
                self.parts[new] = self.parts[old]
                if self.rels_name(old) in self.parts:
                    self.parts[self.rels_name(new)] = self.parts[self.rels_name(old)]
                if self.has_override(old):
                    self.set_override(new, self.content_type(old))
                new_target = ("/" + new) if rel.target.startswith("/") else \
                    posixpath.relpath(new, posixpath.dirname(src_part))
                text = text.replace(f'Target="{rel.target}"', f'Target="{new_target}"', 1)
                copies.append((rel.type, new))
            self.put(self.rels_name(new_part), text)
            self._renumber_shapes(new_part, copies)
        # workbook.xml: the <sheet> entry, local names, indexes after it.
        rid = self.add_rel(wb, REL_WORKSHEET, new_part)
        wb_xml = self.text(wb)
        ids = [int(x) for x in re.findall(r'<sheet\b[^>]*\bsheetId="(\d+)"', wb_xml)]
        after = after or source
        position = names.index(after) + 1
        sheet_tags = list(re.finditer(r"<sheet\b[^>]*?/>", wb_xml))
        # Declare the r: prefix on the element itself: openpyxl with lxml declares
        # it per <sheet>, not on <workbook>, so the root may not carry it.
        entry = (f'<sheet xmlns:r="{NS_REL}" name={quoteattr(new_name)} sheetId="{max(ids) + 1}" '
                 f'r:id="{rid}"/>')
        anchor = sheet_tags[position - 1]
        wb_xml = wb_xml[:anchor.end()] + entry + wb_xml[anchor.end():]
        src_index = names.index(source)

        def shift(m: re.Match) -> str:
            attrs, body = m.group(1), m.group(2)
            local = re.search(r'localSheetId="(\d+)"', attrs)
            if local and int(local.group(1)) >= position:
                attrs = attrs.replace(local.group(0), f'localSheetId="{int(local.group(1)) + 1}"')
            return f"<definedName{attrs}>{body}</definedName>"

        copies = []
        for m in re.finditer(r"<definedName\b([^>]*)>(.*?)</definedName>", wb_xml, re.S):
            local = re.search(r'localSheetId="(\d+)"', m.group(1))
            if local and int(local.group(1)) == src_index:
                body = m.group(2)
                for quoted in (_quote_sheet(source), escape(_quote_sheet(source))):
                    body = body.replace(quoted + "!", escape(_quote_sheet(new_name)) + "!")
                body = re.sub(r"(?<![\w'])" + re.escape(escape(source)) + "!",
                              escape(_quote_sheet(new_name)) + "!", body)
                copies.append((m.group(1), body))
        wb_xml = re.sub(r"<definedName\b([^>]*)>(.*?)</definedName>", shift, wb_xml, flags=re.S)
        for attrs, body in copies:
            attrs = re.sub(r'localSheetId="\d+"', f'localSheetId="{position}"', attrs)
            wb_xml = wb_xml.replace("</definedNames>",
                                    f"<definedName{attrs}>{body}</definedName></definedNames>", 1)
        wb_xml = re.sub(r'(<workbookView\b[^>]*\bactiveTab=")(\d+)"',
                        lambda m: m.group(1) + str(int(m.group(2)) + (int(m.group(2)) >= position))
                        + '"', wb_xml)
        self.put(wb, wb_xml)
        return new_part


    def next_vml_block(self, exclude: Iterable[str] = ()) -> int:
        """A VML shape-id block (o:idmap data; shapes 1024·n + k) no drawing uses."""
        blocks = [0]
        for name, data in self.parts.items():
            if name.endswith(".vml") and name not in set(exclude):
                text = data.decode("utf-8", "replace")
                for m in re.finditer(r'idmap\b[^>]*\bdata="([^"]*)"', text):
                    blocks += [int(x) for x in re.findall(r"\d+", m.group(1))]
                blocks += [int(x) // 1024 for x in re.findall(r"_x0000_s(\d+)", text)]
        return max(blocks) + 1

    def _renumber_shapes(self, sheet_part: str, copies: list[tuple[str, str]]) -> None:
        """Give the shapes of a copied sheet (buttons, comments, form controls)
        ids of their own: a fresh VML id block, applied alike to the VML, the
        DrawingML copy Excel keeps of form controls and the sheet's <controls>."""
        vmls = [p for t, p in copies if t == REL_VML]
        if not vmls:
            return
        block = self.next_vml_block(exclude=vmls)
        mapping: dict[str, str] = {}
        for vml in vmls:
            for old in re.findall(r"_x0000_s(\d+)", self.text(vml)):
                mapping.setdefault(old, str(block * 1024 + int(old) % 1024))

        def spid(m: re.Match) -> str:
            return "_x0000_s" + mapping.get(m.group(1), m.group(1))

        for vml in vmls:
            text = re.sub(r"_x0000_s(\d+)", spid, self.text(vml))
            text = re.sub(r'(idmap\b[^>]*\bdata=")[^"]*"', rf'\g<1>{block}"', text)
            self.put(vml, text)
        for rel_type, part in copies:
            if rel_type.endswith("/drawing"):
                text = re.sub(r"_x0000_s(\d+)", spid, self.text(part))
                text = re.sub(r'(<xdr:cNvPr\b[^>]*?\bid=")(\d+)"',
                              lambda m: m.group(1) + mapping.get(m.group(2), m.group(2)) + '"', text)
                self.put(part, text)
        xml = re.sub(r'(<control\b[^>]*?\bshapeId=")(\d+)"',
                     lambda m: m.group(1) + mapping.get(m.group(2), m.group(2)) + '"',
                     self.text(sheet_part))
        self.put(sheet_part, xml)

    def drop_calc_chain(self) -> None:
        """Remove xl/calcChain.xml (Excel rebuilds it): after formula cells
        change, a stale chain makes Excel report the file as damaged."""
        wb = self.workbook_part
        chain = next((self.resolve(wb, r.target) for r in self.rels(wb)
                      if r.type.endswith("/calcChain")), None)
        if chain is None:
            return
        self.parts.pop(chain, None)
        rels = self.rels_name(wb)
        self.put(rels, re.sub(r'<Relationship\b[^>]*Type="[^"]*/calcChain"[^>]*/>', "",
                              self.text(rels)))
        self.put("[Content_Types].xml", re.sub(
            r'<Override\b[^>]*PartName="/' + re.escape(chain) + r'"[^>]*/>', "",
            self.text("[Content_Types].xml")))


# ------------------------------------------------------------------ cells
_ROW_RE = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)


def cell_xml(ref: str, value: Any, style: Optional[str]) -> str:
    """One <c> element: None → empty (style kept); a `recalc.Formula` → the
    formula with its cached value; str → inline string (always text, even when
    it starts with "="); bool; number."""
    s = f' s="{style}"' if style is not None else ""
    formula = getattr(value, "text", None) if type(value).__name__ == "Formula" else None
    if formula is not None:
        return _formula_xml(ref, s, formula, value.value)
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"{s}><v>{_num(value)}</v></c>'
    text = _xml_safe(str(value))
    return (f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}'
            "</t></is></c>")


def _formula_xml(ref: str, s: str, formula: str, cached: Any) -> str:
    f = f"<f>{escape(_xml_safe(formula.lstrip('=')))}</f>"
    if cached is None:
        return f'<c r="{ref}"{s}>{f}</c>'
    if isinstance(cached, bool):
        return f'<c r="{ref}"{s} t="b">{f}<v>{int(cached)}</v></c>'
    if isinstance(cached, (int, float)) and not (isinstance(cached, float) and
                                                 (math.isnan(cached) or math.isinf(cached))):
        return f'<c r="{ref}"{s}>{f}<v>{_num(cached)}</v></c>'
    return f'<c r="{ref}"{s} t="str">{f}<v>{escape(_xml_safe(str(cached)))}</v></c>'


_KEEP = object()  # "keep the cell's content" (a style-only change)


def set_cells(sheet_xml: str, cells: dict[tuple[int, int], Any],
              styles: Optional[dict[tuple[int, int], Optional[str]]] = None) -> str:
    """Rewrite the cells named in `cells` ((row, col) 1-based → value, see
    `cell_xml`) in one worksheet part; every other cell and element is kept
    byte for byte.  A cell keeps its style unless `styles` gives it another
    (a style id of styles.xml; cells only in `styles` keep their content)."""
    styles = styles or {}
    if not cells and not styles:
        return sheet_xml
    sheet_xml = _unshare(sheet_xml, set(cells))
    by_row: dict[int, dict[int, Any]] = {}
    for (row, col) in styles:
        by_row.setdefault(row, {})[col] = _KEEP
    for (row, col), value in cells.items():
        by_row.setdefault(row, {})[col] = value
    m = re.search(r"<sheetData\b[^>]*?(?:/>|>(.*?)</sheetData>)", sheet_xml, re.S)
    if not m:
        raise ValueError("worksheet has no sheetData")
    body = m.group(1) or ""
    rows = [(int(_attrs(r.group(1))["r"]), r) for r in _ROW_RE.finditer(body)]
    pieces: list[str] = []
    pos = 0
    done: set[int] = set()
    pending = sorted(by_row)
    for number, rm in rows:
        while pending and pending[0] < number:
            new = pending.pop(0)
            pieces.append(body[pos:rm.start()])
            pos = rm.start()
            pieces.append(_row_xml(new, "", None, by_row[new], styles))
            done.add(new)
        pieces.append(body[pos:rm.start()])
        pos = rm.end()
        if number in by_row:
            pieces.append(_row_xml(number, rm.group(1), rm.group(2) or "", by_row[number], styles))
            done.add(number)
            if pending and pending[0] == number:
                pending.pop(0)
        else:
            pieces.append(rm.group(0))
    pieces.append(body[pos:])
    for new in pending:
        if new not in done:
            pieces.append(_row_xml(new, "", None, by_row[new], styles))
    new_body = "".join(pieces)
    open_tag = re.match(r"<sheetData\b[^>]*?/?>", m.group(0)).group(0)
    open_tag = open_tag[:-2] + ">" if open_tag.endswith("/>") else open_tag
    out = sheet_xml[:m.start()] + open_tag + new_body + "</sheetData>" + sheet_xml[m.end():]
    return _grow_dimension(out, cells)


def _row_xml(number: int, attrs: str, inner: Optional[str], cols: dict[int, Any],
             styles: dict[tuple[int, int], Optional[str]]) -> str:
    attrs = re.sub(r'\s+spans="[^"]*"', "", attrs) if attrs else f' r="{number}"'
    cells = []
    seen = set()
    if inner:
        for cm in _CELL_RE.finditer(inner):
            cattrs = _attrs(cm.group(1))
            r, c = from_a1(cattrs["r"])
            if c in cols:
                style = styles.get((number, c), cattrs.get("s"))
                if cols[c] is _KEEP:
                    cells.append((c, _restyle(cm.group(0), style)))
                else:
                    if 't="shared"' in (cm.group(2) or "") and "ref=" in (cm.group(2) or ""):
                        raise ValueError(f"{cattrs['r']} is the master of a shared formula")
                    cells.append((c, cell_xml(cattrs["r"], cols[c], style)))
                seen.add(c)
            else:
                cells.append((c, cm.group(0)))
    for c, value in cols.items():
        if c not in seen:
            style = styles.get((number, c), _row_style(attrs))
            cells.append((c, cell_xml(to_a1(number, c), None if value is _KEEP else value, style)))
    cells.sort(key=lambda x: x[0])
    return f"<row{attrs}>" + "".join(x[1] for x in cells) + "</row>"


_SHARED_MASTER = re.compile(
    r'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*?<f\b([^>]*\bt="shared"[^>]*\bref="[^"]*"[^>]*)>(.*?)</f>',
    re.S)


def _unshare(sheet_xml: str, targets: set[tuple[int, int]]) -> str:
    """Turn a shared-formula group into plain formulas when its master cell is
    about to be overwritten (Excel writes filled formulas as one shared master
    and children that only name it)."""
    for m in list(_SHARED_MASTER.finditer(sheet_xml)):
        if from_a1(m.group(1)) not in targets:
            continue
        si = _attrs(m.group(2)).get("si")
        base = _unescape(m.group(3))
        r0, c0 = from_a1(m.group(1))

        def child(cm: re.Match) -> str:
            r, c = from_a1(cm.group(1))
            text = escape(shift_formula(base, r - r0, c - c0))
            return re.sub(r'<f\b[^>]*\bsi="' + si + r'"[^>]*?(?:/>|>.*?</f>)', lambda _m: f"<f>{text}</f>",
                          cm.group(0), count=1, flags=re.S)

        sheet_xml = re.sub(r'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*?<f\b[^>]*\bt="shared"[^>]*\bsi="'
                           + si + r'"(?:(?!</c>).)*?</c>', child, sheet_xml, flags=re.S)
    return sheet_xml


_REF = re.compile(r"(?<![A-Za-z0-9_.$'\\])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")


def shift_formula(formula: str, rows: int, cols: int) -> str:
    """A formula as it reads `rows` down and `cols` right of where it was
    written: relative A1 references move, absolute ($) parts and text in
    quotes stay."""
    out, pos = [], 0
    for m in re.finditer(r'"[^"]*"|\'[^\']*\'', formula):  # leave quoted text alone
        out.append(_shift_refs(formula[pos:m.start()], rows, cols))
        out.append(m.group(0))
        pos = m.end()
    out.append(_shift_refs(formula[pos:], rows, cols))
    return "".join(out)


def _shift_refs(text: str, rows: int, cols: int) -> str:
    def one(m: re.Match) -> str:
        dc, col, dr, row = m.groups()
        if not dc:
            col = col_letter(col_number(col) + cols)
        if not dr:
            row = str(int(row) + rows)
        return f"{dc}{col}{dr}{row}"

    return _REF.sub(one, text)


def _restyle(cell: str, style: Optional[str]) -> str:
    head = re.match(r"<c\b[^>]*?(?=/?>)", cell).group(0)
    new_head = re.sub(r'\s+s="[^"]*"', "", head)
    if style is not None:
        new_head += f' s="{style}"'
    return new_head + cell[len(head):]


def row_styles(sheet_xml: str, row: int) -> dict[int, Optional[str]]:
    """Column → style id of the cells of one row (None: default style)."""
    m = re.search(r'<row\b[^>]*\br="' + str(row) + r'"[^>]*?(?:/>|>(.*?)</row>)', sheet_xml, re.S)
    out: dict[int, Optional[str]] = {}
    if m and m.group(1):
        for cm in _CELL_RE.finditer(m.group(1)):
            a = _attrs(cm.group(1))
            out[from_a1(a["r"])[1]] = a.get("s")
    return out


def _row_style(attrs: str) -> Optional[str]:
    a = _attrs(attrs)
    return a.get("s") if a.get("customFormat") == "1" else None


def _grow_dimension(xml: str, cells: Iterable[tuple[int, int]]) -> str:
    m = re.search(r'<dimension\b[^>]*\bref="([^"]*)"', xml)
    if not m:
        return xml
    ref = m.group(1)
    try:
        parts = ref.split(":")
        r1, c1 = from_a1(parts[0])
        r2, c2 = from_a1(parts[-1])
    except ValueError:
        return xml
    rows = [r for r, _ in cells] + [r1, r2]
    cols = [c for _, c in cells] + [c1, c2]
    new = f"{to_a1(min(rows), min(cols))}:{to_a1(max(rows), max(cols))}"
    if new == ref:
        return xml
    return xml[:m.start(1)] + new + xml[m.end(1):]


def read_cells(sheet_xml: str, shared: Optional[list[str]] = None) -> dict[str, Any]:
    """A1 → value of every cell with a value (formulas give their cached value,
    or "=" + formula when none).  For tests and small reads."""
    out: dict[str, Any] = {}
    for cm in _CELL_RE.finditer(sheet_xml):
        attrs = _attrs(cm.group(1))
        inner = cm.group(2) or ""
        t = attrs.get("t", "n")
        v = re.search(r"<v>(.*?)</v>", inner, re.S)
        f = re.search(r"<f\b[^>]*>(.*?)</f>", inner, re.S)
        if t == "inlineStr":
            out[attrs["r"]] = _unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", inner, re.S)))
        elif v is not None and v.group(1) != "":  # <v></v>: no cached value (openpyxl with lxml)
            raw = _unescape(v.group(1))
            if t == "s" and shared is not None:
                out[attrs["r"]] = shared[int(raw)]
            elif t in ("str", "e", "s"):
                out[attrs["r"]] = raw
            elif t == "b":
                out[attrs["r"]] = raw == "1"
            else:
                out[attrs["r"]] = float(raw)
        elif f is not None:
            out[attrs["r"]] = "=" + _unescape(f.group(1))
    return out


def shared_strings(pkg: Package) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in pkg.parts:
        return []
    return [_unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", si, re.S)))
            for si in re.findall(r"<si>(.*?)</si>", pkg.text(name), re.S)]


# ---------------------------------------------------------------- helpers
def _attrs(text: str) -> dict[str, str]:
    return {k: _unescape(v) for k, v in re.findall(r'([\w:.-]+)\s*=\s*"([^"]*)"', text)}


_ENTITY_RE = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|quot|apos|amp);")
_ENTITIES = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}


def _unescape(text: str) -> str:
    """XML text → str: the five named entities and numeric references (openpyxl
    writes CJK as `&#24180;` when lxml is installed)."""
    def one(m: re.Match) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _ENTITIES[name]
    return _ENTITY_RE.sub(one, text)


def _num(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _xml_safe(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _unused(parts: dict, pattern: str) -> str:
    n = 1
    while pattern.format(n) in parts:
        n += 1
    return pattern.format(n)


def _copy_name(parts: dict, old: str) -> str:
    folder, base = posixpath.split(old)
    stem, ext = base.rsplit(".", 1)
    stem = re.sub(r"\d+$", "", stem)
    return _unused(parts, posixpath.join(folder, stem + "{}." + ext))


__all__ = ["Package", "Rel", "set_cells", "cell_xml", "read_cells", "shared_strings",
           "row_styles", "shift_formula"]
