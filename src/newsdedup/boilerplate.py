"""Decide which lines of a scraped text are the article; every dropped line keeps a reason.

Classify, then revise (as jusText does): each line is first judged alone by named rules
(known phrases, shape); then context rules let lines follow their neighbours (the headline
list under a "Related Articles" heading, the caption above a "PHOTO: AFP" credit); then
repeats inside the article and site templates learned from the corpus are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .body import PROSE_LOWER_SHARE, Shape, body_lines, has_date_or_time
from .body import shape as body_shape
from .canonical import canonicalize
from .config import CleanConfig
from .datewords import DATE_STAMP_MAX_WORDS, STAMP_VERB, UPDATE_VERB, is_stamp
from .records import Line
from .templates import CLOSERS, line_key
from .unwrap import FUNCTION_WORDS, wrapped_groups

# ---- phrase lists and patterns (canonical, lower-case text) -----------------------------

AD_PATTERNS = (
    re.compile(r"^[\W_]*(advert\w*|ad|sponsored( content)?|promoted|paid (post|content))[\W_]*$"),
    # The marker in other languages (QA 19c #3: "PUBBLICITÀ" stayed as a short line inside
    # the body, and the body finder then lost the paragraph below it).
    re.compile(
        r"^[\W_]*(anzeige|werbung|publicité|publicite|publicidad|publicidade|pubblicità"
        r"|advertentie|annonce|annons|annonse|mainos|reklama|reklame|reklam|реклама"
        r"|إعلان|פרסומת|διαφήμιση|广告|廣告|広告|광고|quảng cáo|विज्ञापन)[\W_]*$"
    ),
    re.compile(
        r"^[\W_]*(advert\w*[\W_]+)?(story continues below( (this )?advert\w*)?"
        r"|continue reading (the main story|below))[\W_]*$"
    ),
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
    "straight to your inbox",
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
    "click here",
    "download the",
    "get the app",
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
    # A print edition's note under the web copy ("A version of this article appears in print
    # on March 3, 2024, Section A, Page 1 of the New York edition with the headline: ...").
    re.compile(r"^a version of this (article|story) appear(s|ed) in print\b"),
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
        "related topics",
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
    # The same headings in other languages (QA 19c #6, #7: a short brief kept its related
    # list under "Mehr zum Thema" or "相关阅读", and two different briefs of one site matched
    # on it), in canonical form (canonicalize: Arabic alef forms fold).
    | {
        canonicalize(heading)
        for heading in (
            *("Mehr zum Thema", "Lesen Sie auch", "Auch interessant", "Meistgelesen"),
            *("Das könnte Sie auch interessieren", "Weitere Artikel", "Lire aussi"),
            *("À lire aussi", "A lire aussi", "Sur le même sujet", "Les plus lus"),
            *("Te puede interesar", "Leer más", "Lo más leído", "Noticias relacionadas"),
            *("Leggi anche", "Potrebbe interessarti", "I più letti", "Articoli correlati"),
            *("Leia também", "Leia mais", "Mais lidas", "Notícias relacionadas"),
            *("Lees ook", "Meest gelezen", "Czytaj także", "Czytaj też", "Ilgili haberler"),
            *("Читайте также", "По теме", "Самое читаемое"),
            *("相关阅读", "相关新闻", "相关文章", "热门推荐", "推荐阅读", "延伸阅读", "猜你喜欢"),
            *("相關新聞", "延伸閱讀", "関連記事", "関連ニュース", "おすすめ記事"),
            *("관련기사", "관련 기사", "많이 본 뉴스", "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة"),
            *("यह भी पढ़ें", "संबंधित खबरें", "Xem thêm", "Tin liên quan"),
        )
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
        "skip to main content",
        "view image in fullscreen",
        "thanks for reading",
        "thanks for reading!",
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
    # A site's menu in other languages, one item a line (QA 19c #6: "Startseite", "Politik",
    # "首页", "财经" stayed above short briefs, which then missed their copies).
    | {
        canonicalize(word)
        for word in (
            # Not words English writes alone as well ("International Geosystems Corp"
            # hard-wrapped, a "Panorama" camera mode: QA 20c #5, #7).
            *("Startseite", "Politik", "Wirtschaft", "Kultur", "Meinung", "Wissen"),
            *("Accueil", "Politique", "Économie", "Société", "Monde"),
            *("Inicio", "Portada", "Política", "Economía", "Sociedad", "Deportes", "Opinión"),
            *("Internacional", "Cultura", "Cronaca", "Esteri", "Economia", "Spettacoli"),
            *("Início", "Esportes", "Mundo", "Главная", "Политика", "Экономика", "Общество"),
            *("Спорт", "Культура", "В мире", "首页", "新闻", "财经", "体育", "娱乐", "国际"),
            *("国内", "科技", "军事", "社会", "ホーム", "ニュース", "経済", "政治", "国際"),
            *("スポーツ", "홈", "정치", "경제", "사회", "국제", "스포츠", "문화"),
        )
    }
)
# Photo credits: "PHOTO: AFP", "Picture: X/REUTERS", "(Photo by ...)", "Credit: ...".
CREDIT_PATTERNS = (
    re.compile(
        r"^(photo|picture|image|pic|credit|photograph|photographer|photography|video|graphic"
        r"|photo-illustration|photo illustration|photo composite)s?\s*(:|by\b)"
    ),
    re.compile(r"^crédits? photos?\s*:"),  # "Crédit photo : AFP" (QA 26 #5)
    # "Photo d'illustration", "Image d'archive", "Photo picture alliance / dpa". ("Foto: dpa" is
    # left alone: as a credit it took the one-sentence paragraph above it as its caption.)
    re.compile(r"^(photo|image)s? (d'(illustration|archive)|picture alliance)"),
    re.compile(
        r"^(image|photo|picture)s? (used )?for (representation(al)?|illustrat(ion|ive))"
        r"( purposes?)?( only)?\b"
    ),
    # In brackets: "(Photo John Smith)". Not a subheading that opens with the word ("Image
    # problem for the grid") or a longer one ("Photovoltaik auf Balkonen", "Imagen de país")
    # (QA 19c #1).
    re.compile(r"^\((photo|image|picture)s?\b:?\s*(by\s)?[^.()]{0,60}\)$"),
    # Under a label, a name may hold a full stop: "(Image credit: Sierra Nevada Corp.)".
    re.compile(r"^\((photo|image|picture)s?( credit)?\s*:\s*[^()]{1,60}\)$"),
    re.compile(r"^(photo|image|picture|slide)s? \d+ (of|/)( /)? \d+\b"),  # "Image 1 of 5"
    re.compile(r"^(getty images|afp|ap|reuters|epa|shutterstock|file photo)(\s*/\s*\w+)*$"),
)
# How the picture came, or a mark between the word and the name ("Photo courtesy of ...",
# "Image source, Getty Images", "Photo | PTI", "Photo - AFP", "Photo/AP", "Photo © AFP"): of
# pictures only ("Credit provided to households ..." is a sentence: QA 20c #2), and on a line
# of `_credit_length` ("Photos shared on social media showed flames ...": QA 21 #1, 22 #4).
CREDIT_SOURCE = re.compile(
    r"^(photo|picture|image|photograph|photography|photo-illustration)s?"
    r"( (by|courtesy|supplied|provided|gallery|illustration|via|copyright|source|sourced"
    r"|credit|taken|shared|posted|handout|from)\b|\s*(\||/|©|\(c\))| - )"
)


# What a sentence about pictures says of them, and a credit never does.
# (Read on the raw line, in lower case: "the Geneva Motor Show", "This Is Money" are names.)
_PICTURES_SHOW = re.compile(r"\b(shows?|showed|showing|depicts?|depicted|were|was|is|are)\b")
_SENTENCE_END = re.compile(r"[.!?][\"'’”)\]]*$")


def _credit_length(f: _Features) -> bool:
    """A line `CREDIT_SOURCE` may make a credit: no verb of a sentence about pictures, and
    no sentence end unless short ("Photo courtesy of the family."); not "Photos shared on
    social media showed ..." nor "Photos posted online show the devastation." (QA 23 #3)."""
    shows = _PICTURES_SHOW.search(f.raw)
    # "Photo courtesy of NBC's Today show": the last word is no verb (QA 26 #5).
    if shows is not None and (shows.group() != "show" or f.raw[shows.end() :].strip(" .")):
        return False
    return f.words <= 6 or _SENTENCE_END.search(f.raw.rstrip()) is None


# The word alone or with a name of up to five words ("Photos", "Photo AFP", "Picture John
# Smith/Reuters", "Photo J. Doe/AFP"), when each word after it is a name (`_names_only`,
# read on the raw line): "Photo finish in Ohio" and "Pictures tell the story" are
# subheadings (QA 20a #4).
BARE_CREDIT = re.compile(r"^(photo|image|picture|photograph(y|er)?)s?( \S+){0,5}$|^pictured$")
# Agencies written in lower case, which `_names_only` takes as names.
_LOWER_AGENCIES = frozenset(
    {"dpa", "istock", "istockphoto", "handout", "afp", "ap", "epa", "pti", "ians"}
)
# Particles of names: "Photo de Jean Dupont", "Foto von Anna Schmidt".
_NAME_PARTICLES = frozenset({"de", "von", "van", "da", "di", "del", "der", "du", "le", "la"})


# Words a heading in title case or capitals holds and a name does not ("Photo Finish In
# Ohio", "PICTURES FROM THE SCENE": QA 26 #1).
_HEADING_WORDS = frozenset(
    {"in", "on", "at", "for", "of", "to", "from", "with", "the", "an", "and", "is", "are", "as"}
)


def _names_only(raw: str) -> bool:
    """Return True when every word after the first of `raw` starts with a capital or a
    digit, holds a slash ("Smith/Reuters"), or is a lower-case agency or a name's particle,
    and none is a heading's function word."""
    words = raw.split()[1:]
    return all(
        w in _NAME_PARTICLES
        or (
            (w[:1].isupper() or w[:1].isdigit() or "/" in w or w.lower() in _LOWER_AGENCIES)
            and w.lower() not in _HEADING_WORDS
        )
        for w in words
    )


