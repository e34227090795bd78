"""What a run has paid for is kept and never bought twice, whatever the server or the checks do.

Each test runs the real CLI against the local stand-in server (real HTTP, the real openai
client) the way a stranger's setup would: another provider preset, a model no price table
knows, a server that pretty-prints its JSON, echoes the key or leaves usage out. Then it runs
the same command again and counts the requests the second run makes.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fault_week import answer_for, write_feed
from support.llm_server import Reply, StandIn
from typer.testing import CliRunner

from briefing.cli import app
from briefing.llm.cache import default_cache_path

KEY = "sk-echo-test-0123456789abcdef"
ARTICLES = 5


def weekly(feed: Path, server: StandIn, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(
        app,
        [
            "weekly",
            str(feed),
            "--since",
            "2025-10-01",
            "--provider",
            "deepseek",
            "--model",
            "acme-unknown-7b",
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--formats",
            "md,html,json",
            *extra,
        ],
    )


def pretty(content: str) -> str:
    """The answer as a real server may send it: indented, not in our serialisation."""
    return json.dumps(json.loads(content), ensure_ascii=False, indent=2)


def wrong_first(request: dict[str, Any]) -> Reply:
    """A first answer with a figure off by one (a re-ask follows), the re-ask answered right."""
    good = answer_for(request)
    reasked = any(m["role"] == "assistant" for m in request["messages"])
    if reasked:
        return Reply(content=pretty(good))
    bad = re.sub(r"数量为(\d+)个", lambda m: f"数量为{int(m.group(1)) + 1}个", good, count=1)
    bad = re.sub(r"count of ([\d,]+)", lambda m: f"count of {m.group(1)}1", bad, count=1)
    return Reply(content=pretty(bad))


@pytest.fixture
def feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEEPSEEK_API_KEY", KEY)
    return write_feed(tmp_path / "week.jsonl", ARTICLES)


def test_an_unchanged_rerun_makes_no_call_re_asks_included(feed: Path, tmp_path: Path) -> None:
    with StandIn(wrong_first) as server:
        first = weekly(feed, server, tmp_path / "out")
        assert first.exit_code == 0, first.output
        asked = len(server.requests)
        reasks = sum(
            any(m["role"] == "assistant" for m in r.body["messages"]) for r in server.requests
        )
        assert reasks >= ARTICLES  # every article was re-asked once
        second = weekly(feed, server, tmp_path / "again")
        assert second.exit_code == 0, second.output
        assert len(server.requests) == asked, "the rerun asked the model again"
    digest = json.loads((tmp_path / "again" / "digest.json").read_text("utf-8"))
    assert len(digest["briefs"]) == ARTICLES
    assert digest["meta"]["cached_calls"] >= ARTICLES * 2


def test_unknown_price_is_shown_as_unknown_in_every_output(feed: Path, tmp_path: Path) -> None:
    with StandIn(lambda r: answer_for(r)) as server:
        result = weekly(feed, server, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "unknown cost" in result.output
    digest = json.loads((tmp_path / "out" / "digest.json").read_text("utf-8"))
    assert digest["meta"]["cost_usd"] is None
    markdown = (tmp_path / "out" / "brief.md").read_text("utf-8")
    assert "cost unknown" in markdown
    html = (tmp_path / "out" / "brief.html").read_text("utf-8")
    assert "cost unknown" in html


def test_a_server_echoing_the_key_gets_it_into_no_output(feed: Path, tmp_path: Path) -> None:
    def echo(request: dict[str, Any]) -> Reply:
        body = {
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": f"echo Bearer {KEY}",  # a misconfigured proxy writes the header here
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer_for(request)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
        return Reply(body=json.dumps(body))

    with StandIn(echo) as server:
        result = weekly(feed, server, tmp_path / "out", "--formats", "md,html,json")
    assert result.exit_code == 0, result.output
    assert KEY not in result.output
    for path in (tmp_path / "out").iterdir():
        assert KEY not in path.read_text("utf-8"), path.name
    with sqlite3.connect(default_cache_path()) as db:
        rows = db.execute("SELECT model, raw FROM answers").fetchall()
    assert rows
    assert not [row for row in rows if KEY in row[0] or KEY in row[1]]


@pytest.mark.parametrize(
    "usage",
    [
        {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None},
        {"prompt_tokens": 812.0, "completion_tokens": 300.5, "total_tokens": 1112.5},
        None,
    ],
    ids=["null", "fractional", "absent"],
)
def test_an_answer_with_odd_usage_is_accepted_at_once(
    feed: Path, tmp_path: Path, usage: dict[str, Any] | None
) -> None:
    def odd(request: dict[str, Any]) -> Reply:
        body: dict[str, Any] = {
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": "acme-unknown-7b",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer_for(request)},
                    "finish_reason": "stop",
                }
            ],
        }
        if usage is not None:
            body["usage"] = usage
        return Reply(body=json.dumps(body))

    with StandIn(odd) as server:
        result = weekly(feed, server, tmp_path / "out", "--formats", "json")
        assert result.exit_code == 0, result.output
        # one call each, and the week in brief's: nothing retried
        assert len(server.requests) == ARTICLES + 1
    digest = json.loads((tmp_path / "out" / "digest.json").read_text("utf-8"))
    assert digest["meta"]["cost_usd"] is None


def test_a_check_that_raises_flags_the_claim_and_keeps_the_brief(
    feed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.grounding.checks as checks

    real = checks.extract_quantities

    def fragile(text: str, **options: Any) -> Any:
        if "Paragraph 1 gives" in text:  # as the 5,000-digit numeral once did
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, **options)

    monkeypatch.setattr(checks, "extract_quantities", fragile)
    with StandIn(lambda r: answer_for(r)) as server:
        result = weekly(feed, server, tmp_path / "out", "--formats", "json,md")
        assert "Traceback" not in result.output
        assert result.exit_code == 0, result.output
        digest = json.loads((tmp_path / "out" / "digest.json").read_text("utf-8"))
        assert len(digest["briefs"]) == ARTICLES
        kinds = [f["kind"] for b in digest["briefs"] for f in b["findings"]]
        assert kinds.count("check-failed") == ARTICLES
        asked = len(server.requests)
        monkeypatch.setattr(checks, "extract_quantities", real)  # the bug fixed
        again = weekly(feed, server, tmp_path / "again", "--formats", "json")
        assert again.exit_code == 0, again.output
        assert len(server.requests) == asked, "the rerun paid again"
    digest = json.loads((tmp_path / "again" / "digest.json").read_text("utf-8"))
    assert not [f for b in digest["briefs"] for f in b["findings"]]


def test_a_bug_after_the_answer_costs_one_article_not_the_run(
    feed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.brief.summarize as summarize

    real = summarize.brief_from_answer
    victim: dict[str, str] = {}

    def broken(article: Any, answer: Any, meta: Any) -> Any:
        victim.setdefault("id", article.id)
        if article.id == victim["id"]:
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return real(article, answer, meta)

    monkeypatch.setattr(summarize, "brief_from_answer", broken)
    with StandIn(lambda r: answer_for(r)) as server:
        result = weekly(feed, server, tmp_path / "out", "--formats", "json")
        assert "Traceback" not in result.output
        assert result.exit_code == 1, result.output  # one input failed, listed
        digest = json.loads((tmp_path / "out" / "digest.json").read_text("utf-8"))
        assert len(digest["briefs"]) == ARTICLES - 1
        [failure] = digest["failures"]
        assert "kept in the response cache" in failure["error"]
        asked = len(server.requests)
        # the failed article's answer was paid for once (and the week in brief's)
        assert asked == ARTICLES + 1
        monkeypatch.setattr(summarize, "brief_from_answer", real)
        again = weekly(feed, server, tmp_path / "again", "--formats", "json")
        assert again.exit_code == 0, again.output
        # The kept answer is not bought again; the week in brief is, as it now has one
        # more story to cover.
        assert len(server.requests) == asked + 1, "the rerun paid again for the kept answer"
        assert "<<<STORIES" in str(server.requests[-1].body["messages"])


def test_an_unexpected_error_is_not_exit_1(
    feed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.digest.prepare as prepare

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(prepare, "prepare", broken)
    result = CliRunner().invoke(app, ["weekly", str(feed), "--dry-run", "-o", "-"])
    assert result.exit_code == 70, result.output
    assert "a bug" in result.output
    assert "BRIEFING_TRACEBACK=1" in result.output


def quoting_answer(request: dict[str, Any]) -> Reply:
    """A brief that quotes the start of each paragraph the request shows (a part, or the
    partial briefs of a reduce), the English naming the paragraph: real text from the
    article, so the checks run on real sentences; the English states no number, so claims
    whose Chinese has one are flagged and re-asked."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    if "<<<BRIEFS" in user:  # the reduce: the parts' claims with their cites
        found = [
            (text, int(n))
            for text, n in re.findall(r"^- .*? / (.*?) \[(\d+)\]", user, re.MULTILINE)
        ]
    else:
        found = [(text, int(n)) for n, text in re.findall(r"^\[(\d+)\] (.+)$", user, re.MULTILINE)]
    claims = [
        {"en": f"Paragraph {n} of the article.", "zh": text[:40], "cites": [n]}
        for text, n in found[:8]
    ]
    half = max(1, len(claims) // 2)
    answer = {
        "title": {"en": "A long article", "zh": "长文"},
        "core_viewpoint": claims[0],
        "groups": [
            {"title": {"en": "First", "zh": "其一"}, "claims": claims[:half][:6]},
            {"title": {"en": "Then", "zh": "其二"}, "claims": (claims[half:] or claims[:1])[:6]},
        ],
    }
    return Reply(content=pretty(json.dumps(answer, ensure_ascii=False)))


def test_a_long_article_rerun_makes_no_call_parts_and_re_asks_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import ROOT

    monkeypatch.setenv("DEEPSEEK_API_KEY", KEY)
    paragraphs: list[str] = []
    for path in sorted((ROOT / "tests" / "data" / "articles").glob("*.json"))[:8]:
        data = json.loads(path.read_text("utf-8"))
        paragraphs += [p for p in data["text"].split("\n") if p.strip()]
    source = tmp_path / "long.txt"
    source.write_text("一篇很长的文章\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")

    def run(server: StandIn) -> Any:
        # A model no table knows is assumed to read 8k tokens: the article goes in parts.
        return CliRunner().invoke(
            app,
            [
                "summarize",
                str(source),
                "--provider",
                "deepseek",
                "--model",
                "acme-unknown-7b",
                "--base-url",
                server.base_url,
                "--format",
                "json",
            ],
        )

    with StandIn(quoting_answer) as server:
        first = run(server)
        assert first.exit_code == 0, first.output
        asked = len(server.requests)
        reduces = sum("<<<BRIEFS" in r.body["messages"][-1]["content"] for r in server.requests)
        reasks = sum(
            any(m["role"] == "assistant" for m in r.body["messages"]) for r in server.requests
        )
        assert asked > 4 and reasks and reduces, (asked, reasks, reduces)
        again = run(server)
        assert again.exit_code == 0, again.output
        assert len(server.requests) == asked, "the rerun asked again"
    assert json.loads(again.stdout)["groups"] == json.loads(first.stdout)["groups"]
