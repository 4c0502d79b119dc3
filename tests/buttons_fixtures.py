"""A small master written with openpyxl in the layout of `xltools.master.layout`, plus
the parts openpyxl cannot write (an x14 data validation), for the packaging,
rewrite and button tests.  Not a test module."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from xltools.master import layout as L
from xltools.project import layout as P
from legacy_master import Button

#: (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因)
INDICATORS = [
    ("产出指标", "数量指标", "办件数量", "≥5000件", "5600件", 20, 20, None),
    ("产出指标", "质量指标", "差错率", "≤1%", "2%", 15, 10, None),
    ("产出指标", "时效指标", "按时完成", "12月31日前完成", "完成", 15, 15, None),
    ("效益指标", "社会效益指标", "群众办事时间缩短", "≥30%", "35%", 30, 30, None),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95%", 10, 10, None),
]
ROWS = 6  # indicator rows on the sheet (one left blank)


def project_sheet(ws, name: str, budget=(240.0, 239.8, 214.78)) -> P.ProjectLayout:
    lay = P.ProjectLayout(indicator_rows=ROWS)
    ws["A1"] = "2022年度项目支出绩效自评表"
    ws.cell(P.NAME_ROW, 1, "项目名称")
    ws[lay.name_cell] = name
    ws.cell(P.HEADER_ROW, 1, "主管部门")
    ws[lay.department_cell] = "某区行政审批服务局"
    ws.cell(P.HEADER_ROW, P.COL_UNIT_LABEL, "实施单位")
    ws[lay.unit_cell] = "数据资源中心"
    ws.cell(P.FUNDS_HEADER_ROW, 1, "项目资金（万元）")
    for col, text in P.FUNDS_HEADERS.items():
        ws.cell(P.FUNDS_HEADER_ROW, col, text)
    for i, label in enumerate(P.BUDGET_LINES):
        ws.cell(P.FUNDS_FIRST_ROW + i, P.COL_FUNDS_LABEL, label)
    r = P.FUNDS_FIRST_ROW
    ws.cell(r, P.COL_BUDGET_INITIAL, budget[0])
    ws.cell(r, P.COL_BUDGET_FULL_YEAR, budget[1])
    ws.cell(r, P.COL_SPENT, budget[2])
    ws.cell(r, P.COL_FUNDS_WEIGHT, 10)
    ws[lay.execution_rate_cell] = f"=IF(N(E{r})>0,N(F{r})/N(E{r}),\"\")"
    ws[lay.execution_rate_cell].number_format = "0.00%"
    ws[lay.rule_rate_cell] = f"=IF(N(E{r})>0,N(F{r})/N(E{r}),\"\")"  # the rule's figures beside (J:K)
    ws[lay.budget_score_cell] = f"=IF(N(E{r})>0,G{r}*MIN(1,N(F{r})/N(E{r})),\"\")"
    ws.cell(P.GOAL_HEADER_ROW, 1, "年度总体目标")
    ws.cell(P.GOAL_HEADER_ROW, P.COL_GOAL_EXPECTED, "预期目标")
    ws.cell(P.GOAL_HEADER_ROW, P.COL_GOAL_ACTUAL, "实际完成情况")
    ws[lay.goal_expected_cell] = "完成年度任务"
    ws[lay.goal_actual_cell] = "已完成"
    ws.cell(P.IND_HEADER_ROW, 1, "绩效指标")
    for col, text in P.INDICATOR_HEADERS.items():
        ws.cell(P.IND_HEADER_ROW, col, text)
    for i, values in enumerate(INDICATORS):
        row = lay.indicator_row(i)
        for col, value in zip((P.COL_LEVEL1, P.COL_LEVEL2, P.COL_INDICATOR, P.COL_TARGET,
                               P.COL_ACTUAL, P.COL_WEIGHT, P.COL_SCORE, P.COL_NOTE), values):
            if value is not None:
                ws.cell(row, col, value)
    ws.cell(lay.total_row, 1, P.TOTAL_LABEL)
    ws[lay.total_weight_cell] = f"=G{r}+SUM({lay.column_range(P.COL_WEIGHT)})"
    ws[lay.total_score_cell] = f"=N(I{r})+SUM({lay.column_range(P.COL_SCORE)})"
    ws.cell(lay.grade_row, 1, P.GRADE_LABEL)
    t = lay.total_score_cell
    ws[lay.grade_cell] = f'=IF({t}>=90,"优",IF({t}>=80,"良",IF({t}>=60,"中","差")))'
    dv = DataValidation(type="list", formula1="XT_LEVEL1", allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(lay.column_range(P.COL_LEVEL1))
    ws.conditional_formatting.add(
        lay.column_range(P.COL_SCORE),
        CellIsRule(operator="greaterThan", formula=[f"G{P.IND_FIRST_ROW}"],
                   fill=PatternFill("solid", fgColor="FFC7CE")))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{P.TITLE_ROW}:{P.HEADER_ROW}"
    ws.print_area = lay.print_area
    return lay


def build_xlsx(path: Path, projects: int = 2) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = L.INSTRUCTIONS_SHEET
    ws["A1"] = "说明"
    base = wb.create_sheet(L.BASE_SHEET)
    base[L.BASE_DEPARTMENT_CELL] = "某区行政审批服务局"
    base[L.BASE_YEAR_CELL] = 2022
    lists = wb.create_sheet(L.LISTS_SHEET)
    for i, name in enumerate(("产出指标", "效益指标", "满意度指标"), start=2):
        lists.cell(i, 1, name)
    lists.sheet_state = "hidden"
    from openpyxl.workbook.defined_name import DefinedName
    wb.defined_names[P.NAME_LEVEL1] = DefinedName(P.NAME_LEVEL1, attr_text="lists!$A$2:$A$4")
    for n in range(1, projects + 1):
        project_sheet(wb.create_sheet(f"项目{n}"), f"测试项目{n}")
    summary = wb.create_sheet(L.SUMMARY_SHEET)
    for i, (_key, header) in enumerate(L.SUMMARY_COLUMNS, start=1):
        summary.cell(L.SUMMARY_HEADER_ROW, i, header)
    checks = wb.create_sheet(L.CHECKS_SHEET)
    for i, (_key, header) in enumerate(L.CHECKS_COLUMNS, start=1):
        checks.cell(L.CHECKS_HEADER_ROW, i, header)
    conf = wb.create_sheet(L.CONF_SHEET)
    for i, (key, value) in enumerate(L.CONF_ENTRIES, start=1):
        conf.cell(i, 1, key)
        conf.cell(i, 2, value if value != "" else None)
    wb.save(path)
    add_x14_validation(path, "项目1", "E5:F8")
    return path


X14_DV = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    '<x14:dataValidation type="decimal" operator="greaterThanOrEqual" allowBlank="1" '
    'showErrorMessage="1" error="金额不能为负"><x14:formula1><xm:f>0</xm:f></x14:formula1>'
    '<xm:sqref>{sqref}</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')


def add_x14_validation(path: Path, sheet: str, sqref: str) -> None:
    """Add an x14-style validation (the kind openpyxl drops) to one sheet."""
    from xltools.xlsx.package import Package

    pkg = Package.load(path)
    part = pkg.sheet_part(sheet)
    xml = pkg.text(part)
    assert "<extLst>" not in xml
    xml = xml.replace("</worksheet>", X14_DV.replace("{sqref}", sqref) + "</worksheet>")
    pkg.put(part, xml)
    pkg.save(path)


def buttons_for(path: Path) -> list[Button]:
    """The buttons of xltools.master.layout.BUTTONS, project ones on every project sheet."""
    wb = openpyxl.load_workbook(path)
    projects = [ws.title for ws in wb.worksheets if re.fullmatch(r"项目\d+", ws.title)]
    out = []
    for sheet, anchor, caption, macro in L.BUTTONS:
        for name in (projects if sheet == "project" else [sheet]):
            if name in wb.sheetnames:  # e.g. 部门整体支出评分表 is only in a full master
                out.append(Button(name, anchor, caption, macro))
    return out


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}
