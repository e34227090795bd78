"""The glossary given to the story synthesis and the week in brief, and the week in brief held
to it, run as a user runs it: `briefing weekly` in a subprocess over real CCTV articles of
tests/data against the stand-in server, which serves the authored answers of examples/answers/
(written by hand, not model output; the week's is edited to the articles given here).

Two stories: the China-US talks (four articles) and the two State Council decrees (rare
earths, foreign sanctions), so the week in brief is one more call over both.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.batch_server import BatchService
from support.llm_server import SeenRequest, StandIn, answer_book
from test_batch_rounds import KEY, WEEKLY
from test_batch_rounds import _batch_lines as batch_lines
from test_batch_rounds import _book as batch_book
from test_batch_rounds import _live as live_calls
from test_batch_rounds import _name as batch_name
from test_batch_rounds import _weekly as batch_weekly
from test_glossary_digest import DATA, STORY, TALKS, _text, book, briefing, weekly

from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.glossary import starter_glossary_path
from briefing.models import Digest

DECREES = "4ac2f5cfb536"  # cctv-01, the rare-earth regulation: the second story's first member
SANCTIONS = "b55ae467ecf3"  # cctv-14
BOTH = STORY + [str(DATA / f"{n}.json") for n in ("01", "14")]
WEEK = "<<<STORIES\n"  # only the week in brief's request carries it
# Per the articles' text: 商务部 and 何立峰 in paragraph 1 of the talks' articles, 稀土 and
# 李强 in paragraph 1 of the decrees', 一带一路 in none of them.
TERMS = (
    "[terms]\n"
    '"商务部" = { en = "MOFCOM", avoid = ["Commerce Ministry"] }\n'
    '"何立峰" = "He Lifeng"\n'
    '"稀土" = { en = "rare earths", accept = ["rare earth"] }\n'
    '"李强" = "Li Qiang"\n'
    '"一带一路" = "Belt and Road Initiative"\n'
)
HEAD = "Write these terms and names in English as the user's glossary gives them:"
# The authored week point on the talks, said as the Commerce Ministry's.
COMMERCE = ("China and the US met in", "The Commerce Ministry said China and the US met in")
PREFERRED = ("China and the US met in", "MOFCOM said China and the US met in")


def _week_answer(edit: tuple[str, str] | None) -> str:
    """The authored week in brief of examples/answers/week.json, its points on these two
    stories only."""
    ids = {TALKS, "48f9245b85e3", "80cb8f8d71c4", "9cc293e49af9", DECREES, SANCTIONS}
    week = json.loads(_text("week", None))
    points = [p for p in week["points"] if all(c["article"] in ids for c in p["cites"])]
    assert len(points) == 3
    text = json.dumps({"points": points}, ensure_ascii=False, indent=2)
    if edit is not None:
        assert edit[0] in text
        text = text.replace(*edit)
    return text


def two_stories(week_edit: tuple[str, str] | None = None) -> dict[str, str]:
    prepared = prepare(BOTH, Window())
    assert prepared.stories[1] == [DECREES, SANCTIONS]
    entries = book()
    for article in prepared.articles:
        if article.id in (DECREES, SANCTIONS):
            entries[f"[1] {article.paragraphs[0]}"] = _text(article.id, None)
    entries[f"## Article {DECREES}\n"] = _text(f"story-{DECREES}", None)
    entries[WEEK] = _week_answer(week_edit)
    return entries


def _user(seen: list[SeenRequest], marker: str) -> str:
    """The user message of the one request that carries `marker`."""
    (text,) = [
        m["content"]
        for r in seen
        for m in r.body["messages"]
        if m["role"] == "user" and marker in m["content"]
    ]
    return str(text)


def _given(prompt: str) -> list[str]:
    """The glossary entries a prompt lists under its glossary line."""
    if HEAD not in prompt:
        return []
    assert prompt.count(HEAD) == 1
    lines = prompt[prompt.index(HEAD) + len(HEAD) :].split("\n")[1:]
    return [line for line in lines[: lines.index("")] if line.startswith("- ")]


def test_story_and_week_prompts_are_given_the_terms_of_their_articles(tmp_path: Path) -> None:
    glossary = tmp_path / "terms.toml"  # not glossary.toml: the config folder's default
    glossary.write_text(TERMS, "utf-8")
    seen: list[SeenRequest] = []
    weekly(tmp_path / "out", two_stories(), "--glossary", str(glossary), inputs=BOTH, seen=seen)
    talks = _user(seen, f"## Article {TALKS}\n")
    decrees = _user(seen, f"## Article {DECREES}\n")
    week = _user(seen, WEEK)
    assert _given(talks) == ["- 商务部: MOFCOM", "- 何立峰: He Lifeng"]
    assert _given(decrees) == ["- 稀土: rare earths", "- 李强: Li Qiang"]
    assert _given(week) == [
        "- 商务部: MOFCOM",
        "- 何立峰: He Lifeng",
        "- 稀土: rare earths",
        "- 李强: Li Qiang",
    ]
    # Given before the data, as in the brief prompt: not inside what the model is told is data.
    assert talks.index(HEAD) < talks.index("<<<BRIEFS") and week.index(HEAD) < week.index(WEEK)
    # The brief prompts are given theirs as before.
    regulation = prepare(BOTH, Window()).articles[4]
    assert regulation.id == DECREES
    assert _given(_user(seen, f"[1] {regulation.paragraphs[0]}")) == [
        "- 稀土: rare earths",
        "- 李强: Li Qiang",
    ]


def _glossary_findings(found: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return [(where, detail) for kind, where, detail in found if kind == "glossary-term"]


def _week_glossary(digest: Digest) -> list[tuple[str, str]]:
    assert all(f.severity == "warning" for f in digest.week_findings if f.kind == "glossary-term")
    return _glossary_findings([(f.kind, f.where, f.detail) for f in digest.week_findings])


def test_the_week_in_brief_is_held_to_the_glossary(tmp_path: Path) -> None:
    glossary = tmp_path / "terms.toml"  # not glossary.toml: the config folder's default
    glossary.write_text(TERMS, "utf-8")
    _, given = weekly(
        tmp_path / "given", two_stories(COMMERCE), "--glossary", str(glossary), inputs=BOTH
    )
    # The point cites paragraph 1 of 48f9245b85e3 (no 商务部), then of 80cb8f8d71c4 (商务部).
    commerce = (
        "week[0]",
        '商务部 (paragraph 1 of 80cb8f8d71c4) is rendered as "Commerce Ministry"; '
        'the glossary has "MOFCOM"',
    )
    assert _week_glossary(given) == [commerce]

    _, preferred = weekly(
        tmp_path / "fixed", two_stories(PREFERRED), "--glossary", str(glossary), inputs=BOTH
    )
    assert _week_glossary(preferred) == []

    _, plain = weekly(tmp_path / "plain", two_stories(COMMERCE), inputs=BOTH)
    assert len(plain.week) == 3 and _week_glossary(plain) == []

    # `briefing check` on the digest finds the week's glossary findings again, with a glossary.
    digest_json = str(tmp_path / "given" / "digest.json")
    again = briefing("check", digest_json, "--json", "--glossary", str(glossary))
    without = briefing("check", digest_json, "--json")
    assert again.returncode in (0, 1) and without.returncode in (0, 1), again.stderr
    rows = [(f["kind"], f["where"], f["detail"]) for f in json.loads(again.stdout)]
    assert [r for r in _glossary_findings(rows) if r[0].startswith("week")] == [commerce]
    assert all(f["kind"] != "glossary-term" for f in json.loads(without.stdout))


def _bodies(seen: list[SeenRequest]) -> dict[str, str]:
    """Each request's body (as JSON text) by what it asks: a brief, a story, the week."""
    ordered: dict[str, str] = {}
    for request in seen:
        user = next(m["content"] for m in request.body["messages"] if m["role"] == "user")
        key = WEEK if WEEK in user else user[user.index("<<<") :][:80]
        ordered[key] = json.dumps(request.body, ensure_ascii=False, sort_keys=True)
    return ordered


