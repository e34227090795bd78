"""Chinese numerals to Decimal: 七千, 十二, 三点五, 两千零二十三, 一点二万亿, 二〇二三."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10**4, "亿": 10**8}
DIGIT_CHARS = "".join(DIGITS)
NUMERAL_CHARS = DIGIT_CHARS + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
# The longest amount a text writes in full, 九千九百九十九万九千九百九十九亿九千九百九十九万
# 九千九百九十九, is 31 characters. A longer run is no amount and is not read: that keeps the
# integers below small (5,000 九 would pass Python's 4,300-digit int-string limit; 130,000 亿
# Decimal's exponent range) and the work per run bounded.
MAX_NUMERAL_CHARS = 40


def parse_chinese_numeral(text: str) -> Decimal | None:
    """The value of a Chinese numeral, or None when it is not a well-formed one (十四五) or is
    longer than any amount (MAX_NUMERAL_CHARS)."""
    if not text or len(text) > MAX_NUMERAL_CHARS:
        return None
    if "点" not in text:
        whole = _integer(text)
        return None if whole is None else Decimal(whole)
    int_text, _, rest = text.partition("点")
    frac = ""
    while len(frac) < len(rest) and rest[len(frac)] in DIGITS:
        frac += rest[len(frac)]
    tail = rest[len(frac) :]
    # 三点五万 and 一点二万亿 put the big unit after the decimals; nothing else may follow.
    if not frac or any(c not in BIG_UNITS for c in tail) or any(c in BIG_UNITS for c in int_text):
        return None
    whole = _integer(int_text)
    if whole is None:
        return None
    value = Decimal(f"{whole}.{''.join(str(DIGITS[c]) for c in frac)}")
    for c in tail:
        value *= BIG_UNITS[c]
    return value


def _integer(text: str) -> int | None:
    """An integer numeral; big units split it: 一亿二千万 = 1 * 10^8 + 2000 * 10^4."""
    return _split_by(text, "亿", lambda part: _split_by(part, "万", _section))


def _split_by(text: str, big: str, below: Callable[[str], int | None]) -> int | None:
    """The numeral read left to right at each `big`, the parts between read by `below`.

    A loop, not recursion, so no run of units (亿亿亿…) can exhaust the stack. 一亿亿 is
    10^16 as each 亿 multiplies all before it; the part before the first unit must be a
    non-zero number or nothing (亿 alone is 1 亿), each later part less than one unit.
    """
    first, *rest = text.split(big)
    if not rest:
        return below(text)
    value = below(first) if first else 1
    if not value:
        return None
    unit = BIG_UNITS[big]
    for part in rest:
        lower = below(part) if part else 0
        if lower is None or lower >= unit:
            return None
        value = value * unit + lower
    return value


def _section(text: str) -> int | None:
    """A numeral below 10^4: 两千零二十三, 十二, or digit by digit as in years (二〇二三)."""
    if not text or any(c not in DIGITS and c not in SMALL_UNITS for c in text):
        return None
    if all(c in DIGITS for c in text):
        return int("".join(str(DIGITS[c]) for c in text))
    total = 0
    number: int | None = None
    last_unit = 10**4
    for c in text:
        if c in DIGITS:
            # Two digits in a row without a unit between them (十四五) is a list, not a number;
            # only 零 may stand before another digit (一千零五).
            if number:
                return None
            number = DIGITS[c]
        else:
            unit = SMALL_UNITS[c]
            if unit >= last_unit:
                return None
            total += (number or 1) * unit
            last_unit = unit
            number = None
    return total + (number or 0)
