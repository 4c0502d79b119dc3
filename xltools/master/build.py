"""The master workbook and the unit form: the sheets `xltools new` writes, built
once, through the sheet kit (`xltools.xlsx.sheet`, XlsxWriter).

`write_master(path, spec, profile, macros=None)` writes

- 说明: what to fill, what each button does, the one-time Python set-up;
- 基础信息: department, year, filler, phone, the unit list behind the 实施单位
  dropdown — the titles of the other sheets follow it;
- 整体支出: one row per project sheet (native formulas), the unit's figures
  and the rule's in separate columns, a 合计 row;
- one sheet per project (`xltools.project.sheet`): blank, or filled from a form
  read with `--from`, keeping the unit's own 执行率, 得分, 总分 and 等次 and
  showing the rule's beside them;
- the department sheets (`xltools.department.writers`, master only);
- 校验结果: what `xltools check` finds in the forms read, Chinese columns first;
- xlwings.conf (master only, hidden) and the hidden `lists` sheet.

It is built in one pass from the forms already in memory: each form is checked
once (`project.checks`), the rule columns, 整体支出 rows and 校验结果 rows come
from the same pure functions the 一键重算 / 校验 planners use (`master.plans`),
and every formula carries the value it shows.  With macros (an .xlsm) the
workbook carries the VBA project `master.vba` builds and the form buttons of
`layout.BUTTONS`; without (`macros=False`, a plain .xlsx master) a note stands
where each button would be.  Every rule in the formulas (budget 分值, rate cap,
total 100, grade bands) comes from the profile.

Only classic functions are written: they work in Excel 2007+, WPS and LibreOffice.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from . import formulas as F
from . import layout as L
from .plans import Formula, indicator_rule_cells, issue_rows, summary_cells
from ..core.addresses import from_a1, to_a1
from ..core.fileio import atomic_write
from ..core.labels import LEVEL1_NAMES, LEVEL2_OF
from ..core.model import Issue, ProjectForm, Value
from ..distribution import INSTALL_SENTENCE, MIN_PYTHON, python_text
from ..profiles import Profile, load_profile
from ..project import layout as P
from ..project.checks import check_form
from ..project.report import CheckedForm
from ..project.sheet import Header, write_project_sheet
from ..xlsx.sheet import (BOLD, CELL, HEADER, LEFT, MONEY, NOTE, PLAIN, RATE, SCORE, TITLE, Book,
                          Look, Sheet)

INPUT_LEFT = LEFT.but(locked=False)
SUMMARY_LOOKS = {"budget_initial": MONEY, "budget_full_year": MONEY, "spent": MONEY,
                 "execution_rate": RATE, "total_score": SCORE, "rule_total": SCORE,
                 "total_weight": CELL.but(fmt="General"), "name": LEFT, "unit": LEFT, "sheet": LEFT}
BUTTON_NOTE = Look(size=9, color="1F4E79", align="left", border=False, wrap=False)  # spills right, outside print


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


@dataclass
class Built:
    """What `build_master` wrote: the project sheets (name, layout, checked
    form or None) and every problem listed in 校验结果."""

    projects: list[tuple[str, P.ProjectLayout, Optional[CheckedForm]]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


# ============================================================ Public API


def write_master(path: str | os.PathLike, spec: MasterSpec, profile: Optional[Profile] = None,
                 macros: Optional[bool] = None) -> Path:
    """Write the workbook to `path` atomically (an existing file is backed up).
    `macros` (default: the name ends in .xlsm) adds the VBA project and the
    buttons.  Returns the path written."""
    target = Path(path)
    suffix = target.suffix.lower()
    macros = suffix == ".xlsm" if macros is None else macros
    if spec.for_unit is not None and (macros or suffix == ".xlsm"):
        raise ValueError("下属单位报送表不含宏，文件名应以 .xlsx 结尾")
    if macros and suffix != ".xlsm":
        raise ValueError("带宏（按钮）的主表文件名应以 .xlsm 结尾")
    if not macros and suffix == ".xlsm":
        raise ValueError("不带宏的主表文件名应以 .xlsx 结尾")
    with atomic_write(target) as tmp:
        build_master(tmp, spec, profile or load_profile(), macros=macros, name=target.name)
    return target


def build_master(path: str | os.PathLike, spec: MasterSpec, profile: Profile, *,
                 macros: bool = False, name: str = "") -> Built:
    """Write every sheet of the workbook for `spec` to `path` in one pass."""
    import dataclasses

    spec = dataclasses.replace(spec, macros=macros, file_name=name or spec.file_name)
    vba = None
    if macros:
        from .vba import build_vba_project

        vba = build_vba_project()
    master = spec.for_unit is None
    built = Built()
    with Book(path, vba=vba) as book:
        header = _header(spec)
        instructions = _instructions_sheet(book, spec)
        _base_sheet(book, spec)
        summary = book.sheet(L.SUMMARY_SHEET)
        taken = {s.lower() for s in (L.INSTRUCTIONS_SHEET, L.BASE_SHEET, L.SUMMARY_SHEET, L.CHECKS_SHEET,
                                     L.CONF_SHEET, L.LISTS_SHEET)} | {"history"}
        if master:
            from ..department.layout import DEPARTMENT_SHEETS

            taken |= {s.lower() for s in DEPARTMENT_SHEETS}
        sheets: list[Sheet] = []
        for index, form in enumerate(spec.forms or [None], start=1):
            sheet, lay, checked = _project(book, form, index, taken, header, profile)
            sheets.append(sheet)
            built.projects.append((sheet.name, lay, checked))
            if checked is not None:
                built.issues.extend(checked.issues)
        _summary_sheet(summary, [(s, lay) for s, (_, lay, _) in zip(sheets, built.projects)], spec)
        if master:
            from ..department.writers import add_department_sheets

            add_department_sheets(book, _department_data(spec), base=_department_base())
        _checks_sheet(book, built.issues)
        if master:
            _conf_sheet(book, spec.interpreter)
        _lists_sheet(book)
        for key, value in F.defined_names().items():
            book.define_name(key, value)
        if master:
            _buttons(book, [s.name for s in sheets], macros, spec.file_name)
        if macros:
            from .vba import VERSION_NAME, installed_xlwings_version

            book.define_name(VERSION_NAME, F.version_name(installed_xlwings_version()))
        book.activate(instructions)
    return built


def project_sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name for a project: Excel's rules (31 characters, no []:*?/\\,
    no line break, unique whatever the case), taken names get (2), (3) ….
    The name is clerk text and our formulas (整体支出) refer to the sheet by it,
    so it never looks like formula text: no leading = + - @, and the ASCII
    characters of formula syntax (' ! | ( ) " & ,) become their full-width forms, as
    does the `_` of Excel's escape `_x000B_` (read back as the control character)."""
    text = re.sub(r"[\s\u3000\u00a0]+", " ", str(name))  # no line breaks in a sheet name
    text = "".join(ch for ch in text if ch.isprintable()).strip().strip("'").translate(_FORMULA_CHARS)
    clean = "".join("_" if ch in _BAD_SHEET_CHARS else ch for ch in text).strip()
    clean = clean.lstrip("=+-@ ").strip()
    clean = _XML_ESCAPE.sub(lambda m: "＿" + m.group(0)[1:], clean)  # `_x000B_` would be read back as U+000B
    clean = clean[:31] or "项目"
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


