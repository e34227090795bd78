"""Events, not duplicates: near-identical reports of two events are kept and grouped as a
sequence; true copies still merge.

Inputs are the real articles in tests/data/articles (copies of shared/data/articles). Each
pair built from one of them says how it was built: only dates, figures, a headline or a
dateline are changed, the wording is the source's own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_dedupe import article, load, next_filing

from briefing.digest.dedupe import compare, deduplicate
from briefing.digest.events import conflict
from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.digest.stories import group_stories
from briefing.digest.synthesis import in_date_order, is_sequence, timeline
from briefing.models import Article, Bilingual, Brief, BriefMeta, Claim, Duplicate
from briefing.prompts import render_messages


def edited(base: Article, changes: dict[str, str], *, title: str, published: str) -> Article:
    """The real article with the given substrings replaced (each must occur), as ingest reads it."""
    text = "\n\n".join(base.paragraphs)
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return article(text, title, published=published, source=base.source or "")


def later_statement() -> Article:
    """CONSTRUCTED from 03.json (MOFCOM on the Kuala Lumpur talks, 2025-10-30): the next
    briefing in the same words, with the dates and figures a later statement would give."""
    return edited(
        load("03"),
        {"10月30日": "11月14日", "9月29日": "11月10日", "10月9日": "11月12日", "24%": "34%"},
        title="商务部新闻发言人介绍中美经贸磋商最新情况",
        published="2025-11-14",
    )


def next_round() -> Article:
    """CONSTRUCTED from 06.json (the Geneva talks, 2025-05-12): the same report for a later
    round, only its dates changed (no figure)."""
    return edited(
        load("06"),
        {"5月10日至11日": "8月11日至12日", "5月12日": "8月12日"},
        title="中美在经贸领域达成重要共识",
        published="2025-08-12",
    )


def carried_by_a_wire() -> Article:
    """CONSTRUCTED from 03.json: the same statement as another outlet carried it the next day:
    its own headline and dateline (dated the 31st), 今天（10月30日） written 30日."""
    return edited(
        load("03"),
        {"央视网消息（新闻联播）：": "新华社北京10月31日电 ", "今天（10月30日）": "30日"},
        title="商务部：中美吉隆坡经贸磋商达成多项成果共识",
        published="2025-10-31",
    )


def test_a_later_statement_with_other_dates_and_figures_is_another_event() -> None:
    first, second = load("03"), later_statement()
    overlap = compare(first, second)
    assert overlap.text > 0.95  # on wording alone, a copy
    assert overlap.event is not None and overlap.event.kind == "date"
    kept, dups, events = deduplicate([first, second])
    assert kept == [first, second] and dups == []
    assert events == [(first.id, second.id)]


def test_a_later_round_differing_only_in_its_dates_is_another_event() -> None:
    first, second = load("06"), next_round()
    overlap = compare(first, second)
    assert overlap.text > 0.95
    assert overlap.event is not None and overlap.event.kind == "date"
    assert deduplicate([second, first]).duplicates == []


def test_next_filing_with_other_figures_only_is_another_event() -> None:
    first = load("26")
    second = next_filing(first)  # CONSTRUCTED, see tests/test_dedupe.py: years kept
    overlap = compare(first, second)
    assert overlap.event is not None and overlap.event.kind == "figure"
    assert deduplicate([first, second]).events == [(first.id, second.id)]


def test_the_same_statement_from_another_outlet_a_day_later_is_a_copy() -> None:
    first, wire = load("03"), carried_by_a_wire()
    overlap = compare(first, wire)
    assert overlap.event is None  # 30日 agrees with 10月30日; the wire's own dateline is new
    kept, dups, events = deduplicate([first, wire])
    assert len(kept) == 1 and len(dups) == 1 and events == []


def test_real_copies_still_merge() -> None:
    for a, b in (("dup_02_a", "dup_02_b"), ("dup_03_a", "dup_03_b")):
        overlap = compare(load(a), load(b))
        assert overlap.event is None, (a, overlap.event)
        result = deduplicate([load(a), load(b)])
        assert len(result.kept) == 1 and result.events == []


def test_conflict_reads_real_sentences() -> None:
    # From dup_02_a and dup_02_b: a figure one outlet adds is no conflict, nor 1日 for 6月1日.
    a = "在6月1日召开的媒体通气会上，国家发改委有关负责人透露"
    b = "导报记者了解到，在1日举行的媒体通气会上，国家发改委通报了当前煤电油供需形势"
    assert conflict(a, b) is None
    same = "今年前四个月，全国累计进口煤炭大约为4347万吨，较去年同期减少1356万吨"
    assert (
        conflict(same, "今年前4个月，全国累计进口煤炭约为4347万吨，较去年同期减少1356万吨") is None
    )
    # A figure replaced by another of its kind is one, a date by another date too.
    found = conflict(same, same.replace("4347万吨", "5210万吨"))
    assert found is not None and found.kind == "figure" and found.small == "4347万"
    sentence = "美方将暂停实施其9月29日公布的出口管制50%穿透性规则一年"
    found = conflict(sentence, sentence.replace("9月29日", "11月10日"))
    assert found is not None and found.kind == "date"
    assert conflict(sentence, sentence.replace("9月29日公布的", "")) is None  # dropped only


def test_the_events_of_a_real_week_are_kept_and_linked_copies_dropped() -> None:
    names = ["03", "04", "06", "07", "34", "dup_03_a", "dup_03_b"]
    articles = [load(n) for n in names] + [later_statement(), carried_by_a_wire(), next_round()]
    kept, dups, events = deduplicate(articles)
    by_id = {a.id: a for a in articles}
    assert [d.kept for d in dups] == [load("03").id, load("dup_03_a").id]
    assert dups[0] == Duplicate(
        kept=load("03").id, dropped=[carried_by_a_wire().id], similarity=1.0
    )
    assert sorted((by_id[a].published, by_id[b].published) for a, b in events) == [
        ("2025-05-12", "2025-08-12"),
        ("2025-10-30", "2025-11-14"),
    ]
    stories = group_stories(kept, linked=events)
    for a, b in events:
        assert any({a, b} <= set(s) for s in stories)
    # Without the link the average linkage may still join them; the link is what guarantees it.
    assert sum(len(s) for s in stories) == len(kept)


def test_linked_articles_share_a_story_even_when_unlike() -> None:
    a, b, c = load("01"), load("13"), load("25")
    assert group_stories([a, b, c]) == [[a.id], [b.id], [c.id]]
    assert group_stories([a, b, c], linked=[(c.id, a.id)]) == [[a.id, c.id], [b.id]]
    assert group_stories([a, b], linked=[("0" * 12, a.id)]) == [[a.id], [b.id]]  # unknown id


def brief_of(a: Article, en: str) -> Brief:
    """AUTHORED: a minimal brief of a real article (its title and core viewpoint written for
    the test)."""
    return Brief(
        article=a,
        title=Bilingual(en=en, zh=a.title),
        core_viewpoint=Claim(en=en, zh=en, cites=[1]),
        groups=[],
        meta=BriefMeta(model="authored", prompt="brief@1", generated_at="2026-01-01T00:00:00"),
    )


def test_a_story_over_days_gets_a_timeline_in_date_order() -> None:
    late, early = brief_of(later_statement(), "later"), brief_of(load("03"), "earlier")
    undated = brief_of(load("01").model_copy(update={"published": None}), "undated")
    entries = timeline([late, undated, early])
    assert [(e.date, e.en) for e in entries] == [("2025-10-30", "earlier"), ("2025-11-14", "later")]
    assert entries[0].cites[0].article == early.article.id and entries[0].cites[0].paragraphs == [1]
    # One day only: no timeline.
    same_day = brief_of(load("dup_03_b"), "b")
    assert timeline([brief_of(load("dup_03_a"), "a"), same_day]) == []
    assert [b.en for b in (x.core_viewpoint for x in in_date_order([late, undated, early]))] == [
        "earlier",
        "later",
        "undated",
    ]


def test_only_a_sequence_story_gets_the_sequence_instructions() -> None:
    briefs = [brief_of(load("03"), "earlier"), brief_of(later_statement(), "later")]
    ids = [b.article.id for b in briefs]
    assert is_sequence(ids, [(ids[1], ids[0])])
    assert not is_sequence(ids, [(ids[0], "0" * 12)])
    plain = render_messages("story", briefs=briefs, sequence=False)
    sequence = render_messages("story", briefs=briefs, sequence=True)
    assert "SEQUENCE" not in plain[0].content and "SEQUENCE" in sequence[0].content
    assert plain[1] == sequence[1]
    assert sequence[0].content.startswith(plain[0].content)


def test_the_weekly_plan_keeps_both_events_in_one_story(tmp_path: Path) -> None:
    for name, a in (("first", load("03")), ("later", later_statement()), ("other", load("13"))):
        record = {"title": a.title, "source": a.source, "published": a.published}
        record["text"] = "\n\n".join(a.paragraphs)
        (tmp_path / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    prepared = prepare([str(tmp_path)], Window())
    assert len(prepared.articles) == 3 and prepared.duplicates == []
    assert len(prepared.events) == 1
    assert set(prepared.events[0]) in [set(s) for s in prepared.stories]


def figures_changed(name: str) -> Article:
    """CONSTRUCTED from a real article: its next filing with every amount and percent one more
    (4386万吨 becomes 4387万吨), its dates and its wording as they were."""
    base = load(name)
    text = re.sub(
        r"\d+(?=[%％万亿吨元])", lambda m: str(int(m.group(0)) + 1), "\n\n".join(base.paragraphs)
    )
    return article(text, base.title, published=base.published or "")


@pytest.mark.parametrize("name", ["03", "dup_03_a", "dup_03_b"])
def test_a_next_filing_that_changes_only_figures_is_another_event(name: str) -> None:
    # These texts have many sentences with a numeral and no quantity (一是, 进一步, 统一): counted
    # as stating a number, they hid the changed figures and the filing merged into the first.
    overlap = compare(load(name), figures_changed(name))
    assert overlap.text == 1.0
    assert overlap.event is not None and overlap.event.kind == "figure"
    kept, duplicates, events = deduplicate([load(name), figures_changed(name)])
    assert len(kept) == 2 and duplicates == [] and len(events) == 1
