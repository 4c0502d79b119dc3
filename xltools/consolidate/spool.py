"""The run's files, records and problems on disk, so memory stays flat in the
number of submissions and of units.

A consolidation reads each file once and keeps nothing of it in memory but a
few run-wide counts: the file's reading (its records with their indicators and
issues, and its file-level problems) goes into the spool as the same
compressed JSON the ledger caches (`FileEntry.to_json`: encoded once), with the
small row the 文件状态 sheet shows beside it, and each project's figures
(money, score, problem count) in a table of their own.  Per-unit totals are
summed from that table once the files are in (`finish`), exactly
(`merge.ExactSum`: the order of the files never changes a total), into the
`units` table: one row per unit in the order the tables list them.  The output
workbook and the JSON are then written from the spool, unit by unit.

Writes are buffered and go in by `executemany` (one transaction, no journal, no
fsync); every read flushes first.  The spool is a temporary SQLite file,
deleted by `close()`.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from typing import Any, Iterator, Optional, Sequence

_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE files (
    seq    INTEGER PRIMARY KEY,
    unit   TEXT NOT NULL,
    copy   INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT '',
    seen   TEXT NOT NULL DEFAULT '',
    row    TEXT NOT NULL,
    blob   BLOB
);
CREATE INDEX files_unit ON files(unit, seq);
-- One row per project record, in the order they came (rowid).  The figures'
-- columns have no type: a value comes back as it went in (85 stays an int).
CREATE TABLE projects (
    unit             TEXT NOT NULL,
    budget_initial,
    budget_full_year,
    spent,
    score_total,
    issues           INTEGER NOT NULL
);
CREATE INDEX projects_unit ON projects(unit);
CREATE TABLE departments (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE kept (
    sha256 TEXT PRIMARY KEY,
    unit   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE names (
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (unit, name)
) WITHOUT ROWID;
-- Filled by finish(): every unit in table order.  kind 0: units with projects
-- (with their totals), 1: units whose read files gave no project, 2: units
-- only copies of other files or files not read name.
CREATE TABLE units (
    rank             INTEGER PRIMARY KEY,
    unit             TEXT NOT NULL UNIQUE,
    kind             INTEGER NOT NULL,
    projects         INTEGER NOT NULL DEFAULT 0,
    budget_initial,
    budget_full_year,
    spent,
    score_avg,
    score_min,
    problems         INTEGER NOT NULL DEFAULT 0
);
CREATE TEMP TABLE expected (
    unit TEXT PRIMARY KEY,
    pos  INTEGER NOT NULL
) WITHOUT ROWID;
"""

#: Buffered rows written at once.
BATCH = 512

#: The project figures kept (and summed per unit).
FIGURES = ("budget_initial", "budget_full_year", "spent", "score_total")


