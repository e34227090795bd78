"""Stories: related articles grouped by TF-IDF cosine of character bigrams, average linkage.

Candidate pairs come from an inverted index over each article's most distinctive terms, so the
cost grows with the number of articles, not its square; only candidates are scored exactly.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import numpy as np
from scipy import sparse

from briefing.digest.shingles import gram_codes, normalise
from briefing.models import Article

# Character bigrams ranked the pairs of real articles (tests/data/weekly) in nearly the same
# order as jieba words did, without a segmenter.
GRAM = 2
# Measured on the real articles (tests/data/weekly): the trade-talk thread stays whole and apart
# from the tariff articles for any threshold from 0.07 to 0.15 (at 0.06 they merge, at 0.16 the
# tariff pair splits); 0.11 sits in the middle of that range.
THRESHOLD = 0.11
# Terms an article is indexed under, and the most articles a term may link: a term that is
# among the top terms of more articles than that is too common to say they share a story.
TOP_TERMS = 30
MAX_POSTING = 50
# Pairs sharing a single top term were never above 0.10 on the real articles (those above share
# 2 to 14); requiring two cut the bench's candidates at 2,000 articles from 71,000 to 10,000.
MIN_SHARED_TERMS = 2
# Candidate pairs scored at once (their rows gathered and multiplied): bounds the memory.
CHUNK = 50_000


def _vectors(articles: list[Article]) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """L2-normalised TF-IDF rows over title and body bigrams, each term's document count, and
    each stored term's first position in its article (where it first occurs, title first)."""
    strings = [x for a in articles for x in (normalise(a.title), normalise(" ".join(a.paragraphs)))]
    codes, owner, position = gram_codes(strings, GRAM)
    rows = owner // 2
    terms, term = np.unique(codes, return_inverse=True)
    # One entry per (article, term): its count, and its first position (np.unique is stable).
    key = rows.astype(np.uint64) * np.uint64(len(terms) or 1) + term.astype(np.uint64)
    pairs, first, tf = np.unique(key, return_index=True, return_counts=True)
    row = (pairs // np.uint64(len(terms) or 1)).astype(np.int64)
    col = (pairs % np.uint64(len(terms) or 1)).astype(np.int64)
    df = np.bincount(col, minlength=len(terms))
    # Smoothed idf (+1): with a handful of articles a term they all share still counts.
    idf = np.log((1 + len(articles)) / (1 + df)) + 1
    weight = (1 + np.log(tf)) * idf[col]
    norms = np.sqrt(np.bincount(row, weights=weight * weight, minlength=len(articles)))
    weight = weight / np.where(norms > 0, norms, 1.0)[row]
    shape = (len(articles), len(terms))
    matrix = sparse.csr_matrix((weight, (row, col)), shape=shape)
    order = sparse.csr_matrix((position[first] + 1.0, (row, col)), shape=shape)
    return matrix, df, order.data - 1


def similarities(articles: list[Article]) -> dict[tuple[int, int], float]:
    """Cosine of every candidate pair (i < j by position), candidates from shared top terms."""
    if not articles:
        return {}
    matrix, df, first = _vectors(articles)
    row = np.repeat(np.arange(len(articles)), np.diff(matrix.indptr))
    # A term of one article links nothing: rank only the shared ones, or the rarest
    # (highest idf) terms would crowd the index with dead ends. Ties go to the term that
    # occurs first in the article.
    linking = np.flatnonzero(df[matrix.indices] > 1)
    ranked = linking[np.lexsort((first[linking], -matrix.data[linking], row[linking]))]
    rank = np.arange(len(ranked)) - np.searchsorted(row[ranked], row[ranked], side="left")
    top = ranked[rank < TOP_TERMS]
    # A term among the top terms of more than MAX_POSTING articles links nothing either.
    postings = np.bincount(matrix.indices[top], minlength=matrix.shape[1])
    top = top[postings[matrix.indices[top]] <= MAX_POSTING]
    index = sparse.csr_matrix(
        (np.ones(len(top), dtype=np.int32), (row[top], matrix.indices[top])), shape=matrix.shape
    )
    shared = sparse.triu(index @ index.T, k=1).tocoo()
    chosen = shared.data >= MIN_SHARED_TERMS
    first_of, second_of = shared.row[chosen], shared.col[chosen]
    order = np.lexsort((second_of, first_of))
    first_of, second_of = first_of[order], second_of[order]
    scores = np.concatenate(
        [
            np.asarray(
                matrix[first_of[k : k + CHUNK]].multiply(matrix[second_of[k : k + CHUNK]]).sum(1)
            ).ravel()
            for k in range(0, len(first_of), CHUNK)
        ]
        or [np.zeros(0)]
    )
    return {(int(i), int(j)): float(x) for i, j, x in zip(first_of, second_of, scores, strict=True)}


def _average_linkage(n: int, edges: dict[tuple[int, int], float], threshold: float) -> list[int]:
    """Merge the closest clusters while their mean pairwise similarity reaches threshold.

    Pairs that are not candidates count as 0 in the mean, so a cluster only grows by an
    article that resembles many of its members, not one member at the end of a chain.
    Returns, per article, the index of its cluster's root.
    """
    size = [1] * n
    parent = list(range(n))
    links: list[dict[int, float]] = [{} for _ in range(n)]  # summed similarity between clusters
    for (a, b), s in edges.items():
        links[a][b] = links[b][a] = s
    heap = [(-s, a, b) for (a, b), s in edges.items() if s >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b:  # one side was merged away since
            continue
        if links[a][b] / (size[a] * size[b]) != -negative:  # superseded by a later entry
            continue
        keep, gone = (a, b) if len(links[a]) >= len(links[b]) else (b, a)
        for c, s in links[gone].items():
            if c != keep:
                links[keep][c] = links[c][keep] = links[keep].get(c, 0.0) + s
                del links[c][gone]
        del links[keep][gone]
        links[gone] = {}
        parent[gone] = keep
        size[keep] += size[gone]
        for c, s in links[keep].items():
            mean = s / (size[keep] * size[c])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(keep, c), max(keep, c)))

    def root(i: int) -> int:
        r = i
        while parent[r] != r:
            r = parent[r]
        while parent[i] != r:  # path compression keeps later look-ups short
            parent[i], i = r, parent[i]
        return r

    return [root(i) for i in range(n)]


def group_stories(
    articles: list[Article],
    *,
    threshold: float = THRESHOLD,
    linked: Iterable[tuple[str, str]] = (),
) -> list[list[str]]:
    """Group related articles (unique ids) into stories; singletons are stories too.

    `linked`: pairs of ids that belong to one story whatever their similarity (the
    near-identical reports of successive events that deduplication kept apart).
    """
    roots = _average_linkage(len(articles), similarities(articles), threshold)
    position = {a.id: i for i, a in enumerate(articles)}
    joined = {r: r for r in roots}

    def top(r: int) -> int:
        while joined[r] != r:
            r = joined[r]
        return r

    for a, b in linked:
        if a in position and b in position:
            x, y = top(roots[position[a]]), top(roots[position[b]])
            joined[max(x, y)] = min(x, y)
    roots = [top(r) for r in roots]
    stories: dict[int, list[str]] = {}
    for i, r in enumerate(roots):
        stories.setdefault(r, []).append(articles[i].id)
    # dicts keep insertion order: stories by first member's position, members in input order.
    return list(stories.values())
