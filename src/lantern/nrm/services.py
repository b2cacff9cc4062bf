"""The referral mechanism's operations: each opens or closes its statutory clocks in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.models import CodeEntry, DeadlineRule, Organisation, OrganisationKind, Role, User
from lantern.nrm.deadlines import current_calendar, due_for_rule
from lantern.nrm.models import (
    ChildHearing,
    Consent,
    ConsentGiver,
    Deadline,
    DeadlineStatus,
    GuardianshipNotification,
    HearingOccasion,
    LegalRepresentative,
    MigrationSystemEntry,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReflectionPeriod,
    RepresentativeType,
    Transfer,
    TransferOutcome,
    TransferRightExplained,
)
from lantern.register.identity import open_identity
from lantern.register.models import Case, CaseAccessGrant, Disclosure
from lantern.register.services import ADULT_AGE, RegisterError, age_on, latest_possible_birth_date

TRANSFER = "transfer_to_specialised_police"
GUARDIANSHIP = "guardianship_notification"
MIGRATION_ENTRY = "unaccompanied_minor_umis_entry"
REFLECTION = "recovery_reflection_period"
REFLECTION_REMINDER = "recovery_reflection_end_reminder"
TRANSFER_REFUSAL = _(
    "A victim or presumed victim may be transferred only to the specialised police authority for "
    "combating human trafficking; transfer to any other police or law-enforcement body is prohibited "
    "(Rules approved by Cabinet of Ministers Resolution No. 21 of 1 February 2008)."
)


class NrmError(RegisterError):
    """Input the referral mechanism refuses; ``errors`` maps fields to messages."""


# --- Deadlines --------------------------------------------------------------------------------


def open_deadline(
    *,
    case: Case,
    kind: str,
    trigger: str,
    triggered_at: datetime.datetime,
    responsible: Organisation,
    is_reminder: bool = False,
) -> Deadline | None:
    """Start the pack's clock ``kind`` on ``case``; one open clock of a kind per case.

    A reminder is a clock that asks nothing of anyone: when it runs out, the sweep sends
    the reminder and closes it as met, instead of counting a breach.
    """
    rule = DeadlineRule.objects.filter(code=kind, is_active=True).first()
    if rule is None:
        return None  # the jurisdiction's pack has no such duty
    existing = case.deadlines.filter(kind=kind, status=DeadlineStatus.OPEN).first()
    if existing is not None:
        return existing
    return Deadline.objects.create(
        case=case,
        rule=rule,
        kind=kind,
        responsible_organisation=responsible,
        trigger=trigger,
        triggered_at=triggered_at,
        due_at=due_for_rule(rule, triggered_at, current_calendar()),
        is_reminder=is_reminder,
    )


def fulfil_deadlines(
    *, case: Case, kind: str, actor: User, at: datetime.datetime, note: str = ""
) -> list[Deadline]:
    """Record that the duty behind ``kind`` was done at ``at``: met if in time, still breached if late."""
    fulfilled = []
    for deadline in case.deadlines.filter(
        kind=kind, status__in=[DeadlineStatus.OPEN, DeadlineStatus.BREACHED]
    ):
        # A reminder asks nothing of anyone, so closing it is never late.
        in_time = deadline.is_reminder or (
            at <= deadline.due_at and deadline.status == DeadlineStatus.OPEN
        )
        deadline.status = DeadlineStatus.MET if in_time else DeadlineStatus.BREACHED
        if not in_time and deadline.breached_at is None:
            deadline.breached_at = deadline.due_at
        deadline.fulfilled_at = at
        deadline.closed_by = actor
        deadline.close_reason = note[:300]
        deadline.save(
            update_fields=["status", "breached_at", "fulfilled_at", "closed_by", "close_reason"]
        )
        fulfilled.append(deadline)
    return fulfilled


@transaction.atomic
def cancel_deadline(*, actor: User, deadline: Deadline, reason: str) -> Deadline:
    if not reason.strip():
        raise NrmError({"reason": [_("Say why the deadline no longer applies.")]})
    if deadline.status != DeadlineStatus.OPEN:
        raise NrmError({"__all__": [_("Only an open deadline can be cancelled.")]})
    deadline.status = DeadlineStatus.CANCELLED
    deadline.closed_by = actor
    deadline.close_reason = reason.strip()[:300]
    deadline.save(update_fields=["status", "closed_by", "close_reason"])
    return deadline


def open_registration_deadlines(case: Case, actor: User) -> None:
    """The clocks a registration starts: transfer (unless the police registered it) and child safeguards."""
    organisation = case.registering_organisation
    if organisation.kind != OrganisationKind.SPECIALISED_POLICE:
        open_deadline(
            case=case,
            kind=TRANSFER,
            trigger=_("Presumed victim registered"),
            triggered_at=case.registered_at,
            responsible=organisation,
        )
    if case.child_at_registration:
        open_deadline(
            case=case,
            kind=GUARDIANSHIP,
            trigger=_("Child registered"),
            triggered_at=case.registered_at,
            responsible=organisation,
        )
    if case.unaccompanied_foreign_minor:
        open_deadline(
            case=case,
            kind=MIGRATION_ENTRY,
            trigger=_("Unaccompanied foreign minor registered"),
            triggered_at=case.registered_at,
            responsible=organisation,
        )


# --- Transfers --------------------------------------------------------------------------------


def _organisation_of(actor: User) -> Organisation:
    if actor.organisation is None:
        raise NrmError(
            {"__all__": [_("Your account belongs to no organisation; ask an administrator.")]}
        )
    return actor.organisation


@transaction.atomic
def transfer_case(
    *,
    actor: User,
    case: Case,
    receiver: Organisation,
    documents: str,
    rights_explained: Iterable[str],
    now: datetime.datetime | None = None,
) -> Transfer:
    """Hand a presumed victim to the specialised police authority, with the documents and rights explained."""
    moment = now or timezone.now()
    sender = _organisation_of(actor)
    errors: dict[str, list[str]] = {}
    if receiver.kind != OrganisationKind.SPECIALISED_POLICE:
        errors["receiver"] = [str(TRANSFER_REFUSAL)]
    elif receiver == sender:
        errors["receiver"] = [
            _(
                "Your organisation is the specialised police authority; there is nobody to transfer to."
            )
        ]
    rights = sorted(set(rights_explained))
    known = set(
        CodeEntry.objects.filter(code_list__code="rights_explained", is_active=True).values_list(
            "code", flat=True
        )
    )
    if set(rights) - known:
        errors["rights_explained"] = [
            _("Not in the list of allowed values: %(values)s.")
            % {"values": ", ".join(sorted(set(rights) - known))}
        ]
    if not rights:
        errors.setdefault("rights_explained", []).append(
            _("Record how the person's rights were explained before the transfer.")
        )
    if errors:
        raise NrmError(errors)
    transfer = Transfer.objects.create(
        case=case,
        sender=sender,
        receiver=receiver,
        sent_at=moment,
        sent_by=actor,
        documents=documents.strip()[:1000],
    )
    TransferRightExplained.objects.bulk_create(
        [TransferRightExplained(transfer=transfer, code=code) for code in rights]
    )
    return transfer


@transaction.atomic
def acknowledge_transfer(
    *, actor: User, transfer: Transfer, now: datetime.datetime | None = None
) -> Transfer:
    """The specialised police confirm receipt; this meets the 24-hour transfer deadline."""
    moment = now or timezone.now()
    if actor.organisation_id != transfer.receiver_id:
        raise NrmError({"__all__": [_("Only the receiving organisation acknowledges a transfer.")]})
    if transfer.acknowledged_at is not None:
        raise NrmError({"__all__": [_("This transfer was already acknowledged.")]})
    transfer.acknowledged_at = moment
    transfer.acknowledged_by = actor
    transfer.save(update_fields=["acknowledged_at", "acknowledged_by"])
    fulfil_deadlines(
        case=transfer.case, kind=TRANSFER, actor=actor, at=moment, note=_("Receipt acknowledged")
    )
    return transfer


@transaction.atomic
def record_transfer_outcome(
    *,
    actor: User,
    transfer: Transfer,
    outcome: str,
    outcome_on: datetime.date | None,
    note: str = "",
) -> Transfer:
    """The specialised police tell the sender what came of the transfer."""
    errors: dict[str, list[str]] = {}
    if actor.organisation_id != transfer.receiver_id:
        errors["__all__"] = [_("Only the receiving organisation reports the outcome.")]
    if outcome not in TransferOutcome.values:
        errors["outcome"] = [_("Choose identified, not identified or other.")]
    if outcome_on is None:
        errors["outcome_on"] = [_("Give the date of the outcome.")]
    elif outcome_on < timezone.localdate(transfer.sent_at):
        errors["outcome_on"] = [_("The outcome cannot come before the transfer.")]
    elif outcome_on > timezone.localdate():
        errors["outcome_on"] = [_("The outcome date is in the future.")]
    if transfer.acknowledged_at is None:
        errors.setdefault("__all__", []).append(
            _("Acknowledge the transfer before reporting its outcome.")
        )
    if errors:
        raise NrmError(errors)
    transfer.outcome, transfer.outcome_on, transfer.outcome_note, transfer.outcome_recorded_by = (
        outcome,
        outcome_on,
        note.strip()[:1000],
        actor,
    )
    transfer.save(update_fields=["outcome", "outcome_on", "outcome_note", "outcome_recorded_by"])
    return transfer


# --- Child safeguards -------------------------------------------------------------------------


@transaction.atomic
def record_guardianship_notification(
    *,
    actor: User,
    case: Case,
    notified_organisation: Organisation,
    notified_at: datetime.datetime | None,
    method: str,
) -> GuardianshipNotification:
    errors: dict[str, list[str]] = {}
    if notified_at is None:
        errors["notified_at"] = [_("Give when the authority was told.")]
    elif notified_at > timezone.now():
        errors["notified_at"] = [_("The notification time is in the future.")]
    if not method.strip():
        errors["method"] = [_("Say how the authority was told (letter, phone, visit…).")]
    if notified_organisation.kind not in (
        OrganisationKind.GUARDIANSHIP,
        OrganisationKind.LOCAL_AUTHORITY,
    ):
        errors["notified_organisation"] = [
            _(
                "Choose the guardianship authority or the commission on the protection of children's rights."
            )
        ]
    if errors or notified_at is None:
        raise NrmError(errors)
    notification = GuardianshipNotification.objects.create(
        case=case,
        notified_organisation=notified_organisation,
        notified_at=notified_at,
        method=method.strip()[:100],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    fulfil_deadlines(case=case, kind=GUARDIANSHIP, actor=actor, at=notified_at, note=method.strip())
    return notification


@transaction.atomic
def record_migration_system_entry(
    *, actor: User, case: Case, entered_on: datetime.date | None, system_reference: str
) -> MigrationSystemEntry:
    errors: dict[str, list[str]] = {}
    if entered_on is None:
        errors["entered_on"] = [_("Give the date of the entry.")]
    elif entered_on > timezone.localdate():
        errors["entered_on"] = [_("The entry date is in the future.")]
    if not system_reference.strip():
        errors["system_reference"] = [
            _("Give the reference the migration information system returned.")
        ]
    if errors or entered_on is None:
        raise NrmError(errors)
    entry = MigrationSystemEntry.objects.create(
        case=case,
        entered_on=entered_on,
        system_reference=system_reference.strip()[:100],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    calendar = current_calendar()
    entered_at = calendar.end_of_day(entered_on) - datetime.timedelta(seconds=1)
    fulfil_deadlines(
        case=case, kind=MIGRATION_ENTRY, actor=actor, at=entered_at, note=entry.system_reference
    )
    return entry


@transaction.atomic
def record_legal_representative(
    *,
    actor: User,
    case: Case,
    representative_type: str,
    appointed_by: str = "",
    appointed_on: datetime.date | None = None,
) -> LegalRepresentative:
    if representative_type not in RepresentativeType.values:
        raise NrmError(
            {
                "representative_type": [
                    _("Choose parent, guardian, institution or appointed lawyer.")
                ]
            }
        )
    if appointed_on is not None and appointed_on > timezone.localdate():
        raise NrmError({"appointed_on": [_("The appointment date is in the future.")]})
    return LegalRepresentative.objects.create(
        case=case,
        representative_type=representative_type,
        appointed_by=appointed_by.strip()[:300],
        appointed_on=appointed_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


# --- Recovery and reflection period -----------------------------------------------------------


def _grant_moment(day: datetime.date) -> datetime.datetime:
    """A period granted on a day runs from that day's start: only the local date counts."""
    calendar = current_calendar()
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=calendar.time_zone).astimezone(
        datetime.UTC
    )


