"""The file side of the buttons: apply `recalc.Edits` to a master on disk.

The master is edited part by part in its zip (`xltools.ooxml`): only the
worksheet parts holding changed cells — and, for a new project, the new sheet's
parts and workbook.xml — are rewritten.  vbaProject.bin, the buttons' VML,
validations (x14 ones too), conditional formats, styles and print setup keep
their bytes.  The file is backed up beside itself first and replaced
atomically.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Optional

from . import fileio
from .ooxml import Package, set_cells
from .profiles import Profile
from .recalc import Edits, NewProject, plan_check, plan_new_project, plan_recalc
from .workbook import load_book


def apply_edits(pkg: Package, edits: Edits) -> list[str]:
    """Write `edits` into the package's worksheet parts; return the parts changed.
    Raises KeyError for a sheet the workbook does not have."""
    changed = []
    for sheet, cells in edits.items():
        if not cells:
            continue
        part = pkg.sheet_part(sheet)
        pkg.put(part, set_cells(pkg.text(part), cells))
        changed.append(part)
    if changed:
        _calc_on_load(pkg)
    return changed


def _calc_on_load(pkg: Package) -> None:
    """Ask the spreadsheet program to recalculate every formula when it opens."""
    wb = pkg.workbook_part
    text = pkg.text(wb)
    if re.search(r"<calcPr\b[^>]*fullCalcOnLoad=\"1\"", text):
        return
    if re.search(r"<calcPr\b", text):
        text = re.sub(r'\s+fullCalcOnLoad="[^"]*"', "", text)
        text = re.sub(r"<calcPr\b", '<calcPr fullCalcOnLoad="1"', text, count=1)
    else:
        m = re.search(r"</definedNames>|<definedNames\s*/>|</sheets>", text)
        text = text[:m.end()] + '<calcPr fullCalcOnLoad="1"/>' + text[m.end():]
    pkg.put(wb, text)


def write_package(pkg: Package, path: str | os.PathLike) -> None:
    """Back up `path` and replace it atomically with `pkg`."""
    with fileio.atomic_write(path, keep_backup=True) as tmp:
        pkg.save(tmp)


def recalc_file(path: str | os.PathLike, profile: Profile) -> Edits:
    """一键重算 on a file: rule scores, 整体支出, 校验结果.  Returns the edits made."""
    edits = plan_recalc(load_book(path), profile)
    pkg = Package.load(path)
    apply_edits(pkg, edits)
    write_package(pkg, path)
    return edits


def check_into_file(path: str | os.PathLike, profile: Profile) -> Edits:
    """校验 on a file: the 校验结果 sheet only."""
    edits = plan_check(load_book(path), profile)
    pkg = Package.load(path)
    apply_edits(pkg, edits)
    write_package(pkg, path)
    return edits


def add_project_file(path: str | os.PathLike, profile: Profile,
                     name: Optional[str] = None) -> NewProject:
    """新增项目 on a file: copy the last project sheet, clear its inputs, then
    recalculate (the new sheet joins 整体支出)."""
    plan = plan_new_project(load_book(path), profile, name)
    pkg = Package.load(path)
    part = pkg.clone_sheet(plan.template, plan.name)
    pkg.put(part, set_cells(pkg.text(part), {rc: None for rc in plan.clear}))
    # Recalculate on the result: plan from a scratch copy, apply to this package.
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / Path(path).name
        pkg.save(scratch)
        edits = plan_recalc(load_book(scratch), profile)
    apply_edits(pkg, edits)
    _calc_on_load(pkg)
    write_package(pkg, path)
    return plan
