"""A chat completion as read from the wire, checked before any field of it is used.

The openai SDK builds its response objects without validating them, so a server or a proxy
that answers 200 with a cut-off body, an HTML error page or a JSON object of another shape
would surface as a JSONDecodeError or an AttributeError deep in our code. Here the body is
parsed and validated once: it is a `ChatReply`, or `MalformedReply` says what is wrong.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, NonNegativeInt, ValidationError

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
    prompt_tokens: NonNegativeInt = 0
    completion_tokens: NonNegativeInt = 0


class ChatReply(BaseModel):
    """The fields of a chat.completion we use; others are ignored, as servers vary."""

    model: str | None = None
    choices: list[_Choice] = []
    usage: _Usage | None = None  # some local servers leave it out

    @property
    def tokens(self) -> Usage:
        """What the answer cost, as the server counted it (zero when it did not say)."""
        if self.usage is None:
            return Usage()
        return Usage(
            prompt_tokens=self.usage.prompt_tokens, completion_tokens=self.usage.completion_tokens
        )


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
