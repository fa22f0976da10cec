"""`newsdedup scan` end to end: clusters, formats, bad input, exit codes, input untouched."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli

from .conftest import SEEDS, make_article, tree_digest

LEFTOVERS_A = "Home | World | Asia | Business\n\n- Advertisement -\n\n"
FOOTER_A = "\n\nMost Popular\n\nSome other headline here today\n\nAnother headline about things\n"
LEFTOVERS_B = "Sign up now: Get insights on Asia's fast-moving developments\n\n"
FOOTER_B = "\n\nWould you like to comment on this article?\n\nPublished by Example Media Ltd.\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def scan_json(path: Path, *extra: str) -> dict:
    result = run("scan", str(path), "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def clusters_of(report: dict) -> list[list[str]]:
    return [sorted(m["id"] for m in c["members"]) for c in report["clusters"]]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with an exact copy, a copy with other leftovers, a half copy and strangers."""
    root = tmp_path / "corpus"
    (root / "site_a").mkdir(parents=True)
    (root / "site_b").mkdir()
    story = make_article(1)
    (root / "site_a" / "story.txt").write_text(LEFTOVERS_A + story + FOOTER_A, encoding="utf-8")
    (root / "site_b" / "story.txt").write_text(LEFTOVERS_B + story + FOOTER_B, encoding="utf-8")
    (root / "exact.txt").write_text(story, encoding="utf-8")
    half = "\n\n".join(story.split("\n\n")[:4])
    (root / "half.txt").write_text(half, encoding="utf-8")
    for seed in (2, 3, 4):
        (root / f"other{seed}.txt").write_text(make_article(seed), encoding="utf-8")
    return root


class TestScanClusters:
    def test_seeds_form_exactly_one_cluster_of_000_and_001(self):
        """On seeds/ with defaults, 000 and 001 are the only copies."""
        report = scan_json(SEEDS)
        assert clusters_of(report) == [["000_9e2556e38fb8484b.txt", "001_23e261e2bfe35961.txt"]]
        assert report["summary"] == report["summary"] | {
            "articles": 5,
            "clusters": 1,
            "duplicates": 1,
            "duplicate_rate": 0.2,
            "skipped": 0,
        }

    def test_copies_with_leftovers_exact_and_half_copy_cluster_together(self, corpus):
        """Exact copy, copies in other templates and a copy cut in half are one cluster."""
        report = scan_json(corpus)
        assert clusters_of(report) == [
            ["exact.txt", "half.txt", "site_a/story.txt", "site_b/story.txt"]
        ]
        assert report["summary"]["duplicates"] == 3
        assert report["summary"]["articles"] == 7

    def test_half_copy_is_admitted_by_containment(self, corpus):
        """A copy cut in half carries the containment score that admitted it."""
        report = scan_json(corpus)
        half = next(m for m in report["clusters"][0]["members"] if m["id"] == "half.txt")
        assert half["similarity"] == 1.0

    def test_unrelated_articles_stay_singletons(self, tmp_path):
        """Articles that share no passages form no cluster."""
        for seed in range(5):
            (tmp_path / f"a{seed}.txt").write_text(make_article(100 + seed), encoding="utf-8")
        report = scan_json(tmp_path)
        assert report["clusters"] == []
        assert report["summary"]["duplicate_rate"] == 0.0

    def test_representative_is_longest_clean_text(self, corpus):
        """The full copy with the most clean text is the representative, not the half copy."""
        report = scan_json(corpus)
        assert report["clusters"][0]["representative"] != "half.txt"

    def test_params_report_bands_and_rows(self):
        """The JSON names the LSH bands and rows derived from the threshold."""
        params = scan_json(SEEDS)["params"]
        assert params["bands"] * params["rows"] <= params["num_perm"]
        assert params["minhash_scheme"] == "affine32"


