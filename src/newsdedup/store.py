"""A persistent index: add each day's articles, check new ones against everything kept so far.

Per article the index keeps what verification needs and nothing more: the sorted 64-bit shingle
hashes, the MinHash signature, its LSH band keys (the same keys `scan` groups by), and the
length of its clean text. A header records the parameters and hashing schemes; opening an index
with parameters that would make different shingles, signatures or bands is a `ConfigError`.

Site templates: the index also counts, per short canonical line, how many indexed articles
contain it (and how many articles were ever added). A new batch is cleaned with the templates
that those stored counts plus the batch's own counts give, exactly as `scan` would learn them
from archive and batch together. Indexed articles are not re-cleaned when templates change later
(that would cost time proportional to the archive), and removing an article does not lower the
counts: they describe every article ever added.

Storage lives behind `Backend`: SQLite (`store_sqlite`, the default: one local file, no server)
and Redis (`store_redis`, `redis://host:port/db`, for several writers sharing one index).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import struct
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .config import (
    HASHING_SCHEME,
    MINHASH_SCHEME,
    CleanConfig,
    DedupConfig,
    IndexConfig,
    ShingleConfig,
)
from .errors import ConfigError, InputError
from .index import band_keys, bucket_head, lede_keys, lsh_keys
from .pipeline import clean, fingerprint
from .records import Article, LoadIssue, by_id
from .templates import document_keys
from .verify import SCORE_PLACES, verify

FORMAT = 1  # bump when the stored layout changes
Progress = Callable[[str, int, int], None]
_U64 = np.dtype("<u8")
_U32 = np.dtype("<u4")
_QUERY_CHUNK = 1000  # new articles looked up and verified per round trip


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One article as the index stores it."""

    id: str
    length: int
    shingles: npt.NDArray[np.uint64]
    signature: npt.NDArray[np.uint32]
    bands: npt.NDArray[np.uint64]  # empty for articles too short to index
    lines: tuple[int, ...] = ()  # template line keys, counted once when the article is added
    digest: bytes = b""  # `text_digest` of the article as added (b"": not known)
    # `raw_digest` of its text, never stored: what rows written before 2026-11-25 hold.
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class Stored:
    """What verification reads back for one indexed article."""

    id: str
    length: int
    shingles: npt.NDArray[np.uint64]
    digest: bytes = b""  # `text_digest` of its text when added (b"": an older index's row)


DIGEST_BYTES = 8


def text_digest(text: str) -> bytes:
    """Return a digest of an article's text as loaded, line ends and the white space ending
    each line and the text left out: the same article read again has the same one, whatever
    the templates learnt since (its cleaned shingles may not), and so does a page fetched
    again with CRLF line ends or a trailing space (QA 15a #4: "a 1.00 copy of itself")."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return raw_digest("\n".join(line.rstrip() for line in lines).strip())


def raw_digest(text: str) -> bytes:
    """Return the digest of the text byte for byte: what rows written before 2026-11-25
    hold, so an article checked against them is still known as itself."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=DIGEST_BYTES).digest()


def _is_itself(
    article_id: str, digests: tuple[bytes, ...], shingles: npt.NDArray[np.uint64], other: Stored
) -> bool:
    """Return True when `other` is the article itself, indexed before: its id, and the same
    text by digest (`text_digest`, or `raw_digest` in rows written before it), so templates
    learnt since do not matter; in an older index's rows, which have no digest, the same
    shingles."""
    if other.id != article_id:
        return False
    if other.digest:
        return other.digest in digests
    return bool(np.array_equal(other.shingles, shingles))


class Backend(Protocol):
    """Storage for an index; every write method is atomic."""

    location: str

    def read_header(self) -> dict[str, Any] | None: ...
    def create_header(self, header: dict[str, Any]) -> dict[str, Any]: ...
    def present(self, ids: Sequence[str]) -> set[str]: ...
    def line_counts(self, keys: Sequence[int]) -> dict[int, int]: ...
    def docs(self) -> int: ...
    def count(self) -> int: ...
    def add(self, entries: Sequence[Entry]) -> int: ...
    def lookup(self, keys: Sequence[int]) -> dict[int, list[int]]: ...
    def fetch(self, refs: Sequence[int]) -> dict[int, Stored]: ...
    def signatures(self, ids: Sequence[str]) -> dict[str, tuple[int, bytes]]: ...
    def remove(self, items: Sequence[tuple[str, int, Sequence[int]]]) -> list[str]: ...
    def iter_entries(self) -> Iterator[tuple[int, str, bytes, list[int]]]: ...
    def size(self) -> dict[str, Any]: ...
    def close(self) -> None: ...
    def damage(self, error: BaseException) -> InputError | None:
        """Return the input error that `error`, raised while using the index, means (a
        damaged file), or None when it is not the storage's."""
        ...


