"""A digest of the two example articles, built in code for the renderer tests.

The briefs are the authored answers in examples/answers/ over the example articles; the
story synthesis, the duplicate and the failure are written here.
"""

from __future__ import annotations

from conftest import EXAMPLES, load_answer

from briefing.brief.answers import brief_from_answer
from briefing.digest.synthesis import story_of_one
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
    Finding,
    Period,
    Story,
    StoryClaim,
    TimelineEntry,
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


def week_digest() -> Digest:
    """The example digest with a week in brief (one point deliberately wrong: 800 billion,
    flagged as the checks would), a timeline on its story and the regulation's address.

    The points are written here from the example articles' paragraphs, as a test fixture;
    they are no model's output."""
    digest = example_digest()
    s, r = digest.briefs[0].article.id, digest.briefs[1].article.id
    digest.briefs[1].article.url = "https://example.com/rare-earth-regulation"  # a test address
    digest.week = [
        StoryClaim(
            en="Shoigu says Russia urgently needs a rare-earth metals chain fully independent of "
            "China and the US.",
            zh="绍伊古称，俄罗斯迫切需要建立完全独立于中美的自主稀土金属产业链。",
            cites=[ArticleCite(article=s, paragraphs=[2])],
        ),
        StoryClaim(
            en="Russia plans to invest 800 billion rubles in a chain from mining to purification.",
            zh="俄罗斯计划投资8000亿卢布，打造从开采到提纯的完整产业链。",
            cites=[ArticleCite(article=s, paragraphs=[3])],
        ),
        StoryClaim(
            en="China's Rare Earth Management Regulation, 32 articles, takes effect on "
            "October 1, 2024.",
            zh="中国《稀土管理条例》共32条，自2024年10月1日起施行。",
            cites=[ArticleCite(article=r, paragraphs=[1])],
        ),
        StoryClaim(
            en="Rare-earth resources belong to the state, which applies protective mining.",
            zh="稀土资源属于国家所有，国家对稀土资源实行保护性开采。",
            cites=[ArticleCite(article=r, paragraphs=[3])],
        ),
        StoryClaim(
            en="China caps mining and smelting separation by total volume and requires "
            "product traceability.",
            zh="中国对稀土开采和冶炼分离实行总量调控，并建立产品追溯制度。",
            cites=[ArticleCite(article=r, paragraphs=[6])],
        ),
    ]
    digest.week_findings = [
        Finding(
            where="week[1]",
            kind="number-not-in-cited",
            severity="error",
            detail=f"800 billion not found in the cited paragraphs; it appears in {s} paragraph 3"
            "; check the number, or cite the paragraphs it rests on",
        )
    ]
    digest.stories[0].timeline = [
        TimelineEntry(
            date="2024-06-29",
            en="Li Qiang signs the State Council decree issuing the Rare Earth Management "
            "Regulation.",
            zh="国务院总理李强签署国务院令，公布《稀土管理条例》。",
            cites=[ArticleCite(article=r, paragraphs=[1])],
        ),
        TimelineEntry(
            date="2025-10-24",
            en="Shoigu calls for a rare-earth chain independent of China and the US.",
            zh="绍伊古称俄罗斯需要独立于中美的稀土产业链。",
            cites=[ArticleCite(article=s, paragraphs=[2])],
        ),
    ]
    return digest


def single_stories_digest() -> Digest:
    """The example digest with each article its own story, made as the engine makes one."""
    digest = example_digest()
    digest.stories = [story_of_one(b) for b in digest.briefs]
    return digest
