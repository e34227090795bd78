"""A local OpenAI-compatible stand-in server for tests, benchmarks and authoring cassettes.

`POST /v1/chat/completions` is answered by a responder: a callable that gets the request
JSON and returns a `Reply` (or a plain string, taken as the answer's content).

    with StandIn(queue(error(429, "slow down", headers={"Retry-After": "2"}), '{"a": 1}')) as s:
        client = OpenAI(base_url=s.base_url, api_key="x")
"""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class SeenRequest:
    """A request the stand-in received (header names lower-cased)."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


Responder = Callable[[dict[str, Any]], Reply | str]


def answer(
    content: str | None, *, finish_reason: str = "stop", refusal: str | None = None,
    delay: float = 0.0,
) -> Reply:
    """A normal chat completion carrying `content`."""
    return Reply(content=content, finish_reason=finish_reason, refusal=refusal, delay=delay)


def error(
    status: int, message: str, *, code: str | None = None, type: str = "invalid_request_error",
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
    usage = {"prompt_tokens": max(1, prompt_chars // 4),
             "completion_tokens": max(1, len(content) // 4)}
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    message = {"role": "assistant", "content": reply.content, "refusal": reply.refusal}
    return json.dumps({
        "id": "chatcmpl-standin", "object": "chat.completion", "created": CREATED,
        "model": request.get("model", "standin"),
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason,
                     "logprobs": None}],
        "usage": usage,
    }, ensure_ascii=False)


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
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            body = {}
        with owner.lock:
            headers = {k.lower(): v for k, v in self.headers.items()}
            owner.requests.append(SeenRequest(self.path, headers, body))
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(error(404, f"stand-in: no route {self.path}"), body)
            return
        reply = owner.responder(body)
        self._send(answer(reply) if isinstance(reply, str) else reply, body)

    def _send(self, reply: Reply, request: dict[str, Any]) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        text = reply.body if reply.body is not None else completion_json(request, reply)
        data = text.encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class StandIn:
    """The server, running in a background thread while the context is open."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
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
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
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
