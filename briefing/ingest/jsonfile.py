"""JSON and JSON Lines articles: Article objects or any object with a title and a text field."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from briefing.errors import InputError
from briefing.ingest.article import clean_text, make_article
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


# Field names listed in an error are cut short: a key can be any string, a megabyte long.
_NAMES_SHOWN = 12
_NAME_CHARS = 30


def _field_names(obj: dict[str, Any]) -> str:
    names = [clean_text(str(name))[:_NAME_CHARS] or "(blank)" for name in sorted(map(str, obj))]
    more = len(names) - _NAMES_SHOWN
    return ", ".join(names[:_NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "") or "none"


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
        found = _field_names(obj)
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


def _loads(text: str) -> Any:
    # strict=False: raw tabs and newlines inside strings, common in scraped feeds, are read.
    return json.loads(text, strict=False)


def _too_many_digits(where: str) -> InputError:
    # json.loads refuses integers longer than Python's int_max_str_digits with a ValueError.
    return InputError(
        f"{where} holds a number of more than {sys.get_int_max_str_digits():,} digits.",
        "Remove that number or write it as a string.",
    )


def parse_json(text: str, name: str) -> list[Article]:
    """Articles from a JSON document: one object, or an array of objects."""
    try:
        data = _loads(text)
    except json.JSONDecodeError as err:
        raise _decode_error(err, name) from None
    except RecursionError:
        raise InputError(f"{name} is nested too deeply to read.", _HINT_FIELDS) from None
    except ValueError:
        raise _too_many_digits(name) from None
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


def jsonl_line(line: str, where: str) -> Article:
    """The article on one line of JSON Lines; InputError naming `where` if there is none."""
    try:
        # A BOM starts each part of a feed concatenated from files saved with one.
        value = _loads(line.lstrip("\ufeff"))
    except json.JSONDecodeError as err:
        raise _line_error(where, f"{err.msg} (column {err.colno})") from None
    except RecursionError:
        raise _line_error(where, "nested too deeply") from None
    except ValueError:
        raise _too_many_digits(where) from None
    return article_from_object(value, where)


def is_blank_line(line: str) -> bool:
    """True for a line of JSON Lines that holds nothing (whitespace, a BOM): it is skipped."""
    return not line.strip().lstrip("\ufeff").strip()


def jsonl_items(text: str, name: str) -> list[tuple[str, Article | InputError]]:
    """Each line of JSON Lines as (where, article or the error that line gives)."""
    items: list[tuple[str, Article | InputError]] = []
    # split("\n"), not splitlines(): U+2028 may appear unescaped inside a JSON string.
    for number, line in enumerate(text.split("\n"), 1):
        if is_blank_line(line):
            continue
        where = f"line {number} of {name}"
        try:
            items.append((where, jsonl_line(line, where)))
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
