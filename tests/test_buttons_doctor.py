"""`xltools doctor`: what is wrong with a clerk's set-up, found and said in
Chinese; exit 0 when nothing is."""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from buttons_fixtures import build_xlsx, buttons_for
from xltools.master import doctor
from xltools.master import layout as L
from xltools.cli import main
from xltools.xlsx.package import Package, set_cells
from legacy_master import make_xlsm


@pytest.fixture
def master(tmp_path) -> Path:
    xlsx = build_xlsx(tmp_path / "m.xlsx")
    return make_xlsm(xlsx, tmp_path / "主表.xlsm", buttons_for(xlsx))


def set_conf(path: Path, key: str, value) -> None:
    """Put `value` beside `key` on the xlwings.conf sheet (zip-level edit)."""
    pkg = Package.load(path)
    row = [k for k, _ in L.CONF_ENTRIES].index(key) + 1
    part = pkg.sheet_part(L.CONF_SHEET)
    pkg.put(part, set_cells(pkg.text(part), {(row, 2): value}))
    pkg.save(path)


def levels(findings, topic):
    return [f.level for f in findings if f.topic == topic]


def test_good_master_passes(master, capsys):
    assert main(["doctor", str(master)]) == 0
    out = capsys.readouterr().out
    assert "与本机一致" in out and "检查通过" in out


def test_version_mismatch_is_an_error(master):
    findings = doctor.check_master(master, "0.30.0")
    errors = [f.message for f in findings if f.level == "error"]
    assert any("0.30.0" in m and "不一致" in m for m in errors)


# Python version   level
PYTHONS = [
    ((3, 11, 7),    "ok"),
    ((3, 14, 0),    "ok"),
    ((3, 10, 12),   "error"),   # xlwings 0.37.8 and python-calamine 0.9 need 3.11
    ((3, 9, 18),    "error"),
]


@pytest.mark.parametrize("version,level", PYTHONS)
def test_python_version(version, level):
    assert [f.level for f in doctor.check_python(version)] == [level]


# installed xlwings   platform   levels
XLWINGS = [
    (None,             "win32",   ["error"]),
    ("0.37.8",         "linux",   ["ok", "warning"]),
    ("0.33.1",         "linux",   ["error", "warning"]),   # not the pinned version
]


@pytest.mark.parametrize("version,platform,expected", XLWINGS)
def test_xlwings_installed(version, platform, expected):
    assert [f.level for f in doctor.check_xlwings(version, platform)] == expected


def test_interpreter_path_missing(master):
    set_conf(master, "Interpreter_Win", r"%LOCALAPPDATA%\Programs\Python\Python311\python.exe")
    findings = doctor.check_master(master, None, environ={"LOCALAPPDATA": "/nonexistent"})
    msgs = [f.message for f in findings if f.topic == "解释器"]
    assert levels(findings, "解释器") == ["error"]
    assert "不存在" in msgs[0] and "/nonexistent" in msgs[0]


# what the interpreter answers          level
ANSWERS = [
    ((0, "0.37.8\n3.11.7\n"),           "ok"),
    ((1, "ModuleNotFoundError: xltools"), "error"),
]


@pytest.mark.parametrize("answer,level", ANSWERS)
def test_interpreter_must_import_xltools(master, answer, level):
    set_conf(master, "Interpreter_Win", sys.executable)
    calls = []

    def run(cmd):
        calls.append(cmd)
        return answer

    findings = doctor.check_master(master, None, run=run)
    assert levels(findings, "解释器") == [level]
    assert calls and calls[0][0] == sys.executable and "import sys, xltools" in calls[0][2]


def test_empty_interpreter_is_a_warning(master):
    assert levels(doctor.check_master(master, None), "解释器") == ["warning"]


def test_udf_modules_must_be_set(master):
    set_conf(master, "UDF Modules", "")
    findings = doctor.check_master(master, None)
    assert levels(findings, "配置") == ["error"]


def test_missing_conf_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.create_sheet("_xlwings.conf")
    wb.save(tmp_path / "a.xlsx")
    path = make_xlsm(tmp_path / "a.xlsx", tmp_path / "a.xlsm", [])
    findings = doctor.check_master(path, None)
    assert any(f.level == "error" and "_xlwings.conf" in f.message for f in findings)


def test_plain_xlsx_has_no_macros(tmp_path, capsys):
    xlsx = build_xlsx(tmp_path / "m.xlsx")
    assert main(["doctor", str(xlsx)]) == 1
    out = capsys.readouterr().out
    assert "不是启用宏的工作簿" in out and "没有宏代码" in out


def test_button_pointing_nowhere(master):
    pkg = Package.load(master)
    for name in list(pkg.parts):
        if name.endswith(".vml"):
            pkg.put(name, pkg.text(name).replace("[0]!CheckBook", "[0]!Gone"))
    pkg.save(master)
    findings = doctor.check_master(master, None)
    assert any(f.topic == "按钮" and f.level == "error" and "Gone" in f.message for f in findings)


def test_repeated_conf_key(master):
    pkg = Package.load(master)
    part = pkg.sheet_part(L.CONF_SHEET)
    row = len(L.CONF_ENTRIES) + 1
    pkg.put(part, set_cells(pkg.text(part), {(row, 1): "UDF Modules", (row, 2): L.UDF_MODULES}))
    pkg.save(master)
    findings = doctor.check_master(master, None)
    assert any(f.level == "error" and "不止一次" in f.message for f in findings)
