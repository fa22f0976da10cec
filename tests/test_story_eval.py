"""bench/eval_stories.event_mixing: which topics have their two events in one story."""

from __future__ import annotations

from .conftest import load_bench

ev = load_bench("eval_stories")


def test_apart_events_mix_nothing():
    groups = [["1_1ecb.xml", "1_2ecb.xml"], ["1_1ecbplus.xml", "1_2ecbplus.xml"]]
    got = ev.event_mixing(groups)
    assert (got["mixed"], got["mixed_soft"], got["minority_articles"], got["cross_topic"]) == (
        0,
        0,
        0,
        0,
    )


def test_one_stray_counts_as_mixed_but_not_substantially():
    """A lone other-event article in a story of 6 (17%) is mixing, not substantial mixing."""
    big = [f"2_{k}ecb.xml" for k in range(1, 6)] + ["2_1ecbplus.xml"]
    got = ev.event_mixing([big])
    assert got["mixed_topics"] == ["2"]
    assert got["mixed_soft_topics"] == []
    assert got["minority_articles"] == 1


def test_two_strays_or_a_fifth_is_substantial_and_topics_sort_numerically():
    """Two strays in a big story, or one in a story of three (33%), are substantial."""
    two = [f"10_{k}ecb.xml" for k in range(1, 9)] + ["10_1ecbplus.xml", "10_2ecbplus.xml"]
    small = ["9_1ecbplus.xml", "9_2ecbplus.xml", "9_1ecb.xml"]
    got = ev.event_mixing([two, small])
    assert got["mixed_soft_topics"] == ["9", "10"]
    assert got["minority_articles"] == 3


def test_a_story_over_two_topics_is_counted_apart():
    got = ev.event_mixing([["3_1ecb.xml", "4_1ecb.xml"]])
    assert got["cross_topic"] == 1
    assert got["mixed"] == 0


def test_table_names_the_mixed_topics():
    """The printed report has the mixing lines, substantial topics starred."""
    row = {
        "name": "sys",
        "f1": 0.9,
        "precision": 0.9,
        "recall": 0.9,
        "ari": 0.9,
        "clusters": 3,
        **ev.event_mixing([["9_1ecbplus.xml", "9_2ecbplus.xml", "9_1ecb.xml"]]),
    }
    report = {"grouping": {"articles": 3, "true_clusters": 2, "rows": [row], "sweep": []}}
    text = ev.render_table(report)
    assert "Topics whose two events share a predicted story" in text
    mixing_line = [line for line in text.splitlines() if line.startswith("sys ")][-1]
    assert mixing_line.split()[1:] == ["1", "1", "1", "0", "9*"]


def test_topic_halves_split_by_parity():
    odd, even = ev.topic_half(1), ev.topic_half(0)
    assert [t for t in ("1", "2", "9", "10", "x") if odd(t)] == ["1", "9"]
    assert [t for t in ("1", "2", "9", "10", "x") if even(t)] == ["2", "10"]


def test_table_shows_the_halves_when_run():
    """`--halves` rows get their own section with F1 and the mixing counts; absent, no section."""
    half = {
        "name": "newsdedup, odd topics",
        "f1": 0.5,
        "precision": 0.6,
        "recall": 0.4,
        "ari": 0.3,
        "clusters": 7,
        **ev.event_mixing([["9_1ecbplus.xml", "9_2ecbplus.xml", "9_1ecb.xml"]]),
    }
    grouping = {"articles": 3, "true_clusters": 2, "rows": [], "sweep": []}
    assert "topic halves" not in ev.render_table({"grouping": grouping})
    text = ev.render_table({"grouping": {**grouping, "halves": [half]}})
    line = next(x for x in text.splitlines() if x.startswith("newsdedup, odd topics"))
    assert line.split()[3:] == ["0.500", "0.600", "0.400", "0.300", "7", "1", "1", "1"]
