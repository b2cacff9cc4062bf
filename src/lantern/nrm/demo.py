"""The referral mechanism's side of the demo: transfers, child safeguards, reflection periods, referrals.

``generate_demo_referrals`` works on the cases ``register.demo`` created. Each registration by
an organisation other than the specialised police opened a 24-hour transfer clock; here the
registering organisation sends the transfer within hours, the specialised police acknowledge
it (about one in twelve too late, so that deadline stays breached) and report the outcome of
the identification. Children get their guardianship notifications (a few late), unaccompanied
foreign minors their entry in the migration information system (one late) and every child a
legal representative. About ten identified victims a year get a recovery and reflection
period (seed 000: ten in 2023), and about three in ten identified victims are referred, with
their consent, to a shelter or assistance centre that accepts, delivers and completes the
service, or declines it.

Then a handful of presumed victims are registered in the last two days, relative to the real
clock, so that the deadline queue has clocks still running, some due within hours and some
already breached, including an unaccompanied foreign child and a case whose reflection period
runs now. A final sweep marks what is breached.

Everything is written through the referral mechanism's and the register's services, from
``random.Random(seed)``: the same seed makes the same records. Consents, referrals and the
child-safeguard records take their recording time from the clock inside the services; since
the history is in the past, those timestamps are set back afterwards to the moment the
story gives them (so the case timeline reads in order).
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lantern.core.demo import DEMO_PASSWORD
from lantern.core.models import Organisation, OrganisationKind, Role, User
from lantern.core.services import create_account
from lantern.nrm.deadlines import WorkingCalendar, current_calendar
from lantern.nrm.models import (
    Consent,
    ConsentGiver,
    Deadline,
    DeadlineStatus,
    GuardianshipNotification,
    LegalRepresentative,
    MigrationSystemEntry,
    Referral,
    ReferralEvent,
    ReferralStatus,
    RepresentativeType,
    Transfer,
    TransferOutcome,
)
from lantern.nrm.services import (
    GUARDIANSHIP,
    MIGRATION_ENTRY,
    PROVIDER_KINDS,
    TRANSFER,
    acknowledge_transfer,
    end_reflection_period,
    grant_reflection_period,
    move_referral,
    record_consent,
    record_guardianship_notification,
    record_legal_representative,
    record_migration_system_entry,
    record_transfer_outcome,
    refer_case,
    sweep_deadlines,
    transfer_case,
)
from lantern.register.demo import (
    DEFAULT_SEED,
    FEMALE,
    FORCED,
    HOME,
    MALE,
    SEXUAL,
    Weighted,
    _choose,
    _choose_some,
    _digits,
    _plan,
    _presumed_victim,
    _Victim,
)
from lantern.register.models import (
    Case,
    CaseAccessGrant,
    CaseStatus,
    Disclosure,
    IdentificationDecision,
)
from lantern.register.services import register_presumed_victim

POLICE = "mia-ctht"
LATE_ACKNOWLEDGEMENT = 0.08
LATE_GUARDIANSHIP_NOTICE = 0.12
REFLECTIONS_PER_YEAR = 10  # seed 000: ten recovery and reflection periods in 2023
REFERRED_SHARE = 0.3
DECLINED_SHARE = 0.08
REFLECTION_BASIS = (
    'Law "On Combating Human Trafficking", Art. 14-1.1; Criminal Procedure Code, Art. 123-1'
)
GUARDIANSHIP_BODIES = ("guardianship-authority", "children-rights-commission")

# Always explained, then some of the others (CabMin Res. No. 21 of 1 Feb 2008, 001:733-735).
RIGHTS_ALWAYS = ("rights_under_law", "receiving_authority")
RIGHTS_OFTEN: Weighted = (
    ("next_procedural_steps", 6),
    ("authority_powers", 5),
    ("confidentiality", 5),
    ("free_legal_aid", 3),
    ("reflection_period", 3),
)
TRANSFER_DOCUMENTS = (
    "record of the interview",
    "screening questionnaire",
    "copy of the identity document",
    "written explanation of the person",
    "medical certificate",
)
OUTCOME_OF_STATUS = {
    CaseStatus.IDENTIFIED.value: TransferOutcome.IDENTIFIED.value,
    CaseStatus.NOT_IDENTIFIED.value: TransferOutcome.NOT_IDENTIFIED.value,
}
NOTIFICATION_METHODS = ("phone, then letter", "official letter", "e-mail and letter", "visit")


# --- Providers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    """A provider of services the demo refers to, and the member of staff who answers."""

    organisation_code: str
    username: str
    first_name: str
    last_name: str
    services: Weighted
    takes_adult_women: int = 0  # weights of the provider for each kind of person
    takes_adult_men: int = 0
    takes_children: int = 0


PROVIDERS = (
    Provider(
        "mia-shelter",
        "demo-mia-shelter",
        "Aynur",
        "Musayeva",
        (
            ("shelter_accommodation", 8),
            ("medical_gynaecological", 2),
            ("medical_therapeutic", 2),
            ("psychological", 2),
        ),
        takes_adult_women=4,
        takes_adult_men=3,
    ),
    Provider(
        "ssa-assistance-center",
        "caseworker",
        "",
        "",
        (
            ("psychological", 4),
            ("vocational_training", 4),
            ("social", 3),
            ("legal", 2),
            ("id_documents", 1),
            ("targeted_social_aid", 1),
        ),
        takes_adult_women=4,
        takes_adult_men=3,
        takes_children=1,
    ),
    Provider(
        "ngo-clean-world-shelter",
        "demo-ngo-clean-world-shelter",
        "Fidan",
        "Mustafayeva",
        (("shelter_accommodation", 5), ("psychological", 2), ("legal", 1)),
        takes_adult_women=2,
    ),
    Provider(
        "ngo-azerbaijan-children",
        "demo-ngo-azerbaijan-children",
        "Gunel",
        "Safarova",
        (("shelter_accommodation", 3), ("psychological", 3), ("education", 2)),
        takes_children=3,
    ),
)
OUTCOMES = {
    "shelter_accommodation": (
        "Stayed {n} days in the shelter; returned to the family.",
        "Stayed {n} days in the shelter; moved to rented housing.",
        "Stayed {n} days in the shelter; moved in with relatives.",
    ),
    "medical_gynaecological": ("Examined; treatment prescribed and completed.",),
    "medical_therapeutic": ("Examined; no further treatment needed.",),
    "psychological": ("{n} counselling sessions; the plan was completed.",),
    "vocational_training": (
        "Completed a sewing course.",
        "Completed a hairdressing course.",
        "Completed a computer literacy course.",
        "Completed a cooking course.",
    ),
    "social": ("One-off social allowance paid; household items provided.",),
    "legal": ("Legal counselling given; represented in the criminal proceedings.",),
    "id_documents": ("A new identity card was issued.",),
    "targeted_social_aid": ("Targeted state social assistance granted for six months.",),
    "education": ("Returned to school; the school year was completed.",),
}
DECLINE_REASONS = (
    "No free place at the moment; please refer to another shelter.",
    "The person did not come to the first appointment and could not be reached.",
    "The service requested is outside the centre's mandate.",
)


# --- What the generator makes -----------------------------------------------------------------


@dataclass(frozen=True)
class NrmDemoSummary:
    created: bool
    transfers: int = 0
    referrals: int = 0
    reflection_periods: int = 0
    guardianship_notifications: int = 0
    migration_entries: int = 0
    legal_representatives: int = 0
    current_cases: int = 0
    accounts_created: int = 0
    deadlines_met: int = 0
    deadlines_open: int = 0
    deadlines_breached: int = 0

    def describe(self) -> str:
        if not self.created:
            return f"Demo referral mechanism: {self.transfers} transfers are already recorded; nothing added."
        return (
            f"Demo referral mechanism: {self.transfers} transfers, {self.referrals} referrals, "
            f"{self.reflection_periods} reflection periods, {self.current_cases} cases registered "
            f"in the last days; deadlines {self.deadlines_met} met, {self.deadlines_open} open, "
            f"{self.deadlines_breached} breached."
        )


@dataclass
class _Context:
    calendar: WorkingCalendar
    now: datetime.datetime
    investigator: User
    police: Organisation
    transfers: int = 0
    referrals: int = 0
    reflection_periods: int = 0
    guardianship_notifications: int = 0
    migration_entries: int = 0
    legal_representatives: int = 0
    current_cases: int = 0
    accounts_created: int = 0

    @property
    def today(self) -> datetime.date:
        return self.calendar.local_date(self.now)

    def local(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        moment = datetime.datetime.combine(
            day, datetime.time(hour, minute), tzinfo=self.calendar.time_zone
        )
        return moment.astimezone(datetime.UTC)

    def past(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment``, or a minute ago if the story would run into the future."""
        return min(moment, self.now - datetime.timedelta(minutes=1))


