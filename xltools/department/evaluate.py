"""Scoring a department's 整体支出 by its profile: the shared implementation of
`xltools evaluate` and the master's 整体评价 button.

    evaluation = evaluate_book(book, profile)        # book: xltools.containers.workbook.Book
    evaluation.as_dict()                              # the --json record
    render_report(evaluation)                         # the Chinese terminal report

Every 三级指标 of the profile becomes a `LineResult`: the value its formula gives
from the figures in the workbook, the rule's score, the clerk's own score from
the 评分表 (when the workbook has one), and which inputs were missing.  Problems
are `model.Issue` records, all of them, each naming file, sheet and cell.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

from ..core.errors import NoFormError
from ..project.scoring import agrees
from ..core.issues import SEVERITY_TEXT, Issue
from ..core.model import Value, Where
from ..core.values import format_number, format_percent
from ..profiles import expr
from .readers import DepartmentData, ScoreRow, ScoreSheet, read_department
from ..profiles import DepartmentProfile, load_profile
from ..profiles.department import Line
from .rules import match_key, score_line



@dataclass
class LineResult:
    """One 三级指标 as evaluated."""

    line: Line
    value: Optional[float] = None
    rule_score: Optional[float] = None
    self_score: Optional[float] = None
    score: Optional[float] = None
    missing: list[str] = field(default_factory=list)
    missing_labels: list[str] = field(default_factory=list)
    error: str = ""
    basis: str = ""
    row: Optional[ScoreRow] = None
    sources: dict[str, Where] = field(default_factory=dict)
    #: What went into the total: the score, else the clerk's (capped) self score.
    counted: Optional[float] = None

    @property
    def where(self) -> Where:
        if self.row is not None:
            return self.row.indicator.where
        return Where()

    def as_dict(self) -> dict:
        return {
            "key": self.line.key,
            "level1": self.line.level1,
            "level2": self.line.level2,
            "indicator": self.line.indicator,
            "value": None if self.value is None else round(self.value, 4),
            "weight": _plain(self.line.weight),
            "score": _plain(self.score),
            "rule_score": _plain(self.rule_score),
            "self_score": _plain(self.self_score),
            "counted": _plain(self.counted),
            "missing": list(self.missing_labels),
            "rule": self.line.rule.kind,
            "basis": self.basis,
            "error": self.error or None,
            "sheet": self.where.sheet or None,
            "cell": self.where.cell or None,
            "sources": {k: f"{w.sheet}!{w.cell}" for k, w in self.sources.items()},
        }


@dataclass
class Evaluation:
    file: str
    profile: DepartmentProfile
    data: DepartmentData
    lines: list[LineResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    total: float = 0.0
    self_total: Optional[float] = None
    complete: bool = True

    @property
    def unscored(self) -> list[LineResult]:
        """Lines with neither a rule score nor a self score."""
        return [r for r in self.lines if r.score is None and r.self_score is None]

    @property
    def grade(self) -> Optional[str]:
        """The 等次 of the total; None while some line has no score at all."""
        return None if self.unscored else self.profile.grade(self.total)

    @property
    def problems(self) -> list[Issue]:
        """Issues that make `xltools evaluate` exit 1 (errors and warnings)."""
        return [i for i in self.issues if i.severity in ("error", "warning")]

    def line(self, key: str) -> LineResult:
        for result in self.lines:
            if result.line.key == key:
                return result
        raise KeyError(key)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "profile": self.profile.name,
            "lines": [r.as_dict() for r in self.lines],
            "total": _plain(round(self.total, self.profile.score_decimals)),
            "grade": self.grade,
            "complete": self.complete,
            "self_total": _plain(self.self_total),
            "issues": [i.as_dict() for i in self.issues],
        }


def _plain(x: Optional[float]) -> Any:
    if x is None:
        return None
    x = round(float(x), 4)
    return int(x) if x.is_integer() else x


# ---------------------------------------------------------------- public API


def evaluate_book(book: Any, profile: DepartmentProfile | str | None = None) -> Evaluation:
    """Evaluate a workbook already read (`xltools.containers.workbook.load_book`, or a Book
    built from a live Excel workbook by the button).

    Args:
        book: an object with `.path` and `.sheets` (Grids with name/get/max_row/max_col).
        profile: a DepartmentProfile, a profile name, or None for `hunan-dept`.
    Returns:
        Evaluation — lines, total, grade and issues.
    Raises:
        NoFormError when no department table is found in the book.
    """
    if profile is None or isinstance(profile, str):
        profile = load_profile(profile, kind="department")
    data = read_department(book, profile)
    if not data.found_anything:
        raise NoFormError(data.file, "工作簿中没有找到基础数据表、部门整体支出绩效自评表或评分表")
    ev = Evaluation(data.file, profile, data)
    ev.issues.extend(data.issues)
    unfilled = _unfilled_budget(data)
    for key in unfilled:  # a sum of some parts is not the department's budget
        data.inputs.pop(key, None)
    env = data.env()
    rows = _match_rows(profile, data.scores, ev)
    for line in profile.lines:
        ev.lines.append(_evaluate_line(line, env, data, rows.get(line.key), ev, unfilled))
    _check_group_weights(ev)
    _check_tables(ev)
    _total(ev)
    return ev


def evaluate_file(path: str, profile: DepartmentProfile | str | None = None) -> Evaluation:
    """Read a workbook file and evaluate it.  Raises WorkbookError / NoFormError."""
    from ..containers.workbook import load_book

    return evaluate_book(load_book(path), profile)


# ---------------------------------------------------------------- lines


def _match_rows(profile: DepartmentProfile, sheet: Optional[ScoreSheet],
                ev: Evaluation) -> dict[str, ScoreRow]:
    """Pair the clerk's 评分表 rows with profile lines by name (two lines called
    管理制度健全性 are told apart by their 二级指标)."""
    if sheet is None:
        return {}
    matched: dict[str, ScoreRow] = {}
    used: set[int] = set()
    by_name: dict[str, list[Line]] = {}
    for line in profile.lines:
        for name in line.names:
            by_name.setdefault(match_key(name), []).append(line)
    for row in sheet.rows:
        candidates = [l for l in by_name.get(match_key(row.indicator.text), []) if l.key not in matched]
        if not candidates:
            where = row.indicator.where
            ev.issues.append(Issue(
                "line_not_in_profile", "warning",
                f"评分表中的指标“{row.indicator.text.strip()}”不在评分规则 {profile.name} 中，未计入总分",
                where.file, where.sheet, where.cell, "indicator", row.indicator.raw))
            continue
        same_level2 = [l for l in candidates if match_key(l.level2) == match_key(row.level2)]
        line = (same_level2 or candidates)[0]
        matched[line.key] = row
        used.add(row.row)
    for line in profile.lines:
        if line.key not in matched:
            ev.issues.append(Issue(
                "line_absent", "warning",
                f"评分表中没有三级指标“{line.indicator}”（{line.level1}/{line.level2}，"
                f"分值 {format_number(line.weight)}）",
                sheet.file, sheet.sheet, "", "indicator", line.indicator))
    return matched


def _unfilled_budget(data: DepartmentData) -> dict[str, list[str]]:
    """年度资金总额 = 基本支出 + 项目支出 (11.3): input key → the parts left
    blank, for each money column of the 部门整体支出绩效自评表 whose total is
    not a figure the clerk typed but the sum of its parts (a formula).  While a
    part is blank the total is not the department's budget: every line that
    uses it is not scored and says what is missing."""
    block = data.budget
    if block is None or block.total is None:
        return {}
    out: dict[str, list[str]] = {}
    for key in ("budget_initial", "budget_full_year", "spent"):
        total = getattr(block.total, key)
        if total is None or (not total.is_formula and total.parsed.is_number):
            continue
        blank = [label for part, label in (("basic", "基本支出"), ("projects", "项目支出"))
                 if block.by_use.get(part) is None or getattr(block.by_use[part], key) is None
                 or getattr(block.by_use[part], key).number is None]
        if blank:
            out[key] = blank
    return out


def _missing_label(profile: DepartmentProfile, key: str, unfilled: dict[str, list[str]]) -> str:
    label = profile.input_label(key)
    if key in unfilled:
        label += f"（年度资金总额 = 基本支出 + 项目支出，{'、'.join(unfilled[key])}未填）"
    return label


def _evaluate_line(line: Line, env: dict, data: DepartmentData, row: Optional[ScoreRow],
                   ev: Evaluation, unfilled: Optional[dict[str, list[str]]] = None) -> LineResult:
    profile = ev.profile
    scored = score_line(line, env, profile.score_decimals)
    result = LineResult(line, value=scored.value, rule_score=scored.score, missing=scored.missing,
                        missing_labels=[_missing_label(profile, k, unfilled or {}) for k in scored.missing],
                        error=scored.error, basis=scored.basis, row=row)
    if line.formula:
        for key in sorted(expr.names(line.formula)):
            if key in data.inputs:
                result.sources[profile.input_label(key)] = data.inputs[key].where
    where = result.where
    if row is not None and row.self_score is not None and row.self_score.number is not None:
        result.self_score = row.self_score.number
    if row is not None and row.self_score is not None and row.self_score.parsed.problem:
        _issue(ev, "value_unreadable", "warning", row.self_score.where,
               f"“{line.indicator}”的自评得分“{row.self_score.text}”无法识别", row.self_score.raw)

    if line.is_judgement:
        if result.self_score is None:
            if row is not None:
                _issue(ev, "missing_value", "warning",
                       row.self_score.where if row.self_score else where,
                       f"“{line.indicator}”按评分标准由评价人打分，但自评得分为空")
            result.basis = "由评价人打分；未填自评得分"
        else:
            s = result.self_score
            if s < 0 or s > line.weight + 1e-9:
                _issue(ev, "score_over_weight", "error", row.self_score.where,
                       f"“{line.indicator}”自评得分 {format_number(s)} 超出 0～{format_number(line.weight)} 分",
                       row.self_score.raw, "self_score")
                s = min(max(s, 0.0), line.weight)
            result.score = s
            result.basis = "由评价人按评分标准打分"
    else:
        result.score = result.rule_score
        if result.missing:
            labels = "、".join(result.missing_labels)
            hints = "；".join(f"{profile.input_label(k)}：{profile.inputs[k].where}"
                             for k in result.missing if k in profile.inputs and profile.inputs[k].where)
            _issue(ev, "input_missing", "warning", where,
                   f"“{line.indicator}”缺少{labels}，无法按规则计分（{hints}）",
                   None, ",".join(result.missing))
            result.basis = f"缺少{labels}"
        elif result.error:
            cells = "、".join(f"{k}（{w.cell}）" for k, w in result.sources.items())
            _issue(ev, "zero_denominator", "error", where,
                   f"“{line.indicator}”无法计算（{result.error}）：分母为零，请核对 {cells}",
                   result.error)
        elif result.self_score is not None and row is not None:
            if not _agrees(row.self_score, result.rule_score):
                _issue(ev, "rule_score_mismatch", "error", row.self_score.where,
                       f"“{line.indicator}”自评得分 {format_number(result.self_score)}，"
                       f"按规则应为 {format_number(result.rule_score)}（{result.basis}）",
                       row.self_score.raw, "self_score")

    if row is not None:
        _check_row(ev, line, row, result)
    return result


def _check_row(ev: Evaluation, line: Line, row: ScoreRow, result: LineResult) -> None:
    if row.weight is not None and row.weight.number is not None and row.weight_rows == 1:
        if not math.isclose(row.weight.number, line.weight, abs_tol=1e-9):
            _issue(ev, "weight_mismatch", "warning", row.weight.where,
                   f"“{line.indicator}”分值写为 {format_number(row.weight.number)}，"
                   f"评分规则为 {format_number(line.weight)}", row.weight.raw, "weight")
    s = result.self_score
    if s is not None and s < line.weight - 1e-9:
        reason = row.reason
        if reason is None or reason.empty or not reason.text.strip():
            where = reason.where if reason is not None else row.indicator.where
            _issue(ev, "deduction_without_reason", "warning", where,
                   f"“{line.indicator}”得分 {format_number(s)} 低于分值 {format_number(line.weight)}，"
                   f"但未填写扣分原因", None, "reason")


def _check_group_weights(ev: Evaluation) -> None:
    """A 分值 cell merged over several rows (经济/社会/生态效益 = 15) is checked
    against the sum of those lines' weights."""
    for result in ev.lines:
        row = result.row
        if row is None or row.weight_rows <= 1 or row.weight is None or row.weight.number is None:
            continue
        span = range(row.row, row.row + row.weight_rows)
        expected = sum(r.line.weight for r in ev.lines if r.row is not None and r.row.row in span)
        if not math.isclose(expected, row.weight.number, abs_tol=1e-9):
            names = "、".join(r.line.indicator for r in ev.lines if r.row is not None and r.row.row in span)
            _issue(ev, "weight_mismatch", "warning", row.weight.where,
                   f"{names}合并分值写为 {format_number(row.weight.number)}，"
                   f"评分规则合计 {format_number(expected)}", row.weight.raw, "weight")


