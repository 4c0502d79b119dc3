"""The reader, cell by cell: each test lays out a 绩效自评表 the way a clerk's sheet
holds it (rows as typed, merged ranges, formula and percent cells) and asserts the
value read, the cell it came from, and every read issue with its severity and
message.  Built in memory (a `Grid` per sheet) so each test reads its own form —
mutation testing runs only the tests that themselves call the reader."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from xltools.containers.workbook import Book, Grid
from xltools.project.reader import read_forms, read_sheet

N = None
HEAD = [["项目名称", "株洲市电子政务网租赁", N, "主管部门", "株洲市行政审批服务局", N, "实施单位",
         "株洲市行政审批服务局"]]
BUDGET_HEAD = ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
TOTAL_LINE = [N, "年度资金总额", 239.8, 239.8, 214.78, 10, "89.56%", 9]
GOALS = [["年度总体目标", "预期目标", N, N, N, "实际完成情况"],
         [N, "建设满足全市272家市直单位的统一电子政务网络线路", N, N, N, "已满足全市市直政务外网申请单位接入"]]
IND_HEAD = ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
            "偏差原因分析及改进措施"]
INDICATORS = [[N, "产出指标", "数量指标", "电子政务网线路数量", "272", "272", 50, 50],
              [N, "效益指标", "社会效益指标", "市本级政务网通畅率", "≥95%", "100%", 30, 30],
              [N, "满意度指标", "服务对象满意度指标", "市政务外网接入单位满意率", "≥95%", "90%", 10, 8,
               "部分单位业务出现过中断"]]
TOTAL = ["总分", N, N, N, N, N, 100, 97]


def grid(rows, merged=(), *, name="电子政务网租赁", formulas=(), percent=(), hidden=False) -> Grid:
    """A sheet as openpyxl would hand it over: rows padded to one width, merges
    and formula / percent cells given in A1 notation."""
    width = max(len(r) for r in rows)
    spans = []
    for ref in merged:
        c1, r1, c2, r2 = range_boundaries(ref)
        spans.append((r1, c1, r2, c2))
    return Grid(name, [list(r) + [N] * (width - len(r)) for r in rows], spans,
                {coordinate_to_tuple(a) for a in formulas}, {coordinate_to_tuple(a) for a in percent},
                hidden)


def read(rows, merged=(), **kw):
    form, reason = read_sheet(grid(rows, merged, **kw), "自评表.xlsx")
    assert form is not None, reason
    return form


def issues(form, code=None):
    return [(i.code, i.severity, i.cell, i.field, i.message) for i in form.read_issues
            if code is None or i.code == code]


def standard(budget=(TOTAL_LINE,), indicators=INDICATORS, head=BUDGET_HEAD, ind_head=IND_HEAD):
    """The whole form, every row a fresh list (a test may type into it)."""
    rows = HEAD + [head] + list(budget) + GOALS + [ind_head] + list(indicators) + [TOTAL]
    return [list(r) for r in rows]


# ---------------------------------------------------------------- header fields
@pytest.mark.parametrize("label", ["项目名称", "项目支出名称", "项目名", "专项名称", "项目支出名",
                                   "项目支\n出名称", "　项目名称　"])
def test_name_label_synonyms(label):
    rows = standard()
    rows[0] = [label] + rows[0][1:]
    form = read(rows)
    assert form.kind == "project"
    assert (form.name.text, form.name.where.cell) == ("株洲市电子政务网租赁", "B1")
    assert (form.department.text, form.department.where.cell) == ("株洲市行政审批服务局", "E1")
    assert (form.unit.text, form.unit.where.cell) == ("株洲市行政审批服务局", "H1")


def test_header_written_in_the_label_cell():
    rows = standard()
    rows[0] = ["项目名称：株洲市电子政务网租赁", N, N, "主管部门：株洲市行政审批服务局", N, N,
               "实施单位：　株洲市行政审批局"]
    form = read(rows)
    assert (form.name.raw, form.name.where.cell) == ("株洲市电子政务网租赁", "A1")
    assert (form.department.raw, form.department.where.cell) == ("株洲市行政审批服务局", "D1")
    assert (form.unit.raw, form.unit.where.cell) == ("株洲市行政审批局", "G1")


# value_right_of scans _MAX_GAP = 4 columns past the label's first neighbour
@pytest.mark.parametrize("gap,name,cell", [
    (0, "窗口补贴", "B1"),
    (3, "窗口补贴", "E1"),
    (4, "窗口补贴", "F1"),
    (5, "", "B1"),           # past the window: an empty field pointing at the label's neighbour
])
def test_label_value_search_window(gap, name, cell):
    rows = standard()
    rows[0] = ["项目名称"] + [N] * gap + ["窗口补贴"]
    form = read(rows)
    assert (form.name.text, form.name.where.cell) == (name, cell)


def test_value_past_the_label_merge_and_below_the_label():
    rows = standard()
    rows[0] = ["项目名称", N, "窗口补贴", N, "主管部门", N, N, N, N]
    rows.insert(1, [N, N, N, N, "株洲市行政审批服务局"])
    form = read(rows, merged=("A1:B1",))
    assert (form.name.text, form.name.where.cell) == ("窗口补贴", "C1")
    # 主管部门 with nothing to its right: the value typed under it
    assert (form.department.text, form.department.where.cell) == ("株洲市行政审批服务局", "E2")


def test_a_label_next_to_a_label_is_an_empty_field():
    rows = standard()
    rows[0] = ["项目名称", "主管部门", "株洲市行政审批服务局"]
    form = read(rows)
    assert (form.name.text, form.name.where.cell) == ("", "B1")
    assert (form.department.text, form.department.where.cell) == ("株洲市行政审批服务局", "C1")
    assert form.unit is None


def test_grade_and_total_score_after_a_combined_label():
    rows = standard()[:-1] + [["绩效自评综合得分", 97, "评价等次", "优"]]
    form = read(rows)
    assert (form.total_score.number, form.total_score.where.cell) == (97, "B10")
    assert form.total_weight is None
    assert (form.grade.text, form.grade.where.cell) == ("优", "D10")
    assert ("评价等次与总分是否相符", "表中没有“评价等次”栏") not in form.not_checked


def test_no_grade_and_no_total_row_are_said():
    form = read(standard()[:-1])
    assert form.grade is None
    assert ("评价等次与总分是否相符", "表中没有“评价等次”栏") in form.not_checked
    assert ("总分与各项得分是否相符", "表中没有“总分/合计”一行") in form.not_checked


def test_goal_labels_with_nothing_under_them():
    rows = HEAD + [BUDGET_HEAD, TOTAL_LINE, ["年度总体目标", "预期目标", N, N, N, N, N, N, N, "实际完成情况"],
                   IND_HEAD] + INDICATORS + [TOTAL]
    form = read(rows)
    assert (form.goal_expected, form.goal_actual) == (None, None)   # under them: a header label, an empty cell
    assert len(form.indicators) == 3


def test_goals_are_read_under_their_labels():
    form = read(standard())
    assert (form.goal_expected.text, form.goal_expected.where.cell) == (
        "建设满足全市272家市直单位的统一电子政务网络线路", "B5")
    assert (form.goal_actual.text, form.goal_actual.where.cell) == ("已满足全市市直政务外网申请单位接入", "F5")


# ---------------------------------------------------------------- which sheets are forms
NOT_FORMS = [
    ("summary", [["项目名称", "年初预算数", "全年预算数", "全年执行数"], ["窗口补贴", 100, 100, 90]],
     "不是绩效自评表：有“年初预算数/全年预算数/全年执行数”表头，但没有“一级指标/二级指标/三级指标”绩效指标表头（可能是汇总表）"),
    ("nothing", [["说明"], ["本表为填报说明"]],
     "不是绩效自评表：没有找到“一级指标/二级指标/三级指标”表头"),
    ("two_of_three", [["一级指标", "二级指标", "年度指标值"]],
     "不是绩效自评表（或版式无法识别）：找到了“一级指标”、“二级指标”，缺少“三级指标”表头，未读取"),
    ("split_rows", [["一级指标", "二级指标"], [N, N, "三级指标"]],
     "不是绩效自评表：“一级指标/二级指标/三级指标”表头不在同一行，无法确定指标各列，未读取"),
    ("split_and_missing", [["一级指标"], [N, "二级指标"]],
     "不是绩效自评表（或版式无法识别）：找到了“一级指标”、“二级指标”，缺少“三级指标”表头不在同一行，未读取"),
    ("scoring_table", [["一级指标", "二级指标", "三级指标", "分值", "评分标准", "得分"],
                       ["决策", "项目立项", "立项依据充分性", 3, "依据充分得3分", 3]],
     "这是整体支出绩效评价评分表（有“评分标准”栏），不是项目自评表；请用 xltools evaluate 评价"),
    ("blank_template", HEAD + [BUDGET_HEAD, TOTAL_LINE, IND_HEAD, [N, "产出指标", "数量指标"], TOTAL],
     "绩效指标部分是空的（尚未填写的空白表）"),
]


@pytest.mark.parametrize("rows,reason", [c[1:] for c in NOT_FORMS], ids=[c[0] for c in NOT_FORMS])
def test_a_sheet_that_is_not_a_form_says_why(rows, reason):
    assert read_sheet(grid(rows), "汇总.xlsx") == (None, reason)


def test_a_blank_template_is_kept_when_asked():
    rows = HEAD + [BUDGET_HEAD, TOTAL_LINE, IND_HEAD, [N, "产出指标", "数量指标"], TOTAL]
    form, reason = read_sheet(grid(rows), "主表.xlsx", keep_blank=True)
    assert reason == "" and form.indicators == []
    assert form.budget_total.spent.number == 214.78


def test_hidden_sheet_before_the_form_and_stacked_forms():
    hidden = grid(standard(), name="底稿", hidden=True)
    notes = grid([["填报说明"]], name="说明")
    one = standard()
    stacked = one + [[]] + one
    book = Book("自评表.xlsx", [hidden, notes, grid(stacked, name="自评表")])
    book.notes = [("图表1", "工作表部件缺失，未读取")]
    result = read_forms(book)
    assert [(f.sheet, f.name.where.cell) for f in result.forms] == [("自评表", "B1"), ("自评表", "B12")]
    assert result.skipped == [("说明", "不是绩效自评表：没有找到“一级指标/二级指标/三级指标”表头")]
    assert result.notes == [("图表1", "工作表部件缺失，未读取")]
    assert [len(f.indicators) for f in result.forms] == [3, 3]
    assert result.forms[1].total_score.where.cell == "H21"


def test_stacked_forms_with_a_total_money_row_above_the_indicators():
    """合计 is both a money row (年度资金总额) and the 总分 row's label: the one right
    above the indicator header does not end the form."""
    one = HEAD + [BUDGET_HEAD, [N, "合计", 239.8, 239.8, 214.78, 10, "89.56%", 9], IND_HEAD] + INDICATORS + [TOTAL]
    result = read_forms(Book("自评表.xlsx", [grid(one + one, name="自评表")]))
    assert result.skipped == []
    assert [(f.budget_total.spent.where.cell, len(f.indicators), f.total_score.where.cell) for f in result.forms] == [
        ("E3", 3, "H8"), ("E11", 3, "H16")]


def test_a_stacked_part_that_is_not_a_form_names_its_rows():
    form = standard()
    blank = HEAD + [BUDGET_HEAD, TOTAL_LINE, IND_HEAD, [N, "产出指标", "数量指标"], TOTAL]
    result = read_forms(Book("自评表.xlsx", [grid(form + blank, name="自评表")]))
    assert len(result.forms) == 1
    assert result.skipped == [("自评表（第 11–16 行）", "绩效指标部分是空的（尚未填写的空白表）")]


@pytest.mark.parametrize("top,name", [([["部门整体支出绩效自评表"], ["填报单位（盖章）"]], None),
                                      ([["单位名称", "株洲市行政审批服务局"]], "株洲市行政审批服务局")],
                         ids=["title_only", "body_name_only"])
def test_department_form_by_its_title_or_its_body_name(top, name):
    form = read(top + [BUDGET_HEAD, TOTAL_LINE, IND_HEAD] + INDICATORS + [TOTAL])
    assert form.kind == "department"
    assert (form.name.text if form.name else None) == name
    assert form.name is form.department and form.unit is None


def test_department_form_by_its_body_name():
    rows = [["部门整体支出绩效自评表"], ["预算部门名称", "株洲市行政审批服务局"]] + [BUDGET_HEAD, TOTAL_LINE,
            [N, "其他资金：", N, N, N]] + [IND_HEAD] + INDICATORS + [TOTAL]
    form = read(rows)
    assert form.kind == "department"
    assert form.name.text == form.department.text == "株洲市行政审批服务局"
    assert form.unit is None
    assert [line.label for line in form.budget_lines] == ["年度资金总额"]


# ---------------------------------------------------------------- the 项目资金 block
def test_budget_lines_read_with_their_cells():
    form = read(standard(budget=[TOTAL_LINE, [N, "其中：当年财政拨款", 239.8, 239.8, 214.78, 10, "89.56%", 9],
                                 [N, "上年结转资金"], [N, "其他资金", N, N, N]]))
    assert [(line.label, line.row) for line in form.budget_lines] == [
        ("年度资金总额", 3), ("当年财政拨款", 4), ("上年结转资金", 5), ("其他资金", 6)]
    total = form.budget_total
    got = {f: (getattr(total, f).number, getattr(total, f).where.cell)
           for f in ("budget_initial", "budget_full_year", "spent", "weight", "execution_rate", "score")}
    assert got == {"budget_initial": (239.8, "C3"), "budget_full_year": (239.8, "D3"), "spent": (214.78, "E3"),
                   "weight": (10, "F3"), "execution_rate": (pytest.approx(0.8956), "G3"), "score": (9, "H3")}
    assert total.spent.parsed.unit == "万元" and total.weight.parsed.unit == ""
    assert form.budget_lines[2].spent.empty and form.budget_lines[2].spent.where.cell == "E5"
    assert issues(form) == []


def test_money_typed_with_units_in_the_wanyuan_block():
    """Money typed in 元 in the 项目资金（万元） block: one warning per form listing the
    cells; up to six cells shown, more marked 等."""
    lines = [[N, "年度资金总额", "2398000元", "2398000元", "2147800元", 10, "89.56%", 9],
             [N, "其中：当年财政拨款", "2398000元", "2398000元", "2147800元"]]
    form = read(standard(budget=lines))
    assert (form.budget_total.spent.number, form.budget_total.spent.parsed.original_unit) == (214.78, "元")
    assert issues(form) == [("unit_converted", "warning", "C3", "项目资金",
                             "项目资金应以万元填写，6 个金额带其他单位，已换算为万元：C3 2398000元→239.8、"
                             "D3 2398000元→239.8、E3 2147800元→214.78、C4 2398000元→239.8、D4 2398000元→239.8、"
                             "E4 2147800元→214.78")]
    form = read(standard(budget=lines + [[N, "上年结转资金", "5000元", 0.5]]))
    (issue,) = form.read_issues
    assert issue.message.startswith("项目资金应以万元填写，7 个金额带其他单位")
    assert issue.message.endswith("E4 2147800元→214.78等")


def test_unit_written_on_an_indicator_value_is_an_info_on_its_cell():
    """Target in 元, actual in 万元: the 元 one is read in 万元, and said on its cell."""
    rows = standard(indicators=[[N, "产出指标", "成本指标", "县市区政务外网备份线路租赁费用", "≤198000元",
                                 "19.8万元", 90, 90]])
    form = read(rows)
    assert issues(form) == [
        ("unit_converted", "info", "E7", "指标“县市区政务外网备份线路租赁费用”.年度指标值",
         "“≤198000元”按 19.8 万元读取（原单位：元）")]


# header text        amount   read as (万元)  decimals  note
HEADER_UNITS = [
    ("项目资金（元）", 794500, 79.45, 4, "项目资金表头注明以“元”为单位，金额已换算为万元读取"),
    ("项目资金(千元)", 794.5, 79.45, 2, "项目资金表头注明以“千元”为单位，金额已换算为万元读取"),
    ("项目资金（亿元）", 0.5, 5000, 1, "项目资金表头注明以“亿元”为单位，金额已换算为万元读取"),
    ("项目资金（万元）", 79.45, 79.45, 2, None),
    ("项目资金", 79.45, 79.45, 2, None),
]


@pytest.mark.parametrize("head,amount,number,decimals,note", HEADER_UNITS)
def test_unit_in_the_block_header(head, amount, number, decimals, note):
    form = read(standard(budget=[[N, "年度资金总额", amount, amount, amount, 10, "100%", 10]],
                         head=[head] + BUDGET_HEAD[1:]))
    spent = form.budget_total.spent
    assert (spent.raw, spent.number, spent.parsed.unit, spent.parsed.decimals) == (amount, number, "万元", decimals)
    assert spent.parsed.header_unit == (note is not None)
    assert spent.parsed.original_unit == (head[5:-1] if note else "")
    assert issues(form) == ([("unit_converted", "info", "C2", "项目资金", note)] if note else [])


def test_unit_in_a_column_header_or_the_merged_label_column():
    head = ["项目资金", N, "年初预算数", "全年预算数（元）", "全年执行数（元）", "分值", "执行率", "得分"]
    form = read(standard(budget=[[N, "年度资金总额", 794500, 794500, 794500, 10, "100%", 10]], head=head))
    assert form.budget_total.spent.number == 79.45
    # the block's label merged down beside its rows: 项目资金（元） on the row above the header
    rows = HEAD + [["项目资金（元）", N, N], [N, N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                   [N, "年度资金总额", 794500, 794500, 794500, 10, "100%", 10]] + GOALS + [IND_HEAD] + INDICATORS + [TOTAL]
    form = read(rows, merged=("A2:A4",))
    assert form.budget_total.budget_initial.number == 79.45
    assert issues(form) == [("unit_converted", "info", "C3", "项目资金",
                             "项目资金表头注明以“元”为单位，金额已换算为万元读取")]


def test_unit_note_at_the_far_right_of_the_header_row():
    head = ["项目资金", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", N, "金额单位（元）"]
    form = read(standard(budget=[[N, "年度资金总额", 794500, 794500, 794500, 10, "100%", 10]], head=head))
    assert (form.budget_total.spent.number, form.budget_total.spent.parsed.original_unit) == (79.45, "元")
    assert issues(form) == [("unit_converted", "info", "C2", "项目资金", "项目资金表头注明以“元”为单位，金额已换算为万元读取")]


def test_header_unit_leaves_text_amounts_and_dashes_alone():
    form = read(standard(budget=[[N, "年度资金总额", "79.45万元", "—", 794500, 10, "100%", 10]],
                         head=["项目资金（元）"] + BUDGET_HEAD[1:]))
    total = form.budget_total
    assert (total.budget_initial.number, total.budget_initial.parsed.header_unit) == (79.45, False)
    assert total.budget_full_year.number is None and total.budget_full_year.raw == "—"
    assert total.spent.number == 79.45


def test_rate_over_the_initial_budget_when_no_full_year_column():
    head = ["项目资金（万元）", N, "预算数(A)", "执行数(B)", "分值", "执行率(B/A)", "得分"]
    form = read(standard(budget=[[N, "年度资金总额", 100, 95, 10, "95%", 9.5]], head=head))
    total = form.budget_total
    assert total.budget_full_year is total.budget_initial
    assert (total.budget_initial.number, total.spent.number, total.execution_rate.number) == (100, 95, 0.95)
    assert form.rate_basis == "预算数(A)"
    assert issues(form) == [("rate_basis", "info", "C2", "执行率",
                             "表中没有“全年预算数/调整后预算数”一栏，执行率按“预算数(A)”一栏计算")]


def test_rate_typed_without_its_sign():
    """89.57 in the 执行率 column is 89.57 %: the column is a rate, so a bare number
    above 1.5 is a percent written without the sign."""
    form = read(standard(budget=[[N, "年度资金总额", 239.8, 239.8, 214.78, 10, 89.57, 9]]))
    rate = form.budget_total.execution_rate
    assert (rate.raw, rate.number, rate.parsed.percent, rate.parsed.unit) == (89.57, pytest.approx(0.8957), True, "%")
    assert form.budget_total.score.number == 9 and not form.budget_total.score.parsed.percent


def test_percent_formatted_rate_and_formula_cells():
    lines = [[N, "年度资金总额", 239.8, 239.8, 214.78, 10, 0.8956, 9]]
    form = read(standard(budget=lines), formulas=("G3", "H3"), percent=("G3",))
    rate = form.budget_total.execution_rate
    assert (rate.number, rate.parsed.percent, rate.parsed.unit, rate.parsed.decimals) == (0.8956, True, "%", 4)
    assert rate.is_formula and form.budget_total.score.is_formula
    assert not form.budget_total.spent.is_formula
    # a whole number formatted as percent keeps two decimals
    form = read(standard(budget=[[N, "年度资金总额", 100, 100, 100, 10, 1, 10]]), percent=("G3",))
    assert (form.budget_total.execution_rate.number, form.budget_total.execution_rate.parsed.decimals) == (1, 2)


# the older layout: no 分值 column, the budget line's points written in a label
@pytest.mark.parametrize("head,label,cell", [
    (["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "执行率（20分）", "得分"], "年度资金总额", "F2"),
    (["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"], "年度资金总额(20分)", "B3"),
])
def test_budget_points_written_in_a_label(head, label, cell):
    form = read(standard(budget=[[N, label, 100, 100, 95, "95%", 19]], head=head))
    total = form.budget_total
    assert total.label == "年度资金总额"
    assert (total.weight.number, total.weight.where.cell) == (20, cell)
    assert total.weight.raw == (head[5] if cell == "F2" else label)
    assert (total.score.number, total.execution_rate.number) == (19, 0.95)
    assert issues(form) == []


def test_no_budget_points_anywhere_is_said_once():
    head = ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"]
    form = read(standard(budget=[[N, "年度资金总额", 100, 100, 95, "95%", 9.5]], head=head))
    assert form.budget_total.weight is None
    assert issues(form) == [("missing_label", "info", "C2", "分值", "项目资金表头中没有“分值”列，预算执行得分无法核对")]
    assert ("预算执行得分、分值合计中的预算分值", "项目资金表头中没有“分值”列") in form.not_checked


def test_budget_header_with_no_total_row():
    form = read(standard(budget=[[N, "说明：本项目无资金"]]))
    assert form.budget_lines == []
    assert ("执行率、预算执行得分", "项目资金表头下没有“年度资金总额”一行") in form.not_checked


@pytest.mark.parametrize("goals", [GOALS, [["年度总体目标", "建设满足全市272家市直单位的统一电子政务网络线路"]]],
                         ids=["two_rows", "one_row"])
def test_goals_above_the_money_block_end_nothing(goals):
    """Some forms put 年度总体目标 first: the money block below is still read."""
    rows = HEAD + goals + [BUDGET_HEAD, TOTAL_LINE, [N, "其中：当年财政拨款", 239.8, 239.8, 214.78]] \
        + [IND_HEAD] + INDICATORS + [TOTAL]
    form = read(rows)
    head = 1 + len(goals) + 1
    assert [(line.label, line.row) for line in form.budget_lines] == [("年度资金总额", head + 1),
                                                                     ("当年财政拨款", head + 2)]
    assert form.budget_total.spent.where.cell == f"E{head + 1}"


def test_the_block_ends_at_the_indicator_header():
    lines = [TOTAL_LINE, [N, "绩效指标说明"], [N, "其他资金", 1, 1, 1]]
    form = read(standard(budget=lines))
    assert [line.label for line in form.budget_lines] == ["年度资金总额", "其他资金"]
    rows = HEAD + [BUDGET_HEAD, TOTAL_LINE, ["年度总体目标", "预期目标"], [N, "其他资金", 1, 1, 1]] \
        + [IND_HEAD] + INDICATORS + [TOTAL]
    assert [line.label for line in read(rows).budget_lines] == ["年度资金总额"]


@pytest.mark.parametrize("label,canon", [("其中：当年财政拨款", "当年财政拨款"), ("其中：本年财政拨款", "当年财政拨款"),
                                         ("其中：上年结转资金", "上年结转资金"), ("其中：其他资金", "其他资金"),
                                         ("其中:其他", "其他资金"), ("其中　其他资金", "其他资金")])
def test_part_rows_written_with_qizhong(label, canon):
    form = read(standard(budget=[TOTAL_LINE, [N, label, 1, 1, 1]]))
    assert [(line.label, line.row, line.spent.number) for line in form.budget_lines] == [
        ("年度资金总额", 3, 214.78), (canon, 4, 1)]


def test_a_repeated_budget_row_is_read_once():
    lines = [TOTAL_LINE, [N, "合计", 1, 1, 1, 10, "100%", 10], [N, "其中：其他资金", 2, 2, 2]]
    form = read(standard(budget=lines))
    assert [(line.label, line.row) for line in form.budget_lines] == [("年度资金总额", 3), ("其他资金", 5)]


def test_no_initial_budget_column():
    head = ["项目资金（万元）", N, "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    form = read(standard(budget=[[N, "年度资金总额", 239.8, 214.78, 10, "89.56%", 9]], head=head))
    total = form.budget_total
    assert total.budget_initial is None
    assert (total.budget_full_year.where.cell, total.spent.where.cell, total.score.where.cell) == ("C3", "D3", "G3")
    assert issues(form) == []


def test_unit_note_under_the_block_in_the_label_column():
    lines = [[N, "年度资金总额", 794500, 794500, 794500, 10, "100%", 10], [N, "其中：当年财政拨款", 794500, 794500, 794500],
             ["金额单位（元）"]]
    form = read(standard(budget=lines, head=["项目资金"] + BUDGET_HEAD[1:]))
    assert [line.budget_initial.number for line in form.budget_lines] == [79.45, 79.45]
    assert issues(form) == [("unit_converted", "info", "C2", "项目资金", "项目资金表头注明以“元”为单位，金额已换算为万元读取")]


# ---------------------------------------------------------------- zero total row
def test_zero_total_with_money_in_one_part_row():
    lines = [[N, "年度资金总额", 0, 0, 0, 10, 0, 0],
             [N, "其中：本年财政拨款", 90, 90, 89.974, N, "99.97%", 9.99]]
    form = read(standard(budget=lines))
    total = form.budget_total
    assert [(getattr(total, f).number, getattr(total, f).where.cell)
            for f in ("budget_initial", "budget_full_year", "spent", "execution_rate", "score")] == [
        (90, "C4"), (90, "D4"), (89.974, "E4"), (pytest.approx(0.9997), "G4"), (9.99, "H4")]
    assert total.weight.where.cell == "F3"
    assert issues(form) == [("budget_total_zero", "warning", "E3", "年度资金总额",
                             "“年度资金总额”一行的金额为 0（或空），资金填在其中“当年财政拨款”一行；"
                             "已按其中各行读取，请把合计填入年度资金总额")]


def test_zero_total_with_money_in_two_part_rows_is_summed():
    lines = [[N, "年度资金总额", N, N, N, 10, N, N],
             [N, "其中：当年财政拨款", 90, 90, 89.974, N, "99.97%", 9.99],
             [N, "上年结转资金", 10, 10, 10.5],
             [N, "其他资金"]]
    form = read(standard(budget=lines))
    total = form.budget_total
    got = [(v.raw, v.number, v.parsed.unit, v.parsed.decimals, v.where.cell)
           for v in (total.budget_initial, total.budget_full_year, total.spent)]
    assert got == [(100, 100, "万元", 0, "C4"), (100, 100, "万元", 0, "D4"),
                   (pytest.approx(100.474), pytest.approx(100.474), "万元", 3, "E4")]
    assert total.execution_rate.empty and total.score.empty   # two parts: no single rate to take
    assert issues(form) == [("budget_total_zero", "warning", "E3", "年度资金总额",
                             "“年度资金总额”一行的金额为 0（或空），资金填在其中“当年财政拨款”、“上年结转资金”一行；"
                             "已按其中各行读取，请把合计填入年度资金总额")]


def test_zero_everywhere_is_left_as_typed():
    lines = [[N, "年度资金总额", 0, 0, 0, 10, 0, 0], [N, "其中：当年财政拨款", 0, 0, 0]]
    form = read(standard(budget=lines))
    assert form.budget_total.spent.number == 0 and form.budget_total.spent.where.cell == "E3"
    assert issues(form) == []


# ---------------------------------------------------------------- the older provincial pairs
def test_money_as_label_value_pairs():
    rows = [["项目名称：电子政务外网平台建设二期"],
            ["计划安排资金\n（万元）", 437.7, "实际到位资金\n（万元）", 437.7, "实际支出\n（万元）", 430.2]] \
        + [IND_HEAD] + INDICATORS
    form = read(rows)
    (line,) = form.budget_lines
    assert (line.label, line.row) == ("年度资金总额", 2)
    assert [(v.number, v.where.cell) for v in (line.budget_initial, line.budget_full_year, line.spent)] == [
        (437.7, "B2"), (437.7, "D2"), (430.2, "F2")]
    assert ("预算执行得分", "表中的资金部分没有分值和得分") in form.not_checked


def test_no_money_at_all():
    form = read(HEAD + [IND_HEAD] + INDICATORS + [TOTAL])
    assert form.budget_lines == []
    assert ("执行率、预算执行得分", "没有找到“项目资金/年度资金总额”一栏") in form.not_checked
    assert form.budget_total is None


# ---------------------------------------------------------------- the 绩效指标 block
def levels(form):
    return [(i.level1, i.level2, i.name.text, i.level1_explicit) for i in form.indicators]


def test_indicator_values_keep_their_cells():
    form = read(standard())
    first, _, last = form.indicators
    assert (first.row, first.name.where.cell, first.target.where.cell, first.actual.where.cell,
            first.weight.where.cell, first.score.where.cell, first.deviation_note.where.cell) == (
        7, "D7", "E7", "F7", "G7", "H7", "I7")
    assert (last.target.text, last.actual.number, last.weight.number, last.score.number,
            last.deviation_note.text) == ("≥95%", 0.9, 10, 8, "部分单位业务出现过中断")
    assert (last.level1_where.cell, last.level2_where.cell, last.level1_raw, last.level2_raw) == (
        "B9", "C9", "满意度指标", "服务对象满意度指标")
    assert (form.total_weight.number, form.total_weight.where.cell) == (100, "G10")
    assert (form.total_score.number, form.total_score.where.cell) == (97, "H10")


def test_weight_column_before_the_target():
    head = ["绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分",
            "偏差原因分析及改进措施"]
    inds = [[N, "产出指标", "数量指标", "电子政务网线路数量", 50, "272", "272", 50],
            [N, "满意度指标", "服务对象满意度指标", "接入单位满意率", 50, "≥95%", "90%", 45, "部分单位业务中断"]]
    rows = HEAD + [BUDGET_HEAD, TOTAL_LINE] + [head] + inds + [["总分", N, N, N, 100, N, N, 95]]
    form = read(rows)
    got = [(i.name.text, i.weight.number, i.weight.where.cell, i.target.text, i.score.number) for i in form.indicators]
    assert got == [("电子政务网线路数量", 50, "E5", "272", 50), ("接入单位满意率", 50, "E6", "≥95%", 45)]
    assert (form.total_weight.where.cell, form.total_score.where.cell) == ("E7", "H7")


def test_merged_level1_and_blank_level1_below():
    inds = [[N, "产出指标", "数量指标", "线路数量", "272", "272", 20, 20],
            [N, N, "质量指标", "链路带宽", "1G", "1G", 20, 20],
            [N, N, N, "出口带宽", "2G", "2G", 10, 10],
            [N, N, "社会效益指标", "政务网通畅率", "≥95%", "100%", 30, 30],
            [N, "满意度指标", "服务对象满意度指标", "满意率", "≥95%", "90%", 10, 8, "中断"]]
    merged = read(standard(indicators=inds), merged=("B7:B10",))
    blank = read(standard(indicators=inds))
    assert levels(merged) == [("产出指标", "数量指标", "线路数量", True), ("产出指标", "质量指标", "链路带宽", True),
                              ("产出指标", "质量指标", "出口带宽", True), ("产出指标", "社会效益指标", "政务网通畅率", True),
                              ("满意度指标", "服务对象满意度指标", "满意率", True)]
    assert levels(blank)[3] == ("效益指标", "社会效益指标", "政务网通畅率", False)
    assert levels(blank)[2] == ("产出指标", "质量指标", "出口带宽", False)
    assert merged.indicators[3].level1_where.cell == "B7"
    assert [i.level2_where.cell for i in blank.indicators] == ["C7", "C8", "C8", "C10", "C11"]


@pytest.mark.parametrize("label,level1,weight", [
    ("产出指标\n(50)", "产出指标", 50),
    ("产出指标(50分)", "产出指标", 50),
    ("产出指标\n50分)", "产出指标", 50),
    ("产出\n指标", "产出指标", None),
    ("项目产出指标", "产出指标", None),
])
def test_broken_level_labels(label, level1, weight):
    inds = [[N, label, "数量指标", "线路数量", "272", "272", 50, 50]] + INDICATORS[1:]
    form = read(standard(indicators=inds))
    assert form.indicators[0].level1 == level1 and form.indicators[0].level1_raw == label
    got = form.level_weights.get(level1)
    assert (got.number, got.where.cell) == (weight, "B7") if weight else got is None


def test_a_lone_weight_under_a_level2_label_keeps_the_level2():
    inds = [[N, "产出指标", "数量指标", "线路数量", "272", "272", 25, 25],
            [N, N, "(25分)", "备份线路数量", "10", "10", 25, 25]] + INDICATORS[1:]
    form = read(standard(indicators=inds))
    assert [(i.level2, i.level2_raw, i.level2_where.cell) for i in form.indicators[:2]] == [
        ("数量指标", "数量指标", "C7"), ("数量指标", "数量指标", "C7")]


def test_a_lone_weight_under_its_level_label():
    inds = [[N, "产出指标", "数量指标", "线路数量", "272", "272", 25, 25],
            [N, "(50分)", "质量指标", "链路带宽", "1G", "1G", 25, 25]] + INDICATORS[1:]
    form = read(standard(indicators=inds))
    assert (form.level_weights["产出指标"].number, form.level_weights["产出指标"].where.cell) == (50, "B8")
    assert [i.level1 for i in form.indicators] == ["产出指标", "产出指标", "效益指标", "满意度指标"]
    # no 分值 column: a weight in a label has nothing to be checked against
    head = IND_HEAD[:6] + ["得分"]
    form = read(standard(indicators=[r[:6] + [r[7]] for r in inds], ind_head=head))
    assert form.level_weights == {}


@pytest.mark.parametrize("placeholder", ["……", "…", "..."])
def test_template_dots_in_a_level_cell_are_not_a_level(placeholder):
    inds = [[N, "产出指标", "数量指标", "线路数量", "272", "272", 25, 25],
            [N, placeholder, placeholder, "链路带宽", "1G", "1G", 25, 25]] + INDICATORS[1:]
    form = read(standard(indicators=inds))
    assert levels(form)[1] == ("产出指标", "数量指标", "链路带宽", False)
    assert form.indicators[1].level2_where.cell == "C7"   # the 数量指标 label above


def test_template_rows_and_breakdowns_are_not_indicators():
    inds = [[N, "产出指标", "数量指标", "种植面积", "≥1000亩", "1050亩", 20, 20],
            [N, N, N, "其中：桃树种植面积", "≥600亩", "620亩"],
            [N, N, N, "其中梨树种植面积", "≥400亩", "430亩"],
            [N, N, N, "指标1："],
            [N, N, N, "……"],
            [N, N, N, N, N, N, 3],
            [N, N, N, "2"],
            [N, N, N, N, "100%", "100%"],
            [N, N, N, "3", "≥95%", "96%", 10, 10]] + INDICATORS[1:]
    form = read(standard(indicators=inds))
    assert [i.name.text for i in form.indicators] == ["种植面积", "3", "市本级政务网通畅率", "市政务外网接入单位满意率"]
    assert form.indicators[0].breakdown == ["其中：桃树种植面积", "其中梨树种植面积"]
    assert form.indicators[1].row == 15


def test_a_breakdown_row_with_its_own_points_is_an_indicator():
    inds = [[N, "产出指标", "数量指标", "种植面积", "≥1000亩", "1050亩", 20, 20],
            [N, N, N, "其中：桃树种植面积", "≥600亩", "620亩", 10, 10]] + INDICATORS[1:]
    form = read(standard(indicators=inds))
    assert [i.name.text for i in form.indicators][:2] == ["种植面积", "其中：桃树种植面积"]
    assert form.indicators[0].breakdown == []


@pytest.mark.parametrize("merged", [("G4:G5", "H4:H5", "I4:I5", "J4:J5", "A4:F4"), ("A4:F4",)],
                         ids=["merged_down", "upper_row_only"])
def test_two_row_indicator_header(merged):
    """DOMAIN §8: Yunnan's published tables — 实际完成值/分值/得分/偏差原因 merged down
    over two rows (or written in the upper row only, the lower cells blank); the
    target split into 指标性质 · 指标值 · 度量单位."""
    rows = HEAD + [BUDGET_HEAD, TOTAL_LINE] + [
        ["绩效指标", N, N, N, N, N, "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
        ["产出指标", "数量指标", "新建供水工程", "≥", 5, "处", "5处", 20, 20],
        [N, "质量指标", "水质达标率", "正向指标", 0.95, "%", "96%", 20, 20],
        [N, "时效指标", "完工及时率", "=", "100", "%", "100%", 10, 10],
        [N, "成本指标", "工程成本", "反向", 300, "万元", "298万元", 10, 10],
        [N, "社会效益指标", "群众饮水条件", "定性", "明显改善", "个", "改善", 20, 20],
        [N, "服务对象满意度指标", "群众满意度", "大于等于", "90%", "%", "95%", 10, 10],
        ["满意度指标", "服务对象满意度指标", "受益群众满意度", N, 90, N, "95", 10, 10],
        ["总分", N, N, N, N, N, N, 100, 100]]
    form = read(rows, merged=merged, formulas=("E8",), percent=("E7",))
    got = [(i.target.raw, i.target.text, i.target.where.cell, i.actual.where.cell, i.weight.where.cell)
           for i in form.indicators]
    assert got == [("≥5处", "≥5处", "E6", "G6", "H6"), ("≥95%", "≥95%", "E7", "G7", "H7"),
                   ("=100%", "=100%", "E8", "G8", "H8"), ("≤300万元", "≤300万元", "E9", "G9", "H9"),
                   ("明显改善", "明显改善", "E10", "G10", "H10"), ("≥90%", "≥90%", "E11", "G11", "H11"),
                   ("90", "90", "E12", "G12", "H12")]
    assert form.indicators[1].target.number == pytest.approx(0.95)
    assert [i.target.is_formula for i in form.indicators] == [False, False, True, False, False, False, False]
    assert (form.total_weight.where.cell, form.total_score.where.cell) == ("H13", "I13")
    assert [i.level1 for i in form.indicators] == ["产出指标"] * 4 + ["效益指标", "满意度指标", "满意度指标"]


def test_split_weight_and_score_header_row_is_skipped():
    rows = HEAD + [BUDGET_HEAD, TOTAL_LINE] + [
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", N],
        [N, N, N, N, N, N, N, "得分"]] + INDICATORS + [TOTAL]
    form = read(rows)
    assert [(i.row, i.score.where.cell) for i in form.indicators] == [(6, "H6"), (7, "H7"), (8, "H8")]


MISSING = {
    "分值": ("绩效指标表头中没有“分值”列，该项无法核对", "分值合计、各项得分是否超过分值、扣分是否写明原因"),
    "得分": ("绩效指标表头中没有“得分”列，该项无法核对", "总分与各项得分是否相符、扣分是否写明原因"),
    "年度指标值": ("绩效指标表头中没有“年度指标值”列，该项无法核对", "按规则计分（定量指标的完成比例）"),
    "实际完成值": ("绩效指标表头中没有“实际完成值”列，该项无法核对", "按规则计分（定量指标的完成比例）"),
}


@pytest.mark.parametrize("dropped", ["分值", "得分", "年度指标值", "实际完成值", "偏差原因分析及改进措施"])
def test_a_missing_indicator_column_is_said_once(dropped):
    k = IND_HEAD.index(dropped)
    head = IND_HEAD[:k] + IND_HEAD[k + 1:]
    inds = [r[:k] + r[k + 1:] for r in INDICATORS]
    form = read(HEAD + [BUDGET_HEAD, TOTAL_LINE] + [head] + inds)
    if dropped == "偏差原因分析及改进措施":
        assert issues(form) == []
        assert ("扣分是否写明原因", "绩效指标表头中没有“偏差原因分析及改进措施”列") in form.not_checked
        assert all(i.deviation_note.empty and i.deviation_note.where.cell == "" for i in form.indicators)
        return
    message, cannot = MISSING[dropped]
    assert issues(form) == [("missing_label", "info", "B4", dropped, message)]
    assert (cannot, f"绩效指标表头中没有“{dropped}”列") in form.not_checked


def test_total_row_with_its_figures_beside_the_label():
    rows = standard()[:-1] + [["合计", 100, 97]]
    form = read(rows)
    assert (form.total_weight.number, form.total_weight.where.cell) == (100, "B10")
    assert (form.total_score.number, form.total_score.where.cell) == (97, "C10")
    # a combined score row before the 合计 row ends the indicators
    rows = standard()[:-1] + [["自评总分", 97], ["合计", 100, 97]]
    form = read(rows)
    assert len(form.indicators) == 3 and form.total_weight.where.cell == "B11"


def test_a_total_label_above_the_indicator_header_is_not_the_total():
    rows = HEAD + [BUDGET_HEAD, [N, "合计", 239.8, 239.8, 214.78, 10, "89.56%", 9]] + [IND_HEAD] + INDICATORS + [TOTAL]
    form = read(rows)
    assert form.budget_total.label == "年度资金总额" and form.budget_total.row == 3
    assert len(form.indicators) == 3
    assert form.total_score.where.cell == "H8"


# ---------------------------------------------------------------- values that cannot be read
@pytest.mark.parametrize("raw,shown", [(True, "TRUE"), (False, "FALSE"), (date(2022, 12, 31), "2022-12-31"),
                                       ("见附件", "见附件")])
def test_text_where_money_belongs(raw, shown):
    form = read(standard(budget=[[N, "年度资金总额", 239.8, 239.8, raw, 10, "89.56%", 9]]))
    assert issues(form) == [("value_unreadable", "warning", "E3", "年度资金总额.全年执行数",
                             f"“{shown}”不是金额，未计入；请填写数字")]
    assert form.read_issues[0].value == shown


@pytest.mark.parametrize("col,field", [(6, "分值"), (7, "得分")])
def test_text_where_points_belong(col, field):
    inds = [list(r) for r in INDICATORS]
    inds[0][col] = "满分"
    form = read(standard(indicators=inds))
    cell = "GH"[col - 6] + "7"
    assert issues(form) == [("value_unreadable", "warning", cell, f"指标“电子政务网线路数量”.{field}",
                             "“满分”不是数字，未计入；请填写数字")]


def test_text_in_the_budget_score_and_total():
    form = read(standard(budget=[[N, "年度资金总额", 239.8, 239.8, 214.78, "十分", "89.56%", "九分"]])[:-1]
                + [["总分", N, N, N, N, N, "一百", 97]])
    assert [(i[2], i[3], i[4]) for i in issues(form)] == [
        ("F3", "年度资金总额.分值", "“十分”不是数字，未计入；请填写数字"),
        ("H3", "年度资金总额.得分", "“九分”不是数字，未计入；请填写数字"),
        ("G10", "总分.分值", "“一百”不是数字，未计入；请填写数字")]


def test_unreadable_and_formula_error_values():
    inds = [list(r) for r in INDICATORS]
    inds[0][5] = "<!%"
    inds[1][3] = "#REF!"
    inds[2][5] = "#DIV/0!"
    form = read(standard(indicators=inds))
    got = issues(form)
    assert got[0] == ("formula_error", "error", "D8", "第 8 行指标.三级指标",
                      "单元格显示公式错误“#REF!”（公式引用或计算出错），请改正公式或改填数值")
    assert got[1][:4] == ("value_unreadable", "warning", "F7", "指标“电子政务网线路数量”.实际完成值")
    assert got[1][4].startswith("无法识别“<!%”：")
    assert got[2] == ("formula_error", "error", "F9", "指标“市政务外网接入单位满意率”.实际完成值",
                      "单元格显示公式错误“#DIV/0!”（公式引用或计算出错），请改正公式或改填数值")
    assert len(got) == 3


def test_long_indicator_names_are_shortened_in_the_field():
    inds = [list(r) for r in INDICATORS]
    inds[0][3] = "县市区政务外网备份线路租赁\n数量及带宽达标"
    inds[0][6] = "五十"
    form = read(standard(indicators=inds))
    assert issues(form)[0][3] == "指标“县市区政务外网备份线路租赁数量及带…”.分值"
    inds[0][3] = None
    inds[0][4] = "272"
    form = read(standard(indicators=inds))
    assert issues(form)[0][3] == "第 7 行指标.分值"


def test_formula_errors_in_text_fields_and_dates_where_money_belongs():
    rows = standard(budget=[[N, "年度资金总额", 239.8, 239.8, datetime(2022, 12, 31, 9, 30), 10, "89.56%", 9]])
    rows[0][1] = "#REF!"
    rows[4][5] = "#N/A"
    form = read(rows)
    assert issues(form) == [
        ("formula_error", "error", "B1", "项目名称", "单元格显示公式错误“#REF!”（公式引用或计算出错），请改正公式或改填数值"),
        ("formula_error", "error", "F5", "年度总体目标.实际完成情况",
         "单元格显示公式错误“#N/A”（公式引用或计算出错），请改正公式或改填数值"),
        ("value_unreadable", "warning", "E3", "年度资金总额.全年执行数", "“2022-12-31 09:30:00”不是金额，未计入；请填写数字")]


# The 评价等次 row as units type it: the label in A, the grade under 分值 or 得分 (G/H),
# the cells between not merged — too far for a label's value, still the row's grade.
# (the grade row,                                                  grade read, its cell)
GRADE_ROWS = [
    (["评价等次", N, N, N, N, N, "优"],                               "优", "G11"),
    (["评价等次", N, N, N, N, N, N, "良"],                            "良", "H11"),
    (["评价等次", "优"],                                              "优", "B11"),
    (["评价等次", N, N, N, N, N, N, N, "优（≥90）良（80-90）"],        "",   "B11"),  # a legend, not a grade
    (["评价等次", N, N, N, N, N, N, N, N],                            "",   "B11"),  # left blank
]


@pytest.mark.parametrize("row, grade, cell", GRADE_ROWS)
def test_grade_along_its_row(row, grade, cell):
    form = read(standard() + [list(row)])
    assert (form.grade.text, form.grade.where.cell) == (grade, cell)


# An indicator's money in 元 (a unit cost ≤5元/件): read in 万元 like every amount, but
# said only when target and actual are typed in different units.
# (target,      actual,       cells whose reading is noted)
INDICATOR_MONEY = [
    ("≤5元",       "4.8元",      []),
    ("≤50万元",    "480000元",   ["F7"]),
    ("≤500000元",  "48万元",     ["E7"]),
]


@pytest.mark.parametrize("target, actual, noted", INDICATOR_MONEY)
def test_indicator_money_noted_only_across_units(target, actual, noted):
    rows = standard(indicators=[[N, "产出指标", "成本指标", "单位运维成本", target, actual, 50, 50],
                                *INDICATORS[1:]])
    form = read(rows)
    assert [cell for _c, _s, cell, *_ in issues(form, "unit_converted")] == noted
