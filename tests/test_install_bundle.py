"""`xltools bundle`: the offline install kit (issue 12.3).

- A kit built for THIS platform installs with no index and no network into a
  fresh venv (its install.sh, the same steps as install.bat) and runs
  `xltools check` on the examples it carries.
- The Windows kit: `pip download --platform win_amd64 --only-binary=:all:`
  for every supported Python, and for every one of them the wheels cover every
  runtime dependency at the pinned versions, with Windows' markers (pywin32 …);
  install.bat is ASCII with CRLF and says what the .sh says.

Both need the package index (PyPI is reachable in CI); nothing is skipped.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from xltools.cli import main
from xltools.distribution import (DIST_NAME, INSTALL_COMMAND, SUPPORTED_PYTHONS, XLWINGS_VERSION)
from xltools.kit import (DOCTOR_FIX, ENV_DIR, GUIDE, MASTER, MESSAGES, PIP_INSTALL, build_kit,
                         install_bat, missing_requirements, target_environment)
from xltools.master.doctor import conf_entries, vba_modules
from xltools.master.vba import module_version
from xltools.xlsx.package import Package

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: What a clerk's install must not pull in (issue 12.4): test and analysis tools.
NOT_AT_RUNTIME = {"pandas", "numpy", "scipy", "formulas", "oletools", "pytest", "hypothesis"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def offline_env(home: Path) -> dict[str, str]:
    """No pip configuration, no index, and a proxy that goes nowhere: any
    attempt to reach the network fails."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
            "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
            "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
            "PYTHON": sys.executable, "XLTOOLS_LOG_DIR": str(home / "logs")}


@pytest.fixture(scope="module")
def native_kit(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kit-native") / "xltools安装包"
    kit = build_kit(out, platform="native")
    assert kit.path == out and kit.size > 0
    return out


@pytest.fixture(scope="module")
def installed(native_kit, tmp_path_factory) -> Path:
    """The native kit copied to a folder with a space and Chinese in its path,
    installed there by its own install.sh, offline."""
    home = tmp_path_factory.mktemp("clerk")
    kit = home / "绩效 自评"
    shutil.copytree(native_kit, kit)
    done = subprocess.run(["sh", str(kit / "install.sh")], capture_output=True, text=True,
                          env=offline_env(home), timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Successfully installed" in done.stdout and "检查通过" in done.stdout, done.stdout
    return kit


def run_xltools(kit: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(kit / ENV_DIR / "bin" / "xltools"), *args], capture_output=True, text=True,
                          env=offline_env(kit.parent), cwd=kit, timeout=600)


def test_installed_kit_checks_its_examples(installed):
    done = run_xltools(installed, "check", "示例/submissions", "示例/department/部门整体支出.xlsx")
    assert done.returncode == 1, done.stderr  # the seed forms' own mistakes, as the README says
    assert "局机关.xlsx" in done.stdout and "weight_total" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_installed_kit_is_the_pinned_versions(installed):
    done = run_xltools(installed, "--version")
    assert done.returncode == 0 and f"xlwings {XLWINGS_VERSION}" in done.stdout and DIST_NAME in done.stdout
    listed = subprocess.run([str(installed / ENV_DIR / "bin" / "python"), "-m", "pip", "list", "--format=json"],
                            capture_output=True, text=True, env=offline_env(installed.parent))
    names = {canonical(p["name"]): p["version"] for p in json.loads(listed.stdout)}
    assert names["xlwings"] == XLWINGS_VERSION and DIST_NAME in names
    assert not NOT_AT_RUNTIME & set(names), "a clerk's install carries test or analysis tools"


def test_install_points_the_master_at_the_kit_python(installed):
    pkg = Package.load(installed / MASTER)
    assert conf_entries(pkg)["interpreter_win"] == str(installed / ENV_DIR / "bin" / "python")
    assert module_version(vba_modules(installed / MASTER)["xlwings"]) == XLWINGS_VERSION


def test_installed_size_is_what_the_readme_says(installed):
    site = next((installed / ENV_DIR / "lib").glob("python3*/site-packages"))
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = float(re.search(r"全新安装约 (\d+) MB", readme).group(1))
    assert abs(size - stated) <= max(5, stated * 0.25), f"site-packages is {size:.0f} MB, README says {stated}"


# ------------------------------------------------------------------ Windows kit
@pytest.fixture(scope="module")
def windows_kit(native_kit, tmp_path_factory) -> Path:
    """The Windows kit as a .zip, from the xltools wheel the native kit built."""
    own = next((native_kit / "wheels").glob(DIST_NAME.replace("-", "_") + "-*.whl"))
    out = tmp_path_factory.mktemp("kit-win") / "xltools安装包.zip"
    assert main(["bundle", str(out), "--wheel", str(own)]) == 0
    folder = out.parent / "unzipped"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(folder)
    return folder / "xltools安装包"


def _wheels_for(wheels: Path, python: str) -> list[Path]:
    """The wheels a CPython `python` on win_amd64 can install."""
    cp = "cp" + python.replace(".", "")
    out = []
    for whl in wheels.glob("*.whl"):
        py, abi, plat = whl.stem.split("-")[-3:]
        if plat not in ("any", "win_amd64"):
            continue
        if plat == "any" or (cp in py.split(".") and abi in (cp, "none")) or \
                (abi == "abi3" and int(py[2:]) <= int(cp[2:])):
            out.append(whl)
    return out


@pytest.mark.parametrize("python", SUPPORTED_PYTHONS)
def test_windows_wheels_cover_every_dependency(windows_kit, python, tmp_path):
    """For each Python: every runtime dependency (pinned versions) and all it
    needs on Windows — markers evaluated for Windows, not for this machine."""
    mine = tmp_path / "wheels"
    mine.mkdir()
    for whl in _wheels_for(windows_kit / "wheels", python):
        shutil.copy(whl, mine / whl.name)
    names = {canonical(w.name.split("-")[0]): w.name.split("-")[1] for w in mine.glob("*.whl")}
    for line in PYPROJECT["project"]["dependencies"]:
        dep = re.match(r"[A-Za-z0-9_.-]+", line).group(0)
        assert canonical(dep) in names, f"no {dep} wheel for Python {python}"
    assert names["xlwings"] == XLWINGS_VERSION
    assert {"pywin32", "colorama"} <= set(names)  # Windows-only needs of xlwings and tqdm
    assert missing_requirements(mine, target_environment("win_amd64", python), {}) == []
    # pip itself resolves a consistent set from these wheels alone
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-index",
                           "--find-links", str(mine), "--only-binary=:all:", "--platform", "win_amd64",
                           "--python-version", python, "--implementation", "cp", "--target",
                           str(tmp_path / "target"), DIST_NAME], capture_output=True, text=True,
                          env={**os.environ, "PIP_CONFIG_FILE": os.devnull})
    assert done.returncode == 0, done.stderr


