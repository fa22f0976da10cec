"""Stories: term extraction, dates, average-link, `find_stories` and the ECB+ quality floor."""

from __future__ import annotations

import math
import os
import random
import re
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsdedup.dots as dots_module
import newsdedup.story as story_module
from newsdedup import (
    Article,
    Cluster,
    DedupConfig,
    StoryConfig,
    add_stories,
    corpus_stats,
    find_duplicates,
    find_stories,
    load_corpus,
    story_similarity,
)
from newsdedup.errors import ConfigError
from newsdedup.shingle import token_hashes
from newsdedup.story import (
    Edges,
    TermCounts,
    TermVectors,
    _echoes,
    _salient_sets,
    average_link,
    cosine,
    dated_apart_pairs,
    heaviest_columns,
    label_phrases,
    neighbourhoods,
    normalize_term,
    parse_date,
    parse_field_date,
    row_cosines,
    salient_terms,
    score_graph,
    shared_neighbours,
    story_candidates,
    story_docs,
    story_label,
    term_counts,
    term_stats,
    term_vectors,
    weigh,
    weighed_vectors,
)

from .conftest import DATA, SEEDS, load_bench

SEED_IDS = sorted(p.name for p in SEEDS.glob("*.txt"))

# Quality floors on the ECB+ copy in ../shared/data (measured B-cubed F1 0.942, P 0.974, R 0.912,
# ARI 0.928; TF-IDF cosine + components: 0.843). Lower only on purpose.
ECB_F1_FLOOR = 0.92
ECB_MARGIN_OVER_BASELINE = 0.05
# Two events of one topic in one story (bench/eval_stories.event_mixing), measured 5 topics
# (any stray), 4 substantially, 13 articles sitting with the other event's story (20 before
# facts scaled the score), no story spanning two topics. Since pages' date stamps date them
# (F1 0.940 -> 0.935): 5 substantially, 16 articles (18 before foreign stamps). ECB+ counts a
# saga as one event, and its pages' stamps date its reports a year apart (topic 27: IE
# patches of September 2012 and 2013; 33: a 2011 shooting and its 2013 trial), so they
# part, and a part joins a stray.
ECB_MIXED_TOPICS_MAX = 5
ECB_MIXED_SOFT_MAX = 5
ECB_MINORITY_ARTICLES_MAX = 18
# SemEval-2022 Task 8 English pairs: -Spearman of story_similarity vs Overall (measured 0.828).
SEMEVAL_RHO_FLOOR = 0.78

QUAKE_A = (
    "Earthquake strikes Aceh\n"
    "A strong earthquake struck Indonesia's Aceh province on Tuesday, killing at least "
    "twelve people in Bener Meriah and Central Aceh districts, officials in Banda Aceh said. "
    "The magnitude 6.1 quake destroyed houses and a mosque in Ketol."
)
QUAKE_B = (
    "Deadly quake hits Aceh highlands\n"
    "Rescuers in Central Aceh searched collapsed houses after a magnitude 6.1 earthquake "
    "killed at least twelve people. Villagers in Ketol and Bener Meriah slept outside as "
    "aftershocks shook the province, the disaster agency in Banda Aceh said."
)
QUAKE_OTHER = (
    "Earthquake rocks West Papua\n"
    "A magnitude 7.6 earthquake struck off Manokwari in West Papua on Sunday, killing four "
    "people and damaging a hotel, Indonesia's geophysics agency said. Residents of "
    "Manokwari fled to higher ground fearing a tsunami."
)
RECIPE = (
    "Slow-cooked lentil soup\n"
    "Simmer red lentils with cumin, garlic and carrots for forty minutes, then blend until "
    "smooth and finish with lemon juice and olive oil."
)


# Two companies each building a plant: the same kind of news, two events. Their term cosine
# is about 0.19 and nothing else in a small corpus resembles either.
PLANT_A = (
    "Brewer to build plant in Colorado\n"
    "Anheuser-Busch said it will build a can plant near Fort Collins to supply its breweries, "
    "with construction starting in spring and about 300 jobs when finished."
)
PLANT_B = (
    "Heekin Can to build Ohio plant\n"
    "Heekin Can said it will build a plant in Columbus to make two-piece cans for pet food, "
    "financed by industrial revenue bonds, with construction starting in spring."
)
ELSEWHERE = (
    "Slow-cooked lentil soup\nSimmer red lentils with cumin, garlic and carrots, then blend.",
    "Chess final goes to tiebreaks\nThe title match in Dubai ended level after twelve games.",
    "Rain delays harvest in Punjab\nFarmers said heavy rain had delayed the wheat harvest.",
)


def art(id_: str, text: str, date: str | None = None) -> Article:
    return Article(id=id_, text=text, source=id_, date=date)


def groups_of(stories) -> list[list[str]]:
    return [sorted(m.id for m in s.members) for s in stories]


