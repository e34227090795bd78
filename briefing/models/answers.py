"""What the model must return: the structured answers the prompts ask for.

They are the JSON Schemas sent to the model (briefing/llm/schema.py), so their bounds are
part of the request. Code turns them into the contracts users read (briefing.models.brief,
briefing.models.digest).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from briefing.models.base import Model

# --- What the model must return (one call, both languages). ---------------------------
# The bounds (maxItems/maxLength) are part of the contract: without them a weak model can
# loop until the token limit.

ShortText = Annotated[str, StringConstraints(max_length=300)]
ClaimText = Annotated[str, StringConstraints(max_length=600)]
Cites = Annotated[list[int], Field(min_length=1, max_length=6)]


class BilingualAnswer(Model):
    """A short text in English and Chinese (titles)."""

    en: ShortText
    zh: ShortText


class ClaimAnswer(Model):
    """One claim in both languages with the paragraph numbers that support it."""

    en: ClaimText
    zh: ClaimText
    cites: Cites


class GroupAnswer(Model):
    """A titled group of claims."""

    title: BilingualAnswer
    claims: Annotated[list[ClaimAnswer], Field(min_length=1, max_length=6)]


class BriefAnswer(Model):
    """The structured answer the brief prompt asks for."""

    title: BilingualAnswer
    core_viewpoint: ClaimAnswer
    groups: Annotated[list[GroupAnswer], Field(min_length=2, max_length=6)]


class CitationVerdictAnswer(Model):
    """Whether one cited paragraph supports its claim (prompts/verify.*.j2)."""

    paragraph: int
    supports: Literal["yes", "partly", "no"]


class ClaimVerdictAnswer(Model):
    """The second reader's verdict on one numbered claim and each paragraph it cites."""

    claim: int
    verdict: Literal["supported", "partly", "not-supported"]
    citations: Annotated[list[CitationVerdictAnswer], Field(max_length=6)]


class VerifyAnswer(Model):
    """The structured answer the verify prompt asks for: a verdict per claim."""

    verdicts: Annotated[list[ClaimVerdictAnswer], Field(max_length=40)]


# What the model must return for a story synthesis.
ArticleId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]


class ArticleCiteAnswer(Model):
    """Paragraphs of one member article, as the synthesis cites them."""

    article: ArticleId
    paragraphs: Annotated[list[int], Field(min_length=1, max_length=6)]


class StoryClaimAnswer(Model):
    """One synthesis statement in both languages with its cross-article citations."""

    en: ClaimText
    zh: ClaimText
    cites: Annotated[list[ArticleCiteAnswer], Field(min_length=1, max_length=6)]


class StoryAnswer(Model):
    """The structured answer the story prompt asks for."""

    title: BilingualAnswer
    summary: StoryClaimAnswer
    claims: Annotated[list[StoryClaimAnswer], Field(min_length=1, max_length=8)]


class WeekAnswer(Model):
    """The structured answer the week prompt asks for: the week in brief's points."""

    points: Annotated[list[StoryClaimAnswer], Field(min_length=1, max_length=8)]
