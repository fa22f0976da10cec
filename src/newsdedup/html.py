"""Raw web pages in: decode the markup, extract the article body with trafilatura, keep metadata.

trafilatura (an optional extra: ``pip install 'newsdedup[html]'``) does what it is good at,
reading the DOM: it drops menus, sidebars and footers the page's structure gives away, and
returns the body one paragraph per line with the title, date and address from the page's
metadata. Its output then goes through our own line cleaner like any text, but only through a
gentle subset of its rules (`EXTRACTED_RULES`): the structural rules written for naive text
dumps (related-link runs, navigation-like short lines, repeats inside one article) cut real
body text out of extractor output, where lists, tables and recaps are part of the article.

An `Article` read from HTML holds the extracted text (the page itself stays untouched on disk)
and names its extractor in `Article.extractor`, so `pipeline.clean` knows to be gentle.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import LoadConfig
from .errors import InputError
from .records import Article, Line, LoadIssue

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
# Rules of our line cleaner that still apply after an extractor read the DOM: phrase rules
# (a newsletter or paywall blurb inside the body container is invisible to the DOM) and the
# corpus templates. Measured on the AEB pages (bench/eval_html.py): the full rule set costs
# ~0.01 F1 on trafilatura output, this subset costs nothing. An allowlist, so a structural
# rule added later (issue 4's "outside-body", say) stays off extractor output until measured.
EXTRACTED_RULES = frozenset(
    {
        "advertisement",
        "paywall",
        "newsletter",
        "comments",
        "share",
        "cookie",
        "footer",
        "credit",
        "date",
        "template",
        # Headline and caption lines: trafilatura keeps the <h1> and figure captions, which
        # the benchmark's truth leaves out. With issue 4's cleaner: F1 0.961 -> 0.962,
        # P 0.946 -> 0.951, exact-match share 0.27 -> 0.36.
        "title",
        "caption",
    }
)
EXTRACTOR_REASON = "extractor"  # a line of the page text the extractor left out
_MARKUP = re.compile(r"<\s*(!doctype\s+html|html|head|body|p|div|article|title|meta|br)\b", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_SNIFF = 4096
_BOM_PREFIXES = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_WS = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table"),
        *("td", "th", "tr", "ul"),
    )
)


class ExtractorMissing(RuntimeError):
    """trafilatura is not installed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Extraction:
    """The article body an extractor found in a page, with the page's metadata."""

    text: str  # one paragraph per line
    title: str | None = None
    date: str | None = None
    url: str | None = None
    extractor: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageLines:
    """Every line of a page's visible text, marked kept by the extractor or left out."""

    extraction: Extraction
    lines: tuple[Line, ...]

    @property
    def dropped(self) -> tuple[Line, ...]:
        return tuple(ln for ln in self.lines if not ln.kept and ln.reason != "blank")


def is_html(path: Path) -> bool:
    """Return True when the file name says HTML (optionally gzipped)."""
    return path.name.lower().endswith(HTML_SUFFIXES)


def extractor_name() -> str:
    """Return the extractor and its version, as written on each article ("trafilatura 2.3.1")."""
    return f"trafilatura {_trafilatura().__version__}"


def _trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as err:
        raise ExtractorMissing(
            "reading HTML needs trafilatura: pip install 'newsdedup[html]'"
        ) from err
    return trafilatura


def looks_like_html(markup: str) -> bool:
    """Return True when the text holds an HTML tag."""
    return _MARKUP.search(markup) is not None


def declared_charset(data: bytes) -> str | None:
    """Return the charset a `<meta>` tag declares, if it names a codec Python knows."""
    found = _META_CHARSET.search(data[:_SNIFF])
    if found is None:
        return None
    return _codec(found.group(1).decode("ascii", "replace"))