class TestTermCounts:
    def test_names_are_capitalised_words_inside_sentences(self):
        """A capitalised word mid-sentence is a name; the sentence's first word is not."""
        got = term_counts("Rescuers met Lavrov in Pyongyang. Rescuers left.")
        assert {"lavrov", "pyongyang"} <= got.names
        assert "rescuer" not in got.names

    def test_stop_words_and_single_digits_are_dropped(self):
        """Function words and news boilerplate words carry no story."""
        got = term_counts("He said the 3 officials were in Seoul on Monday with 1,000 troops")
        assert "said" not in got.counts
        assert "the" not in got.counts
        assert "monday" not in got.counts
        assert "3" not in got.counts
        assert got.counts["seoul"] == 1
        assert got.counts["1,000"] == 1

    def test_plurals_fold_for_common_words_but_not_names(self):
        """'quakes' and 'quake' are one term; 'Thomas' keeps its s."""
        assert normalize_term("quakes") == normalize_term("quake")
        assert normalize_term("Thomas") == "thomas"
        assert normalize_term("Russia's") == "russia"

    def test_title_words_come_from_the_first_short_line(self):
        """Without a title field, a short first line is the title."""
        got = term_counts(QUAKE_A)
        assert {"earthquake", "aceh"} <= got.title
        assert "killing" not in got.title
        titled = term_counts(QUAKE_A, title="Lentil soup")
        assert "aceh" not in titled.title

    def test_scripts_without_spaces_give_character_bigrams(self):
        """Japanese text is cut into character bigrams, so two reports can share terms."""
        got = term_counts("東京で地震が発生した")
        assert got.counts["地震"] == 1
        same = story_similarity("東京で地震が発生した", "東京で大きな地震が発生")
        assert same > story_similarity("東京で地震が発生した", "大阪の天気は晴れ")

    def test_wording_keeps_spellings_and_adjacent_terms(self):
        """Labels read the most frequent spelling of each term and which terms stand side by
        side; both survive packing."""
        got = term_counts("Talks in North Korea ended. Seoul and Korea met in Korea.")
        wording = got.wording()
        assert wording.spelling("korea") == "Korea"
        assert wording.spelling("ended") == "ended"
        assert wording.pairs[("north", "korea")] == 1
        assert wording.pairs[("korea", "met")] == 1
        assert ("ended", "seoul") not in wording.pairs  # a sentence ends between them

    def test_empty_and_odd_text_is_total(self):
        """Empty, whitespace, NUL and CJK text give no terms and no error."""
        for text in ("", "   \n\n", "\x00\x00", "東京で地震が発生した"):
            got = term_counts(text)
            assert isinstance(got.counts, dict)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), block=st.sampled_from([1, 5, 1 << 20]), read=st.sampled_from([1, 2, 4096]))
def test_weighed_vectors_are_the_vectors_weigh_gives(data, block, read, monkeypatch_module):
    """The array form gives the rows `weigh` gives one article at a time, bit for bit: any
    counts (large ones too), names and title words, empty articles, a corpus of other
    articles' stats (terms it lacks fall back to idf) or none (the docs' own), docs read and
    rows weighed in blocks or all at once."""
    monkeypatch_module.setattr(story_module, "_WEIGH_BLOCK", block)
    monkeypatch_module.setattr(story_module, "_TERMS_BLOCK", read)
    words = [f"w{i}" for i in range(12)]
    doc = st.builds(
        lambda counts, names, title: TermCounts(
            counts=counts, names=frozenset(names) & counts.keys(), title=frozenset(title)
        ),
        st.dictionaries(st.sampled_from(words), st.integers(1, 10**6), max_size=10),
        st.sets(st.sampled_from(words)),
        st.sets(st.sampled_from(words)),
    )
    docs = data.draw(st.lists(doc, max_size=6))
    others = data.draw(st.lists(doc, max_size=3))
    given = data.draw(st.sampled_from([docs, others, None]))
    stats = term_stats(docs if given is None else given)
    config = StoryConfig(
        name_weight=data.draw(st.sampled_from([1.0, 1.5, 2.0])),
        title_weight=data.draw(st.sampled_from([1.0, 1.3])),
    )
    got = weighed_vectors(docs, None if given is None else stats, config)
    want = term_vectors([weigh(d, stats, config) for d in docs])
    assert got.terms == want.terms
    assert got.matrix.shape == want.matrix.shape
    assert got.matrix.indptr.tolist() == want.matrix.indptr.tolist()
    assert got.matrix.indices.tolist() == want.matrix.indices.tolist()
    assert got.matrix.data.tolist() == want.matrix.data.tolist()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


class TestParseDate:
    @pytest.mark.parametrize(
        ("text", "iso"),
        [
            ("date 2023-10-21 MOSCOW --", "2023-10-21"),
            ("PUBLISHED : MONDAY , MARCH 11 , 2013 , 10 : 34 PM", "2013-03-11"),
            ("18 October 2023 - 17:27", "2023-10-18"),
            ("on Sept. 7th, 2023 the ship", "2023-09-07"),
            ("2024-03-04T12:00:00Z", "2024-03-04"),  # RFC 3339: feeds, WARC-Date
            ("2024-03-04T12:00:00.000+01:00", "2024-03-04"),
        ],
    )
    def test_full_dates_in_text(self, text, iso):
        """ISO, month-day-year and day-month-year dates are read, loose separators too."""
        import datetime as dt

        assert parse_date(text) == dt.date.fromisoformat(iso).toordinal()

    def test_partial_or_impossible_dates_are_none(self):
        """A year alone, a month without a year, or 31 February give no date."""
        assert parse_date("the 2004 tsunami") is None
        assert parse_date("on Sept 13 they met") is None
        assert parse_date("February 31, 2020") is None
        assert parse_date("code 2024-03-041") is None


class TestParseFieldDate:
    @pytest.mark.parametrize(
        ("value", "iso"),
        [
            ("26-FEB-1987 15:01:01.79", "1987-02-26"),  # Reuters-21578's own DATE field
            ("Tue, 03 Mar 2009 10:00:00 GMT", "2009-03-03"),  # RFC 2822: feeds, e-mail
            ("2009/09/01", "2009-09-01"),
            ("2009.09.01", "2009-09-01"),
            ("20090901", "2009-09-01"),
            ("25/12/2009", "2009-12-25"),
            ("12/25/2009", "2009-12-25"),
            ("1236038400", "2009-03-03"),  # Unix seconds
            ("1236038400000", "2009-03-03"),  # milliseconds
            ("March 3, 2009", "2009-03-03"),
            # QA 12c: read since 2026-11-25.
            ("2009-3-3", "2009-03-03"),
            ("03/03/2009", "2009-03-03"),  # day and month one: no mistaking them
            ("03.03.2009", "2009-03-03"),
            ("1236038400000.0", "2009-03-03"),  # milliseconds written as a JSON float
        ],
    )
    def test_the_forms_date_fields_use(self, value, iso):
        """QA 11a: only ISO and month-name dates were read; Reuters' `26-FEB-1987` and the
        rest counted as undated without a word, so the 180-day rule never applied."""
        import datetime as dt

        assert parse_field_date(value) == dt.date.fromisoformat(iso).toordinal()

    @pytest.mark.parametrize(
        "value", ["09/01/2009", "garbage", "", "2009", "13/13/2009", "2009/3-3", "26-Feb-87"]
    )
    def test_ambiguous_or_unreadable_is_none(self, value):
        """09/01/2009 is 9 January or 1 September: no date rather than a wrong one."""
        assert parse_field_date(value) is None

    def test_unreadable_date_fields_are_one_warning(self):
        """Reports a year apart with Reuters-style dates are two stories; a date field that
        cannot be read is named in one warning (how many, the first), not skipped unseen."""
        dated = [
            art("a.txt", QUAKE_A, date="02-JUL-2012 10:00:00.00"),
            art("b.txt", QUAKE_B, date="02-JUL-2013 10:00:00.00"),
        ]
        assert find_stories(dated) == ()
        unread = [replace(a, date="soon") for a in dated]
        result = find_duplicates(unread, level="story")
        (warning,) = result.warnings
        assert warning.source == "a.txt"
        assert warning.problem.startswith("2 articles' date fields could not be read")
        assert "'soon'" in warning.problem


