"""Scoring by rule (DOMAIN.md §3), the numbers a profile says a form should show.

Plain functions on numbers and parsed values; the profile supplies every weight,
band and tier.  The clerk's own score is never overwritten: `score_indicator`
returns the rule's suggestion to sit beside it.

Agreement of a stated figure with a computed one is judged at the stated
precision, allowing for the precision of the inputs themselves: 89.56 % agrees
with 214.78 ÷ 239.8 because the inputs, written to 0.01 万元, allow 89.56–89.57 %;
9.9 does not agree with 10 × 99.86 % (which rounds to 10.0 whatever the inputs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..core.labels import normalize_label
from ..core.model import Indicator
from ..profiles import Profile
from ..core.values import (GE, GT, LE, LT, Parsed, format_number, format_percent, normalize_text,
                           round_half_up)

_EPS = 1e-9


# ---------------------------------------------------------------- budget line
def execution_rate(spent: Optional[float], full_year: Optional[float]) -> Optional[float]:
    """执行率 = 全年执行数 ÷ 全年预算数; None when either is missing or the budget is not positive."""
    if spent is None or full_year is None or full_year <= 0:
        return None
    return spent / full_year


def budget_score(weight: Optional[float], rate: Optional[float], profile: Profile) -> Optional[float]:
    """预算执行率得分 = 分值 × min(执行率, cap)."""
    if weight is None or rate is None:
        return None
    return weight * min(max(rate, 0.0), profile.rate_cap)


def grade(total: Optional[float], profile: Profile) -> Optional[str]:
    """等次 for a total score: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (national)."""
    if total is None:
        return None
    for name, lower in profile.grades:
        if total >= lower - _EPS:
            return name
    return profile.grades[-1][0] if profile.grades else None


def input_interval(parsed: Parsed, min_decimals: int) -> tuple[float, float]:
    """The range a written number stands for: 22 written where money has two
    decimals stands for 21.995–22.005; 214.78 for 214.775–214.785."""
    assert parsed.number is not None
    decimals = max(parsed.decimals or 0, min_decimals)
    half = 0.5 * 10 ** (-decimals)
    return parsed.number - half, parsed.number + half


def rate_interval(spent: Parsed, full_year: Parsed, money_decimals: int) -> Optional[tuple[float, float]]:
    """执行率 range allowed by the inputs' precision."""
    if spent.number is None or full_year.number is None or full_year.number <= 0:
        return None
    s_lo, s_hi = input_interval(spent, money_decimals)
    f_lo, f_hi = input_interval(full_year, money_decimals)
    f_lo = max(f_lo, 1e-12)
    return max(s_lo, 0.0) / f_hi, s_hi / f_lo


def agrees(stated: float, decimals: int, lo: float, hi: float) -> bool:
    """True when `stated`, written to `decimals` places, is what some value in
    [lo, hi] rounds to: 84 % agrees with 83.61 %; 99 % does not with 100 %."""
    decimals = max(0, decimals)
    if decimals > 40:  # a denormal such as 5e-324 written out: compare at 40 places
        decimals, stated = 40, round_half_up(stated, 40)
    tol = 0.5 * 10 ** (-decimals) * 1e-6
    return round_half_up(lo, decimals) - tol <= stated <= round_half_up(hi, decimals) + tol


# ---------------------------------------------------------------- indicators
@dataclass(frozen=True)
class RuleScore:
    """The rule's view of an indicator: the suggested score (None when the rule
    cannot say), how it was reached (Chinese), and the kind of rule applied:
    quantitative / band / qualitative / none.  For qualitative indicators the
    clerk picks inside a tier: `low`..`high` is that tier's range."""

    score: Optional[float]
    basis: str
    kind: str
    low: Optional[float] = None
    high: Optional[float] = None
    met: Optional[bool] = None
    #: 指标偏离 (platform rule): how far the actual is beyond its target (0.5 = 50 %).
    deviation: Optional[float] = None


def score_indicator(ind: Indicator, profile: Profile) -> RuleScore:
    """The rule-suggested score of one indicator (DOMAIN.md §3)."""
    weight = ind.weight.number
    if weight is None or ind.weight.parsed.kind != "number":
        return RuleScore(None, "没有分值，无法按规则计分", "none")
    target, actual = ind.target.parsed, ind.actual.parsed
    if actual.empty:
        return RuleScore(None, "没有实际完成值，无法按规则计分", "none")

    if target.empty:
        return RuleScore(None, "没有年度指标值，无法按规则计分", "none")
    band = _band_for(ind, profile)
    fraction = _as_fraction(actual)
    if band is not None and fraction is not None:
        share = band.share(fraction)
        return RuleScore(weight * share, f"按“{band.name}”分档：实际 {_fmt(actual)} 得分值的 {share:.0%}",
                         "band", weight * share, weight * share, share >= 1.0)

    quantitative = _quantitative(ind, target, actual, weight, profile)
    if quantitative is not None:
        return quantitative
    return _qualitative(ind, target, actual, weight, profile)


def _band_for(ind: Indicator, profile: Profile):
    name = normalize_text(ind.name.text)
    for band in profile.bands:
        if ind.level2 in band.level2 or any(k in name for k in band.keywords):
            return band
    return None


def _as_fraction(parsed: Parsed) -> Optional[float]:
    """A rate as a fraction: 98% → 0.98; a bare 98 or 0.98 (no unit) → 0.98."""
    if parsed.number is None or parsed.problem:
        return None
    if parsed.percent:
        return parsed.number
    if parsed.unit:
        return None
    return parsed.number / 100.0 if parsed.number > 1.5 else parsed.number


