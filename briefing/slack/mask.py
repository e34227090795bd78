"""Slack secrets (webhook URLs, bot tokens) masked in every message, error and log record.

A webhook URL is a credential: anyone who has it can post. Only its scheme, host and first
path segment are ever shown, e.g. `https://hooks.slack.com/services/…`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

# Shapes of Slack secrets, masked even when they are not the ones configured (a server may
# echo another one back).
_TOKEN = re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+")
_HOOK = re.compile(r"(https?://hooks\.slack(?:-gov)?\.com/services/)[^\s\"'<>]+")
_MIN_SECRET = 4  # shorter values would mask ordinary words


def mask_url(url: str) -> str:
    """`https://host/first-segment/…`: enough to recognise the URL, not to use it."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:  # a bad port or IPv6 address: nothing of it is shown
        return "…"
    first = parts.path.strip("/").split("/")[0]
    shown = f"{parts.scheme}://{host}/" if parts.scheme else ""
    return f"{shown}{first}/…" if first else f"{shown}…"


def mask_token(token: str) -> str:
    """`xoxb-…`: the token's kind, none of its value."""
    kind = token.split("-", 1)[0] if "-" in token[:6] else ""
    return f"{kind}-…" if kind else "…"


class Redactor:
    """Replaces the given secrets, and anything shaped like a Slack secret, by masked forms."""

    def __init__(self, urls: Iterable[str] = (), tokens: Iterable[str] = ()) -> None:
        self._pairs = [(u, mask_url(u)) for u in urls if len(u) >= _MIN_SECRET]
        self._pairs += [(t, mask_token(t)) for t in tokens if len(t) >= _MIN_SECRET]
        # Longest first, so a URL is masked whole before any part of it could be.
        self._pairs.sort(key=lambda pair: len(pair[0]), reverse=True)

    def __call__(self, text: str) -> str:
        """`text` with every secret masked."""
        for secret, masked in self._pairs:
            text = text.replace(secret, masked)
        text = _HOOK.sub(r"\1…", text)
        return _TOKEN.sub(lambda m: mask_token(m[0]), text)


class RedactingFilter(logging.Filter):
    """Masks secrets in log records before any handler formats them."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with the secrets masked; never drop it."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed logging call: keep its parts, masked
            message = f"{record.msg} {record.args}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # The formatted traceback would show the exception's text unmasked.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True
