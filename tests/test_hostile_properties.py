"""Issue 10, property-based: a real seed form (examples/submissions, typed from seed
001) and the department example with cells overwritten by anything a clerk, Word
or an export tool can put there — control characters, lone surrogates,
comparators and units, numbers from -1e300 to inf and NaN, booleans, dates,
cached formula errors, formula-looking text — go through the reader, the
scoring, the checks, the terminal report and the JSON without an exception;
the JSON is strict, the terminal text holds no control character; a form read
so and written into a project sheet holds no formula made of its text.

Derandomized (the same examples on every run) and bounded (a few seconds each)."""
from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_corpus as H
from xltools.containers.workbook import Book, load_book
from xltools.core.jsonout import dumps_json
from xltools.profiles import load_profile
from xltools.project.report import check_book, format_file
from xltools.xlsx.text import terminal_text

ROOT = Path(__file__).resolve().parent.parent
SEED = load_book(ROOT / "examples" / "submissions" / "局机关.xlsx")
DEPARTMENT = load_book(ROOT / "examples" / "department" / "部门整体支出.xlsx")
PROFILE = load_profile("national")
PROFILES = [PROFILE, load_profile("platform")]

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------ what lands in a cell
_SPECIAL = "\x00\x07\x0b\x0c\r\n\t\x1b\x7f\x85\u2028\u3000\ufffe\ud800\udfff_x000B_=+-@%‰万元亿≥≤><!.,，。"
clerk_text = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list(_SPECIAL))),
                     max_size=40)
number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e30, max_value=1e30),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30),
    st.sampled_from([0, -0.0, 1e26, 1e300, 5e-324, 100, 99.99, 0.9742]),
)
typed_amount = st.builds(
    lambda space, cmp, n, unit, tail: f"{space}{cmp}{n}{unit}{tail}",
    st.sampled_from(["", " ", "\u3000", "\t", "\n"]),
    st.sampled_from(["", "≥", "≤", ">", "<", "=", "＞", "不低于", "控制在", "约"]),
    st.one_of(number.map(str), st.sampled_from(["2..23", "1,234.5", "１００", "1e400", "NaN", "inf", "-0"])),
    st.sampled_from(["", "万元", "元", "亿元", "%", "件", "万平方", "天", "\n万元", "以上", "以下"]),
    st.sampled_from(["", " ", "\x0b", "（盖章）"]),
)
cell_value = st.one_of(
    clerk_text, number, typed_amount, st.none(), st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "壹佰万元", "见附件", "NaN", "TRUE", "—", "……",
                     "=cmd|' /C calc'!A0", '=HYPERLINK("http://x.cn/?"&A1,"点我")', "\t=2+2", "@SUM(A1)",
                     "+1", "-1", "完成", "达成", "部分达成", "未达成", "产出指标", "数量指标", "满意度指标"]),
)


def _mutated(book: Book, sheet: int, cells: list[tuple[int, int, object, bool, bool]]) -> Book:
    """`book` with one sheet's cells overwritten (value, formula?, percent?)."""
    out = copy.copy(book)
    out.sheets = list(book.sheets)
    grid = copy.copy(book.sheets[sheet])
    grid.rows = [list(r) for r in grid.rows]
    grid.formulas, grid.percent_cells = set(grid.formulas), set(grid.percent_cells)
    for row, col, value, formula, percent in cells:
        while len(grid.rows) < row:
            grid.rows.append([])
        line = grid.rows[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = value
        (grid.formulas.add if formula else grid.formulas.discard)((row, col))
        (grid.percent_cells.add if percent else grid.percent_cells.discard)((row, col))
    out.sheets[sheet] = grid
    return out


def _edits(book: Book):
    """Which sheet, and cells inside (or just past) its used region."""
    @st.composite
    def draw(draw_):
        sheet = draw_(st.integers(0, len(book.sheets) - 1))
        grid = book.sheets[sheet]
        cell = st.tuples(st.integers(1, grid.max_row + 2), st.integers(1, grid.max_col + 1), cell_value,
                         st.booleans(), st.booleans())
        return sheet, draw_(st.lists(cell, min_size=1, max_size=14))
    return draw()


def _strict(text: str):
    def refuse(token):
        raise AssertionError(f"{token} in JSON")
    return json.loads(text, parse_constant=refuse)


_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ------------------------------------------------------------------ properties
@settings(max_examples=300, **SETTINGS)
@given(_edits(SEED), st.sampled_from(PROFILES))
def test_mutated_form_never_raises_and_json_is_strict(edit, profile):
    sheet, cells = edit
    res = check_book(_mutated(SEED, sheet, cells), profile)
    doc = _strict(dumps_json(res.record()))
    for project in doc["projects"]:
        assert all(i["code"] and i["severity"] in ("error", "warning", "info") for i in project["issues"])
        for key in ("budget_full_year", "spent", "execution_rate", "score_total", "rule_score_total"):
            assert project[key] is None or isinstance(project[key], (int, float))
    shown = terminal_text(format_file(res))
    assert not _TERMINAL_CONTROLS.search(shown)


@settings(max_examples=120, **SETTINGS)
@given(_edits(DEPARTMENT))
def test_mutated_department_tables_never_raise(edit):
    from xltools.department.evaluate import evaluate_book, render_report

    sheet, cells = edit
    ev = evaluate_book(_mutated(DEPARTMENT, sheet, cells))
    _strict(dumps_json(ev.as_dict()))
    assert not _TERMINAL_CONTROLS.search(terminal_text(render_report(ev)))


@settings(max_examples=8, **SETTINGS)
@given(_edits(SEED))
def test_mutated_form_written_holds_no_clerk_formula(tmp_path_factory, edit):
    """Whatever a form read so holds, the project sheet written from it has
    only the formulas xltools composes: none names a function we do not write,
    and every text cell starting like a formula carries quotePrefix."""
    from xltools.master.build import MasterSpec, write_master

    sheet, cells = edit
    res = check_book(_mutated(SEED, sheet, cells), PROFILE)
    forms = [c.form for c in res.checked]
    if not forms:
        return
    path = tmp_path_factory.mktemp("prop") / "主表.xlsx"
    write_master(path, MasterSpec(department="部门", year=2022, forms=forms, macros=False), PROFILE)
    texts = [v for _r, _c, v, _f, _p in cells if isinstance(v, str) and v.strip()]
    assert not H.formula_problems(path, texts, exact=True)
    assert not H.unprefixed_formula_text(path)
