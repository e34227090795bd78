"""Story synthesis: one model call over the member briefs, cross-article cites checked."""

from __future__ import annotations

from collections.abc import Iterable

from briefing.brief.reask import ask_grounded
from briefing.glossary import Glossary, prompt_terms
from briefing.grounding import check_story
from briefing.llm.base import LLM, Ask
from briefing.models import (
    ArticleCite,
    Bilingual,
    Brief,
    Finding,
    Story,
    StoryAnswer,
    StoryClaim,
    StoryClaimAnswer,
    TimelineEntry,
    Usage,
)
from briefing.prompts import render_messages

PROMPT = "story"


def synthesize_story(
    briefs: list[Brief],
    llm: LLM,
    *,
    events: Iterable[tuple[str, str]] = (),
    glossary: Glossary | None = None,
) -> tuple[Story, Usage]:
    """The synthesis of a story of two or more briefs, and what it cost.

    `events`: pairs of article ids worded alike that report two events (see
    briefing.digest.dedupe). A story holding such a pair is a sequence: its briefs go to the
    model in date order, with the prompt's instructions to say what changed between them.
    With a `glossary`, the prompt is given the entries of the paragraphs the briefs cite and
    the synthesis is checked against them as a brief is (`glossary-term` warnings, not
    re-asked).
    """
    ask = story_ask(briefs, events=events, glossary=glossary)
    briefs, _ = _ordered(briefs, events)
    members = [brief.article.id for brief in briefs]
    articles = {brief.article.id: brief.article for brief in briefs}

    def check(answer: StoryAnswer) -> list[Finding]:
        return check_story(story_from_answer(answer, members), articles)

    result = ask_grounded(llm, ask.messages, StoryAnswer, ask.name, check)
    story = story_from_answer(result.value, members)
    findings = result.findings
    if glossary is not None:
        from briefing.grounding.glossary import check_story_glossary

        findings = findings + check_story_glossary(story, articles, glossary)
    update = {"findings": findings, "timeline": timeline(briefs)}
    return story.model_copy(update=update), result.usage


def story_ask(
    briefs: list[Brief],
    *,
    events: Iterable[tuple[str, str]] = (),
    glossary: Glossary | None = None,
) -> Ask:
    """The first call `synthesize_story` makes for these briefs (what a batch line asks),
    with the `glossary` entries of the paragraphs they cite, if any (none: as without one)."""
    ordered, sequence = _ordered(briefs, events)
    variables: dict[str, object] = {"briefs": ordered, "sequence": sequence}
    if glossary is not None:
        articles = {brief.article.id: brief.article for brief in briefs}
        cites = [(b.article.id, c.cites) for b in ordered for _, c in b.claims_with_paths()]
        variables |= prompt_terms(glossary.for_cited(articles, cites))
    messages = render_messages(PROMPT, **variables)
    members = ", ".join(brief.article.id for brief in briefs)
    return Ask(messages, StoryAnswer, PROMPT, f"the story of {members}")


def _ordered(briefs: list[Brief], events: Iterable[tuple[str, str]]) -> tuple[list[Brief], bool]:
    """The briefs in the order the model reads them, and whether they are a sequence."""
    sequence = is_sequence([brief.article.id for brief in briefs], events)
    return (in_date_order(briefs) if sequence else briefs), sequence


def timeline(briefs: list[Brief]) -> list[TimelineEntry]:
    """A story's dated steps when its articles were published on two days or more: each dated
    article's title (one line: what happened that day) under its day, cited as its brief's
    core viewpoint, in date order; the article's whole brief follows the story anyway.

    Built from the briefs, without a model call; empty for a story of one day.
    """
    dated = [b for b in in_date_order(briefs) if b.article.published]
    if len({b.article.published[:10] for b in dated if b.article.published}) < 2:
        return []
    return [
        TimelineEntry(
            date=(b.article.published or "")[:10],
            en=b.title.en,
            zh=b.title.zh,
            cites=[ArticleCite(article=b.article.id, paragraphs=b.core_viewpoint.cites)],
        )
        for b in dated
    ]


def is_sequence(members: list[str], events: Iterable[tuple[str, str]]) -> bool:
    """Whether a story's members include two reports of successive events worded alike."""
    inside = set(members)
    return any(a in inside and b in inside for a, b in events)


def in_date_order(briefs: list[Brief]) -> list[Brief]:
    """The briefs by publication date, undated ones last, ties in their given order."""
    return sorted(briefs, key=lambda b: (b.article.published is None, b.article.published or ""))


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
