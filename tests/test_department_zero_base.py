"""Zero bases in the department rules (hunan-dept): nothing last year, no quota, no
budget.  The rule's answer is data (`ratio(num, den, when_zero)` in the profile),
and the Python scorer and the Excel formula in the master agree — no #DIV/0!."""
from __future__ import annotations

import formulas
import pytest

from xltools.department import udfs
from xltools.profiles.expr import evaluate
from xltools.department.formulas import value_formula
from xltools.profiles import load_profile

PROFILE = load_profile("hunan-dept", kind="department")

# line                          inputs (in the function's argument order)   score
ZERO_BASES = [
    ("three_public_change_rate",  (0, 0),           5),    # nothing either year
    ("three_public_change_rate",  (5, 0),           0),    # from nothing to 5
    ("three_public_control_rate", (0, 0),           6),
    ("three_public_control_rate", (3, 0),           0),    # spent with no budget
    ("staff_control_rate",        (0, 0),           5),
    ("procurement_rate",          (0, 0),           3),    # nothing to procure
    ("official_card_rate",        (0, 0),           3),
    ("fixed_asset_use_rate",      (0, 0),           3),
    # the seeds' own figures still score as before
    ("three_public_change_rate",  (11.26, 13.42),   5),    # seed 001: −16.1 %
    ("staff_control_rate",        (33, 18),         0),    # seed 002's slip
    ("staff_control_rate",        (42, 43),         5),    # seed 001
]


@pytest.mark.parametrize("key,inputs,score", ZERO_BASES)
def test_zero_bases_score_by_the_rule(key, inputs, score):
    assert udfs.line_score(key, *inputs) == pytest.approx(score)


@pytest.mark.parametrize("key,inputs,score", ZERO_BASES)
def test_excel_formula_gives_the_same_value(key, inputs, score):
    line = PROFILE.line(key)
    names = sorted(n for n in _inputs(line.formula))
    refs = {name: f"B{i + 1}" for i, name in enumerate(names)}
    text = value_formula(line, refs)
    assert "#DIV/0!" not in text
    env = dict(zip(_argument_names(key), inputs))
    env = {name: env.get(name, 0.0) for name in names}
    expected = evaluate(line.formula, env)
    compiled = formulas.Parser().ast(text)[1].compile()
    by_ref = {f"B{i + 1}": env[name] for i, name in enumerate(names)}
    got = compiled(*[by_ref[i.split("!")[-1].replace("$", "")] for i in compiled.inputs])
    assert float(got) == pytest.approx(float(expected))


def _inputs(formula: str) -> set[str]:
    from xltools.profiles.expr import names

    return names(formula)


def _argument_names(key: str) -> tuple[str, ...]:
    """The profile input keys the line's function takes, in order."""
    return next(fn.args for fn in udfs.line_functions() if fn.line.key == key)
