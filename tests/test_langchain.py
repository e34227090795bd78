"""Any LangChain chat model as the backend, tested with LangChain's own fake chat model.

None of langchain-core's fake chat models implements `bind_tools`, so none supports
`with_structured_output`; `ToolCallingFake` below is `GenericFakeChatModel` plus `bind_tools`,
which lets LangChain's real base `with_structured_output` (tool call + PydanticToolsParser,
include_raw) run unchanged. The answer for the example article is the authored one in
examples/answers/, not a model's output. No network. Run: python -m pytest tests/test_langchain.py
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, load_answer
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field
from support.llm_server import StandIn, answer, completion_json, error, queue

from briefing.brief.summarize import summarize_article
from briefing.errors import ConfigError, InvalidAnswerError, LLMError
from briefing.ingest import read_source
from briefing.llm.base import ChatMessage
from briefing.llm.cache import CachedLLM, ResponseCache
from briefing.llm.retry import Backoff
from briefing.llm.stack import build_stack
from briefing.llm.structured import StructuredLLM
from briefing.llm.transports.langchain import LangChainChat
from briefing.llm.transports.langchain_errors import is_transient
from briefing.models import BriefAnswer, Sampling, Usage
from briefing.settings import resolve_settings

KEY = "sk-lc-SECRET0123456789"
FAKE = f"{__name__}:ToolCallingFake"
MESSAGES = [
    ChatMessage(role="system", content="You write bilingual briefs."),
    ChatMessage(role="user", content="[1] 第一段。\n[2] 第二段。"),
]


class ToolCallingFake(GenericFakeChatModel):
    """GenericFakeChatModel that takes tools, and keeps every request it was sent."""

    messages: Iterator[AIMessage | str] = Field(default_factory=lambda: iter(()))
    answers: list[str] = []  # JSON texts (from a config file), each answered as a tool call
    errors: list[Exception] = []  # raised one per call before any answer is given
    model: str | None = None
    max_retries: int = 2  # like ChatOpenAI's: briefing sets it to 0, its retries are its own
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    calls: list[dict[str, Any]] = Field(default_factory=list)
    methods: list[str | None] = Field(default_factory=list)

    def with_structured_output(
        self, schema: Any, *, include_raw: bool = False, method: str | None = None, **kwargs: Any
    ) -> Runnable[Any, Any]:
        # Records the method asked for; LangChain's base implementation (a tool call) has one
        # method only, and before langchain-core 0.3.x it rejected the `method` argument.
        self.methods.append(method)
        return super().with_structured_output(schema, include_raw=include_raw, **kwargs)

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any
    ) -> Runnable[Any, AIMessage]:
        tools = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=tools, tool_choice=tool_choice, **kwargs)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> Any:
        self.seen.append(list(messages))
        self.calls.append(kwargs)
        if self.errors:
            raise self.errors.pop(0)
        if self.answers:
            self.messages = iter([tool_answer(json.loads(self.answers.pop(0)))])
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def tool_answer(
    args: dict[str, Any], *, tokens: tuple[int, int] = (100, 50), call_id: str = "call_1"
) -> AIMessage:
    """The answer as a provider gives it to a tool-calling request, with its usage."""
    return AIMessage(
        content="",
        tool_calls=[{"name": "brief", "args": args, "id": call_id}],
        usage_metadata={
            "input_tokens": tokens[0],
            "output_tokens": tokens[1],
            "total_tokens": sum(tokens),
        },
        response_metadata={"model_name": "fake-model-0"},
    )


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
ONE_GROUP = {**VALID, "groups": VALID["groups"][:1]}  # the schema wants at least two


class RateLimitError(Exception):
    """Shaped like the openai and anthropic SDKs' errors: a class name and a status."""

    status_code = 429


