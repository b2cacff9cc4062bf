"""Case rows: one row per person-case, the register's columns, identity optional.

Rows with the same ``person_id`` are one person met several times; without it each row is a
person of its own. Identity columns go straight to the vault; the register's tables never see
them. A historical case comes in as it was: its status, its dates, who identified it. It opens
no registration deadline, because its deadlines passed long ago in another system.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from lantern.access import policy
from lantern.core.models import Jurisdiction
from lantern.exchange.models import SourceRecord
from lantern.exchange.native import values as read
from lantern.exchange.native.identity_columns import (
    IDENTITY_COLUMNS,
    identity_of,
    identity_values,
)
from lantern.exchange.native.kinds import (
    CASE_ID,
    Column,
    Context,
    ExportContext,
    RecordKind,
    cell,
    exported_case_ids,
)
from lantern.exchange.native.values import Lookups
from lantern.register.identity import (
    Identity,
    open_identity,
    sealed_identity,
    store_identity,
)
from lantern.register.models import (
    BirthDatePrecision,
    Case,
    CaseControlMeans,
    CaseExploitationCountry,
    CaseExploitationForm,
    CaseStatus,
    CaseStatusChange,
    IdentificationDecision,
    IdentificationMethod,
    IdentificationOutcome,
    NameIndexEntry,
    Person,
    PersonIdentity,
)
from lantern.register.services import (
    derive_flags,
    next_reference,
    replace_codes,
    reserve_references,
)

PERSON_ID = "person_id"
IDENTIFIED_STATUSES = {CaseStatus.IDENTIFIED}


class CaseRows(RecordKind):
    name = "cases"
    model = Case
    belongs_to_case = False
    id_column = CASE_ID

    def columns(self, lookups: Lookups) -> list[Column]:
        return [
            Column(CASE_ID, read.text(64), required=True),
            Column(PERSON_ID, read.text(64)),
            Column("status", lookups.choice(CaseStatus.choices)),
            Column("registered_at", read.moment, required=True),
            Column(
                "contact_channel",
                lookups.code("contact_channels"),
                True,
                code_list="contact_channels",
            ),
            Column("citizenship", lookups.code("countries"), True, code_list="countries"),
            Column("sex", lookups.code("sexes"), code_list="sexes"),
            Column("birth_year", read.whole_number(1900, 2100)),
            Column("birth_month", read.whole_number(1, 12)),
            Column("estimated_age", read.whole_number(0, 120)),
            Column("age_estimated_on", read.date),
            Column("region", lookups.code("regions"), code_list="regions"),
            Column("has_disability", read.yes_no),
            Column("has_children", read.yes_no),
            Column("is_unaccompanied", read.yes_no),
            Column(
                "exploitation_forms",
                lookups.codes("forms_of_exploitation"),
                code_list="forms_of_exploitation",
            ),
            Column("exploitation_countries", lookups.codes("countries"), code_list="countries"),
            Column(
                "exploitation_scope",
                lookups.code("exploitation_scopes"),
                code_list="exploitation_scopes",
            ),
            Column("exploitation_from", read.date),
            Column("exploitation_to", read.date),
            Column(
                "recruitment_channel",
                lookups.code("recruitment_channels"),
                code_list="recruitment_channels",
            ),
            Column("online_platform", lookups.code("ict_platforms"), code_list="ict_platforms"),
            Column(
                "control_means", lookups.codes("means_of_control"), code_list="means_of_control"
            ),
            Column("identified_on", read.date),
            Column("identifying_organisation", lookups.organisation),
            Column("identification_method", lookups.choice(IdentificationMethod.choices)),
            Column("given_name", read.text(100), identity=True),
            Column("family_name", read.text(100), identity=True),
            Column("patronymic", read.text(100), identity=True),
            Column("birth_date", read.date, identity=True),
            Column("birth_place", read.text(200), identity=True),
            Column("phone", read.text(40), identity=True),
            Column("address", read.text(300), identity=True),
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

    def check(self, values: dict[str, Any], context: Context) -> dict[str, str]:
        problems: dict[str, str] = {}
        today = context.today
        registered_at = values.get("registered_at")
        if registered_at is not None and registered_at > context.now:
            problems["registered_at"] = _("The registration is in the future.")
        birth_date = values.get("birth_date")
        if birth_date is not None and birth_date > today:
            problems["birth_date"] = _("The birth date is in the future.")
        birth_year = values.get("birth_year")
        if birth_year is not None and birth_year > today.year:
            problems["birth_year"] = _("The birth year must be between 1900 and this year.")
        start, end = values.get("exploitation_from"), values.get("exploitation_to")
        if start is not None and start > today:
            problems["exploitation_from"] = _("The exploitation period cannot start in the future.")
        if start is not None and end is not None and end < start:
            problems["exploitation_to"] = _("The exploitation period ends before it starts.")
        problems.update(_check_identification(values, today))
        if values.get("document_number") and not values.get("document_type"):
            problems["document_type"] = _("Give the type of the document whose number is given.")
        return problems

    def create(self, values: dict[str, Any], context: Context) -> int:
        person = self._person_for(values, context)
        case = Case(
            reference=next_reference(values["registered_at"]),
            person=person,
            registering_organisation=context.organisation,
            registered_by=context.actor,
            registered_at=values["registered_at"],
        )
        _apply_case(case, values, context)
        identity = open_identity(person)
        derive_flags(case, identity)
        case._history_user = context.actor  # type: ignore[attr-defined]
        case.save()
        _replace_case_codes(case, values)
        CaseStatusChange.objects.create(
            case=case,
            from_status="",
            to_status=case.status,
            changed_at=values["registered_at"],
            changed_by=context.actor,
            organisation=context.organisation,
            reason=_("Imported"),
        )
        _record_decision(case, values, context)
        return case.pk

    def create_many(self, rows: list[dict[str, Any]], context: Context) -> list[int]:
        """``create`` for a batch of rows in a few statements; the engine falls back to ``create``
        row by row if the database refuses the batch."""
        home_country = Jurisdiction.objects.values_list("country", flat=True).first() or ""
        persons, identities = self._persons_for(rows, context)
        references = reserve_references([values["registered_at"] for values in rows])
        cases = []
        for values, person, reference in zip(rows, persons, references, strict=True):
            case = Case(
                reference=reference,
                person=person,
                registering_organisation=context.organisation,
                registered_by=context.actor,
                registered_at=values["registered_at"],
            )
            _apply_case(case, values, context)
            derive_flags(case, identities.get(person.pk), home_country=home_country)
            cases.append(case)
        bulk_create_with_history(cases, Case, default_user=context.actor)
        _bulk_codes(cases, rows)
        CaseStatusChange.objects.bulk_create(
            [
                CaseStatusChange(
                    case=case,
                    from_status="",
                    to_status=case.status,
                    changed_at=case.registered_at,
                    changed_by=context.actor,
                    organisation=context.organisation,
                    reason=_("Imported"),
                )
                for case in cases
            ]
        )
        IdentificationDecision.objects.bulk_create(
            [decision for case in cases if (decision := _decision(case, context)) is not None]
        )
        return [case.pk for case in cases]

    def _persons_for(
        self, rows: list[dict[str, Any]], context: Context
    ) -> tuple[list[Person], dict[int, Identity]]:
        """Each row's person: one already imported under its ``person_id``, one made earlier in
        the batch, or a new one (saved here, with its sealed identity)."""
        keys = [values.get(PERSON_ID) or "" for values in rows]
        known = context.source_objects("persons", {key for key in keys if key})
        known.update(
            _own_persons_by_reference({key for key, pk in known.items() if pk is None}, context)
        )
        existing = Person.objects.in_bulk([pk for pk in known.values() if pk is not None])
        identities = {pk: open_identity(person) for pk, person in existing.items()}
        persons: list[Person] = []
        new_by_key: dict[str, Person] = {}
        new_persons: list[tuple[Person, Identity]] = []
        for key, values in zip(keys, rows, strict=True):
            if known.get(key) is not None:
                persons.append(existing[known[key]])
            elif key in new_by_key:
                persons.append(new_by_key[key])
            else:
                person = Person(
                    registering_organisation=context.organisation,
                    registered_at=values["registered_at"],
                )
                _apply_person(person, values, context)
                new_persons.append((person, identity_of(values) or Identity()))
                if key:
                    new_by_key[key] = person
                persons.append(person)
        references = reserve_references([person.registered_at for person, _ in new_persons])
        for (person, _identity), reference in zip(new_persons, references, strict=True):
            person.reference = reference
        bulk_create_with_history(
            [person for person, _ in new_persons], Person, default_user=context.actor
        )
        sealed = [sealed_identity(person, identity) for person, identity in new_persons]
        PersonIdentity.objects.bulk_create([record for record, _names in sealed])
        NameIndexEntry.objects.bulk_create([entry for _record, names in sealed for entry in names])
        context.remember_all("persons", {key: person.pk for key, person in new_by_key.items()})
        identities.update({person.pk: identity for person, identity in new_persons})
        return persons, identities

    def update(self, object_id: int, values: dict[str, Any], context: Context) -> None:
        case = Case.objects.select_related("person").get(pk=object_id)
        previous_status = case.status
        _apply_person(case.person, values, context)
        identity = identity_of(values)
        if identity is not None:
            store_identity(case.person, identity)
        case.person._history_user = context.actor  # type: ignore[attr-defined]
        case.person.save()
        case.registered_at = values["registered_at"]
        _apply_case(case, values, context)
        derive_flags(case, open_identity(case.person))
        case.version += 1
        case._history_user = context.actor  # type: ignore[attr-defined]
        case.save()
        _replace_case_codes(case, values)
        if case.status != previous_status:
            CaseStatusChange.objects.create(
                case=case,
                from_status=previous_status,
                to_status=case.status,
                changed_at=context.now,
                changed_by=context.actor,
                organisation=context.organisation,
                reason=_("Imported"),
            )
        if not case.decisions.exists():
            _record_decision(case, values, context)

    def _person_for(self, values: dict[str, Any], context: Context) -> Person:
        person_key = values.get(PERSON_ID) or ""
        known = context.source_object("persons", person_key) if person_key else None
        if known is None and person_key:
            known = _own_persons_by_reference({person_key}, context).get(person_key)
        if known is not None:
            return Person.objects.get(pk=known)
        person = Person(
            reference=next_reference(values["registered_at"]),
            registering_organisation=context.organisation,
            registered_at=values["registered_at"],
        )
        _apply_person(person, values, context)
        person._history_user = context.actor  # type: ignore[attr-defined]
        person.save()
        store_identity(person, identity_of(values) or Identity())
        if person_key:
            context.remember("persons", person_key, person.pk)
        return person

    def records_for(self, cases: QuerySet[Any]) -> QuerySet[Any]:
        return (
            cases.select_related("person", "identifying_organisation")
            .prefetch_related(
                Prefetch("exploitation_forms"),
                Prefetch("exploitation_countries"),
                Prefetch("control_means"),
            )
            .order_by("registered_at", "pk")
        )

    def existing_by_key(self, source_ids: set[str], context: Context) -> dict[str, int]:
        """A row may name a case of the importer's own register by its reference: importing an
        export of that register again then updates its cases instead of registering them twice."""
        return dict(
            Case.objects.filter(
                reference__in=source_ids, registering_organisation=context.organisation
            ).values_list("reference", "pk")
        )

    def export_rows(
        self, records: QuerySet[Any], context: ExportContext
    ) -> Iterator[dict[str, Any]]:
        for chunk in _chunks(records.iterator(chunk_size=500), 500):
            yield from self._export_chunk(chunk, context)

    def _export_chunk(self, cases: list[Case], context: ExportContext) -> Iterator[dict[str, Any]]:
        organisation_id = context.actor.organisation_id
        case_ids = exported_case_ids((case.pk for case in cases), organisation_id)
        person_ids = _exported_person_ids([case.person for case in cases], organisation_id)
        for case in cases:
            person = case.person
            row = {
                CASE_ID: case_ids[case.pk],
                PERSON_ID: person_ids[person.pk],
                "status": case.status,
                "registered_at": cell(case.registered_at),
                "contact_channel": case.contact_channel,
                "citizenship": person.citizenship,
                "sex": person.sex,
                "birth_year": cell(person.birth_year),
                "birth_month": cell(person.birth_month),
                "estimated_age": cell(person.estimated_age),
                "age_estimated_on": cell(person.age_estimated_on),
                "region": person.region,
                "has_disability": cell(person.has_disability),
                "has_children": cell(person.has_children),
                "is_unaccompanied": cell(case.is_unaccompanied),
                "exploitation_forms": cell(sorted(f.code for f in case.exploitation_forms.all())),
                "exploitation_countries": cell(
                    sorted(c.country for c in case.exploitation_countries.all())
                ),
                "exploitation_scope": case.exploitation_scope,
                "exploitation_from": cell(case.exploitation_from),
                "exploitation_to": cell(case.exploitation_to),
                "recruitment_channel": case.recruitment_channel,
                "online_platform": case.online_platform,
                "control_means": cell(sorted(m.code for m in case.control_means.all())),
                "identified_on": cell(case.identified_on),
                "identifying_organisation": context.organisation_codes.get(
                    case.identifying_organisation_id or 0, ""
                ),
                "identification_method": case.identification_method,
            }
            row.update(_identity_cells(case, context))
            yield row


def _chunks(items: Iterator[Case], size: int) -> Iterator[list[Case]]:
    chunk: list[Case] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _own_persons_by_reference(references: set[str], context: Context) -> dict[str, int]:
    """Persons of the importer's own register named by their reference (as its exports do)."""
    return dict(
        Person.objects.filter(
            reference__in=references, registering_organisation=context.organisation
        ).values_list("reference", "pk")
    )


