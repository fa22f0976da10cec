"""Stories: group the articles that report the same event, copies or not.

article ─clean─▶ text ─terms─▶ weighted term vector (TF-IDF, boosted names and title words)
        ─salient terms─▶ MinHash ─LSH─▶ candidate pairs ─cosine, date check─▶ direct edges
        ─neighbourhoods, facts─▶ scored edges ─average-link─▶ stories

Copies share sentences; write-ups of one event share what the event is about: its people,
places, organisations, numbers and rare words. So an article is represented by the TF-IDF
weights of its content words (idf from the corpus being scanned, smoothed so five articles
still give sensible weights), with capitalised names and title words counted more. LSH over
each article's top terms proposes candidates in near-linear time, and the cosine of the full
vectors scores them. Two events of the same kind (two rehab check-ins, two quakes in one
province) share much vocabulary, so the clustering score is second-order: the cosine of the
two articles' neighbourhoods, which differ across events even when the words overlap, scaled
by the facts the two state: the latest year each names and their decimal figures (a second
report of one event repeats them; a second event of the kind does not).
Average-link clustering on that sparse graph merges two groups only when their members agree
*on average*, so one generic article cannot chain two events together the way connected
components would. Two articles dated more than `max_days` apart are never linked, and count
against merging the groups that hold them: the same kind of event a year later is another
event, even when an undated report resembles both.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import pickle
import re
import sys
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache, partial
from typing import TYPE_CHECKING, overload

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

from .boilerplate import date_stamps
from .canonical import canonicalize
from .config import STORY_LEVELS, DedupConfig, IndexConfig, StoryConfig, check_config, check_level
from .datewords import stamp_date
from .dots import pair_dots, pair_products
from .errors import MemoryLimitError
from .index import band_keys, candidate_pairs, raw_pair_count
from .memory import format_size, headroom
from .parallel import Batch, Doc, Workers, chunked, clean_docs_stamped, fingerprint_cleaned
from .pipeline import Collected, Progress, clean, corpus_templates, pooled_templates
from .records import Article, Cluster, DedupResult, LoadIssue, Member, by_id
from .shingle import is_spaceless, token_hashes
from .signature import sign_many

# ---- terms -----------------------------------------------------------------------------------

# Letters (with inner apostrophes and hyphens) or numbers (with inner separators).
_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
# The same words as split points: a line splits into gap, word, gap, word, ..., gap.
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_SENTENCE_ENDS = (".", "!", "?")
_QUOTES = ("\u2018", "\u2019", "\u201b", "`", "\u00b4")  # each folds to "'"
# Function words and the vocabulary every news report uses whatever it is about. The corpus
# idf down-weights these too, but a corpus of five articles cannot tell them apart from the
# event's own words.
STOP_WORDS = frozenset(
    """
    a about above after again against ago all almost already also although always am among an
    and another any anyone anything are around as at away back be because become been before
    being below between both but by came can cannot could did do does doing done down during
    each either else even ever every few for from further get gets getting give given go goes
    going gone got had has have having he her here hers herself him himself his how however i
    if in including into is it its itself just know known last later least less let like made
    make makes many may me might more most much must my myself near nearly need never new next
    no nor not now of off often on once one only or other others our ours ourselves out over
    own per put rather really said same saw say saying says see seen several she should show
    since so some something still such take taken than that the their theirs them themselves
    then there these they thing things think this those though three through thus to today
    told too took toward two under until up upon us use used very via want was way we well
    went were what whatever when where whether which while who whom whose why will with within
    without would year years yet you your yours yourself
    according added adding asked reported report reports reporting statement spokesman
    spokeswoman news press officials official week weeks day days time times month months
    monday tuesday wednesday thursday friday saturday sunday yesterday tonight morning
    afternoon evening night mr mrs ms dr st read more click share comment comments photo
    photos image images video copyright rights reserved updated published http https www com
    """.split()  # noqa: SIM905
) | frozenset(
    # Function words of languages in other scripts, which no English term can be (QA 19a #8:
    # "إلى", "الذي" and "تحت" led an Arabic story's terms and label). Latin-script languages
    # are left out: "die", "war", "son" and "hat" are English content words.
    """
    في من على إلى الى عن مع أن ان إن هذا هذه ذلك تلك التي الذي الذين كان كانت يكون قد لا ما
    لم لن أو او ثم حيث كما بعد قبل بين حتى عند كل أي اي هو هي هم وقد وفي ومن وعلى وأن وكان
    ولا أكثر اكثر خلال ضد تحت فوق منذ بسبب أيضا ايضا يوم عام قال وقال إلا الا عليه فيه منه
    и в во не что он на с со как а то все она так его но да к у же вы за бы по только ее было
    вот от еще нет о из ему когда даже ли если уже или ни быть был него до там потом может
    они тут где есть для мы их чем была сам без под будет тогда кто этот того потому этого
    какой этом один почти тем чтобы сейчас были при об после над больше тот через эти про
    всего них много три эту этой перед более также заявил сообщил году года
    """.split()  # noqa: SIM905
)
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Full dates only (a year alone says little: "the 2004 tsunami"). Tokenised corpora put spaces
# around commas ("March 11 , 2013"), so separators are loose.
# An ISO date may run on into a time ("2024-03-04T12:00:00Z", every WARC-Date and most feeds).
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_MDY_DATE = re.compile(
    rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*((?:19|20)\d\d)\b", re.IGNORECASE
)
# "3 March 2009", "3rd of March, 2009", and "26-FEB-1987" (Reuters' own date field).
_DMY_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-){_MONTH}(?:\s*,?\s*|-)((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# In a date field only (in text they are as often figures): 2009/09/01, 2009.09.01, 2009-3-3,
# 20090901, day and month as numbers when one is over 12 or both are one (25/12/2009,
# 12/25/2009, 03/03/2009), and Unix times (milliseconds as a JSON float too).
_YMD_FIELD = re.compile(r"((?:19|20)\d\d)([/.\-])(\d{1,2})\2(\d{1,2})(?!\d)")
_COMPACT_FIELD = re.compile(r"((?:19|20)\d\d)(\d\d)(\d\d)(?:T|\s|$)")
_NUMERIC_FIELD = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20)\d\d)(?!\d)")
_EPOCH_FIELD = re.compile(r"\d{9,10}(?:\.\d+)?|\d{12,13}(?:\.\d+)?")
_CENTURY = re.compile(r"(?:19|20)\d\d")
_TITLE_MAX_WORDS = 25
_MAX_NEIGHBOURS = 50
_DATELINE_CHARS = 400


def _fold(text: str) -> str:
    if text.isascii():  # NFKC leaves ASCII as it is; of the quotes only "`" is ASCII
        return text.replace("`", "'") if "`" in text else text
    folded = unicodedata.normalize("NFKC", text)
    for quote in _QUOTES:  # five scans for a quote beat one translate call by far
        if quote in folded:
            folded = folded.replace(quote, "'")
    return folded


def normalize_term(word: str) -> str:
    """Return the index form of a word: lower case, possessive and plural endings removed."""
    term = word.casefold()
    if term.endswith("'s"):
        term = term[:-2]
    term = term.replace("'", "")
    # Plurals fold only for lower-case words: "Thomas" and "Jones" are names, not plurals.
    if len(term) > 4 and term.isalpha() and word.islower():
        if term.endswith("ies"):
            term = term[:-3] + "y"
        elif term.endswith("s") and not term.endswith(("ss", "us", "is")):
            term = term[:-1]
    return term


def _is_content(term: str) -> bool:
    if term in STOP_WORDS:
        return False
    if term.isdigit():
        return len(term) >= 2  # years, counts, figures; single digits say nothing
    return len(term) >= 3  # two letters are mostly "us", "un", "eu": too ambiguous folded


@dataclass(frozen=True, slots=True)
class Wording:
    """How an article writes its terms, which only story labels read."""

    respelled: Mapping[str, str]  # term -> its most frequent spelling, where that is not the term
    pairs: Mapping[tuple[str, str], int]  # adjacent terms: how often each pair stands side by side

    def spelling(self, term: str) -> str:
        """Return the article's most frequent spelling of `term`."""
        return self.respelled.get(term, term)


@dataclass(frozen=True, slots=True)
class TermCounts:
    """The content words of one article: counts, which look like names, which are in its title,
    and how it writes them (packed: see `wording`)."""

    counts: Mapping[str, int]
    names: frozenset[str]
    title: frozenset[str]
    # A pickled Wording: a story scan holds every article's terms at once, and as dicts the
    # spellings and adjacent pairs took ~10 KB an article (100k articles: 1 GB) where the bytes
    # take ~2 KB. Only the members of labelled stories are ever unpacked.
    packed_wording: bytes = b""

    def wording(self) -> Wording:
        """Return the spellings and adjacent pairs (unpacked on each call)."""
        if not self.packed_wording:
            return Wording({}, {})
        respelled, pairs = pickle.loads(self.packed_wording)
        return Wording(respelled, pairs)


def _pack_wording(respelled: Mapping[str, str], pairs: Mapping[tuple[str, str], int]) -> bytes:
    return pickle.dumps((dict(respelled), dict(pairs)), protocol=pickle.HIGHEST_PROTOCOL)


def _bigrams(word: str) -> list[str]:
    return [word[k : k + 2] for k in range(len(word) - 1)]


def _title_of(text: str, title: str | None) -> str:
    if title:
        return title
    for line in text.splitlines():
        if line.strip():
            return line if len(line.split()) <= _TITLE_MAX_WORDS else ""
    return ""


# Word -> term, cached per process: a corpus's vocabulary is Zipfian, so most words of an
# article were folded before (a third of `term_counts`' time went to normalize_term).
@lru_cache(maxsize=1 << 18)
def _word_term(word: str) -> str | tuple[str, ...] | None:
    """Return a word's term (interned), None when it is no content word, or its character
    bigrams when it is written in a script without spaces."""
    if len(word) > 2 and is_spaceless(word):
        return tuple(_bigrams(word))
    term = normalize_term(word)
    # Interned: the articles of a corpus share one string per term, and so do the pickled
    # chunks a worker sends back (a third less memory at 100k).
    return sys.intern(term) if _is_content(term) else None


@lru_cache(maxsize=1 << 12)
def _gap_kind(gap: str) -> tuple[bool, bool]:
    """Return whether the text between two words ends a sentence, and whether it is blank."""
    return gap.rstrip().endswith(_SENTENCE_ENDS), not gap.strip()


