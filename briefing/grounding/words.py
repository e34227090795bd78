"""Numbers written as words: Chinese numeral runs (七千亿, 三点五, 三轮), 百分之/分之
fractions, and English number words (three, twenty-five) that only a source offers.
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


def fractions(text: str) -> Iterator[Hit]:
    """百分之四点八 is 4.8%, 千分之三 is 0.3%; other fractions (三分之一) yield nothing."""
    for m in _FRACTION.finditer(text):
        den, num = _numeral(m.group("den")), _numeral(m.group("num"))
        if den in (Decimal(100), Decimal(1000)) and num is not None:
            value = num * 100 / den
            before = text[max(0, m.start() - 8) : m.start()]
            bound, approx, end = qualifiers(before, text, m.end(), False)
            q = Quantity(value, "percent", m.group(), approx, Decimal(1), bound)
            yield Hit(m.start(), end, q)
        else:
            yield Hit(m.start(), m.end(), None)


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
        pct = PERCENT.match(text, end)
        kind: Kind = "percent" if pct else "amount"
        end = pct.end() if pct else end
        if not pct and text[end : end + 1] == "成" and value < 10:  # 三成 is 30%
            kind, value, end = "percent", value * 10, end + 1
        bound, approx, end = qualifiers(before, text, end, False)
        has_digit = any(c in DIGITS for c in run)
        # Plainly a quantity: 七千亿, 三点五, 四十%, 十二个; never 三国, 二十大, 十一假期.
        counted = value >= 10 and any(c in SMALL_UNITS for c in run) and measure(text, end)
        strict = not (ordinal or vague) and (
            (any(c in BIG_UNITS for c in run) and (has_digit or run[0] in "十拾"))
            or "点" in run
            or (kind == "percent" and has_digit)
            or counted
        )
        q = Quantity(value, kind, run, approx, coarse_precision(value), bound)
        yield Hit(m.start(), end, q, strict, _run_scale(run))


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
        pct = PERCENT.match(text, end)
        kind: Kind = "percent" if pct else "amount"
        q = Quantity(value * scale, kind, m.group(), False, scale)
        end = pct.end() if pct else end
        yield Hit(m.start(), end, q, False, scale)
