"""`DedupConfig` and its parts: the only place defaults live."""

from __future__ import annotations

import codecs
import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

from .errors import ConfigError

# MinHash permutation scheme (datasketch >= 2.0): signatures are only comparable within one
# scheme, so it is written into every report and persistent index.
MINHASH_SCHEME = "affine32"
# How shingles become 32-bit MinHash inputs; bump when shingle hashing changes.
HASHING_SCHEME = "blake2b64-token/poly64-shingle/low32"
# MinHash seeds are 32-bit (datasketch's permutation generator takes no larger one).
MAX_SEED = 2**32 - 1
# More permutations than this only slow a scan (choosing bands and rows for 4096 takes ~2 s,
# and grows with the square); 20,000 ran for minutes before a single article was read.
MAX_NUM_PERM = 4096
# Lede keys (`IndexConfig.lede_words`): the lede's MinHash over the first 24 permutations, in 8
# bands of 3 rows. Two ledes that share 60% of their shingles (a dateline added to one) meet
# with probability 0.86, identical ones always, ledes sharing 20% with 0.06.
LEDE_BANDS = 8
LEDE_ROWS = 3


def _number(name: str, value: float) -> None:
    """Refuse a setting that is no number (a bool, a str): comparing it raised a TypeError,
    or a float seed failed inside numpy (QA 14a). A bool is an int to Python; True as a
    threshold is a mistake, not 1.0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a number, got {value!r}")


def _unit(name: str, value: float) -> None:
    _number(name, value)
    if not 0.0 < value <= 1.0:
        raise ConfigError(f"{name} must be in (0, 1], got {value!r}")


def _text(name: str, value: str | None, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be text, got {value!r}")


def _flag(name: str, value: bool) -> None:
    # "false" is a true string: a setting given as text would have meant the opposite.
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false, got {value!r}")


def _positive(name: str, value: int, *, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadConfig:
    """How files and records are read."""

    # Which files of a folder are read; several patterns separated by commas. Text, raw pages
    # (HTML, optionally gzipped) and WARC archives; JSONL only when named (a folder's .jsonl
    # files are often reports or exports, not the corpus).
    glob: str = "*.txt,*.htm,*.html,*.htm.gz,*.html.gz,*.warc,*.warc.gz"
    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"
    date_field: str = "date"
    url_field: str = "url"
    max_bytes: int = 10_000_000
    # For files that are not UTF-8 (valid UTF-8 is read as UTF-8 whatever this says). None:
    # detected with charset-normalizer.
    encoding: str | None = None

    def __post_init__(self) -> None:
        _positive("max_bytes", self.max_bytes)
        for name in ("glob", "id_field", "text_field", "title_field", "date_field", "url_field"):
            _text(name, getattr(self, name))
        _text("encoding", self.encoding, optional=True)
        if not self.glob:
            raise ConfigError("glob must not be empty")
        if self.encoding is not None:
            try:
                info = codecs.lookup(self.encoding)
            except LookupError:
                raise ConfigError(f"unknown encoding {self.encoding!r}") from None
            # rot13, hex, base64, zlib, ... are codecs but not text encodings, and "undefined"
            # decodes nothing: each failed only at the first file that is not UTF-8.
            if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
                raise ConfigError(f"{self.encoding!r} is not a text encoding")


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanConfig:
    """Which lines count as the article."""

    boilerplate: bool = True  # apply the named boilerplate rules
    repeats: bool = True  # drop later copies of a block repeated inside one article
    templates: bool = True  # learn site templates (lines frequent across the corpus)
    # A canonical line is template furniture when it appears in at least this share of the
    # corpus's articles *and* in at least `template_min_docs` of them (the floor keeps a short
    # quote shared by a few copies of one story from being mistaken for a menu).
    template_df: float = 0.01
    template_min_docs: int = 5
    # Lines shorter than this many characters are candidates for template detection; long
    # body paragraphs repeated across articles are copies, not furniture.
    template_max_chars: int = 400

    def __post_init__(self) -> None:
        for name in ("boilerplate", "repeats", "templates"):
            _flag(name, getattr(self, name))
        _unit("template_df", self.template_df)
        _positive("template_min_docs", self.template_min_docs, minimum=2)
        _positive("template_max_chars", self.template_max_chars)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShingleConfig:
    """How canonical text becomes a set of shingles."""

    size: int = 5  # words per shingle
    char_size: int = 5  # characters per shingle for scripts written without spaces

    def __post_init__(self) -> None:
        _positive("shingle size", self.size)
        _positive("char shingle size", self.char_size)


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexConfig:
    """MinHash and LSH parameters; bands and rows are derived, not chosen."""

    num_perm: int = 128
    seed: int = 1
    # The LSH threshold is looser than the verification thresholds: LSH only proposes
    # candidates (recall), `verify` decides on exact shingle sets (precision). 0.3 gives 37
    # bands x 3 rows at 128 permutations: a copy cut to half its length (Jaccard 0.5) is
    # proposed with probability 0.99, and edited or truncated copies down to Jaccard 0.3 with
    # 0.64. Measured on planted corpora, 0.4 (32 x 4) missed copies that verification admits
    # (F1 0.967 -> 0.970 on seed 1, 0.968 -> 0.970 on seed 2) for ~17% less scan time.
    lsh_threshold: float = 0.3
    # A bucket larger than this is sampled as a star around its first member rather than
    # verified pairwise (quadratic), so one generic text cannot stall a scan.
    max_bucket: int = 200
    # Lede keys: LSH bands over the first `lede_words` words alone, so a teaser (a headline
    # and a paragraph or two, Jaccard 0.02-0.3 against its full story, so seldom proposed by
    # the bands above) meets the story it opens and verification can judge its containment.
    # 0 turns them off. bench/eval_teasers.py --n 2000: teasers found 0.542 -> 0.960.
    lede_words: int = 20

    def __post_init__(self) -> None:
        _positive("num_perm", self.num_perm, minimum=2)
        _positive("lede_words", self.lede_words, minimum=0)
        if self.num_perm > MAX_NUM_PERM:
            raise ConfigError(f"num_perm must be at most {MAX_NUM_PERM}, got {self.num_perm}")
        _unit("lsh_threshold", self.lsh_threshold)
        _positive("max_bucket", self.max_bucket, minimum=2)
        _positive("seed", self.seed, minimum=0)
        if not 0 <= self.seed <= MAX_SEED:  # datasketch's permutations take a 32-bit seed
            raise ConfigError(f"seed must be in [0, {MAX_SEED}], got {self.seed}")

    @property
    def bands_rows(self) -> tuple[int, int]:
        """Return (bands, rows) minimising false positives plus false negatives (datasketch)."""
        return _optimal_bands_rows(self.lsh_threshold, self.num_perm)

    @property
    def lede_bands_rows(self) -> tuple[int, int]:
        """Return (bands, rows) of the lede keys: (0, 0) when they are off, or when there are
        too few permutations to band them."""
        if not self.lede_words or self.num_perm < LEDE_BANDS * LEDE_ROWS:
            return 0, 0
        return LEDE_BANDS, LEDE_ROWS

    @property
    def key_count(self) -> int:
        """Return the LSH keys an article has: its bands, then its lede bands."""
        return self.bands_rows[0] + self.lede_bands_rows[0]


# What `scan --level` groups: copy clusters, stories, or copy clusters tagged with their story.
STORY_LEVELS = ("copy", "story", "both")


def check_level(level: str) -> None:
    """Raise ConfigError unless `level` is one of STORY_LEVELS."""
    if level not in STORY_LEVELS:
        raise ConfigError(f"unknown level {level!r}; choose one of {', '.join(STORY_LEVELS)}")


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryConfig:
    """How articles that report the same event are grouped (`newsdedup.story`)."""

    # Average-link cutoff on the neighbourhood score of two articles: groups merge while
    # their cross pairs agree this much on average (missing candidate edges count as 0).
    threshold: float = 0.25
    # An article's neighbourhood: itself and its `neighbours` nearest candidates by term
    # cosine, of those at least `neighbour_floor` similar.
    neighbours: int = 8
    neighbour_floor: float = 0.05
    strong_neighbour: float = 0.5  # neighbours this similar all count (large stories)
    # Candidates: MinHash/LSH over each article's `salient_terms` heaviest terms. A low LSH
    # threshold: reports of one event share few of their top terms (Jaccard often < 0.2).
    salient_terms: int = 30
    lsh_threshold: float = 0.05
    num_perm: int = 64
    seed: int = 1
    max_bucket: int = 200
    # Articles dated further apart than this are never candidates (same kind, other event),
    # and each such pair counts `dated_apart` against merging the groups holding its two ends
    # (an identical pair counts 1 for): an undated article close to two reports a year apart
    # cannot join them through itself. ECB+, where a few articles carry the date of a later
    # trial or an earlier patch: F1 0.942 -> 0.942 (0.5), 0.942 (1), 0.940 (2).
    max_days: int = 180
    dated_apart: float = 1.0
    # Multipliers on TF-IDF weight: names (capitalised mid-sentence) and title words say
    # what the event is about more than common words do.
    name_weight: float = 1.5
    title_weight: float = 1.5
    # idf ** idf_power: above 1 favours the rare words that tell one event from another of
    # the same kind over the words both share.
    idf_power: float = 1.5
    # Facts two reports of one event repeat (story.fact_agreement) scale their score: the
    # latest years they name `year_gap`+ years apart, no decimal figure in common (4.4 vs
    # 4.6 magnitude), or agreement on either. ECB+: strays 20 -> 13, F1 0.940 -> 0.942.
    year_mismatch: float = 0.7
    figure_mismatch: float = 0.5
    fact_match: float = 1.3
    year_gap: int = 2

    def __post_init__(self) -> None:
        _positive("story seed", self.seed, minimum=0)
        for name in ("dated_apart", "fact_match", "idf_power", "name_weight", "title_weight"):
            _number(name, getattr(self, name))
        _unit("story threshold", self.threshold)
        _unit("story lsh_threshold", self.lsh_threshold)
        _positive("salient_terms", self.salient_terms)
        _positive("story num_perm", self.num_perm, minimum=2)
        if self.num_perm > MAX_NUM_PERM:
            raise ConfigError(f"story num_perm must be at most {MAX_NUM_PERM}, got {self.num_perm}")
        _positive("story max_bucket", self.max_bucket, minimum=2)
        _positive("max_days", self.max_days, minimum=0)
        if not 0.0 <= self.dated_apart <= 4.0:
            raise ConfigError(f"dated_apart must be in [0, 4], got {self.dated_apart!r}")
        _positive("year_gap", self.year_gap)
        _unit("year_mismatch", self.year_mismatch)
        _unit("figure_mismatch", self.figure_mismatch)
        if not 1.0 <= self.fact_match <= 4.0:
            raise ConfigError(f"fact_match must be in [1, 4], got {self.fact_match!r}")
        _positive("neighbours", self.neighbours)
        _unit("neighbour_floor", self.neighbour_floor)
        _unit("strong_neighbour", self.strong_neighbour)
        if not 0.0 < self.idf_power <= 4.0:
            raise ConfigError(f"idf_power must be in (0, 4], got {self.idf_power!r}")
        if not 0 <= self.seed <= MAX_SEED:
            raise ConfigError(f"story seed must be in [0, {MAX_SEED}], got {self.seed}")
        for name in ("name_weight", "title_weight"):
            value = getattr(self, name)
            if not 0.0 < value <= 10.0:
                raise ConfigError(f"{name} must be in (0, 10], got {value!r}")


@lru_cache(maxsize=32)
def _optimal_bands_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    if bands < 2:
        raise ConfigError(
            f"LSH threshold {threshold} with {num_perm} permutations gives {bands} band; "
            "lower --lsh-threshold or raise --num-perm"
        )
    return int(bands), int(rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupConfig:
    """Every knob of a scan; `fingerprint()` identifies it in reports and indexes."""

    threshold: float = 0.7  # exact Jaccard of shingle sets
    containment: float = 0.8  # share of the smaller shingle set found in the larger
    min_shingles: int = 1  # articles with fewer shingles after cleaning are not indexed
    clean: CleanConfig = field(default_factory=CleanConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    story: StoryConfig = field(default_factory=StoryConfig)

    def __post_init__(self) -> None:
        for name, kind in (
            ("clean", CleanConfig),
            ("shingle", ShingleConfig),
            ("index", IndexConfig),
            ("story", StoryConfig),
        ):
            if not isinstance(getattr(self, name), kind):
                raise ConfigError(f"{name} must be a {kind.__name__}, got {getattr(self, name)!r}")
        _unit("threshold", self.threshold)
        _unit("containment", self.containment)
        _positive("min_shingles", self.min_shingles)

    def fingerprint(self) -> str:
        """Return a stable 16-hex-digit hash of every field and the hashing schemes."""
        payload = {"config": asdict(self), "minhash": MINHASH_SCHEME, "hashing": HASHING_SCHEME}
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()

    def params(self) -> dict[str, Any]:
        """Return the parameters a report shows, derived ones included."""
        import datasketch

        bands, rows = self.index.bands_rows
        return {
            "threshold": self.threshold,
            "containment": self.containment,
            "shingle_size": self.shingle.size,
            "num_perm": self.index.num_perm,
            "bands": bands,
            "rows": rows,
            "lsh_threshold": self.index.lsh_threshold,
            "lede_words": self.index.lede_words,
            "seed": self.index.seed,
            "min_shingles": self.min_shingles,
            "boilerplate": self.clean.boilerplate,
            "templates": self.clean.templates,
            "minhash_scheme": MINHASH_SCHEME,
            "hashing_scheme": HASHING_SCHEME,
            "datasketch": datasketch.__version__,
            "fingerprint": self.fingerprint(),
        }

    def with_overrides(self, values: dict[str, Any]) -> DedupConfig:
        """Return a copy with dotted keys (`index.num_perm`) or top-level keys replaced."""
        top: dict[str, Any] = {}
        parts: dict[str, dict[str, Any]] = {}
        names = {f.name for f in fields(self)}
        for key, value in values.items():
            head, _, tail = key.partition(".")
            if head not in names:
                raise ConfigError(f"unknown setting {key!r}")
            if tail:
                part = getattr(self, head)
                if tail not in {f.name for f in fields(part)}:
                    raise ConfigError(f"unknown setting {key!r}")
                parts.setdefault(head, {})[tail] = value
            else:
                top[key] = value
        for head, changes in parts.items():
            top[head] = replace(getattr(self, head), **changes)
        try:
            return replace(self, **top)
        except TypeError as err:
            raise ConfigError(str(err)) from err


def check_config(config: object) -> DedupConfig:
    """Return `config`, or DedupConfig() for None; a TypeError for anything else (a dict of
    settings failed deep inside)."""
    if config is None:
        return DedupConfig()
    if not isinstance(config, DedupConfig):
        raise TypeError(f"config must be a DedupConfig, got {type(config).__name__}")
    return config
