"""Mutation testing of the engine on a seeded sample (issue 14).

    .venv/bin/pip install -e '.[test,mutation]'
    .venv/bin/python scripts/mutation_sample.py                 # 60 mutants per module, seed 14
    .venv/bin/python scripts/mutation_sample.py --per-module 0  # every mutant (about two hours on 2 cores)
    .venv/bin/mutmut show <name>                                # what a surviving mutant changed

mutmut (configured in pyproject.toml, [tool.mutmut]) copies the code to
`mutants/`, makes every mutant of the engine modules, and runs the fast engine
tests against each.  This script first lets mutmut generate the mutants, then
draws the same sample for the same seed and code, runs only those, and prints the
share killed per module (a timeout counts as killed; "no tests" as survived).
Survivors are listed in mutants/survivors.txt.  Not part of .ci/run: too slow.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = [sys.executable, "-m", "mutmut"]
#: One mutant that always exists: running it makes mutmut generate all mutants
#: and collect which tests cover which function.
PRIMER = "xltools.core.values.x_format_number__mutmut_1"
KILLED = {1, 3, 36, -24, 24, 152, 255, -9, -11}
MODULES = ("xltools.core.values", "xltools.project.scoring", "xltools.project.checks",
           "xltools.project.reader", "xltools.department.rules",
           "xltools.profiles.department")


def meta_files() -> list[Path]:
    return sorted((ROOT / "mutants").rglob("*.py.meta"))


def exit_codes() -> dict[str, object]:
    codes: dict[str, object] = {}
    for path in meta_files():
        codes.update(json.loads(path.read_text(encoding="utf-8"))["exit_code_by_key"])
    return codes


def module_of(name: str) -> str:
    return name.split(".x_", 1)[0].split(".xǁ", 1)[0]


def run(names: list[str]) -> None:
    for start in range(0, len(names), 400):
        subprocess.run([*MUTMUT, "run", *names[start:start + 400]], cwd=ROOT, check=False,
                       stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--per-module", type=int, default=60, help="0: every mutant")
    args = parser.parse_args(argv)
    import importlib.util

    if importlib.util.find_spec("mutmut") is None:  # else every module reads 0 % killed
        print("mutmut is not installed: .venv/bin/pip install -e '.[test,mutation]'", file=sys.stderr)
        return 2

    run([PRIMER])
    by_module: dict[str, list[str]] = {}
    for name in exit_codes():
        by_module.setdefault(module_of(name), []).append(name)
    rng = random.Random(args.seed)
    sample: list[str] = []
    for module in MODULES:
        names = sorted(by_module.get(module, []))
        if args.per_module and len(names) > args.per_module:
            names = sorted(rng.sample(names, args.per_module))
        sample += names
    run(sample)

    codes = exit_codes()
    survivors = []
    print(f"{'module':28} {'mutants':>8} {'killed':>7} {'rate':>7}")
    for module in MODULES:
        names = [n for n in sample if module_of(n) == module]
        killed = sum(1 for n in names if codes.get(n) in KILLED)
        survivors += [n for n in names if codes.get(n) not in KILLED]
        rate = killed / len(names) if names else 0.0
        print(f"{module:28} {len(names):8d} {killed:7d} {rate:7.1%}")
    total = len(sample)
    killed = total - len(survivors)
    print(f"{'all':28} {total:8d} {killed:7d} {killed / max(total, 1):7.1%}")
    (ROOT / "mutants" / "survivors.txt").write_text("\n".join(survivors) + "\n", encoding="utf-8")
    print(f"survivors: mutants/survivors.txt ({len(survivors)}); `mutmut show NAME` shows one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
