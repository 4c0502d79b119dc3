"""The master workbook: the sheets `xltools new` writes, with openpyxl.

`build_workbook(...)` returns an openpyxl `Workbook` holding

- 说明: what to fill, what each button does, the one-time Python set-up;
- 基础信息: department, year, the unit list behind the 实施单位 dropdown;
- 整体支出: one row per project sheet, native formulas, a 合计 row;
- one sheet per project in the national 项目支出绩效自评表 layout (`xltools.master.layout`),
  printable, with dropdowns, validation while typing, conditional formats that
  mark problems, and native formulas for 执行率, budget 得分, 分值/得分 totals and
  等次 — so the sheet works in Excel or WPS without Python;
- 校验结果 (filled by the 校验 button / `xltools check`);
- xlwings.conf (master only) and a hidden `lists` sheet behind the dropdowns.

`write_master(path, ...)` saves it: an .xlsx as is, an .xlsm through
`xltools.master.vba.make_xlsm` (VBA and buttons).  Every rule in the formulas
(budget 分值, rate cap, total 100, grade bands) comes from the profile.

Only classic functions are written (IF, AND, OR, ISNUMBER, MIN, MAX, SUM, COUNT,
ABS, LEN, TRIM, OFFSET, MATCH, INDEX, COUNTA, IFERROR, AVERAGE): they work in
Excel 2007+, WPS and LibreOffice.
"""
from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import layout as L
from . import formulas as F
from ..core.addresses import col_letter, from_a1, to_a1
from ..core.fileio import atomic_write
from ..core.labels import LEVEL1_NAMES, LEVEL2_OF, canonical_level1, canonical_level2
from ..core.model import ProjectForm, Value
from ..department.layout import DEPARTMENT_SHEETS
from ..distribution import INSTALL_SENTENCE, MIN_PYTHON, python_text
from ..profiles import Profile, load_profile
from ..xlsx.style import print_setup
from ..xlsx.style import (BORDER, CENTER, FONT, FONT_BOLD, FONT_NAME, FONT_NOTE, FONT_TITLE, LEFT,
                         LEFT_TOP)

FONT_RULE = Font(name=FONT_NAME, size=10, color="1F4E79")
RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)
FILL_HEADER = PatternFill("solid", fgColor="F2F2F2")
FILL_RULE = PatternFill("solid", fgColor="DDEBF7")
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

# Conditional-format looks.
CF_ERROR = dict(fill=PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE"),
                font=Font(color="9C0006", bold=True))
CF_WARN = dict(fill=PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C"),
               font=Font(color="9C5700"))
CF_REQUIRED = dict(fill=PatternFill("solid", fgColor="FFF2CC", bgColor="FFF2CC"))
CF_REPEAT = dict(font=Font(color="A6A6A6"))

MONEY_FORMAT = "0.00"
RATE_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"


@dataclass
class MasterSpec:
    """What `xltools new` was asked for."""

    department: str = ""
    year: Optional[int] = None
    units: list[str] = field(default_factory=list)
    forms: list[Optional[ProjectForm]] = field(default_factory=list)  # None: blank sheet
    for_unit: Optional[str] = None  # macro-free file a subordinate unit fills
    filler: str = ""
    phone: str = ""
    interpreter: str = ""  # xlwings.conf Interpreter_Win; "" = pythonw on PATH
    macros: bool = True  # False: an .xlsx master (--no-macros), notes where the buttons would be
    file_name: str = ""  # the master's file name, for the commands the 说明 and notes give


# ============================================================ Public API


def build_workbook(spec: MasterSpec, profile: Optional[Profile] = None) -> Workbook:
    """The whole workbook for `spec` (no VBA: `write_master` adds it for .xlsm)."""
    profile = profile or load_profile()
    wb = Workbook()
    wb.remove(wb.active)
    _instructions_sheet(wb, spec)
    _base_sheet(wb, spec)
    wb.create_sheet(L.SUMMARY_SHEET)
    forms = spec.forms or [None]
    for index, form in enumerate(forms, start=1):
        add_project_sheet(wb, form, spec=spec, profile=profile, index=index, summary=False)
    _checks_sheet(wb)
    if spec.for_unit is None:
        _department_sheets(wb, spec)
        _conf_sheet(wb, spec.interpreter)
    _lists_sheet(wb)
    _defined_names(wb)
    build_summary(wb)
    if spec.for_unit is None and not spec.macros:
        _button_notes(wb, spec.file_name)
    wb.active = 0
    wb.calculation.fullCalcOnLoad = True
    return wb


def add_project_sheet(wb: Workbook, form: Optional[ProjectForm] = None, *,
                      spec: Optional[MasterSpec] = None, profile: Optional[Profile] = None,
                      index: Optional[int] = None, title: Optional[str] = None,
                      indicator_rows: Optional[int] = None, summary: bool = True) -> Worksheet:
    """Add one project sheet (blank, or filled from `form`) before 校验结果, and
    rebuild the 整体支出 rows (unless `summary` is False).  For code holding an
    openpyxl workbook; the 新增项目 button and `xltools add-project` copy the last
    project sheet instead (`recalc.plan_new_project`), keeping macros and buttons."""
    profile = profile or load_profile()
    spec = spec or _spec_from_book(wb)
    n_ind = indicator_rows or L.DEFAULT_INDICATOR_ROWS
    if form is not None:
        n_ind = max(n_ind, len(form.indicators))
    lay = L.ProjectLayout(n_ind)
    existing = project_sheets(wb)
    index = index or len(existing) + 1
    name = _unique_sheet_name(wb, title or _form_title(form) or L.PROJECT_SHEET_DEFAULT.format(n=index))
    position = wb.sheetnames.index(L.CHECKS_SHEET) if L.CHECKS_SHEET in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(name, position)
    _project_sheet(ws, lay, spec, profile, form)
    if summary:
        build_summary(wb)
    return ws


def project_sheets(wb: Workbook) -> list[tuple[Worksheet, L.ProjectLayout]]:
    """The project sheets of a workbook xltools wrote, with their layouts."""
    out = []
    for ws in wb.worksheets:
        if ws.title in (L.LISTS_SHEET, L.CONF_SHEET, L.SUMMARY_SHEET, L.CHECKS_SHEET,
                        L.BASE_SHEET, L.INSTRUCTIONS_SHEET) or ws.title in DEPARTMENT_SHEETS:
            continue
        lay = L.ProjectLayout.find(lambda r, c: ws.cell(r, c).value)
        if lay is not None:
            out.append((ws, lay))
    return out


def build_summary(wb: Workbook) -> Worksheet:
    """(Re)write the 整体支出 sheet: one formula row per project sheet, then 合计."""
    if L.SUMMARY_SHEET in wb.sheetnames:
        old = wb[L.SUMMARY_SHEET]
        position = wb.sheetnames.index(L.SUMMARY_SHEET)
        wb.remove(old)
        ws = wb.create_sheet(L.SUMMARY_SHEET, position)
    else:
        ws = wb.create_sheet(L.SUMMARY_SHEET)
    _summary_sheet(ws, project_sheets(wb), _spec_from_book(wb))
    return ws


