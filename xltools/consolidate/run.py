"""The consolidation pipeline: files → engine → project records → spool →
ledger, output workbook, JSON.

Each file is read once (in worker processes when there are enough of them,
one per core) and its reading — records with indicators and issues, the
file's own problems — goes to a temporary spool on disk as the compressed JSON
the ledger caches; memory keeps only running totals (`merge.Group`) and small
counters, so it does not grow with the number of files.  The outputs are then
written from the spool.  Reading, parsing, scoring and checking are the
engine's (`workbook.load_book`, `reader.read_forms`, `checks.check_form`,
`report.CheckedForm.record`); this module decides which unit a file belongs
to, which of two identical files is kept, and merges.

A consolidation's own result — its JSON or its ledger — is an input too
(`rollup`): a city merges its counties' results, a province its cities',
with the totals a flat run over every file gives.
"""
from __future__ import annotations

import json
import os
import re
import sys
import weakref
import zlib
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from ..project import report
from ..core.errors import NoFormError, WorkbookError
from ..master.layout import BASE_SHEET, CHECKS_SHEET, CONF_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, SUMMARY_SHEET
from ..core.fileio import resolved, sha256 as file_sha256
from ..core.issues import Issue, issue_type
from ..core.jsonout import dumps_json, no_surrogates
from ..profiles import Profile
from ..core.values import normalize_text
from ..core.workers import default_jobs, ordered_map
from ..containers.workbook import Book, load_book
from . import merge
from . import units
from .ledger import Ledger, Submission, now_utc
from .spool import Spool

#: Sheets xltools itself puts in a workbook; not being a form is expected of them.
_OWN_SHEETS = {BASE_SHEET, CHECKS_SHEET, CONF_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, SUMMARY_SHEET}

#: Codes this module adds to the engine's.
UNIT_NAME_DIFFERS = "unit_name_differs"
DUPLICATE_FILE = "duplicate_file"
DUPLICATE_PROJECT = "duplicate_project"
FILE_UNREADABLE = "file_unreadable"
SHEET_SKIPPED = "sheet_skipped"
DEPARTMENT_FORM = "department_form_skipped"
FILE_NAME_ENCODING = "file_name_encoding"

#: Files or problems a terminal report lists by name before "……".
SHOW = 30

#: Names of copies a clerk's computer makes: `局机关 - 副本`, `局机关(1)`, `Copy of 局机关` …
_COPY_RE = re.compile(r"副本|复件|复制|拷贝|备份|\bcopy\b|[(（]\s*\d+\s*[)）]\s*$", re.IGNORECASE)


@dataclass
class FileEntry:
    """One input file as the consolidation saw it.  `path` is the path as it
    is shown (a file name in another encoding decoded, see `report.display_path`)."""

    path: str
    sha256: str
    size: int
    unit: str
    unit_source: str
    status: str  # ok | error | duplicate
    error: Optional[str] = None
    has_macros: bool = False
    records: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # file-level (no project)
    seen_at: str = ""

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(len(r["issues"]) for r in self.records)

    def all_problems(self) -> Iterator[dict]:
        """Every problem of the file: its own, then each project's."""
        yield from self.problems
        for rec in self.records:
            yield from rec["issues"]

    def json(self) -> dict:
        """The file's entry in `--json` (enough to roll the result up)."""
        return {"path": self.path, "status": self.status, "unit": self.unit,
                "error": self.error, "has_macros": self.has_macros, "sha256": self.sha256,
                "size": self.size, "unit_source": self.unit_source,
                "projects": len(self.records), "problems": self.problems}

    def row(self, seen_at: str = "") -> dict:
        """The dict the output's 文件状态 sheet shows."""
        return {"path": self.path, "name": Path(self.path).name, "unit": self.unit,
                "unit_source": self.unit_source, "status": self._status_word(),
                "error": self.error, "projects": len(self.records),
                "problems": self.problem_count, "has_macros": self.has_macros,
                "sha256": self.sha256, "seen_at": seen_at or self.seen_at}

    def _status_word(self) -> str:
        if self.status != "ok":
            return self.status
        return "problems" if self.has_findings() else "ok"

    def has_findings(self) -> bool:
        """Any error or warning in the file (info does not count)."""
        return any(p.get("severity") in ("error", "warning") for p in self.all_problems())

    def moved_to(self, path: str) -> None:
        """The same file named another way (relative / absolute) this run."""
        old, self.path = self.path, path
        for rec in self.records:
            if rec.get("file") == old:
                rec["file"] = path
            for issue in rec.get("issues") or []:
                if issue.get("file") == old:
                    issue["file"] = path
        for issue in self.problems:
            if issue.get("file") == old:
                issue["file"] = path

    def to_json(self) -> bytes:
        """The entry, compressed: what the ledger caches and the spool keeps."""
        # Fields are plain JSON data already: no asdict() deep copy of every record.
        data = {name: getattr(self, name) for name in _STORED}
        try:
            text = _encode(data).encode("utf-8")
        except (ValueError, UnicodeEncodeError):  # NaN, or a lone surrogate read from a cell (shown as �)
            for f in fields(self):
                setattr(self, f.name, no_surrogates(getattr(self, f.name)))
            data = {name: getattr(self, name) for name in _STORED}
            text = dumps_json(data).encode("utf-8")
        return zlib.compress(text, 1)

    @classmethod
    def from_json(cls, blob: bytes) -> "FileEntry":
        return cls(**json.loads(zlib.decompress(blob).decode("utf-8")))

    def submission(self) -> Submission:
        """What the ledger records of the file; its problems as their keys
        (`Issue.key()` of each, checked as `Issue` checks them)."""
        keys = [_issue_key(p, p.get("project")) for p in self.problems]
        for r in self.records:
            name = r.get("name") or ""
            keys += [_issue_key(i, name) for i in r["issues"]]
        return Submission(path=_abs(self.path), sha256=self.sha256,
                          size=self.size, unit=self.unit,
                          status="error" if self.status == "error" else self._status_word(),
                          error=self.error, has_macros=self.has_macros,
                          projects=len(self.records), keys=keys)


