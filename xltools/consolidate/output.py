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
each written with the value computed from the same records (previews,
Protected View and WPS mobile show the right figures; Excel recalculates on
opening anyway).  Every string goes through the kit's text path: clerk text
is text, never a formula; control characters pasted from Word are made
readable.
"""
from __future__ import annotations

import hashlib
import math
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from ..core.addresses import col_letter
from ..core.issues import SEVERITY_TEXT
from ..xlsx.edits import Formula
from ..xlsx.sheet import (BOLD, CELL, HEADER, LEFT, MONEY, NOTE, RATE, SCORE, TITLE, Book, Look,
                          Sheet, quote_sheet)
from .ledger import local_time, zone_label
from .merge import DEPARTMENT_ROW, RATE_BANDS, Summary, Totals
from .run import entry_problems

# ------------------------------------------------------------------ sheet names
SUMMARY_SHEET = "整体支出汇总"
DETAIL_SHEET = "项目支出明细"
BUDGET_SHEET = "部门整体支出绩效自评表"
PROBLEMS_SHEET = "问题清单"
FILES_SHEET = "文件状态"
CHARTS_SHEET = "图表"

TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4

#: Rows a sheet holds (Excel: 1 048 576).  A longer table goes on over further
#: sheets.  A module setting so tests can make it small.
SHEET_ROWS = 1_048_576
#: Up to this many projects the 图表 sheet has a bar a project; above it, the
#: number of projects in each execution-rate band.
CHART_PROJECTS = 40

MONEY_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"

#: 整体支出汇总 columns (A..).
SUMMARY_COLUMNS = ("单位名称", "项目数", "年初预算数", "全年预算数", "全年执行数", "执行率",
                   "结余", "平均得分", "最低得分", "备注")
SUMMARY_WIDTHS = (24, 8, 12, 12, 12, 10, 12, 10, 10, 30)
#: 项目支出明细 columns (A..).
DETAIL_COLUMNS = ("序号", "单位", "项目名称", "年初预算数", "全年预算数", "全年执行数", "执行率",
                  "预算执行得分", "自评总分", "规则总分", "等次", "问题数", "表内实施单位",
                  "来源文件", "工作表")
DETAIL_WIDTHS = (6, 14, 34, 11, 11, 11, 9, 9, 9, 9, 6, 7, 20, 20, 18)
DC = {name: i + 1 for i, name in enumerate(DETAIL_COLUMNS)}
#: 部门整体支出绩效自评表 budget block columns (A..).
BUDGET_COLUMNS = ("项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值",
                  "执行率", "得分")
BUDGET_WIDTHS = (14, 30, 12, 12, 12, 8, 10, 10)
PROBLEM_COLUMNS = ("序号", "单位", "文件", "工作表", "单元格", "项目", "代码", "严重程度", "值", "说明")
PROBLEM_WIDTHS = (7, 14, 22, 14, 8, 22, 22, 8, 16, 60)
FILE_COLUMNS = ("序号", "文件", "单位", "单位来源", "状态", "原因", "项目数", "问题数", "含宏",
                "首次报送时间", "SHA-256")
FILE_WIDTHS = (6, 26, 16, 10, 14, 40, 8, 8, 6, 20, 66)

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

    def __init__(self, result: Any, *, budget_weight: float = 10.0, rate_cap: float = 1.0,
                 grades: Sequence[tuple[str, float]] = (("优", 90.0), ("良", 80.0), ("中", 60.0),
                                                         ("差", 0.0)),
                 department: str = "") -> None:
        self.result = result
        self.summary: Summary = result.summary
        self.budget_weight = budget_weight
        self.rate_cap = rate_cap
        self.grades = list(grades)
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
    def units(self) -> list[Totals]:
        """Every unit row: those with projects, then those whose files gave none."""
        return list(self.summary.units) + [Totals(name=u) for u in self.result.extra_units]

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


# ------------------------------------------------------------------ long tables
class Pages:
    """A table laid over as many sheets as its rows need: `names` in tab
    order, `place(i)` → (sheet index, row) of data row i (0-based)."""

    def __init__(self, name: str, rows: int) -> None:
        self.per_sheet = max(1, SHEET_ROWS - HEADER_ROW)
        count = max(1, math.ceil(rows / self.per_sheet))
        self.names = [name] + [f"{name}({k})" for k in range(2, count + 1)]
        self.rows = rows

    def place(self, i: int) -> tuple[int, int]:
        return i // self.per_sheet, FIRST_ROW + i % self.per_sheet

    def last_row(self, k: int) -> int:
        """Last data row used on sheet k (FIRST_ROW - 1 when none)."""
        before = k * self.per_sheet
        return FIRST_ROW - 1 + max(0, min(self.per_sheet, self.rows - before))

    def note(self) -> str:
        if len(self.names) == 1:
            return ""
        rest = "、".join(f"“{n}”" for n in self.names[1:])
        return f"行数超过一张工作表所能容纳的 {SHEET_ROWS:,} 行，续见 {rest}"


@dataclass
class UnitPlace:
    """Where a unit's projects and its 小计 are on 项目支出明细 (sheet, rows)."""

    ranges: list[tuple[str, int, int]] = field(default_factory=list)
    subtotal: tuple[str, int] = ("", 0)


