"""The register's operations. Each runs in one transaction and refuses bad input whole.

Views, the API and commands call these after asking ``access.policy``; none of
them writes register rows directly.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.access.models import AccessAction
from lantern.access.services import record_access
from lantern.core.models import (
    CodeEntry,
    Jurisdiction,
    Organisation,
    Questionnaire,
    ScreeningRule,
    User,
)
from lantern.register.hooks import after_registration, deletion_blockers
from lantern.register.identity import Identity, name_digests, open_identity, store_identity
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
    ReferenceSequence,
    Screening,
    ScreeningAnswer,
    ScreeningAnswerValue,
    Seal,
)

ADULT_AGE = 18


class RegisterError(Exception):
    """Input the register refuses; ``errors`` maps each field to messages a person can act on."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        )
        self.errors = errors


class EditConflict(RegisterError):
    """Someone saved the record after this user opened it; nothing was overwritten."""


@dataclass
class Registration:
    """What a registering officer records. Only citizenship and contact channel are required."""

    citizenship: str
    contact_channel: str
    status: str = CaseStatus.PRESUMED
    sex: str = ""
    identity: Identity = field(default_factory=Identity)
    birth_date_precision: str = BirthDatePrecision.UNKNOWN
    birth_year: int | None = None
    birth_month: int | None = None
    estimated_age: int | None = None
    is_child: bool | None = None
    is_unaccompanied: bool = False
    region: str = ""
    has_disability: bool | None = None
    has_children: bool | None = None
    exploitation_forms: list[str] = field(default_factory=list)
    exploitation_countries: list[str] = field(default_factory=list)
    exploitation_scope: str = ""
    exploitation_from: datetime.date | None = None
    exploitation_to: datetime.date | None = None
    recruitment_channel: str = ""
    online_platform: str = ""
    control_means: list[str] = field(default_factory=list)
    # A person already in the register, met again (re-trafficked, or a new episode): the new case
    # is theirs, and their recorded identity and attributes stay as they are.
    returning_person: Person | None = None


class FieldErrors:
    """Problems collected field by field, so that bad input is refused whole with every reason."""

    def __init__(self, error: type[RegisterError] = RegisterError) -> None:
        self.by_field: dict[str, list[str]] = {}
        self.error = error

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise self.error(self.by_field)


# --- References -------------------------------------------------------------------------------


def next_reference(moment: datetime.datetime, *, kind: str = "") -> str:
    """``AZ-2025-000042``: the pack's prefix, the year, a number that never repeats within it.

    Other registers give a ``kind`` (``AC`` for accused persons: ``AZ-AC-2025-000007``) and
    number on their own sequence.
    """
    return reserve_references([moment], kind=kind)[0]


def reserve_references(moments: Sequence[datetime.datetime], *, kind: str = "") -> list[str]:
    """References for records registered at ``moments``, in order: one sequence update per year."""
    country = Jurisdiction.objects.values_list("reference_prefix", flat=True).first() or "XX"
    prefix = f"{country}{kind}"
    kind_part = f"{kind}-" if kind else ""
    years = [timezone.localtime(moment).year for moment in moments]
    next_number: dict[int, int] = {}
    for year, count in sorted(Counter(years).items()):
        try:
            with transaction.atomic():
                sequence, _created = ReferenceSequence.objects.get_or_create(
                    prefix=prefix, year=year
                )
        except IntegrityError:
            sequence = ReferenceSequence.objects.get(prefix=prefix, year=year)
        ReferenceSequence.objects.filter(pk=sequence.pk).update(
            last_number=F("last_number") + count
        )
        sequence.refresh_from_db(fields=["last_number"])
        next_number[year] = sequence.last_number - count + 1
    references = []
    for year in years:
        references.append(f"{country}-{kind_part}{year}-{next_number[year]:06d}")
        next_number[year] += 1
    return references


# --- Ages -------------------------------------------------------------------------------------


