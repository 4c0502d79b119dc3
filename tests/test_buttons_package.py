"""Packaging an .xlsx into the master .xlsm: our VBA and xlwings' module read back
by oletools, every button pointing at a Sub that exists, the xlwings module's
version pinned to the installed xlwings, and nothing else of the workbook
changed."""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser

import xltools.excel.buttons as button_handlers
from buttons_fixtures import build_xlsx, buttons_for, zip_parts
from xltools.master import layout as L
from xltools.master.doctor import button_macros
from xltools.xlsx.package import CT_MAIN_MACRO, Package
from legacy_master import Button, make_xlsm
from xltools.master.vba import MACROS, VERSION_NAME, module_version, vba_subs, xltools_module_source

RUNPYTHON = re.compile(r'RunPython\s+"import (xltools\.excel\.buttons) as b; b\.(\w+)\(\)"')


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("pkg")
    xlsx = build_xlsx(folder / "master.xlsx")
    xlsm = make_xlsm(xlsx, folder / "master.xlsm", buttons_for(xlsx))
    return xlsx, xlsm


@pytest.fixture(scope="module")
def real_master(tmp_path_factory) -> Path:
    """The master as `xltools new` writes it (part A's sheets, our packaging)."""
    from xltools.master.build import MasterSpec, write_master

    path = tmp_path_factory.mktemp("real") / "主表.xlsm"
    write_master(path, MasterSpec(department="某区行政审批服务局", year=2022,
                                  units=["局机关", "数据资源中心"], forms=[None, None]))
    return path


