"""Decide which lines of a scraped text are the article; every dropped line keeps a reason.

Classify, then revise (as jusText does): each line is first judged alone by named rules
(known phrases, shape); then context rules let lines follow their neighbours (the headline
list under a "Related Articles" heading, the caption above a "PHOTO: AFP" credit); then
repeats inside the article and site templates learned from the corpus are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from .canonical import canonicalize
from .config import CleanConfig
from .records import Line
from .templates import line_key

# ---- phrase lists and patterns (canonical, lower-case text) -----------------------------

AD_PATTERNS = (
    re.compile(r"^[\W_]*(advert\w*|ad|sponsored( content)?|promoted|paid (post|content))[\W_]*$"),
    re.compile(r"^[\W_]*(story continues below|continue reading (the main story|below))[\W_]*$"),
)
PAYWALL_PHRASES = (
    "support our award-winning journalism",
    "support our journalism",
    "subscribe now",
    "subscribe to continue",
    "subscribe today",
    "already a subscriber",
    "become a subscriber",
    "premium package",
    "ad-free for all subscribers",
    "unlimited access",
    "to continue reading",
    "this article is for subscribers",
    "register to read",
    "free trial",
    "digital subscription",
)
NEWSLETTER_PHRASES = (
    "sign up now:",
    "sign up for our",
    "sign up to our",
    "sign up to receive",
    "subscribe to our newsletter",
    "newsletter",
    "get our free",
    "delivered to your inbox",
    "get insights on",
)
COMMENT_PHRASES = (
    "no comments",
    "would you like to comment",
    "comment policy",
    "leave a comment",
    "post a comment",
    "add a comment",
    "join the conversation",
    "comments are closed",
    "view comments",
    "show comments",
    "or sign in",
    "sign in to comment",
    "log in to comment",
)
SHARE_PHRASES = (
    "share this article",
    "share on facebook",
    "share on twitter",
    "share this story",
    "share via email",
    "copy link",
    "click to share",
    "follow us on",
    "whatsapp",
    "print this page",
    "email this",
)
COOKIE_PHRASES = (
    "cookie",
    "we use cookies",
    "privacy policy",
    "accept all",
    "manage preferences",
    "terms of use",
    "terms of service",
    "terms and conditions",
    "do not sell my",
)
FOOTER_PATTERNS = (
    re.compile(r"^published by\b"),
    re.compile(r"^(©|\(c\)|copyright\b)"),
    re.compile(r"\ball rights reserved\b"),
    re.compile(
        r"^this (article|story) (was|is|has been) (first )?(published|produced|distributed)"
    ),
)
RELATED_HEADINGS = frozenset(
    {
        "most popular",
        "most read",
        "most viewed",
        "most shared",
        "popular",
        "trending",
        "trending now",
        "related",
        "related articles",
        "related stories",
        "related news",
        "related content",
        "related coverage",
        "read more",
        "read next",
        "more from",
        "more stories",
        "more news",
        "more on this story",
        "top stories",
        "latest news",
        "latest stories",
        "recommended",
        "recommended for you",
        "you may also like",
        "you might also like",
        "editor's picks",
        "in other news",
        "see also",
        "also read",
    }
)
NAV_WORDS = frozenset(
    {
        "home",
        "news",
        "world",
        "business",
        "sport",
        "sports",
        "politics",
        "opinion",
        "tech",
        "technology",
        "science",
        "health",
        "entertainment",
        "culture",
        "lifestyle",
        "travel",
        "video",
        "videos",
        "menu",
        "search",
        "login",
        "log in",
        "sign in",
        "subscribe",
        "register",
        "skip to content",
        "asia",
        "europe",
        "africa",
        "americas",
        "uk",
        "us",
        "markets",
        "weather",
        "more",
        "sections",
        "close",
        "next",
        "previous",
        "back to top",
    }
)
# Photo credits: "PHOTO: AFP", "Picture: X/REUTERS", "(Photo by ...)", "Credit: ...".
CREDIT_PATTERNS = (
    re.compile(r"^(photo|picture|image|pic|credit|photograph|video|graphic)s?\s*(:|by\b)"),
    re.compile(r"^\(?(photo|image|picture)s?:?\s*(by\s)?[^.]{0,60}\)?$"),
    re.compile(r"^(getty images|afp|ap|reuters|epa|shutterstock|file photo)(\s*/\s*\w+)*$"),
)
CAPTION_PATTERNS = (
    re.compile(r"^(in this (photo|image|picture|file photo)|file photo:|pictured:)"),
    re.compile(r"\((ap|afp|reuters|getty|epa)\s*photo[^)]*\)\s*$"),
    re.compile(r"\([^()]{0,120}\bvia (ap|afp|reuters|getty images|epa)\)\s*$"),
    re.compile(r"\b(picture|photo|image)s?:\s*[^.]{0,80}/(reuters|afp|ap|getty images|epa)\s*$"),
)
# Short stand-alone source credits at the foot of a wire story.
WIRE_CREDITS = frozenset({"reuters", "ap", "afp", "bloomberg", "dpa", "xinhua", "aap", "pa", "upi"})
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
DATE_PATTERNS = (
    re.compile(
        rf"^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?({_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}"
        rf"|\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}})"
        r"([\s,-]+\d{1,2}[:.]\d{2}(\s*[ap]m)?(\s*\w{2,4})?)?$"
    ),
    re.compile(r"^(published|updated|posted)?:?\s*\d{4}-\d{2}-\d{2}([ t]\d{2}:\d{2}(:\d{2})?)?$"),
    re.compile(r"^(published|updated|posted|last updated)\b.{0,40}\d{4}.{0,20}$"),
)
BYLINE_PATTERN = re.compile(r"^by\s?[a-z][\w.'-]*(\s+[\w.'-]+){0,8}$")
_SENTENCE_END = re.compile(r"[.!?…\"')\]]$|[.!?]['\")\]]?$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Features:
    raw: str
    canon: str
    words: int
    chars: int
    ends_sentence: bool


def _features(raw: str) -> _Features:
    canon = canonicalize(raw)
    return _Features(
        raw=raw,
        canon=canon,
        words=len(_WORD.findall(canon)),
        chars=len(canon),
        ends_sentence=bool(_SENTENCE_END.search(canon)),
    )


def _has(phrases: Collection[str], canon: str) -> bool:
    return any(p in canon for p in phrases)


def _short(f: _Features, words: int = 25) -> bool:
    return f.words <= words


def _is_ad(f: _Features) -> bool:
    return _short(f, 6) and any(p.search(f.canon) for p in AD_PATTERNS)


def _is_paywall(f: _Features) -> bool:
    return _short(f, 60) and _has(PAYWALL_PHRASES, f.canon)


def _is_newsletter(f: _Features) -> bool:
    return _short(f, 30) and _has(NEWSLETTER_PHRASES, f.canon)


def _is_comments(f: _Features) -> bool:
    return _short(f, 20) and _has(COMMENT_PHRASES, f.canon)


def _is_share(f: _Features) -> bool:
    return _short(f, 12) and _has(SHARE_PHRASES, f.canon)


def _is_cookie(f: _Features) -> bool:
    return _short(f, 60) and _has(COOKIE_PHRASES, f.canon)


def _is_footer(f: _Features) -> bool:
    return _short(f, 60) and any(p.search(f.canon) for p in FOOTER_PATTERNS)


def _is_related_heading(f: _Features) -> bool:
    return f.canon.rstrip(":").strip() in RELATED_HEADINGS


def _is_credit(f: _Features) -> bool:
    if f.canon in WIRE_CREDITS:
        return True
    return _short(f, 12) and any(p.search(f.canon) for p in CREDIT_PATTERNS)


def _is_caption(f: _Features) -> bool:
    return _short(f, 80) and any(p.search(f.canon) for p in CAPTION_PATTERNS)


def _is_date(f: _Features) -> bool:
    return _short(f, 10) and any(p.search(f.canon) for p in DATE_PATTERNS)


def _is_byline(f: _Features) -> bool:
    return _short(f, 10) and not f.ends_sentence and bool(BYLINE_PATTERN.match(f.canon))


def _is_navigation(f: _Features) -> bool:
    if not f.canon:
        return False
    if f.canon in NAV_WORDS:
        return True
    # Breadcrumbs and menus: separators between short items ("Home > World > Asia").
    parts = [p.strip() for p in re.split(r"\s*(?:>|»|\||/|•|·)\s*", f.canon) if p.strip()]
    if len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts):
        return True
    # A teaser link cut short: "Homeworld asiaRussian foreign minister dismisses ... to..."
    return _short(f, 25) and f.raw.rstrip().endswith(("...", "\u2026"))


# Rules applied to each line alone, in order: the first that fires names the reason. Specific
# phrases come before shapes, so "Sign up now: ..." is a newsletter blurb, not a comment prompt.
LINE_RULES: tuple[tuple[str, Callable[[_Features], bool]], ...] = (
    ("advertisement", _is_ad),
    ("paywall", _is_paywall),
    ("newsletter", _is_newsletter),
    ("comments", _is_comments),
    ("share", _is_share),
    ("cookie", _is_cookie),
    ("footer", _is_footer),
    ("related", _is_related_heading),
    ("credit", _is_credit),
    ("caption", _is_caption),
    ("date", _is_date),
    ("byline", _is_byline),
    ("navigation", _is_navigation),
)
# A related-links block: short headline lines after a heading, up to the next prose line.
_HEADLINE_WORDS = 20
_PROSE_WORDS = 12


def _is_prose(f: _Features) -> bool:
    return f.words >= 25 or (f.words >= _PROSE_WORDS and f.ends_sentence)


def _is_headline(f: _Features) -> bool:
    return 0 < f.words <= _HEADLINE_WORDS and not f.ends_sentence


def _split_lines(text: str) -> list[str]:
    return [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]


def _revise(feats: list[_Features], reasons: list[str | None]) -> None:
    """Let unclear lines follow their neighbours (second pass); edits `reasons` in place."""
    nonblank = [i for i, f in enumerate(feats) if f.canon]
    # Headline lists under a related heading, until the next prose line.
    in_block = False
    for i in nonblank:
        if reasons[i] == "related":
            in_block = True
            continue
        if in_block:
            if reasons[i] is None and _is_headline(feats[i]):
                reasons[i] = "related"
            elif _is_prose(feats[i]):
                in_block = False
    # The caption just above a photo credit (not above a wire credit such as "Reuters",
    # which follows the last body paragraph).
    for pos, i in enumerate(nonblank):
        if reasons[i] == "credit" and feats[i].canon not in WIRE_CREDITS and pos > 0:
            above = nonblank[pos - 1]
            if reasons[above] is None and 0 < feats[above].words <= 60:
                reasons[above] = "caption"
    # Runs of two or more headline-like lines once the body has started: a link list.
    body_started = False
    run: list[int] = []
    for i in [*nonblank, -1]:
        if i >= 0 and body_started and reasons[i] is None and _is_headline(feats[i]):
            run.append(i)
            continue
        if len(run) >= 2:
            for j in run:
                reasons[j] = "related"
        run = []
        if i >= 0 and reasons[i] is None and _is_prose(feats[i]):
            body_started = True


def classify(
    text: str, config: CleanConfig | None = None, templates: Collection[int] = frozenset()
) -> tuple[Line, ...]:
    """Return every line of `text` (1-based), marked kept or stripped with its reason."""
    config = config or CleanConfig()
    raw_lines = _split_lines(text)
    feats = [_features(ln) for ln in raw_lines]
    reasons: list[str | None] = ["blank" if not f.canon else None for f in feats]
    if config.boilerplate:
        for i, f in enumerate(feats):
            if reasons[i] is None:
                reasons[i] = next((name for name, rule in LINE_RULES if rule(f)), None)
        _revise(feats, reasons)
    if config.templates and templates:
        for i, f in enumerate(feats):
            if reasons[i] is None and line_key(f.canon) in templates:
                reasons[i] = "template"
    if config.repeats:
        seen: set[str] = set()
        for i, f in enumerate(feats):
            if not f.canon:
                continue
            if f.canon in seen and reasons[i] is None:
                reasons[i] = "repeated"
            seen.add(f.canon)
    return tuple(
        Line(n=i + 1, text=raw, kept=reasons[i] is None, reason=reasons[i])
        for i, raw in enumerate(raw_lines)
    )


def kept_text(lines: tuple[Line, ...]) -> str:
    """Return the kept lines joined by newlines: the article as cleaning sees it."""
    return "\n".join(ln.text for ln in lines if ln.kept)