def write_master(path: str | os.PathLike, spec: MasterSpec,
                 profile: Optional[Profile] = None) -> Path:
    """Write the workbook to `path` atomically (an existing file is backed up).
    `.xlsm`: the sheets go through `xltools.master.vba.make_xlsm`, which adds the
    VBA project and the buttons.  Returns the path written."""
    target = Path(path)
    macro = target.suffix.lower() == ".xlsm"
    if macro and spec.for_unit is not None:
        raise ValueError("下属单位报送表不含宏，文件名应以 .xlsx 结尾")
    spec = dataclasses.replace(spec, macros=macro, file_name=target.name)
    wb = build_workbook(spec, profile)
    with tempfile.TemporaryDirectory(prefix="xltools-new-") as tmpdir:
        plain = Path(tmpdir) / "master.xlsx"
        wb.save(plain)
        _cache_values(plain, profile or load_profile(), recalc=any(spec.forms))
        if macro:
            _package(plain, target, wb)
        else:
            with atomic_write(target) as tmp:
                tmp.write_bytes(plain.read_bytes())
    return target


def _cache_values(path: Path, profile: Profile, recalc: bool) -> None:
    """Give every project formula its value as the engine computes it (openpyxl
    writes formulas without values), so `xltools check` and any viewer see the
    right figures before a spreadsheet program recalculates.  With `recalc`
    (sheets filled by --from) also run 一键重算's terminal twin on the file:
    rule scores, 整体支出 values and the 校验结果 list."""
    from ..xlsx.package import Package, set_cells
    from ..project.reader import read_sheet
    from .plans import Formula
    from ..containers.workbook import load_book

    book = load_book(path)
    pkg = Package.load(path)
    for grid in book.sheets:
        lay = L.ProjectLayout.find(grid.get, max_rows=max(grid.max_row, 40))
        form = read_sheet(grid, str(path))[0] if lay is not None else None
        if form is None:
            continue
        values = F.project_values(form, lay, profile)
        cells = {from_a1(cell): Formula(text, values[cell])
                 for cell, text in F.project_formulas(lay, profile).items()}
        part = pkg.sheet_part(grid.name)
        pkg.put(part, set_cells(pkg.text(part), cells))
    pkg.save(path)
    if recalc:
        from .twins import recalc_file

        recalc_file(path, profile)  # backs the temporary file up beside itself: harmless


def buttons_for(wb: Workbook) -> list[tuple[str, str, str, str, int, int]]:
    """(sheet, anchor, caption, macro, width_cols, height_rows) of every button
    the master carries (`layout.BUTTONS`, "project" expanded to each sheet)."""
    out = []
    projects = [ws.title for ws, _ in project_sheets(wb)]
    for sheet, anchor, caption, macro in L.BUTTONS:
        width, height = L.BUTTON_SIZE.get(sheet, (2, 2))
        for name in (projects if sheet == "project" else [sheet]):
            if name in wb.sheetnames:
                out.append((name, anchor, caption, macro, width, height))
    return out


# ============================================================ Private API


def _department_sheets(wb: Workbook, spec: MasterSpec) -> None:
    """基础数据表, 部门整体支出绩效自评表 and 部门整体支出评分表 (issue 5), their 项目支出
    rows fed by the forms the master was filled from."""
    from ..department.writers import add_department_sheets

    projects = []
    for form in spec.forms:
        if form is None or form.budget_total is None:
            continue
        line = form.budget_total
        number = lambda v: v.number if v is not None else None  # noqa: E731
        projects.append({
            "unit": form.unit.text.strip() if form.unit is not None else "",
            "name": form.name.text.strip() if form.name is not None else form.sheet,
            "budget_initial": number(line.budget_initial),
            "budget_full_year": number(line.budget_full_year),
            "spent": number(line.spent),
        })
    add_department_sheets(wb, {"department": spec.department, "year": spec.year, "projects": projects})


def _package(plain: Path, target: Path, wb: Workbook) -> None:
    """The single call into part B's packaging (VBA project + buttons)."""
    from . import vba as package

    buttons = [package.Button(sheet=s, anchor=a, caption=c, macro=m, width_cols=w, height_rows=h)
               for s, a, c, m, w, h in buttons_for(wb)]
    package.make_xlsm(plain, target, buttons)


def _button_notes(wb: Workbook, file_name: str) -> None:
    """A master without macros: where each button would be, the command that
    does the same (`vba.TERMINAL_TWINS`)."""
    from .vba import TERMINAL_TWINS

    name = file_name or "本文件"
    for sheet, anchor, caption, macro, _w, _h in buttons_for(wb):
        twin = TERMINAL_TWINS.get(macro)
        text = (f"{caption}：在命令行运行 {twin.format(file=name)}" if twin
                else f"{caption}：需要启用宏的 .xlsm 主表")
        cell = wb[sheet][anchor]
        cell.value = text
        _style(cell, FONT_NOTE, Alignment(horizontal="left", vertical="center", wrap_text=False),
               border=False)


def _spec_from_book(wb: Workbook) -> MasterSpec:
    spec = MasterSpec()
    if L.BASE_SHEET in wb.sheetnames:
        ws = wb[L.BASE_SHEET]
        spec.department = ws[L.BASE_DEPARTMENT_CELL].value or ""
        year = ws[L.BASE_YEAR_CELL].value
        spec.year = int(year) if isinstance(year, (int, float)) else None
        spec.for_unit = ws[L.BASE_FOR_UNIT_CELL].value or None
        spec.units = [ws.cell(r, L.BASE_UNITS_COL).value for r in
                      range(L.BASE_UNITS_FIRST_ROW, L.BASE_UNITS_FIRST_ROW + L.BASE_UNITS_ROWS)
                      if ws.cell(r, L.BASE_UNITS_COL).value]
    return spec


_BAD_SHEET_CHARS = set('[]:*?/\\')


def _unique_sheet_name(wb: Workbook, name: str) -> str:
    text = re.sub(r"[\s\u3000\u00a0]+", " ", str(name))  # no line breaks in a sheet name
    text = "".join(ch for ch in text if ch.isprintable())
    clean = "".join("_" if ch in _BAD_SHEET_CHARS else ch for ch in text).strip().strip("'").strip()
    clean = clean[:31] or "项目"
    reserved = {s.lower() for s in wb.sheetnames} | {"history"}
    candidate, n = clean, 2
    while candidate.lower() in reserved:
        suffix = f"({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


def _form_title(form: Optional[ProjectForm]) -> str:
    if form is None or form.name is None or form.name.empty:
        return ""
    return form.name.text.strip()


