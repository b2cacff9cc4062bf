"""Assistance operations; each refuses bad input whole and runs in one transaction."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.assistance.models import (
    CompensationAgainst,
    CompensationClaim,
    CompensationReceipt,
    FamilyMember,
    LegalAid,
    LegalAidProvider,
    LegalAidStage,
    Payment,
    PlanItem,
    PlanItemStatus,
    PlanReview,
    RehabilitationPlan,
    Repatriation,
    ResidencePermit,
    ServiceDelivered,
    ShelterProfile,
    ShelterStay,
    WorkPermitExemption,
)
from lantern.core.models import (
    BenefitType,
    CodeEntry,
    DeadlineRule,
    Jurisdiction,
    Organisation,
    OrganisationKind,
    User,
)
from lantern.nrm.deadlines import current_calendar, due_for_rule
from lantern.nrm.models import HearingOccasion, Referral
from lantern.nrm.services import check_child_heard, child_must_be_heard, reflection_period_running
from lantern.register.identity import open_identity
from lantern.register.models import Case
from lantern.register.services import ADULT_AGE, RegisterError, age_on, latest_possible_birth_date


class AssistanceError(RegisterError):
    """Input the assistance records refuse; ``errors`` maps fields to messages."""


@transaction.atomic
def record_payment(
    *,
    actor: User,
    case: Case,
    benefit: BenefitType,
    paid_on: datetime.date | None,
    amount: Decimal | None = None,
    amount_reason: str = "",
) -> Payment:
    """Record a benefit paid by ``actor``'s organisation; the amount defaults to the pack's rate in force."""
    errors: dict[str, list[str]] = {}
    if actor.organisation is None:
        raise AssistanceError(
            {"__all__": [_("Your account belongs to no organisation; ask an administrator.")]}
        )
    if paid_on is None:
        raise AssistanceError({"paid_on": [_("Give the date of the payment.")]})
    if paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date is in the future.")]
    rate = benefit.rate_on(paid_on)
    if amount is None:
        if rate is None:
            errors["amount"] = [
                _(
                    "No rate of this benefit was in force on that date; give the amount and the reason."
                )
            ]
        else:
            amount = rate.amount
    elif amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    elif (rate is None or amount != rate.amount) and not amount_reason.strip():
        errors["amount_reason"] = [
            _("The amount differs from the rate in force (%(rate)s); give the reason.")
            % {"rate": f"{rate.amount} {benefit.currency}" if rate else _("none")}
        ]
    if benefit.once_per_person:
        earlier = (
            Payment.objects.filter(case__person=case.person, benefit=benefit)
            .order_by("paid_on")
            .first()
        )
        if earlier is not None:
            errors["benefit"] = [
                _("This benefit is paid once per person; it was paid on %(date)s.")
                % {"date": earlier.paid_on.isoformat()}
            ]
    if errors or amount is None:
        raise AssistanceError(errors)
    return Payment.objects.create(
        case=case,
        benefit=benefit,
        paid_on=paid_on,
        amount=amount,
        currency=benefit.currency,
        payer=actor.organisation,
        legal_basis=rate.legal_basis_en if rate else "",
        amount_reason=amount_reason.strip()[:300],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


def payment_totals(payments: QuerySet[Payment]) -> list[dict[str, object]]:
    """Persons and amounts by benefit, year and payer: what the annual report and GRETA Table 6 print."""
    rows = (
        payments.annotate(year=ExtractYear("paid_on"))
        .values("benefit__code", "year", "payer__code", "currency")
        .annotate(
            persons=Count("case__person", distinct=True), payments=Count("pk"), total=Sum("amount")
        )
        .order_by("benefit__code", "year", "payer__code")
    )
    return [
        {
            "benefit": row["benefit__code"],
            "year": row["year"],
            "payer": row["payer__code"],
            "persons": row["persons"],
            "payments": row["payments"],
            "total": str(Decimal(row["total"]).quantize(Decimal("0.01"))),
            "currency": row["currency"],
        }
        for row in rows
    ]


@transaction.atomic
def record_residence_permit(
    *,
    actor: User,
    case: Case,
    permit_type: str,
    legal_basis: str,
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
    renews: ResidencePermit | None = None,
) -> ResidencePermit:
    errors: dict[str, list[str]] = {}
    if not CodeEntry.objects.filter(
        code_list__code="residence_permit_types", code=permit_type, is_active=True
    ).exists():
        errors["permit_type"] = [
            _("'%(value)s' is not in the list of allowed values.") % {"value": permit_type}
        ]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("Give the legal basis (e.g. Migration Code Art. 45.1.10-1).")]
    if valid_from is None or valid_to is None:
        errors["valid_to"] = [_("Give the dates the permit is valid from and to.")]
    elif valid_to < valid_from:
        errors["valid_to"] = [_("The permit ends before it starts.")]
    if renews is not None:
        if renews.case.person_id != case.person_id:
            errors["renews"] = [_("A renewal continues a permit of the same person.")]
        elif hasattr(renews, "renewal"):
            errors["renews"] = [_("That permit was already renewed.")]
        elif valid_from is not None and valid_from <= renews.valid_from:
            errors["valid_from"] = [_("A renewal starts after the permit it renews.")]
    if errors or valid_from is None or valid_to is None:
        raise AssistanceError(errors)
    return ResidencePermit.objects.create(
        case=case,
        permit_type=permit_type,
        legal_basis=legal_basis.strip()[:300],
        valid_from=valid_from,
        valid_to=valid_to,
        renews=renews,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@dataclass(frozen=True)
class PermitGap:
    after: ResidencePermit
    before: ResidencePermit
    first_day: datetime.date
    last_day: datetime.date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def permit_chain(first: ResidencePermit) -> list[ResidencePermit]:
    """A permit and its renewals, in order."""
    chain = [first]
    while hasattr(chain[-1], "renewal"):
        chain.append(chain[-1].renewal)
    return chain


def chain_gaps(chain: list[ResidencePermit]) -> list[PermitGap]:
    """Days without a valid permit between consecutive permits of a chain (a permit is valid through its last day)."""
    gaps = []
    for earlier, later in itertools.pairwise(chain):
        first_uncovered = earlier.valid_to + datetime.timedelta(days=1)
        if later.valid_from > first_uncovered:
            gaps.append(
                PermitGap(
                    earlier, later, first_uncovered, later.valid_from - datetime.timedelta(days=1)
                )
            )
    return gaps


def chains_of(case: Case) -> list[tuple[list[ResidencePermit], list[PermitGap]]]:
    starts = case.residence_permits.filter(renews__isnull=True).order_by("valid_from")
    return [(chain, chain_gaps(chain)) for chain in (permit_chain(start) for start in starts)]


# --- Individual social rehabilitation plan -------------------------------------------------------


@transaction.atomic
def create_plan(
    *, actor: User, case: Case, requested_on: datetime.date | None
) -> RehabilitationPlan:
    """Draw up a plan; an assistance centre does so only at the victim's request (001:457, 001:823)."""
    organisation = actor.organisation
    errors: dict[str, list[str]] = {}
    if requested_on is None:
        errors["requested_on"] = [
            _("A plan is drawn up only at the person's request; record when it was made.")
        ]
    elif requested_on > timezone.localdate():
        errors["requested_on"] = [_("The request date is in the future.")]
    if organisation is None or organisation.kind != OrganisationKind.ASSISTANCE_CENTRE:
        errors["__all__"] = [_("An assistance centre draws up the individual rehabilitation plan.")]
    if errors or requested_on is None or organisation is None:
        raise AssistanceError(errors)
    return RehabilitationPlan.objects.create(
        case=case,
        requested_on=requested_on,
        drawn_up_by=organisation,
        created_by=actor,
        created_at=timezone.now(),
    )


