"""The records the engine passes around: a cell's value with its origin, a project
form as read from a sheet, and a problem found in it.

Everything here is plain data: no Excel, no files.  Money is in 万元, rates are
fractions (0.9742, not 97.42), and `None` means "not on the form".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .issues import SEVERITIES, Issue  # noqa: F401  (the one problem record, re-exported)
from .values import Parsed


class Where:
    """Where a value came from: the workbook file, the sheet and the A1 cell.

    A plain slotted class rather than a frozen dataclass: the reader makes one
    per field read (about 60 a sheet), and a frozen dataclass's __init__ costs
    three times as much.  Treat it as immutable: it is hashed and shared."""

    __slots__ = ("file", "sheet", "cell")

    def __init__(self, file: str = "", sheet: str = "", cell: str = "") -> None:
        self.file = file
        self.sheet = sheet
        self.cell = cell

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Where:
            return NotImplemented
        return (self.file, self.sheet, self.cell) == (other.file, other.sheet, other.cell)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.file, self.sheet, self.cell))

    def __repr__(self) -> str:
        return f"Where(file={self.file!r}, sheet={self.sheet!r}, cell={self.cell!r})"

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        return " / ".join(parts)


@dataclass
class Value:
    """One field's value: what the clerk typed (`raw`), what it was read as
    (`parsed`), and the cell it came from."""

    raw: Any
    parsed: Parsed
    where: Where
    is_formula: bool = False
    #: a formula saved without its result (by a program, not Excel/WPS): what the
    #: unit's sheet shows is not in the file
    uncached: bool = False

    @property
    def number(self) -> Optional[float]:
        return self.parsed.number

    @property
    def text(self) -> str:
        return self.parsed.text

    @property
    def empty(self) -> bool:
        return self.parsed.empty


@dataclass
class BudgetLine:
    """One row of the 项目资金 block: 年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金."""

    label: str
    row: int
    budget_initial: Optional[Value] = None
    budget_full_year: Optional[Value] = None
    spent: Optional[Value] = None
    weight: Optional[Value] = None
    execution_rate: Optional[Value] = None
    score: Optional[Value] = None


@dataclass
class Indicator:
    """One 三级指标 row of the 绩效指标 block.

    `level1` and `level2` are canonical names (产出指标, 数量指标 …) or the text as
    written when it is not one of them; `level1_explicit` says whether the 一级
    cell of this row (or a merged cell covering it) carried the label, or whether it
    was carried down from a row above / inferred from the 二级.
    """

    row: int
    level1: str
    level2: str
    name: Value
    target: Value
    actual: Value
    weight: Value
    score: Value
    deviation_note: Value
    level1_where: Where = field(default_factory=Where)
    level2_where: Where = field(default_factory=Where)
    level1_explicit: bool = True
    level1_raw: str = ""
    level2_raw: str = ""
    # `其中…` rows under it: a breakdown, not indicators of their own
    breakdown: list[str] = field(default_factory=list)
    # Filled by scoring: the rule's suggestion and how it was reached.
    rule_score: Optional[float] = None
    rule_basis: str = ""


@dataclass
class ProjectForm:
    """A 项目支出绩效自评表 (kind "project") or the indicator part of a
    部门整体支出绩效自评表 (kind "department") as read from one sheet."""

    file: str
    sheet: str
    kind: str = "project"
    name: Optional[Value] = None
    department: Optional[Value] = None
    unit: Optional[Value] = None
    budget_lines: list[BudgetLine] = field(default_factory=list)
    goal_expected: Optional[Value] = None
    goal_actual: Optional[Value] = None
    indicators: list[Indicator] = field(default_factory=list)
    total_weight: Optional[Value] = None
    total_score: Optional[Value] = None
    grade: Optional[Value] = None
    level_weights: dict[str, Value] = field(default_factory=dict)
    # Problems met while reading (unreadable values, units converted …).
    read_issues: list["Issue"] = field(default_factory=list)
    # The 执行率 denominator when it is not 全年预算数 (the column's label), else "".
    rate_basis: str = ""
    # Checks the layout does not allow, with why: (what, why) in Chinese.
    not_checked: list[tuple[str, str]] = field(default_factory=list)

    @property
    def budget_total(self) -> Optional[BudgetLine]:
        """The 年度资金总额 line: the only one that carries the budget 分值 and 得分."""
        for line in self.budget_lines:
            if line.label == "年度资金总额":
                return line
        return self.budget_lines[0] if self.budget_lines else None

    def where(self, cell: str = "") -> Where:
        return Where(self.file, self.sheet, cell)
