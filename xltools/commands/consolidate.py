"""`xltools consolidate SUBMISSIONS [-o 整体支出汇总.xlsx] [--json OUT] [--master MASTER]`
— the terminal twin of the master's 汇总下级报送 button: merge the workbooks the
units sent up into the department tables, list every bad file with its reason,
keep a ledger of who submitted what."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import LedgerError, OutputError, XltoolsError
from ..profiles import DEFAULT_PROFILE, load_profile
from ..core.values import format_number, format_percent
from .ledger import pad, print_safely

if TYPE_CHECKING:  # the pipeline is imported when the command runs (start-up stays fast)
    from ..consolidate.run import RunReport

DEFAULT_OUTPUT = "整体支出汇总.xlsx"


def register(sub) -> None:
    p = sub.add_parser(
        "consolidate", help="汇总下级报送：各单位交来的工作簿合并成部门整体支出表",
        description="读取各单位报送的工作簿（文件夹或文件列表），合并成整体支出汇总、项目支出明细、"
                    "部门整体支出绩效自评表预算执行部分、问题清单和文件状态。报送文件只读取，"
                    "其中的宏从不运行。退出码：0 全部正常，1 表内有问题，2 有文件无法读取。")
    p.add_argument("submissions", nargs="+", metavar="报送",
                   help="报送文件夹或文件（.xlsx/.xlsm/.xls/.xlsb/.ods/.et/.docx）；也可以是下级的汇总结果"
                        "（--json 写出的 .json，或台账 .ledger.sqlite），逐级汇总")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="输出.xlsx",
                   help=f"汇总结果工作簿（默认 {DEFAULT_OUTPUT}；已有文件先备份）")
    p.add_argument("--json", metavar="输出.json", help="同时写出 JSON 结果（金额万元，比率为小数）")
    p.add_argument("--master", metavar="主表.xlsm",
                   help="把汇总表同时写入主表的“整体支出”工作表；主表“基础信息”中的单位名单作为应报单位")
    p.add_argument("--ledger", metavar="台账.sqlite",
                   help="报送台账文件（默认与输出同名：<输出名>.ledger.sqlite）")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="规则",
                   help="评分规则配置名或 .toml 路径（默认 national）")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="同时读取文件的进程数（默认：文件多时每个 CPU 核一个；1 为逐个读取）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条，只显示结果摘要")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..consolidate.job import run_job

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
    try:
        job = run_job(args.submissions, profile, args.output, ledger=args.ledger,
                      json_path=args.json, expected=expected, department=department,
                      progress=not args.quiet, jobs=args.jobs,
                      exclude=[args.master], need_data=bool(args.master))
    except (OutputError, LedgerError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        if not job.found:
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
            except OSError as exc:
                from ..core.fileio import describe_write_error

                print(f"未能写入主表：{describe_write_error(exc, args.master)}", file=sys.stderr)
                return 2
        print_safely(format_summary(job.report, job.output, job.output_written, job.ledger,
                                    args.master, master_written, unchanged=job.unchanged))
        return job.report.exit_code
    finally:
        job.close()


def format_summary(report: RunReport, output: Path, written: bool, ledger: Path,
                   master: str | None = None, master_written: bool = False,
                   unchanged: bool = False) -> str:
    """The terminal summary: files, each unit's totals, problems and the files
    they are in, units still missing, where the results are."""
    from ..consolidate import output as out_mod
    from ..consolidate.run import SHOW
    lines = []
    r = report
    unread = f"，未读取 {r.skipped} 个" if getattr(r, "skipped", 0) else ""
    lines.append(f"共 {r.files} 个文件：汇总 {r.consolidated} 个，无法读取 {r.unreadable} 个，"
                 f"重复 {r.duplicates} 个{unread}；{r.projects} 个项目。")
    for path, reason in r.bad:
        lines.append(f"  ✗ {path}：{reason}")
    for path, why in getattr(r, "skipped_files", []):
        lines.append(f"  · {path}：{why}")
    for path, reason in r.duplicate_files:
        lines.append(f"  · {path}：{reason}")
    for path in r.macros:
        lines.append(f"  ⚠ {path} 含有宏（未运行）")
    if max(r.unreadable, r.duplicates, r.macro_total, r.skipped) > SHOW:
        lines.append(f"  ……完整列表见汇总工作簿“{out_mod.FILES_SHEET}”")
    lines.append("")
    lines.append(pad("单位", 22) + pad("项目数", 8, True) + pad("年初预算数", 12, True)
                 + pad("全年预算数", 12, True) + pad("全年执行数", 12, True) + pad("执行率", 10, True))
    for t in r.units:
        lines.append(pad(t["name"], 22) + pad(t["projects"], 8, True)
                     + pad(format_number(t["budget_initial"]), 12, True)
                     + pad(format_number(t["budget_full_year"]), 12, True)
                     + pad(format_number(t["spent"]), 12, True)
                     + pad(format_percent(t["execution_rate"]), 10, True))
    if r.units_total > len(r.units) - 1:
        lines.append(f"……其余 {r.units_total - len(r.units) + 1} 个单位见汇总工作簿“{out_mod.SUMMARY_SHEET}”")
    counts = r.severity
    lines.append("")
    lines.append(f"问题：错误 {counts['error']} 条，警告 {counts['warning']} 条，提示 {counts['info']} 条"
                 f"（详见“{out_mod.PROBLEMS_SHEET}”工作表）。")
    if r.problem_files:
        lines.append(f"有错误或警告的文件 {r.problem_files_total} 个：")
        for path, unit, errors, warnings in r.problem_files:
            lines.append(f"  {path}（{unit}）：错误 {errors} 条，警告 {warnings} 条")
        if r.problem_files_total > len(r.problem_files):
            lines.append(f"  ……其余 {r.problem_files_total - len(r.problem_files)} 个见“{out_mod.PROBLEMS_SHEET}”")
    if r.expected:
        if r.missing:
            lines.append(f"未报送 {len(r.missing)} 个单位：" + "、".join(r.missing[:SHOW])
                         + ("……" if len(r.missing) > SHOW else ""))
        else:
            lines.append(f"应报送的 {r.expected} 个单位均已报送。")
    lines.append("")
    if unchanged:
        lines.append(f"汇总结果：{output}（报送文件与上次相同，未重读、未重写）")
    else:
        lines.append(f"汇总结果：{output}" + ("" if written else "（内容与上次相同，未重写）"))
    lines.append(f"报送台账：{ledger}")
    if master:
        lines.append(f"已写入主表“整体支出”工作表：{master}（原文件已备份）" if master_written
                     else f"主表“整体支出”工作表中的汇总与本次相同，未改动：{master}")
    return "\n".join(lines)