def test_a_glossary_of_no_term_of_the_week_leaves_every_request_as_without(tmp_path: Path) -> None:
    glossary = tmp_path / "terms.toml"  # not glossary.toml: the config folder's default
    glossary.write_text('[terms]\n"一带一路" = "Belt and Road Initiative"\n', "utf-8")
    with_one: list[SeenRequest] = []
    without: list[SeenRequest] = []
    weekly(tmp_path / "a", two_stories(), "--glossary", str(glossary), inputs=BOTH, seen=with_one)
    weekly(tmp_path / "b", two_stories(), inputs=BOTH, seen=without)
    bodies = _bodies(with_one)
    assert len(bodies) == 6 + 2 + 1  # the briefs, the two stories, the week
    assert bodies == _bodies(without)
    assert not any(HEAD in body for body in bodies.values())


def test_weekly_batch_lines_carry_the_glossary_and_no_call_goes_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`weekly --batch --glossary`: the story and week lines are the requests the run then
    makes, glossary and all, so every answer comes from the batch and none is asked live."""
    week = tmp_path / "week"  # the bundled week without its web page (see test_batch_rounds)
    week.mkdir()
    for path in WEEKLY.iterdir():
        if path.suffix != ".html":
            shutil.copy(path, week / path.name)
    book = batch_book(prepare([str(week)], Window()))
    service = BatchService(answer_book(book))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with StandIn(answer_book(book), routes=service.route) as server:
        extra = ("--batch", "--batch-wait", "60", "--glossary", str(starter_glossary_path()))
        code, stderr = batch_weekly(week, server, tmp_path / "out", *extra)
        assert code == 0, stderr
        assert live_calls(server) == []
    lines = [line["body"] for line in batch_lines(service)]
    given = {
        batch_name(body): _given(body["messages"][1]["content"])
        for body in lines
        if batch_name(body) != "brief"
    }
    assert set(given) == {"story", "week"}
    assert "- 商务部: MOFCOM" in given["week"] and "- 稀土: rare earths" in given["week"]
