"""Which unit a submission belongs to, the expected units of a 基础信息 sheet, and
the pure aggregation over records."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from consolidate_helpers import project
from xltools.consolidate import merge
from xltools.consolidate import units
from xltools.consolidate.sample import write_submission
from xltools.master.build import MasterSpec, write_master
from xltools.containers.workbook import load_book


def _info_book(tmp_path: Path, rows: list[list], name: str = "基础信息") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    for row in rows:
        ws.append(row)
    path = tmp_path / "b.xlsx"
    wb.save(path)
    return path


DECLARED_CASES = [
    # (基础信息 rows,                                             declared unit)
    ([["单位名称", "数据资源中心"]],                               "数据资源中心"),
    ([["填报单位：", "　政务服务中心 "]],                          "政务服务中心"),
    ([["实施单位", None, "局机关"]],                               "局机关"),
    ([["主管部门", "株洲市行政审批服务局"], ["年度", 2022]],        None),
    ([["本表填报单位", None, "（仅下属单位报送表填写）"]],           None),
    ([["单位名称"], ["局机关"], ["数据资源中心"]],                   None),  # a list, not a field
]


@pytest.mark.parametrize("rows, want", DECLARED_CASES)
def test_declared_unit(tmp_path, rows, want):
    assert units.declared_unit(load_book(_info_book(tmp_path, rows))) == want


EXPECTED_CASES = [
    # (基础信息 rows,                                                       expected units)
    ([["单位清单"], ["局机关"], ["数据资源中心"], [None], ["不是单位"]],      ["局机关", "数据资源中心"]),
    ([["下属单位", "局机关、数据资源中心，政务服务中心"]],                   ["局机关", "数据资源中心", "政务服务中心"]),
    ([["序号", "实施单位（局机关及下属单位）名单"], [1, "局机关"], [2, "政务服务中心"]],
     ["局机关", "政务服务中心"]),
    ([["单位名称", "数据资源中心"]],                                       []),
]


@pytest.mark.parametrize("rows, want", EXPECTED_CASES)
def test_expected_units(tmp_path, rows, want):
    assert units.expected_units(load_book(_info_book(tmp_path, rows))) == want


def test_master_and_unit_files_written_by_xltools_new(tmp_path):
    master = tmp_path / "主表.xlsx"
    write_master(master, MasterSpec(department="株洲市行政审批服务局", year=2022,
                                    units=["局机关", "数据资源中心"]))
    book = load_book(master)
    assert units.expected_units(book) == ["局机关", "数据资源中心"]
    assert units.declared_unit(book) is None
    assert units.info_value(book, ("主管部门",)) == "株洲市行政审批服务局"
    unit_file = tmp_path / "报送.xlsx"
    write_master(unit_file, MasterSpec(department="株洲市行政审批服务局", year=2022,
                                       units=["局机关", "数据资源中心"], for_unit="数据资源中心"))
    assert units.resolve_unit(load_book(unit_file), str(unit_file)) == ("数据资源中心", "基础信息")


RESOLVE_CASES = [
    # (path in the submissions folder,                 declared in 基础信息, unit,           source)
    ("数据资源中心.xlsx",                              None,           "数据资源中心", "文件名"),
    ("报送表（修改）.xlsx",                            "政务服务中心", "政务服务中心", "基础信息"),
    # each unit's files in its own folder (a netdisk, a mail download), named for the form
    ("局机关/自评表.xlsx",                             None,           "局机关",       "文件夹名"),
    ("数据资源中心/2022年度项目支出绩效自评表（终稿）.xlsx", None,      "数据资源中心", "文件夹名"),
    ("政务服务中心/附件1-1 项目支出绩效自评表.docx",   None,           "政务服务中心", "文件夹名"),
    ("政务服务中心/自评表 - 副本.xlsx",                None,           "政务服务中心", "文件夹名"),
    ("局机关/局机关2022自评.xlsx",                     None,           "局机关2022自评", "文件名"),  # names a unit
    ("2022年报送/自评表.xlsx",                         None,           "自评表",       "文件名"),  # the folder names none
    ("局机关/自评表.xlsx",                             "局机关办公室", "局机关办公室", "基础信息"),
    # a resubmission's version or copy mark is not part of the unit
    ("局机关（修改版）.xlsx",                          None,           "局机关",       "文件名"),
    ("局机关_v2.xlsx",                                 None,           "局机关",       "文件名"),
    ("局机关 (2).xlsx",                                None,           "局机关",       "文件名"),
    ("数据资源中心2022年度-终稿.xlsx",                 None,           "数据资源中心", "文件名"),
    ("第二水厂2.xlsx",                                 None,           "第二水厂2",    "文件名"),  # a bare number may be the name's
]


@pytest.mark.parametrize("name, declared, unit, source", RESOLVE_CASES)
def test_resolve_unit(tmp_path, name, declared, unit, source):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_submission(path.with_suffix(".xlsx"), [project("窗口补贴", "x", 1, 1, 1)], unit=declared)
    assert units.resolve_unit(load_book(path.with_suffix(".xlsx")), str(path)) == (unit, source)


def test_units_in_their_own_folders_stay_apart(tmp_path, capsys):
    """Two units each send 自评表.xlsx, kept in a folder per unit: two units, not one
    unit called 自评表 holding both."""
    from consolidate_helpers import cli

    for unit, name in (("局机关", "窗口补贴"), ("数据资源中心", "信创工程")):
        (tmp_path / "报送" / unit).mkdir(parents=True)
        write_submission(tmp_path / "报送" / unit / "自评表.xlsx", [project(name, unit, 10, 10, 9)])
    out = tmp_path / "汇总.xlsx"
    assert cli("consolidate", tmp_path / "报送", "-o", out, "--json", out.with_suffix(".json"), "--quiet") in (0, 1)
    import json

    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert sorted((f["unit"], f["unit_source"]) for f in doc["files"]) == [("局机关", "文件夹名"),
                                                                           ("数据资源中心", "文件夹名")]


SPELLING_CASES = [
    # (a,                             b,                           same unit)
    ("“\u3000一件事一次办”办公室",   "\"一件事一次办\"办公室",    True),
    ("数据资源中心",                  "数据资源 中心",              True),
    ("局机关",                        "数据资源中心",               False),
]


@pytest.mark.parametrize("a, b, same", SPELLING_CASES)
def test_same_unit(a, b, same):
    assert units.same_unit(a, b) is same


def _rec(unit, a, b, c, score=None, grade=None, issues=0):
    return {"unit": unit, "name": "x", "budget_initial": a, "budget_full_year": b, "spent": c,
            "score_total": score, "grade": grade, "issues": [{}] * issues}


def test_summarize_by_hand():
    records = [_rec("数据资源中心", 0, 79.45, 79.45, 95, "优"),
               _rec("局机关", 40, 22.03, 22, 99.9, "优", 2),
               _rec("数据资源中心", 100, 100, 62.7, 95.62, "优"),
               _rec("局机关", None, 187, 146.06, 82.8, "良")]
    s = merge.summarize(records)
    assert [u.name for u in s.units] == ["局机关", "数据资源中心"]  # 机关 first
    office, centre = s.units
    assert (office.projects, office.budget_initial, office.budget_full_year, office.spent) == \
        (2, 40.0, 209.03, 168.06)  # 40 + (blank); 22.03 + 187; 22 + 146.06
    assert office.execution_rate == pytest.approx(168.06 / 209.03, abs=1e-6)
    assert office.balance == pytest.approx(40.97)  # 209.03 − 168.06
    assert (office.score_avg, office.score_min, office.problems) == (pytest.approx(91.35), 82.8, 2)
    assert (centre.budget_full_year, centre.spent) == (179.45, 142.15)
    d = s.department
    assert (d.projects, d.budget_initial, d.budget_full_year, d.spent) == (4, 140.0, 388.48, 310.21)
    assert merge.grade_counts(records, ["优", "良", "中", "差"]) == \
        {"优": 3, "良": 1, "中": 0, "差": 0, "未评": 0}


def test_expected_order_wins():
    records = [_rec("政务服务中心", 1, 1, 1), _rec("局机关", 1, 1, 1), _rec("数据资源中心", 1, 1, 1)]
    s = merge.summarize(records, expected=["数据资源中心", "政务服务中心"])
    assert [u.name for u in s.units] == ["数据资源中心", "政务服务中心", "局机关"]


def test_rate_undefined_without_budget():
    s = merge.summarize([_rec("局机关", None, None, None)])
    assert s.department.execution_rate is None and s.department.balance is None


def test_a_resubmission_beside_the_old_file_is_the_same_unit(tmp_path):
    """局机关.xlsx and 局机关（修改版）.xlsx in one folder: one unit, each project flagged
    as reported twice with what to do (the old file out, run again)."""
    import json

    from consolidate_helpers import cli

    folder = tmp_path / "报送"
    folder.mkdir()
    write_submission(folder / "局机关.xlsx", [project("窗口补贴", "局机关", 10, 10, 9)])
    write_submission(folder / "局机关（修改版）.xlsx", [project("窗口补贴", "局机关", 10, 10, 9.5)])
    out = tmp_path / "汇总.xlsx"
    cli("consolidate", folder, "-o", out, "--json", out.with_suffix(".json"), "--quiet")
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert [f["unit"] for f in doc["files"]] == ["局机关", "局机关"]
    dups = [p for p in doc["projects"] for i in p["issues"] if i["code"] == "duplicate_project"]
    assert len(dups) == 1 and "旧文件移出报送文件夹" in next(
        i["message"] for i in dups[0]["issues"] if i["code"] == "duplicate_project")