# ============================================================ Private API


_BAD_SHEET_CHARS = set('[]:*?/\\')
_XML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_FORMULA_CHARS = str.maketrans({"'": "’", "!": "！", "|": "｜", "(": "（", ")": "）", '"': "”", "&": "＆",
                                ",": "，"})


def _header(spec: MasterSpec) -> Header:
    base = F.base_ref
    return Header(department=spec.department, unit=spec.for_unit or None, year=spec.year,
                  filler=spec.filler or None, phone=spec.phone or None,
                  year_ref=base(L.BASE_YEAR_CELL), filler_ref=base(L.BASE_FILLER_CELL),
                  phone_ref=base(L.BASE_PHONE_CELL))


def _project(book: Book, form: Optional[ProjectForm], index: int, taken: set[str], header: Header,
             profile: Profile) -> tuple[Sheet, P.ProjectLayout, Optional[CheckedForm]]:
    """One project sheet: the form checked once, its rule scores beside it."""
    rows = P.DEFAULT_INDICATOR_ROWS
    checked, rules = None, None
    lay = P.ProjectLayout(max(rows, len(form.indicators)) if form is not None else rows)
    if form is not None:
        checked = CheckedForm(form, check_form(form, profile), profile)
        rules = indicator_rule_cells(lay, {lay.indicator_row(k): ind for k, ind in enumerate(form.indicators)})
    title = _form_title(form) or P.PROJECT_SHEET_DEFAULT.format(n=index)
    name = project_sheet_name(title, taken)
    taken.add(name.lower())
    sheet = write_project_sheet(book, name, lay, profile, header=header, form=form, rules=rules)
    return sheet, lay, checked


