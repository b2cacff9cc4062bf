"""The referral mechanism through the API, as an integrating system would use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.core.models import Role, User
from lantern.nrm.models import DeadlineStatus
from tests.register.conftest import staff
from tests.register.test_api import NEW_CASE

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user: User, path: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(path, body, content_type="application/json")


def test_register_transfer_acknowledge_and_report_by_api(
    ngo_worker: User, investigator: User
) -> None:
    reference = post(ngo_worker, "/api/v1/cases/", NEW_CASE).json()["reference"]
    queue = client_for(ngo_worker).get("/api/v1/deadlines/").json()["results"]
    assert [(row["case"], row["kind"], row["status"]) for row in queue] == [
        (reference, "transfer_to_specialised_police", "open")
    ]
    refused = post(
        ngo_worker,
        "/api/v1/transfers/",
        {
            "case": reference,
            "receiver": "mia-local-police",
            "rights_explained": ["rights_under_law"],
        },
    )
    assert refused.status_code == 400
    assert "prohibited" in refused.json()["receiver"][0]
    sent = post(
        ngo_worker,
        "/api/v1/transfers/",
        {
            "case": reference,
            "receiver": "mia-ctht",
            "documents": "application",
            "rights_explained": ["rights_under_law"],
        },
    )
    assert sent.status_code == 201, sent.content
    transfer_id = sent.json()["id"]
    assert post(ngo_worker, f"/api/v1/transfers/{transfer_id}/acknowledge/", {}).status_code == 400
    assert (
        post(investigator, f"/api/v1/transfers/{transfer_id}/acknowledge/", {}).status_code == 200
    )
    assert (
        client_for(ngo_worker).get("/api/v1/deadlines/?status=met").json()["results"][0]["status"]
        == DeadlineStatus.MET
    )
    reported = post(
        investigator,
        f"/api/v1/transfers/{transfer_id}/outcome/",
        {"outcome": "identified", "outcome_on": timezone.localdate().isoformat()},
    )
    assert reported.status_code == 200
    seen = client_for(ngo_worker).get("/api/v1/transfers/").json()["results"]
    assert seen[0]["outcome"] == "identified"


def test_consent_referral_and_moves_by_api(ngo_worker: User) -> None:
    reference = post(ngo_worker, "/api/v1/cases/", NEW_CASE).json()["reference"]
    shelter_worker = staff("mia-shelter", Role.CASEWORKER)
    without = post(
        ngo_worker,
        "/api/v1/referrals/",
        {"case": reference, "provider": "mia-shelter", "service_type": "social"},
    )
    assert without.status_code == 400
    consent = post(
        ngo_worker,
        "/api/v1/consents/",
        {
            "case": reference,
            "given_by": "person",
            "given_at": timezone.now().isoformat(),
            "disclosure": "summary",
        },
    ).json()
    referral = post(
        ngo_worker,
        "/api/v1/referrals/",
        {
            "case": reference,
            "provider": "mia-shelter",
            "service_type": "social",
            "consent": consent["id"],
        },
    )
    assert referral.status_code == 201, referral.content
    referral_id = referral.json()["id"]
    assert [
        row["id"] for row in client_for(shelter_worker).get("/api/v1/referrals/").json()["results"]
    ] == [referral_id]
    assert (
        post(
            shelter_worker, f"/api/v1/referrals/{referral_id}/move/", {"status": "accepted"}
        ).status_code
        == 200
    )
    assert (
        post(
            shelter_worker,
            f"/api/v1/referrals/{referral_id}/move/",
            {"status": "completed", "outcome": "housed for 3 weeks"},
        ).status_code
        == 200
    )
    assert client_for(shelter_worker).get(f"/api/v1/cases/{reference}/").status_code == 200
    assert (
        client_for(shelter_worker)
        .patch(
            f"/api/v1/cases/{reference}/",
            {"version": 1, "online_platform": ""},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_child_safeguards_and_reflection_period_by_api(
    ngo_worker: User, investigator: User
) -> None:
    child = {
        **NEW_CASE,
        "citizenship": "UZ",
        "is_unaccompanied": True,
        "identity": {"family_name": "Karimova", "birth_date": "2011-06-01"},
    }
    reference = post(ngo_worker, "/api/v1/cases/", child).json()["reference"]
    kinds = {
        row["kind"] for row in client_for(ngo_worker).get("/api/v1/deadlines/").json()["results"]
    }
    assert kinds == {
        "transfer_to_specialised_police",
        "guardianship_notification",
        "unaccompanied_minor_umis_entry",
    }
    told = post(
        ngo_worker,
        "/api/v1/guardianship-notifications/",
        {
            "case": reference,
            "notified_organisation": "guardianship-authority",
            "notified_at": timezone.now().isoformat(),
            "method": "phone",
        },
    )
    assert told.status_code == 201, told.content
    entered = post(
        ngo_worker,
        "/api/v1/migration-system-entries/",
        {
            "case": reference,
            "entered_on": timezone.localdate().isoformat(),
            "system_reference": "UMIS-1",
        },
    )
    assert entered.status_code == 201
    represented = post(
        ngo_worker,
        "/api/v1/legal-representatives/",
        {
            "case": reference,
            "representative_type": "guardian",
            "appointed_by": "Guardianship commission",
        },
    )
    assert represented.status_code == 201
    statuses = {
        row["kind"]: row["status"]
        for row in client_for(ngo_worker).get("/api/v1/deadlines/").json()["results"]
    }
    assert (
        statuses["guardianship_notification"] == statuses["unaccompanied_minor_umis_entry"] == "met"
    )
    assert (
        post(
            ngo_worker,
            "/api/v1/reflection-periods/",
            {"case": reference, "decided_on": timezone.localdate().isoformat(), "legal_basis": "x"},
        ).status_code
        == 404
    )
    granted = post(
        investigator,
        "/api/v1/reflection-periods/",
        {
            "case": reference,
            "decided_on": timezone.localdate().isoformat(),
            "legal_basis": "Law Art. 14-1.1",
        },
    )
    assert granted.status_code == 201
    ended = post(
        investigator,
        f"/api/v1/reflection-periods/{granted.json()['id']}/end/",
        {"ended_at": timezone.now().isoformat(), "reason": "decided to cooperate"},
    )
    assert ended.status_code == 200


def test_the_coordinator_gets_counts_and_nothing_else(ngo_worker: User) -> None:
    post(ngo_worker, "/api/v1/cases/", NEW_CASE)
    coordinator = client_for(staff("national-coordinator", Role.COORDINATOR))
    counts = coordinator.get("/api/v1/deadlines/counts/").json()
    assert counts == [
        {
            "organisation": "ngo-clean-world",
            "kind": "transfer_to_specialised_police",
            "met": 0,
            "breached": 0,
            "open": 1,
        }
    ]
    for path in ("/api/v1/deadlines/", "/api/v1/transfers/", "/api/v1/referrals/"):
        assert coordinator.get(path).status_code == 404, path
    assert client_for(ngo_worker).get("/api/v1/deadlines/counts/").status_code == 404


def test_an_outsider_cannot_act_on_a_case(ngo_worker: User, other_ngo_worker: User) -> None:
    reference = post(ngo_worker, "/api/v1/cases/", NEW_CASE).json()["reference"]
    assert (
        post(
            other_ngo_worker,
            "/api/v1/transfers/",
            {"case": reference, "receiver": "mia-ctht", "rights_explained": ["rights_under_law"]},
        ).status_code
        == 404
    )
    assert (
        post(
            other_ngo_worker,
            "/api/v1/consents/",
            {
                "case": reference,
                "given_by": "person",
                "given_at": timezone.now().isoformat(),
                "disclosure": "identity",
            },
        ).status_code
        == 404
    )


def test_a_child_hearing_by_api(ngo_worker: User) -> None:
    child = {**NEW_CASE, "identity": {"family_name": "Karimova", "birth_date": "2012-06-01"}}
    reference = post(ngo_worker, "/api/v1/cases/", child).json()["reference"]
    heard = post(
        ngo_worker,
        "/api/v1/child-hearings/",
        {"case": reference, "occasion": "placement", "heard_on": timezone.localdate().isoformat()},
    )
    assert heard.status_code == 201, heard.content
