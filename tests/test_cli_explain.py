"""`newsdedup explain`: scores, bands, dropped lines, shared passages, verdict, formats."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli
from newsdedup.config import DedupConfig
from newsdedup.explain import explain, explanation_to_dict
from newsdedup.load import load_corpus
from newsdedup.pipeline import corpus_templates
from newsdedup.records import Article

from .conftest import SEEDS, make_article, write_digest_corpus
from .pages import write_warc

SEED_000 = "000_9e2556e38fb8484b.txt"
SEED_001 = "001_23e261e2bfe35961.txt"
SEED_002 = "002_9f6bd50664dbac58.txt"


def run(*args: str, width: int = 160):
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": str(width), "NO_COLOR": "1"})


def explain_json(*args: str) -> dict:
    result = run("explain", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


class TestSeeds:
    def test_text_shows_verdict_scores_dropped_lines_and_passages(self):
        """000 vs 001: duplicate by Jaccard, each side's dropped leftovers, shared passages."""
        result = run("explain", str(SEEDS / SEED_000), str(SEEDS / SEED_001))
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert out.startswith("duplicate: exact Jaccard 0.83 ≥ threshold 0.7")
        assert "LSH bands matched" in out
        assert "of 37 (3 rows each)" in out
        # leftovers each side dropped, with the rule that dropped them
        assert "Dropped from A" in out
        assert "Dropped from B" in out
        assert "Monday, March 4, 2024" in out
        assert "navigation" in out
        assert "caption" in out
        # passages both share, side by side
        assert "Shared passages" in out
        assert "shrugged off US claims" in out
        assert "shrugged off U.S. claims" in out

    def test_json_evidence_matches_scan(self):
        """The JSON carries the same exact Jaccard scan reports for the pair (0.8304)."""
        report = explain_json(str(SEEDS / SEED_000), str(SEEDS / SEED_001))
        assert report["scores"]["jaccard"] == 0.8304
        assert report["verdict"] == report["verdict"] | {
            "duplicate": True,
            "via": "jaccard",
            "found_by_scan": True,
        }
        assert report["lsh"]["candidate"] is True
        assert len(report["lsh"]["matched_bands"]) >= 1
        assert 0 < report["scores"]["minhash_estimate"] <= 1
        assert {d["reason"] for d in report["a"]["dropped"]} >= {"date", "navigation"}
        assert {d["reason"] for d in report["b"]["dropped"]} == {"caption"}
        assert report["template_lines"] is None

    def test_shared_spans_are_the_same_words_on_both_sides(self):
        """Every passage's highlighted spans hold the shared words, and only on kept lines."""
        report = explain_json(str(SEEDS / SEED_000), str(SEEDS / SEED_001))
        assert len(report["passages"]) >= 5
        first = report["passages"][0]
        a_text = first["a"]["text"]
        b_text = first["b"]["text"]
        (a_start, a_end), *_ = first["a"]["shared_spans"]
        (b_start, b_end), *_ = first["b"]["shared_spans"]
        assert a_text[a_start:a_end].startswith("MOSCOW")
        assert b_text[b_start:b_end].startswith("MOSCOW")
        assert "date 2023-10-21" not in b_text[b_start:b_end]
        dropped = {d["line"] for d in report["a"]["dropped"]}
        assert not dropped & {p["a"]["line"] for p in report["passages"]}

    def test_unrelated_seeds_are_not_duplicates(self):
        """000 vs 002: not a duplicate, and the verdict names both thresholds."""
        report = explain_json(str(SEEDS / SEED_000), str(SEEDS / SEED_002))
        assert report["verdict"]["duplicate"] is False
        assert report["verdict"]["reason"].startswith("not a duplicate: exact Jaccard")
        assert "threshold 0.7" in report["verdict"]["reason"]
        assert "0.8" in report["verdict"]["reason"]