def _form_title(form: Optional[ProjectForm]) -> str:
    if form is None or form.name is None or form.name.empty:
        return ""
    return form.name.text.strip()


def _department_data(spec: MasterSpec) -> dict:
    """The department sheets' data: their 项目支出 rows fed by the forms read."""
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
    return {"department": spec.department, "year": spec.year, "projects": projects}


def _department_base() -> dict[str, str]:
    """The 基础信息 cells the department sheets' titles follow."""
    return {"year": F.base_ref(L.BASE_YEAR_CELL), "department": F.base_ref(L.BASE_DEPARTMENT_CELL)}


# ------------------------------------------------------------ 说明


def _instructions_sheet(book: Book, spec: MasterSpec) -> Sheet:
    ws = book.sheet(L.INSTRUCTIONS_SHEET)
    ws.set_widths((4, 90, 3, 16))
    ws.merge(1, 1, 1, 2, "填表说明", TITLE)
    ws.height(1, 30)
    lines = instructions_text(spec)
    for k, (kind, text) in enumerate(lines, start=3):
        if kind == "h":
            ws.merge(k, 1, k, 2, text, BOLD.but(align="left", border=False))
            ws.fit_row(k, [(text, 94)])
        else:
            ws.text(k, 2, text, PLAIN)
            ws.fit_row(k, [(text, 90)])
    ws.print_setup(f"A1:B{len(lines) + 2}", portrait=True)
    ws.no_gridlines()
    return ws


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


# ------------------------------------------------------------ 基础信息


def _base_sheet(book: Book, spec: MasterSpec) -> Sheet:
    ws = book.sheet(L.BASE_SHEET)
    ws.set_widths((14, 36, 60))
    ws.merge(1, 1, 1, 3, L.BASE_TITLE, TITLE)
    ws.height(1, 30)
    values = {L.BASE_DEPARTMENT_CELL: spec.department or None, L.BASE_YEAR_CELL: spec.year,
              L.BASE_FILLER_CELL: spec.filler or None, L.BASE_PHONE_CELL: spec.phone or None,
              L.BASE_FOR_UNIT_CELL: spec.for_unit or None}
    for cell, label in L.BASE_FIELDS:
        row, col = from_a1(cell)
        ws.text(row, 1, label, HEADER)
        ws.value(row, col, values[cell], INPUT_LEFT)
        ws.fit_row(row, [(values[cell], 36)])
    note_row = from_a1(L.BASE_FOR_UNIT_CELL)[0]
    ws.text(note_row, 3, "（仅下属单位报送表填写）", NOTE)
    hr = L.BASE_UNITS_HEADER_ROW
    ws.text(hr, 1, "序号", HEADER)
    ws.text(hr, L.BASE_UNITS_COL, "实施单位（局机关及下属单位）名单", HEADER)
    ws.text(hr, 3, "每行一个单位，从上往下连续填写；这里的名单就是项目表“实施单位”的下拉列表。", NOTE)
    units = list(spec.units)
    if spec.for_unit and spec.for_unit not in units:
        units.insert(0, spec.for_unit)
    for k in range(L.BASE_UNITS_ROWS):
        r = L.BASE_UNITS_FIRST_ROW + k
        ws.number(r, 1, k + 1, CELL)
        unit = units[k] if k < len(units) else None
        ws.value(r, L.BASE_UNITS_COL, unit, INPUT_LEFT)
        ws.fit_row(r, [(unit, 36)])
    ws.validation(L.BASE_YEAR_CELL, "whole", minimum=2000, maximum=2100, title="年度",
                  prompt="填写四位数年份，如 2022。", error="年度必须是 2000 到 2100 之间的整数。")
    ws.print_setup(f"A1:C{L.BASE_UNITS_FIRST_ROW + L.BASE_UNITS_ROWS - 1}", portrait=True, one_page=True)
    ws.protect()
    return ws


# ------------------------------------------------------------ 整体支出


