"""A process pool over the per-article stages: template counting, cleaning, shingling, signing.

Articles go out in chunks, in input order, and results come back in the same order, so a run
with N workers merges into exactly what one worker gives. At most a few chunks are in flight at
once: the input is read lazily and memory holds only what the results need (line-key counts in
the first pass; shingle hashes and LSH band keys in the second), never the corpus text.

`workers=1` runs every chunk in this process, with the same functions, so the bytes match.

`scan_corpus` sends no text at all: its tasks are parts of the input (`load.corpus_parts`: byte
ranges of JSONL lines, or file paths) that each worker reads and parses itself (`count_part`,
`fingerprint_part`), sending back ids and issues (`Loaded`) with the counts or fingerprints.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from .boilerplate import CACHE_LINES, clean_text_stamped
from .canonical import canonicalize
from .config import CleanConfig, DedupConfig, LoadConfig
from .index import lsh_keys
from .load import Missing, Part, duplicate_id, read_part
from .records import LoadIssue
from .shingle import shingles_and_ledes
from .templates import is_sentence, line_key, sentence_pairs

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
            _start_forkserver()
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
            yield from map(partial(without_gc, fn), itertools.chain(head, tasks))
            return
        pool = self._executor()
        pending: deque[Future[R]] = deque()
        try:
            for task in itertools.chain(head, tasks):
                with _signals_held():
                    pending.append(pool.submit(without_gc, fn, task))
                if len(pending) > 2 * self.size:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def without_gc(fn: Callable[[T], R], task: T) -> R:
    """Return `fn(task)`, run with the cyclic garbage collector paused.

    A task allocates hundreds of thousands of objects that die young or join the line caches,
    and frees them by reference counting: the stages build no reference cycles. Meanwhile the
    collector ran a young collection every 700 allocations and, as the caches grew, full ones
    over every cached line: 9% of a 30k scan's CPU (one worker, gc.disable() for the whole run:
    17.4 -> 15.8 s, same peak RSS). Objects made during the task are still collected after it.
    """
    with gc_paused():
        return fn(task)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector in the block (as it was before, after it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _start_forkserver() -> None:
    """Start the fork server deaf to Ctrl-C, with no Ctrl-C lost here.

    Ctrl-C at a terminal signals the whole process group. The server spends its first second
    importing the preload modules, and a SIGINT then printed its traceback under ours (and it
    died, so this process saw EOFError). An ignored SIGINT stays ignored across exec (a blocked
    one does not: the mask is reset), so the server starts with SIGINT ignored, and so do the
    workers it forks: this process alone acts on Ctrl-C, and shutting the pool down stops
    them. Here SIGINT is blocked meanwhile: Linux keeps a blocked signal pending even while it
    is ignored, and delivers it to the restored handler when the mask is lifted. The resource
    tracker is started first: starting it unblocks SIGINT on its way out, and a Ctrl-C in the
    rest of the window would then be lost (seen: a scan ran on to exit 0).
    """
    handler = signal.getsignal(signal.SIGINT)
    multiprocessing.resource_tracker.ensure_running()
    if threading.current_thread() is not threading.main_thread() or handler is None:
        multiprocessing.forkserver.ensure_running()
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, handler)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def _signals_held() -> Iterator[None]:
    """Put off Ctrl-C and SIGTERM until the block ends, then act on the first that came.

    `ProcessPoolExecutor.submit` starts the workers. A signal handled while it waits for a new
    worker's pid leaves a worker the pool never registered: shutdown cannot stop it, and it
    waits for tasks forever with the forkserver beside it (seen under load: a SIGTERM'd scan
    exited 143 and left both behind). Handlers run in the main thread only, so only there.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, Any] = {}
    for signum in _HELD_SIGNALS:
        handler = signal.getsignal(signum)
        if handler is not None:  # None: a handler installed outside Python; leave it be
            previous[signum] = signal.signal(signum, lambda n, _frame: caught.append(n))
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
        if caught:
            signal.raise_signal(caught[0])  # the restored handler runs now


_HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def ordered_map(fn: Callable[[T], R], tasks: Iterable[T], workers: int) -> Iterator[R]:
    """Yield `fn(task)` for every task, in task order, on up to `workers` processes."""
    with Workers(workers) as pool:
        yield from pool.map(fn, tasks)


# ---- pass 1: site-template line keys -----------------------------------------------------