@transaction.atomic
def grant_reflection_period(
    *, actor: User, case: Case, decided_on: datetime.date | None, legal_basis: str
) -> ReflectionPeriod:
    """Start the 30-day recovery and reflection period (pack) and its end reminder."""
    errors: dict[str, list[str]] = {}
    if decided_on is None:
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [_("The decision date is in the future.")]
    elif decided_on < timezone.localdate(case.registered_at):
        errors["decided_on"] = [_("The decision date is before the case was registered.")]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("Give the legal basis of the decision.")]
    if case.reflection_periods.filter(ended_at__isnull=True, ends_at__gt=timezone.now()).exists():
        errors["__all__"] = [
            _("A recovery and reflection period is already running; extend it instead.")
        ]
    rule = DeadlineRule.objects.filter(code=REFLECTION, is_active=True).first()
    if rule is None:
        errors["__all__"] = [
            _("The jurisdiction's pack defines no recovery and reflection period.")
        ]
    if errors or decided_on is None or rule is None:
        raise NrmError(errors)
    start = _grant_moment(decided_on)
    period = ReflectionPeriod.objects.create(
        case=case,
        decided_on=decided_on,
        decided_by=actor,
        legal_basis=legal_basis.strip()[:300],
        starts_at=start,
        ends_at=due_for_rule(rule, start),
    )
    responsible = _organisation_of(actor)
    open_deadline(
        case=case,
        kind=REFLECTION_REMINDER,
        trigger=_("Recovery and reflection period granted"),
        triggered_at=start,
        responsible=responsible,
        is_reminder=True,
    )
    return period


