"""The loader: ids, order, decoding policy, issues, strict mode; it never writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdedup import (
    Article,
    ConfigError,
    DecodeError,
    InputError,
    LoadConfig,
    RecordError,
    load_corpus,
)
from newsdedup.load import decode_bytes

from .conftest import SEEDS, make_article, tree_digest


class TestLoadCorpus:
    def test_folder_ids_are_relative_posix_paths_sorted(self, tmp_path):
        """Ids are paths relative to the root with / separators, in sorted order."""
        (tmp_path / "b").mkdir()
        (tmp_path / "b" / "z.txt").write_text("Zed text.", encoding="utf-8")
        (tmp_path / "a.txt").write_text("A text.", encoding="utf-8")
        (tmp_path / "b" / "skip.md").write_text("not matched", encoding="utf-8")
        loaded = load_corpus(tmp_path)
        assert [a.id for a in loaded.articles] == ["a.txt", "b/z.txt"]

    def test_glob_selects_files(self, tmp_path):
        """--glob changes which files are articles."""
        (tmp_path / "a.md").write_text("Markdown article.", encoding="utf-8")
        (tmp_path / "b.txt").write_text("Text article.", encoding="utf-8")
        loaded = load_corpus(tmp_path, config=LoadConfig(glob="*.md"))
        assert [a.id for a in loaded.articles] == ["a.md"]

    def test_single_file_id_is_its_name(self, tmp_path):
        """A single file given directly is identified by its name."""
        path = tmp_path / "one.txt"
        path.write_text("One article.", encoding="utf-8")
        assert [a.id for a in load_corpus(path).articles] == ["one.txt"]

    def test_utf8_bom_is_removed_and_text_kept_raw(self, tmp_path):
        """A UTF-8 BOM is dropped; the rest of the text is exactly as in the file."""
        raw = "Line one.\r\nLine two “quoted”.\n"
        (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf" + raw.encode())
        assert load_corpus(tmp_path).articles[0].text == raw

    def test_utf16_with_bom_is_read(self, tmp_path):
        """UTF-16 with a BOM is text, not binary."""
        (tmp_path / "a.txt").write_bytes("Wide text here.".encode("utf-16"))
        loaded = load_corpus(tmp_path)
        assert loaded.articles[0].text == "Wide text here."
        assert loaded.issues == ()

    def test_latin1_is_detected_with_a_warning(self, tmp_path):
        """A non-UTF-8 file is decoded by detection and reported as a warning."""
        text = make_article(5) + " Café crème, £5."
        (tmp_path / "a.txt").write_bytes(text.encode("latin-1"))
        loaded = load_corpus(tmp_path)
        assert "£5" in loaded.articles[0].text
        assert loaded.warnings[0].source == "a.txt"
        assert "not UTF-8 at byte" in loaded.warnings[0].problem

    def test_undecided_code_page_reads_as_western(self, tmp_path):
        """Latin-1 text that cp1250 would also decode (a tie for the detector) is read as
        windows-1252, not with "è" turned into "č"; Polish in cp1250 stays cp1250."""
        french = "Café crème brûlée recipe, a story about French desserts in Paris today."
        polish = "Rząd przyjął w środę projekt ustawy o zmianie podatków od stycznia. " * 2
        (tmp_path / "fr.txt").write_bytes(french.encode("latin-1"))
        (tmp_path / "pl.txt").write_bytes(polish.encode("cp1250"))
        loaded = load_corpus(tmp_path)
        assert {a.id: a.text for a in loaded.articles} == {"fr.txt": french, "pl.txt": polish}
        assert {w.source: w.problem.rsplit(" ", 1)[-1] for w in loaded.warnings} == {
            "fr.txt": "cp1252",
            "pl.txt": "cp1250",
        }

    @pytest.mark.parametrize(
        "text",
        [
            # the detector's best: mac_iceland ("ìwe donít knowî ñ ... Ä20m")
            "He said “we don’t know” – and left. The fee was €20m or £15.8m, reportedly.",
            # cp1250 ("a Ł15.8m signing")
            make_article(1, 6).replace(".\n", ", a £15.8m signing from Parma.\n", 1),
            # cp775 ("the nationÆs assistance", "ŚquotedŚ"): a letter fits between letters
            # as well as an apostrophe does
            (SEEDS / "002_9f6bd50664dbac58.txt").read_text("utf-8").replace("'", "\u2019")
            + "\nCafé résumé naïve “quoted” – dash\n",
        ],
    )
    def test_western_symbols_are_read_as_windows_1252(self, tmp_path, text):
        """Curly quotes, dashes, "€" and "£" in English are read as windows-1252, whatever
        single-byte code page the detector found a hair less chaotic."""
        (tmp_path / "a.txt").write_bytes(text.encode("cp1252"))
        loaded = load_corpus(tmp_path)
        assert loaded.articles[0].text == text
        assert loaded.warnings[0].problem.endswith("decoded as cp1252")

    def test_a_pound_sign_is_not_read_as_katakana(self):
        """One 0xA3 byte among ASCII (a BBC article's "£15.8m") is no Shift-JIS katakana."""
        text = "Chelsea wrote off the fee for Mutu, a £15.8m signing from Parma last season."
        decoded, _ = decode_bytes(text.encode("cp1252") * 20, "a.txt")
        assert decoded == text * 20

    def test_explicit_encoding(self, tmp_path):
        """--encoding reads the file with the named codec, silently."""
        (tmp_path / "a.txt").write_bytes("Größe".encode("cp1252"))
        loaded = load_corpus(tmp_path, config=LoadConfig(encoding="cp1252"))
        assert loaded.articles[0].text == "Größe"
        assert loaded.issues == ()

    def test_explicit_encoding_leaves_utf8_files_alone(self, tmp_path):
        """--encoding is for the files that are not UTF-8 (as its help says): a UTF-8 file
        beside them stays UTF-8 (--encoding utf-16 made CJK mojibake of it)."""
        (tmp_path / "a.txt").write_text("Größe und Maß", encoding="utf-8")
        (tmp_path / "b.txt").write_bytes("Größe".encode("cp1252"))
        for encoding in ("cp1252", "utf-16", "latin-1"):
            loaded = load_corpus(tmp_path, config=LoadConfig(encoding=encoding))
            assert loaded.articles[0].text == "Größe und Maß"
        loaded = load_corpus(tmp_path, config=LoadConfig(encoding="cp1252"))
        assert loaded.articles[1].text == "Größe"

    def test_utf16_without_a_bom_is_read_when_named(self, tmp_path):
        """UTF-16 without a byte-order mark holds NUL bytes: binary unless --encoding names
        a UTF-16 codec (it was binary either way)."""
        (tmp_path / "a.txt").write_bytes("A wide text.".encode("utf-16-le"))
        assert [i.problem for i in load_corpus(tmp_path).issues] == ["binary file (NUL bytes)"]
        loaded = load_corpus(tmp_path, config=LoadConfig(encoding="utf-16-le"))
        assert loaded.articles[0].text == "A wide text."

    def test_unknown_encoding_is_a_config_error(self):
        """A codec Python does not know is refused up front (every file was skipped)."""
        with pytest.raises(ConfigError, match="unknown encoding 'bogus-enc'"):
            LoadConfig(encoding="bogus-enc")

    def test_bad_files_become_issues_not_errors(self, tmp_path):
        """Empty, blank and NUL-byte files are skipped with a problem each."""
        (tmp_path / "e.txt").write_bytes(b"")
        (tmp_path / "w.txt").write_bytes(b"   \n")
        (tmp_path / "n.txt").write_bytes(b"abc\x00def")
        loaded = load_corpus(tmp_path)
        assert loaded.articles == ()
        assert {i.source: i.problem for i in loaded.skipped} == {
            "e.txt": "empty file",
            "n.txt": "binary file (NUL bytes)",
            "w.txt": "whitespace only",
        }

    def test_strict_raises_decode_error_naming_file(self, tmp_path):
        """strict=True raises on the first bad file; the error names it."""
        (tmp_path / "n.txt").write_bytes(b"abc\x00def")
        with pytest.raises(DecodeError, match=r"n\.txt"):
            load_corpus(tmp_path, strict=True)

    def test_jsonl_problems_carry_line_numbers(self, tmp_path):
        """Broken, non-object and text-less JSONL lines are issues with their line."""
        path = tmp_path / "c.jsonl"
        path.write_text(
            "\n".join(
                [
                    json.dumps({"id": "ok", "text": "Fine text."}),
                    "{broken",
                    "[1, 2]",
                    json.dumps({"id": "x"}),
                    json.dumps({"id": "ok", "text": "Same id again."}),
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        loaded = load_corpus(path)
        assert [a.id for a in loaded.articles] == ["ok"]
        assert loaded.skipped[0].problem == (
            "broken JSON: Expecting property name enclosed in double quotes at column 2"
        )
        assert [(i.line, i.problem.split(":")[0]) for i in loaded.skipped] == [
            (2, "broken JSON"),
            (3, "not a JSON object"),
            (4, "field 'text' is missing (see --text-field)"),
            (5, "duplicate id 'ok'; the first record wins"),
        ]

    def test_a_record_cut_short_is_placed_on_its_own_line(self, tmp_path):
        """A record cut off after a key, or inside its text, is named with the column where
        it breaks (the line end made them "column 1" and "Invalid control character")."""
        path = tmp_path / "c.jsonl"
        path.write_text(
            '{"id": "a", "text": "Fine."}\n{"id": "b", "text": \n{"id": "c", "text": "cut\n',
            encoding="utf-8",
        )
        assert [i.problem for i in load_corpus(path).skipped] == [
            "broken JSON: Expecting value at column 21",
            "broken JSON: Unterminated string starting at column 21",
        ]

    def test_files_joined_with_their_boms_lose_no_record(self, tmp_path):
        """QA 15c #5: `cat a.jsonl b.jsonl` puts b's BOM at the start of a later line, and
        that record was skipped as "Unexpected UTF-8 BOM (decode using utf-8-sig)"."""
        bom = "\ufeff"
        a = bom + json.dumps({"id": "a", "text": "First story."}) + "\n"
        b = bom + json.dumps({"id": "b", "text": "Second story."}) + "\n"
        path = tmp_path / "all.jsonl"
        path.write_text(a + b, encoding="utf-8")
        loaded = load_corpus(path)
        assert [x.id for x in loaded.articles] == ["a", "b"]
        assert loaded.issues == ()

    def test_a_text_field_of_the_wrong_kind_is_named(self, tmp_path):
        """A null or non-string text says what it is, not that the field is missing."""
        path = tmp_path / "c.jsonl"
        rows = [{"id": "n", "text": None}, {"id": "a", "text": [1]}, {"id": "d", "text": 4.5}]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        assert [i.problem for i in load_corpus(path).skipped] == [
            "field 'text' is null (see --text-field)",
            "field 'text' is a JSON array, not a string (see --text-field)",
            "field 'text' is a JSON number, not a string (see --text-field)",
        ]

    def test_strict_jsonl_raises_record_error_with_line(self, tmp_path):
        """strict=True on a broken JSONL line raises RecordError carrying the line."""
        path = tmp_path / "c.jsonl"
        path.write_text('{"id": "a", "text": "x"}\n{nope\n', encoding="utf-8")
        with pytest.raises(RecordError) as info:
            load_corpus(path, strict=True)
        assert info.value.line == 2
        assert "c.jsonl:2" in str(info.value)

    def test_truncated_gzip_keeps_records_before_the_damage(self, tmp_path):
        """A cut .jsonl.gz yields the records before the cut and one issue."""
        import gzip

        path = tmp_path / "c.jsonl.gz"
        body = "".join(
            json.dumps({"id": f"r{i}", "text": make_article(i)}) + "\n" for i in range(50)
        )
        data = gzip.compress(body.encode())
        path.write_bytes(data[: len(data) // 2])
        loaded = load_corpus(path)
        assert 0 < len(loaded.articles) < 50
        assert len(loaded.skipped) == 1

    def test_missing_path_is_an_input_error(self, tmp_path):
        """A path that does not exist raises InputError naming it."""
        with pytest.raises(InputError, match="nope"):
            load_corpus(tmp_path / "nope")

    def test_loading_never_changes_the_tree(self, tmp_path):
        """Reading a corpus leaves every byte in place."""
        (tmp_path / "a.txt").write_text(make_article(1), encoding="utf-8")
        (tmp_path / "b.jsonl").write_text('{"text": "x"}\n{bad\n', encoding="utf-8")
        before = tree_digest(tmp_path)
        load_corpus(tmp_path, config=LoadConfig(glob="*"))
        assert tree_digest(tmp_path) == before

    def test_input_error_is_a_value_error(self):
        """Callers catching ValueError still catch our input errors."""
        assert issubclass(InputError, ValueError)
        assert issubclass(DecodeError, InputError)


def test_hidden_files_are_ignored(tmp_path: Path):
    """Dot-files and dot-folders (editor backups, .git) are not articles."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("git internals", encoding="utf-8")
    (tmp_path / ".draft.txt").write_text("a draft", encoding="utf-8")
    (tmp_path / "a.txt").write_text("An article.", encoding="utf-8")
    assert [a.id for a in load_corpus(tmp_path).articles] == ["a.txt"]


def test_symlinked_folders_are_followed_once_and_broken_links_reported(tmp_path: Path):
    """A corpus that links in each day's scrape reads the linked files (they were skipped
    unseen); a link back up the tree does not loop; a broken link is a skipped file with its
    reason, not a silent gap."""
    day1, corpus = tmp_path / "day1", tmp_path / "corpus"
    day1.mkdir()
    corpus.mkdir()
    (day1 / "a.txt").write_text(make_article(1), encoding="utf-8")
    (corpus / "b.txt").write_text(make_article(2), encoding="utf-8")
    (corpus / "day1").symlink_to(day1)
    (corpus / "again").symlink_to(day1)  # the same real folder by a second name: read once
    (corpus / "up").symlink_to(tmp_path)  # a loop: tmp_path holds corpus/
    (corpus / "gone.txt").symlink_to("nowhere.txt")
    loaded = load_corpus(corpus)
    assert [a.id for a in loaded.articles] == ["again/a.txt", "b.txt"]
    assert [(i.source, i.problem) for i in loaded.skipped] == [
        ("gone.txt", "broken symbolic link to nowhere.txt")
    ]
    with pytest.raises(InputError, match=r"gone\.txt: broken symbolic link"):
        load_corpus(corpus, strict=True)


def test_two_links_pointing_at_each_other_are_a_loop_not_broken(tmp_path: Path):
    """QA 15c #8: links pointing at each other were "broken symbolic link": no target is
    missing, and the user looks for the wrong thing."""
    (tmp_path / "a.txt").write_text(make_article(1), encoding="utf-8")
    (tmp_path / "loop1.txt").symlink_to("loop2.txt")
    (tmp_path / "loop2.txt").symlink_to("loop1.txt")
    loaded = load_corpus(tmp_path)
    assert [a.id for a in loaded.articles] == ["a.txt"]
    assert [(i.source, i.problem) for i in loaded.skipped] == [
        ("loop1.txt", "symbolic link loop to loop2.txt"),
        ("loop2.txt", "symbolic link loop to loop1.txt"),
    ]


def test_several_folders_keep_one_file_name_apart(tmp_path: Path):
    """Daily folders reuse file names. With several paths, each folder's name leads its ids,
    so day2/a.txt is compared with day1/a.txt instead of being dropped as a duplicate id;
    one path keeps ids relative to it, and a file given directly is its name."""
    for day in ("day1", "day2"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "a.txt").write_text(make_article(len(day)), encoding="utf-8")
    (tmp_path / "day2" / "b.txt").write_text(make_article(7), encoding="utf-8")
    (tmp_path / "c.txt").write_text(make_article(8), encoding="utf-8")
    both = load_corpus([tmp_path / "day1", tmp_path / "day2", tmp_path / "c.txt"])
    assert [a.id for a in both.articles] == ["c.txt", "day1/a.txt", "day2/a.txt", "day2/b.txt"]
    assert both.issues == ()
    assert [a.id for a in load_corpus(tmp_path / "day2").articles] == ["a.txt", "b.txt"]


def test_a_gzipped_text_file_is_named_as_such(tmp_path: Path):
    """A .txt.gz named directly was 'binary file (NUL bytes)'; it says what it is."""
    import gzip

    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(make_article(1).encode()))
    loaded = load_corpus(tmp_path / "a.txt.gz")
    assert [(i.source, i.problem) for i in loaded.skipped] == [
        ("a.txt.gz", "gzip-compressed (only .jsonl.gz, .html.gz and .warc.gz are unpacked)")
    ]


def test_upper_case_extensions_and_a_leading_double_star_are_read(tmp_path):
    """QA 11c: `A.TXT` and `C.HTML` (a Windows share) were left out without a word, and
    `--glob '**/*.txt'` left out every top-level file."""
    from newsdedup.config import LoadConfig

    (tmp_path / "A.TXT").write_text(make_article(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(make_article(2), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.Txt").write_text(make_article(3), encoding="utf-8")
    assert [a.id for a in load_corpus(tmp_path).articles] == ["A.TXT", "b.txt", "sub/c.Txt"]
    deep = load_corpus(tmp_path, config=LoadConfig(glob="**/*.txt"))
    assert [a.id for a in deep.articles] == ["A.TXT", "b.txt", "sub/c.Txt"]
    only_sub = load_corpus(tmp_path, config=LoadConfig(glob="sub/*.txt"))
    assert [a.id for a in only_sub.articles] == ["sub/c.Txt"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", __import__("datetime").date(2009, 3, 3)),
        ("title", 123),
        ("url", b"x"),
        ("line", "4"),
    ],
)
def test_article_fields_of_the_wrong_type_are_refused_by_name(field, value):
    """QA 11a: `Article(date=datetime.date(...))` was taken, then failed deep in the story
    level with an error naming no field."""
    with pytest.raises(TypeError, match=f"Article {field} must be"):
        Article(id="a", text="t", source="s", **{field: value})


def test_a_link_to_an_article_of_the_same_folder_is_read_once(tmp_path):
    """QA 11c: `latest.txt -> 002.txt` made 002 its own duplicate (check failed). The link is
    a warning naming the article it leads to; a link to a file outside the folder is read."""
    (tmp_path / "002.txt").write_text(make_article(2), encoding="utf-8")
    (tmp_path / "latest.txt").symlink_to("002.txt")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text(make_article(3), encoding="utf-8")
    (tmp_path / "wire.txt").symlink_to(outside)
    loaded = load_corpus(tmp_path)
    assert [a.id for a in loaded.articles] == ["002.txt", "wire.txt"]
    (warning,) = loaded.warnings
    assert (warning.source, warning.problem) == (
        "latest.txt",
        "a link to 002.txt, which is read as itself (once)",
    )


@pytest.mark.parametrize(("value", "kind"), [({"db": 17}, "object"), ([1, 2], "array")])
def test_an_id_that_is_an_object_or_array_is_a_skipped_record(tmp_path, value, kind):
    """QA 11c: `{"id": {"db": 17}}` silently became FILE:LINE, which could even clash with a
    real id. It is a skipped record naming the field, as a text field of the wrong kind is."""
    path = tmp_path / "c.jsonl"
    rows = [{"id": value, "text": make_article(1)}, {"id": "ok", "text": make_article(2)}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    loaded = load_corpus(path)
    assert [a.id for a in loaded.articles] == ["ok"]
    (issue,) = loaded.skipped
    assert (issue.line, issue.problem) == (
        1,
        f"field 'id' is a JSON {kind}, not a string or number (see --id-field)",
    )


def test_a_file_of_nul_bytes_is_judged_binary_from_its_head(tmp_path: Path):
    """QA 15c #9: under a raised --max-bytes, a 1 GB sparse file was read whole (1.1 GB of
    memory) only to be skipped as binary. Its head tells: nothing past it is read."""
    import tracemalloc

    path = tmp_path / "sparse.txt"
    with path.open("wb") as handle:
        handle.truncate(64 << 20)
    tracemalloc.start()
    try:
        loaded = load_corpus(path, config=LoadConfig(max_bytes=1 << 30))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [i.problem for i in loaded.skipped] == ["binary file (NUL bytes)"]
    assert peak < 8 << 20
