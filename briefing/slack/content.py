"""What a brief or a digest shows in Slack, as units of blocks in reading order.

The layout follows the Markdown renderers: a brief is its core viewpoint and titled groups of
cited claims; a digest is its counts, the week in brief, its stories (synthesis, timeline,
claims citing `[A2 ¶3]`, member articles), then the numbered sources with links and who
else reported them, the failures and a footer, in the order of the other outputs.
The digest's per-article briefs are not repeated in Slack: they are in the Markdown, HTML
and PDF outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.models import Brief, Digest, Finding
from briefing.render.article_view import ArticleView, Statement
from briefing.render.digest_view import DigestView, StoryView, brief_view, digest_view
from briefing.render.markdown import Lang
from briefing.slack import mrkdwn as md
from briefing.slack.blocks import Unit, contexts, sections
from briefing.slack.message_limits import MAX_HEADER

# Interface text for Slack only, (English, Chinese); the rest comes from digest_view.LABELS.
UI: dict[str, tuple[str, str]] = {
    "continued": ("(continued)", "（续）"),
    "thread": (
        "Continued in the thread: {n} more {messages}.",
        "后续 {n} 条消息见本消息的讨论串。",
    ),
    "next": ("Continued in the next {n} {messages}.", "下接 {n} 条消息。"),
    "original": ("Original", "原文"),
    "core": ("Core Viewpoint", "核心观点"),
    "cite_key": ("[A2 ¶3] cites paragraph 3 of article A2.", "[A2 ¶3] 指文章 A2 第 3 段。"),
}


@dataclass
class Content:
    """A document laid out for Slack: its header, a one-line summary, its units in order."""

    title: str
    summary: str
    units: list[Unit]
    langs: list[str]

    def ui(self, key: str, **values: object) -> str:
        """Slack interface text in the document's language(s), `en / zh` for both."""
        forms = dict(zip(("en", "zh"), UI[key], strict=True))
        return " / ".join(forms[lang].format(**values) for lang in self.langs)

    @property
    def note(self) -> str:
        """What starts the rest of a statement too long for one block."""
        return UI["continued"][1 if self.langs == ["zh"] else 0]


def brief_content(brief: Brief, lang: Lang) -> Content:
    """A brief: title, source line, core viewpoint, the groups of claims, unplaced flags."""
    view = brief_view(brief, lang)
    article = view.articles[0]
    content = Content(
        title=getattr(brief.title, view.langs[0]),
        summary=getattr(brief.core_viewpoint, view.langs[0]),
        units=[],
        langs=view.langs,
    )
    note = content.note
    intro = []
    if len(content.title) > MAX_HEADER:
        intro.append(md.bold(content.title))  # the header shows it shortened
    if lang == "both":
        intro.append(md.text(brief.title.zh))
    intro.append(_source_line(article, content.ui("original")))
    content.units.append(Unit("", contexts(intro, note)))

    core = brief.core_viewpoint
    flags = _flags(article.findings.get("core_viewpoint", []), view)
    core_items = [
        f"*{md.text(UI['core'][1 if one == 'zh' else 0])}* — {md.text(getattr(core, one))} "
        f"{_para_cites(core.cites)}{flags}"
        for one in view.langs
    ]
    content.units.append(Unit(content.ui("core"), sections(core_items, note)))

    for gi, group in enumerate(brief.groups):
        title = _group_title(gi + 1, group.title.en, group.title.zh, lang)
        items = [f"*{md.text(title)}*"]
        for ci, claim in enumerate(group.claims):
            flags = _flags(article.findings.get(f"groups[{gi}].claims[{ci}]", []), view)
            lines = [
                f"{md.text(getattr(claim, one))} {_para_cites(claim.cites)}" for one in view.langs
            ]
            items.append(_bullet(lines) + flags)
        content.units.append(Unit(title, sections(items, note)))

    if article.unplaced:
        unverified = view.ui("unverified")
        items = [
            f"⚠ _{md.text(unverified)}: {md.text(f.where)}: {md.text(view.flag(f))}_"
            for f in article.unplaced
        ]
        content.units.append(Unit(unverified, sections(items, note)))
    if view.verification is not None:
        lines = [md.text(view.second_reader(one)) for one in view.langs]
        content.units.append(Unit("", contexts(lines, note)))
    return content


