"""Where every field of the project sheet sits — the one layout source of the
项目支出绩效自评表 xltools writes (master, unit form) and of the buttons that
rewrite it.

The writer (`xltools.project.sheet`), its native formulas
(`xltools.project.formulas`), the planners of the buttons (`xltools.master.plans`)
and the tests take rows and columns from here; nothing else hard-codes a cell of
a project sheet.  The reader does not use it: it finds fields by their labels,
which is why the labels below are the official texts of the national template
(财预〔2020〕10号, DOMAIN.md §2).

Columns A–I are the official form (printed); J–K beside it hold what the rule
and the arithmetic say, never in place of the unit's own figures::

    row 1            title “2022年度项目支出绩效自评表” (A1:I1, follows 基础信息)
    row 2            项目名称 | name                                (B2:I2)
    row 3            主管部门 | department (B3:D3) | 实施单位 | unit (F3:I3)
    row 4            项目资金（万元）(A4:A8) | (B4:C4) | 年初预算数 | 全年预算数 |
                     全年执行数 | 分值 | 执行率 | 得分 || 计算执行率 | 规则得分
    rows 5–8         年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金 (label B:C)
                     || J: 全年执行数 ÷ 全年预算数 of the row; K5: 分值 × min(计算执行率, 100%)
    row 9            年度总体目标 (A9:A10) | 预期目标 (B9:E9) | 实际完成情况 (F9:I9)
    row 10           expected (B10:E10) | actual (F10:I10)
    row 11           绩效指标 (A11:A11+N) | 一级指标 | 二级指标 | 三级指标 | 年度指标值 |
                     实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 || 规则得分 | 规则说明
    rows 12…11+N     one indicator per row
    row 12+N         总分 (A:F) | 分值合计 (G) | 总分得分 (H) || 规则总分 | 已填各项得分合计
    row 13+N         评价等次 (A:F) | 等次 (G:I) || 规则总分的等次 | 填报总分的等次
    rows 14+N, 15+N  备注 and 填表人 lines

In a form read into the master (`xltools new --from`) the cells the official
form shows — 执行率 (H5:H8), budget 得分 (I5), 总分得分 (H12+N), 评价等次
(G13+N) — keep the unit's own figures as typed; in a blank sheet they hold the
formulas.  The J:K cells always hold formulas (rule scores of the indicators:
values written by 一键重算).  Their labels travel in their number formats
(“规则总分 95.30”), so a cell says what it is wherever it is seen.

`N` (indicator rows) varies per sheet; `ProjectLayout.find(cells)` recovers it
from a sheet by looking for 总分 in column A.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..core.addresses import to_a1

#: Default name of the n-th project sheet (1-based) when the project has none.
PROJECT_SHEET_DEFAULT = "项目{n}"

#: Printed columns A..I; J..K hold the rule's figures, outside the print area;
#: the buttons sit in L.
PRINT_LAST_COL = 9
LAST_COL = 11
BUTTON_COL = 12
DEFAULT_INDICATOR_ROWS = 15

TITLE_ROW = 1
TITLE_TEXT = "项目支出绩效自评表"
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
COL_RULE_RATE = 10       # J 计算执行率 (formula)
COL_RULE_BUDGET_SCORE = 11  # K 规则得分 of the budget line (formula)
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
COL_RULE_TOTAL = 10      # J 规则总分 / 规则总分的等次
COL_ENTERED_TOTAL = 11   # K 已填各项得分合计 / 填报总分的等次

#: Header texts of the 绩效指标 block, by column.
INDICATOR_HEADERS = {
    COL_LEVEL1: "一级指标", COL_LEVEL2: "二级指标", COL_INDICATOR: "三级指标",
    COL_TARGET: "年度指标值", COL_ACTUAL: "实际完成值", COL_WEIGHT: "分值",
    COL_SCORE: "得分", COL_NOTE: "偏差原因分析及改进措施",
    COL_RULE_SCORE: "规则得分", COL_RULE_BASIS: "规则说明",
}
#: Header texts of the 项目资金 block, by column (J, K: the rule's figures).
FUNDS_HEADERS = {
    COL_BUDGET_INITIAL: "年初预算数", COL_BUDGET_FULL_YEAR: "全年预算数",
    COL_SPENT: "全年执行数", COL_FUNDS_WEIGHT: "分值", COL_EXECUTION_RATE: "执行率",
    COL_FUNDS_SCORE: "得分", COL_RULE_RATE: "计算执行率", COL_RULE_BUDGET_SCORE: "规则得分",
}
TOTAL_LABEL = "总分"
GRADE_LABEL = "评价等次"
REMARK_TEXT = ("备注：一个项目一张表。金额单位：万元。空白表中执行率、得分、总分、等次由公式自动计算；"
               "读入的表保留填报的数字，按规则计算的数字在表格右侧（J、K 列）。")
#: Number formats that carry the labels of the J:K figures beside 总分 and 等次.
RULE_TOTAL_FORMAT = '"规则总分 "0.00'
ENTERED_TOTAL_FORMAT = '"已填各项得分合计 "0.00'
RULE_GRADE_FORMAT = '"规则总分的等次 "@'
STATED_GRADE_FORMAT = '"填报总分的等次 "@'
# Workbook-level defined names behind the project sheet's dropdowns (ASCII,
# valid in Excel, WPS and LibreOffice); `master.build` defines them over its
# hidden `lists` sheet and the 基础信息 unit list.
NAME_LEVEL1 = "XT_LEVEL1"          # lists!$A$2:$A$4
NAME_LEVEL2_HEAD = "XT_L2_HEAD"    # lists!$B$1:$E$1
NAME_LEVEL2_ORIGIN = "XT_L2_ORIGIN"  # lists!$A$2 (OFFSET origin)
NAME_LEVEL2_COUNT = "XT_L2_COUNT"  # lists!$B$12:$E$12
NAME_UNITS = "XT_UNITS"            # 基础信息 unit list, as long as it is filled

#: Column widths (characters) of the project sheet, A..L.
PROJECT_WIDTHS = (9, 11, 14, 22, 14, 14, 8, 8, 30, 16, 30, 12)


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
    title_cell = to_a1(TITLE_ROW, 1)
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
    rule_rate_cell = to_a1(FUNDS_FIRST_ROW, COL_RULE_RATE)
    rule_budget_score_cell = to_a1(FUNDS_FIRST_ROW, COL_RULE_BUDGET_SCORE)

    def rate_cell(self, line: int) -> str:
        """执行率 cell of the line-th row of the 项目资金 block (0-based)."""
        return to_a1(FUNDS_FIRST_ROW + line, COL_EXECUTION_RATE)

    def rule_rate_cell_of(self, line: int) -> str:
        return to_a1(FUNDS_FIRST_ROW + line, COL_RULE_RATE)

    @property
    def total_weight_cell(self) -> str:
        return to_a1(self.total_row, COL_TOTAL_WEIGHT)

    @property
    def total_score_cell(self) -> str:
        return to_a1(self.total_row, COL_TOTAL_SCORE)

    @property
    def grade_cell(self) -> str:
        return to_a1(self.grade_row, COL_GRADE)

    @property
    def rule_total_cell(self) -> str:
        return to_a1(self.total_row, COL_RULE_TOTAL)

    @property
    def entered_total_cell(self) -> str:
        return to_a1(self.total_row, COL_ENTERED_TOTAL)

    @property
    def rule_grade_cell(self) -> str:
        return to_a1(self.grade_row, COL_RULE_TOTAL)

    @property
    def stated_total_grade_cell(self) -> str:
        return to_a1(self.grade_row, COL_ENTERED_TOTAL)

    @property
    def signature_cell(self) -> str:
        return to_a1(self.signature_row, 1)

    @property
    def stated_cells(self) -> tuple[str, ...]:
        """The cells of the official form a unit fills in its own copy and
        that a blank sheet computes: 执行率 ×4, budget 得分, 总分得分, 等次."""
        return (*(self.rate_cell(i) for i in range(len(BUDGET_LINES))), self.budget_score_cell,
                self.total_score_cell, self.grade_cell)

    def column_range(self, col: int) -> str:
        """The indicator rows of one column, e.g. "G12:G26"."""
        return f"{to_a1(IND_FIRST_ROW, col)}:{to_a1(self.ind_last_row, col)}"

    @property
    def print_area(self) -> str:
        return f"A1:{to_a1(self.last_row, PRINT_LAST_COL)}"

    #: Rows repeated at the top of every printed page (title, name, header).
    print_title_rows = (TITLE_ROW, HEADER_ROW)

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
