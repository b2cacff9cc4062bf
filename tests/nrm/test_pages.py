"""The referral mechanism's pages: a case's transfer and referral steps, the work queue, the national counts."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from lantern.core.models import Organisation, Role, User
from lantern.nrm.models import Deadline, DeadlineStatus, ReferralStatus
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db
BAKU = zoneinfo.ZoneInfo("Asia/Baku")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_transfer_acknowledgement_and_feedback_through_the_pages(
    ngo_worker: User, investigator: User
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    ngo, police = client_for(ngo_worker), client_for(investigator)
    page = ngo.get(f"/cases/{case.reference}/").content.decode()
    assert "Transfer of a victim or presumed victim" in page
    refused = ngo.post(
        f"/cases/{case.reference}/referral-mechanism/transfer/",
        {
            "receiver": Organisation.objects.get(code="mia-local-police").pk,
            "rights_explained": ["rights_under_law"],
        },
        follow=True,
    )
    assert case.transfers.count() == 0
    assert "Select a valid choice" in refused.content.decode()
    ngo.post(
        f"/cases/{case.reference}/referral-mechanism/transfer/",
        {
            "receiver": investigator.organisation_id,
            "documents": "application",
            "rights_explained": ["rights_under_law", "receiving_authority"],
        },
    )
    transfer = case.transfers.get()
    police.post(f"/cases/{case.reference}/referral-mechanism/acknowledge/{transfer.pk}/")
    assert Deadline.objects.get(case=case).status == DeadlineStatus.MET
    police.post(
        f"/cases/{case.reference}/referral-mechanism/outcome/{transfer.pk}/",
        {
            "outcome": "not_identified",
            "outcome_on": timezone.localdate().isoformat(),
            "note": "no indicators confirmed",
        },
    )
    seen_by_sender = ngo.get(f"/cases/{case.reference}/referral-mechanism/").content.decode()
    assert "Not identified as a victim" in seen_by_sender
    assert "no indicators confirmed" in seen_by_sender


def test_referral_steps_through_the_pages(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    shelter_worker = staff("mia-shelter", Role.CASEWORKER)
    ngo = client_for(ngo_worker)
    ngo.post(
        f"/cases/{case.reference}/referral-mechanism/refer/",
        {"provider": Organisation.objects.get(code="mia-shelter").pk, "service_type": "social"},
    )
    assert case.referrals.count() == 0
    ngo.post(
        f"/cases/{case.reference}/referral-mechanism/consent/",
        {
            "given_by": "person",
            "given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "disclosure": "summary",
        },
    )
    ngo.post(
        f"/cases/{case.reference}/referral-mechanism/refer/",
        {"provider": Organisation.objects.get(code="mia-shelter").pk, "service_type": "social"},
    )
    referral = case.referrals.get()
    shelter = client_for(shelter_worker)
    assert shelter.get(f"/cases/{case.reference}/").status_code == 200
    shelter.post(
        f"/cases/{case.reference}/referral-mechanism/move/{referral.pk}/", {"status": "accepted"}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    ngo.post(
        f"/cases/{case.reference}/referral-mechanism/move/{referral.pk}/",
        {"status": "withdrawn", "reason": "moved away"},
    )
    assert shelter.get(f"/cases/{case.reference}/").status_code == 404


def test_the_reflection_period_banner(ngo_worker: User, investigator: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client_for(investigator).post(
        f"/cases/{case.reference}/referral-mechanism/reflection-grant/",
        {"decided_on": timezone.localdate().isoformat(), "legal_basis": "Law Art. 14-1.1"},
    )
    assert case.reflection_periods.count() == 1
    assert (
        "no removal or expulsion until"
        in client_for(ngo_worker).get(f"/cases/{case.reference}/").content.decode()
    )
    # Only an investigator of the specialised police grants it.
    assert (
        client_for(ngo_worker)
        .post(
            f"/cases/{case.reference}/referral-mechanism/reflection-grant/",
            {"decided_on": timezone.localdate().isoformat(), "legal_basis": "x"},
        )
        .status_code
        == 404
    )


def test_the_queue_puts_breached_deadlines_first(ngo_worker: User) -> None:
    early = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=datetime.datetime(2025, 3, 3, 10, tzinfo=BAKU)
    )
    late = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=datetime.datetime(2025, 3, 4, 10, tzinfo=BAKU)
    )
    with time_machine.travel(datetime.datetime(2025, 3, 4, 12, tzinfo=BAKU), tick=False):
        from lantern.nrm.services import sweep_deadlines

        sweep_deadlines()
        page = client_for(ngo_worker).get("/deadlines/").content.decode()
    assert page.index(early.reference) < page.index(late.reference)
    assert "Breached" in page
    assert "overdue" in page


def test_the_coordinator_sees_counts_and_no_case(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    coordinator = staff("national-coordinator", Role.COORDINATOR)
    page = client_for(coordinator).get("/deadlines/counts/").content.decode()
    assert "transfer_to_specialised_police" in page
    assert case.reference not in page
    assert client_for(coordinator).get("/deadlines/").status_code == 404
    assert client_for(ngo_worker).get("/deadlines/counts/").status_code == 404
    assert (
        client_for(coordinator).get(f"/cases/{case.reference}/referral-mechanism/").status_code
        == 404
    )


def test_nrm_events_appear_on_the_case_timeline(ngo_worker: User, investigator: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    client_for(ngo_worker).post(
        f"/cases/{case.reference}/referral-mechanism/transfer/",
        {"receiver": investigator.organisation_id, "rights_explained": ["rights_under_law"]},
    )
    client_for(investigator).post(
        f"/cases/{case.reference}/referral-mechanism/acknowledge/{case.transfers.get().pk}/"
    )
    page = client_for(ngo_worker).get(f"/cases/{case.reference}/").content.decode()
    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    assert timeline.index("Transfer sent to") < timeline.index("Transfer acknowledged")
    assert "Met" in timeline


def test_both_sides_see_an_overdue_transfer(ngo_worker: User) -> None:
    case = register_presumed_victim(
        actor=ngo_worker, data=registration(), now=datetime.datetime(2025, 3, 3, 10, tzinfo=BAKU)
    )
    police_supervisor = staff("mia-ctht", Role.SUPERVISOR)
    ngo_supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    with time_machine.travel(datetime.datetime(2025, 3, 5, 10, tzinfo=BAKU), tick=False):
        from lantern.nrm.services import sweep_deadlines

        sweep_deadlines()
        for supervisor in (police_supervisor, ngo_supervisor):
            page = client_for(supervisor).get("/deadlines/").content.decode()
            assert case.reference in page
            assert "Breached" in page
    assert (
        case.reference
        not in client_for(staff("ngo-contact", Role.SUPERVISOR)).get("/deadlines/").content.decode()
    )


def test_a_pack_response_time_for_a_service_opens_and_closes_with_the_referral(
    ngo_worker: User,
) -> None:
    from lantern.core.models import DeadlineRule
    from lantern.nrm.services import move_referral, record_consent, refer_case

    DeadlineRule.objects.create(
        code="referral_response_social",
        name_en="Answer a referral for social help",
        name_az="x",
        name_ru="x",
        duration_amount=3,
        duration_unit="working_days",
        legal_basis_en="Local practice",
        legal_basis_az="x",
        legal_basis_ru="x",
    )
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    consent = record_consent(
        actor=ngo_worker,
        case=case,
        given_by="person",
        given_at=timezone.now(),
        disclosure="summary",
    )
    shelter = Organisation.objects.get(code="mia-shelter")
    referral = refer_case(
        actor=ngo_worker, case=case, provider=shelter, service_type="social", consent=consent
    )
    deadline = Deadline.objects.get(case=case, kind="referral_response_social")
    assert deadline.responsible_organisation == shelter
    move_referral(
        actor=staff("mia-shelter", Role.CASEWORKER),
        referral=referral,
        status=ReferralStatus.ACCEPTED,
    )
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_the_police_are_not_offered_a_transfer_to_themselves(
    ngo_worker: User, investigator: User
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    assert (
        "Transfer now"
        in client_for(ngo_worker)
        .get(f"/cases/{case.reference}/referral-mechanism/")
        .content.decode()
    )
    assert (
        "Transfer now"
        not in client_for(investigator)
        .get(f"/cases/{case.reference}/referral-mechanism/")
        .content.decode()
    )
