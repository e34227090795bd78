"""The model-free half of a weekly run: read, keep the period, merge duplicates, group stories.

Both `weekly --dry-run` (the plan) and the real run start here, so the plan shows exactly
what the run will pay for.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from briefing.digest.dedupe import deduplicate
from briefing.digest.period import Window, covered
from briefing.digest.stories import group_stories
from briefing.errors import InputError, NothingNew
from briefing.glossary import Glossary
from briefing.ingest.collect import collect
from briefing.ingest.item import Item
from briefing.ingest.size import DEFAULT_MAX_BYTES
from briefing.models import Article, Copy, Duplicate, Failure, Model, Period, Skipped

DUPLICATE_THRESHOLD = 0.6


class Prepared(Model):
    """Everything decided before any model call."""

    period: Period
    articles: list[Article]
    inputs: dict[str, str]  # article id -> the input it was read from
    duplicates: list[Duplicate]
    stories: list[list[str]]
    # Kept articles (id pairs) worded like each other that report two events: a sequence story.
    events: list[tuple[str, str]] = []
    failures: list[Failure]
    skipped: Skipped
    warnings: list[str] = []  # inputs read only in part (a feed item's summary for its page)
    fetched: dict[str, str] = {}  # URL -> id of the article read from it (briefing.state)
    glossary: Glossary | None = None  # given to every brief prompt, checked in every brief


def prepare(
    inputs: list[str],
    window: Window,
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lsh_storage: dict[str, Any] | None = None,
    briefed: Collection[str] = (),
    seen: Collection[str] = (),
    glossary: Glossary | None = None,
    register: bool = True,
) -> Prepared:
    """Read the inputs and decide what to brief; InputError when nothing is left to brief.

    An input over `max_bytes` (a file, a page, a line of a feed) is a failure, unread.
    `lsh_storage`: where dedupe's index lives (datasketch storage_config; None: in memory);
    with `shared`, also what other runs kept is left out (briefing.digest.shared), and what
    this run keeps is registered there unless `register` is False (a plan, an estimate).
    `briefed` (article ids) and `seen` (feed item URLs) are what earlier runs briefed
    (`--since last`, see briefing.state): skipped and counted; NothingNew if that is all.
    """
    items = collect(inputs, max_bytes=max_bytes, seen=seen)
    failures = [
        Failure(input=i.input, error=i.error or "")
        for i in items
        if i.article is None and not i.seen
    ]
    old = sum(i.seen or (i.article is not None and i.article.id in briefed) for i in items)
    read = [i for i in items if i.article is not None and i.article.id not in briefed]
    inside = [i for i in read if window.holds(i.article.published)]  # type: ignore[union-attr]
    if not inside:
        outside = len(read) - len(inside)
        if old and not failures:
            raise NothingNew(
                f"Nothing new to brief: {old} already briefed by an earlier run, "
                f"{outside} outside the period. No model was called; no output was written."
            )
        raise InputError(
            f"No article to brief: {len(read)} read, {outside} outside the period, "
            f"{len(failures)} unreadable.",
            "Check the inputs and --since/--until/--week"
            + (f" (first problem: {failures[0].input}: {failures[0].error})" if failures else "."),
        )
    articles = [i.article for i in inside if i.article is not None]
    kept, duplicates, events = deduplicate(articles, threshold=threshold, storage=lsh_storage)
    input_of = {id(i.article): i.input for i in inside}
    if lsh_storage is not None and lsh_storage.get("shared"):
        from briefing.digest.shared import drop_copies_elsewhere

        kept, elsewhere = drop_copies_elsewhere(
            kept, {a.id: input_of[id(a)] for a in kept}, lsh_storage, threshold, register=register
        )
        duplicates += elsewhere
        if not kept:
            raise NothingNew(
                f"Nothing new to brief: all {len(elsewhere)} articles copy ones that other runs "
                "sharing the dedupe index briefed. No model was called; no output was written."
            )
        ids = {a.id for a in kept}
        events = [(a, b) for a, b in events if a in ids and b in ids]
    return Prepared(
        period=covered(window, [a.published for a in kept]),
        articles=kept,
        inputs={a.id: input_of[id(a)] for a in kept},
        duplicates=_with_copies(duplicates, kept, inside),
        stories=group_stories(kept, linked=events),
        events=events,
        failures=failures,
        skipped=Skipped(outside_period=len(read) - len(inside), already_briefed=old),
        warnings=[i.warning for i in items if i.warning and i.article is not None],
        fetched={i.input: i.article.id for i in items if i.article and "://" in i.input},
        glossary=glossary,
    )


def _with_copies(
    duplicates: list[Duplicate], kept: list[Article], items: list[Item]
) -> list[Duplicate]:
    """Each duplicate record with the dropped copies as they were read (input, source, date)."""
    kept_objects = {id(a) for a in kept}
    out = []
    for dup in duplicates:
        dropped = set(dup.dropped)
        copies = [
            Copy(input=i.input, title=a.title, source=a.source, published=a.published, url=a.url)
            for i in items
            if (a := i.article) is not None and a.id in dropped and id(a) not in kept_objects
        ]
        out.append(dup.model_copy(update={"copies": copies}))
    return out
