"""Long articles: split into parts under the token budget, briefed part by part, merged.

The long article is made of the real articles in tests/data/articles/*.json (each one's
title, then its paragraphs), concatenated in file order three times over: once they are
17,235 characters, so three rounds give the 40,000+ characters this needs.

Every model answer here is a TEST ANSWER written for these tests, not a model's output.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from fakes import FakeLLM

from briefing.brief import longform
from briefing.brief.longform import (
    Part,
    budget_for,
    needs_split,
    part_prompt,
    split_article,
    summarize_long,
)
from briefing.brief.request import prompt_tokens
from briefing.errors import InvalidAnswerError, LLMError
from briefing.grounding import check_brief
from briefing.ingest import read_source
from briefing.ingest.article import make_article
from briefing.ingest.jsonfile import split_paragraphs
from briefing.models import Article
from briefing.prompts import render_messages

ARTICLES = Path(__file__).parent / "data" / "articles"
BUDGET = 12_000  # four parts of the long article
SENTENCE_END = re.compile(r"[。！？][”’」』）)]*$")


@cache
def long_article() -> Article:
    paragraphs: list[str] = []
    for _ in range(3):
        for path in sorted(ARTICLES.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            paragraphs += [data["title"], *split_paragraphs(data["text"])]
    return make_article(title="长文测试：稀土、关税与大宗商品", paragraphs=paragraphs)


def number_of(article: Article, text: str, occurrence: int = 0) -> int:
    """The paragraph number of an occurrence of `text` (the article repeats its sources)."""
    return [n for n, p in enumerate(article.paragraphs, 1) if text in p][occurrence]


def numbered(parts: list[Part]) -> list[tuple[int, str]]:
    """Every paragraph of the parts with the number the part gives it, pieces joined."""
    lines = [(part.first + i, text) for part in parts for i, text in enumerate(part.paragraphs)]
    return [(n, "".join(text for _, text in run)) for n, run in groupby(lines, lambda x: x[0])]


# --- Splitting. -------------------------------------------------------------------------


def test_the_long_article_is_over_40000_characters_and_over_budget() -> None:
    article = long_article()
    assert sum(map(len, article.paragraphs)) > 40_000
    assert needs_split(article, BUDGET)
    assert not needs_split(article, 100_000)


def test_parts_fit_the_budget_and_keep_every_paragraph_once_with_its_number() -> None:
    article = long_article()
    parts = split_article(article, 4_000)
    assert len(parts) > 5
    for i, part in enumerate(parts, 1):
        assert prompt_tokens(part_prompt(article, part, f"{i} of {len(parts)}")) <= 4_000
    # Each number in exactly one part, in order, with its own text: nothing lost or renumbered.
    numbers = [part.first + i for part in parts for i in range(len(part.paragraphs))]
    assert numbers == list(range(1, len(article.paragraphs) + 1))
    assert numbered(parts) == list(enumerate(article.paragraphs, 1))


def test_a_paragraph_over_the_budget_is_cut_at_sentence_ends_and_keeps_its_number() -> None:
    sources = [json.loads((ARTICLES / f"{n}.json").read_text(encoding="utf-8")) for n in (25, 26)]
    giant = "".join(p for s in sources for p in split_paragraphs(s["text"]))
    before, after = long_article().paragraphs[:3], long_article().paragraphs[3:6]
    article = make_article(title="一个超长段落", paragraphs=[*before, giant, *after])
    budget = 1_000
    assert prompt_tokens(part_prompt(article, Part(4, (giant,)), "1 of 1")) > budget

    parts = split_article(article, budget)
    assert numbered(parts) == list(enumerate(article.paragraphs, 1))
    pieces = [
        (part, i, text)
        for part in parts
        for i, text in enumerate(part.paragraphs)
        if part.first + i == 4
    ]
    assert len(pieces) >= 3
    assert "".join(text for _, _, text in pieces) == giant
    for *_, text in pieces[:-1]:
        assert SENTENCE_END.search(text), text[-20:]
    for n, (part, i, text) in enumerate(pieces):
        assert f"[4] {text}\n" in part_prompt(article, part, "1 of 9")[1].content
        assert i == 0 or n == 0  # a piece opens its part, unless it is the first piece
    for i, part in enumerate(parts, 1):
        assert prompt_tokens(part_prompt(article, part, f"{i} of {len(parts)}")) <= budget


def test_the_rendered_prompt_decides_when_the_line_estimate_is_low(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Parts are filled by summing each line's tokens, then measured as rendered; with an
    # estimate that undercounts by half, only the measurement keeps them under the budget.
    real = longform._line_tokens
    monkeypatch.setattr(longform, "_line_tokens", lambda n, text: real(n, text) // 2)
    article = long_article()
    parts = split_article(article, 4_000)
    for i, part in enumerate(parts, 1):
        assert prompt_tokens(part_prompt(article, part, f"{i} of {len(parts)}")) <= 4_000
    assert numbered(parts) == list(enumerate(article.paragraphs, 1))


def test_budget_is_the_context_less_the_answer() -> None:
    assert budget_for("gpt-4o-mini") > 100_000
    assert budget_for("gpt-4o-mini-2024-07-18") == budget_for("gpt-4o-mini")
    assert budget_for("moonshot-v1-8k") < 4_000
    assert budget_for("unknown-local-model") == budget_for("moonshot-v1-8k")
    assert budget_for("gpt-4o-mini", max_tokens=16_000) < budget_for("gpt-4o-mini")
    assert not needs_split(long_article(), budget_for("gpt-4o-mini"))
    assert needs_split(long_article(), budget_for("deepseek-chat") // 2)


# --- Briefing the parts and the reduce. --------------------------------------------------


def drawn(paragraph: str) -> str:
    """Words of `paragraph` without its numbers: a claim the checks see as drawn from it.
    半 goes too: 下半年 is a span of the year (H2), a quantity the English would have to state."""
    return (
        re.sub(r"[^\u4e00-\u9fff]|[零一二三四五六七八九十百千万亿两半]", "", paragraph)[:16] + "。"
    )


def part_answer(part: Part) -> dict[str, Any]:
    """TEST ANSWER for one part: no numbers, cites the part's first and last paragraph."""
    first = {"en": "Test answer: a claim of this part.", "zh": drawn(part.paragraphs[0])}
    last = {**first, "zh": drawn(part.paragraphs[-1])}
    return {
        "title": {"en": "Test answer: part title", "zh": "测试答案：部分标题"},
        "core_viewpoint": {**first, "cites": [part.first]},
        "groups": [
            {
                "title": {"en": "First group", "zh": "第一组"},
                "claims": [{**first, "cites": [part.first]}],
            },
            {
                "title": {"en": "Second group", "zh": "第二组"},
                "claims": [{**last, "cites": [part.last]}],
            },
        ],
    }


