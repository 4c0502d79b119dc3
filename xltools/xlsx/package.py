"""Editing an existing .xlsx/.xlsm package part by part, on lxml.

openpyxl drops form controls and x14 validations when it saves, and
LibreOffice rewrites vbaProject.bin; so the headless edits of a master
(`xltools recalc`, `add-project`, `consolidate --master`, the VBA packaging of
`xltools new`, `doctor --fix`) work on the zip: a part is parsed only when it
changes, and every other part keeps its bytes.

- `Package`: the parts of a zip in their order; relationships, content types,
  sheet name → part, defined names, print areas, calculation settings, the
  cell styles a text cell needs (quotePrefix), saving.
- `Package.set_cells(sheet, {(row, col): value})`: rewrite some cells of one
  worksheet, keeping their styles and every other element; a cell that already
  holds the value is left alone, so an unchanged plan changes no byte.
- `Package.clone_sheet`: a copy of a worksheet under a new name, with its own
  copies of the parts it owns (comments, VML, drawings), fresh shape ids and
  its own local defined names.

Any namespace prefix (`<x:worksheet>`), either quote style and shared or
inline strings are read as the XML they are.  New elements are put where the
OOXML schema's sequence wants them (`WORKSHEET_ORDER`, `WORKBOOK_ORDER`).
VML (legacy drawings: buttons, comments) is not always well-formed XML as
Excel writes it, so only its shape-id tokens are rewritten as text.
"""
from __future__ import annotations

import functools

import copy
import io
import math
import posixpath
import re
import zipfile
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from lxml import etree

from ..core.addresses import from_a1, to_a1
from ..core.errors import WorkbookError
from .edits import Formula
from .text import cell_text, needs_quote_prefix

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_XML = "http://www.w3.org/XML/1998/namespace"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_VML = NS_REL + "/vmlDrawing"
REL_STYLES = NS_REL + "/styles"
REL_SHARED_STRINGS = NS_REL + "/sharedStrings"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_MAIN_MACRO = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

#: Children of <worksheet> in the order CT_Worksheet requires.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst")
#: Children of <workbook> in the order CT_Workbook requires.
WORKBOOK_ORDER = (
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
    "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst")
#: Excel's error values: a cached text equal to one of them is an error cell.
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")

_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool = False


# ====================================================================== XML
def parse_xml(data: bytes | str, part: str = "") -> etree._Element:
    """The root element of one XML part.  WorkbookError (Chinese) when the part
    is not XML."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(part or "工作簿", f"部件 {part} 不是有效的 XML（{exc}），无法修改") from None


def serialize_xml(root: etree._Element, declaration: bool = True) -> bytes:
    """`root` as a part: UTF-8, with the declaration Excel writes."""
    body = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)
    if not declaration:
        return body
    standalone = root.getroottree().docinfo.standalone
    head = '<?xml version="1.0" encoding="UTF-8"' + (' standalone="yes"' if standalone else "") + "?>\r\n"
    return head.encode("ascii") + body


def _has_declaration(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml")


def local(el: Any) -> str:
    """Local name of an element (no namespace, no prefix); "" for comments."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _ns(root: etree._Element) -> str:
    return etree.QName(root).namespace or ""


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [el for el in parent if local(el) == name]


def _child(parent: etree._Element, name: str) -> Optional[etree._Element]:
    for el in parent:
        if local(el) == name:
            return el
    return None


def _effective(el: etree._Element) -> str:
    """Local name of an element for ordering: an mc:AlternateContent stands for
    what its first choice holds (Excel wraps <controls> in one)."""
    name = local(el)
    if name == "AlternateContent":
        for choice in el:
            for inner in choice:
                if local(inner):
                    return local(inner)
    return name


def insert_ordered(parent: etree._Element, child: etree._Element, order: tuple[str, ...]) -> etree._Element:
    """Insert `child` among `parent`'s children where `order` (a schema
    sequence) puts it: before the first child that must come after it."""
    rank = order.index(local(child))
    for el in parent:
        name = _effective(el)
        if name in order and order.index(name) > rank:
            el.addprevious(child)
            return child
    parent.append(child)
    return child


def _id_attr(el: etree._Element) -> Optional[str]:
    """The qualified attribute r:id of an element, whatever its prefix."""
    for key in el.attrib:
        if key.startswith("{") and key.endswith("}id"):
            return key
    return None


