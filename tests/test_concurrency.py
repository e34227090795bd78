"""Briefing many articles at once: calls overlap within the bound, results keep their order,
a failure stays one article's, Ctrl-C keeps what is done, rate limits and Retry-After hold.

No assertion on how long anything took (timing figures live in bench/throughput.py): the
overlap is what the stand-in server saw in flight, the pacing is read off a fake clock.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from fakes import FakeLLM
from support.llm_server import Reply, StandIn, Throttled, answer_book, error
from typer.testing import CliRunner

from briefing.cli import app
from briefing.digest.period import Window
from briefing.digest.pool import Interrupted
from briefing.digest.prepare import Prepared, prepare
from briefing.digest.run import build_digest
from briefing.errors import LLMError
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.llm.cache import CachedLLM, ResponseCache
from briefing.llm.ratelimit import RateLimitedLLM, RateLimiter
from briefing.llm.stack import build_stack
from briefing.models import BriefAnswer, Digest, Usage
from briefing.progress import Event, Lines
from briefing.settings import Settings, resolve_settings

WEEKLY = EXAMPLES / "weekly"


def _answer(name: str) -> str:
    return json.dumps(
        json.loads((EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")), ensure_ascii=False
    )


@pytest.fixture(scope="module")
def week() -> Prepared:
    """The twelve example articles of examples/weekly, grouped into their stories."""
    return prepare([str(WEEKLY)], Window())


def _settings() -> Settings:
    """The settings a digest is costed with (no key needed: the model is a fake)."""
    return resolve_settings(model="fake-model", require_key=False)


def _client(settings: Settings, sleep: Callable[[float], None]) -> LLM:
    """The real client stack without cache or rate limiter of its own, sleeping with `sleep`."""
    return build_stack(settings, cache=False, rate_limited=False, sleep=sleep).llm


def _book(prepared: Prepared) -> dict[str, str]:
    """Marker → authored answer, for every article's brief and every story's synthesis."""
    book = {f"[1] {a.paragraphs[0]}": _answer(a.id) for a in prepared.articles}
    book |= {
        f"## Article {s[0]}\n": _answer(f"story-{s[0]}") for s in prepared.stories if len(s) > 1
    }
    return book


def _alone(prepared: Prepared, count: int) -> Prepared:
    """The first `count` articles, each its own story (no synthesis call)."""
    articles = prepared.articles[:count]
    return prepared.model_copy(update={"articles": articles, "stories": [[a.id] for a in articles]})


class BookLLM:
    """A thread-safe fake model answering each request from the book; `before(article id)`
    runs first (to block or fail one article's call)."""

    model = "fake-model"

    def __init__(self, prepared: Prepared, before: Any = None) -> None:
        self.book = _book(prepared)
        self.ids = {f"[1] {a.paragraphs[0]}": a.id for a in prepared.articles}
        self.before = before
        self.lock = threading.Lock()
        self.answered: list[str] = []

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        text = "\n".join(m.content for m in messages)
        marker = next((m for m in self.book if m in text), None)
        if marker is None:
            raise LLMError("no answer in the book for this request")
        key = self.ids.get(marker, f"story:{marker}")
        if self.before is not None:
            self.before(key)
        raw = self.book[marker]
        with self.lock:
            self.answered.append(key)
        return Completion[schema](  # type: ignore[valid-type]
            value=schema.model_validate_json(raw),
            raw=raw,
            model=self.model,
            usage=Usage(prompt_tokens=100, completion_tokens=50),
        )


def test_calls_overlap_within_the_bound(week: Prepared) -> None:
    prepared = _alone(week, 8)
    server = Throttled(answer_book(_book(prepared)), latency=0.2)
    with StandIn(server) as standin:
        settings = resolve_settings(base_url=standin.base_url, api_key="k")
        llm = _client(settings, lambda s: None)
        digest = build_digest(prepared, llm, settings, concurrency=4)
    assert [b.article.id for b in digest.briefs] == [a.id for a in prepared.articles]
    assert server.answered == 8 and digest.failures == []
    # Sequential calls would never have two in flight; four is the bound.
    assert 2 <= server.max_in_flight <= 4


def test_results_keep_the_input_order_whatever_order_calls_finish_in(week: Prepared) -> None:
    prepared = _alone(week, 6)
    ids = [a.id for a in prepared.articles]
    done = {i: threading.Event() for i in ids}

    def last_first(article_id: str) -> None:
        # Each article's answer waits for the next article's: they are answered in reverse.
        n = ids.index(article_id)
        if n + 1 < len(ids):
            assert done[ids[n + 1]].wait(5)
        done[article_id].set()

    llm = BookLLM(prepared, before=last_first)
    digest = build_digest(prepared, llm, _settings(), concurrency=len(ids))
    assert llm.answered == ids[::-1]
    assert [b.article.id for b in digest.briefs] == ids


def test_one_failing_article_does_not_stop_the_others(week: Prepared) -> None:
    failing = week.articles[2]

    def fail_one(key: str) -> None:
        if key == failing.id:
            raise LLMError("provider said no", "try again")

    events: list[Event] = []
    llm = BookLLM(week, before=fail_one)
    digest = build_digest(week, llm, _settings(), events.append, concurrency=4)
    assert [b.article.id for b in digest.briefs] == [
        a.id for a in week.articles if a.id != failing.id
    ]
    assert [(f.input, f.error) for f in digest.failures] == [
        (week.inputs[failing.id], "provider said no")
    ]
    assert Event("brief", failing.id, failing.title, "failed", "provider said no") in events
    # The stories were still synthesised, none with the failed article.
    assert any(len(s.articles) > 1 for s in digest.stories)
    assert all(failing.id not in s.articles for s in digest.stories)


def test_a_bug_in_a_job_fails_that_job_only(week: Prepared) -> None:
    broken = week.articles[1]

    def crash(key: str) -> None:
        if key == broken.id:
            raise RuntimeError("a bug")

    prepared = _alone(week, 4)
    digest = build_digest(prepared, BookLLM(week, before=crash), _settings(), concurrency=2)
    assert [b.article.id for b in digest.briefs] == [
        a.id for a in prepared.articles if a.id != broken.id
    ]
    [failure] = digest.failures
    assert failure.input == prepared.inputs[broken.id]
    assert failure.error.startswith("briefing failed on this article's answer (")
    assert "RuntimeError: a bug" in failure.error


def test_ctrl_c_lets_calls_in_flight_finish_and_keeps_what_is_done(week: Prepared) -> None:
    ids = [a.id for a in week.articles]
    release = threading.Event()

    def hold_after_three(key: str) -> None:
        if key in ids[3:]:
            assert release.wait(5)

    asking: set[str] = set()
    events: list[Event] = []

    def ctrl_c(event: Event) -> None:
        events.append(event)
        if event.state == "asking" and event.key in ids[3:]:
            asking.add(event.key)
            if len(asking) == 2:  # both workers are in a call: press Ctrl-C
                release.set()
                raise KeyboardInterrupt

    with pytest.raises(Interrupted) as stopped:
        llm = BookLLM(week, before=hold_after_three)
        build_digest(week, llm, _settings(), ctrl_c, concurrency=2)
    digest = stopped.value.digest
    briefed = [b.article.id for b in digest.briefs]
    assert set(ids[:3]) | asking <= set(briefed)  # the two calls in flight finished
    assert briefed == [i for i in ids if i in briefed]  # in the input order
    interrupted = [f for f in digest.failures if f.error == "interrupted"]
    assert len(briefed) + len(interrupted) == len(ids) and len(interrupted) >= 5
    assert all(len(s.articles) == 1 for s in digest.stories)  # no synthesis was started
    assert not any(e.kind == "story" for e in events)


def test_a_second_ctrl_c_abandons_a_stuck_call(week: Prepared) -> None:
    ids = [a.id for a in week.articles]
    stuck = ids[1]
    pressed, unstick = threading.Event(), threading.Event()
    presses = 0
    asking: set[str] = set()

    def hang(key: str) -> None:
        # The stuck call never ends by itself; the others wait for the first Ctrl-C.
        (unstick if key == stuck else pressed).wait(10)

    def ctrl_c(event: Event) -> None:
        nonlocal presses
        if event.state == "asking":
            asking.add(event.key)
        # The first press once both calls are in flight ("asking" is reported past the point
        # where a stopping run refuses new calls), so the first one can still finish.
        first = presses == 0 and {ids[0], stuck} <= asking
        if first or (presses == 1 and event.state in ("done", "interrupted")):
            presses += 1
            pressed.set()
            raise KeyboardInterrupt

    try:
        with pytest.raises(Interrupted) as stopped:
            llm = BookLLM(week, before=hang)
            build_digest(_alone(week, 4), llm, _settings(), ctrl_c, concurrency=2)
    finally:
        unstick.set()  # let the abandoned daemon thread end
    digest = stopped.value.digest
    assert presses == 2
    assert [b.article.id for b in digest.briefs] == [ids[0]]  # finished after the first press
    interrupted = [f.input for f in digest.failures if f.error == "interrupted"]
    assert interrupted == [week.inputs[i] for i in ids[1:4]]


def test_weekly_ctrl_c_writes_what_is_done_and_exits_130(
    week: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    shown = Lines.__call__

    def ctrl_c_at_the_second_brief(self: Lines, event: Event) -> None:
        shown(self, event)
        if event.kind == "brief" and event.state == "done" and self._finished["brief"] == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(Lines, "__call__", ctrl_c_at_the_second_brief)
    # No rate limit of our own: the preset's 200,000 tokens a minute would space the calls.
    Path(os.environ["BRIEFING_CONFIG"]).write_text("[openai]\nrpm = 0\ntpm = 0\n", "utf-8")
    out = tmp_path / "out"
    # 0.1 s an answer: the third call is in flight when the second brief is shown.
    with StandIn(Throttled(answer_book(_book(week)), latency=0.1)) as server:
        result = CliRunner().invoke(
            app,
            [
                "weekly",
                str(WEEKLY),
                "--base-url",
                server.base_url,
                "-o",
                str(out),
                "--formats",
                "json",
                "--concurrency",
                "1",
            ],
        )
    assert result.exit_code == 130, result.output
    assert "1 at a time" in result.stderr and "Interrupted" in result.stderr
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    assert 2 <= len(digest.briefs) <= 3  # the two shown, and the one in flight at Ctrl-C
    assert len(digest.briefs) + len(digest.failures) == len(week.articles)
    assert {f.error for f in digest.failures} == {"interrupted"}
    assert "brief not started:" in result.stderr
    # The run's last progress line counts what the digest holds.
    tally = re.search(
        rf"^(\d+) of {len(week.articles)} briefed(?:, (\d+) interrupted)?, (\d+) not started$",
        result.stderr,
        re.MULTILINE,
    )
    assert tally is not None, result.stderr
    briefed, in_flight, not_started = (int(n or 0) for n in tally.groups())
    assert briefed == len(digest.briefs)
    assert briefed + in_flight + not_started == len(week.articles)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.advance = True  # False: time stands still, as for threads sleeping side by side

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds if self.advance else 0


def test_the_limiter_spaces_requests_per_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=60, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        limiter.acquire(0)
        starts.append(clock.now)
    assert starts == [0.0, 1.0, 2.0] and limiter.requests == 3


def test_the_limiter_spaces_tokens_and_settles_them_with_the_usage() -> None:
    clock = FakeClock()
    limiter = RateLimiter(tpm=600, clock=clock, sleep=clock.sleep)  # 10 tokens a second
    limiter.acquire(100)
    limiter.settle(reserved=100, used=40)  # the answer was shorter than expected
    limiter.acquire(100)
    assert clock.now == pytest.approx(4.0)
    limiter.hold(30)  # a Retry-After: nobody starts before it has passed
    limiter.acquire(1)
    assert clock.now == pytest.approx(34.0)


def test_calls_refused_together_retry_one_by_one_then_the_rest_go() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    clock.advance = False
    for _ in range(3):  # three calls refused at the same instant, each told to wait 1 s
        limiter.pause(1.0)
    assert clock.sleeps == [1.0, 2.0, 3.0]
    clock.advance = True
    limiter.acquire(0)  # a new request waits until the retries have had their turn
    assert clock.now == 4.0


def test_a_cache_hit_spends_no_rate_budget_and_usage_is_learnt(tmp_path: Path) -> None:
    clock = FakeClock()
    limiter = RateLimiter(rpm=60, tpm=6_000, clock=clock, sleep=clock.sleep)  # 100 tokens/s
    answer = _answer("781dc613f876")
    fake = FakeLLM().enqueue(answer, answer)  # usage 100 + 50 tokens per answer
    limited = RateLimitedLLM(fake, limiter)
    llm = CachedLLM(limited, ResponseCache(tmp_path / "cache.sqlite3"), "test")
    messages = [ChatMessage(role="user", content="brief this")]
    llm.complete(messages, BriefAnswer, name="brief")
    llm.complete(messages, BriefAnswer, name="brief")  # from the cache
    assert limiter.requests == 1 and len(fake.history) == 1
    assert limited.expected_completion(messages) == 50
    other = [ChatMessage(role="user", content="brief that")]
    llm.complete(other, BriefAnswer, name="brief")
    # The first call reserved its prompt plus about 700 expected tokens, then settled at 150:
    # the second waits 1.5 s for tokens (rpm alone would let it go at 1 s).
    assert clock.sleeps == [1.5] and limiter.requests == 2


def test_retry_after_holds_every_call_under_concurrency(week: Prepared) -> None:
    prepared = _alone(week, 8)
    served = Throttled(answer_book(_book(prepared)), latency=0.2)
    arrivals: list[tuple[float, int]] = []
    lock = threading.Lock()

    def first_is_refused(request: dict[str, Any]) -> Reply:
        with lock:
            arrivals.append((time.monotonic(), len(arrivals)))
            first = len(arrivals) == 1
        if first:
            return error(
                429,
                "slow down",
                type="requests",
                code="rate_limit_exceeded",
                headers={"retry-after-ms": "400"},
            )
        return served(request)

    limiter = RateLimiter()
    with StandIn(first_is_refused) as standin:
        settings = resolve_settings(base_url=standin.base_url, api_key="k")
        llm = RateLimitedLLM(_client(settings, limiter.pause), limiter)
        digest = build_digest(prepared, llm, settings, concurrency=4)
    assert len(digest.briefs) == 8 and digest.failures == []
    # The refused request was asked again; the last is the week in brief (no answer in the
    # book: the digest keeps a warning instead).
    assert len(arrivals) == 10 and digest.meta.warnings[0].startswith("No week in brief")
    refused_at = arrivals[0][0]
    # The first four were sent together; every later request, the retry included, waited
    # out the 0.4 s the server asked for, although three threads were free after 0.2 s
    # (new requests even wait one more 0.4 s, after the retry).
    later = sorted(t for t, _ in arrivals)[4:]
    assert min(later) - refused_at >= 0.4


def test_pace_comes_from_the_preset_and_the_config_file(tmp_path: Path) -> None:
    settings = resolve_settings(provider="openai", api_key="k")
    assert (settings.concurrency, settings.rpm, settings.tpm) == (8, 500, 200_000)
    config = tmp_path / "config.toml"
    config.write_text("[openai]\nconcurrency = 3\nrpm = 0\ntpm = 90000\n", "utf-8")
    settings = resolve_settings(provider="openai", api_key="k", config_path=config)
    assert (settings.concurrency, settings.rpm, settings.tpm) == (3, None, 90_000)
    settings = resolve_settings(provider="deepseek", api_key="k")
    assert (settings.rpm, settings.tpm) == (None, None)