# Letters and capitals of an ASCII line, counted by deleting every other byte.
_NOT_LETTER = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())
_NOT_UPPER = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isupper())


def _is_shouting(line: str) -> bool:
    """Return True when more than 60% of a line's letters are capitals (a headline, a byline)."""
    if line.isascii():
        raw = line.encode()
        letters = len(raw.translate(None, _NOT_LETTER))
        upper = len(raw.translate(None, _NOT_UPPER))
    else:
        letters = sum(map(str.isalpha, line))
        upper = sum(map(str.isupper, line))
    return letters > 0 and upper > 0.6 * letters


# Capitalised stop words that begin place names: "New York", "St Louis". They are no terms
# (lower-cased, "new" and "st" say nothing), but a label that shows "York" misleads.
_NAME_PREFIXES = frozenset({"New", "St"})


def term_counts(text: str, *, title: str | None = None) -> TermCounts:
    """Return the content terms of an article, with the names and title words marked.

    A word counts as a name when it is capitalised where a sentence does not start, or
    written in capitals inside mixed-case text ("NATO"); lines written all in capitals
    (headlines, bylines) say nothing about names.
    """
    folded = _fold(text)
    terms: list[str] = []  # in reading order, so the counts keep first-seen order
    spelled: list[tuple[str, str]] = []  # (term, word as written)
    adjacent: list[tuple[str, str]] = []
    names: set[str] = set()
    for line in folded.splitlines():
        parts = _WORD_SPLIT.split(line)  # gap, word, gap, word, ..., gap
        if len(parts) == 1:
            continue
        words, gaps = parts[1::2], parts[0::2]  # gaps[k]: the text before words[k]
        shouting = _is_shouting(line)
        previous: str | None = None  # the last word's term, if nothing but space followed it
        for k, word in enumerate(words):
            term = _word_term(word)
            if term is None:
                previous = None
                continue
            if isinstance(term, tuple):  # character bigrams stand in for words
                terms.extend(term)
                spelled.extend((gram, gram) for gram in term)
                previous = None
                continue
            sentence_start, blank = (True, False) if k == 0 else _gap_kind(gaps[k])
            if previous is not None and blank:
                adjacent.append((previous, term))
            previous = term
            terms.append(term)
            # "New York": the stop word is no term, but a label spells the name whole.
            if k and blank and words[k - 1] in _NAME_PREFIXES and word[0].isupper():
                spelled.append((term, f"{words[k - 1]} {word}"))
            else:
                spelled.append((term, word))
            if not shouting and not sentence_start and word[0].isupper():
                names.add(term)
    counts = Counter(terms)
    title_terms: set[str] = set()
    for m in _WORD.finditer(_fold(_title_of(folded, title))):
        word = m.group(0)
        spaceless = len(word) > 2 and is_spaceless(word)
        title_terms.update(_bigrams(word) if spaceless else [normalize_term(word)])
    best: dict[str, tuple[int, str]] = {}  # term -> (-count, spelling): the least wins
    for (term, word), n in Counter(spelled).items():
        known = best.get(term)
        if known is None or (-n, word) < known:
            best[term] = (-n, word)
    respelled = {t: w for t, (_, w) in best.items() if w != t}
    return TermCounts(
        counts=dict(counts),
        names=frozenset(names),
        title=frozenset(t for t in title_terms if t in counts),
        packed_wording=_pack_wording(respelled, Counter(adjacent)),
    )


# ---- dates -----------------------------------------------------------------------------------


def _ordinal(year: int, month: int, day: int) -> int | None:
    try:
        return dt.date(year, month, day).toordinal()
    except ValueError:
        return None


def parse_date(value: str) -> int | None:
    """Return the proleptic ordinal of the first full date in `value`, or None."""
    found = _full_dates(value)
    return min(found)[1] if found else None


# A date a sentence recalls or looks ahead to ("the August 17, 1999 Izmit disaster", "since
# January 1, 2020", "a trial set for March 3, 2026") is not the article's own (QA 19a #4: a
# lede recalling the 1999 quake dated a report of a 2024 one, and parted it from its story).
# A dateline's date follows a line start, a place, a weekday, "on" or "Published".
# "the" only before a month ("the August 17, 1999 disaster"): "Monday the 4th of March 2024"
# and "Posted on the 4th of March" are datelines; so is "As of March 4, 2024" (QA 20a #6).
_RECALLING = (
    r"(?<!\bas )\b(?:since|until|till|before|after|for|of|from|by|to|through|between|and|than)"
)
_RECALLED = re.compile(rf"{_RECALLING}\s*$|\bthe\s+$", re.IGNORECASE)


# Before a day-first date ("the 4th of March"), "the" is no sign.
_RECALLED_DAY = re.compile(rf"{_RECALLING}\s*(?:the\s+)?$", re.IGNORECASE)


def head_date(head: str) -> int | None:
    """Return the proleptic ordinal of the first full date in an article's head that is not
    one a sentence recalls (`_RECALLED`), or None."""
    found = [(at, day) for at, day in _full_dates(head) if not _recalled(head, at)]
    return min(found)[1] if found else None


def _recalled(head: str, at: int) -> bool:
    """Return True when the date at `at` in `head` is one a sentence recalls."""
    words = _RECALLED_DAY if head[at : at + 1].isdigit() else _RECALLED
    return words.search(head, max(0, at - 20), at) is not None


def _full_dates(value: str) -> list[tuple[int, int]]:
    """Return (position, proleptic ordinal) of each full date in `value`."""
    if _CENTURY.search(value) is None:  # every full date has a year: most heads stop here
        return []
    found: list[tuple[int, int]] = []  # (position, ordinal)
    for m in _ISO_DATE.finditer(value):
        day = _ordinal(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if day is not None:
            found.append((m.start(), day))
    for m in _MDY_DATE.finditer(value):
        day = _ordinal(int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2)))
        if day is not None:
            found.append((m.start(), day))
    for m in _DMY_DATE.finditer(value):
        day = _ordinal(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(m.group(1)))
        if day is not None:
            found.append((m.start(), day))
    return found


