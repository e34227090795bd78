"""The fast paths of briefing.digest.shingles against plain reference code, on real text."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from briefing.digest.shingles import gram_codes, grams_of_sizes, normalise, split_sentences

ROOT = Path(__file__).resolve().parent.parent
_END = re.compile(r"[。｡︒!?;！？；﹗﹖﹔︕︖︔\n]+")


def reference_normalise(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def real_texts() -> list[str]:
    """Every article text and page shipped in tests/data and examples, as read and as parsed."""
    texts = []
    for path in sorted([*(ROOT / "tests" / "data").rglob("*"), *(ROOT / "examples").rglob("*")]):
        if path.suffix not in {".json", ".txt", ".md", ".html"}:
            continue
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        texts.append(raw)
        if path.suffix == ".json":
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if isinstance(data, dict) and isinstance(data.get("text"), str):
                texts.append(data["text"])
    return texts


def test_real_texts_split_and_normalise_as_plain_nfkc_does() -> None:
    texts = real_texts()
    assert len(texts) > 50 and sum(map(len, texts)) > 500_000
    for text in texts:
        expected = [(r, f) for r in _END.split(text) if (f := reference_normalise(r))]
        assert split_sentences(text) == expected
        assert normalise(text) == reference_normalise(text)


COMPATIBILITY = ["ＡＢＣ１２３，全角。", "①②③", "㎡和℃", "‼提问⁇", "Ⅻ卷", "ﬁne", "面积10²"]


@pytest.mark.parametrize("text", COMPATIBILITY)
def test_compatibility_characters_still_fold(text: str) -> None:
    assert normalise(text) == reference_normalise(text)
    assert [f for _, f in split_sentences(text)] == [
        f for r in _END.split(text) if (f := reference_normalise(r))
    ]


def test_gram_codes_match_a_plain_loop() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        strings = [
            "".join(rng.choice("ab中文字") for _ in range(rng.randint(0, 6)))
            for _ in range(rng.randint(0, 6))
        ]
        n = rng.randint(1, 3)
        expected = [(s[i : i + n], k) for k, s in enumerate(strings) for i in range(len(s) - n + 1)]
        codes, owner, bound = gram_codes(strings, n)
        decoded = [
            "".join(chr((int(c) >> (21 * (n - 1 - j))) & ((1 << 21) - 1)) for j in range(n))
            for c in codes
        ]
        assert list(zip(decoded, owner.tolist(), strict=True)) == expected
        assert all(int(c) < bound for c in codes)
        dense, dense_owner, dense_bound = gram_codes(strings, n, dense=True)
        assert dense_owner.tolist() == owner.tolist()
        # The same grams are equal, different grams differ: one code per distinct gram.
        pairs = set(zip(dense.tolist(), decoded, strict=True))
        assert len(pairs) == len(set(decoded)) == len(set(dense.tolist()))
        assert all(int(c) < dense_bound for c in dense)


def test_sizes_at_once_are_the_sizes_one_by_one() -> None:
    strings = [t[:2000] for t in real_texts()[:40]] + ["", "一", "二三"]
    together = grams_of_sizes(strings, (1, 2, 3), dense=True)
    for n, ((codes, owner), bound) in zip((1, 2, 3), together, strict=True):
        alone, alone_owner, alone_bound = gram_codes(strings, n, dense=True)
        assert codes.tolist() == alone.tolist() and owner.tolist() == alone_owner.tolist()
        assert bound == alone_bound
