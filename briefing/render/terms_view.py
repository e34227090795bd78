"""The digest's Terms section: how its briefs rendered the glossary's terms (meta.glossary_terms).

Shown only when a glossary was in use: a one-line summary ("14 of 16 glossary terms rendered
as preferred"), then each term rendered otherwise at least once, with its preferred English,
every other rendering seen and the briefs (A2, A5) that used it, linked to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.grounding.glossary import OTHERWISE
from briefing.models import TermReport, TermUse
from briefing.render.escape import Trusted

_MARKS = {"colon": (": ", "："), "semicolon": ("; ", "；"), "comma": (", ", "、")}


@dataclass(frozen=True)
class OtherRendering:
    """A rendering other than the preferred one, and the briefs that used it."""

    rendering: str  # an `avoid` form of the glossary, or OTHERWISE
    count: int
    briefs: list[tuple[str, str | None]]  # (label, anchor): the bare id, unlinked, if unknown

    def text(self, lang: str) -> str:
        """`"Commerce Ministry" ×2 in`, `other wording ×1 in`, or the same in Chinese."""
        if lang == "zh":
            said = "其他译法" if self.rendering == OTHERWISE else f"“{self.rendering}”"
            return f"{said} {self.count} 次，见"
        said = "other wording" if self.rendering == OTHERWISE else f'"{self.rendering}"'
        return f"{said} ×{self.count} in"


@dataclass(frozen=True)
class TermRow:
    """A term rendered otherwise at least once: its Chinese, preferred English, other ones."""

    zh: str
    en: str
    preferred: int  # how often it was rendered as preferred
    others: list[OtherRendering]

    def preferred_text(self, lang: str) -> str:
        """`as preferred ×3`, `按首选译法 3 次`; empty when it never was."""
        if not self.preferred:
            return ""
        return (
            f"按首选译法 {self.preferred} 次" if lang == "zh" else f"as preferred ×{self.preferred}"
        )


@dataclass(frozen=True)
class TermsView:
    """The Terms section: every term the briefs speak of counted, the ones rendered otherwise
    listed in the glossary's order."""

    total: int
    as_preferred: int
    rows: list[TermRow]

    def summary(self, lang: str) -> str:
        """`14 of 16 glossary terms rendered as preferred`, in `lang`."""
        n, m = self.as_preferred, self.total
        if lang == "zh":
            if not m:
                return "简报中未出现术语表中的术语。"
            return f"简报涉及术语表术语 {m} 个，其中 {n} 个全部按首选译法译出。"
        if not m:
            return "No glossary term occurs in the briefs."
        return f"{n} of {m} glossary {'term' if m == 1 else 'terms'} rendered as preferred."

    @staticmethod
    def mark(name: str, lang: str) -> Trusted:
        """Punctuation in `lang`: `colon` after the preferred English, `semicolon` between two
        renderings, `comma` between two briefs' labels. Our constants, inert in Markdown, HTML
        and Typst alike: Trusted, so the Markdown escaping keeps their trailing space."""
        return Trusted(_MARKS[name][1 if lang == "zh" else 0])


def terms_view(
    reports: list[TermReport] | None, briefs: dict[str, tuple[str, str]]
) -> TermsView | None:
    """The section for `reports` (None: no glossary, no section); `briefs` maps an article id
    to its label and anchor in the digest."""
    if reports is None:
        return None
    rows = [_row(report, briefs) for report in reports if not report.as_preferred]
    preferred = sum(report.as_preferred for report in reports)
    return TermsView(total=len(reports), as_preferred=preferred, rows=rows)


def _row(report: TermReport, briefs: dict[str, tuple[str, str]]) -> TermRow:
    preferred = sum(u.count for u in report.uses if u.rendering == report.en)
    others = [_other(use, briefs) for use in report.uses if use.rendering != report.en]
    return TermRow(zh=report.zh, en=report.en, preferred=preferred, others=others)


def _other(use: TermUse, briefs: dict[str, tuple[str, str]]) -> OtherRendering:
    where: list[tuple[str, str | None]] = [briefs.get(aid, (aid, None)) for aid in use.articles]
    return OtherRendering(rendering=use.rendering, count=use.count, briefs=where)
