"""The older provincial layout (seed 003, 华容县 附件2-2 项目支出绩效自评报告), pasted from
Word into one sheet: header lines `项目名称：…`, money as label–value pairs, indicators
with no 分值/得分 columns, and a 绩效自评综合得分 at the end."""
from __future__ import annotations

import openpyxl
import pytest

from xltools.profiles import load_profile
from xltools.project.report import check_file

# rows as the Word table pastes (None = empty cell), seed 003's own text
SEED_003 = [
    ["附件2-2"],
    ["华容县财政支出绩效评价自评报告"],
    ["项目名称：电子政务外网平台建设二期"],
    ["项目单位：华容县行政审批服务局"],
    ["主管部门：华容县行政审批服务局"],
    [],
    ["一、项 目 基 本 概 况"],
    ["项目负责人", "邓斌海", "联系电话", "13574754955"],
    ["项目地址", "华容县政务中心", "邮  编", "414200"],
    ["项目起止时间", "2020年    1月起至   2020 年    12 月止"],
    ["计划安排资金\n（万元）", 437.7, "实际到位资金\n（万元）", 437.7, "实际支出\n（万元）", 437.7, "结余\n（万元）", 0],
    ["其中：中央财政", None, "其中：中央财政", None, "其中：中央财政", None, "其中：中央财政", None],
    ["县市区财政", 437.7, "县市区财政", 437.7, "县市区财政", 437.7, "县市区财政", 0],
    ["三、项目绩效自评情况"],
    ["项目绩效定性目标及实施计划完成情况", "预  期 目 标", None, "实际完成"],
    [None, "电子政务外网平台建设二期建设", None, "完成"],
    ["项目绩效定量目标（指标）及完成情况", "一级指标", "二级指标", "指标内容", "指标（目标）值", "实际完成值"],
    [None, "项目产出指标", "数量指标", "目标完成率", "100", "100"],
    [None, None, "质量指标", "目标完成质量效果", "100", "100"],
    [None, None, "时效指标", "预定目标完成率", "100", "100"],
    [None, None, "成本指标", "绩效目标成本控制", "100", "100"],
    [None, "项目效益指标", "经济效益\n指标", "对区域经济的效益影响", "100", "100"],
    [None, None, "社会效益\n指标", "社会综合效益", "100", "100"],
    [None, None, "生态效益\n指标", "可持续性影响", "100", "100"],
    [None, None, "服务对象满意度指标", "满意度", "100", "100"],
    ["绩效自评综合得分", 98, "评价等次", "优"],
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "华容县电子政务外网"
    for row in SEED_003:
        ws.append(row)
    ws.merge_cells("A17:A25")
    path = tmp_path_factory.mktemp("seed003") / "华容县.xlsx"
    wb.save(path)
    result = check_file(path, load_profile())
    assert result.status == "ok", result.error
    (c,) = result.checked
    return c


def test_header_and_money(checked):
    rec = checked.record()
    assert (rec["name"], rec["unit"], rec["department"]) == (
        "电子政务外网平台建设二期", "华容县行政审批服务局", "华容县行政审批服务局")
    assert (rec["budget_initial"], rec["budget_full_year"], rec["spent"]) == (437.7, 437.7, 437.7)
    assert rec["execution_rate"] == 1.0
    assert checked.form.budget_total.spent.where.cell == "F11"


def test_indicators_and_levels(checked):
    rec = checked.record()
    levels = [(i["level1"], i["level2"]) for i in rec["indicators"]]
    assert levels == [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"),
                      ("产出指标", "成本指标"), ("效益指标", "经济效益指标"), ("效益指标", "社会效益指标"),
                      ("效益指标", "生态效益指标"), ("满意度指标", "服务对象满意度指标")]
    assert rec["score_total"] == 98 and rec["grade"] == "优"


def test_only_the_missing_columns_are_reported(checked):
    """The layout has no 分值/得分: said once each, no per-row noise, no false totals."""
    found = sorted((i.code, i.field) for i in checked.issues)
    assert found == [("missing_label", "分值"), ("missing_label", "得分")]
