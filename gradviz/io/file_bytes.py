"""Reading a file a user names: a regular file only, of a bounded size, decoded as UTF-8 or refused by name.

Every reader of user files goes through here (the command line, the window's Open, crash recovery), so
none of them can be made to read /dev/zero until memory runs out, or to wait forever on a named pipe
nobody writes to. The file is inspected with ``stat`` before it is opened, opened without blocking, and
checked again through the open descriptor (the name may have been swapped in between).
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from gradviz.io.errors import GraphFileError

MAX_BYTES = 256 * 2**20  # 256 MB: ~20 million numbers, far past any graph a person steps through

# Byte-order marks, longest first (UTF-32-LE's starts with UTF-16-LE's).
_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check(path: str | Path, info: os.stat_result) -> None:
    kind = _kind(info.st_mode)
    if kind is not None:
        raise GraphFileError(path, f"cannot read it: it is {kind}, not a file")
    if info.st_size > MAX_BYTES:
        raise GraphFileError(
            path,
            f"the file is {info.st_size / 2**20:,.0f} MB; gradviz reads graph files of up to {MAX_BYTES // 2**20} MB",
        )


def read_bytes(path: str | Path) -> bytes:
    """The bytes of the regular file at ``path``; GraphFileError (one line) for anything else."""
    try:
        _check(path, os.stat(path))
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise GraphFileError(path, f"cannot read the file: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        _check(path, info)  # the same checks on what was opened
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(info.st_size + 1)
            while len(data) <= MAX_BYTES and (more := stream.read(2**20)):  # it grew since (or is in /proc)
                data += more
    except OSError as error:
        raise GraphFileError(path, f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_BYTES:
        raise GraphFileError(path, f"the file is larger than {MAX_BYTES // 2**20} MB, the most gradviz reads")
    return data


def utf8(data: bytes, path: str | Path | None) -> bytes:
    """``data`` as UTF-8 bytes without a byte-order mark; GraphFileError naming any other encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]  # Windows' Notepad writes one; it is still UTF-8
    encoding = _wide_encoding(data)
    if encoding is not None:
        raise GraphFileError(path, f"the file is {encoding}; save it as UTF-8")
    return data


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 by their byte-order mark, or by the zero bytes around JSON's first ASCII character."""
    for mark, name in _MARKS:
        if data.startswith(mark):
            return name
    head = data[:4]
    if len(head) == 4 and head[1:] == b"\0\0\0" and head[0]:
        return "UTF-32"
    if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
        return "UTF-32"
    if len(head) >= 2 and head[0] and not head[1]:
        return "UTF-16"
    if len(head) >= 2 and not head[0] and head[1]:
        return "UTF-16"
    return None


def read_text(path: str | Path) -> str:
    """The UTF-8 text of the file at ``path`` (a byte-order mark dropped); GraphFileError otherwise."""
    try:
        return utf8(read_bytes(path), path).decode("utf-8")
    except UnicodeDecodeError:
        raise GraphFileError(path, "cannot read the file: it is not UTF-8 text") from None
