"""The terminal twins of the master's buttons: the planners of
`xltools.master.plans` applied to the file by `xltools.xlsx.apply`.

Each reads the master once (fast: calamine values plus the sheets' XML),
plans, and rewrites only the parts that change; when nothing changes the file
is left untouched and no backup is made.  Otherwise the master is backed up
beside itself (the copy verified) and replaced atomically.
"""
from __future__ import annotations

import os
from typing import Optional

from ..profiles import Profile
from ..xlsx.apply import Applied, edit_file
from .plans import plan_add_project, plan_recalc


def recalc_file(path: str | os.PathLike, profile: Profile) -> Applied:
    """一键重算 on a file: project formulas' values, rule scores, 整体支出,
    校验结果.  Raises NotAMasterError for a workbook that is not a master."""
    return edit_file(path, lambda book: plan_recalc(book, profile))


def add_project_file(path: str | os.PathLike, profile: Profile,
                     name: Optional[str] = None) -> Applied:
    """新增项目 on a file: a blank copy of the last project sheet, listed in
    整体支出, every formula of the result with its value."""
    return edit_file(path, lambda book: plan_add_project(book, profile, name))


__all__ = ["recalc_file", "add_project_file"]
