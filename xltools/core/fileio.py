"""Writing files without ever losing a user's data: atomic replace, and a
verified backup of whatever was there before.

This is the one place that backs a file up: `backup` copies it beside itself
and checks the copy (same size, same SHA-256 as the original) before anyone
relies on it; a copy that does not check out is removed and `BackupError`
(Chinese message) raised, so the original is never replaced without a good
backup.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .errors import XltoolsError


class BackupError(XltoolsError):
    """The backup of a file could not be made or did not match the original;
    the original was left as it was."""


def sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(path: str | os.PathLike) -> Path | None:
    """Copy an existing file to `NAME.YYYYmmdd-HHMMSS.bak.EXT` beside it and
    verify the copy; return its path, or None when there was nothing to back
    up.  Raises BackupError (the bad copy removed) when the copy fails or
    differs from the original."""
    src = Path(path)
    if not src.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = src.with_name(f"{src.stem}.{stamp}.bak{src.suffix}")
    n = 1
    while dest.exists():
        dest = src.with_name(f"{src.stem}.{stamp}-{n}.bak{src.suffix}")
        n += 1
    try:
        shutil.copy2(src, dest)
        good = (dest.stat().st_size == src.stat().st_size and sha256(dest) == sha256(src))
    except OSError as exc:
        _remove(dest)
        raise BackupError(f"无法备份 {src}（{exc.strerror or exc}）：原文件未改动。"
                          "请检查磁盘空间和文件夹权限后再试") from None
    if not good:
        _remove(dest)
        raise BackupError(f"备份 {src} 时复制出的文件与原文件不一致（可能磁盘已满或出错）：原文件未改动，"
                          "请检查磁盘后再试")
    return dest


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


@contextmanager
def atomic_write(path: str | os.PathLike, *, keep_backup: bool = True) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success back up any
    existing target (verified) and move the temporary file over it in one
    step.  When the backup fails the target is left untouched (BackupError)."""
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
