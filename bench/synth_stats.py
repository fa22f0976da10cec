"""Print shingle-overlap distributions of a synth corpus: planted pairs vs non-pairs.

Usage: python bench/synth_stats.py DIR [--pairs 5000] [--seed 0]

Views: "raw" is the full page; "site" drops every line that occurs in >= 3 pages of the same site
(a crude site-level boilerplate remover a good detector should beat); "gold" is the body from
bodies.jsonl (build with --bodies), and "gold-fold" folds dotted abbreviations ("U.S." -> "US") as
a detector's canonicalization would.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import jaccard_containment, shingle_hashes

QUANTILES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
SITE_REPEAT_LINES = 3
_DOTTED_RE = re.compile(r"\b((?:[A-Z]\.){2,})")


def _fold(text: str) -> str:
    """Fold dotted abbreviations such as "U.S." into "US"."""
    return _DOTTED_RE.sub(lambda m: m.group(1).replace(".", ""), text)


def _strip_site_lines(records: Sequence[dict[str, str]]) -> list[str]:
    """Return each text without lines repeated in >= SITE_REPEAT_LINES pages of its site."""
    per_site: dict[str, Counter[str]] = defaultdict(Counter)
    for rec in records:
        per_site[rec["site"]].update({ln.strip() for ln in rec["text"].splitlines() if ln.strip()})
    out = []
    for rec in records:
        seen = per_site[rec["site"]]
        keep = [ln for ln in rec["text"].splitlines() if seen[ln.strip()] < SITE_REPEAT_LINES]
        out.append("\n".join(keep))
    return out


def _summary(values: Sequence[float]) -> str:
    """Format quantiles of a list of scores."""
    if not values:
        return "(none)"
    arr = np.asarray(values)
    qs = " ".join(f"{q:.2f}" for q in np.quantile(arr, QUANTILES))
    return f"n={arr.size:<6d} min/p5/p25/p50/p75/p95/max = {qs}"


def corpus_stats(
    out_dir: Path, *, pairs: int = 5000, seed: int = 0
) -> dict[str, dict[str, list[float]]]:
    """Return Jaccard and containment lists per pair group and text view."""
    records = [
        json.loads(ln) for ln in (out_dir / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    clusters = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))["clusters"]
    index = {rec["id"]: i for i, rec in enumerate(records)}
    cluster_of = {mid: c for c, members in enumerate(clusters) for mid in members}
    planted = [(index[a], index[b]) for m in clusters for x, a in enumerate(m) for b in m[x + 1 :]]
    rng = random.Random(seed)
    randoms: list[tuple[int, int]] = []
    while len(randoms) < pairs:
        i, j = rng.sample(range(len(records)), 2)
        ci, cj = cluster_of.get(records[i]["id"], -1 - i), cluster_of.get(records[j]["id"], -2 - j)
        if ci != cj:
            randoms.append((i, j))
    by_site: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        by_site[rec["site"]].append(i)
    sites = sorted(s for s, members in by_site.items() if len(members) >= 2)
    same_site: list[tuple[int, int]] = []
    while len(same_site) < pairs:
        i, j = rng.sample(by_site[rng.choice(sites)], 2)
        if cluster_of.get(records[i]["id"], -1 - i) != cluster_of.get(records[j]["id"], -2 - j):
            same_site.append((i, j))
    views = {"raw": [r["text"] for r in records], "site": _strip_site_lines(records)}
    bodies_path = out_dir / "bodies.jsonl"
    if bodies_path.exists():
        gold = {}
        for ln in bodies_path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(ln)
            gold[rec["id"]] = rec["body"]
        views["gold"] = [gold[r["id"]] for r in records]
        views["gold-fold"] = [_fold(t) for t in views["gold"]]
    result: dict[str, dict[str, list[float]]] = {}
    for view, texts in views.items():
        vocab: dict[str, int] = {}
        sigs = [shingle_hashes(t, vocab=vocab) for t in texts]
        for name, group in (("planted", planted), ("random", randoms), ("same-site", same_site)):
            scores = [jaccard_containment(sigs[i], sigs[j]) for i, j in group]
            result[f"{view}/{name}"] = {
                "jaccard": [s[0] for s in scores],
                "containment": [s[1] for s in scores],
            }
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Print the overlap distributions of a built corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory written by bench/synth.py (jsonl)")
    parser.add_argument("--pairs", type=int, default=5000, help="non-pairs to sample per group")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    stats = corpus_stats(args.out, pairs=args.pairs, seed=args.seed)
    for key, scores in stats.items():
        for metric, values in scores.items():
            print(f"{key:<16} {metric:<11} {_summary(values)}")
        cont = np.asarray(scores["containment"])
        jac = np.asarray(scores["jaccard"])
        print(
            f"{key:<16} share      J>=0.5 {np.mean(jac >= 0.5):.3f}  "
            f"J>=0.8 {np.mean(jac >= 0.8):.3f}  C>=0.8 {np.mean(cont >= 0.8):.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
