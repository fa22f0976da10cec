"""Fold text so the same story from two sites looks the same; for fingerprints only.

Canonical text is never shown as the article: it exists to be shingled and compared.
"""

from __future__ import annotations

import html
import html.entities
import re
import unicodedata

# Characters folded to ASCII after NFKC (which leaves these typographic forms alone).
_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote / apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u2035": "'",
        "\u00b4": "'",  # acute accent used as apostrophe
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',  # double prime
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2039": "'",
        "\u203a": "'",
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u2026": "...",  # ellipsis (NFKC also does this; kept for clarity)
        # Turkish capital dotted I: lower-cased it is "i" and a combining dot, which split
        # "İstanbul" from "Istanbul" (QA 19c #8).
        "\u0130": "I",
    }
)
# Control and format characters (zero-width spaces, joiners, bidi marks, soft hyphens), and
# the Arabic tatweel (U+0640), which only stretches a word on the page.
_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad"
    r"\u061c\u0640\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    r"\U000e0000-\U000e007f]"
)
# Spellings one script allows for one word, folded last (QA 19c #5, #8): Arabic vowel marks
# (harakat, optional in writing: a site may print a few), alef with hamza or madda as bare
# alef, alef maqsura and Persian yeh as ya, keheh as kaf; Russian yo as ye (most sites
# write "е" for "ё"); and decimal digits of any script (Arabic-Indic, Devanagari...) as
# ASCII digits, as NFKC already does for fullwidth ones.
_SCRIPT_FOLDS = {
    **dict.fromkeys(
        [
            *range(0x064B, 0x0660),
            0x0670,
            *range(0x06D6, 0x06DD),
            *range(0x06DF, 0x06E5),
            *(0x06E7, 0x06E8),
            *range(0x06EA, 0x06EE),
        ],
        "",
    ),
    **dict.fromkeys([0x0622, 0x0623, 0x0625, 0x0671], "\u0627"),
    0x0649: "\u064a",
    # Persian keyboards' yeh and keheh, as Arabic ones write them (QA 20a).
    0x06CC: "\u064a",
    0x06A9: "\u0643",
    0x0451: "\u0435",
    0x0401: "\u0435",
}
_SCRIPT_FOLD = re.compile("[" + "".join(sorted({chr(c) for c in _SCRIPT_FOLDS})) + "]|(?![0-9])\\d")


def _fold_scripts(text: str) -> str:
    """Apply the script folds, and NFKC again while they change the text: a mark left after
    a dropped or replaced character may compose with the one before it ("ё" + U+0308 is
    "е" + U+0308, which NFKC makes "ё"), and canonical text must be its own canonical form
    (QA 20a #9)."""
    while _SCRIPT_FOLD.search(text):
        folded = unicodedata.normalize("NFKC", _SCRIPT_FOLD.sub(_fold_script, text))
        if folded == text:
            break
        text = folded
    return text


def _fold_script(match: re.Match[str]) -> str:
    ch = match.group(0)
    folded = _SCRIPT_FOLDS.get(ord(ch))
    return str(unicodedata.decimal(ch)) if folded is None else folded


# "U.S." -> "us", "U.K." -> "uk", "a.m." -> "am": dotted abbreviations of single letters.
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}(?![^\W\d_])")
_DASH_RUN = re.compile(r"-{2,}")
_SPACE = re.compile(r"\s+")

# The order matters: HTML character references first, as the characters they stand for
# must go through every step; NFKC next so compatibility forms (fullwidth letters,
# ligatures, NBSP) become plain characters the later steps know; quotes and dashes before
# casefold so every apostrophe is one character; dotted abbreviations after casefold;
# whitespace last because every earlier step can create or remove spaces.
STEPS = (
    *("entities", "nfkc", "invisible", "quotes_dashes"),
    *("casefold", "script_folds", "dotted_abbreviations", "whitespace"),
)


