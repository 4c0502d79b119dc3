"""LibreOffice opens the masters `xltools new` writes (.xlsx, the packaged .xlsm,
the macro-free unit file), recalculates every formula (private profile with
OOXMLRecalcMode = 0), and saves a copy in which

- no cell holds an error value;
- every formula cell shows the engine's number;
- the 二级指标 / 实施单位 dropdown sources give the right lists;
- the engine's reader finds the same forms the master was built from.

One soffice call converts every file (module-scoped fixture).  Without
LibreOffice these tests fail: `.ci/run` installs it.
"""
from __future__ import annotations

import openpyxl
import pytest

from xltools.department.layout import DEPARTMENT_SHEETS

from xltools.master import layout as L
from xltools.project import layout as P
from xltools.master.build import MasterSpec, build_master, forms_from, write_master
from xltools.profiles import load_profile
from xltools.project.reader import read_forms
from xltools.core.values import normalize_text
from xltools.containers.workbook import load_book

from master_fixtures import (MISMATCH_CASES, MISMATCH_COL, PROBE_SHEET, SUBMISSIONS, TYPED,
                             add_probe_sheet, error_cells, expected_numbers, formula_cells,
                             libreoffice_convert, probe_expected, probe_values, project_sheets,
                             same, typed_expected, typed_master)

