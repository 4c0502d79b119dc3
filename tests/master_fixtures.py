"""Shared by the tests/test_master_*.py modules: the seed forms the masters are
built from, clerk-typed edge cases, and a LibreOffice runner.  Not a test module.

LibreOffice keeps the values cached in a file unless its profile says to
recalculate on load; `libreoffice_convert` writes a private profile with
`OOXMLRecalcMode` = 0 (always) and converts several files per soffice call.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Optional

from xltools.core.addresses import from_a1, to_a1
from xltools.master import layout as M
from xltools.project import layout as L
from xltools.project.checks import weight_sum
from xltools.core.model import ProjectForm
from xltools.profiles import Profile
from xltools.project.scoring import budget_score, execution_rate, grade

REPO = Path(__file__).resolve().parents[1]
SUBMISSIONS = REPO / "examples" / "submissions"

#: What a spreadsheet program writes into a cell whose formula failed.
ERROR_VALUES = ("#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!",
                "Err:", "#ERR", "#GETTING_DATA")

_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """LibreOffice's soffice found on PATH — nowhere else.  Raises when it is not
    there: a LibreOffice test must fail, never skip or pass without it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise FileNotFoundError("LibreOffice (soffice) is not on PATH; .ci/run installs it")
    return found


def libreoffice_convert(files: list[Path], outdir: Path, fmt: str = "xlsx",
                        profile_dir: Optional[Path] = None) -> dict[str, Path]:
    """Convert `files` in one soffice call (recalculating every formula on load);
    returns input name → converted file.  Raises when soffice is missing or a
    file was not converted — a LibreOffice test must fail, never skip."""
    program = soffice()
    profile_dir = profile_dir or outdir / "lo-profile"
    user = profile_dir / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
    outdir.mkdir(parents=True, exist_ok=True)
    stems = [f.stem for f in files]
    assert len(set(stems)) == len(stems), f"output names would collide: {stems}"
    cmd = [program, f"-env:UserInstallation={profile_dir.resolve().as_uri()}", "--headless",
           "--norestore", "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    ext = fmt.split(":")[0]
    out = {}
    for f in files:
        target = outdir / f"{f.stem}.{ext}"
        if not target.exists():
            raise RuntimeError(f"LibreOffice did not convert {f.name}:\n{proc.stdout}\n{proc.stderr}")
        out[f.name] = target
    return out


def error_cells(ws) -> list[str]:
    """'Sheet!A1 = #DIV/0!' for every cell holding an error value."""
    bad = []
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if isinstance(v, str) and v.startswith(ERROR_VALUES):
                bad.append(f"{ws.title}!{cell.coordinate} = {v}")
    return bad


# ---------------------------------------------------------------- expectations
def expected_numbers(form: ProjectForm, profile: Profile) -> dict[str, object]:
    """What the engine says the formula cells of a project sheet built from
    `form` must show: 执行率, budget 得分, 分值 total, 得分 total, 等次."""
    line = form.budget_total
    num = (lambda v: v.number if v is not None else None)
    rate = execution_rate(num(line.spent), num(line.budget_full_year)) if line else None
    weight = num(line.weight) if line else None
    bscore = budget_score(weight, rate, profile)
    scores = [ind.score.number for ind in form.indicators if ind.score.number is not None]
    weights = [ind.weight.number for ind in form.indicators if ind.weight.number is not None]
    has_total = bscore is not None or bool(scores)
    total = (bscore or 0.0) + sum(scores) if has_total else None
    return {
        "execution_rate": rate,
        "budget_score": bscore,
        "total_weight": weight_sum(form) if (weight is not None or weights) else None,
        "total_score": total,
        "grade": grade(total, profile),
    }


def project_sheets(wb) -> list:
    """(worksheet, layout) of every project sheet of a workbook opened with openpyxl."""
    out = []
    for ws in wb.worksheets:
        lay = L.ProjectLayout.find(lambda r, c, ws=ws: ws.cell(r, c).value, max_rows=max(ws.max_row, 40))
        if lay is not None:
            out.append((ws, lay))
    return out


def type_into(path: Path, sheets: dict[str, dict[str, object]]) -> Path:
    """A clerk's typing, saved: `sheets` maps sheet → {cell: value}; written
    into the file part by part (validations, formats and formulas kept; the
    formulas' cached values left as they were — a spreadsheet recalculates)."""
    from xltools.xlsx.package import Package, set_cells

    pkg = Package.load(path)
    for sheet, cells in sheets.items():
        part = pkg.sheet_part(sheet)
        pkg.put(part, set_cells(pkg.text(part), {from_a1(c): v for c, v in cells.items()}))
    pkg.save(path)
    return path


def drop_cached_values(path: Path) -> Path:
    """The file as a program that does not compute saves it: every formula
    without its cached value (openpyxl, scripts, some converters)."""
    import re

    from xltools.xlsx.package import Package

    pkg = Package.load(path)
    for _name, part, _rid in pkg.sheets():
        xml = pkg.text(part)
        xml = re.sub(r'(<c\b[^>]*?)(?: t="(?:str|b|e|n)")?(>)(<f>[^<]*</f>)<v>[^<]*</v>', r"\1\2\3", xml)
        xml = re.sub(r"(<f>[^<]*</f>)<v>[^<]*</v>", r"\1", xml)
        pkg.put(part, xml)
    pkg.save(path)
    return path


def formula_cells(lay: L.ProjectLayout) -> dict[str, str]:
    """Key of `expected_numbers` → the cell of the project sheet holding it."""
    return {
        "execution_rate": lay.execution_rate_cell,
        "budget_score": lay.budget_score_cell,
        "total_weight": lay.total_weight_cell,
        "total_score": lay.total_score_cell,
        "grade": lay.grade_cell,
    }


# ---------------------------------------------------------------- clerk-typed
#: Edge cases a clerk types into a blank master, one project sheet each.
#: name        全年预算 全年执行 分值   indicators (分值, 得分)
TYPED = [
    ("零预算",      0,     5,     10,   [(90, 80)]),          # no budget: 执行率 blank
    ("超支",        100,   120,   10,   [(50, 45), (40, 35)]),  # rate 120 % capped: total 90 → 优
    ("边界89.99",   100,   100,   10,   [(90, 79.99)]),       # 89.99 → 良
    ("边界60",      100,   50,    10,   [(90, 55)]),          # 5 + 55 = 60 → 中
    ("差",          100,   10,    10,   [(90, 50)]),          # 1 + 50 = 51 → 差
    ("未填分值",    100,   100,   None, [(100, 95)]),         # budget 得分 blank
    ("快递服务",    187,   146.06, 10,  [(20, 15), (10, 10), (10, 10), (10, 10), (10, 10), (10, 10), (10, 10)]),
    ("空白",        None,  None,  None, []),                  # nothing typed
]


def typed_cells(lay: L.ProjectLayout, case) -> dict[str, object]:
    """What a clerk types into a blank project sheet for one TYPED case."""
    name, full, spent, weight, inds = case
    cells: dict[str, object] = {lay.name_cell: name, lay.budget_full_year_cell: full,
                                lay.spent_cell: spent, lay.budget_weight_cell: weight}
    for k, (w, s) in enumerate(inds):
        r = lay.indicator_row(k)
        for col, value in ((L.COL_LEVEL1, "产出指标"), (L.COL_LEVEL2, "数量指标"),
                           (L.COL_INDICATOR, f"指标{k + 1}"), (L.COL_TARGET, "100%"),
                           (L.COL_ACTUAL, "100%"), (L.COL_WEIGHT, w), (L.COL_SCORE, s)):
            cells[to_a1(r, col)] = value
    return cells


def typed_master(path: Path, profile: Profile, **spec) -> tuple[Path, list[tuple[str, L.ProjectLayout]]]:
    """A blank master written by `xltools new`, the TYPED cases then typed into
    its project sheets (one each).  Returns the file and (sheet, layout) pairs."""
    from xltools.master.build import MasterSpec, build_master

    built = build_master(path, MasterSpec(forms=[None] * len(TYPED), **spec), profile)
    sheets = [(name, lay) for name, lay, _ in built.projects]
    type_into(path, {name: typed_cells(lay, case) for (name, lay), case in zip(sheets, TYPED)})
    return path, sheets


def typed_expected(case, profile: Profile) -> dict[str, object]:
    """The engine's numbers for a TYPED case."""
    name, full, spent, weight, inds = case
    rate = execution_rate(spent, full)
    bscore = budget_score(weight, rate, profile)
    has_total = bscore is not None or bool(inds)
    total = (bscore or 0.0) + sum(s for _, s in inds) if has_total else None
    has_weight = weight is not None or bool(inds)
    return {
        "execution_rate": rate,
        "budget_score": bscore,
        "total_weight": (weight or 0) + sum(w for w, _ in inds) if has_weight else None,
        "total_score": total,
        "grade": grade(total, profile),
    }


def same(a, b, tol: float = 1e-9) -> bool:
    """Cell value equals the engine's: numbers within `tol`, blank == None."""
    if a in ("", None) and b in ("", None):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= tol
    return a == b


# ---------------------------------------------------------------- dropdown probe
#: 一级 typed in the row → the 二级 its dropdown must offer (blank/unknown: all).
PROBE_LEVEL1 = ["产出指标", "效益指标", "满意度指标", None, "其他"]
PROBE_MAX = 10


PROBE_SHEET = "probe"


def add_probe_sheet(path: Path) -> Path:
    """A sheet (a copy of the hidden lists sheet, made visible) evaluating the
    dropdowns' list formulas as ordinary formulas: row k has a 一级 in A, the
    list's length in B and its items in C…; the last row does the same for the
    实施单位 list (XT_UNITS); columns T:V the 二级 mismatch cases."""
    from xltools.project import formulas as F
    from xltools.master.plans import Formula
    from xltools.xlsx.package import Package, set_cells

    cells: dict[tuple[int, int], object] = {}
    for k, level1 in enumerate(PROBE_LEVEL1, start=1):
        cells[(k, 1)] = level1
        src = F.level2_list(f"$A{k}")
        cells[(k, 2)] = Formula(f"=ROWS({src})")
        for j in range(1, PROBE_MAX + 1):
            cells[(k, 2 + j)] = Formula(f'=IF({j}>B{k},"",INDEX({src},{j},1))')
    k = len(PROBE_LEVEL1) + 1
    cells[(k, 1)] = "units"
    cells[(k, 2)] = Formula(f"=ROWS({L.NAME_UNITS})")
    for j in range(1, PROBE_MAX + 1):
        cells[(k, 2 + j)] = Formula(f'=IF({j}>B{k},"",INDEX({L.NAME_UNITS},{j},1))')
    for k, (level1, level2, _) in enumerate(MISMATCH_CASES, start=1):
        cells[(k, MISMATCH_COL)] = level1
        cells[(k, MISMATCH_COL + 1)] = level2
        cells[(k, MISMATCH_COL + 2)] = Formula(
            "=" + F.level2_mismatch(to_a1(k, MISMATCH_COL), to_a1(k, MISMATCH_COL + 1)))
    pkg = Package.load(path)
    part = pkg.clone_sheet(M.LISTS_SHEET, PROBE_SHEET)
    pkg.put(part, set_cells(pkg.text(part), cells))
    pkg.save(path)
    return path


#: (一级, 二级, marked as not matching?) for the 二级 conditional format.
MISMATCH_CASES = [
    ("产出指标", "数量指标", False),
    ("产出指标", "社会效益指标", True),
    ("效益指标", "可持续影响指标", False),
    ("满意度指标", "服务对象满意度指标", False),
    ("满意度指标", "质量指标", True),
    (None, "时效指标", False),          # 一级 blank: any 二级 is accepted
    ("产出指标", None, False),          # nothing picked yet
    ("产出指标", "数量", True),          # not a name from the list
]
MISMATCH_COL = 20  # probe sheet column T: 一级, U: 二级, V: the formula's result


def probe_expected(units: list[str]) -> list[list[object]]:
    from xltools.core.labels import LEVEL1_NAMES, LEVEL2_OF

    every = [l2 for l1 in LEVEL1_NAMES for l2 in LEVEL2_OF[l1]]
    rows = []
    for level1 in PROBE_LEVEL1:
        items = list(LEVEL2_OF.get(level1, every)) if level1 else every
        rows.append([len(items)] + items + [""] * (PROBE_MAX - len(items)))
    rows.append([len(units)] + units + [""] * (PROBE_MAX - len(units)))
    return rows


def probe_values(value_at) -> list[list[object]]:
    """The probe sheet's computed rows; `value_at(row, col)` reads a value."""
    rows = []
    for k in range(1, len(PROBE_LEVEL1) + 2):
        row = [value_at(k, 2)] + [value_at(k, 2 + j) for j in range(1, PROBE_MAX + 1)]
        rows.append([("" if v is None else int(v) if isinstance(v, float) and v.is_integer() else v)
                     for v in row])
    return rows
