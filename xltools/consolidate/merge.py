"""Pure aggregation over project records: per-unit and department totals.

Input is the JSON project record of `xltools check` (money in 万元, rates as
fractions, None where unknown) with ``unit`` set to the submitting unit.  Nothing
here reads files or applies rules; the execution rate of a total is the engine's
`scoring.execution_rate`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence

from ..project import scoring

#: Label of the department row (first row of 整体支出汇总).
DEPARTMENT_ROW = "局机关及二级机构汇总"

MONEY_FIELDS = ("budget_initial", "budget_full_year", "spent")


def money_sum(values: Iterable[Optional[float]]) -> Optional[float]:
    """Sum of the known figures, without binary noise; None when none is known."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    return round(sum(known), 6)


def rate_of(spent: Optional[float], full_year: Optional[float]) -> Optional[float]:
    """全年执行数 ÷ 全年预算数 as the engine computes it (None when undefined)."""
    if spent is None or full_year is None:
        return None
    rate = scoring.execution_rate(spent, full_year)
    return None if rate is None else round(rate, 6)


@dataclass
class Totals:
    """Totals of a group of projects (a unit, or the department)."""

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


def totals(name: str, records: Sequence[dict]) -> Totals:
    scores = [r.get("score_total") for r in records if r.get("score_total") is not None]
    return Totals(
        name=name,
        projects=len(records),
        budget_initial=money_sum(r.get("budget_initial") for r in records),
        budget_full_year=money_sum(r.get("budget_full_year") for r in records),
        spent=money_sum(r.get("spent") for r in records),
        score_avg=round(sum(scores) / len(scores), 6) if scores else None,
        score_min=min(scores) if scores else None,
        problems=sum(len(r.get("issues") or []) for r in records),
    )


def unit_order(records: Sequence[dict], expected: Sequence[str] = ()) -> list[str]:
    """Units in the order the official tables list them: the expected order when
    a 基础信息 sheet gives one, then 局机关 (the office itself), then the others in
    the order their files came."""
    seen: list[str] = []
    for r in records:
        if r["unit"] not in seen:
            seen.append(r["unit"])
    ordered = [u for u in expected if u in seen]
    rest = [u for u in seen if u not in ordered]
    office = [u for u in rest if u.endswith("机关")]
    return ordered + office + [u for u in rest if u not in office]


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
