"""Shingle sets kept on disk during a scan: memory grows with band keys, not with the text.

A scan needs every article's exact shingle set only to verify LSH candidates, and most
articles are never a candidate. Sets arrive from the workers in batches; each batch's hashes
are appended to an unlinked temporary file (gone when closed, or when the process dies) and
only (offset, size) stays in memory: 16 bytes an article instead of ~1.5 KB. Verification
reads a set back with one `pread` (from the page cache, as a rule) when a pair needs it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

ShingleArray = npt.NDArray[np.uint64]
_ITEM = 8  # bytes per shingle hash
# Sets remembered after a read: a cluster's representative is compared with each member.
_CACHE = 4096


class SpilledSets(Sequence[ShingleArray]):
    """Shingle sets in a temporary file, read back by position (after `reorder`)."""

    def __init__(self, directory: str | None = None) -> None:
        # Closed by close() (the scan calls it in a finally), or by the GC.
        self._file = tempfile.TemporaryFile(prefix="newsdedup-shingles-", dir=directory)  # noqa: SIM115
        self._end = 0
        self._offset_parts: list[npt.NDArray[np.int64]] = []
        self._size_parts: list[npt.NDArray[np.int64]] = []
        self.offsets = np.zeros(0, dtype=np.int64)
        self.sizes = np.zeros(0, dtype=np.int64)
        self._cache: dict[int, ShingleArray] = {}

    def append(self, shingles: ShingleArray, sizes: npt.NDArray[np.int64]) -> None:
        """Add a batch: its sets' hashes concatenated, and each set's size, in order."""
        data = np.ascontiguousarray(shingles, dtype="<u8")
        self._file.write(data.tobytes())
        sizes = np.asarray(sizes, dtype=np.int64)
        starts = np.cumsum(sizes) - sizes  # (an empty batch adds no offset)
        self._offset_parts.append(self._end + _ITEM * starts)
        self._size_parts.append(sizes)
        self._end += data.nbytes

    def reorder(self, order: npt.NDArray[np.int64]) -> None:
        """Finish writing; position i is then the set appended as number `order[i]`."""
        self._file.flush()
        offsets = np.concatenate(self._offset_parts) if self._offset_parts else self.offsets
        sizes = np.concatenate(self._size_parts) if self._size_parts else self.sizes
        self._offset_parts, self._size_parts = [], []
        self.offsets, self.sizes = offsets[order], sizes[order]
        self._cache.clear()

    def __len__(self) -> int:
        return len(self.sizes)

    @overload
    def __getitem__(self, i: int) -> ShingleArray: ...

    @overload
    def __getitem__(self, i: slice) -> list[ShingleArray]: ...

    def __getitem__(self, i: int | slice) -> ShingleArray | list[ShingleArray]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        i = int(i)
        cached = self._cache.get(i)
        if cached is not None:
            return cached
        size = int(self.sizes[i])
        data = os.pread(self._file.fileno(), size * _ITEM, int(self.offsets[i])) if size else b""
        if len(data) != size * _ITEM:
            raise OSError(f"short read from the shingle spill file at set {i}")
        values = np.frombuffer(data, dtype="<u8").astype(np.uint64, copy=False)
        if len(self._cache) >= _CACHE:
            self._cache.clear()
        self._cache[i] = values
        return values

    def __iter__(self) -> Iterator[ShingleArray]:
        return (self[i] for i in range(len(self)))

    def close(self) -> None:
        self._file.close()
        self._cache.clear()


def set_sizes(sets: Sequence[ShingleArray]) -> npt.NDArray[np.int64]:
    """Return the size of every set, without reading spilled sets back."""
    if isinstance(sets, SpilledSets):
        return sets.sizes
    return np.array([len(s) for s in sets], dtype=np.int64)