@dataclass
class DetailLayout:
    """Where 项目支出明细 put things: per unit, the 合计 row, each sheet's rows."""

    pages: Pages
    units: dict[str, UnitPlace] = field(default_factory=dict)
    total: tuple[str, int] = ("", 0)

    def sheet_ranges(self) -> list[tuple[str, int, int]]:
        """(sheet, first, last) rows of projects and 小计 on each detail sheet
        (the 合计 row, last of all, left out: it sums these)."""
        out = []
        for k, name in enumerate(self.pages.names):
            last = self.pages.last_row(k)
            if name == self.total[0]:
                last = self.total[1] - 1
            if last >= FIRST_ROW:
                out.append((name, FIRST_ROW, last))
        return out

    def all_projects(self) -> list[tuple[str, int, int]]:
        return [r for place in self.units.values() for r in place.ranges]


def plan_detail(units: Sequence[Totals]) -> DetailLayout:
    """Rows of 项目支出明细: each unit's projects then its 小计, then 合计."""
    pages = Pages(DETAIL_SHEET, sum(u.projects + 1 for u in units) + 1)
    layout = DetailLayout(pages)
    i = 0
    for unit in units:
        place = UnitPlace()
        for k in range(unit.projects):
            sheet, row = pages.place(i + k)
            name = pages.names[sheet]
            if place.ranges and place.ranges[-1][0] == name:
                place.ranges[-1] = (name, place.ranges[-1][1], row)
            else:
                place.ranges.append((name, row, row))
        i += unit.projects
        sheet, row = pages.place(i)
        place.subtotal = (pages.names[sheet], row)
        layout.units[unit.name] = place
        i += 1
    sheet, row = pages.place(i)
    layout.total = (pages.names[sheet], row)
    return layout


def _ref(sheet: str, here: str, a1: str) -> str:
    """A reference to `a1` on `sheet` as written on sheet `here`."""
    return a1 if sheet == here else f"{quote_sheet(sheet)}!{a1}"


def _ranges(ranges: Sequence[tuple[str, int, int]], col: str, here: str) -> str:
    return ",".join(_ref(s, here, f"{col}{a}:{col}{b}" if a != b else f"{col}{a}")
                    for s, a, b in ranges)


def _zero(x: Optional[float]) -> float:
    """What SUM shows for a total: 0 when no figure is known."""
    return 0.0 if x is None else x


def _rate(spent: Optional[float], full_year: Optional[float]) -> Any:
    """IF(N(full)<=0,"",spent/full) as Excel computes it."""
    full = _zero(full_year)
    return "" if full <= 0 else _zero(spent) / full


def _rate_formula(spent_cell: str, full_year_cell: str) -> str:
    return f'IF(N({full_year_cell})<=0,"",{spent_cell}/{full_year_cell})'


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# ------------------------------------------------------------------ common parts
def _begin(sheet: Sheet, title: str, widths: Sequence[float], columns: Sequence[str],
           note: str = "", money: bool = False) -> None:
    """Widths, title (merged across), note row, header row, frozen header."""
    ncols = len(columns)
    sheet.set_widths(widths)
    sheet.height(TITLE_ROW, 30)
    sheet.merge(TITLE_ROW, 1, TITLE_ROW, ncols, title, TITLE)
    if note:
        sheet.text(NOTE_ROW, 1, note, NOTE.but(wrap=False))
    if money:
        sheet.text(NOTE_ROW, ncols, "单位：万元", NOTE_RIGHT)
    heads = sheet.rows([HEAD] * ncols)
    heads.write(HEADER_ROW, list(columns))
    sheet.freeze(FIRST_ROW)


