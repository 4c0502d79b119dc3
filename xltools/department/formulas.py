"""The department sheets' native formulas — one place for their text and the
value each shows.

The profile's formulas and rules as native Excel formulas (classic functions
only: IF, AND, OR, NOT, ISNUMBER, ABS, MIN, MAX, ROUND, ROUNDUP, ROUNDDOWN, SUM,
COUNT, SUMPRODUCT), so the 部门整体支出评分表 of the master shows each line's
value and rule score while the clerk types — in Excel, WPS or LibreOffice, with
no Python.  Generated from the same `expr` text `rules.score_line` interprets;
the tests compute both and compare.

    value_formula(line, refs)          → "=IF(AND(ISNUMBER(…),…),C4/B4,\"\")"
    rule_formula(line, value_cell, refs)
"""
from __future__ import annotations

import ast
from typing import Mapping, Optional

from ..profiles import expr
from ..project import formulas as _pf
from ..project.formulas import num
from ..profiles.department import Line

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=", ast.NotEq: "<>"}
_FUNCS = {"abs": "ABS", "min": "MIN", "max": "MAX", "round": "ROUND"}


class _Absent(Exception):
    """An input the workbook has no cell for."""


def _translate(node: ast.AST, refs: Mapping[str, Optional[str]], value: Optional[str],
               needed: set[str]) -> str:
    if isinstance(node, ast.Constant):
        return num(node.value)
    if isinstance(node, ast.Name):
        if node.id == "value" and value:
            return f"ROUND({value},9)"
        ref = refs.get(node.id)
        if not ref:
            raise _Absent(node.id)
        needed.add(ref)
        return ref
    if isinstance(node, ast.UnaryOp):
        inner = _translate(node.operand, refs, value, needed)
        if isinstance(node.op, ast.Not):
            return f"NOT({inner})"
        return f"(-{inner})" if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left = _translate(node.left, refs, value, needed)
        right = _translate(node.right, refs, value, needed)
        return f"({left}{_OPS[type(node.op)]}{right})"
    if isinstance(node, ast.Compare):
        parts = []
        operands = [node.left, *node.comparators]
        for i, op in enumerate(node.ops):
            a = _translate(operands[i], refs, value, needed)
            b = _translate(operands[i + 1], refs, value, needed)
            parts.append(f"({a}{_CMP[type(op)]}{b})")  # parenthesised: (x>0)*100 must stay that
        return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
    if isinstance(node, ast.BoolOp):
        word = "AND" if isinstance(node.op, ast.And) else "OR"
        return f"{word}({','.join(_translate(v, refs, value, needed) for v in node.values)})"
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        if name == "coalesce":
            return _coalesce(node.args, refs, value)
        if name == "ratio":
            top, den, zero = (_translate(a, refs, value, needed) for a in node.args)
            return f"IF({den}=0,{zero},{top}/{den})"
        args = ",".join(_translate(a, refs, value, needed) for a in node.args)
        return f"{_FUNCS[name]}({args})"
    raise ValueError(f"cannot translate {ast.dump(node)}")  # pragma: no cover - vetted by expr


def _coalesce(args: list[ast.AST], refs: Mapping[str, Optional[str]], value: Optional[str]) -> str:
    """First alternative whose inputs are all numbers; "" when none is."""
    out = '""'
    for arg in reversed(args):
        needed: set[str] = set()
        try:
            text = _translate(arg, refs, value, needed)
        except _Absent:
            continue
        out = f"IF({_guard(needed)},{text},{out})" if needed else text
    if out == '""':
        raise _Absent("coalesce")
    return out


def _guard(needed: set[str]) -> str:
    checks = [f"ISNUMBER({r})" for r in sorted(needed)]
    return checks[0] if len(checks) == 1 else f"AND({','.join(checks)})"


#: The value formula of a line whose input the workbook has no cell for.
NO_CELL = '=""'


