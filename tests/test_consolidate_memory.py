"""A consolidation keeps nothing per unit or per file in memory: each file's
project figures go to the spool, where the units' totals are summed exactly
once every file is in; what stays in memory has keys that do not grow with the
files.  The totals are those of a flat exact sum; the ledger's end of run is
worked out in SQL with the same result as from a dict of units."""
from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path

import pytest

from consolidate_helpers import copy_examples
from xltools.consolidate import merge
from xltools.consolidate import run as R
from xltools.consolidate.ledger import Ledger, Submission
from xltools.consolidate.sample import generate_submissions
from xltools.consolidate.spool import Spool
from xltools.core.fileio import resolved
from xltools.core.issues import Issue
from xltools.core.jsonout import dumps_json
from xltools.profiles import load_profile

PROFILE = load_profile("national")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("subs")
    generate_submissions(base, 9, seed=5)
    copy_examples(base)
    return base


def _sized(value) -> int:
    try:
        return len(value)
    except TypeError:
        return 0


def test_the_tally_holds_nothing_per_unit(folder):
    result = R.consolidate([str(folder)], PROFILE, jobs=1)
    try:
        tally = result.tally
        units = len(result.summary.units)
        assert units == 12
        assert not hasattr(tally, "groups")
        for name, value in vars(tally).items():
            if isinstance(value, (dict, list, set)):
                assert len(value) <= 8, name  # severities, 等次, rate bands: a few keys
        report = tally.report
        for name in ("bad", "duplicate_files", "skipped_files", "macros", "problem_files"):
            assert len(getattr(report, name)) <= R.SHOW
        # The units and their totals are read from the spool when asked for.
        assert not isinstance(result.summary.units, list)
        assert not isinstance(result.extra_units, list)
    finally:
        result.close()


def test_unit_totals_are_exact_sums_of_their_records(folder):
    result = R.consolidate([str(folder)], PROFILE, jobs=1)
    try:
        records = list(result.records())
        flat = merge.summarize(records)
        assert [u.name for u in result.summary.units] == [u.name for u in flat.units]
        assert list(result.summary.units) == flat.units
        assert result.summary.department == flat.department
        for key in merge.MONEY_FIELDS:
            assert result.summary.department.__getattribute__(key) == round(
                math.fsum(r[key] for r in records if r[key] is not None), 6)
        # Any slice, any index, as a list would give them.
        units = result.summary.units
        assert units[:3] == flat.units[:3] and units[-1] == flat.units[-1]
        assert units[2:40] == flat.units[2:40]
    finally:
        result.close()


def test_sums_do_not_depend_on_the_order_of_the_files():
    figures = [0.1, 0.2, 0.3, 1e-7, 123456.789012, 0.7]
    spools = []
    for order in (figures, figures[::-1]):
        spool = Spool()
        for x in order:
            spool.add_projects("甲", [{"budget_initial": x, "budget_full_year": x, "spent": x,
                                      "score_total": 80, "issues": []}])
        spool.finish()
        spools.append(next(spool.unit_totals()))
        spool.close()
    assert spools[0] == spools[1]
    assert spools[0][2] == merge.money_sum(figures)
    assert spools[0][6] == 80 and isinstance(spools[0][6], int)  # a score comes back as it went in


ORDERS = [
    # (units as their first project came, expected units)
    (["乙", "局机关", "甲", "二级机关"], []),
    (["乙", "局机关", "甲", "二级机关"], ["甲", "丙", "乙", "甲"]),
    (["单位2", "单位1"], ["单位1"]),
]


@pytest.mark.parametrize("seen, expected", ORDERS)
def test_units_in_the_order_merge_gives(seen, expected):
    spool = Spool()
    try:
        for unit in seen:
            spool.add_projects(unit, [{"budget_initial": 1.0, "issues": []}])
        spool.finish(expected)
        assert list(spool.unit_names((0,))) == merge.order_units(seen, expected)
    finally:
        spool.close()


def test_streamed_json_is_the_built_document(folder):
    result = R.consolidate([str(folder)], PROFILE, jobs=1)
    try:
        fh = io.StringIO()
        result.write_json(fh)
        text = fh.getvalue()
        doc = result.json()
        assert json.loads(text) == doc
        # the units list is laid out as json.dumps(indent=1) lays it out
        assert ',\n "units": ' + dumps_json(doc["units"], indent=1) + ',\n "projects": [' in text
    finally:
        result.close()


ISSUES = [
    ({"code": "duplicate_file", "severity": "warning", "message": "m", "sheet": None}, None),
    ({"code": "duplicate_file", "severity": "", "message": None, "cell": "B3"}, "项目"),
    ({"code": "file_unreadable", "severity": "error", "message": "坏", "project": "p"}, None),
    ({"code": "sheet_skipped", "severity": "info", "message": "x", "sheet": "表1"}, ""),
]


@pytest.mark.parametrize("data, project", ISSUES)
def test_issue_keys_without_issues(data, project):
    want = (Issue.from_dict(data, project=project) if project is not None
            else Issue.from_dict(data)).key()
    assert R._issue_key(data, project if project is not None else data.get("project")) == want


def test_issue_keys_refuse_what_issue_refuses():
    with pytest.raises(ValueError):
        R._issue_key({"code": "no_such_code", "severity": "error"}, "")
    with pytest.raises(ValueError):
        R._issue_key({"code": "sheet_skipped", "severity": "nonsense"}, "")


