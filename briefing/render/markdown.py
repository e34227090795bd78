"""Markdown of one brief, in the layout of the reference export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Literal

from jinja2 import Template

from briefing.models import Brief, Finding
from briefing.render.escape import Trusted, md_escape
from briefing.render.flags import flags_shown, reader_flag, second_reader
from briefing.render.templates import load_template

Lang = Literal["en", "zh", "both"]


def _finalize(value: object) -> str:
    return value if isinstance(value, Trusted) else md_escape(value)


@cache
def _template() -> Template:
    # finalize escapes every {{ }} output: model text can never become markup.
    return load_template("brief.md.j2", _finalize)


def display_time(published: str | None) -> str:
    """`2025-10-25T12:49:00` → `2025-10-25 12:49`; a date stays a date."""
    if not published:
        return ""
    date, _, time = published.partition("T")
    return f"{date} {time[:5]}" if time else date


def byline(brief: Brief) -> str:
    """`source · time`, whichever is known."""
    parts = (brief.article.source, display_time(brief.article.published))
    return " · ".join(part for part in parts if part)


def render_brief(brief: Brief, lang: Lang = "en") -> str:
    """Render a brief as Markdown in English, Chinese or both (each line then its pair)."""
    header = [brief.title.en] if lang == "both" else []
    header += [byline(brief)] if byline(brief) else []
    text = brief_block(
        brief,
        lang,
        heading=Trusted(f"### {md_escape(brief.article.title)}"),
        header=header,
        cite=lambda numbers: Trusted("".join(f"[{n}]" for n in numbers)),
    )
    if brief.verification is None:
        return text
    lines = [
        second_reader(brief.verification, one) for one in ("en", "zh") if lang in (one, "both")
    ]
    return text.rstrip("\n") + "\n\n" + "  \n".join(f"_{md_escape(line)}_" for line in lines) + "\n"


def brief_block(
    brief: Brief,
    lang: Lang,
    *,
    heading: Trusted,
    header: Sequence[str],
    cite: Callable[[list[int]], Trusted],
    labels: dict[str, str] | None = None,
) -> str:
    """A brief's Markdown under `heading`: `header` lines, core viewpoint, groups, flags.

    `cite` writes a claim's citations (Trusted Markdown); flags are in a reader's words."""
    by_path: dict[str, list[Finding]] = {}
    for finding in flags_shown(brief.findings):
        by_path.setdefault(finding.where, []).append(finding)
    # A flag on something that is not a claim (a title, say) is listed under the brief.
    paths = {path for path, _ in brief.claims_with_paths()}
    langs = ["en", "zh"] if lang == "both" else [lang]
    first = langs[0]
    return _template().render(
        brief=brief,
        langs=langs,
        heading=heading,
        header=header,
        cite=cite,
        flag=lambda f: reader_flag(f, first, labels),
        unverified="未核实" if first == "zh" else "unverified",
        findings=by_path,
        unplaced=[f for f in flags_shown(brief.findings) if f.where not in paths],
    )
