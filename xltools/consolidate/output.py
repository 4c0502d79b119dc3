"""The output workbook of `xltools consolidate`, written through the sheet kit
(`xlsx.sheet`, XlsxWriter in constant-memory mode) from the run's spool: rows
stream to disk, memory stays flat in the number of projects.

Sheets, in order:

- 整体支出汇总 — first row 局机关及二级机构汇总, then a row per unit;
- 项目支出明细 — a row per project, a 小计 row per unit, a 合计 row;
- 部门整体支出绩效自评表 — the 年度资金总额 budget block (分值 from the profile);
- 问题清单 — every problem with file, sheet and cell;
- 文件状态 — every file with its status, reason, unit, macros, sha256;
- 图表 — projects by 等次, execution rates (by project, or by band when many).

A table longer than a sheet holds (`SHEET_ROWS`) goes on over further sheets
— 项目支出明细(2), 问题清单(2) … — each with its title and header, and the
first sheet's note says so; nothing is cut.

Totals and rates of totals are native formulas (the clerk can audit them),
each written with the value it shows (previews, Protected View and WPS mobile
show the right figures; Excel recalculates on opening anyway): their text and
values from `consolidate.formulas`, every row and column from
`consolidate.layout`.  Every string goes through the kit's text path: clerk text
is text, never a formula; control characters pasted from Word are made
readable.
"""
from __future__ import annotations

import hashlib
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from ..core.addresses import col_letter
from ..core.issues import SEVERITY_TEXT
from ..profiles import Profile, load_profile
from ..project.formulas import num
from ..xlsx.edits import Formula
from ..xlsx.sheet import BOLD, CELL, HEADER, LEFT, MONEY, NOTE, RATE, SCORE, TITLE, Book, Look, Sheet
from . import formulas as F
from . import layout as L
from .layout import (BUDGET, BUDGET_SHEET, CHARTS_SHEET, DETAIL, DETAIL_SHEET, FILES, FILES_SHEET,
                     FIRST_ROW, GRADES, HEADER_ROW, MONEY_KEYS, NOTE_ROW, PROBLEMS, PROBLEMS_SHEET, SUMMARY,
                     SUMMARY_SHEET, TITLE_ROW, Columns, DetailLayout, Pages, UnitPlace, plan_detail)
from .ledger import local_time, zone_label
from .merge import DEPARTMENT_ROW, RATE_BANDS, Summary, Totals

STATUS_TEXT = {"ok": "已汇总", "problems": "已汇总（有问题）", "error": "无法读取",
               "duplicate": "重复文件（未汇总）", "skipped": "未读取"}

# Looks of the tables (the kit's, with totals bold on grey).
_FILL = "F2F2F2"
TOTAL = BOLD.but(fill=_FILL)
TOTAL_LEFT = BOLD.but(fill=_FILL, align="left")
TOTAL_MONEY = MONEY.but(bold=True, fill=_FILL)
TOTAL_RATE = RATE.but(bold=True, fill=_FILL)
TOTAL_SCORE = SCORE.but(bold=True, fill=_FILL)
TOTAL_COUNT = Look(align="right", bold=True, fill=_FILL)
COUNT = Look(align="right")
HEAD = HEADER.but(fill="D9D9D9")
NOTE_RIGHT = NOTE.but(align="right")


