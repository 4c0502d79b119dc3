"""The seed-001 examples, split into three units' files, consolidate to totals
worked out by hand; the output workbook's formulas compute the same figures."""
from __future__ import annotations

import json

import openpyxl
import pytest

from consolidate_helpers import EXAMPLES, UNITS, cli, copy_examples, evaluate
from xltools.consolidate import output as O
from xltools.consolidate.layout import DETAIL, PROBLEMS
from xltools.consolidate.run import consolidate
from xltools.profiles import load_profile
from xltools.project.reader import read_forms
from xltools.containers.workbook import load_book

# Figures from examples/submissions (typed from seeds/001), 万元:
#   局机关:       一件事一次办改革经费 40/22.03/22, 快递服务经费 100/187/146.06,
#                 网络安全设备和安全服务 100/240/240, 电子政务网租赁 239.8/239.8/214.78
#   数据资源中心: 信创工程项目 0/79.45/79.45 (typed as 元), 项目技术审查会相关费用 100/100/62.7
#   政务服务中心: 窗口补贴 160/65.61/65.61, 市民中心大厅运转维护费 38/31.82/31.82
HAND = {
    # unit:          projects, 年初预算数,              全年预算数,                    全年执行数
    "局机关":       (4, 40 + 100 + 100 + 239.8,     22.03 + 187 + 240 + 239.8,     22 + 146.06 + 240 + 214.78),
    "数据资源中心": (2, 0 + 100,                    79.45 + 100,                   79.45 + 62.7),
    "政务服务中心": (2, 160 + 38,                   65.61 + 31.82,                 65.61 + 31.82),
}
HAND_LITERALS = {
    # unit:          年初,  全年,   执行,   结余 (全年 − 执行)
    "局机关":       (479.8, 688.83, 622.84, 65.99),
    "数据资源中心": (100.0, 179.45, 142.15, 37.30),
    "政务服务中心": (198.0, 97.43,  97.43,  0.00),
    "局机关及二级机构汇总": (777.8, 965.71, 862.42, 103.29),
}
DEPT_RATE = 862.42 / 965.71          # 0.893042…
DEPT_BUDGET_SCORE = 10 * DEPT_RATE   # 分值 10 × min(执行率, 100%)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = copy_examples(tmp_path_factory.mktemp("subs") / "报送")
    out = folder.parent / "out" / "整体支出汇总.xlsx"
    js = folder.parent / "out" / "r.json"
    code = cli("consolidate", folder, "-o", out, "--json", js, "--quiet")
    return code, out, json.loads(js.read_text(encoding="utf-8"))


def test_hand_literals_agree_with_hand_sums():
    for unit, (_, a, b, c) in HAND.items():
        assert HAND_LITERALS[unit][:3] == pytest.approx((a, b, c))


@pytest.mark.parametrize("unit", list(HAND_LITERALS))
def test_json_totals(run, unit):
    _, _, doc = run
    a, b, c, _ = HAND_LITERALS[unit]
    if unit == "局机关及二级机构汇总":
        got = doc["department"]
        assert got["projects"] == 8
    else:
        got = next(u for u in doc["units"] if u["name"] == unit)
        assert got["projects"] == HAND[unit][0]
    assert (got["budget_initial"], got["budget_full_year"], got["spent"]) == pytest.approx((a, b, c))
    assert got["execution_rate"] == pytest.approx(c / b, abs=1e-6)


def test_json_shape(run):
    code, _, doc = run
    assert code == 1  # the seed forms carry the problems DOMAIN §5 lists
    assert set(doc) == {"department", "units", "projects", "files"}
    assert set(doc["department"]) == {"budget_initial", "budget_full_year", "spent",
                                      "execution_rate", "projects"}
    for u in doc["units"]:
        assert set(u) == {"name", "projects", "budget_initial", "budget_full_year", "spent",
                          "execution_rate"}
    for f in doc["files"]:
        assert {"path", "status", "unit", "error"} <= set(f)
        assert f["status"] == "ok" and f["error"] is None and f["has_macros"] is False
    check_keys = {"sheet", "name", "department", "unit", "budget_initial", "budget_full_year",
                  "spent", "execution_rate", "budget_score", "weight_total", "score_total",
                  "rule_score_total", "grade", "issues"}
    for p in doc["projects"]:
        assert check_keys <= set(p)
        assert p["unit"] in UNITS
    xinchuang = next(p for p in doc["projects"] if "信创" in p["name"])
    assert (xinchuang["budget_full_year"], xinchuang["spent"]) == (79.45, 79.45)  # 794500元


