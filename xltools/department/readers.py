"""Reading the department-level tables as clerks type them (DOMAIN.md §6).

    read_basic_data(cells)     基础数据表 (附件1-1): staff, 经费控制情况 (三公经费 by
                               kind, 项目支出 with one row per special fund, 公用经费,
                               政府采购金额, 部门基本支出), 楼堂馆所, 厉行节约
    read_budget_block(cells)   部门整体支出绩效自评表 (附件1-2): 年度资金总额 and its
                               split by income source and by use
    read_unit_tables(cells)    收支情况 by unit (seed 002): income, spending,
                               三公经费, 固定资产 — first row 局机关及二级机构汇总
    read_score_sheet(cells)    the 评分表: 三级指标 · 分值 · 自评得分 · 扣分原因
    read_department(book)      all of them from every sheet of a workbook, plus any
                               profile input written as “label | figure” anywhere

Every figure is a `model.Value` that keeps its cell.  Fields are found by their
labels; values follow DOMAIN.md §4 (`　43`, `——`, `98%`, text numbers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..core.labels import normalize_label
from ..core.model import BudgetLine, Issue, Value
from ..core.values import Parsed, normalize_text
from .locate import Cells, label_key, split_inline
from ..profiles import DepartmentProfile
from .rules import match_key

# ---------------------------------------------------------------- records


@dataclass
class FundRow:
    """One row of the 经费控制情况 block: 上年决算 · 本年预算 · 本年决算 (万元)."""

    key: str
    label: str
    row: int
    last_final: Optional[Value] = None
    budget: Optional[Value] = None
    final: Optional[Value] = None

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "last_final": _num(self.last_final),
                "budget": _num(self.budget), "final": _num(self.final)}


@dataclass
class BasicData:
    """The 基础数据表 (附件1-1) as read."""

    file: str
    sheet: str
    staff_quota: Optional[Value] = None
    staff_actual: Optional[Value] = None
    staff_rate: Optional[Value] = None
    column_headers: dict[str, str] = field(default_factory=dict)
    funds: dict[str, FundRow] = field(default_factory=dict)
    projects: list[FundRow] = field(default_factory=list)
    buildings: dict[str, Value] = field(default_factory=dict)
    frugality: Optional[Value] = None


@dataclass
class BudgetBlock:
    """The 年度预算 block of the 部门整体支出绩效自评表 (附件1-2)."""

    file: str
    sheet: str
    department: Optional[Value] = None
    total: Optional[BudgetLine] = None
    by_source: dict[str, BudgetLine] = field(default_factory=dict)
    by_use: dict[str, BudgetLine] = field(default_factory=dict)


@dataclass
class UnitRow:
    name: Value
    values: dict[str, Value] = field(default_factory=dict)


@dataclass
class UnitTable:
    """One 收支情况 table: `kind` income / spending / three_public / fixed_assets;
    `rows[0]` is the department summary (局机关及二级机构汇总) when present."""

    kind: str
    sheet: str
    rows: list[UnitRow] = field(default_factory=list)

    @property
    def summary(self) -> Optional[UnitRow]:
        return self.rows[0] if self.rows else None


@dataclass
class ScoreRow:
    row: int
    level1: str
    level2: str
    indicator: Value
    weight: Optional[Value]
    self_score: Optional[Value]
    reason: Optional[Value]
    weight_rows: int = 1  # rows the 分值 cell is merged over (a group weight)


@dataclass
class ScoreSheet:
    file: str
    sheet: str
    rows: list[ScoreRow] = field(default_factory=list)
    total_weight: Optional[Value] = None
    total_score: Optional[Value] = None
    grade: Optional[Value] = None


@dataclass
class DepartmentData:
    """Everything read from one workbook, and the figures the profile's formulas use."""

    file: str
    basic: Optional[BasicData] = None
    budget: Optional[BudgetBlock] = None
    tables: dict[str, UnitTable] = field(default_factory=dict)
    scores: Optional[ScoreSheet] = None
    inputs: dict[str, Value] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def found_anything(self) -> bool:
        return bool(self.basic or self.budget or self.tables or self.scores or self.inputs)

    def env(self) -> dict[str, Optional[float]]:
        return {key: value.number for key, value in self.inputs.items()}


