"""Small truths of the master commands: `recalc` refuses a workbook that is not
a master (Chinese message, exit 2, file untouched), exits like `check`, makes
a backup only when the content changed; a backup is verified (size and
SHA-256) before the original is replaced, and a failed one leaves the
original as it was."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from consolidate_helpers import EXAMPLES, cli, small_folder
from xltools.core import fileio
from xltools.master.build import MasterSpec, write_master
from xltools.master.twins import recalc_file
from xltools.profiles import load_profile

PROFILE = load_profile()
SPEC = dict(department="株洲市行政审批服务局", year=2022, units=["局机关", "数据资源中心"])


def _master(tmp_path: Path, forms=(None,)) -> Path:
    return write_master(tmp_path / "主表.xlsm", MasterSpec(forms=list(forms), **SPEC), PROFILE)


def _address_book(tmp_path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "通讯录"
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "通讯录.xlsx")
    return tmp_path / "通讯录.xlsx"


def _submission(tmp_path: Path) -> Path:
    return Path(shutil.copy(EXAMPLES / "局机关.xlsx", tmp_path / "局机关.xlsx"))


def _consolidation_output(tmp_path: Path) -> Path:
    out = tmp_path / "汇总.xlsx"
    cli("consolidate", small_folder(tmp_path / "subs"), "-o", out, "--quiet")
    return out


# workbook that is not a master      how it is made
NOT_MASTERS = [
    ("submission",                    _submission),            # a unit's 自评表
    ("address book",                  _address_book),          # any other workbook
    ("consolidation output",          _consolidation_output),  # xltools consolidate -o
]


@pytest.mark.parametrize("kind, make", NOT_MASTERS, ids=[k for k, _m in NOT_MASTERS])
def test_recalc_refuses_what_is_not_a_master(kind, make, tmp_path, capsys):
    path = make(tmp_path)
    data = path.read_bytes()
    capsys.readouterr()
    assert cli("recalc", path) == 2
    out = capsys.readouterr().out
    assert "不是 xltools 主表" in out and "未做任何改动" in out
    assert path.read_bytes() == data
    assert not list(tmp_path.glob("*.bak.*"))


def test_a_master_missing_its_checks_sheet_is_named_with_the_way_back(tmp_path, capsys):
    """A clerk deleted 校验结果 (it looked like output): recalc says what is missing
    and how to get a master back, and changes nothing."""
    import openpyxl

    master = tmp_path / "主表.xlsm"
    assert cli("new", master, "--from", EXAMPLES / "局机关.xlsx") == 0
    wb = openpyxl.load_workbook(master, keep_vba=True)
    del wb["校验结果"]
    trimmed = tmp_path / "删过的主表.xlsm"
    wb.save(trimmed)
    data = trimmed.read_bytes()
    capsys.readouterr()
    assert cli("recalc", trimmed) == 2
    out = capsys.readouterr().out
    assert "像是 xltools 主表，但缺少“校验结果”工作表" in out and "未做任何改动" in out
    assert "--from 删过的主表.xlsm" in out
    assert trimmed.read_bytes() == data


def test_recalc_backs_up_only_what_changed(tmp_path, capsys):
    master = _master(tmp_path)
    assert cli("recalc", master) == 0          # the build left the blank sheet's values out
    assert "原文件已备份" in capsys.readouterr().out
    backups = list(tmp_path.glob("主表.*.bak.xlsm"))
    assert len(backups) == 1
    data = master.read_bytes()
    assert cli("recalc", master) == 0
    assert "内容没有变化，文件未改动" in capsys.readouterr().out
    assert master.read_bytes() == data and list(tmp_path.glob("主表.*.bak.xlsm")) == backups


def test_add_project_then_recalc_changes_nothing(tmp_path):
    """add-project plans the new sheet in memory; a recalc of the result finds
    every figure already in place."""
    master = _master(tmp_path)
    recalc_file(master, PROFILE)
    assert cli("add-project", master) == 0
    data = master.read_bytes()
    assert recalc_file(master, PROFILE).changed is False
    assert master.read_bytes() == data


def test_recalc_exits_like_check(tmp_path):
    """1 when the 校验结果 it writes lists an error or a warning (the seed's
    forms have them), as `xltools check` on the same master."""
    from xltools.master.build import forms_from

    forms, _notes = forms_from([EXAMPLES])
    master = _master(tmp_path, forms)
    assert cli("check", master) == 1
    assert cli("recalc", master) == 1


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _truncating_copy(src, dest, **_kw):
    Path(dest).write_bytes(Path(src).read_bytes()[:100])  # a disk that filled up mid-copy


def _failing_copy(src, dest, **_kw):
    Path(dest).write_bytes(b"PK")
    raise OSError(28, "No space left on device")


# copy that goes wrong         what the clerk reads
BAD_COPIES = [
    (_truncating_copy,         "不一致"),
    (_failing_copy,            "无法备份"),
]


@pytest.mark.parametrize("copy, words", BAD_COPIES)
def test_failed_backup_leaves_the_original(copy, words, tmp_path, monkeypatch, capsys):
    master = _master(tmp_path)
    before = _sha(master)
    monkeypatch.setattr(fileio.shutil, "copy2", copy)
    capsys.readouterr()
    assert cli("recalc", master) == 2
    out = capsys.readouterr().out
    assert words in out and "原文件未改动" in out
    assert _sha(master) == before
    assert [p.name for p in tmp_path.iterdir()] == [master.name]  # no bad backup, no temp file


def test_backup_is_verified(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"original bytes")
    with fileio.atomic_write(target) as tmp:
        tmp.write_bytes(b"new bytes")
    (backup,) = tmp_path.glob("a.*.bak.xlsx")
    assert backup.read_bytes() == b"original bytes" and target.read_bytes() == b"new bytes"


# --name given                  the clerk reads
BAD_NAMES = [
    ("项目1",                    "已有名为"),
    ("xlwings.CONF",             "已有名为"),       # Excel compares names ignoring case
    ("项目/二",                  "不允许的字符"),
    ("一" * 32,                  "31 个字符"),
    ("History",                  "保留"),
]


@pytest.mark.parametrize("name, words", BAD_NAMES)
def test_add_project_refuses_a_name_excel_would_refuse(name, words, tmp_path, capsys):
    master = _master(tmp_path)
    data = master.read_bytes()
    capsys.readouterr()
    assert cli("add-project", master, "--name", name) == 2
    assert words in capsys.readouterr().out
    assert master.read_bytes() == data
