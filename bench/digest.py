"""Digest benchmark: dedupe and story grouping on synthetic Chinese articles, 1k to 100k.

Run from the repository root:  python bench/digest.py        (python bench/digest.py 1000 10000
for some sizes only; --no-pdf to skip the PDF section)

The articles are built from phrases cut out of the real articles in tests/data/articles, with a
fixed seed. Planted in them: copies of articles (exact, lightly reworded, quoted inside a
longer report) that must be merged, and "next filings" (the same text with other figures)
that must not. Each size prints its seconds, the planted copies found and the false merges;
the last lines give how the time grows from one size to the next (near-linear is about 10).
Seconds are wall time and the process's CPU time: the machine is shared, and CPU time is what
this code spent whatever the load. Story grouping is also scored against the planted stories
(purity and completeness, see `story_scores`), then on real articles with hand labels
(`LABELLED`). The last case is two 2.7 MB articles repeating one short paragraph 40,000 times.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from briefing.digest import group_stories
from briefing.digest.dedupe import deduplicate
from briefing.digest.period import Window
from briefing.digest.prepare import prepare
from briefing.digest.run import build_digest
from briefing.digest.synthesis import story_of_one
from briefing.llm.stack import build_stack
from briefing.models import Article, Digest
from briefing.render.pdf import render_digest_pdf
from briefing.settings import resolve_settings

SEED = 20250405
SIZES = (1_000, 10_000, 100_000)
ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "articles"
# Shares of the originals that get a planted copy, and a planted next filing.
COPY_RATE = 0.10
FILING_RATE = 0.02
STORY_SIZES = (1, 1, 2, 3, 4, 6)
# Every article opens with the same byline: boilerplate the dedupe index must not pair on.
BYLINE = "本报讯，记者从有关部门获悉。"


def vocabulary() -> list[str]:
    """Words and phrases cut from the real articles, sorted.

    Each run of Chinese characters between punctuation gives itself (if 2-8 characters) and its
    aligned pieces of 2, 3 and 4 characters: about 9,000 entries. The runs alone (about 550)
    make any two long synthetic articles share far more than real news does.
    """
    words: set[str] = set()
    for path in sorted(ARTICLES.glob("*.json")):
        text = json.loads(path.read_text(encoding="utf-8"))["text"]
        for run in re.split(r"[^\u4e00-\u9fff]+", text):
            if 2 <= len(run) <= 8:
                words.add(run)
            words.update(run[i : i + k] for k in (2, 3, 4) for i in range(0, len(run) - k + 1, k))
    return sorted(words)


@dataclass
class Corpus:
    """Synthetic articles and what was planted in them."""

    articles: list[Article] = field(default_factory=list)
    family: list[int] = field(default_factory=list)  # same number: copies of one article
    story: list[int] = field(default_factory=list)  # the planted story of each article
    copies: list[tuple[int, int]] = field(default_factory=list)  # (original, copy) positions


class Writer:
    """Sentences and articles from the vocabulary, with figures and dates in some sentences."""

    def __init__(self, rng: random.Random, phrases: list[str]) -> None:
        self.rng = rng
        self.phrases = phrases

    def figure(self) -> str:
        """A tonnage, a growth rate, a date or an amount."""
        rng = self.rng
        return rng.choice(
            [
                f"{rng.randint(2, 9999)}万吨",
                f"增长{rng.uniform(0.5, 99):.1f}%",
                f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                f"{rng.randint(10, 999)}亿元",
            ]
        )

    def sentence(self, topic: list[str]) -> str:
        """4-7 words, two in five from the story's topic, half the time with a figure."""
        rng = self.rng
        words = [
            rng.choice(topic) if rng.random() < 0.4 else rng.choice(self.phrases)
            for _ in range(rng.randint(4, 7))
        ]
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), self.figure())
        return "，".join(words) + "。"

    def paragraph(self, topic: list[str]) -> str:
        """2-4 sentences."""
        return "".join(self.sentence(topic) for _ in range(self.rng.randint(2, 4)))

    def article(self, topic: list[str], paragraphs: list[str]) -> Article:
        """An Article with its own headline and date, id from the body as ingest makes it."""
        text = "\n\n".join(paragraphs)
        day = self.rng.randint(1, 28)
        return Article(
            id=hashlib.sha256(text.encode()).hexdigest()[:12],
            title="".join(self.rng.sample(topic, 2)),
            published=f"2025-04-{day:02d}",
            paragraphs=paragraphs,
        )

    def reword(self, original: Article) -> list[str]:
        """A light edit: one phrase in about a third of the sentences replaced."""
        out = []
        for para in original.paragraphs:
            sentences = [s for s in para.split("。") if s]
            for k, s in enumerate(sentences):
                if self.rng.random() < 0.33:
                    words = s.split("，")
                    words[self.rng.randrange(len(words))] = self.rng.choice(self.phrases)
                    sentences[k] = "，".join(words)
            out.append("。".join(sentences) + "。")
        return out

    def refigure(self, original: Article) -> list[str]:
        """The next filing: every figure and date different, the wording the same."""
        return [re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), p) for p in original.paragraphs]


