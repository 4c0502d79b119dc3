"""Writing files without ever losing a user's data: atomic replace, and a backup
of whatever was there before."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator


def backup(path: str | os.PathLike) -> Path | None:
    """Copy an existing file to `NAME.YYYYmmdd-HHMMSS.bak.EXT` beside it; return the
    copy's path, or None when there was nothing to back up.  The copy is read
    back and compared (SHA-256) before anyone relies on it: a short copy (disk
    full …) is removed and OSError raised, so the original is never replaced."""
    src = Path(path)
    if not src.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = src.with_name(f"{src.stem}.{stamp}.bak{src.suffix}")
    n = 1
    while dest.exists():
        dest = src.with_name(f"{src.stem}.{stamp}-{n}.bak{src.suffix}")
        n += 1
    shutil.copy2(src, dest)
    if _sha256(dest) != _sha256(src):
        dest.unlink(missing_ok=True)
        raise OSError(f"备份 {src} 到 {dest} 后核对不一致（磁盘已满？），原文件未改动")
    return dest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def atomic_write(path: str | os.PathLike, *, keep_backup: bool = True) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success back up any
    existing target and move the temporary file over it in one step."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if target.exists():
            mode = target.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp_path, mode)  # mkstemp makes 0600; give the file its normal mode
        if keep_backup:
            backup(target)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
