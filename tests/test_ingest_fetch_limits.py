"""A URL whose server drips: one byte every half second, each within the per-read timeout.

Only a deadline for the whole fetch stops it; these servers are real (threaded
http.server on loopback) and each stops dripping after DRIP_FOR seconds, so a fetch without
a deadline ends too, late, and fails the test rather than hanging it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import local_server

from briefing.errors import InputError
from briefing.ingest import read_source
from briefing.ingest.fetch import DEFAULT_DEADLINE, fetch_url
from briefing.ingest.size import TooLargeError

DEADLINE = 1.5  # seconds, for the test; the default is DEFAULT_DEADLINE
DRIP_FOR = 8.0  # seconds a server drips before it gives up
PARAGRAPH = "条例明确稀土资源属于国家所有，任何组织和个人不得侵占或者破坏稀土资源。"
PAGE = f"<html><body><h1>稀土管理条例</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></body></html>"


class _Drip(BaseHTTPRequestHandler):
    """Writes `head` at once, then `drip` one byte every half second, flushed."""

    head = b""
    drip = b""

    def do_GET(self) -> None:
        end = time.monotonic() + DRIP_FOR
        try:
            self.wfile.write(self.head)
            self.wfile.flush()
            for byte in self.drip:
                if time.monotonic() > end:
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:  # the client hung up: what a deadline does
            pass
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _DripBody(_Drip):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
    drip = PAGE.encode() * 20


class _DripHeaders(_Drip):
    head = b"HTTP/1.1 200 OK\r\n"
    drip = b"X-Slow: " + b"a" * 200 + b"\r\n\r\n" + PAGE.encode()


class _Quick(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(params=[_DripBody, _DripHeaders], ids=["body", "headers"])
def drip_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with local_server(request.param) as base:
        yield f"{base}/slow.html"


def test_a_dripping_server_is_stopped_at_the_deadline(drip_url: str) -> None:
    start = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_source(drip_url, timeout=5.0, deadline=DEADLINE)  # each read well within 5 s
    elapsed = time.monotonic() - start
    assert elapsed < DEADLINE + 1.0, f"stopped after {elapsed:.1f} s, not at the deadline"
    error = caught.value
    assert error.message.startswith(f"Fetching {drip_url} took longer than 1.5 seconds")
    assert "too slowly" in error.message
    assert error.hint and "save the page from a browser" in error.hint


def test_the_per_read_timeout_still_applies() -> None:
    class _Silent(_Drip):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
        drip = b""

        def do_GET(self) -> None:
            super().do_GET()
            time.sleep(3)  # says nothing for longer than the read timeout

    with local_server(_Silent) as base:
        start = time.monotonic()
        with pytest.raises(InputError, match="timed out after 0.5 seconds"):
            fetch_url(f"{base}/", max_bytes=10_000, timeout=0.5, deadline=30)
        assert time.monotonic() - start < 2.5


def test_the_size_limit_still_applies_with_the_deadline() -> None:
    with local_server(_Quick) as base, pytest.raises(TooLargeError):
        fetch_url(f"{base}/", max_bytes=10, timeout=5, deadline=DEADLINE)


def test_a_quick_page_is_read_within_the_deadline() -> None:
    with local_server(_Quick) as base:
        [article] = read_source(f"{base}/a.html", deadline=DEADLINE)
    assert article.title == "稀土管理条例"


def test_the_default_deadline_is_a_bound_on_the_whole_fetch() -> None:
    assert 20 <= DEFAULT_DEADLINE <= 300
