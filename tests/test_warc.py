"""WARC archives in: HTML response records become articles; broken records do not stop the rest."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup import load_corpus
from newsdedup.cli import cli

from .conftest import tree_digest
from .pages import page, record_offsets, story, write_warc

A = "https://a.example/2024/03/05/storm"
B = "https://b.example/news/storm-hits-coast"
C = "https://c.example/sport/final"


def crawl(path: Path, *, gz: bool = True) -> Path:
    """Write a crawl: one story on two sites, an unrelated story, a stylesheet and an image."""
    write_warc(
        path,
        [
            (
                A,
                page(story(1), site="a.example", title="Storm hits coast"),
                "text/html; charset=utf-8",
            ),
            ("https://a.example/site.css", "body { color: red }", "text/css"),
            (B, page(story(1), site="b.example", title="Coast braces"), "text/html"),
            ("https://b.example/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
            (C, page(story(2), site="c.example", title="Cup final"), "application/xhtml+xml"),
        ],
        gz=gz,
    )
    return path


class TestReadWarc:
    @pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
    def test_html_responses_become_articles_keyed_by_target_uri(self, tmp_path: Path, name: str):
        """Ids are target URIs; dates are the pages' own; CSS and images are not articles."""
        loaded = load_corpus(crawl(tmp_path / name, gz=name.endswith(".gz")))
        assert [a.id for a in loaded.articles] == [A, B, C]
        first = loaded.articles[0]
        assert (first.url, first.date, first.title) == (A, "2024-03-05", "Storm hits coast")
        assert first.source == name
        assert story(1).split("\n\n")[0] in first.text
        assert "Celebrity chef" not in first.text
        assert loaded.issues == ()

    def test_gzip_is_told_by_its_bytes_not_the_name(self, tmp_path: Path):
        """A gzipped archive named .warc is read like a .warc.gz."""
        loaded = load_corpus(crawl(tmp_path / "named.warc", gz=True))
        assert [a.id for a in loaded.articles] == [A, B, C]

    def test_an_archive_gzipped_as_one_stream_is_read_whole(self, tmp_path: Path):
        """QA 14b: `gzip crawl.warc` (one stream, not one member per record) gave warcio's
        first record only, and `check` passed on 1 page of 49. It is read through gzip."""
        import gzip

        plain = crawl(tmp_path / "crawl.warc", gz=False)
        whole = tmp_path / "whole.warc.gz"
        whole.write_bytes(gzip.compress(plain.read_bytes()))
        loaded = load_corpus(whole)
        assert [a.id for a in loaded.articles] == [A, B, C]
        assert loaded.issues == ()
        result = CliRunner().invoke(cli, ["clean", str(whole), "--format", "json"])
        assert result.exit_code == 0
        assert len(json.loads(result.stdout)) == 3

    def test_a_wrong_utf8_header_gives_way_to_the_pages_own_charset(self, tmp_path: Path):
        """QA 14b: the server said utf-8, the page's <meta> iso-8859-1 (windows-1252 as
        browsers read it), the bytes were windows-1252: decoded by detection as latin-1,
        "don\u2019t" lost its apostrophe and a copy fell to 0.88."""
        text = (
            story(1) + "\n\nThe minister said she wouldn\u2019t stand in the \u201cnext\u201d race."
        )
        markup = page(text, site="a.example").replace(
            '<meta charset="utf-8">', '<meta charset="iso-8859-1">'
        )
        write_warc(
            tmp_path / "c.warc.gz",
            [(A, markup.encode("cp1252"), "text/html; charset=utf-8")],
        )
        (article,) = load_corpus(tmp_path / "c.warc.gz").articles
        assert "wouldn\u2019t" in article.text

    def test_broken_record_is_skipped_and_later_records_still_read(self, tmp_path: Path):
        """Garbage inside the second record's gzip member: one issue, records 1 and 3 read."""
        path = tmp_path / "c.warc.gz"
        write_warc(
            path,
            [
                (A, page(story(1)), "text/html"),
                (B, page(story(3)), "text/html"),
                (C, page(story(2)), "text/html"),
            ],
        )
        data = bytearray(path.read_bytes())
        second = record_offsets(path)[1]
        data[second + 12 : second + 60] = b"X" * 48
        path.write_bytes(bytes(data))
        loaded = load_corpus(path)
        assert [a.id for a in loaded.articles] == [A, C]
        assert len(loaded.issues) == 1
        assert f"record at byte {second}" in loaded.issues[0].problem
        assert "broken record" in loaded.issues[0].problem
        assert "\n" not in loaded.issues[0].problem

    def test_junk_between_uncompressed_records_is_skipped(self, tmp_path: Path):
        """In a plain .warc, junk where a record should start: the reader finds the next one."""
        path = tmp_path / "c.warc"
        write_warc(
            path, [(A, page(story(1)), "text/html"), (C, page(story(2)), "text/html")], gz=False
        )
        data = path.read_bytes()
        second = record_offsets(path)[1]
        path.write_bytes(data[:second] + b"this is not a record\r\n\r\n" + data[second:])
        loaded = load_corpus(path)
        assert [a.id for a in loaded.articles] == [A, C]
        assert [i.problem.split(": ")[1] for i in loaded.issues] == ["broken record"]

    def test_truncated_archive_reports_the_cut_record(self, tmp_path: Path):
        """An archive cut inside its last record: earlier records are read, the cut one named."""
        path = tmp_path / "c.warc"
        write_warc(
            path, [(A, page(story(1)), "text/html"), (C, page(story(2)), "text/html")], gz=False
        )
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 400])
        loaded = load_corpus(path)
        assert [a.id for a in loaded.articles] == [A]
        cut_at = record_offsets(tmp_path / "c.warc")[1]
        assert [i.problem for i in loaded.issues] == [
            f"record at byte {cut_at} ({C}): truncated record (payload cut short)"
        ]

    def test_bad_pages_inside_an_archive_are_skipped_with_their_uri(self, tmp_path: Path):
        """A text/html record that is not HTML and one with no body: skipped, named by URI."""
        path = tmp_path / "c.warc.gz"
        shell = "<html><body><div id='app'></div><script>run()</script></body></html>"
        write_warc(
            path,
            [
                (A, "plain words only, no markup", "text/html"),
                (B, shell, "text/html"),
                (C, page(story(2)), "text/html"),
            ],
        )
        loaded = load_corpus(path)
        assert [a.id for a in loaded.articles] == [C]
        problems = [i.problem for i in loaded.issues]
        assert problems[0].endswith(f"({A}): not HTML (no markup found)")
        assert problems[1].endswith(
            f"({B}): no extractable text (trafilatura found no article body)"
        )

    def test_a_file_that_is_not_a_warc_is_one_issue(self, tmp_path: Path):
        """Random text named .warc is skipped as not an archive, no crash."""
        path = tmp_path / "x.warc"
        path.write_text("hello, I am not an archive\n", encoding="utf-8")
        loaded = load_corpus(tmp_path)
        assert loaded.articles == ()
        assert [i.problem for i in loaded.skipped] == [
            "not a WARC archive (no WARC/1.x header at the start)"
        ]


