"""LSH candidates: band keys of signatures grouped by sorting; sorted, unique pairs.

Bands and rows come from datasketch's `_optimal_param` (via `IndexConfig.bands_rows`). For a
batch scan, grouping band keys with a sort does what `MinHashLSH` insert/query does, in numpy
and in a fraction of the memory; `MinHashLSH` itself serves the persistent index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from .config import IndexConfig
from .shingle import fmix64
from .signature import Signature, sign_many

BandKeys = npt.NDArray[np.uint64]
PairArray = npt.NDArray[np.int64]  # shape (n, 2), each row i < j
CodeArray = npt.NDArray[np.int64]  # pairs as codes i * n + j
_KEY_BLOCK = 65_536


def band_keys(signatures: Signature, config: IndexConfig) -> BandKeys:
    """Return one 64-bit key per (article, band), shape (n, bands)."""
    bands, rows = config.bands_rows
    salt = np.arange(bands, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
    return _banded(signatures, bands, rows, salt)


def _banded(signatures: Signature, bands: int, rows: int, salt: npt.NDArray[np.uint64]) -> BandKeys:
    """Return the key of each band of `rows` values of each signature row, salted per band so
    equal rows in two different bands (or in a band and a lede band) never collide."""
    n = signatures.shape[0]
    out = np.empty((n, bands), dtype=np.uint64)
    # Blocks of rows bound the uint64 scratch copy of the signatures.
    for start in range(0, n, _KEY_BLOCK):
        block = signatures[start : start + _KEY_BLOCK, : bands * rows]
        sig = block.astype(np.uint64).reshape(len(block), bands, rows)
        acc = np.zeros((len(block), bands), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for r in range(rows):
                acc = acc * np.uint64(0x100000001B3) + sig[:, :, r]
            acc ^= salt
        out[start : start + len(block)] = fmix64(acc)
    return out


# Salts the lede bands apart from the signature's bands (an odd constant of its own).
_LEDE_SALT = np.uint64(0xD6E8FEB86659FD93)


def lede_keys(lede_signatures: Signature, config: IndexConfig) -> BandKeys:
    """Return the lede keys of lede signatures (`sign_many(..., width=bands * rows)` of
    `shingle.ledes`), shape (n, lede bands): (n, 0) when lede keys are off."""
    bands, rows = config.lede_bands_rows
    salt = (np.arange(bands, dtype=np.uint64)[None, :] + np.uint64(1)) * _LEDE_SALT
    return _banded(lede_signatures, bands, rows, salt)


def lsh_keys(
    sets: Sequence[npt.NDArray[np.uint64]],
    lede_sets: Sequence[npt.NDArray[np.uint64]],
    config: IndexConfig,
) -> tuple[Signature, BandKeys]:
    """Return each article's signature as the persistent index stores it (its `num_perm`
    values, then its lede's `lede bands * rows`, when lede keys are on) and every LSH key of
    it: its bands, then its lede bands (`config.key_count` keys a row)."""
    signatures = sign_many(sets, config)
    keys = band_keys(signatures, config)
    bands, rows = config.lede_bands_rows
    if not bands:
        return signatures, keys
    ledes = sign_many(lede_sets, config, width=bands * rows)
    return np.hstack((signatures, ledes)), np.hstack((keys, lede_keys(ledes, config)))


def matching_bands(sig_a: Signature, sig_b: Signature, config: IndexConfig) -> tuple[int, ...]:
    """Return the (0-based) bands in which two signatures agree on every row."""
    keys = band_keys(np.stack([sig_a, sig_b]), config)
    return tuple(int(i) for i in np.flatnonzero(keys[0] == keys[1]))


def matching_ledes(lede_a: Signature, lede_b: Signature, config: IndexConfig) -> tuple[int, ...]:
    """Return the (0-based) lede bands in which two lede signatures agree on every row."""
    keys = lede_keys(np.stack([lede_a, lede_b]), config)
    return tuple(int(i) for i in np.flatnonzero(keys[0] == keys[1]))


def bucket_head(max_bucket: int) -> int:
    """Return how many members of a huge bucket every other member is linked to."""
    return max(2, max_bucket // 10)


_head = bucket_head


def _bucket_codes(members: npt.NDArray[np.int64], max_bucket: int, n: int) -> CodeArray:
    """Return the pairs of one bucket's sorted members as codes i * n + j (i < j)."""
    m = len(members)
    if m <= max_bucket:
        i, j = np.triu_indices(m, k=1)
        return members[i] * n + members[j]
    # A huge bucket: link every member to the first few instead of all pairs.
    head = members[: _head(max_bucket)]
    rows = []
    for h in head.tolist():
        others = members[members != h]
        rows.append(np.minimum(others, h) * n + np.maximum(others, h))
    return np.concatenate(rows)


