"""The `xltools` command: a thin door onto the engine.  Each subcommand lives in
`xltools.commands.<name>` and is the terminal twin of a button in the master."""
from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from .core.errors import XltoolsError

#: Modules under xltools.commands, in the order `xltools --help` lists them.
COMMANDS = [
    "check",
    "new",
    "consolidate",
    "ledger",
    "recalc",
    "add_project",
    "doctor",
    "evaluate",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xltools",
        description="预算绩效自评工具：读表、按规则计分、校验、汇总。",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMANDS:
        importlib.import_module(f"xltools.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # openpyxl warns that it cannot keep x14 validations when it *reads* a master;
    # xltools never saves a master through openpyxl, so the warning only confuses clerks.
    warnings.filterwarnings("ignore", message="Data Validation extension is not supported")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to GBK
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except XltoolsError as exc:  # a bad profile, an unreadable master …: say it, no traceback
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