@transaction.atomic
def add_plan_item(
    *,
    actor: User,
    plan: RehabilitationPlan,
    direction: str,
    provider: Organisation,
    target_date: datetime.date | None,
    victim_agreed_on: datetime.date | None,
    representative_agreed_on: datetime.date | None = None,
) -> PlanItem:
    errors: dict[str, list[str]] = {}
    if not CodeEntry.objects.filter(
        code_list__code="rehabilitation_directions", code=direction, is_active=True
    ).exists():
        errors["direction"] = [
            _("'%(value)s' is not in the list of allowed values.") % {"value": direction}
        ]
    today = timezone.localdate()
    for name, day in (
        ("victim_agreed_on", victim_agreed_on),
        ("representative_agreed_on", representative_agreed_on),
    ):
        if day is not None and day > today:
            errors[name] = [_("The agreement date is in the future.")]
    if errors:
        raise AssistanceError(errors)
    return PlanItem.objects.create(
        plan=plan,
        direction=direction,
        provider=provider,
        target_date=target_date,
        victim_agreed_on=victim_agreed_on,
        representative_agreed_on=representative_agreed_on,
    )


def _plan_for_child(plan: RehabilitationPlan) -> bool:
    return bool(
        plan.case.child_at_identification
        or (plan.case.child_at_identification is None and plan.case.child_at_registration)
    )


