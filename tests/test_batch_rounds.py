"""`briefing weekly FOLDER --batch`, run the way a user runs it: every model call of the week
goes through the Batch API, in rounds (the briefs; then the story syntheses, built from the
briefs; then the week in brief, built from the stories), and none is asked live.

The real CLI runs in its own process against a local stand-in (tests/support/batch_server.py
for Files and Batches, tests/support/llm_server.py for live chat completions), which answers
with the authored answers of the weekly example (examples/answers/, written by hand, not by a
model). The test counts both kinds of request: live chat completions and batch lines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from support.batch_server import BatchService
from support.llm_server import StandIn, answer_book

from briefing.digest.period import Window
from briefing.digest.prepare import Prepared, prepare
from briefing.digest.run import build_digest
from briefing.llm.batch.state import BatchState
from briefing.llm.stack import build_stack
from briefing.models import Digest
from briefing.settings import resolve_settings

BRIEFING = str(Path(sys.executable).with_name("briefing"))
WEEKLY = EXAMPLES / "weekly"
KEY = "sk-test-batch-rounds-0123456789abcdef"
WEEK = "<<<STORIES\n"  # only the week in brief's request carries it
TIMEOUT = 120  # seconds for one run of the example week
PENDING = 75


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The bundled week without its web page, whose authored brief is wrong on purpose (see
    examples/PROVENANCE.md) and so gets a re-ask: that is a brief's second call, not batched."""
    week = tmp_path / "week"
    week.mkdir()
    for path in WEEKLY.iterdir():
        if path.suffix != ".html":
            shutil.copy(path, week / path.name)
    return week


@pytest.fixture
def prepared(folder: Path) -> Prepared:
    return prepare([str(folder)], Window())


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


