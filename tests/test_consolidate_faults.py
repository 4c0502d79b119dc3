"""Faults on the output side and in the ledger: a Chinese message naming the
path and what to do, exit 2, no traceback, nothing of the clerk's lost; the
ledger follows files that disappear or are renamed; times are local."""
from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from consolidate_helpers import ROOT, cli, project, small_folder
from xltools.consolidate import ledger as ledger_mod
from xltools.consolidate import output as O
from xltools.consolidate.ledger import Ledger, default_ledger_path
from xltools.consolidate.sample import write_submission
from xltools.core import fileio
from xltools.master.build import MasterSpec, write_master


def _fail_in(folder: Path, code: int):
    """tempfile.mkstemp failing with `code` inside `folder` (root ignores chmod)."""
    real = fileio.tempfile.mkstemp

    def mkstemp(*args, **kw):
        if Path(kw.get("dir") or "").resolve() == folder.resolve():
            raise OSError(code, os.strerror(code), str(folder))
        return real(*args, **kw)

    return mkstemp


FOLDER_FAULTS = [
    # (errno,        words in the message)
    (errno.EACCES,   "没有写入权限"),
    (errno.EROFS,    "只读"),
]


@pytest.mark.parametrize("code, words", FOLDER_FAULTS)
def test_folder_that_cannot_be_written(tmp_path, monkeypatch, capsys, code, words):
    folder = small_folder(tmp_path / "subs")
    target = tmp_path / "汇总"
    target.mkdir()
    monkeypatch.setattr(fileio.tempfile, "mkstemp", _fail_in(target, code))
    assert cli("consolidate", folder, "-o", target / "out.xlsx", "--quiet") == 2
    err = capsys.readouterr().err
    assert words in err and str(target / "out.xlsx") in err and "占用" not in err
    assert list(target.iterdir()) == []  # nothing read, nothing recorded


def test_output_path_that_is_a_folder(tmp_path, capsys):
    folder = small_folder(tmp_path / "subs")
    target = tmp_path / "汇总.xlsx"
    target.mkdir()
    assert cli("consolidate", folder, "-o", target, "--quiet") == 2
    err = capsys.readouterr().err
    assert "是一个文件夹" in err and str(target) in err and "文件名" in err


# An output that is not a file: `--json NUL` typed out of Windows habit (a device),
# a pipe a script left, a folder no file can be made in.  Refused with the path
# named; the device is neither read (a "backup" of /dev/full never ends) nor replaced.
NOT_FILES = [
    ("consolidate", "/dev/full",      "不是普通文件"),
    ("check",       "/dev/full",      "不是普通文件"),
    ("check",       "pipe",           "不是普通文件"),
    ("check",       "/proc/out.json", "不能在其中建立文件"),
]


@pytest.mark.parametrize("command, target, words", NOT_FILES)
def test_output_that_is_not_a_file(tmp_path, capsys, command, target, words):
    folder = small_folder(tmp_path / "subs")
    if target == "pipe":
        target = tmp_path / "结果.json"
        os.mkfifo(target)
    target = Path(target)
    option = "-o" if command == "consolidate" else "--json"
    assert cli(command, folder, option, target, "--quiet") == 2
    err = capsys.readouterr().err
    assert words in err and str(target) in err and "Traceback" not in err
    left = [p.name for p in target.parent.iterdir()  # no backup, ledger or temporary left
            if p != target and p.name.lstrip(".").startswith(target.stem)]
    assert left == []


def test_output_name_too_long(tmp_path, capsys):
    folder = small_folder(tmp_path / "subs")
    target = tmp_path / ("整体支出汇总" * 14 + ".xlsx")  # 252 bytes of UTF-8
    assert cli("consolidate", folder, "-o", target, "--quiet") == 2
    assert "文件名太长" in capsys.readouterr().err


