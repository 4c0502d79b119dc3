"""Labels as clerks write them, and the indicator hierarchy (DOMAIN.md §2).

A label arrives broken by line breaks (`社会效\\n益指标`, `绩\\n效\\n指\\n标`), with
full-width spaces, with or without the 指标 suffix, and with the level weight
inside (`产出指标(50分)`).  `normalize_label` folds all of that so fields can be
found by what they say rather than where they sit.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from .values import normalize_text

#: 一级指标 → its allowed 二级指标 (canonical names, with the 指标 suffix).
LEVEL2_OF: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
LEVEL1_NAMES: tuple[str, ...] = tuple(LEVEL2_OF)
LEVEL1_OF: dict[str, str] = {l2: l1 for l1, l2s in LEVEL2_OF.items() for l2 in l2s}
#: Forms from 2022 on (财预〔2021〕101号 指标设置指引) make 成本指标 a 一级 of its own with
#: these 二级.  Accepted when reading and checking; the template xltools writes keeps §2.
ACCEPTED_LEVEL2_OF: dict[str, tuple[str, ...]] = {
    **LEVEL2_OF, "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标")}
ACCEPTED_LEVEL1_OF: dict[str, str] = {l2: l1 for l1, l2s in ACCEPTED_LEVEL2_OF.items() for l2 in l2s}

#: A level weight inside a label, whole or broken: (50分), （50分）, (50), 30分), a lone (50分).
_WEIGHT_IN_LABEL = re.compile(
    r"(?:[(（]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]?|(?<![\d.])(\d+(?:\.\d+)?)\s*分\s*[)）]?)$")
_ALIASES = {
    # Older provincial layouts and common variants.
    "项目产出指标": "产出指标", "项目产出": "产出指标", "产出": "产出指标",
    "项目效益指标": "效益指标", "项目效益": "效益指标", "效益": "效益指标", "效果指标": "效益指标",
    "满意度": "满意度指标", "社会公众或服务对象满意度指标": "满意度指标",
    "数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "成本": "成本指标",
    "经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标",
    "环境效益指标": "生态效益指标", "环境效益": "生态效益指标",
    "可持续影响": "可持续影响指标", "可持续发展指标": "可持续影响指标",
    "服务对象满意度": "服务对象满意度指标", "满意度指标2": "服务对象满意度指标",
    "社会公众或服务对象满意度": "服务对象满意度指标",
    "服务对象满意度指标等": "服务对象满意度指标", "社会公众或服务对象满意度指标等": "服务对象满意度指标",
    "满意度指标等": "满意度指标", "产出指标等": "产出指标", "效益指标等": "效益指标",
}


def normalize_label(value: Any) -> str:
    """`产出指标\\n(50分)` → `产出指标`; `社会效\\n益指标` → `社会效益指标`;
    `　年度资金总额　` → `年度资金总额`.  Also drops trailing colons."""
    if value.__class__ is str:
        return _normalize_label_str(value)
    if value is None:
        return ""
    return _normalize_label_str(str(value))


@lru_cache(maxsize=65536)
def _normalize_label_str(text: str) -> str:
    text = normalize_text(text)
    match = _WEIGHT_IN_LABEL.search(text)
    if match and _weight_suffix_ok(text, match):
        text = text[: match.start()]
    return text.rstrip(":：")


def _weight_suffix_ok(text: str, match: "re.Match[str]") -> bool:
    """A weight suffix is one when it says 分 or is in brackets after a label
    (`产出指标(50)`), or stands alone (`(50分)`); `指标1`, `(A)`, `年度指标值(A)` are not."""
    whole = match.group(0)
    return "分" in whole or (whole[:1] in "(（" and whole[-1:] in ")）")


def weight_in_label(value: Any) -> Optional[float]:
    """The level weight written inside a label: `产出指标(50分)`, `产出指标\\n(50)`,
    `效益指标\\n30分)`, a lone `(50分)` → the number."""
    text = normalize_text(value)
    match = _WEIGHT_IN_LABEL.search(text)
    if not match or not _weight_suffix_ok(text, match):
        return None
    return float(match.group(1) or match.group(2))


def canonical_level1(value: Any) -> Optional[str]:
    """The canonical 一级指标 a label names, or None when it names none."""
    text = normalize_label(value)
    text = _ALIASES.get(text, text)
    return text if text in ACCEPTED_LEVEL2_OF else None


def canonical_level2(value: Any) -> Optional[str]:
    """The canonical 二级指标 a label names, or None when it names none."""
    text = normalize_label(value)
    text = _ALIASES.get(text, text)
    if text in ACCEPTED_LEVEL1_OF:
        return text
    if not text.endswith("指标") and text + "指标" in ACCEPTED_LEVEL1_OF:
        return text + "指标"
    return None


def is_label(value: Any, *labels: str) -> bool:
    """True when the cell's text, normalized, is one of `labels`."""
    return normalize_label(value) in labels
