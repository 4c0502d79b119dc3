"""Every check of a project form, collected — never stopping at the first.

Each problem is an `Issue` with a stable code.  The codes (and their severity):

| code | severity | what |
|---|---|---|
| missing_value | error/warning | a field the form needs is empty |
| value_unreadable | warning | text that looks like a number but cannot be read |
| unit_converted | info | money written in 元/亿元, read as 万元 |
| weight_total | error | budget 分值 + indicator 分值 ≠ 100 (其中 rows never counted) |
| level_weight_mismatch | warning | a level's 分值 differ from the weight in its label, e.g. 产出指标(50分) |
| score_over_weight | error | a 得分 above its 分值 |
| total_mismatch | error | stated 总分 得分 ≠ sum of the 得分 entered |
| rate_mismatch | warning | stated 执行率 ≠ 全年执行数 ÷ 全年预算数 |
| budget_score_mismatch | warning | stated budget 得分 ≠ 分值 × min(执行率, 100%) |
| deduction_without_reason | warning | 得分 below 分值 with no 偏差原因分析 |
| level_mismatch | error | a 二级指标 under a 一级指标 it does not belong to |
| unknown_level | warning | a 二级指标 that is none of the allowed ones |
| indicator_score_above_rule | warning | a quantitative indicator scored above what the rule gives |
| qualitative_score_out_of_tier | info | a qualitative score outside the tier its text suggests |
| grade_mismatch | warning | the stated 评价等次 is not the grade of the total |
"""
from __future__ import annotations

from typing import Any, Optional

from ..core.labels import ACCEPTED_LEVEL1_OF, ACCEPTED_LEVEL2_OF, LEVEL1_OF, LEVEL2_OF
from ..core.model import Indicator, Issue, ProjectForm, Value
from ..profiles import Profile
from .scoring import (agrees, budget_score, capped_total, execution_rate, grade, rate_interval,
                      score_indicator)
from ..core.values import format_number, format_percent

_EPS = 1e-9


class _Collector:
    def __init__(self, form: ProjectForm):
        self.form = form
        self.issues: list[Issue] = []

    def add(self, code: str, severity: str, message: str, at: Optional[Value] = None,
            field: str = "", value: Any = None, cell: str = "") -> None:
        where_cell = cell or (at.where.cell if at is not None else "")
        if value is None and at is not None:
            value = at.raw
        self.issues.append(Issue(code, severity, message, self.form.file, self.form.sheet,
                                 where_cell, field, value))


def check_form(form: ProjectForm, profile: Profile) -> list[Issue]:
    """All problems of one form, in form order (header, budget, indicators, total).
    Fills each indicator's `rule_score`/`rule_basis` as a side effect."""
    out = _Collector(form)
    out.issues.extend(form.read_issues)
    _check_header(form, out)
    _check_budget(form, profile, out)
    _check_indicators(form, profile, out)
    _check_totals(form, profile, out)
    _check_cap(form, profile, out)
    return out.issues


# ---------------------------------------------------------------- header
def _check_header(form: ProjectForm, out: _Collector) -> None:
    if form.kind == "project":
        fields = (("name", "项目名称", "error"), ("department", "主管部门", "warning"),
                  ("unit", "实施单位", "warning"))
    else:
        fields = (("name", "部门名称", "error"),)
    for attr, label, severity in fields:
        value: Optional[Value] = getattr(form, attr)
        if value is None:
            out.add("missing_value", severity, f"没有找到“{label}”栏", field=label)
        elif value.empty:
            out.add("missing_value", severity, f"“{label}”未填写", value, label)


