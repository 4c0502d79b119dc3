"""UDFs for the department-level 评分表 rules (profile hunan-dept).

Add this module to the master's xlwings.conf: ``UDF Modules =
xltools.excel.udfs;xltools.excel.udfs_department``.  Each is a thin wrapper over
`xltools.department.udfs`; the docstring is the help Excel shows (Chinese,
≤ 255 characters).  Impossible input gives an Excel error value, never a
traceback in the cell.
"""
from __future__ import annotations

import xlwings as xw

from ..department import udfs as dept
from .udfs import to_excel


@xw.func
def XT_DEPT_STAFF_SCORE(actual, quota):
    """财政供养人员控制率得分：实际在职人数÷编制数≤100%得5分，每超过1个百分点扣0.5分，扣完为止。参数：实际在职人数、编制数。编制数为0：#DIV/0!；为空：#N/A；无法识别：#VALUE!。"""
    return to_excel(dept.staff_control_rate_score(actual, quota))


@xw.func
def XT_DEPT_3PUBLIC_CHANGE_SCORE(final, last_year_final):
    """“三公经费”变动率得分：(本年决算−上年决算)÷上年决算≤0得5分，每超过1个百分点扣0.5分。参数：本年决算数、上年决算数。上年为0：#DIV/0!；为空：#N/A。"""
    return to_excel(dept.three_public_change_rate_score(final, last_year_final))


@xw.func
def XT_DEPT_3PUBLIC_CONTROL_SCORE(final, budget):
    """“三公经费”控制率得分：本年决算÷本年预算≤100%得6分，每超过1个百分点扣1分。参数：本年决算数、本年预算数。预算为0：#DIV/0!；为空：#N/A。"""
    return to_excel(dept.three_public_control_rate_score(final, budget))


@xw.func
def XT_DEPT_KEY_SPENDING_SCORE(key_spending, project_spending):
    """重点支出安排率得分：重点项目支出÷项目支出，≥90%得5分，80%–90%得4分，70%–80%得3分，60%–70%得2分，低于60%不得分。参数：重点项目支出、项目支出。"""
    return to_excel(dept.key_spending_rate_score(key_spending, project_spending))


@xw.func
def XT_DEPT_ADJUST_SCORE(full_year, initial):
    """预算调整率得分：|全年预算−年初预算|÷年初预算，=0得3分，≤10%得2分，≤20%得1分，≤30%得0.5分，超过不得分。参数：全年预算数、年初预算数。"""
    return to_excel(dept.budget_adjustment_rate_score(full_year, initial))


@xw.func
def XT_DEPT_PAYMENT_SCORE(unfinished):
    """支付进度得分：满分3分，每出现一个专项未按进度完成资金下达扣0.5分，扣完为止。参数：未按进度下达的专项个数。"""
    return to_excel(dept.payment_progress_score(unfinished))


@xw.func
def XT_DEPT_BALANCE_SCORE(balance, carryover=None):
    """资金结余得分：无结余得3分；有结余但不超过上年结转得2分；超过上年结转不得分。参数：当年结余、[上年结转]。有结余而上年结转为空：#N/A。"""
    return to_excel(dept.balance_score(balance, carryover))


@xw.func
def XT_DEPT_PROCUREMENT_SCORE(actual, budget):
    """政府采购执行率得分：实际采购÷采购预算=100%得3分，每减少1个百分点扣0.2分。参数：实际政府采购金额、政府采购预算数。预算为0：#DIV/0!。"""
    return to_excel(dept.procurement_rate_score(actual, budget))


@xw.func
def XT_DEPT_CARD_SCORE(card_payments, payable):
    """公务卡刷卡率得分：刷卡率≥50%得3分，每减少1个百分点扣0.2分。参数：公务卡支付金额、应使用公务卡结算的支出金额。"""
    return to_excel(dept.official_card_rate_score(card_payments, payable))


@xw.func
def XT_DEPT_ASSET_SCORE(in_use, total):
    """固定资产利用率得分：满分3分，每低于100%一个百分点扣0.1分。参数：在用固定资产、固定资产合计。合计为0：#DIV/0!。"""
    return to_excel(dept.fixed_asset_use_rate_score(in_use, total))


@xw.func
def XT_DEPT_SATISFACTION_SCORE(rate):
    """社会公众或服务对象满意度得分：≥95%得5分，85%–95%得3分，75%–85%得1分，低于75%得0分。参数：满意度（如98%）。"""
    return to_excel(dept.satisfaction_score(rate))


@xw.func
def XT_DEPT_SCORE(indicator, value, profile=None):
    """按部门整体支出评分表规则给已算出的指标值打分。参数：三级指标名称（如“预算调整率”）、指标值（如19.93%）、[规则名，默认hunan-dept]。名称不认识或由评价人打分的指标：#N/A。"""
    return to_excel(dept.score_by_name(indicator, value, profile))


#: Every UDF of this module, for tests and the docs.
UDFS = (XT_DEPT_STAFF_SCORE, XT_DEPT_3PUBLIC_CHANGE_SCORE, XT_DEPT_3PUBLIC_CONTROL_SCORE,
        XT_DEPT_KEY_SPENDING_SCORE, XT_DEPT_ADJUST_SCORE, XT_DEPT_PAYMENT_SCORE,
        XT_DEPT_BALANCE_SCORE, XT_DEPT_PROCUREMENT_SCORE, XT_DEPT_CARD_SCORE,
        XT_DEPT_ASSET_SCORE, XT_DEPT_SATISFACTION_SCORE, XT_DEPT_SCORE)
