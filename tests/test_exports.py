"""The public surface stays honest."""

from __future__ import annotations

import newsdedup


def test_all_is_sorted_and_complete():
    """`__all__` is sorted, and every public name in the package namespace is listed."""
    assert newsdedup.__all__ == sorted(newsdedup.__all__)
    public = {
        name
        for name, value in vars(newsdedup).items()
        if not name.startswith("_") and not getattr(value, "__file__", None)
    }
    assert public - {"annotations"} == set(newsdedup.__all__) - {"__version__"}
