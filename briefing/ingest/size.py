"""The input size limit: the most bytes one input may have before it is refused unread.

One input is a file, a fetched page, standard input, or one line of a `.jsonl` feed read by
`weekly`. The limit comes from `--max-bytes` (on `ingest`, `summarize`, `weekly`,
`estimate`), else `max_bytes` under `[input]` in the config file, else 20 MB, which is far
above any article. The commands resolve it once and pass it down to the readers.

`read_file` is the one reader of a file by its path: for ingest, and for the brief and
digest files that `check` and `slack post` load. It never blocks and never reads without
end: a FIFO (which would wait for a writer), a device such as /dev/zero (which never ends),
a directory or a socket is refused, and no more than the limit is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from briefing.errors import InputError

DEFAULT_MAX_BYTES = 20_000_000
_CHUNK = 1 << 20  # bytes read at a time: a small file never costs a buffer of the limit's size
# Opened non-blocking: should a FIFO be swapped in after the check, open() still returns.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
# What a path may be instead of a regular file, as the errors name it.
_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class TooLargeError(InputError):
    """An input over the size limit."""


def resolve_max_bytes(flag: int | None, env: Mapping[str, str] = os.environ) -> int:
    """The limit: `--max-bytes`, else `[input] max_bytes` in the config file, else 20 MB."""
    if flag is not None:
        return flag
    from briefing.settings import default_config_path, load_config_file

    config = load_config_file(default_config_path(env), must_exist=False)
    return config.input.max_bytes or DEFAULT_MAX_BYTES


def _round_up(size: int) -> int:
    """`size` rounded up to two significant digits, a limit to suggest: 25,341,002 -> 26,000,000."""
    if size < 100:
        return size
    step: int = 10 ** (len(str(size)) - 2)
    return -(-size // step) * step  # ceiling division, in integers


def too_big(
    what: str, max_bytes: int, size: int | None = None, *, option: str | None = "--max-bytes"
) -> TooLargeError:
    """The error for an input over the limit; it names the ways to raise the limit: the
    command's `option`, if it has one, and the config file."""
    if size is None:
        message = f"{what} is larger than the {max_bytes:,}-byte input size limit."
        suggested = max_bytes * 2
    else:
        message = f"{what} is {size:,} bytes, over the {max_bytes:,}-byte input size limit."
        suggested = _round_up(size)
    config = f"`max_bytes = {suggested}` under [input] in the config file"
    if option is None:
        hint = f"If it is the file you meant, raise the limit with {config}"
    else:
        hint = f"If it really is one article, raise the limit with {option} {suggested} or with "
        hint += config
    return TooLargeError(message, f"{hint}; otherwise give a smaller input.")


def read_file(
    path: Path,
    max_bytes: int,
    *,
    fix: str,
    name: str | None = None,
    option: str | None = "--max-bytes",
) -> bytes:
    """The bytes of the regular file at `path`; InputError if it is missing, not a regular
    file, unreadable, or over `max_bytes` (TooLargeError, naming `option` to raise it).

    What is not a regular file is refused before it is opened, and again after (the file is
    opened non-blocking, in case a FIFO was swapped in meanwhile). At most `max_bytes` + 1
    bytes are read, so a file that grew since it was measured is refused too. `fix` is the
    hint for a path that is missing or not a regular file; `name` is the path as the user
    gave it.
    """
    name = name or str(path)
    try:
        _must_be_regular(name, os.stat(path).st_mode, fix)
        with open(os.open(path, _OPEN_FLAGS), "rb") as file:
            info = os.fstat(file.fileno())
            _must_be_regular(name, info.st_mode, fix)
            if info.st_size > max_bytes:
                raise too_big(name, max_bytes, info.st_size, option=option)
            data = _read_at_most(file, max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{name} does not exist.", fix) from None
    except OSError as err:
        raise InputError(
            f"{name} could not be read: {err.strerror or err}.", "Check the file's permissions."
        ) from None
    if len(data) > max_bytes:
        raise too_big(name, max_bytes, option=option)
    return data


def _must_be_regular(name: str, mode: int, fix: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError(f"{name} is a directory, not a file.", fix)
    kind = next((kind for test, kind in _NOT_REGULAR if test(mode)), "a special file")
    raise InputError(f"{name} is {kind}, not a regular file.", fix)


def _read_at_most(file: BinaryIO, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit and (chunk := file.read(min(_CHUNK, limit - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