class OutputData:
    """Everything the output shows, read from a run (`run.Consolidation`):
    totals in memory, files and problems streamed from its spool.

    `files` and `problems` (lists of dicts) are there for the master's block
    (`consolidate.plans`); the workbook itself never holds them in memory."""

    def __init__(self, result: Any, profile: Optional[Profile] = None, *,
                 department: str = "") -> None:
        self.result = result
        self.summary: Summary = result.summary
        #: The rules the tables show: the budget line's 分值 and cap, the 等次 bands.
        self.profile = profile or load_profile(None)
        self.budget_weight = self.profile.budget_weight
        self.grades = list(self.profile.grades)
        self.department = department or result.department_name()
        tally = result.tally
        self.severity = {k: tally.severity.get(k, 0) for k in SEVERITY_TEXT}
        self.problem_total = sum(tally.severity.values())
        self.file_total = tally.report.files
        self.unreadable = tally.report.unreadable
        self.macros = tally.report.macro_total
        self.grade_counts = dict(tally.grades)
        self.rate_bands = dict(tally.rate_bands)
        self.newest_seen = tally.newest_seen
        self._files: Optional[list[dict]] = None
        self._problems: Optional[list[dict]] = None

    @property
    def units(self) -> "_UnitRows":
        """Every unit row: those with projects, then those whose files gave none
        (read back from the spool as they are walked, not held)."""
        return _UnitRows(self.summary.units, self.result.extra_units)

    def entries(self) -> Iterator[Any]:
        return self.result.entries()

    def file_rows(self) -> Iterator[dict]:
        return self.result.file_rows()

    @property
    def files(self) -> list[dict]:
        if self._files is None:
            self._files = list(self.file_rows())
        return self._files

    @property
    def problems(self) -> list[dict]:
        if self._problems is None:
            self._problems = list(self.result.problems())
        return self._problems


class _UnitRows:
    """The units of the tables, walked in order as often as asked: those with
    projects (their totals), then the others (empty totals)."""

    def __init__(self, with_projects: Sequence[Totals], others: Sequence[str]) -> None:
        self.with_projects = with_projects
        self.others = others

    def __len__(self) -> int:
        return len(self.with_projects) + len(self.others)

    def __iter__(self) -> Iterator[Totals]:
        yield from self.with_projects
        for name in self.others:
            yield Totals(name=name)


class _UnitCounts:
    """(unit, projects) of the units with projects, for `plan_detail` (walked again by its `places()`)."""

    def __init__(self, units: Sequence[Totals]) -> None:
        self.units = units

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return ((u.name, u.projects) for u in self.units)


# ------------------------------------------------------------------ common parts
def _begin(sheet: Sheet, title: str, columns: Columns, note: str = "", money: bool = False) -> None:
    """Widths, title (merged across), note row, header row, frozen header."""
    ncols = len(columns)
    sheet.set_widths(columns.widths)
    sheet.height(TITLE_ROW, 30)
    sheet.merge(TITLE_ROW, 1, TITLE_ROW, ncols, title, TITLE)
    if note:
        sheet.text(NOTE_ROW, 1, note, NOTE.but(wrap=False))
    if money:
        sheet.text(NOTE_ROW, ncols, "单位：万元", NOTE_RIGHT)
    heads = sheet.rows([HEAD] * ncols)
    heads.write(HEADER_ROW, list(columns.headers))
    sheet.freeze(FIRST_ROW)


def _finish(sheet: Sheet, ncols: int, last_row: int) -> None:
    sheet.print_setup(f"A1:{col_letter(ncols)}{max(last_row, HEADER_ROW)}",
                      title_rows=(HEADER_ROW, HEADER_ROW))


def _dept_note(data: OutputData) -> str:
    return f"部门：{data.department}" if data.department else ""


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