def value_formula(line: Line, refs: Mapping[str, Optional[str]]) -> str:
    """The line's value (its `formula`), blank while an input is not a number;
    `NO_CELL` when the workbook has no cell for an input (reported as missing)."""
    if not line.formula:
        return ""
    needed: set[str] = set()
    try:
        text = _translate(expr.compile_expr(line.formula).body, refs, None, needed)
    except _Absent:
        return NO_CELL
    return f'=IF({_guard(needed)},{text},"")' if needed else f"={text}"


def rule_formula(line: Line, value_cell: str, refs: Mapping[str, Optional[str]],
                 decimals: int = 2) -> str:
    """The rule score of the value in `value_cell` (blank while it is not a number)."""
    rule = line.rule
    v = value_cell
    if rule.kind == "step":
        beyond = f"({v}-{num(rule.bound)})" if rule.direction == "above" else f"({num(rule.bound)}-{v})"
        units = f"ROUND({beyond}/{num(rule.unit)},9)"
        if rule.points == "ceil":
            units = f"ROUNDUP({units},0)"
        elif rule.points == "floor":
            units = f"ROUNDDOWN({units},0)"
        score = f"MAX(0,{num(line.weight)}-{num(rule.per)}*MAX(0,{units}))"
        return f'=IF(ISNUMBER({v}),ROUND({score},{decimals}),"")'
    if rule.kind == "bands":
        chain = num(rule.otherwise)
        for band in reversed(rule.bands):
            if band.when == "else":
                chain = num(band.score)
                continue
            needed: set[str] = set()
            try:
                cond = _translate(expr.compile_expr(band.when).body, refs, v, needed)
            except _Absent:
                chain = '""'  # the condition needs an input the workbook lacks
                continue
            step = f"IF({cond},{num(band.score)},{chain})"
            chain = f'IF({_guard(needed)},{step},"")' if needed else step
        return f'=IF(ISNUMBER({v}),{chain},"")'
    return ""


# ================================================================ the sheets' own formulas
# Text of every other formula of the three department sheets, with the value it
# shows (its Python twin) beside it.  Money sums and ratios reuse the project
# sheet's formulas (`project.formulas`), so both families compute them alike.

#: What a total shows while a part it adds up is not filled (年度资金总额 without
#: 基本支出), and every figure that depends on it.
PENDING = "待填"


def ratio(numerator_cell: str, denominator_cell: str) -> str:
    """numerator ÷ denominator, blank unless both are numbers and the
    denominator is positive (控制率, 执行率): `scoring.execution_rate`."""
    return _pf.execution_rate(denominator_cell, numerator_cell)


def ratio_value(numerator: object, denominator: object) -> object:
    return _pf.execution_rate_value(denominator, numerator)


def sum_if_any(cells: list[str]) -> str:
    return _pf.sum_if_any(*cells)


def sum_value(values: list[object]) -> object:
    numbers = [v for v in values if _pf.is_number(v)]
    return sum(numbers) if numbers else ""


def whole_sum(cells: list[str]) -> str:
    """年度资金总额 = the sum of its parts, only when every part is filled;
    “待填” otherwise (a total of some parts is not the department's budget)."""
    guard = ",".join(f"ISNUMBER({c})" for c in cells)
    return f'=IF(AND({guard}),{"+".join(cells)},"{PENDING}")'


def whole_sum_value(values: list[object]) -> object:
    return sum(values) if values and all(_pf.is_number(v) for v in values) else PENDING


def pending_rate(full_year_cell: str, spent_cell: str) -> str:
    """执行率 of a total that may be pending."""
    e, f = full_year_cell, spent_cell
    return f'=IF(OR({e}="{PENDING}",{f}="{PENDING}"),"{PENDING}",{ratio(f, e)[1:]})'


def pending_rate_value(full_year: object, spent: object) -> object:
    if PENDING in (full_year, spent):
        return PENDING
    return ratio_value(spent, full_year)


def budget_score(weight_cell: str, rate_cell: str) -> str:
    """预算执行得分 = 分值 × min(执行率, 100%); “待填” while the rate is."""
    g, h = weight_cell, rate_cell
    return (f'=IF({h}="{PENDING}","{PENDING}",'
            f'IF(AND(ISNUMBER({g}),ISNUMBER({h})),{g}*MIN(MAX({h},0),1),""))')


