"""Markdown of a weekly digest: counts, the week in brief, contents, stories with their
articles' briefs, sources with the cited paragraphs (the appendix), failures.

Citations are links to anchors in the same file: `[[A2 ¶3,5]](#a-<id>-p3)` in a story or the
week in brief, `[[3,5]](#a-<id>-p3)` in a brief; each cited paragraph is quoted in the
appendix under `<a id="a-<id>-p3"></a>`. Anchor ids are made from validated article ids.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from jinja2 import Template

from briefing.models import Digest
from briefing.render.article_view import ArticleView, CrossCite
from briefing.render.digest_view import DigestView, digest_view
from briefing.render.escape import Trusted, http_url, md_escape
from briefing.render.markdown import Lang, brief_block
from briefing.render.templates import load_template


def _finalize(value: object) -> str:
    return value if isinstance(value, Trusted) else md_escape(value)


def _autolink(url: str) -> Trusted:
    # http_url has already refused whitespace and <>, which an autolink cannot hold.
    checked = http_url(url)
    return Trusted(f"<{checked}>") if checked else Trusted(md_escape(url))


def _anchor(name: str) -> Trusted:
    return Trusted(f'<a id="{name}"></a>')


def _link(text: str, target: str | None) -> Trusted:
    """`[text](#target)`, or the escaped text alone without a target."""
    escaped = md_escape(text)
    return Trusted(f"[{escaped}](#{target})" if target else escaped)


def _cites(cites: list[CrossCite]) -> Trusted:
    """Each citation group one link: `[[A2 ¶3,5]](#a-…-p3)`."""
    return Trusted("".join(_link(f"[{c.text}]", c.target) for c in cites))


def _titled(a: ArticleView) -> Trusted:
    """The article's original title, a link to its address when it has an http(s) one."""
    title = md_escape(a.article.title)
    return Trusted(f"[{title}](<{a.url}>)" if a.url else title)


@cache
def _template() -> Template:
    # "escaped" only for macro output: every value in it went through _finalize when it ran.
    filters: dict[str, Callable[..., object]] = {
        "anchor": _anchor,
        "cites": _cites,
        "link": _link,
        "titled": _titled,
        "escaped": Trusted,
    }
    return load_template("digest.md.j2", _finalize, filters)


def _brief(
    v: DigestView, a: ArticleView, lang: Lang, level: str, prefix: str, also: str = ""
) -> Trusted:
    """An article's brief under a heading at `level` (`##` for a story of one article)."""
    labels = {x.article.id: x.label for x in v.articles}
    en = lang != "zh"
    heading_title = a.brief.title.en if en else a.article.title
    header: list[Trusted] = [_titled(a)] if en else []
    header += [Trusted(md_escape(a.byline))] if a.byline else []
    if a.url and not en:
        header.append(_autolink(a.url))
    text = brief_block(
        a.brief,
        lang,
        heading=Trusted(
            f"{level} {prefix}{a.label} · {md_escape(heading_title)} {_anchor(a.anchor)}"
            + (f"{_anchor(also)}" if also else "")
        ),
        header=header,
        cite=lambda numbers: _cites([a.cite(numbers)]),
        labels=labels,
    )
    return Trusted(text)


def render_digest_markdown(digest: Digest, lang: Lang = "en", appendix: bool = True) -> str:
    """Render a digest as Markdown in English, Chinese or both."""
    view = digest_view(digest, lang, appendix)
    briefs = {}
    for story in view.stories:
        for a in story.briefs:
            if story.single:
                briefs[a.article.id] = _brief(
                    view, a, lang, "##", f"{story.number}. ", story.anchor
                )
            else:
                briefs[a.article.id] = _brief(view, a, lang, "###", "")
    for a in view.loose:
        briefs[a.article.id] = _brief(view, a, lang, "###", "")
    return _template().render(v=view, briefs=briefs)
