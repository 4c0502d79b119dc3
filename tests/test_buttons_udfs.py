"""The UDFs of the master: plain functions on seed values, impossible input an
Excel error value (never an exception), Chinese help within Excel's 255
characters, and the error value turned into a CVErr variant on Windows."""
from __future__ import annotations

import pytest

from xltools.project import udfs as u
from xltools.excel import udfs
from xltools.project.udfs import DIV0, NA, VALUE, ExcelError

# function               arguments                                      expected
CASES = [
    (u.execution_rate,   (214.78, 239.8),                               0.8957),
    (u.execution_rate,   ("214.78万元", "239.8万元"),                    0.8957),
    (u.execution_rate,   ("794500元", 80),                              0.9931),
    (u.execution_rate,   (10, 0),                                       DIV0),
    (u.execution_rate,   (10, None),                                    DIV0),
    (u.execution_rate,   (10, "—"),                                     DIV0),
    (u.execution_rate,   ("2..23亿元", 5),                              VALUE),
    (u.execution_rate,   (10, -5),                                      VALUE),
    (u.execution_rate,   (None, 100),                                   NA),
    (u.budget_score,     (10, 214.78, 239.8),                           8.9566),
    (u.budget_score,     (10, 250, 239.8),                              10.0),
    (u.budget_score,     (10, 99.86, 100),                              9.986),
    (u.budget_score,     (10, 5, 0),                                    DIV0),
    (u.budget_score,     ("十", 5, 10),                                 VALUE),
    (u.budget_score,     (None, 5, 10),                                 NA),
    (u.indicator_score,  ("≥5000件", "5600件", 20, "办件数量"),          20.0),
    (u.indicator_score,  ("≤1%", "2%", 15, "差错率", "质量指标"),        7.5),
    (u.indicator_score,  ("≥90%", "95%", 10, "服务对象满意度"),          10.0),
    (u.indicator_score,  ("≥90%", "", 10, "服务对象满意度"),             NA),
    (u.indicator_score,  ("≥90%", "95%", None),                         NA),
    (u.grade,            (95.9,),                                       "优"),
    (u.grade,            (85,),                                         "良"),
    (u.grade,            (60,),                                         "中"),
    (u.grade,            (59.99,),                                      "差"),
    (u.grade,            (None,),                                       NA),
    (u.grade,            ("<!%",),                                      VALUE),
    (u.read_amount,      ("296.78万元",),                               296.78),
    (u.read_amount,      ("296.78\n万元",),                             296.78),
    (u.read_amount,      ("794500元",),                                 79.45),
    (u.read_amount,      ("\u3000160",),                                160.0),
    (u.read_amount,      ("2..23亿元",),                                VALUE),
    (u.read_amount,      ("完成",),                                     VALUE),
    (u.read_amount,      ("",),                                         NA),
    (u.read_target,      ("≥90%",),                                     0.9),
    (u.read_target,      ("56774件",),                                  56774.0),
    (u.read_target,      ("满意度超90%",),                              0.9),
    (u.read_target,      ("<!%",),                                      VALUE),
    (u.read_target,      ("完成",),                                     VALUE),
    (u.read_target,      (None,),                                       NA),
]


@pytest.mark.parametrize("func,args,expected", CASES)
def test_plain_functions(func, args, expected):
    result = func(*args)
    if isinstance(expected, ExcelError):
        assert isinstance(result, ExcelError) and result == expected
    elif isinstance(expected, float):
        assert result == pytest.approx(expected, abs=5e-5)
    else:
        assert result == expected


JUNK = [None, "", "—", "<!%", "2..23亿元", "完成", float("nan"), True, 0, -1, "0", " ", "∞"]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_never_raises(junk):
    for func in (u.execution_rate, u.budget_score, u.indicator_score):
        func(*([junk] * (3 if func is not u.execution_rate else 2)))
    for func in (u.grade, u.read_amount, u.read_target):
        func(junk)


@pytest.mark.parametrize("udf", udfs.UDFS, ids=lambda f: f.__name__)
def test_udf_help_is_chinese_and_short(udf):
    doc = udf.__doc__
    assert doc and len(doc) <= 255
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc)
    assert udf.__name__.isascii()  # xlwings writes a VBA wrapper of this name


# UDF                       arguments                    on Linux (error text)
UDF_CASES = [
    (udfs.XT_RATE,            (214.78, 239.8),             pytest.approx(0.8956630525)),
    (udfs.XT_RATE,            (1, 0),                      "#DIV/0!"),
    (udfs.XT_BUDGET_SCORE,    (10, 214.78, 239.8),         pytest.approx(8.956630525)),
    (udfs.XT_INDICATOR_SCORE, ("≤1%", "2%", 15, "差错率"), pytest.approx(7.5)),
    (udfs.XT_GRADE,           (85,),                       "良"),
    (udfs.XT_AMOUNT,          ("2..23亿元",),              "#VALUE!"),
    (udfs.XT_TARGET,          ("≥90%",),                   pytest.approx(0.9)),
]


@pytest.mark.parametrize("udf,args,expected", UDF_CASES)
def test_udfs_without_com_give_error_text(udf, args, expected):
    result = udf(*args)
    assert result == expected
    assert type(result) in (float, str)  # plain values, not our marker class


class _PythonCom:
    VT_ERROR = 10


class _Variant:
    def __init__(self, vartype, value):
        self.varianttype, self.value = vartype, value


# error       CVErr HRESULT Excel reads back (xlwings' own table in _xlwindows.py)
CVERR = [
    (DIV0,        -2146826281),
    (VALUE,       -2146826273),
    (NA,          -2146826246),
]


@pytest.mark.parametrize("error,hresult", CVERR)
def test_error_becomes_a_cverr_variant_on_windows(error, hresult):
    v = udfs.to_excel(error, com=(_PythonCom, _Variant))
    assert (v.varianttype, v.value) == (_PythonCom.VT_ERROR, hresult)
    assert udfs.to_excel(0.5, com=(_PythonCom, _Variant)) == 0.5
