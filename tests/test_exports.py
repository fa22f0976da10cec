"""The public surface stays honest."""

from __future__ import annotations

import newsdedup


def test_all_is_sorted_and_complete():
    """`__all__` is sorted, and every public name in the package namespace is listed."""
    assert newsdedup.__all__ == sorted(newsdedup.__all__)
    public = {
        name
        for name, value in vars(newsdedup).items()
        if not name.startswith("_") and not getattr(value, "__file__", None)
    }
    assert public - {"annotations"} == set(newsdedup.__all__) - {"__version__"}


def test_articles_sharing_an_id_are_refused_not_mixed_up(tmp_path):
    """Results are keyed by id: two articles under one id in a list given to the library
    made an unrelated article a 1.0 copy, or a bare 'ValueError: a match needs a < b', or a
    story listing one member twice. Only the loaders checked ids. Each entry point now
    refuses them with an InputError naming the id."""
    import pytest

    from newsdedup import Article, InputError, find_duplicates, find_stories, open_index

    from .conftest import make_article

    a = Article(id="x", text=make_article(1), source="a")
    b = Article(id="x", text=make_article(2), source="b")
    with pytest.raises(InputError, match="x: two articles have this id"):
        find_duplicates([a, b])
    with pytest.raises(InputError, match="x: two articles have this id"):
        find_duplicates([a, a], level="both")
    with pytest.raises(InputError, match="x: two articles have this id"):
        find_stories([a, b])
    with open_index(str(tmp_path / "news.db"), create=True) as index:
        with pytest.raises(InputError, match="x: two articles have this id"):
            index.add([a, b])
        assert len(index) == 0


def test_readmes_explain_example_runs_as_written():
    """README's explain example calls corpus_templates, which newsdedup did not export."""
    from newsdedup import DedupConfig, corpus_templates, explain, load_corpus

    from .conftest import SEEDS

    articles = load_corpus(SEEDS).articles
    config = DedupConfig()
    a, b = articles[0], articles[1]
    result = explain(a, b, config, templates=corpus_templates(articles, config))
    assert result.jaccard == 0.8304


