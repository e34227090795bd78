"""Escaping of model and article text for each output kind. Text is data, never markup."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_WHITESPACE = re.compile(r"\s+")


def md_escape(value: object) -> str:
    """Make text inert in Markdown: no emphasis, links, HTML or line breaks from it."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)


class Trusted(str):
    """Text already made safe for its output kind; the templates' finalize passes it as is."""


# Every ASCII character with a meaning in Typst markup; `-` and `.` too, so `-5`, `--`, `...`
# and `1.` at a line start stay as written. Quotes are left to become typographic quotes.
_TYPST_SPECIAL = re.compile(r"([\\#\[\]*_`$<>@~/=+\-.])")
_HTTP_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)


def typst_escape(value: object) -> str:
    """Make text literal in Typst markup: no code, markup, comments or links from it."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    return _TYPST_SPECIAL.sub(r"\\\1", text)


def typst_str(value: object) -> Trusted:
    """Quote text as a Typst string literal."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    return Trusted('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


def http_url(url: str | None) -> str | None:
    """The url when it is a plain http(s) address, else None: only those become links."""
    if url and _HTTP_URL.fullmatch(url.strip()):
        return url.strip()
    return None
