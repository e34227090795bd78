"""Many inputs at once, for the weekly run: files, folders, globs and feeds, mixed.

Every input ends up as items: an article, or the reason it could not be read. One bad file
or one bad line of a feed never stops the others.
"""

from __future__ import annotations

import codecs
import glob
import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import BinaryIO

from briefing.errors import InputError
from briefing.ingest.encoding import decode_bytes
from briefing.ingest.feeds import is_feed, is_feed_path, parse_feed, read_entries
from briefing.ingest.fetch import DEFAULT_DEADLINE, fetch_url
from briefing.ingest.item import Item
from briefing.ingest.jsonfile import is_blank_line, jsonl_items, jsonl_line
from briefing.ingest.size import DEFAULT_MAX_BYTES, TooLargeError, read_file, too_big
from briefing.ingest.source import PAGE_TIMEOUT, READERS, read_fetched, read_source
from briefing.models import Article

_GLOB_CHARS = frozenset("*?[")
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-32's BOMs start with these
_URL = re.compile(r"^https?://", re.I)


def collect(
    inputs: list[str], *, max_bytes: int = DEFAULT_MAX_BYTES, seen: Collection[str] = ()
) -> list[Item]:
    """Read every input; folders are searched recursively for supported files.

    `max_bytes` limits each file, page, RSS or Atom feed, and line of a .jsonl feed. A feed
    item whose link is in `seen` is listed as seen, not fetched.
    """
    items: list[Item] = []
    for raw in inputs:
        sources = _expand(raw)
        if not sources:
            items.append(Item(input=raw, error="matches no file"))
        for source in sources:
            items += _read(source, max_bytes, seen)
    return items


def _expand(raw: str) -> list[str]:
    """The sources an input names: itself, a folder's supported files, or a glob's matches."""
    path = Path(raw).expanduser()
    if path.is_dir():
        return [
            str(p)
            for p in sorted(path.rglob("*"))
            if p.is_file()
            and p.suffix.lower() in READERS
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        ]
    if not path.exists() and _GLOB_CHARS & set(raw):
        return sorted(m for m in glob.glob(raw, recursive=True) if Path(m).is_file())
    return [raw]


def _read(source: str, max_bytes: int, seen: Collection[str] = ()) -> list[Item]:
    if source.lower().endswith(".jsonl") and Path(source).is_file():
        return _read_feed(Path(source), max_bytes)
    try:
        if _URL.match(source):
            fetched = fetch_url(
                source, max_bytes=max_bytes, timeout=PAGE_TIMEOUT, deadline=DEFAULT_DEADLINE
            )
            if is_feed(fetched.data, fetched.content_type):
                return _read_rss(fetched.data, source, fetched.url, max_bytes, seen)
            articles = read_fetched(source, fetched)
        elif is_feed_path(source) and Path(source).is_file():
            data = read_file(Path(source), max_bytes, name=source, fix="Give a regular file.")
            return _read_rss(data, source, None, max_bytes, seen)
        else:
            articles = read_source(source, max_bytes=max_bytes)
    except InputError as err:
        return [Item(input=source, error=_failure(err))]
    if len(articles) == 1:
        return [Item(input=source, article=articles[0])]
    return [Item(input=f"{source}#{i}", article=a) for i, a in enumerate(articles, 1)]


def _read_rss(
    data: bytes, source: str, base: str | None, max_bytes: int, seen: Collection[str]
) -> list[Item]:
    """An RSS or Atom feed: each item's page read as a URL input is (see briefing.ingest.feeds)."""
    feed = parse_feed(data, source, base=base)

    def read_page(url: str) -> list[Article]:
        return read_source(url, max_bytes=max_bytes)

    return read_entries(feed, read_page, name=source, seen=seen)


def _failure(err: InputError) -> str:
    """What a failure entry says: the message, and for a size error how to raise the limit."""
    return f"{err.message} {err.hint}" if isinstance(err, TooLargeError) else err.message


def _read_feed(path: Path, max_bytes: int) -> list[Item]:
    """A JSON Lines feed line by line: the good lines are kept when some are bad.

    Each line is one article, so the size limit applies to each line, not to the feed; a
    line over it is a failure of its own, and the feed is never read whole into memory.
    """
    try:
        with path.open("rb") as file:
            if file.read(4).startswith(_WIDE_BOMS):  # UTF-16/32: lines are not split on b"\n"
                return _read_wide_feed(path, max_bytes)
            file.seek(0)
            items = list(_feed_lines(file, str(path), max_bytes))
    except OSError as err:
        return [Item(input=str(path), error=f"cannot be read: {err.strerror or err}")]
    return items or [Item(input=str(path), error="has no JSON lines")]


def _feed_lines(file: BinaryIO, name: str, max_bytes: int) -> Iterator[Item]:
    number = 0
    while line := file.readline(max_bytes + 1):
        number += 1
        where = f"line {number} of {name}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := file.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the oversized line
            yield Item(input=f"{name}:{number}", error=_failure(too_big(where, max_bytes)))
            continue
        try:
            text = decode_bytes(line, name=where)
            if is_blank_line(text):
                continue
            yield Item(input=f"{name}:{number}", article=jsonl_line(text, where))
        except InputError as err:
            yield Item(input=f"{name}:{number}", error=_failure(err))


def _read_wide_feed(path: Path, max_bytes: int) -> list[Item]:
    """A feed in UTF-16 or UTF-32 (it starts with their BOM): decoded whole, then split."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise too_big(str(path), max_bytes, size)
        text = decode_bytes(path.read_bytes(), name=str(path))
    except InputError as err:
        return [Item(input=str(path), error=_failure(err))]
    items = []
    for where, result in jsonl_items(text, str(path)):
        name = f"{path}:{where.split()[1]}"  # "line 3 of feed.jsonl" -> "feed.jsonl:3"
        if isinstance(result, InputError):
            items.append(Item(input=name, error=_failure(result)))
        else:
            items.append(Item(input=name, article=result))
    return items or [Item(input=str(path), error="has no JSON lines")]
