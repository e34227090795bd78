"""Dedupe across workers sharing one Redis index: time and the copies found across them.

Run from the repository root:  python bench/shared_dedupe.py [ARTICLES]   (default 10000;
needs Debian's redis-server and `pip install redis`)

The synthetic articles of bench/digest.py (planted copies: exact, reworded, quoted whole) are
dealt at random to two workers, so about half the planted copies land on the other worker
from their original. Each worker merges its own copies in memory (deduplicate), then runs the
shared step (briefing.digest.shared) against a redis-server of its own started here: worker A
first, then worker B, then B again (a rerun). Printed: the seconds of each step, the planted
copies split across the workers and how many the shared step dropped, the drops that were not
copies (false), and whether the rerun decided the same.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from digest import SEED, synthesize

from briefing.digest.dedupe import deduplicate
from briefing.digest.shared import drop_copies_elsewhere
from briefing.models import Article, Duplicate

THRESHOLD = 0.6  # briefing.digest.prepare.DUPLICATE_THRESHOLD


def redis_server(folder: str) -> tuple[subprocess.Popen[bytes], int]:
    """A redis-server on a free port, no persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return server, port


def run_worker(
    name: str, articles: list[Article], storage: dict[str, object]
) -> tuple[list[Article], list[Duplicate], float, float]:
    """One worker's dedupe: its own copies, then the shared step; their seconds."""
    start = time.perf_counter()
    kept, _, _ = deduplicate(articles, threshold=THRESHOLD)
    local = time.perf_counter() - start
    start = time.perf_counter()
    inputs = {a.id: f"{name}/{a.id}" for a in kept}
    kept, elsewhere = drop_copies_elsewhere(kept, inputs, storage, THRESHOLD)
    return kept, elsewhere, local, time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    corpus = synthesize(n)
    rng = random.Random(SEED)
    side = [rng.random() < 0.5 for _ in corpus.articles]
    family = {a.id: corpus.family[k] for k, a in enumerate(corpus.articles)}
    workers = {
        name: [a for a, b in zip(corpus.articles, side, strict=True) if b == (name == "A")]
        for name in ("A", "B")
    }
    split = sum(side[o] != side[c] for o, c in corpus.copies)
    with tempfile.TemporaryDirectory() as folder:
        server, port = redis_server(folder)
        try:
            storage: dict[str, object] = {
                "type": "redis",
                "basename": b"bench",
                "redis": {"port": port},
                "shared": True,
            }
            print(f"## {n:,} articles dealt to two workers; {split:,} planted copies split")
            print("worker  articles  own dedupe s  shared step s  dropped as copies elsewhere")
            results = {}
            for name in ("A", "B", "B"):
                kept, elsewhere, local, shared = run_worker(name, workers[name], storage)
                rerun = name in results
                results.setdefault(name, (kept, elsewhere))
                label = f"{name}{' again' if rerun else ''}"
                print(
                    f"{label:<7} {len(workers[name]):>9,} {local:>13.2f} {shared:>14.2f}"
                    f" {sum(len(d.dropped) for d in elsewhere):>28,}",
                    flush=True,
                )
                if rerun:
                    same = [a.id for a in kept] == [a.id for a in results[name][0]]
                    print(f"the rerun kept the same articles: {same}")
            dropped = [(d.dropped[0], d.kept) for d in results["B"][1]]
            false = sum(family[x] != family[y] for x, y in dropped)
            print(
                f"copies across workers dropped: {len(dropped):,} of {split:,} split"
                f" (some split copies were merged first by their own worker's dedupe);"
                f" false drops: {false}"
            )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
