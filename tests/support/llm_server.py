"""A local OpenAI-compatible stand-in server for tests, benchmarks and authoring cassettes.

`POST /v1/chat/completions` is answered by a responder: a callable that gets the request
JSON and returns a `Reply` (or a plain string, taken as the answer's content). Other routes
(the Files and Batches endpoints of `support.batch_server`) plug in as `routes`.

    with StandIn(queue(error(429, "slow down", headers={"Retry-After": "2"}), '{"a": 1}')) as s:
        client = OpenAI(base_url=s.base_url, api_key="x")
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

# Fixed so that recorded cassettes do not change from one run to the next.
CREATED = 1_700_000_000


@dataclass(frozen=True)
class Reply:
    """One answer: chat `content` wrapped in a chat.completion, or a raw `body`."""

    content: str | None = None
    finish_reason: str = "stop"
    refusal: str | None = None
    status: int = 200
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Transport faults: close the connection without answering (`reset`), or after sending
    # the headers and only the first `cut` bytes of a body announced at full length.
    reset: bool = False
    cut: int | None = None


@dataclass(frozen=True)
class SeenRequest:
    """A request the stand-in received (header names lower-cased)."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    method: str = "POST"


Responder = Callable[[dict[str, Any]], Reply | str]
# (method, path with query, headers lower-cased, raw body) -> a reply, or None: not this route.
Route = Callable[[str, str, dict[str, str], bytes], Reply | None]


def answer(
    content: str | None,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    delay: float = 0.0,
) -> Reply:
    """A normal chat completion carrying `content`."""
    return Reply(content=content, finish_reason=finish_reason, refusal=refusal, delay=delay)


def error(
    status: int,
    message: str,
    *,
    code: str | None = None,
    type: str = "invalid_request_error",
    headers: dict[str, str] | None = None,
) -> Reply:
    """An error response shaped like OpenAI's: {"error": {"message", "type", "code"}}."""
    body = json.dumps({"error": {"message": message, "type": type, "param": None, "code": code}})
    return Reply(status=status, body=body, headers=headers or {})


def raw(status: int, body: str, headers: dict[str, str] | None = None) -> Reply:
    """A response sent exactly as given."""
    return Reply(status=status, body=body, headers=headers or {})


def queue(*replies: Reply | str) -> Responder:
    """A responder that answers with `replies` in order, then with HTTP 500."""
    pending = list(replies)
    lock = threading.Lock()

    def respond(request: dict[str, Any]) -> Reply | str:
        with lock:
            if pending:
                return pending.pop(0)
        return error(500, "stand-in: no reply queued", type="server_error")

    return respond


