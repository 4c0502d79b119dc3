"""`xltools doctor` knows the classic failures of a clerk's Windows PC, each
found on a fake `Machine` and said in Chinese with its fix; `doctor --fix`
brings a master's xlwings VBA module to the installed version with a verified
backup, so no clerk meets "Run-time error 53"."""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest

from buttons_fixtures import build_xlsx, buttons_for
from xltools.cli import main
from xltools.distribution import XLWINGS_VERSION
from xltools.master import doctor
from xltools.master import layout as L
from xltools.master.doctor import Machine
from legacy_master import make_xlsm
from xltools.master.vba import (VERSION_NAME, module_version, with_module, xlwings_module_source)
from xltools.xlsx.package import Package, set_cells


@pytest.fixture
def master(tmp_path) -> Path:
    xlsx = build_xlsx(tmp_path / "m.xlsx")
    return make_xlsm(xlsx, tmp_path / "主表.xlsm", buttons_for(xlsx))


def fake_windows(files=(), path_pythonw=None, answer=(0, "0.37.8\n3.12.4\n"), excel=None,
                 environ=None) -> Machine:
    """A Windows PC where exactly `files` exist."""
    present = {f.lower() for f in files}
    return Machine(platform="win32", environ=environ or {"LOCALAPPDATA": r"C:\Users\clerk\AppData\Local"},
                   run=lambda cmd: answer, which=lambda name: path_pythonw,
                   exists=lambda p: p.lower() in present,
                   excel=[r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE"] if excel is None else excel)


def set_conf_cells(path: Path, cells: dict) -> None:
    pkg = Package.load(path)
    part = pkg.sheet_part(L.CONF_SHEET)
    pkg.put(part, set_cells(pkg.text(part), cells))
    pkg.save(path)


def findings(topic, found):
    return [(f.level, f.message) for f in found if f.topic == topic]


# --------------------------------------------------------------- Excel
# Excel's registered path                                                         level
EXCELS = [
    ([r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE"],              "ok"),
    ([r"C:\Program Files (x86)\Microsoft Office\Office14\EXCEL.EXE /automation"],  "ok"),
    ([r"C:\Program Files\WindowsApps\Microsoft.Office.Desktop.Excel_16051.14326.20454.0_x86__8wekyb3d8bbwe"
      r"\Office16\EXCEL.EXE"],                                                   "error"),
    ([],                                                                          "warning"),
]


@pytest.mark.parametrize("paths,level", EXCELS)
def test_excel_from_the_store_is_named(paths, level):
    found = doctor.check_excel(fake_windows(excel=paths))
    assert [f.level for f in found] == [level]
    if level == "error":
        assert "Microsoft Store" in found[0].message and "office.com" in found[0].message


def test_excel_is_not_asked_for_off_windows():
    assert doctor.check_excel(Machine(platform="linux", excel=[])) == []


# --------------------------------------------------------------- where the master lies
# path the master was opened from                                            level      says
LOCATIONS = [
    (r"D:\绩效自评\主表.xlsm",                                                  "ok",      "本机"),
    ("https://contoso-my.sharepoint.com/personal/clerk/Documents/主表.xlsm",    "error",   "网址"),
    ("https://d.docs.live.net/8a1b2c3d/文档/主表.xlsm",                          "error",   "网址"),
    (r"C:\Users\clerk\OneDrive\文档\主表.xlsm",                                  "warning", "OneDrive"),
    (r"C:\Users\clerk\OneDrive - 某区财政局\绩效\主表.xlsm",                      "warning", "OneDrive"),
    (r"E:\Sync\工作\主表.xlsm",                                                  "warning", "OneDrive"),  # the OneDrive root of environ
    (r"D:\BaiduSyncdisk\绩效\主表.xlsm",                                         "warning", "百度网盘"),
    (r"C:\Users\clerk\Nutstore\主表.xlsm",                                       "warning", "坚果云"),
    (r"C:\Users\clerk\WPSDrive\12345\WPS云盘\主表.xlsm",                          "warning", "WPS 云盘"),
    (r"D:\OneDriveBackup\主表.xlsm",                                             "ok",      "本机"),  # only a name alike
]


@pytest.mark.parametrize("path,level,says", LOCATIONS)
def test_master_location(path, level, says):
    machine = fake_windows(environ={"OneDrive": r"E:\Sync"})
    found = doctor.check_location(path, machine)
    assert [f.level for f in found] == [level]
    assert says in found[0].message


def test_doctor_on_an_address_says_so_and_stops(capsys):
    url = "https://contoso.sharepoint.com/sites/cw/Shared Documents/主表.xlsm"
    found = doctor.check_master(url, XLWINGS_VERSION, machine=fake_windows())
    assert [f.level for f in found] == ["error"] and "另存为" in found[0].message


# --------------------------------------------------------------- xlwings.conf rows
def test_blank_row_hides_the_keys_below(master):
    # Interpreter_Win, Interpreter_Mac, PYTHONPATH, then a blank row, then UDF Modules …
    rows = len(L.CONF_ENTRIES)
    cells = {(4, 1): None, (4, 2): None}
    for k, (key, value) in enumerate(L.CONF_ENTRIES[3:], start=5):
        cells[(k, 1)] = key
        cells[(k, 2)] = value if value != "" else None
    set_conf_cells(master, cells)
    assert rows + 1 == 8
    found = doctor.check_master(master, None, machine=Machine(platform="linux"))
    errors = [m for lvl, m in findings("配置", found) if lvl == "error"]
    assert any("第 5 行上面有空行" in m and "UDF Modules" in m for m in errors)
    # and what xlwings cannot read is missing for it: UDF Modules
    assert any("UDF Modules”应为" in m for m in errors)


def test_repeated_key_below_is_named(master):
    row = len(L.CONF_ENTRIES) + 1
    set_conf_cells(master, {(row, 1): "interpreter_win", (row, 2): "C:\\Python312\\pythonw.exe"})
    found = doctor.check_master(master, None, machine=Machine(platform="linux"))
    assert any(lvl == "error" and "interpreter_win" in m and "不止一次" in m for lvl, m in findings("配置", found))


# --------------------------------------------------------------- interpreter and DLL
VENV = r"D:\绩效自评\xltools-env"
PY = r"C:\Users\clerk\AppData\Local\Programs\Python\Python312"
DLL = f"xlwings64-{XLWINGS_VERSION}.dll"

# Interpreter_Win            files that exist                                          level    says
INTERPRETERS = [
    (VENV + r"\Scripts\pythonw.exe", [VENV + r"\Scripts\pythonw.exe", VENV + r"\Scripts\python.exe",
                                      VENV + "\\" + DLL],                                  "ok",    "可以导入"),
    (PY + r"\pythonw.exe",           [PY + r"\pythonw.exe", PY + r"\python.exe", PY + "\\" + DLL], "ok", "可以导入"),
    (r"%LOCALAPPDATA%\Programs\Python\Python312\pythonw.exe",
                                     [PY + r"\pythonw.exe", PY + "\\" + DLL],               "ok",    "可以导入"),
    (VENV + r"\Scripts\pythonw.exe", [VENV + r"\Scripts\pythonw.exe", VENV + r"\Scripts\python.exe"],
                                                                                           "error", "安全软件"),
    (PY + r"\pythonw.exe",           [],                                                   "error", "不存在"),
]


@pytest.mark.parametrize("interpreter,files,level,says", INTERPRETERS)
def test_interpreter_and_the_dll_beside_it(master, interpreter, files, level, says):
    set_conf_cells(master, {(1, 2): interpreter})
    found = findings("解释器", doctor.check_master(master, None, machine=fake_windows(files)))
    assert level in [lvl for lvl, _ in found] and any(says in m for _l, m in found)
    if level == "ok":
        assert all(lvl == "ok" for lvl, _ in found)


def test_import_check_runs_python_beside_pythonw(master):
    set_conf_cells(master, {(1, 2): VENV + r"\Scripts\pythonw.exe"})
    calls = []
    machine = fake_windows([VENV + r"\Scripts\pythonw.exe", VENV + r"\Scripts\python.exe", VENV + "\\" + DLL])
    machine.run = lambda cmd: calls.append(cmd) or (1, "Traceback …\nModuleNotFoundError: No module named 'xltools'")
    found = findings("解释器", doctor.check_master(master, None, machine=machine))
    assert calls[0][0] == VENV + r"\Scripts\python.exe"  # pythonw.exe prints nothing
    assert found == [("error", f"{VENV}\\Scripts\\pythonw.exe 无法导入 xltools：请用它安装 xltools："
                               f"\"{VENV}\\Scripts\\python.exe\" -m pip install xltools-jixiao"
                               "（ModuleNotFoundError: No module named 'xltools'）")]


# B1 empty: the pythonw on PATH           level     says
EMPTY_INTERPRETER = [
    (PY + r"\pythonw.exe",                   "ok",     "PATH 中的"),
    (None,                                   "error",  "where pythonw"),
]


@pytest.mark.parametrize("on_path,level,says", EMPTY_INTERPRETER)
def test_empty_interpreter_uses_pythonw_on_path(master, on_path, level, says):
    machine = fake_windows([PY + r"\pythonw.exe", PY + r"\python.exe", PY + "\\" + DLL], path_pythonw=on_path)
    found = findings("解释器", doctor.check_master(master, None, machine=machine))
    assert [lvl for lvl, _ in found] == [level] and says in found[0][1]


def test_doctor_and_readme_name_pythonw(master):
    """README step 4 says pythonw.exe; so does every doctor message about the interpreter."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "pythonw.exe" in readme
    found = doctor.check_master(master, None, machine=Machine(platform="linux"))
    texts = [m for _l, m in findings("解释器", found)]
    assert texts and all("pythonw" in m for m in texts)
    assert not any(re.search(r"(?<!w)python\.exe 的完整路径", m) for m in texts)


# --------------------------------------------------------------- --fix
def _fake_old_module(path: Path, old: str) -> None:
    """The master as an older xltools left it: an xlwings module of version `old`."""
    source = xlwings_module_source().replace(XLWINGS_VERSION, old)
    pkg = Package.load(path)
    pkg.put("xl/vbaProject.bin", with_module(pkg.parts["xl/vbaProject.bin"], "xlwings", source))
    pkg.set_defined_name(VERSION_NAME, f'"{old}"')
    pkg.save(path)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_master_carries_the_pinned_xlwings(master):
    assert module_version(doctor.vba_modules(master)["xlwings"]) == XLWINGS_VERSION
    assert Package.load(master).defined_name(VERSION_NAME).strip('"') == XLWINGS_VERSION


def test_fix_replaces_an_older_module(master, capsys):
    _fake_old_module(master, "0.30.10")
    before = _sha(master)
    old_parts = Package.load(master).parts
    assert module_version(doctor.vba_modules(master)["xlwings"]) == "0.30.10"
    errors = [f.message for f in doctor.check_master(master, XLWINGS_VERSION, machine=Machine(platform="linux"))
              if f.level == "error"]
    assert any("0.30.10" in m and "--fix" in m for m in errors)

    main(["doctor", str(master), "--fix"])
    out = capsys.readouterr().out
    assert f"0.30.10 → {XLWINGS_VERSION}" in out
    modules = doctor.vba_modules(master)
    assert module_version(modules["xlwings"]) == XLWINGS_VERSION
    assert modules["xlwings"].replace("\r\n", "\n").strip() == xlwings_module_source().replace("\r\n", "\n").strip()
    pkg = Package.load(master)
    assert pkg.defined_name(VERSION_NAME).strip('"') == XLWINGS_VERSION
    # the backup is the file as it was, byte for byte; every part but the project and workbook.xml kept
    backups = list(master.parent.glob("主表.*.bak.xlsm"))
    assert len(backups) == 1 and _sha(backups[0]) == before
    changed = {n for n in pkg.parts if pkg.parts[n] != old_parts.get(n)}
    assert changed == {"xl/vbaProject.bin", "xl/workbook.xml"}
    # our own module and the buttons still there
    assert "xltools" in modules and not [f for f in doctor.check_master(master, XLWINGS_VERSION,
                                                                         machine=Machine(platform="linux"))
                                         if f.topic in ("版本", "VBA", "按钮") and f.level != "ok"]


def test_fix_leaves_a_current_master_alone(master, capsys):
    before = _sha(master)
    assert main(["doctor", str(master), "--fix"]) in (0, 1)
    assert "无需更换" in capsys.readouterr().out
    assert _sha(master) == before and not list(master.parent.glob("*.bak.xlsm"))


def test_fix_mends_a_stale_version_name(master):
    pkg = Package.load(master)
    pkg.set_defined_name(VERSION_NAME, '"0.30.10"')
    pkg.save(master)
    assert any(f.level == "warning" and "0.30.10" in f.message
               for f in doctor.check_master(master, XLWINGS_VERSION, machine=Machine(platform="linux")))
    vba_before = Package.load(master).parts["xl/vbaProject.bin"]
    assert main(["doctor", str(master), "--fix"]) == 0
    pkg = Package.load(master)
    assert pkg.defined_name(VERSION_NAME).strip('"') == XLWINGS_VERSION
    assert pkg.parts["xl/vbaProject.bin"] == vba_before  # the module was right: left as it was


def test_fix_every_master_of_a_folder(master, tmp_path, capsys):
    """install.bat runs `doctor KIT. --fix --interpreter auto`: each master, never a backup."""
    import shutil

    second = Path(shutil.copy(master, tmp_path / "第二本.xlsm"))
    shutil.copy(master, tmp_path / "主表.20240101-000000.bak.xlsm")
    _fake_old_module(second, "0.30.10")
    main(["doctor", str(tmp_path), "--fix"])
    out = capsys.readouterr().out
    assert f"== {master} ==" in out and f"== {second} ==" in out and ".bak." not in out.replace("文件名带 .bak", "")
    assert module_version(doctor.vba_modules(second)["xlwings"]) == XLWINGS_VERSION


def test_fix_sets_the_interpreter(master, capsys):
    main(["doctor", str(master), "--fix", "--interpreter", sys.executable])
    pkg = Package.load(master)
    entries = doctor.conf_entries(pkg)
    assert entries["interpreter_win"] == sys.executable
    out = capsys.readouterr().out
    assert "可以导入 xltools" in out  # doctor, run right after, asks that interpreter


# what is wrong                                        argv tail                       exit  says
FIX_REFUSED = [
    ("no master named",                                 ["--fix"],                       2,   "请写上主表文件名"),
    ("master without a VBA project",                    ["PLAIN", "--fix"],              2,   "没有宏代码"),
    ("file missing",                                    ["MISSING", "--fix"],            2,   "找不到"),
]


@pytest.mark.parametrize("case,argv,code,says", FIX_REFUSED)
def test_fix_refuses_in_chinese(tmp_path, capsys, case, argv, code, says):
    plain = build_xlsx(tmp_path / "plain.xlsx")
    argv = [{"PLAIN": str(plain), "MISSING": str(tmp_path / "没有.xlsm")}.get(a, a) for a in argv]
    assert main(["doctor", *argv]) == code, case
    captured = capsys.readouterr()
    assert says in captured.err and "Traceback" not in captured.err + captured.out


def test_backup_is_verified(tmp_path, monkeypatch):
    """A copy that does not read back the same (disk full …) is removed and the
    original left alone."""
    from xltools.core import fileio

    target = tmp_path / "主表.xlsm"
    target.write_bytes(b"original")
    real_copy = fileio.shutil.copy2

    def short_copy(src, dest):
        real_copy(src, dest)
        Path(dest).write_bytes(b"orig")

    monkeypatch.setattr(fileio.shutil, "copy2", short_copy)
    with pytest.raises(fileio.BackupError, match="不一致"):
        with fileio.atomic_write(target) as tmp:
            tmp.write_bytes(b"new")
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["主表.xlsm"]
