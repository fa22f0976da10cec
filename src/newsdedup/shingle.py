"""Canonical text → tokens → word n-grams → sorted unique 64-bit shingle hashes.

Hashing scheme (recorded as `config.HASHING_SCHEME`, stable across machines and runs):
each token is hashed with blake2b (8 bytes, little endian); a shingle of k tokens is the
polynomial sum(t_i * P^(k-1-i)) mod 2^64 passed through the MurmurHash3 64-bit finalizer.
Python's salted `hash()` is never used.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .config import ShingleConfig

U64 = np.uint64
ShingleArray = npt.NDArray[np.uint64]

# Combining marks (Unicode Mn, Mc, Me) belong to the word they sit in: regex \w leaves them
# out, which cut Hindi words at every vowel sign (QA 19c #5). The blocks below hold them all
# up to U+10FF, and the combining blocks after it.
_MARK_BLOCKS = ((0x0300, 0x1100), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100))
_MARKS = "".join(
    chr(c)
    for lo, hi in (*_MARK_BLOCKS, (0xFE20, 0xFE30))
    for c in range(lo, hi)
    if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")
)
_TOKEN = re.compile(r"[\w" + re.escape(_MARKS) + "]+")
# Scripts written without spaces between words: shingled by characters instead.
_SPACELESS = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff]"
)
_POLY = U64(0x100000001B3)  # FNV-64 prime: odd, so multiplication is a bijection mod 2^64
_EMPTY: ShingleArray = np.zeros(0, dtype=np.uint64)


# ASCII bytes that are word characters (regex \w on ASCII: letters, digits, underscore) stay;
# every other byte becomes a space, so split() gives what _TOKEN.findall gives, twice as fast.
_ASCII_WORDS = bytes(b if chr(b).isalnum() or b == ord("_") else 32 for b in range(128)) + bytes(
    [32] * 128
)


def tokens(canonical: str) -> list[str]:
    """Return the word tokens of canonical text (letters, digits and underscore runs)."""
    if canonical.isascii():
        return canonical.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    return _TOKEN.findall(canonical)


def is_spaceless(canonical: str) -> bool:
    """Return True when most word characters belong to scripts written without spaces."""
    if canonical.isascii():
        return False
    if _SPACELESS.search(canonical) is None:  # the common case, without a Python-level loop
        return False
    letters = sum(1 for ch in canonical if ch.isalnum())
    if not letters:
        return False
    return len(_SPACELESS.findall(canonical)) * 2 > letters


# Token hashes remembered per process: a corpus's vocabulary is Zipfian, so a bounded cache
# answers nearly every lookup. Hashes are a pure function of the token: the cache changes speed,
# never values. It is dropped whole when full (simple, and the next lookups refill it).
_TOKEN_CACHE: dict[str, bytes] = {}
TOKEN_CACHE_SIZE = 1 << 20


def _token_digest(word: str) -> bytes:
    if len(_TOKEN_CACHE) >= TOKEN_CACHE_SIZE:
        _TOKEN_CACHE.clear()
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    _TOKEN_CACHE[word] = digest
    return digest


def token_hashes(words: list[str]) -> npt.NDArray[np.uint64]:
    """Return one stable 64-bit hash per token."""
    return np.frombuffer(_token_bytes(words), dtype="<u8").astype(np.uint64, copy=False)


def _token_bytes(words: list[str]) -> bytes:
    """Return the tokens' hashes as little-endian bytes, 8 a token."""
    cache = _TOKEN_CACHE
    try:
        # map() over the bound lookup: 18% faster than a comprehension on 400 tokens.
        return b"".join(map(cache.__getitem__, words))
    except KeyError:
        return b"".join([cache.get(w) or _token_digest(w) for w in words])


