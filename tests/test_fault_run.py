"""A week of 100 articles against a provider failing about one call in five, in every way.

The provider is the stand-in server with support.faults.Faulty in front of answers built
from each prompt (tests/fault_week.py); the client is the real one, run through the CLI. The
first run must finish, brief or list every article, and keep every answer it received in the
cache; the second, against a provider that has recovered, must brief the rest and ask for
nothing it already has.
"""

from __future__ import annotations

import json
import sqlite3
from functools import partial
from pathlib import Path

import pytest
from fault_week import answer_for, write_feed
from support.faults import FAULTS, Faulty, request_key
from support.llm_server import StandIn
from typer.testing import CliRunner

from briefing.cli import app
from briefing.llm.cache import default_cache_path
from briefing.llm.retry import Backoff
from briefing.llm.transports import openai as client
from briefing.models import Digest

ARTICLES = 100
# The client gives up on an answer after 1.5 s; a timeout fault answers after 2 s. Three
# retries, so a call fails for good when four draws in a row fail. No pacing: the faults are
# the only limit.
CONFIG = """\
[openai]
timeout = 1.5
max_retries = 3
rpm = 0
tpm = 0
"""
# What the failures may say: each is a message of briefing.llm.failures or the client.
REASONS = (
    "after 4 attempts",
    "(4 attempts)",
    "token limit",
    "invalid JSON twice",
    "still rate limiting",
)


@pytest.fixture
def faulty_week(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    (tmp_path / "config.toml").write_text(CONFIG, "utf-8")
    # Without Retry-After the client backs off from 1 s; from 1 ms here, to keep the test
    # quick. The waits a server asks for are honoured as they are.
    monkeypatch.setattr(client, "Backoff", partial(Backoff, base=0.001))
    return write_feed(tmp_path / "week.jsonl", ARTICLES)


def weekly(feed: Path, server: StandIn, out: Path):
    return CliRunner().invoke(
        app,
        [
            "weekly",
            str(feed),
            "--since",
            "2025-10-01",
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--formats",
            "json,md",
            "--concurrency",
            "8",
        ],
    )


def canonical(answer: str) -> str:
    return json.dumps(json.loads(answer), sort_keys=True, ensure_ascii=False)


def cached_answers() -> set[str]:
    with sqlite3.connect(default_cache_path()) as db:
        return {canonical(raw) for (raw,) in db.execute("SELECT raw FROM answers")}


def test_a_failing_provider_loses_no_article_and_no_paid_answer(
    faulty_week: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    faulty = Faulty(
        answer_for, rate=0.2, seed=3, retry_after=0.02, timeout_delay=2.0, slow_delay=0.1
    )
    with StandIn(faulty) as server:
        first = weekly(faulty_week, server, out)

    # The run finished: its outputs are written, and its exit code says some articles failed.
    assert first.exception is None or isinstance(first.exception, SystemExit), first.output
    assert first.exit_code == 1, first.output
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    # About a fifth of the calls failed, in every way there is.
    assert set(faulty.injected) == set(FAULTS)
    assert 0.15 < faulty.injected.total() / faulty.requests < 0.3
    # Every article is briefed or listed with its reason; none twice.
    assert len(digest.briefs) + len(digest.failures) == ARTICLES
    assert len({b.article.id for b in digest.briefs}) == len(digest.briefs)
    assert digest.failures and len(digest.briefs) > ARTICLES * 0.8
    for failure in digest.failures:
        assert failure.input.startswith(str(faulty_week))
        assert any(reason in failure.error for reason in REASONS), failure.error
    assert all(not b.findings for b in digest.briefs)
    assert digest.meta.retries > 0
    retried = "1 call" if digest.meta.retries == 1 else f"{digest.meta.retries:,} calls"
    assert f"{retried} retried" in first.stderr
    assert "Traceback" not in first.output
    # Every usable answer the provider delivered is in the cache, paid for once.
    assert {canonical(a) for a in faulty.delivered.values()} <= cached_answers()

    # The provider has recovered: the second run asks only for the articles that failed.
    recovered = Faulty(answer_for, rate=0.0)
    with StandIn(recovered) as server:
        second = weekly(faulty_week, server, out)
        asked = {request_key(r.body) for r in server.requests}
        # The week in brief is asked again only if its stories changed (or its call failed).
        week_asked = any("<<<STORIES" in str(r.body["messages"]) for r in server.requests)
    assert second.exit_code == 0, second.output
    rerun = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    assert len(rerun.briefs) == ARTICLES and rerun.failures == []
    assert not asked & set(faulty.delivered)  # no answer already received is bought again
    assert len(asked) == len(digest.failures) + week_asked
    assert rerun.meta.cached_calls == len(digest.briefs) + (bool(digest.week) and not week_asked)
