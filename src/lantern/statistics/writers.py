"""XLSX and DOCX renderings of a report in the shape documented in docs/reports.md.

Both writers are pure functions of the report dict: they read no records and
change nothing. Labels, titles and notes are written exactly as the JSON gives
them (they are already in the reader's language); only the few words the
renderings add themselves ("Notes", "Period", ...) go through gettext.

Labels come from jurisdiction packs and hand-typed tables, so the XLSX writer
never lets a text become a formula or an error value: every text cell is a
string cell, and one that starts like a formula ("=", "+", "-", "@") also
carries Excel's quote prefix, as if the user had typed an apostrophe before it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table as WordTable
from docx.table import _Cell as WordCell
from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["write_docx", "write_xlsx"]

# A Word table with more columns than this is set on a landscape page.
LANDSCAPE_ABOVE_COLUMNS = 8

# Texts starting with one of these are formulas (or DDE calls) to a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

AMOUNT_FORMAT = "0.00"

_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Characters XML 1.0 cannot hold, so neither XLSX nor DOCX can store them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Characters Excel refuses in a sheet name (the apostrophe is dropped too: it quotes
# sheet names in references, and a name may neither start nor end with one).
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")
_SHEET_NAME_MAX = 31
_EXCEL_RESERVED_SHEET_NAMES = ("history",)


# The report, read once for both renderings.


@dataclass(frozen=True)
class _Value:
    """One cell of a table: a number (count or amount), a text, or nothing."""

    number: int | float | Decimal | None
    text: str
    amount: bool = False

    @property
    def empty(self) -> bool:
        return self.number is None and not self.text


@dataclass(frozen=True)
class _Column:
    label: str
    group: str | None  # the group's label
    group_id: str | None


@dataclass(frozen=True)
class _Span:
    """A run of columns under one header cell of the top header row.

    `group` is the group label for grouped columns (their own labels go in the
    second header row); None for an ungrouped column, which spans both rows.
    """

    first: int
    last: int
    group: str | None


@dataclass(frozen=True)
class _Table:
    id: str
    title: str
    population: str
    row_label: str
    columns: list[_Column]
    rows: list[tuple[str, list[_Value]]]
    notes: list[str]

    @property
    def grouped(self) -> bool:
        return any(column.group is not None for column in self.columns)

    @property
    def header_depth(self) -> int:
        return 2 if self.grouped else 1

    @property
    def width(self) -> int:
        """Columns of the rendered table: the row labels and one per report column."""
        return 1 + len(self.columns)

    @property
    def wide(self) -> bool:
        return self.width > LANDSCAPE_ABOVE_COLUMNS

    def spans(self) -> list[_Span]:
        spans: list[_Span] = []
        for index, column in enumerate(self.columns):
            previous = spans[-1] if spans else None
            if (
                column.group is not None
                and previous is not None
                and previous.group is not None
                and self.columns[previous.last].group_id == column.group_id
            ):
                spans[-1] = _Span(previous.first, index, previous.group)
            else:
                spans.append(_Span(index, index, column.group))
        return spans


def _clean(value: Any) -> str:
    """The text of a JSON value, less the control characters XML cannot store."""
    if value is None:
        return ""
    return _NOT_XML.sub("", str(value))


def _value(raw: Any) -> _Value:
    if raw is None:
        return _Value(None, "")
    if isinstance(raw, bool):
        return _Value(None, _clean(raw))
    if isinstance(raw, int) or (isinstance(raw, float) and math.isfinite(raw)):
        return _Value(raw, str(raw))
    if isinstance(raw, str) and _AMOUNT.fullmatch(raw):
        return _Value(Decimal(raw), raw, amount=True)
    return _Value(None, _clean(raw))


def _texts(values: Any) -> list[str]:
    """Notes: a list of strings (a note given as an object shows its "text" or "message")."""
    if not isinstance(values, list):
        return []
    texts = []
    for value in values:
        if isinstance(value, Mapping):
            value = value.get("text", value.get("message", ""))
        text = _clean(value)
        if text:
            texts.append(text)
    return texts


def _table(data: Mapping[str, Any], position: int) -> _Table:
    groups = {
        str(group.get("id")): _clean(group.get("label", group.get("id")))
        for group in data.get("groups") or []
    }
    columns_data = list(data.get("columns") or [])
    columns = [
        _Column(
            label=_clean(column.get("label", column.get("id"))),
            group=(
                None
                if column.get("group") is None
                else groups.get(str(column["group"]), _clean(column["group"]))
            ),
            group_id=None if column.get("group") is None else str(column["group"]),
        )
        for column in columns_data
    ]
    cells: Mapping[str, Any] = data.get("cells") or {}
    rows = []
    for row in data.get("rows") or []:
        row_cells = cells.get(str(row)) or {}
        rows.append(
            (_clean(row), [_value(row_cells.get(str(column.get("id")))) for column in columns_data])
        )
    population = _clean(data.get("population"))
    unit = _clean(data.get("unit"))
    if population and unit:
        population = f"{population} ({unit})"
    return _Table(
        id=_clean(data.get("id")) or f"table_{position}",
        title=_clean(data.get("title")),
        population=population or unit,
        row_label=_clean(data.get("row_label")),
        columns=columns,
        rows=rows,
        notes=_texts(data.get("notes")),
    )


def _tables(report: Mapping[str, Any]) -> list[_Table]:
    return [_table(data, position) for position, data in enumerate(report.get("tables") or [], 1)]


def _period(report: Mapping[str, Any]) -> str:
    period = report.get("period")
    if not isinstance(period, Mapping):
        return _clean(period)
    start, end = _clean(period.get("from")), _clean(period.get("to"))
    if start and end and start != end:
        return f"{start}–{end}"
    return start or end


def _validation_passed() -> str:
    return _(
        "Every breakdown adds up to its total and every table agrees with the tables it depends on."
    )


def _violations(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [v for v in report.get("violations") or [] if isinstance(v, Mapping)]


def _generated_at(report: Mapping[str, Any]) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(report.get("generated_at")))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


# XLSX

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill(fill_type="solid", fgColor="E7E6E6")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LABEL_ALIGNMENT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_NUMBER_ALIGNMENT = Alignment(horizontal="right", vertical="top")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_ITALIC = Font(italic=True)
_SMALL = Font(italic=True, size=9)

_MIN_WIDTH = 8
_MAX_WIDTH = 40


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    cell = sheet.cell(row=row, column=column)
    if isinstance(cell, MergedCell):
        raise ValueError(f"{cell.coordinate} lies inside a merged range")
    return cell


def _put_text(cell: Cell, text: str) -> None:
    """A string cell, whatever the text looks like: never a formula, error or number."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def _put(cell: Cell, value: _Value) -> None:
    if value.number is not None:
        cell.value = value.number
        if value.amount:
            cell.number_format = AMOUNT_FORMAT
    elif value.text:
        _put_text(cell, value.text)
    cell.alignment = _NUMBER_ALIGNMENT


