"""Packaging: turn an .xlsx written by openpyxl into the macro-enabled master.

Call site (part A, ``xltools new``)::

    from xltools.master.vba import Button, make_xlsm, DEFAULT_BUTTONS
    make_xlsm(xlsx_path, xlsm_path, buttons)   # buttons: list[Button]

``make_xlsm`` reads the .xlsx (never modifies it) and writes ``xlsm_path``
atomically (an existing file is backed up first).  It

- puts ``xl/vbaProject.bin`` in the package: the Excel-made project of
  xlwings' own ``quickstart_standalone.xlsm`` with the xlwings module replaced
  by the installed ``xlwings.bas`` (so its version always equals the installed
  xlwings) and ``Module1`` replaced by ``macros/xltools.bas``;
- makes the main part macro-enabled in ``[Content_Types].xml`` and links the
  project from ``xl/_rels/workbook.xml.rels``;
- gives the workbook and every sheet a code name (ThisWorkbook, Sheet1, …);
  the project's document modules Sheet1/Sheet2 bind to the first two sheets;
- records the xlwings version of the VBA module in the defined name
  ``XLTOOLS_XLWINGS_VERSION`` (``doctor`` compares it, and the module itself);
- draws one form-control button per ``Button`` (legacy VML drawing, the form
  Excel 2007+ reads; the caption may be Chinese, the macro is an ASCII Sub name
  of ``macros/xltools.bas``).

Nothing else in the package is touched: cells, styles, validations (also
x14 ones), conditional formats, print setup and defined names stay byte-equal.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

from ..core import fileio
from ..core.addresses import from_a1

if TYPE_CHECKING:  # the package editor is imported where a package is edited:
    from ..xlsx.package import Package  # `xltools new` only needs the project


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


#: Sub name in macros/xltools.bas → the caption its button carries.
MACROS = {
    "Recalculate": "一键重算",
    "CheckBook": "校验",
    "Consolidate": "汇总下级报送",
    "AddProject": "新增项目",
    "EvaluateDepartment": "整体评价",
    "ImportFunctions": "导入自定义函数",
}
#: The defined name that records the xlwings version of the VBA module.
VERSION_NAME = "XLTOOLS_XLWINGS_VERSION"
#: Our VBA module's name in the project (file macros/xltools.bas).
MODULE_NAME = "xltools"


def _xlwings_dir() -> Path:
    """The installed xlwings package's folder — found, not imported (importing
    xlwings pulls in pandas: half a second `xltools new` does not need)."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.origin:
        raise ModuleNotFoundError("xlwings is not installed")
    return Path(spec.origin).parent


def installed_xlwings_version() -> str:
    from importlib.metadata import version

    return version("xlwings")


def macros_dir() -> Path:
    """Where macros/*.bas live: inside the installed package, or the repo root."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "macros", here.parent / "macros"):
        if (candidate / f"{MODULE_NAME}.bas").exists():
            return candidate
    raise FileNotFoundError("macros/xltools.bas not found")


def xltools_module_source() -> str:
    return _crlf((macros_dir() / f"{MODULE_NAME}.bas").read_text(encoding="ascii"))


def xlwings_module_source() -> str:
    """The installed xlwings' standalone VBA module (xlwings.bas)."""
    return _crlf((_xlwings_dir() / "xlwings.bas").read_text(encoding="ascii"))


