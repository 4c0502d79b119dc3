"""The consolidation's native formulas — one place for their text, and for the
value each one shows.

The output workbook (`consolidate.output`) and the block in the master
(`consolidate.plans`) take every formula from here and every position from
`consolidate.layout`.  A rule the project sheet also applies has the project
sheet's text and twin (`project.formulas`): 执行率 is one formula wherever
xltools writes it — project sheet, department sheets, consolidation — its value
`scoring.execution_rate`; so is the budget 得分 (`scoring.budget_score`, the
profile's 分值 and cap).  A money figure pulled from another sheet is the
department sheets' `number_or_blank`.

Each `…_value` function gives what its formula shows from the values of the
cells it reads.  Totals over rows streamed to disk (the workbook is written in
constant memory) take the run's figures instead of the cells: the merge's exact
sums (`shown`), its averages and lowest scores, the tally's counts.  These are
the cached values written; the tests compare every one with LibreOffice's
forced recalculation.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from ..department import formulas as DF
from ..profiles import Profile
from ..project import formulas as PF
from ..xlsx.edits import Formula
from ..xlsx.sheet import quote_sheet
from .layout import MONEY_KEYS, Columns

#: (sheet, first row, last row) of the rows a formula reads, over continued sheets.
Ranges = Sequence[tuple[str, int, int]]

# The rules shared with the project and department sheets.
execution_rate = PF.execution_rate                # (full_year_cell, spent_cell)
execution_rate_value = PF.execution_rate_value    # (full_year, spent)
budget_score = PF.budget_score                    # (weight_cell, rate_cell, profile)
budget_score_value = PF.budget_score_value        # (weight, rate, profile)
number_or_blank = DF.number_or_blank              # (ref): money from another sheet
number_or_blank_value = DF.number_or_blank_value


# ================================================================ references
def on(sheet: str, here: str, a1: str) -> str:
    """A reference to `a1` on `sheet` as written on sheet `here`."""
    return a1 if sheet == here else f"{quote_sheet(sheet)}!{a1}"


def cells(ranges: Ranges, col: str, here: str) -> str:
    """Column `col` of each range, as written on `here`: "D4:D9,'项目支出明细(2)'!D4"."""
    return ",".join(on(s, here, f"{col}{a}:{col}{b}" if a != b else f"{col}{a}") for s, a, b in ranges)


def blank(value: Optional[Any]) -> Any:
    """What a formula showing a blank for nothing shows: "" for None."""
    return "" if value is None else value


# ================================================================ sums
def total(*refs: str) -> str:
    """The sum of cells or ranges (0 while none holds a number)."""
    return f"=SUM({','.join(refs) or '0'})"


def shown(total_of_figures: Optional[float]) -> float:
    """What a `total`, or a `reference` to one, shows of figures whose sum is
    `total_of_figures` (the merge's exact sum; None when no figure is known)."""
    return 0.0 if total_of_figures is None else total_of_figures


def shown_money(totals: Any) -> dict[str, float]:
    """What sums of the money columns show, by key, given the merge's totals
    (`merge.Totals`)."""
    return {key: shown(getattr(totals, key)) for key in MONEY_KEYS}


def reference(ref: str) -> str:
    """Another cell's figure as it is (a total: `shown`)."""
    return f"={ref}"


def numbered_total(ranges: Ranges, index_col: str, col: str, here: str) -> str:
    """The sum of column `col` over the rows with a 序号 (> 0 in `index_col`):
    the projects, not their 小计 rows (value: `shown` of the department's sum)."""
    n = index_col
    return "=" + "+".join(f'SUMIF({on(s, here, f"{n}{a}:{n}{b}")},">0",{on(s, here, f"{col}{a}:{col}{b}")})'
                          for s, a, b in ranges)


# ================================================================ a row of figures
def balance(full_year_cell: str, spent_cell: str) -> str:
    """结余 = 全年预算数 − 全年执行数; blank while both are."""
    d, e = full_year_cell, spent_cell
    return f'=IF(AND({d}="",{e}=""),"",N({d})-N({e}))'


def balance_value(full_year: Any, spent: Any) -> Any:
    if full_year in (None, "") and spent in (None, ""):
        return ""
    return (full_year if PF.is_number(full_year) else 0.0) - (spent if PF.is_number(spent) else 0.0)


def score_average(scores: str) -> str:
    """平均得分 of the projects' 自评总分 (value: the merge's average, `blank`)."""
    return f'=IF(COUNT({scores})=0,"",AVERAGE({scores}))'


def score_lowest(scores: str) -> str:
    """最低得分 of the projects' 自评总分 (value: the merge's lowest, `blank`)."""
    return f'=IF(COUNT({scores})=0,"",MIN({scores}))'


# ================================================================ cells: text and value
# The formulas of a row of a table with the money columns (`layout.Columns` by
# key), each with the value it shows given what the row's cells show.
def rate_cell(columns: Columns, row: int, shown_money: dict[str, Any]) -> Formula:
    """执行率 of the row."""
    full, spent = columns.a1(row, "budget_full_year"), columns.a1(row, "spent")
    return Formula(execution_rate(full, spent),
                   execution_rate_value(shown_money.get("budget_full_year"), shown_money.get("spent")))


def balance_cell(columns: Columns, row: int, shown_money: dict[str, Any]) -> Formula:
    """结余 of the row."""
    full, spent = columns.a1(row, "budget_full_year"), columns.a1(row, "spent")
    return Formula(balance(full, spent),
                   balance_value(shown_money.get("budget_full_year"), shown_money.get("spent")))


def score_cell(columns: Columns, row: int, weight: Any, rate: Any, profile: Profile) -> Formula:
    """The budget 得分 of the row from its 分值 (`weight`) and 执行率 (`rate`)."""
    return Formula(budget_score(columns.a1(row, "weight"), columns.a1(row, "execution_rate"), profile),
                   budget_score_value(weight, rate, profile))


# ================================================================ 图表
def grade_count(ranges: Ranges, col: str, grade: str, here: str) -> str:
    """Projects of 等次 `grade` in column `col` (value: the tally's count)."""
    return "=" + "+".join(f'COUNTIF({on(s, here, f"${col}${a}:${col}${b}")},"{grade}")'
                          for s, a, b in ranges)


def unrated(projects_cell: str, counts_range: str) -> str:
    """Projects without a 等次: all of them less those counted by 等次."""
    return f"={projects_cell}-SUM({counts_range})"


def unrated_value(projects: int, counts: Sequence[int]) -> int:
    return projects - sum(counts)


def band_count(ranges: Ranges, index_col: str, col: str, low: Optional[float],
               high: Optional[float], here: str) -> str:
    """Projects (序号 > 0 in `index_col`: not 小计/合计) whose 执行率 in column
    `col` is in [low, high) (None: open) (value: the tally's count)."""
    tests = ([f'">={low!r}"'] if low is not None else []) + ([f'"<{high!r}"'] if high is not None else [])
    parts = []
    for s, a, b in ranges:
        rates = on(s, here, f"${col}${a}:${col}${b}")
        numbers = on(s, here, f"${index_col}${a}:${index_col}${b}")
        parts.append("COUNTIFS(" + ",".join(f"{rates},{t}" for t in tests) + f',{numbers},">0")')
    return "=" + "+".join(parts)
