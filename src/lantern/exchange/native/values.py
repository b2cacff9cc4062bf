"""How one cell becomes one value, or a reason a person can act on.

Spreadsheets arrive with dates typed as text in several orders, as Excel serial numbers or as
real dates; yes/no in three languages; codes, their labels or their aliases. Each reader takes
the raw cell (text from a CSV, a Python value from an XLSX) and returns the value Lantern
stores, or raises ``CellError`` with the message the import report shows.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.models import CodeEntry, Organisation
from lantern.exchange.files import SPREADSHEET_TRIGGERS

MULTI_SEPARATOR = ";"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Excel serials from 1 January 1900 to 31 December 2199.
EXCEL_SERIALS = range(2, 109574)
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y")
TRUE_WORDS = {"1", "yes", "y", "true", "bəli", "beli", "да", "x"}
FALSE_WORDS = {"0", "no", "n", "false", "xeyr", "нет"}


class CellError(ValueError):
    """The cell's value is refused; the message names what is wrong and what would be right."""


Reader = Callable[[Any], Any]


def as_text(raw: Any) -> str:
    """The cell as trimmed text; a quote Lantern's exports put before a formula sign is dropped."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime.datetime | datetime.date):
        return raw.isoformat()
    text = str(raw).strip()
    if text.startswith("'") and text[1:2] in SPREADSHEET_TRIGGERS:
        return text[1:]
    return text


def refuse_formula(text: str) -> None:
    if text.startswith("="):
        raise CellError(_("A formula is not accepted; type the value itself."))


def text(max_length: int) -> Reader:
    def read(raw: Any) -> str:
        # Judged before ``as_text`` drops an export's quote: a quoted "=" is text, not a formula.
        if isinstance(raw, str):
            refuse_formula(raw.strip())
        value = as_text(raw)
        if len(value) > max_length:
            raise CellError(
                _("Longer than %(max)s characters (%(length)s).")
                % {"max": max_length, "length": len(value)}
            )
        return value

    return read


def date(raw: Any) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _excel_serial(raw)
    value = as_text(raw)
    if not value:
        return None
    refuse_formula(value)
    if re.fullmatch(r"\d{5}(\.\d+)?", value):
        return _excel_serial(float(value))
    # A date with a time (an exported timestamp) counts by its day.
    value = value.split("T")[0].split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
    raise CellError(_("Not a date: write it as YYYY-MM-DD (for example 2023-04-30)."))


def _excel_serial(serial: float) -> datetime.date:
    if int(serial) not in EXCEL_SERIALS:
        raise CellError(_("Not a date: write it as YYYY-MM-DD (for example 2023-04-30)."))
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def moment(raw: Any) -> datetime.datetime | None:
    """A date and time; a date alone means the start of that day in the jurisdiction's time."""
    if isinstance(raw, datetime.datetime):
        return raw if timezone.is_aware(raw) else timezone.make_aware(raw)
    value = as_text(raw)
    if not value:
        return None
    refuse_formula(value)
    if "T" in value or (" " in value and ":" in value):
        try:
            parsed = datetime.datetime.fromisoformat(value.replace(" ", "T", 1))
        except ValueError:
            raise CellError(
                _(
                    "Not a date and time: write it as YYYY-MM-DD HH:MM (for example 2023-04-30 14:05)."
                )
            ) from None
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    day = date(raw)
    if day is None:
        return None
    return datetime.datetime.combine(
        day, datetime.time(0, 0), tzinfo=ZoneInfo(timezone.get_current_timezone_name())
    )


