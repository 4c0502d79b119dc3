"""Every workbook `xltools new` writes carries the values of its formulas, and
prints as published — checked against LibreOffice, not against ourselves:

- the master read from the seed forms (.xlsm), the unit form, a blank master
  and a blank unit form (both as `xltools new` makes them), and the department
  sheets filled with seed 001's figures are converted by LibreOffice with every
  formula recalculated on load; EVERY formula cell's cached value in the file
  xltools wrote must equal LibreOffice's (numbers within 1e-9 relative, texts
  exactly, blank as blank);
- the same workbooks printed to PDF: each project sheet is exactly one A4 page
  (title and 评价等次 and the 备注 line on the same page), the hidden
  xlwings.conf and lists sheets are not printed.

One soffice call per format (module-scoped fixture).  Without LibreOffice these
tests fail: `.ci/run` installs it.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

from xltools.master import layout as L
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.profiles import load_profile

from master_fixtures import SUBMISSIONS, libreoffice_convert, project_sheets
from test_department_writers import DATA, _master

PROFILE = load_profile("national")
SPEC = dict(department="株洲市行政审批服务局", year=2022, units=["局机关", "数据资源中心", "政务服务中心"])


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    src = tmp_path_factory.mktemp("written")
    forms, notes = forms_from([SUBMISSIONS])
    assert not notes and len(forms) == 8
    files = {
        "master.xlsm": write_master(src / "master.xlsm", MasterSpec(forms=forms, **SPEC), PROFILE),
        "unit.xlsx": write_master(src / "unit.xlsx", MasterSpec(forms=forms[4:6], for_unit="政务服务中心",
                                                                 **SPEC), PROFILE),
        "blank.xlsm": write_master(src / "blank.xlsm", MasterSpec(forms=[None] * 3), PROFILE),
        "blankunit.xlsx": write_master(src / "blankunit.xlsx", MasterSpec(forms=[None] * 3, for_unit=""),
                                       PROFILE),
        "dept.xlsx": _master(src / "dept.xlsx", DATA),
    }
    recalculated = libreoffice_convert(list(files.values()), tmp_path_factory.mktemp("written-lo"))
    pdfs = libreoffice_convert([files[n] for n in ("master.xlsm", "unit.xlsx", "blank.xlsm", "blankunit.xlsx")],
                               tmp_path_factory.mktemp("written-pdf"), fmt="pdf")
    return {"src": files, "lo": recalculated, "pdf": pdfs, "forms": forms}


def _same(ours, theirs) -> bool:
    ours = None if ours == "" else ours
    theirs = None if theirs == "" else theirs
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours == theirs
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs))
    return ours == theirs



@pytest.mark.parametrize("name", ["master.xlsm", "unit.xlsx", "blank.xlsm", "blankunit.xlsx", "dept.xlsx"])
def test_every_formula_cell_carries_libreoffices_value(written, name):
    src, lo = written["src"][name], written["lo"][name]
    formulas = openpyxl.load_workbook(src)
    ours = openpyxl.load_workbook(src, data_only=True)
    theirs = openpyxl.load_workbook(lo, data_only=True)
    compared, wrong = 0, []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                compared += 1
                a = ours[ws.title][cell.coordinate].value
                b = theirs[ws.title][cell.coordinate].value
                if not _same(a, b):
                    wrong.append(f"{ws.title}!{cell.coordinate}: ours {a!r}, LibreOffice {b!r}  ({cell.value[:70]})")
    assert compared > 40, compared  # the file really has formulas
    assert not wrong, f"{len(wrong)} of {compared} formula cells differ:\n" + "\n".join(wrong[:30])


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return ["".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("name", ["master.xlsm", "unit.xlsx", "blank.xlsm", "blankunit.xlsx"])
def test_each_project_form_prints_on_one_page(written, name):
    src = written["src"][name]
    sheets = project_sheets(openpyxl.load_workbook(src))
    pages = _pages(written["pdf"][name])
    form_pages = [p for p in pages if "年度项目支出绩效自评表" in p]
    # a form spilling over would repeat its title rows on a second page
    assert len(form_pages) == len(sheets) > 0, (len(form_pages), len(sheets))
    for page in form_pages:
        assert "评价等次" in page and "备注：一个项目一张表" in page, page[:80]
    names = [ws[lay.name_cell].value for ws, lay in sheets]
    for page, project in zip(form_pages, names):
        if project:
            assert "".join(project.split()) in page, project


@pytest.mark.parametrize("name", ["master.xlsm", "blank.xlsm"])
def test_settings_and_lists_are_not_printed(written, name):
    pages = _pages(written["pdf"][name])
    assert not any(p.startswith("Interpreter_Win") or "UDFModules" in p for p in pages)
    assert not any("（全部）" in p for p in pages)  # the hidden lists sheet
    wb = openpyxl.load_workbook(written["src"][name])
    assert wb[L.CONF_SHEET].sheet_state == "hidden" and wb[L.LISTS_SHEET].sheet_state == "hidden"
