"""Domain errors. Library code raises these; the CLI prints them and exits with their code.

Every message says what went wrong and how to fix it (`hint`).
"""

from __future__ import annotations

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FINDINGS = 1  # a brief with error-level findings (check), or a run with failures
EXIT_INPUT = 2  # the input or an option is wrong: the user can fix it
EXIT_CONFIG = 3  # configuration: no key, unknown provider or model
EXIT_PROVIDER = 4  # the model provider failed: auth, rate limit, server, network
EXIT_BUG = 70  # sysexits EX_SOFTWARE: briefing itself failed (a bug), never the input
EXIT_LOCKED = 73  # another weekly run holds the cache folder's lock (briefing/state.py)


class BriefingError(Exception):
    """Base error: a message for the user and a hint that says how to fix it."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class InputError(BriefingError):
    """An input cannot be read or holds no article."""

    exit_code = EXIT_INPUT


class InvalidBriefError(InputError):
    """A file given as a brief is not a valid briefing.brief/1 document."""


class LockedError(BriefingError):
    """Another weekly run is going on with the same cache folder."""

    exit_code = EXIT_LOCKED


class NothingNew(BriefingError):
    """`weekly --since last`: every input was briefed by an earlier run. Not an error."""

    exit_code = EXIT_OK


class ConfigError(BriefingError):
    """Settings are missing or contradictory."""

    exit_code = EXIT_CONFIG


class LLMError(BriefingError):
    """The model provider failed or answered something unusable.

    When answers were received and paid for before the failure (a truncated or invalid
    answer), the error carries their tokens and count, so the spend is still reported.
    """

    exit_code = EXIT_PROVIDER

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        attempts: int = 0,
    ) -> None:
        super().__init__(message, hint)
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.attempts = attempts


class InvalidAnswerError(LLMError):
    """The model's answer did not validate, even after a re-ask. Carries what was spent."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        raw: str = "",
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        attempts: int = 0,
    ) -> None:
        super().__init__(
            message,
            hint,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            attempts=attempts,
        )
        self.raw = raw
