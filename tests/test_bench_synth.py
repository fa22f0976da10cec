"""Tests for the synthetic benchmark builder (bench/synth.py) and scorer (bench/score.py)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load(name: str) -> ModuleType:
    """Import a bench script as a module without making bench/ a package."""
    return load_bench(name)


synth = _load("synth")
score = _load("score")

DATA_DIR = Path(os.environ.get("NEWSDEDUP_DATA_DIR", synth.DEFAULT_DATA_DIR))
N = 300


def _require_data() -> None:
    """Skip the calling test when the shared benchmark data is absent."""
    if not (DATA_DIR / "raw" / "bbc-fulltext").is_dir():
        pytest.skip(f"benchmark data not found at {DATA_DIR}")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build one tiny corpus with gold bodies for the module's tests."""
    _require_data()
    out = tmp_path_factory.mktemp("synth")
    synth.build_corpus(N, seed=7, out=out, data_dir=DATA_DIR, bodies=True)
    return out


def _corpus(out: Path) -> dict[str, dict[str, str]]:
    """Read corpus.jsonl into a dict by id."""
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    return {rec["id"]: rec for rec in map(json.loads, lines)}


def _bodies(out: Path) -> dict[str, str]:
    """Read bodies.jsonl into a dict by id."""
    lines = (out / "bodies.jsonl").read_text(encoding="utf-8").splitlines()
    return {rec["id"]: rec["body"] for rec in map(json.loads, lines)}


@pytest.mark.data
@pytest.mark.slow
class TestBuildCorpus:
    def test_same_arguments_give_identical_bytes(self, built: Path, tmp_path: Path) -> None:
        """Two builds with the same n and seed write byte-identical files."""
        synth.build_corpus(N, seed=7, out=tmp_path, data_dir=DATA_DIR, bodies=True)
        for name in ("corpus.jsonl", "truth.json", "meta.json", "bodies.jsonl"):
            assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name

    def test_cli_under_another_hash_seed_gives_identical_bytes(
        self, built: Path, tmp_path: Path
    ) -> None:
        """A CLI run with a fixed PYTHONHASHSEED writes the same bytes as this process did."""
        env = {**os.environ, "PYTHONHASHSEED": "12345"}
        cmd = [sys.executable, str(BENCH / "synth.py"), "--n", str(N), "--seed", "7"]
        cmd += ["--out", str(tmp_path), "--data-dir", str(DATA_DIR), "--bodies"]
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        for name in ("corpus.jsonl", "truth.json", "meta.json", "bodies.jsonl"):
            assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name

    def test_records_have_the_contract_fields(self, built: Path) -> None:
        """Every record has id, text, site and date, ids are unique and n is exact."""
        corpus = _corpus(built)
        assert len(corpus) == N
        for rec in corpus.values():
            assert list(rec) == ["id", "text", "site", "date"]
            assert rec["text"].strip()
            assert len(rec["date"]) == 10

    def test_truth_ids_exist_in_corpus(self, built: Path) -> None:
        """Every truth cluster has >= 2 distinct ids, all present in the corpus."""
        corpus = _corpus(built)
        clusters = json.loads((built / "truth.json").read_text(encoding="utf-8"))["clusters"]
        assert clusters
        seen: set[str] = set()
        for members in clusters:
            assert len(members) >= 2
            assert members == sorted(members)
            assert not seen & set(members)
            seen |= set(members)
            assert all(m in corpus for m in members)

    def test_copies_share_body_text_with_their_group(self, built: Path) -> None:
        """Planted pairs mostly contain each other on body text, on different sites."""
        corpus = _corpus(built)
        bodies = _bodies(built)
        clusters = json.loads((built / "truth.json").read_text(encoding="utf-8"))["clusters"]
        vocab: dict[str, int] = {}
        scores = []
        for members in clusters:
            assert len({corpus[m]["site"] for m in members}) == len(members)
            for a, b in itertools.combinations(members, 2):
                sa = synth.shingle_hashes(bodies[a], vocab=vocab)
                sb = synth.shingle_hashes(bodies[b], vocab=vocab)
                scores.append(synth.jaccard_containment(sa, sb)[1])
        assert min(scores) >= 0.4
        assert sum(s >= 0.8 for s in scores) / len(scores) >= 0.8

    def test_non_truth_pairs_are_dissimilar(self, built: Path) -> None:
        """No two articles from different groups share much body text."""
        bodies = _bodies(built)
        clusters = json.loads((built / "truth.json").read_text(encoding="utf-8"))["clusters"]
        group = {m: i for i, members in enumerate(clusters) for m in members}
        vocab: dict[str, int] = {}
        ids = sorted(bodies)
        sigs = {i: synth.shingle_hashes(bodies[i], vocab=vocab) for i in ids}
        worst = 0.0
        for a, b in itertools.combinations(ids, 2):
            if a in group and group.get(a) == group.get(b):
                continue
            worst = max(worst, synth.jaccard_containment(sigs[a], sigs[b])[0])
        assert worst < 0.3

    def test_meta_counts_match_outputs(self, built: Path) -> None:
        """meta.json records n, seed and counts consistent with truth.json."""
        meta = json.loads((built / "meta.json").read_text(encoding="utf-8"))
        clusters = json.loads((built / "truth.json").read_text(encoding="utf-8"))["clusters"]
        assert meta["n"] == N
        assert meta["seed"] == 7
        assert meta["counts"]["clusters"] == len(clusters)
        assert meta["counts"]["articles_in_clusters"] == sum(map(len, clusters))
        assert set(meta["source_digests"]) == {"bbc-fulltext", "reuters21578", "scrapinghub-aeb"}

    def test_folder_format_writes_one_file_per_article(self, built: Path, tmp_path: Path) -> None:
        """The folder layout holds the same texts as the JSONL layout."""
        synth.build_corpus(N, seed=7, out=tmp_path, fmt="folder", data_dir=DATA_DIR)
        corpus = _corpus(built)
        files = sorted((tmp_path / "articles").glob("*/*.txt"))
        assert len(files) == N
        for path in files[:50]:
            rec = corpus[path.stem]
            assert path.parent.name == rec["site"]
            assert path.read_text(encoding="utf-8") == rec["text"]
        assert (tmp_path / "truth.json").read_bytes() == (built / "truth.json").read_bytes()

    def test_missing_data_dir_raises_file_not_found(self, tmp_path: Path) -> None:
        """An absent data dir raises FileNotFoundError naming it."""
        missing = tmp_path / "nowhere"
        with pytest.raises(FileNotFoundError, match="nowhere"):
            synth.build_corpus(10, seed=0, out=tmp_path / "out", data_dir=missing)


