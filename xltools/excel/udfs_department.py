"""UDFs for the department-level 评分表 rules, generated from the profile.

Add this module to the master's xlwings.conf: ``UDF Modules =
xltools.excel.udfs;xltools.excel.udfs_department``.  One function per rule line
of the default department profile (`hunan-dept`) that names a `udf`: its name,
arguments and help (the line's 评分标准, ≤ 255 characters) come from the line
(`xltools.department.udfs.line_functions`), so a profile that changes a rule
changes the function with it.  `XT_DEPT_SCORE` scores any rule line by name.
Impossible input gives an Excel error value, never a traceback in the cell.
"""
from __future__ import annotations

import inspect

import xlwings as xw

from ..department import udfs as dept
from .udfs import to_excel


def _make(fn: dept.LineFunction):
    key = fn.line.key

    def udf(*args):
        return to_excel(dept.line_score(key, *args))

    params = [inspect.Parameter(a, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                default=None if a in fn.optional else inspect.Parameter.empty)
              for a in fn.args]
    udf.__signature__ = inspect.Signature(params)
    udf.__name__ = udf.__qualname__ = fn.name
    udf.__doc__ = fn.help
    udf.__module__ = __name__
    return xw.func(udf)


@xw.func
def XT_DEPT_SCORE(indicator, value, profile=None):
    """按部门整体支出评分表规则给已算出的指标值打分。参数：三级指标名称（如“预算调整率”）、指标值（如19.93%）、[规则名，默认hunan-dept]。名称不认识或由评价人打分的指标：#N/A。"""
    return to_excel(dept.score_by_name(indicator, value, profile))


#: Every UDF of this module, for tests and the docs: one per rule line, then XT_DEPT_SCORE.
UDFS = tuple(_make(fn) for fn in dept.line_functions()) + (XT_DEPT_SCORE,)
globals().update({udf.__name__: udf for udf in UDFS})
