"""briefing.logs: what -v and -vv show, and every secret the process knows masked in it.

The CLI's use of it, with real commands and every artifact searched, is in test_secrets.py.
"""

from __future__ import annotations

import io
import logging
import random
import string
from pathlib import Path

import pytest

from briefing.logs import SECRETS, remember, setup_logging


def _random(n: int) -> str:
    rng = random.SystemRandom()
    return "".join(rng.choices(string.ascii_letters + string.digits, k=n))


KEY = "sk-proj-" + _random(40)
TOKEN = "xoxb-1234567890-1234567890-" + _random(24)
HOOK_SECRET = _random(24)


def test_the_log_handler_masks_every_secret_the_process_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not shaped like any key: only knowing them masks them.
    config_key, option, flag = ("cfg" + _random(30) for _ in range(3))
    hook = f"http://127.0.0.1:9/services/T0/B0/{HOOK_SECRET}"
    (tmp_path / "config.toml").write_text(
        f'[deepseek]\napi_key = "{config_key}"\n[langchain.options]\nsecret_token = "{option}"\n',
        "utf-8",
    )
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", hook)
    stream = io.StringIO()
    root_handlers = list(logging.getLogger().handlers)
    undo = setup_logging(2, stream)
    try:
        remember(flag)  # as `slack post --token` does
        sdk = logging.getLogger("openai._base_client")
        sdk.debug("headers %s", {"Authorization": f"Bearer {config_key}", "x": option})
        sdk.debug("key %s, token %s, hook %s, flag %s", KEY, TOKEN, hook, flag)
        others = (
            "sk-" + _random(30),
            "xoxp-1-" + _random(20),
            "https://hooks.slack.com/services/T1/B1/" + _random(24),
        )
        logging.getLogger("slack_sdk").info("someone else's: %s %s %s", *others)
        try:
            raise ValueError(f"failed with {KEY}")
        except ValueError:
            logging.getLogger("briefing.x").exception("it broke (%s)", TOKEN)
        logging.getLogger("asyncio").debug("not asked for: %s", "hidden")
    finally:
        undo()
    shown = stream.getvalue()
    for secret in (KEY, TOKEN, HOOK_SECRET, config_key, option, flag, *others):
        assert secret not in shown and secret[-12:] not in shown, secret
    assert (
        "DEBUG openai._base_client: key sk-…, token xoxb-…, hook http://127.0.0.1:9/services/…"
        in shown
    )
    assert "ERROR briefing.x: it broke (xoxb-…)" in shown and "ValueError: failed with" in shown
    assert "INFO slack_sdk: someone else's: *** xoxp-… https://hooks.slack.com/services/…" in shown
    assert "hidden" not in shown
    # Undone: the handler gone, the levels as they were, nothing remembered.
    assert logging.getLogger().handlers == root_handlers
    assert logging.getLogger("openai").level == logging.NOTSET
    assert KEY not in SECRETS and flag not in SECRETS


def test_verbosity_chooses_what_is_shown() -> None:
    def shown(verbosity: int) -> str:
        stream = io.StringIO()
        undo = setup_logging(verbosity, stream)
        try:
            logging.getLogger("briefing.llm.transports.openai").info("briefing info")
            logging.getLogger("briefing.llm.transports.openai").warning("briefing warning")
            logging.getLogger("openai").debug("openai debug")
            logging.getLogger("httpx2").info("httpx info")
        finally:
            undo()
        return stream.getvalue()

    assert shown(0) == "briefing warning\n"
    assert shown(1) == (
        "INFO briefing.llm.transports.openai: briefing info\n"
        "WARNING briefing.llm.transports.openai: briefing warning\n"
    )
    assert shown(2).splitlines()[2:] == ["DEBUG openai: openai debug", "INFO httpx2: httpx info"]


def test_a_malformed_logging_call_is_kept_masked_not_raised() -> None:
    from briefing.slack.mask import RedactingFilter

    record = logging.LogRecord("x", logging.WARNING, "f", 1, "two %s %s", (KEY,), None)
    assert RedactingFilter(SECRETS).filter(record)  # one argument short: no exception
    assert record.getMessage() == "two %s %s ('***',)"


def test_credential_shapes_are_masked_and_prose_is_not() -> None:
    from briefing.logs import mask_keylike

    assert mask_keylike(f"key {KEY}, Authorization: Bearer {HOOK_SECRET}") == (
        "key ***, Authorization: ***"
    )
    assert mask_keylike(f"{TOKEN} https://hooks.slack.com/services/T/B/{HOOK_SECRET}") == (
        "*** https://***"
    )
    for prose in (
        "a task-force of disk-based risk-averse desks",
        "sk-short",
        "xoxb-123",
        "https://hooks.slack.com/services/…",
        "已屏蔽 sk-…",
    ):
        assert mask_keylike(prose) == prose
