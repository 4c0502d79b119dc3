"""Writing submission workbooks the way a unit's clerk lays them out (national
template, one project form per sheet, an optional 基础信息 sheet).  Used by the
consolidation benchmark to generate N submissions and by the tests to build
fixtures; values are written as given (numbers, or text such as `794500元`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from ..core.fileio import atomic_write


@dataclass
class IndicatorSpec:
    level1: str
    level2: str
    name: str
    target: Any
    actual: Any
    weight: Any
    score: Any
    note: Any = None


@dataclass
class ProjectSpec:
    """One 项目支出绩效自评表: money in what the clerk typed (万元 numbers or text)."""

    name: Any
    unit: Any
    department: Any = "株洲市行政审批服务局"
    budget_initial: Any = None
    budget_full_year: Any = None
    spent: Any = None
    budget_weight: Any = 10
    execution_rate: Any = None
    budget_score: Any = None
    indicators: list[IndicatorSpec] = field(default_factory=list)
    total_score: Any = None
    sheet: Optional[str] = None


def default_indicators(score_scale: float = 1.0, note: Any = None) -> list[IndicatorSpec]:
    """A plausible 产出 50 / 效益 30 / 满意度 10 indicator block (seed 001 style)."""
    s = score_scale
    return [
        IndicatorSpec("产出指标", "数量指标", "完成事项数", "≥60项", "62项", 20, 20),
        IndicatorSpec("产出指标", "质量指标", "验收合格率", "100%", "100%", 15, 15),
        IndicatorSpec("产出指标", "时效指标", "按时完成率", "≥95%", "96%", 15, round(15 * s, 2),
                      note if s < 1 else None),
        IndicatorSpec("效益指标", "社会效益指标", "群众办事便利度", "有效提升", "达成", 30, 30),
        IndicatorSpec("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95%", 10, 10),
    ]


class _Cells:
    """What a form is made of: values at (row, col), 1-based, and merged ranges."""

    def __init__(self) -> None:
        self.values: dict[tuple[int, int], Any] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def cell(self, row: int, col: int, value: Any) -> None:
        if value is not None:
            self.values[(row, col)] = value

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if (r2, c2) != (r1, c1) and r2 >= r1 and c2 >= c1:
            self.merges.append((r1, c1, r2, c2))

    def write(self, ws) -> None:
        """Onto an XlsxWriter worksheet: merged ranges first, values after (a
        clerk's text as typed — a string stays a string, control characters
        stored as Excel stores them)."""
        for r1, c1, r2, c2 in self.merges:
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "")
        for (r, c), value in self.values.items():
            if isinstance(value, str):
                ws.write_string(r - 1, c - 1, value)
            elif isinstance(value, bool):
                ws.write_boolean(r - 1, c - 1, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r - 1, c - 1, value)
            else:
                ws.write_string(r - 1, c - 1, str(value))


def form_cells(spec: ProjectSpec, year: int = 2022) -> _Cells:
    """One project form (national template, 9 columns A–I)."""
    ws = _Cells()
    ws.cell(1, 1, f"{year}年度项目支出绩效自评表")
    ws.merge(1, 1, 1, 9)
    ws.cell(2, 1, "项目名称")
    ws.cell(2, 2, spec.name)
    ws.merge(2, 2, 2, 9)
    ws.cell(3, 1, "主管部门")
    ws.cell(3, 2, spec.department)
    ws.merge(3, 2, 3, 4)
    ws.cell(3, 5, "实施单位")
    ws.cell(3, 6, spec.unit)
    ws.merge(3, 6, 3, 9)
    ws.cell(4, 1, "项目资金（万元）")
    ws.merge(4, 1, 8, 1)
    for col, label in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=4):
        ws.cell(4, col, label)
    lines = (("年度资金总额", True), ("其中：当年财政拨款", False), ("上年结转资金", None),
             ("其他资金", None))
    for row, (label, main) in enumerate(lines, start=5):
        ws.cell(row, 2, label)
        ws.merge(row, 2, row, 3)
        if main is None:
            continue
        ws.cell(row, 4, spec.budget_initial)
        ws.cell(row, 5, spec.budget_full_year)
        ws.cell(row, 6, spec.spent)
        if main:
            ws.cell(row, 7, spec.budget_weight)
            ws.cell(row, 8, spec.execution_rate)
            ws.cell(row, 9, spec.budget_score)
    ws.cell(9, 1, "年度总体目标")
    ws.merge(9, 1, 10, 1)
    ws.cell(9, 2, "预期目标")
    ws.merge(9, 2, 9, 5)
    ws.cell(9, 6, "实际完成情况")
    ws.merge(9, 6, 9, 9)
    ws.cell(10, 2, "按计划完成项目建设与运行。")
    ws.merge(10, 2, 10, 5)
    ws.cell(10, 6, "已按计划完成。")
    ws.merge(10, 6, 10, 9)
    ws.cell(11, 1, "绩效指标")
    for col, label in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                 "分值", "得分", "偏差原因分析及改进措施"), start=2):
        ws.cell(11, col, label)
    row = 12
    for ind in spec.indicators:
        for col, value in enumerate((ind.level1, ind.level2, ind.name, ind.target, ind.actual,
                                     ind.weight, ind.score, ind.note), start=2):
            ws.cell(row, col, value)
        row += 1
    ws.merge(11, 1, row - 1, 1)
    ws.cell(row, 1, "总分")
    ws.merge(row, 1, row, 6)
    ws.cell(row, 7, 100)
    ws.cell(row, 8, spec.total_score)
    return ws


def write_submission(path: str | os.PathLike, projects: Sequence[ProjectSpec], *,
                     unit: Optional[str] = None, expected: Sequence[str] = (),
                     year: int = 2022) -> None:
    """A unit's workbook: optional 基础信息 (本表填报单位, 单位名单), then one
    sheet per project.  Written with XlsxWriter directly, not through the
    sheet kit: it stands for what a clerk sends, text the kit would clean included."""
    import xlsxwriter

    with atomic_write(path, keep_backup=False) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        if unit is not None or expected:
            info = _Cells()
            info.cell(1, 1, "基础信息")
            info.cell(3, 1, "主管部门")
            info.cell(3, 2, "株洲市行政审批服务局")
            info.cell(4, 1, "年度")
            info.cell(4, 2, year)
            info.cell(7, 1, "本表填报单位")
            info.cell(7, 2, unit)
            info.cell(7, 3, "（仅下属单位报送表填写）")
            info.cell(9, 1, "序号")
            info.cell(9, 2, "实施单位（局机关及下属单位）名单")
            for k, name in enumerate(expected):
                info.cell(10 + k, 1, k + 1)
                info.cell(10 + k, 2, name)
            info.write(wb.add_worksheet("基础信息"))
        for k, spec in enumerate(projects, start=1):
            form_cells(spec, year).write(wb.add_worksheet(spec.sheet or f"项目{k}"))
        wb.close()


# ------------------------------------------------------------------ realistic submissions
#: Seed 001 projects (万元): name, 年初, 全年, 执行.
SEED_PROJECTS = (
    ("一件事一次办改革经费", 40, 22.03, 22),
    ("快递服务经费", 100, 187, 146.06),
    ("网络安全设备和安全服务", 100, 240, 240),
    ("电子政务网租赁", 239.8, 239.8, 214.78),
    ("信创工程项目", 0, 79.45, 79.45),
    ("项目技术审查会相关费用", 100, 100, 62.7),
    ("窗口补贴", 160, 65.61, 65.61),
    ("市民中心大厅运转维护费", 38, 31.82, 31.82),
)


def realistic_project(rng, unit: str, k: int) -> ProjectSpec:
    """One project form with the mistakes real forms carry (DOMAIN §5: about
    3.5 problems a project — deductions without a reason, totals that do not
    add up, weights of 90, money in 元, blank actuals, an unreadable `<!%`,
    the unit's name spelt another way, a budget 得分 rounded wrongly)."""
    name, a, b, c = rng.choice(SEED_PROJECTS)
    f = rng.uniform(0.5, 1.5)
    a, b = round(a * f, 2), round(b * f, 2)
    c = round(min(b, c * f * rng.uniform(0.8, 1.05)), 2)
    rate = c / b if b else 0.0
    budget_score = round(10 * min(rate, 1.0) + 1e-9, 2)
    inds = default_indicators()
    if rng.random() < 0.75:  # deductions, most without a reason
        for i in rng.sample(range(len(inds)), rng.randint(1, 3)):
            ind = inds[i]
            ind.score = round(ind.weight * rng.uniform(0.7, 0.95), 1)
            ind.actual = "基本完成" if not str(ind.actual)[0].isdigit() else ind.actual
            ind.note = "个别事项延期" if rng.random() < 0.25 else None
    for _ in range(2):
        if rng.random() < 0.25:  # an actual left blank
            inds[rng.randrange(len(inds))].actual = None
    if rng.random() < 0.1:  # a typo no one can read
        inds[1].actual = "<!%"
    if rng.random() < 0.2:  # weights adding to 90
        inds[0].weight, inds[0].score = 10, min(inds[0].score, 10)
    entered = budget_score + sum(float(i.score) for i in inds)
    total = round(entered, 2)
    if rng.random() < 0.4:  # a total that does not add up
        total = round(entered + rng.choice((-7.5, -3, 2.4, 5.1)), 2)
    stated_budget_score = budget_score
    if rng.random() < 0.35 and rate < 1:  # 9.99 written 9.9
        stated_budget_score = round(budget_score - 0.09, 2)
    form_unit: Any = unit
    if rng.random() < 0.4:  # the form's own spelling of the unit
        form_unit = "　" + unit + "（盖章）"
    money = (lambda x: f"{x * 10000:.0f}元") if rng.random() < 0.2 else (lambda x: x)
    stated_rate = f"{rate:.2%}" if rng.random() > 0.1 else f"{min(rate + 0.05, 1):.0%}"
    return ProjectSpec(
        name=f"{name}（{k}）", unit=form_unit, budget_initial=money(a),
        budget_full_year=money(b), spent=money(c), budget_score=stated_budget_score,
        execution_rate=stated_rate, indicators=inds, total_score=total)


def generate_submissions(folder: str | os.PathLike, n: int, seed: int = 1,
                         prefix: str = "单位") -> list[str]:
    """N distinct unit submissions `单位00001.xlsx` … in `folder` (3–5 realistic
    project forms each, a 基础信息 sheet naming the unit; the same files for the
    same seed).  Returns their paths."""
    import random
    from pathlib import Path

    rng = random.Random(seed)
    out = []
    Path(folder).mkdir(parents=True, exist_ok=True)
    for k in range(1, n + 1):
        unit = f"{prefix}{k:05d}"
        projects = [realistic_project(rng, unit, j) for j in range(1, rng.randint(3, 5) + 1)]
        path = Path(folder) / f"{unit}.xlsx"
        write_submission(path, projects, unit=unit)
        out.append(str(path))
    return out
