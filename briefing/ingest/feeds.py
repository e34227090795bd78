"""RSS 2.0 and Atom feeds, and `--sources` files that list feeds, pages and paths.

A feed names articles; it is not one. Each item's page is fetched and read by the same path
as any URL (briefing.ingest.source: the same timeouts, size limit and failure messages). The
summary or content the feed carries is only a fallback when the page cannot be read, and the
article says so: its source is marked FEED_SUMMARY and the item carries a warning.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser

from briefing.errors import InputError
from briefing.ingest.article import make_article
from briefing.ingest.item import Item
from briefing.ingest.size import read_file
from briefing.models import Article

# Content types only feeds are served with (a page served as text/xml is sniffed instead).
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
FEED_SUMMARY = "feed summary only: the page could not be read"
_XML_PROLOGUE = re.compile(rb"^(?:\s|\xef\xbb\xbf|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S)
_FEED_ROOT = re.compile(rb"^<(?:rss|feed|rdf:RDF)[\s>]", re.I)
_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/blockquote|/tr)\s*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"^https?://", re.I)


@dataclass(frozen=True)
class Entry:
    """One feed item: where its page is, and what the feed itself says about it."""

    link: str | None
    title: str | None
    published: str | None
    summary: str  # HTML, sanitised by feedparser; the longer of summary and content


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and its items, in the feed's order."""

    title: str | None
    entries: list[Entry]


def is_feed(data: bytes, content_type: str = "") -> bool:
    """True for RSS or Atom: by its content type, or a root element <rss>, <feed> or <rdf:RDF>."""
    if content_type in FEED_TYPES:
        return True
    head = data[:4096]
    prologue = _XML_PROLOGUE.match(head)
    return bool(_FEED_ROOT.match(head[prologue.end() if prologue else 0 :]))


def is_feed_path(source: str) -> bool:
    """A path with a feed's extension (.rss, .atom, .xml)."""
    return Path(source).suffix.lower() in FEED_SUFFIXES and not _URL.match(source)


def parse_feed(data: bytes, name: str, *, base: str | None = None) -> Feed:
    """The feed in `data`; InputError when it is not a feed feedparser can read."""
    # Bytes, never a str: given a str, feedparser would take it for a URL or a path to open.
    headers = {"content-location": base} if base else {}
    parsed: Any = feedparser.parse(data, response_headers=headers)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        why = f": {_plain(str(problem))}" if problem else ""
        raise InputError(
            f"{name} is not a readable RSS or Atom feed{why}."
            if problem
            else f"{name} has no items.",
            "Check the feed's address in a browser, or list its pages' URLs in --sources.",
        )
    entries = [_entry(e) for e in parsed.entries]
    return Feed(title=_plain(parsed.feed.get("title", "")) or None, entries=entries)


def _entry(raw: Any) -> Entry:
    bodies = [raw.get("summary", "")] + [c.get("value", "") for c in raw.get("content", [])]
    when = raw.get("published_parsed") or raw.get("updated_parsed")
    return Entry(
        link=raw.get("link") or None,
        title=_plain(raw.get("title", "")) or None,
        published=time.strftime("%Y-%m-%dT%H:%M:%S", when) if when else None,
        summary=max(bodies, key=len),
    )


def read_entries(
    feed: Feed,
    read_page: Callable[[str], list[Article]],
    *,
    name: str = "the feed",
    seen: Collection[str] = (),
) -> list[Item]:
    """Each entry's page through `read_page`, or its summary when the page fails. An item is
    named by its link (`name`'s item N when it has none).

    An entry whose link is in `seen` is not fetched at all (an earlier run has read it).
    """
    items = []
    for number, entry in enumerate(feed.entries, 1):
        item_name = entry.link or f"{name} item {number}"
        if entry.link and entry.link in seen:
            items.append(Item(input=item_name, seen=True))
            continue
        items.append(_read_entry(entry, item_name, feed.title, read_page))
    return items


def _read_entry(
    entry: Entry, name: str, feed_title: str | None, read_page: Callable[[str], list[Article]]
) -> Item:
    if entry.link is None or not _URL.match(entry.link):
        problem = "the item has no http(s) link"
    else:
        try:
            articles = read_page(entry.link)
            if len(articles) == 1:
                return Item(input=name, article=_dated(articles[0], entry))
            problem = f"the page holds {len(articles)} articles, not one"
        except InputError as err:
            problem = err.message
    try:
        article = _summary_article(entry, feed_title)
    except InputError:
        return Item(input=name, error=f"{problem}, and the feed gives no summary to fall back on")
    warning = f"{name}: briefed from the feed's summary, not the page ({problem})"
    return Item(input=name, article=article, warning=warning)


def _dated(article: Article, entry: Entry) -> Article:
    """The page's article, dated by the feed when the page gives no date."""
    update: dict[str, str] = {}
    if article.published is None and entry.published:
        update["published"] = entry.published
    return article.model_copy(update=update) if update else article


def _summary_article(entry: Entry, feed_title: str | None) -> Article:
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", entry.summary)))
    paragraphs = [line for line in text.split("\n") if line.strip()]
    return make_article(
        title=entry.title,
        paragraphs=paragraphs,
        source=f"{feed_title} ({FEED_SUMMARY})" if feed_title else FEED_SUMMARY,
        published=entry.published,
        url=entry.link,
    )


def _plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text)).strip()


def read_sources_file(path: str, *, max_bytes: int) -> list[str]:
    """The inputs a `--sources` file lists: one feed or page URL or path a line, `#` comments.

    A relative path is taken from the file's own folder. InputError when the file cannot be
    read or lists nothing.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise InputError(
            f"The sources file {path} does not exist or is not a file.",
            "Give a text file with one feed URL, page URL or path a line.",
        )
    data = read_file(file, max_bytes, name=path, fix="Give a regular text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            f"The sources file {path} is not UTF-8 text.", "Save it as UTF-8 text."
        ) from None
    inputs = []
    for line in text.splitlines():
        # A comment is a line starting with #, or the rest of a line after " #" (a URL's own
        # fragment, `page.html#top`, has no space before it).
        entry = line.split(" #", 1)[0].strip()
        if not entry or entry.startswith("#"):
            continue
        if _URL.match(entry) or Path(entry).expanduser().is_absolute():
            inputs.append(entry)
        else:
            inputs.append(str(file.parent / entry))
    if not inputs:
        raise InputError(
            f"The sources file {path} lists no source.",
            "Write one feed URL, page URL or path a line; lines starting with # are comments.",
        )
    return inputs
