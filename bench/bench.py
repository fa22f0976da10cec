"""Speed, memory and planted-pair quality of `newsdedup scan` at N articles, against references.

For each N it builds (or reuses) a planted corpus with `synth.py`, runs the real CLI
(`newsdedup scan --format json`) in a subprocess with `--workers W` (and 1), and prints wall
time, articles/s, peak RSS (summed over the process tree) and pairwise precision/recall of the
planted pairs. At the sizes in `--refs-at` it also times two reference pipelines on the same
corpus, shingles, permutations and thresholds, and prints the ratios:

- datasketch: a `MinHash` per article (`update_batch`), `MinHashLSH` insert and query,
  exact verification, union-find;
- rensa: an `RMinHash` per article, `RMinHashLSH` insert and query, the same verification.

The references share one single-process front end (load, site templates, cleaning,
canonicalizing, shingling: newsdedup's own functions, timed once): their end-to-end time is
that front end plus their back end. The machine may be shared: compare ratios within one run.

Usage: python bench/bench.py [--sizes 10000,100000] [--refs-at 100000] [--folder-at 100000]
                             [--workers N] [--work DIR] [--data-dir DIR] [--seed 0]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "newsdedup-bench"


def _load(name: str) -> ModuleType:
    """Import a sibling bench script as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


synth = _load("synth")
score = _load("score")


# ---- corpus ------------------------------------------------------------------------------


def corpus(n: int, *, seed: int, work: Path, fmt: str, data_dir: Path | None) -> Path:
    """Return the directory of an n-article planted corpus, building it unless present."""
    out = work / f"{fmt}-{n}-s{seed}"
    meta = out / "meta.json"
    if meta.is_file():
        done = json.loads(meta.read_text(encoding="utf-8"))
        if done.get("n") == n and done.get("seed") == seed and done.get("format") == fmt:
            return out
    start = time.perf_counter()
    synth.build_corpus(n, seed=seed, out=out, fmt=fmt, data_dir=data_dir)
    print(f"  built {fmt} corpus of {n:,} in {time.perf_counter() - start:.0f}s: {out}")
    return out


def corpus_input(root: Path) -> Path:
    jsonl = root / "corpus.jsonl"
    return jsonl if jsonl.is_file() else root / "articles"


def truth_of(root: Path) -> list[list[str]]:
    return list(json.loads((root / "truth.json").read_text(encoding="utf-8"))["clusters"])


def plain_id(article_id: str) -> str:
    """Map a folder id (`site/a0000001.txt`) back to the corpus id (`a0000001`)."""
    name = article_id.rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".txt") else name


def quality(clusters: list[list[str]], truth: list[list[str]]) -> dict[str, float]:
    pred = [sorted(plain_id(i) for i in c) for c in clusters]
    got = score.pairwise_scores(pred, truth)
    return {k: float(got[k]) for k in ("precision", "recall", "f1")}


# ---- measuring a subprocess tree ---------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Return the summed RSS in bytes of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * page
    total, frontier = 0, {root}
    while frontier:
        total += sum(rss.get(p, 0) for p in frontier)
        frontier = {p for p, parent in parents.items() if parent in frontier}
    return total


def run_measured(argv: Sequence[str]) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak RSS bytes of its process tree, sampled)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:4]} exited {proc.returncode}: {err.decode()[-500:]}")
    # Only the sampled tree: a child's ru_maxrss starts from the parent's peak at fork, so
    # after the bench has built a corpus or run a reference it would report the bench's size.
    return wall, peak[0]


def run_newsdedup(
    path: Path, report: Path, workers: int, extra: Sequence[str] = ()
) -> tuple[float, int]:
    argv = [sys.executable, "-m", "newsdedup", "scan", str(path), "--format", "json"]
    argv += ["-o", str(report), "-q", "--workers", str(workers), *extra]
    if path.is_dir():
        argv += ["--glob", "*.txt"]
    return run_measured(argv)


# ---- reference pipelines -----------------------------------------------------------------