def _num(value: Optional[Value]) -> Optional[float]:
    return value.number if value is not None else None


# ---------------------------------------------------------------- 基础数据表

#: Known rows of the 经费控制情况 block: key → pattern on the label key (first
#: match wins, in order).  Forms word these rows differently (公务用车购置和维护经费 /
#: 公务用车购置及运行维护费, 公务接待 / 公务接待费, “三公”经费 …).
FUND_ROWS: list[tuple[str, str]] = [
    ("three_public", r"^三公经费(合计|总额|总计)?$"),
    ("car", r"^公务用车购置(和|及|与|、)?(运行)?(维护|运维|运行)"),
    ("car_purchase", r"^(公车|公务用车)购置(费|经费)?$"),
    ("car_running", r"^(公车|公务用车)(运行维护|运维|运行)(费|经费)?$"),
    ("abroad", r"^(因公)?出国"),
    ("reception", r"^公务接待(费|经费)?$"),
    ("projects", r"^项目支出(合计|总额)?$"),
    ("business", r"^业务工作经费$"),
    ("operation", r"^运行维护经费$"),
    ("specials", r"专项资金"),
    ("public_funds", r"^公用经费(合计)?$"),
    ("office", r"^办公(经)?费$"),
    ("utilities_travel", r"^(水费|电费|水电|差旅)"),
    ("meetings_training", r"^(会议|培训)"),
    ("procurement", r"^政府采购(金额|资金|支出)?(合计)?$"),
    ("basic_spending", r"^(部门)?基本支出"),
]
#: Rows that end the list of special funds.
_AFTER_FUNDS = (None, "public_funds", "procurement", "basic_spending")
_SECTION_END = ("楼堂馆所控制情况", "厉行节约保障措施")


def read_basic_data(cells: Cells) -> Optional[BasicData]:
    """The 基础数据表 on this sheet, or None when the sheet has none."""
    header = _fund_header(cells)
    quota_at = cells.find_first("编制数")
    if header is None and quota_at is None:
        return None
    data = BasicData(cells.file, cells.name)
    if quota_at:
        data.staff_quota = cells.value_near(*quota_at)
        actual_at = cells.find_first("实际在职人数", "实有人数", "在职人数", contains=True,
                                     rows=range(quota_at[0], quota_at[0] + 3))
        if actual_at:
            data.staff_actual = cells.value_near(*actual_at)
        rate_at = cells.find_first("控制率", rows=range(quota_at[0], quota_at[0] + 3))
        if rate_at:
            data.staff_rate = cells.value_near(*rate_at, rate=True)
    if header is not None:
        _read_funds(cells, data, *header)
    for label in ("批复规模", "实际规模", "规模控制率", "预算投资", "实际投资", "投资概算控制率"):
        at = cells.find_first(label)
        if at:
            value = cells.value(at[0] + 1, at[1], rate="率" in label, money="投资" in label)
            data.buildings[label] = value
    at = cells.find_first("厉行节约保障措施", "厉行节约措施")
    if at:
        data.frugality = cells.value_near(*at, text=True)
    return data


def _fund_header(cells: Cells) -> Optional[tuple[int, dict[str, int], dict[str, str]]]:
    """The header row of 经费控制情况: its row, the columns of last_final / budget /
    final, and their header texts.  Headers are year-specific (`2021年决算数`,
    `2022年预算数`, `2022年决算数`): 决算 columns are told apart by year, else by
    上年/本年, else by order."""
    for row in range(1, cells.max_row + 1):
        finals, budgets = [], []
        for col in range(1, cells.max_col + 1):
            text = normalize_text(cells.get(row, col))
            if not text or len(text) > 14:
                continue
            if "决算" in text:
                finals.append((col, text))
            elif "预算" in text and "调整" not in text:
                budgets.append((col, text))
        if len(finals) >= 2 and budgets:
            def year_of(item: tuple[int, str]) -> tuple[int, int]:
                text = item[1]
                match = re.search(r"(\d{4})", text)
                if match:
                    return int(match.group(1)), item[0]
                return (0 if "上年" in text else 1 if "本年" in text else 0), item[0]
            finals.sort(key=year_of)
            columns = {"last_final": finals[0][0], "budget": budgets[0][0], "final": finals[-1][0]}
            texts = {"last_final": finals[0][1], "budget": budgets[0][1], "final": finals[-1][1]}
            return row, columns, texts
    return None


