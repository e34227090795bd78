"""Text patterns of Chinese news boilerplate: original-title notes, bylines, source trailers."""

from __future__ import annotations

import re

from briefing.ingest.dates import find_dates

# A line naming the original headline ("（原标题：…）", "原标题：…"): never body text.
ORIGINAL_TITLE = re.compile(r"^[（(\[【]?\s*原标题\s*[:：]")
# A whole paragraph that is a bracketed byline: "【文/观察者网专栏作者 王文】", "【记者 张三】".
BYLINE = re.compile(
    r"^[【\[]\s*(?:文|作者|记者|编者|编译|撰文|来源|图|采写)[^】\]]{0,40}[】\]]$"
    r"|^(?:文|作者|记者|撰文|采写)\s*[/／|｜:：]\s*\S{1,20}(?:\s+\S{1,20}){0,3}$"
)
# Trailer lines after the body: source, editor, reprint notices and disclaimers.
TRAILER = re.compile(
    r"^[（(]?\s*(?:(?:本文|文章|稿件|新闻)?来源|责任编辑|责编|编辑|校对|审核|审校|监制|作者|记者|"
    r"(?:免责|版权|特别)?声明)\s*[:：/／]"
    r"|^[（(]?\s*(?:转载请注明|请支持独立网站|本文仅代表作者|未经授权[，,]?\s*禁止转载)"
)
# Trailers are short; a long paragraph starting with "来源" is body text.
TRAILER_MAX_CHARS = 80
# A paragraph wholly in full-width parentheses at an edge of the body is an editor's note
# ("（应受访者要求，文中张严为化名。）").
EDGE_NOTE = re.compile(r"^[（(][^（）()]*[）)]$")
# A short line with a date that is not a sentence, before the body: "2025-10-20 10:00 来源：X".
DATELINE_MAX_CHARS = 60
_SENTENCE_END = re.compile(r"[。！？!?…][”’\"』」）)]*$")


def is_boilerplate(text: str) -> bool:
    """True for a paragraph that is an original-title note, a byline or a trailer line."""
    if ORIGINAL_TITLE.match(text) or BYLINE.match(text):
        return True
    return len(text) <= TRAILER_MAX_CHARS and bool(TRAILER.match(text))


def ends_sentence(text: str) -> bool:
    """True when `text` ends like a sentence (。！？…, possibly followed by closing quotes)."""
    return bool(_SENTENCE_END.search(text))


def is_dateline(text: str) -> bool:
    """True for a short line giving a date (and maybe a source), not a sentence."""
    return len(text) <= DATELINE_MAX_CHARS and not ends_sentence(text) and bool(find_dates(text))


def strip_edges(paragraphs: list[str]) -> list[str]:
    """Drop boilerplate and editor's notes from both ends of the body, datelines from its start.

    A date line at the end is kept: official notices end with their signing date.
    """
    out = list(paragraphs)
    while out and (is_boilerplate(out[0]) or EDGE_NOTE.match(out[0]) or is_dateline(out[0])):
        out.pop(0)
    while out and (is_boilerplate(out[-1]) or EDGE_NOTE.match(out[-1])):
        out.pop()
    return out