class TestScanWarc:
    def test_same_article_from_two_sites_is_one_cluster_and_the_other_a_singleton(
        self, tmp_path: Path
    ):
        """The crawl gives one cluster (A, B) and leaves C alone; the archive is untouched."""
        crawl(tmp_path / "crawl.warc.gz")
        before = tree_digest(tmp_path)
        result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["summary"]["articles"] == 3
        assert [sorted(m["id"] for m in c["members"]) for c in report["clusters"]] == [[A, B]]
        assert tree_digest(tmp_path) == before

    def test_a_page_without_a_date_of_its_own_is_dated_by_its_warc_date(self, tmp_path: Path):
        """The crawl date stood in for every page's own (a report fetched years after it was
        published was dated by the fetch); it is now the fallback, and as an ISO date-time
        it dates the article for stories (it used to read as no date at all)."""
        from newsdedup.story import article_date

        undated = page(story(2), site="c.example", title="Cup final").replace(
            '<meta property="article:published_time" content="2024-03-05T08:00:00Z">\n', ""
        )
        write_warc(tmp_path / "c.warc.gz", [(C, undated, "text/html")])
        (article,) = load_corpus(tmp_path / "c.warc.gz").articles
        assert article.date == "2024-03-06T10:00:00Z"
        assert article_date(article, article.text) == dt.date(2024, 3, 6).toordinal()

    def test_json_members_and_table_show_title_date_and_url(self, tmp_path: Path):
        """Members carry the page title, its date and the URL; the table shows the title."""
        crawl(tmp_path / "crawl.warc.gz")
        result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "json"])
        members = {m["id"]: m for m in json.loads(result.stdout)["clusters"][0]["members"]}
        assert {k: members[A][k] for k in ("title", "date", "url")} == {
            "title": "Storm hits coast",
            "date": "2024-03-05",
            "url": A,
        }
        assert list(members[B])[-3:] == ["title", "date", "url"]
        table = CliRunner(env={"COLUMNS": "160"}).invoke(cli, ["scan", str(tmp_path)])
        assert table.exit_code == 0, table.stderr
        assert "Storm hits coast · 2024-03-05" in table.stdout
        assert "Coast braces" in table.stdout


