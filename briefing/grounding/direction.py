"""Direction: a claim that says a quantity rose where its other language, or the paragraph it
cites, says it fell (增长/上升/提高 ↔ 下降/减少/降低, rose/increased ↔ fell/cut), or the reverse.

The check decides only when it can: each side of the claim must use words of one direction
only (a text saying 出口增长、进口下降 is about two things), a direction word under a negation
(未下降, "did not fall") is no direction, and a cited paragraph is compared only through its
clauses that share most of the claim clause's wording (the same quantity, the same subject)
and state a direction. Anything else stays silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefing.grounding.clauses import clauses, matching

_ZH = {
    "up": "增长 增加 增至 增幅 上升 上涨 上调 升至 回升 攀升 提高 提升 扩大 走高 涨幅 涨至",
    "down": "下降 下跌 下滑 下调 下行 降低 降至 降幅 减少 减至 减半 缩小 收窄 萎缩 回落 跌至 "
    "跌幅 走低",
}
_EN = {
    "up": "rose rise rises rising risen increase increased increases increasing grew grow "
    "grows growing grown growth raised raise raises raising climbed climb climbs jumped "
    "surged surge soared gained expanded expand expands expanding expansion higher hike hiked "
    "hikes boosted",
    "down": "fell fall falls falling fallen drop dropped drops dropping declined decline "
    "declines declining decrease decreased decreases cut cuts cutting reduce reduced reduces "
    "reducing reduction lowered lower lowers slid shrank shrink shrinking shrunk narrowed "
    "plunged slumped dipped",
}
_ZH_WORDS = {w: d for d, words in _ZH.items() for w in words.split()}
_EN_WORDS = {w: d for d, words in _EN.items() for w in words.split()}
_WORD = re.compile(
    "|".join(sorted(_ZH_WORDS, key=len, reverse=True))
    + r"|(?<![A-Za-z-])(?:"
    + "|".join(sorted(_EN_WORDS, key=len, reverse=True))
    + r"|(?P<updown>up|down)(?=\s+(?:by\s+)?(?:about\s+)?\d))(?![A-Za-z-])",
    re.I,
)
# A direction word right after a negation states no direction: 未下降, 不再增长, "did not rise".
_NEGATED_ZH = re.compile(r"(?:未|没有|没|无|不(?![断仅少同过论管])|不再)[\u4e00-\u9fff]{0,4}$")
_NEGATED_EN = re.compile(r"(?<![A-Za-z])(?:not|never|no|n't|without)\s+(?:[a-z]+\s+)?$", re.I)
_OPPOSITE = {"up": "down", "down": "up"}


@dataclass(frozen=True)
class Said:
    """The one direction a text states, and the words that state it."""

    direction: str
    words: tuple[str, ...]


def _hits(text: str) -> list[tuple[str, str]]:
    """(direction, word) for every direction word of `text` that is not negated."""
    out = []
    for m in _WORD.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        if _NEGATED_ZH.search(before) or _NEGATED_EN.search(before):
            continue
        word = m.group()
        updown = m.group("updown")
        direction = updown.lower() if updown else _ZH_WORDS.get(word, _EN_WORDS.get(word.lower()))
        if direction:
            out.append((direction, word))
    return out


def said(text: str) -> Said | None:
    """The direction `text` states, when it states exactly one; else None."""
    hits = _hits(text)
    directions = {d for d, _ in hits}
    if len(directions) != 1:
        return None
    return Said(directions.pop(), tuple(dict.fromkeys(w for _, w in hits)))


def bilingual(en: str, zh: str) -> str | None:
    """The detail when the English states one direction and the Chinese the other."""
    en_said, zh_said = said(en), said(zh)
    if en_said is None or zh_said is None or en_said.direction == zh_said.direction:
        return None
    return (
        f"the English says {_words(en_said)} ({en_said.direction}), "
        f"the Chinese says {_words(zh_said)} ({zh_said.direction}): one of them has the "
        "direction wrong"
    )


def against_source(text: str, side: str, cited: Iterable[tuple[str, str]]) -> list[str]:
    """Details for each clause of `text` (the claim in the article's language, `side` naming
    it) whose direction is the opposite of what every matching cited clause says."""
    cited = list(cited)
    details = []
    for clause in clauses(text):
        own = said(clause.text)
        if own is None:
            continue
        stated: dict[str, list[tuple[str, Said]]] = {}
        for label, source_clause, _ in matching(clause.text, cited, _WORD):
            other = said(source_clause)
            if other is not None:
                stated.setdefault(other.direction, []).append((label, other))
        if set(stated) != {_OPPOSITE[own.direction]}:
            continue
        label, other = stated[_OPPOSITE[own.direction]][0]
        details.append(
            f"the {side} says {_words(own)} ({own.direction}), the cited {label} says "
            f"{_words(other)} ({other.direction}) about the same thing"
        )
    return details


def _words(s: Said) -> str:
    return "/".join(s.words[:3])
