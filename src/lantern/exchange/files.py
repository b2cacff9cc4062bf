"""What every file Lantern exports shares: no cell a spreadsheet would run as a formula, and
no half-written file left where the finished one is expected."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

# A cell starting with one of these is a formula (or a DDE call) to a spreadsheet.
SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The text as a spreadsheet shows it, never run: a leading quote before a formula."""
    return f"'{value}" if value.startswith(SPREADSHEET_TRIGGERS) else value


@contextmanager
def written_in_place(path: Path) -> Iterator[IO[str]]:
    """A text stream whose content becomes ``path`` only once it is all written."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def saved_in_place(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook so that ``path`` only ever holds a finished one."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        workbook.save(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
