"""A local Slack stand-in for tests: an incoming webhook and the Web API's chat.postMessage.

It answers the way Slack does, enforces Slack's message limits (briefing.slack.message_limits), and
records every request. A test can queue answers (a 429 with Retry-After, a dropped
connection) for given requests.

    with SlackStandIn(token="xoxb-test", channels={"C1": True}) as slack:
        WebhookClient(slack.webhook_url).send(text="hi")
        WebClient(token="xoxb-test", base_url=slack.api_url).chat_postMessage(channel="C1", ...)
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from briefing.slack.message_limits import violations

WEBHOOK_PATH = "/services/T0STANDIN/B0STANDIN/"
WEBHOOK_SECRET = "s3cr3tW3bh00kP4th000000"


@dataclass(frozen=True)
class Answer:
    """A queued answer: a status and body as given, or `drop` the connection unanswered."""

    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def rate_limited(retry_after: int, *, web_api: bool = False) -> Answer:
    """Slack's 429: `ratelimited` in JSON from the Web API, `rate_limited` from a webhook."""
    body = json.dumps({"ok": False, "error": "ratelimited"}) if web_api else "rate_limited"
    return Answer(429, body, {"Retry-After": str(retry_after)})


def api_error(code: str, status: int = 200) -> Answer:
    """A Web API error answer, `{"ok": false, "error": code}` (Slack uses HTTP 200)."""
    return Answer(status, json.dumps({"ok": False, "error": code}))


@dataclass(frozen=True)
class Request:
    """A request the stand-in received (header names lower-cased; body parsed JSON)."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A message the stand-in accepted, as a channel would show it."""

    channel: str | None
    ts: str | None
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: SlackStandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a dropped connection is on purpose


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        owner = self.server.owner
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {}
        with owner.lock:
            owner.requests.append(
                Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            queued = owner.queued.pop(len(owner.requests), None)
        if queued is not None and queued.drop:
            self.close_connection = True
            return  # no status line: the client sees the connection close
        if queued is not None:
            self._send(queued)
        elif self.path == "/api/chat.postMessage":
            self._send(owner.post_message(self.headers.get("Authorization", ""), body))
        else:
            self._send(owner.webhook(self.path, body))

    def _send(self, answer: Answer) -> None:
        data = answer.body.encode()
        self.send_response(answer.status)
        content_type = "application/json" if answer.body.startswith("{") else "text/plain"
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class SlackStandIn:
    """The stand-in, serving from a background thread while the context is open.

    `channels` maps channel IDs to whether the bot is a member (False: `not_in_channel`).
    """

    def __init__(
        self, token: str = "xoxb-standin", channels: dict[str, bool] | None = None
    ) -> None:
        self.token = token
        self.channels = {"C0STANDIN": True} if channels is None else channels
        self.requests: list[Request] = []
        self.messages: list[Message] = []
        self.queued: dict[int, Answer] = {}  # by request number, 1-based
        self.lock = threading.Lock()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        """`http://127.0.0.1:PORT`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def webhook_url(self) -> str:
        """The one webhook URL this stand-in knows."""
        return f"{self.base}{WEBHOOK_PATH}{WEBHOOK_SECRET}"

    @property
    def api_url(self) -> str:
        """The Web API root, as `WebClient(base_url=...)` takes it."""
        return f"{self.base}/api/"

    def queue(self, *answers: Answer, at: int | None = None) -> None:
        """Answer requests `at`, `at + 1`, … (default: the next ones) with `answers`."""
        with self.lock:
            first = len(self.requests) + 1 if at is None else at
            self.queued.update(enumerate(answers, first))

    def webhook(self, path: str, body: dict[str, Any]) -> Answer:
        """An incoming webhook post: plain-text `ok`, or Slack's error code and status."""
        if path != f"{WEBHOOK_PATH}{WEBHOOK_SECRET}":
            return Answer(404, "no_service")
        problems = violations(body)
        if problems:
            code = problems[0][0]
            # Webhooks answer a missing text with their own code, malformed blocks with 400.
            code = "missing_text_or_fallback_or_attachments" if code == "no_text" else code
            return Answer(400, "invalid_blocks" if code.startswith("msg_") else code)
        self._keep(None, None, body)
        return Answer(200, "ok")

    def post_message(self, authorization: str, body: dict[str, Any]) -> Answer:
        """chat.postMessage: checks the token, the channel, the thread and the limits."""
        if not authorization.startswith("Bearer "):
            return api_error("not_authed")
        if authorization.removeprefix("Bearer ") != self.token:
            return api_error("invalid_auth")
        channel = body.get("channel")
        if channel not in self.channels:
            return api_error("channel_not_found")
        if not self.channels[channel]:
            return api_error("not_in_channel")
        problems = violations(body)
        if problems:
            code, detail = problems[0]
            return Answer(
                200,
                json.dumps(
                    {"ok": False, "error": code, "response_metadata": {"messages": [detail]}}
                ),
            )
        thread = body.get("thread_ts")
        # The stand-in's own check: a reply must name a message it has posted.
        with self.lock:
            known = {m.ts for m in self.messages if m.channel == channel}
        if thread is not None and thread not in known:
            return api_error("thread_not_found")
        ts = self._keep(channel, thread, body)
        return Answer(
            200,
            json.dumps(
                {
                    "ok": True,
                    "channel": channel,
                    "ts": ts,
                    "message": {"text": body.get("text", "")},
                }
            ),
        )

    def _keep(self, channel: str | None, thread: str | None, body: dict[str, Any]) -> str:
        with self.lock:
            ts = f"1700000000.{len(self.messages) + 1:06d}"
            self.messages.append(
                Message(
                    channel,
                    ts if channel else None,
                    thread,
                    body.get("text", ""),
                    body.get("blocks") or [],
                )
            )
        return ts

    def __enter__(self) -> SlackStandIn:
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
