"""Plain functions for the department rules, so a clerk can use them in their
own sheets (wrapped for Excel in `xltools.excel.udfs_department`).

Every function scores through the generic evaluator (`rules.score_line`) with
the lines of a profile (`hunan-dept` unless told): none of them knows a rule of
its own.  Arguments arrive as Excel hands them over (number, text such as
`　43`, `98%`, `296.78万元`, or None); the result is a number or an Excel error
value — `#DIV/0!` for a zero denominator, `#VALUE!` for unreadable text, `#N/A`
when an input is empty or the indicator unknown — never an exception.
"""
from __future__ import annotations

import functools
from typing import Any, Optional, Union

from ..core.errors import ProfileError
from ..project.udfs import NA, VALUE, ExcelError
from ..core.values import parse
from .rules import DepartmentProfile, Line, load_department_profile, match_key, score_line

Result = Union[float, ExcelError]

#: Which profile input each function argument is, per line key (argument order).
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "staff_control_rate": ("staff_actual", "staff_quota"),
    "three_public_change_rate": ("three_public_final", "three_public_last_final"),
    "three_public_control_rate": ("three_public_final", "three_public_budget"),
    "key_spending_rate": ("key_project_spending", "project_spending"),
    "budget_adjustment_rate": ("budget_full_year", "budget_initial"),
    "payment_progress": ("unfinished_specials",),
    "balance": ("balance", "carryover_last_year"),
    "procurement_rate": ("procurement_actual", "procurement_budget"),
    "official_card_rate": ("card_payments", "card_payable"),
    "fixed_asset_use_rate": ("fixed_assets_in_use", "fixed_assets_total"),
    "satisfaction": ("satisfaction",),
}


@functools.lru_cache(maxsize=8)
def _profile(name: Optional[str]) -> DepartmentProfile:
    return load_department_profile(name or "hunan-dept")


def _number(value: Any, kind: str) -> Union[float, ExcelError, None]:
    if isinstance(value, ExcelError):
        return value
    parsed = parse(value, money=kind == "money", rate=kind == "rate")
    if parsed.empty:
        return None
    if parsed.kind != "number" or parsed.number is None:
        return VALUE
    return parsed.number


def line_score(key: str, *args: Any, profile: Optional[str] = None) -> Result:
    """The rule score of line `key` from its inputs, in the order of ARGUMENTS[key]."""
    try:
        prof = _profile(profile)
        line = prof.line(key)
    except (ProfileError, KeyError):
        return NA
    env: dict[str, Optional[float]] = {}
    for name, raw in zip(ARGUMENTS[key], args):
        kind = prof.inputs[name].kind if name in prof.inputs else "number"
        number = _number(raw, kind)
        if isinstance(number, ExcelError):
            return number
        env[name] = number
    return _result(score_line(line, env, prof.score_decimals))


def line_value(key: str, *args: Any, profile: Optional[str] = None) -> Result:
    """The value line `key`'s formula gives (a rate as a fraction)."""
    try:
        prof = _profile(profile)
        line = prof.line(key)
    except (ProfileError, KeyError):
        return NA
    env: dict[str, Optional[float]] = {}
    for name, raw in zip(ARGUMENTS[key], args):
        number = _number(raw, prof.inputs[name].kind if name in prof.inputs else "number")
        if isinstance(number, ExcelError):
            return number
        env[name] = number
    scored = score_line(line, env, prof.score_decimals)
    if scored.error:
        return ExcelError(scored.error)
    return NA if scored.value is None else scored.value


def score_by_name(indicator: Any, value: Any, profile: Optional[str] = None) -> Result:
    """The rule score of the indicator named `indicator` (as the 评分表 writes it)
    for a value already worked out (`98%`, 0.1993, 2)."""
    try:
        prof = _profile(profile)
    except ProfileError:
        return NA
    line = find_line(prof, indicator)
    if line is None or line.is_judgement:
        return NA
    number = _number(value, "rate" if line.value_kind == "rate" else "number")
    if isinstance(number, ExcelError):
        return number
    if number is None:
        return NA
    scored = score_line(line, {}, prof.score_decimals, value=number)
    return _result(scored)


def find_line(profile: DepartmentProfile, indicator: Any) -> Optional[Line]:
    key = match_key(indicator)
    for line in profile.lines:
        if key in {match_key(n) for n in line.names} or key == line.key:
            return line
    return None


def _result(scored) -> Result:
    if scored.error:
        return ExcelError(scored.error) if scored.error in ExcelError.CODES else VALUE
    if scored.missing or scored.score is None:
        return NA
    return scored.score


# ------------------------------------------------------------ one per rule


def staff_control_rate_score(actual: Any, quota: Any) -> Result:
    """财政供养人员控制率得分：实有人数 ÷ 编制数 ≤ 100% 得 5 分，每超 1 个百分点扣 0.5 分。"""
    return line_score("staff_control_rate", actual, quota)


def three_public_change_rate_score(final: Any, last_year_final: Any) -> Result:
    """“三公经费”变动率得分：(本年决算 − 上年决算) ÷ 上年决算 ≤ 0 得 5 分，每超 1 个百分点扣 0.5 分。"""
    return line_score("three_public_change_rate", final, last_year_final)


def three_public_control_rate_score(final: Any, budget: Any) -> Result:
    """“三公经费”控制率得分：本年决算 ÷ 本年预算 ≤ 100% 得 6 分，每超 1 个百分点扣 1 分。"""
    return line_score("three_public_control_rate", final, budget)


def key_spending_rate_score(key_spending: Any, project_spending: Any) -> Result:
    """重点支出安排率得分：重点项目支出 ÷ 项目支出，≥90% 5 分，80–90% 4 分，70–80% 3 分，60–70% 2 分。"""
    return line_score("key_spending_rate", key_spending, project_spending)


def budget_adjustment_rate_score(full_year: Any, initial: Any) -> Result:
    """预算调整率得分：|全年预算 − 年初预算| ÷ 年初预算，=0 3 分，≤10% 2 分，≤20% 1 分，≤30% 0.5 分。"""
    return line_score("budget_adjustment_rate", full_year, initial)


def payment_progress_score(unfinished: Any) -> Result:
    """支付进度得分：每个未按进度下达的专项扣 0.5 分（满分 3）。"""
    return line_score("payment_progress", unfinished)


def balance_score(balance: Any, carryover: Any = None) -> Result:
    """资金结余得分：无结余 3 分；结余不超过上年结转 2 分；超过 0 分。"""
    return line_score("balance", balance, carryover)


def procurement_rate_score(actual: Any, budget: Any) -> Result:
    """政府采购执行率得分：实际 ÷ 预算 = 100% 得 3 分，每少 1 个百分点扣 0.2 分。"""
    return line_score("procurement_rate", actual, budget)


def official_card_rate_score(card_payments: Any, payable: Any) -> Result:
    """公务卡刷卡率得分：≥50% 得 3 分，每少 1 个百分点扣 0.2 分。"""
    return line_score("official_card_rate", card_payments, payable)


def fixed_asset_use_rate_score(in_use: Any, total: Any) -> Result:
    """固定资产利用率得分：每低于 100% 一个百分点扣 0.1 分（满分 3）。"""
    return line_score("fixed_asset_use_rate", in_use, total)


def satisfaction_score(rate: Any) -> Result:
    """满意度得分：≥95% 5 分，85–95% 3 分，75–85% 1 分，以下 0 分。"""
    return line_score("satisfaction", rate)