def olevba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {name.rsplit(".", 1)[0]: code for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()


# ------------------------------------------------------------------- VBA
def test_olevba_reads_our_module_and_xlwings(master):
    modules = olevba_modules(master[1])
    assert {"xltools", "xlwings", "ThisWorkbook"} <= set(modules)
    assert "Module1" not in modules  # xlwings' sample module, which imports by book name
    ours = modules["xltools"].replace("\r\n", "\n")
    assert ours.strip() == xltools_module_source().replace("\r\n", "\n").strip()


def test_vba_source_is_ascii():
    xltools_module_source().encode("ascii")


# Sub in macros/xltools.bas   handler in xltools.excel.buttons
SUB_HANDLERS = [
    ("Recalculate",            "recalculate"),
    ("CheckBook",              "check_book"),
    ("Consolidate",            "consolidate"),
    ("AddProject",             "add_project"),
    ("EvaluateDepartment",     "evaluate_department"),
]


@pytest.mark.parametrize("sub,handler", SUB_HANDLERS)
def test_each_sub_runs_a_fixed_python_path(sub, handler):
    source = xltools_module_source()
    body = re.search(rf"Sub {sub}\(\)(.*?)End Sub", source, re.S).group(1)
    module, function = RUNPYTHON.search(body).groups()
    assert (module, function) == ("xltools.excel.buttons", handler)
    assert callable(getattr(button_handlers, function))
    assert "ThisWorkbook.Name" not in body


def test_every_sub_has_a_caption():
    assert set(vba_subs(xltools_module_source())) == set(MACROS)


def test_import_functions_calls_xlwings_import(master):
    """导入自定义函数 runs xlwings' own ImportPythonUDFs, a Sub of its module."""
    source = xltools_module_source()
    body = re.search(r"Sub ImportFunctions\(\)(.*?)End Sub", source, re.S).group(1)
    assert body.strip() == "ImportPythonUDFs"
    assert "ImportPythonUDFs" in vba_subs(olevba_modules(master[1])["xlwings"])


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_every_button_points_at_an_existing_sub(which, master, real_master):
    path = master[1] if which == "fixture" else real_master
    subs = set(vba_subs(olevba_modules(path)["xltools"]))
    buttons = button_macros(path)
    assert buttons, "no buttons found"
    for sheet, caption, macro in buttons:
        assert macro.startswith("[0]!"), macro
        assert macro[4:] in subs, (sheet, caption, macro)
    captions = {(s, c) for s, c, _ in buttons}
    assert (L.INSTRUCTIONS_SHEET, "一键重算") in captions


def test_buttons_of_the_list_are_on_their_sheets(master):
    xlsx, xlsm = master
    expected = sorted((b.sheet, b.caption, "[0]!" + b.macro) for b in buttons_for(xlsx))
    assert sorted(button_macros(xlsm)) == expected


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_xlwings_module_version_is_the_installed_one(which, master, real_master):
    path = master[1] if which == "fixture" else real_master
    modules = olevba_modules(path)
    assert module_version(modules["xlwings"]) == xlwings.__version__
    assert Package.load(path).defined_name(VERSION_NAME) == f'"{xlwings.__version__}"'


# --------------------------------------------------------------- package
def test_macro_enabled_parts(master):
    pkg = Package.load(master[1])
    assert pkg.content_type("xl/workbook.xml") == CT_MAIN_MACRO
    assert pkg.content_type("xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"
    assert any(r.type.endswith("/vbaProject") and pkg.resolve("xl/workbook.xml", r.target)
               == "xl/vbaProject.bin" for r in pkg.rels("xl/workbook.xml"))
    assert 'codeName="ThisWorkbook"' in pkg.text("xl/workbook.xml")


def test_nothing_else_changes(master):
    """Parts of the .xlsx are byte-equal in the .xlsm, except the ones packaging
    must touch; in those, validations and print setup are unchanged."""
    xlsx, xlsm = master
    before, after = zip_parts(xlsx), zip_parts(xlsm)
    assert set(before) <= set(after)
    added = set(after) - set(before)
    assert "xl/vbaProject.bin" in added
    assert all(p == "xl/vbaProject.bin" or re.fullmatch(r"xl/drawings/vmlDrawing\d+\.vml", p)
               or re.fullmatch(r"xl/worksheets/_rels/sheet\d+\.xml\.rels", p) for p in added), added
    pkg = Package.load(xlsm)
    touched = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}
    sheets = {part for _n, part, _r in pkg.sheets()}   # code name added, buttons drawn
    for name in before:
        if name in touched or name in sheets or name.endswith(".rels"):
            continue
        assert before[name] == after[name], name
    code_names = [re.search(r'<sheetPr\b[^>]*codeName="([^"]+)"', pkg.text(p)).group(1)
                  for _n, p, _r in pkg.sheets()]
    assert code_names[:2] == ["Sheet1", "Sheet2"] and len(set(code_names)) == len(code_names)
    for part in sheets:
        a, b = before[part].decode(), after[part].decode()
        for tag in ("dataValidations", "conditionalFormatting", "extLst", "pageSetup",
                    "printOptions", "pageMargins", "sheetData", "mergeCells", "cols"):
            assert re.findall(rf"<{tag}\b.*?(?:</{tag}>|/>)", a, re.S) == \
                re.findall(rf"<{tag}\b.*?(?:</{tag}>|/>)", b, re.S), (part, tag)


def test_x14_validation_survives(master):
    pkg = Package.load(master[1])
    assert "<x14:dataValidation " in pkg.text(pkg.sheet_part("项目1"))


def test_buttons_join_an_existing_comment_drawing(tmp_path):
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws["B2"] = "x"
    ws["B2"].comment = Comment("批注", "xltools")
    wb.save(tmp_path / "c.xlsx")
    out = make_xlsm(tmp_path / "c.xlsx", tmp_path / "c.xlsm",
                    [Button("说明", "D2", "一键重算", "Recalculate")])
    pkg = Package.load(out)
    part = pkg.sheet_part("说明")
    assert pkg.text(part).count("<legacyDrawing") == 1
    vml = [pkg.resolve(part, r.target) for r in pkg.rels(part) if r.type.endswith("/vmlDrawing")]
    text = pkg.text(vml[0])
    assert 'ObjectType="Note"' in text and 'ObjectType="Button"' in text
    assert button_macros(out) == [("说明", "一键重算", "[0]!Recalculate")]
    # Still readable by openpyxl, comment included.
    assert openpyxl.load_workbook(out)["说明"]["B2"].comment.text == "批注"


# Button that must be refused                           message contains
BAD_BUTTONS = [
    (Button("没有这张表", "A1", "一键重算", "Recalculate"), "no sheet"),
    (Button("说明", "A1", "一键重算", "NoSuchSub"),         "no Sub"),
]


@pytest.mark.parametrize("button,message", BAD_BUTTONS)
def test_bad_buttons_are_refused(tmp_path, master, button, message):
    with pytest.raises(ValueError, match=message):
        make_xlsm(master[0], tmp_path / "bad.xlsm", [button])
    assert not (tmp_path / "bad.xlsm").exists()


def test_existing_output_is_backed_up(tmp_path, master):
    target = tmp_path / "m.xlsm"
    make_xlsm(master[0], target, [])
    make_xlsm(master[0], target, [])
    assert len(list(tmp_path.glob("m.*.bak.xlsm"))) == 1


def test_openpyxl_still_reads_the_master(master):
    wb = openpyxl.load_workbook(master[1])
    assert wb["项目1"]["B2"].value == "测试项目1"
    assert wb.vba_archive is None  # not loaded with keep_vba; reading is enough
