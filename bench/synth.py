"""Build a synthetic near-duplicate news benchmark with planted syndicated copies.

Sources are BBC full-text and Reuters-21578 bodies (natural near-duplicates removed first), rendered
onto synthetic "sites" whose headers and footers are real scraper leftovers from the scrapinghub
article-extraction benchmark. A fraction of articles get 1-4 syndicated copies on other sites; the
planted groups are the only truth. See bench/README.md for the design and its caveats.

Usage: python bench/synth.py --n 10000 --seed 0 --out DIR [--format jsonl|folder] [--data-dir D]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
FORMATS = ("jsonl", "folder")
SCHEMA_VERSION = 1

# Source selection and natural-duplicate removal.
MIN_SOURCE_WORDS = 60
SHINGLE_K = 5
# Stricter than the usual 0.5 on purpose: Reuters holds many rewrites of one wire item (J 0.4-0.5,
# containment 0.6-0.8) that a detector using containment would flag, yet the truth would not list.
# Dropping them keeps the planted groups the only truth.
NATURAL_DUP_JACCARD = 0.4
NATURAL_DUP_CONTAINMENT = 0.6
SAMPLE_MASK = 3  # keep shingles whose mixed hash has low bits 0: a 1-in-4 consistent sample
MAX_SAMPLE_DF = 200  # sampled shingles in more documents than this are stock phrases, not evidence
MIN_SHARED_SAMPLES = 2

# Planting.
NUM_SITES = 48
HEAVY_SITE_SHARE = 0.25
DUP_FRACTION = 0.3
COPIES_WEIGHTS = (0.45, 0.3, 0.15, 0.1)  # for 1, 2, 3, 4 copies
HARD_NEGATIVE_SHARE = 0.08  # of singleton articles, rendered short on a template-heavy site
TRUNCATE_P = 0.4
MIN_COPY_SHARE = 0.6  # a copy keeps at least this share of the source's words
DROP_PARA_P = 0.25
INSERT_PARA_P = 0.25
CAPTION_P = 0.45
RELATED_P = 0.4
AD_P = 0.4
INLINE_JUNK_P = 0.3
WHITESPACE_P = 0.3
HEADLINE_EDIT_P = 0.2
SCRAMBLE_EVERY = 4  # < SHINGLE_K, so no borrowed 5-word run survives
BASE_DATE = dt.date(2019, 1, 1)
DATE_SPAN_DAYS = 730

_MASK64 = (1 << 64) - 1
_MULT = np.uint64(0x100000001B3)
_TOKEN_RE = re.compile(r"\w+")
_VOCAB_WORD_RE = re.compile(r"\b[a-z]{3,}\b")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")
_REUTERS_RE = re.compile(r'<REUTERS[^>]*NEWID="(\d+)">(.*?)</REUTERS>', re.DOTALL)
_TAG_RE = {
    name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL)
    for name in ("TITLE", "DATELINE", "BODY")
}
_NUMERIC_ENTITY_RE = re.compile(r"&#\d+;")
_REUTERS_PARA_RE = re.compile(r"\n(?=\s{2,}\S)|\n\s*\n")
_REUTERS_SIGNOFF_RE = re.compile(r"\s*\bREUTER\b\s*$", re.IGNORECASE)
_US_RE = re.compile(r"\bUS\b")
_UK_RE = re.compile(r"\bUK\b")
_DASH_RE = re.compile(r" (?:-|--|\u2014|\u2013) ")
_OPEN_QUOTE_RE = re.compile(r'(^|[\s(\[])"')
_CURLY_TRANS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_APOS_RE = re.compile(r"(\w)'(\w)")
_TRAILING_PUNCT = ".,;:!?\"')\u201d"
_STOPWORDS = frozenset(
    ("the", "and", "of", "to", "a", "in", "is", "for", "on", "that", "with", "was", "said", "it")
)

SITE_WORDS_A = (
    "daily",
    "morning",
    "evening",
    "global",
    "metro",
    "city",
    "national",
    "northern",
    "coastal",
    "capital",
    "valley",
    "harbour",
    "western",
    "eastern",
    "union",
    "free",
    "weekly",
    "central",
)
SITE_WORDS_B = (
    "courier",
    "herald",
    "post",
    "wire",
    "ledger",
    "tribune",
    "gazette",
    "observer",
    "chronicle",
    "dispatch",
    "times",
    "journal",
    "sentinel",
    "record",
    "bulletin",
    "express",
    "monitor",
    "star",
)
NAMES = (
    "Anna Kowalski",
    "Ben Okafor",
    "Carla Mendes",
    "David Lin",
    "Elena Petrova",
    "Farid Haddad",
    "Grace Mwangi",
    "Hiro Tanaka",
    "Ines Duarte",
    "Jonas Berg",
    "Kate Morrison",
    "Luis Ortega",
    "Maya Singh",
    "Noah Fischer",
    "Olga Ivanova",
    "Pete Walsh",
    "Rosa Klein",
    "Sam Adeyemi",
)
CREDITS = (
    "PHOTO: AFP",
    "(Photo by {name} via AP)",
    "Picture: {name}/REUTERS",
    "Image copyright Getty Images",
    "(AP Photo/{name})",
    "Photo: {name} / Bloomberg",
    "[Image: EPA]",
    "Credit: {name}/Shutterstock",
)
AD_MARKERS = (
    "- Advertisement -",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "[Ad]",
    "Sponsored content",
    "Continue reading the main story",
)
RELATED_HEADINGS = (
    "Related Articles",
    "RELATED COVERAGE",
    "Read more:",
    "You may also like",
    "More from this section",
    "Recommended for you",
    "MORE ON THIS STORY",
)
DATELINES = (
    "{PLACE} (Reuters) - ",
    "{PLACE}: ",
    "{Place}, {Mon} {d}{dash}",
    "{PLACE}{dash}",
    "",
    "{Place} ({agency}){dash}",
    "{PLACE}, {Mon} {d} ({agency}) - ",
    "",
)
AGENCIES = ("AP", "AFP", "Reuters", "PA", "Bloomberg", "dpa")
DATE_FORMATS = ("{iso}", "{Month} {d}, {y}", "{dd}/{mm}/{y}", "Published {iso}", "{d} {Month} {y}")
BYLINES = ("By {name}", "By {name}, Staff Reporter", "{name} | {agency}", "Staff and agencies", "")
DASHES = (" \u2014 ", " -- ", " - ", " \u2013 ")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Source:
    """One distinct source article: a key, headline, dateline place and body paragraphs."""

    key: str
    headline: str
    place: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A synthetic publisher: fixed template blocks plus a house style."""

    name: str
    header: str
    footer: str
    inline: tuple[str, ...]
    heavy: bool
    curly_quotes: bool
    us_dotted: bool
    dash: str
    dateline: str
    date_format: str
    byline: str
    para_sep: str
    wrap: int
    ad_marker: str
    related_heading: str


