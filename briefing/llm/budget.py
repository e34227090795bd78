"""A spending cap: no call is made once its expected cost would take the run past --max-cost."""

from __future__ import annotations

import threading

from briefing.brief.request import expected_answer_tokens
from briefing.errors import InvalidAnswerError, LLMError
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.models import Usage
from briefing.settings import Settings
from briefing.tokens import count_tokens


class BudgetExceeded(LLMError):
    """The next call would take the run past its cap."""


class BudgetLLM:
    """An `LLM` that refuses calls past `max_usd`, counting what the answers really cost."""

    def __init__(self, inner: LLM, max_usd: float, settings: Settings) -> None:
        self.inner = inner
        self.model = inner.model
        self.max_usd = max_usd
        self.settings = settings
        self.spent = 0.0
        self._lock = threading.Lock()

    def _cost(self, usage: Usage) -> float:
        # Unmetered answers count at what they reported: the cap is on what is known.
        cost = self.settings.cost(usage.model_copy(update={"unmetered": 0}))
        if cost is None:
            raise LLMError(
                f"No price is known for {self.model!r}, so --max-cost cannot be enforced.",
                f"Drop --max-cost, or set its price under [prices] in "
                f"{self.settings.config_path} (see README, Cost).",
            )
        return cost

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        """Make the call if its expected cost fits in what is left; count what it cost."""
        tokens_in = sum(count_tokens(m.content) for m in messages)
        tokens_out = expected_answer_tokens(messages)
        expected = self._cost(Usage(prompt_tokens=tokens_in, completion_tokens=tokens_out))
        with self._lock:
            if self.spent + expected > self.max_usd:
                raise BudgetExceeded(
                    f"Stopped before spending more: ${self.spent:.4f} spent, the next call "
                    f"would cost about ${expected:.4f}, over --max-cost ${self.max_usd:.2f}.",
                    "Raise --max-cost, or narrow the inputs (--since/--until). Answers already "
                    "received are cached: a rerun does not pay for them again.",
                )
            self.spent += expected  # reserved now, so concurrent calls cannot overshoot
        try:
            completion = self.inner.complete(messages, schema, name=name)
        except BaseException as exc:
            # An answer that never validated was still paid for.
            paid = 0.0
            if isinstance(exc, InvalidAnswerError):
                paid = self._cost(
                    Usage(prompt_tokens=exc.prompt_tokens, completion_tokens=exc.completion_tokens)
                )
            with self._lock:
                self.spent += paid - expected
            raise
        with self._lock:
            self.spent += self._cost(completion.usage) - expected
        return completion