# ================================================================== package
class Package:
    """The parts of one OOXML zip, in their original order."""

    def __init__(self, parts: dict[str, bytes], path: str = ""):
        self.parts = parts
        self.path = path
        self._styles: Optional[_Styles] = None
        self._memo: dict[str, tuple[tuple, Any]] = {}
        self._trees: dict[str, tuple[bytes, etree._Element]] = {}  # parsed, not yet changed

    def _cached(self, key: str, deps: tuple[str, ...], make: Callable[[], Any]) -> Any:
        """`make()`, remembered while the parts named in `deps` keep their bytes
        (the bytes objects themselves are kept and compared, never their ids)."""
        state = tuple(self.parts.get(d) for d in deps)
        hit = self._memo.get(key)
        if hit is not None and len(hit[0]) == len(state) and all(a is b for a, b in zip(hit[0], state)):
            return hit[1]
        value = make()
        self._memo[key] = (tuple(self.parts.get(d) for d in deps), value)
        return value

    # ------------------------------------------------------------------ I/O
    @classmethod
    def load(cls, path: str | Path) -> "Package":
        try:
            with zipfile.ZipFile(path) as zf:
                return cls({info.filename: zf.read(info) for info in zf.infolist()
                            if not info.is_dir()}, str(path))
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise WorkbookError(str(path), f"不是可读的 Excel 文件（{exc}）") from exc

    def save(self, path: str | Path) -> None:
        self.flush()
        names = list(self.parts)
        # [Content_Types].xml first, as Excel writes it.
        names.sort(key=lambda n: n != "[Content_Types].xml")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                zf.writestr(name, self.parts[name])

    def flush(self) -> None:
        """Write pending style changes into styles.xml."""
        if self._styles is not None:
            self._styles.save()

    def text(self, name: str) -> str:
        if self._styles is not None and name == self._styles.part:
            self.flush()
        return self.parts[name].decode("utf-8")

    def put(self, name: str, data: str | bytes) -> None:
        if self._styles is not None and name == self._styles.part:
            self._styles = None  # replaced wholesale: forget the parsed copy
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data

    def xml(self, name: str) -> etree._Element:
        """One part parsed, for the caller to change (then `put_xml`)."""
        if self._styles is not None and name == self._styles.part:
            self.flush()
        data = self.parts[name]
        hit = self._trees.pop(name, None)
        if hit is not None and hit[0] is data:
            return hit[1]
        return parse_xml(data, name)

    def peek_xml(self, name: str) -> etree._Element:
        """One part parsed, for reading only (kept for a later `xml`)."""
        data = self.parts[name]
        hit = self._trees.get(name)
        if hit is None or hit[0] is not data:
            hit = (data, parse_xml(data, name))
            self._trees[name] = hit
        return hit[1]

    def put_xml(self, name: str, root: etree._Element) -> None:
        old = self.parts.get(name, b"<?xml")
        self.put(name, serialize_xml(root, declaration=_has_declaration(old)))

    # -------------------------------------------------------- relationships
    @staticmethod
    def rels_name(part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def rels(self, part: str) -> list[Rel]:
        name = self.rels_name(part)
        if name not in self.parts:
            return []
        return list(self._cached("rels:" + name, (name,), lambda: [
            Rel(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""),
                el.get("TargetMode") == "External")
            for el in self.peek_xml(name) if local(el) == "Relationship"]))

    def resolve(self, part: str, target: str) -> str:
        """The part name a relationship target of `part` points at."""
        if target.startswith("/"):
            return target[1:]
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        """Add a relationship from `part` to `target_part`; return its new Id."""
        name = self.rels_name(part)
        if name in self.parts:
            root = self.xml(name)
        else:
            root = etree.Element(_q(NS_PKG_REL, "Relationships"), nsmap={None: NS_PKG_REL})
        existing = {el.get("Id") for el in root if local(el) == "Relationship"}
        n = 1
        while f"rId{n}" in existing:
            n += 1
        rid = f"rId{n}"
        etree.SubElement(root, _q(_ns(root), "Relationship"), Id=rid, Type=rel_type,
                         Target=posixpath.relpath(target_part, posixpath.dirname(part)))
        self.put_xml(name, root)
        return rid

    def remove_rels(self, part: str, keep: Callable[[Rel], bool]) -> None:
        name = self.rels_name(part)
        if name not in self.parts:
            return
        root = self.xml(name)
        gone = [el for el in root if local(el) == "Relationship" and not keep(
            Rel(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""),
                el.get("TargetMode") == "External"))]
        if gone:
            for el in gone:
                root.remove(el)
            self.put_xml(name, root)

    # -------------------------------------------------------- content types
    def _types(self) -> etree._Element:
        return self.xml("[Content_Types].xml")

    def content_type(self, part: str) -> Optional[str]:
        root = self.peek_xml("[Content_Types].xml")
        for el in root:
            if local(el) == "Override" and el.get("PartName") == "/" + part:
                return el.get("ContentType")
        ext = part.rsplit(".", 1)[-1].lower()
        for el in root:
            if local(el) == "Default" and (el.get("Extension") or "").lower() == ext:
                return el.get("ContentType")
        return None

    def has_override(self, part: str) -> bool:
        return any(local(el) == "Override" and el.get("PartName") == "/" + part
                   for el in self.peek_xml("[Content_Types].xml"))

    def set_override(self, part: str, content_type: str) -> None:
        root = self._types()
        for el in root:
            if local(el) == "Override" and el.get("PartName") == "/" + part:
                if el.get("ContentType") == content_type:
                    return
                el.set("ContentType", content_type)
                break
        else:
            etree.SubElement(root, _q(_ns(root), "Override"), PartName="/" + part,
                             ContentType=content_type)
        self.put_xml("[Content_Types].xml", root)

    def remove_override(self, part: str) -> None:
        root = self._types()
        gone = [el for el in root if local(el) == "Override" and el.get("PartName") == "/" + part]
        if gone:
            for el in gone:
                root.remove(el)
            self.put_xml("[Content_Types].xml", root)

    def ensure_default(self, ext: str, content_type: str) -> None:
        root = self._types()
        if any(local(el) == "Default" and (el.get("Extension") or "").lower() == ext.lower()
               for el in root):
            return
        entry = etree.Element(_q(_ns(root), "Default"), Extension=ext, ContentType=content_type)
        first_override = next((el for el in root if local(el) == "Override"), None)
        if first_override is not None:  # Defaults come before Overrides
            first_override.addprevious(entry)
        else:
            root.append(entry)
        self.put_xml("[Content_Types].xml", root)

    # ------------------------------------------------------------- workbook
    @property
    def workbook_part(self) -> str:
        return self._cached("workbook", ("_rels/.rels",), self._read_workbook_part)

    def _read_workbook_part(self) -> str:
        for rel in self.rels(""):
            if rel.type.endswith("/officeDocument"):
                return self.resolve("", rel.target)
        return "xl/workbook.xml"

    def _part_of_type(self, suffix: str) -> Optional[str]:
        wb = self.workbook_part
        for rel in self.rels(wb):
            if rel.type.endswith(suffix) and not rel.external:
                return self.resolve(wb, rel.target)
        return None

    def sheets(self) -> list[tuple[str, str, str]]:
        """(name, part, rId) of every sheet in workbook order."""
        wb = self.workbook_part
        return list(self._cached("sheets", (wb, self.rels_name(wb)), lambda: self._read_sheets(wb)))

    def _read_sheets(self, wb: str) -> list[tuple[str, str, str]]:
        rels = {r.id: r for r in self.rels(wb)}
        out = []
        sheets = _child(self.peek_xml(wb), "sheets")
        for el in (sheets if sheets is not None else []):
            if local(el) != "sheet":
                continue
            key = _id_attr(el)
            rel = rels.get(el.get(key) if key else "")
            if rel is not None:
                out.append((el.get("name", ""), self.resolve(wb, rel.target), rel.id))
        return out

    def sheet_part(self, name: str) -> str:
        for sheet_name, part, _rid in self.sheets():
            if sheet_name == name:
                return part
        raise KeyError(name)

    def defined_names(self) -> list[tuple[dict, str]]:
        names = _child(self.peek_xml(self.workbook_part), "definedNames")
        return [(dict(el.attrib), el.text or "") for el in (names if names is not None else [])
                if local(el) == "definedName"]

    def defined_name(self, name: str) -> Optional[str]:
        for attrs, value in self.defined_names():
            if attrs.get("name") == name and "localSheetId" not in attrs:
                return value
        return None

    def _set_name(self, root: etree._Element, name: str, value: str, local_id: Optional[int],
                  hidden: bool = False) -> bool:
        """Add or replace one defined name in a parsed workbook; True when it changed."""
        ns = _ns(root)
        names = _child(root, "definedNames")
        if names is None:
            names = insert_ordered(root, etree.Element(_q(ns, "definedNames")), WORKBOOK_ORDER)
        for el in names:
            if local(el) == "definedName" and el.get("name") == name and \
                    el.get("localSheetId") == (None if local_id is None else str(local_id)):
                if el.text == value:
                    return False
                el.text = value
                return True
        el = etree.SubElement(names, _q(ns, "definedName"), name=name)
        if local_id is not None:
            el.set("localSheetId", str(local_id))
        if hidden:
            el.set("hidden", "1")
        el.text = value
        return True

    def set_defined_name(self, name: str, value: str, hidden: bool = True) -> None:
        """Add or replace a workbook-level defined name whose value is `value`
        (a formula text, e.g. ``"0.37.8"`` with its quotes)."""
        root = self.xml(self.workbook_part)
        if self._set_name(root, name, value, None, hidden):
            self.put_xml(self.workbook_part, root)

    def set_print_area(self, sheet: str, area: str) -> bool:
        """Set sheet `sheet`'s print area ("A1:K9"); True when it changed."""
        index = [n for n, _p, _r in self.sheets()].index(sheet)
        first, _, last = area.partition(":")
        r1, c1 = from_a1(first)
        r2, c2 = from_a1(last or first)
        value = f"{quote_sheet(sheet)}!{to_a1(r1, c1, True)}:{to_a1(r2, c2, True)}"
        root = self.xml(self.workbook_part)
        if self._set_name(root, "_xlnm.Print_Area", value, index):
            self.put_xml(self.workbook_part, root)
            return True
        return False

    def set_calc_on_load(self) -> bool:
        """Ask the spreadsheet program to recalculate every formula when it
        opens the file; True when the setting changed."""
        root = self.xml(self.workbook_part)
        calc = _child(root, "calcPr")
        if calc is None:
            calc = insert_ordered(root, etree.Element(_q(_ns(root), "calcPr")), WORKBOOK_ORDER)
        elif calc.get("fullCalcOnLoad") in ("1", "true"):
            return False
        calc.set("fullCalcOnLoad", "1")
        self.put_xml(self.workbook_part, root)
        return True

    def drop_calc_chain(self) -> bool:
        """Remove xl/calcChain.xml (Excel rebuilds it): after formula cells
        change, a stale chain makes Excel report the file as damaged."""
        chain = self._part_of_type("/calcChain")
        if chain is None:
            return False
        self.parts.pop(chain, None)
        self.remove_rels(self.workbook_part, lambda r: not r.type.endswith("/calcChain"))
        self.remove_override(chain)
        return True

    # --------------------------------------------------------------- styles
    @property
    def styles(self) -> "_Styles":
        if self._styles is None:
            self._styles = _Styles(self, self._part_of_type("/styles"))
        return self._styles

    def shared_strings(self) -> list[str]:
        part = self._part_of_type("/sharedStrings")
        if part is None or part not in self.parts:
            return []
        return self._cached("sst", (part,), lambda: [_si_text(si) for si in self.peek_xml(part)
                                                     if local(si) == "si"])

    # ---------------------------------------------------------------- cells
    def set_cells(self, sheet: str, cells: dict[tuple[int, int], Any],
                  styles: Optional[dict[tuple[int, int], Optional[str]]] = None,
                  shared: Optional[list[str]] = None) -> bool:
        """Write `cells` into worksheet `sheet` (see `SheetEditor.write`), with
        quotePrefix styles for formula-like text.  True when a byte changed."""
        part = self.sheet_part(sheet)
        editor = SheetEditor(self.xml(part), shared=self.shared_strings() if shared is None else shared,
                             styles=self.styles)
        if editor.write(cells, styles or {}):
            self.put_xml(part, editor.root)
            return True
        return False

    def row_styles(self, sheet: str, row: int) -> dict[int, Optional[str]]:
        return SheetEditor(self.xml(self.sheet_part(sheet))).row_styles(row)

    def clone_sheet(self, source: str, new_name: str, after: Optional[str] = None) -> str:
        """Copy sheet `source` to a new sheet `new_name`, placed after sheet
        `after` (default: after `source`).  Returns the new sheet's part name."""
        sheets = self.sheets()
        names = [s[0] for s in sheets]
        if new_name.lower() in {n.lower() for n in names}:
            raise ValueError(f"已有名为“{new_name}”的工作表")
        src_part = self.sheet_part(source)
        new_part = _unused(self.parts, posixpath.dirname(src_part) + "/sheet{}.xml")
        root = self.xml(src_part)
        for key in [k for k in root.attrib if k.endswith("}uid")]:  # xr:uid is unique per sheet
            del root.attrib[key]
        views = _child(root, "sheetViews")
        for view in (views if views is not None else []):
            if "tabSelected" in view.attrib:
                del view.attrib["tabSelected"]
        pr = _child(root, "sheetPr")
        if pr is not None and pr.get("codeName"):  # code names are unique
            taken = {self.code_name(p) for _n, p, _r in sheets}
            pr.set("codeName", next(f"Sheet{n}" for n in range(1, 10000) if f"Sheet{n}" not in taken))
        self.put_xml(new_part, root)
        self.set_override(new_part, self.content_type(src_part) or CT_WORKSHEET)
        # Parts the sheet owns get their own copies; shared ones are pointed at.
        copies: list[tuple[str, str]] = []  # (relationship type, new part)
        src_rels = self.rels_name(src_part)
        if src_rels in self.parts:
            rels = self.xml(src_rels)
            for el in rels:
                if local(el) != "Relationship" or el.get("TargetMode") == "External":
                    continue
                rel_type, target = el.get("Type", ""), el.get("Target", "")
                if rel_type.endswith("/hyperlink"):
                    continue
                if rel_type.endswith(("/table", "/pivotTable", "/slicer", "/queryTable")):
                    raise ValueError(f"工作表“{source}”中有表格对象或数据透视表，无法在 Excel 之外复制；"
                                     "请在 Excel 中右键工作表标签 → 移动或复制 → 建立副本")
                old = self.resolve(src_part, target)
                if old not in self.parts:
                    continue
                new = _copy_name(self.parts, old)
                self.parts[new] = self.parts[old]
                if self.rels_name(old) in self.parts:
                    self.parts[self.rels_name(new)] = self.parts[self.rels_name(old)]
                if self.has_override(old):
                    self.set_override(new, self.content_type(old))
                el.set("Target", ("/" + new) if target.startswith("/") else
                       posixpath.relpath(new, posixpath.dirname(src_part)))
                copies.append((rel_type, new))
            self.put_xml(self.rels_name(new_part), rels)
            self._renumber_shapes(new_part, copies)
        self._add_sheet_entry(source, new_name, new_part, names.index(after or source) + 1)
        return new_part

    def code_name(self, part: str) -> Optional[str]:
        """The VBA code name of a worksheet (<sheetPr codeName>), read without
        parsing the whole part."""
        for _event, el in etree.iterparse(io.BytesIO(self.parts[part]), events=("start",),
                                          huge_tree=True, resolve_entities=False):
            name = local(el)
            if name == "sheetPr":
                return el.get("codeName")
            if name not in ("worksheet", "chartsheet", "dialogsheet"):
                return None
        return None

    def set_code_name(self, part: str, code: str) -> None:
        """Give worksheet `part` the VBA code name `code` (<sheetPr codeName>,
        the <sheetPr> created first in its place when missing)."""
        root = self.xml(part)
        pr = _child(root, "sheetPr")
        if pr is None:
            pr = insert_ordered(root, etree.Element(_q(_ns(root), "sheetPr")), WORKSHEET_ORDER)
        pr.set("codeName", code)
        self.put_xml(part, root)

    def workbook_code_name(self) -> Optional[str]:
        pr = _child(self.peek_xml(self.workbook_part), "workbookPr")
        return None if pr is None else pr.get("codeName")

    def set_workbook_code_name(self, code: str) -> None:
        """<workbookPr codeName> (the element created in its place when missing)."""
        root = self.xml(self.workbook_part)
        pr = _child(root, "workbookPr")
        if pr is None:
            pr = insert_ordered(root, etree.Element(_q(_ns(root), "workbookPr")), WORKBOOK_ORDER)
        pr.set("codeName", code)
        self.put_xml(self.workbook_part, root)

    def legacy_drawing(self, part: str) -> Optional[str]:
        """The relationship id of a worksheet's <legacyDrawing> (its VML), or None."""
        el = _child(self.peek_xml(part), "legacyDrawing")
        key = _id_attr(el) if el is not None else None
        return el.get(key) if key else None

    def add_legacy_drawing(self, part: str, rid: str) -> None:
        """Point worksheet `part` at its VML drawing `rid` (<legacyDrawing r:id>,
        where the schema puts it: after <drawing>, before <controls>)."""
        root = self.xml(part)
        ns = _ns(root)
        el = etree.SubElement(root, _q(ns, "legacyDrawing"),
                              nsmap=None if NS_REL in root.nsmap.values() else {"r": NS_REL})
        el.set(f"{{{NS_REL}}}id", rid)
        root.remove(el)
        insert_ordered(root, el, WORKSHEET_ORDER)
        self.put_xml(part, root)

    def _add_sheet_entry(self, source: str, new_name: str, new_part: str, position: int) -> None:
        """workbook.xml: the new <sheet> at `position`, copies of the source's
        local names, later local indexes and the active tab shifted."""
        wb = self.workbook_part
        rid = self.add_rel(wb, REL_WORKSHEET, new_part)
        root = self.xml(wb)
        ns = _ns(root)
        sheets_el = _child(root, "sheets")
        entries = [el for el in sheets_el if local(el) == "sheet"]
        id_key = _id_attr(entries[0]) if entries else None
        rel_ns = id_key[1:].split("}")[0] if id_key else NS_REL
        declared = rel_ns in root.nsmap.values()
        new = etree.SubElement(sheets_el, _q(ns, "sheet"), nsmap=None if declared else {"r": rel_ns})
        new.set("name", new_name)
        new.set("sheetId", str(max((int(el.get("sheetId", "0")) for el in entries), default=0) + 1))
        new.set(f"{{{rel_ns}}}id", rid)
        entries[position - 1].addnext(new)
        src_index = [el.get("name") for el in entries].index(source)
        names = _child(root, "definedNames")
        if names is not None:
            copies = []
            for el in names:
                if local(el) != "definedName" or el.get("localSheetId") is None:
                    continue
                index = int(el.get("localSheetId"))
                if index == src_index:
                    twin = copy.deepcopy(el)
                    twin.text = rename_sheet_refs(el.text or "", source, new_name)
                    twin.set("localSheetId", str(position))
                    copies.append(twin)
                if index >= position:
                    el.set("localSheetId", str(index + 1))
            for twin in copies:
                names.append(twin)
        views = _child(root, "bookViews")
        for view in (views if views is not None else []):
            for key in ("activeTab", "firstSheet"):
                if view.get(key) is not None and int(view.get(key)) >= position:
                    view.set(key, str(int(view.get(key)) + 1))
        self.put_xml(wb, root)

    def next_vml_block(self, exclude: Iterable[str] = ()) -> int:
        """A VML shape-id block (o:idmap data; shapes 1024·n + k) no drawing uses."""
        skip = set(exclude)
        blocks = [0]
        for name, data in self.parts.items():
            if name.endswith(".vml") and name not in skip:
                text = data.decode("utf-8", "replace")
                for m in _VML_IDMAP.finditer(text):
                    blocks += [int(x) for x in re.findall(r"\d+", m.group(2))]
                blocks += [int(x) // 1024 for x in _VML_SHAPE_ID.findall(text)]
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
            for old in _VML_SHAPE_ID.findall(self.text(vml)):
                mapping.setdefault(old, str(block * 1024 + int(old) % 1024))

        def spid(m: re.Match) -> str:
            return "_x0000_s" + mapping.get(m.group(1), m.group(1))

        for vml in vmls:  # VML as text: Excel's is not always well-formed XML
            text = _VML_SHAPE_ID.sub(spid, self.text(vml))
            text = _VML_IDMAP.sub(lambda m: f"{m.group(1)}{block}{m.group(3)}", text)
            self.put(vml, text)
        for rel_type, part in copies:
            if rel_type.endswith("/drawing"):
                root = self.xml(part)
                for el in root.iter():
                    if local(el) == "cNvPr" and el.get("id") in mapping:
                        el.set("id", mapping[el.get("id")])
                    for key, value in el.attrib.items():
                        if "_x0000_s" in value:
                            el.set(key, _VML_SHAPE_ID.sub(spid, value))
                self.put_xml(part, root)
        root = self.xml(sheet_part)
        changed = False
        for el in root.iter():
            if local(el) == "control" and el.get("shapeId") in mapping:
                el.set("shapeId", mapping[el.get("shapeId")])
                changed = True
        if changed:
            self.put_xml(sheet_part, root)


_VML_SHAPE_ID = re.compile(r"_x0000_s(\d+)")
_VML_IDMAP = re.compile(r"""(idmap\b[^>]*?\bdata\s*=\s*["'])([^"']*)(["'])""")


# =================================================================== styles
class _Styles:
    """The cell formats of styles.xml: which are percent formats, and the
    quotePrefix twin of a format (parsed once, written back on `save`)."""

    def __init__(self, pkg: Package, part: Optional[str]):
        self.pkg, self.part = pkg, part if part in pkg.parts else None
        self.root = parse_xml(pkg.parts[self.part], self.part) if self.part else None
        self.dirty = False
        xfs = _child(self.root, "cellXfs") if self.root is not None else None
        self.cell_xfs = xfs
        self.xfs: list[etree._Element] = [el for el in xfs if local(el) == "xf"] if xfs is not None else []
        self._keys: Optional[dict[tuple, int]] = None

    def save(self) -> None:
        if self.dirty and self.part:
            self.pkg.parts[self.part] = serialize_xml(
                self.root, declaration=_has_declaration(self.pkg.parts[self.part]))
            self.dirty = False

    @staticmethod
    def _key(xf: etree._Element, quote: bool) -> tuple:
        attrs = tuple(sorted((k, v) for k, v in xf.attrib.items() if k != "quotePrefix"))
        return attrs, b"".join(etree.tostring(c) for c in xf), quote

    def quoted(self, style: Optional[str], want: bool) -> Optional[str]:
        """The style id to give a cell of style `style` so that it carries
        quotePrefix exactly when `want` (the format itself otherwise kept)."""
        if not self.xfs:
            return style
        index = int(style or 0)
        if index >= len(self.xfs):
            return style
        xf = self.xfs[index]
        if (xf.get("quotePrefix") in ("1", "true")) == want:
            return style
        if not want and style is None:
            return style
        if self._keys is None:
            self._keys = {}
            for i, other in enumerate(self.xfs):
                self._keys.setdefault(self._key(other, other.get("quotePrefix") in ("1", "true")), i)
        key = self._key(xf, want)
        if key not in self._keys:
            twin = copy.deepcopy(xf)
            if want:
                twin.set("quotePrefix", "1")
            elif "quotePrefix" in twin.attrib:
                del twin.attrib["quotePrefix"]
            self.xfs[-1].addnext(twin)
            self.xfs.append(twin)
            self.cell_xfs.set("count", str(len(self.xfs)))
            self._keys[key] = len(self.xfs) - 1
            self.dirty = True
        return str(self._keys[key])


# ==================================================================== cells
@lru_cache(maxsize=65536)
def _ref(ref: str) -> tuple[int, int]:
    """"H5" → (5, 8), for the r attributes of cells (cached: sheets repeat them)."""
    return from_a1(ref)


_KEEP = object()  # "keep the cell's content" (a style-only change)
_UNKNOWN = object()  # a shared string we could not look up


def _numbered(parent: etree._Element, name: str, number: Callable[[Any, int], int]):
    """(number, element) of `parent`'s `name` children; a missing r attribute
    means "the one after the previous" (the schema allows leaving it out)."""
    prev = 0
    for el in parent:
        if local(el) == name:
            prev = number(el, prev)
            yield prev, el


class SheetEditor:
    """Cell edits on one parsed worksheet."""

    def __init__(self, root: etree._Element, shared: Optional[list[str]] = None,
                 styles: Optional[_Styles] = None):
        self.root = root
        self.ns = _ns(root)
        self.shared = shared
        self.styles = styles
        self._rows: Optional[dict[int, etree._Element]] = None
        self._row_numbers: list[int] = []
        self._cells: dict[int, dict[int, etree._Element]] = {}

    def q(self, name: str) -> str:
        return _q(self.ns, name)

    # ------------------------------------------------------------- lookup
    @property
    def sheet_data(self) -> etree._Element:
        data = _child(self.root, "sheetData")
        if data is None:  # required by the schema, but be kind
            data = insert_ordered(self.root, etree.Element(self.q("sheetData")), WORKSHEET_ORDER)
        return data

    def rows(self) -> dict[int, etree._Element]:
        if self._rows is None:
            self._rows = dict(_numbered(self.sheet_data, "row",
                                        lambda el, prev: int(el.get("r") or prev + 1)))
            self._row_numbers = sorted(self._rows)
        return self._rows

    def _number_all_rows(self) -> None:
        for n, el in self.rows().items():
            if el.get("r") is None:
                el.set("r", str(n))

    def row(self, n: int, create: bool = True) -> Optional[etree._Element]:
        rows = self.rows()
        if n in rows or not create:
            return rows.get(n)
        if any(el.get("r") is None for el in rows.values()):
            self._number_all_rows()
        el = etree.Element(self.q("row"), r=str(n))
        i = bisect_right(self._row_numbers, n)
        if i < len(self._row_numbers):
            rows[self._row_numbers[i]].addprevious(el)
        else:
            self.sheet_data.append(el)
        rows[n] = el
        self._row_numbers.insert(i, n)
        return el

    @staticmethod
    def cells_of(row: etree._Element) -> dict[int, etree._Element]:
        return dict(_numbered(row, "c", lambda el, prev: _ref(el.get("r"))[1]
                              if el.get("r") else prev + 1))

    def cells(self, n: int) -> dict[int, etree._Element]:
        """Column → <c> of row `n` (kept up to date as cells are added)."""
        if n not in self._cells:
            row = self.row(n, create=False)
            self._cells[n] = self.cells_of(row) if row is not None else {}
        return self._cells[n]

    def row_styles(self, n: int) -> dict[int, Optional[str]]:
        """Column → style id of the cells of one row (None: default style)."""
        row = self.row(n, create=False)
        return {} if row is None else {c: el.get("s") for c, el in self.cells_of(row).items()}

    def _column_style(self, col: int) -> Optional[str]:
        cols = _child(self.root, "cols")
        for el in (cols if cols is not None else []):
            if local(el) == "col" and int(el.get("min", 0)) <= col <= int(el.get("max", 0)):
                return el.get("style")
        return None

    # -------------------------------------------------------------- write
    def write(self, cells: dict[tuple[int, int], Any],
              styles: dict[tuple[int, int], Optional[str]]) -> bool:
        """Rewrite the cells named in `cells` ((row, col) 1-based → value: None
        clears, a number, a bool, a text — always a string cell — or a
        `Formula`, written with its cached value).  A cell keeps its style
        unless `styles` gives it another (cells only in `styles` keep their
        content).  Cells already holding their value are not touched.
        Returns True when anything changed."""
        if not cells and not styles:
            return False
        self._unshare(set(cells))
        by_row: dict[int, dict[int, Any]] = {}
        for (r, c) in styles:
            by_row.setdefault(r, {})[c] = _KEEP
        for (r, c), value in cells.items():
            by_row.setdefault(r, {})[c] = value
        changed_cells: list[tuple[int, int]] = []
        for r in sorted(by_row):
            existing = self.cells(r)
            for c in sorted(by_row[r]):
                value = by_row[r][c]
                el = existing.get(c)
                if el is None and value is _KEEP and styles.get((r, c)) is None:
                    continue
                if el is None and (value is None or value == "") and styles.get((r, c)) is None:
                    continue  # clearing a cell that is not there
                if self._write_cell(r, c, el, value, styles, self.row(r, create=False)):
                    changed_cells.append((r, c))
        if changed_cells:
            self._grow_dimension(changed_cells)
        return bool(changed_cells)

    def _write_cell(self, r: int, c: int, el: Optional[etree._Element], value: Any,
                    styles: dict, row: Optional[etree._Element]) -> bool:
        if el is not None:
            style = el.get("s")
        else:
            style = None
            if row is not None and row.get("customFormat") in ("1", "true"):
                style = row.get("s")
            if style is None:
                style = self._column_style(c)
        if (r, c) in styles:
            style = styles[(r, c)]
        if value is _KEEP:
            want = el is not None and self._state(el)[1][:1] == ("s",) and \
                needs_quote_prefix(self._state(el)[1][1])
        else:
            want = isinstance(value, str) and needs_quote_prefix(cell_text(value))
        if self.styles is not None:
            style = self.styles.quoted(style, want)
        if el is not None and value is not _KEEP and self._state(el) == _desired(value) \
                and el.get("s") == style:
            return False
        if el is not None and value is _KEEP:
            if el.get("s") == style:
                return False
            _set_or_drop(el, "s", style)
            return True
        if el is None:
            row = self.row(r)
            cells = self.cells(r)
            if any(x.get("r") is None for x in cells.values()):
                for n, x in cells.items():
                    x.set("r", to_a1(r, n))
            el = etree.Element(self.q("c"), r=to_a1(r, c))
            after = [n for n in cells if n > c]
            if after:
                cells[min(after)].addprevious(el)
            else:
                row.append(el)
            cells[c] = el
            if row.get("spans"):
                del row.attrib["spans"]  # a hint only; wrong once a cell is added
        _set_or_drop(el, "s", style)
        if value is not _KEEP:
            self._fill(el, value)
        return True

    def _fill(self, el: etree._Element, value: Any) -> None:
        for child in list(el):
            el.remove(child)
        for key in ("t", "cm", "vm"):
            if key in el.attrib:
                del el.attrib[key]
        q = self.q
        if isinstance(value, Formula):
            f = etree.SubElement(el, q("f"))
            f.text = _xml_safe(value.text[1:] if value.text.startswith("=") else value.text)
            cached = value.value
            if cached is None:
                return
            if isinstance(cached, bool):
                el.set("t", "b")
                etree.SubElement(el, q("v")).text = str(int(cached))
            elif isinstance(cached, (int, float)) and _finite(cached):
                etree.SubElement(el, q("v")).text = _num(cached)
            elif isinstance(cached, (int, float)):
                el.set("t", "e")
                etree.SubElement(el, q("v")).text = "#NUM!"
            elif isinstance(cached, str) and cached in ERRORS:
                el.set("t", "e")
                etree.SubElement(el, q("v")).text = cached
            else:
                el.set("t", "str")
                etree.SubElement(el, q("v")).text = cell_text(str(cached))
            return
        if value is None or value == "":
            return
        if isinstance(value, bool):
            el.set("t", "b")
            etree.SubElement(el, q("v")).text = str(int(value))
        elif isinstance(value, (int, float)):
            if _finite(value):
                etree.SubElement(el, q("v")).text = _num(value)
            else:
                el.set("t", "e")
                etree.SubElement(el, q("v")).text = "#NUM!"
        else:
            text = cell_text(str(value))
            el.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(el, q("is")), q("t"))
            t.set(f"{{{NS_XML}}}space", "preserve")
            t.text = text

    def _state(self, el: etree._Element) -> tuple[Optional[str], Any]:
        """(formula text or None, value) of an existing cell, comparable with
        `_desired`."""
        t = el.get("t", "n")
        f = v = is_ = None
        for child in el:
            name = local(child)
            if name == "f":
                f = child
            elif name == "v":
                v = child
            elif name == "is":
                is_ = child
        formula = None
        if f is not None:
            formula = f.text if (f.text or f.get("t") != "shared") else "\0shared"
        raw = (v.text or "") if v is not None else None
        if t == "inlineStr":
            value: Any = ("s", _si_text(is_)) if is_ is not None else None
        elif raw is None or (raw == "" and t not in ("str",)):
            value = None
        elif t == "s":
            try:
                value = ("s", self.shared[int(raw)]) if self.shared is not None else _UNKNOWN
            except (ValueError, IndexError):
                value = _UNKNOWN
        elif t in ("str", "inlineStr"):
            value = ("s", raw)
        elif t == "b":
            value = ("b", raw in ("1", "true"))
        elif t == "e":
            value = ("e", raw)
        else:
            try:
                value = ("n", float(raw))
            except ValueError:
                value = _UNKNOWN
        if formula is None and value == ("s", ""):
            value = None
        return formula, value

    # ------------------------------------------------------ shared formulas
    def _unshare(self, targets: set[tuple[int, int]]) -> None:
        """Turn a shared-formula group into plain formulas when its master cell
        is about to be overwritten (Excel writes filled formulas as one shared
        master and children that only name it)."""
        if not _has_shared_formula(self.ns)(self.root):
            return
        masters: dict[str, tuple[int, int, str, etree._Element]] = {}
        for (r, c) in targets:
            el = self.cells(r).get(c)
            f = _child(el, "f") if el is not None else None
            if f is not None and f.get("t") == "shared" and f.get("ref") and f.get("si") is not None:
                masters[f.get("si")] = (r, c, f.text or "", f)
        if not masters:
            return
        for r in self.rows():
            for c, el in self.cells(r).items():
                f = _child(el, "f")
                if f is None or f.get("t") != "shared" or f.get("si") not in masters:
                    continue
                r0, c0, base, _master = masters[f.get("si")]
                f.text = base if (r, c) == (r0, c0) else shift_formula(base, r - r0, c - c0)
                for key in ("t", "si", "ref"):
                    if key in f.attrib:
                        del f.attrib[key]

    def _grow_dimension(self, cells: Iterable[tuple[int, int]]) -> None:
        dim = _child(self.root, "dimension")
        if dim is None or not dim.get("ref"):
            return
        try:
            parts = dim.get("ref").split(":")
            r1, c1 = from_a1(parts[0])
            r2, c2 = from_a1(parts[-1])
        except ValueError:
            return
        cells = list(cells)
        rows = [r for r, _ in cells] + [r1, r2]
        cols = [c for _, c in cells] + [c1, c2]
        new = f"{to_a1(min(rows), min(cols))}:{to_a1(max(rows), max(cols))}"
        if new != dim.get("ref"):
            dim.set("ref", new)


