"""Quantities in Chinese and English text: extraction and normalisation to Decimal.

Two modes. Strict (the default) is for claims: it keeps only what is clearly a quantity, so
a claim is never flagged for a number it does not state (三国, 一是, 5G, Article 32).
Broad is for the text a claim is checked against: it also yields small Chinese numerals
(三轮), English number words (three), ordinals and bare days, so a claim's "3 rounds" finds
三轮. A false alarm costs more than a miss, and the broad side only ever adds matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

from briefing.grounding.context import (
    EN_SCALE,
    EN_SCALES,
    MAX_NUMBER_CHARS,
    PERCENT,
    POINTS,
    ZH_SCALES,
    measure,
    qualifiers,
)
from briefing.grounding.dates import YEAR_MAX, YEAR_MIN, Hit, find_dates
from briefing.grounding.periods import find_periods
from briefing.grounding.quantity import Kind, Quantity
from briefing.grounding.words import chinese_numerals, english_words, fractions, multiples

# Full-width digits, letters and signs and the traditional forms of the characters numbers
# use (億 萬 兩 點 個), one character for one, so offsets stay those of the input. The
# full-width comma is left alone: in Chinese it separates items, not thousands.
_WIDE = "".join(chr(c) for c in range(ord("Ａ"), ord("Ｚ") + 1)) + "".join(
    chr(c) for c in range(ord("ａ"), ord("ｚ") + 1)
)
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９％．－／＋：" + _WIDE + "億萬兩點個噸",
    "0123456789%.-/+:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + "亿万两点个吨",
)

_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?")
# Digits, commas and dots past MAX_NUMBER_CHARS: no amount, read as one span that yields nothing.
_LONG_RUN = re.compile(rf"[\d.,]{{{MAX_NUMBER_CHARS + 1},}}")
# 千克/千米/千瓦 and 百分 are units, not 千 and 百 multipliers.
_ZH_SCALE = re.compile(
    r"\s?(?P<more>[多余])?\s?(?P<scale>万亿|千亿|百亿|十亿|千万|百万|十万|亿|万|千(?![克米瓦卡])|百(?!分))"
)
_ZH_PART = re.compile(r"(?P<num>\d+(?:\.\d+)?)(?P<scale>千万|百万|十万|万|千|百)")
_GLUED_SCALE = re.compile(r"(?P<scale>bn|mn|tn|[mkb])(?![A-Za-z])", re.I)
_CURRENCY = re.compile(r"(?:[A-Z]{0,2}\$|€|£|¥|￥|RMB|USD|CNY|EUR|GBP|JPY)\s?$")
_ORDINAL_BEFORE = re.compile(r"(?:第|\bNo\.?|\bno\.|\bNos\.?|#)\s?$")
_LABEL_BEFORE = re.compile(r"(?<![A-Za-z])([A-Z][A-Za-z]*|[a-z]+[A-Z][A-Za-z]*)\.?\s$")
_HYPHEN_BEFORE = re.compile(r"([A-Za-z]+)-$")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)(?![A-Za-z])|号")
_VERSION = re.compile(r"(?:\.\d+)+")
# Units written glued to a number (300ms, 28nm, 2.3Gbps, 500IPS/W): an amount, where other
# letters make a name (5G, 3D, 1990s). Case matters: 5G is a name, 5g five grams.
_GLUED_UNIT = re.compile(
    r"(?:[mnpµμ]s|[nµμmck]m|kg|mg|[KMGTP]B|[KMGT]b|[kMGT]?Hz|[KMGT]?bps|[kMGT]?Wh?|mAh|V"
    r"|IPS(?:/W)?|[GT]?OPS(?:/W)?|FLOPS|fps|dpi|ppi|px|mph|km/h|°C|x)(?![A-Za-z])"
)
# A number glued to a Chinese name (麒麟990, 含光800, 巴龙5000) names a product unless a
# unit follows (东莞587家, 售价7999元) or a word that leads into an amount precedes it.
_LEAD_IN = set(
    "了着过的是为有达到至约近超逾共计占比增降跌涨减和与及或第前后每仅只再又额已在于从由将破拿合值率数量价"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RANGE_NEXT = set("至到和与及或、-–—~～/")
_PRODUCT_WORDS = ("芯片", "处理器", "基带", "平台", "系列", "手机", "型", "版", "战机", "战斗机")
_ZH_UNIT_START = set("万亿千百十多余来左上以成倍年月日号时分秒岁周天度届期") | set(
    "吨元人名家个项条件种类次轮倍台辆艘架座所位只头亩斤克米美欧英日港卢"
    "公平毫厘纳微寸尺里升瓦伏帧兆部款份批张本篇层户套间码股笔宗起例幅枚颗片块根支桶箱趟遍场"
)
# Capitalised words that precede a quantity rather than name a thing ("In 2023", "About 60").
_NOT_LABELS = {
    "in", "on", "by", "at", "of", "for", "to", "from", "since", "until", "through", "about",
    "over", "nearly", "some", "around", "approximately", "roughly", "almost", "under", "up",
    "more", "less", "than", "only", "just", "the", "between", "and", "or", "with", "after",
    "before", "during", "within", "all", "another", "those", "these", "its", "their", "last",
    "first", "top", "total", "rmb", "usd", "cny", "eur", "gbp", "jpy", "us", "hk", "eu",
}  # fmt: skip
_HYPHEN_WORDS = {"mid", "pre", "post", "late", "early", "end", "start"}
_CONNECTORS = {"-", "–", "—", "~", "～", "至", "到", "to"}
_EN_UNIT = re.compile(
    r"\s(?:tonnes?|tons?|yuan|dollars?|euros?|rubles?|people|companies|firms|units|jobs)\b", re.I
)


def extract_quantities(text: str, *, broad: bool = False) -> list[Quantity]:
    """The quantities `text` states, in reading order; `broad` adds what only a source offers."""
    norm = text.translate(_FULL_WIDTH)
    taken = bytearray(len(norm))
    hits: list[Hit] = []
    # Order matters: a span taken by an earlier finder (a date, 百分之…) is not read again.
    finders: list[Callable[[str], Iterator[Hit]]] = [
        find_periods,
        find_dates,
        fractions,
        multiples,
        _arabic,
        chinese_numerals,
        english_words,
    ]
    for finder in finders:
        for hit in finder(norm):
            if hit.end <= hit.start or any(taken[hit.start : hit.end]):
                continue
            taken[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
            hits.append(hit)
    hits.sort(key=lambda h: h.start)
    return [
        _as_written(h.quantity, text, norm, h.start, h.end)
        for h in _spread_scales(norm, hits)
        if h.quantity is not None and (broad or h.strict)
    ]


def _as_written(q: Quantity, text: str, norm: str, start: int, end: int) -> Quantity:
    """The quantity with its text as the input wrote it (full-width digits kept)."""
    at = norm.find(q.text, start, end)  # within its own span: no scan of the rest of the text
    if at < 0:
        return q
    return replace(q, text=text[at : at + len(q.text)])


def _arabic(text: str) -> Iterator[Hit]:
    pos = 0
    while m := _NUMBER.search(text, pos):
        pos = m.end()
        long = _LONG_RUN.match(text, m.start())
        if long:
            # 5,000 digits, 100 kB of 1,000,000… or 1.1.1…: no amount, and taken whole. Read
            # number by number, each would scan the rest of the run again (1.1.1… as a version).
            yield Hit(m.start(), long.end(), None)
            pos = long.end()
            continue
        hit = _arabic_hit(text, m.start(), m.end())
        if hit is not None:
            yield hit


def _arabic_hit(text: str, start: int, end: int) -> Hit | None:
    """One number in digits with what surrounds it: scale, percent, qualifiers, identifiers."""
    digits = text[start:end]
    window = max(0, start - 24)
    before = text[window:start]
    cur = _CURRENCY.search(before)
    if cur:
        before = before[: cur.start()]
    version = _VERSION.match(text, end)
    if version:
        return Hit(start, version.end(), None)  # 1.2.3
    if not cur and (re.search(r"[A-Za-z]$", before) or _hyphen_identifier(before)):
        return Hit(start, end, None)  # G7, A320, F-35, COVID-19, 歼-20
    if before.endswith(("[", "【")) and text[end : end + 1] in ("]", "】"):
        return Hit(start, end + 1, None)  # a citation marker [3]
    if _list_marker(text, start, end):
        return Hit(start, end + 1, None)
    if end - start == 2 and re.search(r"\d{4}[-–/]$", before):
        return Hit(start, end, None)  # the "26" of 2025-26
    plain = digits.replace(",", "")
    if "." not in plain and len(plain) > 11:
        return Hit(start, end, None)  # phone numbers and other identifiers
    mantissa, precision = Decimal(plain), _written_precision(plain)
    scale, pos, more = Decimal(1), end, False
    kind: Kind = "amount"
    zh = _ZH_SCALE.match(text, pos)
    en = EN_SCALE.match(text, pos) or (_GLUED_SCALE.match(text, pos) if cur else None)
    if zh:
        scale, pos, more = ZH_SCALES[zh.group("scale")], zh.end(), bool(zh.group("more"))
        mantissa, precision, pos = _add_lower_part(text, mantissa, precision, scale, pos)
    elif en:
        scale, pos = EN_SCALES[en.group("scale").lower()], en.end()
    pct = PERCENT.match(text, pos)
    points = POINTS.match(text, pos)
    if points and scale == 1:
        kind, pos = "points", points.end()
    elif pct and scale == 1:
        kind, pos = "percent", pct.end()
    elif scale == 1 and text[pos : pos + 1] == "成":  # 3成 is 30%
        kind, mantissa, precision, pos = "percent", mantissa * 10, precision * 10, pos + 1
        scale = Decimal(10)  # 5到6成: the first number is a tenth as well (see _spread_scales)
    ordinal = bool(_ORDINAL_BEFORE.search(before) or _ORDINAL_AFTER.match(text, pos))
    glued = _GLUED_UNIT.match(text, pos)
    if glued and kind == "amount":
        pos = glued.end()
    elif not ordinal and re.match(r"[A-Za-z]", text[pos : pos + 1]):
        return Hit(start, pos, None)  # 5G, 3D, 1990s
    bound, approx, pos = qualifiers(before, text, pos, more)
    bare = kind == "amount" and scale == 1 and not cur
    value = mantissa if kind == "percent" else mantissa * scale
    if bare and not ordinal and _looks_like_year(digits, value, text, pos):
        kind = "year"
    first = window + cur.start() if cur else start
    place = precision if kind == "percent" else precision * scale
    q = Quantity(value, kind, text[first:pos].strip(), approx, place, bound)
    zh_name = _zh_name(before, text, end, digits) if bare else ""
    if zh_name == "name":
        return Hit(start, end, None)
    named = bare and (_is_label(before) or bool(zh_name))
    return Hit(first, pos, q, not (ordinal or named), scale)


def _looks_like_year(digits: str, value: Decimal, text: str, pos: int) -> bool:
    """2023 alone is a year; 2000 tonnes and 2000吨 are amounts."""
    if not re.fullmatch(r"\d{4}", digits) or not YEAR_MIN <= value <= YEAR_MAX:
        return False
    return not (measure(text, pos) or _EN_UNIT.match(text, pos))


def _add_lower_part(
    text: str, value: Decimal, precision: Decimal, scale: Decimal, pos: int
) -> tuple[Decimal, Decimal, int]:
    """1亿2000万 is one amount: the part after the big unit is added at its own scale."""
    part = _ZH_PART.match(text, pos)
    if not part or ZH_SCALES[part.group("scale")] >= scale:
        return value, precision, pos
    if len(part.group("num")) > MAX_NUMBER_CHARS:  # 1亿 then 5,000 digits: no lower part
        return value, precision, pos
    ratio = ZH_SCALES[part.group("scale")] / scale
    lower = Decimal(part.group("num"))
    return value + lower * ratio, _written_precision(part.group("num")) * ratio, part.end()


def _is_label(before: str) -> bool:
    """Group 1, Article 32, iPhone 15: a number that names rather than counts."""
    m = _LABEL_BEFORE.search(before)
    return m is not None and m.group(1).lower() not in _NOT_LABELS


def _hyphen_identifier(before: str) -> bool:
    if re.search(r"[\u4e00-\u9fff]-$", before):  # 歼-20, 东风-41
        return True
    m = _HYPHEN_BEFORE.search(before)
    return m is not None and m.group(1).lower() not in _HYPHEN_WORDS


def _zh_name(before: str, text: str, end: int, digits: str) -> str:
    """麒麟990, 含光800: a whole number glued to a Chinese name with no unit after it.

    "name" when a product word (麒麟990芯片) or a space and a Latin name (麒麟990 5G) follows:
    no amount. "maybe" when anything else does (拿下43幅土地: 幅 may be a measure word no list
    here has; 巴龙5000、): only the source side reads it. "" otherwise."""
    if "." in digits or not before or not _CJK.match(before[-1]) or before[-1] in _LEAD_IN:
        return ""
    after = text[end : end + 1]
    if after and (after in _ZH_UNIT_START or after in _RANGE_NEXT):
        return ""  # 东莞587家, 售价7999元, 投资1至2亿
    if text.startswith(_PRODUCT_WORDS, end) or re.match(r"\s[A-Za-z0-9]", text[end : end + 2]):
        return "name"
    return "maybe"


def _list_marker(text: str, start: int, end: int) -> bool:
    """(1), （2）, or 1、 / 1. at the start of a line."""
    if end - start > 2:
        return False
    if text[start - 1 : start] in ("(", "（") and text[end : end + 1] in (")", "）"):
        return True
    # Back over spaces and tabs to the line start; never a copy of all the text before.
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return (i == 0 or text[i - 1] == "\n") and bool(re.match(r"[、.](?!\d)", text[end : end + 2]))


def _written_precision(plain: str) -> Decimal:
    """The place of the last digit written: 61.8 → 0.1, 700 → 1."""
    _, _, frac = plain.partition(".")
    return Decimal(1).scaleb(-len(frac))


def _spread_scales(text: str, hits: list[Hit]) -> list[Hit]:
    """In 40至50亿, 4-5 billion, 5-10% and 五到六成 the scale (or %) written once belongs to
    both numbers."""
    out = list(hits)
    for i in range(len(out) - 1, 0, -1):
        a, b = out[i - 1], out[i]
        if a.quantity is None or b.quantity is None or a.quantity.kind != "amount":
            continue
        gap = text[a.end : b.start].strip()
        between = gap == "and" and _ends_with_between(text, a.start)
        # 4.51 and 3.26 percentage points, 4.51和3.26个百分点: one unit for a pair of shares.
        between |= gap in ("and", "or", "和", "或") and b.quantity.kind in ("percent", "points")
        if a.scale != 1 or not (gap in _CONNECTORS or between):
            continue
        if b.quantity.kind in ("percent", "points") or (
            b.quantity.kind == "amount" and b.scale > 1
        ):
            q = a.quantity
            kind: Kind = b.quantity.kind
            spread = replace(q, value=q.value * b.scale, kind=kind, precision=q.precision * b.scale)
            out[i - 1] = a._replace(quantity=spread, scale=b.scale)
    return out


def _ends_with_between(text: str, end: int) -> bool:
    """True when the text before `end`, trailing whitespace aside, ends with "between"."""
    # Scanned back from `end`: a copy of all the text before each "and" is quadratic.
    i = end
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return text[max(0, i - 16) : i].lower().endswith("between")
