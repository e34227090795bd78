"""A chat completion as read from the wire, checked before any field of it is used.

The openai SDK builds its response objects without validating them, so a server or a proxy
that answers 200 with a cut-off body, an HTML error page or a JSON object of another shape
would surface as a JSONDecodeError or an AttributeError deep in our code. Here the body is
parsed and validated once: it is a `ChatReply`, or `MalformedReply` says what is wrong.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator

from briefing.models import Usage


class MalformedReply(Exception):
    """A 200 answer that is not a chat completion (cut off, not JSON, another shape)."""


class _Message(BaseModel):
    content: str | None = None
    refusal: str | None = None


class _Choice(BaseModel):
    message: _Message
    finish_reason: str | None = None


class _Usage(BaseModel):
    # Servers send null, fractions (1112.5) or nothing: an unusable count is unknown, never
    # a reason to refuse (and pay again for) a valid answer.
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @field_validator("prompt_tokens", "completion_tokens", mode="before")
    @classmethod
    def _count(cls, value: object) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if value != value or value < 0 or value > 1e12:  # NaN, negative, absurd
            return None
        return round(value)


class ChatReply(BaseModel):
    """The fields of a chat.completion we use; others are ignored, as servers vary."""

    model: str | None = None
    choices: list[_Choice] = []
    usage: _Usage | None = None  # some local servers leave it out

    @field_validator("usage", mode="before")
    @classmethod
    def _usage(cls, value: object) -> object:
        return value if isinstance(value, dict) else None

    @property
    def tokens(self) -> Usage:
        """What the answer cost, as the server counted it (unmetered when it did not say)."""
        u = self.usage
        if u is None or u.prompt_tokens is None or u.completion_tokens is None:
            known = u or _Usage()
            return Usage(
                prompt_tokens=known.prompt_tokens or 0,
                completion_tokens=known.completion_tokens or 0,
                unmetered=1,
            )
        return Usage(prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens)


def parse_reply(body: str | dict[str, Any]) -> ChatReply:
    """The reply in `body` (the response text, or JSON already decoded); MalformedReply if none."""
    try:
        data = json.loads(body) if isinstance(body, str) else body
    except json.JSONDecodeError as exc:
        shown = " ".join(exc.doc.split())[:80]
        raise MalformedReply(
            f"the body is not JSON ({exc.msg} at character {exc.pos} of {len(exc.doc)}"
            + (f": {shown!r}" if shown else "")
            + ")"
        ) from None
    except RecursionError:
        raise MalformedReply("the body is JSON nested too deeply to read") from None
    if not isinstance(data, dict):
        raise MalformedReply(f"the body is JSON but not an object: {json.dumps(data)[:40]}")
    try:
        return ChatReply.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        problem = f"{where}: {first['msg']}"
        raise MalformedReply(f"the body is not a chat completion ({problem})") from None
