"""Counts as a message reads them: `1 story`, `2 stories`, never `story(s)`.

The one helper for every message briefing writes: the CLI's reports, the batch's progress
lines, Slack's errors.
"""

from __future__ import annotations


def count(n: int, word: str, plural: str | None = None) -> str:
    """`1 story`, `2 stories`, `0 answers`: a count as a message reads it."""
    if n == 1:
        return f"{n:,} {word}"
    if plural is None:
        plural = (
            word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
        )
    return f"{n:,} {plural}"