def _read_funds(cells: Cells, data: BasicData, header_row: int, columns: dict[str, int],
                texts: dict[str, str]) -> None:
    data.column_headers = texts
    first_value_col = min(columns.values())
    section = ""  # "projects" (after 项目支出), "categories", "specials" or ""
    for row in range(header_row + 1, cells.max_row + 1):
        label_cell = None
        for col in range(first_value_col - 1, 0, -1):
            if normalize_text(cells.get(row, col)):
                label_cell = (row, col)
                break
        if label_cell is None:
            continue
        raw_label = cells.get(*label_cell)
        key_text = label_key(raw_label)
        if any(end in key_text for end in _SECTION_END):
            break
        if not key_text or set(key_text) <= set("…….。"):
            continue
        line = FundRow("", normalize_text(raw_label), row,
                       cells.value(row, columns["last_final"], money=True),
                       cells.value(row, columns["budget"], money=True),
                       cells.value(row, columns["final"], money=True))
        key = _fund_key(key_text)
        # After 项目支出 come its categories, then (under 专项资金, or directly
        # when a form has no such heading) one row per special fund, until
        # 公用经费 / 政府采购 / 基本支出.  A fund named like a category
        # (会议培训专项 …) is still a fund.
        allowed = _AFTER_FUNDS + (("business", "operation", "specials")
                                  if section in ("projects", "categories") else ())
        if section and key not in allowed:
            key = None
        if key and key not in data.funds:
            line.key = key
            data.funds[key] = line
            if key in ("projects", "specials"):
                section = key
            elif key in ("business", "operation") and section == "projects":
                section = "categories"
            elif key in _AFTER_FUNDS:
                section = ""
            continue
        if section in ("projects", "specials") and key is None:
            line.key = "project"
            line.label = normalize_text(raw_label)  # as written, quotes kept
            data.projects.append(line)
    # Totals written as formulas in a workbook no spreadsheet has computed yet
    # (a master fresh from `xltools new`) have no value: add up their parts.
    for total_key, parts in _FUND_PARTS:
        total = data.funds.get(total_key)
        if total is None:
            continue
        for column in ("last_final", "budget", "final"):
            value = getattr(total, column)
            if value is None or value.number is not None or not value.is_formula:
                continue
            if parts == "funds":
                found = [getattr(p, column) for p in data.projects]
            else:
                found = [getattr(data.funds[k], column) for k in parts if k in data.funds]
            setattr(total, column, derived(value, found))


#: Totals of the 经费控制情况 block and what they add up (in dependency order).
_FUND_PARTS = (
    ("car", ("car_purchase", "car_running")),
    ("three_public", ("car", "abroad", "reception")),
    ("specials", "funds"),
    ("projects", ("business", "operation", "specials")),
    ("public_funds", ("office", "utilities_travel", "meetings_training")),
)


def derived(value: Value, parts: list[Optional[Value]]) -> Value:
    """A formula cell with no computed value, given the sum of its parts (when
    any part is a number); keeps its cell."""
    numbers = [p.number for p in parts if p is not None and p.number is not None]
    if not numbers:
        return value
    total = round(sum(numbers), 6)
    return Value(value.raw, Parsed(text="", kind="number", number=total, unit="万元"),
                 value.where, is_formula=True)


def _fund_key(text: str) -> Optional[str]:
    for key, pattern in FUND_ROWS:
        if re.search(pattern, text):
            return key
    return None


# ---------------------------------------------------------------- 部门整体支出绩效自评表

