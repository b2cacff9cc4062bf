"""Excel templates for Lantern's own import format: the columns a kind reads, ready to fill in.

Each kind's sheet is named after the kind (so the import finds it) and has its columns as the
header: required ones bold with a comment, code lists and yes/no as drop-downs, dates formatted
as dates. The allowed codes live on a hidden sheet, because a drop-down written inline holds at
most 255 characters and the list of countries alone is longer. A help sheet explains every
column in the language of the person who downloads the template.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lantern.core.models import CodeEntry, CodeList, Organisation
from lantern.exchange.native.kinds import Column, RecordKind
from lantern.exchange.native.registry import EVENT_KINDS
from lantern.exchange.native.values import CellError, Lookups

CODES_SHEET = "codes"
ORGANISATIONS_LIST = "organisations"
LAST_ROW = 1_048_576
# Excel's limit for a drop-down's values written in the validation itself.
INLINE_LIST_LIMIT = 255
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
REQUIRED_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
HEADER_FONT = Font(bold=True)

# Words the import reads as yes and no, in the language of the person filling the template in.
YES_NO_WORDS = {"az": ("bəli", "xeyr"), "ru": ("да", "нет"), "en": ("yes", "no")}

# What a column means, where its name alone does not say it.
COLUMN_NOTES: dict[str | tuple[str, str], Any] = {
    ("cases", "case_id"): gettext_lazy(
        "Your system's ID for the case. Importing a row with the same ID again updates the "
        "same case."
    ),
    "case_id": gettext_lazy(
        "The case the event belongs to: its case_id in your file of cases, or its Lantern "
        "reference."
    ),
    "event_id": gettext_lazy(
        "Your system's ID for this event. Importing a row with the same ID again updates it."
    ),
    "person_id": gettext_lazy(
        "Your system's ID for the person. Rows with the same person ID are one person met "
        "several times; leave it empty if each row is a different person."
    ),
    "status": gettext_lazy("Empty means a presumed victim."),
    "registered_at": gettext_lazy("When your organisation first registered the case."),
    "exploitation_countries": gettext_lazy(
        "Country codes (ISO 3166, for example TR), several separated by “;”."
    ),
    "control_means": gettext_lazy("Codes of the means of control, several separated by “;”."),
    "identified_on": gettext_lazy("Required when the status is identified."),
    "document_number": gettext_lazy("Give the document type too."),
    "document_country": gettext_lazy("The issuing country's code (ISO 3166, for example AZ)."),
    "estimated_age": gettext_lazy("Only when neither the birth date nor the birth year is known."),
    "benefit": gettext_lazy("The benefit's code in the jurisdiction pack."),
}


@dataclass(frozen=True)
class ColumnGuide:
    """What the template tells about one column."""

    name: str
    required: bool
    identity: bool
    # One of the VALUE_* names below.
    value: str
    code_list: str = ""
    choices: tuple[str, ...] = ()


VALUE_TEXT = "text"
VALUE_DATE = "date"
VALUE_MOMENT = "moment"
VALUE_YES_NO = "yes_no"
VALUE_AMOUNT = "amount"
VALUE_CODE = "code"
VALUE_CODES = "codes"
VALUE_ORGANISATION = "organisation"
VALUE_CHOICE = "choice"
VALUE_NUMBER = "number"


def guides_for(kind: RecordKind) -> list[ColumnGuide]:
    probe = _Probe(kind)
    return [probe.guide(column) for column in kind.columns(Lookups())]


def _reads(column: Column, raw: str) -> Any:
    """What the column's reader makes of ``raw``; ``_REFUSED`` if it refuses it."""
    try:
        return column.read(raw)
    except (CellError, ValueError, TypeError):
        return _REFUSED


_REFUSED = object()
SAMPLE_DATE = "2023-04-30"
SAMPLE_AMOUNT = "1250.50"
SAMPLE_NUMBERS = ("7", "2000")
NONSENSE = "§¤§"


