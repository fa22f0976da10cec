"""Score the cleaner both ways the cleaning issue asks: AEB boilerplate and planted copies.

1. The AEB table: `eval_boilerplate.py`'s rows (the six extractors and newsdedup).
2. Planted copies: build a synthetic corpus with `synth.py` (real BBC/Reuters articles on
   template sites, syndicated copies planted), run `newsdedup scan --format json` on it in a
   subprocess (exactly what a user runs), and score the report with `score.py`. With
   `--ceiling`, the same scan on the gold bodies (no cleaning needed) shows what perfect
   cleaning would give with the current thresholds.

Usage: python bench/eval_clean.py [--data DIR] [--n 2000] [--seed 0] [--ceiling] [--skip-aeb]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
DEFAULT_DATA = BENCH.parents[0].parent / "shared" / "data"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def scan_report(corpus: Path, *extra: str) -> dict[str, Any]:
    """Run `newsdedup scan --format json` on `corpus` and return the parsed report."""
    cmd = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--format", "json", "-q"]
    proc = subprocess.run([*cmd, *extra], capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"scan failed ({proc.returncode}): {proc.stderr.strip()}")
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def planted_scores(data: Path, n: int, seed: int, *, ceiling: bool) -> list[tuple[str, dict]]:
    """Return (row name, pairwise scores) for scan on a freshly built planted corpus."""
    synth, score = _load("synth"), _load("score")
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsdedup-planted-") as tmp:
        out = Path(tmp) / "corpus"
        synth.build_corpus(n, seed=seed, out=out, fmt="jsonl", data_dir=data, bodies=ceiling)
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))["clusters"]
        for name, extra in (
            ("scan (clean + templates)", ()),
            ("scan --no-templates", ("--no-templates",)),
            ("scan --no-boilerplate --no-templates", ("--no-boilerplate", "--no-templates")),
        ):
            report = scan_report(out / "corpus.jsonl", *extra)
            rows.append((name, score.pairwise_scores(score.clusters_from_report(report), truth)))
        if ceiling:
            gold = Path(tmp) / "gold.jsonl"
            with gold.open("w", encoding="utf-8") as handle:
                for line in (out / "bodies.jsonl").read_text(encoding="utf-8").splitlines():
                    item = json.loads(line)
                    handle.write(json.dumps({"id": item["id"], "text": item["body"]}) + "\n")
            report = scan_report(gold, "--no-boilerplate", "--no-templates")
            pred = score.clusters_from_report(report)
            rows.append(("scan on gold bodies (ceiling)", score.pairwise_scores(pred, truth)))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Print the AEB table, then the planted-copy rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--n", type=int, default=2000, help="articles in the planted corpus")
    parser.add_argument("--seed", type=int, default=0, help="planted corpus seed")
    parser.add_argument("--ceiling", action="store_true", help="also scan the gold bodies")
    parser.add_argument("--skip-aeb", action="store_true", help="only the planted rows")
    args = parser.parse_args(argv)
    if not (args.data / "raw").is_dir():
        print(f"error: {args.data}: no raw/ data folder (try --data)", file=sys.stderr)
        return 2
    if not args.skip_aeb:
        print("AEB boilerplate (html-text dumps, benchmark metric)")
        code = _load("eval_boilerplate").main(["--data", str(args.data)])
        if code:
            return int(code)
    print(f"\nplanted copies (n={args.n}, seed={args.seed}), pairwise over scan's clusters")
    print(f"{'row':<40} {'P':>7} {'R':>7} {'F1':>7} {'pairs':>7}")
    for name, s in planted_scores(args.data, args.n, args.seed, ceiling=args.ceiling):
        p, r, f = s["precision"], s["recall"], s["f1"]
        print(f"{name:<40} {p:>7.4f} {r:>7.4f} {f:>7.4f} {s.get('pred_pairs', '-'):>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
