"""Sampling settings (temperature, seed, max_tokens, timeout): flag > config file, sent only
when set, recorded in the brief's and the digest's meta."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLES, load_answer
from support.cli import KEY, SHOIGU, SHOIGU_ID, run
from support.llm_server import StandIn, answer_book
from typer.testing import Result

from briefing import prepare_weekly, run_weekly
from briefing.errors import ConfigError
from briefing.llm.stack import build_stack
from briefing.llm.transports.langchain import LangChainChat
from briefing.llm.transports.openai import OpenAIChat
from briefing.models import BriefAnswer, Sampling
from briefing.settings import resolve_settings

SHOIGU_TITLE = "绍伊古"  # only the Shoigu article's request carries it


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_table_sets_sampling(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        '[openai-compatible]\nbase_url = "http://x/v1"\nmodel = "m"\n'
        "temperature = 0.7\nseed = 3\nmax_tokens = 900\ntimeout = 300\n",
    )
    s = resolve_settings(provider="openai-compatible", config_path=path)
    assert (s.temperature, s.seed, s.max_tokens, s.timeout) == (0.7, 3, 900, 300.0)


def test_flags_win_over_the_config_table_and_zero_is_a_value(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        '[openai-compatible]\nbase_url = "http://x/v1"\nmodel = "m"\n'
        "temperature = 0.7\nseed = 3\nmax_tokens = 900\ntimeout = 300\n",
    )
    flags = Sampling(temperature=0.0, seed=0, max_tokens=50, timeout=9.5)
    s = resolve_settings(provider="openai-compatible", config_path=path, sampling=flags)
    assert (s.temperature, s.seed, s.max_tokens, s.timeout) == (0.0, 0, 50, 9.5)
    # A flag not given leaves the config file's value.
    s = resolve_settings(provider="openai-compatible", config_path=path, sampling=Sampling(seed=11))
    assert (s.temperature, s.seed, s.max_tokens, s.timeout) == (0.7, 11, 900, 300.0)


def test_a_temperature_out_of_range_in_the_config_file_is_named(tmp_path: Path) -> None:
    path = _config(tmp_path, "[openai]\ntemperature = 3\n")
    with pytest.raises(ConfigError, match="temperature"):
        resolve_settings(provider="openai", config_path=path, require_key=False)


def test_unset_sampling_leaves_the_request_body_as_before(tmp_path: Path) -> None:
    s = resolve_settings(provider="openai", api_key="k")
    body = OpenAIChat(s).request_body([{"role": "user", "content": "x"}], BriefAnswer, "brief")
    assert list(body) == ["model", "messages", "response_format"]
    assert s.sampling is None


def test_set_sampling_is_sent_and_changes_the_cache_identity(tmp_path: Path) -> None:
    base = resolve_settings(provider="openai", api_key="k")
    hot = base.model_copy(update={"temperature": 0.9, "seed": 1})
    body = OpenAIChat(hot).request_body([{"role": "user", "content": "x"}], BriefAnswer, "brief")
    assert (body["temperature"], body["seed"]) == (0.9, 1)
    # An answer sampled otherwise is another answer: not served from the other's cache.
    assert OpenAIChat(hot).identity != OpenAIChat(base).identity
    assert OpenAIChat(base).identity == "openai|gpt-4o-mini|json_schema"


def test_summarize_flags_reach_the_http_request_and_the_meta(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    book = {SHOIGU_TITLE: json.dumps(load_answer(SHOIGU_ID), ensure_ascii=False)}
    with StandIn(answer_book(book)) as server:
        result = run(
            "summarize", SHOIGU, "--base-url", server.base_url, "--format", "json",
            "--temperature", "0.2", "--seed", "42", "--max-tokens", "2500", "--timeout", "900",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = server.requests[0].body
    assert (body["temperature"], body["seed"], body["max_tokens"]) == (0.2, 42, 2500)
    meta = json.loads(result.stdout)["meta"]
    assert meta["sampling"] == {
        "temperature": 0.2,
        "seed": 42,
        "max_tokens": 2500,
        "timeout": 900.0,
    }


def test_summarize_without_flags_sends_no_sampling_and_records_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    book = {SHOIGU_TITLE: json.dumps(load_answer(SHOIGU_ID), ensure_ascii=False)}
    with StandIn(answer_book(book)) as server:
        result = run("summarize", SHOIGU, "--base-url", server.base_url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert not {"temperature", "seed", "max_tokens"} & set(server.requests[0].body)
    assert json.loads(result.stdout)["meta"]["sampling"] is None


def test_a_bad_flag_value_is_a_usage_error_not_a_traceback() -> None:
    result = run("summarize", SHOIGU, "--temperature", "hot")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_the_digest_and_every_brief_record_the_sampling(tmp_path: Path) -> None:
    week = EXAMPLES / "weekly"
    prepared = prepare_weekly([str(week)])
    answers = {path.stem: path.read_text("utf-8") for path in (EXAMPLES / "answers").glob("*.json")}
    titles = {a.title: answers[a.id] for a in prepared.articles if a.id in answers}
    with StandIn(answer_book(titles)) as server:
        settings = resolve_settings(
            provider="openai-compatible",
            base_url=server.base_url,
            model="m",
            sampling=Sampling(temperature=0.2, seed=42),
        )
        run_ = run_weekly(
            prepared, settings, stack=build_stack(settings, cache=False, rate_limited=False)
        )
    chosen = Sampling(temperature=0.2, seed=42)
    assert run_.digest.meta.sampling == chosen
    assert run_.digest.briefs and all(b.meta.sampling == chosen for b in run_.digest.briefs)
    assert all(r.body.get("seed") == 42 for r in server.requests)


# --- the same flags through a LangChain chat model (ChatOpenAI over the stand-in) ----------

LANGCHAIN_CLASS = "langchain_openai:ChatOpenAI"
LANGCHAIN = f"langchain:{LANGCHAIN_CLASS}"


def _langchain_summarize(server: StandIn, *flags: str) -> Result:
    return run(
        "summarize", SHOIGU, "--provider", LANGCHAIN, "--model", "test-model",
        "--base-url", server.base_url, "--format", "json", *flags,
    )  # fmt: skip


@pytest.fixture
def shoigu_book(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """ChatOpenAI's key in the environment, and the Shoigu article's authored answer."""
    pytest.importorskip("langchain_openai", reason="pip install langchain-openai")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    return {SHOIGU_TITLE: json.dumps(load_answer(SHOIGU_ID), ensure_ascii=False)}


def test_langchain_summarize_flags_reach_the_http_request_and_the_meta(
    shoigu_book: dict[str, str],
) -> None:
    with StandIn(answer_book(shoigu_book)) as server:
        result = _langchain_summarize(
            server, "--temperature", "0.2", "--seed", "7", "--max-tokens", "2500"
        )
    assert result.exit_code == 0, result.output
    body = server.requests[0].body
    # ChatOpenAI sends max_tokens under OpenAI's current name for it.
    assert (body["temperature"], body["seed"], body["max_completion_tokens"]) == (0.2, 7, 2500)
    meta = json.loads(result.stdout)["meta"]
    assert meta["sampling"] == {"temperature": 0.2, "seed": 7, "max_tokens": 2500, "timeout": None}


def test_langchain_timeout_flag_is_the_request_timeout(
    shoigu_book: dict[str, str], tmp_path: Path
) -> None:
    # One attempt only (no retries), so the timed-out call is the run's answer.
    (tmp_path / "config.toml").write_text("[langchain]\nmax_retries = 0\n", encoding="utf-8")
    slow = answer_book(shoigu_book)
    with StandIn(lambda request: replace(slow(request), delay=3.0)) as server:
        result = _langchain_summarize(server, "--timeout", "0.3")
    assert result.exit_code == 4, result.output
    assert "Timeout" in result.output


def test_langchain_without_flags_sends_no_sampling_and_sampling_keeps_the_cache_apart(
    shoigu_book: dict[str, str],
) -> None:
    with StandIn(answer_book(shoigu_book)) as server:
        plain = _langchain_summarize(server)
        assert plain.exit_code == 0, plain.output
        assert not {"temperature", "seed", "max_completion_tokens"} & set(server.requests[0].body)
        assert json.loads(plain.stdout)["meta"]["sampling"] is None
        # Another temperature is another answer: asked for, not served from the cache.
        hot = _langchain_summarize(server, "--temperature", "0.2")
        assert hot.exit_code == 0, hot.output
        assert len(server.requests) == 2
        assert server.requests[1].body["temperature"] == 0.2
        # The same flags again, and no flags again: both answered from the cache.
        assert _langchain_summarize(server, "--temperature", "0.2").exit_code == 0
        assert _langchain_summarize(server).exit_code == 0
        assert len(server.requests) == 2


def test_langchain_flags_win_over_the_same_options_in_the_config_file(
    shoigu_book: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text(
        "[langchain.options]\ntemperature = 0\nseed = 1\nmax_completion_tokens = 900\n"
        "request_timeout = 300\n",
        encoding="utf-8",
    )
    with StandIn(answer_book(shoigu_book)) as server:
        result = _langchain_summarize(server, "--temperature", "0.2", "--max-tokens", "2500")
    assert result.exit_code == 0, result.output
    body = server.requests[0].body
    # The flags replace the options of the same meaning; the option no flag sets stays.
    assert (body["temperature"], body["seed"], body["max_completion_tokens"]) == (0.2, 1, 2500)


def test_langchain_timeout_replaces_the_request_timeout_option() -> None:
    pytest.importorskip("langchain_openai", reason="pip install langchain-openai")
    options = {"model": "m", "api_key": KEY, "request_timeout": 300}
    chat = LangChainChat(LANGCHAIN_CLASS, options, sampling=Sampling(timeout=9.0))
    assert getattr(chat.chat_model, "request_timeout", None) == 9.0
    default = LangChainChat(LANGCHAIN_CLASS, options)
    assert getattr(default.chat_model, "request_timeout", None) == 300


def test_langchain_identity_is_unchanged_without_sampling_and_apart_with_it() -> None:
    pytest.importorskip("langchain_openai", reason="pip install langchain-openai")
    options = {"model": "m", "api_key": KEY}
    plain = LangChainChat(LANGCHAIN_CLASS, options).identity
    assert LangChainChat(LANGCHAIN_CLASS, options, sampling=Sampling()).identity == plain
    # max_tokens and timeout do not change an answer that arrives; temperature and seed do.
    slow = Sampling(max_tokens=50, timeout=9.0)
    assert LangChainChat(LANGCHAIN_CLASS, options, sampling=slow).identity == plain
    hot = Sampling(temperature=0.2, seed=7)
    assert LangChainChat(LANGCHAIN_CLASS, options, sampling=hot).identity == (
        plain + "|temperature=0.2|seed=7"
    )
