"""A fake LLM for unit tests: returns queued answers and keeps the requests it saw."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.errors import InvalidAnswerError
from briefing.llm.base import ChatMessage, Completion, T
from briefing.models import Usage


class FakeLLM:
    """Answers from a queue: a dict/str is parsed into the schema, an exception is raised."""

    def __init__(self, model: str = "fake-model") -> None:
        self.model = model
        self.queue: list[Any] = []
        self.history: list[list[ChatMessage]] = []

    def enqueue(self, *answers: Any) -> FakeLLM:
        self.queue.extend(answers)
        return self

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        self.history.append(list(messages))
        if not self.queue:
            raise AssertionError("FakeLLM: no answer queued")
        answer = self.queue.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        raw = (
            answer
            if isinstance(answer, str)
            else json.dumps(
                answer.model_dump() if isinstance(answer, BaseModel) else answer, ensure_ascii=False
            )
        )
        try:
            value = schema.model_validate_json(raw)
        except ValidationError as exc:
            raise InvalidAnswerError("fake answer invalid", str(exc), raw=raw) from exc
        return Completion[schema](  # type: ignore[valid-type]
            value=value,
            raw=raw,
            model=self.model,
            usage=Usage(prompt_tokens=100, completion_tokens=50),
        )
