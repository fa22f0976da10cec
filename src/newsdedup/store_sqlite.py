"""The embedded index backend: one SQLite file, no server.

Why SQLite: it ships with Python (no new dependency), a file is the whole index, and its
transactions are atomic and durable across a killed process, so a crash mid-add leaves whole
chunks or nothing. WAL mode lets `index check` read while a scraper adds; several writers
take turns on the file lock (`busy_timeout`). Band keys live in a WITHOUT ROWID table keyed by
(key, ref), so a lookup is a B-tree range scan and adding 10k articles touches 10k x bands
index entries whatever the archive's size; nothing is loaded into memory but the rows asked for.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import ConfigError, InputError
from .store import Entry, Stored, pack_u32, pack_u64, to_signed, unpack_u64

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS articles (ref INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
    "length INTEGER NOT NULL, signature BLOB NOT NULL, shingles BLOB NOT NULL, digest BLOB)",
    "CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, ref INTEGER NOT NULL, "
    "PRIMARY KEY (key, ref)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS lines (key INTEGER PRIMARY KEY, df INTEGER NOT NULL)",
)
# The tables and article columns every newsdedup index file has had (`digest` came later).
_INDEX_TABLES = frozenset({"meta", "articles", "bands", "lines"})
_ARTICLE_COLUMNS = frozenset({"ref", "id", "length", "signature", "shingles"})
_VARS = 900  # bound parameters per statement, under SQLite's lowest default limit


def _chunks(items: Sequence[Any], size: int = _VARS) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _unsigned(key: int) -> int:
    return key + (1 << 64) if key < 0 else key


class SqliteBackend:
    """An index in one SQLite file."""

    def __init__(self, location: str, conn: sqlite3.Connection) -> None:
        self.location = location
        self.conn = conn
        columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
        # Files made before texts had digests lack the column: a writer adds it (old rows
        # keep NULL, compared by shingles); a reader reads without it.
        self.digests = "digest" in columns

    @classmethod
    def open(cls, location: str, *, create: bool, readonly: bool = False) -> SqliteBackend | None:
        """Open the index file; None when there is none and `create` is off. `readonly`:
        open it for reading only, as `check` and `stats` need (also on a read-only mount)."""
        if not location.strip():
            raise ConfigError("--index is empty: name an index file or a redis:// URL")
        path = Path(location)
        if path.is_symlink() and not path.exists():
            # A link to an index yet to be made is fine where that can be made.
            target = path.parent / os.readlink(path)
            if not create:
                return None  # no index there yet (open_index names the link)
            if not target.parent.is_dir():
                raise InputError(location, f"a link to {target}, whose folder does not exist")
        if path.is_dir():
            raise InputError(location, "is a directory, not an index file")
        if path.exists() and not path.is_file():
            raise InputError(location, "not a regular file, so not an index file")
        if not path.exists() or path.stat().st_size == 0:
            if not create:
                return None  # an empty file is left as it is: reading never writes
            if not path.parent.is_dir():
                raise InputError(location, "its folder does not exist")
        if not readonly and not os.access(path.parent, os.W_OK):
            raise InputError(location, "cannot write the index: its folder is read-only")
        if not readonly and path.exists() and not os.access(path, os.W_OK):
            raise InputError(location, "cannot write the index: the file is read-only")
        try:
            conn = _connect_readonly(path) if readonly else _connect(path)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            # Another program's database is refused before anything is written to it (QA
            # 15a: one with a table named "meta" was switched to WAL and given our header).
            if tables and not (tables >= _INDEX_TABLES and _columns(conn) >= _ARTICLE_COLUMNS):
                conn.close()
                raise InputError(location, "an SQLite file, but not a newsdedup index")
            if not tables and _claimed(conn):  # empty, but marked as another program's
                conn.close()
                raise InputError(location, "an SQLite file another program has claimed")
            if not readonly:
                _write_mode(conn)
        except sqlite3.DatabaseError as err:
            # An SQLite file that cannot be read through is damaged (cut short, say), not
            # another kind of file (QA 15a #7: a truncated index read "not a newsdedup index").
            what = "the index file is damaged" if _is_sqlite(path) else "not a newsdedup index"
            raise InputError(location, f"{what} ({err})") from err
        if not tables:
            if not create:
                conn.close()
                return None
            with _write(conn, location):
                for statement in _SCHEMA:
                    conn.execute(statement)
        if not readonly and tables:
            _check_pages(conn, location)
        backend = cls(location, conn)
        if not backend.digests and not readonly and "articles" in tables:
            with _write(conn, location):
                conn.execute("ALTER TABLE articles ADD COLUMN digest BLOB")
            backend.digests = True
        return backend

    def close(self) -> None:
        self.conn.close()

    def damage(self, error: BaseException) -> InputError | None:
        """A database error met while reading or writing: the file is damaged (its pages
        are checked as they are read, not all when it is opened)."""
        if not isinstance(error, sqlite3.DatabaseError):
            return None
        what = "the index file is damaged" if "malformed" in str(error) else "cannot use the index"
        return InputError(self.location, f"{what} ({error})")

    # -- header and counters --

    def read_header(self) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'header'").fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def create_header(self, header: dict[str, Any]) -> dict[str, Any]:
        with _write(self.conn, self.location):
            self.conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('header', ?)", (json.dumps(header),)
            )
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('docs', '0')")
        stored = self.read_header()
        if stored is None:
            raise InputError(self.location, "the index header could not be written")
        return stored

    def docs(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'docs'").fetchone()
        return int(row[0]) if row else 0

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    # -- reads --

    def present(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for part in _chunks(ids):
            sql = f"SELECT id FROM articles WHERE id IN ({_marks(len(part))})"
            found.update(r[0] for r in self.conn.execute(sql, tuple(part)))
        return found

    def line_counts(self, keys: Sequence[int]) -> dict[int, int]:
        signed = to_signed(_as_u64(keys))
        out: dict[int, int] = {}
        for part in _chunks(signed):
            sql = f"SELECT key, df FROM lines WHERE key IN ({_marks(len(part))})"
            out.update((_unsigned(k), df) for k, df in self.conn.execute(sql, tuple(part)))
        return out

    def lookup(self, keys: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for part in _chunks(to_signed(_as_u64(keys))):
            sql = f"SELECT key, ref FROM bands WHERE key IN ({_marks(len(part))})"
            for key, ref in self.conn.execute(sql, tuple(part)):
                out.setdefault(_unsigned(key), []).append(ref)
        return out

    def fetch(self, refs: Sequence[int]) -> dict[int, Stored]:
        out: dict[int, Stored] = {}
        digest = "digest" if self.digests else "NULL"
        for part in _chunks(refs):
            sql = (
                f"SELECT ref, id, length, shingles, {digest} FROM articles "
                f"WHERE ref IN ({_marks(len(part))})"
            )
            for ref, ident, length, shingles, known in self.conn.execute(sql, tuple(part)):
                out[ref] = Stored(ident, length, unpack_u64(shingles), known or b"")
        return out

    def signatures(self, ids: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        out: dict[str, tuple[int, bytes]] = {}
        for part in _chunks(ids):
            sql = f"SELECT id, ref, signature FROM articles WHERE id IN ({_marks(len(part))})"
            out.update((i, (r, s)) for i, r, s in self.conn.execute(sql, tuple(part)))
        return out

    def iter_entries(self) -> Iterator[tuple[int, str, bytes, list[int]]]:
        reader = self.conn.cursor()
        for ref, ident, signature in reader.execute(
            "SELECT ref, id, signature FROM articles ORDER BY ref"
        ):
            keys = [
                _unsigned(k)
                for (k,) in self.conn.execute("SELECT key FROM bands WHERE ref = ?", (ref,))
            ]
            yield ref, ident, signature, keys
        orphans = self.conn.execute(
            "SELECT count(*) FROM bands WHERE ref NOT IN (SELECT ref FROM articles)"
        ).fetchone()[0]
        if orphans:
            yield -1, f"<{orphans} band rows of no article>", b"", [-1]

    def size(self) -> dict[str, Any]:
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        page = self.conn.execute("PRAGMA page_size").fetchone()[0]
        lines = self.conn.execute("SELECT count(*) FROM lines").fetchone()[0]
        return {"backend": "sqlite", "template_lines": int(lines), "bytes": int(pages * page)}

    # -- writes: one transaction each --

    def add(self, entries: Sequence[Entry]) -> int:
        added = 0
        bands: list[tuple[int, int]] = []
        lines: list[tuple[int]] = []
        with _write(self.conn, self.location):
            for e in entries:
                before = self.conn.total_changes
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO articles (id, length, signature, shingles, digest) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (e.id, e.length, pack_u32(e.signature), pack_u64(e.shingles), e.digest),
                )
                # Not `cur.rowcount`: Python 3.11's sqlite3 gives -1 for an "INSERT" when the
                # locale is Turkish (its "I" lower-cases to a dotless one), and every article
                # then read as added meanwhile, with no band keys (QA 28 #1).
                if self.conn.total_changes - before != 1:
                    continue  # added meanwhile by another writer
                ref = cur.lastrowid
                if ref is None:  # sqlite3 always sets it after a one-row INSERT
                    raise RuntimeError(f"no row id after inserting {e.id!r}")
                bands.extend((k, ref) for k in to_signed(e.bands))
                lines.extend((k,) for k in to_signed(_as_u64(e.lines)))
                added += 1
            # Sorted keys walk each B-tree once, left to right.
            self.conn.executemany(
                "INSERT OR IGNORE INTO bands (key, ref) VALUES (?, ?)", sorted(bands)
            )
            self.conn.executemany(
                "INSERT INTO lines (key, df) VALUES (?, 1) "
                "ON CONFLICT (key) DO UPDATE SET df = df + 1",
                sorted(lines),
            )
            self.conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'docs'", (added,)
            )
        return added

    def remove(self, items: Sequence[tuple[str, int, Sequence[int]]]) -> list[str]:
        removed = []
        with _write(self.conn, self.location):
            for article_id, ref, keys in items:
                before = self.conn.total_changes
                self.conn.execute(
                    "DELETE FROM articles WHERE id = ? AND ref = ?", (article_id, ref)
                )
                if self.conn.total_changes - before != 1:  # as in `add`
                    continue
                self.conn.executemany(
                    "DELETE FROM bands WHERE key = ? AND ref = ?",
                    [(k, ref) for k in to_signed(_as_u64(keys))],
                )
                removed.append(article_id)
        return removed


def _as_u64(keys: Sequence[int]) -> Any:
    import numpy as np

    return np.array(keys, dtype=np.uint64)


def _columns(conn: sqlite3.Connection) -> set[str]:
    """Return the column names of the articles table (QA 17b #10: another program's tables
    of our names were written into before they failed)."""
    return {str(row[1]) for row in conn.execute("PRAGMA table_info(articles)")}


def _claimed(conn: sqlite3.Connection) -> bool:
    """Return True when a database carries another program's mark: an application id or a
    user version (QA 16b #10: an empty one was made into an index)."""
    application = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return bool(application or version)


def _is_sqlite(path: Path) -> bool:
    """Return True when the file opens with SQLite's header string."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _connect(path: Path) -> sqlite3.Connection:
    """Open for writing; nothing is written until `_write_mode`, once the file is known to
    be an index (or empty)."""
    conn = sqlite3.connect(path, timeout=60.0, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 60000")
    return conn


def _write_mode(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode: a killed process never corrupts the file or loses a commit; only a
    # power cut may undo the last commits, never half of one.
    conn.execute("PRAGMA synchronous = NORMAL")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """Open for reading. Reading a WAL file needs its -shm file beside it, which a read-only
    folder cannot get: there, it is opened as immutable (no writer can be adding to it)."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=60.0, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    # Immutable reads the main file only. Committed changes still in the -wal file (its last
    # writer was killed before folding them in, or the file was synced without its -shm)
    # would be passed over in silence: an older index, and a gate passing on it.
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise InputError(
            str(path),
            f"holds changes in {wal.name} that cannot be read where no {path.name}-shm can "
            "be made (a read-only folder); fold them in where the folder can be written: "
            "any `newsdedup index add` or `index remove` of this index does",
        )
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)


