"""No stale values: after `add-project` and `recalc` every formula cell the
planners own carries the value the engine computes for it (a blank sheet's
values are blanks, never the copied 97.5 / 89.39 / 良), and every value cached
anywhere in the file equals what LibreOffice computes when forced to
recalculate the same file.  Also: the fast reader the master commands use
(calamine values plus the XML's formula and percent marks) gives the planners
exactly what openpyxl gives.  LibreOffice tests fail, never skip, without
soffice."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from buttons_fixtures import build_xlsx, buttons_for
from master_fixtures import SUBMISSIONS, libreoffice_convert
from package_fixtures import formula_values
from xltools.containers.workbook import load_book
from xltools.core.addresses import from_a1, to_a1
from xltools.project import formulas as PF
from xltools.project import layout as P
from xltools.containers import xlsx as xlsx_reader
from xltools.master import layout as L
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.master.plans import plan_recalc, project_grids
from xltools.master.twins import add_project_file, recalc_file
from legacy_master import make_xlsm
from xltools.profiles import load_profile
from xltools.xlsx.apply import read

PROFILE = load_profile()
SPEC = dict(department="株洲市行政审批服务局", year=2022, units=["局机关", "数据资源中心", "政务服务中心"])


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Masters after the master commands, and the sources they came from."""
    base = tmp_path_factory.mktemp("values")
    forms, _notes = forms_from([SUBMISSIONS])
    src = {
        "seed": write_master(base / "seed.xlsm", MasterSpec(forms=forms, **SPEC), PROFILE),
        "blank": write_master(base / "blank.xlsx", MasterSpec(forms=[None, None], **SPEC), PROFILE),
    }
    xlsx = build_xlsx(base / "fixture.xlsx")
    src["fixture"] = make_xlsm(xlsx, base / "fixture.xlsm", buttons_for(xlsx))
    out: dict[str, Path] = dict(src)
    for name, path in src.items():
        for step in ("add", "recalc"):
            target = base / f"{name}-{step}{path.suffix}"
            shutil.copy(path, target)
            (add_project_file if step == "add" else recalc_file)(target, PROFILE)
            out[f"{name}-{step}"] = target
    both = base / "seed-add-add.xlsm"  # two sheets added, then recalculated
    shutil.copy(out["seed-add"], both)
    add_project_file(both, PROFILE)
    recalc_file(both, PROFILE)
    out["seed-add-add"] = both
    return out


@pytest.fixture(scope="module")
def recalculated(files, tmp_path_factory) -> dict[str, Path]:
    """LibreOffice's forced recalculation of every edited master (one soffice call)."""
    edited = [p for name, p in files.items() if "-" in name]
    converted = libreoffice_convert(edited, tmp_path_factory.mktemp("values-lo"))
    return {name: converted[p.name] for name, p in files.items() if "-" in name}


def _layouts(path: Path) -> dict[str, P.ProjectLayout]:
    return {grid.name: lay for grid, lay in project_grids(load_book(path))}


# the new sheet copies the last project sheet (项目技术审查会相关费用 in the seed master:
# 执行率 62.7 %, total 95.62 …); what each formula must show on the blank copy
BLANK_COPY = [
    # cell of the layout           the template shows           value on a blank sheet
    ("execution_rate_cell",        0.627,                       ""),     # the unit's stated 62.7 %
    ("budget_score_cell",          None,                        ""),     # the unit left it blank (DOMAIN §5)
    ("total_weight_cell",          97.5,                        10),     # only the budget 分值 10 is filled
    ("total_score_cell",           95.62,                       ""),     # the unit's stated total
    ("grade_cell",                 "优",                        ""),
]


@pytest.mark.parametrize("attr, shown, expected", BLANK_COPY)
def test_new_sheet_holds_no_copied_values(files, attr, shown, expected):
    path = files["seed-add"]
    layouts = _layouts(path)
    values = formula_values(path)
    names = list(layouts)
    new, template = names[-1], names[-2]
    cell = getattr(layouts[new], attr)
    # the template holds the unit's own figure (stated beside computed) or a formula's value
    assert load_book(path).sheet(template).get(*from_a1(cell)) == shown
    assert values[(new, cell)][1] == expected  # the copy: a formula again, showing blank
    summary_row = L.SUMMARY_FIRST_ROW + len(names) - 1
    key = {"execution_rate_cell": "execution_rate", "budget_score_cell": None,
           "total_weight_cell": "total_weight", "total_score_cell": "total_score",
           "grade_cell": "grade"}[attr]
    if key:  # and 整体支出 shows the same
        assert values[(L.SUMMARY_SHEET, to_a1(summary_row, L.SUMMARY_COL[key]))][1] == expected


