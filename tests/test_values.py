"""Reading what clerks type (DOMAIN.md §4): table-driven on the seeds' own values,
and property tests that any number written any way parses back to itself."""
from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xltools.core.values import amount, parse, parse_strict, rate, round_half_up

# text as typed in the seeds          kind      number      unit    comparator  problem?
CASES = [
    ("296.78万元",                     "number", 296.78,     "万元", None,  False),
    ("296.78\n万元",                   "number", 296.78,     "万元", None,  False),
    ("794500元",                       "number", 79.45,      "万元", None,  False),
    ("\u3000160",                      "number", 160.0,      "",     None,  False),
    ("84%",                            "number", 0.84,       "%",    None,  False),
    ("99.99%",                         "number", 0.9999,     "%",    None,  False),
    ("—",                              "empty",  None,       "",     None,  False),
    ("——",                             "empty",  None,       "",     None,  False),
    ("",                               "empty",  None,       "",     None,  False),
    ("\u3000",                         "empty",  None,       "",     None,  False),
    (">99%",                           "number", 0.99,       "%",    ">",   False),
    ("≥90%",                           "number", 0.9,        "%",    ">=",  False),
    ("≤270.91",                        "number", 270.91,     "",     "<=",  False),
    ("<1%",                            "number", 0.01,       "%",    "<",   False),
    ("＜10%",                          "number", 0.1,        "%",    "<",   False),
    ("<!%",                            "text",   None,       "",     "<",   True),
    ("2.26万平方",                     "number", 2.26,       "万平方", None, False),
    ("56774件",                        "number", 56774.0,    "件",   None,  False),
    ("12月31日前完成",                 "text",   None,       "",     None,  False),
    ("2..23亿元",                      "text",   None,       "",     None,  True),
    ("满意度超90%",                    "text",   0.9,        "%",    ">",   False),
    ("完成",                           "text",   None,       "",     None,  False),
    ("95%以上",                        "number", 0.95,       "%",    ">=",  False),
    ("控制在113.5万元",                "number", 113.5,      "万元", "<=",  False),
    ("不低于95%",                      "number", 0.95,       "%",    ">=",  False),
    ("不高于5天",                      "number", 5.0,        "天",   "<=",  False),
    ("10%以下",                        "number", 0.1,        "%",    "<=",  False),
    ("≤19.8万元",                      "number", 19.8,       "万元", "<=",  False),
    ("400-600元",                      "text",   None,       "",     None,  False),
    ("1,234.5万元",                    "number", 1234.5,     "万元", None,  False),
    ("1.19亿元",                       "number", 11900.0,    "万元", None,  False),
    ("　\n100",                        "number", 100.0,      "",     None,  False),
]


@pytest.mark.parametrize("text,kind,number,unit,comparator,problem", CASES)
def test_clerk_values(text, kind, number, unit, comparator, problem):
    p = parse(text)
    assert p.kind == kind
    assert p.text == text  # the original is kept
    if number is None:
        assert p.number is None
    else:
        assert p.number == pytest.approx(number)
    assert p.unit == unit
    assert p.comparator == comparator
    assert bool(p.problem) == problem


# cell content            reader           number
MONEY_AND_RATES = [
    (65.61,                amount,          65.61),
    ("65.61万元",          amount,          65.61),
    ("794500元",           amount,          79.45),
    (0.9742,               rate,            0.9742),
    (97.42,                rate,            0.9742),
    ("89.56%",             rate,            0.8956),
    (1,                    rate,            1.0),
]


@pytest.mark.parametrize("cell,reader,number", MONEY_AND_RATES)
def test_money_in_wanyuan_and_rates_as_fractions(cell, reader, number):
    assert reader(cell).number == pytest.approx(number)
    assert reader(cell).unit == ("万元" if reader is amount else "%" if reader(cell).percent else "")


def test_unreadable_is_never_zero():
    for text in ("<!%", "2..23亿元", "1.2.3万元"):
        p = parse(text)
        assert p.number is None and p.problem, text


def test_precision_is_kept():
    assert parse("9.9").decimals == 1
    assert parse(95.0).decimals == 0
    assert parse("89.56%").decimals == 4  # as a fraction: 0.8956
    assert parse("794500元").decimals == 4  # 元 is 0.0001 万元


