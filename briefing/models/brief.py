"""One article's contracts: the Article read, the Brief written, its findings and meta.

Field names and shapes follow the output contract (BRIEF_FORMAT) exactly; scripts depend on them.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import Field, StringConstraints

from briefing.models.base import Model

BRIEF_FORMAT: Final = "briefing.brief/1"


class Article(Model):
    """One source article, its body numbered by paragraph (citation [n] is paragraphs[n-1])."""

    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]
    title: str
    source: str | None = None
    published: str | None = None
    url: str | None = None
    language: str = "zh"
    paragraphs: list[str]


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