def _style(cell, font=FONT, align=CENTER, border=True, fill=None, locked=True, fmt=None):
    cell.font = font
    cell.alignment = align
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    cell.protection = LOCKED if locked else UNLOCKED
    if fmt:
        cell.number_format = fmt


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _protect(ws: Worksheet) -> None:
    """Protection on, no password: formulas stay safe, a clerk can still unprotect
    (审阅 → 撤销工作表保护).  Row heights / column widths may be changed."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


def _print_setup(ws: Worksheet, area: str, title_rows: Optional[str], footer: bool = True) -> None:
    print_setup(ws, area, title_rows=title_rows, footer=footer)


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[col_letter(i)].width = w


def _dv(ws: Worksheet, kind: str, formula1: str, sqref: str, *, operator: Optional[str] = None,
        formula2: Optional[str] = None, title: str, prompt: str, error: str,
        style: str = "stop") -> DataValidation:
    dv = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator,
                        allow_blank=True, showErrorMessage=True, showInputMessage=True,
                        errorStyle=style, errorTitle=title, error=error,
                        promptTitle=title, prompt=prompt)
    for part in sqref.split():
        dv.add(part)
    ws.add_data_validation(dv)
    return dv


# ------------------------------------------------------------ project sheet


def _project_sheet(ws: Worksheet, lay: L.ProjectLayout, spec: MasterSpec, profile: Profile,
                   form: Optional[ProjectForm]) -> None:
    last = L.PRINT_LAST_COL
    formulas = F.project_formulas(lay, profile)
    # Grid of borders and fonts first, then merges (merged cells keep the borders).
    for r in range(L.NAME_ROW, lay.grade_row + 1):
        for c in range(1, last + 1):
            _style(ws.cell(r, c))
    year = f"{spec.year}年度" if spec.year else "    年度"
    title = ws.cell(L.TITLE_ROW, 1, f"{year}项目支出绩效自评表")
    _style(title, FONT_TITLE, CENTER, border=False)
    _merge(ws, L.TITLE_ROW, 1, L.TITLE_ROW, last)
    ws.row_dimensions[L.TITLE_ROW].height = 32

    # Header: name, department, unit.
    ws.cell(L.NAME_ROW, L.COL_BLOCK, "项目名称")
    _merge(ws, L.NAME_ROW, L.COL_NAME_VALUE, L.NAME_ROW, last)
    ws.cell(L.HEADER_ROW, L.COL_BLOCK, "主管部门")
    _merge(ws, L.HEADER_ROW, L.COL_DEPARTMENT, L.HEADER_ROW, L.COL_UNIT_LABEL - 1)
    ws.cell(L.HEADER_ROW, L.COL_UNIT_LABEL, "实施单位")
    _merge(ws, L.HEADER_ROW, L.COL_UNIT, L.HEADER_ROW, last)
    for r, c in ((L.NAME_ROW, L.COL_NAME_VALUE), (L.HEADER_ROW, L.COL_DEPARTMENT),
                 (L.HEADER_ROW, L.COL_UNIT)):
        _style(ws.cell(r, c), align=LEFT, locked=False)
    for r in (L.NAME_ROW, L.HEADER_ROW):
        ws.row_dimensions[r].height = 24

    # 项目资金 block.
    ws.cell(L.FUNDS_HEADER_ROW, L.COL_BLOCK, "项目资金\n（万元）")
    _merge(ws, L.FUNDS_HEADER_ROW, L.COL_BLOCK, L.FUNDS_FIRST_ROW + len(L.BUDGET_LINES) - 1, L.COL_BLOCK)
    _merge(ws, L.FUNDS_HEADER_ROW, L.COL_FUNDS_LABEL, L.FUNDS_HEADER_ROW, L.COL_BUDGET_INITIAL - 1)
    for col, text in L.FUNDS_HEADERS.items():
        _style(ws.cell(L.FUNDS_HEADER_ROW, col, text), FONT_BOLD, fill=FILL_HEADER)
    ws.row_dimensions[L.FUNDS_HEADER_ROW].height = 28
    for i, label in enumerate(L.BUDGET_LINES):
        r = L.FUNDS_FIRST_ROW + i
        _style(ws.cell(r, L.COL_FUNDS_LABEL, label), align=LEFT)
        _merge(ws, r, L.COL_FUNDS_LABEL, r, L.COL_BUDGET_INITIAL - 1)
        for col in (L.COL_BUDGET_INITIAL, L.COL_BUDGET_FULL_YEAR, L.COL_SPENT):
            _style(ws.cell(r, col), align=RIGHT, locked=False, fmt=MONEY_FORMAT)
        rate = to_a1(r, L.COL_EXECUTION_RATE)
        _style(ws.cell(r, L.COL_EXECUTION_RATE, formulas[rate]), fmt=RATE_FORMAT)
        if i == 0:  # only 年度资金总额 carries 分值 and 得分
            _style(ws.cell(r, L.COL_FUNDS_WEIGHT, profile.budget_weight), locked=False)
            _style(ws.cell(r, L.COL_FUNDS_SCORE, formulas[lay.budget_score_cell]), fmt=SCORE_FORMAT)
        else:
            _style(ws.cell(r, L.COL_FUNDS_WEIGHT, "—"))
            _style(ws.cell(r, L.COL_FUNDS_SCORE, "—"))

    # 年度总体目标.
    ws.cell(L.GOAL_HEADER_ROW, L.COL_BLOCK, "年度总体目标")
    _merge(ws, L.GOAL_HEADER_ROW, L.COL_BLOCK, L.GOAL_ROW, L.COL_BLOCK)
    _style(ws.cell(L.GOAL_HEADER_ROW, L.COL_GOAL_EXPECTED, "预期目标"), FONT_BOLD, fill=FILL_HEADER)
    _merge(ws, L.GOAL_HEADER_ROW, L.COL_GOAL_EXPECTED, L.GOAL_HEADER_ROW, L.COL_GOAL_ACTUAL - 1)
    _style(ws.cell(L.GOAL_HEADER_ROW, L.COL_GOAL_ACTUAL, "实际完成情况"), FONT_BOLD, fill=FILL_HEADER)
    _merge(ws, L.GOAL_HEADER_ROW, L.COL_GOAL_ACTUAL, L.GOAL_HEADER_ROW, last)
    _merge(ws, L.GOAL_ROW, L.COL_GOAL_EXPECTED, L.GOAL_ROW, L.COL_GOAL_ACTUAL - 1)
    _merge(ws, L.GOAL_ROW, L.COL_GOAL_ACTUAL, L.GOAL_ROW, last)
    for c in (L.COL_GOAL_EXPECTED, L.COL_GOAL_ACTUAL):
        _style(ws.cell(L.GOAL_ROW, c), align=LEFT_TOP, locked=False)
    ws.row_dimensions[L.GOAL_ROW].height = 66

    # 绩效指标 block.
    ws.cell(L.IND_HEADER_ROW, L.COL_BLOCK, "绩效指标")
    _merge(ws, L.IND_HEADER_ROW, L.COL_BLOCK, lay.ind_last_row, L.COL_BLOCK)
    for col, text in L.INDICATOR_HEADERS.items():
        rule = col > last
        _style(ws.cell(L.IND_HEADER_ROW, col, text), FONT_BOLD, fill=FILL_RULE if rule else FILL_HEADER)
    ws.row_dimensions[L.IND_HEADER_ROW].height = 28
    for r in range(L.IND_FIRST_ROW, lay.ind_last_row + 1):
        for col in range(L.COL_LEVEL1, last + 1):
            align = LEFT if col in (L.COL_INDICATOR, L.COL_NOTE, L.COL_TARGET, L.COL_ACTUAL) else CENTER
            _style(ws.cell(r, col), align=align, locked=False)
        _style(ws.cell(r, L.COL_RULE_SCORE), FONT_RULE, RIGHT, locked=False, fmt=SCORE_FORMAT)
        _style(ws.cell(r, L.COL_RULE_BASIS), FONT_RULE, LEFT, locked=False)

    # 总分 / 评价等次.
    ws.cell(lay.total_row, L.COL_BLOCK, L.TOTAL_LABEL)
    _merge(ws, lay.total_row, L.COL_BLOCK, lay.total_row, L.COL_TOTAL_WEIGHT - 1)
    _style(ws.cell(lay.total_row, L.COL_TOTAL_WEIGHT, formulas[lay.total_weight_cell]),
           FONT_BOLD, fmt="General")
    _style(ws.cell(lay.total_row, L.COL_TOTAL_SCORE, formulas[lay.total_score_cell]),
           FONT_BOLD, fmt=SCORE_FORMAT)
    ws.row_dimensions[lay.total_row].height = 24
    ws.cell(lay.grade_row, L.COL_BLOCK, L.GRADE_LABEL)
    _merge(ws, lay.grade_row, L.COL_BLOCK, lay.grade_row, L.COL_GRADE - 1)
    _style(ws.cell(lay.grade_row, L.COL_GRADE, formulas[lay.grade_cell]), FONT_BOLD)
    _merge(ws, lay.grade_row, L.COL_GRADE, lay.grade_row, last)
    ws.row_dimensions[lay.grade_row].height = 24
    for r, c in ((L.NAME_ROW, 1), (L.HEADER_ROW, 1), (L.HEADER_ROW, L.COL_UNIT_LABEL),
                 (L.FUNDS_HEADER_ROW, 1), (L.GOAL_HEADER_ROW, 1), (L.IND_HEADER_ROW, 1),
                 (lay.total_row, 1), (lay.grade_row, 1)):
        ws.cell(r, c).font = FONT_BOLD
        ws.cell(r, c).fill = FILL_HEADER

    # Footer lines, outside the table.
    _style(ws.cell(lay.remark_row, 1, "备注：一个项目一张表。金额单位：万元。执行率、得分、总分、等次由公式自动计算。"),
           FONT_NOTE, LEFT, border=False)
    _merge(ws, lay.remark_row, 1, lay.remark_row, last)
    _style(ws.cell(lay.signature_row, 1,
                   f'="填表人："&{L.ref(L.BASE_SHEET, L.BASE_FILLER_CELL)}&"        填报日期：                "'
                   f'&"联系电话："&{L.ref(L.BASE_SHEET, L.BASE_PHONE_CELL)}&"        单位负责人签字："'),
           FONT, LEFT, border=False)
    _merge(ws, lay.signature_row, 1, lay.signature_row, last)
    ws.row_dimensions[lay.signature_row].height = 24

    _widths(ws, L.PROJECT_WIDTHS)
    ws.freeze_panes = None
    _project_validation(ws, lay)
    _project_conditional(ws, lay, profile)
    _print_setup(ws, lay.print_area, lay.print_title_rows)
    _protect(ws)
    ws.sheet_view.zoomScale = 100

    # Defaults, then the form's values.
    ws.cell(L.HEADER_ROW, L.COL_DEPARTMENT).value = spec.department or None
    if spec.for_unit:
        ws.cell(L.HEADER_ROW, L.COL_UNIT).value = spec.for_unit
    if form is not None:
        _fill_project(ws, lay, form)
    _fit_heights(ws, lay)


def _fit_heights(ws: Worksheet, lay: L.ProjectLayout) -> None:
    """Row heights that show wrapped text whole (Excel does not grow rows of a
    file it opens; LibreOffice does, but printing must look the same)."""
    width = {c: L.PROJECT_WIDTHS[c - 1] for c in range(1, L.LAST_COL + 1)}

    def span(c1: int, c2: int) -> float:
        return sum(width[c] for c in range(c1, c2 + 1))

    def need(row: int, spans: list[tuple[int, float]], minimum: float) -> None:
        lines = max((text_lines(ws.cell(row, c).value, w) for c, w in spans), default=1)
        ws.row_dimensions[row].height = max(minimum, LINE_HEIGHT * lines + 6)

    need(L.NAME_ROW, [(L.COL_NAME_VALUE, span(L.COL_NAME_VALUE, L.PRINT_LAST_COL))], 24)
    need(L.HEADER_ROW, [(L.COL_DEPARTMENT, span(L.COL_DEPARTMENT, L.COL_UNIT_LABEL - 1)),
                        (L.COL_UNIT, span(L.COL_UNIT, L.PRINT_LAST_COL))], 24)
    need(L.GOAL_ROW, [(L.COL_GOAL_EXPECTED, span(L.COL_GOAL_EXPECTED, L.COL_GOAL_ACTUAL - 1)),
                      (L.COL_GOAL_ACTUAL, span(L.COL_GOAL_ACTUAL, L.PRINT_LAST_COL))], 48)
    for r in range(L.FUNDS_FIRST_ROW, L.FUNDS_FIRST_ROW + len(L.BUDGET_LINES)):
        ws.row_dimensions[r].height = 20
    for r in range(L.IND_FIRST_ROW, lay.ind_last_row + 1):
        need(r, [(c, width[c]) for c in range(L.COL_LEVEL1, L.LAST_COL + 1)], 20)


LINE_HEIGHT = 13.5  # points per line of 10-point 宋体


def text_lines(value: Any, width: float) -> int:
    """Lines a value needs in a column `width` characters wide (a CJK character counts 1.75)."""
    import math
    import unicodedata

    if value is None or (isinstance(value, str) and value.startswith("=")):
        return 1
    usable = max(width - 1, 2)
    total = 0
    for part in str(value).split("\n"):
        w = sum(1.75 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)
        total += max(1, math.ceil(w / usable))
    return total


def _project_validation(ws: Worksheet, lay: L.ProjectLayout) -> None:
    first = L.IND_FIRST_ROW
    b, g = to_a1(first, L.COL_LEVEL1), to_a1(first, L.COL_WEIGHT)
    h = to_a1(first, L.COL_SCORE)
    _dv(ws, "list", L.NAME_LEVEL1, lay.column_range(L.COL_LEVEL1),
        title="一级指标", prompt="请从下拉列表选择：产出指标、效益指标或满意度指标。",
        error="一级指标只能是：产出指标、效益指标、满意度指标。请从下拉列表选择。")
    _dv(ws, "list", F.level2_list(b), lay.column_range(L.COL_LEVEL2),
        title="二级指标", prompt="先选一级指标，再从下拉列表选择它下面的二级指标。",
        error="二级指标必须属于本行的一级指标（如 产出指标 → 数量指标、质量指标、时效指标、成本指标）。请从下拉列表选择。")
    _dv(ws, "decimal", "0", f"{lay.budget_weight_cell} {lay.column_range(L.COL_WEIGHT)}",
        operator="between", formula2="100",
        title="分值", prompt="填写 0 到 100 之间的数字。预算执行率分值一般为 10；各项分值合计应为 100。",
        error="分值必须是 0 到 100 之间的数字。")
    _dv(ws, "custom", F.score_within_weight(h, g),
        lay.column_range(L.COL_SCORE),
        title="得分", prompt="填写不小于 0、不大于本行分值的数字。得分低于分值时，请在“偏差原因分析及改进措施”写明原因。",
        error="得分必须是数字，不能小于 0，也不能大于本行的分值。")
    money = (f"{to_a1(L.FUNDS_FIRST_ROW, L.COL_BUDGET_INITIAL)}:"
             f"{to_a1(L.FUNDS_FIRST_ROW + len(L.BUDGET_LINES) - 1, L.COL_SPENT)}")
    _dv(ws, "decimal", "0", money, operator="greaterThanOrEqual",
        title="金额（万元）", prompt="填写以万元为单位的数字，不带“万元”字样；没有就空着。",
        error="金额必须是不小于 0 的数字（单位：万元，不要写“万元”“元”）。如 794500元 请写 79.45。")
    _dv(ws, "list", L.NAME_UNITS, lay.unit_cell,
        title="实施单位", prompt="从下拉列表选择；名单在“基础信息”表中维护。",
        error="该单位不在“基础信息”的单位名单中。仍要使用请点“是”，或先把它加入名单。", style="warning")


def _project_conditional(ws: Worksheet, lay: L.ProjectLayout, profile: Profile) -> None:
    first = L.IND_FIRST_ROW
    g, h, i = (to_a1(first, c) for c in (L.COL_WEIGHT, L.COL_SCORE, L.COL_NOTE))
    d = "$" + to_a1(first, L.COL_INDICATOR)
    cf = ws.conditional_formatting
    # 得分 > 分值.
    cf.add(lay.column_range(L.COL_SCORE),
           FormulaRule(formula=[f"AND(ISNUMBER({h}),ISNUMBER({g}),{h}>{g})"], stopIfTrue=True, **CF_ERROR))
    # Deduction without a reason.
    cf.add(lay.column_range(L.COL_NOTE),
           FormulaRule(formula=[f"AND(ISNUMBER({g}),ISNUMBER({h}),{h}<{g},LEN(TRIM({i}))=0)"], **CF_WARN))
    # 二级 not under the row's 一级.
    b, c = to_a1(first, L.COL_LEVEL1), to_a1(first, L.COL_LEVEL2)
    cf.add(lay.column_range(L.COL_LEVEL2),
           FormulaRule(formula=[F.level2_mismatch(b, c)], stopIfTrue=True, **CF_WARN))
    # Weight total ≠ 100.
    tw = lay.total_weight_cell
    cf.add(tw, FormulaRule(formula=[f"AND(ISNUMBER({tw}),ABS({tw}-{F.num(profile.weight_total)})>0.001)"],
                           **CF_ERROR))
    # Required fields left empty: header, budget, and every cell of a used indicator row.
    for cell in (lay.name_cell, lay.unit_cell, lay.budget_full_year_cell, lay.spent_cell,
                 lay.budget_weight_cell):
        cf.add(cell, FormulaRule(formula=[f"LEN(TRIM({cell}))=0"], **CF_REQUIRED))
    row_used = f"LEN(TRIM({d}))>0"
    for col in (L.COL_LEVEL1, L.COL_LEVEL2, L.COL_TARGET, L.COL_ACTUAL, L.COL_WEIGHT, L.COL_SCORE):
        c = to_a1(first, col)
        cf.add(lay.column_range(col), FormulaRule(formula=[f"AND({row_used},LEN(TRIM({c}))=0)"], **CF_REQUIRED))
    # 一级 repeated from the row above shows grey (reads like the merged official cell).
    if lay.indicator_rows > 1:
        b2, b1 = to_a1(first + 1, L.COL_LEVEL1), to_a1(first, L.COL_LEVEL1)
        cf.add(f"{b2}:{to_a1(lay.ind_last_row, L.COL_LEVEL1)}",
               FormulaRule(formula=[f"AND(LEN({b2})>0,{b2}={b1})"], **CF_REPEAT))


def _number_or_raw(v: Optional[Value]) -> Any:
    if v is None or v.empty:
        return None
    if v.parsed.is_number and not v.parsed.comparator:
        return v.number
    return v.raw if not isinstance(v.raw, str) else v.raw.strip()


def _text(v: Optional[Value]) -> Any:
    if v is None or v.empty:
        return None
    return v.raw.strip() if isinstance(v.raw, str) else v.raw


def _fill_project(ws: Worksheet, lay: L.ProjectLayout, form: ProjectForm) -> None:
    """Copy a form's typed values into the sheet; computed fields stay formulas."""
    ws.cell(L.NAME_ROW, L.COL_NAME_VALUE).value = _text(form.name)
    if form.department is not None and not form.department.empty:
        ws.cell(L.HEADER_ROW, L.COL_DEPARTMENT).value = _text(form.department)
    if form.unit is not None and not form.unit.empty:
        ws.cell(L.HEADER_ROW, L.COL_UNIT).value = _text(form.unit)
    rows = {"年度资金总额": 0, "当年财政拨款": 1, "上年结转资金": 2, "其他资金": 3}
    for line in form.budget_lines:
        i = rows.get(line.label)
        if i is None:
            continue
        r = L.FUNDS_FIRST_ROW + i
        for attr, col in (("budget_initial", L.COL_BUDGET_INITIAL),
                          ("budget_full_year", L.COL_BUDGET_FULL_YEAR), ("spent", L.COL_SPENT)):
            ws.cell(r, col).value = _number_or_raw(getattr(line, attr))
        if i == 0:
            weight = _number_or_raw(line.weight)
            ws.cell(r, L.COL_FUNDS_WEIGHT).value = weight
    ws.cell(L.GOAL_ROW, L.COL_GOAL_EXPECTED).value = _text(form.goal_expected)
    ws.cell(L.GOAL_ROW, L.COL_GOAL_ACTUAL).value = _text(form.goal_actual)
    for k, ind in enumerate(form.indicators):
        r = lay.indicator_row(k)
        ws.cell(r, L.COL_LEVEL1).value = canonical_level1(ind.level1) or ind.level1 or None
        ws.cell(r, L.COL_LEVEL2).value = canonical_level2(ind.level2) or ind.level2 or None
        ws.cell(r, L.COL_INDICATOR).value = _text(ind.name)
        ws.cell(r, L.COL_TARGET).value = _text(ind.target)
        ws.cell(r, L.COL_ACTUAL).value = _text(ind.actual)
        if ind.target is not None and ind.target.parsed.percent and isinstance(ind.target.raw, float):
            ws.cell(r, L.COL_TARGET).number_format = RATE_FORMAT
        if ind.actual is not None and ind.actual.parsed.percent and isinstance(ind.actual.raw, float):
            ws.cell(r, L.COL_ACTUAL).number_format = RATE_FORMAT
        ws.cell(r, L.COL_WEIGHT).value = _number_or_raw(ind.weight)
        ws.cell(r, L.COL_SCORE).value = _number_or_raw(ind.score)
        ws.cell(r, L.COL_NOTE).value = _text(ind.deviation_note)


