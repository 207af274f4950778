"""Saving a file so that a crash, a kill or a full disk never leaves it half-written.

The text goes to a temporary file beside the target (same folder, so the rename cannot cross file
systems), is flushed and fsynced, and is renamed over the target in one step: a reader sees the old file
or the new one, never a mix. Three things a plain ``os.replace`` gets wrong are handled here:

- a symbolic link is followed: the file it points to is replaced and the link stays a link;
- a read-only target is refused with a message, never silently replaced (a rename ignores the file's
  own permissions, only the folder's count);
- temporary files are named ``.NAME.gradviz-tmp-PID-RANDOM``, so the ones a killed gradviz left behind
  are known by name and owner, and each save removes those of processes no longer running.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

TEMP_MARK = ".gradviz-tmp-"


class SaveError(OSError):
    """A save refused or failed; the message says why in a user's words (the caller names the file), and
    the old file is intact."""


def temp_name(target: Path, pid: int | None = None) -> Path:
    """A fresh temporary path beside ``target``: ``.NAME.gradviz-tmp-PID-RANDOM``."""
    return target.with_name(f".{target.name}{TEMP_MARK}{os.getpid() if pid is None else pid}-{secrets.token_hex(4)}")


def resolve_target(path: str | Path) -> Path:
    """The file a save to ``path`` must write: a symlink's final target (made absolute), else ``path``."""
    return Path(os.path.realpath(path))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete temporary files of saves to ``target`` whose process is gone (killed mid-save); only files
    this user owns. Returns what was removed."""
    removed: list[Path] = []
    prefix = f".{target.name}{TEMP_MARK}"
    try:
        candidates = [entry for entry in os.scandir(target.parent) if entry.name.startswith(prefix)]
    except OSError:
        return removed
    for entry in candidates:
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not pid_text.isdigit() or not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            continue
        if int(pid_text) == os.getpid() or _pid_alive(int(pid_text)):
            continue  # a save in progress, here or in another running gradviz
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _check_writable(target: Path) -> int | None:
    """The permission bits to give the new file (the old file's), or None for a new file. SaveError if
    the target is read-only or not a regular file."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise SaveError("it is not a regular file")
    # st_mode, not only os.access: root may write anything, yet a file marked read-only means "keep"
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise SaveError("the file is read-only (save under another name, or make it writable first)")
    return stat.S_IMODE(info.st_mode)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | Path, text: str) -> Path:
    """Replace the file at ``path`` (through any symlink) with ``text`` in UTF-8, atomically.

    Returns the path written. Raises SaveError (an OSError) if the target is read-only or anything
    fails; the old file is then untouched and the temporary file removed.
    """
    target = resolve_target(path)
    mode = _check_writable(target)
    remove_stale_temps(target)
    temporary = temp_name(target)
    data = text.encode("utf-8")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as error:
        raise SaveError(error.strerror or str(error)) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), _default_mode() if mode is None else mode)
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise SaveError(error.strerror or str(error)) from None
        raise
    _fsync_directory(target.parent)
    return target


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
