"""Stories: related real articles grouped, unrelated ones apart, every article once, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_dedupe import DISTINCT, ids, load, next_filing

from briefing.digest import group_stories
from briefing.digest.stories import THRESHOLD, similarities


def named(stories: list[list[str]], names: list[str]) -> list[list[str]]:
    """Stories with file names in place of ids."""
    name = ids(names)
    return [[name[i] for i in story] for story in stories]


def test_real_set_groups_by_event_and_thread() -> None:
    articles = [load(n) for n in DISTINCT]
    stories = named(group_stories(articles), DISTINCT)
    # Measured at the default threshold (0.11); see THRESHOLD in briefing/digest/stories.py.
    assert stories == [
        ["01", "14"],  # two State Council decrees: the shared decree wording links them
        ["02"],  # the WTO complaint: 0.12 with 06 alone, too little with the rest of its story
        ["03", "06", "07", "34"],  # the trade-talk meetings: Kuala Lumpur, Geneva, London, Madrid
        ["04", "05"],  # China's position on US tariffs, then the white paper four days later
        ["12", "13"],  # reactions abroad to US tariffs
        ["25", "26"],  # the 2011 rare-earth export quota
        ["27", "28"],  # 2011 rare-earth industry policy and reserves
    ]


def test_average_linkage_does_not_chain_the_tariff_story_into_the_trade_talks() -> None:
    # 05 (the white paper) resembles both 04 and the London and Madrid talks; one link is not
    # enough to fuse two stories whose other members are unlike each other.
    articles = [load(n) for n in DISTINCT]
    sims = similarities(articles)
    pos = {n: i for i, n in enumerate(DISTINCT)}
    assert sims[pos["04"], pos["05"]] >= THRESHOLD
    assert sims[pos["05"], pos["34"]] >= THRESHOLD
    assert sims.get((pos["04"], pos["34"]), 0.0) < THRESHOLD
    stories = named(group_stories(articles), DISTINCT)
    assert not any({"04", "34"} <= set(s) for s in stories)


def test_each_article_once_stories_ordered_by_first_member() -> None:
    names = list(reversed(DISTINCT))
    articles = [load(n) for n in names]
    stories = group_stories(articles)
    position = {a.id: i for i, a in enumerate(articles)}
    flat = [i for story in stories for i in story]
    assert sorted(flat) == sorted(a.id for a in articles)
    assert all(story == sorted(story, key=position.get) for story in stories)
    assert [position[s[0]] for s in stories] == sorted(position[s[0]] for s in stories)
    # Input order changes the order, not the grouping.
    same = {frozenset(s) for s in named(group_stories([load(n) for n in DISTINCT]), DISTINCT)}
    assert {frozenset(s) for s in named(stories, names)} == same


def test_a_handful_of_articles_still_groups_what_belongs_together() -> None:
    # With two articles every shared term is in both; the smoothed idf still weighs it.
    assert named(group_stories([load("07"), load("34")]), ["07", "34"]) == [["07", "34"]]
    assert named(group_stories([load("01"), load("13")]), ["01", "13"]) == [["01"], ["13"]]


def test_filings_that_are_not_duplicates_share_a_story() -> None:
    first = load("26")
    second = next_filing(first)  # CONSTRUCTED, see tests/test_dedupe.py
    assert group_stories([first, load("13"), second]) == [[first.id, second.id], [load("13").id]]


def test_threshold_controls_how_much_is_grouped() -> None:
    articles = [load(n) for n in DISTINCT]
    assert group_stories(articles, threshold=1.01) == [[a.id] for a in articles]
    loose = named(group_stories(articles, threshold=0.08), DISTINCT)
    assert ["25", "26", "27", "28"] in loose  # the four 2011 rare-earth reports
    strict = named(group_stories(articles, threshold=0.16), DISTINCT)
    assert ["04"] in strict and ["05"] in strict


def test_no_articles_no_stories() -> None:
    assert group_stories([]) == []
    assert group_stories([load("01")]) == [[load("01").id]]


def test_same_result_whatever_the_hash_seed() -> None:
    # Sets of strings iterate in a per-process order; nothing downstream may depend on it.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from test_dedupe import DISTINCT, load\n"
        "from briefing.digest import find_duplicates, group_stories\n"
        "kept, dups = find_duplicates([load(n) for n in [*DISTINCT, 'dup_02_a', 'dup_02_b']])\n"
        "print(dups, group_stories(kept))\n"
    )
    tests = str(Path(__file__).parent)
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, tests],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    (output,) = outputs
    assert "Duplicate(kept=" in output  # the script ran to the end


def test_terms_numbered_by_sorting_give_the_same_similarities(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Past DENSE_TABLE (a corpus of more than about 8,000 distinct characters) terms are
    # numbered by sorting instead of a table: the same numbers, so the same cosines.
    from briefing.digest import stories

    articles = [load(n) for n in DISTINCT]
    by_table = similarities(articles)
    monkeypatch.setattr(stories, "DENSE_TABLE", 0)
    assert similarities(articles) == by_table
