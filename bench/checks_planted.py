"""Recall and false alarms of the checks beyond numbers, on a labelled set of real articles.

Run from the repository root:  python bench/checks_planted.py [-v]

The correct briefs are the authored answers in examples/answers/ (written by hand, as a
careful analyst would; no model produced them) over the example articles, which are real
news (examples/weekly/, examples/*.txt|json). Each planted error is one copy of one brief
with one change made by a rule below, at one statement; it counts as caught when a finding of
its kind is reported at that statement. The false-alarm rate is the share of the correct
briefs' statements (claims, core viewpoints, titles) carrying any of the new kinds.

Caveat: the false-alarm side was looked at while the checks were written (the correct briefs
are the examples they must stay silent on), so it is an upper bound on how well they do on
text nobody here wrote, not a measure of it. The rules that plant errors were written after
the checks, from the categories of issue 11 §2, not from the checks' code.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from briefing.brief.answers import brief_from_answer
from briefing.grounding import check_brief
from briefing.ingest import read_source
from briefing.models import Article, Brief, BriefAnswer, BriefMeta, Claim

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
META = BriefMeta(model="authored", prompt="brief@1", generated_at="2025-01-01T00:00:00")
NEW = {
    "wrong-language", "direction-mismatch", "actor-mismatch", "negation-mismatch",
    "zh-copies-en", "repeated-claim", "repeated-title", "cut-off",
}  # fmt: skip

# Direction words and their opposites, as news writes them (both languages).
ZH_FLIP = {"增长": "下降", "下降": "增长", "增加": "减少", "减少": "增加", "扩大": "缩小",
           "提高": "降低", "降低": "提高", "上涨": "下跌", "下跌": "上涨", "下调": "上调",
           "上调": "下调", "缩小": "扩大"}  # fmt: skip
EN_FLIP = {"rose": "fell", "fell": "rose", "increase": "decrease", "increased": "decreased",
           "expand": "shrink", "expanding": "shrinking", "raise": "cut", "cut": "raise",
           "reduce": "increase", "reduced": "increased", "lower": "raise", "grew": "shrank",
           "up": "down", "down": "up"}  # fmt: skip
# A party swapped for one the example articles never name.
ACTOR_SWAP = [
    ("美方", "日方", "the US", "Japan"),
    ("美国", "日本", "US", "Japanese"),
    ("中方", "俄方", "China", "Russia"),
    ("中国", "俄罗斯", "China", "Russia"),
]


def briefs() -> list[Brief]:
    paths = sorted((EXAMPLES / "weekly").iterdir())
    paths += [EXAMPLES / "shoigu-rare-earths.txt", EXAMPLES / "rare-earth-regulation.json"]
    articles: dict[str, Article] = {a.id: a for p in paths for a in read_source(str(p))}
    out = []
    for path in sorted((EXAMPLES / "answers").glob("[0-9a-f]*.json")):
        answer = BriefAnswer.model_validate(json.loads(path.read_text(encoding="utf-8")))
        out.append(brief_from_answer(articles[path.stem], answer, META))
    return out


def claims(brief: Brief) -> Iterator[tuple[str, Claim]]:
    yield from brief.claims_with_paths()


Plant = Callable[[Brief], Iterator[tuple[str, str, Brief]]]  # (kind, where, broken copy)


def _copy(brief: Brief) -> Brief:
    return brief.model_copy(deep=True)


def _at(brief: Brief, where: str) -> Claim:
    return dict(brief.claims_with_paths())[where]


def direction(brief: Brief) -> Iterator[tuple[str, str, Brief]]:
    """Flip the first direction word of each side of one claim (both sides: vs the source;
    the Chinese only: vs the English)."""
    for where, claim in claims(brief):
        zh_word = next((w for w in ZH_FLIP if w in claim.zh), None)
        en_m = re.search(r"\b(" + "|".join(EN_FLIP) + r")\b", claim.en)
        if zh_word is None:
            continue
        broken = _copy(brief)
        c = _at(broken, where)
        c.zh = c.zh.replace(zh_word, ZH_FLIP[zh_word], 1)
        if en_m:
            both = _copy(broken)
            e = _at(both, where)
            e.en = e.en[: en_m.start()] + EN_FLIP[en_m.group(1)] + e.en[en_m.end() :]
            yield "direction-mismatch", where, both
        yield "direction-mismatch", where, broken


def negation(brief: Brief) -> Iterator[tuple[str, str, Brief]]:
    """Drop the first 不/未/没有 of the Chinese (and "not"/"never" of the English) in a claim."""
    for where, claim in claims(brief):
        m = re.search(r"(?<!来之)(没有|未|不)(?![断仅少同得易])", claim.zh)
        if not m:
            continue
        broken = _copy(brief)
        c = _at(broken, where)
        c.zh = c.zh[: m.start()] + c.zh[m.end() :]
        c.en = re.sub(r"\b(?:not|never) ", "", c.en, count=1)
        yield "negation-mismatch", where, broken


def actor(brief: Brief) -> Iterator[tuple[str, str, Brief]]:
    """Swap one party, in both languages, for one the article never names."""
    for where, claim in claims(brief):
        for zh, zh_new, en, en_new in ACTOR_SWAP:
            if zh in claim.zh and re.search(rf"\b{re.escape(en)}\b", claim.en):
                broken = _copy(brief)
                c = _at(broken, where)
                c.zh = c.zh.replace(zh, zh_new)
                c.en = re.sub(rf"\b{re.escape(en)}\b", en_new, c.en)
                yield "actor-mismatch", where, broken
                break


def language(brief: Brief) -> Iterator[tuple[str, str, Brief]]:
    """Code-switch: the Chinese's first four characters into the English; the English's
    last three words into the Chinese (on alternate claims)."""
    for i, (where, _) in enumerate(claims(brief)):
        broken = _copy(brief)
        c = _at(broken, where)
        words = c.en.rstrip(".").split()
        if i % 2:
            c.en = f"{words[0]} {c.zh[:4]} {' '.join(words[1:])}"
        else:
            c.zh = c.zh.rstrip("。") + " " + " ".join(words[-3:]).lower() + "。"
        yield "wrong-language", where, broken


def shape(brief: Brief) -> Iterator[tuple[str, str, Brief]]:
    """The Chinese copied from the English; a claim repeated; a group title repeated; a text
    run on and cut at the schema's limit."""
    paths = [w for w, _ in claims(brief)]
    broken = _copy(brief)
    _at(broken, paths[1]).zh = _at(broken, paths[1]).en
    yield "zh-copies-en", paths[1], broken
    broken = _copy(brief)
    broken.groups[-1].claims.append(broken.groups[0].claims[0].model_copy())
    yield (
        "repeated-claim",
        f"groups[{len(broken.groups) - 1}].claims[{len(broken.groups[-1].claims) - 1}]",
        broken,
    )  # noqa: E501
    broken = _copy(brief)
    broken.groups[1].title = broken.groups[0].title.model_copy()
    yield "repeated-title", "groups[1].title", broken
    broken = _copy(brief)
    c = _at(broken, paths[-1])
    c.en = ((c.en + " ") * 12)[:600]
    yield "cut-off", paths[-1], broken


