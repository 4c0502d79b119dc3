"""The run's files, records and problems on disk, so memory stays flat in the
number of submissions.

A consolidation reads each file once and keeps nothing of it in memory but
running totals: the file's reading (its records with their indicators and
issues, and its file-level problems) goes into the spool as the same
compressed JSON the ledger caches (`FileEntry.to_json`: encoded once), with the
small row the 文件状态 sheet shows beside it.  The output workbook and the
JSON are then written from the spool, unit by unit.

The spool is a temporary SQLite file (no journal, no fsync), deleted by
`close()`.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from typing import Any, Iterator, Optional

_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE files (
    seq  INTEGER PRIMARY KEY,
    unit TEXT NOT NULL,
    copy INTEGER NOT NULL DEFAULT 0,
    row  TEXT NOT NULL,
    blob BLOB
);
CREATE INDEX files_unit ON files(unit, seq);
CREATE TABLE kept (
    sha256 TEXT PRIMARY KEY,
    unit   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE names (
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (unit, name)
) WITHOUT ROWID;
"""


class Spool:
    """File rows (dicts) and readings (blobs) of one run, in the order the
    files came (`seq`)."""

    def __init__(self, folder: Optional[str] = None) -> None:
        fd, self.path = tempfile.mkstemp(prefix="xltools-spool-", suffix=".sqlite", dir=folder)
        os.close(fd)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")
        self.count = 0

    def add(self, unit: str, row: dict, blob: Optional[bytes]) -> int:
        """Store one file; returns its sequence number."""
        self.count += 1
        self.db.execute("INSERT INTO files (seq, unit, copy, row, blob) VALUES (?, ?, ?, ?, ?)",
                        (self.count, unit, int(row.get("status") in ("duplicate", "skipped")),
                         json.dumps(row, ensure_ascii=False), blob))
        return self.count

    def keep(self, sha256: str, unit: str) -> None:
        """The file with this content that is kept, and its unit."""
        self.db.execute("INSERT OR IGNORE INTO kept (sha256, unit) VALUES (?, ?)", (sha256, unit))

    def kept_unit(self, sha256: str) -> Optional[str]:
        row = self.db.execute("SELECT unit FROM kept WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def has_name(self, unit: str, name: str) -> bool:
        """Whether a project of that name was met for the unit before."""
        return self.db.execute("SELECT 1 FROM names WHERE unit = ? AND name = ?",
                               (unit, name)).fetchone() is not None

    def add_names(self, unit: str, names: list[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO names (unit, name) VALUES (?, ?)",
                            [(unit, n) for n in names])

    def update(self, seq: int, **changes: Any) -> None:
        """Change fields of a stored row (and its unit when `unit` changes)."""
        (text,) = self.db.execute("SELECT row FROM files WHERE seq = ?", (seq,)).fetchone()
        row = json.loads(text)
        row.update(changes)
        if isinstance(row.get("json"), dict):  # the file's --json entry says the same
            row["json"].update({k: v for k, v in changes.items() if k in row["json"]})
        self.db.execute("UPDATE files SET unit = ?, row = ? WHERE seq = ?",
                        (row.get("unit") or "", json.dumps(row, ensure_ascii=False), seq))

    def rows(self) -> Iterator[dict]:
        """Every file row, in file order."""
        for (text,) in self.db.execute("SELECT row FROM files ORDER BY seq"):
            yield json.loads(text)

    def units(self, read_only: bool = False) -> list[str]:
        """Every unit named, in the order first named (read_only: by a file
        that was read, not by a copy of another or a file not read)."""
        where = " WHERE copy = 0" if read_only else ""
        return [r[0] for r in self.db.execute(
            f"SELECT unit FROM files{where} GROUP BY unit ORDER BY MIN(seq)")]

    def blobs(self, unit: str) -> Iterator[tuple[dict, Optional[bytes]]]:
        """(row, blob) of the unit's files, in file order."""
        for text, blob in self.db.execute(
                "SELECT row, blob FROM files WHERE unit = ? ORDER BY seq", (unit,)):
            yield json.loads(text), blob

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
