"""Date stamps of other languages: which lines are only a date, and the date they give."""

from __future__ import annotations

import pytest

from newsdedup.canonical import canonicalize
from newsdedup.datewords import is_stamp, stamp_date


@pytest.mark.parametrize(
    ("line", "ymd"),
    [
        ("Veröffentlicht am 12.03.2025, 14:35 Uhr", (2025, 3, 12)),
        ("Am 12.03.2025 um 14:35 Uhr", (2025, 3, 12)),
        ("Aktualisiert: Mittwoch, 12. März 2025 um 15:02", (2025, 3, 12)),
        ("Stand: 12.03.2025 15:02 Uhr", (2025, 3, 12)),
        ("Publié le 12 mars 2025 à 14h35", (2025, 3, 12)),
        ("Mis à jour le 1er avril 2025", (2025, 4, 1)),
        ("Publicado el 12 de marzo de 2025", (2025, 3, 12)),
        ("Pubblicato il 12 marzo 2025 alle 14:35", (2025, 3, 12)),
        ("Publicado em 12/03/2025 às 14h35", (2025, 3, 12)),  # beside Portuguese: day first
        ("송고시간2025-03-12 14:35", (2025, 3, 12)),  # Yonhap, no space
        ("12 Eki 2025 14:35", (2025, 10, 12)),
        ("25.03.2025 02:35 PM", (2025, 3, 25)),  # no month 25: day first after all
        ("Atualizado em 25/03/2025 às 14h35", (2025, 3, 25)),
        ("Gepubliceerd op 12 maart 2025", (2025, 3, 12)),
        ("Опубликовано: 12 марта 2025, 14:35", (2025, 3, 12)),
        ("12 Mart 2025 Çarşamba 14:35", (2025, 3, 12)),
        ("2025年3月12日 14:35", (2025, 3, 12)),
        ("发布时间：2025-03-12 14:35:00", (2025, 3, 12)),
        ("2025年03月12日14時35分", (2025, 3, 12)),
        ("입력 2025.03.12 14:35", (2025, 3, 12)),
        ("입력 2025년 3월 12일 오후 2:35", (2025, 3, 12)),
        # QA 29
        ("11.02.2025 09:00 AM", (2025, 11, 2)),  # Wired: a 12-hour clock, month first
        ("2025年3月12日（水）14時35分", (2025, 3, 12)),
        ("2025年03月12日09:34 | 来源：人民网－人民日报", (2025, 3, 12)),
        ("2025-03-12 09:34:10　来源： 新华网", (2025, 3, 12)),
        ("woensdag 15 januari 2025, 14:35", (2025, 1, 15)),
        ("Publié le 12 mars 2025 à 14h35, modifié le 12 mars 2025 à 16h02", (2025, 3, 12)),
    ],
)
def test_a_stamp_is_a_stamp_and_gives_its_date(line, ymd):
    canon = canonicalize(line)
    assert is_stamp(canon)
    assert stamp_date(canon) == ymd


@pytest.mark.parametrize(
    "line",
    [
        "Von Kiew nach Berlin in 12 Stunden",
        "Der Bundestag stimmte am 12. März 2025 zu.",
        "2019-20",
        "Mehr als 300 Menschen am 12. März",
        "Sept. 11",
        "12",
        "Artikel 12 vom 3. Mai",
        "Le 12 mars, la grève continue",
        # QA 29 #2: GDP rows went as dates and dated their article 2022-03-01; year and month
        # headings.
        *("2022年 3.1%", "2024年", "12.03.2025  2:1", "2024年 1.2%", "2024年12月", "2024년 12월"),
    ],
)
def test_a_line_saying_more_than_a_date_is_no_stamp(line):
    assert not is_stamp(canonicalize(line))


def test_english_stamps_are_left_to_the_english_rules_but_ordinals_are_read():
    """A line of English words and plain numbers is `boilerplate.DATE_PATTERNS`' business
    (ECB+'s tokenised "May 03 , 2013" they miss stays, as before); ordinals they miss."""
    assert not is_stamp(canonicalize("May 2, 2013 1:35 pm"))
    assert is_stamp(canonicalize("December 15th, 2008, 7:35 am"))
    assert is_stamp(canonicalize("Published on 12.03.2025, 14:35"))


def test_slashes_beside_english_words_say_no_day_or_month():
    """03/12 may be either in English; beside French or Portuguese words it is day first."""
    assert stamp_date(canonicalize("Posted 12/03/2025 2:35 PM")) is None
    assert stamp_date(canonicalize("Posted 25/03/2025 2:35 PM")) == (2025, 3, 25)
