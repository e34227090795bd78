"""The command line end to end: exact output, files written, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, load_answer
from support.llm_server import StandIn, error, queue
from typer.testing import CliRunner

from briefing.cli import app

SHOIGU = str(EXAMPLES / "shoigu-rare-earths.txt")
SHOIGU_REPLAY = str(EXAMPLES / "shoigu-rare-earths.replay.yaml")
SHOIGU_ID = "781dc613f876"
KEY = "sk-test-0123456789abcdefghijklmnop"


def run(*args: str, input: str | None = None):  # noqa: A002 - CliRunner's name
    return CliRunner().invoke(app, list(args), input=input)


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("ingest", "summarize", "check"):
        assert command in result.output


def test_ingest_json_is_the_article_contract() -> None:
    result = run("ingest", SHOIGU, "--json")
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert set(article) == {"id", "title", "source", "published", "url", "language", "paragraphs"}
    assert article["source"] == "Sou Hu Cai Jing"
    assert article["published"] == "2025-10-25T12:49:00"
    assert len(article["paragraphs"]) == 6
    assert article["paragraphs"][2].startswith("他表示俄罗斯政府应该")


def test_ingest_view_numbers_paragraphs() -> None:
    result = run("ingest", SHOIGU)
    assert result.exit_code == 0
    assert "\n[3] 他表示俄罗斯政府应该" in result.stdout


def test_missing_file_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "Error:" in result.stderr and "nope.txt" in result.stderr
    assert "Traceback" not in result.output


def test_summarize_replays_the_example_in_both_languages() -> None:
    result = run("summarize", SHOIGU, "--replay", SHOIGU_REPLAY, "--lang", "both")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("### 中美“斗法”把俄罗斯打醒")
    assert "**Core Viewpoint** - Russian Security Council Secretary Shoigu" in out
    assert "**核心观点** - 俄联邦安全会议秘书绍伊古称" in out
    assert "700 billion rubles (about 61.8 billion yuan)" in out
    assert "7000亿卢布（约合618亿元人民币）" in out
    assert "⚠" not in out


def test_summarize_without_a_key_says_how_to_get_one() -> None:
    result = run("summarize", SHOIGU)
    assert result.exit_code == 3
    assert "OPENAI_API_KEY" in result.stderr and "--replay" in result.stderr


def test_summarize_json_then_check(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    result = run("summarize", SHOIGU, "--replay", SHOIGU_REPLAY, "-o", str(out))
    assert result.exit_code == 0, result.output
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert brief["format"] == "briefing.brief/1"
    assert brief["findings"] == []
    assert run("check", str(out)).exit_code == 0

    # A wrong number and a citation to the wrong paragraph: check must catch both.
    brief["groups"][0]["claims"][1]["en"] = brief["groups"][0]["claims"][1]["en"].replace(
        "700 billion", "800 billion"
    )
    brief["groups"][3]["claims"][0]["cites"] = [42]
    out.write_text(json.dumps(brief, ensure_ascii=False), encoding="utf-8")
    result = run("check", str(out), "--json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    kinds = {(f["where"], f["kind"]) for f in findings}
    assert ("groups[3].claims[0]", "cite-out-of-range") in kinds
    assert any(w == "groups[0].claims[1]" and k.startswith("number-") for w, k in kinds)


@pytest.mark.parametrize(
    ("content", "needle"),
    [("{}", "not a valid briefing.brief/1"), ("not json", "not a valid briefing.brief/1")],
)
def test_check_rejects_what_is_not_a_brief(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    result = run("check", str(path))
    assert result.exit_code == 2
    assert needle in result.stderr


def test_summarize_through_a_live_server_with_a_rate_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = json.dumps(load_answer(SHOIGU_ID), ensure_ascii=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    replies = queue(
        error(429, "slow down", type="rate_limit_error", headers={"Retry-After": "1"}), answer
    )
    with StandIn(replies) as server:
        result = run("summarize", SHOIGU, "--base-url", server.base_url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []
    assert len(server.requests) == 2
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_a_rejected_key_is_explained_and_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with StandIn(queue(error(401, f"Incorrect API key provided: {KEY}"))) as server:
        result = run("summarize", SHOIGU, "--base-url", server.base_url)
    assert result.exit_code == 4
    assert "401" in result.stderr and "OPENAI_API_KEY" in result.stderr
    assert KEY not in result.output and KEY[-8:] not in result.output
