"""The pipeline: worker processes change nothing in the result; of identical
files the original is kept; a county's result rolls up into a city's with the
totals of a flat run."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from consolidate_helpers import EXAMPLES, cli, copy_examples, small_folder
from xltools.consolidate import output as O
from xltools.consolidate import run as R
from xltools.core import workers as W
from xltools.consolidate.ledger import Ledger, default_ledger_path
from xltools.consolidate.sample import generate_submissions
from xltools.profiles import load_profile

PROFILE = load_profile("national")


def _digest(folder: Path, tmp: Path, **kw) -> tuple[bytes, dict]:
    """The output workbook's bytes and the JSON of a run made with `kw`."""
    result = R.consolidate([str(folder)], PROFILE, **kw)
    try:
        out = tmp / f"out-{len(list(tmp.glob('out-*')))}.xlsx"
        O.write_workbook(out, O.OutputData(result))
        return out.read_bytes(), result.json()
    finally:
        result.close()


WORKER_CASES = [
    # (worker processes, start method)
    (2, None),       # the platform's (fork on Linux)
    (2, "spawn"),    # Windows' and the Excel button's: workers re-import xltools
]


@pytest.mark.parametrize("jobs, method", WORKER_CASES)
def test_workers_give_the_same_bytes(tmp_path, monkeypatch, jobs, method):
    folder = tmp_path / "subs"
    generate_submissions(folder, 6, seed=3)
    copy_examples(folder)
    one = _digest(folder, tmp_path, jobs=1)
    monkeypatch.setattr(W, "START_METHOD", method)
    monkeypatch.setattr(W, "CHUNK", 2)  # several chunks in flight, taken back in order
    many = _digest(folder, tmp_path, jobs=jobs)
    assert many[1] == one[1]
    assert many[0] == one[0]


DEFAULT_JOBS = [
    # (files to read, cores, start method, workers)
    (10,   2, "fork",  1),
    (200,  2, "fork",  2),
    (200,  8, "fork",  8),
    (200,  8, "spawn", 2),
    (5000, 1, "fork",  1),
]


@pytest.mark.parametrize("files, cores, method, workers", DEFAULT_JOBS)
def test_one_worker_per_core_where_it_pays(monkeypatch, files, cores, method, workers):
    monkeypatch.setattr(W, "cores", lambda: cores)
    monkeypatch.setattr(W, "START_METHOD", method)
    assert W.default_jobs(files) == workers


# ------------------------------------------------------------------ duplicates
COPY_NAMES = [
    # (name,                  looks like a copy)
    ("局机关 - 副本.xlsx",    True),
    ("局机关(1).xlsx",        True),
    ("局机关（2）.xlsx",      True),
    ("局机关 - 复制.xlsx",    True),
    ("Copy of 局机关.xlsx",   True),
    ("局机关 - Copy.xlsx",    True),
    ("复件 局机关.xlsx",      True),
    ("局机关.xlsx",           False),
    ("2022年局机关.xlsx",     False),
]


@pytest.mark.parametrize("name, copy", COPY_NAMES)
def test_copy_names(name, copy):
    assert R.is_copy_name(name) is copy


def _run(folder: Path, out: Path) -> dict:
    cli("consolidate", folder, "-o", out, "--json", out.with_suffix(".json"), "--quiet")
    return json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


DUPLICATE_ORDERS = [
    # (files present at the first run, files added for the second, unit kept)
    (["局机关.xlsx", "局机关 - 副本.xlsx"], [],                     "局机关"),
    (["局机关 - 副本.xlsx"],                ["局机关.xlsx"],         "局机关"),
    (["局机关.xlsx"],                       ["局机关 - 副本.xlsx"],  "局机关"),
    (["局机关报送.xlsx"],                   ["局机关.xlsx"],         "局机关报送"),  # both plain: first seen
    (["局机关.xlsx"],                       ["局机关报送.xlsx"],     "局机关"),
]


@pytest.mark.parametrize("first, then, kept", DUPLICATE_ORDERS)
def test_duplicates_keep_the_original(tmp_path, first, then, kept):
    src = small_folder(tmp_path / "src") / "局机关.xlsx"
    folder = tmp_path / "subs"
    folder.mkdir()
    out = tmp_path / "out.xlsx"
    for name in first:
        shutil.copy2(src, folder / name)
    doc = _run(folder, out)
    for name in then:
        shutil.copy2(src, folder / name)
    doc = _run(folder, out)
    assert [u["name"] for u in doc["units"]] == [kept]
    assert {p["unit"] for p in doc["projects"]} == {kept}
    dups = [Path(f["path"]).name for f in doc["files"] if f["status"] == "duplicate"]
    assert len(dups) == len(first) + len(then) - 1 and f"{kept}.xlsx" not in dups
    assert {f["unit"] for f in doc["files"]} == {kept}  # a copy counts under its original's unit
    import openpyxl

    ws = openpyxl.load_workbook(out)[O.SUMMARY_SHEET]
    assert [ws.cell(r, 1).value for r in range(O.FIRST_ROW, ws.max_row + 1)] == \
        ["局机关及二级机构汇总", kept]


