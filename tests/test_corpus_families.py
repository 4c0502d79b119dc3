"""DOMAIN.md §8: one form per layout family, typed the way units lay them out,
each in .xlsx and in one other container.  Expectations worked out by hand:
the execution rate, the findings (errors and warnings) that must appear — and
nothing else: zero false findings on the corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from container_helpers import grid_docx, grid_xlsx
from master_fixtures import libreoffice_convert
from xltools.profiles import load_profile
from xltools.project.report import check_file

N = None
BUDGET_HEAD = ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
IND_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
            "偏差原因分析及改进措施"]
HEADER = [["项目名称", "农村饮水安全巩固提升工程", N, N, "主管部门", "某县水务局"],
          ["实施单位", "某县农村供水站"]]
GOALS = [["年度总体目标", "预期目标", N, N, "实际完成情况"], [N, "保障全县饮水安全", N, N, "已完成"]]

FORMS: dict[str, tuple[list, list[str]]] = {}

# Yunnan-style published table: two-row indicator header, the target split into
# 指标性质·指标值·度量单位; the template's 指标1：/…… rows left in.
FORMS["two_row_header"] = (HEADER + [
    BUDGET_HEAD,
    [N, "年度资金总额", 100, 100, 95, 10, "95%", 9.5],
    [N, "其中：当年财政拨款", 100, 100, 95, N, N, N],
] + GOALS + [
    ["绩效指标", N, N, N, N, N, "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
    ["产出指标", "数量指标", "新建供水工程", "≥", 5, "处", "5处", 20, 20],
    [N, "质量指标", "水质达标率", "≥", 95, "%", "90%", 20, 20],  # full marks for 90 % of 95 %: 18.95 by rule
    [N, "时效指标", "完工及时率", "=", 100, "%", "100%", 10, 10],
    [N, N, "指标1："],
    [N, N, "……"],
    [N, N, N, N, N, N, N, 3],
    ["效益指标", "社会效益指标", "受益人口", "≥", 2, "万人", "2.1万人", 20, 20],
    [N, "可持续影响指标", "工程运行年限", "定性", "长期有效", N, "长期有效", 10, 10],
    ["满意度指标", "服务对象满意度指标", "受益群众满意度", "≥", 90, "%", "93%", 10, 10],
    ["总分", N, N, N, N, N, N, 100, 99.5],
], ["A8:F8", "G8:G9", "H8:H9", "I8:I9", "J8:J9"])

# Sichuan-style: 年初预算·调整后预算数·预算执行数·权重, 合计 for 总分.
FORMS["sichuan_budget"] = ([
    ["项目名称", "社区养老服务补助"], ["主管部门", "某区民政局"], ["实施单位", "某区养老服务中心"],
    ["项目资金（万元）", N, "年初预算", "调整后预算数", "预算执行数", "权重", "预算执行率", "得分"],
    [N, "年度资金总额", 200, 180, 171, 10, "95%", 9.5],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "权重", "得分", "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "服务人次", "≥5000人次", "4500人次", 20, 15],
    [N, N, "质量指标", "服务合格率", "≥95%", "98%", 30, 30],
    [N, "效益指标", "社会效益指标", "老年人生活质量", "提高", "提高", 30, 30],
    [N, "满意度指标", "服务对象满意度指标", "老年人满意度", "≥90%", "95%", 10, 10],
    ["合计", N, N, N, N, N, 100, 94.5],
], [])

# No 全年预算数 column: 预算数(A)·执行数(B)·执行率(B/A); 年度财政资金总额; 总分 typed wrong.
FORMS["no_full_year"] = (HEADER + [
    ["项目资金", N, "预算数(A)", "执行数(B)", "执行率(B/A)", "分值", "得分"],
    [N, "年度财政资金总额", 50, 45, "90%", 10, 9],
] + GOALS + [
    IND_HEAD,
    [N, "产出指标", "数量指标", "维修管网", "≥10公里", "12公里", 50, 50],
    [N, "效益指标", "社会效益指标", "供水保障率", "≥98%", "99%", 30, 30],
    [N, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", 10, 10],
    ["总分", N, N, N, N, N, 100, 96],
], [])

# 项目资金（元）: every amount of the block in 元.
FORMS["amounts_in_yuan"] = (HEADER + [
    ["项目资金（元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额", 500000, 480000, 456000, 10, "95%", 9.5],
] + GOALS + [
    IND_HEAD,
    [N, "产出指标", "数量指标", "培训人次", "≥300人次", "320人次", 50, 50],
    [N, "效益指标", "社会效益指标", "持证上岗率", "≥90%", "95%", 30, 30],
    [N, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "96%", 10, 10],
    ["总分", N, N, N, N, N, 100, 99.5],
], [])

# 年度资金总额 0/0/0 while the money sits in 其中：本年财政拨款 (90 / 89.974).
FORMS["zero_total"] = (HEADER + [
    BUDGET_HEAD,
    [N, "年度资金总额", 0, 0, 0, 10, "0%", 0],
    [N, "其中：本年财政拨款", 90, 90, 89.974, 10, "99.97%", 10],
] + GOALS + [
    IND_HEAD,
    [N, "产出指标", "数量指标", "改造农户", "≥300户", "305户", 50, 50],
    [N, "效益指标", "经济效益指标", "户均增收", "≥0.2万元", "0.25万元", 30, 30],
    [N, "满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "95%", 10, 10],
    ["总分", N, N, N, N, N, 100, 100],
], [])

# A ★ indicator broken down in 其中… rows with targets but no 分值/得分.
FORMS["breakdown_rows"] = (HEADER + [
    BUDGET_HEAD,
    [N, "年度资金总额", 80, 80, 80, 10, "100%", 10],
] + GOALS + [
    IND_HEAD,
    [N, "产出指标", "数量指标", "★种植面积", "≥1000亩", "1050亩", 50, 50],
    [N, N, N, "其中桃树种植面积", "≥600亩", "620亩"],
    [N, N, N, "其中梨树种植面积", "≥400亩", "430亩"],
    [N, "效益指标", "经济效益指标", "亩均增收", "≥500元", "560元", 30, 30],
    [N, "满意度指标", "服务对象满意度指标", "种植户满意度", "≥90%", "94%", 10, 10],
    ["总分", N, N, N, N, N, 100, 100],
], [])

# Broken level weights, official variants, column synonyms, 分值 before the target.
FORMS["labels_and_synonyms"] = (HEADER + [
    BUDGET_HEAD,
    [N, "年度资金总额", 60, 60, 57, 10, "95%", 9.5],
] + GOALS + [
    ["绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年初目标值(A)", "实际完成指标值(B)", "得分",
     "得分计算方法", "未完成原因及拟采取的改进措施"],
    [N, "产出指标\n(50)", "数量指标", "巡查次数", 30, "≥12次", "12次", 30, "B/A×分值"],
    [N, N, "时效指标", "整改及时率", 20, "100%", "100%", 20, "B/A×分值"],
    [N, "效益指标\n30分)", "生态效益指标", "水质改善", 30, "改善", "改善", 30, "定性"],
    [N, "满意度指标", "服务对象满意度指标等", "沿河居民满意度", 5, "≥90%", "93%", 5, "达标得满分"],
    [N, "(10分)", "服务对象满意度指标等", "游客满意度", 5, "≥90%", "91%", 5, "达标得满分"],
    ["总分", N, N, N, 100, N, N, 99.5],
], [])

# Older layout: no 分值 column; the budget line is worth 20 (in its label).
FORMS["older_no_weight"] = (HEADER + [
    ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"],
    [N, "年度资金总额（20分）", 80, 80, 76, "95%", 19],
] + GOALS + [
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"],
    [N, "产出指标（40分）", "数量指标", "建设村道", "≥8公里", "8公里", 40],
    [N, "效益指标（30分）", "社会效益指标", "通行条件", "改善", "改善", 30],
    [N, "满意度指标（10分）", "服务对象满意度指标", "村民满意度", "≥90%", "96%", 10],
    ["总分", N, N, N, N, N, 99],
], [])

# A department form naming the body 区级预算单位名称.
FORMS["department_name"] = ([
    ["部门整体支出绩效自评表"],
    ["区级预算单位名称", "某区行政审批服务局"],
    ["年度预算资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额", 1873.66, 2000, 1900, 10, "95%", 9.5],
    [N, "其中：一般公共预算：1873.66万元"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "办件量", "≥10万件", "12万件", 50, 50],
    [N, "效益指标", "社会效益指标", "一次办结率", "≥95%", "97%", 30, 30],
    [N, "满意度指标", "服务对象满意度指标", "办事群众满意度", "≥95%", "98%", 10, 10],
    ["总分", N, N, N, N, N, 100, 99.5],
], [])

# family                 other container  kind          rate       findings (error/warning codes) that must appear
EXPECT = [
    ("two_row_header",      "docx", "project",    0.95,      ["indicator_score_above_rule"]),
    ("sichuan_budget",      "xls",  "project",    0.95,      ["deduction_without_reason"]),
    ("no_full_year",        "ods",  "project",    0.9,       ["total_mismatch"]),
    ("amounts_in_yuan",     "docx", "project",    0.95,      []),
    ("zero_total",          "xls",  "project",    0.999711,  ["budget_total_zero"]),
    ("breakdown_rows",      "ods",  "project",    1.0,       []),
    ("labels_and_synonyms", "docx", "project",    0.95,      []),
    ("older_no_weight",     "xls",  "project",    0.95,      []),
    ("department_name",     "docx", "department", 0.95,      []),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("corpus")
    made = {}
    for name, (rows, merges) in FORMS.items():
        made[(name, "xlsx")] = grid_xlsx(out / f"{name}.xlsx", {name: (rows, merges)})
    for fmt in ("xls", "ods"):
        srcs = [made[(n, "xlsx")] for n, other, *_ in EXPECT if other == fmt]
        for src_name, path in libreoffice_convert(srcs, out / fmt, fmt).items():
            made[(Path(src_name).stem, fmt)] = path
    for name, other, *_ in EXPECT:
        if other == "docx":
            rows, merges = FORMS[name]
            made[(name, "docx")] = grid_docx(out / f"{name}.docx", rows, merges)
    return made


@pytest.mark.parametrize("container", ["xlsx", "other"])
@pytest.mark.parametrize("name,other,kind,rate,must", EXPECT)
def test_family_reads_to_the_same_checks(files, name, other, kind, rate, must, container):
    path = files[(name, "xlsx" if container == "xlsx" else other)]
    result = check_file(path, load_profile())
    assert result.status == "ok", result.error
    (c,) = result.checked
    rec = c.record()
    assert rec["kind"] == kind
    assert rec["execution_rate"] == pytest.approx(rate, abs=1e-6)
    found = sorted({i.code for i in c.issues if i.severity in ("error", "warning")})
    assert found == sorted(must), [(i.code, i.field, i.message) for i in c.issues]


# family                 indicators  weight_total  rule budget score  not_checked mentions
DETAIL = [
    ("two_row_header",      6,          100,          9.5,               "评价等次"),
    ("breakdown_rows",      3,          100,          10,                "评价等次"),
    ("labels_and_synonyms", 5,          100,          9.5,               "评价等次"),
    ("older_no_weight",     3,          20,           19,                "分值合计"),
    ("amounts_in_yuan",     3,          100,          9.5,               "评价等次"),
]


@pytest.mark.parametrize("name,count,weights,budget_score,not_checked", DETAIL)
def test_family_details(files, name, count, weights, budget_score, not_checked):
    (c,) = check_file(files[(name, "xlsx")], load_profile()).checked
    rec = c.record()
    assert len(rec["indicators"]) == count
    assert rec["weight_total"] == pytest.approx(weights)
    assert rec["rule_budget_score"] == pytest.approx(budget_score, abs=0.01)
    assert any(not_checked in item["check"] for item in rec["not_checked"]), rec["not_checked"]




# family              indicator        target as joined from 指标性质·指标值·度量单位
JOINED = [
    ("two_row_header",  "新建供水工程",  "≥5处"),
    ("two_row_header",  "水质达标率",    "≥95%"),
    ("two_row_header",  "工程运行年限",  "长期有效"),
]


@pytest.mark.parametrize("name,indicator,target", JOINED)
@pytest.mark.parametrize("container", ["xlsx", "docx"])
def test_split_target_is_joined(files, name, indicator, target, container):
    (c,) = check_file(files[(name, container)], load_profile()).checked
    (ind,) = [i for i in c.record()["indicators"] if i["indicator"] == indicator]
    assert ind["target"] == target
