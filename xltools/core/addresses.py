"""A1 addresses: the one place that converts between (row, col) and "H5"."""
from __future__ import annotations

import re
from functools import lru_cache

_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_letter(col: int) -> str:
    """1 → "A", 27 → "AA"."""
    if col < 1:
        raise ValueError(f"column must be ≥ 1, got {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: str) -> int:
    """"A" → 1, "AA" → 27."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


@lru_cache(maxsize=16384)
def to_a1(row: int, col: int, absolute: bool = False) -> str:
    """(5, 8) → "H5"; absolute → "$H$5"."""
    if row < 1:
        raise ValueError(f"row must be ≥ 1, got {row}")
    if absolute:
        return f"${col_letter(col)}${row}"
    return f"{col_letter(col)}{row}"


def from_a1(ref: str) -> tuple[int, int]:
    """"H5" → (5, 8)."""
    match = _A1.match(ref.strip())
    if not match:
        raise ValueError(f"not an A1 address: {ref!r}")
    return int(match.group(2)), col_number(match.group(1))
