"""Worker processes read the corpus themselves (`load.corpus_parts` / `load.read_part`).

What they read must be what `iter_corpus` reads: the same articles, the same issues, in the
same order; and a scan with workers must write the same bytes (stderr included) as one without.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newsdedup import load as load_module
from newsdedup.cli import cli
from newsdedup.config import DedupConfig, LoadConfig
from newsdedup.load import (
    Issues,
    Span,
    _reader,
    bounded_lines,
    corpus_parts,
    list_files,
    load_corpus,
    read_part,
)
from newsdedup.pipeline import find_duplicates, scan_corpus
from newsdedup.records import LoadIssue
from newsdedup.serialize import to_json
from newsdedup.spill import SpilledSets

from .conftest import SEEDS, make_article

BANNER = "Home | World | Business | Sport | Morning Lantern"


def _record(i: int, *, banner: bool = False, **extra: object) -> bytes:
    text = make_article(i // 2, paragraphs=3)  # records 2k and 2k+1 are copies
    if banner:
        text = BANNER + "\n\n" + text
    return json.dumps({"id": f"r{i:04d}", "text": text, **extra}).encode() + b"\n"


def bad_jsonl() -> bytes:
    """Good records, copies among them, and every kind of bad line the reader reports."""
    lines = [b"\xef\xbb\xbf" + _record(0, title="With a BOM")]
    for i in range(1, 80):
        lines.append(_record(i, date="2020-01-02") if i % 7 else _record(i))
        bad = {
            3: b'{"id": "broken", "text": "abc\n',
            6: b'{"id": "latin", "text": "caf\xe9"}\n',
            9: _record(2),  # duplicate id
            12: b'{"id": "blank", "text": "  "}\n',
            15: b"\x00\x01\xff\xfe binary \x00\n",
            18: b"\n",
            19: b"  \t \n",
            21: b"[1, 2]\n",
            24: b'{"id": "num", "text": 5}\n',
            27: b'{"id": "nul", "text": "a\\u0000b"}\n',
            30: b'{"text": "no id here, so the id is file and line"}\n',
            33: b'{"id": "crlf", "text": "windows line ending"}\r\n',
            40: b'{"id": "huge", "text": "' + b"x" * 5000 + b'"}\n',
            50: b'{"id": ["a"], "text": "a list id falls back to file and line"}\n',
            60: _record(41),  # duplicate id, far from the first
        }.get(i)
        if bad is not None:
            lines.append(bad)
    lines.append(b'{"id": "last", "text": "no newline at the end of the file"}')
    return b"".join(lines)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("parts")
    (root / "a.jsonl").write_bytes(bad_jsonl())
    (root / "b.jsonl").write_bytes(b"")  # empty file
    (root / "c.jsonl").write_bytes(b"\n \n")  # blank lines only
    (root / "d.jsonl.gz").write_bytes(gzip.compress(b"".join(_record(i) for i in range(70, 90))))
    sub = root / "sub"
    sub.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (sub / seed.name).write_bytes(seed.read_bytes())
    (sub / "latin.txt").write_bytes("caf\xe9 au lait, written in Latin-1".encode("latin-1"))
    (sub / "zero.txt").write_bytes(b"")
    (sub / "e.ndjson").write_bytes(b"".join(_record(i) for i in range(5, 25)))
    return root


GLOB = "*.txt,*.jsonl,*.jsonl.gz,*.ndjson"


def by_file_readers(root: Path, config: LoadConfig) -> list[object]:
    """What the readers `iter_corpus` uses yield, file by file (no duplicate-id check)."""
    return [item for f in list_files(root, config) for item in _reader(f)(f, root, config)]


def by_parts(root: Path, config: LoadConfig, span_bytes: int, files: int = 3) -> list[object]:
    parts = corpus_parts(root, config, span_bytes=span_bytes, files_per_part=files)
    return [item for part in parts for item in read_part(part, config)]


class TestParts:
    @pytest.mark.parametrize("span_bytes", [1, 50, 3000, 1 << 20])
    @pytest.mark.parametrize("block", [1, 7, 4096, 16 << 20])
    def test_parts_read_what_the_file_reader_reads(self, folder, monkeypatch, span_bytes, block):
        """Every record, issue and line number of a bad JSONL, however the file is cut."""
        monkeypatch.setattr(load_module, "_BLOCK", block)
        path = folder / "a.jsonl"
        config = LoadConfig(max_bytes=4000)
        expected = by_file_readers(path, config)
        assert by_parts(path, config, span_bytes) == expected
        problems = {
            i.problem.split(":")[0].split(" (")[0] for i in expected if not hasattr(i, "text")
        }
        assert {"broken JSON", "not UTF-8 at byte 28", "empty text", "not a JSON object"} <= (
            problems
        )
        assert any("over the 4,000-byte limit" in p for p in problems)

    def test_spans_cut_whole_lines_and_count_them(self, folder):
        """Spans cover the file end to end, each starting at a line start with its number."""
        path = folder / "a.jsonl"
        data = path.read_bytes()
        spans = [p for p in corpus_parts(path, span_bytes=500) if isinstance(p, Span)]
        assert len(spans) > 10
        assert spans[0].start == 0
        assert spans[-1].end == len(data)
        for before, after in itertools.pairwise(spans):
            assert before.end == after.start
            assert data[after.start - 1 : after.start] == b"\n"
            assert after.line == data.count(b"\n", 0, after.start) + 1

    def test_a_folder_reads_the_same_by_parts(self, folder):
        """Text files, gzip JSONL, empty and blank files: the same items in the same order."""
        config = LoadConfig(glob=GLOB)
        expected = by_file_readers(folder, config)
        assert by_parts(folder, config, 200, files=2) == expected
        assert any(getattr(i, "problem", "") == "empty file" for i in expected)

    def test_an_empty_file_is_reported(self, tmp_path):
        """An empty JSONL file gives one issue, as `iter_corpus` does."""
        path = tmp_path / "empty.jsonl"
        path.write_bytes(b"")
        parts = list(corpus_parts(path))
        assert [type(p) for p in parts] == [Issues]
        assert [i.problem for i in read_part(parts[0], LoadConfig())] == ["empty file"]


class _Spy(io.BytesIO):
    """A file that records the most bytes one readline returned."""

    biggest = 0

    def readline(self, size: int | None = -1, /) -> bytes:
        assert size is not None, "an unbounded readline"
        assert size > 0, "an unbounded readline"
        out = super().readline(size)
        self.biggest = max(self.biggest, len(out))
        return out


class TestRunawayLines:
    """A record of a gigabyte (or a gzip bomb) is skipped as over --max-bytes without ever
    being held whole: it took 3.2 GB of memory for a 1.5 MB .jsonl.gz, or a MemoryError."""

    def test_a_line_over_the_limit_is_its_length_and_never_held(self):
        data = b'{"id": "a"}\n' + b"x" * 3_000_000 + b"\n" + b"tail"
        spy = _Spy(data)
        assert list(bounded_lines(spy, 1000)) == [b'{"id": "a"}\n', 3_000_001, b"tail"]
        assert spy.biggest <= 1 << 20

    def test_a_span_stops_at_its_size_even_inside_a_long_line(self):
        data = b"a\n" + b"x" * 5000 + b"\n" + b"b\n"
        assert list(bounded_lines(_Spy(data), 100, size=2 + 5001)) == [b"a\n", 5001]
        assert list(bounded_lines(_Spy(data), 100, size=2 + 300)) == [b"a\n", 300]

    @pytest.mark.parametrize("name", ["c.jsonl", "c.jsonl.gz"])
    @pytest.mark.parametrize("workers", ["1", "2"])
    def test_scan_skips_a_runaway_record_and_reads_on(self, tmp_path, name, workers):
        body = b'{"id": "big", "text": "' + b"word " * 600_000 + b'"}\n'
        data = _record(1) + body + _record(2) + _record(4)
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        code, out, err = scan_cli(
            [str(path), "--format", "csv", "--max-bytes", "1000000", "--workers", workers]
        )
        assert code == 0
        assert out.split()[1:] == ["r0001,,,,", "r0002,,,,", "r0004,,,,"]
        assert f"{name}:2: record is {len(body):,} bytes, over the 1,000,000-byte limit" in err


def scan_cli(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["scan", *args])
    return result.exit_code, result.stdout, result.stderr


class TestScanByParts:
    @pytest.mark.parametrize("fmt", ["json", "csv"])
    def test_workers_write_the_same_bytes_on_bad_input(self, folder, monkeypatch, fmt):
        """`--workers 1` and `--workers 2` on a folder with bad lines, cut into many parts:
        same report, same warnings on stderr, same exit code."""
        monkeypatch.setattr(load_module, "SPAN_BYTES", 2000)
        monkeypatch.setattr(load_module, "FILES_PER_PART", 2)
        args = [str(folder), "--glob", GLOB, "--format", fmt, "--max-bytes", "4000"]
        one = scan_cli([*args, "--workers", "1"])
        two = scan_cli([*args, "--workers", "2"])
        assert one == two
        assert one[0] == 0
        assert "a.jsonl:5: broken JSON" in one[2]
        assert "duplicate id 'r0002'" in one[2]

    def test_scan_equals_a_scan_of_loaded_articles(self, folder, monkeypatch):
        """Issues (in order), metadata and clusters as `find_duplicates(load_corpus(...))`."""
        monkeypatch.setattr(load_module, "SPAN_BYTES", 1500)
        config = LoadConfig(glob=GLOB, max_bytes=4000)
        loaded = load_corpus(folder, config=config)
        expected = find_duplicates(
            loaded.articles, skipped=loaded.skipped, warnings=loaded.warnings
        )
        met: list[object] = []
        result = scan_corpus(folder, load=config, workers=2, on_issue=met.append)
        assert met == list(loaded.issues)
        assert to_json(result) == to_json(expected)
        assert result.metadata
        assert result.clusters

    def test_duplicate_ids_do_not_count_toward_templates(self, tmp_path, monkeypatch):
        """A banner line carried only by records whose id is taken is not a site template:
        the parts count it, and the merge takes those records back out."""
        monkeypatch.setattr(load_module, "SPAN_BYTES", 1000)
        lines = [_record(i, banner=i < 3) for i in range(40)]
        lines += [_record(i, banner=True) for i in range(3, 9)]  # ids r0003..r0008 again
        path = tmp_path / "dups.jsonl"
        path.write_bytes(b"".join(lines))
        config = DedupConfig()
        loaded = load_corpus(path)
        expected = find_duplicates(loaded.articles, config, skipped=loaded.skipped)
        assert expected.extra["template_lines"] == 0
        for workers in (1, 2):
            result = scan_corpus(path, config, workers=workers)
            assert to_json(result) == to_json(expected)

    def test_duplicate_ids_do_not_count_toward_sentence_neighbours(self, tmp_path, monkeypatch):
        """A sentence next to the menu only in records whose id is taken stays article text:
        their (sentence, menu) pairs are taken back out with their line keys."""
        monkeypatch.setattr(load_module, "SPAN_BYTES", 1000)
        quote = "The council voted on Monday to close the old bridge for good."

        def record(i: int, *, near_menu: bool) -> bytes:
            body = make_article(i, paragraphs=2).split("\n\n")
            if near_menu:
                lines = [BANNER, quote, *body]
            elif i < 6:  # the quote in six articles that stay, between paragraphs
                lines = [BANNER, body[0], quote, body[1]]
            else:
                lines = [BANNER, *body]
            text = "\n\n".join(lines)
            return json.dumps({"id": f"q{i:03d}", "text": text}).encode() + b"\n"

        lines = [record(i, near_menu=False) for i in range(30)]
        lines += [record(i, near_menu=True) for i in range(6)]  # ids q000..q005 again
        path = tmp_path / "quotes.jsonl"
        path.write_bytes(b"".join(lines))
        loaded = load_corpus(path)
        expected = find_duplicates(loaded.articles, skipped=loaded.skipped)
        assert expected.extra["template_lines"] == 1  # the menu, not the quote
        for workers in (1, 2):
            assert to_json(scan_corpus(path, workers=workers)) == to_json(expected)

    def test_without_templates_the_one_pass_reports(self, folder):
        """With `--no-templates` the fingerprint pass is the first: it reports the issues."""
        args = [str(folder / "a.jsonl"), "--format", "json", "--no-templates"]
        one = scan_cli([*args, "--workers", "1"])
        two = scan_cli([*args, "--workers", "2"])
        assert one == two
        assert "duplicate id 'r0041'" in one[2]

    def test_strict_stops_at_the_first_bad_record(self, folder):
        """`--strict` exits 3 on the broken line, with or without workers."""
        args = [str(folder / "a.jsonl"), "--strict", "--format", "json"]
        one = scan_cli([*args, "--workers", "1"])
        two = scan_cli([*args, "--workers", "2"])
        assert one == two
        assert one[0] == 3
        assert "a.jsonl:5: broken JSON" in one[2]

    def test_a_missing_path_is_an_input_error_after_the_paths_before_it(self, folder):
        """The library raises `InputError` for a path that does not exist, in its turn."""
        from newsdedup.errors import InputError

        met: list[object] = []
        with pytest.raises(InputError, match="no such file"):
            scan_corpus([folder / "a.jsonl", folder / "nope.jsonl"], workers=2, on_issue=met.append)
        assert met  # the first path's issues were reported before the error


def test_spill_accepts_an_empty_batch():
    """A part with no article (only issues) adds nothing: later sets keep their offsets."""
    sets = SpilledSets()
    try:
        a = np.array([1, 2, 3], dtype=np.uint64)
        b = np.array([7, 8], dtype=np.uint64)
        sets.append(a, np.array([3], dtype=np.int64))
        sets.append(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
        sets.append(b, np.array([2], dtype=np.int64))
        sets.append(a[:1], np.array([1], dtype=np.int64))
        sets.reorder(np.array([2, 1, 0], dtype=np.int64))
        assert [s.tolist() for s in sets] == [[1], [7, 8], [1, 2, 3]]
    finally:
        sets.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_plain_file_named_gz_is_one_issue(tmp_path, workers):
    """A plain JSONL named .jsonl.gz said 'cannot read past line 0' and then, falsely,
    'empty file': two skips for one file. Now one, naming the rename."""
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(_record(1))
    code, _, err = scan_cli([str(path), "--workers", workers])
    assert code == 3
    assert err.splitlines()[0] == (
        "warning: c.jsonl.gz: not gzip-compressed, though named .gz (rename it c.jsonl) (skipped)"
    )
    assert "empty file" not in err
    loaded = load_corpus(path)
    assert [i.problem for i in loaded.issues] == [
        "not gzip-compressed, though named .gz (rename it c.jsonl)"
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_encoding_applies_to_jsonl_lines_that_are_not_utf8(tmp_path, workers):
    """--encoding was silently ignored for JSONL: cp1252 records were skipped as 'not UTF-8'.
    It now reads the lines that are not UTF-8; without it, the warning names the flag."""
    story = make_article(3) + " Café “crème” – £5."
    lines = [
        json.dumps({"id": "a", "text": story}, ensure_ascii=False).encode("cp1252"),
        json.dumps({"id": "b", "text": story}, ensure_ascii=False).encode("utf-8"),
    ]
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = scan_cli(
        [str(path), "--format", "csv", "--encoding", "cp1252", "--workers", workers]
    )
    assert (code, err) == (0, "")
    assert out.split()[1:] == ["a,1,a,1.0,", "b,1,a,1.0,"]
    assert load_corpus(path, config=LoadConfig(encoding="cp1252")).articles[0].text == story
    code, out, err = scan_cli([str(path), "--format", "csv", "--workers", workers])
    assert "c.jsonl:1: not UTF-8 at byte" in err
    assert "(name its encoding with --encoding)" in err


@pytest.mark.parametrize("workers", [1, 2])
def test_files_that_change_between_the_two_passes_are_reported(tmp_path, workers):
    """QA 9: scan reads a folder twice (templates, then fingerprints). A file deleted or
    overwritten with binary bytes between the passes (a scraper rewriting its folder) fell
    out of the result in silence: no skipped entry, no warning, exit 0. Each is reported
    now, and a deleted one is said to have vanished (it was called a pipe or device)."""
    folder = tmp_path / "d"
    folder.mkdir()
    for i in range(600):  # several parts, so pass 1 reports progress before it ends
        (folder / f"a{i:03d}.txt").write_text(make_article(i, 2), encoding="utf-8")
    done = []

    def progress(stage: str, n: int, total: int) -> None:
        if stage == "templates" and not done:
            done.append(True)
            (folder / "a001.txt").unlink()
            (folder / "a002.txt").write_bytes(b"\x00\x01")

    met: list[LoadIssue] = []
    result = scan_corpus(folder, workers=workers, progress=progress, on_issue=met.append)
    assert done
    assert result.articles == 598
    assert [(i.source, i.problem) for i in result.skipped] == [
        ("a001.txt", "vanished (deleted or moved since listed)"),
        ("a002.txt", "binary file (NUL bytes)"),
    ]
    assert met == list(result.skipped)
