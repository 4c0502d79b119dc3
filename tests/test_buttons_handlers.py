"""The Python side of every button, driven headless on a stand-in for the
xlwings book (tests/buttons_fakes.py): the same planner as the terminal twin,
so the live book ends with the cells the file twin writes."""
from __future__ import annotations

from pathlib import Path

import pytest

import xltools.excel.buttons as buttons
from buttons_fakes import FakeBook
from buttons_fixtures import build_xlsx, buttons_for
from xltools.master import layout as L
from xltools.core.issues import SEVERITY_TEXT
from xltools.core.addresses import to_a1
from xltools.excel import live
from xltools.xlsx.package import Package, read_cells, shared_strings
from legacy_master import make_xlsm
from xltools.profiles import load_profile
from xltools.master.plans import plan_recalc
from xltools.xlsx.edits import Formula, Plan
from xltools.master.twins import recalc_file
from xltools.containers.workbook import load_book


@pytest.fixture
def master(tmp_path) -> Path:
    xlsx = build_xlsx(tmp_path / "m.xlsx")
    return make_xlsm(xlsx, tmp_path / "主表.xlsm", buttons_for(xlsx))


@pytest.fixture
def real_master(tmp_path) -> Path:
    from xltools.master.build import MasterSpec, write_master

    path = tmp_path / "real.xlsm"
    write_master(path, MasterSpec(department="某区行政审批服务局", year=2022,
                                  units=["局机关"], forms=[None, None]))
    return path


def shown(book: FakeBook, sheet: str, row: int, col: int):
    s = book.sheets[sheet]
    return s.formulas.get((row, col)) or s.values.get((row, col))


def test_live_book_reads_like_the_file(master):
    from_file = load_book(master)
    from_live = live.read_book(FakeBook.from_file(master))
    assert [g.name for g in from_live.sheets] == [g.name for g in from_file.sheets]
    for a, b in zip(from_file.sheets, from_live.sheets):
        for r in range(1, a.max_row + 1):
            for c in range(1, a.max_col + 1):
                if not a.is_formula(r, c):
                    assert a.get(r, c) == b.get(r, c), (a.name, r, c)
        assert a.formulas == b.formulas, a.name
        assert sorted(a.merged) == sorted(b.merged), a.name
        assert a.percent_cells == b.percent_cells, a.name
        assert a.hidden == b.hidden


def test_live_and_file_read_the_same_forms(tmp_path):
    """A master filled from the seed-001 examples: the button's reading of the
    open book gives the same checked records as the terminal twin's."""
    from xltools.project.checks import check_form
    from xltools.cli import main
    from xltools.project.reader import read_forms
    from xltools.project.report import CheckedForm

    examples = Path(__file__).resolve().parent.parent / "examples"
    master = tmp_path / "seed.xlsm"
    assert main(["new", str(master), "--from", str(examples)]) == 0
    profile = load_profile()

    def records(book):
        return [CheckedForm(f, check_form(f, profile), profile).record()
                for f in read_forms(book).forms]

    from_file = records(load_book(master))
    from_live = records(live.read_book(FakeBook.from_file(master)))
    assert len(from_file) >= 8
    assert from_live == from_file


def test_recalculate_button_matches_terminal_twin(master):
    book = FakeBook.from_file(master)
    live_plan = plan_recalc(live.read_book(FakeBook.from_file(master)), load_profile())
    message = buttons.recalculate(book=book)
    assert message.startswith("已重算：2 个项目")
    assert book.app.status_bar == message
    plan = recalc_file(master, load_profile()).plan
    assert plan == live_plan  # one planner, two doors: the same edits
    pkg = Package.load(master)
    strings = shared_strings(pkg)
    for sheet, cells in plan.edits.items():
        file_cells = read_cells(pkg.text(pkg.sheet_part(sheet)), strings)
        for (row, col), value in cells.items():
            live_value = shown(book, sheet, row, col)
            if isinstance(value, Formula):
                assert live_value == value.text
                assert file_cells.get(to_a1(row, col)) is not None or value.value in (None, "")
            elif value is None:
                assert live_value is None and to_a1(row, col) not in file_cells
            else:
                assert live_value == value == file_cells[to_a1(row, col)], (sheet, row, col)


def test_protected_sheets_are_unprotected_and_protected_again(real_master):
    book = FakeBook.from_file(real_master)
    project = book.sheets["项目1"]
    assert project.api.ProtectContents, "part A protects project sheets"
    buttons.recalculate(book=book)
    assert project.api.calls == ["Unprotect", "Protect"]
    assert project.api.ProtectContents


