"""What `xltools new` writes, part by part: sheets, validations with their
formulas and lists, conditional formats, protection, print setup, the
xlwings.conf sheet, and the command itself (backups, --for-unit, --from)."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest

from xltools.department.layout import DEPARTMENT_SHEETS

from xltools.master import layout as L
from xltools.project import formulas as F
from xltools.project import layout as P
from xltools.cli import main
from xltools.master.build import MasterSpec, build_master, forms_from
from xltools.profiles import load_profile

from master_fixtures import SUBMISSIONS, project_sheets

PROFILE = load_profile("national")
UNITS = ["局机关", "数据资源中心", "政务服务中心"]


def _built(path, spec: MasterSpec, profile=PROFILE):
    build_master(path, spec, profile)
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    return _built(tmp_path_factory.mktemp("layout") / "master.xlsx",
                  MasterSpec(department="某区行政审批服务局", year=2022, units=UNITS, forms=[None, None]))


@pytest.fixture(scope="module")
def unit_book(tmp_path_factory):
    return _built(tmp_path_factory.mktemp("layout") / "unit.xlsx",
                  MasterSpec(department="某区行政审批服务局", year=2022, for_unit="数据资源中心"))


def test_sheets_in_order(master, unit_book):
    assert master.sheetnames == [L.INSTRUCTIONS_SHEET, L.BASE_SHEET, L.SUMMARY_SHEET, "项目1", "项目2",
                                 *DEPARTMENT_SHEETS, L.CHECKS_SHEET, L.CONF_SHEET, L.LISTS_SHEET]
    assert unit_book.sheetnames == [L.INSTRUCTIONS_SHEET, L.BASE_SHEET, L.SUMMARY_SHEET, "项目1",
                                    L.CHECKS_SHEET, L.LISTS_SHEET]
    assert master[L.LISTS_SHEET].sheet_state == "hidden"
    assert master[L.CONF_SHEET].sheet_state == "hidden"  # never printed with the workbook
    assert unit_book["项目1"][P.ProjectLayout().unit_cell].value == "数据资源中心"


# cell                 text (the official labels the reader finds; A1 follows 基础信息)
LABELS = [
    ("A1",  "=IF(ISNUMBER('基础信息'!$B$4),'基础信息'!$B$4&\"年度\",\"    年度\")&\"项目支出绩效自评表\""),
    ("A2",  "项目名称"),
    ("A3",  "主管部门"),
    ("E3",  "实施单位"),
    ("A4",  "项目资金\n（万元）"),
    ("D4",  "年初预算数"), ("E4", "全年预算数"), ("F4", "全年执行数"),
    ("G4",  "分值"), ("H4", "执行率"), ("I4", "得分"),
    ("B5",  "年度资金总额"), ("B6", "其中：当年财政拨款"), ("B7", "上年结转资金"), ("B8", "其他资金"),
    ("A9",  "年度总体目标"), ("B9", "预期目标"), ("F9", "实际完成情况"),
    ("A11", "绩效指标"), ("B11", "一级指标"), ("C11", "二级指标"), ("D11", "三级指标"),
    ("E11", "年度指标值"), ("F11", "实际完成值"), ("G11", "分值"), ("H11", "得分"),
    ("I11", "偏差原因分析及改进措施"), ("J11", "规则得分"), ("K11", "规则说明"),
    ("J4",  "计算执行率"), ("K4", "规则得分"), ("K6", "—"),
    ("A27", "总分"), ("A28", "评价等次"),
    ("B3",  "某区行政审批服务局"), ("G5", 10),
]


@pytest.mark.parametrize("cell,text", LABELS)
def test_project_sheet_labels(master, cell, text):
    assert master["项目1"][cell].value == text


def test_layout_found_again(master):
    found = P.ProjectLayout.find(lambda r, c: master["项目1"].cell(r, c).value)
    assert found == P.ProjectLayout(P.DEFAULT_INDICATOR_ROWS)
    assert (found.total_row, found.grade_row) == (27, 28)
    assert P.ProjectLayout.find(lambda r, c: master[L.BASE_SHEET].cell(r, c).value) is None


# cell   formula (the profile's rules written out)
FORMULAS = [
    ("H5",  '=IF(AND(ISNUMBER(E5),ISNUMBER(F5)),IF(E5>0,F5/E5,""),"")'),
    ("H6",  '=IF(AND(ISNUMBER(E6),ISNUMBER(F6)),IF(E6>0,F6/E6,""),"")'),
    ("I5",  '=IF(AND(ISNUMBER(G5),ISNUMBER(H5)),G5*MIN(MAX(H5,0),1),"")'),
    ("G27", '=IF(COUNT(G5,G12:G26)=0,"",SUM(G5,G12:G26))'),
    ("H27", '=IF(COUNT(I5,H12:H26)=0,"",SUM(I5,H12:H26))'),
    ("G28", '=IF(NOT(ISNUMBER(H27)),"",IF(H27>=90-0.000000001,"优",IF(H27>=80-0.000000001,"良",'
            'IF(H27>=60-0.000000001,"中","差"))))'),
    # the rule's figures beside the form (J:K)
    ("J5",  '=IF(AND(ISNUMBER(E5),ISNUMBER(F5)),IF(E5>0,F5/E5,""),"")'),
    ("K5",  '=IF(AND(ISNUMBER(G5),ISNUMBER(J5)),G5*MIN(MAX(J5,0),1),"")'),
    ("K27", '=IF(COUNT(I5,H12:H26)=0,"",SUM(I5,H12:H26))'),
    ("J27", '=IF(COUNT(K5,J12:J26,H12:H26)=0,"",N(K5)+SUM(J12:J26)+SUMIF(J12:J26,"",H12:H26))'),
    ("J28", '=IF(NOT(ISNUMBER(J27)),"",IF(J27>=90-0.000000001,"优",IF(J27>=80-0.000000001,"良",'
            'IF(J27>=60-0.000000001,"中","差"))))'),
    ("A30", '="填表人："&\'基础信息\'!$B$5&"        填报日期：                联系电话："&\'基础信息\'!$B$6'
            '&"        单位负责人签字："'),
]


@pytest.mark.parametrize("cell,formula", FORMULAS)
def test_project_formulas(master, cell, formula):
    assert master["项目1"][cell].value == formula
    assert master["项目1"][cell].protection.locked


def test_formulas_use_classic_functions_only(master):
    banned = ("XLOOKUP", "LET(", "IFS(", "TEXTJOIN", "FILTER(", "UNIQUE(", "SEQUENCE(", "LAMBDA", "_xlfn")
    for ws in master.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    assert not any(b in c.value.upper() for b in banned), f"{ws.title}!{c.coordinate}"


# cell   locked?  (inputs open, formulas and labels locked)
PROTECTION = [
    ("B2", False), ("F3", False), ("B3", False), ("D5", False), ("E5", False), ("F5", False),
    ("G5", False), ("E8", False), ("B10", False), ("F10", False),
    ("B12", False), ("C12", False), ("D12", False), ("E12", False), ("F12", False),
    ("G12", False), ("H12", False), ("I12", False), ("J12", False), ("K26", False),
    ("H5", True), ("I5", True), ("G6", True), ("A2", True), ("B11", True), ("G27", True),
    ("H27", True), ("G28", True),
]


@pytest.mark.parametrize("cell,locked", PROTECTION)
def test_cell_protection(master, cell, locked):
    assert master["项目1"][cell].protection.locked is locked


@pytest.mark.parametrize("sheet", ["项目1", L.SUMMARY_SHEET, L.BASE_SHEET])
def test_sheet_protected_without_password(master, sheet):
    p = master[sheet].protection
    assert p.sheet and not p.password and not p.hashValue
    assert p.formatColumns is False and p.formatRows is False  # widths/heights may change


# sqref                 type       formula1                                   error style
VALIDATIONS = [
    ("B12:B26",          "list",    P.NAME_LEVEL1,                             "stop"),
    ("C12:C26",          "list",    F.level2_list("B12"),                      "stop"),
    ("G5 G12:G26",       "decimal", "0",                                       "stop"),
    ("H12:H26",          "custom",  "AND(ISNUMBER(H12),H12>=0,OR(NOT(ISNUMBER(G12)),H12<=G12))", "stop"),
    ("D5:F8",            "decimal", "0",                                       "stop"),
    ("F3",               "list",    P.NAME_UNITS,                              "warning"),
]


@pytest.mark.parametrize("sqref,kind,formula1,style", VALIDATIONS)
def test_validations(master, sqref, kind, formula1, style):
    dvs = {str(dv.sqref): dv for dv in master["项目1"].data_validations.dataValidation}
    dv = dvs[sqref]
    assert (dv.type, dv.formula1, dv.errorStyle or "stop") == (kind, formula1, style)  # stop: the OOXML default
    assert dv.showErrorMessage and dv.showInputMessage and dv.allow_blank
    assert dv.error and dv.prompt and dv.errorTitle  # Chinese messages
    assert any("\u4e00" <= ch <= "\u9fff" for ch in dv.errorTitle + dv.error + dv.prompt)


def test_level2_formula_reads_lists_sheet(master):
    lists = master[L.LISTS_SHEET]
    assert [lists.cell(r, 1).value for r in range(2, 5)] == ["产出指标", "效益指标", "满意度指标"]
    assert [lists.cell(1, c).value for c in range(2, 6)] == ["产出指标", "效益指标", "满意度指标", "（全部）"]
    assert [lists.cell(r, 2).value for r in range(2, 6)] == ["数量指标", "质量指标", "时效指标", "成本指标"]
    names = {n: master.defined_names[n].attr_text for n in master.defined_names}
    assert names[P.NAME_LEVEL1] == "'lists'!$A$2:$A$4"
    assert names[P.NAME_LEVEL2_HEAD] == "'lists'!$B$1:$E$1"
    assert names[P.NAME_UNITS] == "OFFSET('基础信息'!$B$10,0,0,MAX(1,COUNTA('基础信息'!$B$10:$B$59)),1)"
    assert all(n.isascii() for n in names)


# range         formula of the rule                                               what it marks
CONDITIONAL = [
    ("H12:H26", "AND(ISNUMBER(H12),ISNUMBER(G12),H12>G12)",                     "得分 > 分值"),
    ("I12:I26", "AND(ISNUMBER(G12),ISNUMBER(H12),H12<G12,LEN(TRIM(I12))=0)",    "扣分无原因"),
    ("G27",     "AND(ISNUMBER(G27),ABS(G27-100)>0.001)",                        "分值合计 ≠ 100"),
    ("B2",      "LEN(TRIM(B2))=0",                                              "必填：项目名称"),
    ("E5",      "LEN(TRIM(E5))=0",                                              "必填：全年预算数"),
    ("F12:F26", "AND(LEN(TRIM($D12))>0,LEN(TRIM(F12))=0)",                      "必填：实际完成值"),
]


@pytest.mark.parametrize("sqref,formula,meaning", CONDITIONAL)
def test_conditional_formats(master, sqref, formula, meaning):
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules]
             for cf in master["项目1"].conditional_formatting}
    assert formula in rules[sqref], meaning


def test_print_setup(master):
    ws = master["项目1"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight or 1) == (1, 1)  # one page (1: the OOXML default)
    assert ws.print_title_rows == "$1:$3"
    assert str(ws.print_area) == "'项目1'!$A$1:$I$30"
    assert (ws["A1"].font.name, ws["A2"].font.name, ws["D12"].font.name) == ("黑体", "宋体", "宋体")
    assert ws.merged_cells.ranges and "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D12"].border.left.style == "thin"
    summary = master[L.SUMMARY_SHEET]
    assert summary.page_setup.orientation == "landscape" and summary.print_title_rows == "$1:$3"


def test_conf_sheet_shape(master):
    ws = master[L.CONF_SHEET]
    keys = [ws.cell(r, 1).value for r in range(1, len(L.CONF_ENTRIES) + 2)]
    assert keys[:-1] == [k for k, _ in L.CONF_ENTRIES] and keys[-1] is None  # no blank row inside
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, len(L.CONF_ENTRIES) + 1)}
    assert values["UDF Modules"] == "xltools.excel.udfs;xltools.excel.udfs_department"
    assert values["Interpreter_Win"] is None  # left for the user
    assert "%LOCALAPPDATA%" in ws[L.CONF_NOTE_CELL].value
    assert all(ws.cell(r, 3).value is None for r in range(1, 20))


def test_checks_sheet_columns(master):
    ws = master[L.CHECKS_SHEET]
    assert [ws.cell(L.CHECKS_HEADER_ROW, c).value for c in range(1, 9)] == \
        ["说明", "严重程度", "文件", "工作表", "单元格", "字段", "值", "代码"]


def test_base_sheet_units(master):
    ws = master[L.BASE_SHEET]
    assert ws[L.BASE_DEPARTMENT_CELL].value == "某区行政审批服务局"
    assert ws[L.BASE_YEAR_CELL].value == 2022
    assert [ws.cell(L.BASE_UNITS_FIRST_ROW + k, L.BASE_UNITS_COL).value for k in range(4)] == UNITS + [None]


def test_more_indicators_than_default_rows(tmp_path):
    forms, _ = forms_from([SUBMISSIONS / "局机关.xlsx"])
    many = forms[0]
    many.indicators = many.indicators * 3
    wb = _built(tmp_path / "many.xlsx", MasterSpec(forms=[many]))
    (ws, lay), = project_sheets(wb)
    assert lay.indicator_rows == len(many.indicators) > P.DEFAULT_INDICATOR_ROWS
    assert ws[lay.total_weight_cell].value == F.total("G5", lay.column_range(P.COL_WEIGHT))


# ---------------------------------------------------------------- the command
def test_new_command_writes_and_backs_up(tmp_path, capsys):
    out = tmp_path / "主表.xlsm"
    assert main(["new", str(out), "--department", "某区行政审批服务局", "--year", "2022",
                 "--units", "局机关,数据资源中心、政务服务中心", "--projects", "3"]) == 0
    with zipfile.ZipFile(out) as z:
        assert "xl/vbaProject.bin" in z.namelist()
    wb = openpyxl.load_workbook(out, keep_vba=True)
    assert [ws.title for ws, _ in project_sheets(wb)] == ["项目1", "项目2", "项目3"]
    assert [wb[L.BASE_SHEET].cell(r, 2).value for r in range(10, 13)] == UNITS
    first = out.read_bytes()
    assert main(["new", str(out), "--projects", "1"]) == 0
    backups = list(tmp_path.glob("主表.*.bak.xlsm"))
    assert len(backups) == 1 and backups[0].read_bytes() == first
    assert "备份" in capsys.readouterr().out


# arguments                                                        exit  message contains
BAD_ARGS = [
    (["new", "{d}/u.xlsm", "--for-unit", "数据资源中心"],              2,    ".xlsx"),
    (["new", "{d}/m.txt"],                                           2,    ".xlsm"),
    (["new", "{d}/m.xlsm", "--from", "{d}/none.xlsx"],               2,    "没有读到"),
    (["new", "{d}/m.xlsm", "--profile", "nowhere"],                  2,    "找不到规则配置"),
]


@pytest.mark.parametrize("argv,code,message", BAD_ARGS)
def test_new_command_refuses(tmp_path, capsys, argv, code, message):
    assert main([a.format(d=tmp_path) for a in argv]) == code
    assert message in capsys.readouterr().out
    assert not list(tmp_path.glob("*.xls*"))


def test_new_from_folder_and_for_unit(tmp_path, capsys):
    out = tmp_path / "m.xlsx"
    assert main(["new", str(out), "--from", str(SUBMISSIONS)]) == 0
    wb = openpyxl.load_workbook(out)
    assert len(project_sheets(wb)) == 8
    assert "从已有表读入 8 张" in capsys.readouterr().out
    unit = tmp_path / "数据资源中心.xlsx"
    assert main(["new", str(unit), "--for-unit", "数据资源中心", "--projects", "2"]) == 0
    wb = openpyxl.load_workbook(unit)
    assert L.CONF_SHEET not in wb.sheetnames
    with zipfile.ZipFile(unit) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
    assert [ws[P.ProjectLayout().unit_cell].value for ws, _ in project_sheets(wb)] == ["数据资源中心"] * 2


# value                                   column width   lines it needs (one CJK rule: 2 columns)
TEXT_LINES = [
    (None,                                  22,            1),
    ("1G",                                  14,            1),
    ("市政务外网链路带宽",                   22,            1),   # 9 CJK = 18 of 21
    ("市政务外网县市区备份线路租赁数量",     22,            2),   # 16 CJK = 32 of 21
    ("政务外网线路272（400家内包干）",       14,            3),
    ("第一行\n第二行",                       30,            2),
]


@pytest.mark.parametrize("value,width,lines", TEXT_LINES)
def test_text_lines(value, width, lines):
    from xltools.xlsx.text import text_lines

    assert text_lines(value, width) == lines


def test_from_master_skips_blank_project_sheets(tmp_path):
    """A master read back with --from gives its filled projects, not its empty 项目N."""
    src = tmp_path / "上年.xlsx"
    assert main(["new", str(src), "--from", str(SUBMISSIONS / "局机关.xlsx"), "--projects", "6"]) == 0
    assert len(project_sheets(openpyxl.load_workbook(src))) == 6  # 4 read + 2 blank
    forms, notes = forms_from([src])
    assert len(forms) == 4 and not notes


# project name as a form may carry it            sheet name
SHEET_NAMES = [
    ("市民中心大厅运转\n维护费",                    "市民中心大厅运转 维护费"),
    ("\u3000窗口补贴\u3000",                         "窗口补贴"),
    ("信息化[一期]/二期：运维*",                     "信息化_一期__二期：运维_"),  # full-width ： is allowed
    ("'引号'",                                       "引号"),
    ("株洲市信息资源共享交换平台+“四级联动”信创工程项目（二期）运维服务费",
     "株洲市信息资源共享交换平台+“四级联动”信创工程项目（二期）运"),  # Excel's 31-character limit
    ("项目1",                                        "项目1(2)"),  # taken by the blank sheet
    ("history",                                      "history(2)"),  # reserved by Excel
    # clerk text that looks like a formula: the sheet name (which our formulas quote) never does
    ("=cmd|' /C calc'!A0",                           "cmd｜’ _C calc’！A0"),
    ('=HYPERLINK("http://x.cn/?"&A1,"点我")',        "HYPERLINK（”http___x.cn__”＆A1，”点我”）"[:31]),
    ("\t=2+2",                                       "2+2"),
    ("@SUM(1)",                                      "SUM（1）"),
]


@pytest.mark.parametrize("name,sheet", SHEET_NAMES)
def test_sheet_names_from_project_names(name, sheet):
    from xltools.master.build import project_sheet_name

    assert project_sheet_name(name, {"项目1", "history", L.BASE_SHEET}) == sheet
    assert len(sheet) <= 31


# python.exe running xltools                                   LOCALAPPDATA                  Interpreter_Win
PYTHONW = [
    (r"C:\Users\li\AppData\Local\Programs\Python\Python312\python.exe", r"C:\Users\li\AppData\Local",
     r"%LOCALAPPDATA%\Programs\Python\Python312\pythonw.exe"),
    (r"D:\Python311\python.exe",                                  r"C:\Users\li\AppData\Local",
     r"D:\Python311\pythonw.exe"),
    (r"C:\Users\li\xl\.venv\Scripts\python.exe",                  "",
     r"C:\Users\li\xl\.venv\Scripts\pythonw.exe"),
]


@pytest.mark.parametrize("executable,localappdata,expected", PYTHONW)
def test_interpreter_auto(executable, localappdata, expected):
    from xltools.master.build import this_pythonw

    assert this_pythonw(executable, localappdata) == expected


def test_interpreter_option_fills_conf(tmp_path):
    out = tmp_path / "m.xlsx"
    assert main(["new", str(out), "--interpreter", r"%LOCALAPPDATA%\Programs\Python\Python312\pythonw.exe"]) == 0
    ws = openpyxl.load_workbook(out)[L.CONF_SHEET]
    assert ws.sheet_state == "hidden"
    assert (ws["A1"].value, ws["B1"].value) == ("Interpreter_Win", r"%LOCALAPPDATA%\Programs\Python\Python312\pythonw.exe")


def test_rules_come_from_the_profile(tmp_path):
    """A local profile changes the budget 分值, the rate cap, the total and the grade bands
    the sheet's formulas use — no code change."""
    toml = tmp_path / "local.toml"
    toml.write_text(
        'extends = "national"\nname = "local"\ntitle = "某市"\n'
        "[weights]\ntotal = 100\nbudget = 20\n"
        "[budget]\nrate_cap = 0.95\n"
        '[grades]\n[[grades.bands]]\ngrade = "好"\nmin = 85\n'
        '[[grades.bands]]\ngrade = "较好"\nmin = 70\n[[grades.bands]]\ngrade = "一般"\nmin = 0\n',
        encoding="utf-8")
    wb = _built(tmp_path / "local.xlsx", MasterSpec(), load_profile(str(toml)))
    (ws, lay), = project_sheets(wb)
    assert ws[lay.budget_weight_cell].value == 20
    assert ws[lay.budget_score_cell].value == '=IF(AND(ISNUMBER(G5),ISNUMBER(H5)),G5*MIN(MAX(H5,0),0.95),"")'
    assert ws[lay.grade_cell].value == ('=IF(NOT(ISNUMBER(H27)),"",IF(H27>=85-0.000000001,"好",'
                                        'IF(H27>=70-0.000000001,"较好","一般")))')
