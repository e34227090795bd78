"""What the one-article CLI tests share: the bundled Shoigu article, its replay, a run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import EXAMPLES, load_answer
from typer.testing import CliRunner, Result

from briefing.cli import app
from support.llm_server import Reply

SHOIGU = str(EXAMPLES / "shoigu-rare-earths.txt")
SHOIGU_REPLAY = str(EXAMPLES / "shoigu-rare-earths.replay.yaml")
SHOIGU_ID = "781dc613f876"
KEY = "sk-test-0123456789abcdefghijklmnop"


def run(*args: str, input: str | None = None) -> Result:  # noqa: A002 - CliRunner's name
    """The CLI run in process with `args`."""
    return CliRunner().invoke(app, list(args), input=input)


def replayed(*args: str) -> Result:
    """`summarize` of the Shoigu article, answered from its replay file."""
    return run("summarize", SHOIGU, "--replay", SHOIGU_REPLAY, *args)


def wrong_figure(request: dict[str, Any]) -> Reply:
    """Every answer, the re-ask's too, states 800 billion rubles where the article has 700."""
    good = json.dumps(load_answer(SHOIGU_ID), ensure_ascii=False)
    return Reply(content=good.replace("700 billion", "800 billion"))


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake OpenAI key in the environment."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