def synthesize(n: int, seed: int = SEED) -> Corpus:
    """n articles in stories of 1-6, with planted copies and next filings."""
    rng = random.Random(seed)
    phrases = vocabulary()
    write = Writer(rng, phrases)
    corpus = Corpus()

    def add(article: Article, family: int) -> int:
        corpus.articles.append(article)
        corpus.family.append(family)
        corpus.story.append(story)
        return len(corpus.articles) - 1

    story = 0
    while len(corpus.articles) < n:
        story += 1
        # Made-up names (places, firms) shared by a story's articles, from real characters.
        names = ["".join(rng.choice(phrases)[:2] for _ in range(2)) for _ in range(4)]
        topic = names + rng.sample(phrases, 20)
        for _ in range(rng.choice(STORY_SIZES)):
            if len(corpus.articles) == n:
                break
            kind = rng.random()
            short = kind < COPY_RATE / 3  # a statement that a longer report will quote
            count = 1 if short else rng.randint(3, 6)
            paragraphs = [BYLINE + write.paragraph(topic)] + [
                write.paragraph(topic) for _ in range(count - 1)
            ]
            original = add(write.article(topic, paragraphs), len(corpus.articles))
            source = corpus.articles[original]
            if len(corpus.articles) == n:
                break
            if short:
                report = [BYLINE + write.paragraph(topic), *paragraphs, write.paragraph(topic)]
                copy = write.article(topic, report)
            elif kind < COPY_RATE * 2 / 3:
                copy = write.article(topic, list(paragraphs))  # same body, new headline and date
            elif kind < COPY_RATE:
                copy = write.article(topic, write.reword(source))
            elif kind < COPY_RATE + FILING_RATE:
                add(write.article(topic, write.refigure(source)), len(corpus.articles))
                continue
            else:
                continue
            corpus.copies.append((original, add(copy, corpus.family[original])))
    return corpus


@dataclass
class Timing:
    """What one size measured."""

    n: int
    dedupe_s: float
    stories_s: float
    cpu_s: float  # CPU seconds of the process for both steps
    copies_planted: int
    copies_found: int
    false_merges: int  # dropped articles that were not copies of the one kept
    stories_planted: int
    stories_found: int
    stories_mixed: int  # found stories with members from more than one planted story
    purity: float
    completeness: float

    @property
    def total_s(self) -> float:
        """Seconds for both steps."""
        return self.dedupe_s + self.stories_s


def time_digest(corpus: Corpus) -> Timing:
    """Time find_duplicates, then group_stories on what it kept; score against what was planted."""
    cpu = time.process_time()
    start = time.perf_counter()
    kept, duplicates, events = deduplicate(corpus.articles)
    middle = time.perf_counter()
    stories = group_stories(kept, linked=events)
    end = time.perf_counter()
    cpu = time.process_time() - cpu

    group = {i: k for k, d in enumerate(duplicates) for i in [d.kept, *d.dropped]}
    ids = [a.id for a in corpus.articles]
    family_of = dict(zip(ids, corpus.family, strict=True))
    story_of = dict(zip(ids, corpus.story, strict=True))
    return Timing(
        n=len(corpus.articles),
        dedupe_s=middle - start,
        stories_s=end - middle,
        cpu_s=cpu,
        copies_planted=len(corpus.copies),
        copies_found=sum(
            1 for o, c in corpus.copies if ids[o] in group and group.get(ids[c]) == group[ids[o]]
        ),
        false_merges=sum(
            1 for d in duplicates for i in d.dropped if family_of[i] != family_of[d.kept]
        ),
        stories_planted=len(set(corpus.story)),
        stories_found=len(stories),
        stories_mixed=sum(1 for s in stories if len({story_of[i] for i in s}) > 1),
        **story_scores(stories, story_of),
    )


