"""`briefing config` (alias `doctor`): the settings a run would use, and where each comes from.

Needs no key: it shows where the key would come from, masked, and how to set one. The
recipes are built from the provider table (briefing/settings/providers.py), so a new
provider's entry gives its recipe too.
"""

from __future__ import annotations

import json
import os
import sqlite3
from typing import Annotated, Any

import typer

from briefing.cli.common import BaseUrlOpt, ModelOpt, ProviderOpt, count, user_errors

# The providers a recipe is shown for, with the name a reader knows them by.
RECIPES = {
    "deepseek": "DeepSeek",
    "qwen": "Qwen (Alibaba Cloud DashScope)",
    "moonshot": "Moonshot (Kimi)",
    "ollama": "Ollama, on this machine",
    "openai-compatible": "A local OpenAI-compatible server (llama.cpp, vLLM, LM Studio)",
}
LOCAL_URL = "http://localhost:8080/v1"  # llama.cpp's server listens on 8080 by default


def _source(flag: str | None, env_name: str, in_file: object) -> str:
    """Which layer a setting came from, in the order settings.load reads them."""
    if flag:
        return "the command line"
    if os.environ.get(env_name):
        return env_name
    if in_file:
        return "the config file"
    return "the default"


def _key(settings: Any) -> dict[str, Any]:
    """Where the key comes from, its value masked."""
    from briefing.settings import PROVIDERS
    from briefing.slack.mask import mask_token

    entry = PROVIDERS.get(settings.provider)
    if entry is None:  # langchain:…
        return {"set": None, "from": "the LangChain class (its options or its own variable)"}
    env_name = entry.key_env
    found = {"env": env_name, "needed": entry.needs_key}
    if settings.api_key is None:
        return {**found, "set": False, "from": None, "masked": None}
    value = settings.api_key.get_secret_value()
    origin = env_name if env_name and os.environ.get(env_name) == value else "the config file"
    masked = f"{mask_token(value)} ({count(len(value), 'character')})"
    return {**found, "set": True, "from": origin, "masked": masked}


def _cache() -> dict[str, Any]:
    """The cache's path, size and answers, read without creating it."""
    from briefing.llm.cache import default_cache_path

    path = default_cache_path()
    files = list(path.parent.glob(path.name + "*")) if path.parent.is_dir() else []
    size = sum(f.stat().st_size for f in files if f.is_file())
    answers = None
    if path.is_file():
        try:
            with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
                answers = int(db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
        except sqlite3.Error:
            answers = None
    return {"path": str(path), "exists": path.is_file(), "bytes": size, "answers": answers}


def recipes() -> list[dict[str, Any]]:
    """For each provider in RECIPES: the variables, the command and the config file lines."""
    from briefing.settings import PROVIDERS

    out = []
    for name, title in RECIPES.items():
        p = PROVIDERS[name]
        command = f"briefing summarize article.html --provider {name}"
        lines = [f'provider = "{name}"', f"[{name}]"]
        if p.base_url is None:
            command += f" --base-url {LOCAL_URL}"
            lines.append(f'base_url = "{LOCAL_URL}"')
        if p.model is None:
            command += " --model MODEL"
            lines.append('model = "MODEL"')
        else:
            lines.append(f'model = "{p.model}"')
        env = {p.key_env: "YOUR_KEY"} if p.key_env and p.needs_key else {}
        if env:
            lines.append('api_key = "YOUR_KEY"')
        out.append(
            {
                "provider": name,
                "title": title,
                "env": env,
                "command": command,
                "config": "\n".join(lines),
                "optional_key": p.key_env if p.key_env and not p.needs_key else None,
            }
        )
    return out


def report(
    provider: str | None = None, model: str | None = None, base_url: str | None = None
) -> dict[str, Any]:
    """What `briefing config --json` prints."""
    from briefing.settings import default_config_path, load_config_file, resolve_settings

    path = default_config_path()
    config = load_config_file(path, must_exist=False)
    settings = resolve_settings(
        provider=provider,
        model=model,
        base_url=base_url,
        require_key=False,
        require_endpoint=False,
        config=config,
    )
    section = config.section(settings.provider) if settings.langchain is None else None
    return {
        "provider": settings.provider,
        "provider_from": _source(provider, "BRIEFING_PROVIDER", config.provider),
        "model": settings.model,
        "model_from": _source(model, "BRIEFING_MODEL", section.model if section else None),
        "base_url": settings.base_url or None,
        "structured": settings.structured,
        "api_key": _key(settings),
        "config_file": {"path": str(path), "exists": path.is_file()},
        "cache": _cache(),
        "recipes": recipes(),
    }


def _text(r: dict[str, Any]) -> str:
    key = r["api_key"]
    if key.get("set") is None:
        key_line = f"from {key['from']}"
    elif key["set"]:
        key_line = f"from {key['from']}: {key['masked']}"
    elif key["needed"]:
        key_line = (
            f"not set - set {key['env']}, or add api_key under [{r['provider']}] in the config file"
        )
    else:
        key_line = "none needed" + (
            f" ({key['env']} if the server wants one)" if key["env"] else ""
        )
    model_from = (
        "the provider's default" if r["model_from"] == "the default" else f"from {r['model_from']}"
    )
    cache = r["cache"]
    if cache["exists"]:
        held = "" if cache["answers"] is None else f", {count(cache['answers'], 'answer')}"
        cache_line = f"{cache['path']} ({cache['bytes'] / 1_000_000:.1f} MB{held})"
    else:
        cache_line = f"{cache['path']} (not created yet)"
    rows = [
        ("Provider", f"{r['provider']} (from {r['provider_from']})"),
        ("Model", f"{r['model']} ({model_from})"),
        ("Base URL", r["base_url"] or "none - pass --base-url"),
        ("API key", key_line),
        (
            "Config file",
            f"{r['config_file']['path']} "
            f"({'exists' if r['config_file']['exists'] else 'not found'})",
        ),
        ("Cache", cache_line),
    ]
    lines = [f"{label:<13}{value}" for label, value in rows]
    lines += [
        "",
        "Recipes: set the key, then run the command, or put the lines in the config file.",
    ]
    for recipe in r["recipes"]:
        lines += ["", f"{recipe['title']}:"]
        lines += [f"  export {name}={value}" for name, value in recipe["env"].items()]
        if recipe["optional_key"]:
            lines.append(f"  export {recipe['optional_key']}=YOUR_KEY   # if the server wants one")
        lines.append(f"  {recipe['command']}")
        lines.append("  # or in the config file:")
        lines += [f"  {line}" for line in recipe["config"].splitlines()]
    return "\n".join(lines)


def config(
    provider: ProviderOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
) -> None:
    """Show the provider, model, key (masked), config file and cache a run uses; alias: doctor."""
    with user_errors():
        result = report(provider, model, base_url)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(_text(result))
