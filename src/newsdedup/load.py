"""Read folders, single files and JSONL corpora into `Article`s; never write anything.

Decoding policy: UTF-8 (with or without BOM) is read silently; a UTF-16/32 BOM is honoured;
anything else is detected with charset-normalizer and reported as a warning, or read with the
encoding the user names. Files with NUL bytes are binary. Problems with one file or record
become a `LoadIssue` and the rest of the corpus is still read; `strict=True` raises instead.
"""

from __future__ import annotations

import codecs
import gzip
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from .config import LoadConfig
from .errors import DecodeError, InputError, RecordError
from .records import Article, LoadIssue, LoadResult

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_SNIFF = 8192


def is_jsonl(path: Path) -> bool:
    """Return True when the file name says JSON Lines."""
    name = path.name.lower()
    return name.endswith(JSONL_SUFFIXES)


def glob_patterns(glob: str) -> tuple[str, ...]:
    """Return the patterns of a glob option: one pattern, or several separated by commas."""
    return tuple(dict.fromkeys(p.strip() for p in glob.split(",") if p.strip()))


def matches_glob(path: PurePosixPath | Path, glob: str) -> bool:
    """Return True when a relative path matches any pattern of the glob option."""
    return any(path.match(p) for p in glob_patterns(glob))


def list_files(root: Path, config: LoadConfig) -> list[Path]:
    """Return the files under `root` matching the glob, sorted by relative POSIX path."""
    if root.is_file():
        return [root]
    found = {
        p
        for pattern in glob_patterns(config.glob)
        for p in root.rglob(pattern)
        if p.is_file() and not _hidden(p, root)
    }
    return sorted(found, key=lambda p: PurePosixPath(p.relative_to(root)).as_posix())


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def relative_id(path: Path, root: Path) -> str:
    """Return the id of a file: its path relative to the root given, with POSIX separators."""
    if root.is_file():
        return path.name
    return PurePosixPath(path.relative_to(root)).as_posix()