class _Probe:
    """Tells what a column takes by what its reader accepts, as the import itself will read it.

    Readers are functions, often wrapped (an empty cell read as a default, for example), so the
    template asks them instead of recognising them: a reader that turns "yes" into True takes
    yes/no, one that turns "2023-04-30" into a date takes dates, one that takes every choice of
    the model field of the column's name and refuses anything else takes those choices.
    """

    def __init__(self, kind: RecordKind) -> None:
        self.kind = kind
        first = Organisation.objects.filter(is_active=True).order_by("code").first()
        self.organisation = (first.code, first.pk) if first else None

    def guide(self, column: Column) -> ColumnGuide:
        choices = self._choices(column)
        return ColumnGuide(
            name=column.name,
            required=column.required,
            identity=column.identity,
            value=VALUE_CHOICE if choices else self._value(column),
            code_list=column.code_list,
            choices=choices,
        )

    def _value(self, column: Column) -> str:
        if column.code_list:
            return VALUE_CODES if isinstance(_reads(column, ""), tuple) else VALUE_CODE
        if _reads(column, "yes") is True and _reads(column, "no") is False:
            return VALUE_YES_NO
        day = _reads(column, SAMPLE_DATE)
        if isinstance(day, datetime.datetime):
            return VALUE_MOMENT
        if isinstance(day, datetime.date):
            return VALUE_DATE
        if isinstance(_reads(column, SAMPLE_AMOUNT), decimal.Decimal):
            return VALUE_AMOUNT
        if any(_whole_number(_reads(column, sample)) for sample in SAMPLE_NUMBERS):
            return VALUE_NUMBER
        if self.organisation and _reads(column, self.organisation[0]) == self.organisation[1]:
            return VALUE_ORGANISATION
        return VALUE_TEXT

    def _choices(self, column: Column) -> tuple[str, ...]:
        try:
            field = self.kind.model._meta.get_field(column.name)
        except FieldDoesNotExist:
            return ()
        choices = tuple(str(value) for value, _label in getattr(field, "choices", None) or ())
        if not choices or _reads(column, NONSENSE) is not _REFUSED:
            return ()
        if any(_reads(column, choice) != choice for choice in choices):
            return ()
        return choices


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def kind_workbook(kind: RecordKind) -> Workbook:
    """A workbook with one sheet for ``kind``, its help sheet and its (hidden) code lists."""
    return _workbook([kind])


def events_workbook(kinds: Iterable[RecordKind] | None = None) -> Workbook:
    """One workbook with a sheet for every kind of event (or for ``kinds``), to fill in at once."""
    return _workbook(list(EVENT_KINDS.values() if kinds is None else kinds))


def write_workbook(workbook: Workbook, stream: IO[bytes]) -> None:
    workbook.save(stream)


def _workbook(kinds: Iterable[RecordKind]) -> Workbook:
    workbook = Workbook()
    for unused in list(workbook.worksheets):
        workbook.remove(unused)
    lists = _CodeSheet(workbook)
    guides = {kind.name: guides_for(kind) for kind in kinds}
    for kind_name, kind_guides in guides.items():
        _data_sheet(workbook.create_sheet(kind_name), kind_guides, lists)
    _help_sheet(workbook.create_sheet(_sheet_title(_("Help"))), guides, lists)
    workbook.move_sheet(lists.sheet, offset=len(workbook.sheetnames) - 1)
    lists.sheet.sheet_state = "hidden"
    workbook.active = 0
    return workbook


def _sheet_title(title: str) -> str:
    forbidden = set("[]:*?/\\")
    return "".join(letter for letter in title if letter not in forbidden)[:31]


class _CodeSheet:
    """The hidden sheet of allowed values: a code column and a label column for each list."""

    def __init__(self, workbook: Workbook) -> None:
        self.sheet: Worksheet = workbook.create_sheet(CODES_SHEET)
        self.ranges: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def range_of(self, list_code: str) -> str:
        """The cells holding the list's codes, as a drop-down refers to them ('' if empty)."""
        if list_code not in self.ranges:
            self.ranges[list_code] = self._write(list_code)
        return self.ranges[list_code]

    def _write(self, list_code: str) -> str:
        entries = self._entries(list_code)
        if not entries:
            return ""
        code_column = 2 * len(self.ranges) + 1
        self.sheet.cell(row=1, column=code_column, value=list_code).font = HEADER_FONT
        self.sheet.cell(row=1, column=code_column + 1, value=self.names[list_code])
        for row, (code, label) in enumerate(entries, start=2):
            self.sheet.cell(row=row, column=code_column, value=code)
            self.sheet.cell(row=row, column=code_column + 1, value=label)
        letter = get_column_letter(code_column)
        return f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(entries) + 1}"

    def _entries(self, list_code: str) -> list[tuple[str, str]]:
        if list_code == ORGANISATIONS_LIST:
            self.names[list_code] = _("Organisations")
            return [
                (organisation.code, organisation.name)
                for organisation in Organisation.objects.filter(is_active=True).order_by("code")
            ]
        code_list = CodeList.objects.filter(code=list_code).first()
        self.names[list_code] = code_list.name if code_list else list_code
        return [
            (entry.code, entry.label)
            for entry in CodeEntry.objects.filter(code_list__code=list_code, is_active=True)
        ]