class TestStoryGraph:
    """The stages of the story graph on arrays: candidates, scores, neighbourhoods,
    average-link and labels, each held to a plain one-by-one form."""

    def test_one_generic_article_does_not_chain_two_groups(self):
        """Node 6 is close to both groups; components would merge them, average-link does not."""
        edges = {(0, 1): 0.9, (0, 2): 0.9, (1, 2): 0.9, (3, 4): 0.9, (3, 5): 0.9, (4, 5): 0.9}
        edges |= {(2, 6): 0.8, (3, 6): 0.8}
        groups = average_link(7, edges, 0.3)
        assert [0, 1, 2] in [g[:3] for g in groups]
        assert not any({0, 3} <= set(g) for g in groups)

    def test_together_groups_stay_whole(self):
        """Groups given as `together` start merged, whatever their edges."""
        groups = average_link(4, {(0, 1): 0.9}, 0.5, together=[[2, 3]])
        assert groups == [[0, 1], [2, 3]]

    def test_pairs_dated_apart_count_against_a_merge(self):
        """1 resembles 0 and 2, which are dated a year apart: without dates, one group."""
        edges = {(0, 1): 0.9, (1, 2): 0.9}
        dates = [0, None, 365]
        assert average_link(3, edges, 0.25) == [[0, 1, 2]]
        assert average_link(3, edges, 0.25, dates=dates, max_days=180) == [[0, 1], [2]]
        assert average_link(3, edges, 0.25, dates=dates, max_days=400) == [[0, 1, 2]]
        off = average_link(3, edges, 0.25, dates=dates, max_days=180, penalty=0.0)
        assert off == [[0, 1, 2]]
        # Half a penalty: (1 - 0.5) / 2 still reaches 0.25.
        half = average_link(
            3, {(0, 1): 1.0, (0, 2): 1.0}, 0.25, dates=[None, 0, 365], max_days=180, penalty=0.5
        )
        assert half == [[0, 1, 2]]

    def test_candidates_that_share_no_term_are_not_scored(self, monkeypatch):
        """A candidate pair whose vectors share no term (an LSH hash collision) has no
        direct score and stays out of the graph's pairs; the others stay, in order."""
        articles = [art("q1", QUAKE_A), art("q2", QUAKE_B), art("r", RECIPE)]
        docs = story_docs(articles, DedupConfig())
        every = np.array([[0, 1], [0, 2], [1, 2]], dtype=np.int64)
        monkeypatch.setattr(story_module, "story_candidates", lambda *args: every)
        graph = score_graph(docs, StoryConfig())
        assert graph.candidates == 3
        assert graph.pairs.tolist() == [[0, 1]]
        assert graph.direct.tolist()[0] > 0.0

    def test_candidates_name_rows_as_given_when_some_have_no_terms(self):
        """Rows without a term take no part in LSH; the pairs still name the rows by their
        place among all the vectors given."""
        vectors = [{}, {"quake": 0.8, "turkey": 0.6}, {}, {"quake": 0.8, "turkey": 0.6}]
        assert story_candidates(vectors, StoryConfig()).tolist() == [[1, 3]]

    def test_candidates_dated_apart_are_never_gathered(self):
        """LSH pairs of two dated articles more than max_days apart are dropped; a pair with
        an undated article, or dated closer, stays."""
        vectors = [{"quake": 0.8, "turkey": 0.6}] * 3 + [{"quake": 1.0}]
        config = StoryConfig(max_days=30)
        assert story_candidates(vectors, config).tolist() == [
            [0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]
        ]  # fmt: skip
        dated = story_candidates(vectors, config, [0, 30, 31, None]).tolist()
        assert dated == [[0, 1], [0, 3], [1, 2], [1, 3], [2, 3]]

    @given(
        vectors=st.lists(
            st.dictionaries(
                st.sampled_from([f"t{n}" for n in range(12)]),
                st.sampled_from([0.1, 0.2, 0.3]),  # few weights: many ties
                max_size=10,
            ),
            max_size=8,
        ),
        k=st.integers(1, 6),
        block=st.sampled_from([1, 7, 1 << 22]),
    )
    @settings(max_examples=200, deadline=None)
    def test_salient_sets_are_each_vectors_heaviest_terms(
        self, vectors, k, block, monkeypatch_module
    ):
        """The candidates' term sets, found for many rows at once (in blocks of whole rows),
        are each vector's k heaviest terms, ties to the lower term, as `salient_terms` picks
        them one by one."""
        monkeypatch_module.setattr(story_module, "_SALIENT_BLOCK", block)
        got = _salient_sets(term_vectors(vectors), k)
        want = [np.unique(token_hashes(salient_terms(v, k))) for v in vectors]
        assert [g.tolist() for g in got] == [w.tolist() for w in want]

    @given(
        vectors=st.lists(
            st.dictionaries(
                st.sampled_from([f"t{n}" for n in range(10)]),
                st.sampled_from([0.1, 0.2, 0.3, 0.7]),  # sums that depend on their order
                max_size=8,
            ),
            min_size=1,
            max_size=12,
        ),
        data=st.data(),
        k=st.integers(1, 6),
        block=st.sampled_from([1, 8, 1 << 21]),
    )
    @settings(max_examples=200, deadline=None)
    def test_heaviest_columns_sum_as_a_dict_updated_member_by_member(
        self, vectors, data, k, block, monkeypatch_module
    ):
        """Each group's k heaviest columns, summed for all groups at once (in blocks), are
        what adding its members' rows into a dict one after another gives: the same float
        sums, heaviest first, ties to the lower column."""
        monkeypatch_module.setattr(story_module, "_HEAVY_BLOCK", block)
        rows = term_vectors(vectors)
        n = len(vectors)
        groups = data.draw(
            st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=5, unique=True))
        )
        want = []
        for group in groups:
            total = {}
            for i in group:
                for c, w in zip(*rows.row(i), strict=True):
                    total[c] = total.get(c, 0.0) + w
            want.append([c for c, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:k]])
        assert heaviest_columns(rows.matrix, groups, k) == want

    @given(
        vectors=st.lists(
            st.dictionaries(
                st.sampled_from([f"t{n}" for n in range(8)]),
                st.floats(1e-3, 1.0),
                max_size=6,
            ),
            min_size=1,
            max_size=8,
        ),
        data=st.data(),
        block=st.sampled_from([1, 3, 1 << 16]),
    )
    @settings(max_examples=200, deadline=None)
    def test_row_cosines_are_the_cosines_of_the_rows(
        self, vectors, data, block, monkeypatch_module
    ):
        """Cosines of many row pairs at once (in blocks) are `cosine` of the rows as dicts,
        to the bit, rows without a shared term included."""
        monkeypatch_module.setattr(dots_module, "_PAIR_BATCH", block)
        rows = term_vectors(vectors)
        index = st.integers(0, len(vectors) - 1)
        pairs = data.draw(st.lists(st.tuples(index, index), max_size=10))
        want = [cosine(rows[i], rows[j]) for i, j in pairs]
        assert row_cosines(rows.matrix, pairs) == want

    @given(
        data=st.data(),
        n=st.integers(1, 9),
        neighbours=st.integers(1, 4),
    )
    @settings(max_examples=200, deadline=None)
    def test_neighbourhoods_are_each_rows_nearest_as_sorted_by_hand(self, data, n, neighbours):
        """Each row is itself and its nearest neighbours by a plain sort (similarity
        descending, ties to the lower index; all the strong ones), normalised: the same
        floats as the arrays give."""
        possible = [(i, j) for i in range(n) for j in range(i + 1, n)]
        chosen = sorted(data.draw(st.sets(st.sampled_from(possible))) if possible else [])
        direct = data.draw(
            st.lists(
                st.sampled_from([0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9]),
                min_size=len(chosen),
                max_size=len(chosen),
            )
        )
        config = replace(StoryConfig(), neighbours=neighbours)
        pairs = np.array(chosen, dtype=np.int64).reshape(-1, 2)
        got = neighbourhoods(n, pairs, np.array(direct, dtype=np.float64), config)
        near: dict[int, list[tuple[float, int]]] = {}
        for (i, j), d in zip(chosen, direct, strict=True):
            if d >= config.neighbour_floor:
                near.setdefault(i, []).append((d, j))
                near.setdefault(j, []).append((d, i))
        for i in range(n):
            ranked = sorted(near.get(i, []), key=lambda t: (-t[0], t[1]))
            strong = sum(1 for d, _ in ranked if d >= config.strong_neighbour)
            keep = max(config.neighbours, min(strong, story_module._MAX_NEIGHBOURS))
            row = {i: 1.0, **{j: d for d, j in ranked[:keep]}}
            norm = math.sqrt(math.fsum(v * v for v in row.values()))
            lo, hi = got.indptr[i], got.indptr[i + 1]
            assert dict(
                zip(got.indices[lo:hi].tolist(), got.data[lo:hi].tolist(), strict=True)
            ) == {c: v / norm for c, v in row.items()}

    @given(data=st.data(), n=st.integers(2, 9), neighbours=st.integers(1, 4))
    @settings(max_examples=200, deadline=None)
    def test_shared_neighbours_are_the_third_articles_both_rows_hold(self, data, n, neighbours):
        """The count for (i, j) is the articles other than i and j in both rows, as a plain
        set intersection gives it."""
        possible = [(i, j) for i in range(n) for j in range(i + 1, n)]
        chosen = sorted(data.draw(st.sets(st.sampled_from(possible))))
        direct = [data.draw(st.sampled_from([0.01, 0.1, 0.3, 0.6, 0.9])) for _ in chosen]
        config = replace(StoryConfig(), neighbours=neighbours)
        pairs = np.array(chosen, dtype=np.int64).reshape(-1, 2)
        rows = neighbourhoods(n, pairs, np.array(direct, dtype=np.float64), config)
        held = [set(rows.indices[rows.indptr[i] : rows.indptr[i + 1]].tolist()) for i in range(n)]
        want = [len((held[i] & held[j]) - {i, j}) for i, j in possible]
        asked = np.array(possible, dtype=np.int64)
        assert shared_neighbours(rows, asked).tolist() == want

    def test_two_articles_with_no_neighbour_in_common_are_scored_by_their_cosine(self):
        """Two briefs of one kind (two companies build plants) at term cosine 0.19, with no
        other neighbour: each neighbourhood holds itself at weight 1, so their neighbourhood
        agreement was 2c / (1 + c^2) = 0.37 and they made a story. With no neighbour in
        common the score is the cosine, and they stay apart."""
        articles = [art("a", PLANT_A), art("b", PLANT_B)]
        articles += [art(f"x{k}", text) for k, text in enumerate(ELSEWHERE)]
        graph = score_graph(story_docs(articles, DedupConfig()), StoryConfig())
        (c,) = graph.direct.tolist()
        assert 0.13 < c < StoryConfig().threshold
        assert graph.shared[(0, 1)] == 0
        assert graph.edges[(0, 1)] == c  # no year or figure on either side: factor 1
        assert find_stories(articles) == ()

    def test_the_story_representative_is_its_most_central_member(self):
        """The member closest to the sum of the story's vectors, not the longest text (an
        outlier the story took in last, QA 12c); ties to the longer text."""
        rows = term_vectors(
            [
                {"quake": 0.8, "aceh": 0.6},
                {"quake": 0.6, "aceh": 0.8},
                {"quake": 0.7071, "aceh": 0.7071},
                {"tsunami": 1.0},
            ]
        )
        central = story_module._centrality([[0, 1, 2, 3]], rows.matrix)
        assert max(central, key=central.__getitem__) == 2
        assert min(central, key=central.__getitem__) == 3

    def test_a_copy_never_represents_its_story_in_its_clusters_place(self):
        """On seeds the story's representative is 001, the copy cluster's representative:
        000, its copy, is as central, but a deduplicated corpus drops it; 002, the longest
        text, was the representative before."""
        result = find_duplicates(load_corpus([SEEDS]).articles, level="both")
        (story,) = result.stories
        assert story.representative == "001_23e261e2bfe35961.txt"
        assert result.clusters[0].representative == story.representative

    def test_heaviest_columns_add_members_in_group_order(self):
        """Sums are made member after member, in the group's order: (0.1 + 0.2) + 0.3 is a
        hair above 0.6, so "y" outweighs "x" (0.3 + 0.3); added the other way round the two
        would tie and "x", the lower term, would come first."""
        rows = term_vectors([{"x": 0.3, "y": 0.1}, {"x": 0.3, "y": 0.2}, {"y": 0.3}])
        y, x = rows.terms.index("y"), rows.terms.index("x")
        assert heaviest_columns(rows.matrix, [[0, 1, 2]], 2) == [[y, x]]
        assert heaviest_columns(rows.matrix, [[2, 1, 0]], 2) == [[x, y]]

    def test_salient_sets_read_rows_whose_columns_are_out_of_order(self):
        """A TermVectors built on a matrix whose rows list their columns out of order (the
        class takes any CSR matrix) gives the sets of the same matrix in order, ties too."""
        from scipy import sparse

        data = np.array([0.2, 0.5, 0.2, 0.2, 0.9])
        indices = np.array([3, 0, 1, 2, 0])
        indptr = np.array([0, 4, 5])
        shuffled = sparse.csr_matrix((data, indices, indptr), shape=(2, 4))
        shuffled.has_sorted_indices = False
        terms = ["a", "b", "c", "d"]
        ordered = shuffled.sorted_indices()
        got = _salient_sets(TermVectors(shuffled, terms), 2)
        want = _salient_sets(TermVectors(ordered, terms), 2)
        assert [g.tolist() for g in got] == [w.tolist() for w in want]
        assert got[0].tolist() == sorted(token_hashes(["a", "b"]).tolist())

    def test_term_vectors_give_each_row_back(self):
        """Rows come back as the dicts they were made from, by index, negative or sliced."""
        vectors = [{"quake": 0.8, "aceh": 0.6}, {}, {"zinc": 1.0}]
        rows = term_vectors(vectors)
        assert len(rows) == 3
        assert list(rows) == vectors
        assert rows[-1] == {"zinc": 1.0}
        assert rows[0:2] == vectors[0:2]
        with pytest.raises(IndexError):
            rows[3]

    def test_dated_apart_pairs_are_counted_exactly(self):
        """Pairs exactly max_days apart are not apart; undated members never are."""
        dates = [0, 100, 200, None, 50]
        assert dated_apart_pairs([0], [1, 2], dates, 100) == 1
        assert dated_apart_pairs([1, 2], [0], dates, 100) == 1
        assert dated_apart_pairs([0, 3], [2, 3], dates, 100) == 1
        assert dated_apart_pairs([0, 4], [1, 2], dates, 99) == 3
        assert dated_apart_pairs([0, 4], [1, 2], dates, 200) == 0
        assert dated_apart_pairs([3], [0, 2], dates, 0) == 0

    @settings(max_examples=500, deadline=None)
    @given(data=st.data())
    def test_pairs_dated_apart_counted_lazily_match_negative_edges(self, data):
        """Counting pairs dated apart only when a merge comes up gives the groups that
        negative edges for every such pair give (weights in eighths: no rounding between
        the two sums)."""
        n = data.draw(st.integers(2, 7))
        pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1])
        pairs = data.draw(st.lists(pair, unique=True, max_size=2 * n))
        weights = data.draw(st.lists(st.integers(1, 8), min_size=len(pairs), max_size=len(pairs)))
        # Days 50 apart: some pairs exactly max_days (100) apart, which are not apart.
        day = st.one_of(st.none(), st.integers(0, 4).map(lambda k: 50 * k))
        dates = data.draw(st.lists(day, min_size=n, max_size=n))
        apart = {
            (i, j)
            for i in range(n)
            for j in range(i + 1, n)
            if dates[i] is not None and dates[j] is not None and abs(dates[i] - dates[j]) > 100
        }
        edges = {p: w / 8 for p, w in zip(pairs, weights, strict=True) if p not in apart}
        penalty = data.draw(st.sampled_from([0.5, 1.0, 2.0]))
        together = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=3))
        groups = [together] if len(together) > 1 else []
        eager = average_link(n, edges | {p: -penalty for p in apart}, 0.25, together=groups)
        lazy = average_link(
            n, edges, 0.25, together=groups, dates=dates, max_days=100, penalty=penalty
        )
        assert lazy == eager

    @settings(max_examples=300, deadline=None)
    @given(data=st.data())
    def test_average_link_merges_as_recomputing_every_mean_does(self, data):
        """Against a naive average-link that recomputes each pair of groups' mean over all
        cross pairs at every step (groups of `together` included, so sizes vary), with the
        same tie-break: the highest mean, then the lowest group ids (a merged group takes the
        next id). Weights in 64ths keep every sum exact."""
        n = data.draw(st.integers(2, 8))
        every = [(i, j) for i in range(n) for j in range(i + 1, n)]
        pairs = data.draw(st.lists(st.sampled_from(every), unique=True))
        edges = {p: data.draw(st.integers(1, 64)) / 64 for p in pairs}
        together = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=4))
        threshold = data.draw(st.sampled_from([0.1, 0.25, 0.5]))
        groups = {i: [i] for i in range(n)}
        if len(together) > 1:
            for i in together:
                del groups[i]
            groups[min(together)] = sorted(together)
        next_id = n
        while True:
            best = None
            for a in sorted(groups):
                for b in sorted(groups):
                    if a < b:
                        total = sum(
                            edges.get((min(i, j), max(i, j)), 0.0)
                            for i in groups[a]
                            for j in groups[b]
                        )
                        mean = total / (len(groups[a]) * len(groups[b]))
                        if mean >= threshold and (best is None or (-mean, a, b) < best):
                            best = (-mean, a, b)
            if best is None:
                break
            _, a, b = best
            groups[next_id] = sorted(groups.pop(a) + groups.pop(b))
            next_id += 1
        expected = sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
        together_groups = [together] if len(together) > 1 else []
        assert average_link(n, edges, threshold, together=together_groups) == expected

    @settings(max_examples=200, deadline=None)
    @given(data=st.data())
    def test_edges_over_arrays_read_as_the_dict_of_them(self, data):
        """Edges on two arrays answer lookups, iteration and average-link as the dict of the
        same pairs (in pair order) does; pairs they lack are missing, not 0."""
        n = data.draw(st.integers(2, 7))
        every = [(i, j) for i in range(n) for j in range(i + 1, n)]
        pairs = sorted(data.draw(st.lists(st.sampled_from(every), unique=True)))
        scores = data.draw(st.lists(st.floats(0.0, 1.0), min_size=len(pairs), max_size=len(pairs)))
        mapping = dict(zip(pairs, scores, strict=True))
        edges = Edges(
            n, np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(scores, dtype=np.float64)
        )
        assert dict(edges) == mapping
        assert list(edges.items()) == list(mapping.items())
        for i in range(n):
            for j in range(n):
                assert edges.get((i, j)) == mapping.get((i, j))
        assert (n, n + 1) not in edges
        threshold = data.draw(st.sampled_from([0.1, 0.25, 0.5]))
        assert average_link(n, edges, threshold) == average_link(n, mapping, threshold)

    def test_below_threshold_nothing_merges(self):
        """Edges weaker than the threshold leave singletons."""
        assert average_link(3, {(0, 1): 0.1}, 0.5) == [[0], [1], [2]]


