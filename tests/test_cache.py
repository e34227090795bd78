"""The response cache: a repeated request is answered from disk; anything that shapes the
answer changes the key; a stored answer survives a new process."""

from __future__ import annotations

from pathlib import Path

from conftest import load_answer
from fakes import FakeLLM

from briefing.llm.base import ChatMessage
from briefing.llm.cache import CachedLLM, ResponseCache, default_cache_path
from briefing.models import BriefAnswer, StoryAnswer

ANSWER = load_answer("781dc613f876")
ASK = [ChatMessage(role="user", content="brief this")]


def test_second_identical_request_is_free(tmp_path: Path) -> None:
    fake = FakeLLM().enqueue(ANSWER)
    llm = CachedLLM(fake, ResponseCache(tmp_path / "c.sqlite3"), "openai|gpt-4o-mini|json_schema")
    first = llm.complete(ASK, BriefAnswer, name="brief")
    second = llm.complete(ASK, BriefAnswer, name="brief")
    assert len(fake.history) == 1
    assert second.value == first.value
    assert (second.attempts, second.usage.prompt_tokens) == (0, 0)  # nothing spent this time
    assert llm.stats.hits == 1  # and one miss: the fake was asked once (above)


def test_answers_survive_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    CachedLLM(FakeLLM().enqueue(ANSWER), ResponseCache(path), "x").complete(
        ASK, BriefAnswer, name="brief"
    )
    again = CachedLLM(FakeLLM(), ResponseCache(path), "x")  # an empty fake: any call fails
    assert again.complete(ASK, BriefAnswer, name="brief").value.title.en.startswith("The US")


def test_the_key_covers_what_shapes_the_answer(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    llm = CachedLLM(FakeLLM(), cache, "openai|gpt-4o-mini|json_schema")
    other_model = CachedLLM(FakeLLM(), cache, "openai|gpt-4o|json_schema")
    key = llm.key(ASK, BriefAnswer, "brief")
    assert key == llm.key(list(ASK), BriefAnswer, "brief")
    assert key != llm.key([ChatMessage(role="user", content="brief that")], BriefAnswer, "brief")
    assert key != llm.key(ASK, StoryAnswer, "brief")
    assert key != other_model.key(ASK, BriefAnswer, "brief")


def test_cache_location_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_path() == tmp_path / "here" / "responses.sqlite3"
    monkeypatch.delenv("BRIEFING_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "briefing" / "responses.sqlite3"


def test_stats_and_clear(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "c.sqlite3")
    llm = CachedLLM(FakeLLM().enqueue(ANSWER), cache, "x")
    llm.complete(ASK, BriefAnswer, name="brief")
    stats = cache.stats()
    assert (stats.answers, stats.prompt_tokens, stats.completion_tokens) == (1, 100, 50)
    assert stats.bytes > 0 and stats.oldest is not None
    assert cache.clear() == 1
    assert cache.stats().answers == 0


def test_the_token_encoding_loads_once_from_many_threads(monkeypatch, tmp_path: Path) -> None:
    """First use from a thread pool, with an empty cache folder: no race on the seed file."""
    from concurrent.futures import ThreadPoolExecutor

    from briefing import tokens

    # The seed goes into the folder tiktoken itself reads (briefing/tokens.py).
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "fresh"))
    tokens._load.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(tokens.count_tokens, ["稀土"] * 16))
    assert len(set(counts)) == 1 and counts[0] > 0
    assert len(list((tmp_path / "fresh").iterdir())) == 1
