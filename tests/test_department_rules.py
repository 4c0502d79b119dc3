"""The hunan-dept profile (seed 002's 评分表) scored by the generic evaluator,
one table row per rule boundary, and the expression language it is written in."""
from __future__ import annotations

import math

import pytest

from xltools.profiles import expr
from xltools.department.rules import match_key, score_line
from xltools.profiles import load_profile
from xltools.profiles.department import parse_profile
from xltools.core.errors import ProfileError

PROFILE = load_profile("hunan-dept", kind="department")

#: Indicator names exactly as seed 002's 评分表 writes them (line breaks removed).
SEED002_NAMES = [
    "财政供养人员控制率", "“三公经费”变动率", "重点支出安排率", "预算调整率", "支付进度",
    "资金结余", "“三公经费”控制率", "管理制度健全性", "资金使用合规性",
    "预决算信息公开性和完善性", "政府采购执行率", "公务卡刷卡率", "管理制度健全性",
    "资产管理安全性", "固定资产利用率", "推进全面小康建设指标任务完成情况",
    "建设湖南新增极目标任务完成情况", "《政府工作报告》目标任务完成情况",
    "省市重点民生实事完成情况", "省市重点工程和重大项目建设完成情况",
    "其他工作实绩指标完成情况", "经济效益", "社会效益", "生态效益", "社会公众或服务对象满意度",
]


def test_profile_names_weights_levels():
    assert [line.indicator for line in PROFILE.lines] == SEED002_NAMES
    assert sum(line.weight for line in PROFILE.lines) == 100
    assert dict(PROFILE.levels) == {"投入": 15, "过程": 40, "产出": 25, "效果": 20}
    judged = [line.indicator for line in PROFILE.lines if line.is_judgement]
    assert "管理制度健全性" in judged and "资金使用合规性" in judged and "财政供养人员控制率" not in judged


RULES = [
    # line key                     inputs                                               value      score
    ("staff_control_rate", {"staff_actual": 42, "staff_quota": 43}, 0.976744, 5),
    ("staff_control_rate", {"staff_actual": 43, "staff_quota": 43}, 1.0, 5),
    ("staff_control_rate", {"staff_actual": 101.5, "staff_quota": 100}, 1.015, 4.25),
    ("staff_control_rate", {"staff_actual": 33, "staff_quota": 18}, 1.833333, 0),  # seed 002
    ("three_public_change_rate", {"three_public_final": 11.26, "three_public_last_final": 13.42}, -0.160954, 5),
    ("three_public_change_rate", {"three_public_final": 10.2, "three_public_last_final": 10}, 0.02, 4),
    ("three_public_change_rate", {"three_public_final": 30, "three_public_last_final": 10}, 2.0, 0),
    ("three_public_control_rate", {"three_public_final": 11.26, "three_public_budget": 11.26}, 1.0, 6),
    ("three_public_control_rate", {"three_public_final": 10.3, "three_public_budget": 10}, 1.03, 3),
    ("key_spending_rate", {"key_project_spending": 90, "project_spending": 100}, 0.9, 5),
    ("key_spending_rate", {"key_project_spending": 85, "project_spending": 100}, 0.85, 4),
    ("key_spending_rate", {"key_project_spending": 80, "project_spending": 100}, 0.8, 4),
    ("key_spending_rate", {"key_project_spending": 75, "project_spending": 100}, 0.75, 3),
    ("key_spending_rate", {"key_project_spending": 60, "project_spending": 100}, 0.6, 2),
    ("key_spending_rate", {"key_project_spending": 59.9, "project_spending": 100}, 0.599, 0),
    ("budget_adjustment_rate", {"budget_initial": 1878.11, "budget_full_year": 2252.43, "spent": 0}, 0.199307, 1),
    ("budget_adjustment_rate", {"budget_initial": 100, "budget_full_year": 100}, 0.0, 3),
    ("budget_adjustment_rate", {"budget_initial": 100, "budget_full_year": 110}, 0.1, 2),
    ("budget_adjustment_rate", {"budget_initial": 100, "budget_full_year": 90}, 0.1, 2),  # cut: |−10 %|
    ("budget_adjustment_rate", {"budget_initial": 100, "budget_full_year": 110.5}, 0.105, 1),
    ("budget_adjustment_rate", {"budget_initial": 100, "budget_full_year": 130}, 0.3, 0.5),
    ("budget_adjustment_rate", {"budget_initial": 100, "budget_full_year": 131}, 0.31, 0),
    ("payment_progress", {"unfinished_specials": 0}, 0, 3),
    ("payment_progress", {"unfinished_specials": 2}, 2, 2),
    ("payment_progress", {"unfinished_specials": 9}, 9, 0),
    ("balance", {"budget_full_year": 2252.43, "spent": 2252.43}, 0, 3),
    ("balance", {"balance": 10, "carryover_last_year": 20}, 10, 2),
    ("balance", {"balance": 30, "carryover_last_year": 20}, 30, 0),
    ("balance", {"income_total": 3179.61, "spending_total": 3179.61}, 0, 3),  # seed 002 收支
    ("procurement_rate", {"procurement_actual": 928.95, "procurement_budget": 928.95}, 1.0, 3),
    ("procurement_rate", {"procurement_actual": 95, "procurement_budget": 100}, 0.95, 2),
    ("official_card_rate", {"card_payments": 60, "card_payable": 100}, 0.6, 3),
    ("official_card_rate", {"card_payments": 45, "card_payable": 100}, 0.45, 2),
    ("fixed_asset_use_rate", {"fixed_assets_in_use": 993.18, "fixed_assets_total": 993.18}, 1.0, 3),
    ("fixed_asset_use_rate", {"fixed_assets_in_use": 90, "fixed_assets_total": 100}, 0.9, 2),
    ("satisfaction", {"satisfaction": 0.95}, 0.95, 5),
    ("satisfaction", {"satisfaction": 0.9}, 0.9, 3),
    ("satisfaction", {"satisfaction": 0.85}, 0.85, 3),
    ("satisfaction", {"satisfaction": 0.8}, 0.8, 1),
    ("satisfaction", {"satisfaction": 0.74}, 0.74, 0),
]


