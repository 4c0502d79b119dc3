"""The one text path into cells, and how much room a text needs.

Every string any writer puts into a workbook goes through `cell_text` first:

- Word's and WPS's control characters are made readable instead of breaking
  the file: U+000B (Word's manual line break) and U+000C (page break) become
  line breaks, `\\r\\n` and `\\r` become `\\n`, U+0007 (Word's cell mark), U+0000
  and the other C0/C1 controls are dropped, lone surrogates become U+FFFD;
- a literal `_x000B_` typed by a clerk stays those seven characters (the xlsx
  writer escapes it), it is never decoded into a control character.

`needs_quote_prefix` says when a text would look like a formula to Excel or
WPS once a clerk edits the cell (`=`, `+`, `-`, `@`, also after leading spaces or
a tab): such cells are written as strings *and* get the quotePrefix style, so
the clerk's `=HYPERLINK(…)` stays text forever.  Only formulas xltools composes
itself are written as formulas (`xlsx.sheet.Sheet.formula`).

`terminal_text` is the same care for what the commands print: clerk text
reaches the terminal readable, never as raw control characters.

`display_width` is the one rule for how wide a text is (a CJK character — East
Asian Wide or Fullwidth — counts 2 columns, everything else 1), `text_lines`
how many lines a wrapped text needs in a column, `row_height` the points those
lines take.  Every writer plans its row heights with these.
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any, Optional

#: Points per line of 10-point 宋体, as Excel, WPS and LibreOffice lay it out.
LINE_HEIGHT = 13.5
#: Excel's limit for a row height, in points.
MAX_ROW_HEIGHT = 409.0
#: Excel's limit for the characters of one cell.
MAX_CELL_CHARS = 32767

_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@")


def cell_text(text: str) -> str:
    """`text` as a cell can hold and show it (see the module docstring).
    A text longer than a cell holds is cut, with "…" at the end."""
    if text.isprintable() and len(text) <= MAX_CELL_CHARS:
        return text  # no line break, control character or surrogate in it
    return _clean(text)


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    text = _SURROGATES.sub("\ufffd", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


_WORD_BREAKS = re.compile(r"[\x0b\x0c\x85\u2028\u2029]")


def terminal_text(text: str) -> str:
    """`text` as a terminal can show it: Word's line and page breaks as line
    breaks, other control characters (a bell, a NUL, an escape sequence that
    would move the cursor or recolour the screen) dropped, lone surrogates as
    U+FFFD; tabs, line breaks and the carriage return of a progress bar kept."""
    if text.isprintable():
        return text
    text = _WORD_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def needs_quote_prefix(text: str) -> bool:
    """True when Excel would take the text for a formula once edited."""
    return text.lstrip(" \t\u3000").startswith(_FORMULA_START)


def display_width(text: str) -> int:
    """Columns a one-line text takes: a CJK character 2, anything else 1."""
    if text.isascii():
        return len(text)
    # the wide characters dropped by str.translate: counted in C, not one call each
    return 2 * len(text) - len(text.translate(_NARROW))


def _is_wide(ch: str) -> bool:
    """A character two columns wide (East Asian Wide or Fullwidth)."""
    return ch >= "\u1100" and unicodedata.east_asian_width(ch) in "WF"


class _Narrow(dict):
    """str.translate table keeping the narrow characters and dropping the wide
    ones; each character is looked up once (the output measures thousands of
    messages)."""

    def __missing__(self, code: int) -> Optional[int]:
        if len(self) >= 65536:  # memory stays bounded whatever the texts hold
            self.clear()
        kept = None if _is_wide(chr(code)) else code
        self[code] = kept
        return kept


_NARROW = _Narrow()


def text_lines(value: Any, width: float) -> int:
    """Lines `value` needs when wrapped in a column `width` characters wide
    (its own line breaks kept).  Numbers and empty cells take one line."""
    if value is None or not isinstance(value, str):
        return 1
    usable = max(width - 1.0, 2.0)
    size = len(value)
    if 2 * size <= usable:
        return value.count("\n") + 1  # each line fits even if all wide: nothing to measure
    if "\n" not in value:
        if value.isascii():
            return max(1, math.ceil(size / usable))
        # at most this wide: a wide character (from U+1100 on) takes 3 or 4 bytes in UTF-8
        if size + (len(value.encode("utf-8", "surrogatepass")) - size) // 2 <= usable:
            return 1
        return max(1, math.ceil(display_width(value) / usable))
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in value.split("\n"))


def row_height(lines: int, minimum: float = 0.0, padding: float = 6.0) -> float:
    """Points a row of `lines` wrapped lines needs (at least `minimum`)."""
    return min(MAX_ROW_HEIGHT, max(minimum, LINE_HEIGHT * max(1, lines) + padding))
