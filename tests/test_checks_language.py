"""wrong-language: the English of a statement is English, its Chinese is Chinese; and how an
English-language article is checked.

The failing texts are what the tiny model really wrote (tests/cassettes/test_tiny_model/)
and code-switched copies of real sentences from examples/shoigu-rare-earths.txt and the
reference export (../shared/reference).
"""

from __future__ import annotations

import pytest
from checks_support import found, one_claim, shared_article

from briefing.grounding import check_brief
from briefing.grounding.language import chinese_in_english, english_in_chinese
from briefing.ingest.article import body_id
from briefing.models import Article

# The shoigu article, as the reference export briefs it in English.
EN = "Russia plans to invest 700 billion rubles to develop a complete domestic rare earth chain."
ZH = "俄罗斯计划投资7000亿卢布，建立从开采到提纯的完整国内稀土产业链。"


@pytest.mark.parametrize(
    "en",
    [
        EN,
        'The US will cancel the 10% so-called "fentanyl tariff".',
        'The initiative, called "一带一路" in Chinese, is a quoted name.',
        "The regulation (《稀土管理条例》) took effect on October 1.",
    ],
)
def test_english_with_at_most_a_quoted_chinese_name_passes(en: str) -> None:
    assert chinese_in_english(en) is None


@pytest.mark.parametrize(
    "zh",
    [
        ZH,
        "中方将与美方妥善解决TikTok相关问题。",  # a product name
        "CT设备的出口管制",  # an acronym
        "台积电的28nm芯片，ResNet-50模型，F-35战机，5G网络，iPhone手机",  # units, models
        "坚持以世界贸易组织（World Trade Organization）为核心的多边贸易体制。",  # a gloss
    ],
)
def test_chinese_with_names_acronyms_and_units_passes(zh: str) -> None:
    assert english_in_chinese(zh) is None


@pytest.mark.parametrize(
    ("en", "shown"),
    [
        ("中美“斗法“把俄罗斯打醏！", "the English is written in Chinese"),  # the tiny model's
        ("Russia's 稀土 industry must be independent of China and the US.", "“稀土”"),
        ("Shoigu said the 稀土产业 must be 独立自主.", "“稀土产业…独立自主”"),
    ],
)
def test_chinese_in_the_english_is_caught(en: str, shown: str) -> None:
    detail = chinese_in_english(en)
    assert detail is not None and shown in detail


@pytest.mark.parametrize(
    ("zh", "shown"),
    [
        ("Russia plans to invest 700 billion rubles.", "the Chinese is written in English"),
        ("俄罗斯计划投资7000亿卢布，建立完整的rare earth产业链。", "“rare, earth”"),
        ("俄罗斯将建立Rare Earth Metal Industry Chain。", "“Rare Earth Metal Industr…”"),
        ("2025-2-25T07:36:59Z_2026-05-17T10:12:04Z_1177", "written in English"),  # tiny model
    ],
)
def test_english_in_the_chinese_is_caught(zh: str, shown: str) -> None:
    detail = english_in_chinese(zh)
    assert detail is not None and shown in detail


def test_a_code_switched_claim_is_one_finding_and_the_other_checks_still_run() -> None:
    brief = one_claim(
        shared_article("26"),
        "China's 2011 rare-earth 出口配额 totalled 30,184 tonnes, up 24.32% on 2010.",
        "2011年全年中国稀土出口配额总计30184吨，比2010年增长24.32%。",
        4,
    )
    [finding] = found(brief)
    assert (finding.where, finding.kind) == ("groups[0].claims[0]", "wrong-language")
    assert finding.detail == (
        "the English contains Chinese (“出口配额”): translate it, or quote it if it is a name"
    )


def test_titles_are_checked_too() -> None:
    brief = one_claim(shared_article("26"), EN, ZH, 4)
    brief.groups[0].title.zh = "rare earth quotas"
    assert [(f.where, f.kind) for f in found(brief, "wrong-language")] == [
        ("groups[0].title", "wrong-language")
    ]


# An English-language article: the reference export's English sentences as paragraphs.
# Decision (README "What the checks catch"): it is briefed and checked with the checks that
# apply; its claims' English is compared with the paragraphs, the Chinese only with the
# English (it is a translation, so the wording check on the Chinese does not apply).
ENGLISH_PARAGRAPHS = [
    "Rare earth elements have transcended ordinary mineral resources, becoming strategic "
    "resources essential for high-tech industries and military applications.",
    "The US has long relied on China for rare earth supplies, and the loss of this supply has "
    "highlighted vulnerabilities in US military capabilities.",
    "Russia plans to invest 700 billion rubles (approximately 61.8 billion yuan) to develop a "
    "complete domestic industry chain for rare earths.",
]
ENGLISH = Article(
    id=body_id(ENGLISH_PARAGRAPHS),
    title="Russia's rare earth ambitions",
    language="en",
    paragraphs=ENGLISH_PARAGRAPHS,
)


def test_an_english_article_s_correct_claim_passes() -> None:
    brief = one_claim(
        ENGLISH,
        "The US has long relied on China for rare earth supplies.",
        "美国长期依赖中国的稀土供应。",
        2,
    )
    assert check_brief(brief) == []  # text-not-in-cited included: no Chinese to compare


def test_an_english_article_s_claim_is_checked_against_its_english() -> None:
    brief = one_claim(
        ENGLISH,
        "The US has never relied on China for rare earth supplies.",
        "美国从未依赖中国的稀土供应。",
        2,
    )
    [finding] = found(brief)
    assert finding.kind == "negation-mismatch"
    assert finding.detail.startswith("the English says never, the cited paragraph 2 says it")
