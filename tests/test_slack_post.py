"""Posting through the real slack_sdk clients to the local stand-in: 429s waited out, each
Slack error explained, partial posts reported; and the stand-in refusing what Slack refuses."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from digests import example_digest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from slack_support import CHANNEL, TOKEN, Sleeps, big_digest, bot, header_of, webhook
from support.slack_server import Answer, SlackStandIn, api_error, rate_limited

from briefing.errors import EXIT_PROVIDER
from briefing.slack.blocks import SlackMessage
from briefing.slack.message_limits import MAX_BLOCKS
from briefing.slack.post import MAX_RATE_RETRIES, SlackError, post_document, post_messages
from briefing.slack.split import build_messages
from briefing.slack.target import SlackTarget


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(token=TOKEN, channels={CHANNEL: True, "C0OUTSIDE": False}) as server:
        yield server


# --- posting: retries and errors ----------------------------------------------------------


@pytest.mark.parametrize("threaded", [False, True])
def test_429_waits_retry_after_and_posts_once(slack: SlackStandIn, threaded: bool) -> None:
    slack.queue(rate_limited(7, web_api=threaded), rate_limited(2, web_api=threaded), at=2)
    sleeps = Sleeps()
    messages = build_messages(big_digest(stories=10), "en", threaded=threaded)
    target = bot(slack) if threaded else webhook(slack)
    posted = post_messages(messages, target, sleep=sleeps)
    assert sleeps == [7.0, 2.0]
    assert len(posted) == len(slack.messages) == len(messages)
    assert len(slack.requests) == len(messages) + 2
    assert [header_of(m.blocks) for m in slack.messages] == [header_of(m.blocks) for m in messages]


def test_429_that_does_not_stop_is_reported(slack: SlackStandIn) -> None:
    slack.queue(*[rate_limited(1)] * (MAX_RATE_RETRIES + 1), at=2)
    messages = build_messages(big_digest(stories=10), "en")
    with pytest.raises(SlackError) as caught:
        post_messages(messages, webhook(slack), sleep=Sleeps(), source="d.json")
    error = caught.value
    assert error.exit_code == EXIT_PROVIDER
    assert [p.number for p in error.posted] == [1]
    assert "still rate limiting (HTTP 429, Retry-After 1 s) after 6 attempts." in error.message
    assert "Already posted: message 1." in error.message
    assert "briefing slack post d.json --resume-from 2," in str(error.hint)


def test_a_long_retry_after_is_reported_not_waited(slack: SlackStandIn) -> None:
    slack.queue(rate_limited(3600))
    sleeps = Sleeps()
    with pytest.raises(SlackError, match="Retry-After 3600 s"):
        post_document(example_digest(), webhook(slack), sleep=sleeps)
    assert sleeps == []


def failure(slack: SlackStandIn, target: SlackTarget) -> SlackError:
    with pytest.raises(SlackError) as caught:
        post_document(example_digest(), target, sleep=Sleeps())
    assert caught.value.exit_code == EXIT_PROVIDER
    assert slack.messages == []
    return caught.value


def test_unknown_webhook_says_to_copy_it_again(slack: SlackStandIn) -> None:
    error = failure(slack, webhook(slack, slack.base + "/services/T0/B0/wrongSECRETpath"))
    assert "Slack does not know this webhook (HTTP 404 no_service)" in error.message
    assert "Nothing was posted this time." in error.message
    assert "Incoming Webhooks, copy the URL again" in str(error.hint)
    assert "wrongSECRETpath" not in str(error)


@pytest.mark.parametrize(
    ("answer", "said", "fix"),
    [
        (
            Answer(403, "action_prohibited"),
            "refused the post (HTTP 403 action_prohibited)",
            "ask a workspace admin",
        ),
        (
            Answer(403, "invalid_token"),
            "no longer accepts this webhook (HTTP 403 invalid_token)",
            "uninstalled or its token revoked",
        ),
        (
            Answer(410, "channel_is_archived"),
            "channel is archived (HTTP 410",
            "Unarchive the channel",
        ),
        (
            Answer(500, "rollup_error"),
            "Slack failed (HTTP 500 rollup_error)",
            "may have arrived anyway",
        ),
    ],
)
def test_webhook_errors_say_what_to_do(
    slack: SlackStandIn, answer: Answer, said: str, fix: str
) -> None:
    slack.queue(answer)
    error = failure(slack, webhook(slack))
    assert said in error.message and fix in str(error.hint)


@pytest.mark.parametrize(
    ("token", "channel", "said", "fix"),
    [
        (
            "xoxb-wrong-token",
            CHANNEL,
            "rejected the bot token: invalid_auth",
            "Bot User OAuth Token (xoxb-…)",
        ),
        (
            TOKEN,
            "C0NOWHERE",
            "no channel 'C0NOWHERE' that this bot can see: channel_not_found",
            "Pass the channel's ID",
        ),
        (
            TOKEN,
            "C0OUTSIDE",
            "not a member of channel 'C0OUTSIDE': not_in_channel",
            "/invite @<your app>",
        ),
    ],
)
def test_web_api_errors_say_what_to_do(
    slack: SlackStandIn, token: str, channel: str, said: str, fix: str
) -> None:
    error = failure(slack, bot(slack, token, channel))
    assert said in error.message and fix in str(error.hint)
    assert "wrong-token" not in str(error)


def test_missing_scope_and_http_403_from_the_web_api(slack: SlackStandIn) -> None:
    slack.queue(api_error("missing_scope"))
    assert "chat:write scope" in str(failure(slack, bot(slack)).hint)
    slack.queue(Answer(403, "Forbidden"))
    error = failure(slack, bot(slack))
    assert "Slack refused the request: " in error.message and "(HTTP 403)" in error.message
    assert "--api-url is the Web API root" in str(error.hint)


def test_a_refused_connection_posted_nothing() -> None:
    with SlackStandIn() as gone:
        url = gone.webhook_url
    with pytest.raises(SlackError) as caught:
        post_document(example_digest(), webhook(gone, url))
    error = caught.value
    assert "to webhook http://127.0.0.1:" in error.message
    assert "failed: cannot reach the server: [Errno 111] Connection refused." in error.message
    assert "may have arrived" not in str(error.hint)
    assert "HTTPS_PROXY" in str(error.hint)


def test_a_dropped_connection_may_have_posted(slack: SlackStandIn) -> None:
    slack.queue(Answer(drop=True), at=2)
    messages = build_messages(big_digest(stories=10), "en", threaded=True)
    with pytest.raises(SlackError) as caught:
        post_messages(messages, bot(slack), source="d.json")
    error, first = caught.value, slack.messages[0].ts
    assert "to channel C0STANDIN" in error.message
    assert "failed: the connection broke: Remote end closed connection" in error.message
    assert f"Already posted: message 1 (thread ts {first})." in error.message
    assert "Message 2 may have arrived anyway" in str(error.hint)
    assert f"--resume-from 2 --thread-ts {first}," in str(error.hint)


def test_a_malformed_message_is_reported_as_a_layout_bug(slack: SlackStandIn) -> None:
    too_many = SlackMessage(text="t", blocks=[{"type": "divider"}] * (MAX_BLOCKS + 1))
    with pytest.raises(SlackError) as caught:
        post_messages([too_many], bot(slack))
    assert "malformed: invalid_blocks" in caught.value.message
    assert "--dry-run and report" in str(caught.value.hint)


# --- the stand-in enforces Slack's limits ---------------------------------------------------


def section(chars: int) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": "x" * chars}}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"text": "t", "blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
        ({"text": "t", "blocks": [section(3001)]}, "invalid_blocks"),
        (
            {
                "text": "t",
                "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            },
            "invalid_blocks",
        ),
        ({"text": "t", "blocks": [section(2900)] * 5}, "msg_blocks_too_long"),
        ({"text": "t" * 40_001}, "msg_too_long"),
        ({"blocks": [section(10)]}, "no_text"),
    ],
)
def test_the_stand_in_refuses_what_slack_refuses(
    slack: SlackStandIn, payload: dict[str, Any], code: str
) -> None:
    client = WebClient(token=TOKEN, base_url=slack.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as caught, warnings.catch_warnings():
        # slack_sdk itself warns about a missing `text`; here the server's answer is tested.
        warnings.simplefilter("ignore", UserWarning)
        client.chat_postMessage(channel=CHANNEL, **payload)
    assert caught.value.response["error"] == code
    hook = WebhookClient(slack.webhook_url, retry_handlers=[]).send_dict(payload)
    assert hook.status_code == 400
    assert slack.messages == []
    fine = {"text": "t", "blocks": [section(3000)] * 4}
    assert client.chat_postMessage(channel=CHANNEL, **fine)["ok"] is True
