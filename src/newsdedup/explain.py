"""Why two articles are, or are not, copies: every stage run on the pair, evidence kept.

`explain` cleans both articles (with the corpus's site templates when given, as `scan` does),
shingles, signs and bands them, and verifies them exactly, keeping each intermediate: the
lines cleaning dropped and why, the MinHash estimate, the LSH bands that matched, exact
Jaccard and containment both ways, and the passages the two share, located in the original
lines so a view can highlight them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from . import __version__
from .canonical import canonicalize
from .config import DedupConfig, StoryConfig, check_config
from .index import matching_bands, matching_ledes
from .pipeline import clean, fingerprint
from .records import Article, CleanText, DedupResult, Line, by_id
from .shingle import is_spaceless, ngram_hashes, token_hashes, tokens
from .signature import estimate_jaccard, sign, sign_many
from .story import (
    Facts,
    StoryGraph,
    copies_dated_alike,
    copy_groups,
    cosine,
    dated_apart_pairs,
    fact_agreement,
    salient_terms,
    scan_with_stories,
    story_clusters,
)
from .verify import SCORE_PLACES, overlap

_CHUNK = re.compile(r"\S+")


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageSide:
    """One original line of one article, with the character spans it shares with the other."""

    line: int  # 1-based line number in the original text
    text: str
    spans: tuple[tuple[int, int], ...]  # [start, end) offsets into `text`, sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """A line of A and the line of B it shares most shingles with."""

    a: PassageSide
    b: PassageSide
    shared: int  # shingles starting in A's line found in B's line


@dataclass(frozen=True, slots=True, kw_only=True)
class Side:
    """What the pipeline made of one article of the pair."""

    id: str
    shingles: int
    kept_lines: int
    dropped: tuple[Line, ...]  # lines cleaning stripped, each with its rule name
    contained: float  # share of this article's shingles found in the other
    indexed: bool  # enough shingles to be indexed at all (config.min_shingles)


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    """The evidence for one pair and the verdict `scan` would reach on it."""

    a: Side
    b: Side
    shared: int
    jaccard: float
    containment: float  # of the smaller shingle set in the larger, as `verify` uses
    minhash_estimate: float
    bands: int
    rows: int
    matched_bands: tuple[int, ...]
    lede_bands: int  # lede keys (`IndexConfig.lede_words`): 0 when off
    matched_lede_bands: tuple[int, ...]
    template_lines: int | None  # site-template lines learned from the corpus; None: no corpus
    duplicate: bool  # passes exact verification
    via: str | None  # "jaccard" or "containment" when duplicate
    candidate: bool  # LSH proposes the pair (a band or a lede band matched)
    verdict: str
    passages: tuple[Passage, ...]
    params: dict[str, Any]
    # Whether a scan of the corpus puts the two in one cluster (`with_clusters`); None when
    # no corpus was scanned.
    same_cluster: bool | None = None

    @property
    def found_by_scan(self) -> bool:
        """True when a scan pairs these two directly: indexed, proposed and verified."""
        return self.duplicate and self.candidate and self.a.indexed and self.b.indexed


@dataclass(frozen=True, slots=True)
class _Units:
    """Shingle units (tokens, or characters for spaceless scripts) mapped to original lines."""

    lines: tuple[int, ...]  # line number of each unit
    spans: tuple[tuple[int, int], ...]  # character span of each unit in its line
    grams: npt.NDArray[np.uint64]  # shingle hash starting at each unit position
    k: int


def _units(cleaned: CleanText, config: DedupConfig) -> _Units:
    spaceless = is_spaceless(canonicalize(cleaned.text))
    k = config.shingle.char_size if spaceless else config.shingle.size
    words: list[str] = []
    lines: list[int] = []
    spans: list[tuple[int, int]] = []
    for line in cleaned.lines:
        if not line.kept:
            continue
        for chunk in _CHUNK.finditer(line.text):
            canon = canonicalize(chunk.group(0))
            units = [ch for ch in canon if not ch.isspace()] if spaceless else tokens(canon)
            for unit in units:
                words.append(unit)
                lines.append(line.n)
                spans.append(chunk.span())
    grams = ngram_hashes(token_hashes(words), k) if words else np.zeros(0, dtype=np.uint64)
    return _Units(tuple(lines), tuple(spans), grams, min(k, max(len(words), 1)))


def _covered(units: _Units, other: npt.NDArray[np.uint64]) -> list[bool]:
    hit = np.isin(units.grams, other)
    covered = [False] * len(units.lines)
    for j in np.flatnonzero(hit).tolist():
        for u in range(j, min(j + units.k, len(covered))):
            covered[u] = True
    return covered


def _line_spans(units: _Units, covered: list[bool], line: int) -> tuple[tuple[int, int], ...]:
    spans: list[list[int]] = []
    previous = False
    for n, span, hit in zip(units.lines, units.spans, covered, strict=True):
        if n != line:
            previous = False
            continue
        if hit and previous and spans:
            spans[-1][1] = max(spans[-1][1], span[1])
        elif hit:
            spans.append([span[0], span[1]])
        previous = hit
    return tuple((s, e) for s, e in spans)


def _passages(ca: CleanText, cb: CleanText, config: DedupConfig) -> tuple[Passage, ...]:
    ua, ub = _units(ca, config), _units(cb, config)
    cov_a, cov_b = _covered(ua, ub.grams), _covered(ub, ua.grams)
    first_in_b: dict[int, int] = {}
    for pos, gram in enumerate(ub.grams.tolist()):
        first_in_b.setdefault(gram, pos)
    votes: Counter[tuple[int, int]] = Counter()
    for pos, gram in enumerate(ua.grams.tolist()):
        other = first_in_b.get(gram)
        if other is not None:
            votes[(ua.lines[pos], ub.lines[other])] += 1
    best: dict[int, tuple[int, int]] = {}  # A line -> (votes, B line)
    for (line_a, line_b), count in sorted(votes.items()):
        if line_a not in best or count > best[line_a][0]:
            best[line_a] = (count, line_b)
    text_a = {ln.n: ln.text for ln in ca.lines}
    text_b = {ln.n: ln.text for ln in cb.lines}
    return tuple(
        Passage(
            a=PassageSide(line=la, text=text_a[la], spans=_line_spans(ua, cov_a, la)),
            b=PassageSide(line=lb, text=text_b[lb], spans=_line_spans(ub, cov_b, lb)),
            shared=count,
        )
        for la, (count, lb) in sorted(best.items())
    )


def _against(value: float, limit: float) -> str:
    """Return `value` to two places, or to as many more as it takes (up to six) for the
    printed figure to fall on the same side of `limit` as the value does: 0.7961 < 0.8
    printed as "0.80 < 0.8" read false (QA 15b #8)."""
    for places in range(2, 7):
        shown = round(value, places)
        if (shown >= limit) == (value >= limit):
            return f"{value:.{places}f}"
    return f"{value:.6f}"


def _verdict(
    jac: float, cont: float, config: DedupConfig, candidate: bool, indexed: bool, bands: int
) -> tuple[bool, str | None, str]:
    jac_shown = _against(jac, config.threshold)
    cont_shown = _against(cont, config.containment)
    if jac >= config.threshold:
        via: str | None = "jaccard"
        text = f"duplicate: exact Jaccard {jac_shown} ≥ threshold {config.threshold:g}"
    elif cont >= config.containment:
        via = "containment"
        text = (
            f"duplicate: the shorter article is {cont:.0%} contained in the longer "
            f"(containment {cont_shown} ≥ {config.containment:g}; Jaccard {jac_shown} < "
            f"{config.threshold:g})"
        )
    else:
        via = None
        text = (
            f"not a duplicate: exact Jaccard {jac_shown} < threshold {config.threshold:g} "
            f"and containment {cont_shown} < {config.containment:g}"
        )
    if via is not None and not indexed:
        text += f"; but one article has fewer than {config.min_shingles} shingles, so scan "
        text += "never indexes it"
    elif via is not None and not candidate:
        text += (
            f"; but no LSH band matched (0 of {bands}, nor a lede band), so scan does not "
            "pair them directly "
            "(only a third article can join them)"
        )
    return via is not None, via, text


def with_clusters(e: Explanation, result: DedupResult) -> Explanation:
    """Return `e` with where a scan of the whole corpus (`result`) put the two articles.

    The pair's verdict and the clusters can differ both ways. A pair that verifies may sit
    in two clusters: an article contained in several others joins its best container only
    (`cluster.build_clusters`). A pair that does not verify may share a cluster: each joined
    it through other members (a chain of copies). The verdict then says so.
    """
    member_of = {m.id: (c.id, m.via) for c in result.clusters for m in c.members}
    ca = member_of.get(e.a.id, (None, None))[0]
    cb = member_of.get(e.b.id, (None, None))[0]
    same = ca is not None and ca == cb
    verdict = e.verdict
    if e.duplicate and not same:
        where = ", ".join(
            f"{side.id} in cluster {c}" if c is not None else f"{side.id} in none"
            for side, c in ((e.a, ca), (e.b, cb))
        )
        verdict += f"; scan of the corpus keeps them apart ({where})"
        if e.via == "containment":
            verdict += (
                ": an article held by several joins its best container only "
                "(highest containment, then the one it is the larger share of)"
            )
    elif not e.duplicate and same:
        joined = ", ".join(
            f"{side.id} via {member_of[side.id][1]}"
            for side in (e.a, e.b)
            if member_of[side.id][1] is not None
        )
        verdict += f"; but scan of the corpus puts them in one cluster ({ca}) through other "
        verdict += f"members, a chain of copies ({joined})"
    return replace(e, same_cluster=same, verdict=verdict)


def explain(
    a: Article,
    b: Article,
    config: DedupConfig | None = None,
    *,
    templates: Collection[int] | None = None,
) -> Explanation:
    """Return the evidence for whether `a` and `b` are copies under `config`.

    Pass the corpus's site templates (`pipeline.corpus_templates`) to clean both articles
    exactly as `scan` cleaned them inside that corpus; None means the pair stands alone.
    """
    for name, article in (("a", a), ("b", b)):
        if not isinstance(article, Article):
            raise TypeError(f"{name} must be an Article, got {type(article).__name__}")
    config = check_config(config)
    known = templates
    templates = frozenset() if templates is None else templates
    ca, cb = clean(a, config, templates=templates), clean(b, config, templates=templates)
    fa, fb = fingerprint(ca, config), fingerprint(cb, config)
    jac, cont, shared = overlap(fa.shingles, fb.shingles)
    sig_a, sig_b = sign(fa.shingles, config.index), sign(fb.shingles, config.index)
    both = len(fa.shingles) > 0 and len(fb.shingles) > 0
    estimate = estimate_jaccard(sig_a, sig_b) if both else 0.0
    matched = matching_bands(sig_a, sig_b, config.index) if both else ()
    bands, rows = config.index.bands_rows
    lede_bands, lede_rows = config.index.lede_bands_rows
    ledes_matched: tuple[int, ...] = ()
    if both and lede_bands:
        lede_a, lede_b = (
            sign_many([f.lede], config.index, width=lede_bands * lede_rows)[0] for f in (fa, fb)
        )
        ledes_matched = matching_ledes(lede_a, lede_b, config.index)
    candidate = bool(matched or ledes_matched)
    indexed = min(len(fa.shingles), len(fb.shingles)) >= config.min_shingles

    def side(cleaned: CleanText, count: int) -> Side:
        return Side(
            id=cleaned.article_id,
            shingles=count,
            kept_lines=sum(1 for ln in cleaned.lines if ln.kept),
            dropped=cleaned.dropped,
            contained=round(shared / count, SCORE_PLACES) if count else 0.0,
            indexed=count >= config.min_shingles,
        )

    duplicate, via, verdict = _verdict(jac, cont, config, candidate, indexed, bands)
    empty = [c.article_id for c, f in ((ca, fa), (cb, fb)) if not len(f.shingles)]
    if empty:  # scan calls them too short to compare, not "not a duplicate: Jaccard 0.00"
        has = "has" if len(empty) == 1 else "both have"
        verdict = (
            f"not compared: {' and '.join(empty)} {has} nothing left to compare after "
            "cleaning (empty, or all boilerplate), as scan reports it (too_short)"
        )
    return Explanation(
        a=side(ca, len(fa.shingles)),
        b=side(cb, len(fb.shingles)),
        shared=shared,
        jaccard=round(jac, SCORE_PLACES),
        containment=round(cont, SCORE_PLACES),
        minhash_estimate=round(estimate, SCORE_PLACES),
        bands=bands,
        rows=rows,
        matched_bands=matched,
        lede_bands=lede_bands,
        matched_lede_bands=ledes_matched,
        template_lines=None if known is None else len(templates),
        duplicate=duplicate,
        via=via,
        candidate=candidate,
        verdict=verdict,
        passages=_passages(ca, cb, config),
        params=config.params(),
    )


def _side_dict(side: Side) -> dict[str, Any]:
    return {
        "id": side.id,
        "shingles": side.shingles,
        "contained_in_other": side.contained,
        "kept_lines": side.kept_lines,
        "indexed": side.indexed,
        "dropped": [{"line": ln.n, "reason": ln.reason, "text": ln.text} for ln in side.dropped],
    }


def _passage_side(p: PassageSide) -> dict[str, Any]:
    return {"line": p.line, "text": p.text, "shared_spans": [list(s) for s in p.spans]}


def explanation_to_dict(e: Explanation) -> dict[str, Any]:
    """Return the explanation as plain data, in the documented key order."""
    return {
        "newsdedup": __version__,
        "params": e.params,
        "a": _side_dict(e.a),
        "b": _side_dict(e.b),
        "scores": {
            "jaccard": e.jaccard,
            "containment": e.containment,
            "containment_a_in_b": e.a.contained,
            "containment_b_in_a": e.b.contained,
            "minhash_estimate": e.minhash_estimate,
            "shared_shingles": e.shared,
        },
        "lsh": {
            "bands": e.bands,
            "rows": e.rows,
            "matched_bands": list(e.matched_bands),
            "lede_bands": e.lede_bands,
            "matched_lede_bands": list(e.matched_lede_bands),
            "candidate": e.candidate,
        },
        "template_lines": e.template_lines,
        "verdict": {
            "duplicate": e.duplicate,
            "via": e.via,
            "found_by_scan": e.found_by_scan,
            "same_cluster": e.same_cluster,
            "reason": e.verdict,
        },
        "passages": [
            {"a": _passage_side(p.a), "b": _passage_side(p.b), "shared_shingles": p.shared}
            for p in e.passages
        ],
    }


def explanation_to_json(e: Explanation) -> str:
    """Return the explanation as JSON text with a final newline."""
    return json.dumps(explanation_to_dict(e), ensure_ascii=False, indent=2) + "\n"


# ---- stories ---------------------------------------------------------------------------------

# Terms shown per side, and shared terms shown, in a story explanation.
STORY_TERMS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryExplanation:
    """Why two articles are, or are not, in one story: what `scan --level story` weighed.

    Computed over the whole corpus (its idf, neighbourhoods and copy clusters), as the scan
    computes it, so the verdict is the scan's.
    """

    a: str
    b: str
    story_a: int | None  # the story each is in (None: in no story of two or more)
    story_b: int | None
    same_story: bool
    similarity: float  # cosine of the two articles' term vectors
    candidate: bool  # LSH over salient terms proposed the pair (and dates allow it)
    score: float | None  # neighbourhood score times facts; None: no edge between the two
    # Neighbours the two have in common (None: no edge). With none, the neighbourhood
    # agreement is capped at their term cosine (before facts).
    shared_neighbours: int | None
    threshold: float
    shared_terms: tuple[tuple[str, float, float], ...]  # (term, weight in a, weight in b)
    terms_a: tuple[str, ...]  # each side's heaviest terms
    terms_b: tuple[str, ...]
    date_a: str | None  # ISO dates as the story level used them (copies: their median)
    date_b: str | None
    dated_apart: bool  # further apart than max_days: never one story
    # When neither story holds both: the mean score over all cross pairs of the two final
    # groups (missing edges 0, before dates), and how many cross pairs are dated apart (each
    # counts `dated_apart` against the merge). None when they share a story.
    group_mean: float | None
    groups_dated_apart: int | None
    facts_a: Facts
    facts_b: Facts
    fact_factor: float  # what their facts multiply the score by
    verdict: str
    params: dict[str, Any]


def _iso(day: int | None) -> str | None:
    return None if day is None else dt.date.fromordinal(day).isoformat()


def _no_terms(ids: Sequence[str]) -> str:
    """The verdict for a pair one of which has no terms: nothing to compare, not "LSH did
    not propose the pair" (QA 19a #5)."""
    has = "has" if len(ids) == 1 else "both have"
    return (
        f"not compared: {' and '.join(ids)} {has} nothing left to compare after cleaning "
        "(empty, or all boilerplate), as scan reports it (too_short)"
    )


def _story_verdict(
    story: int | None,
    same: bool,
    score: float | None,
    candidate: bool,
    apart: bool,
    config: StoryConfig,
    groups: tuple[float, int] | None = None,
    copies: int | None = None,
) -> str:
    if same and copies is not None:
        return (
            f"same story: both are in story {story} as copies (copy cluster {copies}), and "
            "copies always share a story, whatever their terms and dates"
        )
    if same:
        direct = score is not None and score >= config.threshold
        how = "directly" if direct else "through the other members of the story (average-link)"
        return f"same story: both are in story {story}, joined {how}"
    if apart:
        return f"different stories: dated more than {config.max_days} days apart"
    if not candidate:
        return "different stories: LSH over their salient terms did not propose the pair"
    if score is None:
        return (
            "different stories: too little in common for an edge "
            f"(similarity below {config.neighbour_floor})"
        )
    if score < config.threshold:
        return f"different stories: score {score} is below the threshold {config.threshold}"
    verdict = (
        f"different stories: their score {score} passes, but their groups agree less than "
        f"{config.threshold} on average (average-link)"
    )
    if groups is not None and groups[1]:
        mean, dated = groups
        pairs = "pair counts" if dated == 1 else "pairs count"
        verdict += (
            f"; {dated} cross {pairs} against it, dated more than {config.max_days} days "
            f"apart (mean {mean} before the dates)"
        )
    return verdict


def _group_agreement(
    group_a: Sequence[int],
    group_b: Sequence[int],
    graph: StoryGraph,
    dates: Sequence[int | None],
    max_days: int,
) -> tuple[float, int]:
    """Return what average-link weighed against merging two groups of document indexes: the
    mean edge score over all their cross pairs (missing edges count 0) and how many of those
    pairs are dated more than `max_days` apart."""
    total = math.fsum(
        graph.edges.get((min(i, j), max(i, j)), 0.0) for i in group_a for j in group_b
    )
    dated = dated_apart_pairs(group_a, group_b, dates, max_days)
    return total / (len(group_a) * len(group_b)), dated


def explain_story(
    articles: Sequence[Article], a_id: str, b_id: str, config: DedupConfig
) -> StoryExplanation:
    """Return the evidence for whether articles `a_id` and `b_id` of `articles` share a story.

    Runs the story level over all of `articles` (copy clusters, terms with the corpus idf,
    candidates, neighbourhood scores, average-link) and reads off the pair.
    """
    items = by_id(articles)
    position = {a.id: n for n, a in enumerate(items)}
    for name in (a_id, b_id):
        if name not in position:
            raise KeyError(name)
    result, docs = scan_with_stories(items, config)
    together = copy_groups(items, result.clusters)
    stories, graph = story_clusters(docs, config.story, together=together)
    # The dates average-link weighed: copies take their median (QA 20b #4: the explanation
    # read each copy's own date, and disagreed with the scan).
    dates = copies_dated_alike(graph.dates, together, config.story.max_days)
    story_of = {m.id: s.id for s in stories for m in s.members}
    i, j = sorted((position[a_id], position[b_id]))
    va, vb = graph.vectors[position[a_id]], graph.vectors[position[b_id]]
    shared = sorted(
        ((t, va[t], vb[t]) for t in va.keys() & vb.keys()), key=lambda x: (-x[1] * x[2], x[0])
    )[:STORY_TERMS]
    da, db = docs[position[a_id]], docs[position[b_id]]
    apart = dated_apart_pairs([i], [j], dates, config.story.max_days) == 1
    candidate = bool(np.any((graph.pairs[:, 0] == i) & (graph.pairs[:, 1] == j)))
    edge = graph.edges.get((i, j))
    common = graph.shared.get((i, j))
    score = None if edge is None else round(edge, SCORE_PLACES)
    story_a, story_b = story_of.get(a_id), story_of.get(b_id)
    same = story_a is not None and story_a == story_b
    copy_of = {m.id: c.id for c in result.clusters for m in c.members}
    copies = copy_of.get(a_id) if copy_of.get(a_id) == copy_of.get(b_id) else None
    groups = None
    if not same:
        # Each side's final group: its story's members, or the article alone.
        members = {s.id: [position[m.id] for m in s.members] for s in stories}
        group_a = members[story_a] if story_a is not None else [position[a_id]]
        group_b = members[story_b] if story_b is not None else [position[b_id]]
        mean, dated = _group_agreement(group_a, group_b, graph, dates, config.story.max_days)
        groups = (round(mean, SCORE_PLACES), dated)

    return StoryExplanation(
        a=a_id,
        b=b_id,
        story_a=story_a,
        story_b=story_b,
        same_story=same,
        similarity=round(cosine(va, vb), SCORE_PLACES),
        candidate=candidate,
        score=score,
        shared_neighbours=None if common is None else int(common),
        threshold=config.story.threshold,
        shared_terms=tuple(
            (t, round(x, SCORE_PLACES), round(y, SCORE_PLACES)) for t, x, y in shared
        ),
        terms_a=tuple(salient_terms(va, STORY_TERMS)),
        terms_b=tuple(salient_terms(vb, STORY_TERMS)),
        date_a=_iso(dates[position[a_id]]),
        date_b=_iso(dates[position[b_id]]),
        dated_apart=apart,
        group_mean=None if groups is None else groups[0],
        groups_dated_apart=None if groups is None else groups[1],
        facts_a=da.facts,
        facts_b=db.facts,
        fact_factor=round(fact_agreement(da.facts, db.facts, config.story), SCORE_PLACES),
        verdict=_story_verdict(story_a, same, score, candidate, apart, config.story, groups, copies)
        if same or (va and vb)
        else _no_terms([name for name, v in ((a_id, va), (b_id, vb)) if not v]),
        params={**config.params(), "level": "story", "story": asdict(config.story)},
    )


def _facts_dict(f: Facts) -> dict[str, Any]:
    return {"year": f.year, "year_named": f.named, "decimals": sorted(f.decimals)}


def story_explanation_to_dict(e: StoryExplanation) -> dict[str, Any]:
    """Return the story explanation as plain data, in the documented key order."""
    return {
        "newsdedup": __version__,
        "params": e.params,
        "level": "story",
        "a": {
            "id": e.a,
            "story": e.story_a,
            "terms": list(e.terms_a),
            "date": e.date_a,
            "facts": _facts_dict(e.facts_a),
        },
        "b": {
            "id": e.b,
            "story": e.story_b,
            "terms": list(e.terms_b),
            "date": e.date_b,
            "facts": _facts_dict(e.facts_b),
        },
        "scores": {
            "similarity": e.similarity,
            "score": e.score,
            "shared_neighbours": e.shared_neighbours,
            "threshold": e.threshold,
            "fact_factor": e.fact_factor,
        },
        "shared_terms": [{"term": t, "a": x, "b": y} for t, x, y in e.shared_terms],
        "candidate": e.candidate,
        "dated_apart": e.dated_apart,
        "groups": (
            None
            if e.group_mean is None
            else {"mean": e.group_mean, "dated_apart_pairs": e.groups_dated_apart}
        ),
        "verdict": {"same_story": e.same_story, "reason": e.verdict},
    }


def story_explanation_to_json(e: StoryExplanation) -> str:
    """Return the story explanation as JSON text with a final newline."""
    return json.dumps(story_explanation_to_dict(e), ensure_ascii=False, indent=2) + "\n"
