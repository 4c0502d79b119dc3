"""The terminal speaks Chinese to the end (issue 10 item 7): argparse's frame
(用法/选项/错误/-h), a mistyped command, --version, every exit code in every
--help, and an unforeseen failure — one Chinese line and a log, no traceback."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from xltools import cli
from xltools.cli import EXIT_CODES, build_parser, main
from xltools.distribution import DIST_NAME, XLWINGS_VERSION

SUBCOMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)
ENGLISH_FRAME = ("usage:", "options:", "error:", "positional arguments", "show this help",
                 "the following arguments", "unrecognized arguments", "invalid choice", "expected one",
                 "Traceback")


def english_words(text: str, allowed: set[str]) -> list[str]:
    """Latin words in `text` that are not command names, options or file suffixes."""
    words = re.findall(r"[A-Za-z][A-Za-z_-]+", text)
    return [w for w in words if w not in allowed]


def test_every_subcommand_has_exit_codes():
    assert sorted(SUBCOMMANDS) == sorted(k for k in EXIT_CODES if k != "xltools")


@pytest.mark.parametrize("command", ["xltools"] + SUBCOMMANDS)
def test_help_is_chinese_with_exit_codes(command, capsys):
    argv = ["-h"] if command == "xltools" else [command, "-h"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：xltools")
    assert "选项：" in out and "-h, --help            显示本说明并退出" in out or "显示本说明并退出" in out
    assert not [w for w in ENGLISH_FRAME if w in out]
    codes = out[out.index("退出码："):]
    for code, text in EXIT_CODES[command].items():
        assert f"  {code}  {text}" in codes


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_usage_error_is_chinese(command, capsys):
    assert main([command, "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "用法：xltools" in err and "错误：" in err and "-h 查看说明" in err
    assert not [w for w in ENGLISH_FRAME if w in err]


# argv                                    exit  the error line says
USAGE_ERRORS = [
    (["check"],                              2,  "缺少必填的参数：文件"),
    (["new", "x.xlsm", "--projects", "三"],  2,  "--projects：“三”不是有效的值"),
    (["consolidate", "d", "--jobs", "x"],    2,  "--jobs：“x”不是有效的值"),
    (["consolidate", "d", "--jobs"],         2,  "--jobs：后面要写一个值"),
    (["new"],                                2,  "缺少必填的参数：输出文件"),
]


@pytest.mark.parametrize("argv,code,says", USAGE_ERRORS)
def test_usage_errors(argv, code, says, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert says in err and not [w for w in ENGLISH_FRAME if w in err]


def test_typo_prints_chinese_only(capsys):
    assert main(["chek"]) == 2
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "没有“chek”这个命令（是不是想输入 check？）" in text
    allowed = set(SUBCOMMANDS) | {"xltools", "h", "version", "chek"}
    assert english_words(text, allowed) == []


def test_typo_in_a_real_terminal():
    """The installed `python -m xltools` does the same, and exits 2."""
    done = subprocess.run([sys.executable, "-m", "xltools", "chek"], capture_output=True, text=True,
                          encoding="utf-8")
    assert done.returncode == 2 and done.stdout == ""
    assert "是不是想输入 check" in done.stderr and "Traceback" not in done.stderr


def test_version(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("xltools ") and DIST_NAME in out and f"xlwings {XLWINGS_VERSION}" in out
    assert english_words(out, {"xltools", DIST_NAME, "xlwings", "Python"}) == []


def test_no_command_shows_help(capsys):
    assert main([]) == 2
    assert capsys.readouterr().out.startswith("用法：xltools")


def test_argparse_is_left_as_found():
    """The Chinese frame is put on and taken off around each use: pytest's own
    argparse (and any other caller's) stays English."""
    import argparse

    before = argparse._("usage: ")
    build_parser().format_help()
    assert argparse._("usage: ") == before == "usage: "


def test_unforeseen_failure_is_one_line_and_a_log(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XLTOOLS_LOG_DIR", str(tmp_path / "logs"))
    import xltools.commands.recalc as recalc

    def boom(args):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(recalc, "run", boom)
    assert main(["recalc", "主表.xlsm"]) == cli.CRASH_EXIT
    err = capsys.readouterr().err
    logs = list((tmp_path / "logs").glob("xltools-*.log"))
    assert len(logs) == 1
    assert err.count("\n") == 1 and str(logs[0]) in err and "xltools doctor" in err
    assert "Traceback" not in err and "internal detail" not in err
    log = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError: internal detail" in log and "xltools recalc 主表.xlsm" in log
