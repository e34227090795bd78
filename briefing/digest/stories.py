"""Stories: related articles grouped by TF-IDF cosine of character bigrams, average linkage.

Candidate pairs come from an inverted index over each article's most distinctive terms, so the
cost grows with the number of articles, not its square; only candidates are scored exactly.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
from scipy import sparse

from briefing.digest.collector import collector_paused
from briefing.digest.shingles import grams_of_sizes, mix64, normalise
from briefing.models import Article

# Character bigrams ranked the pairs of real articles (tests/data/weekly) in nearly the same
# order as jieba words did, without a segmenter.
GRAM = 2
# Candidates come from 3-grams: bigrams run out at scale. On the bench at 100,000 articles,
# most bigrams two articles of one story share occur in hundreds of others (a Chinese text uses
# a few thousand characters); a name of three or four characters still makes a rare 3-gram.
# With bigrams there, 30% of the planted stories' pairs became candidates (75% at 10,000).
BLOCK_GRAM = 3
# Measured on the real articles (tests/data/weekly): the trade-talk thread stays whole and apart
# from the tariff articles for any threshold from 0.07 to 0.15 (at 0.06 they merge, at 0.16 the
# tariff pair splits); 0.11 sits in the middle of that range.
THRESHOLD = 0.11
# Terms an article is indexed under, and the most articles a term may link: a term that is
# among the top terms of more articles than that is too common to say they share a story.
TOP_TERMS = 100
MAX_POSTING = 50
# Rounds of ranking: a term found too common leaves its place in an article's top terms to the
# next one (one round left articles whose every top term was common with no candidates).
ROUNDS = 3
# The top 3-grams a pair must share to be scored. On the real articles (tests/data/articles) the
# pairs at or above THRESHOLD share 13 or more; one shared four-character phrase makes two, so
# two was chance at scale: three cut the bench's candidates at 10,000 articles from 676,000 to
# 98,000 and kept 98% of the planted stories' pairs.
MIN_SHARED_TERMS = 3
# The largest table of gram codes looked up directly (int32 entries: 256 MB at most; the
# bigrams of 8,000 distinct characters); past it terms are numbered by sorting.
DENSE_TABLE = 1 << 26
# The columns 3-grams are hashed to for candidates: about 4 million distinct 3-grams at 100,000
# articles on the bench, one in eight sharing its column with another.
HASHED_BITS = 25
# Candidate pairs scored at once (their rows gathered and multiplied): bounds the memory.
CHUNK = 50_000


class TfIdf(NamedTuple):
    """TF-IDF rows, each term's document count, and the row of each stored entry."""

    matrix: sparse.csr_matrix
    df: np.ndarray
    rows: np.ndarray


def _texts(articles: list[Article]) -> list[str]:
    """Title, then body, of each article, normalised (two strings an article)."""
    return [x for a in articles for x in (normalise(a.title), normalise(" ".join(a.paragraphs)))]


def _term_ids(codes: np.ndarray, bound: int) -> tuple[np.ndarray, int]:
    """Each code's term number (terms numbered in code order) and the number of terms."""
    if bound <= DENSE_TABLE:  # a table lookup: no sort of the whole corpus's grams
        present = np.zeros(bound, dtype=bool)
        present[codes] = True
        number = np.cumsum(present, dtype=np.int32) - 1
        return number[codes], int(number[-1]) + 1
    terms = np.unique(codes)
    return np.searchsorted(terms, codes), len(terms)


def _tfidf(term: np.ndarray, row: np.ndarray, shape: tuple[int, int]) -> TfIdf:
    """L2-normalised TF-IDF rows over the terms (column numbers) of each gram, `row` its
    article, and each term's document count."""
    counts = sparse.csr_matrix((np.ones(len(term)), (row, term)), shape=shape)
    counts.sum_duplicates()  # one entry per (article, term), its count; terms ascending
    df = np.bincount(counts.indices, minlength=shape[1])
    # Smoothed idf (+1): with a handful of articles a term they all share still counts.
    idf = np.log((1 + shape[0]) / (1 + df)) + 1
    rows = np.repeat(np.arange(shape[0]), np.diff(counts.indptr))
    weight = (1 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.bincount(rows, weights=weight * weight, minlength=shape[0]))
    counts.data = weight / np.where(norms > 0, norms, 1.0)[rows]
    return TfIdf(counts, df, rows)


def _rank_in_row(row: np.ndarray) -> np.ndarray:
    """Each entry's place among the entries of its row (rows grouped, in order): 0, 1, 2..."""
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    return np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)]))


def _top_terms(vectors: TfIdf) -> sparse.csr_matrix:
    """Each article's TOP_TERMS heaviest terms (ties to the lower term) that link it to others:
    found in another article, and among the top terms of at most MAX_POSTING articles."""
    matrix, df, row = vectors
    term = matrix.indices
    # A term of one article links nothing: rank only the shared ones, or the rarest (highest
    # idf) terms would crowd the index with dead ends.
    linking = np.flatnonzero(df[term] > 1)
    # By article, then weight (heaviest first), then term: one stable sort of one key, as the
    # rows are in order and each row's terms ascending (weights are at most 1).
    ranked = linking[np.argsort(2.0 * row[linking] + 1.0 - matrix.data[linking], kind="stable")]
    banned = np.zeros(matrix.shape[1], dtype=bool)
    for _ in range(ROUNDS):
        keep = ranked[~banned[term[ranked]]]
        top = keep[_rank_in_row(row[keep]) < TOP_TERMS]
        over = np.bincount(term[top], minlength=matrix.shape[1]) > MAX_POSTING
        if not over.any():
            break
        banned |= over
    top = top[~banned[term[top]]]
    ones = np.ones(len(top), dtype=np.int32)
    return sparse.csr_matrix((ones, (row[top], term[top])), shape=matrix.shape)


def similarities(articles: list[Article]) -> dict[tuple[int, int], float]:
    """Cosine of every candidate pair (i < j by position), candidates from shared top terms."""
    if not articles:
        return {}
    ((bigrams, owner), bound), ((trigrams, trigram_owner), _) = grams_of_sizes(
        _texts(articles), (GRAM, BLOCK_GRAM), dense=True
    )
    # Columns for eight times the grams, at most 2**HASHED_BITS: a few articles cost little.
    bits = min(HASHED_BITS, max(8, (8 * len(trigrams)).bit_length()))
    hashed = (mix64(trigrams) >> np.uint64(64 - bits)).astype(np.int64)
    index = _top_terms(_tfidf(hashed, trigram_owner // 2, (len(articles), 1 << bits)))
    shared = sparse.triu(index @ index.T, k=1).tocoo()
    chosen = shared.data >= MIN_SHARED_TERMS
    first_of, second_of = shared.row[chosen], shared.col[chosen]
    order = np.lexsort((second_of, first_of))
    first_of, second_of = first_of[order], second_of[order]
    term, terms = _term_ids(bigrams, bound)
    matrix = _tfidf(term, owner // 2, (len(articles), terms)).matrix
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
    with collector_paused():
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
