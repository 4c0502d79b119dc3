"""The native formulas of the project sheet — one place for their text, and
for the value each one shows.

`xltools new` (through `xltools.project.sheet`) and the headless buttons
(`xltools.master.plans`) both take formula text from here, so a formula written
by `xltools new` and one rewritten by `xltools recalc` are the same.  Every rule
number comes from the profile (budget 分值, rate cap, total 100, grade bands);
every address from `xltools.project.layout`.

Each formula has its Python twin: `sheet_values` computes what every formula
cell of a sheet shows from the cells' own values, with the engine's functions
(`scoring.execution_rate`, `scoring.budget_score`, `scoring.grade`) where the
formula applies a rule and plain arithmetic where it adds cells up.  These are
the cached values written into the file, so previews, Protected View and any
reader of stored values see what Excel, WPS or LibreOffice compute (the tests
compare every cell with LibreOffice's forced recalculation).

Classic functions only (IF, AND, OR, NOT, ISNUMBER, ISNA, MIN, MAX, SUM, COUNT,
N, SUMPRODUCT, LEN, TRIM, ABS, OFFSET, MATCH, INDEX, COUNTA, IFERROR): Excel
2007+, WPS and LibreOffice all evaluate them.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Optional

from . import layout as L
from ..core.addresses import to_a1
from ..profiles import Profile

#: `scoring.grade` compares with this tolerance; the formula does the same.
GRADE_EPS = "0.000000001"

ValueAt = Callable[[str], Any]


def num(x: float) -> str:
    """A number as formula text: 10.0 → "10", 0.5 → "0.5"."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def is_number(value: Any) -> bool:
    """What ISNUMBER says of a cell's value."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def text_of(value: Any) -> str:
    """A cell's value as `&` joins it into a text: 2022 → "2022", blank → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if is_number(value):
        return num(value) if float(value).is_integer() else repr(float(value))
    return str(value)


# ================================================================ formula text
def execution_rate(full_year_cell: str, spent_cell: str) -> str:
    """执行率 = 全年执行数 ÷ 全年预算数; blank unless both are numbers and the
    budget is positive (`scoring.execution_rate`)."""
    e, f = full_year_cell, spent_cell
    return f'=IF(AND(ISNUMBER({e}),ISNUMBER({f})),IF({e}>0,{f}/{e},""),"")'


def execution_rate_value(full_year: Any, spent: Any) -> Any:
    """What `execution_rate` shows, given the two cells' values."""
    from .scoring import execution_rate as rule

    if not (is_number(full_year) and is_number(spent)):
        return ""
    rate = rule(spent, full_year)
    return "" if rate is None else rate


def budget_score(weight_cell: str, rate_cell: str, profile: Profile) -> str:
    """预算执行率得分 = 分值 × min(max(执行率, 0), cap) (`scoring.budget_score`)."""
    g, h = weight_cell, rate_cell
    return f'=IF(AND(ISNUMBER({g}),ISNUMBER({h})),{g}*MIN(MAX({h},0),{num(profile.rate_cap)}),"")'


def budget_score_value(weight: Any, rate: Any, profile: Profile) -> Any:
    """What `budget_score` shows, given the two cells' values."""
    from .scoring import budget_score as rule

    if not (is_number(weight) and is_number(rate)):
        return ""
    return rule(weight, rate, profile)


def sum_if_any(*parts: str) -> str:
    """The sum of cells or ranges; blank while none of them holds a number."""
    cells = ",".join(parts)
    return f'=IF(COUNT({cells})=0,"",SUM({cells}))'


def total(first_cell: str, column_range: str) -> str:
    """Budget line plus the indicator rows (其中 rows never counted); blank while
    nothing is filled (`checks.weight_sum` / `checks.entered_score_sum`)."""
    return sum_if_any(first_cell, column_range)


def grade_bands(total_cell: str, bands: list[tuple[str, float]]) -> str:
    """等次 of a total from (name, lower bound) bands, highest first, lower bound
    inclusive; blank while the total is not a number."""
    expr = f'"{bands[-1][0]}"'
    for name, lower in reversed(bands[:-1]):
        expr = f'IF({total_cell}>={num(lower)}-{GRADE_EPS},"{name}",{expr})'
    return f'=IF(NOT(ISNUMBER({total_cell})),"",{expr})'


def grade(total_cell: str, profile: Profile) -> str:
    """等次 of the total from the profile's bands (`scoring.grade`)."""
    return grade_bands(total_cell, list(profile.grades))