@pytest.mark.data
@pytest.mark.slow
class TestSplicedArticles:
    def test_articles_beyond_the_source_pool_stay_distinct(self) -> None:
        """Spliced articles, used once sources run out, stay below Jaccard 0.3 with each other."""
        _require_data()
        pool, _ = synth.build_pool(DATA_DIR.resolve(), 3)
        plan = synth.make_plan(2 * len(pool.sources) + 2000, len(pool.sources), 3)
        assert plan.copies_per_base.size > len(pool.sources) + 120
        vocab: dict[str, int] = {}
        spliced = [
            synth._base(pool, plan, 3, b) for b in range(len(pool.sources), len(pool.sources) + 120)
        ]
        assert all(base.spliced for base in spliced)
        sigs = [synth.shingle_hashes("\n".join(b.paragraphs), vocab=vocab) for b in spliced]
        worst = max(synth.jaccard_containment(a, b)[0] for a, b in itertools.combinations(sigs, 2))
        assert worst < 0.3


class TestPairwiseScores:
    def test_perfect_prediction_scores_one(self) -> None:
        """Predicting the truth exactly gives precision, recall and F1 of 1."""
        truth = [["a", "b", "c"], ["d", "e"]]
        got = score.pairwise_scores([["e", "d"], ["c", "b", "a"]], truth)
        assert got == {
            "precision": 1.0,
            "recall": 1.0,
            "f1": 1.0,
            "pred_pairs": 4,
            "truth_pairs": 4,
            "common_pairs": 4,
        }

    def test_partial_overlap_gives_exact_fractions(self) -> None:
        """Merging two truth groups and splitting one gives hand-counted pair ratios."""
        truth = [["a", "b", "c", "d"], ["e", "f"]]
        pred = [["a", "b"], ["c", "d", "e", "f"], ["x", "y"]]
        got = score.pairwise_scores(pred, truth)
        # pred pairs: 1 + 6 + 1 = 8; truth pairs: 6 + 1 = 7; common: ab, cd, ef = 3
        assert got["pred_pairs"] == 8
        assert got["truth_pairs"] == 7
        assert got["common_pairs"] == 3
        assert got["precision"] == pytest.approx(3 / 8)
        assert got["recall"] == pytest.approx(3 / 7)
        assert got["f1"] == pytest.approx(2 * (3 / 8) * (3 / 7) / (3 / 8 + 3 / 7))

    def test_no_predicted_pairs_has_precision_one_and_recall_zero(self) -> None:
        """An empty prediction is precise but recalls nothing."""
        got = score.pairwise_scores([], [["a", "b"]])
        assert (got["precision"], got["recall"], got["f1"]) == (1.0, 0.0, 0.0)

    def test_no_truth_pairs_has_recall_one(self) -> None:
        """With no truth pairs, recall is 1 and every predicted pair is a false positive."""
        got = score.pairwise_scores([["a", "b"]], [])
        assert (got["precision"], got["recall"], got["f1"]) == (0.0, 1.0, 0.0)

    def test_both_empty_is_perfect(self) -> None:
        """No pairs predicted and none true scores 1 everywhere."""
        got = score.pairwise_scores([], [])
        assert (got["precision"], got["recall"], got["f1"]) == (1.0, 1.0, 1.0)

    def test_id_in_two_clusters_is_rejected(self) -> None:
        """An id listed in two predicted clusters raises ValueError."""
        with pytest.raises(ValueError, match="'a'"):
            score.pairwise_scores([["a", "b"], ["a", "c"]], [])

    def test_large_cluster_is_counted_without_enumerating_pairs(self) -> None:
        """A 200k-member cluster scores quickly and exactly."""
        ids = [f"a{i}" for i in range(200_000)]
        got = score.pairwise_scores([ids], [ids[:100_000], ids[100_000:]])
        half = 100_000 * 99_999 // 2
        assert got["pred_pairs"] == 200_000 * 199_999 // 2
        assert got["common_pairs"] == 2 * half
        assert got["recall"] == 1.0


