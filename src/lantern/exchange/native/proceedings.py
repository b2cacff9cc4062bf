"""Criminal proceedings rows: criminal cases, their victims and accused, judgments and sentences,
wanted notices and detected facts.

A criminal case is not one victim's event: it stands on its own, and link rows tie it to the
register's cases and to accused persons. Rows name each other by the source IDs this
organisation imported them under; a row may also name a criminal case by its number and an
accused person by Lantern's reference, for records entered in Lantern itself. The export writes
the ID a record was imported under, else that number or reference, else ``<kind>-<pk>``: its
files import into an empty database with every link resolved, and into the same register as
unchanged.

Rows are checked as the justice services check what is typed in. The criminal cases file says
each case's status; a judgment imported after it does not move it, as recording one in Lantern
would, so a case stays as its row says. An accused person's identity goes straight to the vault.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, ClassVar

from django.db.models import Model, Prefetch, QuerySet
from django.db.models.fields import NOT_PROVIDED
from django.db.models.fields import Field as DjangoField
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lantern.access import policy
from lantern.core.models import Organisation, OrganisationKind, User
from lantern.exchange.models import SourceRecord
from lantern.exchange.native import values as read
from lantern.exchange.native.events import Field, code_field, organisation_field, plain
from lantern.exchange.native.identity_columns import identity_of, identity_values
from lantern.exchange.native.kinds import (
    CASE_ID,
    Column,
    Context,
    ExportContext,
    RecordKind,
    cell,
)
from lantern.exchange.native.values import Lookups
from lantern.justice.models import (
    AccusedPerson,
    Conviction,
    CourtInstance,
    CriminalCase,
    CriminalCaseAccused,
    CriminalCaseStatus,
    CriminalCaseStatusChange,
    CriminalCaseVictim,
    DetectedFact,
    FactVictim,
    Judgment,
    ProceduralRole,
    VictimRole,
    WantedNotice,
    WantedScope,
)
from lantern.justice.services import (
    LONGEST_SENTENCE_MONTHS,
    SENTENCES_WITH_DURATION,
    STATUSES_NEEDING_REASON,
    open_accused_identity,
    store_accused_identity,
)
from lantern.register.models import Case
from lantern.register.services import next_reference

LINK_ID = "link_id"
CRIMINAL_CASE_ID = "criminal_case_id"
ACCUSED_ID = "accused_id"
JUDGMENT_ID = "judgment_id"
# The record a row updates, once ``check`` has looked for it (None for a new record).
RECORD = "record"
EXPORT_CHUNK = 500
COURT_STATUSES = frozenset(
    {
        CriminalCaseStatus.SENT_TO_COURT,
        CriminalCaseStatus.JUDGMENT,
        CriminalCaseStatus.APPEAL,
        CriminalCaseStatus.FINAL,
    }
)
INITIATING_KINDS = frozenset({OrganisationKind.SPECIALISED_POLICE, OrganisationKind.PROSECUTION})
ACCUSED_IDENTITY_COLUMNS = (
    "given_name",
    "family_name",
    "patronymic",
    "birth_date",
    "birth_place",
    "document_type",
    "document_number",
    "document_country",
)


# --- Naming records across files ------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A kind of record that rows name, and the unique field they may name it by instead."""

    kind: str
    model: type[Model]
    natural_key: str = ""
    # What a row naming an unknown record of this kind is told.
    missing: Promise | None = None
    # Whether the export writes the ID the record was imported under; cases go out by their
    # reference, as the cases file writes them.
    exported_as_imported: bool = True


CRIMINAL_CASE = Target(
    "criminal_cases",
    CriminalCase,
    "number",
    gettext_lazy("No criminal case with this ID or number; import the criminal cases first."),
)
ACCUSED = Target(
    "accused_persons",
    AccusedPerson,
    "reference",
    gettext_lazy("No accused person with this ID or reference; import the accused persons first."),
)
JUDGMENT = Target(
    "judgments",
    Judgment,
    missing=gettext_lazy("No judgment with this ID; import the judgments first."),
)
# Rows name victims' cases as the engine resolves them (``Context.own_case``).
VICTIM_CASE = Target("cases", Case, "reference")


