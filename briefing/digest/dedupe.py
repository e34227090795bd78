"""Near-duplicate articles: MinHash LSH over sentences proposes pairs, exact overlap decides.

Why sentences and not whole articles: a short item carried inside a longer report shares most
of its text but little of the union. dup_02_a has 60% of its 3-grams in dup_02_b, twice its
length, yet the Jaccard of the two sets is 0.24, and a statement quoted in a report five times
its length falls near 0.15: a document-level LSH tuned that low proposes most same-topic pairs.
A quoted or lightly reworded copy repeats some sentences nearly verbatim, and that is what the
sentence index finds; the whole-article overlap then decides.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from briefing.digest.collector import collector_paused
from briefing.digest.events import Conflict, differ, states_a_number
from briefing.digest.lsh import NUM_PERM, candidate_pairs, signatures
from briefing.digest.shingles import ngrams, split_sentences
from briefing.models import Article, Duplicate

# 3-grams measured best on the real pairs (tests/data/weekly): the reworded copy dup_02 scores
# 0.76 and the closest distinct articles 0.23; 4-grams give 0.69 and 0.23, 5-grams 0.54.
SHINGLE = 3
# A sentence counts as carried over when half its 3-grams occur in the other article.
SENTENCE_CARRIED = 0.5
# LSH proposes article pairs that share a sentence at about this Jaccard or more. 32
# permutations (8 bands of 4) catch a sentence at Jaccard 0.7 with probability 0.89, 0.8 with
# 0.985, and a copy repeats several; on the bench they found as many planted copies as 64 did
# in two thirds of the time.
SENTENCE_JACCARD = 0.5  # the S-curve of briefing.digest.lsh's 8 bands of 4 rows
# An article pair is compared when its sentences met in two buckets or more (over all bands and
# sentences). A copy's shared sentences meet in many: one identical sentence alone meets in all
# 8 bands. Pairs met once are chance (sentences sharing a date and a phrase, Jaccard 0.1-0.2,
# in one band): at 100,000 articles on the bench they were 9 in 10 of 100,000 pairs, and grew
# with the square of the articles.
MIN_HITS = 2
# Shorter sentences (datelines, subheads like 增加煤炭进口量) say little about copying.
MIN_INDEXED_CHARS = 10
# A sentence found in more articles than this is boilerplate (a byline, a disclaimer): it is
# not indexed (pairing every article that carries it would be quadratic) and not counted.
MAX_SHARED = 50


@dataclass(frozen=True)
class _Sentence:
    """One distinct sentence of an article: normalised, as written, its 3-grams."""

    norm: str
    raw: str
    weight: int  # its characters over all its occurrences in the article

    @cached_property
    def grams(self) -> frozenset[str]:
        """Its 3-grams: only built for articles that meet a candidate."""
        return frozenset(ngrams(self.norm, SHINGLE))


@dataclass(frozen=True)
class _Text:
    """An article's body reduced to what the comparison needs: each distinct sentence once, so
    an article repeating one paragraph 40,000 times costs what one paragraph does."""

    body: str
    sentences: list[_Sentence]

    @cached_property
    def all_grams(self) -> frozenset[str]:
        return frozenset().union(*(s.grams for s in self.sentences))

    @cached_property
    def _by_norm(self) -> dict[str, _Sentence]:
        return {s.norm: s for s in self.sentences}

    @cached_property
    def _by_gram(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for k, s in enumerate(self.sentences):
            for gram in s.grams:
                index.setdefault(gram, []).append(k)
        return index

    def counterpart(self, sentence: _Sentence) -> _Sentence | None:
        """This article's sentence that carries half of `sentence`'s 3-grams, the most first."""
        if sentence.norm in self._by_norm:
            return self._by_norm[sentence.norm]
        votes = Counter(k for g in sentence.grams for k in self._by_gram.get(g, ()))
        if not votes:
            return None
        best, count = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))
        return self.sentences[best] if count >= SENTENCE_CARRIED * len(sentence.grams) else None


class Overlap(NamedTuple):
    """How much of the shorter article the longer one carries, and the shared sentences'
    conflict of dates or figures that shows two events (None: none, or not looked for)."""

    text: float
    event: Conflict | None = None

    def is_duplicate(self, threshold: float) -> bool:
        """Enough shared text, and the dates and figures do not tell two events apart."""
        return self.text >= threshold and self.event is None


def _reduce(article: Article) -> _Text:
    split = split_sentences("\n".join(article.paragraphs))
    raw_of: dict[str, str] = {}
    weight: Counter[str] = Counter()
    for raw, norm in split:
        raw_of.setdefault(norm, raw)
        weight[norm] += len(norm)
    sentences = [_Sentence(norm, raw, weight[norm]) for norm, raw in raw_of.items()]
    return _Text(body="".join(norm for _, norm in split), sentences=sentences)


def _overlap(
    small: _Text, large: _Text, boilerplate: frozenset[str] = frozenset(), threshold: float = 0.0
) -> Overlap:
    """The share of `small`'s text that `large` carries; when it reaches `threshold`, also
    whether their shared sentences state different dates or figures (two events)."""
    total = carried = 0
    shared: list[_Sentence] = []
    for sentence in small.sentences:
        # A sentence shorter than one shingle, or boilerplate, is no evidence either way.
        if not sentence.grams or sentence.norm in boilerplate:
            continue
        total += sentence.weight
        if len(sentence.grams & large.all_grams) >= SENTENCE_CARRIED * len(sentence.grams):
            carried += sentence.weight
            shared.append(sentence)
    text = carried / total if total else 0.0
    if text < threshold or not text:
        return Overlap(text)
    numbered = [s for s in shared if states_a_number(s.raw)]
    pairs = []
    for sentence in numbered:
        other = large.counterpart(sentence)
        if other is not None and other.norm != sentence.norm:
            pairs.append((sentence.raw, other.raw))
    return Overlap(text, differ(pairs, [s.raw for s in numbered]))


def _ordered(a: _Text, b: _Text) -> tuple[_Text, _Text]:
    return (a, b) if len(a.body) <= len(b.body) else (b, a)


def compare(a: Article, b: Article) -> Overlap:
    """The share of the shorter article's text that the longer one carries, and the conflict
    of dates or figures in what they share that makes them two events (None when there is none).
    """
    return _overlap(*_ordered(_reduce(a), _reduce(b)))


def _boilerplate(reps: list[int], texts: list[_Text]) -> frozenset[str]:
    """Sentences found in more than MAX_SHARED articles: bylines, disclaimers."""
    shared = Counter(s.norm for r in reps for s in texts[r].sentences)
    return frozenset(s for s, count in shared.items() if count > MAX_SHARED)


def sentence_index(
    reps: list[int], texts: list[_Text], boilerplate: frozenset[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The indexed sentences of the articles `reps`: their owners and MinHash signatures."""
    owners, indexed = [], []
    for r in reps:
        for s in texts[r].sentences:
            if len(s.norm) >= MIN_INDEXED_CHARS and s.norm not in boilerplate:
                owners.append(r)
                indexed.append(s.norm)
    if not indexed:
        return np.zeros(0, dtype=np.int64), np.zeros((0, NUM_PERM), dtype=np.uint64)
    return np.array(owners, dtype=np.int64), signatures(indexed, SHINGLE)