@transaction.atomic
def extend_reflection_period(
    *, actor: User, period: ReflectionPeriod, new_end_on: datetime.date | None, reason: str
) -> ReflectionPeriod:
    calendar = current_calendar()
    errors: dict[str, list[str]] = {}
    if new_end_on is None or calendar.end_of_day(new_end_on) <= period.ends_at:
        errors["new_end_on"] = [_("An extension ends later than the period does now.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the extension.")]
    if period.ended_at is not None:
        errors["__all__"] = [_("This period has ended.")]
    if errors or new_end_on is None:
        raise NrmError(errors)
    period.ends_at = calendar.end_of_day(new_end_on)
    period.extension_reason = reason.strip()[:300]
    period.save(update_fields=["ends_at", "extension_reason"])
    return period


@transaction.atomic
def end_reflection_period(
    *, actor: User, period: ReflectionPeriod, ended_at: datetime.datetime | None, reason: str
) -> ReflectionPeriod:
    """Record that the period ended, e.g. early because the victim decided to cooperate or left."""
    errors: dict[str, list[str]] = {}
    if ended_at is None or ended_at < period.starts_at:
        errors["ended_at"] = [_("The period cannot end before it started.")]
    if not reason.strip():
        errors["reason"] = [
            _("Say why the period ended (e.g. decided to cooperate, left the country).")
        ]
    if period.ended_at is not None:
        errors["__all__"] = [_("This period has already ended.")]
    if errors or ended_at is None:
        raise NrmError(errors)
    period.ended_at = min(ended_at, period.ends_at)
    period.end_reason = reason.strip()[:300]
    period.save(update_fields=["ended_at", "end_reason"])
    fulfil_deadlines(
        case=period.case,
        kind=REFLECTION_REMINDER,
        actor=actor,
        at=period.ended_at,
        note=period.end_reason,
    )
    return period


