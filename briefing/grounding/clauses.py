"""Clauses and their wording, shared by the checks that compare what a claim says with what
the paragraph it cites says about the same thing (direction, negation).

A clause is a stretch of text between commas, full stops, semicolons and the like. Its
wording is a set of tokens: character pairs within runs of Han characters for Chinese, lower
case words (without the most common function words) for English. A claim's clause and a
source clause "speak of the same thing" when they share most of that wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+(?:\.\d+)?")
_SPLIT = re.compile(r"[，,。；;：:！!？?\n、]|(?<=[A-Za-z)])\.(?=\s|$)|\s[-–—]\s")
_STOP = frozenset(
    "a an the of to in on and or for by with at from as is are was were be been it its that "
    "this these those which who will would has have had said says say also than their they "
    "he she his her we our us".split()
)
MIN_SHARED = 3  # fewer shared tokens than this and two clauses are not compared
MIN_SHARE = 0.5  # nor when they share under this share of the claim clause's tokens


@dataclass(frozen=True)
class Clause:
    """One clause of a text and its position in that text."""

    text: str
    start: int


def clauses(text: str) -> list[Clause]:
    """The clauses of `text`, in order, blank ones dropped."""
    out, start = [], 0
    for m in _SPLIT.finditer(text):
        if text[start : m.start()].strip():
            out.append(Clause(text[start : m.start()], start))
        start = m.end()
    if text[start:].strip():
        out.append(Clause(text[start:], start))
    return out


def tokens(text: str) -> set[str]:
    """The wording of `text`: Han character pairs (single characters of a one-character run)
    and English content words, lower case."""
    out = {run[i : i + 2] for run in _HAN.findall(text) for i in range(max(1, len(run) - 1))}
    out |= {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP}
    return out


def sentence_of(text: str, clause: Clause) -> str:
    """The sentence of `text` holding `clause` (a clause may drop what its sentence says
    around it: 权利，而不是少数国家的专利)."""
    start = max(text.rfind(c, 0, clause.start) for c in "。！？!?；;\n") + 1
    ends = [i for i in (text.find(c, clause.start) for c in "。！？!?；;\n") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def matching(
    claim_clause: str, source: Iterable[tuple[str, str]], blank: re.Pattern[str]
) -> list[tuple[str, str, str]]:
    """The clauses of the source texts that speak of what `claim_clause` speaks of: those
    sharing enough of its wording, each with the label of its text ("paragraph 3") and
    the sentence around it.
    `source` is (label, text) pairs. `blank` marks the words the
    caller compares (direction or negation words): they are left out of the wording, so a
    flipped word does not by itself make two clauses differ."""
    own = tokens(blank.sub("", claim_clause))
    if not own:
        return []
    found = []
    for label, text in source:
        for clause in clauses(text):
            shared = len(own & tokens(blank.sub("", clause.text)))
            if shared >= MIN_SHARED and shared >= MIN_SHARE * len(own):
                found.append((label, clause.text, sentence_of(text, clause)))
    return found
