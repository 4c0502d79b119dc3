"""The blank workbooks in workbook_templates/ are exactly what `xltools new` makes
today: same sheets, cells, formulas, merges, validations and print areas (and, in
the master, the same VBA modules)."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from oletools.olevba import VBA_Parser

from xltools.cli import main

TEMPLATES = Path(__file__).resolve().parent.parent / "workbook_templates"

# committed file                 arguments of `xltools new` after the file name
TEMPLATE_ARGS = [
    ("主表.xlsm",                  ["--projects", "3"]),
    ("下级单位报送表.xlsx",        ["--for-unit", "", "--projects", "3"]),
]


def _fingerprint(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames, "names": sorted(wb.defined_names)}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None},
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.operator)
                                  for dv in ws.data_validations.dataValidation),
            "print_area": ws.print_area,
            "state": ws.sheet_state,
        }
    return out


def _modules(path: Path) -> list[tuple[str, str]]:
    parser = VBA_Parser(str(path))
    try:
        return sorted((name, code) for _f, _s, name, code in parser.extract_macros())
    finally:
        parser.close()


@pytest.mark.parametrize("name,args", TEMPLATE_ARGS)
def test_template_is_what_new_makes(tmp_path, name, args):
    fresh = tmp_path / name
    assert main(["new", str(fresh), *args]) == 0
    committed = TEMPLATES / name
    assert _fingerprint(committed) == _fingerprint(fresh), \
        f"{name} differs from `xltools new`: regenerate it ({' '.join(args)})"
    if name.endswith(".xlsm"):
        assert _modules(committed) == _modules(fresh)
