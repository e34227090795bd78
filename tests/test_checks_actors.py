"""actor-mismatch: the countries and organisations a claim names must be named in both its
languages (the English may not name a party the Chinese replaces with another) and in the
paragraphs it cites, or in the title and first paragraph that set every paragraph's scene.

Real sentences from ../shared/data/articles/03.json (MOFCOM on the Kuala Lumpur talks) and
13.json (the IMF on trade wars); the failing copy swaps one party.
"""

from __future__ import annotations

import pytest
from checks_support import found, one_claim, shared_article

from briefing.grounding.actors import named

# Paragraph 4 of 03.json: 美方将取消针对中国商品…加征的10%所谓“芬太尼关税”.
EN_4 = "The US will cancel the 10% so-called fentanyl tariff on Chinese goods."
ZH_4 = "美方将取消针对中国商品加征的10%所谓“芬太尼关税”。"

CORRECT = [
    ("03", 4, EN_4, ZH_4),
    # The speaker is named in paragraph 1 (the frame), the claim cites paragraph 2.
    ("03", 2, "The Commerce Ministry spokesperson said the Chinese and US heads of state met "
     "in Busan, South Korea.", "商务部新闻发言人表示，中美两国元首在韩国釜山举行会晤。"),
    ("13", 1, "The IMF said a trade war escalated by US tariff policy may seriously hurt the "
     "world economy.",
     "国际货币基金组织发布报告称，美国关税政策引发的贸易战升级或将对全球宏观经济造成重大影响。"),
    ("13", 4, "France's industry minister said the EU must take countermeasures if no deal "
     "with the US is reached by August 1.",
     "法国工业与能源部长费拉奇表示，如果在8月1日前无法与美国达成协议，欧盟必须采取反制措施。"),
    # The Chinese drops the subject the context gives (pro-drop): no finding.
    ("03", 5, "China will suspend the related export controls it announced on October 9 for a "
     "year.", "将暂停实施10月9日公布的相关出口管制等措施一年。"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "paragraph", "en", "zh"), CORRECT)
def test_a_claim_naming_the_source_s_parties_passes(
    name: str, paragraph: int, en: str, zh: str
) -> None:
    assert found(one_claim(shared_article(name), en, zh, paragraph)) == []


def test_the_english_naming_another_party_is_caught() -> None:
    brief = one_claim(shared_article("03"), EN_4.replace("The US", "Japan"), ZH_4, 4)
    details = [f.detail for f in found(brief)]
    assert details == [
        "the English names Japan (Japan); the Chinese does not, it names 美方",
        "the claim names Japan (Japan); the cited paragraph 4 does not (nor does the article)",
    ]


def test_the_chinese_naming_another_party_is_caught_against_the_source() -> None:
    brief = one_claim(shared_article("03"), "It will cancel the 10% fentanyl tariff.",
                      ZH_4.replace("美方", "欧盟"), 4)  # fmt: skip
    [finding] = found(brief)
    assert finding.kind == "actor-mismatch"
    assert finding.detail.startswith("the claim names the EU (欧盟); the cited paragraph 4")


def test_a_party_from_another_paragraph_is_caught_and_located() -> None:
    # In 13.json the EU must respond (paragraph 4); Brazil is in paragraph 7 only.
    brief = one_claim(
        shared_article("13"),
        "France's industry minister said Brazil must take countermeasures if no deal with the "
        "US is reached by August 1.",
        "法国工业与能源部长费拉奇表示，如果在8月1日前无法与美国达成协议，巴西必须采取反制措施。",
        4,
    )
    [finding] = found(brief)
    assert finding.detail == (
        "the claim names Brazil (巴西); the cited paragraph 4 does not (it appears in paragraph 7)"
    )


def test_a_party_named_in_the_title_may_be_named_in_any_claim() -> None:
    # 13.json's title names the IMF: a claim on paragraph 4 may say who reports it.
    brief = one_claim(
        shared_article("13"),
        "The IMF report notes France's industry minister said the EU must take countermeasures.",
        "国际货币基金组织报道，法国工业与能源部长费拉奇表示，欧盟必须采取反制措施。",
        4,
    )
    assert found(brief, "actor-mismatch") == []


@pytest.mark.parametrize(
    ("text", "actors"),
    [
        ("中方已在世贸组织争端解决机制下起诉美相关做法", {"China", "the WTO", "the US"}),
        ("中美两国元首", {"China", "the US"}),
        ("以美元计价", set()),  # the dollar is no party
        ("印度尼西亚出口", set()),  # Indonesia is not India
        ("exports to Latin America", set()),
        ("the Customs Tariff Commission of the State Council", {"the State Council"}),
        ("the People's Bank of China", {"the central bank (PBOC)"}),  # one name
        ("中国人民银行", {"the central bank (PBOC)"}),
        ("let us talk", set()),  # "us" is no US
    ],
)
def test_the_gazetteer_reads_names_not_look_alikes(text: str, actors: set[str]) -> None:
    assert set(named(text)) == actors
