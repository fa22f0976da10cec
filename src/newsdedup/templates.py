"""Site templates learned from the corpus: lines that recur across many articles.

A line is furniture when it occurs in at least `template_min_docs` articles and in at least
`template_df` of the corpus. That alone would also strip a short quote that five copies of
one story share, so a line that reads like a sentence needs more: in at least half of the
articles holding it, it must sit next to another frequent line that is not a sentence (a menu
item, a footer link) or a sentence already found to be furniture. A quote sits between body
paragraphs; a "Comments are closed." notice or a copyright line sits in a run of menu links.
Every count here is a sum over documents, so counters of two halves of a corpus merge into the
counter of the whole.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from .canonical import canonicalize
from .config import CleanConfig

# A sentence: at least this many words, ending with a full stop, question or exclamation mark
# (optionally inside closing quotes or brackets).
SENTENCE_WORDS = 3
SENTENCE_ENDS = ".!?\u2026\u3002"
CLOSERS = "'\"\u201d\u2019)]"
# SENTENCE_WORDS runs of word characters: len(re.findall(r"\w+", line)) >= SENTENCE_WORDS
# without building the list (this test runs on every distinct short line of a corpus).
_ENOUGH_WORDS = re.compile(r"\w" + r"\W+\w+" * (SENTENCE_WORDS - 2) + r"\W+\w")


def line_key(canonical_line: str) -> int:
    """Return the stable 64-bit key of a canonical line."""
    digest = hashlib.blake2b(canonical_line.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def is_sentence(canonical_line: str) -> bool:
    """Return True when a canonical line reads like a sentence rather than a menu item."""
    # The last character before any closing quotes or brackets ends a sentence. (A line of
    # closers only leaves "", which `in` accepts, but it has no words.)
    ending = canonical_line.rstrip(CLOSERS)[-1:]
    return ending in SENTENCE_ENDS and _ENOUGH_WORDS.search(canonical_line) is not None


def document_keys(text: str, config: CleanConfig) -> set[int]:
    """Return the keys of the distinct short lines of one article."""
    return document_profile(text, config)[0]


def document_profile(
    text: str, config: CleanConfig
) -> tuple[set[int], set[int], set[tuple[int, int]]]:
    """Return one article's short-line keys, those that are sentences, and neighbour pairs.

    A pair (s, n) says the short sentence s has the short line n just above or below it
    (blank lines skipped).
    """
    canon = [c for c in (canonicalize(raw) for raw in text.split("\n")) if c]
    keys: list[int | None] = [
        line_key(c) if len(c) <= config.template_max_chars else None for c in canon
    ]
    short = {k for k in keys if k is not None}
    sentences = {k for k, c in zip(keys, canon, strict=True) if k is not None and is_sentence(c)}
    return short, sentences, sentence_pairs(keys, sentences)


def sentence_pairs(keys: Sequence[int | None], sentences: Collection[int]) -> set[tuple[int, int]]:
    """Return (s, n) for each short sentence s with the short line n just above or below it.

    `keys` are one article's non-blank lines in order (None for a line too long to count).
    """
    pairs: set[tuple[int, int]] = set()
    for i, k in enumerate(keys):
        if k is None or k not in sentences:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(keys):
                other = keys[j]
                if other is not None and other != k:
                    pairs.add((k, other))
    return pairs


class TemplateCounter:
    """Counts in how many articles each short line occurs; state lives in the instance."""

    def __init__(self, config: CleanConfig) -> None:
        self.config = config
        self.docs = 0
        self.df: Counter[int] = Counter()
        self.sentences: set[int] = set()
        self.pairs: Counter[tuple[int, int]] = Counter()

    def add(self, text: str) -> None:
        keys, sentences, pairs = document_profile(text, self.config)
        self.docs += 1
        self.df.update(keys)
        self.sentences |= sentences
        self.pairs.update(pairs)

    def merge(self, other: TemplateCounter) -> None:
        self.docs += other.docs
        self.df.update(other.df)
        self.sentences |= other.sentences
        self.pairs.update(other.pairs)

    def templates(self) -> frozenset[int]:
        """Return the keys frequent enough to be site furniture rather than news."""
        floor = max(self.config.template_min_docs, self.config.template_df * self.docs)
        frequent = {k for k, n in self.df.items() if n >= floor}
        found = {k for k in frequent if k not in self.sentences}
        pending = [(k, o, n) for (k, o), n in self.pairs.items() if k in frequent and o in frequent]
        # Grow from the menu lines until nothing changes: a run of footer sentences next to a
        # menu is furniture too. The fixed point does not depend on the order of the pairs.
        changed = True
        while changed:
            changed = False
            for k, other, n in pending:
                if k not in found and other in found and 2 * n >= self.df[k]:
                    found.add(k)
                    changed = True
        return frozenset(found)


def learn_templates(texts: Iterable[str], config: CleanConfig | None = None) -> frozenset[int]:
    """Return the template line keys of a corpus of raw article texts."""
    counter = TemplateCounter(config or CleanConfig())
    for text in texts:
        counter.add(text)
    return counter.templates()
