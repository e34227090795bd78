"""Settings from flags > environment > config file > provider presets.

The config file is TOML, at `platformdirs.user_config_dir("briefing")/config.toml` unless
`BRIEFING_CONFIG` (or the `config_path` argument) names another:

    provider = "deepseek"            # the default provider

    [deepseek]
    api_key = "sk-..."
    model = "deepseek-chat"

    [openai-compatible]
    base_url = "http://localhost:8080/v1"
    structured = "json_object"       # for servers without json_schema
    timeout = 300

    [slack]                          # where `briefing slack post` and `weekly --slack` post
    webhook_url = "https://hooks.slack.com/services/T.../B.../..."
    bot_token = "xoxb-..."           # with a channel: long digests continue in a thread
    channel = "C0123456789"
    api_url = "https://slack.com/api/"   # or any Slack-compatible Web API

    [input]
    max_bytes = 50_000_000           # the largest input read (20 MB by default; --max-bytes)

    # --provider langchain:package.module:ClassName (e.g. langchain:langchain_openai:ChatOpenAI)
    [langchain]
    model = "gpt-4o-mini"            # passed to the class as model=
    method = "json_schema"           # or "function_calling", "json_mode"
    max_retries = 4
    [langchain.options]              # the class's other keyword arguments
    temperature = 0
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import Field, SecretStr

from briefing.errors import ConfigError
from briefing.models import Model, Sampling, Usage
from briefing.settings.config_file import (
    ConfigFile,
    LangChainMethod,
    LangChainSection,
    ProviderSection,
    default_config_path,
    load_config_file,
)
from briefing.settings.providers import (
    DEFAULT_CONCURRENCY,
    PROVIDERS,
    Price,
    Provider,
    StructuredMode,
    known_name,
    list_prices,
)

LANGCHAIN_PREFIX = "langchain:"
LANGCHAIN_CLASS_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")  # package.module:ClassName

DEFAULT_TIMEOUT = 120.0  # seconds; one article can take a minute on a slow provider
DEFAULT_MAX_RETRIES = 4
REPLAY_HINT = "To try the bundled example without a key, use --replay (see README)."


class LangChainSettings(Model):
    """A LangChain chat model: its class, its keyword arguments, the structured-output method."""

    class_path: str  # package.module:ClassName
    method: LangChainMethod = "json_schema"
    # Keyword arguments for the class; they can hold keys, so they stay out of `repr`.
    options: dict[str, Any] = Field(default_factory=dict, repr=False)


V = TypeVar("V", int, float)


def _first(flag: V | None, configured: V | None) -> V | None:
    """The flag when given (0 included), else the config file's value."""
    return configured if flag is None else flag


class Settings(Model):
    """Everything needed to reach one model. `repr` and errors never show the key."""

    provider: str
    model: str
    base_url: str
    api_key: SecretStr | None
    structured: StructuredMode
    timeout: float = Field(DEFAULT_TIMEOUT, gt=0)
    max_retries: int = Field(DEFAULT_MAX_RETRIES, ge=0)
    max_tokens: int | None = Field(None, gt=0)
    # Sampling, sent only when set (an unset one leaves the request as it always was).
    temperature: float | None = Field(None, ge=0, le=2)
    seed: int | None = None
    config_path: Path
    concurrency: int = Field(DEFAULT_CONCURRENCY, ge=1)  # model calls at once (weekly)
    rpm: int | None = Field(None, ge=1)  # requests a minute; None: no limit of our own
    tpm: int | None = Field(None, ge=1)  # tokens a minute; None: no limit of our own
    langchain: LangChainSettings | None = None  # set for a langchain: provider only
    # model: price, the providers' list prices under the config file's [prices] table.
    prices: dict[str, Price] = Field(default_factory=list_prices, repr=False)

    @property
    def sampling(self) -> Sampling | None:
        """The sampling settings sent with each request, for a brief's meta; None when unset."""
        chosen = Sampling(
            temperature=self.temperature,
            seed=self.seed,
            max_tokens=self.max_tokens,
            timeout=self.timeout if self.timeout != DEFAULT_TIMEOUT else None,
        )
        return chosen if chosen.model_dump(exclude_none=True) else None

    @property
    def provider_entry(self) -> Provider | None:
        """This provider's entry in the table (none for a langchain: provider)."""
        return PROVIDERS.get(self.provider)

    def price(self, model: str | None = None) -> Price | None:
        """The price of `model` (this settings' model by default), None when unknown."""
        name = known_name(self.prices, model or self.model)
        return self.prices[name] if name else None

    def cost(self, usage: Usage, model: str | None = None) -> float | None:
        """What `usage` cost on `model`, in USD; None when the price or the usage is unknown."""
        price = self.price(model)
        if price is None or usage.unmetered:
            return None
        total = usage.prompt_tokens * price.input + usage.completion_tokens * price.output
        return round(total / 1_000_000, 6)

    @property
    def key_env(self) -> str | None:
        """The environment variable that holds this provider's key."""
        entry = self.provider_entry
        return entry.key_env if entry else None


