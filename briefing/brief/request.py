"""The brief request of one article, built in one place: its messages and its token counts.

`summarize`, long articles (each part), `weekly --dry-run`, `estimate`, the spending cap, the
rate limiter and the batch lines all take the request from here, so what is counted, priced
and sent is the same request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefing.glossary import Glossary, prompt_terms
from briefing.llm.base import Ask, ChatMessage
from briefing.models import Article, BriefAnswer
from briefing.prompts import BRIEF_PROMPT, render_messages
from briefing.tokens import count_tokens

# Tokens an answer is expected to take, measured on the authored bilingual answers of
# examples/answers/ (818-1,429 tokens): about 700 plus 0.6 per token of what the request
# gives the model to read, at most 3,000 (the schema's bounds keep a brief under that).
ANSWER_BASE = 700
ANSWER_PER_TOKEN = 0.6
ANSWER_CAP = 3_000


@dataclass(frozen=True)
class BriefRequest:
    """What one brief call sends, and the tokens it is expected to take each way."""

    messages: list[ChatMessage]
    tokens_in: int
    tokens_out: int


def brief_request(
    article: Article,
    *,
    first: int = 1,
    part: str | None = None,
    glossary: Glossary | None = None,
) -> BriefRequest:
    """The brief request for `article` (a part of a long one: numbered from `first`), with
    the `glossary` entries its text holds, if any (none: the request is as without one)."""
    variables: dict[str, object] = {"article": article}
    if part is not None:
        variables |= {"first": first, "part": part}
    if glossary is not None:
        variables |= prompt_terms(glossary.for_article(article))
    messages = render_messages(BRIEF_PROMPT, **variables)
    return BriefRequest(messages, prompt_tokens(messages), expected_answer_tokens(messages))


def brief_ask(article: Article, *, glossary: Glossary | None = None) -> Ask:
    """The first call `summarize_article` makes for `article` (one not split into parts)."""
    messages = brief_request(article, glossary=glossary).messages
    return Ask(messages, BriefAnswer, BRIEF_PROMPT, f"article {article.id}")


@lru_cache(maxsize=1024)
def _tokens(text: str) -> int:
    # The system prompt is the same in every request: counted once.
    return count_tokens(text)


def prompt_tokens(messages: Sequence[ChatMessage]) -> int:
    """Tokens the messages send (o200k_base)."""
    return sum(_tokens(m.content) for m in messages)


def expected_answer_tokens(messages: Sequence[ChatMessage]) -> int:
    """Tokens the answer to `messages` is expected to take: grows with what the user turns
    give to read (an article, a story's briefs), within the schema's bounds."""
    given = sum(_tokens(m.content) for m in messages if m.role == "user")
    return min(ANSWER_CAP, int(ANSWER_BASE + ANSWER_PER_TOKEN * given))
