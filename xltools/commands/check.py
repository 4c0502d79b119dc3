"""`xltools check FILE... [--json OUT] [--profile NAME]` — the terminal twin of the
master's 校验 button: read every form, score it by rule, list every problem."""
from __future__ import annotations

import sys

from ..core.fileio import atomic_write
from ..profiles import DEFAULT_PROFILE, load_profile
from ..project.report import JsonWriter, Tally, iter_reports, refuse_output_over_input


def register(sub) -> None:
    p = sub.add_parser("check", help="校验绩效自评表：按规则计分，列出每一个问题",
                       description="读取工作簿中的每一张绩效自评表，按规则计分并列出问题。"
                                   "退出码：0 无问题，1 发现问题，2 有文件无法读取。")
    p.add_argument("files", nargs="+", metavar="文件", help="工作簿、Word 文档或文件夹（.xlsx/.xlsm/.xls/.xlsb/.ods/.et/.docx）")
    p.add_argument("--json", metavar="输出.json", help="同时写出 JSON 结果")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="规则",
                   help="评分规则配置名或 .toml 路径（默认 national）")
    p.add_argument("--quiet", action="store_true", help="只显示错误和警告，不显示提示")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="同时读取文件的进程数（默认：文件多时每个 CPU 核一个；1 为逐个读取）")
    p.set_defaults(func=run)


def run(args) -> int:
    """Files are checked and reported one at a time (memory stays flat however
    many there are); the JSON is written alongside, atomically."""
    from contextlib import ExitStack

    profile = load_profile(args.profile)
    if args.json:
        clash = refuse_output_over_input(args.json, args.files)
        if clash:
            print(clash, file=sys.stderr)
            return 2
    severity = "warning" if args.quiet else "info"
    tally = Tally()
    with ExitStack() as stack:
        writer = None
        if args.json:
            tmp = stack.enter_context(atomic_write(args.json))
            writer = JsonWriter(stack.enter_context(open(tmp, "w", encoding="utf-8")), profile)
        for rep in iter_reports(args.files, profile, exclude=[args.json] if args.json else (),
                                min_severity=severity, want_json=writer is not None, jobs=args.jobs):
            print(rep.text, flush=False)
            tally.add(rep)
            if writer is not None:
                writer.add_text(rep.json)
        if writer is not None:
            writer.close()
    print(tally.line())
    return tally.exit_code()
