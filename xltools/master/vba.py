"""The master's VBA project: xlwings' own Excel-made project with our module.

`build_vba_project()` returns the `vbaProject.bin` every .xlsm master carries
(`xlsx.sheet.Book(path, vba=…)` puts it in the file, with the form buttons):
the project of xlwings' ``quickstart_standalone.xlsm`` with the xlwings module
replaced by the installed ``xlwings.bas`` (so its version always equals the
installed xlwings) and ``Module1`` replaced by ``macros/xltools.bas``; its
document modules ThisWorkbook, Sheet1, Sheet2 bind to the workbook and its
first two sheets.  The defined name ``XLTOOLS_XLWINGS_VERSION`` records the
xlwings version (``doctor`` compares it, and the module itself), and
`update_xlwings_module` brings an existing master to the installed xlwings
(``xltools doctor --fix``) through the package editor.
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from ..core import fileio



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


