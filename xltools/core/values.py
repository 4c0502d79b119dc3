"""Reading the values clerks type (DOMAIN.md §4).

`parse(x)` turns a cell's content — a number, or text such as `296.78万元`,
`794500元`, `　160`, `84%`, `≥90%`, `95%以上`, `控制在113.5万元`, `2..23亿元`,
`完成` — into a `Parsed`: the number (money always in 万元, percents as
fractions), its unit, the comparator, and the original text.  Text that looks like
a number but cannot be read (`2..23亿元`, `<!%`) gets `problem` set; it is never
turned into 0.  Nothing here raises on any input.
"""
from __future__ import annotations

import math
from types import NoneType
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from datetime import date, datetime
from typing import Any, Optional

# Comparators, canonical ASCII form.
GE, LE, GT, LT, EQ = ">=", "<=", ">", "<", "="

#: Words and signs written before the number.
_PREFIX_COMPARATORS = [
    ("大于或等于", GE), ("大于等于", GE), ("不低于", GE), ("不少于", GE), ("不小于", GE),
    ("至少", GE), ("达到", GE), ("超过", GT), ("高于", GT), ("大于", GT), ("多于", GT),
    ("小于或等于", LE), ("小于等于", LE), ("不高于", LE), ("不超过", LE), ("不大于", LE),
    ("不多于", LE), ("控制在", LE), ("低于", LT), ("小于", LT), ("少于", LT),
    (">=", GE), ("=>", GE), ("≥", GE), ("≧", GE), ("⩾", GE),
    ("<=", LE), ("=<", LE), ("≤", LE), ("≦", LE), ("⩽", LE),
    (">", GT), ("<", LT), ("=", EQ), ("≈", EQ),
]
#: Words written after the number (and its unit).
_SUFFIX_COMPARATORS = [  # longest first: 或以上 before 以上
    ("及以上", GE), ("或以上", GE), ("以上", GE), ("及以下", LE), ("或以下", LE), ("以下", LE),
    ("以内", LE), ("之内", LE),
]

#: Money units and their factor to 万元.
MONEY_UNITS = {"元": 1e-4, "千元": 1e-1, "万元": 1.0, "百万元": 1e2, "亿元": 1e4}

_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+"
_UNIT = r"[^\d\s.,+\-<>=≥≤]{0,8}"
_NUMERIC_RE = re.compile(rf"^(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT})$")
_EMBEDDED_RE = re.compile(
    r"(?P<cmp>>=|<=|≥|≤|>|<|不低于|不高于|不少于|不超过|控制在|超过|低于|高于|达到|超)?\s*"
    rf"(?P<num>{_NUMBER})\s*(?P<unit>%|‰|万元|元|亿元|亿|万|件|个|项|次|天|户|人|条|家)?"
    r"\s*(?P<suf>以上|以下|以内)?"
)
#: Characters that only appear in a number attempt; text made of these (plus a
#: unit) that fails to parse is reported as unreadable rather than taken as text.
_NUMBERISH_RE = re.compile(r"^[\d.,。，!！%‰<>=≥≤+\-]+\s*" + _UNIT + r"$")
_RANGE_RE = re.compile(rf"^(?:{_NUMBER})\s*[-~～至到]\s*(?:{_NUMBER})\s*{_UNIT}$")
_DASHES = {"", "-", "--", "—", "——", "－", "―", "/", "／", "\\", "、", "…", "……", "无", "空"}


@dataclass(frozen=True)
class Parsed:
    """What a cell was read as.

    kind: "empty", "number" (number set) or "text" (number None unless
    `embedded` found one inside the text).  `problem` is a Chinese explanation
    when the text looked like a number but could not be read.
    """

    text: str
    kind: str
    number: Optional[float] = None
    unit: str = ""
    comparator: Optional[str] = None
    percent: bool = False
    decimals: Optional[int] = None
    original_unit: str = ""
    problem: str = ""
    embedded: bool = False
    #: converted because the block's header declared the unit (项目资金（元）)
    header_unit: bool = False

    @property
    def empty(self) -> bool:
        return self.kind == "empty"

    @property
    def is_number(self) -> bool:
        return self.kind == "number"

    @property
    def converted(self) -> bool:
        """True when a money unit other than 万元 was converted to 万元."""
        return bool(self.original_unit) and self.original_unit != self.unit


def normalize_text(value: Any) -> str:
    """The cell's text with full-width characters folded (NFKC), full-width and
    non-breaking spaces, tabs and line breaks removed at the ends and inside."""
    if value is None:
        return ""
    return _normalize_str(str(value))


@lru_cache(maxsize=65536)
def _normalize_str(text: str) -> str:
    return _SPACES_RE.sub("", unicodedata.normalize("NFKC", text))


_SPACES_RE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


