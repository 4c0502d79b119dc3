"""LibreOffice recalculates the department sheets of the master: no error value
anywhere, every 指标值 / 规则得分 / total equals the engine, and a copy saved by
the spreadsheet (formula values cached, as after a clerk's save) evaluates the
same as the file xltools wrote.  Without LibreOffice these tests fail
(`.ci/run` installs it)."""
from __future__ import annotations

import openpyxl
import pytest

from xltools.core.addresses import to_a1
from xltools.department import layout as D
from xltools.department.evaluate import evaluate_file
from xltools.profiles import load_profile

from master_fixtures import error_cells, libreoffice_convert
from test_department_writers import _fill, _master

PROFILE = load_profile("hunan-dept", kind="department")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    src = tmp_path_factory.mktemp("dept-src")
    files = {
        "filled": _fill(_master(src / "filled.xlsx"), self_scores=True),
        "inputs": _fill(_master(src / "inputs.xlsx"), self_scores=False),
        "blank": _master(src / "blank.xlsx", {"year": 2022}),
    }
    out = libreoffice_convert(list(files.values()), tmp_path_factory.mktemp("dept-lo"))
    return {key: (path, out[path.name]) for key, path in files.items()}


@pytest.mark.parametrize("name", ["filled", "inputs", "blank"])
def test_no_error_values(converted, name):
    wb = openpyxl.load_workbook(converted[name][1], data_only=True)
    bad = [b for title in D.DEPARTMENT_SHEETS for b in error_cells(wb[title])]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", ["filled", "inputs", "blank"])
def test_rule_columns_equal_the_engine(converted, name):
    src, lo = converted[name]
    ev = evaluate_file(str(src))
    ws = openpyxl.load_workbook(lo, data_only=True)[D.SCORE_SHEET]
    for i, result in enumerate(ev.lines):
        r = D.SCORE_FIRST_ROW + i
        value, rule = ws.cell(r, D.COL_VALUE).value, ws.cell(r, D.COL_RULE).value
        if result.line.is_judgement:
            assert value is None and rule is None
            continue
        if result.value is None:
            assert value in (None, ""), result.line.indicator
        else:
            assert value == pytest.approx(result.value, abs=1e-9), result.line.indicator
        if result.rule_score is None:
            assert rule in (None, ""), result.line.indicator
        else:
            assert rule == pytest.approx(result.rule_score, abs=1e-9), result.line.indicator
    rows = D.score_rows(len(PROFILE.lines))
    assert ws.cell(rows["total"], D.COL_RULE).value == pytest.approx(ev.total)
    if not ev.unscored:  # the engine gives no 等次 while a line has no score at all
        assert ws.cell(rows["grade"], D.COL_RULE).value == ev.grade


@pytest.mark.parametrize("name", ["filled", "inputs"])
def test_saved_copy_evaluates_the_same(converted, name):
    src, lo = converted[name]
    fresh, saved = evaluate_file(str(src)), evaluate_file(str(lo))
    assert [(r.line.key, r.value, r.rule_score, r.self_score, r.missing) for r in saved.lines] == \
        [(r.line.key, pytest.approx(r.value) if r.value is not None else None, r.rule_score,
          r.self_score, r.missing) for r in fresh.lines]
    assert saved.total == fresh.total and [i.code for i in saved.issues] == [i.code for i in fresh.issues]


def test_budget_block_in_libreoffice(converted):
    ws = openpyxl.load_workbook(converted["filled"][1], data_only=True)[D.SELF_SHEET]
    full, spent = 958.08 + 303.3933, 958.08 + 302.3933
    assert ws[to_a1(D.SELF_TOTAL_ROW, D.COL_S_FULL_YEAR)].value == pytest.approx(full)
    assert ws[to_a1(D.SELF_TOTAL_ROW, D.COL_S_RATE)].value == pytest.approx(spent / full)
    assert ws[to_a1(D.SELF_TOTAL_ROW, D.COL_S_SCORE)].value == pytest.approx(10 * spent / full)


def test_button_on_the_saved_copy(converted):
    """整体评价 on the workbook as Excel holds it after a save (values cached):
    the handler reads it, calls plan_department and writes the results back."""
    from buttons_fakes import FakeBook

    from xltools.department.plans import RESULT_TITLE
    from xltools.department.writers import supplement_keys
    from xltools.excel import buttons

    src, lo = converted["inputs"]
    book = FakeBook.from_file(lo)
    message = buttons.evaluate_department(book)
    assert message.startswith("完成：写入")
    sheet = book.sheets[D.SCORE_SHEET]
    assert sheet.values[(D.SCORE_FIRST_ROW, D.COL_BASIS)] == "97.67% ≤ 100%，得满分 5"
    start = D.score_rows(len(PROFILE.lines))["supplement_first"] + len(supplement_keys(PROFILE)) + 1
    assert sheet.values[(start, 1)] == RESULT_TITLE
    ev = evaluate_file(str(src))
    messages = [sheet.values.get((start + 3 + i, 4)) for i in range(len(ev.issues))]
    assert messages == [i.message for i in ev.issues]
    # The formulas beside the lines are untouched.
    assert sheet.formulas[(D.SCORE_FIRST_ROW, D.COL_RULE)].startswith("=IF(ISNUMBER(")
