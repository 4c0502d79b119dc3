"""Where every field sits on the master's own sheets — the one layout source of
说明, 基础信息, 整体支出, 校验结果, xlwings.conf, the hidden lists sheet, the
defined names and the buttons.

The project sheets have their own layout (`xltools.project.layout`), the
department sheets theirs (`xltools.department.layout`).  The master writer
(`xltools.master.build`), the button planners (`xltools.master.plans`), the
handlers (`xltools.excel`) and the tests take rows and columns from here;
nothing else hard-codes a cell of these sheets.
"""
from __future__ import annotations

from ..core.addresses import to_a1
from ..department.layout import SCORE_SHEET
from ..project import layout as P

# ---------------------------------------------------------------- sheet names
INSTRUCTIONS_SHEET = "说明"
BASE_SHEET = "基础信息"
SUMMARY_SHEET = "整体支出"
CHECKS_SHEET = "校验结果"
CONF_SHEET = "xlwings.conf"
LISTS_SHEET = "lists"  # hidden: the lookup tables behind the dropdowns

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
BASE_TITLE = "基础信息"
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
#: so the reader does not take this sheet for a 项目资金 block.  The unit's own
#: figures (填报) and the rule's (规则) stand in separate columns.
SUMMARY_COLUMNS = (
    ("index", "序号"), ("sheet", "工作表"), ("name", "项目名称"), ("unit", "实施单位"),
    ("budget_initial", "年初预算\n金额"), ("budget_full_year", "全年预算\n金额"),
    ("spent", "全年执行\n金额"), ("execution_rate", "计算\n执行率"),
    ("total_weight", "分值合计"), ("total_score", "自评得分\n（填报）"), ("grade", "评价等次\n（填报）"),
    ("rule_total", "规则总分"), ("rule_grade", "规则总分\n等次"),
)
SUMMARY_COL = {key: i + 1 for i, (key, _) in enumerate(SUMMARY_COLUMNS)}
SUMMARY_WIDTHS = (5, 18, 32, 20, 11, 11, 11, 9, 8, 10, 9, 9, 9)
SUMMARY_TOTAL_LABEL = "合计"
SUMMARY_TITLE_TEXT = "项目支出绩效自评汇总"
#: 整体支出 column key → the project-sheet cell it pulls (a `ProjectLayout` attribute)
#: and whether it is a number (else a text).
SUMMARY_SOURCES = {
    "name": ("name_cell", False), "unit": ("unit_cell", False),
    "budget_initial": ("budget_initial_cell", True), "budget_full_year": ("budget_full_year_cell", True),
    "spent": ("spent_cell", True), "execution_rate": ("rule_rate_cell", True),
    "total_weight": ("total_weight_cell", True), "total_score": ("total_score_cell", True),
    "grade": ("grade_cell", False), "rule_total": ("rule_total_cell", True),
    "rule_grade": ("rule_grade_cell", False),
}

# ------------------------------------------------------------ 校验结果 sheet
CHECKS_TITLE_ROW = 1
CHECKS_NOTE_ROW = 2
CHECKS_HEADER_ROW = 3
CHECKS_FIRST_ROW = 4
#: (Issue attribute, header) per column, A.. in order: what a clerk reads first
#: (说明, where) before the stable English code.
CHECKS_COLUMNS = (
    ("message", "说明"), ("severity", "严重程度"), ("file", "文件"), ("sheet", "工作表"),
    ("cell", "单元格"), ("field", "字段"), ("value", "值"), ("code", "代码"),
)
CHECKS_COL = {key: i + 1 for i, (key, _) in enumerate(CHECKS_COLUMNS)}
#: Widths (characters): the eight columns fit an A4 landscape page at 100 %.
CHECKS_WIDTHS = (44, 8, 16, 18, 7, 16, 12, 24)
CHECKS_TITLE = "校验结果"
CHECKS_NOTE = ("点“校验”按钮（或在终端运行 xltools check 本文件）后，这里列出发现的问题；"
               "按“文件”“工作表”“单元格”找到要改的位置。")

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

# The defined names the project sheets' dropdowns use (NAME_LEVEL1 … NAME_UNITS)
# are in `project.layout`; `master.build` defines them over these sheets.

# ------------------------------------------------------------------ buttons
#: The department's 整体支出评分表 carries 整体评价.
DEPARTMENT_SCORE_SHEET = SCORE_SHEET
#: (sheet key, anchor cell, caption, VBA Sub in macros/xltools.bas).  Sheet key
#: "project" means every project sheet, where the buttons sit in column L, right
#: of the rule's figures (J:K) and outside the print area.  Sizes (columns, rows)
#: in BUTTON_SIZE.
BUTTONS = (
    (INSTRUCTIONS_SHEET, "D3", "一键重算", "Recalculate"),
    (INSTRUCTIONS_SHEET, "D6", "校验", "CheckBook"),
    (INSTRUCTIONS_SHEET, "D9", "汇总下级报送", "Consolidate"),
    (INSTRUCTIONS_SHEET, "D12", "新增项目", "AddProject"),
    (INSTRUCTIONS_SHEET, "D15", "整体评价", "EvaluateDepartment"),
    (INSTRUCTIONS_SHEET, "D18", "导入自定义函数", "ImportFunctions"),
    (DEPARTMENT_SCORE_SHEET, "L2", "整体评价", "EvaluateDepartment"),
    ("project", to_a1(P.NAME_ROW, P.BUTTON_COL), "一键重算", "Recalculate"),
    ("project", to_a1(P.FUNDS_HEADER_ROW, P.BUTTON_COL), "校验", "CheckBook"),
    ("project", to_a1(P.FUNDS_FIRST_ROW + 2, P.BUTTON_COL), "新增项目", "AddProject"),
    (SUMMARY_SHEET, to_a1(SUMMARY_HEADER_ROW - 2, len(SUMMARY_COLUMNS) + 2), "汇总下级报送", "Consolidate"),
    (SUMMARY_SHEET, to_a1(SUMMARY_HEADER_ROW + 1, len(SUMMARY_COLUMNS) + 2), "一键重算", "Recalculate"),
    (CHECKS_SHEET, to_a1(CHECKS_TITLE_ROW, len(CHECKS_COLUMNS) + 2), "校验", "CheckBook"),
)
#: Button size (width in columns, height in rows) by sheet key; default (2, 2).
BUTTON_SIZE = {INSTRUCTIONS_SHEET: (1, 2), "project": (1, 2)}


#: Sub name → the terminal command that does the same ({file}: the master's
#: file name); None where only Excel can do it.  A master without macros
#: (`xltools new --no-macros`) shows `button_note` where each button would be.
TERMINAL_TWINS = {
    "Recalculate": "xltools recalc {file}",
    "CheckBook": "xltools check {file}",
    "Consolidate": "xltools consolidate 下级报送 --master {file}",
    "AddProject": "xltools add-project {file}",
    "EvaluateDepartment": "xltools evaluate {file}",
    "ImportFunctions": None,
}


def button_note(macro: str, caption: str, file_name: str = "") -> str:
    """What a master without macros shows where a button would be."""
    twin = TERMINAL_TWINS.get(macro)
    if twin:
        return f"{caption}：在命令行运行 {twin.format(file=file_name or '本文件')}"
    return f"{caption}：需要启用宏的 .xlsm 主表"
