"""Cassettes hold no credential: none in the repository, none in one recorded now.

Every cassette in the repository (tests/cassettes/, examples/) is read as YAML, and every
string in it (JSON bodies decoded, so that neither YAML line folding nor JSON escapes can
hide one) is searched for credential headers and for key-shaped text. Then a cassette is
recorded through briefing.llm.replay against the local stand-in with a secret key and a
server that sends cookies and account headers back, and the file is checked the same way.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, ROOT
from support.llm_server import Reply, StandIn

from briefing.brief.summarize import summarize_article
from briefing.ingest import read_source
from briefing.llm.stack import build_stack
from briefing.logs import KEYLIKE
from briefing.models import BriefAnswer
from briefing.settings import resolve_settings

CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "x-goog-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
    }
)
# What a request's URL must not carry: a key in the query or a user:password@ part.
URL_CREDENTIAL = ("api-key=", "api_key=", "key=", "token=", "@")


def repository_cassettes() -> list[Path]:
    found = {
        *(ROOT / "tests" / "cassettes").rglob("*.yaml"),
        *EXAMPLES.glob("*.yaml"),
        *(p for p in ROOT.rglob("*.replay.yaml") if ".venv" not in p.parts),
    }
    return sorted(found)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed cassette; JSON held in a string is decoded and walked too."""
    if isinstance(value, str):
        yield value
        try:
            decoded = json.loads(value)
        except ValueError:
            return
        if isinstance(decoded, dict | list):
            yield from _strings(decoded)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def problems(path: Path) -> list[str]:
    """What in the cassette at `path` looks like a credential."""
    text = path.read_text("utf-8")
    data = yaml.safe_load(text)
    found = []
    for n, interaction in enumerate(data["interactions"], 1):
        for side in ("request", "response"):
            for name in interaction[side].get("headers") or {}:
                if name.lower() in CREDENTIAL_HEADERS:
                    found.append(f"interaction {n}: {side} header {name}")
        uri = interaction["request"]["uri"].lower()
        found += [f"interaction {n}: {part!r} in the URL" for part in URL_CREDENTIAL if part in uri]
    for value in (text, *_strings(data)):
        found += [f"key-shaped text {m[0][:12]}…" for m in KEYLIKE.finditer(value)]
    return sorted(set(found))


@pytest.mark.parametrize("path", repository_cassettes(), ids=lambda p: p.name)
def test_a_repository_cassette_holds_no_credential(path: Path) -> None:
    assert problems(path) == []


def test_the_repository_has_cassettes_to_check() -> None:
    names = {p.name for p in repository_cassettes()}
    assert {"weekly.replay.yaml", "shoigu-rare-earths.replay.yaml"} <= names


def test_the_check_finds_planted_credentials(tmp_path: Path) -> None:
    source = EXAMPLES / "shoigu-rare-earths.replay.yaml"
    data = yaml.safe_load(source.read_text("utf-8"))
    first = data["interactions"][0]
    first["request"]["headers"]["Authorization"] = ["Bearer abcdef123456"]
    first["response"]["headers"]["Set-Cookie"] = ["session=1"]
    first["request"]["uri"] += "?api-key=1"
    body = json.loads(first["response"]["body"]["string"])
    body["choices"][0]["message"]["content"] += " xoxb-1234-5678-abcdefgh"
    first["response"]["body"]["string"] = json.dumps(body)  # the token inside JSON escapes
    planted = tmp_path / "planted.yaml"
    planted.write_text(yaml.safe_dump(data, width=40), "utf-8")  # folded across lines
    found = problems(planted)
    assert "interaction 1: request header Authorization" in found
    assert "interaction 1: response header Set-Cookie" in found
    assert "interaction 1: 'api-key=' in the URL" in found
    assert "key-shaped text xoxb-1234-56…" in found
    assert "key-shaped text Bearer abcde…" in found


def _random(n: int) -> str:
    rng = random.SystemRandom()
    return "".join(rng.choices(string.ascii_letters + string.digits, k=n))


def test_recording_keeps_the_key_cookies_and_account_headers_out(tmp_path: Path) -> None:
    key = "sk-proj-" + _random(40)
    cookie = _random(20)
    answer = json.dumps(
        json.loads((EXAMPLES / "answers" / "781dc613f876.json").read_text("utf-8")),
        ensure_ascii=False,
    )
    headers = {
        "Set-Cookie": f"session={cookie}",
        "openai-organization": f"org-{cookie}",
        "x-request-id": cookie,
        "Retry-After": "0",
    }
    cassette = tmp_path / "recorded.yaml"
    article = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
    with StandIn(lambda request: Reply(content=answer, headers=headers)) as server:
        settings = resolve_settings(base_url=server.base_url, api_key=key)
        stack = build_stack(settings, record=cassette, cache=False, rate_limited=False)
        brief = summarize_article(article, stack.llm)
        assert server.requests[0].headers["authorization"] == f"Bearer {key}"
    text = cassette.read_text("utf-8")
    assert key not in text and key[-12:] not in text and cookie not in text
    assert problems(cassette) == []
    [interaction] = yaml.safe_load(text)["interactions"]
    assert {k.lower() for k in interaction["request"]["headers"]} <= {"content-type", "accept"}
    assert {k.lower() for k in interaction["response"]["headers"]} <= {
        "content-type",
        "retry-after",
        "retry-after-ms",
    }

    # What is left is enough to replay it, with no key at all.
    replayed = summarize_article(
        article,
        build_stack(
            resolve_settings(base_url="http://replay.invalid/v1", require_key=False),
            replay=cassette,
        ).llm,
    )
    assert replayed.model_dump(exclude={"meta"}) == brief.model_dump(exclude={"meta"})
    assert BriefAnswer.model_validate_json(answer)
