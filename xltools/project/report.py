"""Checking files and reporting: the records behind `xltools check` (terminal and
`--json`), shared by the consolidation and the master's 校验 button.

`check_file(path, profile)` never raises for a bad file: it returns a
`FileResult` with status "error" and a Chinese reason, so the other files are
still checked.
"""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from .checks import check_form, entered_score_sum, rule_total, weight_sum
from ..core.errors import NoFormError, WorkbookError
from ..core.fileio import resolved, special_file_reason
from ..core.issues import SEVERITY_ORDER, SEVERITY_TEXT, Issue
from ..core.model import ProjectForm
from ..profiles import Profile
from .scoring import budget_score, execution_rate, grade
from ..core.jsonout import dumps_json
from ..core.values import format_number, format_percent
from ..containers.workbook import Book, load_book



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
        line = self.form.budget_total
        if any(v is not None and v.uncached for v in (total, line.score if line else None)):
            return None  # what the unit's sheet shows is not in the file (formula_uncached)
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
            **self.summary(),
            "indicators": [
                {"row": ind.row, "level1": ind.level1, "level2": ind.level2,
                 "indicator": ind.name.text.strip(), "target": ind.target.text.strip(),
                 "actual": ind.actual.text.strip(), "weight": _r(ind.weight.number),
                 "score": _r(ind.score.number), "rule_score": _r(ind.rule_score),
                 "rule_basis": ind.rule_basis, "cell": ind.score.where.cell}
                for ind in form.indicators
            ],
            "rate_basis": form.rate_basis or None,
            "issues": [issue.as_dict() for issue in self.issues],
            "not_checked": self.not_checked(),
        }

    def summary(self) -> dict:
        """The head of `record()`: the project's figures and grade, without its
        indicators and issues (what the terminal report prints per project)."""
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
        }

    def not_checked(self) -> list[dict]:
        """The checks that could not run on this form and why (terminal, JSON, 校验结果)."""
        seen, out = set(), []
        for what, why in self.form.not_checked:
            if (what, why) not in seen:
                seen.add((what, why))
                out.append({"check": what, "reason": why})
        return out


@dataclass
class FileResult:
    """One file: "ok" with its checked forms, "error" with the reason, or
    "skipped" (found in a folder, not read: a lock file, a backup …) with why."""

    path: str
    status: str = "ok"
    error: Optional[str] = None
    checked: list[CheckedForm] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    has_macros: bool = False
    #: (sheet, note) for parts of the file not read (a sheet part missing, content past the region)
    notes: list[tuple[str, str]] = field(default_factory=list)
    container: str = ""

    @property
    def issues(self) -> list[Issue]:
        return [issue for c in self.checked for issue in c.issues]

    @property
    def projects(self) -> int:
        return len(self.checked)

    @property
    def severities(self) -> list[str]:
        return [issue.severity for issue in self.issues]

    def record(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "has_macros": self.has_macros,
            "container": self.container or None,
            "skipped_sheets": [{"sheet": s, "reason": r} for s, r in self.skipped],
            "notes": [{"sheet": s, "note": n} for s, n in self.notes],
            "projects": [c.record() for c in self.checked],
        }


#: The engine caches what it parses (labels, values); over thousands of files
#: of distinct figures those caches would grow to their bounds (tens of MB):
#: `check` and `consolidate` empty them every so many files.
CACHE_FILES = 256
_READ = {"files": 0}


def _engine_caches() -> list:
    """The engine's functools caches (anything with `cache_clear`)."""
    import importlib

    found = []
    for name in ("core.values", "core.labels", "project.reader", "project.scoring",
                 "project.checks", "containers.workbook"):
        module = importlib.import_module(f"xltools.{name}")
        found += [f for f in vars(module).values()
                  if callable(getattr(f, "cache_clear", None)) and hasattr(f, "cache_info")]
    return found


def keep_caches_small() -> None:
    """Count a file read; every CACHE_FILES files, empty the engine's caches
    (memory stays flat however many files a run reads)."""
    _READ["files"] += 1
    if _READ["files"] % CACHE_FILES == 0:
        for cached in _engine_caches():
            cached.cache_clear()


def check_file(path: str | os.PathLike, profile: Profile) -> FileResult:
    """Read and check every form in one workbook file (reported under its
    `display_path`)."""
    keep_caches_small()
    path = str(path)
    shown = display_path(path)
    try:
        with openable(path) as readable:
            book = load_book(readable)
    except WorkbookError as exc:
        return FileResult(shown, "error", exc.reason)
    except MemoryError:
        return FileResult(shown, "error", "文件过大，读取时内存不足，未读取")
    book.path = shown
    return check_book(book, profile)