def resolve_api_key(
    provider: str, *, flag: str | None, env: Mapping[str, str], section: ProviderSection
) -> SecretStr | None:
    """The key for `provider`: the argument, then its environment variable, then the file."""
    if flag:
        return SecretStr(flag)
    key_env = PROVIDERS[provider].key_env
    if key_env and env.get(key_env):
        return SecretStr(env[key_env])
    return section.api_key


def check_api_key(settings: Settings) -> None:
    """Raise ConfigError when the provider needs a key and none was found."""
    if settings.langchain is not None:
        return  # the model's class finds its own key (its options or its environment variable)
    if settings.api_key is not None or not PROVIDERS[settings.provider].needs_key:
        return
    p = settings.provider
    raise ConfigError(
        f"No API key for {p} - set {settings.key_env}, or add `api_key` under [{p}] in "
        f"{settings.config_path}.",
        REPLAY_HINT,
    )


def resolve_settings(
    *,
    provider: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    config_path: Path | None = None,
    env: Mapping[str, str] = os.environ,
    require_key: bool = True,
    require_endpoint: bool = True,
    config: ConfigFile | None = None,
    sampling: Sampling | None = None,
) -> Settings:
    """Settings from flags > environment > config file > preset; ConfigError if unusable.

    `sampling`: the sampling flags (temperature, seed, max_tokens, timeout), each over the
    provider's config table.

    `config` is the config file already read; without it the file at `config_path` (or the
    default path) is read. `require_key`/`require_endpoint` False: settings for counting
    and pricing only (`estimate`), which need neither a key nor a base URL.
    """
    path = config_path or default_config_path(env)
    if config is None:
        # Only a file named by the caller (--config) must exist; elsewhere none means empty.
        config = load_config_file(path, must_exist=config_path is not None)
    name = provider or env.get("BRIEFING_PROVIDER") or config.provider or "openai"
    if name.startswith(LANGCHAIN_PREFIX):
        return _langchain_settings(
            name,
            config.langchain,
            model=model,
            base_url=base_url,
            api_key=api_key,
            env=env,
            path=path,
            prices=config.price_table(),
            sampling=sampling or Sampling(),
        )
    if name not in PROVIDERS:
        raise ConfigError(
            f"Unknown provider {name!r}.",
            f"Known providers: {', '.join(PROVIDERS)}. For any other OpenAI-compatible server "
            "use openai-compatible with --base-url; for a LangChain chat model, "
            "langchain:package.module:ClassName.",
        )
    preset, section = PROVIDERS[name], config.section(name)
    flags = sampling or Sampling()

    chosen_url = base_url or env.get("BRIEFING_BASE_URL")
    if not chosen_url and name in ("openai", "openai-compatible"):
        chosen_url = env.get("OPENAI_BASE_URL")  # the openai SDK's own variable
    chosen_url = chosen_url or section.base_url or preset.base_url
    if not chosen_url and not require_endpoint:  # `estimate`: no call is made
        chosen_url = ""
    elif not chosen_url:
        raise ConfigError(
            f"Provider {name} needs a base URL - pass --base-url, set BRIEFING_BASE_URL, "
            f"or add `base_url` under [{name}] in {path}.",
            "It is the server's OpenAI-compatible API root, e.g. http://localhost:8080/v1.",
        )
    chosen_model = model or env.get("BRIEFING_MODEL") or section.model or preset.model
    if not chosen_model:
        raise ConfigError(
            f"No model chosen for {name} - pass --model, set BRIEFING_MODEL, "
            f"or add `model` under [{name}] in {path}.",
            "Use a model name the server lists (GET <base_url>/models).",
        )
    settings = Settings(
        provider=name,
        model=chosen_model,
        base_url=chosen_url.rstrip("/"),
        api_key=resolve_api_key(name, flag=api_key, env=env, section=section),
        structured=section.structured or preset.structured,
        timeout=flags.timeout or section.timeout or DEFAULT_TIMEOUT,
        max_retries=DEFAULT_MAX_RETRIES if section.max_retries is None else section.max_retries,
        max_tokens=flags.max_tokens or section.max_tokens or preset.max_tokens,
        temperature=_first(flags.temperature, section.temperature),
        seed=_first(flags.seed, section.seed),
        config_path=path,
        concurrency=section.concurrency or preset.pace.concurrency,
        rpm=preset.pace.rpm if section.rpm is None else section.rpm or None,
        tpm=preset.pace.tpm if section.tpm is None else section.tpm or None,
        prices=config.price_table(),
    )
    if require_key:
        check_api_key(settings)
    return settings


