"""The native formulas of the sheets xltools writes — one place for their text.

The master writer (`xltools.master.build`) and the headless rewrite (`xltools.master.plans`)
both take formula text from here, so a formula written by `xltools new` and one
rewritten by `xltools recalc` are the same.  Every rule number comes from the
profile (budget rate cap, grade bands); every address from `xltools.master.layout`.

Classic functions only (IF, AND, OR, NOT, ISNUMBER, MIN, MAX, SUM, COUNT,
OFFSET, MATCH, INDEX, COUNTA, IFERROR): Excel 2007+, WPS and LibreOffice all
evaluate them, and so does the `formulas` library the tests use.  The Python
equivalents are `scoring.execution_rate`, `scoring.budget_score`,
`checks.weight_sum` and `scoring.grade`; the tests compare the two.
"""
from __future__ import annotations

from . import layout as L
from ..core.addresses import to_a1
from ..profiles import Profile

#: `scoring.grade` compares with this tolerance; the formula does the same.
GRADE_EPS = "0.000000001"


def num(x: float) -> str:
    """A number as formula text: 10.0 → "10", 0.5 → "0.5"."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def execution_rate(full_year_cell: str, spent_cell: str) -> str:
    """执行率 = 全年执行数 ÷ 全年预算数; blank unless both are numbers and the
    budget is positive (`scoring.execution_rate`)."""
    e, f = full_year_cell, spent_cell
    return f'=IF(AND(ISNUMBER({e}),ISNUMBER({f})),IF({e}>0,{f}/{e},""),"")'


def budget_score(weight_cell: str, rate_cell: str, profile: Profile) -> str:
    """预算执行率得分 = 分值 × min(max(执行率, 0), cap) (`scoring.budget_score`)."""
    g, h = weight_cell, rate_cell
    return f'=IF(AND(ISNUMBER({g}),ISNUMBER({h})),{g}*MIN(MAX({h},0),{num(profile.rate_cap)}),"")'


def total(first_cell: str, column_range: str) -> str:
    """Budget line plus the indicator rows (其中 rows never counted); blank while
    nothing is filled (`checks.weight_sum` / `checks.entered_score_sum`)."""
    cells = f"{first_cell},{column_range}"
    return f'=IF(COUNT({cells})=0,"",SUM({cells}))'


def grade(total_cell: str, profile: Profile) -> str:
    """等次 of the total from the profile's bands, lower bound inclusive
    (`scoring.grade`); blank while the total is not a number."""
    bands = list(profile.grades)
    expr = f'"{bands[-1][0]}"'
    for name, lower in reversed(bands[:-1]):
        expr = f'IF({total_cell}>={num(lower)}-{GRADE_EPS},"{name}",{expr})'
    return f'=IF(NOT(ISNUMBER({total_cell})),"",{expr})'


def project_formulas(lay: L.ProjectLayout, profile: Profile) -> dict[str, str]:
    """Every formula cell of a project sheet: A1 address → formula text."""
    out: dict[str, str] = {}
    for i in range(len(L.BUDGET_LINES)):
        r = L.FUNDS_FIRST_ROW + i
        out[to_a1(r, L.COL_EXECUTION_RATE)] = execution_rate(
            to_a1(r, L.COL_BUDGET_FULL_YEAR), to_a1(r, L.COL_SPENT))
    out[lay.budget_score_cell] = budget_score(lay.budget_weight_cell, lay.execution_rate_cell, profile)
    out[lay.total_weight_cell] = total(lay.budget_weight_cell, lay.column_range(L.COL_WEIGHT))
    out[lay.total_score_cell] = total(lay.budget_score_cell, lay.column_range(L.COL_SCORE))
    out[lay.grade_cell] = grade(lay.total_score_cell, profile)
    return out


def project_values(form, lay: L.ProjectLayout, profile: Profile) -> dict[str, object]:
    """What each formula of `project_formulas` evaluates to for a sheet read as
    `form`, computed by the engine ("" where the formula gives blank).  Written
    as the formulas' cached values, so a file shows the right figures — and the
    engine reads them back — before any spreadsheet program recalculates."""
    from ..project.checks import weight_sum
    from ..project.scoring import budget_score as rule_budget_score
    from ..project.scoring import execution_rate as rule_execution_rate
    from ..project.scoring import grade as rule_grade

    def num(value):
        return value.number if value is not None and value.parsed.is_number else None

    out: dict[str, object] = {}
    lines = {line.label: line for line in form.budget_lines}
    rates = {}
    for i, label in enumerate(L.BUDGET_LINES):
        line = lines.get(label.replace("其中：", ""))
        rate = rule_execution_rate(num(line.spent), num(line.budget_full_year)) if line else None
        rates[i] = rate
        out[to_a1(L.FUNDS_FIRST_ROW + i, L.COL_EXECUTION_RATE)] = "" if rate is None else rate
    total_line = lines.get(L.BUDGET_LINES[0])
    weight = num(total_line.weight) if total_line else None
    bscore = rule_budget_score(weight, rates[0], profile)
    out[lay.budget_score_cell] = "" if bscore is None else bscore
    weights = [w for w in (num(i.weight) for i in form.indicators) if w is not None]
    scores = [s for s in (num(i.score) for i in form.indicators) if s is not None]
    out[lay.total_weight_cell] = weight_sum(form) if weight is not None or weights else ""
    total = (bscore or 0.0) + sum(scores) if bscore is not None or scores else None
    out[lay.total_score_cell] = "" if total is None else total
    out[lay.grade_cell] = rule_grade(total, profile) or ""
    return out


# ------------------------------------------------------------ 整体支出
def summary_row(sheet: str, lay: L.ProjectLayout, row: int) -> dict[str, str]:
    """Formulas of one 整体支出 row pulling a project sheet's figures, by column
    key of `layout.SUMMARY_COLUMNS` (index and sheet are plain values)."""
    def src(cell: str) -> str:
        return L.ref(sheet, cell)

    def text(cell: str) -> str:
        return f'=IF({src(cell)}="","",{src(cell)})'

    def number(cell: str) -> str:
        return f'=IF(ISNUMBER({src(cell)}),{src(cell)},"")'

    return {
        "name": text(lay.name_cell), "unit": text(lay.unit_cell),
        "budget_initial": number(lay.budget_initial_cell),
        "budget_full_year": number(lay.budget_full_year_cell),
        "spent": number(lay.spent_cell),
        "execution_rate": number(lay.execution_rate_cell),
        "total_weight": number(lay.total_weight_cell),
        "total_score": number(lay.total_score_cell),
        "grade": text(lay.grade_cell),
    }


def summary_total(first_row: int, last_row: int, total_row: int) -> dict[str, str]:
    """The 合计 row: money sums over the project rows, and the overall 执行率."""
    col = L.SUMMARY_COL
    out = {}
    for key in ("budget_initial", "budget_full_year", "spent"):
        out[key] = f"=SUM({to_a1(first_row, col[key])}:{to_a1(last_row, col[key])})"
    out["execution_rate"] = execution_rate(to_a1(total_row, col["budget_full_year"]),
                                           to_a1(total_row, col["spent"]))
    return out


# ------------------------------------------------------------ dropdowns
def level2_list(level1_cell: str) -> str:
    """List source of the 二级指标 dropdown for the row whose 一级 is in
    `level1_cell` (relative): that 一级's column on the hidden `lists` sheet, or
    every 二级 while the 一级 is blank or unknown."""
    from ..core.labels import LEVEL1_NAMES

    col = f"IFERROR(MATCH({level1_cell},{L.NAME_LEVEL2_HEAD},0),{len(LEVEL1_NAMES) + 1})"
    return f"OFFSET({L.NAME_LEVEL2_ORIGIN},0,{col},INDEX({L.NAME_LEVEL2_COUNT},1,{col}),1)"


def level2_mismatch(level1_cell: str, level2_cell: str) -> str:
    """TRUE when the row's 二级 is filled but is not one its 一级 allows (the
    clerk changed the 一级 after picking the 二级, or pasted text): the
    conditional format that marks it."""
    return f"AND(LEN({level2_cell})>0,ISNA(MATCH({level2_cell},{level2_list(level1_cell)},0)))"


def score_within_weight(score_cell: str, weight_cell: str) -> str:
    """Custom validation of 得分: a number, ≥ 0, and ≤ the row's 分值 when set."""
    h, g = score_cell, weight_cell
    return f"AND(ISNUMBER({h}),{h}>=0,OR(NOT(ISNUMBER({g})),{h}<={g}))"
