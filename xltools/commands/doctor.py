"""`xltools doctor [MASTER.xlsm]` — what is wrong with the set-up: Python,
xlwings and its version against the VBA module in the master, the buttons'
macros, the xlwings.conf sheet (interpreter path, UDF Modules).  Exit 0 when
nothing is wrong."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("doctor", help="检查本机和主表的设置（Python、xlwings、宏、配置表）",
                       description="检查 Python 和 xlwings 是否可用、主表中宏模块版本是否与本机一致、"
                                   "按钮是否指向存在的宏、xlwings.conf 配置表是否正确。")
    p.add_argument("master", nargs="?", metavar="主表", help="主表文件（.xlsm），可省略")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..master.doctor import diagnose, format_findings

    findings = diagnose(args.master)
    print(format_findings(findings))
    return 1 if any(f.level == "error" for f in findings) else 0
