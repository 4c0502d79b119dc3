"""Scoring by rule (DOMAIN.md §3) with the seeds' own figures."""
from __future__ import annotations

import pytest

from xltools.core.errors import ProfileError
from xltools.core.model import Indicator, Value, Where
from xltools.profiles import available_profiles, load_profile
from xltools.project.scoring import agrees, budget_score, execution_rate, grade, rate_interval, score_indicator
from xltools.core.values import amount, parse

NATIONAL = load_profile("national")
HUNAN = load_profile("hunan")


# spent     full_year   rate
RATES = [
    (214.78,  239.8,      0.895663),   # 电子政务网租赁
    (146.06,  187,        0.781070),   # 快递服务经费
    (62.7,    100,        0.627),      # 项目技术审查会相关费用
    (22,      22.03,      0.998638),   # 一件事一次办
    (10,      0,          None),       # zero budget: no rate
    (None,    50,         None),
]


@pytest.mark.parametrize("spent,full,rate", RATES)
def test_execution_rate_on_full_year_budget(spent, full, rate):
    got = execution_rate(spent, full)
    assert got == (None if rate is None else pytest.approx(rate, abs=1e-6))


# weight  rate       score
BUDGET_SCORES = [
    (10,    0.627,     6.27),
    (10,    1.2,       10.0),   # capped at 100 %
    (10,    0.998638,  9.98638),
    (None,  0.5,       None),
]


@pytest.mark.parametrize("weight,rate,score", BUDGET_SCORES)
def test_budget_score(weight, rate, score):
    got = budget_score(weight, rate, NATIONAL)
    assert got == (None if score is None else pytest.approx(score))


# total  grade
GRADES = [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.9, "中"), (60, "中"), (59.5, "差"), (0, "差")]


@pytest.mark.parametrize("total,expected", GRADES)
def test_grade_bands(total, expected):
    assert grade(total, NATIONAL) == expected


# stated  decimals  computed lo..hi        agrees   why
AGREEMENT = [
    (0.84,   2,       0.8361, 0.8361,      True,    "84 % agrees with 83.61 %"),
    (0.99,   2,       1.0, 1.0,            False,   "99 % does not agree with 100 %"),
    (9.9,    1,       9.982, 9.991,        False,   "9.9 is not 10 × 99.86 %"),
    (9,      0,       8.956, 8.957,        True,    "9 for 8.96 is rounding"),
    (95,     0,       95.5, 95.5,          False,   "95 ≠ 95.5"),
    (98.7,   1,       98.7, 98.7,          True,    "98.7"),
]


@pytest.mark.parametrize("stated,decimals,lo,hi,ok,why", AGREEMENT)
def test_agreement_at_stated_precision(stated, decimals, lo, hi, ok, why):
    assert agrees(stated, decimals, lo, hi) is ok, why


def test_rate_interval_allows_input_precision():
    lo, hi = rate_interval(amount(214.78), amount(239.8), 2)
    assert agrees(0.8956, 4, lo, hi)  # as the seed states it
    lo, hi = rate_interval(amount("2147800元"), amount("2398000元"), 2)
    assert not agrees(0.8956, 4, lo, hi)  # exact to the 元: 89.566 % rounds to 89.57 %


def _ind(level2, name, target, actual, weight, score=None, level1=""):
    w = Where("f.xlsx", "s", "A1")
    v = lambda x: Value(x, parse(x), w)  # noqa: E731
    return Indicator(row=1, level1=level1, level2=level2, name=v(name), target=v(target), actual=v(actual),
                     weight=v(weight), score=v(score), deviation_note=v(None))


