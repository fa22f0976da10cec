"""Score a boilerplate cleaner on the scrapinghub article-extraction benchmark (AEB).

Metric, as the benchmark's own ``evaluate.py`` computes it (reimplemented here, and checked by
reproducing its published rows from the extractor outputs shipped in ``output/``):

- tokens are ``re.findall(r"\\w+", text)``, case kept: the benchmark does *not* lowercase
  (its regex carries ``re.IGNORECASE``, which changes nothing for ``\\w``); on this copy,
  lowercasing moves no row by as much as 0.001, so the published figures alone cannot decide it;
- a document is the multiset of its 4-token shingles; a text with 1-3 tokens is one short
  shingle, a text with no tokens has none;
- per page, TP/FP/FN are summed over shingle multiplicities: min(true, pred), the surplus in the
  prediction, the shortfall against the truth;
- per-page precision TP/(TP+FP) and recall TP/(TP+FN); precision and recall are each averaged
  over pages and F1 is taken from the two averages;
- empty cases: a page whose prediction has no shingles is left out of the precision average
  (it still scores recall 0), a page whose truth has no shingles is left out of the recall
  average, and a page where both are empty is left out of both.  The benchmark's
  ``precision_score`` returns 1 for "both empty", but its mean skips every page with
  TP+FP == 0, so that 1 never counts; we return ``None`` there to give the same averages.
  The "empty" column counts empty predictions so this loophole stays visible.

"accuracy" is the share of pages whose token sequence equals the truth's exactly.  With
``--bootstrap N`` each row gets a 95% interval for F1 (1.96 standard deviations over N seeded
resamples of the pages, as the benchmark reports): on 125 pages it is a few points wide, so
smaller gains from tuning are noise.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AEB_DIR = Path("raw") / "scrapinghub-aeb"
DUMP_NAME = "html-text"  # output/html-text.json: the naive full-page dump our cleaners start from
SHINGLE_N = 4
TOKEN_RE = re.compile(r"\w+")
ROUND = 4

Pages = list[tuple[str, str]]
CleanFn = Callable[[Pages], dict[str, str]]
Shingle = tuple[str, ...]


# --- metric -------------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Return the ``\\w+`` tokens of `text`, case kept."""
    return TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = SHINGLE_N) -> Counter[Shingle]:
    """Return the multiset of `n`-token shingles; a shorter non-empty text is one shingle."""
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def match_counts(true: str, pred: str, n: int = SHINGLE_N) -> tuple[int, int, int]:
    """Return (TP, FP, FN) over shingle multiplicities of `pred` against `true`."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = sum((t & p).values())
    return tp, sum(p.values()) - tp, sum(t.values()) - tp


def precision(tp: int, fp: int, fn: int) -> float | None:
    """Return TP/(TP+FP), or None when the prediction is empty (left out of the average)."""
    return tp / (tp + fp) if tp + fp else None


def recall(tp: int, fp: int, fn: int) -> float | None:
    """Return TP/(TP+FN), or None when the truth is empty (left out of the average)."""
    return tp / (tp + fn) if tp + fn else None


def f1_of(p: float | None, r: float | None) -> float:
    """Return the harmonic mean of `p` and `r`, with None and 0 counting as 0."""
    if not p or not r:
        return 0.0
    return 2 * p * r / (p + r)


@dataclass(frozen=True, slots=True, kw_only=True)
class PageScore:
    """Shingle counts and scores of one page."""

    page_id: str
    url: str
    tp: int
    fp: int
    fn: int
    precision: float | None
    recall: float | None
    exact: bool

    @property
    def f1(self) -> float:
        """Return the page's own F1 (used only to rank worst pages)."""
        return f1_of(self.precision, self.recall)


@dataclass(frozen=True, slots=True, kw_only=True)
class Truth:
    """Ground-truth body and address of one page."""

    body: str
    url: str


def score_page(page_id: str, truth: Truth, pred: str) -> PageScore:
    """Score one predicted body against its truth."""
    tp, fp, fn = match_counts(truth.body, pred)
    return PageScore(
        page_id=page_id,
        url=truth.url,
        tp=tp,
        fp=fp,
        fn=fn,
        precision=precision(tp, fp, fn),
        recall=recall(tp, fp, fn),
        exact=tokenize(truth.body) == tokenize(pred),
    )


