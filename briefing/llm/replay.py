"""Serve provider calls from a vcrpy cassette (replay), or write them into one (record).

Requests match on method, URL path and JSON body, not host: a cassette recorded against
a local stand-in server replays with any base URL. Only `content-type` and `accept` are
kept of the request headers (no authorization, no account ids); of the response headers
only those the client reads. A credential the requests carried (the API key) is also
removed from the URLs and the response bodies recorded, and from vcrpy's log of them: a
server may echo the key in an error; an error body loses anything key-shaped too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from briefing.errors import InputError, LLMError
from briefing.logs import MASK, mask_keylike
from briefing.slack.mask import RedactingFilter

log = logging.getLogger(__name__)

_REQUEST_HEADERS = frozenset({"content-type", "accept"})
_RESPONSE_HEADERS = frozenset({"content-type", "retry-after", "retry-after-ms"})
# Request headers whose values are credentials, learnt so that an echo of them is removed.
_CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "x-goog-api-key",
        "cookie",
    }
)
_MIN_SECRET = 8  # shorter values (a test key such as "k") would mask ordinary text
# vcrpy logs each response it appends, as received, at INFO.
_VCR_LOG = logging.getLogger("vcr.cassette")

# vcrpy patches the HTTP transport process-wide while a cassette is open, so two cassettes
# must never be open at once: calls through cassettes take turns.
_CASSETTE_LOCK = threading.Lock()


class Scrubber:
    """Keeps credentials out of a cassette: only harmless headers, no echo of the key."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()

    def __call__(self, text: str) -> str:
        """`text` without any credential a request carried."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def request(self, request: Any) -> Any:
        """vcrpy's before_record_request: learn the credentials, keep two headers."""
        for name, value in request.headers.items():
            if name.lower() in _CREDENTIAL_HEADERS:
                value = str(value)
                scheme, _, rest = value.partition(" ")
                kept = rest if scheme.lower() in ("bearer", "basic", "token") else value
                self.secrets |= {v for v in (value, kept.strip()) if len(v) >= _MIN_SECRET}
        request.headers = {
            k: v for k, v in request.headers.items() if k.lower() in _REQUEST_HEADERS
        }
        request.uri = self(request.uri)
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy's before_record_response: the headers the client reads, the body scrubbed."""
        response["headers"] = {
            k: v for k, v in response["headers"].items() if k.lower() in _RESPONSE_HEADERS
        }
        body = response.get("body") or {}
        failed = int((response.get("status") or {}).get("code") or 200) >= 400
        data = body.get("string")
        if isinstance(data, bytes):
            for secret in self.secrets:
                data = data.replace(secret.encode(), MASK.encode())
            if failed:
                data = mask_keylike(data.decode("utf-8", "surrogateescape")).encode(
                    "utf-8", "surrogateescape"
                )
        elif isinstance(data, str):
            data = mask_keylike(self(data)) if failed else self(data)
        if "string" in body:
            body["string"] = data
        return response


def cassette_vcr(mode: Literal["none", "all"], scrubber: Scrubber | None = None) -> vcr.VCR:
    """The VCR used for replay ("none": never touch the network) and record ("all")."""
    scrubber = scrubber or Scrubber()
    return vcr.VCR(
        record_mode=mode,
        match_on=["method", "path", "body"],
        decode_compressed_response=True,
        # No filter_headers: it would drop `authorization` before the scrubber learns the key;
        # the scrubber keeps only content-type and accept.
        before_record_request=scrubber.request,
        before_record_response=scrubber.response,
    )


class Cassette:
    """One cassette file, opened around each model call."""

    def __init__(self, path: Path, *, record: bool) -> None:
        if not record and not path.is_file():
            raise InputError(
                f"Replay file {path} does not exist.",
                "Check the path; replay files are made by recording a run (see README).",
            )
        self.path = path
        self._scrubber = Scrubber()
        self._vcr = cassette_vcr("all" if record else "none", self._scrubber)

    @contextmanager
    def open(self) -> Iterator[None]:
        """Route HTTP through the cassette; a request it cannot answer becomes an LLMError."""
        masking = RedactingFilter(lambda text: mask_keylike(self._scrubber(text)))
        with _CASSETTE_LOCK, _filtered(_VCR_LOG, masking), self._vcr.use_cassette(str(self.path)):
            try:
                yield
            except CannotOverwriteExistingCassetteException as exc:
                # vcrpy's text names the closest recorded request and what differs in it.
                log.debug("%s", exc)
                raise LLMError(
                    f"The replay file {self.path} has no answer for this request "
                    "(different model, prompt or article than recorded).",
                    "Run with the options and input the file was recorded with, re-record it, "
                    "or run without --replay to ask the provider.",
                ) from None


@contextmanager
def _filtered(logger: logging.Logger, masking: logging.Filter) -> Iterator[None]:
    logger.addFilter(masking)
    try:
        yield
    finally:
        logger.removeFilter(masking)
