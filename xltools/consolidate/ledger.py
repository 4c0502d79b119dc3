"""The submission ledger: every file a consolidation has seen, in one SQLite file.

Tables
------
- ``files``: one row per distinct submission — a file's content (sha256) from a
  unit.  Path, size, unit, first-seen time (UTC), status (ok / problems / error),
  the Chinese error reason, whether it carries macros, project and problem counts,
  and ``current``: 1 for the unit's submission(s) in force, 0 for a version a
  later file of the same unit superseded (``superseded_by``, ``superseded_at``).
- ``problems``: the problems found in each submission (code, severity, sheet,
  cell, project, message).
- ``expected_units``: units a 基础信息 sheet says should report.
- ``cache``: what reading a file gave (its records, compressed), keyed on its
  path, content and the engine + rules that read it, so an unchanged file is
  not read again; rows for other engine keys are dropped when a file is re-read.
- ``outputs``: the last output workbook written (its sha256 and a digest of its
  content), so an unchanged run does not rewrite it.

Running twice on an unchanged folder changes nothing: a row is keyed on
(sha256, unit), the first-seen time is kept, and supersession only moves when the
set of a unit's files changes.  History is never deleted.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

from ..core.issues import Issue

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    id              INTEGER PRIMARY KEY,
    path            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    sha256          TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    unit            TEXT    NOT NULL,
    seen_at         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('ok', 'problems', 'error')),
    error           TEXT,
    has_macros      INTEGER NOT NULL DEFAULT 0,
    projects        INTEGER NOT NULL DEFAULT 0,
    problem_count   INTEGER NOT NULL DEFAULT 0,
    problems_digest TEXT    NOT NULL DEFAULT '',
    current         INTEGER NOT NULL DEFAULT 1,
    superseded_by   INTEGER REFERENCES files(id),
    superseded_at   TEXT,
    UNIQUE (sha256, unit)
);
CREATE INDEX IF NOT EXISTS files_unit ON files(unit, current);
CREATE TABLE IF NOT EXISTS problems (
    id        INTEGER PRIMARY KEY,
    file_id   INTEGER NOT NULL REFERENCES files(id),
    code      TEXT NOT NULL,
    severity  TEXT NOT NULL,
    sheet     TEXT NOT NULL DEFAULT '',
    cell      TEXT NOT NULL DEFAULT '',
    project   TEXT NOT NULL DEFAULT '',
    message   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS problems_file ON problems(file_id);
CREATE TABLE IF NOT EXISTS expected_units (
    unit     TEXT PRIMARY KEY,
    source   TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cache (
    path       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    engine_key TEXT NOT NULL,
    entry      BLOB NOT NULL,
    PRIMARY KEY (path, sha256, engine_key)
);
CREATE TABLE IF NOT EXISTS outputs (
    path       TEXT PRIMARY KEY,
    sha256     TEXT NOT NULL,
    digest     TEXT NOT NULL,
    written_at TEXT NOT NULL
);
"""


