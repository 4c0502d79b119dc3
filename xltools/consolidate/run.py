"""The consolidation pipeline: files → engine → project records → ledger, output
workbook, JSON.

Files are read one at a time and only their records are kept, so memory does not
grow with the number of books.  Reading, parsing, scoring and checking are the
engine's (`workbook.load_book`, `reader.read_forms`, `checks.check_form`,
`report.CheckedForm.record`); this module only decides which unit a file
belongs to and merges.
"""
from __future__ import annotations

import json
import sys
import tempfile
import zlib
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

from ..project import report
from ..core.errors import NoFormError, WorkbookError
from ..master.layout import BASE_SHEET, CHECKS_SHEET, CONF_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, SUMMARY_SHEET
from ..core.issues import Issue
from ..profiles import Profile
from ..core.values import normalize_text
from ..containers.workbook import Book, load_book
from . import merge
from . import units
from .ledger import Ledger, Submission, sha256_file

#: Key of a kept (slim) record pointing at its whole record in the spool.
SPOOL_KEY = "_spool"


class RecordSpool:
    """Whole project records kept in a temporary file while the run keeps only
    the fields the tables need (memory stays flat in the number of files)."""

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile(mode="w+b")

    def add(self, rec: dict) -> tuple[int, int]:
        data = json.dumps(rec, ensure_ascii=False).encode("utf-8")
        offset = self.fh.seek(0, 2)
        self.fh.write(data)
        return offset, len(data)

    def get(self, ref: tuple[int, int]) -> dict:
        self.fh.seek(ref[0])
        return json.loads(self.fh.read(ref[1]).decode("utf-8"))

    def close(self) -> None:
        self.fh.close()


#: Sheets xltools itself puts in a workbook; not being a form is expected of them.
_OWN_SHEETS = {BASE_SHEET, CHECKS_SHEET, CONF_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, SUMMARY_SHEET}

#: Codes this module adds to the engine's.
UNIT_NAME_DIFFERS = "unit_name_differs"
DUPLICATE_FILE = "duplicate_file"
DUPLICATE_PROJECT = "duplicate_project"
FILE_UNREADABLE = "file_unreadable"
SHEET_SKIPPED = "sheet_skipped"
DEPARTMENT_FORM = "department_form_skipped"


@dataclass
class FileEntry:
    """One input file as the consolidation saw it."""

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

    def json(self) -> dict:
        return {"path": self.path, "status": self.status, "unit": self.unit,
                "error": self.error, "has_macros": self.has_macros}

    def row(self) -> dict:
        """The dict the output's 文件状态 sheet shows."""
        return {"path": self.path, "name": Path(self.path).name, "unit": self.unit,
                "unit_source": self.unit_source, "status": self._status_word(),
                "error": self.error, "projects": len(self.records),
                "problems": self.problem_count, "has_macros": self.has_macros,
                "sha256": self.sha256, "seen_at": self.seen_at}

    def _status_word(self) -> str:
        if self.status != "ok":
            return self.status
        return "problems" if self.has_findings() else "ok"

    def has_findings(self) -> bool:
        """Any error or warning in the file (info does not count)."""
        found = [p for p in self.problems] + [i for r in self.records for i in r["issues"]]
        return any(p.get("severity") in ("error", "warning") for p in found)

    def moved_to(self, path: str) -> None:
        """The same file named another way (relative / absolute) this run."""
        old, self.path = self.path, path
        for rec in self.records:
            if rec.get("file") == old:
                rec["file"] = path
            for issue in rec.get("issues") or []:
                if issue.get("file") == old:
                    issue["file"] = path

    def to_json(self) -> bytes:
        """The entry, compressed, for the ledger's cache."""
        # Fields are plain JSON data already: no asdict() deep copy of every record.
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "seen_at"}
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 1)

    @classmethod
    def from_json(cls, blob: bytes) -> "FileEntry":
        return cls(**json.loads(zlib.decompress(blob).decode("utf-8")))

    def submission(self) -> Submission:
        probs = [Issue.from_dict(p) for p in self.problems]
        for r in self.records:
            probs += [Issue.from_dict(i, project=r.get("name") or "") for i in r["issues"]]
        return Submission(path=str(Path(self.path).resolve()), sha256=self.sha256,
                          size=self.size, unit=self.unit,
                          status="error" if self.status == "error" else self._status_word(),
                          error=self.error, has_macros=self.has_macros,
                          projects=len(self.records), problems=probs)


