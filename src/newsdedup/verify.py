"""Exact similarity of shingle sets: the check every LSH candidate must pass."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .records import Match

SCORE_PLACES = 4  # scores are rounded so reports are byte-stable


def overlap(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> tuple[float, float, int]:
    """Return (Jaccard, containment of the smaller set in the larger, shared count).

    `a` and `b` are sorted and unique, as `shingle.shingles` returns them.
    """
    if not len(a) or not len(b):
        return 0.0, 0.0, 0
    # Binary search of the smaller set in the larger: no concatenation and re-sort per pair
    # (np.intersect1d), about twice as fast on 200-shingle articles.
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    at = np.searchsorted(large, small)
    at[at == len(large)] = 0
    shared = int(np.count_nonzero(large[at] == small))
    union = len(a) + len(b) - shared
    return shared / union, shared / min(len(a), len(b)), shared


def verify(
    id_a: str,
    id_b: str,
    a: npt.NDArray[np.uint64],
    b: npt.NDArray[np.uint64],
    *,
    threshold: float,
    containment: float,
) -> Match | None:
    """Return a `Match` when the exact sets are similar enough, else None.

    Jaccard >= threshold admits a pair; so does containment >= `containment`, so that a
    syndicated copy cut after a few paragraphs still counts as a copy of the full story.
    """
    jac, cont, shared = overlap(a, b)
    if jac >= threshold:
        via = "jaccard"
    elif cont >= containment:
        via = "containment"
    else:
        return None
    if id_b < id_a:
        id_a, id_b = id_b, id_a
    return Match(
        a=id_a,
        b=id_b,
        jaccard=round(jac, SCORE_PLACES),
        containment=round(cont, SCORE_PLACES),
        shared=shared,
        via=via,
    )