def test_disk_full_while_writing_leaves_everything_as_it_was(tmp_path, monkeypatch, capsys):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    before = out.read_bytes()
    with Ledger(default_ledger_path(out)) as ledger:
        recorded = ledger.dump()
    write_submission(folder / "数据资源中心.xlsx", [project("项目技术审查会相关费用", "数据资源中心",
                                                          100, 100, 80)])

    def full(path, data):
        Path(path).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(O, "write_workbook", full)
    assert cli("consolidate", folder, "-o", out, "--quiet") == 2
    err = capsys.readouterr().err
    assert "磁盘空间已满" in err and str(out) in err and "Traceback" not in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ledger.sqlite", "out.xlsx", "subs"]
    with Ledger(default_ledger_path(out)) as ledger:
        assert ledger.dump() == recorded  # the failed run is not in the ledger


def test_disk_full_while_backing_up_leaves_no_backup_that_looks_good(tmp_path, monkeypatch, capsys):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the clerk's own workbook" * 100)

    def copy_half(src, dst, **kw):
        Path(dst).write_bytes(Path(src).read_bytes()[:50])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.shutil, "copy2", copy_half)
    assert cli("consolidate", folder, "-o", out, "--quiet") == 2
    assert "磁盘空间" in capsys.readouterr().err  # (the backup's own message may say it)
    assert out.read_bytes() == b"the clerk's own workbook" * 100
    assert [p.name for p in tmp_path.iterdir() if "bak" in p.name or p.name.startswith(".")] == []


def test_a_backup_that_differs_from_its_original_is_not_kept(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"x" * 1000)
    monkeypatch.setattr(fileio.shutil, "copy2",
                        lambda src, dst, **kw: Path(dst).write_bytes(b"x" * 999))
    from xltools.core.errors import XltoolsError

    with pytest.raises((OSError, XltoolsError)):  # (a verified backup may raise its own error)
        fileio.backup(target)
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


WRITE_ERRORS = [
    # (errno,              winerror, words,            not these words)
    (errno.EACCES,         None,     "没有写入权限",   "占用"),
    (errno.EROFS,          None,     "只读",           "占用"),
    (errno.ENOSPC,         None,     "磁盘空间已满",   "占用"),
    (errno.ENAMETOOLONG,   None,     "文件名太长",     "占用"),
    (errno.EACCES,         32,       "正被其他程序占用", "权限"),  # Windows: open in Excel
]


@pytest.mark.parametrize("code, winerror, words, absent", WRITE_ERRORS)
def test_write_errors_in_chinese(code, winerror, words, absent):
    exc = OSError(code, "x")
    if winerror is not None:
        exc.winerror = winerror
    text = fileio.describe_write_error(exc, "D:/汇总/整体支出汇总.xlsx")
    assert words in text and absent not in text and "D:/汇总/整体支出汇总.xlsx" in text


# ------------------------------------------------------------------ the ledger
def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\x01 not a database at all " * 50)


def _truncated(path: Path) -> None:
    with Ledger(path) as ledger:
        ledger.add_expected(["局机关"] * 1 + [f"单位{k}" for k in range(2000)], "test")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    con.execute("INSERT INTO contacts VALUES ('胡静', '28683269')")
    con.commit()
    con.close()