class TestScanFormats:
    def test_csv_has_one_row_per_article(self, corpus):
        """CSV: header plus one row per article, singletons with empty cluster fields."""
        result = run("scan", str(corpus), "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
        assert len(rows) == 7
        assert {r["cluster"] for r in rows if r["id"].startswith("other")} == {""}

    def test_jsonl_rows_name_cluster_and_representative(self, corpus):
        """JSONL: one object per article with id, cluster, representative, similarity."""
        result = run("scan", str(corpus), "--format", "jsonl")
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(rows) == 7
        assert set(rows[0]) == {"id", "cluster", "representative", "similarity", "via"}

    def test_table_names_members_and_summary(self):
        """The table lists the cluster's members and a summary line."""
        result = run("scan", str(SEEDS))
        assert "000_9e2556e38fb8484b.txt" in result.stdout
        summary = result.stdout.splitlines()[-1]
        assert summary == "5 articles · 1 duplicate cluster · 1 duplicate (20.0%)"

    def test_table_folds_long_ids_to_the_terminal_width(self, tmp_path):
        """An id wider than the terminal folds inside its column; no line overflows."""
        text = (SEEDS / "000_9e2556e38fb8484b.txt").read_text(encoding="utf-8")
        long_name = "x" * 150 + ".txt"
        for name in (long_name, "b.txt"):
            (tmp_path / name).write_text(text, encoding="utf-8")
        result = CliRunner(env={"COLUMNS": "60"}).invoke(cli, ["scan", str(tmp_path)])
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 60
        cells = [ln.split("│")[1].strip() for ln in lines if ln.count("│") == 2]
        assert "".join(c for c in cells if c != "b.txt") == long_name

    def test_table_shows_title_and_date_under_each_id(self, tmp_path):
        """JSONL titles and dates are printed under the id they belong to."""
        body = (SEEDS / "000_9e2556e38fb8484b.txt").read_text(encoding="utf-8")
        corpus = tmp_path / "c.jsonl"
        rows = [
            {"id": "a", "text": body, "title": "Lavrov in Pyongyang", "date": "2023-10-19"},
            {"id": "b", "text": body},
        ]
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        lines = run("scan", str(corpus)).stdout.splitlines()
        row = next(n for n, ln in enumerate(lines) if "│ a " in ln)
        assert "Lavrov in Pyongyang · 2023-10-19" in lines[row + 1]

    def test_summary_counts_in_the_plural(self, corpus):
        """Counts other than one take the plural."""
        summary = run("scan", str(corpus)).stdout.splitlines()[-1]
        assert summary == "7 articles · 1 duplicate cluster · 3 duplicates (42.9%)"

    def test_output_file_written_and_input_untouched(self, corpus, tmp_path):
        """--output writes the report to a file; the input tree is byte-for-byte unchanged."""
        before = tree_digest(corpus)
        out = tmp_path / "report.json"
        result = run("scan", str(corpus), "--format", "json", "-o", str(out))
        assert result.exit_code == 0
        assert result.stdout == ""
        assert json.loads(out.read_text())["summary"]["articles"] == 7
        assert tree_digest(corpus) == before

    def test_output_dash_is_stdout(self, corpus, tmp_path, monkeypatch):
        """-o - writes to stdout, as without -o (it wrote a file named '-')."""
        monkeypatch.chdir(tmp_path)
        result = run("scan", str(corpus), "--format", "json", "-o", "-")
        assert result.exit_code == 0
        assert result.stdout == run("scan", str(corpus), "--format", "json").stdout
        assert not (tmp_path / "-").exists()

    def test_output_through_a_symlink_keeps_the_link(self, corpus, tmp_path):
        """A symlink named by -o is written through: its target gets the report and the
        link stays a link (it was replaced by a plain file)."""
        target = tmp_path / "target.json"
        target.write_text("old", encoding="utf-8")
        link = tmp_path / "link.json"
        link.symlink_to(target)
        result = run("scan", str(corpus), "--format", "json", "-o", str(link))
        assert result.exit_code == 0
        assert link.is_symlink()
        assert json.loads(target.read_text())["summary"]["articles"] == 7

    def test_output_to_a_fifo_is_written_not_replaced(self, corpus, tmp_path):
        """A named pipe (as /dev/stdout) is written to; renaming a file over it replaced the
        device for every later program."""
        import stat
        import threading

        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
        reader.start()
        result = run("scan", str(corpus), "--format", "json", "-o", str(fifo))
        reader.join(timeout=30)
        assert result.exit_code == 0
        assert stat.S_ISFIFO(fifo.stat().st_mode)
        assert json.loads(got[0])["summary"]["articles"] == 7

    @pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
    @pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "log"])
    def test_output_to_the_file_stdout_appends_to_is_appended_not_replaced(
        self, corpus, tmp_path, name
    ):
        """QA 12b: `-o /dev/stdout >> log` followed the link to the log file and renamed a
        new file over it: what the log held was lost, and what the shell wrote after went
        to a deleted file. The report now goes where stdout goes."""
        import subprocess
        import sys

        log = tmp_path / "log"
        log.write_text("old line\n", encoding="utf-8")
        command = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "-q"]
        command += ["--format", "csv", "-o", name]
        with log.open("a", encoding="utf-8") as out:
            done = subprocess.run(command, stdout=out, cwd=tmp_path, check=False)
            out.write("after\n")
        assert done.returncode == 0
        lines = log.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "old line"
        assert lines[1] == "id,cluster,representative,similarity,via"
        assert lines[-1] == "after"

    def test_output_to_a_descriptor_is_written_through_it(self, corpus, tmp_path):
        """/dev/fd/3 (a file the shell opened, `3> log`) is written through the descriptor:
        QA 13b, reopening it by name and appending left the descriptor's offset before the
        report, and the shell's next line overwrote it."""
        import subprocess
        import sys

        log = tmp_path / "log"
        scan = f'"{sys.executable}" -m newsdedup scan "{corpus}" -q --format csv -o /dev/fd/3'
        script = f'{{ echo first >&3; {scan}; echo after >&3; }} 3>"{log}"'
        done = subprocess.run(["sh", "-c", script], check=False)
        assert done.returncode == 0
        lines = log.read_text(encoding="utf-8").splitlines()
        assert lines[:2] == ["first", "id,cluster,representative,similarity,via"]
        assert lines[-1] == "after"
        assert len(lines) == 2 + 7 + 1

    @pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs /dev/shm")
    def test_a_link_of_ones_own_under_dev_is_replaced_as_any_link(self, corpus, tmp_path):
        """QA 13b: any link under /dev or /proc was appended to, so a report written twice
        through /dev/shm/r.json was no JSON."""
        target = tmp_path / "t.json"
        target.write_text('{"old": 1}\n', encoding="utf-8")
        link = Path("/dev/shm") / f"newsdedup-test-{os.getpid()}.json"
        link.symlink_to(target)
        try:
            for _ in range(2):
                assert run("scan", str(corpus), "--format", "json", "-o", str(link)).exit_code == 0
        finally:
            link.unlink()
        assert json.loads(target.read_text())["summary"]["articles"] == 7

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
    def test_a_report_to_a_stderr_that_cannot_be_written_is_exit_2(self, corpus):
        """QA 13b: `-o /dev/stderr 2>/dev/full` exited 0 with the report lost."""
        import subprocess
        import sys

        command = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "-q"]
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [*command, "--format", "csv", "-o", "/dev/stderr"], stderr=full, check=False
            )
        assert done.returncode == 2

    def test_a_report_into_an_input_under_another_name_is_refused(self, corpus, tmp_path):
        """QA 13b: `-o /dev/stdout >> link` where link is a hard link of an input article
        wrote the report into the input: the check compared paths, not files."""
        import subprocess
        import sys

        article = corpus / "exact.txt"
        before = article.read_bytes()
        link = tmp_path / "link.txt"
        os.link(article, link)
        command = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "-q"]
        with link.open("a") as out:
            done = subprocess.run(
                [*command, "--format", "csv", "-o", "/dev/stdout"],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert done.returncode == 2
        assert "refusing to overwrite the input article" in done.stderr
        assert article.read_bytes() == before

    def test_a_device_name_that_does_not_exist_is_not_made(self, corpus):
        """QA 13b: `-o /dev/stdot` (a typo) made a regular file under /dev when run as root."""
        name = f"/dev/newsdedup-no-such-{os.getpid()}"
        result = run("scan", str(corpus), "--format", "csv", "-o", name)
        assert result.exit_code == 2
        assert "no such device" in result.stderr
        assert not Path(name).exists()

    def test_a_closed_stdout_is_one_line_exit_2(self, corpus):
        """QA 13b: `scan ... >&-` was an internal error (exit 4, AttributeError)."""
        import subprocess
        import sys

        for fmt in ("table", "csv"):
            done = subprocess.run(
                [
                    "sh",
                    "-c",
                    f'"{sys.executable}" -m newsdedup scan "{corpus}" -q --format {fmt} >&-',
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 2
            assert done.stderr == "error: stdout: cannot write: it is closed\n"

    def test_output_gets_the_umask_mode_or_keeps_the_old_one(self, corpus, tmp_path):
        """A new report file is 0666 less the umask (it was 0600, from the temporary
        file); a report written over an old file keeps that file's mode."""
        old = os.umask(0o022)
        try:
            fresh = tmp_path / "fresh.json"
            run("scan", str(corpus), "--format", "json", "-o", str(fresh))
            kept = tmp_path / "kept.json"
            kept.write_text("{}", encoding="utf-8")
            kept.chmod(0o664)
            run("scan", str(corpus), "--format", "json", "-o", str(kept))
        finally:
            os.umask(old)
        assert fresh.stat().st_mode & 0o777 == 0o644
        assert kept.stat().st_mode & 0o777 == 0o664

    def test_output_in_a_missing_folder_makes_it(self, corpus, tmp_path):
        """-o into folders that do not exist makes them, as dedup --out does (it was an
        internal error, exit 4)."""
        out = tmp_path / "reports" / "today" / "r.json"
        result = run("scan", str(corpus), "--format", "json", "-o", str(out))
        assert result.exit_code == 0
        assert json.loads(out.read_text())["summary"]["articles"] == 7

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
    def test_a_full_stdout_is_one_line_not_an_internal_error(self, corpus):
        """Writing to a full device is an error naming stdout (exit 2), not exit 4."""
        import subprocess
        import sys

        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--format", "json"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert done.returncode == 2
        assert done.stderr == "error: stdout: cannot write: No space left on device\n"

    def test_output_refuses_to_overwrite_an_input(self, corpus):
        """--output pointing at an input file is a usage error and the file is unchanged."""
        target = corpus / "exact.txt"
        before = target.read_bytes()
        result = run("scan", str(corpus), "--format", "json", "-o", str(target))
        assert result.exit_code == 2
        assert "exact.txt" in result.stderr
        assert target.read_bytes() == before

    def test_jsonl_corpus_uses_id_field_and_line_fallback(self, tmp_path):
        """JSONL ids come from the id field, else FILE:LINE."""
        story = make_article(7)
        lines = [
            json.dumps({"id": "x1", "text": story}),
            json.dumps({"text": story}),
            json.dumps({"id": "x3", "text": make_article(8)}),
        ]
        path = tmp_path / "c.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = scan_json(path)
        assert clusters_of(report) == [["c.jsonl:2", "x1"]]

    def test_gzipped_jsonl_and_custom_fields(self, tmp_path):
        """`.jsonl.gz` is read, with --id-field and --text-field."""
        import gzip

        story = make_article(9)
        path = tmp_path / "c.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": "a", "body": story}) + "\n")
            handle.write(json.dumps({"key": "b", "body": story}) + "\n")
        report = scan_json(path, "--id-field", "key", "--text-field", "body")
        assert clusters_of(report) == [["a", "b"]]