#: The fields `to_json` stores, in order (not seen_at: the ledger's, per run).
_STORED = tuple(f.name for f in fields(FileEntry) if f.name != "seen_at")
#: `json.dumps(…, ensure_ascii=False, allow_nan=False)` of a reading: the same
#: text, without the check for cycles plain JSON data cannot have.
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False).encode


def _issue_key(data: Mapping[str, Any], project: Any) -> tuple:
    """`Issue.from_dict(data, project=project).key()` without making the Issue:
    the code must be known and the severity one it allows ("" → its default)."""
    code = data.get("code")
    kind = issue_type(code)
    severity = data.get("severity") or kind.severity
    if severity not in kind.severities:
        raise ValueError(f"issue code {code!r} is never {severity!r} "
                         f"(allowed: {', '.join(kind.severities)})")
    sheet, cell, message = data.get("sheet"), data.get("cell"), data.get("message")
    return (code, severity, "" if sheet is None else sheet, "" if cell is None else cell,
            "" if project is None else project, "" if message is None else message)


# ------------------------------------------------------------------ files
def collect_files(paths: Iterable[str], exclude: Iterable[str | Path] = ()) -> list[report.InputFile]:
    """Every file under `paths` (the engine's one folder expansion,
    `report.list_inputs`): those to read, and those not read with why (our own
    outputs and backups, hidden and lock files, other formats)."""
    return report.list_inputs(paths, exclude)


@dataclass(slots=True)
class Input:
    """One thing to consolidate: a workbook, or a consolidation result (its
    JSON or its ledger) to roll up.  `path` opens it; `shown` names it."""

    path: str
    kind: str = "book"  # book | json | ledger | skipped
    shown: str = ""
    sha256: str = ""
    reason: str = ""  # why a skipped file is not read

    def __post_init__(self) -> None:
        self.shown = self.shown or report.display_path(self.path)


def plan_inputs(paths: Sequence[str | os.PathLike], exclude: Iterable[str | Path] = ()) -> list[Input]:
    """What a run reads: the workbooks under `paths` (`collect_files`), then any
    consolidation result named among them (a .json we wrote, a ledger)."""
    from . import rollup

    skip = {resolved(p) for p in exclude if p}
    kinds = [(str(p), rollup.kind_of(p)) for p in paths]
    items = []
    for found in collect_files([p for p, kind in kinds if kind is None], exclude):
        if isinstance(found, str):
            items.append(Input(found))
        elif getattr(found, "skip", ""):  # found in a folder, not read (with why)
            items.append(Input(found.path, "skipped", reason=found.skip))
        else:
            items.append(Input(found.path))
    items += [Input(p, kind) for p, kind in kinds if kind and resolved(p) not in skip]
    return items


def hash_inputs(items: Sequence[Input]) -> None:
    for item in items:
        if not item.sha256 and item.kind != "skipped":
            item.sha256 = file_sha256(item.path)


def is_copy_name(name: str) -> bool:
    """True for the names a computer gives a copy: 局机关 - 副本, 局机关(1), Copy of …"""
    return bool(_COPY_RE.search(Path(name).stem))


