"""What xltools is as an installed program: its distribution name, the one
install command every instruction gives, the xlwings version the master's VBA
is built from, and the Python versions the offline kit carries wheels for.

One place: the README, the master's 说明 sheet (`master/build.py`), `xltools
doctor` and `xltools bundle` all take their words from here, and
`tests/test_distribution.py` holds pyproject.toml and the README to it.

The import package and the command stay `xltools`; the distribution on PyPI is
`xltools-jixiao` (绩效) because PyPI's `xltools` is an unrelated 2015 package.
"""
from __future__ import annotations

import sys

#: The name pip knows us by (pyproject.toml [project] name).
DIST_NAME = "xltools-jixiao"
#: xlwings pinned exactly (pyproject.toml `xlwings==…`): the master's VBA module
#: (xlwings.bas, `master/vba.py`) is built from the installed xlwings and must
#: equal the interpreter's, or Excel meets "Run-time error 53 … xlwings64-….dll".
XLWINGS_VERSION = "0.37.8"
#: Oldest Python: xlwings 0.37.8 and python-calamine 0.9 need 3.11.
MIN_PYTHON = (3, 11)
#: Python versions `xltools bundle` downloads Windows wheels for.
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13", "3.14")
#: Windows platform tag of the offline kit.
KIT_PLATFORM = "win_amd64"

#: pip's arguments after the interpreter; every install instruction ends with these.
PIP_ARGS = f"-m pip install {DIST_NAME}"
#: The install command a clerk types into 命令提示符 (py = the python.org launcher).
INSTALL_COMMAND = f"py {PIP_ARGS}"
#: The offline way, for a PC without internet: the kit `xltools bundle` writes.
KIT_COMMAND = "install.bat"
#: One sentence naming both, for the 说明 sheet and doctor.
INSTALL_SENTENCE = (f"没有网络时双击安装包（xltools bundle 生成）里的 {KIT_COMMAND}；"
                    f"能上网时在“命令提示符”输入：{INSTALL_COMMAND}")


def install_command_for(python: str) -> str:
    """The same install, for one given interpreter (doctor's advice)."""
    return f'"{python}" {PIP_ARGS}'


def version() -> str:
    """The installed xltools version ("未安装" when running from a bare source tree)."""
    from importlib import metadata

    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:
        return "未安装"


def python_text(version_info: tuple = tuple(sys.version_info[:3])) -> str:
    return ".".join(str(x) for x in version_info)
