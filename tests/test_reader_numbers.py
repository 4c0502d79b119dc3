"""Issue 10 items 4 and 6 on the reader: numbers out of range, text that is not an
amount, cached formula errors — each reported on its cell, never dropped or taken
as empty; a sheet whose part is missing is reported alike by check and consolidate."""
from __future__ import annotations

import json
import math
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from xltools.core.values import parse
from xltools.profiles import load_profile
from xltools.core.jsonout import dumps_json
from xltools.project.report import check_file

# value                      money?  problem contains (number must be None)
NUMBERS = [
    (1e26,                      True,   "超出合理范围"),
    (float("inf"),              True,   "不是有效数字"),
    (float("nan"),              False,  "不是有效数字"),
    (10 ** 400,                 True,   "超出合理范围"),
    ("100000000000000000000000000", True, "超出合理范围"),
    ("#REF!",                   True,   "公式出错"),
    ("#DIV/0!",                 False,  "公式出错"),
]


@pytest.mark.parametrize("value,money,problem", NUMBERS)
def test_numbers_out_of_range_are_never_numbers(value, money, problem):
    p = parse(value, money=money)
    assert p.number is None and problem in p.problem


# text typed in the 全年执行数 cell     code on that cell
MONEY_TEXT = [
    ("壹佰万元",                         "value_unreadable"),
    ("见附件",                           "value_unreadable"),
    ("NaN",                              "value_unreadable"),
    (datetime(2022, 12, 31),             "value_unreadable"),
    (True,                               "value_unreadable"),
    ("#REF!",                            "formula_error"),
    (1e26,                               "value_unreadable"),
]


def _form(path: Path, spent) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目1"
    for row in [["项目名称", "窗口补贴"], ["主管部门", "某局"], ["实施单位", "某中心"],
                ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                [None, "年度资金总额", 100, 100, spent, 10, None, 10],
                ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
                [None, "产出指标", "数量指标", "发放人数", "≥200人", "210人", 90, 90],
                ["总分", None, None, None, None, None, 100, 100]]:
        ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize("spent,code", MONEY_TEXT)
def test_text_in_a_money_cell_is_reported_on_its_cell(tmp_path, spent, code):
    (c,) = check_file(_form(tmp_path / "f.xlsx", spent), load_profile()).checked
    found = [i for i in c.issues if i.cell == "E5"]
    assert [i.code for i in found if i.code in ("value_unreadable", "formula_error")] == [code]
    assert not any(i.code == "missing_value" and i.cell == "E5" for i in c.issues)
    doc = json.loads(dumps_json({"p": c.record()}))  # strict JSON: no NaN/Infinity
    assert doc["p"]["spent"] is None


def test_strict_json_turns_non_finite_into_null():
    assert json.loads(dumps_json({"a": math.inf, "b": [math.nan, 1.5]})) == {"a": None, "b": [None, 1.5]}


def test_missing_sheet_part_reported_by_check_and_consolidate(tmp_path):
    src = Path(__file__).resolve().parent.parent / "examples" / "submissions" / "局机关.xlsx"
    broken = tmp_path / "局机关.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet2.xml":
                zout.writestr(item, zin.read(item.filename))
    res = check_file(broken, load_profile())
    assert res.status == "ok" and len(res.checked) == 3
    assert any("缺失" in note for _, note in res.notes)
    from xltools.consolidate.run import read_file

    entry = read_file(str(broken), load_profile())
    assert len(entry.records) == 3
    assert any("缺失" in p["message"] for p in entry.problems)