# ---------------------------------------------------------------- budget
def _check_budget(form: ProjectForm, profile: Profile, out: _Collector) -> None:
    line = form.budget_total
    if line is None:
        out.add("missing_value", "error", "没有找到“项目资金（万元）/年度资金总额”一行", field="年度资金总额")
        return
    for attr, label, severity in (("budget_initial", "年初预算数", "warning"),
                                  ("budget_full_year", "全年预算数", "error"),
                                  ("spent", "全年执行数", "error"),
                                  ("weight", "预算执行率分值", "error")):
        value = getattr(line, attr)
        if value is None and attr in ("budget_initial", "weight"):
            continue  # the layout has no such column (reported once by the reader)
        if value is None or (value.empty and not value.is_formula):  # a formula not yet calculated is not missing
            out.add("missing_value", severity, f"年度资金总额的“{label}”未填写", value,
                    f"年度资金总额.{label}")
    for attr, label in (("budget_initial", "年初预算数"), ("budget_full_year", "全年预算数"), ("spent", "全年执行数")):
        value = getattr(line, attr)
        if value is not None and value.number is not None and value.number < 0:
            out.add("negative_amount", "error", f"年度资金总额的“{label}”不能为负数：{str(value.raw).strip()}",
                    value, f"年度资金总额.{label}")

    full, spent, weight = line.budget_full_year, line.spent, line.weight
    rate = execution_rate(spent.number if spent else None, full.number if full else None)
    if full is not None and full.number is not None and full.number <= 0 and spent and spent.number:
        out.add("rate_mismatch", "warning",
                f"全年预算数为 {format_number(full.number)}，全年执行数却是 {format_number(spent.number)}，无法计算执行率",
                full, "年度资金总额.全年预算数")
    interval = rate_interval(spent.parsed, full.parsed, profile.money_decimals) if (
        rate is not None and spent and full) else None

    stated_rate = line.execution_rate
    if interval and stated_rate is not None and stated_rate.number is not None and not stated_rate.is_formula:
        decimals = max(stated_rate.parsed.decimals or 0, 2)
        if not agrees(stated_rate.number, decimals, *interval):
            out.add("rate_mismatch", "warning",
                    f"执行率填 {format_percent(stated_rate.number, decimals - 2)}，按 全年执行数÷全年预算数 "
                    f"= {format_number(spent.number)}÷{format_number(full.number)} 应为 {format_percent(rate)}",
                    stated_rate, "年度资金总额.执行率")

    stated_score = line.score
    if weight is not None and weight.number is not None and interval:
        rule = budget_score(weight.number, rate, profile)
        lo = budget_score(weight.number, interval[0], profile)
        hi = budget_score(weight.number, interval[1], profile)
        if stated_score is None or stated_score.empty:
            if not (stated_score is not None and stated_score.is_formula):
                out.add("missing_value", "error",
                        f"年度资金总额的“得分”未填写；按规则应为 {format_number(rule)}（{format_number(weight.number)}×"
                        f"{format_percent(min(rate, profile.rate_cap))}）", stated_score, "年度资金总额.得分")
        elif stated_score.number is not None and not stated_score.is_formula \
                and stated_score.number <= weight.number + _EPS:  # above the 分值: reported below
            decimals = stated_score.parsed.decimals or 0
            if not agrees(stated_score.number, decimals, lo, hi):
                out.add("budget_score_mismatch", "warning",
                        f"预算执行得分填 {stated_score.parsed.text.strip()}，按规则 分值×min(执行率,100%) = "
                        f"{format_number(weight.number)}×{format_percent(min(rate, profile.rate_cap))} "
                        f"= {format_number(rule, 4)}", stated_score, "年度资金总额.得分")
    if (stated_score is not None and weight is not None and stated_score.number is not None
            and weight.number is not None and stated_score.number > weight.number + _EPS):
        out.add("score_over_weight", "error",
                f"预算执行得分 {format_number(stated_score.number)} 超过分值 {format_number(weight.number)}",
                stated_score, "年度资金总额.得分")
    elif stated_score is not None and stated_score.number is not None and stated_score.number < -_EPS:
        out.add("score_over_weight", "error", f"预算执行得分 {format_number(stated_score.number)} 小于 0",
                stated_score, "年度资金总额.得分")


