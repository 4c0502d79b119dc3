"""The department rules as functions a clerk can call from a cell: the plain
functions (xltools.department.udfs) and their xlwings wrappers — never raising,
impossible input as an Excel error value."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from xltools.department import udfs as u
from xltools.excel import udfs_department as x

F = "\u3000"

PLAIN = [
    # function                              arguments                      expected
    (functools.partial(u.line_score, "staff_control_rate"), (F + "42", "43" + F), 5),           # seed 001: 97.67 %
    (functools.partial(u.line_score, "staff_control_rate"), (33, 18), 0),                        # seed 002: 183.3 %
    (functools.partial(u.line_score, "staff_control_rate"), (101.5, 100), 4.25),
    (functools.partial(u.line_score, "three_public_change_rate"), ("11.26" + F, F + "13.42"), 5),
    (functools.partial(u.line_score, "three_public_change_rate"), (10.2, 10), 4),
    (functools.partial(u.line_score, "three_public_control_rate"), (F + "11.26", "11.26" + F), 6),
    (functools.partial(u.line_score, "three_public_control_rate"), (10.3, 10), 3),
    (functools.partial(u.line_score, "key_spending_rate"), (85, 100), 4),
    (functools.partial(u.line_score, "budget_adjustment_rate"), (2252.43, 1878.11), 1),          # seed 001: 19.93 %
    (functools.partial(u.line_score, "budget_adjustment_rate"), ("2252.43万元", "18781100元"), 1),
    (functools.partial(u.line_score, "payment_progress"), (2,), 2),
    (functools.partial(u.line_score, "balance"), (0,), 3),
    (functools.partial(u.line_score, "balance"), (5, 10), 2),
    (functools.partial(u.line_score, "balance"), (15, 10), 0),
    (functools.partial(u.line_score, "procurement_rate"), (F + "928.95", F + "928.95"), 3),
    (functools.partial(u.line_score, "official_card_rate"), (45, 100), 2),
    (functools.partial(u.line_score, "fixed_asset_use_rate"), (993.18, 993.18), 3),
    (functools.partial(u.line_score, "satisfaction"), ("98%",), 5),
    (functools.partial(u.line_score, "satisfaction"), (0.9,), 3),
    (functools.partial(u.line_score, "satisfaction"), (80,), 1),                                 # 80 read as 80 %
    (u.score_by_name, ("预算调整率", "19.93%"), 1),
    (u.score_by_name, ("“三公经费”\n控制率", 1.03), 3),
    (u.score_by_name, ("财政供养人员控制率", "183.33%"), 0),
]


@pytest.mark.parametrize("func,args,expected", PLAIN, ids=repr)
def test_plain_functions(func, args, expected):
    assert func(*args) == pytest.approx(expected)


ERRORS = [
    # function                              arguments                 Excel error
    (functools.partial(u.line_score, "staff_control_rate"), (3, "——"), "#N/A"),                 # empty: the rule cannot say
    (functools.partial(u.line_score, "staff_control_rate"), ("四十二", 43), "#VALUE!"),
    (functools.partial(u.line_score, "three_public_change_rate"), ("十万", 0), "#VALUE!"),
    (functools.partial(u.line_score, "budget_adjustment_rate"), ("2..23亿元", 100), "#VALUE!"),
    (functools.partial(u.line_score, "balance"), (5, None), "#N/A"),                             # a 结余 but no 上年结转
    (u.score_by_name, ("资金使用合规性", 3), "#N/A"),                 # scored by judgement
    (u.score_by_name, ("没有这个指标", 0.5), "#N/A"),
    (u.line_value, ("staff_control_rate", "三十三", 18), "#VALUE!"),
]


@pytest.mark.parametrize("func,args,error", ERRORS, ids=repr)
def test_impossible_input_is_an_error_value(func, args, error):
    assert func(*args) == error


JUNK = [None, "", "——", "abc", "<!%", float("nan"), True, -1, 1e308, [1, 2], {"a": 1}]


@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_junk_never_raises(junk):
    for fn in u.line_functions():
        result = u.line_score(fn.line.key, *([junk] * len(fn.args)))
        assert isinstance(result, (float, str))
    assert isinstance(u.score_by_name(junk, junk), (float, str))


def test_line_value():
    assert u.line_value("staff_control_rate", 42, 43) == pytest.approx(0.976744, abs=1e-6)


@pytest.mark.parametrize("udf", x.UDFS, ids=lambda f: f.__name__)
def test_udf_help_is_chinese_and_short(udf):
    doc = udf.__doc__
    assert doc and len(doc) <= 255
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc)
    assert udf.__name__.isascii() and udf.__name__.startswith("XT_DEPT_")


WRAPPED = [
    # UDF                              arguments                 on Linux
    (x.XT_DEPT_STAFF_SCORE, (42, 43), 5),
    (x.XT_DEPT_STAFF_SCORE, (33, 18), 0),
    (x.XT_DEPT_STAFF_SCORE, (3, 0), 0),             # staff but no quota: all points off (profile's ratio)
    (x.XT_DEPT_3PUBLIC_CHANGE_SCORE, (11.26, 13.42), 5),
    (x.XT_DEPT_3PUBLIC_CONTROL_SCORE, (11.26, 11.26), 6),
    (x.XT_DEPT_KEY_SPENDING_SCORE, (50, 100), 0),
    (x.XT_DEPT_ADJUST_SCORE, (2252.43, 1878.11), 1),
    (x.XT_DEPT_PAYMENT_SCORE, (1,), 2.5),
    (x.XT_DEPT_BALANCE_SCORE, (0,), 3),
    (x.XT_DEPT_PROCUREMENT_SCORE, (95, 100), 2),
    (x.XT_DEPT_CARD_SCORE, ("abc", 100), "#VALUE!"),
    (x.XT_DEPT_ASSET_SCORE, (90, 100), 2),
    (x.XT_DEPT_SATISFACTION_SCORE, ("98%",), 5),
    (x.XT_DEPT_SCORE, ("预算调整率", 0.1993), 1),
]


@pytest.mark.parametrize("udf,args,expected", WRAPPED)
def test_wrappers(udf, args, expected):
    result = udf(*args)
    assert result == (pytest.approx(expected) if isinstance(expected, (int, float)) else expected)
    assert type(result) in (float, str)


def test_every_rule_line_with_a_udf_is_a_function_with_its_standard_as_help():
    """The functions come from the profile's lines: name, arguments, help."""
    import inspect

    from xltools.profiles import load_profile

    profile = load_profile("hunan-dept", kind="department")
    named = {line.udf: line for line in profile.lines if line.udf}
    generated = {udf.__name__: udf for udf in x.UDFS if udf.__name__ != "XT_DEPT_SCORE"}
    assert set(generated) == set(named)
    for name, udf in generated.items():
        line = named[name]
        assert line.standard[:40] in udf.__doc__
        params = list(inspect.signature(udf).parameters)
        assert params == list(line.udf_args) or params[0] in line.formula


def test_readme_table_lists_exactly_the_generated_functions():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(=XT_DEPT_[A-Z0-9_]+\([^`]*\))` \| (.+?) \|$", readme, re.M)
    listed = {call: text for call, text in rows if not call.startswith("=XT_DEPT_SCORE(")}
    expected = {fn.call: f"{fn.line.indicator}得分" for fn in u.line_functions()}
    assert listed == expected