def yes_no(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    value = as_text(raw).lower()
    if not value:
        return None
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise CellError(_("Write yes or no (or 1 or 0)."))


def whole_number(low: int, high: int) -> Reader:
    def read(raw: Any) -> int | None:
        value = as_text(raw)
        if not value:
            return None
        refuse_formula(value)
        try:
            number = int(value)
        except ValueError:
            raise CellError(_("Not a whole number.")) from None
        if not low <= number <= high:
            raise CellError(_("Must be between %(low)s and %(high)s.") % {"low": low, "high": high})
        return number

    return read


def amount(raw: Any) -> decimal.Decimal | None:
    value = as_text(raw).replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    refuse_formula(value)
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        number = decimal.Decimal(value)
    except decimal.InvalidOperation:
        raise CellError(_("Not an amount: write digits with a decimal point (1250.50).")) from None
    if not number.is_finite() or number < 0 or number >= decimal.Decimal("1e10"):
        raise CellError(_("Not an amount: write digits with a decimal point (1250.50)."))
    return number.quantize(decimal.Decimal("0.01"))


class Lookups:
    """The pack's code lists and organisations, loaded once per import and matched leniently.

    A cell may hold the code, its label in any of the three languages or one of its aliases;
    case and surrounding spaces do not matter.
    """

    def __init__(self) -> None:
        self._lists: dict[str, dict[str, str]] = {}
        self._organisations: dict[str, int] | None = None
        self.organisation_codes: dict[int, str] = {}

    def code_map(self, list_code: str) -> dict[str, str]:
        if list_code not in self._lists:
            mapping: dict[str, str] = {}
            entries = CodeEntry.objects.filter(code_list__code=list_code, is_active=True)
            for entry in entries:
                names = [entry.label_en, entry.label_az, entry.label_ru, *entry.aliases]
                for name in names:
                    mapping.setdefault(str(name).strip().lower(), entry.code)
            for entry in entries:
                mapping[entry.code.lower()] = entry.code
            self._lists[list_code] = mapping
        return self._lists[list_code]

    def organisation_map(self) -> dict[str, int]:
        if self._organisations is None:
            mapping: dict[str, int] = {}
            for organisation in Organisation.objects.filter(is_active=True):
                names = [organisation.name_en, organisation.name_az, organisation.name_ru]
                for name in [*names, *organisation.aliases]:
                    mapping.setdefault(str(name).strip().lower(), organisation.pk)
                self.organisation_codes[organisation.pk] = organisation.code
            for organisation in Organisation.objects.filter(is_active=True):
                mapping[organisation.code.lower()] = organisation.pk
            self._organisations = mapping
        return self._organisations

    def code(self, list_code: str) -> Reader:
        def read(raw: Any) -> str:
            value = as_text(raw)
            if not value:
                return ""
            refuse_formula(value)
            found = self.code_map(list_code).get(value.lower())
            if found is None:
                raise CellError(
                    _("“%(value)s” is not in the list of allowed values (%(list)s).")
                    % {"value": value, "list": list_code}
                )
            return found

        return read

    def codes(self, list_code: str) -> Reader:
        single = self.code(list_code)

        def read(raw: Any) -> tuple[str, ...]:
            value = as_text(raw)
            refuse_formula(value)
            parts = [part for part in value.split(MULTI_SEPARATOR) if part.strip()]
            unknown: list[str] = []
            found: set[str] = set()
            for part in parts:
                try:
                    found.add(single(part))
                except CellError:
                    unknown.append(part.strip())
            if unknown:
                raise CellError(
                    _("Not in the list of allowed values (%(list)s): %(values)s.")
                    % {"list": list_code, "values": ", ".join(unknown)}
                )
            return tuple(sorted(found))

        return read

    def organisation(self, raw: Any) -> int | None:
        value = as_text(raw)
        if not value:
            return None
        refuse_formula(value)
        found = self.organisation_map().get(value.lower())
        if found is None:
            raise CellError(
                _("No organisation “%(value)s” in the directory; use its code.") % {"value": value}
            )
        return found

    def choice(self, choices: Any) -> Reader:
        """One of a model field's fixed choices, by value or by label in the user's language."""

        def read(raw: Any) -> str:
            value = as_text(raw)
            if not value:
                return ""
            refuse_formula(value)
            for stored, label in choices:
                if value.lower() in {str(stored).lower(), str(label).lower()}:
                    return str(stored)
            raise CellError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(str(stored) for stored, _label in choices)}
            )

        return read