def latest_possible_birth_date(person: Person, identity: Identity | None) -> datetime.date | None:
    """The birth date that makes the person youngest; when unsure, Lantern errs towards a child."""
    if identity is not None and identity.birth_date is not None:
        return identity.birth_date
    if person.birth_year is not None and person.birth_month is not None:
        last_day = calendar.monthrange(person.birth_year, person.birth_month)[1]
        return datetime.date(person.birth_year, person.birth_month, last_day)
    if person.birth_year is not None:
        return datetime.date(person.birth_year, 12, 31)
    if person.estimated_age is not None and person.age_estimated_on is not None:
        estimated_on = person.age_estimated_on
        return _years_before(estimated_on, person.estimated_age)
    return None


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# --- Checks -----------------------------------------------------------------------------------


def _active_codes(list_code: str) -> set[str]:
    return set(
        CodeEntry.objects.filter(code_list__code=list_code, is_active=True).values_list(
            "code", flat=True
        )
    )


def _check_code(
    errors: FieldErrors, name: str, list_code: str, value: str, *, required: bool = False
) -> None:
    if not value:
        if required:
            errors.add(name, _("This field is required."))
        return
    if value not in _active_codes(list_code):
        errors.add(name, _("'%(value)s' is not in the list of allowed values.") % {"value": value})


def _check_codes(errors: FieldErrors, name: str, list_code: str, values: Iterable[str]) -> None:
    unknown = sorted(set(values) - _active_codes(list_code))
    if unknown:
        errors.add(
            name,
            _("Not in the list of allowed values: %(values)s.") % {"values": ", ".join(unknown)},
        )


def check_registration(data: Registration, *, today: datetime.date) -> None:
    errors = FieldErrors()
    if data.status not in (CaseStatus.POTENTIAL, CaseStatus.PRESUMED):
        errors.add("status", _("A new case is registered as a potential or presumed victim."))
    _check_code(errors, "citizenship", "countries", data.citizenship, required=True)
    _check_code(errors, "contact_channel", "contact_channels", data.contact_channel, required=True)
    _check_code(errors, "sex", "sexes", data.sex)
    _check_code(errors, "region", "regions", data.region)
    _check_code(errors, "exploitation_scope", "exploitation_scopes", data.exploitation_scope)
    _check_code(errors, "recruitment_channel", "recruitment_channels", data.recruitment_channel)
    _check_code(errors, "online_platform", "ict_platforms", data.online_platform)
    _check_codes(errors, "exploitation_forms", "forms_of_exploitation", data.exploitation_forms)
    _check_codes(errors, "exploitation_countries", "countries", data.exploitation_countries)
    _check_codes(errors, "control_means", "means_of_control", data.control_means)
    for index, document in enumerate(data.identity.documents):
        _check_code(
            errors,
            f"documents.{index}.type",
            "identity_document_types",
            document.type,
            required=True,
        )
        _check_code(
            errors, f"documents.{index}.issuing_country", "countries", document.issuing_country
        )
    _check_birth(errors, data, today)
    _check_exploitation_period(errors, data.exploitation_from, data.exploitation_to, today)
    errors.raise_if_any()


def _check_birth(errors: FieldErrors, data: Registration, today: datetime.date) -> None:
    birth_date = data.identity.birth_date
    if birth_date is not None and birth_date > today:
        errors.add("birth_date", _("The birth date is in the future."))
        return
    if data.birth_year is not None and not 1900 <= data.birth_year <= today.year:
        errors.add("birth_year", _("The birth year must be between 1900 and this year."))
        return
    if data.birth_month is not None and not 1 <= data.birth_month <= 12:
        errors.add("birth_month", _("The birth month must be between 1 and 12."))
        return
    if data.estimated_age is not None and not 0 <= data.estimated_age <= 120:
        errors.add("estimated_age", _("The estimated age must be between 0 and 120."))
        return
    if data.is_child is None:
        return
    person = Person(
        birth_year=data.birth_year,
        birth_month=data.birth_month,
        estimated_age=data.estimated_age,
        age_estimated_on=today,
    )
    youngest = latest_possible_birth_date(person, data.identity)
    if youngest is None:
        return
    is_child = age_on(youngest, today) < ADULT_AGE
    if data.is_child and not is_child:
        errors.add(
            "is_child", _("Marked as a child, but the birth date makes the person an adult.")
        )
    if not data.is_child and is_child:
        errors.add(
            "is_child", _("Marked as an adult, but the birth date makes the person a child.")
        )


