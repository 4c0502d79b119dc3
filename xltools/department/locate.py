"""Finding department-table fields by what their labels say, not where they sit.

Labels arrive as `   1、公务用车购置和维护经费`, `其中：公车购置`, `财政供养人员\\n控制率`,
`“三公经费”\\n变动率`, `政府性基金拨款：`, or with the value inside the label cell
(`其中：基本支出：958.07`).  `label_key` folds all of that; `find` scans a grid;
`value_near` takes the figure to the right of a label, or below it when the label
heads a column.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator, Optional

from ..core.addresses import to_a1
from ..core.model import Value, Where
from ..core.values import Parsed, normalize_text, parse

_NUMBERING = re.compile(
    r"^(?:[（(]?[0-9一二三四五六七八九十]+[)）、.．]|[0-9]+[、.．]|[①②③④⑤⑥⑦⑧⑨⑩])+"
)
_UNIT_PAREN = re.compile(r"[（(](?:万元|元|人|㎡|m2|平方米|%|个|\d+分)[)）]")
_QUOTES = "“”\"'‘’「」"


def label_key(value: Any) -> str:
    """`   1、公务用车购置和维护经费` → `公务用车购置和维护经费`; `其中：公车购置` →
    `公车购置`; `“三公经费”\\n变动率` → `三公经费变动率`; `政府性基金拨款：` →
    `政府性基金拨款`; `财政供养人员情况（人）` → `财政供养人员情况`."""
    text = normalize_text(value)
    if not text:
        return ""
    for ch in _QUOTES:
        text = text.replace(ch, "")
    text = _UNIT_PAREN.sub("", text)
    text = text.rstrip(":：")
    while True:
        before = text
        text = _NUMBERING.sub("", text)
        if text.startswith("其中") and len(text) > 2:
            text = text[2:].lstrip(":：")
        if text == before:
            break
    return text


def split_inline(value: Any) -> tuple[str, str]:
    """`其中：基本支出：958.07` → (`基本支出`, `958.07`); `项目支出：` → (`项目支出`, ``).
    Text with no colon → (its label key, ``)."""
    text = normalize_text(value)
    match = re.match(r"^(.*?)[:：]([^:：]*)$", text)
    if not match:
        return label_key(text), ""
    tail = match.group(2)
    if not tail:
        return label_key(match.group(1)), ""
    if is_figure(parse(tail, money=True)) or parse(tail).problem:
        return label_key(match.group(1)), tail
    return label_key(text), ""  # `其中：基本支出` — the colon belongs to the label


#: Units a figure may carry; anything longer (`2022年实际在职人数`) is a label.
FIGURE_UNITS = ("", "万元", "%", "人", "个", "项", "件", "次", "㎡", "平方米", "家", "户")


def is_figure(parsed: Parsed) -> bool:
    """A number as a figure, not a label that starts with digits."""
    return parsed.is_number and parsed.unit in FIGURE_UNITS


class Cells:
    """A grid (xltools.containers.workbook.Grid or anything with name/max_row/max_col/get)
    with the file name, so every value it hands out knows its cell."""

    def __init__(self, grid: Any, file: str = ""):
        self.grid = grid
        self.file = file
        self.name = grid.name

    @property
    def max_row(self) -> int:
        return self.grid.max_row

    @property
    def max_col(self) -> int:
        return self.grid.max_col

    def get(self, row: int, col: int) -> Any:
        return self.grid.get(row, col)

    def where(self, row: int, col: int) -> Where:
        return Where(self.file, self.name, to_a1(row, col))

    def value(self, row: int, col: int, *, money: bool = False, rate: bool = False) -> Value:
        raw = self.get(row, col)
        parsed = parse(raw, money=money, rate=rate)
        if rate and parsed.is_number and not parsed.percent and self._is_percent(row, col):
            parsed = Parsed(text=parsed.text, kind="number", number=parsed.number, unit="%",
                            percent=True, decimals=(parsed.decimals or 0))
        is_formula = bool(getattr(self.grid, "is_formula", lambda r, c: False)(row, col))
        return Value(raw, parsed, self.where(row, col), is_formula=is_formula)

    def _is_percent(self, row: int, col: int) -> bool:
        return (row, col) in getattr(self.grid, "percent_cells", set())

    def cells(self, rows: Optional[Iterable[int]] = None) -> Iterator[tuple[int, int, Any]]:
        for row in rows if rows is not None else range(1, self.max_row + 1):
            for col in range(1, self.max_col + 1):
                value = self.get(row, col)
                if value is not None and value != "":
                    yield row, col, value

    def _labels(self) -> list[tuple[int, int, str]]:
        """(row, col, label key) of every text cell, worked out once per sheet."""
        cache = getattr(self, "_label_cache", None)
        if cache is None:
            cache = [(row, col, label_key(value)) for row, col, value in self.cells()
                     if isinstance(value, str)]
            cache = [item for item in cache if item[2]]
            self._label_cache = cache
        return cache

    def find(self, *labels: str, contains: bool = False,
             rows: Optional[Iterable[int]] = None) -> list[tuple[int, int]]:
        """Cells whose label key equals (or, with contains, holds) one of `labels`."""
        keys = [label_key(label) for label in labels]
        wanted = None if rows is None else set(rows)
        found = []
        for row, col, key in self._labels():
            if wanted is not None and row not in wanted:
                continue
            if any((k in key) if contains else (k == key) for k in keys):
                found.append((row, col))
        return found

    def find_first(self, *labels: str, contains: bool = False,
                   rows: Optional[Iterable[int]] = None) -> Optional[tuple[int, int]]:
        found = self.find(*labels, contains=contains, rows=rows)
        return found[0] if found else None

    def is_text(self, row: int, col: int) -> bool:
        value = self.get(row, col)
        return isinstance(value, str) and not parse(value).is_number and not parse(value).empty

    def value_near(self, row: int, col: int, *, money: bool = False, rate: bool = False,
                   text: bool = False) -> Optional[Value]:
        """The figure belonging to the label at (row, col): the cell to its right
        when that holds a figure (or, with text, any text), else the cell below."""
        right = self.value(row, col + 1, money=money, rate=rate)
        if is_figure(right.parsed) or (text and not right.empty):
            return right
        below = self.value(row + 1, col, money=money, rate=rate)
        if is_figure(below.parsed) or (below.empty and below.raw not in (None, "")):
            return below
        if text and not below.empty:
            return below
        if right.empty and below.empty:
            return None
        if right.parsed.problem and not self._is_label_like(row, col + 1):
            return right
        if below.parsed.problem:
            return below
        return None

    def _is_label_like(self, row: int, col: int) -> bool:
        value = self.get(row, col)
        return isinstance(value, str) and not is_figure(parse(value)) and len(label_key(value)) >= 2