def sha256_file(path: str | os.PathLike) -> str:
    """The file's SHA-256 in hex (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def default_ledger_path(output: str | os.PathLike) -> Path:
    """`<output stem>.ledger.sqlite` beside the output workbook."""
    out = Path(output)
    return out.with_name(f"{out.stem}.ledger.sqlite")


@dataclass
class Submission:
    """What a consolidation learnt about one file."""

    path: str
    sha256: str
    size: int
    unit: str
    status: str  # "ok" | "problems" | "error"
    error: Optional[str] = None
    has_macros: bool = False
    projects: int = 0
    problems: list[Issue] = field(default_factory=list)

    def problems_digest(self) -> str:
        rows = sorted(p.key() for p in self.problems)
        return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class Row:
    """A row of the ``files`` table."""

    id: int
    path: str
    name: str
    sha256: str
    size: int
    unit: str
    seen_at: str
    status: str
    error: Optional[str]
    has_macros: bool
    projects: int
    problem_count: int
    current: bool
    superseded_by: Optional[int]
    superseded_at: Optional[str]


@dataclass
class RunResult:
    """What `record_run` changed: ids of the run's rows, which of them are new,
    and the ids it marked superseded."""

    ids: dict[str, int] = field(default_factory=dict)  # path → files.id
    new: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    revived: int = 0  # older versions made current again (a unit re-sent an old file)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.superseded or self.revived)


_ROW_COLUMNS = ("id, path, name, sha256, size, unit, seen_at, status, error, has_macros, "
                "projects, problem_count, current, superseded_by, superseded_at")


class Ledger:
    """The ledger file.  Use as a context manager, or call `close()`."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path))
        self.db.execute("PRAGMA foreign_keys = ON")
        with self.db:
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)",
                            (SCHEMA_VERSION,))

    # ------------------------------------------------------------------ context
    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ writing
    def record_run(self, submissions: Iterable[Submission], now: Optional[str] = None) -> RunResult:
        """Record the files of one consolidation run in one transaction.

        A file already known (same content, same unit) keeps its row; its problems
        are replaced only when they differ (the rules changed).  Afterwards, for
        every unit in the run, the run's files are that unit's current
        submissions and any other current row of the unit is superseded by the
        newest of them.
        """
        now = now or now_utc()
        result = RunResult()
        by_unit: dict[str, list[int]] = {}
        with self.db:
            for sub in submissions:
                row = self.db.execute(
                    "SELECT id, problems_digest FROM files WHERE sha256 = ? AND unit = ?",
                    (sub.sha256, sub.unit)).fetchone()
                digest = sub.problems_digest()
                if row is None:
                    cur = self.db.execute(
                        "INSERT INTO files (path, name, sha256, size, unit, seen_at, status, error,"
                        " has_macros, projects, problem_count, problems_digest, current)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                        (str(sub.path), Path(sub.path).name, sub.sha256, sub.size, sub.unit, now,
                         sub.status, sub.error, int(sub.has_macros), sub.projects,
                         len(sub.problems), digest))
                    file_id = int(cur.lastrowid)
                    result.new.append(file_id)
                    self._insert_problems(file_id, sub.problems)
                else:
                    file_id = int(row[0])
                    if row[1] != digest:  # same file, different findings: rules changed
                        self.db.execute("DELETE FROM problems WHERE file_id = ?", (file_id,))
                        self._insert_problems(file_id, sub.problems)
                        self.db.execute(
                            "UPDATE files SET status = ?, error = ?, projects = ?,"
                            " problem_count = ?, problems_digest = ? WHERE id = ?",
                            (sub.status, sub.error, sub.projects, len(sub.problems), digest,
                             file_id))
                result.ids[str(sub.path)] = file_id
                by_unit.setdefault(sub.unit, []).append(file_id)

            for unit, ids in by_unit.items():
                newest = max(ids)
                marks = ",".join("?" * len(ids))
                revived = self.db.execute(
                    f"UPDATE files SET current = 1, superseded_by = NULL, superseded_at = NULL"
                    f" WHERE id IN ({marks}) AND current = 0", ids).rowcount
                stale = [r[0] for r in self.db.execute(
                    f"SELECT id FROM files WHERE unit = ? AND current = 1 AND id NOT IN ({marks})",
                    [unit, *ids])]
                for old in stale:
                    self.db.execute(
                        "UPDATE files SET current = 0, superseded_by = ?, superseded_at = ?"
                        " WHERE id = ?", (newest, now, old))
                result.superseded.extend(stale)
                result.revived += revived
        return result

    def _insert_problems(self, file_id: int, problems: list[Issue]) -> None:
        self.db.executemany(
            "INSERT INTO problems (file_id, code, severity, sheet, cell, project, message)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(file_id, p.code, p.severity, p.sheet or "", p.cell or "", p.project or "",
              p.message or "") for p in problems])

    def add_expected(self, units: Iterable[str], source: str, now: Optional[str] = None) -> int:
        """Remember units a 基础信息 sheet expects; return how many were new."""
        now = now or now_utc()
        added = 0
        with self.db:
            for unit in units:
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO expected_units (unit, source, added_at) VALUES (?, ?, ?)",
                    (unit, str(source), now))
                added += cur.rowcount
        return added

    def output_state(self, path: str | os.PathLike) -> Optional[tuple[str, str]]:
        """(sha256, content digest) of the output last written at `path`."""
        row = self.db.execute("SELECT sha256, digest FROM outputs WHERE path = ?",
                              (str(Path(path).resolve()),)).fetchone()
        return (row[0], row[1]) if row else None

    def set_output(self, path: str | os.PathLike, sha256: str, digest: str,
                   now: Optional[str] = None) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO outputs (path, sha256, digest, written_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256,"
                " digest = excluded.digest, written_at = excluded.written_at",
                (str(Path(path).resolve()), sha256, digest, now or now_utc()))

    # ------------------------------------------------------------------ cache
    def has_cached(self, path: str, sha256: str, key: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM cache WHERE path = ? AND sha256 = ? AND engine_key = ?",
            (path, sha256, key)).fetchone() is not None

    def cached(self, path: str, sha256: str, key: str) -> bytes:
        return self.db.execute(
            "SELECT entry FROM cache WHERE path = ? AND sha256 = ? AND engine_key = ?",
            (path, sha256, key)).fetchone()[0]

    def store_cached(self, path: str, sha256: str, key: str, entry: bytes) -> None:
        """Remember a reading; older readings of this path are dropped.  Not
        committed here: the run's `record_run` commits it with the rest."""
        self.db.execute("DELETE FROM cache WHERE path = ?", (path,))
        self.db.execute("INSERT INTO cache (path, sha256, engine_key, entry) VALUES (?, ?, ?, ?)",
                        (path, sha256, key, entry))

    # ------------------------------------------------------------------ reading
    def rows(self, current_only: bool = True) -> list[Row]:
        sql = f"SELECT {_ROW_COLUMNS} FROM files"
        if current_only:
            sql += " WHERE current = 1"
        sql += " ORDER BY unit, id"
        return [_row(r) for r in self.db.execute(sql)]

    def problems(self, file_id: int) -> list[Issue]:
        return [Issue(code, severity, message, sheet=sheet, cell=cell, project=project)
                for code, severity, sheet, cell, project, message in self.db.execute(
            "SELECT code, severity, sheet, cell, project, message FROM problems"
            " WHERE file_id = ? ORDER BY id", (file_id,))]

    def expected(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT unit FROM expected_units ORDER BY rowid")]

    def counts(self) -> dict[str, int]:
        """Rows per table (tests use it to prove a re-run added nothing)."""
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("files", "problems", "expected_units", "outputs", "cache")}

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table (tests compare two dumps)."""
        return {t: list(self.db.execute(f"SELECT * FROM {t} ORDER BY 1"))
                for t in ("files", "problems", "expected_units", "outputs", "cache", "meta")}


def _row(r: tuple) -> Row:
    return Row(id=r[0], path=r[1], name=r[2], sha256=r[3], size=r[4], unit=r[5], seen_at=r[6],
               status=r[7], error=r[8], has_macros=bool(r[9]), projects=r[10],
               problem_count=r[11], current=bool(r[12]), superseded_by=r[13],
               superseded_at=r[14])