@dataclass(frozen=True, slots=True)
class _Template:
    """Leftover lines of one scrapinghub page, split around its article body."""

    header: tuple[str, ...]
    inline: tuple[str, ...]
    footer: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Pool:
    """Everything the renderer reads: distinct sources, sentence pool, vocabulary, sites."""

    sources: tuple[Source, ...]
    sentences: tuple[tuple[int, str], ...]
    vocab: tuple[str, ...]
    sites: tuple[Site, ...]


# --------------------------------------------------------------------------- shingles


def _h64(token: str) -> int:
    """Return a stable 64-bit id for a token."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _mix(h: np.ndarray) -> np.ndarray:
    """Apply the splitmix64 finalizer so every bit of a rolling hash is well mixed."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def shingle_hashes(
    text: str, *, k: int = SHINGLE_K, vocab: dict[str, int] | None = None
) -> np.ndarray:
    """Return sorted unique 64-bit hashes of the lowercase ``\\w+`` k-word shingles of ``text``.

    Texts shorter than k words give one shingle of all their words. ``vocab`` caches token ids
    across calls; pass a fresh dict per job, never share one between processes.
    """
    cache = {} if vocab is None else vocab
    toks = _TOKEN_RE.findall(text.lower())
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    for tok in set(toks).difference(cache):
        cache[tok] = _h64(tok)
    ids = np.fromiter(map(cache.__getitem__, toks), dtype=np.uint64, count=len(toks))
    width = min(k, len(toks))
    count = len(toks) - width + 1
    h = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(width):
            h = h * _MULT + ids[j : j + count]
        return np.unique(_mix(h))


