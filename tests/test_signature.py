"""Signatures: datasketch's own values, computed in numpy batches."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.config import MINHASH_SCHEME, IndexConfig
from newsdedup.index import _raw_codes, band_keys, candidate_pairs, raw_pair_count
from newsdedup.shingle import shingles
from newsdedup.signature import (
    EMPTY_VALUE,
    estimate_jaccard,
    minhash_inputs,
    sign,
    sign_many,
    to_lean_minhash,
)

from .conftest import make_article


def identity(value):
    return int(value)


def datasketch_signature(values: np.ndarray, config: IndexConfig) -> np.ndarray:
    m = MinHash(
        num_perm=config.num_perm, seed=config.seed, scheme=MINHASH_SCHEME, hashfunc=identity
    )
    m.update_batch(minhash_inputs(values).tolist())
    return np.asarray(m.hashvalues)


def random_sets(n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [
        np.unique(rng.integers(0, 2**64 - 1, size=int(rng.integers(1, 400)), dtype=np.uint64))
        for _ in range(n)
    ]


class TestSign:
    @pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 0)])
    def test_equals_datasketch_minhash_update_batch(self, num_perm, seed):
        """`sign` equals datasketch's affine32 MinHash fed the low 32 bits, value for value."""
        config = IndexConfig(num_perm=num_perm, seed=seed)
        for values in random_sets(5, seed):
            assert np.array_equal(sign(values, config), datasketch_signature(values, config))

    def test_real_article_shingles_equal_datasketch(self):
        """The same holds for the shingles of an article."""
        config = IndexConfig()
        values = shingles(make_article(3).lower())
        assert np.array_equal(sign(values, config), datasketch_signature(values, config))

    def test_batch_rows_equal_single_signatures(self):
        """`sign_many` gives each set the row `sign` gives it alone, empty sets included."""
        config = IndexConfig()
        sets = random_sets(30, 1)
        sets[4] = np.zeros(0, dtype=np.uint64)
        batch = sign_many(sets, config)
        assert batch.shape == (30, config.num_perm)
        assert batch.dtype == np.uint32
        for row, values in zip(batch, sets, strict=True):
            assert np.array_equal(row, sign(values, config))
        assert (batch[4] == EMPTY_VALUE).all()

    def test_lean_minhash_accepts_signature_and_estimates_alike(self):
        """A signature wraps as a `LeanMinHash` whose Jaccard estimate matches ours."""
        config = IndexConfig()
        a, b = random_sets(2, 2)
        b = np.union1d(a[: len(a) // 2], b)
        sig_a, sig_b = sign(a, config), sign(b, config)
        lean_a, lean_b = to_lean_minhash(sig_a, config), to_lean_minhash(sig_b, config)
        assert isinstance(lean_a, LeanMinHash)
        assert lean_a.jaccard(lean_b) == pytest.approx(estimate_jaccard(sig_a, sig_b))


class TestBandKeys:
    def test_candidates_equal_datasketch_minhash_lsh(self):
        """Grouping band keys by sorting finds the pairs `MinHashLSH` finds, no more, no less."""
        config = IndexConfig()
        bands, rows = config.bands_rows
        base = random_sets(40, 3)
        # Near copies: drop a share of each of the first 20 sets.
        rng = np.random.default_rng(4)
        sets = base + [s[rng.random(len(s)) < 0.7] for s in base[:20]]
        signatures = sign_many(sets, config)
        ours = {tuple(p) for p in candidate_pairs(band_keys(signatures, config), config).tolist()}
        lsh = MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm)
        assert (lsh.b, lsh.r) == (bands, rows)
        for n, row in enumerate(signatures):
            lsh.insert(n, to_lean_minhash(row, config))
        theirs = set()
        for n, row in enumerate(signatures):
            for other in lsh.query(to_lean_minhash(row, config)):
                if other != n:
                    theirs.add((min(n, other), max(n, other)))
        assert ours == theirs
        assert len(ours) >= 20


def _pairs_by_brute_force(keys: np.ndarray, max_bucket: int) -> list[tuple[int, int]]:
    """What `candidate_pairs` promises, spelled out: per band, every pair of a bucket, or for a
    bucket over `max_bucket`, every member with each of the bucket's first few members."""
    found = set()
    for members in _buckets(keys):
        heads = members if len(members) <= max_bucket else members[: max(2, max_bucket // 10)]
        for h in heads:
            found.update((min(h, m), max(h, m)) for m in members if m != h)
    return sorted(found)


def _buckets(keys: np.ndarray) -> list[list[int]]:
    """Return the members of every band's buckets (rows sharing that band's key), band by band."""
    out = []
    for band in range(keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for n, key in enumerate(keys[:, band].tolist()):
            buckets.setdefault(key, []).append(n)
        out.extend(buckets.values())
    return out


def _band_keys(top: int) -> st.SearchStrategy[np.ndarray]:
    """Up to 60 rows of 3 band keys in 0..top: few keys, so buckets large and small."""
    rows = st.lists(st.lists(st.integers(0, top), min_size=3, max_size=3), max_size=60)
    return rows.map(lambda r: np.array(r, dtype=np.uint64).reshape(len(r), 3))


class TestCandidatePairs:
    @given(array=_band_keys(6), max_bucket=st.integers(2, 30))
    @settings(max_examples=200, deadline=None)
    def test_pairs_are_the_sorted_unique_bucket_pairs(self, array, max_bucket):
        got = candidate_pairs(array, IndexConfig(max_bucket=max_bucket))
        assert got.dtype == np.int64
        assert got.shape[1:] == (2,)
        assert [tuple(p) for p in got.tolist()] == _pairs_by_brute_force(array, max_bucket)

    @given(array=_band_keys(4), max_bucket=st.integers(2, 30))
    @settings(max_examples=200, deadline=None)
    def test_raw_pair_count_is_what_gathering_holds(self, array, max_bucket):
        """The memory check's count: per band, each pair of a bucket once, or for a bucket
        over `max_bucket`, each link of a member to one of its first few (head to head twice),
        repeats across bands included."""
        expected = 0
        for members in _buckets(array):
            if len(members) <= max_bucket:
                expected += sum(1 for a in members for b in members if a < b)
            else:
                heads = members[: max(2, max_bucket // 10)]
                expected += sum(1 for h in heads for m in members if m != h)
        assert raw_pair_count(array, IndexConfig(max_bucket=max_bucket)) == expected

    @given(
        array=_band_keys(4),
        max_bucket=st.integers(2, 30),
        days=st.lists(st.one_of(st.just(-1), st.integers(0, 8).map(lambda d: 50 * d)), max_size=60),
    )
    @settings(max_examples=200, deadline=None)
    def test_raw_pair_count_leaves_out_the_pairs_keep_drops(self, array, max_bucket, days):
        """Counted with values, the pairs gathered less those a filter of values more than
        `window` apart drops (some exactly `window` apart, which stay): exact when no bucket
        is huge, an upper bound when one is."""
        values = np.array((days + [-1] * len(array))[: len(array)], dtype=np.int64)
        n, window = len(array), 100

        def keep(codes):
            a, b = values[codes // n], values[codes % n]
            return codes[(a < 0) | (b < 0) | (np.abs(a - b) <= window)]

        config = IndexConfig(max_bucket=max_bucket)
        gathered = sum(len(c) for c in _raw_codes(array, config, keep)) if n >= 2 else 0
        got = raw_pair_count(array, config, values=values, window=window)
        if all(len(m) <= max_bucket for m in _buckets(array)):
            assert got == gathered
        else:
            assert got >= gathered
