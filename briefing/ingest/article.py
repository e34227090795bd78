"""Build an Article from extracted parts: normalised text, a stable id, date and language."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from briefing.errors import InputError
from briefing.ingest.dates import normalise_published
from briefing.models import Article

_WHITESPACE = re.compile(r"\s+")
# Terminal escape sequences, removed whole so no "[31m" is left behind: CSI (ESC [ 31 m, or
# its one-character form U+009B), OSC with its terminator (ESC ] 0;title BEL), two-character
# escapes (ESC M).
ANSI_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,8}[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\x9d]{0,512}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[@-Z\\-_]"
)
# Unicode categories removed from text: controls (Cc), format characters such as zero-width
# spaces and BOMs (Cf), lone surrogates (Cs, they cannot be encoded) and unassigned (Cn).
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn"})
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK_CHAR}]) (?=[{_CJK_CHAR}])")
FALLBACK_TITLE_CHARS = 30
# A longer "title" is a broken page's whole text (headings nested in headings): it is cut.
MAX_TITLE_CHARS = 300


def clean_text(text: str) -> str:
    """`text` without control or zero-width characters, whitespace runs made one space."""
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = ANSI_ESCAPE.sub("", text)
    # Whitespace controls (\n, \t) become spaces first so words on two lines stay apart.
    text = _WHITESPACE.sub(" ", text)
    # Other whitespace is now a space, so a printable text has nothing to drop (the fast path:
    # this runs on every element of a page). Else each distinct character is looked up once.
    if not text.isprintable():
        drop = {ord(ch): None for ch in set(text) if unicodedata.category(ch) in _DROP_CATEGORIES}
        text = text.translate(drop)
    return _WHITESPACE.sub(" ", text).strip()


def join_cjk_spaces(text: str) -> str:
    """Remove single spaces between two CJK characters (line-wrap leftovers in exports)."""
    return _SPACE_BETWEEN_CJK.sub("", text)


def body_id(paragraphs: Iterable[str]) -> str:
    """First 12 hex digits of the sha256 of the body, paragraphs joined by newlines."""
    body = "\n".join(paragraphs)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


def detect_language(text: str) -> str:
    """'zh' when most letters are CJK characters, else 'en'."""
    letters = sum(1 for ch in text if ch.isalpha())
    cjk = len(_CJK.findall(text))
    return "zh" if letters and cjk * 2 >= letters else "en"


def fallback_title(paragraphs: list[str]) -> str:
    """A title made from the start of the body, for inputs that carry none."""
    first = paragraphs[0]
    sentence = re.split(r"(?<=[。！？!?])|(?<=\.)\s", first, maxsplit=1)[0].strip()
    if len(sentence) <= FALLBACK_TITLE_CHARS:
        return sentence
    return sentence[:FALLBACK_TITLE_CHARS].rstrip() + "…"


def _optional(value: object) -> str | None:
    if value is None:
        return None
    text = clean_text(str(value))
    return text or None


def make_article(
    *,
    title: object,
    paragraphs: Iterable[object],
    source: object = None,
    published: object = None,
    url: object = None,
) -> Article:
    """An Article with normalised paragraphs, a body-hash id, ISO date and detected language."""
    cleaned = [clean_text(str(p)) for p in paragraphs if p is not None]
    body = [p for p in cleaned if p]
    if not body:
        raise InputError(
            "The article has no body text.",
            "Give an input whose text has at least one non-empty paragraph.",
        )
    clean_title = clean_text(str(title)) if title is not None else ""
    if len(clean_title) > MAX_TITLE_CHARS:
        clean_title = clean_title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return Article(
        id=body_id(body),
        title=clean_title or fallback_title(body),
        source=_optional(source),
        published=normalise_published(str(published)) if published is not None else None,
        url=_optional(url),
        language=detect_language(clean_title + "".join(body)),
        paragraphs=body,
    )