CAPTION_PATTERNS = (
    re.compile(r"^(in this (photo|image|picture|file photo)|file photo:|pictured:)"),
    re.compile(r"\((ap|afp|reuters|getty|epa)\s*photo[^)]*\)\s*$"),
)
# Caption endings of bounded length: searched only near the end of a line (see TAIL_REACH).
CAPTION_TAILS = (
    re.compile(r"\([^()]{0,120}\bvia (ap|afp|reuters|getty images|epa)\)\s*$"),
    re.compile(r"\b(picture|photo|image)s?:\s*[^.]{0,80}/(reuters|afp|ap|getty images|epa)\s*$"),
)
# Canonical text has single spaces, so every end-anchored pattern above of bounded length
# (CAPTION_TAILS, CREDIT_TAIL: at most ~140 characters) matches inside the last TAIL_REACH
# characters; searching from there gives the same answer (`\b` still sees the character
# before) without trying every word boundary of a long paragraph.
TAIL_REACH = 200
# A credit closing a caption: "... (Image: GETTY)", "... Credit: ESA", "(Image credit: NASA)".
CREDIT_TAIL = re.compile(
    r"([(\[]\s*(image|photo|picture|pic|credit|image credit|photo credit)s?\s*:[^()\[\]]{1,80}"
    r"[)\]]"
    r"|\b(image|photo|picture) credit\s*:[^.]{1,80}"
    r"|\b(image|photo|picture|pic)s?\s*:\s*[^.:]{1,60}"
    r"|\bimage (copyright|caption)\b[^.]{0,60}"
    r"|\bcredits?\s*:\s*[^.]{1,60}\.?)\s*$"
)
# "... Credit: ESA" names who made the picture; "... child tax credits: worth up to 545
# pounds a year." goes on in lower case (checked on the raw line: canonical text is folded).
_CREDIT_WORD = re.compile(r"\bcredits?\s*:\s*[^.]{1,60}\.?\s*$")
_CREDITED = re.compile(r"\b[Cc][Rr][Ee][Dd][Ii][Tt][Ss]?\s*:\s*[^\W\d_]")
# "Related: ...", "SEE MORE: ...", "Read more: ..." lead a link to another story.
RELATED_PREFIX = re.compile(
    r"^\W*(related|see more|see also|read more|read also|also read|more|watch|listen"
    r"|recommended|don't miss|must read|further reading|read next)\s*:\s*\S"
)
# The start of a reader-comment section: a heading ("34 responses to ...", "Comments",
# "Leave a Reply") or a commenter's line ("Alex on September 17, 2018 at 6:34 am said:").
COMMENT_HEADING = re.compile(
    r"^\W*(\d+\s+(comments?|responses?|replies|thoughts|reactions)\b"
    r"|(reader )?comments?\W*$|leave a (reply|comment)\b|join the discussion\b"
    r"|discussion\W*$|comments are closed\b)"
)
# Headings that may head reader comments, or be a subheading of the story ("Conversation",
# "Have your say"): like the prompts the line rules drop ("Join the conversation"), they open
# the comments only over commenters (QA 15b #2; QA 16a: as bare headings they dropped the
# rest of stories).
COMMENT_PROMPT = re.compile(
    r"^\W*(((readers'?|most recent|latest|top|all) )?comments?( \(\d+\))?|have your say"
    r"|conversation|discuss this (article|story))\W*$"
)
COMMENT_AUTHOR = re.compile(r"^.{1,80}\s(says|said|wrote|writes)\s*:\s*$")
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
    # "Updated 2 hours ago", "5 mins ago": a page's time stamp, as of the scrape.
    re.compile(
        r"^((published|updated|posted|last updated):?\s*)?\d{1,3}\s*"
        r"(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|months?|y|years?)"
        r"\s+ago\.?$"
    ),
)
BYLINE_PATTERN = re.compile(r"^by\s?[a-z][\w.'-]*(\s+[\w.'-]+){0,8}$")
# A line ends a sentence when its last character is one of these (the regex this replaces,
# `[.!?…"')\]]$|[.!?]['")\]]?$`, comes to the same: its second branch ends in the first's set).
_SENTENCE_ENDINGS = (".", "!", "?", "…", '"', "'", ")", "]")
_WORD = re.compile(r"\w+")


# Counting `_WORD` runs without building the match list: one bytes.translate maps ASCII
# letters and "_" to "a", digits to "0" and every other byte (UTF-8 multi-byte sequences
# too) to a space; a run starts after a space. It holds for text whose non-ASCII characters
# are no word characters (quotes, dashes, currency signs), which split runs as a space does.
def _word_class(byte: int) -> int:
    ch = chr(byte) if byte < 128 else " "
    return ord("0") if ch.isdigit() else ord("a") if ch.isalnum() or ch == "_" else ord(" ")


_WORD_CLASSES = bytes(map(_word_class, range(256)))
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")


def _word_classes(canon: str) -> bytes | None:
    """Return `canon` mapped by _WORD_CLASSES after a leading space, or None when it holds
    non-ASCII word characters (then only `_WORD` itself gives the words)."""
    if not canon.isascii() and _NON_ASCII_WORD.search(canon):
        return None
    return b" " + canon.encode("utf-8", "surrogatepass").translate(_WORD_CLASSES)


def _count_words(canon: str) -> int:
    """Return len(_WORD.findall(canon))."""
    classes = _word_classes(canon)
    if classes is None:
        return len(_WORD.findall(canon))
    return classes.count(b" a") + classes.count(b" 0")


def _word_digit_counts(canon: str) -> tuple[int, int]:
    """Return how many `_WORD` tokens `canon` holds and how many of them are all digits."""
    classes = _word_classes(canon)
    if classes is None:
        tokens = _WORD.findall(canon)
        return len(tokens), sum(1 for t in tokens if t.isdigit())
    if b"0" not in classes:  # no digit at all: no need to split
        return classes.count(b" a"), 0
    runs = classes.split()
    return len(runs), sum(1 for t in runs if t.isdigit())


# Private per-line records, made once per distinct line: not frozen, since a frozen
# dataclass's __init__ costs twice as much (object.__setattr__ per field). Never mutated.
@dataclass(slots=True)
class _Features:
    raw: str
    canon: str
    words: int
    chars: int
    ends_sentence: bool
    phrase: bool  # holds an anchor (see _holds_anchor): a phrase list may match


def _features(raw: str) -> _Features:
    canon = canonicalize(raw)
    words = _count_words(canon)
    # Positional arguments: made once per distinct line, and keywords cost more.
    return _Features(
        raw,  # raw
        canon,  # canon
        words,  # words
        len(canon),  # chars
        canon.endswith(_SENTENCE_ENDINGS),  # ends_sentence
        _may_hold_phrase(canon, words),  # phrase
    )


def _may_hold_phrase(canon: str, words: int) -> bool:
    """Return False when no phrase rule can fire on the line: it holds no anchor, or it is
    longer than every phrase rule allows (a long cookie notice needs "cookies")."""
    if words <= PHRASE_MAX_WORDS:
        return _holds_anchor(canon)
    return words <= COOKIE_NOTICE_WORDS and "cookies" in canon


@dataclass(slots=True)
class _Unit:
    """Everything about one logical line that does not depend on its neighbours."""

    f: _Features
    rule: str | None  # the first line rule that fires, or None
    key: int  # site-template key of the canonical line
    shape: Shape  # what the body detector needs
    headline: bool
    teaser: bool
    prose: bool
    comment_heading: bool  # COMMENT_HEADING matches
    comment_opener: bool  # a commenter's line or a counted heading ("34 comments")
    comment_author: bool  # a commenter's line
    comment_prompt: bool  # COMMENT_PROMPT matches, or the "comments" line rule fired
    # Derived from the fields above, for the per-article passes of `_judge`:
    base: str | None  # the reason before context: "blank", else `rule`
    comment: bool  # a comment heading, opener or prompt: may open the comments
    lead_in: bool  # may introduce a list, if kept (`_introduced_lists`)


# Distinct lines remembered per process. Site furniture (menus, footers, share bars) repeats
# from article to article, and so do the lines of copies, so most lines of a scraped corpus
# are judged once (a 10k planted corpus: 519k lines, 109k distinct). Every verdict here is a
# pure function of the line, so the cache changes speed, never results.
CACHE_LINES = 1 << 16


@lru_cache(maxsize=CACHE_LINES)
def _analyze(raw: str) -> _Unit:
    f = _features(raw)
    rule = _first_rule(f) if f.canon else None
    # COMMENT_AUTHOR ends in ":\s*$", and canonical text ends in no space.
    colon = f.canon.endswith(":")
    author = colon and bool(COMMENT_AUTHOR.search(f.canon))
    heading = bool(COMMENT_HEADING.search(f.canon))
    prose = _is_prose(f)
    # "34 comments" heads a comment section; "340 responses were received from residents,
    # ..." is a sentence of the story.
    opener = author or (not prose and bool(_COUNTED.search(f.canon)))
    prompt = rule == "comments" or (not heading and bool(COMMENT_PROMPT.search(f.canon)))
    headline = _is_headline(f)
    return _Unit(
        f,  # f
        rule,  # rule
        line_key(f.canon),  # key
        body_shape(raw),  # shape
        headline,  # headline
        headline and _links_out(f),  # teaser
        prose,  # prose
        heading,  # comment_heading
        opener,  # comment_opener
        author,  # comment_author
        prompt,  # comment_prompt
        rule if f.canon else "blank",  # base
        heading or opener or prompt,  # comment
        colon and _may_lead_in(f),  # lead_in
    )


# A cookie notice about the website may run this many words; the other phrase rules stop at
# PHRASE_MAX_WORDS (paywall, cookie phrases) or fewer.
COOKIE_NOTICE_WORDS = 150
PHRASE_MAX_WORDS = 60


# Every phrase of the phrase lists holds one of the anchors below (a test checks each
# phrase), so a line holding no anchor matches no phrase list: 999 lines in 1000 hold none,
# and one pass over 29 anchors stands in for five passes over 60 phrases. Written out as
# substring tests: 2.6 us a line, where any() over a tuple of them costs 3.7.
def _holds_anchor(canon: str) -> bool:
    return (
        "accept all" in canon
        or "click here" in canon
        or "comment" in canon
        or "continue" in canon
        or "conversation" in canon
        or "cookie" in canon
        or "copy link" in canon
        or "do not sell my" in canon
        or "download the" in canon
        or "email" in canon
        or "follow" in canon
        or "get our free" in canon
        or "get the app" in canon
        or "inbox" in canon
        or "insights" in canon
        or "manage preferences" in canon
        or "newsletter" in canon
        or "premium" in canon
        or "print" in canon
        or "privacy" in canon
        or "register" in canon
        or "share" in canon
        or "sign " in canon
        or "subscri" in canon
        or "support" in canon
        or "terms" in canon
        or "trial" in canon
        or "unlimited" in canon
        or "whatsapp" in canon
    )


def _has(phrases: Collection[str], canon: str) -> bool:
    return any(map(canon.__contains__, phrases))


# A blurb speaks to the reader: "you", the site's "we", or a call to act at its start. A
# sentence of the story that merely names a privacy policy, a newsletter or a free trial
# does neither ("The regulator said the company changed its privacy policy"). Not "us":
# lower-cased, it is also the US.
_NEWS_WORDS = 10  # ... and ends a sentence
# A shorter sentence tells news when it reports in the past tense ("WhatsApp was down for
# six hours on Monday.", "It offered a free trial to 500 farmers."): a blurb describes its
# offer in the present ("Free trial available for new subscribers only.", "Necessary
# cookies enable core functionality such as security.").
_SHORT_NEWS_WORDS = 6
_PAST_WORDS = (
    r"was|were|had|did|said|told|fell|rose|went|came|made|took|gave|found|won|lost|began"
    r"|became|met|paid|sold|bought|saw|hit|cut|led|left"
)
_NOT_PAST = r"(?<!limit)(?<!relat)(?<!featur)(?<!sponsor)(?<!requir)"
_REPORTED_PAST = re.compile(rf"\b({_PAST_WORDS}|\w{{3,}}{_NOT_PAST}ed)\b")
_REPORTED_PAST_LOWER = re.compile(rf"\b({_PAST_WORDS}|[a-z]{{3,}}{_NOT_PAST}ed)\b")
_READER = re.compile(
    r"\b(you|your|yours|we|our|ours|i agree)\b"
    r"|\bby (checking|clicking|continuing|using|signing|submitting|subscribing)\b"
)
# A cookie notice need not speak to the reader ("Necessary cookies are essential for the
# website to function"); a sentence of a story about a site's cookies reports who said so.
_REPORTED = re.compile(r"\b(said|says|told|according to|reported)\b")
_CALLS = (
    *("sign ", "subscri", "unlimited ", "get ", "click", "tap ", "join ", "support "),
    *("start ", "try "),
    *("log in", "login", "register", "become ", "read ", "accept", "manage ", "follow "),
    *("share ", "download", "enter ", "learn more", "continue", "already ", "don't miss"),
)


_QUOTED = re.compile(r'"[^"]*"')


def _unquoted(canon: str) -> str:
    """The line without what it quotes: a speaker's "we" is not the site speaking."""
    return _QUOTED.sub(" ", canon) if '"' in canon else canon


# A blurb may name the page it sits on instead of the reader ("This site is protected by
# reCAPTCHA ...", "This article is for subscribers only ...") or what a subscription gives.
_SELF = re.compile(
    r"\bthis (site|website|page|article|story|newsletter)\b|\brecaptcha\b"
    r"|\bnewsletters? (is|are|may)\b|\bsubscribers (receive|get)\b"
    r"|\b(full|unlimited) (digital )?access\b"
)


