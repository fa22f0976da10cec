"""Time story grouping on a corpus: articles per second per stage, candidates, peak memory.

    python bench/bench_stories.py                       # ../shared/data/raw/bbc-fulltext
    python bench/bench_stories.py PATH [--repeat 3]     # any folder or JSONL newsdedup reads

Candidate generation is MinHash/LSH over salient terms, so candidates should stay a small
share of all pairs as the corpus grows; the share is printed beside the timings.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from newsdedup import DedupConfig, load_corpus
from newsdedup.story import story_clusters, story_docs

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "raw" / "bbc-fulltext"


def main(argv: list[str] | None = None) -> int:
    """Print one line of figures per run; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"error: {args.path}: not found (give a corpus path)", file=sys.stderr)
        return 2
    articles = sorted(load_corpus([args.path]).articles, key=lambda a: a.id)
    n = len(articles)
    config = DedupConfig()
    print(f"{n} articles from {args.path.name}")
    for run in range(1, args.repeat + 1):
        t0 = time.perf_counter()
        docs = story_docs(articles, config)
        t1 = time.perf_counter()
        stories, graph = story_clusters(docs, config.story)
        t2 = time.perf_counter()
        pairs = n * (n - 1) // 2 or 1
        print(
            f"run {run}: represent {t1 - t0:.2f} s ({n / (t1 - t0):.0f} articles/s) · "
            f"candidates+score+cluster {t2 - t1:.2f} s · total {n / (t2 - t0):.0f} articles/s · "
            f"{graph.candidates} candidates ({graph.candidates / pairs:.2%} of pairs) · "
            f"{len(stories)} stories"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