# ---------------------------------------------------------------- indicators
def _check_indicators(form: ProjectForm, profile: Profile, out: _Collector) -> None:
    for ind in form.indicators:
        label = _indicator_label(ind)
        _check_levels(ind, label, out)
        for attr, name, severity in (("name", "三级指标", "warning"), ("weight", "分值", "error"),
                                     ("score", "得分", "error"), ("target", "年度指标值", "warning"),
                                     ("actual", "实际完成值", "warning")):
            value: Value = getattr(ind, attr)
            # no cell: the form has no such column (reported once); formulas are not typed
            if value.empty and value.where.cell and not value.is_formula:
                out.add("missing_value", severity, f"{label}的“{name}”未填写", value, f"{label}.{name}")
        weight, score = ind.weight.number, ind.score.number
        rule = score_indicator(ind, profile)
        ind.rule_score, ind.rule_basis = rule.score, rule.basis
        if weight is not None and score is not None:
            if score > weight + _EPS:
                out.add("score_over_weight", "error",
                        f"{label}得分 {format_number(score)} 超过分值 {format_number(weight)}",
                        ind.score, f"{label}.得分")
            elif score < -_EPS:  # a deduction typed as the score (-5): no score is below 0
                out.add("score_over_weight", "error", f"{label}得分 {format_number(score)} 小于 0",
                        ind.score, f"{label}.得分")
            elif score < weight - _EPS and ind.deviation_note.empty:
                extra = ""
                if rule.met and rule.kind == "quantitative":
                    extra = "；且按规则该指标已达到目标"
                out.add("deduction_without_reason", "warning",
                        f"{label}得分 {format_number(score)} 低于分值 {format_number(weight)}，"
                        f"但“偏差原因分析及改进措施”未填写{extra}", ind.deviation_note, f"{label}.偏差原因")
            if rule.deviation is not None:
                dev = profile.deviation
                word, why = ("超出", "定得过低") if rule.deviation > 0 else ("低于", "定得过宽")
                out.add("target_far_exceeded", "warning",
                        f"{label}实际完成值 {ind.actual.text.strip()} {word}年度指标值 {ind.target.text.strip()} "
                        f"{format_percent(abs(rule.deviation), 0)}，年度指标值{why}；按平台规则（偏离 "
                        f"{format_percent(dev.over)} 及以上扣 {format_number(dev.points)} 分）应得 "
                        f"{format_number(rule.score)} 分", ind.actual, f"{label}.实际完成值")
            elif rule.kind in ("quantitative", "band") and rule.score is not None \
                    and weight + _EPS >= score > rule.score + _EPS \
                    and not agrees(score, ind.score.parsed.decimals or 0, rule.score, rule.score):
                out.add("indicator_score_above_rule", "warning",
                        f"{label}自评 {format_number(score)} 分，高于规则计分 {format_number(rule.score)} 分"
                        f"（{rule.basis}）", ind.score, f"{label}.得分")
            if rule.kind == "qualitative" and rule.low is not None and rule.high is not None \
                    and not (rule.low - _EPS <= score <= rule.high + _EPS):
                out.add("qualitative_score_out_of_tier", "info",
                        f"{label}自评 {format_number(score)} 分，不在{rule.basis}内，请核实",
                        ind.score, f"{label}.得分")


def _check_levels(ind: Indicator, label: str, out: _Collector) -> None:
    if ind.level2 and ind.level2 not in ACCEPTED_LEVEL1_OF:
        out.add("unknown_level", "warning",
                f"二级指标“{ind.level2_raw.strip()}”不是规定的二级指标（{'、'.join(LEVEL1_OF)}）",
                cell=ind.level2_where.cell, field=f"{label}.二级指标", value=ind.level2_raw)
        return
    if ind.level1 and ind.level1 not in ACCEPTED_LEVEL2_OF:
        out.add("unknown_level", "warning",
                f"一级指标“{ind.level1_raw.strip()}”不是规定的一级指标（{'、'.join(LEVEL2_OF)}）",
                cell=ind.level1_where.cell, field=f"{label}.一级指标", value=ind.level1_raw)
        return
    if ind.level1 and ind.level2 and ACCEPTED_LEVEL1_OF.get(ind.level2) != ind.level1:
        out.add("level_mismatch", "error",
                f"二级指标“{ind.level2}”不属于一级指标“{ind.level1}”，应归入“{ACCEPTED_LEVEL1_OF[ind.level2]}”",
                cell=ind.level2_where.cell, field=f"{label}.二级指标", value=ind.level2_raw)


def _indicator_label(ind: Indicator) -> str:
    name = ind.name.text.replace("\n", "").strip()
    if len(name) > 18:
        name = name[:17] + "…"
    return f"指标“{name}”" if name else f"第 {ind.row} 行指标"


# ---------------------------------------------------------------- totals
def weight_sum(form: ProjectForm) -> float:
    """Budget 分值 plus every indicator 分值; the 其中 rows are never counted."""
    line = form.budget_total
    total = line.weight.number if line and line.weight and line.weight.number is not None else 0.0
    return total + sum(ind.weight.number or 0.0 for ind in form.indicators)


def entered_score_sum(form: ProjectForm) -> float:
    """Budget 得分 plus every indicator 得分 as entered on the form."""
    line = form.budget_total
    total = line.score.number if line and line.score and line.score.number is not None else 0.0
    return total + sum(ind.score.number or 0.0 for ind in form.indicators)


def form_rate(form: ProjectForm) -> Optional[float]:
    """执行率 of the form's 年度资金总额 line (None when it cannot be computed)."""
    line = form.budget_total
    number = lambda v: v.number if v is not None else None  # noqa: E731
    return execution_rate(number(line.spent), number(line.budget_full_year)) if line else None


def rule_total(form: ProjectForm, profile: Profile, capped: bool = True) -> Optional[float]:
    """Rule budget score plus each indicator's rule score (the clerk's score where
    the rule cannot say); under the profile's execution-rate cap when `capped`.
    Indicators' rule scores are those `check_form` set."""
    line = form.budget_total
    weight = line.weight.number if line is not None and line.weight is not None else None
    rate = form_rate(form)
    budget = budget_score(weight, rate, profile)
    if not form.indicators and budget is None:
        return None
    total = budget or 0.0
    for ind in form.indicators:
        if ind.rule_score is not None:
            total += ind.rule_score
        elif ind.score.number is not None:
            total += ind.score.number
    return capped_total(total, rate, profile) if capped else total


