"""The client stack, built in one place: cache → spending cap → rate limit → structured → transport.

The cache is outermost, so an answer from it spends neither budget nor rate; the rate
limiter is also the transport's sleep between retries, so a Retry-After holds every thread
back. The stack keeps the run's counts (`CallStats`: requests, retries, cache hits) as they
happen; nothing is fished out of the layers afterwards.

    stack = build_stack(settings)            # live, cached
    stack = build_stack(settings, replay=p)  # answered from a cassette, no key, no cache
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import ConfigError
from briefing.llm.base import LLM, CallStats
from briefing.llm.cache import CachedLLM, ResponseCache
from briefing.llm.structured import StructuredLLM, Transport
from briefing.settings import Settings, check_api_key


@dataclass
class Stack:
    """The model as the pipeline sees it (`llm`), and what is under it."""

    llm: LLM
    settings: Settings
    transport: Transport
    cache: CachedLLM | None = None
    stats: CallStats = field(default_factory=CallStats)
    live: bool = True  # False for a replay: answers cost nothing and are not cached

    def mask(self, text: str) -> str:
        """`text` without this provider's key or any secret the process knows."""
        return _masker(self.settings)(text)


def build_stack(
    settings: Settings,
    *,
    replay: Path | None = None,
    record: Path | None = None,
    cache: ResponseCache | None | bool = True,
    max_cost: float | None = None,
    rate_limited: bool = True,
    sleep: Callable[[float], None] = time.sleep,
) -> Stack:
    """The client stack for `settings`.

    `replay`: answer from a cassette (no key needed, never waits; a replay neither reads nor
    fills the cache). `record`: write the exchanges into a cassette. `cache`: True for the
    user's response cache, a `ResponseCache`, or False/None for none. `max_cost`: refuse
    calls past this many USD. `rate_limited`: pace requests and tokens a minute as the
    provider's settings say (a batch run's live calls go without).
    """
    from briefing.llm.budget import BudgetLLM
    from briefing.llm.ratelimit import RateLimitedLLM, RateLimiter

    if replay is not None and record is not None:
        raise ValueError("replay and record are exclusive")
    stats = CallStats()
    if replay is not None:
        transport = _transport(settings, stats, sleep=_no_wait, replay=replay)
        return Stack(
            StructuredLLM(transport, _masker(settings), stats),
            settings,
            transport,
            stats=stats,
            live=False,
        )
    check_api_key(settings)
    limiter = RateLimiter(settings.rpm, settings.tpm) if rate_limited else None
    transport = _transport(
        settings, stats, sleep=limiter.pause if limiter else sleep, record=record
    )
    llm: LLM = StructuredLLM(transport, _masker(settings), stats)
    if limiter is not None:
        llm = RateLimitedLLM(llm, limiter)
    if max_cost is not None:
        llm = BudgetLLM(llm, max_cost, settings)
    if cache is True:
        cache = ResponseCache()
    if not cache:
        return Stack(llm, settings, transport, stats=stats)
    cached = CachedLLM(llm, cache, transport.identity, stats)
    return Stack(cached, settings, transport, cached, stats)


def _transport(
    settings: Settings,
    stats: CallStats,
    *,
    sleep: Callable[[float], None],
    replay: Path | None = None,
    record: Path | None = None,
) -> Transport:
    if settings.langchain is not None:  # --provider langchain:package.module:ClassName
        if replay is not None or record is not None:
            raise ConfigError(
                f"Replaying or recording cassettes is not available for {settings.provider}.",
                "Cassettes record the openai client's HTTP; use --provider openai (or another "
                "OpenAI-compatible provider) with --replay.",
            )
        from briefing.llm.transports.langchain import LangChainChat

        return LangChainChat.from_settings(settings, sleep=sleep, stats=stats)
    from briefing.llm.replay import Cassette
    from briefing.llm.transports.openai import OpenAIChat

    cassette = None
    if replay is not None:
        cassette = Cassette(replay, record=False)
    elif record is not None:
        cassette = Cassette(record, record=True)
    return OpenAIChat(settings, sleep=sleep, cassette=cassette, stats=stats)


def _masker(settings: Settings) -> Callable[[str], str]:
    """Masks this provider's key and every secret the process knows (briefing.logs)."""
    from briefing.logs import MASK, SECRETS

    key = settings.api_key.get_secret_value() if settings.api_key else ""

    def mask(text: str) -> str:
        return SECRETS(text.replace(key, MASK) if key else text)

    return mask


def _no_wait(seconds: float) -> None:
    """A replay's sleep: a recorded 429 is retried at once."""