def _tells_news(f: _Features) -> bool:
    """Return True when a line that holds a blurb's phrase is a sentence of the article: a
    sentence of ten words or more (six, reporting in the past tense), or a long run, that
    neither speaks to the reader nor opens with a call to act.

    The past tense is read in English only: a short sentence of another language naming
    WhatsApp or a newsletter goes as a blurb ("WhatsApp war vier Stunden lang nicht
    erreichbar."). Keeping such sentences when they hold no English function word (QA 19c
    #2) kept far more blurbs: "Jetzt kostenlosen Newsletter abonnieren und nichts
    verpassen!", "Daily newsletter - top headlines every morning, free." (QA 20a #1, #2).
    """
    sentence = f.ends_sentence and (
        f.words >= _NEWS_WORDS
        or (f.words >= _SHORT_NEWS_WORDS and _REPORTED_PAST.search(_unquoted(f.canon)))
    )
    return (
        (f.words >= _RUN_ON_WORDS or bool(sentence))
        and not f.canon.lstrip("\"'([-\u2022* ").startswith(_CALLS)
        and _READER.search(_unquoted(f.canon)) is None
        and _SELF.search(f.canon) is None
        and not _labelled(f.canon)
    )


# "Privacy Notice: Newsletters may contain ...": a blurb under a label naming what it is.
_LABEL = re.compile(r"^([^\W\d_]+ ?){1,3}:")


def _labelled(canon: str) -> bool:
    label = _LABEL.match(canon)
    return label is not None and _holds_anchor(label.group(0))


def _is_ad(f: _Features) -> bool:
    return f.words <= 6 and any(p.search(f.canon) for p in AD_PATTERNS)


# Phrases a story may use too ("Unlimited digital access to government records was
# promised ..."): a blurb only when it speaks to the reader ("... all of our journalism").
ADDRESSED_PAYWALL_PHRASES = ("unlimited digital access",)


def _is_paywall(f: _Features) -> bool:
    if not f.phrase or f.words > PHRASE_MAX_WORDS or _tells_news(f):
        return False
    if _has(PAYWALL_PHRASES, f.canon):
        return True
    addressed = _READER.search(_unquoted(f.canon)) is not None
    return addressed and _has(ADDRESSED_PAYWALL_PHRASES, f.canon)


# A newsletter blurb runs up to this many words, or PHRASE_MAX_WORDS when it offers mail to
# the reader's inbox (QA 13a: story paragraphs of 31-60 words naming a newsletter went at a
# flat 60).
NEWSLETTER_MAX_WORDS = 30


def _is_newsletter(f: _Features) -> bool:
    limit = PHRASE_MAX_WORDS if "your inbox" in f.canon else NEWSLETTER_MAX_WORDS
    return (
        f.phrase and f.words <= limit and _has(NEWSLETTER_PHRASES, f.canon) and not _tells_news(f)
    )


def _is_comments(f: _Features) -> bool:
    return f.phrase and f.words <= 20 and _has(COMMENT_PHRASES, f.canon) and not _tells_news(f)


def _is_share(f: _Features) -> bool:
    return f.phrase and f.words <= 12 and _has(SHARE_PHRASES, f.canon) and not _tells_news(f)


def _is_cookie(f: _Features) -> bool:
    if not f.phrase:  # "cookies" holds the anchor "cookie"
        return False
    if "cookies" in f.canon and ("website" in f.canon or "site" in f.canon):
        reported = _REPORTED.search(f.canon) is not None and _tells_news(f)
        return f.words <= COOKIE_NOTICE_WORDS and not reported
    return f.words <= PHRASE_MAX_WORDS and _has(COOKIE_PHRASES, f.canon) and not _tells_news(f)


_FOOTER_ANCHORED = tuple(p for p in FOOTER_PATTERNS if p.pattern.startswith("^"))
# "All rights reserved" in other languages, and the copyright notices of Chinese, Japanese
# and Korean sites (QA 19c #6, #7), in canonical form.
_RIGHTS_ELSEWHERE = re.compile(
    # A notice opens its line (after a bracket or a mark, never a quote) and ends there or
    # at a mark: inside or at the head of a sentence these are words of the story ("...
    # hatte sich alle Rechte vorbehalten.", "版权所有者在起诉书中指出", "무단 전재 사이트로
    # 인한", a quoted „Alle Rechte vorbehalten“: QA 20c #1, QA 21 #2, QA 22 #2).
    # The marks a notice may follow: brackets, bullets, list marks ("【版权声明】", "※", "■");
    # not 「, a quote ("「版權所有」不等於禁止引用": QA 24 #1).
    r"^[\s<\[(\u2039\u3008\u300a\u3010\u203b\u25a0\u2022*|©-]*(?:(?:"
    + "|".join(
        re.escape(canonicalize(phrase))
        for phrase in (
            *("alle Rechte vorbehalten", "tous droits réservés", "todos los derechos reservados"),
            *("tutti i diritti riservati", "todos os direitos reservados", "все права защищены"),
            *("alle rechten voorbehouden", "wszelkie prawa zastrzeżone", "tüm hakları saklıdır"),
            *("جميع الحقوق محفوظة", "सर्वाधिकार सुरक्षित"),
        )
    )
    + r")(?=\s*(?:[^\w\s\"'\u00bb\u201c\u201d]|$))"
    # Chinese notices, ending the line or meeting a mark ("版权所有者" is the copyright
    # holder, "版权所有 是指..." a sentence: QA 23 #1).
    + r"|(?:版权所有|版權所有|版权声明|版權聲明)(?=\s*(?:[^\w\s]|$|未经|未經|本网|本網))"
    # Japanese and Korean notices are sentences of their own, ending the line ("無断転載を
    # 禁じます", "무단전재 및 재배포 금지"; sentences open with the same words: QA 23 #1), or
    # open with the (c) of "<저작권자(c) 연합뉴스, ...>" ("저작권자" alone opens sentences:
    # QA 22 #1).
    + r"|無断(?:転載|複製)(?:[・、]|及び)?(?:転載|複製)?(?:を禁じます|を禁ず|禁止)\W*$"
    # The Korean notice alone, or after the site's mark ("저작권자: 뉴스1 ...", "ⓒ 한겨레신문
    # : ..."), not after other words: "▲ 언론 기사 무단전재·재배포 금지" is a list item (QA 24 #2).
    + r"|(?:.{0,40}(?:저작권자|\(c\)|©|\bc\b).{0,40})?"
    + r"무단 ?전재[ \-및·,]*재배포(?:를)? ?금지(?:합니다)?\W*$"
    + r"|'?저작권자 ?(?:\(c\)|c\b|©))"  # "‹" folds to "'"
)


def _rights_elsewhere(canon: str) -> bool:
    """Return True when `canon` holds a notice of `_RIGHTS_ELSEWHERE` (the ASCII ones hold
    one of the four words tested first: "rechte" is in the Dutch "rechten" too)."""
    return (
        not canon.isascii()
        or "rechte" in canon
        or "derechos" in canon
        or "diritti" in canon
        or "direitos" in canon
    ) and _RIGHTS_ELSEWHERE.search(canon) is not None


# How every match of _FOOTER_ANCHORED starts.
_FOOTER_STARTS = (
    *("published by", "\u00a9", "(c)", "copyright", "this article ", "this story "),
    "a version of this ",
)


# A copyright notice names its mark or year first ("Copyright 2024 ...", "(c) ..."); a
# sentence of the story may open with the word ("Copyright holders have long argued ...").
_COPYRIGHT_NOTICE = re.compile(r"^(©|\(c\)|copyright\s*(©|\(c\)|(19|20)\d\d\b))")
# ... or its owner by name ("Copyright Thomson Reuters."): a sentence goes on in lower case.
_COPYRIGHT_NOUN = re.compile(r"^\W*[Cc]opyright\s+[a-z]")


def _is_footer(f: _Features) -> bool:
    if f.words > 60:
        return False
    if _rights_elsewhere(f.canon):
        return True
    if not f.canon.startswith(_FOOTER_STARTS) and "reserved" not in f.canon:
        return False
    if (
        f.canon.startswith("copyright")
        and "reserved" not in f.canon
        and not _COPYRIGHT_NOTICE.search(f.canon)
        and _COPYRIGHT_NOUN.match(f.raw)
        and _tells_news(f)
    ):
        return False  # "Copyright infringement claims rose sharply last year, ..."
    if "reserved" not in f.canon:  # what the one unanchored footer pattern needs
        return any(p.search(f.canon) for p in _FOOTER_ANCHORED)
    return any(p.search(f.canon) for p in FOOTER_PATTERNS)


# "More from <section>" in other languages ("Mehr aus Politik", "Weitere Artikel zum Thema").
_MORE_FROM = re.compile(
    r"^(mehr (aus|zu|zum|zur|von)|weitere (artikel|meldungen|nachrichten)|autres articles"
    r"|plus d'articles|más noticias|altre notizie|mais notícias|meer nieuws|meer over"
    r"|другие новости|ещё новости|еще новости)\b"
)


def _is_related_heading(f: _Features) -> bool:
    if f.canon.rstrip(":").strip() in RELATED_HEADINGS:
        return True
    if f.words > 5 or f.ends_sentence or _MORE_FROM.match(f.canon) is None:
        return False
    # A section's name follows ("Mehr aus Politik"), not a verb or a pronoun ("Mehr zu
    # tun", "Mehr von allem": QA 29 #6).
    words = f.raw.split()
    return len(words) > 2 and (words[2][:1].isupper() or not words[2][:1].isalpha())


# How every match of CREDIT_PATTERNS starts.
_CREDIT_STARTS = (
    *("photo", "pic", "image", "credit", "video", "graphic", "(photo", "(image", "(pic", "slide"),
    "crédit",
    *("getty images", "afp", "ap", "reuters", "epa", "shutterstock", "file photo"),
)


def _is_credit(f: _Features) -> bool:
    if f.canon in WIRE_CREDITS:
        return True
    return (
        f.words <= 12
        and f.canon.startswith(_CREDIT_STARTS)
        and (
            any(p.search(f.canon) for p in CREDIT_PATTERNS)
            or (_credit_length(f) and CREDIT_SOURCE.search(f.canon) is not None)
            or (BARE_CREDIT.search(f.canon) is not None and _names_only(f.raw))
        )
    )


def _tail(canon: str) -> int:
    return max(0, len(canon) - TAIL_REACH)


# How every match of CAPTION_PATTERNS[0] starts.
_CAPTION_STARTS = ("in this ", "file photo:", "pictured:")


def _is_caption(f: _Features) -> bool:
    if f.words > 80:
        return False
    canon = f.canon
    # Each pattern needs a literal first: skip the regex when the literal is absent.
    if canon.startswith(_CAPTION_STARTS) and CAPTION_PATTERNS[0].search(canon):
        return True
    if "photo" in canon and CAPTION_PATTERNS[1].search(canon):
        return True
    tail = _tail(canon)
    return bool(
        ("via " in canon and CAPTION_TAILS[0].search(canon, tail))
        or ("/" in canon and CAPTION_TAILS[1].search(canon, tail))
    )


# Every branch of CREDIT_TAIL holds one of these words.
_CREDIT_WORDS = ("image", "photo", "pic", "credit")


def _is_credit_tail(f: _Features) -> bool:
    if f.words > 60:
        return False
    canon = f.canon
    tail = _tail(canon)
    end = canon[tail:] if tail else canon
    # The four words of _CREDIT_WORDS, as substring tests (cheaper than any(), or a regex).
    if not ("image" in end or "photo" in end or "pic" in end or "credit" in end):
        return False
    found = CREDIT_TAIL.search(canon, tail)
    if found is None:
        return False
    if _CREDIT_WORD.fullmatch(found.group(0).lstrip()) is None:
        return True
    # Only the bare "credit(s):" branch: a name follows it ("Credit: iStock", "Credits:
    # supplied", "Credit: courtesy of the family"), not a sentence going on to its full
    # stop ("... child tax credits: worth up to 545 pounds a year.").
    found_raw = list(_CREDITED.finditer(f.raw))
    if not found_raw:
        return True
    after = f.raw[found_raw[-1].end() - 1 :].split()
    going_on = after[0][:1].islower() and len(after) >= 3 and f.raw.rstrip().endswith(".")
    return not going_on


