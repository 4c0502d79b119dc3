"""How fast and how big: xltools against merely reading the same files.

    .venv/bin/python benchmarks/consolidate_bench.py                  # N = 1 000 and 10 000
    .venv/bin/python benchmarks/consolidate_bench.py --n 1000 --repeat 3 --workdir /tmp/bench
    .venv/bin/python benchmarks/consolidate_bench.py --n 1000 --only consolidate,calamine

Inputs are distinct generated submissions (`xltools.consolidate.sample`):
each unit's workbook has a 基础信息 sheet and 3–5 project forms built from the
seed-001 figures, with the mistakes real forms carry — about 3.5 problems a
project (deductions without a reason, totals that do not add up, weights of
90, money in 元, blank actuals, `<!%`, the unit spelt another way …).  They are
made once per N and seed and kept in `--workdir`.

Each measurement is a fresh process; the script waits for it with `wait4` and
reports its CPU time (user + sys, worker processes included) and its peak
resident memory (the largest process of the run).  Each is repeated
(`--repeat`, default 3) and the median reported, with the ratio to the
calamine read of the same files, measured in the same run:

- calamine / openpyxl: read every cell of every file (python-calamine;
  openpyxl read-only) — the floor any reader of these files pays;
- consolidate: `xltools consolidate DIR -o OUT --quiet` into an empty folder
  (first run: every file read; workers as the default gives them);
- consolidate-j1: the same with `--jobs 1` (one process);
- rerun: the same command again on the unchanged folder (ledger in place);
- check: `xltools check DIR --quiet` (output to /dev/null);
- for masters of 10 and 100 projects: `new --from` (a master built from
  submissions holding that many projects), `recalc`, `add-project`, and the
  calamine / openpyxl reads of those submissions and of the master.

The package is byte-compiled before anything is measured (as an installed
package is), so no run pays for compiling xltools' own modules.

At the end: an estimate for 100 000 submissions, extrapolated linearly from
the two largest N.  Not a timed test: the numbers depend on the machine; run
it on an idle one, or read the medians with its noise in mind.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOLDER_KINDS = ("calamine", "openpyxl", "consolidate", "consolidate-j1", "rerun", "check")
MASTER_KINDS = ("calamine", "openpyxl", "new-from", "recalc", "add-project",
                "calamine-master", "openpyxl-master")
MASTER_SIZES = (10, 100)


# ------------------------------------------------------------------ inputs
def submissions(workdir: Path, n: int, seed: int = 1) -> Path:
    """N distinct realistic submissions (made once, kept)."""
    from xltools.consolidate.sample import generate_submissions

    folder = workdir / f"n{n}"
    marker = folder / ".generated"
    if marker.exists() and marker.read_text() == f"{n}:{seed}":
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    t0 = time.perf_counter()
    generate_submissions(folder, n, seed=seed)
    marker.write_text(f"{n}:{seed}")
    print(f"N={n}: {n} submissions generated in {time.perf_counter() - t0:.0f} s → {folder}",
          file=sys.stderr)
    return folder


def project_set(workdir: Path, projects: int, seed: int = 5) -> Path:
    """Submissions holding exactly `projects` project forms (5 to a file)."""
    import random

    from xltools.consolidate.sample import realistic_project, write_submission

    folder = workdir / f"p{projects}"
    marker = folder / ".generated"
    if marker.exists() and marker.read_text() == f"{projects}:{seed}":
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    left, k = projects, 0
    while left:
        k += 1
        unit = f"单位{k:03d}"
        take = min(5, left)
        write_submission(folder / f"{unit}.xlsx",
                         [realistic_project(rng, unit, j) for j in range(1, take + 1)], unit=unit)
        left -= take
    marker.write_text(f"{projects}:{seed}")
    return folder


# ------------------------------------------------------------------ one measurement
def precompile() -> None:
    """Byte-compile the package first, as `pip install` does: a source tree that
    was just edited (or an environment with PYTHONDONTWRITEBYTECODE set) would
    otherwise compile its changed modules again in every measured process,
    workers included — about 0.07 s of CPU each time, charged to xltools alone."""
    import compileall

    compileall.compile_dir(str(ROOT / "xltools"), quiet=1)


def _xltools(*args: str) -> list[str]:
    return [sys.executable, "-m", "xltools", *args]


def _reader(kind: str, target: Path) -> list[str]:
    return [sys.executable, __file__, "--read", kind, str(target)]


def measured(argv: list[str], cwd: Path = ROOT) -> dict:
    """Run `argv`; its CPU seconds (user + sys of the process and the workers
    it waited for) and peak RSS in MB (largest process), from wait4."""
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} → exit {code}\n{err}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "wall": time.perf_counter() - t0}


def median_of(repeat: int, run) -> dict:
    runs = [run() for _ in range(repeat)]
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]} | {
        "cpu_all": [round(r["cpu"], 3) for r in runs]}


# ------------------------------------------------------------------ kinds
def measure_folder(kind: str, folder: Path, repeat: int) -> dict:
    def fresh_output(extra: tuple[str, ...] = ()) -> dict:
        with tempfile.TemporaryDirectory(prefix="xltools-bench-") as scratch:
            return measured(_xltools("consolidate", str(folder), "-o",
                                     str(Path(scratch) / "整体支出汇总.xlsx"), "--quiet", *extra))

    if kind in ("calamine", "openpyxl"):
        return median_of(repeat, lambda: measured(_reader(kind, folder)))
    if kind == "consolidate":
        return median_of(repeat, fresh_output)
    if kind == "consolidate-j1":
        return median_of(repeat, lambda: fresh_output(("--jobs", "1")))
    if kind == "rerun":
        with tempfile.TemporaryDirectory(prefix="xltools-bench-") as scratch:
            argv = _xltools("consolidate", str(folder), "-o",
                            str(Path(scratch) / "整体支出汇总.xlsx"), "--quiet")
            measured(argv)  # the first run, not timed
            return median_of(repeat, lambda: measured(argv))
    if kind == "check":
        return median_of(repeat, lambda: measured(_xltools("check", str(folder), "--quiet")))
    raise ValueError(kind)


def measure_master(kind: str, subs: Path, repeat: int, scratch: Path) -> dict:
    master = scratch / f"主表{len(list(subs.glob('*.xlsx')))}.xlsx"
    new = _xltools("new", str(master), "--department", "株洲市行政审批服务局", "--year", "2022",
                   "--from", str(subs))
    if not master.exists():
        measured(new)
    if kind in ("calamine", "openpyxl"):
        return median_of(repeat, lambda: measured(_reader(kind, subs)))
    if kind in ("calamine-master", "openpyxl-master"):
        return median_of(repeat, lambda: measured(_reader(kind.split("-")[0], master)))
    if kind == "new-from":
        def run() -> dict:
            target = scratch / "新主表.xlsx"
            if target.exists():
                target.unlink()
            return measured(new[:4] + [str(target)] + new[5:])
        return median_of(repeat, run)
    if kind in ("recalc", "add-project"):
        def run() -> dict:
            copy = scratch / f"副本-{kind}.xlsx"
            shutil.copy2(master, copy)
            for old in scratch.glob(f"副本-{kind}.*.bak.xlsx"):
                old.unlink()
            return measured(_xltools(kind, str(copy)))
        return median_of(repeat, run)
    raise ValueError(kind)


def read_all(kind: str, target: Path) -> int:
    """Read every cell of every workbook under `target` with one library."""
    files = sorted(target.glob("*.xlsx")) if target.is_dir() else [target]
    cells = 0
    if kind == "calamine":
        from python_calamine import CalamineWorkbook

        for path in files:
            wb = CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
            wb.close()
    else:
        import openpyxl

        for path in files:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    cells += len(row)
            wb.close()
    return cells


# ------------------------------------------------------------------ report
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    libs = ", ".join(f"{m} {version(m)}" for m in ("python-calamine", "openpyxl", "XlsxWriter"))
    return (f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()}; {libs}; "
            f"{platform.system()} {platform.release()}")


def report(results: dict, sizes: list[int]) -> str:
    lines = [f"机器：{machine()}", ""]
    lines.append(f"{'N':>6} {'what':<16} {'CPU s':>8} {'ms/file':>8} {'× calamine':>11} "
                 f"{'peak MB':>8} {'wall s':>8}   CPU of each run")
    for n in sizes:
        by = results["folders"].get(str(n), {})
        base = by.get("calamine", {}).get("cpu")
        for kind in FOLDER_KINDS:
            if kind not in by:
                continue
            r = by[kind]
            ratio = f"{r['cpu'] / base:>10.2f}×" if base else f"{'':>11}"
            lines.append(f"{n:>6} {kind:<16} {r['cpu']:>8.2f} {1000 * r['cpu'] / n:>8.2f} {ratio} "
                         f"{r['peak_mb']:>8.1f} {r['wall']:>8.2f}   {r['cpu_all']}")
    for size, by in results.get("masters", {}).items():
        base = by.get("calamine", {}).get("cpu")
        for kind in MASTER_KINDS:
            if kind not in by:
                continue
            r = by[kind]
            ratio = f"{r['cpu'] / base:>10.2f}×" if base else f"{'':>11}"
            lines.append(f"{size + ' 项目':>6} {kind:<16} {r['cpu']:>8.2f} {'':>8} {ratio} "
                         f"{r['peak_mb']:>8.1f} {r['wall']:>8.2f}   {r['cpu_all']}")
    folders = results["folders"]
    known = [n for n in sizes if "consolidate" in folders.get(str(n), {})]
    if len(known) >= 2:
        lo, hi = known[-2], known[-1]
        lines.append("")
        for kind in ("consolidate", "consolidate-j1", "rerun", "check", "calamine"):
            if kind not in folders[str(lo)] or kind not in folders[str(hi)]:
                continue
            a, b = folders[str(lo)][kind], folders[str(hi)][kind]
            slope_cpu = (b["cpu"] - a["cpu"]) / (hi - lo)
            slope_mem = (b["peak_mb"] - a["peak_mb"]) / (hi - lo)
            cpu = b["cpu"] + slope_cpu * (100_000 - hi)
            mem = b["peak_mb"] + slope_mem * (100_000 - hi)
            lines.append(f"估计 N=100000 {kind:<16} CPU ≈ {cpu:,.0f} s，峰值 ≈ {mem:,.0f} MB"
                         f"（峰值 N={lo}→{hi}：{a['peak_mb']:.1f}→{b['peak_mb']:.1f} MB，"
                         f"{b['peak_mb'] / a['peak_mb']:.2f}×）")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="submissions (default 1000 and 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median)")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "xltools-bench"))
    parser.add_argument("--only", help="comma-separated kinds to measure")
    parser.add_argument("--masters", default=",".join(map(str, MASTER_SIZES)),
                        help="project counts of the masters measured ('' for none)")
    parser.add_argument("--read", nargs=2, metavar=("KIND", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.read:
        read_all(args.read[0], Path(args.read[1]))
        return 0
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    precompile()
    only = set(args.only.split(",")) if args.only else None
    sizes = args.n or [1000, 10000]
    results: dict = {"machine": machine(), "folders": {}, "masters": {}}
    for n in sizes:
        folder = submissions(workdir, n)
        by = results["folders"][str(n)] = {}
        for kind in FOLDER_KINDS:
            if only is None or kind in only:
                by[kind] = measure_folder(kind, folder, args.repeat)
                print(f"N={n} {kind}: CPU {by[kind]['cpu']:.2f} s, peak {by[kind]['peak_mb']:.1f} MB",
                      file=sys.stderr)
    for size in [int(s) for s in args.masters.split(",") if s]:
        subs = project_set(workdir, size)
        by = results["masters"][str(size)] = {}
        with tempfile.TemporaryDirectory(prefix="xltools-bench-") as scratch:
            for kind in MASTER_KINDS:
                if only is None or kind in only:
                    by[kind] = measure_master(kind, subs, args.repeat, Path(scratch))
                    print(f"{size} projects {kind}: CPU {by[kind]['cpu']:.2f} s", file=sys.stderr)
    (workdir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    print(report(results, sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
