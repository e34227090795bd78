"""MinHash LSH over sentences, vectorised: signatures with numpy, bands bucketed by sorting.

datasketch's MinHash and MinHashLSH cost a Python object and eight dict inserts per sentence:
at 10,000 articles (125,000 sentences) that was two thirds of the dedupe time. Here the
3-grams of all sentences become integers at once (briefing.digest.shingles.gram_codes), each of
the NUM_PERM hash functions is one multiply-add over them, a sentence's minimum one
`np.minimum.reduceat`, and a band's buckets come from one sort. A bucket holding more than
`cap` articles (near-identical boilerplate: a dated byline, a disclaimer) pairs none of them,
so the work stays linear whatever the input repeats.

The same signatures can go into datasketch's MinHashLSH instead, with any storage it supports
(`storage_config`, e.g. Redis), for an index that lives outside the process: see
`candidate_pairs(storage=...)`. Both give the same buckets, so the same pairs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import combinations
from typing import Any

import numpy as np

from briefing.digest.shingles import gram_codes, mix64
from briefing.errors import ConfigError

NUM_PERM = 32
BANDS, ROWS = 8, 4  # NUM_PERM = BANDS * ROWS; see SENTENCE_JACCARD in briefing.digest.dedupe
# Grams hashed per step: bounds the working arrays (NUM_PERM of them at once would not).
STEP = 1 << 21
_MASK32 = np.uint64(0xFFFFFFFF)
# Fixed multipliers and increments (odd multipliers): the same signatures on every run.
_RNG = np.random.default_rng(20250405)
_A = _RNG.integers(1, 1 << 62, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 1 << 62, size=NUM_PERM, dtype=np.uint64)


def signatures(sentences: list[str], n: int) -> np.ndarray:
    """The MinHash signature (NUM_PERM values of 32 bits) of each sentence's set of n-grams;
    every sentence must have at least one n-gram."""
    out = np.empty((len(sentences), NUM_PERM), dtype=np.uint64)
    start = 0
    while start < len(sentences):
        stop, grams = start, 0
        while stop < len(sentences) and (grams < STEP or stop == start):
            grams += len(sentences[stop])
            stop += 1
        codes, owner, _ = gram_codes(sentences[start:stop], n)
        hashed = mix64(codes)
        first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        for k in range(NUM_PERM):
            values = ((hashed * _A[k] + _B[k]) >> np.uint64(32)) & _MASK32
            out[start:stop, k] = np.minimum.reduceat(values, first)
        start = stop
    return out


def _band_keys(signature: np.ndarray, band: int) -> np.ndarray:
    """One integer per sentence for a band of ROWS values (two 64-bit halves hashed together)."""
    rows = signature[:, band * ROWS : (band + 1) * ROWS]
    low = rows[:, 0] | (rows[:, 1] << np.uint64(32))
    high = rows[:, 2] | (rows[:, 3] << np.uint64(32))
    return mix64(low ^ mix64(high))


def _pairs_in(members: np.ndarray, cap: int) -> list[tuple[int, int]]:
    distinct = sorted(set(members.tolist()))
    if len(distinct) < 2 or len(distinct) > cap:
        return []
    return list(combinations(distinct, 2))


def _often(pairs: list[tuple[np.ndarray, np.ndarray]], hits: int) -> set[tuple[int, int]]:
    """The pairs (lo, hi arrays, one entry a shared bucket) found in at least `hits` buckets."""
    lo = np.concatenate([p[0] for p in pairs] or [np.zeros(0, dtype=np.int64)])
    hi = np.concatenate([p[1] for p in pairs] or [np.zeros(0, dtype=np.int64)])
    width = np.int64(hi.max() + 1 if len(hi) else 1)
    keys, counts = np.unique(lo * width + hi, return_counts=True)
    keys = keys[counts >= hits]
    return set(zip((keys // width).tolist(), (keys % width).tolist(), strict=True))


def _as_arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    both = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return both[:, 0], both[:, 1]


def candidate_pairs(
    owner: np.ndarray,
    signature: np.ndarray,
    cap: int,
    storage: dict[str, Any] | None = None,
    *,
    hits: int = 1,
) -> set[tuple[int, int]]:
    """Pairs (i < j) of owners (articles) whose sentences share a bucket of a band at least
    `hits` times over all bands and sentences; a bucket with more than `cap` owners pairs
    none. `storage`: a datasketch storage_config for an index outside the process (None: in
    memory here)."""
    if storage is not None:
        return _often(_datasketch_pairs(owner, signature, cap, storage), hits)
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    for band in range(BANDS):
        keys = _band_keys(signature, band)
        order = np.argsort(keys, kind="stable")
        sorted_keys, members = keys[order], owner[order]
        edges = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        starts = np.r_[0, edges]
        sizes = np.diff(np.r_[starts, len(keys)])
        # Buckets of two, nearly all of them: at once.
        two = starts[sizes == 2]
        a, b = members[two], members[two + 1]
        differ = a != b
        pairs.append((np.minimum(a, b)[differ], np.maximum(a, b)[differ]))
        larger = zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True)
        pairs.append(_as_arrays([p for s, n in larger for p in _pairs_in(members[s : s + n], cap)]))
    return _often(pairs, hits)


def storage_config(env: Mapping[str, str] = os.environ) -> dict[str, Any] | None:
    """datasketch's storage_config from `[dedupe] lsh_storage` in the config file, None
    (in memory) when unset."""
    from briefing.settings import default_config_path, load_config_file

    storage = load_config_file(default_config_path(env), must_exist=False).dedupe.lsh_storage
    if storage is None:
        return None
    config: dict[str, Any] = {"type": storage.type, "basename": storage.basename.encode()}
    if storage.type == "redis":
        config["redis"] = dict(storage.redis)
    if storage.shared:
        config["shared"] = True
    return config


def _datasketch_pairs(
    owner: np.ndarray, signature: np.ndarray, cap: int, storage: dict[str, Any]
) -> list[tuple[np.ndarray, np.ndarray]]:
    with redis_errors(storage):
        return _datasketch_index(owner, signature, cap, storage)


@contextmanager
def redis_errors(storage: dict[str, Any]) -> Iterator[None]:
    """The storage's missing package and the Redis client's own errors (refused connection,
    timeout) as a ConfigError that says where the server was looked for."""
    try:
        yield
    except ImportError as exc:
        raise ConfigError(
            f"The LSH storage {storage.get('type')!r} needs a package that is missing: {exc}.",
            "pip install redis (or remove [dedupe] lsh_storage from the config file).",
        ) from None
    except Exception as exc:  # the store's own errors: redis.ConnectionError, timeouts
        if type(exc).__module__.split(".")[0] != "redis":
            raise
        where = storage.get("redis", {})
        raise ConfigError(
            f"Cannot use the Redis LSH storage at {where.get('host', 'localhost')}:"
            f"{where.get('port', 6379)}: {exc}",
            "Start the server or fix [dedupe] lsh_storage in the config file.",
        ) from None


def _datasketch_index(
    owner: np.ndarray, signature: np.ndarray, cap: int, storage: dict[str, Any]
) -> list[tuple[np.ndarray, np.ndarray]]:
    from datasketch import LeanMinHash, MinHashLSH

    config = {k: v for k, v in storage.items() if k != "shared"}
    # Keys of this run only (basename + a random suffix): runs sharing one server never meet.
    config["basename"] = (
        bytes(config.get("basename", b"briefing-dedupe")) + os.urandom(6).hex().encode()
    )
    # Keys stored as plain digits, never pickled: nothing read back from a shared store is
    # unpickled.
    lsh = MinHashLSH(
        num_perm=NUM_PERM, params=(BANDS, ROWS), storage_config=config, prepickle=False
    )
    with lsh.insertion_session() as session:
        for k, values in enumerate(signature):
            minhash = LeanMinHash(seed=1, hashvalues=values, scheme="legacy")
            session.insert(str(k).encode(), minhash, check_duplication=False)
    pairs = []
    try:
        for table in lsh.hashtables:
            for key in table.keys():
                entries = np.fromiter(map(int, table.get(key)), dtype=np.int64)
                if len(entries) > 1:
                    pairs.append(_as_arrays(_pairs_in(owner[entries], cap)))
    finally:
        # The index is for this run: leave nothing behind in a shared store.
        for store in [*lsh.hashtables, lsh.keys]:
            keys = list(store.keys())
            if keys:
                store.remove(*keys)
    return pairs
