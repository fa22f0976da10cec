"""Score newsdedup on the AEB pages as raw HTML as well as text dumps, beside the six extractors.

Rows (all with the benchmark's metric, from ``eval_boilerplate.py``):

- the six extractors' own outputs in ``output/``;
- ``newsdedup (text dump)``: our line cleaner on the naive full-page dump ``html-text.json``;
- ``newsdedup (html, extractor)``: the article text our loader reads from ``html/*.html.gz``
  (trafilatura inside ``load_corpus``), before our cleaner;
- ``newsdedup (html)``: the same pages through ``load_corpus`` then ``clean_corpus``: what
  ``scan`` fingerprints.

Then loading speed: pages/s for the HTML folder (gunzip, decode, extract) beside articles/s for
the same pages as text files and as one WARC (both written to a temporary folder, never into the
repository), each loaded alone and loaded plus cleaned. Rates are per wall-clock second, with the
rate per CPU second of this process in brackets (steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_boilerplate as eb  # a sibling script, not a package

HTML_SUFFIX = ".html.gz"


@dataclass(frozen=True, slots=True)
class Speed:
    """Items loaded; items per wall-clock and per CPU second, loading alone and with cleaning."""

    items: int
    load_wall: float
    load_cpu: float
    total_wall: float
    total_cpu: float

    def line(self, label: str, unit: str) -> str:
        return (
            f"{label:<5} {self.items} {unit}s: load {self.load_wall:.1f}/s "
            f"({self.load_cpu:.1f}/CPU s), load + clean {self.total_wall:.1f}/s "
            f"({self.total_cpu:.1f}/CPU s)"
        )


def _timed_load(path: Path) -> tuple[Any, Any, Speed]:
    """Return (loaded corpus, cleaned texts, speed) for a folder."""
    from newsdedup import clean_corpus, load_corpus

    wall0, cpu0 = time.perf_counter(), time.process_time()
    loaded = load_corpus(path)
    wall1, cpu1 = time.perf_counter(), time.process_time()
    cleaned = clean_corpus(loaded.articles)
    wall2, cpu2 = time.perf_counter(), time.process_time()
    n = len(loaded.articles)

    def rate(seconds: float) -> float:
        return n / max(seconds, 1e-9)

    speed = Speed(n, rate(wall1 - wall0), rate(cpu1 - cpu0), rate(wall2 - wall0), rate(cpu2 - cpu0))
    return loaded, cleaned, speed


def warm_up() -> None:
    """Import trafilatura and run it once, so the first timed folder does not pay for that."""
    from newsdedup.html import extract

    extract("<html><body><article><p>" + "Warm up the extractor once. " * 20 + "</p></article>")


def html_rows(data_dir: Path) -> tuple[dict[str, dict[str, str]], Speed, list[str]]:
    """Return predictions for the two HTML rows, the loading speed, and the loader's issues."""
    loaded, cleaned, speed = _timed_load(eb.aeb_dir(data_dir) / "html")
    extracted = {a.id.removesuffix(HTML_SUFFIX): a.text for a in loaded.articles}
    kept = {c.article_id.removesuffix(HTML_SUFFIX): c.text for c in cleaned}
    issues = [f"{i.location()}: {i.problem}" for i in loaded.issues]
    return {"extractor": extracted, "cleaned": kept}, speed, issues


def text_speed(data_dir: Path) -> Speed:
    """Return the speed for the text dumps written as .txt files to a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="aeb-text-") as tmp:
        for page_id, text in eb.load_dump_pages(data_dir):
            (Path(tmp) / f"{page_id}.txt").write_text(text, encoding="utf-8")
        return _timed_load(Path(tmp))[2]


def warc_speed(data_dir: Path) -> Speed:
    """Return the speed for the same pages as response records of one .warc.gz (temporary)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    truth = eb.load_truth(data_dir)
    with tempfile.TemporaryDirectory(prefix="aeb-warc-") as tmp:
        with (Path(tmp) / "aeb.warc.gz").open("wb") as handle:
            writer = WARCWriter(handle, gzip=True)
            for page_id, markup in eb.load_html_pages(data_dir):
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                uri = truth[page_id].url if page_id in truth else f"urn:aeb:{page_id}"
                record = writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(markup.encode()), http_headers=headers
                )
                writer.write_record(record)
                record.raw_stream.close()
        return _timed_load(Path(tmp))[2]


def _complete(truth: dict[str, eb.Truth], pred: dict[str, str]) -> dict[str, str]:
    """Return predictions for every truth page: a page the loader skipped scores as empty."""
    return {k: pred.get(k, "") for k in truth}


def _row(name: str, kind: str, pages: Sequence[eb.PageScore]) -> dict[str, Any]:
    summary = eb.summarize(pages)
    return {"name": name, "kind": kind, **summary}


def render(rows: Sequence[dict[str, Any]], worst: dict[str, list[eb.PageScore]]) -> str:
    """Return the table: one row per extractor and per newsdedup input, then worst pages."""
    lines = [f"{'name':<28} {'kind':<9} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6} {'pages':>5}"]
    for r in rows:
        lines.append(
            f"{r['name']:<28} {r['kind']:<9} {r['f1']:>6.3f} {r['precision']:>6.3f} "
            f"{r['recall']:>6.3f} {r['accuracy']:>6.3f} {r['pages']:>5}"
        )
    for name, pages in worst.items():
        lines += ["", f"worst pages for {name} (by page F1):"]
        for s in pages:
            prec = "-" if s.precision is None else f"{s.precision:.3f}"
            rec = "-" if s.recall is None else f"{s.recall:.3f}"
            lines.append(f"{s.page_id[:12]:<12} {prec:>6} {rec:>6}  {s.url}")
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=eb.DEFAULT_DATA, help="shared data folder")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages per row")
    parser.add_argument("--no-speed", action="store_true", help="skip the text and WARC timings")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Print extractor rows, our text and HTML rows, then loading speeds; return the exit code."""
    args = build_parser().parse_args(argv)
    if not (eb.aeb_dir(args.data) / "ground-truth.json").is_file():
        print(f"error: {eb.aeb_dir(args.data)}: no ground-truth.json (try --data)", file=sys.stderr)
        return 2
    truth = eb.load_truth(args.data)
    rows = []
    for path in eb.extractor_paths(args.data):
        rows.append(_row(path.stem, "extractor", eb.score_predictions(truth, eb.load_output(path))))
    worst: dict[str, list[eb.PageScore]] = {}

    def add(name: str, pred: dict[str, str]) -> None:
        scored = eb.score_predictions(truth, _complete(truth, pred))
        rows.append(_row(name, "newsdedup", scored))
        if args.worst > 0:
            worst[name] = sorted(scored, key=lambda s: (s.f1, s.page_id))[: args.worst]

    add("newsdedup (text dump)", eb.newsdedup_clean(eb.load_dump_pages(args.data)))
    warm_up()
    preds, html_speed, issues = html_rows(args.data)
    add("newsdedup (html, extractor)", preds["extractor"])
    add("newsdedup (html)", preds["cleaned"])
    sys.stdout.write(render(rows, worst))
    print()
    print(html_speed.line("html", "page"))
    if not args.no_speed:
        print(text_speed(args.data).line("text", "article"))
        print(warc_speed(args.data).line("warc", "page"))
    for line in issues:
        print(f"skipped: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