def parse(value: Any, *, money: bool = False, rate: bool = False) -> Parsed:
    """Read one cell's content.  Never raises.

    money: a bare number is 万元 (the form's unit) and 元/亿元 are converted.
    rate: a bare number above 1.5 is a percent written without the sign (97.42).
    """
    if value is None:  # most cells a form reads are blank
        return _parse_cached(NoneType, None, money, rate)
    if isinstance(value, (str, int, float)):
        # Forms repeat the same texts (labels, 100%, full-width spaces): cache them.
        # The type is part of the key so 1, 1.0 and True stay apart.
        return _parse_cached(type(value), value, money, rate)
    return _parse_safe(value, money, rate)


@lru_cache(maxsize=65536)
def _parse_cached(_type: type, value: Any, money: bool, rate: bool) -> Parsed:
    return _parse_safe(value, money, rate)


def parse_strict(value: Any, *, money: bool = False, rate: bool = False) -> Parsed:
    """`parse` without its safety net: a bug inside parsing raises here (the
    property tests call this, so they see a crash that `parse` would hide)."""
    return _parse(value, money=money, rate=rate)


def _parse_safe(value: Any, money: bool, rate: bool) -> Parsed:
    try:
        return _parse(value, money=money, rate=rate)
    except Exception as exc:  # parsing must never stop a check: the clerk sees value_unreadable
        return Parsed(text=_original(value), kind="text", problem=f"无法识别：{exc}")


