"""JSON and JSON Lines articles: Article objects or any object with a title and a text field."""

from __future__ import annotations

import json
import re
from typing import Any

from briefing.errors import InputError
from briefing.ingest.article import make_article
from briefing.models import Article

# Field names accepted for each part, first match wins; other fields are ignored so
# provenance fields (origin_repo, n_chars, …) do not get in the way.
TEXT_FIELDS = ("paragraphs", "text", "content", "body", "fulltext")
TITLE_FIELDS = ("title", "headline")
SOURCE_FIELDS = ("source", "site_name", "sitename", "publisher", "site", "media")
DATE_FIELDS = ("published", "published_at", "publish_time", "pubdate", "date", "time")
URL_FIELDS = ("url", "link", "canonical_url", "href")
_HINT_FIELDS = (
    "Each article needs a text field: one of " + ", ".join(TEXT_FIELDS) + " (a string, or a "
    "list of paragraph strings), plus optionally title, source, published and url."
)


def _first(obj: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = obj.get(name)
        if value not in (None, "", []):
            return value
    return None


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text field: split on blank lines, or on line breaks if there are none."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if re.search(r"\n\s*\n", text):
        return [" ".join(block.split("\n")) for block in re.split(r"\n\s*\n", text)]
    return text.split("\n")


def article_from_object(obj: object, where: str) -> Article:
    """An Article from one decoded JSON value; `where` names it in errors ("line 3 of a.jsonl")."""
    if not isinstance(obj, dict):
        raise InputError(
            f"{where} is a JSON {type(obj).__name__}, not an object.",
            _HINT_FIELDS,
        )
    body = _first(obj, TEXT_FIELDS)
    if isinstance(body, str):
        paragraphs: list[object] = list(split_paragraphs(body))
    elif isinstance(body, list) and all(isinstance(p, str | int | float) for p in body):
        paragraphs = list(body)
    else:
        found = ", ".join(sorted(map(str, obj))) or "none"
        raise InputError(f"{where} has no text field (fields found: {found}).", _HINT_FIELDS)
    try:
        return make_article(
            title=_first(obj, TITLE_FIELDS),
            paragraphs=paragraphs,
            source=_first(obj, SOURCE_FIELDS),
            published=_first(obj, DATE_FIELDS),
            url=_first(obj, URL_FIELDS),
        )
    except InputError as err:
        raise InputError(f"{where}: {err.message}", err.hint) from None


def _decode_error(err: json.JSONDecodeError, where: str) -> InputError:
    hint = "Fix the JSON syntax (`python -m json.tool FILE` shows where it breaks)."
    if err.msg == "Extra data":
        hint = "It holds more than one JSON value: for one object per line, use a .jsonl file."
    return InputError(
        f"{where} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}.", hint
    )


def parse_json(text: str, name: str) -> list[Article]:
    """Articles from a JSON document: one object, or an array of objects."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _decode_error(err, name) from None
    except RecursionError:
        raise InputError(f"{name} is nested too deeply to read.", _HINT_FIELDS) from None
    if isinstance(data, list):
        if not data:
            raise InputError(f"{name} is an empty JSON array.", _HINT_FIELDS)
        return [article_from_object(obj, f"item {i} of {name}") for i, obj in enumerate(data, 1)]
    return [article_from_object(data, name)]


def _line_error(where: str, detail: str) -> InputError:
    return InputError(
        f"{where} is not valid JSON: {detail}.",
        "Each line of a .jsonl file must be one complete JSON object; fix or remove that line.",
    )


def jsonl_items(text: str, name: str) -> list[tuple[str, Article | InputError]]:
    """Each line of JSON Lines as (where, article or the error that line gives)."""
    items: list[tuple[str, Article | InputError]] = []
    # split("\n"), not splitlines(): U+2028 may appear unescaped inside a JSON string.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"line {number} of {name}"
        try:
            items.append((where, article_from_object(json.loads(line), where)))
        except json.JSONDecodeError as err:
            items.append((where, _line_error(where, f"{err.msg} (column {err.colno})")))
        except RecursionError:
            items.append((where, _line_error(where, "nested too deeply")))
        except InputError as err:
            items.append((where, err))
    return items


def parse_jsonl(text: str, name: str) -> list[Article]:
    """Articles from JSON Lines, one object per line; any bad line fails the whole read."""
    articles: list[Article] = []
    for _, item in jsonl_items(text, name):
        if isinstance(item, InputError):
            raise item
        articles.append(item)
    if not articles:
        raise InputError(f"{name} has no JSON lines.", "Put one JSON article object per line.")
    return articles
