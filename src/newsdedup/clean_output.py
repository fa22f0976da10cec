"""What `newsdedup clean` writes: the kept article, or every line with its verdict.

Pure, byte-stable functions of the cleaned articles (UTF-8, `\\n`, keys in a fixed order,
`ensure_ascii=False`, a final newline), as serialize.py does for scan reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .html import PageLines, extractor_record, extractor_text
from .records import Article, CleanText, Line
from .render import visible


def _source(article: Article) -> str:
    return article.source if article.line is None else f"{article.source}:{article.line}"


def _file_lines(article: Article, cleaned: CleanText) -> Sequence[Line]:
    """Return the cleaned lines that are lines of the file: not the empty rest after a final
    newline (a file of one line ending in a newline has one line, as `wc -l` counts)."""
    lines = cleaned.lines
    if lines and article.text.endswith("\n") and lines[-1].text == "":
        return lines[:-1]
    return lines


def clean_record(
    article: Article, cleaned: CleanText, *, extracted: Mapping[str, PageLines] | None = None
) -> dict[str, Any]:
    """Return the JSON object of one cleaned article: its lines with verdicts, and the text.

    For a page read through an extractor, `lines` are those of the extracted text, and an
    `extractor` object says what the extractor left out of the page (see `extracted`).
    """
    out: dict[str, Any] = {
        "source": _source(article),
        "id": article.id,
        "lines": [
            {"n": ln.n, "kept": ln.kept, "reason": ln.reason}
            for ln in _file_lines(article, cleaned)
        ],
        "text": cleaned.text,
    }
    if extracted and article.id in extracted:
        out["extractor"] = extractor_record(extracted[article.id])
    return out


def clean_to_json(
    items: Sequence[tuple[Article, CleanText]],
    *,
    extracted: Mapping[str, PageLines] | None = None,
) -> str:
    """Return one JSON object for a single article, else a JSON array in id order."""
    records = [clean_record(a, c, extracted=extracted) for a, c in items]
    payload: Any = records[0] if len(records) == 1 else records
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def clean_to_jsonl(
    items: Sequence[tuple[Article, CleanText]],
    *,
    extracted: Mapping[str, PageLines] | None = None,
) -> str:
    """Return one JSON object per line, one line per article."""
    return "".join(
        json.dumps(
            clean_record(a, c, extracted=extracted), ensure_ascii=False, separators=(",", ":")
        )
        + "\n"
        for a, c in items
    )


def clean_to_text(
    items: Sequence[tuple[Article, CleanText]],
    *,
    show_dropped: bool,
    extracted: Mapping[str, PageLines] | None = None,
) -> str:
    """Return the kept text of each article; with `show_dropped`, every line and its verdict.

    Several articles are separated by a `==> id <==` header line, as `head` does.
    """
    parts = []
    for article, cleaned in items:
        if len(items) > 1:
            # The id as `scan` shows it: a newline or a terminal escape in a scraped id
            # split the header or reached the terminal (QA 19b #4).
            parts.append(f"==> {visible(article.id)} <==\n")
        if show_dropped and extracted and article.id in extracted:
            parts.append(extractor_text(extracted[article.id]))
        if show_dropped:
            lines = _file_lines(article, cleaned)
            width = max(
                (len(ln.reason) for ln in lines if ln.reason and ln.reason != "blank"),
                default=0,
            )
            for ln in lines:
                if ln.reason == "blank":
                    parts.append("\n")
                elif ln.kept:
                    parts.append(f"  {'':<{width}}  {ln.text}\n")
                else:
                    parts.append(f"- {ln.reason or '':<{width}}  {ln.text}\n")
        else:
            parts.append(cleaned.text + "\n" if cleaned.text else "")
    return "".join(parts)