def resolve(target: Target, source_id: str, context: Context) -> int | None:
    """The record a row names: one this organisation imported as ``source_id``, or by its key."""
    found = still_there(target, context.source_object(target.kind, source_id), context)
    if found is not None or not target.natural_key:
        return found
    key = (f"{target.kind}.{target.natural_key}", source_id)
    if key not in context.resolved:
        context.resolved[key] = (
            target.model._default_manager.filter(**{target.natural_key: source_id})
            .values_list("pk", flat=True)
            .first()
        )
    return context.resolved[key]


def still_there(target: Target, pk: int | None, context: Context) -> int | None:
    """``pk`` unless its record was deleted in Lantern after it was imported."""
    if pk is None:
        return None
    key = (f"{target.kind}.pk", str(pk))
    if key not in context.resolved:
        exists = target.model._default_manager.filter(pk=pk).exists()
        context.resolved[key] = pk if exists else None
    return context.resolved[key]


class ExportIds:
    """The IDs an export writes for records, looked up for a chunk of records at a time."""

    def __init__(self, context: ExportContext) -> None:
        self.organisation_id = context.actor.organisation_id or 0
        self.ids: dict[tuple[str, int], str] = {}

    def load(self, target: Target, pks: Iterable[int | None]) -> None:
        wanted = {pk for pk in pks if pk is not None and (target.kind, pk) not in self.ids}
        if not wanted:
            return
        if target.exported_as_imported:
            imported = (
                SourceRecord.objects.filter(
                    organisation_id=self.organisation_id, kind=target.kind, object_id__in=wanted
                )
                .order_by("pk")
                .values_list("object_id", "source_id")
            )
            for object_id, source_id in imported:
                self.ids.setdefault((target.kind, object_id), source_id)
        rest = {pk for pk in wanted if (target.kind, pk) not in self.ids}
        if target.natural_key and rest:
            natural = target.model._default_manager.filter(pk__in=rest).values_list(
                "pk", target.natural_key
            )
            for pk, key in natural:
                self.ids[(target.kind, pk)] = key
        for pk in rest:
            self.ids.setdefault((target.kind, pk), f"{target.kind}-{pk}")

    def of(self, target: Target, pk: int | None) -> str:
        return "" if pk is None else self.ids[(target.kind, pk)]


@dataclass(frozen=True)
class Reference:
    """A column naming a record of another kind; its primary key goes to ``<key>_id``."""

    column: str
    target: Target
    key: str
    required: bool = True


@dataclass(frozen=True)
class CodeSet:
    """A column of several codes, kept as rows of a related model with a ``code``."""

    column: str
    code_list: str
    related_name: str
    required: bool = False


def choice_field(column: str, attribute: str, choices: Any, *, required: bool = False) -> Field:
    return Field(column, attribute, lambda lookups: lookups.choice(choices), required)


def _chunks(records: Iterator[Any]) -> Iterator[list[Any]]:
    while chunk := list(islice(records, EXPORT_CHUNK)):
        yield chunk


def _not_future(problems: dict[str, str], column: str, day: Any, context: Context) -> None:
    if day is not None and day > context.today:
        problems[column] = _("The date is in the future.")


# --- The shared shape of a proceedings kind -------------------------------------------------------


