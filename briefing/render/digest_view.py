"""What every digest renderer shows, worked out once: numbers, citation targets, counts, labels.

Articles are numbered in the order of `Digest.briefs`: `A2` is the second kept article. A
story cites `[A2 ¶3,5]`, paragraphs 3 and 5 of A2. Every paragraph cited by a brief or a
story is quoted under that brief with an anchor `a-<article id>-p<n>`, so a citation links
there; a citation out of range or of an article not in the digest is shown but not linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from briefing.models import (
    Article,
    Bilingual,
    Brief,
    Digest,
    DigestMeta,
    Duplicate,
    Failure,
    Finding,
    Period,
    StoryClaim,
)
from briefing.render.escape import http_url
from briefing.render.markdown import Lang, display_time

# Interface text: (English, Chinese).
LABELS: dict[str, tuple[str, str]] = {
    "title": ("Weekly brief", "每周简报"),
    "stories": ("Top stories", "重点专题"),
    "articles": ("Articles", "文章简报"),
    "sources": ("Sources", "来源"),
    "failures": ("Not briefed", "未能处理的输入"),
    "cited": ("Cited paragraphs", "引用段落"),
    "full_text": ("Full text", "全文"),
    "members": ("Articles", "文章"),
    "core": ("Core Viewpoint", "核心观点"),
    "unverified": ("unverified", "未核实"),
    "original": ("original", "原文"),
    "cite_key": (
        "[3] cites paragraph 3 of the article it is under; [A2 ¶3] cites paragraph 3 of A2.",
        "[3] 指所在文章第 3 段；[A2 ¶3] 指文章 A2 第 3 段。",
    ),
}

# (count key, English singular, English plural, Chinese with {n}).
_COUNTS = (
    ("articles", "article briefed", "articles briefed", "已简报文章 {n} 篇"),
    ("duplicates", "duplicate merged", "duplicates merged", "已合并重复 {n} 篇"),
    ("stories", "story", "stories", "专题 {n} 个"),
    ("failures", "failure", "failures", "处理失败 {n} 项"),
)

_FOOTER_EN = ("Generated {}", "model {}", "{} tokens", "cost {}")
_FOOTER_ZH = ("生成于 {}", "模型 {}", "{} 词元", "费用 {}")
_UNKNOWN_COST = {"en": "unknown", "zh": "未知"}


@dataclass(frozen=True)
class ParagraphLink:
    """A cited paragraph number and the anchor of its quote (None: not quoted, no link)."""

    number: int
    anchor: str | None


@dataclass(frozen=True)
class CrossCite:
    """A story's citation of one article: its label (`A2`, or the bare id) and paragraphs."""

    label: str
    anchor: str | None
    paragraphs: list[ParagraphLink]

    @property
    def text(self) -> str:
        """The plain form, `A2 ¶3,5`."""
        return f"{self.label} ¶" + ",".join(str(p.number) for p in self.paragraphs)


@dataclass(frozen=True)
class Statement:
    """A story summary or claim in both languages with its resolved citations."""

    en: str
    zh: str
    cites: list[CrossCite]


@dataclass
class ArticleView:
    """One kept article: its number, brief, the paragraphs quoted under it, its flags."""

    number: int
    brief: Brief
    quoted: list[int]
    findings: dict[str, list[Finding]]
    unplaced: list[Finding]
    duplicates: list[Duplicate]

    @property
    def article(self) -> Article:
        """The source article."""
        return self.brief.article

    @property
    def label(self) -> str:
        """`A1`, `A2`, …: the article's number in the source list."""
        return f"A{self.number}"

    @property
    def anchor(self) -> str:
        """The anchor of the article's brief."""
        return f"a-{self.article.id}"

    @property
    def byline(self) -> str:
        """`source · time`, whichever is known."""
        parts = (self.article.source, display_time(self.article.published))
        return " · ".join(part for part in parts if part)

    @property
    def url(self) -> str | None:
        """The article's address when it is http(s): only those become links."""
        return http_url(self.article.url)

    def link(self, number: int) -> ParagraphLink:
        """The citation of paragraph `number`, linked when that paragraph is quoted."""
        anchor = f"{self.anchor}-p{number}" if number in self.quoted else None
        return ParagraphLink(number, anchor)

    def paragraph(self, number: int) -> str:
        """The text of paragraph `number` (1-based)."""
        return self.article.paragraphs[number - 1]


@dataclass(frozen=True)
class StoryView:
    """A story with its members' labels and resolved citations."""

    number: int
    title: Bilingual
    members: list[tuple[str, str | None]]  # (label, anchor): the bare id, unlinked, if unknown
    summary: Statement
    claims: list[Statement]


