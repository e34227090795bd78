"""The one validate / re-ask loop, over any transport.

A transport (the openai SDK, LangChain) sends a conversation and returns an `Answer`,
retrying transient failures on its own. Here the answer is masked (no secret the process
knows survives in the text or in the model name, whatever the server echoes), validated
against the pydantic schema, and re-asked once with the validation errors when it does not
validate. What every attempt cost is counted, also when it ends in an error.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from pydantic import ValidationError

from briefing.errors import InvalidAnswerError, LLMError
from briefing.llm.base import CallStats, ChatMessage, Completion, T
from briefing.logs import mask_keylike
from briefing.models import Usage

log = logging.getLogger(__name__)

MAX_LISTED_ERRORS = 8
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)

# A transport's own form of the conversation (openai dicts, LangChain messages).
Conversation = list[Any]


@dataclass(frozen=True)
class Answer:
    """One answer as a transport received it."""

    text: str  # the JSON the model wrote (a tool call's arguments, or the content)
    model: str | None  # the model the server says answered
    usage: Usage
    parsed: object = None  # JSON the transport already parsed (LangChain), else None
    message: object = None  # the transport's own message, for its re-ask
    # Paid for but unusable (cut off at the token limit, refused, filtered): raised with the
    # usage of every attempt.
    problem: LLMError | None = None


class Transport(Protocol):
    """One way to a model: sends a conversation, returns the answer; retries on its own."""

    @property
    def model(self) -> str:
        """The model asked for."""
        ...

    @property
    def identity(self) -> str:
        """What shapes the answers, for the response cache (never a key)."""
        ...

    @property
    def stronger(self) -> str:
        """The hint when a model answers with invalid JSON twice."""
        ...

    def start(self, messages: list[ChatMessage]) -> Conversation:
        """The conversation in this transport's form."""
        ...

    def send(self, conversation: Conversation, schema: type[T], name: str) -> Answer:
        """One answer, transient failures retried; LLMError when none can be had."""
        ...

    def followup(self, conversation: Conversation, answer: Answer, text: str) -> Conversation:
        """The conversation with `answer` and a user turn saying `text` appended."""
        ...


class StructuredLLM:
    """An `LLM` over a transport: validated answers, one re-ask, secrets masked."""

    def __init__(
        self, transport: Transport, mask: Callable[[str], str], stats: CallStats | None = None
    ) -> None:
        self.transport = transport
        self.model = transport.model
        self.identity = transport.identity
        self._mask = mask
        self.stats = stats or CallStats()

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        """Ask once, re-ask once with the validation errors, return the validated answer."""
        self.stats.count(calls=1)
        conversation = self.transport.start(messages)
        usage, model = Usage(), self.model
        for attempt in (1, 2):
            answer = self.transport.send(conversation, schema, name)
            usage = usage + answer.usage
            # The model name is shown and stored: nothing key-shaped survives in it.
            model = mask_keylike(self._mask(answer.model)) if answer.model else model
            if answer.problem is not None:
                raise spent(answer.problem, usage, attempt)
            raw = self._mask(answer.text)
            try:
                value = parse_answer(schema, answer.parsed, raw)
            except ValidationError as exc:
                problems = compact(exc)
                log.info("answer %d from %s did not validate: %s", attempt, model, problems)
                if attempt == 2:
                    raise InvalidAnswerError(
                        f"{model!r} answered with invalid JSON twice: {problems}",
                        self.transport.stronger,
                        raw=raw,
                        prompt_tokens=usage.prompt_tokens,
                        completion_tokens=usage.completion_tokens,
                        attempts=attempt,
                    ) from None
                conversation = self.transport.followup(conversation, answer, reask(problems))
                continue
            if answer.parsed is not None:  # what was validated: the cache stores `raw`
                raw = self._mask(json.dumps(answer.parsed, ensure_ascii=False))
            return Completion[schema](  # type: ignore[valid-type]
                value=value, raw=raw, model=model, usage=usage, attempts=attempt
            )
        raise AssertionError("unreachable")  # the loop returns or raises


def spent(exc: LLMError, usage: Usage, attempts: int) -> LLMError:
    """`exc` carrying what the attempts that led to it cost."""
    exc.prompt_tokens = usage.prompt_tokens
    exc.completion_tokens = usage.completion_tokens
    exc.attempts = attempts
    return exc


def parse_answer(schema: type[T], parsed: object, raw: str) -> T:
    """The answer as `schema`: JSON the transport parsed, else the text (unfenced).

    Validated as JSON either way, so the errors read the same for every transport.
    """
    if parsed is not None:
        return schema.model_validate_json(json.dumps(parsed, ensure_ascii=False))
    return schema.model_validate_json(unfence(raw))


def unfence(raw: str) -> str:
    """The text without the Markdown code fence weak models wrap JSON in."""
    text = raw.strip()
    match = _FENCE.match(text)
    return match.group(1) if match else text


def compact(exc: ValidationError) -> str:
    """Validation errors as `path: message; ...`, the first few only."""
    items = [_describe(cast(dict[str, Any], e)) for e in exc.errors(include_url=False)]
    more = len(items) - MAX_LISTED_ERRORS
    listed = "; ".join(items[:MAX_LISTED_ERRORS])
    return listed + (f"; and {more} more" if more > 0 else "")


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "json_invalid":
        return f"not valid JSON ({error['ctx'].get('error', 'parse error')})"
    path = ".".join(str(p) for p in error["loc"]) or "(root)"
    return f"{path}: {error['msg']}"


def reask(problems: str) -> str:
    """The user turn that asks again after an answer that did not validate."""
    return (
        f"Your answer did not match the required JSON schema: {problems}. "
        "Answer again with the corrected JSON object only."
    )
