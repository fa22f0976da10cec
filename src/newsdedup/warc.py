"""WARC archives in: every HTML `response` record becomes an article, read with warcio.

The record's `WARC-Target-URI` is the article id (and its URL), `WARC-Date` its date. Records
of other types (request, metadata, revisit), redirects and non-HTML payloads (images, scripts)
are not articles and pass silently; an error response (HTTP 4xx/5xx), a truncated payload or a
page with no extractable text is skipped with a one-line reason. A broken record does not end
the archive: the reader looks for the next record start (the next gzip member of a `.warc.gz`,
the next `WARC/1.` line of a `.warc`) and carries on from there.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, cast

from .config import LoadConfig
from .errors import InputError
from .html import ExtractorMissing, PageLines, page_article
from .records import Article, LoadIssue

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Bytes of a payload sent without a Content-Type read to tell whether it is an HTML page.
_SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_CHUNK = 1 << 16
_MESSAGE_CHARS = 120


def is_warc(path: Path) -> bool:
    """Return True when the file name says WARC (optionally gzipped)."""
    return path.name.lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Page:
    offset: int
    uri: str
    date: str | None
    payload: bytes
    charset: str | None
    truncated: str | None = None  # the record's WARC-Truncated reason ("length", "time")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Broken:
    offset: int
    problem: str
    uri: str | None = None


def _readable(err: BaseException) -> str:
    """`_one_line` of a warcio error, less the bytes it quotes when they are binary (a
    damaged gzip member read as plain bytes: 'first line: \\x8b\\x08...')."""
    text = _one_line(err)
    head, quoted, rest = text.partition("first line: ")
    if quoted and "\\x" in rest:
        return f"{head}first line is binary (damaged gzip data?)"
    return text


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()).encode("ascii", "backslashreplace").decode("ascii")
    if len(text) > _MESSAGE_CHARS:  # cut after escaping: the ellipsis stays one (QA 14b)
        text = text[: _MESSAGE_CHARS - 1] + "\u2026"
    return text or type(err).__name__


def _next_start(handle: IO[bytes], pos: int, gzipped: bool) -> int | None:
    """Return the offset of the next record start at or after `pos`, or None at the end."""
    magic = _GZIP_MAGIC if gzipped else b"\n" + _WARC_MAGIC
    skip = 0 if gzipped else 1
    overlap = len(magic) - 1
    handle.seek(pos)
    base, tail = pos, b""
    while True:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return None
        window = tail + chunk
        found = window.find(magic)
        if found >= 0:
            return base - len(tail) + found + skip
        tail = window[-overlap:]
        base += len(chunk)


def _head(path: Path) -> tuple[bool, bytes]:
    """Return whether the archive is gzipped (by its bytes, not its name) and its first bytes."""
    with path.open("rb") as handle:
        gzipped = handle.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
    if gzipped:
        with gzip.open(path, "rb") as unzipped:
            return True, bytes(unzipped.read(len(_WARC_MAGIC)))
    with path.open("rb") as handle:
        return False, handle.read(len(_WARC_MAGIC))


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _status(record: Any) -> int | None:
    if record.http_headers is None:  # a resource record: no HTTP exchange
        return None
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def _read_page(record: Any, config: LoadConfig, offset: int = -1) -> _Page | _Broken | None:
    """Return the HTML page a response or resource record holds, why it is broken, or None
    if not a page."""
    if record.rec_type == "resource":  # a page archived without HTTP (warcit, a browser's save)
        headers = record.rec_headers
    elif record.rec_type == "response" and record.http_headers is not None:
        headers = record.http_headers
    else:
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    content_type = headers.get_header("Content-Type") or ""
    payload: bytes | None = None
    if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
        if content_type or not uri:
            return None
        # No Content-Type: a browser sniffs the bytes, and so do we (a server that sent
        # none). A record cut inside its HTTP headers is reported, not skipped unseen.
        try:
            payload = record.content_stream().read(config.max_bytes + 1)
        except (OSError, EOFError, ValueError, zlib.error):
            payload = b""
        if _cut_short(record) and len(payload) <= config.max_bytes:
            where = "inside its HTTP headers" if not payload else "payload cut short"
            return _Broken(offset=offset, uri=uri, problem=f"truncated record ({where})")
        from .load import bom_codec, is_html_document

        # In the codec its byte-order mark names, else UTF-8, and as many characters in
        # UTF-16/32 (QA 18); markup is ASCII in each.
        codec = bom_codec(payload) or "utf-8"
        width = {"utf-32": 4, "utf-16": 2}.get(codec, 1)
        head = payload[: _SNIFF_BYTES * width].decode(codec, "replace")
        if not is_html_document(head):
            return None
    status = _status(record)
    if status is not None and 300 <= status < 400:
        return None
    if not uri:
        return _Broken(offset=offset, problem=f"{record.rec_type} record without WARC-Target-URI")
    if status is not None and status >= 400:
        return _Broken(offset=offset, uri=uri, problem=f"HTTP {status} response")
    if payload is None:
        try:
            payload = record.content_stream().read(config.max_bytes + 1)
        except (OSError, EOFError, ValueError, zlib.error) as err:
            problem = f"unreadable payload: {_one_line(err)}"
            return _Broken(offset=offset, uri=uri, problem=problem)
    if len(payload) > config.max_bytes:
        return _Broken(
            offset=offset,
            uri=uri,
            problem=f"payload over the {config.max_bytes:,}-byte limit (raise --max-bytes)",
        )
    if getattr(record.raw_stream, "limit", 0) > 0:
        return _Broken(offset=offset, uri=uri, problem="truncated record (payload cut short)")
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower()
    opens = payload.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate") and opens != b"<":
        # warcio undoes gzip and deflate (brotli when installed); bytes still compressed
        # would read as "binary" or "not UTF-8", which sends the user the wrong way.
        return _Broken(
            offset=offset,
            uri=uri,
            problem=f"payload compressed as {encoding!r} (Content-Encoding), which cannot "
            "be decoded here" + (" (pip install brotli)" if encoding == "br" else ""),
        )
    return _Page(
        offset=offset,
        uri=uri,
        date=record.rec_headers.get_header("WARC-Date") or None,
        payload=payload,
        charset=_charset(content_type),
        truncated=record.rec_headers.get_header("WARC-Truncated") or None,
    )


# The WARC headers every record needs, and those a response record needs besides.
_REQUIRED = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
_HEAD_BYTES = 1 << 16


def _missing_headers(handle: IO[bytes], offset: int, gzipped: bool) -> list[str]:
    """Return the required WARC headers the record at `offset` lacks (empty when they are
    all there, or the head cannot be read)."""
    try:
        handle.seek(offset)
        data = handle.read(_HEAD_BYTES)
        if gzipped:
            data = zlib.decompressobj(31).decompress(data, _HEAD_BYTES)
    except (OSError, zlib.error):
        return []
    head = data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    names = {
        line.split(b":", 1)[0].strip().lower() for line in head.splitlines()[1:] if b":" in line
    }
    wanted = list(_REQUIRED)
    if b"warc-type: response" in head.lower():
        wanted.append("WARC-Target-URI")
    return [name for name in wanted if name.lower().encode() not in names]


def _size(handle: IO[bytes]) -> int:
    return handle.seek(0, os.SEEK_END)


# How far into an archive's first gzip member to look for a second record.
_ONE_STREAM_PROBE = 1 << 24


def _one_gzip_stream(path: Path) -> bool:
    """Return whether a gzipped WARC is compressed as one stream (`gzip crawl.warc`) rather
    than record by record, as the standard asks: its first gzip member goes on past the
    first record. warcio reads only the first record of such a file and stops (QA 14b: 1 of
    49 pages read, `check` passed)."""
    unzip = zlib.decompressobj(31)
    seen = b""
    with path.open("rb") as handle:
        while not unzip.eof and len(seen) < _ONE_STREAM_PROBE:
            data = unzip.unconsumed_tail or handle.read(1 << 16)
            if not data:
                break
            seen += unzip.decompress(data, 1 << 20)
            if seen.find(b"\nWARC/1.", len(_WARC_MAGIC)) >= 0:
                return True
    return False


def _left_over(handle: IO[bytes], end: int) -> bool:
    """Return whether more than blank lines follow byte `end` (an uncompressed record's
    closing blank lines lie outside the length warcio gives it)."""
    handle.seek(end)
    return bool(handle.read(1 << 16).strip())


def _cut_short(record: Any) -> bool:
    """Return whether the record ends before the length its WARC header declares (read to
    its end; warcio would skip the same bytes)."""
    try:
        while record.raw_stream.read(1 << 16):
            pass
    except (OSError, EOFError, ValueError, zlib.error):
        return True
    return getattr(record.raw_stream, "limit", 0) > 0


# What warcio raises on a damaged record: its own error, I/O and gzip errors, and the
# attribute and type errors of a header it could not parse (a record with no WARC-Target-URI).
_PARSE_ERRORS = (AttributeError, TypeError, IndexError, KeyError)
_WARCIO_ERRORS = (OSError, EOFError, ValueError, zlib.error, *_PARSE_ERRORS)


@contextlib.contextmanager
def _warcio_errors() -> Iterator[list[str]]:
    """Collect what warcio writes to stderr (a gzip member that fails to decompress: it writes
    the error and returns no data) into the list yielded, instead of stderr."""
    from warcio import bufferedreaders

    class _Sink:
        def __init__(self, out: list[str]) -> None:
            self.stderr = self
            self.out = out

        def write(self, text: str) -> int:
            if text.strip():
                self.out.append(_one_line(Exception(text)))
            return len(text)

    found: list[str] = []
    saved = bufferedreaders.sys
    bufferedreaders.sys = _Sink(found)
    try:
        yield found
    finally:
        bufferedreaders.sys = saved


def _pages(handle: IO[bytes], gzipped: bool, config: LoadConfig) -> Iterator[_Page | _Broken]:
    """Yield the HTML pages of an archive and its broken records, resyncing after each break."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    start = 0
    while True:
        handle.seek(start)
        records = ArchiveIterator(handle)
        last = start - 1
        try:
            with _warcio_errors() as damage:
                for record in records:
                    page = _read_page(record, config)
                    # Asking warcio for the offset reads the record to its end: only after.
                    last = records.get_record_offset()
                    end = last + records.get_record_length()
                    if damage and gzipped:
                        # A damaged gzip member: warcio ends the archive there, silently.
                        problem = f"damaged gzip data ({damage[0]})"
                        uri = page.uri if page is not None else None
                        yield _Broken(offset=last, uri=uri, problem=problem)
                        broken_at = last
                        break
                    if page is not None:
                        yield replace(page, offset=last)
                else:
                    # warcio ends quietly at a gzip member cut short (a crawler killed while
                    # writing): bytes left past the last record it read are that record.
                    if last >= start and _left_over(handle, end):
                        yield _Broken(
                            offset=end,
                            problem=f"truncated record ({_size(handle) - end:,} bytes after the "
                            "last whole record cannot be read)",
                        )
                    return
        except (ArchiveLoadFailed, *_WARCIO_ERRORS) as err:
            # warcio's `offset` is where the record it failed to parse begins.
            broken_at = max(int(getattr(records, "offset", start)), last + 1, start)
            if isinstance(err, _PARSE_ERRORS):
                # warcio's own words here are Python's ("'NoneType' object has no attribute
                # 'startswith'"): name the header it lacked when we can (QA 15c #6).
                missing = _missing_headers(handle, broken_at, gzipped)
                problem = (
                    f"broken record: no {', no '.join(missing)} header"
                    if missing
                    else f"broken record: headers warcio cannot parse: {_readable(err)}"
                )
            else:
                problem = f"broken record: {_readable(err)}"
            yield _Broken(offset=broken_at, problem=problem)
        resume = _next_start(handle, broken_at + 1, gzipped)
        if resume is None:
            return
        start = resume