_NO_KEYS = np.zeros(0, dtype=np.uint64)
_NO_COUNTS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class KeyCounts:
    """Per distinct line key, in how many of `docs` articles it occurs; which keys read like
    sentences; and how many articles have short sentence `pair_a` next to short line `pair_b`
    (what `templates.TemplateCounter` counts, as arrays)."""

    docs: int
    keys: npt.NDArray[np.uint64]  # sorted, unique
    counts: npt.NDArray[np.int64]
    sentences: npt.NDArray[np.uint64] = field(default_factory=lambda: _NO_KEYS)  # sorted, unique
    pair_a: npt.NDArray[np.uint64] = field(default_factory=lambda: _NO_KEYS)  # sorted by (a, b)
    pair_b: npt.NDArray[np.uint64] = field(default_factory=lambda: _NO_KEYS)
    pair_counts: npt.NDArray[np.int64] = field(default_factory=lambda: _NO_COUNTS)


def count_line_keys(texts: list[str], config: CleanConfig) -> KeyCounts:
    """Return what `templates.document_profile` finds in some articles, summed.

    Site furniture repeats through the corpus, so each distinct raw line is canonicalized
    and tested once per process (`_template_line`).
    """
    found: list[int] = []
    sentence_keys: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for text in texts:
        keys, doc_pairs = _document_keys(text, config, sentence_keys)
        found.extend(keys)
        pairs.extend(doc_pairs)
    return _key_counts(len(texts), found, pairs, sentence_keys)


def _document_keys(
    text: str, config: CleanConfig, sentence_keys: set[int]
) -> tuple[set[int], set[tuple[int, int]]]:
    """Return an article's template-candidate line keys and its (sentence, neighbour) key
    pairs; add the keys that read like sentences to `sentence_keys`."""
    limit = config.template_max_chars
    # map() over the cached _template_line keeps the per-line loop in C: an article has ~50
    # lines, most seen before. One str argument: the cache key is the line itself.
    lines = [line for line in map(_template_line, text.split("\n")) if line is not None]
    keys = [key if chars <= limit else None for chars, key, _ in lines]
    sentences = {key for chars, key, sentence in lines if sentence and chars <= limit}
    sentence_keys |= sentences
    return {k for k in keys if k is not None}, sentence_pairs(keys, sentences)


@lru_cache(maxsize=CACHE_LINES)
def _template_line(raw: str) -> tuple[int, int, bool] | None:
    """Return what template counting needs of a raw line, cached per process like cleaning's
    line verdicts (furniture repeats): None for a blank line, else the length of its
    canonical form, its key, and whether it reads like a sentence. A pure function of the
    line, so the cache changes speed, never counts."""
    canon = canonicalize(raw)
    if not canon:
        return None
    return len(canon), line_key(canon), is_sentence(canon)


def _key_counts(
    docs: int,
    found: Iterable[int] | npt.NDArray[np.uint64],
    pairs: Iterable[tuple[int, int]] | npt.NDArray[np.uint64],
    sentence_keys: set[int],
    sign: int = 1,
) -> KeyCounts:
    """Sum the keys and pairs of `docs` articles (`sign=-1`: counts to take back out)."""
    keys_arr, counts = np.unique(np.array(found, dtype=np.uint64), return_counts=True)
    pair_arr = np.array(pairs, dtype=np.uint64).reshape(-1, 2)
    pair_a, pair_b, pair_counts = _summed_pairs(
        pair_arr[:, 0], pair_arr[:, 1], np.full(len(pair_arr), sign, dtype=np.int64)
    )
    return KeyCounts(
        docs=sign * docs,
        keys=keys_arr,
        counts=sign * counts.astype(np.int64),
        sentences=np.unique(np.array(sorted(sentence_keys), dtype=np.uint64)),
        pair_a=pair_a,
        pair_b=pair_b,
        pair_counts=pair_counts,
    )


