"""Masters as other programs write them, for the package-editing tests: the same
workbook with a namespace prefix (`<x:worksheet>`), with single-quoted
attributes, with inline instead of shared strings, saved by LibreOffice, and
rewritten by XlsxWriter (VBA project and form buttons included).  Plus the
checks every edit of such a file must pass.  Not a test module."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Callable

from lxml import etree

from xltools.xlsx.package import NS_MAIN, Package, SheetEditor

#: Worksheet elements an edit of the cells must keep as they were.
KEPT = ("sheetPr", "sheetFormatPr", "cols", "sheetProtection", "mergeCells",
        "conditionalFormatting", "dataValidations", "printOptions", "pageMargins",
        "pageSetup", "headerFooter", "drawing", "legacyDrawing", "controls", "extLst")


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


def kept_structure(xml: bytes) -> dict[str, list[bytes]]:
    """The kept elements of a worksheet as canonical XML (C14N), code name aside."""
    root = etree.fromstring(xml)
    out = {}
    for el in root:
        name = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if name == "AlternateContent":
            name = "controls" if b"controls" in etree.tostring(el) else name
        if name not in KEPT:
            continue
        if name == "sheetPr" and "codeName" in el.attrib:  # unique per sheet
            del el.attrib["codeName"]
        out.setdefault(name, []).append(etree.tostring(el, method="c14n"))
    return out


# ------------------------------------------------------------- XML rewriters
def _rewrite(src: Path, dest: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info)))
    return dest


def _spreadsheetml(name: str) -> bool:
    return name.startswith("xl/") and name.endswith(".xml") and "/theme/" not in name \
        and "/drawings/" not in name and "/ctrlProps/" not in name


def with_prefix(src: Path, dest: Path, prefix: str = "x") -> Path:
    """Every SpreadsheetML part written with `prefix:` on its elements instead
    of a default namespace (as some generators write them)."""
    def copy(el, parent):
        if not isinstance(el.tag, str):
            if parent is not None:
                parent.append(etree.Comment(el.text))
            return None
        if parent is None:
            nsmap = {(prefix if uri == NS_MAIN else k): uri for k, uri in el.nsmap.items()}
            new = etree.Element(el.tag, nsmap=nsmap)
        else:
            new = etree.SubElement(parent, el.tag)
        for key, value in el.attrib.items():
            new.set(key, value)
        new.text, new.tail = el.text, el.tail
        for child in el:
            copy(child, new)
        return new

    def change(name: str, data: bytes) -> bytes:
        if not _spreadsheetml(name):
            return data
        root = etree.fromstring(data)
        if etree.QName(root).namespace != NS_MAIN:
            return data
        return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                + etree.tostring(copy(root, None), encoding="UTF-8"))

    return _rewrite(src, dest, change)


def with_single_quotes(src: Path, dest: Path) -> Path:
    """Every attribute of the SpreadsheetML parts in single quotes."""
    def attrs(tag: re.Match) -> str:
        return re.sub(r'="([^"]*)"', lambda a: "='" + a.group(1).replace("'", "&apos;") + "'",
                      tag.group(0))

    def change(name: str, data: bytes) -> bytes:
        if not _spreadsheetml(name):
            return data
        text = etree.tostring(etree.fromstring(data), encoding="unicode")  # tags without raw ">"
        return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\r\n"
                + re.sub(r"<[^<>]+>", attrs, text)).encode("utf-8")

    return _rewrite(src, dest, change)


def with_inline_strings(src: Path, dest: Path) -> Path:
    """Every shared-string cell turned into an inline string (as XlsxWriter's
    constant-memory mode and many streaming writers write text)."""
    strings = Package.load(src).shared_strings()

    def change(name: str, data: bytes) -> bytes:
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            return data
        root = etree.fromstring(data)
        ns = etree.QName(root).namespace
        q = (lambda t: f"{{{ns}}}{t}")
        changed = False
        for cell in root.iter(q("c")):
            if cell.get("t") != "s":
                continue
            v = cell.find(q("v"))
            text = strings[int(v.text)]
            cell.remove(v)
            cell.set("t", "inlineStr")
            etree.SubElement(etree.SubElement(cell, q("is")), q("t")).text = text
            changed = True
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
            if changed else data

    return _rewrite(src, dest, change)


def with_xlsxwriter(src: Path, dest: Path) -> Path:
    """The master copied cell by cell with XlsxWriter: values, formulas with
    their cached values, merges, percent formats, list/decimal/custom
    validations, workbook names, print titles, hidden sheets, the VBA project
    and a form button on every project sheet."""
    import openpyxl
    import xlsxwriter

    formulas = openpyxl.load_workbook(src)
    values = openpyxl.load_workbook(src, data_only=True)
    wb = xlsxwriter.Workbook(str(dest))
    vba = zip_parts(src).get("xl/vbaProject.bin")
    if vba is not None:
        tmp = dest.with_suffix(".bin")
        tmp.write_bytes(vba)
        wb.add_vba_project(str(tmp))
        wb.set_vba_name("ThisWorkbook")
    formats: dict[str, Any] = {}
    criteria = {"between": "between", "notBetween": "not between", "equal": "==",
                "notEqual": "!=", "greaterThan": ">", "lessThan": "<",
                "greaterThanOrEqual": ">=", "lessThanOrEqual": "<="}
    for ws in formulas.worksheets:
        out = wb.add_worksheet(ws.title)
        shown = values[ws.title]
        merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
        covered = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                   for c in range(m.min_col, m.max_col + 1)} - set(merged)
        for row in ws.iter_rows():
            for cell in row:
                rc = (cell.row, cell.column)
                if rc in covered:
                    continue
                fmt = None
                if "%" in (cell.number_format or ""):
                    fmt = formats.setdefault(cell.number_format,
                                             wb.add_format({"num_format": cell.number_format}))
                value = cell.value
                r, c = cell.row - 1, cell.column - 1
                if rc in merged:
                    m = merged[rc]
                    out.merge_range(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1, "", fmt)
                if isinstance(value, str) and value.startswith("="):
                    cached = shown.cell(*rc).value
                    out.write_formula(r, c, value, fmt, "" if cached is None else cached)
                elif isinstance(value, str):
                    out.write_string(r, c, value, fmt)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    out.write_number(r, c, value, fmt)
                elif fmt is not None:
                    out.write_blank(r, c, None, fmt)
        for dv in ws.data_validations.dataValidation:
            if dv.type == "list":
                options = {"validate": "list", "source": "=" + dv.formula1}
            elif dv.type in ("decimal", "whole") and dv.operator in criteria and dv.formula1:
                options = {"validate": dv.type, "criteria": criteria[dv.operator],
                           "value": float(dv.formula1)}
                if dv.operator in ("between", "notBetween"):
                    options.update(minimum=float(dv.formula1), maximum=float(dv.formula2))
                    del options["value"]
            elif dv.type == "custom":
                options = {"validate": "custom", "value": "=" + dv.formula1}
            else:
                continue
            for rng in str(dv.sqref).split():
                out.data_validation(rng, dict(options))
        if ws.sheet_state != "visible":
            out.hide()
        if ws.print_title_rows:
            first, last = ws.print_title_rows.replace("$", "").split(":")
            out.repeat_rows(int(first) - 1, int(last) - 1)
        if ws.title.startswith("项目") and vba is not None:
            out.insert_button("L3", {"macro": "Recalculate", "caption": "一键重算",
                                     "width": 96, "height": 36})
        out.set_vba_name()
    for name, defined in formulas.defined_names.items():
        if not name.startswith("_xlnm"):
            wb.define_name(name, "=" + defined.attr_text)
    wb.close()
    return dest


def formula_values(path: Path) -> dict[tuple[str, str], tuple[str, Any]]:
    """(sheet, A1) → (formula, cached value) of every formula cell of a file,
    read from its XML (value None: no cached value)."""
    from xltools.core.addresses import to_a1

    pkg = Package.load(path)
    shared = pkg.shared_strings()
    out = {}
    for name, part, _rid in pkg.sheets():
        if part not in pkg.parts:
            continue
        editor = SheetEditor(pkg.xml(part), shared=shared)
        for r in editor.rows():
            for c, el in editor.cells(r).items():
                formula, value = editor._state(el)
                if formula is not None:
                    out[(name, to_a1(r, c))] = (formula, None if value is None else value[1])
    return out
