"""`xltools consolidate SUBMISSIONS [-o 整体支出汇总.xlsx] [--json OUT] [--master MASTER]`
— the terminal twin of the master's 汇总下级报送 button: merge the workbooks the
units sent up into the department tables, list every bad file with its reason,
keep a ledger of who submitted what."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import XltoolsError
from ..profiles import DEFAULT_PROFILE, load_profile
from ..core.values import format_number, format_percent
from .ledger import pad

if TYPE_CHECKING:  # the pipeline (and openpyxl under it) is imported when the command runs
    from ..consolidate.run import Consolidation

DEFAULT_OUTPUT = "整体支出汇总.xlsx"
SHOW_UNITS = 30  # units listed in the terminal summary


def register(sub) -> None:
    p = sub.add_parser(
        "consolidate", help="汇总下级报送：各单位交来的工作簿合并成部门整体支出表",
        description="读取各单位报送的工作簿（文件夹或文件列表），合并成整体支出汇总、项目支出明细、"
                    "部门整体支出绩效自评表预算执行部分、问题清单和文件状态。报送文件只读取，"
                    "其中的宏从不运行。退出码：0 全部正常，1 表内有问题，2 有文件无法读取。")
    p.add_argument("submissions", nargs="+", metavar="报送", help="报送文件夹或文件（.xlsx/.xlsm/.xls/.xlsb/.ods/.et/.docx）")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="输出.xlsx",
                   help=f"汇总结果工作簿（默认 {DEFAULT_OUTPUT}；已有文件先备份）")
    p.add_argument("--json", metavar="输出.json", help="同时写出 JSON 结果（金额万元，比率为小数）")
    p.add_argument("--master", metavar="主表.xlsm",
                   help="把汇总表同时写入主表的“整体支出”工作表；主表“基础信息”中的单位名单作为应报单位")
    p.add_argument("--ledger", metavar="台账.sqlite",
                   help="报送台账文件（默认与输出同名：<输出名>.ledger.sqlite）")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="规则",
                   help="评分规则配置名或 .toml 路径（默认 national）")
    p.add_argument("--engine", default="calamine", choices=("calamine", "openpyxl"),
                   help="读取引擎（默认 calamine，较快）")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="同时读取文件的进程数（默认 1：逐个读取；多核电脑上文件很多时可设为 CPU 数）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条，只显示结果摘要")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        profile = load_profile(args.profile)
    except XltoolsError as exc:
        print(f"无法加载评分规则：{exc}", file=sys.stderr)
        return 2
    from ..consolidate import output as out_mod
    from ..project.report import refuse_output_over_input

    for out, marker in ((args.output, out_mod.FILES_SHEET), (args.json, ""), (args.ledger, "")):
        clash = refuse_output_over_input(out, args.submissions, marker) if out else None
        if clash:
            print(clash, file=sys.stderr)
            return 2
    expected: list[str] = []
    department = ""
    if args.master:
        try:
            from ..consolidate.plans import master_info

            expected, department = master_info(args.master)
        except XltoolsError as exc:
            print(f"无法读取主表：{exc}", file=sys.stderr)
            return 2
    from ..consolidate.job import run_job

    job = run_job(args.submissions, profile, args.output, ledger=args.ledger, json_path=args.json,
                  expected=expected, department=department, engine=args.engine,
                  progress=not args.quiet, jobs=args.jobs, exclude=[args.master])
    try:
        if job.data is None:
            print("没有找到要汇总的工作簿（.xlsx/.xlsm/.xls/.xlsb/.ods/.docx）。", file=sys.stderr)
            return 2
        master_written = False
        if args.master:
            try:
                from ..consolidate.plans import write_into_master

                master_written = write_into_master(args.master, job.data)
            except XltoolsError as exc:
                print(f"未能写入主表：{exc}", file=sys.stderr)
                return 2
        print(format_summary(job.result, job.output, job.output_written, job.ledger, args.master,
                             master_written))
        return job.result.exit_code()
    finally:
        job.close()


def format_summary(result: "Consolidation", output: Path, written: bool, ledger: Path,
                   master: str | None = None, master_written: bool = False) -> str:
    from ..consolidate import output as out_mod

    lines = []
    dept = result.summary.department
    bad = [f for f in result.files if f.status == "error"]
    dup = [f for f in result.files if f.status == "duplicate"]
    macros = [f for f in result.files if f.has_macros]
    lines.append(f"共 {len(result.files)} 个文件：汇总 {len(result.files) - len(bad) - len(dup)} 个，"
                 f"无法读取 {len(bad)} 个，重复 {len(dup)} 个；{dept.projects} 个项目。")
    for f in bad[:SHOW_UNITS]:
        lines.append(f"  ✗ {f.path}：{f.error}")
    for path, why in result.skipped:
        lines.append(f"  · {path}：未读取：{why}")
    for f in dup[:SHOW_UNITS]:
        lines.append(f"  · {f.path}：{f.error}")
    for f in macros[:SHOW_UNITS]:
        lines.append(f"  ⚠ {f.path} 含有宏（未运行）")
    if max(len(bad), len(dup), len(macros)) > SHOW_UNITS:
        lines.append(f"  ……完整列表见汇总工作簿“{out_mod.FILES_SHEET}”")
    lines.append("")
    lines.append(pad("单位", 22) + pad("项目数", 8, True) + pad("年初预算数", 12, True)
                 + pad("全年预算数", 12, True) + pad("全年执行数", 12, True) + pad("执行率", 10, True))
    shown = result.summary.units[:SHOW_UNITS]
    for t in [dept] + shown:
        lines.append(pad(t.name, 22) + pad(t.projects, 8, True)
                     + pad(format_number(t.budget_initial), 12, True)
                     + pad(format_number(t.budget_full_year), 12, True)
                     + pad(format_number(t.spent), 12, True)
                     + pad(format_percent(t.execution_rate), 10, True))
    if len(result.summary.units) > len(shown):
        lines.append(f"……其余 {len(result.summary.units) - len(shown)} 个单位见汇总工作簿“{out_mod.SUMMARY_SHEET}”")
    problems = result.problems()
    counts = {k: sum(1 for p in problems if p["severity"] == k) for k in ("error", "warning", "info")}
    lines.append("")
    lines.append(f"问题：错误 {counts['error']} 条，警告 {counts['warning']} 条，提示 {counts['info']} 条"
                 f"（详见“{out_mod.PROBLEMS_SHEET}”工作表）。")
    lines.append(f"汇总结果：{output}" + ("" if written else "（内容与上次相同，未重写）"))
    lines.append(f"报送台账：{ledger}")
    if master:
        lines.append(f"已写入主表“整体支出”工作表：{master}（原文件已备份）" if master_written
                     else f"主表“整体支出”工作表中的汇总与本次相同，未改动：{master}")
    return "\n".join(lines)
