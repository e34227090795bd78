"""One line of a finished batch's output: its answer, checked as a live answer would be."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.llm import failures
from briefing.llm.reply import MalformedReply, parse_reply
from briefing.llm.structured import compact, parse_answer
from briefing.llm.transports.openai import OpenAIChat
from briefing.logs import mask_keylike
from briefing.models import Usage
from briefing.settings import Settings


class Unusable(Exception):
    """An output line without a usable answer: why, and the tokens it cost anyway."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage or Usage()


def read_answer(
    item: dict[str, Any], chat: OpenAIChat, schema: type[BaseModel], mask: Callable[[str], str]
) -> tuple[str, str, Usage]:
    """The answer text of one output line (masked, validated), its model and usage;
    Unusable if it has none. Checked as a live answer is, by the same functions."""
    response = item.get("response") or {}
    body = response.get("body")
    if response.get("status_code") != 200 or not isinstance(body, dict):
        raise Unusable(line_error(item, chat.settings))
    try:
        completion = parse_reply(body)
    except MalformedReply:
        raise Unusable("the answer is not a chat completion") from None
    answer = chat.answer_of(completion)  # refusal, content filter, truncation: as when live
    if answer.problem is not None:
        raise Unusable(answer.problem.message, answer.usage)
    raw = mask(answer.text)
    try:
        parse_answer(schema, None, raw)
    except ValidationError as exc:
        raise Unusable(f"the answer did not validate: {compact(exc)}", answer.usage) from None
    model = mask_keylike(mask(answer.model)) if answer.model else chat.model
    return raw, model, answer.usage


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