def _mean(values: Iterable[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else 0.0


def summarize(pages: Sequence[PageScore]) -> dict[str, Any]:
    """Return averaged precision and recall, F1 of the averages, accuracy and counts."""
    p = _mean(s.precision for s in pages)
    r = _mean(s.recall for s in pages)
    return {
        "f1": f1_of(p, r),
        "precision": p,
        "recall": r,
        "accuracy": sum(s.exact for s in pages) / len(pages) if pages else 0.0,
        "pages": len(pages),
        "empty": sum(s.tp + s.fp == 0 for s in pages),
    }


def bootstrap_f1_ci(pages: Sequence[PageScore], n: int, seed: int) -> float:
    """Return 1.96 x the standard deviation of F1 over `n` resamples of the pages (seeded)."""
    nan = float("nan")
    p = np.array([nan if s.precision is None else s.precision for s in pages])
    r = np.array([nan if s.recall is None else s.recall for s in pages])
    idx = np.random.default_rng(seed).integers(0, len(pages), size=(n, len(pages)))
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample with no defined precision
        ps, rs = np.nanmean(p[idx], axis=1), np.nanmean(r[idx], axis=1)
        f1 = np.nan_to_num(2 * ps * rs / (ps + rs))  # 0/0 (both means 0) counts as F1 = 0
    return 1.96 * float(f1.std(ddof=1))


def score_predictions(truth: Mapping[str, Truth], pred: Mapping[str, str]) -> list[PageScore]:
    """Score every page, in page-id order; the prediction must cover exactly the truth's pages."""
    if set(truth) != set(pred):
        missing, extra = len(set(truth) - set(pred)), len(set(pred) - set(truth))
        raise ValueError(f"prediction ids differ from truth: {missing} missing, {extra} extra")
    return [score_page(k, truth[k], pred[k]) for k in sorted(truth)]


# --- data ---------------------------------------------------------------------------------------


def aeb_dir(data_dir: Path) -> Path:
    """Return the benchmark folder inside `data_dir`."""
    return data_dir / AEB_DIR


def load_truth(data_dir: Path) -> dict[str, Truth]:
    """Return the ground truth keyed by page id."""
    raw = json.loads((aeb_dir(data_dir) / "ground-truth.json").read_text(encoding="utf-8"))
    return {
        k: Truth(body=v.get("articleBody") or "", url=v.get("url") or "") for k, v in raw.items()
    }


def load_output(path: Path) -> dict[str, str]:
    """Return one extractor's bodies keyed by page id."""
    raw = json.loads(path.read_text(encoding="utf-8"))["output"]
    return {k: (v or {}).get("articleBody") or "" for k, v in raw.items()}


def extractor_paths(data_dir: Path) -> list[Path]:
    """Return the extractor output files, sorted by name."""
    return sorted((aeb_dir(data_dir) / "output").glob("*.json"))


def load_dump_pages(data_dir: Path) -> Pages:
    """Return (page id, naive full-page text dump) pairs sorted by id: the cleaner's input."""
    dump = load_output(aeb_dir(data_dir) / "output" / f"{DUMP_NAME}.json")
    return sorted(dump.items())


def load_html_pages(data_dir: Path) -> Pages:
    """Return (page id, raw HTML) pairs sorted by id, for cleaners that start from markup."""
    paths = sorted((aeb_dir(data_dir) / "html").glob("*.html.gz"))
    return [
        (p.name.removesuffix(".html.gz"), gzip.decompress(p.read_bytes()).decode()) for p in paths
    ]


# --- cleaners -----------------------------------------------------------------------------------


def newsdedup_clean(pages: Pages) -> dict[str, str]:
    """Clean the whole corpus with the newsdedup library (imported here, so it may be absent)."""
    from newsdedup import Article, clean_corpus

    articles = [Article(id=pid, text=text, source=pid) for pid, text in pages]
    return {c.article_id: c.text for c in clean_corpus(articles, config=None)}


def identity_clean(pages: Pages) -> dict[str, str]:
    """Return every page unchanged: must reproduce the html-text row."""
    return dict(pages)


@dataclass(frozen=True, slots=True)
class Cleaner:
    """A named cleaner and the loader of the inputs it is fed."""

    label: str
    fn: CleanFn
    inputs: Callable[[Path], Pages] = load_dump_pages


# A "newsdedup (html)" row is one more entry here, with inputs=load_html_pages.
CLEANERS: Mapping[str, Cleaner] = MappingProxyType(
    {
        "newsdedup": Cleaner("newsdedup", newsdedup_clean),
        "identity": Cleaner("identity (html-text)", identity_clean),
    }
)


def score_cleaner(
    clean_fn: CleanFn,
    data_dir: Path,
    *,
    inputs: Callable[[Path], Pages] = load_dump_pages,
) -> dict[str, Any]:
    """Run `clean_fn` on the whole corpus at once and return its summary plus per-page scores."""
    truth = load_truth(data_dir)
    pages = [(k, text) for k, text in inputs(data_dir) if k in truth]
    pages_scored = score_predictions(truth, clean_fn(pages))
    return {**summarize(pages_scored), "per_page": pages_scored}


# --- report -------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _row(
    name: str, kind: str, pages: Sequence[PageScore], bootstrap: int, seed: int
) -> dict[str, Any]:
    summary = summarize(pages)
    keys = ("f1", "precision", "recall", "accuracy")
    row = {
        "name": name,
        "kind": kind,
        **{k: round(summary[k], ROUND) for k in keys},
        "pages": summary["pages"],
        "empty": summary["empty"],
    }
    if bootstrap > 1:
        row["f1_ci"] = round(bootstrap_f1_ci(pages, bootstrap, seed), ROUND)
    return row


def _worst(pages: Sequence[PageScore], n: int) -> list[dict[str, Any]]:
    ranked = sorted(pages, key=lambda s: (s.f1, s.page_id))[:n]
    return [
        {
            "page_id": s.page_id,
            "url": s.url,
            "precision": None if s.precision is None else round(s.precision, ROUND),
            "recall": None if s.recall is None else round(s.recall, ROUND),
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
        }
        for s in ranked
    ]


def render_table(
    rows: Sequence[Mapping[str, Any]], worst: Mapping[str, list[dict[str, Any]]]
) -> str:
    """Return the plain-text report: one row per extractor and cleaner, then worst pages."""
    ci = any("f1_ci" in r for r in rows)
    head = f"{'name':<24} {'kind':<9} {'F1':>6} " + (f"{'±':>6} " if ci else "")
    lines = [head + f"{'P':>6} {'R':>6} {'acc':>6} {'pages':>5} {'empty':>5}"]
    for r in rows:
        pm = f"{r['f1_ci']:>6.3f} " if ci else ""
        lines.append(
            f"{r['name']:<24} {r['kind']:<9} {r['f1']:>6.3f} {pm}{r['precision']:>6.3f} "
            f"{r['recall']:>6.3f} {r['accuracy']:>6.3f} {r['pages']:>5} {r['empty']:>5}"
        )
    for name, items in worst.items():
        lines += [
            "",
            f"worst pages for {name} (by page F1):",
            f"{'page':<12} {'P':>6} {'R':>6}  url",
        ]
        lines += [
            f"{w['page_id'][:12]:<12} {_fmt(w['precision']):>6} {_fmt(w['recall']):>6}  {w['url']}"
            for w in items
        ]
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    parser.add_argument(
        "--cleaner",
        action="append",
        choices=sorted(CLEANERS),
        help="cleaner row(s) to add; repeat for several (default: newsdedup)",
    )
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages per cleaner")
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="N",
        help="add a 95%% interval for F1 from N page resamples (the benchmark uses 1000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap resampling")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Print the extractor rows and our cleaner rows; return the exit code."""
    args = build_parser().parse_args(argv)
    if not (aeb_dir(args.data) / "ground-truth.json").is_file():
        print(f"error: {aeb_dir(args.data)}: no ground-truth.json (try --data)", file=sys.stderr)
        return 2
    truth = load_truth(args.data)
    rows = []
    for path in extractor_paths(args.data):
        pages = score_predictions(truth, load_output(path))
        rows.append(_row(path.stem, "extractor", pages, args.bootstrap, args.seed))
    worst: dict[str, list[dict[str, Any]]] = {}
    for key in args.cleaner or ["newsdedup"]:
        cleaner = CLEANERS[key]
        try:
            result = score_cleaner(cleaner.fn, args.data, inputs=cleaner.inputs)
        except ImportError as exc:
            print(
                f"note: {cleaner.label} row skipped, newsdedup not importable: {exc}",
                file=sys.stderr,
            )
            continue
        rows.append(_row(cleaner.label, "cleaner", result["per_page"], args.bootstrap, args.seed))
        if args.worst > 0:
            worst[cleaner.label] = _worst(result["per_page"], args.worst)
    if args.format == "json":
        payload = {"rows": rows, "worst": worst}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_table(rows, worst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