@dataclass
class Consolidation:
    """The result of a run: every file, the merged summary, and helpers."""

    files: list[FileEntry]
    summary: merge.Summary
    expected: list[str] = field(default_factory=list)
    spool: Optional["RecordSpool"] = None
    #: (path, why) for files found in a folder but not read
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def skipped_json(self) -> list[dict]:
        return [{"path": p, "status": "skipped", "unit": None, "error": why, "has_macros": False}
                for p, why in self.skipped]

    @property
    def records(self) -> list[dict]:
        return self.summary.records

    def problems(self) -> list[dict]:
        """Every problem, file by file, as the 问题清单 lists them: each an
        `Issue.as_dict()` with the unit and project it belongs to."""
        out: list[dict] = []
        order = {u.name: i for i, u in enumerate(self.summary.units)}
        for f in sorted(self.files, key=lambda f: (order.get(f.unit, len(order)), f.path)):
            for p in f.problems:
                out.append({**p, "unit": f.unit, "file": f.path, "project": ""})
            for r in f.records:
                for i in r["issues"]:
                    out.append({**i, "unit": f.unit, "file": f.path, "project": r.get("name") or ""})
        return out

    def full_record(self, rec: dict) -> dict:
        """The whole check record of a project (with its indicators)."""
        if self.spool is not None and SPOOL_KEY in rec:
            full = self.spool.get(rec[SPOOL_KEY])
            full["issues"] = rec["issues"]
            return full
        return {k: v for k, v in rec.items() if k != SPOOL_KEY}

    def json(self) -> dict:
        """The `--json` document (issue 4 shape), built in memory."""
        doc = merge.to_json(self.summary, [f.json() for f in self.files] + self.skipped_json())
        doc["projects"] = [self.full_record(r) for r in self.summary.records]
        return doc

    def write_json(self, fh) -> None:
        """The same document written to a text stream project by project, so
        the indicators of thousands of projects are never all in memory."""
        head = merge.to_json(self.summary, [])
        fh.write('{"department": ' + json.dumps(head["department"], ensure_ascii=False))
        fh.write(',\n "units": ' + json.dumps(head["units"], ensure_ascii=False, indent=1))
        fh.write(',\n "projects": [')
        for k, rec in enumerate(self.summary.records):
            fh.write(",\n  " if k else "\n  ")
            fh.write(json.dumps(self.full_record(rec), ensure_ascii=False, allow_nan=False))
        fh.write("\n ],\n \"files\": ")
        fh.write(json.dumps([f.json() for f in self.files] + self.skipped_json(), ensure_ascii=False,
                            indent=1, allow_nan=False))
        fh.write("}\n")

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()

    def exit_code(self) -> int:
        """0 all good, 1 problems in forms, 2 some files unreadable."""
        if any(f.status == "error" for f in self.files):
            return 2
        if any(f.has_findings() for f in self.files):
            return 1
        return 0

    def department_name(self) -> str:
        names: dict[str, int] = {}
        for r in self.records:
            if r.get("department"):
                names[r["department"]] = names.get(r["department"], 0) + 1
        return max(names, key=lambda k: (names[k], k)) if names else ""


# ------------------------------------------------------------------ files
def collect_files(paths: Iterable[str], exclude: Iterable[str | Path] = ()) -> list[report.InputFile]:
    """Every file under `paths` (the engine's one folder expansion,
    `report.list_inputs`): those to read, and those not read with why (our own
    outputs and backups, hidden and lock files, other formats)."""
    return report.list_inputs(paths, exclude)


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


def read_file(path: str, profile: Profile, engine: str = "calamine",
              sha256: Optional[str] = None) -> FileEntry:
    """Read, check and attribute one file; never raises for a bad file."""
    sha = sha256 or sha256_file(path)
    size = Path(path).stat().st_size
    try:
        book = load_book(path, engine=engine)
    except WorkbookError as exc:
        unit, source = units.resolve_unit(None, path)
        return FileEntry(path, sha, size, unit, source, "error", exc.reason,
                         has_macros=file_has_macros(path),
                         problems=[_file_problem(FILE_UNREADABLE, "error", exc.reason)])
    unit, source = units.resolve_unit(book, path)
    result = check_book(book, profile)
    entry = FileEntry(path, sha, size, unit, source, result.status, result.error,
                      has_macros=book.has_macros)
    del book
    if result.status == "error":
        entry.problems.append(_file_problem(FILE_UNREADABLE, "error", result.error or ""))
        return entry
    for sheet, reason in result.skipped:
        if sheet not in _OWN_SHEETS:
            entry.problems.append(_file_problem(
                SHEET_SKIPPED, "info", f"工作表“{sheet}”未汇总：{reason}", sheet))
    for sheet, note in result.notes:
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


def consolidate(paths: Sequence[str], profile: Profile, *, engine: str = "calamine",
                exclude: Iterable[str | Path] = (), expected: Sequence[str] = (),
                progress: bool = False, jobs: Optional[int] = None,
                spool_records: bool = False, cache: Optional[Ledger] = None) -> Consolidation:
    """Read every workbook under `paths` and merge their projects.

    jobs: processes reading files side by side (None or 1: read here, one by
    one; see `default_jobs`).
    Either way a file's book is dropped once its records are taken.
    spool_records: keep whole records in a temporary file, only what the tables
    need in memory (call `close()` on the result when done).
    cache: a ledger whose cache gives back files read before (same path, same
    content, same engine and rules) without reading them again."""
    inputs = collect_files(paths, exclude)
    files = [f.path for f in inputs if not f.skip]
    entries: list[FileEntry] = []
    by_hash: dict[str, FileEntry] = {}
    seen: dict[str, set[str]] = {}  # unit → project names met so far
    spool = RecordSpool() if spool_records else None
    for entry in _read_all(files, profile, engine, progress, jobs, cache):
        first = by_hash.get(entry.sha256)
        if first is not None:
            entry = FileEntry(entry.path, entry.sha256, entry.size, entry.unit, entry.unit_source,
                              "duplicate", f"与“{Path(first.path).name}”内容完全相同，未重复汇总",
                              has_macros=entry.has_macros)
            entry.problems.append(_file_problem(DUPLICATE_FILE, "warning", entry.error or ""))
        else:
            by_hash[entry.sha256] = entry
        _flag_repeated_projects(entry, seen.setdefault(entry.unit, set()))
        if spool is not None:
            entry.records = [_slim(rec, spool) for rec in entry.records]
        entries.append(entry)
    records = [r for e in entries for r in e.records]
    summary = merge.summarize(records, expected)
    return Consolidation(entries, summary, list(expected), spool,
                         [(f.path, f.skip) for f in inputs if f.skip])