class TestWarcCli:
    def test_clean_shows_what_the_extractor_left_out_as_for_html_files(self, tmp_path: Path):
        """README: `clean` adds the extractor's view of a page (JSON `extractor`, the
        `- extractor` lines of --show-dropped); a WARC's pages, extracted by the same pass,
        got neither."""
        path = crawl(tmp_path / "crawl.warc.gz")
        result = CliRunner().invoke(cli, ["clean", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        records = json.loads(result.stdout)
        assert [r["id"] for r in records] == [A, B, C]
        assert records[0]["extractor"]["title"] == "Storm hits coast"
        assert "Celebrity chef opens new place" in records[0]["extractor"]["dropped"]
        shown = CliRunner().invoke(cli, ["clean", str(path), "--show-dropped"])
        assert "- extractor  Celebrity chef opens new place" in shown.stdout

    def test_broken_record_is_one_warning_line_naming_the_archive(self, tmp_path: Path):
        """stderr names the file and the record; the scan still exits 0 with the good records."""
        path = crawl(tmp_path / "crawl.warc", gz=False)
        data = path.read_bytes()
        second = record_offsets(path)[1]
        path.write_bytes(data[:second] + b"garbage\r\n\r\n" + data[second:])
        result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"warning: crawl.warc: record at byte {second}: broken record")
        assert json.loads(result.stdout)["summary"]["articles"] == 3

    def test_a_record_without_target_uri_is_skipped_not_an_internal_error(self, tmp_path: Path):
        """warcio fails on a response record with no WARC-Target-URI with an AttributeError:
        every command ended in 'internal error', exit 4, and the archive was lost."""
        path = crawl(tmp_path / "crawl.warc", gz=False)
        header = f"WARC-Target-URI: {B}\r\n".encode()
        data = path.read_bytes()
        assert data.count(header) == 1
        path.write_bytes(data.replace(header, b""))
        result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        (line,) = result.stderr.strip().splitlines()
        # QA 15c #6: named, not warcio's "'NoneType' object has no attribute ...".
        assert "broken record: no WARC-Target-URI header" in line
        assert "NoneType" not in line
        assert json.loads(result.stdout)["summary"]["articles"] == 2

    def test_a_damaged_gzip_member_costs_its_record_only(self, tmp_path: Path):
        """warcio writes a gzip error to stderr and ends the archive at a damaged member (one
        past its first block): the intact records after it vanished unmentioned, and its raw
        'Error -3 ...' line was not ours. Reading now resumes at the next member."""
        path = tmp_path / "crawl.warc.gz"
        long_story = "\n\n".join(story(k) for k in range(3, 60))  # a member of many blocks
        pages = [page(story(1)), page(long_story, site="b.example"), page(story(2))]
        records = zip((A, B, C), pages, strict=True)
        write_warc(path, [(uri, html, "text/html") for uri, html in records])
        offsets = record_offsets(path)
        data = bytearray(path.read_bytes())
        middle = (offsets[1] + offsets[2]) // 2
        data[middle : middle + 16] = b"X" * 16
        path.write_bytes(bytes(data))
        result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"warning: crawl.warc.gz: record at byte {offsets[1]} ({B}): ")
        assert "damaged gzip data" in line
        assert json.loads(result.stdout)["summary"]["articles"] == 2  # A, and C after the damage

    def test_a_damaged_small_member_names_no_binary_first_line(self, tmp_path: Path):
        """A member that fails at its first block is read by warcio as plain bytes: the
        warning quoted a first line of compressed bytes, escaped."""
        path = crawl(tmp_path / "crawl.warc.gz")
        offsets = record_offsets(path)
        data = bytearray(path.read_bytes())
        data[offsets[2] + 30 : offsets[2] + 46] = b"X" * 16
        path.write_bytes(bytes(data))
        result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        (line,) = result.stderr.strip().splitlines()
        where = f"warning: crawl.warc.gz: record at byte {offsets[2]}: broken record"
        assert line.startswith(where)
        assert "\\x" not in line
        assert json.loads(result.stdout)["summary"]["articles"] == 2

    def test_strict_stops_at_a_broken_record_with_exit_3(self, tmp_path: Path):
        """--strict turns the first broken record into an input error."""
        path = crawl(tmp_path / "crawl.warc", gz=False)
        data = path.read_bytes()
        second = record_offsets(path)[1]
        path.write_bytes(data[:second] + b"garbage\r\n\r\n" + data[second:])
        result = CliRunner().invoke(cli, ["scan", str(path), "--strict"])
        assert result.exit_code == 3
        assert result.stderr.startswith("error: crawl.warc: record at byte")

    def test_same_bytes_under_two_hash_seeds(self, tmp_path: Path):
        """Two runs with different PYTHONHASHSEED give identical JSON."""
        crawl(tmp_path / "crawl.warc.gz")
        outputs = []
        for seed in ("1", "2"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            done = subprocess.run(
                [sys.executable, "-m", "newsdedup", "scan", str(tmp_path), "--format", "json"],
                capture_output=True,
                env=env,
                check=True,
            )
            outputs.append(done.stdout)
        assert outputs[0] == outputs[1]
        assert b"Storm hits coast" in outputs[0]


@pytest.mark.parametrize("gz", [True, False])
def test_a_record_cut_inside_its_http_headers_is_reported(tmp_path: Path, gz: bool):
    """A crawler killed while writing its last record leaves it cut inside its HTTP headers
    (no Content-Type yet). It was left out without a word (check then passed on fewer
    articles); it is now one skipped record naming its place."""
    path = crawl(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz=gz)
    data = path.read_bytes()
    last = record_offsets(path)[-1]
    # Inside the last gzip member; inside the HTTP headers of the last record.
    cut = last + (len(data) - last) // 5 if gz else data.index(b"HTTP/1.1 200", last) + 20
    path.write_bytes(data[:cut])
    loaded = load_corpus(path)
    assert [a.id for a in loaded.articles] == [A, B]
    (issue,) = loaded.skipped
    assert "truncated record" in issue.problem
    assert issue.source == path.name or issue.source.endswith(path.name)


@pytest.mark.parametrize("gz", [True, False])
def test_a_page_sent_without_content_type_is_read_as_browsers_sniff_it(tmp_path: Path, gz: bool):
    """QA 14b #6: a response without a Content-Type header was left out without a word (check
    then passed on fewer articles). A payload that opens as an HTML document is a page; other
    bytes without a type are not, and are no issue either."""
    path = tmp_path / "crawl.warc"
    markup = page(story(1), site="a.example", title="Storm hits coast")
    bom = "\ufeff<!-- cache -->\n<!DOCTYPE html>" + markup  # QA 16b #4: a BOM was not skipped
    wide = ("<!DOCTYPE html>" + markup).encode("utf-16")  # QA 17b #8: nor a UTF-16 one
    # QA 18: nor a UTF-32 one, or a UTF-16 page whose doctype comes after 4,096 bytes
    widest = ("<!DOCTYPE html>" + markup).encode("utf-32")
    late = ("<!--" + "x" * 3000 + "-->\n<!DOCTYPE html>" + markup).encode("utf-16")
    write_warc(
        path,
        [
            (A, "\n<!DOCTYPE html>" + markup, ""),
            ("https://a.example/blob", b"\x00\x01\x02", ""),
            (B, bom, ""),
            (C, wide, ""),
            ("https://d.example/32", widest, ""),
            ("https://e.example/late", late, ""),
        ],
        gz=gz,
    )
    loaded = load_corpus(path)
    assert [a.id for a in loaded.articles] == [
        A,
        B,
        C,
        "https://d.example/32",
        "https://e.example/late",
    ]
    assert loaded.articles[0].title == "Storm hits coast"
    assert loaded.issues == ()


def test_resource_records_holding_html_are_pages(tmp_path: Path):
    """QA 14b #6: pages archived without HTTP (warcit, a browser's "save to WARC") are
    resource records, typed in their WARC headers; they were skipped without a word."""
    path = tmp_path / "crawl.warc.gz"
    write_warc(
        path,
        [
            (A, page(story(1), site="a.example", title="Storm hits coast"), "text/html"),
            ("https://a.example/site.css", "body { color: red }", "text/css"),
            (B, page(story(1), site="b.example", title="Coast braces"), "text/html"),
        ],
        resources={A, "https://a.example/site.css"},
    )
    loaded = load_corpus(path)
    assert [a.id for a in loaded.articles] == [A, B]
    assert loaded.articles[0].date == "2024-03-05"
    assert loaded.issues == ()
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [sorted(m["id"] for m in c["members"]) for c in report["clusters"]] == [[A, B]]


def test_a_page_the_crawler_cut_is_read_with_a_warning(tmp_path: Path):
    """QA 11c: a record marked WARC-Truncated (the crawler hit a size or time limit) was read
    as a whole page without a word; it may pass for a teaser of the whole story. It is read,
    and a warning names it."""
    path = crawl(tmp_path / "crawl.warc", gz=False)
    data = path.read_bytes()
    first = data.index(b"WARC-Type: response\r\n") + len(b"WARC-Type: response\r\n")
    path.write_bytes(data[:first] + b"WARC-Truncated: length\r\n" + data[first:])
    loaded = load_corpus(path)
    assert [a.id for a in loaded.articles] == [A, B, C]
    (warning,) = loaded.warnings
    assert f"({A}): marked WARC-Truncated (length)" in warning.problem


def test_github_annotations_name_the_kept_page_of_a_crawl(tmp_path: Path):
    """QA 11c: `check --format github` on a WARC said a page "is a near-duplicate of
    crawl.warc.gz", the archive; it names the page kept, in its archive."""
    path = crawl(tmp_path / "crawl.warc.gz")
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "github"])
    assert result.exit_code == 1, result.output
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("::error ")]
    assert f"{B} is a near-duplicate of {A} (in " in line