# ---------------------------------------------------------------- tables


def _check_tables(ev: Evaluation) -> None:
    data = ev.data
    basic = data.basic
    if basic is not None:
        quota, actual, stated = basic.staff_quota, basic.staff_actual, basic.staff_rate
        if stated is not None and stated.number is not None and quota and actual \
                and quota.number and actual.number is not None:
            computed = actual.number / quota.number
            if not _agrees(stated, computed):
                _issue(ev, "rate_mismatch", "warning", stated.where,
                       f"控制率写为 {stated.text.strip()}，实际在职人数 {format_number(actual.number)} ÷ "
                       f"编制数 {format_number(quota.number)} = {format_percent(computed)}", stated.raw)
        groups = [("three_public", ("car", "abroad", "reception")),
                  ("car", ("car_purchase", "car_running")),
                  ("projects", ("business", "operation", "specials")),
                  ("public_funds", ("office", "utilities_travel", "meetings_training"))]
        for total_key, part_keys in groups:
            total = basic.funds.get(total_key)
            parts = [basic.funds[k] for k in part_keys if k in basic.funds]
            if total is None or len(parts) < 2:
                continue
            _check_sum(ev, total.label, [(p.label, p) for p in parts], total)
        specials = basic.funds.get("specials") or (basic.funds.get("projects") if "specials" not in basic.funds else None)
        if specials is not None and basic.projects:
            _check_sum(ev, specials.label, [(p.label, p) for p in basic.projects], specials, "各专项合计")
    block = data.budget
    if block is not None and block.total is not None:
        _check_budget_total(ev, block.total)
        basic_use = block.by_use.get("basic")
        basic_spending = basic.funds.get("basic_spending") if basic else None
        if basic_use and basic_use.spent is not None and basic_use.spent.number is not None \
                and basic_spending and basic_spending.final is not None \
                and basic_spending.final.number is not None \
                and not math.isclose(basic_use.spent.number, basic_spending.final.number, abs_tol=0.005):
            _issue(ev, "cross_table_mismatch", "warning", basic_use.spent.where,
                   f"自评表基本支出 {format_number(basic_use.spent.number)} 与基础数据表"
                   f"“{basic_spending.label.strip()}” {format_number(basic_spending.final.number)}"
                   f"（{basic_spending.final.where.cell}）不一致", basic_use.spent.raw)
        for field_name, word in (("budget_initial", "年初预算数"), ("budget_full_year", "全年预算数"),
                                 ("spent", "全年执行数")):
            total_value = getattr(block.total, field_name)
            if total_value is None or total_value.number is None:
                continue
            for group, title in ((block.by_use, "按支出性质分"), (block.by_source, "按收入性质分")):
                parts = [getattr(l, field_name) for l in group.values()]
                numbers = [p.number for p in parts if p is not None and p.number is not None]
                if len(numbers) < 2 and not (numbers and len(group) == 1):
                    continue
                if not math.isclose(sum(numbers), total_value.number, abs_tol=0.005):
                    _issue(ev, "sum_mismatch", "warning", total_value.where,
                           f"年度资金总额{word} {format_number(total_value.number)}，{title}合计 "
                           f"{format_number(sum(numbers))}", total_value.raw)


