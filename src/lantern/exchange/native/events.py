"""Event rows: what happened to a case, one sheet or file per kind, linked by the case's ID.

Most kinds are a record of one model whose columns map one-to-one onto its fields; they are
declared here as a list of ``Field``s. The importing user is the one who recorded each event,
at the time of the import: the event's own dates are in its columns.

Each kind checks what the service that records the same event by hand checks (dates not in the
future, an end not before its start, amounts above zero, codes from the pack), so an imported
record is one the register could have held anyway. What a service does beyond the record itself
for events happening now (clocks that ran out in the other system, access for a provider, the
capacity of a shelter today) is left to people: the rows describe the past of another system.
A reflection period still running is the exception: its end reminder is opened as in Lantern.

An exported row carries the ID the organisation imported its record under, so the same file
imported again finds the same record; a record that was never imported goes out as
``<kind>-<number>``. Cases are named by their Lantern reference, as the cases file names them,
so that an export's files also import into another register with every link resolved.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantern.assistance.models import (
    CompensationAgainst,
    CompensationClaim,
    CompensationReceipt,
    FamilyMember,
    LegalAid,
    LegalAidProvider,
    LegalAidStage,
    Payment,
    Repatriation,
    ResidencePermit,
    ServiceDelivered,
    ShelterStay,
    WorkPermitExemption,
)
from lantern.core.models import BenefitType, DeadlineRule, Jurisdiction, Organisation
from lantern.core.models import OrganisationKind as Kind
from lantern.exchange.models import SourceRecord
from lantern.exchange.native import values as read
from lantern.exchange.native.kinds import (
    CASE_ID,
    EVENT_ID,
    Column,
    Context,
    ExportContext,
    RecordKind,
    RowRefused,
    cell,
    exported_case_ids,
)
from lantern.exchange.native.values import CellError, Lookups, Reader, as_text
from lantern.nrm.deadlines import current_calendar, due_for_rule
from lantern.nrm.models import (
    LegalRepresentative,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReflectionPeriod,
    RepresentativeType,
    Transfer,
    TransferOutcome,
    TransferRightExplained,
)
from lantern.nrm.services import (
    PROVIDER_KINDS,
    PROVIDER_MOVES,
    REASON_REQUIRED,
    REFLECTION,
    REFLECTION_REMINDER,
    TRANSFER_REFUSAL,
    fulfil_deadlines,
    open_deadline,
)
from lantern.register.identity import open_identity
from lantern.register.models import Case
from lantern.register.services import ADULT_AGE, age_on, latest_possible_birth_date

CASES = "cases"
FAMILY_MEMBERS = "family_members"


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
    # The kind whose source ID the column holds: the row links to that imported record.
    link: str = ""
    # What an empty cell or a missing column means, when the model stores no "unknown".
    default: Any = None


def organisation_field(column: str, attribute: str, *, required: bool = False) -> Field:
    return Field(
        column, attribute, lambda lookups: lookups.organisation, required, organisation=True
    )


def code_field(column: str, attribute: str, code_list: str, *, required: bool = False) -> Field:
    return Field(column, attribute, lambda lookups: lookups.code(code_list), required, code_list)


def choice_field(
    column: str, choices: Any, *, required: bool = False, default: Any = None
) -> Field:
    return Field(column, column, lambda lookups: lookups.choice(choices), required, default=default)


def link_field(column: str, attribute: str, kind: str, *, required: bool = False) -> Field:
    return Field(column, attribute, lambda _lookups: read.text(64), required, link=kind)


def plain(
    column: str,
    reader: Reader,
    *,
    required: bool = False,
    attribute: str = "",
    default: Any = None,
) -> Field:
    return Field(column, attribute or column, lambda _lookups: reader, required, default=default)


def yes_no_field(column: str) -> Field:
    """Yes or no, where an empty cell is no: the model stores no 'unknown' for these."""
    return plain(column, read.yes_no, default=False)


def or_default(reader: Reader, default: Any) -> Reader:
    """``reader``, with an empty cell read as ``default``: the stored value, so it exports back."""

    def read_or_default(raw: Any) -> Any:
        value = reader(raw)
        return default if value in (None, "") else value

    return read_or_default


def source_ids(organisation_id: int | None, kind: str, object_ids: Iterable[int]) -> dict[int, str]:
    """The IDs ``organisation_id`` imported these records of ``kind`` under, by record."""
    wanted = {object_id for object_id in object_ids if object_id is not None}
    if organisation_id is None or not wanted:
        return {}
    return dict(
        SourceRecord.objects.filter(
            organisation_id=organisation_id, kind=kind, object_id__in=wanted
        ).values_list("object_id", "source_id")
    )


def _organisation_kind(organisation_pk: int) -> str:
    return str(
        Organisation.objects.filter(pk=organisation_pk).values_list("kind", flat=True).first() or ""
    )


def _not_future(
    problems: dict[str, str], values: dict[str, Any], context: Context, *columns: str
) -> None:
    for column in columns:
        value = values.get(column)
        if isinstance(value, datetime.datetime):
            if value > context.now:
                problems[column] = _("The date is in the future.")
        elif isinstance(value, datetime.date) and value > context.today:
            problems[column] = _("The date is in the future.")


def _not_before(
    problems: dict[str, str], values: dict[str, Any], start: str, end: str, message: str
) -> None:
    first, last = values.get(start), values.get(end)
    if first is not None and last is not None and last < first and end not in problems:
        problems[end] = message


def _positive(problems: dict[str, str], values: dict[str, Any], column: str) -> None:
    amount = values.get(column)
    if amount is not None and amount <= 0:
        problems[column] = _("The amount must be more than zero.")


class ModelRows(RecordKind):
    """A kind whose row is one record of ``model``, belonging to a case."""

    fields: ClassVar[tuple[Field, ...]]
    # Who recorded the event and when: the importing user, at the import.
    recorded_by: ClassVar[str] = "recorded_by"
    recorded_at: ClassVar[str] = "recorded_at"
    # How a record reaches its case: a dotted path from the record.
    case_path: ClassVar[str] = "case"

    def columns(self, lookups: Lookups) -> list[Column]:
        return [
            Column(EVENT_ID, read.text(64), required=True),
            Column(CASE_ID, read.text(64), required=True),
            *(
                Column(
                    field.column,
                    self._reader(field, lookups),
                    field.required,
                    code_list=field.code_list,
                )
                for field in self.fields
            ),
            *self.extra_columns(lookups),
        ]

    def _reader(self, field: Field, lookups: Lookups) -> Reader:
        reader = field.reader(lookups)
        # An empty cell reads as the value stored for it, so an exported row reads back the same.
        return reader if field.default is None else or_default(reader, field.default)

    def field(self, column: str) -> Field:
        return next(field for field in self.fields if field.column == column)

    def extra_columns(self, lookups: Lookups) -> list[Column]:
        """Columns that fill no attribute of the record itself (a kind's related rows)."""
        return []

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        """The model's attributes for the row; kinds with derived attributes extend this."""
        attributes: dict[str, Any] = {}
        if self.case_path == "case":
            attributes["case_id"] = values["case"]
        for field in self.fields:
            value = values.get(field.column)
            if field.link:
                value = self.linked(field, value, context)
            elif value in (None, "") and field.default is not None:
                value = field.default
            elif value is None and self._is_text(field):
                value = ""
            attributes[field.attribute] = value
        return attributes

    def _is_text(self, field: Field) -> bool:
        model_field = self.model._meta.get_field(field.attribute.removesuffix("_id"))
        return model_field.get_internal_type() in {"CharField", "TextField"}

    def linked(self, field: Field, source_id: str | None, context: Context) -> int | None:
        """The record a link column names, among those this organisation imported."""
        if not source_id:
            return None
        if field.link == CASES:
            return context.own_case(source_id)
        return context.source_object(field.link, source_id)

    def this_record(self, values: dict[str, Any], context: Context) -> int | None:
        """The record the row updates, if it was imported before: not to be compared with itself."""
        return context.source_object(self.name, values.get(EVENT_ID) or "")

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        """Links to records of other kinds, imported before; kinds add their own rules."""
        return self.unknown_links(values, context, writing=False)

    def unknown_links(
        self, values: dict[str, Any], context: Context, *, writing: bool
    ) -> dict[str, str]:
        # A link to a record of the same kind may name one an earlier row of the same file
        # creates: it is known only when the row is written.
        return {
            field.column: self.unknown_link(field)
            for field in self.fields
            if field.link
            and (writing or field.link != self.name)
            and values.get(field.column)
            and self.linked(field, values[field.column], context) is None
        }

    def conflicts(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        """Rules that depend on the register's other records, which earlier rows of the same file
        may be writing: checked with the row, and again just before the row is written."""
        return {}

    def refuse_conflicts(self, values: dict[str, Any], context: Context) -> None:
        problems = self.unknown_links(values, context, writing=True) or self.conflicts(
            values, context
        )
        if problems:
            raise RowRefused(problems)

    def unknown_link(self, field: Field) -> str:
        if field.link == CASES:
            return _("No case with this ID in your organisation's register; import the case first.")
        return _(
            "Your organisation imported no %(kind)s record with this ID; import that file first."
        ) % {"kind": field.link}

    def create(self, values: dict[str, Any], context: Context) -> int:
        self.refuse_conflicts(values, context)
        record = self.model(**self.attributes(values, context))
        if self.recorded_by:
            setattr(record, f"{self.recorded_by}_id", context.actor.pk)
        if self.recorded_at:
            setattr(record, self.recorded_at, context.now)
        record.save()
        return int(record.pk)

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        self.refuse_conflicts(values, context)
        self.model._default_manager.filter(pk=object_id).update(**self.attributes(values, context))

    def records_for(self, cases: QuerySet[Any]) -> QuerySet[Any]:
        lookup = f"{self.case_path.replace('.', '__')}__in"
        return self.model._default_manager.filter(**{lookup: cases}).order_by("pk")

    def export_rows(
        self, records: QuerySet[Any], context: ExportContext
    ) -> Iterator[dict[str, Any]]:
        chunk: list[Any] = []
        related = self.case_path.replace(".", "__")
        for record in records.select_related(related).iterator(chunk_size=1000):
            chunk.append(record)
            if len(chunk) == 1000:
                yield from self._export_chunk(chunk, context)
                chunk = []
        yield from self._export_chunk(chunk, context)

    def _export_chunk(self, records: list[Any], context: ExportContext) -> Iterator[dict[str, Any]]:
        if not records:
            return
        organisation_id = context.actor.organisation_id
        event_ids = source_ids(organisation_id, self.name, (record.pk for record in records))
        case_ids = exported_case_ids(
            (_follow(record, self.case_path).pk for record in records), organisation_id
        )
        link_ids = {
            field.column: self._link_ids(
                organisation_id,
                field.link,
                (getattr(record, field.attribute) for record in records),
            )
            for field in self.fields
            if field.link
        }
        extras = self.extra_cells(records, context)
        for record in records:
            row = {
                EVENT_ID: event_ids.get(record.pk, f"{self.name}-{record.pk}"),
                CASE_ID: case_ids[_follow(record, self.case_path).pk],
            }
            for field in self.fields:
                value = _follow(record, field.export_as or field.attribute)
                if field.link:
                    row[field.column] = link_ids[field.column].get(value, "") if value else ""
                elif field.organisation:
                    row[field.column] = context.organisation_codes.get(value, "") if value else ""
                else:
                    row[field.column] = cell(value)
            row.update(extras.get(record.pk, {}))
            yield row

    def _link_ids(
        self, organisation_id: int | None, kind: str, object_ids: Iterable[int | None]
    ) -> dict[int, str]:
        wanted = {object_id for object_id in object_ids if object_id is not None}
        if kind == CASES:
            return exported_case_ids(wanted, organisation_id)
        found = source_ids(organisation_id, kind, wanted)
        return {object_id: found.get(object_id, f"{kind}-{object_id}") for object_id in wanted}

    def extra_cells(self, records: list[Any], context: ExportContext) -> dict[int, dict[str, str]]:
        """The cells of ``extra_columns`` for each of ``records``, by primary key."""
        return {}


def _follow(record: Any, path: str) -> Any:
    for name in path.split("."):
        if record is None:
            return None
        record = getattr(record, name)
    return record


def _case(values: dict[str, Any]) -> Case | None:
    if values.get("case") is None:
        return None
    return Case.objects.select_related("person").filter(pk=values["case"]).first()


# --- Payments -----------------------------------------------------------------------------------


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
        problems = super().check(values, context)
        paid_on: datetime.date | None = values.get("paid_on")
        if paid_on is not None and paid_on > context.today:
            problems["paid_on"] = _("The payment date is in the future.")
        _positive(problems, values, "amount")
        return problems


# --- Transfers to the specialised police -------------------------------------------------------


class TransferRows(ModelRows):
    """A presumed victim handed to the specialised police, with what came of it."""

    name = "transfers"
    model = Transfer
    recorded_by = "sent_by"
    recorded_at = ""
    fields = (
        organisation_field("sender", "sender_id", required=True),
        organisation_field("receiver", "receiver_id", required=True),
        plain("sent_at", read.moment, required=True),
        plain("acknowledged_at", read.moment),
        choice_field("outcome", TransferOutcome.choices),
        plain("outcome_on", read.date),
        plain("outcome_note", read.text(1000)),
        plain("documents", read.text(1000)),
    )

    def extra_columns(self, lookups: Lookups) -> list[Column]:
        # Optional, unlike when a transfer is made in Lantern: older systems seldom recorded it,
        # and an invented value would be worse than none.
        return [
            Column(
                "rights_explained",
                lookups.codes("rights_explained"),
                code_list="rights_explained",
            )
        ]

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        sender, receiver = values.get("sender"), values.get("receiver")
        if receiver is not None and _organisation_kind(receiver) != Kind.SPECIALISED_POLICE:
            problems["receiver"] = str(TRANSFER_REFUSAL)
        elif receiver is not None and receiver == sender:
            problems["receiver"] = _("A transfer goes to another organisation than its sender.")
        _not_future(problems, values, context, "sent_at", "acknowledged_at", "outcome_on")
        _not_before(
            problems,
            values,
            "sent_at",
            "acknowledged_at",
            _("The receipt cannot be acknowledged before the transfer was sent."),
        )
        sent_at, outcome_on = values.get("sent_at"), values.get("outcome_on")
        if (
            sent_at is not None
            and outcome_on is not None
            and "outcome_on" not in problems
            and outcome_on < timezone.localdate(sent_at)
        ):
            problems["outcome_on"] = _("The outcome cannot come before the transfer.")
        if values.get("outcome") and outcome_on is None:
            problems["outcome_on"] = _("Give the date of the outcome.")
        elif outcome_on is not None and not values.get("outcome"):
            problems["outcome"] = _("Choose identified, not identified or other.")
        if values.get("outcome") and values.get("acknowledged_at") is None:
            problems["acknowledged_at"] = _(
                "An outcome needs the time the receiver acknowledged the transfer."
            )
        return problems

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        attributes["acknowledged_by_id"] = (
            context.actor.pk if values.get("acknowledged_at") else None
        )
        attributes["outcome_recorded_by_id"] = context.actor.pk if values.get("outcome") else None
        return attributes

    def create(self, values: dict[str, Any], context: Context) -> int:
        transfer_id = super().create(values, context)
        self._explain_rights(transfer_id, values)
        return transfer_id

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        super().update(object_id, values, context)
        TransferRightExplained.objects.filter(transfer_id=object_id).delete()
        self._explain_rights(object_id, values)

    def _explain_rights(self, transfer_id: int, values: dict[str, Any]) -> None:
        TransferRightExplained.objects.bulk_create(
            [
                TransferRightExplained(transfer_id=transfer_id, code=code)
                for code in values.get("rights_explained") or ()
            ]
        )

    def extra_cells(self, records: list[Any], context: ExportContext) -> dict[int, dict[str, str]]:
        rights: dict[int, list[str]] = {record.pk: [] for record in records}
        for transfer_id, code in TransferRightExplained.objects.filter(
            transfer_id__in=rights
        ).values_list("transfer_id", "code"):
            rights[transfer_id].append(code)
        return {pk: {"rights_explained": cell(sorted(codes))} for pk, codes in rights.items()}


# --- Referrals to service providers ------------------------------------------------------------


class ReferralRows(ModelRows):
    """A case referred to a provider, in the state the source system last knew it."""

    name = "referrals"
    model = Referral
    recorded_by = "sent_by"
    recorded_at = ""
    fields = (
        organisation_field("sender", "sender_id", required=True),
        organisation_field("provider", "provider_id", required=True),
        code_field("service_type", "service_type", "service_types", required=True),
        choice_field("status", ReferralStatus.choices, default=str(ReferralStatus.SENT)),
        plain("status_reason", read.text(300)),
        plain("outcome", read.text(500)),
        plain("sent_at", read.moment, required=True),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        provider = values.get("provider")
        if provider is not None and (
            _organisation_kind(provider) not in PROVIDER_KINDS or provider == values.get("sender")
        ):
            problems["provider"] = _(
                "Refer to a provider of services: a shelter, assistance centre, NGO, medical "
                "institution, employment or education body, housing or guardianship authority."
            )
        _not_future(problems, values, context, "sent_at")
        status = _status(values)
        if status in REASON_REQUIRED and not values.get("status_reason"):
            problems["status_reason"] = _("Give the reason.")
        if status == ReferralStatus.COMPLETED and not values.get("outcome"):
            problems["outcome"] = _("Record the outcome of the service.")
        return problems

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        # The consent is not carried by the format: the source's record of it stays there. No
        # access is opened for the provider either; that follows a consent a person records.
        attributes = super().attributes(values, context)
        # The last change Lantern knows of is this import, by this user.
        attributes["updated_at"] = context.now
        attributes["updated_by_id"] = context.actor.pk
        return attributes

    def create(self, values: dict[str, Any], context: Context) -> int:
        referral_id = super().create(values, context)
        ReferralEvent.objects.create(
            referral_id=referral_id,
            status=ReferralStatus.SENT,
            at=values["sent_at"],
            by=context.actor,
            organisation_id=values["sender"],
        )
        if _status(values) != ReferralStatus.SENT:
            self._record_status(referral_id, values, context)
        return referral_id

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        previous_status = Referral.objects.values_list("status", flat=True).get(pk=object_id)
        super().update(object_id, values, context)
        ReferralEvent.objects.filter(referral_id=object_id, status=ReferralStatus.SENT).update(
            at=values["sent_at"], organisation_id=values["sender"]
        )
        if _status(values) != previous_status:
            self._record_status(object_id, values, context)

    def _record_status(self, referral_id: int, values: dict[str, Any], context: Context) -> None:
        """The referral's state as the source knew it, on the timeline from the import."""
        status = _status(values)
        ReferralEvent.objects.create(
            referral_id=referral_id,
            status=status,
            reason=values.get("status_reason") or values.get("outcome") or "",
            at=context.now,
            by=context.actor,
            organisation_id=values["provider"] if status in PROVIDER_MOVES else values["sender"],
        )


def _status(values: dict[str, Any]) -> str:
    return str(values.get("status") or ReferralStatus.SENT)


# --- Services delivered ------------------------------------------------------------------------

FAMILY_MEMBER_ID = "family_member_id"
FAMILY_MEMBER_BIRTH_YEAR = "family_member_birth_year"
FAMILY_MEMBER_SEX = "family_member_sex"


class ServiceRows(ModelRows):
    """A service given to the victim or, when the row names a family member, to the victim's child.

    A child given services is counted apart from the victims, once however many services they
    had; so the same child must stay one family member across rows. With an ID the child is the
    one imported under it; without one, the case's child of the same birth year and sex.
    """

    name = "services"
    model = ServiceDelivered
    fields = (
        code_field("service_type", "service_type", "service_types", required=True),
        organisation_field("provider", "provider_id", required=True),
        plain("delivered_on", read.date, required=True),
        plain("outcome", read.text(500)),
        link_field("referral_id", "referral_id", "referrals"),
    )

    def extra_columns(self, lookups: Lookups) -> list[Column]:
        return [
            Column(FAMILY_MEMBER_ID, read.text(64)),
            Column(FAMILY_MEMBER_BIRTH_YEAR, read.whole_number(1900, 2100)),
            Column(FAMILY_MEMBER_SEX, lookups.code("sexes"), code_list="sexes"),
        ]

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_future(problems, values, context, "delivered_on")
        birth_year = values.get(FAMILY_MEMBER_BIRTH_YEAR)
        if birth_year is not None and birth_year > context.today.year:
            problems[FAMILY_MEMBER_BIRTH_YEAR] = _(
                "The birth year must be between 1900 and this year."
            )
        return problems or self.conflicts(values, context)

    def conflicts(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        case_pk = values.get("case")
        if case_pk is None:
            return problems
        referral = self.linked(self.field("referral_id"), values.get("referral_id"), context)
        if (
            referral is not None
            and not Referral.objects.filter(pk=referral, case_id=case_pk).exists()
        ):
            problems["referral_id"] = _("That referral belongs to another case.")
        member = context.source_object(FAMILY_MEMBERS, values.get(FAMILY_MEMBER_ID) or "")
        if (
            member is not None
            and not FamilyMember.objects.filter(pk=member, case_id=case_pk).exists()
        ):
            problems[FAMILY_MEMBER_ID] = _("That family member belongs to another case.")
        return problems

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        attributes["family_member_id"] = self._family_member(values, context)
        return attributes

    def _family_member(self, values: dict[str, Any], context: Context) -> int | None:
        member_id = values.get(FAMILY_MEMBER_ID) or ""
        birth_year, sex = values.get(FAMILY_MEMBER_BIRTH_YEAR), values.get(FAMILY_MEMBER_SEX) or ""
        if not member_id and birth_year is None and not sex:
            return None
        known = context.source_object(FAMILY_MEMBERS, member_id) if member_id else None
        if known is None and not member_id:
            known = (
                FamilyMember.objects.filter(case_id=values["case"], birth_year=birth_year, sex=sex)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
        if known is not None:
            changes: dict[str, Any] = {}
            if birth_year is not None:
                changes["birth_year"] = birth_year
            if sex:
                changes["sex"] = sex
            FamilyMember.objects.filter(pk=known).update(**changes)
            return known
        member = FamilyMember.objects.create(case_id=values["case"], birth_year=birth_year, sex=sex)
        if member_id:
            context.remember(FAMILY_MEMBERS, member_id, member.pk)
        return int(member.pk)

    def extra_cells(self, records: list[Any], context: ExportContext) -> dict[int, dict[str, str]]:
        members = {
            member.pk: member
            for member in FamilyMember.objects.filter(
                pk__in={record.family_member_id for record in records if record.family_member_id}
            )
        }
        member_ids = source_ids(context.actor.organisation_id, FAMILY_MEMBERS, members)
        cells = {}
        for record in records:
            member = members.get(record.family_member_id)
            cells[record.pk] = _family_member_cells(member, member_ids)
        return cells


def _family_member_cells(member: FamilyMember | None, member_ids: dict[int, str]) -> dict[str, str]:
    if member is None:
        return dict.fromkeys((FAMILY_MEMBER_ID, FAMILY_MEMBER_BIRTH_YEAR, FAMILY_MEMBER_SEX), "")
    # Always an ID: two children of a case may share a birth year and sex, yet count as two.
    return {
        FAMILY_MEMBER_ID: member_ids.get(member.pk, f"{FAMILY_MEMBERS}-{member.pk}"),
        FAMILY_MEMBER_BIRTH_YEAR: cell(member.birth_year),
        FAMILY_MEMBER_SEX: member.sex,
    }


# --- Shelter stays -----------------------------------------------------------------------------


class ShelterStayRows(ModelRows):
    """A stay in a shelter. ``is_child`` left empty follows from the age on admission, as when a
    person is admitted in Lantern; the statistics count children's stays apart.

    Two checks of admitting a person now are left out: the shelter's places today say nothing
    of its places then, and hearings of children are not carried by the format (the occupancy
    page still warns of a child over 10 placed without one).
    """

    name = "shelter_stays"
    model = ShelterStay
    fields = (
        organisation_field("shelter", "shelter_id", required=True),
        plain("is_child", read.yes_no),
        plain("admitted_on", read.date, required=True),
        plain("admission_reason", read.text(300), required=True),
        link_field("accompanied_by", "accompanied_by_id", CASES),
        yes_no_field("accompanied_by_parent"),
        plain("capacity_override_reason", read.text(300)),
        plain("staying_until", read.date),
        plain("discharged_on", read.date),
        plain("discharge_reason", read.text(300)),
        plain("destination", read.text(300)),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        shelter = values.get("shelter")
        if shelter is not None and _organisation_kind(shelter) != Kind.SHELTER:
            problems["shelter"] = _("Name a shelter.")
        _not_future(problems, values, context, "admitted_on", "discharged_on")
        _not_before(
            problems,
            values,
            "admitted_on",
            "discharged_on",
            _("The discharge date lies between the admission and today."),
        )
        _not_before(
            problems,
            values,
            "admitted_on",
            "staying_until",
            _("The stay cannot be planned to end before the admission."),
        )
        if values.get("discharged_on") is not None and not values.get("discharge_reason"):
            problems["discharge_reason"] = _("Give the reason for the discharge.")
        accompanied_by = self.linked(
            self.field("accompanied_by"), values.get("accompanied_by"), context
        )
        if accompanied_by is not None and accompanied_by == values.get("case"):
            problems["accompanied_by"] = _("A person does not accompany themselves.")
        return problems or self.conflicts(values, context)

    def conflicts(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        case = _case(values)
        if case is None:
            return {}
        admitted_on = values["admitted_on"]
        staying = ShelterStay.objects.filter(
            case__person_id=case.person_id,
            shelter_id=values["shelter"],
            admitted_on__lte=admitted_on,
        ).filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=admitted_on))
        this = self.this_record(values, context)
        if this is not None:
            staying = staying.exclude(pk=this)
        if staying.exists():
            return {"admitted_on": _("The person is already staying in this shelter.")}
        return {}

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        if attributes["is_child"] is None:
            case = Case.objects.select_related("person").get(pk=values["case"])
            attributes["is_child"] = _is_child_on(case, values["admitted_on"])
        return attributes


def _is_child_on(case: Case, day: datetime.date) -> bool:
    """As on admission in Lantern: by the youngest the person can be, else as registered."""
    youngest = latest_possible_birth_date(case.person, open_identity(case.person))
    if youngest is None:
        return bool(case.child_at_registration)
    return age_on(youngest, day) < ADULT_AGE


# --- Recovery and reflection periods -----------------------------------------------------------


_NO_REFLECTION_RULE = gettext_lazy(
    "The jurisdiction's pack defines no recovery and reflection period."
)


def _start_of(day: datetime.date) -> datetime.datetime:
    """A period granted on a day runs from that day's start, as when granted in Lantern."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=current_calendar().time_zone)


class ReflectionPeriodRows(ModelRows):
    """A recovery and reflection period. Its start and end default to what the pack sets."""

    name = "reflection_periods"
    model = ReflectionPeriod
    recorded_by = "decided_by"
    recorded_at = ""
    fields = (
        plain("decided_on", read.date, required=True),
        plain("legal_basis", read.text(300), required=True),
        plain("starts_at", read.moment),
        plain("ends_at", read.moment),
        plain("extension_reason", read.text(300)),
        plain("ended_at", read.moment),
        plain("end_reason", read.text(300)),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        rule = _reflection_rule()
        if rule is None:
            problems[""] = str(_NO_REFLECTION_RULE)
            return problems
        _not_future(problems, values, context, "decided_on", "starts_at", "ended_at")
        case = _case(values)
        decided_on = values.get("decided_on")
        if (
            case is not None
            and decided_on is not None
            and "decided_on" not in problems
            and decided_on < timezone.localdate(case.registered_at)
        ):
            problems["decided_on"] = _("The decision date is before the case was registered.")
        if decided_on is None:
            return problems
        starts_at, ends_at = self._period(values, rule)
        if ends_at <= starts_at:
            problems["ends_at"] = _("The period ends before it starts.")
        elif ends_at > due_for_rule(rule, starts_at) and not values.get("extension_reason"):
            problems["extension_reason"] = _(
                "The period is longer than the pack's; give the reason for the extension."
            )
        ended_at = values.get("ended_at")
        if ended_at is not None and "ended_at" not in problems:
            if ended_at < starts_at:
                problems["ended_at"] = _("The period cannot end before it started.")
            elif ended_at > ends_at:
                problems["ended_at"] = _("The period ended after its last day; give its end.")
            if not values.get("end_reason"):
                problems["end_reason"] = _(
                    "Say why the period ended (e.g. decided to cooperate, left the country)."
                )
        return problems

    def _period(
        self, values: dict[str, Any], rule: DeadlineRule
    ) -> tuple[datetime.datetime, datetime.datetime]:
        starts_at = values.get("starts_at") or _start_of(values["decided_on"])
        return starts_at, values.get("ends_at") or due_for_rule(rule, starts_at)

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        rule = _reflection_rule()
        if rule is None:
            raise RowRefused({"": str(_NO_REFLECTION_RULE)})
        attributes["starts_at"], attributes["ends_at"] = self._period(values, rule)
        return attributes

    def create(self, values: dict[str, Any], context: Context) -> int:
        period_id = super().create(values, context)
        self._remind(ReflectionPeriod.objects.select_related("case").get(pk=period_id), context)
        return period_id

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        super().update(object_id, values, context)
        self._remind(ReflectionPeriod.objects.select_related("case").get(pk=object_id), context)

    def _remind(self, period: ReflectionPeriod, context: Context) -> None:
        """A period still running is reminded of before it ends, as one granted in Lantern is."""
        if period.ended_at is not None:
            fulfil_deadlines(
                case=period.case,
                kind=REFLECTION_REMINDER,
                actor=context.actor,
                at=period.ended_at,
                note=period.end_reason,
            )
        elif period.ends_at > context.now:
            open_deadline(
                case=period.case,
                kind=REFLECTION_REMINDER,
                trigger=_("Recovery and reflection period granted"),
                triggered_at=period.starts_at,
                responsible=context.organisation,
                is_reminder=True,
            )


def _reflection_rule() -> DeadlineRule | None:
    return DeadlineRule.objects.filter(code=REFLECTION, is_active=True).first()


# --- Legal representatives, legal aid, repatriation, permits -----------------------------------


class LegalRepresentativeRows(ModelRows):
    name = "legal_representatives"
    model = LegalRepresentative
    fields = (
        choice_field("representative_type", RepresentativeType.choices, required=True),
        plain("appointed_by", read.text(300)),
        plain("appointed_on", read.date),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_future(problems, values, context, "appointed_on")
        return problems


class LegalAidRows(ModelRows):
    name = "legal_aid"
    model = LegalAid
    recorded_at = ""
    fields = (
        choice_field("provider_kind", LegalAidProvider.choices, required=True),
        choice_field("stage", LegalAidStage.choices, required=True),
        plain("started_on", read.date, required=True),
        plain("ended_on", read.date),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_future(problems, values, context, "started_on", "ended_on")
        _not_before(problems, values, "started_on", "ended_on", _("The aid ends before it starts."))
        return problems


class RepatriationRows(ModelRows):
    name = "repatriations"
    model = Repatriation
    recorded_at = ""
    fields = (
        code_field("destination", "destination", "countries", required=True),
        plain("repatriated_on", read.date, required=True),
        plain("documents_obtained", read.text(300)),
        yes_no_field("escorted"),
        plain("costs_borne_by", read.text(200)),
        yes_no_field("is_readmission"),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_future(problems, values, context, "repatriated_on")
        return problems


class ResidencePermitRows(ModelRows):
    """A residence permit; ``renews`` names the imported permit it renews, for the renewal count."""

    name = "residence_permits"
    model = ResidencePermit
    fields = (
        code_field("permit_type", "permit_type", "residence_permit_types", required=True),
        plain("legal_basis", read.text(300), required=True),
        plain("valid_from", read.date, required=True),
        plain("valid_to", read.date, required=True),
        link_field("renews", "renews_id", "residence_permits"),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_before(
            problems, values, "valid_from", "valid_to", _("The permit ends before it starts.")
        )
        return problems or self.conflicts(values, context)

    def conflicts(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        renewed_pk = self.linked(self.field("renews"), values.get("renews"), context)
        case = _case(values)
        if renewed_pk is None or case is None:
            return {}
        renewed = ResidencePermit.objects.select_related("case").get(pk=renewed_pk)
        this = self.this_record(values, context)
        renewals = ResidencePermit.objects.filter(renews_id=renewed_pk)
        if renewed.pk == this:
            return {"renews": _("A permit does not renew itself.")}
        if renewed.case.person_id != case.person_id:
            return {"renews": _("A renewal continues a permit of the same person.")}
        if (renewals if this is None else renewals.exclude(pk=this)).exists():
            return {"renews": _("That permit was already renewed.")}
        if values["valid_from"] <= renewed.valid_from:
            return {"valid_from": _("A renewal starts after the permit it renews.")}
        return {}


class WorkPermitExemptionRows(ModelRows):
    name = "work_permit_exemptions"
    model = WorkPermitExemption
    recorded_at = ""
    fields = (
        plain("recorded_on", read.date, required=True),
        plain("legal_basis", read.text(300), required=True),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_future(problems, values, context, "recorded_on")
        return problems


# --- Compensation ------------------------------------------------------------------------------


def _home_currency() -> str:
    return Jurisdiction.objects.values_list("currency", flat=True).first() or ""


def _currency(lookups: Lookups) -> Reader:
    """An ISO 4217 code; an empty cell is the jurisdiction's currency, as in Lantern's forms."""
    home = _home_currency()

    def read_currency(raw: Any) -> str:
        value = as_text(raw).upper()
        if not value:
            return home
        read.refuse_formula(value)
        if len(value) != 3 or not value.isalpha() or not value.isascii():
            raise CellError(_("Write the currency as its three-letter code (AZN, EUR, USD)."))
        return value

    return read_currency


class CompensationClaimRows(ModelRows):
    name = "compensation_claims"
    model = CompensationClaim
    recorded_at = ""
    fields = (
        choice_field("against", CompensationAgainst.choices, required=True),
        plain("body", read.text(300), required=True),
        plain("submitted_on", read.date, required=True),
        plain("awarded_amount", read.amount),
        plain("awarded_on", read.date),
        Field("currency", "currency", _currency),
    )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_future(problems, values, context, "submitted_on", "awarded_on")
        _positive(problems, values, "awarded_amount")
        if (values.get("awarded_amount") is None) != (values.get("awarded_on") is None):
            problems["awarded_on"] = _("Give both the amount awarded and the date, or neither.")
        _not_before(
            problems,
            values,
            "submitted_on",
            "awarded_on",
            _("An award cannot come before the claim."),
        )
        return problems

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        attributes["currency"] = attributes["currency"] or _home_currency()
        return attributes


class CompensationReceiptRows(ModelRows):
    """Money received on a claim; ``claim_id`` is the claim's ``event_id`` in the claims file."""

    name = "compensation_receipts"
    model = CompensationReceipt
    recorded_by = ""
    recorded_at = ""
    case_path = "claim.case"
    fields = (
        link_field("claim_id", "claim_id", "compensation_claims", required=True),
        plain("received_on", read.date, required=True),
        plain("amount", read.amount, required=True),
    )

    def unknown_link(self, field: Field) -> str:
        return _(
            "Your organisation imported no compensation claim with this ID; import the claims "
            "first, and give the claim's event_id."
        )

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems = super().check(values, context)
        _not_future(problems, values, context, "received_on")
        _positive(problems, values, "amount")
        claim_pk = self.linked(self.field("claim_id"), values.get("claim_id"), context)
        claim = CompensationClaim.objects.filter(pk=claim_pk).first() if claim_pk else None
        if claim is None:
            return problems
        if values.get("case") is not None and claim.case_id != values["case"]:
            problems["claim_id"] = _("That claim belongs to another case.")
        received_on: datetime.date | None = values.get("received_on")
        if received_on is not None and received_on < claim.submitted_on:
            problems.setdefault("received_on", _("Nothing is received before the claim."))
        return problems


EVENT_ROWS: tuple[RecordKind, ...] = (
    TransferRows(),
    ReferralRows(),
    # Services after referrals: a service may name the referral it answered.
    ServiceRows(),
    ShelterStayRows(),
    ReflectionPeriodRows(),
    LegalRepresentativeRows(),
    LegalAidRows(),
    PaymentRows(),
    RepatriationRows(),
    ResidencePermitRows(),
    WorkPermitExemptionRows(),
    # Receipts after their claims.
    CompensationClaimRows(),
    CompensationReceiptRows(),
)
