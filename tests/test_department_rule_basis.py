"""The department profile's rules (hunan-dept, seed 002's 评分表) at their edges, with
the Chinese sentence that says how each score was reached, and the profile errors a
province's rules author meets, word for word."""
from __future__ import annotations

import pytest

from xltools.core.errors import ProfileError
from xltools.department.rules import match_key, score_line
from xltools.profiles import PROFILE_DIR, load_profile
from xltools.profiles.department import parse_profile

PROFILE = load_profile(kind="department")

# line key                    inputs                                                   value    score  basis
BASIS = [
    ("procurement_rate",        {"procurement_actual": 95, "procurement_budget": 100},    0.95,    2,
     "95%，低于 100% 5 个百分点，扣 1 分，得 2"),
    ("procurement_rate",        {"procurement_actual": 100, "procurement_budget": 100},   1.0,     3,
     "100% ≥ 100%，得满分 3"),
    ("payment_progress",        {"unfinished_specials": 0},                               0,       3,
     "0 ≤ 0，得满分 3"),
    ("payment_progress",        {"unfinished_specials": 2},                               2,       2,
     "2 个，每个扣 0.5 分，共扣 1 分，得 2"),
    ("payment_progress",        {"unfinished_specials": 9},                               9,       0,
     "9 个，每个扣 0.5 分，共扣 4.5 分，扣完为止，得 0"),
    ("satisfaction",            {"satisfaction": 0.85},                                   0.85,    3,
     "85%，符合“社会公众或服务对象满意度 ≥ 85%”，得 3"),
    ("satisfaction",            {"satisfaction": 0.74},                                   0.74,    0,
     "74%，不符合各档条件，得 0"),
    ("balance",                 {"balance": 30, "carryover_last_year": 20},               30,      0,
     "30，不符合各档条件，得 0"),
    ("three_public_change_rate", {"three_public_final": 11.26, "three_public_last_final": 13.42}, -0.16095, 5,
     "-16.1% ≤ 0%，得满分 5"),
    ("three_public_change_rate", {"three_public_final": 14.76, "three_public_last_final": 13.42}, 0.09985, 0.01,
     "9.99%，超过 0% 9.99 个百分点，扣 4.99 分，得 0.01"),
    ("fixed_asset_use_rate",    {"fixed_assets_in_use": 90, "fixed_assets_total": 100},   0.9,     2,
     "90%，低于 100% 10 个百分点，扣 1 分，得 2"),
]


@pytest.mark.parametrize("key,inputs,value,score,basis", BASIS)
def test_rule_and_its_basis(key, inputs, value, score, basis):
    result = score_line(PROFILE.line(key), inputs)
    assert (result.missing, result.error) == ([], "")
    assert result.value == pytest.approx(value, abs=1e-5)
    assert result.score == pytest.approx(score)
    assert result.basis == basis


def test_value_given_directly_skips_the_formula():
    result = score_line(PROFILE.line("satisfaction"), {}, value=0.96)
    assert (result.value, result.score, result.basis) == (0.96, 5, "96%，符合“社会公众或服务对象满意度 ≥ 95%”，得 5")


def test_band_condition_missing_data_is_said():
    result = score_line(PROFILE.line("balance"), {"balance": 5})
    assert (result.score, result.missing) == (None, ["carryover_last_year"])
    assert result.basis == "5：判断“value <= carryover_last_year”缺少数据"


