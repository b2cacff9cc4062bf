"""A criminal case from initiation to a final judgment, as the specialised police record it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ObjectDoesNotExist

from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import Organisation, Role, User
from lantern.justice.models import (
    AccusedPerson,
    Conviction,
    CriminalCase,
    CriminalCaseStatus,
    CriminalCaseVictim,
    DetectedFact,
    Judgment,
)
from lantern.justice.services import (
    CriminalCaseInput,
    JusticeError,
    change_status,
    open_criminal_case,
)
from lantern.register.models import Case, Person, PersonIdentity
from lantern.register.services import register_presumed_victim
from tests.justice.conftest import INITIATED, client_for, with_accused
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db

SENT = datetime.date(2025, 6, 2)
DELIVERED = datetime.date(2025, 9, 15)


def _victims(count: int, author: User) -> list[Case]:
    return [register_presumed_victim(actor=author, data=registration()) for _ in range(count)]


def test_a_criminal_case_is_recorded_from_the_page(police: User) -> None:
    response = client_for(police).post(
        "/justice/new/",
        {
            "number": "2503117",
            "initiated_on": "2025-03-03",
            "articles": ["144-1.2.1", "144-1.2.3"],
            "forms_of_exploitation": ["sexual_exploitation"],
        },
    )
    criminal_case = CriminalCase.objects.get(number="2503117")
    assert response.status_code == 302
    assert response["Location"] == f"/justice/{criminal_case.pk}/"
    assert criminal_case.initiating_organisation.code == "mia-ctht"
    assert criminal_case.status == CriminalCaseStatus.INVESTIGATION
    assert sorted(criminal_case.articles.values_list("code", flat=True)) == [
        "144-1.2.1",
        "144-1.2.3",
    ]
    page = client_for(police).get(response["Location"]).content.decode()
    assert "2503117" in page and "144-1.2.3" in page


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"number": ""}, "number", "This field is required"),
        ({"articles": ["999.9"]}, "articles", "999.9"),
        ({"initiated_on": "2099-01-01"}, "initiated_on", "The date is in the future."),
        ({"number": "2503001"}, "number", "Criminal case 2503001 is already recorded."),
    ],
)
def test_bad_criminal_case_input_is_refused_and_nothing_is_saved(
    police: User, criminal_case: CriminalCase, posted: dict[str, object], field: str, message: str
) -> None:
    data: dict[str, object] = {
        "number": "2503200",
        "initiated_on": "2025-03-03",
        "articles": ["144-1.2.1"],
    }
    data.update(posted)
    response = client_for(police).post("/justice/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CriminalCase.objects.count() == 1


def test_several_victims_and_several_accused_then_a_judgment_with_two_different_sentences(
    police: User, criminal_case: CriminalCase
) -> None:
    ngo_worker = staff("ngo-clean-world", Role.CASEWORKER)
    victims = _victims(3, ngo_worker)
    client = client_for(police)
    for case, role in zip(victims, ["victim", "victim", "witness"], strict=True):
        response = client.post(
            f"/justice/{criminal_case.pk}/victims/",
            {"case_reference": case.reference, "role": role},
        )
        assert response.status_code == 302
    for family_name in ("Quliyev", "Həsənova"):
        client.post(
            f"/justice/{criminal_case.pk}/accused/new/",
            {
                "family_name": family_name,
                "given_name": "X",
                "citizenship": "AZ",
                "sex": "female",
                "birth_year": "1979",
                "role": "accused",
            },
        )
    assert criminal_case.victims.count() == 3
    assert criminal_case.victims.filter(role="witness").count() == 1
    first, second = [link.accused for link in criminal_case.accused.order_by("pk")]
    client.post(
        f"/justice/{criminal_case.pk}/status/",
        {"version": 1, "to_status": "sent_to_court", "on": SENT.isoformat()},
    )
    criminal_case.refresh_from_db()
    assert criminal_case.status == CriminalCaseStatus.SENT_TO_COURT
    assert criminal_case.accused.filter(sent_to_court=True).count() == 2

    court = Organisation.objects.get(code="baku-serious-crimes-court")
    form_page = client.get(f"/justice/{criminal_case.pk}/judgments/new/")
    assert first.reference in form_page.content.decode()
    response = client.post(
        f"/justice/{criminal_case.pk}/judgments/new/",
        {
            "court": court.pk,
            "number": "1(101)-121/2025",
            "delivered_on": DELIVERED.isoformat(),
            "instance": "first",
            "aggravating_circumstances": ["minor"],
            "convictions-TOTAL_FORMS": "2",
            "convictions-INITIAL_FORMS": "2",
            "convictions-0-accused_id": first.pk,
            "convictions-0-convicted": "on",
            "convictions-0-articles": ["144-1.2.1", "144-1.2.3"],
            "convictions-0-form_of_exploitation": "sexual_exploitation",
            "convictions-0-child_victim": "on",
            "convictions-0-sentence_type": "custodial",
            "convictions-0-duration_months": "96",
            "convictions-1-accused_id": second.pk,
            "convictions-1-convicted": "on",
            "convictions-1-articles": ["144-1.2.1"],
            "convictions-1-form_of_exploitation": "sexual_exploitation",
            "convictions-1-sentence_type": "suspended",
            "convictions-1-duration_months": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()
    judgment = Judgment.objects.get()
    assert judgment.number == "1(101)-121/2025"
    sentences = {
        conviction.accused_id: (
            conviction.sentence_type,
            conviction.duration_months,
            conviction.child_victim,
        )
        for conviction in judgment.convictions.all()
    }
    assert sentences == {
        first.pk: ("custodial", 96, True),
        second.pk: ("suspended", 30, False),
    }
    criminal_case.refresh_from_db()
    assert criminal_case.status == CriminalCaseStatus.JUDGMENT
    page = client.get(f"/justice/{criminal_case.pk}/").content.decode()
    assert "1(101)-121/2025" in page and "96" in page and "30" in page

    client.post(f"/justice/judgments/{judgment.pk}/final/", {"on": "2025-10-20"})
    criminal_case.refresh_from_db()
    judgment.refresh_from_db()
    assert judgment.is_final and criminal_case.status == CriminalCaseStatus.FINAL

    api = client.get(f"/api/v1/criminal-cases/{criminal_case.pk}/").json()
    assert sorted(link["case"] for link in api["victims"]) == sorted(c.reference for c in victims)
    assert len(api["accused"]) == 2
    assert [c["sentence_type"] for c in api["judgments"][0]["convictions"]] == [
        "custodial",
        "suspended",
    ]
    assert "Quliyev" not in str(api)  # accused appear by reference only


def test_a_judgment_is_refused_whole_when_a_sentence_is_incomplete_or_the_person_not_accused(
    police: User, criminal_case: CriminalCase
) -> None:
    (accused,) = with_accused(police, criminal_case, "Quliyev")
    change_status(
        actor=police,
        criminal_case=criminal_case,
        expected_version=1,
        to_status="sent_to_court",
        on=SENT,
    )
    outsider = AccusedPerson.objects.create(
        reference="AZ-AC-2025-999999",
        citizenship="AZ",
        recording_organisation=police.organisation,
        recorded_by=police,
        recorded_at=criminal_case.recorded_at,
    )
    court = Organisation.objects.get(code="baku-serious-crimes-court")
    base = {
        "court": court.pk,
        "number": "1(101)-5/2025",
        "delivered_on": DELIVERED.isoformat(),
        "instance": "first",
        "convictions-TOTAL_FORMS": "1",
        "convictions-INITIAL_FORMS": "1",
        "convictions-0-convicted": "on",
        "convictions-0-articles": ["144-1.2.1"],
        "convictions-0-form_of_exploitation": "sexual_exploitation",
        "convictions-0-sentence_type": "custodial",
    }
    client = client_for(police)
    no_length = client.post(
        f"/justice/{criminal_case.pk}/judgments/new/",
        {**base, "convictions-0-accused_id": accused.pk},
    )
    assert no_length.status_code == 400
    assert "Give the length of" in no_length.content.decode()
    stranger = client.post(
        f"/justice/{criminal_case.pk}/judgments/new/",
        {**base, "convictions-0-accused_id": outsider.pk, "convictions-0-duration_months": "12"},
    )
    assert stranger.status_code == 400
    assert Judgment.objects.count() == 0 and Conviction.objects.count() == 0
    criminal_case.refresh_from_db()
    assert criminal_case.status == CriminalCaseStatus.SENT_TO_COURT


def test_a_judgment_needs_a_case_sent_to_court(police: User, criminal_case: CriminalCase) -> None:
    court = Organisation.objects.get(code="baku-serious-crimes-court")
    response = client_for(police).post(
        f"/justice/{criminal_case.pk}/judgments/new/",
        {
            "court": court.pk,
            "number": "1(101)-6/2025",
            "delivered_on": DELIVERED.isoformat(),
            "instance": "first",
            "convictions-TOTAL_FORMS": "0",
            "convictions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "once the case has been sent to court" in response.content.decode()
    assert not Judgment.objects.exists()


def test_status_changes_follow_the_procedure(police: User, criminal_case: CriminalCase) -> None:
    with pytest.raises(JusticeError, match="add the accused first"):
        change_status(
            actor=police,
            criminal_case=criminal_case,
            expected_version=1,
            to_status="sent_to_court",
            on=SENT,
        )
    with pytest.raises(JusticeError) as no_reason:
        change_status(
            actor=police,
            criminal_case=criminal_case,
            expected_version=1,
            to_status="terminated",
            on=SENT,
        )
    assert no_reason.value.errors["reason"] == ["Give the reason."]
    with pytest.raises(JusticeError) as stale:
        change_status(
            actor=police,
            criminal_case=criminal_case,
            expected_version=7,
            to_status="suspended",
            on=SENT,
            reason="x",
        )
    assert "version" in stale.value.errors
    change_status(
        actor=police,
        criminal_case=criminal_case,
        expected_version=1,
        to_status="terminated",
        on=SENT,
        reason="No corpus delicti (CPC 39.1.2)",
    )
    criminal_case.refresh_from_db()
    assert criminal_case.status_reason == "No corpus delicti (CPC 39.1.2)"
    with pytest.raises(JusticeError, match="cannot become"):
        change_status(
            actor=police,
            criminal_case=criminal_case,
            expected_version=2,
            to_status="investigation",
            on=SENT,
        )
    assert list(criminal_case.status_changes.values_list("to_status", flat=True)) == [
        "investigation",
        "terminated",
    ]


def test_deleting_a_case_a_criminal_case_links_to_is_refused_naming_the_criminal_case(
    police: User, criminal_case: CriminalCase
) -> None:
    ngo_supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    linked, unlinked = _victims(2, ngo_supervisor)
    CriminalCaseVictim.objects.create(
        criminal_case=criminal_case,
        case=linked,
        linked_at=criminal_case.recorded_at,
        linked_by=police,
    )
    client = client_for(ngo_supervisor)
    response = client.post(f"/cases/{linked.reference}/delete/", {"reason": "registered twice"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Criminal case 2503001 lists this case as a Victim; it cannot be deleted." in page
    assert Case.objects.filter(pk=linked.pk).exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.DELETE_CASE).exists()

    no_reason = client.post(f"/cases/{unlinked.reference}/delete/", {"reason": " "})
    assert no_reason.status_code == 302 and Case.objects.filter(pk=unlinked.pk).exists()

    person_pk = unlinked.person_id
    deleted = client.post(f"/cases/{unlinked.reference}/delete/", {"reason": "registered twice"})
    assert deleted["Location"] == "/register/"
    assert not Case.objects.filter(pk=unlinked.pk).exists()
    assert not Person.objects.filter(pk=person_pk).exists()
    assert not PersonIdentity.objects.filter(person_id=person_pk).exists()
    entry = AccessLogEntry.objects.get(action=AccessAction.DELETE_CASE)
    assert (entry.case_reference, entry.reason_text) == (unlinked.reference, "registered twice")


def test_only_a_supervisor_of_the_registering_organisation_deletes_a_case(
    police: User,
) -> None:
    ngo_worker = staff("ngo-clean-world", Role.CASEWORKER)
    (case,) = _victims(1, ngo_worker)
    police_supervisor = staff("mia-ctht", Role.SUPERVISOR)
    for user in (ngo_worker, police, police_supervisor):
        response = client_for(user).post(f"/cases/{case.reference}/delete/", {"reason": "x"})
        assert response.status_code == 404
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_linked_case_shows_the_criminal_case_on_its_timeline(
    police: User, criminal_case: CriminalCase
) -> None:
    (case,) = _victims(1, police)
    client_for(police).post(
        f"/justice/{criminal_case.pk}/victims/",
        {"case_reference": case.reference.lower(), "role": "victim"},
    )
    page = client_for(police).get(f"/cases/{case.reference}/").content.decode()
    assert "Part of criminal case 2503001 as Victim" in page
    again = client_for(police).post(
        f"/justice/{criminal_case.pk}/victims/",
        {"case_reference": case.reference, "role": "victim"},
        follow=True,
    )
    assert "is already part of criminal case 2503001" in again.content.decode()
    assert criminal_case.victims.count() == 1


def test_an_online_fact_names_its_platforms_and_links_victims_and_a_criminal_case(
    police: User, criminal_case: CriminalCase
) -> None:
    (case,) = _victims(1, police)
    client = client_for(police)
    response = client.post(
        "/justice/facts/",
        {
            "fact_type": "human_trafficking",
            "detected_on": "2025-02-10",
            "through_ict": "on",
            "platforms": ["tiktok", "telegram"],
            "victim_references": case.reference,
            "criminal_case_number": "2503001",
        },
    )
    assert response.status_code == 302
    fact = DetectedFact.objects.get()
    assert fact.reference.startswith("AZ-FA-")
    assert sorted(fact.platforms.values_list("code", flat=True)) == ["telegram", "tiktok"]
    assert fact.criminal_case == criminal_case
    assert list(fact.victims.values_list("case__reference", flat=True)) == [case.reference]

    refused = client.post(
        "/justice/facts/",
        {"fact_type": "forced_labour", "detected_on": "2025-02-10", "platforms": ["tiktok"]},
    )
    assert refused.status_code == 400
    assert "Platforms are given only for a fact committed online." in refused.content.decode()
    unknown = client.post(
        "/justice/facts/",
        {"fact_type": "forced_labour", "detected_on": "2025-02-10", "criminal_case_number": "1"},
    )
    assert "No criminal case 1." in unknown.content.decode()
    assert DetectedFact.objects.count() == 1


def test_the_prosecution_cannot_link_a_victim_case_it_may_not_know_of(
    prosecutor: User, criminal_case: CriminalCase
) -> None:
    ngo_worker = staff("ngo-clean-world", Role.CASEWORKER)
    (case,) = _victims(1, ngo_worker)
    response = client_for(prosecutor).post(
        f"/justice/{criminal_case.pk}/victims/",
        {"case_reference": case.reference, "role": "victim"},
        follow=True,
    )
    assert f"No case {case.reference} that you may link." in response.content.decode()
    assert not CriminalCaseVictim.objects.exists()


def test_a_second_case_with_the_same_number_is_refused(
    police: User, criminal_case: CriminalCase
) -> None:
    with pytest.raises(JusticeError, match="already recorded"):
        open_criminal_case(
            actor=police,
            data=CriminalCaseInput(number=" 2503001 ", initiated_on=INITIATED, articles=["144-1"]),
        )
    with pytest.raises(ObjectDoesNotExist):
        CriminalCase.objects.get(number=" 2503001 ")
