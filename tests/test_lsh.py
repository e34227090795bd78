"""The sentence index: in memory (numpy) and through datasketch's storage (dict, Redis) give the
same candidate pairs; repeated input stays bounded; the storage comes from the config file.

Sentences are those of the real articles in tests/data/articles.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import free_port
from test_dedupe import DISTINCT, article, load

from briefing.digest.dedupe import MAX_SHARED, SHINGLE, _reduce, deduplicate
from briefing.digest.lsh import candidate_pairs, signatures, storage_config
from briefing.errors import ConfigError

NAMES = [*DISTINCT, "dup_02_a", "dup_02_b", "dup_03_a", "dup_03_b"]


def index_input() -> tuple[np.ndarray, np.ndarray]:
    """Every distinct sentence of 10 characters or more of the real set, and its article."""
    owners, sentences = [], []
    for k, name in enumerate(NAMES):
        for s in _reduce(load(name)).sentences:
            if len(s.norm) >= 10:
                owners.append(k)
                sentences.append(s.norm)
    return np.array(owners), signatures(sentences, SHINGLE)


def test_signatures_are_minhash_estimates_of_jaccard() -> None:
    # A real sentence and itself with one phrase replaced (from dup_02_a).
    a = "根据海关总署的统计数据今年前四个月全国累计进口煤炭大约为4347万吨"
    b = a.replace("大约为", "约")
    sig = signatures([a, a, b, "国际货币基金组织称贸易战升级或对全球经济造成重大影响"], SHINGLE)
    assert (sig[0] == sig[1]).all()
    grams = [{s[i : i + 3] for i in range(len(s) - 2)} for s in (a, b)]
    jaccard = len(grams[0] & grams[1]) / len(grams[0] | grams[1])
    estimate = float((sig[0] == sig[2]).mean())
    assert abs(estimate - jaccard) < 0.25  # 32 permutations: a rough estimate
    assert (sig[0] == sig[3]).mean() < 0.2


def test_in_memory_and_datasketch_storage_give_the_same_pairs() -> None:
    owner, sig = index_input()
    here = candidate_pairs(owner, sig, MAX_SHARED)
    assert (NAMES.index("dup_02_a"), NAMES.index("dup_02_b")) in here
    assert candidate_pairs(owner, sig, MAX_SHARED, {"type": "dict"}) == here


def test_a_bucket_of_too_many_articles_pairs_none() -> None:
    sentence = "央视网消息新闻联播国务院总理李强日前签署国务院令"  # from 01.json
    sig = signatures([sentence] * 5, SHINGLE)
    assert candidate_pairs(np.arange(5), sig, cap=10) == {
        (i, j) for i in range(5) for j in range(i + 1, 5)
    }
    assert candidate_pairs(np.arange(5), sig, cap=4) == set()


def test_an_article_repeating_one_paragraph_is_reduced_to_it() -> None:
    # The input that made dedupe quadratic: 40,000 copies of a real paragraph (dup_02_a's first).
    paragraph = load("dup_02_a").paragraphs[0]
    text = _reduce(article("\n\n".join([paragraph] * 40_000), "t"))
    assert len(text.sentences) == 1
    assert text.sentences[0].weight == 40_000 * len(text.sentences[0].norm)
    a = article("\n\n".join([paragraph] * 40_000 + ["第一篇。"]), "a")
    b = article("\n\n".join([paragraph] * 40_000 + ["第二篇。"]), "b")
    kept, dups, events = deduplicate([a, b])
    assert len(kept) == 1 and dups[0].dropped == [b.id] and events == []


def test_storage_comes_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert storage_config({"BRIEFING_CONFIG": str(config)}) is None
    config.write_text(
        '[dedupe]\nlsh_storage = {type = "redis", redis = {host = "10.0.0.5", port = 6380}}\n'
    )
    assert storage_config({"BRIEFING_CONFIG": str(config)}) == {
        "type": "redis",
        "basename": b"briefing-dedupe",
        "redis": {"host": "10.0.0.5", "port": 6380},
    }
    config.write_text('[dedupe]\nlsh_storage = {type = "dict", shared = true}\n')
    with pytest.raises(ConfigError, match="shared = true needs type"):
        storage_config({"BRIEFING_CONFIG": str(config)})
    config.write_text('[dedupe]\nlsh_storage = {type = "mongo"}\n')
    with pytest.raises(ConfigError, match="dedupe"):
        storage_config({"BRIEFING_CONFIG": str(config)})


def test_an_unreachable_redis_is_a_clear_error() -> None:
    pytest.importorskip("redis", reason="the redis client is not installed (pip install redis)")
    owner, sig = index_input()
    storage = {"type": "redis", "redis": {"host": "127.0.0.1", "port": free_port()}}
    with pytest.raises(ConfigError, match="Cannot use the Redis LSH storage at 127.0.0.1"):
        candidate_pairs(owner, sig, MAX_SHARED, storage)


def test_a_redis_storage_gives_the_same_pairs_and_leaves_nothing(redis_server) -> None:  # type: ignore[no-untyped-def]
    port, client = redis_server
    owner, sig = index_input()
    storage = {"type": "redis", "redis": {"host": "127.0.0.1", "port": port}}
    assert candidate_pairs(owner, sig, MAX_SHARED, storage) == candidate_pairs(
        owner, sig, MAX_SHARED
    )
    assert client.dbsize() == 0
    # The whole dedupe through Redis: the real copies merged as in memory.
    articles = [load(n) for n in NAMES]
    assert deduplicate(articles, storage=storage) == deduplicate(articles)