class HTTPError(Exception):
    def __init__(self, message: str, status_code: int, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.response = type(
            "Response", (), {"headers": headers or {}, "status_code": status_code}
        )()


class APITimeoutError(Exception):
    """No status, only a name that says what happened."""


@pytest.fixture
def sleeps() -> list[float]:
    return []


class Structured(StructuredLLM):
    """The structured loop over one LangChainChat (`chat`, which the tests look into)."""

    def __init__(self, chat: LangChainChat) -> None:
        super().__init__(chat, lambda text: text, chat.stats)
        self.chat = chat


def lc_chat(
    *answers: AIMessage | Exception, sleeps: list[float] | None = None, **kwargs: Any
) -> Structured:
    """A LangChainChat over ToolCallingFake answering `answers` in order (an exception raises),
    under the structured loop."""
    errors = [a for a in answers if isinstance(a, Exception)]
    if errors and errors != list(answers[: len(errors)]):
        raise ValueError("exceptions first")
    messages = [a for a in answers if isinstance(a, AIMessage)]
    options = {"messages": iter(messages), "errors": errors, "api_key": KEY}
    # rng 0: the backoff waits exactly half its step, so the waits can be asserted.
    chat = LangChainChat(
        FAKE,
        options,
        sleep=(sleeps if sleeps is not None else []).append,
        backoff=Backoff(rng=lambda: 0.0),
        max_retries=2,
        **kwargs,
    )
    return Structured(chat)


def fake_of(llm: Structured | LangChainChat) -> ToolCallingFake:
    chat = llm.chat if isinstance(llm, Structured) else llm
    model = chat.chat_model
    assert isinstance(model, ToolCallingFake)
    return model


# --- a valid answer, through the pipeline -------------------------------------------------


def test_valid_answer_is_a_brief_without_findings() -> None:
    article = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
    answer = load_answer(article.id)
    assert article.id == "781dc613f876"
    llm = lc_chat(tool_answer(answer, tokens=(2100, 900)))

    brief = summarize_article(article, llm)

    assert brief.findings == []
    assert brief.title.en == answer["title"]["en"]
    assert brief.core_viewpoint.cites == answer["core_viewpoint"]["cites"]
    assert [g.title.zh for g in brief.groups] == [g["title"]["zh"] for g in answer["groups"]]
    assert brief.meta.model == "fake-model-0"  # the model the answer names, not the class
    assert brief.meta.usage == Usage(prompt_tokens=2100, completion_tokens=900)
    assert brief.meta.attempts == 1
    fake = fake_of(llm)
    [sent] = fake.seen
    assert [type(m) for m in sent] == [SystemMessage, HumanMessage]
    assert "绍伊古" in str(sent[1].content)  # the article went to the model
    # LangChain's with_structured_output made the schema a forced tool call.
    [call] = fake.calls
    assert call["tool_choice"] == "any"
    assert call["tools"][0]["function"]["name"] == "brief"  # the name given to complete()
    assert fake.methods == ["json_schema"]
    assert fake.max_retries == 0  # the class's own retries are off: briefing retries


def test_completion_carries_value_raw_and_usage() -> None:
    result = lc_chat(tool_answer(VALID)).complete(MESSAGES, BriefAnswer, name="brief")
    assert result.value == BriefAnswer.model_validate(VALID)
    assert json.loads(result.raw) == VALID
    assert result.usage == Usage(prompt_tokens=100, completion_tokens=50)
    assert (result.model, result.attempts) == ("fake-model-0", 1)


def test_answer_without_usage_metadata_costs_nothing_known() -> None:
    message = AIMessage(content="", tool_calls=[{"name": "brief", "args": VALID, "id": "c"}])
    result = lc_chat(message).complete(MESSAGES, BriefAnswer, name="brief")
    assert result.usage == Usage(unmetered=1)  # no tokens counted, and the cost is unknown
    assert result.model == "ToolCallingFake"  # no model named anywhere: the class name


# --- validation and the re-ask ------------------------------------------------------------


def test_invalid_answer_is_re_asked_once_with_the_errors() -> None:
    llm = lc_chat(
        tool_answer(ONE_GROUP, tokens=(100, 40), call_id="call_a"),
        tool_answer(VALID, tokens=(160, 50), call_id="call_b"),
    )

    result = llm.complete(MESSAGES, BriefAnswer, name="brief")

    assert result.attempts == 2
    assert result.value.groups[1].title.en == "Policy"
    assert result.usage == Usage(prompt_tokens=260, completion_tokens=90)
    first, second = fake_of(llm).seen
    assert len(first) == 2
    # The re-ask answers the tool call, as providers require after a tool call.
    assert second[:2] == first
    answered, reask = second[2:]
    assert isinstance(answered, AIMessage) and answered.tool_calls[0]["id"] == "call_a"
    assert isinstance(reask, ToolMessage) and reask.tool_call_id == "call_a"
    assert "did not match the required JSON schema" in str(reask.content)
    assert "groups: List should have at least 2 items" in str(reask.content)


def test_invalid_twice_raises_invalid_answer_with_what_was_spent() -> None:
    llm = lc_chat(
        tool_answer(ONE_GROUP, tokens=(100, 40)), tool_answer({"title": "x"}, tokens=(150, 10))
    )
    with pytest.raises(InvalidAnswerError) as caught:
        llm.complete(MESSAGES, BriefAnswer, name="brief")
    err = caught.value
    assert "answered with invalid JSON twice" in err.message
    assert "title: Input should be an object; core_viewpoint: Field required" in err.message
    assert err.hint and "[langchain]" in err.hint
    assert (err.prompt_tokens, err.completion_tokens, err.attempts) == (250, 50, 2)
    assert json.loads(err.raw) == {"title": "x"}
    assert len(fake_of(llm).seen) == 2


def test_text_answer_is_validated_and_re_asked_as_a_user_message() -> None:
    # A model answering in its content (no tool call): fenced JSON first, then broken JSON.
    fenced = AIMessage(content="```json\n" + json.dumps(VALID) + "\n```")
    assert lc_chat(fenced).complete(MESSAGES, BriefAnswer, name="brief").value.groups

    llm = lc_chat(AIMessage(content='{"title": '), fenced)
    result = llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert result.attempts == 2
    reask = fake_of(llm).seen[1][-1]
    assert isinstance(reask, HumanMessage) and "not valid JSON" in str(reask.content)


def test_json_mode_puts_the_schema_in_the_system_message() -> None:
    llm = lc_chat(AIMessage(content=json.dumps(VALID)), method="json_mode")
    llm.complete(MESSAGES, BriefAnswer, name="brief")
    system = fake_of(llm).seen[0][0]
    assert isinstance(system, SystemMessage)
    assert str(system.content).startswith("You write bilingual briefs.\n\nAnswer with one JSON")
    assert '"core_viewpoint"' in str(system.content)


def test_truncated_answer_is_an_error_not_a_re_ask() -> None:
    cut = AIMessage(content='{"title": {"en": "Rare', response_metadata={"finish_reason": "length"})
    llm = lc_chat(cut)
    with pytest.raises(LLMError, match="cut off at the token limit") as caught:
        llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert caught.value.hint and "max_tokens" in caught.value.hint
    assert "--max-tokens" in caught.value.hint
    assert len(fake_of(llm).seen) == 1


# --- provider failures --------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        RateLimitError("Rate limit reached"),
        HTTPError("Service Unavailable", 503),
        HTTPError("Overloaded", 529),
        APITimeoutError("Request timed out."),
        TimeoutError("read timed out"),
        ConnectionResetError("connection reset by peer"),
    ],
    ids=lambda e: type(e).__name__ + str(getattr(e, "status_code", "")),
)
def test_transient_error_is_retried_after_a_backoff(error: Exception, sleeps: list[float]) -> None:
    llm = lc_chat(error, tool_answer(VALID), sleeps=sleeps)
    result = llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert result.value.title.en == "Rare earths"
    assert sleeps == [0.5]  # Backoff(base=1), first retry, rng 0: half the step
    assert len(fake_of(llm).seen) == 2


