"""spaCy's word-vector index (``Vectors.key2row``: a word's hash to its row) held in numpy arrays.

spaCy keeps it as a dict of Python ints: for the model's 684,830 keys about 60 MB resident, against 11 MB
here (docs/PERFORMANCE.md, round 11). The same keys give the same rows in the same order; the index is
read-only, as nothing here edits the model's vectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np


class VectorRows(Mapping[int, int]):
    def __init__(self, key2row: Mapping[int, int]) -> None:
        keys = np.fromiter(key2row.keys(), dtype=np.uint64, count=len(key2row))
        self._keys = keys  # in spaCy's order, for iteration
        self._rows = np.fromiter(key2row.values(), dtype=np.int32, count=len(key2row))
        self._by_key = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[self._by_key]

    def _position(self, key: Any) -> int | None:
        try:
            wanted = np.uint64(key)
        except (OverflowError, TypeError, ValueError):
            return None  # not a word's hash (a negative or too large number, a string): not a key
        found = int(np.searchsorted(self._sorted_keys, wanted))
        if found < len(self._sorted_keys) and self._sorted_keys[found] == wanted:
            return int(self._by_key[found])
        return None

    def __getitem__(self, key: Any) -> int:
        position = self._position(key)
        if position is None:
            raise KeyError(key)
        return int(self._rows[position])

    def get(self, key: Any, default: Any = None) -> Any:
        position = self._position(key)
        return default if position is None else int(self._rows[position])

    def __contains__(self, key: object) -> bool:
        return self._position(key) is not None

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in self._keys)

    def __len__(self) -> int:
        return len(self._keys)
