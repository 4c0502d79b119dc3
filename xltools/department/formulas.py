"""The profile's formulas and rules as native Excel formulas (classic functions
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
from .rules import Line

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=", ast.NotEq: "<>"}
_FUNCS = {"abs": "ABS", "min": "MIN", "max": "MAX", "round": "ROUND"}


def num(x: float) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


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


def value_formula(line: Line, refs: Mapping[str, Optional[str]]) -> str:
    """The line's value (its `formula`), blank while an input is not a number;
    `=""` when the workbook has no cell for an input (reported as missing)."""
    if not line.formula:
        return ""
    needed: set[str] = set()
    try:
        text = _translate(expr.compile_expr(line.formula).body, refs, None, needed)
    except _Absent:
        return '=""'
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