def module_version(source: str) -> Optional[str]:
    """The version an xlwings VBA module declares (`XLWINGS_VERSION`)."""
    m = re.search(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', source)
    if m:
        return m.group(1)
    m = re.search(r"^'Version:\s*(\S+)", source, re.M)
    return m.group(1) if m else None


def vba_subs(source: str) -> list[str]:
    """Names of the public Subs (macros a button can call) in a VBA module."""
    return re.findall(r"^\s*(?:Public\s+)?Sub\s+(\w+)\s*\(\s*\)", source, re.M | re.I)


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def build_vba_project() -> bytes:
    """vbaProject.bin: xlwings' Excel-made quickstart project with its xlwings
    module replaced by the installed xlwings.bas and Module1 by our module."""
    ours, xlw = xltools_module_source(), xlwings_module_source()
    for name, text in ((MODULE_NAME, ours), ("xlwings", xlw)):
        try:
            text.encode("ascii")
        except UnicodeEncodeError as exc:  # codepage 1252: Chinese belongs in sheets
            raise ValueError(f"VBA module {name} must be ASCII") from exc
    key = hashlib.sha256((ours + "\0" + xlw + "\0" + _pyopenvba_version()).encode("ascii")).hexdigest()
    cached = _cache_file(key)
    try:
        data = cached.read_bytes()
        if data.startswith(_OLE_MAGIC):
            return data
    except OSError:
        pass
    data = _build_vba_project(key, ours, xlw)
    try:  # the next `xltools new` skips pyopenvba (a quarter of a second)
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    except OSError:
        pass
    return data


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _pyopenvba_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pyopenvba")
    except PackageNotFoundError:
        return ""


def _cache_file(key: str) -> Path:
    """Where a built project is kept between runs: the system's temporary
    folder, named by the hash of everything it is built from."""
    return Path(tempfile.gettempdir()) / "xltools-cache" / f"vbaProject-{key[:32]}.bin"


@functools.lru_cache(maxsize=4)
def _build_vba_project(_key: str, ours: str, xlw: str) -> bytes:
    import zipfile

    from pyopenvba import ExcelFile


    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "quickstart.xlsm"
        out = Path(tmp) / "built.xlsm"
        shutil.copy(_xlwings_dir() / "quickstart_standalone.xlsm", src)
        with ExcelFile(str(src)) as wb:
            project = wb.vba_project()
            names = project.module_names()
            if "Module1" in names and MODULE_NAME not in names:
                project.rename_module("Module1", MODULE_NAME)
            if MODULE_NAME in project.module_names():
                wb.set_module(MODULE_NAME, ours)
            else:
                project.add_module(MODULE_NAME, ours)
            wb.set_module("xlwings", xlw)
            wb.save(str(out))
        with zipfile.ZipFile(out) as zf:
            return zf.read("xl/vbaProject.bin")


def with_module(vba_project: bytes, name: str, source: str) -> bytes:
    """`vba_project` (a vbaProject.bin) with module `name` holding `source`;
    every other module, reference and setting of the project is kept."""
    import zipfile

    from pyopenvba import ExcelFile

    from ..xlsx.package import Package

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "project.xlsm"
        out = Path(tmp) / "built.xlsm"
        shutil.copy(_xlwings_dir() / "quickstart_standalone.xlsm", src)
        pkg = Package.load(src)
        pkg.put("xl/vbaProject.bin", vba_project)
        pkg.save(src)
        with ExcelFile(str(src)) as wb:
            wb.set_module(name, _crlf(source))
            wb.save(str(out))
        with zipfile.ZipFile(out) as zf:
            return zf.read("xl/vbaProject.bin")


def update_xlwings_module(path, *, interpreter: Optional[str] = None) -> tuple[Optional[str], str]:
    """Bring the master at `path` to the installed xlwings: its xlwings VBA
    module becomes the installed xlwings.bas and ``XLTOOLS_XLWINGS_VERSION``
    records that version; with `interpreter`, the xlwings.conf sheet's
    Interpreter_Win is set too.  Every other part keeps its bytes; the file is
    backed up (verified copy) and replaced atomically.  Returns (old module
    version, new version)."""
    from ..master.layout import CONF_SHEET
    from ..xlsx.package import Package, read_cells, set_cells, shared_strings

    pkg = Package.load(path)
    part = "xl/vbaProject.bin"
    if part not in pkg.parts:
        raise ValueError(f"{Path(path).name} 中没有宏代码（VBA 工程），无法修复：请用 xltools new 重新生成主表")
    old = _module_version_of(path)
    new = installed_xlwings_version()
    recorded = (pkg.defined_name(VERSION_NAME) or "").strip('"')
    changed = old != new or recorded != new or interpreter is not None
    if old != new:
        pkg.put(part, with_module(pkg.parts[part], "xlwings", xlwings_module_source()))
    if old != new or recorded != new:
        pkg.set_defined_name(VERSION_NAME, f'"{new}"')
    if interpreter is not None:
        try:
            sheet = pkg.sheet_part(CONF_SHEET)
        except KeyError:
            raise ValueError(f"主表中没有“{CONF_SHEET}”配置表，无法写入解释器路径") from None
        cells = read_cells(pkg.text(sheet), shared_strings(pkg))
        row = next((r for r in range(1, 200)
                    if str(cells.get(f"A{r}") or "").strip().lower() == "interpreter_win"), None)
        if row is None:
            raise ValueError(f"“{CONF_SHEET}”表 A 列中没有 Interpreter_Win，无法写入解释器路径")
        pkg.put(sheet, set_cells(pkg.text(sheet), {(row, 2): interpreter}))
    if changed:
        with fileio.atomic_write(Path(path)) as tmp:
            pkg.save(tmp)
    return old, new


def _module_version_of(path) -> Optional[str]:
    from .doctor import vba_modules

    source = vba_modules(path).get("xlwings")
    return module_version(source) if source else None


# --------------------------------------------------------------- make_xlsm
def make_xlsm(xlsx_path, xlsm_path, buttons: Iterable[Button] = (), *,
              keep_backup: bool = True) -> Path:
    """Write `xlsm_path`: the workbook of `xlsx_path` with our VBA project and
    `buttons`.  `xlsx_path` is only read.  Returns the path written.

    Raises ValueError when a button names a sheet that does not exist or a
    macro that is not a Sub of macros/xltools.bas."""
    from ..xlsx.package import Package

    pkg = Package.load(xlsx_path)
    add_vba(pkg)
    add_buttons(pkg, list(buttons))
    target = Path(xlsm_path)
    with fileio.atomic_write(target, keep_backup=keep_backup) as tmp:
        pkg.save(tmp)
    return target


def add_vba(pkg: "Package") -> None:
    """Put our VBA project into `pkg` and make it a macro-enabled workbook."""
    from ..xlsx.package import CT_MAIN_MACRO, CT_VBA, REL_VBA

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


def add_buttons(pkg: "Package", buttons: list[Button]) -> None:
    """Draw form-control buttons (VML, ``ObjectType="Button"``) on their sheets."""
    from ..xlsx.package import CT_VML, REL_VML

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


def _unused_part(pkg: "Package", pattern: str) -> str:
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
