"""The config file: its tables, checked; read once per content.

`~/.config/briefing/config.toml` (the platform's config folder), or `BRIEFING_CONFIG`; see
briefing/settings/load.py for what each table sets.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError, model_validator

from briefing.errors import ConfigError
from briefing.models import Model
from briefing.settings.providers import PROVIDERS, Price, StructuredMode, list_prices

# LangChain's names for its structured-output methods (with_structured_output(method=...)).
LangChainMethod = Literal["json_schema", "function_calling", "json_mode"]


class ProviderSection(Model):
    """One `[provider]` table of the config file."""

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    structured: StructuredMode | None = None
    timeout: float | None = Field(None, gt=0)
    max_retries: int | None = Field(None, ge=0)
    max_tokens: int | None = Field(None, gt=0)
    temperature: float | None = Field(None, ge=0, le=2)
    seed: int | None = None
    concurrency: int | None = Field(None, ge=1)
    rpm: int | None = Field(None, ge=0)  # 0: no limit
    tpm: int | None = Field(None, ge=0)  # 0: no limit


class SlackSection(Model):
    """The `[slack]` table: where to post. `repr` and errors never show the secrets."""

    webhook_url: SecretStr | None = None
    bot_token: SecretStr | None = None
    channel: str | None = None
    api_url: str | None = None


class InputSection(Model):
    """The `[input]` table: how inputs are read."""

    max_bytes: int | None = Field(None, ge=1)  # the largest input; briefing/ingest/size.py


class LshStorage(Model):
    """Where dedupe's MinHash LSH index lives: datasketch's `storage_config`."""

    type: Literal["dict", "redis"]
    redis: dict[str, Any] = {}  # redis.Redis arguments: host, port, db, password…
    basename: str = "briefing-dedupe"  # key prefix in a shared store
    # Redis only: runs sharing the basename dedupe against each other (briefing.digest.shared).
    shared: bool = False

    @model_validator(mode="after")
    def _shared_needs_redis(self) -> LshStorage:
        if self.shared and self.type != "redis":
            raise ValueError('shared = true needs type = "redis": a dict lives in one process')
        return self


class DedupeSection(Model):
    """The `[dedupe]` table. `lsh_storage` unset: the index is built in this process's memory
    (the fastest on one machine); set, datasketch's MinHashLSH keeps it there (e.g. Redis)."""

    lsh_storage: LshStorage | None = None


class LangChainSection(Model):
    """The `[langchain]` table: settings for a `langchain:package.module:ClassName` provider."""

    model: str | None = None
    method: LangChainMethod = "json_schema"
    max_retries: int | None = Field(default=None, ge=0)
    # `[langchain.options]`: keyword arguments for the class; they can hold keys.
    options: dict[str, Any] = Field(default_factory=dict, repr=False)


# The tables that are not a provider's, as the file names them.
SECTIONS: dict[str, type[Model]] = {
    "slack": SlackSection,
    "input": InputSection,
    "langchain": LangChainSection,
    "dedupe": DedupeSection,
}


class ConfigFile(Model):
    """The config file: a default provider, one optional table per provider (named as in
    briefing/settings/providers.py), `[slack]`, `[input]`, `[langchain]`, `[dedupe]` and
    `[prices]`."""

    provider: str | None = None
    providers: dict[str, ProviderSection] = {}  # the [openai], [deepseek]… tables
    slack: SlackSection = SlackSection()
    input: InputSection = InputSection()
    langchain: LangChainSection = LangChainSection()
    dedupe: DedupeSection = DedupeSection()
    # model: [input, output] USD per million tokens, over briefing/settings/providers.py's.
    prices: dict[str, tuple[float, float]] = {}

    def price_table(self) -> dict[str, Price]:
        """The list prices with this file's [prices] over them."""
        return {**list_prices(), **{m: Price(*p) for m, p in self.prices.items()}}

    @model_validator(mode="before")
    @classmethod
    def _provider_tables(cls, data: object) -> object:
        # A table named after a provider is that provider's; any other unknown key stays
        # where it is and is refused as such.
        if not isinstance(data, dict):
            return data
        tables = {k: v for k, v in data.items() if k in PROVIDERS}
        rest = {k: v for k, v in data.items() if k not in PROVIDERS}
        return {**rest, "providers": tables} if tables else rest

    def section(self, provider: str) -> ProviderSection:
        """The table for `provider` (empty when the file has none)."""
        return self.providers.get(provider, ProviderSection())


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """Where the config file is read from: `BRIEFING_CONFIG`, else the user config dir."""
    if env.get("BRIEFING_CONFIG"):
        return Path(env["BRIEFING_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir("briefing")) / "config.toml"


def load_config_file(path: Path, *, must_exist: bool) -> ConfigFile:
    """Read and check the config file; a missing file is empty unless it was named explicitly.

    Parsed once per content: every reader of a run (the model settings, the input limit,
    the Slack target, the secrets to mask) gets the same object without reading it again.
    """
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (stat.st_mtime_ns, stat.st_size, stat.st_ino) if stat else None
    return _load_config_file(path, must_exist, key)


@lru_cache(maxsize=8)
def _load_config_file(path: Path, must_exist: bool, _stamp: object) -> ConfigFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if must_exist:
            raise ConfigError(
                f"Config file {path} does not exist.",
                "Create it, or pass --config the path of an existing file.",
            ) from None
        return ConfigFile()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Cannot read config file {path}: {exc}.",
            "Check the file's permissions and that it is UTF-8 text.",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message ends with "(at line N, column M)".
        raise ConfigError(
            f"Invalid TOML in config file {path}: {exc}.",
            "Fix the line named above (see https://toml.io).",
        ) from None
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            # [deepseek] is stored under `providers`, a name the file never shows.
            f"{'.'.join(str(p) for p in e['loc'] if p != 'providers') or '(top level)'}: {e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(
            f"Invalid setting in config file {path}: {problems}.",
            f"Known tables: {', '.join(f'[{p}]' for p in PROVIDERS)}; keys: "
            f"{', '.join(ProviderSection.model_fields)}. "
            + " ".join(
                f"[{name}] keys: {', '.join(section.model_fields)}."
                for name, section in SECTIONS.items()
            )
            + " [prices]: model = [input, output] USD per million tokens. "
            "The top level: provider.",
        ) from None
