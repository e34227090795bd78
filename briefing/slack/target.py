"""Where to post: an incoming webhook, or a bot token and channel through the Web API.

Each setting comes from its flag, else the environment (`SLACK_WEBHOOK_URL`,
`SLACK_BOT_TOKEN`, `SLACK_CHANNEL`), else the `[slack]` table of the config file. A flag
chooses the way of posting; without one, a bot token with a channel wins over a webhook,
because only the Web API can keep a long digest together in a thread.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from briefing.errors import ConfigError, InputError
from briefing.models import Model
from briefing.settings import default_config_path, load_config_file
from briefing.slack.mask import Redactor, mask_url

DEFAULT_API_URL = "https://slack.com/api/"
WEBHOOK_ENV = "SLACK_WEBHOOK_URL"
TOKEN_ENV = "SLACK_BOT_TOKEN"
CHANNEL_ENV = "SLACK_CHANNEL"


class SlackTarget(Model):
    """A resolved destination. `repr` never shows the webhook URL or the token."""

    webhook_url: SecretStr | None = None
    token: SecretStr | None = None
    channel: str | None = None
    api_url: str = DEFAULT_API_URL

    @property
    def threaded(self) -> bool:
        """Whether messages after the first go into a thread (Web API only)."""
        return self.token is not None

    def describe(self) -> str:
        """A safe name for messages: the masked webhook, or the channel and API URL."""
        if self.webhook_url is not None:
            return f"webhook {mask_url(self.webhook_url.get_secret_value())}"
        return f"channel {self.channel} via {self.api_url}"

    def redactor(self) -> Redactor:
        """Masks this target's secrets wherever text may show them."""
        url = [self.webhook_url.get_secret_value()] if self.webhook_url else []
        token = [self.token.get_secret_value()] if self.token else []
        return Redactor(urls=url, tokens=token)


def resolve_target(
    *,
    webhook: str | None = None,
    token: str | None = None,
    channel: str | None = None,
    api_url: str | None = None,
    config_path: Path | None = None,
    env: Mapping[str, str] = os.environ,
    required: bool = True,
) -> SlackTarget | None:
    """The destination from flags > environment > config file (None: nothing, not required)."""
    if webhook and token:
        raise InputError(
            "Both --webhook and --token were given.",
            "Pass one: --webhook URL, or --token with --channel (threads long digests).",
        )
    path = config_path or default_config_path(env)
    section = load_config_file(path, must_exist=config_path is not None).slack
    found_hook = webhook or env.get(WEBHOOK_ENV) or _secret(section.webhook_url)
    found_token = token or env.get(TOKEN_ENV) or _secret(section.bot_token)
    chosen_channel = channel or env.get(CHANNEL_ENV) or section.channel
    base = _api_url(api_url or section.api_url or DEFAULT_API_URL, path)

    if webhook or (found_hook and not (found_token and chosen_channel) and not token):
        return SlackTarget(
            webhook_url=SecretStr(_webhook_url(found_hook or "", path)), api_url=base
        )
    if found_token:
        if not chosen_channel:
            raise ConfigError(
                "A Slack bot token needs a channel to post to.",
                f"Pass --channel (an ID like C0123456789, or a name), or add `channel` under "
                f"[slack] in {path}.",
            )
        return SlackTarget(token=SecretStr(found_token), channel=chosen_channel, api_url=base)
    if not required:
        return None
    raise ConfigError(
        f"No Slack webhook or bot token - pass --webhook URL, set {WEBHOOK_ENV}, or add "
        f"`webhook_url` under [slack] in {path}.",
        f"To keep long digests in a thread, use a bot token instead: --token or {TOKEN_ENV} "
        "(or `bot_token`) with --channel (or `channel`). To see the messages without "
        "posting, add --dry-run.",
    )


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def _is_http_url(url: str) -> bool:
    """An http(s) URL with a host and, if any, a valid port (urlsplit checks it lazily)."""
    try:
        parts = urlsplit(url)
        return (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and (parts.port is None or parts.port > 0)
        )
    except ValueError:  # a bad port or IPv6 address
        return False


def _webhook_url(url: str, path: Path) -> str:
    url = url.strip()
    if not _is_http_url(url):
        raise ConfigError(
            f"The Slack webhook URL {mask_url(url)} is not an http(s) address.",
            f"Copy the whole URL (https://hooks.slack.com/services/…) from the app's Incoming "
            f"Webhooks page into --webhook, {WEBHOOK_ENV} or `webhook_url` under [slack] in "
            f"{path}.",
        )
    return url


def _api_url(url: str, path: Path) -> str:
    if not _is_http_url(url.strip()):
        raise ConfigError(
            f"The Slack API URL {mask_url(url)} is not an http(s) address.",
            f"Pass the Web API root with --api-url or `api_url` under [slack] in {path}, "
            f"e.g. {DEFAULT_API_URL}",
        )
    # slack_sdk joins the method name straight onto the base URL.
    return url.strip().rstrip("/") + "/"
