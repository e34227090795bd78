"""direction-mismatch: rose where the other language or the cited paragraph says fell.

Real sentences from ../shared/data/articles: the correct claim states what the paragraph
states; the failing copy flips one direction word and nothing else.
"""

from __future__ import annotations

import pytest
from checks_support import found, one_claim, shared_article

from briefing.grounding.direction import said

# (article, paragraph, English, Chinese): each claim says what its paragraph says.
CORRECT = [
    ("13", 6, "GM's second-quarter net profit fell 35.4% year on year.",
     "美国通用汽车公司今年二季度净利润同比下跌35.4%。"),
    ("26", 4, "China's 2011 rare-earth export quota totalled 30,184 tonnes, up 24.32% on 2010.",
     "2011年全年中国稀土出口配额总计30184吨，比2010年增长24.32%。"),
    ("dup_02_a", 3, "In the first four months China's net coal imports fell 27.2% year on year.",
     "前四个月，我国煤炭净进口同比下降27.2%。"),
    ("dup_02_a", 5, "Coal imports in the first four months were down 13.56 million tonnes on "
     "a year earlier, at about 43.47 million tonnes.",
     "今年前四个月，全国累计进口煤炭大约为4347万吨，较去年同期减少1356万吨。"),
    ("13", 1, "The IMF says higher tariffs will push up import prices and add to inflation "
     "pressure.", "报告说，更高的关税将导致进口价格上涨从而加剧通胀压力。"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "paragraph", "en", "zh"), CORRECT)
def test_a_claim_with_the_source_s_direction_passes(
    name: str, paragraph: int, en: str, zh: str
) -> None:
    assert found(one_claim(shared_article(name), en, zh, paragraph)) == []


def test_the_english_flipped_is_caught_against_the_chinese() -> None:
    brief = one_claim(
        shared_article("13"),
        "GM's second-quarter net profit rose 35.4% year on year.",
        "美国通用汽车公司今年二季度净利润同比下跌35.4%。",
        6,
    )
    [finding] = found(brief)
    assert finding.kind == "direction-mismatch"
    assert finding.detail.startswith("the English says rose (up), the Chinese says 下跌 (down)")


def test_both_languages_flipped_are_caught_against_the_cited_paragraph() -> None:
    brief = one_claim(
        shared_article("dup_02_a"),
        "In the first four months China's net coal imports rose 27.2% year on year.",
        "前四个月，我国煤炭净进口同比增长27.2%。",
        3,
    )
    [finding] = found(brief)
    assert finding.kind == "direction-mismatch"
    assert finding.detail == (
        "the Chinese says 增长 (up), the cited paragraph 3 says 下降 (down) about the same thing"
    )


@pytest.mark.parametrize(
    ("zh", "word"),
    [
        ("2011年全年中国稀土出口配额总计30184吨，比2010年下降24.32%。", "下降"),
        ("2011年全年中国稀土出口配额总计30184吨，比2010年减少24.32%。", "减少"),
    ],
)
def test_a_flipped_chinese_verb_is_caught_both_ways(zh: str, word: str) -> None:
    en = "China's 2011 rare-earth export quota totalled 30,184 tonnes, up 24.32% on 2010."
    findings = found(one_claim(shared_article("26"), en, zh, 4))
    assert [f.kind for f in findings] == ["direction-mismatch", "direction-mismatch"]
    assert f"the Chinese says {word} (down)" in findings[0].detail  # against the English
    assert "the cited paragraph 4 says 增长 (up)" in findings[1].detail


def test_a_paragraph_about_something_else_is_not_compared() -> None:
    # Paragraph 6 of article 13 says profit fell; a claim that import prices rose, citing
    # it, shares no wording with that clause: the direction check stays silent.
    brief = one_claim(
        shared_article("13"),
        "Higher tariffs will push up import prices.",
        "更高的关税将导致进口价格上涨。",
        6,
    )
    assert found(brief, "direction-mismatch") == []


def test_silent_when_a_side_states_both_directions() -> None:
    # 26.json paragraph 5: quotas rose sharply in 2011 after falling sharply in 2010.
    zh = "2011年稀土出口配额大幅增长，与2010年相对2009年大幅下降，都是超预期的。"
    assert said(zh) is None
    brief = one_claim(
        shared_article("26"), "The 2011 quota fell sharply, beyond expectations.", zh, 5
    )
    assert found(brief, "direction-mismatch") == []


def test_a_negated_direction_is_no_direction() -> None:
    # 25.json paragraph 11: 2011年中国稀土出口配额不会大幅下降 (will not fall sharply).
    assert said("2011年中国稀土出口配额不会大幅下降") is None
    assert said("China's 2011 quota will not fall sharply") is None
    assert said("不断增长").direction == "up"  # type: ignore[union-attr]  # 不断: continuously


def test_up_and_down_count_only_before_an_amount() -> None:
    assert said("set up a consultation mechanism") is None
    assert said("exports were up 5%").direction == "up"  # type: ignore[union-attr]
    assert said("imports were down by 3%").direction == "down"  # type: ignore[union-attr]
