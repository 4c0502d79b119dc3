"""`xltools.api`: DataFrames of projects, indicators, problems and unit totals
(pandas, the optional `analysis` extra) — the same figures `xltools
consolidate --json` writes, from the same engine."""
from __future__ import annotations

import json
import sys

import pytest

from xltools import api
from xltools.cli import main

from master_fixtures import SUBMISSIONS


@pytest.fixture(scope="module")
def tables():
    return api.load(SUBMISSIONS)


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory):
    out = tmp_path_factory.mktemp("api")
    assert main(["consolidate", str(SUBMISSIONS), "-o", str(out / "汇总.xlsx"), "--json", str(out / "汇总.json"),
                 "--quiet"]) == 1
    return json.loads((out / "汇总.json").read_text(encoding="utf-8"))


def test_columns(tables):
    assert list(tables.projects.columns) == api.PROJECT_COLUMNS
    assert list(tables.indicators.columns) == api.INDICATOR_COLUMNS
    assert list(tables.problems.columns) == api.PROBLEM_COLUMNS
    assert list(tables.units.columns) == api.UNIT_COLUMNS


# unit                 projects  budget_full_year  spent    (seed 001, as examples/README.md gives them)
UNITS = [
    ("局机关及二级机构汇总",  8,        965.71,          862.42),
    ("局机关",              4,        688.83,          622.84),
]


@pytest.mark.parametrize("unit,projects,full_year,spent", UNITS)
def test_unit_totals(tables, unit, projects, full_year, spent):
    row = tables.units.set_index("unit").loc[unit]
    assert (row.projects, row.budget_full_year, row.spent) == (projects, full_year, spent)
    assert row.execution_rate == pytest.approx(spent / full_year)


def test_same_figures_as_consolidate_json(tables, consolidated):
    units = tables.units.set_index("unit")
    for u in consolidated["units"]:
        row = units.loc[u["name"]]
        assert (row.projects, row.budget_initial, row.budget_full_year, row.spent) == \
            (u["projects"], u["budget_initial"], u["budget_full_year"], u["spent"])
    assert sorted(tables.projects.name) == sorted(p["name"] for p in consolidated["projects"])
    assert len(tables.indicators) == sum(len(p["indicators"]) for p in consolidated["projects"])
    by_project = tables.problems.groupby("project").size().to_dict()
    for p in consolidated["projects"]:
        assert by_project.get(p["name"], 0) == len(p["issues"])
    assert tables.projects.problems.sum() == len(tables.problems)


def test_one_table_alone(tables):
    alone = api.projects(SUBMISSIONS / "局机关.xlsx")
    assert sorted(alone.name) == sorted(tables.projects[tables.projects.unit == "局机关"].name)


def test_without_pandas_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now fails
    with pytest.raises(api.MissingPandasError) as err:
        api.load(SUBMISSIONS)
    assert "xltools-jixiao[analysis]" in str(err.value) and "需要 pandas" in str(err.value)
