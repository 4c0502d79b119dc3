"""`xltools recalc MASTER` — the terminal twin of the 一键重算 button: each
indicator's rule score (规则得分/规则说明), the 整体支出 rows and the 校验结果
list, written into the master itself.  Macros, buttons, validations, formats
and print setup are kept; the file is backed up first."""
from __future__ import annotations

from ..core.errors import XltoolsError
from ..profiles import DEFAULT_PROFILE, load_profile
from ..master.plans import plain_value
from ..master import layout as L


def register(sub) -> None:
    p = sub.add_parser("recalc", help="一键重算：规则得分、整体支出汇总、校验结果（写回主表）",
                       description="与主表中“一键重算”按钮相同：按规则计算每个指标的建议得分，"
                                   "刷新“整体支出”汇总和“校验结果”，写回主表（先备份）。")
    p.add_argument("master", metavar="主表", help="主表文件（.xlsm/.xlsx）")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="规则",
                   help="评分规则配置名或 .toml 路径（默认 national）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..master.twins import recalc_file

    try:
        edits = recalc_file(args.master, load_profile(args.profile)).edits
    except (XltoolsError, KeyError, ValueError) as exc:
        print(f"重算失败：{exc}")
        return 2
    except PermissionError:
        print(f"重算失败：{args.master} 正被其他程序占用（可能在 Excel 中打开着），请先关闭再试；原文件未改动")
        return 2
    summary = edits.get(L.SUMMARY_SHEET, {})
    projects = sum(1 for (r, c), v in summary.items()
                   if c == L.SUMMARY_COL["index"] and isinstance(v, int))
    issues = sum(1 for (r, c), v in edits.get(L.CHECKS_SHEET, {}).items()
                 if c == L.CHECKS_COL["code"] and plain_value(v) not in (None, ""))
    print(f"已重算 {args.master}：{projects} 个项目，{issues} 条校验结果（原文件已备份）")
    return 0