def test_retry_after_header_is_honoured(sleeps: list[float]) -> None:
    error = HTTPError("Too Many Requests", 429, headers={"retry-after": "7"})
    lc_chat(error, tool_answer(VALID), sleeps=sleeps).complete(MESSAGES, BriefAnswer, name="b")
    assert sleeps == [7.0]


@pytest.mark.parametrize(
    "error",
    [
        HTTPError("Bad request: unknown parameter", 400),
        HTTPError("You exceeded your current quota", 429),
        ValueError("model 'nope' not found"),
    ],
    ids=["400", "insufficient_quota", "ValueError"],
)
def test_permanent_error_is_not_retried(error: Exception, sleeps: list[float]) -> None:
    if "quota" in str(error):
        error.code = "insufficient_quota"  # type: ignore[attr-defined]
    llm = lc_chat(error, tool_answer(VALID), sleeps=sleeps)
    with pytest.raises(LLMError) as caught:
        llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert type(error).__name__ in caught.value.message
    assert caught.value.hint and "under [langchain] in" in caught.value.hint
    assert sleeps == [] and len(fake_of(llm).seen) == 1


def test_rate_limit_that_persists_says_what_to_do(sleeps: list[float]) -> None:
    errors = [RateLimitError("Rate limit reached") for _ in range(3)]
    llm = lc_chat(*errors, sleeps=sleeps)
    with pytest.raises(LLMError, match="still failing after 3 attempts") as caught:
        llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert caught.value.hint and "max_retries" in caught.value.hint
    assert sleeps == [0.5, 1.0]


