"""UDFs of the master (xlwings.conf: ``UDF Modules = xltools.excel.udfs``).

Each is a thin wrapper over `xltools.project.udfs`; the docstring is the help Excel
shows in the function wizard (Chinese, at most 255 characters).  Impossible
input gives an Excel error value, never a Python traceback in the cell.
"""
from __future__ import annotations

from typing import Any

import xlwings as xw

from ..project import udfs as udfcore
from ..project.udfs import ExcelError

#: 0x800A0000: the HRESULT facility Excel's CVErr values live in.
_CVERR_BASE = -2146828288


def to_excel(value: Any, com=None) -> Any:
    """Turn an `ExcelError` into what Excel shows as that error: on Windows a
    VT_ERROR variant (CVErr), elsewhere its text ("#DIV/0!").  `com` is
    (pythoncom, VARIANT) and is looked up when not given."""
    if not isinstance(value, ExcelError):
        return value
    if com is None:
        try:
            import pythoncom  # type: ignore
            from win32com.client import VARIANT  # type: ignore
        except ImportError:
            return str(value)
        com = (pythoncom, VARIANT)
    pythoncom, variant = com
    return variant(pythoncom.VT_ERROR, _CVERR_BASE + value.code)


@xw.func
def XT_RATE(spent, full_year):
    """执行率＝全年执行数÷全年预算数（小数，设为百分比格式显示）。金额可带单位（万元、元）。全年预算数为0或空：#DIV/0!；文字无法识别为数字：#VALUE!。"""
    return to_excel(udfcore.execution_rate(spent, full_year))


@xw.func
def XT_BUDGET_SCORE(weight, spent, full_year):
    """预算执行率得分＝分值×min(执行率,100%)。参数：分值、全年执行数、全年预算数。全年预算数为0或空：#DIV/0!；无法识别：#VALUE!。"""
    return to_excel(udfcore.budget_score(weight, spent, full_year))


@xw.func
def XT_INDICATOR_SCORE(target, actual, weight, name=None, level2=None):
    """按规则计算三级指标得分（建议值）：定量指标达标得满分，未达标按实际/目标（反向指标按目标/实际）折算；满意度按分档；定性指标给档位上限。参数：年度指标值、实际完成值、分值、[三级指标名称]、[二级指标]。无法判断：#N/A。"""
    return to_excel(udfcore.indicator_score(target, actual, weight, name, level2))


@xw.func
def XT_GRADE(total):
    """评价等次：总分≥90为优，80–90为良，60–80为中，60以下为差。总分为空：#N/A；无法识别：#VALUE!。"""
    return to_excel(udfcore.grade(total))


@xw.func
def XT_AMOUNT(text):
    """把填写的金额读成万元数：“296.78万元”→296.78，“794500元”→79.45，全角空格可忽略。为空：#N/A；无法识别（如“2..23亿元”）：#VALUE!。"""
    return to_excel(udfcore.read_amount(text))


@xw.func
def XT_TARGET(text):
    """读出指标值中的数字：“≥90%”→0.9，“5600件”→5600，“满意度超90%”→0.9。为空：#N/A；无法识别（如“<!%”）：#VALUE!。"""
    return to_excel(udfcore.read_target(text))


#: Every UDF of this module, for tests and the docs.
UDFS = (XT_RATE, XT_BUDGET_SCORE, XT_INDICATOR_SCORE, XT_GRADE, XT_AMOUNT, XT_TARGET)