class ProceedingsRows(RecordKind):
    """A kind whose row is one record of ``model``: references, plain fields and code sets."""

    belongs_to_case = False
    target: ClassVar[Target]
    references: ClassVar[tuple[Reference, ...]] = ()
    fields: ClassVar[tuple[Field, ...]] = ()
    code_sets: ClassVar[tuple[CodeSet, ...]] = ()

    def allowed(self, actor: User) -> bool:
        return policy.can_record_proceedings(actor)

    def columns(self, lookups: Lookups) -> list[Column]:
        return [
            Column(self.id_column, read.text(64), required=True),
            *self.reference_columns(),
            *(
                Column(
                    field.column, field.reader(lookups), field.required, code_list=field.code_list
                )
                for field in self.fields
            ),
            *(
                Column(
                    codes.column,
                    lookups.codes(codes.code_list),
                    codes.required,
                    code_list=codes.code_list,
                )
                for codes in self.code_sets
            ),
            *self.more_columns(lookups),
        ]

    def reference_columns(self) -> list[Column]:
        return [
            Column(reference.column, read.text(64), required=reference.required)
            for reference in self.references
        ]

    def more_columns(self, lookups: Lookups) -> list[Column]:
        return []

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        for reference in self.references:
            given = values.get(reference.column) or ""
            values[reference.key] = resolve(reference.target, given, context) if given else None
            if given and values[reference.key] is None:
                problems[reference.column] = str(reference.target.missing or "")
        imported = context.source_object(self.name, values[self.id_column])
        values[RECORD] = still_there(self.target, imported, context)
        if imported is not None and values[RECORD] is None:
            problems[self.id_column] = _(
                "The record imported with this ID was deleted in Lantern; give the row a new ID."
            )
        if not problems:
            problems = self.check_row(values, context)
        self._show_as_written(values, problems, context)
        return problems

    def _show_as_written(
        self, values: dict[str, Any], problems: dict[str, str], context: Context
    ) -> None:
        """The report shows a refused value as a row writes it: an organisation by its code,
        several codes as "a; b"."""
        organisations = {field.column for field in self.fields if field.organisation}
        for column in problems:
            value = values.get(column)
            if isinstance(value, tuple):
                values[column] = cell(value)
            elif column in organisations and value is not None:
                context.lookups.organisation_map()
                values[column] = context.lookups.organisation_codes.get(value, value)

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        """Problems of a row whose references all resolve."""
        return {}

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = {f"{reference.key}_id": values[reference.key] for reference in self.references}
        for field in self.fields:
            value = values.get(field.column)
            attributes[field.attribute] = self._blank(field) if value is None else value
        return attributes

    def _blank(self, field: Field) -> Any:
        """What an empty cell stores: the model's default, an empty text, or nothing."""
        model_field = self.model._meta.get_field(field.attribute.removesuffix("_id"))
        if not isinstance(model_field, DjangoField) or model_field.null:
            return None
        if model_field.default is not NOT_PROVIDED:
            return model_field.get_default()
        if model_field.get_internal_type() in {"CharField", "TextField"}:
            return ""
        return None

    def create(self, values: dict[str, Any], context: Context) -> int:
        record = self.model(**self.attributes(values, context))
        self.prepare_new(record, values, context)
        _save(record, context.actor)
        self.write_related(record, values, context)
        return int(record.pk)

    def prepare_new(self, record: Any, values: dict[str, Any], context: Context) -> None:
        """What a new record holds beyond the row: who recorded it, and when."""
        names = {model_field.name for model_field in self.model._meta.get_fields()}
        if "recorded_by" in names:
            record.recorded_by = context.actor
        if "recorded_at" in names:
            record.recorded_at = context.now

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        record = self.model._default_manager.get(pk=object_id)
        before = copy.copy(record)
        for name, value in self.attributes(values, context).items():
            setattr(record, name, value)
        self.prepare_change(record, before, values, context)
        _save(record, context.actor)
        self.write_related(record, values, context)

    def prepare_change(
        self, record: Any, before: Any, values: dict[str, Any], context: Context
    ) -> None:
        """What changing an imported record changes beyond the row."""

    def write_related(self, record: Any, values: dict[str, Any], context: Context) -> None:
        for codes in self.code_sets:
            related = getattr(record, codes.related_name)
            related.all().delete()
            related.model.objects.bulk_create(
                [
                    related.model(**{related.field.name: record, "code": code})
                    for code in values.get(codes.column) or ()
                ]
            )

    def records_for(self, cases: QuerySet[Any]) -> QuerySet[Any]:
        """Every record of the kind: proceedings are not the register's, and whoever may see
        proceedings sees them all (``export_rows`` writes none for anyone else)."""
        return self.model._default_manager.order_by("pk")

    def export_rows(
        self, records: QuerySet[Any], context: ExportContext
    ) -> Iterator[dict[str, Any]]:
        if not policy.can_see_proceedings(context.actor):
            return
        order = [column.name for column in self.columns(Lookups())]
        related = [codes.related_name for codes in self.code_sets]
        rows = records.prefetch_related(*related).iterator(chunk_size=EXPORT_CHUNK)
        for chunk in _chunks(rows):
            ids = ExportIds(context)
            ids.load(self.target, [record.pk for record in chunk])
            for reference in self.references:
                ids.load(
                    reference.target, [getattr(record, f"{reference.key}_id") for record in chunk]
                )
            self.load_more_ids(ids, chunk)
            for record in chunk:
                row = self.export_row(record, ids, context)
                yield {name: row.get(name, "") for name in order}

    def load_more_ids(self, ids: ExportIds, chunk: list[Any]) -> None:
        """IDs the chunk's extra columns write."""

    def export_row(self, record: Any, ids: ExportIds, context: ExportContext) -> dict[str, str]:
        row = {self.id_column: ids.of(self.target, record.pk)}
        for reference in self.references:
            row[reference.column] = ids.of(reference.target, getattr(record, f"{reference.key}_id"))
        for field in self.fields:
            value = getattr(record, field.attribute)
            if field.organisation:
                row[field.column] = context.organisation_codes.get(value, "") if value else ""
            else:
                row[field.column] = cell(value)
        for codes in self.code_sets:
            row[codes.column] = cell(
                sorted(entry.code for entry in getattr(record, codes.related_name).all())
            )
        return row


