"""The persistent index (store.py, SQLite backend): header, add, check, remove, crash safety."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from newsdedup import ConfigError, DedupConfig, IndexConfig, InputError, load_corpus
from newsdedup.index import band_keys
from newsdedup.records import Article
from newsdedup.store import open_index, read_config, to_signed

from .conftest import SEEDS
from .fastcorpus import fast_article, write_corpus

S000, S001 = "000_9e2556e38fb8484b.txt", "001_23e261e2bfe35961.txt"


def art(article_id: str, text: str) -> Article:
    return Article(id=article_id, text=text, source=article_id)


@pytest.fixture
def seeds():
    return {a.id: a for a in load_corpus(SEEDS).articles}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "news.db")


def refused_unchanged(path: Path, problem: str, *, create: bool) -> None:
    """Assert that opening `path` as an index is refused with `problem`, the file unchanged."""
    before = path.read_bytes()
    with pytest.raises(InputError, match=problem):
        open_index(str(path), create=create)
    assert path.read_bytes() == before


def dump(location: str) -> tuple[list, list, list, str]:
    """Return every stored row in a canonical order (refs replaced by ids)."""
    conn = sqlite3.connect(location)
    try:
        arts = conn.execute(
            "SELECT id, length, signature, shingles FROM articles ORDER BY id"
        ).fetchall()
        bands = conn.execute(
            "SELECT b.key, a.id FROM bands b JOIN articles a USING (ref) ORDER BY 1, 2"
        ).fetchall()
        lines = conn.execute("SELECT key, df FROM lines ORDER BY key").fetchall()
        docs = conn.execute("SELECT value FROM meta WHERE key = 'docs'").fetchone()[0]
    finally:
        conn.close()
    return arts, bands, lines, docs


class TestOpenIndex:
    def test_missing_index_is_a_config_error_naming_it(self, db):
        """Opening a location with no index (without create) names it and creates nothing."""
        with pytest.raises(ConfigError, match="no index there"):
            open_index(db)
        assert not Path(db).exists()
        assert read_config(db) is None

    def test_other_minhash_parameters_are_refused(self, db):
        """An index built with 128 permutations cannot be opened with 64: a clear error."""
        open_index(db, create=True).close()
        other = DedupConfig(index=IndexConfig(num_perm=64))
        with pytest.raises(ConfigError, match=r"index.num_perm=128, .*not .*index.num_perm=64"):
            open_index(db, config=other)

    def test_other_verification_threshold_is_allowed(self, db):
        """Thresholds apply when checking, so they may differ from the index's."""
        open_index(db, create=True).close()
        with open_index(db, config=DedupConfig(threshold=0.9)) as index:
            assert index.config.threshold == 0.9

    def test_stored_parameters_are_used_when_none_given(self, db):
        """An index made with non-default settings is reopened with them."""
        made = DedupConfig(index=IndexConfig(num_perm=64, seed=7))
        open_index(db, config=made, create=True).close()
        assert read_config(db) == made
        with open_index(db) as index:
            assert index.config.index.num_perm == 64

    def test_a_file_that_is_not_an_index_is_an_input_error(self, tmp_path):
        """A text file or a foreign SQLite file is refused and left unchanged."""
        text = tmp_path / "notes.txt"
        text.write_text("hello " * 100, encoding="utf-8")
        with pytest.raises(InputError, match="not a newsdedup index"):
            open_index(str(text))
        assert text.read_text(encoding="utf-8") == "hello " * 100
        other = tmp_path / "other.db"
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
        with pytest.raises(InputError, match="not a newsdedup index"):
            open_index(str(other))

    def test_a_redis_scheme_without_slashes_is_no_file_name(self, tmp_path, monkeypatch):
        """QA 15a #9: `--index redis:localhost` made an SQLite file of that name."""
        monkeypatch.chdir(tmp_path)
        with pytest.raises(ConfigError, match="redis:localhost: not a valid Redis URL"):
            open_index("redis:localhost", create=True)
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("mark", ["application_id", "user_version"])
    def test_an_empty_database_another_program_claimed_is_left_alone(self, tmp_path, mark):
        """QA 16b #10: a database with no tables yet but another program's application id or
        user version was made into an index."""
        app = tmp_path / "app.db"
        conn = sqlite3.connect(app)
        conn.execute(f"PRAGMA {mark} = 1234")
        conn.commit()
        conn.close()
        refused_unchanged(app, "another program has claimed", create=True)

    def test_articles_without_a_header_are_damage_for_a_reader_too(self, db, seeds):
        """QA 17b #4: check, stats and remove said "no index there (make one with `index
        add`)" (exit 2) where add said damaged."""
        with open_index(db, create=True) as index:
            index.add(seeds.values())
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM meta WHERE key = 'header'")
        conn.commit()
        conn.close()
        with pytest.raises(InputError, match="damaged: it holds 5 articles but no header"):
            open_index(db, readonly=True)

    def test_an_article_removed_while_a_check_reads_is_passed_over(self, db, seeds):
        """QA 17b #1: a row another writer removed between a check's band lookup and its
        fetch (a concurrent `add --replace` or `remove`) made the check fail, 'damaged ...
        rebuild the index' (before: an internal error). It is passed over as removed."""
        with open_index(db, create=True) as index:
            index.add(a for i, a in seeds.items() if i != S001)
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM articles WHERE id = ?", (S000,))  # its band keys stay
        conn.commit()
        conn.close()
        with open_index(db, readonly=True) as index:
            result = index.check([seeds[S001]])
        assert [a.duplicates for a in result.articles] == [()]

    def test_a_truncated_index_is_damaged_not_another_kind_of_file(self, db, seeds):
        """QA 15a #7: an index file cut short read "not a newsdedup index": the user needs to
        hear that the index is damaged."""
        with open_index(db, create=True) as index:
            index.add(seeds.values())
        cut = Path(db).with_name("cut.db")
        cut.write_bytes(Path(db).read_bytes()[:3000])
        with pytest.raises(InputError, match="the index file is damaged"):
            open_index(str(cut)).close()

    @pytest.mark.parametrize("create", [False, True])
    def test_another_programs_database_with_a_meta_table_is_left_untouched(self, tmp_path, create):
        """QA 15a #3: an application's database holding a table named "meta" passed for an
        index: `index add` switched it to WAL, wrote our header into its meta table, and
        every later command failed on it. It is refused, byte for byte unchanged."""
        app = tmp_path / "app.db"
        conn = sqlite3.connect(app)
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '3')")
        conn.execute("CREATE TABLE users (id INTEGER, name TEXT)")
        # QA 17b #10: tables of our names with other columns were written into too.
        conn.execute("CREATE TABLE articles (ref INTEGER PRIMARY KEY, id TEXT, x INTEGER)")
        conn.execute("CREATE TABLE bands (key INTEGER, ref INTEGER)")
        conn.execute("CREATE TABLE lines (key INTEGER PRIMARY KEY, df INTEGER)")
        conn.commit()
        conn.close()
        refused_unchanged(app, "an SQLite file, but not a newsdedup index", create=create)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]

    @pytest.mark.parametrize(
        ("damage", "problem"),
        [
            ("UPDATE meta SET value = 'garbage' WHERE key = 'header'", "header cannot be read"),
            (
                "UPDATE meta SET value = json_remove(value, '$.compat') WHERE key = 'header'",
                "header lacks its settings",
            ),
            (
                "UPDATE articles SET shingles = x'0001' "
                "WHERE ref = (SELECT min(ref) FROM articles)",
                "shingles are 2 bytes",
            ),
            # QA 17b #2, #5: a settings part that is no object was an internal error; settings
            # that contradict the stored parameters were blamed on options never given.
            (
                "UPDATE meta SET value = json_set(value, '$.config.clean', json('null')) "
                "WHERE key = 'header'",
                "header's settings cannot be used",
            ),
            (
                "UPDATE meta SET value = json_set(value, '$.config.index', json('{}')) "
                "WHERE key = 'header'",
                "header's settings contradict its",
            ),
            ("DELETE FROM meta WHERE key = 'header'", "holds 5 articles but no header"),
            # QA 16b #6: settings emptied were read as the defaults; a value no setting takes
            # was a usage error naming no index.
            (
                "UPDATE meta SET value = json_set(value, '$.config', json('{}'), "
                "'$.compat', json('{}')) WHERE key = 'header'",
                "header lacks its settings",
            ),
            (
                "UPDATE meta SET value = json_set(value, '$.config.threshold', 'abc') "
                "WHERE key = 'header'",
                "header's settings cannot be used (threshold must be a number",
            ),
        ],
    )
    def test_a_damaged_index_is_an_input_error_not_an_internal_one(
        self, db, seeds, damage, problem
    ):
        """QA 15a #5: a header that is no JSON or lacks its parts, or an article row gone
        while its band keys stay, were internal errors (exit 4: JSONDecodeError, KeyError);
        a lost header let `add` write new settings over the old rows. Each is damage."""
        with open_index(db, create=True) as index:
            index.add(seeds.values())
        conn = sqlite3.connect(db)
        conn.execute(damage)
        conn.commit()
        conn.close()
        with (
            pytest.raises(InputError, match=f"damaged: .*{re.escape(problem)}"),
            open_index(db, create=True) as index,
        ):
            index.check(seeds.values())


