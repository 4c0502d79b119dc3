"""Benchmark of `xltools consolidate` against merely reading the same files.

    .venv/bin/python benchmarks/consolidate_bench.py                 # N = 100 and 1000
    .venv/bin/python benchmarks/consolidate_bench.py --n 100 --n 300 --workdir /tmp/bench

For each N it generates N unit submissions (each a workbook with a 基础信息 sheet
and 3–5 project forms built from the seed-001 figures with random variation,
seeded so every run makes the same files), then measures, each in a fresh
subprocess so peak memory is its own:

- consolidate: the whole `xltools consolidate` command (read with calamine,
  check, ledger, output workbook, JSON), one process (the default);
- consolidate-j2: the same with `--jobs 2` (two reading processes);
- rerun:       the same command again on the unchanged folder (files come from
  the ledger's cache, the output is left as it is);
- engine-check: the engine alone — `report.check_file(path, engine="calamine")`
  on every file (read, find the forms, score, check), nothing kept: the floor
  for any consolidation that uses the engine;
- calamine:    opening every file with python-calamine and reading every sheet;
- openpyxl:    opening every file with openpyxl (read-only) and reading every cell.

It prints time, peak resident memory (ru_maxrss) of the measuring process, the
memory the work added above the interpreter and imports, and the largest worker
process (when files were read in parallel), then the ratios.  Not a timed test: numbers depend on
the machine.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Seed 001 projects (万元): name, unit, 年初, 全年, 执行.
SEED = [
    ("一件事一次办改革经费", 40, 22.03, 22),
    ("快递服务经费", 100, 187, 146.06),
    ("网络安全设备和安全服务", 100, 240, 240),
    ("电子政务网租赁", 239.8, 239.8, 214.78),
    ("信创工程项目", 0, 79.45, 79.45),
    ("项目技术审查会相关费用", 100, 100, 62.7),
    ("窗口补贴", 160, 65.61, 65.61),
    ("市民中心大厅运转维护费", 38, 31.82, 31.82),
]
KINDS = ("consolidate", "consolidate-j2", "rerun", "engine-check", "calamine", "openpyxl")


# ------------------------------------------------------------------ generating
def generate(folder: Path, n: int, seed: int = 1) -> None:
    """N submissions `单位0001.xlsx` … in `folder` (kept between runs)."""
    from xltools.consolidate.sample import IndicatorSpec, ProjectSpec, default_indicators, write_submission

    marker = folder / ".generated"
    if marker.exists() and marker.read_text() == f"{n}:{seed}":
        return
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for k in range(1, n + 1):
        unit = f"第{k:04d}单位"
        projects = []
        for j in range(rng.randint(3, 5)):
            name, a, b, c = rng.choice(SEED)
            f = rng.uniform(0.5, 1.5)
            a, b = round(a * f, 2), round(b * f, 2)
            c = round(min(b, c * f * rng.uniform(0.8, 1.05)), 2)
            rate = c / b if b else 0
            budget_score = round(10 * min(rate, 1), 2)
            indicators = default_indicators()
            if rng.random() < 0.3:  # a deduction, sometimes without a reason
                indicators[2] = IndicatorSpec("产出指标", "时效指标", "按时完成率", "≥95%", "90%", 15,
                                              12, "个别事项延期" if rng.random() < 0.5 else None)
            total = round(90 + budget_score - (15 - indicators[2].score), 2)
            money = (lambda x: f"{x * 10000:.0f}元") if rng.random() < 0.1 else (lambda x: x)
            projects.append(ProjectSpec(
                name=f"{name}（{j + 1}）", unit=unit, budget_initial=money(a),
                budget_full_year=money(b), spent=money(c), budget_score=budget_score,
                execution_rate=f"{rate:.2%}", indicators=indicators, total_score=total))
        write_submission(folder / f"{unit}.xlsx", projects, unit=unit)
    marker.write_text(f"{n}:{seed}")


# ------------------------------------------------------------------ measuring
def measure(kind: str, folder: Path, scratch: Path) -> dict:
    """Run one measurement in this process; return seconds and memory."""
    files = sorted(str(p) for p in folder.glob("*.xlsx"))
    if kind.startswith("consolidate") or kind == "rerun":
        from xltools.cli import build_parser, main

        build_parser()  # imports of every subcommand, outside the clock
        if kind == "rerun":  # a first run, not timed: the ledger's cache is filled
            main(["consolidate", str(folder), "-o", str(scratch / "整体支出汇总.xlsx"), "--json",
                  str(scratch / "out.json"), "--quiet"])
    elif kind == "engine-check":
        from xltools.profiles import load_profile
        from xltools.project.report import check_file

        profile = load_profile("national")
    elif kind == "calamine":
        from python_calamine import CalamineWorkbook
    else:
        import openpyxl
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if kind.startswith("consolidate") or kind == "rerun":
        out = scratch / "整体支出汇总.xlsx"
        jobs = ["--jobs", "2"] if kind == "consolidate-j2" else []
        code = main(["consolidate", str(folder), "-o", str(out), "--json",
                     str(scratch / "out.json"), "--quiet", *jobs])
        assert code in (0, 1), code
    elif kind == "engine-check":
        for path in files:  # the engine's own read + check, records dropped
            check_file(path, profile, engine="calamine").record()
    elif kind == "calamine":
        cells = 0
        for path in files:
            wb = CalamineWorkbook.from_path(path)
            for name in wb.sheet_names:
                cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
            wb.close()
    else:
        cells = 0
        for path in files:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    cells += len(row)
            wb.close()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # largest worker, if any
    return {"kind": kind, "files": len(files), "seconds": seconds,
            "peak_mb": peak / 1024, "added_mb": (peak - base) / 1024, "worker_mb": workers / 1024}


def measure_in_subprocess(kind: str, folder: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="xltools-bench-") as scratch:
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", kind, "--folder", str(folder),
             "--scratch", scratch],
            capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="submissions (default 100 and 1000)")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "xltools-bench"),
                        help="where the generated submissions are kept")
    parser.add_argument("--measure", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.folder), Path(args.scratch))))
        return 0
    sizes = args.n or [100, 1000]
    results: dict[int, dict[str, dict]] = {}
    for n in sizes:
        folder = Path(args.workdir) / f"n{n}"
        t0 = time.perf_counter()
        generate(folder, n)
        print(f"N={n}: submissions ready in {folder} ({time.perf_counter() - t0:.1f} s)",
              file=sys.stderr)
        results[n] = {kind: measure_in_subprocess(kind, folder) for kind in KINDS}
    print(f"{'N':>6} {'what':<14} {'seconds':>9} {'ms/file':>8} {'peak MB':>8} {'added MB':>9} "
          f"{'worker MB':>10}")
    for n, by_kind in results.items():
        for kind in KINDS:
            r = by_kind[kind]
            print(f"{n:>6} {kind:<14} {r['seconds']:>9.2f} {1000 * r['seconds'] / n:>8.1f} "
                  f"{r['peak_mb']:>8.1f} {r['added_mb']:>9.1f} {r['worker_mb']:>10.1f}")
    print()
    for n, by_kind in results.items():
        c, c1, again, eng, cal, opx = (by_kind[k]["seconds"] for k in KINDS)
        print(f"N={n}: consolidate / calamine read = {c / cal:.1f}× (--jobs 2: {c1 / cal:.1f}×), "
              f"consolidate / openpyxl read = {c / opx:.2f}× (--jobs 2: {c1 / opx:.2f}×), "
              f"calamine / openpyxl = {cal / opx:.3f}×; "
              f"engine check / calamine read = {eng / cal:.1f}×, consolidate / engine check = {c / eng:.2f}×; "
              f"re-run / calamine read = {again / cal:.2f}×")
    if len(results) > 1:
        lo, hi = min(results), max(results)
        a, b = results[lo]["consolidate"], results[hi]["consolidate"]
        print(f"memory, consolidate: peak {a['peak_mb']:.1f} MB at N={lo} → {b['peak_mb']:.1f} MB at "
              f"N={hi} ({b['peak_mb'] / a['peak_mb']:.2f}×; added {a['added_mb']:.1f} → "
              f"{b['added_mb']:.1f} MB)")
        print(f"time per file, consolidate: {1000 * a['seconds'] / lo:.1f} ms at N={lo}, "
              f"{1000 * b['seconds'] / hi:.1f} ms at N={hi}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