def _original(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: Largest magnitude a figure on a form may have (万元, counts, percents alike):
#: anything beyond is a typo or an attack, reported rather than computed with.
MAX_ABS = 1e12
#: What a spreadsheet shows in a cell whose formula failed (cached value).
ERROR_VALUES = ("#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!",
                "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!")


def is_error_value(value: Any) -> bool:
    """True for a formula's error result as stored in the file (`#REF!`, `#DIV/0!` …)."""
    return isinstance(value, str) and "#" in value and value.strip().upper() in ERROR_VALUES


def _parse(value: Any, *, money: bool, rate: bool) -> Parsed:
    if value is None:
        return Parsed(text="", kind="empty")
    if isinstance(value, bool):
        return Parsed(text=str(value), kind="text")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an int past float's range
            return Parsed(text=_original(value)[:40], kind="text", problem="数值超出合理范围")
        if math.isnan(number) or math.isinf(number):
            return Parsed(text=str(value), kind="text", problem="不是有效数字")
        if abs(number) > MAX_ABS:
            return Parsed(text=_original(value)[:40], kind="text", problem="数值超出合理范围")
        decimals = _float_decimals(number)
        percent = False
        if rate and abs(number) > 1.5:
            number, percent, decimals = _clean(number / 100.0), True, decimals + 2
        return Parsed(
            text=_original(value), kind="number", number=number, decimals=decimals,
            unit="%" if percent else ("万元" if money else ""), percent=percent,
        )
    if isinstance(value, (datetime, date)):
        return Parsed(text=value.isoformat(), kind="text")

    original = str(value)
    if is_error_value(original):
        return Parsed(text=original, kind="text", problem=f"公式出错（{original.strip()}）")
    text = normalize_text(original.replace("㎡", "平方米"))  # NFKC would make it "m2"
    if text in _DASHES or set(text) <= set(".…。—-－―_/、"):
        return Parsed(text=original, kind="empty")

    body, comparator = _strip_comparators(text)
    match = _NUMERIC_RE.match(body)
    if match:
        unit_text = match.group("unit")
        number = float(match.group("num").replace(",", ""))
        decimals = _text_decimals(match.group("num"))
        return _with_unit(original, number, decimals, unit_text, comparator, money, rate)

    if _RANGE_RE.match(body):
        return Parsed(text=original, kind="text")
    if _NUMERISH(text):
        return Parsed(text=original, kind="text", comparator=comparator,
                      problem=f"“{original.strip()}”像数字但无法识别")
    return _embedded(original, text)


def _NUMERISH(text: str) -> bool:
    return bool(re.search(r"\d", text)) and bool(_NUMBERISH_RE.match(text)) or text in {"<!%", "!%"}


def _strip_comparators(text: str) -> tuple[str, Optional[str]]:
    comparator = None
    for word, sign in _PREFIX_COMPARATORS:
        if text.startswith(word) and len(text) > len(word):
            comparator, text = sign, text[len(word):]
            break
    for word, sign in _SUFFIX_COMPARATORS:
        if text.endswith(word) and len(text) > len(word):
            text = text[: -len(word)]
            comparator = comparator or sign
            break
    if text.endswith("左右"):
        text = text[:-2]
    return text, comparator


def _with_unit(original: str, number: float, decimals: int, unit: str,
               comparator: Optional[str], money: bool, rate: bool) -> Parsed:
    unit = unit.strip()
    if not math.isfinite(number) or abs(number) > MAX_ABS:
        return Parsed(text=original, kind="text", comparator=comparator, problem="数值超出合理范围")
    if unit in ("%", "％"):
        return Parsed(text=original, kind="number", number=_clean(number / 100.0), unit="%",
                      comparator=comparator, percent=True, decimals=decimals + 2)
    if unit == "‰":
        return Parsed(text=original, kind="number", number=_clean(number / 1000.0), unit="%",
                      comparator=comparator, percent=True, decimals=decimals + 3)
    if unit in MONEY_UNITS:
        factor = MONEY_UNITS[unit]
        extra = {1e-4: 4, 1e-1: 1}.get(factor, 0)
        return Parsed(text=original, kind="number", number=_clean(number * factor),
                      unit="万元", comparator=comparator, decimals=decimals + extra,
                      original_unit=unit)
    if unit == "" and money:
        return Parsed(text=original, kind="number", number=number, unit="万元",
                      comparator=comparator, decimals=decimals)
    if unit == "" and rate and abs(number) > 1.5:
        return Parsed(text=original, kind="number", number=_clean(number / 100.0), unit="%",
                      comparator=comparator, percent=True, decimals=decimals + 2)
    return Parsed(text=original, kind="number", number=number, unit=unit,
                  comparator=comparator, decimals=decimals)


def _embedded(original: str, text: str) -> Parsed:
    """Free text; remember the first comparator-number-unit inside it, if any
    (`完成各阶段项目管理数≥60`, `满意度超90%`), so a rule can still compare."""
    for match in _EMBEDDED_RE.finditer(text):
        num = match.group("num")
        if not re.search(r"\d", num):
            continue
        cmp_word = match.group("cmp") or ""
        suffix = match.group("suf") or ""
        comparator = None
        if cmp_word:
            comparator = dict(_PREFIX_COMPARATORS + [("超", GT)]).get(cmp_word)
        elif suffix:
            comparator = dict(_SUFFIX_COMPARATORS).get(suffix)
        unit = match.group("unit") or ""
        if comparator is None and unit not in ("%", "‰") and unit not in MONEY_UNITS:
            continue
        inner = _with_unit(original, float(num.replace(",", "")), _text_decimals(num),
                           unit, comparator, False, False)
        return Parsed(text=original, kind="text", number=inner.number, unit=inner.unit,
                      comparator=inner.comparator, percent=inner.percent,
                      decimals=inner.decimals, original_unit=inner.original_unit,
                      embedded=True)
    return Parsed(text=original, kind="text")


def _text_decimals(num: str) -> int:
    return len(num.split(".", 1)[1]) if "." in num else 0


def _float_decimals(number: float) -> int:
    """Decimals a float shows when written shortest (9.9 → 1, 95.0 → 0)."""
    if number.is_integer():
        return 0
    text = repr(number)
    if "e" in text or "E" in text:
        mantissa, exp = text.lower().split("e")
        frac = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
        return max(0, frac - int(exp))
    return len(text.split(".", 1)[1])


def _clean(number: float) -> float:
    """Drop binary noise from unit conversion (794500 × 1e-4 → 79.45)."""
    return float(f"{number:.12g}")


def amount(value: Any) -> Parsed:
    """A money figure in 万元 (`296.78万元`, `794500元`, `　160`)."""
    return parse(value, money=True)


def rate(value: Any) -> Parsed:
    """A rate as a fraction (`84%`, `0.9742`, `97.42`)."""
    return parse(value, rate=True)


def format_number(number: Optional[float], decimals: int = 2) -> str:
    """A number as a clerk writes it: no trailing zeros (9.90 → 9.9)."""
    if number is None:
        return "—"
    if math.isfinite(number) and abs(number) < 1e15:  # half up, as clerks round (9.905 → 9.91), not binary 9.90
        text = f"{_half_up(number, decimals):f}"
    else:
        text = f"{number:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def round_half_up(x: float, decimals: int) -> float:
    """x rounded as a clerk rounds: 9.905 → 9.91, 2.5 → 3 (not binary or banker's rounding)."""
    if not math.isfinite(x) or abs(x) >= 1e15:
        return x  # no decimals left to round
    return float(_half_up(x, decimals))


@lru_cache(maxsize=65536)  # a form's figures repeat (scores of 10, 9.5, 100 …); Decimal is slow
def _half_up(x: float, decimals: int) -> Decimal:
    # |x| < 1e15 and at most 40 decimals: 55 digits, inside the context's 80 (the
    # default 28 made quantize raise for a denormal such as 5e-324, whose shortest
    # form has 324 decimals); a float's 17 significant digits leave nothing to
    # round past the 40th decimal.
    decimals = min(decimals, 40)
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP,
                                     context=_WIDE)


_WIDE = Context(prec=80)


def format_percent(fraction: Optional[float], decimals: int = 2) -> str:
    if fraction is None:
        return "—"
    return format_number(fraction * 100, decimals) + "%"
