"""`xltools doctor [MASTER.xlsm | FOLDER] [--fix] [--interpreter auto|PATH]` —
what is wrong with the set-up: Python, xlwings and its version against the VBA
module in the master, Excel, where the master lies, the buttons' macros, the
xlwings.conf sheet (interpreter, xlwings' DLL, UDF Modules).  `--fix` brings
the master's xlwings module to the installed version (verified backup first);
`--interpreter` writes Interpreter_Win.  A folder means every master in it
(the offline kit's install.bat runs `doctor KIT --fix --interpreter auto`)."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("doctor", help="检查本机和主表的设置（Python、xlwings、宏、配置表），--fix 修复主表",
                       description="检查 Python 和 xlwings 是否可用、版本是否与 xltools 要求的一致、Excel 是否可用、"
                                   "主表放在哪里、主表中宏模块版本是否与本机一致、按钮是否指向存在的宏、"
                                   "xlwings.conf 配置表是否正确（解释器、xlwings 的 DLL、自定义函数模块）。")
    p.add_argument("master", nargs="?", metavar="主表",
                   help="主表文件（.xlsm），或主表所在的文件夹（检查其中每一个 .xlsm）；可省略")
    p.add_argument("--fix", action="store_true",
                   help="修复主表：把其中的 xlwings 宏模块换成本机安装的版本（先备份主表）")
    p.add_argument("--interpreter", metavar="pythonw.exe",
                   help="修复主表时把 xlwings.conf 的 Interpreter_Win 设为这个路径；"
                        "写 auto 表示正在运行 xltools 的这个 Python（pythonw.exe）")
    p.set_defaults(func=run)


def interpreter_auto(executable: str = sys.executable, platform: str = sys.platform,
                     environ=os.environ) -> str:
    """Interpreter_Win for the Python running xltools: its pythonw.exe on
    Windows (with %LOCALAPPDATA% where it applies), the executable elsewhere."""
    if not platform.startswith("win"):
        return executable
    from ..master.build import this_pythonw

    return this_pythonw(executable, environ.get("LOCALAPPDATA", ""))


def masters_in(folder: Path) -> list[Path]:
    """The masters of a folder: every .xlsm but backups and Excel's lock files."""
    return sorted(p for p in folder.glob("*.xlsm")
                  if p.is_file() and ".bak." not in p.name and not p.name.startswith("~$"))


def run(args) -> int:
    from ..master.doctor import diagnose, format_findings

    if (args.fix or args.interpreter) and not args.master:
        print("错误：--fix 和 --interpreter 要修复的是主表，请写上主表文件名，"
              "例如：xltools doctor 主表.xlsm --fix", file=sys.stderr)
        return 2
    if args.interpreter and not args.fix:
        args.fix = True
    targets: list = [args.master]
    if args.master and os.path.isdir(args.master):
        targets = masters_in(Path(args.master))
        if not targets:
            print(f"提示：{args.master} 中没有 .xlsm 主表，只检查本机设置。")
            targets = [None]
    worst = 0
    for target in targets:
        if len(targets) > 1:
            print(f"== {target} ==")
        if args.fix and target is not None:
            code = _fix(str(target), args.interpreter)
            if code:
                worst = max(worst, code)
                continue
        findings = diagnose(str(target) if target is not None else None)
        print(format_findings(findings))
        worst = max(worst, 1 if any(f.level == "error" for f in findings) else 0)
    return worst


def _fix(master: str, interpreter) -> int:
    from ..core.errors import XltoolsError
    from ..master.vba import update_xlwings_module

    if not os.path.isfile(master):
        print(f"无法修复：找不到文件 {master}", file=sys.stderr)
        return 2
    if interpreter and interpreter.strip().lower() == "auto":
        interpreter = interpreter_auto()
    try:
        old, new = update_xlwings_module(master, interpreter=interpreter)
    except (XltoolsError, ValueError) as exc:
        print(f"无法修复：{exc}", file=sys.stderr)
        return 2
    except PermissionError:
        print(f"无法修复：{master} 正被其他程序占用（可能在 Excel 中打开着），请先关闭再试；原文件未改动",
              file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"无法修复：{exc}", file=sys.stderr)
        return 2
    if old != new:
        print(f"[已修复] 主表中的 xlwings 宏模块 {old or '（缺失）'} → {new}（原文件已备份在同一文件夹，文件名带 .bak）")
    else:
        print(f"[正常] 主表中的 xlwings 宏模块已是 {new}，无需更换")
    if interpreter:
        print(f"[已修复] xlwings.conf 的 Interpreter_Win 设为 {interpreter}")
    print()
    return 0