class TestAddAndCheck:
    def test_seeds_001_duplicates_000_and_002_to_004_duplicate_nothing(self, db, seeds):
        """Index all seeds but 001: 001 duplicates 000, and 002-004 nothing."""
        with open_index(db, create=True) as index:
            index.add(a for i, a in seeds.items() if i != S001)
            found = index.check([seeds[S001]])
            rest = index.check(a for i, a in seeds.items() if i[:3] in ("002", "003", "004"))
        assert [(a.id, [m.id for m in a.duplicates]) for a in found.articles] == [(S001, [S000])]
        match = found.articles[0].duplicates[0]
        assert (match.jaccard, match.via) == (0.8304, "jaccard")
        assert [a.duplicates for a in rest.articles] == [(), (), ()]
        assert rest.duplicates == 0

    def test_adding_twice_adds_nothing_the_second_time(self, db, seeds):
        """Ids already present are skipped: the stored rows are byte-identical afterwards."""
        with open_index(db, create=True) as index:
            first = index.add(seeds.values())
            before = dump(db)
            second = index.add(seeds.values())
        assert (first.added, first.present) == (5, 0)
        assert (second.added, second.present, second.total) == (0, 5, 5)
        assert dump(db) == before

    def test_an_article_is_not_its_own_duplicate(self, db, seeds):
        """Checking an indexed article does not report the stored copy with its own id."""
        with open_index(db, create=True) as index:
            index.add(seeds.values())
            result = index.check([seeds[S000]])
        assert [m.id for m in result.articles[0].duplicates] == [S001]

    def test_a_story_indexed_from_many_sites_costs_its_head_not_every_copy(self, db):
        """A band key held by more than max_bucket (200) indexed articles proposed every one
        of them: 600 checked copies of a story indexed 2,000 times took 1.2M verifications
        and 2.3 GB. As `scan` links a huge bucket to its head, the first-indexed 20 are
        proposed, so each checked copy is still found, at a cost that follows the batch."""
        text = fast_article(7)
        with open_index(db, create=True) as index:
            index.add(art(f"c{i:04d}.txt", text) for i in range(250))
            result = index.check(art(f"new{i}.txt", text) for i in range(5))
        assert result.candidates == 5 * 20
        for checked in result.articles:
            assert [m.id for m in checked.duplicates] == [f"c{i:04d}.txt" for i in range(20)]

    def test_article_with_nothing_left_after_cleaning_is_kept_but_not_indexed(self, db):
        """An article cleaning empties is recorded (so re-adding skips it) but has no bands."""
        with open_index(db, create=True) as index:
            summary = index.add([art("ad.txt", "Advertisement"), art("a.txt", fast_article(1))])
            again = index.add([art("ad.txt", "Advertisement")])
            assert index.problems() == []
        assert (summary.added, summary.unindexed) == (2, 1)
        assert again.present == 1

    def test_check_does_not_change_the_index(self, db, seeds):
        """`check` only reads: the stored rows are the same before and after."""
        with open_index(db, create=True) as index:
            index.add(a for i, a in seeds.items() if i != S001)
            before = dump(db)
            index.check(seeds.values())
        assert dump(db) == before


