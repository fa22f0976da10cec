"""A process pool over the per-article stages: template counting, cleaning, shingling, signing.

Articles go out in chunks, in input order, and results come back in the same order, so a run
with N workers merges into exactly what one worker gives. At most a few chunks are in flight at
once: the input is read lazily and memory holds only what the results need (line-key counts in
the first pass; shingle hashes and LSH band keys in the second), never the corpus text.

`workers=1` runs every chunk in this process, with the same functions, so the bytes match.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from .boilerplate import clean_text, fold_line
from .config import CleanConfig, DedupConfig
from .index import band_keys
from .shingle import shingles
from .signature import sign_many

T = TypeVar("T")
R = TypeVar("R")
# (id, raw text, read through an HTML extractor?): all a worker needs of an article.
Doc = tuple[str, str, bool]

# Articles per task: large enough that pickling and queueing cost little next to cleaning
# (~1 ms per article), small enough that a few chunks in flight stay a few MB.
CHUNK = 256


def default_workers() -> int:
    """Return the number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Yield consecutive lists of at most `size` items."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Workers:
    """Up to `size` worker processes, started on first need and shared by both passes."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: children start from a clean, single-threaded server process (fork
            # after threads exist is unsafe) that has imported numpy and datasketch once.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["newsdedup.parallel", "datasketch"])
            self._pool = ProcessPoolExecutor(max_workers=self.size, mp_context=context)
        return self._pool

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Yield `fn(task)` for every task, in task order.

        Tasks are pulled from `tasks` only as results are taken, so a lazy input is never read
        far ahead of the consumer (unlike `Pool.imap` or `Executor.map`, which queue it all).
        """
        tasks = iter(tasks)
        head = list(itertools.islice(tasks, 2))
        if self.size == 1 or (len(head) < 2 and self._pool is None):
            # One task (a small corpus) is done sooner here than a pool can start.
            yield from map(fn, itertools.chain(head, tasks))
            return
        pool = self._executor()
        pending: deque[Future[R]] = deque()
        try:
            for task in itertools.chain(head, tasks):
                pending.append(pool.submit(fn, task))
                if len(pending) > 2 * self.size:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def ordered_map(fn: Callable[[T], R], tasks: Iterable[T], workers: int) -> Iterator[R]:
    """Yield `fn(task)` for every task, in task order, on up to `workers` processes."""
    with Workers(workers) as pool:
        yield from pool.map(fn, tasks)


# ---- pass 1: site-template line keys -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyCounts:
    """Per distinct line key, in how many of `docs` articles it occurs."""

    docs: int
    keys: npt.NDArray[np.uint64]  # sorted, unique
    counts: npt.NDArray[np.int64]


def count_line_keys(texts: list[str], config: CleanConfig) -> KeyCounts:
    """Return the template-candidate line keys of some articles (as `templates.document_keys`).

    Site furniture repeats through the corpus, so each distinct raw line is canonicalized
    once per process (`boilerplate.fold_line`, the cache cleaning also uses).
    """
    found: list[int] = []
    limit = config.template_max_chars
    for text in texts:
        keys = set()
        for raw in text.split("\n"):
            canon, key = fold_line(raw)
            if canon and len(canon) <= limit:
                keys.add(key)
        found.extend(keys)
    keys_arr, counts = np.unique(np.array(found, dtype=np.uint64), return_counts=True)
    return KeyCounts(docs=len(texts), keys=keys_arr, counts=counts.astype(np.int64))


