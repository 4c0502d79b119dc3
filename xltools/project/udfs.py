"""The plain functions behind the master's UDFs (`xltools.excel.udfs`).

Arguments arrive as Excel hands them over (float, str, bool or None); results
are numbers, texts, or an `ExcelError` — never an exception.  Impossible input
gives the error Excel itself would show: `#DIV/0!` for a zero or missing
budget, `#VALUE!` for text that cannot be read as a number, `#N/A` when the
rule cannot say.  The scoring itself is the engine's (`xltools.project.scoring`,
`xltools.core.values`), with the rules of a profile (national by default).
"""
from __future__ import annotations

import functools
from typing import Any, Optional, Union

from . import scoring
from ..core.labels import LEVEL1_OF, canonical_level2, normalize_label
from ..core.model import Indicator, Value, Where
from ..profiles import Profile, load_profile
from ..core.values import Parsed, amount, parse


class ExcelError(str):
    """An Excel error value ("#DIV/0!", "#VALUE!", "#N/A", "#NUM!")."""

    #: XlCVError numbers (Excel's CVErr codes).
    CODES = {"#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023,
             "#NAME?": 2029, "#NUM!": 2036, "#N/A": 2042}

    @property
    def code(self) -> int:
        return self.CODES[str(self)]


DIV0 = ExcelError("#DIV/0!")
VALUE = ExcelError("#VALUE!")
NA = ExcelError("#N/A")
NUM = ExcelError("#NUM!")

Result = Union[float, str, ExcelError]


@functools.lru_cache(maxsize=8)
def _profile(name: Optional[str]) -> Profile:
    return load_profile(name or None)


def _number(value: Any, reader=amount) -> Union[float, ExcelError, None]:
    """A number from a cell; None for an empty cell; #VALUE! for unreadable text."""
    if isinstance(value, ExcelError):
        return value
    parsed = reader(value)
    if parsed.empty:
        return None
    if parsed.number is None or parsed.kind != "number":
        return VALUE
    return parsed.number


def execution_rate(spent: Any, full_year: Any) -> Result:
    """执行率 = 全年执行数 ÷ 全年预算数 (fraction)."""
    s, f = _number(spent), _number(full_year)
    for x in (s, f):
        if isinstance(x, ExcelError):
            return x
    if f is None or f == 0:
        return DIV0
    if f < 0:
        return VALUE
    if s is None:
        return NA
    return scoring.execution_rate(s, f)


def budget_score(weight: Any, spent: Any, full_year: Any, profile: Optional[str] = None) -> Result:
    """预算执行率得分 = 分值 × min(执行率, 上限)."""
    w = _number(weight, parse)
    if isinstance(w, ExcelError):
        return w
    r = execution_rate(spent, full_year)
    if isinstance(r, ExcelError):
        return r
    if w is None:
        return NA
    return scoring.budget_score(w, r, _profile(profile))


def indicator_score(target: Any, actual: Any, weight: Any, name: Any = None,
                    level2: Any = None, profile: Optional[str] = None) -> Result:
    """An indicator's score by the profile's rule (the engine's suggestion)."""
    w = _number(weight, parse)
    if isinstance(w, ExcelError):
        return w
    if w is None:
        return NA
    level2_name = canonical_level2(level2) or normalize_label(level2)
    ind = Indicator(
        row=0, level1=LEVEL1_OF.get(level2_name, ""), level2=level2_name,
        name=_value(name), target=_value(target), actual=_value(actual),
        weight=_value(weight), score=_value(None), deviation_note=_value(None))
    result = scoring.score_indicator(ind, _profile(profile))
    return NA if result.score is None else result.score


def grade(total: Any, profile: Optional[str] = None) -> Result:
    """等次 of a total score (优/良/中/差 nationally)."""
    t = _number(total, parse)
    if isinstance(t, ExcelError):
        return t
    if t is None:
        return NA
    return scoring.grade(t, _profile(profile)) or NA


def read_amount(text: Any) -> Result:
    """A money figure as typed (296.78万元, 794500元, 　160) in 万元."""
    n = _number(text, amount)
    return NA if n is None else n


def read_target(text: Any) -> Result:
    """The number inside a target or actual (≥90% → 0.9, 5600件 → 5600,
    满意度超90% → 0.9)."""
    if isinstance(text, ExcelError):
        return text
    parsed: Parsed = parse(text)
    if parsed.empty:
        return NA
    if parsed.number is None or parsed.problem:
        return VALUE
    return parsed.number


def _value(raw: Any) -> Value:
    return Value(raw, parse(raw), Where())

