"""`newsdedup index add|check|stats|remove` end to end: answers, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli
from newsdedup.store import open_index

from .conftest import SEEDS, make_article, python_as_another_user, tree_digest
from .fastcorpus import write_corpus

S000, S001 = "000_9e2556e38fb8484b.txt", "001_23e261e2bfe35961.txt"
S002, S003 = "002_9f6bd50664dbac58.txt", "003_25dd2bb96c5c1c17.txt"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def reused_names(tmp_path: Path) -> tuple[Path, Path]:
    """Two daily folders that reuse file names: day1 a.txt (seed 000) and b.txt (002); day2
    a.txt (001, a copy of 000) and b.txt (003, another article)."""
    day1, day2 = tmp_path / "day1", tmp_path / "day2"
    for day, files in (
        (day1, ((S000, "a.txt"), (S002, "b.txt"))),
        (day2, ((S001, "a.txt"), (S003, "b.txt"))),
    ):
        day.mkdir()
        for seed, name in files:
            shutil.copy(SEEDS / seed, day / name)
    return day1, day2


@pytest.fixture
def split(tmp_path: Path) -> tuple[Path, Path, Path]:
    """seeds/ cut into archive (all but 001), today (001) and others (002-004)."""
    archive, today, others = tmp_path / "archive", tmp_path / "today", tmp_path / "others"
    for folder in (archive, today, others):
        folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        if path.name != S001:
            shutil.copy(path, archive / path.name)
        if path.name == S001:
            shutil.copy(path, today / path.name)
        elif path.name[:3] in ("002", "003", "004"):
            shutil.copy(path, others / path.name)
    return archive, today, others


@pytest.fixture
def indexed(split, tmp_path) -> tuple[str, Path, Path]:
    archive, today, others = split
    location = str(tmp_path / "news.db")
    result = run("index", "add", archive, "--index", location)
    assert result.exit_code == 0, result.stderr
    return location, today, others


class TestIndexCheck:
    def test_articles_too_short_to_compare_are_named(self, indexed):
        """QA 15a #10: `index check` said nothing of an article with nothing left to compare
        (it can never match), and its JSON had no `too_short`; scan names such articles."""
        location, today, _ = indexed
        (today / "short.txt").write_text("Subscribe to our newsletter\n", encoding="utf-8")
        result = run("index", "check", today, "--index", location)
        assert result.exit_code == 0, result.stderr
        assert "1 article has nothing left to compare" in result.stderr
        assert "short.txt" in result.stderr
        report = json.loads(
            run("index", "check", today, "--index", location, "--format", "json").stdout
        )
        assert report["too_short"] == ["short.txt"]
        assert report["summary"]["too_short"] == 1

    def test_001_is_reported_as_a_duplicate_of_000(self, indexed):
        """The must-show: index all but 001, check 001 → 000 with its exact Jaccard."""
        location, today, _ = indexed
        result = run("index", "check", today, "--index", location, "--format", "json")
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["articles"] == [
            {
                "id": S001,
                "duplicates": [
                    {
                        "id": S000,
                        "similarity": 0.8304,
                        "jaccard": 0.8304,
                        "containment": 0.9074,
                        "shared": 382,
                        "via": "jaccard",
                    }
                ],
            }
        ]
        assert report["summary"] == {
            "articles": 1,
            "duplicates": 1,
            "duplicate_rate": 1.0,
            "index_articles": 4,
            "candidates": 1,
            "skipped": 0,
            "too_short": 0,
        }

    def test_a_full_story_is_no_copy_of_its_indexed_teaser(self, tmp_path):
        """QA 9: yesterday's teaser (headline and first paragraphs) is indexed; today's full
        story holds it whole. `index check` reported the full story as a duplicate of the
        teaser and failed the gate, while `scan` of both keeps the full story and calls the
        teaser the copy. The check agrees with scan now; the teaser checked again is found."""
        day1, day2 = tmp_path / "day1", tmp_path / "day2"
        day1.mkdir()
        day2.mkdir()
        full = make_article(61, 10)
        (day1 / "teaser.txt").write_text("\n\n".join(full.split("\n\n")[:3]), encoding="utf-8")
        (day2 / "full.txt").write_text(full, encoding="utf-8")
        location = str(tmp_path / "d.db")
        assert run("index", "add", day1, "--index", location).exit_code == 0
        today = run("index", "check", day2, "--index", location, "--max-duplicates", "0")
        assert today.exit_code == 0, today.stdout
        assert run("index", "add", day2, "--index", location).exit_code == 0
        again = run("index", "check", day1, "--index", location, "--format", "json")
        found = json.loads(again.stdout)["articles"]
        assert [(a["id"], [d["id"] for d in a["duplicates"]]) for a in found] == [
            ("teaser.txt", ["full.txt"])
        ]

    def test_a_new_article_under_an_indexed_id_is_still_checked(self, tmp_path):
        """Daily folders reuse names: day2/a.txt (seed 001) is checked against day1/a.txt
        (seed 000), indexed under the same id, and found (it was passed over as the
        article itself: 0 duplicates, gate passed). The same text under its id is not."""
        day1, day2 = tmp_path / "day1", tmp_path / "day2"
        day1.mkdir()
        day2.mkdir()
        shutil.copy(SEEDS / S000, day1 / "a.txt")
        shutil.copy(SEEDS / S001, day2 / "a.txt")
        location = str(tmp_path / "d.db")
        assert run("index", "add", day1, "--index", location).exit_code == 0
        new = run("index", "check", day2, "--index", location, "--max-duplicates", "0")
        assert new.exit_code == 1
        assert "a.txt" in new.stdout
        again = run("index", "check", day1, "--index", location, "--max-duplicates", "0")
        assert again.exit_code == 0

    def test_add_names_an_id_the_index_holds_for_another_article(self, tmp_path):
        """Daily folders reuse names: day2/b.txt (seed 003) under the id of day1/b.txt (seed
        002) was counted as 'already present' and silently left out of the index. It is still
        not added (ids are unique), but named; day2/a.txt, a copy of the indexed a.txt, is
        present in substance and counted so."""
        day1, day2 = reused_names(tmp_path)
        location = str(tmp_path / "d.db")
        assert run("index", "add", day1, "--index", location).exit_code == 0
        result = run("index", "add", day2, "--index", location)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == (
            "added 0 · already present 1 · id held by another article 1 · index holds 2\n"
        )
        assert result.stderr == (
            "warning: b.txt: the index holds another article under this id "
            "(not added; --replace replaces it)\n"
        )
        again = run("index", "add", day1, "--index", location)
        assert again.stdout.startswith("added 0 · already present 2 · index holds")
        assert again.stderr == ""

    def test_add_replace_gives_an_indexed_id_its_new_article(self, tmp_path):
        """A daily scrape re-fetches updated stories under their old ids: `add` kept the
        stale text ("already present", or "id held" when it changed a lot), and the only way
        in was `remove` then `add` per id. `--replace` swaps each changed article in: the
        index then answers for day 2's texts, and day 1's a.txt (seed 000) is found as a
        copy of the a.txt it now holds (seed 001)."""
        day1, day2 = reused_names(tmp_path)
        location = str(tmp_path / "d.db")
        assert run("index", "add", day1, "--index", location).exit_code == 0
        before = run("index", "check", day1, "--index", location, "--format", "json")
        assert json.loads(before.stdout)["summary"]["duplicates"] == 0
        result = run("index", "add", day2, "--index", location, "--replace")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == (
            "added 2 (2 replacing changed articles) · already present 0 · index holds 2\n"
        )
        assert result.stderr == ""
        old = run("index", "check", day1, "--index", location, "--format", "json")
        found = json.loads(old.stdout)["articles"]
        assert [(a["id"], [d["id"] for d in a["duplicates"]]) for a in found] == [
            ("a.txt", ["a.txt"])
        ]
        new = run("index", "check", day2, "--index", location, "--max-duplicates", "0")
        assert new.exit_code == 0, new.stdout  # day 2 is the indexed text now: itself
        again = run("index", "add", day2, "--index", location, "--replace", "--format", "json")
        report = json.loads(again.stdout)
        assert (report["summary"]["added"], report["summary"]["already_present"]) == (0, 2)
        assert report["replaced"] == []
        with open_index(location) as index:
            assert index.stats()["added_ever"] == 4  # 2 added, 2 replaced, none re-added

    def test_add_and_remove_report_as_json_for_scripts(self, tmp_path):
        """A daily job that adds each scrape needs the counts as data, not a sentence to
        parse: `--format json` gives them, with the ids held by other articles and the
        skipped inputs; `remove --format json` names what it removed and did not find."""
        day1, day2 = reused_names(tmp_path)
        shutil.copy(SEEDS / S003, day2 / "c.txt")
        (day2 / "bin.txt").write_bytes(b"\x00\x01")
        location = str(tmp_path / "d.db")
        assert run("index", "add", day1, "--index", location).exit_code == 0
        result = run("index", "add", day2, "--index", location, "--format", "json")
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["summary"] == {
            "articles": 3,
            "added": 1,
            "too_short": 0,
            "already_present": 1,
            "id_held": 1,
            "replaced": 0,
            "index_articles": 3,
            "skipped": 1,
        }
        assert report["id_held"] == ["b.txt"]
        assert report["replaced"] == []
        assert report["skipped"] == [{"source": "bin.txt", "problem": "binary file (NUL bytes)"}]
        removed = run("index", "remove", "c.txt", "zzz", "--index", location, "--format", "json")
        assert removed.exit_code == 0, removed.stderr
        assert json.loads(removed.stdout)["summary"] == {
            "removed": 1,
            "not_found": 1,
            "index_articles": 2,
        }
        assert json.loads(removed.stdout)["not_found"] == ["zzz"]
        assert removed.stderr == "warning: zzz: not in the index\n"

    def test_gate_budgets_from_the_settings_file_apply_to_index_check(self, tmp_path):
        """README: the settings file beside the corpus 'counts as given options'. Its
        max_duplicates was read by `check` but dropped by `index check`: the CI gate of a
        repository that keeps its budget in pyproject.toml passed on copies."""
        corpus = tmp_path / "c"
        shutil.copytree(SEEDS, corpus)
        location = tmp_path / "news.db"
        assert run("index", "add", corpus, "--index", location).exit_code == 0
        (corpus / "newsdedup.toml").write_text("max_duplicates = 0\n", encoding="utf-8")
        gated = run("index", "check", corpus, "--index", location)
        assert gated.exit_code == 1, gated.output
        assert "gate failed" in gated.stderr
        flag = run("index", "check", corpus, "--index", location, "--max-duplicates", "5")
        assert flag.exit_code == 0, flag.output  # a flag still wins over the file

    def test_a_damaged_index_file_is_an_input_error_naming_it(self, tmp_path):
        """Pages of an index file damaged after it was made (a disk, a copy cut short) were
        met only as they were read: 'internal error: DatabaseError', exit 4, as if newsdedup
        had a bug. It is one line naming the file, exit 3, for every command."""
        import random

        write_corpus(tmp_path / "in", 400)
        location = tmp_path / "news.db"
        assert run("index", "add", tmp_path / "in", "--index", location).exit_code == 0
        data = bytearray(location.read_bytes())
        assert len(data) > 64 * 4096
        data[16 * 4096 :] = random.Random(0).randbytes(len(data) - 16 * 4096)
        location.write_bytes(bytes(data))
        for args in (["check", tmp_path / "in"], ["add", tmp_path / "in"]):
            result = run("index", *args, "--index", location, "-q")
            assert result.exit_code == 3, result.output
            assert result.stderr.startswith(f"error: {location}: the index file is damaged (")
            assert "internal error" not in result.stderr

    def test_add_refuses_a_file_damaged_where_it_does_not_read(self, tmp_path):
        """Pages damaged in the middle of the file: an add of other articles read none of
        them, wrote into the file and said all was well (exit 0); it now stops before
        writing, exit 3, in one line, and the file is left as it was."""
        write_corpus(tmp_path / "in", 400)
        location = tmp_path / "news.db"
        assert run("index", "add", tmp_path / "in", "--index", location).exit_code == 0
        data = bytearray(location.read_bytes())
        middle = len(data) // 2 // 4096 * 4096
        data[middle : middle + 8 * 4096] = b"\xff" * (8 * 4096)
        location.write_bytes(bytes(data))
        result = run("index", "add", SEEDS, "--index", location, "-q")
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(f"error: {location}: the index file is damaged (")
        assert result.stderr.count("\n") == 1
        assert location.read_bytes() == bytes(data)

    def test_articles_too_short_to_compare_are_counted_within_added(self, tmp_path):
        """A file that is all boilerplate is added (held under its id) but cannot be compared:
        the summary says so as a part of 'added', so the counts add up to what was given."""
        folder = tmp_path / "in"
        folder.mkdir()
        shutil.copy(SEEDS / S000, folder / "a.txt")
        (folder / "share.txt").write_text("Share this article\n", encoding="utf-8")
        result = run("index", "add", folder, "--index", str(tmp_path / "i.db"))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == (
            "added 2 (1 of them too short to compare) · already present 0 · index holds 2\n"
        )

    def test_002_to_004_duplicate_nothing(self, indexed):
        """Checking 002-004 reports no duplicates and exits 0."""
        location, _, others = indexed
        result = run("index", "check", others, "--index", location, "--format", "jsonl")
        assert result.exit_code == 0
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["duplicates"] for r in rows] == [[], [], []]
        assert [r["id"][:3] for r in rows] == ["002", "003", "004"]

    def test_table_names_both_articles(self, indexed):
        """The table shows the new article, the indexed one and the summary."""
        location, today, _ = indexed
        result = run("index", "check", today, "--index", location)
        assert S001 in result.stdout
        assert S000 in result.stdout
        assert "1 article checked against 4 indexed · 1 duplicates an indexed" in result.stdout

    def test_csv_has_one_row_per_duplicate_and_one_per_clean_article(self, indexed, split):
        """CSV: 001 → 000 on one row; an article with no duplicate has empty fields."""
        location, today, others = indexed
        result = run("index", "check", others, "--index", location, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [(r["id"][:3], r["duplicate_of"]) for r in rows] == [
            ("002", ""),
            ("003", ""),
            ("004", ""),
        ]
        result = run("index", "check", today, "--index", location, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [(r["id"][:3], r["duplicate_of"][:3]) for r in rows] == [("001", "000")]

    def test_csv_keeps_ids_holding_a_carriage_return_in_their_rows(self, tmp_path):
        """QA 12b: a bare "\\r" in an id was written unquoted and split the row."""
        text = (SEEDS / S001).read_text(encoding="utf-8")
        old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
        old.write_text(json.dumps({"id": "old\rone", "text": text}) + "\n", encoding="utf-8")
        new.write_text(json.dumps({"id": "new\rone", "text": text}) + "\n", encoding="utf-8")
        location = str(tmp_path / "news.db")
        assert run("index", "add", str(old), "--index", location).exit_code == 0
        result = run("index", "check", str(new), "--index", location, "--format", "csv")
        (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
        assert (row["id"], row["duplicate_of"]) == ("new\rone", "old\rone")

    def test_two_folders_checked_lead_their_ids_with_the_folder_name(self, indexed):
        """With two folders, ids lead with each folder's name, so others/002 is no longer
        the indexed 002 itself (the same id) but an exact copy of it under another name."""
        location, today, others = indexed
        result = run("index", "check", today, others, "--index", location, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [(r["id"].split("_")[0], r["duplicate_of"][:3]) for r in rows] == [
            ("others/002", "002"),
            ("others/003", "003"),
            ("others/004", "004"),
            ("today/001", "000"),
        ]

    def test_check_leaves_input_and_index_unchanged(self, indexed):
        """Neither the checked folder nor the index file changes."""
        location, today, _ = indexed
        before = (tree_digest(today), Path(location).read_bytes())
        run("index", "check", today, "--index", location, "--format", "json")
        assert (tree_digest(today), Path(location).read_bytes()) == before


class TestIndexExitCodes:
    def test_budget_exceeded_exits_1_and_names_the_reason(self, indexed):
        """--max-duplicates 0 with 001 checked: exit 1; the report is still written."""
        location, today, _ = indexed
        result = run("index", "check", today, "--index", location, "--max-duplicates", "0")
        assert result.exit_code == 1
        assert "over the budget" in result.stderr
        assert S000 in result.stdout

    def test_within_budget_exits_0(self, indexed):
        """002-004 with --max-duplicate-rate 0 are within budget."""
        location, _, others = indexed
        result = run("index", "check", others, "--index", location, "--max-duplicate-rate", "0")
        assert result.exit_code == 0

    def test_missing_index_exits_2_naming_it(self, split, tmp_path):
        """Checking against no index is a usage error that names the location."""
        _, today, _ = split
        location = tmp_path / "none.db"
        result = run("index", "check", today, "--index", location)
        assert result.exit_code == 2
        assert result.stderr.startswith("error: ")
        assert str(location) in result.stderr
        assert "Traceback" not in result.stderr
        assert not location.exists()

    def test_other_parameters_exit_2_naming_them(self, indexed):
        """--num-perm 64 against a 128-permutation index: exit 2, naming num_perm."""
        location, today, _ = indexed
        result = run("index", "check", today, "--index", location, "--num-perm", "64")
        assert result.exit_code == 2
        assert "index.num_perm=128" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1

    def test_not_an_index_exits_3_and_is_untouched(self, split, tmp_path):
        """A text file given as the index is an input error; its bytes are unchanged."""
        _, today, _ = split
        bogus = tmp_path / "bogus.db"
        bogus.write_bytes(b"this is not sqlite at all, just text" * 20)
        before = bogus.read_bytes()
        result = run("index", "check", today, "--index", bogus)
        assert result.exit_code == 3
        assert "bogus.db" in result.stderr
        assert "not a newsdedup index" in result.stderr
        assert bogus.read_bytes() == before

    def test_output_onto_the_index_is_refused(self, indexed):
        """-o pointing at the index file is a usage error and the index is unchanged."""
        location, today, _ = indexed
        before = Path(location).read_bytes()
        result = run("index", "check", today, "--index", location, "-o", location)
        assert result.exit_code == 2
        assert "refusing to overwrite the index" in result.stderr
        assert Path(location).read_bytes() == before


class TestIndexSettingsFile:
    def test_thresholds_from_newsdedup_toml_apply_to_the_check(self, indexed):
        """Stricter thresholds in newsdedup.toml beside the batch: 001 no longer matches."""
        location, today, _ = indexed
        (today / "newsdedup.toml").write_text("threshold = 0.9\ncontainment = 0.95\n")
        result = run("index", "check", today, "--index", location, "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["articles"] == []

    def test_settings_file_with_other_minhash_parameters_exits_2(self, indexed):
        """num_perm = 64 in newsdedup.toml against a 128-permutation index: exit 2."""
        location, today, _ = indexed
        (today / "newsdedup.toml").write_text("num_perm = 64\n")
        result = run("index", "check", today, "--index", location)
        assert result.exit_code == 2
        assert "index.num_perm=128" in result.stderr

    @pytest.mark.parametrize("flag", ["--boilerplate", "--templates"])
    def test_an_on_flag_against_an_index_built_without_clashes(self, split, tmp_path, flag):
        """QA 20b #5: --boilerplate on an index built with --no-boilerplate was passed over
        unsaid, where another --shingle-size is a clash (exit 2)."""
        archive, today, _ = split
        location = str(tmp_path / "plain.db")
        off = "--no-boilerplate" if flag == "--boilerplate" else "--no-templates"
        assert run("index", "add", archive, "--index", location, off).exit_code == 0
        result = run("index", "check", today, "--index", location, flag)
        assert result.exit_code == 2
        assert "index was built with clean." in result.stderr
        assert run("index", "check", today, "--index", location, off).exit_code in (0, 1)
        assert run("index", "check", today, "--index", location).exit_code in (0, 1)


class TestIndexAddStatsRemove:
    def test_add_twice_reports_everything_already_present(self, indexed, split):
        """A second add of the same folder adds nothing."""
        location, *_ = indexed
        archive = split[0]
        result = run("index", "add", archive, "--index", location)
        assert result.exit_code == 0
        assert result.stdout.startswith("added 0 · already present 4")

    def test_add_leaves_input_unchanged(self, split, tmp_path):
        """Adding reads the corpus only."""
        archive = split[0]
        before = tree_digest(archive)
        run("index", "add", archive, "--index", tmp_path / "x.db")
        assert tree_digest(archive) == before

    def test_stats_json_counts_articles_and_records_parameters(self, indexed):
        """stats --format json: article count and the parameters the index was built with."""
        location, *_ = indexed
        result = run("index", "stats", "--index", location, "--format", "json")
        stats = json.loads(result.stdout)
        assert stats["articles"] == 4
        assert stats["params"]["index.num_perm"] == 128
        assert stats["params"]["hashing_scheme"]

    def test_remove_drops_the_article_and_names_missing_ids(self, indexed):
        """remove 000 and an unknown id: 000 is gone, the unknown one is named on stderr."""
        location, today, _ = indexed
        result = run("index", "remove", S000, "nope.txt", "--index", location)
        assert result.exit_code == 0
        assert result.stdout.startswith("removed 1 · not found 1 · index holds 3")
        assert "nope.txt" in result.stderr
        with open_index(location) as index:
            assert index.check([]).index_articles == 3
        check = run("index", "check", today, "--index", location, "--format", "json")
        assert json.loads(check.stdout)["articles"] == []

    def test_index_location_from_environment(self, split, tmp_path):
        """NEWSDEDUP_INDEX stands in for --index."""
        location = tmp_path / "env.db"
        result = CliRunner(env={"NEWSDEDUP_INDEX": str(location)}).invoke(
            cli, ["index", "add", str(split[0])]
        )
        assert result.exit_code == 0
        assert location.exists()

    @pytest.mark.parametrize("command", ["add", "check", "stats", "remove"])
    def test_every_index_command_has_help_with_an_example(self, command):
        """Each index command documents itself with an example."""
        result = run("index", command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout


class TestIndexFiles:
    """What is at --index when it is not a writable index: one line and exit 2 or 3, never
    an internal error, and never a file written by a command that only reads."""

    def test_a_device_is_not_an_index_file(self):
        for args in (["check", str(SEEDS)], ["add", str(SEEDS)], ["stats"]):
            result = run("index", *args, "--index", "/dev/null")
            assert result.exit_code == 3, result.stderr  # was 4: "disk I/O error"
            assert result.stderr == "error: /dev/null: not a regular file, so not an index file\n"

    def test_check_and_stats_leave_an_empty_file_empty(self, tmp_path):
        """check and stats on an empty file wrote an SQLite schema into it (28 KB), while
        saying 'no index there'."""
        empty = tmp_path / "z.db"
        empty.write_bytes(b"")
        for args in (["check", str(SEEDS)], ["stats"]):
            result = run("index", *args, "--index", str(empty))
            assert result.exit_code == 2
            assert "no index there" in result.stderr
        assert empty.read_bytes() == b""
        assert sorted(p.name for p in tmp_path.iterdir()) == ["z.db"]

    def test_changes_left_in_the_wal_are_never_passed_over(self):
        """An index whose last writer died before folding its WAL in, in a read-only folder
        with no -shm file: stats and check said 1 article (the WAL's were passed over in
        silence, and a gate passed on the older index); they now stop with exit 3."""
        python = python_as_another_user()
        shared = Path(tempfile.mkdtemp(prefix="newsdedup-wal-"))
        shelf = shared / "shelf"
        try:
            shared.chmod(0o755)
            shelf.mkdir()
            index = shelf / "x.db"
            assert run("index", "add", SEEDS / S000, "--index", index).exit_code == 0
            die_before_checkpoint = (
                "import os, sys\n"
                "from newsdedup import load_corpus, open_index\n"
                "ix = open_index(sys.argv[1])\n"
                "ix.add(load_corpus(sys.argv[2]).articles)\n"
                "os._exit(0)\n"
            )
            argv = [sys.executable, "-c", die_before_checkpoint, str(index), str(SEEDS / S001)]
            subprocess.run(argv, check=True)
            assert (shelf / "x.db-wal").stat().st_size > 0
            (shelf / "x.db-shm").unlink(missing_ok=True)
            index.chmod(0o644)
            (shelf / "x.db-wal").chmod(0o644)
            shelf.chmod(0o555)
            for args in (("stats",), ("check", str(SEEDS / S001))):
                argv = [*python, "-m", "newsdedup", "index", *args, "--index", str(index)]
                result = subprocess.run(argv, capture_output=True, text=True)
                assert result.returncode == 3, result.stdout + result.stderr
                assert "holds changes in x.db-wal" in result.stderr
        finally:
            shelf.chmod(0o755)
            shutil.rmtree(shared)

    def test_read_only_index_and_folder(self, tmp_path):
        """As a user who may not write: add and remove say the index cannot be written
        (they exited 4, 'attempt to write a readonly database'); check and stats read an
        index in a read-only folder (they said 'not a newsdedup index')."""
        python = python_as_another_user()
        shared = Path(tempfile.mkdtemp(prefix="newsdedup-ro-"))  # tmp_path is root's only
        try:
            shared.chmod(0o755)
            archive, today, shelf = shared / "archive", shared / "today", shared / "shelf"
            for folder in (archive, today, shelf):
                folder.mkdir()
            shutil.copy(SEEDS / S000, archive / S000)
            shutil.copy(SEEDS / S001, today / S001)
            assert run("index", "add", archive, "--index", shelf / "x.db").exit_code == 0
            (shelf / "x.db").chmod(0o644)
            shelf.chmod(0o555)
            before = sorted((p.name, p.read_bytes()) for p in shelf.iterdir())

            def nobody(*args: str) -> subprocess.CompletedProcess[str]:
                argv = [*python, "-m", "newsdedup", "index", *args, "--index", str(shelf / "x.db")]
                return subprocess.run(argv, capture_output=True, text=True)

            checked = nobody("check", str(today), "--format", "json")
            assert checked.returncode == 0, checked.stderr
            assert json.loads(checked.stdout)["summary"]["duplicates"] == 1
            assert nobody("stats").returncode == 0
            for args in (("add", str(today)), ("remove", S000)):
                result = nobody(*args)
                assert result.returncode == 3, result.stderr
                assert result.stderr.endswith("cannot write the index: its folder is read-only\n")
            assert sorted((p.name, p.read_bytes()) for p in shelf.iterdir()) == before
        finally:
            shelf.chmod(0o755)
            shutil.rmtree(shared)


def test_an_empty_index_option_is_a_usage_error():
    """QA 11b: `--index ""` said ": is a directory, not an index file" (exit 3)."""
    result = run("index", "stats", "--index", "")
    assert result.exit_code == 2
    assert "--index is empty" in result.stderr


def test_an_index_behind_a_link_is_named_for_what_it_is(tmp_path):
    """QA 11b: a broken link as the index read "not a newsdedup index (unable to open database
    file)". A link to an index yet to be made is made where it leads; a link whose target's
    folder is missing, or (to check) whose target is missing, is named as such."""
    (tmp_path / "later.db").unlink(missing_ok=True)
    (tmp_path / "news.db").symlink_to("later.db")
    (tmp_path / "lost.db").symlink_to(tmp_path / "nowhere" / "x.db")
    checked = run("index", "check", str(SEEDS), "--index", str(tmp_path / "lost.db"))
    assert checked.exit_code == 2
    assert "no index there, a link to" in checked.stderr
    lost = run("index", "add", str(SEEDS), "--index", str(tmp_path / "lost.db"))
    assert lost.exit_code == 3
    assert "whose folder does not exist" in lost.stderr
    made = run("index", "add", str(SEEDS), "--index", str(tmp_path / "news.db"), "-q")
    assert made.exit_code == 0, made.stderr
    assert (tmp_path / "later.db").is_file()


def test_index_check_json_carries_the_gate_verdict(tmp_path):
    """QA 11b: `check --format json` holds `gate`; `index check` gave the reason on stderr only,
    so a saved report did not say why the job failed. Without a budget there is no gate key."""
    db = str(tmp_path / "news.db")
    assert run("index", "add", str(SEEDS), "--index", db, "--glob", "000*", "-q").exit_code == 0
    one = tmp_path / "today"
    one.mkdir()
    (one / "001.txt").write_bytes(next(SEEDS.glob("001_*.txt")).read_bytes())
    gated = run(
        "index", "check", str(one), "--index", db, "--max-duplicates", "0", "--format", "json"
    )
    assert gated.exit_code == 1
    gate = json.loads(gated.stdout)["gate"]
    assert (gate["passed"], gate["duplicates"], gate["max_duplicates"]) == (False, 1, 0)
    assert gate["worst"] == ["001.txt"]  # QA 12b: it was always []
    passed = run(
        "index", "check", str(one), "--index", db, "--max-duplicates", "5", "--format", "json"
    )
    assert json.loads(passed.stdout)["gate"]["worst"] == []  # QA 13b: as check's on a pass
    plain = run("index", "check", str(one), "--index", db, "--format", "json")
    assert "gate" not in json.loads(plain.stdout)


@pytest.fixture(scope="module")
def turkish_locale(tmp_path_factory) -> dict[str, str]:
    """Environment for a process in tr_TR.UTF-8, compiled into a temporary LOCPATH (skips
    where glibc's localedef or its locale sources are missing)."""
    localedef = shutil.which("localedef")
    if localedef is None:
        pytest.skip("localedef not found")
    root = tmp_path_factory.mktemp("locales")
    made = subprocess.run(
        [localedef, "-i", "tr_TR", "-f", "UTF-8", str(root / "tr_TR.UTF-8")],
        capture_output=True,
        check=False,
    )
    if not (root / "tr_TR.UTF-8").is_dir():
        pytest.skip(f"cannot compile tr_TR.UTF-8: {made.stderr.decode(errors='replace')[:200]}")
    return {"LOCPATH": str(root), "LC_ALL": "tr_TR.UTF-8"}


def test_an_index_built_under_a_turkish_locale_finds_copies(tmp_path, turkish_locale):
    """QA 28 #1: Python 3.11's sqlite3 gave rowcount -1 for "INSERT" under tr_TR, so `index
    add` stored every article without its band keys and `index check` found nothing."""
    env = {**os.environ, **turkish_locale}
    db = tmp_path / "tr.db"
    add = subprocess.run(
        [sys.executable, "-m", "newsdedup", "index", "add", str(SEEDS), "--index", str(db)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert add.returncode == 0, add.stderr
    assert "added 5" in add.stdout
    probe = tmp_path / "new"
    probe.mkdir()
    shutil.copy(SEEDS / "001_23e261e2bfe35961.txt", probe / "x.txt")
    check = run("index", "check", str(probe), "--index", str(db), "--format", "json")
    assert check.exit_code == 0, check.stderr
    assert "001_23e261e2bfe35961.txt" in check.stdout
