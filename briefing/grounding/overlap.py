"""Whether a statement's Chinese is drawn from the paragraphs it cites.

The prompt asks for the Chinese to be written from the source text, so a faithful statement
shares most of its character pairs with what it cites: 66% and more for every statement of
the example answers. A statement with a real citation and no number, which the number checks
cannot judge, is an invention or a wrong citation when it shares almost none (an injected
"this port is the world's busiest" cited to a paragraph about tariffs: 0%).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MIN_PAIRS = 6  # a shorter statement (a name, a date) is not judged
MIN_SHARE = 0.2  # below this share of its pairs in the cited text, it is flagged


def pairs(text: str) -> set[str]:
    """The Chinese character pairs in `text` (within runs of Han characters)."""
    return {run[i : i + 2] for run in _HAN.findall(text) for i in range(len(run) - 1)}


def shared(statement: str, cited: Iterable[str]) -> float | None:
    """The share of the statement's pairs found in the cited texts; None when too short."""
    own = pairs(statement)
    if len(own) < MIN_PAIRS:
        return None
    pool: set[str] = set()
    for text in cited:
        pool |= pairs(text)
    return len(own & pool) / len(own)


def unsupported(statement: str, cited: list[str]) -> str | None:
    """The detail of a finding when the statement shares too little with `cited`, else None."""
    share = shared(statement, cited)
    if share is None or not cited or share >= MIN_SHARE:
        return None
    return (
        f"the Chinese shares {share:.0%} of its wording with what it cites; "
        "check that those paragraphs say it, or cite the ones that do"
    )
