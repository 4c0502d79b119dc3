"""How much of a file xltools will read: the one place for these settings.

A self-evaluation form occupies a few hundred rows and a few dozen columns; a
department workbook a few dozen sheets.  Anything far beyond that is a mistake
(a value typed in XFD1048576, a whole-sheet merge) or a hostile file (GiBs of
whitespace in a 4 MB zip, a 2 GiB shared string).  Readers read only the region
a form can occupy and refuse a file over a limit with a named Chinese reason, so
one file never stops a run nor exhausts memory.

Override for a run by passing `Limits(...)` to `load_book`, or through the
environment: `XLTOOLS_MAX_ROWS=20000 xltools check …` (the field name, upper-cased,
prefixed `XLTOOLS_`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    #: size of the file on disk
    max_file_bytes: int = 100 * MB
    #: sum of the uncompressed sizes of a zip's members (xlsx, xlsb, ods, docx)
    max_uncompressed: int = 300 * MB
    #: one zip member, uncompressed (a sheet's XML, the shared strings, document.xml)
    max_member: int = 120 * MB
    #: a part parsed as a whole tree (workbook.xml, styles.xml, Word's document.xml)
    max_tree_part: int = 40 * MB
    #: members in one zip
    max_members: int = 5000
    #: worksheets (or Word tables) per file
    max_sheets: int = 250
    #: region read from each sheet: rows 1..max_rows, columns 1..max_cols
    max_rows: int = 10000
    max_cols: int = 256
    #: cell elements looked at per file, inside the region or not
    max_cells: int = 300_000
    #: characters kept of one text (Excel's own limit for a cell)
    max_text: int = 32767

    @classmethod
    def from_env(cls) -> "Limits":
        """The defaults, with any `XLTOOLS_<FIELD>` environment override."""
        changes = {}
        for f in fields(cls):
            raw = os.environ.get("XLTOOLS_" + f.name.upper())
            if raw and raw.strip().isdigit() and int(raw) > 0:
                changes[f.name] = int(raw)
        return replace(cls(), **changes)


def default_limits() -> Limits:
    """`Limits.from_env()`, made once per distinct set of overrides (every file
    read asks for it; the environment almost never changes within a run)."""
    key = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("XLTOOLS_")))
    limits = _FROM_ENV.get(key)
    if limits is None:
        _FROM_ENV.clear()
        limits = _FROM_ENV[key] = Limits.from_env()
    return limits


_FROM_ENV: dict[tuple, Limits] = {}


def human_size(n: int) -> str:
    """Bytes as a clerk reads them: 1.5 GB, 300 MB, 12 KB."""
    for unit, size in (("GB", 1024 ** 3), ("MB", MB), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{n} 字节"
