"""Fetch a page over http(s) with a size limit, a timeout and redirects followed."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from briefing.errors import InputError
from briefing.ingest.limits import too_big

USER_AGENT = "Mozilla/5.0 (compatible; briefing/0.1; +https://pypi.org/project/briefing/)"
_SAVE_PAGE = "or save the page from a browser as .html and give that file instead."


@dataclass(frozen=True)
class Fetched:
    """A fetched response body and what is known about it."""

    data: bytes
    url: str
    content_type: str
    charset: str | None


def fetch_url(url: str, *, max_bytes: int, timeout: float) -> Fetched:
    """The body of `url` (after redirects); InputError on failure, non-2xx, timeout or size."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    try:
        with (
            httpx.Client(follow_redirects=True, timeout=timeout, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if not response.is_success:
                raise InputError(
                    f"Fetching {url} failed: HTTP {response.status_code} {response.reason_phrase}.",
                    f"Check the URL in a browser, {_SAVE_PAGE}",
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise too_big(url, max_bytes, int(declared))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise too_big(url, max_bytes)
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "")
            return Fetched(
                data=b"".join(chunks),
                url=str(response.url),
                content_type=content_type.split(";")[0].strip().lower(),
                charset=response.charset_encoding,
            )
    except httpx.TimeoutException:
        raise InputError(
            f"Fetching {url} timed out after {timeout:g} seconds.",
            f"Retry later, raise the timeout, {_SAVE_PAGE}",
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL) as err:
        raise InputError(
            f"Fetching {url} failed: {err or type(err).__name__}.",
            f"Check the URL and the network connection, {_SAVE_PAGE}",
        ) from None
