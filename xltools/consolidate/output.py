"""The output workbook of `xltools consolidate`, written with openpyxl from plain
records (no engine logic here).

Sheets, in order:

- 整体支出汇总 — first row 局机关及二级机构汇总, then a row per unit;
- 项目支出明细 — a row per project, a 小计 row per unit, a 合计 row;
- 部门整体支出绩效自评表 — the 年度资金总额 budget block (分值 from the profile);
- 问题清单 — every problem with file, sheet and cell;
- 文件状态 — every file with its status, reason, unit, macros, sha256;
- 图表 — execution rate by project, projects by 等次.

The workbook is written in openpyxl's write-only mode (rows streamed to disk,
memory flat in the number of projects), so each sheet is written top to bottom.
Totals and rates of totals are native formulas (SUM over the rows above) so the
clerk can audit them; `fullCalcOnLoad` makes Excel/WPS compute them on opening.
Every string is written as a string cell: text a clerk typed that starts with
"=" never becomes a formula.
"""
from __future__ import annotations

import re
import hashlib
import json
from copy import copy
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.cell import WriteOnlyCell
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..xlsx.style import BORDER, CENTER, FONT, FONT_BOLD, LEFT, RIGHT, print_setup
from ..core.addresses import col_letter, to_a1
from ..core.issues import SEVERITY_TEXT
from .merge import DEPARTMENT_ROW, Summary, Totals

# ------------------------------------------------------------------ sheet names
SUMMARY_SHEET = "整体支出汇总"
DETAIL_SHEET = "项目支出明细"
BUDGET_SHEET = "部门整体支出绩效自评表"
PROBLEMS_SHEET = "问题清单"
FILES_SHEET = "文件状态"
CHARTS_SHEET = "图表"

TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4

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
PROBLEM_WIDTHS = (6, 14, 22, 14, 8, 22, 22, 8, 16, 60)
FILE_COLUMNS = ("序号", "文件", "单位", "单位来源", "状态", "原因", "项目数", "问题数", "含宏",
                "首次报送时间（UTC）", "SHA-256")
FILE_WIDTHS = (6, 26, 16, 10, 14, 40, 8, 8, 6, 20, 66)

STATUS_TEXT = {"ok": "已汇总", "problems": "已汇总（有问题）", "error": "无法读取",
               "duplicate": "重复文件（未汇总）", "skipped": "未读取"}

_BORDER, _FONT, _BOLD = BORDER, FONT, FONT_BOLD
_TITLE_FONT = Font(name="黑体", size=16)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER, _LEFT, _RIGHT = CENTER, LEFT, RIGHT
_NOTE = Alignment(horizontal="left", vertical="center", wrap_text=False)
_LINE_HEIGHT = 13.5  # points per line of 10-point 宋体


@dataclass
class OutputData:
    """Everything the output shows, as plain data.

    files: dicts with path, name, unit, unit_source, status (ok / problems / error
    / duplicate), error, projects, problems, has_macros, sha256, seen_at.
    problems: `Issue.as_dict()` records with the unit and project they belong to.
    """

    summary: Summary
    files: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    budget_weight: float = 10.0
    rate_cap: float = 1.0
    grades: Sequence[tuple[str, float]] = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", 0.0))
    department: str = ""

    def digest(self) -> str:
        """A hash of everything written: equal digests give equal workbooks."""
        doc = {
            "department": asdict(self.summary.department),
            "units": [asdict(u) for u in self.summary.units],
            "records": [{k: v for k, v in r.items() if not k.startswith("_")}
                        for r in self.summary.records],
            "files": self.files,
            "problems": self.problems,
            "weight": self.budget_weight, "cap": self.rate_cap,
            "grades": [list(g) for g in self.grades], "dept": self.department,
        }
        text = json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ cell helpers
_STYLE_CACHE: dict[tuple, Any] = {}