def story_scores(found: list[list[str]], label: dict[str, object]) -> dict[str, float]:
    """Purity and completeness (the clustering measures, weighted by articles).

    purity: the share of articles that sit in a found story with the majority of its members
    from their own labelled story (1.0: no story mixes two). completeness: for each labelled
    story, the largest share of its articles found together, weighted by its size (1.0: no
    story split). Singletons found for singletons labelled count as right on both.
    """
    total = sum(len(s) for s in found)
    majority = sum(Counter(label[i] for i in s).most_common(1)[0][1] for s in found)
    together: dict[object, Counter[int]] = {}
    for k, s in enumerate(found):
        for i in s:
            together.setdefault(label[i], Counter())[k] += 1
    largest = sum(c.most_common(1)[0][1] for c in together.values())
    return {"purity": majority / total, "completeness": largest / total}


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def digest_section(sizes: tuple[int, ...] = SIZES) -> list[Timing]:
    """Print dedupe and story timings and quality for each size, then the growth ratios."""
    print("## dedupe + stories (deduplicate, then group_stories on the kept articles)")
    print(
        "articles  dedupe s  stories s  total s  cpu s  peak MB | copies planted  found  recall"
        "  false merges | stories planted  found  mixed  purity  completeness"
    )
    timings = []
    for n in sizes:
        t = time_digest(synthesize(n))
        timings.append(t)
        print(
            f"{t.n:>8} {t.dedupe_s:>9.2f} {t.stories_s:>10.2f} {t.total_s:>8.2f} {t.cpu_s:>6.1f}"
            f" {peak_mb():>8.0f} |"
            f" {t.copies_planted:>14} {t.copies_found:>6} {t.copies_found / t.copies_planted:>7.3f}"
            f" {t.false_merges:>13} | {t.stories_planted:>15} {t.stories_found:>6}"
            f" {t.stories_mixed:>6} {t.purity:>7.3f} {t.completeness:>13.3f}",
            flush=True,
        )
    for small, large in zip(timings, timings[1:], strict=False):
        print(
            f"ratio {large.n:,} / {small.n:,} articles:"
            f" dedupe {large.dedupe_s / small.dedupe_s:.1f},"
            f" stories {large.stories_s / small.stories_s:.1f},"
            f" total {large.total_s / small.total_s:.1f}, cpu {large.cpu_s / small.cpu_s:.1f}"
            " (near-linear is about 10)"
        )
    return timings


REPEATS = 40_000


def repeated_section() -> None:
    """Two 2.7 MB articles, each one short real paragraph 40,000 times (plus a line of its own):
    the input that made dedupe quadratic."""
    data = json.loads((ARTICLES / "dup_02_a.json").read_text(encoding="utf-8"))
    # Its first 22 characters and a full stop: 69 bytes in UTF-8, 2.7 MB for 40,000.
    paragraph = data["text"].split("\n\n")[0][:22] + "。"
    articles = []
    for k in (1, 2):
        paragraphs = [paragraph] * REPEATS + [f"第{k}篇。"]
        text = "\n\n".join(paragraphs)
        articles.append(
            Article(
                id=hashlib.sha256(text.encode()).hexdigest()[:12],
                title=data["title"],
                published=data["published"],
                paragraphs=paragraphs,
            )
        )
    size = len("\n\n".join(articles[0].paragraphs).encode())
    print(f"## two articles of {REPEATS:,} identical paragraphs ({size / 1e6:.1f} MB each)")
    cpu = time.process_time()
    start = time.perf_counter()
    kept, duplicates, _ = deduplicate(articles)
    middle = time.perf_counter()
    group_stories(kept)
    end = time.perf_counter()
    cpu = time.process_time() - cpu
    print(
        f"dedupe {middle - start:.2f} s ({len(kept)} kept, {len(duplicates)} duplicate record),"
        f" stories {end - middle:.2f} s, cpu {cpu:.2f} s, peak {peak_mb():.0f} MB"
    )


