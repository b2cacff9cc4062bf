"""Reading a CSV or XLSX file row by row, whatever encoding and separator it arrived in.

Nothing here loads a whole file: a CSV is decoded as a stream and an XLSX is read in openpyxl's
read-only mode, one row at a time. What the reader found out (encoding, separator, sheet) is
reported back so the import report can say it.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

SAMPLE_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"
SEPARATORS = (";", ",", "\t")
MAX_COLUMNS = 200


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why in the user's language."""


@dataclass
class Table:
    """A file opened for reading: its header and a stream of numbered rows (header is row 1)."""

    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    file_format: str
    encoding: str = ""
    separator: str = ""
    sheet: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def open_table(path: Path, *, sheet: str = "", strict: bool = False) -> Table:
    """Open ``path`` as a table; ``sheet`` picks an XLSX sheet by name, or when ``strict`` is
    false and there is none of that name, the first sheet."""
    with path.open("rb") as stream:
        start = stream.read(SAMPLE_BYTES)
    if not start:
        raise FileRefused(_("The file is empty."))
    if start.startswith(XLSX_MAGIC):
        return _open_xlsx(path, sheet, strict)
    return _open_csv(path, start)


def _detect_encoding(start: bytes) -> str:
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(
            _("The file is in UTF-16; save it as CSV UTF-8 or as an Excel workbook (.xlsx).")
        )
    if b"\x00" in start:
        raise FileRefused(
            _("The file is not text: save it as CSV or as an Excel workbook (.xlsx).")
        )
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte letter cut by the end of the sample is still UTF-8.
        if error.start < len(start) - 3:
            return "cp1251"
    return "utf-8"


def _detect_separator(header_line: str) -> str:
    counts = {separator: header_line.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    if counts[best] == 0:
        raise FileRefused(
            _("No column separator found in the first line: use a semicolon or a comma.")
        )
    return best


def _open_csv(path: Path, start: bytes) -> Table:
    encoding = _detect_encoding(start)
    text = start.decode(encoding, errors="replace")
    first_line = text.splitlines()[0] if text else ""
    separator = _detect_separator(first_line)
    stream = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=separator)
    try:
        header = [_clean_header(name) for name in next(reader)]
    except (StopIteration, UnicodeDecodeError, csv.Error) as error:
        stream.close()
        raise FileRefused(_("The first line of the file cannot be read as a header.")) from error
    return Table(
        header=header,
        rows=_csv_rows(stream, reader, header, encoding),
        file_format="csv",
        encoding="utf-8" if encoding == "utf-8-sig" else encoding,
        separator=separator,
    )


def _csv_rows(
    stream: IO[str], reader: Any, header: list[str], encoding: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    row_number = 1
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise FileRefused(
                    _(
                        "After row %(row)s the file is not valid %(encoding)s text; "
                        "save it again as CSV UTF-8."
                    )
                    % {"row": row_number, "encoding": encoding.upper()}
                ) from error
            except csv.Error as error:
                raise FileRefused(
                    _("Row %(row)s cannot be read as CSV (an unclosed quotation mark?).")
                    % {"row": row_number + 1}
                ) from error
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            yield row_number, _as_row(header, cells)
    finally:
        stream.close()


def _as_row(header: list[str], cells: list[Any]) -> dict[str, Any]:
    row = {name: cells[index] if index < len(cells) else "" for index, name in enumerate(header)}
    if len(cells) > len(header) and any(str(cell).strip() for cell in cells[len(header) :]):
        row[EXTRA_CELLS] = True
    return row


EXTRA_CELLS = "__extra_cells__"


def _clean_header(name: Any) -> str:
    return str(name if name is not None else "").strip().lower()


def sheet_names(path: Path) -> list[str]:
    """The sheets of an XLSX workbook, or [] for any other file."""
    with path.open("rb") as stream:
        if stream.read(4) != XLSX_MAGIC:
            return []
    workbook = _load_workbook(path)
    names = list(workbook.book.sheetnames)
    workbook.close()
    return names


def _load_workbook(path: Path) -> _Workbook:
    """The workbook in read-only mode, whatever the file is called (an upload's temporary name)."""
    from openpyxl import load_workbook

    # A file object, not a name: openpyxl judges a name by its extension.
    stream = path.open("rb")
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        stream.close()
        raise FileRefused(_("The file is not a readable Excel workbook (.xlsx).")) from error
    return _Workbook(workbook, stream)


@dataclass
class _Workbook:
    """A read-only workbook and the file it reads lazily, closed together."""

    book: Any
    stream: IO[bytes]

    def close(self) -> None:
        self.book.close()
        self.stream.close()


def _open_xlsx(path: Path, sheet: str, strict: bool) -> Table:
    workbook = _load_workbook(path)
    if sheet and (strict or sheet in workbook.book.sheetnames):
        if sheet not in workbook.book.sheetnames:
            workbook.close()
            raise FileRefused(
                _("The workbook has no sheet named “%(sheet)s”; its sheets are: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(workbook.book.sheetnames)}
            )
        worksheet = workbook.book[sheet]
    elif not workbook.book.worksheets:
        workbook.close()
        raise FileRefused(_("The workbook has no sheets."))
    else:
        worksheet = workbook.book.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    try:
        header_cells = next(rows)
    except StopIteration:
        workbook.close()
        raise FileRefused(_("The sheet is empty.")) from None
    header = [_clean_header(name) for name in header_cells[:MAX_COLUMNS]]
    while header and not header[-1]:
        header.pop()
    return Table(
        header=header,
        rows=_xlsx_rows(workbook, rows, header),
        file_format="xlsx",
        sheet=worksheet.title,
    )


def _xlsx_rows(
    workbook: Any, rows: Iterator[Any], header: list[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    row_number = 1
    try:
        for cells in rows:
            row_number += 1
            if not any(cell is not None and str(cell).strip() for cell in cells):
                continue
            yield row_number, _as_row(header, list(cells))
    finally:
        workbook.close()
