"""Facts (years, decimal figures) that tell two events of one kind apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, DedupConfig, StoryConfig, find_stories
from newsdedup.errors import ConfigError
from newsdedup.story import (
    Facts,
    article_facts,
    fact_agreement,
    fact_agreements,
    join_figures,
    score_graph,
    story_doc,
)

QUAKE = (
    "Earthquake shakes the Geysers\n"
    "A magnitude {m} earthquake struck near The Geysers in Sonoma County {when}, the U.S. "
    "Geological Survey said. The quake was felt in Santa Rosa, Healdsburg and Cloverdale. "
    "There were no reports of damage or injuries{extra}."
)
# Two quakes of one kind at one place, five years apart: the words are the same, the year
# and the magnitude are not.
TWO_QUAKES = {
    "a1": QUAKE.format(m="4.6", when="one morning in March 2013", extra=", a dispatcher said"),
    "a2": QUAKE.format(m="4 . 6", when="on a Thursday in March 2013", extra=" in Lake County"),
    "b1": QUAKE.format(m="4.4", when="on a Sunday in May 2008", extra=", a dispatcher said"),
    "b2": QUAKE.format(m="4.4", when="one morning in May 2008", extra=" in Lake County"),
}
NEUTRAL = {"year_mismatch": 1.0, "figure_mismatch": 1.0, "fact_match": 1.0}


def articles() -> list[Article]:
    return [Article(id=k, text=v, source=k) for k, v in TWO_QUAKES.items()]


def groups(config: StoryConfig) -> list[list[str]]:
    stories = find_stories(articles(), replace(DedupConfig(), story=config))
    return [sorted(m.id for m in s.members) for s in stories]


class TestArticleFacts:
    @pytest.mark.parametrize(
        ("text", "joined"),
        [
            ("a 4 . 6 quake", "a 4.6 quake"),
            ("at 9 : 27 am", "at 9:27 am"),
            ("killed 1 , 200 people", "killed 1,200 people"),
            ("aged 3 , 4 and 5", "aged 3 , 4 and 5"),  # a list, not a thousands separator
            ("paid 1 , 000 , 000 dollars", "paid 1,000,000 dollars"),  # each digit joins twice
            ("version 4 . 6 . 7", "version 4.6.7"),
            # Prose: a space after the point or comma only. The year was lost, and a decimal
            # "2023.12" invented that halved the story score of two reports of one event.
            ("rose in 2023. 12 banks failed", "rose in 2023. 12 banks failed"),
            ("In 2019, 300 people fled", "In 2019, 300 people fled"),
        ],
    )
    def test_figures_split_by_a_tokeniser_are_joined(self, text, joined):
        assert join_figures(text) == joined

    def test_latest_year_and_decimal_figures(self):
        """The latest year named (past years are recalled, the report's own is the latest),
        and decimal figures; parts of longer figures are neither."""
        got = article_facts("Since the 2004 quake, in March 2013, a 4 . 6 quake (not 3.2.1) hit.")
        assert got == Facts(year=2013, decimals=frozenset({"4.6"}), named=True)
        assert article_facts("1,2013 people and 2013.5 units").year is None

    def test_a_known_date_counts_as_a_year(self):
        day = dt.date(2021, 5, 1).toordinal()
        assert article_facts("A quake in 2004 recalled.", date=day).year == 2021
        assert not article_facts("A quake in 2004 recalled.", date=day).named
        assert article_facts("The 2021 quake.", date=day).named
        assert article_facts("nothing dated") == Facts()

    def test_a_year_known_from_dates_alone_never_agrees(self):
        """QA 12c: the year of each article's date counted as its latest year, so any two
        articles dated in one calendar year (a JSONL `date` on all of Reuters 1987) got
        the x1.3 of agreeing facts: giving dates made 137 more articles of a week join a
        story. A date can tell two articles apart; it cannot say they report one event."""
        config = StoryConfig()
        march, august = dt.date(1987, 3, 2).toordinal(), dt.date(1987, 8, 20).toordinal()
        a = article_facts("Crude oil movements in January.", date=march)
        b = article_facts("US copper stocks fell.", date=august)
        assert fact_agreement(a, b, config) == 1.0
        old = article_facts("Crude oil movements in January.", date=dt.date(1985, 1, 1).toordinal())
        assert fact_agreement(a, old, config) == config.year_mismatch
        named = article_facts("The 1987 budget.", date=march)
        assert fact_agreement(
            named, article_facts("In 1987, the budget.", date=august), config
        ) == (config.fact_match)


class TestFactAgreement:
    config = StoryConfig()

    def test_disagreeing_years_and_figures_lower_the_score(self):
        a, b = (
            Facts(year=2013, decimals=frozenset({"4.6"})),
            Facts(year=2008, decimals=frozenset({"4.4"})),
        )
        c = self.config
        assert fact_agreement(a, b, c) == pytest.approx(c.year_mismatch * c.figure_mismatch)

    def test_agreeing_facts_raise_it_and_silence_says_nothing(self):
        a = Facts(year=2013, decimals=frozenset({"4.6", "12.5"}), named=True)
        same = Facts(year=2013, decimals=frozenset({"4.6"}), named=True)
        assert fact_agreement(a, same, self.config) == pytest.approx(self.config.fact_match**2)
        assert fact_agreement(a, Facts(), self.config) == 1.0
        assert fact_agreement(Facts(year=2013), Facts(year=2012), self.config) == 1.0  # < gap

    def test_facts_scale_the_clustering_score(self):
        """Across the two quakes the score falls by both mismatches; within one it does not."""
        docs = [story_doc(a, a.text) for a in articles()]
        on = score_graph(docs, StoryConfig()).edges
        off = score_graph(docs, StoryConfig(**NEUTRAL)).edges
        assert on[(0, 2)] == pytest.approx(off[(0, 2)] * 0.7 * 0.5, abs=1e-9)
        assert on[(0, 1)] >= off[(0, 1)]


class TestTwoEventsOfOneKind:
    def test_year_and_magnitude_keep_two_quakes_apart(self):
        """Where the words alone make one story, the years and magnitudes make two."""
        strict = {"threshold": 0.4}
        assert groups(StoryConfig(**strict, **NEUTRAL)) == [["a1", "a2", "b1", "b2"]]
        assert groups(StoryConfig(**strict)) == [["a1", "a2"], ["b1", "b2"]]

    @pytest.mark.parametrize(
        "bad",
        [{"year_mismatch": 0.0}, {"figure_mismatch": 1.5}, {"fact_match": 0.9}, {"year_gap": 0}],
    )
    def test_bad_fact_settings_are_config_errors(self, bad):
        with pytest.raises(ConfigError):
            StoryConfig(**bad)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fact_agreements_of_many_pairs_are_fact_agreement_of_each(data):
    """The array form gives the very floats of the one-pair form, for any facts (years a
    gap apart or equal, figures shared or not, either side stating none) and settings."""
    figure = st.sampled_from(["4.4", "4.6", "1.5", "0.25", "12.5"])
    facts = data.draw(
        st.lists(
            st.builds(
                Facts,
                year=st.none() | st.integers(2005, 2010),
                decimals=st.frozensets(figure, max_size=3),
                named=st.booleans(),
            ),
            min_size=2,
            max_size=8,
        )
    )
    lower = st.sampled_from([0.3, 0.5, 0.7, 1.0])
    config = StoryConfig(
        year_gap=data.draw(st.integers(1, 3)),
        year_mismatch=data.draw(lower),
        figure_mismatch=data.draw(lower),
        fact_match=data.draw(st.sampled_from([1.0, 1.3, 1.7])),
    )
    n = len(facts)
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)], dtype=np.int64)
    expected = [fact_agreement(facts[i], facts[j], config) for i, j in pairs.tolist()]
    assert fact_agreements(facts, pairs, config).tolist() == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("at the 2.30pm press conference", "at a press conference that began at 2.31pm"),
        ("the derailment at 10.30 a.m. near Carlisle", "the derailment at 10.42am near Carlisle"),
        ("trading closed at 16.30 GMT", "trading closed at 16.35 GMT"),
    ],
)
def test_clock_times_are_no_figures(a, b):
    """QA 19a #2: "2.30pm" and "2.31pm" were two decimal figures, so two write-ups of one
    meeting that heard the time a minute apart had their score halved."""
    assert article_facts(a).decimals == article_facts(b).decimals == frozenset()


def test_one_figure_however_many_zeros_end_it():
    """QA 19a #3: "5.50 percent" and "5.5%" were two figures: the pair counted as
    different events."""
    a, b = article_facts("a ceiling of 5.50 percent"), article_facts("a ceiling of 5.5%")
    assert a.decimals == b.decimals == frozenset({"5.5"})
    assert fact_agreement(a, b, StoryConfig()) == StoryConfig().fact_match
    assert article_facts("growth of 3.00 percent").decimals == frozenset({"3.0"})


def test_durations_in_hours_stay_figures():
    """QA 20a #8: "hrs" was read as a time zone, so "7.5 hrs of battery life" lost its figure."""
    assert article_facts("up to 7.5 hrs of battery life").decimals == frozenset({"7.5"})


@pytest.mark.parametrize(
    ("head", "iso"),
    [
        ("CARDIFF, Monday the 4th of March 2024 - The council", "2024-03-04"),
        ("Posted on the 4th of March, 2009", "2009-03-04"),
        ("Published on the 4th March 2024", "2024-03-04"),
        ("As of March 4, 2024, the count stood at", "2024-03-04"),
        ("LONDON, Jan 5, 2024 (Reuters) - Shares", "2024-01-05"),
        ("memories of the August 17, 1999 Izmit disaster", None),
        ("since the 4th of March 2009 the rule", None),
        ("a trial set for March 3, 2026", None),
    ],
)
def test_head_dates_datelines_and_recalled_dates(head, iso):
    """QA 19a #4 and QA 20a #6: a date a sentence recalls does not date the article, but
    "the 4th of March" and "As of March 4" are datelines."""
    from newsdedup.story import head_date

    day = head_date(head)
    assert (None if day is None else dt.date.fromordinal(day).isoformat()) == iso


def test_function_words_of_other_scripts_are_no_story_terms():
    """QA 19a #8: "إلى", "الذي" and "تحت" led an Arabic story's terms and label; Russian
    "также" and "заявил" would too. English terms are untouched ("war", "die" stay)."""
    from newsdedup.story import term_counts

    arabic = "وقال البنك في بيان إن سعر الفائدة ارتفع إلى 21.25 في المئة الذي تحت"
    russian = "Центробанк также заявил, что ставка будет повышена до 16 процентов"
    english = "The war in Gaza: many die as the war goes on"
    terms = {t for text in (arabic, russian, english) for t in term_counts(text).counts}
    assert not terms & {"إلى", "الذي", "تحت", "في", "также", "заявил", "что", "будет"}
    assert {"الفائدة", "центробанк", "war", "die"} <= terms
