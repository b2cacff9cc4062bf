"""The assistance records of the demo: payments, shelters, plans, services, permits, returns."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from lantern.assistance.demo import AssistanceDemoSummary, generate_demo_assistance
from lantern.assistance.models import (
    CompensationClaim,
    CompensationReceipt,
    LegalAid,
    Payment,
    PlanItem,
    PlanItemStatus,
    RehabilitationPlan,
    Repatriation,
    ResidencePermit,
    ServiceDelivered,
    ShelterStay,
    WorkPermitExemption,
)
from lantern.assistance.services import chains_of, occupancy
from lantern.core.demo import ensure_demo_accounts
from lantern.nrm.demo import generate_demo_referrals
from lantern.nrm.services import child_must_be_heard
from lantern.register.demo import generate_demo_history
from lantern.register.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def assistance(django_db_setup: None, django_db_blocker: Any) -> Iterator[AssistanceDemoSummary]:
    """One generation (two years of history) for the whole module, undone at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        generate_demo_history(years=[2022, 2023], demo_staff=True)
        generate_demo_referrals()
        yield generate_demo_assistance()
        transaction.set_rollback(True)


def test_payments_follow_the_rates_and_the_allowance_is_paid_once(
    assistance: AssistanceDemoSummary, az_pack: Path
) -> None:
    assert assistance.created
    payments = Payment.objects.select_related("benefit", "payer", "case")
    assert payments.count() == assistance.payments > 0
    for payment in payments:
        rate = payment.benefit.rate_on(payment.paid_on)
        assert rate is not None and payment.amount == rate.amount
        assert not payment.amount_reason
    allowances = payments.filter(benefit__code="one_time_allowance")
    persons = Counter(allowances.values_list("case__person", flat=True))
    assert persons and max(persons.values()) == 1
    identified = Case.objects.filter(status=CaseStatus.IDENTIFIED).count()
    assert 0.8 * identified <= len(persons) <= identified
    assert set(allowances.values_list("payer__code", flat=True)) == {"ssa-assistance-center"}
    fund = payments.filter(benefit__code="assistance_fund_payment")
    assert set(fund.values_list("payer__code", flat=True)) == {"mia-victims-aid-fund"}
    # The Fund also pays a few potential victims.
    assert fund.filter(case__status=CaseStatus.NOT_IDENTIFIED).exists()
    for payment in allowances:
        assert payment.case.identified_on is not None
        assert payment.paid_on > payment.case.identified_on


def test_no_shelter_is_ever_over_its_places(
    assistance: AssistanceDemoSummary, az_pack: Path
) -> None:
    stays = ShelterStay.objects.select_related("shelter", "case")
    assert stays.count() == assistance.shelter_stays > 0
    assert not stays.exclude(capacity_override_reason="").exists()
    for stay in stays:
        places = occupancy(stay.shelter, stay.admitted_on)
        assert places.adults <= places.adult_places, stay
        assert places.children <= places.child_places, stay
        if stay.discharged_on is not None:
            assert stay.admitted_on <= stay.discharged_on
            assert stay.destination
        if stay.is_child and child_must_be_heard(stay.case, stay.admitted_on):
            assert stay.case.child_hearings.filter(heard_on__lte=stay.admitted_on).exists()
    assert len(set(stays.values_list("shelter__code", flat=True))) > 1


def test_plans_services_legal_aid_and_compensation(
    assistance: AssistanceDemoSummary, az_pack: Path
) -> None:
    plans = RehabilitationPlan.objects.select_related("case", "drawn_up_by")
    assert plans.count() == assistance.plans > 0
    assert {plan.drawn_up_by.kind for plan in plans} == {"assistance_centre"}
    for plan in plans:
        assert plan.case.identified_on is not None
        assert plan.requested_on > plan.case.identified_on
        assert 2 <= plan.items.count() <= 4
        assert plan.reviews.count() <= 1
    started = PlanItem.objects.filter(status__in=(PlanItemStatus.IN_PROGRESS, PlanItemStatus.DONE))
    assert started.count() > PlanItem.objects.count() / 2
    assert not started.filter(victim_agreed_on__isnull=True).exists()
    assert not started.filter(
        plan__case__child_at_identification=True, representative_agreed_on__isnull=True
    ).exists()
    assert ServiceDelivered.objects.count() == assistance.services
    assert ServiceDelivered.objects.filter(family_member__isnull=False).exists()
    assert ServiceDelivered.objects.filter(plan_item__isnull=False).exists()
    assert LegalAid.objects.filter(provider_kind="bar_member").exists()
    claims = CompensationClaim.objects.count()
    assert 1 <= claims <= 4
    assert not CompensationReceipt.objects.exists()  # GRETA Table 5: nothing received


def test_residence_permits_repatriations_and_the_readmission(
    assistance: AssistanceDemoSummary, az_pack: Path
) -> None:
    assert ResidencePermit.objects.count() == assistance.residence_permits >= 2
    holders = Case.objects.filter(residence_permits__isnull=False).distinct()
    gaps = [gap for case in holders for _, found in chains_of(case) for gap in found]
    assert len(gaps) == 1  # the Nigerian chain: 26.07.2023 to 08.10.2023
    assert gaps[0].first_day.isoformat() == "2023-07-26"
    assert gaps[0].last_day.isoformat() == "2023-10-08"
    assert {case.person.citizenship for case in holders} <= {"NG", "RU"}
    assert WorkPermitExemption.objects.filter(case__in=holders).exists()
    for trip in Repatriation.objects.filter(is_readmission=False).select_related("case__person"):
        assert trip.destination == trip.case.person.citizenship != "AZ"
    readmission = Repatriation.objects.get(is_readmission=True)
    assert readmission.repatriated_on.isoformat() == "2024-06-29"
    assert "Greece" in readmission.documents_obtained


def test_a_second_call_adds_nothing(assistance: AssistanceDemoSummary, az_pack: Path) -> None:
    counts = (
        Payment.objects.count(),
        ShelterStay.objects.count(),
        ServiceDelivered.objects.count(),
    )
    again = generate_demo_assistance()
    assert not again.created
    assert again.payments == assistance.payments
    assert "nothing added" in again.describe()
    assert (
        Payment.objects.count(),
        ShelterStay.objects.count(),
        ServiceDelivered.objects.count(),
    ) == counts


def test_the_command_refuses_outside_demo_mode(settings: Any, az_pack: Path) -> None:
    settings.DEMO_MODE = False
    payments = Payment.objects.count()
    with pytest.raises(CommandError, match="demo data goes only into a demo installation"):
        call_command("demo_assistance", stdout=io.StringIO())
    assert Payment.objects.count() == payments


def test_the_command_prints_one_line_in_demo_mode(
    assistance: AssistanceDemoSummary, settings: Any, az_pack: Path
) -> None:
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("demo_assistance", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert "nothing added" in out.getvalue()
