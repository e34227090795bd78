"""Story synthesis: one model call over the member briefs, cross-article cites checked."""

from __future__ import annotations

from briefing.brief.reask import ask_grounded
from briefing.grounding import check_story
from briefing.llm.base import LLM
from briefing.models import (
    ArticleCite,
    Bilingual,
    Brief,
    Finding,
    Story,
    StoryAnswer,
    StoryClaim,
    StoryClaimAnswer,
    Usage,
)
from briefing.prompts import render_messages

PROMPT = "story"


def synthesize_story(briefs: list[Brief], llm: LLM) -> tuple[Story, Usage]:
    """The synthesis of a story of two or more briefs, and what it cost."""
    members = [brief.article.id for brief in briefs]
    articles = {brief.article.id: brief.article for brief in briefs}

    def check(answer: StoryAnswer) -> list[Finding]:
        return check_story(story_from_answer(answer, members), articles)

    messages = render_messages(PROMPT, briefs=briefs)
    result = ask_grounded(llm, messages, StoryAnswer, PROMPT, check)
    story = story_from_answer(result.value, members)
    return story.model_copy(update={"findings": result.findings}), result.usage


def story_from_answer(answer: StoryAnswer, members: list[str]) -> Story:
    """The Story an answer makes for the member articles, before any check has run."""
    return Story(
        title=Bilingual(**answer.title.model_dump()),
        articles=members,
        summary=_claim(answer.summary),
        claims=[_claim(claim) for claim in answer.claims],
    )


def story_of_one(brief: Brief) -> Story:
    """A single-article story reuses the article's brief: its title and core viewpoint."""
    cv = brief.core_viewpoint
    return Story(
        title=brief.title,
        articles=[brief.article.id],
        summary=StoryClaim(
            en=cv.en, zh=cv.zh, cites=[ArticleCite(article=brief.article.id, paragraphs=cv.cites)]
        ),
    )


def _claim(answer: StoryClaimAnswer) -> StoryClaim:
    return StoryClaim(
        en=answer.en,
        zh=answer.zh,
        cites=[ArticleCite(**cite.model_dump()) for cite in answer.cites],
    )
