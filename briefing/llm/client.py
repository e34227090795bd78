"""The client over the openai SDK: structured output, one re-ask, retries, clear errors."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, cast

import openai
from pydantic import ValidationError

from briefing.config import Settings, StructuredMode, check_api_key
from briefing.errors import InvalidAnswerError, LLMError
from briefing.llm import failures
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.llm.cache import CachedLLM, ResponseCache
from briefing.llm.replay import Cassette
from briefing.llm.reply import ChatReply, MalformedReply, parse_reply
from briefing.llm.retry import Backoff, is_transient
from briefing.llm.schema import FINE_TUNED_UNSUPPORTED, schema_instructions, strict_schema
from briefing.models import Usage

log = logging.getLogger(__name__)

# Sent when there is no key to send: local servers and replays ignore it.
PLACEHOLDER_KEY = "no-key-needed"
MAX_LISTED_ERRORS = 8
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class OpenAIChat:
    """An `LLM` over any OpenAI-compatible Chat Completions endpoint."""

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Backoff | None = None,
        cassette: Cassette | None = None,
    ) -> None:
        self.settings = settings
        self.model = settings.model
        self.structured: StructuredMode = settings.structured
        self._sleep = sleep
        self._backoff = backoff or Backoff()
        self._cassette = cassette
        self.retried = 0  # calls tried again after a transient failure, over the client's life
        self._count = threading.Lock()
        key = settings.api_key.get_secret_value() if settings.api_key else PLACEHOLDER_KEY
        # The SDK's own retries are off: ours honour Retry-After and give clearer errors.
        self._client = openai.OpenAI(
            api_key=key, base_url=settings.base_url, timeout=settings.timeout, max_retries=0
        )

    def __repr__(self) -> str:
        s = self.settings
        return f"OpenAIChat(provider={s.provider!r}, model={s.model!r}, base_url={s.base_url!r})"

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        """Ask once, re-ask once with the validation errors, return the validated answer."""
        with self._cassette.open() if self._cassette else nullcontext():
            return self._complete(messages, schema, name)

    def _complete(self, messages: list[ChatMessage], schema: type[T], name: str) -> Completion[T]:
        conversation = [{"role": m.role, "content": m.content} for m in messages]
        usage, model = Usage(), self.model
        for attempt in (1, 2):
            response = self._create(conversation, schema, name)
            usage = usage + response.tokens
            model = response.model or model
            try:
                raw = self._content(response)
            except LLMError as exc:  # truncated, refused, filtered: still paid for
                exc.prompt_tokens = usage.prompt_tokens
                exc.completion_tokens = usage.completion_tokens
                exc.attempts = attempt
                raise
            try:
                value = schema.model_validate_json(_unfence(raw))
            except ValidationError as exc:
                problems = _compact(exc)
                log.info("answer %d from %s did not validate: %s", attempt, model, problems)
                if attempt == 2:
                    raise InvalidAnswerError(
                        f"{model!r} answered with invalid JSON twice: {problems}",
                        "Use a stronger model (--model), or a provider with json_schema "
                        "structured output, which constrains the answer to the schema.",
                        raw=raw,
                        prompt_tokens=usage.prompt_tokens,
                        completion_tokens=usage.completion_tokens,
                        attempts=attempt,
                    ) from None
                conversation += [
                    {"role": "assistant", "content": raw},
                    {"role": "user", "content": _reask(problems)},
                ]
                continue
            return Completion[schema](  # type: ignore[valid-type]
                value=value, raw=raw, model=model, usage=usage, attempts=attempt
            )
        raise AssertionError("unreachable")  # the loop returns or raises

    def _create(self, conversation: list[dict[str, str]], schema: type[T], name: str) -> ChatReply:
        """One chat completion, retried on transient failures; LLMError when it cannot be had."""
        retries = 0
        while True:
            try:
                request = self._request(conversation, schema, name)
                # The raw text, not the SDK's object: that is built without any validation.
                response = self._client.chat.completions.with_raw_response.create(**request)
                return parse_reply(response.text)
            except MalformedReply as exc:  # a body cut short or mangled on the way: try again
                if retries >= self.settings.max_retries:
                    raise failures.malformed(exc, self.settings, retries + 1) from None
                failure: Exception = exc
            except openai.APIStatusError as exc:
                if self.structured == "json_schema" and failures.is_schema_rejection(exc):
                    self._fall_back_to_json_object(exc)
                    continue
                if not is_transient(exc) or retries >= self.settings.max_retries:
                    raise failures.status_error(
                        exc, self.settings, retries + 1, self.structured
                    ) from None
                failure = exc
            except openai.APIConnectionError as exc:
                if retries >= self.settings.max_retries:
                    raise failures.transport_error(exc, self.settings, retries + 1) from None
                failure = exc
            retries += 1
            with self._count:
                self.retried += 1
            wait = self._backoff.delay(retries, failure)
            log.warning(
                "%s from %s; retry %d of %d in %.1f s",
                type(failure).__name__,
                self.settings.base_url,
                retries,
                self.settings.max_retries,
                wait,
            )
            self._sleep(wait)

    def _fall_back_to_json_object(self, exc: openai.APIStatusError) -> None:
        # Once per client: DeepSeek and some Qwen models answer 400 to json_schema.
        log.warning(
            "%s rejected json_schema structured output (%s); using json_object from now on. "
            'Set structured = "json_object" under [%s] in %s to skip this round trip.',
            self.settings.base_url,
            failures.server_message(exc, self.settings),
            self.settings.provider,
            self.settings.config_path,
        )
        self.structured = "json_object"

    def _request(
        self, conversation: list[dict[str, str]], schema: type[T], name: str
    ) -> dict[str, Any]:
        s = self.settings
        strip = FINE_TUNED_UNSUPPORTED if _is_openai_fine_tune(s) else frozenset()
        json_schema = strict_schema(schema, strip=strip)
        request: dict[str, Any] = {"model": s.model}
        if s.max_tokens:
            request["max_tokens"] = s.max_tokens
        if self.structured == "json_schema":
            request["messages"] = conversation
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "strict": True, "schema": json_schema},
            }
        else:
            request["messages"] = _with_instructions(conversation, schema_instructions(json_schema))
            request["response_format"] = {"type": "json_object"}
        return request

    def _content(self, response: ChatReply) -> str:
        if not response.choices:
            raise LLMError(
                f"{self.settings.base_url} answered without any choice.",
                "The server is not fully OpenAI-compatible; check --base-url.",
            )
        choice = response.choices[0]
        if choice.message.refusal:
            raise failures.refused(self.settings, choice.message.refusal)
        if choice.finish_reason == "content_filter":
            raise failures.content_filtered(self.settings)
        if choice.finish_reason == "length":
            raise failures.truncated(self.settings)
        # DeepSeek documents that JSON mode may answer with empty content: re-asked as invalid.
        # A server that writes the key into its answer must not get it into the cache or
        # the outputs: only the exact key goes, an answer about "sk-" prose stays as it is.
        content = choice.message.content or ""
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return content.replace(key, "***") if key else content


def make_llm(
    settings: Settings,
    *,
    replay: Path | None = None,
    record: Path | None = None,
    cache: ResponseCache | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> LLM:
    """The model client for `settings`: live, served from a `replay` cassette, or recording.

    A replay needs no key and never waits: a recorded 429 is retried at once. With `cache`,
    live answers are stored and a repeated request is answered from the cache.
    """
    if replay is not None and record is not None:
        raise ValueError("replay and record are exclusive")
    if settings.langchain is not None:  # --provider langchain:package.module:ClassName
        from briefing.llm.langchain import make_langchain_llm

        return make_langchain_llm(settings, replay=replay, record=record, cache=cache, sleep=sleep)
    if replay is not None:
        return OpenAIChat(settings, sleep=_no_wait, cassette=Cassette(replay, record=False))
    check_api_key(settings)
    cassette = Cassette(record, record=True) if record is not None else None
    llm = OpenAIChat(settings, sleep=sleep, cassette=cassette)
    if cache is None:
        return llm
    # Not the base URL: the same model behind a moved endpoint gives the same answers.
    identity = f"{settings.provider}|{settings.model}|{settings.structured}"
    return CachedLLM(llm, cache, identity)


def _no_wait(seconds: float) -> None:
    pass


def _is_openai_fine_tune(settings: Settings) -> bool:
    return settings.provider == "openai" and settings.model.startswith("ft:")


def _with_instructions(conversation: list[dict[str, str]], text: str) -> list[dict[str, str]]:
    """The conversation with `text` appended to its system message (one is added if none)."""
    if conversation and conversation[0]["role"] == "system":
        first = conversation[0]
        return [{"role": "system", "content": f"{first['content']}\n\n{text}"}, *conversation[1:]]
    return [{"role": "system", "content": text}, *conversation]


def _unfence(raw: str) -> str:
    # Weak models in JSON mode still wrap the object in a Markdown code fence.
    text = raw.strip()
    match = _FENCE.match(text)
    return match.group(1) if match else text


def _compact(exc: ValidationError) -> str:
    """Validation errors as `path: message; ...`, the first few only."""
    items = [_describe(cast(dict[str, Any], e)) for e in exc.errors(include_url=False)]
    more = len(items) - MAX_LISTED_ERRORS
    listed = "; ".join(items[:MAX_LISTED_ERRORS])
    return listed + (f"; and {more} more" if more > 0 else "")


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "json_invalid":
        return f"not valid JSON ({error['ctx'].get('error', 'parse error')})"
    path = ".".join(str(p) for p in error["loc"]) or "(root)"
    return f"{path}: {error['msg']}"


def _reask(problems: str) -> str:
    return (
        f"Your answer did not match the required JSON schema: {problems}. "
        "Answer again with the corrected JSON object only."
    )
