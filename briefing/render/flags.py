"""What a flag tells a reader: a finding's kind in plain words, in English or Chinese.

A finding's `detail` is written for the re-ask ("cite the paragraphs it rests on"): it tells
the model what to fix. A reader needs to know what could not be verified. Each known kind has
its reader wording here, with the quantity the detail names when there is one ("the cited
paragraph does not contain 700 billion"); a kind this table does not know (a new check)
falls back to its detail, so it is never hidden.
"""

from __future__ import annotations

import re

from briefing.models import Finding, Verification

# The quantity the number checks name first in their detail: "700 billion not found in …",
# "700 billion appears nowhere in the article", "… appears in none of the story's articles".
_QUANTITY = re.compile(r"^(?P<q>.+?) (?:not found in|appears nowhere|appears in none)\b")
# Where the number checks say the quantity does appear: "it appears in paragraph 2".
_ELSEWHERE = re.compile(r"; it appears (?P<where>in [^;]+|only in the title)")
# The sides of a bilingual mismatch: "the English states 700 billion; the Chinese has …".
_MISMATCH = re.compile(r"^the (?P<side>English|Chinese) states (?P<q>.+?); the ")

# (English, Chinese) for each kind; {q} is the quantity, when the detail names one.
_WORDING: dict[str, tuple[str, str]] = {
    "cite-missing": ("no source paragraph is cited", "未引用任何原文段落"),
    "cite-out-of-range": (
        "it cites a paragraph the source does not have",
        "引用了原文中不存在的段落",
    ),
    "number-not-in-cited": (
        "the cited paragraph does not contain {q}",
        "所引段落中没有 {q}",
    ),
    "number-not-in-source": ("{q} is not in the source", "原文中没有 {q}"),
    "text-not-in-cited": (
        "the cited paragraphs do not appear to say this",
        "所引段落似乎并未提及此内容",
    ),
    "bilingual-mismatch": (
        "the English and Chinese give different figures",
        "中英文所述数字不一致",
    ),
    "empty-text": ("the English or the Chinese text is missing", "缺少英文或中文文本"),
    "part-not-briefed": (
        "part of the article could not be summarised; this brief does not cover all of it",
        "文章有部分内容未能处理，本简报未涵盖全文",
    ),
    "check-failed": (
        "the checks could not run on this statement",
        "核查未能在此陈述上运行",
    ),
    "not-supported": (
        "a second reader (--verify) judged that the cited paragraphs do not support it",
        "二次核验（--verify）判定所引段落不支持该陈述",
    ),
}
# Shown to a reader as flags: what the checks found wrong, and what the second reader (a model,
# so a warning in the brief) judged unsupported; other warnings stay in the JSON.
_SHOWN_WARNINGS = {"not-supported"}
# When a number kind's detail names no quantity we can read.
_NO_QUANTITY = {
    "number-not-in-cited": (
        "the cited paragraphs do not contain a number it states",
        "所引段落中没有其所述数字",
    ),
    "number-not-in-source": ("a number it states is not in the source", "其所述数字不见于原文"),
}
_PARAGRAPH = re.compile(r"\bparagraphs? ([\d, and-]+)")


def reader_flag(finding: Finding, lang: str, labels: dict[str, str] | None = None) -> str:
    """The flag in words a reader understands, in `lang` ("en" or "zh"); `labels` names
    articles as the reader knows them (`A2` for an article id)."""
    zh = lang == "zh"
    forms = _WORDING.get(finding.kind)
    if forms is None:  # a kind added after this table: its detail is all there is
        return finding.detail
    text = forms[1 if zh else 0]
    if "{q}" not in text:
        if finding.kind == "bilingual-mismatch" and (m := _MISMATCH.match(finding.detail)):
            q = m["q"]
            return f"{text}（{q}）" if zh else f"{text} ({q})"
        return text
    m = _QUANTITY.match(finding.detail)
    if m is None:
        return _NO_QUANTITY[finding.kind][1 if zh else 0]
    out = text.format(q=m["q"])
    elsewhere = _ELSEWHERE.search(finding.detail)
    if elsewhere and not zh and elsewhere["where"] != "only in the title":
        where = _PARAGRAPH.sub(r"¶\1", elsewhere["where"].removeprefix("in "))
        for article_id, label in (labels or {}).items():
            where = where.replace(article_id, label)
        out += f" (it is in {where})"
    return out


def flags_shown(findings: list[Finding]) -> list[Finding]:
    """The findings a reader sees as flags (⚠): errors, and claims judged not supported."""
    return [f for f in findings if f.severity == "error" or f.kind in _SHOWN_WARNINGS]


def flagged_count(findings: list[Finding]) -> int:
    """How many statements carry at least one flag: a claim with two flags counts once."""
    return len({f.where for f in flags_shown(findings)})


def second_reader(verification: Verification | None, lang: str) -> str:
    """What the second reader (--verify) judged, in a line; "" without --verify."""
    v = verification
    if v is None:
        return ""
    zh = lang == "zh"
    if v.recall is None:
        return "二次核验：没有可评判的陈述。" if zh else "Second reader: no claim could be judged."
    recall = f"{v.recall:.0%}"
    precision = "–" if v.precision is None else f"{v.precision:.0%}"
    if zh:
        line = (
            f"二次核验：{v.claims} 条陈述中 {v.supported} 条完全得到所引段落支持"
            f"（召回率 {recall}），"
            f"{v.partly} 条部分支持，{v.not_supported} 条不受支持；"
            f"{v.citations} 处引用的精确率 {precision}"
        )
        return line + (f"；{v.unjudged} 条未评判。" if v.unjudged else "。")
    line = (
        f"Second reader: {v.supported} of {v.claims} claims fully supported by what they cite "
        f"(citation recall {recall}), {v.partly} in part, {v.not_supported} not supported; "
        f"citation precision {precision} over {v.citations} citations"
    )
    return line + (f"; {v.unjudged} not judged." if v.unjudged else ".")
