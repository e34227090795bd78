"""Numbers written as words: Chinese numeral runs (七千亿, 三点五, 三轮), 百分之/分之
fractions and "a third", multiples (翻番, doubled), and English number words (three,
twenty-five) that only a source offers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from briefing.grounding.chinese import (
    BIG_UNITS,
    DIGIT_CHARS,
    DIGITS,
    NUMERAL_CHARS,
    SMALL_UNITS,
    parse_chinese_numeral,
)
from briefing.grounding.context import (
    EN_SCALE,
    EN_SCALES,
    MAX_NUMBER_CHARS,
    PERCENT,
    POINTS,
    measure,
    qualifiers,
)
from briefing.grounding.dates import Hit
from briefing.grounding.quantity import Kind, Quantity, coarse_precision

_EN_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "twice": 2,
}  # fmt: skip

_ZH_RUN = re.compile(rf"[{NUMERAL_CHARS}](?:[{NUMERAL_CHARS}]|点(?=[{DIGIT_CHARS}]))*")
# The lookbehinds start a match only where a run of numerals or digits starts: from inside
# a run it could only end where the match from the run's start ends, and trying every start
# of a 100 kB run of digits is quadratic (a minute per 100 kB).
_FRACTION = re.compile(
    rf"(?P<den>(?<![{NUMERAL_CHARS}])[{NUMERAL_CHARS}]+|(?<!\d)\d+)"
    rf"分之(?P<num>[{NUMERAL_CHARS}点]+|\d+(?:\.\d+)?)"
)
_EN_WORD = re.compile(
    r"(?<![A-Za-z-])(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?P<unit>one|two"
    r"|three|four|five|six|seven|eight|nine)(?![A-Za-z])|(?<![A-Za-z-])(?P<word>"
    + "|".join(sorted(_EN_WORDS, key=len, reverse=True))
    + r")(?![A-Za-z])",
    re.I,
)


# a third, one-third, two thirds, a quarter of, a tenth: "a quarter" stated as an amount only
# before "of" (a quarter of US steel), where it cannot be a quarter of the year.
_EN_PARTS: dict[str, int] = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
    "fifths": 5, "sixth": 6, "eighth": 8, "tenth": 10, "tenths": 10,
}  # fmt: skip
_EN_NUMERATORS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "nine": 9}
_EN_FRACTION = re.compile(
    r"(?<![A-Za-z-])(?P<num>a|an|one|two|three|four|nine)[- ](?P<den>"
    + "|".join(sorted(_EN_PARTS, key=len, reverse=True))
    + r")(?![A-Za-z])(?P<of>\s+of\b)?",
    re.I,
)
# Multiples said as words: 翻番 and "doubled" are two times, 翻两番 four.
_MULTIPLE = re.compile(
    r"(?P<zh>翻了?一番|翻了?两番|翻了?三番|翻番|翻了?一?倍|倍增|加倍)"
    r"|(?:增长|增加|提高|扩大|上涨)了?(?P<once>一倍)"
    r"|(?<![A-Za-z-])(?P<en>doubled|doubling|tripled|tripling|trebled|quadrupled)"
    r"(?![A-Za-z])(?! down)",
    re.I,
)
_MULTIPLES = {"doubled": 2, "doubling": 2, "tripled": 3, "tripling": 3, "trebled": 3,
              "quadrupled": 4}  # fmt: skip
# 一半 and 半数 are a half; only a source offers them (half an hour is no share).
_HALF = re.compile(r"一半|半数|(?<![A-Za-z-])half(?![A-Za-z-])", re.I)


def fractions(text: str) -> Iterator[Hit]:
    """百分之四点八 is 4.8%, 千分之三 0.3%, 三分之一 and "a third" a third (33.3…%)."""
    for m in _FRACTION.finditer(text):
        den, num = _numeral(m.group("den")), _numeral(m.group("num"))
        if den is None or num is None or not 0 < num <= den or den > 1000:
            yield Hit(m.start(), m.end(), None)
            continue
        value = num * 100 / den
        before = text[max(0, m.start() - 8) : m.start()]
        bound, approx, end = qualifiers(before, text, m.end(), False)
        # A third is no whole percent: the slack of an approximation lets 33% back it.
        exact = den in (Decimal(100), Decimal(1000))
        q = Quantity(value, "percent", m.group(), approx or not exact, Decimal(1), bound)
        yield Hit(m.start(), end, q)
    for m in _EN_FRACTION.finditer(text):
        top, parts = _EN_NUMERATORS[m.group("num").lower()], _EN_PARTS[m.group("den").lower()]
        if top >= parts:
            continue
        value = Decimal(top) * 100 / Decimal(parts)
        before = text[max(0, m.start() - 16) : m.start()]
        bound, _, end = qualifiers(before, text, m.end("den"), False)
        q = Quantity(value, "percent", text[m.start() : m.end("den")], True, Decimal(1), bound)
        strict = parts != 2 and (parts != 4 or bool(m.group("of")))
        yield Hit(m.start(), end, q, strict)
    for m in _HALF.finditer(text):
        q = Quantity(Decimal(50), "percent", m.group(), True)
        yield Hit(m.start(), m.end(), q, strict=False)


def multiples(text: str) -> Iterator[Hit]:
    """翻番, 翻一番, 增长一倍 and "doubled" are two times; 翻两番 and "quadrupled" four."""
    for m in _MULTIPLE.finditer(text):
        if m.group("en"):
            value = _MULTIPLES[m.group("en").lower()]
        elif m.group("once"):
            value = 2
        else:
            value = {"两": 4, "三": 8}.get(m.group("zh")[-2:-1], 2)
        start = m.start("once") if m.group("once") else m.start()
        before = text[max(0, start - 8) : start]
        bound, approx, end = qualifiers(before, text, m.end(), False)
        q = Quantity(Decimal(value), "amount", text[start : m.end()], approx, Decimal(1), bound)
        # English words are never held to (a number word never raises an alarm); 翻番 is.
        yield Hit(start, end, q, strict=bool(m.group("zh")))


def _numeral(s: str) -> Decimal | None:
    if not s[:1].isdigit():
        return parse_chinese_numeral(s)
    return Decimal(s) if len(s) <= MAX_NUMBER_CHARS else None


def chinese_numerals(text: str) -> Iterator[Hit]:
    """Runs of Chinese numerals; strict only when plainly a quantity (see `strict` below)."""
    for m in _ZH_RUN.finditer(text):
        run, end = m.group(), m.end()
        if run.endswith("千") and re.match("[克米瓦卡]", text[end : end + 1]):  # 五千克: 5 kg
            run, end = run[:-1], end - 1
        value = parse_chinese_numeral(run) if run else None
        if value is None:
            continue
        before = text[max(0, m.start() - 8) : m.start()]
        ordinal = before.endswith("第")
        vague = before.endswith(("数", "几", "上", "成"))  # 数十亿, 上百万: "billions", not 10^9
        pct = POINTS.match(text, end) or PERCENT.match(text, end)
        kind: Kind = "amount"
        if pct:
            kind = "points" if POINTS.match(text, end) else "percent"
        end = pct.end() if pct else end
        scale = _run_scale(run)
        if not pct and text[end : end + 1] == "成" and value < 10:  # 三成 is 30%
            kind, value, end, scale = "percent", value * 10, end + 1, Decimal(10)
        bound, approx, end = qualifiers(before, text, end, False)
        has_digit = any(c in DIGITS for c in run)
        # Plainly a quantity: 七千亿, 三点五, 四十%, 十二个; never 三国, 二十大, 十一假期.
        counted = value >= 10 and any(c in SMALL_UNITS for c in run) and measure(text, end)
        strict = not (ordinal or vague) and (
            (any(c in BIG_UNITS for c in run) and (has_digit or run[0] in "十拾"))
            or "点" in run
            or (kind in ("percent", "points") and has_digit)
            or counted
        )
        q = Quantity(value, kind, run, approx, coarse_precision(value), bound)
        yield Hit(m.start(), end, q, strict, scale)


def _run_scale(run: str) -> Decimal:
    scale = Decimal(1)
    for c in reversed(run):
        if c not in BIG_UNITS:
            break
        scale *= BIG_UNITS[c]
    return scale


def english_words(text: str) -> Iterator[Hit]:
    """three, twenty-five, five billion: never strict, only there to be found."""
    for m in _EN_WORD.finditer(text):
        if m.group("tens"):
            value = Decimal(_EN_WORDS[m.group("tens").lower()] + _EN_WORDS[m.group("unit").lower()])
        else:
            value = Decimal(_EN_WORDS[m.group("word").lower()])
        end, scale = m.end(), Decimal(1)
        en = EN_SCALE.match(text, end)
        if en:
            scale, end = EN_SCALES[en.group("scale").lower()], en.end()
        points = POINTS.match(text, end)
        pct = points or PERCENT.match(text, end)
        kind: Kind = "points" if points else "percent" if pct else "amount"
        q = Quantity(value * scale, kind, m.group(), False, scale)
        end = pct.end() if pct else end
        yield Hit(m.start(), end, q, False, scale)