def _finish(sheet: Sheet, ncols: int, last_row: int) -> None:
    sheet.print_setup(f"A1:{col_letter(ncols)}{max(last_row, HEADER_ROW)}",
                      title_rows=(HEADER_ROW, HEADER_ROW))


def _dept_note(data: OutputData) -> str:
    return f"部门：{data.department}" if data.department else ""


def _join(*parts: str) -> str:
    return "；".join(p for p in parts if p)


# ------------------------------------------------------------------ the sheets
def write_summary(sheet: Sheet, data: OutputData, detail: DetailLayout) -> dict[str, int]:
    """整体支出汇总; returns the row of each unit (and of the department row)."""
    units = data.units
    _begin(sheet, "整体支出汇总", SUMMARY_WIDTHS, SUMMARY_COLUMNS, _dept_note(data), money=True)
    here = SUMMARY_SHEET
    first_unit, last_unit = FIRST_ROW + 1, max(FIRST_ROW + 1, FIRST_ROW + len(units))
    dept = data.summary.department
    score = col_letter(DC["自评总分"])
    rows = sheet.rows([TOTAL_LEFT, TOTAL_COUNT, TOTAL_MONEY, TOTAL_MONEY, TOTAL_MONEY,
                       TOTAL_RATE, TOTAL_MONEY, TOTAL_SCORE, TOTAL_SCORE, TOTAL_LEFT])
    plain = rows.looks([LEFT, COUNT, MONEY, MONEY, MONEY, RATE, MONEY, SCORE, SCORE, LEFT])
    r = FIRST_ROW
    values: list[Any] = [DEPARTMENT_ROW]
    for col, value in ((2, dept.projects), (3, dept.budget_initial), (4, dept.budget_full_year),
                       (5, dept.spent)):
        c = col_letter(col)
        values.append(Formula(f"SUM({c}{first_unit}:{c}{last_unit})", _zero(value)))
    values += _tail(r, dept, _ranges(detail.sheet_ranges(), score, here) if dept.projects else None)
    values.append(_unreadable_note(data, None))
    rows.write(r, values)
    out = {DEPARTMENT_ROW: r}
    for r, unit in enumerate(units, start=first_unit):
        out[unit.name] = r
        place = detail.units.get(unit.name)
        if place is None:  # files of this unit gave no project
            values = [unit.name, 0, None, None, None,
                      Formula(_rate_formula(f"E{r}", f"D{r}"), ""),
                      Formula(f'IF(AND(D{r}="",E{r}=""),"",N(D{r})-N(E{r}))', ""), None, None]
        else:
            sub_sheet, sub = place.subtotal
            values = [unit.name, unit.projects]
            for name, value in (("年初预算数", unit.budget_initial),
                                ("全年预算数", unit.budget_full_year), ("全年执行数", unit.spent)):
                values.append(Formula(_ref(sub_sheet, here, f"{col_letter(DC[name])}{sub}"),
                                      _zero(value)))
            values += _tail(r, unit, _ranges(place.ranges, score, here))
        values.append(_unreadable_note(data, unit.name))
        rows.write(r, values, plain)
    _finish(sheet, len(SUMMARY_COLUMNS), last_unit)
    return out


