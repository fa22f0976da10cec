"""`newsdedup scan --level story|both` end to end: JSON, table, errors, bytes, input untouched."""

from __future__ import annotations

import csv
import datetime as dt
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
from .test_story import ELSEWHERE, PLANT_A, PLANT_B, QUAKE_A, QUAKE_B, RECIPE

SEED_IDS = sorted(p.name for p in SEEDS.glob("*.txt"))
COPIES = ["000_9e2556e38fb8484b.txt", "001_23e261e2bfe35961.txt"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def scan_json(*args: str) -> dict:
    result = run("scan", str(SEEDS), "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ids(cluster: dict) -> list[str]:
    return sorted(m["id"] for m in cluster["members"])


class TestLevelStory:
    def test_seeds_are_one_story_of_all_five(self):
        """--level story: the clusters are stories, and all five seeds are one."""
        report = scan_json("--level", "story")
        assert [ids(c) for c in report["clusters"]] == [SEED_IDS]
        assert [ids(s) for s in report["stories"]] == [SEED_IDS]
        assert report["clusters"][0]["story"] == 1
        assert report["summary"]["stories"] == 1
        assert report["params"]["level"] == "story"

    def test_story_lists_its_most_telling_terms(self):
        """Each story carries a label of its telling terms."""
        story = scan_json("--level", "story")["stories"][0]
        assert "North Korea" in story["label"]
        assert "Lavrov" in story["label"]


class TestLevelBoth:
    def test_copy_cluster_000_001_is_the_only_one_inside_the_story(self):
        """--level both: {000, 001} stays the only copy cluster, tagged with the story."""
        report = scan_json("--level", "both")
        assert [ids(c) for c in report["clusters"]] == [COPIES]
        assert report["clusters"][0]["story"] == 1
        assert [ids(s) for s in report["stories"]] == [SEED_IDS]
        assert report["stories"][0]["id"] == 1
        assert report["summary"]["duplicates"] == 1

    def test_every_copy_cluster_lies_inside_its_story(self, tmp_path: Path):
        """Members of a copy cluster all belong to the story its `story` field names."""
        root = tmp_path / "c"
        root.mkdir()
        for path in SEEDS.glob("*.txt"):
            (root / path.name).write_bytes(path.read_bytes())
        (root / "zz_copy_of_003.txt").write_bytes((SEEDS / "003_25dd2bb96c5c1c17.txt").read_bytes())
        result = run("scan", str(root), "--level", "both", "--format", "json")
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        stories = {s["id"]: set(ids(s)) for s in report["stories"]}
        assert len(report["clusters"]) == 2
        for cluster in report["clusters"]:
            assert set(ids(cluster)) <= stories[cluster["story"]]

    def test_stories_use_the_member_schema_of_clusters(self):
        """A story has the keys of a cluster, and its members the keys of cluster members."""
        report = scan_json("--level", "both")
        cluster, story = report["clusters"][0], report["stories"][0]
        assert {"id", "size", "representative", "members"} <= story.keys()
        assert set(cluster) - {"story"} <= set(story)
        member_keys = {k for m in cluster["members"] for k in m}
        assert {k for m in story["members"] for k in m} == member_keys
        assert all(0.0 <= m["similarity"] <= 1.0 for m in story["members"])

    def test_table_groups_copies_under_the_labelled_story(self):
        """The table prints the story with its label, then its copy cluster inside it."""
        result = CliRunner(env={"COLUMNS": "120"}).invoke(
            cli, ["scan", str(SEEDS), "--level", "both"]
        )
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        head = next(n for n, line in enumerate(lines) if line.startswith("Story 1 · 5 articles"))
        assert "North Korea" in lines[head]
        copies = next(n for n, line in enumerate(lines) if "copies: cluster 1" in line)
        assert copies > head
        assert COPIES[1] in "\n".join(lines[copies:])
        assert lines[-1].endswith("1 duplicate (20.0%) · 1 story")

    def test_story_table_summary_counts_skipped_and_too_short(self, tmp_path: Path):
        """`scan --level story` printed its own summary line without the skipped inputs and
        the articles too short to compare, which every other summary line gives (and which
        is all a -q run shows of them)."""
        import shutil

        shutil.copytree(SEEDS, tmp_path / "c")
        (tmp_path / "c" / "bin.txt").write_bytes(b"\x00\x01")
        (tmp_path / "c" / "ad.txt").write_text("Advertisement\n", encoding="utf-8")
        result = CliRunner(env={"COLUMNS": "200"}).invoke(
            cli, ["scan", str(tmp_path / "c"), "--level", "story", "-q"]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[-1] == (
            "6 articles · 1 story of two or more (5 articles) · 1 skipped · 1 too short to compare"
        )

    def test_csv_and_jsonl_list_copy_clusters_and_add_the_story(self):
        """CSV and JSONL keep the copy-cluster columns first, as at the copy level, and add
        each article's story (they left it out: all a CSV user got of --level both was the
        copy level, with no sign of what was missing)."""
        result = run("scan", str(SEEDS), "--level", "both", "--format", "csv")
        assert result.exit_code == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert list(rows[0]) == [
            "id", "cluster", "representative", "similarity",
            "story", "story_representative", "story_similarity", "via",
        ]  # fmt: skip
        assert [(r["id"][:3], r["cluster"], r["story"]) for r in rows] == [
            ("000", "1", "1"),
            ("001", "1", "1"),
            ("002", "", "1"),
            ("003", "", "1"),
            ("004", "", "1"),
        ]
        lines = run("scan", str(SEEDS), "--level", "both", "--format", "jsonl").stdout
        by_row = [json.loads(line) for line in lines.splitlines()]
        assert [{k: str(v) if v is not None else "" for k, v in r.items()} for r in by_row] == [
            dict(r) for r in rows
        ]
        copy = run("scan", str(SEEDS), "--format", "csv").stdout
        assert copy.splitlines()[0] == "id,cluster,representative,similarity,via"


class TestLevelDefaultsAndErrors:
    def test_default_level_is_copy_and_adds_no_stories(self):
        """Without --level the report has no stories key, as before."""
        report = scan_json()
        assert "stories" not in report
        assert all("story" not in c for c in report["clusters"])

    def test_unknown_level_is_a_usage_error(self):
        """--level word exits 2 and names the option."""
        result = run("scan", str(SEEDS), "--level", "word")
        assert result.exit_code == 2
        assert "--level" in result.stderr

    def test_story_threshold_out_of_range_is_a_usage_error(self):
        """--story-threshold 0 exits 2."""
        result = run("scan", str(SEEDS), "--level", "story", "--story-threshold", "0")
        assert result.exit_code == 2

    def test_input_is_untouched(self, tmp_path: Path):
        """Scanning with stories never modifies the input tree."""
        before = tree_digest(SEEDS)
        out = tmp_path / "r.json"
        result = run("scan", str(SEEDS), "--level", "both", "--format", "json", "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert tree_digest(SEEDS) == before
        assert json.loads(out.read_text(encoding="utf-8"))["stories"]


class TestJsonlDates:
    def write(self, path: Path, dates: tuple[str, str]) -> Path:
        rows = [
            {"id": "a", "text": QUAKE_A, "date": dates[0]},
            {"id": "b", "text": QUAKE_B, "date": dates[1]},
            {"id": "c", "text": RECIPE, "date": dates[1]},
        ]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path

    def test_reports_of_one_event_are_one_story(self, tmp_path: Path):
        """Two reports of one quake dated a day apart are one story; the recipe is not in it."""
        path = self.write(tmp_path / "near.jsonl", ("2013-07-02", "2013-07-03"))
        result = run("scan", str(path), "--level", "story", "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert [ids(s) for s in json.loads(result.stdout)["stories"]] == [["a", "b"]]

    def test_date_field_a_year_apart_splits_the_story(self, tmp_path: Path):
        """The same kind of event dated a year apart is never one story."""
        path = self.write(tmp_path / "far.jsonl", ("2012-07-02", "2013-07-03"))
        result = run("scan", str(path), "--level", "story", "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["clusters"] == []

    def test_explain_names_the_dates_that_kept_two_groups_apart(self, tmp_path: Path):
        """An undated report joins the later one; explain says the dates kept the earlier out."""
        rows = [
            {"id": "a", "text": QUAKE_A, "date": "2012-07-02"},
            {"id": "b", "text": QUAKE_B},
            {"id": "c", "text": QUAKE_B.replace("quake", "earthquake", 1), "date": "2013-07-02"},
        ]
        path = tmp_path / "bridge.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        args = ("explain", "--level", "story", "--corpus", str(path))
        result = run(*args, "--format", "json", "a", "b")
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["verdict"]["same_story"] is False
        assert report["dated_apart"] is False  # b is undated: the pair itself may link
        assert report["groups"]["dated_apart_pairs"] == 1  # a against c, b's story mate
        assert report["groups"]["mean"] >= report["scores"]["threshold"]  # only dates split
        assert "1 cross pair counts against it" in report["verdict"]["reason"]
        table = CliRunner().invoke(cli, [*args, "a", "b"], env={"COLUMNS": "200"})
        assert table.exit_code == 0, table.stderr
        assert "their groups" in table.stdout
        assert "1 cross pair dated apart" in table.stdout
        far = json.loads(run(*args, "--format", "json", "a", "c").stdout)
        assert far["dated_apart"] is True
        assert far["verdict"]["reason"] == "different stories: dated more than 180 days apart"
        same = json.loads(run(*args, "--format", "json", "b", "c").stdout)
        assert same["verdict"]["same_story"] is True
        assert same["groups"] is None


class TestPageDateStamps:
    """A scraped page's own date line ("Published March 12, 2025") is dropped by cleaning as
    a date; it used to date nothing, so one kind of event a year apart was one story."""

    def write(self, folder: Path, stamps: tuple[str, str]) -> Path:
        folder.mkdir()
        for name, text, stamp in (("a", QUAKE_A, stamps[0]), ("b", QUAKE_B, stamps[1])):
            page = f"Quake report\n{stamp}\n{text}\n"
            (folder / f"{name}.txt").write_text(page, encoding="utf-8")
        return folder

    @pytest.mark.parametrize("workers", ["1", "2"])
    def test_stamps_a_year_apart_split_the_story(self, tmp_path: Path, workers: str):
        far = self.write(tmp_path / "far", ("Published July 2, 2012", "Published July 3, 2013"))
        args = ("--level", "story", "--format", "json", "--workers", workers)
        result = run("scan", str(far), *args)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["clusters"] == []
        near = self.write(tmp_path / "near", ("Published July 2, 2013", "Published July 3, 2013"))
        result = run("scan", str(near), *args)
        assert [ids(s) for s in json.loads(result.stdout)["stories"]] == [["a.txt", "b.txt"]]

    @pytest.mark.parametrize(
        "stamps",
        [
            ("Veröffentlicht am 02.07.2012, 14:35 Uhr", "Aktualisiert: 3. Juli 2013, 09:10 Uhr"),
            ("Publié le 2 juillet 2012 à 14h35", "Publié le 3 juillet 2013 à 09h10"),
            ("2012年7月2日 14:35", "2013年7月3日 09:10"),
        ],
    )
    def test_stamps_of_other_languages_a_year_apart_split_the_story(self, tmp_path, stamps):
        far = self.write(tmp_path / "far", stamps)
        result = run("scan", str(far), "--level", "story", "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["clusters"] == []
        near = [s.replace("2012", "2013") for s in stamps]
        result = run(
            "scan",
            str(self.write(tmp_path / "near", tuple(near))),
            "--level",
            "story",
            "--format",
            "json",
        )
        assert [ids(s) for s in json.loads(result.stdout)["stories"]] == [["a.txt", "b.txt"]]

    def test_only_the_stamps_right_above_the_body_date_it(self, tmp_path):
        """QA 29 #1: any line dropped as a date dated the page, a teaser list's below the
        body or a timeline's too, before the lede's dateline; and "Updated" outranked
        "Published"."""
        from newsdedup import Article
        from newsdedup.boilerplate import date_stamps
        from newsdedup.pipeline import clean
        from newsdedup.story import article_date

        def dated(page: str) -> str | None:
            article = Article(id="a", text=page, source="a")
            cleaned = clean(article)
            day = article_date(article, cleaned.text, date_stamps(cleaned.lines))
            return None if day is None else dt.date.fromordinal(day).isoformat()

        body = f"{QUAKE_A}\n{QUAKE_B}\n"
        teasers = f"Quake report\n{body}\nPopular Posts\nCouncil rejects cap\nJune 3, 2023\n"
        assert dated(teasers) is None
        assert dated(f"Quake report\nPublished July 2, 2013\n{body}") == "2013-07-02"
        updated = "Last updated: January 5, 2027\nPublished: July 2, 2013"
        assert dated(f"Quake report\n{updated}\n{body}") == "2013-07-02"
        # A date the lede looks ahead to does not outrank the stamp (QA 30a #1); with no
        # stamp, a dateline dates the page.
        headline, lede, *rest = QUAKE_A.split("\n")
        ahead = f"{lede} Hearings are set for November 5, 2014."
        stamped = "\n".join([headline, "Published: July 2, 2013", ahead, *rest, QUAKE_B])
        assert dated(stamped) == "2013-07-02"
        datelined = "\n".join([headline, f"JAKARTA, July 2, 2013 - {lede}", *rest, QUAKE_B])
        assert dated(datelined) == "2013-07-02"
        # The stamps nearest the body, not a dated teaser strip above them (QA 30a #2); and
        # under a long kept headline, which is no body (QA 30a #3).
        strip = "Trending\nReactor restarts\nAugust 11, 2015\nPublished: July 2, 2013"
        assert dated(f"{strip}\n{QUAKE_A}\n{QUAKE_B}") == "2013-07-02"
        # No line ends a sentence (hard-wrapped copy): the stamp above, not a related list's
        # date below (QA 31 #1); "Published" across a share link from "Updated" (QA 31 #2).
        wrapped = "\n".join(
            ["Quake report", "Published July 2, 2013", *_wrapped(QUAKE_A), "", "Related", "x"]
        )
        assert dated(wrapped + "\nJune 3, 2023\n") == "2013-07-02"
        shared = "Published: July 2, 2013\nShare\nUpdated: January 5, 2014"
        assert dated(f"Quake report\n{shared}\n{body}") == "2013-07-02"
        # A kept teaser headline between a teaser's date and the page's stamp ends the
        # group (QA 32 #1); a kept headline and deck of 5+ words above the stamp of a page
        # with no sentence hide it no more (QA 32 #2).
        teaser = "Trending\nJune 3, 2023\nFire kills 3\nPublished: July 2, 2013"
        assert dated(f"Quake report\n{teaser}\n{body}") == "2013-07-02"
        adjacent = "Trending\nFire kills 3\nJune 3, 2023\nPublished: July 2, 2013"
        assert dated(f"Quake report\n{adjacent}\n{body}") == "2013-07-02"
        deck = "Quake hits Aceh province overnight\nCrews were called at 2am to the area"
        assert dated(f"{deck}\nJuly 2, 2013\nThree people died.\nTwo are missing.\n") == (
            "2013-07-02"
        )
        # A bare date above an update is the page's first date (QA 33 #1), across a kept
        # standfirst too (#2); a page with no sentence reads up from its named stamp (#3).
        assert dated(f"Quake report\nJuly 2, 2013\nUpdated: March 1, 2014\n{body}") == (
            "2013-07-02"
        )
        german = "02.07.2013\nAktualisiert 01.03.2014"
        assert dated(f"Quake report\n{german}\n{body}") == "2013-07-02"
        standfirst = "Critics call the plan too dense for the historic district"
        split = f"Published July 2, 2013\n{standfirst}\nUpdated March 1, 2014"
        assert dated(f"Quake report\n{split}\n{body}") == "2013-07-02"
        table = "Oil prices slip\nJune 3, 2023\nFed signals pause\nPublished July 2, 2013"
        assert dated(f"Home | Markets\n{table}\nBrent crude fell 1.2%\n") == "2013-07-02"
        long_headline = "Strong earthquake strikes Indonesia's Aceh province killing at least 22"
        brief = f"{long_headline}\nPublished July 2, 2013\n{lede}\n"
        assert dated(brief) == "2013-07-02"

    def test_explain_reads_the_stamps(self, tmp_path: Path):
        far = self.write(tmp_path / "far", ("Published July 2, 2012", "Published July 3, 2013"))
        a, b = str(far / "a.txt"), str(far / "b.txt")
        result = run("explain", "--level", "story", a, b, "--format", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert (data["a"]["date"], data["b"]["date"]) == ("2012-07-02", "2013-07-03")
        assert data["dated_apart"] is True


def test_story_json_is_byte_identical_under_different_hash_seeds():
    """Two processes with different PYTHONHASHSEED give the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        args = ["scan", str(SEEDS), "--level", "both", "--format", "json"]
        proc = subprocess.run(
            [sys.executable, "-m", "newsdedup", *args],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert b'"stories"' in outputs[0]


def _story_corpus(root: Path) -> Path:
    """Seeds, plus articles on three stories that share site furniture (corpus templates)."""
    root.mkdir()
    for path in SEEDS.glob("*.txt"):
        (root / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    furniture = "Home | World | Business | Sport\nCopyright 2026 Example Wire. All rights reserved."
    for n in range(24):
        body = (QUAKE_A, QUAKE_B, RECIPE)[n % 3]
        lines = body.split("\n")
        # Each article drops a different sentence: write-ups of one story, not copies.
        text = "\n".join(line for k, line in enumerate(lines) if k != n % len(lines))
        (root / f"wire{n:02d}.txt").write_text(f"{furniture}\n{text}\n{furniture}", "utf-8")
    return root


def test_story_level_on_two_workers_gives_the_one_worker_bytes(tmp_path: Path):
    """--level both cleans and represents articles on --workers processes: same bytes."""
    corpus = _story_corpus(tmp_path / "corpus")
    before = tree_digest(corpus)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.json"
        args = ("--level", "both", "--workers", workers, "--format", "json", "-o", str(out))
        result = run("scan", str(corpus), *args)
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert len(report["stories"]) >= 3
    assert tree_digest(corpus) == before


def test_parallel_story_docs_are_the_sequential_ones(tmp_path: Path):
    """The worker path builds the very StoryDocs one process builds (templates included)."""
    from newsdedup import DedupConfig, load_corpus
    from newsdedup.story import story_docs

    articles = sorted(load_corpus(_story_corpus(tmp_path / "c")).articles, key=lambda a: a.id)
    config = DedupConfig()
    one = story_docs(articles, config)
    two = story_docs(articles, config, workers=2)
    assert two == one
    assert any(d.terms.counts for d in one)


def test_one_cleaning_serves_both_levels(tmp_path: Path):
    """`scan_with_stories` (each article cleaned once, on the workers) gives the copy-level
    result of the copy scan and the StoryDocs `story_docs` builds on its own."""
    from newsdedup import DedupConfig, find_duplicates, load_corpus
    from newsdedup.story import scan_with_stories, story_docs

    articles = sorted(load_corpus(_story_corpus(tmp_path / "c")).articles, key=lambda a: a.id)
    config = DedupConfig()
    copy = find_duplicates(articles, config)
    for workers in (1, 2):
        result, docs = scan_with_stories(articles, config, workers=workers)
        assert result.clusters == copy.clusters
        assert result.extra == copy.extra
        assert docs == story_docs(articles, config)
    assert copy.clusters


class TestExplainStory:
    def test_seeds_000_and_004_share_the_story_scan_gives_them(self):
        """explain --level story reads the verdict off the scan's own stories."""
        result = run("explain", "--level", "story", "--corpus", str(SEEDS), "000", "004")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith("same story: both are in story 1")
        report = scan_json("--level", "story")
        assert [ids(c) for c in report["clusters"]] == [SEED_IDS]

    def test_copies_are_said_to_share_the_story_as_copies(self, tmp_path: Path):
        """Two copies dated years apart, alone in their story, were 'joined through the other
        members of the story (average-link)': there are none, and no edge. Copies share a
        story because copy clusters start as one group, and the verdict says so."""
        text = (SEEDS / SEED_IDS[2]).read_text(encoding="utf-8")
        rows = [{"id": "old", "text": text, "date": "2019-01-01"}]
        rows.append({"id": "new", "text": text, "date": "2024-01-01"})
        path = tmp_path / "two.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        result = run("explain", "--level", "story", "--corpus", str(path), "old", "new")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(
            "same story: both are in story 1 as copies (copy cluster 1), and copies always "
            "share a story"
        )

    def test_json_names_the_stories_scores_and_shared_terms(self, tmp_path: Path):
        corpus = _story_corpus(tmp_path / "c")
        before = tree_digest(corpus)
        scan = run("scan", str(corpus), "--level", "story", "--format", "json")
        story_of = {
            m["id"]: c["id"] for c in json.loads(scan.stdout)["clusters"] for m in c["members"]
        }
        mates = sorted(i for i, n in story_of.items() if n == story_of["wire00.txt"])
        strangers = sorted(i for i, n in story_of.items() if n != story_of["wire00.txt"])
        args = ("--level", "story", "--corpus", str(corpus), "--format", "json")
        same = run("explain", *args, "wire00.txt", next(i for i in mates if i != "wire00.txt"))
        other = run("explain", *args, "wire00.txt", strangers[0])
        assert same.exit_code == 0, same.stderr
        assert other.exit_code == 0, other.stderr
        s, o = json.loads(same.stdout), json.loads(other.stdout)
        assert s["verdict"]["same_story"] is True
        assert s["a"]["story"] == s["b"]["story"] == story_of["wire00.txt"]
        assert s["scores"]["similarity"] > o["scores"]["similarity"]
        assert s["shared_terms"]
        assert {"term", "a", "b"} <= set(s["shared_terms"][0])
        assert o["verdict"]["same_story"] is False
        assert o["verdict"]["reason"].startswith("different stories")
        assert o["b"]["story"] == story_of[strangers[0]] != o["a"]["story"]
        assert tree_digest(corpus) == before

    def test_a_pair_with_no_neighbour_in_common_is_said_to_be_scored_by_similarity(
        self, tmp_path: Path
    ):
        """The score line says what the score is when the two share no neighbour (their
        term similarity), and the JSON gives the count of neighbours in common."""
        folder = tmp_path / "c"
        folder.mkdir()
        for name, text in [("a.txt", PLANT_A), ("b.txt", PLANT_B)]:
            (folder / name).write_text(text, encoding="utf-8")
        for k, text in enumerate(ELSEWHERE):
            (folder / f"x{k}.txt").write_text(text, encoding="utf-8")
        args = ("explain", "--level", "story", "--corpus", str(folder), "a.txt", "b.txt")
        text = run(*args)
        assert text.exit_code == 0, text.stderr
        flat = " ".join(text.stdout.replace("│", " ").split())
        assert "capped at the term similarity (no neighbour in common) x facts;" in flat
        report = json.loads(run(*args, "--format", "json").stdout)
        assert report["scores"]["shared_neighbours"] == 0
        assert report["scores"]["score"] == report["scores"]["similarity"]
        assert report["verdict"]["same_story"] is False
        seeds = run("explain", "--level", "story", "--corpus", str(SEEDS), "000", "004")
        assert "neighbourhood agreement x facts, 3 neighbours in" in seeds.stdout

    def test_an_article_against_itself_is_a_usage_error(self):
        result = run("explain", "--level", "story", "--corpus", str(SEEDS), "000", "000")
        assert result.exit_code == 2
        assert "name the same article" in result.stderr


@pytest.mark.parametrize("level", ["story", "both"])
def test_story_keys_and_columns_are_there_when_no_story_is_found(tmp_path, level):
    """One article makes no story of two, but the story level's output has its shape all the
    same: `stories` (empty) and `summary.stories` in JSON, the story columns in CSV and JSONL,
    so a script reading them does not break on a quiet day."""
    (tmp_path / "a.txt").write_text(make_article(1), encoding="utf-8")
    out = run("scan", str(tmp_path), "--level", level, "--format", "json", "-q")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["stories"], data["summary"]["stories"]) == ([], 0)
    header = run("scan", str(tmp_path), "--level", level, "--format", "csv", "-q").output
    assert header.splitlines()[0].endswith("story,story_representative,story_similarity,via")
    row = json.loads(run("scan", str(tmp_path), "--level", level, "--format", "jsonl", "-q").output)
    assert {"story", "story_representative", "story_similarity"} <= row.keys()
    table = run("scan", str(tmp_path), "--level", level, "-q").output
    assert "0 stories" in table


@pytest.mark.parametrize("level", ["story", "both"])
def test_story_tables_show_titles_and_dates(tmp_path, level):
    """QA 11a: the copy table shows each member's title and date under its id; the story
    tables showed ids only."""
    rows = [
        {"id": p.name[:3], "text": p.read_text(encoding="utf-8"), "title": f"Headline {i}"}
        for i, p in enumerate(sorted(SEEDS.glob("*.txt")))
    ]
    for row in rows:
        row["date"] = "2023-10-19"
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    table = run("scan", str(corpus), "--level", level, "-q").output
    for i in range(len(rows)):
        assert f"Headline {i} · 2023-10-19" in table


def test_explain_names_an_article_with_nothing_to_compare(tmp_path):
    """QA 19a #5: a story explanation of an article cleaned to nothing said "LSH over their
    salient terms did not propose the pair"; it has nothing to compare, as scan says."""
    for name, text in (("a.txt", QUAKE_A), ("b.txt", QUAKE_B), ("s.txt", "Click here.\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run("explain", "--level", "story", "--corpus", str(tmp_path), "a.txt", "s.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("not compared: s.txt has nothing left to compare")
    data = json.loads(
        run(
            "explain", "--level", "story", "--corpus", str(tmp_path), "a.txt", "s.txt",
            "--format", "json",
        ).stdout
    )  # fmt: skip
    assert data["verdict"]["reason"].startswith("not compared")
    assert data["verdict"]["same_story"] is False
    same = run("explain", "--level", "story", "--corpus", str(tmp_path), "a.txt", "b.txt")
    assert same.stdout.startswith("same story")


@pytest.mark.parametrize("command", ["scan", "check"])
def test_a_story_threshold_at_the_copy_level_is_a_usage_error(command):
    """QA 19a #6: --story-threshold without --level story|both changed nothing, silently:
    a user who thought they tuned stories got the copy level."""
    result = run(command, str(SEEDS), "--story-threshold", "0.5")
    assert result.exit_code == 2
    assert "--level story" in result.output
    assert run(command, str(SEEDS), "--story-threshold", "0.5", "--level", "both").exit_code in (
        0,
        1,
    )


def test_a_date_field_holding_an_object_is_named_among_unread_dates(tmp_path):
    """QA 19a #7, 20b #1: a JSONL `date` that is an object made its article undated with no
    warning (then, for one commit, dated by the first date in its JSON), where a string that
    could not be read is named; and the warning said "write ISO 8601 dates" of an ISO date
    whose year is out of range."""
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": QUAKE_A, "date": {"published": "2013-07-02", "edited": "2024-01-01"}},
        {"id": "b", "text": QUAKE_B, "date": "9999-12-31"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run("scan", str(src), "--level", "story", "--format", "json")
    (warning,) = json.loads(result.stdout)["warnings"]
    assert warning["problem"].startswith("2 articles' date fields could not be read")
    assert "1900 to 2099" in warning["problem"]
    assert '{"edited": "2024-01-01"' in warning["problem"]  # not read as either date


def test_explain_story_threshold_under_a_settings_files_both_is_a_usage_error(tmp_path):
    """QA 20b #2: a settings file's `level = "both"` is the copy level for explain (it has no
    "both"), so --story-threshold did nothing there, unsaid."""
    for name, text in (("a.txt", QUAKE_A), ("b.txt", QUAKE_B)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "newsdedup.toml").write_text('level = "both"\n', encoding="utf-8")
    args = ["explain", "--corpus", str(tmp_path), "a.txt", "b.txt"]
    result = run(*args, "--story-threshold", "0.3")
    assert result.exit_code == 2
    assert "add --level story" in result.output
    assert "--level both" not in result.output
    assert run(*args, "--story-threshold", "0.3", "--level", "story").exit_code == 0


def test_explain_weighs_the_dates_the_scan_weighs(tmp_path):
    """QA 20b #4: copies take their median date at the story level, but explain read each
    copy's own date, and called a copy dated 1970 "dated more than 180 days apart" from a
    report the scan put in its story."""
    rows = [
        {"id": "a", "text": QUAKE_A, "date": "2013-07-02"},
        {"id": "c", "text": QUAKE_A, "date": "1970-01-01"},
        {"id": "d", "text": QUAKE_A, "date": "2013-07-05"},
        {"id": "b", "text": QUAKE_B, "date": "2013-07-03"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    scan = json.loads(run("scan", str(src), "--level", "story", "--format", "json").stdout)
    assert [sorted(m["id"] for m in s["members"]) for s in scan["stories"]] == [
        ["a", "b", "c", "d"]
    ]
    result = run("explain", "--level", "story", "--corpus", str(src), "c", "b", "--format", "json")
    data = json.loads(result.stdout)
    assert data["verdict"]["same_story"] is True
    assert (data["a"]["date"], data["dated_apart"]) == ("2013-07-02", False)


def _wrapped(text: str, width: int = 40) -> list[str]:
    """The lines of `text` hard-wrapped at `width`, as wire copy is."""
    import textwrap

    return [ln for para in text.split("\n") for ln in textwrap.wrap(para, width)]