def _check_exploitation_period(
    errors: FieldErrors,
    start: datetime.date | None,
    end: datetime.date | None,
    today: datetime.date,
) -> None:
    if start is not None and start > today:
        errors.add("exploitation_from", _("The exploitation period cannot start in the future."))
    if start is not None and end is not None and end < start:
        errors.add("exploitation_to", _("The exploitation period ends before it starts."))


# --- Registration -----------------------------------------------------------------------------


def _first_of_month(day: datetime.date | None) -> datetime.date | None:
    return day.replace(day=1) if day else None


def _apply_birth(person: Person, data: Registration, today: datetime.date) -> None:
    if data.identity.birth_date is not None:
        person.birth_date_precision = BirthDatePrecision.EXACT
        person.birth_year, person.birth_month = (
            data.identity.birth_date.year,
            data.identity.birth_date.month,
        )
    elif data.birth_year is not None:
        person.birth_date_precision = (
            BirthDatePrecision.MONTH if data.birth_month else BirthDatePrecision.YEAR
        )
        person.birth_year, person.birth_month = data.birth_year, data.birth_month
    elif data.estimated_age is not None:
        person.birth_date_precision = BirthDatePrecision.ESTIMATED
        person.estimated_age, person.age_estimated_on = data.estimated_age, today


def derive_flags(case: Case, identity: Identity | None, *, home_country: str | None = None) -> None:
    """Recompute the stored child and unaccompanied-minor flags from what is known now."""
    youngest = latest_possible_birth_date(case.person, identity)
    registered_on = timezone.localdate(case.registered_at)
    case.child_at_registration = (
        youngest is not None and age_on(youngest, registered_on) < ADULT_AGE
    )
    if case.identified_on is not None and youngest is not None:
        case.age_at_identification = max(age_on(youngest, case.identified_on), 0)
        case.child_at_identification = case.age_at_identification < ADULT_AGE
    else:
        case.age_at_identification, case.child_at_identification = None, None
    if home_country is None:
        home_country = Jurisdiction.objects.values_list("country", flat=True).first() or ""
    is_child = (
        case.child_at_identification
        if case.child_at_identification is not None
        else case.child_at_registration
    )
    case.unaccompanied_foreign_minor = bool(
        case.is_unaccompanied and is_child and case.person.citizenship != home_country
    )


