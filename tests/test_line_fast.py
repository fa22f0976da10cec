"""The fast per-line primitives of the cleaner must give exactly what the plain versions give.

Each reference below is the plain code the fast path replaced, kept here verbatim; the
properties run both on generated text: ASCII, the non-ASCII characters news text is full of
(curly quotes, dashes, currency signs, accented letters), other scripts, empty and
whitespace-only lines.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import body

# Characters of scraped news lines: ASCII letters, digits and punctuation, the common
# non-ASCII punctuation, accented and other-script letters, digits of other scripts, spaces.
NEWS_ALPHABET = st.sampled_from(
    [
        *"aZqBeE09_ .,:;!?'\"()[]-/|>$%&`\t\r\x0b\x1f\x00",
        *("\u2019", "\u2018", "\u201c", "\u201d", "\u2014", "\u2013", "\u2026", "\u00a3"),
        *("\u20ac", "\u00b0", "\u00bb", "\u00ab", "\u00a0", "\u2003", "\u00e9", "\u00c9"),
        *("\u00df", "\u0130", "\u03a3", "\u4e2d", "\u3042", "\u0661", "\u00b2", "\u00ad"),
        *("\u200b", "\u0301", "\ufb01", "\uff21", "\u2032", "\u2033", "\u00b4", "\u2122"),
    ]
)
news_text = st.lists(NEWS_ALPHABET, max_size=60).map("".join)
any_text = st.text(max_size=80)
SPECIAL = ["", " ", "\t \u3000", "\u00a0", "\u2019", "A", "a", "I'm", "\u201cQuote\u201d"]


# ---- body.shape ------------------------------------------------------------------------


def reference_shape(text: str) -> body.Shape:
    stripped = text.strip()
    if not stripped:
        return body.Shape(words=0.0, lower_share=0.0, ends_sentence=False, blank=True)
    if stripped.isascii():
        cjk, words = 0, re.findall(r"[A-Za-z]+", stripped)
        first_lower = 1 if words and words[0][0].islower() else 0
        starts = len(re.findall(r"(?<![A-Za-z])[a-z]", stripped)) - first_lower
        lower = starts / (len(words) - 1) if len(words) > 1 else 0.0
    else:
        cjk = len(body._CJK.findall(stripped))
        words = body._WORD.findall(body._CJK.sub(" ", stripped))
        rest = words[1:]
        cased = [w for w in rest if w[0].isupper() or w[0].islower()]
        if cjk > len(words) or 2 * len(cased) < len(rest):
            lower = 1.0
        elif rest:
            lower = sum(1 for w in cased if w[0].islower()) / len(rest)
        else:
            lower = 0.0
    size = len(words) + cjk / 2
    last = stripped.rstrip(body._CLOSERS)[-1:]
    return body.Shape(
        words=size,
        lower_share=lower,
        ends_sentence=bool(last) and last in body._ENDERS,
        blank=False,
        figures=size <= body.FIGURE_MAX_WORDS
        and len(body._NUMBER.findall(stripped)) >= body.FIGURE_NUMBERS
        and not body._DATE_OR_TIME.search(stripped),
    )


def same_shape(text: str) -> None:
    got, want = body.shape(text), reference_shape(text)
    assert got == want
    # The same types too: a float count stays a float (it is summed into scores).
    assert [type(v) for v in got] == [type(v) for v in want]


@settings(max_examples=400, deadline=None)
@given(news_text)
def test_shape_matches_the_plain_version_on_news_text(text: str) -> None:
    same_shape(text)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_shape_matches_the_plain_version_on_any_text(text: str) -> None:
    same_shape(text)


def test_shape_on_special_lines() -> None:
    for text in [*SPECIAL, "\ud800 lone surrogate", "Net 12.1 mln vs 11.7 mln", "don\u2019t go."]:
        same_shape(text)
    assert body.shape("He said \u201cno\u201d \u2014 twice.").words == 4.0


DATE_ALPHABET = st.sampled_from(
    ["1", "12", "2024", ":", "-", " ", "\t", ".", ",", "jan", "Sep", "MAY", "dec", "x", "\u017f"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(DATE_ALPHABET, max_size=12).map("".join), news_text))
def test_date_prefilter_matches_the_regex(text: str) -> None:
    assert body._has_date_or_time(text) == bool(body._DATE_OR_TIME.search(text))