class KeyCounter:
    """Sums `KeyCounts` from many chunks in numpy arrays (a dict of 10M ints would take GBs).

    Chunk counts pile up until RUN_KEYS entries, then become one sorted run; runs are merged
    like a log-structured merge tree (a run merges into the one before it while that one is
    at most twice its size), so each key is re-sorted O(log n) times in all. A 1M-article
    corpus holds tens of millions of distinct short lines; re-sorting everything counted so
    far on each flush, as this class first did, made pass 1 quadratic there. Sentence keys and
    sentence-neighbour pairs are gathered the same way.
    """

    def __init__(self) -> None:
        self.docs = 0
        self._runs: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]] = []
        self._keys: list[npt.NDArray[np.uint64]] = []
        self._counts: list[npt.NDArray[np.int64]] = []
        self._pending = 0
        self._sentences: list[npt.NDArray[np.uint64]] = []
        self._sentence_runs: list[npt.NDArray[np.uint64]] = []
        self._pairs: list[_PairCounts] = []
        self._pair_runs: list[_PairCounts] = []

    def add(self, part: KeyCounts) -> None:
        self.docs += part.docs
        self._keys.append(part.keys)
        self._counts.append(part.counts)
        self._sentences.append(part.sentences)
        self._pairs.append((part.pair_a, part.pair_b, part.pair_counts))
        self._pending += len(part.keys) + len(part.pair_a)
        if self._pending >= RUN_KEYS:
            self._flush()

    def _flush(self) -> None:
        if self._keys:
            run = _summed(np.concatenate(self._keys), np.concatenate(self._counts))
            self._keys, self._counts, self._pending = [], [], 0
            self._runs.append(run)
            self._sentence_runs.append(np.unique(np.concatenate(self._sentences)))
            self._sentences = []
            self._pair_runs.append(_merged_pairs(self._pairs))
            self._pairs = []
        _compact(self._runs, lambda run: len(run[0]), _summed_runs)
        _compact(self._sentence_runs, len, np.union1d)
        _compact(self._pair_runs, lambda run: len(run[0]), lambda a, b: _merged_pairs([a, b]))

    def templates(self, config: CleanConfig) -> frozenset[int]:
        """Return the keys frequent enough to be site furniture, as `TemplateCounter` does: a
        frequent line that reads like a sentence only when it sits next to furniture in at
        least half of its articles (a quote five copies share is not furniture)."""
        self._flush()
        if not self._runs:
            return frozenset()
        keys = np.concatenate([k for k, _ in self._runs])
        counts = np.concatenate([c for _, c in self._runs])
        keys, counts = _summed(keys, counts)
        floor = max(config.template_min_docs, config.template_df * self.docs)
        frequent, df = keys[counts >= floor], counts[counts >= floor]
        sentences = np.concatenate(self._sentence_runs) if self._sentence_runs else _NO_KEYS
        found = set(frequent[~np.isin(frequent, sentences)].tolist())
        if not self._pair_runs:
            return frozenset(found)
        a, b, n = _merged_pairs(self._pair_runs)
        near = np.isin(a, frequent) & np.isin(b, frequent)
        df_of = dict(zip(frequent.tolist(), df.tolist(), strict=True))
        pending = list(zip(a[near].tolist(), b[near].tolist(), n[near].tolist(), strict=True))
        # Grow from the menu lines until nothing changes (TemplateCounter's fixed point).
        changed = True
        while changed:
            changed = False
            for k, other, count in pending:
                if k not in found and other in found and 2 * count >= df_of[k]:
                    found.add(k)
                    changed = True
        return frozenset(found)


_PairCounts = tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]]


def _compact(runs: list[Any], size: Callable[[Any], int], merge: Callable[[Any, Any], Any]) -> None:
    """Merge the last run into the one before while that one is at most twice its size (the
    log-structured merge KeyCounter does for counts, sentence keys and pairs alike)."""
    while len(runs) >= 2 and size(runs[-2]) <= 2 * size(runs[-1]):
        runs[-2:] = [merge(runs[-2], runs[-1])]