def reduce_answer(article: Article) -> dict[str, Any]:
    """TEST ANSWER for the reduce: claims with numbers, cited to paragraphs in three parts."""
    rules = number_of(article, "自2024年10月1日起施行")  # part 1
    reserve = number_of(article, "总储备量超20万吨", 1)  # part 2
    ore = number_of(article, "181美元/吨", -1)  # part 4
    return {
        "title": {
            "en": "Test answer: rare earths, tariffs and commodities",
            "zh": "测试答案：稀土、关税与大宗商品",
        },
        "core_viewpoint": {
            "en": "China's Rare Earth Management Regulations take effect on October 1, 2024.",
            "zh": "《稀土管理条例》自2024年10月1日起施行。",
            "cites": [rules],
        },
        "groups": [
            {
                "title": {"en": "Rare-earth rules", "zh": "稀土管理"},
                "claims": [
                    {
                        "en": "The regulations have 32 articles.",
                        "zh": "《条例》共32条。",
                        "cites": [rules],
                    },
                    {
                        "en": "Baotou Steel Rare-Earth is building 10 rare-earth oxide storage "
                        "facilities holding over 200,000 tonnes in total.",
                        "zh": "包钢稀土兴建10个稀土氧化物储备设施，总储备量超20万吨。",
                        "cites": [reserve],
                    },
                ],
            },
            {
                "title": {"en": "Iron ore prices", "zh": "铁矿石价格"},
                "claims": [
                    {
                        "en": "As of May 20, Indian fines of 63.5% grade were quoted at 181 US "
                        "dollars per tonne at Qingdao port.",
                        "zh": "截至5月20日，青岛港品位63.5%的印度粉矿报价在181美元/吨。",
                        "cites": [ore],
                    },
                ],
            },
        ],
    }


