"""Serve provider calls from a vcrpy cassette (replay), or write them into one (record).

Requests match on method, URL path and JSON body, not host: a cassette recorded against
a local stand-in server replays with any base URL. Only `content-type` and `accept` are
kept of the request headers (no authorization, no account ids); of the response headers
only those the client reads.
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

log = logging.getLogger(__name__)

_REQUEST_HEADERS = frozenset({"content-type", "accept"})
_RESPONSE_HEADERS = frozenset({"content-type", "retry-after", "retry-after-ms"})

# vcrpy patches the HTTP transport process-wide while a cassette is open, so two cassettes
# must never be open at once: calls through cassettes take turns.
_CASSETTE_LOCK = threading.Lock()


def _keep_request_headers(request: Any) -> Any:
    request.headers = {k: v for k, v in request.headers.items() if k.lower() in _REQUEST_HEADERS}
    return request


def _keep_response_headers(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {
        k: v for k, v in response["headers"].items() if k.lower() in _RESPONSE_HEADERS
    }
    return response


def cassette_vcr(mode: Literal["none", "all"]) -> vcr.VCR:
    """The VCR used for replay ("none": never touch the network) and record ("all")."""
    return vcr.VCR(
        record_mode=mode,
        match_on=["method", "path", "body"],
        decode_compressed_response=True,
        filter_headers=["authorization"],
        before_record_request=_keep_request_headers,
        before_record_response=_keep_response_headers,
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
        self._vcr = cassette_vcr("all" if record else "none")

    @contextmanager
    def open(self) -> Iterator[None]:
        """Route HTTP through the cassette; a request it cannot answer becomes an LLMError."""
        with _CASSETTE_LOCK, self._vcr.use_cassette(str(self.path)):
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
