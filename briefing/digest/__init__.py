"""The weekly digest: near-duplicates merged, related articles grouped into stories."""

from briefing.digest.dedupe import find_duplicates
from briefing.digest.stories import group_stories

__all__ = ["find_duplicates", "group_stories"]