def _answer(name: str) -> str:
    return json.dumps(
        json.loads((EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")), ensure_ascii=False
    )


def _book(prepared: Prepared) -> dict[str, str]:
    """First paragraph → the article's brief; first member → the story's synthesis."""
    book = {f"[1] {a.paragraphs[0]}": _answer(a.id) for a in prepared.articles}
    book |= {
        f"## Article {s[0]}\n": _answer(f"story-{s[0]}") for s in prepared.stories if len(s) > 1
    }
    book[WEEK] = _answer("week")
    return book


def _weekly(folder: Path, server: StandIn, out: Path, *extra: str) -> tuple[int, str]:
    """`briefing weekly FOLDER --batch` in its own process: its exit code and stderr."""
    args = [BRIEFING, "weekly", str(folder), "--base-url", server.base_url, "-o", str(out)]
    done = subprocess.run(
        [*args, "--formats", "json", *extra],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=os.environ.copy(),
    )
    return done.returncode, done.stderr


def _live(server: StandIn, since: int = 0) -> list[dict[str, Any]]:
    """The bodies of the live chat completions after request number `since`."""
    return [r.body for r in server.requests[since:] if r.path.endswith("/chat/completions")]


def _batch_lines(service: BatchService) -> list[dict[str, Any]]:
    """Every line of every uploaded batch file, in upload order."""
    return [
        json.loads(line)
        for purpose, content in service.files.values()
        if purpose == "batch"
        for line in content.decode("utf-8").splitlines()
    ]


def _name(body: dict[str, Any]) -> str:
    return str(body["response_format"]["json_schema"]["name"])


def _canonical(bodies: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(b, sort_keys=True, ensure_ascii=False) for b in bodies)


def test_every_call_of_the_week_goes_through_the_batch(
    folder: Path, prepared: Prepared, tmp_path: Path, key: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _book(prepared)
    stories = [s for s in prepared.stories if len(s) > 1]
    service = BatchService(answer_book(book))
    out = tmp_path / "out"
    with StandIn(answer_book(book), routes=service.route) as server:
        code, stderr = _weekly(folder, server, out, "--batch", "--batch-wait", "60")
        assert code == 0, stderr
        assert _live(server) == []  # not one call at the full price
        lines = _batch_lines(service)
        assert [_name(line["body"]) for line in lines] == (
            ["brief"] * len(prepared.articles) + ["story"] * len(stories) + ["week"]
        )
        assert len(lines) == 12 + 4 + 1
        # One batch a round: the stories need the briefs, the week needs the stories.
        assert service.created == ["batch_standin1", "batch_standin2", "batch_standin3"]
        digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
        assert len(digest.briefs) == 12 and digest.failures == []
        synthesised = [s for s in digest.stories if len(s.articles) > 1]
        assert len(synthesised) == len(stories) == 4
        week = json.loads(_answer("week"))["points"]
        assert [p.en for p in digest.week] == [p["en"] for p in week]
        assert digest.meta.usage.prompt_tokens > 0  # what the three batches cost is counted
        assert "no synthesis" not in stderr.lower() and "No week in brief" not in stderr

        # The same command again: everything from the cache, no request of either kind.
        before = len(server.requests)
        code, stderr = _weekly(folder, server, out, "--batch", "--batch-wait", "60")
        assert code == 0, stderr
        assert server.requests[before:] == []
        again = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
        assert again.week == digest.week and again.stories == digest.stories

        # Without --batch and without the cache: each line is the request a live run sends.
        before = len(server.requests)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))
        code, stderr = _weekly(folder, server, tmp_path / "live")
        assert code == 0, stderr
        live = _live(server, before)
    assert len(live) == len(lines)
    assert _canonical(live) == _canonical([line["body"] for line in lines])


def test_each_round_pending_exits_75_and_the_same_command_resumes_it(
    folder: Path, prepared: Prepared, tmp_path: Path, key: None
) -> None:
    book = _book(prepared)
    service = BatchService(answer_book(book), polls=2)  # each batch: done at its second poll
    out = tmp_path / "out"
    with StandIn(answer_book(book), routes=service.route) as server:
        for batch_id, done in (
            ("batch_standin1", "6/12"),
            ("batch_standin2", "2/4"),
            ("batch_standin3", "0/1"),
        ):
            code, stderr = _weekly(folder, server, out, "--batch")
            assert code == PENDING, stderr
            assert f"Batch {batch_id} in_progress, {done} done; run the same command again" in (
                stderr
            )
            assert "Error" not in stderr and not out.exists()
        code, stderr = _weekly(folder, server, out, "--batch")
        assert code == 0, stderr
        assert "Resuming batch batch_standin3" in stderr
        assert "Batch batch_standin3 completed: 1 answer stored" in stderr
        assert _live(server) == []
    assert service.created == ["batch_standin1", "batch_standin2", "batch_standin3"]
    states = [
        BatchState.model_validate_json(p.read_text("utf-8"))
        for p in (tmp_path / "cache" / "briefing" / "batches").glob("*.json")
    ]
    assert sorted(s.name for s in states) == ["brief", "story", "week"]
    assert all(s.closed for s in states)
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    assert len(digest.week) == len(json.loads(_answer("week"))["points"])


def test_an_article_briefed_in_parts_gets_no_batch_line(tmp_path: Path) -> None:
    # Its brief is asked in parts, then merged: a line for the whole article would be paid
    # for and never used. A model no table knows is assumed to read 8k tokens (README).
    articles = sorted((Path(__file__).parent / "data" / "articles").glob("*.json"))
    texts = [json.loads(p.read_text("utf-8")) for p in articles]
    long = tmp_path / "long.txt"
    long.write_text(
        "\n\n".join(["长文测试：稀土、关税与大宗商品", *(t["text"] for t in texts * 3)]), "utf-8"
    )
    short = tmp_path / "short.txt"
    shutil.copy(WEEKLY / "sohu-shoigu-rare-earths.txt", short)
    prepared = prepare([str(long), str(short)], Window())
    asked: list[str] = []
    with StandIn(answer_book({})) as server:  # every live call: HTTP 404, the brief fails
        settings = resolve_settings(base_url=server.base_url, api_key=KEY, model="no-such-model")
        llm = build_stack(settings, cache=False, rate_limited=False, sleep=lambda s: None).llm
        build_digest(
            prepared, llm, settings, prefill=lambda asks: asked.extend(a.label for a in asks)
        )
    [short_article] = [a for a in prepared.articles if prepared.inputs[a.id] == str(short)]
    assert len(prepared.articles) == 2
    assert asked == [f"article {short_article.id}"]
