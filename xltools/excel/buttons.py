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
import re
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
    """Run a handler so that the clerk never sees a Python traceback: whatever
    goes wrong ends as one Chinese line in a message box.  A problem the clerk
    can act on says what it is; anything else is written with its traceback to
    a log file (`core.crashlog`) and the line says where, and to run doctor."""

    def run(book: Any = None, **kwargs: Any) -> str:
        try:
            book = _caller(book)
            message = fn(book, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the button's last door
            message = failure_message(exc, fn.__name__, book)
            _alert(book, message)
            return message
        _status(book, message)
        return message

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


_CJK = re.compile(r"[\u4e00-\u9fff]")


def failure_message(exc: BaseException, handler: str, book: Any = None) -> str:
    """The one Chinese line a failed button shows."""
    master = _master_name(book)
    doctor = f"请在“命令提示符”运行 xltools doctor {master} 检查设置"
    if isinstance(exc, PermissionError):
        return f"操作未完成：文件正被其他程序占用（{getattr(exc, 'filename', '') or '见日志'}），请关闭后再试"
    if isinstance(exc, XltoolsError) or (isinstance(exc, (ValueError, KeyError, OSError))
                                         and _CJK.search(str(exc))):
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        return f"操作未完成：{text}"
    from ..core.crashlog import write_crash_log

    log = write_crash_log(exc, f"按钮 {handler}（{master}）")
    where = f"详细记录已写入 {log}" if log else "详细记录无法写入日志文件"
    return f"操作未完成：程序内部出错。{where}；{doctor}。"


def _master_name(book: Any) -> str:
    """The master's full path as a command argument (quoted when it has spaces)."""
    try:
        name = str(book.fullname) or "主表.xlsm"
    except Exception:  # noqa: BLE001 - no book at all (xlwings could not find the caller)
        return "主表.xlsm"
    return f'"{name}"' if " " in name else name


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
    if re.match(r"(?i)https?://", str(book.fullname)):
        raise XltoolsError("主表是从 OneDrive/SharePoint 网址打开的，找不到它所在的文件夹：请先“文件 → 另存为”"
                           "到本机文件夹（如 D:\\绩效自评），在那里放“下级报送”文件夹，再打开那一份")
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
