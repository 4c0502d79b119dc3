"""Each check on a real form: seed 001's 网络安全设备和安全服务 is consistent; change
one thing the way a clerk might, and exactly the expected problem is reported, at
the cell changed."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xltools.profiles import load_profile
from xltools.project.report import check_file

SOURCE = Path(__file__).resolve().parent.parent / "examples" / "submissions" / "局机关.xlsx"
SHEET = "网络安全设备和安全服务"

# Layout of that sheet: name B2, 主管部门 B3, 实施单位 B4; 年度资金总额 row 6 (全年 E, 执行 F,
# 分值 G, 执行率 H, 得分 I); indicators rows 13–22 (二级 C, 分值 G, 得分 H, 偏差原因 I); 总分 H23.
# changes (cell → new value)                       expected code               at cell
CASES = [
    ({"H13": 6},                                   "score_over_weight",        "H13"),   # 6 > 5
    ({"I6": 11},                                   "score_over_weight",        "I6"),    # budget 11 > 10
    ({"H13": 4, "H23": 97},                        "deduction_without_reason", "I13"),   # 4/5, no reason
    ({"H23": 99},                                  "total_mismatch",           "H23"),   # entered sum is 98
    ({"H6": 0.99},                                 "rate_mismatch",            "H6"),    # 240 / 240 is 100 %
    ({"F6": 216, "H6": 0.9},                       "budget_score_mismatch",    "I6"),    # rate 90 % → 9, stated 10
    ({"F6": 228, "H6": 0.95},                      None,                       None),    # 9.5 written as 10 is rounding
    ({"G13": 10},                                  "weight_total",             "G23"),   # 105
    ({"C21": "数量指标"},                          "level_mismatch",           "C21"),   # under 效益指标
    ({"C21": "社会影响指标"},                      "unknown_level",            "C21"),
    ({"B2": None},                                 "missing_value",            "B2"),    # 项目名称
    ({"B3": "　"},                                 "missing_value",            "B3"),    # 主管部门, a full-width space
    ({"F6": None},                                 "missing_value",            "F6"),    # 全年执行数
    ({"H23": None},                                "missing_value",            "H23"),   # 总分 得分
    ({"H14": "5分"},                               None,                       None),    # a unit in the cell still reads
    ({"F21": "0..1次"},                            "value_unreadable",         "F21"),
    ({"E6": "2400000元", "F6": "2400000元"},       "unit_converted",           "E6"),
]


@pytest.mark.parametrize("changes,code,cell", CASES)
def test_one_change_one_problem(tmp_path, changes, code, cell):
    wb = openpyxl.load_workbook(SOURCE)
    for other in [ws for ws in wb.worksheets if ws.title != SHEET]:
        wb.remove(other)
    for ref, value in changes.items():
        wb[SHEET][ref] = value
    path = tmp_path / "一处改动.xlsx"
    wb.save(path)
    (checked,) = check_file(path, load_profile()).checked
    found = [(i.code, i.cell) for i in checked.issues]
    if code is None:
        assert found == []
        return
    codes = {c for c, _ in found}
    assert (code, cell) in found, found
    # A change may cost one follow-on (e.g. a deduction changes the total), never unrelated noise.
    follow_on = {"score_over_weight": {"total_mismatch"},
                 "weight_total": {"level_weight_mismatch", "deduction_without_reason"},  # 5 of a new 10
                 "level_mismatch": {"level_weight_mismatch"},  # the misfiled 分值 moves between levels
                 "deduction_without_reason": set(), "missing_value": {"total_mismatch"},
                 "budget_score_mismatch": {"total_mismatch", "rate_mismatch"}}
    assert codes - {code} <= follow_on.get(code, set()), found


def test_every_required_code_is_exercised():
    required = {"weight_total", "score_over_weight", "total_mismatch", "rate_mismatch",
                "budget_score_mismatch", "deduction_without_reason", "level_mismatch", "missing_value"}
    assert required <= {code for _, code, _ in CASES}
