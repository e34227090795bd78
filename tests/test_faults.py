"""Each fault a provider can throw, through the real openai client against the stand-in server.

Transport faults are retried and then succeed, or end in an LLMError that says what happened;
a broken body never surfaces as a JSONDecodeError or AttributeError; model faults are re-asked
once or fail with the tokens they cost. The fault injector itself is deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from support.faults import FAULTS, Faulty, fault_reply, request_key
from support.llm_server import StandIn, answer, queue, raw

from briefing.errors import InvalidAnswerError, LLMError
from briefing.llm.base import ChatMessage
from briefing.llm.reply import MalformedReply, parse_reply
from briefing.llm.structured import StructuredLLM
from briefing.llm.transports.openai import OpenAIChat
from briefing.models import BriefAnswer
from briefing.settings import Settings

GOOD = json.dumps(
    {
        "title": {"en": "Title", "zh": "标题"},
        "core_viewpoint": {"en": "A view.", "zh": "观点。", "cites": [1]},
        "groups": [
            {
                "title": {"en": title, "zh": title},
                "claims": [{"en": "A claim.", "zh": "一个说法。", "cites": [1]}],
            }
            for title in ("One", "Two")
        ],
    },
    ensure_ascii=False,
)
MESSAGES = [ChatMessage(role="user", content="Brief this.")]
TRANSPORT = ("429", "429-no-retry-after", "500", "502", "503", "timeout", "reset", "cut-body")
# What the error says when the fault never goes away.
GIVES_UP = {
    "429": "still rate limiting after 3 attempts",
    "429-no-retry-after": "still rate limiting after 3 attempts",
    "500": "failed with HTTP 500 after 3 attempts",
    "502": "failed with HTTP 502 after 3 attempts",
    "503": "failed with HTTP 503 after 3 attempts",
    "timeout": "No answer from",
    "reset": "broke off before the answer was complete (3 attempts)",
    "cut-body": "broke off before the answer was complete (3 attempts)",
}


def client(server: StandIn, tmp_path: Path, waits: list[float]) -> StructuredLLM:
    settings = Settings(
        provider="openai-compatible",
        model="test-model",
        base_url=server.base_url,
        api_key=SecretStr("sk-test"),
        structured="json_schema",
        timeout=0.5,
        max_retries=2,
        config_path=tmp_path / "config.toml",
    )
    transport = OpenAIChat(settings, sleep=waits.append)
    return StructuredLLM(transport, lambda text: text, transport.stats)


def ask(server: StandIn, tmp_path: Path, waits: list[float]) -> Any:
    return client(server, tmp_path, waits).complete(MESSAGES, BriefAnswer, name="brief")


@pytest.mark.parametrize("kind", TRANSPORT)
def test_a_transport_fault_is_retried(kind: str, tmp_path: Path) -> None:
    waits: list[float] = []
    with StandIn(queue(fault_reply(kind, GOOD, retry_after=0.25, delay=1.0), GOOD)) as server:
        chat = client(server, tmp_path, waits)
        completion = chat.complete(MESSAGES, BriefAnswer, name="brief")
        assert len(server.requests) == 2
    assert completion.value.title.en == "Title" and chat.stats.retries == 1
    assert len(waits) == 1
    if kind == "429":
        assert waits == [0.25]  # the server's Retry-After, not our backoff


@pytest.mark.parametrize("kind", TRANSPORT)
def test_a_fault_that_stays_ends_in_a_clear_error(kind: str, tmp_path: Path) -> None:
    fault = fault_reply(kind, GOOD, retry_after=0.01, delay=1.0)
    with StandIn(queue(fault, fault, fault)) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, [])
    assert GIVES_UP[kind] in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize("kind", ["invalid-json", "schema"])
def test_a_broken_answer_is_asked_again_once(kind: str, tmp_path: Path) -> None:
    with StandIn(queue(fault_reply(kind, GOOD), GOOD)) as server:
        completion = ask(server, tmp_path, [])
        reask = server.requests[1].body["messages"]
    assert completion.attempts == 2 and completion.value.title.zh == "标题"
    assert (
        reask[-1]["role"] == "user"
        and "did not match the required JSON schema" in (reask[-1]["content"])
    )


@pytest.mark.parametrize("kind", ["invalid-json", "schema"])
def test_a_broken_answer_twice_fails_with_its_tokens(kind: str, tmp_path: Path) -> None:
    bad = fault_reply(kind, GOOD)
    with StandIn(queue(bad, bad)) as server:
        with pytest.raises(InvalidAnswerError) as caught:
            ask(server, tmp_path, [])
    assert caught.value.attempts == 2 and caught.value.completion_tokens > 0
    assert caught.value.raw  # the paid-for text is kept on the error


def test_an_answer_cut_at_the_token_limit_fails_with_its_tokens(tmp_path: Path) -> None:
    with StandIn(queue(fault_reply("length", GOOD), GOOD)) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, [])
        assert len(server.requests) == 1  # the same request would be cut the same way
    assert "token limit" in caught.value.message and caught.value.completion_tokens > 0


def test_a_slow_answer_within_the_timeout_is_taken(tmp_path: Path) -> None:
    waits: list[float] = []
    with StandIn(queue(fault_reply("slow", GOOD, delay=0.1))) as server:
        assert ask(server, tmp_path, waits).attempts == 1
    assert waits == []


BROKEN_BODIES = [
    "",
    "hello",
    '{"id": "x", "choices": [',
    "null",
    '"text"',
    "[1, 2]",
    "[" * 100_000,
    '{"choices": [{}]}',
    '{"choices": [{"message": null}]}',
    '{"choices": "x"}',
    '{"choices": [{"message": {"content": 123}}]}',
    '{"choices": [{"message": {"content": "{}"}}], "model": 5}',
]
# Usage the server got wrong is unknown usage, not a broken body: the answer is read (and not
# paid for again), its cost unknown.
UNMETERED_BODIES = [
    '{"choices": [{"message": {"content": "{}"}}], "usage": "x"}',
    '{"choices": [{"message": {"content": "{}"}}], "usage": {"prompt_tokens": "a"}}',
    '{"choices": [{"message": {"content": "{}"}}], "usage": {"prompt_tokens": -5}}',
]


@pytest.mark.parametrize("body", BROKEN_BODIES, ids=range(len(BROKEN_BODIES)))
def test_a_broken_200_body_is_retried_then_a_clear_error(body: str, tmp_path: Path) -> None:
    with pytest.raises(MalformedReply):
        parse_reply(body)
    with StandIn(queue(raw(200, body), GOOD)) as server:
        assert ask(server, tmp_path, []).value.title.en == "Title"
    broken = raw(200, body)
    with StandIn(queue(broken, broken, broken)) as server:
        with pytest.raises(LLMError) as caught:
            ask(server, tmp_path, [])
    assert "answered with a broken response (3 attempts)" in caught.value.message


@pytest.mark.parametrize("body", UNMETERED_BODIES, ids=range(len(UNMETERED_BODIES)))
def test_a_body_with_unusable_usage_is_read_as_unmetered(body: str) -> None:
    reply = parse_reply(body)
    assert reply.choices[0].message.content == "{}" and reply.tokens.unmetered == 1


def test_a_reply_without_usage_or_extra_fields_is_read() -> None:
    reply = parse_reply({"choices": [{"message": {"content": "{}"}, "extra": 1}], "x": [1]})
    assert reply.choices[0].message.content == "{}" and reply.tokens.prompt_tokens == 0


def requests(n: int) -> list[dict[str, Any]]:
    return [{"messages": [{"role": "user", "content": f"article {i}"}]} for i in range(n)]


def test_the_injector_is_deterministic_and_meets_every_fault() -> None:
    def run() -> list[int]:
        faulty = Faulty(lambda request: answer(GOOD), rate=0.3, seed=1, storm=1)
        return [faulty(r).status for r in requests(200)], faulty.injected

    (first, injected), (again, _) = run(), run()
    assert first == again
    assert set(injected) == set(FAULTS)
    assert 0.2 < injected.total() / 200 < 0.4


def test_a_429_storm_refuses_the_next_requests() -> None:
    faulty = Faulty(lambda request: answer(GOOD), rate=1.0, mix={"429": 1}, storm=4)
    assert [faulty(r).status for r in requests(4)] == [429] * 4
    faulty.rate = 0.0
    assert faulty(requests(5)[4]).status == 200
    assert faulty.injected == {"429": 4}


def test_a_retried_request_meets_a_fresh_draw_and_delivered_answers_are_kept() -> None:
    faulty = Faulty(lambda request: answer(GOOD), rate=0.5, seed=2, mix={"500": 1})
    request = requests(1)[0]
    statuses = [faulty(request).status for _ in range(20)]
    assert 500 in statuses and 200 in statuses
    assert faulty.delivered == {request_key(request): GOOD}


def test_unknown_fault_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        Faulty(lambda request: GOOD, mix={"meteor": 1})
    with pytest.raises(ValueError, match="unknown fault kind"):
        fault_reply("meteor", GOOD)