def main() -> None:
    verbose = "-v" in sys.argv
    correct = briefs()
    statements = flagged = 0
    alarms: Counter[str] = Counter()
    for brief in correct:
        found = [f for f in check_brief(brief) if f.kind in NEW]
        where = {f.where for f in found}
        statements += len(brief.claims_with_paths()) + 1 + len(brief.groups)
        flagged += len(where)
        alarms.update(f.kind for f in found)
    planted: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    for brief in correct:
        for plant in (direction, negation, actor, language, shape):
            for kind, where, broken in plant(brief):
                planted[kind] += 1
                hit = any(f.kind == kind and f.where == where for f in check_brief(broken))
                caught[kind] += hit
                if verbose and not hit:
                    print(f"missed {kind} at {brief.article.id} {where}")
    print(f"correct briefs: {len(correct)}, statements and titles: {statements}")
    print(f"false alarms: {flagged} statements flagged ({flagged / statements:.1%}) {dict(alarms)}")
    print(f"planted errors: {sum(planted.values())}, caught {sum(caught.values())} "
          f"({sum(caught.values()) / sum(planted.values()):.1%})")  # fmt: skip
    for kind in sorted(planted):
        print(
            f"  {kind:20} {caught[kind]:3}/{planted[kind]:3} ({caught[kind] / planted[kind]:.0%})"
        )


if __name__ == "__main__":
    main()