@lru_cache(maxsize=8)
@functools.lru_cache(maxsize=8)
def _has_shared_formula(ns: str) -> etree.XPath:
    """A compiled XPath: does a worksheet in namespace `ns` hold a shared-formula master?"""
    m = "m:" if ns else ""
    return etree.XPath(f"boolean({m}sheetData/{m}row/{m}c/{m}f[@t='shared'][@ref])",
                       namespaces={"m": ns} if ns else None)


def _desired(value: Any) -> tuple[Optional[str], Any]:
    """What `_state` reads back from a cell written with `value`."""
    if isinstance(value, Formula):
        text = _xml_safe(value.text[1:] if value.text.startswith("=") else value.text)
        return text, _plain_state(value.value, formula=True)
    return None, _plain_state(value, formula=False)


def _plain_state(value: Any, formula: bool) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "b", value
    if isinstance(value, (int, float)):
        return ("n", float(value)) if _finite(value) else ("e", "#NUM!")
    if value == "" and not formula:
        return None
    text = str(value)
    if formula and text in ERRORS:
        return "e", text
    return "s", cell_text(text)


def _set_or_drop(el: etree._Element, key: str, value: Optional[str]) -> None:
    if value is None:
        if key in el.attrib:
            del el.attrib[key]
    else:
        el.set(key, value)


