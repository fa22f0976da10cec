"""Find hard-wrapped paragraphs: lines broken at a fixed width that belong together.

Wire copy and e-mailed text are often wrapped at 70-80 columns, so one paragraph spans several
lines and none of them looks like a sentence on its own. A line was wrapped when it is close to
the wrap width and the next line's first word would not have fitted on it. The width is found
by a vote over the text's own lines; a text with too few such lines is not wrapped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate

# Widths tried, in characters, and how far short of the width a wrapped line may stop.
MIN_WIDTH = 50
MAX_WIDTH = 100
SLACK = 15
# A text counts as wrapped when at least this many lines break at the voted width, and they
# are at least this share of the lines of about that length followed by another line.
MIN_WRAPPED = 3
MIN_SHARE = 0.8
# Running text goes on in lower case after most breaks; a list of headlines never does.
MIN_LOWER_SHARE = 0.3


# Words a headline does not end on but a wrapped line often does.
FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "as",
        "that",
        "which",
        "who",
        "said",
        "than",
    }
)
_ABBREVIATION = re.compile(
    r"^(?:[A-Za-z]\.){2,}$|^(?:Inc|Corp|Co|Ltd|Mr|Mrs|Ms|Dr|St|Jr|Sr|No|vs|Jan|Feb|Mar|Apr"
    r"|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$"
)


def _first_word(line: str) -> str:
    parts = line.split(None, 1)
    return parts[0] if parts else ""


def _pairs(lines: Sequence[str]) -> list[tuple[int, int, int, bool]]:
    """Return (index, length, next word's length, next starts lower) for each non-blank line
    followed by a non-blank line whose length could be a wrap: the only lines a vote needs."""
    found = []
    low, high = MIN_WIDTH - SLACK, MAX_WIDTH
    for i in range(len(lines) - 1):
        raw = lines[i]
        if len(raw) < low:  # rstrip() only makes it shorter
            continue
        # A line of at least `low` > 0 characters after rstrip() is not blank.
        length = len(raw.rstrip())
        if not low <= length <= high:
            continue
        nxt = lines[i + 1].strip()
        if nxt:
            found.append((i, length, len(_first_word(nxt)), nxt[:1].islower()))
    return found


def _breaks(
    pairs: Sequence[tuple[int, int, int, bool]], size: int, width: int
) -> tuple[list[bool], int, int]:
    """Return, per line, whether it breaks at `width`; how many lines were candidates; and
    after how many breaks the next line starts in lower case."""
    flags = [False] * size
    candidates = lower = 0
    for i, length, next_word, next_lower in pairs:
        if not width - SLACK <= length <= width:
            continue
        candidates += 1
        if length + 1 + next_word > width:
            flags[i] = True
            lower += next_lower
    return flags, candidates, lower


def _votes(pairs: Sequence[tuple[int, int, int, bool]]) -> list[tuple[int, int, int, int]]:
    """Return (width, breaks, candidates, lower) for every width tried: what `_breaks` counts
    at each width, from one pass over the pairs. A line of length L is a candidate at the
    widths L..L+SLACK and breaks at those below L+1+(next word), so each pair adds one to a
    run of widths; runs are summed with difference arrays."""
    span = MAX_WIDTH - MIN_WIDTH + 2
    cand, brk, low = [0] * span, [0] * span, [0] * span
    for _, length, next_word, next_lower in pairs:
        first = max(length, MIN_WIDTH) - MIN_WIDTH
        last = min(length + SLACK, MAX_WIDTH) - MIN_WIDTH
        if first > last:
            continue
        cand[first] += 1
        cand[last + 1] -= 1
        last_break = min(last, length + next_word - MIN_WIDTH)
        if first <= last_break:
            brk[first] += 1
            brk[last_break + 1] -= 1
            if next_lower:
                low[first] += 1
                low[last_break + 1] -= 1
    # Running sums over the widths MIN_WIDTH..MAX_WIDTH (the last slot only ends runs).
    return list(
        zip(
            range(MIN_WIDTH, MAX_WIDTH + 1),
            accumulate(brk[:-1]),
            accumulate(cand[:-1]),
            accumulate(low[:-1]),
            strict=True,
        )
    )


def wrapped_units(lines: Sequence[str]) -> list[list[int]]:
    """Return the lines grouped into logical lines (indices); most groups hold one line."""
    groups = wrapped_groups(lines)
    return [[i] for i in range(len(lines))] if groups is None else groups


def wrapped_groups(lines: Sequence[str]) -> list[list[int]] | None:
    """Return what `wrapped_units` gives, or None when every group holds one line (a text
    that is not wrapped: most texts, which then need no groups built)."""
    pairs = _pairs(lines)
    best: tuple[int, int] | None = None  # (score, width)
    # A wrapped width needs MIN_WRAPPED breaks and a share of them going on in lower case,
    # so at least one line followed by a lower-case start: most texts have none.
    if len(pairs) >= MIN_WRAPPED and any(next_lower for _, _, _, next_lower in pairs):
        for width, count, candidates, lower in _votes(pairs):
            # Breaks count for the width, lines whose next word would have fitted count half
            # against it: a width a little wider than the true one (a list of 78-character
            # headlines under text wrapped at 72) sees most breaks, but misfits as well.
            if (
                count >= MIN_WRAPPED
                and count >= MIN_SHARE * candidates
                and lower >= MIN_LOWER_SHARE * count
                and (best is None or 3 * count - candidates > best[0])
            ):
                best = (3 * count - candidates, width)
    if best is None:
        return None
    width = best[1]
    # A line breaks at the width when it is a candidate there and the next word would not
    # have fitted (what `_breaks` flags); a group goes on past it unless a full stop at the
    # end and a capital next make it a paragraph break that happens to fall at the width
    # (texts with one newline between paragraphs). A break is never on the last line.
    joins = [
        i
        for i, length, next_word, _ in pairs
        if width - SLACK <= length <= width
        and length + 1 + next_word > width
        and not (_ends_sentence(lines[i]) and _first_word(lines[i + 1])[:1].isupper())
    ]
    # A paragraph's first line may stop short of the width: a wire story's dateline
    # ("SALVADOR, Feb 26 - ") cut from its front leaves "Showers continued throughout the
    # week in", which no width explains. It still runs on: no stop at its end, and a
    # lower-case word next.
    wrapped = set(joins)
    joins.extend(
        i for i in _before_lower(lines) if i not in wrapped and _runs_on(lines[i], lines[i + 1])
    )
    # The same first line above a name ("Libyan forces are still bombing the key" over
    # "Ouadi Doum airstrip ..."): words in lower case as running text's, no stop at its end,
    # and the line below breaks at the width.
    joins.extend(j - 1 for j in wrapped if j and j - 1 not in wrapped and _leads_in(lines[j - 1]))
    joins = sorted(set(joins))
    if not joins:
        return None
    # A run of joins i, i+1, ..., j makes the group i..j+1 (if `_confirmed`); every other
    # line is its own.
    groups: list[list[int]] = []
    done = 0  # the lines before this one are in `groups`
    k = 0
    while k < len(joins):
        first = last = joins[k]
        k += 1
        while k < len(joins) and joins[k] == last + 1:
            last += 1
            k += 1
        groups += [[i] for i in range(done, first)]
        groups += _confirmed(lines, list(range(first, last + 2)))
        done = last + 2
    groups += [[i] for i in range(done, len(lines))]
    return groups if len(groups) < len(lines) else None


def _before_lower(lines: Sequence[str]) -> list[int]:
    """Return the indices of the lines followed by a line whose first word starts in lower
    case: the only lines `_runs_on` may accept, found without splitting every line (`lstrip()`
    strips what `split()` splits on, so the first character left is the first word's)."""
    return [i for i, nxt in enumerate(lines[1:]) if nxt.lstrip()[:1].islower()]


def _runs_on(line: str, nxt: str) -> bool:
    """Return True when a line short of the wrap width breaks a sentence: it ends on a word,
    a comma or an abbreviation ("the U.S."), and the next line goes on in lower case."""
    words = line.rsplit(None, 1)
    if not words or not _first_word(nxt)[:1].islower():
        return False
    end = words[-1][-1]
    return end.isalnum() or end == "," or bool(_ABBREVIATION.match(words[-1]))


# A paragraph's cut first line: at least this many words, and this share of them after the
# first in lower case (a headline has few).
LEAD_WORDS = 4
LEAD_LOWER_SHARE = 0.5


def _leads_in(line: str) -> bool:
    """Return True for a line that reads as running text broken off: words in lower case,
    and no stop, colon, semicolon or closing quote at its end."""
    words = line.split()
    if len(words) < LEAD_WORDS or words[-1][-1] in ".!?:;\"'\u201d\u2019)":
        return False
    if sum(1 for w in words if w[:1].isdigit()) >= 2:  # "Avg shrs 12.5 mln vs 10.3 mln": a row
        return False
    lower = sum(1 for w in words[1:] if w[:1].islower())
    return lower >= LEAD_LOWER_SHARE * (len(words) - 1)


def _ends_sentence(line: str) -> bool:
    """Return True when a line ends a sentence (not an abbreviation such as "H.K." or "Inc.")."""
    words = line.rsplit(None, 1)
    if not words or not words[-1].endswith((".", "!", "?", '."', ".\u201d")):
        return False
    return not _ABBREVIATION.match(words[-1])


def _confirmed(lines: Sequence[str], unit: list[int]) -> list[list[int]]:
    """Keep a group that reads as running text at least once: a line going on in lower case,
    a line broken after a function word ("of", "the"), or a full stop at its end (a sentence
    that ran over lines of capitalised names); split a group that does none of these (two
    headlines of the wrap width, one under the other)."""
    if len(unit) == 1:
        return [unit]
    if (
        any(_first_word(lines[i])[:1].islower() for i in unit[1:])
        or any(lines[i].rsplit(None, 1)[-1].lower() in FUNCTION_WORDS for i in unit[:-1])
        or _ends_sentence(lines[unit[-1]])
    ):
        return [unit]
    return [[i] for i in unit]
