"""The scan's fast path (`parallel.fingerprint_docs` through `boilerplate.clean_text`) must give
exactly what the readable path gives (`pipeline.fingerprint(pipeline.clean(article))`), which
`explain`, `clean` and the persistent index use: same kept text length, same shingles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.boilerplate import classify, clean_text, kept_text
from newsdedup.config import DedupConfig
from newsdedup.load import load_corpus
from newsdedup.parallel import fingerprint_docs
from newsdedup.pipeline import clean, corpus_templates, fingerprint
from newsdedup.records import Article

from .fastcorpus import fast_article
from .pages import page

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _both_ways(articles: list[Article], config: DedupConfig) -> None:
    templates = corpus_templates(articles, config)
    batch = fingerprint_docs(
        [(a.id, a.text, a.extractor is not None) for a in articles], config, templates
    )
    for n, (article, got) in enumerate(zip(articles, batch.shingle_sets(), strict=True)):
        want = fingerprint(clean(article, config, templates=templates), config)
        assert batch.ids[n] == want.id
        assert int(batch.lengths[n]) == want.length, article.id
        assert np.array_equal(got, want.shingles), article.id


def test_fast_path_matches_on_the_seeds() -> None:
    articles = [
        Article(id=p.stem, text=p.read_text(encoding="utf-8"), source=str(p))
        for p in sorted(SEEDS.glob("*.txt"))
    ]
    assert articles
    _both_ways(articles, DedupConfig())


def test_fast_path_matches_on_extractor_output(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    body = "\n\n".join(fast_article(s, words=60) for s in range(4))
    extra = "Sign up for our newsletter today\n\nRelated Articles\n\nMarkets fall as oil jumps"
    path = tmp_path / "story.html"
    path.write_text(page(body + "\n\n" + extra), encoding="utf-8")
    (article,) = load_corpus(tmp_path).articles
    assert article.extractor
    plain = Article(id="plain", text=article.text, source="x")
    _both_ways([article, plain], DedupConfig())
    # The extractor's output keeps what only our structural rules would drop (a related-links
    # heading): the two paths must both know which article came through an extractor.
    soft, hard = (clean(a, DedupConfig()).text for a in (article, plain))
    assert len(soft) > len(hard)


LINES = st.sampled_from(
    [
        "",
        "Home > World > Asia",
        "Advertisement",
        "By Jane Doe",
        "The U.S. minister said on Tuesday that talks would continue into next week.",
        "Sign up for our newsletter",
        "Caf\u00e9 owners in the city centre said trade was down \u2014 again.",
        "\u0301combining mark at the start of a line",
        "Related Articles",
        "Markets fall as oil prices jump",
        "PHOTO: AFP",
        "the wire copy goes on here in lower case, as a wrapped line of a long paragraph of",
        "Copyright 2024 Example News. All rights reserved.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, max_size=30), st.booleans(), st.booleans())
def test_clean_text_matches_classify(lines: list[str], rules: bool, repeats: bool) -> None:
    from newsdedup.canonical import canonicalize
    from newsdedup.config import CleanConfig
    from newsdedup.templates import line_key

    text = "\n".join(lines)
    config = CleanConfig(boilerplate=rules, repeats=repeats)
    templates = {line_key(canonicalize("Markets fall as oil prices jump"))}
    kept, canon = clean_text(text, config, templates)
    assert kept == kept_text(classify(text, config, templates))
    assert canon == canonicalize(kept)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80) | st.text(max_size=40))
def test_tokens_fast_path_matches_the_regex(text: str) -> None:
    from newsdedup.shingle import _TOKEN, tokens

    assert tokens(text) == _TOKEN.findall(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=50))
def test_sorted_unique_matches_numpy(values: list[int]) -> None:
    from newsdedup.shingle import sorted_unique

    array = np.array(values, dtype=np.uint64)
    assert np.array_equal(sorted_unique(array), np.unique(array))


WORDS = st.sampled_from(
    ["the", "minister", "said", "U.S.", "caf\u00e9", "\u6771\u4eac", "2024", "_"]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(WORDS, max_size=12).map(" ".join), max_size=12),
    st.integers(min_value=1, max_value=7),
)
def test_shingle_many_matches_shingles(texts: list[str], size: int) -> None:
    """Shingling a batch gives each text's own shingles: short, spaceless and empty texts too."""
    from newsdedup.config import ShingleConfig
    from newsdedup.shingle import shingle_many, shingles

    config = ShingleConfig(size=size)
    got = shingle_many(texts, config)
    assert len(got) == len(texts)
    for text, values in zip(texts, got, strict=True):
        assert np.array_equal(values, shingles(text, config)), text
        assert values.dtype == np.uint64


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(WORDS, max_size=30).map(" ".join), max_size=12),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=0, max_value=25),
)
def test_shingles_and_ledes_match_their_references(texts: list[str], size: int, words: int) -> None:
    """The batch's ledes (first windows, taken before the sort) are `ledes` of each text, and
    its shingles are `shingles`: ledes shorter or longer than a shingle, spaceless texts too."""
    from newsdedup.config import ShingleConfig
    from newsdedup.shingle import ledes, shingles, shingles_and_ledes

    config = ShingleConfig(size=size)
    sets, lede_sets = shingles_and_ledes(texts, words, config)
    want = ledes(texts, words, config)
    for text, values, lede, expected in zip(texts, sets, lede_sets, want, strict=True):
        assert np.array_equal(values, shingles(text, config)), text
        assert np.array_equal(lede, expected), text


def test_lede_text_is_the_first_words() -> None:
    """A lede is the first n tokens, even where the read prefix cuts a word or runs short."""
    from newsdedup.shingle import lede_text

    text = " ".join(f"word{i}" for i in range(100))
    assert lede_text(text, 3) == "word0 word1 word2"
    long_words = " ".join("x" * 40 + str(i) for i in range(10))  # past the prefix
    assert lede_text(long_words, 4).split() == long_words.split()[:4]
    assert lede_text("one two", 20) == "one two"
    assert lede_text(text, 0) == ""
