"""Where every field sits on the sheets xltools writes — the one layout source.

The master writer (`xltools.master.build`), its native formulas, the button handlers
(`xltools.excel`) and the tests all take rows and columns from here; nothing
else hard-codes a cell of a sheet xltools made.  The reader does not use it: it
finds fields by their labels, which is why the labels below are the official
texts of the national template (财预〔2020〕10号, DOMAIN.md §2).

Project sheet (columns A–I printed, J–K beside them for the rule's suggestion)::

    row 1            title  “2022年度项目支出绩效自评表”            (A1:I1)
    row 2            项目名称 | name                                (B2:I2)
    row 3            主管部门 | department (B3:D3) | 实施单位 | unit (F3:I3)
    row 4            项目资金（万元）(A4:A8) | (B4:C4) | 年初预算数 | 全年预算数 |
                     全年执行数 | 分值 | 执行率 | 得分
    rows 5–8         年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金 (label B:C)
    row 9            年度总体目标 (A9:A10) | 预期目标 (B9:E9) | 实际完成情况 (F9:I9)
    row 10           expected (B10:E10) | actual (F10:I10)
    row 11           绩效指标 (A11:A11+N) | 一级指标 | 二级指标 | 三级指标 | 年度指标值 |
                     实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 || 规则得分 | 规则说明
    rows 12…11+N     one indicator per row
    row 12+N         总分 (A:F) | weight total (G) | score total (H)
    row 13+N         评价等次 (A:F) | grade (G:I)
    rows 14+N, 15+N  备注 and 填表人 lines

`N` (indicator rows) varies per sheet; `ProjectLayout.find(cells)` recovers it
from a sheet by looking for 总分 in column A.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..core.addresses import from_a1, to_a1

# ---------------------------------------------------------------- sheet names
INSTRUCTIONS_SHEET = "说明"
BASE_SHEET = "基础信息"
SUMMARY_SHEET = "整体支出"
CHECKS_SHEET = "校验结果"
CONF_SHEET = "xlwings.conf"
LISTS_SHEET = "lists"  # hidden: the lookup tables behind the dropdowns
#: Default name of the n-th project sheet (1-based) when the project has none.
PROJECT_SHEET_DEFAULT = "项目{n}"

# ------------------------------------------------------------- project sheet
#: Printed columns A..I; J..K hold the rule's suggestion, outside the print area.
PRINT_LAST_COL = 9
LAST_COL = 11
DEFAULT_INDICATOR_ROWS = 15

TITLE_ROW = 1
NAME_ROW = 2
HEADER_ROW = 3            # 主管部门 / 实施单位
FUNDS_HEADER_ROW = 4
FUNDS_FIRST_ROW = 5
#: The four rows of the 项目资金 block, in order; only the first carries 分值/得分.
BUDGET_LINES = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
GOAL_HEADER_ROW = 9
GOAL_ROW = 10
IND_HEADER_ROW = 11
IND_FIRST_ROW = 12

# Columns (1-based).
COL_BLOCK = 1            # A: 项目资金 / 年度总体目标 / 绩效指标 / 总分 labels
COL_NAME_VALUE = 2       # B2 (merged B:I)
COL_DEPARTMENT = 2       # B3 (merged B:D)
COL_UNIT_LABEL = 5       # E3
COL_UNIT = 6             # F3 (merged F:I)
# 项目资金 block
COL_FUNDS_LABEL = 2      # B (merged B:C)
COL_BUDGET_INITIAL = 4   # D 年初预算数
COL_BUDGET_FULL_YEAR = 5  # E 全年预算数
COL_SPENT = 6            # F 全年执行数
COL_FUNDS_WEIGHT = 7     # G 分值
COL_EXECUTION_RATE = 8   # H 执行率
COL_FUNDS_SCORE = 9      # I 得分
# 年度总体目标
COL_GOAL_EXPECTED = 2    # B10 (merged B:E)
COL_GOAL_ACTUAL = 6      # F10 (merged F:I)
# 绩效指标 block
COL_LEVEL1 = 2           # B
COL_LEVEL2 = 3           # C
COL_INDICATOR = 4        # D 三级指标
COL_TARGET = 5           # E 年度指标值
COL_ACTUAL = 6           # F 实际完成值
COL_WEIGHT = 7           # G 分值
COL_SCORE = 8            # H 得分
COL_NOTE = 9             # I 偏差原因分析及改进措施
COL_RULE_SCORE = 10      # J 规则得分 (filled by 一键重算 / xltools recalc)
COL_RULE_BASIS = 11      # K 规则说明
# 总分 / 评价等次 rows
COL_TOTAL_WEIGHT = 7     # G
COL_TOTAL_SCORE = 8      # H
COL_GRADE = 7            # G (merged G:I)

#: Header texts of the 绩效指标 block, by column.
INDICATOR_HEADERS = {
    COL_LEVEL1: "一级指标", COL_LEVEL2: "二级指标", COL_INDICATOR: "三级指标",
    COL_TARGET: "年度指标值", COL_ACTUAL: "实际完成值", COL_WEIGHT: "分值",
    COL_SCORE: "得分", COL_NOTE: "偏差原因分析及改进措施",
    COL_RULE_SCORE: "规则得分", COL_RULE_BASIS: "规则说明",
}
#: Header texts of the 项目资金 block, by column.
FUNDS_HEADERS = {
    COL_BUDGET_INITIAL: "年初预算数", COL_BUDGET_FULL_YEAR: "全年预算数",
    COL_SPENT: "全年执行数", COL_FUNDS_WEIGHT: "分值", COL_EXECUTION_RATE: "执行率",
    COL_FUNDS_SCORE: "得分",
}
TOTAL_LABEL = "总分"
GRADE_LABEL = "评价等次"
#: Column widths (characters) of the project sheet, A..K.
PROJECT_WIDTHS = (9, 11, 14, 22, 14, 14, 8, 8, 30, 10, 30)


@dataclass(frozen=True)
class ProjectLayout:
    """Rows of a project sheet with `indicator_rows` indicator rows.  Every
    address a writer, a formula or a button handler needs comes from here."""

    indicator_rows: int = DEFAULT_INDICATOR_ROWS

    # rows ------------------------------------------------------------------
    @property
    def ind_last_row(self) -> int:
        return IND_FIRST_ROW + self.indicator_rows - 1

    @property
    def total_row(self) -> int:
        return self.ind_last_row + 1

    @property
    def grade_row(self) -> int:
        return self.total_row + 1

    @property
    def remark_row(self) -> int:
        return self.total_row + 2

    @property
    def signature_row(self) -> int:
        return self.total_row + 3

    @property
    def last_row(self) -> int:
        return self.signature_row

    def indicator_row(self, index: int) -> int:
        """Sheet row of the index-th indicator (0-based)."""
        if not 0 <= index < self.indicator_rows:
            raise IndexError(f"indicator {index} outside 0..{self.indicator_rows - 1}")
        return IND_FIRST_ROW + index

    def budget_row(self, label: str) -> int:
        return FUNDS_FIRST_ROW + BUDGET_LINES.index(label)

    # cells -----------------------------------------------------------------
    name_cell = to_a1(NAME_ROW, COL_NAME_VALUE)
    department_cell = to_a1(HEADER_ROW, COL_DEPARTMENT)
    unit_cell = to_a1(HEADER_ROW, COL_UNIT)
    goal_expected_cell = to_a1(GOAL_ROW, COL_GOAL_EXPECTED)
    goal_actual_cell = to_a1(GOAL_ROW, COL_GOAL_ACTUAL)
    budget_initial_cell = to_a1(FUNDS_FIRST_ROW, COL_BUDGET_INITIAL)
    budget_full_year_cell = to_a1(FUNDS_FIRST_ROW, COL_BUDGET_FULL_YEAR)
    spent_cell = to_a1(FUNDS_FIRST_ROW, COL_SPENT)
    budget_weight_cell = to_a1(FUNDS_FIRST_ROW, COL_FUNDS_WEIGHT)
    execution_rate_cell = to_a1(FUNDS_FIRST_ROW, COL_EXECUTION_RATE)
    budget_score_cell = to_a1(FUNDS_FIRST_ROW, COL_FUNDS_SCORE)

    @property
    def total_weight_cell(self) -> str:
        return to_a1(self.total_row, COL_TOTAL_WEIGHT)

    @property
    def total_score_cell(self) -> str:
        return to_a1(self.total_row, COL_TOTAL_SCORE)

    @property
    def grade_cell(self) -> str:
        return to_a1(self.grade_row, COL_GRADE)

    def column_range(self, col: int) -> str:
        """The indicator rows of one column, e.g. "G12:G26"."""
        return f"{to_a1(IND_FIRST_ROW, col)}:{to_a1(self.ind_last_row, col)}"

    @property
    def print_area(self) -> str:
        return f"A1:{to_a1(self.last_row, PRINT_LAST_COL)}"

    #: Rows repeated at the top of every printed page (title, name, header).
    print_title_rows = f"{TITLE_ROW}:{HEADER_ROW}"

    @classmethod
    def find(cls, value_at: Callable[[int, int], object], max_rows: int = 500) -> Optional["ProjectLayout"]:
        """The layout of an existing project sheet: `value_at(row, col)` (1-based)
        gives a cell's value; 总分 in column A below the indicator header ends the
        indicator rows.  None when the sheet is not one xltools wrote."""
        from ..core.labels import normalize_label

        if normalize_label(value_at(IND_HEADER_ROW, COL_LEVEL1)) != "一级指标":
            return None
        for row in range(IND_FIRST_ROW, max_rows + 1):
            if normalize_label(value_at(row, COL_BLOCK)) == TOTAL_LABEL:
                return cls(indicator_rows=row - IND_FIRST_ROW)
        return None


# ------------------------------------------------------------ 基础信息 sheet
BASE_DEPARTMENT_CELL = "B3"
BASE_YEAR_CELL = "B4"
BASE_FILLER_CELL = "B5"      # 填表人
BASE_PHONE_CELL = "B6"       # 联系电话
BASE_FOR_UNIT_CELL = "B7"    # the unit a --for-unit file belongs to
BASE_UNITS_HEADER_ROW = 9
BASE_UNITS_FIRST_ROW = 10
BASE_UNITS_ROWS = 50
BASE_UNITS_COL = 2           # B
BASE_FIELDS = (
    (BASE_DEPARTMENT_CELL, "主管部门"), (BASE_YEAR_CELL, "年度"),
    (BASE_FILLER_CELL, "填表人"), (BASE_PHONE_CELL, "联系电话"),
    (BASE_FOR_UNIT_CELL, "本表填报单位"),
)


def base_units_range(absolute: bool = True) -> str:
    first = to_a1(BASE_UNITS_FIRST_ROW, BASE_UNITS_COL, absolute)
    last = to_a1(BASE_UNITS_FIRST_ROW + BASE_UNITS_ROWS - 1, BASE_UNITS_COL, absolute)
    return f"{first}:{last}"


# ------------------------------------------------------------ 整体支出 sheet
SUMMARY_TITLE_ROW = 1
SUMMARY_UNIT_ROW = 2
SUMMARY_HEADER_ROW = 3
SUMMARY_FIRST_ROW = 4
#: (key, header) per column, A.. in order.  The row after the last project is 合计.
#: The money headers say 金额 (unit in row 2), not 年初预算数/全年预算数/全年执行数,
#: so the reader does not take this sheet for a 项目资金 block.
SUMMARY_COLUMNS = (
    ("index", "序号"), ("sheet", "工作表"), ("name", "项目名称"), ("unit", "实施单位"),
    ("budget_initial", "年初预算\n金额"), ("budget_full_year", "全年预算\n金额"),
    ("spent", "全年执行\n金额"), ("execution_rate", "执行率"),
    ("total_weight", "分值合计"), ("total_score", "自评得分"), ("grade", "评价等次"),
)
SUMMARY_COL = {key: i + 1 for i, (key, _) in enumerate(SUMMARY_COLUMNS)}
SUMMARY_WIDTHS = (6, 20, 36, 22, 12, 12, 12, 10, 10, 10, 10)
SUMMARY_TOTAL_LABEL = "合计"

# ------------------------------------------------------------ 校验结果 sheet
CHECKS_TITLE_ROW = 1
CHECKS_NOTE_ROW = 2
CHECKS_HEADER_ROW = 3
CHECKS_FIRST_ROW = 4
#: (Issue attribute, header) per column, A.. in order.
CHECKS_COLUMNS = (
    ("code", "代码"), ("severity", "严重程度"), ("file", "文件"), ("sheet", "工作表"),
    ("cell", "单元格"), ("field", "字段"), ("value", "值"), ("message", "说明"),
)
CHECKS_COL = {key: i + 1 for i, (key, _) in enumerate(CHECKS_COLUMNS)}
CHECKS_WIDTHS = (16, 10, 24, 16, 8, 18, 18, 60)

# --------------------------------------------------------- xlwings.conf sheet
#: Keys in column A from A1 down, values in column B, no blank row (xlwings
#: reads A1 down to the first blank).  The interpreter is left for the user.
UDF_MODULES = "xltools.excel.udfs;xltools.excel.udfs_department"
CONF_ENTRIES = (
    ("Interpreter_Win", ""),
    ("Interpreter_Mac", ""),
    ("PYTHONPATH", ""),
    ("UDF Modules", UDF_MODULES),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
)
CONF_NOTE_CELL = "D1"

# ------------------------------------------------------------- lists sheet
# Column A: the 一级指标 (A2..A4).  Columns B.. : one per 一级 (header in row 1,
# its 二级 below), then a column with every 二级 (used while 一级 is blank);
# row LISTS_COUNT_ROW counts each column.
LISTS_LEVEL1_COL = 1
LISTS_FIRST_ROW = 2
LISTS_COUNT_ROW = 12
LISTS_ALL_HEADER = "（全部）"

# Defined names (ASCII, valid in Excel, WPS and LibreOffice).
NAME_LEVEL1 = "XT_LEVEL1"          # lists!$A$2:$A$4
NAME_LEVEL2_HEAD = "XT_L2_HEAD"    # lists!$B$1:$E$1
NAME_LEVEL2_ORIGIN = "XT_L2_ORIGIN"  # lists!$A$2 (OFFSET origin)
NAME_LEVEL2_COUNT = "XT_L2_COUNT"  # lists!$B$12:$E$12
NAME_UNITS = "XT_UNITS"            # 基础信息 unit list, as long as it is filled

# ------------------------------------------------------------------ buttons
#: The department's 整体支出评分表 (xltools.department.layout.SCORE_SHEET) carries 整体评价.
DEPARTMENT_SCORE_SHEET = "部门整体支出评分表"
#: (sheet key, anchor cell, caption, VBA Sub in macros/xltools.bas).  Sheet key
#: "project" means every project sheet, where the buttons sit in column J above
#: the 规则得分 header (rows 2–7 of J are empty and outside the print area), so
#: they show without scrolling far right.  Sizes (columns, rows) in BUTTON_SIZE.
BUTTONS = (
    (INSTRUCTIONS_SHEET, "D3", "一键重算", "Recalculate"),
    (INSTRUCTIONS_SHEET, "D6", "校验", "CheckBook"),
    (INSTRUCTIONS_SHEET, "D9", "汇总下级报送", "Consolidate"),
    (INSTRUCTIONS_SHEET, "D12", "新增项目", "AddProject"),
    (INSTRUCTIONS_SHEET, "D15", "整体评价", "EvaluateDepartment"),
    (INSTRUCTIONS_SHEET, "D18", "导入自定义函数", "ImportFunctions"),
    (DEPARTMENT_SCORE_SHEET, "L2", "整体评价", "EvaluateDepartment"),
    ("project", to_a1(NAME_ROW, COL_RULE_SCORE), "一键重算", "Recalculate"),
    ("project", to_a1(FUNDS_HEADER_ROW, COL_RULE_SCORE), "校验", "CheckBook"),
    ("project", to_a1(FUNDS_FIRST_ROW + 2, COL_RULE_SCORE), "新增项目", "AddProject"),
    (SUMMARY_SHEET, to_a1(SUMMARY_HEADER_ROW - 2, len(SUMMARY_COLUMNS) + 2), "汇总下级报送", "Consolidate"),
    (SUMMARY_SHEET, to_a1(SUMMARY_HEADER_ROW + 1, len(SUMMARY_COLUMNS) + 2), "一键重算", "Recalculate"),
    (CHECKS_SHEET, to_a1(CHECKS_TITLE_ROW, len(CHECKS_COLUMNS) + 2), "校验", "CheckBook"),
)
#: Button size (width in columns, height in rows) by sheet key; default (2, 2).
BUTTON_SIZE = {INSTRUCTIONS_SHEET: (1, 2), "project": (1, 2)}


def quote_sheet(name: str) -> str:
    """A sheet name as a formula reference prefix: 项目1 → '项目1'."""
    return "'" + name.replace("'", "''") + "'"


def ref(sheet: str, cell: str) -> str:
    """'Sheet'!$B$2 from "B2"."""
    row, col = from_a1(cell)
    return f"{quote_sheet(sheet)}!{to_a1(row, col, absolute=True)}"
