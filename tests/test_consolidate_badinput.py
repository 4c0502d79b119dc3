"""Bad input: each unreadable file is listed with its reason and the rest is
consolidated; exit codes 0 / 1 / 2; macros reported, never run."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from consolidate_helpers import cli, copy_examples, small_folder
from xltools.consolidate import output as O

# Totals of small_folder by hand: 局机关 100+239.8 / 187+239.8 / 146.06+214.78,
# 数据资源中心 100 / 100 / 62.7.
SMALL = {"budget_initial": 100 + 239.8 + 100, "budget_full_year": 187 + 239.8 + 100,
         "spent": 146.06 + 214.78 + 62.7}
SMALL_LITERAL = {"budget_initial": 439.8, "budget_full_year": 526.8, "spent": 423.54}


def _corrupt(dest: Path, good: Path) -> None:
    dest.write_bytes(good.read_bytes()[:700])  # a zip cut short


def _encrypted(dest: Path, good: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(good, "rb") as fh, open(dest, "wb") as out:
        OOXMLFile(fh).encrypt("123456", out)


def _empty_bytes(dest: Path, good: Path) -> None:
    dest.write_bytes(b"")


def _empty_workbook(dest: Path, good: Path) -> None:
    openpyxl.Workbook().save(dest)


def _non_form(dest: Path, good: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "通讯录"
    wb.active.append(["姓名", "电话"])
    wb.active.append(["胡静", "28683269"])
    wb.save(dest)


def _txt_renamed(dest: Path, good: Path) -> None:
    dest.write_text("各单位：请于6月30日前报送绩效自评表。\n", encoding="utf-8")


CASES = [
    # (file name,              maker,            words the reason must contain)
    ("政务服务中心.xlsx",     _corrupt,          "损坏"),
    ("加密单位.xlsx",         _encrypted,        "密码"),
    ("空文件.xlsx",           _empty_bytes,      "空"),
    ("空工作簿.xlsx",         _empty_workbook,   "没有找到绩效自评表"),
    ("通讯录.xlsx",           _non_form,         "没有找到绩效自评表"),
    ("通知.xlsx",             _txt_renamed,      "不是 Excel 工作簿"),
]


@pytest.mark.parametrize("name, maker, words", CASES, ids=[c[0] for c in CASES])
def test_bad_file_listed_rest_consolidated(tmp_path, name, maker, words):
    folder = small_folder(tmp_path / "subs")
    maker(folder / name, folder / "局机关.xlsx")
    out, js = tmp_path / "out.xlsx", tmp_path / "out.json"
    assert cli("consolidate", folder, "-o", out, "--json", js, "--quiet") == 2
    doc = json.loads(js.read_text(encoding="utf-8"))
    bad = [f for f in doc["files"] if f["status"] == "error"]
    assert [Path(f["path"]).name for f in bad] == [name]
    assert words in bad[0]["error"]
    assert bad[0]["unit"] == Path(name).stem
    assert doc["department"]["projects"] == 3
    for key, want in SMALL_LITERAL.items():
        assert doc["department"][key] == pytest.approx(want) == pytest.approx(SMALL[key])
    # 文件状态 lists it with its reason; 问题清单 too.
    wb = openpyxl.load_workbook(out)
    rows = list(wb[O.FILES_SHEET].iter_rows(min_row=O.FIRST_ROW, values_only=True))
    row = next(r for r in rows if r[1] == name)
    assert row[4] == "无法读取" and words in row[5]
    assert any(r[2] == name and r[6] == "file_unreadable" and words in r[9]
               for r in wb[O.PROBLEMS_SHEET].iter_rows(min_row=O.FIRST_ROW, values_only=True))


EXIT_CASES = [
    # (folder maker,                        exit code)
    (lambda d: small_folder(d),             0),   # consistent forms
    (lambda d: copy_examples(d),            1),   # seed forms carry problems
]


@pytest.mark.parametrize("make, code", EXIT_CASES)
def test_exit_codes(tmp_path, make, code):
    folder = make(tmp_path / "subs")
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--quiet") == code


def test_macros_reported_never_run(tmp_path):
    folder = small_folder(tmp_path / "subs")
    src = folder / "数据资源中心.xlsx"
    dest = folder / "数据资源中心.xlsm"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        # A VBA project whose content would do harm if anything ran it.
        zout.writestr("xl/vbaProject.bin", b"Sub Auto_Open(): Kill \"C:\\*.*\": End Sub")
    src.unlink()
    out, js = tmp_path / "out.xlsx", tmp_path / "out.json"
    assert cli("consolidate", folder, "-o", out, "--json", js, "--quiet") == 0
    doc = json.loads(js.read_text(encoding="utf-8"))
    macros = {Path(f["path"]).name: f["has_macros"] for f in doc["files"]}
    assert macros == {"局机关.xlsx": False, "数据资源中心.xlsm": True}
    assert doc["department"]["projects"] == 3
    rows = list(openpyxl.load_workbook(out)[O.FILES_SHEET].iter_rows(min_row=O.FIRST_ROW, values_only=True))
    assert {r[1]: r[8] for r in rows} == {"局机关.xlsx": "否", "数据资源中心.xlsm": "是"}


def test_identical_copy_is_not_counted_twice(tmp_path):
    folder = small_folder(tmp_path / "subs")
    (folder / "局机关 - 副本.xlsx").write_bytes((folder / "局机关.xlsx").read_bytes())
    js = tmp_path / "out.json"
    assert cli("consolidate", folder, "-o", tmp_path / "out.xlsx", "--json", js, "--quiet") == 1
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["department"]["projects"] == 3
    dup = [f for f in doc["files"] if f["status"] == "duplicate"]
    assert len(dup) == 1 and "内容完全相同" in dup[0]["error"]


def test_own_output_in_the_folder_is_not_read(tmp_path):
    folder = small_folder(tmp_path / "subs")
    out = folder / "整体支出汇总.xlsx"
    js = tmp_path / "a.json"
    assert cli("consolidate", folder, "-o", out, "--json", js, "--quiet") == 0
    assert cli("consolidate", folder, "-o", out, "--json", js, "--quiet") == 0
    doc = json.loads(js.read_text(encoding="utf-8"))
    read = [f for f in doc["files"] if f["status"] != "skipped"]
    assert sorted(Path(f["path"]).name for f in read) == ["局机关.xlsx", "数据资源中心.xlsx"]
    # the output and its ledger are listed as not read, with why — never silently dropped
    skipped = {Path(f["path"]).name: f["error"] for f in doc["files"] if f["status"] == "skipped"}
    assert "输出文件" in skipped["整体支出汇总.xlsx"] and "输出文件" in skipped["整体支出汇总.ledger.sqlite"]


def test_existing_output_is_backed_up(tmp_path):
    folder = small_folder(tmp_path / "subs")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"clerk's own file")
    assert cli("consolidate", folder, "-o", out, "--quiet") == 0
    backups = list(tmp_path.glob("out.*.bak.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"clerk's own file"
    assert openpyxl.load_workbook(out).sheetnames[0] == O.SUMMARY_SHEET