@transaction.atomic
def set_plan_item_status(*, actor: User, item: PlanItem, status: str) -> PlanItem:
    """No measure is imposed against the victim's will: an item starts only once agreed (for a child, by the representative too)."""
    errors: dict[str, list[str]] = {}
    if status not in PlanItemStatus.values:
        errors["status"] = [_("Choose planned, in progress, done or cancelled.")]
    if status in (PlanItemStatus.IN_PROGRESS, PlanItemStatus.DONE):
        if item.victim_agreed_on is None:
            errors["status"] = [
                _("The person has not agreed to this measure; record the agreement first.")
            ]
        elif _plan_for_child(item.plan) and item.representative_agreed_on is None:
            errors["status"] = [
                _("For a child, the legal representative's agreement is recorded first.")
            ]
    if errors:
        raise AssistanceError(errors)
    item.status = status
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def record_agreement(
    *,
    actor: User,
    item: PlanItem,
    victim_agreed_on: datetime.date | None,
    representative_agreed_on: datetime.date | None = None,
) -> PlanItem:
    if victim_agreed_on is None and representative_agreed_on is None:
        raise AssistanceError({"victim_agreed_on": [_("Give the date of the agreement.")]})
    today = timezone.localdate()
    if any(day is not None and day > today for day in (victim_agreed_on, representative_agreed_on)):
        raise AssistanceError({"victim_agreed_on": [_("The agreement date is in the future.")]})
    item.victim_agreed_on = victim_agreed_on or item.victim_agreed_on
    item.representative_agreed_on = representative_agreed_on or item.representative_agreed_on
    item.save(update_fields=["victim_agreed_on", "representative_agreed_on"])
    return item


@transaction.atomic
def review_plan(
    *, actor: User, plan: RehabilitationPlan, reviewed_on: datetime.date | None, note: str
) -> PlanReview:
    if reviewed_on is None or reviewed_on > timezone.localdate() or not note.strip():
        raise AssistanceError({"note": [_("Give the date of the review and what it found.")]})
    return PlanReview.objects.create(
        plan=plan, reviewed_on=reviewed_on, note=note.strip()[:1000], reviewed_by=actor
    )


# --- Shelters ----------------------------------------------------------------------------------


def current_stays(shelter: Organisation, on: datetime.date) -> QuerySet[ShelterStay]:
    return ShelterStay.objects.filter(shelter=shelter, admitted_on__lte=on).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gt=on)
    )


@dataclass(frozen=True)
class Occupancy:
    adults: int
    children: int
    adult_places: int
    child_places: int

    @property
    def free_adult_places(self) -> int:
        return self.adult_places - self.adults

    @property
    def free_child_places(self) -> int:
        return self.child_places - self.children


def occupancy(shelter: Organisation, on: datetime.date) -> Occupancy:
    profile = ShelterProfile.objects.filter(shelter=shelter).first()
    stays = current_stays(shelter, on)
    return Occupancy(
        adults=stays.filter(is_child=False).count(),
        children=stays.filter(is_child=True).count(),
        adult_places=profile.adult_places if profile else 0,
        child_places=profile.child_places if profile else 0,
    )


def _is_child_on(case: Case, day: datetime.date) -> bool:
    youngest = latest_possible_birth_date(case.person, open_identity(case.person))
    if youngest is None:
        return bool(case.child_at_registration)
    return age_on(youngest, day) < ADULT_AGE


