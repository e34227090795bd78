"""The weekly run: inputs accounted for, failures isolated, answers cached, outputs written.

The model is a local stand-in server answering with the authored answers of the examples,
reached through the real openai client.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES
from support.llm_server import StandIn, answer_book, error
from typer.testing import CliRunner

from briefing.cli import app
from briefing.digest.period import Window, parse_window
from briefing.digest.prepare import prepare
from briefing.errors import InputError
from briefing.ingest import read_source
from briefing.models import Digest, Plan

SHOIGU = EXAMPLES / "shoigu-rare-earths.txt"
REGULATION = EXAMPLES / "rare-earth-regulation.json"


def _book(*paths: Path) -> dict[str, str]:
    book = {}
    for path in paths:
        for article in read_source(str(path)):
            answer = (EXAMPLES / "answers" / f"{article.id}.json").read_text("utf-8")
            book[f"[1] {article.paragraphs[0]}"] = answer
    return book


@pytest.fixture
def week(tmp_path: Path) -> Path:
    """Two good articles, a copy of one under another name, a binary file, a feed."""
    folder = tmp_path / "week"
    folder.mkdir()
    shutil.copy(SHOIGU, folder / "a.txt")
    shutil.copy(REGULATION, folder / "b.json")
    text = SHOIGU.read_text("utf-8").replace("2025-10-25 12:49", "2025-10-26 03:24")
    (folder / "a-repost.txt").write_text(text, "utf-8")
    (folder / "broken.html").write_bytes(bytes(range(256)) * 4)
    feed = [
        json.dumps({"title": "旧闻", "published": "2020-01-01", "text": "二〇二〇年的旧闻。"}),
        "{not json",
    ]
    (folder / "feed.jsonl").write_text("\n".join(feed) + "\n", "utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def _accounted(plan_or_digest: dict) -> list[str]:
    """Every input named once: kept, dropped copy, failure (skipped ones are only counted)."""
    kept = [a["input"] for a in plan_or_digest.get("articles", [])]
    copies = [c["input"] for d in plan_or_digest["duplicates"] for c in d["copies"]]
    failed = [f["input"] for f in plan_or_digest["failures"]]
    return kept + copies + failed


def test_dry_run_plans_without_a_model_or_a_key(week: Path) -> None:
    result = run("weekly", str(week), "--since", "2024-01-01", "--dry-run", "-o", "-")
    assert result.exit_code == 0, result.output
    plan = Plan.model_validate_json(result.stdout)
    assert plan.period.start == "2024-01-01" and plan.period.end == "2025-10-25"
    assert [a.input for a in plan.articles] == [str(week / "a.txt"), str(week / "b.json")]
    assert all(a.tokens > 500 for a in plan.articles)
    assert plan.duplicates[0].copies[0].input == str(week / "a-repost.txt")
    assert plan.skipped.outside_period == 1  # the 2020 item of the feed
    failed = {f.input: f.error for f in plan.failures}
    assert set(failed) == {str(week / "broken.html"), f"{week / 'feed.jsonl'}:2"}
    assert sorted(_accounted(json.loads(result.stdout))) == sorted(
        [str(week / n) for n in ("a.txt", "b.json", "a-repost.txt", "broken.html")]
        + [f"{week / 'feed.jsonl'}:2"]
    )
    assert sorted(sum(plan.stories, [])) == sorted(a.id for a in plan.articles)
    assert "No model was called" in result.stderr


def test_full_run_writes_every_format_and_survives_a_failed_call(
    week: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    out = tmp_path / "out"
    book = _book(SHOIGU)  # no answer for the regulation: its calls fail with 404
    with StandIn(answer_book(book)) as server:
        result = run(
            "weekly",
            str(week),
            "--since",
            "2024-01-01",
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--lang",
            "both",
        )
        first_calls = len(server.requests)
    assert result.exit_code == 1, result.output  # failures are reported in the exit code
    assert sorted(p.name for p in out.iterdir()) == [
        "brief.html",
        "brief.md",
        "brief.pdf",
        "digest.json",
    ]
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    assert [b.article.id for b in digest.briefs] == ["781dc613f876"]
    failed = {f.input for f in digest.failures}
    assert str(week / "b.json") in failed and str(week / "broken.html") in failed
    assert digest.meta.usage.prompt_tokens > 0
    markdown = (out / "brief.md").read_text("utf-8")
    assert "700 billion rubles" in markdown and "7000亿卢布" in markdown
    assert "Also reported by: Sou Hu Cai Jing 2025-10-26 03:24" in markdown
    assert "b.json" in markdown and "broken.html" in markdown  # the failures footer
    assert "Failed:" in result.stderr

    # The rerun asks only for what failed: the answer already received comes from the cache;
    # with two stories now, the week in brief is asked too (two points of the bundled week's;
    # the first cites an article of the bundled week that is not in this one).
    book.update(_book(REGULATION))
    points = json.loads((EXAMPLES / "answers" / "week.json").read_text("utf-8"))["points"]
    book["<<<STORIES\n"] = json.dumps({"points": [points[2], points[6]]}, ensure_ascii=False)
    with StandIn(answer_book(book)) as server:
        result = run(
            "weekly",
            str(week),
            "--since",
            "2024-01-01",
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--formats",
            "json",
        )
        asked = [r.body["messages"][-1]["content"] for r in server.requests]
    assert first_calls >= 2
    assert len(asked) == 2 and "稀土管理条例" in asked[0] and "<<<STORIES" in asked[1]
    digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
    assert len(digest.briefs) == 2 and digest.meta.cached_calls == 1
    assert len(digest.week) == 2 and {f.where for f in digest.week_findings} == {"week[0]"}
    assert "b55ae467ecf3, which is not in this digest" in digest.week_findings[0].detail

    # Nothing changed: a third run makes no model call at all.
    with StandIn(answer_book(book)) as server:
        result = run(
            "weekly",
            str(week),
            "--since",
            "2024-01-01",
            "--base-url",
            server.base_url,
            "-o",
            str(out),
            "--formats",
            "json",
        )
        assert server.requests == []
    assert result.exit_code == 1  # the unreadable files are still listed
    assert "3 answers from the cache" in result.stderr


def test_a_story_synthesis_failure_keeps_the_briefs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.digest.run import build_digest
    from briefing.llm.stack import build_stack
    from briefing.settings import resolve_settings

    prepared = prepare([str(SHOIGU), str(REGULATION)], Window())
    prepared = prepared.model_copy(update={"stories": [[a.id for a in prepared.articles]]})
    book = _book(SHOIGU, REGULATION)
    with StandIn(answer_book(book)) as server:  # the story request matches no answer: 404
        settings = resolve_settings(base_url=server.base_url, api_key="k")
        llm = build_stack(settings, cache=False, rate_limited=False, sleep=lambda s: None).llm
        digest = build_digest(prepared, llm, settings)
    assert len(digest.briefs) == 2 and digest.failures == []
    assert [s.articles for s in digest.stories] == [[b.article.id] for b in digest.briefs]
    assert "No synthesis for the story" in digest.meta.warnings[0]


def test_bad_options_are_input_errors(week: Path) -> None:
    assert run("weekly", str(week), "--since", "last monday").exit_code == 2
    assert run("weekly", str(week), "--week", "2025-W60").exit_code == 2
    result = run("weekly", str(week), "--formats", "md,docx", "--dry-run")
    assert result.exit_code == 2 and "docx" in result.stderr
    result = run("weekly", str(week), "--since", "2030-01-01", "--dry-run")
    assert result.exit_code == 2 and "No article to brief" in result.stderr


def test_iso_week_window() -> None:
    window = parse_window(None, None, "2025-W43")
    assert (str(window.since), str(window.until)) == ("2025-10-20", "2025-10-26")
    assert window.holds("2025-10-25T12:49:00") and not window.holds("2025-10-27")
    assert window.holds(None)  # an undated article is never silently skipped
    with pytest.raises(InputError):
        parse_window("2025-10-27", "2025-10-20", None)


def test_globs_and_missing_inputs(week: Path) -> None:
    prepared = prepare([str(week / "*.txt"), str(week / "nothing-*.html")], Window())
    assert [a.id for a in prepared.articles] == ["781dc613f876"]
    assert [(f.input, f.error) for f in prepared.failures] == [
        (str(week / "nothing-*.html"), "matches no file")
    ]


def test_an_error_from_the_server_is_a_failure_not_a_crash(
    week: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.digest.run import build_digest
    from briefing.llm.stack import build_stack
    from briefing.settings import resolve_settings

    prepared = prepare([str(week)], Window(since=parse_window("2024-01-01", None, None).since))
    with StandIn(lambda request: error(500, "boom", type="server_error")) as server:
        settings = resolve_settings(base_url=server.base_url, api_key="k")
        llm = build_stack(settings, cache=False, rate_limited=False, sleep=lambda s: None).llm
        digest = build_digest(prepared, llm, settings)
    assert digest.briefs == []
    assert {f.input for f in digest.failures} >= {str(week / "a.txt"), str(week / "b.json")}
    assert all("500" in f.error for f in digest.failures if f.input.endswith(("a.txt", "b.json")))