_BUDGET_COLUMNS = {
    "budget_initial": ("年初预算数",),
    "budget_full_year": ("全年预算数",),
    "spent": ("全年执行数",),
    "weight": ("分值",),
    "execution_rate": ("执行率",),
    "score": ("得分",),
}
SOURCES = {
    "general": ("一般公共预算", "一般公共预算拨款", "公共财政拨款"),
    "fund": ("政府性基金拨款", "政府性基金", "政府基金拨款"),
    "special_account": ("纳入专户管理的非税收入拨款", "专户管理的非税收入", "非税收入拨款"),
    "other": ("其他资金", "其他收入"),
}
USES = {
    "basic": ("基本支出",),
    "projects": ("项目支出",),
}


def read_budget_block(cells: Cells) -> Optional[BudgetBlock]:
    at = cells.find_first("年度资金总额")
    if at is None or not _is_department_form(cells):
        return None
    total_row = at[0]
    columns: dict[str, int] = {}
    for row in range(total_row - 1, max(0, total_row - 4), -1):
        for field_name, labels in _BUDGET_COLUMNS.items():
            found = cells.find_first(*labels, rows=[row])
            if found and field_name not in columns:
                columns[field_name] = found[1]
        if "budget_full_year" in columns:
            break
    block = BudgetBlock(cells.file, cells.name)
    dept_at = cells.find_first("市级预算部门名称", "预算部门名称", "部门名称", "部门（单位）名称",
                               "区级预算单位名称", "县级预算单位名称", "市级预算单位名称", "预算单位名称",
                               "预算单位", "单位名称", rows=range(1, total_row))
    if dept_at:
        block.department = cells.value_near(*dept_at, text=True)
    block.total = _budget_line(cells, "年度资金总额", total_row, columns)
    end = total_row + 12
    goal = cells.find_first("年度总体目标", rows=range(total_row, cells.max_row + 1))
    if goal:
        end = goal[0]
    rows = range(total_row + 1, end)
    for target, groups in ((block.by_source, SOURCES), (block.by_use, USES)):
        for key, labels in groups.items():
            line = _split_line(cells, labels, rows, columns)
            if line is not None:
                target[key] = line
    return block


def _is_department_form(cells: Cells) -> bool:
    """A 部门整体支出绩效自评表, not a 项目支出绩效自评表: it splits the money by
    income source or use, or says 部门整体支出 / 部门名称, and names no project."""
    if cells.find_first("按收入性质分", "按支出性质分", "部门整体支出", contains=True):
        return True
    if cells.find_first("项目名称", "项目支出名称"):
        return False
    return bool(cells.find_first("部门名称", contains=True))


def _budget_line(cells: Cells, label: str, row: int, columns: dict[str, int]) -> BudgetLine:
    line = BudgetLine(label=label, row=row)
    for field_name, col in columns.items():
        setattr(line, field_name, cells.value(row, col, money=field_name in
                                              ("budget_initial", "budget_full_year", "spent"),
                                              rate=field_name == "execution_rate"))
    return line


def _split_line(cells: Cells, labels: tuple[str, ...], rows: range,
                columns: dict[str, int]) -> Optional[BudgetLine]:
    keys = {label_key(label) for label in labels}
    for row, col, value in cells.cells(rows):
        if not isinstance(value, str):
            continue
        label, inline = split_inline(value)
        if label not in keys:
            continue
        line = BudgetLine(label=label, row=row)
        inline = inline.strip()
        if inline:
            # `其中：基本支出：958.07` — one figure: what was spent.
            value_obj = cells.value(row, col, money=True)
            from ..core.values import amount
            value_obj = Value(value_obj.raw, amount(inline), value_obj.where)
            line.spent = value_obj
            return line
        figures = {name: cells.value(row, c, money=True) for name, c in columns.items()
                   if name in ("budget_initial", "budget_full_year", "spent") and c > col}
        if any(v.parsed.is_number for v in figures.values()):
            for name, v in figures.items():
                setattr(line, name, v)
            return line
        right = cells.value(row, col + 1, money=True)
        if right.parsed.is_number:
            line.spent = right
        return line
    return None


# ---------------------------------------------------------------- 收支情况 by unit

