"""The .xlsx fast path (calamine for values, a regex scan of each sheet part for
formulas, percent formats and cached errors) reads every file exactly as the
streaming reader does.  Files: the seed-001 submissions, the department
workbook, a master xltools wrote, and the same forms re-saved with a namespace
prefix (`<x:worksheet>`) and single-quoted attributes, as other writers do."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from xltools.containers import xlsx
from xltools.containers.workbook import load_book

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "examples").rglob("*.xlsx")) + sorted((ROOT / "workbook_templates").glob("*.xls[xm]"))


def _grids(path: Path) -> list[tuple]:
    book = load_book(path)
    return [(g.name, g.hidden, [list(r) for r in g.rows], sorted(g.merged), sorted(g.formulas),
             sorted(g.percent_cells)) for g in book.sheets] + [("notes", book.notes)]


def _streamed(path: Path, monkeypatch) -> list[tuple]:
    with monkeypatch.context() as m:
        m.setattr(xlsx, "_read_fast", lambda *a, **k: None)
        return _grids(path)


def _normal(grids: list[tuple]) -> list[tuple]:
    """Numbers compared as numbers (calamine gives 10.0 where the XML says 10)."""
    out = []
    for entry in grids:
        if entry[0] == "notes":
            out.append(entry)
            continue
        rows = [[float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in r]
                for r in entry[2]]
        out.append(entry[:2] + (rows,) + entry[3:])
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fast_path_reads_as_the_streaming_reader(path, monkeypatch):
    assert _normal(_grids(path)) == _normal(_streamed(path, monkeypatch))


def _prefixed(src: Path, dest: Path) -> Path:
    """The same workbook with every worksheet written `<x:worksheet xmlns:x=…>`
    and its attributes single-quoted."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                text = text.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                                    "xmlns:x='http://schemas.openxmlformats.org/spreadsheetml/2006/main'")
                text = re.sub(r"<(/?)(?![?!])([A-Za-z]+[\s/>])", r"<\1x:\2", text)
                text = re.sub(r'(\s[\w:]+)="([^"\']*)"', r"\1='\2'", text)
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return dest


@pytest.mark.parametrize("path", FILES[:3], ids=lambda p: p.name)
def test_prefixed_single_quoted_sheets_read_the_same(path, tmp_path, monkeypatch):
    other = _prefixed(path, tmp_path / path.name)
    assert "<x:c " in zipfile.ZipFile(other).read("xl/worksheets/sheet1.xml").decode()
    expected = _normal(_grids(path))
    assert _normal(_grids(other)) == expected
    assert _normal(_streamed(other, monkeypatch)) == expected


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_these_files_take_the_fast_path(path, tmp_path, monkeypatch):
    taken = []
    real = xlsx._read_fast

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(xlsx, "_read_fast", spy)
    load_book(path)
    load_book(_prefixed(path, tmp_path / path.name))
    assert taken == [True, True]


def test_values_keep_their_addresses_when_the_sheet_starts_below_a1(tmp_path):
    """A 基础信息 sheet whose first filled cell is B3 (rows 1–2 and column A blank)."""
    import openpyxl

    path = tmp_path / "offset.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C5"] = "某区行政审批服务局", 2022
    wb.save(path)
    grid = load_book(path).sheets[0]
    assert grid.get(3, 2) == "某区行政审批服务局" and grid.get(5, 3) == 2022


# ---------------------------------------------------------------- parts cut from the file's bytes
def _zip_with(tmp_path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    target = tmp_path / "parts.zip"
    with zipfile.ZipFile(target, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target.read_bytes()


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2])
def test_in_memory_parts_are_what_zipfile_reads(tmp_path, compression):
    from xltools.containers.workbook import _InMemoryZip

    members = {"xl/workbook.xml": b"<workbook/>" * 50, "xl/worksheets/sheet1.xml": "单元格".encode() * 999,
               "empty.xml": b""}
    data = _zip_with(tmp_path, members, compression)
    fast = _InMemoryZip(data)
    for name, content in members.items():
        assert fast.read(name) == content == zipfile.ZipFile(tmp_path / "parts.zip").read(name)


@pytest.mark.parametrize("damage", ["crc", "deflate", "local header"])
def test_a_damaged_part_fails_as_zipfile_fails(tmp_path, damage):
    """A part the slice-and-inflate path cannot vouch for goes to ZipFile.read,
    so the clerk sees the same "damaged" reason either way."""
    from xltools.containers.workbook import _InMemoryZip

    data = bytearray(_zip_with(tmp_path, {"xl/worksheets/sheet1.xml": b"<sheetData>" + b"x" * 4000}))
    info = zipfile.ZipFile(tmp_path / "parts.zip").getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode())
    if damage == "crc":
        data[14:18] = b"\0\0\0\0"                       # local header CRC (zipfile checks the central one)
        cd = data.rfind(b"PK\x01\x02")
        data[cd + 16:cd + 20] = b"\1\2\3\4"             # the central directory's CRC
    elif damage == "deflate":
        data[start:start + 8] = b"\xff" * 8
    else:
        data[info.header_offset:info.header_offset + 4] = b"XXXX"
    with pytest.raises(Exception) as fast_error:
        _InMemoryZip(bytes(data)).read("xl/worksheets/sheet1.xml")
    (tmp_path / "damaged.zip").write_bytes(bytes(data))
    with pytest.raises(Exception) as zip_error:
        zipfile.ZipFile(tmp_path / "damaged.zip").read("xl/worksheets/sheet1.xml")
    assert type(fast_error.value) is type(zip_error.value)
    assert str(fast_error.value) == str(zip_error.value)