def test_form_unit_kept_and_differing_spelling_reported(run):
    _, _, doc = run
    p = next(p for p in doc["projects"] if p["name"] == "一件事一次办改革经费")
    assert p["unit"] == "局机关"
    assert p["form_unit"] == "“\u3000一件事一次办”办公室"
    found = [i for i in p["issues"] if i["code"] == "unit_name_differs"]
    assert len(found) == 1 and found[0]["severity"] == "warning"
    assert found[0]["sheet"] and found[0]["cell"] and "局机关" in found[0]["message"]


# (sheet, row label in column A/B, column header) → the hand figure.
def _find_row(ws, col: int, text: str) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, col).value == text:
            return r
    raise AssertionError(f"{ws.title}: no row {text!r}")


@pytest.mark.parametrize("unit", list(HAND_LITERALS))
def test_summary_sheet_formulas_give_hand_totals(run, unit):
    _, out, _ = run
    values = evaluate(out)
    ws = openpyxl.load_workbook(out)[O.SUMMARY_SHEET]
    assert ws.cell(O.FIRST_ROW, 1).value == "局机关及二级机构汇总"  # first row is the department
    r = _find_row(ws, 1, unit)
    a, b, c, balance = HAND_LITERALS[unit]
    sheet = O.SUMMARY_SHEET.upper()
    for col, want in (("C", a), ("D", b), ("E", c), ("G", balance)):
        assert values[(sheet, f"{col}{r}")] == pytest.approx(want, abs=1e-6), f"{col}{r}"
    assert values[(sheet, f"F{r}")] == pytest.approx(c / b, abs=1e-9)


def test_unit_average_and_lowest_score(run):
    _, out, doc = run
    values = evaluate(out)
    ws = openpyxl.load_workbook(out)[O.SUMMARY_SHEET]
    for unit in UNITS:
        scores = [p["score_total"] for p in doc["projects"] if p["unit"] == unit]
        r = _find_row(ws, 1, unit)
        assert values[(O.SUMMARY_SHEET.upper(), f"H{r}")] == pytest.approx(sum(scores) / len(scores))
        assert values[(O.SUMMARY_SHEET.upper(), f"I{r}")] == pytest.approx(min(scores))
    # 局机关 by hand: 99.9, 95, 98, 97 → average 97.475, lowest 95
    r = _find_row(ws, 1, "局机关")
    assert values[(O.SUMMARY_SHEET.upper(), f"H{r}")] == pytest.approx(97.475)


def test_budget_block(run):
    _, out, _ = run
    values = evaluate(out)
    ws = openpyxl.load_workbook(out)[O.BUDGET_SHEET]
    r = _find_row(ws, 2, "年度资金总额")
    s = O.BUDGET_SHEET.upper()
    assert values[(s, f"C{r}")] == pytest.approx(777.8)
    assert values[(s, f"D{r}")] == pytest.approx(965.71)
    assert values[(s, f"E{r}")] == pytest.approx(862.42)
    assert ws.cell(r, 6).value == 10
    assert values[(s, f"G{r}")] == pytest.approx(DEPT_RATE)
    assert values[(s, f"H{r}")] == pytest.approx(DEPT_BUDGET_SCORE)


