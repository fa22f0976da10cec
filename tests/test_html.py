"""Raw HTML pages in: extraction, metadata, gentle cleaning, bad pages skipped with a reason."""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, CleanConfig, LoadConfig, LoadIssue, clean, load_corpus
from newsdedup.cli import cli
from newsdedup.errors import InputError
from newsdedup.html import (
    EXTRACTOR_REASON,
    extract,
    extractor_record,
    extractor_text,
    extractor_views,
    page_article,
    page_lines,
    page_view,
    soften,
)
from newsdedup.records import Line

from .conftest import DATA, load_bench, tree_digest
from .pages import page, story

SHELL = (
    "<html><head><title>App</title></head>"
    "<body><div id='root'></div><script>go()</script></body></html>"
)


def first_sentence(seed: int) -> str:
    return story(seed).split("\n\n")[0][:60]


class TestExtract:
    def test_keeps_body_paragraphs_one_per_line_and_drops_site_chrome(self):
        """Every paragraph is kept on its own line; menus, sidebar and footer are not."""
        body = story(1)
        got = extract(page(body))
        assert got is not None
        for para in body.split("\n\n"):
            assert para in got.text.split("\n")
        for chrome in ("Celebrity chef", "All rights reserved", "Most Popular", "Business"):
            assert chrome not in got.text

    def test_reads_title_date_and_canonical_url_from_metadata(self):
        """Title, publication date and canonical address come from the page's head."""
        got = extract(page(story(1), title="Storm hits coast", url="https://a.org/s/1"))
        assert got is not None
        assert (got.title, got.date, got.url) == (
            "Storm hits coast",
            "2024-03-05",
            "https://a.org/s/1",
        )
        assert got.extractor.startswith("trafilatura ")

    def test_result_does_not_depend_on_pages_extracted_before(self):
        """No process-wide cache leaks between pages: the same page extracts the same twice."""
        markup = page(story(1) + "\n\n" + story(2))
        first = extract(markup)
        for seed in (2, 3):
            extract(page(story(seed)))
        assert extract(markup) == first

    def test_returns_none_when_the_page_has_no_body(self):
        """A script-only page (the shell of a JavaScript app) has no extractable text."""
        assert extract(SHELL) is None

    def test_page_lines_mark_what_the_extractor_left_out(self):
        """The page view keeps the body lines and labels menu and footer lines 'extractor'."""
        view = page_lines(page(story(1)))
        assert view is not None
        dropped = " ".join(ln.text for ln in view.dropped)
        assert "Celebrity chef opens new place" in dropped
        assert all(ln.reason == EXTRACTOR_REASON for ln in view.dropped)
        assert first_sentence(1) in "\n".join(ln.text for ln in view.lines if ln.kept)


def test_a_date_written_only_in_the_text_does_not_date_the_page():
    """QA 9: a page with no date markup was dated 2019-03-04 from 'first signed on
    2019-03-04' in its text (htmldate reads ISO dates from text even without extensive
    search); README promises the markup only. With a published_time <meta>, that date."""
    paras = "".join(f"<p>{p}</p>" for p in story(3).split("\n\n"))
    body = f"<body><article><p>The deal was first signed on 2019-03-04 in Geneva.</p>{paras}"
    bare = f"<html><head><title>T</title></head>{body}</article></body></html>"
    meta = '<meta property="article:published_time" content="2024-03-05T08:00:00Z">'
    marked = f"<html><head><title>T</title>{meta}</head>{body}</article></body></html>"
    first, second = extract(bare), extract(marked)
    assert first is not None
    assert second is not None
    assert (first.date, second.date) == (None, "2024-03-05")
    # QA 10: a tag whose content says "time" is no date markup; an address with a date,
    # and a date element by its class (hAtom's "published"), are.
    described = bare.replace(
        "<title>T</title>", "<title>T</title><meta name='description' content='News all the time'>"
    )
    abbr = body.replace(
        "<article>",
        "<article><abbr class='published' title='2019-03-05T10:00:00'>March 5, 2019</abbr>",
    )
    dated = [
        extract(described),
        extract(bare, url="https://example.com/news/2019/03/05/council-budget"),
        extract(f"<html><head><title>T</title></head>{abbr}</article></body></html>"),
    ]
    assert [d.date if d else "none" for d in dated] == [None, "2019-03-05", "2019-03-05"]