def parse_field_date(value: str) -> int | None:
    """Return the proleptic ordinal of a date field's value, or None when it cannot be read
    for sure: what `parse_date` reads, and the forms only a date field uses (`_YMD_FIELD`,
    `_COMPACT_FIELD`, `_NUMERIC_FIELD` when day and month cannot be mistaken, Unix seconds
    or milliseconds)."""
    value = value.strip()
    if value.startswith(("{", "[")):
        # A JSON object or list, as the loader passes one on (QA 20b #1): which of its
        # dates is the article's cannot be known, and the first in its text was taken.
        return None
    day = parse_date(value)
    if day is not None:
        return day
    if m := _YMD_FIELD.match(value):
        return _ordinal(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    if m := _COMPACT_FIELD.match(value):
        return _ordinal(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _NUMERIC_FIELD.match(value):
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if first > 12 >= second:
            return _ordinal(year, second, first)
        if second > 12 >= first or first == second:
            return _ordinal(year, first, second)
        return None  # 09/01/2009: 9 January or September 1
    if _EPOCH_FIELD.fullmatch(value):
        seconds = float(value) / (1000 if len(value.split(".")[0]) >= 12 else 1)
        return dt.datetime.fromtimestamp(seconds, dt.UTC).date().toordinal()
    return None


def article_date(article: Article, text: str, stamps: str = "") -> int | None:
    """Return the article's date as an ordinal: its date field, else the earliest full date
    of the lines cleaning dropped as its date stamps above its body (`stamps`, "Published
    March 12, 2025"), else a date in its head (a dateline).

    Only the head is read: further down, full dates are as often those of earlier events
    the report recalls, and below the body those of other stories (a teaser list).
    """
    return _dated(article, text, stamps)[0]


def _dated(article: Article, text: str, stamps: str = "") -> tuple[int | None, str | None]:
    """Return `article_date`, and the article's date field when it could not be read (the
    article is then dated from its text, if at all), else None."""
    field = parse_field_date(article.date) if article.date else None
    if field is not None:
        return field, None
    unread = article.date or None
    # The page's own stamps above its body, which cleaning dropped (they dated nothing
    # before): the earliest, so "Updated ..." never outranks "Published ..." (QA 29 #1).
    # They come before a date in the head, which may be one the lede looks ahead to or
    # back on ("setting up arguments on November 5, 2025": QA 30a #1).
    days = [_stamped(line) for line in stamps.split("\n")] if stamps else []
    known = [day for day in days if day is not None]
    if known:
        return min(known), unread
    return head_date(text[:_DATELINE_CHARS]), unread


def _stamped(line: str) -> int | None:
    """Return the date of one stamp line as an ordinal, or None."""
    day = head_date(line)
    if day is None:  # another language's stamp ("Publié le 12 mars 2025")
        found = stamp_date(canonicalize(line))
        day = _ordinal(*found) if found is not None else None
    return day


# ---- facts -----------------------------------------------------------------------------------

# Tokenised corpora split figures ("4 . 6", "9 : 27", "1 , 200"): rejoin them first. The digit
# before the separator is matched, not looked behind at: the search then jumps from digit to
# digit (a lookbehind is tried at every position: 3x slower).
# Spaced alike on both sides only: "4 . 6" is a tokeniser's figure, "in 2023. 12 homes" and
# "In 2019, 300 people" are prose (a year, then another number).
_SPACED_FIGURE = re.compile(r"(\d)( ?)(?:([.:])\2(?=\d)|(,)\2(?=\d{3}\b))")
# Whole figures only: not part of a longer one ("1,2013", "2013.5"); punctuation may follow.
# Each figure is read whole, then tested: what a lookbehind and lookahead on each would say.
_FIGURE = re.compile(r"\d+(?:[.,:]\d+)*")
_YEAR = re.compile(r"19[5-9]\d|20[0-4]\d")
_DECIMAL = re.compile(r"\d+\.\d+")
# What follows a clock time written with a dot ("2.30pm", "10.30 a.m.", "14.30 GMT"): the
# time each reporter heard is no figure of the event, and two write-ups often differ by a
# minute (QA 19a #2: "2.30pm" against "2.31pm" halved the score of one Fed meeting).
_CLOCK = re.compile(
    r" ?(?:[ap] ?\.? ?m\b|(?:gmt|bst|utc|cet|cest|edt|est|cdt|cst|pdt|pst)\b)", re.IGNORECASE
)


def _plain_decimal(figure: str) -> str:
    """Return one spelling of a figure however many zeros end it: "5.50" -> "5.5", "3.00" ->
    "3.0" (QA 19a #3)."""
    figure = figure.rstrip("0")
    return figure + "0" if figure.endswith(".") else figure


def join_figures(text: str) -> str:
    """Return `text` with figures a tokeniser split joined again: "4 . 6" -> "4.6"."""
    return _SPACED_FIGURE.sub(lambda m: m.group(1) + (m.group(3) or m.group(4)), text)


@dataclass(frozen=True, slots=True)
class Facts:
    """The specifics of an article that another report of the same event would repeat.

    `year` is the latest year the article names or is dated (a lower bound of its own time:
    reports name past years, rarely later ones); `decimals` are its decimal figures
    (magnitudes, rates, percentages).
    """

    year: int | None = None
    decimals: frozenset[str] = frozenset()
    # The text names `year` (False: it is the year of the article's date alone). A date says
    # when an article was written, not which year its event was: two articles dated in one
    # year agree on nothing by that.
    named: bool = False


def article_facts(text: str, *, date: int | None = None) -> Facts:
    """Return the facts of a text; `date` (an ordinal) is its known date, if any."""
    joined = join_figures(_fold(text))
    named: list[int] = []
    decimals: set[str] = set()
    for found in _FIGURE.finditer(joined):
        figure = found.group()
        if _YEAR.fullmatch(figure):
            named.append(int(figure))
        elif _DECIMAL.fullmatch(figure) and not _CLOCK.match(joined, found.end()):
            decimals.add(_plain_decimal(figure))
    years = named + ([dt.date.fromordinal(date).year] if date is not None else [])
    year = max(years) if years else None
    return Facts(
        year=year,
        decimals=frozenset(decimals),
        named=bool(named) and max(named) == year,
    )


def fact_agreement(a: Facts, b: Facts, config: StoryConfig) -> float:
    """Return the multiplier two articles' facts put on their story score.

    Two events of the same kind share their words ("earthquake", "election", a place) but
    not their year or their figures, so for each kind of fact both articles state:
    `year_mismatch` when their latest years are `year_gap` or more apart (2012 and 2013 may
    be one winter), `figure_mismatch` when they share no decimal figure (4.4 against 4.6),
    and `fact_match` when they agree (same latest year, named by both texts; a shared
    figure). Facts only one side states say nothing, and a year known from a date alone
    can only tell two articles apart.
    """
    factor = 1.0
    if a.year is not None and b.year is not None:
        gap = abs(a.year - b.year)
        if gap >= config.year_gap:
            factor *= config.year_mismatch
        elif gap == 0 and a.named and b.named:
            factor *= config.fact_match
    if a.decimals and b.decimals:
        factor *= config.figure_mismatch if a.decimals.isdisjoint(b.decimals) else config.fact_match
    return factor


def fact_agreements(
    facts: Sequence[Facts], pairs: npt.NDArray[np.int64], config: StoryConfig
) -> npt.NDArray[np.float64]:
    """Return `fact_agreement` of each pair (i, j) of `facts`, the same floats, for millions
    of pairs at once: years compared as arrays, shared decimal figures counted as the dots
    of 0/1 rows."""
    years = np.array([-1 if f.year is None else f.year for f in facts], dtype=np.int64)
    named = np.array([f.named for f in facts], dtype=bool)
    a, b = pairs[:, 0], pairs[:, 1]
    factor = np.ones(len(pairs), dtype=np.float64)
    dated = (years[a] >= 0) & (years[b] >= 0)
    gap = np.abs(years[a] - years[b])
    apart = dated & (gap >= config.year_gap)
    factor[apart] *= config.year_mismatch
    factor[dated & (gap == 0) & ~apart & named[a] & named[b]] *= config.fact_match
    figures = sorted({d for f in facts for d in f.decimals})
    if not figures:
        return factor
    column = {d: c for c, d in enumerate(figures)}
    counts = [len(f.decimals) for f in facts]
    from scipy import sparse  # imported on use: a copy-level scan never needs scipy

    rows = sparse.csr_matrix(
        (
            np.ones(sum(counts), dtype=np.float64),
            np.array([column[d] for f in facts for d in sorted(f.decimals)], dtype=np.int64),
            np.concatenate(([0], np.cumsum(counts))),
        ),
        shape=(len(facts), len(figures)),
    )
    stated = np.array(counts, dtype=np.int64)
    both = np.flatnonzero((stated[a] > 0) & (stated[b] > 0))
    shared = pair_dots(rows, pairs[both], compiled=False) > 0
    factor[both] *= np.where(shared, config.fact_match, config.figure_mismatch)
    return factor


# ---- vectors ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermStats:
    """Document frequencies of a corpus: what makes a term telling."""

    documents: int
    df: Mapping[str, int]

    def idf(self, term: str) -> float:
        """Return the smoothed idf, ln((1 + n) / (1 + df)) + 1: positive even in a tiny corpus."""
        return _idf(self.documents, self.df.get(term, 0))


def _idf(documents: int, df: int) -> float:
    return math.log((1 + documents) / (1 + df)) + 1.0


def term_stats(docs: Iterable[TermCounts]) -> TermStats:
    """Return document frequencies over term counts."""
    df: Counter[str] = Counter()
    n = 0
    for doc in docs:
        df.update(doc.counts.keys())
        n += 1
    return TermStats(documents=n, df=dict(df))


Vector = dict[str, float]


def weigh(doc: TermCounts, stats: TermStats, config: StoryConfig) -> Vector:
    """Return the l2-normalised weights: sublinear tf x idf^p x the name and title boosts."""
    weights: Vector = {}
    for term, count in doc.counts.items():
        boost = 1.0
        if term in doc.names:
            boost *= config.name_weight
        if term in doc.title:
            boost *= config.title_weight
        weights[term] = (1.0 + math.log(count)) * stats.idf(term) ** config.idf_power * boost
    # Squares added one by one in term order, as `weighed_vectors` adds them (not sum(),
    # which adds floats another way from Python 3.12 on).
    total = 0.0
    for w in weights.values():
        total += w * w
    norm = math.sqrt(total)
    if not norm:
        return {}
    return {t: w / norm for t, w in weights.items()}


# Weights worked out per block of whole rows in `weighed_vectors`: bounds its temporaries.
_WEIGH_BLOCK = 1 << 20
# Docs whose terms `weighed_vectors` reads at a time.
_TERMS_BLOCK = 4096


def weighed_vectors(
    docs: Sequence[TermCounts],
    stats: TermStats | None,
    config: StoryConfig,
    progress: Progress | None = None,
) -> TermVectors:
    """Return `term_vectors` of each doc's `weigh`, the same floats, with the arithmetic on
    arrays. `stats` None: the document frequencies of `docs` themselves, counted from the
    columns (`term_stats(docs)` gives the same). `progress` hears "story terms"."""
    # term -> column, first seen first (sorted at the end): a missing term takes the next
    # number. The terms go through C-level maps into numpy, a block of docs at a time, not
    # through a Python loop per term (30k, with the df count below: 3.9 s -> 1.9-2.3 s).
    ids: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    columns: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    counts: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    kinds: list[npt.NDArray[np.uint8]] = [np.zeros(0, dtype=np.uint8)]  # 2 * name + title
    sizes = np.fromiter(map(len, (d.counts for d in docs)), dtype=np.int64, count=len(docs))
    for start in range(0, len(docs), _TERMS_BLOCK):
        block = docs[start : start + _TERMS_BLOCK]
        m = int(sizes[start : start + len(block)].sum())
        terms = itertools.chain.from_iterable(d.counts for d in block)
        columns.append(np.fromiter(map(ids.__getitem__, terms), dtype=np.int64, count=m))
        tallies = itertools.chain.from_iterable(d.counts.values() for d in block)
        counts.append(np.fromiter(tallies, dtype=np.int64, count=m))
        # bytes() of a map of bools: half the time of np.fromiter over the same map.
        names = b"".join([bytes(map(d.names.__contains__, d.counts)) for d in block])
        title = b"".join([bytes(map(d.title.__contains__, d.counts)) for d in block])
        kinds.append(2 * np.frombuffer(names, dtype=np.uint8) + np.frombuffer(title, np.uint8))
        _every(progress, "story terms", start + len(block), len(docs), step=1)
    column, count, kind = np.concatenate(columns), np.concatenate(counts), np.concatenate(kinds)
    del columns, counts, kinds
    bounds = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    if stats is None:
        documents, df = len(docs), np.bincount(column, minlength=len(ids)).tolist()
    else:
        documents, df = stats.documents, [stats.df.get(t, 0) for t in ids]
    # idf^p once per term of the corpus, not once per term of every article.
    factor = np.array([_idf(documents, d) ** config.idf_power for d in df], dtype=np.float64)
    boost = np.array(
        [
            1.0,
            1.0 * config.title_weight,
            1.0 * config.name_weight,
            1.0 * config.name_weight * config.title_weight,
        ],
        dtype=np.float64,
    )
    data = np.empty(len(column), dtype=np.float64)
    # The floats weigh makes: 1 + log(count) from math.log (numpy's may differ in the last
    # bit), factors and boosts multiplied in weigh's order, squares added in term order by
    # bincount. Whole rows at a time, ~1M weights each: the temporaries stay small.
    distinct = np.unique(count)
    tf = np.array([1.0 + math.log(c) for c in distinct.tolist()], dtype=np.float64)
    for row, end in _row_blocks(bounds, _WEIGH_BLOCK):
        lo, hi = int(bounds[row]), int(bounds[end])
        weights = tf[np.searchsorted(distinct, count[lo:hi])]
        weights = weights * factor[column[lo:hi]] * boost[kind[lo:hi]]
        local = np.repeat(np.arange(end - row), np.diff(bounds[row : end + 1]))
        norms = np.sqrt(np.bincount(local, weights=weights * weights, minlength=end - row))
        data[lo:hi] = weights / norms[local]
    return _rows(ids, column, data, bounds)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Return the dot product of two normalised sparse vectors, clipped to [0, 1]."""
    if len(a) > len(b):
        a, b = b, a
    # fsum is exactly rounded, so the score does not depend on which side is iterated.
    dot = math.fsum(w * b[t] for t, w in a.items() if t in b)
    return min(1.0, max(0.0, dot))


def salient_terms(vector: Mapping[str, float], k: int) -> list[str]:
    """Return the k terms of highest weight (ties by term), the article's gist."""
    return [t for t, _ in sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


class TermVectors(Sequence[Vector]):
    """The documents' term vectors as the rows of one sparse matrix over their sorted
    vocabulary; `vectors[i]` gives row i back as a dict (made on each access).

    A story scan holds every article's vector at once: as dicts they took ~7 KB an article,
    as matrix rows ~1.8 KB, and the matrix is what the candidates are scored with.
    """

    __slots__ = ("matrix", "terms")

    def __init__(self, matrix: sparse.csr_matrix, terms: Sequence[str]) -> None:
        self.matrix = matrix
        self.terms = tuple(terms)

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    @overload
    def __getitem__(self, i: int) -> Vector: ...
    @overload
    def __getitem__(self, i: slice) -> list[Vector]: ...
    def __getitem__(self, i: int | slice) -> Vector | list[Vector]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        columns, weights = self.row(i % n)
        terms = self.terms
        return dict(zip([terms[c] for c in columns], weights, strict=True))

    def row(self, i: int) -> tuple[list[int], list[float]]:
        """Return row i's columns (indexes into `terms`, ascending) and weights."""
        lo, hi = self.matrix.indptr[i : i + 2].tolist()
        return self.matrix.indices[lo:hi].tolist(), self.matrix.data[lo:hi].tolist()


def term_vectors(vectors: Iterable[Mapping[str, float]]) -> TermVectors:
    """Return `vectors` as the rows of a sparse matrix, without holding them all as dicts."""
    ids: dict[str, int] = {}  # term -> column, first seen first; sorted at the end
    indices = array("q")
    data = array("d")
    indptr = array("q", [0])
    for vector in vectors:
        indices.extend([ids.setdefault(t, len(ids)) for t in vector])
        data.extend(vector.values())
        indptr.append(len(indices))
    return _rows(
        ids,
        np.frombuffer(indices, dtype=np.int64),
        np.frombuffer(data, dtype=np.float64),
        np.frombuffer(indptr, dtype=np.int64),
    )


def _rows(
    ids: Mapping[str, int],
    columns: npt.NDArray[np.int64],
    data: npt.NDArray[np.float64],
    indptr: npt.NDArray[np.int64],
) -> TermVectors:
    """Return rows whose entries name their terms by first-seen number (`ids`) as a matrix
    whose columns follow term order, each row's sorted."""
    terms = sorted(ids)
    column = np.empty(len(ids), dtype=np.int64)
    column[[ids[t] for t in terms]] = np.arange(len(terms), dtype=np.int64)
    from scipy import sparse

    matrix = sparse.csr_matrix(
        (data, column[columns], indptr), shape=(len(indptr) - 1, max(1, len(terms)))
    )
    matrix.sort_indices()
    return TermVectors(matrix, terms)


# ---- candidates ------------------------------------------------------------------------------


def _index_config(config: StoryConfig) -> IndexConfig:
    return IndexConfig(
        num_perm=config.num_perm,
        seed=config.seed,
        lsh_threshold=config.lsh_threshold,
        max_bucket=config.max_bucket,
    )


# What the story level holds, measured on planted news corpora (bench/, 10k-300k articles) and
# rounded up: before its candidates (term counts, packed wording, vector rows, the copy level)
# ~9 bytes per character of text beyond the loaded articles (300k: 8.3 GB of RSS for 804M
# characters, articles included); each raw candidate pair (a pair counts once per band it
# shares) ~44 bytes from gathering through scoring.
_BYTES_PER_CHAR = 10
_BYTES_PER_RAW_PAIR = 48
# From the neighbourhoods on (rows, second-order scores, facts, edges, average-link), beyond
# what the process holds when they start, per candidate pair at least `neighbour_floor`
# similar: ~99 bytes on planted news (20k articles, 680k such pairs), ~290 on 10k tiny texts
# of one small vocabulary, where nearly every pair is close and rows fill up. The larger one:
# --max-memory is a ceiling, and a run it admitted peaked at 1.8x it (10k tiny: 1.29 GB at 700M).
_BYTES_PER_NEAR_PAIR = 300


def check_memory(need: int, what: str) -> None:
    """Raise MemoryLimitError when a step needing `need` more bytes would not fit: in the
    budget of `memory.memory_budget` beside what the process holds already, or, without one,
    in the machine's available memory. Refusing a run that might just have fitted is cheap to
    undo (--max-memory); a run the kernel kills after many minutes is not."""
    have, budgeted = headroom()
    if have is None or need <= have:
        return
    room = (
        f"--max-memory leaves {format_size(have)}"
        if budgeted
        else (f"the machine has {format_size(have)} available")
    )
    advice = "raise --max-memory" if budgeted else "pass --max-memory SIZE to try anyway"
    raise MemoryLimitError(
        f"the story level needs about {format_size(need)} more memory for {what}, and {room}; "
        f"run --level copy, split the corpus (by date or source), or {advice}"
    )


def check_corpus_memory(articles: Sequence[Article]) -> None:
    """Refuse, before any cleaning, a corpus whose story terms would not fit in memory."""
    check_text_memory(len(articles), sum(len(a.text) for a in articles))


def check_text_memory(articles: int, chars: int) -> None:
    """`check_corpus_memory` of `articles` articles holding `chars` characters of text."""
    size = f"{chars / 1e6:,.0f}M" if chars >= 10**6 else f"{chars:,}"
    what = f"the story terms of {articles:,} articles ({size} characters of text)"
    check_memory(chars * _BYTES_PER_CHAR, what)


def story_candidates(
    vectors: Sequence[Mapping[str, float]],
    config: StoryConfig,
    dates: Sequence[int | None] | None = None,
) -> npt.NDArray[np.int64]:
    """Return sorted index pairs (i < j), shape (m, 2), whose salient-term sets collide in an
    LSH band (after `check_memory` on the pairs they would make), less those `dates` (a day
    number per vector, None when unknown) put more than `max_days` apart: each band's are
    dropped as they are found, so a corpus spanning years does not gather them."""
    rows = vectors if isinstance(vectors, TermVectors) else term_vectors(vectors)
    sets = _salient_sets(rows, config.salient_terms)
    usable = np.array([i for i, s in enumerate(sets) if len(s)], dtype=np.int64)
    if len(usable) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    index = _index_config(config)
    signatures = sign_many([sets[i] for i in usable.tolist()], index)
    keys = band_keys(signatures, index)
    days = None
    if dates is not None:
        known = np.array([-1 if d is None else d for d in dates], dtype=np.int64)[usable]
        if np.count_nonzero(known >= 0) > 1:
            days = known
    # Counted as gathered: less the pairs dated apart, which are dropped band by band.
    raw = raw_pair_count(keys, index, values=days, window=config.max_days)
    what = f"{raw:,} candidate pairs among {len(vectors):,} articles"
    check_memory(raw * _BYTES_PER_RAW_PAIR, what)
    pairs = candidate_pairs(keys, index, values=days, window=config.max_days)
    # Rows were renumbered only when some had no salient term (a copy of the pairs else).
    return usable[pairs] if len(usable) < len(sets) else pairs


def _salient_sets(vectors: TermVectors, k: int) -> list[npt.NDArray[np.uint64]]:
    """Return each row's `salient_terms` as its sorted unique term hashes, for all rows at
    once: one sort by (row, weight descending, column), and columns follow term order, so
    ties go to the lower term as in `salient_terms`.

    The sort is `_heaviest_first`: the entries of a row lie in column order, so ties stay in
    column order. Rows are taken in blocks of `_SALIENT_BLOCK` entries, which bounds the
    temporaries (all rows at once took 3.2 GB at 300k articles).
    """
    matrix = vectors.matrix
    if not matrix.has_sorted_indices:
        matrix = matrix.sorted_indices()
    indptr = matrix.indptr.astype(np.int64)
    term_hashes = token_hashes(list(vectors.terms))
    sets: list[npt.NDArray[np.uint64]] = []
    for first, end in _row_blocks(indptr, _SALIENT_BLOCK):
        lo, hi = int(indptr[first]), int(indptr[end])
        starts = indptr[first:end] - lo
        rows = np.repeat(np.arange(end - first, dtype=np.int64), np.diff(indptr[first : end + 1]))
        order = _heaviest_first(rows, matrix.data[lo:hi])
        top = order[np.arange(len(order)) - starts[rows[order]] < k]
        hashes = term_hashes[matrix.indices[lo + top]]
        rows = rows[top]
        order = np.lexsort((hashes, rows))
        rows, hashes = rows[order], hashes[order]
        fresh = np.ones(len(hashes), dtype=bool)
        fresh[1:] = (rows[1:] != rows[:-1]) | (hashes[1:] != hashes[:-1])
        rows, hashes = rows[fresh], hashes[fresh]
        bounds = np.searchsorted(rows, np.arange(end - first + 1))
        sets += [hashes[a:b] for a, b in itertools.pairwise(bounds.tolist())]
    return sets


def _heaviest_first(
    groups: npt.NDArray[np.int64], weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    """Return the order that sorts entries by group, then weight descending, ties in their
    given order: one stable argsort of a single int64 key, group * ranks + the weight's rank
    among all weights (heaviest 0; equal weights, equal rank). A three-key lexsort gave the
    same order 3x slower (100k articles, 13M entries: 7.6 s against 2.6 s)."""
    _, rank = np.unique(-weights, return_inverse=True)
    ranks = int(rank.max()) + 1 if len(rank) else 1
    order: npt.NDArray[np.intp] = np.argsort(groups * np.int64(ranks) + rank.ravel(), kind="stable")
    return order


# Entries of the term matrix per block of whole rows in `_salient_sets`.
_SALIENT_BLOCK = 1 << 22


def _row_blocks(indptr: npt.NDArray[np.int64], size: int) -> Iterator[tuple[int, int]]:
    """Yield (first, end) row ranges covering every row, each of about `size` entries and
    at least one row."""
    rows = len(indptr) - 1
    first = 0
    while first < rows:
        end = int(np.searchsorted(indptr, indptr[first] + size, side="right")) - 1
        end = min(max(end, first + 1), rows)
        yield first, end
        first = end


# ---- clustering ------------------------------------------------------------------------------


def average_link(
    n: int,
    edges: Mapping[tuple[int, int], float],
    threshold: float,
    *,
    together: Iterable[Sequence[int]] = (),
    dates: Sequence[int | None] | None = None,
    max_days: int = 0,
    penalty: float = 1.0,
) -> list[list[int]]:
    """Return groups of 0..n-1 merged by average linkage over a sparse similarity graph.

    Two groups merge while the mean similarity over *all* their cross pairs, missing edges
    counting as 0, is at least `threshold`: a single strong edge from a generic article is
    not enough to join two large groups. With `dates` (a day number per node, None when
    unknown), each cross pair of nodes dated more than `max_days` apart counts `-penalty`
    in that mean. Ties break on the smallest member index, so the result depends on the
    graph only. Each group of `together` (copies of one article) starts as one group.

    Pairs dated apart can outnumber the edges many times (a corpus spanning years), and most
    lie between groups that never come close to merging. So they stay out of the links: a
    merge is first ranked by its edges alone, an upper bound of its mean, and only when it
    comes up are the pairs dated apart across it counted (`_Dated`); a merge they pull down
    goes back in the queue at its true mean.
    """
    owner = list(range(n))
    for group in together:
        first = min(group)
        for i in group:
            owner[i] = first
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(owner[i], []).append(i)
    # Each pair of groups' total over its edges, added in edge order (bincount), as a loop
    # over the edges would add it, and the first means, on arrays.
    if isinstance(edges, Edges):
        pairs, scores = edges.pairs, edges.scores
    else:
        pairs = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
        scores = np.array(list(edges.values()), dtype=np.float64)
    of = np.array(owner, dtype=np.int64)
    gi, gj = of[pairs[:, 0]], of[pairs[:, 1]]
    cross = gi != gj
    codes = np.minimum(gi, gj)[cross] * n + np.maximum(gi, gj)[cross]
    linked, which = np.unique(codes, return_inverse=True)
    # Weighted bincounts are float64 already: asarray only tells mypy so.
    totals = np.asarray(
        np.bincount(which, weights=scores[cross], minlength=len(linked)), dtype=np.float64
    )
    low, high = linked // n, linked % n
    sizes = np.bincount(of, minlength=n)
    means = totals / (sizes[low] * sizes[high])
    low, high, totals, means = _mergeable(n, low, high, totals, means, threshold)
    links: dict[int, dict[int, float]] = {g: {} for g in members}
    for g, h, s in zip(low.tolist(), high.tolist(), totals.tolist(), strict=True):
        links[g][h] = s
        links[h][g] = s
    apart = _Dated(dates, max_days, members) if penalty and dates is not None else None
    # (-mean, a, b, exact): without `apart` every mean is exact; with it, a mean from the
    # edges alone is an upper bound, checked when it comes up.
    strong = means >= threshold
    heap: list[tuple[float, int, int, bool]] = [
        (-mean, g, h, apart is None)
        for mean, g, h in zip(
            means[strong].tolist(), low[strong].tolist(), high[strong].tolist(), strict=True
        )
    ]
    heapq.heapify(heap)
    next_id = n
    while heap:
        _, a, b, exact = heapq.heappop(heap)
        if a not in members or b not in members:
            continue  # stale: one side was merged since
        if not exact and apart is not None:
            crossing = apart.between(a, b)
            if crossing:
                size = len(members[a]) * len(members[b])
                mean = (links[a][b] - penalty * crossing) / size
                if mean >= threshold:
                    heapq.heappush(heap, (-mean, a, b, True))
                continue
        new = next_id
        next_id += 1
        if apart is not None:
            apart.merge(a, b, new)
        merged = members.pop(a) + members.pop(b)
        members[new] = merged
        la, lb = links.pop(a), links.pop(b)
        total: dict[int, float] = {}
        for side in (la, lb):
            for c, s in side.items():
                if c in (a, b):
                    continue
                total[c] = total.get(c, 0.0) + s
        links[new] = total
        for c, s in sorted(total.items()):
            other = links[c]
            other.pop(a, None)
            other.pop(b, None)
            other[new] = s
            mean = s / (len(merged) * len(members[c]))
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(c, new), max(c, new), apart is None))
    groups = [sorted(g) for g in members.values()]
    return sorted(groups, key=lambda g: g[0])


# Relative slack on the threshold when `_mergeable` finds the links that can ever lead to a
# merge: float sums of positive terms err by at most (terms - 1) * 2**-53 relative, far less.
_MEAN_SLACK = 1e-6


def _mergeable(
    n: int,
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    totals: npt.NDArray[np.float64],
    means: npt.NDArray[np.float64],
    threshold: float,
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]
]:
    """Return the links of `average_link` that can ever take part in a merge.

    The mean of a link between two merged groups is the size-weighted average of the means
    of the first links it sums (pairs dated apart only lower it), so it never exceeds the
    largest of them. Two groups can therefore merge only when first links of at least the
    threshold join their members: groups merge only within the components of those links.
    A link between two components never reaches the threshold, nor do the links it is
    summed into, so dropping them changes no merge (at 30k articles 40% of the links).
    """
    if not len(low):
        return low, high, totals, means
    reach = means >= threshold * (1.0 - _MEAN_SLACK)
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    graph = sparse.coo_matrix(
        (np.ones(int(reach.sum()), dtype=np.int8), (low[reach], high[reach])), shape=(n, n)
    )
    _, component = connected_components(graph, directed=False)
    keep = component[low] == component[high]
    return low[keep], high[keep], totals[keep], means[keep]


class _Dated:
    """The dates of each group of `average_link`, to count its cross pairs dated apart.

    A group keeps the sorted days of its dated members (undated ones are never apart), so
    the pairs of two groups more than `max_days` apart are all their dated pairs less those
    within `max_days`: a binary search per date of the smaller group. Nothing is kept per
    pair, however many pairs a corpus spanning years has.
    """

    def __init__(
        self, dates: Sequence[int | None], max_days: int, members: Mapping[int, list[int]]
    ) -> None:
        self.max_days = max_days
        self.days: dict[int, npt.NDArray[np.int64]] = {}
        for g, group in members.items():
            known = sorted(d for d in (dates[i] for i in group) if d is not None)
            if known:
                self.days[g] = np.array(known, dtype=np.int64)

    def between(self, a: int, b: int) -> int:
        """Return how many pairs of a dated member of group `a` and one of `b` are more than
        `max_days` apart."""
        da, db = self.days.get(a), self.days.get(b)
        if da is None or db is None:
            return 0
        small, large = (da, db) if len(da) <= len(db) else (db, da)
        if small[-1] - large[0] <= self.max_days and large[-1] - small[0] <= self.max_days:
            return 0  # the two spans lie within max_days of each other
        near = np.searchsorted(large, small + self.max_days, side="right") - np.searchsorted(
            large, small - self.max_days, side="left"
        )
        return len(small) * len(large) - int(near.sum())

    def merge(self, a: int, b: int, new: int) -> None:
        """Record that groups `a` and `b` become group `new`."""
        da, db = self.days.pop(a, None), self.days.pop(b, None)
        if da is None or db is None:
            known = da if db is None else db
            if known is not None:
                self.days[new] = known
            return
        small, large = (da, db) if len(da) <= len(db) else (db, da)
        self.days[new] = np.insert(large, np.searchsorted(large, small), small)


def dated_apart_pairs(
    group_a: Sequence[int], group_b: Sequence[int], dates: Sequence[int | None], max_days: int
) -> int:
    """Return how many cross pairs of two groups are dated more than `max_days` apart."""
    members = {0: list(group_a), 1: list(group_b)}
    return _Dated(dates, max_days, members).between(0, 1)


# ---- the stage -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """What story grouping needs of one article."""

    id: str
    length: int
    date: int | None
    terms: TermCounts
    facts: Facts = field(default_factory=Facts)
    unread_date: str | None = None  # a date field `parse_field_date` could not read


def story_doc(article: Article, text: str, *, stamps: str = "") -> StoryDoc:
    """Return the story representation of an article from its cleaned text, and the lines
    cleaning dropped as the page's date stamps (`boilerplate.date_stamps`), which date it."""
    date, unread = _dated(article, text, stamps)
    return StoryDoc(
        id=article.id,
        length=len(text),
        date=date,
        terms=term_counts(text, title=article.title),
        facts=article_facts(text, date=date),
        unread_date=unread[:40] if unread else None,
    )


def unread_dates_warning(ids: Sequence[str], docs: Sequence[StoryDoc]) -> LoadIssue | None:
    """Return one warning for the articles whose date field could not be read (they count as
    undated, so the `max_days` rule cannot part them), naming the first; None if none."""
    unread = [(i, d.unread_date) for i, d in zip(ids, docs, strict=True) if d.unread_date]
    if not unread:
        return None
    first, value = unread[0]
    many = "article's date field" if len(unread) == 1 else "articles' date fields"
    return LoadIssue(
        source=first,
        problem=(
            f"{len(unread):,} {many} could not be read as a date (such as {value!r}); they "
            "count as undated at the story level (dates of the years 1900 to 2099 are read; "
            "write ISO 8601 dates: 2009-03-03)"
        ),
        severity="warning",
    )


class Edges(Mapping[tuple[int, int], float]):
    """Scored edges as a read-only mapping (i, j) -> score over two arrays: sorted pairs
    (i < j) and their scores. As a dict, millions of edges took ~150 bytes each (100k
    articles: ~1.2 GB); `average_link` reads the arrays."""

    __slots__ = ("_codes", "n", "pairs", "scores")

    def __init__(
        self, n: int, pairs: npt.NDArray[np.int64], scores: npt.NDArray[np.float64]
    ) -> None:
        self.n, self.pairs, self.scores = n, pairs, scores
        self._codes: npt.NDArray[np.int64] | None = None

    def __len__(self) -> int:
        return len(self.pairs)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return (tuple(p) for p in self.pairs.tolist())

    def __getitem__(self, key: tuple[int, int]) -> float:
        if self._codes is None:
            self._codes = self.pairs[:, 0] * self.n + self.pairs[:, 1]
        i, j = key
        code = i * self.n + j
        at = int(np.searchsorted(self._codes, code))
        if not (0 <= i < j < self.n) or at == len(self._codes) or self._codes[at] != code:
            raise KeyError(key)
        return float(self.scores[at])


@dataclass(frozen=True, slots=True)
class StoryGraph:
    """Candidate edges between documents (by index): direct cosine and neighbourhood score."""

    vectors: TermVectors
    pairs: npt.NDArray[np.int64]  # (m, 2) candidate pairs (i < j) with a positive cosine
    direct: npt.NDArray[np.float64]  # (m,) cosine of the term vectors of each pair
    edges: Mapping[tuple[int, int], float]  # cosine of the neighbourhoods: what clusters
    candidates: int  # LSH candidate pairs not dated more than max_days apart
    dates: tuple[int | None, ...]  # each document's day number, when known
    # How many neighbours the two articles of each edge have in common (besides each
    # other): with none, the edge's score is capped at their term cosine.
    shared: Mapping[tuple[int, int], float]


def neighbourhoods(
    n: int, pairs: npt.NDArray[np.int64], direct: npt.NDArray[np.float64], config: StoryConfig
) -> sparse.csr_matrix:
    """Return each document's normalised row: itself (1.0) and its `neighbours` nearest.

    Only neighbours at least `neighbour_floor` similar count, so an article that resembles
    nothing keeps a row of itself alone. Every neighbour at least `strong_neighbour` similar
    counts too (up to 50): in a story with many reports, two of them would otherwise pick
    different few nearest and look unrelated. Nearest first, ties to the lower index.
    `pairs` are sorted (i < j), as `story_candidates` gives them.
    """
    near = direct >= config.neighbour_floor
    low, high, near_sim = pairs[near, 0], pairs[near, 1], direct[near]
    del near
    # Each pair both ways, the reversed ones first: every source's targets then come in
    # ascending order, which a stable sort by (source, similarity descending) keeps for
    # ties. The key of `_heaviest_first`, written out here to rank each pair's similarity
    # once rather than once per direction, and to free the temporaries as soon as they are
    # used: this is the story level's peak (300k articles: 30M entries).
    _, rank = np.unique(-near_sim, return_inverse=True)
    rank = rank.ravel()
    ranks = int(rank.max()) + 1 if len(rank) else 1
    src = np.concatenate((high, low))
    key = src * np.int64(ranks) + np.concatenate((rank, rank))
    del rank
    order = np.argsort(key, kind="stable")
    del key
    src = src[order]
    dst = np.concatenate((low, high))[order]
    del low, high
    sim = np.concatenate((near_sim, near_sim))[order]
    del near_sim, order
    counts = np.bincount(src, minlength=n)
    firsts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(len(src)) - firsts[src]
    strong = np.bincount(src, weights=sim >= config.strong_neighbour, minlength=n)
    keep_per_row = np.maximum(config.neighbours, np.minimum(strong, _MAX_NEIGHBOURS))
    keep = rank < keep_per_row[src]
    rows = np.concatenate((np.arange(n), src[keep]))
    cols = np.concatenate((np.arange(n), dst[keep]))
    vals = np.concatenate((np.ones(n), sim[keep]))
    order = np.lexsort((cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    bounds = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n)))).tolist()
    listed = vals.tolist()
    # fsum per row (a few dozen values): the norm is exactly rounded, as before.
    norms = [
        math.sqrt(math.fsum(v * v for v in listed[a:b])) for a, b in itertools.pairwise(bounds)
    ]
    vals = vals / np.array(norms, dtype=np.float64)[rows]
    from scipy import sparse

    return sparse.csr_matrix((vals, cols, np.array(bounds, dtype=np.int64)), shape=(n, n))