UNIT_TABLES = {
    "income": {
        "income_total": ("收入合计",), "carryover": ("上年结转",),
        "general": ("公共财政拨款", "一般公共预算拨款"), "fund": ("政府基金拨款", "政府性基金拨款"),
        "special_account": ("纳入专户管理的非税收入拨款",), "other": ("其他收入",),
    },
    "spending": {
        "spending_total": ("支出合计",), "basic": ("基本支出",), "personnel": ("人员支出",),
        "public": ("公用支出",), "projects": ("项目支出",), "balance": ("当年结余",),
        "balance_cumulative": ("累计结余",),
    },
    "three_public": {
        "total": ("三公经费合计",), "reception": ("公务接待费",), "car_running": ("公务用车运维费",),
        "car_purchase": ("公务用车购置费",), "abroad": ("因公出国费", "因公出国（境）费"),
    },
    "fixed_assets": {
        "total": ("固定资产合计",), "in_use": ("在用固定资产",), "rented": ("出租固定资产",),
        "other": ("其他",),
    },
}
_TABLE_KEY = {"income": "income_total", "spending": "spending_total",
              "three_public": "total", "fixed_assets": "total"}


def read_unit_tables(cells: Cells) -> dict[str, UnitTable]:
    tables: dict[str, UnitTable] = {}
    for name_row, name_col in cells.find("机构名称", "单位名称"):
        header_rows = range(name_row, name_row + 4)
        for kind, fields in UNIT_TABLES.items():
            key_field = _TABLE_KEY[kind]
            if not cells.find_first(*fields[key_field], rows=header_rows):
                continue
            columns: dict[str, int] = {}
            for field_name, labels in fields.items():
                found = [at for at in cells.find(*labels, rows=header_rows) if at[1] > name_col]
                if found:
                    columns[field_name] = found[0][1]
            table = UnitTable(kind, cells.name)
            row = name_row + 1
            while row <= cells.max_row:
                text = normalize_text(cells.get(row, name_col))
                if not text:
                    if table.rows:
                        break
                    row += 1  # the header's second and third rows
                    continue
                if label_key(text) in ("机构名称", "单位名称") or _is_title(text):
                    break
                table.rows.append(UnitRow(
                    cells.value(row, name_col),
                    {f: cells.value(row, c, money=True) for f, c in columns.items()}))
                row += 1
            if table.rows and kind not in tables:
                tables[kind] = table
            break
    return tables


def _is_title(text: str) -> bool:
    """`部门（单位）年度支出和结余情况（万元）`, `三、部门（单位）整体支出绩效自评情况`:
    the next table's title, not a unit."""
    return bool(re.match(r"^[一二三四五六七八九十]+、", text)) or "情况" in text


# ---------------------------------------------------------------- 评分表

_SCORE_COLUMNS = {
    "level1": ("一级指标",), "level2": ("二级指标",), "indicator": ("三级指标",),
    "standard": ("评分标准",), "weight": ("分值",), "self_score": ("自评得分", "得分"),
    "reason": ("扣分原因和其他说明", "扣分原因", "扣分原因及说明", "偏差原因分析及改进措施", "说明"),
}