def _is_related_link(f: _Features) -> bool:
    # RELATED_PREFIX needs a colon.
    return f.words <= 30 and ":" in f.canon and bool(RELATED_PREFIX.search(f.canon))


_COMMA = re.compile(r",\s")
_PUNCTUATION = re.compile(r"[^\w\s]")


def _is_tag_list(f: _Features) -> bool:
    """A keyword list: many short comma-separated items, or many words, no punctuation and
    hardly a function word."""
    if f.ends_sentence:
        return False
    if _COMMA.search(f.canon):
        items = [p.strip() for p in _COMMA.split(f.canon)]  # not "3,376,000"
        if len(items) >= 5 and all(0 < len(p.split()) <= 4 for p in items):
            return True
    if f.words < 20 or _PUNCTUATION.search(f.canon):
        return False
    # A sentence run on without a stop ("... said it plans to file a registration statement
    # with the securities and exchange commission for ...") is held together by function
    # words; a list of tags has next to none.
    words = f.canon.split()
    return 10 * sum(w in FUNCTION_WORDS for w in words) < len(words)


_DIGIT = re.compile(r"\d")
_DATE_STARTS = (
    *("mon", "tues", "wednes", "thurs", "fri", "satur", "sun"),
    *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    *("published", "updated", "posted", "last updated"),
)


def _is_date(f: _Features) -> bool:
    # Every date pattern starts with a digit, a colon or a word of _DATE_STARTS, and needs
    # a digit; so does every stamp of another language (`datewords.is_stamp`: "Veröffentlicht
    # am 12.03.2025, 14:35 Uhr", "Publié le 12 mars 2025 à 14h35", "2025年3月12日 14:35").
    # (`is_stamp` reads the first word before it looks for a digit: most lines stop there.)
    canon = f.canon
    if f.words > DATE_STAMP_MAX_WORDS:
        return False
    english = canon[:1].isdecimal() or canon[:1] == ":" or canon.startswith(_DATE_STARTS)
    if (
        english
        and f.words <= 10
        and _DIGIT.search(canon) is not None
        and any(p.search(canon) for p in DATE_PATTERNS)
    ):
        return True
    return is_stamp(canon)


def _is_byline(f: _Features) -> bool:
    return f.words <= 10 and not f.ends_sentence and bool(BYLINE_PATTERN.match(f.canon))


# Bylines and staff lines of other languages, and of English under a label: "Von Anna Müller",
# "Par Jean Dupont et Marie Curie", "Por Juan Pérez", "Door Jan de Vries", "Redaktion: Peter
# Schmidt", "Editor: Peter Smith", "Автор: Иван Петров", "编辑：张三", "记者 李四". Every word
# after the marker must be a name (`_names_only`, joined by "and" in any language), so "Von
# Kiew nach Berlin" is a subheading.
BYLINE_MARKERS = frozenset({"von", "par", "por", "di", "door", "av", "af", "od"})
_STAFF_LABEL = re.compile(
    r"^(autor|autorin|autoren|auteur|auteurs|autora|autore|redaktion|rédaction|redacción"
    r"|redazione|redactie|redakteur|redakteurin|editor|editors|editora|author|authors|text"
    r"|texto|testo|reporter|reportage|bearbeitung|автор|авторы|редактор|текст)"
    r"\s*:\s*(?=\S)"
)
# The label with its colon, or in brackets ("【责任编辑:王明】", "(责编：张三、李四)"): a line
# that merely opens with the word is a subheading ("记者手记", "文旅融合激发消费活力",
# "글로벌 공급망 재편 대응": QA 29 #3).
_CJK_LABELS = r"(作者|编辑|责任编辑|责编|编者|记者|通讯员|撰文|来源|記者|編集|기자|편집)"
_CJK_STAFF = re.compile(
    rf"^(?:[【\[(（]{_CJK_LABELS}\s*[:：][^】\])）]{{1,30}}[】\])）]"
    rf"|{_CJK_LABELS}\s*[:：]\s*[^\s。！？.!?:：]{{1,20}}(?:\s+[^\s。！？.!?:：]{{1,20}}){{0,3}})$"
)
_NAME_JOINS = frozenset({"und", "et", "y", "e", "en", "and", "og", "och", "i", "и", "&", "/"})
FOREIGN_BYLINE_WORDS = 8


def _is_foreign_byline(f: _Features) -> bool:
    if f.words > FOREIGN_BYLINE_WORDS:
        return False
    if not f.raw.isascii() and _CJK_STAFF.match(f.raw.strip()) is not None:
        return True
    if f.ends_sentence:
        return False
    words = f.raw.replace(",", " ").split()
    if not words:
        return False
    if words[0].lower() in BYLINE_MARKERS:
        # Italian writes "di Mario Rossi" ("Di Maio e Conte" is a subheading); a name that
        # opens with a particle is a surname ("Von der Leyen"); one word is an agency in
        # capitals ("Door ANP"), not "Door Corona" (QA 29 #6).
        if words[0] == "Di" or (len(words) > 1 and words[1] in _NAME_PARTICLES):
            return False
        names = words[1:]
        if len(names) == 1 and not (names[0].isupper() or names[0] in _LOWER_AGENCIES):
            return False
    else:
        label = _STAFF_LABEL.match(f.canon)
        if label is None:
            return False
        names = f.raw[f.raw.index(":") + 1 :].replace(",", " ").split()
    return bool(names) and _names_only(" ".join(["-", *[w for w in names if w not in _NAME_JOINS]]))


# Comment counts and prompts, and share and print links, of other languages: "12 Kommentare",
# "Kommentare (4)", "Jetzt kommentieren", "Artikel teilen", "Partager sur Facebook".
_FOREIGN_COMMENTS = re.compile(
    r"^\W*(\d+\s+)?(kommentare?|commentaires?|comentarios?|commenti|commento|comentários?"
    r"|reacties|reactie|reacciones|yorum(lar)?|комментари[йяеи]в?|评论|評論|コメント|댓글)"
    r"\s*(\(\d+\)|\d+)?\W*$"
)
FOREIGN_COMMENT_PROMPTS = frozenset(
    canonicalize(prompt)
    for prompt in (
        *("Kommentar schreiben", "Jetzt kommentieren", "Kommentieren", "Kommentare anzeigen"),
        *("Laisser un commentaire", "Ajouter un commentaire", "Réagir", "Commenter"),
        *("Deja un comentario", "Deja tu comentario", "Comentar", "Ver comentarios"),
        *("Lascia un commento", "Commenta", "Deixe um comentário", "Deixe seu comentário"),
        *("Comente", "Reageer", "Plaats een reactie", "Оставить комментарий"),
        *("Комментарии", "发表评论", "我要评论", "コメントする", "댓글 쓰기", "댓글쓰기"),
    )
)
_FOREIGN_SHARE = re.compile(
    r"^(artikel |beitrag |seite )?(teilen|partager|compartir|condividi|compartilhe|compartilhar"
    r"|delen|поделиться|分享|分享到|シェア|공유하기|drucken|imprimer|imprimir|stampa|afdrukken)"
    r"( (cet article|l'article|el artículo|l'articolo|dit artikel|o artigo|este artículo))?"
    r"( (auf|sur|en|su|no|op|via|в|по) (facebook|twitter|x|whatsapp|linkedin|telegram|e-?mail"
    r"|messenger|pinterest|reddit|xing|threads|bluesky|вконтакте|vk))?\W*$"
)
# A page's reading tools: "Temps de lecture : 3 min", "Ouvir o texto", "小字号", "【纠错】".
FOREIGN_TOOLS = frozenset(
    canonicalize(tool)
    for tool in (
        *("Artikel anhören", "Vorlesen", "Écouter cet article", "Écouter l'article"),
        *("Escuchar", "Escuchar artículo", "Ascolta", "Ascolta l'articolo", "Ouvir o texto"),
        *("Ouvir", "Luister", "Deel artikel", "Deel artikel:", "Google News ile Abone Ol"),
        *("小字号", "大字号", "中字号", "字号", "打印", "纠错", "【纠错】", "分享让更多人看到"),
        *(
            "글자크기",
            "글자 크기",
            "기자 페이지",
            "기자페이지",
            "프린트",
            "스크랩",
            "Haberin Devamı",
        ),
        *("Diminuir fonte", "Aumentar fonte", "Добавить в избранное", "Версия для печати"),
    )
)
_READ_TIME = re.compile(
    r"^(lesezeit|temps de lecture|tiempo de lectura|tempo di lettura|tempo de leitura"
    r"|leestijd|okuma süresi|время чтения)\s*:?\s*\d+\s*(min|minuten|minutes|minutos|minuti|мин)"
    r"|^\d+\s*(min|minuten|minutes|minutos|minuti)\.?\s*(de lecture|lesezeit|de lectura"
    r"|di lettura|de leitura|leestijd|lezen)\W*$|^字体\s*:"
)


def _is_foreign_comments(f: _Features) -> bool:
    if f.words > 4:
        return False
    if f.canon in FOREIGN_COMMENT_PROMPTS:
        return True
    return _DIGIT.search(f.canon) is not None and _FOREIGN_COMMENTS.match(f.canon) is not None


def _is_foreign_share(f: _Features) -> bool:
    if f.words > 6:
        return False
    canon = f.canon
    return (
        canon in FOREIGN_TOOLS
        or _FOREIGN_SHARE.match(canon) is not None
        or _READ_TIME.match(canon) is not None
    )


# "Keith Bradsher contributed reporting from Hong Kong.", "Associated Press writer Jane Doe
# contributed to this report.": the credits under a story, which its copies on other sites
# carry with other names or not at all.
CONTRIBUTOR_WORDS = 30
_CONTRIBUTOR = re.compile(
    r"\bcontributed( (additional|further))? "
    r"(reporting|research|to (this|the) (report|story|article))"
    r"|^\(?(additional |further )?(reporting|editing|writing) by\b"
)


def _is_contributor(f: _Features) -> bool:
    """Return True for a line crediting contributors: "Reporting by Jane Doe; Editing by
    John Smith", "Additional reporting by agencies", "Jane Doe contributed reporting from
    Bangkok, and Ann Lee from Hong Kong." Not a sentence of the story that goes on to
    report, past the phrase ("Mr Frost, who contributed to the report, said it was ...",
    "Reporting by the Guardian last year revealed the payments.")."""
    if f.words > CONTRIBUTOR_WORDS or not ("contributed" in f.canon or " by " in f.canon):
        return False
    if _CONTRIBUTOR.search(f.canon) is None:
        return False
    # Read on the raw line, in lower case only: "Associated Press", "United Press" are names.
    start = _CREDITING.search(f.raw)
    return start is None or _REPORTED_PAST_LOWER.search(f.raw, start.end()) is None


# Where a credit names its contribution, on the raw line ("... contributed", "... by").
_CREDITING = re.compile(r"\b(contributed|[Bb][Yy])\b")


_NAV_SEPARATOR = re.compile(r"[>»|/•·]")
_NAV_SPLIT = re.compile(r"\s*(?:>|»|\||/|•|·)\s*")


def _is_navigation(f: _Features) -> bool:
    if not f.canon:
        return False
    if f.canon in NAV_WORDS:
        return True
    # Breadcrumbs and menus: separators between short items ("Home > World > Asia").
    # Three items need two separators.
    first = _NAV_SEPARATOR.search(f.canon)
    if first and _NAV_SEPARATOR.search(f.canon, first.end()):
        parts = [p.strip() for p in _NAV_SPLIT.split(f.canon) if p.strip()]
        if len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts):
            return True
    # A teaser link cut short: "Homeworld asiaRussian foreign minister dismisses ... to...",
    # or a widget's excerpt ("Oil prices rose on Monday. Brent crude futures were up 50
    # cents at..."). A story's own sentence that trails off is lost with them (QA 12a): an
    # exemption for lines holding a sentence break let the excerpts through, and two briefs
    # under one "Latest news" widget became copies (QA 13a).
    return f.words <= 25 and f.raw.rstrip().endswith(("...", "\u2026"))