# ---------------------------------------------------------------- properties
UNITS = {"": 1.0, "万元": 1.0, "元": 1e-4, "亿元": 1e4, "%": 0.01, "件": 1.0, "个": 1.0, "次": 1.0}
PREFIXES = {"": None, "≥": ">=", "≤": "<=", ">": ">", "<": "<", "=": "=", ">=": ">=", "<=": "<=",
            "不低于": ">=", "不高于": "<=", "控制在": "<=", "＜": "<", "＞": ">", "≧": ">=", "≦": "<="}
SUFFIXES = {"": None, "以上": ">=", "以下": "<=", "及以上": ">=", "以内": "<="}
SPACES = st.sampled_from(["", " ", "\u3000", "\n", "\u00a0", "  "])


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(
    number=st.decimals(min_value=0, max_value=10**9, places=4,
                       allow_nan=False, allow_infinity=False),
    decimals=st.integers(min_value=0, max_value=4),
    unit=st.sampled_from(sorted(UNITS)),
    prefix=st.sampled_from(sorted(PREFIXES)),
    suffix=st.sampled_from(sorted(SUFFIXES)),
    s1=SPACES, s2=SPACES, s3=SPACES, s4=SPACES,
    fullwidth=st.booleans(),
)
def test_any_written_number_parses_back(number, decimals, unit, prefix, suffix, s1, s2, s3, s4, fullwidth):
    written = f"{float(number):.{decimals}f}"
    if fullwidth:
        written = written.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    text = f"{s1}{prefix}{s2}{written}{s3}{unit}{suffix}{s4}"
    p = parse_strict(text)
    assert p.kind == "number", text
    expected = float(f"{float(number):.{decimals}f}") * UNITS[unit]
    assert math.isclose(p.number, expected, rel_tol=1e-9, abs_tol=1e-12), (text, p)
    assert p.comparator == (PREFIXES[prefix] or SUFFIXES[suffix]), text
    assert p.text == text


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(), st.booleans()))
def test_no_input_raises(value):
    """parse_strict: a crash inside parsing fails here (parse itself would hide it)."""
    for kw in ({}, {"money": True}, {"rate": True}):
        p = parse_strict(value, **kw)
        assert p == parse(value, **kw)
        assert p.kind in ("empty", "number", "text")
        if p.kind == "number":
            assert p.number is not None and math.isfinite(p.number)


