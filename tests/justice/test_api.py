"""Criminal proceedings through the API: the same rules and refusals as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import Role, User
from lantern.justice.models import CriminalCase, DetectedFact, Judgment
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db


def api_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_whole_case_through_the_api(police: User) -> None:
    api = api_for(police)
    victims = [register_presumed_victim(actor=police, data=registration()) for _ in range(2)]
    created = api.post(
        "/api/v1/criminal-cases/",
        {"number": "2504002", "initiated_on": "2025-04-01", "articles": ["144-1.2.1"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    for case in victims:
        linked = api.post(
            f"/api/v1/criminal-cases/{pk}/victims/", {"case": case.reference}, format="json"
        )
        assert linked.status_code == 200
    references = []
    for name in ("Quliyev", "Həsənova"):
        answer = api.post(
            f"/api/v1/criminal-cases/{pk}/accused/",
            {"family_name": name, "citizenship": "AZ", "sex": "female", "birth_year": 1975},
            format="json",
        ).json()
        references = [link["accused"] for link in answer["accused"]]
    assert len(references) == 2
    moved = api.post(
        f"/api/v1/criminal-cases/{pk}/status/",
        {"version": 1, "to_status": "sent_to_court", "on": "2025-07-01"},
        format="json",
    )
    assert moved.json()["status"] == "sent_to_court"
    judgment = api.post(
        f"/api/v1/criminal-cases/{pk}/judgments/",
        {
            "court": "ganja-serious-crimes-court",
            "number": "1(103)-77/2025",
            "delivered_on": "2025-10-01",
            "is_final": True,
            "convictions": [
                {
                    "accused": references[0],
                    "articles": ["144-1.2.1"],
                    "form_of_exploitation": "sexual_exploitation",
                    "sentence_type": "custodial",
                    "duration_months": 100,
                },
                {
                    "accused": references[1],
                    "articles": ["144-1.2.1"],
                    "form_of_exploitation": "forced_labour",
                    "sentence_type": "fine",
                },
            ],
        },
        format="json",
    )
    assert judgment.status_code == 201, judgment.json()
    body = judgment.json()
    assert body["status"] == "final"
    sentences = [
        (c["sentence_type"], c["duration_months"]) for c in body["judgments"][0]["convictions"]
    ]
    assert sentences == [("custodial", 100), ("fine", None)]
    assert "Quliyev" not in str(body)


def test_bad_input_is_refused_with_the_reason_and_changes_nothing(
    police: User, criminal_case: CriminalCase
) -> None:
    api = api_for(police)
    unknown = api.post(
        "/api/v1/criminal-cases/",
        {"number": "X1", "initiated_on": "2025-04-01", "articles": ["1.1"]},
        format="json",
    )
    assert unknown.status_code == 400
    assert "'1.1' is not in the list of allowed values." in unknown.json()["articles"]
    no_case = api.post(
        f"/api/v1/criminal-cases/{criminal_case.pk}/victims/",
        {"case": "AZ-2025-999999"},
        format="json",
    )
    assert no_case.status_code == 400
    early = api.post(
        f"/api/v1/criminal-cases/{criminal_case.pk}/judgments/",
        {"court": "ganja-serious-crimes-court", "number": "1", "delivered_on": "2025-05-01"},
        format="json",
    )
    assert early.status_code == 400
    fact = api.post(
        "/api/v1/detected-facts/",
        {"fact_type": "human_trafficking", "detected_on": "2025-01-01", "criminal_case": "0"},
        format="json",
    )
    assert fact.json() == {"criminal_case": ["No criminal case 0."]}
    assert CriminalCase.objects.count() == 1
    assert not Judgment.objects.exists() and not DetectedFact.objects.exists()
    assert not criminal_case.victims.exists()


def test_an_accused_name_through_the_api_only_for_the_specialised_police(
    police: User, prosecutor: User, criminal_case: CriminalCase
) -> None:
    answer = api_for(police).post(
        f"/api/v1/criminal-cases/{criminal_case.pk}/accused/",
        {"family_name": "Quliyev", "citizenship": "AZ"},
        format="json",
    )
    reference = answer.json()["accused"][0]["accused"]
    url = f"/api/v1/accused/{reference}/identity/"
    refused = api_for(prosecutor).post(url, {"reason_code": "court_or_prosecution"}, format="json")
    assert refused.status_code == 403 and "Quliyev" not in refused.content.decode()
    ngo = staff("ngo-clean-world", Role.SUPERVISOR)
    assert api_for(ngo).post(url, {"reason_code": "safety"}, format="json").status_code == 404
    shown = api_for(police).post(url, {"reason_code": "court_or_prosecution"}, format="json")
    assert shown.status_code == 200 and shown.json()["family_name"] == "Quliyev"
    log = AccessLogEntry.objects.filter(person_reference=reference)
    assert sorted(log.values_list("action", flat=True)) == [
        AccessAction.REVEAL_IDENTITY,
        AccessAction.REVEAL_REFUSED,
    ]


def test_a_fact_through_the_api(police: User, criminal_case: CriminalCase) -> None:
    case = register_presumed_victim(actor=police, data=registration())
    created = api_for(police).post(
        "/api/v1/detected-facts/",
        {
            "fact_type": "prostitution_involvement",
            "detected_on": "2025-03-01",
            "through_ict": True,
            "platforms": ["instagram"],
            "victims": [case.reference],
            "criminal_case": criminal_case.number,
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["victims"] == [case.reference]
    assert created.json()["platforms"] == ["instagram"]