def decode_bytes(
    data: bytes, source: str, *, encoding: str | None = None
) -> tuple[str, str | None]:
    """Return (text, warning) for raw bytes, or raise `DecodeError` naming the problem."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), None
            except UnicodeDecodeError as err:
                raise DecodeError(source, f"not valid {name} at byte {err.start}") from err
    if b"\x00" in data[:_BINARY_SNIFF] or b"\x00" in data[-_BINARY_SNIFF:]:
        raise DecodeError(source, "binary file (NUL bytes)")
    if encoding is not None:
        try:
            return data.decode(encoding), None
        except (UnicodeDecodeError, LookupError) as err:
            raise DecodeError(
                source, f"cannot be read as {encoding}: {err}", hint="check --encoding"
            ) from err
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        position = err.start
    return _detect(data, source, position)


def _detect(data: bytes, source: str, position: int) -> tuple[str, str | None]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError(source, f"not UTF-8 at byte {position}", hint="try --encoding")
    text = str(best)
    if "\x00" in text:
        raise DecodeError(source, "binary file (NUL bytes)")
    return text, f"not UTF-8 at byte {position}; decoded as {best.encoding}"


def oversize_issue(path: Path, source: str, config: LoadConfig) -> LoadIssue | None:
    """Return the issue of a file larger than `--max-bytes`, or None; raises `OSError`."""
    size = path.stat().st_size
    if size <= config.max_bytes:
        return None
    return LoadIssue(
        source=source,
        problem=f"file is {size:,} bytes, over the {config.max_bytes:,}-byte limit "
        "(raise --max-bytes)",
    )


def _text_article(path: Path, root: Path, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    source = relative_id(path, root)
    try:
        too_big = oversize_issue(path, source, config)
        if too_big is not None:
            yield too_big
            return
        data = path.read_bytes()
    except OSError as err:
        yield LoadIssue(source=source, problem=f"cannot read: {err.strerror or err}")
        return
    try:
        text, warning = decode_bytes(data, source, encoding=config.encoding)
    except DecodeError as err:
        yield LoadIssue(source=source, problem=err.problem + (f" ({err.hint})" if err.hint else ""))
        return
    if not text.strip():
        yield LoadIssue(source=source, problem="empty file" if not text else "whitespace only")
        return
    if warning:
        yield LoadIssue(source=source, problem=warning, severity="warning")
    yield Article(id=source, text=text, source=source)


def _open_lines(path: Path) -> Iterator[bytes]:
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as handle:
            yield from handle
    else:
        with path.open("rb") as handle:
            yield from handle


def _jsonl_articles(path: Path, root: Path, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    source = relative_id(path, root)
    lineno = 0
    try:
        for lineno, raw in enumerate(_open_lines(path), start=1):
            item = _jsonl_record(raw, source, lineno, config)
            if item is not None:
                yield item
    except (OSError, EOFError, zlib.error) as err:
        problem = f"cannot read past line {lineno}: {err}"
        yield LoadIssue(source=source, problem=problem, line=lineno + 1)
    if lineno == 0:
        yield LoadIssue(source=source, problem="empty file")


def _field(record: dict[str, object], name: str) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _jsonl_record(
    raw: bytes, source: str, lineno: int, config: LoadConfig
) -> Article | LoadIssue | None:
    if not raw.strip():
        return None
    if len(raw) > config.max_bytes:
        return LoadIssue(
            source=source,
            line=lineno,
            problem=f"record is {len(raw):,} bytes, over the {config.max_bytes:,}-byte limit "
            "(raise --max-bytes)",
        )
    try:
        record = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
    except UnicodeDecodeError as err:
        return LoadIssue(source=source, line=lineno, problem=f"not UTF-8 at byte {err.start}")
    except json.JSONDecodeError as err:
        return LoadIssue(source=source, line=lineno, problem=f"broken JSON: {err.msg}")
    if not isinstance(record, dict):
        return LoadIssue(source=source, line=lineno, problem="not a JSON object")
    text = record.get(config.text_field)
    if not isinstance(text, str):
        what = "missing" if text is None else "not a string"
        return LoadIssue(
            source=source,
            line=lineno,
            problem=f"field {config.text_field!r} is {what} (see --text-field)",
        )
    if not text.strip():
        return LoadIssue(source=source, line=lineno, problem="empty text")
    if "\x00" in text:
        return LoadIssue(source=source, line=lineno, problem="binary text (NUL characters)")
    article_id = _field(record, config.id_field) or f"{source}:{lineno}"
    return Article(
        id=article_id,
        text=text,
        source=source,
        line=lineno,
        title=_field(record, config.title_field),
        date=_field(record, config.date_field),
        url=_field(record, config.url_field),
    )


Reader = Callable[[Path, Path, LoadConfig], Iterator[Article | LoadIssue]]


def _reader(path: Path) -> Reader:
    """Return the reader for a file, chosen by its suffix (text is the default)."""
    from .html import html_articles, is_html
    from .warc import is_warc, warc_articles

    if is_jsonl(path):
        return _jsonl_articles
    if is_warc(path):
        return warc_articles
    if is_html(path):
        return html_articles
    return _text_article


def iter_corpus(path: Path, config: LoadConfig | None = None) -> Iterator[Article | LoadIssue]:
    """Yield articles and issues file by file, in sorted file order, reading each file once."""
    config = config or LoadConfig()
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file or directory")
    seen: set[str] = set()
    for file in list_files(path, config):
        reader = _reader(file)
        for item in reader(file, path, config):
            if isinstance(item, Article):
                if item.id in seen:
                    yield LoadIssue(
                        source=item.source,
                        line=item.line,
                        problem=f"duplicate id {item.id!r}; the first record wins",
                    )
                    continue
                seen.add(item.id)
            yield item


def raise_issue(issue: LoadIssue) -> None:
    """Raise the `InputError` matching a `LoadIssue` (used by strict mode)."""
    if issue.line is not None:
        raise RecordError(issue.source, issue.line, issue.problem)
    if "NUL" in issue.problem or "UTF-8" in issue.problem or "cannot be read as" in issue.problem:
        raise DecodeError(issue.source, issue.problem)
    raise InputError(issue.source, issue.problem)


def load_corpus(
    paths: Path | Iterable[Path], *, strict: bool = False, config: LoadConfig | None = None
) -> LoadResult:
    """Read every article under the path(s); sorted by id, with the issues met on the way."""
    roots = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    articles: dict[str, Article] = {}
    issues: list[LoadIssue] = []
    for root in roots:
        for item in iter_corpus(root, config):
            if isinstance(item, LoadIssue):
                if strict and item.severity == "skipped":
                    raise_issue(item)
                issues.append(item)
            elif item.id in articles:
                issues.append(
                    LoadIssue(
                        source=item.source,
                        line=item.line,
                        problem=f"duplicate id {item.id!r}; the first record wins",
                    )
                )
            else:
                articles[item.id] = item
    ordered = tuple(articles[k] for k in sorted(articles))
    return LoadResult(articles=ordered, issues=tuple(issues))
