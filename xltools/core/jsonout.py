"""The one way xltools writes JSON: strict (no NaN or Infinity, which other
programs refuse), Chinese kept readable, and always encodable — a lone
surrogate read from a damaged cell becomes U+FFFD instead of stopping the write."""
from __future__ import annotations

import json
import math
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps_json(doc: Any, **kw: Any) -> str:
    """`json.dumps` for every JSON xltools writes: a non-finite number that
    slipped through becomes null rather than invalid JSON."""
    kw.setdefault("ensure_ascii", False)
    try:
        text = json.dumps(doc, allow_nan=False, **kw)
    except ValueError:
        text = json.dumps(_finite(doc), allow_nan=False, **kw)
    return _SURROGATE.sub("\ufffd", text)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def no_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its texts replaced by U+FFFD (for
    records that go on to places other than JSON: a ledger, a workbook)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {k: no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [no_surrogates(v) for v in value]
    return value