def test_a_payload_still_compressed_says_so(tmp_path: Path):
    """QA 11c: a page sent with Content-Encoding zstd (or br without brotli) was skipped as
    "binary" or "not UTF-8 (try --encoding)", which sends the user the wrong way; the reason
    names the encoding."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Encoding", "zstd")],
            protocol="HTTP/1.1",
        )
        payload = b"(\xb5/\xfd" + bytes(range(200))
        record = writer.create_warc_record(
            A, "response", payload=io.BytesIO(payload), http_headers=headers
        )
        writer.write_record(record)
        record.raw_stream.close()  # warcio spools the payload to a temporary file
    (issue,) = load_corpus(path).skipped
    assert "payload compressed as 'zstd' (Content-Encoding)" in issue.problem


def test_a_long_warcio_message_is_cut_with_one_ellipsis():
    """QA 14b: the cut's ellipsis was escaped with the rest ("...not a multi-mem\\u2026")."""
    from newsdedup.warc import _MESSAGE_CHARS, _one_line

    text = _one_line(ValueError("non-chunked gzip file detected " * 20 + "caf\u00e9"))
    assert text.endswith("\u2026")
    assert "\\u2026" not in text
    assert len(text) == _MESSAGE_CHARS
    assert _one_line(ValueError("caf\u00e9")) == "caf\\xe9"
