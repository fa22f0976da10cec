"""`scan` on a Dask cluster: workers load, clean, shingle and sign; the client verifies.

The work is cut into partitions as a local run's workers cut it (`load.corpus_parts`): byte
ranges of whole lines of a JSONL file, or some files of a folder; about four a worker. Three
rounds run on the workers, each partition staying in worker memory between them:

1. load: each worker reads its files; only a manifest (ids and load issues) comes back, which
   the client replays in sorted file order, so duplicate ids, `--strict` and the issue list
   are exactly those of a local run;
2. templates: per-partition line counts come back and are merged into the corpus templates;
3. sign: each worker cleans with those templates, shingles, signs and computes band keys
   (and, for `--level story` or `both`, the articles' story docs from the same cleaning).

The client gathers shingles and band keys, groups band keys into candidate pairs, verifies
them on the exact shingle sets and clusters, with the same functions as the local run (and
groups stories from the gathered docs, as the local run does), so the JSON is byte for byte
the same. Workers need newsdedup installed (the same version; this is
checked) and the input at the same path (a shared file system).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .boilerplate import date_stamps
from .config import (
    HASHING_SCHEME,
    MINHASH_SCHEME,
    CleanConfig,
    DedupConfig,
    LoadConfig,
    check_config,
    check_level,
)
from .errors import ConfigError, InputError
from .index import lsh_keys
from .load import (
    SPAN_BYTES,
    Part,
    corpus_parts,
    duplicate_id,
    id_roots,
    is_gzipped,
    is_jsonl,
    list_files,
    overlap_issues,
    raise_issue,
    read_part,
)
from .pipeline import article_metadata, clean, fingerprint, result_from_fingerprints
from .records import Article, DedupResult, LoadIssue
from .story import StoryDoc, check_text_memory, stories_of_docs, story_doc
from .templates import TemplateCounter

Item = Article | LoadIssue


@dataclass(frozen=True, slots=True)
class Signed:
    """What a worker sends back for one partition: fingerprints and band keys."""

    ids: tuple[str, ...]
    lengths: tuple[int, ...]
    shingles: tuple[npt.NDArray[np.uint64], ...]
    keys: npt.NDArray[np.uint64]  # (n, bands)
    docs: tuple[StoryDoc, ...] = ()  # for the story levels: each article's story doc


# ---- tasks (run on the workers; module-level so they pickle by reference) -----------------


def worker_versions() -> tuple[str, str, str, str]:
    """Return what must match between client and workers for identical results."""
    import datasketch

    from . import __version__

    return __version__, datasketch.__version__, MINHASH_SCHEME, HASHING_SCHEME


def load_part(part: Part, load: LoadConfig) -> list[Item]:
    """Read one partition: articles and issues in read order."""
    return list(read_part(part, load))


# (id, source, line, characters, title/date/URL) of an article, or an issue
Entry = tuple[str, str, int | None, int, dict[str, str]] | LoadIssue


def manifest(items: Sequence[Item]) -> list[Entry]:
    """Return per item its (id, source, line, characters, metadata) or its issue: all the
    client needs to replay the load, size the story level and report titles and dates."""
    return [
        (i.id, i.source, i.line, len(i.text), article_metadata(i)) if isinstance(i, Article) else i
        for i in items
    ]


def _kept(items: Sequence[Item], drop: frozenset[int]) -> list[Article]:
    return [a for n, a in enumerate(items) if isinstance(a, Article) and n not in drop]


def count_lines(
    items: Sequence[Item], drop: frozenset[int], config: CleanConfig
) -> TemplateCounter:
    """Return the template line counts of one partition's kept articles."""
    counter = TemplateCounter(config)
    for article in _kept(items, drop):
        counter.add(article.text)
    return counter


