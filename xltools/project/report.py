"""Checking files and reporting: the records behind `xltools check` (terminal and
`--json`), shared by the consolidation and the master's 校验 button.

`check_file(path, profile)` never raises for a bad file: it returns a
`FileResult` with status "error" and a Chinese reason, so the other files are
still checked.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .checks import check_form, entered_score_sum, rule_total, weight_sum
from ..core.errors import NoFormError, WorkbookError
from ..core.issues import SEVERITY_ORDER, SEVERITY_TEXT, Issue
from ..core.model import ProjectForm
from ..profiles import Profile
from .scoring import budget_score, execution_rate, grade
from ..core.values import format_number, format_percent
from ..containers.workbook import Book, load_book

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class CheckedForm:
    """A form, its problems, and the figures the rules compute for it."""

    form: ProjectForm
    issues: list[Issue]
    profile: Profile

    # -- figures -----------------------------------------------------------
    def _line_number(self, attr: str) -> Optional[float]:
        line = self.form.budget_total
        value = getattr(line, attr) if line else None
        return value.number if value is not None else None

    @property
    def execution_rate(self) -> Optional[float]:
        return execution_rate(self._line_number("spent"), self._line_number("budget_full_year"))

    @property
    def budget_score(self) -> Optional[float]:
        """The budget 得分 as stated on the form."""
        return self._line_number("score")

    @property
    def rule_budget_score(self) -> Optional[float]:
        return budget_score(self._line_number("weight"), self.execution_rate, self.profile)

    @property
    def score_total(self) -> Optional[float]:
        """The stated 总分 得分; the sum of entered scores when it is blank."""
        total = self.form.total_score
        if total is not None and total.number is not None:
            return total.number
        return entered_score_sum(self.form) if self.form.indicators else None

    @property
    def rule_score_total(self) -> Optional[float]:
        """Rule budget score plus each indicator's rule score (the clerk's score where
        the rule cannot say), under the profile's cap for the execution rate."""
        return rule_total(self.form, self.profile)

    @property
    def grade(self) -> Optional[str]:
        return grade(self.score_total, self.profile)

    def record(self) -> dict:
        """The JSON project record of `xltools check --json` (money in 万元, rates as fractions)."""
        form = self.form
        return {
            "sheet": form.sheet,
            "kind": form.kind,
            "name": _text(form.name),
            "department": _text(form.department),
            "unit": _text(form.unit),
            "budget_initial": _r(self._line_number("budget_initial")),
            "budget_full_year": _r(self._line_number("budget_full_year")),
            "spent": _r(self._line_number("spent")),
            "execution_rate": _r(self.execution_rate, 6),
            "budget_score": _r(self.budget_score),
            "rule_budget_score": _r(self.rule_budget_score),
            "weight_total": _r(weight_sum(form)),
            "score_total": _r(self.score_total),
            "rule_score_total": _r(self.rule_score_total),
            "grade": self.grade,
            "indicators": [
                {"row": ind.row, "level1": ind.level1, "level2": ind.level2,
                 "indicator": ind.name.text.strip(), "target": ind.target.text.strip(),
                 "actual": ind.actual.text.strip(), "weight": _r(ind.weight.number),
                 "score": _r(ind.score.number), "rule_score": _r(ind.rule_score),
                 "rule_basis": ind.rule_basis, "cell": ind.score.where.cell}
                for ind in form.indicators
            ],
            "issues": [issue.as_dict() for issue in self.issues],
        }


@dataclass
class FileResult:
    """One file: "ok" with its checked forms, or "error" with the reason."""

    path: str
    status: str = "ok"
    error: Optional[str] = None
    checked: list[CheckedForm] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    has_macros: bool = False

    @property
    def issues(self) -> list[Issue]:
        return [issue for c in self.checked for issue in c.issues]

    def record(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "has_macros": self.has_macros,
            "skipped_sheets": [{"sheet": s, "reason": r} for s, r in self.skipped],
            "projects": [c.record() for c in self.checked],
        }


def check_file(path: str | os.PathLike, profile: Profile, engine: str = "openpyxl") -> FileResult:
    """Read and check every form in one workbook file."""
    path = str(path)
    try:
        book = load_book(path, engine=engine)
    except WorkbookError as exc:
        return FileResult(path, "error", exc.reason)
    return check_book(book, profile)


