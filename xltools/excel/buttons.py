"""What the master's buttons run (macros/xltools.bas → RunPython).

Each handler takes the calling book (`xw.Book.caller()`), reads it into plain
grids (`live.read_book`), asks the SAME planner as its terminal twin, and writes
the result back (`live.write_edits`):

=================  ===================  ==================================
button             handler              terminal twin
=================  ===================  ==================================
一键重算           recalculate()        xltools recalc MASTER
校验               check_book()         xltools check MASTER
新增项目           add_project()        xltools add-project MASTER
汇总下级报送       consolidate()        xltools consolidate DIR --master
整体评价           evaluate_department  xltools evaluate MASTER
=================  ===================  ==================================

汇总下级报送 and 整体评价 belong to other parts of xltools; their planners are
looked up by name (`PLANNERS`) with the same contract: ``plan(book, master_path)
-> Edits`` on plain data.  Every handler accepts `book=` so tests drive it
with a stand-in object; with no argument it asks xlwings for the caller.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Callable, Optional

from ..master import layout as L
from ..core.errors import XltoolsError
from ..profiles import Profile, load_profile
from ..master.plans import plan_add_project, plan_check, plan_recalc
from ..xlsx.edits import Edits
from . import live

#: button → "module:function" of the planner another part of xltools provides.
PLANNERS = {
    "consolidate": "xltools.consolidate.plans:plan_consolidate",
    "evaluate_department": "xltools.department.plans:plan_department",
}
#: Folder beside the master where 汇总下级报送 looks for the units' workbooks.
SUBMISSIONS_DIR = "下级报送"


def _caller(book: Any) -> Any:
    if book is not None:
        return book
    import xlwings as xw  # only here: the rest runs without Excel

    return xw.Book.caller()


def _profile(profile: Optional[Profile]) -> Profile:
    return profile or load_profile(None)


def _status(book: Any, text: str) -> None:
    try:
        book.app.status_bar = text
    except Exception:  # the status bar is a courtesy; never fail a button on it
        pass


def _alert(book: Any, text: str) -> None:
    try:
        book.app.alert(text, title="xltools")
    except Exception:
        _status(book, text)


def _guarded(fn: Callable[[Any], str]) -> Callable[..., str]:
    """Run a handler; a problem the clerk can act on becomes a Chinese message
    box instead of a Python traceback."""

    def run(book: Any = None, **kwargs: Any) -> str:
        book = _caller(book)
        try:
            message = fn(book, **kwargs)
        except (XltoolsError, ValueError, KeyError) as exc:
            message = f"操作未完成：{exc}"
            _alert(book, message)
            return message
        _status(book, message)
        return message

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


# ---------------------------------------------------------------- handlers
@_guarded
def recalculate(book: Any, profile: Optional[Profile] = None) -> str:
    """一键重算: rule scores beside every indicator, the 整体支出 rows, 校验结果."""
    plan = plan_recalc(live.read_book(book), _profile(profile))
    live.apply_plan(book, plan)
    return f"已重算：{_count_projects(plan.edits)} 个项目，{_issue_count(plan.edits)} 条校验结果"


@_guarded
def check_book(book: Any, profile: Optional[Profile] = None) -> str:
    """校验: every problem of every project sheet into 校验结果."""
    plan = plan_check(live.read_book(book), _profile(profile))
    live.apply_plan(book, plan)
    edits = plan.edits
    try:
        book.sheets[L.CHECKS_SHEET].activate()
    except Exception:
        pass
    return f"校验完成：{_issue_count(edits)} 条结果，见“{L.CHECKS_SHEET}”表"


@_guarded
def add_project(book: Any, profile: Optional[Profile] = None, name: Optional[str] = None) -> str:
    """新增项目: a blank copy of the last project sheet, listed in 整体支出."""
    plan = plan_add_project(live.read_book(book), _profile(profile), name)
    live.apply_plan(book, plan)
    new = plan.new_projects[0]
    try:
        book.sheets[new.name].activate()
    except Exception:
        pass
    return f"已新增项目表“{new.name}”"


@_guarded
def consolidate(book: Any) -> str:
    """汇总下级报送: the units' workbooks in the 下级报送 folder beside the master."""
    return _delegate(book, "consolidate")


@_guarded
def evaluate_department(book: Any) -> str:
    """整体评价: the department-level 评分表 (xltools.department)."""
    return _delegate(book, "evaluate_department")


def _delegate(book: Any, key: str) -> str:
    module_name, func_name = PLANNERS[key].split(":")
    try:
        planner = getattr(importlib.import_module(module_name), func_name)
    except (ImportError, AttributeError):
        raise XltoolsError(f"本机安装的 xltools 还不支持这个按钮（缺少 {PLANNERS[key]}）") from None
    edits: Edits = planner(live.read_book(book), str(book.fullname))
    live.write_edits(book, edits)
    return f"完成：写入 {sum(len(c) for c in edits.values())} 个单元格"


def submissions_folder(book: Any) -> Path:
    return Path(str(book.fullname)).parent / SUBMISSIONS_DIR


# ----------------------------------------------------------------- helpers
def _issue_count(edits: Edits) -> int:
    cells = edits.get(L.CHECKS_SHEET, {})
    col = L.CHECKS_COL["code"]
    return sum(1 for (r, c), v in cells.items() if c == col and v not in (None, ""))


def _count_projects(edits: Edits) -> int:
    cells = edits.get(L.SUMMARY_SHEET, {})
    col = L.SUMMARY_COL["index"]
    return sum(1 for (r, c), v in cells.items() if c == col and isinstance(v, int))


if __name__ == "__main__":  # pragma: no cover - run a button from a terminal
    import sys

    import xlwings as xw

    xw.Book(sys.argv[1]).set_mock_caller()
    print(globals()[sys.argv[2] if len(sys.argv) > 2 else "recalculate"]())
