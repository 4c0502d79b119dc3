"""Where an unforeseen failure goes: a log file with the whole traceback, so
the clerk sees one Chinese line (the terminal's last door in `cli.main`, the
buttons' `excel.buttons._guarded`) and the maintainer gets the details.

Logs go to `XLTOOLS_LOG_DIR` when set, else `%LOCALAPPDATA%\\xltools\\logs` on
Windows (never beside the master: it may sit in a synced folder), else
`$XDG_CACHE_HOME/xltools/logs` (~/.cache), else the temporary folder.
"""
from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path
from typing import Optional


def log_dir(environ=os.environ) -> Path:
    if environ.get("XLTOOLS_LOG_DIR"):
        return Path(environ["XLTOOLS_LOG_DIR"])
    if sys.platform.startswith("win") and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "xltools" / "logs"
    cache = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "xltools" / "logs"


def write_crash_log(exc: BaseException, context: str) -> Optional[Path]:
    """Write `exc` with its traceback and what was running; the log's path,
    or None when no folder could take it (the caller still says something)."""
    from ..distribution import version

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "\n".join([
        f"时间：{datetime.now().isoformat(timespec='seconds')}",
        f"操作：{context}",
        f"xltools {version()}；Python {sys.version.split()[0]}（{sys.executable}）；{platform.platform()}",
        "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ])
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"xltools-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8", errors="replace")
            return path
        except OSError:
            continue
    return None