@contextlib.contextmanager
def _archive(path: Path, gzipped: bool) -> Iterator[tuple[IO[bytes], bool]]:
    """Open an archive for `_pages`: the file, and whether it is gzipped record by record;
    a WARC gzipped as one stream is read through gzip (offsets then count uncompressed
    bytes)."""
    if gzipped and _one_gzip_stream(path):
        with gzip.open(path, "rb") as unzipped:
            yield cast(IO[bytes], unzipped), False
        return
    with path.open("rb") as handle:
        yield handle, gzipped


def warc_views(path: Path, config: LoadConfig) -> Iterator[tuple[str, PageLines]]:
    """Yield (target URI, `html.page_lines`) of each HTML page of a WARC, for `clean`; pages
    and records that fail are left out (the loader reports them)."""
    from .html import page_lines, page_markup

    try:
        gzipped, head = _head(path)
        if not head.startswith(b"WARC/"):
            return
        with _archive(path, gzipped) as (handle, per_record):
            for item in _pages(handle, per_record, config):
                if isinstance(item, _Broken):
                    continue
                try:
                    markup, _ = page_markup(
                        item.payload, item.uri, encoding=config.encoding, declared=item.charset
                    )
                except InputError:
                    continue
                view = page_lines(markup, url=item.uri)
                if view is not None:
                    yield item.uri, view
    except (OSError, EOFError, zlib.error, ImportError):
        return