def rule_total(budget_rule_cell: str, rule_range: str, score_range: str) -> str:
    """规则总分: the budget line's rule score plus each indicator's 规则得分, the
    clerk's 得分 where the rule gives none (`report.CheckedForm.rule_score_total`);
    blank while none of them is a number."""
    return (f'=IF(COUNT({budget_rule_cell},{rule_range},{score_range})=0,"",'
            f'N({budget_rule_cell})+SUM({rule_range})+SUMIF({rule_range},"",{score_range}))')


def title(year_cell: str) -> str:
    """“2022年度项目支出绩效自评表”, the year typed in 基础信息."""
    return f'=IF(ISNUMBER({year_cell}),{year_cell}&"年度","    年度")&"{L.TITLE_TEXT}"'


SIGNATURE_PARTS = ("填表人：", "        填报日期：                联系电话：", "        单位负责人签字：")


def signature(filler_cell: str, phone_cell: str) -> str:
    """The 填表人 / 联系电话 line under the form, from 基础信息."""
    a, b, c = SIGNATURE_PARTS
    return f'="{a}"&{filler_cell}&"{b}"&{phone_cell}&"{c}"'


def project_formulas(lay: L.ProjectLayout, profile: Profile,
                     stated: Iterable[str] = ()) -> dict[str, str]:
    """Every formula cell of a project sheet: A1 address → formula text.  The
    cells in `stated` (a form's own 执行率, 得分, 总分, 等次 — `lay.stated_cells`)
    hold the unit's figures instead and get no formula."""
    out: dict[str, str] = {}
    for i in range(len(L.BUDGET_LINES)):
        r = L.FUNDS_FIRST_ROW + i
        rate = execution_rate(to_a1(r, L.COL_BUDGET_FULL_YEAR), to_a1(r, L.COL_SPENT))
        out[lay.rate_cell(i)] = rate
        out[lay.rule_rate_cell_of(i)] = rate
    out[lay.budget_score_cell] = budget_score(lay.budget_weight_cell, lay.execution_rate_cell, profile)
    out[lay.rule_budget_score_cell] = budget_score(lay.budget_weight_cell, lay.rule_rate_cell, profile)
    out[lay.total_weight_cell] = total(lay.budget_weight_cell, lay.column_range(L.COL_WEIGHT))
    out[lay.total_score_cell] = total(lay.budget_score_cell, lay.column_range(L.COL_SCORE))
    out[lay.grade_cell] = grade(lay.total_score_cell, profile)
    out[lay.entered_total_cell] = total(lay.budget_score_cell, lay.column_range(L.COL_SCORE))
    out[lay.stated_total_grade_cell] = grade(lay.total_score_cell, profile)
    out.update(rule_total_formulas(lay, profile))
    for cell in stated:
        out.pop(cell, None)
    return out


def rule_total_formulas(lay: L.ProjectLayout, profile: Profile) -> dict[str, str]:
    """The two formulas fed by the 规则得分 column (一键重算 refreshes their values)."""
    return {
        lay.rule_total_cell: rule_total(lay.rule_budget_score_cell, lay.column_range(L.COL_RULE_SCORE),
                                        lay.column_range(L.COL_SCORE)),
        lay.rule_grade_cell: grade(lay.rule_total_cell, profile),
    }