def front_end(path: Path) -> tuple[list[Any], float]:
    """Return newsdedup's fingerprints of the corpus (single process) and the seconds taken."""
    from newsdedup.boilerplate import clean_text
    from newsdedup.config import DedupConfig
    from newsdedup.load import load_corpus
    from newsdedup.parallel import KeyCounter, chunked, count_line_keys
    from newsdedup.pipeline import Fingerprint
    from newsdedup.shingle import ledes, shingles

    # The scan's own fast path, in one process: the same template counting (pass 1) and
    # clean_text (no Line objects), so the references pay what one newsdedup worker pays.
    config = DedupConfig()
    start = time.perf_counter()
    articles = load_corpus(path).articles
    counter = KeyCounter()
    for chunk in chunked([a.text for a in articles]):
        counter.add(count_line_keys(chunk, config.clean))
    templates = counter.templates(config.clean)
    prints = []
    for a in articles:
        kept, canon = clean_text(a.text, config.clean, templates)
        lede = ledes([canon], config.index.lede_words)[0]
        prints.append(Fingerprint(id=a.id, length=len(kept), shingles=shingles(canon), lede=lede))
    elapsed = time.perf_counter() - start
    # Imports and permutation tables are set up before any back end is timed.
    import datasketch  # noqa: F401
    import rensa  # noqa: F401

    from newsdedup.signature import permutations

    permutations(config.index.num_perm, config.index.seed)
    return prints, elapsed


def _verify_and_cluster(prints: list[Any], pairs: set[tuple[int, int]]) -> list[list[str]]:
    """Exact verification of candidate pairs, then union-find: shared by the references."""
    from newsdedup.cluster import UnionFind
    from newsdedup.config import DedupConfig
    from newsdedup.verify import verify

    config = DedupConfig()
    uf = UnionFind()
    for i, j in sorted(pairs):
        a, b = prints[i], prints[j]
        hit = verify(
            a.id,
            b.id,
            a.shingles,
            b.shingles,
            threshold=config.threshold,
            containment=config.containment,
        )
        if hit is not None:
            uf.union(hit.a, hit.b)
    return sorted(uf.groups())


def _identity(value: int) -> int:
    return value


def datasketch_pipeline(prints: list[Any]) -> list[list[str]]:
    """MinHash + update_batch per article, MinHashLSH insert and query, verify, union-find."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    from newsdedup.config import MINHASH_SCHEME, IndexConfig

    cfg = IndexConfig()
    lsh = MinHashLSH(threshold=cfg.lsh_threshold, num_perm=cfg.num_perm)
    sketches = []
    for n, p in enumerate(prints):
        m = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=MINHASH_SCHEME, hashfunc=_identity)
        m.update_batch((p.shingles & np.uint64(0xFFFFFFFF)).tolist())
        lean = LeanMinHash(m)
        lsh.insert(n, lean)
        sketches.append(lean)
    pairs = set()
    for n, lean in enumerate(sketches):
        for other in lsh.query(lean):
            if other != n:
                pairs.add((min(n, other), max(n, other)))
    return _verify_and_cluster(prints, pairs)


def rensa_pipeline(prints: list[Any]) -> list[list[str]]:
    """RMinHash per article (shingle hashes as 8-byte tokens), RMinHashLSH, verify, union-find."""
    from rensa import RMinHash, RMinHashLSH

    from newsdedup.config import IndexConfig

    cfg = IndexConfig()
    bands, rows = cfg.bands_rows
    # rensa wants num_perm divisible by the band count; give it exactly the bands x rows
    # permutations an LSH of this layout reads (37 x 3 = 111 of our 128 at threshold 0.3).
    perms = bands * rows
    lsh = RMinHashLSH(cfg.lsh_threshold, perms, bands)
    sketches = []
    for n, p in enumerate(prints):
        m = RMinHash(perms, cfg.seed)
        m.update([v.to_bytes(8, "little") for v in p.shingles.tolist()])
        lsh.insert(n, m)
        sketches.append(m)
    pairs = set()
    for n, m in enumerate(sketches):
        for other in lsh.query(m):
            if other != n:
                pairs.add((min(n, other), max(n, other)))
    return _verify_and_cluster(prints, pairs)


def newsdedup_backend(prints: list[Any]) -> list[list[str]]:
    """newsdedup's own back end on the same fingerprints: numpy signatures, sorted band keys."""
    from newsdedup.cluster import UnionFind
    from newsdedup.config import DedupConfig
    from newsdedup.pipeline import find_matches

    matches, _ = find_matches(prints, DedupConfig())
    uf = UnionFind()
    for m in matches:
        uf.union(m.a, m.b)
    return sorted(uf.groups())


# ---- the main process at scale ----------------------------------------------------------