def warc_articles(path: Path, root: Path, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    """Yield an article per HTML response record of a WARC file, and an issue per bad record."""
    from .load import relative_id

    source = relative_id(path, root)
    try:
        import warcio  # noqa: F401
    except ImportError:
        problem = "reading WARC needs warcio: pip install 'newsdedup[html]'"
        yield LoadIssue(source=source, problem=problem)
        return
    pages = 0
    try:
        gzipped, head = _head(path)
    except (OSError, EOFError, zlib.error) as err:
        yield LoadIssue(source=source, problem=f"cannot read: {_one_line(err)}")
        return
    if not head.startswith(b"WARC/"):
        yield LoadIssue(
            source=source, problem="not a WARC archive (no WARC/1.x header at the start)"
        )
        return
    try:
        with _archive(path, gzipped) as (handle, per_record):
            for item in _pages(handle, per_record, config):
                if isinstance(item, _Broken):
                    where = f"record at byte {item.offset}" + (f" ({item.uri})" if item.uri else "")
                    yield LoadIssue(source=source, problem=f"{where}: {item.problem}")
                    continue
                pages += 1
                if item.truncated:
                    # The crawler stopped reading the page (size or time limit): the article
                    # is compared as cut, and may pass for a teaser of the whole.
                    yield LoadIssue(
                        source=source,
                        problem=f"record at byte {item.offset} ({item.uri}): marked "
                        f"WARC-Truncated ({item.truncated}): the page is compared as the "
                        "crawler cut it",
                        severity="warning",
                    )
                for got in page_article(
                    item.payload,
                    article_id=item.uri,
                    source=source,
                    config=config,
                    url=item.uri,
                    date=item.date,
                    declared=item.charset,
                ):
                    if isinstance(got, LoadIssue):
                        got = LoadIssue(
                            source=source,
                            problem=f"record at byte {item.offset} ({item.uri}): {got.problem}",
                            severity=got.severity,
                        )
                    yield got
    except ExtractorMissing as err:
        yield LoadIssue(source=source, problem=str(err))
    except OSError as err:
        yield LoadIssue(source=source, problem=f"cannot read: {err.strerror or err}")
    if pages == 0:
        yield LoadIssue(source=source, problem="no HTML response records", severity="warning")
