"""The project profile's schema: weights, tiers, bands, grades and platform rules
of a jurisdiction (`national`, `hunan`, `platform` …), as `profiles.load_profile`
reads them for `xltools check`, the master and the consolidation.  The TOML
keys are documented in `profiles/national.toml`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..core.errors import ProfileError


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


def build(d: dict[str, Any]) -> Profile:
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
