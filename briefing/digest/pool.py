"""Running jobs on a bounded pool of threads: one article's brief, one story's synthesis.

`Pool` runs jobs on up to N threads. Threads, not asyncio: the client is the synchronous
openai SDK, so every call blocks a thread either way (`asyncio.to_thread` would only add an
event loop in front of the same thread pool, one capped at min(32, CPUs + 4) workers and
joined on exit, so Ctrl-C could not leave a stuck call behind). Here the caller's thread only
waits on a queue: it is the thread Python delivers Ctrl-C to, it alone calls the progress
callback, and the workers are daemon threads, so a second Ctrl-C can abandon calls still in
flight.

A job that fails fails alone: an LLMError with its message, any other exception (a bug in
the checks, the synthesis, the rendering of one article) with its type and message, logged
with its traceback. Answers its calls received are in the response cache already.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from briefing.errors import LLMError
from briefing.llm.base import LLM, ChatMessage, Completion, T

if TYPE_CHECKING:
    from briefing.models import Digest
    from briefing.progress import Event, JobKind

log = logging.getLogger(__name__)

X = TypeVar("X")
R = TypeVar("R")

INTERRUPTED = "interrupted"
_POLL = 0.25  # seconds; how often the coordinator re-checks when no message arrives


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

    Results come back in the jobs' order. An exception fails its job only. Ctrl-C (in the
    caller's thread, or raised by `on_event`) stops new work and waits for the calls in flight;
    a second Ctrl-C stops waiting. Either way the unfinished jobs end as INTERRUPTED and
    `interrupted` is set.
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
        except Exception as exc:  # a bug on this job's answer: this job fails, the run goes on
            log.warning("%s on one job: %s", type(exc).__name__, exc)
            log.debug("Where it happened:", exc_info=True)  # -vv shows it
            return _Result("failed", error=crash_message(exc))
        except BaseException as exc:  # SystemExit and the like: stop, raise it in the caller
            self.stop.set()
            return _Result("crashed", exc=exc)
        return _Result("cached" if watched.calls and not watched.paid else "done", result)


def crash_message(exc: Exception) -> str:
    """What a job's failure says when it was not the model's: a bug, with its answer kept."""
    text = " ".join(str(exc).split())[:300]
    return (
        f"briefing failed on this article's answer ({type(exc).__name__}: {text}); the answer "
        "is kept in the response cache. Please report this bug (BRIEFING_TRACEBACK=1 shows "
        "where it happened)."
    )
