"""Real articles and briefs for the checks beyond numbers (tests/test_checks_*.py).

Articles come from ../shared/data/articles (real news, see its README); the correct briefs
are the authored answers in examples/answers/ over the example articles.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLES, load_answer

from briefing.brief.answers import brief_from_answer
from briefing.grounding import check_brief
from briefing.ingest import read_source
from briefing.models import Article, Bilingual, Brief, BriefAnswer, BriefMeta, Claim, Finding, Group

DATA = Path(__file__).parent / "data" / "articles"
META = BriefMeta(model="test", prompt="brief@1", generated_at="2026-01-01T00:00:00")
# The kinds the checks beyond numbers report.
NEW_KINDS = {
    "wrong-language",
    "direction-mismatch",
    "actor-mismatch",
    "negation-mismatch",
    "zh-copies-en",
    "repeated-claim",
    "repeated-title",
    "cut-off",
}


def shared_article(name: str) -> Article:
    """../shared/data/articles/<name>.json, read as any input is."""
    return read_source(str(DATA / f"{name}.json"))[0]


def example_articles() -> dict[str, Article]:
    """Every example article (examples/weekly/, examples/*.txt|json) by id."""
    paths = sorted((EXAMPLES / "weekly").iterdir())
    paths += [EXAMPLES / "shoigu-rare-earths.txt", EXAMPLES / "rare-earth-regulation.json"]
    return {a.id: a for p in paths for a in read_source(str(p))}


def example_brief(article: Article) -> Brief:
    """The authored answer of an example article, as a Brief (checks not run)."""
    answer = BriefAnswer.model_validate(load_answer(article.id))
    return brief_from_answer(article, answer, META)


def one_claim(article: Article, en: str, zh: str, *cites: int) -> Brief:
    """A brief of `article` whose one group holds one claim."""
    return Brief(
        article=article,
        title=Bilingual(en="The news", zh="新闻"),
        core_viewpoint=Claim(en="A report.", zh="报道。", cites=[1]),
        groups=[
            Group(
                title=Bilingual(en="Facts", zh="事实"),
                claims=[Claim(en=en, zh=zh, cites=list(cites))],
            )
        ],
        meta=META,
    )


def found(brief: Brief, *kinds: str) -> list[Finding]:
    """The brief's findings of the given kinds (all the new kinds when none is given)."""
    wanted = set(kinds) or NEW_KINDS
    return [f for f in check_brief(brief) if f.kind in wanted]


def story_answer(name: str) -> dict[str, object]:
    """An authored story answer (examples/answers/story-<name>.json)."""
    data: dict[str, object] = json.loads(
        (EXAMPLES / "answers" / f"story-{name}.json").read_text(encoding="utf-8")
    )
    return data