# level2         indicator                    target         actual     weight clerk  profile   rule    kind
INDICATORS = [
    ("数量指标",   "在市本级产生的审批办理结果份数", "75000件",  "56774件",  20,  15,    NATIONAL, 15.14,  "quantitative"),
    ("数量指标",   "完成部分部门对接工作",        "10个",       "7个",      5,   3.5,   NATIONAL, 3.5,    "quantitative"),
    ("数量指标",   "政务外网漏扫完成次数",        "≥2",         "2",        5,   5,     NATIONAL, 5,      "quantitative"),
    ("质量指标",   "到达率",                      "90%以上",    "100%",     10,  10,    NATIONAL, 10,     "quantitative"),
    ("成本指标",   "签订合同金额",                "≤270.91",    "268.305",  10,  10,    NATIONAL, 10,     "quantitative"),
    ("成本指标",   "成本控制数",                  "96.5万元",   "62.7万元", 12.5, 8.12, NATIONAL, 12.5,   "quantitative"),
    ("成本指标",   "发放金额",                    "160",        "65.61",    10,  4.1,   NATIONAL, 10,     "quantitative"),
    ("质量指标",   "大厅设备故障率",              "≤5%",        "10%",      10,  8,     NATIONAL, 5,      "quantitative"),
    ("社会效益指标", "发生政务外网重大安全事件次数", "≤1次",     "0次",      30,  30,    NATIONAL, 30,     "quantitative"),
    ("服务对象满意度指标", "行政审批局满意度",   "≥90%",       "80%",      10,  8,     NATIONAL, 8.889,  "quantitative"),
    ("服务对象满意度指标", "行政审批局满意度",   "≥90%",       "80%",      10,  8,     HUNAN,    7.5,    "band"),
    ("服务对象满意度指标", "市民办事满意度",     "99%",        "98%",      10,  9.8,   HUNAN,    10,     "band"),
    ("服务对象满意度指标", "满意率",             "≥90%",       "59%",      8,   0,     HUNAN,    0,      "band"),
    ("数量指标",   "技术审查会信息化项目",        "≥60",        "完成各阶段项目管理数≥60", 12.5, 12.5, NATIONAL, 12.5, "quantitative"),
    ("时效指标",   "本年度等保测评完成情况",      "完成等保测评，取得2.0三级备案证明", "取得等保2.0三级备案证明",
     10, 10, NATIONAL, 10, "qualitative"),
    ("时效指标",   "正常运行时间",                "全年",       "全年",     10,  8,     NATIONAL, 8,      "qualitative"),
    ("时效指标",   "平台安装部署",                "6月份之前完成", "部分完成", 5,  5,     NATIONAL, 4,      "qualitative"),
    ("时效指标",   "项目初验",                    "8月份之前完成", "未完成",  5,   1,     NATIONAL, 1,      "qualitative"),
    ("时效指标",   "上线试运行",                  "100%",       None,       5,   5,     NATIONAL, None,   "none"),
    ("质量指标",   "大厅设备故障率",              None,         "＜10%",    10,  8,     NATIONAL, None,   "none"),
]


@pytest.mark.parametrize("level2,name,target,actual,weight,clerk,profile,rule,kind", INDICATORS)
def test_indicator_rule_scores(level2, name, target, actual, weight, clerk, profile, rule, kind):
    got = score_indicator(_ind(level2, name, target, actual, weight, clerk), profile)
    assert got.kind == kind, got.basis
    assert got.score == (None if rule is None else pytest.approx(rule, abs=5e-3)), got.basis
    assert got.basis  # a Chinese explanation always


def test_qualitative_tiers_bound_the_clerks_choice():
    partly = score_indicator(_ind("时效指标", "平台安装部署", "6月份之前完成", "部分完成", 5, 3.5), NATIONAL)
    assert (partly.low, partly.high) == (3.0, 4.0) and partly.score == 3.5


def test_profiles_are_data():
    assert {"national", "hunan"} <= set(available_profiles())
    assert NATIONAL.weight_total == 100 and NATIONAL.budget_weight == 10
    assert NATIONAL.level1_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert HUNAN.bands and HUNAN.weight_total == 100  # inherits national
    with pytest.raises(ProfileError, match="找不到规则配置"):
        load_profile("nowhere")


