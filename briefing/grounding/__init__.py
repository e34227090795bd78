"""Grounding: code checks every claim of a brief against its article.

Citations in range, each quantity a claim states (7000亿卢布 ≙ 700 billion rubles) found in
the paragraphs it cites, the English and Chinese stating the same quantities, no blank text.
"""

from briefing.grounding.checks import check_brief, recheck
from briefing.grounding.numbers import extract_quantities
from briefing.grounding.quantity import Quantity, agree, supports
from briefing.grounding.story import check_story, check_week

__all__ = [
    "Quantity",
    "agree",
    "check_brief",
    "check_story",
    "check_week",
    "extract_quantities",
    "recheck",
    "supports",
]