def _undot(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


# A necessary condition for _DOTTED (".s." in "u.s."): a literal first character lets the
# regex engine skip ahead, where _DOTTED itself tries every word boundary.
_DOTTED_HINT = re.compile(r"\.[^\W\d_]\.")
_ASCII_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _foldable(ch: str) -> str | None:
    """Return what the steps make of `ch` when they can be done one character at a time,
    as the ASCII path does them (else None): a character NFKC leaves alone (or turns into
    what the quote table gives, as the ellipsis), no invisible or space character and no
    combining mark, and either folded by the quote table to ASCII or one whose lower case is
    its case fold and is itself such a character."""
    swap = ch.translate(_QUOTES)
    nfkc = unicodedata.normalize("NFKC", ch)
    if unicodedata.combining(ch) or ch.isspace() or _INVISIBLE.match(ch):
        return None
    if swap != ch:
        return swap if swap.isascii() and nfkc in (ch, swap) else None
    low = ch.lower()
    if nfkc != ch or low != ch.casefold() or len(low) != 1 or low.isascii():
        return None
    if low != ch and _foldable(low) != low:
        return None
    return ch


# Non-ASCII characters common in news text (accented letters, curly quotes, dashes, currency
# signs) that `_canonicalize_ascii` can handle once the quote table's are swapped: NFKC leaves
# any text of them and ASCII alone (tests check every pair), and lower() is their casefold.
# Text whose other characters are all ASCII skips the per-character translate, which costs
# ~30 us on a 120-character line.
_SIMPLE_RANGES = ((0x00A0, 0x0250), (0x2010, 0x205F), (0x20A0, 0x20C1))
_SIMPLE: dict[str, str] = {
    ch: folded
    for lo, hi in _SIMPLE_RANGES
    for ch in map(chr, range(lo, hi))
    if (folded := _foldable(ch)) is not None
}
_SWAPS = tuple(sorted((ch, folded) for ch, folded in _SIMPLE.items() if ch != folded))
_SWAP = dict(_SWAPS)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


# An HTML character reference a scraper or a CMS export left in the text ("&nbsp;",
# "&#8217;", "&mdash;"), with its semicolon: html.unescape alone also reads "&not" in
# "&nothing" as a reference, which a plain text must keep.
# Old pages also write the commonest names without it ("&nbsp", "&amp"): those are read
# when no letter or digit follows, so "&nothing" and "R&Dx" stay as they are.
_ENTITY = re.compile(
    r"&(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};"
    r"|(?:nbsp|amp|quot|lt|gt|copy|reg)(?![A-Za-z0-9]))"
)


def _unescape(match: re.Match[str]) -> str:
    ref = match.group(0)
    if ref[1] == "#":
        return html.unescape(ref)
    name = ref[1:] if ref.endswith(";") else ref[1:] + ";"
    return html.entities.html5.get(name, ref)  # a name HTML5 knows, or left alone


def decode_entities(text: str) -> str:
    """Return `text` with its HTML character references decoded, as often as it was encoded
    ("&amp;nbsp;" twice); text without "&" comes back as it is."""
    while "&" in text:
        decoded = _ENTITY.sub(_unescape, text)
        if decoded == text:
            break
        text = decoded
    return text


def canonicalize(text: str) -> str:
    """Return the folded form of `text`: HTML character references decoded, NFKC, ASCII
    quotes and dashes, lower case, one space."""
    if "&" in text:
        text = decode_entities(text)
    if text.isascii():
        return _canonicalize_ascii(text)
    extra = set(_NON_ASCII.findall(text))
    if all(ch in _SIMPLE for ch in extra):
        for ch in extra:
            if ch in _SWAP:
                text = text.replace(ch, _SWAP[ch])
        return _canonicalize_ascii(text)
    text = unicodedata.normalize("NFKC", text)
    if "&" in text:  # NFKC makes "&" of a fullwidth "＆" ("＆amp；")
        text = unicodedata.normalize("NFKC", decode_entities(text))
    text = _INVISIBLE.sub("", text)
    text = text.translate(_QUOTES)
    text = _DASH_RUN.sub("-", text)
    # casefold can leave sequences NFKC would compose; normalize again so folding is idempotent.
    text = unicodedata.normalize("NFKC", text.casefold())
    text = _fold_scripts(text)
    if _DOTTED_HINT.search(text):
        text = _DOTTED.sub(_undot, text)
    # str.split() splits on exactly the characters regex \s matches (str.isspace), faster.
    return " ".join(text.split())


def _canonicalize_ascii(text: str) -> str:
    """The same steps for ASCII text, most of a corpus: NFKC leaves ASCII alone, the only
    ASCII character in the quote table is the backtick, and casefold is lower(). (Also for
    ASCII text with characters of _SIMPLE that fold to themselves.)"""
    if _ASCII_INVISIBLE.search(text):
        text = _ASCII_INVISIBLE.sub("", text)
    if "`" in text:
        text = text.replace("`", "'")
    if "--" in text:
        text = _DASH_RUN.sub("-", text)
    text = text.lower()
    if _DOTTED_HINT.search(text):
        text = _DOTTED.sub(_undot, text)
    # The whitespace step changes nothing on text with single spaces only, inside: the other
    # ASCII whitespace characters (\x0b, \x0c, \x1c-\x1f) are invisible and gone, and
    # _SIMPLE holds no space character. Most lines are such text; skip the split and join.
    # (Four substring tests: a regex for them costs more than the split and join.)
    if (
        text[:1] == " "
        or text[-1:] == " "
        or "  " in text
        or "\t" in text
        or "\n" in text
        or "\r" in text
    ):
        return " ".join(text.split())
    return text