def completion_json(request: dict[str, Any], reply: Reply) -> str:
    """The chat.completion body for `reply`, with usage estimated at ~4 characters a token."""
    prompt_chars = sum(len(str(m.get("content", ""))) for m in request.get("messages", []))
    content = reply.content or ""
    usage = {
        "prompt_tokens": max(1, prompt_chars // 4),
        "completion_tokens": max(1, len(content) // 4),
    }
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
    return json.dumps(
        {
            "id": "chatcmpl-standin",
            "object": "chat.completion",
            "created": CREATED,
            "model": request.get("model", "standin"),
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": usage,
        },
        ensure_ascii=False,
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a delayed reply must not hold up shutdown

    def __init__(self, owner: StandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client gave up (a timeout test): writing the late reply fails. Not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        owner = self.server.owner
        length = int(self.headers.get("Content-Length", 0))
        data = self.rfile.read(length)
        try:
            body = json.loads(data or b"{}")
        except ValueError:  # not JSON (a multipart upload), or not UTF-8
            body = {}
        headers = {k.lower(): v for k, v in self.headers.items()}
        with owner.lock:
            owner.requests.append(SeenRequest(self.path, headers, body))
        if owner.routes is not None:
            routed = owner.routes("POST", self.path, headers, data)
            if routed is not None:
                self._send(routed, body)
                return
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(error(404, f"stand-in: no route {self.path}"), body)
            return
        reply = owner.responder(body)
        self._send(answer(reply) if isinstance(reply, str) else reply, body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        owner = self.server.owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        with owner.lock:
            owner.requests.append(SeenRequest(self.path, headers, {}, method="GET"))
        routed = owner.routes("GET", self.path, headers, b"") if owner.routes else None
        self._send(routed or error(404, f"stand-in: no route GET {self.path}"), {})

    def _send(self, reply: Reply, request: dict[str, Any]) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset:
            self._abort()
            return
        text = reply.body if reply.body is not None else completion_json(request, reply)
        data = text.encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.cut is None:
            self.wfile.write(data)
            return
        self.wfile.write(data[: reply.cut])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)  # a polite close, the body still short

    def _abort(self) -> None:
        """Drop the connection at once: an RST rather than a polite close."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class StandIn:
    """The server, running in a background thread while the context is open."""

    def __init__(self, responder: Responder, *, routes: Route | None = None) -> None:
        self.responder = responder
        self.routes = routes
        self.requests: list[SeenRequest] = []
        self.lock = threading.Lock()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, `http://127.0.0.1:PORT/v1`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def answer_book(book: dict[str, str]) -> Responder:
    """A responder that answers with `book[marker]` for the first marker found in the request.

    Used to serve authored answers: the marker is a text only that article's (or story's)
    request carries. A request no marker matches gets HTTP 404.
    """

    def respond(request: dict[str, Any]) -> Reply:
        text = "\n".join(str(m.get("content", "")) for m in request.get("messages", []))
        for marker, content in book.items():
            if marker in text:
                return answer(content)
        return error(404, "stand-in: no answer in the book for this request")

    return respond


class Throttled:
    """A responder that behaves like a provider under load, for tests and benchmarks.

    Each answer takes `latency` seconds. Beyond `rpm` requests or `tpm` tokens a minute it
    answers HTTP 429 at once with Retry-After (the limit is paced like a provider's: GCRA,
    with `burst` seconds of slack). The tokens a request costs are its usage, counted with
    `count` (default: the stand-in's estimate of about four characters a token). It keeps
    what it saw: requests answered and refused, tokens spent, most requests in flight at once.
    """

    def __init__(
        self,
        responder: Responder,
        *,
        latency: float = 0.0,
        rpm: int | None = None,
        tpm: int | None = None,
        burst: float = 1.0,
        count: Callable[[str], int] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.responder = responder
        self.latency, self.rpm, self.tpm, self.burst = latency, rpm, tpm, burst
        self.count = count
        self.clock = clock
        self.lock = threading.Lock()
        self.answered = 0
        self.refused = 0
        self.tokens = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._next_request = float("-inf")
        self._next_token = float("-inf")

    def __call__(self, request: dict[str, Any]) -> Reply:
        reply = self.responder(request)
        reply = answer(reply) if isinstance(reply, str) else reply
        if reply.status != 200 or reply.body is not None:
            return reply
        body = json.loads(completion_json(request, reply))
        if self.count is not None:
            prompt = sum(self.count(str(m.get("content", ""))) for m in request.get("messages", []))
            completion = self.count(reply.content or "")
            body["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
        tokens = int(body["usage"]["total_tokens"])
        with self.lock:
            now = self.clock()
            waits = {
                "requests": self._next_request - self.burst - now,
                "tokens": self._next_token - self.burst - now,
            }
            limit, wait = max(waits.items(), key=lambda item: item[1])
            if wait > 0:
                self.refused += 1
                return error(
                    429,
                    f"stand-in: rate limit reached for {limit} per minute",
                    type=limit,
                    code="rate_limit_exceeded",
                    headers={
                        "retry-after-ms": str(max(1, round(wait * 1000))),
                        "retry-after": str(max(1, round(wait + 0.5))),
                    },
                )
            if self.rpm:
                self._next_request = max(self._next_request, now) + 60 / self.rpm
            if self.tpm:
                self._next_token = max(self._next_token, now) + 60 * tokens / self.tpm
            self.answered += 1
            self.tokens += tokens
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
        finally:
            with self.lock:
                self.in_flight -= 1
        return raw(200, json.dumps(body, ensure_ascii=False))