def _save(record: Any, actor: User) -> None:
    if hasattr(type(record), "history"):
        record._history_user = actor
    record.save()


def _organisation_kind(pk: int | None) -> str | None:
    if pk is None:
        return None
    return Organisation.objects.filter(pk=pk).values_list("kind", flat=True).first()


# --- Criminal cases ---------------------------------------------------------------------------------


class CriminalCaseRows(ProceedingsRows):
    name = "criminal_cases"
    model = CriminalCase
    target = CRIMINAL_CASE
    id_column = CRIMINAL_CASE_ID
    fields = (
        plain("number", read.text(64), required=True),
        organisation_field("initiating_organisation", "initiating_organisation_id"),
        plain("initiated_on", read.date, required=True),
        choice_field("status", "status", CriminalCaseStatus.choices),
        plain("status_reason", read.text(500)),
        plain("sent_to_court_on", read.date),
    )
    code_sets = (
        CodeSet("articles", "criminal_code_articles", "articles", required=True),
        CodeSet("exploitation_forms", "forms_of_exploitation", "exploitation_forms"),
    )

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        number = values["number"]
        if CriminalCase.objects.filter(number=number).exclude(pk=values[RECORD]).exists():
            problems["number"] = _("Criminal case %(number)s is already recorded.") % {
                "number": number
            }
        initiating = values.get("initiating_organisation") or context.organisation.pk
        if _organisation_kind(initiating) not in INITIATING_KINDS:
            problems["initiating_organisation"] = _(
                "Criminal cases are initiated by the police or the prosecution."
            )
        initiated_on: datetime.date = values["initiated_on"]
        _not_future(problems, "initiated_on", initiated_on, context)
        status = values.get("status") or CriminalCaseStatus.INVESTIGATION
        if status in STATUSES_NEEDING_REASON and not values.get("status_reason"):
            problems["status_reason"] = _("Give the reason the case was suspended or terminated.")
        sent_on: datetime.date | None = values.get("sent_to_court_on")
        if sent_on is None and status in COURT_STATUSES:
            problems["sent_to_court_on"] = _(
                "A case that went to court needs the date it was sent there."
            )
        elif sent_on is not None and sent_on < initiated_on:
            problems["sent_to_court_on"] = _("The date is before the case was initiated.")
        _not_future(problems, "sent_to_court_on", sent_on, context)
        return problems

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        if attributes["initiating_organisation_id"] is None:
            attributes["initiating_organisation_id"] = context.organisation.pk
        return attributes

    def create(self, values: dict[str, Any], context: Context) -> int:
        pk = super().create(values, context)
        status = values.get("status") or CriminalCaseStatus.INVESTIGATION
        # An imported case's status is known from the day of the import, unless it is the first.
        initiated = status == CriminalCaseStatus.INVESTIGATION
        _record_status(
            pk, "", status, values["initiated_on"] if initiated else context.today, context
        )
        return pk

    def prepare_change(
        self, record: Any, before: Any, values: dict[str, Any], context: Context
    ) -> None:
        record.version = before.version + 1
        if record.status != before.status:
            _record_status(record.pk, before.status, record.status, context.today, context)


