"""One consolidation job, shared by `xltools consolidate` and the master's
汇总下级报送 button: read the submissions, record them in the ledger, write the
output workbook (and JSON) — each only when its content changed."""
from __future__ import annotations

import filecmp
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..core.fileio import atomic_write
from ..profiles import Profile
from . import output as out_mod
from .ledger import Ledger, default_ledger_path, sha256_file
from .run import Consolidation, consolidate, record_in_ledger


@dataclass
class Job:
    """What a job did.  `result` is closed by `close()` (its spooled records)."""

    result: Consolidation
    data: Optional[out_mod.OutputData]
    output: Path
    ledger: Path
    output_written: bool = False
    json_written: bool = False

    def close(self) -> None:
        self.result.close()


def run_job(paths: Sequence[str], profile: Profile, output: str | Path, *,
            ledger: Optional[str | Path] = None, json_path: Optional[str | Path] = None,
            expected: Sequence[str] = (), department: str = "", engine: str = "calamine",
            progress: bool = False, jobs: Optional[int] = None,
            exclude: Sequence[Optional[str | Path]] = (), use_cache: bool = True) -> Job:
    """Consolidate `paths` into `output`; returns the Job (call `close()`).
    use_cache: files read before (same path, content, engine and rules) come
    from the ledger instead of being read again.
    With no workbook found, `data` is None and nothing is written."""
    output = Path(output)
    ledger_path = Path(ledger) if ledger else default_ledger_path(output)
    skip = [p for p in (output, ledger_path, json_path, *exclude) if p]
    with Ledger(ledger_path) as book:
        result = consolidate(paths, profile, engine=engine, exclude=skip, expected=expected,
                             progress=progress, jobs=jobs, spool_records=True,
                             cache=book if use_cache else None)
        job = Job(result, None, output, ledger_path)
        if not result.files:
            return job
        record_in_ledger(result, book)
        job.data = out_mod.OutputData(
            summary=result.summary, files=[f.row() for f in result.files] + [
                {"path": p, "name": Path(p).name, "unit": "", "unit_source": "", "status": "skipped",
                 "error": why, "projects": 0, "problems": 0, "has_macros": False, "sha256": "",
                 "seen_at": ""} for p, why in result.skipped],
            problems=result.problems(), budget_weight=profile.budget_weight,
            rate_cap=profile.rate_cap, grades=profile.grades,
            department=department or result.department_name())
        job.output_written = write_output_once(output, job.data, book)
    if json_path:
        job.json_written = write_json_once(json_path, result)
    return job


def write_output_once(path: Path, data: out_mod.OutputData, ledger: Ledger) -> bool:
    """Write the output workbook unless the same content is already there (an
    unchanged folder leaves the file untouched).  Returns True when written."""
    digest = data.digest()
    state = ledger.output_state(path)
    if state and path.exists() and state == (sha256_file(path), digest):
        return False
    wb = out_mod.build_workbook(data)
    out_mod.save_workbook(wb, path)
    ledger.set_output(path, sha256_file(path), digest)
    return True


class _Unchanged(Exception):
    pass


def write_json_once(path: str | Path, result: Consolidation) -> bool:
    """Write the JSON atomically (an existing file backed up) unless it already
    holds exactly the same bytes.  Returns True when written."""
    target = Path(path)
    try:
        with atomic_write(target) as tmp:
            with open(tmp, "w", encoding="utf-8") as fh:
                result.write_json(fh)
            if target.exists() and filecmp.cmp(tmp, target, shallow=False):
                raise _Unchanged
    except _Unchanged:
        return False
    return True
