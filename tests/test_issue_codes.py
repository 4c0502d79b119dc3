"""Every code of the vocabulary (xltools/core/issues.py) is produced by a real input
through the command that reports it, with the severity the registry allows.

Project checks: the boundary tables of test_check_rules.py (each asserted there,
message and all).  Consolidation: one folder of seed-001 submissions as units send
them, with the slips that happen (a copied file, a project twice, a broken file,
the department's own workbook).  Department evaluation: seed 001 and 002 as typed,
the clerk slips of test_department_evaluate.py, and a zero base under a profile
whose formula does not guard it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from check_cases import CASES, FORMULA_CASES, PLATFORM
from test_department_evaluate import CLERK_SLIPS, _variant
from test_department_seeds import build_seed001, build_seed002
from xltools.consolidate.run import consolidate
from xltools.core.issues import CODES
from xltools.department.evaluate import evaluate_file
from xltools.profiles import load_profile

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def codes_of(table: str) -> set[str]:
    return {code for code, kind in CODES.items() if table in kind.tables}


CHECKED = ({issue[0] for _why, _changes, expected in CASES + PLATFORM for issue in expected}
           | {issue[0] for _formulas, expected in FORMULA_CASES for issue in expected})


def test_check_boundaries_produce_every_check_code():
    assert codes_of("check") <= CHECKED, codes_of("check") - CHECKED


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("报送")
    shutil.copy(EXAMPLES / "submissions" / "局机关.xlsx", folder / "局机关.xlsx")
    shutil.copy(EXAMPLES / "submissions" / "局机关.xlsx", folder / "局机关 - 副本.xlsx")
    wb = openpyxl.load_workbook(EXAMPLES / "submissions" / "政务服务中心.xlsx")
    wb.copy_worksheet(wb["窗口补贴"]).title = "窗口补贴（改）"  # the same project twice
    wb.save(folder / "政务服务中心.xlsx")
    shutil.copy(EXAMPLES / "department" / "部门整体支出.xlsx", folder / "部门整体支出.xlsx")
    (folder / "数据资源中心.xlsx").write_bytes(b"PK\x03\x04 broken")
    # a name written in GBK (copied from an old Windows share): read, and named readably
    gbk = os.fsencode(str(folder)) + b"/" + "数据资源中心".encode("gbk") + b".xlsx"
    with open(gbk, "wb") as fh:
        fh.write((EXAMPLES / "submissions" / "数据资源中心.xlsx").read_bytes())
    result = consolidate([str(folder)], load_profile())
    yield result
    result.close()


# code                        severity   file                  sheet                     message starts
CONSOLIDATION = [
    ("duplicate_file",          "warning", "局机关 - 副本.xlsx",  "",                       "与“局机关.xlsx”内容完全相同"),  # the original is kept
    ("unit_name_differs",       "warning", "局机关.xlsx",         "一件事一次办改革经费",   "表内实施单位““\u3000一件事一次办”办公室”与报送单位不一致"),
    ("file_name_encoding",      "warning", "数据资源中心.xlsx",   "",                       "文件名"),
    ("duplicate_project",       "warning", "政务服务中心.xlsx",   "窗口补贴（改）",         "项目“窗口补贴”在本单位报送中出现不止一次"),
    ("file_unreadable",         "error",   "数据资源中心.xlsx",   "",                       ""),
    ("sheet_skipped",           "info",    "部门整体支出.xlsx",   "基础数据表",             "工作表“基础数据表”未汇总"),
    ("department_form_skipped", "info",    "部门整体支出.xlsx",   "部门整体支出绩效自评表", "工作表“部门整体支出绩效自评表”是部门整体支出绩效自评表"),
]


@pytest.mark.parametrize("code,severity,file,sheet,start", CONSOLIDATION)
def test_consolidation_codes(consolidated, code, severity, file, sheet, start):
    hits = [p for p in consolidated.problems() if p["code"] == code and Path(p["file"]).name == file]
    assert hits, [(p["code"], Path(p["file"]).name) for p in consolidated.problems()]
    assert (hits[0]["severity"], hits[0]["sheet"]) == (severity, sheet)
    assert hits[0]["message"].startswith(start) and hits[0]["message"]


def test_consolidation_produces_every_consolidation_code(consolidated):
    produced = {p["code"] for p in consolidated.problems()}
    assert codes_of("consolidate") <= produced


def test_zero_denominator_when_the_profile_does_not_guard_it(tmp_path):
    """A province's profile dividing 实际在职人数 by 编制数 with no zero rule, and a
    基础数据表 with 编制数 0: the line cannot be computed — said, never #DIV/0! in a total."""
    seed = build_seed001(tmp_path / "株洲.xlsx")
    where = evaluate_file(str(seed)).line("staff_control_rate").sources["编制数"]
    wb = openpyxl.load_workbook(seed)
    wb[where.sheet][where.cell] = 0
    wb.save(seed)
    text = (REPO / "xltools" / "profiles" / "hunan-dept.toml").read_text(encoding="utf-8")
    guarded = 'formula = "ratio(staff_actual, staff_quota, (staff_actual > 0) * 100)"'
    assert guarded in text
    profile = tmp_path / "某市.toml"
    profile.write_text(text.replace(guarded, 'formula = "staff_actual / staff_quota"')
                       .replace('name = "hunan-dept"', 'name = "某市"'), encoding="utf-8")
    ev = evaluate_file(str(seed), str(profile))
    (issue,) = [i for i in ev.issues if i.code == "zero_denominator"]
    assert (issue.severity, issue.cell) == ("error", "")
    assert issue.message == f"“财政供养人员控制率”无法计算（#DIV/0!）：分母为零，请核对 实际在职人数（" \
                            f"{ev.line('staff_control_rate').sources['实际在职人数'].cell}）、编制数（{where.cell}）"


