"""Files that cannot be read get a clear reason and the other files are still
checked; the command's exit codes and JSON shape."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xltools.cli import main
from xltools.profiles import load_profile
from xltools.project.report import check_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GOOD = EXAMPLES / "submissions" / "局机关.xlsx"


def _encrypted(src: Path, dest: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as fh, open(dest, "wb") as out:
        OOXMLFile(fh).encrypt("123456", out)


def _non_form(dest: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "通讯录"
    wb.active.append(["姓名", "电话"])
    wb.active.append(["胡静", "28683269"])
    wb.save(dest)


def _no_workbook_xml(dest: Path) -> None:
    with zipfile.ZipFile(dest, "w") as zf:
        zf.writestr("readme.txt", "不是工作簿")


@pytest.fixture()
def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "报送"
    folder.mkdir()
    shutil.copy(GOOD, folder / "局机关.xlsx")
    data = GOOD.read_bytes()
    (folder / "损坏.xlsx").write_bytes(data[: len(data) // 2])
    (folder / "空文件.xlsx").write_bytes(b"")
    _encrypted(GOOD, folder / "加密.xlsx")
    _non_form(folder / "通讯录.xlsx")
    (folder / "文本改名.xlsx").write_text("项目名称,窗口补贴\n", encoding="utf-8")
    _no_workbook_xml(folder / "压缩包.xlsx")
    return folder


# file                reason contains
BAD = [
    ("损坏.xlsx",      "损坏"),
    ("空文件.xlsx",    "空"),
    ("加密.xlsx",      "密码"),
    ("通讯录.xlsx",    "没有找到绩效自评表"),
    ("文本改名.xlsx",  "不是 Excel 工作簿"),
    ("压缩包.xlsx",    "不是 Excel 工作簿"),
]


@pytest.mark.parametrize("name,reason", BAD)
def test_unreadable_files_get_a_reason(bad_folder, name, reason):
    result = check_file(bad_folder / name, load_profile())
    assert result.status == "error"
    assert reason in result.error
    assert result.checked == []


def test_non_form_sheet_is_reported_not_guessed(bad_folder):
    result = check_file(bad_folder / "通讯录.xlsx", load_profile())
    assert result.skipped and result.skipped[0][0] == "通讯录"
    assert "不是绩效自评表" in result.skipped[0][1]


def test_folder_with_bad_files_checks_the_rest(bad_folder, tmp_path, capsys):
    out = tmp_path / "结果.json"
    code = main(["check", str(bad_folder), "--json", str(out)])
    assert code == 2
    data = json.loads(out.read_text(encoding="utf-8"))
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    assert set(by_name) == {"局机关.xlsx"} | {name for name, _ in BAD}
    good = by_name["局机关.xlsx"]
    assert good["status"] == "ok" and len(good["projects"]) == 4
    for name, reason in BAD:
        assert by_name[name]["status"] == "error" and reason in by_name[name]["error"]
        assert by_name[name]["projects"] == []
    printed = capsys.readouterr().out
    assert "无法读取" in printed and "加密" in printed


# files                                       exit code
EXIT_CODES = [
    (["局机关.xlsx"],                            1),  # problems found
    (["网络安全.xlsx"],                          0),  # consistent form only
    (["网络安全.xlsx", "空文件.xlsx"],           2),  # some input unreadable
]


@pytest.mark.parametrize("names,code", EXIT_CODES)
def test_exit_codes(tmp_path, names, code):
    shutil.copy(GOOD, tmp_path / "局机关.xlsx")
    wb = openpyxl.load_workbook(GOOD)
    for ws in list(wb.worksheets):
        if ws.title != "网络安全设备和安全服务":
            wb.remove(ws)
    wb.save(tmp_path / "网络安全.xlsx")
    (tmp_path / "空文件.xlsx").write_bytes(b"")
    assert main(["check", *[str(tmp_path / n) for n in names]]) == code


def test_json_record_shape(tmp_path):
    out = tmp_path / "o.json"
    main(["check", str(GOOD), "--json", str(out)])
    data = json.loads(out.read_text(encoding="utf-8"))
    f = data["files"][0]
    assert {"path", "status", "error", "projects"} <= set(f)
    rec = {p["sheet"]: p for p in f["projects"]}["电子政务网租赁"]
    for key in ("sheet", "name", "department", "unit", "budget_initial", "budget_full_year", "spent",
                "execution_rate", "budget_score", "weight_total", "score_total", "rule_score_total",
                "grade", "issues"):
        assert key in rec, key
    assert rec["budget_initial"] == 239.8 and rec["budget_full_year"] == 239.8 and rec["spent"] == 214.78
    assert rec["execution_rate"] == pytest.approx(0.8957, abs=1e-4)  # a fraction, not 89.57
    assert rec["budget_score"] == 9 and rec["score_total"] == 97 and rec["grade"] == "优"
    assert rec["issues"] == []
    issue = {p["sheet"]: p for p in f["projects"]}["快递服务经费"]["issues"][0]
    assert {"code", "severity", "sheet", "cell", "message"} <= set(issue)


def test_existing_json_is_backed_up_not_overwritten(tmp_path):
    out = tmp_path / "o.json"
    out.write_text("旧结果", encoding="utf-8")
    main(["check", str(GOOD), "--json", str(out)])
    backups = list(tmp_path.glob("o.*.bak.json"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == "旧结果"
    assert json.loads(out.read_text(encoding="utf-8"))["files"]


def test_department_profile_is_refused_with_a_hint(capsys):
    assert main(["check", str(GOOD), "--profile", "hunan-dept"]) == 2
    assert "xltools evaluate" in capsys.readouterr().err


def test_scoring_table_is_not_read_as_a_project_form(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评分表"
    ws.append(["一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因和其他说明"])
    ws.append(["投入", "预算配置", "财政供养人员控制率", "以100%为标准。在职人员控制率≦100%，计5分", 5, 5, None])
    wb.save(tmp_path / "评分表.xlsx")
    result = check_file(tmp_path / "评分表.xlsx", load_profile())
    assert result.status == "error" and "评分表" in result.skipped[0][1]


# ---------------------------------------------------------------- worker processes
CHECK_WORKERS = [
    # (worker processes, start method)
    (2, None),       # the platform's (fork on Linux)
    (2, "spawn"),    # Windows' and the Excel button's: workers re-import xltools
]


def _check_run(folder: Path, out: Path, capsys, *args: str) -> tuple[int, str, bytes]:
    code = main(["check", str(folder), "--json", str(out), *args])
    return code, capsys.readouterr().out, out.read_bytes()


@pytest.mark.parametrize("jobs, method", CHECK_WORKERS)
def test_check_by_workers_says_the_same_bytes(tmp_path, capsys, monkeypatch, jobs, method):
    """A folder as a department receives it (good forms, a damaged one, one
    that is no form, a lock file) checked by one process and by several:
    the same terminal report, the same JSON, the same exit code."""
    from xltools.consolidate.sample import generate_submissions
    from xltools.core import workers

    folder = tmp_path / "报送"
    generate_submissions(folder, 7, seed=11)
    shutil.copy(GOOD, folder / "局机关.xlsx")
    _non_form(folder / "通讯录.xlsx")
    (folder / "坏文件.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (folder / "~$局机关.xlsx").write_bytes(b"lock")
    one = _check_run(folder, tmp_path / "one.json", capsys, "--jobs", "1")
    monkeypatch.setattr(workers, "START_METHOD", method)
    monkeypatch.setattr(workers, "CHUNK", 2)  # several chunks in flight, taken back in order
    many = _check_run(folder, tmp_path / "many.json", capsys, "--jobs", str(jobs))
    assert many == one
    assert one[0] == 2 and "坏文件.xlsx" in one[1] and "~$局机关.xlsx" in one[1]
    assert len(json.loads(one[2])["files"]) == 11