def _flag_repeated_projects(entry: FileEntry, names: set[str]) -> None:
    """A project a unit already sent in another file: counted, and flagged."""
    for rec in entry.records:
        key = normalize_text(rec.get("name") or "")
        if key and key in names and not any(i["code"] == DUPLICATE_PROJECT for i in rec["issues"]):
            rec["issues"].append(Issue(
                DUPLICATE_PROJECT, "warning",
                f"项目“{rec.get('name')}”在“{entry.unit}”的另一个文件中也有，两处都已计入；请核对是否重复",
                file=entry.path, sheet=rec.get("sheet") or "", field="项目名称",
                value=rec.get("name")).as_dict())
    names.update(normalize_text(r.get("name") or "") for r in entry.records)


def _slim(rec: dict, spool: RecordSpool) -> dict:
    """Spool the whole record; keep everything but the indicators."""
    slim = {k: v for k, v in rec.items() if k != "indicators"}
    slim[SPOOL_KEY] = spool.add({k: v for k, v in rec.items() if k != "issues"})
    return slim


def default_jobs(n_files: int) -> int:
    """Files are read in this process unless `--jobs` asks for workers: on a
    busy two-core machine workers gained nothing measurable, and under the
    "spawn" start method (Windows, the xlwings button) they would re-import
    the caller."""
    return 1


def _read_all(files: list[str], profile: Profile, engine: str, progress: bool,
              jobs: Optional[int], cache: Optional[Ledger] = None) -> Iterator[FileEntry]:
    """FileEntries in file order: from the ledger's cache when the same file was
    read before by the same engine and rules, else read here or by workers."""
    jobs = default_jobs(len(files)) if jobs is None else max(1, min(jobs, len(files) or 1))
    key = engine_key(profile, engine) if cache is not None else ""
    bar = _bar(len(files), progress)
    try:
        shas = [sha256_file(p) for p in files]
        hit = [cache is not None and cache.has_cached(_abs(p), sha, key)
               for p, sha in zip(files, shas)]
        misses = [(p, sha) for p, sha, h in zip(files, shas, hit) if not h]
        if jobs == 1 or len(misses) < 2:
            fresh: Iterator[FileEntry] = (read_file(p, profile, engine, sha) for p, sha in misses)
            pool = None
        else:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=jobs)
            fresh = pool.map(_read_task, [(p, sha, profile, engine) for p, sha in misses],
                             chunksize=8)
        try:
            for path, sha, cached in zip(files, shas, hit):
                if cached:
                    entry = FileEntry.from_json(cache.cached(_abs(path), sha, key))
                    entry.moved_to(path)
                else:
                    entry = next(fresh)
                    if cache is not None:
                        cache.store_cached(_abs(path), sha, key, entry.to_json())
                yield entry
                bar.update(1) if bar else None
        finally:
            if pool is not None:
                pool.shutdown()
    finally:
        if bar:
            bar.close()


def _read_task(task: tuple) -> FileEntry:
    """`read_file` in a worker process."""
    path, sha, profile, engine = task
    return read_file(path, profile, engine, sha)


def _abs(path: str) -> str:
    return str(Path(path).resolve())


_ENGINE_MODULES = ("core.values", "core.labels", "core.model", "core.issues", "containers.workbook",
                   "project.reader", "project.scoring", "project.checks", "project.report", "profiles")


def engine_key(profile: Profile, engine: str) -> str:
    """What a cached reading depends on: the engine's source, this module's and
    the units', the rules profile, and the reading engine.  Any change → re-read."""
    import hashlib
    import importlib

    digest = hashlib.sha256(engine.encode())
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


# ------------------------------------------------------------------ ledger
def record_in_ledger(result: Consolidation, ledger: Ledger) -> None:
    """Record the run; give each file its first-seen time from the ledger."""
    subs = [f.submission() for f in result.files if f.status != "duplicate"]
    run = ledger.record_run(subs)
    seen = {row.id: row.seen_at for row in ledger.rows(current_only=False)}
    for f in result.files:
        key = str(Path(f.path).resolve())
        if key in run.ids:
            f.seen_at = seen.get(run.ids[key], "")
    if result.expected:
        ledger.add_expected(result.expected, "master")