def _story_of_three(brief: str) -> Cluster:
    """Return the one story that three wordings of `brief` make among unrelated articles."""
    articles = [
        art(f"b{k}.txt", brief.replace("said", ["said", "reported", "noted"][k])) for k in range(3)
    ]
    articles += [art(f"x{k}.txt", text) for k, text in enumerate(ELSEWHERE)]
    (story,) = find_duplicates(articles, level="both").stories
    return story


class TestFindStories:
    def test_seeds_are_one_story_of_five(self):
        """All five seeds report Lavrov's visit to Pyongyang: one story."""
        stories = find_stories(load_corpus([SEEDS]).articles)
        assert groups_of(stories) == [SEED_IDS]
        assert stories[0].label is not None
        assert "North Korea" in stories[0].label

    def test_same_event_together_other_event_and_recipe_apart(self):
        """Two reports of one quake are a story; another quake and a recipe are not in it."""
        articles = [
            art("a.txt", QUAKE_A),
            art("b.txt", QUAKE_B),
            art("c.txt", QUAKE_OTHER),
            art("d.txt", RECIPE),
        ]
        assert groups_of(find_stories(articles)) == [["a.txt", "b.txt"]]

    def test_dates_far_apart_split_one_kind_of_event(self):
        """The same report dated a year apart is two events: never one story."""
        articles = [
            art("a.txt", QUAKE_A, date="2012-07-02"),
            art("b.txt", QUAKE_B, date="2013-07-02"),
        ]
        assert find_stories(articles) == ()
        near = [art("a.txt", QUAKE_A, date="2013-07-02"), art("b.txt", QUAKE_B, "2013-07-03")]
        assert groups_of(find_stories(near)) == [["a.txt", "b.txt"]]

    def test_a_copy_dated_later_keeps_its_article_in_the_story(self):
        """QA 11a: a re-post of a report dated two years later (a crawl date) counted as a
        report of a later event, and pulled the report out of its story. Copies take the
        date most of them have, else none."""
        articles = [
            art("a.txt", QUAKE_A, date="2013-07-02"),
            art("b.txt", QUAKE_B, date="2013-07-03"),
            art("c.txt", QUAKE_A, date="2015-07-02"),  # a.txt again, fetched later
        ]
        result = find_duplicates(articles, level="both")
        assert [sorted(m.id for m in c.members) for c in result.clusters] == [["a.txt", "c.txt"]]
        assert [sorted(m.id for m in s.members) for s in result.stories] == [
            ["a.txt", "b.txt", "c.txt"]
        ]

    @pytest.mark.parametrize("wrong", ["1970-01-01", "2000-01-01", "2011-01-01"])
    def test_a_copy_dated_wrongly_early_keeps_its_article_in_the_story(self, wrong):
        """QA 19a #1: copies took their earliest date, so a copy with an epoch or CMS
        default date moved its correctly dated original out of its story."""
        articles = [
            art("a.txt", QUAKE_A, date="2013-07-02"),
            art("b.txt", QUAKE_B, date="2013-07-03"),
            art("c.txt", QUAKE_A, date=wrong),  # a.txt again, with a wrong date
        ]
        result = find_duplicates(articles, level="both")
        assert [sorted(m.id for m in s.members) for s in result.stories] == [
            ["a.txt", "b.txt", "c.txt"]
        ]

    def test_copies_dated_mostly_alike_keep_the_date_most_have(self):
        """Three copies, two of them dated a year before the third report: the copies are
        a year-old report, not one of this year's event."""
        articles = [
            art("a.txt", QUAKE_A, date="2012-07-02"),
            art("c.txt", QUAKE_A, date="2012-07-03"),
            art("d.txt", QUAKE_A, date="2013-07-03"),
            art("b.txt", QUAKE_B, date="2013-07-02"),
        ]
        result = find_duplicates(articles, level="both")
        stories = [sorted(m.id for m in s.members) for s in result.stories]
        assert stories == [["a.txt", "c.txt", "d.txt"]]  # the copies alone, without b.txt

    def test_a_date_the_lede_recalls_does_not_date_the_report(self):
        """QA 19a #4: "... revived memories of the August 17, 1999 Izmit disaster" in a
        lede dated the report 1999, and parted it from the other reports of its 2024 quake."""
        recalled = QUAKE_B.replace(
            "slept outside", "who remember the December 26, 2004 tsunami slept outside", 1
        )
        assert recalled != QUAKE_B
        articles = [
            art("a.txt", QUAKE_A, date="2013-07-02"),
            art("b.txt", recalled),
            art("c.txt", QUAKE_A.replace("quake", "earthquake", 1), date="2013-07-03"),
        ]
        stories = groups_of(find_stories(articles))
        assert stories == [["a.txt", "b.txt", "c.txt"]]
        dated = [art("b.txt", QUAKE_B.replace("slept outside", "slept outside on July 2, 2013"))]
        assert groups_of(find_stories([articles[0], *dated, articles[2]])) == stories

    def test_an_undated_report_does_not_bridge_dates_far_apart(self):
        """An undated report like both does not put two reports a year apart in one story."""
        articles = [
            art("a.txt", QUAKE_A, date="2012-07-02"),
            art("b.txt", QUAKE_B),
            art("c.txt", QUAKE_B.replace("quake", "earthquake", 1), date="2013-07-02"),
        ]
        stories = groups_of(find_stories(articles))
        assert stories == [["b.txt", "c.txt"]]
        undated = [replace(a, date=None) for a in articles]
        assert groups_of(find_stories(undated)) == [["a.txt", "b.txt", "c.txt"]]

    @pytest.mark.parametrize("bad", [-0.5, 4.5])
    def test_dated_apart_outside_its_range_is_a_config_error(self, bad):
        with pytest.raises(ConfigError, match="dated_apart"):
            StoryConfig(dated_apart=bad)

    def test_progress_hears_every_story_stage_through_to_its_end(self):
        """The story stages report progress, each ending done (a long run never looks hung)."""
        heard: dict[str, list[tuple[int, int]]] = {}
        find_duplicates(
            load_corpus([SEEDS]).articles,
            level="both",
            progress=lambda stage, done, total: heard.setdefault(stage, []).append((done, total)),
        )
        stages = ["story terms", "story pairs", "story scores", "story neighbourhoods"]
        stages += ["story groups", "story labels"]
        assert set(stages) <= set(heard)
        for stage in stages:
            dones = [done for done, _ in heard[stage]]
            assert dones == sorted(dones)
            assert heard[stage][-1][0] == heard[stage][-1][1]

    def test_input_order_does_not_matter(self):
        """Shuffled input gives the identical stories."""
        articles = [
            *list(load_corpus([SEEDS]).articles),
            art("q1.txt", QUAKE_A),
            art("q2.txt", QUAKE_B),
            art("r.txt", RECIPE),
        ]
        expected = find_stories(articles)
        shuffled = articles[:]
        random.Random(7).shuffle(shuffled)
        assert find_stories(shuffled) == expected

    def test_copy_clusters_are_kept_inside_one_story(self):
        """At level both, each copy cluster's members share one story id."""
        result = find_duplicates(load_corpus([SEEDS]).articles, level="both")
        assert [len(c.members) for c in result.clusters] == [2]
        assert result.clusters[0].story == 1
        assert groups_of(result.stories) == [SEED_IDS]

    def test_add_stories_later_equals_scanning_at_level_both(self):
        """Stories added to a copy scan afterwards equal a scan at level both."""
        articles = load_corpus([SEEDS]).articles
        later = add_stories(find_duplicates(articles), articles, level="both")
        assert later == find_duplicates(articles, level="both")

    def test_unknown_level_is_a_config_error(self):
        """add_stories names the levels it knows."""
        result = find_duplicates(load_corpus([SEEDS]).articles)
        with pytest.raises(ConfigError, match="copy, story, both"):
            add_stories(result, load_corpus([SEEDS]).articles, level="words")

    def test_a_label_names_words_not_figures_but_years(self):
        """QA 12c: 31% of Reuters labels held a bare figure ("33.1 · 8,871,000 · 5,156,000"):
        figures weigh much in briefs of tables. A year still names an event."""
        brief = (
            "Grain stocks at 8,871,000 tonnes\n"
            "Wheat stocks in Saskatoon stood at 8,871,000 tonnes, barley 5,156,000 tonnes and "
            "oats 113,000 tonnes at the end of 1986, the Canadian Wheat Board said, up 33.1 pct."
        )
        words = _story_of_three(brief).label.replace(" · ", " ").split()
        figures = [w for w in words if re.fullmatch(r"[\d.,]+", w)]
        assert words
        assert figures in ([], ["1986"])  # was "113,000 tonnes · Wheat Board ..."

    def test_a_label_spells_a_place_name_whole(self):
        """QA 12c #7: "New" is a stop word, so labels read "York" for New York. A name after
        "New" or "St" is spelled with it, as the articles write it."""
        brief = (
            "Subway fire closes lines in New York\n"
            "A fire in a New York subway tunnel closed three lines on Tuesday, the Metropolitan "
            "Transportation Authority said. Commuters from Brooklyn crowded the New York buses."
        )
        story = _story_of_three(brief)
        phrases = story.label.split(" · ")
        assert any(p.startswith("New York") for p in phrases), story.label
        assert "York" not in phrases

    def test_label_does_not_repeat_a_term_in_another_form(self):
        """'Russian' is not shown after 'Russia', nor 'Dem' after 'Lib Dems'."""
        assert _echoes("Russian", "Russia")
        assert _echoes("Dem", "Lib Dems")
        assert not _echoes("Pyongyang", "North Korea")

    def test_label_phrases_are_names_or_repeated_pairs_without_a_trailing_possessive(self):
        """Labels read 'Fiat outright' (one 'buy Fiat outright'), 'cartel Opec' and
        'Presley's'. A pair side by side once is a phrase only for two names; a phrase's end
        drops "'s" when the story also writes the bare name, not inside a phrase or for a
        name never written bare ('McDonald's')."""
        from collections import Counter

        ranked = ["fiat", "outright", "presley", "ocean", "eleven", "mcdonald", "partizan"]
        ranked += ["belgrade"]
        counts = dict.fromkeys(ranked, 1) | {"fiat": 9, "presley": 6, "ocean": 3, "eleven": 3}
        pairs = {("fiat", "outright"): 1, ("ocean", "eleven"): 3, ("partizan", "belgrade"): 1}
        surface = {
            "fiat": Counter({"Fiat": 3}),
            "outright": Counter({"outright": 1}),
            "presley": Counter({"Presley's": 3, "Presley": 2}),
            "ocean": Counter({"Ocean's": 2}),
            "eleven": Counter({"Eleven": 2}),
            "mcdonald": Counter({"McDonald's": 2}),
            "partizan": Counter({"Partizan": 1}),
            "belgrade": Counter({"Belgrade": 1}),
        }
        label = label_phrases(ranked, counts, pairs, surface, terms=8)
        assert label.split(" · ") == [
            "Fiat",
            "outright",
            "Presley",
            "Ocean's Eleven",
            "McDonald's",
            "Partizan Belgrade",
        ]

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.integers(0, 8), min_size=1, max_size=9, unique=True))
    def test_label_reads_only_the_ranked_terms_yet_equals_the_full_count(self, picked):
        """The label counts spellings and neighbours of its ranked terms alone; it must say
        what counting every term of every member says."""
        articles = [*load_corpus([SEEDS]).articles]
        articles += [art("q1", QUAKE_A), art("q2", QUAKE_B), art("q3", QUAKE_OTHER)]
        articles += [art("r", RECIPE)]
        docs = story_docs(articles, DedupConfig())
        graph = score_graph(docs, StoryConfig())
        assert story_label(picked, docs, graph) == _label_from_all_terms(picked, docs, graph)

    def test_bad_story_config_is_a_config_error(self):
        """Out-of-range story settings raise ConfigError naming the setting."""
        with pytest.raises(ConfigError, match="threshold"):
            StoryConfig(threshold=0.0)
        with pytest.raises(ConfigError, match="neighbours"):
            DedupConfig(story=StoryConfig(neighbours=0))


