"""Load and render the prompt files in prompts/ (jinja2, sandboxed, StrictUndefined).

Article text only ever reaches a prompt as a variable: it is never parsed as template
source, so "{{ }}" in an article is just text. Every variable is also made unable to fake the
prompt's structure (see `data_text`): the data blocks it sits in stay closed.
"""

from __future__ import annotations

import re
from functools import cache

from jinja2 import FunctionLoader, StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefing.llm.base import ChatMessage
from briefing.resources import data_dir

BRIEF_PROMPT = "brief"  # the prompt every article's brief is asked with (prompts/brief.*.j2)
_VERSION = re.compile(r"\{#\s*version:\s*(\S+)\s*#\}")


# A line break inside one value: the prompts give each paragraph (title, source…) one line.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# The fences of the data blocks (<<<ARTICLE … ARTICLE>>>, <<<BRIEFS … BRIEFS>>>) are runs of
# three angle brackets; in data they become look-alike quotation marks.
_FENCE = re.compile(r"<{3,}|>{3,}")
# Chat-template control tokens, which a local server (llama.cpp, vLLM) may read as real ones
# inside message text: <|im_start|>, <|eot_id|>, <｜end▁of▁sentence｜>, </s>, <start_of_turn>.
_CONTROL_TOKEN = re.compile(r"<(?=[|｜]|/?s>|/?(?:start|end)_of_turn>)|(?<=[|｜])>")
_LOOKALIKE = {"<": "\u2039", ">": "\u203a"}  # ‹ ›


def data_text(value: object) -> object:
    """A variable's text as the prompts show it: verbatim, except that a line break inside it
    becomes a space (it cannot start a line that reads as a new paragraph `[7]`, a `Source:`
    or a fence), a fence-like run `>>>` or a chat control token `<|…|>` gets look-alike
    brackets (‹ ›). Numbers and other values pass as they are."""
    if not isinstance(value, str):
        return value
    text = _LINE_BREAK.sub(" ", value)
    text = _FENCE.sub(lambda m: _LOOKALIKE[m[0][0]] * len(m[0]), text)
    return _CONTROL_TOKEN.sub(lambda m: _LOOKALIKE[m[0]], text)


@cache
def _env() -> ImmutableSandboxedEnvironment:
    # finalize runs on every {{ }} output, so on every variable, never on the template's text.
    # The loader serves `{% include %}`: a block several prompts share (glossary.j2).
    return ImmutableSandboxedEnvironment(
        loader=FunctionLoader(_source),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=data_text,
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