# Every field of what a cell is read as.  Each is a value seen in a seed form or one
# written the same way in the provincial forms of DOMAIN §8.
# cell            reader kw          kind      number    unit    cmp    percent decimals orig    problem embedded
PARSED = [
    (9.9,           {},                "number", 9.9,      "",     None,  False,  1,       "",     False, False),
    (95.0,          {},                "number", 95.0,     "",     None,  False,  0,       "",     False, False),
    (1e-05,         {},                "number", 1e-05,    "",     None,  False,  5,       "",     False, False),
    (0.9742,        {"rate": True},    "number", 0.9742,   "",     None,  False,  4,       "",     False, False),
    (97.42,         {"rate": True},    "number", 0.9742,   "%",    None,  True,   4,       "",     False, False),
    (1.5,           {"rate": True},    "number", 1.5,      "",     None,  False,  1,       "",     False, False),
    (1.51,          {"rate": True},    "number", 0.0151,   "%",    None,  True,   4,       "",     False, False),
    ("97.42",       {"rate": True},    "number", 0.9742,   "%",    None,  True,   4,       "",     False, False),
    ("1.5",         {"rate": True},    "number", 1.5,      "",     None,  False,  1,       "",     False, False),
    (True,          {},                "text",   None,     "",     None,  False,  None,    "",     False, False),
    (date(2022, 12, 31), {},           "text",   None,     "",     None,  False,  None,    "",     False, False),
    (float("nan"),  {},                "text",   None,     "",     None,  False,  None,    "",     True,  False),
    (160,           {"money": True},   "number", 160.0,    "万元", None,  False,  0,       "",     False, False),
    ("160",         {"money": True},   "number", 160.0,    "万元", None,  False,  0,       "",     False, False),
    ("3‰",          {},                "number", 0.003,    "%",    None,  True,   3,       "",     False, False),
    ("≈100万元",    {},                "number", 100.0,    "万元", "=",   False,  0,       "万元", False, False),
    ("=>95%",       {},                "number", 0.95,     "%",    ">=",  True,   2,       "",     False, False),
    ("=<5%",        {},                "number", 0.05,     "%",    "<=",  True,   2,       "",     False, False),
    ("不少于10个",  {},                "number", 10.0,     "个",   ">=",  False,  0,       "",     False, False),
    ("5天以内",     {},                "number", 5.0,      "天",   "<=",  False,  0,       "",     False, False),
    ("100或以上",   {},                "number", 100.0,    "",     ">=",  False,  0,       "",     False, False),
    ("5%或以下",    {},                "number", 0.05,     "%",    "<=",  True,   2,       "",     False, False),
    ("300左右",     {},                "number", 300.0,    "",     None,  False,  0,       "",     False, False),
    ("2千元",       {},                "number", 0.2,      "万元", None,  False,  1,       "千元", False, False),
    ("1.5百万元",   {},                "number", 150.0,    "万元", None,  False,  1,       "百万元", False, False),
    ("12,345元",    {},                "number", 1.2345,   "万元", None,  False,  4,       "元",   False, False),
    (".5",          {},                "number", 0.5,      "",     None,  False,  1,       "",     False, False),
    ("520㎡",       {},                "number", 520.0,    "平方米", None, False, 0,       "",     False, False),
    ("满意度达到95%以上", {},          "text",   0.95,     "%",    ">=",  True,   2,       "",     False, True),
    ("节约资金12万元", {},             "text",   12.0,     "万元", None,  False,  0,       "万元", False, True),
    ("完成 3 项",   {},                "text",   None,     "",     None,  False,  None,    "",     False, False),
    ("10～20",      {},                "text",   None,     "",     None,  False,  None,    "",     False, False),
    ("!%",          {},                "text",   None,     "",     None,  False,  None,    "",     True,  False),
    ("９５％",      {},                "number", 0.95,     "%",    None,  True,   2,       "",     False, False),
    ("大于等于90%", {},                "number", 0.9,      "%",    ">=",  True,   2,       "",     False, False),
    ("小于或等于5%", {},               "number", 0.05,     "%",    "<=",  True,   2,       "",     False, False),
    ("超过90%",     {},                "number", 0.9,      "%",    ">",   True,   2,       "",     False, False),
    ("低于1%",      {},                "number", 0.01,     "%",    "<",   True,   2,       "",     False, False),
    ("至少3次",     {},                "number", 3.0,      "次",   ">=",  False,  0,       "",     False, False),
    ("控制在100万元以内", {},          "number", 100.0,    "万元", "<=",  False,  0,       "万元", False, False),
    ("…",           {},                "empty",  None,     "",     None,  False,  None,    "",     False, False),
    ("/",           {},                "empty",  None,     "",     None,  False,  None,    "",     False, False),
    ("12.",         {},                "text",   None,     "",     None,  False,  None,    "",     True,  False),
    ("1,23",        {},                "text",   None,     "",     None,  False,  None,    "",     True,  False),
    ("投诉处理3件以内", {},            "text",   3.0,      "件",   "<=",  False,  0,       "",     False, True),
    ("群众满意度90以上", {},           "text",   90.0,     "",     ">=",  False,  0,       "",     False, True),
    ("完成投资1,200万元以上", {},      "text",   1200.0,   "万元", ">=",  False,  0,       "万元", False, True),
    ("10000000000000元", {"money": True}, "text", None,    "",     None,  False,  None,    "",     True,  False),
    ("2",           {"rate": True},    "number", 0.02,     "%",    None,  True,   2,       "",     False, False),
    ("#REF!",       {},                "text",   None,     "",     None,  False,  None,    "",     True,  False),
]


@pytest.mark.parametrize("cell,kw,kind,number,unit,cmp,percent,decimals,orig,problem,embedded", PARSED)
def test_every_field_read(cell, kw, kind, number, unit, cmp, percent, decimals, orig, problem, embedded):
    p = parse_strict(cell, **kw)
    if isinstance(cell, (str, date)):
        assert p.text == (cell if isinstance(cell, str) else cell.isoformat())  # the original is kept
    assert (p.kind, p.unit, p.comparator, p.percent, p.decimals, p.original_unit, bool(p.problem), p.embedded) == \
        (kind, unit, cmp, percent, decimals, orig, problem, embedded)
    assert p.number == (None if number is None else pytest.approx(number))
    assert p.converted == (bool(orig) and orig != unit)
    assert p.is_number == (kind == "number") and p.empty == (kind == "empty")