# ---- packing: fixed little-endian layouts, identical on every machine ------------------------


def pack_u64(values: npt.NDArray[np.uint64]) -> bytes:
    return np.ascontiguousarray(values, dtype=_U64).tobytes()


class RowDamage(ValueError):
    """A stored row that cannot be read (a blob cut or overwritten): the index is damaged."""


def unpack_u64(data: bytes) -> npt.NDArray[np.uint64]:
    if len(data) % 8:
        raise RowDamage(
            f"a stored article's shingles are {len(data)} bytes, no whole 8-byte values"
        )
    return np.frombuffer(data, dtype=_U64).astype(np.uint64)


def pack_u32(values: npt.NDArray[np.uint32]) -> bytes:
    return np.ascontiguousarray(values, dtype=_U32).tobytes()


def to_signed(keys: npt.NDArray[np.uint64]) -> list[int]:
    """Return 64-bit keys as signed ints (SQLite integers are signed 64-bit)."""
    return [int(k) for k in np.ascontiguousarray(keys, dtype=np.uint64).view(np.int64)]


# Set in the signature-length word of `pack_article` when a text digest follows the signature
# (signatures are at most 4096 values, so the bit is free; older rows have it clear).
_HAS_DIGEST = 1 << 31


def pack_article(entry: Entry) -> bytes:
    """Return one article as bytes: id, length, signature, digest, shingles (used by Redis)."""
    ident = entry.id.encode("utf-8")
    n_sig = len(entry.signature) | (_HAS_DIGEST if entry.digest else 0)
    head = struct.pack("<III", len(ident), entry.length, n_sig)
    return head + ident + pack_u32(entry.signature) + entry.digest + pack_u64(entry.shingles)


def unpack_article(data: bytes) -> tuple[str, int, bytes, npt.NDArray[np.uint64], bytes]:
    """Return (id, length, signature bytes, shingles, digest) from `pack_article` bytes; the
    digest is b"" in rows written before it was kept."""
    n_id, length, n_sig = struct.unpack_from("<III", data)
    start = 12
    ident = data[start : start + n_id].decode("utf-8")
    start += n_id
    signature = data[start : start + 4 * (n_sig & ~_HAS_DIGEST)]
    start += len(signature)
    digest = b""
    if n_sig & _HAS_DIGEST:
        digest = data[start : start + DIGEST_BYTES]
        start += DIGEST_BYTES
    return ident, length, signature, unpack_u64(data[start:]), digest


# ---- the header ----------------------------------------------------------------------------