def shared_neighbours(
    rows: sparse.csr_matrix, pairs: npt.NDArray[np.int64], *, threads: int = 1
) -> npt.NDArray[np.float64]:
    """Return, for each pair (i, j) of `pairs`, how many neighbours the neighbourhood rows
    of i and j have in common besides i and j themselves (exact counts, as floats)."""
    from scipy import sparse

    n = rows.shape[0]
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(rows.indptr))
    kept = rows.indices != owner  # each row without its own article
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[kept], minlength=n), out=indptr[1:])
    del owner
    ones = np.ones(int(indptr[-1]), dtype=np.float64)
    others = sparse.csr_matrix((ones, rows.indices[kept], indptr), shape=rows.shape)
    # Row i holds j and row j holds i, but neither holds itself any more: what the two
    # rows have in common is a third article.
    return pair_dots(others, pairs, threads=threads)


def score_graph(
    docs: Sequence[StoryDoc],
    config: StoryConfig,
    *,
    progress: Progress | None = None,
    threads: int = 1,
) -> StoryGraph:
    """Return the vectors of `docs` and their scored candidate edges.

    An edge's score is second-order: the cosine of the two articles' neighbourhoods (each
    article and its nearest candidates by term cosine). Two reports of one event have the same
    neighbours; two events of the same kind share words but not neighbours, which separates
    them better than the direct cosine does (ECB+: B-cubed F1 0.94 against 0.90). Scores are
    sparse-row dot products over all candidate pairs at once (`dots.pair_dots`, on up to
    `threads` threads when numba is installed), so a scan of 100k articles and millions of
    candidates stays in numpy arrays. `progress` hears the stages that take long on a big
    corpus: "story terms", "story pairs", "story scores" and "story neighbourhoods".
    """
    vectors = weighed_vectors([d.terms for d in docs], None, config, progress)
    paired = _stage(progress, "story pairs", 1)
    dates = tuple(d.date for d in docs)
    pairs = story_candidates(vectors, config, dates)
    candidates = len(pairs)
    if paired:
        paired(1)
    tick = _stage(progress, "story scores", len(pairs))
    direct = np.clip(pair_dots(vectors.matrix, pairs, threads=threads, on_batch=tick), 0.0, 1.0)
    scored = direct > 0.0
    if not scored.all():  # candidates share salient terms: a copy of them all, mostly
        pairs, direct = pairs[scored], direct[scored]
    del scored
    near_pairs_count = int(np.count_nonzero(direct >= config.neighbour_floor))
    check_memory(
        near_pairs_count * _BYTES_PER_NEAR_PAIR,
        f"the scores of {near_pairs_count:,} close story pairs among {len(docs):,} articles",
    )
    rows = neighbourhoods(len(docs), pairs, direct, config)
    near = direct >= config.neighbour_floor
    near_pairs = pairs[near]
    tick = _stage(progress, "story neighbourhoods", len(near_pairs))
    second = np.minimum(1.0, pair_dots(rows, near_pairs, threads=threads, on_batch=tick))
    # Each row holds its article at weight 1, so two articles that share no neighbour score
    # 2c / (1 + c^2) from their own cosine c alone: 0.26 at c = 0.13, which passes the
    # threshold. Without a neighbour in common there is no second-order evidence, and the
    # score is capped at the cosine (Reuters 1987, 4,000 articles: 36 pairs no longer
    # joined, nearly all two unrelated briefs such as two companies building plants; ECB+
    # unchanged).
    shared = shared_neighbours(rows, near_pairs, threads=threads)
    second = np.where(shared > 0, second, np.minimum(second, direct[near]))
    agreement = fact_agreements([d.facts for d in docs], near_pairs, config)
    scores = np.minimum(1.0, second * agreement)
    edges = Edges(len(docs), near_pairs, scores)
    return StoryGraph(
        vectors=vectors,
        pairs=pairs,
        direct=direct,
        edges=edges,
        candidates=candidates,
        dates=dates,
        shared=Edges(len(docs), near_pairs, shared),
    )