def fmix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Apply the MurmurHash3 64-bit finalizer element-wise (a bijection that mixes bits)."""
    h = values.copy()
    h ^= h >> U64(33)
    h *= U64(0xFF51AFD7ED558CCD)
    h ^= h >> U64(33)
    h *= U64(0xC4CEB9FE1A85EC53)
    h ^= h >> U64(33)
    return h


def ngram_hashes(hashes: npt.NDArray[np.uint64], k: int) -> ShingleArray:
    """Combine consecutive token hashes into k-gram hashes; fewer than k tokens make one gram."""
    n = len(hashes)
    if n == 0:
        return _EMPTY
    k = min(k, n)
    width = n - k + 1
    acc = hashes[:width].copy()  # in place from here: no temporary array per step
    with np.errstate(over="ignore"):
        for i in range(1, k):
            acc *= _POLY
            acc += hashes[i : i + width]
        acc ^= acc >> U64(33)
        acc *= U64(0xFF51AFD7ED558CCD)
        acc ^= acc >> U64(33)
        acc *= U64(0xC4CEB9FE1A85EC53)
        acc ^= acc >> U64(33)
        return acc


def shingles(canonical: str, config: ShingleConfig | None = None) -> ShingleArray:
    """Return the sorted unique shingle hashes of canonical text."""
    return _shingled(canonical, is_spaceless(canonical), config or ShingleConfig())


def _shingled(text: str, spaceless: bool, config: ShingleConfig) -> ShingleArray:
    """Return the sorted unique shingles of `text`: character n-grams when `spaceless` (the
    whole text is written without spaces), else word n-grams."""
    if spaceless:
        units = [ch for ch in text if not ch.isspace()]
        k = config.char_size
    else:
        units = tokens(text)
        k = config.size
    if not units:
        return _EMPTY
    return sorted_unique(ngram_hashes(token_hashes(units), k))


# Characters of canonical text read for a lede of n words: generous (a word and its space
# average ~6), so the prefix nearly always holds more than n words; else the whole text is read.
_LEDE_CHARS_PER_WORD = 16


def lede_text(canonical: str, words: int) -> str:
    """Return the first `words` words of canonical text (the first `2 * words` characters of a
    text written without spaces): what the lede keys are computed over."""
    if words <= 0:
        return ""
    if is_spaceless(canonical):
        return canonical[: 2 * words]
    prefix = canonical[: words * _LEDE_CHARS_PER_WORD]
    found = tokens(prefix)
    # More words than asked: the last, maybe cut by the prefix, is not among the first `words`.
    if len(found) <= words and len(prefix) < len(canonical):
        found = tokens(canonical)
    return " ".join(found[:words])


def ledes(
    canonicals: Sequence[str], words: int, config: ShingleConfig | None = None
) -> list[ShingleArray]:
    """Return the shingles of each text's lede (`lede_text`), shingled as the whole text is
    (by words, or by characters when the whole text is spaceless): empty when `words` is 0."""
    config = config or ShingleConfig()
    return [_shingled(lede_text(c, words), is_spaceless(c), config) for c in canonicals]


def shingle_many(
    canonicals: Sequence[str], config: ShingleConfig | None = None
) -> list[ShingleArray]:
    """Return `shingles(c, config)` for each canonical text (views into one array).

    The word n-grams of all the texts are hashed, sorted and deduplicated in one set of
    numpy operations over their concatenated token hashes, where one text at a time cost
    ~18 us of per-call overhead on a 200-token article. A window that crosses from one
    text into the next is computed and dropped; each kept window sees only its own k
    hashes, so its value is the one `ngram_hashes` gives.
    """
    return shingles_and_ledes(canonicals, 0, config)[0]


def shingles_and_ledes(
    canonicals: Sequence[str], words: int, config: ShingleConfig | None = None
) -> tuple[list[ShingleArray], list[ShingleArray]]:
    """Return `shingle_many(canonicals, config)` and `ledes(canonicals, words, config)` at
    once: a lede's shingles are the text's first windows, taken before the sort (a third
    of the cost of `ledes` on its own, which tokenizes each text again)."""
    config = config or ShingleConfig()
    k = config.size
    out: list[ShingleArray] = [_EMPTY] * len(canonicals)
    lede_out: list[ShingleArray] = [_EMPTY] * len(canonicals)
    rows: list[int] = []
    parts: list[bytes] = []
    counts: list[int] = []
    for i, canonical in enumerate(canonicals):
        words_of = None if is_spaceless(canonical) else tokens(canonical)
        if words_of is None or len(words_of) < k:
            # Characters, or one gram of all the tokens (or none): as `shingles` does.
            out[i] = shingles(canonical, config)
            if words > 0:
                lede_out[i] = ledes([canonical], words, config)[0]
            continue
        rows.append(i)
        parts.append(_token_bytes(words_of))
        counts.append(len(words_of))
    if not rows:
        return out, lede_out
    hashes = np.frombuffer(b"".join(parts), dtype="<u8").astype(np.uint64, copy=False)
    grams = ngram_hashes(hashes, k)  # one per start position in the concatenation
    sizes = np.array(counts, dtype=np.int64)
    windows = sizes - (k - 1)  # windows of each text, all inside it
    ends = np.cumsum(windows)
    starts = ends - windows
    # Window j of text t starts at token offset(t) + j: skip the k - 1 that cross after it.
    mine = grams[np.arange(int(ends[-1])) + np.repeat(np.cumsum(sizes) - sizes - starts, windows)]
    bounds = starts.tolist()
    if words >= k:
        # The first `words` tokens hold their first words - k + 1 windows.
        first = words - k + 1
        for i, a, b in zip(rows, bounds, ends.tolist(), strict=True):
            lede_out[i] = sorted_unique(mine[a : min(b, a + first)])
    elif words > 0:  # a lede shorter than a shingle: one gram of its words, no window of ours
        for i, lede in zip(rows, ledes([canonicals[i] for i in rows], words, config), strict=True):
            lede_out[i] = lede
    for a, b in zip(bounds, ends.tolist(), strict=True):
        mine[a:b].sort()
    keep = np.empty(len(mine), dtype=bool)
    keep[0] = True
    np.not_equal(mine[1:], mine[:-1], out=keep[1:])
    keep[starts] = True  # each text's first gram is new to it
    kept = np.add.reduceat(keep, starts, dtype=np.int64)
    values = mine[keep]
    cut = np.cumsum(kept).tolist()
    for i, a, b in zip(rows, [0, *cut[:-1]], cut, strict=True):
        out[i] = values[a:b]
    return out, lede_out


def sorted_unique(values: npt.NDArray[np.uint64]) -> ShingleArray:
    """Return the sorted distinct values (np.unique, which hashes in numpy 2 and is several
    times slower than a sort on arrays of a few hundred)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
