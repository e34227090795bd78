"""When to try a provider call again, and how long to wait first."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import openai

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def is_transient(exc: Exception) -> bool:
    """Whether `exc` may go away on its own: rate limit, server error, timeout, network."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError) and exc.status_code in RETRY_STATUSES:
        # A spent quota does not come back by waiting a few seconds.
        return exc.code != "insufficient_quota"
    return False


def retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, `retry-after` (seconds or date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter, each wait capped; the server's Retry-After wins."""

    base: float = 1.0
    cap: float = 60.0
    rng: Callable[[], float] = random.random

    def delay(self, attempt: int, exc: Exception) -> float:
        """How long to wait before retry number `attempt` (1 for the first retry)."""
        if isinstance(exc, openai.APIStatusError):
            asked = retry_after(exc.response.headers)
            if asked is not None:
                return min(asked, self.cap)
        # "Equal jitter": half fixed, half random, so clients spread out but still back off.
        step = min(self.cap, self.base * 2 ** (attempt - 1))
        return float(step / 2 + self.rng() * step / 2)
