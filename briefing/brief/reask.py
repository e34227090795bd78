"""One answer, checked in code; one re-ask listing the findings when the checks find errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic

from briefing.counts import count
from briefing.errors import LLMError
from briefing.llm.base import LLM, ChatMessage, T
from briefing.models import Finding, Usage
from briefing.prompts import render_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Grounded(Generic[T]):
    """The answer kept, what the checks found on it, and what all attempts cost."""

    value: T
    findings: list[Finding]
    model: str
    usage: Usage
    attempts: int

    @property
    def errors(self) -> int:
        """How many error-level findings remain."""
        return sum(f.severity == "error" for f in self.findings)


def ask_grounded(
    llm: LLM,
    messages: list[ChatMessage],
    schema: type[T],
    name: str,
    check: Callable[[T], list[Finding]],
) -> Grounded[T]:
    """Ask, check, and when errors are found ask once more with them; keep the better answer."""
    first = llm.complete(messages, schema, name=name)
    kept = Grounded(first.value, check(first.value), first.model, first.usage, first.attempts)
    if not kept.errors:
        return kept
    errors = [f for f in kept.findings if f.severity == "error"]
    log.info("checks: %s on the %s answer; asking once more", count(len(errors), "error"), name)
    retry = [
        *messages,
        ChatMessage(role="assistant", content=first.raw),
        ChatMessage(role="user", content=render_text("fix", findings=errors)),
    ]
    try:
        second = llm.complete(retry, schema, name=name)
    except LLMError as exc:
        # The first answer is paid for and usable: keep it, counting what the re-ask spent.
        spent = Usage(prompt_tokens=exc.prompt_tokens, completion_tokens=exc.completion_tokens)
        return replace(kept, usage=kept.usage + spent, attempts=kept.attempts + exc.attempts)
    usage, attempts = first.usage + second.usage, first.attempts + second.attempts
    revised = Grounded(second.value, check(second.value), second.model, usage, attempts)
    log.info("checks: %s left after the re-ask", count(revised.errors, "error"))
    # On a tie the revision, which was asked to mend the first.
    if revised.errors <= kept.errors:
        return revised
    return replace(kept, usage=usage, attempts=attempts)
