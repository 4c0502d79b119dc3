"""One planner, two appliers: the button (the open book, through
`xltools.excel.live`, driven on a stand-in) and its terminal twin (the file,
through `xltools.xlsx.apply`) plan the same edits from the same workbook and
end with the same cells."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

import xltools.excel.buttons as buttons
from buttons_fakes import FakeBook
from consolidate_helpers import cli, small_folder
from xltools.consolidate.job import run_job
from xltools.consolidate.plans import SUBMISSIONS_DIR, block_column, plan_block
from xltools.excel import live
from xltools.master import layout as L
from xltools.project import layout as P
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.master.plans import plan_add_project, plan_recalc
from xltools.master.twins import add_project_file
from xltools.profiles import load_profile
from xltools.xlsx.apply import read

from master_fixtures import SUBMISSIONS

PROFILE = load_profile()
SPEC = dict(department="株洲市行政审批服务局", year=2022, units=["局机关", "数据资源中心", "政务服务中心"])


@pytest.fixture(scope="module")
def seed_master(tmp_path_factory) -> Path:
    forms, _notes = forms_from([SUBMISSIONS])
    return write_master(tmp_path_factory.mktemp("doors") / "主表.xlsm",
                        MasterSpec(forms=forms[:3], **SPEC), PROFILE)


def _file_cells(path: Path, sheet: str, cols: range) -> dict[tuple[int, int], object]:
    formulas = openpyxl.load_workbook(path)[sheet]
    values = openpyxl.load_workbook(path, data_only=True)[sheet]
    out = {}
    for row in formulas.iter_rows():
        for cell in row:
            if cell.column in cols and cell.value is not None:
                rc = (cell.row, cell.column)
                out[rc] = cell.value if cell.data_type == "f" else values.cell(*rc).value
    return out


def _live_cells(book: FakeBook, sheet: str, cols: range) -> dict[tuple[int, int], object]:
    s = book.sheets[sheet]
    return {rc: s.formulas.get(rc, s.values.get(rc)) for rc in set(s.values) | set(s.formulas)
            if rc[1] in cols}


# planner           how it is asked
PLANNERS = [
    ("recalc",       lambda book: plan_recalc(book, PROFILE)),
    ("add-project",  lambda book: plan_add_project(book, PROFILE)),
]


@pytest.mark.parametrize("name, planner", PLANNERS, ids=[n for n, _p in PLANNERS])
def test_both_doors_plan_the_same_edits(seed_master, name, planner):
    from_file, _pkg = read(seed_master)
    from_live = live.read_book(FakeBook.from_file(seed_master))
    assert planner(from_live) == planner(from_file)


def test_add_project_button_and_twin_end_alike(seed_master, tmp_path):
    master = Path(shutil.copy(seed_master, tmp_path / "主表.xlsm"))
    book = FakeBook.from_file(master)
    message = buttons.add_project(book=book)
    add_project_file(master, PROFILE)
    new = message.split("“")[1].split("”")[0]
    cols = range(1, P.LAST_COL + 1)
    file_cells, live_cells = _file_cells(master, new, cols), _live_cells(book, new, cols)
    # the fake does not calculate: compare what is not a formula, and the formula texts
    assert {rc: v for rc, v in file_cells.items() if not _formula(v)} == \
        {rc: v for rc, v in live_cells.items() if not _formula(v)}
    assert {rc: v for rc, v in file_cells.items() if _formula(v)} == \
        {rc: v for rc, v in live_cells.items() if _formula(v)}
    summary = range(1, len(L.SUMMARY_COLUMNS) + 1)
    file_summary = _file_cells(master, L.SUMMARY_SHEET, summary)
    live_summary = _live_cells(book, L.SUMMARY_SHEET, summary)
    assert {rc: v for rc, v in file_summary.items() if not _formula(v)} == \
        {rc: v for rc, v in live_summary.items() if not _formula(v)}
    assert {rc: v for rc, v in file_summary.items() if _formula(v)} == \
        {rc: v for rc, v in live_summary.items() if _formula(v)}


def _formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def test_consolidate_button_and_twin_write_the_same_block(seed_master, tmp_path):
    master = Path(shutil.copy(seed_master, tmp_path / "主表.xlsm"))
    folder = small_folder(tmp_path / SUBMISSIONS_DIR)
    # the planner, asked through both doors with the same consolidation
    job = run_job([str(folder)], PROFILE, tmp_path / "check.xlsx", exclude=[str(master)])
    try:
        from_file = plan_block(read(master)[0], job.data)
        from_live = plan_block(live.read_book(FakeBook.from_file(master)), job.data)
    finally:
        job.close()
    assert from_live == from_file
    # the button on the open book, the terminal twin on the file
    book = FakeBook.from_file(master)
    assert buttons.consolidate(book=book).startswith("完成")
    assert cli("consolidate", folder, "-o", tmp_path / "整体支出汇总.xlsx", "--master", master,
               "--quiet") == 0
    block = range(block_column(), block_column() + 12)
    file_block, live_block = _file_cells(master, L.SUMMARY_SHEET, block), \
        _live_cells(book, L.SUMMARY_SHEET, block)
    assert file_block == live_block