class TestTemplates:
    NAV = "Read more stories from the Daily Planet newsroom team"

    def test_a_batch_is_cleaned_with_the_template_counts_stored_in_the_index(self, db):
        """A line frequent in the archive is furniture even in a one-article batch."""
        bodies = [fast_article(100 + i) for i in range(6)]
        with open_index(db, create=True) as index:
            index.add(art(f"a{i}.txt", f"{self.NAV}\n\n{b}") for i, b in enumerate(bodies))
            alone = index.check([art("new.txt", f"{self.NAV}\n\n{bodies[0]}")])
        best = alone.articles[0].duplicates[0]
        assert (best.id, best.jaccard) == ("a0.txt", 1.0)

    def test_indexed_articles_checked_again_are_not_their_own_duplicates(self, db):
        """Checking the batch just added (a scraper re-fetching its pages) reported every
        article with a site template as a copy of itself: the batch's indexed articles were
        cleaned with no templates, so their shingles were not the stored ones. Re-adding it
        named their ids as held by other articles."""
        line = "Harbour Gazette Plus Edition Page Three"  # mid-body: only a template drops it
        batch = []
        for i in range(6):
            first, rest = fast_article(100 + i).split("\n\n", 1)
            batch.append(art(f"a{i}.txt", f"{first}\n\n{line}\n\n{rest}"))
        with open_index(db, create=True) as index:
            index.add(batch)
            again = index.check(batch)
            readded = index.add(batch)
        assert [a.duplicates for a in again.articles] == [()] * 6
        assert (readded.present, readded.taken) == (6, ())

    def test_an_article_is_itself_after_templates_learnt_later(self, db):
        """A line below the template floor when day 1 was added (kept in its shingles)
        becomes a template once day 2 brings more: checking day 1 again cleaned it away, so
        its shingles were no longer the stored ones, and each article was reported as a copy
        of itself. The index keeps a digest of each text: the article itself is known."""
        line = "Harbour Gazette Plus Edition Page Three"
        days = [[], []]
        for i in range(7):
            first, rest = fast_article(300 + i).split("\n\n", 1)
            days[i // 4].append(art(f"a{i}.txt", f"{first}\n\n{line}\n\n{rest}"))
        with open_index(db, create=True) as index:
            index.add(days[0])  # 4 articles: below the floor of 5
            index.add(days[1])  # 7 now: the line is a template from here on
            again = index.check(days[0])
            readded = index.add(days[0])
        assert [a.duplicates for a in again.articles] == [()] * 4
        assert (readded.present, readded.taken) == (4, ())

    def test_an_article_fetched_again_with_other_line_ends_is_itself(self, db, seeds):
        """QA 15a #4: a page fetched again with CRLF line ends or one trailing space had
        another digest, so `check` called it a 1.00 copy of itself and failed the gate. Its
        cleaned shingles are the same: it is the article itself."""
        with open_index(db, create=True) as index:
            index.add(seeds.values())
            again = [
                dataclasses.replace(seeds[S000], text=seeds[S000].text + " "),
                dataclasses.replace(seeds[S001], text=seeds[S001].text.replace("\n", "\r\n")),
            ]
            result = index.check(again)
            readded = index.add(again, replace=True)
        assert [[m.id for m in a.duplicates] for a in result.articles] == [[S001], [S000]]
        assert (readded.present, readded.replaced) == (2, ())

    def test_a_changed_text_is_replaced_and_a_refetch_stays_itself_after_new_templates(self, db):
        """QA 16b #1, #2: equal shingles counted as "itself", so `add --replace` no longer
        replaced a text whose punctuation changed; and once a template line was learnt, the
        stored shingles differed and a CRLF refetch was "a 0.94 copy of itself" again. The
        digest leaves line ends and trailing white space out instead."""
        line = "Westbury Courier sport pages weekend edition"
        first, rest = fast_article(700).split("\n\n", 1)
        story = f"{first}\n\n{line}\n\n{rest}"
        site = [art(f"m{i:02d}.txt", f"{fast_article(710 + i)}\n\n{line}") for i in range(8)]
        with open_index(db, create=True) as index:
            index.add([art("x.txt", story)])
            changed = index.add([art("x.txt", story.replace(".", "!"))], replace=True)
            index.add(site)  # the site's line is a template from here on
            refetched = index.check([art("x.txt", story.replace(".", "!").replace("\n", "\r\n"))])
        assert changed.replaced == ("x.txt",)
        assert [a.duplicates for a in refetched.articles] == [()]

    def test_rows_holding_the_digest_of_the_raw_text_are_still_known(self, db, seeds):
        """Rows written before 2026-11-25 hold the digest of the text byte for byte: the
        same articles checked again are themselves, not copies of themselves."""
        from newsdedup.store import raw_digest

        with open_index(db, create=True) as index:
            index.add(seeds.values())
        conn = sqlite3.connect(db)
        for article in seeds.values():
            conn.execute(
                "UPDATE articles SET digest = ? WHERE id = ?",
                (raw_digest(article.text), article.id),
            )
        conn.commit()
        conn.close()
        with open_index(db, readonly=True) as index:
            again = index.check(seeds.values())
        assert {a.id: [m.id for m in a.duplicates] for a in again.articles} == {
            S000: [S001],
            S001: [S000],
            **{i: [] for i in seeds if i not in (S000, S001)},
        }

    def test_an_index_made_before_digests_is_read_and_extended(self, db, seeds):
        """An index file without the digest column (made by an earlier version) is checked
        read-only as before (by shingles), and the first add gives it the column."""
        with open_index(db, create=True) as index:
            index.add(a for i, a in seeds.items() if i != S001)
        conn = sqlite3.connect(db)
        conn.execute("ALTER TABLE articles DROP COLUMN digest")
        conn.close()
        with open_index(db, readonly=True) as index:
            result = index.check([seeds[S000], seeds[S001]])
        assert [[m.id for m in a.duplicates] for a in result.articles] == [[], [S000]]
        with open_index(db) as index:
            assert index.add([seeds[S001]]).added == 1
            again = index.check([seeds[S000], seeds[S001]])
        assert [[m.id for m in a.duplicates] for a in again.articles] == [[S001], [S000]]
        conn = sqlite3.connect(db)
        digests = conn.execute("SELECT id, length(digest) FROM articles ORDER BY id").fetchall()
        conn.close()
        assert dict(digests)[S001] == 8
        assert dict(digests)[S000] is None

    def test_templates_off_keeps_the_line(self, db):
        """With templates off the shared line stays in every article's shingles."""
        bodies = [fast_article(100 + i) for i in range(6)]
        # Boilerplate rules off too: they name a short line above the body as its 'title'.
        config = DedupConfig(
            clean=DedupConfig().clean.__class__(templates=False, boilerplate=False)
        )
        with open_index(db, config=config, create=True) as index:
            index.add(art(f"a{i}.txt", f"{self.NAV}\n\n{b}") for i, b in enumerate(bodies))
            plain = index.check([art("new.txt", bodies[0])])
        assert plain.articles[0].duplicates[0].jaccard < 1.0


class TestRemove:
    def test_removed_article_is_no_longer_reported_and_index_stays_sound(self, db, seeds):
        """After remove, 001 duplicates nothing; unknown ids are reported as missing."""
        with open_index(db, create=True) as index:
            index.add(a for i, a in seeds.items() if i != S001)
            removed, missing = index.remove([S000, "nope.txt"])
            result = index.check([seeds[S001]])
            assert index.problems() == []
            assert len(index) == 3
        assert (removed, missing) == ([S000], ["nope.txt"])
        assert result.articles[0].duplicates == ()

    def test_remove_refuses_one_string_instead_of_splitting_it(self, db, seeds):
        """remove("12") removed the articles "1" and "2": a string is an iterable of its
        characters. It is refused, and the index is left as it was."""
        with open_index(db, create=True) as index:
            index.add(art(str(n), a.text) for n, a in enumerate(seeds.values(), start=1))
            with pytest.raises(TypeError, match="list of ids"):
                index.remove("12")
            assert len(index) == 5

    def test_removed_article_can_be_added_again(self, db, seeds):
        """Remove then add restores the answer."""
        with open_index(db, create=True) as index:
            index.add(seeds.values())
            index.remove([S000])
            assert index.add([seeds[S000]]).added == 1
            assert [m.id for m in index.check([seeds[S001]]).articles[0].duplicates] == [S000]


class TestCrashSafety:
    def test_killed_add_leaves_whole_chunks_and_a_rerun_matches_one_clean_run(self, tmp_path):
        """SIGKILL mid-add: the index is consistent; finishing the add equals an unbroken add."""
        corpus = tmp_path / "corpus"
        write_corpus(corpus, 400, copies_every=7)
        killed, clean = str(tmp_path / "killed.db"), str(tmp_path / "clean.db")
        command = [sys.executable, "-m", "newsdedup", "index", "add", str(corpus), "--chunk-size"]
        proc = subprocess.Popen(
            [*command, "5", "--index", killed, "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        count = 0
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if Path(killed).exists():
                try:
                    conn = sqlite3.connect(f"file:{killed}?mode=ro", uri=True, timeout=5)
                    count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                    conn.close()
                except sqlite3.OperationalError:
                    count = 0
                if count >= 20:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            time.sleep(0.02)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the add finished before it could be killed"
        with open_index(killed) as index:
            assert index.problems() == []
            partial = len(index)
        assert 20 <= partial < 400
        assert partial % 5 == 0  # whole chunks only
        subprocess.run([*command, "5", "--index", killed, "-q"], check=True, capture_output=True)
        with open_index(clean, create=True) as index:
            index.add(load_corpus(corpus).articles)
        assert dump(killed) == dump(clean)


def test_replace_counts_only_the_ids_that_hold_its_text(db, monkeypatch):
    """`add(replace=True)` removes a changed article, then adds the new text. Another writer
    may add the id in between; the index then holds that writer's text, and the id is not
    reported as replaced by this run."""
    with open_index(db, create=True) as index:
        index.add([art("a.txt", fast_article(600)), art("b.txt", fast_article(601))])
    with open_index(db) as index, open_index(db) as other:
        remove = index.remove

        def remove_then_race(ids):
            found = remove(ids)
            other.add([art("b.txt", fast_article(700))])  # the other writer wins b.txt
            return found

        monkeypatch.setattr(index, "remove", remove_then_race)
        summary = index.add(
            [art("a.txt", fast_article(602)), art("b.txt", fast_article(603))], replace=True
        )
        held = index.check([art("x", fast_article(700))])
    assert summary.replaced == ("a.txt",)
    assert [[d.id for d in a.duplicates] for a in held.articles] == [["b.txt"]]


class TestLedeKeys:
    """A teaser (the first paragraph of a long story) shares no band of the whole text with
    the story, only its lede keys."""

    STORY = fast_article(41, words=900, paragraphs=12)
    TEASER = STORY.split("\n\n")[0]

    def test_check_finds_the_teaser_of_an_indexed_story_by_its_lede(self, db):
        with open_index(db, create=True) as index:
            index.add([art("story", self.STORY)])
            found = index.check([art("teaser", self.TEASER)])
        (match,) = found.articles[0].duplicates
        assert (match.id, match.via) == ("story", "containment")

    def test_without_lede_keys_the_teaser_is_not_proposed(self, db):
        """The same index built with `lede_words` 0: the pair is not even a candidate, so
        the test above is about the lede keys."""
        config = DedupConfig(index=IndexConfig(lede_words=0))
        with open_index(db, create=True, config=config) as index:
            index.add([art("story", self.STORY)])
            found = index.check([art("teaser", self.TEASER)])
        assert found.articles[0].duplicates == ()
        assert found.candidates == 0

    def test_removing_an_article_removes_its_lede_keys(self, db):
        with open_index(db, create=True) as index:
            index.add([art("story", self.STORY), art("other", fast_article(42))])
            index.remove(["story"])
            assert index.problems() == []
        _, bands, _, _ = dump(db)
        assert {article_id for _, article_id in bands} == {"other"}
        assert len(bands) == 37 + 8

    def test_an_entry_added_before_lede_keys_is_sound_and_removable(self, db):
        """A row stored with the article's signature alone (made before lede keys) checks
        sound, and `remove` finds its keys from that signature."""
        with open_index(db, create=True) as index:
            index.add([art("story", self.STORY)])
        conn = sqlite3.connect(db)
        # As an earlier version stored it: 128 signature values, and the 37 bands only.
        conn.execute("UPDATE articles SET signature = substr(signature, 1, 512)")
        (signature,) = conn.execute("SELECT signature FROM articles").fetchone()
        sig = np.frombuffer(signature, dtype="<u4").astype(np.uint32)[None, :]
        kept = to_signed(band_keys(sig, IndexConfig())[0])
        marks = ",".join("?" * len(kept))
        conn.execute(f"DELETE FROM bands WHERE key NOT IN ({marks})", kept)
        conn.commit()
        assert conn.execute("SELECT count(*) FROM bands").fetchone() == (37,)
        conn.close()
        with open_index(db) as index:
            assert index.problems() == []
            assert index.remove(["story"]) == (["story"], [])
            assert index.problems() == []
        _, bands, _, _ = dump(db)
        assert bands == []


def test_an_index_made_before_lede_keys_keeps_working_without_them(db):
    """A header without `lede_words` (an index made before lede keys) opens as lede_words 0:
    every article in it, old or added later, is found the same way, and its parameters say
    so, instead of claiming lede keys only the newer articles have."""
    story = TestLedeKeys.STORY
    # What an earlier version stored: no lede signature, no lede keys, no lede_words.
    with open_index(db, create=True, config=DedupConfig(index=IndexConfig(lede_words=0))) as index:
        index.add([art("story", story)])
    conn = sqlite3.connect(db)
    (raw,) = conn.execute("SELECT value FROM meta WHERE key = 'header'").fetchone()
    header = json.loads(raw)
    del header["config"]["index"]["lede_words"]
    del header["compat"]["index.lede_words"]
    conn.execute("UPDATE meta SET value = ? WHERE key = 'header'", (json.dumps(header),))
    conn.commit()
    conn.close()
    assert read_config(db).index.lede_words == 0
    with open_index(db) as index:
        index.add([art("later", fast_article(43, words=900, paragraphs=12))])
        assert index.stats()["params"]["index.lede_words"] == 0
        assert index.problems() == []
    arts, _, _, _ = dump(db)
    assert {len(signature) for _, _, signature, _ in arts} == {4 * 128}
