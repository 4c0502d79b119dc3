"""Shared fixtures of the consolidation tests (imported by tests/test_consolidate_*.py)."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from xltools.cli import main
from xltools.consolidate.sample import ProjectSpec, default_indicators, write_submission

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
UNITS = ("局机关", "数据资源中心", "政务服务中心")


def copy_examples(dest: Path) -> Path:
    """The three seed-001 unit files (typed from the seed) in a fresh folder."""
    dest.mkdir(parents=True, exist_ok=True)
    for unit in UNITS:
        shutil.copy2(EXAMPLES / f"{unit}.xlsx", dest / f"{unit}.xlsx")
    return dest


def project(name: Any, unit: Any, a: Any, b: Any, c: Any, **kw: Any) -> ProjectSpec:
    """A consistent form (weights 100, indicators at full marks, budget 得分 =
    10 × min(执行率, 100%) rounded to 2 places) with the given budget figures."""
    budget_score = 10
    if isinstance(b, (int, float)) and isinstance(c, (int, float)) and b > 0:
        budget_score = round(10 * min(c / b, 1.0), 2)
    budget_score = kw.pop("budget_score", budget_score)
    return ProjectSpec(name=name, unit=unit, budget_initial=a, budget_full_year=b, spent=c,
                       budget_score=budget_score,
                       indicators=kw.pop("indicators", default_indicators()),
                       total_score=kw.pop("total", round(90 + budget_score, 2)), **kw)


def small_folder(dest: Path) -> Path:
    """Two small unit files built here (seed-001 figures, our template)."""
    dest.mkdir(parents=True, exist_ok=True)
    write_submission(dest / "局机关.xlsx", [
        project("快递服务经费", "局机关", 100, 187, 146.06),
        project("电子政务网租赁", "局机关", 239.8, 239.8, 214.78)])
    write_submission(dest / "数据资源中心.xlsx", [
        project("项目技术审查会相关费用", "数据资源中心", 100, 100, 62.7)])
    return dest


def cli(*argv: Any) -> int:
    return main([str(a) for a in argv])


def cells(path: Path) -> dict[str, dict[str, Any]]:
    """Every sheet's cells (value or formula text, number format), for comparing
    two outputs cell by cell."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {c.coordinate: (c.value, c.number_format, c.data_type)
                         for row in ws.iter_rows() for c in row if c.value is not None}
    wb.close()
    return out


def evaluate(path: Path) -> dict[tuple[str, str], Any]:
    """Every formula cell of a workbook computed headless by `formulas`:
    (sheet, A1) → value."""
    import formulas

    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    out: dict[tuple[str, str], Any] = {}
    for key, value in solution.items():
        text = str(key)
        if "]" not in text or "!" not in text or ":" in text.split("!")[-1]:
            continue
        sheet = text.split("]", 1)[1].rsplit("!", 1)[0].strip("'")
        cell = text.rsplit("!", 1)[1]
        v = value.value[0][0] if hasattr(value, "value") else value
        try:
            v = float(v)
        except (TypeError, ValueError):
            v = None if str(v) in ("empty", "") else str(v)
        out[(sheet.upper(), cell.upper())] = v
    return out


def sheet_xml(path: Path, sheet: str) -> str:
    """The worksheet part of `sheet` (by its name) as text."""
    import re

    with zipfile.ZipFile(path) as zf:
        wb = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        m = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="([^"]+)"' % re.escape(sheet), wb)
        rid = m.group(1)
        target = re.search(r'<Relationship [^>]*Id="%s"[^>]*Target="([^"]+)"' % rid, rels)
        if target is None:
            target = re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="%s"' % rid, rels)
        name = target.group(1).lstrip("/")
        name = name if name.startswith("xl/") else "xl/" + name
        return zf.read(name).decode("utf-8")
