"""The README's two opening commands are real: the xltools steps of the first run
on examples/ as written, and .ci/run calls exactly the second."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import openpyxl

from xltools.cli import main
from xltools.project.reader import read_forms
from xltools.containers.workbook import load_book

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _opening_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_opens_with_two_commands():
    commands = _opening_commands()
    assert len(commands) == 2
    assert "pytest" in commands[1] and "examples/" in commands[0]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _opening_commands()[1] in ci.splitlines()


def test_main_job_runs_on_examples(tmp_path, monkeypatch, capsys):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    steps = [shlex.split(part.strip()) for part in _opening_commands()[0].split("&&")]
    xltools_steps = [argv[1:] for argv in steps if argv[0].endswith("/xltools")]
    assert [argv[0] for argv in xltools_steps] == ["new", "consolidate"]
    codes = [main(argv) for argv in xltools_steps]
    assert codes == [0, 1]  # the seed forms' own mistakes are found: exit 1 as the README says
    forms = read_forms(load_book(tmp_path / "out" / "主表.xlsm")).forms
    assert len(forms) == 8  # one project sheet per form of the three submissions
    summary = openpyxl.load_workbook(tmp_path / "out" / "整体支出汇总.xlsx")
    assert "整体支出汇总" in summary.sheetnames
    assert (tmp_path / "out" / "整体支出汇总.ledger.sqlite").exists()
    printed = capsys.readouterr().out
    assert "局机关及二级机构汇总" in printed and "777.8" in printed