def test_rejected_key_is_never_shown(caplog: pytest.LogCaptureFixture, sleeps: list[float]) -> None:
    # Some providers echo the key they rejected; a retry's log line must not carry it either.
    errors = [
        HTTPError(f"upstream 502 for key {KEY}", 502),
        HTTPError(f"Incorrect API key provided: {KEY}", 401),
    ]
    llm = lc_chat(*errors, sleeps=sleeps)
    with caplog.at_level(logging.DEBUG), pytest.raises(LLMError) as caught:
        llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert "rejected the credentials" in caught.value.message
    assert caught.value.hint and "api_key" in caught.value.hint
    assert KEY not in str(caught.value) and KEY not in caplog.text and KEY not in repr(llm.chat)
    assert "***" in caught.value.message


def test_json_schema_refused_falls_back_to_function_calling(
    caplog: pytest.LogCaptureFixture,
) -> None:
    error = HTTPError("Invalid parameter: 'response_format' of type 'json_schema'", 400)
    llm = lc_chat(error, tool_answer(VALID))
    assert llm.chat.method == "json_schema"
    with caplog.at_level(logging.WARNING):
        assert llm.complete(MESSAGES, BriefAnswer, name="brief").attempts == 1
    assert llm.chat.method == "function_calling"
    assert fake_of(llm).methods == ["json_schema", "function_calling"]
    assert 'method = "function_calling"' in caplog.text