def _minutes(rng: random.Random, low: float, high: float) -> datetime.timedelta:
    """A random span between ``low`` and ``high`` hours, to the minute."""
    low_minutes, high_minutes = round(low * 60), round(high * 60)
    return datetime.timedelta(minutes=rng.randint(low_minutes, max(low_minutes, high_minutes)))


# --- Transfers --------------------------------------------------------------------------------


def _rights(rng: random.Random) -> list[str]:
    return [*RIGHTS_ALWAYS, *_choose_some(rng, RIGHTS_OFTEN, rng.randint(1, len(RIGHTS_OFTEN)))]


def _documents(rng: random.Random) -> str:
    extra = rng.sample(TRANSFER_DOCUMENTS, rng.randint(1, 3))
    return ", ".join(["Written application for the transfer", *extra])


def _send(ctx: _Context, rng: random.Random, case: Case, sent: datetime.datetime) -> Transfer:
    transfer = transfer_case(
        actor=case.registered_by,
        case=case,
        receiver=ctx.police,
        documents=_documents(rng),
        rights_explained=_rights(rng),
        now=sent,
    )
    ctx.transfers += 1
    return transfer


def _transfer_history(ctx: _Context, rng: random.Random) -> None:
    """Every open transfer clock of the history: sent, acknowledged, its outcome reported."""
    decided = dict(IdentificationDecision.objects.values_list("case_id", "decided_on"))
    open_clocks = (
        Deadline.objects.filter(kind=TRANSFER, status=DeadlineStatus.OPEN)
        .select_related("case", "case__registered_by", "case__registering_organisation")
        .order_by("case__registered_at", "case_id")
    )
    for deadline in open_clocks:
        case = deadline.case
        sent = case.registered_at + _minutes(rng, 1, 10)
        if rng.random() < LATE_ACKNOWLEDGEMENT:
            acknowledged = deadline.due_at + _minutes(rng, 1, 20)
        else:
            latest = min(20.0, (deadline.due_at - sent).total_seconds() / 3600 - 0.25)
            acknowledged = sent + _minutes(rng, 1, latest)
        transfer = _send(ctx, rng, case, sent)
        acknowledge_transfer(actor=ctx.investigator, transfer=transfer, now=acknowledged)
        outcome = OUTCOME_OF_STATUS.get(case.status)
        decided_on = decided.get(case.pk)
        if outcome is None or decided_on is None:
            continue  # still waiting for the decision
        record_transfer_outcome(
            actor=ctx.investigator,
            transfer=transfer,
            outcome=outcome,
            outcome_on=min(max(decided_on, ctx.calendar.local_date(acknowledged)), ctx.today),
            note=(
                "Identified as a victim of trafficking; criminal proceedings opened."
                if outcome == TransferOutcome.IDENTIFIED
                else "The indicators were not confirmed; the person was informed."
            ),
        )


