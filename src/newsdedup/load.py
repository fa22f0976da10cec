"""Read folders, single files and JSONL corpora into `Article`s; never write anything.

Decoding policy: UTF-8 (with or without BOM) is read silently; a UTF-16/32 BOM is honoured;
anything else is detected with charset-normalizer and reported as a warning, or read with the
encoding the user names. Files with NUL bytes are binary. Problems with one file or record
become a `LoadIssue` and the rest of the corpus is still read; `strict=True` raises instead.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

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


def bom_codec(data: bytes) -> str | None:
    """Return the codec a byte-order mark opening `data` names (the mark decoded away),
    or None when no mark opens it."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def is_jsonl(path: Path) -> bool:
    """Return True when the file name says JSON Lines."""
    name = path.name.lower()
    return name.endswith(JSONL_SUFFIXES)


def glob_patterns(glob: str) -> tuple[str, ...]:
    """Return the patterns of a glob option: one pattern, or several separated by commas."""
    return tuple(dict.fromkeys(p.strip() for p in glob.split(",") if p.strip()))


def matches_glob(path: PurePosixPath | Path, glob: str) -> bool:
    """Return True when a relative path matches any pattern of the glob option, whatever the
    case of either (`A.HTML`, `NOTE.TXT` from a Windows share are articles too). A pattern
    opening with `**/` also matches at the top (`a.txt` for `**/*.txt`), as in a shell."""
    return glob_matcher(glob)(path)


def glob_matcher(glob: str) -> Callable[[PurePosixPath | Path], bool]:
    """Return `matches_glob` for one glob option, its patterns parsed once (a folder walk asks
    it of every file)."""
    patterns: list[str] = []
    for pattern in glob_patterns(glob.lower()):
        patterns.append(pattern)
        if pattern.startswith("**/"):
            patterns.append(pattern[3:])

    def matches(path: PurePosixPath | Path) -> bool:
        lowered = PurePosixPath(PurePosixPath(path).as_posix().lower())
        return any(lowered.match(p) for p in patterns)

    return matches


def list_files(root: Path, config: LoadConfig) -> list[Path]:
    """Return the files under `root` matching the glob, sorted by relative POSIX path.

    Hidden files and folders (a name starting with ".") are left out. Symbolic links to
    folders are followed (a corpus often links in each day's scrape), each real folder once:
    a link back to a folder already walked (a loop) is not entered again. Broken links are
    listed, and so are pipes, sockets and devices, so that their reader reports them instead of
    their being skipped unseen (it never opens them).
    """
    if not root.is_dir():  # a file, or a pipe or device that its reader reports
        return [root]
    unreadable: list[OSError] = []
    # (relative POSIX path, path)
    found = [file for _, files in _listing(root, config, unreadable) for file in files]
    # A folder the walk could not list is listed itself, so that its reader reports it
    # (`read_file`): its files would be left out unseen, and a gate pass on them.
    for error in unreadable:
        place = Path(os.fsdecode(error.filename))
        found.append((PurePosixPath(Path(os.path.relpath(place, root))).as_posix(), place))
    return [path for _, path in sorted(found)]


def _listing(
    root: Path, config: LoadConfig, unreadable: list[OSError] | None = None
) -> Iterator[tuple[str, list[tuple[str, Path]]]]:
    """Yield each folder `walk_folders` reads under `root` with the files of it a read lists:
    (relative POSIX path, path) of those not hidden, matching the glob, and not folders."""
    matches = glob_matcher(config.glob)
    for folder, names in walk_folders(root, unreadable):
        base = Path(folder)
        files = []
        for name in names:
            if name.startswith("."):
                continue
            path = base / name
            rel = PurePosixPath(path.relative_to(root).as_posix())
            if matches(rel) and not is_folder(path):
                files.append((rel.as_posix(), path))
        yield folder, files


def read_places(root: Path, config: LoadConfig) -> list[tuple[Path, Path]]:
    """Return (real place, path as read) of what a read of `root` reaches through links: each
    linked folder it walks and each linked file it lists, at their real locations, which lie
    anywhere. An output written to one of them would overwrite, or delete, an input. One walk
    of the folder, as `list_files` makes."""
    if not root.is_dir():
        return [(root.resolve(), root)] if root.is_symlink() else []
    places = []
    for folder, files in _listing(root, config):
        real = Path(folder).resolve()
        if real != Path(folder).absolute():
            places.append((real, Path(folder)))
        places += [(path.resolve(), path) for _, path in files if path.is_symlink()]
    return places


