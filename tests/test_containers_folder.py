"""A submissions folder holding one file of every container a form arrives in,
plus what else lands in such folders: `check` gives exactly one line (■ 文件) per
file, each read or with the reason it is not; nothing is skipped silently.
`consolidate` and `new --from` expand folders through the same function."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from container_helpers import xlsx_to_docx
from master_fixtures import libreoffice_convert
from xltools.cli import main
from xltools.profiles import load_profile
from xltools.project.report import check_paths, list_inputs

GOOD = Path(__file__).resolve().parent.parent / "examples" / "submissions" / "数据资源中心.xlsx"

# file                       status     reason contains (for files not read)
FOLDER = [
    ("a.xlsx",                 "ok",      ""),
    ("b.xlsm",                 "ok",      ""),
    ("c.xls",                  "ok",      ""),
    ("d.ods",                  "ok",      ""),
    ("e.docx",                 "ok",      ""),
    ("f.et",                   "ok",      ""),          # WPS saved it as BIFF: read
    ("g.et",                   "error",   "另存为"),     # WPS's own format: named reason
    ("h.doc",                  "error",   ".docx"),
    ("~$a.xlsx",               "skipped", "锁文件"),
    (".hidden.xlsx",           "skipped", "隐藏"),
    ("a.20240101-093000.bak.xlsx", "skipped", "备份"),
    ("说明.pdf",               "skipped", "不是表格"),
    ("notes.txt",              "skipped", "不是表格"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("every")
    sub = tmp / "报送"
    sub.mkdir()
    shutil.copy(GOOD, sub / "a.xlsx")
    shutil.copy(GOOD, sub / "b.xlsm")
    conv = libreoffice_convert([GOOD], tmp / "xls", "xls")
    shutil.copy(conv[GOOD.name], sub / "c.xls")
    shutil.copy(conv[GOOD.name], sub / "f.et")
    shutil.copy(libreoffice_convert([GOOD], tmp / "ods", "ods")[GOOD.name], sub / "d.ods")
    docx = xlsx_to_docx(GOOD, tmp / "数据资源中心.docx")
    shutil.copy(docx, sub / "e.docx")
    # Word saves many a ".doc" as RTF; either way the clerk is asked for a .docx
    (sub / "h.doc").write_bytes(b"{\\rtf1\\ansi \\b xiangmu\\b0 }")
    (sub / "g.et").write_bytes(b"\x00WPS-ET" + bytes(200))
    (sub / "~$a.xlsx").write_bytes(b"lock")
    shutil.copy(GOOD, sub / ".hidden.xlsx")
    shutil.copy(GOOD, sub / "a.20240101-093000.bak.xlsx")
    (sub / "说明.pdf").write_bytes(b"%PDF-1.4")
    (sub / "notes.txt").write_text("报送说明", encoding="utf-8")
    return sub


@pytest.mark.parametrize("name,status,reason", FOLDER)
def test_every_file_gets_its_line(folder, name, status, reason):
    results = {Path(r.path).name: r for r in check_paths([folder], load_profile())}
    assert sorted(results) == sorted(n for n, *_ in FOLDER)
    res = results[name]
    assert res.status == status, (res.status, res.error)
    assert reason in (res.error or "")
    if status == "ok":
        assert len(res.checked) == 2  # 信创工程项目, 项目技术审查会相关费用


def test_terminal_has_one_line_per_file(folder, capsys):
    main(["check", str(folder)])
    out = capsys.readouterr().out
    assert out.count("■ 文件：") == len(FOLDER)
    assert "7 个未读取" not in out and "5 个未读取" in out


def test_one_expansion_for_all_commands(folder):
    from xltools.consolidate.run import collect_files
    from xltools.master.build import forms_from

    assert collect_files([folder]) == list_inputs([folder])
    forms, notes = forms_from([folder])
    assert len(forms) == 2 * 6  # six readable containers, two forms each
    assert sum("未读取" in n for n in notes) == 5


# What a synced or shared folder can hold besides files: each gets its line, none
# stops the run or hangs it (a pipe would block a reader for ever).
LINKS = [
    ("环.xlsx",     lambda d: (d / "环.xlsx").symlink_to("环.xlsx"),          "循环指向自身"),
    ("已删除.xlsx", lambda d: (d / "已删除.xlsx").symlink_to(d / "不存在.xlsx"), "指向的文件不存在"),
    ("管道.xlsx",   lambda d: os.mkfifo(d / "管道.xlsx"),                      "不是普通文件"),
]


@pytest.mark.parametrize("name,make,reason", LINKS)
def test_links_and_pipes_get_their_line(tmp_path, name, make, reason):
    sub = tmp_path / "报送"
    (sub / "下级").mkdir(parents=True)
    shutil.copy(GOOD, sub / "a.xlsx")
    (sub / "下级" / "上级").symlink_to(sub)  # a link back up the tree: walked once
    make(sub)
    results = {Path(r.path).name: r for r in check_paths([sub], load_profile())}
    assert sorted(results) == sorted(["a.xlsx", name])
    assert results["a.xlsx"].status == "ok"
    assert results[name].status == "skipped" and reason in results[name].error
    named = check_paths([sub / name], load_profile())  # named on the command line: the same
    assert named[0].status == "skipped" and reason in named[0].error