def sign_part(
    items: Sequence[Item],
    drop: frozenset[int],
    templates: frozenset[int],
    config: DedupConfig,
    stories: bool = False,
) -> Signed:
    """Clean, shingle, sign and band one partition's kept articles, and represent each for
    stories when `stories`."""
    kept = _kept(items, drop)
    cleaned = [clean(a, config, templates=templates) for a in kept]
    prints = [fingerprint(c, config) for c in cleaned]
    docs: tuple[StoryDoc, ...] = ()
    if stories:
        docs = tuple(
            story_doc(a, c.text, stamps=date_stamps(c.lines))
            for a, c in zip(kept, cleaned, strict=True)
        )
    usable = [len(p.shingles) >= config.min_shingles for p in prints]
    keys = np.zeros((len(prints), config.index.key_count), dtype=np.uint64)
    rows = [i for i, ok in enumerate(usable) if ok]
    if rows:
        picked = [prints[i] for i in rows]
        _, keys[rows] = lsh_keys(
            [p.shingles for p in picked], [p.lede for p in picked], config.index
        )
    return Signed(
        ids=tuple(p.id for p in prints),
        lengths=tuple(p.length for p in prints),
        shingles=tuple(p.shingles for p in prints),
        keys=keys,
        docs=docs,
    )


# ---- the client side ------------------------------------------------------------------------


def partitions(paths: Sequence[Path], load: LoadConfig, *, workers: int) -> list[Part]:
    """Cut the input into partitions, in the order a local run reads it: ~4 a worker, of
    byte ranges of a plain JSONL file (whole lines) or of some files (a gzipped JSONL file is
    read whole, by one worker)."""
    parts: list[Part] = []
    share = max(1, 4 * workers)
    for given in paths:
        if not Path(given).exists():
            raise InputError(str(given), "no such file or directory")
    # Absolute, as workers may run elsewhere (not resolved: a linked folder's ids are its
    # name, as in a local run); file ids as a local run gives them (`id_roots`).
    for root, ids_from in id_roots((Path(os.path.abspath(given)) for given in paths), load.glob):
        files = list_files(root, load)
        plain = sum(f.stat().st_size for f in files if _plain_jsonl(f))
        parts.extend(
            corpus_parts(
                root,
                load,
                span_bytes=max(SPAN_BYTES, math.ceil(plain / share)),
                files_per_part=max(1, min(2000, math.ceil(len(files) / share))),
                whole_gzip=True,
                files=files,
                ids_from=ids_from,
            )
        )
    return parts


def _plain_jsonl(path: Path) -> bool:
    return is_jsonl(path) and not is_gzipped(path) and path.exists()  # not a broken link


def local_cluster(workers: int) -> Any:
    """Start a `LocalCluster` of `workers` single-threaded processes, no dashboard.

    `dashboard_address=None` alone does not free the port: the scheduler still serves HTTP on
    the fixed port 8787 and, when that is taken (another scan, another test run on the same
    machine), warns "Port 8787 is already in use" on stderr; under pytest's `-W error` the
    cluster then fails to start. So the HTTP server gets a free localhost port instead.
    """
    from distributed import LocalCluster

    return LocalCluster(  # type: ignore[no-untyped-call, unused-ignore]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=logging.ERROR,
    )


def connect(scheduler: str) -> tuple[Any, Any]:
    """Return (client, cluster or None) for `local`, `local:N` or a scheduler address."""
    try:
        from distributed import Client
    except ImportError as err:
        raise ConfigError("--dask needs Dask: pip install 'newsdedup[dask]'") from err
    if scheduler == "local" or scheduler.startswith("local:"):
        count = scheduler.partition(":")[2] or str(os.cpu_count() or 1)
        if not count.isdigit() or int(count) < 1:
            raise ConfigError(f"--dask {scheduler}: use local, local:N or a scheduler address")
        cluster = local_cluster(int(count))
        return Client(cluster), cluster  # type: ignore[no-untyped-call, unused-ignore]
    if scheduler.startswith("tls://"):  # Dask's Client wants a security object for TLS
        raise ConfigError(
            f"--dask {scheduler}: a TLS scheduler needs a Dask security configuration, which "
            "newsdedup does not pass; use a tcp:// address (inside a trusted network) or local"
        )
    try:
        return Client(scheduler, timeout="20s"), None  # type: ignore[no-untyped-call, unused-ignore]
    except (OSError, TimeoutError, ValueError) as err:
        raise ConfigError(f"--dask {scheduler}: cannot reach the scheduler ({err})") from err


def check_workers(client: Any) -> None:
    """Raise `ConfigError` when a worker runs other versions or hashing schemes."""
    mine = worker_versions()
    for worker, theirs in sorted(client.run(worker_versions).items()):
        if tuple(theirs) != mine:
            raise ConfigError(
                f"dask worker {worker} runs newsdedup/datasketch/schemes {tuple(theirs)}, "
                f"this client {mine}; install the same newsdedup on the workers"
            )


