"""Throughput benchmark: 200 articles briefed at concurrency 1, 8 and 32 against a stand-in
provider with latency and rate limits.

Run from the repository root:  python bench/throughput.py  [--articles 200 --latency 0.5]

The provider is the local stand-in server (tests/support/llm_server.py) in a process of its
own, so
its work does not count as ours: each request is answered after `latency` seconds with the
authored answer of the article (examples/answers/, matched like scripts/record_examples.py),
its tokens counted with tiktoken as a provider would, and past its RPM or TPM limit it answers
HTTP 429 with Retry-After at once. The articles are the 12 of examples/weekly repeated, each
copy with its own id and title, so every prompt is different. The client is the real
pipeline: build_digest → summarize_article (prompt, grounding checks) → RateLimitedLLM with the
same RPM/TPM → StructuredLLM over the OpenAIChat transport (the openai SDK over HTTP), without
the response cache, so every article costs a call.

Each run prints articles per minute next to the bound
    min(concurrency × 60 / (latency × calls per article), RPM / calls per article,
        TPM / tokens per article)
and their ratio, and the pipeline's own time per article: this process's CPU time per article
(all threads; the server is another process). At concurrency 1 the wall clock gives it too:
(seconds - calls × latency) / articles. Aim: a ratio of at least 0.90, and under 20 ms of own
time per article. The last line is `bound-ratio: X.XX`, the lowest ratio of the runs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from briefing.digest.period import Window
from briefing.digest.prepare import Prepared, prepare
from briefing.digest.run import build_digest
from briefing.llm.ratelimit import RateLimitedLLM, RateLimiter
from briefing.llm.stack import build_stack
from briefing.settings import resolve_settings

# The test doubles live in tests/support, outside the installed package: run from
# anywhere, this puts tests/ on sys.path as pytest does.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.llm_server import StandIn, Throttled, answer_book  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CONCURRENCY = (1, 8, 32)
RPM = 3_000
TPM = 2_400_000  # about 1,200 articles a minute: the bound at concurrency 32, not at 8


def articles(week: Prepared, count: int) -> Prepared:
    """`count` copies of the week's articles, each with its own id and title, each alone."""
    copies = []
    for n in range(count):
        article = week.articles[n % len(week.articles)]
        copy = n // len(week.articles) + 1
        copies.append(
            article.model_copy(update={"id": f"{n:012x}", "title": f"{article.title}（{copy}）"})
        )
    return week.model_copy(
        update={
            "articles": copies,
            "inputs": {a.id: f"copy {n}" for n, a in enumerate(copies)},
            "duplicates": [],
            "stories": [[a.id] for a in copies],
            "failures": [],
        }
    )


def book(week: Prepared) -> dict[str, str]:
    """The marker each article's request carries (its first paragraph) → its authored answer."""
    answers = {}
    for article in week.articles:
        text = (EXAMPLES / "answers" / f"{article.id}.json").read_text("utf-8")
        answers[f"[1] {article.paragraphs[0]}"] = json.dumps(json.loads(text), ensure_ascii=False)
    return answers


def serve(answers: dict[str, str], conn: Connection) -> None:
    """The stand-in provider, in its own process; commands come over `conn`."""
    from briefing.tokens import count_tokens

    count_tokens("warm up")
    provider = Throttled(answer_book(answers))
    with StandIn(provider) as server:
        conn.send(server.base_url)
        while True:
            command, *args = conn.recv()
            if command == "reset":  # a fresh provider: limits, latency, counters
                latency, rpm, tpm = args
                provider = Throttled(
                    answer_book(answers), latency=latency, rpm=rpm, tpm=tpm, count=count_tokens
                )
                server.responder = provider
                conn.send(True)
            elif command == "stats":
                conn.send(
                    {
                        "answered": provider.answered,
                        "refused": provider.refused,
                        "tokens": provider.tokens,
                        "in_flight": provider.max_in_flight,
                    }
                )
            else:
                return


def run(
    conn: Connection,
    base_url: str,
    prepared: Prepared,
    concurrency: int,
    latency: float,
    rpm: int | None,
    tpm: int | None,
) -> dict[str, Any]:
    """Brief every article once at `concurrency`; the figures of the run."""
    conn.send(("reset", latency, rpm, tpm))
    conn.recv()
    with tempfile.TemporaryDirectory() as folder:  # no user config, no key needed
        env = {"BRIEFING_CONFIG": str(Path(folder) / "none.toml")}
        settings = resolve_settings(base_url=base_url, api_key="bench", env=env)
    limiter = RateLimiter(rpm, tpm)
    # The stack without its own limiter and cache; this one has the stand-in's RPM/TPM.
    stack = build_stack(settings, cache=False, rate_limited=False, sleep=limiter.pause)
    llm = RateLimitedLLM(stack.llm, limiter)
    wall, cpu = time.perf_counter(), time.process_time()
    digest = build_digest(prepared, llm, settings, concurrency=concurrency)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    conn.send(("stats",))
    stats: dict[str, Any] = conn.recv()
    if digest.failures:
        raise SystemExit(f"{len(digest.failures)} failure(s): {digest.failures[0].error}")
    return {
        "wall": wall,
        "cpu": cpu,
        "waited": limiter.waited,
        **stats,
        "findings": sum(len(b.findings) for b in digest.briefs),
    }


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds an answer takes")
    options = parser.parse_args()
    n, latency = options.articles, options.latency
    week = prepare([str(EXAMPLES / "weekly")], Window())
    prepared = articles(week, n)
    answers = book(week)
    here, there = multiprocessing.get_context("spawn").Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(answers, there), daemon=True
    )
    server.start()
    base_url = here.recv()
    try:
        # Warm up (imports, tiktoken, connections): 24 articles, not counted.
        run(here, base_url, articles(week, 24), 8, 0.0, None, None)
        print(
            f"briefing throughput: {n} articles (the 12 of examples/weekly, repeated), "
            f"stand-in latency {latency:.2f} s, limits {RPM:,} RPM and {TPM:,} TPM "
            "(tokens counted with tiktoken), no response cache"
        )
        print(
            f"{'concurrency':>11} {'seconds':>8} {'articles/min':>13} {'bound/min':>10} "
            f"{'ratio':>6} {'own ms/article':>15} {'in flight':>10} {'429s':>5}"
        )
        ratios, first = [], None
        for concurrency in CONCURRENCY:
            r = run(here, base_url, prepared, concurrency, latency, RPM, TPM)
            calls = r["answered"] / n
            tokens = r["tokens"] / n
            bound = min(concurrency * 60 / (latency * calls), RPM / calls, TPM / tokens)
            rate = n / r["wall"] * 60
            ratios.append(rate / bound)
            first = first or r
            print(
                f"{concurrency:>11} {r['wall']:>8.1f} {rate:>13.0f} {bound:>10.0f} "
                f"{rate / bound:>6.2f} {r['cpu'] / n * 1000:>15.1f} {r['in_flight']:>10} "
                f"{r['refused']:>5}"
            )
    finally:
        here.send(("stop",))
        server.join(5)
    assert first is not None
    sequential = (first["wall"] - first["answered"] * latency) / n * 1000
    print(
        f"{tokens:,.0f} tokens and {calls:.2f} calls per article; "
        f"{first['findings']} finding(s) in the briefs"
    )
    print(
        f"own time: CPU time of this process per article; at concurrency 1 the wall clock "
        f"gives ({first['wall']:.1f} s - {first['answered']} calls × {latency:.2f} s) / {n} "
        f"= {sequential:.1f} ms"
    )
    print(f"bound-ratio: {min(ratios):.2f}")


if __name__ == "__main__":
    main()
