"""Know the cost before paying it: tokens in and expected out per article, and the total.

The same preparation as `weekly` (period, duplicates, stories), so the estimate is for the
run that would follow. Tokens in are counted on the exact request (briefing.brief.request);
tokens out are expected as that module says.
"""

from __future__ import annotations

from briefing.brief.request import ANSWER_BASE, ANSWER_CAP, ANSWER_PER_TOKEN, brief_request
from briefing.brief.verify import expected_verify_tokens
from briefing.digest.prepare import Prepared
from briefing.digest.week import TOP_STORIES
from briefing.models import Estimate, EstimatedArticle, TokenTotal, Usage
from briefing.settings import Settings
from briefing.settings.providers import context_window

STORY_PROMPT = 700  # the story prompt's own text, without the briefs
WEEK_PROMPT = 600  # the week prompt's own text, without the stories
WEEK_ANSWER = 900  # 5-8 bilingual one-line points with their cites


def estimate_run(prepared: Prepared, settings: Settings, *, verify: bool = False) -> Estimate:
    """Expected tokens and cost of briefing the prepared articles and synthesising stories
    (and, with `verify`, of the second reader's call per brief, in `total` and `verify`)."""
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
    story_outs = [min(ANSWER_CAP, int(ANSWER_BASE + ANSWER_PER_TOKEN * n)) for n in story_ins]
    week_in, week_out = week_tokens(prepared.stories, out_by_id, story_outs)
    checks = [expected_verify_tokens(a, out_by_id[a.id]) for a in prepared.articles if verify]
    verifying = TokenTotal(
        tokens_in=sum(i for i, _ in checks), tokens_out=sum(o for _, o in checks)
    )
    total = TokenTotal(
        tokens_in=sum(a.tokens_in for a in articles)
        + sum(story_ins)
        + week_in
        + verifying.tokens_in,
        tokens_out=sum(a.tokens_out for a in articles)
        + sum(story_outs)
        + week_out
        + verifying.tokens_out,
    )
    usage = Usage(prompt_tokens=total.tokens_in, completion_tokens=total.tokens_out)
    return Estimate(
        model=model,
        articles=articles,
        total=total,
        cost_usd=settings.cost(usage),
        verify=verifying if verify else None,
    )


def week_tokens(
    stories: list[list[str]], brief_outs: dict[str, int], story_outs: list[int]
) -> tuple[int, int]:
    """The week in brief's call (tokens in, out): none for a single story; else it reads the
    top stories' syntheses (`story_outs`, in the order of the stories of several articles)
    and a story of one's brief (`brief_outs`). An upper bound: the top 8 may be fewer."""
    if len(stories) < 2:
        return 0, 0
    syntheses = iter(story_outs)
    read = [next(syntheses) if len(s) > 1 else brief_outs.get(s[0], 0) for s in stories]
    return WEEK_PROMPT + sum(sorted(read, reverse=True)[:TOP_STORIES]), WEEK_ANSWER