@transaction.atomic
def register_presumed_victim(
    *, actor: User, data: Registration, now: datetime.datetime | None = None
) -> Case:
    """Record a person met by ``actor``'s organisation in the special register."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    check_registration(data, today=today)
    organisation = _organisation_of(actor)
    if data.returning_person is not None:
        return _register_case(actor, data, data.returning_person, organisation, moment)
    person = Person(
        reference=next_reference(moment),
        sex=data.sex,
        citizenship=data.citizenship,
        region=data.region,
        has_disability=data.has_disability,
        has_children=data.has_children,
        registering_organisation=organisation,
        registered_at=moment,
    )
    _apply_birth(person, data, today)
    person._history_user = actor  # type: ignore[attr-defined]
    person.save()
    store_identity(person, data.identity)
    return _register_case(actor, data, person, organisation, moment)


def _register_case(
    actor: User,
    data: Registration,
    person: Person,
    organisation: Organisation,
    moment: datetime.datetime,
) -> Case:
    case = Case(
        reference=next_reference(moment),
        person=person,
        status=data.status,
        registering_organisation=organisation,
        registered_by=actor,
        registered_at=moment,
        contact_channel=data.contact_channel,
        exploitation_scope=data.exploitation_scope,
        exploitation_from=_first_of_month(data.exploitation_from),
        exploitation_to=_first_of_month(data.exploitation_to),
        recruitment_channel=data.recruitment_channel,
        online_platform=data.online_platform,
        is_unaccompanied=data.is_unaccompanied,
        updated_at=moment,
    )
    identity = data.identity if data.returning_person is None else open_identity(person)
    derive_flags(case, identity)
    case._history_user = actor  # type: ignore[attr-defined]
    case.save()
    replace_codes(case, data.exploitation_forms, data.exploitation_countries, data.control_means)
    CaseStatusChange.objects.create(
        case=case,
        from_status="",
        to_status=data.status,
        changed_at=moment,
        changed_by=actor,
        organisation=organisation,
        reason=_("Registered"),
    )
    for hook in after_registration:
        hook(case, actor)
    return case


def _organisation_of(actor: User) -> Organisation:
    if actor.organisation is None:
        raise RegisterError(
            {"__all__": [_("Your account belongs to no organisation; ask an administrator.")]}
        )
    return actor.organisation


def replace_codes(
    case: Case, forms: Iterable[str], countries: Iterable[str], control_means: Iterable[str]
) -> None:
    case.exploitation_forms.all().delete()
    case.exploitation_countries.all().delete()
    case.control_means.all().delete()
    CaseExploitationForm.objects.bulk_create(
        [CaseExploitationForm(case=case, code=code) for code in sorted(set(forms))]
    )
    CaseExploitationCountry.objects.bulk_create(
        [CaseExploitationCountry(case=case, country=country) for country in sorted(set(countries))]
    )
    CaseControlMeans.objects.bulk_create(
        [CaseControlMeans(case=case, code=code) for code in sorted(set(control_means))]
    )


# --- Editing ----------------------------------------------------------------------------------


def _lock_for_edit(case: Case, expected_version: int) -> Case:
    """Lock the case row; refuse if anyone saved it since the user read ``expected_version``."""
    locked = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if locked.version != expected_version:
        raise EditConflict(
            {
                "version": [
                    _(
                        "Someone else saved this case after you opened it. Reload the page to see "
                        "their changes; nothing of yours was saved."
                    )
                ]
            }
        )
    return locked


CASE_FIELDS = (
    "contact_channel",
    "exploitation_scope",
    "exploitation_from",
    "exploitation_to",
    "recruitment_channel",
    "online_platform",
    "is_unaccompanied",
)
PERSON_FIELDS = ("sex", "citizenship", "region", "has_disability", "has_children")


@transaction.atomic
def update_case(*, actor: User, case: Case, expected_version: int, changes: dict[str, Any]) -> Case:
    """Change the non-identifying record of a case, unless someone saved it since ``expected_version``."""
    moment = timezone.now()
    locked = _lock_for_edit(case, expected_version)
    merged = _merged_registration(locked, changes)
    check_registration(merged, today=timezone.localdate(moment))
    person = locked.person
    for name in PERSON_FIELDS:
        if name in changes:
            setattr(person, name, changes[name])
    person.version += 1
    person._history_user = actor  # type: ignore[attr-defined]
    person.save()
    for name in CASE_FIELDS:
        if name in changes:
            value = changes[name]
            setattr(
                locked,
                name,
                _first_of_month(value)
                if name.startswith("exploitation_") and name != "exploitation_scope"
                else value,
            )
    if {"exploitation_forms", "exploitation_countries", "control_means"} & changes.keys():
        replace_codes(
            locked, merged.exploitation_forms, merged.exploitation_countries, merged.control_means
        )
    locked.version += 1
    locked.updated_at = moment
    derive_flags(locked, open_identity(person))
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save()
    return locked


def _merged_registration(case: Case, changes: dict[str, Any]) -> Registration:
    person = case.person

    def current(name: str, stored: Any) -> Any:
        return changes.get(name, stored)

    return Registration(
        citizenship=current("citizenship", person.citizenship),
        contact_channel=current("contact_channel", case.contact_channel),
        status=CaseStatus.PRESUMED,
        sex=current("sex", person.sex),
        region=current("region", person.region),
        exploitation_scope=current("exploitation_scope", case.exploitation_scope),
        exploitation_from=current("exploitation_from", case.exploitation_from),
        exploitation_to=current("exploitation_to", case.exploitation_to),
        recruitment_channel=current("recruitment_channel", case.recruitment_channel),
        online_platform=current("online_platform", case.online_platform),
        exploitation_forms=current(
            "exploitation_forms", list(case.exploitation_forms.values_list("code", flat=True))
        ),
        exploitation_countries=current(
            "exploitation_countries",
            list(case.exploitation_countries.values_list("country", flat=True)),
        ),
        control_means=current(
            "control_means", list(case.control_means.values_list("code", flat=True))
        ),
    )


# --- Identification ---------------------------------------------------------------------------


@dataclass
class DecisionInput:
    decided_on: datetime.date | None
    deciding_organisation: Organisation | None
    method: str
    outcome: str
    note: str = ""


def check_decision(
    case: Case, decision: DecisionInput, *, today: datetime.date
) -> tuple[datetime.date, Organisation]:
    """Refuse an incomplete or impossible decision; return its date and deciding organisation."""
    errors = FieldErrors()
    if decision.decided_on is None:
        errors.add("decided_on", _("Give the date of the decision."))
    elif decision.decided_on > today:
        errors.add("decided_on", _("The decision date is in the future."))
    elif decision.decided_on < timezone.localdate(case.registered_at):
        errors.add("decided_on", _("The decision date is before the case was registered."))
    if decision.deciding_organisation is None:
        errors.add("deciding_organisation", _("Name the organisation that decided."))
    if decision.method not in IdentificationMethod.values:
        errors.add("method", _("Say whether the identification was proactive or reactive."))
    if decision.outcome not in IdentificationOutcome.values:
        errors.add("outcome", _("Say whether the person was identified as a victim."))
    if case.status == CaseStatus.CLOSED:
        errors.add("__all__", _("The case is closed; reopen it before recording a decision."))
    errors.raise_if_any()
    if decision.decided_on is None or decision.deciding_organisation is None:
        raise RegisterError(errors.by_field)
    return decision.decided_on, decision.deciding_organisation


@transaction.atomic
def record_identification_decision(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    decision: DecisionInput,
    now: datetime.datetime | None = None,
) -> IdentificationDecision:
    moment = now or timezone.now()
    locked = _lock_for_edit(case, expected_version)
    decided_on, deciding_organisation = check_decision(
        locked, decision, today=timezone.localdate(moment)
    )
    recorded = IdentificationDecision.objects.create(
        case=locked,
        decided_on=decided_on,
        deciding_organisation=deciding_organisation,
        decided_by=actor,
        method=decision.method,
        outcome=decision.outcome,
        note=decision.note,
        recorded_at=moment,
    )
    new_status = (
        CaseStatus.IDENTIFIED
        if decision.outcome == IdentificationOutcome.IDENTIFIED
        else CaseStatus.NOT_IDENTIFIED
    )
    if decision.outcome == IdentificationOutcome.IDENTIFIED:
        locked.identified_on = decided_on
        locked.identifying_organisation = deciding_organisation
        locked.identification_method = decision.method
    else:
        locked.identified_on, locked.identifying_organisation, locked.identification_method = (
            None,
            None,
            "",
        )
    _set_status(locked, new_status, actor=actor, reason=_("Identification decision"), moment=moment)
    derive_flags(locked, open_identity(locked.person))
    locked.version += 1
    locked.updated_at = moment
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save()
    return recorded


def _set_status(
    case: Case, status: str, *, actor: User, reason: str, moment: datetime.datetime
) -> None:
    if case.status == status:
        return
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=status,
        changed_at=moment,
        changed_by=actor,
        organisation=_organisation_of(actor),
        reason=reason,
    )
    case.status = status


@transaction.atomic
def change_status(
    *, actor: User, case: Case, expected_version: int, status: str, reason: str
) -> Case:
    """Move a case along its status ladder by hand (e.g. close it), with the reason on record."""
    moment = timezone.now()
    locked = _lock_for_edit(case, expected_version)
    errors = FieldErrors()
    if status not in (CaseStatus.POTENTIAL, CaseStatus.PRESUMED, CaseStatus.CLOSED):
        errors.add(
            "status", _("Identification is recorded as a decision, not by changing the status.")
        )
    if not reason.strip():
        errors.add("reason", _("Give the reason for the change."))
    errors.raise_if_any()
    _set_status(locked, status, actor=actor, reason=reason.strip(), moment=moment)
    locked.version += 1
    locked.updated_at = moment
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save()
    return locked


# --- Identity ---------------------------------------------------------------------------------


@transaction.atomic
def reveal_identity(
    *, actor: User, case: Case, reason_code: str, reason_text: str, client_address: str | None
) -> Identity:
    """Open a person's identity for ``actor``, who has said why; the reveal is logged first."""
    errors = FieldErrors()
    _check_code(errors, "reason_code", "reveal_reasons", reason_code, required=True)
    if reason_code == "other" and not reason_text.strip():
        errors.add("reason_text", _("Explain the reason."))
    errors.raise_if_any()
    identity = open_identity(case.person)
    record_access(
        actor=actor,
        action=AccessAction.REVEAL_IDENTITY,
        person_reference=case.person.reference,
        case_reference=case.reference,
        fields=_filled_fields(identity),
        reason_code=reason_code,
        reason_text=reason_text.strip(),
        client_address=client_address,
    )
    return identity


