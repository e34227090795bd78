"""Story synthesis: cross-article citations validated and grounded, one re-ask on errors."""

from __future__ import annotations

import copy

import pytest
from conftest import EXAMPLES, load_answer
from fakes import FakeLLM

from briefing.brief.answers import brief_from_answer
from briefing.digest.synthesis import story_from_answer, story_of_one, synthesize_story
from briefing.grounding import check_story
from briefing.ingest import read_source
from briefing.models import Brief, BriefAnswer, BriefMeta, StoryAnswer


@pytest.fixture
def briefs() -> list[Brief]:
    meta = BriefMeta(model="m", prompt="brief@1", generated_at="")
    out = []
    for name in ("shoigu-rare-earths.txt", "rare-earth-regulation.json"):
        article = read_source(str(EXAMPLES / name))[0]
        answer = BriefAnswer.model_validate(load_answer(article.id))
        out.append(brief_from_answer(article, answer, meta))
    return out


def _answer(shoigu: str, regulation: str) -> dict:
    """A synthesis over the two example articles, written for these tests."""
    return {
        "title": {"en": "Rare earths: Russia and China", "zh": "稀土：俄罗斯与中国"},
        "summary": {
            "en": "Russia plans to invest 700 billion rubles in its own rare-earth chain, while "
            "China's regulation takes effect on October 1, 2024.",
            "zh": "俄罗斯计划投资7000亿卢布建设自主稀土产业链，中国的条例自2024年10月1日起施行。",
            "cites": [
                {"article": shoigu, "paragraphs": [3]},
                {"article": regulation, "paragraphs": [1]},
            ],
        },
        "claims": [
            {
                "en": "China's Rare Earth Management Regulation has 32 articles.",
                "zh": "中国《稀土管理条例》共32条。",
                "cites": [{"article": regulation, "paragraphs": [1]}],
            }
        ],
    }


def test_a_correct_synthesis_has_no_findings(briefs: list[Brief]) -> None:
    s, r = (b.article.id for b in briefs)
    llm = FakeLLM().enqueue(_answer(s, r))
    story, usage = synthesize_story(briefs, llm)
    assert story.findings == [] and story.articles == [s, r]
    assert story.summary.cites[0].article == s
    assert usage.prompt_tokens == 100
    prompt = llm.history[0][1].content
    assert f"## Article {s}" in prompt and "(paragraphs 3)" in prompt


def test_wrong_cross_article_cites_are_caught(briefs: list[Brief]) -> None:
    s, r = (b.article.id for b in briefs)
    articles = {b.article.id: b.article for b in briefs}
    bad = copy.deepcopy(_answer(s, r))
    bad["claims"][0]["cites"] = [{"article": "0123456789ab", "paragraphs": [1]}]
    bad["summary"]["cites"] = [{"article": s, "paragraphs": [9]}, {"article": r, "paragraphs": [1]}]
    story = story_from_answer(StoryAnswer.model_validate(bad), [s, r])
    kinds = [(f.where, f.kind) for f in check_story(story, articles)]
    assert ("summary", "cite-out-of-range") in kinds
    assert ("claims[0]", "cite-out-of-range") in kinds
    # 700 billion is in the Shoigu article's paragraph 3, which the summary no longer cites.
    assert ("summary", "number-not-in-cited") in kinds


def test_a_number_from_the_wrong_article_is_caught(briefs: list[Brief]) -> None:
    s, r = (b.article.id for b in briefs)
    bad = copy.deepcopy(_answer(s, r))
    bad["claims"][0]["cites"] = [{"article": s, "paragraphs": [3]}]
    story = story_from_answer(StoryAnswer.model_validate(bad), [s, r])
    findings = check_story(story, {b.article.id: b.article for b in briefs})
    assert [f.kind for f in findings] == ["number-not-in-cited", "number-not-in-cited"]
    assert f"{r} paragraph 1" in findings[0].detail


def test_errors_trigger_one_reask(briefs: list[Brief]) -> None:
    s, r = (b.article.id for b in briefs)
    bad = copy.deepcopy(_answer(s, r))
    bad["claims"][0]["cites"] = [{"article": s, "paragraphs": [3]}]
    llm = FakeLLM().enqueue(bad, _answer(s, r))
    story, usage = synthesize_story(briefs, llm)
    assert len(llm.history) == 2 and story.findings == []
    assert "claims[0]" in llm.history[1][-1].content
    assert usage.prompt_tokens == 200


def test_a_single_article_story_reuses_its_brief(briefs: list[Brief]) -> None:
    story = story_of_one(briefs[0])
    assert story.title == briefs[0].title
    assert story.summary.en == briefs[0].core_viewpoint.en
    assert story.summary.cites[0].paragraphs == briefs[0].core_viewpoint.cites


def test_a_story_claim_without_numbers_must_share_wording_with_its_cites(
    briefs: list[Brief],
) -> None:
    s, r = (b.article.id for b in briefs)
    articles = {b.article.id: b.article for b in briefs}
    answer = copy.deepcopy(_answer(s, r))
    words = "".join(c for c in articles[s].paragraphs[1] if "\u4e00" <= c <= "\u9fff")[:20]
    answer["claims"][0].update(zh=words + "。", en="Words of the article.")
    answer["claims"][0]["cites"] = [{"article": s, "paragraphs": [2]}]
    assert (
        check_story(story_from_answer(StoryAnswer.model_validate(answer), [s, r]), articles) == []
    )
    answer["claims"][0]["cites"] = [{"article": r, "paragraphs": [1]}]
    findings = check_story(story_from_answer(StoryAnswer.model_validate(answer), [s, r]), articles)
    assert [(f.where, f.kind) for f in findings] == [("claims[0]", "text-not-in-cited")]