class TestPageView:
    def test_shows_what_the_extractor_left_out_and_the_cleaner_then_drops(self, tmp_path: Path):
        """The `clean page.html` pair: extractor drops (menus, sidebar) then cleaner drops."""
        body = story(1) + "\n\nSign up for our newsletter to get the news daily"
        path = tmp_path / "p.html.gz"
        path.write_bytes(gzip.compress(page(body).encode()))
        view = page_view(path)
        assert "Most Popular on example.com" in [ln.text for ln in view.dropped]
        assert view.extraction.title == "A headline about things"
        article = load_corpus(path).articles[0]
        # the page's <h1> goes too: the cleaner's title rule applies to extractor output
        assert [ln.reason for ln in clean(article).dropped] == ["title", "newsletter"]

    def test_a_path_given_as_a_string_is_read(self, tmp_path: Path):
        """QA 27 #3: every other call takes a str path; page_view failed on one."""
        path = tmp_path / "p.html"
        path.write_text(page(story(1)), encoding="utf-8")
        assert page_view(str(path)).extraction.title == "A headline about things"

    def test_extractor_views_key_pages_by_their_article_ids(self, tmp_path: Path):
        """Views are keyed like load_corpus ids; text files and bad pages are left out."""
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "p.html").write_text(page(story(1)), encoding="utf-8")
        (tmp_path / "bad.html").write_text("no markup", encoding="utf-8")
        (tmp_path / "t.txt").write_text(story(2), encoding="utf-8")
        views = extractor_views([tmp_path])
        assert list(views) == ["sub/p.html"]
        record = extractor_record(views["sub/p.html"])
        assert record["title"] == "A headline about things"
        assert "Celebrity chef opens new place" in record["dropped"]
        text = extractor_text(views["sub/p.html"])
        assert text.startswith("# trafilatura ")
        assert "- extractor  Celebrity chef opens new place\n" in text

    def test_not_a_page_raises_input_error_naming_the_file(self, tmp_path: Path):
        """A text file named .html is an input error with a one-line problem."""
        path = tmp_path / "p.html"
        path.write_text("no markup here", encoding="utf-8")
        with pytest.raises(InputError) as caught:
            page_view(path)
        assert str(caught.value).startswith("p.html: not HTML")


class TestGentleCleaning:
    def test_soften_restores_structural_drops_and_keeps_phrase_drops(self):
        """Drops by related/navigation/repeated rules are undone; a paywall blurb stays dropped."""
        lines = (
            Line(n=1, text="Subscribe now", kept=False, reason="paywall"),
            Line(n=2, text="Quick access to Siri", kept=False, reason="repeated"),
            Line(n=3, text="Top 5 | Top 10", kept=False, reason="navigation"),
            Line(n=4, text="", kept=False, reason="blank"),
        )
        assert [ln.kept for ln in soften(lines)] == [False, True, True, False]

    def test_extracted_article_keeps_a_repeated_line_that_text_cleaning_drops(self):
        """A recap line repeated in the body is kept when the text came from an extractor."""
        recap = "Quick access to Siri by saying Hey Siri, the company said on Monday."
        first, rest = story(1).split("\n\n", 1)
        text = f"{first}\n{recap}\n{rest}\n{recap}"
        as_text = clean(Article(id="a", text=text, source="a"), CleanConfig())
        as_page = clean(
            Article(id="a", text=text, source="a", extractor="trafilatura"), CleanConfig()
        )
        assert as_text.text.count("Quick access") < 2
        assert as_page.text.count("Quick access") == 2

    def test_extracted_article_still_loses_a_newsletter_blurb(self):
        """Phrase rules still apply to extractor output."""
        text = story(1).replace("\n\n", "\n") + "\nSign up for our newsletter to get the news daily"
        got = clean(Article(id="a", text=text, source="a", extractor="trafilatura"))
        assert "newsletter" not in got.text
        assert [ln.reason for ln in got.dropped] == ["newsletter"]


