"""Orchestration only: load → clean → canonicalize → shingle → sign → index → verify → cluster."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .boilerplate import classify, kept_text
from .canonical import canonicalize
from .cluster import build_clusters
from .config import CleanConfig, DedupConfig
from .index import band_keys, candidate_pairs
from .records import Article, CleanText, DedupResult, LoadIssue, Match
from .shingle import shingles
from .signature import sign_many
from .templates import learn_templates
from .verify import verify

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _clean_config(config: DedupConfig | CleanConfig | None) -> CleanConfig:
    if config is None:
        return CleanConfig()
    return config.clean if isinstance(config, DedupConfig) else config


def clean(
    article: Article,
    config: DedupConfig | CleanConfig | None = None,
    *,
    templates: Collection[int] = frozenset(),
) -> CleanText:
    """Return what cleaning keeps of one article, with every dropped line and its reason."""
    lines = classify(article.text, _clean_config(config), templates)
    if article.extractor is not None:
        from .html import soften

        lines = soften(lines)
    return CleanText(article_id=article.id, text=kept_text(lines), lines=lines)


def corpus_templates(
    articles: Iterable[Article], config: DedupConfig | CleanConfig | None = None
) -> frozenset[int]:
    """Return the site-template line keys learned from a whole corpus."""
    cfg = _clean_config(config)
    if not cfg.templates:
        return frozenset()
    return learn_templates((a.text for a in articles), cfg)


def clean_corpus(
    articles: Iterable[Article], config: DedupConfig | CleanConfig | None = None
) -> list[CleanText]:
    """Clean every article, with site templates learned from the corpus itself."""
    items = list(articles)
    templates = corpus_templates(items, config)
    return [clean(a, config, templates=templates) for a in items]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the index and verification need of one article."""

    id: str
    length: int  # characters of clean text: the representative rule prefers the longest
    shingles: npt.NDArray[np.uint64]


def fingerprint(cleaned: CleanText, config: DedupConfig) -> Fingerprint:
    """Return the shingle set of a cleaned article."""
    return Fingerprint(
        id=cleaned.article_id,
        length=len(cleaned.text),
        shingles=shingles(canonicalize(cleaned.text), config.shingle),
    )


def find_matches(
    prints: Sequence[Fingerprint], config: DedupConfig, *, progress: Progress | None = None
) -> tuple[list[Match], int]:
    """Return verified matches among fingerprints (sorted by id pair) and the candidate count."""
    usable = [p for p in prints if len(p.shingles) >= config.min_shingles]
    if len(usable) < 2:
        return [], 0
    signatures = sign_many([p.shingles for p in usable], config.index)
    if progress:
        progress("sign", len(usable), len(usable))
    pairs = candidate_pairs(band_keys(signatures, config.index), config.index)
    matches = []
    for n, (i, j) in enumerate(pairs.tolist(), start=1):
        a, b = usable[i], usable[j]
        match = verify(
            a.id,
            b.id,
            a.shingles,
            b.shingles,
            threshold=config.threshold,
            containment=config.containment,
        )
        if match is not None:
            matches.append(match)
        if progress and n % 10_000 == 0:
            progress("verify", n, len(pairs))
    matches.sort(key=lambda m: (m.a, m.b))
    return matches, len(pairs)


def find_duplicates(
    articles: Iterable[Article],
    config: DedupConfig | None = None,
    *,
    skipped: Sequence[LoadIssue] = (),
    warnings: Sequence[LoadIssue] = (),
    progress: Progress | None = None,
    level: str = "copy",
) -> DedupResult:
    """Cluster the articles that are copies of one another.

    `level="story"` or `"both"` also groups the articles that report the same event
    (`newsdedup.story.add_stories`).
    """
    config = config or DedupConfig()
    items = sorted(articles, key=lambda a: a.id)
    templates = corpus_templates(items, config)
    prints = []
    texts: list[str] = []  # cleaned texts, kept only for the story level
    for n, article in enumerate(items, start=1):
        cleaned = clean(article, config, templates=templates)
        if level != "copy":
            texts.append(cleaned.text)
        prints.append(fingerprint(cleaned, config))
        if progress and (n % 1000 == 0 or n == len(items)):
            progress("clean", n, len(items))
    matches, candidates = find_matches(prints, config, progress=progress)
    by_id = {p.id: p for p in prints}

    def similarity_to(x: str, y: str) -> Match | None:
        return verify(
            x,
            y,
            by_id[x].shingles,
            by_id[y].shingles,
            threshold=config.threshold,
            containment=config.containment,
        )

    clusters = build_clusters(matches, {p.id: p.length for p in prints}, similarity_to)
    result = DedupResult(
        params=config.params(),
        articles=len(items),
        clusters=clusters,
        article_ids=tuple(a.id for a in items),
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        extra={"template_lines": len(templates), "candidates": candidates, "matches": len(matches)},
        metadata={a.id: meta for a in items if (meta := article_metadata(a))},
    )
    if level == "copy":
        return result
    from .story import add_stories  # story builds on this module

    return add_stories(result, items, config, level=level, progress=progress, texts=texts)


def article_metadata(article: Article) -> dict[str, str]:
    """Return the title, date and URL an article's source gave, in that order, when known."""
    fields = (("title", article.title), ("date", article.date), ("url", article.url))
    return {key: value for key, value in fields if value}
