"""A responder for the stand-in server that fails like real providers do, on purpose.

    faulty = Faulty(answer_book(book), rate=0.2, seed=7)
    with StandIn(faulty) as server:
        ...
    faulty.injected  # Counter: fault kind -> times injected

Each request is failed or passed through to the wrapped responder, decided by a hash of the
request body, how many times that body was seen before, and the seed: a retried request
meets a fresh draw. The kind of each fault is dealt from a shuffled deck holding every kind
in `mix` (by weight), so a run with as many faults as kinds meets each kind. A 429 starts a
storm: it refuses whatever requests arrive next, as a provider's rate limit does.

The faults (FAULTS) cover the transport (HTTP errors, timeouts, resets, bodies cut short),
the model (invalid JSON, JSON against the schema, an answer cut at the token limit) and
plain slowness. `delivered` keeps every usable answer the client received, by request: a
test can then check that each is in the cache and is never paid for again.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

from .llm_server import Reply, Responder, answer, error, raw

# Kind -> how it fails. Transport faults are retried by the client; model faults are re-asked
# once (invalid or schema-violating JSON) or fail the call (finish_reason=length).
FAULTS: dict[str, str] = {
    "429": "HTTP 429 with Retry-After, then a storm: the next requests are refused too",
    "429-no-retry-after": "HTTP 429 without Retry-After, then a storm",
    "500": "HTTP 500 with an OpenAI-shaped error body",
    "502": "HTTP 502 with a proxy's HTML page",
    "503": "HTTP 503, overloaded",
    "timeout": "the answer comes after the client has given up",
    "reset": "the connection is reset without an answer",
    "cut-body": "the connection closes halfway through the response body",
    "invalid-json": "the model's content is cut in the middle of the JSON",
    "schema": "the model's content is JSON that violates the schema",
    "length": "the answer is cut at the token limit (finish_reason=length)",
    "slow": "the answer is good but comes slowly, within the client's timeout",
}


class Faulty:
    """Fails about `rate` of the requests with the faults in `mix` (kind -> whole weight)."""

    def __init__(
        self,
        responder: Responder,
        *,
        rate: float = 0.2,
        mix: Mapping[str, int] | None = None,
        seed: int = 0,
        storm: int = 3,
        retry_after: float = 0.05,
        timeout_delay: float = 2.0,
        slow_delay: float = 0.2,
    ) -> None:
        unknown = set(mix or ()) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self.responder = responder
        self.rate, self.seed, self.storm = rate, seed, storm
        self.mix = dict(mix) if mix is not None else dict.fromkeys(FAULTS, 1)
        self.retry_after = retry_after
        self.timeout_delay, self.slow_delay = timeout_delay, slow_delay
        self.lock = threading.Lock()
        self.requests = 0
        self.injected: Counter[str] = Counter()
        self.delivered: dict[str, str] = {}  # request key -> the usable content sent
        self._seen: Counter[str] = Counter()
        self._storm_left = 0
        self._storm_kind = "429"
        self._rng = random.Random(seed)
        self._deck: list[str] = []

    def __call__(self, request: dict[str, Any]) -> Reply:
        key = request_key(request)
        with self.lock:
            self.requests += 1
            nth = self._seen[key]
            self._seen[key] += 1
            kind = self._draw(key, nth)
        reply = self.responder(request)
        reply = answer(reply) if isinstance(reply, str) else reply
        if kind is None or reply.status != 200 or reply.content is None:
            self._deliver(key, reply)
            return reply
        with self.lock:
            self.injected[kind] += 1
        delay = self.timeout_delay if kind == "timeout" else self.slow_delay
        failed = fault_reply(kind, reply.content, retry_after=self.retry_after, delay=delay)
        if kind == "slow":  # a good answer, late but within the client's timeout
            self._deliver(key, failed)
        return failed

    def _draw(self, key: str, nth: int) -> str | None:
        """The fault for the `nth` sight of request `key`, or None (called under the lock)."""
        if self._storm_left:
            self._storm_left -= 1
            return self._storm_kind
        if random.Random(f"{self.seed}:{key}:{nth}").random() >= self.rate:
            return None
        if not self._deck:
            self._deck = [k for k, weight in self.mix.items() for _ in range(round(weight))]
            self._rng.shuffle(self._deck)
        kind = self._deck.pop()
        if kind.startswith("429"):
            self._storm_left, self._storm_kind = self.storm - 1, kind
        return kind

    def _deliver(self, key: str, reply: Reply) -> None:
        if reply.status == 200 and reply.content is not None and reply.finish_reason == "stop":
            with self.lock:
                self.delivered[key] = reply.content


def fault_reply(kind: str, content: str, *, retry_after: float = 0.05, delay: float = 2.0) -> Reply:
    """The reply of fault `kind` (see FAULTS) in place of the good answer `content`.

    `retry_after` is the wait a 429 asks for; `delay` how late a "timeout" or "slow" answer is.
    """
    if kind == "429":
        return error(
            429,
            "Rate limit reached for requests",
            code="rate_limit_exceeded",
            type="requests",
            headers={
                "retry-after-ms": str(round(retry_after * 1000)),
                "retry-after": str(max(1, round(retry_after))),
            },
        )
    if kind == "429-no-retry-after":
        return error(429, "Too many requests", code="rate_limit_exceeded", type="requests")
    if kind == "500":
        return error(
            500, "The server had an error while processing your request.", type="server_error"
        )
    if kind == "502":
        return raw(
            502, "<html><body><h1>502 Bad Gateway</h1></body></html>", {"Content-Type": "text/html"}
        )
    if kind == "503":
        return error(
            503, "The engine is currently overloaded, please try again later", type="server_error"
        )
    if kind in ("timeout", "slow"):  # a timeout comes after the client has gone
        return Reply(content=content, delay=delay)
    if kind == "reset":
        return Reply(reset=True)
    if kind == "cut-body":
        return Reply(content=content, cut=len(content.encode()) // 2)
    if kind == "invalid-json":
        return answer(content[: len(content) // 2])
    if kind == "schema":
        return answer(_violating(content))
    if kind == "length":
        return answer(content[: len(content) // 3], finish_reason="length")
    raise ValueError(f"unknown fault kind {kind!r}")


def request_key(request: dict[str, Any]) -> str:
    """A short stable key for a request body (its messages, model and response format)."""
    text = json.dumps(request, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _violating(content: str) -> str:
    """`content` changed into JSON the schema rejects: cites as words, a field missing."""
    try:
        data = json.loads(content)
    except ValueError:
        return json.dumps({"answer": content[:200]})
    if isinstance(data, dict):
        data.pop("title", None)
        data["cites"] = "see paragraph one"
        return json.dumps(data, ensure_ascii=False)
    return json.dumps({"answer": data})
