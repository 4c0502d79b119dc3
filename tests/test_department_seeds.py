"""Seed 001 (株洲, 附件1-1 / 附件1-2) and seed 002 (君山, 收支情况 and 评分表) typed
into workbooks the way the seeds show them — full-width spaces, `——`, text
numbers, `98%` — and read back by xltools.department.readers.

The builders are imported by the other tests/test_department_*.py files.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xltools.department.locate import Cells, label_key, split_inline
from xltools.department.readers import (
    read_basic_data, read_budget_block, read_department, read_score_sheet, read_unit_tables,
)
from xltools.profiles import load_profile
from xltools.containers.workbook import load_book

F = "\u3000"  # the full-width space clerks type

# ---------------------------------------------------------------- seed 001

#: 附件1-1 基础数据表, rows as in seed 001 (label column A, figures B–D; the
#: 楼堂馆所 block B–G).
SEED001_BASIC = [
    ["附件1-1"],
    ["2022年度部门整体支出绩效评价基础数据表"],
    ["财政供养人员情况（人）", "编制数", "2022年实际在职人数", "控制率"],
    [None, F + "43", "42" + F, F + "98%"],
    ["经费控制情况（万元）", "2021年决算数", "2022年预算数", "2022年决算数"],
    ["三公经费", "13.42" + F, F + "11.26", "11.26" + F],
    ["   1、公务用车购置和维护经费", "11.44" + F, "10.23", F + "10.23"],
    ["       其中：公车购置", "0" + F, F + "0", F + "0"],
    ["             公车运行维护", "11.44" + F, "10.23" + F, F + "10.23"],
    ["   2、出国经费", "0" + F, F + "0", F + "0"],
    ["   3、公务接待", "1.98" + F, F + "1.03", F + "1.03"],
    ["项目支出：", "776.09" + F, F + "1645.68", F + "1645.68"],
    ["    1、业务工作经费", 0, 351.33, 351.33],
    ["    2、运行维护经费", F + "0", "0" + F, F + "0"],
    ["……", None, None, None],
    ["3、市级专项资金（一个专项一行）", "776.09" + F, "1294.35" + F, "1294.35" + F],
    ["电子政务网租赁", 239.8, 214.7833, 214.7833],
    ["一件事一次办", 140, 22, 22],
    ["窗口补贴", 160, 65.61, 65.61],
    ["数字化专班", 34.55, 64.5419, 64.5419],
    ["市民中心大厅运转经费", None, 31.8174, 31.8174],
    ["项目技术审查会相关经费", None, 62.725, 62.725],
    ["邮政快递", None, 146.0591, 146.0591],
    ["信创产品全面替代工程专项经费", None, 83.51, 83.51],
    ["电子政务网络安全服务", None, 240, 240],
    [None, None, None, None],
    ["公用经费", 619.86, 562.47, F + "562.47"],
    ["    其中：办公经费", 417.88, 346.67, 346.67],
    ["          水费、电费、差旅费", F + "200.6", 209.12, 209.12],
    ["          会议费、培训费", F + "1.38", "6.68" + F, "6.68" + F],
    ["政府采购金额", "——", F + "928.95", F + "928.95"],
    ["部门基本支出预算调整 ", "——", F + "958.08", "958.08" + F],
    ["楼堂馆所控制情况\n（2022年完工项目）", "批复规模\n（㎡）", "实际规模（㎡）", "规模控制率",
     "预算投资（万元）", "实际投资（万元）", "投资概算控制率"],
    [None, "0" + F, F + "0", F + "0", F + "0", F + "0", F + "0"],
    ["厉行节约保障措施", "冬季连续一周低于15度，夏季连续一周高于25度才能开启空调" + F],
]

#: 附件1-2 部门整体支出绩效自评表, rows as in seed 001.
SEED001_SELF = [
    ["附件1-2"],
    ["2022年度部门整体支出绩效自评表"],
    ["市级预算部门名称", "株洲市行政审批服务局" + F],
    ["年度预\n\n算申请\n（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [None, "年度资金总额", 1878.11, 2252.43, 2252.43, 10, "100%", 10],
    [None, "按收入性质分：", "按支出性质分："],
    [None, "  其中：  一般公共预算：", "其中：基本支出：958.07"],
    [None, "政府性基金拨款：", "项目支出：1294.35"],
    [None, "纳入专户管理的非税收入拨款：", None],
    [None, "其他资金：", None],
    ["年度总体目标", "预期目标", "实际完成情况" + F],
    [None, "一、打造“一件事一次办”升级版", "（一）扎实开展“一件事一次办”升级版攻坚行动"],
    ["绩\n\n效\n\n指\n\n标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
     "得分", "偏差原因分析及改进措施"],
    [None, "产出指标\n\n(50分)", "数量指标", "服务面积", "2.26万平方", "2.26万平方", 10, 9, F],
    [None, None, None, "政府采购执行率", "100%", "99%", 10, 9.9, F + "零星采购未进政府采购目录"],
    [None, None, "质量指标", "上级年度重点工作完成交办下达率", F + ">99%", F + ">99%", F + "10", F + "10", F],
    [None, None, None, "政务服务“好差评”全省排名", F + "上升", F + "长株潭地区第一", F + "10", F + "10", F],
    [None, None, "时效指标", "工作按期完成率", F + ">99%", F + ">99%", F + "10", 10, F],
    [None, "效益指标\n\n（30分）\n\n" + F, "经济效益\n\n指标", "创新建立市本级项目年度计划节约政府性资金",
     F + "节约", F + "2..23亿元", F + "10", F + "10", F],
    [None, None, None, "完成各类收费", F + "1亿", F + "1.19亿元", F + "10", F + "10", F],
    [None, None, None, "办件数", "100万件", F + "121.4808万件", F + "10", F + "10", F],
    [None, "满意度\n\n指标\n\n（10分）", "服务对象满意度指标", "市民办事满意度", F + "99%", F + "98%",
     F + "10", F + "9.8", F],
    ["总分", None, None, None, None, None, 100, F + "98.7", F],
]

# ---------------------------------------------------------------- seed 002

#: 基本概况 and 收支情况 tables of seed 002 (one sheet, as pasted from Word).
SEED002_REPORT = [
    ["一、部门（单位）基本概况"],
    ["联系人", "刘为", "联络电话", "0730-8178158"],
    ["人员编制", 18, "实有人数", 33],
    [],
    ["二、部门（单位）收支情况"],
    ["年度收入情况（万元）"],
    ["机构名称", "收入合计", "其中："],
    [None, None, "上年结转", "公共财\n政拨款", "政府基金拨款", "纳入专户管理的非税收入拨款", "其他\n收入"],
    ["局机关及二级机构汇总", 3179.61, 452.65, 2726.95, None, None, None],
    ["1、局机关"],
    ["2、二级机构1"],
    ["3、二级机构2"],
    ["部门（单位）年度支出和结余情况（万元）"],
    ["机构名称", "支出合计", "其中：", None, None, None, "结余"],
    [None, None, "基本支出", "其中：", None, "项目支出", "当年结余", "累计结余"],
    [None, None, None, "人员支出", "公用支出"],
    ["局机关及二级机构汇总", 3179.61, 219.75, 195.7, 24.05, 2959.85, None, None],
    ["1、局机关", 3179.61, 219.75, 195.7, 24.05, 2959.85, None, None],
    ["2、二级机构1"],
    ["3、二级机构2"],
    [],
    ["机构名称", "三公经费\n合计", "其中："],
    [None, None, "公务接待费", "公务用车运维费", "公务用车购置费", "因公出国费"],
    ["局机关及二级机构汇总", 3.86, 3.86, None, None, None],
    ["1、局机关", 3.86, 3.86, None, None, None],
    ["2、二级机构1"],
    ["3、二级机构2"],
    [],
    ["机构名称", "固定资产\n合计", "其中：", None, "其他"],
    [None, None, "在用固定资产", "出租固定资产"],
    ["局机关及二级机构汇总", 993.18, 993.18, None, None],
    ["1、局机关", 993.18, 993.18, None, None],
    ["2、二级机构1"],
    ["3、二级机构2"],
]

_H = ["一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因和其他说明"]
#: 部门整体支出绩效评价评分表 of seed 002 (standards abbreviated; names and
#: figures as written, line breaks included).
SEED002_SCORES = [
    ["部门整体支出绩效评价评分表"],
    _H,
    ["投  入\n（15分）", "预算配置\n（15分）", "财政供养人员\n控制率", "以100%为标准……", 5, 5, None],
    [None, None, "“三公经费”\n变动率", "“三公经费”变动率≦0,计5分……", 5, 5, None],
    [None, None, "重点支出\n安排率", "重点支出安排率≥90%，计5分……", 5, 5, None],
    ["过  程\n（40分）", "预算执行\n（15分）", "预算调整率", "预算调整率=0，计3分……", 3, 3, None],
    [None, None, "支付进度", "每出现一个专项未按进度完成资金下达扣0.5分", 3, 3, None],
    [None, None, "资金结余", "无结余，3分……", 3, 3, None],
    [None, None, "“三公经费”\n控制率", "以100%为标准……", 6, 6, None],
    [None, "预算管理\n（15分）", "管理制度\n健全性", "①……", 3, 3, None],
    [None, None, "资金使用\n合规性", "①……", 3, 3, None],
    [None, None, "预决算信息公开性和完善性", "①……", 3, 3, None],
    [None, F, "政府采购\n执行率", "政府采购执行率等于100%的，得3分……", 3, 3, None],
    [None, None, "公务卡刷卡率", "公务卡刷卡率达50％以上的，得3分……", 3, 2, "公务刷卡率未达50%"],
    [None, "资产管理\n（10分）", "管理制度\n健全性", "①……", 3, 2, "资产调拨不及时"],
    _H,
    ["过  程\n（40分）", "资产管理\n（10分）", "资产管理\n安全性", "①……", 4, 4, None],
    [None, None, "固定资产\n利用率", "每低于100%一个百分点扣0.1分", 3, 3, None],
    ["产  出（25分）", "职责履行\n（25分）", "推进全面小康建设指标任务完成情况", "……", 5, 5, None],
    [None, None, "建设湖南新增极目标任务完成情况", None, 7, 7, None],
    [None, None, "《政府工作报告》目标任务完成情况", None, 5, 5, None],
    [None, None, "省市重点民生实事完成情况", None, 2, 2, None],
    [None, None, "省市重点工程和重大项目建设完成情况", None, 2, 2, None],
    [None, None, "其他工作实绩指标完成情况", None, 4, 4, None],
    ["效  果\n（20分）", "履职效益\n（20分）", "经济效益", "此三项指标为……共性要素", 15, 5, None],
    [None, None, "社会效益", None, None, 5, None],
    [None, None, "生态效益", None, None, 5, None],
    [None, None, "社会公众或服务对象满意度", "95%（含）以上计5分……", 5, 5, None],
    ["总 分", None, None, None, 100, 98, None],
]


def _fill(ws, rows) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)


def build_seed001(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基础数据表"
    _fill(ws, SEED001_BASIC)
    ws.merge_cells("A3:A4")
    _fill(wb.create_sheet("部门整体支出绩效自评表"), SEED001_SELF)
    wb.save(path)
    return path


def build_seed002(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评报告"
    _fill(ws, SEED002_REPORT)
    ws2 = wb.create_sheet("评分表")
    _fill(ws2, SEED002_SCORES)
    ws2.merge_cells("E25:E27")  # 经济/社会/生态效益 share one 分值 cell: 15
    wb.save(path)
    return path


@pytest.fixture
def seed001(tmp_path):
    return load_book(build_seed001(tmp_path / "株洲_部门整体支出.xlsx"))


@pytest.fixture
def seed002(tmp_path):
    return load_book(build_seed002(tmp_path / "君山_部门整体支出.xlsx"))


# ---------------------------------------------------------------- labels

LABELS = [
    # cell text                               label_key
    ("   1、公务用车购置和维护经费", "公务用车购置和维护经费"),
    ("       其中：公车购置", "公车购置"),
    ("“三公经费”\n变动率", "三公经费变动率"),
    ("政府性基金拨款：", "政府性基金拨款"),
    ("财政供养人员情况（人）", "财政供养人员情况"),
    ("3、市级专项资金（一个专项一行）", "市级专项资金(一个专项一行)"),  # NFKC folds （）
    ("项目支出：", "项目支出"),
]


@pytest.mark.parametrize("text,expected", LABELS)
def test_label_key(text, expected):
    assert label_key(text) == expected


INLINE = [
    # cell text                       label          figure
    ("其中：基本支出：958.07", "基本支出", "958.07"),
    ("  其中：  一般公共预算：", "一般公共预算", ""),
    ("项目支出：1294.35", "项目支出", "1294.35"),
    ("其中：基本支出", "基本支出", ""),
]


@pytest.mark.parametrize("text,label,figure", INLINE)
def test_split_inline(text, label, figure):
    assert split_inline(text) == (label, figure)


# ---------------------------------------------------------------- 基础数据表

def _basic(book):
    return read_basic_data(Cells(book.sheet("基础数据表"), book.path))


def test_seed001_staff(seed001):
    basic = _basic(seed001)
    assert basic.staff_quota.number == 43 and basic.staff_quota.where.cell == "B4"
    assert basic.staff_actual.number == 42 and basic.staff_actual.where.cell == "C4"
    assert basic.staff_rate.number == pytest.approx(0.98) and basic.staff_rate.where.cell == "D4"


FUNDS = [
    # key                 label in the seed            上年决算  本年预算  本年决算  row
    ("three_public", 13.42, 11.26, 11.26, 6),
    ("car", 11.44, 10.23, 10.23, 7),
    ("car_purchase", 0, 0, 0, 8),
    ("car_running", 11.44, 10.23, 10.23, 9),
    ("abroad", 0, 0, 0, 10),
    ("reception", 1.98, 1.03, 1.03, 11),
    ("projects", 776.09, 1645.68, 1645.68, 12),
    ("business", 0, 351.33, 351.33, 13),
    ("operation", 0, 0, 0, 14),
    ("specials", 776.09, 1294.35, 1294.35, 16),
    ("public_funds", 619.86, 562.47, 562.47, 27),
    ("office", 417.88, 346.67, 346.67, 28),
    ("utilities_travel", 200.6, 209.12, 209.12, 29),
    ("meetings_training", 1.38, 6.68, 6.68, 30),
    ("procurement", None, 928.95, 928.95, 31),
    ("basic_spending", None, 958.08, 958.08, 32),
]


@pytest.mark.parametrize("key,last,budget,final,row", FUNDS)
def test_seed001_funds(seed001, key, last, budget, final, row):
    line = _basic(seed001).funds[key]
    assert (line.last_final.number, line.budget.number, line.final.number) == (last, budget, final)
    assert line.row == row and line.final.where.cell == f"D{row}"


def test_seed001_procurement_dash_is_empty(seed001):
    line = _basic(seed001).funds["procurement"]
    assert line.last_final.empty and line.last_final.raw == "——"


def test_seed001_column_headers_by_year(seed001):
    assert _basic(seed001).column_headers == {
        "last_final": "2021年决算数", "budget": "2022年预算数", "final": "2022年决算数"}


def test_seed001_special_funds(seed001):
    projects = _basic(seed001).projects
    assert [p.label for p in projects] == [
        "电子政务网租赁", "一件事一次办", "窗口补贴", "数字化专班", "市民中心大厅运转经费",
        "项目技术审查会相关经费", "邮政快递", "信创产品全面替代工程专项经费", "电子政务网络安全服务"]
    assert projects[0].final.number == 214.7833 and projects[4].last_final.empty


def test_seed001_buildings_and_frugality(seed001):
    basic = _basic(seed001)
    assert basic.buildings["批复规模"].number == 0 and basic.buildings["投资概算控制率"].where.cell == "G34"
    assert basic.frugality.text.startswith("冬季连续一周低于15度")


def test_columns_found_by_words_without_years(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    _fill(ws, [["经费控制情况（万元）", "本年决算数", "上年决算数", "本年预算数"],
               ["三公经费", 9, 10, 12]])
    wb.save(tmp_path / "x.xlsx")
    line = _basic_any(load_book(tmp_path / "x.xlsx")).funds["three_public"]
    assert (line.last_final.number, line.budget.number, line.final.number) == (10, 12, 9)


def _basic_any(book):
    return read_basic_data(Cells(book.sheets[0], book.path))


# ---------------------------------------------------------------- 附件1-2

def test_seed001_budget_block(seed001):
    block = read_budget_block(Cells(seed001.sheet("部门整体支出绩效自评表"), seed001.path))
    total = block.total
    assert (total.budget_initial.number, total.budget_full_year.number, total.spent.number) == \
        (1878.11, 2252.43, 2252.43)
    assert total.weight.number == 10 and total.execution_rate.number == 1.0 and total.score.number == 10
    assert total.spent.where.cell == "E5"
    assert block.by_use["basic"].spent.number == 958.07
    assert block.by_use["basic"].spent.where.cell == "C7"
    assert block.by_use["projects"].spent.number == 1294.35
    assert set(block.by_source) == {"general", "fund", "special_account", "other"}
    assert block.by_source["general"].spent is None
    assert block.department.text.strip() == "株洲市行政审批服务局"


# ---------------------------------------------------------------- seed 002

def test_seed002_unit_tables(seed002):
    tables = read_unit_tables(Cells(seed002.sheet("自评报告"), seed002.path))
    assert [r.name.text for r in tables["income"].rows] == ["局机关及二级机构汇总", "1、局机关",
                                                           "2、二级机构1", "3、二级机构2"]
    income = tables["income"].summary
    assert income.name.text == "局机关及二级机构汇总"
    assert income.values["income_total"].number == 3179.61
    assert income.values["carryover"].number == 452.65
    assert income.values["general"].number == 2726.95
    spending = tables["spending"]
    assert [r.name.text for r in spending.rows] == ["局机关及二级机构汇总", "1、局机关", "2、二级机构1",
                                                    "3、二级机构2"]
    s = spending.summary.values
    assert (s["spending_total"].number, s["basic"].number, s["personnel"].number,
            s["public"].number, s["projects"].number) == (3179.61, 219.75, 195.7, 24.05, 2959.85)
    assert s["balance"].empty
    assert tables["three_public"].summary.values["reception"].number == 3.86
    fixed = tables["fixed_assets"].summary.values
    assert fixed["total"].number == 993.18 and fixed["in_use"].number == 993.18
    assert fixed["in_use"].where.cell == "C31"


def test_seed002_score_sheet(seed002):
    sheet = read_score_sheet(Cells(seed002.sheet("评分表"), seed002.path))
    assert len(sheet.rows) == 25
    first = sheet.rows[0]
    assert (first.level1, first.level2, first.indicator.text) == ("投入", "预算配置", "财政供养人员\n控制率")
    assert first.self_score.number == 5 and first.self_score.where.cell == "F3"
    card = [r for r in sheet.rows if r.indicator.text == "公务卡刷卡率"][0]
    assert card.self_score.number == 2 and card.reason.text == "公务刷卡率未达50%"
    assets = [r for r in sheet.rows if r.indicator.text == "管理制度\n健全性"]
    assert [r.level2 for r in assets] == ["预算管理", "资产管理"]
    economic = [r for r in sheet.rows if r.indicator.text == "经济效益"][0]
    assert economic.weight.number == 15 and economic.weight_rows == 3
    assert sheet.total_score.number == 98 and sheet.total_weight.number == 100


def test_seed002_inputs(seed002):
    data = read_department(seed002, load_profile("hunan-dept", kind="department"))
    inputs = data.inputs
    assert inputs["staff_quota"].number == 18 and inputs["staff_quota"].where.cell == "B3"
    assert inputs["staff_actual"].number == 33 and inputs["staff_actual"].where.cell == "D3"
    assert inputs["carryover_last_year"].number == 452.65
    assert inputs["fixed_assets_in_use"].number == 993.18
    assert "balance" not in inputs and "satisfaction" not in inputs


def test_seed001_inputs(seed001):
    data = read_department(seed001, load_profile("hunan-dept", kind="department"))
    env = data.env()
    assert env["staff_quota"] == 43 and env["staff_actual"] == 42
    assert (env["three_public_last_final"], env["three_public_budget"], env["three_public_final"]) == \
        (13.42, 11.26, 11.26)
    assert (env["budget_initial"], env["budget_full_year"], env["spent"]) == (1878.11, 2252.43, 2252.43)
    assert (env["procurement_budget"], env["procurement_actual"]) == (928.95, 928.95)
    assert env["project_spending"] == 1645.68
    assert "key_project_spending" not in env and "satisfaction" not in env


VARIANTS = [
    # how another form words the rows                 key found
    ("“三公”经费", "three_public"),
    ("1、公务用车购置及运行维护费", "car"),
    ("其中：公务用车购置费", "car_purchase"),
    ("公务用车运行维护费", "car_running"),
    ("2、因公出国（境）费", "abroad"),
    ("3、公务接待费", "reception"),
    ("项目支出合计", "projects"),
    ("公用经费合计", "public_funds"),
    ("其中：办公费", "office"),
    ("水电费、差旅费", "utilities_travel"),
    ("会议费、培训费", "meetings_training"),
    ("政府采购金额", "procurement"),
    ("部门基本支出预算调整", "basic_spending"),
]


@pytest.mark.parametrize("label,key", VARIANTS)
def test_fund_row_wordings(tmp_path, label, key):
    wb = openpyxl.Workbook()
    _fill(wb.active, [["经费控制情况（万元）", "上年决算数", "本年预算数", "本年决算数"],
                      [label, 1, 2, 3]])
    wb.save(tmp_path / "x.xlsx")
    funds = _basic_any(load_book(tmp_path / "x.xlsx")).funds
    assert list(funds) == [key] and funds[key].final.number == 3


def test_fund_named_like_a_category_is_a_fund(tmp_path):
    wb = openpyxl.Workbook()
    _fill(wb.active, [["经费控制情况（万元）", "2021年决算数", "2022年预算数", "2022年决算数"],
                      ["项目支出", 10, 20, 20],
                      ["会议培训专项经费", 4, 5, 5],
                      ["政府采购代理服务费", 6, 15, 15],
                      ["公用经费", 1, 1, 1],
                      ["政府采购金额", None, 30, 29]])
    wb.save(tmp_path / "x.xlsx")
    basic = _basic_any(load_book(tmp_path / "x.xlsx"))
    assert [p.label for p in basic.projects] == ["会议培训专项经费", "政府采购代理服务费"]
    assert basic.funds["procurement"].final.number == 29 and "meetings_training" not in basic.funds
