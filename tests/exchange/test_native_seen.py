"""Duplicate IDs in a file are found on the right row, however many IDs the file holds."""

from __future__ import annotations

import tracemalloc

from lantern.exchange.native.seen import FirstRows


def test_every_repeated_id_is_traced_to_its_first_row_and_no_other_is_flagged() -> None:
    first = FirstRows()
    for row in range(2, 50_002):
        assert first.seen_on(f"SRC-{row}", row) is None
    assert len(first) == 50_000
    for row in range(2, 50_002, 997):
        assert first.seen_on(f"SRC-{row}", 90_000) == row
    assert first.seen_on("SRC-new", 90_001) is None
    assert first.seen_on("SRC-new", 90_002) == 90_001


def test_a_quarter_of_a_million_ids_take_megabytes_not_tens_of_megabytes() -> None:
    tracemalloc.start()
    try:
        first = FirstRows()
        for row in range(250_000):
            first.seen_on(str(row), row)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 524,288 slots of 12 bytes, and the arrays they grew from; a dict would take about 30 MB.
    assert peak < 12_000_000, peak
