"""Every role in every kind of organisation against every page and API of criminal proceedings.

The expectations are written out from the rule in the issue: proceedings are seen by the
specialised police authority and the prosecution; an accused person's name only by the
specialised police, after a stated reason. Nobody else learns that a page exists (404).
"""

from __future__ import annotations

import datetime
from itertools import product
from pathlib import Path

import pytest
from django.test import Client

from lantern.access import policy
from lantern.core.models import Organisation, Role, User
from lantern.justice.models import AccusedPerson, CriminalCase, DetectedFact, WantedNotice
from lantern.justice.services import (
    CriminalCaseInput,
    FactInput,
    WantedInput,
    link_accused,
    open_criminal_case,
    put_on_wanted_list,
    record_fact,
)
from tests.factories import UserFactory
from tests.justice.conftest import accused_person

pytestmark = pytest.mark.django_db

POLICE = "mia-ctht"
PROSECUTION = "prosecutor-general"
ORGANISATIONS = (POLICE, PROSECUTION, "ngo-clean-world", "mia-hotline-152", "mia")
CASE_ROLES = {Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR}
RECORDING_ROLES = {Role.SUPERVISOR, Role.INVESTIGATOR}


def may_see(role: Role, organisation: str) -> bool:
    return role in CASE_ROLES and organisation in (POLICE, PROSECUTION)


def may_record(role: Role, organisation: str) -> bool:
    return may_see(role, organisation) and role in RECORDING_ROLES


def may_reveal(role: Role, organisation: str) -> bool:
    return may_see(role, organisation) and organisation == POLICE


@pytest.fixture
def world(az_pack: Path) -> dict[str, object]:
    author = UserFactory(
        username="author",
        organisation=Organisation.objects.get(code=POLICE),
        roles=[Role.INVESTIGATOR],
    )
    criminal_case = open_criminal_case(
        actor=author,
        data=CriminalCaseInput(
            number="2501001", initiated_on=datetime.date(2025, 1, 9), articles=["144-1.1"]
        ),
    )
    accused = accused_person(author, "Quliyev")
    link_accused(actor=author, criminal_case=criminal_case, accused=accused)
    put_on_wanted_list(
        actor=author,
        accused=accused,
        data=WantedInput(
            scope="local", offence="human_trafficking", listed_on=datetime.date(2025, 2, 1)
        ),
    )
    record_fact(
        actor=author,
        data=FactInput(fact_type="document_forgery", detected_on=datetime.date(2025, 1, 5)),
    )
    personas = {
        (role, code): UserFactory(
            username=f"{role}@{code}",
            organisation=Organisation.objects.get(code=code),
            roles=[role],
        )
        for role, code in product(Role, ORGANISATIONS)
    }
    return {"criminal_case": criminal_case, "accused": accused, "personas": personas}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_whole_matrix(world: dict[str, object]) -> None:
    criminal_case: CriminalCase = world["criminal_case"]  # type: ignore[assignment]
    accused: AccusedPerson = world["accused"]  # type: ignore[assignment]
    personas: dict[tuple[Role, str], User] = world["personas"]  # type: ignore[assignment]
    reading_pages = (
        "/justice/",
        f"/justice/{criminal_case.pk}/",
        "/justice/accused/",
        f"/justice/accused/{accused.reference}/",
        "/justice/wanted/",
        "/justice/facts/",
        "/api/v1/criminal-cases/",
        f"/api/v1/criminal-cases/{criminal_case.pk}/",
        f"/api/v1/accused/{accused.reference}/",
        "/api/v1/detected-facts/",
    )
    mismatches = []
    for (role, code), user in personas.items():
        client = _client(user)
        see, record, reveal = may_see(role, code), may_record(role, code), may_reveal(role, code)
        observed_policy = (
            policy.can_see_proceedings(user),
            policy.can_record_proceedings(user),
            policy.can_reveal_accused_identity(user, second_factor_verified=True),
        )
        if observed_policy != (see, record, reveal):
            mismatches.append((role, code, "policy", observed_policy))
        for url in reading_pages:
            status = client.get(url).status_code
            if (status == 200) != see or status not in (200, 404):
                mismatches.append((role, code, url, status))
        new_case = client.post(
            "/justice/new/",
            {"number": f"N-{role}-{code}", "initiated_on": "2025-01-10", "articles": ["144-1"]},
        )
        if (new_case.status_code == 302) != record:
            mismatches.append((role, code, "record", new_case.status_code))
        status_change = client.post(
            f"/justice/{criminal_case.pk}/status/",
            {"version": 99, "to_status": "suspended", "on": "2025-02-01", "reason": "x"},
        )
        if (status_change.status_code == 302) != record:
            mismatches.append((role, code, "status", status_change.status_code))
        wanted = client.post(
            f"/justice/accused/{accused.reference}/wanted/",
            {"scope": "international", "offence": "other", "listed_on": "2025-02-01"},
        )
        if (wanted.status_code == 302) != record:
            mismatches.append((role, code, "wanted", wanted.status_code))
        api_case = client.post(
            "/api/v1/criminal-cases/",
            {"number": f"A-{role}-{code}", "initiated_on": "2025-01-10", "articles": ["144-1"]},
            content_type="application/json",
        )
        if (api_case.status_code == 201) != record:
            mismatches.append((role, code, "api record", api_case.status_code))
        api_reveal = client.post(
            f"/api/v1/accused/{accused.reference}/identity/",
            {"reason_code": "court_or_prosecution"},
            content_type="application/json",
        )
        if ("Quliyev" in api_reveal.content.decode()) != reveal:
            mismatches.append((role, code, "api reveal", api_reveal.status_code))
        reveal_response = client.post(
            f"/justice/accused/{accused.reference}/identity/",
            {"reason_code": "court_or_prosecution"},
        )
        shown = "Quliyev" in reveal_response.content.decode()
        if shown != reveal or (not see and reveal_response.status_code != 404):
            mismatches.append((role, code, "reveal", reveal_response.status_code))
    assert mismatches == []
    # Bad input was refused whole, whoever sent it.
    assert CriminalCase.objects.count() == 1 + 2 * sum(
        may_record(role, code) for role, code in personas
    )
    assert WantedNotice.objects.count() == 1
    assert DetectedFact.objects.count() == 1


def test_an_inactive_account_reaches_nothing(world: dict[str, object]) -> None:
    personas: dict[tuple[Role, str], User] = world["personas"]  # type: ignore[assignment]
    user = personas[(Role.INVESTIGATOR, POLICE)]
    user.is_active = False
    user.save()
    assert not policy.can_see_proceedings(user)
    assert not policy.can_reveal_accused_identity(user, second_factor_verified=True)
