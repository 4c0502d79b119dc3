"""The seed-001 example forms in the containers units actually send — Word .docx
(the seeds themselves are Word documents), .xls and .ods — give exactly the
findings the .xlsx give: same forms, same codes on the same fields, same figures."""
from __future__ import annotations

from pathlib import Path

import pytest

from container_helpers import xlsx_to_docx
from master_fixtures import libreoffice_convert
from xltools.profiles import load_profile
from xltools.project.report import check_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FILES = [EXAMPLES / "submissions" / "局机关.xlsx", EXAMPLES / "submissions" / "数据资源中心.xlsx",
         EXAMPLES / "submissions" / "政务服务中心.xlsx", EXAMPLES / "department" / "部门整体支出.xlsx"]


@pytest.fixture(scope="module")
def containers(tmp_path_factory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("seed001")
    docx = [xlsx_to_docx(f, out / f"{f.stem}.docx") for f in FILES]
    xls = libreoffice_convert(FILES, out / "xls", "xls")
    ods = libreoffice_convert(FILES, out / "ods", "ods")
    return {"xlsx": FILES, "docx": docx, "xls": [xls[f.name] for f in FILES],
            "ods": [ods[f.name] for f in FILES]}


def findings(paths: list[Path]) -> dict[str, dict]:
    """Per form (by its name): figures and the (code, severity, field) of each finding."""
    profile = load_profile()
    forms = {}
    for path in paths:
        result = check_file(path, profile)
        assert result.status == "ok", (path, result.error)
        for c in result.checked:
            rec = c.record()
            forms[(rec["kind"], (rec["name"] or "").strip())] = {
                "figures": tuple(rec[k] for k in ("budget_initial", "budget_full_year", "spent",
                                                  "execution_rate", "weight_total", "score_total",
                                                  "rule_score_total", "grade")),
                "indicators": len(rec["indicators"]),
                "issues": sorted((i["code"], i["severity"], i["field"]) for i in rec["issues"]),
            }
    return forms


@pytest.mark.parametrize("container", ["docx", "xls", "ods"])
def test_same_findings_as_xlsx(containers, container):
    want = findings(containers["xlsx"])
    got = findings(containers[container])
    assert sorted(got) == sorted(want)
    assert len(want) == 9  # the 8 项目支出 forms and the 部门整体支出 form of the seed
    for key in want:
        assert got[key] == want[key], key


def test_docx_cells_are_named_as_word_names_them(containers):
    result = check_file(containers["docx"][2], load_profile())  # 政务服务中心
    cells = {i.cell for c in result.checked for i in c.issues if i.cell}
    assert cells and all(cell.startswith(("表格", "第")) for cell in cells), cells
