"""The project sheet `xltools new` writes, compared part by part with a reviewed
reference (tests/reference/master_project_sheet.json: every cell's value or
formula, merges, validations, conditional formats, print setup).  The
reference was reviewed by eye as rendered in docs/img/project_sheet.png.

After a deliberate change to the sheet, regenerate and review it:

    XLTOOLS_UPDATE_REFERENCE=1 .venv/bin/python -m pytest tests/test_master_reference.py
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl

from xltools.master.build import MasterSpec, build_master, forms_from
from xltools.profiles import load_profile

from master_fixtures import SUBMISSIONS, project_sheets

REFERENCE = Path(__file__).with_name("reference") / "master_project_sheet.json"


def snapshot(tmp_path: Path) -> dict:
    forms, _ = forms_from([SUBMISSIONS / "局机关.xlsx"])
    form = next(f for f in forms if f.name.text.strip() == "株洲市电子政务网租赁")
    path = tmp_path / "reference.xlsx"
    build_master(path, MasterSpec(department="株洲市行政审批服务局", year=2022, forms=[form]),
                 load_profile("national"))
    wb = openpyxl.load_workbook(path)
    (ws, _), = project_sheets(wb)
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    return {
        "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "validations": sorted([str(dv.sqref), dv.type, dv.formula1 or "", dv.formula2 or "", dv.error or ""]
                              for dv in ws.data_validations.dataValidation),
        "conditional": sorted([str(cf.sqref), r.formula[0]] for cf in ws.conditional_formatting
                              for r in cf.rules),
        "unlocked": sorted(c.coordinate for row in ws.iter_rows() for c in row
                           if c.has_style and not c.protection.locked),
        "print": [ws.page_setup.orientation, str(ws.page_setup.paperSize), ws.print_title_rows,
                  str(ws.print_area), ws.page_setup.fitToWidth, ws.page_setup.fitToHeight],
    }


def test_project_sheet_matches_reference(tmp_path):
    got = json.loads(json.dumps(snapshot(tmp_path), ensure_ascii=False))
    if os.environ.get("XLTOOLS_UPDATE_REFERENCE"):
        REFERENCE.parent.mkdir(exist_ok=True)
        REFERENCE.write_text(json.dumps(got, ensure_ascii=False, indent=1), encoding="utf-8")
    want = json.loads(REFERENCE.read_text(encoding="utf-8"))
    diffs = []
    for cell in sorted(set(want["cells"]) | set(got["cells"])):
        old, new = want["cells"].get(cell), got["cells"].get(cell)
        if old != new:
            diffs.append(f"项目表!{cell}: {old!r} -> {new!r}")
    for part in ("merged", "validations", "conditional", "unlocked", "print"):
        if want[part] != got[part]:
            missing = [x for x in want[part] if x not in got[part]]
            extra = [x for x in got[part] if x not in want[part]]
            diffs.append(f"{part}: missing {missing!r}, new {extra!r}")
    assert not diffs, "\n".join(diffs[:40])