def _si_text(si: etree._Element) -> str:
    """Text of a shared string item or an inline string: its <t>, or its rich
    runs' <t>s; phonetic runs (<rPh>) are not part of the text."""
    out = []
    for child in si:
        name = local(child)
        if name == "t":
            out.append(child.text or "")
        elif name == "r":
            out += [t.text or "" for t in child if local(t) == "t"]
    return "".join(out)


# ============================================================ compatibility
def set_cells(sheet_xml: str | bytes, cells: dict[tuple[int, int], Any],
              styles: Optional[dict[tuple[int, int], Optional[str]]] = None) -> str:
    """`SheetEditor.write` on one worksheet's XML text; returns the new text
    (the same text when nothing changed).  Without the package around it no
    quotePrefix style can be added: use `Package.set_cells` for clerk text."""
    raw = sheet_xml.encode("utf-8") if isinstance(sheet_xml, str) else sheet_xml
    editor = SheetEditor(parse_xml(raw, "worksheet"))
    if not editor.write(cells, styles or {}):
        return raw.decode("utf-8")
    return serialize_xml(editor.root, declaration=_has_declaration(raw)).decode("utf-8")


def row_styles(sheet_xml: str | bytes, row: int) -> dict[int, Optional[str]]:
    """Column → style id of the cells of one row (None: default style)."""
    return SheetEditor(parse_xml(sheet_xml, "worksheet")).row_styles(row)