@pytest.mark.parametrize("key,inputs,value,score", RULES)
def test_rule(key, inputs, value, score):
    result = score_line(PROFILE.line(key), inputs)
    assert result.missing == [] and result.error == ""
    assert result.value == pytest.approx(value, abs=1e-6)
    assert result.score == pytest.approx(score)


MISSING = [
    # line key              inputs given                         missing (keys)
    ("key_spending_rate", {"project_spending": 1645.68}, ["key_project_spending"]),
    ("official_card_rate", {}, ["card_payable", "card_payments"]),
    ("balance", {"balance": 5}, ["carryover_last_year"]),  # has a 结余: is it ≤ 上年结转?
    ("balance", {}, ["balance", "budget_full_year", "income_total", "spending_total", "spent"]),
    ("satisfaction", {"satisfaction": None}, ["satisfaction"]),
]


@pytest.mark.parametrize("key,inputs,missing", MISSING)
def test_missing_inputs_are_listed_not_invented(key, inputs, missing):
    result = score_line(PROFILE.line(key), inputs)
    assert result.missing == missing and result.score is None


def test_zero_denominator_is_answered_by_the_profile():
    """`ratio(staff_actual, staff_quota, (staff_actual > 0) * 100)`: staff with no quota
    is 10000 % — every point off; no staff and no quota is 0 %."""
    result = score_line(PROFILE.line("staff_control_rate"), {"staff_actual": 3, "staff_quota": 0})
    assert not result.error and result.value == 100 and result.score == 0
    result = score_line(PROFILE.line("staff_control_rate"), {"staff_actual": 0, "staff_quota": 0})
    assert result.value == 0 and result.score == 5


def test_judgement_line_has_no_rule_score():
    result = score_line(PROFILE.line("funds_compliance"), {})
    assert result.score is None and result.missing == [] and "评价人" in result.basis


def test_basis_says_how():
    result = score_line(PROFILE.line("staff_control_rate"), {"staff_actual": 33, "staff_quota": 18})
    assert result.basis == "183.33%，超过 100% 83.33 个百分点，扣 41.67 分，扣完为止，得 0"
    band = score_line(PROFILE.line("budget_adjustment_rate"), {"budget_initial": 1878.11, "budget_full_year": 2252.43})
    assert band.basis == "19.93%，符合“预算调整率 ≤ 20%”，得 1"