# --- Children ---------------------------------------------------------------------------------


def _guardianship_history(ctx: _Context, rng: random.Random) -> None:
    bodies = list(
        Organisation.objects.filter(code__in=GUARDIANSHIP_BODIES, is_active=True).order_by("code")
    )
    if not bodies:
        return
    open_clocks = (
        Deadline.objects.filter(kind=GUARDIANSHIP, status=DeadlineStatus.OPEN)
        .select_related("case", "case__registered_by")
        .order_by("case__registered_at", "case_id")
    )
    for deadline in open_clocks:
        case = deadline.case
        if rng.random() < LATE_GUARDIANSHIP_NOTICE:
            told = deadline.due_at + _minutes(rng, 10, 60)
        else:
            latest = (deadline.due_at - case.registered_at).total_seconds() / 3600 - 0.25
            told = case.registered_at + _minutes(rng, 0.25, min(4.0, latest))
        method = rng.choice(NOTIFICATION_METHODS)
        for offset, body in enumerate(bodies):
            at = ctx.past(told + datetime.timedelta(minutes=20 * offset))
            notification = record_guardianship_notification(
                actor=case.registered_by,
                case=case,
                notified_organisation=body,
                notified_at=at,
                method=method,
            )
            GuardianshipNotification.objects.filter(pk=notification.pk).update(
                recorded_at=ctx.past(at + datetime.timedelta(minutes=15))
            )
            ctx.guardianship_notifications += 1


