"""Text normalisation shared by dedupe and stories: sentences and character n-grams."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

# The sentence ends in both widths (NFKC folds ！？； to ASCII), read on the text as written so a
# sentence keeps its own characters for the number extraction (NFKC turns ， into a comma).
_SENTENCE_END = re.compile(r"[。｡︒!?;！？；﹗﹖﹔︕︖︔\n]+")
# Punctuation and spaces whose NFKC form is punctuation or space too: removed before NFKC, which
# then has nothing left to do in most Chinese text (its own quick check says so), where it was
# the costliest step of reading 100,000 articles. (ASCII punctuation and spaces but the
# newline; general punctuation; CJK brackets and marks; fullwidth and halfwidth punctuation.)
_FOLDS_TO_PUNCTUATION = re.compile(
    r"[\t\x0b-\x0d -/:-@\[-`{-~\x85\xa0\u2000-\u206f\u3000-\u3004\u3008-\u3020\u3030"
    r"\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"
)
# \W is "not alphanumeric" in Unicode (str.isalnum), so this keeps letters and digits only.
_NOT_ALNUM = re.compile(r"[\W_]+")
_NOT_ALNUM_OR_NEWLINE = re.compile(r"[^\w\n]+|_+")


def _nfkc(text: str) -> str:
    """NFKC of the text with its punctuation removed (the only characters NFKC could join to a
    following combining mark, which no news text has)."""
    text = _FOLDS_TO_PUNCTUATION.sub("", text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """NFKC, lower-case, and keep only letters and digits (no punctuation, no whitespace)."""
    return _NOT_ALNUM.sub("", _nfkc(text).lower())


def ngrams(normalised: str, n: int) -> list[str]:
    """The character n-grams of an already normalised string, in order, repeats kept."""
    return [normalised[i : i + n] for i in range(len(normalised) - n + 1)]


def split_sentences(text: str) -> list[tuple[str, str]]:
    """Each sentence of a text as written and normalised, those empty once normalised left out."""
    raw = _SENTENCE_END.split(text)
    # The whole text normalised at once (a few C passes, not a few per sentence), its sentences
    # joined by newlines: NFKC never makes a newline, so the parts are the sentences.
    folded = _NOT_ALNUM_OR_NEWLINE.sub("", _nfkc("\n".join(raw)).lower()).split("\n")
    return [(r, f) for r, f in zip(raw, folded, strict=True) if f]


def sentences(text: str) -> list[str]:
    """The normalised sentences of a text, empty ones left out."""
    return [norm for _, norm in split_sentences(text)]


def gram_codes(
    strings: list[str], n: int, *, dense: bool = False
) -> tuple[np.ndarray, np.ndarray, int]:
    """Every character n-gram of the strings (n <= 3) as one integer, exact, with the index of
    the string it comes from, in reading order, and a bound all codes are below. No gram spans
    two strings.

    A code is the gram's characters as digits: of 21 bits (a code point), or with `dense` of
    base K, the K distinct characters numbered in code point order, so bigrams of a Chinese
    corpus (a few thousand characters) fit in a table.
    """
    (codes, owner), bound = grams_of_sizes(strings, (n,), dense=dense)[0]
    return codes, owner, bound


def grams_of_sizes(
    strings: list[str], sizes: tuple[int, ...], *, dense: bool = False
) -> list[tuple[tuple[np.ndarray, np.ndarray], int]]:
    """gram_codes for each size at once (sizes ascending), reading the strings once."""
    joined = "".join(strings)
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    base = 1 << 21
    if dense and len(points):
        present = np.zeros(int(points.max()) + 1, dtype=bool)
        present[points] = True
        rank = np.cumsum(present) - 1
        points, base = rank[points], int(rank[-1]) + 1
    digits = points.astype(np.uint64)
    lengths = np.fromiter((len(x) for x in strings), dtype=np.int64, count=len(strings))
    ends = np.cumsum(lengths)
    owner = np.repeat(np.arange(len(strings)), lengths)
    # A gram starting in the last n - 1 characters before a string's end runs past it (for a
    # string shorter than that, the positions before it belong to grams of the one before,
    # which run past too).
    valid = np.ones(len(digits) + 1, dtype=bool)
    codes = np.zeros(len(digits), dtype=np.uint64)
    out = []
    made = 0
    for n in sizes:
        for k in range(made, n):
            count = max(len(digits) - k, 0)
            codes = codes[:count] * np.uint64(base) + digits[k : k + count]
            if k:
                valid[ends[ends >= k] - k] = False
        made = n
        keep = np.flatnonzero(valid[: len(codes)])
        out.append(((codes[keep], owner[keep]), base**n))
    return out


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of a gram's code moves every bit of its hash."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = x ^ (x >> np.uint64(31))
    return mixed
