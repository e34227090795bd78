"""Hostile numerals never sink the grounding checks: a number of 5,000 digits, a thousand
repeated units, a 100 kB run of digits with separators is read as a quantity or ignored,
never an exception (ValueError from int(), RecursionError, decimal.Overflow) after the model
calls were paid for. Real amounts of real articles still read exactly as before.

check_brief turns an exception in the checks into a check-failed finding (the statement stays
unverified, the brief gets an error), so "never an exception" is asserted as "never a
check-failed finding" as well as no traceback.

Time is not asserted here (a loaded CI machine would make it flaky); the inputs are the ones
that took seconds to minutes before the caps in chinese.py and numbers.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.grounding import check_brief, extract_quantities
from briefing.grounding.chinese import BIG_UNITS, DIGITS, SMALL_UNITS, parse_chinese_numeral
from briefing.models import Article, Bilingual, Brief, BriefMeta, Claim, Finding, Group

D = Decimal
FULL = str.maketrans("0123456789%.", "０１２３４５６７８９％．")

# Each of these raised or took seconds to minutes before (see the module docstring).
HOSTILE: dict[str, str] = {
    "9x5000 wan": "九" * 5000 + "万元",
    "yi x1100": "一" + "亿" * 1100,
    "wan x1000": "一" + "万" * 1000 + "元",
    "yi wan x500": "三" + "亿万" * 500,
    "yi past decimal Emax": "一" + "亿" * 130_000,
    "zero x5000 yi": "一" + "零" * 5000 + "亿",
    "dian 5000 digits": "一点" + "二" * 5000 + "万亿",
    "dian then units": "一点二" + "万亿" * 500,
    "qian x2000": "一千" * 2000,
    "percent of 5000": "百分之" + "九" * 5000,
    "5000 fraction": "九" * 5000 + "分之三",
    "year of 5000": "二" * 5000 + "年",
    "arabic 5000 yi": "投资" + "9" * 5000 + "亿元",
    "arabic 5000 decimals": "投资1." + "9" * 5000 + "亿元",
    "arabic 5000 then wan": "投资" + "9" * 5000 + ".5万元",
    "full-width 5000": "投资" + ("9" * 5000).translate(FULL) + "亿元",
    "arabic then wan x1000": "5" + "万" * 1000,
    "lower part 5000": "1亿" + "9" * 5000 + "万",
    "dollar 5000 bn": "$" + "9" * 5000 + "bn",
    "100k separators": "共" + ",".join(["999"] * 25_000) + "元",
    "100k thousands": "1" + ",000" * 25_000 + ".5 yuan",
    "100k dotted": ".".join(["1"] * 50_000),
    "100k percent": "1" * 100_000 + "%",
    "100k comma list": ",".join(["1"] * 50_000),
    "mixed numerals": "一百二十亿 两千 億 萬 1.2万亿 一点二万亿 ５００亿 " * 300,
}

# Paragraphs verbatim from /work/shared/data/articles/13.json (CCTV, 2025-07-23).
CCTV = Article(
    id="13a7c0de0013",
    title="国际货币基金组织称贸易战升级或对全球经济造成重大影响",
    source="CCTV",
    published="2025-07-23",
    paragraphs=[
        (
            "法国工业与能源部长费拉奇22日表示，如果在8月1日前无法与美国达成协议，欧盟必须采取"
            "反制措施，其中包括对总额超过900亿欧元的美国产品加征关税。费拉奇说，当前谈判未见"
            "成效，欧洲方面须调整策略，展现更强硬、可信的立场。"
        ),
        (
            "美国通用汽车公司22日发布二季度业绩报告显示，该公司今年二季度净利润同比下跌35.4%。"
            "美国媒体报道称，美国政府关税政策导致该公司二季度损失11亿美元。通用汽车还称，预计"
            "关税影响将进一步加剧，该公司今年可能因此损失40亿至50亿美元。"
        ),
    ],
)


def brief(art: Article, *claims: Claim) -> Brief:
    return Brief(
        article=art,
        title=Bilingual(en="Tariffs", zh="关税"),
        core_viewpoint=Claim(en="Tariffs hurt trade.", zh="关税损害贸易。", cites=[1]),
        groups=[Group(title=Bilingual(en="Facts", zh="事实"), claims=list(claims))],
        meta=BriefMeta(model="test", prompt="brief@1", generated_at="2026-01-01T00:00:00"),
    )


def hostile_claim(text: str) -> Claim:
    return Claim(en=f"The fund cites {text}.", zh=f"报告称{text}。", cites=[1])


def assert_checked(findings: list[Finding]) -> None:
    """The checks ran: no statement was left unverified because they raised."""
    assert [f for f in findings if f.kind == "check-failed"] == []


# --- Through the public checking function ---------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_numeral_in_a_claim_is_checked_not_raised(text: str) -> None:
    findings = check_brief(brief(CCTV, hostile_claim(text)))
    assert_checked(findings)
    assert all(f.where == "groups[0].claims[0]" for f in findings)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_numeral_in_the_article_is_read_or_ignored(text: str) -> None:
    art = CCTV.model_copy(update={"paragraphs": [*CCTV.paragraphs, text]})
    claim = Claim(
        en="GM may lose $4-5 billion.", zh="通用汽车今年可能损失40亿至50亿美元。", cites=[2]
    )
    assert check_brief(brief(art, claim)) == []


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_extraction_of_a_hostile_numeral_is_total(text: str) -> None:
    for broad in (False, True):
        for q in extract_quantities(text, broad=broad):
            assert q.value.is_finite() and q.text in text


def test_numerals_past_the_cap_are_not_amounts_and_short_ones_still_are() -> None:
    from briefing.grounding.chinese import MAX_NUMERAL_CHARS

    assert parse_chinese_numeral("九" * (MAX_NUMERAL_CHARS + 1)) is None
    assert parse_chinese_numeral("一" + "亿" * 1100) is None
    assert parse_chinese_numeral("一亿亿") == D(10**16)
    assert parse_chinese_numeral(
        "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九"
    ) == D("9999999999999999")
    assert extract_quantities("九" * 5000 + "万元") == []
    assert extract_quantities("投资" + "9" * 5000 + "亿元") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("投资５００亿元", D("5e10")),
        ("一百二十亿元", D("1.2e10")),
        ("规模达1.2万亿元", D("1.2e12")),
        ("规模达一点二万亿元", D("1.2e12")),
        ("两千零二十三家企业", D(2023)),
        ("一亿二千万元", D(120_000_000)),
    ],
)
def test_mixed_numerals_and_decimals_still_read(text: str, value: Decimal) -> None:
    (q,) = extract_quantities(text)
    assert q.value == value


# --- Through the real CLI ---------------------------------------------------------------------


def briefing_script() -> Path:
    script = Path(sys.executable).with_name("briefing")
    if not script.exists():
        pytest.skip("the briefing script is not installed next to this Python")
    return script


def test_check_cli_on_a_brief_full_of_hostile_numerals(tmp_path: Path) -> None:
    claims = [hostile_claim(text) for text in HOSTILE.values()]
    art = CCTV.model_copy(update={"paragraphs": [*CCTV.paragraphs, *HOSTILE.values()]})
    path = tmp_path / "brief.json"
    path.write_text(brief(art, *claims).model_dump_json(), "utf-8")
    done = subprocess.run(
        [str(briefing_script()), "check", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr[-2000:]
    assert_checked([Finding.model_validate(f) for f in json.loads(done.stdout)])


@pytest.mark.parametrize("key", ["9x5000 wan", "yi x1100", "100k dotted", "100k percent"])
def test_check_cli_on_each_reported_crash(tmp_path: Path, key: str) -> None:
    path = tmp_path / "brief.json"
    path.write_text(brief(CCTV, hostile_claim(HOSTILE[key])).model_dump_json(), "utf-8")
    done = subprocess.run(
        [str(briefing_script()), "check", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert_checked([Finding.model_validate(f) for f in json.loads(done.stdout)])


# --- Real sentences keep their quantities ----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 13.json (CCTV, 2025-07-23)
        (
            "法国工业与能源部长费拉奇22日表示，如果在8月1日前无法与美国达成协议，欧盟必须采取"
            "反制措施，其中包括对总额超过900亿欧元的美国产品加征关税。",
            [("date", D(801), ""), ("amount", D("9e10"), "min")],
        ),
        (
            "通用汽车还称，预计关税影响将进一步加剧，该公司今年可能因此损失40亿至50亿美元。",
            [("amount", D("4e9"), ""), ("amount", D("5e9"), "")],
        ),
        # 25.json
        (
            "数据显示，2009年稀土配额总量为4.81551万吨，2010年降为3.0259万吨，降幅高达40%左右，"
            "同时稀土出口还增加了15%至25%不等的关税。",
            [
                ("year", D(2009), ""),
                ("amount", D("48155.1"), ""),
                ("year", D(2010), ""),
                ("amount", D(30259), ""),
                ("percent", D(40), ""),
                ("percent", D(15), ""),
                ("percent", D(25), ""),
            ],
        ),
        # 27.json
        (
            "据介绍，2009年中国共出口稀土产品约3.6万吨(以氧化物计)，出口额约为3.1亿美元。",
            [("year", D(2009), ""), ("amount", D(36000), ""), ("amount", D("3.1e8"), "")],
        ),
    ],
)
def test_real_sentences_still_read(sentence: str, expected: list[tuple[str, Decimal, str]]) -> None:
    got = [(q.kind, q.value, q.bound) for q in extract_quantities(sentence)]
    assert got == expected


def test_real_claim_still_checks_out_and_a_wrong_one_is_caught() -> None:
    right = Claim(
        en="The EU may tax over €90 billion of US goods.",
        zh="欧盟或对超过900亿欧元的美国产品加征关税。",
        cites=[1],
    )
    wrong = Claim(
        en="The EU may tax over €95 billion of US goods.",
        zh="欧盟或对超过950亿欧元的美国产品加征关税。",
        cites=[1],
    )
    assert check_brief(brief(CCTV, right)) == []
    assert {f.kind for f in check_brief(brief(CCTV, wrong))} == {"number-not-in-source"}


# --- Properties -------------------------------------------------------------------------------

PROPERTY = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NUMERAL_PIECES = [
    *"0123456789０１２３４５６７８９",
    *DIGITS,
    *SMALL_UNITS,
    *BIG_UNITS,
    *"億萬点.,%％．",
    "分之",
    "百分之",
    "年",
    "月",
    "日",
    "元",
    "多",
    "约",
    " ",
    "至",
    "and",
]


def soup(pieces: list[str], max_chars: int = 6000) -> st.SearchStrategy[str]:
    """Pieces and long repeats of one piece (亿亿亿…, 999…, ,,,), up to `max_chars` in all:
    repeats of up to 5,000 reach where int() and the recursion used to give up."""
    return st.lists(
        st.one_of(
            st.sampled_from(pieces),
            st.builds(lambda p, n: p * n, st.sampled_from(pieces), st.integers(1, 5000)),
        ),
        max_size=30,
    ).map(lambda parts: "".join(parts)[:max_chars])


@PROPERTY
@given(soup(NUMERAL_PIECES))
def test_extraction_never_raises_on_numeral_soup(text: str) -> None:
    for broad in (False, True):
        for q in extract_quantities(text, broad=broad):
            assert q.value.is_finite() and q.text in text


@PROPERTY
@given(soup([*DIGITS, *SMALL_UNITS, *BIG_UNITS, "点"]))
def test_chinese_numeral_parse_is_total(text: str) -> None:
    value = parse_chinese_numeral(text)
    assert value is None or (value.is_finite() and value >= 0)


def _reference_integer(text: str) -> int | None:
    """The recursive reading the iterative one replaced, kept here as the oracle."""
    from briefing.grounding.chinese import _section

    for big in ("亿", "万"):
        i = text.rfind(big)
        if i < 0:
            continue
        left = _reference_integer(text[:i]) if text[:i] else 1
        right = _reference_integer(text[i + 1 :]) if text[i + 1 :] else 0
        if not left or right is None or right >= BIG_UNITS[big]:
            return None
        return left * BIG_UNITS[big] + right
    return _section(text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet="".join([*DIGITS, *SMALL_UNITS, *BIG_UNITS]), min_size=1, max_size=16))
def test_iterative_reading_equals_the_recursive_one(text: str) -> None:
    expected = _reference_integer(text)
    assert parse_chinese_numeral(text) == (None if expected is None else D(expected))