def _record_status(
    pk: int, from_status: str, to_status: str, on: datetime.date, context: Context
) -> None:
    CriminalCaseStatusChange.objects.create(
        criminal_case_id=pk,
        from_status=from_status,
        to_status=to_status,
        changed_on=on,
        reason=_("Imported"),
        changed_by=context.actor,
        recorded_at=context.now,
    )


# --- Victims of criminal cases --------------------------------------------------------------------


class CriminalCaseVictimRows(ProceedingsRows):
    """A case of the importer's own register taking part in a criminal case."""

    name = "criminal_case_victims"
    model = CriminalCaseVictim
    target = Target("criminal_case_victims", CriminalCaseVictim)
    id_column = LINK_ID
    belongs_to_case = True
    references = (Reference(CRIMINAL_CASE_ID, CRIMINAL_CASE, "criminal_case"),)
    fields = (choice_field("role", "role", VictimRole.choices),)

    def reference_columns(self) -> list[Column]:
        return [*super().reference_columns(), Column(CASE_ID, read.text(64), required=True)]

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        case = values.get("case")
        if case is None:
            return {}
        taken = CriminalCaseVictim.objects.filter(
            criminal_case_id=values["criminal_case"], case_id=case
        ).exclude(pk=values[RECORD])
        if taken.exists():
            return {CASE_ID: _("This case is already part of the criminal case.")}
        return {}

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        return {**super().attributes(values, context), "case_id": values["case"]}

    def prepare_new(self, record: Any, values: dict[str, Any], context: Context) -> None:
        record.linked_at, record.linked_by = context.now, context.actor

    def records_for(self, cases: QuerySet[Any]) -> QuerySet[Any]:
        return CriminalCaseVictim.objects.filter(case__in=cases).order_by("pk")

    def load_more_ids(self, ids: ExportIds, chunk: list[Any]) -> None:
        ids.load(VICTIM_CASE, [link.case_id for link in chunk])

    def export_row(self, record: Any, ids: ExportIds, context: ExportContext) -> dict[str, str]:
        return {
            **super().export_row(record, ids, context),
            CASE_ID: ids.of(VICTIM_CASE, record.case_id),
        }


# --- Detected facts -------------------------------------------------------------------------------


def _case_ids(raw: Any) -> tuple[str, ...]:
    value = read.text(4000)(raw)
    return tuple(
        sorted({part.strip() for part in value.split(read.MULTI_SEPARATOR) if part.strip()})
    )