class TestStorySimilarity:
    def test_same_event_scores_above_other_event(self):
        """Two reports of one quake are closer than a report of another quake."""
        stats = corpus_stats([QUAKE_A, QUAKE_B, QUAKE_OTHER, RECIPE])
        same = story_similarity(QUAKE_A, QUAKE_B, stats=stats)
        other = story_similarity(QUAKE_A, QUAKE_OTHER, stats=stats)
        assert same > other > story_similarity(QUAKE_A, RECIPE, stats=stats)

    def test_symmetric_bounded_and_total(self):
        """The score is symmetric, lies in [0, 1], and empty text scores 0."""
        ab = story_similarity(QUAKE_A, QUAKE_B)
        assert ab == story_similarity(QUAKE_B, QUAKE_A)
        assert 0.0 <= ab <= 1.0
        assert story_similarity(QUAKE_A, QUAKE_A) == pytest.approx(1.0)
        assert story_similarity("", QUAKE_A) == 0.0


class TestStorySimilarityProperties:
    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=300), st.text(max_size=300))
    def test_symmetric_and_in_unit_interval(self, a, b):
        """For any two texts, the score is symmetric and lies in [0, 1]."""
        ab = story_similarity(a, b)
        assert ab == story_similarity(b, a)
        assert 0.0 <= ab <= 1.0