# ------------------------------------------------------------ other sheets


def _title(ws: Worksheet, text: str, last_col: int, row: int = 1) -> None:
    cell = ws.cell(row, 1, text)
    _style(cell, FONT_TITLE, CENTER, border=False)
    _merge(ws, row, 1, row, last_col)
    ws.row_dimensions[row].height = 30


def _instructions_sheet(wb: Workbook, spec: MasterSpec) -> None:
    ws = wb.create_sheet(L.INSTRUCTIONS_SHEET)
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 3
    ws.column_dimensions["D"].width = 16
    _title(ws, "填表说明", 2)
    lines = instructions_text(spec)
    for k, (kind, text) in enumerate(lines, start=3):
        cell = ws.cell(k, 2 if kind != "h" else 1, text)
        if kind == "h":
            _style(cell, FONT_BOLD, LEFT, border=False)
            _merge(ws, k, 1, k, 2)
        else:
            _style(cell, FONT, LEFT, border=False)
        ws.row_dimensions[k].height = max(18, LINE_HEIGHT * text_lines(text, 90 if kind != "h" else 94) + 5)
    _print_setup(ws, f"A1:B{len(lines) + 2}", None)
    ws.page_setup.orientation = "portrait"
    ws.sheet_view.showGridLines = False


def instructions_text(spec: MasterSpec) -> list[tuple[str, str]]:
    """The 说明 sheet, line by line: ("h", heading) or ("p", paragraph)."""
    unit = spec.for_unit is not None
    out: list[tuple[str, str]] = [
        ("h", "一、要填什么"),
        ("p", "1. 先在“基础信息”表填写主管部门、年度、填表人、联系电话和下属单位名单（名单就是“实施单位”下拉列表的内容）。"),
        ("p", "2. 每个项目一张表（“项目1”“项目2”……），按国家模板《项目支出绩效自评表》填写：项目名称、实施单位、"
              "项目资金（万元）、年度总体目标、绩效指标。金额一律以“万元”为单位填数字。"),
        ("p", "3. 一级指标、二级指标从下拉列表选择；二级指标列表随一级指标变化。得分不能大于分值，"
              "得分低于分值的必须写“偏差原因分析及改进措施”。"),
        ("p", "4. 执行率、预算执行率得分、分值合计、总分和评价等次由公式自动计算（灰底表头下的公式格已锁定，不用填）。"),
        ("p", "5. 颜色提示：淡黄色＝必填项还空着；红色＝得分大于分值或分值合计不等于 100；"
              "橙色＝扣了分却没写原因，或二级指标不属于本行的一级指标。"),
        ("p", "6. 工作表已保护（没有密码），只锁定公式格。确需修改公式：审阅 → 撤销工作表保护。"),
        ("p", "7. “整体支出”表自动汇总各项目表；“校验结果”表列出校验发现的问题（文件、工作表、单元格、说明）。"),
    ]
    if unit:
        out += [
            ("h", "二、下属单位如何报送"),
            ("p", f"本表是给“{spec.for_unit}”填写的报送表，不含宏，用 Excel 或 WPS 直接填写即可，不需要安装任何软件。"),
            ("p", "一个项目一张表；项目不够时，右键点“项目1”工作表标签 → 移动或复制 → 勾选“建立副本”，再改名。"),
            ("p", "填好后保存为 .xlsx，通过邮件或内网发给主管部门财务人员。"),
        ]
        return out
    name = spec.file_name or "本文件"
    if spec.macros:
        out += [
            ("h", "二、按钮做什么（需要一次性装好 Python 和 xlwings，见第三部分）"),
            ("p", "一键重算：重新计算所有项目表，按规则填写“规则得分/规则说明”两列（J、K 列），并更新“整体支出”。"
                  f"终端里同样的命令：xltools recalc {name}"),
            ("p", "校验：逐项检查所有项目表（分值合计、得分与扣分原因、执行率得分、指标层级等），问题列到“校验结果”表。"
                  f"终端：xltools check {name}"),
            ("p", "汇总下级报送：读取下属单位报来的文件（或整个文件夹），合并汇总到“整体支出”，并列出问题。"
                  f"终端：xltools consolidate 下级报送 --master {name}"),
            ("p", f"新增项目：按模板新增一张空白项目表，并加入“整体支出”。终端：xltools add-project {name}"),
            ("p", "不装 Python 时按钮不能用，但所有下拉列表、校验提示和公式照常工作。"),
        ]
    else:
        out += [
            ("h", "二、本文件没有宏：按钮的功能在命令行完成"),
            ("p", "这是不含宏的主表（.xlsx，用 xltools new --no-macros 生成），给安全软件或单位策略不允许宏的电脑用。"
                  "工作表、下拉列表、输入校验和公式与带按钮的 .xlsm 主表完全相同；原来放按钮的位置写着对应的命令。"),
            ("p", f"一键重算：xltools recalc {name}　校验：xltools check {name}　"
                  f"汇总下级报送：xltools consolidate 下级报送 --master {name}　新增项目：xltools add-project {name}　"
                  f"整体评价：xltools evaluate {name}（运行前先在 Excel/WPS 中关闭本文件）"),
        ]
    out += [
        ("h", "三、一次性设置（Windows + Excel）"),
        ("p", f"1. 从 python.org 下载并安装 Python 3（{python_text(MIN_PYTHON)} 或更高）。"
              "安装第一页勾选“Add python.exe to PATH”。不要用 Microsoft Store（应用商店）版的 Python 或 Excel。"),
        ("p", f"2. 安装 xltools：{INSTALL_SENTENCE}。会同时装好 xlwings；不需要再运行 xlwings addin install。"),
    ]
    if spec.macros:
        out += [
            ("p", "3. 用安装包的 install.bat 安装时，它会把本文件夹里主表的解释器设置好。自己用 pip 安装、又没有勾选加入 PATH 的："
                  "在“xlwings.conf”表 B1 格（Interpreter_Win 右边）填写 pythonw.exe 的完整路径，"
                  r"例如 %LOCALAPPDATA%\Programs\Python\Python312\pythonw.exe （%LOCALAPPDATA% 会自动换成您的用户目录），"
                  "或在命令行运行 xltools doctor 主表文件 --fix --interpreter auto。B1 空着时使用 PATH 中的 pythonw。"),
            ("p", "4. 解除锁定（邮件、微信、网页下载来的文件必须做）：Windows 给这类文件加了“来自互联网”的标记，"
                  "Excel 会拦截其中的宏（顶部红色“安全风险：Microsoft 已阻止宏运行”）。先关闭文件，在文件上点右键 → 属性 → "
                  "“常规”页最下方勾选“解除锁定” → 确定，再打开。"),
            ("p", "5. 受信任位置：打开后若顶部出现黄色“安全警告”，点“启用内容”。每次都要点、或没有这条提示时：文件 → 选项 → "
                  "信任中心 → 信任中心设置 → 受信任位置 → 添加新位置，选主表所在的文件夹（如 D:\\绩效自评）→ 确定；"
                  "放在受信任位置里的主表，宏直接可用。"),
            ("p", "6. 安全软件删除或隔离了主表、或单位不允许宏：用 xltools new 主表.xlsx --no-macros 生成不含宏的主表，"
                  "按钮的功能在命令行运行（见第二部分的命令）。"),
            ("p", "7. 按钮没反应或报错时，在命令行运行 xltools doctor 主表文件：它检查 Python、xlwings 版本、Excel、"
                  "主表的位置和 xlwings.conf 设置，并说明怎么改；xlwings 版本不一致时运行 xltools doctor 主表文件 --fix。"),
            ("p", "主表不要放在 OneDrive、百度网盘、坚果云等同步文件夹里，也不要直接从网址打开：按钮会找不到文件。"),
            ("p", "xlwings.conf 表由 xlwings 读取：A 列是设置名，B 列是值，中间不能有空行，请不要改 A 列。"),
        ]
    else:
        out += [
            ("p", "3. 安装好后，在“命令提示符”里进入本文件所在的文件夹（cd 文件夹路径），运行上面的命令；"
                  "运行 xltools doctor 可以检查 Python 和 xltools 是否装好。"),
        ]
    return out


