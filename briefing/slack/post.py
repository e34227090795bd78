"""Posting messages through slack_sdk: rate limits waited out, failures explained, and a
partial post reported message by message, so that a retry does not post anything twice.

Only a 429 is retried: Slack did not post that message. Anything else may or may not have
reached the channel, and posting it again could show it twice, so the user decides.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any, Protocol

from briefing.counts import count
from briefing.errors import EXIT_PROVIDER, BriefingError, InputError
from briefing.models import Brief, Digest
from briefing.render.markdown import Lang
from briefing.slack.blocks import FIRST_TS, SlackMessage
from briefing.slack.errors import Failure, api_failure, network_failure, webhook_failure
from briefing.slack.mask import RedactingFilter, Redactor
from briefing.slack.target import SlackTarget

MAX_RATE_RETRIES = 5
MAX_WAIT = 120.0  # seconds; a longer Retry-After is reported rather than waited out
DEFAULT_WAIT = 1.0  # when a 429 names no wait
TIMEOUT = 30  # seconds for one request

Progress = Callable[[str], None]
Sleep = Callable[[float], None]

# slack_sdk logs request URLs (a webhook URL is a secret) at DEBUG; its records go through
# this logger, whose filter masks them.
_LOG = logging.getLogger("briefing.slack.sdk")


@dataclass(frozen=True)
class Posted:
    """A message that went out: its number (1-based) and its `ts` (None from a webhook)."""

    number: int
    ts: str | None


class SlackError(BriefingError):
    """Slack refused a message or could not be reached; `posted` is what went out before."""

    exit_code = EXIT_PROVIDER

    def __init__(self, message: str, hint: str | None, posted: list[Posted]) -> None:
        super().__init__(message, hint)
        self.posted = posted


class RateLimited(Exception):
    """Slack answered 429: nothing was posted; wait `wait` seconds and send it again."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"rate limited for {wait:g} s")
        self.wait = wait


class _Sender(Protocol):
    def send(self, payload: dict[str, Any]) -> str | None: ...


def post_messages(
    messages: list[SlackMessage],
    target: SlackTarget,
    *,
    start: int = 1,
    thread_ts: str | None = None,
    sleep: Sleep = time.sleep,
    progress: Progress | None = None,
    source: str = "FILE.json",
) -> list[Posted]:
    """Post `messages` from number `start` on, replies under message 1 (or `thread_ts`)."""
    check_resume(len(messages), target.threaded, start, thread_ts)
    redact = target.redactor()
    posted: list[Posted] = []
    with _masked_sdk_logs(redact):
        sender = _sender(target)
        for number in range(start, len(messages) + 1):
            payload = messages[number - 1].payload()
            if payload.get("thread_ts") == FIRST_TS:
                if thread_ts:
                    payload["thread_ts"] = thread_ts
                else:  # message 1 came back without a ts: no thread to reply in
                    del payload["thread_ts"]
            try:
                ts = _send_waiting(sender, payload, sleep, progress)
            except _Failed as failed:
                raise _partial(
                    failed.failure, number, len(messages), posted, thread_ts, target, source, redact
                ) from None
            posted.append(Posted(number, ts))
            if number == 1:
                thread_ts = ts
            if progress:
                shown = f" (ts {ts})" if ts else ""
                progress(f"Posted message {number}/{len(messages)}{shown}")
    return posted


def post_document(
    doc: Brief | Digest,
    target: SlackTarget,
    lang: Lang = "en",
    *,
    progress: Progress | None = None,
    sleep: Sleep = time.sleep,
    source: str = "FILE.json",
) -> list[Posted]:
    """Lay out a brief or digest for `target` (threaded with a bot token) and post it all."""
    from briefing.slack.split import build_messages

    messages = build_messages(doc, lang, threaded=target.threaded)
    return post_messages(messages, target, sleep=sleep, progress=progress, source=source)


