"""summarize --strict: exit 1 when a flagged claim remains, for scripts and CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, load_answer
from support.llm_server import Reply, StandIn
from typer.testing import CliRunner

from briefing.cli import app

SHOIGU = str(EXAMPLES / "shoigu-rare-earths.txt")
SHOIGU_REPLAY = str(EXAMPLES / "shoigu-rare-earths.replay.yaml")
SHOIGU_ID = "781dc613f876"
KEY = "sk-test-0123456789abcdefghijklmnop"


def run(*args: str, input: str | None = None):  # noqa: A002 - CliRunner's name
    return CliRunner().invoke(app, list(args), input=input)


def replayed(*args: str):
    return run("summarize", SHOIGU, "--replay", SHOIGU_REPLAY, *args)


def wrong_figure(request: dict[str, Any]) -> Reply:
    """Every answer, the re-ask's too, states 800 billion rubles where the article has 700."""
    good = json.dumps(load_answer(SHOIGU_ID), ensure_ascii=False)
    return Reply(content=good.replace("700 billion", "800 billion"))


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


@pytest.mark.usefixtures("key")
def test_strict_exits_1_on_a_flagged_claim_and_still_writes(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    with StandIn(wrong_figure) as server:
        lenient = run("summarize", SHOIGU, "--base-url", server.base_url, "--no-cache")
        strict = run("summarize", SHOIGU, "--base-url", server.base_url, "--strict", "-o", str(out))
    assert lenient.exit_code == 0, lenient.output
    assert "⚠" in lenient.stdout
    assert strict.exit_code == 1, strict.output
    assert "--strict" in strict.stderr
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert any(f["severity"] == "error" for f in brief["findings"])


def test_strict_exits_0_on_a_clean_brief() -> None:
    result = replayed("--strict")
    assert result.exit_code == 0, result.output
    assert "⚠" not in result.stdout