def _summed_runs(
    a: tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]],
    b: tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Return two (keys, counts) runs summed into one."""
    return _summed(np.concatenate((a[0], b[0])), np.concatenate((a[1], b[1])))


def _merged_pairs(parts: list[_PairCounts]) -> _PairCounts:
    """Return the pair counts of several parts, summed."""
    return _summed_pairs(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _summed_pairs(
    a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64], counts: npt.NDArray[np.int64]
) -> _PairCounts:
    """Return the distinct pairs (a, b), sorted, with their counts summed."""
    if not len(a):
        return a, b, counts
    order = np.lexsort((b, a))
    a, b, counts = a[order], b[order], counts[order]
    new = np.concatenate(([True], (a[1:] != a[:-1]) | (b[1:] != b[:-1])))
    starts = np.flatnonzero(new)
    return a[starts], b[starts], np.add.reduceat(counts, starts)


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

    def without(self, rows: Collection[int]) -> Batch:
        """Return the batch without the given rows (articles)."""
        if not rows:
            return self
        keep = np.ones(len(self.ids), dtype=bool)
        keep[list(rows)] = False
        return Batch(
            ids=tuple(i for i, k in zip(self.ids, keep.tolist(), strict=True) if k),
            lengths=self.lengths[keep],
            sizes=self.sizes[keep],
            shingles=self.shingles[np.repeat(keep, self.sizes)],
            keys=self.keys[keep],
        )

    def shingle_sets(self) -> list[npt.NDArray[np.uint64]]:
        """Return one view per article into the concatenated shingle hashes."""
        bounds = np.concatenate(([0], np.cumsum(self.sizes))).tolist()
        return [self.shingles[a:b] for a, b in itertools.pairwise(bounds)]


def fingerprint_docs(docs: Iterable[Doc], config: DedupConfig, templates: Collection[int]) -> Batch:
    """Clean, shingle and sign a chunk of articles; return their compact fingerprints.

    Gives what `pipeline.fingerprint(pipeline.clean(article))` gives for each article (tested),
    through `boilerplate.clean_text`, which folds each distinct line once and builds no `Line`.
    """
    return fingerprint_cleaned(clean_docs(docs, config, templates), config)


def clean_docs(
    docs: Iterable[Doc], config: DedupConfig, templates: Collection[int]
) -> list[tuple[str, str, str]]:
    """Return (id, kept text, canonical text) of each article: the scan's cleaning."""
    return clean_docs_stamped(docs, config, templates, stamps=False)[0]


def clean_docs_stamped(
    docs: Iterable[Doc], config: DedupConfig, templates: Collection[int], *, stamps: bool = True
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Return `clean_docs`, and each article's date stamps (`clean_text_stamped`; "" each
    unless `stamps`)."""
    from .html import EXTRACTED_RULES

    out, dated = [], []
    for article_id, text, extracted in docs:
        only = EXTRACTED_RULES if extracted else None
        kept, canon, stamp = clean_text_stamped(
            text, config.clean, templates, only=only, stamps=stamps
        )
        out.append((article_id, kept, canon))
        dated.append(stamp)
    return out, dated


def fingerprint_cleaned(cleaned: Sequence[tuple[str, str, str]], config: DedupConfig) -> Batch:
    """Shingle and sign cleaned articles, (id, kept text, canonical text) each."""
    canons = [canon for _, _, canon in cleaned]
    sets, lede_sets = shingles_and_ledes(canons, config.index.lede_words, config.shingle)
    _, keys = lsh_keys(sets, lede_sets, config.index)
    return Batch(
        ids=tuple(article_id for article_id, _, _ in cleaned),
        lengths=np.array([len(kept) for _, kept, _ in cleaned], dtype=np.int64),
        sizes=np.array([len(s) for s in sets], dtype=np.int64),
        shingles=np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64),
        keys=keys,
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


# ---- both passes over corpus parts that the workers read themselves ----------------------


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the main process needs of a part's records: no text, only ids and issues.

    `issues` holds (number of articles before it, issue), so the merge can put every issue
    back between the articles where `iter_corpus` yields it.
    """

    ids: tuple[str, ...]
    sources: tuple[str, ...]
    lines: tuple[int | None, ...]
    issues: tuple[tuple[int, LoadIssue], ...]
    metadata: tuple[tuple[int, dict[str, str]], ...]
    missing: str | None = None

    def events(self) -> Iterator[LoadIssue | int]:
        """Yield the part's issues and article numbers (0, 1, ...) in input order."""
        done = 0
        for before, issue in self.issues:
            yield from range(done, before)
            done = before
            yield issue
        yield from range(done, len(self.ids))

    def duplicate(self, k: int) -> LoadIssue:
        """Return the issue of article `k` when its id was seen before."""
        return duplicate_id(self.ids[k], self.sources[k], self.lines[k])


