"""Where the consolidation puts things — the one layout source of the output
workbook (`consolidate.output`) and of the block 汇总下级报送 writes into the
master's 整体支出 sheet (`consolidate.plans`).  Formula text and the value each
formula shows are in `consolidate.formulas`; nothing else hard-codes a row or
a column of these tables.

The output workbook, every sheet::

    row 1   title (merged across the table)
    row 2   note (部门, continuation sheets) | “单位：万元” in the last column
    row 3   header (frozen, repeated on every printed page)
    row 4…  the table; one longer than a sheet holds (`SHEET_ROWS`) goes on over
            further sheets — 项目支出明细(2), 问题清单(2) … (`Pages`)

整体支出汇总: the department row (局机关及二级机构汇总), then a row per unit.
项目支出明细: a row per project, a 小计 row per unit, a 合计 row (`DetailLayout`).
部门整体支出绩效自评表: the 年度资金总额 row, then a 其中 row per unit.

The block in the master (`BlockLayout`), from its top-left corner, a blank row
between its tables::

    title
    整体支出汇总 caption | header | department row | a row per unit with projects
    年度资金总额 caption | header | the 年度资金总额 row
    项目支出明细 caption | header | per unit: its projects, its 小计 | 合计
    the files' and problems' line | a row per unreadable file | per error
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from ..core.addresses import col_letter
from ..master import layout as M

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


# ------------------------------------------------------------------ columns
#: The money columns every table sums, by key (each the `merge.Totals` field).
MONEY_KEYS = ("budget_initial", "budget_full_year", "spent")


class Columns:
    """A table's columns in order, by key: header and width of each.  `first`
    is the sheet column of the first one (the master's block starts right of
    the master's own table)."""

    def __init__(self, *columns: tuple[str, str, float], first: int = 1) -> None:
        self.keys = tuple(key for key, _, _ in columns)
        self.headers = tuple(header for _, header, _ in columns)
        self.widths = tuple(width for _, _, width in columns)
        self.first = first
        self._index = {key: i for i, key in enumerate(self.keys)}
        self._letters = {key: col_letter(first + i) for i, key in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def col(self, key: str) -> int:
        """The sheet column (1-based) of `key`."""
        return self.first + self._index[key]

    def letter(self, key: str) -> str:
        return self._letters[key]

    def a1(self, row: int, key: str) -> str:
        return f"{self._letters[key]}{row}"

    def span(self, key: str, first: int, last: int) -> str:
        """Rows first..last of the column: "D5:D9" (also when first == last)."""
        letter = self.letter(key)
        return f"{letter}{first}:{letter}{last}"

    @property
    def last(self) -> int:
        return self.first + len(self.keys) - 1

    def take(self, *keys: str, first: int = 1, **headers: str) -> "Columns":
        """These columns (in this order) from `first` on, a header replaced
        where `headers` names the key."""
        i = self._index
        return Columns(*((k, headers.get(k, self.headers[i[k]]), self.widths[i[k]]) for k in keys),
                       first=first)

    def row(self, values: dict[str, object]) -> list[object]:
        """A row's cells in column order from values by key (None where absent)."""
        return [values.get(key) for key in self.keys]

    def order(self, *keys: str) -> Callable[[Sequence[object]], Sequence[object]]:
        """A function putting values given in the order of `keys` into column
        order (None for a column not among them): a long table's rows built
        without a dict each."""
        if keys == self.keys:
            return tuple  # (a tuple given is returned as it is)
        unknown = set(keys) - set(self.keys)
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        at = [keys.index(k) if k in keys else None for k in self.keys]
        return lambda values: [None if i is None else values[i] for i in at]


#: 整体支出汇总 (A..J).
SUMMARY = Columns(
    ("unit", "单位名称", 24), ("projects", "项目数", 8), ("budget_initial", "年初预算数", 12),
    ("budget_full_year", "全年预算数", 12), ("spent", "全年执行数", 12),
    ("execution_rate", "执行率", 10), ("balance", "结余", 12), ("score_avg", "平均得分", 10),
    ("score_min", "最低得分", 10), ("note", "备注", 30))
#: 项目支出明细 (A..O); 序号 is blank on 小计 and 合计 rows (the 合计 sums rows with one).
DETAIL = Columns(
    ("index", "序号", 6), ("unit", "单位", 14), ("name", "项目名称", 34),
    ("budget_initial", "年初预算数", 11), ("budget_full_year", "全年预算数", 11),
    ("spent", "全年执行数", 11), ("execution_rate", "执行率", 9), ("budget_score", "预算执行得分", 9),
    ("score_total", "自评总分", 9), ("rule_score_total", "规则总分", 9), ("grade", "等次", 6),
    ("problems", "问题数", 7), ("form_unit", "表内实施单位", 20), ("file", "来源文件", 20),
    ("sheet", "工作表", 18))
#: 部门整体支出绩效自评表, the budget block (A..H); 项目资金（万元） merged down column A.
BUDGET = Columns(
    ("block", "项目资金（万元）", 14), ("label", "", 30), ("budget_initial", "年初预算数", 12),
    ("budget_full_year", "全年预算数", 12), ("spent", "全年执行数", 12), ("weight", "分值", 8),
    ("execution_rate", "执行率", 10), ("score", "得分", 10))
PROBLEMS = Columns(
    ("index", "序号", 7), ("unit", "单位", 14), ("file", "文件", 22), ("sheet", "工作表", 14),
    ("cell", "单元格", 8), ("project", "项目", 22), ("code", "代码", 22), ("severity", "严重程度", 8),
    ("value", "值", 16), ("message", "说明", 60))
FILES = Columns(
    ("index", "序号", 6), ("file", "文件", 26), ("unit", "单位", 16), ("unit_source", "单位来源", 10),
    ("status", "状态", 14), ("reason", "原因", 40), ("projects", "项目数", 8), ("problems", "问题数", 8),
    ("macros", "含宏", 6), ("first_seen", "首次报送时间", 20), ("sha256", "SHA-256", 66))

# 图表: the projects by 等次 (A..C), the execution rates below it, charts in E..P.
GRADES = Columns(("grade", "等次", 30), ("band", "分数段", 14), ("count", "项目数", 10))
RATES_BY_PROJECT = Columns(("name", "项目", 30), ("unit", "单位", 14), ("rate", "执行率", 10))
RATES_BY_BAND = Columns(("band", "执行率", 30), ("blank", "", 14), ("count", "项目数", 10))
CHART_LAST_COL = 16     # P: the charts sit in E..P, inside the print area
CHART_ANCHOR_COL = 5    # E
CHART_FIRST_ROWS = 16   # rows the distribution chart covers
LABEL_CHARS = 16        # project names longer than this are shortened on the chart


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
    """Where 项目支出明细 put things: per unit (`places()`), the 合计 row, each
    sheet's rows."""

    pages: Pages
    total: tuple[str, int] = ("", 0)
    #: (unit, projects) in table order; walked again by `places()` rather than
    #: held as a place per unit (a province's run has tens of thousands)
    source: Iterable[tuple[str, int]] = ()

    def places(self) -> Iterator[tuple[str, UnitPlace]]:
        """(unit, its place) in table order: each unit's projects, then its 小计."""
        pages, i = self.pages, 0
        for unit, projects in self.source:
            place = UnitPlace()
            for k in range(projects):
                sheet, row = pages.place(i + k)
                name = pages.names[sheet]
                if place.ranges and place.ranges[-1][0] == name:
                    place.ranges[-1] = (name, place.ranges[-1][1], row)
                else:
                    place.ranges.append((name, row, row))
            i += projects
            sheet, row = pages.place(i)
            place.subtotal = (pages.names[sheet], row)
            yield unit, place
            i += 1

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


def plan_detail(units: Iterable[tuple[str, int]]) -> DetailLayout:
    """Rows of 项目支出明细 for (unit, projects) in order: each unit's projects
    then its 小计, then 合计.  `units` is walked once here and again by each
    `places()` (it may be read back from disk each time)."""
    rows = sum(n + 1 for _, n in units)
    pages = Pages(DETAIL_SHEET, rows + 1)
    sheet, row = pages.place(rows)
    return DetailLayout(pages, (pages.names[sheet], row), units)


# ------------------------------------------------------------------ the master's block
BLOCK_TITLE = "汇总下级报送结果（由“汇总下级报送”生成，重新汇总时本区域整体改写，请勿在此手工填写）"
BLOCK_SUMMARY_CAPTION = "整体支出汇总（单位：万元）"
BLOCK_BUDGET_CAPTION = "部门整体支出绩效自评表 · 年度资金总额（单位：万元）"
BLOCK_DETAIL_CAPTION = "项目支出明细（单位：万元）"
#: Errors listed in the block at the most (the output's 问题清单 has them all).
BLOCK_ERRORS = 200


def block_column() -> int:
    """First column of our block: right of the master's own summary columns and
    its buttons, so 一键重算 (which rewrites columns A…K) never touches it."""
    return len(M.SUMMARY_COLUMNS) + 5


@dataclass(frozen=True)
class UnitRows:
    """A unit's rows in the block's 项目支出明细: its projects, its 小计."""

    first: int
    last: int
    subtotal: int


class BlockLayout:
    """Where the block of 汇总下级报送 puts each table in the master's 整体支出,
    for (unit, projects) in order, its top-left corner at (`top`, `left`).

    Each table has its caption row, its header row and its columns by key
    (`summary`, `budget`, `detail`, `files`, `errors`: `Columns` placed from
    `left`); the rows of its lines are attributes."""

    def __init__(self, units: Sequence[tuple[str, int]], left: int, top: int = 1) -> None:
        self.left = left
        self.title_row = top
        self.summary = SUMMARY.take(*SUMMARY.keys[:SUMMARY.keys.index("note")], first=left)
        self.summary_caption_row = top + 2
        self.summary_header_row = top + 3
        self.department_row = top + 4
        self.unit_rows = {name: self.department_row + 1 + i for i, (name, _) in enumerate(units)}
        self.first_unit_row = self.department_row + 1
        self.last_unit_row = self.department_row + max(1, len(units))

        self.budget = BUDGET.take(*BUDGET.keys[BUDGET.keys.index("label"):], first=left,
                                  label="项目资金")
        self.budget_caption_row = self.department_row + len(units) + 2
        self.budget_header_row = self.budget_caption_row + 1
        self.budget_row = self.budget_caption_row + 2

        self.detail = DETAIL.take(*DETAIL.keys[:DETAIL.keys.index("problems") + 1], first=left)
        self.detail_caption_row = self.budget_row + 2
        self.detail_header_row = self.detail_caption_row + 1
        self.detail_units: dict[str, UnitRows] = {}
        r = self.detail_header_row
        for name, projects in units:
            self.detail_units[name] = UnitRows(r + 1, r + projects, r + projects + 1)
            r += projects + 1
        self.detail_total_row = r + 1

        self.notes_row = self.detail_total_row + 2
        #: Rows under the files' and problems' line: unreadable files, then errors.
        self.files = Columns(("status", "", 0), ("file", "", 0), ("reason", "", 0), first=left)
        self.errors = Columns(("severity", "", 0), ("file", "", 0), ("sheet", "", 0), ("cell", "", 0),
                              ("message", "", 0), first=left)