def _check_sum(ev: Evaluation, label: str, parts: list, total: Any, word: str = "") -> None:
    for column, title in (("last_final", "上年决算"), ("budget", "本年预算"), ("final", "本年决算")):
        total_value = getattr(total, column)
        if total_value is None or total_value.number is None:
            continue
        numbers = [getattr(p, column).number for _, p in parts
                   if getattr(p, column) is not None and getattr(p, column).number is not None]
        if not numbers:
            continue
        if not math.isclose(sum(numbers), total_value.number, abs_tol=0.005):
            names = word or "、".join(label_.strip() for label_, _ in parts)
            _issue(ev, "sum_mismatch", "warning", total_value.where,
                   f"“{label.strip()}”{title} {format_number(total_value.number)}，"
                   f"{names}{'' if word else '合计'} {format_number(sum(numbers))}", total_value.raw)


def _check_budget_total(ev: Evaluation, total: Any) -> None:
    full, spent = total.budget_full_year, total.spent
    if full is None or spent is None or full.number in (None, 0) or spent.number is None:
        return
    rate = spent.number / full.number
    stated = total.execution_rate
    if stated is not None and stated.number is not None and not _agrees(stated, rate):
        _issue(ev, "rate_mismatch", "error", stated.where,
               f"执行率写为 {stated.text.strip()}，全年执行数 ÷ 全年预算数 = {format_percent(rate)}",
               stated.raw)
    weight = total.weight.number if total.weight is not None and total.weight.number is not None else None
    score = total.score
    if weight is not None and score is not None and score.number is not None:
        expected = weight * min(rate, 1.0)
        if not _agrees(score, expected):
            _issue(ev, "budget_score_mismatch", "error", score.where,
                   f"预算执行得分写为 {score.text.strip()}，按规则 {format_number(weight)} × "
                   f"{format_percent(min(rate, 1.0))} = {format_number(expected)}", score.raw)


