"""Long articles: split by tokens into runs of whole paragraphs, brief each part, merge.

A part keeps the article's own paragraph numbers: the brief prompt is rendered with the
part's first number (`first`), so the model sees and cites [51] for paragraph 51, the
grounding checks run against the whole article, and the reduce prompt merges the partial
briefs into one brief whose citations need no translation. A paragraph is only cut when it
alone is over the budget; its pieces end at sentence ends and all carry its number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import TYPE_CHECKING

from briefing.brief.answers import brief_from_answer
from briefing.brief.reask import Grounded, ask_grounded
from briefing.brief.request import brief_request, prompt_tokens
from briefing.errors import InvalidAnswerError, LLMError
from briefing.grounding import check_brief
from briefing.llm.base import LLM, ChatMessage
from briefing.models import Article, Brief, BriefAnswer, BriefMeta, Finding, Usage
from briefing.prompts import BRIEF_PROMPT, prompt_version, render_messages
from briefing.settings.providers import context_window
from briefing.tokens import count_tokens

if TYPE_CHECKING:
    from briefing.glossary import Glossary

log = logging.getLogger(__name__)

PROMPT = BRIEF_PROMPT
REDUCE = "reduce"

# --- The budget: how many tokens the rendered brief prompt may have. -------------------
# Context windows from each provider's model list (tokens, input and output together).
RESERVED_OUTPUT = 4_096  # the authored answers in examples/answers/ are 818-1,429 tokens
SCHEMA_ALLOWANCE = 600  # json_object mode appends the schema (415 o200k tokens) to the prompt
# Counts are o200k_base; DeepSeek, Qwen and Moonshot tokenise Chinese a little differently.
TOKENIZER_MARGIN = 0.85

# Where a paragraph over the budget may be cut, best first: sentence ends (with a closing
# quote or bracket kept on the sentence), then clauses, then anywhere.
SENTENCE_ENDS = r"[。！？][”’」』）)]*|[.!?][\"')\]]*\s+"
SEPARATORS = [SENTENCE_ENDS, r"[；;]", r"[，,、]", ""]
_SLACK = 8  # tokens kept free when cutting a paragraph: counts of pieces are not additive
_WIDEST_LABEL = "999 of 999"  # the part label used while sizing parts


def budget_for(model: str, *, max_tokens: int | None = None) -> int:
    """Tokens the brief prompt of `model` may have: its context window less the answer's."""
    room = context_window(model) - (max_tokens or RESERVED_OUTPUT) - SCHEMA_ALLOWANCE
    return int(room * TOKENIZER_MARGIN)


def needs_split(article: Article, budget_tokens: int) -> bool:
    """Whether the article's brief prompt is over `budget_tokens`."""
    return brief_request(article).tokens_in > budget_tokens


# --- Splitting. -------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A run of the article's paragraphs, numbered as in the whole article.

    `paragraphs[i]` is paragraph `first + i`; the first and last may be pieces of a
    paragraph that alone was over the budget.
    """

    first: int
    paragraphs: tuple[str, ...]

    @property
    def last(self) -> int:
        """The number of the part's last paragraph."""
        return self.first + len(self.paragraphs) - 1


@dataclass(frozen=True)
class _Span:
    """Characters start:end of paragraph `number`, and its cost as a prompt line."""

    number: int
    start: int
    end: int
    tokens: int


def split_article(article: Article, budget_tokens: int) -> list[Part]:
    """The article as parts whose brief prompts each fit `budget_tokens`, in reading order."""
    room = budget_tokens - prompt_tokens(part_prompt(article, Part(1, ()), _WIDEST_LABEL))
    if room < 64:
        raise ValueError(
            f"A budget of {budget_tokens} tokens leaves {room} for the article once the "
            "prompt is counted; give a budget of at least a few hundred tokens."
        )
    spans = [s for n, text in enumerate(article.paragraphs, 1) for s in _spans(n, text, room)]
    parts: list[Part] = []
    while spans:
        take, used = 1, spans[0].tokens
        while take < len(spans) and used + spans[take].tokens <= room:
            used += spans[take].tokens
            take += 1
        # The sum of line counts is an estimate: the rendered prompt is the measure.
        part = _join(article, spans[:take])
        while take > 1 and _tokens(article, part) > budget_tokens:
            take -= 1
            part = _join(article, spans[:take])
        parts.append(part)
        spans = spans[take:]
    return parts