# Hand labels of the real articles (tests/data/articles, i.e. shared/data/articles, and the two
# Sohu pages of examples/weekly): the story a reader would file each one under.
LABELLED = {
    "01": "rare-earth regulation (2024-06)",
    "14": "anti-foreign-sanctions rules (2025-03)",
    "02": "China answers the April 2025 US tariffs",
    "04": "China answers the April 2025 US tariffs",
    "05": "China answers the April 2025 US tariffs",
    "03": "US-China trade talks, 2025 rounds",
    "06": "US-China trade talks, 2025 rounds",
    "07": "US-China trade talks, 2025 rounds",
    "34": "US-China trade talks, 2025 rounds",
    "12": "reactions abroad to US steel and aluminium tariffs (2025-02)",
    "13": "IMF on the trade war (2025-07)",
    "25": "2011 rare-earth export quota",
    "26": "2011 rare-earth export quota",
    "27": "2011 rare-earth industry policy and reserves",
    "28": "2011 rare-earth industry policy and reserves",
    "dup_02_a": "coal-import VAT cut (2011-06)",
    "dup_02_b": "coal-import VAT cut (2011-06)",
    "dup_03_a": "iron-ore prices fall (2011-05)",
    "dup_03_b": "iron-ore prices fall (2011-05)",
    "sohu-shoigu-rare-earths": "Shoigu on a Russian rare-earth industry (2025-10)",
    "sohu-shoigu-rare-earths-repost": "Shoigu on a Russian rare-earth industry (2025-10)",
}


def labelled_section() -> None:
    """Purity and completeness of the stories found in the real, hand-labelled articles."""
    inputs = [
        str(ARTICLES / f"{name}.json") for name in LABELLED if (ARTICLES / f"{name}.json").exists()
    ]
    inputs += [
        str(EXAMPLES / "weekly" / f"{name}.txt") for name in LABELLED if name.startswith("sohu")
    ]
    prepared = prepare(inputs, Window())
    label = {aid: LABELLED[Path(path).stem] for aid, path in prepared.inputs.items()}
    scores = story_scores(prepared.stories, label)
    print(
        f"## real articles, hand-labelled: {len(inputs)} read, {len(prepared.articles)} kept,"
        f" {len(set(label.values()))} labelled stories, {len(prepared.stories)} found"
    )
    print(f"purity {scores['purity']:.3f}, completeness {scores['completeness']:.3f}")
    for story in prepared.stories:
        print("  " + " + ".join(Path(prepared.inputs[i]).stem for i in story))


PDF_ARTICLES = 50
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def fifty_article_digest() -> Digest:
    """The weekly example's digest (replayed), its briefs repeated under new ids up to 50."""
    prepared = prepare([str(EXAMPLES / "weekly")], Window())
    settings = resolve_settings(require_key=False)
    stack = build_stack(settings, replay=EXAMPLES / "weekly.replay.yaml")
    digest = build_digest(prepared, stack.llm, settings)
    briefs = []
    for n in range(PDF_ARTICLES):
        brief = digest.briefs[n % len(digest.briefs)]
        new_id = hashlib.sha256(f"{brief.article.id}{n}".encode()).hexdigest()[:12]
        article = brief.article.model_copy(update={"id": new_id})
        briefs.append(brief.model_copy(update={"article": article}))
    stories = [story_of_one(b) for b in briefs]
    return digest.model_copy(update={"briefs": briefs, "stories": stories})


def pdf_section() -> None:
    """Print the time to render a 50-article digest as PDF (Typst source + compilation)."""
    digest = fifty_article_digest()
    print(f"## PDF of a {len(digest.briefs)}-article digest (lang both)")
    with tempfile.TemporaryDirectory() as tmp:
        for run in (1, 2, 3):
            start = time.perf_counter()
            render_digest_pdf(digest, "both", Path(tmp) / "brief.pdf")
            seconds = time.perf_counter() - start
            size = (Path(tmp) / "brief.pdf").stat().st_size
            print(f"run {run}: {seconds:.2f} s, {size:,} bytes")


def main() -> None:
    """Run every section of the benchmark (sizes from the command line, if given)."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    digest_section(tuple(int(a) for a in args) or SIZES)
    repeated_section()
    labelled_section()
    if "--no-pdf" not in sys.argv:
        pdf_section()


if __name__ == "__main__":
    main()
