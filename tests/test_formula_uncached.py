"""Forms saved by a program, not by Excel or WPS: their formulas carry no result.

The real material: a unit's IT staff fills xltools' own unit form (`new
--for-unit`) with a script (openpyxl), or a provincial platform exports the form
with a library that writes formulas only.  The stated 执行率, budget 得分, 总分 and
等次 are formulas whose results are not in the file.  `check` must say so on the
cells, not invent the unit's figures (a sum without the budget score: 88 / 良
where the unit's sheet shows 98 / 优), and not take the next row's 备注 for the
等次.  The same file recalculated by LibreOffice reads clean."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from master_fixtures import libreoffice_convert
from xltools.cli import main
from xltools.profiles import load_profile
from xltools.project.report import check_file

# 三级指标 (row 12 on), as a unit types them: level1, level2, name, target, actual, weight, score
INDICATORS = [
    ("产出指标", "数量指标", "补贴发放人数", "≥120人", "126人", 25, 25),
    ("产出指标", "质量指标", "发放准确率", "100%", "100%", 25, 25),
    ("效益指标", "社会效益指标", "窗口服务效率", "提升", "有所提升", 30, 28),
    ("满意度指标", "服务对象满意度指标", "办事群众满意度", "≥95%", "97%", 10, 10),
]


@pytest.fixture(scope="module")
def script_filled(tmp_path_factory) -> Path:
    """The unit form, filled and saved by openpyxl (no formula results)."""
    tmp = tmp_path_factory.mktemp("uncached")
    blank = tmp / "空白.xlsx"
    assert main(["new", str(blank), "--for-unit", "局机关", "--year", "2022",
                 "--department", "株洲市行政审批服务局"]) == 0
    wb = openpyxl.load_workbook(blank)
    ws = wb["项目1"]
    ws["B2"] = "窗口补贴"
    for col in "DEF":
        ws[f"{col}5"] = ws[f"{col}6"] = 65.61
    ws["B10"], ws["F10"] = "保障窗口工作人员补贴按时足额发放", "已按时足额发放"
    for i, row in enumerate(INDICATORS):
        for col, value in zip("BCDEFGH", row):
            ws[f"{col}{12 + i}"] = value
    ws["I14"] = "部分窗口人员流动"
    out = tmp / "窗口补贴.xlsx"
    wb.save(out)
    return out


@pytest.fixture(params=["fast", "streamed"])
def reader(request, monkeypatch):
    """Both .xlsx paths: calamine with the XML scan, and the streaming reader alone."""
    if request.param == "streamed":
        import xltools.containers.xlsx as X

        monkeypatch.setattr(X, "_read_fast", lambda *a, **k: None)
    return request.param


def test_program_saved_form_is_named_not_guessed(script_filled, reader):
    res = check_file(script_filled, load_profile())
    (checked,) = res.checked
    codes = [i.code for i in checked.issues]
    assert codes == ["formula_uncached"]
    (issue,) = checked.issues
    assert (issue.severity, issue.sheet, issue.cell) == ("warning", "项目1", "H5")
    assert issue.message.startswith("8 个公式单元格没有保存计算结果（H5、I5、H6、H7、H8、G27、H27、G28）")
    assert "打开、保存后重新报送" in issue.message
    assert checked.score_total is None and checked.grade is None  # the unit's figures are not in the file
    assert checked.rule_score_total == pytest.approx(98)


def test_blank_unit_form_as_xltools_writes_it_is_not_flagged(script_filled, reader):
    """Our own forms carry results (the title, 分值合计): a formula showing "" among
    them is an empty result, not a missing one."""
    from xltools.containers.workbook import load_book

    blank = script_filled.with_name("空白.xlsx")
    grid = next(g for g in load_book(str(blank)).sheets if g.name == "项目1")
    assert grid.formulas and not grid.uncached


@pytest.fixture(scope="module")
def recalculated(script_filled, tmp_path_factory) -> Path:
    return libreoffice_convert([script_filled], tmp_path_factory.mktemp("lo"))[script_filled.name]


def test_same_form_saved_by_a_spreadsheet_reads_clean(recalculated, reader):
    (checked,) = check_file(recalculated, load_profile()).checked
    assert checked.issues == []  # the 其中 lines' 执行率 show "" (an empty result): not "no result"
    assert (checked.score_total, checked.grade) == (pytest.approx(98), "优")