class TestLoadPages:
    @pytest.fixture
    def folder(self, tmp_path: Path) -> Path:
        root = tmp_path / "pages"
        root.mkdir()
        (root / "a.html").write_text(page(story(1), title="One"), encoding="utf-8")
        (root / "b.htm").write_text(page(story(2), title="Two"), encoding="utf-8")
        (root / "c.html.gz").write_bytes(gzip.compress(page(story(3), title="Three").encode()))
        (root / "note.txt").write_text(story(4), encoding="utf-8")
        return root

    def test_default_glob_reads_html_htm_gzipped_html_and_text(self, folder: Path):
        """Ids are relative paths; pages carry title, date, URL and the extractor's name."""
        loaded = load_corpus(folder)
        assert [a.id for a in loaded.articles] == ["a.html", "b.htm", "c.html.gz", "note.txt"]
        by_id = {a.id: a for a in loaded.articles}
        assert by_id["c.html.gz"].title == "Three"
        assert by_id["c.html.gz"].date == "2024-03-05"
        assert by_id["a.html"].url == "https://example.com/news/story"
        assert by_id["a.html"].extractor is not None
        assert by_id["note.txt"].extractor is None
        assert first_sentence(3) in by_id["c.html.gz"].text
        assert loaded.issues == ()

    def test_bad_pages_are_skipped_with_a_one_line_reason(self, folder: Path):
        """Not HTML, truncated gzip, binary, and an empty body: each skipped, the rest read."""
        (folder / "plain.html").write_text("just some words, no markup at all", encoding="utf-8")
        whole = gzip.compress(page(story(5)).encode())
        (folder / "cut.html.gz").write_bytes(whole[: len(whole) // 2])
        (folder / "bin.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00<html>")
        (folder / "chrome.html").write_text(SHELL, encoding="utf-8")
        loaded = load_corpus(folder)
        problems = {i.source: i.problem for i in loaded.issues}
        assert problems["plain.html"] == "not HTML (no markup found)"
        assert problems["cut.html.gz"].startswith("truncated or corrupt gzip")
        assert "binary" in problems["bin.html"]
        assert problems["chrome.html"].startswith("no extractable text")
        assert all("\n" not in p for p in problems.values())
        assert len(loaded.articles) == 4

    def test_utf16_page_with_bom_is_read(self, tmp_path: Path):
        """A UTF-16 page (with its BOM) is HTML, not binary."""
        (tmp_path / "p.html").write_bytes(page(story(1)).encode("utf-16"))
        loaded = load_corpus(tmp_path)
        assert first_sentence(1) in loaded.articles[0].text
        assert loaded.issues == ()

    def test_page_over_the_limit_once_unzipped_is_skipped(self, tmp_path: Path):
        """A small gzip that unzips past --max-bytes is skipped, not read whole."""
        (tmp_path / "big.html.gz").write_bytes(gzip.compress(page(story(1) * 20).encode()))
        loaded = load_corpus(tmp_path, config=LoadConfig(max_bytes=20_000))
        assert loaded.articles == ()
        assert loaded.issues[0].problem.startswith("page is over the 20,000-byte limit")

    def test_latin1_page_decoded_with_its_declared_charset(self, tmp_path: Path):
        """A page declaring windows-1252 is decoded with it, without a warning."""
        body = story(1).replace("\n\n", " café déjà vu.\n\n")
        data = page(body).replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
        (tmp_path / "p.html").write_bytes(data.encode("cp1252"))
        loaded = load_corpus(tmp_path)
        assert "café déjà vu" in loaded.articles[0].text
        assert loaded.issues == ()

    @pytest.mark.parametrize("label", ["ISO-8859-1", "latin1", "us-ascii"])
    def test_a_latin1_label_is_read_as_windows_1252_as_browsers_read_it(
        self, tmp_path: Path, label: str
    ):
        """QA 11c: pages labelled ISO-8859-1 hold windows-1252 curly quotes (0x91-0x94), which
        Latin-1 made invisible control characters: "I dont comment". Browsers (the WHATWG
        Encoding Standard) read the label as windows-1252, and so do we."""
        body = story(1).replace("\n\n", " \u201cI don\u2019t comment,\u201d he said.\n\n", 1)
        data = page(body).replace('<meta charset="utf-8">', f'<meta charset="{label}">')
        (tmp_path / "p.html").write_bytes(data.encode("cp1252"))
        loaded = load_corpus(tmp_path)
        assert "\u201cI don\u2019t comment,\u201d he said." in loaded.articles[0].text
        assert loaded.issues == ()

    def test_glob_option_takes_several_patterns(self, folder: Path):
        """A comma-separated --glob reads only the named kinds."""
        loaded = load_corpus(folder, config=LoadConfig(glob="*.htm, *.txt"))
        assert [a.id for a in loaded.articles] == ["b.htm", "note.txt"]


class TestScanPages:
    def test_same_story_on_two_sites_clusters_and_input_is_untouched(self, tmp_path: Path):
        """One story in two sites' chrome (HTML, gzipped HTML) is one cluster; files unchanged."""
        root = tmp_path / "pages"
        root.mkdir()
        (root / "site_a.html").write_text(page(story(1), site="a.example"), encoding="utf-8")
        (root / "site_b.html.gz").write_bytes(
            gzip.compress(page(story(1), site="b.example", title="Other title").encode())
        )
        (root / "other.html").write_text(page(story(2)), encoding="utf-8")
        before = tree_digest(root)
        result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        members = [[m["id"] for m in c["members"]] for c in report["clusters"]]
        assert [sorted(m) for m in members] == [["site_a.html", "site_b.html.gz"]]
        assert tree_digest(root) == before

    def test_html_pages_in_a_jsonl_field_are_extracted_like_files(self, tmp_path: Path):
        """QA 9: a crawler's {"url", "html"} export read with --text-field html was compared
        as markup: two different articles in one site's chrome were copies (0.95) and dedup
        dropped one. A field holding a whole page is extracted as an .html file is; the
        record's own id and url stay."""
        rows = [
            {"id": "a", "url": "https://x.example/a", "html": page(story(1), site="x.example")},
            {"id": "b", "url": "https://x.example/b", "html": page(story(2), site="x.example")},
            {"id": "c", "url": "https://y.example/c", "html": page(story(1), site="y.example")},
            {"id": "d", "html": "Plain text, not a page: <b>bold</b> stays as written here."},
            # QA 11c: a page opening with a BOM, a comment or an XML declaration is a page too.
            {"id": "e", "html": "\ufeff" + page(story(3), site="x.example")},
            {"id": "f", "html": "<!-- cache-7 -->\n" + page(story(4), site="x.example")},
            {"id": "g", "html": '<?xml version="1.0"?>\n' + page(story(5), site="x.example")},
        ]
        path = tmp_path / "crawl.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        result = CliRunner().invoke(
            cli, ["scan", str(path), "--text-field", "html", "--format", "json"]
        )
        assert result.exit_code == 0, result.stderr
        members = [
            sorted(m["id"] for m in c["members"]) for c in json.loads(result.stdout)["clusters"]
        ]
        assert members == [["a", "c"]]
        loaded = load_corpus(path, config=LoadConfig(text_field="html"))
        by_id = {a.id: a for a in loaded.articles}
        assert "<p>" not in by_id["a"].text
        assert story(1).split("\n\n")[0] in by_id["a"].text
        assert by_id["a"].url == "https://x.example/a"
        assert by_id["d"].text == rows[3]["html"]
        for extracted in "efg":
            assert "<p>" not in by_id[extracted].text, extracted


def _bench(name: str) -> ModuleType:
    return load_bench(name)


@pytest.mark.data
class TestBenchmarkFloor:
    def test_html_pages_score_at_least_095_and_our_cleaner_loses_nothing(self):
        """On the AEB pages: F1 >= 0.95, and cleaning does not lower the extractor's F1."""
        data = Path(os.environ.get("NEWSDEDUP_DATA", str(DATA)))
        if not (data / "raw" / "scrapinghub-aeb" / "ground-truth.json").is_file():
            pytest.skip("shared AEB data absent")
        eval_html = _bench("eval_html")
        eb = eval_html.eb
        truth = eb.load_truth(data)
        preds, _, issues = eval_html.html_rows(data)
        assert issues == []
        scores = {
            name: eb.summarize(eb.score_predictions(truth, eval_html._complete(truth, pred)))
            for name, pred in preds.items()
        }
        assert scores["cleaned"]["f1"] >= 0.95
        assert scores["cleaned"]["f1"] >= scores["extractor"]["f1"] - 0.002


class TestTotal:
    @settings(max_examples=40, deadline=None)
    @given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: f"<p>{t}</p>".encode()))
    def test_page_article_never_raises(self, data: bytes):
        """Any bytes give an article or a skipped issue with a one-line reason."""
        items = list(page_article(data, article_id="x", source="x", config=LoadConfig()))
        assert items
        for item in items:
            if isinstance(item, LoadIssue):
                assert item.problem
                assert "\n" not in item.problem
            else:
                assert item.text.strip()

    def test_missing_extractor_is_a_skip_that_says_how_to_install(self, tmp_path, monkeypatch):
        """Without trafilatura, each page is skipped with the pip command to fix it."""
        monkeypatch.setitem(sys.modules, "trafilatura", None)
        (tmp_path / "a.html").write_text(page(story(1)), encoding="utf-8")
        (tmp_path / "b.txt").write_text(story(2), encoding="utf-8")
        loaded = load_corpus(tmp_path)
        assert [a.id for a in loaded.articles] == ["b.txt"]
        assert [i.problem for i in loaded.issues] == [
            "reading HTML needs trafilatura: pip install 'newsdedup[html]'"
        ]


