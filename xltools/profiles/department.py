"""The department profile's schema: the 部门整体支出绩效评价评分表 as data
(`hunan-dept` …), as `profiles.load_profile(kind="department")` reads it for
`xltools evaluate`, the master's department sheets and their UDFs.

A department profile is a TOML file in `xltools/profiles/` (e.g. `hunan-dept.toml`):

    [profile]   name, title, source, total_weight, score_decimals
    [levels]    一级指标 → weight (投入 = 15 …)
    [[grades]]  min, grade (优 ≥ 90 …)
    [inputs.KEY]  label, aliases, kind (count | money | rate), where, by_label — every
                  figure a formula may use, with the words a clerk writes it under
                  (by_label = false: only its table's reader supplies it)
    [[lines]]   key, level1, level2, indicator, aliases, weight, standard,
                formula (an `expr` expression over input keys), value_kind,
                rule = { kind = "step" | "bands" | "judgement", … }

Rule kinds:
    step       full weight while the value is on the right side of `bound`;
               `per` points off for each `unit` beyond it (`direction` "above"
               or "below"), never below 0 (扣完为止).  `points` = "exact"
               (default), "ceil" or "floor" says how partial units count.
    bands      `bands = [{when = "value >= 0.9", score = 5}, …]`, first true wins,
               else `otherwise`.  Conditions are expressions over `value` and inputs.
    judgement  scored by the clerk (制度健全性 …); checked against the weight.

No indicator has Python of its own: everything an indicator does is in its line;
`department.rules.score_line` scores any of them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from ..core.errors import ProfileError
from ..core.values import format_number
from . import expr

RULE_KINDS = ("step", "bands", "judgement")
INPUT_KINDS = ("count", "money", "rate", "number")


@dataclass(frozen=True)
class InputDef:
    """A figure formulas use: its key, the Chinese label a clerk writes, aliases."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    kind: str = "number"
    where: str = ""
    by_label: bool = True

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Band:
    when: str
    score: float


@dataclass(frozen=True)
class Rule:
    kind: str
    bound: float = 0.0
    direction: str = "above"
    per: float = 0.0
    unit: float = 0.01
    points: str = "exact"
    bands: tuple[Band, ...] = ()
    otherwise: float = 0.0


@dataclass(frozen=True)
class Line:
    """One 三级指标 of the 评分表."""

    key: str
    level1: str
    level2: str
    indicator: str
    weight: float
    rule: Rule
    formula: str = ""
    value_kind: str = "rate"
    standard: str = ""
    aliases: tuple[str, ...] = ()
    #: The Excel function the line becomes (`XT_DEPT_STAFF_SCORE`), and its
    #: arguments (input keys) when not simply the formula's inputs in order.
    udf: str = ""
    udf_args: tuple[str, ...] = ()

    @property
    def is_judgement(self) -> bool:
        return self.rule.kind == "judgement"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.indicator, *self.aliases)


@dataclass(frozen=True)
class DepartmentProfile:
    name: str
    title: str
    lines: tuple[Line, ...]
    inputs: Mapping[str, InputDef]
    levels: Mapping[str, float]
    grades: tuple[tuple[float, str], ...]
    total_weight: float = 100.0
    score_decimals: int = 2
    source: str = ""
    path: str = ""

    def line(self, key: str) -> Line:
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(key)

    def input_label(self, key: str) -> str:
        return self.inputs[key].label if key in self.inputs else key

    def grade(self, total: Optional[float]) -> str:
        if total is None:
            return ""
        for minimum, grade in self.grades:
            if total >= minimum - 1e-9:
                return grade
        return self.grades[-1][1] if self.grades else ""


