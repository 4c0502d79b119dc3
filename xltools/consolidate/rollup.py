"""Rolled-up consolidation: a consolidation's own result as an input.

A county (or a city) consolidates its units' workbooks; the city (or the
province) then consolidates the counties' *results* instead of every file
again:

    xltools consolidate 甲县.json 乙县.json -o 市汇总.xlsx
    xltools consolidate 甲县/整体支出汇总.ledger.sqlite 乙县/整体支出汇总.ledger.sqlite

Each result gives back every file it consolidated, as it was read there —
the file's unit, its projects with their figures and issues, its own problems
— so the totals, the unit rows and the project detail are those of a flat run
over all the files (`merge` sums exactly, in any order).  Identical files met
in two results are counted once.

- the JSON is what `--json` wrote (`files` with sha256 and each file's own
  problems, `projects` with their `file`);
- a ledger gives the files current in it, each with the reading it cached.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterator, Optional

from ..core.errors import LedgerError, damage_detail
from .ledger import Ledger

_SQLITE_MAGIC = b"SQLite format 3\x00"
LEDGER_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def kind_of(path: str | os.PathLike) -> Optional[str]:
    """"json" or "ledger" for a consolidation result named on the command
    line (a file, not a folder); None for anything else."""
    p = Path(path)
    if not p.is_file():
        return None
    suffix = p.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in LEDGER_SUFFIXES:
        with open(p, "rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC:
                return "ledger"
    return None


def entries(item) -> Iterator:
    """FileEntries of a rolled-up result (`run.Input` of kind json/ledger).  A
    result that cannot be read gives one entry saying why."""
    from .run import FILE_UNREADABLE, FileEntry, _file_problem

    try:
        if item.kind == "json":
            yield from _from_json(item.path)
        else:
            yield from _from_ledger(item.path)
    except (OSError, ValueError, KeyError, TypeError, LedgerError) as exc:
        reason = (str(exc) if isinstance(exc, LedgerError)
                  else f"不是 xltools 汇总结果，无法汇总（{damage_detail(exc)}）")
        yield FileEntry(item.shown, item.sha256, _size(item.path), Path(item.shown).stem,
                        "文件名", "error", reason,
                        problems=[_file_problem(FILE_UNREADABLE, "error", reason)])


def _from_json(path: str) -> Iterator:
    """The files of a `--json` result.  One we wrote (`Consolidation.write_json`:
    a record a line) is read line by line through a temporary SQLite file, so a
    city's result with 10⁵ files is never all in memory; any other JSON is
    loaded whole."""
    with _Lines(path) as lines:
        if lines.ours:
            yield from lines.entries()
            return
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if not isinstance(doc, dict) or "projects" not in doc or "files" not in doc:
        raise ValueError("no projects/files")
    by_file: dict[str, list[dict]] = {}
    for rec in doc["projects"]:
        by_file.setdefault(rec.get("file") or "", []).append(rec)
    for f in doc["files"]:
        entry = _file_entry(f, lambda p: by_file.pop(p, []))
        if entry is not None:
            yield entry


def _file_entry(f: dict, records_of):
    """The FileEntry of a file of a JSON result (None for a duplicate: counted
    where its original is); `records_of(path)` gives (and takes) its records."""
    from .run import FileEntry

    status = f.get("status") or "ok"
    if status == "duplicate":
        return None
    records = records_of(f["path"])
    sha = f.get("sha256") or _content_hash(f, records)
    return FileEntry(f["path"], sha, int(f.get("size") or 0), f.get("unit") or "",
                     f.get("unit_source") or "汇总结果", status, f.get("error"),
                     has_macros=bool(f.get("has_macros")), records=records,
                     problems=list(f.get("problems") or []))


class _Lines:
    """A JSON result in the layout `write_json` gives it, its projects and
    files spooled to a temporary SQLite file.  `ours` is False when the file
    is laid out any other way (then nothing is kept)."""

    _HEAD = '{"department": '

    def __init__(self, path: str) -> None:
        import sqlite3
        import tempfile

        self.ours = False
        fd, self.db_path = tempfile.mkstemp(prefix="xltools-rollup-", suffix=".sqlite")
        os.close(fd)
        self.db = sqlite3.connect(self.db_path, isolation_level=None)
        self.db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;"
            "CREATE TABLE projects (file TEXT NOT NULL, line TEXT NOT NULL);"
            "CREATE TABLE files (line TEXT NOT NULL);")
        try:
            self.ours = self._read(path)
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            self.ours = False
        if self.ours:
            self.db.execute("CREATE INDEX projects_file ON projects(file)")

    def _lines(self, fh, ends: tuple[str, ...], insert: str, row) -> bool:
        """One JSON object a line into the table, until a line of `ends`; False
        when a line is not an object `row` takes (row(obj, text) → the values,
        None to refuse) or the file ends first."""
        batch: list[tuple] = []
        for line in fh:
            if line in ends:
                break
            text = line.strip().rstrip(",")
            obj = json.loads(text)
            values = row(obj, text) if isinstance(obj, dict) else None
            if values is None:
                return False
            batch.append(values)
            if len(batch) >= 512:
                self.db.executemany(insert, batch)
                batch.clear()
        else:
            return False
        self.db.executemany(insert, batch)
        return True

    def _read(self, path: str) -> bool:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline()
            if not first.startswith(self._HEAD):
                return False
            for line in fh:
                if line == ' "projects": [\n':
                    break
            else:
                return False
            if not self._lines(fh, (" ],\n",), "INSERT INTO projects (file, line) VALUES (?, ?)",
                               lambda rec, text: (rec.get("file") or "", text)):
                return False
            if fh.readline() != ' "files": [\n':
                return False
            if not self._lines(fh, (" ]}\n", " ]}"), "INSERT INTO files (line) VALUES (?)",
                               lambda f, text: (text,) if "path" in f else None):
                return False
            return not fh.read().strip()

    def entries(self) -> Iterator:
        for (text,) in self.db.execute("SELECT line FROM files ORDER BY rowid"):
            entry = _file_entry(json.loads(text), self._records_of)
            if entry is not None:
                yield entry

    def _records_of(self, path: str) -> list[dict]:
        records = [json.loads(t) for (t,) in self.db.execute(
            "SELECT line FROM projects WHERE file = ? ORDER BY rowid", (path,))]
        if records:
            self.db.execute("DELETE FROM projects WHERE file = ?", (path,))
        return records

    def __enter__(self) -> "_Lines":
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()
        try:
            os.unlink(self.db_path)
        except OSError:
            pass


def _from_ledger(path: str) -> Iterator:
    from .run import FILE_UNREADABLE, FileEntry, _file_problem

    with Ledger(path, readonly=True) as ledger:
        for row in ledger.iter_rows(current_only=True, by_path=True):  # a folder's order
            blob = ledger.reading(row.path, row.sha256)
            if blob is None:
                reason = "台账里没有这个文件的读取结果（请在原处重新汇总一次后再上报台账）"
                yield FileEntry(row.path, row.sha256, row.size, row.unit, "台账", "error", reason,
                                problems=[_file_problem(FILE_UNREADABLE, "error", reason)])
                continue
            entry = FileEntry.from_json(blob)
            entry.moved_to(row.path)
            entry.unit = row.unit
            for rec in entry.records:
                rec["unit"] = row.unit
            yield entry


def _content_hash(f: dict, records: list[dict]) -> str:
    text = json.dumps([f.get("path"), records], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
