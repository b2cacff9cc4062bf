"""The register through the API: who sees which case, revealing identity, searching, editing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import Role, User
from lantern.register.models import Case
from lantern.register.services import SealInput, record_seal
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

NEW_CASE: dict[str, Any] = {
    "citizenship": "AZ",
    "contact_channel": "ngo_outreach",
    "sex": "female",
    "exploitation_forms": ["sexual_exploitation"],
    "exploitation_countries": ["TR"],
    "identity": {
        "given_name": "Leyla",
        "family_name": "Məmmədova",
        "phone": "+994 50 765 43 21",
        "documents": [{"type": "passport", "number": "C07654321", "issuing_country": "AZ"}],
    },
}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register_through_api(user: User, body: dict[str, Any] | None = None) -> str:
    response = client_for(user).post(
        "/api/v1/cases/", body or NEW_CASE, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    reference: str = response.json()["reference"]
    return reference


def test_an_ngo_registers_in_one_request_and_sees_it_and_no_identity_comes_back(
    ngo_worker: User,
) -> None:
    response = client_for(ngo_worker).post(
        "/api/v1/cases/", NEW_CASE, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "presumed"
    assert body["registering_organisation"] == "ngo-clean-world"
    assert "Məmmədova" not in response.content.decode()
    listed = client_for(ngo_worker).get("/api/v1/cases/").json()
    assert [row["reference"] for row in listed["results"]] == [body["reference"]]


def test_who_sees_a_case(ngo_worker: User, other_ngo_worker: User, investigator: User) -> None:
    reference = register_through_api(ngo_worker)
    assert client_for(other_ngo_worker).get(f"/api/v1/cases/{reference}/").status_code == 404
    assert client_for(other_ngo_worker).get("/api/v1/cases/").json()["results"] == []
    assert client_for(investigator).get(f"/api/v1/cases/{reference}/").status_code == 200


@pytest.mark.parametrize("role", [Role.STATISTICIAN, Role.ADMIN, Role.COORDINATOR, Role.AUDITOR])
def test_roles_without_case_access_get_404_everywhere(ngo_worker: User, role: Role) -> None:
    reference = register_through_api(ngo_worker)
    case = Case.objects.get(reference=reference)
    outsider = client_for(staff("mia", role))
    for path in (
        "/api/v1/cases/",
        f"/api/v1/cases/{reference}/",
        f"/api/v1/cases/{reference}/decisions/",
        f"/api/v1/cases/{reference}/screenings/",
        "/api/v1/persons/",
        f"/api/v1/persons/{case.person.reference}/",
    ):
        assert outsider.get(path).status_code == 404, path
    assert (
        outsider.post(
            f"/api/v1/cases/{reference}/identity/",
            {"reason_code": "safety"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        outsider.post("/api/v1/cases/", NEW_CASE, content_type="application/json").status_code
        == 404
    )
    assert Case.objects.count() == 1


def test_revealing_identity_needs_a_reason_and_is_logged_exactly_once(ngo_worker: User) -> None:
    reference = register_through_api(ngo_worker)
    client = client_for(ngo_worker)
    AccessLogEntry.objects.filter(action=AccessAction.REVEAL_IDENTITY).count()
    refused = client.post(
        f"/api/v1/cases/{reference}/identity/", {}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert AccessLogEntry.objects.filter(action=AccessAction.REVEAL_IDENTITY).count() == 0
    assert client.get(f"/api/v1/cases/{reference}/identity/").status_code == 405
    revealed = client.post(
        f"/api/v1/cases/{reference}/identity/",
        {"reason_code": "contact_victim"},
        content_type="application/json",
    )
    assert revealed.status_code == 200
    assert revealed.json()["family_name"] == "Məmmədova"
    assert revealed.json()["documents"] == [
        {"type": "passport", "number": "C07654321", "issuing_country": "AZ"}
    ]
    reveals = AccessLogEntry.objects.filter(action=AccessAction.REVEAL_IDENTITY)
    assert reveals.count() == 1
    assert reveals.get().case_reference == reference


def test_name_search_finds_all_spellings_and_sealed_persons_stay_hidden(
    ngo_worker: User, investigator: User, police_supervisor: User
) -> None:
    first = register_through_api(ngo_worker)
    second = register_through_api(
        ngo_worker, {**NEW_CASE, "identity": {"given_name": "Лейла", "family_name": "Мамедова"}}
    )
    register_through_api(ngo_worker, {**NEW_CASE, "identity": {"family_name": "Quliyeva"}})
    found = client_for(ngo_worker).get("/api/v1/cases/?q=Mammadova").json()["results"]
    assert sorted(row["reference"] for row in found) == sorted([first, second])
    assert (
        AccessLogEntry.objects.filter(action=AccessAction.SEARCH_NAME, user=ngo_worker).count() == 1
    )

    police = police_supervisor.organisation
    assert police is not None
    sealed = Case.objects.get(reference=first)
    record_seal(
        actor=police_supervisor,
        person=sealed.person,
        data=SealInput(
            "Baku Court for Serious Crimes",
            "1(101)-7/2025",
            datetime.date(2025, 2, 1),
            "identity",
            [police],
        ),
    )
    found = client_for(ngo_worker).get("/api/v1/cases/?q=Mammadova").json()["results"]
    assert [row["reference"] for row in found] == [second]
    assert len(client_for(investigator).get("/api/v1/cases/?q=Mammadova").json()["results"]) == 2

    attempt = client_for(ngo_worker).post(
        f"/api/v1/cases/{first}/identity/",
        {"reason_code": "contact_victim"},
        content_type="application/json",
    )
    assert attempt.status_code == 403
    assert "Məmmədova" not in attempt.content.decode()
    assert (
        AccessLogEntry.objects.filter(
            action=AccessAction.REVEAL_REFUSED, case_reference=first, user=ngo_worker
        ).count()
        == 1
    )
    assert (
        client_for(investigator)
        .post(
            f"/api/v1/cases/{first}/identity/",
            {"reason_code": "court_or_prosecution"},
            content_type="application/json",
        )
        .status_code
        == 200
    )


def test_the_second_of_two_edits_from_the_same_version_is_refused(
    ngo_worker: User, investigator: User
) -> None:
    reference = register_through_api(ngo_worker)
    first = client_for(ngo_worker).patch(
        f"/api/v1/cases/{reference}/",
        {"version": 1, "exploitation_countries": ["AE"]},
        content_type="application/json",
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = client_for(investigator).patch(
        f"/api/v1/cases/{reference}/",
        {"version": 1, "exploitation_countries": ["RU"]},
        content_type="application/json",
    )
    assert second.status_code == 409
    assert "Someone else saved this case" in second.json()["version"][0]
    assert client_for(ngo_worker).get(f"/api/v1/cases/{reference}/").json()[
        "exploitation_countries"
    ] == ["AE"]


def test_bad_input_gets_field_messages_and_changes_nothing(ngo_worker: User) -> None:
    body = {
        **NEW_CASE,
        "citizenship": "QQ",
        "exploitation_from": "2024-05-01",
        "exploitation_to": "2023-01-01",
        "identity": {"birth_date": "2999-01-01"},
    }
    response = client_for(ngo_worker).post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"citizenship", "exploitation_to", "birth_date"}
    assert Case.objects.count() == 0


def test_decisions_and_screenings_through_the_api(ngo_worker: User, investigator: User) -> None:
    reference = register_through_api(ngo_worker)
    today = timezone.localdate().isoformat()
    decision = client_for(investigator).post(
        f"/api/v1/cases/{reference}/decisions/",
        {
            "version": 1,
            "decided_on": today,
            "deciding_organisation": "mia-ctht",
            "method": "proactive",
            "outcome": "identified",
        },
        content_type="application/json",
    )
    assert decision.status_code == 201, decision.content
    assert (
        client_for(ngo_worker).get(f"/api/v1/cases/{reference}/").json()["status"] == "identified"
    )
    incomplete = client_for(investigator).post(
        f"/api/v1/cases/{reference}/decisions/",
        {"version": 2, "decided_on": today, "method": "proactive", "outcome": "identified"},
        content_type="application/json",
    )
    assert incomplete.status_code == 400
    assert "deciding_organisation" in incomplete.json()
    screening = client_for(ngo_worker).post(
        f"/api/v1/cases/{reference}/screenings/",
        {
            "questionnaire": "adult",
            "answers": {"documents_withheld": "yes", "deceived_about_job": "yes"},
        },
        content_type="application/json",
    )
    assert screening.status_code == 201, screening.content
    assert screening.json()["result"] == "strong_indication"
    assert len(client_for(ngo_worker).get(f"/api/v1/cases/{reference}/screenings/").json()) == 1


def test_a_caseworker_cannot_decide_identification(ngo_worker: User) -> None:
    reference = register_through_api(ngo_worker)
    response = client_for(ngo_worker).post(
        f"/api/v1/cases/{reference}/decisions/",
        {
            "version": 1,
            "decided_on": timezone.localdate().isoformat(),
            "deciding_organisation": "ngo-clean-world",
            "method": "reactive",
            "outcome": "identified",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Case.objects.get(reference=reference).decisions.count() == 0


def test_the_access_log_is_for_auditors_and_the_organisations_supervisor(ngo_worker: User) -> None:
    reference = register_through_api(ngo_worker)
    client_for(ngo_worker).post(
        f"/api/v1/cases/{reference}/identity/",
        {"reason_code": "safety"},
        content_type="application/json",
    )
    auditor = client_for(staff("ombudsman", Role.AUDITOR))
    rows = auditor.get("/api/v1/access-log/?action=reveal_identity").json()["results"]
    assert [(row["user"], row["case_reference"], row["reason_code"]) for row in rows] == [
        (ngo_worker.username, reference, "safety")
    ]
    supervisor = client_for(staff("ngo-clean-world", Role.SUPERVISOR))
    assert len(supervisor.get("/api/v1/access-log/?action=reveal_identity").json()["results"]) == 1
    elsewhere = client_for(staff("ngo-contact", Role.SUPERVISOR))
    assert elsewhere.get("/api/v1/access-log/?action=reveal_identity").json()["results"] == []
    assert client_for(ngo_worker).get("/api/v1/access-log/").status_code == 404


def test_unusual_reveals_alert_the_supervisor_and_auditors(
    ngo_worker: User, mailoutbox: list[Any]
) -> None:
    from lantern.access.models import SecurityAlert
    from lantern.core.models import Jurisdiction

    Jurisdiction.objects.update(reveal_alert_per_hour=3)
    supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    supervisor.email = "supervisor@clean-world.example"
    supervisor.save(update_fields=["email"])
    reference = register_through_api(ngo_worker)
    client = client_for(ngo_worker)
    for _ in range(3):
        client.post(
            f"/api/v1/cases/{reference}/identity/",
            {"reason_code": "verify_identity"},
            content_type="application/json",
        )
    assert SecurityAlert.objects.count() == 0
    client.post(
        f"/api/v1/cases/{reference}/identity/",
        {"reason_code": "verify_identity"},
        content_type="application/json",
    )
    client.post(
        f"/api/v1/cases/{reference}/identity/",
        {"reason_code": "verify_identity"},
        content_type="application/json",
    )
    alert = SecurityAlert.objects.get()
    assert alert.about_user == ngo_worker
    assert [message.to for message in mailoutbox] == [["supervisor@clean-world.example"]]
    assert "Məmmədova" not in mailoutbox[0].body


def test_every_read_of_case_level_data_through_the_api_is_logged(ngo_worker: User) -> None:
    reference = register_through_api(ngo_worker)
    person = Case.objects.get(reference=reference).person.reference
    client = client_for(ngo_worker)
    for path in (
        "/api/v1/cases/",
        f"/api/v1/cases/{reference}/",
        f"/api/v1/cases/{reference}/decisions/",
        f"/api/v1/cases/{reference}/screenings/",
        "/api/v1/persons/",
        f"/api/v1/persons/{person}/",
    ):
        before = AccessLogEntry.objects.filter(user=ngo_worker).count()
        assert client.get(path).status_code == 200, path
        assert AccessLogEntry.objects.filter(user=ngo_worker).count() == before + 1, path