def _exported_person_ids(persons: list[Person], organisation_id: int | None) -> dict[int, str]:
    """As ``exported_case_ids``, for persons: the ID imported under, else the reference."""
    names = {person.pk: person.reference for person in persons}
    if organisation_id is not None:
        imported = SourceRecord.objects.filter(
            organisation_id=organisation_id, kind="persons", object_id__in=names
        ).values_list("object_id", "source_id")
        names.update(dict(imported))
    return names


def _check_identification(values: dict[str, Any], today: datetime.date) -> dict[str, str]:
    problems: dict[str, str] = {}
    status = values.get("status") or CaseStatus.PRESUMED
    identified_on = values.get("identified_on")
    if status in IDENTIFIED_STATUSES and identified_on is None:
        problems["identified_on"] = _("An identified victim needs the date of identification.")
    if identified_on is not None and identified_on > today:
        problems["identified_on"] = _("The identification date is in the future.")
    registered_at = values.get("registered_at")
    if (
        identified_on is not None
        and registered_at is not None
        and identified_on < timezone.localdate(registered_at)
    ):
        problems["identified_on"] = _("The identification date is before the registration.")
    return problems


def _apply_person(person: Person, values: dict[str, Any], context: Context) -> None:
    person.sex = values.get("sex") or ""
    person.citizenship = values["citizenship"]
    person.region = values.get("region") or ""
    person.has_disability = values.get("has_disability")
    person.has_children = values.get("has_children")
    birth_date = values.get("birth_date")
    person.birth_year, person.birth_month = values.get("birth_year"), values.get("birth_month")
    person.estimated_age, person.age_estimated_on = values.get("estimated_age"), None
    if birth_date is not None:
        person.birth_date_precision = BirthDatePrecision.EXACT
        person.birth_year, person.birth_month = birth_date.year, birth_date.month
    elif person.birth_year is not None:
        person.birth_date_precision = (
            BirthDatePrecision.MONTH if person.birth_month else BirthDatePrecision.YEAR
        )
    elif person.estimated_age is not None:
        person.birth_date_precision = BirthDatePrecision.ESTIMATED
        person.age_estimated_on = values.get("age_estimated_on") or values["registered_at"].date()
    else:
        person.birth_date_precision = BirthDatePrecision.UNKNOWN


