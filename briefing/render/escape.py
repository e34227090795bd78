"""Escaping of model and article text for each output kind. Text is data, never markup."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Bidi embeddings, overrides and isolates reorder how the text after them is shown ("005"
# shown as "500", a file name read backwards); C0/C1 controls other than whitespace and lone
# surrogates (which no UTF-8 or UTF-16 writer accepts) have no business in an output either.
_BIDI = r"\u202a-\u202e\u2066-\u2069"  # a character class range, for the patterns below
_UNSHOWN = re.compile(rf"[{_BIDI}\x00-\x08\x0e-\x1b\x7f\x80-\x84\x86-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")


def clean(value: object) -> str:
    """Data text without bidi controls or control characters, lone surrogates as U+FFFD."""
    return _SURROGATE.sub("\ufffd", _UNSHOWN.sub("", str(value)))


def flat(value: object) -> str:
    """`clean` text on one line: every run of whitespace (newlines too) becomes one space."""
    return _WHITESPACE.sub(" ", clean(value)).strip()


# Marks with a meaning anywhere in a line: emphasis, strike-through, code, links, HTML, tables.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# `&lt;` and `&#x3C;` would be shown as `<`: escape the `&` of anything entity-like.
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What opens a block when the text starts a line: `# heading`, `- item`, `+ item`, a `===`
# or `---` underline, a `~~~` fence (escaped above), `1.` or `1)` of an ordered list.
_MD_LINE_START = re.compile(r"^(?:([#+=-])|(\d{1,9})([.)])(?=\s|$))")


def md_escape(value: object) -> str:
    """Make text inert in Markdown: no emphasis, links, HTML, blocks or line breaks from it."""
    text = _MD_ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", flat(value)))
    return _MD_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


class Trusted(str):
    """Text already made safe for its output kind; the templates' finalize passes it as is."""


# Every ASCII character with a meaning in Typst markup; `-` and `.` too, so `-5`, `--`, `...`
# and `1.` at a line start stay as written. Quotes are left to become typographic quotes.
_TYPST_SPECIAL = re.compile(r"([\\#\[\]*_`$<>@~/=+\-.])")
_HTTP_URL = re.compile(rf"https?://[^\s<>\"'`\\{_BIDI}\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)


def typst_escape(value: object) -> str:
    """Make text literal in Typst markup: no code, markup, comments or links from it."""
    return _TYPST_SPECIAL.sub(r"\\\1", flat(value))


def typst_str(value: object) -> Trusted:
    """Quote text as a Typst string literal."""
    return Trusted('"' + flat(value).replace("\\", "\\\\").replace('"', '\\"') + '"')


def http_url(url: str | None) -> str | None:
    """The url when it is a plain http(s) address with a host, else None: only those become
    links. No whitespace, quotes, angle brackets, backslashes, controls or bidi controls."""
    if not url or not _HTTP_URL.fullmatch(candidate := url.strip()):
        return None
    try:
        host = urlsplit(candidate).hostname
    except ValueError:  # an invalid IPv6 host, say
        return None
    return candidate if host else None