class _Reading:
    """Reads a part in a worker, keeping what `Loaded` reports and handing on the articles."""

    def __init__(self, part: Part, config: LoadConfig) -> None:
        self.part = part
        self.config = config
        self.ids: list[str] = []
        self.sources: list[str] = []
        self.lines: list[int | None] = []
        self.issues: list[tuple[int, LoadIssue]] = []
        self.metadata: list[tuple[int, dict[str, str]]] = []

    def docs(self) -> Iterator[Doc]:
        from .pipeline import article_metadata  # pipeline builds on this module

        for item in read_part(self.part, self.config):
            if isinstance(item, LoadIssue):
                self.issues.append((len(self.ids), item))
                continue
            if meta := article_metadata(item):
                self.metadata.append((len(self.ids), meta))
            self.ids.append(item.id)
            self.sources.append(item.source)
            self.lines.append(item.line)
            yield item.id, item.text, item.extractor is not None

    def loaded(self) -> Loaded:
        return Loaded(
            ids=tuple(self.ids),
            sources=tuple(self.sources),
            lines=tuple(self.lines),
            issues=tuple(self.issues),
            metadata=tuple(self.metadata),
            missing=self.part.path if isinstance(self.part, Missing) else None,
        )


@dataclass(frozen=True, slots=True)
class PartKeys:
    """Pass 1 of a part: its records, its template counts, and each article's own keys and
    pairs (to take an article back out of the counts when its id turns out to be taken)."""

    loaded: Loaded
    counts: KeyCounts
    found: npt.NDArray[np.uint64]  # every article's keys, concatenated
    sizes: npt.NDArray[np.int64]  # keys per article
    pairs: npt.NDArray[np.uint64]  # every article's (sentence, neighbour) pairs, shape (n, 2)
    pair_sizes: npt.NDArray[np.int64]  # pairs per article

    def keys_of(self, k: int) -> KeyCounts:
        """Return article k's keys and pairs as counts to subtract (one document less).

        Sentence keys are not taken back: whether a key reads like a sentence depends on the
        line alone, and a key frequent enough to matter also occurs in articles that stay.
        """
        start = int(self.sizes[:k].sum())
        pair_start = int(self.pair_sizes[:k].sum())
        return _key_counts(
            1,
            self.found[start : start + int(self.sizes[k])],
            self.pairs[pair_start : pair_start + int(self.pair_sizes[k])],
            set(),
            sign=-1,
        )


def count_part(part: Part, load: LoadConfig, config: CleanConfig) -> PartKeys:
    """Read a part and count its template lines as `count_line_keys` (pass 1, in a worker)."""
    reading = _Reading(part, load)
    found: list[int] = []
    sentence_keys: set[int] = set()
    pairs: list[tuple[int, int]] = []
    sizes: list[int] = []
    pair_sizes: list[int] = []
    for _, text, _ in reading.docs():
        keys, doc_pairs = _document_keys(text, config, sentence_keys)
        found.extend(keys)
        pairs.extend(doc_pairs)
        sizes.append(len(keys))
        pair_sizes.append(len(doc_pairs))
    return PartKeys(
        loaded=reading.loaded(),
        counts=_key_counts(len(sizes), found, pairs, sentence_keys),
        found=np.array(found, dtype=np.uint64),
        sizes=np.array(sizes, dtype=np.int64),
        pairs=np.array(pairs, dtype=np.uint64).reshape(-1, 2),
        pair_sizes=np.array(pair_sizes, dtype=np.int64),
    )


def fingerprint_part(
    part: Part, load: LoadConfig, config: DedupConfig, templates: Collection[int]
) -> tuple[Loaded, Batch]:
    """Read a part and clean, shingle and sign its articles (pass 2, in a worker)."""
    reading = _Reading(part, load)
    batch = fingerprint_docs(reading.docs(), config, templates)
    return reading.loaded(), batch


def part_keys(
    parts: Iterable[Part], load: LoadConfig, config: CleanConfig, *, pool: Workers
) -> Iterator[PartKeys]:
    """Yield pass 1 of every part, in order."""
    yield from pool.map(partial(count_part, load=load, config=config), parts)


def part_fingerprints(
    parts: Iterable[Part],
    load: LoadConfig,
    config: DedupConfig,
    templates: Collection[int],
    *,
    pool: Workers,
) -> Iterator[tuple[Loaded, Batch]]:
    """Yield pass 2 of every part, in order."""
    task = partial(fingerprint_part, load=load, config=config, templates=frozenset(templates))
    yield from pool.map(task, parts)
