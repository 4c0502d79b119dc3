"""One consolidation job, shared by `xltools consolidate` and the master's
汇总下级报送 button: read the submissions, write the output workbook (and
JSON), record the run in the ledger — all or nothing.

- Where the results go is checked before anything is read: a folder that
  cannot be written, a path that is a folder, a name too long → OutputError
  with a Chinese message naming the path and what to do.
- The ledger is opened (refused when it is not a ledger) and its write lock
  taken for the run (another run holding it is waited for, visibly); the
  ledger's changes are committed only once every output is written, so a run
  that fails (disk full …) leaves the ledger as it was, and the old output
  and its backup intact.
- Nothing changed since the last run (same files, same rules, same code) →
  nothing is read or written: the stored report is shown again.
"""
from __future__ import annotations

import filecmp
import hashlib
import json

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..core.errors import LedgerError, OutputError
from ..core.fileio import atomic_write, check_writable, describe_write_error
from ..profiles import Profile
from . import output as out_mod
from ..core.fileio import sha256 as file_sha256
from .ledger import Ledger, default_ledger_path, now_utc
from .run import Consolidation, Input, RunReport, consolidate, engine_key, hash_inputs, plan_inputs

#: Run digests say which code and which inputs made an output.
_DIGEST_VERSION = "2"


@dataclass
class Job:
    """What a job did.  `result` (None when nothing had changed) is closed by
    `close()` (its spool); `report` is what the terminal shows."""

    result: Optional[Consolidation]
    data: Optional[out_mod.OutputData]
    output: Path
    ledger: Path
    report: Optional[RunReport] = None
    output_written: bool = False
    json_written: bool = False
    unchanged: bool = False

    @property
    def found(self) -> bool:
        """Any input at all."""
        return self.report is not None

    def close(self) -> None:
        if self.result is not None:
            self.result.close()


def run_job(paths: Sequence[str], profile: Profile, output: str | Path, *,
            ledger: Optional[str | Path] = None, json_path: Optional[str | Path] = None,
            expected: Sequence[str] = (), department: str = "",
            progress: bool = False, jobs: Optional[int] = None,
            exclude: Sequence[Optional[str | Path]] = (), use_cache: bool = True,
            need_data: bool = True) -> Job:
    """Consolidate `paths` into `output`; returns the Job (call `close()`).

    use_cache: files read before (same path, content, engine and rules) come
    from the ledger instead of being read again, and a run whose inputs all
    equal the last run's writes nothing.
    need_data: `job.data` is wanted (the master's block), so the run is made
    even when nothing changed.
    With no workbook found, `report` and `data` are None and nothing is written.
    Raises OutputError / LedgerError (Chinese, naming the path)."""
    output = Path(output)
    ledger_path = Path(ledger) if ledger else default_ledger_path(output)
    for target in (output, json_path, ledger_path):
        if target:
            _writable(Path(target))
    skip = [p for p in (output, ledger_path, json_path, *exclude) if p]
    items = plan_inputs(paths, skip)
    if not items:
        return Job(None, None, output, ledger_path)
    hash_inputs(items)
    digest = run_digest(items, profile, expected, department)
    try:
        with Ledger(ledger_path) as book:
            if use_cache and not need_data:
                report = _unchanged(book, output, json_path, digest)
                if report is not None:
                    return Job(None, None, output, ledger_path, report, unchanged=True)
            return _run(items, book, profile, output, ledger_path, json_path, digest, expected,
                        department, progress, jobs, use_cache)
    except sqlite3.DatabaseError as exc:  # the ledger failed under us (disk full …)
        raise LedgerError(Ledger.describe(ledger_path, exc)) from None


def _run(items: list[Input], book: Ledger, profile: Profile, output: Path, ledger_path: Path,
         json_path, digest: str, expected, department, progress, jobs,
         use_cache: bool) -> Job:
    now = now_utc()
    book.begin()
    result = None
    try:
        result = consolidate([], profile, expected=expected, progress=progress,
                             jobs=jobs, cache=book if use_cache else None, record=True,
                             inputs=items, now=now)
        items.clear()  # read: the outputs come from the spool (there may be 10⁵ files)
        data = out_mod.OutputData(result, profile, department=department)
        report = result.report
        job = Job(result, data, output, ledger_path, report)
        job.output_written = _write_output(output, data, digest, book, report)
        if json_path:
            job.json_written = _write_json(Path(json_path), result, digest, book)
        book.set_meta("last_run", digest)
        book.commit()
        return job
    except BaseException:
        book.rollback()
        if result is not None:
            result.close()
        raise


def _writable(path: Path) -> None:
    try:
        check_writable(path)
    except OSError as exc:
        raise OutputError(describe_write_error(exc, path)) from None


def run_digest(items: Sequence[Input], profile: Profile,
               expected: Sequence[str], department: str) -> str:
    """Everything a run's outputs are made from: each input (as shown, and its
    content), the engine and rules (`engine_key`), the output's code and
    settings, the expected units, the department."""
    h = hashlib.sha256(_DIGEST_VERSION.encode())
    h.update(engine_key(profile).encode())
    h.update(out_mod.output_key().encode())
    h.update(json.dumps([list(expected), department], ensure_ascii=False).encode())
    for item in items:
        h.update(f"\0{item.kind}\0{item.shown}\0{item.sha256}".encode("utf-8"))
    return h.hexdigest()


def _unchanged(book: Ledger, output: Path, json_path, digest: str) -> Optional[RunReport]:
    """The stored report when the last run had exactly these inputs and its
    outputs are still there untouched; else None."""
    if book.meta("last_run") != digest:
        return None
    report = book.output_report(output)
    if not report or not _same(book, output, digest):
        return None
    if json_path and not _same(book, Path(json_path), digest):
        return None
    return RunReport.from_json(report)


def _same(book: Ledger, path: Path, digest: str) -> bool:
    state = book.output_state(path)
    return bool(state) and path.exists() and state == (file_sha256(path), digest)


def _write_output(path: Path, data: out_mod.OutputData, digest: str, book: Ledger,
                  report: RunReport) -> bool:
    """Write the output workbook unless the same content is already there (an
    unchanged folder leaves the file untouched).  Returns True when written."""
    if _same(book, path, digest):
        book.set_output(path, file_sha256(path), digest, report=report.to_json())
        return False
    try:
        with atomic_write(path) as tmp:
            out_mod.write_workbook(tmp, data)
    except OSError as exc:
        raise OutputError(describe_write_error(exc, path)) from None
    book.set_output(path, file_sha256(path), digest, report=report.to_json())
    return True


class _Unchanged(Exception):
    pass


def _write_json(path: Path, result: Consolidation, digest: str, book: Ledger) -> bool:
    """Write the JSON atomically (an existing file backed up) unless it already
    holds exactly the same bytes.  Returns True when written."""
    written = True
    try:
        with atomic_write(path) as tmp:
            with open(tmp, "w", encoding="utf-8") as fh:
                result.write_json(fh)
            if path.exists() and filecmp.cmp(tmp, path, shallow=False):
                raise _Unchanged
    except _Unchanged:
        written = False
    except OSError as exc:
        raise OutputError(describe_write_error(exc, path)) from None
    book.set_output(path, file_sha256(path), digest)
    return written
