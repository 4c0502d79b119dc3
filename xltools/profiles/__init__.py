"""Rules profiles: weights, bands, tiers and grades per jurisdiction, as data.

A profile is a TOML file in `xltools/profiles/` (or any path).  `extends = "x"`
starts from profile x and overrides what the file states.  The `national`
profile ships as the default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from ..core.errors import ProfileError

PROFILE_DIR = Path(__file__).resolve().parent
DEFAULT_PROFILE = "national"


@dataclass(frozen=True)
class Tier:
    tier: str
    label: str
    min: float
    max: float


@dataclass(frozen=True)
class Band:
    """Share of the weight given by where the actual value falls (lower bound inclusive)."""

    name: str
    keywords: tuple[str, ...]
    level2: tuple[str, ...]
    steps: tuple[tuple[float, float], ...]  # (min, share), highest first

    def share(self, value: float) -> float:
        for lower, share in self.steps:
            if value >= lower - 1e-12:
                return share
        return 0.0


@dataclass(frozen=True)
class Deviation:
    """指标偏离 (a platform rule): a quantitative actual at least `over` beyond its
    target (e.g. 0.3 = 30 % over) loses `points`; `directions`: "positive"
    (actual ≥ target × (1 + over)) and/or "negative" (actual ≤ target × (1 − over))."""

    over: float
    points: float
    directions: tuple[str, ...] = ("positive",)


@dataclass(frozen=True)
class Cap:
    """Total-score cap (a platform rule): an execution rate below `below` caps the total at `max`."""

    below: float
    max: float


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    weight_total: float
    budget_weight: float
    level1_weights: dict[str, float]
    rate_cap: float
    money_decimals: int
    negative_level2: tuple[str, ...]
    negative_keywords: tuple[str, ...]
    tiers: tuple[Tier, ...]
    not_reached_words: tuple[str, ...]
    partly_words: tuple[str, ...]
    negations: tuple[str, ...]
    negation_fillers: tuple[str, ...]
    bands: tuple[Band, ...]
    grades: tuple[tuple[str, float], ...]  # (grade, min), highest first
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Platform rules (DOMAIN.md §9), off unless the profile has a [platform] table.
    deviation: Optional[Deviation] = None
    caps: tuple[Cap, ...] = ()  # lowest `below` first

    def cap_for(self, rate: Optional[float]) -> Optional[Cap]:
        """The strictest cap an execution rate falls under, or None."""
        if rate is None:
            return None
        for cap in self.caps:
            if rate < cap.below - 1e-12:
                return cap
        return None

    def tier(self, name: str) -> Tier:
        for tier in self.tiers:
            if tier.tier == name:
                return tier
        raise ProfileError(f"规则配置 {self.name} 缺少定性档位 {name}")


def available_profiles(kind: str = "project") -> list[str]:
    """Names of the shipped profiles of one kind: "project" (xltools check) or
    "department" (xltools evaluate)."""
    names = []
    for path in PROFILE_DIR.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if _kind(data) == kind:
            names.append(path.stem)
    return sorted(names)


def load_profile(name_or_path: str | os.PathLike | None = None) -> Profile:
    """Load a profile by name (`national`, `hunan` …) or from a TOML file path."""
    return _load(str(name_or_path or DEFAULT_PROFILE))


@lru_cache(maxsize=32)
def _load(name_or_path: str) -> Profile:
    data = _merged(name_or_path, seen=())
    if _kind(data) != "project":
        raise ProfileError(f"“{name_or_path}”是部门整体支出评价规则，请用 xltools evaluate --profile {name_or_path}；"
                           f"项目自评表可用的规则有：{'、'.join(available_profiles())}")
    try:
        return _build(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"规则配置 {name_or_path} 格式有误：{exc}") from None


def _kind(data: dict[str, Any]) -> str:
    """Profiles for department-level tables say `kind = "department"` (under [profile])."""
    return data.get("kind") or data.get("profile", {}).get("kind") or "project"


def _path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        return path
    candidate = PROFILE_DIR / f"{name_or_path}.toml"
    if candidate.exists():
        return candidate
    raise ProfileError(
        f"找不到规则配置“{name_or_path}”；可用的有：{'、'.join(available_profiles())}，或给出 .toml 文件路径")


def _merged(name_or_path: str, seen: tuple[str, ...]) -> dict[str, Any]:
    path = _path(name_or_path)
    if str(path) in seen:
        raise ProfileError(f"规则配置循环继承：{' → '.join(seen + (str(path),))}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"规则配置 {path} 不是有效的 TOML：{exc}") from None
    parent = data.get("extends")
    if parent:
        return _deep_merge(_merged(parent, seen + (str(path),)), data)
    return data


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _build(d: dict[str, Any]) -> Profile:
    weights = d["weights"]
    quant = d.get("quantitative", {})
    qual = d["qualitative"]
    words = qual.get("words", {})
    bands = tuple(
        Band(
            name=b["name"],
            keywords=tuple(b.get("keywords", ())),
            level2=tuple(b.get("level2", ())),
            steps=tuple(sorted(((float(s["min"]), float(s["share"])) for s in b["steps"]), reverse=True)),
        )
        for b in d.get("bands", [])
    )
    grades = tuple(sorted(((g["grade"], float(g["min"])) for g in d["grades"]["bands"]),
                          key=lambda g: -g[1]))
    platform = d.get("platform", {})
    deviation = None
    if "deviation" in platform:
        dev = platform["deviation"]
        deviation = Deviation(float(dev["over"]), float(dev["points"]),
                              tuple(dev.get("directions", ("positive",))))
        if not set(deviation.directions) <= {"positive", "negative"} or deviation.over <= 0:
            raise ValueError("platform.deviation: over 须大于 0，directions 只能是 positive、negative")
    caps = tuple(sorted((Cap(float(c["below"]), float(c["max"])) for c in platform.get("caps", ())),
                        key=lambda c: c.below))
    return Profile(
        name=d["name"],
        title=d.get("title", d["name"]),
        weight_total=float(weights["total"]),
        budget_weight=float(weights["budget"]),
        level1_weights={k: float(v) for k, v in weights.get("level1", {}).items()},
        rate_cap=float(d["budget"].get("rate_cap", 1.0)),
        money_decimals=int(d["budget"].get("money_decimals", 2)),
        negative_level2=tuple(quant.get("negative_level2", ())),
        negative_keywords=tuple(quant.get("negative_keywords", ())),
        tiers=tuple(Tier(t["tier"], t.get("label", t["tier"]), float(t["min"]), float(t["max"]))
                    for t in qual["tiers"]),
        not_reached_words=tuple(words.get("not_reached", ())),
        partly_words=tuple(words.get("partly", ())),
        negations=tuple(words.get("negations", ())),
        negation_fillers=tuple(words.get("negation_fillers", ())),
        bands=bands,
        grades=grades,
        raw=d,
        deviation=deviation,
        caps=caps,
    )
