"""Near-duplicates: real copies merged, distinct articles (even on one topic) kept apart.

Inputs are the real articles in tests/data/articles (copies of shared/data/articles, see its
README); pairs built from them in code say so where they are built.
"""

from __future__ import annotations

import hashlib
import json
import re
from itertools import combinations
from pathlib import Path

import pytest

from briefing.digest import find_duplicates
from briefing.digest.dedupe import compare
from briefing.digest.shingles import ngrams, normalise, sentences
from briefing.models import Article, Duplicate

WEEKLY = Path(__file__).parent / "data" / "articles"
# Real articles that are not copies of one another (several pairs share a topic).
DISTINCT = "01 02 03 04 05 06 07 12 13 14 25 26 27 28 34".split()
SAME_TOPIC = [
    *combinations(["02", "04", "05"], 2),  # US tariffs, April 2025
    *combinations(["03", "06", "07", "34"], 2),  # trade talks in four cities
    *combinations(["25", "26", "28"], 2),  # 2011 rare-earth quotas and reserves
    ("01", "14"),  # two State Council decrees
]


def article(text: str, title: str, *, published: str | None = None, source: str = "") -> Article:
    """An Article as ingest makes it: id from the body, paragraphs split on blank lines."""
    return Article(
        id=hashlib.sha256(text.encode()).hexdigest()[:12],
        title=title,
        source=source,
        published=published,
        paragraphs=text.split("\n\n"),
    )


def load(name: str) -> Article:
    """A real article from tests/data/articles."""
    data = json.loads((WEEKLY / f"{name}.json").read_text(encoding="utf-8"))
    return article(data["text"], data["title"], published=data["published"], source=data["source"])


def next_filing(base: Article) -> Article:
    """CONSTRUCTED: the same report for a later period: every figure and day changed, years kept.

    Models two monthly filings from one template: nearly all the wording shared, different
    numbers. 26.json (the second 2011 rare-earth export quota batch) becomes a "third batch".
    """

    def change(match: re.Match[str]) -> str:
        figure = match.group(0)
        if re.fullmatch(r"(19|20)\d\d", figure):
            return figure
        if "." in figure:
            return f"{float(figure) * 1.13 + 0.7:.{len(figure.split('.')[1])}f}"
        return str(int(figure) * 3 + 7)

    text = re.sub(r"\d+(?:\.\d+)?", change, "\n\n".join(base.paragraphs))
    return article(text.replace("第二批", "第三批"), base.title, published="2011-08-15")


def ids(names: list[str]) -> dict[str, str]:
    """Article id -> file name, to read results."""
    return {load(n).id: n for n in names}


def test_empty_input() -> None:
    assert find_duplicates([]) == ([], [])


def test_same_article_read_twice_is_a_duplicate_of_itself() -> None:
    a, b = load("01"), load("13")
    kept, dups = find_duplicates([a, b, a])
    assert kept == [a, b]
    assert dups == [Duplicate(kept=a.id, dropped=[a.id], similarity=1.0)]


def test_republished_under_a_new_headline_is_merged_keeping_the_first() -> None:
    # One body, two headlines, one copy in ASCII punctuation: normalisation makes them equal.
    a, b = load("dup_03_a"), load("dup_03_b")
    assert a.id != b.id and a.title != b.title
    assert find_duplicates([a, b]) == ([a], [Duplicate(kept=a.id, dropped=[b.id], similarity=1.0)])
    # Same length and date: input order decides.
    assert find_duplicates([b, a])[1] == [Duplicate(kept=b.id, dropped=[a.id], similarity=1.0)]


def test_earliest_published_wins_a_tie_in_length() -> None:
    a = load("dup_03_a")
    b = load("dup_03_b").model_copy(update={"published": "2011-05-20"})
    kept, dups = find_duplicates([a, b])
    assert kept == [b]
    assert dups[0].kept == b.id


