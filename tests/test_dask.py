"""`scan --dask`: a real LocalCluster with 2 worker processes gives the local run's bytes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup import LoadConfig, find_duplicates, load_corpus, to_json
from newsdedup.cli import cli

from .conftest import SEEDS, make_article
from .fastcorpus import fast_article

distributed = pytest.importorskip("distributed", reason="Dask is not installed (pip install dask)")


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster with 2 single-threaded worker processes.

    Started as `--dask local:2` starts one: its HTTP server on a free port, not on 8787, which
    another Dask cluster on this machine (a parallel test run) may hold."""
    from newsdedup.distributed import local_cluster

    cluster = local_cluster(2)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


ALL = LoadConfig(glob="*")  # JSONL files and text files alike


def local_json(path: Path) -> str:
    loaded = load_corpus(path, config=ALL)
    return to_json(
        find_duplicates(loaded.articles, skipped=loaded.skipped, warnings=loaded.warnings)
    )


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def corpus_5k(tmp_path_factory) -> Path:
    """5,000 articles in 8 JSONL files and a folder of text files, with copies, cut copies,
    a shared template line, a broken JSON line, a duplicate id and an empty file."""
    root = tmp_path_factory.mktemp("c5k")
    nav = "Read more stories from the Daily Planet newsroom team"
    n = 0
    for part in range(8):
        lines = []
        for _ in range(600):
            source = n - 1 if n % 10 == 9 else n  # every tenth copies the one before
            text = fast_article(source, words=60)
            if n % 20 == 19:
                text = text.rsplit("\n\n", 1)[0]
            if n % 3 == 0:
                text = f"{nav}\n\n{text}"
            lines.append(json.dumps({"id": f"j{n:05d}", "text": text}))
            n += 1
        if part == 3:
            lines.insert(7, '{"id": "broken", "text": "cut off')
            lines.append(json.dumps({"id": "j00005", "text": "a second record with an old id"}))
        (root / f"part{part}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = root / "files"
    folder.mkdir()
    for _ in range(200):
        (folder / f"f{n:05d}.txt").write_text(fast_article(n - 4000, words=60), encoding="utf-8")
        n += 1
    (folder / "empty.txt").write_bytes(b"")
    return root


class TestDaskScan:
    def test_seeds_give_the_local_json_bytes(self, scheduler):
        """On seeds/, the CLI with --dask SCHEDULER writes the same JSON as without."""
        local = run("scan", SEEDS, "--format", "json")
        remote = run("scan", SEEDS, "--format", "json", "--dask", scheduler)
        assert remote.exit_code == 0, remote.stderr
        assert remote.stdout == local.stdout
        assert json.loads(remote.stdout)["summary"]["clusters"] == 1

    def test_two_folders_give_the_local_ids_and_bytes(self, scheduler, tmp_path):
        """Several folders: ids lead with each folder's name, on the workers as locally,
        also for a folder given through a symbolic link (its name, not its target's)."""
        for day in ("day1", "day2"):
            (tmp_path / day).mkdir()
            for n in (1, 2):
                (tmp_path / day / f"{n}.txt").write_text(make_article(n), encoding="utf-8")
        (tmp_path / "latest").symlink_to(tmp_path / "day2")
        days = [tmp_path / "day1", tmp_path / "latest"]
        local = run("scan", *days, "--format", "json")
        remote = run("scan", *days, "--format", "json", "--dask", scheduler)
        assert remote.exit_code == 0, remote.stderr
        assert remote.stdout == local.stdout
        ids = sorted(m["id"] for c in json.loads(remote.stdout)["clusters"] for m in c["members"])
        assert ids == ["day1/1.txt", "day1/2.txt", "latest/1.txt", "latest/2.txt"]

    def test_5k_corpus_gives_the_local_json_bytes(self, scheduler, corpus_5k):
        """On a generated 5k corpus, Dask and the local run give identical JSON."""
        from newsdedup.distributed import scan_dask

        issues, result = scan_dask([corpus_5k], scheduler=scheduler, load=ALL)
        remote = to_json(result)
        assert remote == local_json(corpus_5k)
        report = json.loads(remote)
        assert report["summary"]["articles"] == 5000
        assert report["summary"]["duplicates"] >= 400
        assert report["summary"]["template_lines"] >= 1
        assert {(s["source"], s.get("line")) for s in report["skipped"]} >= {
            ("part3.jsonl", 8),
            ("files/empty.txt", None),
        }
        assert any("duplicate id 'j00005'" in i.problem for i in issues)

    @pytest.mark.parametrize("level", ["story", "both"])
    def test_story_levels_give_the_local_json_bytes(self, scheduler, level):
        """--level story/both on Dask: the workers make the story docs from the cleaning they
        sign, the client groups them; the JSON is the local run's (seeds: one story of 5)."""
        local = run("scan", SEEDS, "--format", "json", "--level", level)
        remote = run("scan", SEEDS, "--format", "json", "--level", level, "--dask", scheduler)
        assert remote.exit_code == 0, remote.stderr
        assert remote.stdout == local.stdout
        assert [len(s["members"]) for s in json.loads(remote.stdout)["stories"]] == [5]

    def test_5k_corpus_stories_give_the_local_json_bytes(self, scheduler, corpus_5k, tmp_path):
        """Stories from partitions whose records run against id order (the workers' docs
        come back in read order, the local run's in id order) are the local run's, titles
        and dates included (dates also keep stories apart)."""
        from newsdedup.distributed import scan_dask

        records = [
            line
            for part in sorted(corpus_5k.glob("part*.jsonl"))
            for line in part.read_text(encoding="utf-8").splitlines()
        ]
        for n, line in enumerate(records):
            if n % 4 == 0 and line.endswith("}"):
                record = json.loads(line)
                record.update(title=f"Title {n}", date=f"2024-0{1 + n % 9}-1{n % 10}")
                records[n] = json.dumps(record)
        records.reverse()
        for n, name in enumerate(("a.jsonl", "b.jsonl", "c.jsonl")):
            part = records[n * len(records) // 3 : (n + 1) * len(records) // 3]
            (tmp_path / name).write_text("\n".join(part) + "\n", encoding="utf-8")
        loaded = load_corpus(tmp_path, config=ALL)
        local = find_duplicates(
            loaded.articles, skipped=loaded.skipped, warnings=loaded.warnings, level="both"
        )
        _, result = scan_dask([tmp_path], scheduler=scheduler, load=ALL, level="both")
        assert to_json(result) == to_json(local)
        assert len(result.stories) >= 100
        assert len(result.metadata) >= 1000

    def test_one_big_jsonl_file_is_cut_into_partitions(self, scheduler, tmp_path):
        """A single JSONL file is cut into byte ranges of whole lines, ~4 a worker, so every
        worker cleans part of it; ids, line numbers, a broken line and a duplicate id in a
        later range come out as in the local run."""
        from newsdedup.distributed import partitions, scan_dask
        from newsdedup.load import Span

        lines = []
        for n in range(9000):
            text = fast_article(n - 1 if n % 10 == 9 else n, words=60)
            lines.append(json.dumps({"id": f"r{n:05d}", "text": text}))
        lines.insert(7000, '{"id": "broken", "text": "cut off')
        lines.insert(8000, json.dumps({"id": "r00012", "text": "an old id again"}))
        corpus = tmp_path / "one.jsonl"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        parts = partitions([corpus], ALL, workers=2)
        assert len(parts) >= 4
        assert all(isinstance(p, Span) for p in parts)
        starts = [p.line for p in parts if isinstance(p, Span)]
        assert starts[0] == 1
        assert starts == sorted(set(starts))
        issues, result = scan_dask([corpus], scheduler=scheduler, load=ALL)
        assert to_json(result) == local_json(corpus)
        assert [(i.source, i.line) for i in result.skipped] == [
            ("one.jsonl", 7001),  # the broken line
            ("one.jsonl", 8001),  # the duplicate id
        ]
        assert [(i.line, i.problem) for i in issues if "duplicate" in i.problem] == [
            (8001, "duplicate id 'r00012'; the first record wins")
        ]

    def test_story_memory_is_checked_before_the_workers_clean(self, scheduler, corpus_5k):
        """A story level that would not fit is refused from the load's character count, as a
        local run refuses it (exit 2, one line), before any worker cleans."""
        result = run(
            "scan", corpus_5k, "--glob", "*", "--level", "both", "--max-memory", "1M",
            "--dask", scheduler,
        )  # fmt: skip
        assert result.exit_code == 2
        assert "story terms of 5,000 articles" in result.stderr

    def test_strict_stops_at_the_first_bad_record_like_the_local_run(self, scheduler, corpus_5k):
        """--strict with --dask fails with the local run's one-line error (exit 3)."""
        local = run("scan", corpus_5k, "--glob", "*", "--strict")
        remote = run("scan", corpus_5k, "--glob", "*", "--strict", "--dask", scheduler)
        assert remote.exit_code == local.exit_code == 3
        assert remote.stderr == local.stderr

    def test_strict_stops_at_a_duplicate_id_like_the_local_run(self, scheduler, tmp_path):
        """A repeated id under --strict stops a Dask scan too (it went on), with the local
        run's message and exit code."""
        rows = [{"id": "x", "text": fast_article(1, words=60)}, {"id": "x", "text": "again"}]
        (tmp_path / "c.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
        )
        local = run("scan", tmp_path / "c.jsonl", "--strict")
        remote = run("scan", tmp_path / "c.jsonl", "--strict", "--dask", scheduler)
        assert remote.exit_code == local.exit_code == 3
        assert remote.stderr == local.stderr == "error: c.jsonl:2: duplicate id 'x'\n"

    def test_bad_scheduler_value_is_a_usage_error(self):
        """--dask local:x is refused with exit 2 before anything starts."""
        result = run("scan", SEEDS, "--dask", "local:x")
        assert result.exit_code == 2
        assert "local:N" in result.stderr


def test_local_cluster_starts_while_another_holds_port_8787():
    """`--dask local` beside another Dask cluster (whose dashboard holds 8787): same JSON, and
    nothing on stderr (Dask used to warn "Port 8787 is already in use"; under this suite's
    -W error the cluster did not start at all)."""
    with socket.socket() as holder:
        try:
            holder.bind(("127.0.0.1", 8787))
            holder.listen(1)
        except OSError:
            pass  # something on this machine holds it already: the case under test
        remote = run("scan", SEEDS, "--format", "json", "--dask", "local:1")
    local = run("scan", SEEDS, "--format", "json")
    assert remote.exit_code == 0, remote.stderr or remote.exception
    assert remote.stderr == ""
    assert remote.stdout == local.stdout


def test_a_tls_scheduler_is_a_usage_error_not_a_crash():
    """tls:// made Dask's Client raise TypeError (no ssl_context): an internal error, exit 4."""
    result = run("scan", str(SEEDS), "--dask", "tls://127.0.0.1:8786", "-q")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: --dask tls://127.0.0.1:8786: a TLS scheduler needs")