# ------------------------------------------------------------------ the sheets
def write_summary(sheet: Sheet, data: OutputData, detail: DetailLayout) -> int:
    """整体支出汇总; returns the department row (the units follow it, in the
    order of `data.units`)."""
    units = data.units
    _begin(sheet, "整体支出汇总", SUMMARY, _dept_note(data), money=True)
    here = SUMMARY_SHEET
    first_unit, last_unit = FIRST_ROW + 1, max(FIRST_ROW + 1, FIRST_ROW + len(units))
    dept = data.summary.department
    score = DETAIL.letter("score_total")
    rows = sheet.rows(SUMMARY.row(dict(
        unit=TOTAL_LEFT, projects=TOTAL_COUNT, budget_initial=TOTAL_MONEY, budget_full_year=TOTAL_MONEY,
        spent=TOTAL_MONEY, execution_rate=TOTAL_RATE, balance=TOTAL_MONEY, score_avg=TOTAL_SCORE,
        score_min=TOTAL_SCORE, note=TOTAL_LEFT)))
    plain = rows.looks(SUMMARY.row(dict(
        unit=LEFT, projects=COUNT, budget_initial=MONEY, budget_full_year=MONEY, spent=MONEY,
        execution_rate=RATE, balance=MONEY, score_avg=SCORE, score_min=SCORE, note=LEFT)))
    r = FIRST_ROW
    cells: dict[str, Any] = {"unit": DEPARTMENT_ROW}
    for key in ("projects", *MONEY_KEYS):
        cells[key] = Formula(F.total(SUMMARY.span(key, first_unit, last_unit)),
                             F.shown(getattr(dept, key)))
    cells.update(_tail(r, F.shown_money(dept), dept, F.cells(detail.sheet_ranges(), score, here)
                       if dept.projects else None))
    cells["note"] = _unreadable_note(data, None)
    rows.write(r, SUMMARY.row(cells))
    department_row = r
    places = detail.places()  # the units with projects come first, in the same order
    with_projects = len(data.summary.units)
    for r, unit in enumerate(units, start=first_unit):
        place = next(places)[1] if r - first_unit < with_projects else None
        if place is None:  # files of this unit gave no project
            cells = {"unit": unit.name, "projects": 0}
            cells.update(_tail(r, {}, unit, None))
        else:
            sub_sheet, sub = place.subtotal
            cells = {"unit": unit.name, "projects": unit.projects}
            for key in MONEY_KEYS:
                cells[key] = Formula(F.reference(F.on(sub_sheet, here, DETAIL.a1(sub, key))),
                                     F.shown(getattr(unit, key)))
            cells.update(_tail(r, F.shown_money(unit), unit, F.cells(place.ranges, score, here)))
        cells["note"] = _unreadable_note(data, unit.name)
        rows.write(r, SUMMARY.row(cells), plain)
    _finish(sheet, len(SUMMARY), last_unit)
    return department_row


def _tail(r: int, shown: dict[str, Any], t: Totals, scores: Optional[str]) -> dict[str, Any]:
    """执行率, 结余, 平均得分, 最低得分 of summary row `r` whose money cells
    show `shown` (by key; blank where absent)."""
    out: dict[str, Any] = {"execution_rate": F.rate_cell(SUMMARY, r, shown),
                           "balance": F.balance_cell(SUMMARY, r, shown)}
    if scores is not None:
        out["score_avg"] = Formula(F.score_average(scores), F.blank(t.score_avg))
        out["score_min"] = Formula(F.score_lowest(scores), F.blank(t.score_min))
    return out


def _unreadable_note(data: OutputData, unit: Optional[str]) -> str:
    if unit is None:
        bad = data.unreadable
    else:
        bad = data.result.tally.unreadable_by_unit.get(unit, 0)
    if not bad:
        return ""
    return f"{bad} 个文件无法读取，未计入（见“{FILES_SHEET}”）"


