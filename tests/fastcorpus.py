"""Cheap synthetic articles for the index and Dask tests: thousands in well under a second."""

from __future__ import annotations

import random
from pathlib import Path

_RNG = random.Random(20261123)
VOCAB = tuple(
    "".join(
        _RNG.choice("bcdfghjklmnprstvwz") + _RNG.choice("aeiou") for _ in range(_RNG.randint(2, 4))
    )
    for _ in range(20_000)
)


def fast_article(seed: int, words: int = 90, paragraphs: int = 3) -> str:
    """Return a deterministic article: `paragraphs` paragraphs from a 20k-word vocabulary."""
    rng = random.Random(seed)
    per = max(1, words // paragraphs)
    paras = []
    for _ in range(paragraphs):
        body = rng.choices(VOCAB, k=per)
        body[0] = body[0].capitalize()
        paras.append(" ".join(body) + ".")
    return "\n\n".join(paras)


def write_corpus(root: Path, n: int, *, copies_every: int = 10, start: int = 0) -> dict[str, str]:
    """Write n articles as root/dNN/aNNNNN.txt; every `copies_every`-th is a copy of the one
    before it with its last paragraph cut. Return {id: text}."""
    texts = {}
    for i in range(start, start + n):
        text = fast_article(i - 1 if i % copies_every == 0 and i else i)
        if i % copies_every == 0 and i:
            text = text.rsplit("\n\n", 1)[0]
        article_id = f"d{i // 1000:02d}/a{i:05d}.txt"
        path = root / article_id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        texts[article_id] = text
    return texts