def _filled_fields(identity: Identity) -> list[str]:
    payload = identity.as_payload()
    return [name for name, value in payload.items() if value]


def record_refused_reveal(*, actor: User, case: Case, why: str, client_address: str | None) -> None:
    record_access(
        actor=actor,
        action=AccessAction.REVEAL_REFUSED,
        person_reference=case.person.reference,
        case_reference=case.reference,
        detail=why,
        client_address=client_address,
    )


@transaction.atomic
def change_identity(
    *, actor: User, case: Case, identity: Identity, client_address: str | None
) -> None:
    """Replace a person's identity. History says it changed, never what it was."""
    registration = Registration(
        citizenship=case.person.citizenship, contact_channel=case.contact_channel, identity=identity
    )
    today = timezone.localdate()
    check_registration(registration, today=today)
    person = case.person
    if identity.birth_date is not None:
        _apply_birth(person, registration, today)
        person.version += 1
        person._history_user = actor  # type: ignore[attr-defined]
        person.save()
    store_identity(person, identity)
    record_access(
        actor=actor,
        action=AccessAction.EDIT_IDENTITY,
        person_reference=case.person.reference,
        case_reference=case.reference,
        fields=_filled_fields(identity),
        client_address=client_address,
    )
    derive_flags(case, identity)
    case.save(
        update_fields=[
            "child_at_registration",
            "child_at_identification",
            "age_at_identification",
            "unaccompanied_foreign_minor",
        ]
    )


