"""`xltools new MASTER.xlsm [--department 名称] [--year 2022] [--units 局机关,…]
[--projects N] [--from FILE_OR_DIR…]` writes the master workbook (.xlsm with
buttons; `--no-macros` or an .xlsx name: the same sheets without macros, the
buttons' terminal commands written where the buttons would be);
`xltools new --for-unit 数据资源中心 FILE.xlsx` writes the macro-free file a
subordinate unit fills in Excel or WPS."""
from __future__ import annotations

import re
from pathlib import Path

from ..core.errors import XltoolsError
from ..profiles import DEFAULT_PROFILE, load_profile


def register(sub) -> None:
    p = sub.add_parser(
        "new", help="新建主表（.xlsm，带按钮）或下属单位报送表（--for-unit，.xlsx，无宏）",
        description="新建预算绩效自评主表：说明、基础信息、整体支出、每个项目一张自评表、校验结果。"
                    "项目表带下拉列表、输入校验和自动计算的执行率、得分、总分、等次。")
    p.add_argument("output", metavar="输出文件", help="MASTER.xlsm（主表）或 FILE.xlsx（无宏）")
    p.add_argument("--department", default="", metavar="名称", help="主管部门名称")
    p.add_argument("--year", type=int, metavar="年度", help="评价年度，如 2022")
    p.add_argument("--units", default="", metavar="单位,单位",
                   help="实施单位名单，用逗号或顿号分隔，如 局机关,数据资源中心")
    p.add_argument("--projects", type=int, metavar="N", help="空白项目表张数（默认 1；与 --from 同用时为至少张数）")
    p.add_argument("--from", dest="sources", nargs="+", default=[], metavar="文件或文件夹",
                   help="从已有的自评表（下属单位报送表、上年的表……）填入项目表")
    p.add_argument("--for-unit", metavar="单位", help="生成给该下属单位填写的无宏 .xlsx 报送表")
    p.add_argument("--no-macros", action="store_true",
                   help="生成不含宏的主表（.xlsx）：安全软件或单位策略不允许宏时用；工作表、下拉列表、校验和公式不变，"
                        "原来放按钮的位置写着对应的命令（如 xltools recalc 主表.xlsx）")
    p.add_argument("--filler", default="", metavar="姓名", help="填表人")
    p.add_argument("--phone", default="", metavar="电话", help="联系电话")
    p.add_argument("--interpreter", default="", metavar="pythonw.exe",
                   help="写入 xlwings.conf 的 Interpreter_Win（默认空着＝用 PATH 中的 pythonw）；"
                        "写 auto 表示用正在运行 xltools 的这个 Python")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="规则",
                   help="评分规则配置名或 .toml 路径（默认 national）：预算分值、等次分档取自这里")
    p.set_defaults(func=run)


def split_units(text: str) -> list[str]:
    """`局机关,数据资源中心、政务服务中心` → the names, in order, without repeats."""
    out: list[str] = []
    for part in re.split(r"[,，、;；\n]+", text or ""):
        name = part.strip()
        if name and name not in out:
            out.append(name)
    return out


def _interpreter(value: str) -> str:
    if value.strip().lower() != "auto":
        return value.strip()
    import os
    import sys

    from ..master.build import this_pythonw

    return this_pythonw(sys.executable, os.environ.get("LOCALAPPDATA", ""))


def run(args) -> int:
    output = Path(args.output)
    suffix = output.suffix.lower()
    for_unit = args.for_unit is not None  # "" makes a blank 报送表 template
    if for_unit and suffix != ".xlsx":
        print(f"错误：下属单位报送表不含宏，请用 .xlsx 文件名（收到的是 {output.name}）")
        return 2
    if args.no_macros and suffix != ".xlsx":
        print(f"错误：--no-macros 生成的是不含宏的 .xlsx 主表，请把文件名改为 {output.stem}.xlsx"
              f"（收到的是 {output.name}）")
        return 2
    if not for_unit and suffix not in (".xlsm", ".xlsx"):
        print(f"错误：主表文件名应以 .xlsm 结尾（带按钮），或 .xlsx（无宏）；收到的是 {output.name}")
        return 2
    if args.projects is not None and args.projects < 0:
        print("错误：--projects 不能小于 0")
        return 2
    try:
        profile = load_profile(args.profile)
    except XltoolsError as exc:
        print(f"错误：{exc}")
        return 2

    from ..master.build import MasterSpec, forms_from, write_master  # openpyxl: only when needed

    forms, notes = forms_from(args.sources) if args.sources else ([], [])
    for note in notes:
        print(f"提示：{note}")
    for form in forms:  # what the reader noticed while reading (units converted, unreadable values)
        for issue in form.read_issues:
            where = f"[{issue.cell}] " if issue.cell else ""
            print(f"提示：{form.file} / {form.sheet} {where}{issue.message}")
    if args.sources and not forms:
        print("错误：--from 给出的文件中没有读到任何项目支出绩效自评表，未生成文件。")
        return 2
    blanks = max((args.projects if args.projects is not None else 1) - len(forms), 0)
    if forms and args.projects is None:
        blanks = 0
    spec = MasterSpec(
        department=args.department, year=args.year, units=split_units(args.units),
        forms=list(forms) + [None] * blanks, for_unit=args.for_unit,
        filler=args.filler, phone=args.phone, interpreter=_interpreter(args.interpreter),
    )
    if not spec.forms:
        spec.forms = [None]
    existed = output.exists()
    try:
        written = write_master(output, spec, profile)
    except XltoolsError as exc:
        print(f"错误：{exc}")
        return 2
    except PermissionError:
        print(f"错误：无法写入 {output}：文件可能正在 Excel 或 WPS 中打开，请先关闭。")
        return 2
    kind = ("下属单位报送表" if not args.for_unit else f"“{args.for_unit}”报送表") if for_unit else "主表"
    print(f"已生成{kind}：{written}（项目表 {len(spec.forms)} 张，其中从已有表读入 {len(forms)} 张）")
    if existed:
        print("原有同名文件已先备份到同一文件夹（文件名带 .bak）。")
    if not for_unit and suffix == ".xlsx":
        print(f"这本主表不含宏，按钮的功能在命令行运行：xltools recalc {output.name}、xltools check {output.name}、"
              f"xltools consolidate 下级报送 --master {output.name}、xltools add-project {output.name}")
    return 0


__all__ = ["register", "run", "split_units"]
