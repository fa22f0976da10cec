"""Exact verification of candidate pairs on shingle sets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup.records import Match, Pair
from newsdedup.verify import overlap, verify

sets = st.sets(st.integers(0, 2**64 - 1), max_size=40).map(
    lambda s: np.array(sorted(s), dtype=np.uint64)
)


def arr(*values: int) -> np.ndarray:
    return np.array(sorted(values), dtype=np.uint64)


class TestOverlap:
    def test_values(self):
        """Jaccard, containment of the smaller set, shared count."""
        assert overlap(arr(1, 2, 3, 4), arr(3, 4, 5)) == (2 / 5, 2 / 3, 2)

    def test_empty_sets_share_nothing(self):
        """An empty set is similar to nothing."""
        assert overlap(arr(), arr(1)) == (0.0, 0.0, 0)

    @given(sets, sets)
    def test_symmetric_and_in_unit_interval(self, a, b):
        """Jaccard is symmetric, lies in [0, 1] and never exceeds containment."""
        jab, cab, _ = overlap(a, b)
        jba, cba, _ = overlap(b, a)
        assert jab == jba
        assert cab == cba
        assert 0.0 <= jab <= cab <= 1.0


class TestVerify:
    def test_jaccard_admits(self):
        """A pair over the Jaccard threshold is admitted via jaccard."""
        m = verify("b", "a", arr(*range(10)), arr(*range(1, 10)), threshold=0.7, containment=0.8)
        assert m is not None
        assert (m.a, m.b, m.via) == ("a", "b", "jaccard")

    def test_containment_admits_a_cut_copy(self):
        """Half of an article is admitted via containment."""
        m = verify("a", "b", arr(*range(100)), arr(*range(50)), threshold=0.7, containment=0.8)
        assert m is not None
        assert m.via == "containment"
        assert m.similarity == 1.0

    def test_dissimilar_pair_is_rejected(self):
        """Low overlap is no match."""
        assert (
            verify("a", "b", arr(*range(10)), arr(*range(8, 20)), threshold=0.7, containment=0.8)
            is None
        )


class TestRecords:
    def test_pair_requires_order(self):
        """A Pair must have a < b."""
        with pytest.raises(ValueError, match="a < b"):
            Pair("b", "a")

    def test_match_scores_in_unit_interval(self):
        """A Match refuses scores outside [0, 1]."""
        with pytest.raises(ValueError, match="jaccard"):
            Match(a="a", b="b", jaccard=1.5, containment=1.0, shared=1, via="jaccard")
