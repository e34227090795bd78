"""Chinese numerals to Decimal: 七千, 十二, 三点五, 两千零二十三, 一点二万亿, 二〇二三."""

from __future__ import annotations

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


def parse_chinese_numeral(text: str) -> Decimal | None:
    """The value of a Chinese numeral, or None when it is not a well-formed one (十四五)."""
    if not text:
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
    for big in ("亿", "万"):
        i = text.rfind(big)
        if i < 0:
            continue
        left = _integer(text[:i]) if text[:i] else 1
        right = _integer(text[i + 1 :]) if text[i + 1 :] else 0
        if not left or right is None or right >= BIG_UNITS[big]:
            return None
        return left * BIG_UNITS[big] + right
    return _section(text)


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