def this_pythonw(executable: str, localappdata: str = "") -> str:
    """Interpreter_Win for the Python running xltools: pythonw.exe beside
    `executable`, written with %LOCALAPPDATA% when it lies below that folder
    (so the same file works for colleagues with the same installation)."""
    folder = executable.replace("/", "\\").rsplit("\\", 1)[0]
    path = folder + "\\pythonw.exe"
    base = localappdata.replace("/", "\\").rstrip("\\")
    if base and path.lower().startswith(base.lower() + "\\"):
        path = "%LOCALAPPDATA%" + path[len(base):]
    return path


def _base_sheet(wb: Workbook, spec: MasterSpec) -> None:
    ws = wb.create_sheet(L.BASE_SHEET)
    _title(ws, "基础信息", 3)
    values = {L.BASE_DEPARTMENT_CELL: spec.department or None, L.BASE_YEAR_CELL: spec.year,
              L.BASE_FILLER_CELL: spec.filler or None, L.BASE_PHONE_CELL: spec.phone or None,
              L.BASE_FOR_UNIT_CELL: spec.for_unit}
    for cell, label in L.BASE_FIELDS:
        row = from_a1(cell)[0]
        _style(ws.cell(row, 1, label), FONT_BOLD, fill=FILL_HEADER)
        _style(ws[cell], align=LEFT, locked=False)
        ws[cell].value = values[cell]
    note_row = from_a1(L.BASE_FOR_UNIT_CELL)[0]
    _style(ws.cell(note_row, 3, "（仅下属单位报送表填写）"), FONT_NOTE, LEFT, border=False)
    hr = L.BASE_UNITS_HEADER_ROW
    _style(ws.cell(hr, 1, "序号"), FONT_BOLD, fill=FILL_HEADER)
    _style(ws.cell(hr, L.BASE_UNITS_COL, "实施单位（局机关及下属单位）名单"), FONT_BOLD, fill=FILL_HEADER)
    _style(ws.cell(hr, 3, "每行一个单位，从上往下连续填写；这里的名单就是项目表“实施单位”的下拉列表。"),
           FONT_NOTE, LEFT, border=False)
    units = list(spec.units)
    if spec.for_unit and spec.for_unit not in units:
        units.insert(0, spec.for_unit)
    for k in range(L.BASE_UNITS_ROWS):
        r = L.BASE_UNITS_FIRST_ROW + k
        _style(ws.cell(r, 1, k + 1))
        _style(ws.cell(r, L.BASE_UNITS_COL, units[k] if k < len(units) else None), align=LEFT, locked=False)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 60
    _dv(ws, "whole", "2000", L.BASE_YEAR_CELL, operator="between", formula2="2100",
        title="年度", prompt="填写四位数年份，如 2022。", error="年度必须是 2000 到 2100 之间的整数。")
    _print_setup(ws, f"A1:C{L.BASE_UNITS_FIRST_ROW + L.BASE_UNITS_ROWS - 1}", None)
    ws.page_setup.orientation = "portrait"
    _protect(ws)


