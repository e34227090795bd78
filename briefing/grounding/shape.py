"""The shape of an answer: what a weak model does to the form of a brief, whatever it says.

- zh-copies-en: the Chinese is the English again (or near enough: 90% of its characters
  in the same order, case, spaces and punctuation aside), or the reverse.
- repeated-claim: a claim says again, in both languages, what an earlier claim of the same
  brief said (the core viewpoint, which sums the claims up, is not compared).
- repeated-title: a group's title is an earlier group's title again, or every group
  carries the brief's own title.
- cut-off: a text as long as the schema allows that does not end a sentence: the model
  was stopped at the length limit mid-sentence.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import cache

from briefing.models import BilingualAnswer, ClaimAnswer

NEAR = 0.9  # two texts this similar (after normalising) are the same text
MIN_CHARS = 8  # shorter texts (a name, an acronym) are not compared
SLACK = 3  # a text within this many characters of its limit reached it
MAX_COMPARED = 2000  # longer texts than this are compared for identity only
_ENDS = tuple('.。!！?？"”’)）…》]】')


@cache
def limit(kind: str) -> int:
    """The schema's maximum length of a text: "title" (ShortText) or "claim" (ClaimText)."""
    model = BilingualAnswer if kind == "title" else ClaimAnswer
    return int(model.model_json_schema()["properties"]["en"]["maxLength"])


def normalised(text: str) -> str:
    """Lower case, letters and digits only (what two copies share however they are spaced)."""
    return "".join(c for c in text.casefold() if unicodedata.category(c)[0] in "LN")


def same(a: str, b: str) -> bool:
    """True when `a` and `b` are one text (identical or near-identical once normalised)."""
    x, y = normalised(a), normalised(b)
    if len(x) < MIN_CHARS or len(y) < MIN_CHARS:
        return False
    if x == y:
        return True
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    # quick_ratio is linear and bounds ratio from above; ratio itself is quadratic, so it
    # runs only on texts of a claim's size (a hostile saved brief may hold 100 kB ones).
    if matcher.quick_ratio() < NEAR or max(len(x), len(y)) > MAX_COMPARED:
        return False
    return matcher.ratio() >= NEAR


def copies(en: str, zh: str) -> str | None:
    """The detail when the Chinese and the English are the same text."""
    if not same(en, zh):
        return None
    if re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[A-Za-z]", zh):
        return "the English is a copy of the Chinese: write the English in English"
    return "the Chinese is a copy of the English: write the Chinese in Chinese"


def cut_off(text: str, kind: str) -> str | None:
    """The detail when `text` fills the schema's limit and stops mid-sentence."""
    text = text.rstrip()
    most = limit(kind)
    if len(text) < most - SLACK or (kind == "claim" and text.endswith(_ENDS)):
        return None
    return (
        f"the text stops at the {most}-character limit (…{text[-12:]}): "
        "it was cut off; say it in fewer words"
    )


def repeats(statements: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(where, detail) for each statement (where, en, zh) repeating an earlier one."""
    out = []
    for i, (where, en, zh) in enumerate(statements):
        for earlier, en0, zh0 in statements[:i]:
            if same(en, en0) and same(zh, zh0):
                out.append((where, f"it says again what {earlier} says: drop it or say more"))
                break
    return out


def repeated_titles(
    title: tuple[str, str], groups: list[tuple[str, str, str]]
) -> list[tuple[str, str]]:
    """(where, detail) for each group title (where, en, zh) repeating an earlier group's, or
    every group title when all of them are the brief's own title."""
    if len(groups) < 2:
        return []
    if all(_same_title((en, zh), title) for _, en, zh in groups):
        detail = "every group carries the brief's title: name what each group is about"
        return [(where, detail) for where, _, _ in groups]
    out = []
    for i, (where, en, zh) in enumerate(groups):
        for earlier, en0, zh0 in groups[:i]:
            if _same_title((en, zh), (en0, zh0)):
                out.append((where, f"the same title as {earlier}: name what this group is about"))
                break
    return out


def _same_title(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Titles are short: the same when either language is identical once normalised."""
    return any(normalised(x) and normalised(x) == normalised(y) for x, y in zip(a, b, strict=True))