def _langchain_settings(
    name: str,
    section: LangChainSection,
    *,
    model: str | None,
    base_url: str | None,
    api_key: str | None,
    env: Mapping[str, str],
    path: Path,
    prices: dict[str, Price],
    sampling: Sampling,
) -> Settings:
    """Settings for `langchain:package.module:ClassName`; the class is imported by the client.

    `model` (flag > BRIEFING_MODEL > `[langchain] model`), a base URL and a key given as flags
    are passed to the class as the keyword arguments model=, base_url= and api_key=; the
    sampling flags by the client, over the same options in `[langchain.options]`.
    """
    class_path = name.removeprefix(LANGCHAIN_PREFIX)
    if not LANGCHAIN_CLASS_PATH.match(class_path):
        raise ConfigError(
            f"Provider {name!r} does not name a LangChain chat model class.",
            "Write it as langchain:package.module:ClassName, "
            "e.g. langchain:langchain_openai:ChatOpenAI.",
        )
    options = dict(section.options)
    chosen_model = model or env.get("BRIEFING_MODEL") or section.model or options.get("model")
    if chosen_model:
        options["model"] = chosen_model
    chosen_url = base_url or env.get("BRIEFING_BASE_URL")
    if chosen_url:
        options["base_url"] = chosen_url
    if api_key:
        options["api_key"] = api_key
    return Settings(
        provider=name,
        model=str(chosen_model or class_path.rpartition(":")[2]),
        base_url=str(options.get("base_url", "")),
        api_key=None,  # in the options, if anywhere
        structured="json_schema" if section.method == "json_schema" else "json_object",
        # Unset, the class's own options apply (timeout, max_tokens... in [langchain.options]).
        timeout=sampling.timeout or DEFAULT_TIMEOUT,
        max_retries=DEFAULT_MAX_RETRIES if section.max_retries is None else section.max_retries,
        max_tokens=sampling.max_tokens,
        temperature=sampling.temperature,
        seed=sampling.seed,
        config_path=path,
        prices=prices,
        langchain=LangChainSettings(class_path=class_path, method=section.method, options=options),
    )
