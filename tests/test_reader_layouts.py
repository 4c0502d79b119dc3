"""The reader finds fields by their labels whatever the layout: each variant below
writes the seed-001 电子政务网租赁 form a different way a clerk might, and every
variant must read back to the same figures."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from xltools.profiles import load_profile
from xltools.project.reader import read_forms
from xltools.project.report import check_file
from xltools.containers.workbook import load_book

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# 电子政务网租赁 (seed 001): level1, level2, indicator, target, actual, weight, score, note
INDICATORS = [
    ("产出指标", "数量指标", "电子政务网线路数量", "政务外网线路272（400家内包干）", "272", 5, 5, ""),
    ("产出指标", "数量指标", "市政务外网县市区备份线路租赁数量", "10", "10", 5, 5, ""),
    ("产出指标", "质量指标", "市政务外网链路带宽", "1G", "1G", 10, 10, ""),
    ("产出指标", "质量指标", "市政务外网县市区备份线路链路带宽", "1G", "1G", 5, 5, ""),
    ("产出指标", "质量指标", "市政务外网互联网出口带宽", "2G", "2G", 10, 10, ""),
    ("产出指标", "时效指标", "申请单位年内接入完成率", "100%", "100%", 5, 5, ""),
    ("产出指标", "成本指标", "市政务外网线路租赁费用", "≤220", "195.7", 5, 5, ""),
    ("产出指标", "成本指标", "县市区政务外网备份线路租赁费用", "≤19.8万元", "19.8", 5, 5, ""),
    ("效益指标", "社会效益指标", "市本级政务网通畅率", "≥95%", "100%", 15, 15, ""),
    ("效益指标", "社会效益指标", "县市区政务网通畅率", "≥90%", "100%", 15, 15, ""),
    ("满意度指标", "服务对象满意度指标", "市政务外网接入单位满意率", "≥95%", "90%", 5, 3,
     "部分单位部署在政务外网业务出现过中断情况。"),
    ("满意度指标", "服务对象满意度指标", "县市区备份线路接入单位满意率", "≥90%", "90%", 5, 5, ""),
]


@dataclass(frozen=True)
class Variant:
    title: bool = False           # a merged title row above the form
    col0: int = 1                 # first column of the form
    gap_rows: int = 0             # blank rows inserted between blocks
    name_label: str = "项目名称"
    header_one_row: bool = True   # name / 主管部门 / 实施单位 on one row
    merge_level1: bool = True     # 一级 merged down, or written once and left blank below
    blank_level2: bool = True     # 二级 written once per group, blank below
    level1_weights: bool = False  # 产出指标(50分)
    broken_labels: bool = False   # 年初\n预算数, 一级\n指标, 社会效\n益指标, full-width spaces
    money: str = "number"         # number | wanyuan_text | yuan_text
    rate: str = "text"            # text | percent_number | plain_number
    inline_header: bool = False   # 项目名称：… / 主管部门：… written in one cell
    header_suffix: bool = False   # 年度指标值（A）, 全年预算数（万元）


VARIANTS = {
    "plain": Variant(),
    "title_and_shift": Variant(title=True, col0=3),
    "gaps_and_blank_level1": Variant(gap_rows=2, merge_level1=False),
    "word_paste": Variant(name_label="项目支\n出名称", header_one_row=False, level1_weights=True,
                          broken_labels=True, merge_level1=True),
    "money_as_text": Variant(money="wanyuan_text", rate="percent_number"),
    "money_in_yuan": Variant(money="yuan_text", rate="plain_number", merge_level1=False, gap_rows=1),
    "inline_labels": Variant(inline_header=True, header_suffix=True, title=True),
}


def write_form(path: Path, v: Variant) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "电子政务网租赁"
    c0 = v.col0
    r = 1

    def put(row, col, value, fmt=None):
        cell = ws.cell(row=row, column=c0 + col, value=value)
        if fmt:
            cell.number_format = fmt

    def lbl(text):
        if v.header_suffix and text in ("年度指标值", "实际完成值", "全年预算数", "全年执行数"):
            return text + {"年度指标值": "（A）", "实际完成值": "（B）"}.get(text, "（万元）")
        if not v.broken_labels:
            return text
        return {"年初预算数": "年初\n预算数", "全年预算数": "全年\n预算数", "全年执行数": "全年\n执行数",
                "一级指标": "一级\n指标", "年度指标值": "年度\n指标值", "实际完成值": "实际\n完成值",
                "社会效益指标": "社会效\n益指标", "经济效益指标": "经济效\n益指标",
                "年度资金总额": "年度资金总额　", "满意度指标": "满意度\n指标"}.get(text, text)

    if v.title:
        put(r, 0, "2022年度项目支出绩效自评表")
        ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c0 + 8)
        r += 2
    if v.inline_header:
        put(r, 0, f"{v.name_label}：株洲市电子政务网租赁")
        put(r, 3, "主管部门：株洲市行政审批服务局")
        put(r, 6, "实施单位：　株洲市行政审批服务局")
        r += 1
    elif v.header_one_row:
        for i, text in enumerate([v.name_label, "株洲市电子政务网租赁　", "主管部门", "株洲市行政审批服务局",
                                  "实施单位", "　株洲市行政审批服务局"]):
            put(r, i if i < 2 else i + 1, text)
        r += 1
    else:
        for label, value in ((v.name_label, "株洲市电子政务网租赁　"), ("主管部门", "株洲市行政审批服务局"),
                             ("实施单位", "　株洲市行政审批服务局")):
            put(r, 0, label)
            put(r, 1, value)
            ws.merge_cells(start_row=r, start_column=c0 + 1, end_row=r, end_column=c0 + 8)
            r += 1
    r += v.gap_rows
    put(r, 0, "项目资金\n（万元）")
    ws.merge_cells(start_row=r, start_column=c0, end_row=r + 4, end_column=c0)
    for i, text in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        put(r, 2 + i, lbl(text))
    money = {"number": lambda x: x, "wanyuan_text": lambda x: f"{x:g}万元",
             "yuan_text": lambda x: f"{round(x * 10000):d}元"}[v.money]
    rate_cell = {"text": ("89.56%", None), "percent_number": (0.8956, "0.00%"),
                 # money in 元 is exact to 0.0001 万元, so 214.78/239.8 = 89.566 % must round to 89.57
                 "plain_number": (89.57, None)}[v.rate]
    rows = [("年度资金总额", 239.8, 239.8, 214.78, 10, rate_cell, 9),
            ("其中：当年财政拨款", 239.8, 239.8, 214.78, None, (None, None), None),
            ("上年结转资金", None, None, None, None, (None, None), None),
            ("其他资金", None, None, None, None, (None, None), None)]
    for k, (label, a, b, c, w, (rv, rf), s) in enumerate(rows, start=1):
        put(r + k, 1, lbl(label))
        for i, x in enumerate((a, b, c)):
            if x is not None:
                put(r + k, 2 + i, money(x))
        put(r + k, 5, w)
        put(r + k, 6, rv, rf)
        put(r + k, 7, s)
    r += 5 + v.gap_rows
    put(r, 0, "年度总体目标")
    put(r, 1, "预期目标")
    put(r, 5, "实际完成情况")
    put(r + 1, 1, "建设满足全市272家市直单位的统一电子政务网络线路")
    put(r + 1, 5, "已满足全市市直政务外网申请单位和县市区政务网络接入")
    r += 2 + v.gap_rows
    put(r, 0, "绩\n效\n指\n标")
    for i, text in enumerate(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                              "偏差原因分析及改进措施"]):
        put(r, 1 + i, lbl(text))
    first = r + 1
    prev1 = prev2 = None
    group_start = first
    for k, (l1, l2, name, target, actual, w, s, note) in enumerate(INDICATORS):
        row = first + k
        if l1 != prev1:
            if prev1 is not None and v.merge_level1 and row - 1 > group_start:
                ws.merge_cells(start_row=group_start, start_column=c0 + 1, end_row=row - 1, end_column=c0 + 1)
            label = l1 + ({"产出指标": "\n(50分)", "效益指标": "\n（30分）", "满意度指标": "\n（10分）"}[l1]
                          if v.level1_weights else "")
            put(row, 1, lbl(label) if not v.level1_weights else label)
            group_start = row
        if l2 != prev2 or not v.blank_level2:
            put(row, 2, lbl(l2))
        for i, x in enumerate((name, target, actual, w, s, note)):
            put(row, 3 + i, x if x != "" else None)
        prev1, prev2 = l1, l2
    last = first + len(INDICATORS) - 1
    if v.merge_level1 and last > group_start:
        ws.merge_cells(start_row=group_start, start_column=c0 + 1, end_row=last, end_column=c0 + 1)
    ws.merge_cells(start_row=r, start_column=c0, end_row=last, end_column=c0)
    total = last + 1
    put(total, 0, "总分")
    put(total, 6, 100)
    put(total, 7, 97)
    wb.save(path)


@pytest.fixture(scope="module")
def read_variants(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    out = {}
    for name, variant in VARIANTS.items():
        path = folder / f"{name}.xlsx"
        write_form(path, variant)
        out[name] = check_file(path, load_profile())
    return out


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_layout_reads_the_same(read_variants, name):
    result = read_variants[name]
    assert result.status == "ok", result.error
    (c,) = result.checked
    rec = c.record()
    assert rec["name"] == "株洲市电子政务网租赁"
    assert rec["department"] == "株洲市行政审批服务局"
    assert rec["unit"] == "株洲市行政审批服务局"
    assert (rec["budget_initial"], rec["budget_full_year"], rec["spent"]) == (239.8, 239.8, 214.78)
    assert rec["budget_score"] == 9
    assert rec["weight_total"] == 100 and rec["score_total"] == 97
    got = [(i["level1"], i["level2"], i["indicator"], i["weight"], i["score"]) for i in rec["indicators"]]
    assert got == [(l1, l2, n, w, s) for l1, l2, n, _t, _a, w, s, _ in INDICATORS]
    codes = [i.code for i in c.issues if i.severity != "info" and i.code != "unit_converted"]
    assert codes == [], [(i.code, i.cell, i.message) for i in c.issues]


def test_values_keep_their_cells(read_variants):
    (c,) = read_variants["title_and_shift"].checked
    form = c.form
    assert form.name.where.cell == "D3"          # title row + blank row, form starts at column C
    assert form.budget_total.spent.where.cell == "G5"
    assert form.indicators[0].score.where.cell == "J12"


def test_rates_as_text_numbers_or_percent_format(read_variants):
    for name in ("plain", "money_as_text", "money_in_yuan"):
        (c,) = read_variants[name].checked
        assert c.form.budget_total.execution_rate.number == pytest.approx(0.8956, abs=1.5e-4), name


def test_level_weights_from_labels(read_variants):
    (c,) = read_variants["word_paste"].checked
    assert {k: v.number for k, v in c.form.level_weights.items()} == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}


def test_blank_level1_is_inferred_from_level2_but_merged_level1_is_not(tmp_path):
    """窗口补贴 in seed 001 has 社会效益指标 with no 效益指标 row above it: when the 一级
    cell is blank the 二级 tells where it belongs; when a merged 产出指标 covers it,
    the form says something wrong and level_mismatch is reported."""
    rows = [("产出指标", "数量指标", "发放人数", "220", "261", 10, 10),
            (None, "社会效益指标", "考勤结果公开率", ">98%", "100%", 10, 10)]
    for merged, expect in ((False, []), (True, ["level_mismatch"])):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["项目名称", "窗口补贴"])
        ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
        for row in rows:
            ws.append(list(row))
        if merged:
            ws.merge_cells("A3:A4")
        ws.append(["总分", None, None, None, None, 100, 20])
        path = tmp_path / f"m{merged}.xlsx"
        wb.save(path)
        (form,) = read_forms(load_book(path)).forms
        assert form.indicators[1].level1 == ("产出指标" if merged else "效益指标")
        codes = [i.code for i in check_file(path, load_profile()).checked[0].issues if i.code == "level_mismatch"]
        assert codes == expect


def test_both_xlsx_readers_agree_on_examples(monkeypatch):
    """The fast path (calamine + a scan of the sheet XML) and the streaming reader
    read the examples to the same records."""
    import xltools.containers.xlsx as xlsx_reader

    profile = load_profile()
    for path in sorted((EXAMPLES / "submissions").glob("*.xlsx")) + [EXAMPLES / "department" / "部门整体支出.xlsx"]:
        a = check_file(path, profile)
        with monkeypatch.context() as m:
            m.setattr(xlsx_reader, "_read_fast", lambda *args, **kw: None)
            b = check_file(path, profile)
        assert [c.record() for c in a.checked] == [c.record() for c in b.checked], path


def test_forms_stacked_on_one_sheet_are_all_read(tmp_path):
    """A whole Word document pasted into one sheet: every form is read, none lost,
    and each value keeps its real cell."""
    single = tmp_path / "one.xlsx"
    write_form(single, VARIANTS["plain"])
    src = openpyxl.load_workbook(single).active
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    offsets = (0, src.max_row + 3, 2 * (src.max_row + 3))
    for k, offset in enumerate(offsets):
        for row in src.iter_rows():
            for cell in row:
                ws.cell(cell.row + offset, cell.column, cell.value)
        for m in src.merged_cells.ranges:
            ws.merge_cells(start_row=m.min_row + offset, start_column=m.min_col,
                           end_row=m.max_row + offset, end_column=m.max_col)
        ws.cell(1 + offset, 2, f"项目{k + 1}")  # each form its own name
    path = tmp_path / "stacked.xlsx"
    wb.save(path)
    result = check_file(path, load_profile())
    assert [c.record()["name"] for c in result.checked] == ["项目1", "项目2", "项目3"]
    for k, c in enumerate(result.checked):
        assert c.record()["score_total"] == 97 and c.record()["weight_total"] == 100
        assert c.form.name.where.cell == f"B{1 + offsets[k]}"
        assert [i.code for i in c.issues if i.severity != "info"] == []