def _summary_sheet(ws: Sheet, projects: list[tuple[Sheet, P.ProjectLayout]], spec: MasterSpec) -> None:
    """One row per project sheet pulling its figures, then 合计 — the same cells
    `plans.summary_cells` gives 一键重算, with the values the sheets show."""
    cols = L.SUMMARY_COL
    n_cols = len(L.SUMMARY_COLUMNS)
    ws.set_widths(L.SUMMARY_WIDTHS)
    ws.width(n_cols + 1, 3)
    ws.merge_formula(L.SUMMARY_TITLE_ROW, 1, L.SUMMARY_TITLE_ROW, n_cols,
                     F.summary_title(F.base_ref(L.BASE_DEPARTMENT_CELL), F.base_ref(L.BASE_YEAR_CELL)),
                     F.summary_title_value(spec.department, spec.year), TITLE)
    ws.height(L.SUMMARY_TITLE_ROW, 30)
    ws.text(L.SUMMARY_UNIT_ROW, n_cols, "单位：万元", NOTE.but(align="right"))
    for k, (_, header) in enumerate(L.SUMMARY_COLUMNS, start=1):
        ws.text(L.SUMMARY_HEADER_ROW, k, header, HEADER)
    ws.fit_row(L.SUMMARY_HEADER_ROW, [(h, w) for (_, h), w in zip(L.SUMMARY_COLUMNS, L.SUMMARY_WIDTHS)], 28)
    cells = summary_cells([(s.name, lay, s.at) for s, lay in projects])
    total_row = L.SUMMARY_FIRST_ROW + len(projects)
    for (row, col), value in sorted(cells.items()):
        key = L.SUMMARY_COLUMNS[col - 1][0]
        look = SUMMARY_LOOKS.get(key, CELL)
        if row == total_row:
            look = look.but(bold=True, fill="F2F2F2" if col <= cols["sheet"] else None)
        if isinstance(value, Formula):
            ws.formula(row, col, value.text, value.value, look)
        else:
            ws.value(row, col, value, look)
    for row in range(L.SUMMARY_FIRST_ROW, total_row):
        ws.fit_row(row, [(ws.at((row, cols[k])), L.SUMMARY_WIDTHS[cols[k] - 1]) for k in ("sheet", "name", "unit")], 20)
    ws.height(total_row, 22)
    ws.print_setup(f"A1:{to_a1(total_row, n_cols)}", title_rows=(L.SUMMARY_TITLE_ROW, L.SUMMARY_HEADER_ROW))
    ws.freeze(L.SUMMARY_FIRST_ROW)
    ws.protect()


# ------------------------------------------------------------ 校验结果


def _checks_sheet(book: Book, issues: list[Issue]) -> Sheet:
    ws = book.sheet(L.CHECKS_SHEET)
    n = len(L.CHECKS_COLUMNS)
    ws.set_widths(L.CHECKS_WIDTHS)
    ws.merge(L.CHECKS_TITLE_ROW, 1, L.CHECKS_TITLE_ROW, n, L.CHECKS_TITLE, TITLE)
    ws.height(L.CHECKS_TITLE_ROW, 30)
    ws.merge(L.CHECKS_NOTE_ROW, 1, L.CHECKS_NOTE_ROW, n, L.CHECKS_NOTE, NOTE)
    for k, (_, header) in enumerate(L.CHECKS_COLUMNS, start=1):
        ws.text(L.CHECKS_HEADER_ROW, k, header, HEADER)
    ws.height(L.CHECKS_HEADER_ROW, 20)
    rows = issue_rows(issues)
    for (row, col), value in sorted(rows.items()):
        key = L.CHECKS_COLUMNS[col - 1][0]
        ws.value(row, col, value, LEFT if key in ("message", "file", "sheet", "field", "value") else CELL)
    last = L.CHECKS_FIRST_ROW + len(issues) - 1
    for row in range(L.CHECKS_FIRST_ROW, last + 1):
        ws.fit_row(row, [(ws.at((row, c)), w) for c, w in enumerate(L.CHECKS_WIDTHS, start=1)], 18)
    ws.freeze(L.CHECKS_FIRST_ROW)
    ws.ws.autofilter(L.CHECKS_HEADER_ROW - 1, 0, max(L.CHECKS_HEADER_ROW, last) - 1, n - 1)
    ws.print_setup(f"A1:{to_a1(max(last, L.CHECKS_HEADER_ROW), n)}",
                   title_rows=(L.CHECKS_HEADER_ROW, L.CHECKS_HEADER_ROW))
    return ws