class _Failed(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _send_waiting(
    sender: _Sender, payload: dict[str, Any], sleep: Sleep, progress: Progress | None
) -> str | None:
    for attempt in range(MAX_RATE_RETRIES + 1):
        try:
            return sender.send(payload)
        except RateLimited as limited:
            if attempt == MAX_RATE_RETRIES or limited.wait > MAX_WAIT:
                raise _Failed(
                    Failure(
                        f"Slack is still rate limiting (HTTP 429, Retry-After {limited.wait:g} s) "
                        f"after {count(attempt + 1, 'attempt')}",
                        f"Wait {limited.wait:g} s (as Slack asks) or a few minutes; Slack takes "
                        "about one message a second per channel.",
                        delivered=False,
                    )
                ) from None
            if progress:
                progress(f"Slack asks to wait {limited.wait:g} s (HTTP 429); waiting…")
            sleep(limited.wait)
    raise AssertionError("unreachable")  # the loop returns or raises


def check_resume(total: int, threaded: bool, start: int, thread_ts: str | None) -> None:
    """InputError unless message `start` exists and a resumed thread names its first ts."""
    if not 1 <= start <= total:
        raise InputError(
            f"--resume-from {start} is outside the {count(total, 'message')} this file makes.",
            f"Give a number from 1 to {total}: the first message that was not posted.",
        )
    if thread_ts and not threaded:
        raise InputError(
            "--thread-ts applies only when posting with a bot token; webhooks cannot thread.",
            "Leave out --thread-ts, or post with --token and --channel.",
        )
    if threaded and start > 1 and not thread_ts:
        raise InputError(
            f"Resuming at message {start} with a bot token needs the thread to post into.",
            "Add --thread-ts with the ts of message 1, as printed when it was posted.",
        )


def _partial(
    failure: Failure,
    number: int,
    total: int,
    posted: list[Posted],
    thread_ts: str | None,
    target: SlackTarget,
    source: str,
    redact: Redactor,
) -> SlackError:
    """The error for message `number`: why, what went out before it, how to post the rest."""
    message = (
        f"Posting message {number} of {total} to {target.describe()} failed: {failure.reason}."
    )
    if posted:
        thread = f" (thread ts {thread_ts})" if target.threaded and thread_ts else ""
        message += f" Already posted: {_span(posted[0].number, posted[-1].number)}{thread}."
    else:
        message += " Nothing was posted this time."
    hint = failure.fix
    if failure.delivered is None:
        hint += (
            f" Message {number} may have arrived anyway: check the channel, and if it "
            f"did, resume from {number + 1} instead."
        )
    if number > 1:
        thread = f" --thread-ts {thread_ts}" if target.threaded and thread_ts else ""
        hint += (
            f" Then post only the rest: briefing slack post {source} --resume-from "
            f"{number}{thread}, with the same target and --lang."
        )
    return SlackError(redact(message), redact(hint), posted)


def _span(first: int, last: int) -> str:
    return f"message {first}" if first == last else f"messages {first}-{last}"


@contextmanager
def _masked_sdk_logs(redact: Redactor) -> Iterator[None]:
    masking = RedactingFilter(redact)
    _LOG.addFilter(masking)
    try:
        yield
    finally:
        _LOG.removeFilter(masking)


def _sender(target: SlackTarget) -> _Sender:
    if target.webhook_url is not None:
        return _WebhookSender(target)
    return _WebApiSender(target)


class _WebhookSender:
    def __init__(self, target: SlackTarget) -> None:
        from slack_sdk.webhook import WebhookClient

        assert target.webhook_url is not None
        # No retry handlers: slack_sdk would resend after a dropped connection, which can
        # post a message twice. Retrying is decided in _send_waiting.
        self.client = WebhookClient(
            target.webhook_url.get_secret_value(), timeout=TIMEOUT, logger=_LOG, retry_handlers=[]
        )

    def send(self, payload: dict[str, Any]) -> str | None:
        try:
            response = self.client.send_dict(payload)
        except (OSError, HTTPException) as exc:
            raise _Failed(network_failure(exc)) from None
        if response.status_code == 429:
            raise RateLimited(_retry_after(response.headers))
        if response.status_code != 200:
            raise _Failed(webhook_failure(response.status_code, response.body or ""))
        return None


class _WebApiSender:
    def __init__(self, target: SlackTarget) -> None:
        from slack_sdk import WebClient

        assert target.token is not None and target.channel is not None
        self.channel = target.channel
        self.client = WebClient(
            token=target.token.get_secret_value(),
            base_url=target.api_url,
            timeout=TIMEOUT,
            logger=_LOG,
            retry_handlers=[],
        )

    def send(self, payload: dict[str, Any]) -> str | None:
        from slack_sdk.errors import SlackApiError

        try:
            response = self.client.chat_postMessage(channel=self.channel, **payload)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise RateLimited(_retry_after(exc.response.headers)) from None
            code = exc.response.get("error") if isinstance(exc.response.data, dict) else None
            raise _Failed(api_failure(exc.response.status_code, code, self.channel)) from None
        except (OSError, HTTPException) as exc:
            raise _Failed(network_failure(exc)) from None
        ts = response.get("ts")
        return str(ts) if ts is not None else None


def _retry_after(headers: Any) -> float:
    """Seconds from a Retry-After header (Slack sends whole seconds)."""
    value = next((v for k, v in dict(headers or {}).items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):  # WebClient keeps header values as lists
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT
