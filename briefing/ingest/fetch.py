"""Fetch a page over http(s) with a size limit, timeouts and redirects followed.

Two timeouts: `timeout` for each connect and read, and `deadline` for the whole fetch. The
first alone never stops a server that drips a byte at a time, each read within it; the
deadline does, even while the status line and headers drip, by shutting the connection
down from a timer (httpx has no total timeout of its own).
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import httpx

from briefing.errors import InputError
from briefing.ingest.size import too_big

USER_AGENT = "Mozilla/5.0 (compatible; briefing/0.1; +https://pypi.org/project/briefing/)"
_SAVE_PAGE = "or save the page from a browser as .html and give that file instead."
DEFAULT_DEADLINE = 60.0  # seconds for a whole fetch; an article page takes a second or two


@dataclass(frozen=True)
class Fetched:
    """A fetched response body and what is known about it."""

    data: bytes
    url: str
    content_type: str
    charset: str | None


def fetch_url(
    url: str, *, max_bytes: int, timeout: float, deadline: float = DEFAULT_DEADLINE
) -> Fetched:
    """The body of `url` (after redirects); InputError on failure, non-2xx, a read slower
    than `timeout`, a fetch longer than `deadline` seconds in all, or over `max_bytes`."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    size = 0
    with _Deadline(deadline) as clock:
        try:
            with (
                httpx.Client(follow_redirects=True, timeout=timeout, headers=headers) as client,
                client.stream("GET", url, extensions={"trace": clock.trace}) as response,
            ):
                if not response.is_success:
                    raise InputError(
                        f"Fetching {url} failed: HTTP {response.status_code} "
                        f"{response.reason_phrase}.",
                        f"Check the URL in a browser, {_SAVE_PAGE}",
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise too_big(url, max_bytes, int(declared))
                chunks: list[bytes] = []
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise too_big(url, max_bytes)
                    chunks.append(chunk)
                    clock.check()
                clock.check()  # a body without a length ends at a shut connection, too
                content_type = response.headers.get("content-type", "")
                return Fetched(
                    data=b"".join(chunks),
                    url=str(response.url),
                    content_type=content_type.split(";")[0].strip().lower(),
                    charset=response.charset_encoding,
                )
        except (httpx.HTTPError, httpx.InvalidURL, _Expired) as err:
            if clock.expired:  # whatever the cut connection raised
                raise InputError(
                    f"Fetching {url} took longer than {deadline:g} seconds in all, so it was "
                    f"stopped ({size:,} bytes of the page received): the server is sending "
                    "too slowly.",
                    f"Retry later, {_SAVE_PAGE}",
                ) from None
            if isinstance(err, httpx.TimeoutException):
                raise InputError(
                    f"Fetching {url} timed out after {timeout:g} seconds.",
                    f"Retry later, raise the timeout, {_SAVE_PAGE}",
                ) from None
            raise InputError(
                f"Fetching {url} failed: {err or type(err).__name__}.",
                f"Check the URL and the network connection, {_SAVE_PAGE}",
            ) from None


class _Expired(Exception):
    """The deadline passed between two reads."""


class _Deadline:
    """The deadline of one fetch: when it passes, every connection the fetch opened (one
    per redirect to another host) is shut down, which ends a read blocked on it at once.

    httpcore names each new connection to the `trace` request extension; a duplicate of its
    socket is kept, because TLS wraps (and detaches) the original.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace callback: keep each new connection's socket."""
        if event != "connection.connect_tcp.complete":
            return
        sock = info["return_value"].get_extra_info("socket")
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock.dup())
            if self.expired:
                self._shut(self._sockets[-1])

    def check(self) -> None:
        """_Expired if the deadline has passed (also when the timer has yet to run)."""
        if self.expired or time.monotonic() >= self._end:
            self.expired = True
            raise _Expired

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with suppress(OSError):  # already closed by the fetch
            sock.shutdown(socket.SHUT_RDWR)
