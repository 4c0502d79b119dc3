"""The one generic evaluator of the department rules: `score_line` scores any
line of a department profile (`profiles.department`) from its input figures,
and says how (a Chinese sentence) or what is missing.  `match_key` is how the
评分表's indicator names are compared with the profile's."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ..core.values import format_number, format_percent, normalize_text
from ..profiles import expr
from ..profiles.department import Line


@dataclass
class LineScore:
    """What the rule makes of one line: the computed value, the score, which
    inputs were missing, and a Chinese sentence saying how."""

    line: Line
    value: Optional[float] = None
    score: Optional[float] = None
    missing: list[str] = field(default_factory=list)
    error: str = ""
    basis: str = ""


# ---------------------------------------------------------------- scoring


def score_line(line: Line, env: Mapping[str, Optional[float]], decimals: int = 2,
               value: Optional[float] = None) -> LineScore:
    """Score one line from the input figures in `env` (None = not in the data),
    or from its `value` when already known (then the formula is not used).

    Judgement lines get no score here (the clerk gives it).  Missing inputs are
    listed, never guessed; a zero denominator gives error "#DIV/0!"."""
    result = LineScore(line)
    if line.is_judgement:
        result.basis = "由评价人按评分标准酌情打分"
        return result
    if value is not None:
        result.value = float(value)
    else:
        try:
            result.value = float(expr.evaluate(line.formula, env))
        except expr.Missing as exc:
            result.missing = sorted(exc.names)
            return result
        except expr.EvalError as exc:
            result.error = exc.code
            result.basis = f"无法计算（{exc}）"
            return result
    value = result.value
    rule = line.rule
    shown = _show(value, line.value_kind)
    if rule.kind == "step":
        beyond = value - rule.bound if rule.direction == "above" else rule.bound - value
        beyond = round(beyond, 10)
        bound = _show(rule.bound, line.value_kind)
        if beyond <= 0:
            result.score = line.weight
            sign = "≤" if rule.direction == "above" else "≥"
            result.basis = f"{shown} {sign} {bound}，得满分 {format_number(line.weight)}"
        else:
            units = beyond / rule.unit
            units = {"ceil": math.ceil, "floor": math.floor}.get(rule.points, lambda u: u)(round(units, 9))
            deduction = rule.per * units
            score = max(0.0, line.weight - deduction)
            result.score = round(score, decimals)
            if line.value_kind != "rate":
                tail = "，扣完为止" if score == 0 else ""
                result.basis = (f"{shown} 个，每个扣 {format_number(rule.per)} 分，共扣 "
                                f"{format_number(deduction)} 分{tail}，得 {format_number(result.score)}")
                return result
            word = "超过" if rule.direction == "above" else "低于"
            unit_word = "个百分点" if math.isclose(rule.unit, 0.01) else "个单位"
            tail = "，扣完为止" if score == 0 else ""
            result.basis = (f"{shown}，{word} {bound} {format_number(units)} {unit_word}，"
                            f"扣 {format_number(deduction)} 分{tail}，得 {format_number(result.score)}")
        return result
    # bands
    band_env = dict(env)
    band_env["value"] = value
    for band in rule.bands:
        try:
            hit = band.when == "else" or bool(expr.evaluate(band.when, band_env))
        except expr.Missing as exc:
            result.missing = sorted(exc.names)
            result.basis = f"{shown}：判断“{band.when}”缺少数据"
            return result
        except expr.EvalError as exc:
            result.error = exc.code
            return result
        if hit:
            result.score = band.score
            result.basis = f"{shown}，符合“{_show_condition(band.when, line)}”，得 {format_number(band.score)}"
            return result
    result.score = rule.otherwise
    result.basis = f"{shown}，不符合各档条件，得 {format_number(rule.otherwise)}"
    return result


def _show(value: float, kind: str) -> str:
    return format_percent(value) if kind == "rate" else format_number(value)


def _show_condition(when: str, line: Line) -> str:
    if when == "else":
        return "其他"
    text = when
    if line.value_kind == "rate":  # numbers first: 且/或 would count as word characters after them
        text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])",
                      lambda m: format_percent(float(m.group(1))), text)
    text = text.replace("value", line.indicator).replace("<=", "≤").replace(">=", "≥")
    return text.replace("==", "=").replace(" and ", "且").replace(" or ", "或")


def match_key(text: Any) -> str:
    """How indicator names are compared: `财政供养人员\\n控制率` and `“三公经费”
    控制率` with or without quotes and line breaks match their profile names."""
    value = normalize_text(text)
    for ch in "“”\"'‘’「」『』《》()（）:：":
        value = value.replace(ch, "")
    return value
