"""`newsdedup dedup`: what is written, byte for byte; refusals; atomicity; input untouched."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsdedup.write
from newsdedup.cli import cli
from newsdedup.config import DedupConfig
from newsdedup.errors import ConfigError, InputError
from newsdedup.load import load_corpus
from newsdedup.pipeline import find_duplicates
from newsdedup.records import Cluster, DedupResult, Member
from newsdedup.write import (
    ArticleRef,
    article_locations,
    article_refs,
    plan_dedup,
    write_deduplicated,
)

from .conftest import SEEDS, make_article, tree_digest, write_digest_corpus

SEED_000 = "000_9e2556e38fb8484b.txt"
SEED_001 = "001_23e261e2bfe35961.txt"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    """Hidden temporary names a writer could have left beside its target."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Nested folders: one story three times (a/x.txt is longest) plus two singletons."""
    root = tmp_path / "corpus"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    story = make_article(1)
    (root / "a" / "x.txt").write_text(story + "\n\nOne more closing paragraph here.", "utf-8")
    (root / "b" / "x.txt").write_text(story, encoding="utf-8")
    (root / "copy.txt").write_bytes(story.replace("\n", "\r\n").encode("utf-8"))
    (root / "solo1.txt").write_text(make_article(2), encoding="utf-8")
    (root / "b" / "solo2.txt").write_text(make_article(3), encoding="utf-8")
    return root


