"""The shared index backend: a Redis server that several scrapers write to at once.

Our own layer on redis-py rather than datasketch's Redis storage for `MinHashLSH`: it stores
the same band keys as `scan` and the SQLite backend (so answers are identical by
construction), adds the shingle hashes and template counts verification needs, and writes
each chunk of articles in one Lua script, which Redis runs atomically: a killed writer leaves
whole chunks or nothing, and two writers adding the same id add it once.

Keys under a prefix (`redis://host:port/db?prefix=NAME`, default `newsdedup`):
`P:meta` (hash: header, docs) · `P:next` (counter) · `P:ids` (hash id → ref) ·
`P:arts` (hash ref → packed article) · `P:b:KEY` (set of refs per band key, 16 hex digits) ·
`P:l:HHHH` (hash line key → count, bucketed by the key's first 4 hex digits).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .errors import ConfigError, InputError
from .store import Entry, Stored, pack_article, unpack_article

_PIPE = 5000  # commands per pipeline round trip
_ADD = """
local p = ARGV[1]
local i = 2
local added = 0
while i <= #ARGV do
  local id, blob, nb = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  i = i + 3
  local fresh = redis.call('HEXISTS', p .. ':ids', id) == 0
  local nl = tonumber(ARGV[i + nb])
  if fresh then
    local ref = redis.call('INCR', p .. ':next')
    redis.call('HSET', p .. ':ids', id, ref)
    redis.call('HSET', p .. ':arts', ref, blob)
    for j = 0, nb - 1 do redis.call('SADD', p .. ':b:' .. ARGV[i + j], ref) end
    for j = nb + 1, nb + nl do
      local k = ARGV[i + j]
      redis.call('HINCRBY', p .. ':l:' .. string.sub(k, 1, 4), k, 1)
    end
    added = added + 1
  end
  i = i + nb + 1 + nl
end
redis.call('HINCRBY', p .. ':meta', 'docs', added)
return added
"""
_REMOVE = """
local p = ARGV[1]
local i = 2
local removed = {}
while i <= #ARGV do
  local id, ref, nb = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if redis.call('HGET', p .. ':ids', id) == ref then
    for j = 3, nb + 2 do redis.call('SREM', p .. ':b:' .. ARGV[i + j], ref) end
    redis.call('HDEL', p .. ':arts', ref)
    redis.call('HDEL', p .. ':ids', id)
    table.insert(removed, id)
  end
  i = i + 3 + nb
end
return removed
"""


def _glob_escaped(text: str) -> str:
    """Return `text` as a literal in a Redis SCAN pattern (a prefix may hold * ? [ ] \\)."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _hex(key: int) -> str:
    return f"{key:016x}"


def redacted(location: str) -> str:
    """Return a Redis URL as it may be shown: its password, if any, as `***` (it would
    otherwise reach logs through every message and `index stats`)."""
    parts = urlsplit(location)
    if parts.password is None:
        return location
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return location.replace(parts.netloc, f"{user}:***@{host}", 1)


def split_url(location: str) -> tuple[str, str]:
    """Return (redis URL without our `prefix` parameter, prefix)."""
    shown = redacted(location)
    parts = urlsplit(location)
    query = parse_qsl(parts.query)
    prefixes = [v for k, v in query if k == "prefix"]
    if len(prefixes) > 1:
        raise ConfigError(f"{shown}: prefix is given {len(prefixes)} times; give it once")
    prefix = prefixes[0] if prefixes else "newsdedup"
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    if not prefix or ":" in prefix:
        raise ConfigError(f"{shown}: prefix must be a non-empty name without ':'")
    # redis-py reads a database that is no number (`/abc`) as database 0, without a word.
    if parts.scheme in ("redis", "rediss") and not re.fullmatch(r"/?|/\d+", parts.path):
        raise ConfigError(
            f"{shown}: the database after the port must be a number, such as "
            "redis://localhost:6379/0"
        )
    # Cut the query off the text as given: urlunsplit would write unix:///s.sock as unix:/s.sock.
    base = location.split("#", 1)[0].split("?", 1)[0]
    return (f"{base}?{rest}" if rest else base), prefix


# How long connecting to Redis, and its first reply, may take.
CONNECT_SECONDS = 5

# Eviction policies that drop keys without a time to live: an index's keys have none, so a
# server full under one of these loses index entries without a word.
_EVICTING = ("allkeys-lru", "allkeys-lfu", "allkeys-random")