def _flat(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{prefix}.{k}": v for k, v in values.items()}


def compat_params(config: DedupConfig) -> dict[str, Any]:
    """Return the parameters that decide stored shingles, signatures and bands (dotted keys).

    The verification thresholds (`threshold`, `containment`) are left out on purpose: they
    apply when checking, so one index can be checked at a stricter or looser threshold.
    """
    bands, rows = config.index.bands_rows
    return {
        **_flat("clean", asdict(config.clean)),
        **_flat("shingle", asdict(config.shingle)),
        "index.num_perm": config.index.num_perm,
        "index.seed": config.index.seed,
        "index.lsh_threshold": config.index.lsh_threshold,
        "index.lede_words": config.index.lede_words,
        "bands": bands,
        "rows": rows,
        "min_shingles": config.min_shingles,
        "minhash_scheme": MINHASH_SCHEME,
        "hashing_scheme": HASHING_SCHEME,
    }


def make_header(config: DedupConfig) -> dict[str, Any]:
    """Return the header a new index is created with."""
    import datasketch

    return {
        "format": FORMAT,
        "config": asdict(config),
        "compat": compat_params(config),
        "datasketch": datasketch.__version__,
    }


def _part(cls: Any, values: Mapping[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in known})


def config_from_header(header: Mapping[str, Any]) -> DedupConfig:
    """Return the `DedupConfig` an index was created with (unknown fields ignored)."""
    stored = dict(header["config"])
    top = {f.name for f in fields(DedupConfig)} - {"clean", "shingle", "index"}
    # An index made before lede keys (2026-11-25) holds none: it keeps working without them,
    # as it did, rather than find teasers only among the articles added since.
    index = {"lede_words": 0, **stored.get("index", {})}
    return DedupConfig(
        clean=_part(CleanConfig, stored.get("clean", {})),
        shingle=_part(ShingleConfig, stored.get("shingle", {})),
        index=_part(IndexConfig, index),
        **{k: v for k, v in stored.items() if k in top and not isinstance(v, dict)},
    )


def check_header(location: str, header: Mapping[str, Any], config: DedupConfig) -> None:
    """Raise `ConfigError` when `config` would not make the shingles and bands stored."""
    if header.get("format") != FORMAT:
        raise ConfigError(
            f"{location}: index format {header.get('format')!r}, this newsdedup reads {FORMAT} "
            "(rebuild the index with this version)"
        )
    stored, wanted = header["compat"], compat_params(config)
    differ = sorted(k for k in stored.keys() & wanted.keys() if stored[k] != wanted[k])
    if differ:
        have = ", ".join(f"{k}={stored[k]!r}" for k in differ)
        asked = ", ".join(f"{k}={wanted[k]!r}" for k in differ)
        raise ConfigError(
            f"{location}: index was built with {have}, not {asked} "
            "(drop those options to use the index's, or build a new index)"
        )


# ---- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexMatch:
    """An indexed article that a checked article duplicates, with the exact evidence."""

    id: str
    similarity: float
    jaccard: float
    containment: float
    shared: int
    via: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedArticle:
    """One checked article and the indexed articles it duplicates, best first."""

    id: str
    duplicates: tuple[IndexMatch, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexCheckResult:
    """Every checked article (sorted by id) and what it duplicates in the index."""

    params: dict[str, Any]
    index_articles: int
    articles: tuple[CheckedArticle, ...]
    candidates: int = 0
    skipped: tuple[LoadIssue, ...] = ()
    warnings: tuple[LoadIssue, ...] = ()
    # Checked articles with too few shingles to compare (no band key): never a duplicate.
    too_short: tuple[str, ...] = ()

    @property
    def duplicates(self) -> int:
        """Checked articles that duplicate at least one indexed article."""
        return sum(1 for a in self.articles if a.duplicates)

    @property
    def duplicate_rate(self) -> float:
        return self.duplicates / len(self.articles) if self.articles else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class AddSummary:
    """What `add` did: articles added, already present, and added but too short to index;
    `taken`: ids the index holds for another article (not added)."""

    added: int
    present: int
    unindexed: int
    total: int  # articles in the index afterwards
    taken: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()  # ids whose changed article replaced the indexed one (a
    # part of `added`; only with `add(replace=True)`)


# ---- the index -----------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PersistentIndex:
    """An index on a backend, read with one `DedupConfig`; see the module docstring."""

    def __init__(self, backend: Backend, config: DedupConfig) -> None:
        self.backend = backend
        self.config = config

    def __enter__(self) -> PersistentIndex:
        return self

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        self.close()
        if isinstance(error, RowDamage):  # QA 17b #3: was an internal error (exit 4)
            raise InputError(self.location, f"damaged: {error}") from error
        damage = self.backend.damage(error) if error is not None else None
        if damage is not None:
            raise damage from error

    def close(self) -> None:
        self.backend.close()

    @property
    def location(self) -> str:
        return self.backend.location

    def __len__(self) -> int:
        return self.backend.count()

    # -- cleaning with the archive's templates --

    def templates_for(
        self, new: Sequence[Article], indexed: Sequence[Article] = ()
    ) -> frozenset[int]:
        """Return the template line keys for a batch: stored counts plus the batch's own.

        `new` are the batch's articles the index does not hold: their lines count as if
        added. `indexed` are those it holds already (by id): their lines were counted when
        they were added, so they are looked up, not counted again. Without them, an indexed
        article checked again was cleaned with no templates at all, so its shingles were not
        the ones stored, and it was reported as a copy of itself.
        """
        cfg = self.config.clean
        if not cfg.templates:
            return frozenset()
        batch: Counter[int] = Counter()
        for article in new:
            batch.update(document_keys(article.text, cfg))
        keys = set(batch)
        for article in indexed:
            keys.update(document_keys(article.text, cfg))
        docs = self.backend.docs() + len(new)
        floor = max(cfg.template_min_docs, cfg.template_df * docs)
        stored = self.backend.line_counts(sorted(keys)) if keys else {}
        return frozenset(k for k in keys if batch.get(k, 0) + stored.get(k, 0) >= floor)

    def _entries(self, articles: Sequence[Article], templates: frozenset[int]) -> list[Entry]:
        cfg = self.config
        prints = [fingerprint(clean(a, cfg, templates=templates), cfg) for a in articles]
        # The lede's signature comes after the article's, so its keys can be found again (to
        # remove them, to check them) from what is stored (`_keys_of`).
        signatures, keys = lsh_keys(
            [p.shingles for p in prints], [p.lede for p in prints], cfg.index
        )
        empty = np.zeros(0, dtype=np.uint64)
        entries = []
        for article, p, sig, row in zip(articles, prints, signatures, keys, strict=True):
            lines = (
                tuple(sorted(document_keys(article.text, cfg.clean))) if cfg.clean.templates else ()
            )
            entries.append(
                Entry(
                    id=p.id,
                    length=p.length,
                    shingles=p.shingles,
                    signature=sig,
                    bands=row if len(p.shingles) >= cfg.min_shingles else empty,
                    lines=lines,
                    digest=text_digest(article.text),
                    raw=raw_digest(article.text),
                )
            )
        return entries

    # -- the commands --

    def add(
        self,
        articles: Iterable[Article],
        *,
        chunk_size: int = 500,
        progress: Progress | None = None,
        replace: bool = False,
    ) -> AddSummary:
        """Add the articles whose ids are not indexed yet; each chunk is one transaction.

        A run killed part way leaves whole chunks in the index; running it again adds the rest
        and ends in the same state as one uninterrupted run (the templates it cleans with come
        from the same counts). An id indexed already is left as it is; when the article under
        it now is not the indexed one (not a duplicate of it: yesterday's `a.txt` of a daily
        folder), its id is listed in `taken`.

        With `replace`, an indexed id whose article now has another text (a re-scrape of an
        updated story, or yesterday's `a.txt`) is removed and the article added under it
        (listed in `replaced`). Its template lines are not counted again: they were counted
        when its id was first added, and the counts are per id. A run killed between the
        removal and the addition leaves the id out; running it again adds it.
        """
        if chunk_size < 1:
            raise ConfigError(f"chunk size must be at least 1, got {chunk_size}")
        if not isinstance(replace, bool):
            raise TypeError(f"replace must be a bool, got {type(replace).__name__}")
        items = by_id(articles)
        present = self.backend.present([a.id for a in items])
        new = [a for a in items if a.id not in present]
        again = [a for a in items if a.id in present]
        templates = self.templates_for(new, again)
        changed, taken = self._changed(again, templates)
        added = unindexed = 0
        for chunk in _chunks(new, chunk_size):
            entries = self._entries(chunk, templates)
            added += self.backend.add(entries)
            unindexed += sum(1 for e in entries if not len(e.bands))
            if progress:
                progress("add", added, len(new))
        replaced: list[str] = []
        if replace:
            for chunk in _chunks(changed, chunk_size):
                entries = [
                    dataclasses.replace(e, lines=()) for e in self._entries(chunk, templates)
                ]
                gone = set(self.remove([e.id for e in entries])[0])
                entries = [e for e in entries if e.id in gone]
                done = self.backend.add(entries)
                added += done
                unindexed += sum(1 for e in entries if not len(e.bands))
                # Another writer may add an id between the removal and this addition: the
                # ids are ours where the index now holds our text.
                if done == len(entries):
                    replaced.extend(e.id for e in entries)
                else:
                    now = self.backend.signatures([e.id for e in entries])
                    held = self.backend.fetch(sorted(ref for ref, _ in now.values()))
                    replaced.extend(
                        e.id
                        for e in entries
                        if e.id in now and held[now[e.id][0]].digest == e.digest
                    )
            taken = ()
        return AddSummary(
            added=added,
            present=len(items) - added - len(taken),
            unindexed=unindexed,
            total=self.backend.count(),
            taken=taken,
            replaced=tuple(sorted(replaced)),
        )

    def _changed(
        self, again: Sequence[Article], templates: frozenset[int]
    ) -> tuple[list[Article], tuple[str, ...]]:
        """Return the articles of `again` (indexed ids) that are not the indexed article (another
        text), and the ids of those among them that do not even duplicate it (`taken`)."""
        changed: list[Article] = []
        taken: list[str] = []
        cfg = self.config
        for chunk in _chunks(again, _QUERY_CHUNK):
            # Shingles are all the comparison needs: no signature, band keys or line keys.
            prints = [fingerprint(clean(a, cfg, templates=templates), cfg) for a in chunk]
            refs = self.backend.signatures([p.id for p in prints])
            stored = self.backend.fetch(sorted(ref for ref, _ in refs.values()))
            for article, new in zip(chunk, prints, strict=True):
                other = stored[refs[new.id][0]]
                digests = (text_digest(article.text), raw_digest(article.text))
                if _is_itself(new.id, digests, new.shingles, other):
                    continue
                changed.append(article)
                copy = verify(
                    "new",
                    "indexed",
                    new.shingles,
                    other.shingles,
                    threshold=cfg.threshold,
                    containment=cfg.containment,
                )
                if copy is None:
                    taken.append(new.id)
        return changed, tuple(taken)

    def check(
        self,
        articles: Iterable[Article],
        *,
        skipped: Sequence[LoadIssue] = (),
        warnings: Sequence[LoadIssue] = (),
        progress: Progress | None = None,
    ) -> IndexCheckResult:
        """Return, per article, the indexed articles it duplicates (exact similarity).

        An article is never reported as a duplicate of itself: the indexed article with its
        id and its shingles. One with its id but other text (yesterday's `a.txt` of a daily
        folder) is compared like any other. Nor is it a duplicate of an indexed article it
        holds whole (its teaser, added earlier): a containment pair makes only the shorter
        article a copy, as in `scan`.
        """
        cfg = self.config
        items = by_id(articles)
        present = self.backend.present([a.id for a in items])
        templates = self.templates_for(
            [a for a in items if a.id not in present], [a for a in items if a.id in present]
        )
        checked: list[CheckedArticle] = []
        too_short: list[str] = []
        candidates = 0
        head = bucket_head(cfg.index.max_bucket)
        for chunk in _chunks(items, _QUERY_CHUNK):
            entries = self._entries(chunk, templates)
            too_short.extend(e.id for e in entries if not len(e.bands))
            wanted = sorted({int(k) for e in entries for k in e.bands})
            hits = self.backend.lookup(wanted) if wanted else {}
            # A band key the archive holds for more than max_bucket articles (one wire story
            # indexed from hundreds of sites) proposes its first-indexed few, as `scan` links a
            # huge bucket to its head: the cost follows the batch, not the copies archived.
            for key, bucket in hits.items():
                if len(bucket) > cfg.index.max_bucket:
                    hits[key] = sorted(bucket)[:head]
            refs_of = [sorted({r for k in e.bands for r in hits.get(int(k), ())}) for e in entries]
            stored = self.backend.fetch(sorted({r for refs in refs_of for r in refs}))
            for entry, refs in zip(entries, refs_of, strict=True):
                found = []
                for ref in refs:
                    other = stored.get(ref)
                    if other is None:  # removed by another writer between lookup and fetch
                        continue
                    if _is_itself(entry.id, (entry.digest, entry.raw), entry.shingles, other):
                        continue  # the article itself, indexed before
                    candidates += 1
                    match = verify(
                        "checked",  # labels only: the two may share an id
                        "indexed",
                        entry.shingles,
                        other.shingles,
                        threshold=cfg.threshold,
                        containment=cfg.containment,
                    )
                    # A containment pair vouches for the shorter article only (as `scan`'s
                    # clusters have it): a new full story that holds an indexed teaser is
                    # no copy of it.
                    if match is not None and not (
                        match.via == "containment" and len(entry.shingles) > len(other.shingles)
                    ):
                        found.append(
                            IndexMatch(
                                id=other.id,
                                similarity=round(match.similarity, SCORE_PLACES),
                                jaccard=match.jaccard,
                                containment=match.containment,
                                shared=match.shared,
                                via=match.via,
                            )
                        )
                found.sort(key=lambda m: (-m.similarity, m.id))
                checked.append(CheckedArticle(id=entry.id, duplicates=tuple(found)))
            if progress:
                progress("check", len(checked), len(items))
        return IndexCheckResult(
            params=cfg.params(),
            index_articles=self.backend.count(),
            articles=tuple(checked),
            candidates=candidates,
            skipped=tuple(skipped),
            warnings=tuple(warnings),
            too_short=tuple(too_short),
        )

    def remove(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Remove articles by id; return (removed, not found), each sorted."""
        if isinstance(ids, (str, bytes)):  # "12" is one id, not the ids "1" and "2"
            raise TypeError(f"remove takes a list of ids, not one {type(ids).__name__}: {ids!r}")
        wanted = sorted(set(ids))
        found = self.backend.signatures(wanted)
        items = []
        for article_id in wanted:
            if article_id in found:
                ref, sig = found[article_id]
                items.append((article_id, ref, self._keys_of(sig)))
        removed = sorted(self.backend.remove(items))
        missing = sorted(set(wanted) - set(removed))
        return removed, missing

    def _keys_of(self, signature: bytes) -> list[int]:
        """Return the LSH keys of a stored signature: its bands, then the bands of the lede
        signature stored after it (none in an entry added before lede keys were)."""
        index = self.config.index
        if len(signature) % 4 or len(signature) < 4 * index.num_perm:
            raise RowDamage(f"a stored signature is {len(signature)} bytes")
        sig = np.frombuffer(signature, dtype=_U32).astype(np.uint32)[None, :]
        keys = [int(k) for k in band_keys(sig[:, : index.num_perm], index)[0]]
        if sig.shape[1] > index.num_perm:
            keys += [int(k) for k in lede_keys(sig[:, index.num_perm :], index)[0]]
        return keys

    def stats(self) -> dict[str, Any]:
        """Return counts and parameters of the index."""
        return {
            "location": self.location,
            "articles": self.backend.count(),
            "added_ever": self.backend.docs(),
            **self.backend.size(),
            "params": compat_params(self.config),
            "fingerprint": self.config.fingerprint(),
        }

    def problems(self) -> list[str]:
        """Return every inconsistency found (empty when the index is sound); reads it all."""
        out = []
        n = 0
        for _ref, article_id, signature, keys in self.backend.iter_entries():
            n += 1
            expected = set(self._keys_of(signature))
            if keys and set(keys) != expected:
                out.append(f"{article_id}: band keys do not match its signature")
        if n != self.backend.count():
            out.append(f"{n} articles listed but {self.backend.count()} counted")
        return out


# ---- opening ---------------------------------------------------------------------------------


def is_redis(location: str) -> bool:
    """Return True for a Redis URL: its scheme in any case ("REDIS://host")."""
    return location[:10].lower().startswith(("redis://", "rediss://", "unix://"))


# A Redis scheme without its "//" ("redis:localhost"): a URL mistyped, not a file name.
_SCHEME_ONLY = re.compile(r"(redis|rediss|unix):(?!//)", re.IGNORECASE)


def open_backend(location: str, *, create: bool, readonly: bool = False) -> Backend | None:
    """Return the backend for a location, or None when there is no index and `create` is off;
    `readonly`: the caller only reads (an index file is then opened read-only)."""
    if _SCHEME_ONLY.match(location):
        raise ConfigError(
            f"{location}: not a valid Redis URL (write redis://HOST:PORT/DB; a file of this "
            f"name: ./{location})"
        )
    if is_redis(location):
        from .store_redis import RedisBackend

        return RedisBackend.open(location)
    from .store_sqlite import SqliteBackend

    return SqliteBackend.open(location, create=create, readonly=readonly)


def read_config(location: str) -> DedupConfig | None:
    """Return the configuration stored in an index, or None when there is no index there."""
    backend = open_backend(location, create=False, readonly=True)
    if backend is None:
        return None
    try:
        header = _read_header(backend, backend.location)
        return None if header is None else config_from_header(header)
    finally:
        backend.close()


def _read_header(backend: Backend, location: str) -> dict[str, Any] | None:
    """Return the index's header, None when it has none; a header that is not one (not JSON,
    or without its parts) is damage, exit 3, where it was an internal error (QA 15a #5)."""
    try:
        header = backend.read_header()
    except (ValueError, TypeError) as err:  # not JSON, or JSON that is no object
        raise InputError(location, f"damaged: its header cannot be read ({err})") from err
    if header is None or header.get("format") != FORMAT:
        return header  # none, or another format: check_header names the version
    config, compat = header.get("config"), header.get("compat")
    if (
        not isinstance(config, dict)
        or not isinstance(config.get("index"), dict)
        or not isinstance(compat, dict)
        or not compat.keys() >= _CORE_COMPAT
    ):
        # QA 16b #6: "config": {} was read as the defaults, and the settings check passed.
        raise InputError(location, "damaged: its header lacks its settings")
    try:
        stored = config_from_header(header)
    except (ValueError, TypeError, AttributeError, KeyError) as err:  # ConfigError too
        problem = f"damaged: its header's settings cannot be used ({err})"
        raise InputError(location, problem) from err
    # Its settings must make its own parameters (QA 17b #5: `config.index` emptied was blamed
    # on options never given). The schemes are the code's, not the header's: left out.
    own = compat_params(stored)
    differ = sorted(
        k for k in own.keys() & compat.keys() if k not in _SCHEMES and own[k] != compat[k]
    )
    if differ:
        raise InputError(location, f"damaged: its header's settings contradict its {differ[0]}")
    return header


# Parameters every index header has recorded: one without them was not written by newsdedup.
_CORE_COMPAT = frozenset({"index.num_perm", "index.seed", "bands", "rows"})
_SCHEMES = frozenset({"minhash_scheme", "hashing_scheme"})


def open_index(
    location: str,
    *,
    config: DedupConfig | None = None,
    create: bool = False,
    readonly: bool = False,
) -> PersistentIndex:
    """Open (or with `create`, make) the index at a path or `redis://` URL; `readonly` for
    reading only (`check`, `stats`: an index file on a read-only mount, never written).

    With `config=None` the index's own parameters are used; otherwise they must agree with
    the stored ones on everything but the verification thresholds.
    """
    if not isinstance(location, str | os.PathLike):
        raise TypeError(f"location must be a path or a redis:// URL, got {location!r:.60}")
    location = os.fspath(location)
    backend = open_backend(location, create=create, readonly=readonly)
    if backend is None:
        link = Path(location)
        dangling = f", a link to {link.parent / os.readlink(link)}" if link.is_symlink() else ""
        raise ConfigError(
            f"{location}: no index there{dangling} (make one with `newsdedup index add PATH "
            f"--index {location}`)"
        )
    location = backend.location  # as it may be shown: a Redis password hidden
    try:
        header = _read_header(backend, location)
        if header is None:
            held = backend.count()
            if held:
                # Settings of another run would be written over articles made with the lost
                # ones, and mixed with them (QA 15a #5); every command says so (QA 17b #4).
                raise InputError(location, f"damaged: it holds {held:,} articles but no header")
            if not create:
                raise ConfigError(f"{location}: no index there (make one with `index add`)")
            header = backend.create_header(make_header(config or DedupConfig()))
        check_header(location, header, config or config_from_header(header))
        return PersistentIndex(backend, config or config_from_header(header))
    except BaseException:
        backend.close()
        raise


def index_gate(result: IndexCheckResult, policy: Any) -> Any:
    """Return the `GateOutcome` of a check: duplicates are checked articles with a match."""
    from .gate import GateOutcome, judge_budget

    rate, count = result.duplicate_rate, result.duplicates
    passed, reason = judge_budget(count, rate, policy)
    return GateOutcome(passed=passed, reason=reason, duplicates=count, duplicate_rate=rate)
