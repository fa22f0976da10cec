"""Teasers against their full stories: how many does `newsdedup scan` put together?

A scraper often holds a story twice: the full article, and its teaser (an index page's or a
feed's headline and first paragraph or few). The teaser is wholly contained in the story, so by
`--containment` it is a copy, but its Jaccard against the story is small (0.02-0.3), so the LSH
bands over whole texts seldom propose the pair. This script takes real stories (bbc-fulltext
and reuters21578, through `synth.py`'s readers), writes each story and, for each, a teaser of
its headline and first 1-4 paragraphs into one JSONL file, runs the CLI on it and prints:

- recall: the teasers put in their story's cluster, by the teaser's share of the story's words;
- wrong: clusters holding articles of two different stories (each story is distinct real text,
  so any is a false duplicate);
- seconds of the scan.

`--extra` passes options to `newsdedup scan` (for instance `--lede-words 0` for the old
behaviour). Sources are picked with a fixed seed; the file is rebuilt each run.

Usage: python bench/eval_teasers.py [--data DIR] [--n 1000] [--seed 0] [--extra "..."]
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
DEFAULT_DATA = BENCH.parents[0].parent / "shared" / "data"
SHARE_BINS = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


def build(data_dir: Path, n: int, seed: int, out: Path) -> dict[str, float]:
    """Write `n` stories and a teaser of each to `out` (JSONL); return teaser id -> share of
    its story's words."""
    import synth  # beside this script (sys.path[0] when it runs)

    raw = data_dir / "raw"
    sources = synth.load_bbc(raw / "bbc-fulltext") + synth.load_reuters(raw / "reuters21578")
    # Stories long enough to have a teaser shorter than themselves, each text once.
    seen: set[str] = set()
    usable = []
    for s in sources:
        body = "\n\n".join(s.paragraphs)
        if len(s.paragraphs) >= 5 and s.headline and body not in seen:
            seen.add(body)
            usable.append(s)
    rng = random.Random(seed)
    picked = rng.sample(usable, min(n, len(usable)))
    shares = {}
    with out.open("w", encoding="utf-8") as f:
        for i, s in enumerate(picked):
            story = s.headline + "\n\n" + "\n\n".join(s.paragraphs)
            cut = rng.randint(1, 4)
            teaser = s.headline + "\n\n" + "\n\n".join(s.paragraphs[:cut])
            f.write(json.dumps({"id": f"s{i:05d}", "text": story}) + "\n")
            f.write(json.dumps({"id": f"t{i:05d}", "text": teaser}) + "\n")
            shares[f"t{i:05d}"] = len(teaser.split()) / len(story.split())
    return shares


def score(report: dict[str, Any], shares: dict[str, float]) -> dict[str, Any]:
    """Return recall per share bin, overall recall and the wrong clusters of a scan report."""
    found = set()
    wrong = 0
    for cluster in report["clusters"]:
        ids = [m["id"] for m in cluster["members"]]
        if len({i[1:] for i in ids}) > 1:
            wrong += 1
        found |= {i for i in ids if i.startswith("t") and "s" + i[1:] in ids}
    bins = []
    low = 0.0
    for high in SHARE_BINS:
        inside = [t for t, v in shares.items() if low <= v < high or (high == 1.0 and v >= low)]
        bins.append((low, high, sum(1 for t in inside if t in found), len(inside)))
        low = high
    return {
        "teasers": len(shares),
        "found": len(found),
        "recall": len(found) / len(shares) if shares else 0.0,
        "wrong_clusters": wrong,
        "bins": bins,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=1000, help="stories (each with one teaser)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--extra", default="", help="more `newsdedup scan` options")
    args = parser.parse_args(argv)
    if not (args.data / "raw").is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "teasers.jsonl"
        shares = build(args.data, args.n, args.seed, corpus)
        report_path = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--format", "json"]
        cmd += ["-o", str(report_path), "-q", *shlex.split(args.extra)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        seconds = time.perf_counter() - start
        result = score(json.loads(report_path.read_text(encoding="utf-8")), shares)
    print(f"{result['teasers']} stories and their teasers (headline + 1-4 paragraphs)")
    print(f"teasers found with their story: {result['found']} ({result['recall']:.3f})")
    print(f"clusters mixing two stories: {result['wrong_clusters']}; scan {seconds:.1f}s")
    print("teaser's share of the story's words   found")
    for low, high, hit, total in result["bins"]:
        print(f"  {low:4.2f}-{high:4.2f}                          {hit:4d} / {total:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
