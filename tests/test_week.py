"""The week in brief: one extra call per digest (none for one story), cached, counted in the
estimate, grounded like a story's claims, and a failure that costs only itself.

The model is a local stand-in server answering with the authored answers of the bundled week
(examples/answers/, written by hand, not by a model), reached through the real client stack.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, load_answer
from fakes import FakeLLM
from support.llm_server import StandIn, answer_book

from briefing.digest.estimate import WEEK_ANSWER, WEEK_PROMPT, estimate_run
from briefing.digest.period import Window
from briefing.digest.prepare import Prepared, prepare
from briefing.digest.run import run_weekly
from briefing.digest.synthesis import story_of_one
from briefing.digest.week import week_in_brief
from briefing.grounding import check_week
from briefing.models import Digest, StoryClaim
from briefing.settings import Settings, resolve_settings

WEEKLY = EXAMPLES / "weekly"
WEEK_MARKER = "<<<STORIES\n"  # only the week-in-brief request carries it


def _answer(name: str) -> str:
    return json.dumps(load_answer(name), ensure_ascii=False)


@pytest.fixture(scope="module")
def week() -> Prepared:
    return prepare([str(WEEKLY)], Window())


def _book(prepared: Prepared, *, with_week: bool = True) -> dict[str, str]:
    book = {f"[1] {a.paragraphs[0]}": _answer(a.id) for a in prepared.articles}
    book |= {
        f"## Article {s[0]}\n": _answer(f"story-{s[0]}") for s in prepared.stories if len(s) > 1
    }
    if with_week:
        book[WEEK_MARKER] = _answer("week")
    return book


def _settings(server: StandIn) -> Settings:
    return resolve_settings(base_url=server.base_url, api_key="stand-in")


def _run(prepared: Prepared, book: dict[str, str]) -> tuple[Digest, list[str]]:
    """A weekly run through the real stack (cache included); the prompts the server saw."""
    with StandIn(answer_book(book)) as server:
        digest = run_weekly(prepared, _settings(server), concurrency=2).digest
        asked = [r.body["messages"][-1]["content"] for r in server.requests]
    return digest, asked


def _only(prepared: Prepared, story: list[str]) -> Prepared:
    """The prepared week cut down to one story."""
    articles = [a for a in prepared.articles if a.id in story]
    return prepared.model_copy(update={"articles": articles, "stories": [story]})


def test_one_call_for_the_week_and_none_on_the_rerun(week: Prepared) -> None:
    book = _book(week)
    digest, asked = _run(week, book)
    assert sum(WEEK_MARKER in prompt for prompt in asked) == 1
    assert len(digest.week) == 8 and digest.week_findings == []
    assert digest.meta.warnings == []
    # Every point cites articles of the digest; the first is the top story's (4 articles).
    assert {c.article for c in digest.week[0].cites} == set(digest.stories[0].articles)
    assert "91%" in digest.week[1].en and "700 billion rubles" in digest.week[6].en
    # The week's prompt shows the stories' syntheses with their cites, top story first.
    prompt = next(p for p in asked if WEEK_MARKER in p)
    assert prompt.index("### Story 1: China-US economic") < prompt.index("### Story 2:")
    assert "[48f9245b85e3: 1, 2, 3]" in prompt
    rerun, asked_again = _run(week, book)
    assert asked_again == []  # briefs, stories and the week all come from the cache
    assert rerun.week == digest.week
    assert rerun.meta.cached_calls == len(asked)


def test_its_usage_is_counted(week: Prepared) -> None:
    two = _only(week, ["4ac2f5cfb536", "b55ae467ecf3"])
    two = two.model_copy(update={"stories": [["4ac2f5cfb536"], ["b55ae467ecf3"]]})
    digest, asked = _run(two, _book(two))
    assert len(asked) == 3  # two briefs, one week
    spent = sum(b.meta.usage.prompt_tokens for b in digest.briefs)
    assert digest.meta.usage.prompt_tokens > spent  # the week's call is in the digest's usage


def test_one_story_makes_no_call(week: Prepared) -> None:
    story = ["4ac2f5cfb536", "b55ae467ecf3"]
    digest, asked = _run(_only(week, story), _book(week, with_week=False))
    assert len(asked) == 3 and not any(WEEK_MARKER in p for p in asked)  # 2 briefs, 1 story
    (only,) = digest.stories
    assert digest.week == [only.summary, *only.claims]
    assert digest.week_findings == [] and digest.meta.warnings == []


def test_one_article_makes_no_call_and_shows_its_claims(week: Prepared) -> None:
    digest, asked = _run(_only(week, ["781dc613f876"]), _book(week, with_week=False))
    assert len(asked) == 1
    brief = digest.briefs[0]
    assert [p.en for p in digest.week] == [c.en for _, c in brief.claims_with_paths()]
    assert all(p.cites[0].article == "781dc613f876" for p in digest.week)


def test_a_failed_week_call_keeps_the_digest(week: Prepared) -> None:
    digest, asked = _run(week, _book(week, with_week=False))  # the stand-in answers 404
    assert sum(WEEK_MARKER in p for p in asked) == 1
    assert len(digest.briefs) == 13 and len(digest.stories) == 7 and digest.failures == []
    assert digest.week == [] and digest.week_findings == []
    assert len(digest.meta.warnings) == 1 and digest.meta.warnings[0].startswith(
        "No week in brief: "
    )


def test_an_invalid_week_answer_is_a_warning_too(week: Prepared) -> None:
    book = _book(week)
    book[WEEK_MARKER] = '{"points": [{"en": "cut off'  # truncated, as at a length limit
    digest, _ = _run(week, book)
    assert digest.week == [] and len(digest.stories) == 7
    assert "No week in brief" in digest.meta.warnings[0]


def test_the_estimate_counts_the_week_call(week: Prepared) -> None:
    settings = resolve_settings(require_key=False)
    alone = week.model_copy(update={"stories": [[a.id] for a in week.articles]})
    one = _only(alone, [alone.articles[0].id])
    est = estimate_run(one, settings)
    assert est.total.tokens_in == sum(a.tokens_in for a in est.articles)  # no week call
    assert est.total.tokens_out == sum(a.tokens_out for a in est.articles)
    two = alone.model_copy(update={"articles": alone.articles[:2], "stories": alone.stories[:2]})
    est = estimate_run(two, settings)
    outs = [a.tokens_out for a in est.articles]
    assert est.total.tokens_in == sum(a.tokens_in for a in est.articles) + WEEK_PROMPT + sum(outs)
    assert est.total.tokens_out == sum(outs) + WEEK_ANSWER
    # The full week reads at most its 8 top stories; the estimate grows with the week call.
    full = estimate_run(week, settings)
    assert (
        full.cost_usd is not None
        and full.total.tokens_out > sum(a.tokens_out for a in full.articles) + WEEK_ANSWER
    )


def _briefs_of(digest_week: Prepared) -> tuple[list, list]:  # type: ignore[type-arg]
    from briefing.brief.answers import brief_from_answer
    from briefing.models import BriefAnswer, BriefMeta

    meta = BriefMeta(model="m", prompt="brief@1", generated_at="")
    briefs = [
        brief_from_answer(a, BriefAnswer.model_validate(load_answer(a.id)), meta)
        for a in digest_week.articles
    ]
    return briefs, [story_of_one(b) for b in briefs]


def test_the_points_are_grounded_like_story_claims(week: Prepared) -> None:
    briefs, stories = _briefs_of(_only(week, ["781dc613f876", "80e0e5a264cb"]))
    good = load_answer("week")
    answer = {"points": [good["points"][4], good["points"][6]]}
    clean = week_in_brief(stories, briefs, FakeLLM().enqueue(copy.deepcopy(answer)))
    assert len(clean.points) == 2 and clean.findings == []
    assert clean.usage.prompt_tokens == 100  # what the fake says the call cost

    # The mistake the local 1.5B model makes on this article: 7000亿 read as 7000 billion.
    bad = copy.deepcopy(answer)
    bad["points"][1]["en"] = bad["points"][1]["en"].replace("700 billion", "7000 billion")
    # And a point citing an article that is not in the digest.
    bad["points"][0]["cites"].append({"article": "0123456789ab", "paragraphs": [1]})
    flagged = week_in_brief(stories, briefs, FakeLLM().enqueue(bad))
    kinds = {(f.where, f.kind) for f in flagged.findings}
    assert ("week[1]", "number-not-in-source") in kinds
    assert ("week[0]", "cite-out-of-range") in kinds
    assert any("not in this digest" in f.detail for f in flagged.findings)


def test_check_week_flags_a_paragraph_out_of_range(week: Prepared) -> None:
    briefs, _ = _briefs_of(_only(week, ["781dc613f876"]))
    articles = {b.article.id: b.article for b in briefs}
    point = StoryClaim.model_validate(load_answer("week")["points"][6])
    assert check_week([point], articles) == []
    point.cites[0].paragraphs = [99]
    (finding, *_) = check_week([point], articles)
    assert finding.kind == "cite-out-of-range" and "paragraph 99" in finding.detail


def test_no_stories_no_points(tmp_path: Path) -> None:
    empty = week_in_brief([], [], FakeLLM())
    assert empty.points == [] and empty.findings == []
