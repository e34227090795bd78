"""The contracts between stages: Article, the model's answer, Brief, Finding, Usage.

Field names and shapes follow the output contracts (BRIEF_FORMAT) exactly; scripts depend on them.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

BRIEF_FORMAT: Final = "briefing.brief/1"


class Model(BaseModel):
    """Base for every contract: unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid")


class Article(Model):
    """One source article, its body numbered by paragraph (citation [n] is paragraphs[n-1])."""

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]
    title: str
    source: str | None = None
    published: str | None = None
    url: str | None = None
    language: str = "zh"
    paragraphs: list[str]


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


# --- The brief as written to users. ---------------------------------------------------


class Bilingual(Model):
    """A text in English and Chinese."""

    en: str
    zh: str


class Claim(Model):
    """A statement in both languages and the paragraphs it cites."""

    en: str
    zh: str
    cites: list[int]


class Group(Model):
    """A titled group of claims."""

    title: Bilingual
    claims: list[Claim]


FindingKind = Literal[
    "cite-missing",
    "cite-out-of-range",
    "number-not-in-cited",
    "number-not-in-source",
    "text-not-in-cited",
    "bilingual-mismatch",
    "empty-text",
    "part-not-briefed",  # a part of a long article whose call failed (briefing/brief/longform.py)
    "check-failed",  # the checks themselves failed on this statement (a bug): it is unverified
    "wrong-language",  # Chinese in the English or English in the Chinese (grounding/language.py)
    "direction-mismatch",  # rose where the other side says fell (grounding/direction.py)
    "actor-mismatch",  # a country or organisation named on one side only (grounding/actors.py)
    "negation-mismatch",  # a negation on one side only (grounding/negation.py)
    "zh-copies-en",  # the Chinese is the English again (grounding/shape.py)
    "repeated-claim",  # a statement says again what an earlier one says (grounding/shape.py)
    "repeated-title",  # a group title repeats another's or the brief's (grounding/shape.py)
    "cut-off",  # a text stops at the schema's length limit mid-sentence (grounding/shape.py)
    "not-supported",  # --verify: the second reader found the cited paragraphs do not support it
    "glossary-term",  # a glossary term rendered otherwise (briefing/grounding/glossary.py)
]


class Finding(Model):
    """One problem the grounding checks found; `where` is a path into the brief."""

    where: str
    kind: FindingKind
    severity: Literal["error", "warning"]
    detail: str


class Usage(Model):
    """Tokens spent, summed over every call that produced a result."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Answers whose server did not report their usage: the tokens above are then a lower
    # bound, and the cost is unknown.
    unmetered: int = Field(0, ge=0)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            unmetered=self.unmetered + other.unmetered,
        )


class Sampling(Model):
    """Sampling settings of a run (None: not set, the server's default); recorded in meta."""

    temperature: float | None = Field(None, ge=0, le=2)
    seed: int | None = None
    max_tokens: int | None = Field(None, gt=0)
    timeout: float | None = Field(None, gt=0)


class Verification(Model):
    """What the second reader (`--verify`) judged, ALCE-style, over a brief or a digest.

    `recall`: judged claims (core viewpoint included) whose cited paragraphs together fully
    support them. `precision`: judged citations whose paragraph supports its claim, fully or
    in part. Both null when nothing was judged.
    """

    claims: int = 0  # claims the reader judged
    unjudged: int = 0  # claims its answer left out: counted in neither figure
    supported: int = 0
    partly: int = 0
    not_supported: int = 0
    citations: int = 0  # (claim, cited paragraph) pairs judged
    citations_supporting: int = 0
    recall: float | None = None
    precision: float | None = None
    usage: Usage = Usage()  # what the verify calls cost (also inside the brief's meta.usage)


class BriefMeta(Model):
    """How a brief was made."""

    model: str
    prompt: str
    generated_at: str
    usage: Usage = Usage()
    attempts: int = 1
    sampling: Sampling | None = None  # set when any sampling setting was chosen


class Brief(Model):
    """A verified bilingual brief of one article (format briefing.brief/1)."""

    format: Literal["briefing.brief/1"] = BRIEF_FORMAT
    article: Article
    title: Bilingual
    core_viewpoint: Claim
    groups: list[Group]
    findings: list[Finding] = []
    meta: BriefMeta
    verification: Verification | None = None  # --verify only

    @property
    def errors(self) -> list[Finding]:
        """Error-level findings only."""
        return [f for f in self.findings if f.severity == "error"]

    def claims_with_paths(self) -> list[tuple[str, Claim]]:
        """Every cited statement with its path: the core viewpoint, then each claim."""
        out: list[tuple[str, Claim]] = [("core_viewpoint", self.core_viewpoint)]
        for gi, group in enumerate(self.groups):
            for ci, claim in enumerate(group.claims):
                out.append((f"groups[{gi}].claims[{ci}]", claim))
        return out


# --- The weekly digest and its plan. ---------------------------------------------------

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
