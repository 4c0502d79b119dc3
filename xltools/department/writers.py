"""The department sheets of the master: 基础数据表 (附件1-1), 部门整体支出绩效自评表
(附件1-2) and 部门整体支出评分表 (the profile's 评分表 with the clerk's scores).

    add_department_sheets(wb, department_data=None, profile=None)

`department_data` (every key optional)::

    {
        "department": "株洲市行政审批服务局",
        "year": 2022,
        "projects": [  # consolidated project records, one per unit and project
            {"unit": "局机关", "name": "窗口补贴", "budget_initial": 160,
             "budget_full_year": 65.61, "spent": 65.61, "last_year_final": 160},
        ],
        "basic_spending": {"budget_initial": 1101.76, "budget_full_year": 958.08,
                           "spent": 958.08},
        "staff": {"quota": 43, "actual": 42},
    }

Projects with the same name are one special fund (one row, amounts summed).
Everything else is left for the clerk, in unlocked cells with validation.
Layout from `xltools.department.layout`; formulas are classic functions only.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Optional

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.addresses import col_letter, to_a1
from ..core.labels import LEVEL1_NAMES, LEVEL2_OF
from . import layout as D
from .formulas import num, rule_formula, value_formula
from ..xlsx.style import CENTER, FONT_BOLD, FONT_NOTE, FONT_TITLE, LEFT, print_setup, style
from .rules import DepartmentProfile, load_department_profile

FILL_HEADER = PatternFill("solid", fgColor="F2F2F2")
FILL_INPUT = PatternFill("solid", fgColor="FFF2CC")
FILL_RULE = PatternFill("solid", fgColor="DDEBF7")
CF_ERROR = dict(fill=PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE"),
                font=Font(color="9C0006"))
MONEY = "0.00"
RATE = "0.00%"
SCORE = "0.00"


# ============================================================ Public API


def add_department_sheets(wb: Workbook, department_data: Optional[dict] = None,
                          profile: DepartmentProfile | str | None = None) -> list[Worksheet]:
    """Add (or replace) the three department sheets in `wb`, before 校验结果 when
    the workbook has one.  Returns them in order."""
    data = department_data or {}
    if profile is None or isinstance(profile, str):
        profile = load_department_profile(profile or "hunan-dept")
    position = wb.sheetnames.index("校验结果") if "校验结果" in wb.sheetnames else len(wb.sheetnames)
    sheets = []
    for offset, name in enumerate(D.DEPARTMENT_SHEETS):
        if name in wb.sheetnames:
            index = wb.sheetnames.index(name)
            wb.remove(wb[name])
            position = min(position, index)
        sheets.append(wb.create_sheet(name, position + offset))
    funds = consolidate_funds(data.get("projects", []))
    basic_layout = _basic_sheet(sheets[0], data, funds)
    _self_sheet(sheets[1], data, funds, basic_layout)
    _score_sheet(sheets[2], data, profile, basic_layout)
    wb.calculation.fullCalcOnLoad = True  # formulas have no cached values yet
    return sheets


def consolidate_funds(projects: list[dict]) -> list[dict]:
    """One entry per special fund (project name), amounts summed over units, in
    the order the funds first appear."""
    funds: "OrderedDict[str, dict]" = OrderedDict()
    for record in projects:
        name = str(record.get("name") or "").strip()
        if not name:
            continue
        fund = funds.setdefault(name, {"name": name, "units": []})
        unit = record.get("unit")
        if unit and unit not in fund["units"]:
            fund["units"].append(unit)
        for key in ("budget_initial", "budget_full_year", "spent", "last_year_final"):
            value = record.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                fund[key] = round(fund.get(key, 0.0) + float(value), 6)
    return list(funds.values())


def input_refs(profile: DepartmentProfile, basic: D.BasicLayout) -> dict[str, Optional[str]]:
    """Input key → the master cell holding it (sheet-qualified)."""
    b, s = _q(D.BASIC_SHEET), _q(D.SELF_SHEET)
    refs: dict[str, Optional[str]] = {
        "staff_quota": f"{b}!{to_a1(D.BASIC_STAFF_ROW, D.BASIC_QUOTA_COL, True)}",
        "staff_actual": f"{b}!{to_a1(D.BASIC_STAFF_ROW, D.BASIC_ACTUAL_COL, True)}",
        "three_public_last_final": f"{b}!{_abs(basic.cell('three_public', D.COL_LAST_FINAL))}",
        "three_public_budget": f"{b}!{_abs(basic.cell('three_public', D.COL_BUDGET))}",
        "three_public_final": f"{b}!{_abs(basic.cell('three_public', D.COL_FINAL))}",
        "project_spending": f"{b}!{_abs(basic.cell('projects', D.COL_FINAL))}",
        "procurement_budget": f"{b}!{_abs(basic.cell('procurement', D.COL_BUDGET))}",
        "procurement_actual": f"{b}!{_abs(basic.cell('procurement', D.COL_FINAL))}",
        "budget_initial": f"{s}!{to_a1(D.SELF_TOTAL_ROW, D.COL_S_INITIAL, True)}",
        "budget_full_year": f"{s}!{to_a1(D.SELF_TOTAL_ROW, D.COL_S_FULL_YEAR, True)}",
        "spent": f"{s}!{to_a1(D.SELF_TOTAL_ROW, D.COL_S_SPENT, True)}",
    }
    rows = D.score_rows(len(profile.lines))
    for i, key in enumerate(supplement_keys(profile)):
        refs[key] = to_a1(rows["supplement_first"] + i, D.COL_SUP_VALUE, True)
    return refs


def supplement_keys(profile: DepartmentProfile) -> list[str]:
    """Inputs the clerk enters in the 补充数据 block (those no other sheet holds)."""
    used: set[str] = set()
    from ..profiles import expr

    for line in profile.lines:
        if line.formula:
            used |= expr.names(line.formula)
        for band in line.rule.bands:
            if band.when != "else":
                used |= expr.names(band.when)
    used.discard("value")
    return [k for k in profile.inputs if k in used and k not in D.MASTER_PROVIDED_INPUTS]


# ============================================================ Private API


def _q(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _abs(cell: str) -> str:
    from ..core.addresses import from_a1

    return to_a1(*from_a1(cell), absolute=True)


_style = style  # one styling helper for every sheet xltools writes


def _box(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            _style(ws.cell(r, c))


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _title(ws: Worksheet, tag: str, text: str, last_col: int) -> None:
    ws.cell(1, 1, tag).font = FONT_BOLD
    cell = ws.cell(2, 1, text)
    _style(cell, FONT_TITLE, border=False)
    _merge(ws, 2, 1, 2, last_col)
    ws.row_dimensions[2].height = 30


def _widths(ws: Worksheet, widths) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[col_letter(i)].width = w


def _dv(ws: Worksheet, kind: str, sqref: str, *, formula1: str, formula2: Optional[str] = None,
        operator: Optional[str] = None, title: str, prompt: str, error: str) -> None:
    dv = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator,
                        allow_blank=True, showErrorMessage=True, showInputMessage=True,
                        errorTitle=title, error=error, promptTitle=title, prompt=prompt)
    for part in sqref.split():
        dv.add(part)
    ws.add_data_validation(dv)


def _print(ws: Worksheet, area: str, portrait: bool = False) -> None:
    print_setup(ws, area, portrait=portrait)


def _money_input(cell, value: Any = None) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    _style(cell, fill=FILL_INPUT, fmt=MONEY)


def _sum_formula(cells: list[str]) -> str:
    joined = ",".join(cells)
    return f'=IF(COUNT({joined})=0,"",SUM({joined}))'


def _year_text(data: dict, delta: int = 0) -> str:
    year = data.get("year")
    return f"{int(year) + delta}年" if isinstance(year, int) else ("上年" if delta else "本年")


# ---------------------------------------------------------------- 基础数据表


def _basic_sheet(ws: Worksheet, data: dict, funds: list[dict]) -> D.BasicLayout:
    n = max(len(funds) + D.SPARE_FUND_ROWS, D.MIN_FUND_ROWS)
    lay = D.BasicLayout(n)
    last = D.BASIC_LAST_COL
    _title(ws, "附件1-1", f"{_year_text(data)}度部门整体支出绩效评价基础数据表", last)
    _box(ws, D.BASIC_STAFF_HEADER_ROW, 1, lay.frugality_row, last)
    # Staff.
    r = D.BASIC_STAFF_HEADER_ROW
    ws.cell(r, 1, "财政供养人员情况（人）")
    _merge(ws, r, 1, r + 1, 1)
    ws.cell(r, D.BASIC_QUOTA_COL, "编制数")
    ws.cell(r, D.BASIC_ACTUAL_COL, f"{_year_text(data)}实际在职人数")
    ws.cell(r, D.BASIC_RATE_COL, "控制率")
    for c in range(1, last + 1):
        ws.cell(r, c).fill = FILL_HEADER
    staff = data.get("staff") or {}
    row = D.BASIC_STAFF_ROW
    b, c_, d = (to_a1(row, col) for col in (D.BASIC_QUOTA_COL, D.BASIC_ACTUAL_COL, D.BASIC_RATE_COL))
    for col, key in ((D.BASIC_QUOTA_COL, "quota"), (D.BASIC_ACTUAL_COL, "actual")):
        cell = ws.cell(row, col)
        if isinstance(staff.get(key), (int, float)):
            cell.value = staff[key]
        _style(cell, fill=FILL_INPUT, fmt="0")
    ws[d] = f'=IF(AND(ISNUMBER({b}),ISNUMBER({c_})),IF({b}>0,{c_}/{b},""),"")'
    ws[d].number_format = RATE
    _dv(ws, "whole", f"{b}:{c_}", formula1="0", operator="greaterThanOrEqual", title="人数",
        prompt="填写人数（整数）。", error="人数必须是不小于 0 的整数。")
    # 经费控制情况 header.
    r = D.BASIC_FUNDS_HEADER_ROW
    ws.cell(r, 1, "经费控制情况（万元）")
    ws.cell(r, D.COL_LAST_FINAL, f"{_year_text(data, -1)}决算数")
    ws.cell(r, D.COL_BUDGET, f"{_year_text(data)}预算数")
    ws.cell(r, D.COL_FINAL, f"{_year_text(data)}决算数")
    for c in range(1, last + 1):
        ws.cell(r, c).fill = FILL_HEADER
    cols = (D.COL_LAST_FINAL, D.COL_BUDGET, D.COL_FINAL)
    fund_cells = {}
    for key, label, parts in D.BASIC_FUND_ROWS:
        row = lay.rows[key]
        ws.cell(row, 1, label).alignment = LEFT
        for col in cols:
            cell = ws.cell(row, col)
            if parts == "funds":
                cell.value = _sum_formula([f"{to_a1(lay.first_fund_row, col)}:{to_a1(lay.last_fund_row, col)}"])
                cell.number_format = MONEY
            elif parts:
                cell.value = _sum_formula([to_a1(lay.rows[p], col) for p in parts])
                cell.number_format = MONEY
            else:
                _money_input(cell)
        fund_cells[key] = row
    for i in range(n):
        row = lay.first_fund_row + i
        fund = funds[i] if i < len(funds) else {}
        name_cell = ws.cell(row, 1, fund.get("name"))
        _style(name_cell, align=LEFT, fill=FILL_INPUT)
        _money_input(ws.cell(row, D.COL_LAST_FINAL), fund.get("last_year_final"))
        _money_input(ws.cell(row, D.COL_BUDGET), fund.get("budget_full_year"))
        _money_input(ws.cell(row, D.COL_FINAL), fund.get("spent"))
        if fund.get("units"):
            ws.cell(row, D.COL_FINAL + 1, "、".join(fund["units"])).font = FONT_NOTE
    for key, label, parts in D.BASIC_TAIL_ROWS:
        row = lay.rows[key]
        ws.cell(row, 1, label).alignment = LEFT
        for col in cols:
            cell = ws.cell(row, col)
            if parts:
                cell.value = _sum_formula([to_a1(lay.rows[p], col) for p in parts])
                cell.number_format = MONEY
            elif key == "basic_spending" and col == D.COL_LAST_FINAL:
                cell.value = "——"
            else:
                basic = data.get("basic_spending") or {}
                preset = None
                if key == "basic_spending":
                    preset = basic.get("budget_full_year") if col == D.COL_BUDGET else basic.get("spent")
                _money_input(cell, preset)
    money = (f"{to_a1(lay.rows['car_purchase'], D.COL_LAST_FINAL)}:"
             f"{to_a1(lay.rows['basic_spending'], D.COL_FINAL)}")
    _dv(ws, "decimal", money, formula1="0", operator="greaterThanOrEqual", title="金额（万元）",
        prompt="填写以万元为单位的数字，不带“万元”字样；没有填 0 或空着。",
        error="金额必须是不小于 0 的数字（单位：万元）。")
    # 楼堂馆所.
    r = lay.building_header_row
    ws.cell(r, 1, f"楼堂馆所控制情况\n（{_year_text(data)}完工项目）")
    _merge(ws, r, 1, r + 1, 1)
    for i, header in enumerate(D.BUILDING_HEADERS, start=2):
        ws.cell(r, i, header).fill = FILL_HEADER
    v = r + 1
    for col in (2, 3, 5, 6):
        _money_input(ws.cell(v, col))
    ws.cell(v, 4, f'=IF(AND(ISNUMBER(B{v}),ISNUMBER(C{v})),IF(B{v}>0,C{v}/B{v},""),"")').number_format = RATE
    ws.cell(v, 7, f'=IF(AND(ISNUMBER(E{v}),ISNUMBER(F{v})),IF(E{v}>0,F{v}/E{v},""),"")').number_format = RATE
    # 厉行节约.
    r = lay.frugality_row
    ws.cell(r, 1, "厉行节约保障措施")
    _style(ws.cell(r, 2), align=LEFT, fill=FILL_INPUT)
    _merge(ws, r, 2, r, last)
    ws.row_dimensions[r].height = 45
    note = ws.cell(lay.note_row, 1, "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”"
                                    "填报基本支出中的一般商品和服务支出。市级专项资金一个专项一行，"
                                    "由汇总的项目自评表生成；黄色单元格由填表人填写。")
    note.font = FONT_NOTE
    note.alignment = LEFT
    _merge(ws, lay.note_row, 1, lay.note_row, last)
    ws.row_dimensions[lay.note_row].height = 30
    _widths(ws, D.BASIC_WIDTHS)
    _print(ws, f"A1:{to_a1(lay.last_row, last)}", portrait=True)
    return lay


# ---------------------------------------------------------------- 自评表


def _self_sheet(ws: Worksheet, data: dict, funds: list[dict], basic: D.BasicLayout) -> None:
    last = D.SELF_LAST_COL
    rows = D.self_rows()
    _title(ws, "附件1-2", f"{_year_text(data)}度部门整体支出绩效自评表", last)
    _box(ws, D.SELF_DEPT_ROW, 1, rows["grade"], last)
    r = D.SELF_DEPT_ROW
    ws.cell(r, 1, "市级预算部门名称")
    _merge(ws, r, 1, r, 2)
    ws.cell(r, 3, data.get("department") or None)
    _style(ws.cell(r, 3), align=LEFT, fill=FILL_INPUT)
    _merge(ws, r, 3, r, last)
    # 年度预算 block.
    h = D.SELF_BUDGET_HEADER_ROW
    ws.cell(h, 1, "年度预算申请\n（万元）")
    _merge(ws, h, 1, D.SELF_FIRST_USE_ROW + len(D.SELF_USE_ROWS) - 1, 1)
    _merge(ws, h, 2, h, 3)
    for col, text in ((D.COL_S_INITIAL, "年初预算数"), (D.COL_S_FULL_YEAR, "全年预算数"),
                      (D.COL_S_SPENT, "全年执行数"), (D.COL_S_WEIGHT, "分值"),
                      (D.COL_S_RATE, "执行率"), (D.COL_S_SCORE, "得分")):
        ws.cell(h, col, text).fill = FILL_HEADER
    t = D.SELF_TOTAL_ROW
    ws.cell(t, D.COL_S_LABEL, "年度资金总额")
    _merge(ws, t, 2, t, 3)
    first_use, last_use = D.SELF_FIRST_USE_ROW, D.SELF_FIRST_USE_ROW + len(D.SELF_USE_ROWS) - 1
    for col in (D.COL_S_INITIAL, D.COL_S_FULL_YEAR, D.COL_S_SPENT):
        ws.cell(t, col, _sum_formula([f"{to_a1(first_use, col)}:{to_a1(last_use, col)}"])).number_format = MONEY
    ws.cell(t, D.COL_S_WEIGHT, D.SELF_BUDGET_WEIGHT)
    e, f, g, hh = (to_a1(t, c) for c in (D.COL_S_FULL_YEAR, D.COL_S_SPENT, D.COL_S_WEIGHT, D.COL_S_RATE))
    ws.cell(t, D.COL_S_RATE, f'=IF(AND(ISNUMBER({e}),ISNUMBER({f})),IF({e}>0,{f}/{e},""),"")').number_format = RATE
    ws.cell(t, D.COL_S_SCORE, f'=IF(AND(ISNUMBER({g}),ISNUMBER({hh})),{g}*MIN(MAX({hh},0),1),"")').number_format = SCORE
    for header_row, title, first, items in (
            (D.SELF_SOURCE_HEADER_ROW, "按收入性质分：", D.SELF_FIRST_SOURCE_ROW, D.SELF_SOURCE_ROWS),
            (D.SELF_USE_HEADER_ROW, "按支出性质分：", D.SELF_FIRST_USE_ROW, D.SELF_USE_ROWS)):
        ws.cell(header_row, 2, title).alignment = LEFT
        _merge(ws, header_row, 2, header_row, last)
        for i, (key, label) in enumerate(items):
            row = first + i
            ws.cell(row, D.COL_S_LABEL, label).alignment = LEFT
            _merge(ws, row, 2, row, 3)
            for col in (D.COL_S_INITIAL, D.COL_S_FULL_YEAR, D.COL_S_SPENT):
                _money_input(ws.cell(row, col))
    basic_spending = data.get("basic_spending") or {}
    row = D.SELF_FIRST_USE_ROW
    for col, key in ((D.COL_S_INITIAL, "budget_initial"), (D.COL_S_FULL_YEAR, "budget_full_year"),
                     (D.COL_S_SPENT, "spent")):
        _money_input(ws.cell(row, col), basic_spending.get(key))
    row += 1  # 项目支出: the special funds of the 基础数据表.
    initial = [f["budget_initial"] for f in funds if "budget_initial" in f]
    cell = ws.cell(row, D.COL_S_INITIAL)
    _money_input(cell, round(sum(initial), 6) if initial else None)
    b = _q(D.BASIC_SHEET)
    for col, src in ((D.COL_S_FULL_YEAR, D.COL_BUDGET), (D.COL_S_SPENT, D.COL_FINAL)):
        ref = f"{b}!{_abs(basic.cell('specials', src))}"
        cell = ws.cell(row, col, f'=IF(ISNUMBER({ref}),{ref},"")')
        _style(cell, fmt=MONEY)
    money = f"{to_a1(D.SELF_FIRST_SOURCE_ROW, D.COL_S_INITIAL)}:{to_a1(D.SELF_FIRST_USE_ROW, D.COL_S_SPENT)}"
    _dv(ws, "decimal", money, formula1="0", operator="greaterThanOrEqual", title="金额（万元）",
        prompt="填写以万元为单位的数字，不带“万元”字样。项目支出由基础数据表的专项资金汇总。",
        error="金额必须是不小于 0 的数字（单位：万元）。")
    # 年度总体目标.
    gh, gr = D.SELF_GOAL_HEADER_ROW, D.SELF_GOAL_ROW
    ws.cell(gh, 1, "年度总体目标")
    _merge(ws, gh, 1, gr, 1)
    ws.cell(gh, 2, "预期目标")
    _merge(ws, gh, 2, gh, 5)
    ws.cell(gh, 6, "实际完成情况")
    _merge(ws, gh, 6, gh, last)
    for c1, c2 in ((2, 5), (6, last)):
        _style(ws.cell(gr, c1), align=LEFT, fill=FILL_INPUT)
        _merge(ws, gr, c1, gr, c2)
    ws.row_dimensions[gr].height = 90
    # 绩效指标.
    ih, first = D.SELF_IND_HEADER_ROW, D.SELF_IND_FIRST_ROW
    ws.cell(ih, 1, "绩效指标")
    _merge(ws, ih, 1, rows["ind_last"], 1)
    for col, text in ((D.COL_S_LEVEL1, "一级指标"), (D.COL_S_LEVEL2, "二级指标"),
                      (D.COL_S_INDICATOR, "三级指标"), (D.COL_S_TARGET, "年度指标值"),
                      (D.COL_S_ACTUAL, "实际完成值"), (D.COL_S_IND_WEIGHT, "分值"),
                      (D.COL_S_IND_SCORE, "得分"), (D.COL_S_NOTE, "偏差原因分析及改进措施")):
        ws.cell(ih, col, text).fill = FILL_HEADER
    for row in range(first, rows["ind_last"] + 1):
        for col in range(2, last + 1):
            _style(ws.cell(row, col), align=LEFT if col in (4, 9) else CENTER, fill=FILL_INPUT)
    _self_validation(ws, first, rows["ind_last"])
    tr = rows["total"]
    ws.cell(tr, 1, "总分")
    _merge(ws, tr, 1, tr, 6)
    w_range = f"{to_a1(first, D.COL_S_IND_WEIGHT)}:{to_a1(rows['ind_last'], D.COL_S_IND_WEIGHT)}"
    s_range = f"{to_a1(first, D.COL_S_IND_SCORE)}:{to_a1(rows['ind_last'], D.COL_S_IND_SCORE)}"
    ws.cell(tr, D.COL_S_IND_WEIGHT, _sum_formula([to_a1(t, D.COL_S_WEIGHT), w_range]))
    total_score = to_a1(tr, D.COL_S_IND_SCORE)
    ws.cell(tr, D.COL_S_IND_SCORE, _sum_formula([to_a1(t, D.COL_S_SCORE), s_range])).number_format = SCORE
    gr_ = rows["grade"]
    ws.cell(gr_, 1, "评价等次")
    _merge(ws, gr_, 1, gr_, 6)
    ws.cell(gr_, 7, _grade_formula(total_score))
    _merge(ws, gr_, 7, gr_, last)
    _widths(ws, D.SELF_WIDTHS)
    _print(ws, f"A1:{to_a1(gr_, last)}")


def _self_validation(ws: Worksheet, first: int, last: int) -> None:
    col = lambda c: f"{to_a1(first, c)}:{to_a1(last, c)}"  # noqa: E731
    _dv(ws, "list", col(D.COL_S_LEVEL1), formula1='"' + ",".join(LEVEL1_NAMES) + '"',
        title="一级指标", prompt="请从下拉列表选择：产出指标、效益指标或满意度指标。",
        error="一级指标只能是：产出指标、效益指标、满意度指标。")
    level2 = [name for names in LEVEL2_OF.values() for name in names]
    _dv(ws, "list", col(D.COL_S_LEVEL2), formula1='"' + ",".join(level2) + '"',
        title="二级指标", prompt="从下拉列表选择本行一级指标下的二级指标。",
        error="二级指标只能是国家模板中的名称（数量指标、质量指标……服务对象满意度指标）。")
    _dv(ws, "decimal", col(D.COL_S_IND_WEIGHT), formula1="0", formula2="100", operator="between",
        title="分值", prompt="填写 0 到 100 之间的数字；预算执行 10 分与各指标分值合计应为 100。",
        error="分值必须是 0 到 100 之间的数字。")
    h, g = to_a1(first, D.COL_S_IND_SCORE), to_a1(first, D.COL_S_IND_WEIGHT)
    _dv(ws, "custom", col(D.COL_S_IND_SCORE),
        formula1=f"AND(ISNUMBER({h}),{h}>=0,OR(NOT(ISNUMBER({g})),{h}<={g}))",
        title="得分", prompt="填写不小于 0、不大于本行分值的数字；低于分值时请写明偏差原因。",
        error="得分必须是数字，不能小于 0，也不能大于本行的分值。")
    i = to_a1(first, D.COL_S_NOTE)
    ws.conditional_formatting.add(
        col(D.COL_S_NOTE),
        FormulaRule(formula=[f'AND(ISNUMBER({h}),ISNUMBER({g}),{h}<{g},LEN(TRIM({i}))=0)'], **CF_ERROR))


def _grade_formula(total_cell: str) -> str:
    return (f'=IF(NOT(ISNUMBER({total_cell})),"",IF({total_cell}>=90-0.000000001,"优",'
            f'IF({total_cell}>=80-0.000000001,"良",IF({total_cell}>=60-0.000000001,"中","差"))))')


# ---------------------------------------------------------------- 评分表


def _score_sheet(ws: Worksheet, data: dict, profile: DepartmentProfile,
                 basic: D.BasicLayout) -> None:
    n = len(profile.lines)
    rows = D.score_rows(n)
    last = D.SCORE_PRINT_LAST_COL
    cell = ws.cell(D.SCORE_TITLE_ROW, 1, profile.title or "部门整体支出绩效评价评分表")
    _style(cell, FONT_TITLE, border=False)
    _merge(ws, 1, 1, 1, last)
    ws.row_dimensions[1].height = 30
    for col, text in enumerate(D.SCORE_COLUMNS, start=1):
        _style(ws.cell(D.SCORE_HEADER_ROW, col, text), FONT_BOLD,
               fill=FILL_RULE if col > last else FILL_HEADER)
    refs = input_refs(profile, basic)
    level_rows: dict[tuple[str, str], list[int]] = {}
    for i, line in enumerate(profile.lines):
        r = D.SCORE_FIRST_ROW + i
        level_rows.setdefault((line.level1, ""), []).append(r)
        level_rows.setdefault((line.level1, line.level2), []).append(r)
        values = {D.COL_L1: f"{line.level1}\n（{num(profile.levels.get(line.level1, 0))}分）",
                  D.COL_L2: line.level2, D.COL_IND: line.indicator, D.COL_STD: line.standard,
                  D.COL_W: line.weight}
        for col in range(1, D.COL_BASIS + 1):
            _style(ws.cell(r, col), align=LEFT if col in (D.COL_STD, D.COL_REASON, D.COL_BASIS) else CENTER)
        for col, value in values.items():
            ws.cell(r, col, value)
        ws.cell(r, D.COL_SELF).fill = FILL_INPUT
        ws.cell(r, D.COL_REASON).fill = FILL_INPUT
        ws.cell(r, D.COL_SELF).number_format = SCORE
        v = to_a1(r, D.COL_VALUE)
        if line.is_judgement:
            ws.cell(r, D.COL_BASIS, "由评价人按评分标准打分")
        else:
            ws.cell(r, D.COL_VALUE, value_formula(line, refs)).number_format = \
                RATE if line.value_kind == "rate" else "0.00"
            ws.cell(r, D.COL_RULE, rule_formula(line, v, refs, profile.score_decimals)).number_format = SCORE
            ws.cell(r, D.COL_BASIS, line.standard)
        for col in (D.COL_VALUE, D.COL_RULE, D.COL_BASIS):
            ws.cell(r, col).fill = FILL_RULE
    # Level labels merged down over their rows.
    for (l1, l2), rws in level_rows.items():
        col = D.COL_L1 if not l2 else D.COL_L2
        if l2:
            weight = sum(profile.lines[r - D.SCORE_FIRST_ROW].weight for r in rws)
            ws.cell(rws[0], D.COL_L2, f"{l2}\n（{num(weight)}分）")
            for r in rws[1:]:
                ws.cell(r, D.COL_L2).value = None
        else:
            for r in rws[1:]:
                ws.cell(r, D.COL_L1).value = None
        _merge(ws, rws[0], col, rws[-1], col)
    first, last_line = D.SCORE_FIRST_ROW, rows["last_line"]
    rng = lambda c: f"{to_a1(first, c)}:{to_a1(last_line, c)}"  # noqa: E731
    f, e = to_a1(first, D.COL_SELF), to_a1(first, D.COL_W)
    _dv(ws, "custom", rng(D.COL_SELF), formula1=f"AND(ISNUMBER({f}),{f}>=0,{f}<={e})",
        title="自评得分", prompt="填写不小于 0、不大于本行分值的数字；按规则计分的指标请对照右侧“规则得分”。",
        error="自评得分必须是数字，不能小于 0，也不能大于本行分值。")
    g = to_a1(first, D.COL_REASON)
    ws.conditional_formatting.add(
        rng(D.COL_REASON),
        FormulaRule(formula=[f'AND(ISNUMBER({f}),{f}<{e},LEN(TRIM({g}))=0)'], **CF_ERROR))
    i = to_a1(first, D.COL_RULE)
    ws.conditional_formatting.add(
        rng(D.COL_SELF),
        FormulaRule(formula=[f'AND(ISNUMBER({f}),ISNUMBER({i}),ABS({f}-{i})>0.005)'], **CF_ERROR))
    # 总分 and 等次.
    tr = rows["total"]
    _box(ws, tr, 1, rows["grade"], D.COL_BASIS)
    ws.cell(tr, 1, "总 分")
    _merge(ws, tr, 1, tr, 4)
    ws.cell(tr, D.COL_W, f"=SUM({rng(D.COL_W)})")
    ws.cell(tr, D.COL_SELF, _sum_formula([rng(D.COL_SELF)])).number_format = SCORE
    ws.cell(tr, D.COL_RULE, f'=SUM({rng(D.COL_RULE)})+SUMIF({rng(D.COL_RULE)},"",{rng(D.COL_SELF)})'
            ).number_format = SCORE
    ws.cell(tr, D.COL_BASIS, "规则得分合计（按规则无法计分的指标计入自评得分）")
    gr = rows["grade"]
    ws.cell(gr, 1, "评价等次")
    _merge(ws, gr, 1, gr, 4)
    ws.cell(gr, D.COL_SELF, _grade_formula(to_a1(tr, D.COL_SELF)))
    ws.cell(gr, D.COL_RULE, _grade_formula(to_a1(tr, D.COL_RULE)))
    # 补充数据.
    sh = rows["supplement_header"]
    ws.cell(sh, 1, D.SUPPLEMENT_TITLE).font = FONT_BOLD
    _merge(ws, sh, 1, sh, last)
    for i, key in enumerate(supplement_keys(profile)):
        r = rows["supplement_first"] + i
        spec = profile.inputs[key]
        _style(ws.cell(r, D.COL_SUP_LABEL, spec.label), align=LEFT)
        value_cell = ws.cell(r, D.COL_SUP_VALUE)
        _style(value_cell, fill=FILL_INPUT, align=LEFT,
               fmt=RATE if spec.kind == "rate" else ("0" if spec.kind == "count" else MONEY))
        unit = {"money": "万元", "rate": "百分比", "count": "个"}.get(spec.kind, "")
        _style(ws.cell(r, D.COL_SUP_NOTE, f"{unit}；{spec.where}".strip("；")), FONT_NOTE, align=LEFT)
        _merge(ws, r, D.COL_SUP_NOTE, r, last)
    _widths(ws, D.SCORE_WIDTHS)
    _print(ws, f"A1:{to_a1(rows['grade'], last)}")