def _unreachable(err: BaseException) -> str:
    """Say why a first reply failed: a server that answered with a refusal was reached (QA
    15a #8: a password or a database number it lacks read "cannot reach Redis")."""
    import redis

    text = str(err)
    if isinstance(err, redis.AuthenticationError) or any(
        word in text for word in ("NOAUTH", "authenticated", "invalid password", "WRONGPASS")
    ):
        return (
            f"Redis asks for a password, or refused the one given: put it in the URL, "
            f"redis://:PASSWORD@HOST:PORT/DB ({text})"
        )
    if "DB index is out of range" in text:
        return f"this Redis server has no such database number ({text})"
    return f"cannot reach Redis ({text})"


def _check_no_eviction(client: Any, shown: str) -> None:
    """Refuse a server that evicts keys without a time to live when its memory is full (QA
    15a: on allkeys-lru, `add` said "added 8000" and the index held 500; a later check
    answered from half the archive, or failed on a missing entry). Read from INFO, else from
    CONFIG GET; a server that allows neither is trusted."""
    import redis

    try:
        memory = client.info("memory")
        limit = int(memory.get("maxmemory", 0) or 0)
        policy = str(memory.get("maxmemory_policy", "noeviction"))
    except redis.RedisError:  # INFO denied (an ACL): CONFIG GET may be allowed (QA 16b #3)
        try:
            found = client.config_get("maxmemory*")
            limit = int(found.get("maxmemory", 0) or 0)
            policy = str(found.get("maxmemory-policy", "noeviction"))
        except redis.RedisError:
            return
    if limit and policy in _EVICTING:
        raise InputError(
            shown,
            f"this Redis server evicts keys when full (maxmemory-policy {policy}, maxmemory "
            f"{limit:,} bytes): index entries would vanish without a word; set "
            "maxmemory-policy noeviction (or maxmemory 0)",
        )


