"""What every digest renderer shows, worked out once: order, numbers, citations, counts, flags.

The reading order: the header with its counts, the week in brief, the contents, then each
story (its synthesis, timeline and claims, then its articles' briefs; a story of one article
is that article's brief alone), then the sources with the cited paragraphs (the appendix).

Articles are numbered in that reading order: `A2` is the second article shown; each is an
ArticleView, and citations resolve as briefing.render.article_view says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefing.models import (
    Bilingual,
    Brief,
    Digest,
    DigestMeta,
    Duplicate,
    Failure,
    Finding,
    Period,
    StoryClaim,
    TimelineEntry,
    Verification,
)
from briefing.render.article_view import ArticleView, Statement, article_view, in_range, statement
from briefing.render.flags import flagged_count, flags_shown, reader_flag, second_reader
from briefing.render.markdown import Lang, display_time
from briefing.render.terms_view import TermsView, terms_view

# Interface text: (English, Chinese).
LABELS: dict[str, tuple[str, str]] = {
    "title": ("Weekly brief", "每周简报"),
    "week": ("The week in brief", "本周要点"),
    "stories": ("Top stories", "重点专题"),
    "contents": ("Contents", "目录"),
    "other": ("Other articles", "其他文章"),
    "sources": ("Sources", "来源"),
    "appendix": ("Sources and cited paragraphs", "来源与引用段落"),
    "failures": ("Not briefed", "未能处理的输入"),
    "terms": ("Terms", "术语"),
    "timeline": ("Timeline", "时间线"),
    "members": ("Articles", "文章"),
    "core": ("Core Viewpoint", "核心观点"),
    "unverified": ("unverified", "未核实"),
    "original": ("original", "原文"),
    "cite_key": (
        "[3,5] cites paragraphs 3 and 5 of the article it is under; [A2 ¶3] cites paragraph 3 "
        "of A2. Flagged (⚠): the checks could not verify the statement against what it cites.",
        "[3,5] 指所在文章第 3、5 段；[A2 ¶3] 指文章 A2 第 3 段。"
        "⚠ 表示核查未能依所引原文证实该陈述。",
    ),
}

# (count key, English singular, English plural, Chinese with {n}).
_COUNTS = (
    ("articles", "article briefed", "articles briefed", "已简报文章 {n} 篇"),
    ("duplicates", "duplicate merged", "duplicates merged", "已合并重复 {n} 篇"),
    ("stories", "story", "stories", "专题 {n} 个"),
    ("failures", "failure", "failures", "处理失败 {n} 项"),
    ("flagged", "claim flagged", "claims flagged", "未核实陈述 {n} 条"),
)
_BAD = {"failures", "flagged"}  # counts shown as a warning when not zero

_FOOTER_EN = ("Generated {}", "model {}", "{} tokens", "cost {}")
_FOOTER_ZH = ("生成于 {}", "模型 {}", "{} 词元", "费用 {}")
_UNKNOWN_COST = {"en": "unknown", "zh": "未知"}


@dataclass
class StoryView:
    """A story: its synthesis with resolved citations, its timeline, its articles' briefs."""

    number: int
    title: Bilingual
    members: list[tuple[str, str | None]]  # (label, anchor): the bare id, unlinked, if unknown
    summary: Statement
    claims: list[Statement]
    timeline: list[Statement]
    briefs: list[ArticleView]  # the members shown under this story, in order
    title_flags: list[Finding] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The anchor of the story's section."""
        return f"s-{self.number}"

    @property
    def single(self) -> bool:
        """A story of one article with nothing of its own: shown as that article's brief."""
        return (
            len(self.members) == 1
            and len(self.briefs) == 1
            and not self.claims
            and not self.timeline
            and not self.summary.flags
            and not self.title_flags
        )


