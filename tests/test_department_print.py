"""The department sheets print with no text outside its row: every row has an
explicit height, and that height holds the lines its wrapped texts need in
their (merged) width — 评分标准 paragraphs, long special-fund names, the
楼堂馆所 heading.  Checked on the files as written (openpyxl reads them back),
for the sheets alone and inside a master built from the seed forms."""
from __future__ import annotations

import openpyxl
import pytest

from xltools.core.addresses import col_letter
from xltools.department import layout as D
from xltools.master.build import MasterSpec, forms_from, write_master
from xltools.xlsx.text import LINE_HEIGHT, text_lines

from master_fixtures import SUBMISSIONS
from test_department_writers import DATA, _master

LONG = dict(DATA, projects=DATA["projects"] + [
    {"unit": "局机关", "name": "株洲市信息资源共享交换平台+“四级联动”信创工程项目（二期）运维服务费及配套安全服务",
     "budget_initial": 10, "budget_full_year": 10, "spent": 9}])


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dept-print")
    forms, _ = forms_from([SUBMISSIONS])
    master = write_master(folder / "master.xlsx", MasterSpec(department="株洲市行政审批服务局", year=2022,
                                                            forms=forms))
    return {"alone": openpyxl.load_workbook(_master(folder / "alone.xlsx", LONG)),
            "master": openpyxl.load_workbook(master)}


def _width(ws, c1: int, c2: int) -> float:
    return sum((ws.column_dimensions[col_letter(c)].width or 8.43) for c in range(c1, c2 + 1))


def _shortfalls(ws) -> list[str]:
    spans = {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in ws.merged_cells.ranges}
    out = []
    for r in range(1, ws.max_row + 1):
        if ws.row_dimensions[r].height is None:
            out.append(f"{ws.title} row {r}: no explicit height")
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value or cell.data_type == "f":
                continue
            r2, c2 = spans.get((cell.row, cell.column), (cell.row, cell.column))
            wrap = bool(cell.alignment.wrap_text)
            lines = text_lines(cell.value, _width(ws, cell.column, c2)) if wrap else 1
            height = sum(ws.row_dimensions[r].height or 15 for r in range(cell.row, r2 + 1))
            if height < lines * LINE_HEIGHT:
                out.append(f"{ws.title}!{cell.coordinate}: {lines} lines need {lines * LINE_HEIGHT}pt, "
                           f"row has {height}pt ({cell.value[:30]!r})")
    return out


@pytest.mark.parametrize("which", ["alone", "master"])
@pytest.mark.parametrize("sheet", D.DEPARTMENT_SHEETS)
def test_no_text_outside_its_row(books, which, sheet):
    ws = books[which][sheet]
    assert ws.max_row > 10
    assert not _shortfalls(ws), "\n".join(_shortfalls(ws)[:20])


def test_long_fund_name_gets_its_lines(books):
    ws = books["alone"][D.BASIC_SHEET]
    lay = D.BasicLayout(max(len(LONG["projects"]) + D.SPARE_FUND_ROWS, D.MIN_FUND_ROWS))
    row = next(r for r in range(lay.first_fund_row, lay.last_fund_row + 1)
               if str(ws.cell(r, 1).value or "").startswith("株洲市信息资源"))
    assert ws.row_dimensions[row].height >= 2 * LINE_HEIGHT


# sheet             heading cells that must read in full (年度 from 基础信息 in a master)
HEADINGS = [
    (D.BASIC_SHEET, ["附件1-1", "2022年度部门整体支出绩效评价基础数据表", "财政供养人员情况（人）", "编制数",
                     "2022年实际在职人数", "控制率", "经费控制情况（万元）", "2021年决算数", "2022年预算数",
                     "2022年决算数", "楼堂馆所控制情况\n（2022年完工项目）", "厉行节约保障措施"]),
    (D.SELF_SHEET, ["附件1-2", "2022年度部门整体支出绩效自评表", "市级预算部门名称", "年度资金总额"]),
]


@pytest.mark.parametrize("sheet,headings", HEADINGS)
def test_headings_complete(books, sheet, headings):
    shown = {c.value for row in books["alone"][sheet].iter_rows() for c in row if isinstance(c.value, str)}
    assert set(headings) <= shown, set(headings) - shown


def test_titles_follow_base_info(books, tmp_path):
    """In a master the titles and year headings are formulas on 基础信息 (with
    their values cached): typing another year there changes them."""
    ws = books["master"][D.BASIC_SHEET]
    assert ws["A2"].value.startswith("=IF(ISNUMBER('基础信息'!$B$4)")
    assert ws.cell(D.BASIC_FUNDS_HEADER_ROW, D.COL_LAST_FINAL).value == \
        '=IF(ISNUMBER(\'基础信息\'!$B$4),(\'基础信息\'!$B$4-1)&"年决算数","上年决算数")'
    self_sheet = books["master"][D.SELF_SHEET]
    assert self_sheet["C3"].value == "=IF('基础信息'!$B$3=\"\",\"\",'基础信息'!$B$3)"
