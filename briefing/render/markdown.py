"""Markdown of one brief, in the layout of the reference export."""

from __future__ import annotations

from functools import cache
from typing import Literal

from jinja2 import Template

from briefing.models import Brief, Finding
from briefing.render.escape import md_escape
from briefing.render.templates import load_template

Lang = Literal["en", "zh", "both"]


@cache
def _template() -> Template:
    # finalize escapes every {{ }} output: model text can never become markup.
    return load_template("brief.md.j2", md_escape)


def display_time(published: str | None) -> str:
    """`2025-10-25T12:49:00` → `2025-10-25 12:49`; a date stays a date."""
    if not published:
        return ""
    date, _, time = published.partition("T")
    return f"{date} {time[:5]}" if time else date


def render_brief(brief: Brief, lang: Lang = "en") -> str:
    """Render a brief as Markdown in English, Chinese or both (each line then its pair)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in brief.errors:
        by_path.setdefault(finding.where, []).append(finding)
    # A flag on something that is not a claim (a title, say) is listed under the brief.
    paths = {path for path, _ in brief.claims_with_paths()}
    langs = ["en", "zh"] if lang == "both" else [lang]
    return _template().render(
        brief=brief,
        langs=langs,
        byline=" · ".join(
            part for part in (brief.article.source, display_time(brief.article.published)) if part
        ),
        findings=by_path,
        unplaced=[f for f in brief.errors if f.where not in paths],
    )