def read_score_sheet(cells: Cells) -> Optional[ScoreSheet]:
    header_at = None
    for row, col in cells.find("三级指标"):
        if cells.find_first("评分标准", "自评得分", rows=[row]):
            header_at = (row, col)
            break
    if header_at is None:
        return None
    header_row = header_at[0]
    columns: dict[str, int] = {}
    for name, labels in _SCORE_COLUMNS.items():
        for label in labels:
            found = cells.find_first(label, rows=[header_row])
            if found:
                columns[name] = found[1]
                break
    sheet = ScoreSheet(cells.file, cells.name)
    level1 = level2 = ""
    ind_col = columns["indicator"]
    for row in range(header_row + 1, cells.max_row + 1):
        first = label_key(cells.get(row, columns.get("level1", 1)))
        if match_key(first) in ("总分", "合计", "总计"):
            if "weight" in columns:
                sheet.total_weight = cells.value(row, columns["weight"])
            if "self_score" in columns:
                sheet.total_score = cells.value(row, columns["self_score"])
            break  # what follows (评价等次, 补充数据) is not an indicator
        if label_key(cells.get(row, ind_col)) == "三级指标":
            continue  # the header repeated after a page break
        if "level1" in columns:
            text = _level_name(_merged(cells, row, columns["level1"]))
            if text:
                level1, level2 = text, ("" if text != level1 else level2)
        if "level2" in columns:
            text = _level_name(_merged(cells, row, columns["level2"]))
            if text:
                level2 = text
        if not normalize_text(cells.get(row, ind_col)):
            if label_key(cells.get(row, 1)) in ("评价等次", "等次"):
                sheet.grade = cells.value_near(row, 1, text=True)
            continue
        weight = cells.value(row, columns["weight"]) if "weight" in columns else None
        span = _row_span(cells, row, columns.get("weight"))
        sheet.rows.append(ScoreRow(
            row=row, level1=level1, level2=level2, indicator=cells.value(row, ind_col),
            weight=weight,
            self_score=cells.value(row, columns["self_score"]) if "self_score" in columns else None,
            reason=cells.value(row, columns["reason"]) if "reason" in columns else None,
            weight_rows=span,
        ))
    return sheet if sheet.rows else None


def _merged(cells: Cells, row: int, col: int) -> Any:
    grid = cells.grid
    if hasattr(grid, "merged_value"):
        return grid.merged_value(row, col)
    return grid.get(row, col)


def _row_span(cells: Cells, row: int, col: Optional[int]) -> int:
    if col is None:
        return 1
    for r1, c1, r2, c2 in getattr(cells.grid, "merged", ()):
        if r1 == row and c1 <= col <= c2:
            return r2 - r1 + 1
    return 1


def _level_name(value: Any) -> str:
    """`投  入\\n（15分）` → `投入`."""
    text = normalize_label(value)
    return re.sub(r"[(（]\d+(?:\.\d+)?分?[)）]", "", text)


# ---------------------------------------------------------------- the whole book


def read_department(book: Any, profile: DepartmentProfile) -> DepartmentData:
    """Read every department table from every sheet of a `workbook.Book`, and
    gather the figures the profile's formulas use into `data.inputs`."""
    data = DepartmentData(getattr(book, "path", ""))
    sheets = [Cells(grid, data.file) for grid in book.sheets]
    budgets = []
    for cells in sheets:
        if getattr(cells.grid, "hidden", False):
            continue
        if data.basic is None:
            data.basic = read_basic_data(cells)
        block = read_budget_block(cells)
        if block is not None:
            budgets.append(block)
        for kind, table in read_unit_tables(cells).items():
            data.tables.setdefault(kind, table)
        if data.scores is None:
            data.scores = read_score_sheet(cells)
    data.budget = _the_department_form(budgets)
    _derive_budget(data)
    _collect_inputs(sheets, data, profile)
    _unreadable(data)
    return data


def _the_department_form(blocks: list[BudgetBlock]) -> Optional[BudgetBlock]:
    """The 部门整体支出绩效自评表's budget block: the first that splits the money
    by income source or use, as the 附件1-2 does — not a summary that only
    repeats a 年度资金总额 (the block `consolidate --master` writes beside the
    master's 整体支出 table, a consolidation output's sheet of that name)."""
    for block in blocks:
        if block.by_use or block.by_source:
            return block
    return blocks[0] if blocks else None


def _derive_budget(data: DepartmentData) -> None:
    """Formula cells of the 自评表 with no computed value: 项目支出 from the
    基础数据表's 专项资金, 年度资金总额 from the split by use."""
    block = data.budget
    if block is None or block.total is None:
        return
    specials = data.basic.funds.get("specials") if data.basic else None
    projects = block.by_use.get("projects")
    if projects is not None and specials is not None:
        for field_name, column in (("budget_full_year", "budget"), ("spent", "final")):
            value = getattr(projects, field_name)
            if value is not None and value.number is None and value.is_formula:
                setattr(projects, field_name, derived(value, [getattr(specials, column)]))
    for field_name in ("budget_initial", "budget_full_year", "spent"):
        value = getattr(block.total, field_name)
        if value is not None and value.number is None and value.is_formula:
            parts = [getattr(line, field_name) for line in block.by_use.values()]
            setattr(block.total, field_name, derived(value, parts))


