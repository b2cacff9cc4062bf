"""Event rows: what happened to a case, one sheet or file per kind, linked by the case's ID.

Most kinds are a record of one model whose columns map one-to-one onto its fields; they are
declared here as a list of ``Field``s. The importing user is the one who recorded each event,
at the time of the import: the event's own dates are in its columns.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lantern.assistance.models import Payment
from lantern.core.models import BenefitType
from lantern.exchange.native import values as read
from lantern.exchange.native.kinds import (
    CASE_ID,
    EVENT_ID,
    Column,
    Context,
    ExportContext,
    RecordKind,
    cell,
)
from lantern.exchange.native.values import CellError, Lookups, Reader, as_text


@dataclass(frozen=True)
class Field:
    """One column and the model attribute it fills (``payer_id`` for an organisation)."""

    column: str
    attribute: str
    reader: Callable[[Lookups], Reader]
    required: bool = False
    code_list: str = ""
    # Organisations are written by their code; everything else by ``cell``.
    organisation: bool = False
    # What the export writes, when not the attribute itself: a dotted path ("benefit.code").
    export_as: str = ""


def organisation_field(column: str, attribute: str, *, required: bool = False) -> Field:
    return Field(
        column, attribute, lambda lookups: lookups.organisation, required, organisation=True
    )


def code_field(column: str, attribute: str, code_list: str, *, required: bool = False) -> Field:
    return Field(column, attribute, lambda lookups: lookups.code(code_list), required, code_list)


def plain(column: str, reader: Reader, *, required: bool = False, attribute: str = "") -> Field:
    return Field(column, attribute or column, lambda _lookups: reader, required)


class ModelRows(RecordKind):
    """A kind whose row is one record of ``model``, belonging to a case."""

    fields: ClassVar[tuple[Field, ...]]
    # Who recorded the event and when: the importing user, at the import.
    recorded_by: ClassVar[str] = "recorded_by"
    recorded_at: ClassVar[str] = "recorded_at"

    def columns(self, lookups: Lookups) -> list[Column]:
        return [
            Column(EVENT_ID, read.text(64), required=True),
            Column(CASE_ID, read.text(64), required=True),
            *(
                Column(
                    field.column, field.reader(lookups), field.required, code_list=field.code_list
                )
                for field in self.fields
            ),
        ]

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        """The model's attributes for the row; kinds with derived attributes extend this."""
        attributes = {"case_id": values["case"]}
        for field in self.fields:
            value = values.get(field.column)
            attributes[field.attribute] = "" if value is None and self._is_text(field) else value
        return attributes

    def _is_text(self, field: Field) -> bool:
        model_field = self.model._meta.get_field(field.attribute.removesuffix("_id"))
        return model_field.get_internal_type() in {"CharField", "TextField"}

    def create(self, values: dict[str, Any], context: Context) -> int:
        record = self.model(**self.attributes(values, context))
        if self.recorded_by:
            setattr(record, f"{self.recorded_by}_id", context.actor.pk)
        if self.recorded_at:
            setattr(record, self.recorded_at, context.now)
        record.save()
        return int(record.pk)

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        self.model._default_manager.filter(pk=object_id).update(**self.attributes(values, context))

    def export_rows(
        self, records: QuerySet[Any], context: ExportContext
    ) -> Iterator[dict[str, Any]]:
        for record in records.select_related("case").iterator(chunk_size=1000):
            row = {EVENT_ID: f"{self.name}-{record.pk}", CASE_ID: record.case.reference}
            for field in self.fields:
                value = _follow(record, field.export_as or field.attribute)
                if field.organisation:
                    row[field.column] = context.organisation_codes.get(value, "") if value else ""
                else:
                    row[field.column] = cell(value)
            yield row


def _follow(record: Any, path: str) -> Any:
    for name in path.split("."):
        if record is None:
            return None
        record = getattr(record, name)
    return record


def _benefit(lookups: Lookups) -> Reader:
    def read_benefit(raw: Any) -> int | None:
        value = as_text(raw)
        if not value:
            return None
        read.refuse_formula(value)
        found = BenefitType.objects.filter(code=value).values_list("pk", flat=True).first()
        if found is None:
            raise CellError(_("No benefit “%(value)s” in the pack.") % {"value": value})
        return found

    return read_benefit


class PaymentRows(ModelRows):
    name = "payments"
    model = Payment
    fields = (
        Field("benefit", "benefit_id", _benefit, required=True, export_as="benefit.code"),
        plain("paid_on", read.date, required=True),
        plain("amount", read.amount, required=True),
        organisation_field("payer", "payer_id", required=True),
        plain("legal_basis", read.text(500)),
        plain("amount_reason", read.text(300)),
    )

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        attributes["currency"] = (
            BenefitType.objects.filter(pk=values["benefit"])
            .values_list("currency", flat=True)
            .get()
        )
        return attributes

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        paid_on: datetime.date | None = values.get("paid_on")
        if paid_on is not None and paid_on > context.today:
            problems["paid_on"] = _("The payment date is in the future.")
        if values.get("amount") is not None and values["amount"] <= 0:
            problems["amount"] = _("The amount must be more than zero.")
        return problems


EVENT_ROWS: tuple[RecordKind, ...] = (PaymentRows(),)