def _tail(r: int, t: Totals, scores: Optional[str]) -> list[Any]:
    """执行率, 结余, 平均得分, 最低得分 of a summary row (columns F..I)."""
    full, spent = _zero(t.budget_full_year), _zero(t.spent)
    out: list[Any] = [Formula(_rate_formula(f"E{r}", f"D{r}"), _rate(spent, full)),
                      Formula(f'IF(AND(D{r}="",E{r}=""),"",N(D{r})-N(E{r}))', full - spent)]
    if scores is None:
        return out + [None, None]
    avg = "" if t.score_avg is None else t.score_avg
    low = "" if t.score_min is None else t.score_min
    out.append(Formula(f'IF(COUNT({scores})=0,"",AVERAGE({scores}))', avg))
    out.append(Formula(f'IF(COUNT({scores})=0,"",MIN({scores}))', low))
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
        cols = [CELL, LEFT, LEFT, MONEY, MONEY, MONEY, RATE, SCORE, SCORE, SCORE, CELL, COUNT,
                LEFT, LEFT, LEFT]
        total = [TOTAL, TOTAL_LEFT, TOTAL_LEFT, TOTAL_MONEY, TOTAL_MONEY, TOTAL_MONEY, TOTAL_RATE,
                 TOTAL, TOTAL, TOTAL, TOTAL, TOTAL_COUNT, TOTAL, TOTAL, TOTAL]
        self.detail_rows = [s.rows(cols) for s in detail_sheets]
        self.detail_total = [w.looks(total) for w in self.detail_rows]
        pcols = [CELL, LEFT, LEFT, LEFT, CELL, LEFT, LEFT, CELL, LEFT, LEFT]
        self.problem_rows = [s.rows(pcols) for s in problem_sheets]
        self.i = 0  # detail data row
        self.p = 0  # problem number
        self.units = {u.name: u for u in data.summary.units}

    def run(self) -> None:
        index = 0
        for entry in self.data.entries():
            for problem in entry_problems(entry):
                self._problem(problem)
            if entry.unit not in self.units or not entry.records:
                continue
            for rec in entry.records:
                index += 1
                self._project(index, rec)
            self._maybe_subtotal(entry.unit)
        self._total()

    # -- detail
    def _put(self, values: list, looks=None) -> None:
        k, row = self.detail.pages.place(self.i)
        self.detail_rows[k].write(row, values, looks[k] if looks else None)
        self.i += 1

    def _project(self, index: int, rec: dict) -> None:
        if len(self.chart_rows) <= CHART_PROJECTS:
            self.chart_rows.append((rec.get("name") or "", rec.get("unit") or "",
                                    rec.get("execution_rate")))
        self._put([index, rec.get("unit") or "", rec.get("name") or "",
                   rec.get("budget_initial"), rec.get("budget_full_year"), rec.get("spent"),
                   rec.get("execution_rate"), rec.get("budget_score"), rec.get("score_total"),
                   rec.get("rule_score_total"), rec.get("grade") or "",
                   len(rec.get("issues") or ()), rec.get("form_unit") or "",
                   _basename(rec.get("file")), rec.get("sheet") or ""])

    def _maybe_subtotal(self, unit_name: str) -> None:
        """After a unit's last project: its 小计 row."""
        place = self.detail.units[unit_name]
        sheet, row = self.detail.pages.place(self.i)
        if (self.detail.pages.names[sheet], row) != place.subtotal:
            return  # more projects of this unit to come
        unit = self.units[unit_name]
        here = place.subtotal[0]
        values: list[Any] = ["", unit.name, f"小计（{unit.projects} 个项目）"]
        for name, value in (("年初预算数", unit.budget_initial), ("全年预算数", unit.budget_full_year),
                            ("全年执行数", unit.spent)):
            values.append(Formula(f"SUM({_ranges(place.ranges, col_letter(DC[name]), here)})",
                                  _zero(value)))
        values.append(Formula(_rate_formula(f"F{row}", f"E{row}"),
                              _rate(unit.spent, unit.budget_full_year)))
        values += [None, None, None, None]
        values.append(Formula(f"SUM({_ranges(place.ranges, col_letter(DC['问题数']), here)})",
                              unit.problems))
        values += [None, None, None]
        self._put(values, self.detail_total)

    def _total(self) -> None:
        dept = self.data.summary.department
        here, row = self.detail.total
        values: list[Any] = ["", "合计", f"{DEPARTMENT_ROW}（{dept.projects} 个项目）"]
        ranges = self.detail.sheet_ranges()

        def sumif(col: str) -> str:
            return "+".join(f'SUMIF({_ref(s, here, f"A{a}:A{b}")},">0",'
                            f'{_ref(s, here, f"{col}{a}:{col}{b}")})' for s, a, b in ranges)

        for name, value in (("年初预算数", dept.budget_initial), ("全年预算数", dept.budget_full_year),
                            ("全年执行数", dept.spent)):
            values.append(Formula(sumif(col_letter(DC[name])), _zero(value)))
        values.append(Formula(_rate_formula(f"F{row}", f"E{row}"),
                              _rate(dept.spent, dept.budget_full_year)))
        values += [None, None, None, None]
        values.append(Formula(sumif(col_letter(DC["问题数"])), dept.problems))
        values += [None, None, None]
        self._put(values, self.detail_total)

    # -- problems
    def _problem(self, p: dict) -> None:
        self.p += 1
        k, row = self.problems.place(self.p - 1)
        self.problem_rows[k].write(row, [
            self.p, p.get("unit") or "", _basename(p.get("file")), p.get("sheet") or "",
            p.get("cell") or "", p.get("project") or "", p.get("code") or "",
            SEVERITY_TEXT.get(p.get("severity"), p.get("severity") or ""),
            _cell_value(p.get("value")), p.get("message") or ""])


