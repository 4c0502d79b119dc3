"""Finding a 绩效自评表 in a worksheet by its labels, not by fixed addresses.

Works on the sheets xltools writes and on forms clerks typed or pasted from Word:
title rows or none, rows inserted or blank rows between blocks, columns shifted,
一级指标 merged down over its rows or left blank below, line breaks and full-width
spaces inside labels, `项目名称` or `项目支出名称`, level weights inside labels,
money as numbers or text with units, rates as text or as percent-formatted numbers.
A sheet that is not a form is reported with the reason, never guessed at.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Optional

from ..core.labels import (ACCEPTED_LEVEL1_OF as LEVEL1_OF, canonical_level1, canonical_level2, normalize_label,
                     weight_in_label)
from ..core.model import BudgetLine, Indicator, Issue, ProjectForm, Value, Where
from ..core.values import MONEY_UNITS, is_error_value, normalize_text, parse
from ..containers.workbook import Book, Grid, a1_name

NAME_LABELS = ("项目名称", "项目支出名称", "项目名", "专项名称", "项目支出名")
DEPARTMENT_NAME_LABELS = ("市级预算部门名称", "预算部门名称", "部门名称", "部门(单位)名称",
                          "单位名称", "县级预算部门名称", "区级预算部门名称", "区级预算单位名称",
                          "县级预算单位名称", "市级预算单位名称", "预算单位名称", "预算单位",
                          "部门(单位)", "单位(部门)名称")
DEPARTMENT_LABELS = ("主管部门", "主管单位", "主管部门名称", "主管部门及代码")
UNIT_LABELS = ("实施单位", "项目实施单位", "项目单位", "实施单位名称")
GRADE_LABELS = ("评价等次", "等次", "自评等次", "评价等级", "自评等级")
TOTAL_LABELS = ("总分", "合计", "总计", "总分合计")
#: 年度总体目标's two halves (the text is under the label), most specific first.
GOAL_EXPECTED_LABELS = ("预期目标", "年初设定目标")
GOAL_ACTUAL_LABELS = ("实际完成情况", "年度实际完成情况", "实际完成目标", "全年实际完成情况")
#: Labels followed directly by the total score (no 分值 beside them).
SCORE_TOTAL_LABELS = ("绩效自评综合得分", "自评综合得分", "综合得分", "自评总分", "总得分")

#: Budget block columns: field → labels seen in its header cell.
BUDGET_COLUMNS = {
    "budget_initial": ("年初预算数", "年初预算", "年初数", "预算数", "年初预算金额"),
    "budget_full_year": ("全年预算数", "全年预算", "调整后预算数", "调整后预算", "全年数", "调整预算数"),
    "spent": ("全年执行数", "全年执行", "执行数", "实际执行数", "实际支出", "预算执行数",
              "全年实际支出", "实际执行", "实际支出数"),
    "weight": ("分值", "权重"),
    "execution_rate": ("执行率", "预算执行率"),
    "score": ("得分", "自评得分", "评分"),
}
#: Budget rows: canonical label → labels seen.
BUDGET_ROWS = {
    "年度资金总额": ("年度资金总额", "资金总额", "合计", "年度财政资金总额", "财政资金总额", "总额",
                 "项目资金总额", "年度资金总额合计"),
    "当年财政拨款": ("其中:当年财政拨款", "其中：当年财政拨款", "当年财政拨款", "其中:财政拨款", "财政拨款",
                 "本年财政拨款", "当年财政资金", "本年财政资金"),
    "上年结转资金": ("上年结转资金", "上年结转", "其中:上年结转资金"),
    "其他资金": ("其他资金", "其他"),
}
#: The older provincial layout's money, as label–value pairs (no 项目资金 header).
PAIRED_BUDGET = {
    "budget_initial": ("计划安排资金", "计划安排资金(万元)", "预算安排资金"),
    "budget_full_year": ("实际到位资金", "实际到位资金(万元)", "到位资金"),
    "spent": ("实际支出", "实际支出(万元)", "实际支出资金"),
}
#: Indicator block columns.
INDICATOR_COLUMNS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "三级指标名称", "指标内容", "指标名称"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "指标(目标)值", "预期指标值",
               "年初目标值", "年度指标目标值"),
    "actual": ("实际完成值", "实际完成情况", "实际值", "完成值", "全年实际值", "实际完成指标值",
               "全年实际完成值", "实际完成数"),
    "weight": ("分值", "权重", "指标分值"),
    "score": ("得分", "自评得分", "评分"),
    "deviation_note": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因及改进措施",
                       "未完成原因分析", "扣分原因", "偏差原因", "未完成原因及拟采取的改进措施",
                       "未完成原因及改进措施", "偏差原因分析及拟采取的改进措施"),
    # the two-row header's split target: comparator · number · unit
    "nature": ("指标性质",),
    "unit": ("度量单位", "计量单位"),
}
_MAX_GAP = 4  # columns scanned to the right of a label for its value
#: What a clerk calls each field (issue records name fields in these words).
_FIELD_WORDS = {"budget_initial": "年初预算数", "budget_full_year": "全年预算数", "spent": "全年执行数",
                "weight": "分值", "execution_rate": "执行率", "score": "得分", "target": "年度指标值",
                "actual": "实际完成值", "total_weight": "分值", "total_score": "得分"}


def _formula_error(fld: str, v: Value) -> Issue:
    return Issue("formula_error", "error",
                 f"单元格显示公式错误“{str(v.raw).strip()}”（公式引用或计算出错），请改正公式或改填数值",
                 v.where.file, v.where.sheet, v.where.cell, fld, v.raw)


@dataclass
class ReadResult:
    """Forms found in a workbook and the sheets that were not forms (with why)."""

    forms: list[ProjectForm] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: (sheet, note) for what was not read: a sheet part missing, content past the region
    notes: list[tuple[str, str]] = field(default_factory=list)


def read_forms(book: Book) -> ReadResult:
    """Read every worksheet of `book`; a sheet is a form when it has the indicator
    header (一级/二级/三级指标).  A sheet with only the 项目资金 header (a summary)
    or a 评分标准 column (an 整体支出评分表) is skipped with the reason."""
    result = ReadResult(notes=list(getattr(book, "notes", [])))
    for grid in book.sheets:
        if grid.hidden:
            continue
        sheet = _SheetReader(grid, book.path)
        if len({r for r, _ in sheet.labels.get("一级指标", ())}) < 2:
            parts = [(1, max(grid.max_row, 1), grid)]  # one header row: one form (split_stacked's answer)
        else:
            parts = split_stacked(grid)
            sheet = None
        for first, last, part in parts:
            form, reason = sheet.read() if sheet is not None else read_sheet(part, book.path)
            name = grid.name if len(parts) == 1 else f"{grid.name}（第 {first}–{last} 行）"
            if form is None:
                result.skipped.append((name, reason))
            else:
                result.forms.append(form)
    return result


def split_stacked(grid: Grid) -> list[tuple[int, int, Grid]]:
    """A whole Word document pasted into one sheet stacks several forms: one
    (first_row, last_row, grid) per form, each grid the sheet with the other
    rows blanked so every cell keeps its real address.  One form: the sheet."""
    names = set(INDICATOR_COLUMNS["name"])
    headers = []
    for r, row in enumerate(grid.rows, start=1):
        texts = {normalize_label(v) for v in row if isinstance(v, str)}
        if "一级指标" in texts and "二级指标" in texts and not texts.isdisjoint(names):
            headers.append(r)
    if len(headers) < 2:
        return [(1, max(grid.max_row, 1), grid)]
    ends = []
    for i, header in enumerate(headers):
        limit = headers[i + 1] if i + 1 < len(headers) else grid.max_row + 1
        end = next((r for r in range(header + 1, limit)
                    if any(normalize_label(v) in _END_LABELS for v in grid.rows[r - 1] if isinstance(v, str))),
                   limit - 1)
        ends.append(end)
    ends[-1] = grid.max_row
    parts, first = [], 1
    for last in ends:
        rows = [row if first <= r <= last else [] for r, row in enumerate(grid.rows, start=1)]
        merged = [m for m in grid.merged if first <= m[0] <= last]
        parts.append((first, last, Grid(grid.name, rows, merged, grid.formulas, grid.percent_cells,
                                        grid.hidden, namer=grid.namer, uncached=grid.uncached)))
        first = last + 1
    return parts


def read_sheet(grid: Grid, path: str = "", keep_blank: bool = False) -> tuple[Optional[ProjectForm], str]:
    """One sheet → (form, "") or (None, reason in Chinese).  With `keep_blank`
    a form whose indicator rows are all empty is returned too (the master's
    planners need its budget block to compute its formulas' values)."""
    sheet = _SheetReader(grid, path)
    return sheet.read(keep_blank)


class _SheetReader:
    def __init__(self, grid: Grid, path: str):
        self.grid = grid
        self.path = path
        self.labels: dict[str, list[tuple[int, int]]] = {}
        self.positions: dict[str, tuple[int, int]] = {}  # cell name → (row, col)
        self.inline: dict[str, tuple[int, int]] = {}
        #: find()'s answers: the labels never change once indexed
        self._found: dict[tuple, list[tuple[int, int]]] = {}
        self.max_col = grid.max_col
        self.cover = grid.cover()
        labels = self.labels
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    keys = _label_keys(value)
                    if keys is None:
                        continue
                    label, bare, head = keys
                    labels.setdefault(label, []).append((r, c))
                    if bare:
                        labels.setdefault(bare, []).append((r, c))
                    if head:  # 项目名称：窗口补贴, 评价等次：优 in one cell
                        self.inline[head] = (r, c)

    # ------------------------------------------------------------------ helpers
    def where(self, row: int, col: int) -> Where:
        name = a1_name(row, col) if self.grid.namer is None else self.grid.cell_name(row, col)
        self.positions[name] = (row, col)
        return Where(self.path, self.grid.name, name)

    def value(self, row: int, col: int, *, money: bool = False, rate: bool = False) -> Value:
        # The reader's innermost step (about 60 a sheet): Grid.anchor/get inlined.
        grid = self.grid
        cell = (row, col)
        cell = self.cover.get(cell, cell)
        r, c = cell
        rows = grid.rows
        raw = None
        if 0 < r <= len(rows):
            line = rows[r - 1]
            if 0 < c <= len(line):
                raw = line[c - 1]
        percent_format = cell in grid.percent_cells
        parsed = parse(raw, money=money, rate=rate or percent_format)
        if percent_format and parsed.is_number and not parsed.percent:
            parsed = parse(raw, rate=True)
            parsed = _as_percent(parsed)
        return Value(raw, parsed, self.where(r, c), cell in grid.formulas, cell in grid.uncached)

    def absent(self) -> Value:
        """A field the form has no column for: empty, with no cell."""
        return Value(None, parse(None), Where(self.path, self.grid.name, ""))

    def find(self, labels: tuple[str, ...], *, prefix: bool = False) -> list[tuple[int, int]]:
        """The cells holding one of `labels`, in reading order (the same list each
        time it is asked: callers only read it)."""
        key = (labels, prefix)
        found = self._found.get(key)
        if found is not None:
            return found
        hits: list[tuple[int, int]] = []
        for label in labels:
            hits.extend(self.labels.get(label, ()))
        if prefix and not hits:
            for text, cells in self.labels.items():
                if any(text.startswith(label) for label in labels):
                    hits.extend(cells)
        found = self._found[key] = sorted(set(hits))
        return found

    def is_known_label(self, value: Any) -> bool:
        text = normalize_label(value)
        return text in _ALL_LABELS

    def field(self, labels: tuple[str, ...]) -> Optional[Value]:
        """A header field: the value beside its label, or written after the label in
        the same cell (`项目名称：窗口补贴`)."""
        cells = self.find(labels)
        if cells:
            return self.value_right_of(*cells[0])
        for label in labels:
            if label in self.inline:
                r, c = self.inline[label]
                raw = self.grid.get(r, c)
                text = str(raw).replace("：", ":").split(":", 1)[1].strip()
                return Value(text, parse(text), self.where(r, c))
        return None

    def _grade(self) -> Optional[Value]:
        """The 等次: the value beside its label, or — when that is blank because the
        label is not merged over the columns before the value — the grade word
        (优/良/中/差) further along the label's own row."""
        grade = self.field(GRADE_LABELS)
        cells = self.find(GRADE_LABELS)
        if grade is None or not grade.empty or grade.is_formula or not cells:
            return grade
        row, col = cells[0]
        for c in range(col + 1, self.max_col + 1):
            raw = self.grid.get(row, c)
            if isinstance(raw, str) and _INLINE_GRADE.match(normalize_label(raw)):
                return self.value(row, c)
            if raw is not None and str(raw).strip() and self.is_known_label(raw):
                break
        return grade

    def value_right_of(self, row: int, col: int, **kw: Any) -> Value:
        """The value beside a label: the first non-empty cell to its right (past
        the label's own merged range), unless another label comes first; an
        empty field points at the first cell after the label."""
        r1, c1 = self.grid.anchor(row, col)
        end = c1
        for r_a, c_a, r_b, c_b in self.grid.merged:
            if (r_a, c_a) == (r1, c1):
                end = max(end, c_b)
        first = end + 1
        c = first
        last = min(self.max_col, first + _MAX_GAP)
        while c <= last:
            ar, ac = self.grid.anchor(row, c)
            raw = self.grid.get(ar, ac)
            if raw is not None and str(raw).strip() != "":
                if self.is_known_label(raw):
                    break
                return self.value(row, c, **kw)
            if self.grid.is_formula(ar, ac):  # a formula saved without its result is the field
                return self.value(row, c, **kw)
            c += 1
        # Nothing to the right: some forms put the value under the label.
        below = self.grid.get(row + 1, col)
        if below is not None and str(below).strip() and not self.is_known_label(below):
            return self.value(row + 1, col, **kw)
        if self.is_known_label(self.grid.merged_value(row, first)):
            return Value(None, parse(None), self.where(row, first))  # the next label: this field is empty
        return self.value(row, first, **kw)

    # ------------------------------------------------------------------ reading
    def read(self, keep_blank: bool = False) -> tuple[Optional[ProjectForm], str]:
        indicator_header = self._header_row(INDICATOR_COLUMNS, ("level1", "level2", "name"))
        budget_header = self._header_row(BUDGET_COLUMNS, (("budget_full_year", "budget_initial"), "spent"))
        if indicator_header is None:
            if budget_header is not None:
                return None, "不是绩效自评表：有“年初预算数/全年预算数/全年执行数”表头，但没有“一级指标/二级指标/三级指标”绩效指标表头（可能是汇总表）"
            return None, self._what_is_missing()
        if any(normalize_label(self.grid.get(indicator_header[0], c)) == "评分标准"
                for c in range(1, self.max_col + 1)):
            return None, "这是整体支出绩效评价评分表（有“评分标准”栏），不是项目自评表；请用 xltools evaluate 评价"

        name = self.field(NAME_LABELS)
        dept_name = self.field(DEPARTMENT_NAME_LABELS)
        kind = "project"
        if name is None and (dept_name is not None or self.find(("部门整体支出绩效自评表",))):
            kind = "department"
        form = ProjectForm(file=self.path, sheet=self.grid.name, kind=kind)
        if kind == "project":
            form.name = name
            form.department = self.field(DEPARTMENT_LABELS)
            form.unit = self.field(UNIT_LABELS)
        else:
            form.name = form.department = dept_name
        form.grade = self._grade()

        self._budget(form, budget_header, stop=indicator_header[0])
        self._goals(form, stop=indicator_header[0])
        self._indicators(form, indicator_header)
        if not form.indicators and not keep_blank:
            return None, "绩效指标部分是空的（尚未填写的空白表）"
        self._collect_value_notes(form)
        if form.grade is None:
            form.not_checked.append(("评价等次与总分是否相符", "表中没有“评价等次”栏"))
        return form, ""

    def _what_is_missing(self) -> str:
        """Why a sheet is not a form, naming the header labels found and missing."""
        wanted = (("一级指标", INDICATOR_COLUMNS["level1"]), ("二级指标", INDICATOR_COLUMNS["level2"]),
                  ("三级指标", INDICATOR_COLUMNS["name"]))
        found = [title for title, labels in wanted if self.find(labels)]
        missing = [title for title, labels in wanted if title not in found]
        if not found:
            return "不是绩效自评表：没有找到“一级指标/二级指标/三级指标”表头"
        if not missing:
            return "不是绩效自评表：“一级指标/二级指标/三级指标”表头不在同一行，无法确定指标各列，未读取"
        rows = {self.find(labels)[0][0] for title, labels in wanted if title in found}
        where = "不在同一行" if len(rows) > 1 else ""
        return ("不是绩效自评表（或版式无法识别）：找到了" + "、".join(f"“{t}”" for t in found)
                + "，缺少" + "、".join(f"“{t}”" for t in missing) + f"表头{where}，未读取")

    def _issue(self, code: str, severity: str, message: str, cell: str, fld: str) -> Issue:
        return Issue(code, severity, message, self.path, self.grid.name, cell, fld)

    def _header_row(self, columns: dict[str, tuple[str, ...]],
                    required: tuple[str, ...]) -> Optional[tuple[int, dict[str, int]]]:
        """The first row holding all `required` column labels → (row, field → col)."""
        # Each label of the sheet looked up once (rather than each field's labels
        # searched for): per row, each field's leftmost cell.
        by_label = _FIELDS_BY_LABEL.get(id(columns)) or _fields_by_label(columns)
        leftmost: dict[int, dict[str, int]] = {}
        for text, cells in self.labels.items():
            flds = by_label.get(text)
            if flds:
                for r, c in cells:
                    at = leftmost.setdefault(r, {})
                    for fld in flds:
                        if c < at.get(fld, c + 1):
                            at[fld] = c
        for r in sorted(leftmost):
            found = {fld: leftmost[r][fld] for fld in columns if fld in leftmost[r]}
            if all(any(f in found for f in ((req,) if isinstance(req, str) else req)) for req in required):
                # A header may span two rows: labels merged down from the row above
                # (the two-row indicator header), or split one row down.
                used = set(found.values())
                for c in range(1, self.max_col + 1):
                    if c in used:
                        continue
                    ar, ac = self.grid.anchor(r, c)
                    if ar < r:
                        text = normalize_label(self.grid.get(ar, ac))
                    elif self.grid.get(r, c) in (None, "") and r > 1:
                        text = normalize_label(self.grid.merged_value(r - 1, c))
                    else:
                        continue
                    fld = _field_of(columns, text)
                    if fld and fld not in found:
                        found[fld] = c
                        used.add(c)
                for fld, labels in columns.items():
                    if fld not in found:
                        for rr, c in self.find(labels):
                            if rr == r + 1 and c not in used:
                                found[fld] = c
                return r, found
        return None

    def _budget_lines(self, header: tuple[int, dict[str, int]], stop: int,
                      factor: float = 1.0) -> list[BudgetLine]:
        row0, cols = header
        first_money_col = min(cols.values())
        lines: list[BudgetLine] = []
        for r in range(row0 + 1, min(stop, row0 + 15)):
            label = None
            for c in range(1, first_money_col):
                text = normalize_label(self.grid.get(r, c))
                canon = _budget_row_label(text)
                if canon:
                    label = canon
                    break
            if label is None:
                if any(normalize_label(self.grid.get(r, c)) in ("年度总体目标", "绩效指标", "一级指标")
                       for c in range(1, self.max_col + 1)):
                    break
                continue
            if any(line.label == label for line in lines):
                continue
            line = BudgetLine(label=label, row=r)
            for fld, c in cols.items():
                money = fld in ("budget_initial", "budget_full_year", "spent")
                value = self.value(r, c, money=money, rate=fld == "execution_rate")
                if money and factor != 1.0:
                    value = _in_header_unit(value, factor)
                setattr(line, fld, value)
            lines.append(line)
        return lines

    def _header_unit(self, header: tuple[int, dict[str, int]]) -> tuple[float, str]:
        """The money unit the block's header declares (`项目资金（元）`, `全年预算数（元）`):
        (factor to 万元, unit); (1.0, "") when none or 万元."""
        row0, cols = header
        texts = [self.grid.merged_value(row0, c) for c in range(1, self.max_col + 1)]
        for r in range(max(1, row0 - 1), min(self.grid.max_row, row0 + 6) + 1):
            texts.extend(self.grid.merged_value(r, c) for c in range(1, min(cols.values())))
        for raw in texts:
            text = normalize_text(raw)
            m = _UNIT_IN_HEADER.search(text) if "元" in text else None
            if m and any(word in text for word in ("资金", "预算", "执行", "金额")):
                unit = m.group(1)
                return MONEY_UNITS[unit], unit
        return 1.0, ""

    def _budget(self, form: ProjectForm, header: Optional[tuple[int, dict[str, int]]], stop: int) -> None:
        """The 项目资金 block above the indicators: a header with columns, or (older
        layouts) label–value pairs."""
        if header is None:
            form.budget_lines = self._paired_budget()
            if not form.budget_lines:
                form.not_checked.append(("执行率、预算执行得分", "没有找到“项目资金/年度资金总额”一栏"))
            else:
                form.not_checked.append(("预算执行得分", "表中的资金部分没有分值和得分"))
            return
        factor, unit = self._header_unit(header)
        form.budget_lines = self._budget_lines(header, stop, factor)
        if form.kind == "department":
            # 附件1-2 splits the total by income source and by use on rows like
            # “其他资金：” with no money columns; only 年度资金总额 is a budget line.
            form.budget_lines = [line for line in form.budget_lines if line.label == "年度资金总额"]
        cols = header[1]
        corner = self.grid.cell_name(header[0], min(cols.values()))
        if factor != 1.0 and form.budget_lines:
            form.read_issues.append(self._issue(
                "unit_converted", "info", f"项目资金表头注明以“{unit}”为单位，金额已换算为万元读取",
                corner, "项目资金"))
        if "budget_full_year" not in cols and "budget_initial" in cols:
            c = cols["budget_initial"]
            label = str(self.grid.merged_value(header[0], c) or "").strip()
            for line in form.budget_lines:
                line.budget_full_year = line.budget_initial
            form.rate_basis = label
            form.read_issues.append(self._issue(
                "rate_basis", "info",
                f"表中没有“全年预算数/调整后预算数”一栏，执行率按“{normalize_text(label)}”一栏计算",
                self.grid.cell_name(header[0], c), "执行率"))
        if "weight" not in cols:
            weight = self._budget_weight_in_labels(header, form)
            if weight is not None:
                total = form.budget_total
                if total is not None:
                    total.weight = weight
            else:
                form.read_issues.append(self._issue(
                    "missing_label", "info", "项目资金表头中没有“分值”列，预算执行得分无法核对",
                    corner, "分值"))
                form.not_checked.append(("预算执行得分、分值合计中的预算分值", "项目资金表头中没有“分值”列"))
        if not form.budget_lines:
            form.not_checked.append(("执行率、预算执行得分", "项目资金表头下没有“年度资金总额”一行"))
        self._zero_total(form)

    def _budget_weight_in_labels(self, header: tuple[int, dict[str, int]], form: ProjectForm) -> Optional[Value]:
        """The older layout with no 分值 column writes the budget line's points into
        a label: `预算执行率（20分）`, `年度资金总额(20分)`."""
        row0, cols = header
        cells = [(row0, c) for c in range(1, self.max_col + 1)]
        cells += [(line.row, c) for line in form.budget_lines[:1] for c in range(1, min(cols.values()))]
        for r, c in cells:
            raw = self.grid.merged_value(r, c)
            if isinstance(raw, str) and weight_in_label(raw) is not None and "分" in raw:
                w = weight_in_label(raw)
                ar, ac = self.grid.anchor(r, c)
                return Value(raw, parse(w), self.where(ar, ac))
        return None

    def _zero_total(self, form: ProjectForm) -> None:
        """年度资金总额 0 / 0 / 0 while the money sits in its 其中 rows: flag it and
        take the money (and the 其中 row's rate and score) from those rows."""
        total = form.budget_total
        if total is None or total.label != "年度资金总额":
            return
        money = ("budget_initial", "budget_full_year", "spent")

        def num(line: BudgetLine, fld: str) -> float:
            v = getattr(line, fld)
            return v.number if v is not None and v.number is not None else 0.0

        if any(num(total, f) for f in money):
            return
        parts = [line for line in form.budget_lines if line is not total and any(num(line, f) for f in money)]
        if not parts:
            return
        cell = total.spent.where.cell if total.spent is not None else ""
        for fld in money:
            if getattr(total, fld) is None:
                continue
            sources = [getattr(line, fld) for line in parts if getattr(line, fld) is not None]
            if len(sources) == 1:
                setattr(total, fld, sources[0])
            elif sources:
                amount = sum(v.number or 0.0 for v in sources)
                first = sources[0]
                decimals = max((v.parsed.decimals or 0) for v in sources)
                setattr(total, fld, Value(amount, replace(parse(round(amount, 6), money=True),
                                                          decimals=decimals), first.where))
        if len(parts) == 1:
            for fld in ("execution_rate", "score"):
                part = getattr(parts[0], fld)
                if part is not None and not part.empty:
                    setattr(total, fld, part)
        shown = "、".join(f"“{line.label}”" for line in parts)
        form.read_issues.append(Issue(
            "budget_total_zero", "warning",
            f"“年度资金总额”一行的金额为 0（或空），资金填在其中{shown}一行；已按其中各行读取，请把合计填入年度资金总额",
            self.path, self.grid.name, cell, "年度资金总额"))

    def _paired_budget(self) -> list[BudgetLine]:
        """The older provincial layout (seeds 002/003) writes money as label–value
        pairs: 计划安排资金（万元）| 437.7 | 实际到位资金（万元）| 437.7 | 实际支出（万元）| 437.7.
        Read as 年初 / 全年 / 执行; that layout has no budget 分值 or 得分."""
        fields = {}
        for fld, labels in PAIRED_BUDGET.items():
            cells = self.find(labels)
            if cells:
                fields[fld] = self.value_right_of(*cells[0], money=True)
        if not {"budget_full_year", "spent"} <= set(fields):
            return []
        row = self.positions[fields["spent"].where.cell][0]
        return [BudgetLine(label="年度资金总额", row=row, **fields)]

    def _goals(self, form: ProjectForm, stop: int) -> None:
        for labels, attr in ((GOAL_EXPECTED_LABELS, "goal_expected"), (GOAL_ACTUAL_LABELS, "goal_actual")):
            for r, c in (cell for label in labels for cell in self.find((label,)) if cell[0] < stop):
                below = self.grid.get(r + 1, c)
                if below is not None and str(below).strip() and not self.is_known_label(below):
                    setattr(form, attr, self.value(r + 1, c))
                    break

    def _indicators(self, form: ProjectForm, header: tuple[int, dict[str, int]]) -> None:
        row0, cols = header
        grid = self.grid
        total_row = None
        for r, c in self.find(TOTAL_LABELS):
            if r > row0:
                total_row = (r, c)
                break
        end = total_row[0] if total_row else grid.max_row + 1
        for r, c in self.find(SCORE_TOTAL_LABELS):
            if row0 < r < end:
                end = r
                break
        cannot = {"weight": "分值合计、各项得分是否超过分值、扣分是否写明原因",
                  "score": "总分与各项得分是否相符、扣分是否写明原因",
                  "target": "按规则计分（定量指标的完成比例）",
                  "actual": "按规则计分（定量指标的完成比例）",
                  "deviation_note": "扣分是否写明原因"}
        for fld, title in (("weight", "分值"), ("score", "得分"), ("target", "年度指标值"), ("actual", "实际完成值"),
                           ("deviation_note", "偏差原因分析及改进措施")):
            if fld not in cols:
                if fld != "deviation_note":
                    form.read_issues.append(self._issue(
                        "missing_label", "info", f"绩效指标表头中没有“{title}”列，该项无法核对",
                        self.grid.cell_name(row0, min(cols.values())), title))
                form.not_checked.append((cannot[fld], f"绩效指标表头中没有“{title}”列"))
        l1, l1_where, l1_raw = "", Where(), ""
        l2, l2_where, l2_raw = "", Where(), ""
        body_start = row0 + 1
        # Skip a second header row (e.g. the weight/score header split over two rows).
        while body_start < end and any(
                normalize_label(grid.get(body_start, c)) in _INDICATOR_HEADER_WORDS for c in cols.values()):
            body_start += 1
        for r in range(body_start, end):
            c1 = cols.get("level1")
            c2 = cols.get("level2")
            raw1, explicit1, w1 = self._level_cell(r, c1)
            raw2, explicit2, w2 = self._level_cell(r, c2)
            if raw1 and not normalize_label(raw1) and weight_in_label(raw1) is not None:
                # a lone `(50分)` under the label it belongs to
                if l1 and l1 not in form.level_weights and "weight" in cols:
                    form.level_weights[l1] = Value(raw1, parse(weight_in_label(raw1)), w1)
                raw1 = ""
            if raw1:
                l1_raw = raw1
                l1 = canonical_level1(raw1) or normalize_label(raw1)
                l1_where = w1
                weight = weight_in_label(raw1)
                if weight is not None and l1 not in form.level_weights and "weight" in cols:
                    form.level_weights[l1] = Value(raw1, parse(weight), w1)
            if raw2 and normalize_label(raw2):
                l2_raw = raw2
                l2 = canonical_level2(raw2) or normalize_label(raw2)
                l2_where = w2
            values = {f: (self.value(r, cols[f]) if f in cols else self.absent())
                      for f in ("name", "target", "actual", "weight", "score", "deviation_note")}
            if "nature" in cols or "unit" in cols:
                values["target"] = self._joined_target(r, cols, values["target"])
            if all(v.empty for v in values.values()):
                continue
            if values["name"].empty and values["weight"].empty and values["score"].empty:
                continue
            if _placeholder_row(values):
                continue  # the template's 指标1：/……/numbered rows, left unfilled
            if form.indicators and values["weight"].empty and values["score"].empty \
                    and _is_breakdown(values["name"].text):
                form.indicators[-1].breakdown.append(values["name"].text.strip())
                continue  # 其中…: a breakdown of the indicator above, not an indicator
            explicit = bool(raw1) or explicit1
            level1 = l1
            if not explicit and l2 in LEVEL1_OF and LEVEL1_OF[l2] != l1:
                level1 = LEVEL1_OF[l2]  # 一级 left blank: the 二级 tells which it is
            form.indicators.append(Indicator(
                row=r, level1=level1, level2=l2, name=values["name"], target=values["target"],
                actual=values["actual"], weight=values["weight"], score=values["score"],
                deviation_note=values["deviation_note"], level1_where=l1_where,
                level2_where=l2_where, level1_explicit=explicit,
                level1_raw=l1_raw, level2_raw=l2_raw,
            ))
        if total_row is None and not self.find(SCORE_TOTAL_LABELS):
            form.not_checked.append(("总分与各项得分是否相符", "表中没有“总分/合计”一行"))
        if total_row:
            r, c = total_row
            weight = self.value(r, cols["weight"]) if "weight" in cols else None
            score = self.value(r, cols["score"]) if "score" in cols else None
            if (weight is None or weight.empty) and (score is None or score.empty):
                weight = self.value_right_of(r, c)
                wr, wc = self.positions[weight.where.cell]
                score = self.value_right_of(wr, wc)
            form.total_weight, form.total_score = weight, score
        elif self.find(SCORE_TOTAL_LABELS):
            r, c = self.find(SCORE_TOTAL_LABELS)[0]
            if r > row0 and "score" in cols and not self.value(r, cols["score"]).empty:
                # 综合得分 written as a 总分 row: 分值 and 得分 in their columns
                form.total_weight = self.value(r, cols["weight"]) if "weight" in cols else None
                form.total_score = self.value(r, cols["score"])
            else:
                form.total_score = self.value_right_of(r, c)

    def _joined_target(self, r: int, cols: dict[str, int], number: Value) -> Value:
        """The two-row header's target split into 指标性质 · 指标值 · 度量单位, joined
        into one target as a clerk would write it (`≥` `95` `%` → `≥95%`); a
        qualitative 指标性质 (定性) leaves the 指标值 text as it is."""
        nature = self.value(r, cols["nature"]) if "nature" in cols else self.absent()
        unit = self.value(r, cols["unit"]) if "unit" in cols else self.absent()
        if number.empty:
            return number
        sign = _COMPARATOR_WORDS.get(normalize_text(nature.raw), "") if not nature.empty else ""
        unit_text = normalize_text(unit.raw) if not unit.empty else ""
        if normalize_text(nature.raw) == "定性" or not number.parsed.is_number:
            unit_text = "" if normalize_text(nature.raw) == "定性" else unit_text
        raw = number.raw
        if number.parsed.is_number:
            value = number.parsed.number
            if unit_text in ("%", "％") and number.parsed.percent:
                value = value * 100
            text = f"{value:.10g}" if isinstance(value, float) else str(value)
        else:
            text = str(raw).strip()
        joined = f"{sign}{text}{unit_text}" if not text.endswith(unit_text) else f"{sign}{text}"
        return Value(joined, parse(joined), number.where, number.is_formula, number.uncached)

    def _level_cell(self, row: int, col: Optional[int]) -> tuple[str, bool, Where]:
        """(text written in this row's level cell, covered by a merge from above?, where)."""
        if col is None:
            return "", False, Where()
        anchor = self.grid.anchor(row, col)
        raw = self.grid.get(*anchor)
        text = "" if raw is None else str(raw)
        if anchor != (row, col):
            # Covered by a merged cell: the label is explicit for this row, but it
            # is not "written here" — don't restart the block.
            return "", bool(text.strip()), self.where(*anchor)
        if not normalize_label(text).strip("."):
            # blank, the template's …… (read as ......), or a lone `(50分)` under its label
            return (text if weight_in_label(text) is not None else ""), False, self.where(row, col)
        return text, True, self.where(row, col)

    def _collect_value_notes(self, form: ProjectForm) -> None:
        """Unreadable values and converted units become read issues.  Money typed in
        元 in the 项目资金（万元） block is one warning per form, listing the cells."""
        # Fields named as the checks name them, in the clerk's words (年度资金总额.全年预算数);
        # the name is only spelt out for a value that gets an issue.
        values: list[tuple[Any, str, Value, bool]] = []  # (whose field, key, value, in budget)
        for line in form.budget_lines:
            for fld in ("budget_initial", "budget_full_year", "spent", "weight", "execution_rate", "score"):
                v = getattr(line, fld)
                if v is not None:
                    values.append((line.label, fld, v, True))
        for ind in form.indicators:
            for fld in ("target", "actual", "weight", "score"):
                values.append((ind, fld, getattr(ind, fld), False))
        for fld in ("total_weight", "total_score"):
            v = getattr(form, fld)
            if v is not None:
                values.append(("总分", fld, v, False))

        def named(whose: Any, short: str) -> str:
            if isinstance(whose, Indicator):
                name = _short(whose.name.text, 18)
                whose = f"指标“{name}”" if name else f"第 {whose.row} 行指标"
            return f"{whose}.{_FIELD_WORDS[short]}"

        converted_money: list[Value] = []
        numeric = {"budget_initial", "budget_full_year", "spent", "weight", "execution_rate", "score",
                   "total_weight", "total_score"}
        # text fields too: a unit's name pointing at a deleted sheet shows #REF!
        texts = [("项目名称", form.name), ("主管部门", form.department), ("实施单位", form.unit),
                 ("年度总体目标.预期目标", form.goal_expected), ("年度总体目标.实际完成情况", form.goal_actual)]
        texts += [(ind.row, word, v) for ind in form.indicators
                  for word, v in (("三级指标", ind.name), ("偏差原因分析及改进措施", ind.deviation_note))]
        for text in texts:
            v = text[-1]
            if v is not None and is_error_value(v.raw):
                fld = text[0] if len(text) == 2 else f"第 {text[0]} 行指标.{text[1]}"
                form.read_issues.append(_formula_error(fld, v))
        for whose, short, v, in_budget in values:
            parsed = v.parsed
            if is_error_value(v.raw):
                form.read_issues.append(_formula_error(named(whose, short), v))
            elif parsed.problem:
                form.read_issues.append(Issue(
                    "value_unreadable", "warning",
                    f"无法识别“{str(v.raw).strip()}”：{parsed.problem}，请改为数字或规范写法",
                    v.where.file, v.where.sheet, v.where.cell, named(whose, short), v.raw))
            elif short in numeric and not parsed.empty and parsed.number is None:
                what = "金额" if short in ("budget_initial", "budget_full_year", "spent") else "数字"
                form.read_issues.append(Issue(
                    "value_unreadable", "warning",
                    f"“{_shown(v.raw)}”不是{what}，未计入；请填写数字",
                    v.where.file, v.where.sheet, v.where.cell, named(whose, short), _shown(v.raw)))
            elif parsed.converted and parsed.is_number and not parsed.header_unit:
                if in_budget:
                    converted_money.append(v)
                elif not _same_unit_pair(whose, short):  # ≤5元 against 4.8元: nothing to say
                    form.read_issues.append(Issue(
                        "unit_converted", "info",
                        f"“{str(v.raw).strip()}”按 {parsed.number:g} 万元读取（原单位：{parsed.original_unit}）",
                        v.where.file, v.where.sheet, v.where.cell, named(whose, short), v.raw))
        if converted_money:
            first = converted_money[0]
            shown = "、".join(f"{v.where.cell} {str(v.raw).strip()}→{v.parsed.number:g}"
                             for v in converted_money[:6])
            more = "等" if len(converted_money) > 6 else ""
            form.read_issues.append(Issue(
                "unit_converted", "warning",
                f"项目资金应以万元填写，{len(converted_money)} 个金额带其他单位，已换算为万元：{shown}{more}",
                first.where.file, first.where.sheet, first.where.cell, "项目资金", first.raw))
        blank = [v for *_, v, _b in values if v.uncached] + [t[-1] for t in texts if t[-1] is not None and t[-1].uncached]
        blank += [form.grade] if form.grade is not None and form.grade.uncached else []
        if blank:
            first = blank[0]
            cells = "、".join(v.where.cell for v in blank[:8]) + ("等" if len(blank) > 8 else "")
            form.read_issues.append(Issue(
                "formula_uncached", "warning",
                f"{len(blank)} 个公式单元格没有保存计算结果（{cells}）：文件可能由程序生成、未在 Excel/WPS 中"
                "保存过，这些格按空白对待，相关核对无法进行；请在 Excel 或 WPS 中打开、保存后重新报送",
                first.where.file, first.where.sheet, first.where.cell, "公式", None))


def _as_percent(parsed):
    from dataclasses import replace

    return replace(parsed, percent=True, unit="%", decimals=max(parsed.decimals or 0, 2))


_PLACEHOLDER_NAME = re.compile(r"^(?:指标\d*|\d+|[(（]?\d+[)）]?|[.…。、_-]*)$")
#: 指标性质 as the two-row header writes it → the comparator it stands for.
_COMPARATOR_WORDS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", ">": ">", "<": "<", "=": "=",
                     "大于等于": "≥", "小于等于": "≤", "大于": ">", "小于": "<", "等于": "=",
                     "正向": "≥", "正向指标": "≥", "反向": "≤", "反向指标": "≤", "定量": "", "定性": ""}