# ================================================================ their values
def sheet_values(value_at: ValueAt, lay: L.ProjectLayout, profile: Profile,
                 formulas: Mapping[str, str]) -> dict[str, Any]:
    """What each cell of `formulas` (from `project_formulas`) shows, given the
    values of the sheet's other cells (`value_at("E5")`; None when blank).
    "" where a formula shows blank.  Cells are computed in dependency order and
    a computed value feeds the formulas after it."""
    from .scoring import grade as rule_grade

    done: dict[str, Any] = {}

    def get(cell: str) -> Any:
        value = done[cell] if cell in done else value_at(cell)
        return None if value == "" else value

    def numbers(cells: Iterable[str]) -> list[float]:
        return [v for v in (get(c) for c in cells) if is_number(v)]

    def column(col: int) -> list[str]:
        return [to_a1(lay.indicator_row(k), col) for k in range(lay.indicator_rows)]

    def put(cell: str, value: Any) -> None:
        if cell in formulas:
            done[cell] = "" if value is None else value

    def rate_of(line: int) -> Any:
        r = L.FUNDS_FIRST_ROW + line
        return execution_rate_value(get(to_a1(r, L.COL_BUDGET_FULL_YEAR)), get(to_a1(r, L.COL_SPENT)))

    def score_of(weight_cell: str, rate_cell: str) -> Any:
        return budget_score_value(get(weight_cell), get(rate_cell), profile)

    def total_of(cells: list[str]) -> Optional[float]:
        found = numbers(cells)
        return sum(found) if found else None

    def grade_of(cell: str) -> Optional[str]:
        value = get(cell)
        return rule_grade(value, profile) if is_number(value) else None

    for i in range(len(L.BUDGET_LINES)):
        put(lay.rate_cell(i), rate_of(i))
        put(lay.rule_rate_cell_of(i), rate_of(i))
    put(lay.budget_score_cell, score_of(lay.budget_weight_cell, lay.execution_rate_cell))
    put(lay.rule_budget_score_cell, score_of(lay.budget_weight_cell, lay.rule_rate_cell))
    put(lay.total_weight_cell, total_of([lay.budget_weight_cell, *column(L.COL_WEIGHT)]))
    put(lay.total_score_cell, total_of([lay.budget_score_cell, *column(L.COL_SCORE)]))
    put(lay.grade_cell, grade_of(lay.total_score_cell))
    put(lay.entered_total_cell, total_of([lay.budget_score_cell, *column(L.COL_SCORE)]))
    put(lay.stated_total_grade_cell, grade_of(lay.total_score_cell))
    done.update(rule_total_values(get, lay, profile))
    return {cell: done[cell] for cell in formulas if cell in done}


def rule_total_values(value_at: ValueAt, lay: L.ProjectLayout, profile: Profile) -> dict[str, Any]:
    """Values of `rule_total_formulas` given the sheet's cells."""
    from .scoring import grade as rule_grade

    def get(cell: str) -> Any:
        value = value_at(cell)
        return None if value == "" else value

    budget = get(lay.rule_budget_score_cell)
    rules = [get(to_a1(lay.indicator_row(k), L.COL_RULE_SCORE)) for k in range(lay.indicator_rows)]
    scores = [get(to_a1(lay.indicator_row(k), L.COL_SCORE)) for k in range(lay.indicator_rows)]
    if not any(is_number(v) for v in [budget, *rules, *scores]):
        return {lay.rule_total_cell: "", lay.rule_grade_cell: ""}
    value = (budget if is_number(budget) else 0.0)
    value += sum(v for v in rules if is_number(v))
    value += sum(s for r, s in zip(rules, scores) if r is None and is_number(s))
    return {lay.rule_total_cell: value, lay.rule_grade_cell: rule_grade(value, profile) or ""}


def title_value(year: Any) -> str:
    return (f"{text_of(year)}年度" if is_number(year) else "    年度") + L.TITLE_TEXT


def signature_value(filler: Any, phone: Any) -> str:
    a, b, c = SIGNATURE_PARTS
    return f"{a}{text_of(filler)}{b}{text_of(phone)}{c}"


# ================================================================ validations and marks
def level2_list(level1_cell: str) -> str:
    """List source of the 二级指标 dropdown for the row whose 一级 is in
    `level1_cell` (relative): that 一级's column on the hidden `lists` sheet, or
    every 二级 while the 一级 is blank or unknown (defined names of
    `project.layout`, made by `master.build`)."""
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


def score_over_weight(score_cell: str, weight_cell: str) -> str:
    h, g = score_cell, weight_cell
    return f"AND(ISNUMBER({h}),ISNUMBER({g}),{h}>{g})"


def deduction_without_reason(weight_cell: str, score_cell: str, note_cell: str) -> str:
    g, h, i = weight_cell, score_cell, note_cell
    return f"AND(ISNUMBER({g}),ISNUMBER({h}),{h}<{g},LEN(TRIM({i}))=0)"


def weight_total_off(total_cell: str, profile: Profile) -> str:
    t = total_cell
    return f"AND(ISNUMBER({t}),ABS({t}-{num(profile.weight_total)})>0.001)"


def required(cell: str) -> str:
    return f"LEN(TRIM({cell}))=0"


def required_in_used_row(indicator_cell: str, cell: str) -> str:
    return f"AND(LEN(TRIM({indicator_cell}))>0,LEN(TRIM({cell}))=0)"


def repeated_from_above(cell: str, above: str) -> str:
    return f"AND(LEN({cell})>0,{cell}={above})"
