"""Services (to the victim or to a child as family), compensation with instalments, legal aid, repatriation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.assistance.models import ServiceDelivered
from lantern.core.models import Role, User
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user: User, path: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(path, body, content_type="application/json")


def test_a_service_to_the_victims_child_is_recorded_against_the_child(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    child = post(
        ngo_worker,
        "/api/v1/family-members/",
        {"case": case.reference, "birth_year": 2017, "sex": "female"},
    )
    assert child.status_code == 201, child.content
    to_child = post(
        ngo_worker,
        "/api/v1/services-delivered/",
        {
            "case": case.reference,
            "family_member": child.json()["id"],
            "service_type": "child_school_supplies",
            "provider": "ngo-clean-world",
            "delivered_on": "2025-09-01",
        },
    )
    assert to_child.status_code == 201, to_child.content
    to_victim = post(
        ngo_worker,
        "/api/v1/services-delivered/",
        {
            "case": case.reference,
            "service_type": "psychological",
            "provider": "ngo-clean-world",
            "delivered_on": "2025-09-02",
            "outcome": "weekly sessions",
        },
    )
    assert to_victim.status_code == 201, to_victim.content
    assert ServiceDelivered.objects.filter(family_member__isnull=True).count() == 1
    assert ServiceDelivered.objects.filter(family_member__isnull=False).count() == 1
    refused = post(
        ngo_worker,
        "/api/v1/services-delivered/",
        {
            "case": case.reference,
            "service_type": "space_travel",
            "provider": "ngo-clean-world",
            "delivered_on": "2999-01-01",
        },
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"service_type", "delivered_on"}


def test_compensation_submitted_awarded_and_received_in_instalments(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    claim = post(
        ngo_worker,
        "/api/v1/compensation-claims/",
        {
            "case": case.reference,
            "against": "offender",
            "body": "Baku Court for Serious Crimes",
            "submitted_on": "2024-02-01",
            "awarded_amount": "3000.00",
            "awarded_on": "2024-06-10",
            "currency": "AZN",
        },
    )
    assert claim.status_code == 201, claim.content
    claim_id = claim.json()["id"]
    assert (
        post(
            ngo_worker,
            f"/api/v1/compensation-claims/{claim_id}/receipts/",
            {"received_on": "2024-08-01", "amount": "1000.00"},
        ).status_code
        == 201
    )
    assert (
        post(
            ngo_worker,
            f"/api/v1/compensation-claims/{claim_id}/receipts/",
            {"received_on": "2024-09-01", "amount": "500.00"},
        ).status_code
        == 201
    )
    assert (
        post(
            ngo_worker,
            f"/api/v1/compensation-claims/{claim_id}/receipts/",
            {"received_on": "2023-01-01", "amount": "5.00"},
        ).status_code
        == 400
    )
    listed = client_for(ngo_worker).get("/api/v1/compensation-claims/").json()["results"]
    assert [(row["awarded_amount"], row["received_total"]) for row in listed] == [
        ("3000.00", "1500.00")
    ]
    half = post(
        ngo_worker,
        "/api/v1/compensation-claims/",
        {
            "case": case.reference,
            "against": "state",
            "body": "x",
            "submitted_on": "2024-02-01",
            "awarded_amount": "10.00",
        },
    )
    assert half.status_code == 400


def test_legal_aid_and_repatriation(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration(citizenship="UZ"))
    aid = post(
        ngo_worker,
        "/api/v1/legal-aid/",
        {
            "case": case.reference,
            "provider_kind": "bar_member",
            "stage": "investigation",
            "started_on": "2025-01-10",
        },
    )
    assert aid.status_code == 201, aid.content
    assert (
        post(
            ngo_worker,
            "/api/v1/legal-aid/",
            {
                "case": case.reference,
                "provider_kind": "bar_member",
                "stage": "court",
                "started_on": "2025-03-10",
                "ended_on": "2025-01-01",
            },
        ).status_code
        == 400
    )
    home = post(
        ngo_worker,
        "/api/v1/repatriations/",
        {
            "case": case.reference,
            "destination": "UZ",
            "repatriated_on": "2025-04-02",
            "documents_obtained": "certificate of return",
            "escorted": True,
            "costs_borne_by": "State budget",
        },
    )
    assert home.status_code == 201, home.content
    assert (
        post(
            ngo_worker,
            "/api/v1/repatriations/",
            {"case": case.reference, "destination": "QQ", "repatriated_on": "2025-04-02"},
        ).status_code
        == 400
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/family-members/",
        "/api/v1/services-delivered/",
        "/api/v1/compensation-claims/",
        "/api/v1/legal-aid/",
        "/api/v1/repatriations/",
    ],
)
def test_outsiders_neither_read_nor_record(
    ngo_worker: User, other_ngo_worker: User, path: str
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    assert client_for(other_ngo_worker).get(path).json()["results"] == []
    assert client_for(staff("mia", Role.STATISTICIAN)).get(path).status_code == 404
    assert post(other_ngo_worker, path, {"case": case.reference}).status_code in (400, 404)


def test_protection_from_expulsion_for_a_foreign_victim(
    ngo_worker: User, investigator: User
) -> None:
    import datetime

    from django.utils import timezone

    from lantern.assistance.services import protection_from_expulsion
    from lantern.register.identity import Identity
    from lantern.register.services import DecisionInput, record_identification_decision

    foreign = register_presumed_victim(
        actor=ngo_worker,
        data=registration(
            citizenship="NG", identity=Identity(birth_date=datetime.date(1990, 1, 1))
        ),
    )
    today = timezone.localdate()
    assert protection_from_expulsion(foreign, today) == []
    record_identification_decision(
        actor=investigator,
        case=foreign,
        expected_version=1,
        decision=DecisionInput(
            decided_on=today,
            deciding_organisation=investigator.organisation,
            method="proactive",
            outcome="identified",
        ),
    )
    foreign.refresh_from_db()
    reasons = protection_from_expulsion(foreign, today)
    assert len(reasons) == 1
    assert "Migration Code Art. 79.4" in reasons[0]
    assert protection_from_expulsion(foreign, today + datetime.timedelta(days=400)) == []
    child = register_presumed_victim(
        actor=ngo_worker,
        data=registration(
            citizenship="UZ", identity=Identity(birth_date=datetime.date(2014, 1, 1))
        ),
    )
    assert "never removed" in protection_from_expulsion(child, today)[0]
    citizen = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2014, 1, 1)))
    )
    assert protection_from_expulsion(citizen, today) == []
    listed = client_for(ngo_worker).get(f"/api/v1/expulsion-protection/?case={foreign.reference}")
    assert listed.status_code == 200
    assert len(listed.json()) == 1
    assert (
        client_for(staff("mia", Role.STATISTICIAN))
        .get(f"/api/v1/expulsion-protection/?case={foreign.reference}")
        .status_code
        == 404
    )
    page = client_for(ngo_worker).get(f"/cases/{foreign.reference}/assistance/").content.decode()
    assert "Protected from expulsion" in page
    exemption = post(
        ngo_worker,
        "/api/v1/work-permit-exemptions/",
        {
            "case": foreign.reference,
            "recorded_on": today.isoformat(),
            "legal_basis": "Migration Code Art. 64.0.15-1",
        },
    )
    assert exemption.status_code == 201


def test_a_service_can_name_the_referral_it_answers(ngo_worker: User) -> None:
    from django.utils import timezone

    from lantern.core.models import Organisation
    from lantern.nrm.services import record_consent, refer_case

    case = register_presumed_victim(actor=ngo_worker, data=registration())
    other = register_presumed_victim(actor=ngo_worker, data=registration())
    consent = record_consent(
        actor=ngo_worker,
        case=case,
        given_by="person",
        given_at=timezone.now(),
        disclosure="summary",
    )
    referral = refer_case(
        actor=ngo_worker,
        case=case,
        provider=Organisation.objects.get(code="ngo-clean-world-shelter"),
        service_type="social",
        consent=consent,
    )
    linked = post(
        ngo_worker,
        "/api/v1/services-delivered/",
        {
            "case": case.reference,
            "service_type": "social",
            "provider": "ngo-clean-world",
            "delivered_on": "2025-09-01",
            "referral": referral.pk,
        },
    )
    assert linked.status_code == 201, linked.content
    assert ServiceDelivered.objects.get().referral == referral
    wrong = post(
        ngo_worker,
        "/api/v1/services-delivered/",
        {
            "case": other.reference,
            "service_type": "social",
            "provider": "ngo-clean-world",
            "delivered_on": "2025-09-01",
            "referral": referral.pk,
        },
    )
    assert wrong.status_code == 400
