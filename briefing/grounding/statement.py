"""The checks beyond numbers on one statement (a claim, a core viewpoint, a story's summary or
claim) and on the shape of a whole answer; checks.py and story.py call them.

Per statement, in this order, each silent when it cannot decide:
- zh-copies-en (shape.py): the two languages are one text. Then nothing below can compare
  them, and only the length is still checked.
- wrong-language (language.py): Chinese in the English, English in the Chinese. Then the
  two languages are not compared with each other either.
- direction-mismatch (direction.py), negation-mismatch (negation.py): between the two
  languages, and between the statement in the article's language and the cited clauses
  that speak of the same thing.
- actor-mismatch (actors.py): a country or organisation named on one side only, or absent
  from every cited paragraph.
- cut-off (shape.py): a text that fills the schema's limit and stops mid-sentence.

An English-language article is checked the same way: its claims' English is compared with
the cited paragraphs (its Chinese, a translation, only with the English).
"""

from __future__ import annotations

from briefing.grounding import actors, direction, language, negation, shape
from briefing.models import Finding, FindingKind

_NAMES = {"en": "English", "zh": "Chinese"}

Labelled = list[tuple[str, str]]  # (label, text): ("paragraph 3", "据俄卫星网报道…")


def check_statement(
    where: str,
    en: str,
    zh: str,
    cited: Labelled,
    others: Labelled,
    source_language: str,
    frame: list[str],
) -> list[Finding]:
    """The findings beyond numbers on one statement citing `cited` (the article's or the
    story's other paragraphs are `others`; `frame` the texts that set every paragraph's
    scene, see actors.against_source); `source_language` is "zh" or "en"."""
    found: list[tuple[FindingKind, str]] = []
    both = bool(en.strip() and zh.strip())
    copied = shape.copies(en, zh) if both else None
    if copied:
        found.append(("zh-copies-en", copied))
    wrong = [] if copied else [d for d in (language.chinese_in_english(en),
                                           language.english_in_chinese(zh)) if d]  # fmt: skip
    found += [("wrong-language", d) for d in wrong]
    if both and not copied and not wrong:
        for kind, detail in (
            ("direction-mismatch", direction.bilingual(en, zh)),
            ("negation-mismatch", negation.bilingual(en, zh)),
        ):
            if detail:
                found.append((kind, detail))  # type: ignore[arg-type]
        found += [("actor-mismatch", d) for d in actors.bilingual(en, zh)]
    side = "en" if source_language == "en" else "zh"
    own = en if side == "en" else zh
    if cited and own.strip() and not copied:
        found += [
            ("direction-mismatch", d) for d in direction.against_source(own, _NAMES[side], cited)
        ]
        found += [
            ("negation-mismatch", d) for d in negation.against_source(own, _NAMES[side], cited)
        ]
        found += [
            ("actor-mismatch", d) for d in actors.against_source(en, zh, cited, others, frame, side)
        ]
    for name, text in (("English", en), ("Chinese", zh)):
        cut = shape.cut_off(text, "claim")
        if cut:
            found.append(("cut-off", f"the {name} {cut.removeprefix('the ')}"))
    return [_finding(where, kind, detail) for kind, detail in found]


def check_title(where: str, en: str, zh: str) -> list[Finding]:
    """The findings beyond numbers on a title: copies, language, length."""
    found: list[tuple[FindingKind, str]] = []
    copied = shape.copies(en, zh) if en.strip() and zh.strip() else None
    if copied:
        found.append(("zh-copies-en", copied))
    else:
        for detail in (language.chinese_in_english(en), language.english_in_chinese(zh)):
            if detail:
                found.append(("wrong-language", detail))
    for name, text in (("English", en), ("Chinese", zh)):
        cut = shape.cut_off(text, "title")
        if cut:
            found.append(("cut-off", f"the {name} {cut.removeprefix('the ')}"))
    return [_finding(where, kind, detail) for kind, detail in found]


def check_shape(
    title: tuple[str, str],
    groups: list[tuple[str, str, str]],
    statements: list[tuple[str, str, str]],
) -> list[Finding]:
    """repeated-title and repeated-claim over a whole answer: `groups` and `statements` are
    (where, en, zh) of each group title and each statement, in document order."""
    found = [_finding(w, "repeated-title", d) for w, d in shape.repeated_titles(title, groups)]
    found += [_finding(w, "repeated-claim", d) for w, d in shape.repeats(statements)]
    return found


def _finding(where: str, kind: FindingKind, detail: str) -> Finding:
    return Finding(where=where, kind=kind, severity="error", detail=detail)
