"""Know the cost before paying it: tokens in and expected out per article, and the total.

The same preparation as `weekly` (period, duplicates, stories), so the estimate is for the
run that would follow. Tokens in are counted on the exact prompt; tokens out are expected
from what briefs of real articles took (measured on examples/: about 700 tokens plus 0.6
per token of article, for the JSON in both languages).
"""

from __future__ import annotations

from briefing.digest.prepare import Prepared
from briefing.models import Estimate, EstimatedArticle, TokenTotal, Usage
from briefing.pricing import context_window, cost_usd
from briefing.prompts import render_messages
from briefing.tokens import count_tokens

BRIEF_OUT_BASE = 700
BRIEF_OUT_PER_TOKEN = 0.6
BRIEF_OUT_CAP = 3_000  # the schema's bounds keep a brief under this
STORY_PROMPT = 700  # the story prompt's own text, without the briefs
STORY_OUT = 1_000


def estimate_run(prepared: Prepared, model: str) -> Estimate:
    """Expected tokens and cost of briefing the prepared articles and synthesising stories."""
    window = context_window(model)
    articles = []
    out_by_id: dict[str, int] = {}
    for article in prepared.articles:
        tokens_in = sum(count_tokens(m.content) for m in render_messages("brief", article=article))
        body = count_tokens("\n".join(article.paragraphs))
        tokens_out = min(BRIEF_OUT_CAP, int(BRIEF_OUT_BASE + BRIEF_OUT_PER_TOKEN * body))
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
    story_in = sum(STORY_PROMPT + sum(out_by_id[i] for i in s) for s in stories)
    total = TokenTotal(
        tokens_in=sum(a.tokens_in for a in articles) + story_in,
        tokens_out=sum(a.tokens_out for a in articles) + STORY_OUT * len(stories),
    )
    usage = Usage(prompt_tokens=total.tokens_in, completion_tokens=total.tokens_out)
    return Estimate(model=model, articles=articles, total=total, cost_usd=cost_usd(model, usage))
