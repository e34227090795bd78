"""Dates, years and times in Chinese and English text, found before any bare number.

Finding them first keeps their parts from leaking out as amounts: 10月24日 is one date,
not the amounts 10 and 24. Clock times and spans of months are periods.py's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from briefing.grounding.chinese import parse_chinese_numeral
from briefing.grounding.quantity import Quantity

YEAR_MIN, YEAR_MAX = 1800, 2100


class Hit(NamedTuple):
    """A span of text claimed by a finder: a quantity, or None for a span that yields nothing.

    `strict` is False for what only the source side should search (a bare day, an ordinal).
    `scale` is the multiplier the text wrote (亿, billion), 1 when none.
    """

    start: int
    end: int
    quantity: Quantity | None
    strict: bool = True
    scale: Decimal = Decimal(1)


MONTHS: dict[str, int] = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_TO = r"\s*(?:-|–|—|~|～|to|and|through|至|到|、|和)\s*"
_ZH_SMALL = "〇零一二两三四五六七八九十"
_ZH_YEAR = rf"\d{{4}}|[{_ZH_SMALL}千]{{3,6}}"
_ZH_DAY = rf"\d{{1,2}}|[{_ZH_SMALL}]{{1,3}}"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(?P<y>\d{4})([-/])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?![\d.-])")),
    # 10/24 could be a date either way round, or 24/7: too ambiguous to check, so it yields nothing.
    ("slash", re.compile(r"(?<![\d.,/])\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d.,/])")),
    (
        "zh_date",
        re.compile(
            rf"(?:(?P<y>{_ZH_YEAR})\s*年\s*)?(?P<m>{_ZH_DAY})\s*月\s*(?P<d>{_ZH_DAY})\s*[日号]"
            rf"(?:(?P<to>{_TO})(?P<d2>\d{{1,2}})\s*[日号])?"
        ),
    ),
    ("zh_year_month", re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月份?")),
    ("zh_year", re.compile(rf"(?<![\d{_ZH_SMALL}])(?P<y>{_ZH_YEAR})\s*年(?!代)")),
    # 1-9月 and 1至9月 are months, neither of them an amount.
    ("zh_month", re.compile(rf"(?<![\d.])(?:\d{{1,2}}{_TO})?(?P<m>\d{{1,2}})\s*月份?")),
    ("zh_day", re.compile(r"(?<![\d.第])(?P<d>\d{1,2})\s*日(?!元)")),
    (
        "en_month_day",
        re.compile(
            rf"\b(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?!\d){_ORD}"
            rf"(?:(?P<to>{_TO})(?P<d2>\d{{1,2}})(?!\d){_ORD})?(?![,.]\d)"
            rf"(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
        ),
    ),
    (
        "en_day_month",
        re.compile(
            rf"(?<![\d.,])(?P<d>\d{{1,2}})(?!\d){_ORD}"
            rf"(?:(?P<to>{_TO})(?P<d2>\d{{1,2}})(?!\d){_ORD})?"
            rf"\s+(?:of\s+)?(?P<mon>{_MON})\b\.?(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
        ),
    ),
    ("en_month_year", re.compile(rf"\b(?P<mon>{_MON})\.?,?\s+(?:of\s+)?(?P<y>\d{{4}})(?!\d)")),
]

_RELATIVE_YEARS: dict[str, int] = {
    "今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1,
    "this year": 0, "last year": -1, "next year": 1,
}  # fmt: skip
_RELATIVE = re.compile("|".join(_RELATIVE_YEARS), re.IGNORECASE)


def find_dates(text: str) -> Iterator[Hit]:
    """Every date, year and time in `text`, in pattern priority order (callers drop overlaps)."""
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            yield from _hits(name, m, text)


def relative_years(text: str, published_year: int | None) -> list[Quantity]:
    """Years a text states relative to its publication: 今年 in a 2025 article is 2025."""
    if published_year is None:
        return []
    return [
        Quantity(Decimal(published_year + _RELATIVE_YEARS[m.group().lower()]), "year", m.group())
        for m in _RELATIVE.finditer(text)
    ]


def _hits(name: str, m: re.Match[str], text: str) -> Iterator[Hit]:
    groups = m.groupdict()
    if name == "slash":  # consumed, and never a strict quantity
        yield _slash(m)
        return
    year = _number(groups.get("y"))
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        return
    month = MONTHS[groups["mon"]] if groups.get("mon") else _number(groups.get("m"))
    day = _number(groups.get("d"))
    if name in ("zh_year", "zh_year_month", "en_month_year"):
        if name != "zh_year" and not (month and 1 <= month <= 12):
            return
        if year is not None:
            yield Hit(m.start(), m.end(), Quantity(Decimal(year), "year", m.group().strip()))
        return
    if name == "zh_month":
        if month and 1 <= month <= 12:
            yield Hit(m.start(), m.end(), None)
        return
    if day is None or not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
        return
    if name == "zh_day":
        # 22日 without a month: only the source side searches it (the month is implied).
        yield Hit(m.start(), m.end(), _date(text[m.start() : m.end()], 0, 0, day), strict=False)
        return
    y, mo = year or 0, month or 0
    if groups.get("d2") is None:
        yield Hit(m.start(), m.end(), _date(m.group(), y, mo, day))
        return
    # A range (9月14日至15日, September 14-15): two dates of one month.
    day2 = _number(groups["d2"]) or 0
    split = m.start("to")
    second = _date(text[m.end("to") : m.end()], y, mo, day2) if 1 <= day2 <= 31 else None
    yield Hit(m.start(), split, _date(text[m.start() : split], y, mo, day))
    yield Hit(split, m.end(), second)


def _slash(m: re.Match[str]) -> Hit:
    """1/3 may be a third or January 3: a source may offer it as a fraction, no claim states it."""
    num, _, den = m.group().partition("/")
    if "/" in den or not 0 < int(num) < int(den) <= 10:
        return Hit(m.start(), m.end(), None)
    value = Decimal(num) * 100 / Decimal(den)
    return Hit(m.start(), m.end(), Quantity(value, "percent", m.group(), True), strict=False)


def _date(written: str, year: int, month: int, day: int) -> Quantity:
    return Quantity(Decimal(year * 10000 + month * 100 + day), "date", written.strip())


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    value = parse_chinese_numeral(text)
    return int(value) if value is not None else None