def budget_score_value(weight: object, rate: object) -> object:
    if rate == PENDING:
        return PENDING
    if not (_pf.is_number(weight) and _pf.is_number(rate)):
        return ""
    return weight * min(max(rate, 0.0), 1.0)


def pending_total(budget_score_cell: str, cells: list[str]) -> str:
    """总分 of the 自评表: budget 得分 plus the indicators' — “待填” while the
    budget 得分 is."""
    inner = _pf.sum_if_any(budget_score_cell, *cells)[1:]
    return f'=IF({budget_score_cell}="{PENDING}","{PENDING}",{inner})'


def pending_total_value(budget_score: object, values: list[object]) -> object:
    if budget_score == PENDING:
        return PENDING
    return sum_value([budget_score, *values])


def number_or_blank(ref: str) -> str:
    """Another sheet's figure, blank unless it is a number."""
    return f'=IF(ISNUMBER({ref}),{ref},"")'


def number_or_blank_value(value: object) -> object:
    return value if _pf.is_number(value) else ""


def grade(total_cell: str, profile) -> str:
    """等次 of a total by the department profile's bands."""
    return _pf.grade_bands(total_cell, [(g, m) for m, g in profile.grades])


def grade_value(total: object, profile) -> object:
    return profile.grade(total) if _pf.is_number(total) else ""


def weight_total(rng: str) -> str:
    return f"=SUM({rng})"


def rule_total(rule_range: str, self_range: str) -> str:
    """按规则总分: each line's 规则得分, the clerk's 自评得分 where the rule gives
    none (judgement lines, missing data)."""
    return f'=SUM({rule_range})+SUMIF({rule_range},"",{self_range})'


def rule_total_value(rules: list[object], selves: list[object]) -> float:
    total = sum(r for r in rules if _pf.is_number(r))
    return total + sum(s for r, s in zip(rules, selves) if (r is None or r == "") and _pf.is_number(s))


def self_score_valid(self_cell: str, weight_cell: str) -> str:
    f, e = self_cell, weight_cell
    return f"AND(ISNUMBER({f}),{f}>=0,{f}<={e})"


def reason_missing(self_cell: str, weight_cell: str, reason_cell: str) -> str:
    """A self score below the line's 分值 with no 扣分原因 (the project sheet's rule)."""
    return _pf.deduction_without_reason(weight_cell, self_cell, reason_cell)


def self_differs_from_rule(self_cell: str, rule_cell: str) -> str:
    f, i = self_cell, rule_cell
    return f"AND(ISNUMBER({f}),ISNUMBER({i}),ABS({f}-{i})>0.005)"


def parts_differ(total_cell: str, parts_range: str) -> str:
    """The split of a total (by income source) filled but not adding up to it."""
    t = total_cell
    return f"AND(ISNUMBER({t}),COUNT({parts_range})>0,ABS(SUM({parts_range})-{t})>0.005)"


def year_text(year_cell: str, offset: int, suffix: str, fallback: str) -> str:
    """“2021年决算数” from the year in 基础信息 (offset −1: the year before)."""
    shift = f"{year_cell}{offset:+d}" if offset else year_cell
    return f'=IF(ISNUMBER({year_cell}),({shift})&"{suffix}","{fallback}")'


def year_text_value(year: object, offset: int, suffix: str, fallback: str) -> str:
    if not _pf.is_number(year):
        return fallback
    return _pf.text_of(year + offset) + suffix


def text_or_blank(ref: str) -> str:
    return f'=IF({ref}="","",{ref})'


def text_or_blank_value(value: object) -> object:
    return "" if value is None or value == "" else value


def building_heading(year_cell: str) -> str:
    """“楼堂馆所控制情况（2022年完工项目）” on two lines, the year from 基础信息."""
    inner = year_text(year_cell, 0, "年完工项目", "本年完工项目")[1:]
    return f'="楼堂馆所控制情况"&CHAR(10)&"（"&{inner}&"）"'


def building_heading_value(year: object) -> str:
    return f"楼堂馆所控制情况\n（{year_text_value(year, 0, '年完工项目', '本年完工项目')}）"
