"""Text normalisation shared by dedupe and stories: sentences, character n-grams, numbers."""

from __future__ import annotations

import re
import unicodedata

# Full-width 。！？； become ASCII under NFKC, so both forms end a sentence here.
_SENTENCE_END = re.compile(r"[。!?;\n]+")
# \W is "not alphanumeric" in Unicode (str.isalnum), so this keeps letters and digits only.
_NOT_ALNUM = re.compile(r"[\W_]+")
# A comma only groups thousands when exactly three digits follow: "2009，2010" (NFKC "2009,2010")
# is two numbers, "4,347" is one.
_NUMBER = re.compile(r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?")


def normalise(text: str) -> str:
    """NFKC, lower-case, and keep only letters and digits (no punctuation, no whitespace)."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).lower())


def ngrams(normalised: str, n: int) -> list[str]:
    """The character n-grams of an already normalised string, in order, repeats kept."""
    return [normalised[i : i + n] for i in range(len(normalised) - n + 1)]


def sentences(text: str) -> list[str]:
    """The normalised sentences of a text, empty ones left out."""
    parts = (normalise(part) for part in _SENTENCE_END.split(unicodedata.normalize("NFKC", text)))
    return [part for part in parts if part]


def numbers(text: str) -> set[str]:
    """The distinct numbers written in digits (full-width included), thousands commas dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return {match.replace(",", "") for match in _NUMBER.findall(folded)}