def scan_dask(
    paths: Sequence[Path],
    *,
    scheduler: str,
    load: LoadConfig | None = None,
    config: DedupConfig | None = None,
    strict: bool = False,
    level: str = "copy",
    threads: int = 1,
) -> tuple[tuple[LoadIssue, ...], DedupResult]:
    """Return (load issues in order, the scan result) computed on a Dask cluster: at
    `level` "story" or "both", with stories grouped on this machine (pair scores on
    `threads` threads) from the docs the workers make."""
    check_level(level)
    load = load or LoadConfig()
    config = check_config(config)
    client, cluster = connect(scheduler)
    try:
        check_workers(client)
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        parts = partitions(paths, load, workers=workers)
        issues, metadata, templates, signed = _run(client, parts, load, config, strict, level)
        issues = (*overlap_issues(paths, load.glob), *issues)  # first, as a local run has them
        result = replace(_result(signed, issues, templates, config), metadata=metadata)
        if level == "copy":
            return issues, result
        # Every kept article's doc (too short to sign or not), in the result's id order.
        doc_of = {i: d for s in signed for i, d in zip(s.ids, s.docs, strict=True)}
        ids = result.article_ids
        docs = [doc_of[i] for i in ids]
        return issues, stories_of_docs(result, ids, docs, config, level=level, threads=threads)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run(
    client: Any, parts: list[Part], load: LoadConfig, config: DedupConfig, strict: bool, level: str
) -> tuple[tuple[LoadIssue, ...], dict[str, dict[str, str]], frozenset[int], list[Signed]]:
    loaded = [client.submit(load_part, p, load, pure=False) for p in parts]
    manifests = client.gather([client.submit(manifest, f) for f in loaded])
    # Replay the manifests in read order: the first record of an id wins, as in load_corpus.
    seen: set[str] = set()
    issues: list[LoadIssue] = []
    drops: list[frozenset[int]] = []
    articles = characters = 0
    metadata: dict[str, dict[str, str]] = {}
    for entries in manifests:
        drop = set()
        for n, entry in enumerate(entries):
            if isinstance(entry, LoadIssue):
                if strict and entry.severity == "skipped":
                    raise_issue(entry)
                issues.append(entry)
                continue
            article_id, source, line, chars, meta = entry
            if article_id in seen:
                drop.add(n)
                duplicate = duplicate_id(article_id, source, line)
                if strict:
                    raise_issue(duplicate)
                issues.append(duplicate)
            else:
                seen.add(article_id)
                articles += 1
                characters += chars
                if meta:
                    metadata[article_id] = meta
        drops.append(frozenset(drop))
    stories = level != "copy"
    if stories:  # before any cleaning, as a local run refuses it
        check_text_memory(articles, characters)
    templates: frozenset[int] = frozenset()
    if config.clean.templates:
        counters = client.gather(
            [
                client.submit(count_lines, f, d, config.clean)
                for f, d in zip(loaded, drops, strict=True)
            ]
        )
        total = TemplateCounter(config.clean)
        for counter in counters:
            total.merge(counter)
        templates = total.templates()
    # A set given to scatter would be split into its elements: wrap it in a list.
    [shared] = client.scatter([templates], broadcast=True)
    signed = client.gather(
        [
            client.submit(sign_part, f, d, shared, config, stories)
            for f, d in zip(loaded, drops, strict=True)
        ]
    )
    del loaded
    return tuple(issues), dict(sorted(metadata.items())), templates, signed


def _result(
    signed: Sequence[Signed],
    issues: Sequence[LoadIssue],
    templates: frozenset[int],
    config: DedupConfig,
) -> DedupResult:
    """Verify and cluster gathered fingerprints with the local scan's own code."""
    rows = sorted(
        (
            (s.ids[i], s.lengths[i], s.shingles[i], s.keys[i])
            for s in signed
            for i in range(len(s.ids))
        ),
        key=lambda r: r[0],
    )
    width = config.index.key_count
    keys = np.stack([r[3] for r in rows]) if rows else np.zeros((0, width), dtype=np.uint64)
    return result_from_fingerprints(
        [r[0] for r in rows],
        np.array([r[1] for r in rows], dtype=np.int64),
        [r[2] for r in rows],
        keys,
        config,
        templates=len(templates),
        skipped=[i for i in issues if i.severity == "skipped"],
        warnings=[i for i in issues if i.severity == "warning"],
        progress=None,
    )
