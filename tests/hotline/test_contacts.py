"""A call logged in one step, a case opened from it, and counts without any caller or case."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.core.models import Role, User
from lantern.hotline.models import Contact
from lantern.nrm.models import Deadline
from lantern.register.models import Case
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

CALL = {
    "line": "line_152",
    "caller_type": "relative",
    "topic": "possible_trafficking",
    "outcome": "passed_to_police",
    "language": "az",
}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator(az_pack: Any) -> User:
    return staff("mia-hotline-152", Role.HOTLINE_OPERATOR, username="night-operator")


def test_a_call_becomes_a_presumed_victim_case_in_one_action(operator: User) -> None:
    response = client_for(operator).post(
        "/hotline/",
        {
            **CALL,
            "possible_victim": "on",
            "citizenship": "AZ",
            "sex": "female",
            "family_name": "Məmmədova",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.case is not None
    assert response["Location"] == f"/cases/{contact.case.reference}/"
    assert contact.outcome == "case_opened"
    assert contact.case.contact_channel == "hotline"
    assert Deadline.objects.get(case=contact.case).kind == "transfer_to_specialised_police"
    page = client_for(operator).get(f"/cases/{contact.case.reference}/").content.decode()
    assert contact.reference in page  # the case carries the call's reference on its timeline


def test_the_operator_sees_only_cases_from_their_own_calls(operator: User) -> None:
    colleague = staff("mia-hotline-152", Role.HOTLINE_OPERATOR, username="day-operator")
    client_for(operator).post("/hotline/", {**CALL, "possible_victim": "on", "citizenship": "AZ"})
    client_for(colleague).post("/hotline/", {**CALL, "possible_victim": "on", "citizenship": "AZ"})
    mine, theirs = (
        Contact.objects.get(operator=operator).case,
        Contact.objects.get(operator=colleague).case,
    )
    assert mine is not None and theirs is not None
    assert client_for(operator).get(f"/cases/{mine.reference}/").status_code == 200
    assert client_for(operator).get(f"/cases/{theirs.reference}/").status_code == 404


def test_a_contact_without_a_victim_opens_no_case_and_bad_input_is_refused(operator: User) -> None:
    assert (
        client_for(operator)
        .post("/hotline/", {**CALL, "topic": "working_abroad", "outcome": "information_given"})
        .status_code
        == 302
    )
    assert (Contact.objects.count(), Case.objects.count()) == (1, 0)
    refused = client_for(operator).post("/hotline/", {**CALL, "topic": "gossip"})
    assert refused.status_code == 400
    assert Contact.objects.count() == 1


def test_a_statistician_sees_counts_but_never_a_caller_or_a_case(operator: User) -> None:
    client_for(operator).post(
        "/hotline/",
        {
            **CALL,
            "summary": "caller's sister, phone 050 111 22 33",
            "possible_victim": "on",
            "citizenship": "AZ",
            "family_name": "Məmmədova",
        },
    )
    client_for(operator).post(
        "/hotline/", {**CALL, "topic": "working_abroad", "outcome": "information_given"}
    )
    statistician = client_for(staff("state-statistics-committee", Role.STATISTICIAN))
    counts = statistician.get("/api/v1/hotline/counts/?period=year").json()
    assert sum(row["contacts"] for row in counts) == 2
    assert {row["outcome"] for row in counts} == {"case_opened", "information_given"}
    page = statistician.get("/hotline/counts/").content.decode()
    assert "050 111 22 33" not in page and "Məmmədova" not in page and "AZ-HL" not in page
    assert statistician.get("/api/v1/hotline/contacts/").status_code == 404
    assert statistician.get("/hotline/").status_code == 404


def test_contacts_through_the_api(operator: User) -> None:
    created = client_for(operator).post(
        "/api/v1/hotline/contacts/",
        {**CALL, "possible_victim": {"citizenship": "UZ", "sex": "male"}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["case"] is not None
    listed = client_for(operator).get("/api/v1/hotline/contacts/").json()["results"]
    assert [row["reference"] for row in listed] == [created.json()["reference"]]
    assert (
        client_for(staff("ngo-clean-world", Role.CASEWORKER))
        .get("/api/v1/hotline/contacts/")
        .status_code
        == 404
    )


@pytest.mark.parametrize("role", list(Role))
def test_who_logs_and_reads_contacts(operator: User, role: Role) -> None:
    for organisation in ("mia-hotline-152", "ngo-clean-world", "mia"):
        user = staff(organisation, role, username=f"{role}-{organisation}-hotline")
        may_log = organisation == "mia-hotline-152" and role in (
            Role.HOTLINE_OPERATOR,
            Role.SUPERVISOR,
        )
        assert client_for(user).get("/hotline/").status_code == (200 if may_log else 404)
        may_count = may_log or role in (Role.STATISTICIAN, Role.COORDINATOR)
        assert client_for(user).get("/api/v1/hotline/counts/").status_code == (
            200 if may_count else 404
        )