def _placeholder_row(values: dict[str, Value]) -> bool:
    """A template row nobody filled: `指标1：`, `……`, or a row holding only a number
    (a serial number, a 分值 the template printed) and nothing else."""
    name = normalize_label(values["name"].raw)
    rest = [values[f] for f in ("target", "actual", "score", "deviation_note")]
    if _PLACEHOLDER_NAME.match(name) and all(v.empty for v in rest):
        filled = [v for v in values.values() if not v.empty]
        return len(filled) <= 1 and all(v.parsed.is_number or v is values["name"] for v in filled)
    return False


def _is_breakdown(name: str) -> bool:
    return normalize_text(name).startswith("其中")


def _field_of(columns: dict[str, tuple[str, ...]], text: str) -> Optional[str]:
    if not text:
        return None
    bare = _PAREN_SUFFIX.sub("", text)
    for fld, labels in columns.items():
        if text in labels or bare in labels:
            return fld
    return None


def _budget_row_label(text: str) -> Optional[str]:
    if not text:
        return None
    for canon, labels in BUDGET_ROWS.items():
        if text in labels:
            return canon
    if text.startswith("其中"):
        return _budget_row_label(text[2:].lstrip(":：").strip()) or None  # not lstrip("其中…"): 其他资金
    bare = _PAREN_SUFFIX.sub("", text)  # 年度资金总额（万元）
    return _budget_row_label(bare) if bare != text else None


