"""`xltools new --no-macros` (issue 12.5): an .xlsx master with no VBA project,
the same sheets, validations and formulas as the .xlsm — LibreOffice
recalculates both to the same values — and where each button was, the
terminal command that does the same."""
from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from master_fixtures import SUBMISSIONS, libreoffice_convert
from xltools.cli import main
from xltools.master import layout as L
from xltools.project.layout import ProjectLayout

ARGS = ["--department", "株洲市行政审批服务局", "--year", "2022", "--units", "局机关,数据资源中心,政务服务中心",
        "--from", str(SUBMISSIONS)]


@pytest.fixture(scope="module")
def masters(tmp_path_factory):
    src = tmp_path_factory.mktemp("nomacros")
    assert main(["new", str(src / "主表.xlsm"), *ARGS]) == 0
    assert main(["new", str(src / "主表.xlsx"), "--no-macros", *ARGS]) == 0
    # same name, so the cells that name the master agree: one conversion each
    lo_m = libreoffice_convert([src / "主表.xlsm"], tmp_path_factory.mktemp("nomacros-lo-m"))
    lo_x = libreoffice_convert([src / "主表.xlsx"], tmp_path_factory.mktemp("nomacros-lo-x"))
    return {"xlsm": src / "主表.xlsm", "xlsx": src / "主表.xlsx",
            "lo_xlsm": lo_m["主表.xlsm"], "lo_xlsx": lo_x["主表.xlsx"]}


def buttons_for(wb) -> list[tuple[str, str, str, str, int, int]]:
    """(sheet, anchor, caption, macro, width, height) of every button layout.BUTTONS
    puts on this workbook ("project": every project sheet)."""
    projects = [ws.title for ws in wb.worksheets
                if ProjectLayout.find(lambda r, c, ws=ws: ws.cell(r, c).value) is not None]
    out = []
    for key, anchor, caption, macro in L.BUTTONS:
        width, height = L.BUTTON_SIZE.get(key, (2, 2))
        for name in (projects if key == "project" else [key]):
            if name in wb.sheetnames:
                out.append((name, anchor, caption, macro, width, height))
    return out


def _note_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {(sheet, anchor): caption for sheet, anchor, caption, _m, _w, _h in buttons_for(wb)}


def test_no_vba_project(masters):
    with zipfile.ZipFile(masters["xlsx"]) as zf:
        names = zf.namelist()
        types = zf.read("[Content_Types].xml").decode("utf-8")
    assert not [n for n in names if "vbaProject" in n]
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert not [n for n in names if n.endswith(".vml")]  # no buttons either


def test_notes_where_the_buttons_were(masters):
    wb = openpyxl.load_workbook(masters["xlsx"])
    macros = {(s, a): m for s, a, _c, m, _w, _h in buttons_for(wb)}
    assert len(macros) >= 10
    for (sheet, anchor), macro in macros.items():
        text = wb[sheet][anchor].value
        twin = L.TERMINAL_TWINS[macro]
        if twin:
            assert text.endswith("在命令行运行 " + twin.format(file="主表.xlsx")), (sheet, anchor, text)
        else:
            assert "需要启用宏的 .xlsm 主表" in text
    assert "xltools recalc 主表.xlsx" in wb[L.INSTRUCTIONS_SHEET]["D3"].value


def test_same_sheets_validations_and_formulas(masters):
    a = openpyxl.load_workbook(masters["xlsm"])
    b = openpyxl.load_workbook(masters["xlsx"])
    assert a.sheetnames == b.sheetnames
    notes = _note_cells(masters["xlsx"])
    for ws in a.worksheets:
        other = b[ws.title]
        assert sorted((str(dv.sqref), dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation) \
            == sorted((str(dv.sqref), dv.type, dv.formula1, dv.formula2) for dv in other.data_validations.dataValidation)
        if ws.title == L.INSTRUCTIONS_SHEET:
            continue  # its text tells how to work without buttons (other lines, other merges)
        assert sorted(str(r) for r in ws.merged_cells.ranges) == sorted(str(r) for r in other.merged_cells.ranges)
        for row in ws.iter_rows():
            for cell in row:
                if (ws.title, cell.coordinate) in notes:
                    continue
                assert cell.value == other[cell.coordinate].value, f"{ws.title}!{cell.coordinate}"


def test_libreoffice_computes_the_same_values(masters):
    a = openpyxl.load_workbook(masters["lo_xlsm"], data_only=True)
    b = openpyxl.load_workbook(masters["lo_xlsx"], data_only=True)
    notes = _note_cells(masters["xlsx"])
    compared = 0
    for ws in a.worksheets:
        if ws.title == L.INSTRUCTIONS_SHEET:
            continue
        other = b[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if (ws.title, cell.coordinate) in notes:
                    continue
                assert cell.value == other[cell.coordinate].value, f"{ws.title}!{cell.coordinate}"
                compared += isinstance(cell.value, (int, float))
    assert compared > 500  # the figures of eight project sheets, the summary and the department sheets


def test_instructions_explain_working_without_macros(masters):
    wb = openpyxl.load_workbook(masters["xlsx"])
    text = "\n".join(str(c.value) for row in wb[L.INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    assert "本文件没有宏" in text and "xltools recalc 主表.xlsx" in text and "安全软件" in text
    macro = openpyxl.load_workbook(masters["xlsm"])
    text = "\n".join(str(c.value) for row in macro[L.INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    assert "解除锁定" in text and "受信任位置" in text and "--no-macros" in text


def test_no_macros_needs_an_xlsx_name(tmp_path, capsys):
    assert main(["new", str(tmp_path / "主表.xlsm"), "--no-macros"]) == 2
    assert "请把文件名改为 主表.xlsx" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_terminal_twins_work_on_the_xlsx_master(masters, tmp_path, capsys):
    import shutil

    master = Path(shutil.copy(masters["xlsx"], tmp_path / "主表.xlsx"))
    assert main(["recalc", str(master)]) == 1  # the seed forms have errors: exits like check
    assert main(["add-project", str(master)]) == 0
    assert "项目9" in openpyxl.load_workbook(master).sheetnames
    assert main(["check", str(master)]) == 1
    assert "Traceback" not in capsys.readouterr().err
