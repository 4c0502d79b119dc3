"""The 部门整体支出绩效自评表 takes its 年度资金总额 from the whole budget:
基本支出 + 项目支出.  While 基本支出 is blank the total, its 执行率, 得分 and
the 总分 show “待填” (in the cells and their cached values) and `xltools
evaluate` scores nothing that depends on them — it says 基本支出 is missing,
never prints a total and a grade for an unfilled form.  With seed 001's real
figures (1878.11 → 2252.43) the 预算调整率 is 19.93 % and scores 1."""
from __future__ import annotations

import openpyxl
import pytest

from xltools.cli import main
from xltools.core.addresses import to_a1
from xltools.department import layout as D
from xltools.department.evaluate import evaluate_file

from test_department_writers import _master

#: seed 001's 部门整体支出绩效自评表: 年初 1878.11, 全年 2252.43 = 基本支出 958.08 + 项目支出 1294.35
SEED_PROJECTS = [
    {"unit": "局机关", "name": "市民中心运转经费", "budget_initial": 300.0, "budget_full_year": 353.30, "spent": 353.30},
    {"unit": "局机关", "name": "其他专项", "budget_initial": 476.81, "budget_full_year": 941.05, "spent": 941.05},
]
SEED_BASIC = {"budget_initial": 1101.30, "budget_full_year": 958.08, "spent": 958.07}

# case          basic spending   total shown (E5)     rate (H5)   score (I5)   预算调整率 score
CASES = [
    ("unfilled",  None,            "待填",              "待填",      "待填",       None),
    ("seed-001",  SEED_BASIC,      2252.43,             None,       None,         1),
]


@pytest.mark.parametrize("case,basic,total,rate,score,adjustment", CASES)
def test_whole_budget(tmp_path, case, basic, total, rate, score, adjustment):
    data = {"department": "株洲市行政审批服务局", "year": 2022, "projects": SEED_PROJECTS}
    if basic:
        data["basic_spending"] = basic
    path = _master(tmp_path / f"{case}.xlsx", data)
    ws = openpyxl.load_workbook(path, data_only=True)[D.SELF_SHEET]
    t = D.SELF_TOTAL_ROW
    shown = {key: ws[to_a1(t, col)].value for key, col in (("total", D.COL_S_FULL_YEAR), ("rate", D.COL_S_RATE),
                                                            ("score", D.COL_S_SCORE))}
    if isinstance(total, str):
        assert shown == {"total": total, "rate": rate, "score": score}
        total_row = D.self_rows()["total"]
        assert ws[to_a1(total_row, D.COL_S_IND_SCORE)].value == "待填"
        assert ws[to_a1(total_row + 1, 7)].value in (None, "")  # no 等次 for an unfilled form
    else:
        assert shown["total"] == pytest.approx(total)
        assert shown["rate"] == pytest.approx(2252.42 / 2252.43)
        assert shown["score"] == pytest.approx(10 * 2252.42 / 2252.43)
    ev = evaluate_file(str(path))
    line = ev.line("budget_adjustment_rate")
    if adjustment is None:
        assert line.rule_score is None and line.value is None
        assert any("基本支出未填" in label for label in line.missing_labels)
        assert ev.grade is None
    else:
        assert line.value == pytest.approx((2252.43 - 1878.11) / 1878.11)
        assert round(line.value * 100, 2) == 19.93
        assert line.rule_score == adjustment


def test_evaluate_says_what_is_missing(tmp_path, capsys):
    path = _master(tmp_path / "unfilled.xlsx", {"year": 2022, "projects": SEED_PROJECTS})
    assert main(["evaluate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "基本支出未填" in out and "暂不评定等次" in out
    assert "等次：差" not in out and "总分：" not in out


def test_a_consolidated_master_is_evaluated_from_its_own_form(tmp_path, capsys):
    """The clerk's path (README's first command): a master made from the units'
    forms, then `consolidate --master` writes its block — with a
    “部门整体支出绩效自评表（年度资金总额）” table of project money — beside the
    整体支出 table.  `evaluate` still reads the 部门整体支出绩效自评表 sheet: it says
    only 基本支出 is missing (项目支出 is there, from the forms), never the block's
    project-only total."""
    from pathlib import Path

    submissions = Path(__file__).resolve().parent.parent / "examples" / "submissions"
    master = tmp_path / "主表.xlsm"
    assert main(["new", str(master), "--department", "株洲市行政审批服务局", "--year", "2022",
                 "--from", str(submissions)]) == 0
    assert main(["consolidate", str(submissions), "-o", str(tmp_path / "汇总.xlsx"), "--master", str(master),
                 "--quiet"]) == 1
    capsys.readouterr()
    evaluation = evaluate_file(str(master))
    line = evaluation.line("budget_adjustment_rate")
    assert line.rule_score is None
    assert any("基本支出未填" in m for m in line.missing_labels)
    assert not any("项目支出未填" in m or "基本支出、项目支出" in m for m in line.missing_labels)
    assert all(src.sheet == D.SELF_SHEET for src in line.sources.values())
