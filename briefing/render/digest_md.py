"""Markdown of a weekly digest: counts, top stories, each article's brief, sources, failures.

Citations: a brief's own claims cite `[3]` (paragraph 3 of that article, as in render_brief);
a story cites `[A2 ¶3,5]`, paragraphs 3 and 5 of article A2 of the sources list.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Template

from briefing.models import Digest
from briefing.render.digest_view import digest_view
from briefing.render.escape import Trusted, http_url, md_escape
from briefing.render.markdown import Lang, render_brief
from briefing.render.templates import load_template


def _finalize(value: object) -> str:
    return value if isinstance(value, Trusted) else md_escape(value)


def _autolink(url: str) -> Trusted:
    # http_url has already refused whitespace and <>, which an autolink cannot hold.
    checked = http_url(url)
    return Trusted(f"<{checked}>") if checked else Trusted(md_escape(url))


@cache
def _template() -> Template:
    return load_template("digest.md.j2", _finalize, {"autolink": _autolink})


def render_digest_markdown(digest: Digest, lang: Lang = "en") -> str:
    """Render a digest as Markdown in English, Chinese or both."""
    view = digest_view(digest, lang)
    # Each brief keeps the single-article layout; its heading gains the article's number so
    # a story's [A2 ¶3] can be followed to it.
    briefs = [
        Trusted(f"### {a.label} · " + render_brief(a.brief, lang).removeprefix("### "))
        for a in view.articles
    ]
    return _template().render(v=view, briefs=briefs)