def persons_named(text: str, persons: QuerySet[Person]) -> QuerySet[Person]:
    """Persons whose names contain every name in ``text`` (any alphabet), found by blind index alone."""
    digests = name_digests(text)
    if not digests:
        return persons.none()
    for digest in digests:
        persons = persons.filter(
            pk__in=NameIndexEntry.objects.filter(digest=digest).values("person_id")
        )
    return persons


def unsealed_for(organisation_id: int | None, persons: QuerySet[Person]) -> QuerySet[Person]:
    """Leave out persons under a seal that does not name ``organisation_id``."""
    blocked = Seal.objects.filter(lifted_at__isnull=True)
    if organisation_id is not None:
        blocked = blocked.exclude(permitted_organisations__id=organisation_id)
    return persons.exclude(pk__in=blocked.values("person_id"))


# --- Seals ------------------------------------------------------------------------------------


@dataclass
class SealInput:
    authority: str
    decision_number: str
    decision_date: datetime.date | None
    scope: str
    permitted_organisations: list[Organisation]


def check_seal(data: SealInput) -> datetime.date:
    """Refuse an incomplete seal; return the decision date."""
    errors = FieldErrors()
    if not data.authority.strip():
        errors.add("authority", _("Name the court or prosecution body that decided."))
    if not data.decision_number.strip():
        errors.add("decision_number", _("Give the number of the decision."))
    if data.decision_date is None:
        errors.add("decision_date", _("Give the date of the decision."))
    elif data.decision_date > timezone.localdate():
        errors.add("decision_date", _("The decision date is in the future."))
    if not data.scope.strip():
        errors.add("scope", _("Say what the decision covers."))
    errors.raise_if_any()
    if data.decision_date is None:
        raise RegisterError(errors.by_field)
    return data.decision_date