class TestBadInput:
    @pytest.fixture
    def messy(self, tmp_path: Path) -> Path:
        root = tmp_path / "messy"
        root.mkdir()
        (root / "good1.txt").write_text(make_article(11), encoding="utf-8")
        (root / "good2.txt").write_text(make_article(11), encoding="utf-8")
        (root / "empty.txt").write_bytes(b"")
        (root / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
        (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 10)
        (root / "latin1.txt").write_bytes(make_article(12).encode() + " caf\xe9 ".encode("latin-1"))
        return root

    def test_bad_files_are_skipped_with_one_line_each(self, messy):
        """Empty, blank and binary files are skipped, each named on one stderr line."""
        before = tree_digest(messy)
        result = run("scan", str(messy), "--format", "json")
        assert result.exit_code == 0
        report = json.loads(result.stdout)
        skipped = {s["source"]: s["problem"] for s in report["skipped"]}
        assert set(skipped) == {"empty.txt", "blank.txt", "binary.txt"}
        assert "NUL" in skipped["binary.txt"]
        for name in skipped:
            assert sum(name in line for line in result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr
        assert tree_digest(messy) == before

    def test_non_utf8_file_is_decoded_with_a_warning(self, messy):
        """A Latin-1 file is still read, and a warning names it."""
        result = run("scan", str(messy), "--format", "json")
        report = json.loads(result.stdout)
        assert report["summary"]["articles"] == 3
        assert any(w["source"] == "latin1.txt" for w in report["warnings"])
        assert "latin1.txt" in result.stderr

    def test_strict_stops_at_first_bad_file_with_exit_3(self, messy):
        """--strict turns the first skipped file into an error naming it (exit 3)."""
        before = tree_digest(messy)
        result = run("scan", str(messy), "--strict")
        assert result.exit_code == 3
        assert result.stderr.startswith("error: ")
        assert "binary.txt" in result.stderr or "blank.txt" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert tree_digest(messy) == before

    @pytest.mark.parametrize("workers", ["1", "2"])
    def test_strict_stops_at_a_duplicate_id_without_saying_the_first_wins(self, tmp_path, workers):
        """A repeated JSONL id under --strict is an error at its line (exit 3); the message
        does not say "the first record wins", since nothing goes on."""
        rows = [{"id": "ok", "text": make_article(1, 40)}, {"id": "ok", "text": "again"}]
        (tmp_path / "c.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
        )
        result = run("scan", str(tmp_path / "c.jsonl"), "--strict", "--workers", workers)
        assert result.exit_code == 3
        assert result.stderr == "error: c.jsonl:2: duplicate id 'ok'\n"

    @pytest.mark.parametrize("flags", [[], ["--no-boilerplate"]])
    def test_six_copies_of_one_page_are_one_cluster(self, tmp_path, flags):
        """Six copies of a seed beside another page: one cluster of six. Their lines recur
        as a site menu does, and site templates once emptied them (0 duplicates)."""
        page = next(SEEDS.glob("002_*.txt")).read_bytes()
        for i in range(6):
            (tmp_path / f"copy{i}.txt").write_bytes(page)
        (tmp_path / "other.txt").write_bytes(next(SEEDS.glob("000_*.txt")).read_bytes())
        result = run("scan", str(tmp_path), "--format", "json", *flags)
        clusters = json.loads(result.stdout)["clusters"]
        assert [sorted(m["id"] for m in c["members"]) for c in clusters] == [
            [f"copy{i}.txt" for i in range(6)]
        ]

    def test_unknown_encoding_is_a_usage_error(self, messy):
        """--encoding bogus exits 2 with one line (it skipped every file, then exit 0)."""
        result = run("scan", str(messy), "--encoding", "bogus-enc")
        assert result.exit_code == 2
        assert result.stderr == "error: unknown encoding 'bogus-enc'\n"

    @pytest.mark.parametrize("codec", ["rot13", "hex", "base64", "zlib", "undefined"])
    def test_a_codec_that_is_no_text_encoding_is_a_usage_error(self, messy, codec):
        """--encoding rot13 (a codec, not a text encoding) was accepted, then ended in
        'internal error' (exit 4) at the first file that was not UTF-8."""
        result = run("scan", str(messy), "--encoding", codec)
        assert result.exit_code == 2, result.output
        assert result.stderr == f"error: {codec!r} is not a text encoding\n"

    def test_oversize_file_is_skipped(self, tmp_path):
        """A file over --max-bytes is skipped with the limit named."""
        (tmp_path / "big.txt").write_text(make_article(1, 40), encoding="utf-8")
        (tmp_path / "small.txt").write_text("A short note about nothing.", encoding="utf-8")
        result = run("scan", str(tmp_path), "--format", "json", "--max-bytes", "2000")
        report = json.loads(result.stdout)
        assert report["skipped"][0]["source"] == "big.txt"
        assert "--max-bytes" in report["skipped"][0]["problem"]

    def test_broken_json_line_is_skipped_and_named_with_its_line(self, tmp_path):
        """A truncated JSONL line is skipped; the warning names file and line."""
        path = tmp_path / "c.jsonl"
        good = json.dumps({"id": "a", "text": make_article(3)})
        path.write_text(good + "\n" + '{"id": "b", "text": "cut he' + "\n", encoding="utf-8")
        result = run("scan", str(path), "--format", "json")
        assert result.exit_code == 0
        report = json.loads(result.stdout)
        assert report["skipped"] == [
            {"source": "c.jsonl", "problem": report["skipped"][0]["problem"], "line": 2}
        ]
        assert "c.jsonl:2" in result.stderr

    @pytest.mark.parametrize("level", ["copy", "both"])
    def test_articles_with_nothing_left_to_compare_are_named(self, tmp_path, level):
        """Two identical pages that are all boilerplate can never be called duplicates:
        scan says so in one warning line, counts them and lists them in the JSON, instead
        of passing them over in silence. --quiet hides the warning, not the list."""
        for n in (1, 2):
            (tmp_path / f"art{n}.txt").write_text(make_article(n), encoding="utf-8")
        for name in ("stub1.txt", "stub2.txt"):
            (tmp_path / name).write_text("Share this article\n\nSubscribe now\n", "utf-8")
        result = run("scan", str(tmp_path), "--format", "json", "--level", level)
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["too_short"] == ["stub1.txt", "stub2.txt"]
        assert report["summary"]["too_short"] == 2
        assert result.stderr == (
            "warning: 2 articles have nothing left to compare after cleaning (empty, or all "
            "boilerplate), so never called duplicates: stub1.txt, stub2.txt\n"
        )
        table = run("scan", str(tmp_path), "--level", level)
        assert "2 too short to compare" in table.stdout
        quiet = run("scan", str(tmp_path), "--format", "json", "-q", "--level", level)
        assert quiet.stderr == ""
        assert json.loads(quiet.stdout)["too_short"] == ["stub1.txt", "stub2.txt"]

    def test_unpaired_surrogate_escapes_read_as_replacement_characters(self, tmp_path):
        """An escape of half an emoji is valid JSON but no Unicode: it crashed every command
        (exit 4) and wrote invalid UTF-8 ids. It is read as U+FFFD; a paired escape stays
        the one character it encodes; the output is valid UTF-8."""
        path = tmp_path / "c.jsonl"
        story = make_article(4)
        lone, pair = chr(0xD83D), chr(0xD83D) + chr(0xDE00)
        lines = [
            {"id": "a" + chr(0xDC80), "text": f"{lone} {story}"},
            {"id": "b", "text": f"{pair} {story}"},
        ]
        # json.dumps writes each surrogate as its escape, as a JavaScript scraper would.
        path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="ascii")
        result = run("scan", str(path), "--format", "csv")
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes.decode("utf-8").splitlines()[1:] == [
            "a\ufffd,1,a\ufffd,1.0,",
            "b,1,a\ufffd,1.0,",
        ]
        cleaned = run("clean", str(path), "--format", "jsonl")
        assert cleaned.exit_code == 0, cleaned.stderr
        texts = [json.loads(x)["text"] for x in cleaned.stdout.splitlines()]
        assert [t[:2] for t in texts] == ["\ufffd ", "\U0001f600 "]

    def test_nothing_readable_exits_3(self, tmp_path):
        """A folder with no readable article is an input error (exit 3), one line."""
        (tmp_path / "empty.txt").write_bytes(b"")
        result = run("scan", str(tmp_path))
        assert result.exit_code == 3
        assert "no readable articles" in result.stderr
        assert "--glob" in result.stderr
        assert "Traceback" not in result.stderr

    @pytest.mark.parametrize("level", ["copy", "story"])
    def test_jsonl_without_text_names_the_text_field_not_glob(self, tmp_path, level):
        """A JSONL corpus whose records hold no text under --text-field says so, not --glob."""
        corpus = tmp_path / "c.jsonl"
        corpus.write_text('{"id": "a", "body": "Some text."}\n', encoding="utf-8")
        result = run("scan", str(corpus), "--level", level)
        assert result.exit_code == 3
        error = next(ln for ln in result.stderr.splitlines() if ln.startswith("error: "))
        assert "--text-field (now 'text')" in error
        assert "--glob" not in error

    def test_missing_path_is_a_usage_error(self, tmp_path):
        """A path that does not exist is a usage error (exit 2)."""
        result = run("scan", str(tmp_path / "nope"))
        assert result.exit_code == 2

    @pytest.mark.parametrize(
        "option",
        [("--threshold", "1.5"), ("--seed", str(2**32)), ("--num-perm", "5000")],
    )
    def test_bad_option_value_is_a_usage_error(self, option):
        """An out-of-range value is rejected with exit 2: a seed datasketch cannot take was an
        internal error (exit 4), and a huge --num-perm ran for minutes before reading."""
        result = run("scan", str(SEEDS), *option)
        assert result.exit_code == 2
        assert f"Invalid value for '{option[0]}'" in result.stderr


class TestDeterminism:
    def test_shuffled_file_order_gives_identical_bytes(self, corpus, tmp_path):
        """The same files written in another order give the same JSON bytes."""
        other = tmp_path / "other"
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        for path in reversed(files):
            target = other / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
        first = run("scan", str(corpus), "--format", "json").stdout
        second = run("scan", str(other), "--format", "json").stdout
        assert first == second

    def test_subprocesses_with_different_hash_seeds_give_identical_bytes(self, corpus):
        """Two CLI runs under different PYTHONHASHSEED values write the same bytes."""
        outputs = []
        for seed in ("1", "4242"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            proc = subprocess.run(
                [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--format", "json"],
                capture_output=True,
                env=env,
                check=True,
            )
            outputs.append(proc.stdout)
        assert outputs[0] == outputs[1]
        assert json.loads(outputs[0])["summary"]["clusters"] == 1


def test_scan_reads_linked_folders_and_names_broken_links(tmp_path: Path):
    """Through the scan's own reader (parts read by workers), as `load_corpus` reads it."""
    day1, folder = tmp_path / "day1", tmp_path / "corpus"
    day1.mkdir()
    folder.mkdir()
    story = make_article(3)
    (day1 / "a.txt").write_text(story, encoding="utf-8")
    (folder / "b.txt").write_text(story, encoding="utf-8")
    (folder / "day1").symlink_to(day1)
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = run("scan", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert clusters_of(report) == [["b.txt", "day1/a.txt"]]
    assert report["skipped"] == [
        {"source": "gone.txt", "problem": f"broken symbolic link to {tmp_path / 'nowhere.txt'}"}
    ]


def test_control_characters_in_file_names_are_escaped_for_people(tmp_path: Path):
    """A newline in a file name broke the table row and the one-line warning; an escape
    sequence in one drove the terminal. People see them escaped; JSON keeps the real id."""
    story = make_article(5)
    (tmp_path / "a\nb.txt").write_text(story, encoding="utf-8")
    (tmp_path / "c\x1b[31mred.txt").write_text(story, encoding="utf-8")
    (tmp_path / "x\ny.txt").write_bytes(b"\xff\x00binary")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path)], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if "│" in line]
    assert [row.split("│")[1].strip() for row in rows] == ["a\\nb.txt", "c\\x1b[31mred.txt"]
    assert result.stderr == "warning: x\\ny.txt: binary file (NUL bytes) (skipped)\n"
    report = scan_json(tmp_path)
    assert clusters_of(report) == [["a\nb.txt", "c\x1b[31mred.txt"]]


def test_two_folders_with_one_file_name_are_both_scanned(tmp_path: Path):
    """`scan day1 day2` used to drop day2/a.txt as a duplicate of id 'a.txt' (named without
    its folder): the copy across days, the one thing the user looked for, went unseen. The
    same ids come from the local scan, the workers' parts and the GitHub locations."""
    story = make_article(9)
    for day in ("day1", "day2"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "a.txt").write_text(story, encoding="utf-8")
    (tmp_path / "day2" / "bin.txt").write_bytes(b"\x00\x01")
    days = [str(tmp_path / "day1"), str(tmp_path / "day2")]
    report = scan_json(Path(days[0]), days[1])
    assert clusters_of(report) == [["day1/a.txt", "day2/a.txt"]]
    assert report["skipped"] == [{"source": "day2/bin.txt", "problem": "binary file (NUL bytes)"}]
    gate = run("check", *days, "--format", "github", "--max-duplicates", "0")
    assert gate.exit_code == 1
    assert f"::error file={tmp_path}/day2/a.txt,title=Near-duplicate of day1/a.txt::" in (
        gate.stdout
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_two_folders_of_one_name_do_not_share_ids(tmp_path: Path, monkeypatch, workers):
    """`scan a/x b/x` named both folders' files "x/...": b/x/copy.txt, an exact copy of
    a/x/copy.txt, was skipped as a duplicate id, so the copy went unreported. Paths of one
    name now lead with the folders that tell them apart, relative paths and files alike."""
    story = make_article(9)
    for side in ("a", "b"):
        folder = tmp_path / side / "x"
        folder.mkdir(parents=True)
        (folder / "copy.txt").write_text(story, encoding="utf-8")
        (tmp_path / side / "f.txt").write_text(make_article(3), encoding="utf-8")
    for n in range(300):  # enough files for several parts on the workers
        (tmp_path / "b" / "x" / f"other{n:03}.txt").write_text(make_article(100 + n), "utf-8")
    monkeypatch.chdir(tmp_path / "a")
    report = scan_json(Path("x"), "../b/x", "--workers", workers)
    assert report["skipped"] == []
    assert report["summary"]["articles"] == 302
    assert clusters_of(report) == [["a/x/copy.txt", "b/x/copy.txt"]]
    files = scan_json(Path("f.txt"), "../b/f.txt", "--workers", workers)
    assert clusters_of(files) == [["a/f.txt", "b/f.txt"]]
    # Paths of different names keep their short ids.
    assert clusters_of(scan_json(Path("x"), "../b/x/copy.txt")) == [["copy.txt", "x/copy.txt"]]


@pytest.mark.parametrize("level", ["copy", "both"])
def test_a_file_reached_by_two_paths_is_read_once(tmp_path: Path, level):
    """A folder and a file inside it, or a folder and a link to it, are one place: each file
    is read once (with a warning naming the path left out), so no file is its own 1.00
    duplicate and the gate does not fail on it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in (1, 2):
        (corpus / f"a{n}.txt").write_text(make_article(n), encoding="utf-8")
    (tmp_path / "link").symlink_to(corpus)
    for extra in (corpus / "a1.txt", tmp_path / "link"):
        gate = run("check", str(corpus), str(extra), "--max-duplicates", "0", "--level", level)
        assert gate.exit_code == 0, gate.stdout + gate.stderr
        assert f"warning: {extra}: already read as a part of {corpus}" in gate.stderr
        report = scan_json(corpus, str(extra), "--level", level)
        assert report["summary"]["articles"] == 2
        assert report["warnings"] == [
            {"source": str(extra), "problem": f"already read as a part of {corpus}"}
        ]
    # Named first, the file is still left to the folder that holds it, and the ids are
    # those of one path.
    rows = run("scan", str(corpus / "a1.txt"), str(corpus), "--format", "csv", "-q").stdout
    assert rows.split()[1:] == ["a1.txt,,,,", "a2.txt,,,,"]


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A corpus whose reports overflow a pipe's buffer (64 KB)."""
    from .fastcorpus import write_corpus

    root = tmp_path_factory.mktemp("big")
    write_corpus(root, 3000)
    return root


def test_github_annotations_name_the_files_read_when_a_path_is_read_once(tmp_path: Path):
    """With a file given beside the folder that holds it, ids are those of the folder alone;
    the annotations must look files up the same way (the kept copy was named by its bare id,
    not its path)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("000_9e2556e38fb8484b.txt", "001_23e261e2bfe35961.txt"):
        (corpus / name).write_bytes((SEEDS / name).read_bytes())
    extra = corpus / "000_9e2556e38fb8484b.txt"
    result = run("check", str(corpus), str(extra), "--format", "github", "-q")
    assert result.exit_code == 1
    assert (
        f"::error file={extra.as_posix()},title=Near-duplicate of 001_23e261e2bfe35961.txt::"
        f"000_9e2556e38fb8484b.txt is a near-duplicate of "
        f"{(corpus / '001_23e261e2bfe35961.txt').as_posix()} "
    ) in result.stdout


class TestStdoutThatFails:
    """What a closed pipe or a full disk on stdout does to the exit code, in every format."""

    @staticmethod
    def closed_early(*args: str) -> tuple[int, str]:
        """Run newsdedup with its stdout read for 10 bytes and then closed (`| head -c 10`)."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsdedup", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None
        assert proc.stderr is not None
        with proc, proc.stderr:
            proc.stdout.read(10)
            proc.stdout.close()
            err = proc.stderr.read().decode()
            return proc.wait(timeout=120), err

    @pytest.mark.parametrize(
        ("args", "code"),
        [
            (("scan",), 0),
            (("scan", "--format", "json"), 0),
            (("check", "--format", "json", "--max-duplicate-rate", "1"), 0),
            (("check", "--format", "json", "--max-duplicates", "0"), 1),
        ],
    )
    def test_a_reader_that_stops_early_leaves_the_exit_code_alone(self, big, args, code):
        """`newsdedup check ... | head` under `set -o pipefail`: a passing gate is 0, a failing
        one 1, whatever the reader took; rich's own handling made every table exit 1."""
        assert self.closed_early(args[0], str(big), "-q", *args[1:]) == (code, "")

    @pytest.mark.parametrize(
        "args",
        [("scan",), ("scan", "--format", "json"), ("check",), ("explain", "--corpus")],
    )
    def test_a_full_stdout_is_one_line_exit_2_in_every_format(self, args):
        """/dev/full as stdout: the table formats said 'internal error' (exit 4), JSON 'cannot
        write' (exit 2); now all say the latter."""
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full here")
        extra = ("000", "001") if args[0] == "explain" else ()
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "newsdedup", args[0], *args[1:], str(SEEDS), *extra],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert (proc.returncode, proc.stderr) == (
            2,
            "error: stdout: cannot write: No space left on device\n",
        )


class TestJsonFiles:
    """A corpus named .json: JSON Lines are read as such; other JSON is one clear issue,
    never one 'article' of JSON text that no copy matches (the gate passed on copies)."""

    @staticmethod
    def records() -> list[dict]:
        story = make_article(6)
        return [
            {"id": "a", "text": story},
            {"id": "b", "text": story},
            {"id": "c", "text": make_article(7)},
        ]

    @pytest.mark.parametrize("lead", ["", " \r\n\n"])
    def test_json_lines_named_json_are_read_as_records(self, tmp_path, lead):
        path = tmp_path / "export.json"
        path.write_text(lead + "".join(json.dumps(r) + "\n" for r in self.records()), "utf-8")
        gate = run("check", str(path), "--max-duplicates", "0")
        assert gate.exit_code == 1
        assert "3 articles · 1 duplicate cluster · 1 duplicate" in gate.stdout

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            (
                lambda rs: json.dumps(rs),
                "a JSON array; newsdedup reads JSON Lines, one object per line "
                "(jq -c '.[]' export.json > export.jsonl)",
            ),
            (lambda rs: json.dumps(rs[0], indent=2), "not JSON Lines (one JSON object per line)"),
        ],
    )
    def test_other_json_is_one_issue_and_exit_3(self, tmp_path, content, problem):
        path = tmp_path / "export.json"
        path.write_text(content(self.records()), encoding="utf-8")
        result = run("check", str(path))
        assert result.exit_code == 3
        assert result.stderr.splitlines()[0] == f"warning: export.json: {problem} (skipped)"

    def test_dedup_names_the_rename_it_needs(self, tmp_path):
        path = tmp_path / "export.json"
        path.write_text("".join(json.dumps(r) + "\n" for r in self.records()), "utf-8")
        result = run("dedup", str(path), "--out", str(tmp_path / "out.jsonl"))
        assert result.exit_code == 2
        assert "rename it export.jsonl" in result.stderr
        assert not (tmp_path / "out.jsonl").exists()