def _migration_history(ctx: _Context, rng: random.Random) -> None:
    open_clocks = list(
        Deadline.objects.filter(kind=MIGRATION_ENTRY, status=DeadlineStatus.OPEN)
        .select_related("case", "case__registered_by")
        .order_by("case__registered_at", "case_id")
    )
    late = rng.randrange(len(open_clocks)) if open_clocks else -1
    for index, deadline in enumerate(open_clocks):
        case = deadline.case
        registered_on = ctx.calendar.local_date(case.registered_at)
        next_working_day = ctx.calendar.next_working_day(registered_on)
        if index == late:
            entered_on = next_working_day + datetime.timedelta(days=rng.randint(2, 6))
        else:
            entered_on = rng.choice((registered_on, next_working_day))
        entered_on = min(entered_on, ctx.today)
        entry = record_migration_system_entry(
            actor=case.registered_by,
            case=case,
            entered_on=entered_on,
            system_reference=f"UMIS-{entered_on.year}-{_digits(rng, 5)}",
        )
        MigrationSystemEntry.objects.filter(pk=entry.pk).update(
            recorded_at=ctx.past(ctx.local(entered_on, rng.randint(10, 17), rng.randrange(60)))
        )
        ctx.migration_entries += 1


def _representatives_history(ctx: _Context, rng: random.Random) -> None:
    """A legal representative for every child: a parent, or one appointed for the child."""
    children = (
        Case.objects.filter(child_at_registration=True)
        .select_related("registered_by", "person")
        .order_by("registered_at", "pk")
    )
    for case in children:
        registered_on = ctx.calendar.local_date(case.registered_at)
        appointed_on: datetime.date | None = None
        if case.unaccompanied_foreign_minor or case.person.citizenship != HOME:
            kind = rng.choice((RepresentativeType.GUARDIAN, RepresentativeType.INSTITUTION))
            appointed_by = (
                "Guardianship and trusteeship authority of the local executive authority"
                if kind == RepresentativeType.GUARDIAN
                else "Commission on the protection of children's rights (placement in a shelter)"
            )
            appointed_on = registered_on + datetime.timedelta(days=rng.randint(1, 4))
        elif rng.random() < 0.8:
            kind, appointed_by = RepresentativeType.PARENT, ""
        else:
            kind = RepresentativeType.GUARDIAN
            appointed_by = "Guardianship and trusteeship authority of the local executive authority"
            appointed_on = registered_on + datetime.timedelta(days=rng.randint(2, 10))
        appointed_on = min(appointed_on, ctx.today) if appointed_on else None
        representative = record_legal_representative(
            actor=case.registered_by,
            case=case,
            representative_type=kind,
            appointed_by=appointed_by,
            appointed_on=appointed_on,
        )
        recorded = ctx.local(appointed_on or registered_on, 16, rng.randrange(60))
        LegalRepresentative.objects.filter(pk=representative.pk).update(
            recorded_at=ctx.past(max(recorded, case.registered_at))
        )
        ctx.legal_representatives += 1


# --- Recovery and reflection periods ----------------------------------------------------------