@pytest.mark.parametrize("name", ["seed-add", "seed-recalc", "blank-add", "blank-recalc",
                                  "fixture-add", "fixture-recalc", "seed-add-add"])
def test_every_owned_formula_has_its_value(files, name):
    path = files[name]
    values = formula_values(path)
    missing = []
    for sheet, lay in _layouts(path).items():
        for a1 in PF.project_formulas(lay, PROFILE):
            if (sheet, a1) in values and values[(sheet, a1)][1] is None:
                missing.append((sheet, a1))
    for (sheet, a1), (_f, value) in values.items():
        if sheet == L.SUMMARY_SHEET and from_a1(a1)[1] <= len(L.SUMMARY_COLUMNS) and value is None:
            missing.append((sheet, a1))
    assert not missing


def _same(ours, theirs) -> bool:
    if ours == "" and theirs in (None, ""):
        return True
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return ours == pytest.approx(theirs, rel=1e-9, abs=1e-9)
    return ours == theirs


@pytest.mark.parametrize("name", ["seed-add", "seed-recalc", "blank-add", "blank-recalc",
                                  "fixture-add", "fixture-recalc", "seed-add-add"])
def test_cached_values_equal_libreoffice(files, recalculated, name):
    ours = formula_values(files[name])
    theirs = openpyxl.load_workbook(recalculated[name], data_only=True)
    checked, wrong = 0, []
    for (sheet, a1), (formula, value) in ours.items():
        if value is None:
            continue  # not cached: nothing stale to show
        lo = theirs[sheet][a1].value
        checked += 1
        if not _same(value, lo):
            wrong.append(f"{sheet}!{a1}: {formula} cached {value!r}, LibreOffice {lo!r}")
    assert checked >= 20
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ["seed", "blank", "fixture", "seed-add", "seed-recalc"])
def test_fast_reader_gives_what_the_streaming_reader_gives(files, name, monkeypatch):
    path = files[name]
    fast, _pkg = read(path)
    with monkeypatch.context() as m:
        m.setattr(xlsx_reader, "_read_fast", lambda *a, **k: None)
        slow = load_book(path)
    assert [g.name for g in fast.sheets] == [g.name for g in slow.sheets]
    for a, b in zip(fast.sheets, slow.sheets):
        assert a.formulas == b.formulas, a.name
        assert a.percent_cells == b.percent_cells, a.name
        assert sorted(a.merged) == sorted(b.merged), a.name
        assert a.hidden == b.hidden, a.name
        for r in range(1, max(a.max_row, b.max_row) + 1):
            for c in range(1, max(a.max_col, b.max_col) + 1):
                assert _same(a.get(r, c), b.get(r, c)) or a.get(r, c) == b.get(r, c), (a.name, r, c)
    assert plan_recalc(fast, PROFILE) == plan_recalc(slow, PROFILE)


# cell  written by XlsxWriter                                 (the fast reader must see what openpyxl sees)
ODD_CELLS = [
    ("A1", ("formula", "=1/0", "#DIV/0!")),                     # cached error value
    ("A2", ("formula", "=NA()", "#N/A")),
    ("A3", ("number", 0.9742, "0.00%")),                        # built-in percent format
    ("A4", ("number", 0.5, '0.0"%"')),                          # a quoted "%" is text: 0.5 is not scaled
    ("A5", ("formula", "=A3", 0.9742, "0%")),                   # a formula shown as percent
    ("A6", ("boolean", True)),
    ("A7", ("string", "=不是公式")),
    ("A8", ("number", 12)),
]


def test_fast_reader_on_odd_cells(tmp_path, monkeypatch):
    import xlsxwriter

    path = tmp_path / "odd.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表")
    for ref, spec in ODD_CELLS:
        kind = spec[0]
        if kind == "formula":
            fmt = wb.add_format({"num_format": spec[3]}) if len(spec) > 3 else None
            ws.write_formula(ref, spec[1], fmt, spec[2])
        elif kind == "number":
            ws.write_number(ref, spec[1], wb.add_format({"num_format": spec[2]}) if len(spec) > 2 else None)
        elif kind == "boolean":
            ws.write_boolean(ref, spec[1])
        else:
            ws.write_string(ref, spec[1])
    wb.close()
    fast = read(path)[0].sheets[0]
    with monkeypatch.context() as m:
        m.setattr(xlsx_reader, "_read_fast", lambda *a, **k: None)
        slow = load_book(path).sheets[0]
    assert fast.formulas == slow.formulas == {(1, 1), (2, 1), (5, 1)}
    assert fast.percent_cells == slow.percent_cells == {(3, 1), (5, 1)}
    for ref, _spec in ODD_CELLS:
        r, c = from_a1(ref)
        assert fast.get(r, c) == slow.get(r, c), ref
