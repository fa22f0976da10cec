"""The fast paths of `canonicalize` (ASCII, prefilters) must give what the plain steps give."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import canonical
from newsdedup.canonical import (
    _DASH_RUN,
    _DOTTED,
    _INVISIBLE,
    _QUOTES,
    _SCRIPT_FOLD,
    _fold_script,
    _undot,
    canonicalize,
    decode_entities,
)


def reference(text: str) -> str:
    """The canonical steps written plainly, one after the other (see canonical.STEPS)."""
    text = decode_entities(text)
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", decode_entities(text))
    text = _INVISIBLE.sub("", text)
    text = text.translate(_QUOTES)
    text = _DASH_RUN.sub("-", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    while True:  # the script folds, and NFKC again, until nothing changes
        folded = unicodedata.normalize("NFKC", _SCRIPT_FOLD.sub(_fold_script, text))
        if folded == text:
            break
        text = folded
    text = _DOTTED.sub(_undot, text)
    return re.sub(r"\s+", " ", text).strip()


# Characters that exercise every step: ASCII letters, dots, dashes, backticks, controls,
# Unicode spaces, quotes, ligatures, combining marks, fullwidth forms, Greek/German casefolds.
ALPHABET = st.sampled_from(
    [
        *"aBcU.S.-`' \t\n\r\x0b\x0c\x1c\x1f\x00\x7f\x85",
        *("\u00a0", "\u2003", "\u3000", "\u2019", "\u201c", "\u2014", "\u2026", "\u200b"),
        *("\ufb01", "\u0301", "\uff21", "\u00df", "\u03a3", "\u0130", "\u00ad", "\u2028"),
        *("\u0623", "\u064e", "\u0451", "\u0401", "\u0661", "\u0967", "\uff11", "\u0435"),
        *("\u0308", "\u0300", "\u0653", "\u06d6", "\u030a", "\u06cc", "\u06a9"),
        *("&", ";", "#", "amp;", "&nbsp;", "&#8217;", "&#x2014;", "&amp;", "\uff06", "\uff1b"),
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_canonicalize_matches_the_plain_steps(text: str) -> None:
    assert canonicalize(text) == reference(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_canonicalize_matches_the_plain_steps_on_any_text(text: str) -> None:
    assert canonicalize(text) == reference(text)


def test_ascii_fast_path_on_typical_lines() -> None:
    for line in [
        "The U.S. and U.K. said -- at 9 a.m. -- that `talks' would go on.",
        "  Home  >  World\t> Asia \x0c",
        "Price: $3.50 (e.g. 2.5.1)",
    ]:
        assert canonicalize(line) == reference(line)


# ---- the fast path for text of ASCII and common non-ASCII characters (_SIMPLE) ---------

SIMPLE_CHARS = sorted({*canonical._SIMPLE, *(ch.lower() for ch in canonical._SIMPLE)})


def test_nfkc_leaves_every_pair_of_simple_and_ascii_characters_alone() -> None:
    """What makes the fast path exact: NFKC never composes across two such characters, so
    folding them one at a time is folding the text."""
    left = [chr(c) for c in range(128)] + SIMPLE_CHARS
    for b in SIMPLE_CHARS:
        fb = unicodedata.normalize("NFKC", b)
        for a in left:
            assert unicodedata.normalize("NFKC", a + b) == unicodedata.normalize("NFKC", a) + fb


def test_simple_characters_fold_alone() -> None:
    for ch, folded in canonical._SIMPLE.items():
        assert reference(f"x{ch}y") == reference(f"x{folded}y").lower()
    assert canonical._SWAP["\u2019"] == "'"
    assert canonical._SWAP["\u2026"] == "..."
    assert "\u00e9" in canonical._SIMPLE
    assert "\u00a3" in canonical._SIMPLE
    assert canonical._SWAP["\u0130"] == "I"  # Turkish dotted I: "i", no combining dot
    for ch in ["\u00a0", "\u00ad", "\u00b4", "\u2033", "\u00df", "\u0301", "\u200b"]:
        assert ch not in canonical._SIMPLE


SIMPLE_ALPHABET = st.sampled_from(
    [*"aBcU.S.-`' \t\n\r\x0b\x0c\x00\x7f", *SIMPLE_CHARS, "\u00a0", "\u0301", "\u00df", "\u00b4"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(SIMPLE_ALPHABET, max_size=40).map("".join))
def test_canonicalize_matches_the_plain_steps_on_common_non_ascii(text: str) -> None:
    assert canonicalize(text) == reference(text)
