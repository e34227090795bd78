"""Settings: flags > environment > config file > presets; clear errors for bad settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import ConfigError
from briefing.settings import PROVIDERS, default_config_path, resolve_settings

FILE = """\
provider = "deepseek"

[deepseek]
api_key = "sk-from-file"
model = "deepseek-from-file"
base_url = "https://file.example/v1"
max_retries = 1

[openai]
model = "gpt-from-file"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_presets_apply_when_nothing_else_is_set(tmp_path: Path) -> None:
    s = resolve_settings(
        config_path=None,
        env={"BRIEFING_CONFIG": str(tmp_path / "none.toml"), "OPENAI_API_KEY": "sk-env"},
    )
    assert (s.provider, s.model, s.base_url) == (
        "openai",
        "gpt-4o-mini",
        "https://api.openai.com/v1",
    )
    assert s.structured == "json_schema" and s.timeout == 120 and s.max_retries == 4
    assert s.config_path == tmp_path / "none.toml"
    assert s.api_key is not None and s.api_key.get_secret_value() == "sk-env"


def test_file_beats_presets(config: Path) -> None:
    s = resolve_settings(config_path=config, env={})
    assert (s.provider, s.model, s.base_url) == (
        "deepseek",
        "deepseek-from-file",
        "https://file.example/v1",
    )
    assert s.structured == "json_object"  # the deepseek preset's mode
    assert s.max_retries == 1
    assert s.api_key is not None and s.api_key.get_secret_value() == "sk-from-file"


def test_environment_beats_file(config: Path) -> None:
    env = {
        "BRIEFING_MODEL": "env-model",
        "BRIEFING_BASE_URL": "https://env.example/v1/",
        "DEEPSEEK_API_KEY": "sk-env",
    }
    s = resolve_settings(config_path=config, env=env)
    assert (s.provider, s.model, s.base_url) == ("deepseek", "env-model", "https://env.example/v1")
    assert s.api_key is not None and s.api_key.get_secret_value() == "sk-env"
    assert resolve_settings(
        config_path=config, env={"BRIEFING_PROVIDER": "openai", "OPENAI_API_KEY": "k"}
    ).model == ("gpt-from-file")


def test_flags_beat_environment(config: Path) -> None:
    env = {
        "BRIEFING_PROVIDER": "qwen",
        "BRIEFING_MODEL": "env-model",
        "BRIEFING_BASE_URL": "https://env.example/v1",
        "DEEPSEEK_API_KEY": "sk-env",
    }
    s = resolve_settings(
        provider="deepseek",
        model="flag-model",
        base_url="https://flag/v1",
        api_key="sk-flag",
        config_path=config,
        env=env,
    )
    assert (s.provider, s.model, s.base_url) == ("deepseek", "flag-model", "https://flag/v1")
    assert s.api_key is not None and s.api_key.get_secret_value() == "sk-flag"


def test_openai_base_url_applies_to_openai_only(tmp_path: Path) -> None:
    env = {
        "OPENAI_BASE_URL": "https://proxy.example/v1",
        "OPENAI_API_KEY": "k",
        "DEEPSEEK_API_KEY": "k",
    }
    path = tmp_path / "absent.toml"
    assert resolve_settings(env=env | {"BRIEFING_CONFIG": str(path)}).base_url == (
        "https://proxy.example/v1"
    )
    assert (
        resolve_settings(provider="deepseek", env=env | {"BRIEFING_CONFIG": str(path)}).base_url
        == "https://api.deepseek.com"
    )