class TestSeeds:
    def test_writes_four_files_and_removed_csv_and_leaves_seeds_unchanged(self, tmp_path):
        """Seeds: 001, 002, 003, 004 copied byte for byte, removed.csv maps 000 -> 001."""
        before = tree_digest(SEEDS)
        out = tmp_path / "dedup"
        result = run("dedup", str(SEEDS), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        written = files_under(out)
        assert sorted(written) == sorted(
            [p.name for p in SEEDS.iterdir() if p.name != SEED_000] + ["removed.csv"]
        )
        for name, data in written.items():
            if name != "removed.csv":
                assert data == (SEEDS / name).read_bytes()
        rows = list(csv.DictReader(io.StringIO(written["removed.csv"].decode())))
        assert rows == [
            {
                "removed": SEED_000,
                "kept": SEED_001,
                "cluster": "1",
                "similarity": "0.8304",
                "via": "",
            }
        ]
        assert tree_digest(SEEDS) == before
        assert "wrote 4 articles" in result.stderr
        assert "; 1 duplicate dropped, listed in" in result.stderr
        assert result.stdout == ""

    def test_one_article_is_counted_in_the_singular(self, tmp_path):
        """A folder of one article: 'wrote 1 article (1 file)', not '1 articles (1 files)'."""
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "a.txt").write_bytes((SEEDS / SEED_000).read_bytes())
        result = run("dedup", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
        assert result.exit_code == 0, result.stderr
        assert "wrote 1 article (1 file) to " in result.stderr
        assert "; no duplicates to drop (" in result.stderr
        assert "removed.csv lists none)" in result.stderr

    def test_o_is_short_for_out(self, tmp_path):
        """-o names the output, as it does for scan: the same copy as --out."""
        assert run("dedup", str(SEEDS), "-o", str(tmp_path / "short")).exit_code == 0
        assert run("dedup", str(SEEDS), "--out", str(tmp_path / "long")).exit_code == 0
        assert files_under(tmp_path / "short") == files_under(tmp_path / "long")
        assert len(files_under(tmp_path / "short")) == 5


class TestFolders:
    def test_keeps_relative_paths_and_exact_bytes(self, corpus, tmp_path):
        """Representative and singletons keep their nested paths and bytes (CRLF included)."""
        out = tmp_path / "out"
        assert run("dedup", str(corpus), "--out", str(out)).exit_code == 0
        written = files_under(out)
        assert sorted(written) == ["a/x.txt", "b/solo2.txt", "removed.csv", "solo1.txt"]
        assert written["a/x.txt"] == (corpus / "a" / "x.txt").read_bytes()
        removed = list(csv.reader(io.StringIO(written["removed.csv"].decode())))
        assert [r[:2] for r in removed[1:]] == [["b/x.txt", "a/x.txt"], ["copy.txt", "a/x.txt"]]

    def test_output_is_deterministic(self, corpus, tmp_path):
        """Two runs write identical trees."""
        run("dedup", str(corpus), "--out", str(tmp_path / "one"))
        run("dedup", str(corpus), "--out", str(tmp_path / "two"))
        assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")

    def test_existing_empty_folder_is_used(self, corpus, tmp_path):
        """An existing empty output folder is fine without --force."""
        out = tmp_path / "out"
        out.mkdir()
        assert run("dedup", str(corpus), "--out", str(out)).exit_code == 0
        assert (out / "removed.csv").is_file()


class TestRefusals:
    def test_output_inside_input_is_refused_even_with_force(self, corpus):
        """An output inside the input tree is a usage error; nothing is written."""
        before = tree_digest(corpus)
        for extra in ((), ("--force",)):
            result = run("dedup", str(corpus), "--out", str(corpus / "dedup"), *extra)
            assert result.exit_code == 2
            assert "inside the input" in result.stderr
        assert tree_digest(corpus) == before

    def test_output_holding_the_input_is_refused(self, corpus):
        """An output folder that contains the input would delete it: refused even with --force."""
        before = tree_digest(corpus)
        result = run("dedup", str(corpus), "--out", str(corpus.parent), "--force")
        assert result.exit_code == 2
        assert "holds the input" in result.stderr
        assert tree_digest(corpus) == before

    @pytest.mark.parametrize("force", [(), ("--force",)])
    def test_output_through_a_linked_folder_inside_the_input_is_refused(
        self, corpus, tmp_path, force
    ):
        """The input reads its linked folders, so an output reached through one is inside
        the input: refused, and with --force the files under the link are not replaced."""
        shared = tmp_path / "shared"
        shared.mkdir()
        (shared / "NOTES.md").write_text("keep me", encoding="utf-8")
        (corpus / "shared").symlink_to(shared)
        before = tree_digest(shared)
        for out in (shared, tmp_path / "shared" / "sub"):
            result = run("dedup", str(corpus), "--out", str(out), *force)
            assert result.exit_code == 2
            assert "inside the input" in result.stderr
            assert "through a linked folder" in result.stderr
        assert tree_digest(shared) == before

    @pytest.mark.parametrize("force", [(), ("--force",)])
    def test_existing_pipe_as_output_is_refused_and_kept(self, corpus, tmp_path, force):
        """A FIFO (or a device such as /dev/null, as root) is never replaced by a folder or a
        file: refused even with --force, for folder and JSONL inputs alike."""
        jsonl_file = tmp_path / "c.jsonl"
        jsonl_file.write_text(json.dumps({"id": "a", "text": make_article(1)}) + "\n", "utf-8")
        for source, name in ((corpus, "pipe"), (jsonl_file, "pipe.jsonl")):
            pipe = tmp_path / name
            os.mkfifo(pipe)
            result = run("dedup", str(source), "--out", str(pipe), *force)
            assert result.exit_code == 2
            assert "neither a folder nor a regular file" in result.stderr
            assert stat.S_ISFIFO(pipe.lstat().st_mode)

    def test_existing_non_empty_output_needs_force(self, corpus, tmp_path):
        """A non-empty output is refused (exit 2, naming it) and kept; --force replaces it."""
        out = tmp_path / "out"
        out.mkdir()
        (out / "old.txt").write_text("keep me", encoding="utf-8")
        result = run("dedup", str(corpus), "--out", str(out))
        assert result.exit_code == 2
        assert str(out) in result.stderr
        assert "--force" in result.stderr
        assert (out / "old.txt").read_text(encoding="utf-8") == "keep me"
        assert run("dedup", str(corpus), "--out", str(out), "--force").exit_code == 0
        assert not (out / "old.txt").exists()
        assert (out / "solo1.txt").is_file()
        assert leftovers(tmp_path) == []

    def test_folder_input_to_jsonl_name_is_refused(self, corpus, tmp_path):
        """A folder is written as a folder: --out x.jsonl is a usage error."""
        result = run("dedup", str(corpus), "--out", str(tmp_path / "x.jsonl"))
        assert result.exit_code == 2
        assert not (tmp_path / "x.jsonl").exists()

    def test_text_file_input_to_jsonl_name_says_only_jsonl_is_written_as_a_file(self, tmp_path):
        """It said 'a folder input is written as a folder' of a text file."""
        article = tmp_path / "a.txt"
        article.write_text(make_article(1), encoding="utf-8")
        result = run("dedup", str(article), "--out", str(tmp_path / "x.jsonl"))
        assert result.exit_code == 2
        assert "only a JSONL input (.jsonl, .jsonl.gz, .ndjson) is written as one file" in (
            result.stderr
        )
        assert "a.txt is copied into a folder" in result.stderr

    def test_input_error_exits_3_and_writes_nothing(self, tmp_path):
        """Nothing readable is an input error; no output appears."""
        src = tmp_path / "src"
        src.mkdir()
        (src / "empty.txt").write_bytes(b"")
        result = run("dedup", str(src), "--out", str(tmp_path / "out"))
        assert result.exit_code == 3
        assert not (tmp_path / "out").exists()


class TestAtomicity:
    def test_failure_mid_write_leaves_no_output_and_no_temp(self, corpus, tmp_path, monkeypatch):
        """A crash after two files leaves neither a partial output nor a temporary folder."""
        real_copy = newsdedup.write._copy_file
        calls = []

        def failing_copy(src, dst):
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            calls.append(dst)
            real_copy(src, dst)

        monkeypatch.setattr(newsdedup.write, "_copy_file", failing_copy)
        before = tree_digest(corpus)
        out = tmp_path / "out"
        result = run("dedup", str(corpus), "--out", str(out))
        assert result.exit_code == 2
        assert result.stderr.strip().splitlines() == [
            f"error: {out}: cannot write: No space left on device (nothing was written)"
        ]
        assert len(calls) == 2  # two files really were written before the failure
        assert not out.exists()
        assert leftovers(tmp_path) == []
        assert tree_digest(corpus) == before

    def test_an_input_that_vanishes_mid_copy_is_named_not_the_output(
        self, corpus, tmp_path, monkeypatch
    ):
        """QA 11c: an input file deleted between the scan and its copy read "out: cannot
        write: No such file or directory" (exit 2), blaming the output. It names the input
        (exit 3), and nothing is written."""
        real_copy = newsdedup.write._copy_file
        gone = []

        def racing_copy(src, dst):
            if not gone:
                Path(src).unlink()  # another process removes it
                gone.append(src)
            real_copy(src, dst)

        monkeypatch.setattr(newsdedup.write, "_copy_file", racing_copy)
        out = tmp_path / "out"
        result = run("dedup", str(corpus), "--out", str(out))
        assert result.exit_code == 3, result.stderr
        assert result.stderr.startswith(f"error: {gone[0]}: vanished since the scan")
        assert not out.exists()
        assert leftovers(tmp_path) == []

    def test_failure_during_force_keeps_the_old_output(self, corpus, tmp_path, monkeypatch):
        """With --force, a failed run leaves the previous output exactly as it was."""
        out = tmp_path / "out"
        out.mkdir()
        (out / "old.txt").write_text("previous run", encoding="utf-8")

        def failing_copy(src, dst):
            raise KeyboardInterrupt

        monkeypatch.setattr(newsdedup.write, "_copy_file", failing_copy)
        result = run("dedup", str(corpus), "--out", str(out), "--force")
        assert result.exit_code != 0
        assert files_under(out) == {"old.txt": b"previous run"}
        assert leftovers(tmp_path) == []

    @pytest.mark.parametrize("failing", ["old output aside", "new output in"])
    def test_a_failed_swap_keeps_the_old_output_and_leaves_nothing(
        self, corpus, tmp_path, monkeypatch, failing
    ):
        """A read-only old output cannot be moved aside: the run said 'nothing was written'
        but left an empty hidden .out.*.old folder for good. Nor may a failure to move the
        new output in lose the old one."""
        out = tmp_path / "out"
        out.mkdir()
        (out / "old.txt").write_text("previous run", encoding="utf-8")
        real_replace = newsdedup.write.os.replace

        def replace(src, dst):
            old_aside = Path(src) == out
            new_in = Path(dst) == out and Path(src).name.endswith(".tmp")
            if (old_aside, new_in)[failing == "new output in"]:
                raise PermissionError(13, "Permission denied")
            real_replace(src, dst)

        monkeypatch.setattr(newsdedup.write.os, "replace", replace)
        result = run("dedup", str(corpus), "--out", str(out), "--force")
        assert result.exit_code == 2
        assert result.stderr.strip().splitlines()[-1] == (
            f"error: {out}: cannot write: Permission denied (nothing was written)"
        )
        assert files_under(out) == {"old.txt": b"previous run"}
        assert leftovers(tmp_path) == []

    def test_an_old_output_that_cannot_be_moved_back_is_kept_aside(
        self, corpus, tmp_path, monkeypatch
    ):
        """When moving the new output in failed and moving the old one back failed too, the
        folder holding the old output aside was deleted with it: the user's previous output
        was lost. It is now left where it was put aside."""
        out = tmp_path / "out"
        out.mkdir()
        (out / "old.txt").write_text("previous run", encoding="utf-8")
        real_replace = newsdedup.write.os.replace

        def replace(src, dst):
            if Path(dst) == out:  # neither the new output in nor the old one back
                raise PermissionError(13, "Permission denied")
            real_replace(src, dst)

        monkeypatch.setattr(newsdedup.write.os, "replace", replace)
        result = run("dedup", str(corpus), "--out", str(out), "--force")
        assert result.exit_code == 2
        kept = list(tmp_path.rglob("old.txt"))
        assert len(kept) == 1
        assert kept[0].read_text(encoding="utf-8") == "previous run"

    def test_failure_writing_jsonl_leaves_no_file(self, tmp_path, monkeypatch):
        """A JSONL write that fails midway leaves no output file and no removed.csv."""
        src = tmp_path / "c.jsonl"
        story = make_article(1)
        rows = [{"id": f"r{i}", "text": story if i < 2 else make_article(10 + i)} for i in range(4)]
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        out_dir = tmp_path / "out"
        out_dir.mkdir()

        def failing_lines(path):
            yield src.read_bytes().splitlines(keepends=True)[0]
            raise OSError(5, "I/O error")

        monkeypatch.setattr(newsdedup.write, "_raw_lines", failing_lines)
        result = run("dedup", str(src), "--out", str(out_dir / "c.jsonl"))
        assert result.exit_code == 2
        assert "cannot write: I/O error" in result.stderr
        assert list(out_dir.iterdir()) == []

    @pytest.mark.parametrize("failing", ["old csv aside", "new data in"])
    def test_a_failed_jsonl_swap_keeps_the_old_data_and_its_csv(
        self, tmp_path, monkeypatch, failing
    ):
        """QA 15c #3: `dedup --force` to a JSONL file moved the new NAME.removed.csv in
        before the data file; when the data file could not be replaced, the old data stood
        beside the new CSV (and the old CSV was lost) under "nothing was written"."""
        src = tmp_path / "c.jsonl"
        story = make_article(1)
        rows = [{"id": f"r{i}", "text": story if i < 2 else make_article(10 + i)} for i in range(4)]
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        out = tmp_path / "out" / "c.jsonl"
        out.parent.mkdir()
        out.write_text("old data\n", encoding="utf-8")
        old_csv = out.parent / "c.removed.csv"
        old_csv.write_text("old csv\n", encoding="utf-8")
        real_replace = newsdedup.write.os.replace

        def replace(src_path, dst):
            if (failing == "new data in" and Path(dst) == out) or (
                failing == "old csv aside" and Path(src_path) == old_csv
            ):
                raise PermissionError(13, "Operation not permitted")
            real_replace(src_path, dst)

        monkeypatch.setattr(newsdedup.write.os, "replace", replace)
        result = run("dedup", str(src), "--out", str(out), "--force")
        assert result.exit_code == 2
        assert "(nothing was written)" in result.stderr
        assert out.read_text(encoding="utf-8") == "old data\n"
        assert old_csv.read_text(encoding="utf-8") == "old csv\n"
        assert sorted(p.name for p in out.parent.iterdir()) == ["c.jsonl", "c.removed.csv"]


class TestJsonl:
    @pytest.fixture
    def jsonl(self, tmp_path: Path) -> Path:
        """Records with odd but valid spacing, a copy, a broken line and a blank line."""
        story = make_article(1)
        path = tmp_path / "in" / "c.jsonl"
        path.parent.mkdir()
        text_a, text_c, text_e = (json.dumps(t) for t in (story, make_article(2), make_article(3)))
        lines = [
            '{"id": "a",   "text": ' + text_a + ', "extra": [1, 2]}\n',
            '{"text":' + text_a + ',"id":"b"}\n',
            "\n",
            '{"id": "c", "text": ' + text_c + "}\n",
            '{"id": "d", "text": "cut\n',
            '{"id": "e", "text": ' + text_e + "}",  # no final newline
        ]
        path.write_text("".join(lines), encoding="utf-8")
        return path

    def test_records_copied_byte_for_byte_as_original_lines(self, jsonl, tmp_path):
        """Kept records are the original lines, unchanged; the copy and the broken line go."""
        out = tmp_path / "out" / "c.dedup.jsonl"
        result = run("dedup", str(jsonl), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        original = jsonl.read_bytes().splitlines(keepends=True)
        assert out.read_bytes() == original[0] + original[3] + original[5]
        removed = (tmp_path / "out" / "c.dedup.removed.csv").read_text(encoding="utf-8")
        assert removed.splitlines()[1].startswith("b,a,1,")
        assert leftovers(tmp_path / "out") == []

    @pytest.mark.parametrize("damage", ["cut short", "bad checksum", "garbage after"])
    def test_damaged_gzip_copies_the_records_scan_read(self, tmp_path, damage):
        """QA 15c #1, #2: scan reads the records before damaged gzip data (with one warning),
        but dedup failed: an internal error (exit 4) on a cut stream, "OUT: cannot write:
        CRC check failed" (exit 2, blaming the output) on a bad checksum. It copies what
        scan read, and says the rest was not copied."""
        story = make_article(1)
        rows = [{"id": f"r{i}", "text": story if i < 2 else make_article(30 + i)} for i in range(8)]
        packed = gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode(), mtime=0)
        if damage == "cut short":
            packed = packed[: len(packed) // 2]
        elif damage == "bad checksum":
            broken = bytearray(packed)
            broken[-6] ^= 0xFF
            packed = bytes(broken)
        else:
            packed += b"GARBAGE"
        src = tmp_path / "c.jsonl.gz"
        src.write_bytes(packed)
        scanned = run("scan", str(src), "--format", "json")
        read = sorted(m["id"] for c in json.loads(scanned.stdout)["clusters"] for m in c["members"])
        out = tmp_path / "out.jsonl"
        result = run("dedup", str(src), "--out", str(out))
        assert result.exit_code == 0, result.stderr
        assert "not copied" in result.stderr
        assert "Traceback" not in result.stderr
        copied = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
        assert copied[:1] == ["r0"]
        assert "r1" not in copied
        assert set(read) <= set(copied) | {"r1"}
        assert src.read_bytes() == packed

    def test_a_jsonl_file_cut_after_the_scan_is_an_input_error(self, tmp_path):
        """Records the plan keeps but the file no longer holds: an input error naming the
        file, and nothing written (before, the copy silently held fewer records)."""
        rows = [{"id": f"r{i}", "text": make_article(50 + i)} for i in range(4)]
        src = tmp_path / "c.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        articles = load_corpus([src]).articles
        plan = plan_dedup(articles, find_duplicates(articles))
        src.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
        out = tmp_path / "out.jsonl"
        with pytest.raises(InputError, match="changed since the scan: line 2"):
            write_deduplicated(src, plan, out)
        assert not out.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]

    def test_gzipped_jsonl_round_trips(self, jsonl, tmp_path):
        """A .jsonl.gz input can be written as .jsonl.gz, same lines, deterministic bytes."""
        gz = tmp_path / "c.jsonl.gz"
        with gzip.open(gz, "wb") as handle:
            handle.write(jsonl.read_bytes())
        for n in (1, 2):
            assert run("dedup", str(gz), "--out", str(tmp_path / f"o{n}.jsonl.gz")).exit_code == 0
        original = jsonl.read_bytes().splitlines(keepends=True)
        with gzip.open(tmp_path / "o1.jsonl.gz", "rb") as handle:
            assert handle.read() == original[0] + original[3] + original[5]
        assert (tmp_path / "o1.jsonl.gz").read_bytes() == (tmp_path / "o2.jsonl.gz").read_bytes()

    def test_ids_holding_a_carriage_return_keep_their_csv_rows(self, tmp_path):
        """QA 12b: with "\\n" as the line terminator the csv module quoted ids holding "\\n"
        but not a bare "\\r", so such an id split its row for every reader (Python's csv
        raised "new-line character seen in unquoted field")."""
        story = make_article(21)
        path = tmp_path / "cr.jsonl"
        records = [{"id": "cr\rid", "text": story}, {"id": "copy\rcr", "text": story}]
        records.append({"id": "plain", "text": make_article(22)})
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        scan = run("scan", str(path), "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(scan.stdout)))
        assert sorted(r["id"] for r in rows) == ["copy\rcr", "cr\rid", "plain"]
        assert {r["representative"] for r in rows} == {"copy\rcr", ""}
        out = tmp_path / "out.jsonl"
        assert run("dedup", str(path), "--out", str(out)).exit_code == 0
        removed = (tmp_path / "out.removed.csv").read_bytes().decode("utf-8")
        (row,) = list(csv.DictReader(io.StringIO(removed, newline="")))
        assert (row["removed"], row["kept"]) == ("cr\rid", "copy\rcr")

    def test_a_folder_of_upper_case_jsonl_gz_stays_compressed(self, jsonl, tmp_path):
        """QA 12b: in a folder, DATA.JSONL.GZ was read as gzip (names are matched without
        case) but written back as plain text under its .GZ name, which no reader took."""
        folder = tmp_path / "gzf"
        folder.mkdir()
        with gzip.open(folder / "DATA.JSONL.GZ", "wb") as handle:
            handle.write(jsonl.read_bytes())
        out = tmp_path / "out"
        result = run("dedup", str(folder), "--glob", "*.jsonl.gz", "--out", str(out))
        assert result.exit_code == 0, result.stderr
        original = jsonl.read_bytes().splitlines(keepends=True)
        with gzip.open(out / "DATA.JSONL.GZ", "rb") as handle:
            assert handle.read() == original[0] + original[3] + original[5]

    def test_jsonl_file_output_over_existing_needs_force(self, jsonl, tmp_path, monkeypatch):
        """An existing non-empty output file is refused without --force, named as given
        (the removed list was named by its absolute path)."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "o.removed.csv").write_text("old\n", encoding="utf-8")
        result = run("dedup", str(jsonl), "--out", "o.jsonl")
        assert result.exit_code == 2
        assert result.stderr.startswith("error: o.removed.csv: already exists")
        (tmp_path / "o.removed.csv").unlink()
        out = tmp_path / "o.jsonl"
        out.write_text("old\n", encoding="utf-8")
        assert run("dedup", str(jsonl), "--out", str(out)).exit_code == 2
        assert out.read_text(encoding="utf-8") == "old\n"
        assert run("dedup", str(jsonl), "--out", str(out), "--force").exit_code == 0

    def test_output_onto_the_input_file_is_refused(self, jsonl):
        """--out naming the input file itself is refused, even with --force."""
        before = jsonl.read_bytes()
        result = run("dedup", str(jsonl), "--out", str(jsonl), "--force")
        assert result.exit_code == 2
        assert jsonl.read_bytes() == before

    def test_runaway_record_is_left_out_and_read_in_pieces(self, tmp_path, monkeypatch):
        """A record over --max-bytes is not copied, and the copy reads it in pieces of at
        most PIECE_BYTES bytes (it read the line whole: 1.1 GB for a 500 MB record)."""
        monkeypatch.setattr(newsdedup.write, "PIECE_BYTES", 4096)
        pieces: list[int] = []
        real = newsdedup.write._raw_lines

        def counted(path):
            for piece in real(path):
                pieces.append(len(piece))
                yield piece

        monkeypatch.setattr(newsdedup.write, "_raw_lines", counted)
        good = [json.dumps({"id": f"r{i}", "text": make_article(i)}) + "\n" for i in (1, 2)]
        big = json.dumps({"id": "big", "text": "word " * 100_000}) + "\n"
        src = tmp_path / "c.jsonl"
        src.write_text(good[0] + big + good[1], encoding="utf-8")
        out = tmp_path / "o.jsonl"
        result = run("dedup", str(src), "--out", str(out), "--max-bytes", "100000")
        assert result.exit_code == 0, result.stderr
        assert out.read_text(encoding="utf-8") == good[0] + good[1]
        assert max(pieces) <= 4096

    def test_output_written_as_a_folder_is_refused(self, jsonl, tmp_path):
        """`--out outdir/` says "a folder": no file named outdir appears, and the error names
        a file to write instead."""
        result = run("dedup", str(jsonl), "--out", f"{tmp_path / 'outdir'}/")
        assert result.exit_code == 2
        assert "names a folder, but a JSONL input is written as one JSONL file" in result.stderr
        assert str(tmp_path / "outdir" / "c.jsonl") in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


class TestLibrary:
    def test_plan_and_write_from_python(self, corpus, tmp_path):
        """The writer is a library call: plan from a result, write, get a summary."""
        loaded = load_corpus(corpus)
        result = find_duplicates(loaded.articles, DedupConfig())
        plan = plan_dedup(loaded.articles, result)
        assert [a.id for a in plan.kept] == ["a/x.txt", "b/solo2.txt", "solo1.txt"]
        summary = write_deduplicated(corpus, plan, tmp_path / "o")
        assert (summary.kept, summary.removed, summary.files) == (3, 2, 3)
        with pytest.raises(ConfigError, match="already exists"):
            write_deduplicated(corpus, plan, tmp_path / "o")

    def test_article_refs_name_the_articles_load_corpus_reads(self, corpus, tmp_path):
        """The second, text-free pass finds the same ids; with several roots one file name
        in two of them is two articles, each id led by its folder's name."""
        other = tmp_path / "other"
        other.mkdir()
        (other / "solo1.txt").write_text(make_article(9), encoding="utf-8")
        roots = [corpus, other]
        refs = article_refs(roots)
        assert sorted(r.id for r in refs) == [a.id for a in load_corpus(roots).articles]
        mine, theirs = f"{corpus.name}/solo1.txt", "other/solo1.txt"
        assert {mine, theirs} <= {r.id for r in refs}
        locations = article_locations(refs, roots)
        assert locations[mine] == ((corpus / "solo1.txt").as_posix(), None)
        assert locations[theirs] == ((other / "solo1.txt").as_posix(), None)
        assert next(r for r in refs if r.id == mine).line is None


def test_folder_of_jsonl_files_keeps_each_file_with_its_kept_lines(tmp_path):
    """A folder of JSONL files: copies across files are dropped; each file keeps its own lines."""
    src = tmp_path / "src"
    (src / "2024").mkdir(parents=True)
    story = make_article(1)
    first = [
        json.dumps({"id": "a", "text": story}),
        json.dumps({"id": "b", "text": make_article(2)}),
    ]
    second = [json.dumps({"id": "c", "text": story}), json.dumps({"id": "d", "text": story})]
    (src / "one.jsonl").write_text("\n".join(first) + "\n", encoding="utf-8")
    (src / "2024" / "two.jsonl").write_text("\n".join(second) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("dedup", str(src), "--out", str(out), "--glob", "*.jsonl")
    assert result.exit_code == 0, result.stderr
    assert sorted(files_under(out)) == ["one.jsonl", "removed.csv"]
    assert (out / "one.jsonl").read_bytes() == (src / "one.jsonl").read_bytes()
    removed = list(csv.DictReader(io.StringIO((out / "removed.csv").read_text("utf-8"))))
    assert [(r["removed"], r["kept"]) for r in removed] == [("c", "a"), ("d", "a")]


def test_deduplicated_copy_passes_a_zero_duplicate_check(corpus, tmp_path):
    """The copy dedup writes holds no duplicates: `check` with no budget passes on it."""
    out = tmp_path / "out"
    assert run("dedup", str(corpus), "--out", str(out)).exit_code == 0
    assert run("check", str(corpus)).exit_code == 1
    assert run("check", str(out)).exit_code == 0


def test_unreadable_files_are_not_copied_and_the_summary_says_so(corpus, tmp_path):
    """A binary file is skipped with a warning, left out of the copy, and counted."""
    (corpus / "junk.txt").write_bytes(b"\x00\x01\x02")
    out = tmp_path / "out"
    result = run("dedup", str(corpus), "--out", str(out))
    assert result.exit_code == 0
    assert not (out / "junk.txt").exists()
    assert "junk.txt" in result.stderr
    assert "1 unreadable file or record not copied" in result.stderr


def test_records_left_out_for_a_reused_id_are_not_called_unreadable(tmp_path):
    """A distinct article whose id an earlier record has is left out (the first wins), and
    the summary says so; it called it 'unreadable'. Ids that JSON gives as numbers or
    booleans read as JSON writes them ('true', not Python's 'True')."""
    src = tmp_path / "c.jsonl"
    rows = [
        {"id": 1, "text": make_article(1)},
        {"id": "1", "text": make_article(2)},
        {"id": True, "text": make_article(3)},
        {"id": 2.5, "text": make_article(4)},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n", encoding="utf-8")
    result = run("dedup", str(src), "--out", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].endswith(
        "; 1 unreadable file or record not copied; 1 record with an id seen before not copied"
    )
    report = json.loads(run("scan", str(src), "--format", "json").stdout)
    assert report["summary"]["articles"] == 3
    assert report["skipped"][0]["problem"] == "duplicate id '1'; the first record wins"
    ids = [
        json.loads(line)["id"]
        for line in run("scan", str(src), "--format", "jsonl").stdout.splitlines()
    ]
    assert ids == ["1", "2.5", "true"]


def test_existing_file_as_folder_output_is_refused_even_with_force(corpus, tmp_path):
    """A folder input cannot be written over an existing file; the file is kept."""
    out = tmp_path / "taken"
    out.write_text("a file\n", encoding="utf-8")
    result = run("dedup", str(corpus), "--out", str(out), "--force")
    assert result.exit_code == 2
    assert "name a folder for --out" in result.stderr
    assert out.read_text(encoding="utf-8") == "a file\n"


class TestPlanDedup:
    def result_for(self, ids: list[str]) -> DedupResult:
        members = tuple(Member(id=i, similarity=1.0) for i in ids)
        cluster = Cluster(id=1, representative=ids[0], members=members)
        return DedupResult(params={}, articles=len(ids), clusters=(cluster,))

    def test_two_whole_file_articles_in_one_file_are_refused(self):
        """Articles sharing one source file (a container format) cannot be copied apart."""
        refs = [ArticleRef(id="r1", source="crawl.warc"), ArticleRef(id="r2", source="crawl.warc")]
        with pytest.raises(ConfigError, match=r"crawl\.warc: holds several articles"):
            plan_dedup(refs, self.result_for(["r1", "r2"]))

    def test_numbered_records_of_a_non_jsonl_file_are_refused(self):
        """A record with a line number in a file that is not JSONL cannot be copied as a line."""
        refs = [ArticleRef(id="r1", source="crawl.warc", line=3)]
        with pytest.raises(ConfigError, match="not a JSONL record"):
            plan_dedup(refs, DedupResult(params={}, articles=1, clusters=()))


def test_a_corpus_dedup_cannot_copy_is_refused_before_the_scan(tmp_path, monkeypatch):
    """QA 12b: a folder holding a WARC of several pages was refused only after the whole
    scan, and named crawl.warc.gz, not the path given (wa/crawl.warc.gz)."""
    from .pages import write_warc

    folder = tmp_path / "wa"
    folder.mkdir()
    page = "<html><body>" + "<p>" + make_article(31) + "</p></body></html>"
    other = "<html><body>" + "<p>" + make_article(32) + "</p></body></html>"
    write_warc(
        folder / "crawl.warc.gz",
        [("http://a/1", page, "text/html"), ("http://a/2", other, "text/html")],
    )
    scanned: list[bool] = []
    monkeypatch.setattr("newsdedup.cli.run_scan", lambda *a, **k: scanned.append(True))
    result = run("dedup", str(folder), "--glob", "*.warc.gz", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert f"{folder / 'crawl.warc.gz'}: holds several articles" in result.stderr
    assert scanned == []


def test_a_digest_of_teasers_does_not_cost_the_full_stories(tmp_path):
    """Full stories, a teaser of each (its first half) and a digest page quoting two teasers:
    each teaser is dropped, and the digest and every full story are kept (the digest and the
    teasers chained them into one cluster, and dedup kept one of the three)."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    write_digest_corpus(corpus)
    out = tmp_path / "out"
    result = run("dedup", str(corpus), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    kept = sorted(p.name for p in out.iterdir() if p.name != "removed.csv")
    assert kept == ["digest.txt", "story0.txt", "story1.txt"]
    with (out / "removed.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Each teaser goes with one of its two containers (here the two are alike in size).
    assert sorted(r["removed"] for r in rows) == ["brief0.txt", "brief1.txt"]
    assert all(r["via"] == "" and r["similarity"] == "1.0" for r in rows)


def test_a_rewrite_quoting_a_story_is_kept_whatever_teaser_both_hold(tmp_path):
    """A rewrite that quotes a story's first four paragraphs and adds its own holds 2/3 of
    it: no copy. A teaser of the story (its first three paragraphs) lies inside both, and
    joined them, so dedup dropped the rewrite 'via' the teaser with similarity 1.0."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    story = make_article(200, 8).split("\n\n")
    own = make_article(201, 2).split("\n\n")
    (corpus / "story.txt").write_text("\n\n".join(story), encoding="utf-8")
    (corpus / "rewrite.txt").write_text("\n\n".join(story[:4] + own), encoding="utf-8")
    (corpus / "teaser.txt").write_text("\n\n".join(story[:3]), encoding="utf-8")
    out = tmp_path / "out"
    assert run("dedup", str(corpus), "--out", str(out), "-q").exit_code == 0
    kept = sorted(p.name for p in out.iterdir() if p.name != "removed.csv")
    assert kept == ["rewrite.txt", "story.txt"]


def test_a_file_name_that_is_not_utf8_is_skipped_with_its_name(tmp_path):
    """QA 9: a Latin-1 file name (unzip of a Windows archive) made dedup, index add and
    scan -o fail with exit 4 (internal error: surrogates not allowed), writing nothing, and
    scan's JSON on stdout held a raw 0xE9 byte. The file is skipped with one warning that
    shows the name's bytes; the rest of the folder is deduplicated and reported."""
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    odd = os.fsdecode(b"r\xe9sum\xe9.txt")
    (folder / odd).write_bytes(next(SEEDS.glob("002_*.txt")).read_bytes())
    before = tree_digest(folder)
    result = CliRunner().invoke(cli, ["dedup", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    warning = (
        "warning: r\\xe9sum\\xe9.txt: its name is not UTF-8 (bytes shown as \\xNN); rename the "
        "file to read it (skipped)"
    )
    assert warning in result.stderr.splitlines()
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".txt") == sorted(
        p.name for p in SEEDS.glob("*.txt") if not p.name.startswith("000")
    )
    scan = CliRunner().invoke(cli, ["scan", str(folder), "--format", "json", "-q"])
    assert scan.exit_code == 0
    assert json.loads(scan.stdout_bytes.decode("utf-8"))["summary"]["skipped"] == 1
    assert tree_digest(folder) == before


def test_force_never_replaces_a_folder_holding_a_linked_input_article(tmp_path):
    """An article linked into the input folder from the folder named as --out: --force would
    replace that folder, and the article with it. Refused (exit 2); the article stays."""
    corpus, archive = tmp_path / "corpus", tmp_path / "archive"
    corpus.mkdir()
    archive.mkdir()
    (corpus / SEED_001).write_bytes((SEEDS / SEED_001).read_bytes())
    (archive / "wire.txt").write_bytes((SEEDS / SEED_000).read_bytes())
    (corpus / "wire.txt").symlink_to(Path("..") / "archive" / "wire.txt")
    before = tree_digest(tmp_path)
    result = run("dedup", str(corpus), "--out", str(archive), "--force", "-q")
    assert result.exit_code == 2, result.output
    assert "holds the input article" in result.output
    assert tree_digest(tmp_path) == before


def _jsonl(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    rows = [{"id": n, "text": make_article(i)} for n, i in (("a", 1), ("b", 1), ("c", 2))]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return src


def test_any_output_name_the_file_system_allows_is_written(tmp_path, monkeypatch):
    """QA 19b #3: the temporary name beside the output held the whole name, so names over
    ~240 bytes (80 CJK characters) were refused as too long, though legal."""
    src = _jsonl(tmp_path)
    monkeypatch.chdir(tmp_path)
    name = "L" * 240 + ".jsonl"  # 246 bytes; NAME.removed.csv then is 252
    result = run("dedup", str(src), "--out", name, "-q")
    assert result.exit_code == 0, result.output
    assert len((tmp_path / name).read_text(encoding="utf-8").splitlines()) == 2
    report = "R" * 250 + ".json"
    result = run("scan", str(src), "--format", "json", "-o", report, "-q")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / report).read_text(encoding="utf-8"))["summary"]["articles"] == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_removed_csv_name_too_long_is_a_usage_error(tmp_path, monkeypatch):
    """QA 19b #2: a legal 255-byte NAME.jsonl made NAME.removed.csv 261 bytes, and stating it
    was an internal error (exit 4). Nothing is written."""
    src = _jsonl(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("dedup", str(src), "--out", "L" * 249 + ".jsonl")
    assert result.exit_code == 2, result.output
    assert "removed.csv: cannot be written" in result.output
    assert "name the output shorter" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    # QA 20b #3: a name over the limit itself was an internal error (exit 4).
    (tmp_path / "sub").mkdir()
    before.append("sub")
    for out in ("L" * 250 + ".jsonl", "sub/" + "L" * 256 + ".jsonl"):
        result = run("dedup", str(src), "--out", out)
        assert result.exit_code == 2, result.output
        assert "File name too long" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(("out", "says"), [("-", "not stdout"), ("", "the path is empty")])
def test_dedup_out_dash_or_empty_is_refused(tmp_path, monkeypatch, out, says):
    """QA 19b #6, #7: `--out -` wrote a file (or folder) named "-", and `--out ""` read as
    "." and was refused as holding the input."""
    src = _jsonl(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("dedup", str(src), "--out", out)
    assert result.exit_code == 2
    assert says in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
    empty = run("scan", str(src), "-o", "")
    assert empty.exit_code == 2
    assert "the path is empty" in empty.output
