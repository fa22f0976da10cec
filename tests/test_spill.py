"""Shingle sets spilled to disk during a scan read back exactly, in id order."""

from __future__ import annotations

import numpy as np

from newsdedup.spill import SpilledSets, set_sizes


def test_spilled_sets_read_back_in_the_new_order() -> None:
    rng = np.random.default_rng(1)
    sets = [np.unique(rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64)) for n in (3, 0, 5, 1)]
    spill = SpilledSets()
    try:
        spill.append(np.concatenate(sets[:2]), np.array([3, 0]))
        spill.append(np.concatenate(sets[2:]), np.array([5, 1]))
        order = np.array([2, 0, 3, 1])
        spill.reorder(order)
        assert len(spill) == 4
        assert set_sizes(spill).tolist() == [5, 3, 1, 0]
        for position, original in enumerate(order.tolist()):
            assert np.array_equal(spill[position], sets[original])
            assert spill[position].dtype == np.uint64
        assert [len(s) for s in spill[1:3]] == [3, 1]
    finally:
        spill.close()


def test_set_sizes_of_plain_lists() -> None:
    sets = [np.zeros(2, dtype=np.uint64), np.zeros(0, dtype=np.uint64)]
    assert set_sizes(sets).tolist() == [2, 0]
