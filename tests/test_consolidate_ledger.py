"""The submission ledger: a re-run on an unchanged folder changes nothing (no
new rows, the same output cell by cell); a changed file from the same unit
supersedes the old one and the history stays; `xltools ledger` says who is
missing."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from consolidate_helpers import cells, cli, project, small_folder
from xltools.consolidate.ledger import Ledger, Submission, default_ledger_path
from xltools.core.issues import Issue
from xltools.consolidate.sample import write_submission
from xltools.master.build import MasterSpec, write_master


def _run(folder: Path, out: Path, *extra) -> int:
    return cli("consolidate", folder, "-o", out, "--json", out.with_suffix(".json"), "--quiet", *extra)


def test_default_ledger_beside_output(tmp_path):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "汇总" / "整体支出汇总.xlsx"
    assert _run(folder, out) == 0
    assert default_ledger_path(out) == tmp_path / "汇总" / "整体支出汇总.ledger.sqlite"
    assert default_ledger_path(out).exists()
    custom = tmp_path / "台账.sqlite"
    assert _run(folder, out, "--ledger", custom) == 0
    with Ledger(custom) as ledger:
        assert [r.unit for r in ledger.rows()] == ["局机关", "数据资源中心"]


def test_rerun_on_unchanged_folder_changes_nothing(tmp_path):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out" / "整体支出汇总.xlsx"
    assert _run(folder, out) == 0
    ledger_path = default_ledger_path(out)
    with Ledger(ledger_path) as ledger:
        before = ledger.dump()
    first_cells = cells(out)
    first_bytes = out.read_bytes()
    first_json = out.with_suffix(".json").read_text(encoding="utf-8")
    assert _run(folder, out) == 0
    with Ledger(ledger_path) as ledger:
        assert ledger.dump() == before  # no new rows, nothing updated
    assert cells(out) == first_cells    # same output, cell by cell
    assert out.read_bytes() == first_bytes  # not even rewritten
    assert out.with_suffix(".json").read_text(encoding="utf-8") == first_json
    assert list(out.parent.glob("*.bak.*")) == []  # nothing backed up: nothing replaced


def test_changed_file_supersedes_and_history_stays(tmp_path):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    assert _run(folder, out) == 0
    # 数据资源中心 sends a corrected file: spent 62.7 → 80.
    write_submission(folder / "数据资源中心.xlsx", [
        project("项目技术审查会相关费用", "数据资源中心", 100, 100, 80)])
    assert _run(folder, out) == 0
    with Ledger(default_ledger_path(out)) as ledger:
        rows = ledger.rows(current_only=False)
        counts = ledger.counts()
    assert counts["files"] == 3
    old = [r for r in rows if r.unit == "数据资源中心" and not r.current]
    new = [r for r in rows if r.unit == "数据资源中心" and r.current]
    assert len(old) == 1 and len(new) == 1
    assert old[0].superseded_by == new[0].id and old[0].superseded_at
    assert [r.current for r in rows if r.unit == "局机关"] == [True]
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    # 局机关 146.06 + 214.78, 数据资源中心 now 80
    assert doc["department"]["spent"] == pytest.approx(146.06 + 214.78 + 80) == pytest.approx(440.84)
    backups = list(tmp_path.glob("out.*.bak.xlsx"))
    assert len(backups) == 1  # the changed output replaced the old one, which was kept


def test_same_unit_new_file_name_supersedes_by_declared_unit(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    write_submission(folder / "数据中心报送.xlsx",
                     [project("项目技术审查会相关费用", "数据资源中心", 100, 100, 62.7)],
                     unit="数据资源中心")
    out = tmp_path / "out.xlsx"
    assert _run(folder, out) == 0
    (folder / "数据中心报送.xlsx").unlink()
    write_submission(folder / "数据中心报送（修改）.xlsx",
                     [project("项目技术审查会相关费用", "数据资源中心", 100, 100, 70)],
                     unit="数据资源中心")
    assert _run(folder, out) == 0
    with Ledger(default_ledger_path(out)) as ledger:
        current = ledger.rows()
        history = [r for r in ledger.rows(current_only=False) if not r.current]
    assert [(r.unit, r.name) for r in current] == [("数据资源中心", "数据中心报送（修改）.xlsx")]
    assert [(r.unit, r.name) for r in history] == [("数据资源中心", "数据中心报送.xlsx")]


def test_problems_recorded(tmp_path):
    folder = small_folder(tmp_path / "subs")
    write_submission(folder / "政务服务中心.xlsx", [
        project("窗口补贴", "政务服务中心", 160, 65.61, 65.61, total=95.9)])
    out = tmp_path / "out.xlsx"
    assert _run(folder, out) == 1
    with Ledger(default_ledger_path(out)) as ledger:
        row = next(r for r in ledger.rows() if r.unit == "政务服务中心")
        problems = ledger.problems(row.id)
    assert row.status == "problems" and row.problem_count == len(problems) >= 1
    mismatch = [p for p in problems if p.code == "total_mismatch"]
    assert mismatch and mismatch[0].sheet == "项目1" and mismatch[0].cell
    assert mismatch[0].project == "窗口补贴"


LEDGER_CASES = [
    # (submission units,                   expected units,                              missing)
    (("局机关", "数据资源中心"),           ("局机关", "数据资源中心", "政务服务中心"), ["政务服务中心"]),
    (("局机关", "数据资源中心"),           ("局机关", "数据资源中心"),                  []),
]


@pytest.mark.parametrize("have, expected, missing", LEDGER_CASES)
def test_ledger_command_lists_who_is_missing(tmp_path, capsys, have, expected, missing):
    folder = small_folder(tmp_path / "subs")
    assert sorted(p.stem for p in folder.glob("*.xlsx")) == sorted(have)
    master = tmp_path / "主表.xlsx"
    write_submission(master, [project("示例", "局机关", 1, 1, 1)], expected=expected)
    out = tmp_path / "out.xlsx"
    ledger_path = default_ledger_path(out)
    _run(folder, out)
    capsys.readouterr()
    code = cli("ledger", "--ledger", ledger_path, "--master", master)
    text = capsys.readouterr().out
    assert code == (1 if missing else 0)
    for unit in have:
        assert unit in text
    if missing:
        assert "未报送 1 个单位：" + "、".join(missing) in text
    else:
        assert "均已报送" in text


def test_ledger_remembers_expected_units_from_master(tmp_path, capsys):
    folder = small_folder(tmp_path / "subs")
    master = tmp_path / "主表.xlsx"
    write_master(master, MasterSpec(department="株洲市行政审批服务局", year=2022,
                                    units=["局机关", "数据资源中心", "政务服务中心"]))
    out = tmp_path / "out.xlsx"
    assert cli("consolidate", folder, "-o", out, "--master", master, "--quiet") == 0
    capsys.readouterr()
    assert cli("ledger", "--ledger", default_ledger_path(out)) == 1  # no --master this time
    assert "未报送 1 个单位：政务服务中心" in capsys.readouterr().out


def test_ledger_missing_file(tmp_path, capsys):
    assert cli("ledger", "--ledger", tmp_path / "none.sqlite") == 2
    assert "找不到报送台账" in capsys.readouterr().err


def test_record_run_keyed_on_content_and_unit(tmp_path):
    sub = Submission(path=str(tmp_path / "a.xlsx"), sha256="aa", size=1, unit="局机关", status="ok")
    with Ledger(tmp_path / "l.sqlite") as ledger:
        first = ledger.record_run([sub], now="2026-01-01T00:00:00+00:00")
        again = ledger.record_run([sub], now="2026-01-02T00:00:00+00:00")
        assert first.new and not again.changed
        assert ledger.rows()[0].seen_at == "2026-01-01T00:00:00+00:00"  # first seen kept
        # Rules changed: same file, new findings → problems replaced, no new row.
        sub.problems = [Issue("total_mismatch", "error", "总分不符", sheet="项目1", cell="H20", project="x")]
        sub.status = "problems"
        ledger.record_run([sub])
        assert ledger.counts()["files"] == 1
        assert [p.code for p in ledger.problems(ledger.rows()[0].id)] == ["total_mismatch"]
    con = sqlite3.connect(tmp_path / "l.sqlite")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"files", "problems", "expected_units", "outputs"} <= tables


def test_unchanged_files_come_from_the_cache(tmp_path, monkeypatch):
    from xltools.consolidate import run as run_mod

    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    assert _run(folder, out) == 0
    first = out.with_suffix(".json").read_text(encoding="utf-8")
    reads = []
    real = run_mod.load_book
    monkeypatch.setattr(run_mod, "load_book", lambda p: reads.append(Path(p).name) or real(p))
    assert _run(folder, out) == 0
    assert reads == []  # nothing read again
    assert out.with_suffix(".json").read_text(encoding="utf-8") == first
    # A changed file is read again; the other one still comes from the cache.
    write_submission(folder / "数据资源中心.xlsx", [
        project("项目技术审查会相关费用", "数据资源中心", 100, 100, 80)])
    assert _run(folder, out) == 0
    assert reads == ["数据资源中心.xlsx"]
    # Other rules (profile) → everything read again.
    reads.clear()
    assert _run(folder, out, "--profile", "hunan") in (0, 1)
    assert sorted(reads) == ["局机关.xlsx", "数据资源中心.xlsx"]
    with Ledger(default_ledger_path(out)) as ledger:
        assert ledger.counts()["cache"] == 2  # one reading per path kept


def test_cache_hit_with_path_spelled_differently(tmp_path, monkeypatch):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    monkeypatch.chdir(tmp_path)
    assert _run(Path("subs"), out) == 0  # relative
    assert _run(folder, out) == 0        # absolute, from the cache
    doc = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert {p["file"] for p in doc["projects"]} == {str(folder / "局机关.xlsx"),
                                                     str(folder / "数据资源中心.xlsx")}
