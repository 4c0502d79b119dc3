"""Checks on forms laid out in memory (a `Grid` per sheet, read by the reader
inside each test): the department form's header and an indicator block whose level
cells were left blank."""
from __future__ import annotations

from xltools.containers.workbook import Grid
from xltools.profiles import load_profile
from xltools.project.checks import check_form
from xltools.project.reader import read_sheet

N = None
BUDGET = [["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
          [N, "年度资金总额", 100, 100, 100, 10, "100%", 10]]
IND_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
            "偏差原因分析及改进措施"]


def checked(rows):
    width = max(len(r) for r in rows)
    form, reason = read_sheet(Grid("自评表", [list(r) + [N] * (width - len(r)) for r in rows]), "自评表.xlsx")
    assert form is not None, reason
    return [(i.code, i.severity, i.cell, i.field, i.message) for i in check_form(form, load_profile())]


def test_department_form_without_its_name():
    rows = [["部门整体支出绩效自评表"], ["预算部门名称", N, "主管部门"]] + BUDGET + [IND_HEAD,
            [N, "产出指标", "数量指标", "服务面积", "≥3000平方米", "3200平方米", 90, 90], ["总分", N, N, N, N, N, 100, 100]]
    assert checked(rows) == [("missing_value", "error", "B2", "部门名称", "“部门名称”未填写")]


def test_indicators_with_no_level_count_as_unclassified():
    rows = [["项目名称", "窗口补贴"], ["主管部门", "株洲市行政审批服务局"], ["实施单位", "株洲市政务服务中心"]] + BUDGET + [
        IND_HEAD,
        [N, N, N, "发放人数", "220", "220", 40, 40],
        [N, N, N, "考勤结果公开率", ">98%", "100%", 40, 40],
        ["总分", N, N, N, N, N, 90, 90]]
    assert checked(rows) == [
        ("weight_total", "error", "G9", "分值合计", "分值合计为 90（预算执行率 10 + 未分类 80），应为 100")]
