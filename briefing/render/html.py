"""One self-contained HTML file of a digest or a brief: no remote assets, phone and print ready.

Each citation group is one chip (`[3,5]` inside a brief, `[A2 ¶3,5]` in a story) that links
to the first cited paragraph, quoted in the sources at the end with the anchor
`a-<article id>-p<n>`, and shows the quoted text on hover or focus (CSS only, no script).
All model and article text goes through autoescape (after `clean`: no bidi or control
characters), attributes included; only http(s) addresses become links.
"""

from __future__ import annotations

from functools import cache

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from briefing.models import Brief, Digest
from briefing.render.digest_view import DigestView, brief_view, digest_view
from briefing.render.escape import clean
from briefing.render.fonts import font_face
from briefing.render.markdown import Lang
from briefing.resources import data_dir


def _finalize(value: object) -> object:
    # Runs before autoescape: our own markup (Markup) passes, every other value is cleaned.
    return value if isinstance(value, Markup) else clean(value)


@cache
def _template() -> tuple[Template, Markup]:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates = data_dir("templates")
    page = env.from_string((templates / "digest.html.j2").read_text(encoding="utf-8"))
    # The stylesheet is ours, not model text: inline it as is.
    return page, Markup((templates / "digest.css").read_text(encoding="utf-8"))


def _render(view: DigestView, title: str) -> str:
    page, css = _template()
    # Rendered twice: the first time to learn which Chinese characters the page holds.
    text = page.render(v=view, css=css, fontface=Markup(""), title=title)
    return page.render(v=view, css=css, fontface=font_face(text), title=title)


def render_digest_html(digest: Digest, lang: Lang = "en", appendix: bool = True) -> str:
    """Render a digest as one self-contained HTML page (`appendix`: the cited paragraphs)."""
    view = digest_view(digest, lang, appendix)
    return _render(view, f"{view.ui('title')} · {view.period_text(view.langs[0])}")


def render_brief_html(brief: Brief, lang: Lang = "en") -> str:
    """Render one article's brief as a self-contained HTML page."""
    title = brief.article.title if lang == "zh" else brief.title.en
    return _render(brief_view(brief, lang), title)
