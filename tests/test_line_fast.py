"""The fast per-line primitives of the cleaner must give exactly what the plain versions give.

Each reference below is the plain code the fast path replaced, kept here verbatim; the
properties run both on generated text: ASCII, the non-ASCII characters news text is full of
(curly quotes, dashes, currency signs, accented letters), other scripts, empty and
whitespace-only lines.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import body, unwrap
from newsdedup import boilerplate as bp
from newsdedup.canonical import canonicalize

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
SPECIAL += ["\u3097", "\u30fb\u30fb\u30fb"]  # in _CJK's blocks, no word characters


# ---- body.shape ------------------------------------------------------------------------


def reference_shape(text: str) -> body.Shape:
    stripped = unicodedata.normalize("NFC", text.strip())
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
    short = size <= body.FIGURE_MAX_WORDS
    columns = len(re.findall(r"(?<=\S)( {2,}|\t)(?=\S)", stripped)) + 1 if short else 1
    numbers = len(body._NUMBER.findall(stripped)) if short else 0
    # Empty cells ("--", "n/a") count as figures only in a row set in columns.
    cells = len(re.findall(r"(?<!\S)(--|---|n/a|N/A)(?!\S)", stripped)) if columns >= 2 else 0
    return body.Shape(
        words=size,
        lower_share=lower,
        ends_sentence=bool(last) and last in body._ENDERS,
        blank=False,
        figures=numbers >= 1
        and numbers + cells >= body.FIGURE_NUMBERS
        and not body._DATE_OR_TIME.search(stripped),
        columns=columns,
        numbered=numbers >= 1,
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
    assert body.has_date_or_time(text) == bool(body._DATE_OR_TIME.search(text))


# ---- boilerplate: word counts and the rules' prefilters ---------------------------------


@settings(max_examples=400, deadline=None)
@given(st.one_of(news_text, any_text))
def test_word_counts_match_the_regex(text: str) -> None:
    for canon in (text, canonicalize(text)):
        tokens = bp._WORD.findall(canon)
        assert bp._count_words(canon) == len(tokens)
        assert bp._word_digit_counts(canon) == (len(tokens), sum(t.isdigit() for t in tokens))


def plain_rules(f: bp._Features) -> dict[str, bool]:
    """The rules as they read before their prefilters."""
    canon = f.canon

    def has(phrases: tuple[str, ...]) -> bool:
        return any(p in canon for p in phrases)

    news = bp._tells_news(f)  # a sentence of the story that names a phrase
    if "cookies" in canon and ("website" in canon or "site" in canon):
        cookie = f.words <= 150 and not (news and bp._REPORTED.search(canon))
    else:
        cookie = f.words <= 60 and has(bp.COOKIE_PHRASES) and not news
    tail = max(0, len(canon) - bp.TAIL_REACH)
    return {
        "paywall": f.words <= 60
        and not news
        and (
            has(bp.PAYWALL_PHRASES)
            or (
                has(bp.ADDRESSED_PAYWALL_PHRASES)
                and bp._READER.search(bp._unquoted(canon)) is not None
            )
        ),
        "newsletter": f.words <= (60 if "your inbox" in canon else 30)
        and has(bp.NEWSLETTER_PHRASES)
        and not news,
        "comments": f.words <= 20 and has(bp.COMMENT_PHRASES) and not news,
        "share": f.words <= 12 and has(bp.SHARE_PHRASES) and not news,
        "cookie": cookie,
        "footer": f.words <= 60
        and (
            bool(bp._RIGHTS_ELSEWHERE.search(canon))
            or (
                any(p.search(canon) for p in bp.FOOTER_PATTERNS) and not plain_copyright_sentence(f)
            )
        ),
        "related_link": f.words <= 30 and bool(bp.RELATED_PREFIX.search(canon)),
        "caption": f.words <= 80
        and bool(
            any(p.search(canon) for p in bp.CAPTION_PATTERNS)
            or any(p.search(canon, tail) for p in bp.CAPTION_TAILS)
        ),
        "credit": canon in bp.WIRE_CREDITS
        or (
            f.words <= 12
            and (
                any(p.search(canon) for p in bp.CREDIT_PATTERNS)
                or (bp._credit_length(f) and bool(bp.CREDIT_SOURCE.search(canon)))
                or (bool(bp.BARE_CREDIT.search(canon)) and bp._names_only(f.raw))
            )
        ),
        "author": bool(bp.COMMENT_AUTHOR.search(canon)),
        "date": (f.words <= 10 and any(p.search(canon) for p in bp.DATE_PATTERNS))
        or (f.words <= bp.DATE_STAMP_MAX_WORDS and bp.is_stamp(canon)),
        "navigation": plain_navigation(f),
        "credit_tail": f.words <= 60
        and any(w in canon[tail:] for w in ("image", "photo", "pic", "credit"))
        and plain_credit_tail(f, canon, tail),
    }


def plain_copyright_sentence(f: bp._Features) -> bool:
    """A line opening with the word "copyright" that is a sentence of the story."""
    return (
        f.canon.startswith("copyright")
        and "reserved" not in f.canon
        and not bp._COPYRIGHT_NOTICE.search(f.canon)
        and bp._COPYRIGHT_NOUN.match(f.raw)
        and bp._tells_news(f)
    )


def plain_credit_tail(f: bp._Features, canon: str, tail: int) -> bool:
    """CREDIT_TAIL, but a bare "credit(s):" followed by a lower-case sentence is none."""
    found = bp.CREDIT_TAIL.search(canon, tail)
    if found is None:
        return False
    if not bp._CREDIT_WORD.fullmatch(found.group(0).lstrip()):
        return True
    found_raw = list(bp._CREDITED.finditer(f.raw))
    if not found_raw:
        return True
    after = f.raw[found_raw[-1].end() - 1 :].split()
    return not (after[0][:1].islower() and len(after) >= 3 and f.raw.rstrip().endswith("."))


def plain_navigation(f: bp._Features) -> bool:
    if not f.canon:
        return False
    if f.canon in bp.NAV_WORDS:
        return True
    if bp._NAV_SEPARATOR.search(f.canon):
        parts = [p.strip() for p in bp._NAV_SPLIT.split(f.canon) if p.strip()]
        if len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts):
            return True
    return f.words <= 25 and f.raw.rstrip().endswith(("...", "\u2026"))


def fast_rules(f: bp._Features) -> dict[str, bool]:
    return {
        "paywall": bp._is_paywall(f),
        "newsletter": bp._is_newsletter(f),
        "comments": bp._is_comments(f),
        "share": bp._is_share(f),
        "cookie": bp._is_cookie(f),
        "footer": bp._is_footer(f),
        "related_link": bp._is_related_link(f),
        "caption": bp._is_caption(f),
        "credit": bp._is_credit(f),
        "author": bp._analyze.__wrapped__(f.raw).comment_author,
        "date": bp._is_date(f),
        "navigation": bp._is_navigation(f),
        "credit_tail": bp._is_credit_tail(f),
    }


# Pieces of the lines the rules look for, to be glued into lines with plain words.
RULE_PIECES = sorted(
    {
        *bp.PAYWALL_PHRASES,
        *bp.NEWSLETTER_PHRASES,
        *bp.COMMENT_PHRASES,
        *bp.SHARE_PHRASES,
        *bp.COOKIE_PHRASES,
        *("share", "cookie", "subscri", "sign ", "print", "email", "trial", "terms"),
        *("cookies", "website", "site", "all rights reserved", "reserved", "published by"),
        *("\u00a9", "(c)", "copyright", "this article was published", "this story is produced"),
        *("related:", "read more:", "see also :", "in this photo", "file photo:", "pictured:"),
        *("(ap photo/jane doe)", "(photo via reuters)", "picture: x/reuters", "photo by"),
        *("credit:", "(image: getty)", "getty images", "afp", "reuters / x", "image"),
        *("home > world > asia", "a / b", "|", "\u00bb", "may 1, 2024", "2024-01-02", "..."),
        *("published 2024-01-02", "updated: 12 may 2024 10:30 gmt", "image credit: nasa"),
        *("monday, may 1, 2024 - 10:30 am", ":2024-01-02", "\u0661\u0662 may 2024", "sept 3, 2024"),
        *("alle rechte vorbehalten", "版权所有", "tous droits réservés", "rechte"),
        *("says:", "said :", "wrote:", "bob on may 1 at 6:34 pm said:", "ad", "the", "Home"),
    }
)
rule_lines = st.lists(
    st.one_of(st.sampled_from(RULE_PIECES), st.sampled_from(["a", "B", "the", ":", "."])),
    max_size=14,
).map(" ".join)


@settings(max_examples=600, deadline=None)
@given(st.one_of(rule_lines, news_text))
def test_rule_prefilters_change_no_verdict(text: str) -> None:
    f = bp._features(text)
    assert fast_rules(f) == plain_rules(f)


long_rule_lines = st.lists(
    st.sampled_from([*RULE_PIECES, "word", "cookies", "website"]), min_size=40, max_size=120
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(long_rule_lines)
def test_rule_prefilters_change_no_verdict_on_long_lines(text: str) -> None:
    f = bp._features(text)
    assert fast_rules(f) == plain_rules(f)


PHRASE_LISTS = (
    bp.PAYWALL_PHRASES,
    bp.ADDRESSED_PAYWALL_PHRASES,
    bp.NEWSLETTER_PHRASES,
    bp.COMMENT_PHRASES,
    bp.SHARE_PHRASES,
    bp.COOKIE_PHRASES,
)


def test_every_phrase_holds_an_anchor() -> None:
    """What makes the anchor prefilter exact: a line holding a phrase holds its anchor."""
    for phrases in PHRASE_LISTS:
        for phrase in phrases:
            assert bp._holds_anchor(phrase), phrase
            assert bp._holds_anchor(f"x{phrase}y")


def test_rule_prefilters_on_known_lines() -> None:
    for text in [
        "Subscribe now for unlimited access",
        "We use cookies to improve this website",
        "\u00a9 2024 Example Media. All rights reserved.",
        "Related: Putin visits port",
        "In this photo, a ship (AP Photo/Jane Doe)",
        "Alex on September 17, 2018 at 6:34 am said:",
        "",
        "   ",
    ]:
        f = bp._features(text)
        assert fast_rules(f) == plain_rules(f)
    assert bp._is_paywall(bp._features("Subscribe now for unlimited access"))


# ---- unwrap: the hard-wrap detector's helpers ------------------------------------------


def reference_pairs(lines: list[str]) -> list[tuple[int, int, int, bool]]:
    found = []
    low, high = unwrap.MIN_WIDTH - unwrap.SLACK, unwrap.MAX_WIDTH
    for i in range(len(lines) - 1):
        line = lines[i].rstrip()
        if not low <= len(line) <= high or not line.strip():
            continue
        nxt = lines[i + 1].strip()
        if nxt:
            parts = nxt.split()
            found.append((i, len(line), len(parts[0] if parts else ""), nxt[:1].islower()))
    return found


def reference_votes(pairs: list[tuple[int, int, int, bool]]) -> list[tuple[int, int, int, int]]:
    lo, hi, slack = unwrap.MIN_WIDTH, unwrap.MAX_WIDTH, unwrap.SLACK
    span = hi - lo + 2
    cand, brk, low = [0] * span, [0] * span, [0] * span
    for _, length, next_word, next_lower in pairs:
        first = max(length, lo) - lo
        last = min(length + slack, hi) - lo
        if first > last:
            continue
        cand[first] += 1
        cand[last + 1] -= 1
        last_break = min(last, length + next_word - lo)
        if first <= last_break:
            brk[first] += 1
            brk[last_break + 1] -= 1
            if next_lower:
                low[first] += 1
                low[last_break + 1] -= 1
    out = []
    c = b = w = 0
    for k in range(span - 1):
        c, b, w = c + cand[k], b + brk[k], w + low[k]
        out.append((lo + k, b, c, w))
    return out


WRAP_WORDS = st.sampled_from(["the", "Minister", "of", "said", "talks", "U.S.", "Inc.", "on."])


@st.composite
def wrapped_texts(draw: st.DrawFn) -> list[str]:
    """Paragraphs hard-wrapped at a drawn width, with blank lines, headlines, stray spaces."""
    width = draw(st.integers(30, 110))
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        words = draw(st.lists(WRAP_WORDS, max_size=60))
        lines += textwrap.wrap(" ".join(words), width) or [""]
        lines += draw(st.sampled_from([[""], [], ["  "], ["HEADLINE " * 8], ["x" * 120 + "  "]]))
    return lines


@settings(max_examples=300, deadline=None)
@given(st.one_of(wrapped_texts(), st.lists(news_text, max_size=8)))
def test_unwrap_helpers_match_the_plain_versions(lines: list[str]) -> None:
    pairs = unwrap._pairs(lines)
    assert pairs == reference_pairs(lines)
    assert unwrap._votes(pairs) == reference_votes(pairs)
    for line in lines:
        words = line.split()
        assert unwrap._first_word(line) == (words[0] if words else "")
        want = bool(words) and words[-1].endswith((".", "!", "?", '."', ".\u201d"))
        assert unwrap._ends_sentence(line) == (want and not unwrap._ABBREVIATION.match(words[-1]))
    lower = [i for i in range(len(lines) - 1) if unwrap._first_word(lines[i + 1])[:1].islower()]
    assert unwrap._before_lower(lines) == lower


def reference_wrapped_units(lines: list[str]) -> list[list[int]]:
    """wrapped_units as it read before the early exit."""
    pairs = unwrap._pairs(lines)
    best: tuple[int, int] | None = None
    if len(pairs) >= unwrap.MIN_WRAPPED:
        for width, count, candidates, lower in unwrap._votes(pairs):
            wrapped = (
                count >= unwrap.MIN_WRAPPED
                and count >= unwrap.MIN_SHARE * candidates
                and lower >= unwrap.MIN_LOWER_SHARE * count
            )
            score = 3 * count - candidates
            if wrapped and (best is None or score > best[0]):
                best = (score, width)
    if best is None:
        return [[i] for i in range(len(lines))]
    flags, _, _ = unwrap._breaks(pairs, len(lines), best[1])

    def wrapped(i: int) -> bool:  # breaks at the width, and no paragraph end
        ends = unwrap._ends_sentence(lines[i])
        capital = i + 1 < len(lines) and unwrap._first_word(lines[i + 1])[:1].isupper()
        return flags[i] and not (ends and capital)

    units: list[list[int]] = []
    current: list[int] = []
    for i in range(len(lines)):
        current.append(i)
        # A short line that runs on in lower case joins the next in a wrapped text, and so
        # does a line of running text broken off above a line wrapped at the width.
        runs_on = i + 1 < len(lines) and unwrap._runs_on(lines[i], lines[i + 1])
        leads = (
            i + 1 < len(lines) and not wrapped(i) and wrapped(i + 1) and unwrap._leads_in(lines[i])
        )
        runs_on = runs_on or leads
        if not flags[i] and not runs_on:
            units.append(current)
            current = []
            continue
        ends = unwrap._ends_sentence(lines[i])
        capital = i + 1 < len(lines) and unwrap._first_word(lines[i + 1])[:1].isupper()
        if ends and capital and not runs_on:
            units.append(current)
            current = []
    if current:
        units.append(current)
    return [part for unit in units for part in unwrap._confirmed(lines, unit)]


@settings(max_examples=300, deadline=None)
@given(wrapped_texts())
def test_wrapped_units_matches_the_plain_version(lines: list[str]) -> None:
    assert unwrap.wrapped_units(lines) == reference_wrapped_units(lines)


# ---- body: line scores ------------------------------------------------------------------


def reference_score(s: body.Shape, usable: bool, interruption: bool) -> float:
    if s.blank:
        return 0.0
    if usable and body.is_prose(s):
        return s.words
    return -body.INTERRUPTION_PENALTY if interruption else -body.LINE_PENALTY


shapes = st.builds(
    body.Shape,
    st.sampled_from([0.0, 1.0, 9.0, 10.0, 10.5, 24.0, 25.0, 26.0, 40.0]),
    st.sampled_from([0.0, 0.39, 0.4, 0.41, 1.0]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(shapes, st.booleans(), st.booleans()), max_size=30))
def test_scores_match_the_plain_score(rows: list[tuple[body.Shape, bool, bool]]) -> None:
    got = body._scores([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    want = [reference_score(*r) for r in rows]
    assert got == want
    assert [type(v) for v in got] == [type(v) for v in want]


# ---- boilerplate: the per-article passes ------------------------------------------------

# Lines of each kind the teaser-run and body-edge passes tell apart: prose, teasers (short
# headline-like lines), a closing sentence, a line broken off on a function word, blank lines.
PASS_LINES = [
    "The minister said on Tuesday that the talks would resume next week in the capital city.",
    "Oil prices rose",
    "Storm hits coast",
    "Shares fell 4% in early trading.",
    "Shearson Lehman Brothers, a unit of",
    "",
    "  ",
    "Among the main items:",
    "- first item",
]
REASONS = st.sampled_from([None, None, None, "template", "related", "caption"])


def reference_teaser_runs(
    units: list[bp._Unit], reasons: list[str | None], listed: list[bool] | None
) -> None:
    """`_revise`'s teaser-run loop as it read before `_mark_teaser_runs`."""
    flags = listed or [False] * len(units)
    nonblank = [i for i, u in enumerate(units) if u.f.canon]
    body_started = False
    run: list[int] = []
    for i in [*nonblank, -1]:
        if i >= 0 and body_started and reasons[i] is None and units[i].teaser and not flags[i]:
            run.append(i)
            continue
        if len(run) >= bp.TEASER_RUN:
            for j in run:
                reasons[j] = "related"
        run = []
        if i >= 0 and reasons[i] is None and units[i].prose:
            body_started = True


