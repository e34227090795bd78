"""One line of a finished batch's output: its answer, checked as a live answer would be."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.config import Settings
from briefing.errors import LLMError
from briefing.llm import failures
from briefing.llm.client import OpenAIChat, _compact, _unfence
from briefing.llm.reply import MalformedReply, parse_reply
from briefing.models import Usage


class Unusable(Exception):
    """An output line without a usable answer: why, and the tokens it cost anyway."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage or Usage()


def read_answer(
    item: dict[str, Any], chat: OpenAIChat, schema: type[BaseModel]
) -> tuple[BaseModel, str, Usage]:
    """The validated answer of one output line, its model and usage; Unusable if none."""
    response = item.get("response") or {}
    body = response.get("body")
    if response.get("status_code") != 200 or not isinstance(body, dict):
        raise Unusable(line_error(item, chat.settings))
    try:
        completion = parse_reply(body)
    except MalformedReply:
        raise Unusable("the answer is not a chat completion") from None
    usage = completion.tokens
    try:
        raw = chat._content(completion)  # refusal, content filter, truncation: as when live
        value = schema.model_validate_json(_unfence(raw))
    except LLMError as exc:
        raise Unusable(exc.message, usage) from None
    except ValidationError as exc:
        raise Unusable(f"the answer did not validate: {_compact(exc)}", usage) from None
    return value, completion.model or chat.model, usage


def line_error(item: dict[str, Any], settings: Settings) -> str:
    """Why a line has no answer: the server's status and message, redacted and kept short."""
    response = item.get("response") or {}
    body = response.get("body")
    inner = body.get("error") if isinstance(body, dict) else None
    error = inner if isinstance(inner, dict) else item.get("error") or {}
    message = error.get("message") if isinstance(error, dict) else None
    status = response.get("status_code")
    text = f"HTTP {status}: " if status else ""
    return failures.redact(text + str(message or "no answer"), settings)[:300]
