"""The native formulas of the master's own sheets — 整体支出 rows and 合计, the
titles that follow 基础信息, the hidden lists' counts and the defined names
behind the dropdowns — one place for their text and for the value each shows.

The project sheet's formulas live in `xltools.project.formulas`, the department
sheets' in `xltools.department.formulas`.  `xltools new` (`master.build`) and
the 一键重算 planner (`master.plans`) take 整体支出 formulas from here, so both
write the same text with the same cached values.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from . import layout as L
from ..core.addresses import to_a1
from ..core.labels import LEVEL1_NAMES
from ..project import formulas as PF
from ..project import layout as P
from ..xlsx.sheet import quote_sheet, ref

ValueAt = Callable[[str], Any]


# ------------------------------------------------------------ 整体支出
def summary_row(sheet: str, lay: P.ProjectLayout) -> dict[str, str]:
    """Formulas of one 整体支出 row pulling a project sheet's figures, by column
    key of `layout.SUMMARY_COLUMNS` (index and sheet are plain values)."""
    out = {}
    for key, (attr, is_number) in L.SUMMARY_SOURCES.items():
        src = ref(sheet, getattr(lay, attr))
        out[key] = (f'=IF(ISNUMBER({src}),{src},"")' if is_number else f'=IF({src}="","",{src})')
    return out


def summary_row_values(value_at: ValueAt, lay: P.ProjectLayout) -> dict[str, Any]:
    """What `summary_row`'s formulas show, from the project sheet's cells."""
    out = {}
    for key, (attr, is_number) in L.SUMMARY_SOURCES.items():
        value = value_at(getattr(lay, attr))
        if is_number:
            out[key] = value if PF.is_number(value) else ""
        else:
            out[key] = "" if value is None or value == "" else value
    return out


SUMMARY_SUMS = ("budget_initial", "budget_full_year", "spent")


def summary_total(first_row: int, last_row: int, total_row: int) -> dict[str, str]:
    """The 合计 row: money sums over the project rows, and the overall 执行率."""
    col = L.SUMMARY_COL
    out = {}
    for key in SUMMARY_SUMS:
        out[key] = f"=SUM({to_a1(first_row, col[key])}:{to_a1(last_row, col[key])})"
    out["execution_rate"] = PF.execution_rate(to_a1(total_row, col["budget_full_year"]),
                                              to_a1(total_row, col["spent"]))
    return out


def summary_total_values(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    """What `summary_total`'s formulas show, from the rows' values."""
    from ..project.scoring import execution_rate

    out: dict[str, Any] = {key: sum(r[key] for r in rows if PF.is_number(r.get(key)))
                           for key in SUMMARY_SUMS}
    out["execution_rate"] = execution_rate(out["spent"], out["budget_full_year"])
    if out["execution_rate"] is None:
        out["execution_rate"] = ""
    return out


def summary_title(department_cell: str, year_cell: str) -> str:
    d, y = department_cell, year_cell
    return f'={d}&IF(ISNUMBER({y}),{y}&"年度","")&"{L.SUMMARY_TITLE_TEXT}"'


def summary_title_value(department: Any, year: Any) -> str:
    return (PF.text_of(department) + (f"{PF.text_of(year)}年度" if PF.is_number(year) else "")
            + L.SUMMARY_TITLE_TEXT)


# ------------------------------------------------------------ 基础信息 references
def base_ref(cell: str) -> str:
    """A 基础信息 cell as the other sheets refer to it: '基础信息'!$B$4."""
    return ref(L.BASE_SHEET, cell)


# ------------------------------------------------------------ lists and names
def list_count(col: int) -> str:
    """Count of one column of the hidden lists sheet (how long a dropdown is)."""
    from ..core.addresses import col_letter

    letter = col_letter(col)
    return f"=COUNTA({letter}{L.LISTS_FIRST_ROW}:{letter}{L.LISTS_COUNT_ROW - 1})"


def defined_names() -> dict[str, str]:
    """Defined name → what it refers to (the dropdown sources)."""
    from ..core.addresses import col_letter

    lists = quote_sheet(L.LISTS_SHEET)
    n1 = len(LEVEL1_NAMES)
    first_l2 = col_letter(L.LISTS_LEVEL1_COL + 1)
    last_l2 = col_letter(L.LISTS_LEVEL1_COL + 1 + n1)
    base = quote_sheet(L.BASE_SHEET)
    first_unit = to_a1(L.BASE_UNITS_FIRST_ROW, L.BASE_UNITS_COL, absolute=True)
    return {
        P.NAME_LEVEL1: f"{lists}!$A${L.LISTS_FIRST_ROW}:$A${L.LISTS_FIRST_ROW + n1 - 1}",
        P.NAME_LEVEL2_HEAD: f"{lists}!${first_l2}$1:${last_l2}$1",
        P.NAME_LEVEL2_ORIGIN: f"{lists}!$A${L.LISTS_FIRST_ROW}",
        P.NAME_LEVEL2_COUNT: f"{lists}!${first_l2}${L.LISTS_COUNT_ROW}:${last_l2}${L.LISTS_COUNT_ROW}",
        P.NAME_UNITS: f"OFFSET({base}!{first_unit},0,0,MAX(1,COUNTA({base}!{L.base_units_range()})),1)",
    }


def version_name(version: str) -> str:
    """The value of the defined name recording the VBA module's xlwings version."""
    return f'"{version}"'