class DetectedFactRows(ProceedingsRows):
    name = "detected_facts"
    model = DetectedFact
    target = Target("detected_facts", DetectedFact)
    id_column = "fact_id"
    references = (Reference(CRIMINAL_CASE_ID, CRIMINAL_CASE, "criminal_case", required=False),)
    fields = (
        code_field("fact_type", "fact_type", "fact_types", required=True),
        plain("detected_on", read.date, required=True),
        organisation_field("detecting_organisation", "detecting_organisation_id"),
        plain("through_ict", read.yes_no),
    )
    code_sets = (CodeSet("platforms", "ict_platforms", "platforms"),)

    def more_columns(self, lookups: Lookups) -> list[Column]:
        return [Column("victim_case_ids", _case_ids)]

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        _not_future(problems, "detected_on", values["detected_on"], context)
        if values.get("through_ict") and not values.get("platforms"):
            problems["platforms"] = _("Give the platforms of a fact committed online.")
        if not values.get("through_ict") and values.get("platforms"):
            problems["platforms"] = _("Platforms are given only for a fact committed online.")
        found = {
            case_id: context.own_case(case_id) for case_id in values.get("victim_case_ids", ())
        }
        unknown = [case_id for case_id, pk in found.items() if pk is None]
        if unknown:
            problems["victim_case_ids"] = _(
                "No case %(ids)s in your organisation's register; import the cases first."
            ) % {"ids": ", ".join(unknown)}
        values["victim_cases"] = sorted(pk for pk in found.values() if pk is not None)
        return problems

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        if attributes["detecting_organisation_id"] is None:
            attributes["detecting_organisation_id"] = context.organisation.pk
        return attributes

    def prepare_new(self, record: Any, values: dict[str, Any], context: Context) -> None:
        super().prepare_new(record, values, context)
        record.reference = next_reference(context.now, kind="FA")

    def write_related(self, record: Any, values: dict[str, Any], context: Context) -> None:
        super().write_related(record, values, context)
        FactVictim.objects.filter(fact=record).delete()
        FactVictim.objects.bulk_create(
            [FactVictim(fact=record, case_id=case) for case in values["victim_cases"]]
        )

    def records_for(self, cases: QuerySet[Any]) -> QuerySet[Any]:
        """Every fact, naming only the victims among ``cases``."""
        return DetectedFact.objects.prefetch_related(
            Prefetch("victims", queryset=FactVictim.objects.filter(case__in=cases))
        ).order_by("pk")

    def load_more_ids(self, ids: ExportIds, chunk: list[Any]) -> None:
        ids.load(VICTIM_CASE, [victim.case_id for fact in chunk for victim in fact.victims.all()])

    def export_row(self, record: Any, ids: ExportIds, context: ExportContext) -> dict[str, str]:
        victims = sorted(ids.of(VICTIM_CASE, victim.case_id) for victim in record.victims.all())
        return {**super().export_row(record, ids, context), "victim_case_ids": cell(victims)}


# --- Accused persons ------------------------------------------------------------------------------


class AccusedPersonRows(ProceedingsRows):
    name = "accused_persons"
    model = AccusedPerson
    target = ACCUSED
    id_column = ACCUSED_ID
    fields = (
        code_field("sex", "sex", "sexes"),
        plain("birth_year", read.whole_number(1900, 2100)),
        plain("birth_month", read.whole_number(1, 12)),
        code_field("citizenship", "citizenship", "countries", required=True),
    )

    def more_columns(self, lookups: Lookups) -> list[Column]:
        return [
            Column("given_name", read.text(100), identity=True),
            Column("family_name", read.text(100), identity=True),
            Column("patronymic", read.text(100), identity=True),
            Column("birth_date", read.date, identity=True),
            Column("birth_place", read.text(200), identity=True),
            Column(
                "document_type",
                lookups.code("identity_document_types"),
                identity=True,
                code_list="identity_document_types",
            ),
            Column("document_number", read.text(64), identity=True),
            Column(
                "document_country", lookups.code("countries"), identity=True, code_list="countries"
            ),
        ]

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        today = context.today
        birth_year, birth_month = values.get("birth_year"), values.get("birth_month")
        if birth_year is not None and not today.year - 120 <= birth_year <= today.year:
            problems["birth_year"] = _("Give a year between %(low)s and %(high)s.") % {
                "low": today.year - 120,
                "high": today.year,
            }
        if birth_month is not None and birth_year is None:
            problems["birth_month"] = _("Give the birth year with the month.")
        birth_date: datetime.date | None = values.get("birth_date")
        _not_future(problems, "birth_date", birth_date, context)
        if birth_date is not None and birth_year is not None and birth_year != birth_date.year:
            problems["birth_year"] = _("The birth year is not the year of the birth date.")
        if birth_date is not None and birth_month is not None and birth_month != birth_date.month:
            problems["birth_month"] = _("The birth month is not the month of the birth date.")
        if values.get("document_number") and not values.get("document_type"):
            problems["document_type"] = _("Give the type of the document whose number is given.")
        return problems

    def attributes(self, values: dict[str, Any], context: Context) -> dict[str, Any]:
        attributes = super().attributes(values, context)
        # Year and month are analytic columns; the exact day stays in the vault.
        birth_date: datetime.date | None = values.get("birth_date")
        if birth_date is not None:
            attributes["birth_year"], attributes["birth_month"] = birth_date.year, birth_date.month
        return attributes

    def prepare_new(self, record: Any, values: dict[str, Any], context: Context) -> None:
        super().prepare_new(record, values, context)
        record.reference = next_reference(context.now, kind="AC")
        record.recording_organisation = context.organisation

    def write_related(self, record: Any, values: dict[str, Any], context: Context) -> None:
        identity = identity_of(values, ACCUSED_IDENTITY_COLUMNS)
        if identity is not None:
            store_accused_identity(record, identity)

    def export_row(self, record: Any, ids: ExportIds, context: ExportContext) -> dict[str, str]:
        row = super().export_row(record, ids, context)
        if not context.with_identity:
            return row
        if not policy.can_reveal_accused_identity(context.actor, second_factor_verified=True):
            context.withheld_identities += 1
            return row
        identity = open_accused_identity(record)
        values = identity_values(identity, ACCUSED_IDENTITY_COLUMNS)
        row.update({name: cell(value) for name, value in values.items()})
        return row


