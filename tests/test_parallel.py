"""Parallel, streaming scans give exactly what one process gives."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli
from newsdedup.config import CleanConfig, DedupConfig
from newsdedup.load import load_corpus
from newsdedup.parallel import CHUNK, KeyCounter, chunked, count_line_keys, ordered_map
from newsdedup.pipeline import find_duplicates, scan_corpus
from newsdedup.serialize import to_json
from newsdedup.templates import TemplateCounter

from .conftest import make_article, tree_digest

HEADER = "Daily Example Courier\nHome | World | Business | Sport\n\n"
FOOTER = "\n\nSubscribe to the Courier for unlimited access\nCourier Media Ltd 2019\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A JSONL corpus over two chunks: planted copies, a site template, a broken line."""
    path = tmp_path_factory.mktemp("parallel") / "corpus.jsonl"
    rng = random.Random(7)
    lines = []
    n = CHUNK + 60
    for i in range(n):
        source = i // 3 if i % 3 else i  # every third pair of records copies a story
        text = make_article(source, paragraphs=3)
        if rng.random() < 0.5:
            text = HEADER + text + FOOTER
        lines.append(json.dumps({"id": f"art{(i * 7919) % n:05d}", "text": text}))
    lines.insert(5, "{broken json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scan(corpus: Path, workers: int) -> str:
    result = CliRunner().invoke(
        cli, ["scan", str(corpus), "--format", "json", "--workers", str(workers)]
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


class TestWorkersOption:
    def test_one_and_two_workers_write_identical_json(self, corpus):
        """`--workers 1` and `--workers 2` write the same bytes, clusters included."""
        one, two = scan(corpus, 1), scan(corpus, 2)
        assert one == two
        report = json.loads(one)
        assert report["summary"]["clusters"] > 10
        assert report["summary"]["template_lines"] > 0
        assert len(report["skipped"]) == 1

    def test_workers_must_be_positive(self, corpus):
        """`--workers 0` is a usage error (exit 2)."""
        result = CliRunner().invoke(cli, ["scan", str(corpus), "--workers", "0"])
        assert result.exit_code == 2

    def test_input_is_untouched(self, corpus):
        """A parallel scan reads the corpus and writes nothing beside it."""
        before = tree_digest(corpus.parent)
        scan(corpus, 2)
        assert tree_digest(corpus.parent) == before


class TestScanCorpus:
    def test_streaming_scan_equals_scan_of_loaded_articles(self, corpus):
        """Two streaming passes over the files give what a scan of loaded articles gives."""
        loaded = load_corpus(corpus)
        config = DedupConfig()
        expected = find_duplicates(
            loaded.articles, config, skipped=loaded.skipped, warnings=loaded.warnings
        )
        assert to_json(scan_corpus(corpus, config, workers=2)) == to_json(expected)

    def test_library_workers_do_not_change_the_result(self, corpus):
        """`find_duplicates(workers=2)` equals `workers=1`, whatever the input order."""
        articles = list(load_corpus(corpus).articles)
        one = find_duplicates(articles, workers=1)
        random.Random(3).shuffle(articles)
        assert to_json(find_duplicates(articles, workers=2)) == to_json(one)

    def test_issues_are_reported_once_as_met(self, corpus):
        """The broken line reaches `on_issue` once, although the corpus is read twice."""
        seen = []
        scan_corpus(corpus, on_issue=seen.append)
        assert [(i.line, i.severity) for i in seen] == [(6, "skipped")]


class TestOrderedMap:
    def test_results_come_back_in_task_order(self):
        """Results of a pool arrive in the order the tasks were given."""
        tasks = list(range(-40, 0))
        assert list(ordered_map(abs, tasks, workers=2)) == [abs(t) for t in tasks]

    def test_input_is_read_lazily(self):
        """Only a few tasks are read ahead of the results taken."""
        pulled = []

        def tasks():
            for t in range(1000):
                pulled.append(t)
                yield t

        results = ordered_map(abs, tasks(), workers=2)
        taken = list(itertools.islice(results, 3))
        assert taken == [0, 1, 2]
        assert len(pulled) < 20
        results.close()

    def test_chunked_keeps_every_item_in_order(self):
        """Chunks concatenate back to the input."""
        parts = list(chunked(range(10), 4))
        assert [len(p) for p in parts] == [4, 4, 2]
        assert list(itertools.chain.from_iterable(parts)) == list(range(10))


def _templates_both_ways(texts: list[str], chunk: int) -> tuple[frozenset[int], frozenset[int]]:
    """Return the templates KeyCounter learns from chunks of `texts`, and TemplateCounter's."""
    config = CleanConfig()
    reference = TemplateCounter(config)
    for text in texts:
        reference.add(text)
    counter = KeyCounter()
    for part in chunked(texts, chunk):
        counter.add(count_line_keys(part, config))
    return counter.templates(config), reference.templates()


class TestKeyCounter:
    def test_chunked_counts_learn_the_same_templates_as_template_counter(self, corpus):
        """Line keys counted per chunk and summed give `TemplateCounter`'s templates."""
        got, want = _templates_both_ways([a.text for a in load_corpus(corpus).articles], 50)
        assert got == want
        assert got

    @pytest.mark.parametrize("run_keys", [7, 1 << 20])
    def test_shared_sentences_are_templates_only_beside_furniture(self, monkeypatch, run_keys):
        """A short quote that six copies share is not furniture; footer sentences next to a
        menu are, as `TemplateCounter` decides (the scan used to strip both)."""
        from newsdedup import parallel
        from newsdedup.canonical import canonicalize
        from newsdedup.templates import line_key

        monkeypatch.setattr(parallel, "RUN_KEYS", run_keys)
        quote = '"We will rebuild every school," the mayor said.'
        menu = "Home | World | Business | Sport"
        footer = ["Copyright 2026 Example Wire. All rights reserved.", "Contact us for reprints."]
        bottom = "About | Careers | Privacy"
        texts = []
        for n in range(40):
            body = [f"Paragraph {n} of a story about topic {n % 7}, told at some length here."] * 2
            if n % 6 == 0:
                body.insert(1, quote)
            texts.append("\n".join([menu, *body, *footer, bottom]))
        got, want = _templates_both_ways(texts, 3)
        assert got == want
        keys = {line: line_key(canonicalize(line)) for line in [quote, menu, *footer]}
        assert keys[quote] not in got
        assert {keys[menu], keys[footer[0]], keys[footer[1]]} <= got

    def test_runs_merge_to_exact_counts(self, monkeypatch):
        """With tiny runs (many merges), the counts are those of a plain Counter."""
        import collections

        import numpy as np

        from newsdedup import parallel

        monkeypatch.setattr(parallel, "RUN_KEYS", 7)
        rng = np.random.default_rng(0)
        counter, reference = KeyCounter(), collections.Counter()
        for _ in range(300):
            keys = np.unique(rng.integers(0, 60, size=rng.integers(1, 12))).astype(np.uint64)
            counts = rng.integers(1, 4, size=len(keys)).astype(np.int64)
            counter.add(parallel.KeyCounts(docs=3, keys=keys, counts=counts))
            reference.update({int(k): int(c) for k, c in zip(keys, counts, strict=True)})
        assert len(counter._runs) > 1  # merging happened along the way
        config = CleanConfig(template_min_docs=2, template_df=0.1)  # floor: 90 of 900 docs
        want = frozenset(k for k, c in reference.items() if c >= 90)
        assert want
        assert want != frozenset(reference)
        assert counter.templates(config) == want


class _Stop(Exception):
    pass


def test_a_signal_during_submit_waits_for_the_pool_to_register_its_worker(monkeypatch):
    """SIGTERM while the pool starts a worker used to strand that worker (it waited for tasks
    forever). The signal is now put off until submit returns, then acted on."""
    import multiprocessing
    import os
    import signal
    from concurrent.futures import ProcessPoolExecutor

    from newsdedup.parallel import Workers

    real_submit = ProcessPoolExecutor.submit
    submitted = []

    def submit(self, fn, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # lands while the pool is starting up
        future = real_submit(self, fn, *args, **kwargs)
        submitted.append(future)
        return future

    def stop(signum, frame):
        raise _Stop

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(_Stop), Workers(2) as pool:
            list(pool.map(abs, [-1, -2, -3]))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(submitted) == 1  # the first submit finished; the signal stopped the map after it
    assert signal.getsignal(signal.SIGTERM) is previous
    assert not multiprocessing.active_children()