def write_budget_block(sheet: Sheet, data: OutputData, summary_rows: dict[str, int]) -> int:
    """部门整体支出绩效自评表 budget block; returns the 年度资金总额 row."""
    ncols = len(BUDGET_COLUMNS)
    _begin(sheet, "部门整体支出绩效自评表（年度预算执行情况）", BUDGET_WIDTHS, BUDGET_COLUMNS,
           _dept_note(data), money=True)
    s = quote_sheet(SUMMARY_SHEET)
    dept = data.summary.department
    units = data.units
    rows = sheet.rows([CELL, BOLD.but(align="left"), TOTAL_MONEY.but(fill=None),
                       TOTAL_MONEY.but(fill=None), TOTAL_MONEY.but(fill=None),
                       Look(align="right", bold=True, fmt="0"), TOTAL_RATE.but(fill=None),
                       TOTAL_SCORE.but(fill=None)])
    plain = rows.looks([CELL, LEFT, MONEY, MONEY, MONEY, CELL, RATE, CELL])
    r = FIRST_ROW
    src = summary_rows[DEPARTMENT_ROW]
    rate = _rate(dept.spent, dept.budget_full_year)
    score = "" if rate == "" else data.budget_weight * min(max(rate, 0.0), data.rate_cap)
    rows.write(r, [None, "年度资金总额",
                   Formula(f"{s}!C{src}", _zero(dept.budget_initial)),
                   Formula(f"{s}!D{src}", _zero(dept.budget_full_year)),
                   Formula(f"{s}!E{src}", _zero(dept.spent)),
                   data.budget_weight,
                   Formula(_rate_formula(f"E{r}", f"D{r}"), rate),
                   Formula(f'IF(G{r}="","",F{r}*MIN(MAX(G{r},0),{_num(data.rate_cap)}))', score)],
               height=22)
    total_row = r
    has_projects = {u.name for u in data.summary.units}
    for unit in units:
        r += 1
        src = summary_rows[unit.name]
        known = unit.name in has_projects
        values: list[Any] = [None, f"其中：{unit.name}"]
        for col, value in (("C", unit.budget_initial), ("D", unit.budget_full_year),
                           ("E", unit.spent)):
            values.append(Formula(f'IF({s}!{col}{src}="","",{s}!{col}{src})',
                                  _zero(value) if known else ""))
        values.append(None)
        values.append(Formula(_rate_formula(f"E{r}", f"D{r}"),
                              _rate(unit.spent, unit.budget_full_year) if known else ""))
        values.append(None)
        rows.write(r, values, plain)
    sheet.merge_area(HEADER_ROW, 1, max(r, HEADER_ROW + 1), 1)  # 项目资金（万元） down the block
    _finish(sheet, ncols, r)
    return total_row