def _check_cap(form: ProjectForm, profile: Profile, out: _Collector) -> None:
    """Platform rule: a low execution rate caps the total; say so, with the figures."""
    rate = form_rate(form)
    cap = profile.cap_for(rate)
    if cap is None:
        return
    line = form.budget_total
    why = (f"预算执行率 {format_percent(rate)}（全年执行数 {format_number(line.spent.number)}÷全年预算数 "
           f"{format_number(line.budget_full_year.number)}）低于 {format_percent(cap.below)}，"
           f"按平台规则总分最高 {format_number(cap.max)} 分")
    total = form.total_score
    if total is not None and total.number is not None and total.number > cap.max + _EPS:
        out.add("total_capped_by_rate", "warning", f"{why}；总分填 {format_number(total.number)}，超过封顶分",
                total, "总分.得分")
        return
    by_rule = rule_total(form, profile, capped=False)
    if by_rule is not None and by_rule > cap.max + _EPS:
        out.add("total_capped_by_rate", "info", f"{why}；规则计分 {format_number(by_rule)} 分按 "
                f"{format_number(cap.max)} 分计", total, "总分.得分")


def _check_totals(form: ProjectForm, profile: Profile, out: _Collector) -> None:
    weights = weight_sum(form)
    # A form with no 分值/得分 column (older layouts) was reported once by the reader.
    has_weights = any(ind.weight.where.cell for ind in form.indicators)
    has_scores = any(ind.score.where.cell for ind in form.indicators)
    if has_weights and abs(weights - profile.weight_total) > 1e-6:
        parts = _weight_parts(form)
        out.add("weight_total", "error",
                f"分值合计为 {format_number(weights)}（{parts}），应为 {format_number(profile.weight_total)}",
                form.total_weight, "分值合计", value=weights)
    for level1, stated in (form.level_weights.items() if has_weights else ()):
        actual = sum(ind.weight.number or 0.0 for ind in form.indicators if _true_level1(ind) == level1)
        if stated.number is not None and abs(actual - stated.number) > 1e-6:
            out.add("level_weight_mismatch", "warning",
                    f"“{level1}”标注 {format_number(stated.number)} 分，其下指标分值合计 {format_number(actual)}",
                    stated, f"{level1}.分值")

    total = form.total_score
    entered = entered_score_sum(form)
    if total is not None and total.is_formula and total.empty:
        pass  # a formula not yet calculated (file written by a program that does not compute)
    elif total is None or total.empty:
        if not has_scores:
            return  # no 得分 column: reported once by the reader, nothing to total
        out.add("missing_value", "error", f"“总分”的得分未填写；已填各项得分合计 {format_number(entered)}",
                total, "总分.得分")
    elif total.number is not None and not total.is_formula and has_scores:
        decimals = total.parsed.decimals or 0
        line = form.budget_total
        parts = [line.score if line else None] + [ind.score for ind in form.indicators]
        unknown = any(v is not None and v.uncached for v in parts)  # formula_uncached says why
        if not unknown and not agrees(total.number, decimals, entered, entered):
            out.add("total_mismatch", "error",
                    f"总分填 {format_number(total.number, 4)}，但已填各项得分合计为 {format_number(entered)}",
                    total, "总分.得分")
        stated_grade = form.grade
        if stated_grade is not None and not stated_grade.empty:
            expected = grade(total.number, profile)
            if expected and stated_grade.text.strip() != expected:
                out.add("grade_mismatch", "warning",
                        f"评价等次填“{stated_grade.text.strip()}”，总分 {format_number(total.number)} 对应“{expected}”",
                        stated_grade, "评价等次")


def _true_level1(ind: Indicator) -> str:
    """The 一级 an indicator counts under: the one its 二级 belongs to, whatever the
    form wrote (a level_mismatch is reported separately)."""
    return ACCEPTED_LEVEL1_OF.get(ind.level2, ind.level1)


def _weight_parts(form: ProjectForm) -> str:
    line = form.budget_total
    parts = [f"预算执行率 {format_number(line.weight.number if line and line.weight else None)}"]
    by_level: dict[str, float] = {}
    for ind in form.indicators:
        key = _true_level1(ind) or "未分类"
        by_level[key] = by_level.get(key, 0.0) + (ind.weight.number or 0.0)
    parts += [f"{k} {format_number(v)}" for k, v in by_level.items()]
    return " + ".join(parts)