def put(ws: Worksheet, row: int, col: int, value: Any, *, fmt: Optional[str] = None,
        font: Font = _FONT, align: Alignment = _LEFT, border: bool = True,
        fill: Optional[PatternFill] = None, formula: bool = False):
    """Write one cell.  Strings are always string cells unless `formula` is True
    (so a clerk's `=1+1` stays text).  Returns the cell."""
    cell = _rows(ws).cell(row, col, value)
    quote = False
    if isinstance(value, str):
        cell.value = value
        if formula:
            cell.data_type = "f"
        else:
            cell.data_type = "s"
            quote = value.startswith("=")  # Excel keeps it text when the clerk edits it
    else:
        cell.value = value
    # Setting styles one attribute at a time is most of openpyxl's writing cost;
    # a combination seen before is copied whole from the first cell that had it.
    key = (id(ws.parent), id(font), id(align), fmt, border, id(fill), quote)
    cached = _STYLE_CACHE.get(key)
    if cached is not None:
        cell._style = copy(cached)
        return cell
    cell.font = font
    cell.alignment = align
    if fmt:
        cell.number_format = fmt
    if border:
        cell.border = _BORDER
    if fill is not None:
        cell.fill = fill
    if quote:
        cell.quotePrefix = True
    _STYLE_CACHE[key] = copy(cell._style)
    return cell


