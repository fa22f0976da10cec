"""Write a deduplicated copy of a corpus: one representative per cluster plus every singleton.

The copy keeps the input's format and bytes: files are copied byte for byte to the same
relative paths, and JSONL records are copied as their original lines. `removed.csv` maps each
dropped article to the one kept in its place. The input is only ever read.

Atomicity: everything is written into a hidden temporary folder (or file) beside the target
and renamed into place at the end, so an interrupted run leaves either the old output or the
new one, never half of one. A crash may leave the hidden `.NAME.*.tmp` behind; a failure we
see removes it.
"""

from __future__ import annotations

import errno
import functools
import gzip
import itertools
import os
import secrets
import shutil
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import LoadConfig
from .errors import ConfigError, InputError
from .load import (
    PIECE_BYTES,
    id_roots,
    is_jsonl,
    iter_corpus,
    read_places,
    relative_id,
)
from .records import Article, DedupResult
from .serialize import csv_text

Progress = Callable[[str, int, int], None]  # (stage, done, total), as the pipeline reports
# `via`: the article `similarity` was measured against when it is not the kept one (a member
# that joined its cluster through another member); empty otherwise. Added 2026-11-25.
REMOVED_FIELDS = ("removed", "kept", "cluster", "similarity", "via")
REMOVED_NAME = "removed.csv"


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """An article left out of the copy, and the representative kept in its place."""

    removed: str
    kept: str
    cluster: int
    similarity: float
    via: str = ""  # the member `similarity` is measured against, when not `kept`


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRef:
    """Where an article lives, without its text: all a writer or an annotation needs."""

    id: str
    source: str  # file, relative to the path the user named (as `Article.source`)
    line: int | None = None  # 1-based JSONL line; None for a whole-file article


def article_refs(roots: Sequence[Path], config: LoadConfig | None = None) -> list[ArticleRef]:
    """Read the corpus once more and return where each article lives (the first id wins,
    as in `load_corpus`); only locations are kept, so memory stays small."""
    refs: list[ArticleRef] = []
    seen: set[str] = set()
    for root, ids_from in id_roots(roots, (config or LoadConfig()).glob):
        for item in iter_corpus(root, config, ids_from=ids_from):
            if isinstance(item, Article) and item.id not in seen:
                seen.add(item.id)
                refs.append(ArticleRef(id=item.id, source=item.source, line=item.line))
    return refs


