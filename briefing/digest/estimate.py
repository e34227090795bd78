"""Know the cost before paying it: tokens in and expected out per article, and the total.

The same preparation as `weekly` (period, duplicates, stories), so the estimate is for the
run that would follow. Tokens in are counted on the exact request (briefing.brief.request);
tokens out are expected as that module says.
"""

from __future__ import annotations

from briefing.brief.request import ANSWER_BASE, ANSWER_CAP, ANSWER_PER_TOKEN, brief_request
from briefing.digest.prepare import Prepared
from briefing.models import Estimate, EstimatedArticle, TokenTotal, Usage
from briefing.settings import Settings
from briefing.settings.providers import context_window

STORY_PROMPT = 700  # the story prompt's own text, without the briefs


def estimate_run(prepared: Prepared, settings: Settings) -> Estimate:
    """Expected tokens and cost of briefing the prepared articles and synthesising stories."""
    model = settings.model
    window = context_window(model)
    articles = []
    out_by_id: dict[str, int] = {}
    for article in prepared.articles:
        request = brief_request(article, glossary=prepared.glossary)
        tokens_in, tokens_out = request.tokens_in, request.tokens_out
        out_by_id[article.id] = tokens_out
        articles.append(
            EstimatedArticle(
                id=article.id,
                input=prepared.inputs[article.id],
                tokens_in=tokens_in,
                tokens_out=tokens_out,
                fits=tokens_in + tokens_out <= window,
            )
        )
    # A story's synthesis reads its members' briefs.
    stories = [s for s in prepared.stories if len(s) > 1]
    story_ins = [STORY_PROMPT + sum(out_by_id[i] for i in s) for s in stories]
    story_out = sum(min(ANSWER_CAP, int(ANSWER_BASE + ANSWER_PER_TOKEN * n)) for n in story_ins)
    total = TokenTotal(
        tokens_in=sum(a.tokens_in for a in articles) + sum(story_ins),
        tokens_out=sum(a.tokens_out for a in articles) + story_out,
    )
    usage = Usage(prompt_tokens=total.tokens_in, completion_tokens=total.tokens_out)
    return Estimate(model=model, articles=articles, total=total, cost_usd=settings.cost(usage))
