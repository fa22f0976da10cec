"""Time and peak RSS of adding (and checking) 10k articles against a large persistent index.

    python bench/index_bench.py --base 1000000 --backend sqlite --out bench/out
    python bench/index_bench.py --base 200000 --backend redis --redis redis://127.0.0.1:6399/0

The base index is filled at the storage level (`Backend.add`) with synthetic entries: random
shingle hashes (150 per article), random signatures, their real band keys and 10 template line
keys each, which is what the archive costs to store and to look up in; building it from text
would take hours here. The measured batch goes through the real path in a fresh process
(`newsdedup index add` / `index check`: load, template counts from the index, clean, shingle,
sign, look up, verify, write) so its RSS is the process's own peak. The same batch is also added
to an empty index, to show that the cost follows the batch, not the archive.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def build_base(location: str, n: int, chunk: int = 1000) -> float:
    from newsdedup.config import DedupConfig
    from newsdedup.index import band_keys
    from newsdedup.store import Entry, open_index

    rng = np.random.default_rng(7)
    started = time.perf_counter()
    with open_index(location, config=DedupConfig(), create=True) as index:
        backend, cfg = index.backend, index.config.index
        if getattr(backend, "conn", None) is not None:
            backend.conn.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache for the build
        done = len(index)
        while done < n:
            m = min(chunk, n - done)
            sigs = rng.integers(0, 2**32 - 1, size=(m, cfg.num_perm), dtype=np.uint32)
            keys = band_keys(sigs, cfg)
            entries = [
                Entry(
                    id=f"base/{done + i:07d}",
                    length=900,
                    shingles=np.sort(rng.integers(0, 2**63, size=150, dtype=np.uint64)),
                    signature=sigs[i],
                    bands=keys[i],
                    lines=tuple(int(x) for x in rng.integers(0, 2**63, size=10, dtype=np.uint64)),
                )
                for i in range(m)
            ]
            backend.add(entries)
            done += m
            if done % 100_000 < chunk:
                rate = done / (time.perf_counter() - started)
                print(f"  base {done:,} ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    return time.perf_counter() - started


def child(args: list[str]) -> dict[str, float]:
    """Run a newsdedup command in a fresh process; return its wall time and its own peak RSS."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - started
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return {"seconds": round(wall, 1), "peak_rss_mb": round(peak_kb / 1024)}


def _peak_rss_kb() -> int:
    """Return this process image's own peak RSS (VmHWM). Not ru_maxrss: Linux carries that
    over from the parent across fork and exec, so a big parent would show in every child."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def run_child(args: list[str]) -> None:
    """Run the CLI in this process, then print this process's peak RSS (KB) on stderr."""
    from newsdedup.cli import main as cli_main

    code = 0
    try:
        cli_main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    print(_peak_rss_kb(), file=sys.stderr)
    sys.exit(code)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        run_child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "redis"], default="sqlite")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    opts = parser.parse_args()
    from fastcorpus import write_corpus

    opts.out.mkdir(parents=True, exist_ok=True)
    batch = opts.out / f"batch{opts.batch}"
    if not batch.exists():
        write_corpus(batch, opts.batch, copies_every=10, start=0)
    if opts.backend == "sqlite":
        big, empty = str(opts.out / f"base{opts.base}.db"), str(opts.out / "empty.db")
        Path(empty).unlink(missing_ok=True)
    else:
        big, empty = f"{opts.redis}?prefix=base{opts.base}", f"{opts.redis}?prefix=empty"
        import redis

        client = redis.Redis.from_url(opts.redis)
        for name in client.scan_iter(match="empty:*", count=10_000):
            client.delete(name)
    build = build_base(big, opts.base)
    # Each measurement on a fresh copy of the batch ids: remove them first (a previous run).
    from newsdedup.load import load_corpus
    from newsdedup.store import open_index

    ids = [a.id for a in load_corpus(batch).articles]
    with open_index(big) as index:
        index.remove(ids)
    report = {
        "backend": opts.backend,
        "base_articles": opts.base,
        "batch": opts.batch,
        "base_build_seconds": round(build, 1),
        "check_batch_vs_base": child(["index", "check", str(batch), "--index", big, "-q"]),
        "add_batch_to_base": child(["index", "add", str(batch), "--index", big, "-q"]),
        "add_batch_to_empty": child(["index", "add", str(batch), "--index", empty, "-q"]),
    }
    with open_index(big) as index:
        report["stats"] = {k: v for k, v in index.stats().items() if k != "params"}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
