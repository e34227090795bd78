"""Dedupe across workers: one MinHash LSH index in Redis that every run sharing it adds to.

A larger deployment splits the inputs between workers (a feed each, a folder each), so a copy
may reach two of them. With `[dedupe] lsh_storage = {type = "redis", shared = true, ...}` each
run, after merging its own copies, registers what it kept under `<basename>:shared`:

- the article itself (zlib-compressed JSON) and a sequence number (Redis INCR) in a hash
  `<basename>:shared:article:<id>`, and each of its indexed sentences in datasketch's MinHashLSH
  (keys `<id>:<n>`), with the same signatures and bands as the in-process index;
- then it looks its sentences up in the shared buckets, one pipelined read per band, and
  compares each article met twice or more (as dedupe does, MIN_HITS) with the same overlap and
  event checks as within a run.

An article that copies one registered earlier (a lower sequence number), which no run has
dropped, is dropped here, recorded as a Duplicate whose `kept_elsewhere` names the input the
other run read it from. Registering before looking up means two runs at once still see each
other: the later of the two drops its copy, never both. A rerun of the same input reuses the
article's first registration (same id, same input), so it decides as it did and pays nothing.
The index is never cleared by briefing: a new `basename` starts a new one (say, one a month).
"""

from __future__ import annotations

import sys
import zlib
from collections import Counter
from typing import Any, NamedTuple

import numpy as np

from briefing.digest.dedupe import (
    MAX_SHARED,
    MIN_HITS,
    _boilerplate,
    _ordered,
    _overlap,
    _reduce,
    sentence_index,
)
from briefing.digest.lsh import BANDS, NUM_PERM, ROWS, redis_errors
from briefing.models import Article, Duplicate


class _Registered(NamedTuple):
    """An article as a run registered it in the shared index."""

    seq: int
    input: str
    dropped: bool
    article: Article


def drop_copies_elsewhere(
    kept: list[Article],
    inputs: dict[str, str],
    storage: dict[str, Any],
    threshold: float,
    *,
    register: bool = True,
) -> tuple[list[Article], list[Duplicate]]:
    """`kept` without the articles that copy one another run sharing `storage` registered
    first, and a Duplicate for each one dropped. `inputs`: article id -> its input.
    `register=False` (a plan, an estimate): only look, write nothing to the shared index."""
    with redis_errors(storage):
        return _drop(kept, inputs, storage, threshold, register)


def _drop(
    kept: list[Article],
    inputs: dict[str, str],
    storage: dict[str, Any],
    threshold: float,
    register: bool,
) -> tuple[list[Article], list[Duplicate]]:
    import redis
    from datasketch import MinHashLSH

    base = bytes(storage.get("basename", b"briefing-dedupe")) + b":shared"
    client = redis.Redis(**storage.get("redis", {}))
    lsh = MinHashLSH(
        num_perm=NUM_PERM,
        params=(BANDS, ROWS),
        storage_config={"type": "redis", "basename": base, "redis": storage.get("redis", {})},
        prepickle=False,
    )
    texts = [_reduce(a) for a in kept]
    reps = list(range(len(kept)))
    owner, signature = sentence_index(reps, texts, _boilerplate(reps, texts))
    seq, duplicates, dropped, new = {}, [], set(), []
    for k, a in enumerate(kept):
        seq[a.id], earlier, now = _register(client, base, a, inputs.get(a.id, ""), register)
        if earlier is not None:
            dropped.add(a.id)
            duplicates.append(
                Duplicate(kept=a.id, dropped=[a.id], similarity=1.0, kept_elsewhere=earlier)
            )
        elif now:  # registered by this run: its sentences go in the index
            new.append(k)
    _index(lsh, kept, new, owner, signature)
    met = _met(lsh, owner, signature, {a.id for a in kept})
    others = _fetch(client, base, sorted({other for _, other in met}))
    for k, other_id in sorted(met):
        article, other = kept[k], others.get(other_id)
        if article.id in dropped or other is None or other.dropped or other.seq > seq[article.id]:
            continue
        overlap = _overlap(*_ordered(texts[k], _reduce(other.article)), threshold=threshold)
        if overlap.is_duplicate(threshold):
            dropped.add(article.id)
            if register:
                client.hset(_record(base, article.id), "dropped", 1)
            duplicates.append(
                Duplicate(
                    kept=other_id,
                    dropped=[article.id],
                    similarity=round(overlap.text, 2),
                    kept_elsewhere=other.input,
                )
            )
    return [a for a in kept if a.id not in dropped], duplicates


