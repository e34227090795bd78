"""Read a SOURCE argument (a path, an http(s) URL or `-`) into Articles."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from typing import BinaryIO

from briefing.counts import count
from briefing.errors import InputError
from briefing.ingest.encoding import decode_bytes
from briefing.ingest.fetch import DEFAULT_DEADLINE, Fetched, fetch_url
from briefing.ingest.htmlpage import parse_html
from briefing.ingest.jsonfile import parse_json, parse_jsonl
from briefing.ingest.size import DEFAULT_MAX_BYTES, read_file, too_big
from briefing.ingest.text import parse_text
from briefing.models import Article

log = logging.getLogger(__name__)

# File extension -> reader kind.
READERS = {
    ".txt": "text",
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
}
SUPPORTED = ", ".join(READERS)
_URL = re.compile(r"^https?://", re.I)
PAGE_TIMEOUT = 20.0  # seconds for each connect and read of a page (DEFAULT_DEADLINE in all)
_LOOKS_LIKE_HOST = re.compile(r"^(?:www\.|[\w-]+\.(?:com|cn|net|org|gov|edu|io)(?:[/:]|$))", re.I)
# Read past before sniffing: whitespace, and BOMs (feeds concatenated from files with one).
_LEADING = "\ufeff \t\r\n"
_NOT_A_FILE = "Give a regular file, or '-' and send the article to standard input."
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/markdown": "markdown",
}


def _sniff(text: str) -> str:
    """The reader for content of unknown type: HTML, JSON (or JSON Lines) or text."""
    head = text.lstrip(_LEADING)[:1]
    if head == "<":
        return "html"
    if head in "{[" and head:
        lines = [line.lstrip(_LEADING) for line in text.strip().split("\n")]
        lines = [line for line in lines if line]
        if head == "{" and len(lines) > 1 and all(line.startswith("{") for line in lines):
            return "jsonl"
        return "json"
    return "markdown"


def _parse(
    data: bytes, kind: str | None, name: str, *, url: str | None = None, charset: str | None = None
) -> list[Article]:
    if not data.strip():
        raise InputError(f"{name} is empty.", "Give an input that contains an article.")
    if kind == "html":
        return [parse_html(data, name=name, url=url, charset=charset)]
    text = decode_bytes(data, name=name)
    if not text.strip():
        raise InputError(f"{name} contains only whitespace.", "Give an input with an article.")
    kind = kind or _sniff(text)
    if kind == "html":
        return [parse_html(data, name=name, url=url, charset=charset)]
    if kind == "json":
        return parse_json(text, name)
    if kind == "jsonl":
        return parse_jsonl(text, name)
    return [parse_text(text, markdown=kind == "markdown")]


def _read_stdin(stdin: BinaryIO | None, max_bytes: int) -> list[Article]:
    stream = stdin if stdin is not None else sys.stdin.buffer
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big("Standard input", max_bytes)
    return _parse(data, None, "standard input")


def _read_url(url: str, max_bytes: int, timeout: float, deadline: float) -> list[Article]:
    fetched = fetch_url(url, max_bytes=max_bytes, timeout=timeout, deadline=deadline)
    return read_fetched(url, fetched)


def read_fetched(url: str, fetched: Fetched) -> list[Article]:
    """The articles of a page fetched from `url` (read by its content type, else sniffed)."""
    kind = _CONTENT_TYPES.get(fetched.content_type)
    return _parse(fetched.data, kind, url, url=fetched.url, charset=fetched.charset)


def _read_path(source: str, max_bytes: int) -> list[Article]:
    path = Path(source).expanduser()
    if not path.exists():
        hint = "Check the path (relative paths start from the current directory)."
        if _LOOKS_LIKE_HOST.match(source):
            hint = f"To read a web page, give the full URL: https://{source}"
        raise InputError(f"{source} does not exist.", hint)
    if path.is_dir():
        raise InputError(
            f"{source} is a directory, not a file.",
            f"Give one file inside it ({SUPPORTED}).",
        )
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"{source} has an unsupported extension '{path.suffix or '(none)'}'.",
            f"Supported: {SUPPORTED}, an http(s) URL, or '-' for standard input.",
        )
    data = read_file(path, max_bytes, name=source, fix=_NOT_A_FILE)
    if not data:
        raise InputError(f"{source} is empty (0 bytes).", "Give a file with an article in it.")
    return _parse(data, kind, source)


def read_source(
    source: str,
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = PAGE_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
) -> list[Article]:
    """Articles from a path, an http(s) URL or `-` (standard input); InputError if unreadable.

    An input over `max_bytes` (see `briefing.ingest.size`) is refused before it is read.
    A URL is given `timeout` seconds for each read and `deadline` seconds in all.
    """
    if source == "-":
        articles = _read_stdin(stdin, max_bytes)
    elif _URL.match(source):
        articles = _read_url(source, max_bytes, timeout, deadline)
    else:
        articles = _read_path(source, max_bytes)
    paragraphs = sum(len(a.paragraphs) for a in articles)
    log.info(
        "ingest: %s: %s, %s",
        source,
        count(len(articles), "article"),
        count(paragraphs, "paragraph"),
    )
    return articles
