"""The file side of the buttons: apply a `recalc.Plan` to a master on disk.

The master is edited part by part in its zip (`xltools.xlsx.package`): only the
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

from ..core import fileio
from ..xlsx.package import Package, row_styles, set_cells
from ..profiles import Profile
from .plans import NewProject, Plan, plan_check, plan_new_project, plan_recalc
from ..containers.workbook import load_book


def apply_plan(pkg: Package, plan: Plan) -> list[str]:
    """Write a plan into the package: row formats, cell values, print areas.
    Returns the worksheet parts changed.  KeyError for an unknown sheet."""
    styles: dict[str, dict[tuple[int, int], Optional[str]]] = {}
    for fmt in plan.row_formats:
        source = row_styles(pkg.text(pkg.sheet_part(fmt.sheet)), fmt.source_row)
        for c in range(fmt.first_col, fmt.last_col + 1):
            styles.setdefault(fmt.sheet, {})[(fmt.target_row, c)] = source.get(c)
    changed = []
    for sheet in list(dict.fromkeys(list(plan.edits) + list(styles))):
        cells, sheet_styles = plan.edits.get(sheet, {}), styles.get(sheet, {})
        if not cells and not sheet_styles:
            continue
        part = pkg.sheet_part(sheet)
        pkg.put(part, set_cells(pkg.text(part), cells, sheet_styles))
        changed.append(part)
    for sheet, area in plan.print_areas.items():
        pkg.set_print_area(sheet, area)
    if changed:
        _calc_on_load(pkg)
        pkg.drop_calc_chain()
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


def recalc_file(path: str | os.PathLike, profile: Profile) -> Plan:
    """一键重算 on a file: rule scores, 整体支出, 校验结果.  Returns the plan applied."""
    plan = plan_recalc(load_book(path), profile)
    pkg = Package.load(path)
    apply_plan(pkg, plan)
    write_package(pkg, path)
    return plan


def check_into_file(path: str | os.PathLike, profile: Profile) -> Plan:
    """校验 on a file: the 校验结果 sheet only."""
    plan = plan_check(load_book(path), profile)
    pkg = Package.load(path)
    apply_plan(pkg, plan)
    write_package(pkg, path)
    return plan


def add_project_file(path: str | os.PathLike, profile: Profile,
                     name: Optional[str] = None) -> NewProject:
    """新增项目 on a file: copy the last project sheet, clear its inputs, then
    recalculate (the new sheet joins 整体支出)."""
    plan = plan_new_project(load_book(path), profile, name)
    pkg = Package.load(path)
    part = pkg.clone_sheet(plan.template, plan.name)
    pkg.put(part, set_cells(pkg.text(part), plan.cells()))
    # Recalculate on the result: plan from a scratch copy, apply to this package.
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / Path(path).name
        pkg.save(scratch)
        recalc = plan_recalc(load_book(scratch), profile)
    apply_plan(pkg, recalc)
    _calc_on_load(pkg)
    pkg.drop_calc_chain()
    write_package(pkg, path)
    return plan