def _shown(raw: Any) -> str:
    if hasattr(raw, "isoformat"):
        return raw.isoformat(sep=" ") if hasattr(raw, "hour") else raw.isoformat()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    return str(raw).strip()


def _short(text: str, n: int) -> str:
    text = text.replace("\n", "").strip()
    return text if len(text) <= n else text[: n - 1] + "…"


_UNIT_IN_HEADER = re.compile(r"[(（]\s*(万元|元|千元|亿元)\s*[)）]")


def _in_header_unit(value: Value, factor: float) -> Value:
    """A bare number in a block whose header says 元 (or 亿元): converted to 万元."""
    p = value.parsed
    if p.number is None or p.original_unit or p.kind != "number":
        return value
    extra = {1e-4: 4, 1e-1: 1}.get(factor, 0)
    unit = next((u for u, f in MONEY_UNITS.items() if f == factor), "")
    converted = replace(p, number=float(f"{p.number * factor:.12g}"), unit="万元",
                        decimals=(p.decimals or 0) + extra, original_unit=unit, header_unit=True)
    return Value(value.raw, converted, value.where, value.is_formula, value.uncached)


_END_LABELS = set(TOTAL_LABELS + SCORE_TOTAL_LABELS)
_PAREN_SUFFIX = re.compile(r"[(（][^()（）]*[)）]$")
#: A grade written after its label in one cell (评价等次：优), not a legend of the grades.
_INLINE_GRADE = re.compile(r"^\s*(优秀?|良好?|中等?|较?差)\s*$")
_INLINE_LABELS = set(NAME_LABELS + DEPARTMENT_NAME_LABELS + DEPARTMENT_LABELS + UNIT_LABELS)
_INDICATOR_HEADER_WORDS = {label for labels in INDICATOR_COLUMNS.values() for label in labels}


