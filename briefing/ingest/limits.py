"""The input size limit: the most bytes one input may have before it is refused unread.

One input is a file, a fetched page, standard input, or one line of a `.jsonl` feed read by
`weekly`. The limit comes from `--max-bytes` (on `ingest`, `summarize`, `weekly`,
`estimate`), else `max_bytes` under `[input]` in the config file, else 20 MB, which is far
above any article. The commands resolve it once and pass it down to the readers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from briefing.errors import InputError

DEFAULT_MAX_BYTES = 20_000_000


class TooLargeError(InputError):
    """An input over the size limit."""


def resolve_max_bytes(flag: int | None, env: Mapping[str, str] = os.environ) -> int:
    """The limit: `--max-bytes`, else `[input] max_bytes` in the config file, else 20 MB."""
    if flag is not None:
        return flag
    from briefing.config import default_config_path, load_config_file

    config = load_config_file(default_config_path(env), must_exist=False)
    return config.input.max_bytes or DEFAULT_MAX_BYTES


def _round_up(size: int) -> int:
    """`size` rounded up to two significant digits, a limit to suggest: 25,341,002 -> 26,000,000."""
    if size < 100:
        return size
    step = 10 ** (len(str(size)) - 2)
    return math.ceil(size / step) * step


def too_big(what: str, max_bytes: int, size: int | None = None) -> TooLargeError:
    """The error for an input over the limit; it names both ways to raise the limit."""
    if size is None:
        message = f"{what} is larger than the {max_bytes:,}-byte input size limit."
        suggested = max_bytes * 2
    else:
        message = f"{what} is {size:,} bytes, over the {max_bytes:,}-byte input size limit."
        suggested = _round_up(size)
    return TooLargeError(
        message,
        f"If it really is one article, raise the limit with --max-bytes {suggested} or with "
        f"`max_bytes = {suggested}` under [input] in the config file; otherwise give a "
        "smaller input.",
    )