def _put(data: DepartmentData, key: str, value: Optional[Value]) -> None:
    if value is not None and value.number is not None and key not in data.inputs:
        data.inputs[key] = value


def _collect_inputs(sheets: list[Cells], data: DepartmentData, profile: DepartmentProfile) -> None:
    basic, budget = data.basic, data.budget
    if basic:
        _put(data, "staff_quota", basic.staff_quota)
        _put(data, "staff_actual", basic.staff_actual)
        three = basic.funds.get("three_public")
        if three:
            _put(data, "three_public_last_final", three.last_final)
            _put(data, "three_public_budget", three.budget)
            _put(data, "three_public_final", three.final)
        projects = basic.funds.get("projects")
        if projects:
            _put(data, "project_spending", projects.final)
        procurement = basic.funds.get("procurement")
        if procurement:
            _put(data, "procurement_budget", procurement.budget)
            _put(data, "procurement_actual", procurement.final)
    if budget and budget.total:
        _put(data, "budget_initial", budget.total.budget_initial)
        _put(data, "budget_full_year", budget.total.budget_full_year)
        _put(data, "spent", budget.total.spent)
    summary = {kind: table.summary for kind, table in data.tables.items()}
    if summary.get("income"):
        _put(data, "income_total", summary["income"].values.get("income_total"))
        _put(data, "carryover_last_year", summary["income"].values.get("carryover"))
    if summary.get("spending"):
        _put(data, "spending_total", summary["spending"].values.get("spending_total"))
        _put(data, "balance", summary["spending"].values.get("balance"))
        _put(data, "project_spending", summary["spending"].values.get("projects"))
    if summary.get("fixed_assets"):
        _put(data, "fixed_assets_total", summary["fixed_assets"].values.get("total"))
        _put(data, "fixed_assets_in_use", summary["fixed_assets"].values.get("in_use"))
    if summary.get("three_public") and "three_public_final" not in data.inputs:
        _put(data, "three_public_final", summary["three_public"].values.get("total"))
    # Anything else the profile knows by its label: “label | figure” anywhere
    # (the 补充数据 block of the 评分表 sheet, 人员编制 | 18 in a report table …).
    for cells in sheets:
        if getattr(cells.grid, "hidden", False) or _is_project_sheet(cells):
            continue
        for key, spec in profile.inputs.items():
            if key in data.inputs or not spec.by_label:
                continue
            for at in cells.find(*spec.labels):
                value = cells.value_near(*at, money=spec.kind == "money", rate=spec.kind == "rate")
                if value is not None and value.number is not None and not value.parsed.comparator:
                    data.inputs[key] = value  # a target such as ≥90% is not a figure
                    break


#: Labels that only department-level tables carry.
_DEPARTMENT_MARKS = ("编制数", "人员编制", "部门整体支出", "机构名称", "评分标准", "补充数据",
                     "财政供养人员")


def _is_project_sheet(cells: Cells) -> bool:
    """A 项目支出绩效自评表 with nothing department-level on it: its figures
    (上年结转资金, a 满意度 target …) are a project's, not the department's."""
    if not cells.find_first("项目名称", "项目支出名称"):
        return False
    return not cells.find_first(*_DEPARTMENT_MARKS, contains=True)


def _unreadable(data: DepartmentData) -> None:
    seen = set()
    values: list[Value] = list(data.inputs.values())
    if data.basic:
        for line in [*data.basic.funds.values(), *data.basic.projects]:
            values += [v for v in (line.last_final, line.budget, line.final) if v is not None]
    for value in values:
        if value.parsed.problem and value.where not in seen:
            seen.add(value.where)
            data.issues.append(Issue(
                "value_unreadable", "warning",
                f"无法识别的数值“{value.text}”：{value.parsed.problem}",
                value.where.file, value.where.sheet, value.where.cell, "", value.raw))
