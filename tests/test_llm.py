"""The model client through the real openai SDK against the local stand-in server.

No recordings are kept for this file: the replay tests record into a tmp cassette and
replay it in the same test. Run: python -m pytest tests/test_llm.py
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from support.llm_server import StandIn, answer, completion_json, error, queue

from briefing.errors import ConfigError, InputError, InvalidAnswerError, LLMError
from briefing.llm.base import LLM, ChatMessage, Completion
from briefing.llm.retry import Backoff, retry_after
from briefing.llm.schema import strict_schema
from briefing.llm.stack import build_stack
from briefing.llm.structured import StructuredLLM
from briefing.llm.transports.openai import OpenAIChat
from briefing.models import BriefAnswer
from briefing.settings import Settings

KEY = "sk-test-SECRET0123456789"
SYSTEM = "You write bilingual briefs."
MESSAGES = [
    ChatMessage(role="system", content=SYSTEM),
    ChatMessage(role="user", content="[1] 第一段。\n[2] 第二段。"),
]


def _claim(en: str, zh: str, cites: list[int]) -> dict[str, Any]:
    return {"en": en, "zh": zh, "cites": cites}


VALID = {
    "title": {"en": "Rare earths", "zh": "稀土"},
    "core_viewpoint": _claim("Exports fell.", "出口下降。", [1]),
    "groups": [
        {"title": {"en": "Trade", "zh": "贸易"}, "claims": [_claim("A.", "甲。", [1])]},
        {"title": {"en": "Policy", "zh": "政策"}, "claims": [_claim("B.", "乙。", [2])]},
    ],
}
VALID_TEXT = json.dumps(VALID, ensure_ascii=False)


def settings_for(base_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "provider": "openai-compatible",
        "model": "test-model",
        "base_url": base_url,
        "api_key": SecretStr(KEY),
        "structured": "json_schema",
        "timeout": 5.0,
        "max_retries": 2,
        "config_path": tmp_path / "config.toml",
    }
    return Settings(**(values | overrides))


@pytest.fixture
def sleeps() -> list[float]:
    return []


def chat(server: StandIn, tmp_path: Path, sleeps: list[float], **overrides: Any) -> StructuredLLM:
    # rng 0: the backoff waits exactly half its step, so the waits can be asserted.
    transport = OpenAIChat(
        settings_for(server.base_url, tmp_path, **overrides),
        sleep=sleeps.append,
        backoff=Backoff(rng=lambda: 0.0),
    )
    return StructuredLLM(transport, lambda text: text)


def make_llm(
    settings: Settings,
    *,
    replay: Path | None = None,
    record: Path | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> LLM:
    """The client stack without cache or rate limiter: the client, live, replayed or recording."""
    return build_stack(
        settings,
        replay=replay,
        record=record,
        cache=False,
        rate_limited=False,
        sleep=sleep,
    ).llm


def ask(server: StandIn, tmp_path: Path, sleeps: list[float], **overrides: Any) -> Completion[Any]:
    """One brief request through a fresh client."""
    llm = chat(server, tmp_path, sleeps, **overrides)
    return llm.complete(MESSAGES, BriefAnswer, name="brief")


def usage_of(request: dict[str, Any], content: str) -> dict[str, int]:
    usage: dict[str, int] = json.loads(completion_json(request, answer(content)))["usage"]
    return usage


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


# --- structured output ------------------------------------------------------------------


def test_valid_answer_is_parsed(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(VALID_TEXT)) as server:
        done = ask(server, tmp_path, sleeps)
    assert done.value == BriefAnswer.model_validate(VALID)
    assert done.raw == VALID_TEXT
    assert done.model == "test-model"
    assert done.attempts == 1
    expected = usage_of(server.requests[0].body, VALID_TEXT)
    assert done.usage.prompt_tokens == expected["prompt_tokens"] > 0
    assert done.usage.completion_tokens == expected["completion_tokens"] > 0
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_json_schema_request_is_strict_and_keeps_bounds(
    tmp_path: Path, sleeps: list[float]
) -> None:
    with StandIn(queue(VALID_TEXT)) as server:
        ask(server, tmp_path, sleeps)
    body = server.requests[0].body
    assert body["messages"] == [m.model_dump() for m in MESSAGES]  # prompt untouched
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "brief" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)
    for node in walk(schema):
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert sorted(node["required"]) == sorted(node["properties"])
    groups = schema["properties"]["groups"]
    assert (groups["minItems"], groups["maxItems"]) == (2, 6)
    assert schema["properties"]["title"]["properties"]["en"]["maxLength"] == 300
    cites = schema["properties"]["core_viewpoint"]["properties"]["cites"]
    assert (cites["minItems"], cites["maxItems"]) == (1, 6)


def test_openai_fine_tuned_model_gets_schema_without_unsupported_keywords(
    tmp_path: Path, sleeps: list[float]
) -> None:
    with StandIn(queue(VALID_TEXT)) as server:
        ask(server, tmp_path, sleeps, provider="openai", model="ft:gpt-4o-mini:acme::x1")
    text = json.dumps(server.requests[0].body["response_format"])
    assert "maxLength" not in text and "maxItems" not in text
    assert '"additionalProperties": false' in text
    # Other models and providers keep the bounds (see the test above).
    assert "maxLength" in json.dumps(strict_schema(BriefAnswer))


def test_json_object_mode_puts_schema_in_system_prompt(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(VALID_TEXT, VALID_TEXT)) as server:
        llm = chat(server, tmp_path, sleeps, structured="json_object")
        llm.complete(MESSAGES, BriefAnswer, name="brief")
        llm.complete(MESSAGES[1:], BriefAnswer, name="brief")  # no system message of its own
    body = server.requests[0].body
    assert body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]
    assert system["role"] == "system" and system["content"].startswith(SYSTEM)
    assert "JSON" in system["content"]
    assert '"maxItems":6' in system["content"]
    assert '"additionalProperties":false' in system["content"]
    assert body["messages"][1:] == [MESSAGES[1].model_dump()]
    added = server.requests[1].body["messages"]
    assert added[0]["role"] == "system" and "JSON Schema" in added[0]["content"]


def test_invalid_json_then_valid_reasks_once(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue('{"title": {"en": "x"', VALID_TEXT)) as server:
        done = ask(server, tmp_path, sleeps)
    assert done.value.title.en == "Rare earths"
    assert done.attempts == 2
    first = usage_of(server.requests[0].body, '{"title": {"en": "x"')
    second = usage_of(server.requests[1].body, VALID_TEXT)
    assert done.usage.prompt_tokens == first["prompt_tokens"] + second["prompt_tokens"]
    assert done.usage.completion_tokens == first["completion_tokens"] + second["completion_tokens"]
    reask = server.requests[1].body["messages"]
    assert reask[:2] == [m.model_dump() for m in MESSAGES]
    assert reask[2] == {"role": "assistant", "content": '{"title": {"en": "x"'}
    assert reask[3]["role"] == "user" and "not valid JSON" in reask[3]["content"]
    assert "JSON object only" in reask[3]["content"]


def test_missing_fields_are_named_in_the_reask(tmp_path: Path, sleeps: list[float]) -> None:
    partial = json.dumps({"title": VALID["title"], "groups": VALID["groups"][:1]})
    with StandIn(queue(partial, VALID_TEXT)) as server:
        done = ask(server, tmp_path, sleeps)
    assert done.attempts == 2
    feedback = server.requests[1].body["messages"][-1]["content"]
    assert "core_viewpoint: Field required" in feedback
    assert "groups: List should have at least 2 items" in feedback


def test_invalid_twice_raises_invalid_answer(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue("no JSON here", '{"title": 1}')) as server:
        with pytest.raises(InvalidAnswerError) as caught:
            ask(server, tmp_path, sleeps)
    assert len(server.requests) == 2
    assert caught.value.raw == '{"title": 1}'
    assert "twice" in caught.value.message and "title" in caught.value.message
    assert "--model" in (caught.value.hint or "")


def test_fenced_json_is_accepted(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(f"```json\n{VALID_TEXT}\n```")) as server:
        done = ask(server, tmp_path, sleeps)
    assert done.attempts == 1 and done.value.groups[1].title.zh == "政策"


def test_json_schema_rejected_falls_back_to_json_object(
    tmp_path: Path, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    deepseek_400 = error(400, "This response_format type is unavailable now")
    with StandIn(queue(deepseek_400, VALID_TEXT, VALID_TEXT)) as server:
        llm = chat(server, tmp_path, sleeps)
        with caplog.at_level(logging.WARNING):
            done = llm.complete(MESSAGES, BriefAnswer, name="brief")
        llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert done.value.title.zh == "稀土" and sleeps == []
    kinds = [r.body["response_format"]["type"] for r in server.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]  # falls back once, stays
    assert 'structured = "json_object"' in caplog.text


# --- retries ----------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_after_that_wait(
    tmp_path: Path, sleeps: list[float]
) -> None:
    slow_down = error(
        429, "Rate limit reached", code="rate_limit_exceeded", headers={"Retry-After": "7"}
    )
    with StandIn(queue(slow_down, VALID_TEXT)) as server:
        done = ask(server, tmp_path, sleeps)
    assert sleeps == [7.0]
    assert done.attempts == 1 and len(server.requests) == 2


def test_retry_after_ms_wins_and_long_waits_are_capped(tmp_path: Path, sleeps: list[float]) -> None:
    replies = (
        error(429, "slow", headers={"retry-after-ms": "250", "Retry-After": "9"}),
        error(503, "busy", headers={"Retry-After": "3600"}),
        VALID_TEXT,
    )
    with StandIn(queue(*replies)) as server:
        ask(server, tmp_path, sleeps)
    assert sleeps == [0.25, 60.0]


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after({"retry-after": "Thu, 01 Jan 2026 12:00:30 GMT"}, now=now) == 30.0
    assert retry_after({"retry-after": "Thu, 01 Jan 2026 11:00:00 GMT"}, now=now) == 0.0
    assert retry_after({"retry-after": "soon"}, now=now) is None
    assert retry_after({}, now=now) is None


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    low, high = Backoff(rng=lambda: 0.0), Backoff(rng=lambda: 1.0)
    timeout = TimeoutError()
    assert [low.delay(n, timeout) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert [high.delay(n, timeout) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert high.delay(20, timeout) == 60.0


def test_500_then_ok_is_retried(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(error(500, "oops", type="server_error"), VALID_TEXT)) as server:
        done = ask(server, tmp_path, sleeps)
    assert done.value.title.en == "Rare earths"
    assert sleeps == [0.5]


def test_500_forever_fails_after_max_retries(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(lambda request: error(500, "The server had an error", type="server_error")) as s:
        with pytest.raises(LLMError) as caught:
            ask(s, tmp_path, sleeps)
    assert len(s.requests) == 3 and sleeps == [0.5, 1.0]  # max_retries=2
    assert "HTTP 500 after 3 attempts" in caught.value.message
    assert "The server had an error" in caught.value.message


def test_rate_limit_forever_fails_with_clear_error(tmp_path: Path, sleeps: list[float]) -> None:
    limited = error(429, "Too many requests", headers={"Retry-After": "1"})
    with StandIn(lambda request: limited) as s:
        with pytest.raises(LLMError) as caught:
            ask(s, tmp_path, sleeps, max_retries=1)
    assert sleeps == [1.0]
    assert "still rate limiting after 2 attempts" in caught.value.message
    assert "max_retries" in (caught.value.hint or "")


def test_spent_quota_is_not_retried(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(error(429, "You exceeded your quota", code="insufficient_quota"))) as s:
        with pytest.raises(LLMError) as caught:
            ask(s, tmp_path, sleeps)
    assert len(s.requests) == 1 and sleeps == []
    assert "quota" in caught.value.message


def test_timeout_is_retried(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(answer(VALID_TEXT, delay=1.0), VALID_TEXT)) as server:
        done = ask(server, tmp_path, sleeps, timeout=0.2)
    assert done.value.title.en == "Rare earths" and sleeps == [0.5]


def test_timeout_every_time_gives_clear_error(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(lambda request: answer(VALID_TEXT, delay=1.0)) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps, timeout=0.2, max_retries=1)
    assert len(server.requests) == 2 and sleeps == [0.5]
    assert f"No answer from {server.base_url} within 0.2 s (2 attempts)" in caught.value.message
    assert "timeout" in (caught.value.hint or "")


def test_unreachable_server_names_the_base_url(tmp_path: Path, sleeps: list[float]) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/v1"
    llm = StructuredLLM(
        OpenAIChat(settings_for(base_url, tmp_path), sleep=sleeps.append), lambda text: text
    )
    with pytest.raises(LLMError) as caught:
        llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert f"Cannot reach {base_url} (3 attempts)" in caught.value.message
    assert "--base-url" in (caught.value.hint or "") and len(sleeps) == 2


# --- errors that retrying cannot fix -----------------------------------------------------


def test_401_names_the_key_variable_and_never_the_key(
    tmp_path: Path, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    rejected = error(401, f"Incorrect API key provided: {KEY}.", code="invalid_api_key")
    with StandIn(queue(rejected)) as server, caplog.at_level(logging.DEBUG):
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps, provider="openai")
    text = str(caught.value)
    assert "HTTP 401" in text and "OPENAI_API_KEY" in text
    assert KEY not in text and KEY not in caplog.text and KEY[:12] not in text
    assert len(server.requests) == 1 and sleeps == []


def test_403_says_access_was_refused(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(error(403, "Country not supported", code="unsupported_country"))) as s:
        with pytest.raises(LLMError) as caught:
            ask(s, tmp_path, sleeps)
    assert "HTTP 403" in caught.value.message and "Country not supported" in caught.value.message


def test_unknown_model_says_how_to_pick_another(tmp_path: Path, sleeps: list[float]) -> None:
    missing = error(404, "The model `gpt-9` does not exist", code="model_not_found")
    with StandIn(queue(missing)) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps, model="gpt-9")
    assert "'gpt-9'" in caught.value.message and "HTTP 404" in caught.value.message
    assert "--model" in (caught.value.hint or "") and sleeps == []


def test_context_length_exceeded(tmp_path: Path, sleeps: list[float]) -> None:
    too_long = error(
        400,
        "This model's maximum context length is 8192 tokens. However, your "
        "messages resulted in 9000 tokens.",
        code="context_length_exceeded",
    )
    with StandIn(queue(too_long)) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps)
    assert "context length exceeded" in caught.value.message
    assert "larger context window" in (caught.value.hint or "")


def test_truncated_answer_is_not_reasked(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(answer(VALID_TEXT[:40], finish_reason="length"))) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps)
    assert not isinstance(caught.value, InvalidAnswerError)
    assert "cut off" in caught.value.message and "max_tokens" in (caught.value.hint or "")
    assert len(server.requests) == 1


def test_refusal(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(answer(None, refusal="I can't help with that."))) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps)
    assert "refused to answer: I can't help with that." in caught.value.message


def test_content_filter(tmp_path: Path, sleeps: list[float]) -> None:
    with StandIn(queue(answer(None, finish_reason="content_filter"))) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps)
    assert "content filter" in caught.value.message


def test_input_blocked_by_provider_filter(tmp_path: Path, sleeps: list[float]) -> None:
    blocked = error(
        400, "Input data may contain inappropriate content.", code="data_inspection_failed"
    )
    with StandIn(queue(blocked)) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, sleeps, provider="qwen")
    assert "qwen's content filter" in caught.value.message


def test_settings_and_client_repr_hide_the_key(tmp_path: Path) -> None:
    settings = settings_for("http://127.0.0.1:9/v1", tmp_path)
    assert KEY not in repr(settings) and KEY not in str(settings)
    assert KEY not in repr(OpenAIChat(settings))


# --- replay and record ------------------------------------------------------------------


def test_record_then_replay_with_server_stopped(tmp_path: Path, sleeps: list[float]) -> None:
    cassette = tmp_path / "brief.yaml"
    with StandIn(queue("not json", VALID_TEXT)) as server:
        recorder = make_llm(
            settings_for(server.base_url, tmp_path), record=cassette, sleep=sleeps.append
        )
        recorded = recorder.complete(MESSAGES, BriefAnswer, name="brief")
    assert recorded.attempts == 2

    text = cassette.read_text(encoding="utf-8")
    assert KEY not in text and "authorization" not in text.lower()
    assert "x-stainless" not in text  # only content-type and accept are kept

    # Another host, no key: the request path and body are what match.
    other = settings_for("http://replay.invalid:1234/v1", tmp_path, api_key=None)
    replayer = make_llm(other, replay=cassette)
    replayed = replayer.complete(MESSAGES, BriefAnswer, name="brief")
    assert replayed.value == recorded.value
    assert (replayed.usage, replayed.attempts) == (recorded.usage, 2)
    again = replayer.complete(MESSAGES, BriefAnswer, name="brief")  # each call replays afresh
    assert again.value == recorded.value

    changed = [MESSAGES[0], ChatMessage(role="user", content="[1] 另一篇文章。")]
    with pytest.raises(LLMError) as caught:
        replayer.complete(changed, BriefAnswer, name="brief")
    assert "has no answer for this request" in caught.value.message
    assert str(cassette) in caught.value.message


def test_recording_again_keeps_earlier_exchanges(tmp_path: Path, sleeps: list[float]) -> None:
    cassette = tmp_path / "two.yaml"
    other = [MESSAGES[0], ChatMessage(role="user", content="[1] 另一篇文章。")]
    with StandIn(queue(VALID_TEXT, VALID_TEXT)) as server:
        recorder = make_llm(settings_for(server.base_url, tmp_path), record=cassette)
        recorder.complete(MESSAGES, BriefAnswer, name="brief")
        recorder.complete(other, BriefAnswer, name="brief")
    replayer = make_llm(settings_for("http://127.0.0.1:9/v1", tmp_path), replay=cassette)
    assert replayer.complete(other, BriefAnswer, name="brief").attempts == 1
    assert replayer.complete(MESSAGES, BriefAnswer, name="brief").attempts == 1


def test_replayed_429_is_retried_without_waiting(tmp_path: Path, sleeps: list[float]) -> None:
    cassette = tmp_path / "limited.yaml"
    with StandIn(queue(error(429, "slow", headers={"Retry-After": "2"}), VALID_TEXT)) as server:
        make_llm(
            settings_for(server.base_url, tmp_path), record=cassette, sleep=sleeps.append
        ).complete(MESSAGES, BriefAnswer, name="brief")
    assert sleeps == [2.0]
    replayer = make_llm(
        settings_for("http://127.0.0.1:9/v1", tmp_path), replay=cassette, sleep=sleeps.append
    )
    assert replayer.complete(MESSAGES, BriefAnswer, name="brief").attempts == 1
    assert sleeps == [2.0]  # a replay does not wait


def test_missing_replay_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        make_llm(settings_for("http://127.0.0.1:9/v1", tmp_path), replay=tmp_path / "nope.yaml")
    assert "nope.yaml" in caught.value.message and caught.value.hint


def test_live_client_without_needed_key_is_a_config_error(tmp_path: Path) -> None:
    settings = settings_for("http://127.0.0.1:9/v1", tmp_path, provider="deepseek", api_key=None)
    with pytest.raises(ConfigError) as caught:
        make_llm(settings)
    assert "DEEPSEEK_API_KEY" in caught.value.message and "--replay" in (caught.value.hint or "")