def read_cells(sheet_xml: str | bytes, shared: Optional[list[str]] = None) -> dict[str, Any]:
    """A1 → value of every cell with a value (formulas give their cached value,
    or "=" + formula when none).  For tests, doctor and small reads."""
    root = parse_xml(sheet_xml, "worksheet")
    data = root if local(root) == "sheetData" else _child(root, "sheetData")
    out: dict[str, Any] = {}
    if data is None:
        return out
    editor = SheetEditor(root, shared=shared)
    for r, row in _numbered(data, "row", lambda el, prev: int(el.get("r") or prev + 1)):
        for c, el in editor.cells_of(row).items():
            formula, value = editor._state(el)
            if value is _UNKNOWN:  # a shared string without the table: its index
                value = ("s", _child(el, "v").text) if el.get("t") == "s" else None
            if value is not None and not (formula is not None and value == ("s", "")):
                out[to_a1(r, c)] = value[1]
            elif formula is not None and formula != "\0shared":
                out[to_a1(r, c)] = "=" + formula
    return out


def shared_strings(pkg: Package) -> list[str]:
    return pkg.shared_strings()


# ================================================================ formulas
def shift_formula(formula: str, rows: int, cols: int) -> str:
    """A formula as it reads `rows` down and `cols` right of where it was
    written: relative references move (whole columns `A:A` and rows `1:1`
    too), absolute ($) parts, quoted text and names stay (openpyxl's
    Translator)."""
    from openpyxl.formula.translate import Translator

    text = formula[1:] if formula.startswith("=") else formula
    return Translator("=" + text, origin="A1").translate_formula(
        row_delta=rows, col_delta=cols)[1:]