def test_a_pipe_as_the_path_is_named_not_walked_as_an_empty_folder(tmp_path: Path):
    """`scan <(cat a.txt)` or a FIFO: said 'no readable articles found (check the skipped
    inputs above)' with nothing above. A pipe can be read once; the scan reads twice."""
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    result = run("scan", str(fifo))
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        "warning: feed: not a regular file or folder (a pipe, socket or device); newsdedup reads "
        "its input more than once, so save it to a file first (skipped)"
    )


@pytest.mark.skipif(not Path("/dev/fd").exists(), reason="needs /dev/fd")
def test_a_shells_process_substitution_is_named_a_pipe_not_vanished(tmp_path: Path):
    """QA 12b: `scan <(cat a.txt) b.txt` warned "63: vanished (deleted or moved since
    listed)", and /dev/stdin was named "stdin". Both are streams, named as given."""
    import subprocess
    import sys

    article = tmp_path / "a.txt"
    article.write_text(make_article(1), encoding="utf-8")
    command = f'"{sys.executable}" -m newsdedup scan <(cat "{article}") "{article}"'
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "vanished" not in done.stderr
    assert "warning: /dev/fd/" in done.stderr
    assert "save it to a file first (skipped)" in done.stderr


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs /dev/shm")
def test_a_corpus_under_dev_shm_names_its_files_as_any_folder(tmp_path: Path):
    """QA 13b: a pipe in a corpus folder under /dev/shm was named by its full path (every
    path under /dev counted as a stream given on the command line)."""
    import shutil

    corpus = Path("/dev/shm") / f"newsdedup-test-{os.getpid()}"
    corpus.mkdir()
    try:
        (corpus / "a.txt").write_text(make_article(1), encoding="utf-8")
        os.mkfifo(corpus / "f.txt")
        report = scan_json(corpus)
    finally:
        shutil.rmtree(corpus)
    assert [s["source"] for s in report["skipped"]] == ["f.txt"]