class _Pass:
    """One pass over the spool, unit by unit: project rows onto 项目支出明细,
    problem rows onto 问题清单 (both in constant memory, each top to bottom)."""

    def __init__(self, data: OutputData, detail: DetailLayout, detail_sheets: list[Sheet],
                 problems: Pages, problem_sheets: list[Sheet]) -> None:
        self.data = data
        self.detail = detail
        self.detail_sheets = detail_sheets
        self.problems = problems
        self.problem_sheets = problem_sheets
        self.chart_rows: list[tuple[str, str, Any]] = []
        cols = DETAIL.row(dict(
            index=CELL, unit=LEFT, name=LEFT, budget_initial=MONEY, budget_full_year=MONEY,
            spent=MONEY, execution_rate=RATE, budget_score=SCORE, score_total=SCORE,
            rule_score_total=SCORE, grade=CELL, problems=COUNT, form_unit=LEFT, file=LEFT,
            sheet=LEFT))
        total = DETAIL.row(dict(
            index=TOTAL, unit=TOTAL_LEFT, name=TOTAL_LEFT, budget_initial=TOTAL_MONEY,
            budget_full_year=TOTAL_MONEY, spent=TOTAL_MONEY, execution_rate=TOTAL_RATE,
            budget_score=TOTAL, score_total=TOTAL, rule_score_total=TOTAL, grade=TOTAL,
            problems=TOTAL_COUNT, form_unit=TOTAL, file=TOTAL, sheet=TOTAL))
        self.detail_rows = [s.rows(cols) for s in detail_sheets]
        self.detail_total = [w.looks(total) for w in self.detail_rows]
        pcols = PROBLEMS.row(dict(
            index=CELL, unit=LEFT, file=LEFT, sheet=LEFT, cell=CELL, project=LEFT, code=LEFT,
            severity=CELL, value=LEFT, message=LEFT))
        self.problem_rows = [s.rows(pcols) for s in problem_sheets]
        self.i = 0  # detail data row
        self.p = 0  # problem number
        # The units with projects and their places, walked beside the files
        # (which come unit by unit in the same order): nothing held per unit.
        self._units = ((u, place) for u, (_, place) in zip(data.summary.units, detail.places()))
        self._unit: Optional[tuple[Totals, UnitPlace]] = None

    def _at(self, name: str) -> Optional[tuple[Totals, UnitPlace]]:
        """The totals and place of unit `name`, the walk moved on to it (None
        when no unit of that name is ahead: a unit that gave no project)."""
        while self._unit is None or self._unit[0].name != name:
            self._unit = next(self._units, None)
            if self._unit is None:
                return None
        return self._unit

    def run(self) -> None:
        index = 0
        for entry in self.data.entries():
            self._problems(entry)
            if not entry.records:
                continue
            unit = self._at(entry.unit)
            if unit is None:
                continue
            for rec in entry.records:
                index += 1
                self._project(index, rec)
            self._maybe_subtotal(*unit)
        self._total()

    # -- detail
    def _put(self, values: list, looks=None) -> None:
        k, row = self.detail.pages.place(self.i)
        self.detail_rows[k].write(row, values, looks[k] if looks else None)
        self.i += 1

    def _project(self, index: int, rec: dict) -> None:
        get = rec.get
        if len(self.chart_rows) <= L.CHART_PROJECTS:
            self.chart_rows.append((get("name") or "", get("unit") or "", get("execution_rate")))
        k, row = self.detail.pages.place(self.i)
        self.detail_rows[k].write(row, _DETAIL_ROW((
            index, get("unit") or "", get("name") or "", get("budget_initial"),
            get("budget_full_year"), get("spent"), get("execution_rate"), get("budget_score"),
            get("score_total"), get("rule_score_total"), get("grade") or "",
            len(get("issues") or ()), get("form_unit") or "", _basename(get("file")),
            get("sheet") or "")))
        self.i += 1

    def _maybe_subtotal(self, unit: Totals, place: UnitPlace) -> None:
        """After a unit's last project: its 小计 row."""
        sheet, row = self.detail.pages.place(self.i)
        if (self.detail.pages.names[sheet], row) != place.subtotal:
            return  # more projects of this unit to come
        here = place.subtotal[0]
        cells: dict[str, Any] = {"index": "", "unit": unit.name,
                                 "name": f"小计（{unit.projects} 个项目）"}
        for key in (*MONEY_KEYS, "problems"):
            cells[key] = Formula(F.total(F.cells(place.ranges, DETAIL.letter(key), here)),
                                 F.shown(getattr(unit, key)))
        self._put(_with_rate(cells, row, unit), self.detail_total)

    def _total(self) -> None:
        dept = self.data.summary.department
        here, row = self.detail.total
        cells: dict[str, Any] = {"index": "", "unit": "合计",
                                 "name": f"{DEPARTMENT_ROW}（{dept.projects} 个项目）"}
        ranges = self.detail.sheet_ranges()
        for key in (*MONEY_KEYS, "problems"):
            cells[key] = Formula(F.numbered_total(ranges, DETAIL.letter("index"), DETAIL.letter(key),
                                                  here), F.shown(getattr(dept, key)))
        self._put(_with_rate(cells, row, dept), self.detail_total)

    # -- problems
    def _problems(self, entry: Any) -> None:
        """The file's problems onto 问题清单: its own, then each project's (the
        rows of `run.entry_problems`, made without a dict each)."""
        own = entry.problems
        if not own and not any(r["issues"] for r in entry.records):
            return
        unit = entry.unit or ""
        file = _basename(entry.path)
        per_sheet = self.problems.per_sheet
        writers = self.problem_rows
        severities = SEVERITY_TEXT
        order = _PROBLEM_ROW
        number = self.p
        k, at = divmod(number, per_sheet)
        write = writers[k].write
        for project, issues in ((("", own),) if own else ()) + tuple(
                (r.get("name") or "", r["issues"]) for r in entry.records):
            for i in issues:
                if at == per_sheet:  # the sheet is full: on to the next
                    k, at = k + 1, 0
                    write = writers[k].write
                number += 1
                get = i.get
                severity = i["severity"]
                value = get("value")
                if value is not None and type(value) is not float and type(value) is not int:
                    value = _cell_value(value)
                write(FIRST_ROW + at, order((
                    number, unit, file, get("sheet") or "", get("cell") or "", project,
                    i["code"] or "", severities.get(severity, severity or ""), value,
                    get("message") or "")))
                at += 1
        self.p = number


