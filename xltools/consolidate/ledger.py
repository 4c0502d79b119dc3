"""The submission ledger: every file a consolidation has seen, in one SQLite file.

Tables
------
- ``files``: one row per distinct submission — a file's content (sha256) from a
  unit.  Path, size, unit, first-seen time (UTC; shown in local time), status
  (ok / problems / error), the Chinese error reason, whether it carries macros,
  project and problem counts, and ``current``: 1 for the unit's submission(s)
  in force, 0 for a version a later file of the same unit superseded
  (``superseded_by``, ``superseded_at``) or a file that is no longer where it
  was (``gone_at``); a file found under another name keeps its row, with the
  new path and ``renamed_from``.
- ``problems``: the problems found in each submission (code, severity, sheet,
  cell, project, message).
- ``expected_units``: units a 基础信息 sheet says should report.
- ``cache``: what reading a file gave (its records, compressed), keyed on its
  path, content and the engine + rules that read it, so an unchanged file is
  not read again; rows for other engine keys are dropped when a file is re-read.
- ``outputs``: the last output workbook and JSON written (their sha256, a
  digest of everything they were made from, and the terminal report of that
  run), so an unchanged run rewrites nothing and reads nothing.
- ``meta``: what the file is (``application``), the schema version, the
  digest of the last run recorded.

A file that is not a ledger — not SQLite, damaged, or another program's
database — is refused with a Chinese reason and never written to.  A run holds
the ledger's write lock from its first file to its last output; another run
waits for it (saying so on stderr) up to `LOCK_WAIT` seconds.

Running twice on an unchanged folder changes nothing: a row is keyed on
(sha256, unit), the first-seen time is kept, and supersession only moves when the
set of a unit's files changes.  History is never deleted.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..core.errors import LedgerError
from ..core.fileio import resolved
from ..core.issues import Issue

SCHEMA_VERSION = "2"
APPLICATION = "xltools 报送台账"

#: Problem rows a run holds back and writes at once.
PROBLEM_BATCH = 4096
#: Seconds a run waits for another run holding the ledger, then gives up.
LOCK_WAIT = 120.0
#: Seconds between two tries while waiting.
LOCK_POLL = 0.5

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
    gone_at         TEXT,
    renamed_from    TEXT,
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
    written_at TEXT NOT NULL,
    report     TEXT
);
"""

#: Columns schema 1 lacked: (table, column, declaration).
_ADDED_COLUMNS = (("files", "gone_at", "TEXT"), ("files", "renamed_from", "TEXT"),
                  ("outputs", "report", "TEXT"))
_OUR_TABLES = {"meta", "files", "problems", "expected_units", "cache", "outputs"}
_SQLITE_MAGIC = b"SQLite format 3\x00"


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def local_time(iso: Optional[str], seconds: bool = False) -> str:
    """A UTC ISO time from the ledger in the clerk's local time,
    `YYYY-mm-dd HH:MM` (with `:SS`)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def zone_label() -> str:
    """The clerk's time zone as a heading says it: 本地时间 UTC+08:00."""
    offset = datetime.now().astimezone().strftime("%z") or "+0000"
    return f"本地时间 UTC{offset[:3]}:{offset[3:]}"


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
    #: The problems' `Issue.key()`s, when given instead of `problems` (a run
    #: records each file's problems without making an Issue of each).
    keys: Optional[list[tuple]] = None

    def problem_keys(self) -> list[tuple]:
        """(code, severity, sheet, cell, project, message) of each problem."""
        return self.keys if self.keys is not None else [p.key() for p in self.problems]

    def problems_digest(self) -> str:
        rows = sorted(self.problem_keys())
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
    gone_at: Optional[str] = None
    renamed_from: Optional[str] = None


@dataclass
class RunResult:
    """What `record_run` changed: ids of the run's rows, which of them are new,
    and the ids it marked superseded or gone."""

    ids: dict[str, int] = field(default_factory=dict)  # path → files.id
    new: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)
    revived: int = 0  # older versions made current again (a unit re-sent an old file)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.superseded or self.revived or self.gone)


