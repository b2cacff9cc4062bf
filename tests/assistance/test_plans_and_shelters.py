"""Rehabilitation plans only on request and only with agreement; shelters within their places."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.assistance.models import ShelterProfile, ShelterStay
from lantern.core.models import Organisation, Role, User
from lantern.nrm.services import record_consent, refer_case
from lantern.register.identity import Identity
from lantern.register.models import Case
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user: User, path: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(path, body, content_type="application/json")


@pytest.fixture
def centre_worker(ngo_worker: User) -> User:
    return staff("ssa-assistance-center", Role.CASEWORKER)


def referred(case: Case, by: User, provider_code: str, disclosure: str = "summary") -> None:
    consent = record_consent(
        actor=by,
        case=case,
        given_by="legal_representative" if case.child_at_registration else "person",
        given_at=timezone.now(),
        disclosure=disclosure,
    )
    refer_case(
        actor=by,
        case=case,
        provider=Organisation.objects.get(code=provider_code),
        service_type="social",
        consent=consent,
    )


def test_no_plan_without_a_request_and_no_item_started_without_agreement(
    ngo_worker: User, centre_worker: User
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    referred(case, ngo_worker, "ssa-assistance-center")
    without = post(centre_worker, "/api/v1/rehabilitation-plans/", {"case": case.reference})
    assert without.status_code == 400
    assert "request" in without.json()["requested_on"][0]
    assert case.rehabilitation_plans.count() == 0
    plan = post(
        centre_worker,
        "/api/v1/rehabilitation-plans/",
        {"case": case.reference, "requested_on": timezone.localdate().isoformat()},
    )
    assert plan.status_code == 201, plan.content
    item = post(
        centre_worker,
        "/api/v1/plan-items/",
        {
            "plan": plan.json()["id"],
            "direction": "psychological",
            "provider": "ssa-assistance-center",
        },
    )
    assert item.status_code == 201, item.content
    refused = post(
        centre_worker, f"/api/v1/plan-items/{item.json()['id']}/status/", {"status": "in_progress"}
    )
    assert refused.status_code == 400
    assert "not agreed" in refused.json()["status"][0]
    agreed = post(
        centre_worker,
        "/api/v1/plan-items/",
        {
            "plan": plan.json()["id"],
            "direction": "legal",
            "provider": "ssa-assistance-center",
            "victim_agreed_on": timezone.localdate().isoformat(),
        },
    )
    assert (
        post(
            centre_worker,
            f"/api/v1/plan-items/{agreed.json()['id']}/status/",
            {"status": "in_progress"},
        ).status_code
        == 200
    )


def test_only_an_assistance_centre_draws_up_a_plan(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    response = post(
        ngo_worker,
        "/api/v1/rehabilitation-plans/",
        {"case": case.reference, "requested_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert case.rehabilitation_plans.count() == 0


def test_a_childs_plan_item_needs_the_representatives_agreement(
    ngo_worker: User, centre_worker: User
) -> None:
    child = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2013, 2, 2)))
    )
    referred(child, ngo_worker, "ssa-assistance-center")
    plan = post(
        centre_worker,
        "/api/v1/rehabilitation-plans/",
        {"case": child.reference, "requested_on": timezone.localdate().isoformat()},
    ).json()
    item = post(
        centre_worker,
        "/api/v1/plan-items/",
        {
            "plan": plan["id"],
            "direction": "education",
            "provider": "ssa-assistance-center",
            "victim_agreed_on": timezone.localdate().isoformat(),
        },
    ).json()
    refused = post(
        centre_worker, f"/api/v1/plan-items/{item['id']}/status/", {"status": "in_progress"}
    )
    assert "legal representative" in refused.json()["status"][0]


@pytest.fixture
def shelter(ngo_worker: User) -> Organisation:
    organisation = Organisation.objects.get(code="mia-shelter")
    ShelterProfile.objects.create(shelter=organisation, adult_places=1, child_places=1)
    return organisation


def test_a_full_shelter_admits_only_with_a_supervisors_recorded_override(
    ngo_worker: User, shelter: Organisation
) -> None:
    worker = staff("mia-shelter", Role.CASEWORKER)
    supervisor = staff("mia-shelter", Role.SUPERVISOR)
    first, second = (
        register_presumed_victim(actor=ngo_worker, data=registration()) for _ in range(2)
    )
    for case in (first, second):
        referred(case, ngo_worker, "mia-shelter")
    today = timezone.localdate().isoformat()
    assert (
        post(
            worker,
            "/api/v1/shelter-stays/",
            {"case": first.reference, "admitted_on": today, "reason": "safety"},
        ).status_code
        == 201
    )
    full = post(
        worker,
        "/api/v1/shelter-stays/",
        {"case": second.reference, "admitted_on": today, "reason": "safety"},
    )
    assert full.status_code == 400
    assert "full" in full.json()["capacity_override_reason"][0]
    no_reason = post(
        supervisor,
        "/api/v1/shelter-stays/",
        {"case": second.reference, "admitted_on": today, "reason": "safety"},
    )
    assert no_reason.status_code == 400
    assert ShelterStay.objects.count() == 1
    overridden = post(
        supervisor,
        "/api/v1/shelter-stays/",
        {
            "case": second.reference,
            "admitted_on": today,
            "reason": "safety",
            "capacity_override_reason": "night arrival, no other shelter free",
        },
    )
    assert overridden.status_code == 201
    page = client_for(worker).get("/shelter/occupancy/").content.decode()
    assert first.reference in page
    assert second.reference in page
    assert (
        "Admitted beyond the shelter&#x27;s places" in page
        or "Admitted beyond the shelter's places" in page
    )
    assert "Məmmədova" not in page


def test_a_child_over_ten_is_admitted_only_once_heard(
    ngo_worker: User, shelter: Organisation
) -> None:
    from lantern.nrm.services import record_child_hearing

    worker = staff("mia-shelter", Role.CASEWORKER)
    child = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2012, 5, 5)))
    )
    referred(child, ngo_worker, "mia-shelter")
    today = timezone.localdate().isoformat()
    refused = post(
        worker,
        "/api/v1/shelter-stays/",
        {"case": child.reference, "admitted_on": today, "reason": "safety"},
    )
    assert refused.status_code == 400
    assert "heard" in refused.json()["__all__"][0]
    record_child_hearing(
        actor=worker, case=child, occasion="placement", heard_on=timezone.localdate()
    )
    assert (
        post(
            worker,
            "/api/v1/shelter-stays/",
            {"case": child.reference, "admitted_on": today, "reason": "safety"},
        ).status_code
        == 201
    )


def test_only_a_shelters_own_staff_record_and_see_its_stays(
    ngo_worker: User, shelter: Organisation
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    referred(case, ngo_worker, "mia-shelter")
    today = timezone.localdate().isoformat()
    assert (
        post(
            ngo_worker,
            "/api/v1/shelter-stays/",
            {"case": case.reference, "admitted_on": today, "reason": "x"},
        ).status_code
        == 404
    )
    assert client_for(ngo_worker).get("/shelter/occupancy/").status_code == 404
    assert (
        client_for(staff("state-statistics-committee", Role.STATISTICIAN))
        .get("/api/v1/shelter-stays/")
        .status_code
        == 404
    )


def test_the_assistance_page_records_a_plan_an_item_a_service_and_a_stay(
    ngo_worker: User, centre_worker: User, shelter: Organisation
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    referred(case, ngo_worker, "ssa-assistance-center")
    referred(case, ngo_worker, "mia-shelter")
    centre = client_for(centre_worker)
    today = timezone.localdate().isoformat()
    centre.post(f"/cases/{case.reference}/assistance/plan/", {"requested_on": today})
    plan = case.rehabilitation_plans.get()
    centre.post(
        f"/cases/{case.reference}/assistance/plan-item/{plan.pk}/",
        {"direction": "psychological", "provider": centre_worker.organisation_id},
    )
    item = plan.items.get()
    refused = centre.post(
        f"/cases/{case.reference}/assistance/item-status/{item.pk}/",
        {"status": "in_progress"},
        follow=True,
    )
    assert "has not agreed" in refused.content.decode()
    centre.post(
        f"/cases/{case.reference}/assistance/service/",
        {
            "service_type": "psychological",
            "provider": centre_worker.organisation_id,
            "delivered_on": today,
        },
    )
    assert case.services_delivered.count() == 1
    shelter_worker = staff("mia-shelter", Role.CASEWORKER)
    assert (
        centre.post(
            f"/cases/{case.reference}/assistance/admit/", {"admitted_on": today, "reason": "safety"}
        ).status_code
        == 404
    )
    client_for(shelter_worker).post(
        f"/cases/{case.reference}/assistance/admit/", {"admitted_on": today, "reason": "safety"}
    )
    stay = case.shelter_stays.get()
    client_for(shelter_worker).post(
        f"/cases/{case.reference}/assistance/discharge/{stay.pk}/",
        {"discharged_on": today, "reason": "returned home", "destination": "family"},
    )
    stay.refresh_from_db()
    assert stay.destination == "family"


def test_the_page_records_reviews_extensions_claims_aid_and_repatriation(
    ngo_worker: User, centre_worker: User, shelter: Organisation
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration(citizenship="UZ"))
    referred(case, ngo_worker, "ssa-assistance-center")
    referred(case, ngo_worker, "mia-shelter")
    today = timezone.localdate()
    centre = client_for(centre_worker)
    centre.post(f"/cases/{case.reference}/assistance/plan/", {"requested_on": today.isoformat()})
    plan = case.rehabilitation_plans.get()
    centre.post(
        f"/cases/{case.reference}/assistance/review/{plan.pk}/",
        {"reviewed_on": today.isoformat(), "note": "progress in therapy"},
    )
    assert plan.reviews.count() == 1
    shelter_worker = staff("mia-shelter", Role.CASEWORKER)
    client_for(shelter_worker).post(
        f"/cases/{case.reference}/assistance/admit/",
        {"admitted_on": today.isoformat(), "reason": "safety"},
    )
    stay = case.shelter_stays.get()
    client_for(shelter_worker).post(
        f"/cases/{case.reference}/assistance/extend/{stay.pk}/",
        {
            "until": (today + datetime.timedelta(days=30)).isoformat(),
            "reason": "awaiting documents",
        },
    )
    stay.refresh_from_db()
    assert stay.staying_until == today + datetime.timedelta(days=30)
    holder = client_for(ngo_worker)
    holder.post(
        f"/cases/{case.reference}/assistance/compensation/",
        {
            "against": "offender",
            "body": "Ganja Court for Serious Crimes",
            "submitted_on": today.isoformat(),
        },
    )
    holder.post(
        f"/cases/{case.reference}/assistance/legal-aid/",
        {"provider_kind": "bar_member", "stage": "court", "started_on": today.isoformat()},
    )
    holder.post(
        f"/cases/{case.reference}/assistance/repatriation/",
        {"destination": "UZ", "repatriated_on": today.isoformat(), "escorted": "on"},
    )
    assert (
        case.compensation_claims.count(),
        case.legal_aid.count(),
        case.repatriations.count(),
    ) == (1, 1, 1)
    page = holder.get(f"/cases/{case.reference}/assistance/").content.decode()
    assert "Ganja Court for Serious Crimes" in page


def test_the_assistance_page_title_is_only_the_reference(ngo_worker: User) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    page = client_for(ngo_worker).get(f"/cases/{case.reference}/assistance/").content.decode()
    assert f"<title>{case.reference} · Lantern</title>" in page
    assert page.count('aria-labelledby="plans-heading"') == 1