def is_folder(path: Path) -> bool:
    """Path.is_dir, False where the entry cannot be looked at (a folder that can be listed
    but not entered, mode 444: its reader then says it cannot be read)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def walk_folders(
    root: Path, unreadable: list[OSError] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """Yield each folder `list_files` reads under `root` (linked folders followed, each real
    folder once, hidden ones left out) with the names of the files and folders in it. The
    error of each folder that cannot be listed goes to `unreadable` when given."""
    walked: set[tuple[int, int]] = set()
    onerror = None if unreadable is None else unreadable.append
    for folder, dirs, names in os.walk(root, followlinks=True, onerror=onerror):
        here = os.stat(folder)
        if (here.st_dev, here.st_ino) in walked:
            dirs[:] = []  # a link to a folder walked already; its files are listed once
            continue
        walked.add((here.st_dev, here.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield folder, names


def _listed_elsewhere(link: Path, root: Path, config: LoadConfig) -> str | None:
    """Return the id under which a folder read lists the file `link` leads to, when it lists
    it (inside `root`, not hidden, matching the glob): else None. A corpus that links one
    article under two names must not hold it twice, its own duplicate."""
    if not root.is_dir():
        return None
    target = link.resolve()
    try:
        rel = PurePosixPath(target.relative_to(root.resolve()).as_posix())
    except ValueError:
        return None  # outside the folder: read through the link only
    if target == link.absolute() or any(part.startswith(".") for part in rel.parts):
        return None
    return rel.as_posix() if matches_glob(rel, config.glob) else None


def overlapping_paths(paths: Iterable[Path], glob: str) -> list[tuple[Path, Path]]:
    """Return (path, holder) for each path given that another one given already reads: the
    same file or folder (by its real location, through links), or a folder or a file inside
    it that its walk reads (not hidden; a file matching `glob`).

    Of two paths naming one place the first is read; a path inside another is left to it,
    whichever comes first. So a file is read once, and is never its own duplicate.
    """
    given = [Path(p) for p in paths]
    return [(given[n], given[k]) for n, k in _held(given, glob).items()]


def overlap_issues(paths: Iterable[Path], glob: str) -> list[LoadIssue]:
    """Return a warning for each path another one given already reads (read once)."""
    return [
        LoadIssue(
            source=str(path), problem=f"already read as a part of {holder}", severity="warning"
        )
        for path, holder in overlapping_paths(paths, glob)
    ]


def _held(given: Sequence[Path], glob: str) -> dict[int, int]:
    """Return {index of a path another one reads: index of that one}, for `overlapping_paths`."""
    real = [Path(os.path.realpath(p)) for p in given]
    out = {}
    for n, place in enumerate(real):
        for k, other in enumerate(real):
            if k == n:
                continue
            if other == place:
                if k < n:
                    out[n] = k
                    break
                continue
            if other not in place.parents:
                continue
            rel = PurePosixPath(place.relative_to(other).as_posix())
            if any(part.startswith(".") for part in rel.parts):
                continue  # the walk leaves hidden files and folders out
            if place.is_dir() or matches_glob(rel, glob):
                out[n] = k
                break
    return out


def id_roots(paths: Iterable[Path], glob: str) -> list[tuple[Path, Path]]:
    """Return each path to read, with what the ids of the files under it are relative to.

    One path: the path itself (corpus/a.txt is "a.txt"). Several: each one's parent, so each
    folder's name leads its ids ("day1/a.txt", "day2/a.txt") and one file name in two folders
    stays two articles. Paths of one name (a/x and b/x, or a/f.txt and b/f.txt) lead with as
    many of their folders as tell them apart ("a/x/f.txt", "b/x/f.txt"), so they never share
    an id. A file given alone is its name; JSONL and WARC records keep the ids they carry.
    Paths another one already reads (`overlapping_paths`, with the `glob` the files are listed
    with) are left out, and count neither way.
    """
    given = [Path(p) for p in paths]
    held = _held(given, glob)
    roots = [p for n, p in enumerate(given) if n not in held]
    if len(roots) < 2:
        return [(root, root) for root in roots]
    return list(zip(roots, _id_bases(roots), strict=True))


def _id_bases(roots: Sequence[Path]) -> list[Path]:
    """Return the folder each root's ids are relative to: its parent, or for roots whose last
    parts coincide, the ancestor that leaves each one enough parts to be told apart (on the
    absolute path, lexically as given: links are not followed)."""
    full = [Path(os.path.abspath(root)).parts for root in roots]
    depth = [1] * len(roots)
    while True:
        ends: dict[tuple[str, ...], list[int]] = {}
        for n, parts in enumerate(full):
            ends.setdefault(parts[-depth[n] :], []).append(n)
        grew = False
        for clash in (ns for ns in ends.values() if len(ns) > 1):
            for n in clash:
                if depth[n] < len(full[n]):
                    depth[n] += 1
                    grew = True
        if not grew:
            break
    return [
        root.parent if d == 1 else Path(os.path.abspath(root)).parents[d - 1]
        for root, d in zip(roots, depth, strict=True)
    ]


def relative_id(path: Path, root: Path) -> str:
    """Return the id of a file: its path relative to the root given, with POSIX separators.
    A root given in another form (absolute, or relative) is compared as an absolute path."""
    if not root.is_dir():
        return path.name
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    return PurePosixPath(rel).as_posix()


def decode_bytes(
    data: bytes, source: str, *, encoding: str | None = None
) -> tuple[str, str | None]:
    """Return (text, warning) for raw bytes, or raise `DecodeError` naming the problem.

    A byte-order mark decides; then NUL bytes mean a binary file (unless `encoding` is a
    UTF-16 or UTF-32 one, whose text holds them); then valid UTF-8 is UTF-8; then the
    `encoding` given, else the one charset-normalizer detects.
    """
    name = bom_codec(data)
    if name is not None:
        try:
            return data.decode(name), None
        except UnicodeDecodeError as err:
            raise DecodeError(source, f"not valid {name} at byte {err.start}") from err
    if b"\x00" in data[:_BINARY_SNIFF] or b"\x00" in data[-_BINARY_SNIFF:]:
        if encoding is not None and codecs.lookup(encoding).name.startswith(_WIDE):
            return _decode_as(data, source, encoding), None
        if data.startswith(b"\x1f\x8b"):  # gzip's magic number
            raise DecodeError(
                source, "gzip-compressed (only .jsonl.gz, .html.gz and .warc.gz are unpacked)"
            )
        raise DecodeError(source, "binary file (NUL bytes)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        position = err.start
    if encoding is not None:
        return _decode_as(data, source, encoding), None
    return _detect(data, source, position)


# Codecs whose text holds NUL bytes (codecs.lookup names them utf-16, utf-16-le, ...).
_WIDE = ("utf-16", "utf-32")


def _decode_as(data: bytes, source: str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise DecodeError(
            source, f"cannot be read as {encoding}: {err}", hint="check --encoding"
        ) from err


# Curly quotes and dashes in the Windows code pages (cp1250-cp1258 all put them there): in
# text that holds them, a DOS or Mac code page reads letters where the writer typed
# punctuation ("the nationÆs" in cp775 for "the nation’s"), and a letter fits between
# letters as well as an apostrophe does, so `_fit` alone could not tell them apart.
_SMART_PUNCTUATION = re.compile(rb"[\x91-\x94\x96\x97]")
# Two non-ASCII bytes in a row: what any multi-byte encoding's non-ASCII text holds.
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2}")


# Differences of the detector's chaos (mess) ratio below this are noise on a short text: a
# few curly quotes and a euro sign made cp1252 0.027 and mac_iceland 0.0, which reads them
# as "ìwe donít knowî ñ ... Ä20m".
_CHAOS_NOISE = 0.1
_FIT_CHARS = 1 << 16  # of each reading, enough to judge it (a Python loop per character)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Characters that may stand inside a word though they are no letters: apostrophes, hyphens.
_IN_WORD = frozenset("\u2019\u2018\u02bc-\u2010\u2011\u00b7")


def _fit(text: str) -> int:
    """Score how well a reading's non-ASCII characters sit where they stand: +1 for a letter
    touching a letter or a symbol outside a word ("£" before "15.8m"), -1 for a letter
    touching none ("Ł15.8m") or a symbol inside a word ("Rz¹d" for "Rząd")."""
    score = 0
    for match in _NON_ASCII.finditer(text):
        i = match.start()
        char = text[i]
        before = text[i - 1].isalpha() if i else False
        after = text[i + 1].isalpha() if i + 1 < len(text) else False
        if char.isalpha():
            score += 1 if before or after else -1
        else:
            score += -1 if before and after and char not in _IN_WORD else 1
    return score


def _detect(data: bytes, source: str, position: int) -> tuple[str, str | None]:
    from charset_normalizer import from_bytes
    from charset_normalizer.utils import is_multi_byte_encoding

    found = list(from_bytes(data))  # best first
    # Non-ASCII bytes that each stand alone between ASCII ones are single-byte text: "£" in
    # an English article is one byte 0xA3, which Shift-JIS (cp932) reads as a katakana and
    # the detector, finding no chaos in one katakana, preferred to cp1252's "£".
    if not _HIGH_RUN.search(data):
        found = [m for m in found if not is_multi_byte_encoding(m.encoding)] or found
    if not found or found[0].encoding is None:
        raise DecodeError(source, f"not UTF-8 at byte {position}", hint="try --encoding")
    # Of the least chaotic single-byte readings (within _CHAOS_NOISE), the one whose
    # non-ASCII characters sit best in their words (see `_fit`), then windows-1252. Where
    # code pages tie for the detector (a short text, or English with a few accented names)
    # it answers with whichever it tried first, often cp1250, which reads "crème brûlée" as
    # "crčme brűlée" and "£15.8m" as "Ł15.8m". Undeclared 8-bit news text is far more often
    # Western European, so ties go to windows-1252, as browsers' default (WHATWG) does;
    # Polish in cp1250, whose "ą" and "ł" cp1252 reads as "¹" and "³" inside words, stays
    # cp1250.
    best = found[0]
    if not is_multi_byte_encoding(best.encoding):
        calm = [
            m
            for m in found
            if m.chaos <= best.chaos + _CHAOS_NOISE and not is_multi_byte_encoding(m.encoding)
        ]
        windows = bool(_SMART_PUNCTUATION.search(data))
        best = max(
            calm,
            key=lambda m: (
                windows and m.encoding.startswith("cp125"),
                _fit(str(m)[:_FIT_CHARS]),
                m.encoding == "cp1252",
            ),
        )
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
        data = _read_unless_binary(path, config.encoding)
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
    yield Article(id=source, text=_line_ends(text), source=source)


def _read_unless_binary(path: Path, encoding: str | None) -> bytes:
    """Return the file's bytes, or only its head when the head already shows a binary file
    (NUL bytes, no byte-order mark, no UTF-16/32 `encoding`): `decode_bytes` tells the same
    from it. A 1 GB file of NULs under a raised --max-bytes was read whole (QA 15c #9)."""
    with path.open("rb") as handle:
        head = handle.read(_BINARY_SNIFF)
        wide = encoding is not None and codecs.lookup(encoding).name.startswith(_WIDE)
        if b"\x00" in head and not wide and bom_codec(head) is None:
            return head
        return head + handle.read()


def _line_ends(text: str) -> str:
    """Return `text` with classic Mac line ends (CR alone, no LF anywhere) as LF: the cleaner
    splits at LF, and read whole such a file was one line that no rule could judge."""
    if "\r" in text and "\n" not in text:
        return text.replace("\r", "\n")
    return text


def is_gzipped(path: Path) -> bool:
    """Return True when the file name says gzip."""
    return path.name.lower().endswith(".gz")


def _open_lines(path: Path, limit: int) -> Iterator[bytes | int]:
    if is_gzipped(path):
        with gzip.open(path, "rb") as handle:
            yield from bounded_lines(handle, limit)
    else:
        with path.open("rb") as handle:
            yield from bounded_lines(handle, limit)


class _LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def bounded_lines(
    handle: _LineReader, limit: int, size: int | None = None
) -> Iterator[bytes | int]:
    """Yield the lines of a binary file (with their line ends), or of its next `size` bytes.

    A line longer than `limit` bytes is yielded as its length, an int, and read past in
    pieces, never held whole: one runaway record (a gigabyte, or a gzip bomb) costs no more
    memory than `limit`, and its reader reports it as over the limit.
    """
    left = size
    while left is None or left > 0:
        raw = handle.readline(limit + 1 if left is None else min(limit + 1, left))
        if not raw:
            return
        if left is not None:
            left -= len(raw)
        if len(raw) <= limit:
            yield raw
            continue
        length = len(raw)
        while not raw.endswith(b"\n") and (left is None or left > 0):
            raw = handle.readline(PIECE_BYTES if left is None else min(PIECE_BYTES, left))
            if not raw:
                break
            length += len(raw)
            if left is not None:
                left -= len(raw)
        yield length


PIECE_BYTES = 1 << 20  # bytes of a line read at a time: a runaway line is never held whole


def _jsonl_articles(path: Path, root: Path, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    source = relative_id(path, root)
    lineno = 0
    try:
        for lineno, raw in enumerate(_open_lines(path, config.max_bytes), start=1):
            item = _jsonl_record(raw, source, lineno, config)
            if item is not None:
                yield item
    except (OSError, EOFError, zlib.error) as err:
        yield _unreadable(source, lineno, err)
        return
    if lineno == 0:
        yield LoadIssue(source=source, problem="empty file")


def _unreadable(source: str, lineno: int, err: Exception) -> LoadIssue:
    """Return the issue of a JSONL file that failed after `lineno` lines."""
    if lineno == 0 and isinstance(err, gzip.BadGzipFile):
        plain = source[: -len(".gz")] if source.lower().endswith(".gz") else source
        return LoadIssue(
            source=source, problem=f"not gzip-compressed, though named .gz (rename it {plain})"
        )
    return LoadIssue(
        source=source, problem=f"cannot read past line {lineno}: {err}", line=lineno + 1
    )


def _json_articles(path: Path, root: Path, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    """Read a `.json` file: JSON Lines by another name (a scraper's export) are read as such;
    anything else is one issue, never one article of JSON text (which no copy would match)."""
    source = relative_id(path, root)
    try:
        with path.open("rb") as handle:
            lines = bounded_lines(handle, config.max_bytes)
            first = next((ln for ln in lines if not isinstance(ln, bytes) or ln.strip()), b"")
    except OSError as err:
        yield LoadIssue(source=source, problem=f"cannot read: {err.strerror or err}")
        return
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n") if isinstance(first, bytes) else b"{"
    if not head:
        yield LoadIssue(source=source, problem="empty file")
    elif head.startswith(b"{") and (not isinstance(first, bytes) or _is_object(head)):
        yield from _jsonl_articles(path, root, config)  # a first line too long: its reader says
    elif head.startswith(b"["):
        yield LoadIssue(
            source=source,
            problem="a JSON array; newsdedup reads JSON Lines, one object per line "
            f"(jq -c '.[]' {path.name} > {path.stem}.jsonl)",
        )
    else:
        yield LoadIssue(source=source, problem="not JSON Lines (one JSON object per line)")


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:  # broken JSON or not UTF-8
        return False


def _json_kind(value: object) -> str:
    """Return what JSON calls a parsed value's type ("number", "array", ...)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "array" if isinstance(value, list) else "object"


def _record_text(raw: bytes, encoding: str | None) -> str:
    """Decode one JSONL line: UTF-8 (a BOM opening it dropped: on line 1, or on any line of
    files joined by `cat a.jsonl b.jsonl`, QA 15c), else `--encoding` when given (a
    line-based file can only be in an encoding whose newline is the byte 0x0A)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if encoding is None or codecs.lookup(encoding).name.startswith(_WIDE):
            raise
        return raw.decode(encoding)


# A surrogate escape without its pair ("\ud83d", half an emoji cut by a JavaScript scraper)
# is valid JSON but no Unicode: no UTF-8 encodes it, so it would fail every later step.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(record: dict[str, object]) -> dict[str, object]:
    """Return the record with each unpaired surrogate in its strings read as U+FFFD."""
    return {
        key: _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value
        for key, value in record.items()
    }


def _field(record: dict[str, object], name: str) -> str | None:
    """Return a string field, or a number or boolean as JSON writes it (`true`, `2.0`)."""
    value = record.get(name)
    if value is None or isinstance(value, (dict, list)):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _jsonl_record(
    raw: bytes | int, source: str, lineno: int, config: LoadConfig
) -> Article | LoadIssue | None:
    """Return the article of one raw JSONL line, an issue, or None for a blank line; an int
    stands for a line too long to read (`bounded_lines`), of that many bytes."""
    if isinstance(raw, int) or len(raw) > config.max_bytes:
        size = raw if isinstance(raw, int) else len(raw)
        return LoadIssue(
            source=source,
            line=lineno,
            problem=f"record is {size:,} bytes, over the {config.max_bytes:,}-byte limit "
            "(raise --max-bytes)",
        )
    if not raw.strip():
        return None
    try:
        # Without its line end: parsed with it, a record cut short failed on "line 2 column
        # 1" (reported as column 1) or on the newline as a control character in a string.
        record = json.loads(_record_text(raw, config.encoding).rstrip("\r\n"))
        if b"\\u" in raw and isinstance(record, dict):
            record = _without_lone_surrogates(record)
    except UnicodeDecodeError as err:
        if config.encoding is None:
            problem = f"not UTF-8 at byte {err.start} (name its encoding with --encoding)"
        elif codecs.lookup(config.encoding).name.startswith(_WIDE):
            problem = (
                f"not UTF-8 at byte {err.start} (JSON Lines cannot be read as "
                f"{config.encoding}: convert the file to UTF-8)"
            )
        else:
            problem = f"cannot be read as {config.encoding} at byte {err.start}"
        return LoadIssue(source=source, line=lineno, problem=problem)
    except json.JSONDecodeError as err:
        # err.msg leaves the place out ("Invalid control character at"): name the column.
        where = f"{err.msg.removesuffix(' at')} at column {err.colno}"
        return LoadIssue(source=source, line=lineno, problem=f"broken JSON: {where}")
    if not isinstance(record, dict):
        return LoadIssue(source=source, line=lineno, problem="not a JSON object")
    text = record.get(config.text_field)
    if not isinstance(text, str):
        if config.text_field not in record:
            what = "missing"
        else:
            what = "null" if text is None else f"a JSON {_json_kind(text)}, not a string"
        return LoadIssue(
            source=source,
            line=lineno,
            problem=f"field {config.text_field!r} is {what} (see --text-field)",
        )
    if not text.strip():
        return LoadIssue(source=source, line=lineno, problem="empty text")
    if "\x00" in text:
        return LoadIssue(source=source, line=lineno, problem="binary text (NUL characters)")
    given_id = record.get(config.id_field)
    if isinstance(given_id, dict | list):  # a database key as an object: no id to compare by
        return LoadIssue(
            source=source,
            line=lineno,
            problem=f"field {config.id_field!r} is a JSON {_json_kind(given_id)}, not a string "
            "or number (see --id-field)",
        )
    article_id = _field(record, config.id_field) or f"{source}:{lineno}"
    title = _field(record, config.title_field)
    date = _field(record, config.date_field)
    given_date = record.get(config.date_field)
    if isinstance(given_date, (dict, list)) and given_date:
        # As its JSON, so the story level counts it among the dates it could not read (an
        # object was undated in silence: QA 19a #7).
        date = json.dumps(given_date, ensure_ascii=False, sort_keys=True)
    url = _field(record, config.url_field)
    if is_html_document(text):  # a crawler's {"url", "html"} record: a page, not a text
        return _record_page(text, article_id, source, lineno, title, date, url)
    return Article(
        id=article_id,
        text=_line_ends(text),
        source=source,
        line=lineno,
        title=title,
        date=date,
        url=url,
    )


def is_html_document(text: str) -> bool:
    """Return True for a whole HTML page: it opens with a doctype or an <html> tag, after any
    byte order mark, comments (`<!-- served by cache-7 -->`) and an `<?xml ...?>` declaration
    (an XHTML page)."""
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    while head.startswith(("<!--", "<?xml")):
        close = "-->" if head.startswith("<!--") else "?>"
        end = head.find(close)
        if end < 0:
            return False
        head = head[end + len(close) :].lstrip()
    return head.startswith(("<!doctype html", "<html"))


def _record_page(
    markup: str,
    article_id: str,
    source: str,
    lineno: int,
    title: str | None,
    date: str | None,
    url: str | None,
) -> Article | LoadIssue:
    """Return the article extracted from a record's HTML page, as an .html file's is (its
    own fields win over what the page says), or the issue that stopped it."""
    from .html import ExtractorMissing, extract

    try:
        extraction = extract(markup, url=url)
    except ExtractorMissing as err:
        return LoadIssue(source=source, line=lineno, problem=str(err))
    except Exception as err:  # an extractor crash on one page skips that record
        problem = f"extractor failed: {type(err).__name__}: {err}"
        return LoadIssue(source=source, line=lineno, problem=problem)
    if extraction is None:
        problem = "an HTML page with no extractable text (trafilatura found no article body)"
        return LoadIssue(source=source, line=lineno, problem=problem)
    return Article(
        id=article_id,
        text=extraction.text,
        source=source,
        line=lineno,
        title=title or extraction.title,
        date=date or extraction.date,
        url=url or extraction.url,
        extractor=extraction.extractor,
    )


Reader = Callable[[Path, Path, LoadConfig], Iterator[Article | LoadIssue]]


# Paths naming a process's descriptors: the standard streams', /dev/fd/N, /proc/PID/fd/N.
_STANDARD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_DESCRIPTOR_NAME = re.compile(r"/dev/fd/(\d+)|/proc/(?:self|thread-self|(\d+))/fd/(\d+)")


def named_descriptor(path: Path | str) -> tuple[int, int | None] | None:
    """Return the descriptor a path names and the process it belongs to (None: this one):
    /dev/stdout (1, None), /dev/fd/3 and /proc/self/fd/3 (3, None), /proc/42/fd/3 (3, 42).
    None for any other path."""
    text = os.path.abspath(path)
    fd = _STANDARD_NAMES.get(text)
    if fd is not None:
        return fd, None
    m = _DESCRIPTOR_NAME.fullmatch(text)
    if m is None:
        return None
    pid = m.group(2)
    return int(m.group(1) or m.group(3)), None if pid is None else int(pid)


def read_file(path: Path, root: Path, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    """Yield the articles and issues of one file of a corpus, with the reader its name says."""
    # Ids and reports are UTF-8 text: "r\udce9sum\udce9.txt" is none. The whole path is
    # tested first, with no system call (relative_id asks whether root is a folder).
    if not _is_text(str(path)) and not _is_text(name := relative_id(path, root)):
        yield LoadIssue(source=_printable_name(name), problem=_not_utf8_name(name))
        return
    try:
        link = path.is_symlink()
        broken = link and not path.exists()
        regular = not broken and path.is_file()
        folder = not broken and not regular and path.is_dir()
    except OSError as err:  # in a folder that can be listed but not entered (mode 444)
        yield LoadIssue(source=relative_id(path, root), problem=f"cannot read: {err.strerror}")
        return
    if broken:
        try:
            target = f" to {os.readlink(path)}"
        except OSError:
            target = ""
        problem = f"broken symbolic link{target}"
        try:
            path.stat()
        except OSError as err:
            if err.errno == errno.ELOOP:  # links pointing at each other: no target is missing
                problem = f"symbolic link loop{target}"
        yield LoadIssue(source=relative_id(path, root), problem=problem)
        return
    if folder:  # listed by `list_files` because it cannot be listed
        yield LoadIssue(source=_folder_id(path, root), problem=_unlisted(path))
        return
    if link and regular and (itself := _listed_elsewhere(path, root, config)) is not None:
        yield LoadIssue(
            source=relative_id(path, root),
            problem=f"a link to {itself}, which is read as itself (once)",
            severity="warning",
        )
        return
    # /dev/stdin, /dev/fd/63 (a shell's <(...)): a stream, named as given. A worker process
    # does not hold the shell's descriptor, so there it looks vanished. (A corpus folder
    # under /dev/shm is a folder like any other.)
    stream = named_descriptor(path) is not None
    if not regular and not stream and not os.path.lexists(path):
        yield LoadIssue(
            source=relative_id(path, root), problem="vanished (deleted or moved since listed)"
        )
        return
    if not regular:
        yield LoadIssue(
            source=str(path) if stream else relative_id(path, root),
            problem="not a regular file or folder (a pipe, socket or device); newsdedup reads its "
            "input more than once, so save it to a file first",
        )
        return
    yield from _reader(path)(path, root, config)


def _not_utf8_name(name: str) -> str:
    """The problem of a name Python could not decode: the locale's, when its bytes are UTF-8
    that the locale's file-name encoding cannot read (QA 31 #4: "café.txt" under LC_ALL=C
    with PYTHONUTF8=0), else the file's."""
    encoding = sys.getfilesystemencoding()
    if codecs.lookup(encoding).name != "utf-8":
        try:
            os.fsencode(name).decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return (
                f"its name is not {encoding} text, the locale's file-name encoding; run in a "
                "UTF-8 locale or with PYTHONUTF8=1 to read it"
            )
    return "its name is not UTF-8 (bytes shown as \\xNN); rename the file to read it"


def _is_text(name: str) -> bool:
    """Return False for a name holding bytes that are no UTF-8 (surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable_name(name: str) -> str:
    """Return a file name with the bytes that are no UTF-8 written as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _folder_id(path: Path, root: Path) -> str:
    rel = relative_id(path, root)
    return str(path) if rel == "." else rel


def _unlisted(path: Path) -> str:
    """The problem of a folder the walk could not list (its files are skipped)."""
    try:
        with os.scandir(path):
            reason = "cannot list it"
    except OSError as err:
        reason = err.strerror or str(err)
    return f"cannot read folder: {reason}"


def _reader(path: Path) -> Reader:
    """Return the reader for a file, chosen by its suffix (text is the default)."""
    from .html import html_articles, is_html
    from .warc import is_warc, warc_articles

    if is_jsonl(path):
        return _jsonl_articles
    if path.name.lower().endswith(".json"):
        return _json_articles
    if is_warc(path):
        return warc_articles
    if is_html(path):
        return html_articles
    return _text_article


def iter_corpus(
    path: Path, config: LoadConfig | None = None, *, ids_from: Path | None = None
) -> Iterator[Article | LoadIssue]:
    """Yield articles and issues file by file, in sorted file order, reading each file once.

    File ids are relative to `ids_from` (`id_roots`; default: `path` itself)."""
    config = config or LoadConfig()
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file or directory")
    base = path if ids_from is None else Path(ids_from)
    seen: set[str] = set()
    for file in list_files(path, config):
        for item in read_file(file, base, config):
            if isinstance(item, Article):
                if item.id in seen:
                    yield duplicate_id(item.id, item.source, item.line)
                    continue
                seen.add(item.id)
            yield item


# What a duplicate id's issue adds when the load goes on; strict mode stops there instead.
_FIRST_WINS = "; the first record wins"


def duplicate_id(article_id: str, source: str, line: int | None) -> LoadIssue:
    """Return the issue of a record whose id an earlier record already has (skipped)."""
    return LoadIssue(source=source, line=line, problem=f"duplicate id {article_id!r}{_FIRST_WINS}")


def is_duplicate_id(issue: LoadIssue) -> bool:
    """Return True for the issue `duplicate_id` makes: a readable record left out."""
    return issue.problem.startswith("duplicate id ") and issue.problem.endswith(_FIRST_WINS)


def raise_issue(issue: LoadIssue) -> None:
    """Raise the `InputError` matching a `LoadIssue` (used by strict mode)."""
    if issue.line is not None:
        raise RecordError(issue.source, issue.line, issue.problem.removesuffix(_FIRST_WINS))
    if "NUL" in issue.problem or "UTF-8" in issue.problem or "cannot be read as" in issue.problem:
        raise DecodeError(issue.source, issue.problem)
    raise InputError(issue.source, issue.problem)


def load_corpus(
    paths: Path | Iterable[Path], *, strict: bool = False, config: LoadConfig | None = None
) -> LoadResult:
    """Read every article under the path(s); sorted by id, with the issues met on the way."""
    roots = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    articles: dict[str, Article] = {}
    glob = (config or LoadConfig()).glob
    issues: list[LoadIssue] = overlap_issues(roots, glob)
    for root, ids_from in id_roots(roots, glob):
        for item in iter_corpus(root, config, ids_from=ids_from):
            if isinstance(item, LoadIssue):
                if strict and item.severity == "skipped":
                    raise_issue(item)
                issues.append(item)
            elif item.id in articles:
                issues.append(duplicate_id(item.id, item.source, item.line))
            else:
                articles[item.id] = item
    ordered = tuple(articles[k] for k in sorted(articles))
    return LoadResult(articles=ordered, issues=tuple(issues))


# ---- parts: a corpus cut into pieces that worker processes read by themselves --------------
#
# A parallel scan must not read and parse the corpus in the main process (at 100k articles
# that was ~15 s of its ~46 s of CPU, the texts then pickled to the workers for ~8 s more).
# The main process only cuts the input into parts: byte ranges of whole lines of a JSONL file
# (found by counting newlines in big blocks, without decoding), or a few file paths. A worker
# reads its part with `read_part`, through the same record and file readers as `iter_corpus`,
# so articles and issues come out the same, in the same order. Duplicate ids span parts: the
# caller finds them while merging parts in order, as `iter_corpus` does.

# Bytes of JSONL per part: ~400 news articles, a few ms to find, ~0.5 s for a worker to clean.
SPAN_BYTES = 1 << 20
# Files per part of a folder.
FILES_PER_PART = 64
_BLOCK = 16 << 20  # bytes read at a time while looking for line starts


@dataclass(frozen=True, slots=True)
class Span:
    """Whole lines of a plain JSONL file: bytes [start, end), the first being line `line`."""

    path: Path
    root: Path  # what the file ids are relative to (`id_roots`)
    start: int
    end: int
    line: int


@dataclass(frozen=True, slots=True)
class Lines:
    """Raw lines of a JSONL file that cannot be read from an offset (gzip), from line `line`."""

    path: Path
    root: Path  # what the file ids are relative to (`id_roots`)
    line: int
    raws: tuple[bytes | int, ...]  # a line over --max-bytes is its length (`bounded_lines`)


@dataclass(frozen=True, slots=True)
class Files:
    """Some files of a folder (text, HTML, WARC), each read whole by its reader."""

    root: Path  # what the file ids are relative to (`id_roots`)
    files: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class Issues:
    """Problems met while cutting a file into parts, in their place in the corpus order."""

    issues: tuple[LoadIssue, ...]


@dataclass(frozen=True, slots=True)
class Missing:
    """A path given that does not exist (`InputError` when the parts before it are done)."""

    path: str


Part = Span | Lines | Files | Issues | Missing


def corpus_parts(
    path: Path,
    config: LoadConfig | None = None,
    *,
    span_bytes: int | None = None,
    files_per_part: int | None = None,
    whole_gzip: bool = False,
    files: Sequence[Path] | None = None,
    ids_from: Path | None = None,
) -> Iterator[Part]:
    """Cut the corpus under `path` into parts, in `iter_corpus` order, reading no record.

    A gzipped JSONL file is read here and handed on as `Lines`, unless `whole_gzip`: then it
    is a file of a `Files` part, read whole where the part is read (a Dask worker, which
    should not get the text through the client). `files` is `list_files(path, config)`
    when the caller has it already (a folder of a million files takes seconds to walk).
    File ids are relative to `ids_from` (`id_roots`; default: `path`), the parts' `root`."""
    config = config or LoadConfig()
    span_bytes = span_bytes or SPAN_BYTES
    files_per_part = files_per_part or FILES_PER_PART
    path = Path(path)
    if not path.exists():
        yield Missing(str(path))
        return
    base = path if ids_from is None else Path(ids_from)
    batch: list[Path] = []
    for file in list_files(path, config) if files is None else files:
        gzipped = is_gzipped(file)
        if not is_jsonl(file) or (gzipped and whole_gzip) or not file.is_file():
            batch.append(file)
            if len(batch) >= files_per_part:
                yield Files(base, tuple(batch))
                batch = []
            continue
        if batch:
            yield Files(base, tuple(batch))
            batch = []
        if gzipped:
            yield from _line_parts(file, base, span_bytes, config.max_bytes)
        else:
            yield from _span_parts(file, base, span_bytes)
    if batch:
        yield Files(base, tuple(batch))


def _span_parts(path: Path, root: Path, span_bytes: int) -> Iterator[Span | Issues]:
    """Cut a plain JSONL file after a newline every `span_bytes` or so.

    Reads block by block and keeps no more than a block, however long a line runs (a record
    of a gigabyte is skipped by its reader as over --max-bytes, never held here). Gives the
    issues `_jsonl_articles` gives for a file it cannot open or read, or an empty one.
    """
    offset = 0  # file offset of the block's first byte
    start = 0  # file offset where the next span starts
    line = 1  # number of the line starting there
    pending = 0  # newlines between `start` and the block's start
    last_end = 0  # file offset just after the last newline seen
    lines_to_last = 0  # newlines between `start` and `last_end`
    problem = None
    size = 0
    tail = b""  # the file's last byte
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                tail = block[-1:]
                i = 0
                while True:
                    j = block.find(b"\n", max(i, start + span_bytes - 1 - offset))
                    if j < 0:
                        break
                    end = offset + j + 1
                    yield Span(path, root, start, end, line)
                    line += pending + block.count(b"\n", i, j + 1)
                    pending = 0
                    start = end
                    i = j + 1
                last = block.rfind(b"\n", i)
                if last >= 0:
                    last_end = offset + last + 1
                    lines_to_last = pending + block.count(b"\n", i, last + 1)
                pending += block.count(b"\n", i)
                offset += len(block)
            size = offset
    except OSError as err:
        # `_jsonl_articles` reads the lines before the error, then reports past the last one.
        if last_end > start:
            yield Span(path, root, start, last_end, line)
            line += lines_to_last
            start = last_end
        problem = f"cannot read past line {line - 1}: {err}"
    if start < size and problem is None:
        yield Span(path, root, start, size, line)
        line += pending + (tail != b"\n")
    source = relative_id(path, root)
    issues = []
    if problem is not None:
        issues.append(LoadIssue(source=source, problem=problem, line=line))
    if line == 1:
        issues.append(LoadIssue(source=source, problem="empty file"))
    if issues:
        yield Issues(tuple(issues))


def _line_parts(path: Path, root: Path, span_bytes: int, limit: int) -> Iterator[Lines | Issues]:
    """Read a gzipped JSONL file here and hand its raw lines on in parts (a line over
    `limit` bytes as its length)."""
    source = relative_id(path, root)
    raws: list[bytes | int] = []
    size = 0
    first = lineno = 0
    issues = []
    try:
        for lineno, raw in enumerate(_open_lines(path, limit), start=1):
            if not raws:
                first = lineno
            raws.append(raw)
            size += len(raw) if isinstance(raw, bytes) else 1
            if size >= span_bytes:
                yield Lines(path, root, first, tuple(raws))
                raws, size = [], 0
    except (OSError, EOFError, zlib.error) as err:
        issues.append(_unreadable(source, lineno, err))
    if raws:
        yield Lines(path, root, first, tuple(raws))
    if lineno == 0 and not issues:
        issues.append(LoadIssue(source=source, problem="empty file"))
    if issues:
        yield Issues(tuple(issues))


def read_part(part: Part, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    """Yield the articles and issues of a part, as `iter_corpus` does (without duplicate ids).

    A `Missing` part yields nothing: the caller raises when it reaches it.
    """
    if isinstance(part, Span):
        yield from _span_articles(part, config)
    elif isinstance(part, Lines):
        yield from _records(part.raws, relative_id(part.path, part.root), part.line, config)
    elif isinstance(part, Files):
        for file in part.files:
            yield from read_file(file, part.root, config)
    elif isinstance(part, Issues):
        yield from part.issues


def _span_articles(span: Span, config: LoadConfig) -> Iterator[Article | LoadIssue]:
    source = relative_id(span.path, span.root)
    size = span.end - span.start
    raws: Iterable[bytes | int]
    try:
        with span.path.open("rb") as handle:
            handle.seek(span.start)
            if size <= config.max_bytes:  # no line of it can be over the limit
                # BytesIO splits at b"\n" only, keeping it, as iterating over the file does.
                raws = io.BytesIO(handle.read(size))
            else:  # a line may be over the limit: read line by line, past it
                raws = list(bounded_lines(handle, config.max_bytes, size))
    except OSError as err:  # gone or unreadable since it was cut into parts
        problem = f"cannot read past line {span.line - 1}: {err}"
        yield LoadIssue(source=source, problem=problem, line=span.line)
        return
    yield from _records(raws, source, span.line, config)


def _records(
    raws: Iterable[bytes | int], source: str, first: int, config: LoadConfig
) -> Iterator[Article | LoadIssue]:
    """Yield the records of raw JSONL lines, the first being line `first` of `source`."""
    for lineno, raw in enumerate(raws, start=first):
        item = _jsonl_record(raw, source, lineno, config)
        if item is not None:
            yield item