def _data_sheet(sheet: Worksheet, guides: list[ColumnGuide], lists: _CodeSheet) -> None:
    for index, guide in enumerate(guides, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=guide.name)
        remarks = []
        if guide.required:
            header.font = HEADER_FONT
            header.fill = REQUIRED_FILL
            remarks.append(_("Required: every row needs a value here."))
        if guide.identity:
            remarks.append(_("Identity: kept encrypted in the vault and never shown in lists."))
        if remarks:
            header.comment = Comment("\n".join(remarks), "Lantern", width=260, height=90)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(len(guide.name) + 4, 14)
        if guide.value == VALUE_DATE:
            dimension.number_format = DATE_FORMAT
        elif guide.value == VALUE_MOMENT:
            dimension.number_format = MOMENT_FORMAT
        validation = _drop_down(guide, lists)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def _drop_down(guide: ColumnGuide, lists: _CodeSheet) -> DataValidation | None:
    if guide.value == VALUE_YES_NO:
        return _strict_list('"{}"'.format(",".join(_yes_no_words())))
    if guide.value == VALUE_CHOICE:
        written = ",".join(guide.choices)
        if len(written) > INLINE_LIST_LIMIT or any("," in choice for choice in guide.choices):
            return None
        return _strict_list(f'"{written}"')
    list_code = ORGANISATIONS_LIST if guide.value == VALUE_ORGANISATION else guide.code_list
    if not list_code:
        return None
    cells = lists.range_of(list_code)
    if not cells:
        return None
    validation = _strict_list(cells)
    if guide.value == VALUE_CODES:
        # Several codes go in one cell separated by ";": the list helps but must not refuse them.
        validation.errorStyle = "information"
        validation.promptTitle = guide.name[:32]
        validation.prompt = _("Several values: separate them with “;”.")
        validation.showInputMessage = True
    return validation


def _strict_list(formula: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not in the list")[:32],
        error=_("Choose a value from the drop-down list."),
    )


def _yes_no_words() -> tuple[str, str]:
    language = (translation.get_language() or "en").split("-")[0]
    return YES_NO_WORDS.get(language, YES_NO_WORDS["en"])


def _help_sheet(sheet: Worksheet, guides: dict[str, list[ColumnGuide]], lists: _CodeSheet) -> None:
    names = ", ".join(f"“{name}”" for name in guides)
    introduction = [
        _(
            "Fill in one row per record on the sheet %(sheets)s. Keep the first row as it is: "
            "the import reads the columns by these names. Columns you do not use may be deleted."
        )
        % {"sheets": names},
        _(
            "Required columns are bold, on a yellow background. Where a column has a drop-down, "
            "choose from it; the meaning of each code is on the hidden sheet “%(codes)s”."
        )
        % {"codes": CODES_SHEET},
        _(
            "Save as Excel workbook (.xlsx), or as CSV UTF-8 for one sheet, and import it in Lantern."
        ),
    ]
    for line in introduction:
        sheet.append([line])
    sheet.append([])
    sheet.append([_("Sheet"), _("Column"), _("Required"), _("What to write"), _("Notes")])
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT
    yes, no = _("yes"), _("no")
    for kind_name, kind_guides in guides.items():
        for guide in kind_guides:
            sheet.append(
                [
                    kind_name,
                    guide.name,
                    yes if guide.required else no,
                    _what_to_write(guide, lists),
                    _notes(kind_name, guide),
                ]
            )
    for letter, width in zip("ABCDE", (14, 26, 10, 70, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=len(introduction) + 2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _what_to_write(guide: ColumnGuide, lists: _CodeSheet) -> str:
    if guide.value == VALUE_DATE:
        return _("A date: YYYY-MM-DD (for example 2023-04-30); DD.MM.YYYY is read too.")
    if guide.value == VALUE_MOMENT:
        return _("A date, or a date and time: YYYY-MM-DD or YYYY-MM-DD HH:MM.")
    if guide.value == VALUE_YES_NO:
        return _("yes or no (or 1 or 0).")
    if guide.value == VALUE_AMOUNT:
        return _("An amount with a decimal point (for example 1250.50).")
    if guide.value == VALUE_ORGANISATION:
        return _("An organisation's code from the directory (drop-down).")
    if guide.value == VALUE_CHOICE:
        return _("One of: %(values)s (drop-down).") % {"values": ", ".join(guide.choices)}
    if guide.value in (VALUE_CODE, VALUE_CODES):
        lists.range_of(guide.code_list)
        list_name = lists.names.get(guide.code_list, guide.code_list)
        if guide.value == VALUE_CODES:
            return _(
                "Codes of the list “%(list)s”, several separated by “;” (drop-down for one)."
            ) % {"list": list_name}
        return _("A code of the list “%(list)s” (drop-down).") % {"list": list_name}
    if guide.value == VALUE_NUMBER:
        return _("A whole number.")
    return _("Text.")


def _notes(kind_name: str, guide: ColumnGuide) -> str:
    note = COLUMN_NOTES.get((kind_name, guide.name)) or COLUMN_NOTES.get(guide.name)
    notes = [str(note)] if note else []
    if guide.identity:
        notes.append(_("Identity: kept encrypted in the vault and never shown in lists."))
    return " ".join(notes)
