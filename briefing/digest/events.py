"""Two near-identical texts, two events: the dates and figures of the sentences they share.

Official statements reuse their wording from one round to the next (两国元首…通话, 暂停加征…关税
90天): a text check alone merges the second statement into the first and the analyst loses an
event. A copy agrees on the event, so each sentence the shorter text shares with the longer one
is read with the grounding code's number extraction (dates, years, amounts, percents): where one
states a date, or a figure, that the other replaced with another of the same kind, the two texts
report different events. A figure one outlet leaves out, adds, or rounds is no conflict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from briefing.grounding.numbers import extract_quantities
from briefing.grounding.quantity import Quantity, agree

# Figure conflicts (not dates) in at least this share of the shared sentences that state a
# number make two events; a single date conflict always does (the date is the event).
FIGURES_DIFFER = 1 / 3
# A character that may start a quantity: digits of either width, Chinese numerals.
_NUMERAL = re.compile(r"[0-9０-９〇零一二两三四五六七八九十百千万亿]")
# What a sentence's quantities are written with: two sentences alike in these state the same.
_FIGURE_CHARS = re.compile(r"[0-9０-９.．%％〇零一二两三四五六七八九十百千万亿年月日号]+")


class Conflict(NamedTuple):
    """One shared sentence stating another date or figure: as each text writes it."""

    kind: str  # "date" (dates and years) or "figure" (amounts and percents)
    small: str
    large: str

    def __str__(self) -> str:
        return f"{self.kind} {self.small} vs {self.large}"


def states_a_number(sentence: str) -> bool:
    """Whether a sentence (as written) may state a quantity at all: cheap, before extraction."""
    return _NUMERAL.search(sentence) is not None


def _family(q: Quantity) -> str:
    return "date" if q.kind in ("date", "year") else "figure"


def conflict(small: str, large: str) -> Conflict | None:
    """A date or figure of one sentence replaced by another of the same kind in the other.

    Each side is matched against the other's broad extraction (bare days, small numerals), so
    30日 in a copy agrees with 10月30日, and 前4个月 with 前四个月.
    """
    if _FIGURE_CHARS.findall(small) == _FIGURE_CHARS.findall(large):
        return None  # the same figures in the same order: reworded around them, at most
    strict_s, strict_l = extract_quantities(small), extract_quantities(large)
    if not strict_s or not strict_l:
        return None
    broad_s, broad_l = extract_quantities(small, broad=True), extract_quantities(large, broad=True)
    lost = [q for q in strict_s if not any(agree(q, p) for p in broad_l)]
    new = [p for p in strict_l if not any(agree(p, q) for q in broad_s)]
    for q in lost:
        for p in new:
            if _family(q) == _family(p):
                return Conflict(_family(q), q.text, p.text)
    return None


def differ(pairs: Iterable[tuple[str, str]], numbered: Sequence[str]) -> Conflict | None:
    """The conflict that shows two events, if any: `pairs` are the shared sentences (shorter
    text's, longer text's) whose wording differs, out of the `numbered` shared sentences (as the
    shorter text writes them, those shared word for word included) that may state a number.

    The share of figure conflicts is taken over the sentences that do state a quantity: 一是,
    进一步 and 统一 have numerals and state none, and a long statement full of them hid the
    two figures its next filing changed (the bench's "next filings" at 100,000 articles).
    """
    figures: list[Conflict] = []
    for small, large in pairs:
        found = conflict(small, large)
        if found is None:
            continue
        if found.kind == "date":
            return found
        figures.append(found)
    if not figures:
        return None
    stated = sum(1 for sentence in numbered if extract_quantities(sentence))
    return figures[0] if len(figures) >= FIGURES_DIFFER * stated else None