class TestCorpusIds:
    def test_ids_inside_corpus_and_paths_inside_it_agree(self):
        """With --corpus, ids and paths into the corpus name the same articles."""
        by_id = explain_json("--corpus", str(SEEDS), SEED_000, SEED_001)
        by_path = explain_json("--corpus", str(SEEDS), str(SEEDS / SEED_000), SEED_001)
        assert by_id["a"]["id"] == by_path["a"]["id"] == SEED_000
        assert by_id["scores"] == by_path["scores"]

    def test_unique_id_prefix_names_the_article(self):
        """A unique prefix of an id names that article, as git takes short hashes."""
        report = explain_json("--corpus", str(SEEDS), "000", "001")
        assert (report["a"]["id"], report["b"]["id"]) == (SEED_000, SEED_001)

    def test_ambiguous_prefix_lists_the_candidates(self):
        """A prefix several ids share is a usage error that says so and lists them."""
        result = run("explain", "--corpus", str(SEEDS), "00", SEED_001)
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: 00: begins 5 ids in {SEEDS} ({SEED_000}, {SEED_001}, {SEED_002}, ...); "
            "name one\n"
        )

    def test_a_skipped_file_is_named_with_its_reason(self, tmp_path):
        """An id whose file the loader skipped is not 'no article with this id': the error
        says it was skipped and why, whether named by id or by path."""
        for n in range(2):
            (tmp_path / f"{n}.txt").write_text(make_article(n), encoding="utf-8")
        (tmp_path / "blank.txt").write_bytes(b"")
        for name in ("blank.txt", str(tmp_path / "blank.txt")):
            result = run("explain", "--corpus", str(tmp_path), "0.txt", name)
            assert result.exit_code == 3
            assert result.stderr.splitlines()[-1] == (
                f"error: {name}: skipped when reading {tmp_path} (empty file); nothing to explain"
            )

    def test_a_skipped_record_is_named_with_its_reason(self, tmp_path):
        """QA 15c #10: a JSONL record named FILE:LINE that the loader skipped read "no
        article with this id ...; did you mean FILE:22, FILE:21?". It says it was skipped
        and why; an id not found while records were skipped points at them."""
        path = tmp_path / "c.jsonl"
        rows = ['{"id": "x", "text": "cut\n']
        rows += [json.dumps({"text": make_article(n)}) + "\n" for n in range(2)]
        rows += [json.dumps({"id": "b", "text": 5}) + "\n"]
        path.write_text("".join(rows), encoding="utf-8")
        result = run("explain", "--corpus", str(path), "c.jsonl:1", "c.jsonl:2")
        assert result.exit_code == 3
        assert result.stderr.splitlines()[-1].startswith(
            f"error: c.jsonl:1: skipped when reading {path} (broken JSON"
        )
        result = run("explain", "--corpus", str(path), "b", "c.jsonl:2")
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1].endswith("(2 records were skipped: see above)")
        quiet = run("explain", "-q", "--corpus", str(path), "b", "c.jsonl:2")  # QA 16b #8
        assert quiet.stderr.splitlines() == [
            result.stderr.splitlines()[-1].replace("see above", "run without -q to see why")
        ]

    def test_the_same_article_twice_is_a_usage_error_at_both_levels(self):
        """Copy level agrees with story level: one article is not a pair (it said 1.00)."""
        for level in ("copy", "story"):
            result = run("explain", "--level", level, "--corpus", str(SEEDS), "000", SEED_000)
            assert result.exit_code == 2
            assert result.stderr == f"error: 000 and {SEED_000} name the same article; name two\n"
        spelled = [str(SEEDS / SEED_000), str(SEEDS / "." / SEED_000)]
        result = run("explain", *spelled)
        assert result.exit_code == 2
        assert "name the same article" in result.stderr

    def test_a_folder_named_as_an_article_says_what_to_do(self):
        result = run("explain", str(SEEDS / SEED_000), str(SEEDS))
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {SEEDS}: a folder, not an article; pass --corpus {SEEDS} and two ids "
            "inside it\n"
        )

    def test_unknown_id_is_a_usage_error_with_suggestion(self):
        """An id not in the corpus exits 2 on one line that suggests close ids."""
        result = run("explain", "--corpus", str(SEEDS), SEED_000.replace("9e", "9f"), SEED_001)
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "no article with this id" in lines[0]
        assert SEED_000 in lines[0]

    def test_corpus_templates_are_applied_as_in_scan(self, tmp_path):
        """A line repeated across the corpus is dropped as a template inside --corpus only."""
        furniture = "Read more stories from the Gazette newsroom today"
        story = make_article(1)
        for n in range(6):
            body = story if n < 2 else make_article(20 + n)
            (tmp_path / f"{n}.txt").write_text(f"{furniture}\n\n{body}", encoding="utf-8")
        inside = explain_json("--corpus", str(tmp_path), "0.txt", "1.txt")
        assert inside["template_lines"] >= 1
        assert any(d["reason"] == "template" for d in inside["a"]["dropped"])
        alone = explain_json(str(tmp_path / "0.txt"), str(tmp_path / "1.txt"))
        assert alone["template_lines"] is None
        assert not any(d["reason"] == "template" for d in alone["a"]["dropped"])

    def test_jsonl_corpus_records_by_id(self, tmp_path):
        """Records of a JSONL corpus are named by id."""
        path = tmp_path / "c.jsonl"
        story = make_article(3)
        rows = [{"id": "x", "text": story}, {"id": "y", "text": story + "\n\nA coda line here."}]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        report = explain_json("--corpus", str(path), "x", "y")
        assert report["verdict"]["duplicate"] is True

    def test_jsonl_file_without_corpus_says_how(self, tmp_path):
        """A JSONL file given as A is a usage error pointing at --corpus."""
        path = tmp_path / "c.jsonl"
        path.write_text(json.dumps({"id": "x", "text": "t"}) + "\n", encoding="utf-8")
        result = run("explain", str(path), str(path))
        assert result.exit_code == 2
        assert "--corpus" in result.stderr

    def test_a_warc_of_several_pages_without_corpus_says_how(self, tmp_path):
        """QA 9: a WARC of two pages given as A was explained as its first page, in silence,
        and called 'not a duplicate' of a copy of its second. It is a usage error naming the
        count and --corpus, as a JSONL file is; a WARC of one page is that page."""
        pytest.importorskip("warcio")
        pages = [make_article(11), make_article(12)]
        html = "<html><body><article><p>{}</p></article></body></html>"
        records = [
            (f"http://ex.com/{i}", html.format("</p><p>".join(t.split("\n\n"))), "text/html")
            for i, t in enumerate(pages)
        ]
        two, one = tmp_path / "two.warc.gz", tmp_path / "one.warc.gz"
        write_warc(two, records)
        write_warc(one, records[1:])
        copy = tmp_path / "copy.txt"
        copy.write_text(pages[1], encoding="utf-8")
        result = run("explain", str(two), str(copy))
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {two}: holds 2 articles; pass --corpus {two} and two of their ids\n"
        )
        assert explain_json(str(one), str(copy))["verdict"]["duplicate"] is True

    def test_a_link_loop_or_a_pipe_is_one_line_naming_it(self, tmp_path):
        """QA 9: explain on a symbolic link loop was an internal error (exit 4: the settings
        lookup resolved the path first), and on a FIFO it said 'no such file'."""
        (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
        (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
        os.mkfifo(tmp_path / "pipe.txt")
        other = str(SEEDS / SEED_000)
        loop = run("explain", str(tmp_path / "loop1"), other)
        assert loop.exit_code == 3
        assert loop.stderr == (
            f"error: {tmp_path / 'loop1'}: cannot read: Too many levels of symbolic links\n"
        )
        pipe = run("explain", str(tmp_path / "pipe.txt"), other)
        assert pipe.exit_code == 3
        assert "not a regular file (a pipe, socket or device)" in pipe.stderr

    def test_missing_file_is_a_usage_error(self, tmp_path):
        """A file that does not exist exits 2 naming it."""
        result = run("explain", str(tmp_path / "nope.txt"), str(SEEDS / SEED_000))
        assert result.exit_code == 2
        assert "nope.txt" in result.stderr

    def test_unreadable_file_is_an_input_error(self, tmp_path):
        """A binary file exits 3 naming it."""
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"\x00\x01\x02")
        result = run("explain", str(bad), str(SEEDS / SEED_000))
        assert result.exit_code == 3
        assert "bad.txt" in result.stderr


class TestLibrary:
    def test_containment_admits_a_half_copy(self):
        """A copy cut in half is a duplicate by containment; containment differs by direction."""
        story = make_article(5)
        half = "\n\n".join(story.split("\n\n")[:4])
        e = explain(
            Article(id="full", text=story, source="f"), Article(id="half", text=half, source="h")
        )
        assert e.duplicate
        assert e.via == "containment"
        assert e.b.contained == 1.0
        assert e.a.contained < 0.7
        assert e.verdict.startswith("duplicate: the shorter article is 100% contained")

    def test_matches_scan_on_seeds_with_templates(self):
        """explain with corpus templates gives the exact Jaccard scan used."""
        loaded = load_corpus(SEEDS)
        config = DedupConfig()
        templates = corpus_templates(loaded.articles, config)
        a, b = loaded.articles[0], loaded.articles[1]
        e = explain(a, b, config, templates=templates)
        assert (e.jaccard, e.found_by_scan) == (0.8304, True)

    def test_pair_below_lsh_says_scan_misses_it(self):
        """A short story at the end of a long text verifies by containment, but (Jaccard ~0.1)
        shares no LSH band, nor a lede band; the verdict says scan would miss it."""
        story = make_article(6)
        other = make_article(7, paragraphs=80) + "\n\n" + story
        e = explain(
            Article(id="a", text=story, source="a"), Article(id="b", text=other, source="b")
        )
        assert e.jaccard < 0.15
        assert e.duplicate
        assert e.matched_bands == ()
        assert e.matched_lede_bands == ()
        assert not e.found_by_scan
        assert "no LSH band matched (0 of 37, nor a lede band)" in e.verdict

    def test_teaser_found_by_its_lede(self):
        """The same short story opening the long text (a teaser of it) shares no band but its
        lede bands: scan proposes the pair, and the report shows which lede bands matched."""
        story = make_article(6)
        other = story + "\n\n" + make_article(7, paragraphs=80)
        e = explain(
            Article(id="a", text=story, source="a"), Article(id="b", text=other, source="b")
        )
        assert e.matched_bands == ()
        assert e.matched_lede_bands == tuple(range(8))
        assert e.found_by_scan
        data = explanation_to_dict(e)
        assert data["lsh"]["matched_lede_bands"] == list(range(8))
        assert data["lsh"]["candidate"] is True


def test_output_file_and_input_untouched(tmp_path):
    """-o writes the explanation to a file and refuses to overwrite an input."""
    out = tmp_path / "why.json"
    args = ["explain", str(SEEDS / SEED_000), str(SEEDS / SEED_001), "--format", "json"]
    assert run(*args, "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["scores"]["jaccard"] == 0.8304
    before = (SEEDS / SEED_001).read_bytes()
    assert run(*args, "-o", str(SEEDS / SEED_001)).exit_code == 2
    assert (SEEDS / SEED_001).read_bytes() == before
    assert Path(SEEDS / SEED_001).read_bytes() == before


def test_view_highlights_only_the_shared_words():
    """In the rich view, shared words carry the highlight style and differing words do not."""
    import io

    from rich.console import Console

    from newsdedup.render import render_explanation

    loaded = load_corpus(SEEDS)
    e = explain(loaded.articles[0], loaded.articles[1])
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=240)
    render_explanation(e, console)
    rendered = buffer.getvalue()
    bold_green = "\x1b[1;32m"
    assert f"{bold_green}MOSCOW" in rendered  # the shared passage starts highlighted
    assert f"1: \x1b[0m date 2023-10-21 {bold_green}MOSCOW" in rendered  # dateline unshared


def test_articles_with_nothing_left_are_not_compared_not_called_unlike(tmp_path):
    """Two identical all-boilerplate articles were 'not a duplicate: exact Jaccard 0.00',
    where scan calls them too short to compare. explain now says the same as scan."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Advertisement\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("not compared: ")
    assert "both have nothing left to compare after cleaning" in first


def test_explain_says_when_scan_keeps_a_verified_pair_apart(tmp_path):
    """A teaser held by its story and by a digest page verifies against both, but scan puts
    it with its best container only; explain --corpus says so (it said 'duplicate' alone,
    and scan and explain seemed to disagree)."""
    write_digest_corpus(tmp_path)
    scanned = json.loads(run("scan", str(tmp_path), "--format", "json").stdout)
    cluster_of = {m["id"]: c["id"] for c in scanned["clusters"] for m in c["members"]}
    for other in ("story0.txt", "digest.txt"):
        result = run("explain", "brief0.txt", other, "--corpus", str(tmp_path), "--format", "json")
        assert result.exit_code == 0, result.output
        verdict = json.loads(result.stdout)["verdict"]
        assert verdict["duplicate"] is True
        together = cluster_of.get("brief0.txt") == cluster_of.get(other) is not None
        assert verdict["same_cluster"] is together
        assert ("keeps them apart" in verdict["reason"]) is not together
    # The teaser went with one of its containers, not both.
    assert cluster_of.get("story0.txt") != cluster_of.get("digest.txt")


def test_explain_says_when_scan_joins_a_pair_that_does_not_verify(tmp_path):
    """Edited copies a-b-c, each a copy of its neighbour only: scan puts a and c in one
    cluster through b, and explain --corpus says so instead of a bare 'not a duplicate'."""
    import random

    rng = random.Random(4)
    words = " ".join(make_article(300, 8).split("\n\n")).split()

    def edited(source: list[str], share: float) -> list[str]:
        out = list(source)
        for i in rng.sample(range(len(out)), int(len(out) * share)):
            out[i] = f"zz{rng.randrange(10**6)}"
        return out

    a = words
    b = edited(a, 0.025)
    c = edited(b, 0.025)
    for name, text in zip("abc", (a, b, c), strict=True):
        (tmp_path / f"{name}.txt").write_text(" ".join(text), encoding="utf-8")
    pair = explain_json("a.txt", "c.txt", "--corpus", str(tmp_path))
    assert pair["verdict"]["duplicate"] is False
    assert pair["verdict"]["same_cluster"] is True
    assert "through other members, a chain of copies" in pair["verdict"]["reason"]


@pytest.mark.parametrize(
    ("jac", "cont", "expected"),
    [
        (0.57, 0.7961, "exact Jaccard 0.57 < threshold 0.7 and containment 0.796 < 0.8"),
        (0.6999, 0.5, "exact Jaccard 0.6999 < threshold 0.7 and containment 0.50 < 0.8"),
        (0.7, 0.5, "duplicate: exact Jaccard 0.70 ≥ threshold 0.7"),
    ],
)
def test_the_verdict_prints_figures_that_read_true_against_the_thresholds(jac, cont, expected):
    """QA 15b #8: "containment 0.80 < 0.8" for 0.7961. A figure is printed to as many
    places as it takes to fall on its side of the threshold."""
    from newsdedup.explain import _verdict

    _, _, text = _verdict(jac, cont, DedupConfig(), True, True, 37)
    assert expected in text
