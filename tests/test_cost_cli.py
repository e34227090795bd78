"""Cost and cache from the command line: estimate, --max-cost, cache stats/clear, --slack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES
from support.llm_server import StandIn, answer_book
from support.slack_server import SlackStandIn
from typer.testing import CliRunner

from briefing.cli import app
from briefing.models import Estimate

WEEK = str(EXAMPLES / "weekly")
REPLAY = str(EXAMPLES / "weekly.replay.yaml")


def run(*args: str, input: str | None = None):  # noqa: A002 - CliRunner's name
    return CliRunner().invoke(app, list(args), input=input)


def test_estimate_is_per_article_after_dedupe_and_needs_no_key() -> None:
    result = run("estimate", WEEK, "--json")
    assert result.exit_code == 0, result.output
    estimate = Estimate.model_validate_json(result.stdout)
    assert estimate.model == "gpt-4o-mini"
    assert len(estimate.articles) == 13  # 14 files, one duplicate merged
    assert all(a.fits and a.tokens_in > 500 and a.tokens_out > 500 for a in estimate.articles)
    assert estimate.total.tokens_in > sum(a.tokens_in for a in estimate.articles)  # + stories
    assert estimate.cost_usd is not None and 0 < estimate.cost_usd < 0.1
    unknown = json.loads(run("estimate", WEEK, "--json", "--model", "my-local-llm").stdout)
    assert unknown["cost_usd"] is None  # unknown, never a made-up $0


def test_max_cost_stops_before_any_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with StandIn(answer_book({})) as server:
        result = run(
            "weekly",
            WEEK,
            "--base-url",
            server.base_url,
            "--max-cost",
            "0.001",
            "-o",
            str(tmp_path / "out"),
        )
        assert server.requests == []
    assert result.exit_code == 2
    assert "projected to cost $0.02" in result.stderr and "--max-cost $0.00" in result.stderr


def test_cache_stats_and_clear() -> None:
    result = run("cache", "stats")
    assert result.exit_code == 0 and "0 answers" in result.stdout
    result = run("cache", "clear", input="n\n")
    assert result.exit_code == 0 and "Nothing was deleted." in result.stdout  # declined
    result = run("cache", "clear", "--yes")
    assert result.exit_code == 0 and "Deleted 0 answers." in result.stdout


def test_weekly_posts_the_digest_to_slack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with SlackStandIn() as slack:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.webhook_url)
        result = run(
            "weekly",
            WEEK,
            "--replay",
            REPLAY,
            "--slack",
            "--formats",
            "json",
            "-o",
            str(tmp_path / "out"),
        )
        posted = list(slack.messages)
    assert result.exit_code == 0, result.output
    assert posted and "Weekly brief" in json.dumps(posted[0].blocks, ensure_ascii=False)
    assert slack.webhook_url not in result.output


def test_weekly_slack_without_a_target_fails_before_paying(tmp_path: Path) -> None:
    result = run("weekly", WEEK, "--replay", REPLAY, "--slack", "-o", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert "SLACK_WEBHOOK_URL" in result.stderr
    assert not (tmp_path / "out").exists()


def test_slack_channel_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.slack.target import resolve_target

    env = {"SLACK_BOT_TOKEN": "xoxb-1-2-secret", "SLACK_CHANNEL": "C0TEAM"}
    target = resolve_target(env=env)
    assert target is not None and target.threaded and target.channel == "C0TEAM"
