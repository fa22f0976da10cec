"""Web pages and WARC archives built in the tests: a news article wrapped in a site's chrome."""

from __future__ import annotations

import html
import io
from collections.abc import Collection
from pathlib import Path

from .conftest import make_article


def page(
    body: str,
    *,
    title: str = "A headline about things",
    site: str = "example.com",
    url: str | None = None,
    date: str = "2024-03-05",
) -> str:
    """Return a whole HTML page: menus, the article (one <p> per paragraph), sidebar, footer."""
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    url = url or f"https://{site}/news/story"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {site}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{date}T08:00:00Z">
<link rel="canonical" href="{url}">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article><h1>{html.escape(title)}</h1>
{paras}
</article>
<aside><h2>Most Popular on {site}</h2><ul><li><a href="/a">Celebrity chef opens new place</a></li>
<li><a href="/b">Weather turns cold again this week</a></li></ul></aside></main>
<footer><p>Copyright 2024 {site}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>
"""


def story(seed: int) -> str:
    """Return an article body (paragraphs separated by blank lines) made from a seed."""
    return make_article(seed)


def write_warc(
    path: Path,
    records: list[tuple[str, str | bytes, str]],
    *,
    gz: bool = True,
    resources: Collection[str] = (),
) -> None:
    """Write a WARC of (target URI, payload, content type) response records, with warcio: a
    record whose URI is in `resources` is a resource record (no HTTP headers), and an empty
    content type sends no Content-Type header."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for uri, payload, content_type in records:
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        kind: dict[str, object] = {"warc_content_type": content_type}  # a resource record
        if uri not in resources:
            fields = [("Content-Type", content_type)] if content_type else [("Server", "x")]
            headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
            kind = {"http_headers": headers}
        record = writer.create_warc_record(
            uri,
            "resource" if uri in resources else "response",
            payload=io.BytesIO(data),
            warc_headers_dict={"WARC-Date": "2024-03-06T10:00:00Z"},
            **kind,
        )
        writer.write_record(record)
        record.raw_stream.close()  # warcio spools the payload to a temporary file
    path.write_bytes(buffer.getvalue())


def record_offsets(path: Path) -> list[int]:
    """Return the byte offset of every record of a WARC."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        return [records.get_record_offset() for _ in records]
