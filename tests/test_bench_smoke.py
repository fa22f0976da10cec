"""The benchmark runs end to end on a tiny planted corpus, so the script cannot rot."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load(name: str) -> ModuleType:
    return load_bench(name)


bench = _load("bench")
DATA_DIR = Path(os.environ.get("NEWSDEDUP_DATA_DIR", bench.synth.DEFAULT_DATA_DIR))


@pytest.mark.data
def test_bench_builds_corpus_and_scores_every_pipeline(tmp_path, capsys):
    """On 300 planted articles the bench prints a row per pipeline, with sane scores."""
    if not (DATA_DIR / "raw" / "bbc-fulltext").is_dir():
        pytest.skip(f"benchmark data not found at {DATA_DIR}")
    rows_file = tmp_path / "rows.json"
    argv = ["--sizes", "300", "--refs-at", "300", "--single-at", "", "--folder-at", ""]
    argv += ["--light-at", "300"]
    argv += ["--workers", "1", "--work", str(tmp_path), "--data-dir", str(DATA_DIR)]
    assert bench.main([*argv, "--json", str(rows_file)]) == 0
    rows = json.loads(rows_file.read_text(encoding="utf-8"))
    names = [r["pipeline"] for r in rows]
    assert names == [
        "newsdedup --workers 1",
        "newsdedup --workers 1 --no-boilerplate",
        "rensa (front end + back end)",
        "datasketch (front end + back end)",
    ]
    for r in rows:
        assert r["articles"] == 300
        assert r["articles_per_s"] > 0
        assert 0.5 <= r["precision"] <= 1.0
        assert 0.3 <= r["recall"] <= 1.0
    assert rows[0]["peak_rss_mb"] > 0
    out = capsys.readouterr().out
    assert "speed-up of newsdedup over rensa" in out
    report = json.loads((tmp_path / "jsonl-300-s0" / "report-w1.json").read_text("utf-8"))
    assert report["summary"]["articles"] == 300


def test_folder_ids_map_back_to_corpus_ids():
    """A folder article's id (site/aNNN.txt) scores as the corpus id aNNN."""
    assert bench.plain_id("daily-post/a0000042.txt") == "a0000042"
    assert bench.plain_id("a0000042") == "a0000042"


def test_line_bench_times_every_row(tmp_path, capsys):
    """bench/line_bench.py, which README cites, runs on a small JSONL (QA 27: it called a
    rule that no longer existed)."""
    corpus = tmp_path / "c.jsonl"
    rows = [
        {"id": f"a{i}", "text": f"Headline {i}\nBy Jane Doe\nThe council met on day {i}.\n"}
        for i in range(20)
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    line_bench = _load("line_bench")
    assert line_bench.main([str(corpus), "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "distinct lines" in out
    assert "teaser" in out
    assert "rule date" in out
