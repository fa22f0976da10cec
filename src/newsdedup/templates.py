"""Site templates learned from the corpus: lines that recur across many articles."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from .canonical import canonicalize
from .config import CleanConfig


def line_key(canonical_line: str) -> int:
    """Return the stable 64-bit key of a canonical line."""
    digest = hashlib.blake2b(canonical_line.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def document_keys(text: str, config: CleanConfig) -> set[int]:
    """Return the keys of the distinct short lines of one article."""
    keys = set()
    for raw in text.split("\n"):
        canon = canonicalize(raw)
        if canon and len(canon) <= config.template_max_chars:
            keys.add(line_key(canon))
    return keys


class TemplateCounter:
    """Counts in how many articles each short line occurs; state lives in the instance."""

    def __init__(self, config: CleanConfig) -> None:
        self.config = config
        self.docs = 0
        self.df: Counter[int] = Counter()

    def add(self, text: str) -> None:
        self.docs += 1
        self.df.update(document_keys(text, self.config))

    def merge(self, other: TemplateCounter) -> None:
        self.docs += other.docs
        self.df.update(other.df)

    def templates(self) -> frozenset[int]:
        """Return the keys frequent enough to be site furniture rather than news."""
        floor = max(self.config.template_min_docs, self.config.template_df * self.docs)
        return frozenset(k for k, n in self.df.items() if n >= floor)


def learn_templates(texts: Iterable[str], config: CleanConfig | None = None) -> frozenset[int]:
    """Return the template line keys of a corpus of raw article texts."""
    counter = TemplateCounter(config or CleanConfig())
    for text in texts:
        counter.add(text)
    return counter.templates()
