"""Slack's error answers in words: what happened, how to fix it, and whether the message
may have been posted anyway (which decides where a retry resumes)."""

from __future__ import annotations

from dataclasses import dataclass
from http.client import HTTPException
from urllib.error import URLError

from briefing.slack.target import TOKEN_ENV, WEBHOOK_ENV


@dataclass(frozen=True)
class Failure:
    """Why a message failed, the fix, and `delivered`: False when Slack surely did not post
    it, None when it may have (no answer, or a server error after receiving it)."""

    reason: str
    fix: str
    delivered: bool | None


_LAYOUT_BUG = (
    "That is a bug in briefing's Slack layout: run the command with --dry-run and report the "
    "payloads it prints."
)
_LAYOUT_CODES = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_payload",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "missing_text_or_fallback_or_attachments",
        "invalid_arguments",
        "too_many_attachments",
    }
)
_AUTH_CODES = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "not_allowed_token_type",
    }
)
_POLICY_CODES = frozenset(
    {
        "restricted_action",
        "ekm_access_denied",
        "team_access_not_granted",
        "action_prohibited",
        "posting_to_general_channel_denied",
    }
)
_SERVER_TROUBLE = "Slack is having trouble: try again in a few minutes (https://slack-status.com)."


def webhook_failure(status: int, body: str) -> Failure:
    """An incoming webhook's error answer: an HTTP status and a short code as the body."""
    code = body.strip().split()[0][:80] if body.strip() else ""
    said = f"HTTP {status} {code}".rstrip()
    new_hook = (
        "In the Slack app's settings, open Incoming Webhooks, copy the URL again or add a new "
        f"one, and pass it with --webhook, {WEBHOOK_ENV} or `webhook_url` under [slack]."
    )
    if code in ("no_service", "no_team", "team_disabled", "no_active_hooks") or (
        status == 404 and code in ("", "not_found")
    ):
        return Failure(
            f"Slack does not know this webhook ({said})",
            f"The webhook was removed or its URL is mistyped. {new_hook}",
            False,
        )
    if code == "channel_not_found":
        return Failure(f"the webhook's channel no longer exists ({said})", new_hook, False)
    if code == "channel_is_archived":
        return Failure(
            f"the webhook's channel is archived ({said})",
            f"Unarchive the channel, or use a webhook for another one. {new_hook}",
            False,
        )
    if code == "invalid_token":
        return Failure(
            f"Slack no longer accepts this webhook ({said})",
            f"The app was uninstalled or its token revoked. {new_hook}",
            False,
        )
    if code in _POLICY_CODES or status == 403:
        return Failure(
            f"Slack refused the post ({said})",
            "A workspace setting forbids this webhook to post here (posting to #general, "
            "for example, can be restricted): ask a workspace admin, or use a webhook for "
            f"another channel. {new_hook}",
            False,
        )
    if code in _LAYOUT_CODES or status == 400:
        return Failure(f"Slack rejected the message as malformed ({said})", _LAYOUT_BUG, False)
    if status >= 500:
        return Failure(f"Slack failed ({said})", _SERVER_TROUBLE, None)
    return Failure(
        f"Slack answered {said}",
        "Check the webhook URL; a Slack-compatible server may expect another one.",
        False,
    )


def api_failure(status: int, code: str | None, channel: str) -> Failure:
    """A Web API (chat.postMessage) error: `{"ok": false, "error": code}` or an HTTP error."""
    # The Web API reports errors with HTTP 200 and `ok: false`; another status says more.
    # slack_sdk puts a non-JSON answer's text in `error`: keep a line of it, not a page.
    code = code[:200] if code else None
    said = code or f"HTTP {status}"
    if code and status != 200:
        said += f" (HTTP {status})"
    if code in _AUTH_CODES:
        return Failure(
            f"Slack rejected the bot token: {said}",
            f"Check --token, {TOKEN_ENV} or `bot_token` under [slack]: use the app's Bot User "
            "OAuth Token (xoxb-…) from its OAuth & Permissions page; reinstall the app if the "
            "token was revoked.",
            False,
        )
    if code == "channel_not_found":
        return Failure(
            f"Slack has no channel {channel!r} that this bot can see: {said}",
            "Pass the channel's ID (C0123456789, shown at the bottom of the channel's details) "
            "with --channel or `channel` under [slack]; invite the bot to a private channel "
            "first.",
            False,
        )
    if code == "not_in_channel":
        return Failure(
            f"the bot is not a member of channel {channel!r}: {said}",
            "Invite it: type /invite @<your app> in the channel, or add the chat:write.public "
            "scope to the app (OAuth & Permissions) and reinstall it.",
            False,
        )
    if code == "is_archived":
        return Failure(
            f"channel {channel!r} is archived: {said}",
            "Unarchive it, or pass another channel with --channel.",
            False,
        )
    if code == "missing_scope":
        return Failure(
            f"the bot token may not post messages: {said}",
            "Add the chat:write scope under OAuth & Permissions and reinstall the "
            "app, then use the new token.",
            False,
        )
    if code in _POLICY_CODES:
        return Failure(
            f"a workspace policy forbids this bot to post in {channel!r}: {said}",
            "Ask a workspace admin, or post to another channel.",
            False,
        )
    if code in _LAYOUT_CODES:
        return Failure(f"Slack rejected the message as malformed: {said}", _LAYOUT_BUG, False)
    if status >= 500 or code in ("internal_error", "fatal_error", "service_unavailable"):
        return Failure(f"Slack failed: {said}", _SERVER_TROUBLE, None)
    if status == 403:
        return Failure(
            f"Slack refused the request: {said}",
            "Check that --api-url is the Web API root (https://slack.com/api/) and "
            "that the token is allowed to use it.",
            False,
        )
    return Failure(
        f"Slack answered {said}",
        "See https://api.slack.com/methods/chat.postMessage#errors for what it means.",
        False,
    )


def network_failure(exc: OSError | HTTPException) -> Failure:
    """No answer. A refused connection posted nothing; a dropped one may have posted."""
    fix = (
        "Check the URL, your network and any proxy (HTTPS_PROXY); for a local server, "
        "that it is running."
    )
    if isinstance(exc, URLError):
        return Failure(f"cannot reach the server: {exc.reason}", fix, False)
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, TimeoutError):
        return Failure(f"no answer from the server in time: {detail}", fix, None)
    return Failure(f"the connection broke: {detail}", fix, None)
