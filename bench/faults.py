"""Fault benchmark: a weekly run of 100 articles against a provider failing ~20% of calls.

Run from the repository root:  python bench/faults.py  [--articles 100 --rate 0.2 --seed 3]

The provider is the stand-in server with support.faults.Faulty in front of answers built
from each prompt (tests/fault_week.py: generated articles, generated answers). The client is
`briefing weekly` in a process of its own, with its real waits: Retry-After honoured (1 s,
as providers send), exponential backoff from 1 s otherwise, and a 5 s timeout against faults
that answer after 6 s. Defaults otherwise (4 retries, concurrency 8, no pacing).

It prints the faults injected by kind, then for each run: seconds, requests, articles briefed
and failed (with the reasons), calls retried, answers in the cache. The second run is against
a recovered provider; `repeated` counts the answers it asked for that the first run had
already received, which must be 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fault_week import answer_for, write_feed  # noqa: E402
from support.faults import Faulty, request_key  # noqa: E402
from support.llm_server import StandIn  # noqa: E402

CONFIG = "[openai]\ntimeout = 5\nrpm = 0\ntpm = 0\n"
CLI = [sys.executable, "-c", "from briefing.cli import app; app()"]


def weekly(folder: Path, feed: Path, faulty: Faulty) -> dict[str, Any]:
    """One `briefing weekly` run against `faulty`; its figures."""
    env = {
        **os.environ,
        "OPENAI_API_KEY": "bench",
        "BRIEFING_CONFIG": str(folder / "c.toml"),
        "BRIEFING_CACHE_DIR": str(folder / "cache"),
    }
    with StandIn(faulty) as server:
        start = time.perf_counter()
        done = subprocess.run(
            [
                *CLI,
                "weekly",
                str(feed),
                "--since",
                "2025-10-01",
                "--base-url",
                server.base_url,
                "-o",
                str(folder / "out"),
                "--formats",
                "json",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        asked = {request_key(r.body) for r in server.requests}
    if done.returncode not in (0, 1):
        raise SystemExit(f"weekly exited {done.returncode}:\n{done.stderr[-2000:]}")
    digest = json.loads((folder / "out" / "digest.json").read_text("utf-8"))
    with sqlite3.connect(folder / "cache" / "responses.sqlite3") as db:
        cached = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    reasons = Counter(
        f["error"].split(":")[0].split("(")[0].strip()[:70] for f in digest["failures"]
    )
    return {
        "seconds": seconds,
        "requests": len(server.requests),
        "asked": asked,
        "briefed": len(digest["briefs"]),
        "failed": len(digest["failures"]),
        "retried": digest["meta"]["retries"],
        "cached": cached,
        "reasons": reasons,
        "exit": done.returncode,
    }


def report(name: str, run: dict[str, Any]) -> None:
    print(
        f"{name}: {run['seconds']:.1f} s, {run['requests']} requests, "
        f"briefed {run['briefed']}, failed {run['failed']}, retried {run['retried']}, "
        f"{run['cached']} answers in the cache, exit {run['exit']}"
    )
    for reason, count in run["reasons"].most_common():
        print(f"  failed {count}: {reason}")


def main() -> None:
    """Run the two weekly runs and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--rate", type=float, default=0.2, help="share of calls that fail")
    parser.add_argument("--seed", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "c.toml").write_text(CONFIG, "utf-8")
        feed = write_feed(folder / "week.jsonl", options.articles)
        faulty = Faulty(
            answer_for,
            rate=options.rate,
            seed=options.seed,
            retry_after=1.0,
            timeout_delay=6.0,
            slow_delay=2.0,
        )
        first = weekly(folder, feed, faulty)
        share = faulty.injected.total() / faulty.requests
        print(f"faults: {faulty.injected.total()} of {faulty.requests} requests ({share:.0%})")
        for kind, count in sorted(faulty.injected.items()):
            print(f"  {kind}: {count}")
        report("run 1 (faulty)", first)
        second = weekly(folder, feed, Faulty(answer_for, rate=0.0))
        report("run 2 (recovered)", second)
        print(f"repeated: {len(second['asked'] & set(faulty.delivered))}")


if __name__ == "__main__":
    main()