#: The rows of the long tables, values given in this order.
_DETAIL_ROW = DETAIL.order(
    "index", "unit", "name", "budget_initial", "budget_full_year", "spent", "execution_rate",
    "budget_score", "score_total", "rule_score_total", "grade", "problems", "form_unit", "file",
    "sheet")
_PROBLEM_ROW = PROBLEMS.order(
    "index", "unit", "file", "sheet", "cell", "project", "code", "severity", "value", "message")


def _with_rate(cells: dict[str, Any], row: int, t: Totals) -> list[Any]:
    """A 小计 or 合计 row of 项目支出明细 with its 执行率 (its sums show `t`'s)."""
    cells["execution_rate"] = F.rate_cell(DETAIL, row, F.shown_money(t))
    return DETAIL.row(cells)


def write_budget_block(sheet: Sheet, data: OutputData, department_row: int) -> int:
    """部门整体支出绩效自评表 budget block; returns the 年度资金总额 row."""
    _begin(sheet, "部门整体支出绩效自评表（年度预算执行情况）", BUDGET, _dept_note(data), money=True)
    here = BUDGET_SHEET
    dept = data.summary.department
    rows = sheet.rows(BUDGET.row(dict(
        block=CELL, label=BOLD.but(align="left"), budget_initial=TOTAL_MONEY.but(fill=None),
        budget_full_year=TOTAL_MONEY.but(fill=None), spent=TOTAL_MONEY.but(fill=None),
        weight=Look(align="right", bold=True, fmt="0"), execution_rate=TOTAL_RATE.but(fill=None),
        score=TOTAL_SCORE.but(fill=None))))
    plain = rows.looks(BUDGET.row(dict(
        block=CELL, label=LEFT, budget_initial=MONEY, budget_full_year=MONEY, spent=MONEY,
        weight=CELL, execution_rate=RATE, score=CELL)))
    r = FIRST_ROW
    src = department_row
    shown = F.shown_money(dept)
    cells: dict[str, Any] = {key: Formula(F.reference(F.on(SUMMARY_SHEET, here, SUMMARY.a1(src, key))),
                                          shown[key]) for key in MONEY_KEYS}
    rate = F.rate_cell(BUDGET, r, shown)
    cells.update(label="年度资金总额", weight=data.budget_weight, execution_rate=rate,
                 score=F.score_cell(BUDGET, r, data.budget_weight, rate.value, data.profile))
    rows.write(r, BUDGET.row(cells), height=22)
    total_row = r
    with_projects = len(data.summary.units)
    for k, unit in enumerate(data.units):
        r += 1
        src = department_row + 1 + k  # the unit's row of 整体支出汇总
        known = k < with_projects  # else its summary row is blank
        shown = {key: F.number_or_blank_value(F.shown(getattr(unit, key)) if known else None)
                 for key in MONEY_KEYS}
        cells = {key: Formula(F.number_or_blank(F.on(SUMMARY_SHEET, here, SUMMARY.a1(src, key))),
                              shown[key]) for key in MONEY_KEYS}
        cells.update(label=f"其中：{unit.name}", execution_rate=F.rate_cell(BUDGET, r, shown))
        rows.write(r, BUDGET.row(cells), plain)
    block = BUDGET.col("block")  # 项目资金（万元） down the block
    sheet.merge_area(HEADER_ROW, block, max(r, HEADER_ROW + 1), block)
    _finish(sheet, len(BUDGET), r)
    return total_row