# ---- quality on labelled data (skipped when ../shared/data is absent) ---------------------------

DATA_DIR = Path(os.environ.get("NEWSDEDUP_DATA", DATA))
BENCH = Path(__file__).resolve().parents[1] / "bench"


def _eval_module() -> ModuleType:
    return load_bench("eval_stories")


@pytest.mark.data
class TestQualityOnData:
    def test_ecb_plus_b_cubed_floor_and_margin_over_baseline(self):
        """ECB+: B-cubed F1 at the floor, clearly above TF-IDF + components, and few articles
        in a story of the other event of their topic."""
        ev = _eval_module()
        if not (DATA_DIR / ev.ECB_DIR).is_dir():
            pytest.skip("ECB+ data absent")
        articles = ev.load_ecb(DATA_DIR)
        ids = [a["id"] for a in articles]
        truth = [ev.ecb_story(i) for i in ids]
        groups = ev.newsdedup_group(articles)
        ours = ev.score_labels(ids, truth, groups)
        base = ev.score_labels(ids, truth, ev.tfidf_group(0.3)(articles))
        assert ours["f1"] >= ECB_F1_FLOOR, ours
        assert ours["f1"] >= base["f1"] + ECB_MARGIN_OVER_BASELINE, (ours, base)
        mixing = ev.event_mixing(groups)
        assert mixing["mixed"] <= ECB_MIXED_TOPICS_MAX, mixing
        assert mixing["mixed_soft"] <= ECB_MIXED_SOFT_MAX, mixing
        assert mixing["minority_articles"] <= ECB_MINORITY_ARTICLES_MAX, mixing
        assert mixing["cross_topic"] == 0, mixing

    def test_semeval_spearman_floor(self):
        """story_similarity ranks SemEval English pairs like the human 'Overall' score."""
        ev = _eval_module()
        if not (DATA_DIR / ev.SEMEVAL_DIR).is_dir():
            pytest.skip("SemEval data absent")
        got = ev.score_similarity(story_similarity, DATA_DIR)
        assert got["rho"] >= SEMEVAL_RHO_FLOOR, got


def _label_from_all_terms(group, docs, graph, terms=5):
    """story_label's terms as first gathered: counts, spellings and pairs of every term of
    every member summed, then the same phrasing."""
    from collections import Counter

    total, surface = {}, {}
    counts, pairs = Counter(), Counter()
    for i in group:
        doc = docs[i].terms
        wording = doc.wording()
        counts.update(doc.counts)
        pairs.update(wording.pairs)
        for t, w in graph.vectors[i].items():
            total[t] = total.get(t, 0.0) + w
            surface.setdefault(t, Counter())[wording.spelling(t)] += 1
    ranked = [t for t, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[: 3 * terms]]
    # Figures other than years are left out when words remain.
    worded = [
        t
        for t in ranked
        if not story_module._FIGURE.fullmatch(t) or story_module._YEAR.fullmatch(t)
    ]
    return label_phrases(worded or ranked, counts, pairs, surface, terms=terms)