_ROW_COLUMNS = ("id, path, name, sha256, size, unit, seen_at, status, error, has_macros, "
                "projects, problem_count, current, superseded_by, superseded_at, gone_at, "
                "renamed_from")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Ledger:
    """The ledger file.  Use as a context manager, or call `close()`.

    readonly: only read (`xltools ledger`): the file must exist and is never
    created, migrated or written.  Raises LedgerError when the file is not a
    ledger of ours (nothing written to it)."""

    def __init__(self, path: str | os.PathLike, *, readonly: bool = False,
                 notify: Callable[[str], None] = _say):
        self.path = Path(path)
        self.readonly = readonly
        self.notify = notify
        self.db: Optional[sqlite3.Connection] = None
        self._check_file()
        try:
            if readonly:
                uri = resolved(self.path).as_uri() + "?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=10)
            self.db.execute("PRAGMA foreign_keys = ON")
            tables = self._tables()
            if tables:
                self._check_ours(tables)
                self._check_intact()
            if not readonly and (not tables or self._needs_migration()):
                with self.transaction():
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            self.db.execute(statement)
                    self._migrate()
            self.columns = {r[1] for r in self.db.execute("PRAGMA table_info(files)")}
        except sqlite3.DatabaseError as exc:
            self.close()
            raise self._damaged(exc) from None
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ checks
    def _check_file(self) -> None:
        if self.path.is_dir():
            raise LedgerError(f"报送台账 {self.path} 是一个文件夹，不是台账文件。"
                              "请用 --ledger 指定一个文件，例如 整体支出汇总.ledger.sqlite")
        if not self.path.exists():
            if self.readonly:
                raise LedgerError(f"找不到报送台账：{self.path}（先运行 xltools consolidate）")
            return
        with open(self.path, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head and head != _SQLITE_MAGIC:
            raise LedgerError(f"{self.path} 不是报送台账（不是 SQLite 数据库文件），未作任何改动。"
                              "请用 --ledger 指定另一个文件名，或把这个文件移走后再运行")

    def _tables(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def _check_ours(self, tables: set[str]) -> None:
        foreign = LedgerError(
            f"{self.path} 是其他程序的数据库，不是 xltools 的报送台账；为免破坏它，未作任何改动。"
            "请用 --ledger 指定另一个文件名")
        if not {"meta", "files", "problems"} <= tables:
            raise foreign
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(files)")}
        ours = meta.get("application") == APPLICATION or (
            meta.get("schema") == "1" and {"sha256", "unit", "superseded_by"} <= columns)
        if not ours:
            raise foreign

    def _check_intact(self) -> None:
        result = self.db.execute("PRAGMA quick_check(1)").fetchone()
        if not result or result[0] != "ok":
            raise self._damaged(result[0] if result else "")

    def _damaged(self, detail: object) -> LedgerError:
        return LedgerError(Ledger.describe(self.path, detail))

    @staticmethod
    def describe(path: str | os.PathLike, detail: object) -> str:
        """A Chinese sentence for a ledger SQLite refused to use or write."""
        text = str(detail)
        if "locked" in text or "busy" in text:
            return (f"报送台账 {path} 正被另一次汇总使用，暂时无法读写；请等它结束后再运行")
        if "full" in text.lower():
            return (f"无法写入报送台账 {path}：磁盘空间已满。请腾出空间后再运行；台账未改动")
        if "readonly" in text or "read-only" in text:
            return (f"无法写入报送台账 {path}：文件或文件夹是只读的。请用 --ledger 指定可写的位置")
        if "unable to open" in text:
            return (f"无法打开报送台账 {path}：文件夹不存在或不可写。请用 --ledger 指定可写的位置")
        return (f"报送台账 {path} 已损坏或不完整（{text or '无法读取'}），未作任何改动。"
                "请从备份恢复，或用 --ledger 指定一个新的台账文件（新台账从头记录）")

    def _needs_migration(self) -> bool:
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        return meta.get("schema") != SCHEMA_VERSION or meta.get("application") != APPLICATION

    def _migrate(self) -> None:
        """Schema 1 → 2: columns added, our name written; nothing removed."""
        for table, column, decl in _ADDED_COLUMNS:
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)",
                        (SCHEMA_VERSION,))
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('application', ?)",
                        (APPLICATION,))

    # ------------------------------------------------------------------ context
    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.__dict__.pop("_problem_rows", None)
        if self.db is not None:
            if self.db.in_transaction:
                self.db.rollback()
            self.db.close()
            self.db = None

    # ------------------------------------------------------------------ transactions
    def begin(self, wait: Optional[float] = None) -> None:
        """Take the ledger's write lock (BEGIN IMMEDIATE).  While another run
        holds it, say so once and keep trying up to `wait` (LOCK_WAIT)
        seconds; then raise LedgerError."""
        wait = LOCK_WAIT if wait is None else wait
        deadline = time.monotonic() + wait
        told = False
        self.db.execute("PRAGMA busy_timeout = 200")
        try:
            while True:
                try:
                    self.db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise self._damaged(exc) from None
                    if time.monotonic() >= deadline:
                        raise LedgerError(
                            f"报送台账 {self.path} 被另一次汇总占用，已等待 {wait:g} 秒仍未释放。"
                            "请等另一次汇总结束后再运行（或用 --ledger 指定另一个台账）") from None
                    if not told:
                        self.notify(f"报送台账 {self.path} 正被另一次汇总使用，等待它结束"
                                    f"（最多 {wait:g} 秒）……")
                        told = True
                    time.sleep(LOCK_POLL)
        finally:
            self.db.execute("PRAGMA busy_timeout = 10000")

    def commit(self) -> None:
        try:
            self._flush()
            if self.db.in_transaction:
                self.db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None

    def rollback(self) -> None:
        self.__dict__.pop("_problem_rows", None)
        if self.db is not None and self.db.in_transaction:
            self.db.execute("ROLLBACK")

    class _Transaction:
        def __init__(self, ledger: "Ledger") -> None:
            self.ledger = ledger
            self.own = False

        def __enter__(self) -> None:
            if not self.ledger.db.in_transaction:
                self.ledger.begin()
                self.own = True

        def __exit__(self, kind, exc, tb) -> None:
            if not self.own:
                return
            if kind is None:
                self.ledger.commit()
            else:
                self.ledger.rollback()

    def transaction(self) -> "Ledger._Transaction":
        """A write transaction (joined when one is already open)."""
        return Ledger._Transaction(self)

    # ------------------------------------------------------------------ writing
    def record_file(self, sub: Submission, now: str, result: Optional[RunResult] = None,
                    in_run: bool = False) -> tuple[int, str]:
        """Record one file of a run (inside a transaction): its row is keyed on
        (sha256, unit); a known file keeps its row and first-seen time, its
        problems replaced only when they differ (the rules changed), its path
        moved when the file was renamed.  Returns (row id, first-seen time)."""
        row = self.db.execute(
            "SELECT id, problems_digest, seen_at, path FROM files WHERE sha256 = ? AND unit = ?",
            (sub.sha256, sub.unit)).fetchone()
        keys = sub.problem_keys()
        digest = sub.problems_digest()
        path = str(sub.path)
        if row is None:
            cur = self.db.execute(
                "INSERT INTO files (path, name, sha256, size, unit, seen_at, status, error,"
                " has_macros, projects, problem_count, problems_digest, current)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                (path, Path(path).name, sub.sha256, sub.size, sub.unit, now,
                 sub.status, sub.error, int(sub.has_macros), sub.projects,
                 len(keys), digest))
            file_id, seen = int(cur.lastrowid), now
            if result is not None:
                result.new.append(file_id)
            self._insert_problems(file_id, keys)
        else:
            file_id, seen = int(row[0]), row[2]
            if row[1] != digest:  # same file, different findings: rules changed
                self._flush()
                self.db.execute("DELETE FROM problems WHERE file_id = ?", (file_id,))
                self._insert_problems(file_id, keys)
                self.db.execute(
                    "UPDATE files SET status = ?, error = ?, projects = ?,"
                    " problem_count = ?, problems_digest = ? WHERE id = ?",
                    (sub.status, sub.error, sub.projects, len(keys), digest, file_id))
            if row[3] != path and not os.path.exists(row[3]):  # renamed (or moved)
                self.db.execute(
                    "UPDATE files SET path = ?, name = ?, renamed_from = ?, gone_at = NULL"
                    " WHERE id = ?", (path, Path(path).name, row[3], file_id))
        if result is not None:
            result.ids[path] = file_id
        if in_run:  # remembered on disk for finish_run (there may be 10⁵ files)
            self._run_table()
            self._run_rows.append((file_id, sub.unit))
            if len(self._run_rows) >= 512:
                self._flush_run_rows()
        return file_id, seen

    def _run_table(self) -> None:
        if not getattr(self, "_run_made", False):
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS run_files (id INTEGER, unit TEXT)")
            self.db.execute("DELETE FROM temp.run_files")
            self._run_made = True
            self._run_rows: list[tuple[int, str]] = []

    def _flush_run_rows(self) -> None:
        rows = getattr(self, "_run_rows", None)
        if rows:
            self.db.executemany("INSERT INTO temp.run_files (id, unit) VALUES (?, ?)", rows)
            rows.clear()

    def finish_run(self, by_unit: Optional[dict[str, list[int]]], now: str,
                   result: Optional[RunResult] = None) -> RunResult:
        """After the run's files: for every unit in the run, its files are the
        unit's current submissions and any other current row of the unit is
        superseded by the newest of them; a current row of any unit whose file
        is no longer on disk is marked gone (no longer current).
        by_unit None: the files `record_file(…, in_run=True)` recorded (worked
        out in SQL: nothing per file or per unit is held in memory)."""
        result = result or RunResult()
        self._flush()
        if by_unit is None:
            self._finish_recorded(now, result)
            return result
        in_run = set()
        for unit, ids in by_unit.items():
            in_run.update(ids)
            newest = max(ids)
            marks = ",".join("?" * len(ids))
            revived = self.db.execute(
                f"UPDATE files SET current = 1, superseded_by = NULL, superseded_at = NULL,"
                f" gone_at = NULL WHERE id IN ({marks}) AND current = 0", ids).rowcount
            stale = [r[0] for r in self.db.execute(
                f"SELECT id FROM files WHERE unit = ? AND current = 1 AND id NOT IN ({marks})",
                [unit, *ids])]
            for old in stale:
                self.db.execute(
                    "UPDATE files SET current = 0, superseded_by = ?, superseded_at = ?"
                    " WHERE id = ?", (newest, now, old))
            result.superseded.extend(stale)
            result.revived += revived
        for file_id, path in list(self.db.execute("SELECT id, path FROM files WHERE current = 1")):
            if file_id not in in_run and not os.path.exists(path):
                self.db.execute("UPDATE files SET current = 0, gone_at = ? WHERE id = ?",
                                (now, file_id))
                result.gone.append(file_id)
        return result

    def _finish_recorded(self, now: str, result: RunResult) -> None:
        """`finish_run` of the files recorded in temp.run_files."""
        self._run_table()
        self._flush_run_rows()
        self._run_made = False
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS run_units"
                   " (unit TEXT PRIMARY KEY, newest INTEGER, first INTEGER)")
        db.execute("DELETE FROM temp.run_units")
        db.execute("INSERT INTO temp.run_units (unit, newest, first)"
                   " SELECT unit, MAX(id), MIN(rowid) FROM temp.run_files GROUP BY unit")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS run_ids (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.run_ids")
        db.execute("INSERT OR IGNORE INTO temp.run_ids (id) SELECT id FROM temp.run_files")
        result.revived += db.execute(
            "UPDATE files SET current = 1, superseded_by = NULL, superseded_at = NULL,"
            " gone_at = NULL WHERE current = 0 AND id IN (SELECT id FROM temp.run_ids)").rowcount
        stale = "current = 1 AND id NOT IN (SELECT id FROM temp.run_ids)" \
                " AND unit IN (SELECT unit FROM temp.run_units)"
        result.superseded.extend(r[0] for r in db.execute(
            f"SELECT files.id FROM files JOIN temp.run_units AS u ON u.unit = files.unit"
            f" WHERE files.{stale.replace('unit IN', 'files.unit IN')} ORDER BY u.first, files.id"))
        db.execute(f"UPDATE files SET current = 0, superseded_at = ?, superseded_by ="
                   f" (SELECT newest FROM temp.run_units AS u WHERE u.unit = files.unit)"
                   f" WHERE {stale}", (now,))
        gone = []
        for file_id, path in db.execute(
                "SELECT id, path FROM files WHERE current = 1"
                " AND id NOT IN (SELECT id FROM temp.run_ids)"):
            if not os.path.exists(path):
                gone.append(file_id)
        db.executemany("UPDATE files SET current = 0, gone_at = ? WHERE id = ?",
                       [(now, file_id) for file_id in gone])
        result.gone.extend(gone)
        db.execute("DELETE FROM temp.run_files")
        db.execute("DELETE FROM temp.run_ids")
        db.execute("DELETE FROM temp.run_units")

    def record_run(self, submissions: Iterable[Submission], now: Optional[str] = None) -> RunResult:
        """Record the files of one consolidation run in one transaction
        (`record_file` for each, then `finish_run`)."""
        now = now or now_utc()
        result = RunResult()
        by_unit: dict[str, list[int]] = {}
        with self.transaction():
            for sub in submissions:
                file_id, _ = self.record_file(sub, now, result)
                by_unit.setdefault(sub.unit, []).append(file_id)
            self.finish_run(by_unit, now, result)
        return result

    def _insert_problems(self, file_id: int, keys: list[tuple]) -> None:
        """The problems' rows, from their keys (code, severity, sheet, cell,
        project, message); written a few thousand at a time (`_flush`)."""
        pending = self.__dict__.setdefault("_problem_rows", [])
        pending.extend((file_id, code, severity, sheet or "", cell or "", project or "",
                        message or "") for code, severity, sheet, cell, project, message in keys)
        if len(pending) >= PROBLEM_BATCH:
            self._flush()

    def _flush(self) -> None:
        """Write the problem rows held back (before anything reads or removes
        problems, and before a commit)."""
        pending = self.__dict__.get("_problem_rows")
        if pending:
            self.db.executemany(
                "INSERT INTO problems (file_id, code, severity, sheet, cell, project, message)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", pending)
            pending.clear()

    def add_expected(self, units: Iterable[str], source: str, now: Optional[str] = None) -> int:
        """Remember units a 基础信息 sheet expects; return how many were new."""
        now = now or now_utc()
        added = 0
        with self.transaction():
            for unit in units:
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO expected_units (unit, source, added_at) VALUES (?, ?, ?)",
                    (unit, str(source), now))
                added += cur.rowcount
        return added

    def output_state(self, path: str | os.PathLike) -> Optional[tuple[str, str]]:
        """(sha256, digest) of the output last written at `path`."""
        row = self.db.execute("SELECT sha256, digest FROM outputs WHERE path = ?",
                              (str(resolved(path)),)).fetchone()
        return (row[0], row[1]) if row else None

    def output_report(self, path: str | os.PathLike) -> Optional[str]:
        """The terminal report stored with the output at `path` (JSON text)."""
        row = self.db.execute("SELECT report FROM outputs WHERE path = ?",
                              (str(resolved(path)),)).fetchone()
        return row[0] if row else None

    def set_output(self, path: str | os.PathLike, sha256: str, digest: str,
                   now: Optional[str] = None, report: Optional[str] = None) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO outputs (path, sha256, digest, written_at, report) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256,"
                " digest = excluded.digest, written_at = excluded.written_at,"
                " report = excluded.report",
                (str(resolved(path)), sha256, digest, now or now_utc(), report))

    def meta(self, key: str) -> Optional[str]:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            if self.meta(key) != value:
                self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                                (key, value))

    # ------------------------------------------------------------------ cache
    def has_cached(self, path: str, sha256: str, key: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM cache WHERE path = ? AND sha256 = ? AND engine_key = ?",
            (path, sha256, key)).fetchone() is not None

    def cached(self, path: str, sha256: str, key: str) -> bytes:
        return self.db.execute(
            "SELECT entry FROM cache WHERE path = ? AND sha256 = ? AND engine_key = ?",
            (path, sha256, key)).fetchone()[0]

    def reading(self, path: str, sha256: str) -> Optional[bytes]:
        """The last reading of the file stored here, whatever engine read it
        (a rolled-up consolidation takes a county's readings as they were)."""
        row = self.db.execute("SELECT entry FROM cache WHERE path = ? AND sha256 = ?"
                              " ORDER BY rowid DESC LIMIT 1", (path, sha256)).fetchone()
        return row[0] if row else None

    def store_cached(self, path: str, sha256: str, key: str, entry: bytes) -> None:
        """Remember a reading; older readings of this path are dropped.  Not
        committed here: the run's transaction commits it with the rest."""
        self.db.execute("DELETE FROM cache WHERE path = ?", (path,))
        self.db.execute("INSERT INTO cache (path, sha256, engine_key, entry) VALUES (?, ?, ?, ?)",
                        (path, sha256, key, entry))

    # ------------------------------------------------------------------ reading
    def rows(self, current_only: bool = True) -> list[Row]:
        return list(self.iter_rows(current_only))

    def iter_rows(self, current_only: bool = True, by_path: bool = False) -> Iterator[Row]:
        """The rows one at a time, by unit (by_path: by path, then unit)."""
        columns = ", ".join(c if c in self.columns or c in ("id",) else f"NULL AS {c}"
                            for c in _ROW_COLUMNS.split(", "))
        sql = f"SELECT {columns} FROM files"
        if current_only:
            sql += " WHERE current = 1"
        sql += " ORDER BY path, unit, id" if by_path else " ORDER BY unit, id"
        for r in self.db.execute(sql):
            yield _row(r)

    def first_seen(self, sha256: str) -> list[str]:
        """Paths this content was recorded under, oldest first."""
        return [r[0] for r in self.db.execute(
            "SELECT path FROM files WHERE sha256 = ? ORDER BY id", (sha256,))]

    def problems(self, file_id: int) -> list[Issue]:
        self._flush()
        return [Issue(code, severity, message, sheet=sheet, cell=cell, project=project)
                for code, severity, sheet, cell, project, message in self.db.execute(
            "SELECT code, severity, sheet, cell, project, message FROM problems"
            " WHERE file_id = ? ORDER BY id", (file_id,))]

    def expected(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT unit FROM expected_units ORDER BY rowid")]

    def counts(self) -> dict[str, int]:
        """Rows per table (tests use it to prove a re-run added nothing)."""
        self._flush()
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("files", "problems", "expected_units", "outputs", "cache")}

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table (tests compare two dumps)."""
        self._flush()
        return {t: list(self.db.execute(f"SELECT * FROM {t} ORDER BY 1"))
                for t in ("files", "problems", "expected_units", "outputs", "cache", "meta")}


def _row(r: tuple) -> Row:
    return Row(id=r[0], path=r[1], name=r[2], sha256=r[3], size=r[4], unit=r[5], seen_at=r[6],
               status=r[7], error=r[8], has_macros=bool(r[9]), projects=r[10],
               problem_count=r[11], current=bool(r[12]), superseded_by=r[13],
               superseded_at=r[14], gone_at=r[15], renamed_from=r[16])
