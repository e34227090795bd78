"""Requests and tokens a minute, for every thread of a run at once.

`RateLimiter` paces requests and tokens per minute for every thread at once, and a 429's
Retry-After (fed in as the client's `sleep`) holds every thread back, not only the one that
got it; calls refused together retry one after the other. `RateLimitedLLM` puts it in front
of a model; keep the response cache outside it, so a cache hit spends no budget:
CachedLLM(RateLimitedLLM(OpenAIChat)).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from briefing.brief.request import expected_answer_tokens, prompt_tokens
from briefing.errors import InvalidAnswerError
from briefing.llm.base import LLM, ChatMessage, Completion, T


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

    def expected_completion(self, messages: list[ChatMessage]) -> int:
        """Tokens expected in an answer: the mean so far, else what the request suggests."""
        with self._lock:
            if self._answers:
                return self._answer_tokens // self._answers
        return expected_answer_tokens(messages)

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        """Wait for the budget, ask the inner model, settle what the call really used."""
        prompt = prompt_tokens(messages) if self.limiter.tpm else 0
        reserved = prompt + self.expected_completion(messages) if self.limiter.tpm else 0
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
