"""The small expression language a department profile writes its formulas and
conditions in.

    (three_public_final - three_public_last_final) / three_public_last_final
    abs(budget_full_year - budget_initial) / budget_initial
    value <= carryover_last_year
    coalesce(balance, budget_full_year - spent)

Names are input keys (or `value`, the line's computed value); numbers; the
operators + - * / ( ) and comparisons < <= > >= == != with `and` `or` `not`;
and the functions abs, min, max, round, coalesce, and ratio(num, den, when_zero)
— num / den, or `when_zero` when den is 0 (a rule's own answer for a zero base,
e.g. no 三公经费 last year).  Nothing else parses: a profile is data, never code.

`evaluate(expr, env)` returns the number (or bool); a name whose value is None
raises `Missing` carrying every missing name, a division by zero raises
`EvalError("#DIV/0!")`.
"""
from __future__ import annotations

import ast
import math
import operator
from functools import lru_cache
from typing import Any, Callable, Mapping, Optional

#: Tolerance for comparisons: 0.1 computed as 0.30000000000000004 − 0.2 is still 0.1.
EPS = 1e-9


class EvalError(Exception):
    """An expression cannot be computed; `code` is the Excel error value
    (`#DIV/0!`, `#VALUE!`)."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


class ExprSyntaxError(ValueError):
    """A profile expression uses something the language does not have."""


class Missing(Exception):
    """Inputs the expression needs are not in the data."""

    def __init__(self, names: set[str]):
        super().__init__(", ".join(sorted(names)))
        self.names = set(names)


_BINOPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _lt(a: float, b: float) -> bool:
    return a < b - EPS


def _le(a: float, b: float) -> bool:
    return a <= b + EPS


def _eq(a: float, b: float) -> bool:
    return abs(a - b) <= EPS


_CMPOPS: dict[type, Callable[[float, float], bool]] = {
    ast.Lt: _lt,
    ast.LtE: _le,
    ast.Gt: lambda a, b: _lt(b, a),
    ast.GtE: lambda a, b: _le(b, a),
    ast.Eq: _eq,
    ast.NotEq: lambda a, b: not _eq(a, b),
}
_FUNCTIONS = {"abs", "min", "max", "round", "coalesce", "ratio"}


@lru_cache(maxsize=512)
def compile_expr(expr: str) -> ast.Expression:
    """Parse and vet an expression; raise ExprSyntaxError naming what is not allowed."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprSyntaxError(f"表达式无法解析：{expr!r}（{exc.msg}）") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp,
                             ast.Compare, ast.BoolOp, ast.And, ast.Or, ast.Not, ast.USub,
                             ast.UAdd)):
            continue
        if isinstance(node, tuple(_BINOPS)) or isinstance(node, tuple(_CMPOPS)):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _FUNCTIONS and not node.keywords:
            if node.func.id == "ratio" and len(node.args) != 3:
                raise ExprSyntaxError(f"ratio 需要三个参数（分子, 分母, 分母为 0 时的值）：{expr!r}")
            continue
        raise ExprSyntaxError(f"表达式中不允许使用 {type(node).__name__}：{expr!r}")
    return tree


def names(expr: str) -> set[str]:
    """Every input name an expression refers to."""
    return set(names_in_order(expr))


def names_in_order(expr: str) -> list[str]:
    """The input names of an expression, each once, in the order they are written
    (`ratio(staff_actual, staff_quota, …)` → staff_actual, staff_quota): the
    argument order of the function a line becomes in Excel."""
    tree = compile_expr(expr)
    found = [node for node in ast.walk(tree)
             if isinstance(node, ast.Name) and node.id not in _FUNCTIONS]
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return list(dict.fromkeys(node.id for node in found))


def evaluate(expr: str, env: Mapping[str, Optional[float]]) -> Any:
    """Compute `expr` with the numbers in `env` (None = not in the data)."""
    return _eval(compile_expr(expr).body, env)


def _eval(node: ast.AST, env: Mapping[str, Optional[float]]) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        if value is None:
            raise Missing({node.id})
        return value
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, env)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        left, right = _both(node.left, node.right, env)
        if isinstance(node.op, ast.Div) and right == 0:
            raise EvalError("#DIV/0!", "除数为零")
        result = _BINOPS[type(node.op)](left, right)
        if isinstance(result, float) and (math.isnan(result) or math.isinf(result)):
            raise EvalError("#NUM!", "结果不是有限数")
        return result
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        values = _all(operands, env)
        return all(_CMPOPS[type(op)](values[i], values[i + 1]) for i, op in enumerate(node.ops))
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_all(node.values, env))
        return any(_all(node.values, env))
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        if name == "coalesce":
            missing: set[str] = set()
            for arg in node.args:
                try:
                    return _eval(arg, env)
                except Missing as exc:
                    missing |= exc.names
            raise Missing(missing)
        if name == "ratio":  # num / den, or the third argument when den is 0
            num, den = _all(node.args[:2], env)
            if abs(den) < EPS:
                return _eval(node.args[2], env)
            return num / den
        args = _all(node.args, env)
        if name == "abs":
            return abs(args[0])
        if name == "min":
            return min(args)
        if name == "max":
            return max(args)
        if name == "round":
            return round(args[0], int(args[1]) if len(args) > 1 else 0)
    raise EvalError("#VALUE!", f"无法计算 {ast.dump(node)}")  # pragma: no cover - vetted


def _both(a: ast.AST, b: ast.AST, env: Mapping[str, Optional[float]]) -> list[Any]:
    return _all([a, b], env)


def _all(nodes: list[ast.AST], env: Mapping[str, Optional[float]]) -> list[Any]:
    """Evaluate every node; report every missing name at once, not only the first."""
    values, missing = [], set()
    for node in nodes:
        try:
            values.append(_eval(node, env))
        except Missing as exc:
            missing |= exc.names
    if missing:
        raise Missing(missing)
    return values