class CriminalCaseAccusedRows(ProceedingsRows):
    name = "criminal_case_accused"
    model = CriminalCaseAccused
    target = Target("criminal_case_accused", CriminalCaseAccused)
    id_column = LINK_ID
    references = (
        Reference(CRIMINAL_CASE_ID, CRIMINAL_CASE, "criminal_case"),
        Reference(ACCUSED_ID, ACCUSED, "accused"),
    )
    fields = (
        choice_field("role", "role", ProceduralRole.choices),
        plain("sent_to_court", read.yes_no),
    )

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        taken = CriminalCaseAccused.objects.filter(
            criminal_case_id=values["criminal_case"], accused_id=values["accused"]
        ).exclude(pk=values[RECORD])
        if taken.exists():
            problems[ACCUSED_ID] = _("This person is already part of the criminal case.")
        role = values.get("role") or ProceduralRole.ACCUSED
        sent_on = (
            CriminalCase.objects.filter(pk=values["criminal_case"])
            .values_list("sent_to_court_on", flat=True)
            .get()
        )
        if values.get("sent_to_court") is None:
            # As when a person is linked in Lantern: an accused goes to court with the case.
            values["sent_to_court"] = sent_on is not None and role == ProceduralRole.ACCUSED
        elif values["sent_to_court"] and role != ProceduralRole.ACCUSED:
            problems["sent_to_court"] = _(
                "Only an accused person, not a suspect, is sent to court."
            )
        elif values["sent_to_court"] and sent_on is None:
            problems["sent_to_court"] = _("The criminal case has not been sent to court.")
        return problems

    def prepare_new(self, record: Any, values: dict[str, Any], context: Context) -> None:
        record.linked_at = context.now


# --- Judgments and sentences ----------------------------------------------------------------------


class JudgmentRows(ProceedingsRows):
    name = "judgments"
    model = Judgment
    target = JUDGMENT
    id_column = JUDGMENT_ID
    references = (Reference(CRIMINAL_CASE_ID, CRIMINAL_CASE, "criminal_case"),)
    fields = (
        organisation_field("court", "court_id", required=True),
        plain("number", read.text(64), required=True),
        plain("delivered_on", read.date, required=True),
        choice_field("instance", "instance", CourtInstance.choices),
        plain("is_final", read.yes_no),
    )
    code_sets = (
        CodeSet(
            "aggravating_circumstances", "aggravating_circumstances", "aggravating_circumstances"
        ),
    )

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        court = values["court"]
        if _organisation_kind(court) != OrganisationKind.COURT:
            problems["court"] = _("This organisation is not a court.")
        number = values["number"]
        if (
            Judgment.objects.filter(court_id=court, number=number)
            .exclude(pk=values[RECORD])
            .exists()
        ):
            problems["number"] = _("This court's judgment %(number)s is already recorded.") % {
                "number": number
            }
        initiated_on, status = (
            CriminalCase.objects.filter(pk=values["criminal_case"])
            .values_list("initiated_on", "status")
            .get()
        )
        if status not in COURT_STATUSES:
            problems[CRIMINAL_CASE_ID] = _(
                "A judgment is recorded once the case has been sent to court (it is '%(status)s')."
            ) % {"status": CriminalCaseStatus(status).label}
        delivered_on: datetime.date = values["delivered_on"]
        if delivered_on < initiated_on:
            problems["delivered_on"] = _("The date is before the case was initiated.")
        _not_future(problems, "delivered_on", delivered_on, context)
        return problems


