"""Shared by the Slack tests: targets on the stand-in, a fake sleep, block readers, and
digests and briefs built in code (many stories, long claims, hostile text). Story texts are
written here; the briefs are the authored example answers."""

from __future__ import annotations

from typing import Any

from digests import example_digest
from pydantic import SecretStr
from support.slack_server import SlackStandIn

from briefing.models import ArticleCite, Bilingual, Brief, Digest, Story, StoryClaim
from briefing.slack.target import SlackTarget

TOKEN = "xoxb-0000000000-1111111111-standinSECRETtoken"
CHANNEL = "C0STANDIN"


def webhook(server: SlackStandIn, url: str | None = None) -> SlackTarget:
    """The stand-in's webhook, or `url` instead."""
    return SlackTarget(webhook_url=SecretStr(url or server.webhook_url))


def bot(server: SlackStandIn, token: str = TOKEN, channel: str = CHANNEL) -> SlackTarget:
    """The stand-in's Web API with a bot token and channel."""
    return SlackTarget(token=SecretStr(token), channel=channel, api_url=server.api_url)


class Sleeps(list[float]):
    """A fake sleep that remembers how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def texts(blocks: list[dict[str, Any]], kind: str = "section") -> list[str]:
    """The texts of the blocks of one kind."""
    out = []
    for block in blocks:
        if block["type"] != kind:
            continue
        if kind == "context":
            out += [e["text"] for e in block["elements"]]
        else:
            out.append(block["text"]["text"])
    return out


def header_of(blocks: list[dict[str, Any]]) -> str:
    """The text of a message's header block, which comes first."""
    assert blocks[0]["type"] == "header"
    return str(blocks[0]["text"]["text"])


_FILLER = (
    "Officials said the measure would take effect next month & apply to 34% of imports. "
    "Analysts expect a response from trading partners within weeks. "
)


def marker(story: int, claim: int) -> str:
    """The unique text that starts claim `claim` of story `story` (0 is the summary)."""
    return f"S{story:02d}C{claim}"


def big_digest(stories: int = 50, claims: int = 6) -> Digest:
    """`stories` stories of `claims` claims each, of varied lengths, over the example briefs."""
    base = example_digest()
    ids = [b.article.id for b in base.briefs]

    def statement(story: int, claim: int) -> StoryClaim:
        size = 1 + (story * 7 + claim * 3) % 4  # 1 to 4 filler sentences: ~150 to ~600 chars
        return StoryClaim(
            en=f"{marker(story, claim)} " + _FILLER * size,
            zh=f"{marker(story, claim)} 官员表示该措施将于下月生效，适用于34%的进口商品。" * size,
            cites=[ArticleCite(article=ids[claim % 2], paragraphs=[1 + claim % 3])],
        )

    base.stories = [
        Story(
            title=Bilingual(en=f"Story {i}: tariffs & trade, part {i}", zh=f"专题 {i}：关税与贸易"),
            articles=ids,
            summary=statement(i, 0),
            claims=[statement(i, j) for j in range(1, claims + 1)],
        )
        for i in range(1, stories + 1)
    ]
    return base


def long_claim_digest(sentences: int = 120) -> tuple[Digest, str]:
    """A digest whose one story has a claim far longer than a section, and that claim."""
    digest = big_digest(stories=1, claims=2)
    text = " ".join(
        f"Sentence {n} of the long claim reports a figure of {n}0 tonnes."
        for n in range(1, sentences + 1)
    )
    digest.stories[0].claims.append(
        StoryClaim(
            en=text,
            zh=text,
            cites=[ArticleCite(article=digest.briefs[0].article.id, paragraphs=[2])],
        )
    )
    return digest, text


def hostile_brief() -> Brief:
    """A brief whose model and article text try to ping, inject markup and link script."""
    brief = example_digest().briefs[0].model_copy(deep=True)
    brief.title = Bilingual(en="<!channel> Alert & *news* <@U0123>", zh="<!here> 警报")
    brief.core_viewpoint.en = "<script>alert(1)</script> & @everyone <!everyone> ~gone~ `code`"
    brief.groups[0].claims[0].en = "*bold* _it_ <https://evil.example|click> | a > b"
    brief.article.url = "javascript:alert(1)"
    return brief
