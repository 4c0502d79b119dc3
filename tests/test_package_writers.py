"""Valid OOXML as other programs write it goes through `xltools recalc`,
`add-project` and `consolidate --master` unharmed: a namespace prefix
(`<x:worksheet>`), single-quoted attributes, shared or inline strings, a master
saved by LibreOffice, one rewritten by XlsxWriter.  For each: the values the
planner says are in the file (read back by openpyxl, not by xltools), every
part the edit does not need keeps its bytes (VBA project, buttons' VML and
drawings, form-control properties), and inside a rewritten sheet the
validations, merges, formats and controls are the same XML as before.
LibreOffice tests fail, never skip, without soffice."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from consolidate_helpers import cli, small_folder
from master_fixtures import SUBMISSIONS, libreoffice_convert
from package_fixtures import (kept_structure, with_inline_strings, with_prefix, with_single_quotes,
                              with_xlsxwriter, zip_parts)
from xltools.consolidate.plans import BLOCK_TITLE, block_column
from xltools.core.addresses import to_a1
from xltools.master import layout as L
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.master.twins import add_project_file, recalc_file
from xltools.profiles import load_profile
from xltools.xlsx.edits import Formula
from xltools.xlsx.package import Package
from xltools.xlsx.text import cell_text

PROFILE = load_profile()
# variant            how the master is made from the one xltools writes
VARIANTS = {
    "openpyxl":       None,                    # as `xltools new` writes it
    "x-prefix":       with_prefix,             # <x:worksheet xmlns:x="…main">
    "single-quotes":  with_single_quotes,      # <c r='A1' s='3'>
    "inline-strings": with_inline_strings,     # <c t="inlineStr"><is><t>…
    "xlsxwriter":     with_xlsxwriter,         # XlsxWriter: its own styles, VBA, buttons
    "libreoffice":    "soffice",               # saved by LibreOffice Calc as .xlsm
}
#: Parts that are never rewritten by an edit of cells.
NEVER_TOUCHED = ("xl/vbaProject.bin", ".vml", "/drawings/", "/ctrlProps/", "/theme/",
                 "printerSettings", "docProps/")


@pytest.fixture(scope="module")
def masters(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("writers")
    forms, _notes = forms_from([SUBMISSIONS])
    src = write_master(base / "xltools.xlsm", MasterSpec(
        department="株洲市行政审批服务局", year=2022, units=["局机关", "数据资源中心", "政务服务中心"],
        forms=forms), PROFILE)
    out = {}
    for name, make in VARIANTS.items():
        if make is None:
            out[name] = src
        elif make == "soffice":
            copy = base / "lo-in" / "master.xlsm"
            copy.parent.mkdir()
            shutil.copy(src, copy)
            out[name] = libreoffice_convert([copy], base / "lo-out", fmt="xlsm")["master.xlsm"]
        else:
            out[name] = make(src, base / f"{name}.xlsm")
    return out


def _copy(masters, variant, tmp_path) -> Path:
    target = tmp_path / f"主表-{variant}.xlsm"
    shutil.copy(masters[variant], target)
    return target


def _kept_bytes(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    for name, data in before.items():
        if any(mark in name for mark in NEVER_TOUCHED):
            assert after.get(name) == data, name


def _kept_elements(before: Path, after: Path, sheets: list[str]) -> None:
    a, b = Package.load(before), Package.load(after)
    for sheet in sheets:
        assert kept_structure(b.parts[b.sheet_part(sheet)]) == \
            kept_structure(a.parts[a.sheet_part(sheet)]), sheet


def _shown(path: Path) -> tuple[openpyxl.Workbook, openpyxl.Workbook]:
    return openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


def _assert_plan_in_file(plan, path: Path) -> None:
    """Every cell of the plan reads back from the file as planned."""
    formulas, values = _shown(path)
    for sheet, cells in plan.edits.items():
        for (row, col), value in cells.items():
            f_cell, v_cell = formulas[sheet].cell(row, col), values[sheet].cell(row, col).value
            where = (sheet, to_a1(row, col))
            if isinstance(value, Formula):
                assert f_cell.value == value.text, where
                if isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
                    assert v_cell == pytest.approx(value.value), where
                else:
                    assert (v_cell or "") == (value.value or ""), where
            elif value is None:
                assert f_cell.value is None, where
            elif isinstance(value, str):
                assert f_cell.value == cell_text(value) and f_cell.data_type == "s", where
            else:
                assert f_cell.value == pytest.approx(value), where


@pytest.mark.parametrize("variant", VARIANTS)
def test_recalc(masters, variant, tmp_path):
    master = _copy(masters, variant, tmp_path)
    before_path = tmp_path / "before.xlsm"
    shutil.copy(master, before_path)
    done = recalc_file(master, PROFILE)
    assert len([c for (r, c) in done.plan.edits[L.SUMMARY_SHEET]
                if c == L.SUMMARY_COL["index"] and r >= L.SUMMARY_FIRST_ROW]) >= 8
    _assert_plan_in_file(done.plan, master)
    _kept_bytes(zip_parts(before_path), zip_parts(master))
    _kept_elements(before_path, master, list(done.plan.edits))
    # a second run finds nothing to change: the file is left as it is, no new backup
    backups = sorted(tmp_path.glob("主表-*.bak.xlsm"))
    data = master.read_bytes()
    assert recalc_file(master, PROFILE).changed is False
    assert master.read_bytes() == data and sorted(tmp_path.glob("主表-*.bak.xlsm")) == backups


@pytest.mark.parametrize("variant", VARIANTS)
def test_add_project(masters, variant, tmp_path):
    master = _copy(masters, variant, tmp_path)
    before_path = tmp_path / "before.xlsm"
    shutil.copy(master, before_path)
    done = add_project_file(master, PROFILE)
    new = done.plan.new_projects[0]
    _assert_plan_in_file(done.plan, master)
    _kept_bytes(zip_parts(before_path), zip_parts(master))
    pkg_a, pkg_b = Package.load(before_path), Package.load(master)
    names_a = [n for n, _p, _r in pkg_a.sheets()]
    names_b = [n for n, _p, _r in pkg_b.sheets()]
    assert names_b == names_a[:names_a.index(new.template) + 1] + [new.name] + \
        names_a[names_a.index(new.template) + 1:]
    # the copy has its template's validations, merges, formats, controls
    assert kept_structure(pkg_b.parts[pkg_b.sheet_part(new.name)]) == \
        kept_structure(pkg_a.parts[pkg_a.sheet_part(new.template)])
    # its own local names (print titles / area), the template's kept
    index = str(names_b.index(new.name))
    local = {a["name"]: v for a, v in pkg_b.defined_names() if a.get("localSheetId") == index}
    template_local = {a["name"] for a, v in pkg_a.defined_names()
                      if a.get("localSheetId") == str(names_a.index(new.template))}
    assert set(local) == template_local
    assert all(v.startswith(f"'{new.name}'!") for v in local.values())
    # listed in 整体支出
    formulas, _values = _shown(master)
    listed = [formulas[L.SUMMARY_SHEET].cell(r, L.SUMMARY_COL["sheet"]).value
              for r in range(L.SUMMARY_FIRST_ROW, L.SUMMARY_FIRST_ROW + 12)]
    assert new.name in listed


@pytest.mark.parametrize("variant", VARIANTS)
def test_consolidate_master(masters, variant, tmp_path):
    master = _copy(masters, variant, tmp_path)
    before = zip_parts(master)
    folder = small_folder(tmp_path / "subs")
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--master", master, "--quiet") == 0
    _kept_bytes(before, zip_parts(master))
    formulas, values = _shown(master)
    c0 = block_column()
    assert formulas[L.SUMMARY_SHEET].cell(1, c0).value == BLOCK_TITLE
    sums = [r for r in range(1, 40)
            if values[L.SUMMARY_SHEET].cell(r, c0).value == "局机关及二级机构汇总"]
    # small_folder by hand: 100+239.8+100 / 187+239.8+100 / 146.06+214.78+62.7
    row = sums[0]
    assert [values[L.SUMMARY_SHEET].cell(row, c0 + k).value for k in (2, 3, 4)] == \
        pytest.approx([439.8, 526.8, 423.54])
    # the master's own summary (left of the block) is as it was
    a = openpyxl.load_workbook(masters[variant], data_only=True)[L.SUMMARY_SHEET]
    for r in range(1, 20):
        for c in range(1, len(L.SUMMARY_COLUMNS) + 1):
            assert values[L.SUMMARY_SHEET].cell(r, c).value == a.cell(r, c).value, (r, c)
    # re-run: nothing to change, the master is left alone
    data = master.read_bytes()
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--master", master, "--quiet") == 0
    assert master.read_bytes() == data