# Rules applied to each line alone, in order: the first that fires names the reason. Specific
# phrases come before shapes, so "Sign up now: ..." is a newsletter blurb, not a comment prompt.
LINE_RULES: tuple[tuple[str, Callable[[_Features], bool]], ...] = (
    ("advertisement", _is_ad),
    ("paywall", _is_paywall),
    ("newsletter", _is_newsletter),
    ("comments", _is_comments),
    ("comments", _is_foreign_comments),
    ("share", _is_share),
    ("share", _is_foreign_share),
    ("cookie", _is_cookie),
    ("footer", _is_footer),
    ("related", _is_related_heading),
    ("related", _is_related_link),
    ("credit", _is_credit),
    ("caption", _is_caption),
    ("caption", _is_credit_tail),
    ("date", _is_date),
    ("byline", _is_byline),
    ("byline", _is_contributor),
    ("byline", _is_foreign_byline),
    ("navigation", _is_navigation),
    ("navigation", _is_tag_list),
)


def _first_rule(f: _Features) -> str | None:
    """Return the name of the first rule of LINE_RULES that fires, or None."""
    for name, rule in LINE_RULES:
        if rule(f):
            return name
    return None


# A related-links block: short headline lines after a heading, up to the next prose line.
_HEADLINE_WORDS = 20
_PROSE_WORDS = 12  # ... ending a sentence
_RUN_ON_WORDS = 25  # ... not ending one


def _is_prose(f: _Features) -> bool:
    return _reads_as_prose(f.words, f.ends_sentence)


def _reads_as_prose(words: int, ends_sentence: bool) -> bool:
    return words >= _RUN_ON_WORDS or (words >= _PROSE_WORDS and ends_sentence)


def _is_headline(f: _Features) -> bool:
    """A line that may be a headline or a link: short, no sentence, and not broken off on a
    function word ("Shearson Lehman Brothers, a unit of": the first line of a paragraph)."""
    return 0 < f.words <= _HEADLINE_WORDS and not f.ends_sentence and not _breaks_off(f.canon)


def _breaks_off(canon: str) -> bool:
    end = canon.rsplit(None, 1)[-1] if canon else ""
    return end in FUNCTION_WORDS or canon.endswith(",")


# A run of this many headline-like lines of at least TEASER_WORDS words inside the text is a
# list of links to other stories (seed 000 has one mid-body, with no heading above it).
TEASER_RUN = 2
TEASER_WORDS = 1


def _links_out(f: _Features) -> bool:
    """Return True when a headline-like line (`_is_headline`) reads as a link to another
    story: a teaser."""
    if f.words < TEASER_WORDS:
        return False
    # A row of figures ("Revs 291.8 mln vs 151.1 mln") is a table in the article, not a link.
    tokens, digits = _word_digit_counts(f.canon)
    # A line that starts in lower case goes on from the line above: running text, no link.
    starts_lower = f.raw.lstrip()[:1].islower()
    return 5 * digits < 2 * tokens and not starts_lower


def _split_lines(text: str) -> list[str]:
    if "\r" not in text:  # most texts: no line to trim
        return text.split("\n")
    return [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]


# Words of prose that must come before a comment section can start (a "Comments" link in the
# menu above the article opens nothing).
COMMENTS_AFTER_WORDS = 50


def _mark_comment_section(
    units: list[_Unit], reasons: list[str | None], nonblank: list[int]
) -> None:
    """Drop everything from the start of the reader comments to the end of the text."""
    # Only a comment heading, opener or prompt starts the section or is dropped as a bare link.
    if not any([u.comment for u in units]):  # a blank line is none
        return
    prose_words = 0
    for pos, i in enumerate(nonblank):
        u = units[i]
        if prose_words >= COMMENTS_AFTER_WORDS and _opens_comments(units, reasons, nonblank, pos):
            # Repeats inside the section are comments too ("Reply", a commenter named
            # twice): on a page, the gentle rule set would give a "repeated" line back.
            for j in nonblank[pos:]:
                if reasons[j] is None or reasons[j] == "repeated":
                    reasons[j] = "comments"
            return
        if reasons[i] is None and u.comment_heading and u.f.words <= 3:
            reasons[i] = "comments"  # a bare "Comments" link inside the article
        if reasons[i] is None and u.prose:
            prose_words += u.f.words


