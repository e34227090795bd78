"""The week in brief: 5-8 one-line points across the digest's top stories, each cited.

Made from what is already paid for: the stories' syntheses and, for a story of one article,
that article's brief. One model call per digest (through the same client stack, so cached
and counted), none when the digest has a single story: its points are then its own
statements. The points are grounded by the story checks (briefing.grounding.check_week)
and, with a glossary, held to it as a story is (its prompt is given the entries of the
paragraphs the stories cite); there is no re-ask, so the call stays one: what the checks
find is flagged for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.glossary import Glossary, prompt_terms
from briefing.grounding import check_week
from briefing.grounding.glossary import check_week_glossary
from briefing.llm.base import LLM, Ask
from briefing.models import (
    Article,
    ArticleCite,
    Brief,
    Digest,
    Finding,
    Story,
    StoryClaim,
    Usage,
    WeekAnswer,
)
from briefing.prompts import render_messages

PROMPT = "week"
TOP_STORIES = 8  # the stories the week in brief is drawn from, top first
MAX_POINTS = 8


@dataclass(frozen=True)
class Week:
    """The week in brief, what the checks found on it, and what its call cost."""

    points: list[StoryClaim]
    findings: list[Finding]
    usage: Usage


@dataclass(frozen=True)
class _StoryLines:
    """A story as the week prompt shows it: its title, members and cited statements."""

    title_en: str
    title_zh: str
    articles: list[str]
    lines: list[StoryClaim]


def week_in_brief(
    stories: list[Story], briefs: list[Brief], llm: LLM, *, glossary: Glossary | None = None
) -> Week:
    """The week in brief over the top stories (already sorted top first).

    No stories: no points. One story: its statements, without a call. More: one call.
    Raises what the call raises (an LLMError); the caller keeps the digest without it.
    With a `glossary`, the prompt is given the entries of the paragraphs the stories cite and
    the points are checked against them as a story is (`glossary-term` warnings).
    """
    top = stories[:TOP_STORIES]
    by_id = {brief.article.id: brief for brief in briefs}
    articles = week_articles(top, by_id)
    if not top:
        return Week([], [], Usage())
    ask = week_ask(stories, briefs, glossary=glossary)
    usage = Usage()
    if ask is None:  # one story: its own statements
        points = _lines(top[0], by_id).lines[:MAX_POINTS]
    else:
        answer = llm.complete(ask.messages, WeekAnswer, name=ask.name)
        points = [
            StoryClaim(en=p.en, zh=p.zh, cites=[ArticleCite(**c.model_dump()) for c in p.cites])
            for p in answer.value.points
        ]
        usage = answer.usage
    return Week(points, _findings(points, articles, glossary), usage)


def recheck_week(digest: Digest, glossary: Glossary | None = None) -> list[Finding]:
    """The findings on a saved digest's week in brief found again (`briefing check`): the
    checks, and the glossary's when one is given."""
    by_id = {brief.article.id: brief for brief in digest.briefs}
    return _findings(digest.week, week_articles(digest.stories[:TOP_STORIES], by_id), glossary)


def _findings(
    points: list[StoryClaim], articles: dict[str, Article], glossary: Glossary | None
) -> list[Finding]:
    findings = check_week(points, articles)
    if glossary is not None:
        findings += check_week_glossary(points, articles, glossary)
    return findings


def week_ask(
    stories: list[Story], briefs: list[Brief], *, glossary: Glossary | None = None
) -> Ask | None:
    """The call `week_in_brief` makes over these stories (sorted top first), with the
    `glossary` entries of the paragraphs they cite, if any (none: as without one); None when
    it makes none (fewer than two stories)."""
    top = stories[:TOP_STORIES]
    if len(top) < 2:
        return None
    by_id = {brief.article.id: brief for brief in briefs}
    shown = [_lines(story, by_id) for story in top]
    variables: dict[str, object] = {"stories": shown}
    if glossary is not None:
        cites = [(c.article, c.paragraphs) for story in shown for s in story.lines for c in s.cites]
        variables |= prompt_terms(glossary.for_cited(week_articles(top, by_id), cites))
    messages = render_messages(PROMPT, **variables)
    return Ask(messages, WeekAnswer, PROMPT, "the week in brief")


def week_articles(top: list[Story], briefs: dict[str, Brief]) -> dict[str, Article]:
    """The articles of the top stories, by id: what the week's points may cite."""
    return {aid: briefs[aid].article for story in top for aid in story.articles if aid in briefs}


def _lines(story: Story, briefs: dict[str, Brief]) -> _StoryLines:
    """A story's cited statements: its synthesis, or for one article its brief's claims."""
    lines = [story.summary, *story.claims]
    if len(story.articles) == 1 and not story.claims and story.articles[0] in briefs:
        aid = story.articles[0]
        lines += [
            StoryClaim(
                en=claim.en, zh=claim.zh, cites=[ArticleCite(article=aid, paragraphs=claim.cites)]
            )
            for _, claim in briefs[aid].claims_with_paths()[1:]  # [0]: the summary
        ]
    return _StoryLines(story.title.en, story.title.zh, story.articles, lines)
