"""Immutable records that flow through the pipeline.

path ─load─▶ Article ─clean─▶ CleanText ─canonicalize─▶ str ─shingle─▶ shingle hashes
     ─sign─▶ signature ─index─▶ Pair ─verify─▶ Match ─cluster─▶ Cluster ─▶ DedupResult
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# A lone surrogate: half of a character outside the Basic Multilingual Plane.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One article exactly as read: the raw text is never rewritten."""

    id: str
    text: str
    source: str
    line: int | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    # The extractor that turned a page's markup into `text` ("trafilatura 2.3.1"); None for
    # text read as given. Cleaning is gentler on extractor output (see `html.EXTRACTED_RULES`).
    extractor: str | None = None

    def __post_init__(self) -> None:
        # Ids are compared, sorted and written as strings in every report: an int id (a
        # database key) failed deep inside on mixed ids, or came out as a JSON number.
        for name in ("id", "text", "source"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(
                    f"Article {name} must be a str, got {type(value).__name__} {value!r:.60}"
                )
        if not self.id:
            raise ValueError("an article id must not be empty")
        # Optional fields are text as a source gave it: a datetime.date or a number failed
        # far inside the story level (QA 11a), with an error naming no field.
        for name in ("title", "date", "url", "extractor"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                hint = " (give dates as ISO text: date.isoformat())" if name == "date" else ""
                raise TypeError(
                    f"Article {name} must be a str or None, got {type(value).__name__} "
                    f"{value!r:.60}{hint}"
                )
        line = self.line
        if line is not None and (isinstance(line, bool) or not isinstance(line, int)):
            raise TypeError(f"Article line must be an int or None, got {line!r:.60}")
        # Half a character (a lone surrogate: an emoji cut in two by a scraper's slicing)
        # cannot be written as UTF-8, and every hash of the text failed on it (QA 14a). It
        # becomes U+FFFD, as the loader makes of bytes it cannot decode.
        for name in ("text", "title"):
            value = getattr(self, name)
            if value is not None and not value.isascii() and _SURROGATE.search(value):
                object.__setattr__(self, name, _SURROGATE.sub("\ufffd", value))
        # Classic Mac line ends (CR alone) as LF, as the loader reads them: the cleaner splits
        # at LF, and such a text was one line no rule could judge (QA 14a: the same bytes
        # scored 0.71 through the library, 0.83 through the CLI).
        if "\r" in self.text and "\n" not in self.text:
            object.__setattr__(self, "text", self.text.replace("\r", "\n"))


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadIssue:
    """A file or record the loader skipped, with the reason."""

    source: str
    problem: str
    line: int | None = None
    severity: str = "skipped"  # "skipped" (not loaded) or "warning" (loaded, but noteworthy)

    def location(self) -> str:
        """Return `source` or `source:line` for messages."""
        return self.source if self.line is None else f"{self.source}:{self.line}"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Articles sorted by id, and the issues met while loading, in encounter order."""

    articles: tuple[Article, ...]
    issues: tuple[LoadIssue, ...] = ()

    @property
    def skipped(self) -> tuple[LoadIssue, ...]:
        return tuple(i for i in self.issues if i.severity == "skipped")

    @property
    def warnings(self) -> tuple[LoadIssue, ...]:
        return tuple(i for i in self.issues if i.severity == "warning")


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One line of the original text: kept as article, or stripped with a reason."""

    n: int  # 1-based line number in the original text
    text: str
    kept: bool
    reason: str | None = None  # rule name when stripped; "blank" for empty lines


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanText:
    """What cleaning kept of an article, and every line it dropped, with its reason."""

    article_id: str
    text: str
    lines: tuple[Line, ...] = ()

    @property
    def dropped(self) -> tuple[Line, ...]:
        return tuple(ln for ln in self.lines if not ln.kept and ln.reason != "blank")


@dataclass(frozen=True, slots=True, order=True)
class Pair:
    """A candidate pair of article ids, always ordered a < b."""

    a: str
    b: str

    def __post_init__(self) -> None:
        if not self.a < self.b:
            raise ValueError(f"a pair needs a < b, got {self.a!r}, {self.b!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A verified pair with the exact evidence that admitted it."""

    a: str
    b: str
    jaccard: float
    containment: float  # of the smaller shingle set in the larger
    shared: int  # shingles in common
    via: str  # "jaccard" or "containment": the test that admitted the pair

    def __post_init__(self) -> None:
        if not self.a < self.b:
            raise ValueError(f"a match needs a < b, got {self.a!r}, {self.b!r}")
        _check_unit("jaccard", self.jaccard)
        _check_unit("containment", self.containment)

    @property
    def similarity(self) -> float:
        """The score of the test that admitted the pair."""
        return self.jaccard if self.via == "jaccard" else self.containment


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """A cluster member and the exact similarity that put it in the cluster."""

    id: str
    similarity: float
    via: str | None = (
        None  # the member whose verified pair admitted it; None for the representative
    )

    def __post_init__(self) -> None:
        _check_unit("similarity", self.similarity)

    def admitted_through(self, representative: str) -> str | None:
        """Return the member whose pair admitted this one when that is not `representative`
        (its `similarity` is that pair's, not one with the representative), else None."""
        return self.via if self.via and self.via != representative else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster:
    """Two or more articles that are copies of one another, with one representative."""

    id: int
    representative: str
    members: tuple[Member, ...]
    story: int | None = None
    label: str | None = None  # a story's most telling terms, for people

    def __post_init__(self) -> None:
        if len(self.members) < 2:
            raise ValueError("a cluster has at least two members")

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupResult:
    """Everything a scan found: clusters, parameters and what was skipped."""

    params: dict[str, Any]
    articles: int
    clusters: tuple[Cluster, ...]
    article_ids: tuple[str, ...] = ()  # every article scanned, sorted
    skipped: tuple[LoadIssue, ...] = ()
    warnings: tuple[LoadIssue, ...] = ()
    stories: tuple[Cluster, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # Articles with fewer than `min_shingles` shingles after cleaning (empty, or all
    # boilerplate): read, kept, but never compared, so never called duplicates. Sorted.
    too_short: tuple[str, ...] = ()
    # id -> {"title", "date", "url"} for articles whose source gave any (pages, JSONL fields).
    metadata: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def duplicates(self) -> int:
        """Articles a dedup would drop: cluster sizes minus one, summed."""
        return sum(c.size - 1 for c in self.clusters)

    @property
    def duplicate_rate(self) -> float:
        return self.duplicates / self.articles if self.articles else 0.0

    @property
    def has_stories(self) -> bool:
        """True at `--level story` and `both`: the report has a story level, even when no
        story holds two articles (its `stories` keys and columns are there, empty)."""
        return self.params.get("level") in ("story", "both")

    @property
    def clusters_are_stories(self) -> bool:
        """True at `--level story`: each cluster is the reports of one event, not copies."""
        return self.params.get("level") == "story"


def by_id(articles: Iterable[Article]) -> list[Article]:
    """Return the articles sorted by id, or raise `InputError` when two share an id: results
    are keyed by id, so two articles under one would be mixed up (one reported as the other's
    copy, or a bare error deep inside). `load_corpus` keeps the first and warns."""
    from .errors import InputError

    items = list(articles)
    for item in items:
        if not isinstance(item, Article):
            raise TypeError(f"expected Article objects, got {type(item).__name__} {item!r:.60}")
    items.sort(key=lambda a: a.id)
    for first, second in itertools.pairwise(items):
        if first.id == second.id:
            unique = "ids must be unique (load_corpus keeps the first)"
            raise InputError(first.id, f"two articles have this id; {unique}")
    return items