def _foreign_with_our_names(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    con.execute("CREATE TABLE files (id INTEGER, path TEXT)")
    con.execute("CREATE TABLE problems (id INTEGER)")
    con.commit()
    con.close()


NOT_LEDGERS = [
    # (maker,                    words)
    (_garbage,                   "不是报送台账"),
    (_truncated,                 "已损坏"),
    (_foreign,                   "其他程序的数据库"),
    (_foreign_with_our_names,    "其他程序的数据库"),
]


@pytest.mark.parametrize("make, words", NOT_LEDGERS, ids=[m[0].__name__ for m in NOT_LEDGERS])
def test_a_ledger_that_is_not_a_ledger_is_left_alone(tmp_path, capsys, make, words):
    folder = small_folder(tmp_path / "subs")
    ledger = tmp_path / "台账.sqlite"
    make(ledger)
    before = ledger.read_bytes()
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--ledger", ledger, "--quiet") == 2
    err = capsys.readouterr().err
    assert words in err and str(ledger) in err and "--ledger" in err
    assert ledger.read_bytes() == before
    assert not (tmp_path / "out.xlsx").exists()
    assert cli("ledger", "--ledger", ledger) == 2
    assert words in capsys.readouterr().err
    assert ledger.read_bytes() == before


def test_a_ledger_held_by_another_run_is_waited_for_then_refused(tmp_path, monkeypatch, capsys):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    write_submission(folder / "数据资源中心.xlsx", [project("项目技术审查会相关费用", "数据资源中心",
                                                          100, 100, 80)])
    monkeypatch.setattr(ledger_mod, "LOCK_WAIT", 1.0)
    monkeypatch.setattr(ledger_mod, "LOCK_POLL", 0.1)
    other = sqlite3.connect(default_ledger_path(out), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run is writing
    try:
        capsys.readouterr()
        assert cli("consolidate", folder, "-o", out, "--quiet") == 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert "正被另一次汇总使用，等待" in err
    assert "被另一次汇总占用，已等待 1 秒" in err and "Traceback" not in err


def test_a_ledger_released_while_waiting_is_used(tmp_path, monkeypatch, capsys):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    write_submission(folder / "数据资源中心.xlsx", [project("项目技术审查会相关费用", "数据资源中心",
                                                          100, 100, 80)])
    monkeypatch.setattr(ledger_mod, "LOCK_POLL", 0.05)
    other = sqlite3.connect(default_ledger_path(out), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: (other.execute("ROLLBACK"), other.close()))
    release.start()
    capsys.readouterr()
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    release.join()
    assert "等待它结束" in capsys.readouterr().err
    with Ledger(default_ledger_path(out)) as ledger:
        assert ledger.counts()["files"] == 3


def test_ledger_marks_a_file_that_disappeared_or_was_renamed(tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    write_submission(folder / "局机关.xlsx", [project("快递服务经费", "局机关", 100, 187, 146.06)],
                     unit="局机关")
    write_submission(folder / "数据资源中心.xlsx",
                     [project("项目技术审查会相关费用", "数据资源中心", 100, 100, 62.7)])
    out = tmp_path / "out.xlsx"
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    (folder / "局机关.xlsx").rename(folder / "局机关（终稿）.xlsx")  # same unit (基础信息)
    (folder / "数据资源中心.xlsx").unlink()                           # withdrawn
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    with Ledger(default_ledger_path(out)) as ledger:
        rows = {r.unit: r for r in ledger.rows(current_only=False)}
    office, centre = rows["局机关"], rows["数据资源中心"]
    assert office.current and office.name == "局机关（终稿）.xlsx"
    assert office.renamed_from.endswith("局机关.xlsx")
    assert not centre.current and centre.gone_at
    capsys.readouterr()
    assert cli("ledger", "--ledger", default_ledger_path(out)) == 0
    text = capsys.readouterr().out
    assert "报送文件已不在原处的单位 1 个" in text and "数据资源中心" in text
    assert "原名 局机关.xlsx" in text


def test_times_are_the_clerks_local_time(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        folder = small_folder(tmp_path / "subs")
        out = tmp_path / "out.xlsx"
        assert cli("consolidate", folder, "-o", out, "--quiet") == 0
        with Ledger(default_ledger_path(out)) as ledger:
            utc = ledger.rows()[0].seen_at
        from datetime import datetime, timedelta

        local = (datetime.fromisoformat(utc) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
        ws = openpyxl.load_workbook(out)[O.FILES_SHEET]
        header = [c.value for c in ws[O.HEADER_ROW]]
        assert "首次报送时间（本地时间 UTC+08:00）" in header
        col = header.index("首次报送时间（本地时间 UTC+08:00）") + 1
        assert ws.cell(O.FIRST_ROW, col).value.startswith(local)
        capsys.readouterr()
        cli("ledger", "--ledger", default_ledger_path(out))
        assert local in capsys.readouterr().out
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_terminal_lists_problem_files_and_missing_units(tmp_path, capsys):
    folder = small_folder(tmp_path / "subs")
    write_submission(folder / "数据资源中心.xlsx",
                     [project("项目技术审查会相关费用", "数据资源中心", 100, 100, 62.7, total=95.62)])
    master = tmp_path / "主表.xlsx"
    write_master(master, MasterSpec(department="株洲市行政审批服务局", year=2022,
                                    units=["局机关", "数据资源中心", "政务服务中心"]))
    capsys.readouterr()
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--master", master,
               "--quiet") == 1
    text = capsys.readouterr().out
    assert "有错误或警告的文件 1 个：" in text
    assert f"{folder / '数据资源中心.xlsx'}（数据资源中心）：错误 1 条" in text
    assert "未报送 1 个单位：政务服务中心" in text


def test_a_gbk_file_name_is_read_and_named_readably(tmp_path, capsys):
    folder = small_folder(tmp_path / "subs")
    src = folder / "局机关.xlsx"
    name = os.fsencode(str(folder)) + b"/" + "政务服务中心".encode("gbk") + b".xlsx"
    write_submission(tmp_path / "g.xlsx", [project("窗口补贴", "政务服务中心", 160, 65.61, 65.61)])
    with open(name, "wb") as fh:
        fh.write((tmp_path / "g.xlsx").read_bytes())
    out, js = tmp_path / "out.xlsx", tmp_path / "out.json"
    capsys.readouterr()
    assert cli("consolidate", folder, "-o", out, "--json", js, "--quiet") == 1
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["department"]["projects"] == 4
    assert "政务服务中心" in [u["name"] for u in doc["units"]]
    gbk = next(f for f in doc["files"] if f["unit"] == "政务服务中心")
    assert gbk["path"].endswith("政务服务中心.xlsx")
    assert [p["code"] for p in gbk["problems"]] == ["file_name_encoding"]
    assert "改成这个名字" in gbk["problems"][0]["message"]
    assert src.exists()


@pytest.mark.parametrize("command", ["consolidate", "ledger"])
def test_a_reader_that_goes_away_ends_the_output_quietly(tmp_path, command):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    argv = ([sys.executable, "-m", "xltools", "consolidate", str(folder), "-o", str(out), "--quiet"]
            if command == "consolidate" else
            [sys.executable, "-m", "xltools", "ledger", "--ledger", str(default_ledger_path(out))])
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # `… | head` that has read enough
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=120)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode in (0, 1)


_SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL, name TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER NOT NULL, unit TEXT NOT NULL, seen_at TEXT NOT NULL,
    status TEXT NOT NULL, error TEXT, has_macros INTEGER NOT NULL DEFAULT 0,
    projects INTEGER NOT NULL DEFAULT 0, problem_count INTEGER NOT NULL DEFAULT 0,
    problems_digest TEXT NOT NULL DEFAULT '', current INTEGER NOT NULL DEFAULT 1,
    superseded_by INTEGER REFERENCES files(id), superseded_at TEXT, UNIQUE (sha256, unit));
CREATE TABLE problems (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, code TEXT NOT NULL,
    severity TEXT NOT NULL, sheet TEXT NOT NULL DEFAULT '', cell TEXT NOT NULL DEFAULT '',
    project TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '');
CREATE TABLE expected_units (unit TEXT PRIMARY KEY, source TEXT NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE cache (path TEXT NOT NULL, sha256 TEXT NOT NULL, engine_key TEXT NOT NULL,
    entry BLOB NOT NULL, PRIMARY KEY (path, sha256, engine_key));
CREATE TABLE outputs (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, digest TEXT NOT NULL,
    written_at TEXT NOT NULL);
INSERT INTO meta VALUES ('schema', '1');
INSERT INTO files (path, name, sha256, size, unit, seen_at, status) VALUES
    ('/旧/局机关.xlsx', '局机关.xlsx', 'aa', 1, '旧单位', '2025-06-30T02:00:00+00:00', 'ok');
"""


def test_a_ledger_of_the_earlier_schema_is_read_and_kept(tmp_path, capsys):
    ledger = tmp_path / "台账.sqlite"
    con = sqlite3.connect(ledger)
    con.executescript(_SCHEMA_1)
    con.close()
    assert cli("ledger", "--ledger", ledger) == 0  # read-only: not migrated
    assert "旧单位" in capsys.readouterr().out
    folder = small_folder(tmp_path / "subs")
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--ledger", ledger, "--quiet") == 0
    with Ledger(ledger) as book:
        rows = {r.unit: r for r in book.rows(current_only=False)}
    assert set(rows) == {"旧单位", "局机关", "数据资源中心"}
    assert rows["旧单位"].seen_at == "2025-06-30T02:00:00+00:00"  # history kept
    assert rows["旧单位"].gone_at  # its file is not where it was
