"""Canonical folding: what the fingerprints see."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given

from newsdedup.canonical import canonicalize

from .strategies import messy_text


class TestCanonicalize:
    def test_quotes_dashes_case_and_space_are_folded(self):
        """Curly quotes, em dashes, NBSP and case fold to one ASCII form."""
        assert canonicalize("“I don’t comment\u00a0on rumors,” he added — Lavrov") == (
            '"i don\'t comment on rumors," he added - lavrov'
        )

    def test_spellings_a_script_allows_for_one_word_fold_alike(self):
        """QA 19c #5, #8: Arabic vowel marks and hamza forms, Arabic-Indic and Devanagari
        digits, Turkish dotted I and Russian yo made copies differ."""
        pairs = [
            ("وقالَ السِّياسة العامّة", "وقال السياسة العامة"),
            ("أحمد إلى آخر", "احمد الي اخر"),
            ("٦٠٠ مليون ۱۲", "600 مليون 12"),
            ("१२३ रुपये", "123 रुपये"),
            ("İstanbul'da İSTANBUL", "Istanbul'da istanbul"),
            ("Ёлка и всё", "елка и все"),
        ]
        for folded, plain in pairs:
            assert canonicalize(folded) == canonicalize(plain)
        assert canonicalize("İstanbul") == "istanbul"  # no combining dot left

    @pytest.mark.parametrize(
        "text", ["\u0451\u0308", "\u0401\u0300", "e\u0653\u0301", "a\u06d6\u030a", "اقرأ"]
    )
    def test_folds_leave_nothing_to_fold_again(self, text):
        """QA 20a #9: a mark left after a folded character composed with the one before it
        on a second pass: canonical text was not its own canonical form."""
        once = canonicalize(text)
        assert canonicalize(once) == once

    def test_persian_keyboard_letters_fold_as_arabic_ones(self):
        """QA 20a: Persian typed on an Arabic keyboard (ي for ی, ك for ک) matched nothing."""
        assert canonicalize("کتاب یک") == canonicalize("كتاب يك")

    def test_dotted_abbreviations_match_undotted(self):
        """ "U.S." and "US" fold to the same token."""
        assert canonicalize("the U.S. claims") == canonicalize("the US claims") == "the us claims"

    def test_ellipsis_and_double_hyphen(self):
        """An ellipsis becomes three dots and a double hyphen one dash."""
        assert canonicalize("MOSCOW -- wait…") == "moscow - wait..."

    def test_invisible_characters_are_removed(self):
        """Zero-width spaces, soft hyphens and BOMs vanish."""
        assert canonicalize("\ufeffnews\u200bdesk co\u00adoperation") == "newsdesk cooperation"

    def test_html_character_references_fold_like_their_characters(self):
        """A CMS export's "&#8220;I don&#8217;t&nbsp;comment&#8221; &mdash;" is the text it
        encodes (it was compared as the words "8217", "nbsp", "mdash"), double-encoded
        references too; a bare "&" and "&nothing" stay as they are."""
        encoded = "&#8220;I don&#8217;t&nbsp;comment on rumors,&#8221; he added &mdash; Lavrov"
        plain = "“I don’t comment\u00a0on rumors,” he added — Lavrov"
        assert canonicalize(encoded) == canonicalize(plain)
        assert canonicalize("AT&amp;amp;T") == canonicalize("AT&T") == "at&t"
        assert canonicalize("R&D and &nothing; else") == "r&d and &nothing; else"
        assert canonicalize("old&nbsp;page&nbsp") == canonicalize("old page") == "old page"
        assert canonicalize("Q&A, P&amp R&Dx") == "q&a, p& r&dx"

    def test_arabic_tatweel_is_folded_away(self):
        """The tatweel only stretches a word on the page: "جـــديد" is "جديد"."""
        assert canonicalize("\u062c\u0640\u0640\u0640\u062f\u064a\u062f") == canonicalize(
            "\u062c\u062f\u064a\u062f"
        )

    def test_empty_and_whitespace(self):
        """Empty and whitespace-only text give the empty string."""
        assert canonicalize("") == canonicalize(" \t\n ") == ""

    @given(messy_text)
    def test_idempotent(self, text):
        """Canonicalizing twice gives the same result as once."""
        once = canonicalize(text)
        assert canonicalize(once) == once

    @given(messy_text)
    def test_no_curly_quotes_nbsp_or_controls_remain(self, text):
        """After folding, no curly quotes, NBSP or control characters are left."""
        out = canonicalize(text)
        assert not set(out) & set("\u2018\u2019\u201c\u201d\u00a0\u200b\x00\t\n\r")
        assert not [ch for ch in out if unicodedata.category(ch) == "Cc"]


def test_combining_marks_stay_inside_their_word():
    """QA 19c #5: regex \\w leaves combining marks out, so Hindi words were cut at every
    vowel sign (and Arabic ones at every vowel mark, before those were folded away)."""
    from newsdedup.shingle import tokens

    assert tokens(canonicalize("हिन्दी समाचार पत्र। नई दिल्ली")) == [
        "हिन्दी",
        "समाचार",
        "पत्र",
        "नई",
        "दिल्ली",
    ]
    assert tokens(canonicalize("cafe\u0301 Vie\u0323\u0302t")) == ["café", "việt"]
