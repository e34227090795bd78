"""--max-cost: calls stop before the cap is passed; what was spent is counted, not guessed."""

from __future__ import annotations

import pytest
from conftest import load_answer
from fakes import FakeLLM

from briefing.errors import InvalidAnswerError, LLMError
from briefing.llm.base import ChatMessage
from briefing.llm.budget import BudgetExceeded, BudgetLLM
from briefing.models import BriefAnswer
from briefing.settings import Settings, resolve_settings

ASK = [ChatMessage(role="user", content="简报" * 500)]
ANSWER = load_answer("781dc613f876")


def settings_for(model: str) -> Settings:
    """The settings of a run on `model`: the list prices, no config file."""
    return resolve_settings(model=model, require_key=False)


def test_calls_stop_before_the_cap() -> None:
    fake = FakeLLM(model="gpt-4o-mini").enqueue(ANSWER, ANSWER, ANSWER)
    # The fake reports 100 + 50 tokens a call: $0.000045 on gpt-4o-mini; a call is expected
    # to cost about $0.0009 (its prompt plus 1,300 tokens out), so the cap allows two.
    llm = BudgetLLM(fake, max_usd=0.0019, settings=settings_for(fake.model))
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
    llm = BudgetLLM(fake, max_usd=1.0, settings=settings_for(fake.model))
    with pytest.raises(InvalidAnswerError):
        llm.complete(ASK, BriefAnswer, name="brief")
    assert llm.spent == pytest.approx(0.15)


def test_a_model_without_a_price_cannot_be_capped() -> None:
    fake = FakeLLM(model="my-local-model").enqueue(ANSWER)
    llm = BudgetLLM(fake, max_usd=1.0, settings=settings_for(fake.model))
    with pytest.raises(LLMError, match="No price is known"):
        llm.complete(ASK, BriefAnswer, name="brief")


def test_the_config_file_sets_prices(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from briefing.models import Usage

    config = tmp_path / "config.toml"
    config.write_text('[prices]\n"my-local-model" = [1.0, 2.0]\n"gpt-4o-mini" = [0.0, 0.0]\n')
    settings = resolve_settings(config_path=config, require_key=False)
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000)
    assert settings.cost(usage, "my-local-model") == 3.0
    assert settings.cost(usage, "gpt-4o-mini") == 0.0
    # The file's prices are its settings' own: settings read without it know none.
    other = resolve_settings(
        env={"BRIEFING_CONFIG": str(tmp_path / "absent.toml")}, require_key=False
    )
    assert other.cost(Usage(), "my-local-model") is None
