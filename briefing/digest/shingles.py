"""Text normalisation shared by dedupe and stories: sentences and character n-grams."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

# The sentence ends in both widths (NFKC folds ！？； to ASCII), read on the text as written so a
# sentence keeps its own characters for the number extraction (NFKC turns ， into a comma).
_SENTENCE_END = re.compile(r"[。｡︒!?;！？；﹗﹖﹔︕︖︔\n]+")
# The same ends once NFKC has folded them (｡ and ︒ become 。, the others ASCII).
_FOLDED_END = re.compile(r"[。!?;\n]+")
# Not a letter, a digit or a sentence end: removed from a folded text in one pass.
_NOT_ALNUM_OR_END = re.compile(r"[^\w。!?;\n]+|_+")
# \W is "not alphanumeric" in Unicode (str.isalnum), so this keeps letters and digits only.
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """NFKC, lower-case, and keep only letters and digits (no punctuation, no whitespace)."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).lower())


def ngrams(normalised: str, n: int) -> list[str]:
    """The character n-grams of an already normalised string, in order, repeats kept."""
    return [normalised[i : i + n] for i in range(len(normalised) - n + 1)]


def split_sentences(text: str) -> list[tuple[str, str]]:
    """Each sentence of a text as written and normalised, those empty once normalised left out."""
    raw = _SENTENCE_END.split(text)
    # Folding the whole text at once is three C passes instead of three per sentence; when NFKC
    # made or removed a sentence end (it never does in news text), sentence by sentence.
    folded = _FOLDED_END.split(
        _NOT_ALNUM_OR_END.sub("", unicodedata.normalize("NFKC", text).lower())
    )
    if len(folded) != len(raw):
        folded = [normalise(part) for part in raw]
    return [(r, f) for r, f in zip(raw, folded, strict=True) if f]


def sentences(text: str) -> list[str]:
    """The normalised sentences of a text, empty ones left out."""
    return [norm for _, norm in split_sentences(text)]


def gram_codes(strings: list[str], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every character n-gram of the strings (n <= 3) as one integer, exact (21 bits a code
    point), with the index of the string it comes from and its position over all the strings'
    grams, in reading order. No gram spans two strings."""
    joined = "".join(strings)
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(x) for x in strings), dtype=np.int64, count=len(strings))
    starts = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(len(strings)), lengths)
    count = max(len(points) - n + 1, 0)
    codes = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        codes = (codes << np.uint64(21)) | points[k : k + count]
    # A gram starts where the rest of its string still holds n characters.
    offset = np.arange(count) - starts[owner[:count]]
    keep = np.flatnonzero(offset <= lengths[owner[:count]] - n)
    return codes[keep], owner[keep], keep
