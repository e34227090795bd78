"""The weekly contracts: the Digest, the Plan of a run, and its cost Estimate.

Field names and shapes follow the output contracts (BRIEF_FORMAT.md) exactly; scripts depend
on them.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field

from briefing.models.base import Model
from briefing.models.brief import Bilingual, Brief, Finding, Sampling, Usage, Verification

DIGEST_FORMAT: Final = "briefing.digest/1"
PLAN_FORMAT: Final = "briefing.plan/1"


class Period(Model):
    """The dates a digest covers, inclusive (ISO dates)."""

    start: str
    end: str


class ArticleCite(Model):
    """A citation across articles: paragraphs of one member article."""

    article: str
    paragraphs: list[int]


class StoryClaim(Model):
    """A statement of a story synthesis, citing paragraphs of its member articles."""

    en: str
    zh: str
    cites: list[ArticleCite]


class TimelineEntry(Model):
    """One dated step of a story that spans days: what happened that day, cited."""

    date: str
    en: str
    zh: str
    cites: list[ArticleCite]


class Story(Model):
    """Related articles on one event or thread, with their synthesis."""

    title: Bilingual
    articles: list[str]
    summary: StoryClaim
    claims: list[StoryClaim] = []
    # Dated steps, in order, when the story's articles report events on different days.
    timeline: list[TimelineEntry] = []
    findings: list[Finding] = []


class Copy(Model):
    """A dropped copy as it was read, so the output can say "also reported by …"."""

    input: str
    title: str
    source: str | None = None
    published: str | None = None
    url: str | None = None


class Duplicate(Model):
    """Copies of one article: the one kept and the ones dropped (ids; the same id when the
    bodies are identical), with the dropped copies' inputs and sources in `copies`."""

    kept: str
    dropped: list[str]
    similarity: float
    copies: list[Copy] = []
    # Set when another run sharing the dedupe index kept it: the input it was read from there.
    kept_elsewhere: str | None = None


class Failure(Model):
    """An input that could not be briefed, and why."""

    input: str
    error: str


class TermUse(Model):
    """One rendering of a glossary term in a digest's briefs: how often, and by which briefs."""

    rendering: str  # the preferred English, one of the term's `avoid` forms, or "otherwise"
    count: int
    articles: list[str]  # the ids of the briefs whose claims used it, in the digest's order


class TermReport(Model):
    """How a digest's briefs rendered one glossary term (briefing/grounding/glossary.py)."""

    zh: str
    en: str  # the glossary's preferred English
    uses: list[TermUse]  # the preferred rendering first, then the most used

    @property
    def as_preferred(self) -> bool:
        """Every use of the term was the preferred rendering."""
        return all(use.rendering == self.en for use in self.uses)


class DigestMeta(Model):
    """How a digest was made and what it cost (`cost_usd` null when the price is unknown)."""

    model: str
    usage: Usage = Usage()
    cost_usd: float | None = 0.0
    generated_at: str | None = None
    cached_calls: int = 0
    retries: int = 0
    warnings: list[str] = []
    sampling: Sampling | None = None  # set when any sampling setting was chosen
    # With a glossary: how each of its terms was rendered across the digest's English.
    glossary: list[str] = []
    # The same per term, with the briefs of each rendering ([]: none of its terms occurs);
    # without a glossary null, and left out of the JSON.
    glossary_terms: list[TermReport] | None = Field(default=None, exclude_if=lambda v: v is None)


class Digest(Model):
    """A weekly brief over many articles (format briefing.digest/1)."""

    format: Literal["briefing.digest/1"] = DIGEST_FORMAT
    period: Period
    stories: list[Story]
    briefs: list[Brief]
    # The week in brief: 5-8 one-line points across the top stories, cited like any claim.
    week: list[StoryClaim] = []
    week_findings: list[Finding] = []
    duplicates: list[Duplicate] = []
    failures: list[Failure] = []
    meta: DigestMeta
    verification: Verification | None = None  # --verify only: the briefs' figures summed


class PlannedArticle(Model):
    """A kept article as the plan shows it: no model has been called."""

    id: str
    input: str
    title: str
    source: str | None = None
    published: str | None = None
    tokens: int


class Skipped(Model):
    """Inputs left out on purpose, counted by reason."""

    outside_period: int = 0
    already_briefed: int = 0  # `--since last`: briefed by an earlier run (briefing/state.py)


class Plan(Model):
    """What a weekly run would do (format briefing.plan/1), without calling a model."""

    format: Literal["briefing.plan/1"] = PLAN_FORMAT
    period: Period
    articles: list[PlannedArticle]
    duplicates: list[Duplicate] = []
    stories: list[list[str]] = []
    failures: list[Failure] = []
    skipped: Skipped = Skipped()


# --- The cost estimate (`briefing estimate --json`). -------------------------------------


class EstimatedArticle(Model):
    """One article's expected tokens, and whether its prompt fits the model's context."""

    id: str
    input: str
    tokens_in: int
    tokens_out: int
    fits: bool


class TokenTotal(Model):
    """Tokens summed over a run."""

    tokens_in: int
    tokens_out: int


class Estimate(Model):
    """What a weekly run over the same inputs is expected to cost, before paying for it."""

    model: str
    articles: list[EstimatedArticle]
    total: TokenTotal
    cost_usd: float | None
    verify: TokenTotal | None = None  # --verify: its calls' share of `total`
