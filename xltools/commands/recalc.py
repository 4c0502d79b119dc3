"""`xltools recalc MASTER` — the terminal twin of the 一键重算 button: every
project formula with its value, each indicator's rule score (规则得分/规则说明),
the 整体支出 rows and the 校验结果 list, written into the master itself.
Macros, buttons, validations, formats and print setup are kept; the file is
backed up first — only when something changed."""
from __future__ import annotations

from ..core.errors import XltoolsError
from ..master import layout as L
from ..profiles import DEFAULT_PROFILE, load_profile

SEVERITY_ORDER = ("error", "warning", "info")


def register(sub) -> None:
    p = sub.add_parser("recalc", help="一键重算：规则得分、整体支出汇总、校验结果（写回主表）",
                       description="与主表中“一键重算”按钮相同：按规则计算每个指标的建议得分，"
                                   "刷新“整体支出”汇总和“校验结果”，写回主表（有改动时先备份；"
                                   "内容没有变化时不改动文件）。退出码：0 没有问题，1 校验结果中有错误或警告，"
                                   "2 文件不是主表或无法读写。")
    p.add_argument("master", metavar="主表", help="主表文件（.xlsm/.xlsx）")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="规则",
                   help="评分规则配置名或 .toml 路径（默认 national）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..master.twins import recalc_file

    try:
        done = recalc_file(args.master, load_profile(args.profile))
    except (XltoolsError, KeyError, ValueError) as exc:
        print(f"重算失败：{exc}")
        return 2
    except PermissionError:
        print(f"重算失败：{args.master} 正被其他程序占用（可能在 Excel 中打开着），请先关闭再试；原文件未改动")
        return 2
    summary = done.plan.edits.get(L.SUMMARY_SHEET, {})
    projects = sum(1 for (r, c), v in summary.items()
                   if c == L.SUMMARY_COL["index"] and isinstance(v, int))
    issues = done.plan.issues
    counts = {k: sum(1 for i in issues if i.severity == k) for k in SEVERITY_ORDER}
    state = "原文件已备份" if done.changed else "内容没有变化，文件未改动"
    print(f"已重算 {args.master}：{projects} 个项目，{len(issues)} 条校验结果（{state}）")
    if issues:
        print(f"错误 {counts['error']} 条，警告 {counts['warning']} 条，提示 {counts['info']} 条，"
              f"详见主表“{L.CHECKS_SHEET}”表或运行 xltools check {args.master}")
    return 1 if counts["error"] or counts["warning"] else 0