# ---------------------------------------------------------------- total


def _total(ev: Evaluation) -> None:
    total, complete = 0.0, True
    for result in ev.lines:
        if result.score is not None:
            result.counted = result.score
        else:
            complete = False
            if result.self_score is not None:
                result.counted = min(max(result.self_score, 0.0), result.line.weight)
        total += result.counted or 0.0
    ev.total = round(total, ev.profile.score_decimals)
    ev.complete = complete
    sheet = ev.data.scores
    if sheet is not None:
        scores = [r.self_score.number for r in sheet.rows
                  if r.self_score is not None and r.self_score.number is not None]
        ev.self_total = round(sum(scores), ev.profile.score_decimals) if scores else None
        stated = sheet.total_score
        if stated is not None and stated.number is not None and ev.self_total is not None \
                and not math.isclose(stated.number, ev.self_total, abs_tol=0.005):
            _issue(ev, "total_mismatch", "error", stated.where,
                   f"总分写为 {format_number(stated.number)}，各项自评得分合计 {format_number(ev.self_total)}",
                   stated.raw)
        if stated is not None and stated.number is not None \
                and not math.isclose(stated.number, ev.total, abs_tol=0.005):
            _issue(ev, "total_by_rule", "info", stated.where,
                   f"按评分规则总分为 {format_number(ev.total)}（等次：{ev.grade or '未定'}），评分表写为 "
                   f"{format_number(stated.number)}", stated.raw)


