"""`weekly --batch`: the OpenAI Batch API pre-fills the response cache, resumably.

The Files and Batches endpoints are a local stand-in (tests/support/batch_server.py) reached
through the real openai client; it answers each batch line, and each live call, with the
authored answers of the weekly example (examples/answers/, written by hand, not by a model).
No cassette: the stand-in is the whole server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from support.batch_server import BatchService
from support.llm_server import StandIn, answer, answer_book
from typer.testing import CliRunner

from briefing.brief.request import brief_ask
from briefing.brief.summarize import summarize_article
from briefing.cli import app
from briefing.digest.period import Window
from briefing.digest.prepare import Prepared, prepare
from briefing.digest.run import build_digest
from briefing.errors import LLMError
from briefing.llm.batch import Rounds
from briefing.llm.batch.run import EXIT_PENDING, BatchOutcome, BatchPending
from briefing.llm.batch.state import BatchState, load_states, state_folder
from briefing.llm.cache import CachedLLM, ResponseCache
from briefing.llm.stack import Stack, build_stack
from briefing.models import Article, BriefAnswer
from briefing.prompts import render_messages
from briefing.settings import resolve_settings

WEEKLY = EXAMPLES / "weekly"
INPUTS = sorted(str(p) for p in WEEKLY.iterdir() if p.suffix != ".html")  # see `prepared`
KEY = "sk-test-batch-0123456789abcdef"
WEEK = "<<<STORIES\n"  # only the week in brief's request carries it


def prefill_briefs(articles: list[Article], stack: Stack, **rounds: Any) -> BatchOutcome:
    """Round 1 alone: every article's first brief request through a batch, into the cache."""
    prefill = Rounds(stack, **rounds)
    prefill([brief_ask(article) for article in articles])
    return prefill.outcome


@pytest.fixture(scope="module")
def prepared() -> Prepared:
    # The bundled week without its web page, whose authored brief is wrong on purpose (see
    # examples/PROVENANCE.md) and so gets a live re-ask: here every brief comes from a batch.
    return prepare(INPUTS, Window())


