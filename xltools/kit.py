"""The offline install kit (`xltools bundle OUT`): everything a clerk carries
on a USB stick to a Windows PC that cannot reach PyPI.

A kit is a folder (or a .zip of it)::

    install.bat            ASCII; installs with --no-index into xltools-env\\ beside
                           the master (or, `install.bat python`, into that Python),
                           sets the master's Interpreter_Win, runs doctor
    install.sh             the same for a kit built for Linux/macOS (tests run it)
    安装说明.txt           one page, Chinese (UTF-8 with BOM, for Notepad)
    主表.xlsm              the blank master (as workbook_templates/)
    下级单位报送表.xlsx    the blank unit form
    示例\\                 the example submissions, when the source tree has them
    wheels\\               xltools (built as a wheel) and every dependency, for
                           each supported Python (win_amd64) or this platform
    msg\\                  the Chinese lines install.bat shows (UTF-8)
    kit.json               what is in it: versions, platform, wheels with SHA-256

Wheels come from `pip download --only-binary=:all:`.  pip evaluates
environment markers on the machine it runs on, not the target, so for Windows
the markers of every downloaded wheel are evaluated again for Windows and what
they add (pywin32 for xlwings, colorama for tqdm …) is downloaded too, until
nothing is missing (`_closure`).

The install steps are data (`PIP_INSTALL`, `DOCTOR_FIX`), written into both
scripts, so the .bat the clerk runs and the .sh the tests run agree.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from .core import fileio
from .core.errors import XltoolsError
from .distribution import DIST_NAME, KIT_PLATFORM, SUPPORTED_PYTHONS, version

NATIVE = "native"   # --platform value: this machine's platform and Python only
ENV_DIR = "xltools-env"
WHEELS_DIR = "wheels"
MSG_DIR = "msg"
GUIDE = "安装说明.txt"
MASTER = "主表.xlsm"
UNIT_FORM = "下级单位报送表.xlsx"
EXAMPLES_DIR = "示例"
#: pip's arguments after the interpreter, {wheels} the kit's wheel folder.
PIP_INSTALL = ["-m", "pip", "install", "--no-index", "--find-links", "{wheels}", DIST_NAME]
#: xltools' arguments after the interpreter: every master in the kit folder {kit}
#: gets this Python as its interpreter (and the installed xlwings' VBA), then doctor.
DOCTOR_FIX = ["-m", "xltools", "doctor", "{kit}", "--fix", "--interpreter", "auto"]


class KitError(XltoolsError):
    """The kit could not be built (Chinese message)."""


@dataclass
class Kit:
    path: Path
    platform: str
    pythons: list[str]
    wheels: list[str] = field(default_factory=list)
    size: int = 0


# ------------------------------------------------------------------ public
def build_kit(out: str | os.PathLike, *, platform: str = KIT_PLATFORM,
              pythons: Iterable[str] = SUPPORTED_PYTHONS, source: Optional[str] = None,
              wheel: Optional[str] = None, find_links: Iterable[str] = (),
              extras: Iterable[str] = (), as_zip: Optional[bool] = None,
              log: Callable[[str], None] = lambda s: None) -> Kit:
    """Write the kit to `out` (a new folder, or a .zip).  Raises KitError."""
    out = Path(out)
    as_zip = out.suffix.lower() == ".zip" if as_zip is None else as_zip
    if not as_zip and out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KitError(f"{out} 已存在且不是空文件夹：请换一个名字，或先把它移走（xltools 不覆盖已有的文件）")
    pythons = [f"{sys.version_info[0]}.{sys.version_info[1]}"] if platform == NATIVE else list(pythons)
    with tempfile.TemporaryDirectory(prefix="xltools-kit-") as tmp:
        folder = Path(tmp) / (out.stem if as_zip else out.name)
        wheels = folder / WHEELS_DIR
        wheels.mkdir(parents=True)
        log("生成 xltools 的安装包（wheel）……")
        own = _own_wheel(wheel, source, wheels, Path(tmp))
        requirement = str(own) + (f"[{','.join(extras)}]" if extras else "")
        log(f"下载依赖：Python {'、'.join(pythons)}，{'本机平台' if platform == NATIVE else platform} ……")
        lock = threading.Lock()
        with ThreadPoolExecutor(max_workers=len(pythons)) as pool:  # pip waits on the network: in parallel
            for done in [pool.submit(_closure, requirement, wheels, platform, py, list(find_links), lock)
                         for py in pythons]:
                done.result()
        log("写入主表、报送表、安装脚本和说明……")
        _workbooks(folder)
        _examples(folder, _source_root(source))
        _scripts(folder, platform, pythons)
        kit = Kit(folder, platform, pythons, sorted(p.name for p in wheels.glob("*.whl")))
        _manifest(kit)
        if as_zip:
            with fileio.atomic_write(out) as target:
                _zip(folder, target)
            kit.path = out
            kit.size = out.stat().st_size
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            if out.exists():
                out.rmdir()  # empty, checked above
            shutil.copytree(folder, out)
            kit.path = out
            kit.size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return kit


def target_environment(platform: str, python: str) -> dict[str, str]:
    """The marker environment of a target Python (PEP 508), for evaluating the
    `Requires-Dist` markers pip evaluated on this machine instead."""
    if platform == NATIVE:
        return _packaging("markers").default_environment()
    if not platform.startswith("win"):
        raise KitError(f"不支持的平台 {platform}：安装包只做 Windows（{KIT_PLATFORM}）或本机平台（native）")
    return {
        "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
        "platform_machine": "AMD64" if platform.endswith("amd64") else "x86",
        "platform_release": "10", "platform_version": "10.0.19045",
        "python_version": python, "python_full_version": f"{python}.0",
        "implementation_name": "cpython", "implementation_version": f"{python}.0",
        "platform_python_implementation": "CPython",
    }


def missing_requirements(wheels: Path, env: dict[str, str], extras_of: dict[str, set[str]]) -> list[str]:
    """Requirements the wheels in `wheels` need on the target `env` that no
    wheel there satisfies by name (markers evaluated for the target)."""
    Requirement = _packaging("requirements").Requirement
    canonicalize_name = _packaging("utils").canonicalize_name

    have = {canonicalize_name(_dist_name(p)) for p in wheels.glob("*.whl")}
    missing: dict[str, str] = {}
    for whl in wheels.glob("*.whl"):
        name = canonicalize_name(_dist_name(whl))
        for line in _requires(whl):
            req = Requirement(line)
            wanted = extras_of.get(name, set())
            if req.marker is not None and not any(
                    req.marker.evaluate({**env, "extra": e}) for e in (wanted or {""})):
                continue
            dep = canonicalize_name(req.name)
            if dep not in have and dep not in missing:
                req.marker = None
                missing[dep] = str(req)
    return sorted(missing.values())


# ----------------------------------------------------------------- wheels
def _packaging(module: str):
    """`packaging.<module>`: the library when installed, else the copy inside
    pip (always there where a kit is built: the kit is made with pip)."""
    import importlib

    try:
        return importlib.import_module(f"packaging.{module}")
    except ImportError:
        return importlib.import_module(f"pip._vendor.packaging.{module}")


def _source_root(source: Optional[str]) -> Optional[Path]:
    if source:
        return Path(source)
    here = Path(__file__).resolve().parent.parent
    pyproject = here / "pyproject.toml"
    if pyproject.exists() and f'name = "{DIST_NAME}"' in pyproject.read_text(encoding="utf-8"):
        return here
    return None


def _own_wheel(wheel: Optional[str], source: Optional[str], wheels: Path, tmp: Path) -> Path:
    """xltools itself as a wheel in `wheels`: the one given, or built from the
    source tree (copied first, so the tree is not touched)."""
    if wheel:
        src = Path(wheel)
        if not src.is_file() or not src.name.startswith(DIST_NAME.replace("-", "_") + "-"):
            raise KitError(f"{wheel} 不是 {DIST_NAME} 的 wheel 安装包")
        return Path(shutil.copy(src, wheels / src.name))
    root = _source_root(source)
    if root is None or not (root / "pyproject.toml").exists():
        raise KitError("找不到 xltools 的源码（含 pyproject.toml 的文件夹）：请用 --source 指定源码文件夹，"
                       f"或用 --wheel 给出已经打好的 {DIST_NAME} wheel")
    copy = tmp / "source"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (root / name).exists():
            shutil.copy(root / name, copy / name)
    shutil.copytree(root / "xltools", copy / "xltools", symlinks=False,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = tmp / "built"
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(built), str(copy)]
    code, text = _pip(cmd)
    if code != 0:  # no index to fetch setuptools from: build with what is installed
        code, text = _pip(cmd[:4] + ["--no-build-isolation"] + cmd[4:])
    found = sorted(built.glob("*.whl"))
    if code != 0 or not found:
        raise KitError(f"无法生成 xltools 的 wheel：{_last_line(text)}")
    return Path(shutil.copy(found[0], wheels / found[0].name))


def _closure(requirement: str, wheels: Path, platform: str, python: str, find_links: list[str],
             lock: threading.Lock) -> None:
    """Download `requirement` (a wheel file, with extras) and everything it
    needs on the target into `wheels`: first what pip resolves, then, round
    by round, what the target's markers add (pywin32 for xlwings …) and
    whatever those need, until nothing is missing."""
    env = target_environment(platform, python)
    extras_of: dict[str, set[str]] = {}
    m = re.search(r"\[(.*)\]$", requirement)
    if m:
        extras_of[_packaging("utils").canonicalize_name(DIST_NAME)] = {e.strip() for e in m.group(1).split(",")}
    wanted = [requirement]
    with tempfile.TemporaryDirectory(prefix="xltools-dl-") as got:
        for _round in range(6):
            with tempfile.TemporaryDirectory(prefix="xltools-dl-") as dl:
                cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--dest", dl]
                for link in find_links:
                    cmd += ["--find-links", link]
                if platform != NATIVE:
                    cmd += ["--platform", platform, "--python-version", python, "--implementation", "cp"]
                code, text = _pip(cmd + wanted)
                if code != 0:
                    raise KitError(f"下载 Python {python} 的依赖失败（要能连上 PyPI 或镜像，或用 --find-links "
                                   f"指定放有 wheel 的文件夹）：{_last_line(text)}")
                with lock:
                    for whl in Path(dl).glob("*.whl"):
                        shutil.copy(whl, Path(got) / whl.name)
                        if not (wheels / whl.name).exists():
                            shutil.copy(whl, wheels / whl.name)
            wanted = missing_requirements(Path(got), env, extras_of)
            if not wanted:
                return
    raise KitError(f"Python {python} 的依赖下载了六轮仍不完整：{', '.join(wanted)}")


def _pip(cmd: list[str]) -> tuple[int, str]:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, str(exc)
    return done.returncode, done.stdout + done.stderr


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip() and not line.startswith("WARNING: Location")]
    return lines[-1][-300:] if lines else "（pip 没有给出原因）"


def _dist_name(wheel: Path) -> str:
    return wheel.name.split("-")[0]


def _requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        text = zf.read(meta).decode("utf-8", "replace")
    head = text.split("\n\n", 1)[0]
    return [line.split(":", 1)[1].strip() for line in head.splitlines() if line.startswith("Requires-Dist:")]


# ------------------------------------------------------------- contents
def _workbooks(folder: Path) -> None:
    """The blank master and unit form, made as workbook_templates/ is
    (`tests/test_templates.py`), by this xltools and its pinned xlwings."""
    from .master.build import MasterSpec, write_master

    write_master(folder / MASTER, MasterSpec(forms=[None] * 3))
    write_master(folder / UNIT_FORM, MasterSpec(forms=[None] * 3, for_unit=""))


def _examples(folder: Path, root: Optional[Path]) -> None:
    if root is None:
        return
    for sub in ("submissions", "department"):
        src = root / "examples" / sub
        if src.is_dir():
            shutil.copytree(src, folder / EXAMPLES_DIR / sub)


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, Path(folder.name) / path.relative_to(folder))


def _manifest(kit: Kit) -> None:
    wheels = kit.path / WHEELS_DIR
    data = {
        "xltools": version(), "distribution": DIST_NAME, "platform": kit.platform, "pythons": kit.pythons,
        "wheels": {name: hashlib.sha256((wheels / name).read_bytes()).hexdigest() for name in kit.wheels},
    }
    (kit.path / "kit.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------- scripts
#: Chinese lines install.bat shows, one file each in msg\ (cmd prints them with
#: `type` after `chcp 65001`; the .bat itself stays ASCII).
MESSAGES = {
    "start": "正在安装 xltools（不需要联网）……",
    "no_python": "没有找到 Python 3.11 或更新版本。\r\n请先安装 Python（python.org 的 Windows 安装包，安装第一页勾选“Add python.exe to PATH”），"
                 "再双击 install.bat。不要用 Microsoft Store（应用商店）版的 Python。",
    "venv_failed": "无法在本文件夹里建立 Python 环境（xltools-env）。请把整个安装包文件夹复制到本机硬盘"
                   "（如 D:\\绩效自评），不要在 U 盘、网盘或只读文件夹里运行。",
    "pip_failed": "安装失败：上面是 pip 给出的原因。安装包可能不完整（请重新拷贝），或这台电脑的 Python 版本不在"
                  "安装包支持的范围内（见 kit.json 的 pythons）。",
    "done": "安装完成。打开本文件夹里的“主表.xlsm”（第一次请先右键 → 属性 → 勾选“解除锁定”），点“启用内容”，再点“一键重算”。\r\n"
            "上面 [问题] 开头的行说明了还需要处理什么。",
    "failed": "安装没有完成，请按上面的提示处理后再双击 install.bat。",
}

_BAT = r"""@echo off
rem xltools offline installer. This file is ASCII on purpose: cmd.exe reads a
rem .bat in the console code page. Chinese text lives in msg\*.txt (UTF-8) and
rem is shown with "type" after "chcp 65001". No ( ) blocks hold %KIT%: a folder
rem named like "New folder (2)" would end such a block early.
rem   install.bat          install into ENVDIR\ beside the master (recommended)
rem   install.bat python   install into the Python that runs this script
setlocal EnableExtensions
set "XT_OLDCP="
for /f "tokens=2 delims=:" %%c in ('chcp') do set "XT_OLDCP=%%c"
chcp 65001 >nul
set "KIT=%~dp0"
type "%KIT%msg\start.txt"
echo.