def digest_content(digest: Digest, lang: Lang) -> Content:
    """A digest: counts, each story with its synthesis, sources, failures, how it was made."""
    view = digest_view(digest, lang)
    first = view.langs[0]
    counts = [" · ".join(label for _, label, _ in view.counts(one)) for one in view.langs]
    content = Content(
        title=f"{view.ui('title')} · {view.period_text(first)}",
        summary=counts[0],
        units=[],
        langs=view.langs,
    )
    note = content.note
    lines = counts + [view.second_reader(one) for one in view.langs if view.verification]
    content.units.append(Unit("", contexts([md.text(c) for c in lines], note)))
    if view.week:
        items = [f"*{md.text(view.ui('week'))}*"]
        items += [
            _bullet([_statement(p, one) for one in view.langs]) + _flags(p.flags, view)
            for p in view.week
        ]
        content.units.append(Unit(view.ui("week"), sections(items, note)))
    by_label = {a.label: a for a in view.articles}
    for story in view.stories:
        content.units.append(_story_unit(story, view, by_label, note))
    content.units.append(_sources_unit(view, content, note))
    if view.failures:
        items = [f"*{md.text(view.ui('failures'))}*"]
        items += [f"• {md.text(f.input)}: {md.text(f.error)}" for f in view.failures]
        content.units.append(Unit(view.ui("failures"), sections(items, note)))
    footer = [md.text(view.footer(one)) for one in view.langs if view.footer(one)]
    if footer:
        content.units.append(Unit("", contexts(footer, note)))
    return content


def _story_unit(
    story: StoryView, view: DigestView, by_label: dict[str, ArticleView], note: str
) -> Unit:
    first = view.langs[0]
    head = [f"*{story.number}. {md.text(getattr(story.title, first))}*"]
    if len(view.langs) == 2:
        head.append(f"*{md.text(story.title.zh)}*")
    head += [_statement(story.summary, one) for one in view.langs]
    # One item: the synthesis stays in one block whenever it fits in one.
    blocks = sections(["\n".join(head) + _flags(story.summary.flags, view)], note)
    steps = [
        _bullet([f"*{md.text(step.date)}* {_statement(step, one)}" for one in view.langs])
        + _flags(step.flags, view)
        for step in story.timeline
    ]
    if steps:
        blocks += sections([f"_{md.text(view.ui('timeline'))}_", *steps], note)
    claims = [
        _bullet([_statement(c, one) for one in view.langs]) + _flags(c.flags, view)
        for c in story.claims
    ]
    blocks += sections(claims, note)
    members = ", ".join(
        md.link(by_label[label].url, label) if label in by_label else md.text(label)
        for label, _ in story.members
    )
    blocks += contexts([f"{md.text(view.ui('members'))}: {members}"], note)
    return Unit(f"{story.number}. {getattr(story.title, first)}", blocks)


def _sources_unit(view: DigestView, content: Content, note: str) -> Unit:
    items = [f"*{md.text(view.ui('sources'))}*", f"_{md.text(content.ui('cite_key'))}_"]
    for a in view.articles:
        line = f"*{a.label}* {_source_line(a, None)}"
        for dup in a.duplicates:
            for one in view.langs:
                line += f"\n      _{md.text(view.duplicate_note(dup, one))}_"
        items.append(line)
    return Unit(view.ui("sources"), sections(items, note))


def _source_line(a: ArticleView, prefix: str | None) -> str:
    """`Prefix: <url|original title> — source · time`, the address shown when not http(s)."""
    title = md.link(a.url, a.article.title)
    if a.url is None and a.article.url:
        title += f" ({md.text(a.article.url)})"
    start = f"{md.text(prefix)}: " if prefix else ""
    byline = f" — {md.text(a.byline)}" if a.byline else ""
    return f"{start}{title}{byline}"


def _statement(statement: Statement, lang: str) -> str:
    cites = "".join(f"[{c.text}]" for c in statement.cites)
    return f"{md.text(getattr(statement, lang))} {md.text(cites)}".rstrip()


def _para_cites(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _bullet(lines: list[str]) -> str:
    """A list item; its other language on the next line, indented under it."""
    return "\n".join(("• " if i == 0 else "    ") + line for i, line in enumerate(lines))


def _flags(findings: list[Finding], view: DigestView) -> str:
    label = md.text(view.ui("unverified", view.langs[0]))
    return "".join(f" ⚠ _{label}: {md.text(view.flag(f))}_" for f in findings)


def _group_title(number: int, en: str, zh: str, lang: Lang) -> str:
    if lang == "zh":
        return f"第{number}组：{zh}"
    if lang == "en":
        return f"Group {number}: {en}"
    return f"Group {number}: {en} / {zh}"