class TestClustersFromReport:
    def test_reads_newsdedup_report_contract(self) -> None:
        """Representative plus members become one sorted cluster; singletons are dropped."""
        report = {
            "clusters": [
                {
                    "id": 1,
                    "representative": "b",
                    "members": [{"id": "b", "similarity": 1.0}, {"id": "a", "similarity": 0.9}],
                },
                {"id": 2, "representative": "z", "members": [{"id": "y", "similarity": 0.8}]},
                {"id": 3, "representative": "q", "members": []},
            ]
        }
        assert score.clusters_from_report(report) == [["a", "b"], ["y", "z"]]

    def test_reads_truth_style_lists(self) -> None:
        """A truth.json-style list of id lists is accepted too."""
        assert score.clusters_from_report({"clusters": [["b", "a"], ["c"]]}) == [["a", "b"]]

    def test_rejects_a_report_without_clusters(self) -> None:
        """A JSON object without a clusters list raises ValueError."""
        with pytest.raises(ValueError, match="clusters"):
            score.clusters_from_report({"pairs": []})

    def test_cli_prints_scores(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The CLI reads both files and prints precision, recall and F1."""
        report = tmp_path / "report.json"
        truth = tmp_path / "truth.json"
        report.write_text(
            json.dumps({"clusters": [{"representative": "a", "members": [{"id": "b"}]}]})
        )
        truth.write_text(json.dumps({"clusters": [["a", "b", "c"]]}))
        assert score.main([str(report), str(truth), "--json"]) == 0
        got = json.loads(capsys.readouterr().out)
        assert got["precision"] == 1.0
        assert got["recall"] == pytest.approx(1 / 3)
