"""Where the department sheets of the master put things — the one layout source
for `xltools.department.writers` (and the planner behind the 整体评价 button).
The readers do not use it: they find fields by their labels, so a clerk's own
copy of the official tables reads the same as the master.

基础数据表 (附件1-1), columns A–G::

    1  附件1-1                     2  title (A2:G2)
    3  财政供养人员情况（人）(A3:A4) | 编制数 | 实际在职人数 | 控制率
    4                               | input  | input        | =C4/B4
    5  经费控制情况（万元）        | {上年}年决算数 | {本年}年预算数 | {本年}年决算数
    6  三公经费 (sum) · 7 公务用车购置和维护经费 (sum) · 8 公车购置 · 9 公车运行维护 ·
    10 出国经费 · 11 公务接待 · 12 项目支出 (sum) · 13 业务工作经费 · 14 运行维护经费 ·
    15 市级专项资金（一个专项一行）(sum) · 16…15+N one row per special fund
    then 公用经费 (sum) · 办公经费 · 水费、电费、差旅费 · 会议费、培训费 · 政府采购金额 ·
    部门基本支出预算调整 · 楼堂馆所 (header + values) · 厉行节约保障措施 · 说明

部门整体支出绩效自评表 (附件1-2), columns A–I::

    3  市级预算部门名称 (A3:B3) | department (C3:I3)
    4  年度预算申请（万元）(A4:A13) | 年初预算数 D | 全年预算数 E | 全年执行数 F | 分值 G |
       执行率 H | 得分 I
    5  年度资金总额 = 基本支出 + 项目支出 (“待填” while 基本支出 is blank; so are
       its 执行率 H and 得分 I, and the 总分)
    6  按收入性质分：  7–10 一般公共预算 · 政府性基金拨款 · 纳入专户管理的非税收入拨款 · 其他资金
    11 按支出性质分：  12 基本支出 (clerk) · 13 项目支出 (= 基础数据表 市级专项资金)
    14–15 年度总体目标 · 16 绩效指标 header · 17…16+K indicator rows · 总分 · 评价等次

部门整体支出评分表 (the profile's lines), columns A–G printed, H–J beside::

    1 title · 2 header 一级指标 | 二级指标 | 三级指标 | 评分标准 | 分值 | 自评得分 |
      扣分原因和其他说明 || 指标值 | 规则得分 | 规则说明
    3…2+L one row per profile line · 总分 · 评价等次 (by rule)
    then 补充数据 header and one row per input the other sheets do not hold:
      label in C, figure in D, where it comes from in E (E:G)
"""
from __future__ import annotations

from ..core.addresses import to_a1

BASIC_SHEET = "基础数据表"
SELF_SHEET = "部门整体支出绩效自评表"
SCORE_SHEET = "部门整体支出评分表"
DEPARTMENT_SHEETS = (BASIC_SHEET, SELF_SHEET, SCORE_SHEET)

# ---------------------------------------------------------------- 基础数据表
BASIC_LAST_COL = 7
BASIC_STAFF_HEADER_ROW = 3
BASIC_STAFF_ROW = 4
BASIC_QUOTA_COL, BASIC_ACTUAL_COL, BASIC_RATE_COL = 2, 3, 4
BASIC_FUNDS_HEADER_ROW = 5
COL_LAST_FINAL, COL_BUDGET, COL_FINAL = 2, 3, 4
#: Fixed rows of 经费控制情况 before the special funds: (key, label, parts or None).
BASIC_FUND_ROWS = (
    ("three_public", "三公经费", ("car", "abroad", "reception")),
    ("car", "   1、公务用车购置和维护经费", ("car_purchase", "car_running")),
    ("car_purchase", "       其中：公车购置", None),
    ("car_running", "             公车运行维护", None),
    ("abroad", "   2、出国经费", None),
    ("reception", "   3、公务接待", None),
    ("projects", "项目支出：", ("business", "operation", "specials")),
    ("business", "    1、业务工作经费", None),
    ("operation", "    2、运行维护经费", None),
    ("specials", "3、市级专项资金（一个专项一行）", "funds"),
)
BASIC_FIRST_FUND_ROW = BASIC_FUNDS_HEADER_ROW + 1
#: Rows after the special funds: (key, label, parts or None).
BASIC_TAIL_ROWS = (
    ("public_funds", "公用经费", ("office", "utilities_travel", "meetings_training")),
    ("office", "    其中：办公经费", None),
    ("utilities_travel", "          水费、电费、差旅费", None),
    ("meetings_training", "          会议费、培训费", None),
    ("procurement", "政府采购金额", None),
    ("basic_spending", "部门基本支出预算调整", None),
)
BUILDING_HEADERS = ("批复规模（㎡）", "实际规模（㎡）", "规模控制率", "预算投资（万元）",
                    "实际投资（万元）", "投资概算控制率")
#: Blank special-fund rows kept for the clerk beyond the consolidated ones.
SPARE_FUND_ROWS = 3
MIN_FUND_ROWS = 8
BASIC_WIDTHS = (34, 14, 14, 14, 14, 14, 14)
BASIC_TITLE = "部门整体支出绩效评价基础数据表"
BASIC_NOTE = ("说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出。"
              "市级专项资金一个专项一行，由汇总的项目自评表生成；黄色单元格由填表人填写。")
