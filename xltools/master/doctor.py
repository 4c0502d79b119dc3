"""`xltools doctor [MASTER.xlsm]`: what is wrong with a clerk's set-up, in Chinese.

Each check gives `Finding`s: "ok", "warning" (works, but worth fixing) or
"error" (a button or UDF will fail).  Checked: the Python version; xlwings
installed, and its version against the xlwings VBA module inside the master
(they must match or the UDFs fail); our VBA module and that every button calls
a Sub that exists; the xlwings.conf sheet (interpreter path exists and can
import xltools, UDF Modules set).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from . import layout as L

MIN_PYTHON = (3, 10)


@dataclass(frozen=True)
class Finding:
    level: str      # ok / warning / error
    topic: str
    message: str

    @property
    def mark(self) -> str:
        return {"ok": "[正常]", "warning": "[注意]", "error": "[问题]"}[self.level]


# ------------------------------------------------------------- environment
def check_python(version: tuple = tuple(sys.version_info[:3])) -> list[Finding]:
    shown = ".".join(str(x) for x in version)
    if tuple(version[:2]) < MIN_PYTHON:
        need = ".".join(map(str, MIN_PYTHON))
        return [Finding("error", "Python", f"Python 版本 {shown} 过旧，需要 {need} 或更新版本")]
    return [Finding("ok", "Python", f"Python {shown}（{sys.executable}）")]


def installed_xlwings() -> Optional[str]:
    try:
        import xlwings
    except ImportError:
        return None
    return xlwings.__version__


def check_xlwings(version: Optional[str], platform: str = sys.platform) -> list[Finding]:
    if version is None:
        return [Finding("error", "xlwings", "没有安装 xlwings：请运行 pip install xlwings")]
    out = [Finding("ok", "xlwings", f"已安装 xlwings {version}")]
    if platform.startswith("win"):
        try:
            import win32com  # noqa: F401
        except ImportError:
            out.append(Finding("error", "xlwings", "缺少 pywin32，Excel 无法调用 Python："
                                                  "请运行 pip install pywin32"))
    else:
        out.append(Finding("warning", "xlwings", "本机不是 Windows：主表按钮和自定义函数只能在"
                                                "Windows 版 Excel 中使用，终端命令可以照常使用"))
    return out


# ------------------------------------------------------------------ master
def vba_modules(path: str | os.PathLike) -> dict[str, str]:
    """Module name → source of the VBA project in a workbook ({} when none)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        if not parser.detect_vba_macros():
            return {}
        out = {}
        for _file, _stream, name, code in parser.extract_macros():
            out[re.sub(r"\.(bas|cls|frm)$", "", name)] = code
        return out
    finally:
        parser.close()


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
                 environ: Optional[dict] = None) -> list[Finding]:
    from .vba import MODULE_NAME, VERSION_NAME, module_version, vba_subs
    from ..xlsx.package import Package

    out: list[Finding] = []
    path = Path(path)
    if not path.exists():
        return [Finding("error", "主表", f"找不到文件 {path}")]
    if path.suffix.lower() != ".xlsm":
        out.append(Finding("error", "主表", f"{path.name} 不是启用宏的工作簿（.xlsm），按钮不能使用"))
    try:
        pkg = Package.load(path)
    except Exception as exc:
        return out + [Finding("error", "主表", f"无法打开 {path.name}：{exc}")]

    modules = vba_modules(path)
    if not modules:
        out.append(Finding("error", "VBA", f"{path.name} 中没有宏代码（VBA 工程）"))
    else:
        xlw = modules.get("xlwings")
        file_version = module_version(xlw) if xlw else None
        recorded = pkg.defined_name(VERSION_NAME)
        recorded = recorded.strip('"') if recorded else None
        if xlw is None:
            out.append(Finding("error", "VBA", "主表中缺少 xlwings 宏模块"))
        elif xlwings_version and file_version != xlwings_version:
            out.append(Finding("error", "版本", f"主表中 xlwings 宏模块版本 {file_version} 与本机安装的"
                                                f" xlwings {xlwings_version} 不一致，按钮和自定义函数会出错："
                                                f"请运行 pip install xlwings=={file_version}，或用 xltools new 重新生成主表"))
        else:
            out.append(Finding("ok", "版本", f"主表中 xlwings 宏模块版本 {file_version}，与本机一致"))
        if recorded and file_version and recorded != file_version:
            out.append(Finding("warning", "版本", f"主表记录的版本 {recorded} 与其宏模块版本 {file_version} 不一致"))
        ours = modules.get(MODULE_NAME)
        subs = set(vba_subs(ours)) if ours else set()
        if ours is None:
            out.append(Finding("error", "VBA", f"主表中缺少 {MODULE_NAME} 宏模块"))
        buttons = button_macros(path)
        missing = [(s, c, m) for s, c, m in buttons if m.split("!")[-1] not in subs]
        for sheet, caption, macro in missing:
            out.append(Finding("error", "按钮", f"“{sheet}”表上的按钮“{caption}”指向不存在的宏 {macro}"))
        if buttons and not missing:
            out.append(Finding("ok", "按钮", f"{len(buttons)} 个按钮都指向存在的宏"))
    out += check_conf(pkg, run=run, environ=environ)
    return out