_SUMMARY_FORMATS = {"budget_initial": MONEY_FORMAT, "budget_full_year": MONEY_FORMAT, "spent": MONEY_FORMAT,
                    "execution_rate": RATE_FORMAT, "total_score": SCORE_FORMAT}


def _summary_sheet(ws: Worksheet, projects: list[tuple[Worksheet, L.ProjectLayout]],
                   spec: MasterSpec) -> None:
    cols = L.SUMMARY_COL
    n_cols = len(L.SUMMARY_COLUMNS)
    year = f"{spec.year}年度" if spec.year else ""
    _title(ws, f"{spec.department or ''}{year}项目支出绩效自评汇总", n_cols)
    _style(ws.cell(L.SUMMARY_UNIT_ROW, n_cols, "单位：万元"), FONT_NOTE, RIGHT, border=False)
    for k, (_, header) in enumerate(L.SUMMARY_COLUMNS, start=1):
        _style(ws.cell(L.SUMMARY_HEADER_ROW, k, header), FONT_BOLD, fill=FILL_HEADER)
    ws.row_dimensions[L.SUMMARY_HEADER_ROW].height = 28
    r = L.SUMMARY_FIRST_ROW
    for k, (pws, lay) in enumerate(projects, start=1):
        row: dict[str, Any] = {"index": k, "sheet": pws.title}
        row.update(F.summary_row(pws.title, lay, r))
        for key, value in row.items():
            _style(ws.cell(r, cols[key], value), align=LEFT if key in ("name", "unit", "sheet") else CENTER,
                   fmt=_SUMMARY_FORMATS.get(key))
        shown = {"sheet": pws.title, "name": pws[lay.name_cell].value, "unit": pws[lay.unit_cell].value}
        lines = max(text_lines(v, L.SUMMARY_WIDTHS[cols[k] - 1]) for k, v in shown.items())
        ws.row_dimensions[r].height = max(20, LINE_HEIGHT * lines + 6)
        r += 1
    total_row = r
    first, last = L.SUMMARY_FIRST_ROW, max(L.SUMMARY_FIRST_ROW, total_row - 1)
    totals = F.summary_total(first, last, total_row) if projects else {}
    for key, c in cols.items():
        _style(ws.cell(total_row, c, totals.get(key)), FONT_BOLD, fill=FILL_HEADER if c <= cols["sheet"] else None,
               fmt=_SUMMARY_FORMATS.get(key))
    ws.cell(total_row, cols["sheet"]).value = L.SUMMARY_TOTAL_LABEL
    ws.row_dimensions[total_row].height = 22
    _widths(ws, L.SUMMARY_WIDTHS)
    ws.column_dimensions[col_letter(n_cols + 1)].width = 3
    _print_setup(ws, f"A1:{to_a1(total_row, n_cols)}", f"{L.SUMMARY_TITLE_ROW}:{L.SUMMARY_HEADER_ROW}")
    ws.freeze_panes = ws.cell(L.SUMMARY_FIRST_ROW, 1)
    _protect(ws)


