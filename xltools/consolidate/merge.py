"""Pure aggregation over project records: per-unit and department totals.

Input is the JSON project record of `xltools check` (money in 万元, rates as
fractions, None where unknown) with ``unit`` set to the submitting unit.  Nothing
here reads files or applies rules; the execution rate of a total is the engine's
`scoring.execution_rate`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence

from ..project import scoring

#: Label of the department row (first row of 整体支出汇总).
DEPARTMENT_ROW = "局机关及二级机构汇总"

MONEY_FIELDS = ("budget_initial", "budget_full_year", "spent")

#: Execution-rate bands of the output's chart when there are many projects:
#: (from, below, label); None = open.
RATE_BANDS = ((None, 0.6, "60%以下"), (0.6, 0.7, "60%–70%"), (0.7, 0.8, "70%–80%"),
              (0.8, 0.9, "80%–90%"), (0.9, 1.0, "90%–100%"), (1.0, None, "100%及以上"))


def rate_band(rate: Optional[float]) -> int:
    """Index of the band in RATE_BANDS a rate falls in (-1 for none)."""
    if rate is None:
        return -1
    for k, (low, high, _) in enumerate(RATE_BANDS):
        if (low is None or rate >= low) and (high is None or rate < high):
            return k
    return -1


def money_sum(values: Iterable[Optional[float]]) -> Optional[float]:
    """Sum of the known figures, without binary noise; None when none is known.
    Exactly rounded (`math.fsum`), so the order the figures come in never
    changes a total: a flat run and a rolled-up one agree to the last digit."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    return round(math.fsum(known), 6)


class ExactSum:
    """A running sum of floats that ends exactly as `math.fsum` of them all
    (Shewchuk's partials), in constant memory: the streaming form of `money_sum`."""

    __slots__ = ("partials", "count")

    def __init__(self) -> None:
        self.partials: list[float] = []
        self.count = 0

    def add(self, x: Optional[float]) -> None:
        if x is None:
            return
        self.count += 1
        x = float(x)
        partials = self.partials
        i = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                partials[i] = lo
                i += 1
            x = hi
        partials[i:] = [x]

    def fsum(self) -> float:
        return math.fsum(self.partials)

    def value(self) -> Optional[float]:
        """The sum rounded like `money_sum`; None when nothing was added."""
        return round(self.fsum(), 6) if self.count else None


def rate_of(spent: Optional[float], full_year: Optional[float]) -> Optional[float]:
    """全年执行数 ÷ 全年预算数 as the engine computes it (None when undefined)."""
    if spent is None or full_year is None:
        return None
    rate = scoring.execution_rate(spent, full_year)
    return None if rate is None else round(rate, 6)


