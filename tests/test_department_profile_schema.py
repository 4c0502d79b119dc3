"""The department profile as `parse_profile` reads it: hunan-dept.toml parsed inside
each test (mutation testing runs only the tests that themselves parse), the defaults
a short profile falls back on, and the profiles that are refused with their message."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from xltools.core.errors import ProfileError
from xltools.department.rules import score_line
from xltools.profiles.department import parse_profile

HUNAN = Path(__file__).resolve().parent.parent / "xltools" / "profiles" / "hunan-dept.toml"


def hunan():
    return parse_profile(tomllib.loads(HUNAN.read_text(encoding="utf-8")), str(HUNAN))


def test_hunan_dept_as_parsed():
    p = hunan()
    assert (p.name, p.title, p.total_weight, p.score_decimals) == ("hunan-dept", "部门整体支出绩效评价评分表", 100, 2)
    assert p.source == "君山区2021年度部门整体支出绩效评价评分表；财预〔2013〕53号" and p.path == str(HUNAN)
    assert dict(p.levels) == {"投入": 15, "过程": 40, "产出": 25, "效果": 20}
    assert p.grades == ((90, "优"), (80, "良"), (60, "中"), (0, "差"))
    assert [p.grade(t) for t in (95, 90, 89.99, 60, 0, None)] == ["优", "优", "良", "中", "差", ""]
    staff = p.inputs["staff_quota"]
    assert (staff.key, staff.label, staff.aliases, staff.kind, staff.where, staff.by_label) == (
        "staff_quota", "编制数", ("人员编制", "编制人数", "核定编制数"), "count", "基础数据表：财政供养人员情况", True)
    last = p.inputs["three_public_last_final"]
    assert (last.kind, last.where, last.by_label) == ("money", "基础数据表：经费控制情况，三公经费行，上年决算数列", False)
    line = p.line("staff_control_rate")
    assert (line.level1, line.level2, line.weight, line.aliases, line.udf, line.udf_args, line.value_kind) == (
        "投入", "预算配置", 5, ("在职人员控制率",), "XT_DEPT_STAFF_SCORE", (), "rate")
    assert line.names == ("财政供养人员控制率", "在职人员控制率")
    assert (line.rule.kind, line.rule.bound, line.rule.direction, line.rule.per, line.rule.unit, line.rule.points) == (
        "step", 1.0, "above", 0.5, 0.01, "exact")
    assert line.standard.startswith("以100%为标准。")
    balance = p.line("balance")
    assert balance.udf_args == ("balance", "carryover_last_year")
    assert (balance.rule.kind, balance.rule.otherwise, [b.score for b in balance.rule.bands]) == ("bands", 0, [3, 2])
    assert balance.value_kind == "number"


def line_spec(**rule):
    return {"key": "rate", "level1": "投入", "indicator": "财政供养人员控制率", "weight": 5,
            "formula": "actual / quota", "rule": rule}


def short(*lines, **head):
    return {"profile": head, "inputs": {"actual": {"label": "实际在职人数"}, "quota": {}}, "lines": list(lines)}


def test_a_short_profile_falls_back_on_the_defaults():
    p = parse_profile(short(line_spec(kind="step", bound=1.0, per=0.5), total_weight=5), "县级.toml")
    (line,) = p.lines
    assert p.total_weight == 5
    assert (line.rule.direction, line.rule.unit, line.rule.points, line.rule.otherwise) == ("above", 0.01, "exact", 0.0)
    assert (line.level2, line.value_kind, line.standard, line.aliases, line.udf, line.udf_args) == (
        "", "rate", "", (), "", ())
    assert (p.name, p.title, p.source, p.score_decimals, dict(p.levels), p.grades) == ("县级", "", "", 2, {}, ())
    assert p.inputs["actual"].label == "实际在职人数"
    assert p.grade(95) == ""  # no [[grades]]: no grade to give
    assert (p.inputs["quota"].label, p.inputs["quota"].kind, p.inputs["quota"].where, p.inputs["quota"].by_label) == (
        "quota", "number", "", True)
    # one percentage point over 100 %: 0.5 off, the default unit being 0.01
    assert score_line(line, {"actual": 101, "quota": 100}).score == pytest.approx(4.5)
    # bands with no otherwise: nothing when no band holds
    bands = line_spec(kind="bands", bands=[{"when": "value <= 1", "score": 5}])
    (line,) = parse_profile(short(bands, total_weight=5)).lines
    assert line.rule.otherwise == 0.0
    assert score_line(line, {"actual": 120, "quota": 100}).score == 0
    # an `else` band is the catch-all, not an expression over inputs
    bands = line_spec(kind="bands", bands=[{"when": "value <= 1", "score": 5}, {"when": "else", "score": 2}])
    (line,) = parse_profile(short(bands, total_weight=5)).lines
    assert [b.when for b in line.rule.bands] == ["value <= 1", "else"]
    assert score_line(line, {"actual": 120, "quota": 100}).score == 2


def test_total_weight_defaults_to_100_and_tolerates_float_noise():
    lines = [dict(line_spec(kind="judgement"), key=f"k{i}", weight=33.3333332) for i in range(3)]
    p = parse_profile(short(*lines))
    assert p.total_weight == 100
    assert sum(line.weight for line in p.lines) == pytest.approx(99.9999996)


BAD = [
    # what is wrong                       the profile                                               message
    ("a project profile", short(line_spec(kind="judgement"), kind="project", total_weight=5),
     "bad.toml：不是部门整体支出评分规则（没有 [[lines]] 三级指标，或 kind 不是 department）；项目自评规则请用 xltools check"),
    ("no lines", {"profile": {"kind": "department"}},
     "bad.toml：不是部门整体支出评分规则（没有 [[lines]] 三级指标，或 kind 不是 department）；项目自评规则请用 xltools check"),
    ("udf_args not inputs", short(dict(line_spec(kind="step"), udf="XT_DEPT_X", udf_args=["actual", "staff", "base"]),
                                  total_weight=5),
     "bad.toml：财政供养人员控制率 的 udf_args 用到未定义的输入项 base、staff"),
    ("input kind", dict(short(line_spec(kind="judgement"), total_weight=5), inputs={"a": {"kind": "percent"}}),
     "bad.toml：输入项 a 的类型 'percent' 无效"),
    ("repeated key", short(line_spec(kind="judgement"), line_spec(kind="judgement"), total_weight=10),
     "bad.toml：指标键 rate 重复"),
    ("weights off by a point", short(line_spec(kind="judgement"), total_weight=6),
     "bad.toml：各三级指标分值合计 5，应为 6"),
    ("level weight", short(line_spec(kind="judgement"), total_weight=5) | {"levels": {"投入": 4}},
     "bad.toml：一级指标“投入”分值 4，其下三级指标合计 5"),
    ("direction", short(line_spec(kind="step", direction="up"), total_weight=5),
     "bad.toml：指标 '财政供养人员控制率' 定义有误（direction 应为 above 或 below，而不是 'up'）"),
    ("points", short(line_spec(kind="step", points="round"), total_weight=5),
     "bad.toml：指标 '财政供养人员控制率' 定义有误（points 应为 exact、ceil 或 floor，而不是 'round'）"),
    ("unit", short(line_spec(kind="step", unit=0), total_weight=5),
     "bad.toml：指标 '财政供养人员控制率' 定义有误（unit 必须大于 0）"),
    ("no bands", short(line_spec(kind="bands"), total_weight=5),
     "bad.toml：指标 '财政供养人员控制率' 定义有误（分档计分需要 bands）"),
    ("udf name", short(dict(line_spec(kind="judgement"), udf="dept_score"), total_weight=5),
     "bad.toml：指标 '财政供养人员控制率' 定义有误（udf 名称 'dept_score' 应为 XT_ 开头的大写英文字母、数字和下划线）"),
    ("no formula", short(dict(line_spec(kind="step"), formula=""), total_weight=5),
     "bad.toml：指标 '财政供养人员控制率' 定义有误（按规则计分的指标需要 formula）"),
]


@pytest.mark.parametrize("data,message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_profile_is_refused_with_its_message(data, message):
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "bad.toml")
    assert str(caught.value) == message