def _comparable(target: Parsed, actual: Parsed) -> Optional[tuple[float, float]]:
    """Both numbers on one scale, or None when they cannot be compared."""
    if target.number is None or actual.number is None:
        return None
    if target.problem or actual.problem:
        return None
    t, a = target.number, actual.number
    if target.percent != actual.percent:
        # 98 or 0.98 written against a target of 95% (and the other way round)
        t, a = _as_fraction(target), _as_fraction(actual)
        if t is None or a is None:
            return None
    elif target.unit and actual.unit and _base_unit(target.unit) != _base_unit(actual.unit):
        return None
    return t, a


def _base_unit(unit: str) -> str:
    unit = unit.replace("平方米", "平方").replace("平米", "平方")  # ㎡ is read as 平方米
    return unit


def _is_negative(ind: Indicator, target: Parsed, profile: Profile) -> bool:
    if target.comparator in (LE, LT):
        return True
    if target.comparator in (GE, GT):
        return False
    if ind.level2 in profile.negative_level2:
        return True
    name = normalize_text(ind.name.text)
    return any(k in name for k in profile.negative_keywords)


def _quantitative(ind: Indicator, target: Parsed, actual: Parsed, weight: float,
                  profile: Profile) -> Optional[RuleScore]:
    # A number embedded in free text (完成各阶段项目管理数≥60) is used only when the
    # other side is a plain number or embeds one with the same unit.
    if target.number is None or actual.number is None:
        return None
    if target.embedded and actual.embedded and target.text == actual.text:
        return None
    pair = _comparable(target, actual)
    if pair is None:
        return None
    t, a = pair
    negative = _is_negative(ind, target, profile)
    direction = "反向（越小越好）" if negative else "正向（越大越好）"
    met = a <= t + _EPS if negative else a >= t - _EPS
    if met:
        over = _deviation(t, a, negative, profile)
        if over is not None:
            dev = profile.deviation
            score = max(weight - dev.points, 0.0)
            word = "低于" if negative else "超出"
            return RuleScore(score, f"定量{direction}：实际 {_fmt(actual)} {word}目标 {_fmt(target)} "
                                    f"{format_percent(abs(over), 0)}，指标偏离（{word} {format_percent(dev.over)} 及以上"
                                    f"扣 {format_number(dev.points)} 分），得 {format_number(score)}",
                             "quantitative", score, score, True, deviation=over)
        return RuleScore(weight, f"定量{direction}：实际 {_fmt(actual)} 达到目标 {_fmt(target)}，得满分",
                         "quantitative", weight, weight, True)
    if negative:
        if a <= 0:
            return RuleScore(weight, "定量反向：实际为 0，得满分", "quantitative", weight, weight, True)
        score = weight * t / a
    else:
        if t <= 0:
            return None
        score = weight * a / t
    score = min(max(score, 0.0), weight)
    formula = "分值×目标/实际" if negative else "分值×实际/目标"
    return RuleScore(score, f"定量{direction}：未达目标，{formula} = {score:.2f}",
                     "quantitative", score, score, False)


def _deviation(t: float, a: float, negative: bool, profile: Profile) -> Optional[float]:
    """指标偏离: how far beyond the target a met actual is (0.5: 50 % over; −0.4:
    40 % under), when the profile's platform rule counts it (positive indicators:
    ≥ target × (1 + over); negative ones: ≤ target × (1 − over))."""
    dev = profile.deviation
    if dev is None or t <= 0:
        return None
    if not negative and "positive" in dev.directions and a >= t * (1 + dev.over) - _EPS * t:
        return (a - t) / t
    if negative and "negative" in dev.directions and a <= t * (1 - dev.over) + _EPS * t:
        return (a - t) / t  # negative: below the target
    return None


def capped_total(total: Optional[float], rate: Optional[float], profile: Profile) -> Optional[float]:
    """A total score under the profile's cap for its execution rate (platform rule)."""
    cap = profile.cap_for(rate)
    if total is None or cap is None:
        return total
    return min(total, cap.max)


def _qualitative(ind: Indicator, target: Parsed, actual: Parsed, weight: float,
                 profile: Profile) -> RuleScore:
    text = normalize_text(actual.text)
    if normalize_text(target.text) == text:  # written as the target: reached (取消纸质材料 = 取消纸质材料)
        tier = profile.tier("reached")
    elif says(text, profile.partly_words, profile):
        tier = profile.tier("partly")
    elif says(text, profile.not_reached_words, profile):
        tier = profile.tier("not_reached")
    else:
        tier = profile.tier("reached")
    low, high = weight * tier.min, weight * tier.max
    clerk = ind.score.number
    suggested = high if clerk is None else min(max(clerk, low), high)
    return RuleScore(suggested, f"定性：{tier.label}档（分值的 {tier.min:.0%}–{tier.max:.0%}，即 {low:g}–{high:g} 分）",
                     "qualitative", low, high, tier.tier == "reached")


def says(text: str, words: tuple[str, ...], profile: Profile) -> bool:
    """True when `text` holds one of `words` not negated just before it:
    `按期完成，延期3天` says 延期; `按期完成，无延期`, `未滞后`, `没有发生延期` do not."""
    negated = _negation_re(profile.negations, profile.negation_fillers)
    for word in words:
        start = text.find(word)
        while start >= 0:
            if negated is None or not negated.search(text[:start]):
                return True
            start = text.find(word, start + 1)
    return False


@lru_cache(maxsize=16)
def _negation_re(negations: tuple[str, ...], fillers: tuple[str, ...]) -> Optional[re.Pattern]:
    if not negations:
        return None
    alt = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
    tail = f"(?:{alt(fillers)})*" if fillers else ""
    return re.compile(f"(?:{alt(negations)}){tail}$")


def _fmt(parsed: Parsed) -> str:
    return normalize_label(parsed.text) or "—"