class _RowBuffer:
    """Cells of a write-only sheet are sent a row at a time, in order: `cell()`
    collects the current row's cells and flushes it when a later row starts."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.row = 0
        self.written = 0
        self.cells: dict[int, Any] = {}

    def cell(self, row: int, col: int, value: Any):
        if row < self.row:
            raise ValueError(f"{self.ws.title}: row {row} after row {self.row}")
        if row > self.row:
            self.flush()
            self.row = row
        cell = WriteOnlyCell(self.ws, None)
        self.cells[col] = cell
        return cell

    def flush(self) -> None:
        if not self.cells:
            return
        while self.written < self.row - 1:
            self.ws.append([])
            self.written += 1
        self._fit_height()
        self.ws.append([self.cells.get(c) for c in range(1, max(self.cells) + 1)])
        self.written += 1
        self.cells = {}


    def _fit_height(self) -> None:
        """Rows holding wrapped text get the height their longest cell needs
        (Excel and LibreOffice do not re-measure rows of a file written headless)."""
        dims = self.ws.row_dimensions
        if self.row in dims and dims[self.row].height:
            return
        lines = 1
        for col, cell in self.cells.items():
            if not isinstance(cell.value, str) or cell.data_type == "f":
                continue
            if not (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            width = self.ws.column_dimensions[col_letter(col)].width or 8.43
            per_line = max(1.0, width - 1.0)
            need = sum(max(1, -(-_display_width(part) // int(per_line)))
                       for part in cell.value.split("\n"))
            lines = max(lines, need)
        if lines > 1:
            dims[self.row].height = min(409.0, lines * _LINE_HEIGHT + 2)


_WIDE_RE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
                      "\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _display_width(text: str) -> int:
    """Columns a text takes: a Chinese (wide, East Asian W/F) character counts two."""
    return len(text) + len(_WIDE_RE.findall(text))


def _rows(ws) -> _RowBuffer:
    buf = getattr(ws, "_xltools_rows", None)
    if buf is None:
        buf = _RowBuffer(ws)
        ws._xltools_rows = buf
    return buf


def _begin(ws, widths: Sequence[float]) -> None:
    """What a streamed sheet needs before its first row: column widths, fit to
    page, frozen header."""
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[col_letter(col)].width = width
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.freeze_panes = to_a1(HEADER_ROW + 1, 1)


def fx(ws: Worksheet, row: int, col: int, formula: str, **kw):
    """Write a formula we made (never clerk text)."""
    return put(ws, row, col, formula, formula=True, align=kw.pop("align", _RIGHT), **kw)


def _title(ws: Worksheet, text: str, ncols: int, note: str = "") -> None:
    ws.row_dimensions[TITLE_ROW].height = 30
    put(ws, TITLE_ROW, 1, text, font=_TITLE_FONT, align=_CENTER, border=False)
    ws.merged_cells.add(f"A{TITLE_ROW}:{to_a1(TITLE_ROW, ncols)}")
    if note:
        put(ws, NOTE_ROW, 1, note, align=_NOTE, border=False)
    put(ws, NOTE_ROW, ncols, "单位：万元" if ws.title in (SUMMARY_SHEET, DETAIL_SHEET, BUDGET_SHEET)
        else "", align=_RIGHT, border=False)


def _headers(ws: Worksheet, columns: Sequence[str], row: int = HEADER_ROW) -> None:
    ws.row_dimensions[row].height = 30
    for col, name in enumerate(columns, start=1):
        put(ws, row, col, name, font=_BOLD, align=_CENTER, fill=_HEADER_FILL)


def _print_setup(ws: Worksheet, ncols: int, last_row: int, header_rows: str = "3:3") -> None:
    _rows(ws).flush()
    print_setup(ws, f"A1:{to_a1(max(last_row, HEADER_ROW), ncols)}", title_rows=header_rows)


def _sum_of(cells: Sequence[str]) -> str:
    """SUM over listed cells, nested so no SUM gets more than 200 arguments."""
    if not cells:
        return "0"
    parts = [f"SUM({','.join(cells[i:i + 200])})" for i in range(0, len(cells), 200)]
    return parts[0] if len(parts) == 1 else f"SUM({','.join(parts)})"


def _rate_formula(spent_cell: str, full_year_cell: str) -> str:
    return f'IF(N({full_year_cell})<=0,"",{spent_cell}/{full_year_cell})'


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# ------------------------------------------------------------------ the sheets
@dataclass
class DetailLayout:
    """Where 项目支出明细 put things: per unit (first, last, subtotal) rows, and
    the 合计 row."""

    units: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    total_row: int = FIRST_ROW
    project_rows: list[int] = field(default_factory=list)


def write_detail(ws: Worksheet, data: OutputData) -> DetailLayout:
    ncols = len(DETAIL_COLUMNS)
    _begin(ws, DETAIL_WIDTHS)
    _title(ws, "项目支出明细（一个专项一行）", ncols, _dept_note(data))
    _headers(ws, DETAIL_COLUMNS)
    layout = DetailLayout()
    row = FIRST_ROW
    index = 0
    subtotals: list[int] = []
    for unit in data.summary.units:
        records = data.summary.by_unit[unit.name]
        first = row
        for rec in records:
            index += 1
            put(ws, row, DC["序号"], index, align=_CENTER)
            put(ws, row, DC["单位"], rec.get("unit") or "")
            put(ws, row, DC["项目名称"], rec.get("name") or "")
            for key, col in (("budget_initial", "年初预算数"), ("budget_full_year", "全年预算数"),
                             ("spent", "全年执行数")):
                put(ws, row, DC[col], rec.get(key), fmt=MONEY_FORMAT, align=_RIGHT)
            put(ws, row, DC["执行率"], rec.get("execution_rate"), fmt=RATE_FORMAT, align=_RIGHT)
            put(ws, row, DC["预算执行得分"], rec.get("budget_score"), fmt=SCORE_FORMAT, align=_RIGHT)
            put(ws, row, DC["自评总分"], rec.get("score_total"), fmt=SCORE_FORMAT, align=_RIGHT)
            put(ws, row, DC["规则总分"], rec.get("rule_score_total"), fmt=SCORE_FORMAT, align=_RIGHT)
            put(ws, row, DC["等次"], rec.get("grade") or "", align=_CENTER)
            put(ws, row, DC["问题数"], len(rec.get("issues") or []), align=_RIGHT)
            put(ws, row, DC["表内实施单位"], rec.get("form_unit") or "")
            put(ws, row, DC["来源文件"], Path(rec.get("file") or "").name)
            put(ws, row, DC["工作表"], rec.get("sheet") or "")
            layout.project_rows.append(row)
            row += 1
        last = row - 1
        sub = row
        put(ws, sub, DC["序号"], "", fill=_TOTAL_FILL)
        put(ws, sub, DC["单位"], unit.name, font=_BOLD, fill=_TOTAL_FILL)
        put(ws, sub, DC["项目名称"], f"小计（{unit.projects} 个项目）", font=_BOLD, fill=_TOTAL_FILL)
        for name in ("年初预算数", "全年预算数", "全年执行数", "问题数"):
            c = col_letter(DC[name])
            fx(ws, sub, DC[name], f"=SUM({c}{first}:{c}{last})",
               fmt=None if name == "问题数" else MONEY_FORMAT, font=_BOLD, fill=_TOTAL_FILL)
        _rate_cell(ws, sub)
        for name in ("预算执行得分", "自评总分", "规则总分", "等次", "表内实施单位", "来源文件", "工作表"):
            put(ws, sub, DC[name], None, fill=_TOTAL_FILL)
        layout.units[unit.name] = (first, last, sub)
        subtotals.append(sub)
        row += 1
    total = row
    put(ws, total, DC["序号"], "", fill=_TOTAL_FILL)
    put(ws, total, DC["单位"], "合计", font=_BOLD, fill=_TOTAL_FILL)
    put(ws, total, DC["项目名称"], f"{DEPARTMENT_ROW}（{data.summary.department.projects} 个项目）",
        font=_BOLD, fill=_TOTAL_FILL)
    for name in ("年初预算数", "全年预算数", "全年执行数", "问题数"):
        c = col_letter(DC[name])
        fx(ws, total, DC[name], "=" + _sum_of([f"{c}{s}" for s in subtotals]),
           fmt=None if name == "问题数" else MONEY_FORMAT, font=_BOLD, fill=_TOTAL_FILL)
    _rate_cell(ws, total)
    for name in ("预算执行得分", "自评总分", "规则总分", "等次", "表内实施单位", "来源文件", "工作表"):
        put(ws, total, DC[name], None, fill=_TOTAL_FILL)
    layout.total_row = total
    _print_setup(ws, ncols, total)
    return layout


def _rate_cell(ws: Worksheet, row: int) -> None:
    spent = to_a1(row, DC["全年执行数"])
    full = to_a1(row, DC["全年预算数"])
    fx(ws, row, DC["执行率"], "=" + _rate_formula(spent, full), fmt=RATE_FORMAT, font=_BOLD,
       fill=_TOTAL_FILL)


def write_summary(ws: Worksheet, data: OutputData, detail: DetailLayout) -> dict[str, int]:
    """整体支出汇总; returns the row of each unit (and of the department row)."""
    ncols = len(SUMMARY_COLUMNS)
    _begin(ws, SUMMARY_WIDTHS)
    _title(ws, "整体支出汇总", ncols, _dept_note(data))
    _headers(ws, SUMMARY_COLUMNS)
    d = _quote(DETAIL_SHEET)
    rows: dict[str, int] = {DEPARTMENT_ROW: FIRST_ROW}
    units = list(data.summary.units) + _units_without_projects(data)
    first_unit = FIRST_ROW + 1
    last_unit = FIRST_ROW + len(units)
    score_col = col_letter(DC["自评总分"])
    # Department row.
    r = FIRST_ROW
    put(ws, r, 1, DEPARTMENT_ROW, font=_BOLD, fill=_TOTAL_FILL)
    for col in (2, 3, 4, 5):
        c = col_letter(col)
        fx(ws, r, col, f"=SUM({c}{first_unit}:{c}{max(last_unit, first_unit)})",
           fmt=None if col == 2 else MONEY_FORMAT, font=_BOLD, fill=_TOTAL_FILL)
    if detail.project_rows:
        rng = f"{d}!{score_col}{min(detail.project_rows)}:{score_col}{max(detail.project_rows)}"
        _score_cells(ws, r, rng, bold=True)
    else:
        put(ws, r, 8, None, fill=_TOTAL_FILL)
        put(ws, r, 9, None, fill=_TOTAL_FILL)
    _summary_tail(ws, r, bold=True)
    put(ws, r, 10, _unreadable_note(data, None), fill=_TOTAL_FILL)
    # Unit rows.
    for r, unit in enumerate(units, start=first_unit):
        rows[unit.name] = r
        put(ws, r, 1, unit.name)
        if unit.name in detail.units:
            first, last, sub = detail.units[unit.name]
            put(ws, r, 2, unit.projects, align=_RIGHT)
            for col, name in ((3, "年初预算数"), (4, "全年预算数"), (5, "全年执行数")):
                fx(ws, r, col, f"={d}!{col_letter(DC[name])}{sub}", fmt=MONEY_FORMAT)
            _score_cells(ws, r, f"{d}!{score_col}{first}:{score_col}{last}")
        else:
            put(ws, r, 2, 0, align=_RIGHT)
            for col in (3, 4, 5, 8, 9):
                put(ws, r, col, None, fmt=MONEY_FORMAT)
        _summary_tail(ws, r)
        put(ws, r, 10, _unreadable_note(data, unit.name))
    _print_setup(ws, ncols, max(last_unit, FIRST_ROW))
    return rows


def _score_cells(ws: Worksheet, row: int, rng: str, bold: bool = False) -> None:
    kw = {"font": _BOLD, "fill": _TOTAL_FILL} if bold else {}
    fx(ws, row, 8, f'=IF(COUNT({rng})=0,"",AVERAGE({rng}))', fmt=SCORE_FORMAT, **kw)
    fx(ws, row, 9, f'=IF(COUNT({rng})=0,"",MIN({rng}))', fmt=SCORE_FORMAT, **kw)


def _summary_tail(ws: Worksheet, row: int, bold: bool = False) -> None:
    kw = {"font": _BOLD, "fill": _TOTAL_FILL} if bold else {}
    fx(ws, row, 6, "=" + _rate_formula(f"E{row}", f"D{row}"), fmt=RATE_FORMAT, **kw)
    fx(ws, row, 7, f'=IF(AND(D{row}="",E{row}=""),"",N(D{row})-N(E{row}))', fmt=MONEY_FORMAT, **kw)


def _units_without_projects(data: OutputData) -> list[Totals]:
    """Units whose files gave no project (unreadable, no form): listed with 0."""
    known = {u.name for u in data.summary.units}
    out: list[Totals] = []
    for f in data.files:
        unit = f.get("unit") or ""
        if unit and unit not in known and f.get("status") != "duplicate":
            known.add(unit)
            out.append(Totals(name=unit))
    return out


def _unreadable_note(data: OutputData, unit: Optional[str]) -> str:
    bad = [f for f in data.files if f.get("status") == "error"
           and (unit is None or f.get("unit") == unit)]
    if not bad:
        return ""
    return f"{len(bad)} 个文件无法读取，未计入（见“{FILES_SHEET}”）"


def write_budget_block(ws: Worksheet, data: OutputData, summary_rows: dict[str, int]) -> int:
    """部门整体支出绩效自评表 budget block; returns the 年度资金总额 row."""
    ncols = len(BUDGET_COLUMNS)
    _begin(ws, BUDGET_WIDTHS)
    _title(ws, "部门整体支出绩效自评表（年度预算执行情况）", ncols, _dept_note(data))
    _headers(ws, BUDGET_COLUMNS)
    s = _quote(SUMMARY_SHEET)
    units = list(data.summary.units) + _units_without_projects(data)
    r = FIRST_ROW
    put(ws, r, 1, None)
    put(ws, r, 2, "年度资金总额", font=_BOLD)
    src = summary_rows[DEPARTMENT_ROW]
    for col, scol in ((3, "C"), (4, "D"), (5, "E")):
        fx(ws, r, col, f"={s}!{scol}{src}", fmt=MONEY_FORMAT, font=_BOLD)
    put(ws, r, 6, data.budget_weight, fmt="0", align=_RIGHT, font=_BOLD)
    fx(ws, r, 7, "=" + _rate_formula(f"E{r}", f"D{r}"), fmt=RATE_FORMAT, font=_BOLD)
    fx(ws, r, 8, f'=IF(G{r}="","",F{r}*MIN(MAX(G{r},0),{_num(data.rate_cap)}))',
       fmt=SCORE_FORMAT, font=_BOLD)
    total_row = r
    for unit in units:
        r += 1
        put(ws, r, 1, None)
        put(ws, r, 2, f"其中：{unit.name}")
        src = summary_rows[unit.name]
        for col, scol in ((3, "C"), (4, "D"), (5, "E")):
            fx(ws, r, col, f'=IF({s}!{scol}{src}="","",{s}!{scol}{src})', fmt=MONEY_FORMAT)
        put(ws, r, 6, None)
        fx(ws, r, 7, "=" + _rate_formula(f"E{r}", f"D{r}"), fmt=RATE_FORMAT)
        put(ws, r, 8, None)
    ws.merged_cells.add(f"A{HEADER_ROW}:A{r}")  # 项目资金（万元） down the block
    _print_setup(ws, ncols, r)
    return total_row


def write_problems(ws: Worksheet, data: OutputData) -> None:
    ncols = len(PROBLEM_COLUMNS)
    counts = {k: sum(1 for p in data.problems if p.get("severity") == k) for k in SEVERITY_TEXT}
    note = (f"共 {len(data.problems)} 个问题：错误 {counts['error']}，警告 {counts['warning']}，"
            f"提示 {counts['info']}")
    _begin(ws, PROBLEM_WIDTHS)
    _title(ws, "问题清单", ncols, note)
    _headers(ws, PROBLEM_COLUMNS)
    r = FIRST_ROW
    for i, p in enumerate(data.problems, start=1):
        values = (i, p.get("unit") or "", Path(p.get("file") or "").name, p.get("sheet") or "",
                  p.get("cell") or "", p.get("project") or "", p.get("code") or "",
                  SEVERITY_TEXT[p["severity"]],
                  _cell_value(p.get("value")), p.get("message") or "")
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value, align=_CENTER if col in (1, 5, 8) else _LEFT)
        r += 1
    _print_setup(ws, ncols, r - 1)


def write_files(ws: Worksheet, data: OutputData) -> None:
    ncols = len(FILE_COLUMNS)
    bad = sum(1 for f in data.files if f.get("status") == "error")
    macros = sum(1 for f in data.files if f.get("has_macros"))
    note = (f"共 {len(data.files)} 个文件：无法读取 {bad} 个，含宏 {macros} 个"
            "（宏从不运行，只读取单元格）")
    _begin(ws, FILE_WIDTHS)
    _title(ws, "文件状态", ncols, note)
    _headers(ws, FILE_COLUMNS)
    r = FIRST_ROW
    for i, f in enumerate(data.files, start=1):
        values = (i, f.get("name") or Path(f.get("path") or "").name, f.get("unit") or "",
                  f.get("unit_source") or "", STATUS_TEXT.get(f.get("status"), f.get("status")),
                  f.get("error") or "", f.get("projects", 0), f.get("problems", 0),
                  "是" if f.get("has_macros") else "否", _time(f.get("seen_at")),
                  f.get("sha256") or "")
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value, align=_CENTER if col in (1, 5, 7, 8, 9) else _LEFT)
        r += 1
    _print_setup(ws, ncols, r - 1)


_CHART_LAST_COL = 16   # P: the charts sit in E..P, inside the print area
_LABEL_CHARS = 16      # project names longer than this are shortened on the chart
_CM_PER_ROW = 0.53     # a 15-point row
_FIRST_CHART_ROWS = 16  # rows the 7.5 cm distribution chart covers


def write_charts(ws: Worksheet, data: OutputData, detail: DetailLayout) -> None:
    """Projects by 等次 (COUNTIF over 项目支出明细) and execution rate by project."""
    _begin(ws, (30, 14, 10))
    _title(ws, "图表", _CHART_LAST_COL, _dept_note(data))
    d = _quote(DETAIL_SHEET)
    grade_col = col_letter(DC["等次"])
    rows = detail.project_rows
    rng = (f"{d}!${grade_col}${min(rows)}:${grade_col}${max(rows)}" if rows else None)
    _headers(ws, ("等次", "分数段", "项目数"))
    r = FIRST_ROW
    uppers = [None] + [g[1] for g in data.grades[:-1]]
    for (grade, lower), upper in zip(data.grades, uppers):
        put(ws, r, 1, grade, align=_CENTER)
        band = f"≥{_num(lower)}" if upper is None else f"{_num(lower)}–{_num(upper)}"
        if upper is not None and lower <= 0:
            band = f"<{_num(upper)}"
        put(ws, r, 2, band, align=_CENTER)
        if rng:
            fx(ws, r, 3, f'=COUNTIF({rng},"{grade}")')
        else:
            put(ws, r, 3, 0, align=_RIGHT)
        r += 1
    put(ws, r, 1, "未评", align=_CENTER)
    put(ws, r, 2, "无等次", align=_CENTER)
    fx(ws, r, 3, f"={_quote(SUMMARY_SHEET)}!B{FIRST_ROW}-SUM(C{FIRST_ROW}:C{r - 1})")
    last_grade = r
    chart = BarChart()
    chart.type = "col"
    chart.title = "自评得分分布（按等次）"
    chart.y_axis.title = "项目数"
    chart.x_axis.title = "等次"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=3, min_row=HEADER_ROW, max_row=last_grade),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last_grade))
    chart.height, chart.width = 7.5, 14
    ws.add_chart(chart, f"E{HEADER_ROW}")
    last = HEADER_ROW + _FIRST_CHART_ROWS

    # Execution rate by project: a small data table, then a horizontal bar chart.
    top = last_grade + 3
    put(ws, top - 1, 1, f"执行率（按项目；名称超过 {_LABEL_CHARS} 字的截短，全称见“{DETAIL_SHEET}”）",
        font=_BOLD, align=_NOTE, border=False)
    last = max(last, top - 1)
    _headers(ws, ("项目", "单位", "执行率"), row=top)
    r = top + 1
    last = max(last, top + len(data.summary.records))
    for rec in data.summary.records:
        name = rec.get("name") or ""
        put(ws, r, 1, name if len(name) <= _LABEL_CHARS else name[:_LABEL_CHARS - 1] + "…")
        put(ws, r, 2, rec.get("unit") or "")
        put(ws, r, 3, rec.get("execution_rate"), fmt=RATE_FORMAT, align=_RIGHT)
        r += 1
    if r > top + 1:
        bars = BarChart()
        bars.type = "bar"
        bars.title = "预算执行率（按项目）"
        bars.legend = None
        bars.x_axis.title = "项目"
        bars.y_axis.title = "执行率"
        bars.y_axis.number_format = "0%"
        bars.y_axis.scaling.min = 0
        bars.add_data(Reference(ws, min_col=3, min_row=top, max_row=r - 1), titles_from_data=True)
        bars.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=r - 1))
        bars.width = 20
        bars.height = min(200.0, max(8.0, 0.9 * (r - top - 1)))
        anchor = max(top, _FIRST_CHART_ROWS + HEADER_ROW + 1)  # below the first chart
        ws.add_chart(bars, f"E{anchor}")
        last = max(last, anchor + int(bars.height / _CM_PER_ROW) + 1)
    _print_setup(ws, _CHART_LAST_COL, last)


def _cell_value(value: Any) -> Any:
    """An issue's value as a cell shows it: numbers stay numbers, the rest text."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _dept_note(data: OutputData) -> str:
    return f"部门：{data.department}" if data.department else ""