def write_files(sheets: list[Sheet], pages: Pages, data: OutputData) -> None:
    note = _join(f"共 {data.file_total} 个文件：无法读取 {data.unreadable} 个，含宏 {data.macros} 个"
                 "（宏从不运行，只读取单元格）", pages.note())
    columns = FILES.take(*FILES.keys, first_seen=f"首次报送时间（{zone_label()}）")
    writers = []
    for k, sheet in enumerate(sheets):
        title = "文件状态" if k == 0 else f"文件状态（续 {k + 1}）"
        _begin(sheet, title, columns, note if k == 0 else "")
        writers.append(sheet.rows(FILES.row(dict(
            index=CELL, file=LEFT, unit=LEFT, unit_source=CELL, status=CELL, reason=LEFT,
            projects=COUNT, problems=COUNT, macros=CELL, first_seen=CELL, sha256=LEFT))))
    for i, f in enumerate(data.file_rows()):
        k, row = pages.place(i)
        writers[k].write(row, FILES.row(dict(
            index=i + 1, file=f.get("name") or _basename(f.get("path")), unit=f.get("unit") or "",
            unit_source=f.get("unit_source") or "",
            status=STATUS_TEXT.get(f.get("status"), f.get("status")), reason=f.get("error") or "",
            projects=f.get("projects", 0), problems=f.get("problems", 0),
            macros="是" if f.get("has_macros") else "否",
            first_seen=local_time(f.get("seen_at"), seconds=True), sha256=f.get("sha256") or "")))
    for k, sheet in enumerate(sheets):
        _finish(sheet, len(FILES), pages.last_row(k))