def display_path(path: str) -> str:
    """The path as a clerk would read it: a name the file system holds in
    another encoding (a GBK name from a zip made on a Chinese Windows) decoded
    as GBK instead of shown as undecodable bytes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    parts = []
    for part in Path(path).parts:
        try:
            part.encode("utf-8")
            parts.append(part)
        except UnicodeEncodeError:
            raw = os.fsencode(part)
            try:
                parts.append(raw.decode("gb18030"))
            except UnicodeDecodeError:
                parts.append(raw.decode("utf-8", "replace"))
    return str(Path(*parts))


@contextmanager
def openable(path: str) -> Iterator[str]:
    """A path the readers can open: a name that is not valid Unicode (GBK bytes
    on Linux) is read from a temporary copy."""
    try:
        path.encode("utf-8")
        yield path
        return
    except UnicodeEncodeError:
        pass
    fd, tmp = tempfile.mkstemp(suffix=Path(path).suffix.lower())
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            while block := src.read(1 << 20):
                out.write(block)
        yield tmp
    finally:
        os.unlink(tmp)


def check_book(book: Book, profile: Profile) -> FileResult:
    """Check every form of an already-loaded book (consolidation reads the book once
    for its forms and its 基础信息)."""
    from .reader import read_forms

    result = read_forms(book)
    container = getattr(book, "container", "")
    if not result.forms:
        reason = NoFormError(book.path).reason
        shown = result.skipped + result.notes
        if shown:
            reason += "（" + "；".join(f"工作表“{s}”{r}" for s, r in shown[:3]) + "）"
        return FileResult(book.path, "error", reason, skipped=result.skipped, has_macros=book.has_macros,
                          notes=result.notes, container=container)
    checked = [CheckedForm(form, check_form(form, profile), profile) for form in result.forms]
    return FileResult(book.path, "ok", None, checked, result.skipped, book.has_macros, result.notes,
                      container)


@dataclass(frozen=True)
class InputFile:
    """One file named on the command line or found in a folder: `skip` is the
    Chinese reason it is not read ("" when it is)."""

    path: str
    skip: str = ""


#: Containers a form arrives in; .doc and .et are listed so that they get their
#: named reason (save as .docx / .xlsx) rather than "other format".
INPUT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et", ".docx", ".doc")
#: xltools' own backups: 主表.20240101-093000.bak.xlsm, 整体支出汇总.20240101-093000-2.bak.xlsx
BACKUP_RE = re.compile(r"\.\d{8}-\d{6}(?:-\d+)?\.bak$", re.IGNORECASE)


def list_inputs(paths: Iterable[str | os.PathLike],
                exclude: Iterable[str | os.PathLike] = ()) -> list[InputFile]:
    """The one folder expansion of `check`, `consolidate` and `new --from`.

    Files named directly are read whatever their name (the reader tells what they
    are).  Folders are walked (sorted, recursive); every file in them appears,
    either to be read or with the reason it is not: hidden files and folders,
    Office lock files (`~$…`), xltools' own backups, files of other formats, and
    `exclude` (e.g. consolidation's own outputs)."""
    skip = {resolved(p) for p in exclude if p}
    out: list[InputFile] = []
    for p in paths:
        path = Path(p)
        if not path.is_dir():
            out.append(InputFile(str(path), _excluded(path, skip) or special_file_reason(path)))
            continue
        for child in _walk(path):
            out.append(InputFile(str(child), _excluded(child, skip) or _skip_reason(child, path)))
    return out


def _walk(root: Path) -> list[Path]:
    """Every non-folder under `root`, sorted; a linked folder is followed once
    (a link back up the tree — a loop — is not walked again)."""
    found: list[Path] = []
    seen: set[Path] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        real = resolved(folder)
        if real in seen:
            continue
        seen.add(real)
        try:
            children = list(folder.iterdir())
        except OSError:
            continue
        for child in children:
            if child.is_dir():
                stack.append(child)
            else:
                found.append(child)
    return sorted(found)


def _excluded(path: Path, skip: set) -> str:
    return "本次运行的输出文件，不作为报送读取" if resolved(path) in skip else ""


def _skip_reason(child: Path, root: Path) -> str:
    name = child.name
    rel = child.relative_to(root).parts
    if name.startswith("~$"):
        return "Excel/WPS/Word 打开文件时留下的临时锁文件，未读取"
    if any(part.startswith(".") for part in rel):
        return "隐藏文件（名称以“.”开头），未读取"
    if BACKUP_RE.search(Path(name).stem) or name.lower().endswith((".bak", ".tmp")):
        return "备份或临时文件，未读取"
    if child.suffix.lower() not in INPUT_SUFFIXES:
        shown = child.suffix or "无扩展名"
        return f"不是表格或 Word 文件（{shown}），未读取"
    return special_file_reason(child)


def refuse_output_over_input(output: str | os.PathLike, paths: Iterable[str | os.PathLike],
                             own_marker: str = "") -> Optional[str]:
    """Why writing `output` would overwrite a submission, or None.  A file named
    as input, or an existing file in an input folder that is not xltools' own
    earlier output (its workbook names the `own_marker` sheet), is a submission."""
    target = resolved(output)
    for p in paths:
        path = Path(p)
        real = resolved(path)
        if path.is_dir():
            if real not in target.parents or not target.exists():
                continue
            if own_marker and _names_sheet(target, own_marker):
                continue
            return (f"输出文件 {output} 是报送文件夹 {p} 中已有的文件，写入会覆盖一份报送；"
                    "请用 -o 指定报送文件夹以外的文件")
        elif real == target:
            return f"输出文件 {output} 就是报送文件本身，写入会覆盖它；请用 -o 指定另一个文件"
    return None


def _names_sheet(path: Path, sheet: str) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > 1 << 20:
                return False
            return sheet.encode("utf-8") in zf.read(info)
    except Exception:
        return False


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """The files `list_inputs` reads (without the reasons for the others)."""
    return [f.path for f in list_inputs(paths) if not f.skip]


def iter_checked(paths: Iterable[str | os.PathLike], profile: Profile,
                 exclude: Iterable[str | os.PathLike] = ()) -> Iterator[FileResult]:
    """Every input file in turn: checked, or (found in a folder but not read)
    with why.  One file is in memory at a time, however many there are."""
    for f in list_inputs(paths, exclude):
        yield FileResult(display_path(f.path), "skipped", f.skip) if f.skip else check_file(f.path, profile)


@dataclass
class FileReport:
    """One file's check as the `check` command shows it: its lines of the
    terminal report, its `--json` entry (encoded; None when not asked for),
    and what the last line counts.  Small and plain: what a worker sends back."""

    text: str
    json: Optional[str]
    status: str
    projects: int
    severities: list[str]


def report_of(res: FileResult, min_severity: str = "info", want_json: bool = False) -> FileReport:
    """The `FileReport` of a checked (or skipped, or unreadable) file."""
    return FileReport(format_file(res, min_severity=min_severity),
                      dumps_json(res.record()) if want_json else None,
                      res.status, res.projects, res.severities)


def iter_reports(paths: Iterable[str | os.PathLike], profile: Profile,
                 exclude: Iterable[str | os.PathLike] = (), *, min_severity: str = "info",
                 want_json: bool = False, jobs: Optional[int] = None) -> Iterator[FileReport]:
    """`iter_checked` as the `check` command reports it, the files read by
    `jobs` processes (default: one per core where it pays) and reported in
    the order they came."""
    from ..core import workers

    inputs = list_inputs(paths, exclude)
    tasks = [f.path for f in inputs if not f.skip]
    n = workers.default_jobs(len(tasks)) if jobs is None else max(1, min(jobs, len(tasks) or 1))
    reports = workers.ordered_map(_report_task, tasks, n, setup=_report_setup,
                                  setup_args=(profile, min_severity, want_json))
    try:
        for f in inputs:
            if f.skip:
                yield report_of(FileResult(display_path(f.path), "skipped", f.skip), min_severity, want_json)
            else:
                yield next(reports)
    finally:
        reports.close()


_REPORTING: dict[str, Any] = {}


def _report_setup(profile: Profile, min_severity: str, want_json: bool) -> None:
    _REPORTING.update(profile=profile, min_severity=min_severity, want_json=want_json)


def _report_task(path: str) -> FileReport:
    r = _REPORTING
    return report_of(check_file(path, r["profile"]), r["min_severity"], r["want_json"])


def check_paths(paths: Iterable[str | os.PathLike], profile: Profile,
                exclude: Iterable[str | os.PathLike] = ()) -> list[FileResult]:
    """`iter_checked` as a list (for a few files)."""
    return list(iter_checked(paths, profile, exclude))


@dataclass
class Tally:
    """What the report's last line and the exit code need, counted file by file."""

    files: int = 0
    unreadable: int = 0
    not_read: int = 0
    projects: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in SEVERITY_ORDER})

    def add(self, res: "FileResult | FileReport") -> None:
        self.files += 1
        self.unreadable += res.status == "error"
        self.not_read += res.status == "skipped"
        self.projects += res.projects
        for severity in res.severities:
            self.counts[severity] += 1

    def exit_code(self) -> int:
        """0 clean, 1 problems found (errors or warnings), 2 some input unreadable."""
        if self.unreadable:
            return 2
        return 1 if self.counts["error"] or self.counts["warning"] else 0

    def line(self) -> str:
        not_read = f"，{self.not_read} 个未读取" if self.not_read else ""
        return (f"共 {self.files} 个文件（{self.unreadable} 个无法读取{not_read}），{self.projects} 张表；"
                f"错误 {self.counts['error']} 条，警告 {self.counts['warning']} 条，提示 {self.counts['info']} 条。")


