"""`xltools doctor [MASTER.xlsm] [--fix]`: what is wrong with a clerk's set-up, in Chinese.

Each check gives `Finding`s: "ok", "warning" (works, but worth fixing) or
"error" (a button or UDF will fail), each with the fix in Chinese.  Checked:

- Python: the version (`distribution.MIN_PYTHON`);
- xlwings: installed, and exactly the version xltools pins
  (`distribution.XLWINGS_VERSION`);
- Excel: found, and not the Microsoft Store build (xlwings cannot drive it);
- the master: where it lies (a OneDrive/SharePoint address, a synced or
  netdisk folder), its xlwings VBA module against the interpreter's xlwings
  (else "Run-time error 53 … xlwings64-….dll"), our module and that every
  button calls a Sub that exists;
- the xlwings.conf sheet: duplicate keys and keys below a blank row (xlwings
  stops reading there), UDF Modules, the interpreter: it exists, xlwings'
  DLL lies beside it (security software deletes it), it can import xltools.

Everything the checks learn from the PC comes through `Machine`, so tests
give a fake one.  `--fix` (`repair`) rewrites the master's xlwings module to
the installed version and, with `--interpreter`, sets Interpreter_Win.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any, Callable, Optional

from . import layout as L
from ..distribution import (INSTALL_SENTENCE, MIN_PYTHON, XLWINGS_VERSION, install_command_for,
                            python_text)


@dataclass(frozen=True)
class Finding:
    level: str      # ok / warning / error
    topic: str
    message: str

    @property
    def mark(self) -> str:
        return {"ok": "[正常]", "warning": "[注意]", "error": "[问题]"}[self.level]


def _run(cmd: list[str]) -> tuple[int, str]:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return done.returncode, done.stdout + done.stderr


def _excel_paths() -> list[str]:
    """Where Windows says Excel is (App Paths and the COM server of
    Excel.Application); [] elsewhere or when nothing is registered."""
    if not sys.platform.startswith("win"):
        return []
    import winreg  # noqa: PLC0415 - Windows only

    found: list[str] = []
    keys = [(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"),
            (winreg.HKEY_CURRENT_USER, r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe")]
    try:
        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application\CLSID") as key:
            clsid = winreg.QueryValue(key, None)
        keys.append((winreg.HKEY_CLASSES_ROOT, rf"CLSID\{clsid}\LocalServer32"))
    except OSError:
        pass
    for root, sub in keys:
        try:
            with winreg.OpenKey(root, sub) as key:
                value = winreg.QueryValue(key, None)
        except OSError:
            continue
        if value and value not in found:
            found.append(value)
    return found


@dataclass
class Machine:
    """What doctor learns from the PC; tests pass a fake."""

    platform: str = sys.platform
    environ: Any = field(default_factory=lambda: os.environ)
    run: Callable[[list[str]], tuple[int, str]] = _run
    which: Callable[[str], Optional[str]] = shutil.which
    exists: Callable[[str], bool] = os.path.exists
    excel: Optional[list[str]] = None   # None: ask Windows (`_excel_paths`)
    executable: str = sys.executable

    @property
    def windows(self) -> bool:
        return self.platform.startswith("win")

    def excel_paths(self) -> list[str]:
        return _excel_paths() if self.excel is None else list(self.excel)


# ------------------------------------------------------------- environment
def check_python(version: tuple = tuple(sys.version_info[:3])) -> list[Finding]:
    shown = python_text(version)
    if tuple(version[:2]) < MIN_PYTHON:
        need = python_text(MIN_PYTHON)
        return [Finding("error", "Python", f"Python 版本 {shown} 过旧，xltools 需要 {need} 或更新版本："
                                           f"从 python.org 安装新版 Python 后重新安装 xltools（{INSTALL_SENTENCE}）")]
    return [Finding("ok", "Python", f"Python {shown}（{sys.executable}）")]


def installed_xlwings() -> Optional[str]:
    try:
        import xlwings
    except ImportError:
        return None
    return xlwings.__version__


def check_xlwings(version: Optional[str], platform: str = sys.platform,
                  pinned: str = XLWINGS_VERSION, python: str = sys.executable) -> list[Finding]:
    if version is None:
        return [Finding("error", "xlwings", f"没有安装 xlwings：请重新安装 xltools（{INSTALL_SENTENCE}）")]
    if version != pinned:
        out = [Finding("error", "xlwings", f"本机 xlwings 是 {version}，xltools 要求 {pinned}（主表里的宏按这个版本生成）："
                                           f"请运行 \"{python}\" -m pip install xlwings=={pinned}")]
    else:
        out = [Finding("ok", "xlwings", f"已安装 xlwings {version}（xltools 要求的版本）")]
    if platform.startswith("win"):
        try:
            import win32com  # noqa: F401
        except ImportError:
            out.append(Finding("error", "xlwings", "缺少 pywin32，Excel 无法调用 Python：请重新安装 xltools"
                                                  f"（{INSTALL_SENTENCE}）"))
    else:
        out.append(Finding("warning", "xlwings", "本机不是 Windows：主表按钮和自定义函数只能在"
                                                "Windows 版 Excel 中使用，终端命令可以照常使用"))
    return out


#: Where Excel lives when it came from the Microsoft Store (a packaged app).
_STORE_MARKS = ("\\windowsapps\\", "microsoft.office.desktop")


def check_excel(machine: Machine) -> list[Finding]:
    """Excel found, and not the Microsoft Store build (xlwings cannot drive it)."""
    if not machine.windows:
        return []
    paths = machine.excel_paths()
    if not paths:
        return [Finding("warning", "Excel", "没有找到 Microsoft Excel：主表按钮只能在 Windows 版 Excel 中使用"
                                           "（WPS 表格不能运行按钮，但下拉列表、校验和公式照常可用）")]
    store = [p for p in paths if any(m in p.lower() for m in _STORE_MARKS)]
    if store:
        return [Finding("error", "Excel", f"Excel 是从 Microsoft Store（应用商店）安装的（{store[0]}），"
                                         "xlwings 无法调用这种 Excel，按钮会没有反应：请在“设置 → 应用”中卸载它，"
                                         "再从 office.com 或单位的正版渠道安装桌面版 Office")]
    return [Finding("ok", "Excel", f"Excel：{paths[0]}")]


#: Folder names of sync clients whose folders Excel or the sync itself gets in the way of.
SYNC_FOLDERS = {
    "onedrive": "OneDrive", "sharepoint": "SharePoint", "dropbox": "Dropbox", "icloud": "iCloud",
    "iclouddrive": "iCloud", "baidunetdisk": "百度网盘", "baidunetdiskworkspace": "百度网盘",
    "baidusyncdisk": "百度网盘同步空间", "百度网盘": "百度网盘", "nutstore": "坚果云", "我的坚果云": "坚果云",
    "坚果云": "坚果云", "wpsdrive": "WPS 云盘", "wps云盘": "WPS 云盘", "wps网盘": "WPS 云盘",
    "synologydrive": "Synology Drive", "seafile": "Seafile", "阿里云盘": "阿里云盘", "腾讯微云": "腾讯微云",
    "googledrive": "Google Drive", "google drive": "Google Drive",
}


def check_location(path: str, machine: Optional[Machine] = None) -> list[Finding]:
    """A master opened from a web address, or kept in a OneDrive/SharePoint or
    netdisk-synced folder."""
    machine = machine or Machine()
    text = str(path)
    if re.match(r"(?i)https?://", text):
        return [Finding("error", "位置", f"主表是从网址打开的（{text[:80]}……，OneDrive/SharePoint），"
                                        "按钮找不到文件：请先“文件 → 另存为”到本机文件夹（如 D:\\绩效自评）再打开那一份")]
    folder = text.replace("/", "\\").lower()
    roots = [machine.environ.get(k) for k in ("OneDrive", "OneDriveConsumer", "OneDriveCommercial")]
    synced = next((r for r in roots if r and folder.startswith(r.replace("/", "\\").lower().rstrip("\\") + "\\")),
                  None)
    name = "OneDrive" if synced else None
    if name is None:
        for part in PureWindowsPath(folder).parts[:-1]:
            key = part.lower().replace(" ", "")
            label = SYNC_FOLDERS.get(key) or next(
                (v for k, v in SYNC_FOLDERS.items() if key.startswith(k.replace(" ", "") + "-")), None)
            if label:
                name = label
                break
    if name:
        return [Finding("warning", "位置", f"主表在 {name} 同步文件夹中：Excel 可能把它当作网址打开，按钮就找不到主表和"
                                          "“下级报送”文件夹；同步时文件还会被锁住或出现冲突副本。请把主表和“下级报送”"
                                          "文件夹放到不同步的本机文件夹（如 D:\\绩效自评）")]
    return [Finding("ok", "位置", "主表在本机文件夹中")]


# ------------------------------------------------------------------ master
def vba_modules(path: str | os.PathLike) -> dict[str, str]:
    """Module name → source of the VBA project in a workbook ({} when none),
    read with pyopenvba (the library that builds the project; the tests read
    it back independently with oletools)."""
    import tempfile
    import zipfile

    from pyopenvba import ExcelFile

    src = Path(path)
    try:
        with zipfile.ZipFile(src) as zf:
            if "xl/vbaProject.bin" not in zf.namelist():
                return {}
        with tempfile.TemporaryDirectory(prefix="xltools-vba-") as tmp:
            if src.suffix.lower() != ".xlsm":  # pyopenvba goes by the extension
                src = Path(shutil.copy(src, Path(tmp) / "book.xlsm"))
            with ExcelFile(str(src)) as wb:
                return {name: code for name, code in wb.vba_modules().items()}
    except Exception:  # noqa: BLE001 - a damaged project reads as none; doctor says so
        return {}


def button_macros(path: str | os.PathLike) -> list[tuple[str, str, str]]:
    """(sheet, caption, macro) of every form-control button in a workbook."""
    from ..xlsx.package import REL_VML, Package

    pkg = Package.load(path)
    out = []
    for name, part, _rid in pkg.sheets():
        for rel in pkg.rels(part):
            if rel.type != REL_VML:
                continue
            vml_part = pkg.resolve(part, rel.target)
            vml = pkg.text(vml_part) if vml_part in pkg.parts else ""
            for shape in re.findall(r"<(?:\w+:)?shape\b.*?</(?:\w+:)?shape>", vml, re.S):
                if 'ObjectType="Button"' not in shape:
                    continue
                macro = re.search(r"<(?:\w+:)?FmlaMacro>(.*?)</", shape, re.S)
                caption = re.sub(r"<[^>]+>", "", re.search(
                    r"<(?:\w+:)?textbox\b.*?</(?:\w+:)?textbox>", shape, re.S).group(0)) \
                    if re.search(r"textbox", shape) else ""
                out.append((name, caption.strip(), macro.group(1).strip() if macro else ""))
    return out


def check_master(path: str | os.PathLike, xlwings_version: Optional[str],
                 run: Optional[Callable[[list[str]], tuple[int, str]]] = None,
                 environ: Optional[dict] = None, machine: Optional[Machine] = None) -> list[Finding]:
    from .vba import MODULE_NAME, VERSION_NAME, module_version, vba_subs
    from ..xlsx.package import Package

    machine = machine or Machine()
    if run is not None:
        machine.run = run
    if environ is not None:
        machine.environ = environ
    out: list[Finding] = check_location(str(path), machine)
    if re.match(r"(?i)https?://", str(path)):
        return out
    path = Path(path)
    if not path.exists():
        return out + [Finding("error", "主表", f"找不到文件 {path}")]
    if path.suffix.lower() != ".xlsm":
        out.append(Finding("error", "主表", f"{path.name} 不是启用宏的工作簿（.xlsm），按钮不能使用"
                                            "（无宏主表请在命令行运行 xltools recalc、xltools check）"))
    try:
        pkg = Package.load(path)
    except Exception as exc:
        return out + [Finding("error", "主表", f"无法打开 {path.name}：{exc}")]

    modules = vba_modules(path)
    file_version = None
    if not modules:
        out.append(Finding("error", "VBA", f"{path.name} 中没有宏代码（VBA 工程）"))
    else:
        xlw = modules.get("xlwings")
        file_version = module_version(xlw) if xlw else None
        recorded = pkg.defined_name(VERSION_NAME)
        recorded = recorded.strip('"') if recorded else None
        if xlw is None:
            out.append(Finding("error", "VBA", "主表中缺少 xlwings 宏模块：请用 xltools new 重新生成主表"))
        elif xlwings_version and file_version != xlwings_version:
            out.append(Finding("error", "版本", f"主表中 xlwings 宏模块版本 {file_version} 与本机安装的"
                                                f" xlwings {xlwings_version} 不一致，按钮和自定义函数会报错"
                                                f"（“Run-time error 53 … xlwings64-….dll”）：请运行 "
                                                f"xltools doctor {_quoted(path.name)} --fix，把主表中的宏模块换成本机的版本"))
        else:
            out.append(Finding("ok", "版本", f"主表中 xlwings 宏模块版本 {file_version}"
                                             + ("，与本机一致" if xlwings_version else "")))
        if recorded and file_version and recorded != file_version:
            out.append(Finding("warning", "版本", f"主表记录的版本 {recorded} 与其宏模块版本 {file_version} 不一致："
                                                  f"请运行 xltools doctor {_quoted(path.name)} --fix"))
        ours = modules.get(MODULE_NAME)
        subs = set(vba_subs(ours)) if ours else set()
        if ours is None:
            out.append(Finding("error", "VBA", f"主表中缺少 {MODULE_NAME} 宏模块：请用 xltools new 重新生成主表"))
        buttons = button_macros(path)
        missing = [(s, c, m) for s, c, m in buttons if m.split("!")[-1] not in subs]
        for sheet, caption, macro in missing:
            out.append(Finding("error", "按钮", f"“{sheet}”表上的按钮“{caption}”指向不存在的宏 {macro}"))
        if buttons and not missing:
            out.append(Finding("ok", "按钮", f"{len(buttons)} 个按钮都指向存在的宏"))
    out += check_conf(pkg, machine=machine, dll_version=file_version or xlwings_version, master=path.name)
    return out


def _quoted(name: str) -> str:
    return f'"{name}"' if re.search(r"\s", name) else name


@dataclass
class ConfSheet:
    """The xlwings.conf sheet as xlwings reads it: keys from A1 down to the
    first blank (`entries`, lower-case key → value); rows below a blank that
    xlwings never reads; keys that repeat (xlwings stops with an error)."""

    entries: dict[str, Any]
    unread: list[tuple[int, str]]
    duplicates: list[str]


def read_conf(pkg: Any) -> Optional[ConfSheet]:
    """None when the master has no xlwings.conf sheet."""
    from ..xlsx.package import read_cells, shared_strings

    try:
        part = pkg.sheet_part(L.CONF_SHEET)
    except KeyError:
        return None
    cells = read_cells(pkg.text(part), shared_strings(pkg))
    conf = ConfSheet({}, [], [])
    last = max((int(ref[1:]) for ref in cells if re.fullmatch(r"A\d+", ref)), default=0)
    row = 1
    while cells.get(f"A{row}") not in (None, ""):
        key = str(cells[f"A{row}"]).strip().lower()
        if key in conf.entries:  # xlwings adds keys to a dictionary: a repeat is an error there
            conf.duplicates.append(str(cells[f"A{row}"]))
        conf.entries[key] = cells.get(f"B{row}")
        row += 1
    for r in range(row + 1, last + 1):
        key = cells.get(f"A{r}")
        if key not in (None, ""):
            conf.unread.append((r, str(key)))
    return conf


def conf_entries(pkg: Any) -> Optional[dict[str, Any]]:
    """Key (lower case) → value of the xlwings.conf sheet as xlwings reads it."""
    conf = read_conf(pkg)
    return None if conf is None else conf.entries


def check_conf(pkg: Any, run=None, environ=None, machine: Optional[Machine] = None,
               dll_version: Optional[str] = None, master: str = "主表.xlsm") -> list[Finding]:
    machine = machine or Machine()
    if run is not None:
        machine.run = run
    if environ is not None:
        machine.environ = environ
    conf = read_conf(pkg)
    if conf is None:
        names = [s[0] for s in pkg.sheets()]
        if "_" + L.CONF_SHEET in names:
            return [Finding("error", "配置", f"配置表名为“_{L.CONF_SHEET}”，xlwings 不会读取："
                                             f"请改名为“{L.CONF_SHEET}”")]
        return [Finding("error", "配置", f"主表中没有“{L.CONF_SHEET}”配置表")]
    out: list[Finding] = []
    for key in conf.duplicates:
        out.append(Finding("error", "配置", f"配置表 A 列中“{key}”出现了不止一次，xlwings 会报错：请删去重复的一行"))
    if conf.unread:
        first_row = conf.unread[0][0]
        keys = "、".join(k for _r, k in conf.unread)
        out.append(Finding("error", "配置", f"配置表第 {first_row} 行上面有空行：xlwings 读到空行就停下，"
                                            f"下面的 {keys} 不会生效。请删去空行，让设置从 A1 起连续排列"))
    entries = conf.entries
    udf = str(entries.get("udf modules") or "")
    present = [m.strip() for m in udf.split(";")]
    missing = [m for m in L.UDF_MODULES.split(";") if m not in present]
    if missing:
        out.append(Finding("error", "配置", f"配置表中“UDF Modules”应为 {L.UDF_MODULES}（现为“{udf}”，"
                                            f"缺少 {'、'.join(missing)}）"))
    else:
        out.append(Finding("ok", "配置", f"UDF Modules = {udf}"))
    out += check_interpreter(str(entries.get("interpreter_win") or entries.get("interpreter") or ""),
                             machine, dll_version, master)
    return out


def _dll_names(version: str) -> tuple[str, str]:
    return f"xlwings64-{version}.dll", f"xlwings32-{version}.dll"


def check_interpreter(interpreter: str, machine: Machine, dll_version: Optional[str],
                      master: str = "主表.xlsm") -> list[Finding]:
    """Interpreter_Win of xlwings.conf: the Python Excel starts for the buttons."""
    fix = f"xltools doctor {_quoted(master)} --fix --interpreter auto"
    value = interpreter.strip()
    if value.lower() in ("", "python", "pythonw"):
        if not machine.windows:
            return [Finding("warning", "解释器", "配置表中 Interpreter_Win 为空：Excel 将使用 PATH 中的 pythonw；"
                                                "如按钮无反应，请填入 pythonw.exe 的完整路径"
                                                f"（或用装好 xltools 的 Python 运行 {fix}）")]
        found = machine.which("pythonw")
        if not found:
            return [Finding("error", "解释器", "配置表中 Interpreter_Win 为空，而 PATH 中找不到 pythonw.exe，"
                                              "按钮无法启动 Python：请在 xlwings.conf 表 B1 填入 pythonw.exe 的完整路径"
                                              f"（命令提示符输入 where pythonw 可以查到），或运行 {fix}")]
        shown, expanded = f"PATH 中的 {found}", found
    else:
        expanded = _expand(value, machine.environ)
        shown = value + (f"（即 {expanded}）" if expanded != value else "")
        if not machine.exists(expanded):
            return [Finding("error", "解释器", f"配置表中的解释器路径不存在：{shown}：请改成 pythonw.exe 的完整路径，"
                                              f"或运行 {fix}")]
    out: list[Finding] = []
    if dll_version and machine.windows:
        folder = _parent(expanded)
        places = [folder, _parent(folder)]
        names = _dll_names(dll_version)
        if not any(machine.exists(_join(p, n)) for p in places for n in names):
            out.append(Finding("error", "解释器", f"{folder} 及其上一级文件夹中没有 {names[0]}（可能被安全软件当作病毒删除了），"
                                                 "按钮会报“Run-time error 53”：请在安全软件中把它恢复或加入白名单，"
                                                 "然后重新运行安装包里的 install.bat，或运行 "
                                                 f"\"{_sibling(expanded, 'python.exe')}\" -m pip install --force-reinstall "
                                                 f"xlwings=={dll_version}"))
    runner = _sibling(expanded, "python.exe") if expanded.lower().endswith("pythonw.exe") else expanded
    if not machine.exists(runner):
        runner = expanded
    code, text = machine.run([runner, "-c", "import sys, xltools, xlwings; "
                              "print(xlwings.__version__); print(sys.version.split()[0])"])
    if code != 0:
        last = text.strip().splitlines()[-1][-200:] if text.strip() else ""
        out.append(Finding("error", "解释器", f"{shown} 无法导入 xltools：请用它安装 xltools："
                                             f"{install_command_for(runner)}" + (f"（{last}）" if last else "")))
    else:
        out.append(Finding("ok", "解释器", f"{shown} 可以导入 xltools（xlwings {text.split()[0]}）"))
    return out


def _parent(path: str) -> str:
    sep = "\\" if "\\" in path else "/"
    return path.rstrip(sep).rsplit(sep, 1)[0] if sep in path.rstrip(sep) else ""


def _join(folder: str, name: str) -> str:
    sep = "\\" if "\\" in folder else "/"
    return f"{folder}{sep}{name}" if folder else name


def _sibling(path: str, name: str) -> str:
    return _join(_parent(path), name)


def _expand(path: str, environ) -> str:
    def sub(m: re.Match) -> str:
        return str(environ.get(m.group(1), environ.get(m.group(1).upper(), m.group(0))))

    return re.sub(r"%([^%]+)%", sub, os.path.expanduser(path))


def diagnose(master: Optional[str] = None, machine: Optional[Machine] = None,
             **kwargs: Any) -> list[Finding]:
    machine = machine or Machine()
    version = installed_xlwings()
    out = check_python() + check_xlwings(version, machine.platform) + check_excel(machine)
    if master:
        out += check_master(master, version, machine=machine, **kwargs)
    return out


def format_findings(findings: list[Finding]) -> str:
    lines = [f"{f.mark} {f.topic}：{f.message}" for f in findings]
    errors = sum(f.level == "error" for f in findings)
    lines.append("检查通过，可以使用。" if not errors else f"发现 {errors} 个问题，请按提示处理。")
    return "\n".join(lines)
