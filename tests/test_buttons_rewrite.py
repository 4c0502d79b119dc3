"""The headless rewrite (`xltools recalc`, `xltools add-project`) keeps what Excel
needs: a round trip compares the package part by part, before and after, and
only the cells meant to change may differ."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from buttons_fixtures import ROWS, build_xlsx, buttons_for, zip_parts
from xltools.master import layout as L
from xltools.project import layout as P
from xltools.core.addresses import col_letter, from_a1
from xltools.cli import main
from xltools.master.doctor import button_macros
from xltools.xlsx.package import Package, read_cells, set_cells, shared_strings
from legacy_master import make_xlsm
from xltools.profiles import load_profile
from xltools.project import formulas as PF
from xltools.master.plans import plan_recalc
from xltools.master.twins import recalc_file
from xltools.xlsx.edits import Formula
from xltools.containers.workbook import load_book

#: Worksheet elements that must come through a rewrite unchanged.
KEPT = ("sheetPr", "sheetFormatPr", "cols", "sheetProtection", "mergeCells",
        "conditionalFormatting", "dataValidations", "printOptions", "pageMargins",
        "pageSetup", "headerFooter", "legacyDrawing", "extLst")


def structure(xml: str) -> dict[str, list[bytes]]:
    """The kept elements of a worksheet, canonical XML (C14N: attribute order
    and namespace declarations as the XML means them, not as bytes lay them)."""
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    out = {}
    for tag in KEPT:
        found = [el for el in root if etree.QName(el).localname == tag]
        for el in found:
            if tag == "sheetPr" and "codeName" in el.attrib:  # unique per sheet
                del el.attrib["codeName"]
        out[tag] = [etree.tostring(el, method="c14n") for el in found]
    return out


def styles(xml: str) -> dict[str, str]:
    return {m.group(1): (m.group(2) or "") for m in
            re.finditer(r'<c r="([A-Z]+\d+)"(?: s="(\d+)")?', xml)}


def all_cells(path: Path) -> dict[tuple[str, str], object]:
    pkg = Package.load(path)
    strings = shared_strings(pkg)
    out = {}
    for name, part, _rid in pkg.sheets():
        for ref, value in read_cells(pkg.text(part), strings).items():
            out[(name, ref)] = value
    return out


def may_change(sheet: str, ref: str, layouts: dict[str, L.ProjectLayout]) -> bool:
    """Cells a recalc may write: the formula cells and rule columns of project
    sheets, 整体支出 rows, 校验结果 rows."""
    row, col = from_a1(ref)
    if sheet == L.SUMMARY_SHEET:
        return row >= L.SUMMARY_FIRST_ROW
    if sheet == L.CHECKS_SHEET:
        return row >= L.CHECKS_FIRST_ROW
    if sheet not in layouts:
        return False
    return ref in PF.project_formulas(layouts[sheet], load_profile()) or \
        (col in (P.COL_RULE_SCORE, P.COL_RULE_BASIS) and row >= P.IND_FIRST_ROW)


def project_layouts(path: Path) -> dict[str, P.ProjectLayout]:
    out = {}
    for grid in load_book(path).sheets:
        lay = P.ProjectLayout.find(grid.get, max_rows=max(grid.max_row, 40))
        if lay is not None:
            out[grid.name] = lay
    return out


@pytest.fixture(params=["fixture", "real"])
def master(request, tmp_path) -> Path:
    target = tmp_path / "主表.xlsm"
    if request.param == "fixture":
        xlsx = build_xlsx(tmp_path / "m.xlsx")
        make_xlsm(xlsx, target, buttons_for(xlsx))
    else:
        from xltools.master.build import MasterSpec, write_master

        write_master(target, MasterSpec(department="某区行政审批服务局", year=2022,
                                        units=["局机关", "数据资源中心"], forms=[None, None]))
    return target


def test_recalc_round_trip_keeps_everything_but_its_cells(master, tmp_path):
    before_path = tmp_path / "before.xlsm"
    shutil.copy(master, before_path)
    # recalc exits like check: 1 when the 校验结果 it writes lists errors or warnings
    # (check's 2 for "no filled form to read" is a 0 for recalc: a blank master is fine)
    expected = 1 if main(["check", str(before_path)]) == 1 else 0
    assert main(["recalc", str(master)]) == expected
    before, after = zip_parts(before_path), zip_parts(master)
    assert sorted(before) == sorted(after)                      # parts list
    assert before["xl/vbaProject.bin"] == after["xl/vbaProject.bin"]
    pkg_a, pkg_b = Package.load(before_path), Package.load(master)
    changed_parts = {n for n in before if before[n] != after[n]}
    sheet_parts = {part for _n, part, _r in pkg_b.sheets()}
    assert changed_parts <= sheet_parts | {"xl/workbook.xml", "xl/styles.xml"}, changed_parts
    for name in before:                                          # VML, ctrlProps, drawings
        if "/drawings/" in name or "/ctrlProps/" in name or name.endswith(".rels"):
            assert before[name] == after[name], name
    for name, part, _rid in pkg_a.sheets():
        a, b = pkg_a.text(part), pkg_b.text(part)
        assert structure(a) == structure(b), name
        sa, sb = styles(a), styles(b)
        assert all(sb.get(ref) == s for ref, s in sa.items() if ref in sb), name
    # defined names and print setup at the workbook level
    summary = str([n for n, _p, _r in pkg_a.sheets()].index(L.SUMMARY_SHEET))
    summary_area = ("_xlnm.Print_Area", summary)  # set to the table's extent
    names_a = {(a.get("name"), a.get("localSheetId")): v for a, v in pkg_a.defined_names()}
    names_b = {(a.get("name"), a.get("localSheetId")): v for a, v in pkg_b.defined_names()}
    assert names_b.pop(summary_area).endswith(f"$A$1:${col_letter(len(L.SUMMARY_COLUMNS))}$6")
    names_a.pop(summary_area, None)
    assert names_a == names_b
    # only the cells meant to change did
    cells_a, cells_b = all_cells(before_path), all_cells(master)
    layouts = project_layouts(before_path)
    for key in set(cells_a) | set(cells_b):
        if cells_a.get(key) != cells_b.get(key):
            assert may_change(*key, layouts), (key, cells_a.get(key), cells_b.get(key))
    assert list(tmp_path.glob("主表.*.bak.xlsm")), "no backup written"


def test_recalc_writes_what_the_planner_says(master):
    profile = load_profile()
    plan = plan_recalc(load_book(master), profile)
    recalc_file(master, profile)
    cells = all_cells(master)
    from xltools.core.addresses import to_a1

    for sheet, edits in plan.edits.items():
        for (row, col), value in edits.items():
            seen = cells.get((sheet, to_a1(row, col)))
            if isinstance(value, Formula):
                expected = value.value
                if isinstance(expected, (int, float)) and not isinstance(expected, bool):
                    assert seen == pytest.approx(expected), (sheet, row, col)
                else:
                    assert seen in (expected, "=" + value.text.lstrip("=")), (sheet, row, col)
            elif value is None:
                assert seen is None, (sheet, row, col, seen)
            else:
                assert seen == value, (sheet, row, col)


def test_recalc_fills_rule_scores_of_the_fixture(tmp_path):
    xlsx = build_xlsx(tmp_path / "m.xlsx")
    master = make_xlsm(xlsx, tmp_path / "m.xlsm", buttons_for(xlsx))
    recalc_file(master, load_profile())
    cells = all_cells(master)
    col = lambda c: chr(64 + c)  # noqa: E731
    # row   rule score  (fixture INDICATORS: 差错率 ≤1% actual 2% → 15 × 1/2)
    expected = {12: 20, 13: 7.5, 15: 30, 16: 10}
    for row, score in expected.items():
        assert cells[("项目1", f"{col(P.COL_RULE_SCORE)}{row}")] == score
    assert ("项目1", f"{col(P.COL_RULE_SCORE)}{P.IND_FIRST_ROW + ROWS - 1}") not in cells
    assert cells[(L.SUMMARY_SHEET, "B4")] == "项目1"
    assert cells[(L.SUMMARY_SHEET, "B6")] == L.SUMMARY_TOTAL_LABEL
    assert cells[(L.SUMMARY_SHEET, "G6")] == pytest.approx(2 * 214.78)
    code_col = col_letter(L.CHECKS_COL["code"])
    codes = [v for (s, ref), v in cells.items() if s == L.CHECKS_SHEET and ref.startswith(code_col)
             and from_a1(ref)[0] >= L.CHECKS_FIRST_ROW]
    assert "deduction_without_reason" in codes


def test_add_project_round_trip(master, tmp_path):
    before_path = tmp_path / "before.xlsm"
    shutil.copy(master, before_path)
    assert main(["add-project", str(master)]) == 0
    pkg_a, pkg_b = Package.load(before_path), Package.load(master)
    before, after = zip_parts(before_path), zip_parts(master)
    assert set(before) <= set(after)
    assert before["xl/vbaProject.bin"] == after["xl/vbaProject.bin"]
    names_a = [n for n, _p, _r in pkg_a.sheets()]
    names_b = [n for n, _p, _r in pkg_b.sheets()]
    projects = [n for n in names_a if re.fullmatch(r"项目\d+", n)]
    new = f"项目{len(projects) + 1}"
    assert names_b == names_a[:names_a.index(projects[-1]) + 1] + [new] + \
        names_a[names_a.index(projects[-1]) + 1:]
    # the new sheet has its template's validations, formats, print setup, buttons
    tpl, made = pkg_a.text(pkg_a.sheet_part(projects[-1])), pkg_b.text(pkg_b.sheet_part(new))
    assert structure(tpl) == structure(made)
    codes = re.findall(r'<sheetPr\b[^>]*codeName="([^"]+)"',
                       "".join(pkg_b.text(p) for _n, p, _r in pkg_b.sheets()))
    assert len(codes) == len(names_b) == len(set(codes))
    assert styles(tpl) == {k: v for k, v in styles(made).items() if k in styles(tpl)}
    assert sorted((c, m) for s, c, m in button_macros(master) if s == new) == \
        sorted((c, m) for s, c, m in button_macros(before_path) if s == projects[-1])
    # its own local print names, and every other name kept (indexes shifted)
    local = {a["name"]: v for a, v in pkg_b.defined_names()
             if a.get("localSheetId") == str(names_b.index(new))}
    assert local.get("_xlnm.Print_Titles", "").startswith(f"'{new}'!")
    old_by_sheet = {(a["name"], names_a[int(a["localSheetId"])] if "localSheetId" in a else None, v)
                    for a, v in pkg_a.defined_names()}
    new_by_sheet = {(a["name"], names_b[int(a["localSheetId"])] if "localSheetId" in a else None, v)
                    for a, v in pkg_b.defined_names()}
    grown = {x for x in old_by_sheet - new_by_sheet if x[1] == L.SUMMARY_SHEET}
    assert old_by_sheet - new_by_sheet == grown  # only 整体支出's print area grows
    # template sheets untouched apart from rule cells; new sheet's inputs cleared
    cells = all_cells(master)
    assert cells.get((new, "B2")) in (None, "")
    lay = P.ProjectLayout.find(lambda r, c: cells.get((new, f"{chr(64 + c)}{r}")))
    assert lay is not None
    assert str(cells.get((new, lay.total_score_cell), "")).startswith("=") or \
        cells.get((new, lay.total_score_cell)) is not None
    rows = [from_a1(ref)[0] for (s, ref), v in cells.items()
            if s == L.SUMMARY_SHEET and v == new]
    assert rows == [L.SUMMARY_FIRST_ROW + len(projects)]


def test_set_cells_edits_only_named_cells():
    xml = ('<worksheet><dimension ref="A1:B2"/><sheetData>'
           '<row r="1" spans="1:2"><c r="A1" s="3" t="s"><v>0</v></c><c r="B1"><v>1</v></c></row>'
           '<row r="3"><c r="C3" s="5"/></row></sheetData><pageSetup orientation="landscape"/>'
           '</worksheet>')
    # (row, col)  value             expected cell XML fragment
    cases = [
        ((1, 1),    "新",             '<c r="A1" s="3" t="inlineStr"><is><t xml:space="preserve">新</t></is></c>'),
        ((1, 3),    2.5,              '<c r="C1"><v>2.5</v></c>'),
        ((2, 2),    "a<b&c",          '<t xml:space="preserve">a&lt;b&amp;c</t>'),
        ((3, 3),    None,             '<c r="C3" s="5"/>'),
        ((4, 1),    Formula("=SUM(A1:A3)", 6), '<c r="A4"><f>SUM(A1:A3)</f><v>6</v></c>'),
        ((4, 2),    Formula("=B1", None),   '<c r="B4"><f>B1</f></c>'),
        ((4, 3),    Formula('=IF(1,"是","")', "是"), '<c r="C4" t="str"><f>IF(1,"是","")</f><v>是</v></c>'),
        ((4, 4),    "=不是公式",      '<c r="D4" t="inlineStr"><is><t xml:space="preserve">=不是公式</t></is></c>'),
    ]
    out = set_cells(xml, {rc: v for rc, v, _ in cases})
    for _rc, _v, fragment in cases:
        assert fragment in out, fragment
    assert '<c r="B1"><v>1</v></c>' in out
    assert out.index('r="2"') < out.index('r="3"') < out.index('r="4"')
    assert '<dimension ref="A1:D4"/>' in out
    assert out.endswith('<pageSetup orientation="landscape"/></worksheet>')