def test_quiet_says_where_the_skipped_inputs_are(tmp_path: Path):
    """QA 13b: under -q the error said "check the skipped inputs above", with none above."""
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    result = run("scan", str(fifo), "-q")
    assert result.exit_code == 3
    assert result.stderr.endswith("(check the skipped inputs (run without --quiet))\n")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_pipe_inside_a_folder_is_a_skipped_input_not_left_out_unseen(tmp_path: Path, workers):
    """A FIFO named like an article inside the corpus was left out without a word (the
    walk listed regular files only), so the count of skipped inputs was short of what the
    folder holds. It is reported, and never opened: opening a pipe waits for a writer."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"a{n}.txt").write_text(make_article(n), encoding="utf-8")
    os.mkfifo(corpus / "b.txt")
    os.mkfifo(corpus / "page.html")
    report = scan_json(corpus, "--workers", workers)
    problem = (
        "not a regular file or folder (a pipe, socket or device); newsdedup reads its input "
        "more than once, so save it to a file first"
    )
    assert report["skipped"] == [
        {"source": "b.txt", "problem": problem},
        {"source": "page.html", "problem": problem},
    ]
    assert report["summary"]["articles"] == 3


@pytest.mark.parametrize("output", ["afile/x.json", "afile/sub/x.json"])
def test_output_under_a_file_names_the_file_in_the_way(tmp_path, output):
    """-o afile/x.json where afile is a file said 'cannot write: File exists', as if x.json
    were there."""
    (tmp_path / "afile").write_text("keep me\n", encoding="utf-8")
    target = tmp_path / output
    result = run("scan", str(SEEDS), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {target}: cannot write: {tmp_path / 'afile'} is a file, not a folder\n"
    )
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep me\n"


def test_a_teaser_joins_the_story_it_opens(tmp_path):
    """A headline and the first paragraph of a long story (Jaccard ~0.02 against it) is a cut
    copy: the lede keys propose the pair, and it clusters with the story; `--lede-words 0`
    (no lede keys) leaves it apart. The teaser's headline is named as the story's is."""
    paragraphs = make_article(11, paragraphs=80).split("\n\n")
    headline = "Council approves the new harbour plan"
    story = headline + "\n\n" + "\n\n".join(paragraphs)
    teaser = headline + "\n\n" + paragraphs[0]
    (tmp_path / "story.txt").write_text(story, encoding="utf-8")
    (tmp_path / "teaser.txt").write_text(teaser, encoding="utf-8")
    (tmp_path / "other.txt").write_text(make_article(12), encoding="utf-8")
    result = run("scan", str(tmp_path), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    clusters = json.loads(result.output)["clusters"]
    assert [sorted(m["id"] for m in c["members"]) for c in clusters] == [
        ["story.txt", "teaser.txt"]
    ]
    teaser_member = next(m for m in clusters[0]["members"] if m["id"] == "teaser.txt")
    assert teaser_member["similarity"] == 1.0
    off = run("scan", str(tmp_path), "--format", "json", "-q", "--lede-words", "0")
    assert json.loads(off.output)["clusters"] == []


@pytest.mark.parametrize("where", ["linked file", "linked folder"])
def test_report_never_overwrites_an_article_read_through_a_link(tmp_path, where):
    """-o naming an article the input reads through a link (a file linked in, or a file in a
    linked folder) is refused like one named inside the input (exit 2, input untouched)."""
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (corpus / "a.txt").write_text(make_article(1), encoding="utf-8")
    (outside / "b.txt").write_text(make_article(2), encoding="utf-8")
    if where == "linked file":
        (corpus / "b.txt").symlink_to(outside / "b.txt")
    else:
        (corpus / "more").symlink_to(outside)
    before = tree_digest(tmp_path)
    result = run("scan", str(corpus), "-o", str(outside / "b.txt"), "--format", "json")
    assert result.exit_code == 2, result.output
    assert "b.txt" in result.output
    assert tree_digest(tmp_path) == before


def test_stdout_is_utf8_under_a_legacy_locale(tmp_path):
    """QA 28 #2: under LC_ALL=C with PYTHONUTF8=0 stdout was written in ASCII: the table
    failed on "┃" (exit 4, an internal error, where the gate means 1) and JSON on any
    non-ASCII id. Reports on stdout are UTF-8 in every locale, as `-o` files are."""
    corpus = tmp_path / "c.jsonl"
    story = make_article(7)
    rows = [{"id": "日本-1", "text": story}, {"id": "café-2", "text": story}]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    outputs = []
    for extra in ({}, {"LC_ALL": "C", "PYTHONUTF8": "0"}):
        env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANG", "PYTHONUTF8")}
        for fmt in ("json", "table"):
            proc = subprocess.run(
                [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--format", fmt],
                capture_output=True,
                env={**env, **extra, "COLUMNS": "100"},
                check=False,
            )
            assert proc.returncode == 0, proc.stderr
            outputs.append(proc.stdout)
    assert outputs[0] == outputs[2]
    assert outputs[1] == outputs[3]
    assert "日本-1".encode() in outputs[0]


def test_a_name_the_locale_cannot_read_names_the_locale(tmp_path):
    """QA 31 #4: under LC_ALL=C with PYTHONUTF8=0, "café.txt" was skipped as "not UTF-8 ...
    rename the file", though the name is UTF-8 and the locale is the cause."""
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "café.txt").write_text(make_article(7), encoding="utf-8")
    (folder / "plain.txt").write_text(make_article(8), encoding="utf-8")
    # A name that is Latin-1 is the file's problem in any locale (QA 32 #4).
    with open(os.fsencode(folder) + b"/l1-caf\xe9.txt", "wb") as handle:
        handle.write(make_article(9).encode())
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LANG", "PYTHONUTF8")}
    proc = subprocess.run(
        [sys.executable, "-m", "newsdedup", "scan", str(folder)],
        capture_output=True,
        env={**env, "LC_ALL": "C", "PYTHONUTF8": "0"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.decode("utf-8", "replace").splitlines()
    latin = [ln for ln in lines if "l1-caf" in ln]
    assert len(latin) == 1
    assert "rename the file" in latin[0]
    utf8 = [ln for ln in lines if "café" in ln]
    if utf8:  # a platform whose file-system encoding is UTF-8 reads it
        assert "PYTHONUTF8=1" in utf8[0]
        assert "rename the file" not in utf8[0]