class Spool:
    """File rows (dicts) and readings (blobs) of one run, in the order the
    files came (`seq`); project figures; per-unit totals once `finish`ed."""

    def __init__(self, folder: Optional[str] = None) -> None:
        fd, self.path = tempfile.mkstemp(prefix="xltools-spool-", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.count = 0
        self._files: list[tuple] = []
        self._projects: list[tuple] = []
        self._departments: dict[str, int] = {}
        self.finished = False

    # -------------------------------------------------------------- writing
    def add(self, unit: str, row: dict, blob: Optional[bytes], text: Optional[str] = None) -> int:
        """Store one file; returns its sequence number.  `text`: the row
        already encoded (`json.dumps(row, ensure_ascii=False)`)."""
        self.count += 1
        status = row.get("status") or ""
        self._files.append((self.count, unit, int(status in ("duplicate", "skipped")), status,
                            row.get("seen_at") or "",
                            text if text is not None else json.dumps(row, ensure_ascii=False),
                            blob))
        if len(self._files) >= BATCH:
            self._flush_files()
        return self.count

    def add_projects(self, unit: str, records: Sequence[dict]) -> None:
        """The figures of a file's project records (for the unit's totals)."""
        for rec in records:
            self._projects.append((unit, rec.get("budget_initial"), rec.get("budget_full_year"),
                                   rec.get("spent"), rec.get("score_total"),
                                   len(rec.get("issues") or ())))
            department = rec.get("department")
            if department:
                self._departments[department] = self._departments.get(department, 0) + 1
        if len(self._projects) >= BATCH or len(self._departments) >= BATCH:
            self._flush_projects()

    def keep(self, sha256: str, unit: str) -> Optional[str]:
        """The file with this content that is kept, and its unit; when a file
        with this content was kept before, nothing changes and its unit is
        returned (else None)."""
        if self.db.execute("INSERT OR IGNORE INTO kept (sha256, unit) VALUES (?, ?)",
                           (sha256, unit)).rowcount:
            return None
        return self.kept_unit(sha256)

    def kept_unit(self, sha256: str) -> Optional[str]:
        row = self.db.execute("SELECT unit FROM kept WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def has_name(self, unit: str, name: str) -> bool:
        """Whether a project of that name was met for the unit before."""
        return self.db.execute("SELECT 1 FROM names WHERE unit = ? AND name = ?",
                               (unit, name)).fetchone() is not None

    def has_any_name(self, unit: str, names: Sequence[str]) -> bool:
        """Whether any of these project names was met for the unit before."""
        if not names:
            return False
        marks = ",".join("?" * len(names))
        return self.db.execute(f"SELECT 1 FROM names WHERE unit = ? AND name IN ({marks}) LIMIT 1",
                               (unit, *names)).fetchone() is not None

    def add_names(self, unit: str, names: list[str]) -> None:
        if names:
            self.db.executemany("INSERT OR IGNORE INTO names (unit, name) VALUES (?, ?)",
                                [(unit, n) for n in names])

    def update(self, seq: int, **changes: Any) -> None:
        """Change fields of a stored row (and its unit when `unit` changes)."""
        self.flush()
        (text,) = self.db.execute("SELECT row FROM files WHERE seq = ?", (seq,)).fetchone()
        row = json.loads(text)
        row.update(changes)
        if isinstance(row.get("json"), dict):  # the file's --json entry says the same
            row["json"].update({k: v for k, v in changes.items() if k in row["json"]})
        self.db.execute("UPDATE files SET unit = ?, row = ? WHERE seq = ?",
                        (row.get("unit") or "", json.dumps(row, ensure_ascii=False), seq))

    def flush(self) -> None:
        """Write what is buffered."""
        if self._files:
            self._flush_files()
        if self._projects or self._departments:
            self._flush_projects()

    def _flush_files(self) -> None:
        self.db.executemany("INSERT INTO files (seq, unit, copy, status, seen, row, blob)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?)", self._files)
        self._files.clear()

    def _flush_projects(self) -> None:
        self.db.executemany("INSERT INTO projects (unit, budget_initial, budget_full_year, spent,"
                            " score_total, issues) VALUES (?, ?, ?, ?, ?, ?)", self._projects)
        self._projects.clear()
        self.db.executemany("INSERT INTO departments (name, n) VALUES (?, ?)"
                            " ON CONFLICT (name) DO UPDATE SET n = n + excluded.n",
                            self._departments.items())
        self._departments.clear()

    # -------------------------------------------------------------- the units
    def finish(self, expected: Sequence[str] = ()) -> None:
        """After the last file: every unit in table order into `units` —
        those with projects (`merge.order_units`: the expected order, then
        局机关, then the others as their first project came), then units whose
        read files gave no project, then units only copies name — with each
        unit's totals summed from its projects (`merge.Group`, exact)."""
        from . import merge

        self.flush()
        if self.finished:
            return
        self.finished = True
        db = self.db
        db.execute("DELETE FROM units")
        db.execute("DELETE FROM temp.expected")
        db.executemany("INSERT OR IGNORE INTO temp.expected (unit, pos) VALUES (?, ?)",
                       ((u, k) for k, u in enumerate(expected)))
        db.execute(
            "INSERT INTO units (unit, kind) SELECT s.unit, 0 FROM"
            " (SELECT unit, MIN(rowid) AS first FROM projects GROUP BY unit) AS s"
            " LEFT JOIN temp.expected AS e ON e.unit = s.unit"
            " ORDER BY e.pos IS NULL, e.pos, substr(s.unit, -2) != '机关', s.first")
        for kind, where in ((1, " WHERE copy = 0"), (2, "")):
            db.execute(f"INSERT INTO units (unit, kind) SELECT unit, {kind} FROM files{where}"
                       " GROUP BY unit HAVING unit NOT IN (SELECT unit FROM units)"
                       " ORDER BY MIN(seq)")
        group: Optional[merge.Group] = None
        rank = 0
        done: list[tuple] = []
        for r, unit, *figures, issues in db.execute(
                "SELECT u.rank, p.unit, p.budget_initial, p.budget_full_year, p.spent,"
                " p.score_total, p.issues FROM units AS u JOIN projects AS p ON p.unit = u.unit"
                " WHERE u.kind = 0 ORDER BY u.rank, p.rowid"):
            if r != rank:
                if group is not None:
                    done.append(_totals_row(rank, group.totals()))
                    if len(done) >= BATCH:
                        self._set_totals(done)
                group, rank = merge.Group(unit, exact=True), r
            group.add_figures(figures, issues)
        if group is not None:
            done.append(_totals_row(rank, group.totals()))
        self._set_totals(done)

    def _set_totals(self, done: list[tuple]) -> None:
        self.db.executemany(
            "UPDATE units SET projects = ?, budget_initial = ?, budget_full_year = ?, spent = ?,"
            " score_avg = ?, score_min = ?, problems = ? WHERE rank = ?", done)
        done.clear()

    def unit_count(self, kind: int = 0) -> int:
        self.finish()
        return self.db.execute("SELECT COUNT(*) FROM units WHERE kind = ?", (kind,)).fetchone()[0]

    def unit_totals(self, kind: int = 0, offset: int = 0,
                    limit: int = -1) -> Iterator[tuple]:
        """(unit, projects, budget_initial, budget_full_year, spent, score_avg,
        score_min, problems) of the units of `kind`, in table order."""
        self.finish()
        yield from self.db.execute(
            "SELECT unit, projects, budget_initial, budget_full_year, spent, score_avg,"
            " score_min, problems FROM units WHERE kind = ? ORDER BY rank LIMIT ? OFFSET ?",
            (kind, limit, offset))

    def unit_names(self, kinds: Sequence[int] = (0,)) -> Iterator[str]:
        self.finish()
        marks = ",".join("?" * len(kinds))
        for (unit,) in self.db.execute(
                f"SELECT unit FROM units WHERE kind IN ({marks}) ORDER BY rank", tuple(kinds)):
            yield unit

    def unit_kind(self, unit: str) -> Optional[int]:
        self.finish()
        row = self.db.execute("SELECT kind FROM units WHERE unit = ?", (unit,)).fetchone()
        return row[0] if row else None

    def all_blobs(self, kinds: Sequence[int] = (0, 1, 2)
                  ) -> Iterator[tuple[str, str, Optional[bytes]]]:
        """(unit, first-seen time, blob) of every file of the units of `kinds`,
        unit by unit in table order, files in the order they came."""
        self.finish()
        marks = ",".join("?" * len(kinds))
        yield from self.db.execute(
            "SELECT f.unit, f.seen, f.blob FROM units AS u JOIN files AS f ON f.unit = u.unit"
            f" WHERE u.kind IN ({marks}) ORDER BY u.rank, f.seq", tuple(kinds))

    def unreadable(self, unit: str) -> int:
        """Files of the unit that could not be read."""
        self.flush()
        return self.db.execute("SELECT COUNT(*) FROM files WHERE unit = ? AND status = 'error'",
                               (unit,)).fetchone()[0]

    def top_department(self) -> str:
        """The department name most projects give (ties: the greatest name)."""
        self.flush()
        row = self.db.execute("SELECT name FROM departments ORDER BY n DESC, name DESC LIMIT 1"
                              ).fetchone()
        return row[0] if row else ""

    # -------------------------------------------------------------- reading
    def rows(self) -> Iterator[dict]:
        """Every file row, in file order."""
        self.flush()
        for (text,) in self.db.execute("SELECT row FROM files ORDER BY seq"):
            yield json.loads(text)

    def units(self, read_only: bool = False) -> list[str]:
        """Every unit named, in the order first named (read_only: by a file
        that was read, not by a copy of another or a file not read)."""
        return list(self.iter_units(read_only))

    def iter_units(self, read_only: bool = False) -> Iterator[str]:
        self.flush()
        where = " WHERE copy = 0" if read_only else ""
        for (unit,) in self.db.execute(f"SELECT unit FROM files{where} GROUP BY unit ORDER BY MIN(seq)"):
            yield unit

    def blobs(self, unit: str) -> Iterator[tuple[str, str, Optional[bytes]]]:
        """(unit, first-seen time, blob) of the unit's files, in file order."""
        self.flush()
        yield from self.db.execute(
            "SELECT unit, seen, blob FROM files WHERE unit = ? ORDER BY seq", (unit,))

    def close(self) -> None:
        if self.db is None:
            return
        self.db.close()
        self.db = None
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def __del__(self) -> None:  # a run that failed half way still cleans up
        try:
            self.close()
        except Exception:
            pass


def _totals_row(rank: int, t: Any) -> tuple:
    return (t.projects, t.budget_initial, t.budget_full_year, t.spent, t.score_avg,
            t.score_min, t.problems, rank)