def plan_duplicates(items: Sequence[Input], expected: Sequence[str] = (),
                    ledger: Optional[Ledger] = None) -> dict[int, int]:
    """Of workbooks with identical content, which one is kept: the one whose
    name is a unit (an expected unit; else a name that is not a copy's:
    `副本`, `(1)`, `- 复制`, `copy`), then the one the ledger saw first, then
    the first found.  Returns index of each other file → index of the kept one."""
    # Workbooks by content (sorted indices, not a dict of every file's hash).
    books = sorted((k for k, item in enumerate(items) if item.kind == "book"),
                   key=lambda k: items[k].sha256)
    wanted = {units.unit_key(u) for u in expected}
    out: dict[int, int] = {}
    for sha, run in groupby(books, key=lambda k: items[k].sha256):
        members = list(run)
        if len(members) < 2:
            continue
        seen = ledger.first_seen(sha) if ledger is not None else []

        def rank(k: int) -> tuple:
            stem = Path(items[k].shown).stem
            name_rank = 0 if units.unit_key(stem) in wanted else (2 if is_copy_name(stem) else 1)
            where = _abs(items[k].shown)
            return (name_rank, seen.index(where) if where in seen else len(seen), k)

        keeper = min(members, key=rank)
        for k in members:
            if k != keeper:
                out[k] = keeper
    return out


def file_has_macros(path: str) -> bool:
    """True when the zip carries a VBA project (never run, only reported)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith("vbaproject.bin") for n in zf.namelist())
    except Exception:
        return False


def check_book(book: Book, profile: Profile) -> report.FileResult:
    """The engine's FileResult for an already-loaded book."""
    return report.check_book(book, profile)


def read_file(path: str, profile: Profile,
              sha256: Optional[str] = None, shown: Optional[str] = None) -> FileEntry:
    """Read, check and attribute one file; never raises for a bad file."""
    report.keep_caches_small()
    shown = shown or report.display_path(path)
    sha = sha256 or file_sha256(path)
    size = Path(path).stat().st_size
    with report.openable(path) as readable:
        entry = _read(readable, profile, sha, size, shown)
    if shown != path:
        entry.problems.append(_file_problem(
            FILE_NAME_ENCODING, "warning",
            f"文件名不是 UTF-8 编码（按 GBK 识读为“{Path(shown).name}”）；已照常汇总，"
            "建议把文件改成这个名字后重新报送"))
    return entry


def _read(path: str, profile: Profile, sha: str, size: int, shown: str) -> FileEntry:
    try:
        book = load_book(path)
    except WorkbookError as exc:
        unit, source = units.resolve_unit(None, shown)
        entry = FileEntry(path, sha, size, unit, source, "error", exc.reason,
                          has_macros=file_has_macros(path),
                          problems=[_file_problem(FILE_UNREADABLE, "error", exc.reason)])
        entry.moved_to(shown)
        return entry
    unit, source = units.resolve_unit(book, shown)
    result = check_book(book, profile)
    entry = FileEntry(path, sha, size, unit, source, result.status, result.error,
                      has_macros=book.has_macros)
    del book
    if result.status == "error":
        entry.problems.append(_file_problem(FILE_UNREADABLE, "error", result.error or ""))
        entry.moved_to(shown)
        return entry
    for sheet, reason in result.skipped:
        if sheet not in _OWN_SHEETS:
            entry.problems.append(_file_problem(
                SHEET_SKIPPED, "info", f"工作表“{sheet}”未汇总：{reason}", sheet))
    for sheet, note in getattr(result, "notes", ()):  # read, with a reservation
        entry.problems.append(_file_problem(SHEET_SKIPPED, "warning", f"工作表“{sheet}”：{note}", sheet))
    seen_names: set[str] = set()
    for checked in result.checked:
        rec = checked.record()
        if rec.get("kind", "project") != "project":
            entry.problems.append(_file_problem(
                DEPARTMENT_FORM, "info",
                f"工作表“{checked.form.sheet}”是部门整体支出绩效自评表，不计入项目汇总",
                checked.form.sheet))
            continue
        _attribute(rec, checked, unit, path, seen_names)
        entry.records.append(rec)
    if not entry.records:
        entry.status = "error"
        entry.error = NoFormError(path).reason
        entry.problems.append(_file_problem(FILE_UNREADABLE, "error", entry.error))
    entry.moved_to(shown)
    return entry


def _attribute(rec: dict, checked: Any, unit: str, path: str, seen_names: set[str]) -> None:
    """Set the record's unit to the submission's; keep the form's own text as
    `form_unit`; report a differing spelling and a project listed twice."""
    form_unit = rec.get("unit")
    rec["form_unit"] = form_unit
    rec["unit"] = unit
    rec["file"] = path
    form = checked.form
    if form_unit and normalize_text(form_unit) != normalize_text(unit):
        cell = form.unit.where.cell if form.unit is not None else ""
        same = units.same_unit(form_unit, unit)
        how = "只是写法不同" if same else "与报送单位不一致"
        rec["issues"].append(Issue(
            UNIT_NAME_DIFFERS, "warning",
            f"表内实施单位“{form_unit}”{how}，已按报送单位“{unit}”汇总；请核对并统一写法",
            file=path, sheet=form.sheet, cell=cell, field="实施单位", value=form_unit).as_dict())
    key = normalize_text(rec.get("name") or "")
    if key:
        if key in seen_names:
            cell = form.name.where.cell if form.name is not None else ""
            rec["issues"].append(Issue(
                DUPLICATE_PROJECT, "warning",
                f"项目“{rec.get('name')}”在本单位报送中出现不止一次，两张表都已计入；请核对是否重复",
                file=path, sheet=form.sheet, cell=cell, field="项目名称",
                value=rec.get("name")).as_dict())
        seen_names.add(key)


