"""Negation: a claim that denies what its other language, or the paragraph it cites, affirms
(不/未/没有/无 against not/no/never/without), or the reverse.

A negation is "definite" when it is one of 不/未/没有/无 or not/no/never/without standing
alone; a text "may negate" when it holds any word that can carry a negation without being
one of them: 不利, 无视, 拒绝, unfair, fails, refuses, opposes, and the verbs of banning and
stopping (禁止, 停止, ban, bar, halt, outlaw), whose translations vary too much to pair
up. The check flags a negation on one side only when the other side has no definite
negation and nothing that may negate; against a cited paragraph, only
through the clauses sharing most of the claim clause's wording. Bounds (不超过, 不低于, "no
more than") are numbers, left to the number checks. Anything else stays silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefing.grounding.clauses import clauses, matching, tokens

MIN_WORDS = 6  # "Test answer: a claim." is too short to be judged

# 不 in words that are no negation (不断 continuously, 不仅 not only, 不少 many, 不同
# different) or whose English carries the negation in the word (不利 unfavourable,
# 不确定 uncertain): those count as "may negate", not as definite.
_ZH_DROP = re.compile(
    r"不超过|不低于|不少于|不高于|不多于|不到|不足"  # bounds, left to the number checks
    # idioms that negate nothing: hard-won, must, unswerving, spare no effort, inevitable…
    r"|来之不易|不得不|坚定不移|毫不动摇|不折不扣|不遗余力|不约而同|层出不穷|不可避免|密不可分"
    r"|义不容辞|不可或缺|持续不断|不断|无论|无疑|无人机|毫无疑问"
    r"|不等|不一"  # 15%至25%不等: "ranging from", not a negation
)
_ZH_DEFINITE = re.compile(
    r"不(?![仅少同过论管久但止妨愧禁料时利公平合理确定稳定良满当法])"
    r"|未(?![来成知])|没有|没(?!收)|无(?![论疑人线锡视数限形偿缝比])|勿|并非|绝非"
)
# 非 may negate (非法, 并非), but 非常 is "very".
_ZH_MAY = re.compile(r"[不未没无禁停否拒免缺勿莫止]|非(?!常)|取消|暂停|反对|失败|难以")
_EN_DROP = re.compile(
    r"(?<![A-Za-z])(?:(?:no|not)\s+(?:more|less|fewer)\s+than|not only|no doubt"
    r"|nothing but|no matter|no later than|not least"
    # "may not be mass-produced until next year" is a time (才能量产), not a denial
    r"|not(?:\s+[a-z-]+){0,4}\s+until)(?![A-Za-z])",  # bounds and phrases that negate nothing
    re.I,
)
_EN_DEFINITE = re.compile(
    r"(?<![A-Za-z])(?:not|never|no(?![.\w-]\s*\d)|none|nor|neither|without|cannot|nobody|nothing)"
    r"(?![A-Za-z])|n't(?![A-Za-z])",
    re.I,
)
_EN_MAY = re.compile(
    r"(?<![A-Za-z])(?:un|non|dis|ir|il|in(?=appropriate|sufficient|valid|complete|adequate"
    r"|ability|stability|evitabl|dispensabl|correct|direct))[a-z-]{3,}"
    r"|(?<![A-Za-z])(?:fail\w*|lack\w*|refus\w*|reject\w*|den(?:y|ies|ied)|oppos\w*|against"
    r"|suspend\w*|cancel\w*|end(?:s|ed)?|free|exempt\w*|only|impossible|illegal|instead"
    r"|rather|avoid\w*|unless|hardly|little|few|bar|bars|barred|barring|prevent\w*"
    r"|bans?|banned|banning|prohibit\w*|forbid\w*|outlaw\w*|halt\w*|stop|stops|stopped"
    r"|stopping|cease\w*)(?![A-Za-z])",
    re.I,
)
_BLANK = re.compile(
    f"{_ZH_DROP.pattern}|{_ZH_DEFINITE.pattern}|{_EN_DROP.pattern}|{_EN_DEFINITE.pattern}", re.I
)


def definite(text: str) -> list[str]:
    """The definite negations of `text` (不, 未, not, never, ban…), bounds left out."""
    text = _EN_DROP.sub(" ", _ZH_DROP.sub(" ", text))
    found = [m.group() for m in _ZH_DEFINITE.finditer(text)]
    return found + [m.group() for m in _EN_DEFINITE.finditer(text)]


def may_negate(text: str) -> bool:
    """True when `text` holds a negation or anything that can carry one."""
    return bool(definite(text) or _ZH_MAY.search(text) or _EN_MAY.search(text))


def bilingual(en: str, zh: str) -> str | None:
    """The detail when one language negates and the other plainly does not. A statement too
    short to carry its own subject (under MIN_WORDS English content words) is not judged."""
    if len(tokens(en)) < MIN_WORDS:
        return None
    en_neg, zh_neg = definite(en), definite(zh)
    if en_neg and not may_negate(zh):
        return f"the English says {_words(en_neg)}, the Chinese has no negation"
    if zh_neg and not may_negate(en):
        return f"the Chinese says {_words(zh_neg)}, the English has no negation"
    return None


def against_source(text: str, side: str, cited: Iterable[tuple[str, str]]) -> list[str]:
    """Details for each clause of `text` (the claim in the article's language) that negates
    what the matching cited clauses affirm, or affirms what they all negate."""
    cited = list(cited)
    details = []
    for clause in clauses(text):
        found = matching(clause.text, cited, _BLANK)
        if not found:
            continue
        own = definite(clause.text)
        # The source clause must speak of what the negation is about: it shares the words
        # just before the negation (its subject), when those are content words.
        before = tokens(_before_negation(clause.text))
        found = [f for f in found if not before or before & tokens(f[1])] if own else found
        if own and found and not any(may_negate(sentence) for _, _, sentence in found):
            label = found[0][0]
            details.append(
                f"the {side} says {_words(own)}, the cited {label} says it without a negation"
            )
        elif not may_negate(clause.text) and all(definite(c) for _, c, _ in found):
            label, source_clause, _ = found[0]
            details.append(
                f"the cited {label} says {_words(definite(source_clause))}, "
                f"the {side} says it without the negation"
            )
    return details


def _before_negation(text: str) -> str:
    """The few characters (Chinese) or words (English) before the first definite negation."""
    masked = _EN_DROP.sub(lambda m: " " * len(m.group()), text)
    masked = _ZH_DROP.sub(lambda m: " " * len(m.group()), masked)
    m = _ZH_DEFINITE.search(masked) or _EN_DEFINITE.search(masked)
    if m is None:
        return ""
    head = text[: m.start()]
    return (
        head[-4:] if re.search(r"[\u4e00-\u9fff]$", head.rstrip()) else " ".join(head.split()[-3:])
    )


def _words(words: list[str]) -> str:
    return "/".join(dict.fromkeys(w.lower() for w in words[:3]))
