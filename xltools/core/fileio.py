"""Writing files without ever losing a user's data: atomic replace, and a
verified backup of whatever was there before.

This is the one place that backs a file up: `backup` copies it beside itself
and checks the copy (same size, same SHA-256 as the original) before anyone
relies on it; a copy that does not check out is removed and `BackupError`
(Chinese message) raised, so the original is never replaced without a good
backup.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .errors import OutputError, XltoolsError


class BackupError(XltoolsError):
    """The backup of a file could not be made or did not match the original;
    the original was left as it was."""


def resolved(path: str | os.PathLike) -> Path:
    """`path` made absolute with its links followed, as far as they go: a link
    that points at itself (a loop) or at nothing stays as written, made absolute,
    instead of raising (pathlib raises RuntimeError on a loop before Python 3.13)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def special_file_reason(path: str | os.PathLike) -> str:
    """Why `path` cannot be read as a file, in Chinese, or "" when it can: a link
    in a loop or to nothing, a pipe, socket or device (reading a pipe would
    wait forever)."""
    p = Path(path)
    try:
        special = is_special(p)
    except RuntimeError:
        return "快捷方式（符号链接）循环指向自身，未读取"
    except OSError as exc:
        if p.is_symlink():
            if exc.errno == errno.ELOOP:
                return "快捷方式（符号链接）循环指向自身，未读取"
            return "快捷方式指向的文件不存在，未读取"
        return ""  # a missing file: the reader names it
    return "不是普通文件（管道、设备等），未读取" if special else ""


def is_special(path: Path) -> bool:
    """True for something that exists but is neither a regular file nor a
    folder (a pipe, socket or device); raises as `Path.stat` does."""
    import stat

    mode = path.stat().st_mode
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(path: str | os.PathLike) -> Path | None:
    """Copy an existing file to `NAME.YYYYmmdd-HHMMSS.bak.EXT` beside it and
    verify the copy; return its path, or None when there was nothing to back up.

    The copy is made under a temporary name and compared with the original
    (size and SHA-256) before it gets the backup's name: a disk that fills up
    half way leaves no truncated file that looks like a good backup.  A failed
    copy or one that differs raises BackupError (Chinese, saying why — a full
    disk, no permission …); either way the original is left as it was."""
    src = Path(path)
    if not src.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = src.with_name(f"{src.stem}.{stamp}.bak{src.suffix}")
    n = 1
    while dest.exists():
        dest = src.with_name(f"{src.stem}.{stamp}-{n}.bak{src.suffix}")
        n += 1
    part = dest.with_name(f".{dest.name}.part")
    try:
        shutil.copy2(src, part)
        if part.stat().st_size != src.stat().st_size or sha256(part) != sha256(src):
            raise BackupError(f"备份 {src} 时复制出的文件与原文件不一致（可能磁盘已满或出错）：原文件未改动，"
                              "请检查磁盘后再试")
        os.replace(part, dest)
    except OSError as exc:
        raise BackupError(f"无法备份 {src}，原文件未改动：{describe_write_error(exc, dest)}") from exc
    finally:
        _remove(part)
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
    try:
        refuse_special(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise OutputError(describe_write_error(exc, target)) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
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
        except OSError as exc:
            raise OutputError(describe_write_error(exc, target)) from exc
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


_ADVICE_ACCESS = "请换一个有写入权限的文件夹（例如“文档”），或请管理员开放权限"
_ADVICE_SPACE = "请删除不需要的文件、腾出空间后再运行；原有文件未改动"
_ADVICE_LOCKED = "请先在 Excel 或 WPS 中关闭它，再运行"
#: What a failed write says, by errno name: (reason, what to do).  Names a
#: platform lacks are skipped.
_WRITE_TEXT = {
    "EACCES": ("没有写入权限", _ADVICE_ACCESS),
    "EPERM": ("没有写入权限", _ADVICE_ACCESS),
    "EROFS": ("所在的磁盘或文件夹是只读的",
              "请换一个可写的文件夹（U 盘请关闭写保护，光盘、只读网络盘不能写入）"),
    "ENOSPC": ("磁盘空间已满", _ADVICE_SPACE),
    "EDQUOT": ("磁盘配额已用完", _ADVICE_SPACE),
    "ENAMETOOLONG": ("文件名太长", "请用短一些的文件名（或浅一些的文件夹）"),
    "EISDIR": ("这是一个文件夹，不是文件", "请写出文件名，例如 文件夹/整体支出汇总.xlsx"),
    "ENOTDIR": ("路径中有一段不是文件夹", "请检查路径"),
    "ENODEV": ("这不是普通文件（设备、管道等）", "请写出一个普通文件名，例如 整体支出汇总.xlsx"),
    "ENOENT": ("文件夹不存在或不能在其中建立文件", "请换一个存在、可写的文件夹"),
    "EBUSY": ("文件正被其他程序占用", _ADVICE_LOCKED),
    "ETXTBSY": ("文件正被其他程序占用", _ADVICE_LOCKED),
}
_WRITE_REASONS = {getattr(errno, name): text for name, text in _WRITE_TEXT.items()
                  if hasattr(errno, name)}
#: Windows: the file is open in another program (sharing / lock violation).
_WINDOWS_LOCKED = (32, 33)


def describe_write_error(exc: OSError, path: str | os.PathLike) -> str:
    """A Chinese sentence for a failed write: the path, what went wrong, what to
    do.  "正被其他程序占用" only for a file another program really holds open."""
    winerror = getattr(exc, "winerror", None)
    code = exc.errno
    if winerror in _WINDOWS_LOCKED:
        code = errno.EBUSY
    reason, advice = _WRITE_REASONS.get(
        code, (f"写入失败（{exc.strerror or exc}）", "请检查磁盘和文件夹后再运行"))
    return f"无法写入 {path}：{reason}。{advice}。"


#: Characters a temporary file or a backup adds to a name (see atomic_write, backup).
_NAME_ROOM = 32


def check_writable(path: str | os.PathLike) -> None:
    """Raise OSError (with an errno `describe_write_error` explains) unless a
    file could be written, backed up and replaced at `path`: not a folder, a
    name short enough for its temporary and backup names, a folder we may
    create files in (tried with a real temporary file, then removed)."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(target))
    refuse_special(target)
    limit = _name_max(target.parent)
    if len(os.fsencode(target.name)) + _NAME_ROOM > limit:
        raise OSError(errno.ENAMETOOLONG, "file name too long", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".xltools-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)


def refuse_special(target: Path) -> None:
    """Raise OSError(ENODEV) when `target` exists and is not a regular file or a
    folder (a device such as /dev/full, a pipe): it would be "backed up" by
    reading it for ever, then replaced by a file."""
    try:
        special = is_special(target)
    except (OSError, RuntimeError):
        return
    if special:
        raise OSError(errno.ENODEV, "not a regular file", str(target))


def _name_max(folder: Path) -> int:
    """Longest file name (bytes) the folder's file system takes."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return os.pathconf(probe, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        return 255
