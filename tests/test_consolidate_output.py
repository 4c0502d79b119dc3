"""The output workbook and the block `--master` writes into the master: every
formula carries the value LibreOffice computes when forced to recalculate;
pasted control characters never stop a run; a table longer than a sheet goes
on over further sheets, nothing cut."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from consolidate_helpers import cli, copy_examples, project, small_folder
from master_fixtures import libreoffice_convert
from xltools.consolidate import layout as CL
from xltools.consolidate import output as O
from xltools.consolidate.layout import block_column
from xltools.consolidate.sample import generate_submissions, write_submission
from xltools.core.addresses import from_a1
from xltools.master import layout as ML
from xltools.master.build import MasterSpec, write_master


def _many(folder: Path) -> Path:
    """12 realistic submissions (≈ 48 projects, ≈ 170 problems): more projects
    than the chart shows one by one."""
    generate_submissions(folder, 12, seed=7)
    return folder


def _with_bad_and_copy(folder: Path) -> Path:
    """Two good units, one unreadable file (a unit without projects), one copy."""
    small_folder(folder)
    (folder / "政务服务中心.xlsx").write_bytes(b"not a workbook")
    (folder / "局机关 - 副本.xlsx").write_bytes((folder / "局机关.xlsx").read_bytes())
    return folder


def _with_gaps(folder: Path) -> Path:
    """Figures left blank or zero: a project without 全年执行数, one with only
    全年执行数, a unit whose only project has no 全年预算数 nor 全年执行数, a
    zero budget, and a unit whose file cannot be read (no projects at all)."""
    folder.mkdir(parents=True)
    write_submission(folder / "局机关.xlsx", [project("甲", "局机关", 100, 187, None),
                                             project("乙", "局机关", None, None, 10)])
    write_submission(folder / "数据资源中心.xlsx", [project("丙", "数据资源中心", 100, None, None)])
    write_submission(folder / "政务服务中心.xlsx", [project("丁", "政务服务中心", 100, 0, 0)])
    (folder / "大数据中心.xlsx").write_bytes(b"not a workbook")
    return folder


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, request):
    """Outputs of four runs — the seed examples, a folder with a bad file and
    a copy, figures left blank, many projects over sheets of 40 rows — each
    also written into a master (`--master`), and LibreOffice's recalculated
    copies of them all (one soffice call)."""
    base = tmp_path_factory.mktemp("outputs")
    runs = {
        "examples": copy_examples(base / "examples"),
        "badcopy": _with_bad_and_copy(base / "badcopy"),
        "gaps": _with_gaps(base / "gaps"),
        "long": _many(base / "long"),
    }
    files, masters = {}, {}
    patch = pytest.MonkeyPatch()
    try:
        for name, folder in runs.items():
            if name == "long":
                patch.setattr(CL, "SHEET_ROWS", 40)
            out = base / "out" / f"{name}.xlsx"
            master = write_master(base / "out" / f"{name}-master.xlsx", MasterSpec(
                department="株洲市行政审批服务局", year=2022,
                units=["局机关", "数据资源中心", "政务服务中心", "大数据中心"]))
            assert cli("consolidate", folder, "-o", out, "--json", out.with_suffix(".json"),
                       "--master", master, "--quiet") in (1, 2)
            files[name], masters[name] = out, master
    finally:
        patch.undo()
    converted = libreoffice_convert([*files.values(), *masters.values()], base / "lo")
    return {name: (path, converted[path.name]) for name, path in files.items()} | {
        f"{name}-master": (path, converted[path.name]) for name, path in masters.items()}


def _formula_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"}


def _values(path: Path) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows()
            for c in row}


RUNS = ["examples", "badcopy", "gaps", "long"]


@pytest.mark.parametrize("name", RUNS + [f"{run}-master" for run in RUNS])
def test_every_formula_caches_what_libreoffice_computes(outputs, name):
    """Every formula of the output workbook, and of the block in the master
    (its own sheets are `test_written_libreoffice`'s)."""
    ours, theirs = outputs[name]
    formulas = _formula_cells(ours)
    if name.endswith("-master"):
        c0 = block_column()
        formulas = {(sheet, a1): text for (sheet, a1), text in formulas.items()
                    if sheet == ML.SUMMARY_SHEET and from_a1(a1)[1] >= c0}
    assert len(formulas) >= (20 if name.endswith("-master") else 40)
    cached, recalculated = _values(ours), _values(theirs)
    wrong = []
    for key, text in formulas.items():
        mine, lo = cached.get(key), recalculated.get(key)
        if isinstance(lo, (int, float)) and not isinstance(lo, bool):
            if not isinstance(mine, (int, float)) or abs(mine - lo) > 1e-6 * max(1.0, abs(lo)):
                wrong.append(f"{key[0]}!{key[1]} {text}: cached {mine!r}, LibreOffice {lo!r}")
        elif (lo or "") != (mine or ""):
            wrong.append(f"{key[0]}!{key[1]} {text}: cached {mine!r}, LibreOffice {lo!r}")
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.parametrize("name", RUNS)
def test_no_formula_without_a_cached_value(outputs, name):
    ours, _ = outputs[name]
    with zipfile.ZipFile(ours) as zf:
        for part in zf.namelist():
            if part.startswith("xl/worksheets/sheet"):
                xml = zf.read(part).decode("utf-8")
                cells = re.findall(r"<c [^>]*>(?:(?!</c>).)*<f>(?:(?!</c>).)*</c>", xml)
                assert all("<v>" in c for c in cells), part


def test_long_tables_go_on_over_further_sheets(outputs):
    ours, _ = outputs["long"]
    doc = json.loads(ours.with_suffix(".json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(ours, data_only=True)
    names = wb.sheetnames
    details = [n for n in names if n.startswith(O.DETAIL_SHEET)]
    problems = [n for n in names if n.startswith(O.PROBLEMS_SHEET)]
    assert details[:2] == [O.DETAIL_SHEET, O.DETAIL_SHEET + "(2)"]
    assert problems[:3] == [O.PROBLEMS_SHEET, O.PROBLEMS_SHEET + "(2)", O.PROBLEMS_SHEET + "(3)"]
    assert "续见" in wb[O.PROBLEMS_SHEET]["A2"].value and "续见" in wb[O.DETAIL_SHEET]["A2"].value
    # Every problem once, numbered 1…n across the sheets; every project once.
    numbers = [r[0] for n in problems for r in wb[n].iter_rows(min_row=O.FIRST_ROW, values_only=True)]
    want = sum(len(p["issues"]) for p in doc["projects"]) + sum(len(f["problems"]) for f in doc["files"])
    assert numbers == list(range(1, want + 1))
    names_listed = [r[2] for n in details for r in wb[n].iter_rows(min_row=O.FIRST_ROW, values_only=True)
                    if isinstance(r[0], int)]
    assert sorted(names_listed) == sorted(p["name"] for p in doc["projects"])
    for n in details + problems:
        assert wb[n].max_row <= 40
    # The 合计 (cached, LibreOffice agrees: test above) equals the department's totals.
    last = wb[details[-1]]
    total = next(r for r in last.iter_rows(min_row=O.FIRST_ROW, values_only=True) if r[1] == "合计")
    assert total[3:6] == pytest.approx([doc["department"][k] for k in
                                        ("budget_initial", "budget_full_year", "spent")])


def test_many_projects_chart_by_rate_band(outputs):
    ours, _ = outputs["long"]
    ws = openpyxl.load_workbook(ours, data_only=True)[O.CHARTS_SHEET]
    doc = json.loads(ours.with_suffix(".json").read_text(encoding="utf-8"))
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("执行率分布"))
    bands = rows[start + 2:start + 8]
    rates = [p["execution_rate"] for p in doc["projects"] if p["execution_rate"] is not None]
    assert sum(r[2] for r in bands) == len(rates)
    assert bands[-1][2] == sum(1 for r in rates if r >= 1.0)


# ------------------------------------------------------------------ control characters
CONTROL = [
    # (as stored in the xlsx XML,  what the cell of the output shows)
    ("_x000B_",                    "前\n后"),          # Word's manual line break
    ("_x0007_",                    "前后"),            # Word's table cell mark
    ("_x000C_",                    "前\n后"),          # page break
    ("_x0000_",                    "前后"),
    ("_xD800_",                    "前_xD800_后"),     # a lone surrogate, escaped
    ("\udc80",                     None),              # raw bytes no UTF-8 reader accepts
    ("_x005F_x000B_",              "前_x000B_后"),     # the text _x000B_ itself
]


def _with_text(src: Path, dest: Path, stored: str) -> None:
    """Copy `src`, putting `stored` into the project name as the XML holds it."""
    raw = stored.encode("utf-8", "surrogateescape")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data.replace(b"XTCTRL", "前".encode() + raw + "后".encode()))


@pytest.mark.parametrize("stored, shown", CONTROL, ids=[c[0].encode("unicode_escape").decode()
                                                         for c in CONTROL])
def test_control_characters_never_stop_a_run(tmp_path, stored, shown):
    folder = small_folder(tmp_path / "subs")
    write_submission(tmp_path / "base.xlsx", [project("XTCTRL", "政务服务中心", 160, 65.61, 65.61)])
    _with_text(tmp_path / "base.xlsx", folder / "政务服务中心.xlsx", stored)
    out, js = tmp_path / "out.xlsx", tmp_path / "out.json"
    code = cli("consolidate", folder, "-o", out, "--json", js, "--quiet")
    doc = json.loads(js.read_text(encoding="utf-8"))  # strict JSON, readable
    wb = openpyxl.load_workbook(out)
    if shown is None:  # not a workbook any reader accepts: named, the rest consolidated
        assert code == 2 and doc["department"]["projects"] == 3
        return
    assert code in (0, 1) and doc["department"]["projects"] == 4
    from python_calamine import CalamineWorkbook

    detail = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(O.DETAIL_SHEET).to_python()
    names = [r[2] for r in detail[O.FIRST_ROW - 1:] if isinstance(r[0], float)]
    assert shown in names
    row = next(r for r in wb[O.DETAIL_SHEET].iter_rows(min_row=O.FIRST_ROW)
               if str(r[2].value or "").startswith("前"))
    assert row[2].data_type == "s"
    if "\n" in shown:
        height = wb[O.DETAIL_SHEET].row_dimensions[row[2].row].height
        assert height and height >= 2 * 13.5  # a line break is a second line


def test_problem_rows_are_the_entry_problems(monkeypatch):
    """问题清单's rows, made straight from a file's reading, say what
    `run.entry_problems` says of it (in order, over a full sheet)."""
    from xltools.consolidate.run import FileEntry, entry_problems
    from xltools.core.issues import SEVERITY_TEXT

    issue = {"code": "budget_score_mismatch", "severity": "warning", "sheet": "项目1", "cell": "I5",
             "value": 7.13, "message": "预算执行得分填 7.13"}
    entry = FileEntry(
        path="D:\\报送\\单位1.xlsx", sha256="0" * 64, size=1, unit="单位1", unit_source="file",
        status="ok", problems=[{"code": "file_unreadable", "severity": "error", "message": "坏"}],
        records=[{"name": "快递服务经费", "issues": [issue, dict(issue, value="=1+1", cell=None)]},
                 {"name": None, "issues": []},
                 {"name": "窗口补贴", "issues": [dict(issue, value=True, severity="odd"),
                                                 dict(issue, value=None, message=None, code="x")]}])
    written = []

    class Rows:
        def __init__(self, k):
            self.k = k

        def write(self, row, values):
            written.append((self.k, row, list(values)))

    monkeypatch.setattr(CL, "SHEET_ROWS", CL.HEADER_ROW + 3)  # three problems a sheet
    one_pass = O._Pass.__new__(O._Pass)
    one_pass.problems = CL.Pages(CL.PROBLEMS_SHEET, 5)
    one_pass.problem_rows = [Rows(0), Rows(1)]
    one_pass.p = 0
    one_pass._problems(entry)
    expected = []
    for n, p in enumerate(entry_problems(entry)):  # the rows as the 问题清单 always made them
        expected.append((n // 3, CL.FIRST_ROW + n % 3, CL.PROBLEMS.row(dict(
            index=n + 1, unit=p.get("unit") or "", file=O._basename(p.get("file")),
            sheet=p.get("sheet") or "", cell=p.get("cell") or "", project=p.get("project") or "",
            code=p.get("code") or "",
            severity=SEVERITY_TEXT.get(p.get("severity"), p.get("severity") or ""),
            value=O._cell_value(p.get("value")), message=p.get("message") or ""))))
    assert written == expected and one_pass.p == 5