def _fields_by_label(columns: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """A header's columns turned round: label → the fields it names."""
    out: dict[str, tuple[str, ...]] = {}
    for fld, labels in columns.items():
        for label in labels:
            if fld not in out.get(label, ()):
                out[label] = out.get(label, ()) + (fld,)
    return out


#: `_fields_by_label` of the two headers every sheet is searched for
_FIELDS_BY_LABEL = {id(cols): _fields_by_label(cols) for cols in (BUDGET_COLUMNS, INDICATOR_COLUMNS)}
_ALL_LABELS = set(NAME_LABELS + DEPARTMENT_NAME_LABELS + DEPARTMENT_LABELS + UNIT_LABELS
                  + GRADE_LABELS + TOTAL_LABELS + SCORE_TOTAL_LABELS) | {"项目资金(万元)", "项目资金", "年度总体目标", "绩效指标"}
for _labels in list(BUDGET_COLUMNS.values()) + list(INDICATOR_COLUMNS.values()) + list(PAIRED_BUDGET.values()):
    _ALL_LABELS.update(_labels)


def _same_unit_pair(whose: Any, short: str) -> bool:
    """An indicator's target and actual typed in the same unit (≤5元 · 4.8元):
    they compare as typed, so their reading in 万元 is no news to the clerk."""
    if not isinstance(whose, Indicator) or short not in ("target", "actual"):
        return False
    units = {v.parsed.original_unit for v in (whose.target, whose.actual)
             if v is not None and v.parsed.is_number}
    return len(units) == 1 and all(v is not None and v.parsed.converted
                                   for v in (whose.target, whose.actual))


@lru_cache(maxsize=65536)
def _label_keys(text: str) -> Optional[tuple[str, str, str]]:
    """How a cell's text is indexed, worked out once per distinct text (forms
    repeat their labels): (label, the label without a trailing `(…)` or "",
    the head of `项目名称：窗口补贴` or `评价等次：优` written in one cell or "" — a
    grade only when a grade word follows, so a legend of grades is not one); None
    when blank."""
    if not text.strip():
        return None
    label = normalize_label(text)
    bare = _PAREN_SUFFIX.sub("", label)  # 年度指标值(A), 全年预算数(万元)
    head, sep, rest = label.partition(":")
    inline = sep and ((rest and head in _INLINE_LABELS)
                      or (head in GRADE_LABELS and _INLINE_GRADE.match(rest)))
    return (label, bare if bare and bare != label else "", head if inline else "")
