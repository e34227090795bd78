"""The jinja2 environment every output template runs in: sandboxed, strict, escaping by default."""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefing.resources import data_dir


def load_template(
    name: str,
    finalize: Callable[[object], str],
    filters: dict[str, Callable[..., object]] | None = None,
) -> Template:
    """templates/<name>, where every `{{ }}` output goes through `finalize` (the escaping)."""
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters or {})
    return env.from_string((data_dir("templates") / name).read_text(encoding="utf-8"))