def jaccard_containment(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Return (Jaccard, containment of the smaller in the larger) of two sorted unique arrays."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter), inter / min(a.size, b.size)


# --------------------------------------------------------------------------- loading


def _check_data_dir(data_dir: Path) -> None:
    """Raise FileNotFoundError naming the data dir when an input is missing."""
    needed = (
        data_dir / "raw" / "bbc-fulltext",
        data_dir / "raw" / "reuters21578",
        data_dir / "raw" / "scrapinghub-aeb" / "ground-truth.json",
        data_dir / "raw" / "scrapinghub-aeb" / "output" / "html-text.json",
    )
    for path in needed:
        if not path.exists():
            raise FileNotFoundError(
                f"benchmark data not found: {path} (pass --data-dir, default {DEFAULT_DATA_DIR})"
            )


def _clean_par(text: str) -> str:
    """Collapse internal whitespace of one paragraph."""
    return " ".join(text.split())


def _word_count(paragraphs: Sequence[str]) -> int:
    """Return the number of whitespace words in the paragraphs."""
    return sum(len(p.split()) for p in paragraphs)


def load_bbc(root: Path) -> list[Source]:
    """Read BBC articles: headline on line 1, then blank-line separated paragraphs."""
    out = []
    for path in sorted(root.glob("*/*.txt"), key=lambda p: p.relative_to(root).as_posix()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        head, _, body = text.strip().partition("\n")
        paras = tuple(p for p in (_clean_par(x) for x in re.split(r"\n\s*\n", body)) if p)
        key = "bbc/" + path.relative_to(root).with_suffix("").as_posix()
        out.append(Source(key, _clean_par(head), "LONDON", paras))
    return out


def load_reuters(root: Path) -> list[Source]:
    """Read Reuters-21578 stories that have a BODY, with SGML entities removed."""
    out = []
    for path in sorted(root.glob("reut2-*.sgm")):
        raw = path.read_bytes().decode("latin-1")
        for match in _REUTERS_RE.finditer(raw):
            inner = match.group(2)
            body_m = _TAG_RE["BODY"].search(inner)
            if body_m is None:
                continue
            title_m = _TAG_RE["TITLE"].search(inner)
            place_m = _TAG_RE["DATELINE"].search(inner)
            body = html.unescape(_NUMERIC_ENTITY_RE.sub("", body_m.group(1)))
            body = _REUTERS_SIGNOFF_RE.sub("", body)
            paras = tuple(p for p in (_clean_par(x) for x in _REUTERS_PARA_RE.split(body)) if p)
            title = html.unescape(_NUMERIC_ENTITY_RE.sub("", title_m.group(1))) if title_m else ""
            place = ""
            if place_m:
                place = html.unescape(place_m.group(1)).strip().split(",")[0].strip()
            out.append(
                Source(
                    f"reuters/{match.group(1)}",
                    _clean_par(title).title(),
                    place or "NEW YORK",
                    paras,
                )
            )
    return out


def _is_english(text: str) -> bool:
    """Guess whether a text is English from its share of common function words."""
    toks = _TOKEN_RE.findall(text.lower())
    if len(toks) < 30:
        return False
    return sum(t in _STOPWORDS for t in toks) / len(toks) >= 0.08


def load_templates(aeb_dir: Path) -> list[_Template]:
    """Split each English scrapinghub page dump into header, inline and footer leftover lines."""
    truth = json.loads((aeb_dir / "ground-truth.json").read_text(encoding="utf-8"))
    dumps = json.loads((aeb_dir / "output" / "html-text.json").read_text(encoding="utf-8"))[
        "output"
    ]
    out = []
    for page_id in sorted(truth):
        body = truth[page_id].get("articleBody") or ""
        page = (dumps.get(page_id) or {}).get("articleBody") or ""
        if not _is_english(body):
            continue
        body_lines = {ln.strip() for ln in body.splitlines() if ln.strip()}
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        hits = [i for i, ln in enumerate(lines) if ln in body_lines]
        if not hits:
            continue

        def keep(ln: str, body_lines: set[str] = body_lines) -> bool:
            return 2 <= len(ln) <= 160 and ln not in body_lines

        # Skip the page title (line 0), the ~6 lines above the body (headline, byline, lead
        # caption) and the 3 below it (tags, author bio): they belong to one article, not the site.
        header = tuple(ln for ln in lines[1 : max(1, hits[0] - 6)] if keep(ln))
        inline = tuple(ln for ln in lines[hits[0] : hits[-1]] if keep(ln) and len(ln) <= 80)
        footer = tuple(ln for ln in lines[hits[-1] + 4 :] if keep(ln))
        out.append(_Template(header, inline, footer))
    return out


# --------------------------------------------------------------------------- natural duplicates


def find_natural_duplicates(
    texts: Sequence[str],
    *,
    jaccard: float = NATURAL_DUP_JACCARD,
    containment: float = NATURAL_DUP_CONTAINMENT,
) -> tuple[set[int], int]:
    """Return (indices to drop, number of similar pairs) so no two kept texts are near-duplicates.

    Exact 64-bit shingle hashes; candidates are pairs sharing at least two shingles from a
    consistent 1-in-4 hash sample (ignoring sampled shingles in more than MAX_SAMPLE_DF texts).
    Candidates are verified exactly. Greedy in input order: a text is kept unless it is similar to
    an already kept one. For texts of >= 56 shingles with Jaccard >= 0.5 the expected number of
    shared samples is >= 9, so a miss needs a very unlucky sample.
    """
    vocab: dict[str, int] = {}
    sigs = [shingle_hashes(t, vocab=vocab) for t in texts]
    drop: set[int] = set()
    exact: dict[bytes, int] = {}
    for i, sig in enumerate(sigs):
        digest = hashlib.blake2b(sig.tobytes(), digest_size=16).digest()
        if digest in exact:
            drop.add(i)  # same shingle set as an earlier text: an exact repeat
        else:
            exact[digest] = i
    keys, docs = [], []
    for i, sig in enumerate(sigs):
        if i in drop:
            continue
        sample = sig[(sig & np.uint64(SAMPLE_MASK)) == 0]
        keys.append(sample)
        docs.append(np.full(sample.size, i, dtype=np.int64))
    if not keys:
        return drop, 0
    all_keys = np.concatenate(keys)
    all_docs = np.concatenate(docs)
    order = np.lexsort((all_docs, all_keys))
    all_keys, all_docs = all_keys[order], all_docs[order]
    bounds = np.flatnonzero(np.diff(all_keys)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [all_keys.size]))
    n = len(texts)
    sizes = ends - starts
    twos = starts[sizes == 2]  # most shared samples are in exactly two texts: vectorize those
    pair_codes = [all_docs[twos] * n + all_docs[twos + 1]]
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if 3 <= e - s <= MAX_SAMPLE_DF:
            group = all_docs[s:e]
            a, b = np.triu_indices(group.size, k=1)
            pair_codes.append(group[a] * n + group[b])
    similar: dict[int, list[int]] = {}
    pairs = 0
    if pair_codes:
        codes, counts = np.unique(np.concatenate(pair_codes), return_counts=True)
        for code in codes[counts >= MIN_SHARED_SAMPLES].tolist():
            i, j = divmod(code, n)
            jac, con = jaccard_containment(sigs[i], sigs[j])
            if jac >= jaccard or con >= containment:
                pairs += 1
                similar.setdefault(j, []).append(i)
    for j in sorted(similar):
        if j not in drop and any(i not in drop for i in similar[j]):
            drop.add(j)
    return drop, pairs


# --------------------------------------------------------------------------- sites


def make_sites(
    templates: Sequence[_Template], rng: random.Random, count: int = NUM_SITES
) -> list[Site]:
    """Return ``count`` synthetic sites built from real leftover lines, with house styles."""
    usable = [t for t in templates if len(t.header) >= 3 and len(t.footer) >= 2]
    if not usable:
        raise ValueError("no usable scrapinghub templates (need English pages with leftovers)")
    inline_pool = sorted({ln for t in templates for ln in t.inline})
    names = [f"{a}-{b}" for a in SITE_WORDS_A for b in SITE_WORDS_B]
    rng.shuffle(names)
    heavy_count = max(1, round(count * HEAVY_SITE_SHARE))
    sites = []
    for idx in range(count):
        heavy = idx < heavy_count
        picks = rng.sample(usable, k=min(len(usable), rng.randint(1, 3)))
        header_lines = [ln for t in picks for ln in t.header]
        if heavy:
            size = rng.randint(20, 60)
            while len(header_lines) < size:
                header_lines += list(rng.choice(usable).header)
            start = rng.randrange(0, len(header_lines) - size + 1)
            header_lines = header_lines[start : start + size]
        else:
            size = min(len(header_lines), rng.randint(3, 12))
            header_lines = header_lines[:size]
        foot_src = rng.choice(picks).footer
        foot_size = min(len(foot_src), rng.randint(4, 25) if heavy else rng.randint(2, 10))
        footer_lines = list(foot_src[:foot_size])
        inline = tuple(rng.sample(inline_pool, k=min(len(inline_pool), 4))) if inline_pool else ()
        sites.append(
            Site(
                name=f"s{idx:02d}-{names[idx % len(names)]}",
                header="\n".join(header_lines),
                footer="\n".join(footer_lines),
                inline=inline,
                heavy=heavy,
                curly_quotes=rng.random() < 0.5,
                us_dotted=rng.random() < 0.5,
                dash=rng.choice(DASHES),
                dateline=rng.choice(DATELINES),
                date_format=rng.choice(DATE_FORMATS),
                byline=rng.choice(BYLINES),
                para_sep="\n\n" if rng.random() < 0.75 else "\n",
                wrap=rng.choice((0, 0, 0, 0, 0, 72, 80)),
                ad_marker=rng.choice(AD_MARKERS),
                related_heading=rng.choice(RELATED_HEADINGS),
            )
        )
    return sites


# --------------------------------------------------------------------------- pool


def _split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences at terminal punctuation followed by a capital."""
    return [s for s in _SENTENCE_SPLIT_RE.split(paragraph) if s]


def build_pool(data_dir: Path, seed: int) -> tuple[_Pool, dict[str, Any]]:
    """Load sources and templates, drop natural near-duplicates, and make the sites."""
    _check_data_dir(data_dir)
    raw = data_dir / "raw"
    bbc = load_bbc(raw / "bbc-fulltext")
    reuters = load_reuters(raw / "reuters21578")
    candidates = [s for s in bbc + reuters if _word_count(s.paragraphs) >= MIN_SOURCE_WORDS]
    drop, similar_pairs = find_natural_duplicates(["\n".join(s.paragraphs) for s in candidates])
    sources = tuple(s for i, s in enumerate(candidates) if i not in drop)
    sentences = []
    words: set[str] = set()
    for idx, src in enumerate(sources):
        for par in src.paragraphs:
            for sent in _split_sentences(par):
                if 6 <= len(sent.split()) <= 60:
                    sentences.append((idx, sent))
            words.update(_VOCAB_WORD_RE.findall(par.lower()))
    templates = load_templates(raw / "scrapinghub-aeb")
    sites = make_sites(templates, random.Random(f"sites:{seed}"))
    pool = _Pool(sources, tuple(sentences), tuple(sorted(words)), tuple(sites))
    stats = {
        "bbc_articles": len(bbc),
        "reuters_bodies": len(reuters),
        "sources_min_words": len(candidates),
        "natural_similar_pairs": similar_pairs,
        "natural_duplicates_removed": len(drop),
        "distinct_sources": len(sources),
        "sentence_pool": len(sentences),
        "templates": len(templates),
        "sites": len(sites),
        "heavy_sites": sum(s.heavy for s in sites),
    }
    return pool, stats


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which base article each output slot shows, and which copy of it (0 = original)."""

    base_of_id: np.ndarray
    copy_of_id: np.ndarray
    copies_per_base: np.ndarray
    source_order: np.ndarray


def make_plan(n: int, num_sources: int, seed: int) -> _Plan:
    """Decide group sizes until n articles, then shuffle them into id order."""
    rng = random.Random(f"plan:{seed}")
    copies: list[int] = []
    total = 0
    while total < n:
        extra = 0
        if rng.random() < DUP_FRACTION:
            extra = rng.choices(range(1, len(COPIES_WEIGHTS) + 1), weights=COPIES_WEIGHTS)[0]
        extra = min(extra, n - total - 1)
        copies.append(extra)
        total += 1 + extra
    copies_arr = np.asarray(copies, dtype=np.int64)
    base = np.repeat(np.arange(copies_arr.size, dtype=np.int64), copies_arr + 1)
    starts = np.repeat(np.cumsum(copies_arr + 1) - (copies_arr + 1), copies_arr + 1)
    copy_idx = np.arange(base.size, dtype=np.int64) - starts
    perm = np.random.Generator(np.random.PCG64(rng.getrandbits(64))).permutation(base.size)
    source_order = np.random.Generator(np.random.PCG64(rng.getrandbits(64))).permutation(
        num_sources
    )
    return _Plan(base[perm], copy_idx[perm], copies_arr, source_order)


def truth_clusters(plan: _Plan, ids: Sequence[str]) -> list[list[str]]:
    """Return the planted groups (original plus copies) as sorted id lists, sorted by first id."""
    order = np.lexsort((np.arange(plan.base_of_id.size), plan.base_of_id))
    bases = plan.base_of_id[order]
    bounds = np.flatnonzero(np.diff(bases)) + 1
    clusters = []
    for group in np.split(order, bounds):
        if group.size >= 2:
            clusters.append(sorted(ids[i] for i in group.tolist()))
    clusters.sort()
    return clusters


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class _Base:
    """A base article plus the per-group choices shared by all its renderings."""

    headline: str
    place: str
    paragraphs: tuple[str, ...]
    sites: tuple[int, ...]
    date: dt.date
    hard_negative: bool
    spliced: bool


def _seed_int(seed: int, *parts: int) -> int:
    """Combine a seed and small non-negative ints into one unique Random seed."""
    value = seed & _MASK64
    for part in parts:
        value = (value << 40) | part
    return value


def _scramble(text: str, pool: _Pool, rng: random.Random) -> str:
    """Replace every SCRAMBLE_EVERY-th word with a random pool word, keeping its punctuation.

    Every window of SHINGLE_K words then holds a replaced word, so the text shares no 5-word
    shingle with the article it was taken from. Without this, a short article holding one long
    borrowed sentence reaches containment 0.5-0.9 against the source of that sentence.
    """
    words = text.split()
    phase = rng.randrange(SCRAMBLE_EVERY)
    targets = words[phase::SCRAMBLE_EVERY]
    picks = rng.choices(pool.vocab, k=len(targets))
    words[phase::SCRAMBLE_EVERY] = [
        pick + word[len(word.rstrip(_TRAILING_PUNCT)) :]
        for pick, word in zip(picks, targets, strict=True)
    ]
    return " ".join(words)


def _spliced_article(pool: _Pool, rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    """Return (headline, place, paragraphs) of a new article spliced from unrelated sentences."""
    sizes = [rng.randint(2, 4) for _ in range(rng.randint(3, 6))]
    # One batched draw (fast); a sentence whose source is already used is replaced by a fresh one.
    picks = rng.choices(pool.sentences, k=sum(sizes))
    used: set[int] = set()
    chosen = []
    for src, sent in picks:
        while src in used:
            src, sent = pool.sentences[rng.randrange(len(pool.sentences))]
        used.add(src)
        chosen.append((src, sent))
    paragraphs = []
    start = 0
    for size in sizes:
        joined = " ".join(sent for _, sent in chosen[start : start + size])
        paragraphs.append(_scramble(joined, pool, rng))
        start += size
    first_src = chosen[0][0]
    unique = " ".join(rng.choices(pool.vocab, k=rng.randint(12, 20))).capitalize() + "."
    pos = rng.randrange(len(paragraphs))
    paragraphs[pos] = f"{paragraphs[pos]} {unique}"
    h1 = pool.sources[rng.randrange(len(pool.sources))].headline.split()
    h2 = pool.sources[rng.randrange(len(pool.sources))].headline.split()
    headline = " ".join(h1[: max(1, len(h1) // 2)] + h2[len(h2) // 2 :])
    return headline, pool.sources[first_src].place, tuple(paragraphs)


def _base(pool: _Pool, plan: _Plan, seed: int, b: int) -> _Base:
    """Rebuild base article ``b`` and its group choices from its own seed."""
    rng = random.Random(_seed_int(seed, 1, b))
    copies = int(plan.copies_per_base[b])
    hard = copies == 0 and rng.random() < HARD_NEGATIVE_SHARE
    # Hard negatives are spliced too: the first paragraph of a real source is often the whole
    # of another wire item (a repeat or a digest), so a cut-down real source could be contained
    # in an unrelated article although the full texts passed the natural-duplicate filter.
    spliced = hard or b >= len(pool.sources)
    if spliced:
        headline, place, paragraphs = _spliced_article(pool, rng)
    else:
        src = pool.sources[int(plan.source_order[b])]
        headline, place, paragraphs = src.headline, src.place, src.paragraphs
    if hard:
        heavy = [i for i, s in enumerate(pool.sites) if s.heavy]
        sites: tuple[int, ...] = (rng.choice(heavy),)
        short: list[str] = []
        limit = rng.randint(30, 60)
        for par in paragraphs:
            if _word_count(short) >= 25:
                break
            short.append(" ".join(par.split()[:limit]))
        paragraphs = tuple(short)
    else:
        sites = tuple(rng.sample(range(len(pool.sites)), k=copies + 1))
    date = BASE_DATE + dt.timedelta(days=rng.randrange(DATE_SPAN_DAYS))
    return _Base(headline, place, paragraphs, sites, date, hard, spliced)


def _style(text: str, site: Site) -> str:
    """Apply a site's house style: U.S./US, quotes and dashes."""
    # The substring guards skip regex passes that cannot match; they are most of the cost.
    if site.us_dotted:
        if "US" in text:
            text = _US_RE.sub("U.S.", text)
        if "UK" in text:
            text = _UK_RE.sub("U.K.", text)
    elif "U." in text:
        text = text.replace("U.S.", "US").replace("U.K.", "UK")
    if " -" in text or "\u2014" in text or "\u2013" in text:
        text = _DASH_RE.sub(site.dash, text)
    if "\u201c" in text or "\u201d" in text or "\u2018" in text or "\u2019" in text:
        text = text.translate(_CURLY_TRANS)
    if site.curly_quotes:
        if '"' in text:
            text = _OPEN_QUOTE_RE.sub("\\1\u201c", text).replace('"', "\u201d")
        if "'" in text:
            text = _APOS_RE.sub("\\1\u2019\\2", text)
    return text


@lru_cache(maxsize=8)
def _wrap_re(width: int) -> re.Pattern[str]:
    """Return a regex matching one line of at most ``width`` characters and its break."""
    return re.compile(rf"(.{{1,{width}}})(?: +|$)")


def _wrap(text: str, width: int) -> str:
    """Hard-wrap a paragraph at spaces (a fast textwrap.fill; over-long words stay whole)."""
    return _wrap_re(width).sub("\\1\n", text).rstrip("\n")


def _format_date(fmt: str, date: dt.date) -> str:
    """Render a date in a site's format."""
    return fmt.format(
        iso=date.isoformat(),
        Month=MONTHS[date.month - 1],
        d=date.day,
        y=date.year,
        dd=f"{date.day:02d}",
        mm=f"{date.month:02d}",
    )


def _dateline(site: Site, place: str, date: dt.date, rng: random.Random) -> str:
    """Render a site's dateline prefix for a place and date."""
    if not site.dateline:
        return ""
    return site.dateline.format(
        PLACE=place.upper(),
        Place=place.title(),
        Mon=MONTHS[date.month - 1][:3] + ".",
        d=date.day,
        dash=site.dash,
        agency=rng.choice(AGENCIES),
    )


def _other_source(pool: _Pool, rng: random.Random, avoid: str) -> Source:
    """Pick a random pool source whose headline differs from ``avoid``."""
    while True:
        src = pool.sources[rng.randrange(len(pool.sources))]
        if src.headline != avoid:
            return src


def _syndication_edits(
    paragraphs: list[str], pool: _Pool, rng: random.Random, headline: str, counts: Counter[str]
) -> list[str]:
    """Truncate, drop or insert paragraphs while keeping >= MIN_COPY_SHARE of the words."""
    total = _word_count(paragraphs)
    floor = MIN_COPY_SHARE * total
    if rng.random() < TRUNCATE_P and len(paragraphs) > 1:
        cuts = [k for k in range(1, len(paragraphs)) if _word_count(paragraphs[:k]) >= floor]
        if cuts:
            paragraphs = paragraphs[: rng.choice(cuts)]
            counts["copies_truncated"] += 1
    if rng.random() < DROP_PARA_P and len(paragraphs) > 2:
        k = rng.randrange(1, len(paragraphs))
        if _word_count(paragraphs) - len(paragraphs[k].split()) >= floor:
            paragraphs = paragraphs[:k] + paragraphs[k + 1 :]
            counts["copies_paragraph_dropped"] += 1
    if rng.random() < INSERT_PARA_P:
        other = _other_source(pool, rng, headline)
        sents = _split_sentences(other.paragraphs[rng.randrange(len(other.paragraphs))])
        # Short next to the body, so a copy stays mostly made of its source.
        limit = max(8, min(30, int(0.15 * total)))
        insert = _scramble(" ".join(" ".join(sents[:2]).split()[:limit]), pool, rng)
        paragraphs.insert(rng.randint(1, len(paragraphs)), insert)
        counts["copies_paragraph_inserted"] += 1
    return paragraphs


def render(
    pool: _Pool, base: _Base, copy: int, seed: int, b: int, counts: Counter[str]
) -> tuple[str, str, str, str]:
    """Return (page text, gold body, site name, ISO date) of one rendering of a base article.

    The gold body is the headline plus the styled paragraphs, without template or decorations.
    """
    rng = random.Random(_seed_int(seed, 2, b, copy))
    site = pool.sites[base.sites[copy]]
    date = base.date + dt.timedelta(days=rng.randint(0, 3) if copy else 0)
    paragraphs = list(base.paragraphs)
    headline = base.headline
    if copy:
        paragraphs = _syndication_edits(paragraphs, pool, rng, headline, counts)
        if rng.random() < HEADLINE_EDIT_P:
            headline = rng.choice(
                (headline.upper(), f"{headline} | {site.name}", f"UPDATE 1-{headline}")
            )
    body = [_style(p, site) for p in paragraphs]
    body[0] = _dateline(site, base.place, date, rng) + body[0]
    gold = headline + "\n\n" + "\n\n".join(body) + "\n"
    if site.wrap:
        body = [_wrap(p, site.wrap) for p in body]
    # Decorations every page of the site may carry, originals included.
    if rng.random() < CAPTION_P:
        other = _other_source(pool, rng, base.headline)
        credit = rng.choice(CREDITS).format(name=rng.choice(NAMES))
        body.insert(rng.randint(0, min(2, len(body))), f"{other.headline}. {credit}")
        counts["captions"] += 1
    if rng.random() < AD_P and len(body) > 1:
        for _ in range(rng.randint(1, 2)):
            body.insert(rng.randint(1, len(body) - 1), site.ad_marker)
        counts["ad_markers"] += 1
    if rng.random() < INLINE_JUNK_P and site.inline and len(body) > 1:
        body.insert(rng.randint(1, len(body) - 1), rng.choice(site.inline))
    if rng.random() < RELATED_P:
        heads = [_other_source(pool, rng, base.headline).headline for _ in range(rng.randint(3, 5))]
        block = "\n".join([site.related_heading, *heads])
        body.insert(len(body) if rng.random() < 0.7 else rng.randint(1, len(body)), block)
        counts["related_blocks"] += 1
    top = [site.header, headline]
    byline = site.byline.format(name=rng.choice(NAMES), agency=rng.choice(AGENCIES))
    if byline:
        top.append(byline)
    top.append(_format_date(site.date_format, date))
    text = "\n".join(top) + "\n\n" + site.para_sep.join(body) + "\n\n" + site.footer + "\n"
    if copy and rng.random() < WHITESPACE_P:
        text = text.replace("\n\n", "\n \n") if rng.random() < 0.5 else text.replace(". ", ".  ")
        counts["copies_whitespace_changed"] += 1
    return text, gold, site.name, date.isoformat()


# --------------------------------------------------------------------------- output


def _digest_files(paths: Sequence[Path], root: Path) -> str:
    """Return a sha256 over sorted relative paths and file bytes."""
    h = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def source_digests(data_dir: Path) -> dict[str, str]:
    """Return a digest per input data set, so a benchmark result can name its inputs."""
    raw = data_dir / "raw"
    return {
        "bbc-fulltext": _digest_files(list((raw / "bbc-fulltext").glob("*/*.txt")), raw),
        "reuters21578": _digest_files(list((raw / "reuters21578").glob("reut2-*.sgm")), raw),
        "scrapinghub-aeb": _digest_files(
            [
                raw / "scrapinghub-aeb" / "ground-truth.json",
                raw / "scrapinghub-aeb/output/html-text.json",
            ],
            raw,
        ),
    }


def _records(
    pool: _Pool, plan: _Plan, seed: int, ids: Sequence[str], counts: Counter[str]
) -> Iterator[tuple[dict[str, str], str]]:
    """Yield output records in id order, rebuilding each base article on demand."""
    for i, (b, c) in enumerate(
        zip(plan.base_of_id.tolist(), plan.copy_of_id.tolist(), strict=True)
    ):
        base = _base(pool, plan, seed, b)
        if c == 0:
            counts["hard_negatives"] += base.hard_negative
            counts["spliced_articles"] += base.spliced
        text, gold, site, date = render(pool, base, c, seed, b, counts)
        yield {"id": ids[i], "text": text, "site": site, "date": date}, gold


def _dump_json(obj: Any) -> str:
    """Serialize JSON the byte-stable way: UTF-8, indent 1, final newline."""
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def build_corpus(
    n: int,
    *,
    seed: int,
    out: Path,
    fmt: str = "jsonl",
    data_dir: Path | None = None,
    bodies: bool = False,
) -> dict[str, Any]:
    """Build an n-article corpus with planted duplicates into ``out`` and return its meta.

    With ``bodies``, also write ``bodies.jsonl``: each article's gold body (no template, ads,
    captions or related links), for checking cleaners and for the overlap figures.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    data = (data_dir or DEFAULT_DATA_DIR).resolve()
    pool, pool_stats = build_pool(data, seed)
    plan = make_plan(n, len(pool.sources), seed)
    width = max(7, len(str(n)))
    ids = [f"a{i:0{width}d}" for i in range(1, n + 1)]
    out.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    corpus_hash = hashlib.sha256()
    art = out / "articles"
    if fmt == "folder":
        for site in pool.sites:
            (art / site.name).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        corpus_fh = None
        if fmt == "jsonl":
            corpus_fh = stack.enter_context(
                (out / "corpus.jsonl").open("w", encoding="utf-8", newline="\n")
            )
        bodies_fh = None
        if bodies:
            bodies_fh = stack.enter_context(
                (out / "bodies.jsonl").open("w", encoding="utf-8", newline="\n")
            )
        for rec, gold in _records(pool, plan, seed, ids, counts):
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            corpus_hash.update(line.encode("utf-8"))
            if corpus_fh is not None:
                corpus_fh.write(line)
            else:
                path = art / rec["site"] / f"{rec['id']}.txt"
                path.write_text(rec["text"], encoding="utf-8", newline="\n")
            if bodies_fh is not None:
                bodies_fh.write(
                    json.dumps({"id": rec["id"], "body": gold}, ensure_ascii=False) + "\n"
                )
    clusters = truth_clusters(plan, ids)
    truth_text = _dump_json({"clusters": clusters})
    (out / "truth.json").write_text(truth_text, encoding="utf-8", newline="\n")
    planted_pairs = sum(len(c) * (len(c) - 1) // 2 for c in clusters)
    meta = {
        "schema": SCHEMA_VERSION,
        "n": n,
        "seed": seed,
        "format": fmt,
        "counts": {
            **pool_stats,
            "base_articles": int(plan.copies_per_base.size),
            "clusters": len(clusters),
            "copies": int(plan.copies_per_base.sum()),
            "articles_in_clusters": sum(len(c) for c in clusters),
            "planted_pairs": planted_pairs,
            **dict(sorted(counts.items())),
        },
        "sites": [{"name": s.name, "heavy": s.heavy} for s in pool.sites],
        "source_digests": source_digests(data),
        "corpus_sha256": corpus_hash.hexdigest(),
        "truth_sha256": hashlib.sha256(truth_text.encode("utf-8")).hexdigest(),
    }
    (out / "meta.json").write_text(_dump_json(meta), encoding="utf-8", newline="\n")
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build the corpus and print a one-line summary to stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--format", choices=FORMATS, default="jsonl", help="corpus layout")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help=f"data dir (default {DEFAULT_DATA_DIR})"
    )
    parser.add_argument("--bodies", action="store_true", help="also write gold bodies.jsonl")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        meta = build_corpus(
            args.n,
            seed=args.seed,
            out=args.out,
            fmt=args.format,
            data_dir=args.data_dir,
            bodies=args.bodies,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    c = meta["counts"]
    print(
        f"wrote {meta['n']} articles, {c['clusters']} clusters, {c['planted_pairs']} planted "
        f"pairs, {c['distinct_sources']} distinct sources to {args.out} "
        f"in {time.perf_counter() - start:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