def test_detail_subtotals_and_grand_total(run):
    _, out, _ = run
    values = evaluate(out)
    ws = openpyxl.load_workbook(out)[O.DETAIL_SHEET]
    s = O.DETAIL_SHEET.upper()
    projects = [r for r in range(O.FIRST_ROW, ws.max_row + 1)
                if isinstance(ws.cell(r, DETAIL.col("index")).value, int)]
    assert len(projects) == 8
    for unit in UNITS:
        r = next(r for r in range(O.FIRST_ROW, ws.max_row + 1)
                 if ws.cell(r, 2).value == unit and str(ws.cell(r, 3).value).startswith("小计"))
        a, b, c, _ = HAND_LITERALS[unit]
        assert [values[(s, f"{col}{r}")] for col in "DEF"] == pytest.approx([a, b, c])
    r = _find_row(ws, 2, "合计")
    assert [values[(s, f"{col}{r}")] for col in "DEF"] == pytest.approx([777.8, 965.71, 862.42])


def test_output_is_printable_and_formatted(run):
    _, out, _ = run
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [O.SUMMARY_SHEET, O.DETAIL_SHEET, O.BUDGET_SHEET, O.PROBLEMS_SHEET,
                             O.FILES_SHEET, O.CHARTS_SHEET]
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default: fit to one page wide
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$3:$3"
    ws = wb[O.SUMMARY_SHEET]
    assert ws["C4"].number_format == "0.00" and ws["F4"].number_format == "0.00%"
    assert ws["C4"].border.left.style == "thin"
    assert len(wb[O.CHARTS_SHEET]._charts) == 2


def test_problem_list_names_file_sheet_cell(run):
    _, out, doc = run
    ws = openpyxl.load_workbook(out)[O.PROBLEMS_SHEET]
    header = [c.value for c in ws[O.HEADER_ROW]]
    assert header == list(PROBLEMS.headers)
    rows = list(ws.iter_rows(min_row=O.FIRST_ROW, values_only=True))
    assert len(rows) == sum(len(p["issues"]) for p in doc["projects"])
    codes = {r[6] for r in rows}
    assert {"weight_total", "total_mismatch", "unit_name_differs"} <= codes
    assert all(r[2] and r[3] for r in rows)  # file and sheet always named
    assert sum(1 for r in rows if r[4]) >= len(rows) - 5  # nearly all name a cell


@pytest.mark.parametrize("unit", UNITS)
def test_fast_path_reads_the_same_forms_as_the_streaming_reader(unit, monkeypatch):
    import xltools.containers.xlsx as xlsx_reader

    path = EXAMPLES / f"{unit}.xlsx"
    fast = read_forms(load_book(path)).forms
    with monkeypatch.context() as m:
        m.setattr(xlsx_reader, "_read_fast", lambda *args, **kw: None)
        slow = read_forms(load_book(path)).forms
    assert len(fast) == len(slow) > 0

    def figures(form):
        line = form.budget_total
        return (form.sheet, form.name.text if form.name else None,
                [getattr(line, k).number if getattr(line, k) else None
                 for k in ("budget_initial", "budget_full_year", "spent", "weight", "score")],
                [(i.level1, i.level2, i.name.text, i.weight.number, i.score.number)
                 for i in form.indicators],
                form.total_score.number if form.total_score else None)

    assert [figures(f) for f in fast] == [figures(f) for f in slow]


def test_same_consolidation_with_either_xlsx_reader(tmp_path, monkeypatch):
    import xltools.containers.xlsx as xlsx_reader

    folder = copy_examples(tmp_path / "subs")
    profile = load_profile("national")
    a = consolidate([str(folder)], profile).json()
    with monkeypatch.context() as m:
        m.setattr(xlsx_reader, "_read_fast", lambda *args, **kw: None)
        b = consolidate([str(folder)], profile).json()
    assert a["department"] == b["department"] and a["units"] == b["units"]
    keys = ("name", "unit", "budget_initial", "budget_full_year", "spent", "score_total", "grade")
    assert [[p[k] for k in keys] for p in a["projects"]] == [[p[k] for k in keys] for p in b["projects"]]


def test_worker_processes_give_the_same_result(tmp_path):
    folder = copy_examples(tmp_path / "subs")
    profile = load_profile("national")
    one = consolidate([str(folder)], profile, jobs=1).json()
    two = consolidate([str(folder)], profile, jobs=2).json()
    assert one == two