# Labels the WHATWG Encoding Standard (what browsers follow) reads as a Windows code page:
# pages labelled ISO-8859-1 are nearly always windows-1252, with its curly quotes and dashes at
# 0x80-0x9F, which Latin-1 would turn into invisible control characters.
_AS_BROWSERS_READ = {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254"}


def _codec(name: str) -> str | None:
    """Return Python's name for a charset label (as browsers read it: `_AS_BROWSERS_READ`), or
    None when Python has no such codec."""
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    return _AS_BROWSERS_READ.get(found, found)


def decode_markup(
    data: bytes, source: str, *, encoding: str | None = None, declared: str | None = None
) -> tuple[str, str | None]:
    """Return (markup, warning) decoded by its BOM, else as UTF-8, else with the user's
    encoding, else with the charset the page (or its HTTP header) declares, else with a
    detected one."""
    from .load import decode_bytes

    if encoding is None and not data.startswith(_BOM_PREFIXES) and not _is_utf8(data):
        # The HTTP header first, then the page's own <meta>: a server that says utf-8 for a
        # page that is not (and whose <meta> says iso-8859-1, read as windows-1252) was
        # decoded by detection as latin-1, and curly quotes became controls (QA 14b).
        header = _codec(declared) if declared else None
        for charset in dict.fromkeys((header, declared_charset(data))):
            if charset is not None and charset != "utf-8":
                try:
                    return data.decode(charset), None
                except UnicodeDecodeError:
                    continue
    return decode_bytes(data, source, encoding=encoding)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# The page's date from its markup only (meta tags, JSON-LD, <time>): trafilatura's default
# "extensive search" guesses from free text, so a footer's "Copyright 2024" dated a page
# 2024-01-01, a guess the story level took for a fact. A fixed latest date: the default, today,
# would make a page's date depend on the day of the run.
_DATE_PARAMS = {"original_date": True, "extensive_search": False, "max_date": "2099-12-31"}
# htmldate still reads ISO dates from the page's text without extensive search ("signed on
# 2019-03-04"), so a date is kept only when the markup holds a date to read: a <time>
# element, a date in JSON-LD or microdata, or a date or time <meta> tag.
_DATE_MARKUP = re.compile(
    r"<time\b|\bdate(?:published|created|modified)\b"
    # a <meta> or element whose name, property, itemprop or class names a date
    r"|\b(?:name|property|itemprop|class)\s*=\s*[\"']?[^\"'>]*"
    r"(?:date|time|published|updated|modified|dc\.)",
    re.IGNORECASE,
)
# A date in the page's address (/2019/03/04/, /2019-03-04-): htmldate reads it, and it is no
# guess from the text.
_URL_DATE = re.compile(r"/(?:19|20)\d\d[/-][01]?\d[/-][0-3]?\d(?:[/-]|$)")
_CANONICAL = re.compile(r"<link\b[^>]*rel=[\"']?canonical[^>]*>", re.IGNORECASE)


def extract(markup: str | bytes, *, url: str | None = None) -> Extraction | None:
    """Return the article body and metadata trafilatura finds in a page, or None if none."""
    trafilatura = _trafilatura()
    doc = trafilatura.bare_extraction(
        markup,
        url=url,
        include_comments=False,
        with_metadata=True,
        deduplicate=False,  # trafilatura's dedup cache is process-wide: results would drift
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None:
        return None
    text = _tidy(doc.text or "")
    if not text:
        return None
    source = markup if isinstance(markup, str) else markup.decode("utf-8", "replace")
    canonical = _CANONICAL.search(source)
    dated = (
        _DATE_MARKUP.search(source) is not None
        or (url is not None and _URL_DATE.search(url) is not None)
        or (canonical is not None and _URL_DATE.search(canonical.group(0)) is not None)
    )
    return Extraction(
        text=text,
        title=_meta(doc.title),
        date=_meta(doc.date) if dated else None,
        url=_meta(doc.url) or url,
        extractor=extractor_name(),
    )


def _meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = _WS.sub(" ", value).strip()
    return value or None


def _tidy(text: str) -> str:
    """Return the text with trailing spaces trimmed and blank lines between paragraphs folded."""
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(ln for ln in lines if ln.strip()).strip("\n")


def page_text(markup: str | bytes) -> str:
    """Return all visible text of a page, one block element per line (a naive scraper's dump)."""
    _trafilatura()  # the extra brings lxml
    import lxml.html

    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    parser = lxml.html.HTMLParser(encoding="utf-8" if isinstance(markup, str) else None)
    try:
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for hidden in tree.xpath("//script|//style|//noscript|//template|//head"):
        hidden.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    lines = (_WS.sub(" ", ln).strip() for ln in tree.text_content().split("\n"))
    return "\n".join(ln for ln in lines if ln)


def page_lines(markup: str | bytes, *, url: str | None = None) -> PageLines | None:
    """Return the page's visible lines, each marked kept if the extractor kept its words.

    A page line counts as kept when its whitespace-folded text occurs in the extracted body;
    trafilatura joins and splits some blocks differently, so this view is for people
    (`clean page.html`), never for fingerprints.
    """
    extraction = extract(markup, url=url)
    if extraction is None:
        return None
    body = _WS.sub(" ", extraction.text)
    lines = []
    for n, raw in enumerate(page_text(markup).split("\n"), start=1):
        folded = _WS.sub(" ", raw).strip()
        if not folded:
            lines.append(Line(n=n, text=raw, kept=False, reason="blank"))
        elif folded in body:
            lines.append(Line(n=n, text=raw, kept=True))
        else:
            lines.append(Line(n=n, text=raw, kept=False, reason=EXTRACTOR_REASON))
    return PageLines(extraction=extraction, lines=tuple(lines))


def soften(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """Return the lines with drops outside `EXTRACTED_RULES` undone (for extractor output)."""
    return tuple(
        ln
        if ln.kept or ln.reason == "blank" or ln.reason in EXTRACTED_RULES
        else Line(n=ln.n, text=ln.text, kept=True)
        for ln in lines
    )


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """Return the file's bytes, gunzipped when the name ends in .gz, at most `limit` + 1 of them
    (so a caller can tell a page over the limit, however small the gzip).

    Raises `OSError`, `EOFError` or `zlib.error` for unreadable or truncated files.
    """
    size = -1 if limit is None else limit + 1
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as handle:
                return handle.read(size)
        except gzip.BadGzipFile:
            # Bytes after the last whole member (an uploader's padding or a stray newline):
            # gzip.open stops there, as zcat does not ("trailing garbage ignored").
            return _gunzip_members(path.read_bytes(), size)
    with path.open("rb") as handle:
        return handle.read(size)


def _gunzip_members(data: bytes, size: int) -> bytes:
    """Return the text of the gzip members `data` starts with (at most `size` bytes when not
    -1), ignoring what follows the last whole one; raise gzip.BadGzipFile when there is none,
    EOFError when a member is cut short."""
    out = bytearray()
    rest = data
    while rest[:2] == b"\x1f\x8b" and (size < 0 or len(out) < size):
        member = zlib.decompressobj(wbits=31)
        out += member.decompress(rest, 0 if size < 0 else size - len(out))
        if not member.eof and (size < 0 or len(out) < size):
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
        rest = member.unused_data
    if rest is data:
        raise gzip.BadGzipFile(f"Not a gzipped file ({data[:2]!r})")
    return bytes(out if size < 0 else out[:size])


def page_markup(
    data: bytes, source: str, *, encoding: str | None = None, declared: str | None = None
) -> tuple[str, str | None]:
    """Return (markup, decoding warning) of a page's bytes, or raise `InputError` saying why
    they are not a page (empty, binary, no markup, undecodable)."""
    if not data.strip():
        raise InputError(source, "empty page")
    markup, warning = decode_markup(data, source, encoding=encoding, declared=declared)
    if not looks_like_html(markup):
        raise InputError(source, "not HTML (no markup found)")
    return markup, warning


def page_view(path: str | os.PathLike[str], *, encoding: str | None = None) -> PageLines:
    """Return a page file's visible lines, marked kept or left out by the extractor.

    For `newsdedup clean page.html`: this is the extractor's half of the story; what our
    cleaner then drops is `pipeline.clean` of the article `load_corpus` reads from the file.
    Raises `InputError` when the file is not a readable page or has no extractable text.
    """
    path = Path(path)
    source = path.name
    try:
        data = read_bytes(path)
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise InputError(source, f"truncated or corrupt gzip: {err}") from err
    except OSError as err:
        raise InputError(source, f"cannot read: {err.strerror or err}") from err
    markup, _ = page_markup(data, source, encoding=encoding)
    view = page_lines(markup)
    if view is None:
        raise InputError(source, "no extractable text (trafilatura found no article body)")
    return view


def extractor_views(
    paths: Iterable[Path], config: LoadConfig | None = None
) -> dict[str, PageLines]:
    """Return `page_view` of every HTML file and WARC page under the paths, keyed by the id
    `load_corpus` gives it; pages that fail are left out (the loader reports them)."""
    from .load import id_roots, list_files, relative_id
    from .warc import is_warc, warc_views

    config = config or LoadConfig()
    views: dict[str, PageLines] = {}
    for root, ids_from in id_roots(paths, config.glob):
        for path in list_files(root, config):
            if not path.is_file():  # a broken link or a pipe: the loader says so
                continue
            if is_warc(path):
                for uri, view in warc_views(path, config):
                    views.setdefault(uri, view)
                continue
            if not is_html(path):
                continue
            try:
                views.setdefault(
                    relative_id(path, ids_from), page_view(path, encoding=config.encoding)
                )
            except InputError:
                continue
    return views


def extractor_record(view: PageLines) -> dict[str, Any]:
    """Return what the extractor did to a page as plain data (for `clean --format json`)."""
    ex = view.extraction
    meta = {"title": ex.title, "date": ex.date, "url": ex.url}
    return {
        "name": ex.extractor,
        **{k: v for k, v in meta.items() if v},
        "page_lines": sum(1 for ln in view.lines if ln.reason != "blank"),
        "dropped": [ln.text for ln in view.dropped],
    }


def extractor_text(view: PageLines) -> str:
    """Return the page lines the extractor left out, one `- extractor  line` each, under a
    header naming the extractor (for `clean --show-dropped`)."""
    ex = view.extraction
    total = sum(1 for ln in view.lines if ln.reason != "blank")
    head = f"# {ex.extractor} kept {total - len(view.dropped)} of {total} page lines"
    about = " · ".join(v for v in (ex.title, ex.date, ex.url) if v)
    lines = [head + (f" ({about})" if about else "")]
    lines += [f"- {EXTRACTOR_REASON}  {ln.text}" for ln in view.dropped]
    lines.append("# then our cleaner, on the extracted text:")
    return "\n".join(lines) + "\n"


def page_article(
    data: bytes,
    *,
    article_id: str,
    source: str,
    config: LoadConfig,
    url: str | None = None,
    date: str | None = None,
    declared: str | None = None,
    line: int | None = None,
) -> Iterator[Article | LoadIssue]:
    """Yield the article extracted from one page's bytes, or the issue that stopped it.

    `url` (a WARC record's target) wins over the page's own; `date` (a WARC record's crawl
    date) is kept only when the page names no date of its own: a report is dated by when it
    was published, not when it was fetched."""

    def issue(problem: str, severity: str = "skipped") -> LoadIssue:
        return LoadIssue(source=source, line=line, problem=problem, severity=severity)

    try:
        markup, warning = page_markup(data, source, encoding=config.encoding, declared=declared)
    except InputError as err:
        yield issue(err.problem + (f" ({err.hint})" if err.hint else ""))
        return
    try:
        extraction = extract(markup, url=url)
    except ExtractorMissing as err:
        yield issue(str(err))
        return
    except Exception as err:  # an extractor crash on one page skips that page, not the corpus
        yield issue(f"extractor failed: {type(err).__name__}: {err}")
        return
    if extraction is None:
        yield issue("no extractable text (trafilatura found no article body)")
        return
    if warning:
        yield issue(warning, "warning")
    yield Article(
        id=article_id,
        text=extraction.text,
        source=source,
        line=line,
        title=extraction.title,
        date=extraction.date or date,
        url=url or extraction.url,
        extractor=extraction.extractor,
    )


def html_articles(path: Path, root: Path, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    """Yield the article of one `.html`/`.htm` file (optionally gzipped), or why it was skipped."""
    from .load import oversize_issue, relative_id

    source = relative_id(path, root)
    try:
        too_big = oversize_issue(path, source, config)
        if too_big is not None:
            yield too_big
            return
        data = read_bytes(path, config.max_bytes)
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        yield LoadIssue(source=source, problem=f"truncated or corrupt gzip: {err}")
        return
    except OSError as err:
        yield LoadIssue(source=source, problem=f"cannot read: {err.strerror or err}")
        return
    if len(data) > config.max_bytes:
        yield LoadIssue(
            source=source,
            problem=f"page is over the {config.max_bytes:,}-byte limit once unzipped "
            "(raise --max-bytes)",
        )
        return
    yield from page_article(data, article_id=source, source=source, config=config)
