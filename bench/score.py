"""Score predicted duplicate clusters against planted truth with pairwise precision, recall and F1.

Usage: python bench/score.py REPORT.json TRUTH.json [--json]

REPORT.json is a newsdedup JSON report ({"clusters": [{"representative": .., "members": [{"id": ..},
..]}, ..]}) or, for convenience, a truth-style file ({"clusters": [[id, ..], ..]}).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _pairs(size: int) -> int:
    """Return the number of unordered pairs among ``size`` items."""
    return size * (size - 1) // 2


def _assignments(clusters: Sequence[Sequence[str]], label: str) -> dict[str, int]:
    """Map each id to its cluster index; raise ValueError if an id is in two clusters."""
    owner: dict[str, int] = {}
    for idx, members in enumerate(clusters):
        for item in set(members):
            if item in owner:
                raise ValueError(f"{label}: id {item!r} is in clusters {owner[item]} and {idx}")
            owner[item] = idx
    return owner


def pairwise_scores(pred: list[list[str]], truth: list[list[str]]) -> dict[str, float | int]:
    """Return pairwise precision, recall and F1 of predicted clusters against truth clusters.

    A pair is two ids in one cluster. Precision = |P & T| / |P|, recall = |P & T| / |T|. Edge
    cases: no predicted pairs gives precision 1.0, no truth pairs gives recall 1.0, and F1 is 0.0
    when precision + recall is 0. Pairs are counted from cluster-overlap sizes, never enumerated,
    so clusters of any size cost O(number of ids). Repeated ids inside one cluster count once.
    """
    pred_owner = _assignments(pred, "pred")
    truth_owner = _assignments(truth, "truth")
    pred_pairs = sum(_pairs(len(set(c))) for c in pred)
    truth_pairs = sum(_pairs(len(set(c))) for c in truth)
    cells = Counter((p, truth_owner[item]) for item, p in pred_owner.items() if item in truth_owner)
    common = sum(_pairs(size) for size in cells.values())
    precision = common / pred_pairs if pred_pairs else 1.0
    recall = common / truth_pairs if truth_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pred_pairs": pred_pairs,
        "truth_pairs": truth_pairs,
        "common_pairs": common,
    }


def clusters_from_report(report_json: dict[str, Any]) -> list[list[str]]:
    """Return sorted id lists (size >= 2) from a newsdedup JSON report or a truth-style file.

    The representative is included whether or not the report also lists it among the members.
    """
    if not isinstance(report_json, dict) or not isinstance(report_json.get("clusters"), list):
        raise ValueError('report must be a JSON object with a "clusters" list')
    out = []
    for idx, cluster in enumerate(report_json["clusters"]):
        if isinstance(cluster, list):
            ids = {str(item) for item in cluster}
        elif isinstance(cluster, dict) and isinstance(cluster.get("members"), list):
            ids = {str(m["id"]) if isinstance(m, dict) else str(m) for m in cluster["members"]}
            if cluster.get("representative") is not None:
                ids.add(str(cluster["representative"]))
        else:
            raise ValueError(f"cluster {idx}: expected a list of ids or an object with members")
        if len(ids) >= 2:
            out.append(sorted(ids))
    out.sort()
    return out


def _read_json(path: Path) -> Any:
    """Read a UTF-8 JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    """Print pairwise precision, recall and F1 of a report against a truth file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="newsdedup JSON report")
    parser.add_argument("truth", type=Path, help="truth.json written by bench/synth.py")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    try:
        pred = clusters_from_report(_read_json(args.report))
        truth = clusters_from_report(_read_json(args.truth))
        scores = pairwise_scores(pred, truth)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(scores, indent=1))
    else:
        print(
            f"precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  "
            f"f1 {scores['f1']:.4f}  (pred pairs {scores['pred_pairs']}, "
            f"truth pairs {scores['truth_pairs']}, common {scores['common_pairs']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
