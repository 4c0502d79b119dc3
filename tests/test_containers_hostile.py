"""Issue 10 item 3: files built to exhaust a reader finish in seconds with bounded
memory and a named reason (or are read within the region a form occupies).
Each case runs `xltools check` in a child process whose peak memory is measured;
the timeout is a hang guard, not a speed claim.  The files are generated here."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from container_helpers import SHEET_HEAD, SHEET_TAIL, deflate_repeat, hostile_xlsx

GIB = 1024 ** 3
MB = 1024 ** 2


def _far_value(path: Path) -> Path:
    """A form-sized sheet plus one value typed in XFD1048576 (a clerk's slip)."""
    rows = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    return hostile_xlsx(path, SHEET_HEAD + rows + SHEET_TAIL)


def _whole_sheet_merge(path: Path) -> Path:
    rows = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    return hostile_xlsx(path, SHEET_HEAD + rows + b"</sheetData><mergeCells count=\"1\">"
                        b'<mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>')


def _whitespace(path: Path) -> Path:
    """A few MB of zip holding 2 GiB of whitespace inside the sheet XML."""
    raw = deflate_repeat(SHEET_HEAD, b" " * MB, 2 * 1024, SHEET_TAIL)
    return hostile_xlsx(path, raw={"xl/worksheets/sheet1.xml": raw})


def _huge_string(path: Path) -> Path:
    """One shared string of 2 GiB."""
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
    raw = deflate_repeat(head, b"A" * MB, 2 * 1024, b"</t></si></sst>")
    sheet = SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    return hostile_xlsx(path, sheet, raw={"xl/sharedStrings.xml": raw})


def _many_cells(path: Path) -> Path:
    """63 million cells (7000 rows × 9000 columns, positions implied)."""
    row = b"<row>" + b"<c><v>1</v></c>" * 9000 + b"</row>"
    raw = deflate_repeat(SHEET_HEAD, row, 7000, SHEET_TAIL)
    return hostile_xlsx(path, raw={"xl/worksheets/sheet1.xml": raw})


def _many_cells_small(path: Path) -> Path:
    """Cells under the size limit but over the cell limit: 4 million, 60 MB of XML."""
    row = b"<row>" + b"<c><v>1</v></c>" * 200 + b"</row>"
    raw = deflate_repeat(SHEET_HEAD, row, 20000, SHEET_TAIL)
    return hostile_xlsx(path, raw={"xl/worksheets/sheet1.xml": raw})


# case                 builder             status    reason contains (or note for a file read)
CASES = [
    ("far_value",       _far_value,         "error",  "没有找到绩效自评表"),   # read: A1 only; the far cell noted
    ("whole_merge",     _whole_sheet_merge, "error",  "没有找到绩效自评表"),
    ("whitespace",      _whitespace,        "error",  "超过上限"),
    ("huge_string",     _huge_string,       "error",  "超过上限"),
    ("many_cells",      _many_cells,        "error",  "超过上限"),
    ("many_cells_small", _many_cells_small, "error",  "单元格超过"),
]

_CHILD = r"""
import json, resource, sys
from xltools.profiles import load_profile
from xltools.project.report import check_file
if sys.argv[2] == "streamed":  # the streaming reader alone, as for a file the fast path declines
    import xltools.containers.xlsx as x
    x._read_fast = lambda *a, **k: None
res = check_file(sys.argv[1], load_profile())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"status": res.status, "error": res.error, "notes": res.notes, "peak_mb": peak},
                 ensure_ascii=False))
"""


@pytest.mark.parametrize("name,build,status,reason", CASES)
@pytest.mark.parametrize("reader", ["fast", "streamed"])
def test_hostile_file_is_bounded(tmp_path, name, build, status, reason, reader):
    path = build(tmp_path / f"{name}.xlsx")
    assert path.stat().st_size < 40 * MB
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), reader], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["status"] == status and reason in (out["error"] or ""), out
    assert out["peak_mb"] < 500, out


def test_far_value_is_noted_not_read(tmp_path):
    from xltools.containers.workbook import load_book

    book = load_book(_far_value(tmp_path / "far.xlsx"))
    (grid,) = book.sheets
    assert (grid.max_row, grid.max_col) == (1, 1)
    assert book.notes and "未读取" in book.notes[0][1]


def test_whole_sheet_merge_is_clipped(tmp_path):
    from xltools.containers.limits import Limits
    from xltools.containers.workbook import load_book

    book = load_book(_whole_sheet_merge(tmp_path / "merge.xlsx"))
    limits = Limits()
    assert book.sheets[0].merged == [(1, 1, limits.max_rows, limits.max_cols)]
    assert book.sheets[0].merged_value(5, 5) is None  # too big to be a field: not spread


_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row>'
_LAUGHS = b"".join(b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10) for i in range(1, 10))


# sheet XML a crafted (or damaged) file carries     reason the clerk reads (never an exception's name)
DAMAGED = [
    ("entity_bomb",  b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">' + _LAUGHS + b"]>"
                     + SHEET_HEAD.split(b"?>", 1)[-1] + _ROW % b"&l9;" + SHEET_TAIL,
                     "XML 内容不完整或格式错误"),
    ("cut_off",      SHEET_HEAD + _ROW % b"x" + b"<row r=\"2\"><c r=\"A2\"", "XML 内容不完整或格式错误"),
]


@pytest.mark.parametrize("name,sheet,reason", DAMAGED)
@pytest.mark.parametrize("reader", ["fast", "streamed"])
def test_damaged_xml_is_named_in_chinese(tmp_path, name, sheet, reason, reader):
    path = hostile_xlsx(tmp_path / f"{name}.xlsx", sheet)
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), reader], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["status"] == "error" and "已损坏" in out["error"] and reason in out["error"], out
    assert not re.search(r"[A-Za-z]{4,}Error|BadZip", out["error"]), out
    assert out["peak_mb"] < 500, out


def test_external_entity_is_not_fetched(tmp_path):
    """An XXE (`<!ENTITY e SYSTEM "file:///etc/passwd">`) never brings a file's text in."""
    sheet = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
             + SHEET_HEAD.split(b"?>", 1)[-1] + _ROW % b"&e;" + SHEET_TAIL)
    path = hostile_xlsx(tmp_path / "xxe.xlsx", sheet)
    for reader in ("fast", "streamed"):
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), reader], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "root:" not in proc.stdout
