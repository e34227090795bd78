"""What a LangChain provider's exception means, and how to quote it without leaking a key.

LangChain models raise their provider package's exceptions, whatever they are, so failures
are classified generically: any exception whose HTTP status is 429/5xx/529, or whose class
name says rate limit, timeout, connection or overload, is worth a retry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from briefing.errors import ConfigError
from briefing.llm.retry import RETRY_STATUSES
from briefing.logs import KEYLIKE as _KEYLIKE

# Anthropic answers 529 when it is overloaded.
TRANSIENT_STATUSES = RETRY_STATUSES | {529}
# Lower-case pieces of exception class names that mean "try again later", across providers:
# openai/anthropic RateLimitError, APITimeoutError, APIConnectionError, InternalServerError,
# OverloadedError; google ResourceExhausted, ServiceUnavailable; httpx timeouts.
_TRANSIENT_NAMES = (
    "ratelimit",
    "timeout",
    "connection",
    "overloaded",
    "serviceunavailable",
    "internalserver",
    "resourceexhausted",
    "toomanyrequests",
    "temporar",
)
_AUTH_NAMES = ("authentication", "permissiondenied", "unauthorized", "unauthenticated")
# Option names whose values are never logged, shown or hashed into the cache key.
SECRET_OPTION = re.compile(r"key|token|secret|password|credential", re.IGNORECASE)


def is_transient(exc: BaseException) -> bool:
    """Whether a provider exception looks like 429, 5xx, a timeout or a dropped connection."""
    for error in (exc, exc.__cause__):
        if error is None:
            continue
        if "insufficient_quota" in f"{getattr(error, 'code', '')} {error}":
            return False  # a spent quota does not come back by waiting
        if isinstance(error, TimeoutError | ConnectionError):
            return True
        status = http_status(error)
        if status is not None:
            if status in TRANSIENT_STATUSES:
                return True
            continue  # a 400 named "...ConnectionError" is still a 400
        if _named(error, _TRANSIENT_NAMES):
            return True
    return False


def is_auth_error(exc: BaseException) -> bool:
    """Whether the provider rejected the credentials: HTTP 401/403 or an auth-named class."""
    return http_status(exc) in (401, 403) or _named(exc, _AUTH_NAMES)


def rejects_json_schema(exc: Exception) -> bool:
    """A 400-like answer saying the provider does not take JSON-Schema output."""
    text = f"{type(exc).__name__} {exc}".lower()
    return http_status(exc) in (None, 400, 422) and (
        "json_schema" in text or "response_format" in text
    )


def http_status(exc: BaseException) -> int | None:
    """The HTTP status an exception carries, under any of the names SDKs give it."""
    candidates = [
        getattr(exc, name, None) for name in ("status_code", "status", "http_status", "code")
    ]
    candidates.append(getattr(getattr(exc, "response", None), "status_code", None))
    for value in candidates:
        if isinstance(value, int) and not isinstance(value, bool) and 100 <= value < 600:
            return value
    return None


def _named(exc: BaseException, pieces: tuple[str, ...]) -> bool:
    names = [c.__name__.lower() for c in type(exc).__mro__]
    return any(piece in name for name in names for piece in pieces)


def redact(exc: object, options: Mapping[str, Any]) -> str:
    """`str(exc)` on one line, short, without any secret option or key-shaped text."""
    text = str(exc)
    for key, value in options.items():
        if SECRET_OPTION.search(key) and isinstance(value, str) and value:
            text = text.replace(value, "***")
    text = " ".join(_KEYLIKE.sub("***", text).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def no_structured_output(class_name: str) -> ConfigError:
    """The error for a chat model class that can give no structured output."""
    return ConfigError(
        f"{class_name} does not support structured output (neither tool calling nor "
        "with_structured_output).",
        "Use a chat model class with tool calling or JSON-Schema output, "
        "e.g. langchain:langchain_openai:ChatOpenAI.",
    )