def reference_edges(
    units: list[bp._Unit], reasons: list[str | None], inside: tuple[bool, ...]
) -> tuple[bool, ...]:
    """`_with_lead_ins` then `_with_closing_lines`, as they read before the index() scans."""
    starts = [i for i in range(1, len(inside)) if inside[i] and not inside[i - 1]]
    grown = list(inside)
    for i in starts:
        canon = units[i - 1].f.canon
        if reasons[i - 1] is None and canon and bp._breaks_off(canon):
            grown[i - 1] = True
    inside = tuple(grown)
    last = max((i for i, flag in enumerate(inside) if flag), default=None)
    if last is None:
        return inside
    taken = 0
    for i in range(last + 1, len(units)):
        u = units[i]
        if not u.f.canon:
            continue
        if (
            taken == bp.CLOSING_LINES
            or reasons[i] is not None
            or not bp._closes_story(u.f, u.shape)
        ):
            break
        grown[i] = True
        taken += 1
    return tuple(grown)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(PASS_LINES), REASONS, st.booleans(), st.booleans()), max_size=25
    ),
    st.booleans(),
)
def test_article_passes_match_the_plain_loops(
    rows: list[tuple[str, str | None, bool, bool]], with_listed: bool
) -> None:
    units = [bp._analyze(line) for line, _, _, _ in rows]
    reasons = [reason if line.strip() else "blank" for line, reason, _, _ in rows]
    listed = [flag for _, _, flag, _ in rows] if with_listed else None
    got, want = list(reasons), list(reasons)
    bp._mark_teaser_runs(units, got, listed)
    reference_teaser_runs(units, want, listed)
    assert got == want
    inside = tuple(flag for _, _, _, flag in rows)
    grown = bp._with_closing_lines(units, reasons, bp._with_lead_ins(units, reasons, inside))
    assert grown == reference_edges(units, reasons, inside)
