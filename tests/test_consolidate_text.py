"""Text typed by clerks stays text in every output (a value starting with "="
never becomes a formula), and `--master` lands the tables in the master's
整体支出 sheet without losing its macros or buttons."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from consolidate_helpers import cli, evaluate, project, sheet_xml, small_folder
from xltools.master import layout as L
from xltools.consolidate import output as O
from xltools.consolidate.plans import BLOCK_TITLE, block_column
from xltools.consolidate.sample import IndicatorSpec, default_indicators, write_submission
from xltools.master.build import MasterSpec, write_master
from xltools.containers.workbook import load_book

NAME = "=1+1"
NOTE = '=HYPERLINK("http://x","y")'


def _risky_folder(dest: Path) -> Path:
    folder = small_folder(dest)
    indicators = default_indicators()
    indicators[0] = IndicatorSpec("产出指标", "数量指标", "完成事项数", "≥60项", "50项", 20, 16, NOTE)
    write_submission(folder / "政务服务中心.xlsx", [
        project(NAME, NOTE, 160, 65.61, 65.61, indicators=indicators, total=96)])
    return folder


@pytest.fixture(scope="module")
def risky(tmp_path_factory):
    base = tmp_path_factory.mktemp("risky")
    folder = _risky_folder(base / "subs")
    out = base / "out.xlsx"
    js = base / "out.json"
    code = cli("consolidate", folder, "-o", out, "--json", js, "--quiet")
    return code, out, json.loads(js.read_text(encoding="utf-8"))


def _string_cells(xml: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m) for m in re.findall(r'<c [^>]*t="inlineStr"[^>]*>(.*?)</c>', xml)]


def _formulas(xml: str) -> list[str]:
    return re.findall(r"<f>(.*?)</f>", xml)


# (sheet,              text that must appear there as a string cell)
TEXT_CASES = [
    (O.DETAIL_SHEET,   NAME),    # 项目名称
    (O.DETAIL_SHEET,   NOTE),    # 表内实施单位 (the form's own 实施单位 text)
    (O.PROBLEMS_SHEET, NOTE),    # 值 of unit_name_differs
    (O.CHARTS_SHEET,   NAME),    # chart label
]


@pytest.mark.parametrize("sheet, text", TEXT_CASES)
def test_clerk_text_is_a_string_cell(risky, sheet, text):
    _, out, _ = risky
    xml = sheet_xml(out, sheet)
    escaped = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    assert text in _string_cells(xml) or escaped in _string_cells(xml), sheet


def test_no_formula_made_from_clerk_text(risky):
    _, out, _ = risky
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        xml = sheet_xml(out, ws.title)
        for f in _formulas(xml):
            assert "HYPERLINK" not in f and f != "1+1", (ws.title, f)
        for row in ws.iter_rows():
            for c in row:
                if c.value in (NAME, NOTE):
                    assert c.data_type == "s", c.coordinate


def test_json_keeps_text(risky):
    code, _, doc = risky
    assert code == 1  # unit_name_differs is a warning
    p = next(p for p in doc["projects"] if p["name"] == NAME)
    assert p["form_unit"] == NOTE and p["unit"] == "政务服务中心"
    assert p["score_total"] == 96


def _master(path: Path) -> Path:
    write_master(path, MasterSpec(department="株洲市行政审批服务局", year=2022,
                                  units=["局机关", "数据资源中心", "政务服务中心", "大数据中心"]))
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_master_gets_the_tables(tmp_path, suffix):
    folder = _risky_folder(tmp_path / "subs")
    master = _master(tmp_path / f"主表{suffix}")
    with zipfile.ZipFile(master) as zf:
        kept = {n: zf.read(n) for n in zf.namelist()
                if n.endswith((".bin", ".vml")) or "drawings" in n}
    if suffix == ".xlsm":
        assert "xl/vbaProject.bin" in kept
    out = tmp_path / "out.xlsx"
    assert cli("consolidate", folder, "-o", out, "--master", master, "--quiet") == 1
    # Macros, buttons (VML) keep their bytes; the master was backed up first.
    with zipfile.ZipFile(master) as zf:
        assert {n: zf.read(n) for n in kept} == kept
    assert len(list(tmp_path.glob(f"主表.*.bak{suffix}"))) == 1
    grid = load_book(master).sheet(L.SUMMARY_SHEET)
    c0 = block_column()
    assert c0 > len(L.SUMMARY_COLUMNS)  # right of the master's own table: 一键重算 keeps it
    assert grid.get(1, c0) == BLOCK_TITLE
    rows = {grid.get(r, c0): r for r in range(1, grid.max_row + 1)}
    r = rows["局机关及二级机构汇总"]
    # 局机关 100+239.8 / 187+239.8 / 146.06+214.78, 数据资源中心 100/100/62.7,
    # 政务服务中心 160/65.61/65.61 — cached values of the SUM formulas:
    assert [grid.get(r, c0 + k) for k in range(1, 5)] == pytest.approx(
        [4, 599.8, 592.41, 489.15])
    # Clerk text stays a string cell, never <f>.
    xml = sheet_xml(master, L.SUMMARY_SHEET)
    assert NAME in _string_cells(xml)
    assert not any("1+1" == f or "HYPERLINK" in f for f in _formulas(xml))
    # Re-run: the block is already there → the master is left alone.
    before = master.read_bytes()
    assert cli("consolidate", folder, "-o", out, "--master", master, "--quiet") == 1
    assert master.read_bytes() == before


def test_master_block_formulas_compute_the_cached_values(tmp_path):
    folder = small_folder(tmp_path / "subs")
    master = _master(tmp_path / "主表.xlsx")
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--master", master, "--quiet") == 0
    values = evaluate(master)
    grid = load_book(master).sheet(L.SUMMARY_SHEET)
    c0 = block_column()
    checked = 0
    for r in range(1, grid.max_row + 1):
        for c in range(c0, c0 + 12):
            if grid.is_formula(r, c) and isinstance(grid.get(r, c), (int, float)):
                from xltools.core.addresses import to_a1

                got = values[(L.SUMMARY_SHEET.upper(), to_a1(r, c))]
                assert got == pytest.approx(grid.get(r, c)), to_a1(r, c)
                checked += 1
    assert checked >= 20


def test_master_without_summary_sheet_is_refused(tmp_path, capsys):
    folder = small_folder(tmp_path / "subs")
    master = tmp_path / "主表.xlsx"
    write_submission(master, [project("示例", "局机关", 1, 1, 1)], expected=("局机关",))
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--master", master, "--quiet") == 2
    assert "整体支出" in capsys.readouterr().err


class _StandIn:
    """What the button handler needs of an xlwings Book: its file name."""

    def __init__(self, path: Path):
        self.fullname = str(path)


def test_button_plans_the_same_block(tmp_path, monkeypatch):
    from xltools.consolidate.plans import SUBMISSIONS_DIR, plan_consolidate
    from xltools.excel import buttons
    from xltools.excel import live
    from xltools.master.plans import Formula

    master = _master(tmp_path / "主表.xlsm")
    small_folder(tmp_path / SUBMISSIONS_DIR)
    written = {}
    monkeypatch.setattr(live, "read_book", lambda book: load_book(book.fullname))
    monkeypatch.setattr(live, "write_edits", lambda book, edits: written.update(edits) or 0)
    message = buttons.consolidate(book=_StandIn(master))
    assert message.startswith("完成")
    cells = written[L.SUMMARY_SHEET]
    c0 = block_column()
    assert cells[(1, c0)] == BLOCK_TITLE
    dept = next(r for (r, c), v in cells.items() if c == c0 and v == "局机关及二级机构汇总")
    # small_folder by hand: 100+239.8+100 / 187+239.8+100 / 146.06+214.78+62.7
    got = [cells[(dept, c0 + k)] for k in (2, 3, 4)]
    assert all(isinstance(v, Formula) for v in got)
    assert [v.value for v in got] == pytest.approx([439.8, 526.8, 423.54])
    # The terminal twin's side effects: output workbook and ledger beside the master.
    assert (tmp_path / "整体支出汇总.xlsx").exists()
    assert (tmp_path / "整体支出汇总.ledger.sqlite").exists()
    assert plan_consolidate(load_book(master), str(master))[L.SUMMARY_SHEET] == cells


def test_button_without_folder_says_what_to_do(tmp_path, monkeypatch):
    from xltools.excel import buttons
    from xltools.excel import live

    master = _master(tmp_path / "主表.xlsx")
    monkeypatch.setattr(live, "read_book", lambda book: load_book(book.fullname))

    class _Alerts(_StandIn):
        shown: list = []

        class app:  # noqa: N801 - mimics xlwings' book.app
            status_bar = ""

            @staticmethod
            def alert(text, title=""):
                _Alerts.shown.append(text)

    message = buttons.consolidate(book=_Alerts(master))
    assert "下级报送" in message and _Alerts.shown == [message]