def write_files(sheets: list[Sheet], pages: Pages, data: OutputData) -> None:
    note = _join(f"共 {data.file_total} 个文件：无法读取 {data.unreadable} 个，含宏 {data.macros} 个"
                 "（宏从不运行，只读取单元格）", pages.note())
    columns = FILE_COLUMNS[:9] + (f"首次报送时间（{zone_label()}）",) + FILE_COLUMNS[10:]
    writers = []
    for k, sheet in enumerate(sheets):
        title = "文件状态" if k == 0 else f"文件状态（续 {k + 1}）"
        _begin(sheet, title, FILE_WIDTHS, columns, note if k == 0 else "")
        writers.append(sheet.rows([CELL, LEFT, LEFT, CELL, CELL, LEFT, COUNT, COUNT, CELL, CELL,
                                   LEFT]))
    for i, f in enumerate(data.file_rows()):
        k, row = pages.place(i)
        writers[k].write(row, [
            i + 1, f.get("name") or _basename(f.get("path")), f.get("unit") or "",
            f.get("unit_source") or "", STATUS_TEXT.get(f.get("status"), f.get("status")),
            f.get("error") or "", f.get("projects", 0), f.get("problems", 0),
            "是" if f.get("has_macros") else "否", local_time(f.get("seen_at"), seconds=True),
            f.get("sha256") or ""])
    for k, sheet in enumerate(sheets):
        _finish(sheet, len(FILE_COLUMNS), pages.last_row(k))


_CHART_LAST_COL = 16   # P: the charts sit in E..P, inside the print area
_LABEL_CHARS = 16      # project names longer than this are shortened on the chart
_FIRST_CHART_ROWS = 16  # rows the distribution chart covers