def parse_profile(data: Mapping[str, Any], path: str = "") -> DepartmentProfile:
    head = data.get("profile", {})
    if head.get("kind", "department") != "department" or not data.get("lines"):
        raise ProfileError(f"{path}：不是部门整体支出评分规则（没有 [[lines]] 三级指标，"
                           f"或 kind 不是 department）；项目自评规则请用 xltools check")
    inputs = {}
    for key, spec in data.get("inputs", {}).items():
        kind = spec.get("kind", "number")
        if kind not in INPUT_KINDS:
            raise ProfileError(f"{path}：输入项 {key} 的类型 {kind!r} 无效")
        inputs[key] = InputDef(key, spec.get("label", key), tuple(spec.get("aliases", ())),
                               kind, spec.get("where", ""), bool(spec.get("by_label", True)))
    lines = []
    seen = set()
    for spec in data.get("lines", []):
        try:
            line = _parse_line(spec)
        except (KeyError, TypeError, ValueError) as exc:
            raise ProfileError(f"{path}：指标 {spec.get('indicator', spec)!r} 定义有误（{exc}）") from None
        if line.key in seen:
            raise ProfileError(f"{path}：指标键 {line.key} 重复")
        seen.add(line.key)
        unknown_args = set(line.udf_args) - set(inputs)
        if unknown_args:
            raise ProfileError(f"{path}：{line.indicator} 的 udf_args 用到未定义的输入项 "
                               f"{'、'.join(sorted(unknown_args))}")
        for text in _expressions(line):
            try:
                used = expr.names(text)
            except expr.ExprSyntaxError as exc:
                raise ProfileError(f"{path}：{line.indicator}：{exc}") from None
            unknown = used - set(inputs) - {"value"}
            if unknown:
                raise ProfileError(f"{path}：{line.indicator} 的公式用到未定义的输入项 "
                                   f"{'、'.join(sorted(unknown))}")
        lines.append(line)
    levels = {str(k): float(v) for k, v in data.get("levels", {}).items()}
    total = float(head.get("total_weight", 100))
    weight_sum = sum(line.weight for line in lines)
    if not math.isclose(weight_sum, total, abs_tol=1e-6):
        raise ProfileError(f"{path}：各三级指标分值合计 {format_number(weight_sum)}，"
                           f"应为 {format_number(total)}")
    for level, weight in levels.items():
        got = sum(line.weight for line in lines if line.level1 == level)
        if not math.isclose(got, weight, abs_tol=1e-6):
            raise ProfileError(f"{path}：一级指标“{level}”分值 {format_number(weight)}，"
                               f"其下三级指标合计 {format_number(got)}")
    grades = sorted(((float(g["min"]), str(g["grade"])) for g in data.get("grades", [])),
                    reverse=True)
    return DepartmentProfile(
        name=head.get("name", Path(path).stem), title=head.get("title", ""),
        lines=tuple(lines), inputs=inputs, levels=levels, grades=tuple(grades),
        total_weight=total, score_decimals=int(head.get("score_decimals", 2)),
        source=head.get("source", ""), path=path,
    )


def _parse_line(spec: Mapping[str, Any]) -> Line:
    rule_spec = dict(spec.get("rule", {"kind": "judgement"}))
    kind = rule_spec.get("kind", "")
    if kind not in RULE_KINDS:
        raise ValueError(f"未知的计分方式 {kind!r}")
    bands = tuple(Band(str(b["when"]), float(b["score"])) for b in rule_spec.get("bands", ()))
    rule = Rule(
        kind=kind, bound=float(rule_spec.get("bound", 0.0)),
        direction=rule_spec.get("direction", "above"), per=float(rule_spec.get("per", 0.0)),
        unit=float(rule_spec.get("unit", 0.01)), points=rule_spec.get("points", "exact"),
        bands=bands, otherwise=float(rule_spec.get("otherwise", 0.0)),
    )
    if rule.direction not in ("above", "below"):
        raise ValueError(f"direction 应为 above 或 below，而不是 {rule.direction!r}")
    if rule.points not in ("exact", "ceil", "floor"):
        raise ValueError(f"points 应为 exact、ceil 或 floor，而不是 {rule.points!r}")
    if kind == "step" and rule.unit <= 0:
        raise ValueError("unit 必须大于 0")
    if kind == "bands" and not bands:
        raise ValueError("分档计分需要 bands")
    udf = str(spec.get("udf", ""))
    if udf and not re.fullmatch(r"XT_[A-Z0-9_]{1,60}", udf):
        raise ValueError(f"udf 名称 {udf!r} 应为 XT_ 开头的大写英文字母、数字和下划线")
    formula = spec.get("formula", "")
    if kind != "judgement" and not formula:
        raise ValueError("按规则计分的指标需要 formula")
    return Line(
        key=spec["key"], level1=spec["level1"], level2=spec.get("level2", ""),
        indicator=spec["indicator"], weight=float(spec["weight"]), rule=rule,
        formula=formula, value_kind=spec.get("value_kind", "rate"),
        standard=spec.get("standard", ""), aliases=tuple(spec.get("aliases", ())),
        udf=udf, udf_args=tuple(spec.get("udf_args", ())),
    )


def _expressions(line: Line) -> list[str]:
    texts = [line.formula] if line.formula else []
    texts += [band.when for band in line.rule.bands if band.when != "else"]
    return texts