def _record(base: bytes, article_id: str) -> bytes:
    return base + b":article:" + article_id.encode()


def _register(
    client: Any, base: bytes, article: Article, source: str, write: bool
) -> tuple[int, str | None, bool]:
    """The article's sequence number; the input that registered the same text first when
    another one did; whether it was registered now. A rerun of an input gets its first
    registration's number back. Without `write` nothing is registered: an article not there
    is numbered after every registered one."""
    key = _record(base, article.id)
    if not (client.hsetnx(key, "input", source) if write else not client.exists(key)):
        seq, registered = client.hmget(key, "seq", "input")
        if registered.decode() != source:  # the same text, read by another run first
            return int(seq or 0), registered.decode(), False
        if write:
            client.hdel(key, "dropped")  # a rerun: decided again
        return int(seq or sys.maxsize), None, False
    if not write:
        return sys.maxsize, None, False
    number = int(client.incr(base + b":seq"))
    body = zlib.compress(article.model_dump_json().encode())
    client.hset(key, mapping={"seq": number, "article": body})
    return number, None, True


def _index(
    lsh: Any, kept: list[Article], new: list[int], owner: np.ndarray, signature: np.ndarray
) -> None:
    """The sentences of the articles `new` (indexes into `kept`) into the shared index, in one
    insertion session (datasketch makes a Redis client for each one it flushes)."""
    from datasketch import LeanMinHash

    starts = np.searchsorted(owner, new)  # owners ascend: each article's sentences in a row
    stops = np.searchsorted(owner, new, side="right")
    with lsh.insertion_session() as session:
        for k, start, stop in zip(new, starts.tolist(), stops.tolist(), strict=True):
            for n, values in enumerate(signature[start:stop]):
                minhash = LeanMinHash(seed=1, hashvalues=values, scheme="legacy")
                session.insert(f"{kept[k].id}:{n}".encode(), minhash, check_duplication=False)


def _met(
    lsh: Any, owner: np.ndarray, signature: np.ndarray, ours: set[str]
) -> set[tuple[int, str]]:
    """(our article's index, another run's article id) met in MIN_HITS buckets or more; a
    bucket holding more than MAX_SHARED articles (boilerplate) pairs none."""
    hits: Counter[tuple[int, str]] = Counter()
    for table, (start, stop) in zip(lsh.hashtables, lsh.hashranges, strict=True):
        keys = [lsh._H(row[start:stop]) for row in signature]  # datasketch's band key
        for k, members in zip(owner.tolist(), table.getmany(*keys) if keys else [], strict=True):
            others = {m.split(b":")[0].decode() for m in members} - ours
            if len(others) <= MAX_SHARED:
                hits.update((k, other) for other in others)
    return {pair for pair, count in hits.items() if count >= MIN_HITS}


def _fetch(client: Any, base: bytes, ids: list[str]) -> dict[str, _Registered]:
    """The registered articles `ids`, in one pipelined read."""
    pipe = client.pipeline()
    for article_id in ids:
        pipe.hmget(_record(base, article_id), "seq", "input", "dropped", "article")
    out = {}
    for article_id, (seq, source, dropped, body) in zip(ids, pipe.execute(), strict=True):
        if seq is not None and body is not None:
            article = Article.model_validate_json(zlib.decompress(body))
            out[article_id] = _Registered(int(seq), source.decode(), dropped is not None, article)
    return out