def _candidate_pairs(
    reps: list[int],
    texts: list[_Text],
    boilerplate: frozenset[str],
    storage: dict[str, Any] | None = None,
) -> set[tuple[int, int]]:
    """Pairs of articles that share at least one near-identical sentence."""
    owner, signature = sentence_index(reps, texts, boilerplate)
    if not len(owner):
        return set()
    return candidate_pairs(owner, signature, MAX_SHARED, storage, hits=MIN_HITS)


def _claim(
    order: list[int], members: dict[int, list[int]], similar: dict[int, list[tuple[int, float]]]
) -> list[tuple[int, list[int], float]]:
    """Walk the articles best copy first; each one not yet claimed claims its own duplicates.

    An article is only ever dropped for one it was compared with directly, never through a
    chain of resemblances. Returns (kept, dropped, lowest similarity) for every kept article.
    """
    claimed: set[int] = set()
    groups = []
    for r in order:
        if r in claimed:
            continue
        claimed.add(r)
        dropped = members[r][1:]
        scores = [1.0] * len(dropped)
        for other, score in sorted(similar[r]):
            if other not in claimed:
                claimed.add(other)
                dropped.extend(members[other])
                scores.extend([score] * len(members[other]))
        groups.append((r, sorted(dropped), min(scores, default=1.0)))
    return groups


