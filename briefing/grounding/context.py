"""What surrounds a number and changes its meaning: scale words, percent signs, the
qualifiers that make it approximate or a bound (约, about, 以上, or more), measure words.
"""

from __future__ import annotations

import re
from decimal import Decimal

from briefing.grounding.quantity import Bound

# A number in digits, separators and decimals included, longer than this is no amount: the
# longest a text writes is about 1,000,000,000,000.00 (20 characters). A longer run of digits,
# commas and dots (an identifier, hostile input) is not read: the work per number is bounded.
MAX_NUMBER_CHARS = 40

ZH_SCALES: dict[str, Decimal] = {
    "万亿": Decimal("1e12"), "千亿": Decimal("1e11"), "百亿": Decimal("1e10"),
    "十亿": Decimal("1e9"), "千万": Decimal("1e7"), "百万": Decimal("1e6"),
    "十万": Decimal("1e5"), "亿": Decimal("1e8"), "万": Decimal("1e4"),
    "千": Decimal("1e3"), "百": Decimal("1e2"),
}  # fmt: skip
# m, k and b count only glued to a currency amount ($3.5b, €2m); see numbers.py.
EN_SCALES: dict[str, Decimal] = {
    "hundred": Decimal("1e2"), "thousand": Decimal("1e3"), "k": Decimal("1e3"),
    "million": Decimal("1e6"), "mn": Decimal("1e6"), "mln": Decimal("1e6"), "m": Decimal("1e6"),
    "billion": Decimal("1e9"), "bn": Decimal("1e9"), "b": Decimal("1e9"),
    "trillion": Decimal("1e12"), "tn": Decimal("1e12"), "trn": Decimal("1e12"),
}  # fmt: skip
EN_SCALE = re.compile(
    r"\s?-?\s?(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|mln|tn|trn)(?![A-Za-z])",
    re.I,
)
# Percentage points are their own unit: "rose 2 percentage points" is not "rose 2%".
POINTS = re.compile(
    r"\s?(?:percentage[- ]points?|pct\.? points?|points?|pp|个百分点|百分点)(?![A-Za-z])", re.I
)
PERCENT = re.compile(r"\s?(?:%|﹪|percent|per cent|pct|pc)(?![A-Za-z])", re.I)
_SUFFIX = re.compile(
    r"\s?(?P<word>左右|上下|以上|以下|以内|有余|之多|多|余|强|or more|or so|or less|or fewer"
    r"|and above|and over|and up|\+|-plus)"
)
# 多达, 高达 and "as many as" stress a number without bounding it: approximate, no bound.
# Longer phrases first where one contains another: 不超过 holds 超过, 不低于 holds 低于,
# "no more than" holds "more than". The search finds the leftmost, so the longer one wins.
_PREFIX = re.compile(
    r"(?:(?<![A-Za-z])(?P<en>about|approximately|approx\.|around|roughly|nearly|almost|some"
    r"|close to|an estimated|estimated|just over|just under|no more than|not more than"
    r"|no less than|not less than|no fewer than|not fewer than|no higher than|no lower than"
    r"|not exceeding|over|more than|above|exceeding|in excess of|upwards of|at least|at most"
    r"|up to|as many as|as much as|as high as|less than|fewer than|under|below)"
    r"|(?P<zh>约合|约为|大约|约|将近|接近|近乎|几乎|近|不超过|不高于|不多于|不低于|不少于|不止"
    r"|超过|超|逾|多达|高达|至少|不到|不足|最多|最高|高于|低于|少于|大概))"
    r"\s?$",
    re.I,
)
_MIN = {"just over", "no less than", "not less than", "no fewer than", "not fewer than",
        "no lower than", "over", "more than", "above", "exceeding", "in excess of",
        "upwards of", "at least", "超过", "超", "逾", "不低于", "不少于", "不止", "至少",
        "高于", "以上", "多", "余", "有余", "强", "or more", "and above", "and over", "and up",
        "+", "-plus"}  # fmt: skip
# 近, nearly and almost say the value is just under the number: a bound from above.
_MAX = {"just under", "no more than", "not more than", "no higher than", "not exceeding",
        "at most", "up to", "less than", "fewer than", "under", "below", "不超过", "不高于",
        "不多于", "不到", "不足", "最多", "最高", "低于", "少于", "以下", "以内", "or less",
        "or fewer", "nearly", "almost", "将近", "接近", "近乎", "几乎", "近"}  # fmt: skip
MEASURE_WORDS = "吨元人名家个项条件种类次轮倍台辆艘架座所位只头亩斤克米美欧英日港卢"


def qualifiers(before: str, text: str, pos: int, more: bool) -> tuple[Bound, bool, int]:
    """The bound and approximation the words around a number state: 约, about, 以上, or more."""
    words = []
    prefix = _PREFIX.search(before)
    if prefix:
        words.append((prefix.group("en") or prefix.group("zh")).lower())
    suffix = _SUFFIX.match(text, pos)
    if suffix:
        words.append(suffix.group("word").lower())
        pos = suffix.end()
    if more:
        words.append("多")
    bound: Bound = "min" if any(w in _MIN for w in words) else ""
    if not bound and any(w in _MAX for w in words):
        bound = "max"
    return bound, bool(words), pos


def measure(text: str, end: int) -> bool:
    """True when a measure word (吨, 元, 家, 个…) follows at `end`: what precedes it counts."""
    return bool(text[end : end + 1]) and text[end] in MEASURE_WORDS