# ------------------------------------------------------------ xlwings.conf and lists


def _conf_sheet(book: Book, interpreter: str = "") -> Sheet:
    ws = book.sheet(L.CONF_SHEET)
    for k, (key, value) in enumerate(L.CONF_ENTRIES, start=1):
        if key == "Interpreter_Win" and interpreter:
            value = interpreter
        ws.text(k, 1, key, PLAIN)
        ws.value(k, 2, value if value != "" else None, PLAIN)
    row, col = from_a1(L.CONF_NOTE_CELL)
    ws.text(row, col, "xlwings 的设置：A 列设置名、B 列值，从 A1 起连续，不要插入空行。"
                      r"Interpreter_Win 空着＝使用 PATH 中的 pythonw；也可填 %LOCALAPPDATA%\Programs\Python\Python312\pythonw.exe。"
                      "本表不打印（已隐藏：右键任一工作表标签 → 取消隐藏）。", NOTE.but(wrap=False))
    ws.set_widths((18, 60, 3, 80))
    ws.hide()
    return ws


def _lists_sheet(book: Book) -> Sheet:
    ws = book.sheet(L.LISTS_SHEET)
    ws.text(1, L.LISTS_LEVEL1_COL, "一级指标", PLAIN)
    all_level2: list[str] = []
    counts: dict[int, int] = {}
    for k, level1 in enumerate(LEVEL1_NAMES):
        ws.text(L.LISTS_FIRST_ROW + k, L.LISTS_LEVEL1_COL, level1, PLAIN)
        col = L.LISTS_LEVEL1_COL + 1 + k
        ws.text(1, col, level1, PLAIN)
        for j, level2 in enumerate(LEVEL2_OF[level1]):
            ws.text(L.LISTS_FIRST_ROW + j, col, level2, PLAIN)
        counts[col] = len(LEVEL2_OF[level1])
        all_level2.extend(LEVEL2_OF[level1])
    col_all = L.LISTS_LEVEL1_COL + 1 + len(LEVEL1_NAMES)
    ws.text(1, col_all, L.LISTS_ALL_HEADER, PLAIN)
    if L.LISTS_FIRST_ROW + len(all_level2) > L.LISTS_COUNT_ROW:
        raise ValueError("lists sheet: too many 二级指标 for LISTS_COUNT_ROW")
    for j, level2 in enumerate(all_level2):
        ws.text(L.LISTS_FIRST_ROW + j, col_all, level2, PLAIN)
    counts[col_all] = len(all_level2)
    ws.text(L.LISTS_COUNT_ROW, L.LISTS_LEVEL1_COL, "个数", PLAIN)
    for col, count in counts.items():
        ws.formula(L.LISTS_COUNT_ROW, col, F.list_count(col), count, PLAIN)
    ws.hide()
    ws.protect()
    return ws


# ------------------------------------------------------------ buttons


def _buttons(book: Book, projects: list[str], macros: bool, file_name: str = "") -> None:
    """The form buttons of `layout.BUTTONS` ("project" on every project
    sheet) — or, without macros, a note where each would be."""
    from .vba import vba_subs, xltools_module_source

    subs = set(vba_subs(xltools_module_source())) if macros else set()
    for key, anchor, caption, macro in L.BUTTONS:
        width, height = L.BUTTON_SIZE.get(key, (2, 2))
        for name in (projects if key == "project" else [key]):
            sheet = book.get(name)
            if sheet is None:
                continue
            row, col = from_a1(anchor)
            if macros:
                if macro not in subs:
                    raise ValueError(f"button {caption}: no Sub {macro} in xltools.bas")
                sheet.button(row, col, caption, macro, width, height)
            else:
                sheet.text(row, col, L.button_note(macro, caption, file_name), BUTTON_NOTE)


def forms_from(paths: Iterable[str | os.PathLike]) -> tuple[list[ProjectForm], list[str]]:
    """Project forms read by the engine from files or folders (`--from`), and the
    Chinese notes about what could not be read."""
    from ..core.errors import XltoolsError
    from ..project.reader import read_forms
    from ..project.report import list_inputs
    from ..containers.workbook import load_book

    forms: list[ProjectForm] = []
    notes: list[str] = []
    for item in list_inputs(paths):
        path = item.path
        if item.skip:
            notes.append(f"{path}：{item.skip}")
            continue
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