POINTS = [
    # points   value  score (step 0.5 per point over 100 %, weight 5)
    ("exact", 1.015, 4.25),
    ("ceil", 1.015, 4.0),
    ("floor", 1.015, 4.5),
]


@pytest.mark.parametrize("points,value,score", POINTS)
def test_partial_points(points, value, score):
    data = {"profile": {"total_weight": 5}, "inputs": {"x": {"label": "x"}},
            "lines": [{"key": "k", "level1": "投入", "indicator": "k", "weight": 5, "formula": "x",
                       "rule": {"kind": "step", "bound": 1, "per": 0.5, "unit": 0.01, "points": points}}]}
    assert score_line(parse_profile(data).lines[0], {"x": value}).score == pytest.approx(score)


BAD_PROFILES = [
    # what is wrong                               the profile                                                          message part
    ("weights", {"lines": [{"key": "a", "level1": "投入", "indicator": "a", "weight": 90}]}, "合计 90"),
    ("unknown input", {"profile": {"total_weight": 5}, "lines": [
        {"key": "a", "level1": "投入", "indicator": "a", "weight": 5, "formula": "nope / 2",
         "rule": {"kind": "step"}}]}, "未定义的输入项 nope"),
    ("code in formula", {"profile": {"total_weight": 5}, "inputs": {"x": {}}, "lines": [
        {"key": "a", "level1": "投入", "indicator": "a", "weight": 5, "formula": "__import__('os')",
         "rule": {"kind": "step"}}]}, "不允许"),
    ("rule kind", {"profile": {"total_weight": 5}, "lines": [
        {"key": "a", "level1": "投入", "indicator": "a", "weight": 5, "rule": {"kind": "magic"}}]}, "未知的计分方式"),
    ("level sum", {"profile": {"total_weight": 5}, "levels": {"投入": 6}, "lines": [
        {"key": "a", "level1": "投入", "indicator": "a", "weight": 5}]}, "一级指标“投入”"),
]


@pytest.mark.parametrize("what,data,message", BAD_PROFILES)
def test_bad_profile_is_refused(what, data, message):
    with pytest.raises(ProfileError, match=message):
        parse_profile(data, "bad.toml")


def test_project_profile_is_not_a_department_profile():
    with pytest.raises(ProfileError, match="不是部门整体支出评分规则"):
        load_profile("national", kind="department")


def test_unknown_profile_name():
    with pytest.raises(ProfileError, match="hunan-dept"):
        load_profile("no-such-profile", kind="department")


EXPRESSIONS = [
    # expression                                      env                      result
    ("(a - b) / b", {"a": 11.26, "b": 13.42}, (11.26 - 13.42) / 13.42),
    ("abs(a - b) / b", {"a": 90, "b": 100}, 0.1),
    ("coalesce(c, a - b)", {"a": 5, "b": 3, "c": None}, 2),
    ("value <= 0.1", {"value": 0.30000000000000004 - 0.2}, True),  # float noise tolerated
    ("value == 0", {"value": 1e-12}, True),
    ("min(a, b) + max(a, b)", {"a": 1, "b": 2}, 3),
]


@pytest.mark.parametrize("text,env,result", EXPRESSIONS)
def test_expressions(text, env, result):
    got = expr.evaluate(text, env)
    assert got == pytest.approx(result) if isinstance(result, float) else got == result


def test_expression_reports_every_missing_name():
    with pytest.raises(expr.Missing) as info:
        expr.evaluate("(a - b) / c", {"a": 1})
    assert info.value.names == {"b", "c"}


MATCH = [
    # as written in a sheet            profile name
    ("财政供养人员\n控制率", "财政供养人员控制率"),
    ("“三公经费”\n变动率", "“三公经费”变动率"),
    ("三公经费控制率", "“三公经费”控制率"),
    ("《政府工作报告》目标任务完成情况", "《政府工作报告》目标任务完成情况"),
]


@pytest.mark.parametrize("written,name", MATCH)
def test_names_match_however_written(written, name):
    assert match_key(written) == match_key(name)


def test_weights_are_finite_numbers():
    assert all(math.isfinite(line.weight) and line.weight > 0 for line in PROFILE.lines)