# ---------------------------------------------------------------- helpers


def _agrees(stated: Value, computed: Optional[float]) -> bool:
    """A stated figure agrees with the computed one at its stated precision, the
    engine's rule (`scoring.agrees`): 98% agrees with 97.67%, 9 with 8.96,
    9.9 not with 9.99."""
    if computed is None or stated.number is None:
        return True
    decimals = stated.parsed.decimals if stated.parsed.decimals is not None else 2
    return agrees(stated.number, decimals, computed, computed)


def _issue(ev: Evaluation, code: str, severity: str, where: Where, message: str,
           value: Any = None, field_name: str = "") -> None:
    ev.issues.append(Issue(code, severity, message, where.file or ev.file, where.sheet, where.cell,
                           field_name, value))


# ---------------------------------------------------------------- report


def render_report(ev: Evaluation) -> str:
    """The Chinese terminal report."""
    profile = ev.profile
    out = [f"部门整体支出评价：{ev.file}",
           f"评分规则：{profile.name}（{profile.title}）", ""]
    header = f"{_pad('一级', 6)}{_pad('三级指标', 34)}{'指标值':>10}{'分值':>6}{'规则得分':>8}{'自评得分':>8}  说明"
    out.append(header)
    for r in ev.lines:
        value = "—" if r.value is None else (format_percent(r.value) if r.line.value_kind == "rate"
                                            else format_number(r.value))
        rule = "—" if r.line.is_judgement else (format_number(r.rule_score) if r.rule_score is not None else "缺数据")
        own = "—" if r.self_score is None else format_number(r.self_score)
        out.append(f"{_pad(r.line.level1, 6)}{_pad(r.line.indicator, 34)}{value:>10}"
                   f"{format_number(r.line.weight):>6}{rule:>8}{own:>8}  {r.basis}")
    out.append("")
    if ev.unscored:
        out.append(f"已计分合计：{format_number(ev.total)}　尚有 {len(ev.unscored)} 项既无法按规则计分"
                   f"也无自评得分，暂不评定等次")
    else:
        counted = "" if ev.complete else "（部分指标缺少数据，未能按规则计分的已按自评得分计入）"
        out.append(f"总分：{format_number(ev.total)}　等次：{ev.grade}{counted}")
    if ev.self_total is not None:
        out.append(f"评分表自评得分合计：{format_number(ev.self_total)}")
    if ev.issues:
        out.append("")
        out.append(f"发现问题 {len(ev.problems)} 个，提示 {len(ev.issues) - len(ev.problems)} 条：")
        for issue in ev.issues:
            place = " / ".join(p for p in (issue.sheet, issue.cell) if p) or "（整体）"
            out.append(f"  [{SEVERITY_TEXT[issue.severity]}] {place}：{issue.message}")
    else:
        out.append("未发现问题。")
    return "\n".join(out)


def _pad(text: str, width: int) -> str:
    """Pad to a display width (a Chinese character counts two)."""
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(1, width - shown)