def _time(iso: Optional[str]) -> str:
    if not iso:
        return ""
    return str(iso).replace("T", " ")[:19].replace("+00:00", "")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# ------------------------------------------------------------------ the book
def build_workbook(data: OutputData) -> Workbook:
    wb = Workbook(write_only=True)  # rows streamed to disk: memory does not grow with N
    _STYLE_CACHE.clear()  # style ids belong to one workbook
    summary_ws = wb.create_sheet(SUMMARY_SHEET)
    detail_ws = wb.create_sheet(DETAIL_SHEET)
    budget_ws = wb.create_sheet(BUDGET_SHEET)
    problems_ws = wb.create_sheet(PROBLEMS_SHEET)
    files_ws = wb.create_sheet(FILES_SHEET)
    charts_ws = wb.create_sheet(CHARTS_SHEET)
    detail = write_detail(detail_ws, data)
    rows = write_summary(summary_ws, data, detail)
    write_budget_block(budget_ws, data, rows)
    write_problems(problems_ws, data)
    write_files(files_ws, data)
    write_charts(charts_ws, data, detail)
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    return wb


def save_workbook(wb: Workbook, path: str | Path) -> None:
    """Save atomically; an existing file is backed up first (fileio)."""
    from ..core.fileio import atomic_write

    with atomic_write(path) as tmp:
        wb.save(tmp)
