"""Which IDs a file has already used, and on which row, in little memory.

A file of millions of rows must not need a Python dict entry per ID (about 130 bytes with its
integers): this keeps a 64-bit hash of each ID and its row in two flat arrays, 12 bytes an ID
at most half full, found by linear probing.
"""

from __future__ import annotations

import hashlib
from array import array

EMPTY = 0
FIRST_CAPACITY = 1024


def _key(source_id: str) -> int:
    digest = hashlib.blake2b(source_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") or 1  # 0 marks an empty slot


class FirstRows:
    """The first row each ID was seen on."""

    def __init__(self) -> None:
        self._keys = array("Q", [EMPTY]) * FIRST_CAPACITY
        self._rows = array("I", [0]) * FIRST_CAPACITY
        self._used = 0

    def __len__(self) -> int:
        return self._used

    def seen_on(self, source_id: str, row: int) -> int | None:
        """The row ``source_id`` was first seen on, or None (and ``row`` is remembered)."""
        key = _key(source_id)
        slot = self._slot(key)
        if self._keys[slot] == key:
            return int(self._rows[slot])
        self._keys[slot], self._rows[slot] = key, row
        self._used += 1
        if self._used * 2 > len(self._keys):
            self._grow()
        return None

    def _slot(self, key: int) -> int:
        mask = len(self._keys) - 1
        slot = key & mask
        while self._keys[slot] not in (EMPTY, key):
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        keys, rows = self._keys, self._rows
        capacity = 2 * len(keys)
        self._keys = array("Q", [EMPTY]) * capacity
        self._rows = array("I", [0]) * capacity
        for key, row in zip(keys, rows, strict=True):
            if key != EMPTY:
                slot = self._slot(key)
                self._keys[slot], self._rows[slot] = key, row
