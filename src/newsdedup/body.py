"""Find the main body of a scraped text: the densest run of long, sentence-like lines.

A naive page dump holds the article as one stretch of long prose lines, wrapped in menus,
teasers, footers and link lists made of short lines. Each line gets a score alone (positive
for prose, weighted by its length; a fixed penalty for anything else), and the body is the
contiguous stretch with the largest total (a maximum-sum segment, as in Finn et al.'s Body
Text Extraction, on lines instead of tags). Further stretches are added when they are worth a
good share of the first one, so a body cut in two by a large advertisement or link block is
not lost. Only the shape of the text is used, so pages in any language get an answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

# Scripts written without spaces between words: each character counts as half a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]+")
# The same for ASCII text ([^\W\d_] is [A-Za-z] there), and the lower-case word starts.
_ASCII_WORD = re.compile(r"[A-Za-z]+")
_ASCII_LOWER_START = re.compile(r"(?<![A-Za-z])[a-z]")
# The fast way to the same counts: one bytes.translate maps each lower-case ASCII letter to
# "a", each upper-case one to "A" and every other byte (UTF-8 lead and continuation bytes
# too) to a space; then a word is a run of letters after a space, and a word starting in lower
# case is a " a". It holds for text whose only non-ASCII characters are no word characters
# (curly quotes, dashes, currency signs): those split words just as a space does.
_LETTER_CLASSES = bytes(
    ord("a") if 97 <= b <= 122 else ord("A") if 65 <= b <= 90 else ord(" ") for b in range(256)
)
# A non-ASCII word character (letter, digit, underscore): the fast counts do not apply.
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# An empty table cell: "--", "---" or "n/a" standing alone ("Stockton  2.78  --  --").
_EMPTY_CELL = re.compile(r"(?<!\S)(?:-{2,3}|n/a|N/A)(?!\S)")
# Columns: text, a gap of two or more spaces (or a tab), text.
_COLUMN_GAP = re.compile(r"(?<=\S)(?: {2,}|\t)(?=\S)")
# Dates and times next to an article are its metadata (or a comment's), not a table.
_DATE_OR_TIME = re.compile(
    r"\d{1,2}:\d{2}|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
    r"|\d\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{4}-\d{2}-\d{2}",
    re.IGNORECASE,
)
# Every match of _DATE_OR_TIME holds ":" or "-" or one of these, in any case. In ASCII text
# that is all IGNORECASE folds, so a line without them skips the slow search.
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A sentence ends in one of ENDERS, perhaps inside closing quotes or brackets (CLOSERS).
_ENDERS = ".!?\u2026\u3002\uff01\uff1f:;"
_CLOSERS = "'\"\u201d\u2019\u00bb)]"

# A prose line: at least this many words when it ends a sentence, or this many times as many
# when it does not (a paragraph that runs on without a full stop, a hard-wrapped line).
PROSE_WORDS = 10
RUN_ON_FACTOR = 2.5
# Share of words (after the first) starting in lower case: menus and headlines are title case,
# sentences are mostly lower case. Scripts without case count as prose on this test.
PROSE_LOWER_SHARE = 0.4
# What a line that is not prose costs the stretch around it, in words of prose; a line known
# to interrupt articles (an ad marker, a caption) costs less.
LINE_PENALTY = 10.0
INTERRUPTION_PENALTY = 5.0
# A further stretch joins the body when it is worth at least this share of the best one.
EXTRA_SHARE = 0.5
# Below this many words of prose there is no body to find: leave the text alone.
MIN_BODY_WORDS = 40
# A further stretch needs at least this many words of prose of its own.
MIN_EXTRA_WORDS = 20
# A row of figures ("Net 12.1 mln vs 11.7 mln"): at least this many numbers, and a line no
# longer than a table row.
FIGURE_NUMBERS = 2
FIGURE_MAX_WORDS = 15
# A short label between rows of figures ("Nine mths", "Year") belongs to the table.
TABLE_LABEL_WORDS = 3
# A column header ("WHEAT   HRW   HRS   SRW") has its words set apart in this many columns;
# a row needs this many for its empty cells ("--") to count as figures.
HEADER_COLUMNS = 3
ROW_COLUMNS = 2


class Shape(NamedTuple):
    """What the body detector needs to know of one line (immutable; a NamedTuple because one
    is made per distinct line, and a frozen dataclass costs five times as much to build)."""

    words: float  # words, with characters of unspaced scripts counted as half a word
    lower_share: float  # share of words after the first that start in lower case
    ends_sentence: bool
    blank: bool
    figures: bool = False  # a short row of numbers, as in a results table
    columns: int = 1  # stretches of text set apart by wide gaps (aligned columns)
    numbered: bool = False  # a short line holding a number (a date, a score, a figure)


def shape(text: str) -> Shape:
    """Return the shape of one line."""
    stripped = text.strip()
    if not stripped:
        return Shape(words=0.0, lower_share=0.0, ends_sentence=False, blank=True)
    if not stripped.isascii() and not unicodedata.is_normalized("NFC", stripped):
        # Decomposed text (as macOS tools write it) counts as its composed form: Hangul jamo
        # are syllables, and a letter and its accent one letter (QA 19c #4).
        stripped = unicodedata.normalize("NFC", stripped)
    if stripped.isascii() or not (_NON_ASCII_WORD.search(stripped) or _CJK.search(stripped)):
        # ASCII letters all have case: the share is lower-case word starts over words - 1.
        # (What `_ascii_counts` gives is what _ASCII_WORD and _ASCII_LOWER_START find; with
        # no other word characters in the line, _WORD finds the same words, and with no
        # character of _CJK's blocks, no CJK: "・" or an unassigned "\u3097" is in them.)
        cjk = 0
        count, lower_starts, first_lower = _ascii_counts(stripped)
        starts = lower_starts - first_lower
        lower = starts / (count - 1) if count > 1 else 0.0
        size = float(count)
    else:
        cjk = len(_CJK.findall(stripped))
        words = _WORD.findall(_CJK.sub(" ", stripped))
        rest = words[1:]
        cased = [w for w in rest if w[0].isupper() or w[0].islower()]
        if cjk > len(words) or 2 * len(cased) < len(rest):
            lower = 1.0  # a script without case (CJK, Arabic, Hebrew, Thai...)
        elif rest:
            lower = sum(1 for w in cased if w[0].islower()) / len(rest)
        else:
            lower = 0.0
        size = len(words) + cjk / 2
    last = stripped.rstrip(_CLOSERS)[-1:]
    short = size <= FIGURE_MAX_WORDS
    # Columns: only short lines can be table rows or headers.
    columns = (
        len(_COLUMN_GAP.findall(stripped)) + 1
        if short and ("  " in stripped or "\t" in stripped)
        else 1
    )
    numbers = len(_NUMBER.findall(stripped)) if short else 0
    return Shape(
        size,  # words
        lower,  # lower_share
        bool(last) and last in _ENDERS,  # ends_sentence
        False,  # blank
        numbers > 0 and _is_figures(stripped, numbers, columns),  # figures
        columns,  # columns
        numbers > 0,  # numbered
    )


def _is_figures(text: str, numbers: int, columns: int) -> bool:
    """Return True for a row of figures: FIGURE_NUMBERS numbers, or, in a row set in
    columns, one and empty cells ("Stockton  2.78  --  --"), and no date or time."""
    if numbers < FIGURE_NUMBERS:
        if columns < ROW_COLUMNS or ("-" not in text and "/" not in text):
            return False
        if numbers + len(_EMPTY_CELL.findall(text)) < FIGURE_NUMBERS:
            return False
    return not has_date_or_time(text)


def has_date_or_time(text: str) -> bool:
    """Return True when _DATE_OR_TIME matches in `text`."""
    if text.isascii() and ":" not in text and "-" not in text:
        lower = text.lower()
        if not any(stem in lower for stem in _MONTH_STEMS):
            return False
    return bool(_DATE_OR_TIME.search(text))


def _ascii_counts(text: str) -> tuple[int, int, int]:
    """Return how many ASCII words (letter runs) `text` holds, how many start in lower case,
    and 1 when the first one does (else 0)."""
    classes = b" " + text.encode("utf-8", "surrogatepass").translate(_LETTER_CLASSES)
    lower = classes.count(b" a")
    first_lower = 1 if classes.lstrip()[:1] == b"a" else 0
    return lower + classes.count(b" A"), lower, first_lower


def is_prose(s: Shape) -> bool:
    """Return True for a line that reads like a paragraph of the article."""
    if s.blank or s.lower_share < PROSE_LOWER_SHARE:
        return False
    if s.ends_sentence:
        return s.words >= PROSE_WORDS
    return s.words >= PROSE_WORDS * RUN_ON_FACTOR


def _scores(shapes: Sequence[Shape], usable: Sequence[bool], inline: Sequence[bool]) -> list[float]:
    """Return each line's score: 0 when blank; its words when usable and prose (`is_prose`,
    inlined: this runs once per article, over every line); else a penalty, smaller for an
    interruption."""
    out: list[float] = []
    append = out.append
    for s, ok, cut in zip(shapes, usable, inline, strict=True):
        if s.blank:
            append(0.0)
        elif (
            ok
            and s.lower_share >= PROSE_LOWER_SHARE
            and s.words >= (PROSE_WORDS if s.ends_sentence else PROSE_WORDS * RUN_ON_FACTOR)
        ):
            append(s.words)
        else:
            append(-INTERRUPTION_PENALTY if cut else -LINE_PENALTY)
    return out


def _best_segment(scores: Sequence[float], lo: int, hi: int) -> tuple[float, int, int]:
    """Return (total, first, last) of the maximum-sum stretch of scores[lo:hi]."""
    best, best_a, best_b = 0.0, -1, -1
    total, start = 0.0, lo
    for i in range(lo, hi):
        if total <= 0:
            total, start = 0.0, i
        total += scores[i]
        if total > best:
            best, best_a, best_b = total, start, i
    return best, best_a, best_b


def body_lines(
    shapes: Sequence[Shape],
    usable: Sequence[bool],
    *,
    interruptions: Sequence[bool] | None = None,
) -> tuple[bool, ...] | None:
    """Return, per line, whether it lies in the main body; None when no body is found.

    `usable[i]` is False for lines that named rules have already stripped: they never count
    as prose, so an advertisement cannot hold a stretch together. `interruptions[i]` marks
    the dropped lines that articles carry inside them, which cost the stretch less.
    """
    inline = interruptions if interruptions is not None else [False] * len(shapes)
    scores = _scores(shapes, usable, inline)
    best, a, b = _best_segment(scores, 0, len(scores))
    if best < MIN_BODY_WORDS:
        return None
    inside = [False] * len(scores)
    inside[a : b + 1] = [True] * (b + 1 - a)
    # Further stretches on either side, each searched only in the gap it lies in.
    todo = [(0, a), (b + 1, len(scores))]
    while todo:
        lo, hi = todo.pop()
        if hi - lo <= 0:
            continue
        total, x, y = _best_segment(scores, lo, hi)
        if x < 0 or total < EXTRA_SHARE * best or total < MIN_EXTRA_WORDS:
            continue
        inside[x : y + 1] = [True] * (y + 1 - x)
        todo += [(lo, x), (y + 1, hi)]
    # Rows of figures next to a stretch belong to it (a results table under its note). Only a
    # row of figures can start a run (a short label must have figures beyond it), and most
    # texts have none.
    if not any([s.figures for s in shapes]):
        return tuple(inside)
    for i in range(len(scores)):
        if inside[i] or shapes[i].blank:
            continue
        for step in (-1, 1):
            j = _next_line(shapes, i, step)
            if j is not None and inside[j] and _grows(shapes, usable, inline, inside, i, -step):
                break
    return tuple(inside)


def _next_line(shapes: Sequence[Shape], i: int, step: int) -> int | None:
    """Return the next non-blank line after line i, going by `step`, or None."""
    j = i + step
    while 0 <= j < len(shapes) and shapes[j].blank:
        j += step
    return j if 0 <= j < len(shapes) else None


def _figures_follow(shapes: Sequence[Shape], i: int, step: int) -> bool:
    """Return True when the next non-blank line after line i, going by `step`, is figures."""
    j = _next_line(shapes, i, step)
    return j is not None and shapes[j].figures


def _heads(shapes: Sequence[Shape], i: int, step: int) -> bool:
    """Return True when line i labels the figures after it, going by `step`: a label of a
    few words, or, above the table (going down), a column header that is no sentence and
    has the columns of the row under it (that row may add one: its label). A menu set out
    with tabs over a market ticker has other columns than the ticker."""
    s = shapes[i]
    j = _next_line(shapes, i, step)
    if j is None or not shapes[j].figures:
        return False
    if s.words <= TABLE_LABEL_WORDS:
        return True
    return (
        step > 0
        and s.columns >= HEADER_COLUMNS
        and not s.ends_sentence
        and shapes[j].columns in (s.columns, s.columns + 1)
    )


def _grows(
    shapes: Sequence[Shape],
    usable: Sequence[bool],
    inline: Sequence[bool],
    inside: list[bool],
    i: int,
    step: int,
) -> bool:
    """Take the run of figure rows that starts at line i into the body, going by `step`.

    A run starts at a row of figures, or at a label or column header over one (a short
    label either way; going down from the text above a table, a header whose words stand
    in columns: "WHEAT   HRW   HRS   SRW"). A line dropped inside a table stays dropped,
    and the table goes on past it: an interruption (a label repeated from the table above),
    or a short label over more figures (an earnings table's "Nine mths", dropped as a
    site template because every such table has it).
    """
    grown = False
    while 0 <= i < len(shapes) and not inside[i]:
        s = shapes[i]
        if s.blank or (
            not usable[i]
            and (
                (grown and inline[i])
                or (
                    s.words <= TABLE_LABEL_WORDS
                    and not s.numbered  # "Nine mths", not a dateline ("12 March 2024")
                    and _figures_follow(shapes, i, step)
                )
            )
        ):
            i += step
            continue
        if not usable[i]:
            break
        if not shapes[i].figures and not _heads(shapes, i, step):
            break
        inside[i] = True
        grown = True
        i += step
    return grown
