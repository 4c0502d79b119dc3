"""The consolidation's formulas and layout (`consolidate.formulas`,
`consolidate.layout`): one 执行率 formula and one budget 得分 formula wherever
xltools writes them, twin values as the rule computes them, the master block's
tables where the layout says.  Every cached value of the outputs is compared
with LibreOffice in `test_consolidate_output.py`."""
from __future__ import annotations

import pytest

from xltools.consolidate import formulas as F
from xltools.consolidate.layout import BlockLayout, UnitRows
from xltools.core.addresses import to_a1
from xltools.department import formulas as DF
from xltools.master import formulas as MF
from xltools.master import layout as ML
from xltools.profiles import load_profile
from xltools.project import formulas as PF
from xltools.project.scoring import budget_score, execution_rate

PROFILE = load_profile()


def test_one_execution_rate_formula_everywhere():
    consolidation = F.execution_rate("D5", "E5")
    assert consolidation == PF.execution_rate("D5", "E5") == DF.ratio("E5", "D5")
    col = ML.SUMMARY_COL  # the master's 整体支出 合计 row
    assert MF.summary_total(4, 8, 9)["execution_rate"] == PF.execution_rate(
        to_a1(9, col["budget_full_year"]), to_a1(9, col["spent"]))
    assert consolidation == '=IF(AND(ISNUMBER(D5),ISNUMBER(E5)),IF(D5>0,E5/D5,""),"")'
    assert F.budget_score("F4", "G4", PROFILE) == PF.budget_score("F4", "G4", PROFILE)


# (全年预算数, 全年执行数) as the cells show them → 执行率 shown
RATES = [
    ((200.0, 150.0),  0.75),
    ((100, 0),        0.0),
    ((0.0, 0.0),      ""),        # SUM of nothing: no rate, not #DIV/0!
    ((-5.0, 1.0),     ""),
    ((None, 10.0),    ""),        # blank cell
    ((100.0, None),   ""),
    (("", 10.0),      ""),        # a formula showing blank
    (("待填", 1.0),   ""),
    ((True, 1.0),     ""),        # ISNUMBER(TRUE) is FALSE
]


@pytest.mark.parametrize("cells, shown", RATES)
def test_execution_rate_value(cells, shown):
    full, spent = cells
    assert F.execution_rate_value(full, spent) == shown
    if shown != "":
        assert shown == execution_rate(spent, full)


@pytest.mark.parametrize("weight, rate, shown", [
    (10, 0.9, 9.0), (10, 1.2, 10.0), (10, -0.1, 0.0), (10, "", ""), (None, 0.5, ""),
])
def test_budget_score_value(weight, rate, shown):
    assert F.budget_score_value(weight, rate, PROFILE) == shown
    if shown != "":
        assert shown == budget_score(weight, rate, PROFILE)


@pytest.mark.parametrize("full, spent, shown", [
    (187.0, 146.06, 187.0 - 146.06), (None, None, ""), ("", "", ""), (None, 10.0, -10.0),
    (0.0, 0.0, 0.0),
])
def test_balance_value(full, spent, shown):
    assert F.balance_value(full, spent) == (shown if shown == "" else pytest.approx(shown))


def test_block_layout_stacks_its_tables():
    lay = BlockLayout([("局机关", 2), ("数据资源中心", 1), ("政务服务中心", 1)], left=18)
    assert (lay.title_row, lay.summary_caption_row, lay.summary_header_row, lay.department_row) == \
        (1, 3, 4, 5)
    assert lay.unit_rows == {"局机关": 6, "数据资源中心": 7, "政务服务中心": 8}
    assert (lay.budget_caption_row, lay.budget_header_row, lay.budget_row) == (10, 11, 12)
    assert (lay.detail_caption_row, lay.detail_header_row) == (14, 15)
    assert lay.detail_units == {"局机关": UnitRows(16, 17, 18), "数据资源中心": UnitRows(19, 19, 20),
                                "政务服务中心": UnitRows(21, 21, 22)}
    assert (lay.detail_total_row, lay.notes_row) == (23, 25)
    # columns by key from the block's left edge: R..
    assert lay.summary.a1(5, "unit") == "R5" and lay.summary.letter("spent") == "V"
    assert lay.budget.headers[0] == "项目资金" and lay.budget.letter("execution_rate") == "W"
    assert lay.detail.letter("problems") == "AC" and len(lay.detail) == 12
    empty = BlockLayout([], left=18)
    assert (empty.first_unit_row, empty.last_unit_row, empty.detail_total_row) == (6, 6, 13)
