"""`evaluate_book` and `xltools evaluate` on seed 001 and seed 002 as typed,
against lines worked out by hand from the seeds' own figures."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from xltools.cli import main
from xltools.department.evaluate import evaluate_book, evaluate_file, render_report
from xltools.core.errors import NoFormError
from xltools.containers.workbook import load_book

from test_department_seeds import build_seed001, build_seed002

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "department" / "部门整体支出.xlsx"

# Seed 001 (株洲, 2022), worked out by hand:
#   财政供养人员控制率  42 ÷ 43 = 97.67 %            ≤ 100 %          → 5
#   “三公经费”变动率   (11.26 − 13.42) ÷ 13.42 = −16.1 %  ≤ 0      → 5
#   预算调整率          (2252.43 − 1878.11) ÷ 1878.11 = 19.93 %  ≤ 20 % → 1
#   资金结余            2252.43 − 2252.43 = 0        无结余           → 3
#   “三公经费”控制率   11.26 ÷ 11.26 = 100 %        ≤ 100 %          → 6
#   政府采购执行率      928.95 ÷ 928.95 = 100 %                       → 3
SEED001_LINES = [
    # key                          value      score  missing
    ("staff_control_rate", 0.9767, 5, []),
    ("three_public_change_rate", -0.161, 5, []),
    ("key_spending_rate", None, None, ["重点项目支出"]),
    ("budget_adjustment_rate", 0.1993, 1, []),
    ("payment_progress", None, None, ["未按进度下达的专项个数"]),
    ("balance", 0, 3, []),
    ("three_public_control_rate", 1.0, 6, []),
    ("procurement_rate", 1.0, 3, []),
    ("official_card_rate", None, None, ["应使用公务卡结算的支出金额", "公务卡支付金额"]),
    ("fixed_asset_use_rate", None, None, ["在用固定资产", "固定资产合计"]),
    ("satisfaction", None, None, ["社会公众或服务对象满意度"]),
]


@pytest.fixture(scope="module")
def seed001_eval(tmp_path_factory):
    path = build_seed001(tmp_path_factory.mktemp("s1") / "株洲_部门整体支出.xlsx")
    return evaluate_file(str(path))


@pytest.fixture(scope="module")
def seed002_eval(tmp_path_factory):
    path = build_seed002(tmp_path_factory.mktemp("s2") / "君山_部门整体支出.xlsx")
    return evaluate_file(str(path))


@pytest.mark.parametrize("key,value,score,missing", SEED001_LINES)
def test_seed001_lines(seed001_eval, key, value, score, missing):
    record = seed001_eval.line(key).as_dict()
    assert record["value"] == (pytest.approx(value, abs=5e-5) if value is not None else None)
    assert record["score"] == score
    assert record["missing"] == missing


def test_seed001_sources_name_cells(seed001_eval):
    assert seed001_eval.line("staff_control_rate").as_dict()["sources"] == {
        "实际在职人数": "基础数据表!C4", "编制数": "基础数据表!B4"}
    assert seed001_eval.line("budget_adjustment_rate").as_dict()["sources"] == {
        "全年预算数": "部门整体支出绩效自评表!D5", "年初预算数": "部门整体支出绩效自评表!C5"}


SEED001_ISSUES = [
    # code                    sheet                       cell   what
    ("sum_mismatch", "基础数据表", "B16", "上年决算 776.09，各专项合计 574.35"),
    ("sum_mismatch", "基础数据表", "C16", "本年预算 1294.35，各专项合计 931.05"),
    ("sum_mismatch", "基础数据表", "D16", "本年决算 1294.35，各专项合计 931.05"),
    ("cross_table_mismatch", "部门整体支出绩效自评表", "C7", "958.07 与基础数据表“部门基本支出预算调整” 958.08"),
    ("sum_mismatch", "部门整体支出绩效自评表", "E5", "全年执行数 2252.43，按支出性质分合计 2252.42"),
    ("input_missing", "", "", "“重点支出安排率”缺少重点项目支出"),
]


@pytest.mark.parametrize("code,sheet,cell,text", SEED001_ISSUES)
def test_seed001_issues(seed001_eval, code, sheet, cell, text):
    hits = [i for i in seed001_eval.issues if i.code == code and i.sheet == sheet and i.cell == cell
            and text in i.message]
    assert len(hits) == 1, [i.message for i in seed001_eval.issues]


def test_seed001_stated_rate_agrees(seed001_eval):
    # 控制率 typed “　98%”: 42 ÷ 43 = 97.67 % agrees at the stated precision.
    assert not [i for i in seed001_eval.issues if i.code == "rate_mismatch"]
    # The budget block's 执行率 100 % and 得分 10 are right.
    assert not [i for i in seed001_eval.issues if i.code in ("rate_mismatch", "budget_score_mismatch")]


def test_seed001_no_grade_while_lines_are_unscored(seed001_eval):
    record = seed001_eval.as_dict()
    assert record["total"] == 23 and record["grade"] is None and record["complete"] is False


def test_example_workbook_reads_like_the_seed(seed001_eval):
    example = evaluate_file(str(EXAMPLE))
    ours = [(r.line.key, r.value, r.score, r.missing) for r in seed001_eval.lines]
    theirs = [(r.line.key, r.value, r.score, r.missing) for r in example.lines]
    assert theirs == ours


# Seed 002 (君山, 2021): 编制 18, 实有 33 → 183.3 %, 5 − 0.5 × 83.3 → 0 (扣完为止);
# the seed's 评分表 gives 5.  固定资产 993.18 in use of 993.18 → 100 % → 3.
SEED002_LINES = [
    # key                      value     rule   self  score
    ("staff_control_rate", 1.8333, 0, 5, 0),
    ("balance", 0, 3, 3, 3),
    ("fixed_asset_use_rate", 1.0, 3, 3, 3),
    ("official_card_rate", None, None, 2, None),
    ("asset_rules_soundness", None, None, 2, 2),
    ("budget_rules_soundness", None, None, 3, 3),
    ("benefit_ecological", None, None, 5, 5),
]


@pytest.mark.parametrize("key,value,rule,own,score", SEED002_LINES)
def test_seed002_lines(seed002_eval, key, value, rule, own, score):
    record = seed002_eval.line(key).as_dict()
    assert record["value"] == (pytest.approx(value, abs=5e-5) if value is not None else None)
    assert (record["rule_score"], record["self_score"], record["score"]) == (rule, own, score)


def test_seed002_staff_slip_is_reported(seed002_eval):
    slips = [i for i in seed002_eval.issues if i.code == "rule_score_mismatch"]
    assert len(slips) == 1
    slip = slips[0]
    assert (slip.sheet, slip.cell, slip.severity) == ("评分表", "F3", "error")
    assert "自评得分 5，按规则应为 0" in slip.message


def test_seed002_totals(seed002_eval):
    record = seed002_eval.as_dict()
    # 98 stated; the rule takes 5 off 人员控制率; unverifiable lines keep the clerk's score.
    assert record["self_total"] == 98 and record["total"] == 93 and record["grade"] == "优"
    assert not [i for i in seed002_eval.issues if i.code == "total_mismatch"]
    by_rule = [i for i in seed002_eval.issues if i.code == "total_by_rule"]
    assert by_rule and by_rule[0].cell == "F29"


def test_seed002_group_weight_checked_as_a_group(seed002_eval):
    # 经济/社会/生态效益 share a 分值 cell of 15 = 5 + 5 + 5: no weight warning.
    assert not [i for i in seed002_eval.issues if i.code == "weight_mismatch"]


def test_seed002_deduction_with_reason_is_fine(seed002_eval):
    assert not [i for i in seed002_eval.issues if i.code == "deduction_without_reason"]


def test_report_is_chinese_and_names_cells(seed002_eval):
    text = render_report(seed002_eval)
    assert "财政供养人员控制率" in text and "183.33%" in text
    assert "[错误] 评分表 / F3：“财政供养人员控制率”自评得分 5，按规则应为 0" in text


# ---------------------------------------------------------------- the command

def test_cli_json(tmp_path, capsys):
    path = build_seed002(tmp_path / "君山.xlsx")
    out = tmp_path / "评价.json"
    assert main(["evaluate", str(path), "--json", str(out)]) == 1
    record = json.loads(out.read_text(encoding="utf-8"))
    first = record["lines"][0]
    assert {k: first[k] for k in ("indicator", "value", "weight", "score", "missing")} == {
        "indicator": "财政供养人员控制率", "value": 1.8333, "weight": 5, "score": 0, "missing": []}
    assert record["total"] == 93 and record["grade"] == "优"
    assert "部门整体支出评价" in capsys.readouterr().out


def test_cli_json_to_stdout(tmp_path, capsys):
    path = build_seed001(tmp_path / "株洲.xlsx")
    assert main(["evaluate", str(path), "--json", "-"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["lines"][0]["value"] == 0.9767 and record["lines"][0]["score"] == 5


UNREADABLE = [
    # file content                       what
    (b"not a workbook at all", "不是 Excel 工作簿"),
    (b"", "空的"),
]


@pytest.mark.parametrize("content,message", UNREADABLE)
def test_cli_unreadable_input_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    assert main(["evaluate", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_cli_workbook_without_department_tables_exits_2(tmp_path, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    wb.save(tmp_path / "x.xlsx")
    assert main(["evaluate", str(tmp_path / "x.xlsx")]) == 2
    assert "没有找到基础数据表" in capsys.readouterr().err
    with pytest.raises(NoFormError):
        evaluate_book(load_book(tmp_path / "x.xlsx"))


def test_cli_bad_profile_exits_2(tmp_path, capsys):
    path = build_seed001(tmp_path / "株洲.xlsx")
    assert main(["evaluate", str(path), "--profile", "no-such"]) == 2
    assert "评分规则" in capsys.readouterr().err


def test_project_forms_are_not_department_tables(capsys):
    # A unit's project forms carry 年初预算数 / 全年预算数 too: they are not the
    # department's 年度资金总额, and evaluate says it found no department table.
    path = EXAMPLE.parent.parent / "submissions" / "局机关.xlsx"
    assert main(["evaluate", str(path)]) == 2
    assert "没有找到基础数据表" in capsys.readouterr().err


# ---------------------------------------------------------------- the clerk's 评分表

def _variant(tmp_path, changes, report=None):
    """Seed 002 with some cells of its 评分表 changed: {(row, col): value}."""
    import openpyxl

    path = build_seed002(tmp_path / "变体.xlsx")
    wb = openpyxl.load_workbook(path)
    for (row, col), value in changes.items():
        wb["评分表"].cell(row, col).value = value
    for (row, col), value in (report or {}).items():
        wb["自评报告"].cell(row, col).value = value
    wb.save(path)
    return evaluate_file(str(path))


CLERK_SLIPS = [
    # what the clerk did                       changes {(row, col): value}             code                       cell
    ("seed 002 as typed: nothing else", {}, None, None),
    ("judgement score above its weight", {(10, 6): 4}, "score_over_weight", "F10"),
    ("deduction without a reason", {(14, 7): None}, "deduction_without_reason", "G14"),
    ("weight written differently", {(5, 5): 6}, "weight_mismatch", "E5"),
    ("total not the sum of the scores", {(29, 6): 97}, "total_mismatch", "F29"),
    ("a line the profile does not know", {(23, 3): "招商引资任务完成情况"}, "line_not_in_profile", "C23"),
    ("judgement score left blank", {(11, 6): None}, "missing_value", "F11"),
    ("self score text unreadable", {(17, 6): "<!%"}, "value_unreadable", "F17"),
]


@pytest.mark.parametrize("what,changes,code,cell", CLERK_SLIPS, ids=[c[0] for c in CLERK_SLIPS])
def test_clerk_slips(tmp_path, what, changes, code, cell):
    ev = _variant(tmp_path, changes)
    found = [(i.code, i.cell) for i in ev.issues if i.code not in
             ("input_missing", "rule_score_mismatch", "total_by_rule")]
    if code == "line_not_in_profile":
        assert (code, cell) in found and ("line_absent", "") in found
    elif code is None:
        assert found == []
    else:
        assert (code, cell) in found


AGREEMENT = [
    # 实有  编制  self score  rule        agrees (stated precision, half-up)
    (101.5, 100, 4.3, 4.25, True),
    (101.5, 100, 4.25, 4.25, True),
    (101.5, 100, 4, 4.25, True),     # 4 is 4.25 written to whole points
    (101.5, 100, 5, 4.25, False),
    (101.9, 100, 4.1, 4.05, True),
    (101.9, 100, 4.0, 4.05, True),   # 4.05 → 4 (half-up at 0 decimals from 4.05 is 4)
    (101.9, 100, 3.9, 4.05, False),
]


@pytest.mark.parametrize("actual,quota,own,rule,agree", AGREEMENT)
def test_self_score_agrees_at_stated_precision(tmp_path, actual, quota, own, rule, agree):
    ev = _variant(tmp_path, {(3, 6): own}, {(3, 2): quota, (3, 4): actual})
    assert ev.line("staff_control_rate").rule_score == pytest.approx(rule)
    slips = [i for i in ev.issues if i.code == "rule_score_mismatch"]
    assert (not slips) == agree


def test_total_is_the_sum_of_what_was_counted(seed002_eval):
    record = seed002_eval.as_dict()
    assert sum(line["counted"] for line in record["lines"]) == pytest.approx(record["total"])
    card = seed002_eval.line("official_card_rate").as_dict()
    assert (card["score"], card["counted"]) == (None, 2)  # no data: the clerk's 2 is counted