def scaled_main_process(path: Path, factor: int, workers: int) -> dict[str, Any]:
    """Time and size what a scan's main process does with `factor` copies of a corpus.

    The corpus is fingerprinted once (on `workers` processes); its batches are then fed
    `factor` times to the main-process stages (collect, sort by id, LSH buckets, verify,
    cluster), each copy with its shingle hashes XOR-ed by its own salt and its own ids, so the
    copies never match one another while keeping the planted structure. This measures the part
    of a large scan that does not shrink with more workers, at the size the corpus cannot
    reach here, without the per-article cleaning that the workers do.
    """
    from newsdedup.config import DedupConfig
    from newsdedup.index import band_keys
    from newsdedup.load import iter_corpus
    from newsdedup.parallel import Batch, KeyCounter, Workers, fingerprints, key_counts
    from newsdedup.pipeline import Collected, result_from_fingerprints
    from newsdedup.records import Article
    from newsdedup.signature import sign_many

    config = DedupConfig()

    def docs() -> Any:
        return ((a.id, a.text, False) for a in iter_corpus(path) if isinstance(a, Article))

    start = time.perf_counter()
    with Workers(workers) as pool:
        counter = KeyCounter()
        for part in key_counts(docs(), config.clean, pool=pool):
            counter.add(part)
        batches = list(fingerprints(docs(), config, counter.templates(config.clean), pool=pool))
    fingerprinting = time.perf_counter() - start
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    signing = 0.0
    collected = Collected()
    for copy in range(factor):
        salt = np.uint64((copy * 0x9E3779B97F4A7C15) % 2**64)
        for b in batches:
            shingles = b.shingles ^ salt if copy else b.shingles
            sets = [np.sort(s) for s in Batch.shingle_sets(_with(b, shingles))]
            t0 = time.perf_counter()
            keys = band_keys(sign_many(sets, config.index), config.index) if copy else b.keys
            signing += time.perf_counter() - t0
            ids = tuple(f"{i}#{copy}" for i in b.ids) if copy else b.ids
            collected.add(
                Batch(ids=ids, lengths=b.lengths, sizes=b.sizes, shingles=shingles, keys=keys)
            )
    ids, lengths, sets, keys = collected.in_id_order(config)
    del collected
    result = result_from_fingerprints(
        ids,
        lengths,
        sets,
        keys,
        config,
        templates=0,
        skipped=(),
        warnings=(),
        progress=None,
    )
    main = time.perf_counter() - start - signing
    return {
        "articles": len(ids),
        "fingerprint_s": round(fingerprinting, 1),
        "main_process_s": round(main, 1),
        "signing_s_excluded": round(signing, 1),
        "clusters": len(result.clusters),
        "candidates": result.extra["candidates"],
        "rss_before_mb": round(rss_before / 2**20),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10),
    }


def _with(batch: Any, shingles: np.ndarray) -> Any:
    from newsdedup.parallel import Batch

    return Batch(
        ids=batch.ids, lengths=batch.lengths, sizes=batch.sizes, shingles=shingles, keys=batch.keys
    )


# ---- report ------------------------------------------------------------------------------


def row(name: str, n: int, wall: float, rss: int | None, q: dict[str, float]) -> dict[str, Any]:
    return {
        "pipeline": name,
        "articles": n,
        "seconds": round(wall, 2),
        "articles_per_s": round(n / wall, 1) if wall else None,
        "peak_rss_mb": round(rss / 2**20) if rss else None,
        **{k: round(v, 4) for k, v in q.items()},
    }


def show(rows: list[dict[str, Any]]) -> None:
    head = f"  {'pipeline':<34}{'s':>9}{'art/s':>10}{'RSS MB':>9}{'P':>8}{'R':>8}{'F1':>8}"
    print(head)
    for r in rows:
        rss = "-" if r["peak_rss_mb"] is None else str(r["peak_rss_mb"])
        print(
            f"  {r['pipeline']:<34}{r['seconds']:>9.1f}{r['articles_per_s']:>10.0f}{rss:>9}"
            f"{r['precision']:>8.4f}{r['recall']:>8.4f}{r['f1']:>8.4f}"
        )