#: In formula text: a string literal, a quoted sheet prefix 'name'!, or a bare
#: sheet prefix name! (a bare name starts with a letter and is not a cell).
_SHEET_PREFIX = re.compile(r"""("(?:[^"]|"")*")|'((?:[^']|'')+)'!|(?<![\w.'])([^\W\d][\w.]*)!""")


def rename_sheet_refs(formula: str, old: str, new: str) -> str:
    """`formula` with references to sheet `old` pointing at sheet `new`
    (`'项目1'!$1:$3` → `'项目2'!$1:$3`, `项目1!A1` → `'项目2'!A1`); text in
    double quotes is left alone."""
    def one(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(0)
        name = m.group(2).replace("''", "'") if m.group(2) is not None else m.group(3)
        return quote_sheet(new) + "!" if name == old else m.group(0)

    return _SHEET_PREFIX.sub(one, formula)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# ================================================================= helpers
def _finite(value: float) -> bool:
    return not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def _num(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _CONTROL.sub("", text)


def _unused(parts: dict, pattern: str) -> str:
    n = 1
    while pattern.format(n) in parts:
        n += 1
    return pattern.format(n)


def _copy_name(parts: dict, old: str) -> str:
    folder, base = posixpath.split(old)
    stem, ext = base.rsplit(".", 1)
    stem = stem.rstrip("0123456789")
    return _unused(parts, posixpath.join(folder, stem + "{}." + ext))


__all__ = ["Package", "Rel", "SheetEditor", "set_cells", "read_cells", "shared_strings",
           "row_styles", "shift_formula", "rename_sheet_refs", "quote_sheet", "parse_xml",
           "serialize_xml", "insert_ordered", "local", "WORKSHEET_ORDER", "WORKBOOK_ORDER"]