# ------------------------------------------------------------------ rolled up
def _split_examples(base: Path) -> tuple[Path, Path]:
    a, b = base / "甲县", base / "乙县"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    shutil.copy2(EXAMPLES / "局机关.xlsx", a)
    shutil.copy2(EXAMPLES / "数据资源中心.xlsx", b)
    shutil.copy2(EXAMPLES / "政务服务中心.xlsx", b)
    generate_submissions(a, 3, seed=11, prefix="甲县单位")
    generate_submissions(b, 2, seed=12, prefix="乙县单位")
    return a, b


def _figures(doc: dict) -> tuple:
    keys = ("name", "unit", "budget_initial", "budget_full_year", "spent", "score_total",
            "rule_score_total", "grade")
    projects = sorted((tuple(p[k] for k in keys), tuple(sorted(i["code"] for i in p["issues"])))
                      for p in doc["projects"])
    return doc["department"], sorted(doc["units"], key=lambda u: u["name"]), projects


@pytest.mark.parametrize("kind", ["json", "ledger"])
def test_rolled_up_totals_equal_a_flat_run(tmp_path, kind):
    a, b = _split_examples(tmp_path / "报送")
    flat = _run(tmp_path / "报送", tmp_path / "flat.xlsx")
    county = {}
    for folder in (a, b):
        out = tmp_path / "县" / f"{folder.name}.xlsx"
        _run(folder, out)
        county[folder.name] = (out.with_suffix(".json") if kind == "json"
                               else default_ledger_path(out))
    city = tmp_path / "市" / "市汇总.xlsx"
    code = cli("consolidate", county["甲县"], county["乙县"], "-o", city, "--json",
               city.with_suffix(".json"), "--quiet")
    assert code == 1  # the seed forms' problems travel up
    rolled = json.loads(city.with_suffix(".json").read_text(encoding="utf-8"))
    assert _figures(rolled) == _figures(flat)
    assert rolled["department"]["projects"] == 8 + sum(
        1 for p in flat["projects"] if "单位" in p["unit"])
    assert len(rolled["files"]) == len(flat["files"]) == 8
    # The city's ledger lists every unit's file, as the counties' do.
    with Ledger(default_ledger_path(city)) as ledger:
        assert sorted(r.unit for r in ledger.rows()) == sorted(u["name"] for u in flat["units"])


def test_the_same_county_twice_is_counted_once(tmp_path):
    a, _ = _split_examples(tmp_path / "报送")
    _run(a, tmp_path / "甲县.xlsx")
    once = json.loads((tmp_path / "甲县.json").read_text(encoding="utf-8"))
    shutil.copy2(tmp_path / "甲县.json", tmp_path / "甲县（再报）.json")
    city = tmp_path / "市.xlsx"
    cli("consolidate", tmp_path / "甲县.json", tmp_path / "甲县（再报）.json", "-o", city,
        "--json", city.with_suffix(".json"), "--quiet")
    doc = json.loads(city.with_suffix(".json").read_text(encoding="utf-8"))
    assert doc["department"] == once["department"]
    assert sum(1 for f in doc["files"] if f["status"] == "duplicate") == len(once["files"])


def test_not_a_result_is_named_and_the_rest_goes_on(tmp_path):
    small = small_folder(tmp_path / "subs")
    (tmp_path / "别的.json").write_text('{"名单": []}', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    code = cli("consolidate", small, tmp_path / "别的.json", "-o", out, "--json",
               out.with_suffix(".json"), "--quiet")
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert code == 2 and doc["department"]["projects"] == 3
    bad = [f for f in doc["files"] if f["status"] == "error"]
    assert [Path(f["path"]).name for f in bad] == ["别的.json"]
    assert "不是 xltools 汇总结果" in bad[0]["error"]


def test_files_found_but_not_read_are_listed(tmp_path, monkeypatch, capsys):
    """A folder expansion that gives, beside the workbooks, files it does not
    read with why (`report.InputFile`: path, skip) — listed in 文件状态, the
    JSON and the terminal; the exit code is the workbooks'."""
    from dataclasses import dataclass

    @dataclass
    class Found:
        path: str
        skip: str = ""

    folder = small_folder(tmp_path / "subs")
    (folder / "通知.pdf").write_bytes(b"%PDF-1.4")
    found = [Found(str(folder / "局机关.xlsx")), Found(str(folder / "数据资源中心.xlsx")),
             Found(str(folder / "通知.pdf"), "不是工作簿（.pdf），未读取")]
    monkeypatch.setattr(R, "collect_files", lambda paths, exclude=(): found)
    out = tmp_path / "out.xlsx"
    capsys.readouterr()
    assert cli("consolidate", folder, "-o", out, "--json", out.with_suffix(".json"), "--quiet") == 0
    assert f"{folder / '通知.pdf'}：不是工作簿（.pdf），未读取" in capsys.readouterr().out
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert doc["files"][-1] == {"path": str(folder / "通知.pdf"), "status": "skipped", "unit": None,
                                "error": "不是工作簿（.pdf），未读取", "has_macros": False}
    assert doc["department"]["projects"] == 3
    import openpyxl

    rows = list(openpyxl.load_workbook(out)[O.FILES_SHEET].iter_rows(min_row=O.FIRST_ROW, values_only=True))
    assert [r[4] for r in rows] == ["已汇总", "已汇总", "未读取"]
