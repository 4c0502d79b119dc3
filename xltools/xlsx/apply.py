"""The file door: a `Plan` (xltools.xlsx.edits) carried out on a workbook on disk.

`edit_file(path, planner)` reads the file once (`read`: python-calamine for the
values — xltools' own master reads 65–80× faster than with openpyxl — and the
package's XML for what calamine does not tell: which cells hold formulas and
which show percent), asks the planner, applies the plan to the zip part by part
(`apply_plan`, through `xltools.xlsx.package`) and, only when a byte changed,
backs the file up (verified) and replaces it atomically.  An unchanged plan
leaves the file untouched and makes no backup.

vbaProject.bin, the buttons' VML, validations (x14 ones too), conditional
formats and print setup keep their bytes; only the worksheet parts holding
changed cells — and workbook.xml / styles.xml when a sheet, a print area or a
quotePrefix format is added — are rewritten.

The other door, for the open book, is `xltools.excel.live.apply_plan`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from ..containers.workbook import Book, load_book
from ..core import fileio
from .edits import Plan
from .package import Package


def read(path: str | os.PathLike) -> tuple[Book, Package]:
    """The workbook as grids for a planner (`containers.load_book`: calamine's
    speed, with formula cells, percent formats and cached errors), and its
    package for the applier."""
    return load_book(path), Package.load(path)


def apply_plan(pkg: Package, plan: Plan) -> list[str]:
    """Write a plan into the package: new sheets (copied, inputs cleared), row
    formats, cell values, print areas.  Returns the parts changed (empty when
    the file already shows the plan).  KeyError for an unknown sheet."""
    changed: list[str] = []
    edits = {sheet: dict(cells) for sheet, cells in plan.edits.items()}
    for new in plan.new_projects:
        changed.append(pkg.clone_sheet(new.template, new.name))
        cleared = {rc: None for rc in new.clear}
        cleared.update(edits.get(new.name, {}))
        edits[new.name] = cleared
    styles: dict[str, dict[tuple[int, int], object]] = {}
    for fmt in plan.row_formats:
        source = pkg.row_styles(fmt.sheet, fmt.source_row)
        for c in range(fmt.first_col, fmt.last_col + 1):
            styles.setdefault(fmt.sheet, {})[(fmt.target_row, c)] = source.get(c)
    shared = pkg.shared_strings()
    for sheet in dict.fromkeys(list(edits) + list(styles)):
        if pkg.set_cells(sheet, edits.get(sheet, {}), styles.get(sheet, {}), shared=shared):
            changed.append(pkg.sheet_part(sheet))
    for sheet, area in plan.print_areas.items():
        if pkg.set_print_area(sheet, area):
            changed.append(pkg.workbook_part)
    if changed:
        pkg.set_calc_on_load()
        pkg.drop_calc_chain()
    pkg.flush()
    return list(dict.fromkeys(changed))


def write_package(pkg: Package, path: str | os.PathLike) -> None:
    """Back up `path` (the copy verified) and replace it atomically with `pkg`."""
    with fileio.atomic_write(path, keep_backup=True) as tmp:
        pkg.save(tmp)


@dataclass
class Applied:
    """What `edit_file` did: the plan, and whether the file changed (and so
    was backed up and replaced)."""

    plan: Plan
    changed: bool


def edit_file(path: str | os.PathLike, planner: Callable[[Book], Plan]) -> Applied:
    """Read `path`, plan on it, apply the plan; write (after a verified backup)
    only when something changed."""
    book, pkg = read(path)
    plan = planner(book)
    changed = bool(apply_plan(pkg, plan))
    if changed:
        write_package(pkg, path)
    return Applied(plan, changed)


__all__ = ["read", "apply_plan", "write_package", "edit_file", "Applied"]