# A bare "Comments" heading opens the comments unless article prose stands on both sides of
# it; a commenter's line or a comment prompt within this many lines confirms it anyway.
COMMENT_CONFIRM_LINES = 8
_COUNTED = re.compile(r"^\W*[1-9]\d*\s+(comments?|responses?|replies|thoughts|reactions)\b")
# A count alone ("34 comments", "12 replies so far"), or one naming the post in quotes as
# WordPress does ('3 responses to "Story"'), heads the comments by itself; a count that goes
# on ("3 responses from business groups") is a subheading of the story unless commenters
# follow.
_COUNT_ALONE = re.compile(_COUNTED.pattern + r"(\s+so far)?\W*$")
# 'on "Story"', "on this story", "to Labour plans maternity pay rise": a count of comments,
# responses, replies or thoughts to or on a post, not a lead-in (no colon at the end).
_COUNT_OF_POST = re.compile(
    r"^\W*[1-9]\d*\s+(comments?|responses?|replies|thoughts)\s+(to|on)\s+[^:]*[^:\s]$"
)
# The time a comment was posted, just before the verb: "Dave on March 3, 2024 at 6:34 am
# said:", "alice 12/03/2024 says:". A date elsewhere on the line belongs to the story
# ("Speaking on 12 January 2005, Ms Hewitt said:").
# The date of a comment: "March 3, 2024", "3 March 2024", "2024-03-03", "03/03/24".
_POSTED_DATE = (
    rf"{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}|\d{{4}}-\d\d-\d\d"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
)
_COMMENT_STAMP = re.compile(
    rf"(\d{{1,2}}[:.]\d\d(\s*[ap]\.?m\.?)?|{_POSTED_DATE})\W*(says|said|wrote|writes)\s*:\s*$"
)
# Who speaks on a commenter's line without a time: a handle of up to three words, with no
# comma, not a phrase of the story ("The leader of the opposition said:", "Mr Howard said:").
_HANDLE_MAX_WORDS = 3
_NOT_HANDLES = frozenset(
    (
        *("the", "a", "an", "in", "on", "at", "as", "when", "speaking", "writing", "asked"),
        *("mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "president", "minister"),
        *("prime", "chancellor", "secretary", "senator", "governor", "chief", "council"),
        *("opposition", "leader", "mayor", "spokesman", "spokeswoman", "professor"),
    )
)


def _opens_comments(
    units: list[_Unit], reasons: list[str | None], nonblank: list[int], pos: int
) -> bool:
    u = units[nonblank[pos]]
    ahead = nonblank[pos + 1 : pos + 1 + COMMENT_CONFIRM_LINES]
    if u.comment_author:
        return _is_commenter(u, units, reasons, ahead)
    if u.comment_opener:
        canon = u.f.canon
        if _COUNT_ALONE.search(canon) or _COUNT_OF_POST.search(canon):
            return True
        # Commenters below confirm it: a "says:" line, or a name over a posting time.
        return any(_is_stamp(units[j]) for j in ahead) or any(
            _is_commenter(units[j], units, reasons, ahead[k + 1 :])
            for k, j in enumerate(ahead)
            if units[j].comment_author
        )
    if not u.comment_heading:
        # A prompt ("Join the conversation", "Have your say", "Comments (14)") heads the
        # comments only right above a commenter's line: with the story's prose between, the
        # section starts at the commenter, as it did before (QA 18: a subheading
        # "Conversation" over four paragraphs and "Operator says:" lost the paragraphs).
        return u.comment_prompt and _commenter_right_below(units, reasons, ahead)
    if any(units[j].comment_author or reasons[j] == "comments" for j in ahead):
        return True
    # A heading with article prose on both sides is a link dropped into the article.
    around = [nonblank[k] for k in (pos - 1, pos + 1) if 0 <= k < len(nonblank)]
    return not (len(around) == 2 and all(reasons[j] is None and units[j].prose for j in around))


def _commenter_right_below(units: list[_Unit], reasons: list[str | None], ahead: list[int]) -> bool:
    """Return True when the first line of `ahead` is a commenter's ("alice says:", as
    `_is_commenter` reads it). Other prompts do not count (a share bar's "Show comments"
    over "Add a comment" is no thread), nor do short names over times: live blogs, Q&As,
    listings, commentary and timelines are laid out so (QA 16a, 17a: taking two such pairs
    for a thread dropped the rest of those stories)."""
    if not ahead:
        return False
    first = units[ahead[0]]
    return first.comment_author and _is_commenter(first, units, reasons, ahead[1:])


def _is_commenter(
    u: _Unit, units: list[_Unit], reasons: list[str | None], ahead: list[int]
) -> bool:
    """Return True when a line ending in "said:" or "says:" names a commenter, not a speaker
    the story quotes ("In a statement, the prime minister said:"): the time it was posted,
    just before the verb ("Alex on May 3, 2018 at 6:34 am said:") or on the next line,
    makes it a comment, whatever follows; else a quotation under it is the story's, and
    when it names a handle ("alice says:"), another handle's line or a comment line close
    below makes it a comment. (Commenters without times who open by quoting are read as
    the story's quotes: the two look alike, and a story's lost quote is worse than a kept
    comment.)"""
    canon = u.f.canon
    # "Dave on March 3, 2024 at 6:34 am said:", "March 3, 2024 at 6:34 am John Smith says:"
    if _COMMENT_STAMP.search(canon) or _STAMP_FIRST.match(canon):
        return True
    if ahead and units[ahead[0]].f.canon.startswith(_QUOTE_OPENERS):
        return False
    if not _is_handle(canon):
        return False
    if ahead and _is_stamp(units[ahead[0]]):  # "alice says:" over "March 3, 2024 at 6:34 am"
        return True
    return any(
        (units[j].comment_author and _is_handle(units[j].f.canon))
        or units[j].comment_heading
        or reasons[j] == "comments"
        for j in ahead
    )


# A line that is only the time a comment was posted: "March 3, 2024 at 6:34 am".
STAMP_MAX_WORDS = 8


def _is_stamp(u: _Unit) -> bool:
    return u.f.words <= STAMP_MAX_WORDS and not u.prose and has_date_or_time(u.f.canon)


# A posting time opening the line: "March 3, 2024 at 6:34 am John Smith says:".
_STAMP_FIRST = re.compile(rf"^({_POSTED_DATE})\b.{{0,40}}\d{{1,2}}[:.]\d\d")


def _is_handle(canon: str) -> bool:
    """Return True when a line may name a commenter without the time of the comment: a
    "says:" or "writes:" line (the present tense comment sections print) naming a short
    handle (up to three words, no comma, not "the", "in", "Mr", "President", ...). A
    "said:" or "wrote:" line is a story's speaker unless a time or a comment heading says
    otherwise ("Tom Jones said:" over a quote that lost its marks in extraction), and so is
    a longer name ("Council leader Tom Jones says:"): a story's lost paragraphs are worse
    than a kept comment (QA 14b; this keeps "Concerned Parent From Leeds says:" too)."""
    who, _, verb = canon.rpartition(" ")
    words = who.split()
    return (
        verb.startswith(("says", "writes"))
        and 0 < len(words) <= _HANDLE_MAX_WORDS
        and "," not in who
        and words[0] not in _NOT_HANDLES
    )


# How a quotation opens, in canonical text (curly quotes fold to ASCII ones).
_QUOTE_OPENERS = ('"', "'")


def _revise(units: list[_Unit], reasons: list[str | None], listed: list[bool] | None) -> None:
    """Let unclear lines follow their neighbours (second pass); edits `reasons` in place.
    `listed` marks the lines of a list the article introduces (`_introduced_lists`; None:
    no line)."""
    nonblank = [i for i, u in enumerate(units) if u.f.canon]
    # Headline lists under a related heading, until a line that is no link: prose, a row of
    # figures, or the byline or date that open an article.
    in_block = False
    for i in nonblank if "related" in reasons else ():
        if reasons[i] == "related":
            in_block = True
            continue
        if in_block:
            if reasons[i] is None and units[i].teaser:
                reasons[i] = "related"
            elif reasons[i] is None or reasons[i] in ("byline", "date"):
                in_block = False
    # The caption just above a photo credit (not above a wire credit such as "Reuters",
    # which follows the last body paragraph, nor above "Image copyright ...", which comes
    # before its caption as the BBC lays them out).
    for pos, i in enumerate(nonblank) if "credit" in reasons else ():
        canon = units[i].f.canon
        if (
            reasons[i] != "credit"
            or canon in WIRE_CREDITS
            or not pos
            or _takes_no_caption(units[i])
        ):
            continue
        above = nonblank[pos - 1]
        if reasons[above] is None and _may_caption(units[above].f):
            # A lede under a dateline on a line of its own ("WASHINGTON (AP) —").
            if pos >= 2 and _bare_dateline(units[nonblank[pos - 2]].f):
                continue
            reasons[above] = "caption"
    _mark_comment_section(units, reasons, nonblank)
    _mark_teaser_runs(units, reasons, listed)


# Credits that take no caption above them: a credit alone in brackets ("(Image: Getty)":
# Reach's sites print it under a body paragraph, and a caption beside it on its own line,
# QA 26 #1), unless it is a formal one ("(Image: © NASA/ESA)", "(Image credit: X)": Future's
# sites print it under its caption); a gallery's counter or link ("Image 1 of 5", "Photo
# gallery: ..."), whose caption comes below.
_GALLERY = re.compile(r"^\W*((photo|image|picture|slide)s? \d+ (of|/)|(photo |image )?gallery\b)")


_FORMAL_CREDIT = re.compile(r"©|\(c\)|\bcredits?\b|\bcopyright\b")


def _takes_no_caption(u: _Unit) -> bool:
    canon, raw = u.f.canon, u.f.raw.strip()
    return (
        canon.startswith(("image copyright", "copyright"))
        or (raw.startswith("(") and raw.endswith(")") and not _FORMAL_CREDIT.search(canon))
        or _GALLERY.match(canon) is not None
        or _is_labelled_caption(u.f.raw)
    )


def _bare_dateline(f: _Features) -> bool:
    """Return True for a line that is a dateline alone ("WASHINGTON (AP) —")."""
    return f.words <= 8 and f.raw.rstrip().endswith(tuple(_DASH + ":)")) and _datelined(f.raw)


# "Image: Patricia Hewitt announced the plans on Sunday" is a caption under its label, not a
# credit naming who took the picture ("Photo: Jane Doe for The New York Times"): it says
# what the picture shows, in words a sentence has in lower case.
_CAPTION_LABEL = re.compile(r"^\W*(image|photo|picture|pic|video)s?\s*:\s*", re.IGNORECASE)
LABELLED_CAPTION_LOWER_WORDS = 3


def _is_labelled_caption(raw: str) -> bool:
    """A caption under its label says what the picture shows, from a capital ("Image:
    Patricia Hewitt announced the plans on Sunday"); "Photo: courtesy of the family",
    "Picture: supplied by the family via PA" credit it."""
    m = _CAPTION_LABEL.match(raw)
    if m is None:
        return False
    words = raw[m.end() :].split()
    if not words or not words[0][:1].isupper():
        return False
    return sum(1 for w in words if w[:1].islower()) >= LABELLED_CAPTION_LOWER_WORDS


def _mark_teaser_runs(
    units: list[_Unit], reasons: list[str | None], listed: list[bool] | None
) -> None:
    """Drop the runs of two or more kept headline-like lines (teasers) below the first kept
    prose line: a link list. A run is broken by any other non-blank line; the lines of an
    introduced list (`listed`) are no teasers."""
    n = len(units)
    # The body starts at the first kept prose line (a teaser is never prose, so no run
    # forms above it).
    start = next((i for i, u in enumerate(units) if u.prose and reasons[i] is None), n)
    teasers = [
        i
        for i in range(start + 1, n)
        if units[i].teaser and reasons[i] is None and not (listed and listed[i])
    ]
    run: list[int] = []
    for i in teasers:
        # Two teasers are in one run when only blank lines lie between them.
        if run and any([u.f.canon for u in units[run[-1] + 1 : i]]):
            if len(run) >= TEASER_RUN:
                for j in run:
                    reasons[j] = "related"
            run = []
        run.append(i)
    if len(run) >= TEASER_RUN:
        for j in run:
            reasons[j] = "related"


# A caption is a sentence or two; a photo credit under a body paragraph (a photo without a
# caption) must not take the paragraph with it. Beyond this many words, a line of more than
# one sentence is a paragraph.
CAPTION_WORDS = 40
CAPTION_MAX_WORDS = 60
_SENTENCE_BREAK = re.compile(r"[.!?][\"')\]]? +[A-Z]")


# A lede's dateline: "München (dpa) -", "WASHINGTON (Reuters) -", "LONDON (AP) —".
# The brackets name the agency ("(Reuters, AP)", "(FOX 13)", "(Press Trust of India)",
# "(dpa-AFX)", "(epd)", "(Q13 FOX)", "(U.S. Army)", "(Télam)"), not who is where in a photo:
# they open with no position word ("(left to right)", "(Second Left)", "(background)", "(2nd
# L)", "(File Photo)", "(with umbrella)"), no lone position letter or party tag ("(R)",
# "(L-R)", "(2L)", "(D-Calif.)"), and name no side or picture anywhere ("(at left)",
# "(sitting, from left)", "(von links)", "(courtesy photo)", "(AP Photo)"). QA 22 #3, 23 #2,
# 24 #3, 25 and 26 #3, #4 tried narrower and wider forms; each lost ledes or kept captions.
_CAPTION_BRACKET = re.compile(
    r"\s*(?:from\b|(?:left|right|centre|center|pictured|above|below|top|bottom|inset|file"
    r"|archive|clockwise|second|third|fourth|far|front|back|middle|main|foreground|background"
    r"|seated|standing|in|with|seen|photo|picture|image|\d+(?:st|nd|rd|th))\b"
    r"|\d*\s*-?\s*[lrc](?:\s*[-/,&)]|\s+to\b|\s*$)|[dri]-|de g(?:auche|\.)|v\.\s*l"
    r"|.*\b(?:left|right|links|rechts|gauche|droite|izquierda|derecha|pictured|photos?"
    r"|images?|rear|kneeling|circled|insert)\b)",
    re.IGNORECASE,
)
# The bracket may follow another ("Mumbai (Maharashtra) [India], March 4 (ANI):"), and the
# lede may follow it without a dash when it opens with a capital ("New Delhi, Mar 4 (PTI) The
# ...", "Washington (CNN)President ...") or after ".-" ("Madrid, 4 mar (EFE).- El ...").
_DASH = "-–—―−‒"
_DATELINE_OPEN = re.compile(
    r"^[^\w(]*(?:[^\W\d_][^()]{0,100}?)?(?:\(([^()]{1,40})\)[^()]{0,40}?)?\(([^()]{1,40})\)"
    rf"\.?\s*[{_DASH}:]"
)
_DATELINE_UNDASHED = re.compile(r"^[^\w(]*(?:[^\W\d_][^()]{0,100}?)?\(([^()]{1,40})\)\s*")
# "HOUSTON, March 4, 2024 /PRNewswire/ --", "MOSCOW, March 4. /TASS/."
_SLASH_DATELINE = re.compile(
    rf"^[^\W\d_][^/]{{0,100}}/[^\W\d_][^/\s]{{0,30}}(?: [^/\s]+){{0,2}}/\s*(?:\.|[{_DASH}:]|$)"
)
# "LONDON —", "NEW DELHI:", "PARIS, France -": a city in capitals, not Getty's caption form
# ("LONDON, ENGLAND - MARCH 04: ...").
_CITY_DATELINE = re.compile(
    rf"^[A-Z][A-Z.' ]{{2,40}}(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?\s*(?:[{_DASH}]{{1,2}}|:)\s+"
    r"(?![A-Z]{3,9}\.? \d{1,2}\b)"
)


def _datelined(raw: str) -> bool:
    """Return True when `raw` opens with a dateline: an agency in brackets, between
    slashes, or a city in capitals."""
    found = _DATELINE_OPEN.match(raw)
    if found is not None and not any(
        bracket is not None and _CAPTION_BRACKET.match(bracket) is not None
        for bracket in found.groups()
    ):
        return True
    found = _DATELINE_UNDASHED.match(raw)
    if (
        found is not None
        and raw[found.end() : found.end() + 1].isupper()
        and _CAPTION_BRACKET.match(found.group(1)) is None
    ):
        return True
    return _SLASH_DATELINE.match(raw) is not None or _CITY_DATELINE.match(raw) is not None


def _may_caption(f: _Features) -> bool:
    """Return True when the line right above a photo credit may be its caption."""
    if not 0 < f.words <= CAPTION_MAX_WORDS:
        return False
    if _datelined(f.raw):
        return False  # a lede under its dateline (QA 21: "Foto: dpa" took a brief's only one)
    # A caption shows; a sentence that reports who said it ("..., police said.") tells,
    # unless it names the one in the picture ("Jack McConnell, pictured, said ...").
    if f.ends_sentence and _REPORTED.search(f.canon) is not None and "pictured" not in f.canon:
        return False
    return f.words <= CAPTION_WORDS or _SENTENCE_BREAK.search(f.raw) is None


# A dropped line of at most this many words above template prose is a menu item: the prose
# under it is the site's tagline, not a story's lede (`_spare_article`).
MENU_ITEM_WORDS = 3


def _spare_article(words: list[int], prose: list[bool], reasons: list[str | None]) -> None:
    """Give back the prose lines taken as site templates when they hold more words than all
    the lines left, or when they sit right above the article's kept prose (blank lines
    aside), or above a line given back so.

    Templates are furniture around articles, and furniture never outweighs the article. When
    the lines learned as templates hold more prose than the article keeps in all, they are
    the article itself: one story carried by five or more sites, or copies of it, whose lines
    recur through a small corpus as a menu does (dropping them left the copies empty, never
    reported). An article of figures with a recurring comment under it keeps its figures and
    loses the comment. Lines that are no prose (a headline, a byline) stay dropped. Edits
    `reasons` in place.
    """
    taken = left = 0
    for count, is_prose, reason in zip(words, prose, reasons, strict=True):
        if reason == "template" and is_prose:
            taken += count
        elif reason is None:
            left += count
    if taken > left:
        for i, is_prose in enumerate(prose):
            if is_prose and reasons[i] == "template":
                reasons[i] = None
        return
    # Prose taken as a template right above the article's own prose leads into it: the lede
    # of a story that five copies carry (its headline recurs as a menu item does, and the
    # lede sits under it in every copy). Site prose sits among menu lines, or below the
    # article (an "About the company" paragraph, a disclaimer), and stays a template.
    solid = [i for i, n in enumerate(words) if n]  # blank lines skipped
    for k in range(len(solid) - 2, -1, -1):
        i, below = solid[k], solid[k + 1]
        # Under a menu item (a dropped line of a few words) it is the site's own tagline.
        above = solid[k - 1] if k else None
        under_menu = (
            above is not None and reasons[above] is not None and words[above] <= MENU_ITEM_WORDS
        )
        if (
            reasons[i] == "template"
            and prose[i]
            and reasons[below] is None
            and prose[below]
            and not under_menu
        ):
            reasons[i] = None


def _mark_repeats(canons: list[str], reasons: list[str | None]) -> None:
    """Drop later copies of a line already seen in this text (the state lives in the call)."""
    # No line twice (a set of the lines is as long as the list, blank lines aside): most texts.
    blank = canons.count("")
    if len(set(canons)) == len(canons) - blank + (1 if blank else 0):
        return
    seen: set[str] = set()
    for i, canon in enumerate(canons):
        if not canon:
            continue
        if canon in seen and reasons[i] is None:
            reasons[i] = "repeated"
        seen.add(canon)


# A list the article introduces: a kept line ending in a colon ("Among the main items:"),
# then two or more items, each set off by a bullet or a number. Its short lines would read as
# a run of headlines (a link list) and split the body; a menu or a related-links list has
# no such lead-in (or one the named rules drop: "Related stories:").
LIST_MIN_ITEMS = 2
LEAD_IN_MAX_WORDS = 25
_BULLET_MARK = re.compile(r"\s*(?:[-*\u2022\u00b7\u2013\u2014\u25aa\u25e6\u25cf]|\d{1,2}[.)])\s+")
_BULLET = re.compile(_BULLET_MARK.pattern + r"\S")  # a mark with an item after it
_NEUTRAL = Shape(0.0, 0.0, False, True)  # what the body detector makes of a blank line


def _may_lead_in(f: _Features) -> bool:
    """Return True when a line ending in a colon may introduce a list: short, and neither
    speaking to the reader ("You may also like:") nor calling to act ("Read more:"). In a
    paragraph, its last sentence is the lead-in ("... grew 6.9% in 2004. In his budget Mr
    Chidambaram has:")."""
    canon = f.canon
    if f.words > LEAD_IN_MAX_WORDS:
        breaks = [m.end() - 1 for m in _SENTENCE_BREAK.finditer(f.raw)]
        if not breaks:
            return False
        canon = canonicalize(f.raw[breaks[-1] :])
        if len(canon.split()) > LEAD_IN_MAX_WORDS:
            return False
    return _READER.search(canon) is None and not canon.startswith(_CALLS)


def _list_fragment(raw: str) -> bool:
    """An item of a list the story runs into: it goes on in lower case or with a figure
    ("- a hiring freeze in city hall", "- 120 million dollars ..."), or ends as a clause
    does; a headline of a link list starts with a capital and stops bare."""
    item = _BULLET_MARK.sub("", raw, count=1).strip()
    return item[:1].islower() or item[:1].isdigit() or item.endswith((".", ";", ",", ":"))


def _introduced_lists(units: list[_Unit], reasons: list[str | None]) -> list[bool] | None:
    """Return, per line, whether it is the lead-in or an item of an introduced list; None
    when no line is (most texts)."""
    listed: list[bool] | None = None
    n = len(units)
    for i, u in enumerate(units):
        if not (u.lead_in and reasons[i] is None):  # `_Unit.lead_in`: a colon at the end...
            continue
        items: list[int] = []
        j = i + 1
        while j < n:
            raw = units[j].f.raw
            if not raw.strip():
                j += 1
                continue
            if reasons[j] is not None or not _BULLET.match(raw):
                break
            # "- Man arrested after Edinburgh crash" under a heading is a link; under the last
            # sentence of a paragraph of the story ("Main points of the plan:"), an item.
            if not (units[i].prose or _list_fragment(raw)):
                items = []
                break
            items.append(j)
            j += 1
        if len(items) >= LIST_MIN_ITEMS:
            if listed is None:
                listed = [False] * n
            for k in (i, *items):
                listed[k] = True
    return listed


# Dropped lines that sit inside articles (an ad marker, a photo and its credit, a share bar):
# they must not split the body the way a menu or a link list does.
INLINE_REASONS = frozenset(
    {"advertisement", "caption", "credit", "share", "newsletter", "paywall", "repeated"}
)


def _mark_outside_body(
    units: list[_Unit], reasons: list[str | None], listed: list[bool] | None
) -> None:
    """Drop the lines that lie outside the main body, when a body is found. The lines of a
    list the article introduces (`listed`) neither make the body nor split it."""
    shapes = [u.shape for u in units]
    if listed is not None:
        shapes = [_NEUTRAL if flag else s for s, flag in zip(shapes, listed, strict=True)]
    inside = body_lines(
        shapes, [r is None for r in reasons], interruptions=[r in INLINE_REASONS for r in reasons]
    )
    if inside is None:
        # Too short for a body (a teaser: a headline over a sentence or two). Its headline is
        # named all the same, as it is above the full story's body: else the teaser's text
        # differs from the story it opens by its headline, which is most of a short text.
        title = _teaser_title(units, reasons)
        if title is not None:
            reasons[title] = "title"
        return
    inside = _with_lede(units, reasons, _with_lead_ins(units, reasons, inside))
    inside = _with_closing_lines(units, reasons, inside, listed)
    titles = _title_lines(units, reasons, inside)
    for i, flag in enumerate(inside):
        if not flag and reasons[i] is None:
            reasons[i] = "outside-body"
    if "repeated" in reasons:
        _keep_repeated_lede(units, reasons, inside)
    _keep_interview(units, reasons, inside)
    # The headline is named, not kept: the benchmark's bodies leave it out, and copies of one
    # story on two sites often carry two different headlines.
    for i in titles:
        reasons[i] = "title"


def _last_body_line(inside: tuple[bool, ...]) -> int:
    """Return the index of the body's last line (`inside` holds at least one)."""
    return len(inside) - 1 - inside[::-1].index(True)


# An interview's questions and answers: "Q: Where did you grow up?", "A. In Leeds."
_QA_LINE = re.compile(r"^\s*[QA]\s*[:.]\s+\S")
INTERVIEW_MIN_LINES = 2


def _keep_interview(
    units: list[_Unit], reasons: list[str | None], inside: tuple[bool, ...]
) -> None:
    """Keep the short questions and answers that end an interview ("Q: Favorite apps?" /
    "A: Bleacher Report, Uber Eats"): when the body holds questions and answers, the run
    of them right after it is the article's too, though alone each reads as a menu item."""
    asked = [u for u, flag in zip(units, inside, strict=True) if flag and _QA_LINE.match(u.f.raw)]
    if len(asked) < INTERVIEW_MIN_LINES:
        return
    # From the body's last line on, while every line is a question or an answer (blank
    # lines aside): a heading ("Most read") or any other line ends the interview, and the
    # "Q:" links under it are a menu (QA 13a).
    last = _last_body_line(inside)
    for i in range(last + 1, len(units)):
        if not units[i].f.canon:
            continue
        if not _QA_LINE.match(units[i].f.raw):
            break
        if reasons[i] in ("outside-body", "navigation"):
            reasons[i] = None


def _keep_repeated_lede(
    units: list[_Unit], reasons: list[str | None], inside: tuple[bool, ...]
) -> None:
    """Keep the body's first sentence when a page also shows it above the body (a
    standfirst): the copy above goes as outside the body, the one in the body went as a
    repeat, and the lede was lost. A repeated line of prose in the body, or right above it
    (blank lines aside), whose other copies all went as outside the body, is kept."""
    first = inside.index(True)
    last = _last_body_line(inside)
    kept = {u.f.canon for u, r in zip(units, reasons, strict=True) if r is None}
    # Lines whose copies above the body went as outside it, and nothing else (not a
    # headline shown twice: its first copy is named the title).
    above: dict[str, bool] = {}
    for u, r in zip(units, reasons, strict=True):
        if r is not None and r != "repeated":
            above[u.f.canon] = above.get(u.f.canon, True) and r == "outside-body"
    for i, u in enumerate(units):
        if i > last or reasons[i] != "repeated" or u.f.canon in kept:
            continue
        if not above.get(u.f.canon):
            continue
        # A sentence, as `_with_lede` takes one: not a headline shown twice.
        if u.shape.lower_share < LEDE_LOWER_SHARE or not u.f.canon.rstrip(CLOSERS).endswith("."):
            continue
        if not (u.prose or u.f.words >= LEDE_WORDS):
            continue
        if i < first and any(units[j].f.canon for j in range(i + 1, first)):
            continue
        reasons[i] = None
        kept.add(u.f.canon)


# A one-sentence lede: at least this many words (prose needs PROSE_WORDS), and this share
# of them after the first in lower case (a promo line or a caption has fewer: "More from
# BBC Yorkshire on Facebook and Twitter.", "Leeds City Council's headquarters in ...").
LEDE_WORDS = 7
LEDE_LOWER_SHARE = 0.5


def _with_lede(
    units: list[_Unit], reasons: list[str | None], inside: tuple[bool, ...]
) -> tuple[bool, ...]:
    """Take into the body the kept sentence right above it (blank lines aside), too short to
    count as prose: a one-sentence lede full of names ("Tottenham manager Jacques Santini
    has resigned for "personal reasons".") under the headline."""
    try:
        first = inside.index(True)
    except ValueError:
        return inside
    solid = [i for i in range(first) if units[i].f.canon]
    # The nearest line above, ending on a full stop, and not the text's first (a headline).
    if len(solid) < 2 or reasons[solid[-1]] is not None:
        return inside
    above = solid[-1]
    s = units[above].shape
    if s.words < LEDE_WORDS or s.lower_share < LEDE_LOWER_SHARE:
        return inside
    if not units[above].f.canon.rstrip(CLOSERS).endswith("."):
        return inside
    grown = list(inside)
    grown[above] = True
    return tuple(grown)


def _teaser_title(units: list[_Unit], reasons: list[str | None]) -> int | None:
    """Return the headline of a text too short for a body, or None: its first kept line when
    that is headline-like and the kept line below it is a lede (`LEDE_WORDS`+ words, mostly
    lower case, ending on a full stop)."""
    kept = [i for i, u in enumerate(units) if u.f.canon and reasons[i] is None]
    if len(kept) < 2 or not units[kept[0]].headline:
        return None
    below = units[kept[1]]
    s = below.shape
    if s.words < LEDE_WORDS or s.lower_share < LEDE_LOWER_SHARE:
        return None
    if not below.f.canon.rstrip(CLOSERS).endswith("."):
        return None
    return kept[0]


def _with_lead_ins(
    units: list[_Unit], reasons: list[str | None], inside: tuple[bool, ...]
) -> tuple[bool, ...]:
    """Take into the body the kept line right above a stretch of it that breaks off on a
    function word or a comma ("Shearson Lehman Brothers, a unit of"): the first line of
    the paragraph below, too short to count as prose."""
    # The stretches' first lines, found by index() in C: a body is a stretch or three.
    starts = []
    i = 0
    try:
        while True:
            i = inside.index(True, i)
            if i and reasons[i - 1] is None:
                starts.append(i)
            i = inside.index(False, i)
    except ValueError:  # no stretch further on, or none ends before the last line
        pass
    if not starts:
        return inside
    grown = list(inside)
    for i in starts:
        if units[i - 1].f.canon and _breaks_off(units[i - 1].f.canon):
            grown[i - 1] = True
    return tuple(grown)


# A story may end on a short sentence ("He declined to comment further."), too short to
# count as prose ("Shares fell 4% in early trading."): up to this many such lines right
# below the body belong to it.
CLOSING_LINES = 3
CLOSING_MIN_WORDS = 4


# A long closing sentence full of names and tickers ("Shares of Altria Group Inc. <MO.N> rose 5
# percent on the New York Stock Exchange, while ...") has fewer lower-case words than the
# body detector asks of prose; no menu runs this long and ends a sentence.
CLOSING_LONG_WORDS = 20
CLOSING_LONG_LOWER_SHARE = 0.25


_FURNITURE = re.compile(
    r"\bcomments (are|is|will|may)\b|\bmoderat|\bletters to the editor\b|\bnewsletter"
    r"|\bsubscri|\bcookie|\bprivacy\b"
)


def _closes_story(f: _Features, shape: Shape) -> bool:
    """A sentence in running text right below the body, too short or too full of names to
    count as prose, that does not speak to the reader. A quote may be a word long."""
    short = f.words < CLOSING_MIN_WORDS
    if short and not f.canon.startswith('"'):
        return False
    if short:  # a word or two in quotes ("No."): no share of lower case to speak of
        needed = 0.0
    elif f.words >= CLOSING_LONG_WORDS:
        needed = CLOSING_LONG_LOWER_SHARE
    else:
        needed = PROSE_LOWER_SHARE
    return (
        f.canon.endswith((".", '."', ".'"))
        and shape.lower_share >= needed
        and _READER.search(_unquoted(f.canon)) is None
        and not f.canon.startswith(_CALLS)
        # No word of the site's furniture ("Reader comments are moderated.") and no
        # address ("Contact the reporter at jsmith@herald.co.uk.").
        and _FURNITURE.search(f.canon) is None
        and "@" not in f.canon
        and "http" not in f.canon
    )


def _with_closing_lines(
    units: list[_Unit],
    reasons: list[str | None],
    inside: tuple[bool, ...],
    listed: list[bool] | None = None,
) -> tuple[bool, ...]:
    """Take into the body the short closing sentences right below its end, and a list the
    story introduces there ("The bill would allow three kinds of casino:" and its items)."""
    if True not in inside:
        return inside
    last = _last_body_line(inside)
    grown = list(inside)
    taken = 0
    for i in range(last + 1, len(units)):
        u = units[i]
        if not u.f.canon:
            continue
        if listed is not None and listed[i]:
            grown[i] = True
            continue
        if taken == CLOSING_LINES or reasons[i] is not None or not _closes_story(u.f, u.shape):
            break
        grown[i] = True
        taken += 1
    return tuple(grown)


# How far above the body the headline may sit, in non-blank lines (dates, bylines, a caption
# and its credit may come between).
TITLE_REACH = 8


def _title_lines(
    units: list[_Unit], reasons: list[str | None], inside: tuple[bool, ...]
) -> list[int]:
    """Return the article's headline: the nearest headline-like line above the body, and the
    headline-like line just above it when there is one (a headline over its standfirst)."""
    first = next((i for i, flag in enumerate(inside) if flag and reasons[i] is None), None)
    if first is None:
        return []
    found: list[int] = []
    seen = 0
    for i in range(first - 1, -1, -1):
        if not units[i].f.raw.strip():
            continue
        seen += 1
        allowed = (None,) if found else (None, "related")
        headline = reasons[i] in allowed and units[i].headline
        if headline and (found or seen <= TITLE_REACH):
            found.append(i)
            if len(found) == 2:
                break
            continue
        if found or reasons[i] is None or seen > TITLE_REACH:
            break
    return found


def classify(
    text: str, config: CleanConfig | None = None, templates: Collection[int] = frozenset()
) -> tuple[Line, ...]:
    """Return every line of `text` (1-based), marked kept or stripped with its reason."""
    original, per_line, _ = _judge(text, config or CleanConfig(), templates)
    return tuple(
        Line(n=i + 1, text=raw, kept=per_line[i] is None, reason=per_line[i])
        for i, raw in enumerate(original)
    )


def clean_text(
    text: str,
    config: CleanConfig | None = None,
    templates: Collection[int] = frozenset(),
    *,
    only: Collection[str] | None = None,
) -> tuple[str, str]:
    """Return what `kept_text(classify(...))` gives, and its canonical form, without building
    a `Line` per line: the fast path of a scan.

    The canonical form is the kept logical lines' canonical forms joined by a space: what
    `canonicalize` makes of the kept text (it folds every newline into a space, and a newline
    stops NFKC from composing across lines), taken from the lines already folded once. With
    `only`, just the drops for those reasons (and blank lines) stand, as `html.soften` does for
    extractor output.
    """
    kept, canon, _ = _clean_text(text, config, templates, only, stamps=False)
    return kept, canon


def clean_text_stamped(
    text: str,
    config: CleanConfig | None = None,
    templates: Collection[int] = frozenset(),
    *,
    only: Collection[str] | None = None,
    stamps: bool = True,
) -> tuple[str, str, str]:
    """Return what `clean_text` returns, and the page's own date stamps ("Published March
    12, 2025"), which date a story though they are no part of its text: the lines dropped
    as dates nearest above the body, joined by newlines (`date_stamps` of `classify`'s lines
    is the same); "" unless `stamps`."""
    return _clean_text(text, config, templates, only, stamps=stamps)


def date_stamps(lines: Iterable[Line]) -> str:
    """Return the lines dropped as dates above the first kept line (the page's stamps, by
    its headline and byline), joined by newlines."""
    lines = list(lines)
    return _head_stamps([ln.text for ln in lines], [ln.reason for ln in lines])


def _head_stamps(texts: list[str], reasons: list[str | None]) -> str:
    """The page's stamps: the group of lines dropped as dates nearest above the body (its
    first kept sentence; a kept headline may stand above them), or, on a page with no such
    sentence (hard-wrapped copy, a brief, a table), the group ending at the first date line
    that says it is a stamp, else at the first date line. Beyond the group's nearest line
    only lines that say they are a stamp join it ("Published ..."), or, above an update
    ("Updated ..."), any date line: the page's first date (QA 33 #1). Blank lines, bylines,
    share links, dropped links of a few words, and a deck above an update, may stand
    between. Not a teaser list's dates, a timeline's or a footer's below the body (QA 29
    #1, 31 #1), nor a dated teaser strip's above the page's own stamp (QA 30a #2, 32 #1)."""
    end = next(
        (i for i, (t, r) in enumerate(zip(texts, reasons, strict=True)) if r is None and _body(t)),
        None,
    )
    if end is None:  # read up from the first date line that names a stamp, else the first
        dated = [i for i, r in enumerate(reasons) if r == "date"]
        named = [i for i in dated if STAMP_VERB.search(canonicalize(texts[i]))]
        end = (named or dated or [len(texts) - 1])[0] + 1
    group: list[str] = []
    update = False  # the last date line taken is an update
    for i in range(end - 1, -1, -1):
        reason, text = reasons[i], texts[i]
        if reason == "date":
            canon = canonicalize(text)
            if group and not update and not STAMP_VERB.search(canon):
                break  # a bare date further off is a teaser's
            group.append(text)
            update = UPDATE_VERB.search(canon) is not None
        elif group and not (_between_stamps(reason, text) or (update and reason in _DECK)):
            break
    return "\n".join(reversed(group))


# A standfirst or deck, kept or not, may stand between "Published" and "Updated" (QA 33 #2).
_DECK = frozenset({None, "outside-body", "title"})


def _between_stamps(reason: str | None, text: str) -> bool:
    """Whether a line may stand between two stamps of one group: not a kept line (a teaser
    headline, QA 32 #1) nor a longer dropped one."""
    if reason in ("blank", "byline", "share"):
        return True
    return reason is not None and len(text.split()) <= _LINK_WORDS


_LINK_WORDS = 4  # "Share", "5 min read", "Listen to this article": a teaser's headline is longer
# A line of the body, for `_head_stamps`: a sentence of 8 words or more (a headline ends in
# none: QA 30a #3), a run of 25, or a sentence of a script without spaces (ending in its full
# stop: a Korean or Japanese headline may end in 다 or 」, QA 32 #3).
HEAD_BODY_WORDS = 8
HEAD_RUN_WORDS = 25
_BODY_ENDINGS = (".", "!", "?", '."', ".”", ".’", ".“", "!”", "?”", '!"', '?"', ".'")
_CJK_BODY_ENDINGS = ("。", "。」", "。”", "。』", "！", "？", "！”", "다.")


def _body(raw: str) -> bool:
    stripped = raw.rstrip()
    words = len(stripped.split())
    if words >= HEAD_RUN_WORDS:
        return True
    if stripped.endswith(_BODY_ENDINGS) and words >= HEAD_BODY_WORDS:
        return True
    return not stripped.isascii() and stripped.endswith(_CJK_BODY_ENDINGS)


def _clean_text(
    text: str,
    config: CleanConfig | None,
    templates: Collection[int],
    only: Collection[str] | None,
    *,
    stamps: bool,
) -> tuple[str, str, str]:
    original, per_line, units = _judge(text, config or CleanConfig(), templates)
    if only is not None:
        allowed = {*only, "blank"}
        per_line = [r if r in allowed else None for r in per_line]
        units = [(c, r if r in allowed else None) for c, r in units]
    kept = "\n".join([raw for raw, r in zip(original, per_line, strict=True) if r is None])
    canon = " ".join([c for c, r in units if r is None and c])
    dated = _head_stamps(original, per_line) if stamps and "date" in per_line else ""
    return kept, canon, dated


@lru_cache(maxsize=CACHE_LINES)
def fold_line(raw: str) -> tuple[str, int]:
    """Return a line's canonical form and site-template key (cached per process): all that
    cleaning without the boilerplate rules needs of it."""
    canon = canonicalize(raw)
    return canon, line_key(canon)


def _judge_plain(
    text: str, config: CleanConfig, templates: Collection[int]
) -> tuple[list[str], list[str | None], list[tuple[str, str | None]]]:
    """`_judge` without the boilerplate rules: blank lines, site templates, repeats."""
    original = _split_lines(text)
    folded = [fold_line(ln) for ln in original]
    canons = [canon for canon, _ in folded]
    use_templates = config.templates and bool(templates)
    reasons: list[str | None] = [
        "blank" if not canon else "template" if use_templates and key in templates else None
        for canon, key in folded
    ]
    if "template" in reasons:
        words = [_count_words(canon) for canon in canons]
        prose = [
            _reads_as_prose(n, canon.endswith(_SENTENCE_ENDINGS))
            for n, canon in zip(words, canons, strict=True)
        ]
        _spare_article(words, prose, reasons)
    if config.repeats:
        _mark_repeats(canons, reasons)
    return original, reasons, list(zip(canons, reasons, strict=True))


def _judge(
    text: str, config: CleanConfig, templates: Collection[int]
) -> tuple[list[str], list[str | None], list[tuple[str, str | None]]]:
    """Return the lines of `text`, the reason each is dropped (None: kept), and each logical
    line's canonical form with its reason."""
    if not config.boilerplate:
        return _judge_plain(text, config, templates)
    original = _split_lines(text)
    # Hard-wrapped paragraphs are judged whole; their verdict goes to each of their lines.
    groups = wrapped_groups(original)  # None: one line each (most texts)
    raw_lines = (
        original
        if groups is None
        else [
            original[g[0]] if len(g) == 1 else " ".join(original[i].strip() for i in g)
            for g in groups
        ]
    )
    units = list(map(_analyze, raw_lines))
    # Order: lines alone (named rules, then site templates, which need no context), then
    # repeats, then the context passes, which must see what the first passes already dropped
    # (a template menu is no part of the body; an ad line mid-body does not split it).
    reasons: list[str | None]
    if config.templates and templates:
        reasons = [
            u.base if u.base is not None or u.key not in templates else "template" for u in units
        ]
        if "template" in reasons:
            _spare_article([u.f.words for u in units], [u.prose for u in units], reasons)
    else:
        reasons = [u.base for u in units]
    canons = [u.f.canon for u in units]
    if config.repeats:
        _mark_repeats(canons, reasons)
    # Only a text with a line that may lead in can hold an introduced list.
    listed = _introduced_lists(units, reasons) if any([u.lead_in for u in units]) else None
    _revise(units, reasons, listed)
    _mark_outside_body(units, reasons, listed)
    if groups is None:
        per_line = reasons
    else:
        per_line = [None] * len(original)
        for group, reason in zip(groups, reasons, strict=True):
            for i in group:
                per_line[i] = reason
    return original, per_line, list(zip(canons, reasons, strict=True))


def kept_text(lines: tuple[Line, ...]) -> str:
    """Return the kept lines joined by newlines: the article as cleaning sees it."""
    return "\n".join(ln.text for ln in lines if ln.kept)