@dataclass(slots=True, weakref_slot=True)
class Totals:
    """Totals of a group of projects (a unit, or the department).  (A weak
    reference to one lets a run read from its spool give the same object to
    every holder at once.)"""

    name: str
    projects: int = 0
    budget_initial: Optional[float] = None
    budget_full_year: Optional[float] = None
    spent: Optional[float] = None
    score_avg: Optional[float] = None
    score_min: Optional[float] = None
    problems: int = 0

    @property
    def execution_rate(self) -> Optional[float]:
        return rate_of(self.spent, self.budget_full_year)

    @property
    def balance(self) -> Optional[float]:
        """结余 = 全年预算数 − 全年执行数."""
        if self.budget_full_year is None and self.spent is None:
            return None
        return round((self.budget_full_year or 0.0) - (self.spent or 0.0), 6)

    def as_json(self, name_key: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if name_key:
            out["name"] = self.name
        out.update({
            "projects": self.projects,
            "budget_initial": self.budget_initial,
            "budget_full_year": self.budget_full_year,
            "spent": self.spent,
            "execution_rate": self.execution_rate,
        })
        return out


class Group:
    """Running totals of a group of project records (a unit, or the
    department): records go in one at a time and are not kept.

    exact: sums kept exactly (`ExactSum`: the order records come in never
    changes a total, so a flat run and a rolled-up one agree to the last
    digit).  A consolidation sums every group exactly: the department's as
    the files come, each unit's from the spool once they are all in (one
    unit at a time, so there may be 10⁵ units)."""

    __slots__ = ("name", "projects", "problems", "score_min", "sums", "counts", "exact")

    def __init__(self, name: str, exact: bool = False) -> None:
        self.name = name
        self.projects = 0
        self.problems = 0
        self.score_min: Optional[float] = None
        self.exact = exact
        # budget_initial, budget_full_year, spent, score_total
        self.sums: list = [ExactSum() for _ in range(4)] if exact else [0.0, 0.0, 0.0, 0.0]
        self.counts = [0, 0, 0, 0]

    def add(self, rec: dict) -> None:
        self.add_figures([rec.get(key) for key in _SUMMED], len(rec.get("issues") or ()))

    def add_figures(self, figures: Sequence[Any], issues: int) -> None:
        """A record given by its figures (`_SUMMED`, in that order) and its
        number of issues."""
        self.projects += 1
        sums, counts = self.sums, self.counts
        for k, x in enumerate(figures):
            if x is None:
                continue
            counts[k] += 1
            if self.exact:
                sums[k].add(x)
            else:
                sums[k] += x
        score = figures[3]
        if score is not None:
            self.score_min = score if self.score_min is None else min(self.score_min, score)
        self.problems += issues

    def _sum(self, k: int) -> float:
        return self.sums[k].fsum() if self.exact else self.sums[k]

    def totals(self) -> Totals:
        def money(k: int) -> Optional[float]:
            return round(self._sum(k), 6) if self.counts[k] else None

        n = self.counts[3]
        return Totals(
            name=self.name, projects=self.projects,
            budget_initial=money(0), budget_full_year=money(1), spent=money(2),
            score_avg=round(self._sum(3) / n, 6) if n else None,
            score_min=self.score_min, problems=self.problems)


_SUMMED = MONEY_FIELDS + ("score_total",)


def totals(name: str, records: Sequence[dict]) -> Totals:
    group = Group(name, exact=True)
    for rec in records:
        group.add(rec)
    return group.totals()


def order_units(seen: Sequence[str], expected: Sequence[str] = ()) -> list[str]:
    """Units in the order the official tables list them: the expected order when
    a 基础信息 sheet gives one, then 局机关 (the office itself), then the others in
    the order their files came (`seen`)."""
    present = set(seen)
    ordered = [u for u in dict.fromkeys(expected) if u in present]
    taken = set(ordered)
    rest = [u for u in seen if u not in taken]
    office = [u for u in rest if u.endswith("机关")]
    return ordered + office + [u for u in rest if not u.endswith("机关")]


def unit_order(records: Sequence[dict], expected: Sequence[str] = ()) -> list[str]:
    """`order_units` of the units the records name, in the order they come."""
    return order_units(list(dict.fromkeys(r["unit"] for r in records)), expected)


@dataclass
class Summary:
    """Department totals, unit totals in table order, and the records by unit."""

    department: Totals
    units: list[Totals] = field(default_factory=list)
    by_unit: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def records(self) -> list[dict]:
        """Every project record, grouped by unit in table order."""
        return [r for u in self.units for r in self.by_unit[u.name]]


def summarize(records: Sequence[dict], expected: Sequence[str] = ()) -> Summary:
    order = unit_order(records, expected)
    by_unit: dict[str, list[dict]] = {u: [] for u in order}
    for r in records:
        by_unit[r["unit"]].append(r)
    units = [totals(u, by_unit[u]) for u in order]
    department = totals(DEPARTMENT_ROW, [r for u in order for r in by_unit[u]])
    return Summary(department=department, units=units, by_unit=by_unit)


def grade_counts(records: Iterable[dict], grades: Sequence[str]) -> dict[str, int]:
    """How many projects carry each 等次 (plus 未评 for none)."""
    counts = {g: 0 for g in grades}
    counts["未评"] = 0
    for r in records:
        g = r.get("grade")
        counts[g if g in counts else "未评"] += 1
    return counts


def to_json(summary: Summary, files: Sequence[dict]) -> dict[str, Any]:
    """The `--json` document of `xltools consolidate` (issue 4)."""
    return {
        "department": summary.department.as_json(name_key=False),
        "units": [u.as_json() for u in summary.units],
        "projects": summary.records,
        "files": list(files),
    }
