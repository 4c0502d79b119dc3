"""LibreOffice opens the packaged master and the rewritten one (after `xltools
recalc` and `xltools add-project`), sees every button bound to a Sub of our VBA
module, recalculates every formula without an error value, and shows the
engine's figures.  One batch conversion per format, private profile.  Fails (not
skips) when LibreOffice is missing."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from buttons_fixtures import build_xlsx, buttons_for
from master_fixtures import soffice
from xltools.master import layout as L
from legacy_master import make_xlsm
from xltools.master.vba import MACROS
from xltools.profiles import load_profile
from xltools.master.twins import add_project_file, recalc_file

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
ERRORS = ("#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "Err:")


def convert(files: list[Path], fmt: str, out: Path, profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", fmt, "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for f in files:
        assert (out / f"{f.stem}.{fmt}").exists(), (f, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from xltools.master.build import MasterSpec, write_master

    tmp = tmp_path_factory.mktemp("lo")
    xlsx = build_xlsx(tmp / "fixture.xlsx")
    packaged = make_xlsm(xlsx, tmp / "packaged.xlsm", buttons_for(xlsx))
    rewritten = tmp / "rewritten.xlsm"
    shutil.copy(packaged, rewritten)
    profile = load_profile()
    recalc_file(rewritten, profile)
    add_project_file(rewritten, profile)
    real = tmp / "real.xlsm"
    write_master(real, MasterSpec(department="某区行政审批服务局", year=2022,
                                  units=["局机关"], forms=[None]))
    add_project_file(real, profile)
    files = [packaged, rewritten, real]
    convert(files, "ods", tmp / "ods", tmp / "profile")
    convert(files, "xlsx", tmp / "xlsx", tmp / "profile")
    return tmp, files


def content(ods: Path) -> str:
    with zipfile.ZipFile(ods) as zf:
        return zf.read("content.xml").decode("utf-8")


@pytest.mark.parametrize("stem", ["packaged", "rewritten", "real"])
def test_buttons_bound_to_our_subs(converted, stem):
    tmp, _files = converted
    xml = content(tmp / "ods" / f"{stem}.ods")
    labels = re.findall(r'<form:button\b[^>]*form:label="([^"]*)"', xml)
    scripts = re.findall(r"vnd\.sun\.star\.script:VBAProject\.(\w+)\.(\w+)\?", xml)
    assert labels and len(labels) == len(scripts)
    assert set(labels) <= set(MACROS.values())
    assert {module for module, _ in scripts} == {"xltools"}
    assert {sub for _, sub in scripts} <= set(MACROS)


@pytest.mark.parametrize("stem", ["packaged", "rewritten", "real"])
def test_no_error_values_after_recalculation(converted, stem):
    tmp, _files = converted
    wb = openpyxl.load_workbook(tmp / "xlsx" / f"{stem}.xlsx", data_only=True)
    bad = [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows()
           for c in row if isinstance(c.value, str) and c.value.startswith(ERRORS)]
    assert bad == []


def test_summary_shows_the_engines_figures(converted):
    tmp, _files = converted
    wb = openpyxl.load_workbook(tmp / "xlsx" / "rewritten.xlsx", data_only=True)
    ws = wb[L.SUMMARY_SHEET]
    col = L.SUMMARY_COL
    first = L.SUMMARY_FIRST_ROW
    # row         sheet     name          spent    rate
    expected = [(first,     "项目1", "测试项目1", 214.78, 214.78 / 239.8),
                (first + 1, "项目2", "测试项目2", 214.78, 214.78 / 239.8)]
    for row, sheet, name, spent, rate in expected:
        assert ws.cell(row, col["sheet"]).value == sheet
        assert ws.cell(row, col["name"]).value == name
        assert ws.cell(row, col["spent"]).value == pytest.approx(spent)
        assert ws.cell(row, col["execution_rate"]).value == pytest.approx(rate)
    assert ws.cell(first + 2, col["sheet"]).value == "项目3"     # added by add-project
    assert ws.cell(first + 3, col["sheet"]).value == L.SUMMARY_TOTAL_LABEL
    assert ws.cell(first + 3, col["spent"]).value == pytest.approx(2 * 214.78)
    assert "项目3" in wb.sheetnames