def _line_tokens(number: int, text: str) -> int:
    return count_tokens(f"[{number}] {text}\n")


def _spans(number: int, text: str, room: int) -> list[_Span]:
    """The paragraph whole, or cut at sentence ends into pieces that each fit `room`."""
    tokens = _line_tokens(number, text)
    if tokens <= room:
        return [_Span(number, 0, len(text), tokens)]
    # Imported here: most articles never need it, and it takes a third of a second.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=room - _line_tokens(number, "") - _SLACK,
        chunk_overlap=0,
        length_function=count_tokens,
    )
    starts, pos = [], 0
    for piece in splitter.split_text(text):
        start = text.index(piece, pos)  # pieces are stripped, in order, never overlapping
        starts.append(start)
        pos = start + len(piece)
    # Each piece runs to the next one's start, so the whitespace between them is kept and
    # the pieces put together are the paragraph exactly.
    bounds = [0, *starts[1:], len(text)]
    return [
        _Span(number, a, b, _line_tokens(number, text[a:b]))
        for a, b in zip(bounds, bounds[1:], strict=False)
    ]


def _join(article: Article, spans: list[_Span]) -> Part:
    """The part made of `spans`; pieces of one paragraph side by side become one text."""
    texts = []
    for number, same in groupby(spans, key=lambda s: s.number):
        run = list(same)
        texts.append(article.paragraphs[number - 1][run[0].start : run[-1].end])
    return Part(first=spans[0].number, paragraphs=tuple(texts))


def part_prompt(
    article: Article, part: Part, label: str, glossary: Glossary | None = None
) -> list[ChatMessage]:
    """The brief prompt for one part: the normal prompt, numbered from `part.first`, with
    the glossary entries the part holds."""
    sub = article.model_copy(update={"paragraphs": list(part.paragraphs)})
    return brief_request(sub, first=part.first, part=label, glossary=glossary).messages


def _tokens(article: Article, part: Part) -> int:
    return prompt_tokens(part_prompt(article, part, _WIDEST_LABEL))


# --- Briefing the parts and merging them. -----------------------------------------------


@dataclass(frozen=True)
class PartBrief:
    """One part and what briefing it gave: the grounded answer, or the error."""

    part: Part
    label: str
    result: Grounded[BriefAnswer] | None
    error: str | None = None

    @property
    def first(self) -> int:
        """The part's first paragraph number (for the reduce prompt)."""
        return self.part.first

    @property
    def last(self) -> int:
        """The part's last paragraph number (for the reduce prompt)."""
        return self.part.last

    @property
    def answer(self) -> BriefAnswer | None:
        """The partial brief, or None when the part could not be briefed."""
        return self.result.value if self.result else None


