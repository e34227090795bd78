"""Many inputs at once, for the weekly run: files, folders, globs and feeds, mixed.

Every input ends up as items: an article, or the reason it could not be read. One bad file
or one bad line of a feed never stops the others.
"""

from __future__ import annotations

import glob
from pathlib import Path

from briefing.errors import InputError
from briefing.ingest.encoding import decode_bytes
from briefing.ingest.jsonfile import jsonl_items
from briefing.ingest.source import READERS, read_source
from briefing.models import Article, Model

_GLOB_CHARS = frozenset("*?[")


class Item(Model):
    """One input as read: its name (file, or `feed.jsonl:3`) and its article or error."""

    input: str
    article: Article | None = None
    error: str | None = None


def collect(inputs: list[str], *, max_bytes: int = 20_000_000) -> list[Item]:
    """Read every input; folders are searched recursively for supported files."""
    items: list[Item] = []
    for raw in inputs:
        sources = _expand(raw)
        if not sources:
            items.append(Item(input=raw, error="matches no file"))
        for source in sources:
            items += _read(source, max_bytes)
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


def _read(source: str, max_bytes: int) -> list[Item]:
    if source.lower().endswith(".jsonl") and Path(source).is_file():
        return _read_feed(Path(source), max_bytes)
    try:
        articles = read_source(source, max_bytes=max_bytes)
    except InputError as err:
        return [Item(input=source, error=err.message)]
    if len(articles) == 1:
        return [Item(input=source, article=articles[0])]
    return [Item(input=f"{source}#{i}", article=a) for i, a in enumerate(articles, 1)]


def _read_feed(path: Path, max_bytes: int) -> list[Item]:
    """A JSON Lines feed line by line: the good lines are kept when some are bad."""
    try:
        if path.stat().st_size > max_bytes:
            raise InputError(f"{path} is over the {max_bytes:,}-byte limit.")
        text = decode_bytes(path.read_bytes(), name=str(path))
    except (InputError, OSError) as err:
        message = err.message if isinstance(err, InputError) else f"cannot read: {err}"
        return [Item(input=str(path), error=message)]
    items = []
    for where, result in jsonl_items(text, str(path)):
        name = f"{path}:{where.split()[1]}"  # "line 3 of feed.jsonl" -> "feed.jsonl:3"
        if isinstance(result, InputError):
            items.append(Item(input=name, error=result.message))
        else:
            items.append(Item(input=name, article=result))
    return items or [Item(input=str(path), error="has no JSON lines")]