@dataclass
class DigestView:
    """Everything a digest template needs, in the order it is shown."""

    langs: list[str]
    period: Period | None
    articles: list[ArticleView]
    stories: list[StoryView]
    week: list[Statement]
    loose: list[ArticleView]  # kept articles in no story, shown after the stories
    duplicates: list[Duplicate]
    failures: list[Failure]
    meta: DigestMeta | None
    appendix: bool = True
    flagged: int = 0
    terms: TermsView | None = None  # with a glossary: the Terms section
    verification: Verification | None = None  # --verify: the second reader's figures

    def ui(self, key: str, lang: str | None = None) -> str:
        """Interface text in `lang`, else in the digest's language(s): `en / zh` for both."""
        en, zh = LABELS[key]
        return " / ".join({"en": en, "zh": zh}[one] for one in ([lang] if lang else self.langs))

    def flag(self, finding: Finding, lang: str | None = None) -> str:
        """A flag in words a reader understands, in `lang` or the digest's first language."""
        labels = {a.article.id: a.label for a in self.articles}
        return reader_flag(finding, lang or self.langs[0], labels)

    def period_text(self, lang: str) -> str:
        """`2025-10-13 – 2025-10-26`, or `… 至 …` in Chinese."""
        if self.period is None:
            return ""
        sep = " 至 " if lang == "zh" else " – "
        return f"{self.period.start}{sep}{self.period.end}"

    def counts(self, lang: str) -> list[tuple[int, str, bool]]:
        """The headline counts: the number, its label (for zh it holds the number), whether it
        is a warning (failures, flagged claims: when not zero)."""
        values = {
            "articles": len(self.articles),
            "duplicates": sum(len(d.dropped) for d in self.duplicates),
            "stories": len(self.stories),
            "failures": len(self.failures),
            "flagged": self.flagged,
        }
        out = []
        for key, one, many, zh in _COUNTS:
            n = values[key]
            label = zh.format(n=n) if lang == "zh" else f"{n} {one if n == 1 else many}"
            out.append((n, label, bool(n) and key in _BAD))
        return out

    def article_count(self, story: StoryView, lang: str) -> str:
        """`4 articles`, `1 article`, `4 篇`."""
        n = len(story.members)
        if lang == "zh":
            return f"{n} 篇"
        return f"{n} article" if n == 1 else f"{n} articles"

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

    def second_reader(self, lang: str) -> str:
        """--verify: what the second reader judged, in a line ("" without it)."""
        return second_reader(self.verification, lang)

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


def digest_view(digest: Digest, lang: Lang, appendix: bool = True) -> DigestView:
    """Number the digest's articles in reading order and resolve every citation."""
    return _view(digest.briefs, digest, lang, appendix)


def brief_view(brief: Brief, lang: Lang) -> DigestView:
    """A view of one brief alone, laid out like a digest article."""
    return _view([brief], None, lang, True)


def _view(briefs: list[Brief], digest: Digest | None, lang: Lang, appendix: bool) -> DigestView:
    duplicates = digest.duplicates if digest else []
    stories = digest.stories if digest else []
    by_brief_id = {b.article.id: b for b in briefs}
    # Reading order: each story's members as the story lists them, then the rest.
    order = [a for story in stories for a in story.articles if a in by_brief_id]
    order += [b.article.id for b in briefs]
    order = list(dict.fromkeys(order))
    articles = [
        article_view(i, by_brief_id[aid], duplicates, appendix) for i, aid in enumerate(order, 1)
    ]
    by_id = {a.article.id: a for a in articles}
    # A story or the week may cite paragraphs no brief does: quote those too.
    week = digest.week if digest else []
    statements: list[StoryClaim | TimelineEntry] = [*week]
    for story in stories:
        statements += [story.summary, *story.claims, *story.timeline]
    for claim in statements:
        for cite in claim.cites:
            if (member := by_id.get(cite.article)) is not None:
                member.quoted = sorted(set(member.quoted) | in_range(member, cite.paragraphs))
    shown: set[str] = set()
    story_views = []
    for i, story in enumerate(stories, 1):
        flags: dict[str, list[Finding]] = {}
        for finding in flags_shown(story.findings):
            flags.setdefault(finding.where, []).append(finding)
        own = [by_id[a] for a in story.articles if a in by_id and a not in shown]
        shown |= {a.article.id for a in own}
        story_views.append(
            StoryView(
                number=i,
                title=story.title,
                members=[
                    (by_id[a].label, by_id[a].anchor) if a in by_id else (a, None)
                    for a in story.articles
                ],
                summary=statement(story.summary, by_id, flags.get("summary", [])),
                claims=[
                    statement(claim, by_id, flags.get(f"claims[{ci}]", []))
                    for ci, claim in enumerate(story.claims)
                ],
                timeline=[
                    statement(step, by_id, flags.get(f"timeline[{ti}]", []))
                    for ti, step in enumerate(story.timeline)
                ],
                briefs=own,
                title_flags=flags.get("title", []),
            )
        )
    week_flags: dict[str, list[Finding]] = {}
    for finding in flags_shown(digest.week_findings) if digest else []:
        week_flags.setdefault(finding.where, []).append(finding)
    week_views = [
        statement(point, by_id, week_flags.get(f"week[{i}]", [])) for i, point in enumerate(week)
    ]
    flagged = sum(a.flag_count for a in articles)
    flagged += sum(flagged_count(s.findings) for s in stories)
    flagged += len(week_flags)
    return DigestView(
        langs=["en", "zh"] if lang == "both" else [lang],
        period=digest.period if digest else None,
        articles=articles,
        stories=story_views,
        week=week_views,
        loose=[a for a in articles if a.article.id not in shown],
        duplicates=duplicates,
        failures=digest.failures if digest else [],
        meta=digest.meta if digest else None,
        appendix=appendix,
        flagged=flagged,
        terms=terms_view(
            digest.meta.glossary_terms, {a.article.id: (a.label, a.anchor) for a in articles}
        )
        if digest
        else None,
        verification=digest.verification if digest else briefs[0].verification,
    )
