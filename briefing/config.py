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
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError

from briefing.errors import ConfigError
from briefing.models import Model

StructuredMode = Literal["json_schema", "json_object"]

DEFAULT_TIMEOUT = 120.0  # seconds; one article can take a minute on a slow provider
DEFAULT_MAX_RETRIES = 4
REPLAY_HINT = "To try the bundled example without a key, use --replay (see README)."


@dataclass(frozen=True)
class Preset:
    """What a provider needs: where it lives, its key variable, its structured-output mode."""

    base_url: str | None
    key_env: str | None
    structured: StructuredMode
    model: str | None
    needs_key: bool = True
    max_tokens: int | None = None


# Base URLs and modes from each provider's documentation (see docs/ENVIRONMENT.md).
PRESETS: dict[str, Preset] = {
    "openai": Preset("https://api.openai.com/v1", "OPENAI_API_KEY", "json_schema", "gpt-4o-mini"),
    # DeepSeek answers HTTP 400 to json_schema; json_object needs "json" in the prompt.
    "deepseek": Preset("https://api.deepseek.com", "DEEPSEEK_API_KEY", "json_object",
                       "deepseek-chat"),
    # DashScope documents json_schema for a few Qwen models only; json_object for all.
    "qwen": Preset("https://dashscope.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY",
                   "json_object", "qwen-plus"),
    # Moonshot documents JSON Mode (json_object) and defaults max tokens to 1024 when unset,
    # which cuts a bilingual brief short.
    "moonshot": Preset("https://api.moonshot.cn/v1", "MOONSHOT_API_KEY", "json_object",
                       "moonshot-v1-8k", max_tokens=4096),
    "ollama": Preset("http://localhost:11434/v1", None, "json_schema", None, needs_key=False),
    # Its own key variable, so an OpenAI key is never sent to an arbitrary server.
    "openai-compatible": Preset(None, "BRIEFING_API_KEY", "json_schema", None, needs_key=False),
}


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
    config_path: Path

    @property
    def key_env(self) -> str | None:
        """The environment variable that holds this provider's key."""
        return PRESETS[self.provider].key_env


class ProviderSection(Model):
    """One `[provider]` table of the config file."""

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    structured: StructuredMode | None = None
    timeout: float | None = Field(None, gt=0)
    max_retries: int | None = Field(None, ge=0)
    max_tokens: int | None = Field(None, gt=0)


class ConfigFile(Model):
    """The config file: a default provider and one optional table per provider."""

    provider: str | None = None
    openai: ProviderSection = ProviderSection()
    deepseek: ProviderSection = ProviderSection()
    qwen: ProviderSection = ProviderSection()
    moonshot: ProviderSection = ProviderSection()
    ollama: ProviderSection = ProviderSection()
    openai_compatible: ProviderSection = Field(ProviderSection(), alias="openai-compatible")

    def section(self, provider: str) -> ProviderSection:
        """The table for `provider`."""
        section: ProviderSection = getattr(self, provider.replace("-", "_"))
        return section


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """Where the config file is read from: `BRIEFING_CONFIG`, else the user config dir."""
    if env.get("BRIEFING_CONFIG"):
        return Path(env["BRIEFING_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir("briefing")) / "config.toml"


def load_config_file(path: Path, *, must_exist: bool) -> ConfigFile:
    """Read and check the config file; a missing file is empty unless it was named explicitly."""
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
        raise ConfigError(f"Cannot read config file {path}: {exc}.",
                          "Check the file's permissions and that it is UTF-8 text.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message ends with "(at line N, column M)".
        raise ConfigError(f"Invalid TOML in config file {path}: {exc}.",
                          "Fix the line named above (see https://toml.io).") from None
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(
            f"Invalid setting in config file {path}: {problems}.",
            f"Known tables: {', '.join(f'[{p}]' for p in PRESETS)}; keys: "
            f"{', '.join(ProviderSection.model_fields)}.",
        ) from None


def resolve_api_key(
    provider: str, *, flag: str | None, env: Mapping[str, str], section: ProviderSection
) -> SecretStr | None:
    """The key for `provider`: the argument, then its environment variable, then the file."""
    if flag:
        return SecretStr(flag)
    key_env = PRESETS[provider].key_env
    if key_env and env.get(key_env):
        return SecretStr(env[key_env])
    return section.api_key


def check_api_key(settings: Settings) -> None:
    """Raise ConfigError when the provider needs a key and none was found."""
    if settings.api_key is not None or not PRESETS[settings.provider].needs_key:
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
) -> Settings:
    """Settings from flags > environment > config file > preset; ConfigError if unusable."""
    path = config_path or default_config_path(env)
    # Only a file named by the caller (--config) must exist; elsewhere none means empty.
    config = load_config_file(path, must_exist=config_path is not None)
    name = provider or env.get("BRIEFING_PROVIDER") or config.provider or "openai"
    if name not in PRESETS:
        raise ConfigError(
            f"Unknown provider {name!r}.",
            f"Known providers: {', '.join(PRESETS)}. For any other OpenAI-compatible server "
            "use openai-compatible with --base-url.",
        )
    preset, section = PRESETS[name], config.section(name)

    chosen_url = base_url or env.get("BRIEFING_BASE_URL")
    if not chosen_url and name in ("openai", "openai-compatible"):
        chosen_url = env.get("OPENAI_BASE_URL")  # the openai SDK's own variable
    chosen_url = chosen_url or section.base_url or preset.base_url
    if not chosen_url:
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
        timeout=section.timeout or DEFAULT_TIMEOUT,
        max_retries=DEFAULT_MAX_RETRIES if section.max_retries is None else section.max_retries,
        max_tokens=section.max_tokens or preset.max_tokens,
        config_path=path,
    )
    if require_key:
        check_api_key(settings)
    return settings
