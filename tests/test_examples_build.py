"""The example workbooks under examples/ are exactly what examples/build_examples.py
writes, and they carry seed 001's values (typos included) where the forms put them."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
W = "\u3000"

# file (relative to examples/)          sheets, in order
BOOKS = [
    ("submissions/局机关.xlsx",          ["一件事一次办改革经费", "快递服务经费", "网络安全设备和安全服务", "电子政务网租赁"]),
    ("submissions/数据资源中心.xlsx",    ["信创工程项目", "项目技术审查会相关费用"]),
    ("submissions/政务服务中心.xlsx",    ["窗口补贴", "市民中心大厅运转维护费"]),
    ("department/部门整体支出.xlsx",     ["基础数据表", "部门整体支出绩效自评表"]),
]

# file                              sheet                       cell   value (as the seed has it)           number format
SEED_VALUES = [
    ("submissions/数据资源中心.xlsx", "信创工程项目",            "E6",  "794500元",                           None),
    ("submissions/数据资源中心.xlsx", "信创工程项目",            "D6",  "0元",                                None),
    ("submissions/数据资源中心.xlsx", "信创工程项目",            "D7",  "794500元",                           None),
    ("submissions/政务服务中心.xlsx", "窗口补贴",                "E21", W + "<!%",                            None),
    ("submissions/政务服务中心.xlsx", "窗口补贴",                "E4",  W + "65.61万元",                      None),
    ("submissions/政务服务中心.xlsx", "窗口补贴",                "E16", W + "160",                            None),
    ("submissions/政务服务中心.xlsx", "窗口补贴",                "H16", 4.1,                                  None),
    ("submissions/政务服务中心.xlsx", "窗口补贴",                "H26", 95.9,                                 None),
    ("submissions/政务服务中心.xlsx", "市民中心大厅运转维护费",  "H24", W,                                    None),
    ("submissions/局机关.xlsx",       "快递服务经费",            "D3",  W + "\n100",                          None),
    ("submissions/局机关.xlsx",       "快递服务经费",            "E13", "株洲市10元，湖南省12元，省外\n17元。", None),
    ("submissions/局机关.xlsx",       "快递服务经费",            "H3",  W + "78%",                            None),
    ("submissions/局机关.xlsx",       "快递服务经费",            "A1",  "项目名称",                           None),
    ("submissions/局机关.xlsx",       "一件事一次办改革经费",    "A3",  "项目支\n出名称",                     None),
    ("submissions/局机关.xlsx",       "一件事一次办改革经费",    "H6",  0.9986,                               "0.00%"),
    ("submissions/局机关.xlsx",       "一件事一次办改革经费",    "I6",  9.9,                                  None),
    ("submissions/局机关.xlsx",       "电子政务网租赁",          "H5",  0.8956,                               "0.00%"),
    ("submissions/数据资源中心.xlsx", "项目技术审查会相关费用",  "I5",  0.627,                                "0.0%"),
    ("submissions/数据资源中心.xlsx", "项目技术审查会相关费用",  "J5",  W,                                    None),
    ("submissions/数据资源中心.xlsx", "项目技术审查会相关费用",  "A1",  None,                                 None),
    ("department/部门整体支出.xlsx",  "部门整体支出绩效自评表",  "F24", W + "2..23亿元",                      None),
    ("department/部门整体支出.xlsx",  "部门整体支出绩效自评表",  "E14", "2.26万平方",                         None),
    ("department/部门整体支出.xlsx",  "部门整体支出绩效自评表",  "H34", W + "98.7",                           None),
    ("department/部门整体支出.xlsx",  "基础数据表",              "B4",  W + "43",                             None),
    ("department/部门整体支出.xlsx",  "基础数据表",              "B31", "——",                                 None),
]

# file                              sheet                       merged range   (what it is)
MERGES = [
    ("submissions/局机关.xlsx",       "一件事一次办改革经费",    "A2:I2"),    # merged title row
    ("submissions/局机关.xlsx",       "一件事一次办改革经费",    "B13:B18"),  # 产出指标 merged down
    ("submissions/政务服务中心.xlsx", "窗口补贴",                "A10:A25"),  # 绩效指标 vertical, merged down
    ("submissions/局机关.xlsx",       "快递服务经费",            "A23:F23"),  # 总分
]


def load_builder():
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build_examples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    load_builder().build(out)
    return out


def sheet_cells(ws) -> dict[str, tuple[object, str]]:
    """Every non-empty cell: address -> (value, number format)."""
    return {c.coordinate: (c.value, c.number_format)
            for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.mark.parametrize("relpath,sheets", BOOKS)
def test_committed_workbook_equals_builder_output(built, relpath, sheets):
    committed = load_workbook(EXAMPLES / relpath)
    fresh = load_workbook(built / relpath)
    assert committed.sheetnames == sheets
    assert fresh.sheetnames == sheets
    for name in sheets:
        a, b = committed[name], fresh[name]
        ca, cb = sheet_cells(a), sheet_cells(b)
        diff = [f"{name}!{k}: {ca.get(k)!r} -> {cb.get(k)!r}" for k in sorted(set(ca) | set(cb))
                if ca.get(k) != cb.get(k)]
        assert not diff, "examples/ differs from build_examples.py (rerun it):\n" + "\n".join(diff[:20])
        assert {str(r) for r in a.merged_cells.ranges} == {str(r) for r in b.merged_cells.ranges}, name


@pytest.mark.parametrize("relpath,sheet,cell,value,fmt", SEED_VALUES)
def test_seed_value_at_its_place(relpath, sheet, cell, value, fmt):
    c = load_workbook(EXAMPLES / relpath)[sheet][cell]
    assert c.value == value
    if fmt is not None:
        assert c.number_format == fmt


@pytest.mark.parametrize("relpath,sheet,ref", MERGES)
def test_merged_layout(relpath, sheet, ref):
    ws = load_workbook(EXAMPLES / relpath)[sheet]
    assert ref in {str(r) for r in ws.merged_cells.ranges}


@pytest.mark.parametrize("relpath,sheets", BOOKS)
def test_sheets_are_printable_and_named_for_excel(relpath, sheets):
    wb = load_workbook(EXAMPLES / relpath)
    for ws in wb:
        assert len(ws.title) <= 31 and not re.search(r"[\[\]:*?/\\]", ws.title)
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert int(ws.page_setup.fitToWidth) == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.page_setup.orientation == ("portrait" if ws.title == "基础数据表" else "landscape")


# sheet                       weight of budget line + indicators   sum of the entered 得分 (budget + indicators)
SUMS = [
    ("窗口补贴",                90,                                 84.1),
    ("一件事一次办改革经费",    100,                                99.9),
    ("快递服务经费",            90,                                 82.8),
    ("市民中心大厅运转维护费",  100,                                85),
    ("网络安全设备和安全服务",  100,                                98),
    ("电子政务网租赁",          100,                                97),
    ("项目技术审查会相关费用",  97.5,                               None),
]


@pytest.mark.parametrize("sheet,weights,scores", SUMS)
def test_typed_data_keeps_the_seed_sums(sheet, weights, scores):
    """The data blocks add up as DOMAIN.md §5 worked out by hand from the seed."""
    data = load_builder().PROJECTS[sheet]

    def num(text):
        text = text.strip(" " + W)
        return float(text) if text else 0.0

    budget = data["budget"][0]
    assert num(budget[4]) + sum(num(r[5]) for r in data["indicators"]) == pytest.approx(weights)
    if scores is not None:
        assert num(budget[6]) + sum(num(r[6]) for r in data["indicators"]) == pytest.approx(scores)
