"""Pair dot products: scipy and the compiled loop give the figures of the loop written out."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import dots
from newsdedup.dots import pair_dots
from newsdedup.story import term_vectors

WIDTH = 80


@st.composite
def rows_and_pairs(draw):
    """Term vectors sharing up to WIDTH columns (numpy's pairwise sum would add 60 shared
    products in another order than one by one) and pairs of them, in any order."""
    n = draw(st.integers(2, 6))
    weight = st.floats(1e-3, 1.0, allow_nan=False)
    vectors = [
        {f"t{c:02d}": draw(weight) for c in draw(st.sets(st.integers(0, WIDTH - 1)))}
        for _ in range(n)
    ]
    every = [(i, j) for i in range(n) for j in range(n) if i != j]
    pairs = draw(st.lists(st.sampled_from(every), min_size=1, max_size=3 * n))
    return vectors, np.array(pairs, dtype=np.int64)


def written_out(vectors, pairs):
    """Each dot as its products added one at a time in column order from 0.0."""
    out = []
    for i, j in pairs.tolist():
        total = 0.0
        for term in sorted(vectors[i].keys() & vectors[j].keys()):
            total += vectors[i][term] * vectors[j][term]
        out.append(total)
    return out


@settings(max_examples=200, deadline=None)
@given(case=rows_and_pairs())
def test_scipy_dots_add_products_in_column_order(case):
    vectors, pairs = case
    matrix = term_vectors(vectors).matrix
    assert pair_dots(matrix, pairs, compiled=False).tolist() == written_out(vectors, pairs)


@settings(max_examples=200, deadline=None)
@given(case=rows_and_pairs(), threads=st.integers(1, 3))
def test_compiled_dots_give_the_same_bits(case, threads, monkeypatch_batch):
    """The numba loop, on threads and over several calls (so each must leave its scratch
    row clear for the next), gives the same bits as the written-out loop."""
    pytest.importorskip("numba")
    vectors, pairs = case
    matrix = term_vectors(vectors).matrix
    heard = []
    got = pair_dots(matrix, pairs, compiled=True, threads=threads, on_batch=heard.append)
    assert got.tolist() == written_out(vectors, pairs)
    assert sum(heard) == len(pairs)


@pytest.fixture(scope="module")
def monkeypatch_batch():
    """Calls of 4 pairs, split over the threads: scratch rows are reused many times."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dots, "_KERNEL_BATCH", 4)
        yield


def test_small_runs_stay_on_scipy_unless_forced(monkeypatch):
    """Below KERNEL_MIN_PAIRS, numba is not even looked for (its import and compile cost
    more than they save); above it, scipy stands in when numba is missing."""
    monkeypatch.setattr(dots, "kernel", lambda: pytest.fail("numba looked for"))
    matrix = term_vectors([{"a": 1.0, "b": 2.0}, {"b": 3.0}]).matrix
    pairs = np.array([[0, 1]], dtype=np.int64)
    assert pair_dots(matrix, pairs).tolist() == [6.0]
    assert pair_dots(matrix, pairs, compiled=False).tolist() == [6.0]
    monkeypatch.setattr(dots, "KERNEL_MIN_PAIRS", 1)
    monkeypatch.setattr(dots, "kernel", lambda: None)
    assert pair_dots(matrix, pairs).tolist() == [6.0]


def test_forcing_the_loop_without_numba_says_what_to_install(monkeypatch):
    monkeypatch.setattr(dots, "kernel", lambda: None)
    matrix = term_vectors([{"a": 1.0}, {"a": 1.0}]).matrix
    with pytest.raises(RuntimeError, match=r"newsdedup\[fast\]"):
        pair_dots(matrix, np.array([[0, 1]], dtype=np.int64), compiled=True)