PROFILE = load_profile("national")
UNITS = ["局机关", "数据资源中心", "政务服务中心"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The workbooks xltools writes, and their LibreOffice-recalculated copies."""
    src = tmp_path_factory.mktemp("master-src")
    forms, notes = forms_from([SUBMISSIONS])
    assert not notes and len(forms) == 8
    spec = dict(department="株洲市行政审批服务局", year=2022, units=UNITS)
    files = {
        "seed.xlsx": write_master(src / "seed.xlsx", MasterSpec(forms=forms, **spec), PROFILE),
        "seedm.xlsm": write_master(src / "seedm.xlsm", MasterSpec(forms=forms, **spec), PROFILE),
        "unit.xlsx": write_master(src / "unit.xlsx", MasterSpec(forms=forms[:2], for_unit="数据资源中心",
                                                                 **spec), PROFILE),
    }
    files["typed.xlsx"], _ = typed_master(src / "typed.xlsx", PROFILE, **spec)
    build_master(src / "probe.xlsx", MasterSpec(**spec), PROFILE)
    files["probe.xlsx"] = add_probe_sheet(src / "probe.xlsx")
    files["stale.xlsx"] = _stale_copy(files["seed.xlsx"], src / "stale.xlsx")
    out = libreoffice_convert(list(files.values()), tmp_path_factory.mktemp("master-lo"))
    return {"forms": forms, "src": files, "lo": out}


def _stale_copy(path, target):
    """The seed master with a wrong value cached in every formula of its first
    project sheet: LibreOffice must recalculate, not show the cache."""
    from xltools.project import formulas as F
    from xltools.core.addresses import from_a1
    from xltools.xlsx.package import Package, set_cells
    from xltools.master.plans import Formula

    pkg = Package.load(path)
    ws, lay = project_sheets(openpyxl.load_workbook(path))[0]
    cells = {from_a1(c): Formula(text, 999) for c, text in F.project_formulas(lay, PROFILE).items()}
    part = pkg.sheet_part(ws.title)
    pkg.put(part, set_cells(pkg.text(part), cells))
    pkg.save(target)
    return target


def test_libreoffice_recalculates_stale_values(built):
    """The private profile's OOXMLRecalcMode = 0 makes LibreOffice recompute
    cached values: 999 cached in the source, the engine's figure in the copy."""
    src = openpyxl.load_workbook(built["src"]["stale.xlsx"], data_only=True)
    wb = openpyxl.load_workbook(built["lo"]["stale.xlsx"], data_only=True)
    ws, lay = project_sheets(openpyxl.load_workbook(built["src"]["stale.xlsx"]))[0]
    expected = expected_numbers(built["forms"][0], PROFILE)
    for key, cell in formula_cells(lay).items():
        assert src[ws.title][cell].value == 999
        assert same(wb[ws.title][cell].value, expected[key]), f"{ws.title}!{cell} ({key})"


@pytest.mark.parametrize("name", ["seed.xlsx", "seedm.xlsm", "unit.xlsx", "typed.xlsx", "probe.xlsx"])
def test_no_error_values(built, name):
    wb = openpyxl.load_workbook(built["lo"][name], data_only=True)
    bad = [b for ws in wb.worksheets for b in error_cells(ws)]
    assert not bad, "\n".join(bad)
    formulas_seen = sum(1 for ws in openpyxl.load_workbook(built["src"][name]).worksheets
                        if ws.title != L.CONF_SHEET for row in ws.iter_rows() for c in row
                        if isinstance(c.value, str) and c.value.startswith("="))
    assert formulas_seen > 10  # the copy checked really had formulas to compute


def test_typed_formulas_in_libreoffice(built):
    wb = openpyxl.load_workbook(built["lo"]["typed.xlsx"], data_only=True)
    sheets = [ws for ws in wb.worksheets if P.ProjectLayout.find(lambda r, c, ws=ws: ws.cell(r, c).value)]
    assert len(sheets) == len(TYPED)
    wrong = []
    for ws, case in zip(sheets, TYPED):
        lay = P.ProjectLayout.find(lambda r, c: ws.cell(r, c).value)
        expected = typed_expected(case, PROFILE)
        for key, cell in formula_cells(lay).items():
            got = ws[cell].value
            if not same(got, expected[key]):
                wrong.append(f"{ws.title}!{cell} ({key}, case {case[0]}): LibreOffice {got!r}, engine {expected[key]!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ["seed.xlsx", "seedm.xlsm"])
def test_seed_formulas_in_libreoffice(built, name):
    """The rule's figures beside each form read in (J:K) are the engine's."""
    wb = openpyxl.load_workbook(built["lo"][name], data_only=True)
    wrong = []
    for ws, lay in project_sheets(wb):
        form = next(f for f in built["forms"] if f.name.text.strip() == ws[lay.name_cell].value)
        expected = expected_numbers(form, PROFILE)
        rule = {"execution_rate": lay.rule_rate_cell, "budget_score": lay.rule_budget_score_cell,
                "total_weight": lay.total_weight_cell}
        for key, cell in rule.items():
            if not same(ws[cell].value, expected[key]):
                wrong.append(f"{ws.title}!{cell} ({key}): LibreOffice {ws[cell].value!r}, engine {expected[key]!r}")
    assert len(project_sheets(wb)) == 8
    assert not wrong, "\n".join(wrong)


def _fields(form) -> dict:
    """A form's typed content, comparable across files."""
    def v(value):
        if value is None or value.empty:
            return None
        return value.number if value.parsed.is_number else normalize_text(value.raw)

    out = {"name": v(form.name), "unit": v(form.unit), "goal_expected": v(form.goal_expected),
           "goal_actual": v(form.goal_actual)}
    for line in form.budget_lines:
        out[line.label] = (v(line.budget_initial), v(line.budget_full_year), v(line.spent))
    total = form.budget_total
    out["budget_weight"] = v(total.weight) if total else None
    out["indicators"] = [
        (ind.level1, ind.level2, v(ind.name), v(ind.target), v(ind.actual), v(ind.weight),
         v(ind.score), v(ind.deviation_note))
        for ind in form.indicators]
    return out


@pytest.mark.parametrize("name", ["seed.xlsx", "seedm.xlsm"])
def test_reader_reads_libreoffice_copy_back(built, name):
    result = read_forms(load_book(built["lo"][name]))
    # xlwings.conf and lists are hidden (never printed), so the reader passes them by
    assert [s for s, _ in result.skipped] == [L.INSTRUCTIONS_SHEET, L.BASE_SHEET, L.SUMMARY_SHEET,
                                              *DEPARTMENT_SHEETS, L.CHECKS_SHEET]
    assert len(result.forms) == 8
    for got, source in zip(result.forms, built["forms"]):
        want = _fields(source)
        have = _fields(got)
        for key in want:
            assert have[key] == want[key], f"{got.sheet}: {key}: {have[key]!r} ≠ {want[key]!r}"
        # The unit's own figures read back as the unit stated them.
        for attr in ("total_score", "grade"):
            stated, back = getattr(source, attr), getattr(got, attr)
            if stated is not None:
                assert back.text.strip() == stated.text.strip() or same(back.number, stated.number), \
                    (got.sheet, attr, back.raw, stated.raw)
        stated, back = source.budget_total.score, got.budget_total.score
        assert (stated is None or stated.empty) == back.empty and same(back.number, stated.number if stated else None)


def test_unit_file_reads_back(built):
    result = read_forms(load_book(built["lo"]["unit.xlsx"]))
    assert [f.name.text for f in result.forms] == [f.name.text.strip() for f in built["forms"][:2]]
    assert {f.unit.text for f in result.forms} <= {"“　一件事一次办”办公室", "株洲市行政审批服务局"}
    wb = openpyxl.load_workbook(built["lo"]["unit.xlsx"])
    assert L.CONF_SHEET not in wb.sheetnames
    assert wb[L.BASE_SHEET][L.BASE_FOR_UNIT_CELL].value == "数据资源中心"


def test_dropdown_lists_in_libreoffice(built):
    ws = openpyxl.load_workbook(built["lo"]["probe.xlsx"], data_only=True)[PROBE_SHEET]
    assert probe_values(lambda r, c: ws.cell(r, c).value) == probe_expected(UNITS)


def test_level2_mismatch_format_in_libreoffice(built):
    """The conditional format's formula marks exactly the 二级 its 一级 does not allow."""
    ws = openpyxl.load_workbook(built["lo"]["probe.xlsx"], data_only=True)[PROBE_SHEET]
    got = [(ws.cell(k, MISMATCH_COL).value, ws.cell(k, MISMATCH_COL + 1).value, ws.cell(k, MISMATCH_COL + 2).value)
           for k in range(1, len(MISMATCH_CASES) + 1)]
    assert got == MISMATCH_CASES


# sheet kind   validation type   formula1 must contain (after LibreOffice re-saved it)
DV_AFTER_LIBREOFFICE = [
    ("list",    P.NAME_LEVEL1),
    ("list",    P.NAME_LEVEL2_HEAD),
    ("list",    P.NAME_UNITS),
    ("custom",  "ISNUMBER"),
    ("decimal", "0"),
]


@pytest.mark.parametrize("kind,needle", DV_AFTER_LIBREOFFICE)
def test_validations_survive_libreoffice(built, kind, needle):
    """LibreOffice understood every validation: it writes them back."""
    wb = openpyxl.load_workbook(built["lo"]["seed.xlsx"])
    ws, _ = project_sheets(wb)[0]
    found = [dv for dv in ws.data_validations.dataValidation
             if dv.type == kind and needle in (dv.formula1 or "")]
    assert found, [(dv.type, dv.formula1) for dv in ws.data_validations.dataValidation]