# total   grade (hunan-dept: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below)
GRADES = [(90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差"), (None, "")]


@pytest.mark.parametrize("total,grade", GRADES)
def test_department_grades(total, grade):
    assert PROFILE.grade(total) == grade


def test_input_labels_and_lines():
    assert PROFILE.input_label("staff_quota") == "编制数"
    assert PROFILE.input_label("not_an_input") == "not_an_input"
    with pytest.raises(KeyError):
        PROFILE.line("not_a_line")
    assert match_key("“三公经费”\n控制率（%）") == match_key("三公经费控制率%")


def _line(**over):
    line = {"key": "a", "level1": "投入", "indicator": "甲", "weight": 5, "formula": "x",
            "rule": {"kind": "step", "bound": 1}}
    line.update(over)
    return {"profile": {"total_weight": 5}, "inputs": {"x": {"label": "x"}}, "lines": [line]}


# what is wrong                  the profile                                              the whole message
BAD = [
    ("input kind",               {**_line(), "inputs": {"x": {"kind": "ratio"}}},
     "bad.toml：输入项 x 的类型 'ratio' 无效"),
    ("direction",                _line(rule={"kind": "step", "direction": "sideways"}),
     "bad.toml：指标 '甲' 定义有误（direction 应为 above 或 below，而不是 'sideways'）"),
    ("points",                   _line(rule={"kind": "step", "points": "round"}),
     "bad.toml：指标 '甲' 定义有误（points 应为 exact、ceil 或 floor，而不是 'round'）"),
    ("unit",                     _line(rule={"kind": "step", "unit": 0}),
     "bad.toml：指标 '甲' 定义有误（unit 必须大于 0）"),
    ("bands without bands",      _line(rule={"kind": "bands"}),
     "bad.toml：指标 '甲' 定义有误（分档计分需要 bands）"),
    ("scored line, no formula",  _line(formula=""),
     "bad.toml：指标 '甲' 定义有误（按规则计分的指标需要 formula）"),
    ("duplicate key",            {**_line(), "profile": {"total_weight": 10},
                                  "lines": [_line()["lines"][0], _line()["lines"][0]]},
     "bad.toml：指标键 a 重复"),
    ("weights",                  _line(weight=4),
     "bad.toml：各三级指标分值合计 4，应为 5"),
    ("level",                    {**_line(), "levels": {"投入": 6}},
     "bad.toml：一级指标“投入”分值 6，其下三级指标合计 5"),
    ("band condition name",      _line(rule={"kind": "bands", "bands": [{"when": "value > y", "score": 5}]}),
     "bad.toml：甲 的公式用到未定义的输入项 y"),
    ("not a department profile", {"profile": {"kind": "project"}, "lines": []},
     "bad.toml：不是部门整体支出评分规则（没有 [[lines]] 三级指标，或 kind 不是 department）；项目自评规则请用 xltools check"),
]


@pytest.mark.parametrize("what,data,message", BAD, ids=[b[0] for b in BAD])
def test_bad_profile_says_what_is_wrong(what, data, message):
    with pytest.raises(ProfileError) as raised:
        parse_profile(data, "bad.toml")
    assert str(raised.value) == message


def test_profile_names_and_paths(tmp_path):
    """One loader for both kinds: a shipped name or a .toml path, and Chinese
    words for a file that is not there."""
    assert load_profile("hunan-dept", kind="department").path.endswith("hunan-dept.toml")
    with pytest.raises(ProfileError) as raised:
        load_profile(tmp_path / "没有.toml", kind="department")
    assert str(raised.value) == f"找不到规则配置文件：{tmp_path / '没有.toml'}"
    with pytest.raises(ProfileError) as raised:
        load_profile("guangdong-dept", kind="department")
    assert str(raised.value) == ("找不到规则配置“guangdong-dept”；部门整体支出评价规则可用的有：hunan-dept，"
                                 "或给出 .toml 文件路径")


def test_a_department_profile_extends_another(tmp_path):
    """A county changes one line's weight of its province's rules (`extends`)."""
    county = tmp_path / "某县-dept.toml"
    county.write_text(f'extends = "{PROFILE_DIR / "hunan-dept.toml"}"\n'
                      '[profile]\nname = "某县"\n', encoding="utf-8")
    profile = load_profile(county, kind="department")
    assert profile.name == "某县" and len(profile.lines) == len(load_profile(kind="department").lines)


def test_defaults_of_a_minimal_profile(tmp_path):
    """What a rules author may leave out: an input's label (its key), where, aliases;
    a line's value kind (a rate); the title; grades below the lowest band."""
    data = {"profile": {"total_weight": 5}, "inputs": {"x": {}},
            "grades": [{"min": 90, "grade": "优"}, {"min": 80, "grade": "良"}, {"min": 60, "grade": "中"}],
            "lines": [{"key": "a", "level1": "投入", "indicator": "甲", "weight": 5, "formula": "x",
                       "rule": {"kind": "step", "bound": 1}}]}
    profile = parse_profile(data, "min.toml")
    (x,) = profile.inputs.values()
    assert (x.label, x.aliases, x.where, x.kind, x.by_label) == ("x", (), "", "number", True)
    assert (profile.name, profile.title, profile.lines[0].value_kind) == ("min", "", "rate")
    assert (profile.grade(59), profile.grade(85)) == ("中", "良")  # below every band: the lowest grade
    path = tmp_path / "某县.toml"
    path.write_text((PROFILE_DIR / "hunan-dept.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert load_profile(path, kind="department").path == str(path)


def test_a_line_is_read_as_the_profile_writes_it():
    """hunan-dept's first line (seed 002's 评分表), field by field."""
    line = PROFILE.line("staff_control_rate")
    assert (line.level1, line.level2, line.indicator, line.aliases, line.weight, line.value_kind) == \
        ("投入", "预算配置", "财政供养人员控制率", ("在职人员控制率",), 5, "rate")
    assert line.formula == "ratio(staff_actual, staff_quota, (staff_actual > 0) * 100)"
    assert line.standard == "以100%为标准。在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止。"
    rule = line.rule
    assert (rule.kind, rule.bound, rule.direction, rule.per, rule.unit, rule.points) == \
        ("step", 1.0, "above", 0.5, 0.01, "exact")
    assert (PROFILE.name, PROFILE.title, PROFILE.source) == (
        "hunan-dept", "部门整体支出绩效评价评分表", "君山区2021年度部门整体支出绩效评价评分表；财预〔2013〕53号")
    satisfaction = PROFILE.line("satisfaction")
    assert (satisfaction.level2, satisfaction.aliases, satisfaction.rule.otherwise) == \
        ("履职效益", ("服务对象满意度", "社会公众满意度", "满意度"), 0)


def test_minimal_line_defaults_and_band_words():
    data = {"profile": {"total_weight": 5, "name": "县", "source": "某县评分表"}, "inputs": {"x": {"label": "甲率"}},
            "lines": [{"key": "a", "level1": "投入", "indicator": "甲", "weight": 5, "formula": "x",
                       "rule": {"kind": "bands", "otherwise": 1,
                                "bands": [{"when": "value >= 0.9 and value <= 1 or value == 2", "score": 5}]}}]}
    profile = parse_profile(data, "县.toml")
    line = profile.lines[0]
    assert (profile.name, profile.source, line.level2, line.standard, line.aliases) == ("县", "某县评分表", "", "", ())
    hit = score_line(line, {"x": 0.95})
    assert (hit.line, hit.score, hit.basis) == (line, 5, "95%，符合“甲 ≥ 90%且甲 ≤ 100%或甲 = 200%”，得 5")
    assert score_line(line, {"x": 0.5}).score == 1  # otherwise
    with pytest.raises(KeyError, match="nope"):
        profile.line("nope")


def test_a_zero_denominator_is_said_not_raised():
    data = {"profile": {"total_weight": 5}, "inputs": {"x": {}, "y": {}},
            "lines": [{"key": "a", "level1": "投入", "indicator": "甲", "weight": 5, "formula": "x / y",
                       "rule": {"kind": "step", "bound": 1}}]}
    result = score_line(parse_profile(data, "县.toml").lines[0], {"x": 1, "y": 0})
    assert (result.score, result.error, result.basis) == (None, "#DIV/0!", "无法计算（除数为零）")