def _checks_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(L.CHECKS_SHEET)
    n = len(L.CHECKS_COLUMNS)
    _title(ws, "校验结果", n)
    _style(ws.cell(L.CHECKS_NOTE_ROW, 1, "点“校验”按钮（或在终端运行 xltools check 本文件）后，这里列出发现的问题；"
                                         "按“工作表”“单元格”找到要改的位置。"), FONT_NOTE, LEFT, border=False)
    _merge(ws, L.CHECKS_NOTE_ROW, 1, L.CHECKS_NOTE_ROW, n)
    for k, (_, header) in enumerate(L.CHECKS_COLUMNS, start=1):
        _style(ws.cell(L.CHECKS_HEADER_ROW, k, header), FONT_BOLD, fill=FILL_HEADER)
    _widths(ws, L.CHECKS_WIDTHS)
    ws.freeze_panes = ws.cell(L.CHECKS_FIRST_ROW, 1)
    ws.auto_filter.ref = f"A{L.CHECKS_HEADER_ROW}:{col_letter(n)}{L.CHECKS_HEADER_ROW}"
    _print_setup(ws, f"A1:{col_letter(n)}{L.CHECKS_FIRST_ROW + 200}", f"{L.CHECKS_HEADER_ROW}:{L.CHECKS_HEADER_ROW}")


