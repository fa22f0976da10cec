"""A page's date stamp in the languages the cleaner reads: which short lines are only a date
("Veröffentlicht am 12.03.2025, 14:35 Uhr", "Publié le 12 mars 2025 à 14h35", "2025年3月12日
14:35", "입력 2025.03.12 14:35"), and the date such a line gives.

English stamps have their own rules (`boilerplate.DATE_PATTERNS`, `story.head_date`); these
add German, French, Spanish, Italian, Portuguese, Dutch, Turkish and Russian month and
weekday names, the words their sites print around a stamp, numeric dates written day first
with dots (European) or year first (East Asian), and Chinese, Japanese and Korean stamps.
Words are in canonical form (`canonical.canonicalize`: lower case, accents kept).
"""

from __future__ import annotations

import re

# Month names and their common abbreviations, each to its number.
_MONTH_NAMES = (
    # German, French, Spanish, Italian, Portuguese, Dutch, Turkish, Russian (genitive and
    # nominative).
    ("januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro"),
    ("februar", "février", "fevrier", "févr", "febrero", "febbraio", "fevereiro", "fev"),
    ("märz", "mrz", "mär", "mars", "marzo", "março", "marco", "maart", "mrt"),
    ("avril", "avr", "abril", "abr", "aprile"),
    ("mai", "mayo", "maggio", "mag", "maio", "mei"),
    ("juni", "juin", "junio", "giugno", "giu", "junho"),
    ("juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    ("août", "aout", "agosto", "ago", "augustus"),
    ("septembre", "septiembre", "setiembre", "settembre", "set", "setembro"),
    ("oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out"),
    ("novembre", "noviembre", "novembro"),
    ("dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre"),
)
_MONTH_NAMES_MORE = (
    ("ocak", "oca", "января", "январь", "янв"),
    ("şubat", "şub", "февраля", "февраль", "фев"),
    ("mart", "марта", "март", "мар"),
    ("nisan", "nis", "апреля", "апрель", "апр"),
    ("mayıs", "мая", "май"),
    ("haziran", "haz", "июня", "июнь", "июн"),
    ("temmuz", "tem", "июля", "июль", "июл"),
    ("ağustos", "ağu", "августа", "август", "авг"),
    ("eylül", "eyl", "сентября", "сентябрь", "сен"),
    ("ekim", "eki", "октября", "октябрь", "окт"),
    ("kasım", "kas", "ноября", "ноябрь", "ноя"),
    ("aralık", "ara", "декабря", "декабрь", "дек"),
)
_DUTCH = (("januari",), ("februari",))  # the rest are German or English too
# English names too: a foreign stamp may print them ("12 March 2025 um 14:35 Uhr").
_ENGLISH = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
MONTHS: dict[str, int] = {
    name: number
    for table in (_MONTH_NAMES, _MONTH_NAMES_MORE, _DUTCH, _ENGLISH)
    for number, names in enumerate(table, start=1)
    for name in names
}
WEEKDAYS = frozenset(
    (
        *("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
        *("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        *("lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "domingo"),
        *("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
        *("segunda", "terça", "quarta", "quinta", "sexta", "feira"),
        *("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
        *("pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar"),
        *("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun"),
    )
)
# What sites print around a stamp: "published", "updated", "on", "at", "o'clock", time zones.
STAMP_WORDS = frozenset(
    (
        *("veröffentlicht", "aktualisiert", "stand", "erstellt", "zuletzt", "geändert"),
        *("am", "um", "uhr", "vom", "publié", "publie", "mis", "à", "jour", "le", "modifié"),
        *("publicado", "actualizado", "actualización", "el", "de", "del", "a", "las", "la"),
        *("pubblicato", "aggiornato", "il", "alle", "ore", "atualizado", "atualização", "em"),
        *("às", "gepubliceerd", "bijgewerkt", "laatst", "op", "om", "yayınlanma", "güncelleme"),
        *("tarihi", "опубликовано", "обновлено", "в", "г", "года", "published", "updated"),
        *("posted", "last", "on", "at", "h", "hs", "hrs", "gmt", "utc", "cet", "cest", "mez"),
        *("mesz", "ist", "kst", "jst", "bst", "edt", "est", "pdt", "pst", "am", "pm"),
        # Chinese, Japanese and Korean: "发布时间", "更新", "公開", "配信", "입력", "수정".
        *("发布时间", "发布", "时间", "發佈時間", "發布時間", "日期", "更新", "更新时间"),
        *("公開", "配信", "更新日", "公開日", "入力", "입력", "수정", "기사입력", "최종수정"),
        *("업데이트", "등록", "승인", "송고", "송고시간", "오전", "오후", "giriş", "güncellenme"),
        *("modifica", "modificato", "aangepast", "gewijzigd", "modifié", "modificado"),
        # A Japanese stamp's weekday in brackets: "2025年3月12日（水）14時35分".
        *("月", "火", "水", "木", "金", "土", "日"),
    )
)
# The words that say a date line is the page's stamp, not a teaser's date ("Published",
# "Updated", "Veröffentlicht", "Mis à jour", "发布时间", "입력"), in canonical form; and of
# those, the ones that say it is an update, under which the page's first date stands.
UPDATE_VERBS = (
    *("updated", "last update", "modified", "aktualisiert", "geändert", "mis à jour"),
    *("mise à jour", "modifié", "actualizado", "actualización", "aggiornato", "atualizado"),
    *("atualização", "bijgewerkt", "aangepast", "обновлено", "güncelle", "更新", "수정"),
    *("업데이트",),
)
STAMP_VERBS = (
    *UPDATE_VERBS,
    *("published", "posted", "date", "veröffentlicht", "erstellt", "stand", "publié"),
    *("publicado", "pubblicato", "gepubliceerd", "publicerad", "opublikowano"),
    *(
        "опубликовано",
        "yayınlanma",
        "giriş",
        "发布",
        "發佈",
        "發布",
        "公開",
        "配信",
        "입력",
        "송고",
    ),
)


def _verbs(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern finding any of `words`; a Latin word from a word start ("stand", not
    "standard time": the end is left free for "update"/"updated")."""
    parts = sorted(words, key=len, reverse=True)
    return re.compile(
        "|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in parts)
    )


STAMP_VERB = _verbs(STAMP_VERBS)
UPDATE_VERB = _verbs(UPDATE_VERBS)
# A token of digits and CJK date marks: "2025年3月12日", "14时35分", "12일".
_CJK_DATE_TOKEN = re.compile(r"^[\d年月日时時分秒点點号號일월년시분]+$")
_TIME_TOKEN = re.compile(r"^\d{1,2}h\d{0,2}$")  # "14h35", "14h"
_ORDINAL = re.compile(r"^\d{1,2}(er|st|nd|rd|th|º|ª)$")  # "1er", "1st"
_TOKEN = re.compile(r"\w+")
# The core every stamp holds: a numeric date, or a month name beside a number.
# Year first, the same mark twice, or CJK's year and month marks: not "2022年 3.1%" (QA 29).
_NUMERIC_DATE = re.compile(
    r"\b\d{1,2}\s?([./])\s?\d{1,2}\s?\1\s?\d{2,4}\b"
    r"|\b(?:19|20)\d\d\s?([-./])\s?\d{1,2}\s?\2\s?\d{1,2}(?!\d)"
    r"|\b(?:19|20)\d\d\s?年\s?\d{1,2}\s?月\s?\d{1,2}(?!\d)"
)
# Le Monde's "Publié le 12 mars 2025 à 14h35, modifié le 12 mars 2025 à 16h02" is 15, Le
# Figaro's "Publié le 12/03/2025 à 14:35, mis à jour le 12/03/2025 à 18:02" 18.
DATE_STAMP_MAX_WORDS = 20
# Dates written day first with dots ("12.03.2025") or year first with dots or CJK marks
# ("2025.03.12", "2025年3月12日"): no English site's form.
_FOREIGN_DATE = re.compile(
    r"\b\d{1,2}\s?\.\s?\d{1,2}\s?\.\s?\d{2,4}\b|\b(?:19|20)\d\d\s?([./年])\s?\d{1,2}\s?[./月]"
)
_ENGLISH_WORDS = frozenset(
    (
        *(name for names in _ENGLISH for name in names),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun"),
        *("published", "updated", "posted", "last", "on", "at", "am", "pm", "h", "hrs"),
        *("gmt", "utc", "bst", "edt", "est", "pdt", "pst", "ist", "cet", "cest", "of", "a"),
    )
)
_HANGUL_DIGIT = re.compile(r"([가-힣])(\d)")
# A Chinese, Japanese or Korean stamp's source after it.
_SOURCE = re.compile(r"\s*[|｜]?\s*(来源|來源|出典|출처)\s*:\s*[^:]{1,40}$")
_CLOCK = re.compile(r"\d{1,2}\s?[:時时시]\s?\d\d")
# A score ("2:1"), which no time is.
_SCORE = re.compile(r"\b\d{1,2}\s?:\s?\d\b(?!\s?\d)")
# What every stamp holds (a prefilter): a year, a numeric date or a time.
_CORE = re.compile(r"(?:19|20)\d\d|\d\s?[-./年월:h]\s?\d")
_YEAR_OR_TIME = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}[:h]\d\d\b")
_OF = frozenset({"de", "del", "of"})


def _stamp_token(token: str) -> bool:
    if token.isdigit():
        return True
    if token.isalpha():  # a word: one of the lists (the patterns below all hold a digit)
        return token in STAMP_WORDS or token in MONTHS or token in WEEKDAYS
    return (
        _TIME_TOKEN.match(token) is not None
        or _ORDINAL.match(token) is not None
        or _CJK_DATE_TOKEN.match(token) is not None
    )


def is_stamp(canon: str) -> bool:
    """Return True when a canonical line is only a date (and time) with the words sites print
    around one, in a language of this module: "veröffentlicht am 12.03.2025, 14:35 uhr"."""
    first = _TOKEN.search(canon)  # every token must be a stamp's: try the first alone first
    if first is None:
        return False
    if not (_stamp_token(first.group()) or _HANGUL_DIGIT.search(first.group())):
        return False
    if _CORE.search(canon) is None:  # no year, numeric date or time at all
        return False
    canon = _HANGUL_DIGIT.sub(r"\1 \2", canon)  # Yonhap's "송고시간2025-03-12 14:35"
    source = _SOURCE.search(canon)  # "2025-03-12 09:34:10 来源: 新华网"
    if source is not None:
        canon = canon[: source.start()]
    tokens = _TOKEN.findall(canon)
    if not tokens or len(tokens) > DATE_STAMP_MAX_WORDS or not all(map(_stamp_token, tokens)):
        return False
    if "%" in canon or _SCORE.search(canon) is not None:  # a row of figures, a result
        return False
    # A line of English words and plain numbers ("May 2, 2013 1:35 pm", "8/2/13 at 1:30 PM")
    # is left to the English rules (`boilerplate.DATE_PATTERNS`), unless its date is written
    # as no English site writes one; ordinals, which those rules miss, are read here
    # ("December 15th, 2008, 7:35 am").
    if (
        source is None
        and _FOREIGN_DATE.search(canon) is None
        and all(t.isdigit() or t in _ENGLISH_WORDS for t in tokens)
    ):
        return False
    if _NUMERIC_DATE.search(canon) is not None:
        return True
    if any(_CJK_DATE_TOKEN.match(t) and not t.isdigit() for t in tokens):
        # A day or a time: "2024年" or "2024年12月" alone heads a year or a month.
        return (("月" in canon and "日" in canon) or ("월" in canon and "일" in canon)) or (
            _CLOCK.search(canon) is not None
        )
    # A month name beside a number ("12 mars 2025", "12 de marzo de 2025", "märz 12"), with
    # a year or a time ("12. März, 14:35 Uhr"; "Sept. 11" alone is a heading).
    if _YEAR_OR_TIME.search(canon) is None:
        return False
    words = [t for t in tokens if t not in _OF]
    numbered = [t.isdigit() or _ORDINAL.match(t) is not None for t in words]
    return any(
        t in MONTHS and ((i and numbered[i - 1]) or (i + 1 < len(words) and numbered[i + 1]))
        for i, t in enumerate(words)
    )


# Reading a stamp's date (year, month, day).
_YEAR = r"((?:19|20)\d\d)"
_DOTTED = re.compile(rf"\b(\d{{1,2}})\s?\.\s?(\d{{1,2}})\s?\.\s?{_YEAR}\b")
_YEAR_FIRST = re.compile(
    rf"\b{_YEAR}\s?(?:([-./])\s?(\d{{1,2}})\s?\2|年\s?(\d{{1,2}})\s?月)\s?(\d{{1,2}})(?!\d)"
)
_KOREAN = re.compile(rf"\b{_YEAR}년\s?(\d{{1,2}})월\s?(\d{{1,2}})일")
_NAMED = re.compile(
    rf"\b(\d{{1,2}})(?:er|º|ª)?\.?\s+(?:de\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+|del\s+)?{_YEAR}\b"
)
# Words of a stamp in another language than English (month and weekday names left out:
# "mar", "set" are English words too).
_FOREIGN_WORDS = frozenset(
    w for w in STAMP_WORDS if w.isalpha() and w not in {"am", "a", "h", "on", "at", "de", "la"}
) - {"published", "updated", "posted", "last", "hs", "hrs", "pm"}
_TWELVE_HOURS = re.compile(r"\b\d{1,2}[:.]\d\d\s?[ap]\.?m\b")
_SLASHED = re.compile(rf"\b(\d{{1,2}})/(\d{{1,2}})/{_YEAR}\b")


def stamp_date(canon: str) -> tuple[int, int, int] | None:
    """Return (year, month, day) of the first date a stamp line (canonical) holds, or None.

    Day first with dots ("12.03.2025"), year first ("2025-03-12", "2025.03.12", "2025年3月
    12日", "2025년 3월 12일"), a month name ("12 mars 2025", "12 de marzo de 2025"); with
    slashes only when the day is over 12 ("25/03/2025": "03/04/2025" may be either).
    """
    canon = _HANGUL_DIGIT.sub(r"\1 \2", canon)
    found: list[tuple[int, tuple[int, int, int]]] = []
    # A 12-hour clock is an American page's: its dots are month first (Wired's "11.02.2025
    # 09:00 AM" is November 2; QA 29 #4).
    american = _TWELVE_HOURS.search(canon) is not None
    for m in _DOTTED.finditer(canon):
        first, second = int(m.group(1)), int(m.group(2))
        day, month = (second, first) if american and first <= 12 else (first, second)
        found.append((m.start(), (int(m.group(3)), month, day)))
    for m in _YEAR_FIRST.finditer(canon):
        month = int(m.group(3) or m.group(4))
        found.append((m.start(), (int(m.group(1)), month, int(m.group(5)))))
    for m in _KOREAN.finditer(canon):
        found.append((m.start(), (int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    for m in _NAMED.finditer(canon):
        named = MONTHS.get(m.group(2))
        if named is not None:
            found.append((m.start(), (int(m.group(3)), named, int(m.group(1)))))
    # Slashes beside another language's words are day first ("Publié le 12/03/2025",
    # "Atualizado em 05/03/2025"); else only a day over 12 says which is which.
    foreign = any(t in _FOREIGN_WORDS for t in _TOKEN.findall(canon))
    for m in _SLASHED.finditer(canon):
        first, second = int(m.group(1)), int(m.group(2))
        if first > 12 >= second or (foreign and second <= 12):
            found.append((m.start(), (int(m.group(3)), second, first)))
        elif second > 12 >= first:
            found.append((m.start(), (int(m.group(3)), first, second)))
    return min(found)[1] if found else None