class Deduped(NamedTuple):
    """What deduplication decided: the kept articles in input order, what each one replaced,
    and the pairs of kept articles (ids) that share their wording but report two events."""

    kept: list[Article]
    duplicates: list[Duplicate]
    events: list[tuple[str, str]]


def find_duplicates(
    articles: list[Article], *, threshold: float = 0.6
) -> tuple[list[Article], list[Duplicate]]:
    """Drop near-duplicates: the kept articles in input order, and what each one replaced."""
    kept, duplicates, _ = deduplicate(articles, threshold=threshold)
    return kept, duplicates


def deduplicate(
    articles: list[Article], *, threshold: float = 0.6, storage: dict[str, Any] | None = None
) -> Deduped:
    """Drop near-duplicates, and name the near-identical texts of different events.

    `storage`: where the sentence index lives, a datasketch storage_config (see
    briefing.digest.lsh.storage_config); None: in memory.
    """
    with collector_paused():
        return _deduplicate(articles, threshold, storage)


def _deduplicate(
    articles: list[Article], threshold: float, storage: dict[str, Any] | None
) -> Deduped:
    texts = [_reduce(a) for a in articles]

    def priority(i: int) -> tuple[int, bool, str, int]:
        # The most complete copy wins; then the earliest published (unknown dates last).
        published = articles[i].published
        return (-len(texts[i].body), published is None, published or "", i)

    # Identical bodies (the same article read twice, or one re-punctuated) are grouped first, so
    # a story copied a hundred times costs one entry in the index. Empty bodies only by id.
    copies: dict[tuple[str, str], list[int]] = {}
    for i in sorted(range(len(articles)), key=priority):
        key = ("text", texts[i].body) if texts[i].body else ("id", articles[i].id)
        copies.setdefault(key, []).append(i)
    members = {group[0]: group for group in copies.values()}
    reps = sorted(members)

    boilerplate = _boilerplate(reps, texts)
    similar: dict[int, list[tuple[int, float]]] = {r: [] for r in reps}
    events: list[tuple[int, int]] = []
    for a, b in sorted(_candidate_pairs(reps, texts, boilerplate, storage)):
        overlap = _overlap(*_ordered(texts[a], texts[b]), boilerplate, threshold)
        if overlap.is_duplicate(threshold):
            similar[a].append((b, overlap.text))
            similar[b].append((a, overlap.text))
        elif overlap.event is not None:
            events.append((a, b))

    groups = sorted(_claim(sorted(reps, key=priority), members, similar))
    kept_for = {d: r for r, dropped, _ in groups for d in [r, *dropped]}
    event_pairs = sorted(
        {(min(x, y), max(x, y)) for a, b in events if (x := kept_for[a]) != (y := kept_for[b])}
    )
    return Deduped(
        kept=[articles[r] for r, _, _ in groups],
        duplicates=[
            Duplicate(
                kept=articles[r].id,
                dropped=[articles[d].id for d in dropped],
                similarity=round(score, 2),
            )
            for r, dropped, score in groups
            if dropped
        ],
        events=[(articles[x].id, articles[y].id) for x, y in event_pairs],
    )