def timed(fn: Callable[[], list[list[str]]]) -> tuple[list[list[str]], float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def bench_size(n: int, args: argparse.Namespace, fmt: str = "jsonl") -> list[dict[str, Any]]:
    root = corpus(n, seed=args.seed, work=args.work, fmt=fmt, data_dir=args.data_dir)
    path, truth = corpus_input(root), truth_of(root)
    print(f"\n== {n:,} articles ({fmt}) ==")
    rows = []
    reports = {}
    counts = sorted({args.workers, 1}, reverse=True) if n in args.single_at else [args.workers]
    for workers in counts:
        report = root / f"report-w{workers}.json"
        wall, rss = run_newsdedup(path, report, workers)
        reports[workers] = report.read_bytes()
        clusters = score.clusters_from_report(json.loads(reports[workers]))
        rows.append(row(f"newsdedup --workers {workers}", n, wall, rss, quality(clusters, truth)))
    if len(reports) > 1:
        same = len(set(reports.values())) == 1
        print(f"  JSON report identical across workers {sorted(reports)}: {same}")
    if n in args.light_at:
        # Site templates, repeats and blank lines only: for corpora already extracted clean.
        report = root / f"report-w{args.workers}-light.json"
        wall, rss = run_newsdedup(path, report, args.workers, ["--no-boilerplate"])
        clusters = score.clusters_from_report(json.loads(report.read_bytes()))
        name = f"newsdedup --workers {args.workers} --no-boilerplate"
        rows.append(row(name, n, wall, rss, quality(clusters, truth)))
    if n in args.refs_at and fmt == "jsonl":
        prints, front = front_end(path)
        what = "load, templates, clean_text, shingle"
        print(f"  shared single-process front end ({what}): {front:.1f}s")
        backends = [
            ("newsdedup back end (1 process)", lambda: newsdedup_backend(prints)),
            ("rensa", lambda: rensa_pipeline(prints)),
            ("datasketch", lambda: datasketch_pipeline(prints)),
        ]
        back_times = {}
        for name, fn in backends:
            clusters, back = timed(fn)
            back_times[name] = back
            print(f"  back end {name}: {back:.1f}s")
            if name != backends[0][0]:
                rows.append(
                    row(
                        f"{name} (front end + back end)",
                        n,
                        front + back,
                        None,
                        quality(clusters, truth),
                    )
                )
        ours = rows[0]["seconds"]
        ours_back = back_times[backends[0][0]]
        for name in ("rensa", "datasketch"):
            total = front + back_times[name]
            print(
                f"  speed-up of newsdedup over {name}: end to end (--workers {args.workers}) "
                f"{total / ours:.2f}x; back end alone, 1 process: "
                f"{back_times[name] / ours_back:.2f}x"
            )
    show(rows)
    return rows


def parse_sizes(text: str) -> list[int]:
    return [int(float(s)) for s in text.split(",") if s.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    from newsdedup.parallel import default_workers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=parse_sizes, default=[10_000, 100_000])
    parser.add_argument("--refs-at", type=parse_sizes, default=[100_000])
    parser.add_argument(
        "--single-at",
        type=parse_sizes,
        default=[10_000, 100_000],
        help="sizes that also run --workers 1 (quality and byte check)",
    )
    parser.add_argument("--folder-at", type=parse_sizes, default=[100_000])
    parser.add_argument(
        "--light-at",
        type=parse_sizes,
        default=[100_000],
        help="sizes that also run scan --no-boilerplate (templates and repeats only)",
    )
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write every row here")
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="also feed this many copies of the largest corpus to the main-process stages",
    )
    parser.add_argument("--scale-from", type=int, default=100_000, help="corpus size for --scale")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # progress lines reach a log file at once
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"newsdedup bench: workers={args.workers}, cores={os.cpu_count()}, work={args.work}")
    rows = []
    try:
        for n in args.sizes:
            rows += bench_size(n, args)
            if n in args.folder_at:
                rows += bench_size(n, args, fmt="folder")
    except FileNotFoundError as err:
        print(f"error: {err} (benchmark data missing? see --data-dir)", file=sys.stderr)
        return 2
    if args.scale:
        n = args.scale_from
        root = corpus(n, seed=args.seed, work=args.work, fmt="jsonl", data_dir=args.data_dir)
        scaled = scaled_main_process(corpus_input(root), args.scale, args.workers)
        print(f"\n== main-process stages at {scaled['articles']:,} articles ==")
        for key, value in scaled.items():
            print(f"  {key}: {value}")
        rows.append({"pipeline": "main process at scale", **scaled})
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