#: The sums of the 经费控制情况 block in the order they can be computed (each
#: after the rows it adds up).
BASIC_SUM_ORDER = ("specials", "car", "three_public", "projects", "public_funds")


class BasicLayout:
    """Rows of a 基础数据表 with `funds` special-fund rows."""

    def __init__(self, funds: int):
        self.funds = funds
        self.rows: dict[str, int] = {}
        row = BASIC_FIRST_FUND_ROW
        for key, _, _ in BASIC_FUND_ROWS:
            self.rows[key] = row
            row += 1
        self.first_fund_row = row
        self.last_fund_row = row + funds - 1
        row = self.last_fund_row + 1
        for key, _, _ in BASIC_TAIL_ROWS:
            self.rows[key] = row
            row += 1
        self.building_header_row = row
        self.building_row = row + 1
        self.frugality_row = row + 2
        self.note_row = row + 3
        self.last_row = self.note_row

    def cell(self, key: str, col: int) -> str:
        return to_a1(self.rows[key], col)


# ---------------------------------------------------------------- 自评表
SELF_LAST_COL = 9
SELF_DEPT_ROW = 3
SELF_BUDGET_HEADER_ROW = 4
SELF_TOTAL_ROW = 5
SELF_SOURCE_HEADER_ROW = 6
SELF_SOURCE_ROWS = (("general", "其中：一般公共预算"), ("fund", "政府性基金拨款"),
                    ("special_account", "纳入专户管理的非税收入拨款"), ("other", "其他资金"))
SELF_FIRST_SOURCE_ROW = 7
SELF_USE_HEADER_ROW = 11
SELF_USE_ROWS = (("basic", "其中：基本支出"), ("projects", "项目支出"))
SELF_FIRST_USE_ROW = 12
SELF_GOAL_HEADER_ROW = 14
SELF_GOAL_ROW = 15
SELF_IND_HEADER_ROW = 16
SELF_IND_FIRST_ROW = 17
SELF_IND_ROWS = 15
COL_S_LABEL = 2          # B (merged B:C)
COL_S_INITIAL, COL_S_FULL_YEAR, COL_S_SPENT = 4, 5, 6
COL_S_WEIGHT, COL_S_RATE, COL_S_SCORE = 7, 8, 9
COL_S_LEVEL1, COL_S_LEVEL2, COL_S_INDICATOR = 2, 3, 4
COL_S_TARGET, COL_S_ACTUAL, COL_S_IND_WEIGHT, COL_S_IND_SCORE, COL_S_NOTE = 5, 6, 7, 8, 9
SELF_WIDTHS = (9, 11, 14, 22, 14, 14, 8, 8, 30)
SELF_BUDGET_WEIGHT = 10
SELF_TITLE = "部门整体支出绩效自评表"
SELF_BUDGET_HEADERS = ((COL_S_INITIAL, "年初预算数"), (COL_S_FULL_YEAR, "全年预算数"),
                       (COL_S_SPENT, "全年执行数"), (COL_S_WEIGHT, "分值"),
                       (COL_S_RATE, "执行率"), (COL_S_SCORE, "得分"))
SELF_IND_HEADERS = ((COL_S_LEVEL1, "一级指标"), (COL_S_LEVEL2, "二级指标"), (COL_S_INDICATOR, "三级指标"),
                    (COL_S_TARGET, "年度指标值"), (COL_S_ACTUAL, "实际完成值"), (COL_S_IND_WEIGHT, "分值"),
                    (COL_S_IND_SCORE, "得分"), (COL_S_NOTE, "偏差原因分析及改进措施"))


def self_rows(indicator_rows: int = SELF_IND_ROWS) -> dict[str, int]:
    last = SELF_IND_FIRST_ROW + indicator_rows - 1
    return {"ind_last": last, "total": last + 1, "grade": last + 2}


# ---------------------------------------------------------------- 评分表
SCORE_TITLE_ROW = 1
SCORE_HEADER_ROW = 2
SCORE_FIRST_ROW = 3
SCORE_COLUMNS = ("一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分",
                 "扣分原因和其他说明", "指标值", "规则得分", "规则说明")
COL_L1, COL_L2, COL_IND, COL_STD, COL_W, COL_SELF, COL_REASON = 1, 2, 3, 4, 5, 6, 7
COL_VALUE, COL_RULE, COL_BASIS = 8, 9, 10
SCORE_PRINT_LAST_COL = 7
SCORE_WIDTHS = (8, 10, 22, 50, 7, 9, 24, 10, 9, 40)
SUPPLEMENT_TITLE = "补充数据（评分所需、以上各表没有的数据）"
COL_SUP_LABEL, COL_SUP_VALUE, COL_SUP_NOTE = 3, 4, 5
#: Inputs the 基础数据表 and 自评表 of the master already hold; every other input
#: of the profile gets a row in the 补充数据 block.
MASTER_PROVIDED_INPUTS = frozenset({
    "staff_quota", "staff_actual", "three_public_last_final", "three_public_budget",
    "three_public_final", "project_spending", "budget_initial", "budget_full_year", "spent",
    "procurement_budget", "procurement_actual", "income_total", "spending_total",
})


def score_rows(lines: int) -> dict[str, int]:
    total = SCORE_FIRST_ROW + lines
    return {"last_line": total - 1, "total": total, "grade": total + 1,
            "supplement_header": total + 3, "supplement_first": total + 4}