def _merge(
    sheet: Worksheet, first_row: int, first_column: int, last_row: int, last_column: int
) -> None:
    if (first_row, first_column) != (last_row, last_column):
        sheet.merge_cells(
            start_row=first_row,
            start_column=first_column,
            end_row=last_row,
            end_column=last_column,
        )


def _sheet_names(tables: Sequence[_Table], reserved: Iterable[str]) -> list[str]:
    """One distinct, valid sheet name per table, from its id: "table_1" becomes "Table 1"."""
    taken = {name.casefold() for name in reserved} | set(_EXCEL_RESERVED_SHEET_NAMES)
    names = []
    for position, table in enumerate(tables, 1):
        base = " ".join(_NOT_IN_SHEET_NAME.sub("", table.id.replace("_", " ")).split())
        base = (base or f"table {position}")[:_SHEET_NAME_MAX].rstrip()
        base = base[:1].upper() + base[1:]
        name, copy = base, 2
        while name.casefold() in taken:
            suffix = f" ({copy})"
            name = base[: _SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
            copy += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def _width(texts: Iterable[str], minimum: int = _MIN_WIDTH) -> float:
    longest = max((len(line) for text in texts for line in text.splitlines()), default=0)
    return float(min(max(longest + 2, minimum), _MAX_WIDTH))


def _xlsx_table(sheet: Worksheet, table: _Table) -> None:
    last_column = table.width
    _put_text(_cell(sheet, 1, 1), table.title)
    _cell(sheet, 1, 1).font = _TITLE_FONT
    _put_text(_cell(sheet, 2, 1), table.population)
    _cell(sheet, 2, 1).font = _ITALIC

    top = 3
    depth = table.header_depth
    first_data = top + depth
    last_row = first_data + len(table.rows) - 1 if table.rows else first_data - 1

    _put_text(_cell(sheet, top, 1), table.row_label)
    for span in table.spans():
        if span.group is None:
            _put_text(_cell(sheet, top, span.first + 2), table.columns[span.first].label)
            continue
        _put_text(_cell(sheet, top, span.first + 2), span.group)
        for index in range(span.first, span.last + 1):
            _put_text(_cell(sheet, top + 1, index + 2), table.columns[index].label)

    for offset, (label, values) in enumerate(table.rows):
        row = first_data + offset
        _put_text(_cell(sheet, row, 1), label)
        _cell(sheet, row, 1).alignment = _LABEL_ALIGNMENT
        for index, value in enumerate(values):
            _put(_cell(sheet, row, index + 2), value)

    notes_row = last_row + 2
    for offset, note in enumerate(table.notes):
        _put_text(_cell(sheet, notes_row + offset, 1), note)
        _cell(sheet, notes_row + offset, 1).font = _SMALL

    # Merges after the values, so that every value lands in a real cell.
    _merge(sheet, 1, 1, 1, last_column)
    _merge(sheet, 2, 1, 2, last_column)
    _merge(sheet, top, 1, top + depth - 1, 1)
    for span in table.spans():
        if span.group is None:
            _merge(sheet, top, span.first + 2, top + depth - 1, span.first + 2)
        else:
            _merge(sheet, top, span.first + 2, top, span.last + 2)

    grid = sheet.iter_rows(
        min_row=top, max_row=max(last_row, top + depth - 1), min_col=1, max_col=last_column
    )
    for row, cells in enumerate(grid, top):
        for cell in cells:
            cell.border = _BORDER
            if row < first_data:
                cell.font = _BOLD
                cell.fill = _HEADER_FILL
                cell.alignment = _HEADER_ALIGNMENT

    sheet.freeze_panes = _cell(sheet, first_data, 2) if table.columns else f"A{first_data}"
    sheet.column_dimensions["A"].width = _width(
        [table.row_label, *(label for label, _values in table.rows)], minimum=10
    )
    for index, column in enumerate(table.columns):
        texts = [values[index].text for _label, values in table.rows]
        sheet.column_dimensions[get_column_letter(index + 2)].width = _width([column.label, *texts])

    sheet.print_title_rows = f"{top}:{top + depth - 1}"
    sheet.page_setup.orientation = "landscape" if table.wide else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _xlsx_about(
    sheet: Worksheet, report: Mapping[str, Any], tables: Sequence[_Table], names: Sequence[str]
) -> None:
    _put_text(_cell(sheet, 1, 1), _clean(report.get("title")))
    _cell(sheet, 1, 1).font = _TITLE_FONT
    facts = [
        (_("Report"), _clean(report.get("report"))),
        (_("Period"), _period(report)),
        (_("Generated at"), _clean(report.get("generated_at"))),
        (_("Jurisdiction"), _clean(report.get("jurisdiction"))),
        (_("Public"), _("Yes") if report.get("public") else _("No")),
    ]
    row = 3
    for label, text in facts:
        _put_text(_cell(sheet, row, 1), label)
        _cell(sheet, row, 1).font = _BOLD
        _put_text(_cell(sheet, row, 2), text)
        row += 1
    row += 1
    _put_text(_cell(sheet, row, 1), _("Tables"))
    _cell(sheet, row, 1).font = _BOLD
    for table, name in zip(tables, names, strict=True):
        row += 1
        link = _cell(sheet, row, 1)
        link.style = "Hyperlink"
        _put_text(link, name)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1", display=name)
        _put_text(_cell(sheet, row, 2), table.title)
    sheet.column_dimensions["A"].width = _width([*(label for label, _text in facts), *names])
    sheet.column_dimensions["B"].width = _MAX_WIDTH * 2


def _xlsx_notes(sheet: Worksheet, report: Mapping[str, Any], sheet_of: Mapping[str, str]) -> None:
    row = 1
    _put_text(_cell(sheet, row, 1), _("Notes"))
    _cell(sheet, row, 1).font = _TITLE_FONT
    for note in _texts(report.get("notes")):
        row += 1
        _put_text(_cell(sheet, row, 1), note)
    row += 2
    _put_text(_cell(sheet, row, 1), _("Validation"))
    _cell(sheet, row, 1).font = _TITLE_FONT
    violations = _violations(report)
    if not violations:
        _put_text(_cell(sheet, row + 1, 1), _validation_passed())
        return
    row += 1
    headings = [_("Rule"), _("Table"), _("Row"), _("Message")]
    lines = [headings]
    for violation in violations:
        table = _clean(violation.get("table"))
        lines.append(
            [
                _clean(violation.get("rule")),
                sheet_of.get(table, table),
                _clean(violation.get("row")),
                _clean(violation.get("message")),
            ]
        )
    for offset, line in enumerate(lines):
        for index, text in enumerate(line):
            cell = _cell(sheet, row + offset, index + 1)
            _put_text(cell, text)
            cell.border = _BORDER
            cell.alignment = _LABEL_ALIGNMENT
            if offset == 0:
                cell.font = _BOLD
                cell.fill = _HEADER_FILL
    for index in range(len(headings)):
        texts = [line[index] for line in lines]
        width = _width(texts) if index < len(headings) - 1 else _MAX_WIDTH * 2
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


def write_xlsx(report: dict[str, Any], target: BinaryIO | Path) -> None:
    """Write the report as a workbook: "About", one sheet per table, then "Notes"."""
    tables = _tables(report)
    workbook = Workbook()
    about = workbook.worksheets[0]
    if not isinstance(about, Worksheet):  # pragma: no cover - a new workbook starts with one
        raise TypeError("a new workbook starts with a worksheet")
    about.title = _("About")
    notes_title = _("Notes")
    names = _sheet_names(tables, reserved=[about.title, notes_title])
    for table, name in zip(tables, names, strict=True):
        _xlsx_table(workbook.create_sheet(name), table)
    _xlsx_notes(
        workbook.create_sheet(notes_title),
        report,
        {table.id: name for table, name in zip(tables, names, strict=True)},
    )
    _xlsx_about(about, report, tables, names)
    workbook.properties.title = _clean(report.get("title"))
    workbook.properties.creator = "Lantern"
    workbook.save(target)


# DOCX

_A4 = (Mm(210), Mm(297))
_MARGIN = Mm(20)
_TABLE_TEXT = Pt(10)
_WIDE_TABLE_TEXT = Pt(8)
_NOTE_TEXT = Pt(8)


def _page(section: Section, landscape: bool) -> None:
    short, long = _A4
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = short, long
    section.left_margin = section.right_margin = _MARGIN
    section.top_margin = section.bottom_margin = _MARGIN


def _write(
    cell: WordCell,
    text: str,
    *,
    size: Pt,
    bold: bool = False,
    alignment: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    cell.text = text
    paragraph = cell.paragraphs[0]
    paragraph.alignment = alignment
    for run in paragraph.runs:
        run.font.size = size
        run.font.bold = bold


def _repeat_as_header(table: WordTable, rows: int) -> None:
    """Repeat the header rows at the top of every page the table runs onto."""
    for row in list(table.rows)[:rows]:
        marker = OxmlElement("w:tblHeader")
        marker.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(marker)


def _docx_table(document: WordDocument, table: _Table) -> None:
    depth = table.header_depth
    size = _WIDE_TABLE_TEXT if table.wide else _TABLE_TEXT
    grid = document.add_table(rows=depth + len(table.rows), cols=table.width, style="Table Grid")
    centre = WD_ALIGN_PARAGRAPH.CENTER

    corner = grid.cell(0, 0).merge(grid.cell(depth - 1, 0)) if depth > 1 else grid.cell(0, 0)
    _write(corner, table.row_label, size=size, bold=True)
    for span in table.spans():
        first, last = span.first + 1, span.last + 1
        if span.group is None:
            head = grid.cell(0, first)
            if depth > 1:
                head = head.merge(grid.cell(depth - 1, first))
            _write(head, table.columns[span.first].label, size=size, bold=True, alignment=centre)
            continue
        head = grid.cell(0, first)
        if last > first:
            head = head.merge(grid.cell(0, last))
        _write(head, span.group, size=size, bold=True, alignment=centre)
        for index in range(span.first, span.last + 1):
            _write(
                grid.cell(1, index + 1),
                table.columns[index].label,
                size=size,
                bold=True,
                alignment=centre,
            )
    for header_row in list(grid.rows)[:depth]:
        for header_cell in header_row.cells:
            header_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _repeat_as_header(grid, depth)

    for row, (label, values) in zip(list(grid.rows)[depth:], table.rows, strict=True):
        cells = row.cells
        _write(cells[0], label, size=size)
        for index, value in enumerate(values):
            _write(cells[index + 1], value.text, size=size, alignment=WD_ALIGN_PARAGRAPH.RIGHT)


def _small(document: WordDocument, text: str, *, italic: bool = False) -> None:
    run = document.add_paragraph().add_run(text)
    run.font.size = _NOTE_TEXT
    run.font.italic = italic


def _docx_violations(
    document: WordDocument, report: Mapping[str, Any], titles: Mapping[str, str]
) -> None:
    violations = _violations(report)
    if not violations:
        document.add_paragraph(_validation_passed())
        return
    grid = document.add_table(rows=1 + len(violations), cols=4, style="Table Grid")
    headings = [_("Rule"), _("Table"), _("Row"), _("Message")]
    for cell, heading in zip(grid.rows[0].cells, headings, strict=True):
        _write(cell, heading, size=_TABLE_TEXT, bold=True)
    _repeat_as_header(grid, 1)
    for row, violation in zip(list(grid.rows)[1:], violations, strict=True):
        table = _clean(violation.get("table"))
        texts = [
            _clean(violation.get("rule")),
            titles.get(table) or table,
            _clean(violation.get("row")),
            _clean(violation.get("message")),
        ]
        for cell, text in zip(row.cells, texts, strict=True):
            _write(cell, text, size=_TABLE_TEXT)


def write_docx(report: dict[str, Any], target: BinaryIO | Path) -> None:
    """Write the report as a Word document: title, period, the tables, notes and validation.

    A table wider than LANDSCAPE_ABOVE_COLUMNS columns (row labels included) is set
    on landscape A4 pages, the others on portrait ones: the orientation changes, with
    a new section, only where it must. The notes and validation follow the last table.
    """
    tables = _tables(report)
    document = Document()
    # The first page takes the first table's orientation, so the title sits above it.
    landscape = bool(tables) and tables[0].wide
    _page(document.sections[0], landscape)
    title = _clean(report.get("title"))
    properties = document.core_properties
    properties.title = title[:255]
    properties.author = properties.last_modified_by = "Lantern"
    properties.created = properties.modified = _generated_at(report) or datetime.now(UTC)
    properties.revision = 1

    document.add_heading(title, level=0)
    period = _period(report)
    if period:
        document.add_paragraph(_("Period: %(period)s") % {"period": period})
    generated = _clean(report.get("generated_at"))
    if generated:
        _small(document, _("Generated at %(moment)s") % {"moment": generated})

    for table in tables:
        if table.wide != landscape:
            landscape = table.wide
            _page(document.add_section(WD_SECTION.NEW_PAGE), landscape)
        document.add_heading(table.title, level=1)
        if table.population:
            document.add_paragraph().add_run(table.population).italic = True
        _docx_table(document, table)
        for note in table.notes:
            _small(document, note, italic=True)

    notes = _texts(report.get("notes"))
    if notes:
        document.add_heading(_("Notes"), level=1)
        for note in notes:
            document.add_paragraph(note)
    document.add_heading(_("Validation"), level=1)
    _docx_violations(document, report, {table.id: table.title for table in tables})
    document.save(str(target) if isinstance(target, Path) else target)