def test_profile_from_a_file(tmp_path):
    path = tmp_path / "city.toml"
    path.write_text('name = "city"\nextends = "national"\n[weights.level1]\n"产出指标" = 40\n"效益指标" = 40\n',
                    encoding="utf-8")
    city = load_profile(str(path))
    assert city.level1_weights["产出指标"] == 40 and city.level1_weights["满意度指标"] == 10


# Qualitative tiers (issue 14): a negated word (无延期, 未发生, 无投诉, 零事故) is not 未达成;
# written as the target is reached even when the target holds a word like 取消.
# Each row stands for a real indicator of a 时效/社会效益 line.  weight 10, blank 得分.
# target              actual                   tier (low–high)
QUALITATIVE = [
    ("按期完成",          "按期完成，无延期",       "达成", 8, 10),
    ("12月31日前完成",    "未延期",                 "达成", 8, 10),
    ("12月31日前完成",    "没有发生延期",           "达成", 8, 10),
    ("不发生安全事故",    "未发生",                 "达成", 8, 10),
    ("群众投诉",          "无投诉",                 "达成", 8, 10),
    ("安全生产",          "零事故",                 "达成", 8, 10),
    ("取消纸质证明材料",  "取消纸质证明材料",       "达成", 8, 10),
    ("按时完成",          "延期完成",               "未达成", 0, 6),
    ("按时完成",          "按期完成，个别延期",     "未达成", 0, 6),
    ("按时完成",          "未按期完成",             "未达成", 0, 6),
    ("通过验收",          "未通过验收",             "未达成", 0, 6),
    ("通过验收",          "尚未验收",               "未达成", 0, 6),
    ("全面完成",          "尚未全部完成",           "部分达成", 6, 8),
    ("全面完成",          "部分未完成",             "部分达成", 6, 8),
    ("全面完成",          "基本完成",               "部分达成", 6, 8),
    ("按期完成",          "延期一次，其后无延期",   "未达成", 0, 6),
]


@pytest.mark.parametrize("target,actual,tier,low,high", QUALITATIVE)
def test_qualitative_tier_of_what_was_written(target, actual, tier, low, high):
    got = score_indicator(_ind("时效指标", "项目完成情况", target, actual, 10, None), NATIONAL)
    share = {"达成": "80%–100%", "部分达成": "60%–80%", "未达成": "0%–60%"}[tier]
    assert (got.kind, got.low, got.high, got.met) == ("qualitative", low, high, tier == "达成")
    assert got.score == high  # no 得分 typed: the top of the tier is suggested
    assert got.basis == f"定性：{tier}档（分值的 {share}，即 {low:g}–{high:g} 分）"


def test_qualitative_suggestion_keeps_the_clerks_score_inside_the_tier():
    for clerk, suggested in ((7, 8), (9, 9), (10.5, 10)):
        got = score_indicator(_ind("时效指标", "项目初验", "按期完成", "按期完成", 10, clerk), NATIONAL)
        assert got.score == suggested


