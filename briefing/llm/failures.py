"""Provider failures turned into LLMError messages that say what happened and how to fix it.

Server messages are quoted after redaction: a 401 body can echo part of the key.
"""

from __future__ import annotations

import openai

from briefing.errors import LLMError
from briefing.logs import KEYLIKE as _KEYLIKE
from briefing.logs import MASK
from briefing.settings import Settings, StructuredMode


def redact(text: str, settings: Settings) -> str:
    """`text` without the API key or anything shaped like one (or like a Slack secret)."""
    if settings.api_key is not None:
        secret = settings.api_key.get_secret_value()
        if secret:
            text = text.replace(secret, MASK)
    return _KEYLIKE.sub(MASK, text)


def server_message(exc: openai.APIStatusError, settings: Settings) -> str:
    """The provider's own error message, redacted and kept short."""
    body = exc.body
    message = exc.message
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            message = inner["message"]
    message = " ".join(redact(message, settings).split())
    return message[:300] + ("..." if len(message) > 300 else "")


def is_schema_rejection(exc: openai.APIStatusError) -> bool:
    """A 400 saying the server does not take `response_format` json_schema (e.g. DeepSeek)."""
    text = f"{exc.message} {exc.body}".lower()
    return exc.status_code in (400, 422) and ("response_format" in text or "json_schema" in text)


def _is_context_overflow(exc: openai.APIStatusError) -> bool:
    text = f"{exc.code} {exc.message}".lower()
    return "context_length" in text or "context length" in text or "maximum context" in text


def _is_unknown_model(exc: openai.APIStatusError) -> bool:
    text = f"{exc.code} {exc.message}".lower()
    return (
        exc.status_code == 404
        or "model_not_found" in text
        or ("model" in text and ("not exist" in text or "not found" in text))
    )


def _is_input_filtered(exc: openai.APIStatusError) -> bool:
    text = f"{exc.code} {exc.message}".lower()
    return (
        "data_inspection_failed" in text
        or "content_filter" in text
        or ("inappropriate content" in text)
    )


def status_error(
    exc: openai.APIStatusError, settings: Settings, attempts: int, structured: StructuredMode
) -> LLMError:
    """The LLMError for an HTTP error answer to a request made in `structured` mode."""
    s, status = settings, exc.status_code
    use_json_object = (
        f'; if json_schema is the problem, set structured = "json_object" under [{s.provider}] '
        f"in {s.config_path}"
        if structured == "json_schema"
        else ""
    )
    where = f"{s.provider} ({s.base_url})"
    if status == 401:
        # The server's text is left out on purpose: it often quotes part of the key.
        env = f"the key in {s.key_env}" if s.key_env else "the key"
        return LLMError(
            f"{where} rejected the API key (HTTP 401).",
            f"Check {env} or `api_key` under [{s.provider}] in {s.config_path}: "
            f"it may be mistyped, revoked, or meant for another provider.",
        )
    if status == 403:
        return LLMError(
            f"{where} refused access (HTTP 403): {server_message(exc, s)}",
            f"The key may not be allowed to use {s.model!r} or this region; check the account "
            "in the provider's console, or pick another model with --model.",
        )
    if _is_context_overflow(exc):
        return LLMError(
            f"The input is longer than {s.model!r} can read (context length exceeded): "
            f"{server_message(exc, s)}",
            "Use a model with a larger context window (--model), or shorten the article.",
        )
    if _is_unknown_model(exc):
        return LLMError(
            f"{where} does not know the model {s.model!r} (HTTP {status}): "
            f"{server_message(exc, s)}",
            f"Pick a model this provider serves with --model (or `model` under [{s.provider}] "
            f"in {s.config_path}); also check that --base-url is the API root, e.g. .../v1.",
        )
    if _is_input_filtered(exc):
        return content_filtered(s)
    if status == 429:
        if exc.code == "insufficient_quota":
            return LLMError(
                f"{where} says the account's quota is used up (HTTP 429 insufficient_quota).",
                f"Check the plan and billing of the account behind {s.key_env or 'the key'}.",
            )
        return LLMError(
            f"{where} is still rate limiting after {attempts} attempts (HTTP 429): "
            f"{server_message(exc, s)}",
            "Wait a minute and run again, run fewer articles at once, or raise `max_retries` "
            f"under [{s.provider}] in {s.config_path}.",
        )
    if status >= 500:
        return LLMError(
            f"{where} failed with HTTP {status} after {attempts} attempts: "
            f"{server_message(exc, s)}",
            "The provider is having trouble; try again later or use another --provider.",
        )
    return LLMError(
        f"{where} rejected the request (HTTP {status}): {server_message(exc, s)}",
        f"Check --model and --base-url{use_json_object}.",
    )


def transport_error(exc: openai.APIConnectionError, settings: Settings, attempts: int) -> LLMError:
    """The LLMError for a request that got no answer: timeout or no connection."""
    s = settings
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(
            f"No answer from {s.base_url} within {s.timeout:g} s ({attempts} attempts).",
            f"Raise `timeout` under [{s.provider}] in {s.config_path}, use a faster model, "
            "or check that the server is not overloaded.",
        )
    cause = exc.__cause__ or exc
    # By name: the openai SDK ships its own copy of httpx (`httpx2` in openai 3).
    if type(cause).__name__ in ("ConnectError", "ConnectTimeout") or cause is exc:
        return LLMError(
            f"Cannot reach {s.base_url} ({attempts} attempts): {redact(str(cause), s)}",
            "Check --base-url (for a local server: is it running?), your network and any proxy.",
        )
    return LLMError(  # connected, then the connection broke: reset, or a body cut short
        f"The connection to {s.base_url} broke off before the answer was complete "
        f"({attempts} attempts): {redact(str(cause), s)}",
        "The server or a proxy in between dropped the connection; try again later, or check "
        "any proxy and --base-url.",
    )


def truncated(settings: Settings) -> LLMError:
    """The answer stopped at the token limit."""
    return LLMError(
        f"The answer from {settings.model!r} was cut off at the token limit "
        "(finish_reason=length).",
        f"Raise `max_tokens` under [{settings.provider}] in {settings.config_path}, or use a "
        "stronger model (--model) that answers within the bounds of the schema.",
    )


def refused(settings: Settings, refusal: str) -> LLMError:
    """The model declined to answer."""
    return LLMError(
        f"{settings.model!r} refused to answer: {redact(refusal, settings)[:300]}",
        "Check that the article is what you meant to send; another model (--model) may answer.",
    )


def content_filtered(settings: Settings) -> LLMError:
    """The provider's content filter blocked the request or the answer."""
    return LLMError(
        f"{settings.provider}'s content filter blocked this article or the answer.",
        "Some providers filter political or sensitive news; try another --provider or --model.",
    )


def malformed(exc: Exception, settings: Settings, attempts: int) -> LLMError:
    """The server answered 200 with something that is not a chat completion, every time."""
    return LLMError(
        f"{settings.base_url} answered with a broken response ({attempts} attempts): "
        f"{redact(str(exc), settings)}",
        "A proxy or the server is cutting or rewriting responses: check --base-url and any "
        "proxy in between, or try again later.",
    )