def reflection_period_running(
    case: Case, at: datetime.datetime | None = None
) -> ReflectionPeriod | None:
    moment = at or timezone.now()
    return case.reflection_periods.filter(
        starts_at__lte=moment, ends_at__gt=moment, ended_at__isnull=True
    ).first()


# --- The sweep ----------------------------------------------------------------------------------


def _recipients(organisation: Organisation, roles: Iterable[str]) -> list[str]:
    users = User.objects.filter(
        is_active=True, organisation=organisation, roles__role__in=list(roles)
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _case_link(case: Case) -> str:
    return f"{settings.LANTERN_BASE_URL.rstrip('/')}{reverse('case-detail', kwargs={'reference': case.reference})}"


@dataclass
class SweepResult:
    breached: int = 0
    breach_notices: int = 0
    reminders: int = 0


def sweep_deadlines(*, now: datetime.datetime | None = None) -> SweepResult:
    """Mark breaches, send breach notices and reminders. Safe to run again: each is sent once.

    Rows are claimed with a conditional UPDATE, so two sweeps running at once never
    notify twice.
    """
    moment = now or timezone.now()
    result = SweepResult()
    result.reminders += _send_due_reminders(moment)
    result.breached = Deadline.objects.filter(
        status=DeadlineStatus.OPEN, is_reminder=False, due_at__lt=moment
    ).update(status=DeadlineStatus.BREACHED, breached_at=moment)
    for deadline in Deadline.objects.filter(
        status=DeadlineStatus.BREACHED, breach_notified_at__isnull=True
    ).select_related("case", "rule", "responsible_organisation"):
        if Deadline.objects.filter(pk=deadline.pk, breach_notified_at__isnull=True).update(
            breach_notified_at=moment
        ):
            _notify(
                deadline,
                subject=f"Lantern: deadline breached on {deadline.case.reference}",
                roles=[Role.SUPERVISOR],
                opening="A statutory deadline was missed.",
            )
            result.breach_notices += 1
    window = moment + datetime.timedelta(hours=settings.DEADLINE_REMINDER_HOURS)
    due_soon = Deadline.objects.filter(
        status=DeadlineStatus.OPEN,
        due_at__gte=moment,
        due_at__lte=window,
        reminder_sent_at__isnull=True,
    )
    for deadline in due_soon.select_related("case", "rule", "responsible_organisation"):
        if Deadline.objects.filter(pk=deadline.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=moment
        ):
            _notify(
                deadline,
                subject=f"Lantern: deadline due soon on {deadline.case.reference}",
                roles=[Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR],
                opening="A statutory deadline is due soon.",
            )
            result.reminders += 1
    return result


def _send_due_reminders(moment: datetime.datetime) -> int:
    """Reminder clocks that ran out: send each once, and close it as met."""
    sent = 0
    due = Deadline.objects.filter(status=DeadlineStatus.OPEN, is_reminder=True, due_at__lt=moment)
    for deadline in due.select_related("case", "rule", "responsible_organisation"):
        claimed = Deadline.objects.filter(pk=deadline.pk, status=DeadlineStatus.OPEN).update(
            status=DeadlineStatus.MET,
            fulfilled_at=moment,
            reminder_sent_at=moment,
            close_reason="reminder sent",
        )
        if claimed:
            _notify(
                deadline,
                subject=f"Lantern: reminder on {deadline.case.reference}",
                roles=[Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR],
                opening="A reminder is due.",
            )
            sent += 1
    return sent


def _notify(deadline: Deadline, *, subject: str, roles: list[str], opening: str) -> None:
    """E-mail by reference and link only: a message may sit in many mailboxes, never a name."""
    addresses = _recipients(deadline.responsible_organisation, roles)
    if not addresses:
        return
    due_local = timezone.localtime(deadline.due_at)
    body = (
        f"{opening}\n\nCase: {deadline.case.reference}\nDeadline: {deadline.rule.name_en}\n"
        f"Due: {due_local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})\n"
        f"Legal basis: {deadline.rule.legal_basis_en}\n\n{_case_link(deadline.case)}\n"
    )
    send_mail(
        subject=subject, message=body, from_email=None, recipient_list=addresses, fail_silently=True
    )


# --- Consent and referrals ----------------------------------------------------------------------

PROVIDER_KINDS = {
    OrganisationKind.SHELTER,
    OrganisationKind.ASSISTANCE_CENTRE,
    OrganisationKind.NGO,
    OrganisationKind.MEDICAL,
    OrganisationKind.EMPLOYMENT,
    OrganisationKind.EDUCATION,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.GUARDIANSHIP,
}
# Which state a referral may move to from which, and whether a reason is required.
REFERRAL_MOVES: dict[str, set[str]] = {
    ReferralStatus.SENT: {
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.ACCEPTED: {
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.IN_PROGRESS: {ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN},
}
REASON_REQUIRED = {ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}
# Moves made by the provider; the others (withdrawal) by the sender.
PROVIDER_MOVES = {
    ReferralStatus.ACCEPTED,
    ReferralStatus.DECLINED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.COMPLETED,
}


@transaction.atomic
def record_consent(
    *, actor: User, case: Case, given_by: str, given_at: datetime.datetime | None, disclosure: str
) -> Consent:
    """The person (for a child, the legal representative) agrees to be referred, and to what the provider may see."""
    errors: dict[str, list[str]] = {}
    if given_by not in ConsentGiver.values:
        errors["given_by"] = [_("Say who consented: the person or the legal representative.")]
    elif case.child_at_registration and given_by != ConsentGiver.LEGAL_REPRESENTATIVE:
        errors["given_by"] = [_("For a child, the legal representative consents.")]
    if disclosure not in Disclosure.values:
        errors["disclosure"] = [
            _(
                "Choose what the provider may see: reference only, a non-identifying summary, or the identity."
            )
        ]
    if given_at is None:
        errors["given_at"] = [_("Give when the consent was given.")]
    elif given_at > timezone.now():
        errors["given_at"] = [_("The consent time is in the future.")]
    if errors or given_at is None:
        raise NrmError(errors)
    return Consent.objects.create(
        case=case,
        given_by=given_by,
        given_at=given_at,
        disclosure=disclosure,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def refer_case(
    *,
    actor: User,
    case: Case,
    provider: Organisation,
    service_type: str,
    consent: Consent | None,
    override_reason: str = "",
    may_override: bool = False,
) -> Referral:
    """Send a case to a provider. Without consent only a supervisor's recorded legal override allows it."""
    sender = _organisation_of(actor)
    errors: dict[str, list[str]] = {}
    if provider.kind not in PROVIDER_KINDS or provider == sender:
        errors["provider"] = [
            _(
                "Refer to a provider of services: a shelter, assistance centre, NGO, medical institution, employment or education body, housing or guardianship authority."
            )
        ]
    if not CodeEntry.objects.filter(
        code_list__code="service_types", code=service_type, is_active=True
    ).exists():
        errors["service_type"] = [
            _("'%(value)s' is not in the list of allowed values.") % {"value": service_type}
        ]
    if consent is not None and consent.case_id != case.pk:
        errors["consent"] = [_("That consent belongs to another case.")]
    if consent is None and not (may_override and override_reason.strip()):
        errors["consent"] = [
            _(
                "Record the person's consent before referring; only a supervisor can refer without it, giving the legal reason."
            )
        ]
    if errors:
        raise NrmError(errors)
    moment = timezone.now()
    referral = Referral.objects.create(
        case=case,
        sender=sender,
        provider=provider,
        service_type=service_type,
        consent=consent,
        override_reason="" if consent else override_reason.strip()[:300],
        override_by=None if consent else actor,
        sent_at=moment,
        sent_by=actor,
        updated_at=moment,
        updated_by=actor,
    )
    ReferralEvent.objects.create(
        referral=referral,
        status=ReferralStatus.SENT,
        reason=referral.override_reason,
        at=moment,
        by=actor,
        organisation=sender,
    )
    CaseAccessGrant.objects.create(
        case=case,
        organisation=provider,
        reason=f"referral:{referral.pk}",
        disclosure=consent.disclosure if consent else Disclosure.SUMMARY,
        opened_at=moment,
    )
    # A pack may set a response time per service type (rule "referral_response_<service>").
    open_deadline(
        case=case,
        kind=f"referral_response_{service_type}",
        trigger=_("Referral sent"),
        triggered_at=moment,
        responsible=provider,
    )
    return referral


@transaction.atomic
def move_referral(
    *, actor: User, referral: Referral, status: str, reason: str = "", outcome: str = ""
) -> Referral:
    """Accept, decline, start, complete or withdraw a referral; the provider's access follows."""
    organisation = _organisation_of(actor)
    errors: dict[str, list[str]] = {}
    if status not in REFERRAL_MOVES.get(referral.status, set()):
        errors["status"] = [
            _("A referral that is %(current)s cannot become %(new)s.")
            % {"current": referral.get_status_display(), "new": status}
        ]
    elif status in PROVIDER_MOVES and organisation.pk != referral.provider_id:
        errors["status"] = [
            _("Only the provider accepts, declines, starts or completes a referral.")
        ]
    elif status == ReferralStatus.WITHDRAWN and organisation.pk != referral.sender_id:
        errors["status"] = [_("Only the sender withdraws a referral.")]
    if status in REASON_REQUIRED and not reason.strip():
        errors["reason"] = [_("Give the reason.")]
    if status == ReferralStatus.COMPLETED and not outcome.strip():
        errors["outcome"] = [_("Record the outcome of the service.")]
    if errors:
        raise NrmError(errors)
    moment = timezone.now()
    referral.status = status
    referral.status_reason = reason.strip()[:300]
    if outcome.strip():
        referral.outcome = outcome.strip()[:500]
    referral.updated_at, referral.updated_by = moment, actor
    referral.save(update_fields=["status", "status_reason", "outcome", "updated_at", "updated_by"])
    ReferralEvent.objects.create(
        referral=referral,
        status=status,
        reason=referral.status_reason or referral.outcome,
        at=moment,
        by=actor,
        organisation=organisation,
    )
    response_kind = f"referral_response_{referral.service_type}"
    if status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
        fulfil_deadlines(
            case=referral.case, kind=response_kind, actor=actor, at=moment, note=status
        )
    elif status == ReferralStatus.WITHDRAWN:
        for deadline in referral.case.deadlines.filter(
            kind=response_kind, status=DeadlineStatus.OPEN
        ):
            cancel_deadline(actor=actor, deadline=deadline, reason=_("Referral withdrawn"))
    grants = CaseAccessGrant.objects.filter(
        case=referral.case, reason=f"referral:{referral.pk}", closed_at__isnull=True
    )
    if status in (ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN):
        grants.update(closed_at=moment)
    elif status == ReferralStatus.COMPLETED:
        # The provider keeps reading the summary and what it recorded, and changes nothing more.
        grants.update(read_only=True, disclosure=Disclosure.SUMMARY)
    return referral


# --- Hearing a child ---------------------------------------------------------------------------

HEARING_AGE = 10


def child_must_be_heard(case: Case, on: datetime.date) -> bool:
    """Whether a placement or extension on ``on`` needs the child's hearing on record first.

    A child over 10 (Law Art. 16, 001:67). Without a known age, Lantern asks for the hearing.
    """
    youngest = latest_possible_birth_date(case.person, open_identity(case.person))
    if youngest is None:
        return bool(case.child_at_registration)
    age = age_on(youngest, on)
    return HEARING_AGE < age < ADULT_AGE


def check_child_heard(case: Case, occasion: str, on: datetime.date) -> None:
    """Refuse a placement or extension of a child over 10 who was not heard for it."""
    if (
        child_must_be_heard(case, on)
        and not case.child_hearings.filter(occasion=occasion, heard_on__lte=on).exists()
    ):
        raise NrmError(
            {
                "__all__": [
                    _(
                        "A child over 10 is heard before a placement or an extension of the stay; record the hearing first."
                    )
                ]
            }
        )


@transaction.atomic
def record_child_hearing(
    *, actor: User, case: Case, occasion: str, heard_on: datetime.date | None, note: str = ""
) -> ChildHearing:
    errors: dict[str, list[str]] = {}
    if occasion not in HearingOccasion.values:
        errors["occasion"] = [_("Say whether the hearing was for a placement or an extension.")]
    if heard_on is None:
        errors["heard_on"] = [_("Give the date of the hearing.")]
    elif heard_on > timezone.localdate():
        errors["heard_on"] = [_("The hearing date is in the future.")]
    if errors or heard_on is None:
        raise NrmError(errors)
    return ChildHearing.objects.create(
        case=case,
        occasion=occasion,
        heard_on=heard_on,
        heard_by=actor,
        note=note.strip()[:500],
        recorded_at=timezone.now(),
    )