def check_book(book: Book, profile: Profile) -> FileResult:
    """Check every form of an already-loaded book (consolidation reads the book once
    for its forms and its 基础信息)."""
    from .reader import read_forms

    result = read_forms(book)
    if not result.forms:
        reason = NoFormError(book.path).reason
        if result.skipped:
            reason += "（" + "；".join(f"工作表“{s}”{r}" for s, r in result.skipped[:3]) + "）"
        return FileResult(book.path, "error", reason, skipped=result.skipped, has_macros=book.has_macros)
    checked = [CheckedForm(form, check_form(form, profile), profile) for form in result.forms]
    return FileResult(book.path, "ok", None, checked, result.skipped, book.has_macros)


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Files as given, folders expanded to the workbooks inside (sorted, recursive;
    Excel's `~$` lock files skipped)."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() in WORKBOOK_SUFFIXES and not child.name.startswith("~$") \
                        and child.is_file():
                    out.append(str(child))
        else:
            out.append(str(path))
    return out


def check_paths(paths: Iterable[str | os.PathLike], profile: Profile,
                engine: str = "openpyxl") -> list[FileResult]:
    return [check_file(p, profile, engine) for p in expand_paths(paths)]


def exit_code(results: list[FileResult]) -> int:
    """0 clean, 1 problems found (errors or warnings), 2 some input unreadable."""
    if any(r.status == "error" for r in results):
        return 2
    if any(i.severity in ("error", "warning") for r in results for i in r.issues):
        return 1
    return 0


def to_json(results: list[FileResult], profile: Profile) -> dict:
    return {"profile": profile.name, "files": [r.record() for r in results]}


# ---------------------------------------------------------------- terminal
def format_report(results: list[FileResult], *, min_severity: str = "info") -> str:
    """The Chinese terminal report: per file, per project, each problem with its cell."""
    limit = SEVERITY_ORDER[min_severity]
    lines: list[str] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    for res in results:
        lines.append(f"■ 文件：{res.path}")
        if res.status == "error":
            lines.append(f"  ✗ 无法读取：{res.error}")
            lines.append("")
            continue
        if res.has_macros:
            lines.append("  ⚠ 该文件含有宏（未运行）")
        by_reason: dict[str, list[str]] = {}
        for sheet, reason in res.skipped:
            by_reason.setdefault(reason, []).append(sheet)
        for reason, sheets in by_reason.items():
            lines.append(f"  · 已跳过工作表 {'、'.join(f'“{s}”' for s in sheets)}：{reason}")
        for c in res.checked:
            rec = c.record()
            title = rec["name"] or "（未填项目名称）"
            lines.append(f"  ▶ 工作表“{c.form.sheet}”：{title}")
            lines.append(
                f"    全年预算 {format_number(rec['budget_full_year'])} 万元，执行 {format_number(rec['spent'])} 万元，"
                f"执行率 {format_percent(rec['execution_rate'])}；分值合计 {format_number(rec['weight_total'])}；"
                f"自评总分 {format_number(rec['score_total'])}，规则计分 {format_number(rec['rule_score_total'])}，"
                f"等次 {rec['grade'] or '—'}")
            shown = sorted((i for i in c.issues if SEVERITY_ORDER[i.severity] <= limit),
                           key=lambda i: SEVERITY_ORDER[i.severity])
            for issue in c.issues:
                counts[issue.severity] += 1
            if not shown:
                lines.append("    ✓ 未发现问题")
            for issue in shown:
                cell = f"[{issue.cell}] " if issue.cell else ""
                lines.append(f"    {SEVERITY_TEXT[issue.severity]} {cell}{issue.message}（{issue.code}）")
        lines.append("")
    unreadable = sum(1 for r in results if r.status == "error")
    projects = sum(len(r.checked) for r in results)
    lines.append(f"共 {len(results)} 个文件（{unreadable} 个无法读取），{projects} 张表；"
                 f"错误 {counts['error']} 条，警告 {counts['warning']} 条，提示 {counts['info']} 条。")
    return "\n".join(lines)


def _text(value) -> Optional[str]:
    if value is None or value.empty:
        return None
    return str(value.raw).strip()


def _r(x: Optional[float], digits: int = 4) -> Optional[float]:
    return None if x is None else round(x, digits)
