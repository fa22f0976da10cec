"""Orchestration only: load → clean → canonicalize → shingle → sign → index → verify → cluster."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from .boilerplate import classify, kept_text
from .canonical import canonicalize
from .cluster import build_clusters
from .config import CleanConfig, DedupConfig, LoadConfig, check_config, check_level
from .errors import InputError
from .index import BandKeys, candidate_pairs, lsh_keys
from .load import Lines, Part, corpus_parts, id_roots, overlap_issues, raise_issue
from .parallel import (
    Batch,
    Doc,
    KeyCounter,
    Loaded,
    Workers,
    fingerprints,
    gc_paused,
    key_counts,
    part_fingerprints,
    part_keys,
)
from .records import Article, CleanText, DedupResult, LoadIssue, Match, by_id
from .shingle import ledes, shingles
from .spill import SpilledSets, set_sizes
from .templates import learn_templates
from .verify import verify

Progress = Callable[[str, int, int], None]  # (stage, done, total)
T = TypeVar("T")


def _clean_config(config: DedupConfig | CleanConfig | None) -> CleanConfig:
    if config is None:
        return CleanConfig()
    if not isinstance(config, DedupConfig | CleanConfig):
        raise TypeError(f"config must be a DedupConfig or CleanConfig, got {type(config).__name__}")
    return config.clean if isinstance(config, DedupConfig) else config


def clean(
    article: Article,
    config: DedupConfig | CleanConfig | None = None,
    *,
    templates: Collection[int] = frozenset(),
) -> CleanText:
    """Return what cleaning keeps of one article, with every dropped line and its reason."""
    if not isinstance(article, Article):
        raise TypeError(f"expected an Article, got {type(article).__name__}")
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
    lede: npt.NDArray[np.uint64]  # the shingles of its first words (`shingle.ledes`)


def fingerprint(cleaned: CleanText, config: DedupConfig) -> Fingerprint:
    """Return the shingle set (and lede shingles) of a cleaned article."""
    canon = canonicalize(cleaned.text)
    return Fingerprint(
        id=cleaned.article_id,
        length=len(cleaned.text),
        shingles=shingles(canon, config.shingle),
        lede=ledes([canon], config.index.lede_words, config.shingle)[0],
    )


def find_matches(
    prints: Sequence[Fingerprint], config: DedupConfig, *, progress: Progress | None = None
) -> tuple[list[Match], int]:
    """Return verified matches among fingerprints (sorted by id pair) and the candidate count."""
    sets = [p.shingles for p in prints]
    _, keys = lsh_keys(sets, [p.lede for p in prints], config.index)
    if progress:
        progress("sign", len(prints), len(prints))
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    return _verified([p.id for p in prints], sets, sizes, keys, config, progress)


def _verified(
    ids: Sequence[str],
    sets: Sequence[npt.NDArray[np.uint64]],
    sizes: npt.NDArray[np.int64],
    keys: npt.NDArray[np.uint64],
    config: DedupConfig,
    progress: Progress | None,
) -> tuple[list[Match], int]:
    """Return the candidates of LSH band keys that pass exact verification, and their count."""
    usable = np.flatnonzero(sizes >= config.min_shingles)
    if len(usable) < 2:
        return [], 0
    pairs = candidate_pairs(keys[usable] if len(usable) < len(ids) else keys, config.index)
    matches = []
    step = 100_000
    for start in range(0, len(pairs), step):
        block = usable[pairs[start : start + step]]
        for i, j in block.tolist():
            match = verify(
                ids[i],
                ids[j],
                sets[i],
                sets[j],
                threshold=config.threshold,
                containment=config.containment,
            )
            if match is not None:
                matches.append(match)
        if progress:
            progress("verify", min(start + step, len(pairs)), len(pairs))
    matches.sort(key=lambda m: (m.a, m.b))
    return matches, len(pairs)


def result_from_fingerprints(
    ids: Sequence[str],
    lengths: npt.NDArray[np.int64],
    sets: Sequence[npt.NDArray[np.uint64]],
    keys: npt.NDArray[np.uint64],
    config: DedupConfig,
    *,
    templates: int,
    skipped: Sequence[LoadIssue],
    warnings: Sequence[LoadIssue],
    progress: Progress | None,
) -> DedupResult:
    """Index, verify and cluster fingerprints given in id order."""
    sizes = set_sizes(sets)
    matches, candidates = _verified(ids, sets, sizes, keys, config, progress)
    # Only clustered articles need a length or a shingle set from here on.
    position: dict[str, int] = {}
    if matches:
        lookup = {article_id: n for n, article_id in enumerate(ids)}
        for m in matches:
            position[m.a] = lookup[m.a]
            position[m.b] = lookup[m.b]

    verified = {(m.a, m.b): m for m in matches}

    def similarity_to(x: str, y: str) -> Match | None:
        known = verified.get((x, y) if x < y else (y, x))
        if known is not None:  # verify is deterministic: no need to intersect the sets again
            return known
        return verify(
            x,
            y,
            sets[position[x]],
            sets[position[y]],
            threshold=config.threshold,
            containment=config.containment,
        )

    length = {k: int(lengths[i]) for k, i in position.items()}
    shingles = {k: int(sizes[i]) for k, i in position.items()}
    clusters = build_clusters(matches, length, similarity_to, shingles)
    return DedupResult(
        params=config.params(),
        articles=len(ids),
        clusters=clusters,
        article_ids=tuple(ids),
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        extra={"template_lines": templates, "candidates": candidates, "matches": len(matches)},
        too_short=tuple(ids[i] for i in np.flatnonzero(sizes < config.min_shingles).tolist()),
    )


class Collected:
    """Fingerprint batches gathered in arrival order, then put in id order.

    Shingle sets go to a spill file (`spill.SpilledSets`): in memory stay only ids, lengths
    and LSH band keys, ~0.4 KB an article (1M articles: 4.5 GB peak with the sets in memory).
    """

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lengths: list[npt.NDArray[np.int64]] = []
        self.sets = SpilledSets()
        self.keys: list[npt.NDArray[np.uint64]] = []

    def add(self, batch: Batch) -> None:
        self.ids.extend(batch.ids)
        self.lengths.append(batch.lengths)
        self.sets.append(batch.shingles, batch.sizes)
        self.keys.append(batch.keys)

    def in_id_order(
        self, config: DedupConfig
    ) -> tuple[list[str], npt.NDArray[np.int64], SpilledSets, BandKeys]:
        bands = config.index.key_count
        order = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, dtype=np.int64)
        keys = np.concatenate(self.keys) if self.keys else np.zeros((0, bands), dtype=np.uint64)
        self.lengths, self.keys = [], []
        index = np.array(order, dtype=np.int64)
        self.sets.reorder(index)
        ids, self.ids = [self.ids[i] for i in order], []
        return ids, lengths[index], self.sets, keys[index]

    def result(
        self,
        config: DedupConfig,
        *,
        templates: int,
        skipped: Sequence[LoadIssue],
        warnings: Sequence[LoadIssue],
        progress: Progress | None,
    ) -> DedupResult:
        """Index, verify and cluster what was gathered (which is handed over, not kept)."""
        ids, lengths, sets, keys = self.in_id_order(config)
        with gc_paused():  # a Match per verified pair, no cycles: see parallel.without_gc
            return result_from_fingerprints(
                ids,
                lengths,
                sets,
                keys,
                config,
                templates=templates,
                skipped=skipped,
                warnings=warnings,
                progress=progress,
            )


def pooled_templates(
    docs: Iterable[Doc],
    config: DedupConfig,
    pool: Workers,
    progress: Progress | None = None,
) -> frozenset[int]:
    """Return the corpus templates, counted on `pool`: the first of two passes over the input."""
    if not config.clean.templates:
        return frozenset()
    counter = KeyCounter()
    for part in key_counts(docs, config.clean, pool=pool):
        counter.add(part)
        if progress:
            progress("templates", counter.docs, counter.docs)
    return counter.templates(config.clean)


def _scan(
    docs: Callable[[], Iterable[Doc]],
    config: DedupConfig,
    *,
    workers: int,
    total: Callable[[], int],
    skipped: Callable[[], Sequence[LoadIssue]],
    warnings: Callable[[], Sequence[LoadIssue]],
    progress: Progress | None,
) -> DedupResult:
    """Two passes over `docs()` (templates, then fingerprints), then index, verify, cluster."""
    collected = Collected()
    spill = collected.sets
    try:
        with Workers(workers) as pool:
            templates = pooled_templates(docs(), config, pool, progress)
            for batch in fingerprints(docs(), config, templates, pool=pool):
                collected.add(batch)
                if progress:
                    progress("clean", len(collected.ids), max(total(), len(collected.ids)))
        return collected.result(
            config,
            templates=len(templates),
            skipped=skipped(),
            warnings=warnings(),
            progress=progress,
        )
    finally:
        spill.close()


def _scan_config(config: object) -> DedupConfig:
    """`check_config`, and an LSH threshold that cannot band fails here, not after the
    template pass."""
    checked = check_config(config)
    _ = checked.index.bands_rows
    return checked


def find_duplicates(
    articles: Iterable[Article],
    config: DedupConfig | None = None,
    *,
    skipped: Sequence[LoadIssue] = (),
    warnings: Sequence[LoadIssue] = (),
    progress: Progress | None = None,
    level: str = "copy",
    workers: int = 1,
) -> DedupResult:
    """Cluster the articles that are copies of one another.

    `level="story"` or `"both"` also groups the articles that report the same event
    (`newsdedup.story.add_stories`). `workers` > 1 cleans, shingles and signs on that many
    processes (and scores story pairs on that many threads); the result is the same.
    """
    config = _scan_config(config)
    articles = by_id(articles)
    metadata = {a.id: meta for a in articles if (meta := article_metadata(a))}
    check_level(level)  # before the scan, not after it
    if level != "copy":
        from .story import add_stories, scan_with_stories  # story builds on this module

        # One cleaning per article for both levels: the workers hand back story docs too.
        result, docs = scan_with_stories(
            articles,
            config,
            workers=max(1, workers),
            skipped=skipped,
            warnings=warnings,
            progress=progress,
        )
        result = replace(result, metadata=metadata)
        return add_stories(
            result,
            articles,
            config,
            level=level,
            progress=progress,
            docs=docs,
            workers=max(1, workers),
        )
    items = [(a.id, a.text, a.extractor is not None) for a in articles]
    result = _scan(
        lambda: items,
        config,
        workers=max(1, workers),
        total=lambda: len(items),
        skipped=lambda: skipped,
        warnings=lambda: warnings,
        progress=progress,
    )
    return replace(result, metadata=metadata)


def article_metadata(article: Article) -> dict[str, str]:
    """Return the title, date and URL an article's source gave, in that order, when known."""
    fields = (("title", article.title), ("date", article.date), ("url", article.url))
    return {key: value for key, value in fields if value}


