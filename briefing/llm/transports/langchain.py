"""Any LangChain chat model as the backend, through `with_structured_output(include_raw=True)`.

The optional extra `briefing[langchain]` installs langchain-core; the model's own package
(langchain-openai, langchain-anthropic, ...) is the user's choice. Nothing here is imported
before a LangChain provider is asked for, so the rest of briefing never needs LangChain.

Structured output: `method = "json_schema"` (the default, under `[langchain]`) asks for native
JSON-Schema output where the class offers it (ChatOpenAI, ChatOllama, recent ChatAnthropic...);
classes with LangChain's base `with_structured_output` call the schema as a tool whatever the
method. A class that does not take the method is used with its default method; a provider
that answers 400 to json_schema is asked with "function_calling" from then on (a warning says
how to make that the setting). "json_mode" also puts the schema in the system prompt, as the
openai client does in JSON mode. The schema is given as the strict JSON Schema the openai
client sends, so LangChain returns plain JSON and never validates (or raises) on its own.

The answer is validated and re-asked by briefing.llm.structured, as the openai transport's
are; its usage is read from the message's `usage_metadata` (see langchain_messages).
The run's sampling settings (--temperature, --seed, --max-tokens, --timeout) are given to the
class as its own keyword arguments of those names (or aliases: ChatOpenAI's `timeout` is its
request timeout), over the same options in `[langchain.options]`; temperature and seed are
part of the cache identity, as in the openai transport.
Retries are generic: any exception whose HTTP status is 429/5xx/529, or whose class name says
rate limit, timeout, connection or overload (langchain_errors classifies and masks them).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from briefing.errors import ConfigError, LLMError
from briefing.llm.base import CallStats, ChatMessage, T
from briefing.llm.cache import sampled_identity
from briefing.llm.retry import Backoff, retry_after
from briefing.llm.schema import strict_schema
from briefing.llm.structured import Answer, Conversation
from briefing.llm.transports.langchain_class import import_chat_model, sampled_options
from briefing.llm.transports.langchain_errors import (
    SECRET_OPTION,
    is_auth_error,
    is_transient,
    no_structured_output,
    redact,
    rejects_json_schema,
)
from briefing.llm.transports.langchain_messages import (
    answer_text,
    model_of,
    reask_messages,
    to_langchain,
    usage_of,
    with_schema,
)
from briefing.models import Sampling
from briefing.settings.config_file import LangChainMethod
from briefing.settings.load import DEFAULT_MAX_RETRIES

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, BaseMessage
    from langchain_core.runnables import Runnable

    from briefing.settings import Settings

log = logging.getLogger(__name__)


class LangChainChat:
    """A transport over a LangChain chat model class, built from the `[langchain]` settings."""

    def __init__(
        self,
        model_class_path: str,
        options: Mapping[str, Any],
        *,
        method: LangChainMethod = "json_schema",
        max_retries: int = DEFAULT_MAX_RETRIES,
        sampling: Sampling | None = None,
        config_path: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff: Backoff | None = None,
        stats: CallStats | None = None,
    ) -> None:
        """Import `model_class_path` ("package.module:ClassName") and build it with `options`
        and the `sampling` settings."""
        self.class_path = model_class_path
        self.method: LangChainMethod | None = method  # None: the class's default method
        self.max_retries = max_retries
        self._options = dict(options)
        self.sampling = sampling or Sampling()
        self._config = str(config_path) if config_path else "the config file"
        self._where = f"[langchain] in {self._config}"
        self._sleep = sleep
        self._backoff = backoff or Backoff()
        self.stats = stats or CallStats()
        self.stronger = (
            f"Use a stronger model (`model` under {self._where}), or "
            'method = "json_schema" with a class that supports it.'
        )
        self._structured: dict[tuple[type[BaseModel], str], Runnable[Any, Any]] = {}
        cls = import_chat_model(model_class_path)
        self.class_name = cls.__name__
        self.model = str(self._options.get("model") or self.class_name)
        self.chat_model = self._build(cls)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        stats: CallStats | None = None,
    ) -> LangChainChat:
        """The chat model that `settings` (a `langchain:` provider) describes."""
        lc = settings.langchain
        if lc is None:
            raise ValueError(f"{settings.provider!r} is not a langchain: provider")
        return cls(
            lc.class_path,
            lc.options,
            method=lc.method,
            max_retries=settings.max_retries,
            sampling=settings.sampling,
            config_path=settings.config_path,
            sleep=sleep,
            stats=stats,
        )

    def __repr__(self) -> str:
        # Option names only: their values can be keys.
        return (
            f"LangChainChat({self.class_path!r}, model={self.model!r}, "
            f"method={self.method!r}, options={sorted(self._options)})"
        )

    @property
    def identity(self) -> str:
        """What shapes the answers, for the response cache: class, method, options (no keys)
        and sampling."""
        public = {k: v for k, v in self._options.items() if not SECRET_OPTION.search(k)}
        blob = json.dumps(public, sort_keys=True, default=str).encode("utf-8")
        digest = hashlib.sha256(blob).hexdigest()[:16]
        return sampled_identity(
            f"langchain:{self.class_path}|{self.model}|{self.method}|{digest}",
            self.sampling.temperature,
            self.sampling.seed,
        )

    def start(self, messages: list[ChatMessage]) -> Conversation:
        """The conversation as LangChain messages."""
        return to_langchain(messages)

    def followup(self, conversation: Conversation, answer: Answer, text: str) -> Conversation:
        """The answer and `text` (as the tool result after a tool call, else a user turn)."""
        return [
            *conversation,
            *reask_messages(cast("AIMessage", answer.message), answer.text, text),
        ]

    def send(self, conversation: Conversation, schema: type[T], name: str) -> Answer:
        """One structured call, transient failures retried; LLMError when none can be had."""
        out = self._invoke(conversation, schema, name)
        message = out["raw"]
        return Answer(
            answer_text(message),
            model_of(message),
            usage_of(message),
            parsed=out.get("parsed"),
            message=message,
            problem=self._unfinished(message, out.get("parsing_error")),
        )

    def _build(self, cls: type[BaseChatModel]) -> BaseChatModel:
        kwargs = sampled_options(cls, self._options, self.sampling)
        # Retries are ours (generic, with backoff): the class's own ones would multiply them.
        if "max_retries" in getattr(cls, "model_fields", {}) and "max_retries" not in kwargs:
            kwargs["max_retries"] = 0
        try:
            return cls(**kwargs)
        except Exception as exc:  # pydantic ValidationError, TypeError, the package's own checks
            raise ConfigError(
                f"Cannot create {self.class_name} from the options under {self._where}: "
                f"{self._redact(exc)}",
                f"Fix the keys under [langchain.options] (they are passed to "
                f"{self.class_name}(...) as keyword arguments); a missing key can also come "
                "from the environment variable the model's package documents.",
            ) from None

    def _structured_for(self, schema: type[T], name: str) -> Runnable[Any, Any]:
        runnable = self._structured.get((schema, name))
        if runnable is None:
            runnable = self._bind(schema, name)
            self._structured[schema, name] = runnable
        return runnable

    def _bind(self, schema: type[T], name: str) -> Runnable[Any, Any]:
        # A JSON Schema, not the pydantic class: given the class, some models (ChatOpenAI with
        # json_schema) validate inside the call and raise, losing the answer and its usage.
        # The strict form (refs inlined, objects closed) is the one the openai client sends.
        json_schema = {"title": name, **strict_schema(schema)}
        method = {} if self.method is None else {"method": self.method}
        try:
            return self.chat_model.with_structured_output(json_schema, include_raw=True, **method)
        except NotImplementedError:
            raise no_structured_output(self.class_name) from None
        except (TypeError, ValueError) as exc:
            if self.method is None:
                raise ConfigError(
                    f"{self.class_name} rejected structured output for {schema.__name__}: "
                    f"{self._redact(exc)}",
                    "Use a chat model class with tool calling or JSON-Schema output.",
                ) from None
            # Some classes take no `method`, or not this one (LangChain's base class < 0.3.x).
            log.warning(
                '%s does not take method="%s" (%s); using its default method.',
                self.class_name,
                self.method,
                self._redact(exc),
            )
            self.method = None
            self._structured.clear()
            return self._bind(schema, name)

    def _fall_back(self, exc: Exception) -> None:
        log.warning(
            '%s rejected method "json_schema" (%s); using "function_calling" from now on. '
            'Set method = "function_calling" under %s to skip this.',
            self.class_name,
            self._redact(exc),
            self._where,
        )
        self.method = "function_calling"
        self._structured.clear()

    def _invoke(
        self, conversation: list[BaseMessage], schema: type[T], name: str
    ) -> dict[str, Any]:
        """One structured call, retried on transient failures; LLMError when it cannot be had."""
        retries = 0
        while True:
            messages = conversation
            if self.method == "json_mode":
                messages = with_schema(conversation, schema)
            runnable = self._structured_for(schema, name)
            try:
                self.stats.count(requests=1)
                out: dict[str, Any] = runnable.invoke(messages)
                return out
            # LangChain models raise their provider package's exceptions, whatever they are.
            except Exception as exc:
                if self.method == "json_schema" and rejects_json_schema(exc):
                    self._fall_back(exc)
                    continue
                transient = is_transient(exc)
                if not transient or retries >= self.max_retries:
                    raise self._failure(exc, retries + 1, transient=transient) from None
                retries += 1
                self.stats.count(retries=1)
                wait = self._delay(retries, exc)
                log.warning(
                    "%s from %s; retry %d of %d in %.1f s",
                    type(exc).__name__,
                    self.class_name,
                    retries,
                    self.max_retries,
                    wait,
                )
                self._sleep(wait)

    def _delay(self, attempt: int, exc: Exception) -> float:
        # The server's Retry-After wins when the exception carries the HTTP response.
        headers = getattr(getattr(exc, "response", None), "headers", None)
        if isinstance(headers, Mapping):
            asked = retry_after(headers)
            if asked is not None:
                return min(asked, self._backoff.cap)
        return self._backoff.delay(attempt, exc)

    def _failure(self, exc: Exception, attempts: int, *, transient: bool) -> LLMError:
        what = f"{self.model!r} ({self.class_name})"
        detail = f"{type(exc).__name__}: {self._redact(exc)}"
        if is_auth_error(exc):
            return LLMError(
                f"{what} rejected the credentials ({detail}).",
                f"Check the key {self.class_name} reads: `api_key` under [langchain.options] "
                f"in {self._config}, or the environment variable the model's package documents.",
            )
        if transient:
            return LLMError(
                f"{what} still failing after {attempts} attempts ({detail}).",
                "Wait a minute and run again, run fewer articles at once, or raise "
                f"`max_retries` under {self._where}.",
            )
        return LLMError(
            f"{what} failed ({detail}).",
            f"Check `model` and the options under {self._where}; the message comes from the "
            "model's package.",
        )

    def _unfinished(self, message: AIMessage, parsing_error: object) -> LLMError | None:
        """The error of an answer cut off at the token limit, filtered or refused; else None."""
        meta = getattr(message, "response_metadata", None) or {}
        if meta.get("finish_reason") == "length" or meta.get("stop_reason") == "max_tokens":
            return LLMError(
                f"The answer from {self.model!r} was cut off at the token limit.",
                f"Raise the token limit (--max-tokens, or the option of {self.class_name}, "
                "e.g. max_tokens, under [langchain.options]), or use a stronger model.",
            )
        if meta.get("finish_reason") == "content_filter":
            return LLMError(
                f"The content filter behind {self.class_name} blocked this article or the answer.",
                "Some providers filter political or sensitive news; try another model.",
            )
        refusal = (getattr(message, "additional_kwargs", None) or {}).get("refusal")
        if refusal or "refusal" in type(parsing_error).__name__.lower():
            text = refusal or str(parsing_error)
            return LLMError(
                f"{self.model!r} refused to answer: {self._redact(text)}",
                "Check that the article is what you meant to send; another model may answer.",
            )
        return None

    def _redact(self, exc: object) -> str:
        """`str(exc)` on one line, short, without any secret option or key-shaped text."""
        return redact(exc, self._options)