@dataclass(frozen=True, slots=True, kw_only=True)
class DedupPlan:
    """What a deduplicated copy holds: the kept articles and the removals, both sorted by id."""

    kept: tuple[ArticleRef, ...]
    removed: tuple[Removal, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteSummary:
    """What `write_deduplicated` wrote."""

    out: Path
    removed_csv: Path
    files: int  # article files (or JSONL files) written
    kept: int
    removed: int


def check_copyable(refs: Sequence[ArticleRef], root: Path | None = None) -> None:
    """Raise `ConfigError` unless every article is a whole file or one line of a JSONL file:
    the only two shapes the writer can copy without rewriting a byte. With `root` (the path
    the user named), files are named by their path from it."""

    def named(source: str) -> str:
        return source if root is None else str(source_path(root, source))

    whole: set[str] = set()
    for ref in refs:
        if ref.line is None:
            if ref.source in whole:
                raise ConfigError(
                    f"{named(ref.source)}: holds several articles, which dedup cannot copy "
                    "apart (it copies whole text files and JSONL lines)"
                )
            whole.add(ref.source)
        elif ref.source.lower().endswith(".json"):
            raise _json_named(Path(named(ref.source)))
        elif not is_jsonl(Path(ref.source)):
            raise ConfigError(
                f"{named(ref.source)}: line {ref.line} is not a JSONL record; dedup copies "
                "whole text files and JSONL lines only"
            )


def _json_named(path: Path) -> ConfigError:
    """The refusal of JSON Lines named .json: the loader reads them, but dedup's output
    file is JSONL by its name, so the input must be named so too."""
    return ConfigError(
        f"{path}: dedup writes JSON Lines files named .jsonl (or .ndjson); "
        f"rename it {path.stem}.jsonl to copy its records"
    )


def plan_dedup(articles: Iterable[Article | ArticleRef], result: DedupResult) -> DedupPlan:
    """Return which articles a deduplicated copy keeps and which it drops (and for whom)."""
    refs = [ArticleRef(id=a.id, source=a.source, line=a.line) for a in articles]
    check_copyable(refs)
    removals = {
        m.id: Removal(
            removed=m.id,
            kept=c.representative,
            cluster=c.id,
            similarity=m.similarity,
            via="" if m.via in (None, c.representative) else m.via,
        )
        for c in result.clusters
        for m in c.members
        if m.id != c.representative
    }
    kept = tuple(sorted((r for r in refs if r.id not in removals), key=lambda r: r.id))
    return DedupPlan(kept=kept, removed=tuple(removals[k] for k in sorted(removals)))


def removed_csv(plan: DedupPlan) -> str:
    """Return `removed.csv`: one row per dropped article with the id kept in its place."""
    rows = ((r.removed, r.kept, r.cluster, r.similarity, r.via) for r in plan.removed)
    return csv_text(itertools.chain([REMOVED_FIELDS], rows))


def source_path(root: Path, source: str) -> Path:
    """Return the file an article was read from, given the path the user named."""
    return root if root.is_file() else root / source


def article_locations(
    articles: Iterable[Article | ArticleRef],
    roots: Sequence[Path],
    config: LoadConfig | None = None,
    *,
    base: Path | None = None,
) -> dict[str, tuple[str, int | None]]:
    """Return id -> (file as the user named it, JSONL line or None), for messages; `roots`
    and `config` as the articles were read with.

    With `base`, absolute paths inside it are made relative to it: GitHub annotations need
    paths relative to the checkout, whatever form the workflow passed the corpus in.
    """
    out: dict[str, tuple[str, int | None]] = {}
    base = base.resolve() if base is not None else None
    # Each root as the user named it, whether it is a folder, and what its ids begin with:
    # "" when they are relative to the root itself, else its path below the ids' base
    # ("2024/a.txt" for articles/2024/a.txt beside articles/2025/a.txt).
    leads = [
        (r, r.is_dir(), "" if ids_from == r else relative_id(r, ids_from))
        for r, ids_from in id_roots(roots, (config or LoadConfig()).glob)
    ]
    for article in articles:
        path = next(
            (
                found
                for r, folder, lead in leads
                if (found := _named(r, folder, lead, article.source))
            ),
            Path(article.source),
        )
        if base is not None and path.is_absolute() and base in path.parents:
            path = path.relative_to(base)
        out[article.id] = (path.as_posix(), article.line)
    return out


def _named(root: Path, folder: bool, lead: str, source: str) -> Path | None:
    """Return the file `source` was read from as the user named it, when it lies under
    `root` (see `article_locations`), else None."""
    if not folder:
        return root if source == (lead or root.name) else None
    if lead:
        if not source.startswith(lead + "/"):
            return None
        source = source[len(lead) + 1 :]
    path = root / source
    return path if path.is_file() else None


def output_is_file(root: Path) -> bool:
    """Return True when a dedup of `root` is one JSONL file, False when it is a folder."""
    return root.is_file() and is_jsonl(root)


def removed_csv_path(out: Path, *, as_file: bool) -> Path:
    """Return where `removed.csv` goes: inside the output folder, or beside the output file."""
    if not as_file:
        return out / REMOVED_NAME
    name = out.name
    for suffix in (".gz", ".jsonl", ".ndjson"):
        name = name.removesuffix(suffix)
    return out.with_name(f"{name}.{REMOVED_NAME}")


def _occupied(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.exists() and path.stat().st_size > 0


def check_target(
    root: Path,
    out: Path,
    *,
    force: bool = False,
    folder: bool = False,
    load: LoadConfig | None = None,
) -> None:
    """Raise `ConfigError` when writing to `out` could touch the input or clobber output.

    `folder`: the user wrote `out` as a folder (`outdir/`), which `Path` forgets. `load`: how
    the input is read (which files of a folder, whose links lead anywhere)."""
    try:
        _check_target(root, out, force=force, folder=folder, load=load)
    except OSError as error:
        if error.errno != errno.ENAMETOOLONG:
            raise
        # A name over the file system's limit was an internal error (QA 20b #3).
        raise ConfigError(f"{out}: cannot be written: {error.strerror}") from error


def _check_target(
    root: Path, out: Path, *, force: bool, folder: bool, load: LoadConfig | None
) -> None:
    src, dst = root.resolve(), out.resolve()
    # What the input reaches through links (one walk of it): linked folders are a part of it,
    # and an article file linked in lives where its link leads, so an output there, or
    # around it, would overwrite or delete it (`--force` replaces a folder whole).
    places = read_places(root, load or LoadConfig()) if root.is_dir() else []
    folders = []
    for real, linked in places:
        if real.is_dir():
            folders.append(real)
        elif dst == real or dst in real.parents:
            raise ConfigError(
                f"{out}: holds the input article {linked} (a link to {real}); replacing "
                "it would delete the input, write the deduplicated copy elsewhere"
            )
    as_file = output_is_file(root)
    # The folders the input is read from: itself, then the linked folders inside it (a plain
    # subfolder adds nothing: whatever it would refuse, the input itself refuses first).
    read_from = [src, *(f for f in folders if f != src)]
    for place in read_from:
        via = "" if place == src else f" (through a linked folder: {place})"
        if dst == place or place in dst.parents:
            raise ConfigError(
                f"{out}: inside the input {root}{via}; write the deduplicated copy elsewhere"
            )
        if dst in place.parents:
            raise ConfigError(
                f"{out}: holds the input {root}{via}; replacing it would delete the input, "
                "write the deduplicated copy elsewhere"
            )
    if dst.exists() and not (dst.is_dir() or dst.is_file()):
        raise ConfigError(
            f"{out}: exists and is neither a folder nor a regular file (a device or a pipe); "
            "dedup writes files, name another --out"
        )
    if as_file and (folder or dst.is_dir()):
        what = "is" if dst.is_dir() else "names"
        raise ConfigError(
            f"{out}{os.sep if folder else ''}: {what} a folder, but a JSONL input is written as "
            f"one JSONL file; name the file, such as {out / root.name}"
        )
    if root.is_file() and root.name.lower().endswith(".json"):
        raise _json_named(root)
    if not as_file and (dst.is_file() or is_jsonl(dst)):
        if root.is_dir():
            raise ConfigError(
                f"{out}: a folder input is written as a folder; name a folder for --out"
            )
        raise ConfigError(
            f"{out}: only a JSONL input (.jsonl, .jsonl.gz, .ndjson) is written as one file; "
            f"{root.name} is copied into a folder, so name a folder for --out"
        )
    # Checked at their real places, named as the user wrote them.
    targets = [(dst, out)]
    if as_file:
        targets.append((removed_csv_path(dst, as_file=True), removed_csv_path(out, as_file=True)))
    for target, named in targets:
        try:
            occupied = _occupied(target)
        except OSError as error:  # a name too long (NAME.removed.csv beside a long NAME)
            raise ConfigError(
                f"{named}: cannot be written: {error.strerror or error}"
                + (" (name the output shorter)" if error.errno == errno.ENAMETOOLONG else "")
            ) from error
        if occupied and not force:
            raise ConfigError(f"{named}: already exists and is not empty (use --force)")


def _copy_file(src: Path, dst: Path) -> None:
    """Copy one article file byte for byte (the seam tests use to simulate a crash)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(src, dst)
    except FileNotFoundError as err:
        if os.path.lexists(src):
            raise
        # The input, not the output: the user must hear which file went away.
        raise InputError(
            str(src), "vanished since the scan (deleted or moved); nothing was written"
        ) from err


def _raw_lines(path: Path) -> Iterator[bytes]:
    """Yield the file's bytes in pieces of a line each: a piece ending in a newline ends
    its line, and a line longer than `PIECE_BYTES` comes in several.

    Damaged gzip data (cut short, a bad checksum, garbage after the last member) ends the
    lines where the loader's reading ended, as the scan reported: no record past it was
    read, so none is kept (QA 15c: dedup failed there with an internal error, or blamed
    the output, where scan had read the records before the damage)."""
    gzipped = path.name.lower().endswith(".gz")
    damage = (EOFError, zlib.error, gzip.BadGzipFile) if gzipped else ()
    with (gzip.open if gzipped else open)(path, "rb") as handle:
        while True:
            try:
                piece = handle.readline(PIECE_BYTES)
            except damage:
                return
            if not piece:
                return
            yield piece


def _write_lines(src: Path, dst: Path, keep: set[int], *, compress: bool) -> None:
    """Copy the lines numbered in `keep` (1-based, as the loader counts) byte for byte."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "wb") as raw:
        sink = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if compress else raw
        reached = 0  # the last line number read
        try:
            n = 1
            for piece in _raw_lines(src):
                if n in keep:
                    sink.write(piece)
                reached = n
                n += piece.endswith(b"\n")
        finally:
            if compress:
                sink.close()
    if keep and max(keep) > reached:
        gone = min(line for line in keep if line > reached)
        raise InputError(
            str(src), f"changed since the scan: line {gone} is no longer there; nothing was written"
        )


def _fill(root: Path, plan: DedupPlan, folder: Path, progress: Progress | None) -> int:
    """Write the kept articles under `folder`; return how many files were written."""
    files = 0
    jsonl: dict[str, set[int]] = {}
    for n, article in enumerate(plan.kept, start=1):
        if progress and (n % 200 == 0 or n == len(plan.kept)):
            progress("write", n, len(plan.kept))
        if article.line is None:
            if article.source == REMOVED_NAME:
                raise ConfigError(f"{root}: an article named {REMOVED_NAME} would be overwritten")
            _copy_file(source_path(root, article.source), folder / article.source)
            files += 1
        else:
            jsonl.setdefault(article.source, set()).add(article.line)
    for source in sorted(jsonl):
        src = source_path(root, source)
        _write_lines(src, folder / source, jsonl[source], compress=source.lower().endswith(".gz"))
        files += 1
    (folder / REMOVED_NAME).write_text(removed_csv(plan), encoding="utf-8", newline="\n")
    return files


# How much of the target's name a temporary name beside it holds: with the dot, random part
# and suffix it stays far under the 255 bytes most file systems allow a name, so any name
# the user may give can be written (QA 19b #3: names over ~240 bytes were refused).
_TEMP_STEM_BYTES = 120


def temp_stem(name: str) -> str:
    """Return the start of `name` a temporary name beside it holds (whole characters)."""
    return name.encode("utf-8", "surrogateescape")[:_TEMP_STEM_BYTES].decode("utf-8", "ignore")


def _fresh(parent: Path, name: str, suffix: str, *, folder: bool) -> Path:
    """Create a new hidden folder or empty file beside the target, honouring the umask
    (tempfile's 0700/0600 modes would leak into the output the user gets)."""
    for _ in range(100):
        path = parent / f".{temp_stem(name)}.{secrets.token_hex(4)}{suffix}"
        try:
            if folder:
                path.mkdir()
            else:
                path.open("xb").close()
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{parent}: cannot create a temporary name for {name}")


def _swap_in(tmp: Path, out: Path) -> None:
    """Rename `tmp` onto `out`, moving an old `out` aside first and deleting it after. When a
    rename fails (a read-only `out` cannot be moved), the old `out` is back in its place and
    no folder made here is left behind; should even moving it back fail, it stays aside in
    the hidden `.old` folder, never deleted."""
    if not out.exists():
        os.replace(tmp, out)
        return
    shelf = _fresh(out.parent, out.name, ".old", folder=True)
    aside = shelf / out.name
    try:
        os.replace(out, aside)
        try:
            os.replace(tmp, out)
        except BaseException:
            os.replace(aside, out)
            raise
    finally:
        # `out` is missing only when the old output could not be moved back: it is all that
        # is left of the user's output, so the shelf holding it stays.
        if out.exists():
            shutil.rmtree(shelf, ignore_errors=True)


def _write_folder(root: Path, plan: DedupPlan, out: Path, progress: Progress | None) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _fresh(out.parent, out.name, ".tmp", folder=True)
    try:
        files = _fill(root, plan, tmp, progress)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return files


def _write_file(root: Path, plan: DedupPlan, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_path = removed_csv_path(out, as_file=True)
    data_tmp = _fresh(out.parent, out.name, ".tmp", folder=False)
    csv_tmp = _fresh(csv_path.parent, csv_path.name, ".tmp", folder=False)
    csv_old: Path | None = None  # the old NAME.removed.csv, moved aside while swapping
    try:
        keep = {a.line for a in plan.kept if a.line is not None}
        _write_lines(root, data_tmp, keep, compress=out.name.lower().endswith(".gz"))
        csv_tmp.write_text(removed_csv(plan), encoding="utf-8", newline="\n")
        # Two files cannot be swapped in one step: the old CSV goes aside first, and comes
        # back if the data file cannot be moved in, so the two always belong together (QA
        # 15c: the new CSV stood beside the old data after a failed --force run).
        if csv_path.exists():
            placeholder = _fresh(csv_path.parent, csv_path.name, ".old", folder=False)
            try:
                os.replace(csv_path, placeholder)
            except BaseException:
                placeholder.unlink(missing_ok=True)
                raise
            csv_old = placeholder
        os.replace(csv_tmp, csv_path)
        try:
            os.replace(data_tmp, out)
        except BaseException:
            if csv_old is None:
                csv_path.unlink(missing_ok=True)
            raise
    except BaseException:
        data_tmp.unlink(missing_ok=True)
        csv_tmp.unlink(missing_ok=True)
        if csv_old is not None:
            os.replace(csv_old, csv_path)  # the old CSV back beside the old data
        raise
    if csv_old is not None:
        csv_old.unlink(missing_ok=True)
    return 1


def write_deduplicated(
    root: Path,
    plan: DedupPlan,
    out: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> WriteSummary:
    """Write the kept articles of the corpus at `root` to `out`, atomically; return a summary.

    A folder (or a single text file) is written as a folder; a JSONL file as a JSONL file
    with `NAME.removed.csv` beside it. Refuses (ConfigError) an output inside the input, one
    that contains it, or an existing non-empty one unless `force`.
    """
    root, out = Path(root), Path(out)
    check_target(root, out, force=force)
    as_file = output_is_file(root)
    write_folder = functools.partial(_write_folder, progress=progress)
    files = (_write_file if as_file else write_folder)(root, plan, out)
    return WriteSummary(
        out=out,
        removed_csv=removed_csv_path(out, as_file=as_file),
        files=files,
        kept=len(plan.kept),
        removed=len(plan.removed),
    )