def raw_pair_count(
    keys: BandKeys,
    config: IndexConfig,
    *,
    values: npt.NDArray[np.int64] | None = None,
    window: int = 0,
) -> int:
    """Return how many pair codes `candidate_pairs` gathers before it drops the repeats (a
    pair that shares three bands counts three times): what its memory grows with, known
    before any of it is allocated.

    With `values` (one per row; negative: unknown), a pair of two known values more than
    `window` apart is not counted, as a `keep` filter that drops such pairs keeps them out of
    gathering (a corpus spanning years: the story level's dates). A bucket over `max_bucket`
    counts all its links, so the count is then an upper bound.
    """
    bands = keys.shape[1]
    head = _head(config.max_bucket)
    total = 0
    for band in range(bands):
        _, bucket, sizes = np.unique(keys[:, band], return_inverse=True, return_counts=True)
        sizes = sizes.astype(np.int64)
        small = (sizes >= 2) & (sizes <= config.max_bucket)
        total += head * int((sizes[sizes > config.max_bucket] - 1).sum())
        if values is None:
            total += int((sizes[small] * (sizes[small] - 1) // 2).sum())
        else:
            total += _pairs_within(bucket.ravel(), sizes, small, values, window)
    return total


def _pairs_within(
    bucket: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    small: npt.NDArray[np.bool_],
    values: npt.NDArray[np.int64],
    window: int,
) -> int:
    """Return the pairs inside the `small` buckets (each row's bucket number in `bucket`; each
    bucket's size in `sizes`) that an unknown value joins, or whose two values are at most
    `window` apart."""
    inside = small[bucket]
    known = values >= 0
    # Pairs with at least one unknown value: su - u(u + 1)/2 in a bucket of s with u unknown.
    unknown = np.bincount(bucket[inside & ~known], minlength=len(small))[small]
    total = int((sizes[small] * unknown - unknown * (unknown + 1) // 2).sum())
    # Pairs of known values: sorted by (bucket, value) as one code, each row counts the rows
    # after it in its bucket up to `window` above its value.
    chosen = inside & known
    if not chosen.any():
        return total
    span = int(values[chosen].max()) + window + 1
    codes = np.sort(bucket[chosen] * span + values[chosen])
    reach = np.searchsorted(codes, codes + window, side="right")
    return total + int((reach - np.arange(1, len(codes) + 1)).sum())


def _raw_codes(
    keys: BandKeys, config: IndexConfig, keep: Callable[[CodeArray], CodeArray] | None = None
) -> list[CodeArray]:
    """Return the codes i * n + j of the pairs in each band's buckets, repeats included,
    each band's passed through `keep` (which returns the codes to keep) when given."""
    n, bands = keys.shape
    found: list[CodeArray] = []
    done = 0  # codes of the bands before this one
    for band in range(bands):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        sizes = np.diff(np.concatenate((starts, [n])))
        # Buckets of one size at a time, as a (buckets, size) matrix: no loop per bucket.
        for size in np.unique(sizes[(sizes >= 2) & (sizes <= config.max_bucket)]).tolist():
            first = starts[sizes == size]
            members = np.sort(order[first[:, None] + np.arange(size)], axis=1).astype(
                np.int64, copy=False
            )
            i, j = np.triu_indices(size, k=1)
            found.append((members[:, i] * n + members[:, j]).ravel())
        for start, size in zip(
            starts[sizes > config.max_bucket], sizes[sizes > config.max_bucket], strict=True
        ):
            members = np.sort(order[start : start + size]).astype(np.int64, copy=False)
            found.append(_bucket_codes(members, config.max_bucket, n))
        if keep is not None and len(found) > done:
            found[done:] = [keep(np.concatenate(found[done:]))]
        done = len(found)
    return found


def _within(values: npt.NDArray[np.int64], window: int) -> Callable[[CodeArray], CodeArray]:
    """Return a filter of pair codes (i * n + j) that keeps a pair unless both its values are
    known (not negative) and more than `window` apart: what `raw_pair_count` counts."""
    n = len(values)

    def keep(codes: CodeArray) -> CodeArray:
        a, b = values[codes // n], values[codes % n]
        kept: CodeArray = codes[(a < 0) | (b < 0) | (np.abs(a - b) <= window)]
        return kept

    return keep


def candidate_pairs(
    keys: BandKeys,
    config: IndexConfig,
    *,
    values: npt.NDArray[np.int64] | None = None,
    window: int = 0,
) -> PairArray:
    """Return the sorted unique index pairs (i < j) that share at least one band key, less,
    with `values` (one per row; negative: unknown), those whose two known values are more
    than `window` apart: each band's are dropped as it is read, so they never pile up.

    Pairs are gathered as one int64 code each (i * n + j), a quarter of the memory of
    (m, 2) pairs sorted row-wise, and made unique by one in-place sort: the story level's
    100k articles give ~66M raw pairs, 47M unique.
    """
    n = keys.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    found = _raw_codes(keys, config, None if values is None else _within(values, window))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    # Copied into one array part by part, each part freed once copied: the codes are held
    # once, not twice as by np.concatenate (the story level's largest arrays).
    codes = np.empty(sum(len(part) for part in found), dtype=np.int64)
    at = 0
    found.reverse()
    while found:
        part = found.pop()
        codes[at : at + len(part)] = part
        at += len(part)
        del part
    codes.sort()
    if len(codes):
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    pairs = np.empty((len(codes), 2), dtype=np.int64)
    np.floor_divide(codes, n, out=pairs[:, 0])
    np.remainder(codes, n, out=pairs[:, 1])
    return pairs