def _every(progress: Progress | None, stage: str, n: int, total: int, step: int = 1000) -> None:
    """Report item `n` of `total` to `progress` at every `step`th and at the last."""
    if progress and (n % step == 0 or n == total):
        progress(stage, n, total)


def _stage(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    """Return a callback that reports `stage` done by that much more, or None (no progress)."""
    if progress is None:
        return None
    report = progress
    done = 0
    report(stage, 0, total)

    def tick(more: int) -> None:
        nonlocal done
        done += more
        report(stage, done, total)

    return tick


def group_docs(
    docs: Sequence[StoryDoc],
    config: StoryConfig,
    *,
    together: Iterable[Sequence[int]] = (),
    progress: Progress | None = None,
    threads: int = 1,
) -> tuple[list[list[int]], StoryGraph]:
    """Return groups of document indexes (singletons included) and the scored graph."""
    graph = score_graph(docs, config, progress=progress, threads=threads)
    grouped = _stage(progress, "story groups", 1)
    together = [list(group) for group in together]
    groups = average_link(
        len(docs),
        graph.edges,
        config.threshold,
        together=together,
        dates=copies_dated_alike(graph.dates, together, config.max_days),
        max_days=config.max_days,
        penalty=config.dated_apart,
    )
    if grouped:
        grouped(1)
    return groups, graph


def copies_dated_alike(
    dates: Sequence[int | None], together: Sequence[Sequence[int]], max_days: int
) -> list[int | None]:
    """Return `dates` with every dated copy of an article dated as most of its copies are.

    Copies are one article: a re-post or a crawl dated two years later is not a report of a
    later event, and its date must not count against the story the original belongs to (QA
    11a: one late copy pulled its article out of a 17-article story). Nor does a copy with a
    wrong early date (a CMS default, the epoch) move its original out (QA 19a #1: that
    happened while copies took their earliest date). So the copies take their median date;
    when the two middle dates are more than `max_days` apart, the dates contradict each
    other, and the copies are taken as undated, which parts them from nothing.
    """
    out = list(dates)
    for group in together:
        known = sorted(d for d in (dates[i] for i in group) if d is not None)
        if len(known) > 1:
            low, high = known[(len(known) - 1) // 2], known[len(known) // 2]
            date = low if high - low <= max_days else None
            for i in group:
                if out[i] is not None:
                    out[i] = date
    return out


def _members(
    groups: Sequence[Sequence[int]],
    docs: Sequence[StoryDoc],
    graph: StoryGraph,
    copied: Collection[int] = frozenset(),
) -> list[tuple[str, tuple[Member, ...]]]:
    """Return each group's representative and its members, each with its `cosine` to the
    representative.

    The representative is the member closest to the story's centre: the greatest dot
    product of its term vector with the sum of all members' vectors (rounded to 9 places),
    then the longest text, then the smaller id; never a copy whose cluster another copy
    represents (`copied`). The longest text alone was often an outlier the story merged
    last ("Federated gets officers" for a story of February store sales), with every
    member's similarity to it 0.05-0.2.
    """
    central = _centrality(groups, graph.vectors.matrix)
    reps = [
        min(
            [i for i in g if i not in copied] or g,
            key=lambda i: (-central[i], -docs[i].length, docs[i].id),
        )
        for g in groups
    ]
    pairs = [(i, rep) for g, rep in zip(groups, reps, strict=True) for i in g if i != rep]
    sims = iter(row_cosines(graph.vectors.matrix, pairs))
    out = []
    for group, rep in zip(groups, reps, strict=True):
        via = docs[rep].id
        members = [Member(id=via, similarity=1.0)]
        members += [
            Member(id=docs[i].id, similarity=round(next(sims), 4), via=via)
            for i in group
            if i != rep
        ]
        members.sort(key=lambda m: m.id)
        out.append((via, tuple(members)))
    return out


def _centrality(groups: Sequence[Sequence[int]], matrix: sparse.csr_matrix) -> dict[int, float]:
    """Return, for each member of `groups`, the dot product of its row of `matrix` with the
    sum of its group's rows, rounded to 9 places (sums in another order differ only in the
    last bits)."""
    from scipy import sparse

    members = np.array([i for g in groups for i in g], dtype=np.int64)
    if not len(members):
        return {}
    group_of = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    ones = np.ones(len(members), dtype=np.float64)
    belongs = sparse.csr_matrix((ones, (group_of, members)), shape=(len(groups), matrix.shape[0]))
    centres = (belongs @ matrix).tocsr()
    dots = np.asarray(matrix[members].multiply(centres[group_of]).sum(axis=1)).ravel()
    return dict(zip(members.tolist(), np.round(dots, 9).tolist(), strict=True))


def row_cosines(matrix: sparse.csr_matrix, pairs: Sequence[tuple[int, int]]) -> list[float]:
    """Return `cosine` of each pair of rows: the same floats, as the products are the same
    (scipy's elementwise product, by `dots.pair_products`) and fsum is exactly rounded
    whatever their order. Without building a dict per row (30k articles: 0.8 s -> 0.2 s)."""
    out: list[float] = []
    every = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    for _, products in pair_products(matrix, every):
        data = products.data.tolist()
        bounds = products.indptr.tolist()
        out += [min(1.0, max(0.0, math.fsum(data[a:b]))) for a, b in itertools.pairwise(bounds)]
    return out


def _echoes(phrase: str, shown: str) -> bool:
    """Return True when `phrase` adds nothing to `shown` ("Dem" after "Lib Dems", "Russian"
    after "Russia")."""
    a, b = phrase.casefold(), shown.casefold()
    if a in b:
        return True
    stems = {w[:5] for w in b.split() if len(w) >= 5}
    return all(len(w) >= 5 and w[:5] in stems for w in a.split())


# Phrases in a story's label; it ranks three times as many terms to phrase them from.
_LABEL_TERMS = 5


def story_label(
    group: Iterable[int],
    docs: Sequence[StoryDoc],
    graph: StoryGraph,
    *,
    terms: int = _LABEL_TERMS,
) -> str:
    """Return the story's most telling terms: the largest summed weights over its members.

    Two top terms that mostly stand side by side in the text become one phrase
    ("North Korea"), spelled as the articles spell them.
    """
    members = list(group)
    (columns,) = heaviest_columns(graph.vectors.matrix, [members], 3 * terms)
    return _label(members, columns, docs, graph, terms)


def _label(
    members: Sequence[int],
    columns: Sequence[int],
    docs: Sequence[StoryDoc],
    graph: StoryGraph,
    terms: int,
) -> str:
    """Return the label phrased from a story's heaviest term columns. Figures other than
    years are left out when words remain: they weigh much in briefs of tables and results
    but say nothing in a label ("33.1 · 8,871,000 · 5,156,000")."""
    ranked = [graph.vectors.terms[c] for c in columns]
    worded = [t for t in ranked if not _FIGURE.fullmatch(t) or _YEAR.fullmatch(t)]
    ranked = worded or ranked
    return label_phrases(ranked, *_label_reading(members, docs, ranked), terms=terms)


# Entries (member rows' nonzeros) summed per block of groups in `heaviest_columns`: bounds
# its scratch arrays (~50 bytes an entry: ~25 MB) whatever the number of stories.
_HEAVY_BLOCK = 1 << 19


def heaviest_columns(
    matrix: sparse.csr_matrix, groups: Sequence[Sequence[int]], k: int
) -> list[list[int]]:
    """Return, for each group of rows, the `k` columns of largest summed weight over its
    rows, heaviest first, ties to the lower column (columns follow term order, so ties go
    to the lower term).

    All groups at once, in blocks: one (group, column) key per entry, and `np.bincount`
    adds each key's weights in input order (member by member, as a dict updated row after
    row does, so the sums are the same floats); then `_heaviest_first` by group, the
    (group, column) keys being in column order. A Python loop over every member's row took
    ~1 ms a story.
    """
    indptr = matrix.indptr.astype(np.int64)
    columns = max(1, int(matrix.shape[1]))
    out: list[list[int]] = []
    start = 0
    while start < len(groups):
        stop, entries = start, 0
        while stop < len(groups) and (stop == start or entries < _HEAVY_BLOCK):
            entries += int(sum(indptr[i + 1] - indptr[i] for i in groups[stop]))
            stop += 1
        out += _heaviest_block(matrix, indptr, columns, groups[start:stop], k)
        start = stop
    return out


def _heaviest_block(
    matrix: sparse.csr_matrix,
    indptr: npt.NDArray[np.int64],
    columns: int,
    groups: Sequence[Sequence[int]],
    k: int,
) -> list[list[int]]:
    rows = np.array([i for g in groups for i in g], dtype=np.int64)
    owner = np.repeat(np.arange(len(groups), dtype=np.int64), [len(g) for g in groups])
    lengths = indptr[rows + 1] - indptr[rows]
    ends = np.cumsum(lengths)
    # Each member's entries in turn: its row's positions in `matrix.indices` and `.data`.
    positions = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    positions += np.repeat(indptr[rows] - (ends - lengths), lengths)
    keys = np.repeat(owner, lengths) * columns + matrix.indices[positions]
    found, slot = np.unique(keys, return_inverse=True)
    # Weighted bincounts are float64 already: asarray only tells mypy so.
    sums = np.asarray(
        np.bincount(slot.ravel(), weights=matrix.data[positions], minlength=len(found)),
        dtype=np.float64,
    )
    group = found // columns
    order = _heaviest_first(group, sums)
    firsts = np.searchsorted(group, np.arange(len(groups) + 1))
    ordered = group[order]
    top = order[np.arange(len(order)) - firsts[ordered] < k]
    top_columns = (found[top] % columns).tolist()
    bounds = np.searchsorted(group[top], np.arange(len(groups) + 1)).tolist()
    return [top_columns[a:b] for a, b in itertools.pairwise(bounds)]


def _label_reading(
    members: Sequence[int], docs: Sequence[StoryDoc], ranked: Sequence[str]
) -> tuple[Counter[str], Counter[tuple[str, str]], dict[str, Counter[str]]]:
    """Return what a story's label reads of its heaviest terms (`ranked`): their counts,
    adjacent pairs and spellings over `members`."""
    # Counts, spellings and neighbours of the ranked terms alone: all the label reads (a
    # story's every term and adjacent pair took ~1 ms a story, 25 s at 100k articles).
    surface: dict[str, Counter[str]] = {t: Counter() for t in ranked}
    counts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for i in members:
        doc = docs[i].terms
        present = [t for t in ranked if t in doc.counts]
        if not present:
            continue
        wording = doc.wording()
        for t in present:
            counts[t] += doc.counts[t]
            surface[t][wording.spelling(t)] += 1
        for t in present:
            for u in present:
                if (t, u) in wording.pairs:
                    pairs[(t, u)] += wording.pairs[(t, u)]
    return counts, pairs, surface


def label_phrases(
    ranked: Sequence[str],
    counts: Mapping[str, int],
    pairs: Mapping[tuple[str, str], int],
    surface: Mapping[str, Counter[str]],
    *,
    terms: int = 5,
) -> str:
    """Return up to `terms` phrases of the ranked terms, heaviest first: a term with the one
    it mostly stands beside ("North Korea"; more than once, unless both are names), each in
    its most frequent spelling, a phrase's end less a possessive "'s", none that repeats one
    shown (`_echoes`)."""

    def spell(t: str, last: bool = True) -> str:
        forms: Counter[str] = Counter()
        for form, n in surface[t].items():
            # Ending a phrase, "Presley's" counts as "Presley" when the story also writes that;
            # inside a phrase ("Ocean's Eleven") or never bare ("McDonald's") it stays.
            bare = form[:-2] if form.endswith(("'s", "'S")) else ""
            forms[bare if last and bare in surface[t] else form] += n
        return min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    used: set[str] = set()
    words: list[str] = []
    for t in ranked:
        if t in used:
            continue
        used.add(t)
        phrase = spell(t)
        for u in ranked:
            if u in used:
                continue
            together = max(pairs.get((t, u), 0), pairs.get((u, t), 0))
            # Once side by side is a phrase for two names ("Partizan Belgrade"), not for a word
            # that happened to follow ("buy Fiat outright", "the cartel Opec").
            once = together == 1 and spell(t)[:1].isupper() and spell(u)[:1].isupper()
            if (together >= 2 or once) and together * 2 >= min(counts[t], counts[u]):
                first, second = (t, u) if pairs.get((t, u), 0) >= pairs.get((u, t), 0) else (u, t)
                phrase = f"{spell(first, last=False)} {spell(second)}"
                used.add(u)
                break
        if not any(_echoes(phrase, w) for w in words):
            words.append(phrase)
        if len(words) == terms:
            break
    return " · ".join(words)


def story_clusters(
    docs: Sequence[StoryDoc],
    config: StoryConfig,
    *,
    together: Iterable[Sequence[int]] = (),
    progress: Progress | None = None,
    threads: int = 1,
) -> tuple[tuple[Cluster, ...], StoryGraph]:
    """Return the stories of two or more articles, numbered as copy clusters are, labelled
    (pair scores on up to `threads` threads)."""
    together = [list(group) for group in together]
    groups, graph = group_docs(docs, config, together=together, progress=progress, threads=threads)
    stories = [g for g in groups if len(g) > 1]
    # A copy that is not its cluster's representative never represents its story: a
    # deduplicated copy would drop it.
    copied = {i for group in together for i in group[1:]}
    drafted = _members(stories, docs, graph, copied)
    drafts = [(*m, g) for m, g in zip(drafted, stories, strict=True)]
    drafts.sort(key=lambda d: (-len(d[1]), d[0]))
    heaviest = heaviest_columns(graph.vectors.matrix, [g for _, _, g in drafts], 3 * _LABEL_TERMS)
    clusters = []
    for n, ((rep, members, g), columns) in enumerate(zip(drafts, heaviest, strict=True), 1):
        label = _label(g, columns, docs, graph, _LABEL_TERMS)
        clusters.append(Cluster(id=n, representative=rep, members=members, label=label))
        _every(progress, "story labels", n, len(drafts))
    return tuple(clusters), graph


def _story_chunk(
    articles: list[Article], config: DedupConfig, templates: frozenset[int]
) -> list[StoryDoc]:
    """Clean a chunk of articles (the scan's fast path) and represent each for stories."""
    return _cleaned_story_docs(articles, config, templates)[1]


def _fingerprint_story_chunk(
    articles: list[Article], config: DedupConfig, templates: frozenset[int]
) -> tuple[Batch, list[StoryDoc]]:
    """Clean a chunk of articles once for both levels: copy fingerprints and story docs."""
    cleaned, docs = _cleaned_story_docs(articles, config, templates)
    return fingerprint_cleaned(cleaned, config), docs


def _cleaned_story_docs(
    articles: list[Article], config: DedupConfig, templates: frozenset[int]
) -> tuple[list[tuple[str, str, str]], list[StoryDoc]]:
    cleaned, stamps = clean_docs_stamped(_as_docs(articles), config, templates)
    docs = [
        story_doc(a, kept, stamps=dated)
        for a, (_, kept, _), dated in zip(articles, cleaned, stamps, strict=True)
    ]
    return cleaned, docs


def _as_docs(articles: Iterable[Article]) -> Iterator[Doc]:
    return ((a.id, a.text, a.extractor is not None) for a in articles)


def scan_with_stories(
    articles: Sequence[Article],
    config: DedupConfig,
    *,
    workers: int = 1,
    skipped: Sequence[LoadIssue] = (),
    warnings: Sequence[LoadIssue] = (),
    progress: Progress | None = None,
) -> tuple[DedupResult, list[StoryDoc]]:
    """Return the copy-level result of `articles` (sorted by id) and their story docs, from
    one cleaning of each article: the workers that fingerprint a chunk also represent it for
    stories (before, the story level cleaned every article a second time)."""
    check_corpus_memory(articles)
    collected = Collected()
    try:
        with Workers(workers) as pool:
            templates = pooled_templates(_as_docs(articles), config, pool, progress)
            task = partial(_fingerprint_story_chunk, config=config, templates=templates)
            docs: list[StoryDoc] = []
            for batch, chunk_docs in pool.map(task, chunked(articles)):
                collected.add(batch)
                docs.extend(chunk_docs)
                if progress:
                    progress("clean", len(docs), len(articles))
        result = collected.result(
            config,
            templates=len(templates),
            skipped=skipped,
            warnings=warnings,
            progress=progress,
        )
    finally:
        collected.sets.close()
    return result, docs


def _parallel_story_docs(
    articles: Sequence[Article], config: DedupConfig, workers: int, progress: Progress | None
) -> list[StoryDoc]:
    """`story_docs` on `workers` processes: corpus templates, then cleaning and terms, each
    over chunks in order, so the docs are the ones one process makes."""
    with Workers(workers) as pool:
        templates = pooled_templates(_as_docs(articles), config, pool)
        task = partial(_story_chunk, config=config, templates=templates)
        docs: list[StoryDoc] = []
        for chunk_docs in pool.map(task, chunked(articles)):
            docs.extend(chunk_docs)
            if progress:
                progress("stories", len(docs), len(articles))
    return docs


def story_docs(
    articles: Sequence[Article],
    config: DedupConfig,
    *,
    progress: Progress | None = None,
    texts: Sequence[str] | None = None,
    workers: int = 1,
) -> list[StoryDoc]:
    """Represent each article for stories from its cleaned text: `texts` when the caller
    already cleaned them (in the same order), else cleaned here with corpus templates, on
    `workers` processes when more than one (same docs)."""
    check_corpus_memory(articles)
    if texts is None and workers > 1 and len(articles) > 1:
        return _parallel_story_docs(articles, config, workers, progress)
    stamps: Sequence[str] = ()
    if texts is None:
        templates = corpus_templates(articles, config)
        cleaned = [clean(a, config, templates=templates) for a in articles]
        texts = [c.text for c in cleaned]
        stamps = [date_stamps(c.lines) for c in cleaned]
    if len(texts) != len(articles):
        raise ValueError(f"{len(texts)} cleaned texts for {len(articles)} articles")
    docs = []
    for n, (article, text) in enumerate(zip(articles, texts, strict=True), start=1):
        docs.append(story_doc(article, text, stamps=stamps[n - 1] if stamps else ""))
        _every(progress, "stories", n, len(articles))
    return docs


def find_stories(
    articles: Iterable[Article],
    config: DedupConfig | None = None,
    *,
    copies: Iterable[Cluster] = (),
) -> tuple[Cluster, ...]:
    """Group the articles that report the same event into stories of two or more.

    Members of each cluster in `copies` (copy clusters of these articles) are kept in one
    story. Articles in no story are left out, as articles in no copy cluster are.
    """
    config = check_config(config)
    items = by_id(articles)
    copies = list(copies)
    named = sorted({m.id for c in copies for m in c.members})
    _check_same_articles([a.id for a in items], (), "find_stories", copies=named)
    docs = story_docs(items, config)
    stories, _ = story_clusters(docs, config.story, together=copy_groups(items, copies))
    return stories


def _check_same_articles(
    ids: Sequence[str], scanned: Sequence[str], caller: str, *, copies: Sequence[str] = ()
) -> None:
    """Raise ValueError naming what differs when the articles given are not those a result
    was made from (`scanned`, when known), or `copies` name articles not given (QA 14a: a
    bare "min() arg is an empty sequence", or an extra article put into a story)."""
    given = set(ids)
    unknown = [i for i in copies if i not in given]
    if unknown:
        raise ValueError(
            f"{caller}: copies name {len(unknown)} article(s) not among the articles given, "
            f"such as {unknown[0]!r}"
        )
    if scanned and list(scanned) != sorted(given):
        missing = sorted(set(scanned) - given)
        extra = sorted(given - set(scanned))
        which = f"{len(missing)} missing" + (f" (such as {missing[0]!r})" if missing else "")
        which += f", {len(extra)} not in it" + (f" (such as {extra[0]!r})" if extra else "")
        raise ValueError(f"{caller} needs the articles the result was made from: {which}")


def copy_groups(items: Sequence[Article], copies: Iterable[Cluster]) -> list[list[int]]:
    """Return the index groups of `items` (sorted by id) that `copies` keep in one story."""
    return _id_groups([a.id for a in items], copies)


def _id_groups(ids: Sequence[str], copies: Iterable[Cluster]) -> list[list[int]]:
    """Return the positions in `ids` of each copy cluster's members: its representative
    first (when among `ids`), then the others in order."""
    position = {article_id: n for n, article_id in enumerate(ids)}
    groups = []
    for c in copies:
        inside = sorted(position[m.id] for m in c.members if m.id in position)
        rep = position.get(c.representative)
        if rep is not None and rep in inside:
            inside.remove(rep)
            inside.insert(0, rep)
        groups.append(inside)
    return groups


LEVELS = STORY_LEVELS


def add_stories(
    result: DedupResult,
    articles: Iterable[Article],
    config: DedupConfig | None = None,
    *,
    level: str = "both",
    progress: Progress | None = None,
    texts: Sequence[str] | None = None,
    workers: int = 1,
    docs: Sequence[StoryDoc] | None = None,
) -> DedupResult:
    """Return `result` with its stories: `both` keeps copy clusters and tags each with its
    story; `story` makes the stories the clusters (and lists them as stories too).

    `docs` are the articles' story docs and `texts` their cleaned texts (each in the order
    of `articles`), when the caller has them already; else they are cleaned on `workers`
    processes. Pair scores run on `workers` threads (numba installed).
    """
    check_level(level)
    if level == "copy":
        return result
    config = check_config(config)
    if docs is not None:
        known = sorted(zip(articles, docs, strict=True), key=lambda ad: ad[0].id)
        items, docs = by_id(a for a, _ in known), [d for _, d in known]
    elif texts is None:
        items = by_id(articles)
    else:
        paired = sorted(zip(articles, texts, strict=True), key=lambda at: at[0].id)
        items, texts = by_id(a for a, _ in paired), [t for _, t in paired]
    _check_same_articles([a.id for a in items], result.article_ids, "add_stories")
    if docs is None:
        docs = story_docs(items, config, progress=progress, texts=texts, workers=workers)
    return stories_of_docs(
        result, [a.id for a in items], docs, config, level=level, progress=progress, threads=workers
    )


def stories_of_docs(
    result: DedupResult,
    ids: Sequence[str],
    docs: Sequence[StoryDoc],
    config: DedupConfig,
    *,
    level: str,
    progress: Progress | None = None,
    threads: int = 1,
) -> DedupResult:
    """`add_stories` from the story docs of the articles `ids` (sorted, each doc in its
    article's place): what a scan on a Dask cluster gathers instead of the articles."""
    stories, graph = story_clusters(
        docs,
        config.story,
        together=_id_groups(ids, result.clusters),
        progress=progress,
        threads=threads,
    )
    story_of = {m.id: s.id for s in stories for m in s.members}
    extra = {**result.extra, "story_candidates": graph.candidates}
    unread = unread_dates_warning(ids, docs)
    if unread is not None:
        result = replace(result, warnings=(*result.warnings, unread))
    params = {**result.params, "level": level, "story": asdict(config.story)}
    if level == "story":
        tagged = tuple(replace(s, story=s.id) for s in stories)
        return replace(result, clusters=tagged, stories=tagged, extra=extra, params=params)
    clusters = tuple(replace(c, story=story_of.get(c.representative)) for c in result.clusters)
    return replace(result, clusters=clusters, stories=stories, extra=extra, params=params)


def story_similarity(
    text_a: str,
    text_b: str,
    *,
    config: StoryConfig | None = None,
    stats: TermStats | None = None,
) -> float:
    """Return how much two texts are about the same event, in [0, 1].

    The cosine of their boosted TF-IDF vectors; idf comes from `stats` (see `corpus_stats`)
    or, without it, from the two texts alone, smoothed.
    """
    for name, text in (("text_a", text_a), ("text_b", text_b)):
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    config = config or StoryConfig()
    a, b = term_counts(text_a), term_counts(text_b)
    stats = stats or term_stats((a, b))
    return round(cosine(weigh(a, stats, config), weigh(b, stats, config)), 6)


def corpus_stats(texts: Iterable[str]) -> TermStats:
    """Return the document frequencies of raw texts, for `story_similarity`."""
    return term_stats(term_counts(t) for t in texts)