rem --- 1. a Python MINTEXT or newer: the py launcher first, then python on PATH
set "PY="
for %%v in (PYTHONS) do call :trypy %%v
if defined PY goto havepy
python -c "import sys; sys.exit(0 if sys.version_info >= (MIN) else 1)" >nul 2>&1
if not errorlevel 1 set "PY=python"
if not defined PY goto nopython
:havepy

rem --- 2. install from the wheels folder, never from the internet
if /i "%~1"=="python" goto intopython
if not exist "%KIT%ENVDIR\Scripts\python.exe" %PY% -m venv "%KIT%ENVDIR"
if not exist "%KIT%ENVDIR\Scripts\python.exe" goto novenv
set XT="%KIT%ENVDIR\Scripts\python.exe"
goto install
:intopython
set "XT=%PY%"
:install
%XT% PIPINSTALL
if errorlevel 1 goto pipfailed

rem --- 3. every master in this folder gets this Python as its interpreter, then doctor
rem     ("%KIT%." and not "%KIT%": a backslash before a closing quote escapes it)
%XT% DOCTORFIX
echo.
type "%KIT%msg\done.txt"
echo.
goto end

:trypy
if defined PY goto :eof
py -%1 -c "import sys" >nul 2>&1
if not errorlevel 1 set "PY=py -%1"
goto :eof

