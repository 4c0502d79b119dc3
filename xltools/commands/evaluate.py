"""`xltools evaluate FILE [--profile hunan-dept] [--json OUT]`: score a
department's 整体支出 by the 评分表 rules — the terminal twin of the master's
整体评价 button (both call `xltools.department.evaluate.evaluate_book`).

Exit codes, as `xltools check`: 0 nothing found, 1 problems found (a self score
that differs from the rule, a missing input, a sum that does not add up …),
2 the input cannot be read (not a workbook, no department table, bad profile).
"""
from __future__ import annotations

import sys

from ..core.jsonout import dumps_json
from ..core.errors import NoFormError, ProfileError, WorkbookError
from ..profiles import DEFAULTS, load_profile
from ..core.fileio import atomic_write


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="部门整体支出评价：按评分表规则计算各三级指标得分、总分和等次",
        description="读取基础数据表、部门整体支出绩效自评表、收支情况和评分表，按评分规则"
                    "（默认 hunan-dept）逐项计分，并与自评得分核对。",
    )
    parser.add_argument("file", metavar="文件", help="主表或含上述工作表的 .xlsx 工作簿")
    parser.add_argument("--profile", default=DEFAULTS["department"], metavar="规则",
                        help="评分规则名称或 .toml 文件路径（默认 hunan-dept）")
    parser.add_argument("--json", metavar="OUT", help="另将结果写成 JSON 文件（- 表示输出到屏幕）")
    parser.set_defaults(func=run)


def run(args) -> int:
    from ..department.evaluate import evaluate_file, render_report

    try:
        profile = load_profile(args.profile, kind="department")
    except ProfileError as exc:
        print(f"评分规则有误：{exc}", file=sys.stderr)
        return 2
    try:
        evaluation = evaluate_file(args.file, profile)
    except (WorkbookError, NoFormError) as exc:
        print(f"无法评价：{exc}", file=sys.stderr)
        return 2
    record = dumps_json(evaluation.as_dict(), indent=2)
    if args.json == "-":
        print(record)
    else:
        print(render_report(evaluation))
        if args.json:
            with atomic_write(args.json) as tmp:
                tmp.write_text(record + "\n", encoding="utf-8")
            print(f"\n结果已写入 {args.json}")
    return 1 if evaluation.problems else 0