def write_charts(sheet: Sheet, data: OutputData, detail: DetailLayout,
                 chart_rows: list[tuple[str, str, Any]]) -> None:
    """Projects by 等次 (COUNTIF over 项目支出明细) and execution rates: a bar a
    project (few projects), else the number of projects in each band."""
    sheet.set_widths(GRADES.widths)
    sheet.height(TITLE_ROW, 30)
    sheet.merge(TITLE_ROW, 1, TITLE_ROW, L.CHART_LAST_COL, "图表", TITLE)
    if data.department:
        sheet.text(NOTE_ROW, 1, _dept_note(data), NOTE.but(wrap=False))
    here = CHARTS_SHEET
    ranges = detail.sheet_ranges() if data.summary.department.projects else []
    rows = sheet.rows([HEAD] * len(GRADES))
    rows.write(HEADER_ROW, list(GRADES.headers))
    body = rows.looks(GRADES.row(dict(grade=CELL, band=CELL, count=COUNT)))
    r = FIRST_ROW
    uppers = [None] + [g[1] for g in data.grades[:-1]]
    counts = []
    for (grade, lower), upper in zip(data.grades, uppers):
        band = f"≥{num(lower)}" if upper is None else f"{num(lower)}–{num(upper)}"
        if upper is not None and lower <= 0:
            band = f"<{num(upper)}"
        n = data.grade_counts.get(grade, 0)
        counts.append(n)
        count = (Formula(F.grade_count(ranges, DETAIL.letter("grade"), grade, here), n) if ranges
                 else 0)
        rows.write(r, GRADES.row(dict(grade=grade, band=band, count=count)), body)
        r += 1
    projects = data.summary.department.projects
    unrated = F.unrated(F.on(SUMMARY_SHEET, here, SUMMARY.a1(FIRST_ROW, "projects")),
                        GRADES.span("count", FIRST_ROW, r - 1))
    rows.write(r, GRADES.row(dict(grade="未评", band="无等次",
                                  count=Formula(unrated, F.unrated_value(projects, counts)))), body)
    last_grade = r
    chart = sheet.book.wb.add_chart({"type": "column"})
    chart.add_series({"name": "项目数",
                      "categories": _series(FIRST_ROW, last_grade, GRADES.col("grade")),
                      "values": _series(FIRST_ROW, last_grade, GRADES.col("count")),
                      "data_labels": {"value": True}})
    chart.set_title({"name": "自评得分分布（按等次）"})
    chart.set_x_axis({"name": "等次"})
    chart.set_y_axis({"name": "项目数"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 530, "height": 285})
    sheet.ws.insert_chart(f"{col_letter(L.CHART_ANCHOR_COL)}{HEADER_ROW}", chart)
    last = HEADER_ROW + L.CHART_FIRST_ROWS

    top = last_grade + 3
    by_project = projects <= L.CHART_PROJECTS
    if by_project:
        caption = f"执行率（按项目；名称超过 {L.LABEL_CHARS} 字的截短，全称见“{DETAIL_SHEET}”）"
    else:
        caption = f"执行率分布（{projects} 个项目按执行率分档；各项目见“{DETAIL_SHEET}”）"
    sheet.text(top - 1, 1, caption, BOLD.but(align="left", border=False, wrap=False))
    table = L.RATES_BY_PROJECT if by_project else L.RATES_BY_BAND
    rows = sheet.rows([HEAD] * len(table))
    rows.write(top, list(table.headers))
    r = top + 1
    if by_project:
        body = rows.looks(table.row(dict(name=LEFT, unit=LEFT, rate=RATE)))
        for name, unit, rate in chart_rows[:L.CHART_PROJECTS]:
            label = name if len(name) <= L.LABEL_CHARS else name[:L.LABEL_CHARS - 1] + "…"
            rows.write(r, table.row(dict(name=label, unit=unit, rate=rate)), body)
            r += 1
        label_col, value_col = table.col("name"), table.col("rate")
    else:
        body = rows.looks(table.row(dict(band=CELL, blank=CELL, count=COUNT)))
        for k, (low, high, label) in enumerate(RATE_BANDS):
            value = data.rate_bands.get(k, 0)
            count = (Formula(F.band_count(ranges, DETAIL.letter("index"),
                                          DETAIL.letter("execution_rate"), low, high, here), value)
                     if ranges else 0)
            rows.write(r, table.row(dict(band=label, blank="", count=count)), body)
            r += 1
        label_col, value_col = table.col("band"), table.col("count")
    if r > top + 1:
        kind = "bar" if by_project else "column"
        bars = sheet.book.wb.add_chart({"type": kind})
        bars.add_series({"name": "执行率" if by_project else "项目数",
                         "categories": _series(top + 1, r - 1, label_col),
                         "values": _series(top + 1, r - 1, value_col),
                         "data_labels": {"value": not by_project}})
        bars.set_title({"name": "预算执行率（按项目）" if by_project else "预算执行率分布"})
        bars.set_legend({"none": True})
        if by_project:
            bars.set_x_axis({"name": "执行率", "num_format": "0%", "min": 0})
            bars.set_y_axis({"name": "项目", "reverse": True})
        else:
            bars.set_x_axis({"name": "执行率"})
            bars.set_y_axis({"name": "项目数"})
        height = max(300, 24 * (r - top)) if by_project else 300
        bars.set_size({"width": 760, "height": min(height, 4000)})
        anchor = max(top, L.CHART_FIRST_ROWS + HEADER_ROW + 1)
        sheet.ws.insert_chart(f"{col_letter(L.CHART_ANCHOR_COL)}{anchor}", bars)
        last = max(last, anchor + int(height / 20) + 1)
    _finish(sheet, L.CHART_LAST_COL, max(last, r - 1))


