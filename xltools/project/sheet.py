"""The project sheet writer: one 项目支出绩效自评表 in the national layout
(`xltools.project.layout`), blank or filled from a form, written through the
sheet kit (`xltools.xlsx.sheet`).

    sheet = write_project_sheet(book, "窗口补贴", ProjectLayout(15), profile,
                                header=Header(department="…", year=2022),
                                form=form, rules={(12, 10): 9.5, (12, 11): "定量…"})

- A blank sheet computes 执行率, budget 得分, 总分 and 等次 with native formulas.
- A sheet filled from a unit's form keeps the unit's own figures in those
  cells, as typed; the rule's figures stand beside them in J:K (formulas:
  计算执行率, 规则得分, 规则总分 …; the indicators' 规则得分/规则说明 are the
  values `rules` gives — `master.plans.indicator_rule_cells`).
- Every formula carries the value it shows (`project.formulas.sheet_values`).
- Dropdowns, validation while typing, conditional formats marking problems,
  protection of formulas and labels, A4 landscape on one page, row heights
  planned from the text so nothing is cut when printed.

Nothing here reads a file or knows about the rest of the workbook except the
基础信息 cells the title and signature refer to (`Header`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from . import formulas as F
from . import layout as L
from ..core.addresses import from_a1, to_a1
from ..core.labels import canonical_level1, canonical_level2
from ..core.model import ProjectForm, Value
from ..profiles import Profile
from ..xlsx.sheet import (BOLD, CELL, CF_ERROR, CF_MUTED, CF_REQUIRED, CF_WARN, HEADER, LEFT,
                          LEFT_TOP, MONEY, NOTE, RATE, SCORE, TITLE, Book, Look, Sheet)

RULE_FILL = "DDEBF7"
RULE_HEADER = HEADER.but(fill=RULE_FILL)
RULE_NUMBER = Look(align="right", color="1F4E79", fmt="0.00")
RULE_TEXT = Look(align="left", color="1F4E79", wrap=False)
INPUT = CELL.but(locked=False)
INPUT_LEFT = LEFT.but(locked=False)
INPUT_LEFT_TOP = LEFT_TOP.but(locked=False)
INPUT_MONEY = MONEY.but(locked=False)
STATED = Look(align="right", locked=False)  # a unit's figure, shown as typed (General)
SIGNATURE = Look(align="left", border=False, wrap=False)
BOLD_HEADER = HEADER


@dataclass(frozen=True)
class Header:
    """What the sheet shows from outside the form: the defaults of its header
    fields and the 基础信息 cells its title and signature refer to (with the
    values they hold there, for the formulas' cached values)."""

    department: str = ""
    unit: Optional[str] = None
    year: Any = None
    filler: Any = None
    phone: Any = None
    year_ref: Optional[str] = None       # '基础信息'!$B$4; None: plain text title
    filler_ref: Optional[str] = None
    phone_ref: Optional[str] = None


# ============================================================ Public API


def write_project_sheet(book: Book, name: str, lay: L.ProjectLayout, profile: Profile, *,
                        header: Header = Header(), form: Optional[ProjectForm] = None,
                        rules: Optional[dict[tuple[int, int], Any]] = None) -> Sheet:
    """Write one project sheet named `name` into `book` and return it."""
    ws = book.sheet(name)
    ws.set_widths(L.PROJECT_WIDTHS)
    last = L.PRINT_LAST_COL
    stated = _stated(form, lay)

    # Grid of borders first (every printed cell of the table), then contents.
    for r in range(L.NAME_ROW, lay.grade_row + 1):
        for c in range(1, last + 1):
            ws.value(r, c, None, CELL)

    _labels(ws, lay)
    ws.text(L.HEADER_ROW, L.COL_DEPARTMENT, header.department or None, INPUT_LEFT)
    if header.unit:
        ws.text(L.HEADER_ROW, L.COL_UNIT, header.unit, INPUT_LEFT)
    for i in range(len(L.BUDGET_LINES)):
        r = L.FUNDS_FIRST_ROW + i
        for col in (L.COL_BUDGET_INITIAL, L.COL_BUDGET_FULL_YEAR, L.COL_SPENT):
            ws.value(r, col, None, INPUT_MONEY)
    ws.number(L.FUNDS_FIRST_ROW, L.COL_FUNDS_WEIGHT, profile.budget_weight, INPUT)
    for r in range(L.IND_FIRST_ROW, lay.ind_last_row + 1):
        for col in range(L.COL_LEVEL1, last + 1):
            left = col in (L.COL_INDICATOR, L.COL_NOTE, L.COL_TARGET, L.COL_ACTUAL)
            ws.value(r, col, None, INPUT_LEFT if left else INPUT)
        ws.value(r, L.COL_RULE_SCORE, None, RULE_NUMBER.but(locked=False))
        ws.value(r, L.COL_RULE_BASIS, None, RULE_TEXT.but(locked=False))
    if form is not None:
        _fill(ws, lay, form, stated)
    for (row, col), value in (rules or {}).items():
        look = RULE_NUMBER if col == L.COL_RULE_SCORE else RULE_TEXT
        ws.value(row, col, value, look.but(locked=False))

    # Formulas last: their values come from what the sheet now holds.
    formulas = F.project_formulas(lay, profile, stated)
    values = F.sheet_values(ws.at, lay, profile, formulas)
    for cell, text in formulas.items():
        row, col = from_a1(cell)
        ws.formula(row, col, text, values[cell], _formula_look(lay, cell))
    _title_and_signature(ws, lay, header)

    _heights(ws, lay)
    _validations(ws, lay)
    _conditional(ws, lay, profile)
    ws.print_setup(lay.print_area, title_rows=lay.print_title_rows, one_page=True)
    ws.protect()
    return ws


def stated_cells(form: Optional[ProjectForm], lay: L.ProjectLayout) -> frozenset[str]:
    """The cells of `lay.stated_cells` that keep `form`'s own figures (see `_stated`)."""
    return frozenset(_stated(form, lay))


# ============================================================ Private API


def _stated(form: Optional[ProjectForm], lay: L.ProjectLayout) -> dict[str, Optional[Value]]:
    """Cell → the unit's own figure for the computed cells of the official form
    (执行率 of each line, budget 得分, 总分得分, 等次).  A cell is left to its
    formula when the form has no such field, or the unit's cell was a formula
    itself (a master read back); an empty Value means "stated blank"."""
    if form is None:
        return {}
    out: dict[str, Optional[Value]] = {}
    lines = {line.label: line for line in form.budget_lines}
    for i, label in enumerate(L.BUDGET_LINES):
        line = lines.get(label.replace("其中：", ""))
        if line is not None and line.execution_rate is not None and not line.execution_rate.is_formula:
            out[lay.rate_cell(i)] = line.execution_rate
    total = form.budget_total
    if total is not None and total.score is not None and not total.score.is_formula:
        out[lay.budget_score_cell] = total.score
    if form.total_score is not None and not form.total_score.is_formula:
        out[lay.total_score_cell] = form.total_score
    if form.grade is not None and not form.grade.is_formula:
        out[lay.grade_cell] = form.grade
    return out


def _labels(ws: Sheet, lay: L.ProjectLayout) -> None:
    last = L.PRINT_LAST_COL
    ws.merge(L.NAME_ROW, L.COL_NAME_VALUE, L.NAME_ROW, last, None, INPUT_LEFT)
    ws.text(L.NAME_ROW, L.COL_BLOCK, "项目名称", BOLD_HEADER)
    ws.text(L.HEADER_ROW, L.COL_BLOCK, "主管部门", BOLD_HEADER)
    ws.merge(L.HEADER_ROW, L.COL_DEPARTMENT, L.HEADER_ROW, L.COL_UNIT_LABEL - 1, None, INPUT_LEFT)
    ws.text(L.HEADER_ROW, L.COL_UNIT_LABEL, "实施单位", BOLD_HEADER)
    ws.merge(L.HEADER_ROW, L.COL_UNIT, L.HEADER_ROW, last, None, INPUT_LEFT)

    ws.merge(L.FUNDS_HEADER_ROW, L.COL_BLOCK, L.FUNDS_FIRST_ROW + len(L.BUDGET_LINES) - 1, L.COL_BLOCK,
             "项目资金\n（万元）", BOLD_HEADER)
    ws.merge(L.FUNDS_HEADER_ROW, L.COL_FUNDS_LABEL, L.FUNDS_HEADER_ROW, L.COL_BUDGET_INITIAL - 1, None, CELL)
    for col, text in L.FUNDS_HEADERS.items():
        ws.text(L.FUNDS_HEADER_ROW, col, text, RULE_HEADER if col > last else HEADER)
    for i, label in enumerate(L.BUDGET_LINES):
        r = L.FUNDS_FIRST_ROW + i
        ws.merge(r, L.COL_FUNDS_LABEL, r, L.COL_BUDGET_INITIAL - 1, label, LEFT)
        if i:  # only 年度资金总额 carries 分值 and 得分
            ws.text(r, L.COL_FUNDS_WEIGHT, "—")
            ws.text(r, L.COL_FUNDS_SCORE, "—")
            ws.text(r, L.COL_RULE_BUDGET_SCORE, "—", RULE_TEXT.but(align="center"))

    ws.merge(L.GOAL_HEADER_ROW, L.COL_BLOCK, L.GOAL_ROW, L.COL_BLOCK, "年度总体目标", BOLD_HEADER)
    ws.merge(L.GOAL_HEADER_ROW, L.COL_GOAL_EXPECTED, L.GOAL_HEADER_ROW, L.COL_GOAL_ACTUAL - 1, "预期目标", HEADER)
    ws.merge(L.GOAL_HEADER_ROW, L.COL_GOAL_ACTUAL, L.GOAL_HEADER_ROW, last, "实际完成情况", HEADER)
    ws.merge(L.GOAL_ROW, L.COL_GOAL_EXPECTED, L.GOAL_ROW, L.COL_GOAL_ACTUAL - 1, None, INPUT_LEFT_TOP)
    ws.merge(L.GOAL_ROW, L.COL_GOAL_ACTUAL, L.GOAL_ROW, last, None, INPUT_LEFT_TOP)

    ws.merge(L.IND_HEADER_ROW, L.COL_BLOCK, lay.ind_last_row, L.COL_BLOCK, "绩效指标", BOLD_HEADER)
    for col, text in L.INDICATOR_HEADERS.items():
        ws.text(L.IND_HEADER_ROW, col, text, RULE_HEADER if col > last else HEADER)

    ws.merge(lay.total_row, L.COL_BLOCK, lay.total_row, L.COL_TOTAL_WEIGHT - 1, L.TOTAL_LABEL, BOLD_HEADER)
    ws.merge(lay.grade_row, L.COL_BLOCK, lay.grade_row, L.COL_GRADE - 1, L.GRADE_LABEL, BOLD_HEADER)
    ws.merge(lay.grade_row, L.COL_GRADE, lay.grade_row, last, None, BOLD)
    ws.merge(lay.remark_row, 1, lay.remark_row, last, L.REMARK_TEXT, NOTE)
    ws.merge(lay.signature_row, 1, lay.signature_row, last, None, SIGNATURE)


def _formula_look(lay: L.ProjectLayout, cell: str) -> Look:
    row, col = from_a1(cell)
    if col > L.PRINT_LAST_COL:
        if cell == lay.rule_total_cell:
            return RULE_NUMBER.but(fmt=L.RULE_TOTAL_FORMAT)
        if cell == lay.entered_total_cell:
            return RULE_NUMBER.but(fmt=L.ENTERED_TOTAL_FORMAT)
        if cell == lay.rule_grade_cell:
            return RULE_NUMBER.but(fmt=L.RULE_GRADE_FORMAT, align="left")
        if cell == lay.stated_total_grade_cell:
            return RULE_NUMBER.but(fmt=L.STATED_GRADE_FORMAT, align="left")
        return RULE_NUMBER.but(fmt="0.00%" if col == L.COL_RULE_RATE else "0.00")
    if cell == lay.total_weight_cell:
        return BOLD.but(fmt="General")
    if cell == lay.total_score_cell:
        return BOLD.but(fmt=SCORE.fmt)
    if cell == lay.grade_cell:
        return BOLD
    if col == L.COL_EXECUTION_RATE:
        return RATE
    return SCORE


def _title_and_signature(ws: Sheet, lay: L.ProjectLayout, header: Header) -> None:
    last = L.PRINT_LAST_COL
    if header.year_ref:
        ws.merge_formula(L.TITLE_ROW, 1, L.TITLE_ROW, last, F.title(header.year_ref),
                         F.title_value(header.year), TITLE)
    else:
        ws.merge(L.TITLE_ROW, 1, L.TITLE_ROW, last, F.title_value(header.year), TITLE)
    row, col = from_a1(lay.signature_cell)
    if header.filler_ref and header.phone_ref:
        ws.formula(row, col, F.signature(header.filler_ref, header.phone_ref),
                   F.signature_value(header.filler, header.phone), SIGNATURE)
    else:
        ws.text(row, col, F.signature_value(header.filler, header.phone), SIGNATURE)


def _number_or_raw(v: Optional[Value]) -> Any:
    """A typed figure as the master holds it: a number when it reads as one
    (money converted to 万元), else the text as typed."""
    if v is None or v.empty:
        return None
    if v.parsed.is_number and not v.parsed.comparator:
        return v.number
    return v.raw if not isinstance(v.raw, str) else v.raw.strip()


def _text(v: Optional[Value]) -> Any:
    if v is None or v.empty:
        return None
    return v.raw.strip() if isinstance(v.raw, str) else v.raw


def _rate_format(v: Value) -> str:
    """A percent format showing a stated rate with the decimals it was typed with."""
    places = max((v.parsed.decimals or 2) - 2, 0)
    return "0" + ("." + "0" * places if places else "") + "%"


def _fill(ws: Sheet, lay: L.ProjectLayout, form: ProjectForm, stated: dict[str, Optional[Value]]) -> None:
    """Copy a form's typed values into the sheet, the unit's figures included."""
    ws.text(L.NAME_ROW, L.COL_NAME_VALUE, _text(form.name), INPUT_LEFT)
    if form.department is not None and not form.department.empty:
        ws.value(L.HEADER_ROW, L.COL_DEPARTMENT, _text(form.department), INPUT_LEFT)
    if form.unit is not None and not form.unit.empty:
        ws.value(L.HEADER_ROW, L.COL_UNIT, _text(form.unit), INPUT_LEFT)
    rows = {label.replace("其中：", ""): i for i, label in enumerate(L.BUDGET_LINES)}
    for line in form.budget_lines:
        i = rows.get(line.label)
        if i is None:
            continue
        r = L.FUNDS_FIRST_ROW + i
        for attr, col in (("budget_initial", L.COL_BUDGET_INITIAL),
                          ("budget_full_year", L.COL_BUDGET_FULL_YEAR), ("spent", L.COL_SPENT)):
            ws.value(r, col, _number_or_raw(getattr(line, attr)), INPUT_MONEY)
        if i == 0:
            ws.value(r, L.COL_FUNDS_WEIGHT, _number_or_raw(line.weight), INPUT)
    for cell, value in stated.items():
        row, col = from_a1(cell)
        shown = _number_or_raw(value) if cell != lay.grade_cell else _text(value)
        look = STATED
        if row < L.GOAL_HEADER_ROW and col == L.COL_EXECUTION_RATE and isinstance(shown, (int, float)):
            look = STATED.but(fmt=_rate_format(value))
        if cell == lay.grade_cell:
            look = BOLD.but(locked=False)
        ws.value(row, col, shown, look.but(bold=row >= lay.total_row))
    ws.value(L.GOAL_ROW, L.COL_GOAL_EXPECTED, _text(form.goal_expected), INPUT_LEFT_TOP)
    ws.value(L.GOAL_ROW, L.COL_GOAL_ACTUAL, _text(form.goal_actual), INPUT_LEFT_TOP)
    for k, ind in enumerate(form.indicators[:lay.indicator_rows]):
        r = lay.indicator_row(k)
        ws.value(r, L.COL_LEVEL1, canonical_level1(ind.level1) or ind.level1 or None, INPUT)
        ws.value(r, L.COL_LEVEL2, canonical_level2(ind.level2) or ind.level2 or None, INPUT)
        ws.value(r, L.COL_INDICATOR, _text(ind.name), INPUT_LEFT)
        for col, v in ((L.COL_TARGET, ind.target), (L.COL_ACTUAL, ind.actual)):
            percent = v is not None and v.parsed.percent and isinstance(v.raw, float)
            ws.value(r, col, _text(v), INPUT_LEFT.but(fmt="0.00%") if percent else INPUT_LEFT)
        ws.value(r, L.COL_WEIGHT, _number_or_raw(ind.weight), INPUT)
        ws.value(r, L.COL_SCORE, _number_or_raw(ind.score), INPUT)
        ws.value(r, L.COL_NOTE, _text(ind.deviation_note), INPUT_LEFT)


def _heights(ws: Sheet, lay: L.ProjectLayout) -> None:
    """Row heights that show wrapped text whole (Excel does not grow the rows
    of a file it opens; printing must look the same everywhere)."""
    span = ws.span_width
    last = L.PRINT_LAST_COL
    ws.height(L.TITLE_ROW, 32)
    ws.fit_row(L.NAME_ROW, [(ws.at((L.NAME_ROW, L.COL_NAME_VALUE)), span(L.COL_NAME_VALUE, last))], 24)
    ws.fit_row(L.HEADER_ROW, [(ws.at((L.HEADER_ROW, L.COL_DEPARTMENT)),
                               span(L.COL_DEPARTMENT, L.COL_UNIT_LABEL - 1)),
                              (ws.at((L.HEADER_ROW, L.COL_UNIT)), span(L.COL_UNIT, last))], 24)
    ws.fit_row(L.FUNDS_HEADER_ROW, [(t, ws.widths[c]) for c, t in L.FUNDS_HEADERS.items()], 28)
    for r in range(L.FUNDS_FIRST_ROW, L.FUNDS_FIRST_ROW + len(L.BUDGET_LINES)):
        ws.fit_row(r, [(ws.at((r, L.COL_FUNDS_LABEL)), span(L.COL_FUNDS_LABEL, L.COL_BUDGET_INITIAL - 1))]
                   + [(ws.at((r, c)), ws.widths[c]) for c in range(L.COL_BUDGET_INITIAL, last + 1)], 20)
    ws.fit_row(L.GOAL_HEADER_ROW, [("预期目标", 10)], 20)
    ws.fit_row(L.GOAL_ROW, [(ws.at((L.GOAL_ROW, L.COL_GOAL_EXPECTED)),
                             span(L.COL_GOAL_EXPECTED, L.COL_GOAL_ACTUAL - 1)),
                            (ws.at((L.GOAL_ROW, L.COL_GOAL_ACTUAL)), span(L.COL_GOAL_ACTUAL, last))], 48)
    ws.fit_row(L.IND_HEADER_ROW, [(t, ws.widths[c]) for c, t in L.INDICATOR_HEADERS.items()], 28)
    for r in range(L.IND_FIRST_ROW, lay.ind_last_row + 1):
        ws.fit_row(r, [(ws.at((r, c)), ws.widths[c]) for c in range(L.COL_LEVEL1, last + 1)], 20)
    ws.height(lay.total_row, 24)
    ws.height(lay.grade_row, 24)
    ws.fit_row(lay.remark_row, [(L.REMARK_TEXT, span(1, last))], 18)
    ws.height(lay.signature_row, 24)


def _validations(ws: Sheet, lay: L.ProjectLayout) -> None:
    first = L.IND_FIRST_ROW
    b, g, h = (to_a1(first, c) for c in (L.COL_LEVEL1, L.COL_WEIGHT, L.COL_SCORE))
    ws.validation(lay.column_range(L.COL_LEVEL1), "list", source=L.NAME_LEVEL1,
                  title="一级指标", prompt="请从下拉列表选择：产出指标、效益指标或满意度指标。",
                  error="一级指标只能是：产出指标、效益指标、满意度指标。请从下拉列表选择。")
    ws.validation(lay.column_range(L.COL_LEVEL2), "list", source=F.level2_list(b),
                  title="二级指标", prompt="先选一级指标，再从下拉列表选择它下面的二级指标。",
                  error="二级指标必须属于本行的一级指标（如 产出指标 → 数量指标、质量指标、时效指标、成本指标）。"
                        "请从下拉列表选择。")
    ws.validation(f"{lay.budget_weight_cell} {lay.column_range(L.COL_WEIGHT)}", "decimal",
                  minimum=0, maximum=100, title="分值",
                  prompt="填写 0 到 100 之间的数字。预算执行率分值一般为 10；各项分值合计应为 100。",
                  error="分值必须是 0 到 100 之间的数字。")
    ws.validation(lay.column_range(L.COL_SCORE), "custom", source=F.score_within_weight(h, g),
                  title="得分", prompt="填写不小于 0、不大于本行分值的数字。得分低于分值时，请在“偏差原因分析及改进措施”写明原因。",
                  error="得分必须是数字，不能小于 0，也不能大于本行的分值。")
    money = (f"{to_a1(L.FUNDS_FIRST_ROW, L.COL_BUDGET_INITIAL)}:"
             f"{to_a1(L.FUNDS_FIRST_ROW + len(L.BUDGET_LINES) - 1, L.COL_SPENT)}")
    ws.validation(money, "decimal", minimum=0, operator="greaterThanOrEqual",
                  title="金额（万元）", prompt="填写以万元为单位的数字，不带“万元”字样；没有就空着。",
                  error="金额必须是不小于 0 的数字（单位：万元，不要写“万元”“元”）。如 794500元 请写 79.45。")
    ws.validation(lay.unit_cell, "list", source=L.NAME_UNITS, style="warning",
                  title="实施单位", prompt="从下拉列表选择；名单在“基础信息”表中维护。",
                  error="该单位不在“基础信息”的单位名单中。仍要使用请点“是”，或先把它加入名单。")


def _conditional(ws: Sheet, lay: L.ProjectLayout, profile: Profile) -> None:
    first = L.IND_FIRST_ROW
    b, c, d, g, h, i = (to_a1(first, col) for col in (L.COL_LEVEL1, L.COL_LEVEL2, L.COL_INDICATOR,
                                                       L.COL_WEIGHT, L.COL_SCORE, L.COL_NOTE))
    ws.conditional(lay.column_range(L.COL_SCORE), F.score_over_weight(h, g), CF_ERROR, stop=True)
    ws.conditional(lay.column_range(L.COL_NOTE), F.deduction_without_reason(g, h, i), CF_WARN)
    ws.conditional(lay.column_range(L.COL_LEVEL2), F.level2_mismatch(b, c), CF_WARN, stop=True)
    ws.conditional(lay.total_weight_cell, F.weight_total_off(lay.total_weight_cell, profile), CF_ERROR)
    for cell in (lay.name_cell, lay.unit_cell, lay.budget_full_year_cell, lay.spent_cell,
                 lay.budget_weight_cell):
        ws.conditional(cell, F.required(cell), CF_REQUIRED)
    for col in (L.COL_LEVEL1, L.COL_LEVEL2, L.COL_TARGET, L.COL_ACTUAL, L.COL_WEIGHT, L.COL_SCORE):
        ws.conditional(lay.column_range(col), F.required_in_used_row("$" + d, to_a1(first, col)), CF_REQUIRED)
    if lay.indicator_rows > 1:
        b2 = to_a1(first + 1, L.COL_LEVEL1)
        ws.conditional(f"{b2}:{to_a1(lay.ind_last_row, L.COL_LEVEL1)}", F.repeated_from_above(b2, b), CF_MUTED)
