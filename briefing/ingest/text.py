"""Plain text and Markdown articles: title line, optional source/date line, paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.errors import InputError
from briefing.ingest.article import detect_language, join_cjk_spaces, make_article
from briefing.ingest.boilerplate import strip_edges
from briefing.ingest.dates import DATE_RE
from briefing.models import Article

TITLE_MAX_CHARS = 60
# A title line does not end like a sentence or a clause; ！ and ？ are allowed because
# headlines end with them ("…稀土产业必须独立自主!").
_NOT_TITLE_END = tuple("。.，,；;：:、")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
# Markdown inline markup kept out of the body: images, link targets, emphasis markers.
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# "Sou Hu Cai Jing· 2025-10-25 12:49", "新华社 · 2025年10月25日", "Source | 2025/10/25".
_META_LINE = re.compile(
    r"^(?:(?P<source>[^·•|｜]{1,80}?)\s*[·•|｜]\s*)?(?P<date>" + DATE_RE.pattern + r")\s*$"
)
# Long one-line bodies (the reference export) separate paragraphs with a space after the
# end of a sentence: "…方面合作。 据俄卫星网报道…".
_SPACED_BREAK = re.compile(r"(?<=[。！？!?…][”’\"』」）)])\s+|(?<=[。！？!?…])\s+")
_LONG_LINE_CHARS = 200


@dataclass(frozen=True)
class _Header:
    title: str | None
    source: str | None
    published: str | None
    body_start: int


def _looks_like_title(line: str) -> bool:
    return 0 < len(line) <= TITLE_MAX_CHARS and not line.endswith(_NOT_TITLE_END)


def _header(lines: list[str]) -> _Header:
    """Title and metadata lines at the top of `lines` (already free of leading blanks)."""
    first = _HEADING.sub("", lines[0]).strip()
    rest = [i for i in range(1, len(lines)) if lines[i].strip()]
    meta = _META_LINE.match(lines[rest[0]].strip()) if rest else None
    if meta:
        source = (meta["source"] or "").strip() or None
        return _Header(first, source, meta["date"], rest[0] + 1)
    has_heading = bool(_HEADING.match(lines[0]))
    if rest and (has_heading or _looks_like_title(first)):
        return _Header(first, None, None, 1)
    return _Header(None, None, None, 0)


def _split_blocks(lines: list[str]) -> list[str]:
    """Paragraphs separated by blank lines, or one per line when there are no blank lines."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    if any(not line.strip() for line in lines):
        blocks: list[list[str]] = [[]]
        for line in lines:
            if line.strip():
                blocks[-1].append(line.strip())
            elif blocks[-1]:
                blocks.append([])
        # Lines of one paragraph wrapped by an editor are joined with a space, which
        # join_cjk_spaces then removes between Chinese characters.
        return [" ".join(block) for block in blocks if block]
    return [line.strip() for line in lines if line.strip()]


def _split_long(paragraph: str) -> list[str]:
    if len(paragraph) < _LONG_LINE_CHARS or detect_language(paragraph) != "zh":
        return [paragraph]
    return [part.strip() for part in _SPACED_BREAK.split(paragraph) if part.strip()]


def _strip_markdown(line: str) -> str:
    line = _HEADING.sub("", line)
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    return _MD_EMPHASIS.sub(r"\2", line)


def parse_text(text: str, *, markdown: bool = False) -> Article:
    """An Article from plain text or Markdown: title line, optional source/date line, body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise InputError("The text is empty.", "Give a file with an article's text.")
    header = _header(lines)
    body_lines = lines[header.body_start :]
    title = header.title
    if markdown:
        body_lines = [_strip_markdown(line) for line in body_lines]
        title = _strip_markdown(title) if title else title
    paragraphs: list[str] = []
    for block in _split_blocks(body_lines):
        paragraphs.extend(join_cjk_spaces(p) for p in _split_long(block))
    paragraphs = strip_edges(paragraphs)
    if not paragraphs:
        raise InputError(
            "The text has a title but no body.",
            "Put the article's paragraphs after the title line.",
        )
    return make_article(
        title=title,
        paragraphs=paragraphs,
        source=header.source,
        published=header.published,
    )