def test_wrong_types_at_the_library_entry_points_are_named():
    """A wrong type gets an error naming the parameter and the type wanted, not a bare
    AttributeError or TypeError from deep inside (or, for threshold=True, silence)."""
    import pytest

    from newsdedup import (
        Article,
        CleanConfig,
        ConfigError,
        DedupConfig,
        clean,
        explain,
        find_duplicates,
        open_index,
        story_similarity,
        to_csv,
        to_json,
    )
    from newsdedup.config import IndexConfig, LoadConfig, StoryConfig
    from newsdedup.gate import GatePolicy

    from .conftest import make_article

    text = make_article(1)
    cases = [
        (lambda: DedupConfig(threshold="0.5"), ConfigError, "threshold must be a number"),
        (lambda: DedupConfig(threshold=None), ConfigError, "threshold must be a number"),
        (lambda: DedupConfig(threshold=True), ConfigError, "threshold must be a number"),
        (lambda: DedupConfig(min_shingles=2.5), ConfigError, "min_shingles must be a whole"),
        (lambda: Article(id=1, text=text, source="x"), TypeError, "Article id must be a str"),
        (lambda: Article(id="a", text=None, source="x"), TypeError, "text must be a str"),
        (lambda: Article(id="a", text=b"x", source="x"), TypeError, "text must be a str"),
        (lambda: find_duplicates(["a.txt"]), TypeError, "expected Article objects"),
        (lambda: story_similarity(None, "x"), TypeError, "text_a must be a str"),
        (lambda: open_index(5), TypeError, "location must be a path"),
        (lambda: to_json(None), TypeError, "expected the DedupResult"),
        (lambda: to_csv({}), TypeError, "expected the DedupResult"),
        (lambda: find_duplicates([], {"threshold": 0.5}), TypeError, "config must be a Dedup"),
        (lambda: explain("a.txt", "b.txt"), TypeError, "a must be an Article"),
        (lambda: clean("some text"), TypeError, "expected an Article"),
        (lambda: DedupConfig(clean="no"), ConfigError, "clean must be a CleanConfig"),
        (lambda: CleanConfig(boilerplate="false"), ConfigError, "boilerplate must be true or"),
        # QA 14a: these were raw TypeErrors, or accepted and failed later inside numpy.
        (lambda: IndexConfig(seed="1"), ConfigError, "seed must be a whole number"),
        (lambda: IndexConfig(seed=1.5), ConfigError, "seed must be a whole number"),
        (lambda: StoryConfig(seed=2.5), ConfigError, "story seed must be a whole number"),
        (lambda: StoryConfig(idf_power="2"), ConfigError, "idf_power must be a number"),
        (lambda: StoryConfig(name_weight=True), ConfigError, "name_weight must be a number"),
        (lambda: GatePolicy(max_duplicate_rate="0.1"), ConfigError, "rate must be a number"),
        (lambda: GatePolicy(max_duplicates=1.5), ConfigError, "max_duplicates must be a whole"),
        (lambda: LoadConfig(glob=5), ConfigError, "glob must be text"),
        (lambda: LoadConfig(encoding=5), ConfigError, "encoding must be text"),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()


def test_half_a_character_in_a_hand_built_article_is_replaced_not_a_crash():
    """QA 14a: a lone surrogate (an emoji cut in two) in Article text made clean,
    find_duplicates and explain raise UnicodeEncodeError from the first hash of a line. It
    becomes U+FFFD, as the loader makes of bytes it cannot decode; two such copies are
    still copies."""
    from newsdedup import Article, find_duplicates

    from .conftest import make_article

    text = make_article(1) + " \ud83d"
    article = Article(id="a", text=text, source="a", title="Storm \udc00")
    assert article.text == make_article(1) + " \ufffd"
    assert article.title == "Storm \ufffd"
    copy = Article(id="b", text=text, source="b")
    for level in ("copy", "both"):
        result = find_duplicates([article, copy], level=level)
        assert [sorted(m.id for m in c.members) for c in result.clusters] == [["a", "b"]]


def test_a_text_with_classic_mac_line_ends_is_cleaned_as_the_loader_reads_it(tmp_path):
    """QA 14a: CR-only line ends made a hand-built article one line no rule could judge;
    the loader turns them into LF, so the library and the CLI disagreed (0.71 against
    0.83 for seeds 000 and 001). Article now reads them as the loader does."""
    from newsdedup import Article, find_duplicates, load_corpus

    from .conftest import SEEDS

    loaded = load_corpus([SEEDS]).articles[:2]
    mac = [Article(id=a.id, text=a.text.replace("\n", "\r"), source=a.source) for a in loaded]
    assert mac[0].text == loaded[0].text
    by_cli = find_duplicates(loaded).clusters
    assert find_duplicates(mac).clusters == by_cli


def test_discover_settings_takes_one_path_as_given(tmp_path, monkeypatch):
    """QA 14a: discover_settings("corpus") walked the string letter by letter, and each
    letter, a relative path, found the settings file of the current folder."""
    from newsdedup.settings import discover_settings

    here = tmp_path / "here"
    here.mkdir()
    (here / "newsdedup.toml").write_text("threshold = 0.9\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    monkeypatch.chdir(here)
    assert discover_settings(str(corpus)).options() == {}
    assert discover_settings(str(here)).options() == {"threshold": 0.9}


def test_an_lsh_threshold_that_cannot_band_is_refused_before_the_scan(monkeypatch):
    """QA 14a: DedupConfig(index=IndexConfig(lsh_threshold=0.99)) was refused only after
    the whole template pass (minutes at 1M articles). find_duplicates refuses it first."""
    import pytest

    import newsdedup.pipeline as pipeline
    from newsdedup import ConfigError, DedupConfig, find_duplicates, load_corpus
    from newsdedup.config import IndexConfig

    from .conftest import SEEDS

    scanned: list[bool] = []

    def scan(*args: object, **kwargs: object) -> None:
        scanned.append(True)
        raise AssertionError("scanned")

    monkeypatch.setattr(pipeline, "_scan", scan)
    config = DedupConfig(index=IndexConfig(lsh_threshold=0.99))
    with pytest.raises(ConfigError, match="gives 1 band"):
        find_duplicates(load_corpus([SEEDS]).articles, config)
    assert scanned == []


def test_stories_of_other_articles_than_the_result_are_a_clear_error():
    """QA 14a: add_stories with a subset of the articles raised a bare "min() arg is an
    empty sequence", and with an extra one put it into a story the result did not count;
    find_stories with copies naming articles not given did the same."""
    import pytest

    from newsdedup import Article, find_duplicates, find_stories, load_corpus
    from newsdedup.story import add_stories

    from .conftest import SEEDS

    articles = list(load_corpus([SEEDS]).articles)
    result = find_duplicates(articles)
    with pytest.raises(ValueError, match="2 missing"):
        add_stories(result, articles[:3])
    extra = Article(id="x", text=articles[0].text + " More.", source="x")
    with pytest.raises(ValueError, match="1 not in it"):
        add_stories(result, [*articles, extra])
    with pytest.raises(ValueError, match="copies name 2 article"):
        find_stories(articles[2:], copies=result.clusters)
    assert len(add_stories(result, articles).stories) == 1
