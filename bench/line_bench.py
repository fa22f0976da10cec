"""Time the cleaner's per-distinct-line analysis and its parts, in microseconds per line.

    python bench/line_bench.py CORPUS.jsonl [--docs 3000] [--lines 20000] [--repeat 5]

The lines are those seen once in the first `--docs` articles of a JSONL corpus (`text`
field): the cache misses of a scan. Each figure is CPU time (process_time, since the machine
may be shared), best of `--repeat` runs, for all lines and for ASCII / non-ASCII ones.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsdedup import boilerplate as bp
from newsdedup.body import shape
from newsdedup.canonical import canonicalize
from newsdedup.templates import line_key


def _best(fn: Callable[[Any], object], items: Sequence[Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            fn(item)
        best = min(best, time.process_time() - start)
    return best / max(1, len(items)) * 1e6


def main(argv: list[str] | None = None) -> int:
    """Print one line per measured function; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    counts: Counter[str] = Counter()
    with args.corpus.open(encoding="utf-8") as handle:
        for n, row in enumerate(handle):
            if n >= args.docs:
                break
            counts.update(json.loads(row)["text"].split("\n"))
    lines = [ln for ln, k in counts.items() if k == 1][: args.lines]
    ascii_lines = [ln for ln in lines if ln.isascii()]
    other = [ln for ln in lines if not ln.isascii()]
    feats = [bp._features(ln) for ln in lines]
    canons = [f.canon for f in feats]
    analyze = bp._analyze.__wrapped__
    print(f"{len(lines)} distinct lines ({len(other)} non-ASCII), best of {args.repeat}")
    rows: list[tuple[str, Callable[[Any], object], Sequence[Any]]] = [
        ("analyze", analyze, lines),
        ("analyze ascii", analyze, ascii_lines),
        ("analyze non-ascii", analyze, other),
        ("canonicalize", canonicalize, lines),
        ("canonicalize non-ascii", canonicalize, other),
        ("features", bp._features, lines),
        ("shape", shape, lines),
        ("shape non-ascii", shape, other),
        ("line rules", lambda f: next((n for n, r in bp.LINE_RULES if r(f)), None), feats),
        ("line_key", line_key, canons),
        ("teaser", lambda f: bp._is_headline(f) and bp._links_out(f), feats),
    ]
    rows += [(f"rule {name}", rule, feats) for name, rule in bp.LINE_RULES]
    for name, fn, items in rows:
        print(f"{name:24s} {_best(fn, items, args.repeat):7.2f} us/line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