# number     decimals  written        (clerks round half up: 9.905 → 9.91)
FORMATTED = [
    (9.905,      2,        "9.91"),
    (9.9,        2,        "9.9"),
    (100,        2,        "100"),
    (-0.001,     2,        "0"),
    (2.5,        0,        "3"),
    (1.23456,    4,        "1.2346"),
    (None,       2,        "—"),
]


@pytest.mark.parametrize("number,decimals,written", FORMATTED)
def test_numbers_written_as_a_clerk_writes_them(number, decimals, written):
    from xltools.core.values import format_number

    assert format_number(number, decimals) == written


def test_percents_written():
    from xltools.core.values import format_percent

    assert (format_percent(0.89566), format_percent(1, 0), format_percent(None)) == ("89.57%", "100%", "—")


def test_a_crash_inside_parsing_is_seen_by_tests_not_by_the_clerk(monkeypatch):
    """parse() keeps the clerk's check going (the value reads as unreadable text);
    parse_strict() lets a test see the crash."""
    from xltools.core import values

    def boom(text):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(values, "_strip_comparators", boom)
    with pytest.raises(ZeroDivisionError):
        parse_strict("≥90%（崩溃测试）")
    p = parse("≥91%（崩溃测试）")
    assert (p.kind, p.problem) == ("text", "无法识别：boom")


def test_huge_and_infinite_numbers_are_written_without_rounding():
    from xltools.core.values import format_number

    assert format_number(1e308) == f"{1e308:.0f}" and format_number(float("inf")) == "inf"
    assert round_half_up(1e308, 2) == 1e308 and round_half_up(2.675, 2) == 2.68


# a number no form holds: refused with the reason, its text kept (cut at 40 characters)
OUT_OF_RANGE = [
    (1e26,           "100000000000000004764729344",        "数值超出合理范围"),
    (10 ** 400,      "1" + "0" * 39,                        "数值超出合理范围"),
    ("10000000000000", "10000000000000",                    "数值超出合理范围"),
    (float("inf"),   "inf",                                 "不是有效数字"),
    ("#DIV/0!",      "#DIV/0!",                             "公式出错（#DIV/0!）"),
]


@pytest.mark.parametrize("cell,text,problem", OUT_OF_RANGE)
def test_out_of_range_keeps_its_text_and_reason(cell, text, problem):
    p = parse_strict(cell, money=True)  # parse's cache may hold it already
    assert (p.text, p.kind, p.number, p.problem) == (text, "text", None, problem)
    assert parse(cell, money=True) == p


def test_cells_of_other_types_are_read_by_parse_too():
    """Dates, times and Decimals (what a .ods or .xls reader may hand over) skip the
    cache but are read the same way."""
    from decimal import Decimal

    assert parse(date(2022, 12, 31)) == parse_strict(date(2022, 12, 31))
    assert (parse(date(2022, 12, 31)).text, parse(date(2022, 12, 31)).kind) == ("2022-12-31", "text")
    assert (parse(Decimal("239.80"), money=True).number, parse(Decimal("239.80"), money=True).unit) == (239.8, "万元")


def test_a_crash_inside_parsing_is_a_problem_not_an_exception(monkeypatch):
    """parse never stops a check: an unexpected failure becomes the cell's problem
    (the clerk sees value_unreadable with it)."""
    import xltools.core.values as values

    def crash(value, *, money, rate):
        raise ValueError("格式异常")

    monkeypatch.setattr(values, "_parse", crash)
    p = parse(date(2022, 12, 31))
    assert (p.text, p.kind, p.number, p.problem) == ("2022-12-31", "text", None, "无法识别：格式异常")


@pytest.mark.parametrize("x, decimals, rounded", [
    (9.905, 2, 9.91),                   # half up, as a clerk rounds
    (2.5, 0, 3.0),
    (5e-324, 324, 0.0),                 # a denormal typed into a score cell: its shortest form has 324 decimals
    (1e14 + 0.5, 30, 1e14 + 0.5),       # past the default 28-digit context: nothing to round
    (-0.125, 2, -0.13),
])
def test_round_half_up_never_raises(x, decimals, rounded):
    assert round_half_up(x, decimals) == rounded


def test_a_denormal_score_agrees_with_itself():
    from xltools.project.scoring import agrees

    assert agrees(5e-324, 324, 5e-324, 5e-324)
    assert agrees(84, 0, 83.61, 83.61) and not agrees(99, 0, 100, 100)
