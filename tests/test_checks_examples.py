"""The checks beyond numbers on what a careful analyst writes, and through `briefing check`.

Every authored brief and story synthesis in examples/answers/ is correct: none of the new
finding kinds may fire on it (a false alarm costs a re-ask and teaches users to ignore the
flag). The same briefs with one planted error each must be flagged, by the library and by
`briefing check FILE.json`, which re-runs the checks on a saved brief.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from checks_support import NEW_KINDS, example_articles, example_brief, found, story_answer
from support.cli import run

from briefing.digest.synthesis import story_from_answer
from briefing.grounding import check_brief, check_story
from briefing.models import StoryAnswer

ARTICLES = example_articles()
BRIEFED = sorted(p.stem for p in (Path(__file__).parent.parent / "examples" / "answers").glob(
    "[0-9a-f]*.json"))  # fmt: skip
STORIES = ["02b2306466b4", "10cd2e9c8053", "4ac2f5cfb536", "5038931fd670"]


@pytest.mark.parametrize("article_id", BRIEFED)
def test_no_correct_brief_raises_a_new_finding(article_id: str) -> None:
    assert found(example_brief(ARTICLES[article_id])) == []


@pytest.mark.parametrize("name", STORIES)
def test_no_correct_story_raises_a_new_finding(name: str) -> None:
    answer = StoryAnswer.model_validate(story_answer(name))
    members = sorted({c.article for s in [answer.summary, *answer.claims] for c in s.cites})
    findings = check_story(story_from_answer(answer, members), ARTICLES)
    assert [f for f in findings if f.kind in NEW_KINDS] == []


def story(name: str, answer: StoryAnswer) -> list[tuple[str, str, str]]:
    members = sorted({c.article for s in [answer.summary, *answer.claims] for c in s.cites})
    findings = check_story(story_from_answer(answer, members), ARTICLES)
    return [(f.where, f.kind, f.detail) for f in findings if f.kind in NEW_KINDS]


def test_a_story_claim_flipped_or_repeated_is_caught() -> None:
    answer = StoryAnswer.model_validate(story_answer("5038931fd670"))
    claim = answer.claims[5]  # GM's net profit fell 35.4% (13.json paragraph 6)
    assert "下跌35.4%" in claim.zh
    answer.claims[5] = claim.model_copy(
        update={"zh": claim.zh.replace("下跌", "增长"), "en": claim.en.replace("fell", "rose")}
    )
    answer.claims.append(answer.claims[0].model_copy())
    assert story("5038931fd670", answer) == [
        (
            "claims[5]",
            "direction-mismatch",
            "the Chinese says 增长 (up), the cited paragraph 6 of c5457531b851 says 下跌 (down) "
            "about the same thing",
        ),
        ("claims[6]", "repeated-claim", "it says again what claims[0] says: drop it or say more"),
    ]


def test_a_changed_act_without_direction_words_is_not_judged() -> None:
    # 取消 (cancel) is no direction word: a flip to 提高 (raise) against a paragraph saying
    # 取消 is a change of act the direction check cannot decide, so it stays silent.
    answer = StoryAnswer.model_validate(story_answer("02b2306466b4"))
    claim = answer.claims[0]
    answer.claims[0] = claim.model_copy(update={"zh": claim.zh.replace("取消", "提高")})
    assert story("02b2306466b4", answer) == []


def test_briefing_check_reports_the_new_kinds(tmp_path: Path) -> None:
    brief = example_brief(ARTICLES["02b2306466b4"])
    claim = brief.groups[1].claims[0]  # paragraph 4: the US will cancel the fentanyl tariff
    claim.en = claim.en.replace("The US will cancel", "Japan will cancel")
    claim.zh = claim.zh.replace("美方将取消", "日方将取消")
    brief.groups[2].title = brief.groups[1].title.model_copy()
    path = tmp_path / "brief.json"
    path.write_text(brief.model_dump_json(indent=2), encoding="utf-8")

    result = run("check", str(path))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert "error: groups[1].claims[0]: actor-mismatch: the claim names Japan (日方); the " \
        "cited paragraph 4 does not (nor does the article)" in lines, lines  # fmt: skip
    assert any(line.startswith("error: groups[2].title: repeated-title: ") for line in lines)

    as_json = json.loads(run("check", str(path), "--json").stdout)
    assert {f["kind"] for f in as_json} == {"actor-mismatch", "repeated-title"}
    assert [f for f in check_brief(brief) if f.kind in NEW_KINDS] == [
        f for f in check_brief(brief) if f.kind in {"actor-mismatch", "repeated-title"}
    ]