@pytest.fixture
def parts() -> list[Part]:
    parts = split_article(long_article(), BUDGET)
    assert len(parts) == 4
    return parts


def test_parts_are_briefed_in_their_own_numbers_and_merged_into_one_grounded_brief(
    parts: list[Part],
) -> None:
    article = long_article()
    llm = FakeLLM().enqueue(*map(part_answer, parts), reduce_answer(article))
    brief = summarize_long(article, llm, budget_tokens=BUDGET)

    assert len(llm.history) == 5
    for i, (part, messages) in enumerate(zip(parts, llm.history, strict=False), 1):
        user = messages[1].content
        assert f"numbered [{part.first}] to\n[{part.last}]." in user
        assert f"This is part {i} of 4" in user
        assert f"\n[{part.first}] {part.paragraphs[0]}\n" in user
        assert f"\n[{part.last}] {part.paragraphs[-1]}\n" in user
        assert prompt_tokens(messages) <= BUDGET
    system, user = (m.content for m in llm.history[4])
    assert "merge those partial briefs" in system
    for i, part in enumerate(parts, 1):  # the partial briefs, as data, in original numbers
        assert f"## Part {i} of 4: paragraphs {part.first}-{part.last}" in user
        assert f"[{part.last}]" in user
    assert user.index("<<<BRIEFS") < user.index("## Part 1") < user.rindex("BRIEFS>>>")

    assert brief.article == article
    assert brief.findings == [] and check_brief(brief) == []
    reserve, ore = number_of(article, "总储备量超20万吨", 1), number_of(article, "181美元/吨", -1)
    assert [c.cites for _, c in brief.claims_with_paths()] == [[2], [2], [reserve], [ore]]
    assert [p.first <= reserve <= p.last for p in parts] == [False, True, False, False]
    assert [p.first <= ore <= p.last for p in parts] == [False, False, False, True]
    assert brief.meta.prompt == "brief@1+reduce@1"
    assert brief.meta.attempts == 5
    assert brief.meta.usage.prompt_tokens == 500 and brief.meta.usage.completion_tokens == 250


def test_a_reduce_answer_citing_a_wrong_paragraph_is_reasked(parts: list[Part]) -> None:
    article = long_article()
    good = reduce_answer(article)
    wrong = copy.deepcopy(good)
    wrong["groups"][1]["claims"][0]["cites"] = [2]  # 181美元/吨 is not in paragraph 2
    llm = FakeLLM().enqueue(*map(part_answer, parts), wrong, good)
    brief = summarize_long(article, llm, budget_tokens=BUDGET)

    assert len(llm.history) == 6
    reask = llm.history[5]
    assert "merge those partial briefs" in reask[0].content  # the reduce, continued
    assert reask[-2].role == "assistant" and '"cites": [2]' in reask[-2].content
    assert "groups[1].claims[0]: 181 not found in paragraph 2" in reask[-1].content
    assert brief.findings == []
    assert brief.groups[1].claims[0].cites == good["groups"][1]["claims"][0]["cites"]
    assert brief.meta.attempts == 6 and brief.meta.usage.prompt_tokens == 600


