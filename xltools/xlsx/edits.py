"""The one edit contract between the planners and the two appliers.

A button of the master and its terminal twin ask the same planner what to
change; the planner reads plain grids (`containers.workbook.Book`) and returns
a `Plan`.  Two appliers carry it out and nothing else:

- `xltools.xlsx.apply` writes it into the file, part by part in its zip
  (the terminal twins: `xltools recalc`, `add-project`, `consolidate --master`);
- `xltools.excel.live` writes it into the open book through xlwings (the buttons).

Planners live with their family: `master.plans` (一键重算, 校验, 新增项目),
`department.plans` (整体评价), `consolidate.plans` (汇总下级报送).

A value in `Edits` is None (clear the cell, keep its format), a number, a bool,
a text — always written as text, never as a formula, whatever it starts with —
or a `Formula`: formula text xltools composed plus the value the engine computed
for it, cached so the file shows right figures before any spreadsheet program
recalculates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Formula:
    """A formula to write ("=..." text) and its value as the engine computes it
    ("" where the formula gives a blank)."""

    text: str
    value: Any = None


CellValue = Union[None, int, float, str, bool, Formula]
#: sheet name → {(row, col) 1-based: value}
Edits = dict[str, dict[tuple[int, int], CellValue]]


@dataclass(frozen=True)
class RowFormat:
    """Give cells `first_col..last_col` of `target_row` the formats of
    `source_row` (a table grew or its 合计 row moved)."""

    sheet: str
    source_row: int
    target_row: int
    first_col: int
    last_col: int


@dataclass
class NewProject:
    """A new project sheet: a copy of `template` called `name`, placed after it,
    with the input cells `clear` emptied (formula cells are never in it)."""

    template: str
    name: str
    clear: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Plan:
    """What a button changes, in the order the appliers carry it out: new
    sheets (copied, inputs cleared), row formats, cell values, print areas
    ("A1:K9") by sheet.  `issues` are the problems the planner listed (the
    校验结果 rows), for the terminal's summary and exit code; they are not
    written by themselves."""

    edits: Edits = field(default_factory=dict)
    row_formats: list[RowFormat] = field(default_factory=list)
    print_areas: dict[str, str] = field(default_factory=dict)
    new_projects: list[NewProject] = field(default_factory=list)
    issues: list[Any] = field(default_factory=list)


def merge(into: Edits, more: Edits) -> Edits:
    """Add `more` to `into` (later values win); returns `into`."""
    for sheet, cells in more.items():
        into.setdefault(sheet, {}).update(cells)
    return into


def plain_value(value: CellValue) -> Any:
    """The value a cell shows: a Formula's cached value, else the value."""
    return value.value if isinstance(value, Formula) else value


__all__ = ["Formula", "CellValue", "Edits", "RowFormat", "NewProject", "Plan", "merge",
           "plain_value"]