# 部门整体支出绩效自评表 of seed 001: 2252.43 ÷ 2252.43 = 100 %, 分值 10 → 10.
# field            typed    code                     message
BUDGET_SLIPS = [
    ("execution_rate", 0.99,  "rate_mismatch",         "执行率写为 0.99，全年执行数 ÷ 全年预算数 = 100%"),
    ("score",          9.9,   "budget_score_mismatch", "预算执行得分写为 9.9，按规则 10 × 100% = 10"),
]


@pytest.mark.parametrize("field,typed,code,message", BUDGET_SLIPS)
def test_department_budget_line_slips(tmp_path, field, typed, code, message):
    seed = build_seed001(tmp_path / "株洲.xlsx")
    where = getattr(evaluate_file(str(seed)).data.budget.total, field).where
    wb = openpyxl.load_workbook(seed)
    wb[where.sheet][where.cell] = typed
    wb.save(seed)
    found = [(i.code, i.severity, i.cell, i.message) for i in evaluate_file(str(seed)).issues
             if i.code in ("rate_mismatch", "budget_score_mismatch")]
    assert found == [(code, "error", where.cell, message)]


def test_department_evaluation_produces_every_evaluate_code(tmp_path):
    produced = {code for _f, _t, code, _m in BUDGET_SLIPS}  # test_department_budget_line_slips
    for build in (build_seed001, build_seed002):
        produced |= {i.code for i in evaluate_file(str(build(tmp_path / f"{build.__name__}.xlsx"))).issues}
    for _what, changes, _code, _cell in CLERK_SLIPS:
        produced |= {i.code for i in _variant(tmp_path, changes).issues}
    produced.add("zero_denominator")  # test_zero_denominator_when_the_profile_does_not_guard_it
    assert codes_of("evaluate") <= produced, codes_of("evaluate") - produced


def test_the_tables_cover_the_registry():
    """No code in the registry that no command lists, and every table's codes are produced above."""
    assert set(CODES) == codes_of("check") | codes_of("consolidate") | codes_of("evaluate")