def test_xlwings_wheel_carries_its_dll(windows_kit):
    whl = next((windows_kit / "wheels").glob(f"xlwings-{XLWINGS_VERSION}-cp312-*win_amd64.whl"))
    names = zipfile.ZipFile(whl).namelist()
    assert f"xlwings-{XLWINGS_VERSION}.data/data/xlwings64-{XLWINGS_VERSION}.dll" in names


def test_install_bat_is_ascii_crlf_and_says_what_the_sh_says(windows_kit):
    raw = (windows_kit / "install.bat").read_bytes()
    raw.decode("ascii")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    bat = raw.decode("ascii")
    assert bat == install_bat()
    assert "chcp 65001" in bat and "pause" in bat
    # no ( ) block: %KIT% inside one breaks on a folder named like "新建文件夹 (2)"
    assert not re.search(r"\(\s*$", bat, re.M) and not re.search(r"^\s*\)", bat, re.M)
    assert "py -%1 -c" in bat and "for %%v in (3.14 3.13 3.12 3.11) do call :trypy %%v" in bat
    assert '-m pip install --no-index --find-links "%KIT%wheels" ' + DIST_NAME in bat
    assert '-m xltools doctor "%KIT%." --fix --interpreter auto' in bat
    assert PIP_INSTALL[-1] == DIST_NAME and DOCTOR_FIX[:4] == ["-m", "xltools", "doctor", "{kit}"]
    for name in re.findall(r'type "%KIT%msg\\(\w+)\.txt"', bat):
        assert (windows_kit / "msg" / f"{name}.txt").read_bytes().decode("utf-8") == MESSAGES[name]
    assert set(re.findall(r'msg\\(\w+)\.txt', bat)) == set(MESSAGES)
    assert not (windows_kit / "install.sh").exists()


def test_windows_kit_contents(windows_kit):
    guide = (windows_kit / GUIDE).read_bytes()
    assert guide.startswith(b"\xef\xbb\xbf") and INSTALL_COMMAND in guide.decode("utf-8-sig")
    assert module_version(vba_modules(windows_kit / MASTER)["xlwings"]) == XLWINGS_VERSION
    assert (windows_kit / "下级单位报送表.xlsx").exists() and (windows_kit / "示例" / "submissions").is_dir()
    manifest = json.loads((windows_kit / "kit.json").read_text(encoding="utf-8"))
    assert manifest["pythons"] == list(SUPPORTED_PYTHONS) and manifest["platform"] == "win_amd64"
    for name, sha in manifest["wheels"].items():
        assert hashlib.sha256((windows_kit / "wheels" / name).read_bytes()).hexdigest() == sha
    assert not NOT_AT_RUNTIME & {canonical(n.split("-")[0]) for n in manifest["wheels"]}


def test_kit_size_is_what_the_readme_says(windows_kit):
    size = (windows_kit.parent.parent / "xltools安装包.zip").stat().st_size / 1e6
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = float(re.search(r"离线安装包（4 个 Python 版本）约 (\d+) MB", readme).group(1))
    assert abs(size - stated) <= max(5, stated * 0.2), f"the kit is {size:.0f} MB, README says {stated}"


# what is wrong                       argv tail                        says
BUNDLE_REFUSED = [
    ("folder not empty",               ["FULL"],                        "不是空文件夹"),
    ("unsupported Python",             ["NEW", "--python", "3.9"],       "不支持的 Python 版本 3.9"),
    ("not our wheel",                  ["NEW", "--wheel", "OTHER"],      "不是 xltools-jixiao 的 wheel"),
]


@pytest.mark.parametrize("case,argv,says", BUNDLE_REFUSED)
def test_bundle_refuses_in_chinese(tmp_path, capsys, case, argv, says):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "我的文件.txt").write_text("留着", encoding="utf-8")
    (tmp_path / "other-1.0-py3-none-any.whl").write_bytes(b"")
    subs = {"FULL": str(tmp_path / "full"), "NEW": str(tmp_path / "new"),
            "OTHER": str(tmp_path / "other-1.0-py3-none-any.whl")}
    assert main(["bundle", *[subs.get(a, a) for a in argv]]) == 2, case
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert (tmp_path / "full" / "我的文件.txt").read_text(encoding="utf-8") == "留着"
