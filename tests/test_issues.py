"""The one issue vocabulary (xltools/core/issues.py): codes are refused unless
registered, severities unless the code allows them, and the README's code tables
are exactly the registry's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from xltools.core import issues
from xltools.core.issues import CODES, SEVERITY_TEXT, TABLES, Issue

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


# code                 severity   accepted  why
MAKING = [
    ("total_mismatch",   "error",   True,     "its default"),
    ("total_mismatch",   "",        True,     "blank → the default"),
    ("rate_mismatch",    "error",   True,     "the department evaluation reports it as an error"),
    ("total_mismatch",   "warning", False,    "never a warning"),
    ("total_mismatch",   "fatal",   False,    "no such severity"),
    ("DEPT_NO_REASON",   "warning", False,    "the old upper-case department code is gone"),
    ("totalMismatch",    "error",   False,    "one naming style"),
    ("no_such_code",     "error",   False,    "unknown code"),
]


@pytest.mark.parametrize("code,severity,ok,why", MAKING)
def test_issue_codes_and_severities_checked_when_made(code, severity, ok, why):
    if ok:
        issue = Issue(code, severity, "总分填 95，但已填各项得分合计为 84.1")
        assert issue.severity == (severity or CODES[code].severity), why
        assert issue.severity_text == SEVERITY_TEXT[issue.severity]
    else:
        with pytest.raises(ValueError, match=re.escape(repr(code))):
            Issue(code, severity, "x")


def test_codes_are_snake_case_and_complete():
    for kind in CODES.values():
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", kind.code), kind.code
        assert kind.title and kind.explanation and kind.tables
        assert set(kind.severities) <= set(SEVERITY_TEXT)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_readme_table_equals_registry(table):
    block = re.search(rf"<!-- issue-codes:{table} -->\n.*?<!-- /issue-codes -->", README, re.S)
    assert block, f"README has no issue-codes:{table} table"
    assert block.group(0) == issues.readme_block(table), (
        "README code table differs from xltools/core/issues.py; run "
        "`.venv/bin/python -m xltools.core.issues README.md`")


def test_readme_regeneration_changes_nothing():
    assert issues.update_readme(README) == README


def test_readme_lists_every_code():
    shown = set(re.findall(r"^\| `([a-z_0-9]+)` \|", README, re.M))
    assert shown == set(CODES)


def test_one_severity_map():
    """The Chinese severity words live in core/issues.py only."""
    found = []
    for path in (REPO / "xltools").rglob("*.py"):
        if path.name == "issues.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"[\"']错误[\"']\s*,.*[\"']警告[\"']|\"warning\":\s*\"警告\"", text):
            found.append(str(path.relative_to(REPO)))
    assert found == []


def test_issue_round_trips_through_its_dict():
    issue = Issue("deduction_without_reason", "warning", "得分 15 低于分值 20，但未填写原因",
                  "局机关.xlsx", "快递服务经费", "I14", "指标.偏差原因", None, project="快递服务经费")
    back = Issue.from_dict(issue.as_dict(), project="快递服务经费")
    assert back == issue
    assert list(issue.as_dict()) == ["code", "severity", "file", "sheet", "cell", "field", "value", "message"]
    assert issue.key() == ("deduction_without_reason", "warning", "快递服务经费", "I14", "快递服务经费",
                           "得分 15 低于分值 20，但未填写原因")
