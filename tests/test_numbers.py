"""Quantities in Chinese and English: extraction, normalisation, and when two agree."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.grounding import Quantity, agree, extract_quantities, supports
from briefing.grounding.chinese import parse_chinese_numeral
from briefing.grounding.quantity import Kind

D = Decimal

# (text, [(value, kind), ...]) in strict mode: what a claim is held to.
STRICT_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # Digits with Chinese units.
    ("为此将投资7000亿卢布", [("7e11", "amount")]),
    ("约合618亿元人民币", [("6.18e10", "amount")]),
    ("3.5万吨", [("35000", "amount")]),
    ("1.2万亿元", [("1.2e12", "amount")]),
    ("949746亿元", [("9.49746e13", "amount")]),
    ("12000亿", [("1.2e12", "amount")]),
    ("3千万", [("3e7", "amount")]),
    ("5百万吨", [("5e6", "amount")]),
    ("3百", [("300", "amount")]),
    ("2千", [("2000", "amount")]),
    ("20百亿", [("2e11", "amount")]),
    ("3十亿", [("3e9", "amount")]),
    ("5千亿", [("5e11", "amount")]),
    ("1亿2000万", [("1.2e8", "amount")]),
    ("30多亿吨", [("3e9", "amount")]),
    ("1亿多吨", [("1e8", "amount")]),
    ("1000余家", [("1000", "amount")]),
    ("600万千瓦", [("6e6", "amount")]),  # 千瓦 is a unit, not a second multiplier
    ("40.7亿千瓦时", [("4.07e9", "amount")]),
    ("每千克27.2美元", [("27.2", "amount")]),
    ("5千克", [("5", "amount")]),
    ("共32条", [("32", "amount")]),
    ("15738吨", [("15738", "amount")]),
    ("40亿至50亿美元", [("4e9", "amount"), ("5e9", "amount")]),
    ("40至50亿美元", [("4e9", "amount"), ("5e9", "amount")]),
    ("33-36元", [("33", "amount"), ("36", "amount")]),
    # Chinese numerals.
    ("七千亿", [("7e11", "amount")]),
    ("三点五万吨", [("35000", "amount")]),
    ("一点二万亿元", [("1.2e12", "amount")]),
    ("三点五", [("3.5", "amount")]),
    ("十二个国家", [("12", "amount")]),
    ("七千吨", [("7000", "amount")]),
    ("三千五百万", [("3.5e7", "amount")]),
    ("十万", [("1e5", "amount")]),
    ("两千零二十三年", [("2023", "year")]),
    ("二〇二三年", [("2023", "year")]),
    # Percentages.
    ("4.8%", [("4.8", "percent")]),
    ("４.８％", [("4.8", "percent")]),
    ("百分之四点八", [("4.8", "percent")]),
    ("百分之4.8", [("4.8", "percent")]),
    ("千分之三", [("0.3", "percent")]),
    ("4.8个百分点", [("4.8", "points")]),
    ("15%至25%", [("15", "percent"), ("25", "percent")]),
    ("15至25%", [("15", "percent"), ("25", "percent")]),
    ("降幅高达40%左右", [("40", "percent")]),
    ("其中3成为出口", [("30", "percent")]),
    ("三成", [("30", "percent")]),
    ("全球90%以上的稀土出口", [("90", "percent")]),
    # Years and dates (their parts never leak out as amounts).
    ("2023年", [("2023", "year")]),
    ("在 2009 年前", [("2009", "year")]),
    ("2009年和2010年间", [("2009", "year"), ("2010", "year")]),
    ("2024年10月", [("2024", "year")]),
    ("当地时间10月24日", [("1024", "date")]),
    ("十月二十四日", [("1024", "date")]),
    ("自2024年10月1日起施行", [("20241001", "date")]),
    ("9月14日至15日", [("914", "date"), ("915", "date")]),
    ("7月16日至7月18日", [("716", "date"), ("718", "date")]),
    ("今年2月", []),
    ("1-9月份", [("109", "period")]),  # a span of months, no amount
    ("1至9月", [("109", "period")]),
    ("国际货币基金组织22日发布报告", []),  # a bare day only for the source side
    ("自4月10日12时01分起", [("410", "date"), ("1201", "time")]),
    ("上午9:00", [("900", "time")]),
    # Not quantities in Chinese.
    ("三国", []),
    ("两国元首", []),
    ("一是明确工作原则", []),
    ("一带一路", []),
    ("十四五规划", []),
    ("二十大", []),
    ("千万不要", []),
    ("第一批", []),
    ("第32条", []),
    ("第25届中国-欧盟经贸混委会", []),
    ("2025年第18号公告", [("2025", "year")]),
    ("5G芯片", []),
    ("PM2.5", []),
    ("三分之一左右", [(str(D(100) / 3), "percent")]),
    ("A股", []),
    ("数十亿美元", []),
    ("上百万吨", []),
    ("2000吨", [("2000", "amount")]),
    # English amounts.
    ("700 billion rubles", [("7e11", "amount")]),
    ("61.8 billion yuan", [("6.18e10", "amount")]),
    ("35,000 tonnes", [("35000", "amount")]),
    ("1,234.5", [("1234.5", "amount")]),
    ("１２３", [("123", "amount")]),
    ("1.2 trillion", [("1.2e12", "amount")]),
    ("$3.5bn", [("3.5e9", "amount")]),
    ("US$1.1 billion", [("1.1e9", "amount")]),
    ("€2m", [("2e6", "amount")]),
    ("£5k", [("5000", "amount")]),
    ("3.5 bn yuan", [("3.5e9", "amount")]),
    ("35 thousand", [("35000", "amount")]),
    ("$4-5 billion", [("4e9", "amount"), ("5e9", "amount")]),
    ("between 4 and 5 billion", [("4e9", "amount"), ("5e9", "amount")]),
    ("$4 billion to $5 billion", [("4e9", "amount"), ("5e9", "amount")]),
    ("3.1 times", [("3.1", "amount")]),
    ("32 articles", [("32", "amount")]),
    ("2000 tonnes", [("2000", "amount")]),
    ("2,000 tonnes", [("2000", "amount")]),
    # English percentages.
    ("4.8 percent", [("4.8", "percent")]),
    ("4.8 per cent", [("4.8", "percent")]),
    ("4.8 percentage points", [("4.8", "points")]),
    ("up 24.32%", [("24.32", "percent")]),
    ("up 3.5pc", [("3.5", "percent")]),
    # English years and dates.
    ("in 2023", [("2023", "year")]),
    ("In 2023, exports fell", [("2023", "year")]),
    ("2023", [("2023", "year")]),
    ("October 2024", [("2024", "year")]),
    ("on October 24", [("1024", "date")]),
    ("Oct. 24", [("1024", "date")]),
    ("24 October", [("1024", "date")]),
    ("the 24th of October", [("1024", "date")]),
    ("October 1, 2024", [("20241001", "date")]),
    ("1 October 2024", [("20241001", "date")]),
    ("2024-10-01", [("20241001", "date")]),
    ("2024/10/1", [("20241001", "date")]),
    ("on 10/24", []),
    ("181美元/吨", [("181", "amount")]),
    ("September 14-15, 2025", [("20250914", "date"), ("20250915", "date")]),
    ("at 9:00 a.m. on May 12", [("900", "time"), ("512", "date")]),
    ("by mid-2024", [("2024", "year")]),
    # Not quantities in English.
    ("5G chips", []),
    ("F-35 fighters", []),
    ("COVID-19", []),
    ("the G7 and G20", []),
    ("ResNet-50", []),
    ("Group 1", []),
    ("iPhone 15", []),
    ("Mate20X", []),
    ("Article 32", []),
    ("Announcement No. 18", []),
    ("Executive Order 14259", []),
    ("the 25th China-EU meeting", []),
    ("in the 1990s", []),
    ("in 2025-26", [("2025", "year")]),
    ("分别为12，345吨", [("12", "amount"), ("345", "amount")]),
    ("(1) first point", []),
    ("1. first point", []),
    ("as reported [3]", []),
    ("version 1.2.3", []),
    ("call 13812345678901", []),
    ("two countries and three rounds", []),
]


def strict(text: str) -> list[tuple[Decimal, str]]:
    return [(q.value, q.kind) for q in extract_quantities(text)]


@pytest.mark.parametrize(("text", "expected"), STRICT_CASES)
def test_strict_extraction(text: str, expected: list[tuple[str, str]]) -> None:
    assert strict(text) == [(D(v), k) for v, k in expected]


def test_there_are_many_extraction_cases() -> None:
    assert len(STRICT_CASES) >= 60


# Broad mode: what a source offers to be found, beyond the strict quantities.
BROAD_CASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("三轮磋商", [("3", "amount")]),
    ("两项措施", [("2", "amount")]),
    ("three rounds", [("3", "amount")]),
    ("twenty-five companies", [("25", "amount")]),
    ("five billion", [("5e9", "amount")]),
    ("第32条", [("32", "amount")]),
    ("Group 1", [("1", "amount")]),
    ("22日", [("22", "date")]),
    ("七千", [("7000", "amount")]),
]


@pytest.mark.parametrize(("text", "expected"), BROAD_CASES)
def test_broad_extraction(text: str, expected: list[tuple[str, str]]) -> None:
    found = [(q.value, q.kind) for q in extract_quantities(text, broad=True)]
    assert found == [(D(v), k) for v, k in expected]


@pytest.mark.parametrize(
    ("text", "written", "approx", "bound", "precision"),
    [
        ("为此将投资7000亿卢布", "7000亿", False, "", "1e8"),
        ("约合618亿元人民币", "618亿", True, "", "1e8"),
        ("about 62 billion yuan", "62 billion", True, "", "1e9"),
        ("approximately 61.8 billion yuan", "61.8 billion", True, "", "1e8"),
        ("more than 60 billion", "60 billion", True, "min", "1e9"),
        ("over 600亿", "600亿", True, "min", "1e8"),
        ("超过900亿欧元", "900亿", True, "min", "1e8"),
        ("逾千万", "", False, "", "1"),
        ("近7000万美元", "7000万", True, "max", "1e4"),  # nearly: just under
        ("nearly $70 million", "$70 million", True, "max", "1e6"),
        ("不到5%", "5%", True, "max", "1"),
        ("less than 5%", "5%", True, "max", "1"),
        ("30多亿吨", "30多亿", True, "min", "1e8"),
        ("1000余家", "1000余", True, "min", "1"),
        ("40%左右", "40%左右", True, "", "1"),
        ("１２.５％", "１２.５％", False, "", "0.1"),
    ],
)
def test_written_form_and_qualifiers(
    text: str, written: str, approx: bool, bound: str, precision: str
) -> None:
    found = extract_quantities(text)
    if not written:
        assert found == []  # 千万 without a digit is an idiom, not 10^7
        return
    (q,) = found
    assert (q.text, q.approx, q.bound, q.precision) == (written, approx, bound, D(precision))


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("七千", "7000"),
        ("三点五", "3.5"),
        ("十二", "12"),
        ("两千零二十三", "2023"),
        ("二〇二三", "2023"),
        ("一千零十", "1010"),
        ("一万零五", "10005"),
        ("七千亿", "7e11"),
        ("一万亿", "1e12"),
        ("一亿二千万", "1.2e8"),
        ("一点二万亿", "1.2e12"),
        ("四点八", "4.8"),
        ("壹佰贰拾", "120"),
        ("零", "0"),
    ],
)
def test_chinese_numerals(numeral: str, value: str) -> None:
    assert parse_chinese_numeral(numeral) == D(value)


@pytest.mark.parametrize("numeral", ["", "十四五", "百千", "点五", "三点", "一点二三四万五"])
def test_malformed_chinese_numerals(numeral: str) -> None:
    assert parse_chinese_numeral(numeral) is None


def one(text: str) -> Quantity:
    (q,) = extract_quantities(text)
    return q


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        ("700 billion", "7000亿"),
        ("61.8 billion", "618亿"),
        ("about 62 billion", "618亿"),
        ("62 billion", "618亿"),  # rounded to the digits written
        ("more than 60 billion", "618亿"),
        ("over 600亿", "618亿"),
        ("1.2 trillion", "1.2万亿"),
        ("1.2 trillion", "12000亿"),
        ("35,000 tonnes", "3.5万吨"),
        ("about 36,000 tonnes", "约3.6万吨"),
        ("$310 million", "3.1亿美元"),
        ("nearly $70 million", "近7000万美元"),
        ("about 40%", "40%左右"),
        ("about 2.5 billion", "26.2亿"),
        ("约621亿", "618亿"),
        ("4.8 percent", "百分之四点八"),
        ("97.3%", "增加97.3%"),
        ("35%", "35.4%"),
        ("in 2024", "2024年10月1日"),
        ("October 1, 2024", "2024年10月1日"),
        ("on October 24", "10月24日"),
        ("October 24, 2025", "10月24日"),
        ("July 22", "22日"),
        ("2,000 tonnes", "2000吨"),
        ("less than 5%", "4.5%"),
        ("3 rounds", "三轮"),
        ("about 2000 tonnes", "1980吨"),
        ("over 100 million tonnes", "1亿多吨"),
        ("more than 3 billion tonnes", "30多亿吨"),
        ("43.47 million tonnes", "4347万吨"),
        ("nearly 700,000 tonnes", "近70万吨"),
        ("January 1, 2009", "从2009年1月1日起"),
        ("120 million", "1亿2000万"),
    ],
)
def test_source_supports_claim(claim: str, source: str) -> None:
    c = one(claim)
    assert any(supports(c, s) for s in extract_quantities(source, broad=True))


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        ("800 billion", "7000亿"),
        ("61.9 billion", "618亿"),
        ("60 billion", "618亿"),  # exact as written: say "about"
        ("about 70 billion", "618亿"),
        ("约628亿", "618亿"),  # 5% off, but ten units of the last digit written
        ("超过628亿", "618亿"),
        ("4.8 billion", "4.8%"),  # a percent never equals an amount
        ("4.8%", "4.8亿"),
        ("2020", "2021年"),
        ("about 2021", "2020年"),  # a year is exact
        ("October 25", "10月24日"),
        ("November 24", "10月24日"),
        ("October 1, 2023", "2024年10月1日"),
        ("more than 700 billion", "618亿"),
        ("less than 5%", "5.5%"),
        ("3 rounds", "两轮"),
    ],
)
def test_source_does_not_support_claim(claim: str, source: str) -> None:
    c = one(claim)
    assert not any(supports(c, s) for s in extract_quantities(source, broad=True))


def test_agree_is_symmetric_about_who_rounded() -> None:
    assert agree(one("约620亿"), one("61.8 billion"))
    assert agree(one("61.8 billion"), one("约620亿"))
    assert not agree(one("61.8 billion"), one("628亿"))


# --- Properties ---------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


@given(AMOUNTS)
def test_yi_is_a_tenth_of_a_billion(x: Decimal) -> None:
    zh, en = one(f"投资{plain(x)}亿元"), one(f"invest {plain(x / 10)} billion yuan")
    assert zh.value == en.value == x * D("1e8")
    assert supports(en, zh) and supports(zh, en)


@given(AMOUNTS)
def test_wan_is_ten_thousand(x: Decimal) -> None:
    zh, en = one(f"产量{plain(x)}万吨"), one(f"output of {plain(x * 10)} thousand tonnes")
    assert zh.value == en.value and agree(zh, en)


@given(AMOUNTS)
def test_wanyi_is_a_trillion(x: Decimal) -> None:
    zh, en = one(f"规模{plain(x)}万亿元"), one(f"a {plain(x)} trillion yuan market")
    assert zh.value == en.value and agree(zh, en)


@given(st.integers(min_value=10_000, max_value=10**11 - 1))
def test_thousands_separators(n: int) -> None:
    zh, en = one(f"共{n}元"), one(f"a total of {n:,} yuan")
    assert zh.value == en.value == n


@given(st.integers(min_value=100, max_value=999_999))
def test_about_the_rounded_value_is_supported(n: int) -> None:
    source = one(f"投资{n}亿元")
    billions = (D(n) / 10).quantize(D(1), rounding=ROUND_HALF_UP)
    assert supports(one(f"about {billions} billion yuan"), source)


@given(st.integers(min_value=100, max_value=999_999))
def test_a_different_exact_value_is_not_supported(n: int) -> None:
    source = one(f"投资{n}亿元")
    wrong = f"{(D(n) + 1) / 10:.1f}"
    assert not supports(one(f"invest {wrong} billion yuan"), source)


NUMBERISH = st.lists(
    st.sampled_from(
        list("0123456789,.%-–—~ 年月日号时分点第约近超逾多余亿万千百十零〇一二两三四五六七八九")
        + list("０１２３４５６７８９％．，()（）[]$€£¥ bnmkGFTabout")
        + ["billion", "percent", "百分之", "分之", "October ", "Oct. ", "about ", "more than "]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500)
@given(NUMBERISH)
def test_extraction_never_raises_on_number_like_text(text: str) -> None:
    for broad in (False, True):
        for q in extract_quantities(text, broad=broad):
            assert q.kind in get_args(Kind)
            assert q.text


@given(st.text(max_size=80))
def test_extraction_never_raises_on_any_text(text: str) -> None:
    extract_quantities(text)
    extract_quantities(text, broad=True)


@settings(max_examples=300)
@given(NUMBERISH)
def test_a_text_grounds_its_own_claims(text: str) -> None:
    # Broad adds to strict and never drops from it, and every stated quantity backs itself:
    # the bilingual check relies on both.
    offered = extract_quantities(text, broad=True)
    for q in extract_quantities(text):
        assert q in offered
        assert supports(q, q)


@pytest.mark.parametrize(
    ("claim", "source", "expected"),
    [
        ("less than 90 billion euros", "超过900亿欧元", False),
        ("more than 90 billion euros", "超过900亿欧元", True),
        ("over 90 billion euros", "900亿欧元", True),
    ],
)
def test_opposite_bounds_contradict(claim: str, source: str, expected: bool) -> None:
    c = extract_quantities(claim)[0]
    s = extract_quantities(source, broad=True)[0]
    assert supports(c, s) is expected