def test_each_preset_reads_its_own_key_variable(tmp_path: Path) -> None:
    env = {"BRIEFING_CONFIG": str(tmp_path / "absent.toml"), "OPENAI_API_KEY": "sk-openai"}
    for name in ("deepseek", "qwen", "moonshot"):
        key_env = PROVIDERS[name].key_env
        assert key_env is not None
        s = resolve_settings(provider=name, env=env | {key_env: f"sk-{name}"})
        assert s.api_key is not None and s.api_key.get_secret_value() == f"sk-{name}"
        assert s.key_env == key_env
    # An OpenAI key is never sent to an arbitrary OpenAI-compatible server.
    s = resolve_settings(
        provider="openai-compatible", base_url="http://localhost:8080/v1", model="local", env=env
    )
    assert s.api_key is None


def test_providers_without_key(tmp_path: Path) -> None:
    env = {"BRIEFING_CONFIG": str(tmp_path / "absent.toml")}
    s = resolve_settings(provider="ollama", model="qwen2.5:7b", env=env)
    assert (s.base_url, s.structured, s.api_key) == (
        "http://localhost:11434/v1",
        "json_schema",
        None,
    )


def test_openai_compatible_needs_a_base_url_and_may_use_json_object(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with pytest.raises(ConfigError) as caught:
        resolve_settings(
            provider="openai-compatible",
            model="m",
            config_path=None,
            env={"BRIEFING_CONFIG": str(path)},
        )
    assert "--base-url" in caught.value.message and str(path) in caught.value.message
    path.write_text(
        '[openai-compatible]\nbase_url = "http://127.0.0.1:8080/v1"\n'
        'structured = "json_object"\nmodel = "local"\ntimeout = 300\n'
    )
    s = resolve_settings(provider="openai-compatible", config_path=path, env={})
    assert (s.base_url, s.structured, s.timeout) == ("http://127.0.0.1:8080/v1", "json_object", 300)


def test_unknown_provider_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_settings(provider="gemini", env={"BRIEFING_CONFIG": str(tmp_path / "x.toml")})
    assert "'gemini'" in caught.value.message
    for name in PROVIDERS:
        assert name in (caught.value.hint or "")


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('provider = "openai"\n[openai]\nmodel = gpt-4o\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        resolve_settings(config_path=path, env={})
    assert str(path) in caught.value.message and "line 3" in caught.value.message


def test_unknown_setting_in_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[openai]\nmodle = "gpt-4o"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        resolve_settings(config_path=path, env={"OPENAI_API_KEY": "k"})
    assert "openai.modle" in caught.value.message and str(path) in caught.value.message


def test_a_misspelt_table_lists_every_table_the_file_may_have(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[dedup]\nlsh_storage = {type = "redis"}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        resolve_settings(config_path=path, env={"OPENAI_API_KEY": "k"})
    assert "dedup" in caught.value.message
    hint = caught.value.hint or ""
    for table in ("[slack]", "[input]", "[langchain]", "[dedupe] keys: lsh_storage", "[prices]"):
        assert table in hint


def test_missing_key_says_every_way_to_add_one(config: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_settings(provider="openai", config_path=config, env={})
    assert caught.value.message == (
        f"No API key for openai - set OPENAI_API_KEY, or add `api_key` under [openai] in {config}."
    )
    assert caught.value.hint == (
        "To try the bundled example without a key, use --replay (see README)."
    )
    assert (
        resolve_settings(provider="openai", config_path=config, env={}, require_key=False).api_key
        is None
    )


def test_secrets_stay_out_of_repr(config: Path) -> None:
    s = resolve_settings(config_path=config, env={})
    assert "sk-from-file" not in repr(s) and "sk-from-file" not in str(s)
    assert "sk-from-file" not in s.model_dump_json()


def test_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_settings(config_path=tmp_path / "missing.toml", env={"OPENAI_API_KEY": "k"})
    assert "missing.toml" in caught.value.message


def test_default_config_path_moves_with_briefing_config(tmp_path: Path) -> None:
    assert default_config_path({"BRIEFING_CONFIG": str(tmp_path / "c.toml")}) == tmp_path / "c.toml"
    assert default_config_path({}).name == "config.toml"
    assert "briefing" in str(default_config_path({}))