def summarize_long(
    article: Article, llm: LLM, *, budget_tokens: int, glossary: Glossary | None = None
) -> Brief:
    """Brief an article over the budget: a partial brief per part, then one reduce call.

    Citations stay the article's paragraph numbers throughout. A part whose call fails is
    left out of the reduce and named in an error-level `part-not-briefed` finding; when no
    part can be briefed, or the reduce call fails, LLMError is raised.
    """
    draft = BriefMeta(model=llm.model, prompt="", generated_at="")
    parts = split_article(article, budget_tokens)
    if len(parts) == 1:
        messages = brief_request(article, glossary=glossary).messages
        result = ask_grounded(llm, messages, BriefAnswer, PROMPT, _checker(article, draft))
        return _brief(article, result, prompt_version(PROMPT), result.usage, result.attempts)

    usage, attempts = Usage(), 0
    briefed: list[PartBrief] = []
    for i, part in enumerate(parts, 1):
        label = f"{i} of {len(parts)}"
        messages = part_prompt(article, part, label, glossary)
        try:
            result = ask_grounded(
                llm, messages, BriefAnswer, PROMPT, _checker(article, draft, part)
            )
        except LLMError as exc:
            log.warning(
                "part %s (paragraphs %d-%d) not briefed: %s",
                label,
                part.first,
                part.last,
                exc.message,
            )
            if isinstance(exc, InvalidAnswerError):  # its answers were paid for
                usage += Usage(
                    prompt_tokens=exc.prompt_tokens, completion_tokens=exc.completion_tokens
                )
                attempts += exc.attempts
            briefed.append(PartBrief(part, label, None, exc.message))
            continue
        usage, attempts = usage + result.usage, attempts + result.attempts
        briefed.append(PartBrief(part, label, result))

    done = [b.result for b in briefed if b.result is not None]
    missing = [_not_briefed(b) for b in briefed if b.result is None]
    if not done:
        raise LLMError(
            f"None of the {len(parts)} parts of the article could be briefed: {briefed[0].error}",
            "Fix the cause above and run again; a model with a larger context window "
            "takes the article in fewer parts (--model).",
        )
    if len(done) == 1:  # one partial brief left: nothing to merge
        only = done[0]
        brief = _brief(article, only, prompt_version(PROMPT), usage, attempts)
        return brief.model_copy(update={"findings": [*missing, *brief.findings]})

    messages = render_messages(REDUCE, article=article, parts=briefed)
    if (tokens := prompt_tokens(messages)) > budget_tokens:
        # One reduce call over every partial brief; a model with a small context window
        # may refuse it (about 1,300 tokens a part). Said before the call, not after.
        log.warning(
            "the reduce prompt has %d tokens, over the budget of %d: the model may "
            "refuse it as too long",
            tokens,
            budget_tokens,
        )
    result = ask_grounded(llm, messages, BriefAnswer, REDUCE, _checker(article, draft))
    prompt = f"{prompt_version(PROMPT)}+{prompt_version(REDUCE)}"
    brief = _brief(article, result, prompt, usage + result.usage, attempts + result.attempts)
    return brief.model_copy(update={"findings": [*missing, *brief.findings]})


def _checker(
    article: Article, meta: BriefMeta, part: Part | None = None
) -> Callable[[BriefAnswer], list[Finding]]:
    """The grounding checks against the whole article; for a part, cites must be in it."""

    def check(answer: BriefAnswer) -> list[Finding]:
        brief = brief_from_answer(article, answer, meta)
        findings = check_brief(brief)
        if part is not None:
            findings += _outside(brief, part)
        return findings

    return check


def _outside(brief: Brief, part: Part) -> list[Finding]:
    """A cite of a paragraph that exists but is not in the part: the model never saw it."""
    findings = []
    n_paragraphs = len(brief.article.paragraphs)
    for where, claim in brief.claims_with_paths():
        bad = [
            n
            for n in dict.fromkeys(claim.cites)
            if 1 <= n <= n_paragraphs and not part.first <= n <= part.last
        ]
        if bad:
            cited = ", ".join(map(str, bad))
            findings.append(
                Finding(
                    where=where,
                    kind="cite-out-of-range",
                    severity="error",
                    detail=f"cites {cited}, but this part has paragraphs {part.first}-{part.last}",
                )
            )
    return findings


def _not_briefed(briefed: PartBrief) -> Finding:
    part = briefed.part
    return Finding(
        where="core_viewpoint",
        kind="part-not-briefed",
        severity="error",
        detail=(
            f"paragraphs {part.first}-{part.last} (part {briefed.label}) could not be briefed "
            f"({briefed.error}); this brief does not cover them"
        ),
    )


def _brief(
    article: Article, result: Grounded[BriefAnswer], prompt: str, usage: Usage, attempts: int
) -> Brief:
    meta = BriefMeta(
        model=result.model,
        prompt=prompt,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        usage=usage,
        attempts=attempts,
    )
    brief = brief_from_answer(article, result.value, meta)
    return brief.model_copy(update={"findings": result.findings})