def _apply_case(case: Case, values: dict[str, Any], context: Context) -> None:
    case.status = values.get("status") or CaseStatus.PRESUMED
    case.contact_channel = values["contact_channel"]
    case.exploitation_scope = values.get("exploitation_scope") or ""
    case.exploitation_from = _first_of_month(values.get("exploitation_from"))
    case.exploitation_to = _first_of_month(values.get("exploitation_to"))
    case.recruitment_channel = values.get("recruitment_channel") or ""
    case.online_platform = values.get("online_platform") or ""
    case.is_unaccompanied = bool(values.get("is_unaccompanied"))
    case.identified_on = values.get("identified_on")
    case.identifying_organisation_id = values.get("identifying_organisation")
    case.identification_method = values.get("identification_method") or ""
    if case.identified_on is not None and case.identifying_organisation_id is None:
        case.identifying_organisation_id = context.organisation.pk
    case.updated_at = context.now


def _first_of_month(day: datetime.date | None) -> datetime.date | None:
    return day.replace(day=1) if day else None


def _replace_case_codes(case: Case, values: dict[str, Any]) -> None:
    replace_codes(
        case,
        values.get("exploitation_forms") or (),
        values.get("exploitation_countries") or (),
        values.get("control_means") or (),
    )


def _bulk_codes(cases: list[Case], rows: list[dict[str, Any]]) -> None:
    forms, countries, means = [], [], []
    for case, values in zip(cases, rows, strict=True):
        forms += [
            CaseExploitationForm(case=case, code=code)
            for code in values.get("exploitation_forms") or ()
        ]
        countries += [
            CaseExploitationCountry(case=case, country=country)
            for country in values.get("exploitation_countries") or ()
        ]
        means += [
            CaseControlMeans(case=case, code=code) for code in values.get("control_means") or ()
        ]
    CaseExploitationForm.objects.bulk_create(forms)
    CaseExploitationCountry.objects.bulk_create(countries)
    CaseControlMeans.objects.bulk_create(means)


def _record_decision(case: Case, values: dict[str, Any], context: Context) -> None:
    decision = _decision(case, context)
    if decision is not None:
        decision.save()


def _decision(case: Case, context: Context) -> IdentificationDecision | None:
    if case.identified_on is None or case.identifying_organisation_id is None:
        return None
    return IdentificationDecision(
        case=case,
        decided_on=case.identified_on,
        deciding_organisation_id=case.identifying_organisation_id,
        decided_by=context.actor,
        method=case.identification_method or IdentificationMethod.REACTIVE,
        outcome=IdentificationOutcome.IDENTIFIED,
        note=_("Imported"),
        recorded_at=context.now,
    )


def _identity_cells(case: Case, context: ExportContext) -> dict[str, str]:
    empty = dict.fromkeys(IDENTITY_COLUMNS, "")
    if not context.with_identity:
        return empty
    if not policy.can_reveal_identity(context.actor, case, second_factor_verified=True):
        context.withheld_identities += 1
        return empty
    identity = open_identity(case.person)
    return {name: cell(value) for name, value in identity_values(identity).items()}