class RedisBackend:
    """An index in a Redis database, under one key prefix."""

    def __init__(self, location: str, client: Any, prefix: str) -> None:
        self.location = location
        self.client = client
        self.p = prefix
        self._add = client.register_script(_ADD)
        self._remove = client.register_script(_REMOVE)

    @classmethod
    def open(cls, location: str) -> RedisBackend:
        try:
            import redis
        except ImportError as err:
            raise ConfigError(
                "a redis:// index needs the redis client: pip install 'newsdedup[redis]'"
            ) from err
        url, prefix = split_url(location)
        scheme, sep, rest = url.partition("://")
        url = scheme.lower() + sep + rest  # "REDIS://host": redis-py knows lower case only
        shown = redacted(location)
        try:
            # A chunk's script or a long pipeline can take seconds on a busy server; the URL's
            # own socket_timeout=… wins over this default.
            client = redis.Redis.from_url(
                url, socket_connect_timeout=CONNECT_SECONDS, socket_timeout=300
            )
        except ValueError as err:  # a port or database that is no number: a usage error
            raise ConfigError(f"{shown}: not a valid Redis URL ({err})") from err
        # The first reply within the connect timeout too: a TLS handshake (rediss://) with a
        # server that speaks plain text, or a port that accepts and never answers, waited for
        # socket_timeout (5 minutes). Later connections get the working timeout back.
        kwargs = client.connection_pool.connection_kwargs
        working = kwargs.get("socket_timeout")
        kwargs["socket_timeout"] = min(working or CONNECT_SECONDS, CONNECT_SECONDS)
        try:
            client.ping()
        except TypeError as err:  # an option redis-py does not know (`?prefx=a`): a typo
            unknown = str(err).rpartition("argument ")[2] or str(err)
            raise ConfigError(
                f"{shown}: not a valid Redis URL (unknown option {unknown}; newsdedup's own "
                "is ?prefix=NAME)"
            ) from err
        except (redis.RedisError, ValueError) as err:
            raise InputError(shown, _unreachable(err)) from err
        finally:
            kwargs["socket_timeout"] = working
            client.connection_pool.disconnect()
        _check_no_eviction(client, shown)
        return cls(shown, client, prefix)

    def close(self) -> None:
        self.client.close()

    def damage(self, error: BaseException) -> InputError | None:
        """A Redis error met while reading or writing (the server went away, ran out of
        memory, or holds something else under the index's keys)."""
        import redis

        if not isinstance(error, redis.RedisError):
            return None
        return InputError(self.location, f"Redis failed ({error})")

    def _key(self, name: str) -> str:
        return f"{self.p}:{name}"

    # -- header and counters --

    def read_header(self) -> dict[str, Any] | None:
        raw = self.client.hget(self._key("meta"), "header")
        return None if raw is None else dict(json.loads(raw))

    def create_header(self, header: dict[str, Any]) -> dict[str, Any]:
        self.client.hsetnx(self._key("meta"), "header", json.dumps(header))
        self.client.hsetnx(self._key("meta"), "docs", 0)
        stored = self.read_header()
        if stored is None:
            raise InputError(self.location, "the index header could not be written")
        return stored

    def docs(self) -> int:
        return int(self.client.hget(self._key("meta"), "docs") or 0)

    def count(self) -> int:
        return int(self.client.hlen(self._key("ids")))

    # -- reads --

    def _pipelined(self, calls: Sequence[tuple[str, tuple[Any, ...]]]) -> list[Any]:
        out: list[Any] = []
        for start in range(0, len(calls), _PIPE):
            pipe = self.client.pipeline(transaction=False)
            for name, args in calls[start : start + _PIPE]:
                getattr(pipe, name)(*args)
            out.extend(pipe.execute())
        return out

    def present(self, ids: Sequence[str]) -> set[str]:
        found = self._pipelined([("hexists", (self._key("ids"), i)) for i in ids])
        return {i for i, hit in zip(ids, found, strict=True) if hit}

    def line_counts(self, keys: Sequence[int]) -> dict[int, int]:
        hexes = [_hex(k) for k in keys]
        calls = [("hget", (self._key(f"l:{h[:4]}"), h)) for h in hexes]
        found = self._pipelined(calls)
        return {k: int(n) for k, n in zip(keys, found, strict=True) if n is not None}

    def lookup(self, keys: Sequence[int]) -> dict[int, list[int]]:
        found = self._pipelined([("smembers", (self._key(f"b:{_hex(k)}"),)) for k in keys])
        return {
            k: sorted(int(r) for r in refs) for k, refs in zip(keys, found, strict=True) if refs
        }

    def fetch(self, refs: Sequence[int]) -> dict[int, Stored]:
        found = self._pipelined([("hget", (self._key("arts"), r)) for r in refs])
        out = {}
        for ref, blob in zip(refs, found, strict=True):
            if blob is not None:  # removed between lookup and fetch
                ident, length, _sig, shingles, digest = unpack_article(blob)
                out[ref] = Stored(ident, length, shingles, digest)
        return out

    def signatures(self, ids: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        refs = self._pipelined([("hget", (self._key("ids"), i)) for i in ids])
        known = [(i, int(r)) for i, r in zip(ids, refs, strict=True) if r is not None]
        blobs = self._pipelined([("hget", (self._key("arts"), r)) for _i, r in known])
        return {
            i: (r, unpack_article(b)[2])
            for (i, r), b in zip(known, blobs, strict=True)
            if b is not None
        }

    def iter_entries(self) -> Iterator[tuple[int, str, bytes, list[int]]]:
        keys_of: dict[int, list[int]] = {}
        for name in self.client.scan_iter(match=f"{_glob_escaped(self.p)}:b:*", count=1000):
            key = int(name.decode().rsplit(":", 1)[1], 16)
            for ref in self.client.smembers(name):
                keys_of.setdefault(int(ref), []).append(key)
        seen = set()
        for ref, blob in self.client.hscan_iter(self._key("arts")):
            ident, _length, signature, _shingles, _digest = unpack_article(blob)
            seen.add(int(ref))
            yield int(ref), ident, signature, keys_of.get(int(ref), [])
        orphans = set(keys_of) - seen
        if orphans:
            yield -1, f"<band keys of {len(orphans)} missing articles>", b"", [-1]

    def size(self) -> dict[str, Any]:
        """The keys SQLite gives: `bytes` is None (the index's share of a server's memory is
        not cheaply known; `redis_used_memory` is the whole server's)."""
        memory = self.client.info("memory").get("used_memory", 0)
        lines = sum(
            int(self.client.hlen(name))
            for name in self.client.scan_iter(match=f"{_glob_escaped(self.p)}:l:*", count=1000)
        )
        return {
            "backend": "redis",
            "template_lines": lines,
            "bytes": None,
            "redis_used_memory": int(memory),
        }

    # -- writes: one Lua script each, which Redis runs atomically --

    def add(self, entries: Sequence[Entry]) -> int:
        args: list[Any] = [self.p]
        for e in entries:
            args += [e.id, pack_article(e), len(e.bands)]
            args += [_hex(int(k)) for k in e.bands]
            args.append(len(e.lines))
            args += [_hex(k) for k in e.lines]
        return int(self._add(args=args))

    def remove(self, items: Sequence[tuple[str, int, Sequence[int]]]) -> list[str]:
        args: list[Any] = [self.p]
        for article_id, ref, keys in items:
            args += [article_id, str(ref), len(keys)]
            args += [_hex(k) for k in keys]
        if len(args) == 1:
            return []
        return [r.decode() if isinstance(r, bytes) else str(r) for r in self._remove(args=args)]