def write_charts(sheet: Sheet, data: OutputData, detail: DetailLayout,
                 chart_rows: list[tuple[str, str, Any]]) -> None:
    """Projects by 等次 (COUNTIF over 项目支出明细) and execution rates: a bar a
    project (few projects), else the number of projects in each band."""
    sheet.set_widths((30, 14, 10))
    sheet.height(TITLE_ROW, 30)
    sheet.merge(TITLE_ROW, 1, TITLE_ROW, _CHART_LAST_COL, "图表", TITLE)
    if data.department:
        sheet.text(NOTE_ROW, 1, _dept_note(data), NOTE.but(wrap=False))
    grade_col = col_letter(DC["等次"])
    ranges = detail.sheet_ranges() if data.summary.department.projects else []
    rows = sheet.rows([HEAD, HEAD, HEAD])
    rows.write(HEADER_ROW, ["等次", "分数段", "项目数"])
    body = rows.looks([CELL, CELL, COUNT])
    r = FIRST_ROW
    uppers = [None] + [g[1] for g in data.grades[:-1]]
    counted = 0
    for (grade, lower), upper in zip(data.grades, uppers):
        band = f"≥{_num(lower)}" if upper is None else f"{_num(lower)}–{_num(upper)}"
        if upper is not None and lower <= 0:
            band = f"<{_num(upper)}"
        n = data.grade_counts.get(grade, 0)
        counted += n
        if ranges:
            text = "+".join(f'COUNTIF({_ref(s, CHARTS_SHEET, f"${grade_col}${a}:${grade_col}${b}")},'
                            f'"{grade}")' for s, a, b in ranges)
            rows.write(r, [grade, band, Formula(text, n)], body)
        else:
            rows.write(r, [grade, band, 0], body)
        r += 1
    projects = data.summary.department.projects
    rows.write(r, ["未评", "无等次",
                   Formula(f"{quote_sheet(SUMMARY_SHEET)}!B{FIRST_ROW}-SUM(C{FIRST_ROW}:C{r - 1})",
                           projects - counted)], body)
    last_grade = r
    chart = sheet.book.wb.add_chart({"type": "column"})
    chart.add_series({"name": "项目数",
                      "categories": [CHARTS_SHEET, FIRST_ROW - 1, 0, last_grade - 1, 0],
                      "values": [CHARTS_SHEET, FIRST_ROW - 1, 2, last_grade - 1, 2],
                      "data_labels": {"value": True}})
    chart.set_title({"name": "自评得分分布（按等次）"})
    chart.set_x_axis({"name": "等次"})
    chart.set_y_axis({"name": "项目数"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 530, "height": 285})
    sheet.ws.insert_chart(f"E{HEADER_ROW}", chart)
    last = HEADER_ROW + _FIRST_CHART_ROWS

    top = last_grade + 3
    by_project = projects <= CHART_PROJECTS
    if by_project:
        caption = f"执行率（按项目；名称超过 {_LABEL_CHARS} 字的截短，全称见“{DETAIL_SHEET}”）"
    else:
        caption = f"执行率分布（{projects} 个项目按执行率分档；各项目见“{DETAIL_SHEET}”）"
    sheet.text(top - 1, 1, caption, BOLD.but(align="left", border=False, wrap=False))
    rows = sheet.rows([HEAD, HEAD, HEAD])
    rows.write(top, ["项目", "单位", "执行率"] if by_project else ["执行率", "", "项目数"])
    r = top + 1
    if by_project:
        body = rows.looks([LEFT, LEFT, RATE])
        for name, unit, rate in chart_rows[:CHART_PROJECTS]:
            label = name if len(name) <= _LABEL_CHARS else name[:_LABEL_CHARS - 1] + "…"
            rows.write(r, [label, unit, rate], body)
            r += 1
    else:
        body = rows.looks([CELL, CELL, COUNT])
        rate_col = col_letter(DC["执行率"])
        for k, (low, high, label) in enumerate(RATE_BANDS):
            tests = (([f'">={low!r}"'] if low is not None else [])
                     + ([f'"<{high!r}"'] if high is not None else []))
            parts = []
            for s, a, b in ranges:  # 序号 > 0: project rows, not 小计/合计
                rng = _ref(s, CHARTS_SHEET, f"${rate_col}${a}:${rate_col}${b}")
                numbers = _ref(s, CHARTS_SHEET, f"$A${a}:$A${b}")
                parts.append("COUNTIFS(" + ",".join(f"{rng},{t}" for t in tests)
                             + f',{numbers},">0")')
            value = data.rate_bands.get(k, 0)
            rows.write(r, [label, "", Formula("+".join(parts), value) if parts else 0], body)
            r += 1
    if r > top + 1:
        kind = "bar" if by_project else "column"
        bars = sheet.book.wb.add_chart({"type": kind})
        bars.add_series({"name": "执行率" if by_project else "项目数",
                         "categories": [CHARTS_SHEET, top, 0, r - 2, 0],
                         "values": [CHARTS_SHEET, top, 2, r - 2, 2],
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
        anchor = max(top, _FIRST_CHART_ROWS + HEADER_ROW + 1)
        sheet.ws.insert_chart(f"E{anchor}", bars)
        last = max(last, anchor + int(height / 20) + 1)
    _finish(sheet, _CHART_LAST_COL, max(last, r - 1))


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
    detail = plan_detail(data.summary.units)
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

        summary_rows = write_summary(summary, data, detail)
        note = _join(_dept_note(data), detail.pages.note())
        for k, sheet in enumerate(detail_sheets):
            title = "项目支出明细（一个专项一行）" + ("" if k == 0 else f"（续 {k + 1}）")
            _begin(sheet, title, DETAIL_WIDTHS, DETAIL_COLUMNS, note if k == 0 else "", money=True)
        counts = data.severity
        note = _join(f"共 {data.problem_total} 个问题：错误 {counts['error']}，警告 {counts['warning']}，"
                     f"提示 {counts['info']}", problems.note())
        for k, sheet in enumerate(problem_sheets):
            _begin(sheet, "问题清单" + ("" if k == 0 else f"（续 {k + 1}）"), PROBLEM_WIDTHS,
                   PROBLEM_COLUMNS, note if k == 0 else "")
        one_pass = _Pass(data, detail, detail_sheets, problems, problem_sheets)
        one_pass.run()
        for k, sheet in enumerate(detail_sheets):
            _finish(sheet, len(DETAIL_COLUMNS), detail.pages.last_row(k))
        for k, sheet in enumerate(problem_sheets):
            _finish(sheet, len(PROBLEM_COLUMNS), problems.last_row(k))
        write_budget_block(budget, data, summary_rows)
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
    """What the output's bytes depend on besides the data: this module's and
    the kit's source and the settings (a re-run with other code rewrites)."""
    from ..xlsx import sheet as kit_sheet
    from ..xlsx import text as kit_text
    from . import merge as merge_mod

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], kit_sheet, kit_text, merge_mod):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(f"{SHEET_ROWS}:{CHART_PROJECTS}:{zone_label()}".encode())
    return digest.hexdigest()
