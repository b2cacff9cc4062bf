"""Recording criminal proceedings. Each operation runs in one transaction and refuses bad input whole.

Views and the API ask ``access.policy`` first; these functions check the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.access.models import AccessAction
from lantern.access.services import record_access
from lantern.access.vault import seal, unseal
from lantern.core.models import CodeEntry, Organisation, OrganisationKind, User
from lantern.justice.models import (
    AccusedIdentity,
    AccusedNameIndexEntry,
    AccusedPerson,
    Conviction,
    ConvictionArticle,
    CourtInstance,
    CriminalCase,
    CriminalCaseAccused,
    CriminalCaseArticle,
    CriminalCaseForm,
    CriminalCaseStatus,
    CriminalCaseStatusChange,
    CriminalCaseVictim,
    DetectedFact,
    ExtraditionRequest,
    FactPlatform,
    FactVictim,
    Judgment,
    JudgmentAggravation,
    ProceduralRole,
    VictimRole,
    WantedNotice,
    WantedScope,
)
from lantern.register.identity import Identity, name_digests
from lantern.register.models import Case
from lantern.register.services import FieldErrors, RegisterError, next_reference

T = TypeVar("T")

# Which status may follow which; suspended cases resume, terminated and final ones are closed.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    CriminalCaseStatus.INVESTIGATION: frozenset(
        {
            CriminalCaseStatus.SENT_TO_COURT,
            CriminalCaseStatus.SUSPENDED,
            CriminalCaseStatus.TERMINATED,
        }
    ),
    CriminalCaseStatus.SUSPENDED: frozenset(
        {CriminalCaseStatus.INVESTIGATION, CriminalCaseStatus.TERMINATED}
    ),
    CriminalCaseStatus.SENT_TO_COURT: frozenset(
        {
            CriminalCaseStatus.JUDGMENT,
            CriminalCaseStatus.INVESTIGATION,
            CriminalCaseStatus.TERMINATED,
        }
    ),
    CriminalCaseStatus.JUDGMENT: frozenset({CriminalCaseStatus.APPEAL, CriminalCaseStatus.FINAL}),
    CriminalCaseStatus.APPEAL: frozenset(
        {CriminalCaseStatus.JUDGMENT, CriminalCaseStatus.FINAL, CriminalCaseStatus.SENT_TO_COURT}
    ),
    CriminalCaseStatus.FINAL: frozenset(),
    CriminalCaseStatus.TERMINATED: frozenset(),
}
STATUSES_NEEDING_REASON = frozenset({CriminalCaseStatus.SUSPENDED, CriminalCaseStatus.TERMINATED})
# Sentences whose length is part of the sentence (GRETA Table 10 counts them by duration band).
SENTENCES_WITH_DURATION = frozenset({"custodial", "suspended"})
LONGEST_SENTENCE_MONTHS = 25 * 12


class JusticeError(RegisterError):
    """Proceedings data Lantern refuses; ``errors`` maps fields to messages."""


def _errors() -> FieldErrors:
    """Problems of proceedings data, refused as a JusticeError."""
    return FieldErrors(JusticeError)


def _check_codes(
    errors: FieldErrors, name: str, list_code: str, values: Iterable[str], *, required: bool
) -> None:
    values = [value for value in values if value]
    if required and not values:
        errors.add(name, _("Choose a value from the list."))
        return
    known = set(
        CodeEntry.objects.filter(
            code_list__code=list_code, code__in=values, is_active=True
        ).values_list("code", flat=True)
    )
    for value in values:
        if value not in known:
            errors.add(
                name, _("'%(value)s' is not in the list of allowed values.") % {"value": value}
            )


def _check_past(
    errors: FieldErrors, name: str, day: datetime.date | None, *, required: bool
) -> None:
    if day is None:
        if required:
            errors.add(name, _("Give the date."))
        return
    if day > timezone.localdate():
        errors.add(name, _("The date is in the future."))


def _given(value: T | None) -> T:
    """A value the checks above have already required; narrows the type for what follows."""
    if value is None:
        raise JusticeError({"__all__": [_("A required value is missing.")]})
    return value


def _organisation_of(actor: User) -> Organisation:
    if actor.organisation is None:
        raise JusticeError(
            {"__all__": [_("Your account belongs to no organisation; ask an administrator.")]}
        )
    return actor.organisation


# --- Criminal cases -----------------------------------------------------------------------------


@dataclass
class CriminalCaseInput:
    number: str
    initiated_on: datetime.date | None
    articles: list[str]
    forms: list[str] = field(default_factory=list)
    initiating_organisation: Organisation | None = None


@transaction.atomic
def open_criminal_case(*, actor: User, data: CriminalCaseInput) -> CriminalCase:
    organisation = data.initiating_organisation or _organisation_of(actor)
    errors = _errors()
    number = data.number.strip()
    if not number:
        errors.add("number", _("Give the criminal case number."))
    elif CriminalCase.objects.filter(number=number).exists():
        errors.add(
            "number", _("Criminal case %(number)s is already recorded.") % {"number": number}
        )
    _check_past(errors, "initiated_on", data.initiated_on, required=True)
    _check_codes(errors, "articles", "criminal_code_articles", data.articles, required=True)
    _check_codes(errors, "forms", "forms_of_exploitation", data.forms, required=False)
    if organisation.kind not in (OrganisationKind.SPECIALISED_POLICE, OrganisationKind.PROSECUTION):
        errors.add(
            "initiating_organisation",
            _("Criminal cases are initiated by the police or the prosecution."),
        )
    errors.raise_if_any()
    initiated_on = _given(data.initiated_on)
    moment = timezone.now()
    criminal_case = CriminalCase(
        number=number,
        initiating_organisation=organisation,
        initiated_on=initiated_on,
        recorded_by=actor,
        recorded_at=moment,
    )
    criminal_case._history_user = actor  # type: ignore[attr-defined]
    criminal_case.save()
    CriminalCaseArticle.objects.bulk_create(
        [
            CriminalCaseArticle(criminal_case=criminal_case, code=code)
            for code in sorted(set(data.articles))
        ]
    )
    CriminalCaseForm.objects.bulk_create(
        [
            CriminalCaseForm(criminal_case=criminal_case, code=code)
            for code in sorted(set(data.forms))
        ]
    )
    CriminalCaseStatusChange.objects.create(
        criminal_case=criminal_case,
        to_status=CriminalCaseStatus.INVESTIGATION,
        changed_on=initiated_on,
        reason=_("Initiated"),
        changed_by=actor,
        recorded_at=moment,
    )
    return criminal_case


def _lock(criminal_case: CriminalCase, expected_version: int | None) -> CriminalCase:
    locked = CriminalCase.objects.select_for_update().get(pk=criminal_case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise JusticeError(
            {
                "version": [
                    _(
                        "Someone else changed this criminal case after you opened it. Reload the "
                        "page; nothing of yours was saved."
                    )
                ]
            }
        )
    return locked


def _move(
    locked: CriminalCase, to_status: str, *, actor: User, on: datetime.date, reason: str
) -> None:
    CriminalCaseStatusChange.objects.create(
        criminal_case=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_on=on,
        reason=reason,
        changed_by=actor,
        recorded_at=timezone.now(),
    )
    locked.status = to_status
    if to_status == CriminalCaseStatus.SENT_TO_COURT and locked.sent_to_court_on is None:
        locked.sent_to_court_on = on
    if to_status in STATUSES_NEEDING_REASON:
        locked.status_reason = reason
    locked.version += 1
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save()


@transaction.atomic
def change_status(
    *,
    actor: User,
    criminal_case: CriminalCase,
    expected_version: int | None,
    to_status: str,
    on: datetime.date | None,
    reason: str = "",
) -> CriminalCase:
    locked = _lock(criminal_case, expected_version)
    errors = _errors()
    allowed = NEXT_STATUSES.get(locked.status, frozenset())
    if to_status not in allowed:
        errors.add(
            "to_status",
            _("A case that is '%(current)s' cannot become '%(next)s'.")
            % {
                "current": CriminalCaseStatus(locked.status).label,
                "next": CriminalCaseStatus(to_status).label
                if to_status in CriminalCaseStatus.values
                else to_status,
            },
        )
    if to_status == CriminalCaseStatus.JUDGMENT:
        errors.add("to_status", _("Record the judgment itself; the status follows from it."))
    _check_past(errors, "on", on, required=True)
    if on is not None and on < locked.initiated_on:
        errors.add("on", _("The date is before the case was initiated."))
    if to_status in STATUSES_NEEDING_REASON and not reason.strip():
        errors.add("reason", _("Give the reason."))
    if to_status == CriminalCaseStatus.SENT_TO_COURT and not locked.accused.exists():
        errors.add("to_status", _("A case goes to court against someone: add the accused first."))
    errors.raise_if_any()
    on = _given(on)
    _move(locked, to_status, actor=actor, on=on, reason=reason.strip())
    if to_status == CriminalCaseStatus.SENT_TO_COURT:
        locked.accused.filter(role=ProceduralRole.ACCUSED).update(sent_to_court=True)
    return locked


@transaction.atomic
def link_victim(
    *, actor: User, criminal_case: CriminalCase, case: Case, role: str = VictimRole.VICTIM
) -> CriminalCaseVictim:
    if role not in VictimRole.values:
        raise JusticeError({"role": [_("Choose a value from the list.")]})
    if CriminalCaseVictim.objects.filter(criminal_case=criminal_case, case=case).exists():
        raise JusticeError(
            {
                "case": [
                    _("Case %(case)s is already part of criminal case %(number)s.")
                    % {"case": case.reference, "number": criminal_case.number}
                ]
            }
        )
    return CriminalCaseVictim.objects.create(
        criminal_case=criminal_case,
        case=case,
        role=role,
        linked_at=timezone.now(),
        linked_by=actor,
    )


# --- Accused persons ----------------------------------------------------------------------------


@dataclass
class AccusedInput:
    identity: Identity
    citizenship: str
    sex: str = ""
    birth_year: int | None = None


def _birth_columns(data: AccusedInput) -> tuple[int | None, int | None]:
    """Year and month are analytic columns; the exact day stays in the vault."""
    if data.identity.birth_date is not None:
        return data.identity.birth_date.year, data.identity.birth_date.month
    return data.birth_year, None


def _check_accused(data: AccusedInput) -> None:
    errors = _errors()
    if not (data.identity.family_name.strip() or data.identity.given_name.strip()):
        errors.add("family_name", _("Give at least one name."))
    _check_codes(errors, "citizenship", "countries", [data.citizenship], required=True)
    if data.sex:
        _check_codes(errors, "sex", "sexes", [data.sex], required=False)
    today = timezone.localdate()
    if data.identity.birth_date is not None and data.identity.birth_date > today:
        errors.add("birth_date", _("The date is in the future."))
    if data.birth_year is not None and not (today.year - 120 <= data.birth_year <= today.year):
        errors.add(
            "birth_year",
            _("Give a year between %(low)s and %(high)s.")
            % {"low": today.year - 120, "high": today.year},
        )
    errors.raise_if_any()


def store_accused_identity(accused: AccusedPerson, identity: Identity) -> None:
    key_id, sealed = seal(identity.as_payload(), binding=accused.reference)
    AccusedIdentity.objects.update_or_create(
        accused=accused, defaults={"key_id": key_id, "sealed": sealed, "updated_at": timezone.now()}
    )
    AccusedNameIndexEntry.objects.filter(accused=accused).delete()
    digests = set(name_digests(identity.searchable_text()))
    AccusedNameIndexEntry.objects.bulk_create(
        [AccusedNameIndexEntry(accused=accused, digest=digest) for digest in sorted(digests)]
    )


@transaction.atomic
def record_accused(*, actor: User, data: AccusedInput) -> AccusedPerson:
    """A suspect or accused person: analytic columns in the open, the identity sealed."""
    organisation = _organisation_of(actor)
    _check_accused(data)
    moment = timezone.now()
    birth_year, birth_month = _birth_columns(data)
    accused = AccusedPerson(
        reference=next_reference(moment, kind="AC"),
        sex=data.sex,
        birth_year=birth_year,
        birth_month=birth_month,
        citizenship=data.citizenship,
        recording_organisation=organisation,
        recorded_by=actor,
        recorded_at=moment,
    )
    accused._history_user = actor  # type: ignore[attr-defined]
    accused.save()
    store_accused_identity(accused, data.identity)
    return accused


@transaction.atomic
def link_accused(
    *,
    actor: User,
    criminal_case: CriminalCase,
    accused: AccusedPerson,
    role: str = ProceduralRole.ACCUSED,
) -> CriminalCaseAccused:
    if role not in ProceduralRole.values:
        raise JusticeError({"role": [_("Choose a value from the list.")]})
    if CriminalCaseAccused.objects.filter(criminal_case=criminal_case, accused=accused).exists():
        raise JusticeError(
            {
                "accused": [
                    _("%(accused)s is already part of criminal case %(number)s.")
                    % {"accused": accused.reference, "number": criminal_case.number}
                ]
            }
        )
    return CriminalCaseAccused.objects.create(
        criminal_case=criminal_case,
        accused=accused,
        role=role,
        sent_to_court=criminal_case.sent_to_court_on is not None and role == ProceduralRole.ACCUSED,
        linked_at=timezone.now(),
    )


def open_accused_identity(accused: AccusedPerson) -> Identity:
    record = AccusedIdentity.objects.filter(accused=accused).first()
    if record is None:
        return Identity()
    return Identity.from_payload(
        unseal(record.key_id, bytes(record.sealed), binding=accused.reference)
    )


@transaction.atomic
def reveal_accused_identity(
    *,
    actor: User,
    accused: AccusedPerson,
    reason_code: str,
    reason_text: str,
    client_address: str | None,
) -> Identity:
    """Open an accused person's identity for ``actor``, who said why; logged before it is shown."""
    errors = _errors()
    _check_codes(errors, "reason_code", "reveal_reasons", [reason_code], required=True)
    if reason_code == "other" and not reason_text.strip():
        errors.add("reason_text", _("Explain the reason."))
    errors.raise_if_any()
    identity = open_accused_identity(accused)
    record_access(
        actor=actor,
        action=AccessAction.REVEAL_IDENTITY,
        person_reference=accused.reference,
        fields=[name for name, value in identity.as_payload().items() if value],
        reason_code=reason_code,
        reason_text=reason_text.strip(),
        client_address=client_address,
    )
    return identity


