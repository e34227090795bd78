"""One article of a digest view and the citations into it: its number in reading order, its
brief, the paragraphs quoted for it, and statements with their citations resolved.

A story cites `[A2 ¶3,5]`, paragraphs 3 and 5 of A2; a brief's own claims cite `[3,5]`. One
citation group is one link, to the first cited paragraph, quoted in the appendix with the
anchor `a-<article id>-p<n>`. Without the appendix a citation links to its article's brief.
A citation out of range or of an article not in the digest is shown but not linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from briefing.models import Article, Brief, Duplicate, Finding, StoryClaim, TimelineEntry
from briefing.render.escape import http_url
from briefing.render.flags import flagged_count, flags_shown
from briefing.render.markdown import display_time

_QUOTE_CHARS = 220  # of the cited paragraphs, shown on hover; the appendix has them all


@dataclass(frozen=True)
class ParagraphLink:
    """A cited paragraph number and the anchor of its quote (None: not quoted, no link)."""

    number: int
    anchor: str | None


@dataclass(frozen=True)
class CrossCite:
    """One citation group: an article's label (`A2`; the bare id when unknown; empty for the
    article a brief is of), its paragraphs, where it links and the text it quotes."""

    label: str
    anchor: str | None
    paragraphs: list[ParagraphLink]
    quote: str = ""

    @property
    def text(self) -> str:
        """The plain form, `A2 ¶3,5`, or `3,5` inside the cited article's own brief."""
        numbers = ",".join(str(p.number) for p in self.paragraphs)
        return f"{self.label} ¶{numbers}" if self.label else numbers

    @property
    def target(self) -> str | None:
        """Where the citation links: its first quoted paragraph, else its article."""
        return next((p.anchor for p in self.paragraphs if p.anchor), self.anchor)


@dataclass(frozen=True)
class Statement:
    """A statement in both languages with its resolved citations and its flags."""

    en: str
    zh: str
    cites: list[CrossCite]
    flags: list[Finding] = field(default_factory=list)
    date: str = ""  # a timeline step's date


@dataclass
class ArticleView:
    """One kept article: its number, brief, the paragraphs quoted for it, its flags."""

    number: int
    brief: Brief
    quoted: list[int]
    findings: dict[str, list[Finding]]
    unplaced: list[Finding]
    duplicates: list[Duplicate]
    appendix: bool = True

    @property
    def article(self) -> Article:
        """The source article."""
        return self.brief.article

    @property
    def label(self) -> str:
        """`A1`, `A2`, …: the article's number in reading order."""
        return f"A{self.number}"

    @property
    def anchor(self) -> str:
        """The anchor of the article's brief."""
        return f"a-{self.article.id}"

    @property
    def source_anchor(self) -> str:
        """The anchor of the article's entry in the sources."""
        return f"src-{self.article.id}"

    @property
    def byline_parts(self) -> list[str]:
        """The source and the time, whichever is known."""
        parts = (self.article.source, display_time(self.article.published))
        return [part for part in parts if part]

    @property
    def byline(self) -> str:
        """`source · time`, whichever is known."""
        return " · ".join(self.byline_parts)

    @property
    def url(self) -> str | None:
        """The article's address when it is http(s): only those become links."""
        return http_url(self.article.url)

    def link(self, number: int) -> ParagraphLink:
        """The citation of paragraph `number`, linked when that paragraph is quoted."""
        quoted = self.appendix and number in self.quoted
        return ParagraphLink(number, f"{self.anchor}-p{number}" if quoted else None)

    def cite(self, numbers: list[int], label: str = "") -> CrossCite:
        """A citation group of this article's paragraphs; `label` empty inside its own brief."""
        in_range = [n for n in dict.fromkeys(numbers) if 1 <= n <= len(self.article.paragraphs)]
        quote = " ".join(f"¶{n} {self.paragraph(n)}" for n in in_range)
        if len(quote) > _QUOTE_CHARS:
            quote = quote[: _QUOTE_CHARS - 1].rstrip() + "…"
        anchor = self.anchor if in_range else None
        return CrossCite(label, anchor, [self.link(n) for n in numbers], quote)

    def paragraph(self, number: int) -> str:
        """The text of paragraph `number` (1-based)."""
        return self.article.paragraphs[number - 1]

    @property
    def flag_count(self) -> int:
        """The brief's flagged statements."""
        return flagged_count(self.brief.findings)


def article_view(
    number: int, brief: Brief, duplicates: list[Duplicate], appendix: bool
) -> ArticleView:
    paths = {path for path, _ in brief.claims_with_paths()}
    findings: dict[str, list[Finding]] = {}
    for finding in flags_shown(brief.findings):
        findings.setdefault(finding.where, []).append(finding)
    view = ArticleView(
        number=number,
        brief=brief,
        quoted=[],
        findings={k: v for k, v in findings.items() if k in paths},
        # A flag on something that is not a claim (a title, say) must still be seen.
        unplaced=[f for f in flags_shown(brief.findings) if f.where not in paths],
        duplicates=[d for d in duplicates if d.kept == brief.article.id],
        appendix=appendix,
    )
    cited = {n for _, claim in brief.claims_with_paths() for n in claim.cites}
    view.quoted = sorted(in_range(view, cited))
    return view


def in_range(view: ArticleView, numbers: Iterable[int]) -> set[int]:
    return {n for n in numbers if 1 <= n <= len(view.article.paragraphs)}


def statement(
    claim: StoryClaim | TimelineEntry, by_id: dict[str, ArticleView], flags: list[Finding]
) -> Statement:
    cites = []
    for cite in claim.cites:
        member = by_id.get(cite.article)
        if member is None:
            links = [ParagraphLink(n, None) for n in cite.paragraphs]
            cites.append(CrossCite(cite.article, None, links))
        else:
            cites.append(member.cite(cite.paragraphs, member.label))
    date = claim.date if isinstance(claim, TimelineEntry) else ""
    return Statement(en=claim.en, zh=claim.zh, cites=cites, flags=flags, date=date)