def _file_problem(code: str, severity: str, message: str, sheet: str = "") -> dict:
    """A problem of a whole file or sheet (no project), as its issue record."""
    return Issue(code, severity, message, sheet=sheet).as_dict()


# ------------------------------------------------------------------ the run's counts
@dataclass
class RunReport:
    """What the terminal says about a run, small whatever N is (lists capped
    at SHOW); stored in the ledger with the output, so an unchanged re-run
    says it again without reading anything."""

    files: int = 0
    consolidated: int = 0
    unreadable: int = 0
    duplicates: int = 0
    skipped: int = 0
    projects: int = 0
    bad: list = field(default_factory=list)              # [path, reason]
    duplicate_files: list = field(default_factory=list)  # [path, reason]
    skipped_files: list = field(default_factory=list)    # [path, why not read]
    macros: list = field(default_factory=list)           # [path]
    macro_total: int = 0
    problem_files: list = field(default_factory=list)    # [path, unit, errors, warnings]
    problem_files_total: int = 0
    units: list = field(default_factory=list)            # department, then units: Totals dicts
    units_total: int = 0
    severity: dict = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    expected: int = 0
    missing: list = field(default_factory=list)
    exit_code: int = 0

    def to_json(self) -> str:
        return dumps_json(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "RunReport":
        return cls(**json.loads(text))


class _Tally:
    """Running counts of a run, in constant memory: each file's project
    figures go to the spool (`Spool.add_projects`), where the units' totals are
    summed once every file is in; here only the department's totals and
    counters whose keys do not grow with the files (severities, 等次, rate
    bands) and the report's lists, capped at SHOW."""

    def __init__(self, spool: Spool) -> None:
        self.spool = spool
        self.department = merge.Group(merge.DEPARTMENT_ROW, exact=True)
        self.severity: Counter = Counter()
        self.grades: Counter = Counter()
        self.rate_bands: Counter = Counter()
        self.report = RunReport()
        self.any_findings = False
        self.newest_seen = ""
        self.unreadable_by_unit = _Unreadable(spool)

    @property
    def departments(self) -> Counter:
        """Projects per department name (read back from the spool)."""
        self.spool.flush()
        return Counter(dict(self.spool.db.execute("SELECT name, n FROM departments")))

    def add(self, entry: FileEntry, seen_at: str) -> None:
        rep = self.report
        rep.files += 1
        if entry.status == "skipped":
            rep.skipped += 1
            if len(rep.skipped_files) < SHOW:
                rep.skipped_files.append([entry.path, entry.error or ""])
            return
        if entry.status == "duplicate":
            rep.duplicates += 1
            if len(rep.duplicate_files) < SHOW:
                rep.duplicate_files.append([entry.path, entry.error or ""])
        elif entry.status == "error":
            rep.unreadable += 1
            if len(rep.bad) < SHOW:
                rep.bad.append([entry.path, entry.error or ""])
        else:
            rep.consolidated += 1
        if entry.has_macros:
            rep.macro_total += 1
            if len(rep.macros) < SHOW:
                rep.macros.append(entry.path)
        counts: Counter = Counter(p.get("severity") for p in entry.all_problems())
        self.severity.update(counts)
        if counts["error"] or counts["warning"]:
            self.any_findings = True
            rep.problem_files_total += 1
            if len(rep.problem_files) < SHOW:
                rep.problem_files.append([entry.path, entry.unit, counts["error"], counts["warning"]])
        if entry.records:
            self.spool.add_projects(entry.unit, entry.records)
            for rec in entry.records:
                self.department.add(rec)
                self.grades[rec.get("grade") or ""] += 1
                self.rate_bands[merge.rate_band(rec.get("execution_rate"))] += 1
        if seen_at > self.newest_seen:
            self.newest_seen = seen_at


class _Unreadable(Mapping):
    """Files that could not be read, per unit (`_Tally.unreadable_by_unit`),
    counted in the spool when asked for."""

    def __init__(self, spool: Spool) -> None:
        self.spool = spool

    def __getitem__(self, unit: str) -> int:
        n = self.spool.unreadable(unit)
        if not n:
            raise KeyError(unit)
        return n

    def get(self, unit: str, default: Any = None) -> Any:
        return self.spool.unreadable(unit) or default

    def __iter__(self) -> Iterator[str]:
        self.spool.flush()
        return (u for (u,) in self.spool.db.execute(
            "SELECT unit FROM files WHERE status = 'error' GROUP BY unit ORDER BY MIN(seq)"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Units(Sequence):
    """`Summary.units` of a spooled run: each unit's Totals, in table order,
    read from the spool when asked for (there may be 10⁵ units)."""

    def __init__(self, spool: Spool, kind: int = 0) -> None:
        self.spool = spool
        self.kind = kind
        self._len: Optional[int] = None
        # A unit's Totals while anyone holds it: reading the units again gives
        # the same objects, not a second copy of them all (no strong reference
        # here, so nothing stays once the holders let go).
        self._alive: weakref.WeakValueDictionary = weakref.WeakValueDictionary()

    def __len__(self) -> int:
        if self._len is None:
            self._len = self.spool.unit_count(self.kind)
        return self._len

    def _totals(self, row: tuple) -> merge.Totals:
        t = self._alive.get(row[0])
        if t is None:
            t = self._alive[row[0]] = _totals(row)
        return t

    def __iter__(self) -> Iterator[merge.Totals]:
        for row in self.spool.unit_totals(self.kind):
            yield self._totals(row)

    def __getitem__(self, k):
        if isinstance(k, slice):
            start, stop, step = k.indices(len(self))
            if step != 1:
                return list(self)[k]
            return [self._totals(row) for row in self.spool.unit_totals(
                self.kind, start, max(0, stop - start))]
        n = len(self)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(k)
        return self._totals(next(self.spool.unit_totals(self.kind, k, 1)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (list, tuple, Sequence)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} units in the spool>"


def _totals(row: tuple) -> merge.Totals:
    name, projects, initial, full_year, spent, score_avg, score_min, problems = row
    return merge.Totals(name=name, projects=projects, budget_initial=initial,
                        budget_full_year=full_year, spent=spent, score_avg=score_avg,
                        score_min=score_min, problems=problems)


class _ByUnit(Mapping):
    """`Summary.by_unit` of a spooled run: each unit's records read back from
    the spool when asked for (the master's block lists them)."""

    def __init__(self, result: "Consolidation") -> None:
        self.result = result

    def __getitem__(self, unit: str) -> list[dict]:
        if self.result.spool.unit_kind(unit) != 0:
            raise KeyError(unit)
        return [rec for entry in self.result.unit_entries(unit) for rec in entry.records]

    def __iter__(self) -> Iterator[str]:
        return self.result.spool.unit_names((0,))

    def __len__(self) -> int:
        return len(self.result.summary.units)


class _Names(Sequence):
    """Unit names of some kinds, in table order, from the spool."""

    def __init__(self, spool: Spool, kinds: tuple[int, ...]) -> None:
        self.spool = spool
        self.kinds = kinds

    def __iter__(self) -> Iterator[str]:
        return self.spool.unit_names(self.kinds)

    def __len__(self) -> int:
        return sum(self.spool.unit_count(k) for k in self.kinds)

    def __getitem__(self, k):
        return list(self)[k]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (list, tuple, Sequence)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class Consolidation:
    """The result of a run: running totals in memory, every file's reading in
    the spool with each unit's totals.  Iterate `entries()`, `records()`,
    `problems()`, `file_rows()`; `close()` deletes the spool."""

    def __init__(self, spool: Spool, tally: _Tally, expected: Sequence[str] = ()) -> None:
        self.spool = spool
        self.tally = tally
        self.expected = list(expected)
        spool.finish(self.expected)
        self.summary = merge.Summary(department=tally.department.totals(),
                                     units=_Units(spool), by_unit={})
        self.summary.by_unit = _ByUnit(self)
        #: Units whose files gave no project (unreadable, no form): listed with 0.
        self.extra_units = _Names(spool, (1,))

    # -------------------------------------------------------------- reading back
    def unit_order(self) -> list[str]:
        """Units as the tables list them: those with projects, then the others."""
        return list(self.spool.unit_names((0, 1)))

    def unit_entries(self, unit: str) -> Iterator[FileEntry]:
        return _entries_of(self.spool.blobs(unit))

    def entries(self, kinds: tuple[int, ...] = (0, 1, 2)) -> Iterator[FileEntry]:
        """Every file's reading, unit by unit in table order, files in the
        order they came (duplicates under the unit of the file they copy)."""
        return _entries_of(self.spool.all_blobs(kinds))

    def records(self) -> Iterator[dict]:
        for entry in self.entries((0,)):
            yield from entry.records

    def problems(self) -> Iterator[dict]:
        """Every problem, file by file, as the 问题清单 lists them."""
        for entry in self.entries():
            yield from entry_problems(entry)

    def file_rows(self) -> Iterator[dict]:
        """The 文件状态 rows, in file order."""
        return self.spool.rows()

    @property
    def files(self) -> list[dict]:
        return list(self.file_rows())

    @property
    def report(self) -> RunReport:
        rep = self.tally.report
        rep.projects = self.summary.department.projects
        rep.units = [_totals_row(t) for t in [self.summary.department] + self.summary.units[:SHOW]]
        rep.units_total = len(self.summary.units)
        rep.severity = {k: self.tally.severity.get(k, 0) for k in ("error", "warning", "info")}
        rep.expected = len(self.expected)
        wanted = {units.unit_key(u) for u in self.expected}
        have = set()
        if wanted:
            for u in self.spool.iter_units(read_only=True):
                key = units.unit_key(u)
                if key in wanted:
                    have.add(key)
        rep.missing = [u for u in self.expected if units.unit_key(u) not in have]
        rep.exit_code = self.exit_code()
        return rep

    # -------------------------------------------------------------- JSON
    def json(self) -> dict:
        """The `--json` document (issue 4 shape), built in memory (tests)."""
        return {"department": self.summary.department.as_json(name_key=False),
                "units": [u.as_json() for u in self.summary.units],
                "projects": list(self.records()),
                "files": list(self._file_json_rows())}

    def write_json(self, fh) -> None:
        """The same document written to a text stream unit by unit and
        project by project, so neither the units nor the indicators of
        thousands of projects are ever all in memory."""
        fh.write('{"department": ' + dumps_json(self.summary.department.as_json(name_key=False)))
        fh.write(',\n "units": ')
        units_seen = False
        for unit in self.summary.units:
            # dumps_json(list, indent=1) of the units, one at a time
            item = dumps_json(unit.as_json(), indent=1).replace("\n", "\n ")
            fh.write(("[\n " if not units_seen else ",\n ") + item)
            units_seen = True
        fh.write("\n]" if units_seen else "[]")
        fh.write(',\n "projects": [')
        first = True
        for rec in self.records():
            fh.write("\n  " if first else ",\n  ")
            fh.write(dumps_json(rec))
            first = False
        fh.write("\n ],\n \"files\": [")
        first = True
        for seq_row in self._file_json_rows():
            fh.write("\n  " if first else ",\n  ")
            fh.write(dumps_json(seq_row))
            first = False
        fh.write("\n ]}\n")

    def _file_json_rows(self) -> Iterator[dict]:
        """Each file's JSON entry, in file order (read back from the spool)."""
        for row in self.file_rows():
            yield row["json"]

    # -------------------------------------------------------------- verdicts
    def close(self) -> None:
        self.spool.close()

    def exit_code(self) -> int:
        """0 all good, 1 problems in forms, 2 some files unreadable."""
        if self.tally.report.unreadable:
            return 2
        if self.tally.any_findings:
            return 1
        return 0

    def department_name(self) -> str:
        return self.spool.top_department()


def _entries_of(rows: Iterable[tuple[str, str, Optional[bytes]]]) -> Iterator[FileEntry]:
    for unit, seen_at, blob in rows:
        entry = FileEntry.from_json(blob)
        entry.unit = unit
        entry.seen_at = seen_at
        yield entry


def entry_problems(entry: FileEntry) -> Iterator[dict]:
    """A file's problems as rows of the 问题清单 (unit, file, project …)."""
    for p in entry.problems:
        yield {"unit": entry.unit, "file": entry.path, "sheet": p.get("sheet") or "",
               "cell": p.get("cell") or "", "project": "", "code": p["code"],
               "severity": p["severity"], "value": p.get("value"),
               "message": p.get("message") or ""}
    for r in entry.records:
        for i in r["issues"]:
            yield {"unit": entry.unit, "file": entry.path, "sheet": i.get("sheet") or "",
                   "cell": i.get("cell") or "", "project": r.get("name") or "",
                   "code": i["code"], "severity": i["severity"],
                   "value": i.get("value"), "message": i.get("message") or ""}


def _totals_row(t: merge.Totals) -> dict:
    return {"name": t.name, "projects": t.projects, "budget_initial": t.budget_initial,
            "budget_full_year": t.budget_full_year, "spent": t.spent,
            "execution_rate": t.execution_rate}


# ------------------------------------------------------------------ the run
def consolidate(paths: Sequence[str], profile: Profile, *,
                exclude: Iterable[str | Path] = (), expected: Sequence[str] = (),
                progress: bool = False, jobs: Optional[int] = None,
                cache: Optional[Ledger] = None, record: bool = False,
                inputs: Optional[list[Input]] = None, now: Optional[str] = None) -> Consolidation:
    """Read every workbook under `paths` (or the planned `inputs`) and merge
    their projects; returns the Consolidation (call `close()` when done).

    jobs: processes reading files side by side (None: one per core when there
    are enough files to pay for them, see `core.workers.default_jobs`; 1: read here).
    cache: a ledger whose cache gives back files read before (same path, same
    content, same engine and rules) without reading them again.
    record: also record every file in that ledger (inside the caller's
    transaction; see `Ledger.begin`), `now` being the run's time."""
    items = inputs if inputs is not None else plan_inputs(paths, exclude)
    hash_inputs(items)
    ledger = cache
    dup_of = plan_duplicates(items, expected, ledger)
    now = now or now_utc()
    spool = Spool()
    tally = _Tally(spool)
    pending: dict[str, list[int]] = {}  # sha256 → spool rows of copies met before the original
    try:
        for entry, blob in _entries(items, dup_of, profile, jobs, ledger, progress):
            if entry.status == "skipped":  # listed with why, nothing read
                tally.add(entry, "")
                row = entry.row()
                row["json"] = {"path": entry.path, "status": "skipped", "unit": None,
                               "error": entry.error, "has_macros": False}
                spool.add("", row, entry.to_json())
                continue
            if entry.status == "duplicate":
                kept = spool.kept_unit(entry.sha256)  # unit of the file with this content kept
                entry.unit = kept if kept is not None else entry.unit
            else:
                kept = spool.keep(entry.sha256, entry.unit)
                if kept is not None:  # a rolled-up file met twice
                    entry = _duplicate(entry, entry.path)
                    entry.unit = kept
                    blob = None
            if _flag_repeated_projects(entry, spool):
                blob = None
            seen_at = ""
            if record and ledger is not None and entry.status != "duplicate":
                _, seen_at = ledger.record_file(entry.submission(), now, in_run=True)
            tally.add(entry, seen_at)
            row = entry.row(seen_at)
            row["json"] = entry.json()
            seq = spool.add(entry.unit, row, blob if blob is not None else entry.to_json())
            if entry.status == "duplicate" and kept is None:
                pending.setdefault(entry.sha256, []).append(seq)
        for sha, seqs in pending.items():  # copies met before their original
            unit = spool.kept_unit(sha)
            if unit:
                for seq in seqs:
                    spool.update(seq, unit=unit)
        if record and ledger is not None:
            ledger.finish_run(None, now)
            if expected:
                ledger.add_expected(expected, "master", now)
    except BaseException:
        spool.close()
        raise
    return Consolidation(spool, tally, expected)


def _duplicate(entry_or_item: Any, path: str, original: str = "") -> FileEntry:
    """The entry of a file whose content another file already gave."""
    sha = entry_or_item.sha256
    size = getattr(entry_or_item, "size", None)
    if size is None:
        size = Path(entry_or_item.path).stat().st_size
    unit, source = units.resolve_unit(None, path)
    reason = (f"与“{Path(original).name}”内容完全相同，未重复汇总" if original
              else "与另一个报送文件内容完全相同，未重复汇总")
    entry = FileEntry(path, sha, size, unit, source, "duplicate", reason)
    entry.problems.append(_file_problem(DUPLICATE_FILE, "warning", reason))
    return entry


def _flag_repeated_projects(entry: FileEntry, spool: Spool) -> bool:
    """A project a unit already sent in another file: counted, and flagged.
    (The names met so far are kept in the spool, not in memory.)  Returns
    True when the entry changed."""
    changed = False
    keys = [normalize_text(rec.get("name") or "") for rec in entry.records]
    named = [k for k in keys if k]
    if not spool.has_any_name(entry.unit, named):  # the usual case: one query a file
        spool.add_names(entry.unit, named)
        return False
    for rec, key in zip(entry.records, keys):
        if key and spool.has_name(entry.unit, key) \
                and not any(i["code"] == DUPLICATE_PROJECT for i in rec["issues"]):
            rec["issues"].append(Issue(
                DUPLICATE_PROJECT, "warning",
                f"项目“{rec.get('name')}”在“{entry.unit}”的另一个文件中也有，两处都已计入；"
                "请核对是否重复——如果其中一个是旧版本，请把旧文件移出报送文件夹后重新汇总",
                file=entry.path, sheet=rec.get("sheet") or "", field="项目名称",
                value=rec.get("name")).as_dict())
            changed = True
    spool.add_names(entry.unit, named)
    return changed


def _entries(items: list[Input], dup_of: dict[int, int], profile: Profile,
             jobs: Optional[int], cache: Optional[Ledger], progress: bool
             ) -> Iterator[tuple[FileEntry, Optional[bytes]]]:
    """(entry, blob) in input order: copies of a kept file without reading
    them, unchanged files from the ledger's cache, the rest read here or by
    workers; rolled-up results give each of their files."""
    from . import rollup

    key = engine_key(profile) if cache is not None else ""
    bar = _bar(len(items), progress)
    hit = bytearray(len(items))  # 1: in the ledger's cache (a byte a file, not a list)
    count = 0
    for k, item in enumerate(items):
        if item.kind == "book" and k not in dup_of:
            if cache is not None and cache.has_cached(_abs(item.shown), item.sha256, key):
                hit[k] = 1
            else:
                count += 1
    misses = ((item.path, item.sha256, item.shown) for k, item in enumerate(items)
              if item.kind == "book" and k not in dup_of and not hit[k])
    workers = default_jobs(count) if jobs is None else max(1, min(jobs, count or 1))
    fresh = _read_many(misses, profile, workers, count)
    try:
        for k, item in enumerate(items):
            if item.kind == "skipped":
                yield FileEntry(item.shown, "", 0, "", "", "skipped", item.reason), None
            elif item.kind != "book":
                for entry in rollup.entries(item):
                    yield entry, None
            elif k in dup_of:
                yield _duplicate(item, item.shown, items[dup_of[k]].shown), None
            elif hit[k]:
                blob = cache.cached(_abs(item.shown), item.sha256, key)
                entry = FileEntry.from_json(blob)
                if entry.path != item.shown:
                    entry.moved_to(item.shown)
                    blob = None
                yield entry, blob
            else:
                entry, blob = next(fresh)
                if cache is not None:
                    cache.store_cached(_abs(item.shown), item.sha256, key, blob)
                yield entry, blob
            if bar:
                bar.update(1)
    finally:
        fresh.close()
        if bar:
            bar.close()


def _read_many(tasks: Iterable[tuple[str, str, str]], profile: Profile,
               workers: int, count: Optional[int] = None) -> Iterator[tuple[FileEntry, bytes]]:
    """(entry, blob) of each task in order (`count` of them); by `workers`
    processes when more than one (`core.workers.ordered_map`: never more than a
    few chunks ahead of the consumer, the tasks taken as they are needed)."""
    if count is None:
        tasks = list(tasks)
        count = len(tasks)
    if workers <= 1 or count < 2:
        for path, sha, shown in tasks:
            entry = read_file(path, profile, sha, shown)
            yield entry, entry.to_json()
        return
    for blob in ordered_map(_read_task, tasks, workers, count=count,
                            setup=_worker_profile, setup_args=(profile,)):
        yield FileEntry.from_json(blob), blob


_WORKER: dict[str, Any] = {}


def _worker_profile(profile: Profile) -> None:
    """A worker's set-up: the rules, sent once."""
    _WORKER["profile"] = profile


def _read_task(task: tuple[str, str, str]) -> bytes:
    """`read_file` of one file in a worker; its reading comes back encoded (the
    bytes the spool and the cache keep)."""
    path, sha, shown = task
    return read_file(path, _WORKER["profile"], sha, shown).to_json()


def _abs(path: str) -> str:
    """The absolute path the ledger keys a file on (see `_absolute`); the last
    answer is remembered (a file's cache store and ledger record follow)."""
    cwd = os.getcwd()
    if _LAST[0] == (cwd, path):
        return _LAST[1]
    where = _absolute(cwd, path)
    _LAST[:] = [(cwd, path), where]
    return where


_LAST: list = [None, ""]


def _absolute(cwd: str, path: str) -> str:
    """The absolute path the ledger keys a file on (`fileio.resolved`).  A run
    asks it of each file three times (cache look-up, cache store, ledger
    record).  On POSIX a file's folder is resolved once (few folders) and only
    the file itself is looked at (one lstat: is it a link?); elsewhere (Windows:
    case and short names are the system's to say), or for a link or a path with
    `..`, the whole path is resolved (the last 4096 kept)."""
    if os.name == "posix":
        full = os.path.join(cwd, path)
        folder, name = os.path.split(full)
        if name and name not in (".", "..") and "/.." not in folder and "/./" not in folder \
                and not folder.endswith("/.") and "//" not in full:
            try:
                linked = os.path.islink(full)
            except (OSError, ValueError):
                linked = True
            if not linked:
                return os.path.join(_resolved(cwd, folder), name)
    return _resolved(cwd, path)


@lru_cache(maxsize=4096)
def _resolved(cwd: str, path: str) -> str:
    return str(resolved(Path(cwd, path)))


_ENGINE_MODULES = ("core.values", "core.labels", "core.model", "core.issues", "containers.workbook",
                   "project.reader", "project.scoring", "project.checks", "project.report", "profiles")


def engine_key(profile: Profile) -> str:
    """What a cached reading depends on: the engine's source, this module's and
    the units', the rules profile, and the reading engine.  Any change → re-read."""
    import hashlib
    import importlib

    digest = hashlib.sha256()
    for name in _ENGINE_MODULES:
        module = importlib.import_module(f"xltools.{name}")
        digest.update(Path(module.__file__).read_bytes())
    for module in (sys.modules[__name__], units):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(json.dumps(profile.raw, sort_keys=True, default=str, ensure_ascii=False).encode())
    digest.update(profile.name.encode())
    return digest.hexdigest()


def _bar(total: int, enabled: bool):
    """A tqdm bar on stderr for long runs; None when quiet or not a terminal."""
    if not enabled or total < 2 or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(total=total, desc="汇总", unit="个文件", file=sys.stderr)