class KeyCounter:
    """Sums `KeyCounts` from many chunks in numpy arrays (a dict of 10M ints would take GBs).

    Chunk counts pile up until RUN_KEYS entries, then become one sorted run; runs are merged
    like a log-structured merge tree (a run merges into the one before it while that one is
    at most twice its size), so each key is re-sorted O(log n) times in all. A 1M-article
    corpus holds tens of millions of distinct short lines; re-sorting everything counted so
    far on each flush, as this class first did, made pass 1 quadratic there.
    """

    def __init__(self) -> None:
        self.docs = 0
        self._runs: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]] = []
        self._keys: list[npt.NDArray[np.uint64]] = []
        self._counts: list[npt.NDArray[np.int64]] = []
        self._pending = 0

    def add(self, part: KeyCounts) -> None:
        self.docs += part.docs
        self._keys.append(part.keys)
        self._counts.append(part.counts)
        self._pending += len(part.keys)
        if self._pending >= RUN_KEYS:
            self._flush()

    def _flush(self) -> None:
        if self._keys:
            run = _summed(np.concatenate(self._keys), np.concatenate(self._counts))
            self._keys, self._counts, self._pending = [], [], 0
            self._runs.append(run)
        while len(self._runs) >= 2 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (ka, ca), (kb, cb) = self._runs[-2], self._runs[-1]
            self._runs[-2:] = [_summed(np.concatenate((ka, kb)), np.concatenate((ca, cb)))]

    def templates(self, config: CleanConfig) -> frozenset[int]:
        """Return the keys frequent enough to be site furniture (as `TemplateCounter`)."""
        self._flush()
        if not self._runs:
            return frozenset()
        keys = np.concatenate([k for k, _ in self._runs])
        counts = np.concatenate([c for _, c in self._runs])
        keys, counts = _summed(keys, counts)
        floor = max(config.template_min_docs, config.template_df * self.docs)
        return frozenset(int(k) for k in keys[counts >= floor])


# Entries (key, count) gathered from chunks before they are sorted into a run.
RUN_KEYS = 1 << 20


def _summed(
    keys: npt.NDArray[np.uint64], counts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Return the distinct keys, sorted, with their counts summed."""
    if not len(keys):
        return keys, counts
    # Stable sort of concatenated sorted runs is a merge (timsort finds the runs).
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[starts], np.add.reduceat(counts, starts)


# ---- pass 2: clean, shingle, sign, band keys ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """What the index and verification keep of a chunk of articles (no text)."""

    ids: tuple[str, ...]
    lengths: npt.NDArray[np.int64]  # characters of clean text
    sizes: npt.NDArray[np.int64]  # shingles per article
    shingles: npt.NDArray[np.uint64]  # every article's sorted shingle hashes, concatenated
    keys: npt.NDArray[np.uint64]  # LSH band keys, shape (articles, bands)

    def shingle_sets(self) -> list[npt.NDArray[np.uint64]]:
        """Return one view per article into the concatenated shingle hashes."""
        bounds = np.concatenate(([0], np.cumsum(self.sizes))).tolist()
        return [self.shingles[a:b] for a, b in itertools.pairwise(bounds)]


def fingerprint_docs(docs: list[Doc], config: DedupConfig, templates: Collection[int]) -> Batch:
    """Clean, shingle and sign a chunk of articles; return their compact fingerprints.

    Gives what `pipeline.fingerprint(pipeline.clean(article))` gives for each article (tested),
    through `boilerplate.clean_text`, which folds each distinct line once and builds no `Line`.
    """
    from .html import EXTRACTED_RULES

    ids, lengths, sets = [], [], []
    for article_id, text, extracted in docs:
        kept, canon = clean_text(
            text, config.clean, templates, only=EXTRACTED_RULES if extracted else None
        )
        ids.append(article_id)
        lengths.append(len(kept))
        sets.append(shingles(canon, config.shingle))
    signatures = sign_many(sets, config.index)
    return Batch(
        ids=tuple(ids),
        lengths=np.array(lengths, dtype=np.int64),
        sizes=np.array([len(s) for s in sets], dtype=np.int64),
        shingles=np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64),
        keys=band_keys(signatures, config.index),
    )


def key_counts(docs: Iterable[Doc], config: CleanConfig, *, pool: Workers) -> Iterator[KeyCounts]:
    """Yield the line-key counts of every chunk, in order."""
    texts = ([doc[1] for doc in chunk] for chunk in chunked(docs))
    yield from pool.map(partial(count_line_keys, config=config), texts)


def fingerprints(
    docs: Iterable[Doc], config: DedupConfig, templates: Collection[int], *, pool: Workers
) -> Iterator[Batch]:
    """Yield the fingerprints of every chunk, in order."""
    task = partial(fingerprint_docs, config=config, templates=frozenset(templates))
    yield from pool.map(task, chunked(docs))
