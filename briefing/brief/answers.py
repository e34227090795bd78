"""A validated model answer made into the brief users get, before any check has run."""

from __future__ import annotations

from briefing.models import Article, Bilingual, Brief, BriefAnswer, BriefMeta, Claim, Group


def brief_from_answer(article: Article, answer: BriefAnswer, meta: BriefMeta) -> Brief:
    """The Brief an answer makes for `article`, before any check has run."""
    return Brief(
        article=article,
        title=Bilingual(**answer.title.model_dump()),
        core_viewpoint=Claim(**answer.core_viewpoint.model_dump()),
        groups=[
            Group(
                title=Bilingual(**group.title.model_dump()),
                claims=[Claim(**claim.model_dump()) for claim in group.claims],
            )
            for group in answer.groups
        ],
        meta=meta,
    )
