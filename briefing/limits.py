"""Bounds on the model calls: how many run at once, and how many requests and tokens a minute.

`Pool` runs jobs (one article's brief, one story's synthesis) on up to N threads. Threads,
not asyncio: the client is the synchronous openai SDK, so every call blocks a thread either
way (`asyncio.to_thread` would only add an event loop in front of the same thread pool, one
capped at min(32, CPUs + 4) workers and joined on exit, so Ctrl-C could not leave a stuck
call behind). Here the caller's thread only waits on a queue: it is the thread Python
delivers Ctrl-C to, it alone calls the progress callback, and the workers are daemon
threads, so a second Ctrl-C can abandon calls still in flight.

`RateLimiter` paces requests and tokens per minute for every thread at once, and a 429's
Retry-After (fed in as the client's `sleep`) holds every thread back, not only the one that
got it; calls refused together retry one after the other. `RateLimitedLLM` puts it in front
of a model; keep the response cache outside it, so a cache hit spends no budget:
CachedLLM(RateLimitedLLM(OpenAIChat)).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from briefing.errors import InvalidAnswerError, LLMError
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.tokens import count_tokens

if TYPE_CHECKING:
    from briefing.models import Digest
    from briefing.progress import Event, JobKind

X = TypeVar("X")
R = TypeVar("R")

# Tokens expected in an answer until the first real answer is seen: the authored bilingual
# briefs in examples/answers/ are 750-1,300 tokens (o200k_base).
EXPECTED_COMPLETION = 1_000
INTERRUPTED = "interrupted"
_POLL = 0.25  # seconds; how often the coordinator re-checks when no message arrives


@lru_cache(maxsize=1024)
def _tokens(text: str) -> int:
    # The system prompt is the same in every request: counted once. About 0.3 ms an article
    # for the rest (bench/throughput.py), small next to the pipeline's own time.
    return count_tokens(text)


def prompt_tokens(messages: Sequence[ChatMessage]) -> int:
    """Tokens the messages send, counted with tiktoken (cached per text)."""
    return sum(_tokens(m.content) for m in messages)


class RateLimiter:
    """Requests and tokens per minute for every thread at once, paced evenly.

    Each request may start once the previous ones' share of the minute has passed (GCRA,
    without a burst allowance: providers enforce per minute limits over shorter windows). A
    request reserves its estimated tokens; `settle` corrects the reservation with the usage
    the provider reported. `pause` (the client's sleep between retries) holds back every
    request until a Retry-After has passed. `clock` and `sleep` can be faked in tests.
    """

    def __init__(
        self,
        rpm: int | None = None,
        tpm: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.rpm, self.tpm = rpm, tpm
        self._clock = clock
        self._sleep = sleep  # None: wait on the condition, woken early by refunds
        self._cond = threading.Condition()
        self._next_request = float("-inf")  # earliest start allowed by rpm
        self._next_token = float("-inf")  # earliest start allowed by tpm
        self._resume_at = float("-inf")  # a Retry-After holds everyone until then
        self._retry_at = float("-inf")  # the earliest the next retry may go
        self.requests = 0
        self.waited = 0.0  # seconds requests spent waiting here, summed

    def acquire(self, tokens: int) -> None:
        """Wait until a request of about `tokens` tokens may start, then count it."""
        start = self._clock()
        while True:
            with self._cond:
                now = self._clock()
                ready = max(self._next_request, self._next_token, self._resume_at)
                if ready <= now:
                    if self.rpm:
                        self._next_request = max(self._next_request, now) + 60 / self.rpm
                    if self.tpm:
                        self._next_token = max(self._next_token, now) + 60 * tokens / self.tpm
                    self.requests += 1
                    self.waited += now - start
                    return
                if self._sleep is None:
                    self._cond.wait(ready - now)
                    continue
            self._sleep(ready - now)

    def settle(self, reserved: int, used: int, extra_requests: int = 0) -> None:
        """Replace a request's reserved tokens by those it `used`; count extra HTTP requests."""
        with self._cond:
            if self.tpm and used != reserved:
                self._next_token += 60 * (used - reserved) / self.tpm
            if self.rpm and extra_requests > 0:
                now = self._clock()
                self._next_request = max(self._next_request, now) + 60 * extra_requests / self.rpm
            self._cond.notify_all()

    def hold(self, seconds: float) -> None:
        """Let no request start for `seconds` (a server asked us to wait)."""
        with self._cond:
            self._resume_at = max(self._resume_at, self._clock() + seconds)
            self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """The client's sleep before a retry: hold everyone back, then sleep.

        Calls refused together retry one `seconds` apart (the server's wait is about what one
        request's room takes to come back), and new requests start after the last of them:
        a herd of retries at the same instant would mostly be refused again.
        """
        with self._cond:
            now = self._clock()
            wake = max(now + seconds, self._retry_at)
            self._retry_at = wake + seconds
            self._resume_at = max(self._resume_at, self._retry_at)
            self._cond.notify_all()
        (self._sleep or time.sleep)(wake - now)


class RateLimitedLLM:
    """An `LLM` whose calls wait for the rate limiter; a call's tokens are estimated first
    (the prompt's, plus the mean answer seen so far) and settled with the reported usage."""

    def __init__(self, inner: LLM, limiter: RateLimiter) -> None:
        self.inner = inner
        self.model = inner.model
        self.limiter = limiter
        self._lock = threading.Lock()
        self._answers = 0
        self._answer_tokens = 0

    def expected_completion(self) -> int:
        """Tokens expected in an answer: the mean so far, EXPECTED_COMPLETION before any."""
        with self._lock:
            return self._answer_tokens // self._answers if self._answers else EXPECTED_COMPLETION

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        """Wait for the budget, ask the inner model, settle what the call really used."""
        prompt = prompt_tokens(messages) if self.limiter.tpm else 0
        reserved = prompt + self.expected_completion() if self.limiter.tpm else 0
        self.limiter.acquire(reserved)
        try:
            completion = self.inner.complete(messages, schema, name=name)
        except InvalidAnswerError as exc:  # answered, twice, with what it cost
            used = exc.prompt_tokens + exc.completion_tokens
            self.limiter.settle(reserved, used or prompt, max(0, exc.attempts - 1))
            raise
        except BaseException:
            # No answer: a 429 is not counted by the provider, a timeout may have been; charge
            # the prompt only.
            self.limiter.settle(reserved, prompt)
            raise
        usage = completion.usage
        used = usage.prompt_tokens + usage.completion_tokens
        if usage.completion_tokens:
            with self._lock:
                self._answers += 1
                self._answer_tokens += usage.completion_tokens
        self.limiter.settle(reserved, used or reserved, max(0, completion.attempts - 1))
        return completion


# --- Running jobs on a bounded pool -------------------------------------------------------


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped a weekly run; `digest` holds what was finished (the rest: failures)."""

    def __init__(self, digest: Digest) -> None:
        super().__init__("interrupted")
        self.digest = digest


@dataclass(frozen=True)
class Job(Generic[X]):
    """One unit of work: what it is about (`key`, `label` for the display) and its input."""

    key: str
    label: str
    value: X


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """A job's result, or why there is none (an LLMError's message, or INTERRUPTED)."""

    value: R | None = None
    error: str | None = None


@dataclass
class _Result:
    state: str  # done, cached, failed, interrupted, crashed
    value: object = None
    error: str = ""
    exc: BaseException | None = None


def _put(messages: queue.SimpleQueue[tuple[int, str]], job: int, state: str) -> None:
    messages.put((job, state))


class _Watched:
    """A job's view of the model: reports each call's state, and refuses new calls once the
    run is stopping (a refused re-ask keeps the first answer, see briefing.reask)."""

    def __init__(self, llm: LLM, report: Callable[[str], None], stop: threading.Event) -> None:
        self.model = llm.model
        self._llm, self._report, self._stop = llm, report, stop
        self.calls = 0
        self.paid = 0  # calls not answered from the cache

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        if self._stop.is_set():
            raise LLMError(INTERRUPTED, "Run the same command again to finish the rest.")
        self.calls += 1
        self._report("asking" if self.calls == 1 else "re-asking")
        completion = self._llm.complete(messages, schema, name=name)
        if completion.attempts:  # CachedLLM answers with attempts=0
            self.paid += 1
        self._report("checking")
        return completion


class Pool:
    """Runs jobs on up to `concurrency` daemon threads, reporting every state change.

    Results come back in the jobs' order. An LLMError fails its job only. Ctrl-C (in the
    caller's thread, or raised by `on_event`) stops new work and waits for the calls in flight;
    a second Ctrl-C stops waiting. Either way the unfinished jobs end as INTERRUPTED and
    `interrupted` is set. Any other exception stops the pool and is raised once it is idle.
    `on_event` is only ever called in the caller's thread.
    """

    def __init__(self, concurrency: int, on_event: Callable[[Event], None]) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.on_event = on_event
        self.stop = threading.Event()
        self.interrupted = False

    def run(
        self, kind: JobKind, jobs: Sequence[Job[X]], llm: LLM, work: Callable[[X, LLM], R]
    ) -> list[Outcome[R]]:
        """`work(job.value, llm)` for every job; one Outcome per job, in order."""
        from briefing.progress import Event

        results: list[_Result | None] = [None] * len(jobs)
        # (job, state): a state change; (job, ""): the job is over, see results[job].
        messages: queue.SimpleQueue[tuple[int, str]] = queue.SimpleQueue()
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for i in range(len(jobs)):
            todo.put(i)

        def worker() -> None:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                report = partial(_put, messages, i)
                results[i] = self._one(jobs[i].value, llm, work, report)
                messages.put((i, ""))

        def emit(i: int, state: str, detail: str = "") -> None:
            self.on_event(Event(kind, jobs[i].key, jobs[i].label, state, detail))  # type: ignore[arg-type]

        reported = [False] * len(jobs)
        left = len(jobs)

        def finish(i: int) -> None:
            nonlocal left
            result = results[i]
            if reported[i] or result is None:
                return
            reported[i] = True
            left -= 1
            if result.state != "crashed":
                emit(i, result.state, result.error if result.state == "failed" else "")

        for i in range(len(jobs)):
            emit(i, "queued")
        for _ in range(min(self.concurrency, len(jobs))):
            threading.Thread(target=worker, daemon=True, name=f"briefing-{kind}").start()
        while left:
            try:
                try:
                    i, state = messages.get(timeout=_POLL)
                except queue.Empty:
                    # A message lost to a Ctrl-C between get() and here: results are the truth.
                    for n in range(len(jobs)):
                        finish(n)
                    continue
                if not state:
                    finish(i)
                elif not reported[i]:
                    emit(i, state)
            except KeyboardInterrupt:
                if self.interrupted:
                    break  # the second Ctrl-C: stop waiting for the calls in flight
                self.stop.set()
                self.interrupted = True
        for i, result in enumerate(results):
            if result is None:  # abandoned in flight
                results[i] = _Result(INTERRUPTED, error=INTERRUPTED)
                with suppress(KeyboardInterrupt):  # already stopping: let it end cleanly
                    emit(i, INTERRUPTED)
            elif result.exc is not None:
                raise result.exc
        ok = ("done", "cached")
        return [
            Outcome(value=cast(R, r.value)) if r.state in ok else Outcome(error=r.error)
            for r in results
            if r is not None
        ]

    def _one(
        self, value: X, llm: LLM, work: Callable[[X, LLM], R], report: Callable[[str], None]
    ) -> _Result:
        """Run one job in a worker thread."""
        if self.stop.is_set():
            return _Result(INTERRUPTED, error=INTERRUPTED)
        watched = _Watched(llm, report, self.stop)
        try:
            result = work(value, watched)
        except LLMError as exc:
            if self.stop.is_set() and exc.message == INTERRUPTED:
                return _Result(INTERRUPTED, error=INTERRUPTED)
            return _Result("failed", error=exc.message)
        except BaseException as exc:  # a bug: stop everything, raise it in the caller
            self.stop.set()
            return _Result("crashed", exc=exc)
        return _Result("cached" if watched.calls and not watched.paid else "done", result)
