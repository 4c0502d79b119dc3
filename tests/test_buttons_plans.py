"""The planners both doors share (`xltools.master.plans`), on plain grids."""
from __future__ import annotations

import pytest

from buttons_fixtures import build_xlsx, buttons_for
from xltools.master import layout as L
from xltools.project import layout as P
from xltools.cli import main
from xltools.core.addresses import to_a1
from legacy_master import make_xlsm
from xltools.profiles import load_profile
from xltools.master.plans import Formula, issue_rows, plan_new_project, plan_recalc
from xltools.core.model import Issue
from xltools.containers.workbook import load_book


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plans")
    xlsx = build_xlsx(folder / "m.xlsx", projects=2)
    return make_xlsm(xlsx, folder / "主表.xlsm", buttons_for(xlsx))


def test_new_project_plan(master):
    book = load_book(master)
    plan = plan_new_project(book, load_profile())
    assert (plan.template, plan.name) == ("项目2", "项目3")
    grid = book.sheet("项目2")
    assert plan.clear and not any(grid.is_formula(*rc) for rc in plan.clear)
    lay = P.ProjectLayout(indicator_rows=6)
    from xltools.core.addresses import from_a1
    assert from_a1(lay.execution_rate_cell) not in plan.clear   # a formula
    assert from_a1(lay.name_cell) in plan.clear
    assert (P.FUNDS_FIRST_ROW, P.COL_FUNDS_WEIGHT) not in plan.clear  # 分值 10 stays


# name asked    result
NAMES = [
    (None,        "项目3"),
    ("信创工程",  "信创工程"),
]


@pytest.mark.parametrize("asked,name", NAMES)
def test_new_project_names(master, asked, name):
    assert plan_new_project(load_book(master), load_profile(), asked).name == name


def test_new_project_refuses_a_taken_name(master):
    with pytest.raises(ValueError, match="已有"):
        plan_new_project(load_book(master), load_profile(), "说明")


def test_recalc_plan_summary(master):
    plan = plan_recalc(load_book(master), load_profile())
    cells = plan.edits[L.SUMMARY_SHEET]
    col, first = L.SUMMARY_COL, L.SUMMARY_FIRST_ROW
    # cell                                     formula starts       cached value
    expected = [
        ((first, col["name"]),                  "=IF('项目1'!$B$2", "测试项目1"),
        ((first, col["spent"]),                 "=IF(ISNUMBER(",    214.78),
        ((first, col["execution_rate"]),        "=IF(ISNUMBER(",    pytest.approx(0.8956631, abs=1e-6)),
        ((first + 2, col["spent"]),             "=SUM(",            pytest.approx(429.56)),
    ]
    for rc, start, value in expected:
        assert isinstance(cells[rc], Formula) and cells[rc].text.startswith(start), rc
        assert cells[rc].value == value, rc
    assert cells[(first + 2, col["sheet"])] == L.SUMMARY_TOTAL_LABEL
    assert plan.print_areas[L.SUMMARY_SHEET] == f"A1:{to_a1(6, len(L.SUMMARY_COLUMNS))}" == "A1:M6"


def test_issue_rows_clear_what_was_there():
    issues = [Issue("weight_total", "error", "分值合计为 90", "a.xlsx", "项目1", "G18", "分值合计", 90)]
    cells = issue_rows(issues, old_last_row=L.CHECKS_FIRST_ROW + 2)
    row = L.CHECKS_FIRST_ROW
    assert cells[(row, L.CHECKS_COL["severity"])] == "错误"
    assert cells[(row, L.CHECKS_COL["value"])] == 90
    assert all(cells[(r, c)] is None for r in (row + 1, row + 2) for c in L.CHECKS_COL.values())


def test_check_command_reads_the_xlsm(master, capsys):
    assert main(["check", str(master)]) == 1
    out = capsys.readouterr().out
    assert "含有宏" in out and "测试项目1" in out