def _answer(name: str) -> str:
    return json.dumps(
        json.loads((EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")), ensure_ascii=False
    )


def _book(prepared: Prepared, *, without: tuple[str, ...] = ()) -> dict[str, str]:
    """First paragraph → the article's brief; first member → the story's synthesis."""
    book = {
        f"[1] {a.paragraphs[0]}": _answer(a.id) for a in prepared.articles if a.id not in without
    }
    book |= {
        f"## Article {s[0]}\n": _answer(f"story-{s[0]}") for s in prepared.stories if len(s) > 1
    }
    book[WEEK] = _answer("week")
    return book


def _stack(server: StandIn) -> Stack:
    """The live client stack with the response cache, no rate limiter, no waiting."""
    settings = resolve_settings(base_url=server.base_url, api_key=KEY)
    stack = build_stack(settings, cache=ResponseCache(), rate_limited=False, sleep=lambda s: None)
    assert isinstance(stack.cache, CachedLLM)
    return stack


def _cached(stack: Stack) -> CachedLLM:
    assert stack.cache is not None
    return stack.cache


def _lines(service: BatchService) -> list[dict[str, Any]]:
    [content] = [c for purpose, c in service.files.values() if purpose == "batch"]
    return [json.loads(line) for line in content.decode("utf-8").splitlines()]


def _chat_calls(server: StandIn, since: int = 0) -> list[str]:
    """The last message of every live chat completion after request number `since`."""
    return [
        r.body["messages"][-1]["content"]
        for r in server.requests[since:]
        if r.path == "/v1/chat/completions"
    ]


class Clock:
    """A clock that only moves when slept on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_batch_file_holds_each_article_request_exactly_as_sent_live(
    prepared: Prepared,
) -> None:
    book = _book(prepared)
    service = BatchService(answer_book(book))
    with StandIn(answer_book(book), routes=service.route) as server:
        stack = _stack(server)
        prefill_briefs(prepared.articles, stack)
        # The same articles briefed live, without the cache: the first request of each.
        plain = build_stack(
            resolve_settings(base_url=server.base_url, api_key=KEY),
            cache=False,
            rate_limited=False,
        ).llm
        start = len(server.requests)
        for article in prepared.articles:
            summarize_article(article, plain)
        live = [r.body for r in server.requests[start:] if len(r.body["messages"]) == 2]
    lines = _lines(service)
    assert len(lines) == len(prepared.articles) == 12
    assert {line["method"] for line in lines} == {"POST"}
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert [line["custom_id"] for line in lines] == [
        _cached(stack).key(render_messages("brief", article=a), BriefAnswer, "brief")
        for a in prepared.articles
    ]
    canonical = sorted(json.dumps(b, sort_keys=True, ensure_ascii=False) for b in live)
    assert (
        sorted(json.dumps(line["body"], sort_keys=True, ensure_ascii=False) for line in lines)
        == canonical
    )
    assert lines[0]["body"]["response_format"]["type"] == "json_schema"
    [batch] = service.batches.values()
    assert (batch["endpoint"], batch["completion_window"]) == ("/v1/chat/completions", "24h")


def test_briefs_come_from_the_batch_and_only_stories_go_live(prepared: Prepared) -> None:
    book = _book(prepared)
    service = BatchService(answer_book(book))
    with StandIn(answer_book(book), routes=service.route) as server:
        stack = _stack(server)
        outcome = prefill_briefs(prepared.articles, stack)
        assert _chat_calls(server) == []  # the batch step makes no chat completion
        start = len(server.requests)
        digest = build_digest(prepared, stack.llm, stack.settings)
        live = _chat_calls(server, start)
    stories = [s for s in prepared.stories if len(s) > 1]
    assert len(live) == len(stories) + 1 == 5
    assert all("## Article" in text or WEEK in text for text in live)  # stories, the week
    assert len(digest.briefs) == 12 and digest.failures == []
    assert all(b.meta.attempts == 0 for b in digest.briefs)  # from the cache, no re-ask
    shoigu = next(b for b in digest.briefs if b.article.id == "781dc613f876")
    assert shoigu.title.en == json.loads(_answer("781dc613f876"))["title"]["en"]
    assert outcome.stored == 12 and outcome.warnings == []
    assert outcome.usage.prompt_tokens > 0
    # Batch tokens are billed at half the list price.
    full = stack.settings.cost(outcome.usage, "gpt-4o-mini")
    assert full is not None and outcome.cost_usd == round(full * 0.5, 6)
    live_usage, live_cost = digest.meta.usage, digest.meta.cost_usd
    outcome.add_to(digest.meta)
    assert digest.meta.usage == live_usage + outcome.usage
    assert digest.meta.cost_usd == round((live_cost or 0) + outcome.cost_usd, 6)


def test_polling_sleeps_on_the_injected_clock_within_the_budget(prepared: Prepared) -> None:
    book = _book(prepared)
    service = BatchService(answer_book(book), polls=4)
    clock = Clock()
    with StandIn(answer_book(book), routes=service.route) as server:
        stack = _stack(server)
        with pytest.raises(BatchPending) as pending:
            prefill_briefs(prepared.articles, stack, wait=12, sleep=clock.sleep, clock=clock)
        assert clock.sleeps == [5, 7]  # 5 s, then 10 s cut to the 7 s left of the budget
        assert (
            "Batch batch_standin1 in_progress, 9/12 done; run the same command again"
            in pending.value.message
        )
        assert pending.value.exit_code == EXIT_PENDING
        outcome = prefill_briefs(prepared.articles, stack, wait=60, sleep=clock.sleep, clock=clock)
    assert clock.sleeps == [5, 7]  # done at the first poll of the second run
    assert service.created == ["batch_standin1"] and outcome.stored == 12


def test_a_second_run_resumes_the_same_batch(
    prepared: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    book = _book(prepared)
    service = BatchService(answer_book(book), polls=2)
    out = tmp_path / "out"
    with StandIn(answer_book(book), routes=service.route) as server:
        args = [
            "weekly",
            *INPUTS,
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--formats",
            "json",
            "--batch",
        ]
        first = CliRunner().invoke(app, args)
        assert first.exit_code == EXIT_PENDING, first.output
        assert (
            "Batch batch_standin1 in_progress, 6/12 done; run the same command again "
            "later." in first.stderr
        )
        assert "Error" not in first.stderr
        assert not out.exists() and _chat_calls(server) == []

        folder = tmp_path / "cache" / "briefing" / "batches"
        [state_file] = folder.glob("*.json")
        saved = state_file.read_text("utf-8")
        state = BatchState.model_validate_json(saved)
        assert (state.batch_id, state.status, state.closed) == (
            "batch_standin1",
            "in_progress",
            False,
        )
        assert sorted(state.requests.values()) == sorted(
            f"article {a.id}" for a in prepared.articles
        )
        for secret in (KEY, server.base_url, "127.0.0.1", prepared.articles[0].paragraphs[0]):
            assert secret not in saved

        # The briefs' batch is picked up; the stories built from its answers are the next
        # round (tests/test_batch_rounds.py runs every round to the end).
        second = CliRunner().invoke(app, args)
        assert second.exit_code == EXIT_PENDING, second.output
        assert "Resuming batch batch_standin1 (in_progress, 6/12 done)" in second.stderr
        assert "Batch batch_standin1 completed: 12 answers stored" in second.stderr
        assert "Batch batch_standin2 in_progress, 2/4 done" in second.stderr
        assert not out.exists() and _chat_calls(server) == []
    assert service.created == ["batch_standin1", "batch_standin2"]  # the briefs paid for once
    assert [p for p, _ in service.files.values()].count("batch") == 2
    assert BatchState.model_validate_json(state_file.read_text("utf-8")).closed


def test_failed_lines_are_asked_live_and_listed(prepared: Prepared) -> None:
    missing, invalid = prepared.articles[0].id, prepared.articles[1].id
    batch_book = _book(prepared, without=(missing,))  # its line gets HTTP 404
    batch_book[f"[1] {prepared.articles[1].paragraphs[0]}"] = '{"title": "not a brief"}'
    full = _book(prepared)
    service = BatchService(answer_book(batch_book))
    with StandIn(answer_book(full), routes=service.route) as server:
        stack = _stack(server)
        outcome = prefill_briefs(prepared.articles, stack)
        start = len(server.requests)
        digest = build_digest(prepared, stack.llm, stack.settings)
        live = _chat_calls(server, start)
    assert outcome.stored == 10
    assert len(outcome.warnings) == 2
    warned = " ".join(outcome.warnings)
    assert f"article {missing} (HTTP 404" in warned
    assert f"article {invalid} (the answer did not validate" in warned
    assert "asked live at the full price" in warned
    briefs_asked = [t for t in live if "## Article" not in t and WEEK not in t]
    assert len(briefs_asked) == 2  # exactly the two without a usable batch answer
    assert len(digest.briefs) == 12 and digest.failures == []
    [state] = load_states(state_folder(_cached(stack)))
    assert sorted(state.requests[k] for k in state.errors) == sorted(
        [f"article {missing}", f"article {invalid}"]
    )


def test_an_expired_batch_keeps_what_was_answered(prepared: Prepared) -> None:
    book = _book(prepared)
    service = BatchService(answer_book(book), final="expired", answered=5)
    with StandIn(answer_book(book), routes=service.route) as server:
        stack = _stack(server)
        outcome = prefill_briefs(prepared.articles, stack)
        digest = build_digest(prepared, stack.llm, stack.settings)
        briefs_asked = [t for t in _chat_calls(server) if "## Article" not in t and WEEK not in t]
    assert outcome.stored == 5 and len(outcome.warnings) == 7
    assert all("could not be executed before the completion window" in w for w in outcome.warnings)
    assert len(briefs_asked) == 7 and len(digest.briefs) == 12


def test_a_failed_batch_is_an_error_and_the_next_run_submits_anew(prepared: Prepared) -> None:
    book = _book(prepared)
    service = BatchService(answer_book(book), final="failed")
    with StandIn(answer_book(book), routes=service.route) as server:
        stack = _stack(server)
        with pytest.raises(LLMError, match="Batch batch_standin1 failed: stand-in: the batch"):
            prefill_briefs(prepared.articles, stack)
        assert _chat_calls(server) == []  # nothing asked live behind the user's back
        service.final = "completed"
        outcome = prefill_briefs(prepared.articles, stack)
    assert service.created == ["batch_standin1", "batch_standin2"]
    assert outcome.stored == 12


def test_a_lost_create_answer_is_found_again_not_paid_twice(prepared: Prepared) -> None:
    book = _book(prepared)
    service = BatchService(answer_book(book), lose_creates=1)
    with StandIn(answer_book(book), routes=service.route) as server:
        stack = _stack(server)
        with pytest.raises(LLMError, match="Creating the batch failed"):
            prefill_briefs(prepared.articles, stack)
        posts = [r for r in server.requests if r.path == "/v1/batches" and r.method == "POST"]
        assert len(posts) == 1  # the create is never retried blindly
        [state] = load_states(state_folder(_cached(stack)))
        assert state.batch_id is None and state.input_file_id is not None
        outcome = prefill_briefs(prepared.articles, stack)
    assert service.created == ["batch_standin1"] and outcome.stored == 12


def test_batch_needs_a_provider_with_the_batch_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    result = CliRunner().invoke(app, ["weekly", str(WEEKLY), "--provider", "deepseek", "--batch"])
    assert result.exit_code == 3
    assert "--batch needs the OpenAI Batch API, which provider deepseek" in result.stderr
    result = CliRunner().invoke(app, ["weekly", str(WEEKLY), "--batch", "--no-cache"])
    assert result.exit_code == 2 and "Drop --replay and --no-cache" in result.stderr
    # A compatible server without the Batch API: a clear provider error, no traceback.
    with StandIn(lambda request: answer("{}")) as server:
        result = CliRunner().invoke(
            app,
            [
                "weekly",
                str(WEEKLY),
                "--base-url",
                server.base_url,
                "--batch",
                "-o",
                str(tmp_path / "out"),
            ],
        )
    assert result.exit_code == 4, result.output
    assert "Uploading the batch file failed (HTTP 404" in result.stderr
    assert "may not implement the Batch API" in result.stderr