@transaction.atomic
def admit_to_shelter(
    *,
    actor: User,
    case: Case,
    admitted_on: datetime.date | None,
    reason: str,
    accompanied_by: Case | None = None,
    accompanied_by_parent: bool = False,
    capacity_override_reason: str = "",
    may_override: bool = False,
) -> ShelterStay:
    """Admit a person to ``actor``'s shelter: within its places, and for a child over 10, once heard."""
    shelter = actor.organisation
    errors: dict[str, list[str]] = {}
    if shelter is None or shelter.kind != OrganisationKind.SHELTER:
        raise AssistanceError({"__all__": [_("A shelter records the stays in its own shelter.")]})
    if admitted_on is None or admitted_on > timezone.localdate():
        raise AssistanceError(
            {"admitted_on": [_("Give the admission date; it cannot be in the future.")]}
        )
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the admission.")]
    if current_stays(shelter, admitted_on).filter(case__person=case.person).exists():
        errors["__all__"] = [_("The person is already staying in this shelter.")]
    is_child = _is_child_on(case, admitted_on)
    places = occupancy(shelter, admitted_on)
    full = places.free_child_places <= 0 if is_child else places.free_adult_places <= 0
    if full and not (may_override and capacity_override_reason.strip()):
        errors["capacity_override_reason"] = [
            _(
                "The shelter is full; only a supervisor can admit beyond its places, giving the reason."
            )
        ]
    if is_child:
        try:
            check_child_heard(case, HearingOccasion.PLACEMENT, admitted_on)
        except RegisterError as error:
            errors.setdefault("__all__", []).extend(error.errors["__all__"])
    if errors:
        raise AssistanceError(errors)
    return ShelterStay.objects.create(
        case=case,
        shelter=shelter,
        is_child=is_child,
        admitted_on=admitted_on,
        admission_reason=reason.strip()[:300],
        accompanied_by=accompanied_by,
        accompanied_by_parent=accompanied_by_parent,
        capacity_override_reason=capacity_override_reason.strip()[:300] if full else "",
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def extend_stay(
    *, actor: User, stay: ShelterStay, until: datetime.date | None, reason: str
) -> ShelterStay:
    if actor.organisation_id != stay.shelter_id:
        raise AssistanceError({"__all__": [_("A shelter records the stays in its own shelter.")]})
    if until is None or until <= timezone.localdate() or not reason.strip():
        raise AssistanceError(
            {"until": [_("Give a future date and the reason for the extension.")]}
        )
    if stay.is_child:
        check_child_heard(stay.case, HearingOccasion.EXTENSION, timezone.localdate())
    stay.staying_until = until
    stay.save(update_fields=["staying_until"])
    return stay


@transaction.atomic
def discharge(
    *,
    actor: User,
    stay: ShelterStay,
    discharged_on: datetime.date | None,
    reason: str,
    destination: str,
) -> ShelterStay:
    if actor.organisation_id != stay.shelter_id:
        raise AssistanceError({"__all__": [_("A shelter records the stays in its own shelter.")]})
    if (
        discharged_on is None
        or discharged_on < stay.admitted_on
        or discharged_on > timezone.localdate()
    ):
        raise AssistanceError(
            {"discharged_on": [_("The discharge date lies between the admission and today.")]}
        )
    if not reason.strip():
        raise AssistanceError({"reason": [_("Give the reason for the discharge.")]})
    stay.discharged_on, stay.discharge_reason, stay.destination = (
        discharged_on,
        reason.strip()[:300],
        destination.strip()[:300],
    )
    stay.save(update_fields=["discharged_on", "discharge_reason", "destination"])
    return stay


def stay_warnings(stay: ShelterStay, on: datetime.date) -> list[str]:
    """What the rules say deserves a look, for the occupancy page."""
    warnings = []
    if stay.is_child and stay.accompanied_by is not None and not stay.accompanied_by_parent:
        warnings.append(_("A child placed with an adult who is not a parent."))
    if (
        stay.is_child
        and child_must_be_heard(stay.case, stay.admitted_on)
        and not stay.case.child_hearings.filter(occasion=HearingOccasion.PLACEMENT).exists()
    ):
        warnings.append(_("A child over 10 placed without a recorded hearing."))
    if stay.capacity_override_reason:
        warnings.append(
            _("Admitted beyond the shelter's places: %(reason)s")
            % {"reason": stay.capacity_override_reason}
        )
    return warnings


# --- Services, compensation, legal aid, repatriation -------------------------------------------


def _check_code(errors: dict[str, list[str]], name: str, list_code: str, value: str) -> None:
    if not CodeEntry.objects.filter(code_list__code=list_code, code=value, is_active=True).exists():
        errors[name] = [_("'%(value)s' is not in the list of allowed values.") % {"value": value}]


def _not_future(errors: dict[str, list[str]], name: str, day: datetime.date | None) -> None:
    if day is None:
        errors[name] = [_("Give the date.")]
    elif day > timezone.localdate():
        errors[name] = [_("The date is in the future.")]


@transaction.atomic
def record_family_member(
    *, actor: User, case: Case, birth_year: int | None, sex: str
) -> FamilyMember:
    if birth_year is not None and not 1900 <= birth_year <= timezone.localdate().year:
        raise AssistanceError(
            {"birth_year": [_("The birth year must be between 1900 and this year.")]}
        )
    return FamilyMember.objects.create(case=case, birth_year=birth_year, sex=sex)


@transaction.atomic
def record_service(
    *,
    actor: User,
    case: Case,
    service_type: str,
    provider: Organisation,
    delivered_on: datetime.date | None,
    outcome: str = "",
    family_member: FamilyMember | None = None,
    plan_item: PlanItem | None = None,
    referral: Referral | None = None,
) -> ServiceDelivered:
    """A service given to the victim, or to the victim's child as family (not as a victim)."""
    errors: dict[str, list[str]] = {}
    _check_code(errors, "service_type", "service_types", service_type)
    _not_future(errors, "delivered_on", delivered_on)
    if family_member is not None and family_member.case_id != case.pk:
        errors["family_member"] = [_("That family member belongs to another case.")]
    if plan_item is not None and plan_item.plan.case_id != case.pk:
        errors["plan_item"] = [_("That plan item belongs to another case.")]
    if referral is not None and referral.case_id != case.pk:
        errors["referral"] = [_("That referral belongs to another case.")]
    if errors or delivered_on is None:
        raise AssistanceError(errors)
    return ServiceDelivered.objects.create(
        case=case,
        family_member=family_member,
        service_type=service_type,
        provider=provider,
        delivered_on=delivered_on,
        plan_item=plan_item,
        referral=referral,
        outcome=outcome.strip()[:500],
        recorded_by=actor,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def record_compensation_claim(
    *,
    actor: User,
    case: Case,
    against: str,
    body: str,
    submitted_on: datetime.date | None,
    awarded_amount: Decimal | None = None,
    awarded_on: datetime.date | None = None,
    currency: str = "AZN",
) -> CompensationClaim:
    errors: dict[str, list[str]] = {}
    if against not in CompensationAgainst.values:
        errors["against"] = [_("Say whether the claim is against the offender or the State.")]
    if not body.strip():
        errors["body"] = [_("Name the court or body the claim went to.")]
    _not_future(errors, "submitted_on", submitted_on)
    if (awarded_amount is None) != (awarded_on is None):
        errors["awarded_on"] = [_("Give both the amount awarded and the date, or neither.")]
    elif awarded_on is not None and submitted_on is not None and awarded_on < submitted_on:
        errors["awarded_on"] = [_("An award cannot come before the claim.")]
    if errors or submitted_on is None:
        raise AssistanceError(errors)
    return CompensationClaim.objects.create(
        case=case,
        against=against,
        body=body.strip()[:300],
        submitted_on=submitted_on,
        awarded_amount=awarded_amount,
        awarded_on=awarded_on,
        currency=currency,
        recorded_by=actor,
    )


@transaction.atomic
def record_compensation_receipt(
    *,
    actor: User,
    claim: CompensationClaim,
    received_on: datetime.date | None,
    amount: Decimal | None,
) -> CompensationReceipt:
    errors: dict[str, list[str]] = {}
    _not_future(errors, "received_on", received_on)
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if received_on is not None and received_on < claim.submitted_on:
        errors["received_on"] = [_("Nothing is received before the claim.")]
    if errors or received_on is None or amount is None:
        raise AssistanceError(errors)
    return CompensationReceipt.objects.create(claim=claim, received_on=received_on, amount=amount)


@transaction.atomic
def record_legal_aid(
    *,
    actor: User,
    case: Case,
    provider_kind: str,
    stage: str,
    started_on: datetime.date | None,
    ended_on: datetime.date | None = None,
) -> LegalAid:
    errors: dict[str, list[str]] = {}
    if provider_kind not in LegalAidProvider.values:
        errors["provider_kind"] = [
            _("Choose a contracted Bar member, an NGO lawyer or a state-paid lawyer for a child.")
        ]
    if stage not in LegalAidStage.values:
        errors["stage"] = [_("Choose investigation or court.")]
    _not_future(errors, "started_on", started_on)
    if ended_on is not None and started_on is not None and ended_on < started_on:
        errors["ended_on"] = [_("The aid ends before it starts.")]
    if errors or started_on is None:
        raise AssistanceError(errors)
    return LegalAid.objects.create(
        case=case,
        provider_kind=provider_kind,
        stage=stage,
        started_on=started_on,
        ended_on=ended_on,
        recorded_by=actor,
    )


@transaction.atomic
def record_repatriation(
    *,
    actor: User,
    case: Case,
    destination: str,
    repatriated_on: datetime.date | None,
    documents_obtained: str = "",
    escorted: bool = False,
    costs_borne_by: str = "",
    is_readmission: bool = False,
) -> Repatriation:
    errors: dict[str, list[str]] = {}
    _check_code(errors, "destination", "countries", destination)
    _not_future(errors, "repatriated_on", repatriated_on)
    if errors or repatriated_on is None:
        raise AssistanceError(errors)
    return Repatriation.objects.create(
        case=case,
        destination=destination,
        repatriated_on=repatriated_on,
        documents_obtained=documents_obtained.strip()[:300],
        escorted=escorted,
        costs_borne_by=costs_borne_by.strip()[:200],
        is_readmission=is_readmission,
        recorded_by=actor,
    )


# --- Protection from expulsion ------------------------------------------------------------------


def protection_from_expulsion(case: Case, on: datetime.date) -> list[str]:
    """Why a foreign victim may not be removed on ``on`` (empty: no protection Lantern knows of).

    From the pack and the records: a running reflection period, the year after identification
    (pack rule), and always for a child. Protection as a cooperating witness comes with the
    criminal proceedings.
    """
    home = Jurisdiction.objects.values_list("country", flat=True).first() or ""
    if case.person.citizenship == home:
        return []
    reasons = []
    if _is_child_on(case, on):
        reasons.append(_("A child victim is never removed."))
    moment = datetime.datetime.combine(on, datetime.time(12), tzinfo=current_calendar().time_zone)
    if reflection_period_running(case, at=moment) is not None:
        reasons.append(_("The recovery and reflection period is running."))
    rule = DeadlineRule.objects.filter(
        code="expulsion_protection_after_identification", is_active=True
    ).first()
    if rule is not None and case.identified_on is not None:
        identified = datetime.datetime.combine(
            case.identified_on, datetime.time(12), tzinfo=current_calendar().time_zone
        )
        ends = due_for_rule(rule, identified)
        if moment < ends:
            reasons.append(
                _("Recognised as a victim: no expulsion decision until %(date)s (%(basis)s).")
                % {
                    "date": timezone.localdate(ends - datetime.timedelta(seconds=1)).isoformat(),
                    "basis": rule.legal_basis,
                }
            )
    return reasons


@transaction.atomic
def record_work_permit_exemption(
    *, actor: User, case: Case, recorded_on: datetime.date | None, legal_basis: str
) -> WorkPermitExemption:
    errors: dict[str, list[str]] = {}
    _not_future(errors, "recorded_on", recorded_on)
    if not legal_basis.strip():
        errors["legal_basis"] = [_("Give the legal basis (e.g. Migration Code Art. 64.0.15-1).")]
    if errors or recorded_on is None:
        raise AssistanceError(errors)
    return WorkPermitExemption.objects.create(
        case=case, recorded_on=recorded_on, legal_basis=legal_basis.strip()[:300], recorded_by=actor
    )