class NoMethodFake(ToolCallingFake):
    """A class whose with_structured_output takes no `method` (langchain-core 0.3.0's base)."""

    def with_structured_output(
        self, schema: Any, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[Any, Any]:
        if kwargs:
            raise ValueError(f"Received unsupported arguments {kwargs}")
        return super().with_structured_output(schema, include_raw=include_raw)


def test_class_without_methods_is_used_with_its_default(caplog: pytest.LogCaptureFixture) -> None:
    llm = Structured(
        LangChainChat(f"{__name__}:NoMethodFake", {"messages": iter([tool_answer(VALID)])})
    )
    with caplog.at_level(logging.WARNING):
        assert llm.complete(MESSAGES, BriefAnswer, name="brief").attempts == 1
    assert llm.chat.method is None  # the class's default from now on
    assert fake_of(llm).methods == [None]
    assert 'does not take method="json_schema"' in caplog.text


def test_transient_classification() -> None:
    assert is_transient(RateLimitError("slow down"))
    assert not is_transient(HTTPError("APIConnectionError? no: a 400", 400))
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = TimeoutError()
    assert is_transient(wrapped)
    assert not is_transient(KeyError("x"))


# --- settings, build_stack and the config file ---------------------------------------------


def write_config(tmp_path: Path, answers: list[dict[str, Any]]) -> Path:
    path = tmp_path / "config.toml"
    texts = ", ".join(
        json.dumps(json.dumps(a, ensure_ascii=False), ensure_ascii=False) for a in answers
    )
    path.write_text(
        f'provider = "openai"\n\n[langchain]\nmodel = "fake-from-file"\nmax_retries = 1\n\n'
        f'[langchain.options]\napi_key = "{KEY}"\nanswers = [{texts}]\n',
        encoding="utf-8",
    )
    return path


def test_provider_resolves_through_settings_and_build_stack(tmp_path: Path) -> None:
    config = write_config(tmp_path, [VALID])
    settings = resolve_settings(provider=f"langchain:{FAKE}", config_path=config, env={})

    assert settings.provider == f"langchain:{FAKE}"
    assert settings.langchain is not None and settings.langchain.class_path == FAKE
    assert settings.model == "fake-from-file" and settings.max_retries == 1
    assert settings.api_key is None and settings.key_env is None  # no key needed, none asked
    assert KEY not in repr(settings)

    stack = build_stack(settings, cache=False, rate_limited=False)
    chat = stack.transport
    assert isinstance(chat, LangChainChat)
    fake = fake_of(chat)
    assert fake.model == "fake-from-file"  # [langchain] model, passed as model=
    assert KEY not in repr(chat)
    assert stack.llm.complete(MESSAGES, BriefAnswer, name="brief").value.title.zh == "稀土"


def test_flags_and_environment_beat_the_file(tmp_path: Path) -> None:
    config = write_config(tmp_path, [VALID])
    env = {"BRIEFING_PROVIDER": f"langchain:{FAKE}", "BRIEFING_MODEL": "env-model"}
    settings = resolve_settings(config_path=config, env=env, base_url="http://localhost:9/v1")
    assert settings.model == "env-model"
    assert settings.langchain is not None
    assert settings.langchain.options["base_url"] == "http://localhost:9/v1"
    assert (
        resolve_settings(
            provider=f"langchain:{FAKE}", model="flag-model", config_path=config, env=env
        ).model
        == "flag-model"
    )


def test_build_stack_caches_langchain_answers(tmp_path: Path) -> None:
    settings = resolve_settings(
        provider=f"langchain:{FAKE}", config_path=write_config(tmp_path, [VALID]), env={}
    )
    cache = ResponseCache(tmp_path / "cache.sqlite3")
    llm = build_stack(settings, cache=cache, rate_limited=False).llm
    assert isinstance(llm, CachedLLM)
    assert KEY not in llm.identity
    assert llm.complete(MESSAGES, BriefAnswer, name="brief").attempts == 1
    # The fake has no answer left: the second one can only come from the cache.
    assert llm.complete(MESSAGES, BriefAnswer, name="brief").attempts == 0
    cache.close()


def test_replay_is_refused_for_langchain(tmp_path: Path) -> None:
    settings = resolve_settings(
        provider=f"langchain:{FAKE}", config_path=write_config(tmp_path, []), env={}
    )
    with pytest.raises(ConfigError, match="not available for langchain:"):
        build_stack(settings, replay=tmp_path / "x.yaml")


@pytest.mark.parametrize(
    "provider", ["langchain:", "langchain:ChatOpenAI", "langchain:langchain_openai.ChatOpenAI"]
)
def test_provider_without_a_class_path_is_a_config_error(provider: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not name a LangChain chat model") as caught:
        resolve_settings(
            provider=provider,
            config_path=None,
            env={"BRIEFING_CONFIG": str(tmp_path / "none.toml")},
        )
    assert caught.value.hint and "langchain:package.module:ClassName" in caught.value.hint


def test_unknown_config_key_under_langchain_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[langchain]\nmodle = "typo"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"langchain\.modle"):
        resolve_settings(provider=f"langchain:{FAKE}", config_path=path, env={})


# --- imports ------------------------------------------------------------------------------


def test_missing_package_says_what_to_install() -> None:
    with pytest.raises(ConfigError) as caught:
        LangChainChat("langchain_nowhere.chat_models:ChatNowhere", {})
    assert "langchain_nowhere" in caught.value.message
    assert caught.value.hint and "pip install 'briefing[langchain]'" in caught.value.hint
    assert "pip install langchain-nowhere" in caught.value.hint


def test_missing_langchain_core_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain_core.language_models", None)
    with pytest.raises(ConfigError, match="langchain-core is missing") as caught:
        LangChainChat(FAKE, {})
    assert caught.value.hint and "pip install 'briefing[langchain]'" in caught.value.hint


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"{__name__}:NoSuchModel", "has no 'NoSuchModel'"),
        ("pathlib:Path", "is not a LangChain chat model"),
        # A real fake chat model without bind_tools: no structured output at all.
        (
            "langchain_core.language_models.fake_chat_models:FakeListChatModel",
            "does not support structured output",
        ),
    ],
)
def test_class_that_cannot_serve_is_a_config_error(path: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        LangChainChat(path, {"responses": []})


def test_options_the_class_rejects_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="Cannot create ToolCallingFake") as caught:
        LangChainChat(FAKE, {"max_retries": "many", "api_key": KEY})
    assert "max_retries" in caught.value.message
    assert caught.value.hint and "[langchain.options]" in caught.value.hint