def _check_pages(conn: sqlite3.Connection, location: str) -> None:
    """Refuse to write into a damaged file. Reading finds damage as it reads the pages, but an
    `add` reads few of them, so a daily job that only adds went on appending to a file whose
    older entries could no longer be read, told all was well. A quick check reads every page
    once (about a second per GB), small beside cleaning the batch."""
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as err:
        conn.close()
        raise InputError(location, f"the index file is damaged ({err})") from err
    if rows != [("ok",)]:
        conn.close()
        # "*** in database main ***\nPage 841: btreeInitPage() returns error code 11"
        found = str(rows[0][0]).replace("*** in database main ***", "")
        raise InputError(location, f"the index file is damaged ({' '.join(found.split())})")


class _write:
    """One IMMEDIATE transaction: taken before reading, committed whole or rolled back. An
    index that cannot be written (read-only file, full disk) is an input error, not a crash."""

    def __init__(self, conn: sqlite3.Connection, location: str) -> None:
        self.conn = conn
        self.location = location

    def __enter__(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise self._cannot(err) from err

    def __exit__(self, kind: object, error: object, *rest: object) -> None:
        if kind is None:
            try:
                self.conn.execute("COMMIT")
                return
            except sqlite3.OperationalError as err:
                error = err
        if self.conn.in_transaction:  # a failed COMMIT may have rolled back already
            self.conn.execute("ROLLBACK")
        if isinstance(error, sqlite3.OperationalError):
            raise self._cannot(error) from error

    def _cannot(self, err: sqlite3.OperationalError) -> InputError:
        return InputError(self.location, f"cannot write the index ({err})")
