"""A master as xltools 0.1 packaged it, for the tests of editing existing
masters: an .xlsx (written by openpyxl in the tests) turned macro-enabled at
zip level — our VBA project, code names, the version name, and form buttons as
a hand-written VML drawing appended to any the sheet already has (comments).
Masters like these are in clerks' hands; xltools itself now writes the .xlsm in
one pass (`xlsx.sheet.Book(vba=…)`).  Not a test module."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from xltools.core import fileio
from xltools.core.addresses import from_a1
from xltools.master.vba import (VERSION_NAME, build_vba_project, installed_xlwings_version, vba_subs,
                                xltools_module_source)
from xltools.xlsx.package import Package


@dataclass(frozen=True)
class Button:
    """A form-control button: on ``sheet`` (its name), top-left corner at the
    ``anchor`` cell (A1), ``caption`` shown on it (Chinese fine), ``macro`` the
    ASCII name of a Sub in ``macros/xltools.bas``; size in cells."""

    sheet: str
    anchor: str
    caption: str
    macro: str
    width_cols: int = 2
    height_rows: int = 2



# --------------------------------------------------------------- make_xlsm
def make_xlsm(xlsx_path, xlsm_path, buttons: Iterable[Button] = (), *,
              keep_backup: bool = True) -> Path:
    """Write `xlsm_path`: the workbook of `xlsx_path` with our VBA project and
    `buttons`.  `xlsx_path` is only read.  Returns the path written.

    Raises ValueError when a button names a sheet that does not exist or a
    macro that is not a Sub of macros/xltools.bas."""
    pkg = Package.load(xlsx_path)
    add_vba(pkg)
    add_buttons(pkg, list(buttons))
    target = Path(xlsm_path)
    with fileio.atomic_write(target, keep_backup=keep_backup) as tmp:
        pkg.save(tmp)
    return target


def add_vba(pkg: Package) -> None:
    """Put our VBA project into `pkg` and make it a macro-enabled workbook."""
    from xltools.xlsx.package import CT_MAIN_MACRO, CT_VBA, REL_VBA

    wb = pkg.workbook_part
    vba_part = "xl/vbaProject.bin"
    pkg.put(vba_part, build_vba_project())
    pkg.set_override(wb, CT_MAIN_MACRO)
    pkg.set_override(vba_part, CT_VBA)
    if not any(r.type == REL_VBA for r in pkg.rels(wb)):
        pkg.add_rel(wb, REL_VBA, vba_part)
    text = pkg.text(wb)
    if re.search(r"<workbookPr\b", text):
        if not re.search(r"<workbookPr\b[^>]*\bcodeName=", text):
            text = re.sub(r"<workbookPr\b", '<workbookPr codeName="ThisWorkbook"', text, count=1)
    else:
        text = re.sub(r"(<workbook\b[^>]*>(?:\s*<fileVersion\b[^>]*/>)?(?:\s*<fileSharing\b"
                      r"[^>]*/>)?)", r'\1<workbookPr codeName="ThisWorkbook"/>', text, count=1)
    pkg.put(wb, text)
    # Every sheet gets a code name (Sheet1, Sheet2 … as Excel and XlsxWriter do);
    # the project's document modules Sheet1/Sheet2 bind to the first two, Excel
    # makes modules for the others when it opens the file.
    taken = set(re.findall(r'<sheetPr\b[^>]*\bcodeName="([^"]+)"',
                           "".join(pkg.text(p) for _n, p, _r in pkg.sheets())))
    names = (f"Sheet{n}" for n in range(1, 10000))
    for _name, part, _rid in pkg.sheets():
        xml = pkg.text(part)
        if re.search(r"<sheetPr\b[^>]*\bcodeName=", xml):
            continue
        code = next(n for n in names if n not in taken)
        if re.search(r"<sheetPr\b", xml):
            xml = re.sub(r"<sheetPr\b", f'<sheetPr codeName="{code}"', xml, count=1)
        else:
            xml = re.sub(r"(<worksheet\b[^>]*>)", rf'\1<sheetPr codeName="{code}"/>', xml, count=1)
        pkg.put(part, xml)
    pkg.set_defined_name(VERSION_NAME, f'"{installed_xlwings_version()}"')


# ----------------------------------------------------------------- buttons
_NS_VML = ('xmlns:v="urn:schemas-microsoft-com:vml" '
           'xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel"')
_COL_PT, _ROW_PT = 48.0, 15.0
# Elements a worksheet may hold after <legacyDrawing>, in schema order.
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")


def add_buttons(pkg: Package, buttons: list[Button]) -> None:
    """Draw form-control buttons (VML, ``ObjectType="Button"``) on their sheets."""
    from xltools.xlsx.package import CT_VML, REL_VML

    if not buttons:
        return
    subs = set(vba_subs(xltools_module_source()))
    sheets = {name: part for name, part, _rid in pkg.sheets()}
    by_sheet: dict[str, list[Button]] = {}
    for button in buttons:
        if button.sheet not in sheets:
            raise ValueError(f"button {button.caption}: no sheet {button.sheet!r}")
        if button.macro not in subs:
            raise ValueError(f"button {button.caption}: no Sub {button.macro} in xltools.bas")
        by_sheet.setdefault(button.sheet, []).append(button)
    pkg.ensure_default("vml", CT_VML)
    for name, part, _rid in pkg.sheets():
        if name not in by_sheet:
            continue
        xml = pkg.text(part)
        legacy = re.search(r'<legacyDrawing\b[^>]*?\br:id="([^"]+)"', xml)
        if legacy:
            rel = next(r for r in pkg.rels(part) if r.id == legacy.group(1))
            vml_part = pkg.resolve(part, rel.target)
            pkg.put(vml_part, _append_shapes(pkg.text(vml_part), by_sheet[name]))
        else:
            vml_part = _unused_part(pkg, "xl/drawings/vmlDrawing{}.vml")
            pkg.put(vml_part, _new_vml(by_sheet[name], block=pkg.next_vml_block()))
            rid = pkg.add_rel(part, REL_VML, vml_part)
            pkg.put(part, _insert_legacy_drawing(xml, rid))


def _unused_part(pkg: Package, pattern: str) -> str:
    n = 1
    while pattern.format(n) in pkg.parts:
        n += 1
    return pattern.format(n)


def _insert_legacy_drawing(xml: str, rid: str) -> str:
    tag = f'<legacyDrawing r:id="{rid}"/>'
    if 'xmlns:r="' not in xml[: xml.find(">", xml.find("<worksheet")) + 1]:
        tag = f'<legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{rid}"/>'
    start = max((m.end() for m in re.finditer(
        r"</sheetData>|<sheetData\s*/>|</conditionalFormatting>|</dataValidations>|"
        r"</hyperlinks>|<pageMargins\b[^>]*/>|<pageSetup\b[^>]*/>|</headerFooter>|"
        r"<headerFooter\b[^>]*/>|</rowBreaks>|</colBreaks>|</ignoredErrors>|"
        r"<drawing\b[^>]*/>|<printOptions\b[^>]*/>", xml)), default=0)
    follower = re.compile("<(?:" + "|".join(_AFTER_LEGACY) + r")\b|<mc:AlternateContent\b|</worksheet>")
    m = follower.search(xml, start)
    return xml[:m.start()] + tag + xml[m.start():]


def _shape_xml(button: Button, shape_id: int, z: int) -> str:
    row, col = from_a1(button.anchor)
    left, top = (col - 1) * _COL_PT, (row - 1) * _ROW_PT
    width, height = button.width_cols * _COL_PT, button.height_rows * _ROW_PT
    anchor = (f"{col - 1}, 4, {row - 1}, 2, {col - 1 + button.width_cols}, 0, "
              f"{row - 1 + button.height_rows}, 0")
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t201" '
        f'style="position:absolute;margin-left:{left:g}pt;margin-top:{top:g}pt;'
        f'width:{width:g}pt;height:{height:g}pt;z-index:{z};mso-wrap-style:tight" '
        'o:button="t" fillcolor="buttonFace [67]" strokecolor="windowText [64]" '
        'o:insetmode="auto">'
        '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>'
        '<o:lock v:ext="edit" rotation="t"/>'
        '<v:textbox style="mso-direction-alt:auto" o:singleclick="f">'
        '<div style="text-align:center"><font face="宋体" size="220" color="#000000">'
        f"{_escape(button.caption)}</font></div></v:textbox>"
        '<x:ClientData ObjectType="Button">'
        f"<x:Anchor>{anchor}</x:Anchor>"
        "<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill>"
        f"<x:FmlaMacro>[0]!{button.macro}</x:FmlaMacro>"
        "<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign>"
        "</x:ClientData></v:shape>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SHAPETYPE = (
    '<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
    '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>')


def _new_vml(buttons: list[Button], block: int) -> str:
    shapes = "".join(_shape_xml(b, 1024 * block + i, i) for i, b in enumerate(buttons, 1))
    return (f"<xml {_NS_VML}>"
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
            f"{_SHAPETYPE}{shapes}</xml>")


def _append_shapes(vml: str, buttons: list[Button]) -> str:
    """Add button shapes to a VML drawing that already holds shapes (comments,
    other buttons), whatever prefixes it uses for the VML namespaces."""
    prefixes = {}
    for uri, key in (("urn:schemas-microsoft-com:vml", "v"),
                     ("urn:schemas-microsoft-com:office:office", "o"),
                     ("urn:schemas-microsoft-com:office:excel", "x")):
        m = re.search(r'xmlns:(\w+)="' + re.escape(uri) + '"', vml)
        prefixes[key] = m.group(1) if m else None
    missing = "".join(f' xmlns:{k}="{u}"' for k, u in (
        ("v", "urn:schemas-microsoft-com:vml"),
        ("o", "urn:schemas-microsoft-com:office:office"),
        ("x", "urn:schemas-microsoft-com:office:excel")) if prefixes[k] != k)
    ids = [int(x) for x in re.findall(r'_x0000_s(\d+)', vml)]
    first = max(ids) + 1 if ids else 1025
    body = ("" if "_x0000_t201" in vml else _SHAPETYPE) + "".join(
        _shape_xml(b, first + i, 100 + i) for i, b in enumerate(buttons))
    # Our shapes use v:/o:/x:; declare them on a wrapper-free basis: on the root.
    if missing:
        vml = re.sub(r"<xml\b", "<xml" + missing, vml, count=1)
    return vml.replace("</xml>", body + "</xml>")
