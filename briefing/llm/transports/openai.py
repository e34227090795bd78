"""The transport over the openai SDK: any OpenAI-compatible Chat Completions endpoint.

It builds the request (json_schema strict, or json_object with the schema in the prompt),
reads and checks the raw reply, retries rate limits, server errors, timeouts and broken
bodies with backoff (honouring Retry-After), and falls back to json_object once when a
server rejects json_schema. Validation and the re-ask are briefing.llm.structured's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import openai
from pydantic import BaseModel

from briefing.errors import LLMError
from briefing.llm import failures
from briefing.llm.base import CallStats, ChatMessage, T
from briefing.llm.cache import sampled_identity
from briefing.llm.replay import Cassette
from briefing.llm.reply import ChatReply, MalformedReply, parse_reply
from briefing.llm.retry import Backoff, is_transient
from briefing.llm.schema import FINE_TUNED_UNSUPPORTED, schema_instructions, strict_schema
from briefing.llm.structured import Answer, Conversation
from briefing.settings import Settings, StructuredMode

log = logging.getLogger(__name__)

# Sent when there is no key to send: local servers and replays ignore it.
PLACEHOLDER_KEY = "no-key-needed"
STRONGER = (
    "Use a stronger model (--model), or a provider with json_schema structured output, "
    "which constrains the answer to the schema."
)


class OpenAIChat:
    """An `LLM` over any OpenAI-compatible Chat Completions endpoint."""

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Backoff | None = None,
        cassette: Cassette | None = None,
        stats: CallStats | None = None,
    ) -> None:
        self.settings = settings
        self.model = settings.model
        # Not the base URL: the same model behind a moved endpoint gives the same answers.
        self.identity = sampled_identity(
            f"{settings.provider}|{settings.model}|{settings.structured}",
            settings.temperature,
            settings.seed,
        )
        self.stronger = STRONGER
        self.structured: StructuredMode = settings.structured
        self._sleep = sleep
        self._backoff = backoff or Backoff()
        self._cassette = cassette
        self.stats = stats or CallStats()
        key = settings.api_key.get_secret_value() if settings.api_key else PLACEHOLDER_KEY
        # The SDK's own retries are off: ours honour Retry-After and give clearer errors.
        self.sdk = openai.OpenAI(
            api_key=key, base_url=settings.base_url, timeout=settings.timeout, max_retries=0
        )

    def __repr__(self) -> str:
        s = self.settings
        return f"OpenAIChat(provider={s.provider!r}, model={s.model!r}, base_url={s.base_url!r})"

    def start(self, messages: list[ChatMessage]) -> Conversation:
        """The conversation as the Chat Completions API takes it."""
        return [{"role": m.role, "content": m.content} for m in messages]

    def followup(self, conversation: Conversation, answer: Answer, text: str) -> Conversation:
        """The answer as the assistant's turn, then `text` as the user's."""
        return [
            *conversation,
            {"role": "assistant", "content": answer.text},
            {"role": "user", "content": text},
        ]

    def send(self, conversation: Conversation, schema: type[T], name: str) -> Answer:
        """One chat completion, transient failures retried; LLMError when none can be had."""
        with self._cassette.open() if self._cassette else nullcontext():
            reply = self._create(conversation, schema, name)
        return self.answer_of(reply)

    def _create(self, conversation: list[dict[str, str]], schema: type[T], name: str) -> ChatReply:
        """One chat completion, retried on transient failures; LLMError when it cannot be had."""
        retries = 0
        while True:
            try:
                request = self.request_body(conversation, schema, name)
                # The raw text, not the SDK's object: that is built without any validation.
                self.stats.count(requests=1)
                response = self.sdk.chat.completions.with_raw_response.create(**request)
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
            self.stats.count(retries=1)
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

    def request_body(
        self, conversation: Conversation, schema: type[BaseModel], name: str
    ) -> dict[str, Any]:
        """The JSON body of a chat completion request (also each line of a batch)."""
        s = self.settings
        strip = FINE_TUNED_UNSUPPORTED if _is_openai_fine_tune(s) else frozenset()
        json_schema = strict_schema(schema, strip=strip)
        request: dict[str, Any] = {"model": s.model}
        if s.max_tokens:
            request["max_tokens"] = s.max_tokens
        if s.temperature is not None:
            request["temperature"] = s.temperature
        if s.seed is not None:
            request["seed"] = s.seed
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

    def answer_of(self, reply: ChatReply) -> Answer:
        """The answer a chat completion carries; `problem` set when it is unusable."""
        model, usage = reply.model, reply.tokens
        if not reply.choices:
            empty = LLMError(
                f"{self.settings.base_url} answered without any choice.",
                "The server is not fully OpenAI-compatible; check --base-url.",
            )
            return Answer("", model, usage, problem=empty)
        choice = reply.choices[0]
        problem: LLMError | None = None
        if choice.message.refusal:
            problem = failures.refused(self.settings, choice.message.refusal)
        elif choice.finish_reason == "content_filter":
            problem = failures.content_filtered(self.settings)
        elif choice.finish_reason == "length":
            problem = failures.truncated(self.settings)
        # DeepSeek documents that JSON mode may answer with empty content: re-asked as invalid.
        return Answer(choice.message.content or "", model, usage, problem=problem)


def _is_openai_fine_tune(settings: Settings) -> bool:
    return settings.provider == "openai" and settings.model.startswith("ft:")


def _with_instructions(conversation: list[dict[str, str]], text: str) -> list[dict[str, str]]:
    """The conversation with `text` appended to its system message (one is added if none)."""
    if conversation and conversation[0]["role"] == "system":
        first = conversation[0]
        return [{"role": "system", "content": f"{first['content']}\n\n{text}"}, *conversation[1:]]
    return [{"role": "system", "content": text}, *conversation]
