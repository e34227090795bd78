"""Spans of a year and clock times: 1-11月, 前三季度, 上半年, Q1, "the first 11 months",
"January–November"; 12时01分, 12:01, 3 p.m.

Found before dates and bare numbers, so their digits never leak out as amounts (the 11 of
"the first 11 months"). A span is a Quantity of kind "period" whose value packs its first
and last month (first * 100 + last: 1-11月 and "January–November" are both 111, Q2 is 406);
a clock time is kind "time", hh * 100 + mm on a 24-hour clock. Both compare exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from briefing.grounding.chinese import parse_chinese_numeral
from briefing.grounding.dates import MONTHS, Hit
from briefing.grounding.quantity import Quantity

_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_ZH_SMALL = "一二两三四五六七八九十"
_EN_COUNTS: dict[str, int] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_EN_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}  # fmt: skip
_COUNT = r"\d{1,2}|" + "|".join(_EN_COUNTS)
_ORDINAL = "|".join(_EN_ORDINALS)
# A range of months: the connectors of a span, not of a list (4、5月 is April and May).
_SPAN = r"\s*(?:-|–|—|~|～|至|到)\s*"
_EN_SPAN = r"\s*(?:-|–|—|to|through|until)\s*"
_AM_PM = r"(?P<ampm>[ap]\.m\.|[ap]m)(?![A-Za-z])"
# Words before a Chinese clock time that put it in the afternoon or evening.
_ZH_PM = ("下午", "晚上", "傍晚", "晚间", "今晚", "晚")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 1-11月, 1—11月, 9月至11月; not 14日至15日, and not the 11月 of 1-11月3日.
    (
        "zh_months",
        re.compile(
            rf"(?<![\d.])(?P<a>\d{{1,2}})\s*月?{_SPAN}(?P<b>\d{{1,2}})\s*月份?(?!\s*\d{{1,2}}\s*[日号])"
        ),
    ),
    ("zh_first_months", re.compile(rf"前(?P<n>\d{{1,2}}|[{_ZH_SMALL}]{{1,2}})个?月")),
    ("zh_first_quarters", re.compile(r"前(?P<n>[二两三2-3])个?季度")),
    ("zh_quarter", re.compile(r"(?:第)?(?P<q>[一二三四1-4])季度")),
    ("zh_half", re.compile(r"(?P<h>[上下])半年")),
    ("en_months", re.compile(rf"\b(?P<a>{_MON})\.?{_EN_SPAN}(?P<b>{_MON})\b(?!\.?\s*\d{{1,2}}\b)")),
    ("en_first_months", re.compile(rf"\bfirst\s+(?P<n>{_COUNT})\s+months\b", re.I)),
    ("en_first_quarters", re.compile(r"\bfirst\s+(?P<n>two|three|2|3)\s+quarters\b", re.I)),
    ("en_quarter", re.compile(rf"\b(?P<q>{_ORDINAL})[- ]quarter\b", re.I)),
    ("en_q", re.compile(r"\b(?:Q(?P<q>[1-4])|(?P<h>H[12]))\b")),
    ("en_half", re.compile(r"\b(?P<h>first|second|1st|2nd)[- ]half\b", re.I)),
    (
        "zh_time",
        re.compile(r"(?<![\d.])(?P<h>\d{1,2})\s*时(?:\s*(?P<m>\d{1,2})\s*分)?(?:\s*\d{1,2}\s*秒)?"),
    ),
    # 8点30分 is a time; 8点 alone may be one, or "5点建议" (five points): nothing.
    (
        "zh_dian",
        re.compile(r"(?<![\d.])(?P<h>\d{1,2})\s*点(?:\s*(?P<m>\d{1,2})\s*分(?:\s*\d{1,2}\s*秒)?)?"),
    ),
    (
        "en_time",
        re.compile(
            rf"(?<![\d.:])(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?::\d{{2}})?(?:\s*{_AM_PM})?(?![\d:])"
        ),
    ),
    ("en_hour", re.compile(rf"(?<![\d.:])(?P<h>\d{{1,2}})\s*{_AM_PM}")),
]


def find_periods(text: str) -> Iterator[Hit]:
    """Every span of months and clock time in `text` (callers drop overlapping hits)."""
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            hit = _hit(name, m, text)
            if hit is not None:
                yield hit


def _hit(name: str, m: re.Match[str], text: str) -> Hit | None:
    g = m.groupdict()
    if name in ("zh_time", "zh_dian", "en_time", "en_hour"):
        return _time(name, m, text)
    first, last = 0, 0
    if name == "zh_months":
        first, last = int(g["a"]), int(g["b"])
    elif name == "en_months":
        first, last = MONTHS[g["a"]], MONTHS[g["b"]]
    elif name in ("zh_first_months", "en_first_months"):
        first, last = 1, _count(g["n"])
    elif name in ("zh_first_quarters", "en_first_quarters"):
        first, last = 1, 3 * _count(g["n"])
    elif g.get("q"):
        q = _EN_ORDINALS.get(g["q"].lower()) or _count(g["q"])
        first, last = 3 * q - 2, 3 * q
    elif g.get("h"):
        second = g["h"].lower() in ("下", "second", "2nd", "h2")
        first, last = (7, 12) if second else (1, 6)
    if not 1 <= first < last <= 12:
        return None  # 12-1月, 前13个月: no span of one year; the text is read as it was
    value = Decimal(first * 100 + last)
    return Hit(m.start(), m.end(), Quantity(value, "period", m.group().strip()))


def _time(name: str, m: re.Match[str], text: str) -> Hit:
    g = m.groupdict()
    hour, minute = int(g["h"]), int(g.get("m") or 0)
    ampm = (g.get("ampm") or "").replace(".", "").lower()
    # The time of an ISO timestamp (2025-10-25T12:49:00) belongs to a machine, not to a report.
    if (name == "zh_dian" and g.get("m") is None) or text[m.start() - 1 : m.start()] == "T":
        return Hit(m.start(), m.end(), None)
    # 12:01 a.m. stays 12:01: Chinese reports write it 12时01分 (美东时间12时01分起).
    if ampm == "pm" and hour < 12:
        hour += 12
    elif (
        name.startswith("zh")
        and hour < 12
        and text[max(0, m.start() - 2) : m.start()].endswith(_ZH_PM)
    ):
        hour += 12
    if hour > 24 or minute > 59 or (ampm and not 1 <= int(g["h"]) <= 12):
        return Hit(m.start(), m.end(), None)
    value = Decimal(hour * 100 + minute)
    return Hit(m.start(), m.end(), Quantity(value, "time", m.group().strip()))


def _count(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s.lower() in _EN_COUNTS:
        return _EN_COUNTS[s.lower()]
    value = parse_chinese_numeral(s)
    return int(value) if value is not None else 0
