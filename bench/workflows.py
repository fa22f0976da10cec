"""Figures for the user workflows on a real corpus: check, dedup (scan vs. write), explain.

Usage: python bench/workflows.py [CORPUS]
(default: $NEWSDEDUP_DATA/raw/bbc-fulltext, else ../shared/data/raw/bbc-fulltext beside the repo)
Prints figures; asserts nothing. Timings on a shared machine are noisy: compare ratios.
"""

from __future__ import annotations

import hashlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from newsdedup import DedupConfig, GatePolicy, evaluate_gate, find_duplicates, load_corpus
from newsdedup.explain import explain
from newsdedup.pipeline import corpus_templates
from newsdedup.write import plan_dedup, write_deduplicated

BESIDE_REPO = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DATA = Path(os.environ.get("NEWSDEDUP_DATA") or BESIDE_REPO)
DEFAULT = DATA / "raw" / "bbc-fulltext"


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not corpus.exists():
        print(f"skip: {corpus} not found")
        return
    before = tree_digest(corpus)
    config = DedupConfig()
    t0 = time.perf_counter()
    loaded = load_corpus(corpus)
    result = find_duplicates(loaded.articles, config)
    t_scan = time.perf_counter() - t0
    outcome = evaluate_gate(result, GatePolicy(max_duplicate_rate=0.05))
    print(f"corpus: {corpus.name} · {result.articles} articles · {len(result.clusters)} clusters")
    print(f"check: {t_scan:.2f} s load+scan ({result.articles / t_scan:.0f} articles/s) · gate at")
    print(f"  rate 0.05: {'passed' if outcome.passed else 'failed'} ({outcome.reason})")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        plan = plan_dedup(loaded.articles, result)
        summary = write_deduplicated(corpus, plan, Path(tmp) / "out")
        t_write = time.perf_counter() - t0
        print(
            f"dedup write: {t_write:.2f} s for {summary.files} files "
            f"({summary.removed} removed) = {t_write / t_scan:.1%} of the scan time"
        )
    if result.clusters:
        cluster = result.clusters[0]
        by_id = {a.id: a for a in loaded.articles}
        a, b = (by_id[m.id] for m in cluster.members[:2])
        t0 = time.perf_counter()
        templates = corpus_templates(loaded.articles, config)
        t_templates = time.perf_counter() - t0
        t0 = time.perf_counter()
        e = explain(a, b, config, templates=templates)
        t_explain = time.perf_counter() - t0
        print(
            f"explain {a.id} vs {b.id}: {t_explain * 1000:.0f} ms for the pair "
            f"(+ {t_templates:.2f} s learning the corpus's templates) · Jaccard {e.jaccard} · "
            f"{len(e.matched_bands)}/{e.bands} bands · {len(e.passages)} passages"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB · input unchanged: {tree_digest(corpus) == before}")


if __name__ == "__main__":
    main()
