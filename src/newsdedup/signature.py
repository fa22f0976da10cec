"""MinHash signatures: datasketch's "affine32" scheme, computed in numpy batches.

A signature is exactly what `datasketch.MinHash(num_perm, seed, scheme="affine32")` gives
after `update_batch` on the low 32 bits of our shingle hashes with an identity hash function
(a test holds the two equal); computing it here in one vectorized step per batch avoids a
Python call per shingle.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from .config import MINHASH_SCHEME, IndexConfig

Signature = npt.NDArray[np.uint32]
EMPTY_VALUE = np.uint32(0xFFFFFFFF)
# Bound the (shingles x permutations) scratch matrix of one batch to ~32 MB.
_BATCH_CELLS = 8_000_000

_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[Signature, Signature]:
    """Return datasketch's (a, b) affine permutation parameters for this seed."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME).permutations
    a = np.ascontiguousarray(a, dtype=np.uint32)
    b = np.ascontiguousarray(b, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    s1, m1, s2, m2 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s1)


def minhash_inputs(shingles: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """Return the 32-bit values fed to MinHash: the low half of each shingle hash."""
    return (shingles & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def sign_many(
    shingle_sets: Sequence[npt.NDArray[np.uint64]], config: IndexConfig, *, width: int = 0
) -> Signature:
    """Return one signature row per shingle set, shape (len(sets), num_perm), dtype uint32;
    with `width`, only the first `width` permutations (the columns a full signature starts
    with)."""
    a, b = permutations(config.num_perm, config.seed)
    if width:
        a, b = a[:width], b[:width]
    out = np.full((len(shingle_sets), len(a)), EMPTY_VALUE, dtype=np.uint32)
    start = 0
    while start < len(shingle_sets):
        stop, cells = start, 0
        while stop < len(shingle_sets) and (cells == 0 or cells < _BATCH_CELLS):
            cells += max(len(shingle_sets[stop]), 1) * len(a)
            stop += 1
        _sign_batch(shingle_sets[start:stop], a, b, out[start:stop])
        start = stop
    return out


def _sign_batch(
    sets: Sequence[npt.NDArray[np.uint64]], a: Signature, b: Signature, out: Signature
) -> None:
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    rows = np.flatnonzero(lengths)
    if not len(rows):
        return
    values = np.concatenate([sets[i] for i in rows.tolist()])
    hv = _fmix32(minhash_inputs(values))
    offsets = np.concatenate(([0], np.cumsum(lengths[rows])[:-1]))
    # One permutation at a time over every value of the batch: the scratch row stays in cache.
    # Measured 0.04 ms per 180-shingle article, against 0.4 ms for one (values x perms) matrix.
    scratch = np.empty(len(hv), dtype=np.uint32)
    mins = np.empty((len(rows), len(a)), dtype=np.uint32)
    for p in range(len(a)):
        np.multiply(hv, a[p], out=scratch)
        scratch += b[p]
        mins[:, p] = np.minimum.reduceat(scratch, offsets)
    out[rows] = mins


def sign(shingles: npt.NDArray[np.uint64], config: IndexConfig) -> Signature:
    """Return the MinHash signature of one shingle set."""
    row: Signature = sign_many([shingles], config)[0]
    return row


def to_lean_minhash(signature: Signature, config: IndexConfig) -> Any:
    """Wrap a signature as a datasketch `LeanMinHash` (for `MinHashLSH` and its estimators)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=config.seed, hashvalues=signature, scheme=MINHASH_SCHEME)


def estimate_jaccard(sig_a: Signature, sig_b: Signature) -> float:
    """Return the MinHash estimate of Jaccard similarity: the share of equal slots."""
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)
