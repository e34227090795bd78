"""negation-mismatch: a claim that denies what its other language or its cited paragraph
affirms, or the reverse; silent where it cannot decide.

Real sentences from ../shared/data/articles and the authored example answers; the failing
copy removes or adds one negation.
"""

from __future__ import annotations

import pytest
from checks_support import found, one_claim, shared_article

from briefing.grounding.negation import bilingual, definite, may_negate

CORRECT = [
    ("25", 11, "Commerce Minister Chen Deming said China's 2011 rare-earth export quota would "
     "not fall sharply.", "商务部部长陈德铭表示，2011年中国稀土出口配额不会大幅下降。"),
    ("04", 4, "China does not make trouble but is not afraid of it; pressure and threats are "
     "not the right way to deal with China.",
     "我们不惹事，也不怕事，施压和威胁不是同中方打交道的正确方式。"),
    ("13", 4, "The French minister said the current talks had not produced results.",
     "费拉奇说，当前谈判未见成效。"),
    ("dup_02_b", 11, "Imports are only 5% of China's coal consumption, so the huge domestic "
     "market has not been hit by the growth in imports.",
     "由于进口煤占全国煤炭消费比例仅为5%，因此规模庞大的国内煤炭市场没有受到进口量增长的冲击。"),
    ("03", 8, "The results were hard-won; China looks forward to implementing them with the US.",
     "经贸磋商成果来之不易，中方期待与美方共同做好落实工作。"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "paragraph", "en", "zh"), CORRECT)
def test_a_claim_negating_what_its_source_negates_passes(
    name: str, paragraph: int, en: str, zh: str
) -> None:
    assert found(one_claim(shared_article(name), en, zh, paragraph)) == []


def test_a_negation_dropped_from_the_chinese_is_caught_both_ways() -> None:
    brief = one_claim(
        shared_article("25"),
        "Commerce Minister Chen Deming said China's 2011 rare-earth export quota would not "
        "fall sharply.",
        "商务部部长陈德铭表示，2011年中国稀土出口配额将大幅下降。",
        11,
    )
    findings = found(brief)
    assert [f.kind for f in findings] == ["negation-mismatch", "negation-mismatch"]
    assert findings[0].detail == "the English says not, the Chinese has no negation"
    assert findings[1].detail == (
        "the cited paragraph 11 says 不, the Chinese says it without the negation"
    )


def test_a_negation_dropped_from_both_languages_is_caught_against_the_source() -> None:
    brief = one_claim(
        shared_article("13"),
        "The French minister said the current talks had produced results.",
        "费拉奇说，当前谈判已见成效。",
        4,
    )
    [finding] = found(brief)
    assert finding.kind == "negation-mismatch"
    assert "the cited paragraph 4 says 未" in finding.detail


def test_a_negation_added_is_caught_against_the_source() -> None:
    # 04.json paragraph 4: 中国已经并将继续采取坚决措施 (China has taken and will keep taking
    # resolute measures); the copy says China will not.
    brief = one_claim(
        shared_article("04"),
        "China will not take resolute measures to defend its sovereignty.",
        "中国不会采取坚决措施，维护自身主权安全发展利益。",
        4,
    )
    [finding] = found(brief)
    assert finding.kind == "negation-mismatch"
    assert finding.detail.startswith("the Chinese says 不, the cited paragraph 4 says it")


def test_a_negation_only_in_the_english_is_caught() -> None:
    en = "The French minister said the current talks had not produced results."
    assert bilingual(en, "费拉奇说，当前谈判取得成效。") == (
        "the English says not, the Chinese has no negation"
    )


@pytest.mark.parametrize(
    "text",
    [
        "经贸磋商成果来之不易",  # hard-won
        "俄罗斯不得不警惕起来",  # had to become wary
        "不断增进共识",  # continuously
        "不超过50%",  # a bound: the number checks' business
        "no more than 50%",
        "Announcement No. 21",
        "not only tariffs",
    ],
)
def test_idioms_bounds_and_abbreviations_are_no_negation(text: str) -> None:
    assert definite(text) == []


def test_words_that_may_carry_a_negation_keep_the_check_silent() -> None:
    # 对不依法执行反制措施的 is "those who fail to carry out countermeasures": no "not".
    assert may_negate("Those who fail to carry out countermeasures may be ordered to correct it")
    assert (
        bilingual("Those who fail to carry out countermeasures", "对不依法执行反制措施的") is None
    )
    assert (
        bilingual("The regulation bars any organisation from seizing them", "任何组织不得侵占")
        is None
    )