def _conf_sheet(wb: Workbook, interpreter: str = "") -> None:
    ws = wb.create_sheet(L.CONF_SHEET)
    for k, (key, value) in enumerate(L.CONF_ENTRIES, start=1):
        if key == "Interpreter_Win" and interpreter:
            value = interpreter
        ws.cell(k, 1, key)
        ws.cell(k, 2, value if value != "" else None)
    note = ws[L.CONF_NOTE_CELL]
    note.value = ("xlwings 的设置：A 列设置名、B 列值，从 A1 起连续，不要插入空行。"
                  r"Interpreter_Win 空着＝使用 PATH 中的 pythonw；也可填 %LOCALAPPDATA%\Programs\Python\Python312\pythonw.exe。")
    note.font = FONT_NOTE
    note.alignment = LEFT
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["D"].width = 80


def _lists_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(L.LISTS_SHEET)
    ws.cell(1, L.LISTS_LEVEL1_COL, "一级指标")
    all_level2: list[str] = []
    for k, level1 in enumerate(LEVEL1_NAMES):
        ws.cell(L.LISTS_FIRST_ROW + k, L.LISTS_LEVEL1_COL, level1)
        col = L.LISTS_LEVEL1_COL + 1 + k
        ws.cell(1, col, level1)
        for j, level2 in enumerate(LEVEL2_OF[level1]):
            ws.cell(L.LISTS_FIRST_ROW + j, col, level2)
        all_level2.extend(LEVEL2_OF[level1])
    col_all = L.LISTS_LEVEL1_COL + 1 + len(LEVEL1_NAMES)
    ws.cell(1, col_all, L.LISTS_ALL_HEADER)
    if L.LISTS_FIRST_ROW + len(all_level2) > L.LISTS_COUNT_ROW:
        raise ValueError("lists sheet: too many 二级指标 for LISTS_COUNT_ROW")
    for j, level2 in enumerate(all_level2):
        ws.cell(L.LISTS_FIRST_ROW + j, col_all, level2)
    ws.cell(L.LISTS_COUNT_ROW, L.LISTS_LEVEL1_COL, "个数")
    for col in range(L.LISTS_LEVEL1_COL + 1, col_all + 1):
        letter = col_letter(col)
        ws.cell(L.LISTS_COUNT_ROW, col, f"=COUNTA({letter}{L.LISTS_FIRST_ROW}:{letter}{L.LISTS_COUNT_ROW - 1})")
    ws.sheet_state = "hidden"
    _protect(ws)


def _defined_names(wb: Workbook) -> None:
    lists = L.quote_sheet(L.LISTS_SHEET)
    n1 = len(LEVEL1_NAMES)
    first_l2 = col_letter(L.LISTS_LEVEL1_COL + 1)
    last_l2 = col_letter(L.LISTS_LEVEL1_COL + 1 + n1)
    base = L.quote_sheet(L.BASE_SHEET)
    first_unit = to_a1(L.BASE_UNITS_FIRST_ROW, L.BASE_UNITS_COL, absolute=True)
    names = {
        L.NAME_LEVEL1: f"{lists}!$A${L.LISTS_FIRST_ROW}:$A${L.LISTS_FIRST_ROW + n1 - 1}",
        L.NAME_LEVEL2_HEAD: f"{lists}!${first_l2}$1:${last_l2}$1",
        L.NAME_LEVEL2_ORIGIN: f"{lists}!$A${L.LISTS_FIRST_ROW}",
        L.NAME_LEVEL2_COUNT: f"{lists}!${first_l2}${L.LISTS_COUNT_ROW}:${last_l2}${L.LISTS_COUNT_ROW}",
        L.NAME_UNITS: f"OFFSET({base}!{first_unit},0,0,MAX(1,COUNTA({base}!{L.base_units_range()})),1)",
    }
    for name, value in names.items():
        dn = DefinedName(name, attr_text=value)
        try:
            wb.defined_names[name] = dn  # openpyxl ≥ 3.1
        except TypeError:  # pragma: no cover - older openpyxl
            wb.defined_names.append(dn)


# ------------------------------------------------------------ --from


def forms_from(paths: Iterable[str | os.PathLike]) -> tuple[list[ProjectForm], list[str]]:
    """Project forms read by the engine from files or folders (`--from`), and the
    Chinese notes about what could not be read."""
    from ..core.errors import XltoolsError
    from ..project.reader import read_forms
    from ..project.report import expand_paths
    from ..containers.workbook import load_book

    forms: list[ProjectForm] = []
    notes: list[str] = []
    for path in expand_paths(paths):
        try:
            result = read_forms(load_book(path))
        except XltoolsError as exc:
            notes.append(f"{path}：无法读取（{getattr(exc, 'reason', exc)}）")
            continue
        found = [f for f in result.forms if f.kind == "project" and not _blank(f)]
        if not found:
            notes.append(f"{path}：没有找到项目支出绩效自评表")
        forms.extend(found)
    return forms, notes


def _blank(form: ProjectForm) -> bool:
    """A project sheet nobody filled (e.g. an empty 项目N of a master)."""
    def empty(v: Optional[Value]) -> bool:
        return v is None or v.empty

    money = [getattr(line, a) for line in form.budget_lines
             for a in ("budget_initial", "budget_full_year", "spent")]
    return (empty(form.name) and all(empty(v) for v in money)
            and all(empty(ind.name) and empty(ind.score) for ind in form.indicators))