def test_another_outlets_rewrite_is_merged_into_the_longer_report() -> None:
    # dup_02: the same NDRC briefing from two outlets a day apart; b carries most of a
    # (reworded) plus an analyst's reactions, at more than twice the length.
    a, b = load("dup_02_a"), load("dup_02_b")
    grams_a, grams_b = (set(ngrams(normalise(" ".join(x.paragraphs)), 3)) for x in (a, b))
    jaccard = len(grams_a & grams_b) / len(grams_a | grams_b)
    containment = len(grams_a & grams_b) / len(grams_a)
    # Whole-document 3-gram Jaccard is far below any threshold, containment is on the edge
    # (measured 0.24 and 0.60): a is mostly, not wholly, inside b.
    assert jaccard < 0.3
    assert 0.55 < containment < 0.65
    kept, dups = find_duplicates([a, b])
    assert kept == [b]
    assert dups == [Duplicate(kept=b.id, dropped=[a.id], similarity=0.76)]


def test_copies_of_a_copy_are_reported_once_with_the_weakest_similarity() -> None:
    a, b = load("dup_02_a"), load("dup_02_b")
    kept, dups = find_duplicates([a, a, b])
    assert kept == [b]
    assert dups == [Duplicate(kept=b.id, dropped=[a.id, a.id], similarity=0.76)]


def test_a_statement_quoted_whole_in_a_longer_report_is_merged() -> None:
    # CONSTRUCTED from real text: a report that opens with its own lead, carries the decree
    # announcement of 14.json whole, then reactions (the paragraphs of 13.json).
    statement = load("14")
    reactions = load("13")
    lead = "记者梳理了各方对新规定的反应。"
    body = "\n\n".join([lead, *statement.paragraphs, *reactions.paragraphs])
    report = article(body, "新规定公布 各方反应", published="2025-03-25")
    kept, dups = find_duplicates([statement, report])
    assert kept == [report]
    assert dups == [Duplicate(kept=report.id, dropped=[statement.id], similarity=1.0)]


def test_two_filings_with_shared_wording_but_different_figures_are_not_duplicates() -> None:
    first = load("26")
    second = next_filing(first)
    overlap = compare(first, second)
    assert overlap.text > 0.9  # on wording alone they would be merged
    assert overlap.event is not None and overlap.event.kind == "figure"
    assert find_duplicates([first, second]) == ([first, second], [])


@pytest.mark.parametrize(("x", "y"), SAME_TOPIC)
def test_distinct_articles_on_one_topic_are_not_duplicates(x: str, y: str) -> None:
    overlap = compare(load(x), load(y))
    assert overlap.text < 0.3  # highest measured: 07/34 at 0.23
    assert find_duplicates([load(x), load(y)])[1] == []


def test_on_the_real_set_only_the_two_real_pairs_are_merged() -> None:
    names = [*DISTINCT, "dup_02_a", "dup_02_b", "dup_03_a", "dup_03_b"]
    articles = [load(n) for n in names]
    kept, dups = find_duplicates(articles)
    name = ids(names)
    assert [(name[d.kept], [name[x] for x in d.dropped]) for d in dups] == [
        ("dup_02_b", ["dup_02_a"]),
        ("dup_03_a", ["dup_03_b"]),
    ]
    assert kept == [a for a in articles if name[a.id] not in {"dup_02_a", "dup_03_b"}]


def test_articles_without_text_are_not_duplicates_of_each_other() -> None:
    a = Article(id="a" * 12, title="图片新闻", paragraphs=[])
    b = Article(id="b" * 12, title="视频新闻", paragraphs=["。"])
    assert find_duplicates([a, b]) == ([a, b], [])


def test_normalisation_folds_width_case_and_punctuation() -> None:
    assert normalise("ＷＴＯ，  裁定！\n１７％") == "wto裁定17"
    assert sentences("第一句。第二句！ 第三; \n\n 第四？") == ["第一句", "第二句", "第三", "第四"]