:nopython
type "%KIT%msg\no_python.txt"
echo.
goto fail

:novenv
type "%KIT%msg\venv_failed.txt"
echo.
goto fail

:pipfailed
type "%KIT%msg\pip_failed.txt"
echo.
goto fail

:fail
type "%KIT%msg\failed.txt"
echo.
if defined XT_OLDCP chcp %XT_OLDCP% >nul
pause
exit /b 1

:end
if defined XT_OLDCP chcp %XT_OLDCP% >nul
pause
exit /b 0
"""

_SH = """#!/bin/sh
# xltools offline installer for a kit built for this platform (xltools bundle --platform native).
# Same steps as install.bat: a venv beside the master, wheels only, then doctor --fix on each master.
set -e
KIT="$(cd "$(dirname "$0")" && pwd)"
PY="${PYTHON:-python3}"
[ -x "$KIT/ENVDIR/bin/python" ] || "$PY" -m venv "$KIT/ENVDIR"
XT="$KIT/ENVDIR/bin/python"
"$XT" PIPINSTALL
"$XT" DOCTORFIX || true
echo "MSGDONE"
"""


def _bat_args(args: list[str], wheels: str, kit: str) -> str:
    out = []
    for a in args:
        a = a.format(wheels=wheels, kit=kit)
        out.append(f'"{a}"' if (" " in a or "%" in a) else a)
    return " ".join(out)


def install_bat() -> str:
    """install.bat: ASCII, CRLF (what cmd.exe expects)."""
    from .distribution import MIN_PYTHON, SUPPORTED_PYTHONS as pys

    text = (_BAT.replace("PYTHONS", " ".join(reversed(pys)))
            .replace("(MIN)", f"({MIN_PYTHON[0]}, {MIN_PYTHON[1]})")
            .replace("MINTEXT", f"{MIN_PYTHON[0]}.{MIN_PYTHON[1]}")
            .replace("ENVDIR", ENV_DIR)
            .replace("PIPINSTALL", _bat_args(PIP_INSTALL, "%KIT%" + WHEELS_DIR, ""))
            .replace("DOCTORFIX", _bat_args(DOCTOR_FIX, "", "%KIT%.")))
    text.encode("ascii")  # raises if anything non-ASCII slipped in
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def install_sh() -> str:
    def sh(args: list[str]) -> str:
        return " ".join(f'"{a}"' if "{" in a else a for a in args).format(
            wheels="$KIT/" + WHEELS_DIR, kit="$KIT")

    return (_SH.replace("ENVDIR", ENV_DIR).replace("PIPINSTALL", sh(PIP_INSTALL))
            .replace("DOCTORFIX", sh(DOCTOR_FIX)).replace("MSGDONE", MESSAGES["done"].replace("\r\n", " ")))


def guide_text(platform: str, pythons: list[str]) -> str:
    from .distribution import INSTALL_COMMAND

    windows = platform != NATIVE
    lines = [
        "xltools 离线安装包 — 安装说明（一页）",
        "",
        f"适用于：Windows 10/11（64 位），Python {'、'.join(pythons)}。不需要联网。" if windows
        else f"适用于：与生成本安装包的电脑同一平台，Python {'、'.join(pythons)}。",
        "",
        "一、准备",
        "1. 把整个安装包文件夹复制到本机硬盘，例如 D:\\绩效自评。不要放在 U 盘、OneDrive、百度网盘、坚果云等同步文件夹里运行。",
        "2. 这台电脑要先装好 Python（python.org 的 Windows 安装包，安装第一页勾选“Add python.exe to PATH”）。"
        "不要用 Microsoft Store（应用商店）版的 Python 或 Excel。没有网络时，请同事把 Python 安装包一起拷进 U 盘。",
        "",
        "二、安装",
        "3. 双击 install.bat。它会：",
        "   ・在本文件夹里建立 xltools-env（xltools 自己的 Python 环境），从 wheels 文件夹安装 xltools 和 xlwings，不上网；",
        "   ・把本文件夹里“主表.xlsm”的 xlwings.conf 设置成这个环境的 pythonw.exe；",
        "   ・运行 xltools doctor 检查，[问题] 开头的行写明了还要做什么。",
        "   想装进已有的 Python 而不是单独的环境：在本文件夹的地址栏输入 cmd 回车，运行 install.bat python。",
        "",
        "三、第一次打开主表",
        "4. 右键“主表.xlsm”→ 属性 →“常规”页最下方勾选“解除锁定”→ 确定（从 U 盘、邮件、微信拿到的文件都要做）。",
        "5. 打开后点顶部黄色提示里的“启用内容”。每次都要点时：文件 → 选项 → 信任中心 → 信任中心设置 → 受信任位置 → "
        "添加新位置，选本文件夹。",
        "6. 点“一键重算”。按钮没反应或报错：在本文件夹地址栏输入 cmd 回车，运行",
        f"   {ENV_DIR}\\Scripts\\xltools doctor 主表.xlsm",
        "   xlwings 版本不一致时加 --fix。",
        "",
        "四、宏被安全软件拦截时",
        f"7. 运行 {ENV_DIR}\\Scripts\\xltools new 主表.xlsx --no-macros，生成不含宏的主表；"
        "按钮的功能用命令完成（表上原来放按钮的地方写着命令，如 xltools recalc 主表.xlsx）。",
        "",
        "五、其他",
        "8. 下级单位报送表.xlsx 发给下属单位填写（不需要安装任何软件，Excel、WPS 都能填）。",
        "9. 示例 文件夹里是按真实材料录入的自评表，可以用 xltools check 示例\\submissions 试一试。",
        f"10. 能上网的电脑也可以直接在命令提示符输入：{INSTALL_COMMAND}",
    ]
    return "\r\n".join(lines) + "\r\n"


def _scripts(folder: Path, platform: str, pythons: list[str]) -> None:
    (folder / "install.bat").write_bytes(install_bat().encode("ascii"))
    msg = folder / MSG_DIR
    msg.mkdir()
    for name, text in MESSAGES.items():
        (msg / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / GUIDE).write_bytes(b"\xef\xbb\xbf" + guide_text(platform, pythons).encode("utf-8"))
    if platform == NATIVE and not sys.platform.startswith("win"):
        sh = folder / "install.sh"
        sh.write_text(install_sh(), encoding="utf-8")
        sh.chmod(0o755)
