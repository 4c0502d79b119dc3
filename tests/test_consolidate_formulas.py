"""The consolidation's formulas (`consolidate.formulas`): one 执行率 formula
and one budget 得分 formula wherever xltools writes them, twin values as the
rule computes them.  Every cached value of the outputs is compared with
LibreOffice in `test_consolidate_output.py`."""
from __future__ import annotations

import pytest

from xltools.consolidate import formulas as F
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