@transaction.atomic
def record_seal(*, actor: User, person: Person, data: SealInput) -> Seal:
    decision_date = check_seal(data)
    seal_record = Seal.objects.create(
        person=person,
        authority=data.authority.strip(),
        decision_number=data.decision_number.strip(),
        decision_date=decision_date,
        scope=data.scope.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    seal_record.permitted_organisations.set(data.permitted_organisations)
    return seal_record


@transaction.atomic
def lift_seal(*, actor: User, seal_record: Seal, decision: str) -> Seal:
    if not decision.strip():
        raise RegisterError({"lifting_decision": [_("Give the decision that lifts the seal.")]})
    if seal_record.lifted_at is not None:
        raise RegisterError({"__all__": [_("This seal was already lifted.")]})
    seal_record.lifted_at = timezone.now()
    seal_record.lifted_by = actor
    seal_record.lifting_decision = decision.strip()
    seal_record.save(update_fields=["lifted_at", "lifted_by", "lifting_decision"])
    return seal_record


# --- Screening --------------------------------------------------------------------------------


def screening_result(
    rules: Iterable[ScreeningRule], counts: dict[str, int]
) -> tuple[ScreeningRule, str]:
    """The first rule whose alternatives the counts meet, and the alternative that met it, in words."""
    for rule in rules:
        if not rule.when_any:
            return rule, "otherwise"
        for alternative in rule.when_any:
            if all(counts.get(name, 0) >= minimum for name, minimum in alternative.items()):
                return rule, " and ".join(
                    f"{name} ≥ {minimum}" for name, minimum in sorted(alternative.items())
                )
    raise RegisterError(
        {"__all__": [_("The questionnaire has no result for these answers; check the pack.")]}
    )


@transaction.atomic
def record_screening(
    *, actor: User, case: Case, questionnaire: Questionnaire, answers: dict[str, str]
) -> Screening:
    """Record the answers to an indicator questionnaire and the result its rules give."""
    questions = {
        question.code: question
        for question in questionnaire.questions.filter(is_active=True).select_related("category")
    }
    errors = FieldErrors()
    for code in sorted(set(answers) - set(questions)):
        errors.add(code, _("Not a question of this questionnaire."))
    for code, value in answers.items():
        if code in questions and value not in ScreeningAnswerValue.values:
            errors.add(code, _("Answer yes, no or unknown."))
    if not answers:
        errors.add("__all__", _("Answer at least one question."))
    errors.raise_if_any()
    yes = [questions[code] for code, value in answers.items() if value == ScreeningAnswerValue.YES]
    counts = {
        "strong": sum(question.strength == "strong" for question in yes),
        "medium": sum(question.strength == "medium" for question in yes),
        "weak": sum(question.strength == "weak" for question in yes),
        "categories": len({question.category_id for question in yes}),
    }
    rule, reason = screening_result(questionnaire.rules.order_by("position"), counts)
    screening = Screening.objects.create(
        case=case,
        questionnaire=questionnaire,
        screened_by=actor,
        organisation=_organisation_of(actor),
        screened_at=timezone.now(),
        result=rule.code,
        rule=f"{rule.code}: {reason}",
        strong_yes=counts["strong"],
        medium_yes=counts["medium"],
        weak_yes=counts["weak"],
        categories_yes=counts["categories"],
    )
    ScreeningAnswer.objects.bulk_create(
        [
            ScreeningAnswer(screening=screening, question=questions[code], answer=value)
            for code, value in sorted(answers.items())
        ]
    )
    return screening


# --- Deletion ---------------------------------------------------------------------------------


def check_deletion(case: Case) -> list[str]:
    """Why ``case`` must be kept: one message per record elsewhere that relies on it."""
    return [message for blocker in deletion_blockers for message in blocker(case)]


@transaction.atomic
def delete_case(*, actor: User, case: Case, reason: str, client_address: str | None) -> None:
    """Delete a case registered in error, and its person if no other case or seal keeps them.

    Refused whole while anything else relies on the case: a criminal case, a payment, a stay.
    The access log keeps the references, the reason and who deleted it.
    """
    if not reason.strip():
        raise RegisterError({"reason": [_("Give the reason for deleting the case.")]})
    blockers = check_deletion(case)
    if blockers:
        raise RegisterError({"__all__": blockers})
    person = case.person
    case_reference, person_reference = case.reference, person.reference
    try:
        with transaction.atomic():
            case._history_user = actor  # type: ignore[attr-defined]
            case.delete()
    except ProtectedError as protected:
        kinds = sorted({str(record._meta.verbose_name) for record in protected.protected_objects})
        raise RegisterError(
            {
                "__all__": [
                    _("The case cannot be deleted while these records rely on it: %(kinds)s.")
                    % {"kinds": ", ".join(kinds)}
                ]
            }
        ) from None
    if not person.cases.exists() and not person.seals.exists():
        person._history_user = actor  # type: ignore[attr-defined]
        person.delete()
    record_access(
        actor=actor,
        action=AccessAction.DELETE_CASE,
        person_reference=person_reference,
        case_reference=case_reference,
        reason_text=reason.strip(),
        client_address=client_address,
    )
