"""A digest of the two example articles, built in code for the renderer tests.

The briefs are the authored answers in examples/answers/ over the example articles; the
story synthesis, the duplicate and the failure are written here.
"""

from __future__ import annotations

from conftest import EXAMPLES, load_answer

from briefing.brief.answers import brief_from_answer
from briefing.ingest import read_source
from briefing.models import (
    Article,
    ArticleCite,
    Bilingual,
    Brief,
    BriefAnswer,
    BriefMeta,
    Digest,
    DigestMeta,
    Duplicate,
    Failure,
    Period,
    Story,
    StoryClaim,
    Usage,
)

# The reference export lists the Sohu story twice; this stands for the dropped copy.
DROPPED_COPY = "5b7e0c2a9d14"


def brief_of(article: Article) -> Brief:
    """A Brief from the article's authored answer, without running the checks."""
    answer = BriefAnswer.model_validate(load_answer(article.id))
    meta = BriefMeta(model="fake-model", prompt="brief@1", generated_at="2025-10-27T08:00:00")
    return brief_from_answer(article, answer, meta)


def example_digest() -> Digest:
    """Two briefs in one story, one duplicate merged, one failure."""
    shoigu = brief_of(read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0])
    regulation = brief_of(read_source(str(EXAMPLES / "rare-earth-regulation.json"))[0])
    s, r = shoigu.article.id, regulation.article.id
    story = Story(
        title=Bilingual(
            en="Rare earths: Russia seeks its own supply chain as China tightens control",
            zh="稀土：俄罗斯谋求自主产业链，中国强化全链条管理",
        ),
        articles=[s, r],
        summary=StoryClaim(
            en="Russia plans to spend 700 billion rubles on a rare-earth chain independent of "
            "China and the US, while China's Rare Earth Management Regulation, in force from "
            "October 1, 2024, puts the resource under state ownership and supervises the chain.",
            zh="俄罗斯计划投资7000亿卢布建设独立于中美的稀土产业链；中国自2024年10月1日起施行的"
            "《稀土管理条例》明确稀土资源属于国家所有，并对全产业链实施监管。",
            cites=[
                ArticleCite(article=s, paragraphs=[2, 3]),
                ArticleCite(article=r, paragraphs=[1, 3]),
            ],
        ),
        claims=[
            StoryClaim(
                en="Russia's chain would run from mining to purification, with a processing "
                "cluster in Siberia; the Sohu author doubts Russia has the technology.",
                zh="俄罗斯的产业链将覆盖开采到提纯，并在西伯利亚建设加工集群；搜狐作者怀疑俄罗斯缺乏相关技术。",
                cites=[ArticleCite(article=s, paragraphs=[3, 5])],
            ),
            StoryClaim(
                en="China caps mining and smelting separation by total volume and requires product "
                "traceability.",
                zh="中国对稀土开采和冶炼分离实行总量调控，并建立产品追溯制度。",
                cites=[ArticleCite(article=r, paragraphs=[6])],
            ),
        ],
    )
    return Digest(
        period=Period(start="2024-06-24", end="2025-10-26"),
        stories=[story],
        briefs=[shoigu, regulation],
        duplicates=[Duplicate(kept=s, dropped=[DROPPED_COPY], similarity=0.91)],
        failures=[Failure(input="feeds/bad.html", error="no article body found")],
        meta=DigestMeta(
            model="gpt-4o-mini",
            usage=Usage(prompt_tokens=5210, completion_tokens=2380),
            cost_usd=0.0031,
            generated_at="2025-10-27T08:00:00+00:00",
        ),
    )