def test_absolute_paths_as_resolved_gives_them(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "f.xlsx").write_bytes(b"")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "l.xlsx").symlink_to(tmp_path / "a" / "b" / "f.xlsx")
    monkeypatch.chdir(tmp_path)
    for path in ("a/b/f.xlsx", str(tmp_path / "a/b/f.xlsx"), "link/b/f.xlsx", "a/l.xlsx",
                 "a/../a/b/f.xlsx", "./a/b/f.xlsx", "a//b/f.xlsx", "missing.xlsx", "a/b/",
                 "link/../a/b/f.xlsx", "报送/单位.xlsx"):
        assert R._abs(path) == str(resolved(Path(os.getcwd(), path))), path


def _submissions(tmp_path: Path, names: list[tuple[str, str]]) -> list[Submission]:
    out = []
    for name, unit in names:
        path = tmp_path / name
        path.write_bytes(name.encode())
        out.append(Submission(path=str(path), sha256=name, size=1, unit=unit, status="ok",
                              problems=[Issue("duplicate_file", "warning", f"m{name}")]))
    return out


def test_end_of_run_in_sql_is_the_end_of_run_from_units(tmp_path):
    first = [("a1", "甲"), ("a2", "甲"), ("b1", "乙"), ("c1", "丙")]
    second = [("a3", "甲"), ("b1", "乙"), ("a1", "甲")]
    dumps = []
    for way in ("units", "sql"):
        folder = tmp_path / way
        folder.mkdir()
        subs1 = _submissions(folder, first)
        subs2 = _submissions(folder, second)
        os.unlink(folder / "c1")  # gone
        with Ledger(folder / "l.sqlite") as ledger:
            ledger.record_run(subs1, "2024-01-01T00:00:00+00:00")
            now = "2024-02-01T00:00:00+00:00"
            if way == "units":
                result = ledger.record_run(subs2, now)
            else:
                with ledger.transaction():
                    for sub in subs2:
                        ledger.record_file(sub, now, in_run=True)
                    result = ledger.finish_run(None, now)
            dump = ledger.dump()
            for table in ("files", "problems"):
                dump[table] = [tuple(str(v).replace(str(folder), "") for v in row)
                               for row in dump[table]]
            dumps.append((dump["files"], dump["problems"], result.superseded, result.gone,
                          result.revived))
    assert dumps[0] == dumps[1]
    files = dumps[0][0]
    assert [row[13] for row in files] == ["1", "0", "1", "0", "1"]  # a2 superseded, c1 gone
    assert dumps[0][2] and dumps[0][3]


def test_a_json_result_is_read_line_by_line_or_whole_alike(folder, tmp_path):
    from xltools.consolidate import rollup

    result = R.consolidate([str(folder)], PROFILE, jobs=1)
    try:
        ours = tmp_path / "县.json"
        with open(ours, "w", encoding="utf-8") as fh:
            result.write_json(fh)
        doc = result.json()
    finally:
        result.close()
    other = tmp_path / "别处.json"  # the same document laid out another way
    other.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    with rollup._Lines(str(ours)) as lines:
        assert lines.ours
    with rollup._Lines(str(other)) as lines:
        assert not lines.ours

    def read(path):
        return [(e.path, e.unit, e.status, e.records, e.problems)
                for e in rollup._from_json(str(path))]

    assert read(ours) == read(other)
    assert sum(len(r[3]) for r in read(ours)) == len(doc["projects"])


# ------------------------------------------------------------------ the output walks its units
DETAIL_PLACES = [
    # (projects per unit, rows a detail sheet holds, each unit's (ranges, 小计), 合计)
    ([2, 1],    100, [([("项目支出明细", 4, 5)], ("项目支出明细", 6)),
                      ([("项目支出明细", 7, 7)], ("项目支出明细", 8))], ("项目支出明细", 9)),
    # three data rows a sheet: the first unit's projects run over onto the second sheet
    ([4, 1],    3,   [([("项目支出明细", 4, 6), ("项目支出明细(2)", 4, 4)], ("项目支出明细(2)", 5)),
                      ([("项目支出明细(2)", 6, 6)], ("项目支出明细(3)", 4))], ("项目支出明细(3)", 5)),
]


@pytest.mark.parametrize("projects, per_sheet, places, total", DETAIL_PLACES)
def test_detail_places_are_walked_not_held(monkeypatch, projects, per_sheet, places, total):
    """项目支出明细's place of each unit is worked out as the units are walked
    (twice: for 整体支出汇总's formulas and for the rows), from a source that
    can be read again — nothing is kept per unit."""
    from xltools.consolidate import layout as CL

    monkeypatch.setattr(CL, "SHEET_ROWS", CL.HEADER_ROW + per_sheet)
    walked = []

    class Units:  # as a spooled run gives them: read again each time
        def __iter__(self):
            walked.append(1)
            return iter([(f"单位{k}", n) for k, n in enumerate(projects)])

    detail = CL.plan_detail(Units())
    assert not any(isinstance(v, dict) for v in vars(detail).values())
    for _ in range(2):
        got = [(p.ranges, p.subtotal) for _, p in detail.places()]
        assert got == places
    assert detail.total == total and len(walked) == 3
