"""What every backend offers the pipeline: one structured completion at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeAlias, TypeVar

from pydantic import BaseModel

from briefing.models import Model, Usage

T = TypeVar("T", bound=BaseModel)


class ChatMessage(Model):
    """One chat message as sent to the model."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Ask:
    """A call the pipeline is about to make, as `LLM.complete` will be called for it: so a
    batch can answer it ahead (into the cache) with the very request the call sends."""

    messages: list[ChatMessage]
    schema: type[BaseModel]
    name: str
    label: str  # what it is for, in messages: "article 4ac2f5cfb536", "the week in brief"


# Answers the asks ahead of the calls (weekly --batch: one round of the Batch API).
Prefill: TypeAlias = Callable[[list[Ask]], None]


class Completion(BaseModel, Generic[T]):
    """A validated answer, the raw text it came from, and what it cost."""

    value: T
    raw: str
    model: str
    usage: Usage
    attempts: int = 1


class LLM(Protocol):
    """A chat model that answers with an instance of `schema`, validated."""

    model: str

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        """Send `messages`; return the answer parsed and validated as `schema`.

        Raises briefing.errors.LLMError (or a subclass) when no valid answer can be had.
        """
        ...


@dataclass
class CallStats:
    """What a run's model calls did, kept by the client stack as they happen (thread-safe).

    `requests`: requests sent to the provider, retries included; `retries`: requests that
    were tries again after a transient failure; `hits`: answers from the response cache;
    `calls`: answers asked of the model (not from the cache).
    """

    requests: int = 0
    retries: int = 0
    hits: int = 0
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, *, requests: int = 0, retries: int = 0, hits: int = 0, calls: int = 0) -> None:
        """Add to the counters."""
        with self._lock:
            self.requests += requests
            self.retries += retries
            self.hits += hits
            self.calls += calls
