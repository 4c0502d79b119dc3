"""One name, one install command, one xlwings version (issue 12.1, 12.2, 12.4):
pyproject.toml, the README, the master's 说明 sheet, doctor and the kit all
say what `xltools.distribution` says, and every runtime dependency earns its
place."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import xlwings
from xltools import distribution as D
from xltools.master import doctor
from xltools.master.build import MasterSpec, instructions_text
from xltools.master.doctor import Machine

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
USER_GUIDE = README[:README.index("# For developers")]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)).lower()


def test_pyproject_is_the_distribution():
    project = PYPROJECT["project"]
    assert project["name"] == D.DIST_NAME
    assert project["scripts"] == {"xltools": "xltools.cli:main"}
    assert project["requires-python"] == f">={D.MIN_PYTHON[0]}.{D.MIN_PYTHON[1]}"
    classified = [c.rsplit(" ", 1)[1] for c in project["classifiers"] if c.startswith("Programming Language")]
    assert classified == list(D.SUPPORTED_PYTHONS)


def test_xlwings_is_pinned_exactly_to_what_is_installed():
    pins = [r for r in PYPROJECT["project"]["dependencies"] if _name(r) == "xlwings"]
    assert pins == [f"xlwings=={D.XLWINGS_VERSION}"]
    assert xlwings.__version__ == D.XLWINGS_VERSION


# runtime dependency    how it earns its place: a module xltools imports, or why not
EARNS = [
    ("openpyxl",          "openpyxl"),
    ("python-calamine",   "python_calamine"),
    ("xlwings",           "xlwings"),
    ("msoffcrypto-tool",  "msoffcrypto"),
    ("pyopenvba",         "pyopenvba"),
    ("tqdm",              "tqdm"),
    ("lxml",              "lxml"),      # streaming .xlsx/.docx reader, the package editor
    ("xlsxwriter",        "xlsxwriter"),  # the one sheet-writing kit (xlsx/sheet.py)
]


def _imported(module: str) -> bool:
    pattern = re.compile(rf"^\s*(?:from|import)\s+{module}\b", re.M)
    return any(pattern.search(p.read_text(encoding="utf-8")) for p in (ROOT / "xltools").rglob("*.py"))


def test_every_runtime_dependency_earns_its_place():
    assert sorted(_name(r) for r in PYPROJECT["project"]["dependencies"]) == sorted(n for n, _m in EARNS)
    for name, module in EARNS:
        if module:
            assert _imported(module), f"{name} is a runtime dependency that xltools never imports"


# never at runtime   why
TEST_OR_OPTIONAL = [
    ("pandas",        "analysis"),   # xltools.api only, imported inside it
    ("formulas",      "test"),
    ("oletools",      "test"),
]


@pytest.mark.parametrize("name,extra", TEST_OR_OPTIONAL)
def test_heavy_or_test_tools_are_extras(name, extra):
    assert name not in [_name(r) for r in PYPROJECT["project"]["dependencies"]]
    assert name in [_name(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]]
    module = {"pandas": "pandas", "formulas": "formulas", "oletools": "oletools"}[name]
    top_level = re.compile(rf"^(?:from|import)\s+{module}\b", re.M)  # unindented: imported on load
    assert not any(top_level.search(p.read_text(encoding="utf-8")) for p in (ROOT / "xltools").rglob("*.py"))


def _install_commands(text: str) -> set[str]:
    """What each `… pip install X` in a text installs (X as written)."""
    return set(re.findall(r"-m pip install (?:--\S+ \S+ |--\S+ )*\"?([A-Za-z][\w.\[\],=-]*)", text))


def test_every_instruction_gives_the_same_install_command():
    shown = "\n".join(text for _k, text in instructions_text(MasterSpec(file_name="主表.xlsm")))
    shown_plain = "\n".join(text for _k, text in instructions_text(MasterSpec(macros=False, file_name="主表.xlsx")))
    no_xlwings = doctor.check_xlwings(None, "win32")[0].message
    old_python = doctor.check_python((3, 10, 1))[0].message
    from xltools.kit import guide_text

    guide = guide_text("win_amd64", list(D.SUPPORTED_PYTHONS))
    for where, text in [("README", USER_GUIDE), ("说明", shown), ("说明（无宏）", shown_plain),
                        ("doctor", no_xlwings), ("doctor Python", old_python), ("安装说明.txt", guide)]:
        assert D.INSTALL_COMMAND in text, where
        assert _install_commands(text) <= {D.DIST_NAME, f"{D.DIST_NAME}[analysis]", f"xlwings=={D.XLWINGS_VERSION}"}, where
    for text in (shown, no_xlwings, old_python):
        assert D.INSTALL_SENTENCE in text


def test_doctor_names_the_interpreter_install_command():
    machine = Machine(platform="linux", run=lambda cmd: (1, "ModuleNotFoundError: No module named 'xltools'"),
                      exists=lambda p: True)
    found = doctor.check_interpreter("/opt/py/bin/python3", machine, None)
    assert found[0].level == "error"
    assert D.install_command_for("/opt/py/bin/python3") in found[0].message
    assert _install_commands(found[0].message) == {D.DIST_NAME}


def test_old_install_words_are_gone():
    """PyPI's `xltools` is someone else's: no instruction may name it."""
    sources = [USER_GUIDE, (ROOT / "xltools" / "master" / "build.py").read_text(encoding="utf-8"),
               (ROOT / "xltools" / "master" / "doctor.py").read_text(encoding="utf-8"),
               (ROOT / "xltools" / "kit.py").read_text(encoding="utf-8")]
    for text in sources:
        assert not re.search(r"pip install (?:路径\\)?xltools(?![-\w])", text)


def test_readme_states_the_python_the_package_needs():
    need = f"{D.MIN_PYTHON[0]}.{D.MIN_PYTHON[1]}"
    assert f"Python 3（{need} 或更高）" in USER_GUIDE
    assert "3.10 或更高" not in USER_GUIDE
    shown = "\n".join(text for _k, text in instructions_text(MasterSpec()))
    assert f"（{need} 或更高）" in shown
