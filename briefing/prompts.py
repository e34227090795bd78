"""Load and render the prompt files in prompts/ (jinja2, sandboxed, StrictUndefined).

Article text only ever reaches a prompt as a variable: it is never parsed as template
source, so "{{ }}" in an article is just text.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefing.llm.base import ChatMessage
from briefing.resources import data_dir

BRIEF_PROMPT = "brief"  # the prompt every article's brief is asked with (prompts/brief.*.j2)
_VERSION = re.compile(r"\{#\s*version:\s*(\S+)\s*#\}")


@cache
def _env() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False
    )


@cache
def _source(name: str) -> str:
    return (data_dir("prompts") / name).read_text(encoding="utf-8")


@cache
def _template(name: str) -> Template:
    # Compiled once: recompiling on every render was a quarter of the pipeline's own time.
    return _env().from_string(_source(name))


def prompt_version(name: str) -> str:
    """The version a prompt file declares in its `{# version: brief@1 #}` header."""
    match = _VERSION.search(_source(f"{name}.system.j2"))
    if not match:
        raise ValueError(f"prompts/{name}.system.j2 declares no version")
    return match.group(1)


def render_messages(name: str, **variables: object) -> list[ChatMessage]:
    """Render prompts/<name>.system.j2 and <name>.user.j2 into chat messages."""
    messages = []
    for role in ("system", "user"):
        template = _template(f"{name}.{role}.j2")
        text = template.render(**variables).strip()
        messages.append(ChatMessage(role=role, content=text))
    return messages


def render_text(name: str, **variables: object) -> str:
    """Render a single prompt file (prompts/<name>.j2), e.g. a follow-up message."""
    return _template(f"{name}.j2").render(**variables).strip()