class TestDistributedReader:
    def test_a_dask_partition_reads_pages_through_the_extractor(self, tmp_path: Path):
        """Workers pick the reader by suffix too: a page's article is its extracted body."""
        from newsdedup.distributed import load_part
        from newsdedup.load import Files

        (tmp_path / "p.html").write_text(page(story(1), title="One"), encoding="utf-8")
        part = Files(root=tmp_path, files=(tmp_path / "p.html",))
        (article,) = load_part(part, LoadConfig())
        assert article.extractor is not None
        assert article.title == "One"
        assert "<p>" not in article.text


class TestCleanCommand:
    def test_clean_page_shows_extractor_drops_then_cleaner_drops(self, tmp_path: Path):
        """`clean page.html --show-dropped`: menu lines as 'extractor', then our reasons."""
        body = story(1) + "\n\nSign up for our newsletter to get the news daily"
        path = tmp_path / "p.html"
        path.write_text(page(body), encoding="utf-8")
        before = tree_digest(tmp_path)
        result = CliRunner().invoke(cli, ["clean", str(path), "--show-dropped"])
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert "- extractor  Celebrity chef opens new place\n" in out
        assert "- newsletter  Sign up for our newsletter" in out
        assert (
            out.index("- extractor") < out.index("# then our cleaner") < out.index("- newsletter")
        )
        assert tree_digest(tmp_path) == before

    def test_clean_json_of_a_page_gains_an_extractor_object(self, tmp_path: Path):
        """JSON keeps the per-line verdicts and adds what the extractor did to the page."""
        path = tmp_path / "p.html"
        path.write_text(page(story(1), title="Storm"), encoding="utf-8")
        result = CliRunner().invoke(cli, ["clean", str(path), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        record = json.loads(result.stdout)
        assert list(record)[:4] == ["source", "id", "lines", "text"]
        assert record["extractor"]["title"] == "Storm"
        assert record["extractor"]["name"].startswith("trafilatura ")
        assert "Celebrity chef opens new place" in record["extractor"]["dropped"]

    def test_clean_text_prints_only_the_kept_article(self, tmp_path: Path):
        """Without --show-dropped the output is the cleaned article text only."""
        path = tmp_path / "p.html"
        path.write_text(page(story(1)), encoding="utf-8")
        result = CliRunner().invoke(cli, ["clean", str(path)])
        assert result.exit_code == 0, result.stderr
        assert "extractor" not in result.stdout
        assert first_sentence(1) in result.stdout


@pytest.mark.parametrize(
    ("tail", "read"),
    [(b"x\n", True), (b"\x00" * 8, True), (None, False)],
)
def test_a_gzipped_page_with_bytes_after_its_end_is_read(tmp_path: Path, tail, read):
    """QA 11c: a whole .html.gz with a stray byte or two after it (zcat: "trailing garbage
    ignored") was skipped as "truncated or corrupt gzip". It is read; a cut one is still
    skipped as truncated."""
    packed = gzip.compress(page(story(1)).encode())
    data = packed + tail if tail is not None else packed[: len(packed) // 2]
    (tmp_path / "p.html.gz").write_bytes(data)
    loaded = load_corpus(tmp_path)
    if read:
        assert len(loaded.articles) == 1
        assert loaded.issues == ()
    else:
        assert loaded.articles == ()
        assert "truncated or corrupt gzip" in loaded.skipped[0].problem
