"""Feeds and a memory: RSS/Atom feeds served over HTTP become a digest; `--since last` pays
nothing the second time; two runs at once are refused.

The feeds are served by a real local HTTP server whose items link to the real pages of
../shared/data/html; the model is the stand-in server (tests/support/llm_server.py), reached
by the installed `briefing` command in a subprocess, as a user (or cron) runs it. Its answers
are built from each request by `echo_answer` below: valid, deterministic, no claim of
quality (they only quote the article's first paragraph).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import local_server
from support.llm_server import StandIn, answer, error

from briefing.errors import EXIT_LOCKED
from briefing.ingest.collect import collect
from briefing.ingest.feeds import FEED_SUMMARY, is_feed, parse_feed, read_sources_file
from briefing.models import Digest
from briefing.state import cache_folder, load_state, run_lock

HTML = Path(__file__).parent / "data" / "html"
BRIEFING = str(Path(sys.executable).parent / "briefing")
# The feed's summary of the item whose page is gone: html/04.html's headline and first sentence.
HEADLINE = "王文：中美贸易“持久战”，中国人的斗志被激发"
OPENING = (
    "“中美贸易战正在变成一场持久战，但我们已有准备。”"
    "在东莞洪梅镇，海新科技董事长杨敬辉当面告诉笔者。"
)
GONE_SUMMARY = f"<p>{HEADLINE}</p><p>{OPENING}</p>"


def _rss(base: str) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><link>{base}/pages/{n}.html</link>"
        f"<pubDate>Sat, 07 Sep 2019 08:00:00 GMT</pubDate>"
        f"<description>short summary {n}</description></item>"
        for n in ("01", "02")
    )
    gone = (
        f"<item><title>王文：中美贸易持久战</title><link>{base}/pages/gone.html</link>"
        f"<pubDate>Sat, 07 Sep 2019 09:25:09 GMT</pubDate>"
        f"<description><![CDATA[{GONE_SUMMARY}]]></description></item>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Test RSS</title><link>{base}/</link><description>d</description>"
        f"{items}{gone}</channel></rss>"
    )


def _atom(base: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Test Atom</title><id>urn:test</id><updated>2019-09-07T00:00:00Z</updated>"
        f'<entry><title>Chips</title><link href="{base}/pages/06.html"/><id>urn:06</id>'
        "<updated>2019-09-07T04:04:00Z</updated><summary>chips</summary></entry>"
        "</feed>"
    )


class _Site(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        _Site.hits.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        page = re.fullmatch(r"/pages/(\d\d)\.html", self.path)
        if self.path == "/rss.xml":
            self._send(200, "application/rss+xml", _rss(base).encode())
        elif self.path == "/atom.xml":
            self._send(200, "application/atom+xml", _atom(base).encode())
        elif self.path == "/broken.xml":
            self._send(200, "application/rss+xml", b"<html><body>Moved</body></html>")
        elif self.path == "/cut.xml":  # cut short: the item there is read, it has no link
            self._send(200, "application/rss+xml", b"<rss><channel><item><title>x")
        elif page and (HTML / f"{page[1]}.html").is_file():
            self._send(200, "text/html; charset=utf-8", (HTML / f"{page[1]}.html").read_bytes())
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    _Site.hits = []
    with local_server(_Site) as base:
        yield base


def echo_answer(request: dict[str, Any]) -> Any:
    """A valid answer built from the request: the first paragraph quoted, cited [1]; a
    re-ask (the findings as a last message) gets the same answer again."""
    text = request["messages"][1]["content"]
    if "<<<BRIEFS" in text:
        first = re.findall(r"^## Article ([0-9a-f]{12})", text, re.M)
        cite = [{"article": first[0], "paragraphs": [1]}]
        claim = {"en": "The articles report the same story.", "zh": "文章报道同一事件。"}
        story = {"title": {"en": "A story", "zh": "一个事件"}, "summary": claim | {"cites": cite}}
        return answer(json.dumps(story | {"claims": [claim | {"cites": cite}]}))
    match = re.search(r"^\[1\] (.+)$", text, re.M)
    if match is None:
        return error(404, "stand-in: not a brief request")
    quote = match[1][:80]
    claim = {"en": "The article opens with this report.", "zh": quote, "cites": [1]}
    group = {"title": {"en": "Report", "zh": "报道"}, "claims": [claim]}
    brief = {"title": {"en": "A report", "zh": quote[:20]}, "core_viewpoint": claim}
    return answer(json.dumps(brief | {"groups": [group, group]}, ensure_ascii=False))


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user or cron runs it (the test's isolated dirs and key)."""
    env = {**os.environ, "OPENAI_API_KEY": "sk-test"}
    return subprocess.run(
        [BRIEFING, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_a_page_is_not_a_feed_and_a_feed_is(site: str) -> None:
    assert is_feed(_rss(site).encode()) and is_feed(_atom(site).encode())
    assert is_feed(b"\xef\xbb\xbf<!-- c -->\n<rss version='2.0'>", "text/xml")
    for page in sorted(HTML.glob("*.html")):
        assert not is_feed(page.read_bytes(), "text/html"), page
    feed = parse_feed(_rss(site).encode(), "rss")
    assert feed.title == "Test RSS"
    assert [e.link for e in feed.entries][:1] == [f"{site}/pages/01.html"]
    assert feed.entries[0].published == "2019-09-07T08:00:00"


def test_a_bad_feed_is_a_listed_failure(site: str, tmp_path: Path) -> None:
    (tmp_path / "empty.rss").write_text("<rss><channel></channel></rss>", "utf-8")
    feeds = [f"{site}/broken.xml", str(tmp_path / "empty.rss"), f"{site}/cut.xml"]
    items = collect([*feeds, f"{site}/atom.xml"])
    failed = {i.input: i.error for i in items if i.error}
    assert "not a readable RSS or Atom feed" in failed[f"{site}/broken.xml"]
    assert "has no items" in failed[str(tmp_path / "empty.rss")]
    assert failed[f"{site}/cut.xml item 1"] == (
        "the item has no http(s) link, and the feed gives no summary to fall back on"
    )
    assert len(failed) == 3
    read = [i for i in items if i.article]
    assert [i.input for i in read] == [f"{site}/pages/06.html"]  # the Atom feed's page
    assert read[0].article is not None and read[0].article.title.startswith("最强“中国芯”")
    assert read[0].warning is None


def test_an_item_without_a_link_is_named_after_its_feed(site: str, tmp_path: Path) -> None:
    # After an item with a link, a linkless one was named after that link ("…/01.html item 2").
    feed = tmp_path / "mixed.rss"
    feed.write_text(
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>a</title><link>{site}/pages/01.html</link></item>"
        "<item><title>b</title><description>only a summary</description></item>"
        "</channel></rss>",
        "utf-8",
    )
    inputs = [i.input for i in collect([str(feed)])]
    assert inputs == [f"{site}/pages/01.html", f"{feed} item 2"]


def test_the_page_is_read_and_the_summary_only_when_it_fails(site: str) -> None:
    items = collect([f"{site}/rss.xml"])
    by_input = {i.input: i for i in items}
    page = by_input[f"{site}/pages/01.html"].article
    assert page is not None and len(page.paragraphs) > 20  # the page, not its one-line summary
    assert page.title.startswith("多地项目连环爆雷")
    gone = by_input[f"{site}/pages/gone.html"]
    assert gone.article is not None and gone.article.source == f"Test RSS ({FEED_SUMMARY})"
    assert gone.article.paragraphs == [HEADLINE, OPENING]
    assert gone.warning is not None and "HTTP 404" in gone.warning
    assert gone.article.published == "2019-09-07T09:25:09"


def test_a_sources_file_lists_feeds_pages_and_paths(tmp_path: Path) -> None:
    listing = tmp_path / "sources.txt"
    listing.write_text(
        "# my sources\n\nhttps://example.org/feed.xml  # the ministry\n"
        "https://example.org/page.html#top\nweek/a.txt\n/abs/b.json\n",
        "utf-8",
    )
    assert read_sources_file(str(listing), max_bytes=10_000) == [
        "https://example.org/feed.xml",
        "https://example.org/page.html#top",
        str(tmp_path / "week" / "a.txt"),
        "/abs/b.json",
    ]
    (tmp_path / "none.txt").write_text("# nothing yet\n", "utf-8")
    result = briefing("weekly", "--sources", str(tmp_path / "none.txt"), "--dry-run")
    assert result.returncode == 2 and "lists no source" in result.stderr
    assert "Traceback" not in result.stderr


def test_feeds_become_a_digest_and_the_second_run_pays_nothing(site: str, tmp_path: Path) -> None:
    sources = tmp_path / "sources.txt"
    sources.write_text(f"# the RSS feed only, this week\n{site}/rss.xml\n", "utf-8")
    out = tmp_path / "out"
    args = ["weekly", "--sources", str(sources), "--since", "last", "-o", str(out)]
    with StandIn(echo_answer) as server:  # one server: the cache knows answers by endpoint
        first = briefing(*args, "--formats", "md,json", "--base-url", server.base_url)
        paid = len(server.requests)
        assert first.returncode == 0, first.stderr
        assert paid >= 3, first.stderr  # three articles briefed (and any re-asks)
        digest = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
        markdown = (out / "brief.md").read_text("utf-8")

        # Next week the Atom feed is added: only its item is new.
        sources.write_text(f"{site}/rss.xml\n{site}/atom.xml  # chips\n", "utf-8")
        _Site.hits = []
        second = briefing(*args, "--formats", "json", "--base-url", server.base_url)
        assert second.returncode == 0, second.stderr
        new = server.requests[paid:]
        paid = len(server.requests)
        again = _Site.hits
        later = Digest.model_validate_json((out / "digest.json").read_text("utf-8"))
        written = (out / "digest.json").stat().st_mtime_ns

        # The same command again: nothing new, nothing asked, nothing written.
        _Site.hits = []
        third = briefing(*args, "--formats", "json", "--base-url", server.base_url)
        assert len(server.requests) == paid
    assert third.returncode == 0, third.stderr
    assert "Nothing new to brief: 4 already briefed" in third.stderr
    assert sorted(_Site.hits) == ["/atom.xml", "/rss.xml"]  # the feeds, no page again
    assert (out / "digest.json").stat().st_mtime_ns == written  # the last digest stays

    urls = sorted(b.article.url or "" for b in digest.briefs)
    assert len(urls) == 3 and f"{site}/pages/gone.html" in urls
    marked = [b for b in digest.briefs if b.article.source and FEED_SUMMARY in b.article.source]
    assert [b.article.url for b in marked] == [f"{site}/pages/gone.html"]
    assert any("gone.html" in w and "feed's summary" in w for w in digest.meta.warnings)
    assert "Warning:" in first.stderr and "gone.html" in first.stderr
    assert FEED_SUMMARY in markdown

    assert [b.article.title[:7] for b in later.briefs] == ["最强“中国芯”"]  # html/06.html
    assert new and all("最强“中国芯”" in r.body["messages"][1]["content"] for r in new)
    assert sorted(again) == ["/atom.xml", "/pages/06.html", "/rss.xml"]
    state = load_state(cache_folder())
    assert len(state.briefed) == 4 and state.last_run is not None
    assert state.fetched[f"{site}/pages/06.html"] == later.briefs[0].article.id


def test_a_second_run_while_one_runs_is_refused(site: str, tmp_path: Path) -> None:
    folder = cache_folder()
    with run_lock(folder):
        result = briefing("weekly", f"{site}/atom.xml", "-o", str(tmp_path / "out"))
    assert result.returncode == EXIT_LOCKED == 73
    assert "Another `briefing weekly` run is going on" in result.stderr
    assert f"pid {os.getpid()}" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
    assert _Site.hits == []  # refused before reading anything
    # Released: the dry run never takes it, a run after the first takes it again.
    with run_lock(folder):
        pass


def test_a_broken_state_file_is_a_clear_error(site: str, tmp_path: Path) -> None:
    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "state.json").write_text('{"format": "something else"}', "utf-8")
    result = briefing("weekly", f"{site}/atom.xml", "--since", "last", "--dry-run")
    assert result.returncode == 2
    assert "cannot be read: not a briefing.state/1 file" in result.stderr
    assert "Delete" in result.stderr and "Traceback" not in result.stderr
