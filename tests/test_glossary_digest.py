"""The glossary in a weekly digest, run as a user runs it: `briefing weekly` in a subprocess
over real CCTV articles of tests/data against the stand-in server, which serves the authored
answers of examples/answers/ (written by hand, not model output), one of them edited to render
a glossary term otherwise.

The story synthesis is held to the glossary as briefs are (`glossary-term` in the story's
findings); the digest's Markdown, HTML and PDF show a Terms section with the terms rendered
otherwise, only when a glossary was in use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES
from support.llm_server import StandIn, answer_book

from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.glossary import starter_glossary_path
from briefing.models import Digest

DATA = Path(__file__).parent / "data" / "articles"
# One story of four articles: the China-US talks from Geneva to Kuala Lumpur.
STORY = [str(DATA / f"{n}.json") for n in ("03", "06", "07", "34")]
BRIEFING = str(Path(sys.executable).parent / "briefing")
TALKS = "02b2306466b4"  # cctv-03, the story's first member (its request's marker)


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-test"}
    return subprocess.run(
        [BRIEFING, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _text(name: str, edit: tuple[str, str] | None) -> str:
    text = (EXAMPLES / "answers" / f"{name}.json").read_text("utf-8")
    if edit is not None:
        assert edit[0] in text
        text = text.replace(*edit)
    return text


def book(edits: dict[str, tuple[str, str]] | None = None) -> dict[str, str]:
    """Marker → authored answer for the four articles and their story; `edits`: name →
    (old, new) applied to that answer."""
    edits = edits or {}
    prepared = prepare(STORY, Window())
    assert prepared.stories == [[TALKS, "48f9245b85e3", "80cb8f8d71c4", "9cc293e49af9"]]
    entries = {f"[1] {a.paragraphs[0]}": _text(a.id, edits.get(a.id)) for a in prepared.articles}
    entries[f"## Article {TALKS}\n"] = _text(f"story-{TALKS}", edits.get(f"story-{TALKS}"))
    return entries


def weekly(
    out: Path, entries: dict[str, str], *extra: str, formats: str = "json"
) -> tuple[subprocess.CompletedProcess[str], Digest]:
    with StandIn(answer_book(entries)) as server:
        result = briefing(
            "weekly", *STORY, "-o", str(out), "--formats", formats, "--base-url",
            server.base_url, "--no-cache", *extra,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result, Digest.model_validate_json((out / "digest.json").read_text("utf-8"))


def glossary_findings(digest: Digest) -> list[tuple[str, str]]:
    (story,) = [s for s in digest.stories if len(s.articles) > 1]
    return [(f.where, f.detail) for f in story.findings if f.kind == "glossary-term"]


def test_a_story_synthesis_is_held_to_the_glossary(tmp_path: Path) -> None:
    starter = str(starter_glossary_path())
    # The authored synthesis says "the Commerce Ministry said" of 商务部新闻发言人 (claims[3]).
    _, given = weekly(tmp_path / "given", book(), "--glossary", starter)
    commerce = (
        "claims[3]",
        f'商务部 (paragraph 1 of {TALKS}) is rendered as "Commerce Ministry"; '
        'the glossary has "MOFCOM"',
    )
    assert commerce in glossary_findings(given)
    (story,) = [s for s in given.stories if len(s.articles) > 1]
    assert all(f.severity == "warning" for f in story.findings if f.kind == "glossary-term")

    # The same synthesis with the preferred English: that finding is gone, no other appears.
    fixed = book({f"story-{TALKS}": ("the Commerce Ministry said", "MOFCOM said")})
    _, preferred = weekly(tmp_path / "fixed", fixed, "--glossary", starter)
    assert [w for w, _ in glossary_findings(preferred)] == [
        w for w, _ in glossary_findings(given) if w != "claims[3]"
    ]

    # Without a glossary the story is not held to one.
    _, plain = weekly(tmp_path / "plain", book())
    assert glossary_findings(plain) == []

    # `briefing check` on the digest finds the story's glossary findings again.
    digest_json = str(tmp_path / "given" / "digest.json")
    again = briefing("check", digest_json, "--json", "--glossary", starter)
    without = briefing("check", digest_json, "--json")
    assert again.returncode in (0, 1) and without.returncode in (0, 1), again.stderr
    story_number = next(n for n, s in enumerate(given.stories, 1) if len(s.articles) > 1)
    found = [
        (f["where"], f["detail"])
        for f in json.loads(again.stdout)
        if f.get("story") == story_number and f["kind"] == "glossary-term"
    ]
    assert found == glossary_findings(given)
    assert all(f["kind"] != "glossary-term" for f in json.loads(without.stdout))