def _reflection_history(ctx: _Context, rng: random.Random) -> None:
    identified = Case.objects.filter(status=CaseStatus.IDENTIFIED).order_by("registered_at", "pk")
    by_year: dict[int, list[Case]] = {}
    for case in identified:
        if case.identified_on is not None:
            by_year.setdefault(case.identified_on.year, []).append(case)
    for year in sorted(by_year):
        candidates = by_year[year]
        chosen = rng.sample(candidates, min(REFLECTIONS_PER_YEAR, len(candidates)))
        for case in sorted(chosen, key=lambda c: (c.registered_at, c.pk)):
            decided_on = ctx.calendar.local_date(case.registered_at) + datetime.timedelta(
                days=rng.randint(0, 4)
            )
            period = grant_reflection_period(
                actor=ctx.investigator,
                case=case,
                decided_on=min(decided_on, ctx.today),
                legal_basis=REFLECTION_BASIS,
            )
            ctx.reflection_periods += 1
            draw = rng.random()
            if draw < 0.5:
                ended_at = period.starts_at + _minutes(rng, 2 * 24, 20 * 24)
                reason = "Decided to cooperate with the investigation."
            elif draw < 0.6:
                ended_at = period.starts_at + _minutes(rng, 5 * 24, 22 * 24)
                reason = "Returned to the family of their own will."
            else:
                ended_at = period.ends_at
                reason = "The 30-day period ran its course."
            end_reflection_period(
                actor=ctx.investigator, period=period, ended_at=ctx.past(ended_at), reason=reason
            )


# --- Consent and referrals --------------------------------------------------------------------


def _provider_staff(ctx: _Context) -> dict[str, tuple[Provider, Organisation, User]]:
    """Each provider the pack knows, with a member of staff; demo staff made where none exists."""
    staff: dict[str, tuple[Provider, Organisation, User]] = {}
    for provider in PROVIDERS:
        organisation = Organisation.objects.filter(
            code=provider.organisation_code, is_active=True, kind__in=PROVIDER_KINDS
        ).first()
        if organisation is None:
            continue
        user = User.objects.filter(
            username=provider.username, is_active=True, organisation=organisation
        ).first()
        if user is None:
            user = (
                User.objects.filter(
                    is_active=True, organisation=organisation, roles__role=Role.CASEWORKER
                )
                .order_by("pk")
                .first()
            )
        if user is None and provider.first_name:
            if User.objects.filter(username=provider.username).exists():
                continue  # the name is taken by someone elsewhere; leave that account alone
            user = create_account(
                username=provider.username,
                organisation_code=organisation.code,
                roles=[Role.CASEWORKER],
                password=DEMO_PASSWORD,
                first_name=provider.first_name,
                last_name=provider.last_name,
            )
            ctx.accounts_created += 1
        if user is not None:
            staff[provider.organisation_code] = (provider, organisation, user)
    return staff


def _backdate_referral(
    ctx: _Context, referral: Referral, moments: Sequence[datetime.datetime]
) -> None:
    """Give the referral and each of its events the moment of the story, not of the generator."""
    moments = [ctx.past(moment) for moment in moments]
    events = list(referral.events.order_by("pk").values_list("pk", flat=True))
    for pk, moment in zip(events, moments, strict=True):
        ReferralEvent.objects.filter(pk=pk).update(at=moment)
    Referral.objects.filter(pk=referral.pk).update(sent_at=moments[0], updated_at=moments[-1])
    grants = CaseAccessGrant.objects.filter(case=referral.case, reason=f"referral:{referral.pk}")
    grants.update(opened_at=moments[0])
    grants.filter(closed_at__isnull=False).update(closed_at=moments[-1])


def _consent(
    ctx: _Context, rng: random.Random, case: Case, actor: User, given_at: datetime.datetime
) -> Consent:
    disclosure = _choose(
        rng,
        (
            (Disclosure.SUMMARY, 6),
            (Disclosure.IDENTITY, 3),
            (Disclosure.REFERENCE_ONLY, 1),
        ),
    )
    consent = record_consent(
        actor=actor,
        case=case,
        given_by=(
            ConsentGiver.LEGAL_REPRESENTATIVE if case.child_at_registration else ConsentGiver.PERSON
        ),
        given_at=ctx.past(given_at),
        disclosure=disclosure,
    )
    Consent.objects.filter(pk=consent.pk).update(
        recorded_at=ctx.past(given_at + datetime.timedelta(minutes=rng.randint(5, 40)))
    )
    return consent


