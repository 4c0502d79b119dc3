"""xltools from Python (Jupyter): the tables a user analyses, as pandas
DataFrames.  pandas is optional — `pip install xltools-jixiao[analysis]` —
because a clerk's Excel buttons and commands never need it (it and numpy are
about 130 MB); this module says so in Chinese when it is missing.

    from xltools import api
    t = api.load("报送/")            # one read of every workbook under the folder
    t.projects                       # one row per project
    t.indicators                     # one row per 三级指标
    t.problems                       # one row per problem (code, severity, file, sheet, cell …)
    t.units                          # 局机关及二级机构汇总, then one row per unit
    api.projects("局机关.xlsx")      # one table alone

Everything comes from the engine the commands use — the same reading,
scoring and checks as `xltools check`, the same unit attribution and totals
as `xltools consolidate` (`consolidate.run.consolidate`).  Money in 万元,
rates as fractions, as in `--json`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

from .core.errors import XltoolsError
from .distribution import DIST_NAME

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

Paths = Union[str, os.PathLike, Iterable[Union[str, os.PathLike]]]

#: Columns of each table, in order (the record fields of `xltools check --json`).
PROJECT_COLUMNS = ["unit", "name", "department", "form_unit", "budget_initial", "budget_full_year",
                   "spent", "execution_rate", "budget_score", "rule_budget_score", "weight_total",
                   "score_total", "rule_score_total", "grade", "problems", "file", "sheet"]
INDICATOR_COLUMNS = ["unit", "project", "level1", "level2", "indicator", "target", "actual", "weight",
                     "score", "rule_score", "rule_basis", "file", "sheet", "cell"]
PROBLEM_COLUMNS = ["unit", "project", "code", "severity", "message", "value", "file", "sheet", "cell"]
UNIT_COLUMNS = ["unit", "projects", "budget_initial", "budget_full_year", "spent", "execution_rate",
                "balance", "score_avg", "score_min", "problems"]


class MissingPandasError(XltoolsError):
    """pandas is not installed (it is the optional `analysis` extra)."""


@dataclass
class Tables:
    projects: "pd.DataFrame"
    indicators: "pd.DataFrame"
    problems: "pd.DataFrame"
    units: "pd.DataFrame"


def _pandas():
    try:
        import pandas
    except ImportError:
        raise MissingPandasError(
            f"xltools.api 需要 pandas，它是可选功能，没有随 xltools 安装：请运行 "
            f"py -m pip install \"{DIST_NAME}[analysis]\"（离线安装包：xltools bundle --extras analysis）") from None
    return pandas


def load(paths: Paths, profile: Optional[str] = None) -> Tables:
    """Read every workbook under `paths` (files or folders) once; the four tables."""
    pd = _pandas()
    from .consolidate.run import consolidate
    from .profiles import load_profile

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    result = consolidate([str(p) for p in paths], load_profile(profile))
    try:
        projects, indicators = [], []
        for full in result.records():
            projects.append({**{k: full.get(k) for k in PROJECT_COLUMNS}, "problems": len(full["issues"])})
            for ind in full.get("indicators", []):
                indicators.append({"unit": full.get("unit"), "project": full.get("name"),
                                   "file": full.get("file"), "sheet": full.get("sheet"),
                                   **{k: ind.get(k) for k in INDICATOR_COLUMNS if k in ind}})
        problems = [{k: p.get(k) for k in PROBLEM_COLUMNS} for p in result.problems()]
        summary = result.summary
        units = [_totals(summary.department)] + [_totals(u) for u in summary.units]
    finally:
        result.close()
    return Tables(
        projects=pd.DataFrame(projects, columns=PROJECT_COLUMNS),
        indicators=pd.DataFrame(indicators, columns=INDICATOR_COLUMNS),
        problems=pd.DataFrame(problems, columns=PROBLEM_COLUMNS),
        units=pd.DataFrame(units, columns=UNIT_COLUMNS),
    )


def projects(paths: Paths, profile: Optional[str] = None) -> "pd.DataFrame":
    """One row per project form: unit, name, the budget line, scores, grade, problem count."""
    return load(paths, profile).projects


def indicators(paths: Paths, profile: Optional[str] = None) -> "pd.DataFrame":
    """One row per 三级指标, with the clerk's score and the rule's."""
    return load(paths, profile).indicators


def problems(paths: Paths, profile: Optional[str] = None) -> "pd.DataFrame":
    """One row per problem found, with file, sheet and cell."""
    return load(paths, profile).problems


def units(paths: Paths, profile: Optional[str] = None) -> "pd.DataFrame":
    """局机关及二级机构汇总 first, then one row per unit (the 整体支出汇总 sheet)."""
    return load(paths, profile).units


def _totals(t: Any) -> dict:
    return {"unit": t.name, "projects": t.projects, "budget_initial": t.budget_initial,
            "budget_full_year": t.budget_full_year, "spent": t.spent, "execution_rate": t.execution_rate,
            "balance": t.balance, "score_avg": t.score_avg, "score_min": t.score_min, "problems": t.problems}