# Rates as clerks write them, and which rule scores them.  Each row is a seed indicator
# or one from seed 002/003's 湖南 forms.  weight 10.
# level2          indicator        target    actual    profile   kind            score    basis
RATES = [
    ("服务对象满意度指标", "办事群众满意度", "≥95%", "85", NATIONAL, "quantitative", 8.947,
     "定量正向（越大越好）：未达目标，分值×实际/目标 = 8.95"),
    ("服务对象满意度指标", "办事群众满意度", "≥95%", "85", HUNAN, "band", 7.5,
     "按“服务对象满意度”分档：实际 85 得分值的 75%"),
    ("服务对象满意度指标", "办事群众满意度", "≥95%", "89.99%", HUNAN, "band", 7.5,
     "按“服务对象满意度”分档：实际 89.99% 得分值的 75%"),
    ("服务对象满意度指标", "办事群众满意度", "≥95%", "90%", HUNAN, "band", 10,
     "按“服务对象满意度”分档：实际 90% 得分值的 100%"),
    ("服务对象满意度指标", "办事群众满意度", "≥95%", "59.9%", HUNAN, "band", 0,
     "按“服务对象满意度”分档：实际 59.9% 得分值的 0%"),
    ("服务对象满意度指标", "办事群众满意度", "≥95%", "60%", HUNAN, "band", 2.5,
     "按“服务对象满意度”分档：实际 60% 得分值的 25%"),
    ("社会效益指标", "群众满意度", "≥90%", "85%", HUNAN, "band", 7.5,
     "按“服务对象满意度”分档：实际 85% 得分值的 75%"),          # keyword route
    ("质量指标", "到达率", "90%以上", "85%", HUNAN, "quantitative", 9.444,
     "定量正向（越大越好）：未达目标，分值×实际/目标 = 9.44"),    # a band profile, not a band line
    ("服务对象满意度指标", "办事群众满意度", "≥95%", "97.42", NATIONAL, "quantitative", 10,
     "定量正向（越大越好）：实际 97.42 达到目标 ≥95%，得满分"),
    ("服务对象满意度指标", "办事群众满意度", "≥98%", "97.42", NATIONAL, "quantitative", 9.941,
     "定量正向（越大越好）：未达目标，分值×实际/目标 = 9.94"),
    ("质量指标", "差错率", "≤3‰", "2‰", NATIONAL, "quantitative", 10,
     "定量反向（越小越好）：实际 2‰ 达到目标 ≤3‰，得满分"),
    ("质量指标", "差错率", "≤3‰", "4‰", NATIONAL, "quantitative", 7.5,
     "定量反向（越小越好）：未达目标，分值×目标/实际 = 7.50"),
    ("质量指标", "差错率", "≤5‰", "0.8%", NATIONAL, "quantitative", 6.25,
     "定量反向（越小越好）：未达目标，分值×目标/实际 = 6.25"),
    ("质量指标", "差错率", "3‰", "0", NATIONAL, "quantitative", 10,
     "定量反向（越小越好）：实际 0 达到目标 3‰，得满分"),
    ("数量指标", "审批办理结果份数", "75000件", "75000件", NATIONAL, "quantitative", 10,
     "定量正向（越大越好）：实际 75000件 达到目标 75000件，得满分"),
    ("数量指标", "审批办理结果份数", "75000件", "74999件", NATIONAL, "quantitative", 9.9999,
     "定量正向（越大越好）：未达目标，分值×实际/目标 = 10.00"),
    ("成本指标", "成本控制数", "96.5万元", "96.5万元", NATIONAL, "quantitative", 10,
     "定量反向（越小越好）：实际 96.5万元 达到目标 96.5万元，得满分"),
    ("成本指标", "成本控制数", "96.5万元", "96.51万元", NATIONAL, "quantitative", 9.999,
     "定量反向（越小越好）：未达目标，分值×目标/实际 = 10.00"),
    ("数量指标", "培训人次", "≥100人", "≥120人", NATIONAL, "quantitative", 10,
     "定量正向（越大越好）：实际 ≥120人 达到目标 ≥100人，得满分"),
    ("数量指标", "服务面积", "500平方米", "520㎡", NATIONAL, "quantitative", 10,
     "定量正向（越大越好）：实际 520m2 达到目标 500平方米，得满分"),
    ("数量指标", "服务面积", "500平方米", "480平米", NATIONAL, "quantitative", 9.6,
     "定量正向（越大越好）：未达目标，分值×实际/目标 = 9.60"),
    ("服务对象满意度指标", "满意度", "满意度达到95%以上", "97%", NATIONAL, "quantitative", 10,
     "定量正向（越大越好）：实际 97% 达到目标 满意度达到95%以上，得满分"),
    ("服务对象满意度指标", "满意度", "满意度达到95%以上", "满意度达到95%以上", NATIONAL, "qualitative", 10,
     "定性：达成档（分值的 80%–100%，即 8–10 分）"),
    ("数量指标", "服务面积", "2.26万平方", "22600平方米", NATIONAL, "qualitative", 10,
     "定性：达成档（分值的 80%–100%，即 8–10 分）"),              # 万平方 vs 平方米: not compared
]