def _series(first_row: int, last_row: int, col: int) -> list[Any]:
    """A chart series' cells: rows first..last of column `col` on 图表 (1-based)."""
    return [CHARTS_SHEET, first_row - 1, col - 1, last_row - 1, col - 1]


def _basename(path: Optional[str]) -> str:
    """The file name of a path (either separator: the path may come from a
    rolled-up result made on Windows)."""
    if not path:
        return ""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _cell_value(value: Any) -> Any:
    """An issue's value as a cell shows it: numbers stay numbers, the rest text."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


# ------------------------------------------------------------------ the book
def write_workbook(path: str | Path, data: OutputData) -> None:
    """Write the whole workbook to `path` (a temporary file of the caller's:
    `job` replaces the output atomically)."""
    detail = plan_detail(_UnitCounts(data.summary.units))
    problems = Pages(PROBLEMS_SHEET, data.problem_total)
    files = Pages(FILES_SHEET, data.file_total)
    with Book(path, constant_memory=True, compression=1) as book:
        book.wb.set_properties({"title": "整体支出汇总", "created": _created(data)})
        summary = book.sheet(SUMMARY_SHEET)
        detail_sheets = [book.sheet(n) for n in detail.pages.names]
        budget = book.sheet(BUDGET_SHEET)
        problem_sheets = [book.sheet(n) for n in problems.names]
        file_sheets = [book.sheet(n) for n in files.names]
        charts = book.sheet(CHARTS_SHEET)

        department_row = write_summary(summary, data, detail)
        note = _join(_dept_note(data), detail.pages.note())
        for k, sheet in enumerate(detail_sheets):
            title = "项目支出明细（一个专项一行）" + ("" if k == 0 else f"（续 {k + 1}）")
            _begin(sheet, title, DETAIL, note if k == 0 else "", money=True)
        counts = data.severity
        note = _join(f"共 {data.problem_total} 个问题：错误 {counts['error']}，警告 {counts['warning']}，"
                     f"提示 {counts['info']}", problems.note())
        for k, sheet in enumerate(problem_sheets):
            _begin(sheet, "问题清单" + ("" if k == 0 else f"（续 {k + 1}）"), PROBLEMS,
                   note if k == 0 else "")
        one_pass = _Pass(data, detail, detail_sheets, problems, problem_sheets)
        one_pass.run()
        for k, sheet in enumerate(detail_sheets):
            _finish(sheet, len(DETAIL), detail.pages.last_row(k))
        for k, sheet in enumerate(problem_sheets):
            _finish(sheet, len(PROBLEMS), problems.last_row(k))
        write_budget_block(budget, data, department_row)
        write_files(file_sheets, files, data)
        write_charts(charts, data, detail, one_pass.chart_rows)


def _created(data: OutputData) -> datetime:
    """The workbook's creation time: the newest first-submission time of its
    files, so the same submissions give the same bytes."""
    if data.newest_seen:
        try:
            moment = datetime.fromisoformat(data.newest_seen)
            return moment.astimezone(timezone.utc).replace(tzinfo=None)
        except ValueError:
            pass
    return datetime(2000, 1, 1)


def output_key() -> str:
    """What the output's bytes depend on besides the data: the source of this
    module, of its layout and formulas (and the project and department formulas
    and the scoring they share), of the kit, and the settings (a re-run with
    other code rewrites)."""
    from ..department import formulas as department_formulas
    from ..project import formulas as project_formulas
    from ..project import scoring
    from ..xlsx import sheet as kit_sheet
    from ..xlsx import text as kit_text
    from . import merge as merge_mod

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], L, F, project_formulas, department_formulas, scoring,
                   kit_sheet, kit_text, merge_mod):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(f"{L.SHEET_ROWS}:{L.CHART_PROJECTS}:{zone_label()}".encode())
    return digest.hexdigest()