def test_a_sampling_flag_the_class_has_no_option_for_is_a_config_error() -> None:
    # ToolCallingFake has no seed: the brief's meta must not claim a seed that was never sent.
    with pytest.raises(ConfigError, match="no `seed` option, so --seed") as caught:
        LangChainChat(FAKE, {}, sampling=Sampling(seed=7))
    assert caught.value.hint and "--seed" in caught.value.hint


# --- a real LangChain integration: ChatOpenAI over the local stand-in server ----------------


def chat_openai(server: StandIn, sleeps: list[float]) -> Structured:
    pytest.importorskip("langchain_openai", reason="pip install langchain-openai")
    options = {"model": "test-model", "base_url": server.base_url, "api_key": KEY}
    chat = LangChainChat(
        "langchain_openai:ChatOpenAI",
        options,
        sleep=sleeps.append,
        backoff=Backoff(rng=lambda: 0.0),
    )
    return Structured(chat)


def test_chat_openai_retries_re_asks_and_counts_usage(sleeps: list[float]) -> None:
    rate_limited = error(429, "Rate limit reached", headers={"retry-after": "2"})
    invalid, valid = json.dumps(ONE_GROUP), json.dumps(VALID)
    with StandIn(queue(rate_limited, invalid, valid)) as server:
        llm = chat_openai(server, sleeps)
        result = llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert getattr(llm.chat.chat_model, "max_retries", None) == 0  # the SDK's retries are off
    assert (result.attempts, result.model) == (2, "test-model")
    assert sleeps == [2.0]  # the server's Retry-After
    first, second, third = (r.body for r in server.requests)
    assert first == second  # the retry sends the same request
    assert second["response_format"]["type"] == "json_schema"
    assert second["response_format"]["json_schema"]["name"] == "brief"
    assert [m["role"] for m in third["messages"]] == ["system", "user", "assistant", "user"]
    assert "groups: List should have at least 2 items" in third["messages"][-1]["content"]
    expected = Usage()
    for body, content in ((second, invalid), (third, valid)):
        usage = json.loads(completion_json(body, answer(content)))["usage"]
        expected += Usage(
            prompt_tokens=usage["prompt_tokens"], completion_tokens=usage["completion_tokens"]
        )
    assert result.usage == expected


def test_chat_openai_without_json_schema_falls_back_to_tools(sleeps: list[float]) -> None:
    rejected = error(400, "This response_format type is unavailable now")
    with StandIn(queue(rejected, json.dumps(VALID))) as server:
        llm = chat_openai(server, sleeps)
        assert llm.complete(MESSAGES, BriefAnswer, name="brief").attempts == 1
    assert llm.chat.method == "function_calling" and sleeps == []
    retried = server.requests[1].body
    assert "response_format" not in retried
    assert retried["tools"][0]["function"]["name"] == "brief"


def test_chat_openai_rejected_key_is_not_echoed(sleeps: list[float]) -> None:
    with StandIn(queue(error(401, f"Incorrect API key provided: {KEY}"))) as server:
        llm = chat_openai(server, sleeps)
        with pytest.raises(LLMError, match="rejected the credentials") as caught:
            llm.complete(MESSAGES, BriefAnswer, name="brief")
    assert KEY not in str(caught.value) and sleeps == []