def exit_code(results: Iterable[FileResult]) -> int:
    """0 clean, 1 problems found (errors or warnings), 2 some input unreadable."""
    tally = Tally()
    for res in results:
        tally.add(res)
    return tally.exit_code()


def to_json(results: Iterable[FileResult], profile: Profile) -> dict:
    return {"profile": profile.name, "files": [r.record() for r in results]}


class JsonWriter:
    """The `--json` document written file by file to an open text stream
    (the same document `to_json` builds in memory)."""

    def __init__(self, fh, profile: Profile) -> None:
        self.fh = fh
        self.first = True
        fh.write('{\n  "profile": ' + dumps_json(profile.name) + ',\n  "files": [')

    def add(self, res: FileResult) -> None:
        self.add_text(dumps_json(res.record()))

    def add_text(self, entry: str) -> None:
        """One file's entry, already encoded (`FileReport.json`)."""
        self.fh.write("\n    " if self.first else ",\n    ")
        self.fh.write(entry)
        self.first = False

    def close(self) -> None:
        self.fh.write("\n  ]\n}\n")


# ---------------------------------------------------------------- terminal
def format_file(res: FileResult, *, min_severity: str = "info") -> str:
    """One file's part of the Chinese terminal report: each project, each
    problem with its cell, what could not be checked."""
    limit = SEVERITY_ORDER[min_severity]
    lines = [f"■ 文件：{res.path}"]
    if res.status == "skipped":
        lines.append(f"  · {res.error}")
        return "\n".join(lines) + "\n"
    if res.status == "error":
        lines.append(f"  ✗ 无法读取：{res.error}")
        return "\n".join(lines) + "\n"
    for sheet, note in res.notes:
        lines.append(f"  ⚠ 工作表“{sheet}”：{note}")
    if res.has_macros:
        lines.append("  ⚠ 该文件含有宏（未运行）")
    by_reason: dict[str, list[str]] = {}
    for sheet, reason in res.skipped:
        by_reason.setdefault(reason, []).append(sheet)
    for reason, sheets in by_reason.items():
        lines.append(f"  · 已跳过工作表 {'、'.join(f'“{s}”' for s in sheets)}：{reason}")
    for c in res.checked:
        rec = c.summary()
        title = rec["name"] or "（未填项目名称）"
        lines.append(f"  ▶ 工作表“{c.form.sheet}”：{title}")
        lines.append(
            f"    全年预算 {format_number(rec['budget_full_year'])} 万元，执行 {format_number(rec['spent'])} 万元，"
            f"执行率 {format_percent(rec['execution_rate'])}；分值合计 {format_number(rec['weight_total'])}；"
            f"自评总分 {format_number(rec['score_total'])}，规则计分 {format_number(rec['rule_score_total'])}，"
            f"等次 {rec['grade'] or '—'}")
        shown = sorted((i for i in c.issues if SEVERITY_ORDER[i.severity] <= limit),
                       key=lambda i: SEVERITY_ORDER[i.severity])
        if not shown:
            lines.append("    ✓ 未发现问题")
        for issue in shown:
            cell = f"[{issue.cell}] " if issue.cell else ""
            lines.append(f"    {SEVERITY_TEXT[issue.severity]} {cell}{issue.message}（{issue.code}）")
        for item in c.not_checked():
            lines.append(f"    未能核对：{item['check']}（{item['reason']}）")
    return "\n".join(lines) + "\n"


def format_report(results: Iterable[FileResult], *, min_severity: str = "info") -> str:
    """The whole Chinese terminal report: every file, then the totals."""
    tally = Tally()
    parts = []
    for res in results:
        parts.append(format_file(res, min_severity=min_severity))
        tally.add(res)
    return "\n".join(parts + [tally.line()])


def _text(value) -> Optional[str]:
    if value is None or value.empty:
        return None
    return str(value.raw).strip()


def _r(x: Optional[float], digits: int = 4) -> Optional[float]:
    return None if x is None else round(x, digits)
