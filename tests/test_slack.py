"""Slack messages: mrkdwn escaping, splitting within Slack's limits, and briefs and digests
posted end to end through the real slack_sdk clients to the local stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from digests import brief_of
from slack_support import (
    CHANNEL,
    TOKEN,
    big_digest,
    bot,
    header_of,
    hostile_brief,
    long_claim_digest,
    marker,
    texts,
    webhook,
)
from support.slack_server import SlackStandIn

from briefing.ingest import read_source
from briefing.slack import mrkdwn as md
from briefing.slack.blocks import FIRST_TS
from briefing.slack.message_limits import (
    BUDGET_BLOCKS_JSON,
    BUDGET_FALLBACK,
    MAX_BLOCKS,
    MAX_HEADER,
    MAX_TEXT_OBJECT,
    blocks_json_len,
)
from briefing.slack.post import post_document
from briefing.slack.split import build_messages


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(token=TOKEN, channels={CHANNEL: True, "C0OUTSIDE": False}) as server:
        yield server


# --- mrkdwn ------------------------------------------------------------------------------


def test_text_escapes_control_characters_and_defuses_mentions() -> None:
    out = md.text("<!channel> & <script>alert(1)</script> <@U0123> @here <!here|x>")
    assert out == (
        "&lt;!channel&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; &lt;@U0123&gt; "
        "@\u2060here &lt;!here|x&gt;"
    )
    assert "<" not in out and ">" not in out


def test_plain_text_defuses_every_angle_bracket_sequence_and_bidi() -> None:
    out = md.plain("<script> <http://evil.example|click> <!here> a < b \u202eevil")
    assert out == ("<\u2060script> <\u2060http://evil.example|click> <\u2060!here> a < b evil")


def test_text_makes_formatting_marks_inert_and_keeps_one_line() -> None:
    out = md.text("*bold* _it_ ~strike~ `code`\n> quote")
    assert not set("*_~`") & set(out)
    assert out == "∗bold∗ ˍitˍ ∼strike∼ ˋcodeˋ &gt; quote"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/a", "https://x.example/a b", None],
)
def test_only_http_addresses_become_links(url: str | None) -> None:
    assert md.link(url, "Title <b> & co") == "Title &lt;b&gt; &amp; co"


def test_link_labels_and_addresses_cannot_break_out() -> None:
    out = md.link("https://x.example/a?b=1&c=2|3", "A | B > C")
    assert out == "<https://x.example/a?b=1&amp;c=2%7C3|A ∣ B &gt; C>"
    assert out.count("|") == 1 and out.count(">") == 1


def test_fit_splits_at_sentence_ends_with_a_note() -> None:
    line = " ".join(f"Sentence {n} is here." for n in range(1, 40))
    pieces = md.fit(line, 100, "(continued)")
    assert all(md.slack_len(p) <= 100 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert all(p.startswith("(continued) ") for p in pieces[1:])
    rebuilt = " ".join(p.removeprefix("(continued) ") for p in pieces)
    assert rebuilt == line


def test_fit_never_cuts_an_entity_or_a_link() -> None:
    line = "x" * 95 + " &amp; <https://a.example/long|label here> " + "y" * 50
    for piece in md.fit(line, 100, "(c)"):
        assert piece.count("<") == piece.count(">")
        assert "&am" not in piece or "&amp;" in piece


def test_slack_len_counts_utf16_units() -> None:
    assert md.slack_len("稀土") == 2 and md.slack_len("😀") == 2


# --- splitting ---------------------------------------------------------------------------


def check_limits(payload: dict[str, Any]) -> None:
    """The budget, tighter than what Slack refuses (the stand-in checks Slack's limits)."""
    blocks = payload["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert blocks_json_len(blocks) <= BUDGET_BLOCKS_JSON
    assert 0 < md.slack_len(payload["text"]) <= BUDGET_FALLBACK
    assert md.slack_len(header_of(blocks)) <= MAX_HEADER
    for text in texts(blocks) + texts(blocks, "context"):
        assert 0 < md.slack_len(text) <= MAX_TEXT_OBJECT


@pytest.mark.parametrize("lang", ["en", "zh", "both"])
def test_fifty_stories_split_within_limits_each_claim_once(slack: SlackStandIn, lang: str) -> None:
    digest = big_digest(stories=50)
    posted = post_document(digest, webhook(slack), lang)  # type: ignore[arg-type]

    sent = [r.body for r in slack.requests]
    assert len(sent) == len(posted) == len(slack.messages) > 1
    for payload in sent:
        check_limits(payload)
    sections = [(i, t) for i, p in enumerate(sent) for t in texts(p["blocks"])]
    langs = ["en", "zh"] if lang == "both" else [lang]
    for story in digest.stories:
        for statement in [story.summary, *story.claims]:
            for one in langs:
                whole = md.text(getattr(statement, one))
                found = [i for i, t in sections for _ in range(t.count(whole))]
                assert len(found) == 1, (whole[:20], found)
    # A story's title and summary are one block; each story sits in one message.
    for n, story in enumerate(digest.stories, 1):
        first = getattr(story.title, langs[0])
        homes = {i for i, t in sections if t.startswith(f"*{n}. {md.text(first)}*")}
        assert len(homes) == 1
        (home,) = homes
        assert all(
            any(marker(n, c) in t for i, t in sections if i == home)
            for c in range(len(story.claims) + 1)
        )


def test_webhook_continuations_are_numbered_and_announced(slack: SlackStandIn) -> None:
    post_document(big_digest(stories=50), webhook(slack), "en")
    sent = [r.body for r in slack.requests]
    total = len(sent)
    assert total == 17  # 50 stories of 7 statements, three stories a message, then sources
    period = "2024-06-24 – 2025-10-26"
    assert [header_of(p["blocks"]) for p in sent] == [
        f"Weekly brief · {period} ({n}/{total})" for n in range(1, total + 1)
    ]
    assert all("thread_ts" not in p for p in sent)
    assert texts(sent[0]["blocks"], "context")[-1] == (
        f"_Continued in the next {total - 1} messages._"
    )
    assert sent[0]["text"].startswith(f"Weekly brief · {period} (1/{total}): 2 articles briefed")
    assert sent[1]["text"] == (
        f"Weekly brief · {period} (2/{total}): Story 4: tariffs &amp; "
        "trade, part 4; 5. Story 5: tariffs &amp; trade, part 5; 6. Story "
        "6: tariffs &amp; trade, part 6"
    ).replace("Story 4", "4. Story 4")


def test_thread_replies_use_the_first_messages_ts(slack: SlackStandIn) -> None:
    posted = post_document(big_digest(stories=50), bot(slack), "en")
    first, *rest = slack.messages
    assert first.thread_ts is None and first.ts == posted[0].ts
    assert rest and all(m.thread_ts == first.ts for m in rest)
    assert all(m.channel == CHANNEL for m in slack.messages)
    bodies = [r.body for r in slack.requests]
    assert "thread_ts" not in bodies[0]
    assert all(b["thread_ts"] == first.ts for b in bodies[1:])
    assert texts(bodies[0]["blocks"], "context")[-1] == (
        f"_Continued in the thread: {len(rest)} more messages._"
    )
    assert [r.headers["authorization"] for r in slack.requests] == [f"Bearer {TOKEN}"] * len(posted)


def test_a_claim_longer_than_a_section_is_split_at_sentences_with_a_note() -> None:
    digest, long_text = long_claim_digest()
    sections = [t for m in build_messages(digest, "en") for t in texts(m.blocks)]
    parts = [t for t in sections if "long claim" in t]
    assert len(parts) >= 3 and all(md.slack_len(t) <= MAX_TEXT_OBJECT for t in parts)
    pieces = [line for t in parts for line in t.split("\n") if "long claim" in line]
    assert pieces[0].startswith("• Sentence 1 ")
    assert all(p.startswith("(continued) Sentence ") for p in pieces[1:])
    assert all(p.removesuffix(" [A1 ¶2]").endswith("tonnes.") for p in pieces)
    rebuilt = " ".join(p.removeprefix("• ").removeprefix("(continued) ") for p in pieces)
    assert rebuilt == f"{long_text} [A1 ¶2]"


def test_a_story_too_big_for_one_message_continues_with_its_name() -> None:
    digest = big_digest(stories=2, claims=60)
    messages = build_messages(digest, "en")
    assert len(messages) >= 4
    carried = [
        texts(m.blocks, "context")[0]
        for m in messages[1:]
        if texts(m.blocks, "context")[0].endswith("(continued)_")
    ]
    assert "_1. Story 1: tariffs &amp; trade, part 1 (continued)_" in carried
    sections = [t for m in messages for t in texts(m.blocks)]
    for story in (1, 2):
        for claim in range(61):
            assert sum(t.count(f"{marker(story, claim)} ") for t in sections) == 1


def test_dry_run_payloads_mark_thread_replies() -> None:
    messages = build_messages(big_digest(stories=10), "en", threaded=True)
    payloads = [m.payload() for m in messages]
    assert set(payloads[0]) == {"text", "blocks"}
    assert all(p["thread_ts"] == FIRST_TS for p in payloads[1:])


# --- briefs --------------------------------------------------------------------------------


@pytest.mark.parametrize("threaded", [False, True])
def test_a_brief_posts_end_to_end(slack: SlackStandIn, threaded: bool) -> None:
    from conftest import EXAMPLES

    brief = brief_of(read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0])
    brief.article.url = "https://www.sohu.com/a/example?id=1&from=feed"
    post_document(brief, bot(slack) if threaded else webhook(slack), "en")
    (message,) = slack.messages
    assert header_of(message.blocks) == brief.title.en
    context = texts(message.blocks, "context")[0]
    assert context == (
        "Original: <https://www.sohu.com/a/example?id=1&amp;from=feed|"
        f"{md.text(brief.article.title)}> — Sou Hu Cai Jing · 2025-10-25 12:49"
    )
    sections = texts(message.blocks)
    cites = "".join(f"[{n}]" for n in brief.core_viewpoint.cites)
    assert sections[0] == f"*Core Viewpoint* — {md.text(brief.core_viewpoint.en)} {cites}"
    for number, group in enumerate(brief.groups, 1):
        section = next(t for t in sections if t.startswith(f"*Group {number}: "))
        for claim in group.claims:
            assert f"• {md.text(claim.en)} " in section
    assert message.text.startswith(f"{md.text(brief.title.en)}: {md.text(brief.core_viewpoint.en)}")


def test_hostile_text_posts_as_inert_text(slack: SlackStandIn) -> None:
    post_document(hostile_brief(), webhook(slack), "both")
    payload = slack.requests[0].body
    dumped = json.dumps(payload, ensure_ascii=False)
    for raw in (
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U0123>",
        "<script",
        "*bold*",
        "<https://evil",
        "javascript:alert(1)|",
        "@everyone",
        "~gone~",
        "`code`",
    ):
        assert raw not in dumped, raw
    sections = texts(payload["blocks"])
    assert sections[0].startswith(
        "*Core Viewpoint* — &lt;script&gt;alert(1)&lt;/script&gt; "
        "&amp; @\u2060everyone &lt;!everyone&gt; ∼gone∼ ˋcodeˋ ["
    )
    assert "• ∗bold∗ ˍitˍ &lt;https://evil.example|click&gt; | a &gt; b [" in sections[1]
    context = texts(payload["blocks"], "context")[0]
    assert "(javascript:alert(1))" in context and "<javascript" not in context
    assert header_of(payload["blocks"]) == "<\u2060!channel> Alert & *news* <\u2060@U0123>"
    assert payload["text"].startswith("&lt;!channel&gt; Alert &amp; ∗news∗")