def conf_entries(pkg: Any) -> Optional[dict[str, Any]]:
    """Key (lower case) → value of the xlwings.conf sheet, read from A1 down to
    the first blank key, as xlwings reads it.  None when the sheet is missing."""
    from ..xlsx.package import read_cells, shared_strings

    try:
        part = pkg.sheet_part(L.CONF_SHEET)
    except KeyError:
        return None
    cells = read_cells(pkg.text(part), shared_strings(pkg))
    out: dict[str, Any] = {}
    row = 1
    while cells.get(f"A{row}") not in (None, ""):
        key = str(cells[f"A{row}"]).strip().lower()
        if key in out:  # xlwings adds keys to a dictionary: a repeat is an error there
            out.setdefault("\0duplicates", []).append(str(cells[f"A{row}"]))
        out[key] = cells.get(f"B{row}")
        row += 1
    return out


def check_conf(pkg: Any, run=None, environ=None) -> list[Finding]:
    environ = os.environ if environ is None else environ
    entries = conf_entries(pkg)
    if entries is None:
        names = [s[0] for s in pkg.sheets()]
        if "_" + L.CONF_SHEET in names:
            return [Finding("error", "配置", f"配置表名为“_{L.CONF_SHEET}”，xlwings 不会读取："
                                             f"请改名为“{L.CONF_SHEET}”")]
        return [Finding("error", "配置", f"主表中没有“{L.CONF_SHEET}”配置表")]
    out: list[Finding] = []
    for key in entries.pop("\0duplicates", []):
        out.append(Finding("error", "配置", f"配置表 A 列中“{key}”出现了不止一次，xlwings 会报错：请删去重复的一行"))
    udf = str(entries.get("udf modules") or "")
    present = [m.strip() for m in udf.split(";")]
    missing = [m for m in L.UDF_MODULES.split(";") if m not in present]
    if missing:
        out.append(Finding("error", "配置", f"配置表中“UDF Modules”应为 {L.UDF_MODULES}（现为“{udf}”，"
                                            f"缺少 {'、'.join(missing)}）"))
    else:
        out.append(Finding("ok", "配置", f"UDF Modules = {udf}"))
    interpreter = entries.get("interpreter_win") or entries.get("interpreter")
    if not interpreter:
        out.append(Finding("warning", "解释器", "配置表中 Interpreter_Win 为空：Excel 将使用 PATH 中的"
                                               " pythonw；如按钮无反应，请填入 python.exe 的完整路径"))
        return out
    expanded = _expand(str(interpreter), environ)
    if not Path(expanded).exists():
        out.append(Finding("error", "解释器", f"配置表中的解释器路径不存在：{interpreter}"
                                             + (f"（即 {expanded}）" if expanded != interpreter else "")))
        return out
    run = run or _run
    code, text = run([expanded, "-c", "import sys, xltools, xlwings; "
                      "print(xlwings.__version__); print(sys.version.split()[0])"])
    if code != 0:
        out.append(Finding("error", "解释器", f"{expanded} 无法导入 xltools 或 xlwings："
                                             f"请用它运行 pip install xltools（{text.strip()[-200:]}）"))
    else:
        out.append(Finding("ok", "解释器", f"{expanded} 可以导入 xltools（xlwings {text.split()[0]}）"))
    return out


def _expand(path: str, environ) -> str:
    def sub(m: re.Match) -> str:
        return str(environ.get(m.group(1), environ.get(m.group(1).upper(), m.group(0))))

    return re.sub(r"%([^%]+)%", sub, os.path.expanduser(path))


def _run(cmd: list[str]) -> tuple[int, str]:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return done.returncode, done.stdout + done.stderr


def diagnose(master: Optional[str] = None, **kwargs: Any) -> list[Finding]:
    version = installed_xlwings()
    out = check_python() + check_xlwings(version)
    if master:
        out += check_master(master, version, **kwargs)
    return out


def format_findings(findings: list[Finding]) -> str:
    lines = [f"{f.mark} {f.topic}：{f.message}" for f in findings]
    errors = sum(f.level == "error" for f in findings)
    lines.append("检查通过，可以使用。" if not errors else f"发现 {errors} 个问题，请按提示处理。")
    return "\n".join(lines)