@dataclass
class DigestView:
    """Everything a digest template needs, in the order it is shown."""

    langs: list[str]
    period: Period | None
    articles: list[ArticleView]
    stories: list[StoryView]
    duplicates: list[Duplicate]
    failures: list[Failure]
    meta: DigestMeta | None

    def ui(self, key: str, lang: str | None = None) -> str:
        """Interface text in `lang`, else in the digest's language(s): `en / zh` for both."""
        en, zh = LABELS[key]
        return " / ".join({"en": en, "zh": zh}[one] for one in ([lang] if lang else self.langs))

    def period_text(self, lang: str) -> str:
        """`2025-10-13 – 2025-10-26`, or `… 至 …` in Chinese."""
        if self.period is None:
            return ""
        sep = " 至 " if lang == "zh" else " – "
        return f"{self.period.start}{sep}{self.period.end}"

    def counts(self, lang: str) -> list[tuple[int, str]]:
        """The headline counts with their labels (for zh the label holds the number)."""
        values = {
            "articles": len(self.articles),
            "duplicates": sum(len(d.dropped) for d in self.duplicates),
            "stories": len(self.stories),
            "failures": len(self.failures),
        }
        out = []
        for key, one, many, zh in _COUNTS:
            n = values[key]
            out.append((n, zh.format(n=n) if lang == "zh" else f"{n} {one if n == 1 else many}"))
        return out

    def duplicate_note(self, dup: Duplicate, lang: str) -> str:
        """What was merged into an article: who else reported it, and when."""
        sim = f"{dup.similarity:.2f}"
        if dup.copies:
            who = "; ".join(
                " ".join(p for p in (c.source or c.input, display_time(c.published)) if p)
                for c in dup.copies
            )
            if lang == "zh":
                return f"另见：{who}（相似度 {sim}，已合并）"
            return f"Also reported by: {who} (similarity {sim}, merged)"
        n, ids = len(dup.dropped), ", ".join(dup.dropped)
        if lang == "zh":
            return f"另有 {n} 篇近似重复稿已合并（相似度 {sim}）：{ids}"
        copies = "copy" if n == 1 else "copies"
        return f"Also reported: {n} near-duplicate {copies} merged (similarity {sim}): {ids}"

    def footer(self, lang: str) -> str:
        """How the digest was made: time, model, tokens, cost."""
        if self.meta is None:
            return ""
        tokens = self.meta.usage.prompt_tokens + self.meta.usage.completion_tokens
        cost = self.meta.cost_usd
        if cost is None:  # a model without a known price, or a server that did not count
            dollars = _UNKNOWN_COST["zh" if lang == "zh" else "en"]
        else:
            dollars = "< $0.01" if 0 < cost < 0.01 else f"${cost:,.2f}"
        values = (display_time(self.meta.generated_at), self.meta.model, f"{tokens:,}", dollars)
        forms = _FOOTER_ZH if lang == "zh" else _FOOTER_EN
        return " · ".join(
            form.format(value) for form, value in zip(forms, values, strict=True) if value
        )


def digest_view(digest: Digest, lang: Lang) -> DigestView:
    """Number the digest's articles and resolve every citation to what will be shown."""
    return _view(digest.briefs, digest, lang)


def brief_view(brief: Brief, lang: Lang) -> DigestView:
    """A view of one brief alone, laid out like a digest article."""
    return _view([brief], None, lang)


def _view(briefs: list[Brief], digest: Digest | None, lang: Lang) -> DigestView:
    duplicates = digest.duplicates if digest else []
    articles = [_article(i, brief, duplicates) for i, brief in enumerate(briefs, 1)]
    by_id = {a.article.id: a for a in articles}
    stories = digest.stories if digest else []
    # A story may cite paragraphs its members' briefs do not: quote those too.
    for story in stories:
        for claim in [story.summary, *story.claims]:
            for cite in claim.cites:
                if (member := by_id.get(cite.article)) is not None:
                    member.quoted = sorted(set(member.quoted) | _in_range(member, cite.paragraphs))
    story_views = [
        StoryView(
            number=i,
            title=story.title,
            members=[
                (by_id[a].label, by_id[a].anchor) if a in by_id else (a, None)
                for a in story.articles
            ],
            summary=_statement(story.summary, by_id),
            claims=[_statement(claim, by_id) for claim in story.claims],
        )
        for i, story in enumerate(stories, 1)
    ]
    return DigestView(
        langs=["en", "zh"] if lang == "both" else [lang],
        period=digest.period if digest else None,
        articles=articles,
        stories=story_views,
        duplicates=duplicates,
        failures=digest.failures if digest else [],
        meta=digest.meta if digest else None,
    )


def _article(number: int, brief: Brief, duplicates: list[Duplicate]) -> ArticleView:
    paths = {path for path, _ in brief.claims_with_paths()}
    findings: dict[str, list[Finding]] = {}
    for finding in brief.errors:
        findings.setdefault(finding.where, []).append(finding)
    view = ArticleView(
        number=number,
        brief=brief,
        quoted=[],
        findings={k: v for k, v in findings.items() if k in paths},
        # A flag on something that is not a claim (a title, say) must still be seen.
        unplaced=[f for f in brief.errors if f.where not in paths],
        duplicates=[d for d in duplicates if d.kept == brief.article.id],
    )
    cited = {n for _, claim in brief.claims_with_paths() for n in claim.cites}
    view.quoted = sorted(_in_range(view, cited))
    return view


def _in_range(view: ArticleView, numbers: Iterable[int]) -> set[int]:
    return {n for n in numbers if 1 <= n <= len(view.article.paragraphs)}


def _statement(claim: StoryClaim, by_id: dict[str, ArticleView]) -> Statement:
    cites = []
    for cite in claim.cites:
        member = by_id.get(cite.article)
        if member is None:
            links = [ParagraphLink(n, None) for n in cite.paragraphs]
            cites.append(CrossCite(cite.article, None, links))
        else:
            links = [member.link(n) for n in cite.paragraphs]
            cites.append(CrossCite(member.label, member.anchor, links))
    return Statement(en=claim.en, zh=claim.zh, cites=cites)
