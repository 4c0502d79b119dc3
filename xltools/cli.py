"""The `xltools` command: a thin door onto the engine.  Each subcommand lives in
`xltools.commands.<name>` and is the terminal twin of a button in the master.

Everything the terminal shows is Chinese, argparse's own frame included:
`用法：`, `选项`, `错误：…`, `-h, --help`, a mistyped command (`xltools chek`),
`--version`, and every exit code at the end of each `--help` (`EXIT_CODES`).
A failure nobody foresaw becomes one Chinese line and a log file
(`core.crashlog`), never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings
from contextlib import contextmanager
from typing import Iterator, Optional

from .core.errors import XltoolsError
from .core.workers import GC_YOUNG

#: Modules under xltools.commands, in the order `xltools --help` lists them.
COMMANDS = [
    "check",
    "new",
    "consolidate",
    "ledger",
    "recalc",
    "add_project",
    "evaluate",
    "doctor",
    "bundle",
]

#: Exit code of an unforeseen failure (the log file says what happened).
CRASH_EXIT = 3
USAGE_EXIT = 2
_USAGE = "命令写错（参数不对或缺少参数）"
_CRASH = "程序内部出错（屏幕上写了日志文件的位置，请把它发给维护人员）"

#: Exit codes of each subcommand, shown at the end of its --help.
EXIT_CODES: dict[str, dict[int, str]] = {
    "xltools": {0: "成功，没有发现问题", 1: "发现了问题（表内错误、未报送的单位、设置不对……）",
                2: "有文件无法读取或写入，或" + _USAGE, CRASH_EXIT: _CRASH},
    "check": {0: "没有问题", 1: "发现了问题", 2: "有文件无法读取，或" + _USAGE},
    "new": {0: "已生成", 2: "参数有误、读入的文件中没有自评表、或无法写入，或" + _USAGE},
    "consolidate": {0: "全部正常", 1: "表内有问题（错误或警告）", 2: "有文件无法读取、主表无法写入，或" + _USAGE},
    "ledger": {0: "应报单位都已报送", 1: "有单位未报送", 2: "台账或主表无法读取，或" + _USAGE},
    "recalc": {0: "已重算，校验结果中没有错误或警告", 1: "已重算，校验结果中有错误或警告",
               2: "主表无法读取或写入，或" + _USAGE},
    "add-project": {0: "已新增项目表", 2: "主表无法读取或写入，或" + _USAGE},
    "evaluate": {0: "没有问题", 1: "发现了问题", 2: "文件打不开、找不到部门表或规则有误，或" + _USAGE},
    "bundle": {0: "安装包已生成", 2: "无法生成（下载失败、磁盘已满、找不到 xltools 源码……），或" + _USAGE},
    "doctor": {0: "没有发现问题", 1: "发现了问题（每条都写了怎么处理）", 2: "主表无法修复，或" + _USAGE},
}

#: argparse's English, in Chinese (argparse looks every text up with gettext).
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "optional arguments": "选项",
    "positional arguments": "参数",
    "show this help message and exit": "显示本说明并退出",
    "show program's version number and exit": "显示版本并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "unrecognized arguments: %(args)s": "不认识的参数：%(args)s",
    "expected one argument": "后面要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "expected %s argument": "后面要写 %s 个值",
    "expected %s arguments": "后面要写 %s 个值",
    "ignored explicit argument %r": "不需要值，却写了 %r",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "one of the arguments %s is required": "%s 中必须写一个",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值",
    "invalid choice: %(value)r (choose from %(choices)s)": "不能是“%(value)s”，可选：%(choices)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unexpected option string: %s": "多余的选项：%s",
    "%(prog)s: error: %(message)s": "%(prog)s：错误：%(message)s",
    "option '%(option)s' is deprecated": "选项 %(option)s 已不再使用",
    "command '%(parser_name)s' is deprecated": "命令 %(parser_name)s 已不再使用",
    "argument '%(argument_name)s' is deprecated": "参数 %(argument_name)s 已不再使用",
}


def _zh(text: str) -> str:
    return ARGPARSE_ZH.get(text, text)


def _zh_n(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


@contextmanager
def chinese_argparse() -> Iterator[None]:
    """argparse speaks Chinese inside this block (its module-level gettext
    lookups are swapped, then restored)."""
    saved = {name: getattr(argparse, name) for name in ("_", "ngettext") if hasattr(argparse, name)}
    argparse._ = _zh  # type: ignore[attr-defined]
    argparse.ngettext = _zh_n  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(argparse, name, value)


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of descriptions and of the exit-code table."""

    def _format_usage(self, usage, actions, groups, prefix):  # noqa: ANN001
        return super()._format_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action):  # noqa: ANN001
        if isinstance(action, argparse._SubParsersAction):  # the commands, without a "命令" line above
            return "".join(super(ChineseHelpFormatter, self)._format_action(sub)
                           for sub in action._get_subactions())
        return super()._format_action(action)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose every word is Chinese: its help flag, group
    titles, errors, and (with `exit_codes=`) an exit-code table as epilog."""

    def __init__(self, *args, exit_codes: Optional[dict[int, str]] = None, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        if exit_codes:
            kwargs["epilog"] = format_exit_codes(exit_codes)
        if sys.version_info >= (3, 14):
            kwargs.setdefault("color", False)  # plain text: Windows consoles and logs
        with chinese_argparse():
            super().__init__(*args, **kwargs)
            self._positionals.title = "参数"
            self._optionals.title = "选项"
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="显示本说明并退出")

    def error(self, message: str):  # noqa: D401 - argparse's hook
        self.print_usage(sys.stderr)
        self.exit(USAGE_EXIT, f"错误：{_zh(message)}\n运行 {self.prog} -h 查看说明。\n")

    def _check_value(self, action, value):  # noqa: ANN001 - argparse's hook
        if action.choices is not None and value not in action.choices:
            names = [str(c) for c in action.choices]
            if isinstance(action, argparse._SubParsersAction):
                import difflib  # only when a command was mistyped
                close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.5)
                hint = f"（是不是想输入 {close[0]}？）" if close else ""
                raise argparse.ArgumentError(
                    None, f"没有“{value}”这个命令{hint}。可用的命令：{'、'.join(names)}")
            raise argparse.ArgumentError(action, f"不能是“{value}”，可选：{'、'.join(names)}")

    def format_help(self) -> str:
        with chinese_argparse():
            text = super().format_help()
        return re.sub(r"(?m)^(\S[^\n]*?):$", r"\1：", text)  # section headings: 选项：

    def format_usage(self) -> str:
        with chinese_argparse():
            return super().format_usage()


def format_exit_codes(codes: dict[int, str]) -> str:
    return "退出码：\n" + "\n".join(f"  {code}  {text}" for code, text in sorted(codes.items()))


def version_text() -> str:
    from .distribution import DIST_NAME, XLWINGS_VERSION, python_text, version

    return (f"xltools {version()}（安装包名 {DIST_NAME}，xlwings {XLWINGS_VERSION}，"
            f"Python {python_text()}）")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
        prog="xltools",
        description="预算绩效自评工具：读表、按规则计分、校验、汇总。\n"
                    "每个命令的用法：xltools 命令 -h（例如 xltools check -h）。",
        exit_codes=EXIT_CODES["xltools"],
    )
    parser.add_argument("--version", action="version", version=version_text(),
                        help="显示 xltools、xlwings 和 Python 的版本并退出")
    with chinese_argparse():
        sub = parser.add_subparsers(dest="command", metavar="命令", title="命令",
                                    parser_class=ChineseParser)
    for name in COMMANDS:
        importlib.import_module(f"xltools.commands.{name}").register(sub)
    for name, child in sub.choices.items():
        codes = EXIT_CODES.get(name)
        if codes and not child.epilog:
            child.epilog = format_exit_codes(codes)
    return parser


class _Readable:
    """A terminal stream whose every text goes out as `xlsx.text.terminal_text`
    shows it: a project name pasted from Word prints readable, an escape
    sequence in a unit's name never reaches the terminal."""

    def __init__(self, stream) -> None:  # noqa: ANN001 - any text stream
        self._stream = stream

    def write(self, text: str) -> int:
        from .xlsx.text import terminal_text

        return self._stream.write(terminal_text(text) if isinstance(text, str) else text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextmanager
def readable_terminal() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Readable(sys.stdout), _Readable(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: list[str] | None = None) -> int:
    # openpyxl warns that it cannot keep x14 validations when it *reads* a master;
    # xltools never saves a master through openpyxl, so the warning only confuses clerks.
    warnings.filterwarnings("ignore", message="Data Validation extension is not supported")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Windows consoles default to GBK
        except (AttributeError, ValueError):
            pass
    with readable_terminal(), few_collections():
        return _main(argv)




@contextmanager
def few_collections() -> Iterator[None]:
    """A command reads form after form, each a few thousand objects that die
    together once the form is done: at Python's default the cyclic collector
    runs after nearly every form and finds nothing (about a tenth of a run's
    CPU).  While the command runs it waits for 10 000 new objects instead;
    reference counting still frees everything the moment it is unused."""
    import gc

    saved = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def _main(argv: list[str] | None) -> int:
    try:
        with chinese_argparse():
            parser = build_parser()
            args = parser.parse_args(argv)
    except SystemExit as exc:  # -h, --version, a usage error: argparse has said it
        return exc.code if isinstance(exc.code, int) else USAGE_EXIT
    if not getattr(args, "func", None):
        parser.print_help()
        return USAGE_EXIT
    try:
        return int(args.func(args) or 0)
    except XltoolsError as exc:  # a bad profile, an unreadable master …: say it, no traceback
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断（按了 Ctrl+C）。已写好的文件不受影响。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `xltools check … | head`: the reader left, nothing to say
        return 0
    except Exception as exc:  # noqa: BLE001 - the last door: one Chinese line and a log
        from .core.crashlog import write_crash_log

        log = write_crash_log(exc, f"xltools {' '.join(sys.argv[1:] if argv is None else argv)}")
        where = f"详细记录已写入 {log}" if log else "详细记录无法写入日志文件"
        print(f"错误：程序内部出错，命令没有完成。{where}；请把它发给维护人员，"
              "也可以先运行 xltools doctor 检查设置。", file=sys.stderr)
        return CRASH_EXIT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
