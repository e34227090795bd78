"""--max-cost: calls stop before the cap is passed; what was spent is counted, not guessed."""

from __future__ import annotations

import pytest
from conftest import load_answer
from fakes import FakeLLM

from briefing.errors import InvalidAnswerError, LLMError
from briefing.llm.base import ChatMessage
from briefing.llm.budget import BudgetExceeded, BudgetLLM
from briefing.models import BriefAnswer

ASK = [ChatMessage(role="user", content="简报" * 500)]
ANSWER = load_answer("781dc613f876")


def test_calls_stop_before_the_cap() -> None:
    fake = FakeLLM(model="gpt-4o-mini").enqueue(ANSWER, ANSWER, ANSWER)
    # The fake reports 100 + 50 tokens a call: $0.000045 on gpt-4o-mini; a call is expected
    # to cost about $0.0009 (its prompt plus 1,200 tokens out), so the cap allows two.
    llm = BudgetLLM(fake, max_usd=0.0019)
    llm.complete(ASK, BriefAnswer, name="brief")
    llm.complete(ASK, BriefAnswer, name="brief")
    assert llm.spent == pytest.approx(2 * 0.000045)
    llm.max_usd = 0.0009
    with pytest.raises(BudgetExceeded) as caught:
        llm.complete(ASK, BriefAnswer, name="brief")
    assert "--max-cost" in caught.value.message and len(fake.history) == 2


def test_an_invalid_answer_still_counts() -> None:
    fake = FakeLLM(model="gpt-4o-mini").enqueue(
        InvalidAnswerError("bad", prompt_tokens=1_000_000, completion_tokens=0)
    )
    llm = BudgetLLM(fake, max_usd=1.0)
    with pytest.raises(InvalidAnswerError):
        llm.complete(ASK, BriefAnswer, name="brief")
    assert llm.spent == pytest.approx(0.15)


def test_a_model_without_a_price_cannot_be_capped() -> None:
    llm = BudgetLLM(FakeLLM(model="my-local-model").enqueue(ANSWER), max_usd=1.0)
    with pytest.raises(LLMError, match="No price is known"):
        llm.complete(ASK, BriefAnswer, name="brief")


def test_the_config_file_sets_prices(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from briefing.config import resolve_settings
    from briefing.models import Usage
    from briefing.pricing import cost_usd, set_prices

    config = tmp_path / "config.toml"
    config.write_text('[prices]\n"my-local-model" = [1.0, 2.0]\n"gpt-4o-mini" = [0.0, 0.0]\n')
    try:
        resolve_settings(config_path=config, require_key=False)
        usage = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000)
        assert cost_usd("my-local-model", usage) == 3.0
        assert cost_usd("gpt-4o-mini", usage) == 0.0
    finally:
        set_prices({})
    assert cost_usd("my-local-model", Usage()) is None