@pytest.mark.parametrize("level2,name,target,actual,profile,kind,score,basis", RATES)
def test_rates_as_written(level2, name, target, actual, profile, kind, score, basis):
    got = score_indicator(_ind(level2, name, target, actual, 10, None), profile)
    assert (got.kind, got.basis) == (kind, basis)
    assert got.score == pytest.approx(score, abs=5e-4)
    if kind != "qualitative":  # a rule figure, not a tier: low = high = the score
        assert (got.low, got.high) == (got.score, got.score)
        assert got.met is (score == 10)  # reached: the target (quantitative) or the top band


def test_a_weight_that_is_not_a_number_is_not_scored():
    got = score_indicator(_ind("数量指标", "培训人次", "≥100人", "120人", "权重10%", None), NATIONAL)
    assert (got.kind, got.score, got.basis) == ("none", None, "没有分值，无法按规则计分")


# what is missing          target      actual   basis
UNSCORED = [
    ("no 年度指标值",       None,       "2次",   "没有年度指标值，无法按规则计分"),
    ("no 实际完成值",       "≥2次",     None,    "没有实际完成值，无法按规则计分"),
]


@pytest.mark.parametrize("what,target,actual,basis", UNSCORED)
def test_what_the_rule_cannot_score(what, target, actual, basis):
    got = score_indicator(_ind("数量指标", "漏扫次数", target, actual, 5, 5), NATIONAL)
    assert (got.kind, got.score, got.low, got.high, got.basis) == ("none", None, None, None, basis)


def test_deviation_never_below_zero(tmp_path):
    path = tmp_path / "严.toml"
    path.write_text('name = "严"\nextends = "platform"\n[platform.deviation]\nover = 0.3\npoints = 6\n',
                    encoding="utf-8")
    got = score_indicator(_ind("数量指标", "漏扫次数", "≥2次", "3次", 5, 5), load_profile(str(path)))
    assert (got.score, got.low, got.high, got.met, got.deviation) == (0, 0, 0, True, 0.5)
    assert got.basis == "定量正向（越大越好）：实际 3次 超出目标 ≥2次 50%，指标偏离（超出 30% 及以上扣 6 分），得 0"


# 指标偏离 (platform rule) at its edges; weight 10.
# level2      indicator      target    actual   score  deviation  basis
DEVIATIONS = [
    ("数量指标", "安全检查次数", "≥10次", "13次", 8, 0.3,
     "定量正向（越大越好）：实际 13次 超出目标 ≥10次 30%，指标偏离（超出 30% 及以上扣 2 分），得 8"),
    ("数量指标", "安全检查次数", "≥0", "3", 10, None,              # nothing to be beyond: no deviation
     "定量正向（越大越好）：实际 3 达到目标 ≥0，得满分"),
    ("时效指标", "办结时限", "≤10天", "5天", 10, None,
     "定量反向（越小越好）：实际 5天 达到目标 ≤10天，得满分"),
]


@pytest.mark.parametrize("level2,name,target,actual,score,deviation,basis", DEVIATIONS)
def test_platform_deviation_edges(level2, name, target, actual, score, deviation, basis):
    got = score_indicator(_ind(level2, name, target, actual, 10, None), load_profile("platform"))
    assert (got.kind, got.score, got.met, got.basis) == ("quantitative", score, True, basis)
    assert got.deviation == (None if deviation is None else pytest.approx(deviation))


def test_no_rate_without_both_amounts():
    assert rate_interval(parse(None), amount(100), 2) is None
    assert rate_interval(amount(95), parse(None), 2) is None
    assert rate_interval(amount(95), amount(0), 2) is None
