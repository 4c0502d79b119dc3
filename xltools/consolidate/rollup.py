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
    from .run import FileEntry

    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if not isinstance(doc, dict) or "projects" not in doc or "files" not in doc:
        raise ValueError("no projects/files")
    by_file: dict[str, list[dict]] = {}
    for rec in doc["projects"]:
        by_file.setdefault(rec.get("file") or "", []).append(rec)
    for f in doc["files"]:
        status = f.get("status") or "ok"
        if status == "duplicate":
            continue  # counted where its original is
        records = by_file.pop(f["path"], [])
        sha = f.get("sha256") or _content_hash(f, records)
        yield FileEntry(f["path"], sha, int(f.get("size") or 0), f.get("unit") or "",
                        f.get("unit_source") or "汇总结果", status, f.get("error"),
                        has_macros=bool(f.get("has_macros")), records=records,
                        problems=list(f.get("problems") or []))


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