def _refer(
    ctx: _Context,
    rng: random.Random,
    *,
    case: Case,
    sender: User,
    consent: Consent,
    provider: tuple[Provider, Organisation, User],
    service: str,
    sent: datetime.datetime,
    final: str,
) -> Referral:
    """One referral, moved by the provider up to ``final`` (declined, in progress or completed)."""
    _, organisation, staff = provider
    referral = refer_case(
        actor=sender, case=case, provider=organisation, service_type=service, consent=consent
    )
    ctx.referrals += 1
    moments = [sent]
    answered = sent + _minutes(rng, 2, 30)
    if final == ReferralStatus.DECLINED:
        move_referral(
            actor=staff,
            referral=referral,
            status=ReferralStatus.DECLINED,
            reason=rng.choice(DECLINE_REASONS),
        )
        _backdate_referral(ctx, referral, [*moments, answered])
        return referral
    move_referral(actor=staff, referral=referral, status=ReferralStatus.ACCEPTED)
    started = answered + _minutes(rng, 2, 72)
    move_referral(actor=staff, referral=referral, status=ReferralStatus.IN_PROGRESS)
    moments += [answered, started]
    if final == ReferralStatus.COMPLETED:
        days = rng.randint(10, 120)
        outcome = rng.choice(OUTCOMES.get(service, ("The service was delivered.",)))
        move_referral(
            actor=staff,
            referral=referral,
            status=ReferralStatus.COMPLETED,
            outcome=outcome.format(n=days if service == "shelter_accommodation" else days // 7 + 3),
        )
        moments.append(started + datetime.timedelta(days=days, hours=rng.randint(0, 6)))
    _backdate_referral(ctx, referral, moments)
    return referral


def _providers_for(
    rng: random.Random,
    staff: dict[str, tuple[Provider, Organisation, User]],
    case: Case,
    count: int,
) -> list[tuple[Provider, Organisation, User]]:
    weighted: list[tuple[str, int]] = []
    for code, (provider, _, _) in staff.items():
        if case.child_at_registration:
            weight = provider.takes_children
        elif case.person.sex == MALE:
            weight = provider.takes_adult_men
        else:
            weight = provider.takes_adult_women
        if weight:
            weighted.append((code, weight))
    return [staff[code] for code in _choose_some(rng, weighted, count)]


def _referral_history(
    ctx: _Context, rng: random.Random, staff: dict[str, tuple[Provider, Organisation, User]]
) -> None:
    decided = dict(
        IdentificationDecision.objects.filter(outcome="identified").values_list(
            "case_id", "decided_on"
        )
    )
    identified = (
        Case.objects.filter(status=CaseStatus.IDENTIFIED)
        .select_related("person")
        .order_by("registered_at", "pk")
    )
    for case in identified:
        if rng.random() >= REFERRED_SHARE:
            continue
        count = 1 if rng.random() < 0.75 else 2
        chosen = _providers_for(rng, staff, case, count)
        decided_on = decided.get(case.pk) or ctx.calendar.local_date(case.registered_at)
        given_at = ctx.local(decided_on, rng.randint(10, 16), rng.randrange(60))
        given_at += datetime.timedelta(days=rng.randint(0, 2))
        if not chosen:
            continue
        consent = _consent(ctx, rng, case, ctx.investigator, given_at)
        for provider in chosen:
            service = _choose(rng, provider[0].services)
            final = (
                ReferralStatus.DECLINED
                if rng.random() < DECLINED_SHARE
                else ReferralStatus.COMPLETED
            )
            _refer(
                ctx,
                rng,
                case=case,
                sender=ctx.investigator,
                consent=consent,
                provider=provider,
                service=service,
                sent=given_at + _minutes(rng, 0.5, 5),
                final=final,
            )


# --- The last days ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Current:
    """A presumed victim met in the last days, and how far the transfer has come."""

    registrars: tuple[str, ...]  # usernames, the first that exists registers
    channel: str
    victim: _Victim
    hours_ago: tuple[float, float]
    country: str | None = None
    sent_after: tuple[float, float] | None = None  # hours after the registration
    acknowledged_after: tuple[float, float] | None = None  # hours after the transfer
    reflection: bool = False  # also: registered in office hours, days ago


def _current_cases(rng: random.Random) -> list[_Current]:
    def adult(
        sex: str, form: str, low: int, high: int, citizenship: str = HOME, abroad: bool = True
    ) -> _Victim:
        return _Victim(
            sex=sex,
            citizenship=citizenship,
            form=form,
            age=rng.randint(low, high),
            abroad=abroad,
            outcome=None,
        )

    child = _presumed_victim(rng, foreign_child=True)
    child.outcome = None
    ngo_children = ("demo-ngo-azerbaijan-children", "caseworker")
    return [
        # Breached: nobody transferred the person within 24 hours.
        _Current(("hotline",), "hotline", adult(FEMALE, SEXUAL, 19, 30), (30, 40), "TR"),
        # Breached: sent in time, never acknowledged by the specialised police.
        _Current(("caseworker",), "walk_in", adult(MALE, FORCED, 30, 50), (26, 29), "RU", (3, 6)),
        # Open, due within a few hours: sent, not yet acknowledged.
        _Current(
            ("demo-ngo-clean-world", "caseworker"),
            "ngo_outreach",
            adult(FEMALE, SEXUAL, 20, 28),
            (20, 22.5),
            "AE",
            (1, 3),
        ),
        # Open, due within the reminder window: not yet sent.
        _Current(("hotline",), "hotline", adult(FEMALE, SEXUAL, 22, 35), (17.5, 19.5)),
        # Met: sent and acknowledged the same day.
        _Current(
            ("demo-ngo-contact", "hotline"),
            "ngo_outreach",
            adult(MALE, FORCED, 25, 45, citizenship="UZ", abroad=False),
            (9, 14),
            None,
            (1, 2),
            (1, 4),
        ),
        # Open: registered this morning.
        _Current(
            ("caseworker",),
            "walk_in",
            adult(FEMALE, "forced_marriage", 18, 22, abroad=False),
            (4, 7),
        ),
        # An unaccompanied foreign child: transfer, guardianship and migration clocks all open.
        _Current(ngo_children, "ngo_outreach", child, (1, 3)),
        # Met, and a recovery and reflection period running now.
        _Current(
            ("caseworker",),
            "walk_in",
            adult(FEMALE, SEXUAL, 24, 34),
            (8 * 24, 10 * 24),
            "RU",
            (1, 4),
            (2, 12),
            reflection=True,
        ),
    ]


def _current_activity(
    ctx: _Context, rng: random.Random, staff: dict[str, tuple[Provider, Organisation, User]]
) -> None:
    """Presumed victims met in the last days, relative to the real clock, in several states."""
    for plan in _current_cases(rng):
        # Each case draws from its own generator: which records are made never depends on the day.
        own = random.Random(rng.getrandbits(64))  # noqa: S311 - invented data, reproducible
        actor: User | None = None
        for username in plan.registrars:
            actor = User.objects.filter(
                username=username, is_active=True, organisation__isnull=False
            ).first()
            if actor is not None:
                break
        if actor is None or actor.organisation is None:
            continue
        hours_ago = own.uniform(*plan.hours_ago)
        registered_at = ctx.now - datetime.timedelta(hours=hours_ago)
        if plan.reflection:
            day = ctx.calendar.local_date(registered_at)
            registered_at = ctx.local(day, own.randint(9, 16), own.randrange(60))
        if plan.victim.child:
            # Keep the child's "immediately" clock running: registered today, local time.
            midnight = ctx.local(ctx.today, 0) + datetime.timedelta(minutes=5)
            registered_at = min(
                max(registered_at, midnight), ctx.now - datetime.timedelta(minutes=2)
            )
        registered_on = ctx.calendar.local_date(registered_at)
        planned = _plan(
            own,
            plan.victim,
            year=registered_on.year,
            order=0,
            country=plan.country,
            registered_on=registered_on,
            decided_on=None,
        )
        data = dataclasses.replace(planned.data, contact_channel=plan.channel)
        case = register_presumed_victim(actor=actor, data=data, now=registered_at)
        ctx.current_cases += 1
        if (
            plan.sent_after is None
            or actor.organisation.kind == OrganisationKind.SPECIALISED_POLICE
        ):
            continue
        sent = ctx.past(registered_at + _minutes(own, *plan.sent_after))
        transfer = _send(ctx, own, case, sent)
        if plan.acknowledged_after is None:
            continue
        acknowledged = ctx.past(sent + _minutes(own, *plan.acknowledged_after))
        acknowledge_transfer(actor=ctx.investigator, transfer=transfer, now=acknowledged)
        if plan.reflection:
            _running_reflection(ctx, own, case, staff)


def _running_reflection(
    ctx: _Context,
    rng: random.Random,
    case: Case,
    staff: dict[str, tuple[Provider, Organisation, User]],
) -> None:
    """A period granted a few days ago, so the case shows the no-removal banner; a shelter place."""
    decided_on = max(
        ctx.today - datetime.timedelta(days=rng.randint(2, 5)),
        ctx.calendar.local_date(case.registered_at),
    )
    grant_reflection_period(
        actor=ctx.investigator, case=case, decided_on=decided_on, legal_basis=REFLECTION_BASIS
    )
    ctx.reflection_periods += 1
    shelter = staff.get("mia-shelter") or staff.get("ssa-assistance-center")
    if shelter is None:
        return
    given_at = case.registered_at + _minutes(rng, 20, 30)
    consent = _consent(ctx, rng, case, ctx.investigator, given_at)
    _refer(
        ctx,
        rng,
        case=case,
        sender=ctx.investigator,
        consent=consent,
        provider=shelter,
        service="shelter_accommodation",
        sent=given_at + _minutes(rng, 0.5, 2),
        final=ReferralStatus.IN_PROGRESS,
    )


# --- The generator ----------------------------------------------------------------------------


def _deadline_counts() -> dict[str, int]:
    rows = Deadline.objects.values("status").annotate(count=Count("pk")).order_by()
    return {row["status"]: row["count"] for row in rows}


def generate_demo_referrals(*, seed: int = DEFAULT_SEED) -> NrmDemoSummary:
    """Add the referral mechanism's records to the demo history; do nothing if any transfer exists."""
    if Transfer.objects.exists():
        return NrmDemoSummary(created=False, transfers=Transfer.objects.count())
    investigator = User.objects.filter(username="investigator", is_active=True).first()
    if investigator is None or investigator.organisation is None:
        raise LookupError("the demo accounts are missing; `lantern demo` creates them first.")
    police = Organisation.objects.filter(
        code=POLICE, is_active=True, kind=OrganisationKind.SPECIALISED_POLICE
    ).first()
    if police is None or investigator.organisation_id != police.pk:
        raise LookupError(
            "the demo investigator must work for the specialised police authority (mia-ctht)."
        )
    master = random.Random(seed)  # noqa: S311 - invented data, reproducible on purpose
    parts = ("transfers", "guardianship", "migration", "representatives", "reflection")
    seeds = {part: master.getrandbits(64) for part in (*parts, "referrals", "current")}

    def rng(part: str) -> random.Random:
        return random.Random(seeds[part])  # noqa: S311 - invented data, reproducible on purpose

    with transaction.atomic():
        ctx = _Context(
            calendar=current_calendar(),
            now=timezone.now(),
            investigator=investigator,
            police=police,
        )
        staff = _provider_staff(ctx)
        _transfer_history(ctx, rng("transfers"))
        _guardianship_history(ctx, rng("guardianship"))
        _migration_history(ctx, rng("migration"))
        _representatives_history(ctx, rng("representatives"))
        _reflection_history(ctx, rng("reflection"))
        _referral_history(ctx, rng("referrals"), staff)
        _current_activity(ctx, rng("current"), staff)
        sweep_deadlines(now=ctx.now)
        counts = _deadline_counts()
    return NrmDemoSummary(
        created=True,
        transfers=ctx.transfers,
        referrals=ctx.referrals,
        reflection_periods=ctx.reflection_periods,
        guardianship_notifications=ctx.guardianship_notifications,
        migration_entries=ctx.migration_entries,
        legal_representatives=ctx.legal_representatives,
        current_cases=ctx.current_cases,
        accounts_created=ctx.accounts_created,
        deadlines_met=counts.get(DeadlineStatus.MET, 0),
        deadlines_open=counts.get(DeadlineStatus.OPEN, 0),
        deadlines_breached=counts.get(DeadlineStatus.BREACHED, 0),
    )
