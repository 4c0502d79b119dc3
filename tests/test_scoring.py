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
