"""`briefing config` / `doctor`, run as the installed command: what a run would use, no key
needed, the key masked, and the recipes taken from the provider table."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefing.settings import PROVIDERS

BRIEFING = str(Path(sys.executable).with_name("briefing"))
KEY = "sk-live-0123456789abcdefghijKLMNOP"


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BRIEFING_", "OPENAI_", "DEEPSEEK_", "DASHSCOPE_", "MOONSHOT_"))
    }
    clean |= {
        "BRIEFING_CONFIG": str(tmp_path / "config.toml"),
        "BRIEFING_CACHE_DIR": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        **env,
    }
    return subprocess.run(
        [BRIEFING, *args], capture_output=True, text=True, env=clean, timeout=60, check=False
    )


def _json(tmp_path: Path, *args: str, **env: str) -> dict[str, Any]:
    result = _run(tmp_path, "config", "--json", *args, **env)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_without_any_key_or_file_it_says_what_is_missing(tmp_path: Path) -> None:
    result = _run(tmp_path, "config")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Provider     openai (from the default)" in out
    assert "Model        gpt-4o-mini (the provider's default)" in out
    assert "API key      not set - set OPENAI_API_KEY" in out
    assert f"{tmp_path / 'config.toml'} (not found)" in out
    assert f"{tmp_path / 'cache' / 'responses.sqlite3'} (not created yet)" in out
    assert not (tmp_path / "cache").exists()  # looking does not create the cache


def test_a_key_from_the_environment_is_named_and_masked(tmp_path: Path) -> None:
    result = _run(tmp_path, "config", "--provider", "deepseek", DEEPSEEK_API_KEY=KEY)
    assert result.returncode == 0, result.stderr
    assert f"API key      from DEEPSEEK_API_KEY: sk-… ({len(KEY)} characters)" in result.stdout
    assert "Provider     deepseek (from the command line)" in result.stdout
    assert KEY not in result.stdout + result.stderr
    assert KEY[6:18] not in result.stdout + result.stderr


def test_a_key_from_the_config_file_is_masked_and_the_file_found(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        f'provider = "moonshot"\n[moonshot]\napi_key = "{KEY}"\nmodel = "moonshot-v1-32k"\n',
        "utf-8",
    )
    data = _json(tmp_path)
    assert data["provider"] == "moonshot" and data["provider_from"] == "the config file"
    assert data["model"] == "moonshot-v1-32k" and data["model_from"] == "the config file"
    assert data["base_url"] == PROVIDERS["moonshot"].base_url
    assert data["api_key"]["from"] == "the config file" and data["api_key"]["set"] is True
    assert data["config_file"]["exists"] is True
    assert KEY not in json.dumps(data)
    # The environment wins over the file, as in a run.
    env = _json(tmp_path, BRIEFING_PROVIDER="qwen", DASHSCOPE_API_KEY=KEY)
    assert env["provider"] == "qwen" and env["provider_from"] == "BRIEFING_PROVIDER"
    assert env["api_key"]["from"] == "DASHSCOPE_API_KEY"


def test_the_cache_is_measured(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    with sqlite3.connect(tmp_path / "cache" / "responses.sqlite3") as db:
        db.execute("CREATE TABLE answers (key TEXT PRIMARY KEY, raw TEXT)")
        db.executemany("INSERT INTO answers VALUES (?, ?)", [("a", "x" * 9000), ("b", "y")])
    db.close()
    data = _json(tmp_path)
    assert data["cache"]["exists"] is True and data["cache"]["answers"] == 2
    assert data["cache"]["bytes"] >= 9000
    assert ", 2 answers)" in _run(tmp_path, "config").stdout


def test_recipes_follow_the_provider_table(tmp_path: Path) -> None:
    recipes = {r["provider"]: r for r in _json(tmp_path)["recipes"]}
    assert list(recipes) == ["deepseek", "qwen", "moonshot", "ollama", "openai-compatible"]
    for name, recipe in recipes.items():
        entry = PROVIDERS[name]
        expected_env = {entry.key_env: "YOUR_KEY"} if entry.key_env and entry.needs_key else {}
        assert recipe["env"] == expected_env, name
        assert f"--provider {name}" in recipe["command"]
        assert (entry.model or "MODEL") in recipe["config"]
    assert "--base-url http://localhost:8080/v1" in recipes["openai-compatible"]["command"]
    assert "--base-url" not in recipes["ollama"]["command"]  # its preset has one
    text = _run(tmp_path, "config").stdout
    assert "export DASHSCOPE_API_KEY=YOUR_KEY" in text and "export MOONSHOT_API_KEY" in text


@pytest.mark.parametrize("provider", ["deepseek", "qwen", "moonshot"])
def test_a_recipe_runs_as_written(tmp_path: Path, provider: str) -> None:
    """The recipe's config lines are a config file briefing reads as that provider."""
    recipe = next(r for r in _json(tmp_path)["recipes"] if r["provider"] == provider)
    (tmp_path / "config.toml").write_text(recipe["config"] + "\n", "utf-8")
    data = _json(tmp_path)
    assert data["provider"] == provider and data["api_key"]["from"] == "the config file"


def test_doctor_is_config(tmp_path: Path) -> None:
    assert _run(tmp_path, "doctor").stdout == _run(tmp_path, "config").stdout


def test_a_broken_config_file_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("provider = [1\n", "utf-8")
    result = _run(tmp_path, "config")
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("Error: ") and "config.toml" in result.stderr
    assert "Traceback" not in result.stderr