def test_a_partial_brief_citing_outside_its_part_is_reasked(parts: list[Part]) -> None:
    article = long_article()
    outside = part_answer(parts[1])
    outside["groups"][0]["claims"][0]["cites"] = [1]  # exists, but is in part 1
    answers = [part_answer(p) for p in parts]
    llm = FakeLLM().enqueue(answers[0], outside, answers[1], *answers[2:], reduce_answer(article))
    brief = summarize_long(article, llm, budget_tokens=BUDGET)

    fix = llm.history[2][-1].content
    assert f"cites 1, but this part has paragraphs {parts[1].first}-{parts[1].last}" in fix
    assert f"[{parts[1].first}]" in llm.history[5][1].content  # the revision was merged
    assert brief.findings == [] and brief.meta.attempts == 6


def test_a_failed_part_is_flagged_and_the_reduce_goes_on_without_it(parts: list[Part]) -> None:
    article = long_article()
    answers = [part_answer(p) for p in parts]
    failure = InvalidAnswerError(
        "'fake-model' answered with invalid JSON twice",
        prompt_tokens=70,
        completion_tokens=30,
        attempts=2,
    )
    llm = FakeLLM().enqueue(answers[0], failure, *answers[2:], reduce_answer(article))
    brief = summarize_long(article, llm, budget_tokens=BUDGET)

    reduce_prompt = llm.history[-1][1].content
    missing = f"paragraphs {parts[1].first}-{parts[1].last}"
    assert f"Not briefed: this part could not be read, so {missing} are missing" in reduce_prompt
    assert [(f.where, f.kind, f.severity) for f in brief.findings] == [
        ("core_viewpoint", "part-not-briefed", "error")
    ]
    detail = brief.findings[0].detail
    assert f"{missing} (part 2 of 4) could not be briefed" in detail
    assert "invalid JSON twice" in detail and "does not cover them" in detail
    # The failed part's paid attempts count: 3 parts + reduce at 100, plus its 70.
    assert brief.meta.usage.prompt_tokens == 470 and brief.meta.attempts == 6


def test_one_part_left_is_the_brief_without_a_reduce(parts: list[Part]) -> None:
    article = long_article()
    llm = FakeLLM().enqueue(
        LLMError("server down"),
        part_answer(parts[1]),
        LLMError("server down"),
        LLMError("server down"),
    )
    brief = summarize_long(article, llm, budget_tokens=BUDGET)
    assert len(llm.history) == 4
    assert brief.meta.prompt == "brief@1"
    assert [f.kind for f in brief.findings] == ["part-not-briefed"] * 3
    assert brief.core_viewpoint.cites == [parts[1].first]


def test_a_reduce_prompt_over_the_budget_is_warned_about_before_the_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article = long_article()
    parts = split_article(article, 1_500)
    llm = FakeLLM().enqueue(*map(part_answer, parts), reduce_answer(article))
    with caplog.at_level("WARNING", logger="briefing.brief.longform"):
        brief = summarize_long(article, llm, budget_tokens=1_500)
    assert prompt_tokens(llm.history[-1]) > 1_500
    assert "the reduce prompt has" in caplog.text and "over the budget of 1500" in caplog.text
    assert brief.meta.attempts == len(parts) + 1


def test_no_part_briefed_is_an_error(parts: list[Part]) -> None:
    llm = FakeLLM().enqueue(*[LLMError("server down")] * 4)
    with pytest.raises(LLMError, match="None of the 4 parts .* server down"):
        summarize_long(long_article(), llm, budget_tokens=BUDGET)


def test_an_article_within_the_budget_is_one_ordinary_call() -> None:
    article = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
    answer = json.loads((EXAMPLES / "answers" / f"{article.id}.json").read_text("utf-8"))
    assert not needs_split(article, budget_for("fake-model"))
    llm = FakeLLM().enqueue(answer)
    brief = summarize_long(article, llm, budget_tokens=budget_for("fake-model"))
    assert llm.history == [render_messages("brief", article=article)]
    assert "This is part" not in llm.history[0][1].content
    assert brief.meta.prompt == "brief@1" and brief.findings == []