def scan_corpus(
    paths: Path | Iterable[Path],
    config: DedupConfig | None = None,
    *,
    load: LoadConfig | None = None,
    strict: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
    on_issue: Callable[[LoadIssue], None] | None = None,
) -> DedupResult:
    """Read, clean, sign and cluster a corpus without holding its text in memory.

    Gives what `find_duplicates(load_corpus(paths).articles)` gives, from two streaming passes
    over the files (site templates, then fingerprints). Each load issue is handed to
    `on_issue` once, as it is met; `strict=True` raises `InputError` on the first skip.

    The worker processes read and parse the files themselves (`load.corpus_parts`): this
    process only cuts the input into parts and merges what comes back, in order, finding
    duplicate ids and reporting issues as `iter_corpus` would.
    """
    config = _scan_config(config)
    load = load or LoadConfig()
    roots = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    issues: list[LoadIssue] = overlap_issues(roots, load.glob)
    if on_issue:
        for issue in issues:
            on_issue(issue)
    counted: list[int] = []
    metadata: dict[str, dict[str, str]] = {}
    kept: list[Part] = []  # pass 1's parts, cut again only if they hold lines read here

    def parts() -> Iterator[Part]:
        if counted and all(not isinstance(p, Lines) for p in kept):
            yield from kept
            return
        for root, ids_from in id_roots(roots, load.glob):
            for part in corpus_parts(root, load, ids_from=ids_from):
                if not counted:
                    kept.append(part if not isinstance(part, Lines) else replace(part, raws=()))
                yield part

    def merged(results: Iterable[tuple[Loaded, T]]) -> Iterator[tuple[T, list[int]]]:
        """Yield each part's result with its articles whose id came earlier (to drop).

        Issues are reported as the first pass meets them; the second reports only new ones
        (a file deleted, emptied or overwritten between the passes, which scrapers do)."""
        first = not counted
        known = {(i.source, i.problem) for i in issues}
        seen: set[str] = set()
        for loaded, value in results:
            if loaded.missing is not None:
                raise InputError(loaded.missing, "no such file or directory")
            drop = []
            found = dict(loaded.metadata) if first else {}
            for event in loaded.events():
                if isinstance(event, LoadIssue) or loaded.ids[event] in seen:
                    if isinstance(event, LoadIssue):
                        issue = event
                    else:
                        issue = loaded.duplicate(event)
                        drop.append(event)
                    if first or (
                        isinstance(event, LoadIssue) and (issue.source, issue.problem) not in known
                    ):
                        if strict and issue.severity == "skipped":
                            raise_issue(issue)
                        issues.append(issue)
                        known.add((issue.source, issue.problem))
                        if on_issue:
                            on_issue(issue)
                    continue
                seen.add(loaded.ids[event])
                if first and (meta := found.get(event)):
                    metadata[loaded.ids[event]] = meta
            yield value, drop
        if first:
            counted.append(len(seen))

    collected = Collected()
    spill = collected.sets
    try:
        with Workers(max(1, workers)) as pool:
            templates: frozenset[int] = frozenset()
            if config.clean.templates:
                counter = KeyCounter()
                keyed = ((p.loaded, p) for p in part_keys(parts(), load, config.clean, pool=pool))
                for part, drop in merged(keyed):
                    counter.add(part.counts)
                    for k in drop:
                        counter.add(part.keys_of(k))
                    if progress:
                        progress("templates", counter.docs, counter.docs)
                templates = counter.templates(config.clean)
            signed = part_fingerprints(parts(), load, config, templates, pool=pool)
            for batch, drop in merged(signed):
                collected.add(batch.without(drop))
                if progress:
                    total = counted[0] if counted else 0
                    progress("clean", len(collected.ids), max(total, len(collected.ids)))
        result = collected.result(
            config,
            templates=len(templates),
            skipped=[i for i in issues if i.severity == "skipped"],
            warnings=[i for i in issues if i.severity == "warning"],
            progress=progress,
        )
    finally:
        spill.close()
    return replace(result, metadata=dict(sorted(metadata.items())))
