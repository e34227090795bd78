"""A quantity stated in a text, and when one quantity supports another."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

# "points" are percentage points (个百分点); a "period" is a span of months of a year (1-11月,
# Q1, 上半年) packed as first*100 + last month; a "time" a clock time packed as hh*100 + mm.
Kind = Literal["amount", "percent", "points", "year", "date", "period", "time"]
# Kinds that only ever meet their own kind, compared as the numbers they are.
_OWN_KIND = {"percent", "points"}
# Kinds that only ever meet their own kind, compared exactly.
_EXACT_KIND = {"period", "time"}
# "min": more than / over / 超 / 以上; "max": less than / under / 不到; "" when neither.
Bound = Literal["", "min", "max"]

# How far an approximate claim ("about", 约, 近) may sit from the source value.
APPROX_TOLERANCE = Decimal("0.05")
APPROX_UNITS = 5


@dataclass(frozen=True)
class Quantity:
    """A number as a text states it.

    `value` is normalised (7000亿 and 700 billion are both 7E+11; a percent is its number, 4.8).
    A date's value packs year, month and day as YYYYMMDD, 0 where the text does not say it
    (10月24日 is 1024). `precision` is the place of the last digit written (61.8 billion:
    1E+8), which says how far the writer rounded.
    """

    value: Decimal
    kind: Kind
    text: str
    approx: bool = False
    precision: Decimal = Decimal(1)
    bound: Bound = ""


def date_parts(value: Decimal) -> tuple[int, int, int]:
    """(year, month, day) of a date value, 0 for a part the text did not give."""
    n = int(value)
    return n // 10000, n // 100 % 100, n % 100


def supports(claim: Quantity, source: Quantity) -> bool:
    """True when `source` backs `claim`, given the rounding, approximation and bound it states."""
    kinds = {claim.kind, source.kind}
    if "date" in kinds:
        return _dates_agree(claim, source)
    if kinds & _EXACT_KIND:
        return claim.kind == source.kind and claim.value == source.value
    if kinds & _OWN_KIND:
        return claim.kind == source.kind and _close(claim, source)
    if "year" in kinds:
        # A year is exact; it may meet a plain number (2000 tonnes written without 年).
        return claim.value == source.value
    return _close(claim, source)


def agree(a: Quantity, b: Quantity) -> bool:
    """True when two statements of one fact agree, whichever of them rounded."""
    return supports(a, b) or supports(b, a)


def _dates_agree(claim: Quantity, source: Quantity) -> bool:
    if claim.kind == "date" and source.kind == "date":
        return all(
            c == s or not c or not s
            for c, s in zip(date_parts(claim.value), date_parts(source.value), strict=True)
        )
    # "in 2024" is backed by 2024年10月1日, and the other way round.
    year, date = (claim, source) if claim.kind == "year" else (source, claim)
    return year.kind == "year" and date_parts(date.value)[0] == int(year.value)


def _close(claim: Quantity, source: Quantity) -> bool:
    c, s = claim.value, source.value
    # "Less than 90 billion" contradicts 超过900亿 even though the numbers are equal.
    if claim.bound and source.bound and claim.bound != source.bound:
        return False
    # "More than 62 billion" is not backed by 618亿, though 61.8 rounds to 62.
    if (claim.bound == "min" and s < c) or (claim.bound == "max" and s > c):
        return False
    # Rounding the source to the digits the claim wrote: "62 billion" for 618亿 is rounding,
    # "61.9 billion" is not.
    if c == s or _round(s, claim.precision) == c:
        return True
    if not claim.approx:
        return False
    # "About 2.5 billion" for 2.62 billion is fine; "约628亿" for 618亿 is not: the slack is 5%,
    # and never more than five units of the last digit the claim wrote.
    slack = min(c * APPROX_TOLERANCE, claim.precision * APPROX_UNITS)
    if claim.bound:
        # "More than 3,000" is backed by 3,200, not by 5,900 (a factor of two is no writer's
        # rounding); "nearly 800 million" by 7.9亿, not by 4亿: within half the claim's
        # coarsest written digit, on the bound's side (checked above).
        return abs(s - c) <= max(slack, coarse_precision(c) / 2)
    return _round(s, coarse_precision(c)) == c or abs(s - c) <= slack


def _round(value: Decimal, precision: Decimal) -> Decimal:
    return (value / precision).to_integral_value(rounding=ROUND_HALF_UP) * precision


def coarse_precision(value: Decimal) -> Decimal:
    """The place of the last non-zero digit: "about 600" is rounded to the hundred."""
    if not value:
        return Decimal(1)
    exponent = value.normalize().as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