def test_check_button_lists_problems_and_shows_the_sheet(master):
    book = FakeBook.from_file(master)
    message = buttons.check_book(book=book)
    assert "校验完成" in message and book.active == L.CHECKS_SHEET
    codes = [book.sheets[L.CHECKS_SHEET].values.get((r, L.CHECKS_COL["code"]))
             for r in range(L.CHECKS_FIRST_ROW, L.CHECKS_FIRST_ROW + 50)]
    assert "deduction_without_reason" in codes
    severities = {book.sheets[L.CHECKS_SHEET].values.get((r, L.CHECKS_COL["severity"]))
                  for r in range(L.CHECKS_FIRST_ROW, L.CHECKS_FIRST_ROW + 50)} - {None}
    assert severities <= set(SEVERITY_TEXT.values())


def test_add_project_button(real_master):
    book = FakeBook.from_file(real_master)
    before = book.sheets.names
    message = buttons.add_project(book=book)
    assert message == "已新增项目表“项目3”"
    names = book.sheets.names
    assert names.index("项目3") == names.index("项目2") + 1
    assert set(names) - set(before) == {"项目3"}
    new, template = book.sheets["项目3"], book.sheets["项目2"]
    assert new.formulas == template.formulas          # formulas kept
    assert new.api.ProtectContents
    summary = book.sheets[L.SUMMARY_SHEET]
    row = L.SUMMARY_FIRST_ROW + 2
    assert summary.values[(row, L.SUMMARY_COL["sheet"])] == "项目3"
    assert summary.values[(row + 1, L.SUMMARY_COL["sheet"])] == L.SUMMARY_TOTAL_LABEL
    # the grown table took the formats of a project row and of the 合计 row
    assert summary.styles[(row, 1)] == summary.styles[(L.SUMMARY_FIRST_ROW, 1)]
    assert summary.page_setup.print_area == f"A1:{to_a1(row + 1, len(L.SUMMARY_COLUMNS))}"


def test_add_project_refuses_a_taken_name(master):
    book = FakeBook.from_file(master)
    message = buttons.add_project(book=book, name="项目1")
    assert message.startswith("操作未完成") and book.app.alerts == [message]


# button                  planner contract (PLANNERS), delegated with the live book
DELEGATED = ["consolidate", "evaluate_department"]


@pytest.mark.parametrize("handler", DELEGATED)
def test_delegated_buttons_write_what_their_planner_returns(handler, master, monkeypatch):
    import sys
    import types

    seen = {}

    def planner(book, master_path):
        seen["sheets"] = [g.name for g in book.sheets]
        seen["path"] = master_path
        return {L.CHECKS_SHEET: {(L.CHECKS_FIRST_ROW, 1): "done"}}

    module = types.ModuleType("xltools_test_planner")
    module.plan = planner
    monkeypatch.setitem(sys.modules, "xltools_test_planner", module)
    monkeypatch.setitem(buttons.PLANNERS, handler, "xltools_test_planner:plan")
    book = FakeBook.from_file(master)
    message = getattr(buttons, handler)(book=book)
    assert message.startswith("完成")
    assert seen["path"] == str(master) and "项目1" in seen["sheets"]
    assert book.sheets[L.CHECKS_SHEET].values[(L.CHECKS_FIRST_ROW, 1)] == "done"


@pytest.mark.parametrize("handler", DELEGATED)
def test_missing_planner_is_a_message_not_a_traceback(handler, master, monkeypatch):
    monkeypatch.setitem(buttons.PLANNERS, handler, "xltools.no_such_module:plan")
    book = FakeBook.from_file(master)
    message = getattr(buttons, handler)(book=book)
    assert "还不支持" in message and book.app.alerts == [message]


def test_apply_plan_writes_runs_and_formulas():
    book = FakeBook("x.xlsm")
    from buttons_fakes import FakeSheet

    sheet = FakeSheet(book, "S")
    book.sheets._list.append(sheet)
    plan = Plan(edits={"S": {(1, 1): 1, (1, 2): 2, (1, 4): "四", (2, 1): Formula("=A1+B1", 3),
                             (2, 2): None, (3, 1): "=完成", (3, 2): "-5"}})
    assert live.apply_plan(book, plan) == 7
    # clerk text that Excel would take for a formula or a number stays text
    assert sheet.values == {(1, 1): 1, (1, 2): 2, (1, 4): "四", (3, 1): "=完成", (3, 2): "-5"}
    assert sheet.quoted == {(3, 1), (3, 2)}
    assert sheet.formulas == {(2, 1): "=A1+B1"}
