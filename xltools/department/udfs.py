"""Plain functions for the department rules, so a clerk can use them in their
own sheets (wrapped for Excel in `xltools.excel.udfs_department`).

Nothing here knows a rule: every function is generated from a line of the
department profile (`hunan-dept` unless told) — its name (`udf`), its arguments
(the formula's inputs in the order written, or `udf_args`), its help (the line's
own 评分标准) — and scores through the generic evaluator (`rules.score_line`).
Arguments arrive as Excel hands them over (number, text such as `　43`, `98%`,
`296.78万元`, or None); the result is a number or an Excel error value —
`#DIV/0!` for a zero denominator, `#VALUE!` for unreadable text, `#N/A` when an
input is empty or the indicator unknown — never an exception.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Optional, Union

from ..core.errors import ProfileError
from ..core.values import parse
from ..profiles import expr
from ..project.udfs import NA, VALUE, ExcelError
from ..profiles import DepartmentProfile, load_profile
from ..profiles.department import Line
from .rules import match_key, score_line

Result = Union[float, ExcelError]
#: Excel shows at most this many characters of a function's help.
HELP_LIMIT = 255


@dataclass(frozen=True)
class LineFunction:
    """A rule line as an Excel function: name, argument keys (required first,
    then optional), their Chinese labels, and the help text."""

    line: Line
    name: str
    args: tuple[str, ...]
    optional: tuple[str, ...]
    labels: tuple[str, ...]
    help: str

    @property
    def call(self) -> str:
        """How the README writes it: `=XT_DEPT_ADJUST_SCORE(全年预算数, 年初预算数)`."""
        return f"={self.name}({', '.join(self.labels)})"


@functools.lru_cache(maxsize=8)
def _profile(name: Optional[str]) -> DepartmentProfile:
    return load_profile(name, kind="department")


def line_functions(profile: Optional[str] = None) -> list[LineFunction]:
    """Every line of the profile that names a `udf`, as an Excel function."""
    prof = _profile(profile)
    return [_function(prof, line) for line in prof.lines if line.udf and not line.is_judgement]


def _function(prof: DepartmentProfile, line: Line) -> LineFunction:
    in_formula = expr.names_in_order(line.formula)
    args = tuple(line.udf_args) or tuple(in_formula)
    # Inputs only a band's condition uses (资金结余's 上年结转) may be left out.
    optional = tuple(a for a in args if a not in in_formula)
    labels = tuple(prof.input_label(a) + ("（可选）" if a in optional else "") for a in args)
    text = (f"{line.indicator}得分：{line.standard} 参数：{'、'.join(labels)}。"
            "分母为0：#DIV/0!；为空：#N/A；无法识别：#VALUE!。")
    if len(text) > HELP_LIMIT:
        text = text[: HELP_LIMIT - 1] + "…"
    return LineFunction(line, line.udf, args, optional, labels, text)


def _number(value: Any, kind: str) -> Union[float, ExcelError, None]:
    if isinstance(value, ExcelError):
        return value
    parsed = parse(value, money=kind == "money", rate=kind == "rate")
    if parsed.empty:
        return None
    if parsed.kind != "number" or parsed.number is None:
        return VALUE
    return parsed.number


def _env(prof: DepartmentProfile, line: Line, args: tuple[Any, ...]) -> Union[dict, ExcelError]:
    names = tuple(line.udf_args) or tuple(expr.names_in_order(line.formula))
    env: dict[str, Optional[float]] = {}
    for name, raw in zip(names, args):
        number = _number(raw, prof.inputs[name].kind if name in prof.inputs else "number")
        if isinstance(number, ExcelError):
            return number
        env[name] = number
    return env


def _scored(key: str, args: tuple[Any, ...], profile: Optional[str]):
    """Line `key` scored from its function's arguments, or the Excel error that stops it."""
    try:
        prof = _profile(profile)
        line = prof.line(key)
    except (ProfileError, KeyError):
        return NA
    env = _env(prof, line, args)
    if isinstance(env, ExcelError):
        return env
    return score_line(line, env, prof.score_decimals)


def line_score(key: str, *args: Any, profile: Optional[str] = None) -> Result:
    """The rule score of line `key` from its inputs, in its function's argument order."""
    scored = _scored(key, args, profile)
    return scored if isinstance(scored, ExcelError) else _result(scored)


def line_value(key: str, *args: Any, profile: Optional[str] = None) -> Result:
    """The value line `key`'s formula gives (a rate as a fraction)."""
    scored = _scored(key, args, profile)
    if isinstance(scored, ExcelError):
        return scored
    if scored.error:
        return ExcelError(scored.error)
    return NA if scored.value is None else scored.value


def score_by_name(indicator: Any, value: Any, profile: Optional[str] = None) -> Result:
    """The rule score of the indicator named `indicator` (as the 评分表 writes it)
    for a value already worked out (`98%`, 0.1993, 2)."""
    try:
        prof = _profile(profile)
    except ProfileError:
        return NA
    line = find_line(prof, indicator)
    if line is None or line.is_judgement:
        return NA
    number = _number(value, "rate" if line.value_kind == "rate" else "number")
    if isinstance(number, ExcelError):
        return number
    if number is None:
        return NA
    return _result(score_line(line, {}, prof.score_decimals, value=number))


def find_line(profile: DepartmentProfile, indicator: Any) -> Optional[Line]:
    key = match_key(indicator)
    for line in profile.lines:
        if key in {match_key(n) for n in line.names} or key == line.key:
            return line
    return None


def _result(scored) -> Result:
    if scored.error:
        return ExcelError(scored.error) if scored.error in ExcelError.CODES else VALUE
    if scored.missing or scored.score is None:
        return NA
    return scored.score