class ConvictionRows(ProceedingsRows):
    name = "convictions"
    model = Conviction
    target = Target("convictions", Conviction)
    id_column = "conviction_id"
    references = (
        Reference(JUDGMENT_ID, JUDGMENT, "judgment"),
        Reference(ACCUSED_ID, ACCUSED, "accused"),
    )
    fields = (
        code_field(
            "form_of_exploitation", "form_of_exploitation", "forms_of_exploitation", required=True
        ),
        plain("child_victim", read.yes_no),
        code_field("sentence_type", "sentence_type", "sentence_types", required=True),
        plain("duration_months", read.whole_number(1, LONGEST_SENTENCE_MONTHS)),
        plain("property_confiscated", read.yes_no),
        plain("legal_person_liable", read.yes_no),
    )
    code_sets = (CodeSet("articles", "criminal_code_articles", "articles", required=True),)

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        judgment, accused = values["judgment"], values["accused"]
        criminal_case = Judgment.objects.filter(pk=judgment).values_list("criminal_case", flat=True)
        linked = CriminalCaseAccused.objects.filter(
            criminal_case__in=criminal_case, accused=accused
        )
        if not linked.exists():
            problems[ACCUSED_ID] = _(
                "This person is not accused in the judgment's criminal case; import the link first."
            )
        taken = Conviction.objects.filter(judgment=judgment, accused=accused).exclude(
            pk=values[RECORD]
        )
        if taken.exists():
            problems[ACCUSED_ID] = _("This person already has a sentence in this judgment.")
        if values["sentence_type"] in SENTENCES_WITH_DURATION and not values.get("duration_months"):
            problems["duration_months"] = _("Give the length of the sentence in months.")
        return problems


# --- Wanted persons -------------------------------------------------------------------------------


class WantedNoticeRows(ProceedingsRows):
    name = "wanted_notices"
    model = WantedNotice
    target = Target("wanted_notices", WantedNotice)
    id_column = "notice_id"
    references = (Reference(ACCUSED_ID, ACCUSED, "accused"),)
    fields = (
        choice_field("scope", "scope", WantedScope.choices, required=True),
        code_field("offence", "offence", "wanted_offences", required=True),
        plain("interpol_notice", read.text(64)),
        code_field("believed_country", "believed_country", "countries"),
        plain("listed_on", read.date, required=True),
        plain("detained_on", read.date),
        plain("handed_to_prosecution", read.yes_no),
        plain("withdrawn_on", read.date),
    )

    def check_row(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        listed_on: datetime.date = values["listed_on"]
        _not_future(problems, "listed_on", listed_on, context)
        if values["scope"] == WantedScope.INTERNATIONAL and not values.get("interpol_notice"):
            problems["interpol_notice"] = _(
                "Give the Interpol notice (for example, a red notice number)."
            )
        for column in ("detained_on", "withdrawn_on"):
            day = values.get(column)
            if day is not None and day < listed_on:
                problems[column] = _("The date is before the person was put on the wanted list.")
            _not_future(problems, column, day, context)
        if values.get("handed_to_prosecution") and values.get("detained_on") is None:
            problems["handed_to_prosecution"] = _(
                "A person is handed to the prosecution once detained: give the detention date."
            )
        still_open = values.get("detained_on") is None and values.get("withdrawn_on") is None
        listed = WantedNotice.objects.filter(
            accused=values["accused"],
            scope=values["scope"],
            detained_on__isnull=True,
            withdrawn_on__isnull=True,
        ).exclude(pk=values[RECORD])
        if still_open and listed.exists():
            problems["scope"] = _("This person is already on that wanted list.")
        return problems


PROCEEDINGS_ROWS: tuple[RecordKind, ...] = (
    CriminalCaseRows(),
    CriminalCaseVictimRows(),
    DetectedFactRows(),
    AccusedPersonRows(),
    CriminalCaseAccusedRows(),
    JudgmentRows(),
    ConvictionRows(),
    WantedNoticeRows(),
)
