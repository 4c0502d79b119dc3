"""The department sheets of the master: 基础数据表 (附件1-1), 部门整体支出绩效自评表
(附件1-2) and 部门整体支出评分表 (the profile's 评分表 with the clerk's scores),
written through the sheet kit (`xltools.xlsx.sheet`).

    add_department_sheets(book, department_data=None, profile=None, base=None)

`book` is a kit `Book`; the three sheets are added in order at the point of the
call.  `department_data` (every key optional)::

    {
        "department": "株洲市行政审批服务局",
        "year": 2022,
        "projects": [  # consolidated project records, one per unit and project
            {"unit": "局机关", "name": "窗口补贴", "budget_initial": 160,
             "budget_full_year": 65.61, "spent": 65.61, "last_year_final": 160},
        ],
        "basic_spending": {"budget_initial": 1101.76, "budget_full_year": 958.08,
                           "spent": 958.08},
        "staff": {"quota": 43, "actual": 42},
    }

`base` ({"year": ref, "department": ref}, the master's 基础信息 cells) makes the
titles and year headings formulas that follow what is typed there.

Projects with the same name are one special fund (one row, amounts summed).
Everything else is left for the clerk, in unlocked cells with validation.
年度资金总额 is 基本支出 + 项目支出: while 基本支出 is blank it shows “待填”, and
so do its 执行率, 得分 and the 总分 that depend on it.  Every formula carries
the value it shows (`department.formulas`, `rules.score_line`); every row has
a height planned from its text (`Sheet.fit_rows`).  Layout from
`xltools.department.layout`; formulas are classic functions only.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Optional

from ..core.addresses import from_a1, to_a1
from ..core.labels import LEVEL1_NAMES, LEVEL2_OF
from ..xlsx.sheet import (BOLD, CELL, CF_ERROR, HEADER, LEFT, MONEY, NOTE, RATE, SCORE, TITLE, Book,
                          Look, Sheet, quote_sheet)
from . import formulas as F
from . import layout as D
from ..profiles import DepartmentProfile, load_profile
from .rules import score_line

INPUT_FILL = "FFF2CC"
RULE_FILL = "DDEBF7"
INPUT = CELL.but(fill=INPUT_FILL, locked=False)
INPUT_LEFT = LEFT.but(fill=INPUT_FILL, locked=False)
INPUT_MONEY = MONEY.but(fill=INPUT_FILL, locked=False)
RULE = CELL.but(fill=RULE_FILL)
RULE_LEFT = LEFT.but(fill=RULE_FILL)
TAG = Look(bold=True, border=False, align="left")
UNIT_NOTE = NOTE.but(wrap=True)
CF_ERROR_PLAIN = {k: v for k, v in CF_ERROR.items() if k != "bold"}


# ============================================================ Public API


def add_department_sheets(book: Book, department_data: Optional[dict] = None,
                          profile: DepartmentProfile | str | None = None,
                          base: Optional[dict[str, str]] = None) -> list[Sheet]:
    """Add the three department sheets to `book`.  Returns them in order."""
    data = department_data or {}
    if profile is None or isinstance(profile, str):
        profile = load_profile(profile, kind="department")
    funds = consolidate_funds(data.get("projects", []))
    basic, self_, score = (book.sheet(name) for name in D.DEPARTMENT_SHEETS)
    writer = _Writer(book, data, base or {}, profile)
    basic_layout = writer.basic_sheet(basic, funds)
    writer.self_sheet(self_, funds, basic_layout)
    writer.score_sheet(score, profile, basic_layout)
    return [basic, self_, score]


def consolidate_funds(projects: list[dict]) -> list[dict]:
    """One entry per special fund (project name), amounts summed over units, in
    the order the funds first appear."""
    funds: "OrderedDict[str, dict]" = OrderedDict()
    for record in projects:
        name = str(record.get("name") or "").strip()
        if not name:
            continue
        fund = funds.setdefault(name, {"name": name, "units": []})
        unit = record.get("unit")
        if unit and unit not in fund["units"]:
            fund["units"].append(unit)
        for key in ("budget_initial", "budget_full_year", "spent", "last_year_final"):
            value = record.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                fund[key] = round(fund.get(key, 0.0) + float(value), 6)
    return list(funds.values())


def input_refs(profile: DepartmentProfile, basic: D.BasicLayout) -> dict[str, Optional[str]]:
    """Input key → the master cell holding it (sheet-qualified)."""
    b, s = quote_sheet(D.BASIC_SHEET), quote_sheet(D.SELF_SHEET)
    refs: dict[str, Optional[str]] = {
        "staff_quota": f"{b}!{to_a1(D.BASIC_STAFF_ROW, D.BASIC_QUOTA_COL, True)}",
        "staff_actual": f"{b}!{to_a1(D.BASIC_STAFF_ROW, D.BASIC_ACTUAL_COL, True)}",
        "three_public_last_final": f"{b}!{_abs(basic.cell('three_public', D.COL_LAST_FINAL))}",
        "three_public_budget": f"{b}!{_abs(basic.cell('three_public', D.COL_BUDGET))}",
        "three_public_final": f"{b}!{_abs(basic.cell('three_public', D.COL_FINAL))}",
        "project_spending": f"{b}!{_abs(basic.cell('projects', D.COL_FINAL))}",
        "procurement_budget": f"{b}!{_abs(basic.cell('procurement', D.COL_BUDGET))}",
        "procurement_actual": f"{b}!{_abs(basic.cell('procurement', D.COL_FINAL))}",
        "budget_initial": f"{s}!{to_a1(D.SELF_TOTAL_ROW, D.COL_S_INITIAL, True)}",
        "budget_full_year": f"{s}!{to_a1(D.SELF_TOTAL_ROW, D.COL_S_FULL_YEAR, True)}",
        "spent": f"{s}!{to_a1(D.SELF_TOTAL_ROW, D.COL_S_SPENT, True)}",
    }
    rows = D.score_rows(len(profile.lines))
    for i, key in enumerate(supplement_keys(profile)):
        refs[key] = to_a1(rows["supplement_first"] + i, D.COL_SUP_VALUE, True)
    return refs


def supplement_keys(profile: DepartmentProfile) -> list[str]:
    """Inputs the clerk enters in the 补充数据 block (those no other sheet holds)."""
    used: set[str] = set()
    from ..profiles import expr

    for line in profile.lines:
        if line.formula:
            used |= expr.names(line.formula)
        for band in line.rule.bands:
            if band.when != "else":
                used |= expr.names(band.when)
    used.discard("value")
    return [k for k in profile.inputs if k in used and k not in D.MASTER_PROVIDED_INPUTS]


# ============================================================ Private API


def _abs(cell: str) -> str:
    return to_a1(*from_a1(cell), absolute=True)


def _values(ws: Sheet, rng: str) -> list[Any]:
    """What the cells of a range ("H17:H31") show."""
    a, _, b = rng.partition(":")
    (r1, c1), (r2, c2) = from_a1(a), from_a1(b or a)
    return [ws.at((r, c)) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _number(value: Any) -> Optional[float]:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class _Writer:
    """Writes the three sheets; knows the book (for the values other sheets
    show) and the 基础信息 references the titles follow."""

    def __init__(self, book: Book, data: dict, base: dict[str, str], profile: DepartmentProfile) -> None:
        self.book = book
        self.data = data
        self.base = base
        self.profile = profile

    # -- values across sheets ---------------------------------------------------
    def value_of(self, ref: str, sheet: Sheet) -> Any:
        """What a cell shows, `ref` local to `sheet` or 'Sheet'!$A$1."""
        if "!" in ref:
            name, cell = ref.rsplit("!", 1)
            name = name.strip("'").replace("''", "'")
            target = self.book.get(name)
            if target is None:
                return None
            return target.at(cell)
        return sheet.at(ref)

    def year(self) -> Any:
        return self.data.get("year")

    def year_heading(self, ws: Sheet, row: int, col: int, offset: int, suffix: str,
                     fallback: str, look: Look) -> None:
        """A heading that names a year (“2021年决算数”), following 基础信息."""
        value = F.year_text_value(self.year(), offset, suffix, fallback)
        if self.base.get("year"):
            ws.formula(row, col, F.year_text(self.base["year"], offset, suffix, fallback), value, look)
        else:
            ws.text(row, col, value, look)

    def title(self, ws: Sheet, tag: Optional[str], suffix: str, last_col: int, row: int = 2) -> None:
        if tag:
            ws.text(1, 1, tag, TAG)
        if self.base.get("year"):
            value = F.year_text_value(self.year(), 0, "年度" + suffix, suffix)
            ws.merge_formula(row, 1, row, last_col, F.year_text(self.base["year"], 0, "年度" + suffix, suffix),
                             value, TITLE)
        else:
            ws.merge(row, 1, row, last_col, F.year_text_value(self.year(), 0, "年度" + suffix, suffix), TITLE)
        ws.height(row, 30)

    # -- 基础数据表 ----------------------------------------------------------------
    def basic_sheet(self, ws: Sheet, funds: list[dict]) -> D.BasicLayout:
        n = max(len(funds) + D.SPARE_FUND_ROWS, D.MIN_FUND_ROWS)
        lay = D.BasicLayout(n)
        last = D.BASIC_LAST_COL
        ws.set_widths(D.BASIC_WIDTHS)
        self.title(ws, "附件1-1", D.BASIC_TITLE, last)
        for r in range(D.BASIC_STAFF_HEADER_ROW, lay.frugality_row + 1):
            for c in range(1, last + 1):
                ws.value(r, c, None, CELL)
        # Staff.
        r = D.BASIC_STAFF_HEADER_ROW
        ws.merge(r, 1, r + 1, 1, "财政供养人员情况（人）", HEADER)
        ws.text(r, D.BASIC_QUOTA_COL, "编制数", HEADER)
        self.year_heading(ws, r, D.BASIC_ACTUAL_COL, 0, "年实际在职人数", "本年实际在职人数", HEADER)
        ws.text(r, D.BASIC_RATE_COL, "控制率", HEADER)
        for c in range(D.BASIC_RATE_COL + 1, last + 1):
            ws.value(r, c, None, HEADER)
        staff = self.data.get("staff") or {}
        row = D.BASIC_STAFF_ROW
        quota, actual = _number(staff.get("quota")), _number(staff.get("actual"))
        ws.value(row, D.BASIC_QUOTA_COL, quota, INPUT.but(fmt="0"))
        ws.value(row, D.BASIC_ACTUAL_COL, actual, INPUT.but(fmt="0"))
        b, c_ = (to_a1(row, col) for col in (D.BASIC_QUOTA_COL, D.BASIC_ACTUAL_COL))
        ws.formula(row, D.BASIC_RATE_COL, F.ratio(c_, b), F.ratio_value(actual, quota), RATE)
        ws.validation(f"{b}:{c_}", "whole", minimum=0, operator="greaterThanOrEqual", title="人数",
                      prompt="填写人数（整数）。", error="人数必须是不小于 0 的整数。")
        # 经费控制情况 header.
        r = D.BASIC_FUNDS_HEADER_ROW
        ws.text(r, 1, "经费控制情况（万元）", HEADER)
        self.year_heading(ws, r, D.COL_LAST_FINAL, -1, "年决算数", "上年决算数", HEADER)
        self.year_heading(ws, r, D.COL_BUDGET, 0, "年预算数", "本年预算数", HEADER)
        self.year_heading(ws, r, D.COL_FINAL, 0, "年决算数", "本年决算数", HEADER)
        for c in range(D.COL_FINAL + 1, last + 1):
            ws.value(r, c, None, HEADER)
        cols = (D.COL_LAST_FINAL, D.COL_BUDGET, D.COL_FINAL)
        basic = self.data.get("basic_spending") or {}
        # Inputs first (values the sums need), then the sums bottom-up.
        for key, label, parts in (*D.BASIC_FUND_ROWS, *D.BASIC_TAIL_ROWS):
            row = lay.rows[key]
            ws.text(row, 1, label, LEFT)
            if parts:
                continue
            for col in cols:
                if key == "basic_spending" and col == D.COL_LAST_FINAL:
                    ws.text(row, col, "——")
                    continue
                preset = None
                if key == "basic_spending":
                    preset = basic.get("budget_full_year") if col == D.COL_BUDGET else basic.get("spent")
                ws.value(row, col, _number(preset), INPUT_MONEY)
        for i in range(n):
            row = lay.first_fund_row + i
            fund = funds[i] if i < len(funds) else {}
            ws.value(row, 1, fund.get("name"), INPUT_LEFT)
            for col, key in ((D.COL_LAST_FINAL, "last_year_final"), (D.COL_BUDGET, "budget_full_year"),
                             (D.COL_FINAL, "spent")):
                ws.value(row, col, _number(fund.get(key)), INPUT_MONEY)
            if fund.get("units"):
                ws.text(row, D.COL_FINAL + 1, "、".join(fund["units"]), UNIT_NOTE)
        parts_of = {key: parts for key, _label, parts in (*D.BASIC_FUND_ROWS, *D.BASIC_TAIL_ROWS) if parts}
        for key in D.BASIC_SUM_ORDER:
            parts = parts_of[key]
            row = lay.rows[key]
            for col in cols:
                if parts == "funds":
                    cells = [to_a1(lay.first_fund_row + i, col) for i in range(n)]
                    text = F.sum_if_any([f"{cells[0]}:{cells[-1]}"])
                else:
                    cells = [to_a1(lay.rows[p], col) for p in parts]
                    text = F.sum_if_any(cells)
                ws.formula(row, col, text, F.sum_value([ws.at(c) for c in cells]), MONEY)
        money = (f"{to_a1(lay.rows['car_purchase'], D.COL_LAST_FINAL)}:"
                 f"{to_a1(lay.rows['basic_spending'], D.COL_FINAL)}")
        ws.validation(money, "decimal", minimum=0, operator="greaterThanOrEqual", title="金额（万元）",
                      prompt="填写以万元为单位的数字，不带“万元”字样；没有填 0 或空着。",
                      error="金额必须是不小于 0 的数字（单位：万元）。")
        # 楼堂馆所.
        r = lay.building_header_row
        heading = F.building_heading_value(self.year())
        if self.base.get("year"):
            ws.merge_formula(r, 1, r + 1, 1, F.building_heading(self.base["year"]), heading, HEADER)
        else:
            ws.merge(r, 1, r + 1, 1, heading, HEADER)
        for i, heading in enumerate(D.BUILDING_HEADERS, start=2):
            ws.text(r, i, heading, HEADER)
        v = r + 1
        for col in (2, 3, 5, 6):
            ws.value(v, col, None, INPUT_MONEY)
        for col in (4, 7):  # 规模控制率 = 实际 ÷ 批复, 投资概算控制率 = 实际 ÷ 预算
            den, num_ = to_a1(v, col - 2), to_a1(v, col - 1)
            ws.formula(v, col, F.ratio(num_, den), F.ratio_value(ws.at(num_), ws.at(den)), RATE)
        # 厉行节约.
        r = lay.frugality_row
        ws.text(r, 1, "厉行节约保障措施", HEADER)
        ws.merge(r, 2, r, last, None, INPUT_LEFT)
        ws.height(r, 45)
        ws.merge(lay.note_row, 1, lay.note_row, last, D.BASIC_NOTE, NOTE)
        ws.fit_rows(1, lay.last_row)
        ws.print_setup(f"A1:{to_a1(lay.last_row, last)}", portrait=True,
                       title_rows=(D.BASIC_FUNDS_HEADER_ROW, D.BASIC_FUNDS_HEADER_ROW))
        return lay

    # -- 自评表 ------------------------------------------------------------------------
    def self_sheet(self, ws: Sheet, funds: list[dict], basic: D.BasicLayout) -> None:
        last = D.SELF_LAST_COL
        rows = D.self_rows()
        ws.set_widths(D.SELF_WIDTHS)
        self.title(ws, "附件1-2", D.SELF_TITLE, last)
        for r in range(D.SELF_DEPT_ROW, rows["grade"] + 1):
            for c in range(1, last + 1):
                ws.value(r, c, None, CELL)
        r = D.SELF_DEPT_ROW
        ws.merge(r, 1, r, 2, "市级预算部门名称", HEADER)
        department = self.data.get("department") or None
        if self.base.get("department"):
            ws.merge_formula(r, 3, r, last, F.text_or_blank(self.base["department"]),
                             F.text_or_blank_value(department), INPUT_LEFT)
        else:
            ws.merge(r, 3, r, last, department, INPUT_LEFT)
        # 年度预算 block.
        h = D.SELF_BUDGET_HEADER_ROW
        ws.merge(h, 1, D.SELF_FIRST_USE_ROW + len(D.SELF_USE_ROWS) - 1, 1, "年度预算申请\n（万元）", HEADER)
        ws.merge(h, 2, h, 3, None, HEADER)
        for col, text in D.SELF_BUDGET_HEADERS:
            ws.text(h, col, text, HEADER)
        t = D.SELF_TOTAL_ROW
        ws.merge(t, 2, t, 3, "年度资金总额", LEFT)
        for header_row, title, first, items in (
                (D.SELF_SOURCE_HEADER_ROW, "按收入性质分：", D.SELF_FIRST_SOURCE_ROW, D.SELF_SOURCE_ROWS),
                (D.SELF_USE_HEADER_ROW, "按支出性质分：", D.SELF_FIRST_USE_ROW, D.SELF_USE_ROWS)):
            ws.merge(header_row, 2, header_row, last, title, LEFT)
            for i, (_key, label) in enumerate(items):
                row = first + i
                ws.merge(row, 2, row, 3, label, LEFT)
                for col in (D.COL_S_INITIAL, D.COL_S_FULL_YEAR, D.COL_S_SPENT):
                    ws.value(row, col, None, INPUT_MONEY)
                for col in (D.COL_S_WEIGHT, D.COL_S_RATE, D.COL_S_SCORE):
                    ws.value(row, col, None, CELL)
        basic_spending = self.data.get("basic_spending") or {}
        use = D.SELF_FIRST_USE_ROW
        for col, key in ((D.COL_S_INITIAL, "budget_initial"), (D.COL_S_FULL_YEAR, "budget_full_year"),
                         (D.COL_S_SPENT, "spent")):
            ws.value(use, col, _number(basic_spending.get(key)), INPUT_MONEY)
        projects_row = use + 1  # 项目支出: the special funds of the 基础数据表.
        initial = [f["budget_initial"] for f in funds if "budget_initial" in f]
        ws.value(projects_row, D.COL_S_INITIAL, round(sum(initial), 6) if initial else None, INPUT_MONEY)
        for col, src in ((D.COL_S_FULL_YEAR, D.COL_BUDGET), (D.COL_S_SPENT, D.COL_FINAL)):
            ref = f"{quote_sheet(D.BASIC_SHEET)}!{_abs(basic.cell('specials', src))}"
            ws.formula(projects_row, col, F.number_or_blank(ref),
                       F.number_or_blank_value(self.value_of(ref, ws)), MONEY)
        # 年度资金总额 = 基本支出 + 项目支出, “待填” while a part is blank.
        for col in (D.COL_S_INITIAL, D.COL_S_FULL_YEAR, D.COL_S_SPENT):
            cells = [to_a1(D.SELF_FIRST_USE_ROW + i, col) for i in range(len(D.SELF_USE_ROWS))]
            ws.formula(t, col, F.whole_sum(cells), F.whole_sum_value([ws.at(c) for c in cells]), MONEY)
        ws.number(t, D.COL_S_WEIGHT, D.SELF_BUDGET_WEIGHT)
        e, f, g, hh = (to_a1(t, c) for c in (D.COL_S_FULL_YEAR, D.COL_S_SPENT, D.COL_S_WEIGHT, D.COL_S_RATE))
        ws.formula(t, D.COL_S_RATE, F.pending_rate(e, f), F.pending_rate_value(ws.at(e), ws.at(f)), RATE)
        ws.formula(t, D.COL_S_SCORE, F.budget_score(g, hh), F.budget_score_value(ws.at(g), ws.at(hh)), SCORE)
        money = f"{to_a1(D.SELF_FIRST_SOURCE_ROW, D.COL_S_INITIAL)}:{to_a1(D.SELF_FIRST_USE_ROW, D.COL_S_SPENT)}"
        ws.validation(money, "decimal", minimum=0, operator="greaterThanOrEqual", title="金额（万元）",
                      prompt="填写以万元为单位的数字，不带“万元”字样。项目支出由基础数据表的专项资金汇总；"
                             "年度资金总额 = 基本支出 + 项目支出，基本支出未填时显示“待填”。",
                      error="金额必须是不小于 0 的数字（单位：万元）。")
        last_source = D.SELF_FIRST_SOURCE_ROW + len(D.SELF_SOURCE_ROWS) - 1
        for col in (D.COL_S_INITIAL, D.COL_S_FULL_YEAR, D.COL_S_SPENT):
            total_cell = to_a1(t, col)
            parts = f"{to_a1(D.SELF_FIRST_SOURCE_ROW, col)}:{to_a1(last_source, col)}"
            ws.conditional(total_cell, F.parts_differ(total_cell, parts), CF_ERROR_PLAIN)
        # 年度总体目标.
        gh, gr = D.SELF_GOAL_HEADER_ROW, D.SELF_GOAL_ROW
        ws.merge(gh, 1, gr, 1, "年度总体目标", HEADER)
        ws.merge(gh, 2, gh, 5, "预期目标", HEADER)
        ws.merge(gh, 6, gh, last, "实际完成情况", HEADER)
        for c1, c2 in ((2, 5), (6, last)):
            ws.merge(gr, c1, gr, c2, None, INPUT_LEFT)
        ws.height(gr, 90)
        # 绩效指标.
        ih, first = D.SELF_IND_HEADER_ROW, D.SELF_IND_FIRST_ROW
        ws.merge(ih, 1, rows["ind_last"], 1, "绩效指标", HEADER)
        for col, text in D.SELF_IND_HEADERS:
            ws.text(ih, col, text, HEADER)
        for row in range(first, rows["ind_last"] + 1):
            for col in range(2, last + 1):
                ws.value(row, col, None, INPUT_LEFT if col in (4, 9) else INPUT)
        self._self_validation(ws, first, rows["ind_last"])
        tr = rows["total"]
        ws.merge(tr, 1, tr, 6, "总分", HEADER)
        w_range = f"{to_a1(first, D.COL_S_IND_WEIGHT)}:{to_a1(rows['ind_last'], D.COL_S_IND_WEIGHT)}"
        s_range = f"{to_a1(first, D.COL_S_IND_SCORE)}:{to_a1(rows['ind_last'], D.COL_S_IND_SCORE)}"
        weight_cell = to_a1(t, D.COL_S_WEIGHT)
        ws.formula(tr, D.COL_S_IND_WEIGHT, F.sum_if_any([weight_cell, w_range]),
                   F.sum_value([ws.at(weight_cell), *_values(ws, w_range)]), CELL.but(fmt="General"))
        total_cell = to_a1(tr, D.COL_S_IND_SCORE)
        score_cell = to_a1(t, D.COL_S_SCORE)
        ws.formula(tr, D.COL_S_IND_SCORE, F.pending_total(score_cell, [s_range]),
                   F.pending_total_value(ws.at(score_cell), _values(ws, s_range)), SCORE)
        gr_ = rows["grade"]
        ws.merge(gr_, 1, gr_, 6, "评价等次", HEADER)
        ws.merge_formula(gr_, 7, gr_, last, F.grade(total_cell, self.profile),
                         F.grade_value(ws.at(total_cell), self.profile), BOLD)
        ws.fit_rows(1, gr_)
        ws.print_setup(f"A1:{to_a1(gr_, last)}", one_page=True)

    def _self_validation(self, ws: Sheet, first: int, last: int) -> None:
        col = lambda c: f"{to_a1(first, c)}:{to_a1(last, c)}"  # noqa: E731
        ws.validation(col(D.COL_S_LEVEL1), "list", source=list(LEVEL1_NAMES),
                      title="一级指标", prompt="请从下拉列表选择：产出指标、效益指标或满意度指标。",
                      error="一级指标只能是：产出指标、效益指标、满意度指标。")
        level2 = [name for names in LEVEL2_OF.values() for name in names]
        ws.validation(col(D.COL_S_LEVEL2), "list", source=level2,
                      title="二级指标", prompt="从下拉列表选择本行一级指标下的二级指标。",
                      error="二级指标只能是国家模板中的名称（数量指标、质量指标……服务对象满意度指标）。")
        ws.validation(col(D.COL_S_IND_WEIGHT), "decimal", minimum=0, maximum=100,
                      title="分值", prompt="填写 0 到 100 之间的数字；预算执行 10 分与各指标分值合计应为 100。",
                      error="分值必须是 0 到 100 之间的数字。")
        h, g = to_a1(first, D.COL_S_IND_SCORE), to_a1(first, D.COL_S_IND_WEIGHT)
        from ..project.formulas import deduction_without_reason, score_within_weight

        ws.validation(col(D.COL_S_IND_SCORE), "custom", source=score_within_weight(h, g),
                      title="得分", prompt="填写不小于 0、不大于本行分值的数字；低于分值时请写明偏差原因。",
                      error="得分必须是数字，不能小于 0，也不能大于本行的分值。")
        i = to_a1(first, D.COL_S_NOTE)
        ws.conditional(col(D.COL_S_NOTE), deduction_without_reason(g, h, i), CF_ERROR_PLAIN)

    # -- 评分表 -------------------------------------------------------------------------
    def score_sheet(self, ws: Sheet, profile: DepartmentProfile, basic: D.BasicLayout) -> None:
        n = len(profile.lines)
        rows = D.score_rows(n)
        last = D.SCORE_PRINT_LAST_COL
        ws.set_widths(D.SCORE_WIDTHS)
        ws.merge(D.SCORE_TITLE_ROW, 1, D.SCORE_TITLE_ROW, last,
                 profile.title or "部门整体支出绩效评价评分表", TITLE)
        ws.height(D.SCORE_TITLE_ROW, 30)
        for col, text in enumerate(D.SCORE_COLUMNS, start=1):
            ws.text(D.SCORE_HEADER_ROW, col, text, RULE if col > last else HEADER)
        refs = input_refs(profile, basic)
        # 补充数据 first: the lines' formulas read them.
        sh = rows["supplement_header"]
        ws.merge(sh, 1, sh, last, D.SUPPLEMENT_TITLE, BOLD.but(align="left", border=False))
        for i, key in enumerate(supplement_keys(profile)):
            r = rows["supplement_first"] + i
            spec = profile.inputs[key]
            ws.text(r, D.COL_SUP_LABEL, spec.label, LEFT)
            fmt = "0.00%" if spec.kind == "rate" else ("0" if spec.kind == "count" else "0.00")
            ws.value(r, D.COL_SUP_VALUE, None, INPUT_LEFT.but(fmt=fmt))
            unit = {"money": "万元", "rate": "百分比", "count": "个"}.get(spec.kind, "")
            ws.merge(r, D.COL_SUP_NOTE, r, last, f"{unit}；{spec.where}".strip("；"), NOTE)
        env = {key: (_number(self.value_of(ref, ws)) if ref else None) for key, ref in refs.items()}
        level_rows: dict[tuple[str, str], list[int]] = {}
        for i, line in enumerate(profile.lines):
            r = D.SCORE_FIRST_ROW + i
            level_rows.setdefault((line.level1, ""), []).append(r)
            level_rows.setdefault((line.level1, line.level2), []).append(r)
            ws.text(r, D.COL_IND, line.indicator, CELL)
            ws.text(r, D.COL_STD, line.standard, LEFT)
            ws.number(r, D.COL_W, line.weight, CELL)
            ws.value(r, D.COL_SELF, None, INPUT.but(fmt=SCORE.fmt))
            ws.value(r, D.COL_REASON, None, INPUT_LEFT)
            v = to_a1(r, D.COL_VALUE)
            if line.is_judgement:
                ws.value(r, D.COL_VALUE, None, RULE)
                ws.value(r, D.COL_RULE, None, RULE)
                ws.text(r, D.COL_BASIS, "由评价人按评分标准打分", RULE_LEFT)
                continue
            scored = score_line(line, env, profile.score_decimals)
            value_text = F.value_formula(line, refs)
            value = "" if scored.value is None or value_text in ("", F.NO_CELL) else scored.value
            look = RULE.but(fmt="0.00%" if line.value_kind == "rate" else "0.00")
            if value_text:
                ws.formula(r, D.COL_VALUE, value_text, value, look)
            else:
                ws.value(r, D.COL_VALUE, None, look)
            rule = "" if value == "" or scored.score is None else scored.score
            ws.formula(r, D.COL_RULE, F.rule_formula(line, v, refs, profile.score_decimals), rule,
                       RULE.but(fmt=SCORE.fmt))
            ws.text(r, D.COL_BASIS, line.standard, RULE_LEFT)
        # Level labels merged down over their rows.
        for (l1, l2), rws in level_rows.items():
            if l2:
                weight = sum(profile.lines[r - D.SCORE_FIRST_ROW].weight for r in rws)
                ws.merge(rws[0], D.COL_L2, rws[-1], D.COL_L2, f"{l2}\n（{F.num(weight)}分）", CELL)
            else:
                ws.merge(rws[0], D.COL_L1, rws[-1], D.COL_L1,
                         f"{l1}\n（{F.num(profile.levels.get(l1, 0))}分）", CELL)
        first, last_line = D.SCORE_FIRST_ROW, rows["last_line"]
        rng = lambda c: f"{to_a1(first, c)}:{to_a1(last_line, c)}"  # noqa: E731
        f, e = to_a1(first, D.COL_SELF), to_a1(first, D.COL_W)
        ws.validation(rng(D.COL_SELF), "custom", source=F.self_score_valid(f, e),
                      title="自评得分", prompt="填写不小于 0、不大于本行分值的数字；按规则计分的指标请对照右侧“规则得分”。",
                      error="自评得分必须是数字，不能小于 0，也不能大于本行分值。")
        g = to_a1(first, D.COL_REASON)
        ws.conditional(rng(D.COL_REASON), F.reason_missing(f, e, g), CF_ERROR_PLAIN)
        ws.conditional(rng(D.COL_SELF), F.self_differs_from_rule(f, to_a1(first, D.COL_RULE)), CF_ERROR_PLAIN)
        # 总分 and 等次.
        tr, gr = rows["total"], rows["grade"]
        for r in (tr, gr):
            for c in range(1, D.COL_BASIS + 1):
                ws.value(r, c, None, CELL)
        ws.merge(tr, 1, tr, 4, "总 分", HEADER)
        weights = [ws.at((r, D.COL_W)) for r in range(first, last_line + 1)]
        selves = [ws.at((r, D.COL_SELF)) for r in range(first, last_line + 1)]
        rules = [ws.at((r, D.COL_RULE)) for r in range(first, last_line + 1)]
        ws.formula(tr, D.COL_W, F.weight_total(rng(D.COL_W)), sum(w for w in weights if _number(w) is not None),
                   CELL)
        ws.formula(tr, D.COL_SELF, F.sum_if_any([rng(D.COL_SELF)]), F.sum_value(selves), SCORE)
        rule_total = F.rule_total_value(rules, selves)
        ws.formula(tr, D.COL_RULE, F.rule_total(rng(D.COL_RULE), rng(D.COL_SELF)), rule_total, SCORE)
        ws.text(tr, D.COL_BASIS, "规则得分合计（按规则无法计分的指标计入自评得分）", RULE_LEFT)
        ws.merge(gr, 1, gr, 4, "评价等次", HEADER)
        self_total = ws.at((tr, D.COL_SELF))
        ws.formula(gr, D.COL_SELF, F.grade(to_a1(tr, D.COL_SELF), profile), F.grade_value(self_total, profile),
                   CELL)
        ws.formula(gr, D.COL_RULE, F.grade(to_a1(tr, D.COL_RULE), profile), F.grade_value(rule_total, profile),
                   CELL)
        ws.fit_rows(1, rows["supplement_first"] + len(supplement_keys(profile)))
        ws.print_setup(f"A1:{to_a1(rows['grade'], last)}", title_rows=(D.SCORE_HEADER_ROW, D.SCORE_HEADER_ROW))