def record_refused_accused_reveal(
    *, actor: User, accused: AccusedPerson, client_address: str | None
) -> None:
    record_access(
        actor=actor,
        action=AccessAction.REVEAL_REFUSED,
        person_reference=accused.reference,
        detail="refused by the access policy",
        client_address=client_address,
    )


def accused_named(text: str, accused: QuerySet[AccusedPerson]) -> QuerySet[AccusedPerson]:
    """Accused persons whose names contain every name in ``text``, by blind index alone."""
    digests = name_digests(text)
    if not digests:
        return accused.none()
    for digest in digests:
        accused = accused.filter(
            pk__in=AccusedNameIndexEntry.objects.filter(digest=digest).values("accused_id")
        )
    return accused


# --- Wanted persons -----------------------------------------------------------------------------


@dataclass
class WantedInput:
    scope: str
    offence: str
    listed_on: datetime.date | None
    believed_country: str = ""
    interpol_notice: str = ""


@transaction.atomic
def put_on_wanted_list(*, actor: User, accused: AccusedPerson, data: WantedInput) -> WantedNotice:
    errors = _errors()
    if data.scope not in WantedScope.values:
        errors.add("scope", _("Choose a value from the list."))
    _check_codes(errors, "offence", "wanted_offences", [data.offence], required=True)
    _check_past(errors, "listed_on", data.listed_on, required=True)
    if data.believed_country:
        _check_codes(
            errors, "believed_country", "countries", [data.believed_country], required=False
        )
    if data.scope == WantedScope.INTERNATIONAL and not data.interpol_notice.strip():
        errors.add(
            "interpol_notice", _("Give the Interpol notice (for example, a red notice number).")
        )
    if accused.wanted.filter(
        scope=data.scope, detained_on__isnull=True, withdrawn_on__isnull=True
    ).exists():
        errors.add("scope", _("This person is already on that wanted list."))
    errors.raise_if_any()
    listed_on = _given(data.listed_on)
    return WantedNotice.objects.create(
        accused=accused,
        scope=data.scope,
        offence=data.offence,
        interpol_notice=data.interpol_notice.strip(),
        believed_country=data.believed_country,
        listed_on=listed_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def record_detention(
    *,
    actor: User,
    notice: WantedNotice,
    detained_on: datetime.date | None,
    handed_to_prosecution: bool,
) -> WantedNotice:
    errors = _errors()
    _check_past(errors, "detained_on", detained_on, required=True)
    if detained_on is not None and detained_on < notice.listed_on:
        errors.add("detained_on", _("The date is before the person was put on the wanted list."))
    if notice.detained_on is not None:
        errors.add("detained_on", _("The detention is already recorded."))
    errors.raise_if_any()
    notice.detained_on = detained_on
    notice.handed_to_prosecution = handed_to_prosecution
    notice.save(update_fields=["detained_on", "handed_to_prosecution"])
    return notice


@transaction.atomic
def record_extradition_request(
    *, actor: User, notice: WantedNotice, requested_country: str, sent_on: datetime.date | None
) -> ExtraditionRequest:
    errors = _errors()
    _check_codes(errors, "requested_country", "countries", [requested_country], required=True)
    _check_past(errors, "sent_on", sent_on, required=True)
    if sent_on is not None and sent_on < notice.listed_on:
        errors.add("sent_on", _("The date is before the person was put on the wanted list."))
    errors.raise_if_any()
    sent_on = _given(sent_on)
    return ExtraditionRequest.objects.create(
        notice=notice,
        requested_country=requested_country,
        sent_on=sent_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


# --- Detected facts -----------------------------------------------------------------------------


@dataclass
class FactInput:
    fact_type: str
    detected_on: datetime.date | None
    through_ict: bool = False
    platforms: list[str] = field(default_factory=list)
    victim_cases: list[Case] = field(default_factory=list)
    criminal_case: CriminalCase | None = None


@transaction.atomic
def record_fact(*, actor: User, data: FactInput) -> DetectedFact:
    organisation = _organisation_of(actor)
    errors = _errors()
    _check_codes(errors, "fact_type", "fact_types", [data.fact_type], required=True)
    _check_past(errors, "detected_on", data.detected_on, required=True)
    if data.through_ict:
        _check_codes(errors, "platforms", "ict_platforms", data.platforms, required=True)
    elif data.platforms:
        errors.add("platforms", _("Platforms are given only for a fact committed online."))
    errors.raise_if_any()
    detected_on = _given(data.detected_on)
    moment = timezone.now()
    fact = DetectedFact.objects.create(
        reference=next_reference(moment, kind="FA"),
        fact_type=data.fact_type,
        detected_on=detected_on,
        detecting_organisation=organisation,
        through_ict=data.through_ict,
        criminal_case=data.criminal_case,
        recorded_by=actor,
        recorded_at=moment,
    )
    FactPlatform.objects.bulk_create(
        [FactPlatform(fact=fact, code=code) for code in sorted(set(data.platforms))]
    )
    FactVictim.objects.bulk_create(
        [
            FactVictim(fact=fact, case=case)
            for case in {case.pk: case for case in data.victim_cases}.values()
        ]
    )
    return fact


# --- Judgments ----------------------------------------------------------------------------------


@dataclass
class ConvictionInput:
    accused: AccusedPerson
    articles: list[str]
    form_of_exploitation: str
    sentence_type: str
    duration_months: int | None = None
    child_victim: bool = False
    property_confiscated: bool = False
    legal_person_liable: bool = False


@dataclass
class JudgmentInput:
    court: Organisation | None
    number: str
    delivered_on: datetime.date | None
    instance: str = CourtInstance.FIRST
    is_final: bool = False
    aggravating_circumstances: list[str] = field(default_factory=list)
    convictions: list[ConvictionInput] = field(default_factory=list)


def _check_judgment(criminal_case: CriminalCase, data: JudgmentInput) -> None:
    errors = _errors()
    if data.court is None or data.court.kind != OrganisationKind.COURT:
        errors.add("court", _("Choose the court."))
    number = data.number.strip()
    if not number:
        errors.add("number", _("Give the judgment's case number."))
    elif (
        data.court is not None and Judgment.objects.filter(court=data.court, number=number).exists()
    ):
        errors.add(
            "number",
            _("This court's judgment %(number)s is already recorded.") % {"number": number},
        )
    _check_past(errors, "delivered_on", data.delivered_on, required=True)
    if data.delivered_on is not None and data.delivered_on < criminal_case.initiated_on:
        errors.add("delivered_on", _("The date is before the case was initiated."))
    if data.instance not in CourtInstance.values:
        errors.add("instance", _("Choose a value from the list."))
    if criminal_case.status not in (
        CriminalCaseStatus.SENT_TO_COURT,
        CriminalCaseStatus.JUDGMENT,
        CriminalCaseStatus.APPEAL,
    ):
        errors.add(
            "__all__",
            _("A judgment is recorded once the case has been sent to court (it is '%(status)s').")
            % {"status": CriminalCaseStatus(criminal_case.status).label},
        )
    _check_codes(
        errors,
        "aggravating_circumstances",
        "aggravating_circumstances",
        data.aggravating_circumstances,
        required=False,
    )
    _check_convictions(errors, criminal_case, data.convictions)
    errors.raise_if_any()


def _check_convictions(
    errors: FieldErrors, criminal_case: CriminalCase, convictions: list[ConvictionInput]
) -> None:
    linked = set(criminal_case.accused.values_list("accused_id", flat=True))
    seen: set[int] = set()
    for conviction in convictions:
        who = conviction.accused.reference
        if conviction.accused.pk not in linked:
            errors.add(
                "convictions", _("%(accused)s is not accused in this case.") % {"accused": who}
            )
        if conviction.accused.pk in seen:
            errors.add("convictions", _("%(accused)s is listed twice.") % {"accused": who})
        seen.add(conviction.accused.pk)
        _check_codes(
            errors, "convictions", "criminal_code_articles", conviction.articles, required=True
        )
        _check_codes(
            errors,
            "convictions",
            "forms_of_exploitation",
            [conviction.form_of_exploitation],
            required=True,
        )
        _check_codes(
            errors, "convictions", "sentence_types", [conviction.sentence_type], required=True
        )
        months = conviction.duration_months
        if conviction.sentence_type in SENTENCES_WITH_DURATION and not months:
            errors.add(
                "convictions",
                _("Give the length of %(accused)s's sentence in months.") % {"accused": who},
            )
        if months is not None and not 0 < months <= LONGEST_SENTENCE_MONTHS:
            errors.add(
                "convictions",
                _("A sentence of %(months)s months is not possible.") % {"months": months},
            )


@transaction.atomic
def record_judgment(*, actor: User, criminal_case: CriminalCase, data: JudgmentInput) -> Judgment:
    """A judgment and each convicted person's sentence; the criminal case's status follows it."""
    locked = _lock(criminal_case, None)
    _check_judgment(locked, data)
    court, delivered_on = _given(data.court), _given(data.delivered_on)
    judgment = Judgment.objects.create(
        criminal_case=locked,
        court=court,
        number=data.number.strip(),
        delivered_on=delivered_on,
        instance=data.instance,
        is_final=data.is_final,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    JudgmentAggravation.objects.bulk_create(
        [
            JudgmentAggravation(judgment=judgment, code=code)
            for code in sorted(set(data.aggravating_circumstances))
        ]
    )
    for given in data.convictions:
        conviction = Conviction.objects.create(
            judgment=judgment,
            accused=given.accused,
            form_of_exploitation=given.form_of_exploitation,
            child_victim=given.child_victim,
            sentence_type=given.sentence_type,
            duration_months=given.duration_months,
            property_confiscated=given.property_confiscated,
            legal_person_liable=given.legal_person_liable,
        )
        ConvictionArticle.objects.bulk_create(
            [
                ConvictionArticle(conviction=conviction, code=code)
                for code in sorted(set(given.articles))
            ]
        )
    to_status = CriminalCaseStatus.FINAL if data.is_final else CriminalCaseStatus.JUDGMENT
    if locked.status != to_status:
        _move(
            locked,
            to_status,
            actor=actor,
            on=delivered_on,
            reason=_("Judgment %(number)s") % {"number": judgment.number},
        )
    return judgment


@transaction.atomic
def make_judgment_final(*, actor: User, judgment: Judgment, on: datetime.date | None) -> Judgment:
    errors = _errors()
    _check_past(errors, "on", on, required=True)
    if judgment.is_final:
        errors.add("on", _("The judgment is already final."))
    if on is not None and on < judgment.delivered_on:
        errors.add("on", _("The date is before the judgment was delivered."))
    errors.raise_if_any()
    on = _given(on)
    judgment.is_final = True
    judgment.save(update_fields=["is_final"])
    locked = _lock(judgment.criminal_case, None)
    if locked.status != CriminalCaseStatus.FINAL:
        _move(
            locked,
            CriminalCaseStatus.FINAL,
            actor=actor,
            on=on,
            reason=_("Judgment %(number)s became final") % {"number": judgment.number},
        )
    return judgment
