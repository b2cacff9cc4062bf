"""Every role in every kind of organisation against every way to reach a case: list, view, edit,
reveal, export — through the policy and through HTTP (pages and API), allowed and refused.

The expectations below are written out from the need-to-know rules, independently of
``access/policy.py``; weakening any rule there makes this matrix fail.
"""

from __future__ import annotations

import csv
import io
from itertools import product
from pathlib import Path

import pytest
from django.test import Client

from lantern.access import policy
from lantern.core.models import Organisation, Role, User, UserRole
from lantern.register.models import Case
from lantern.register.services import register_presumed_victim
from tests.factories import UserFactory
from tests.register.conftest import registration

pytestmark = pytest.mark.django_db

REGISTERING_NGO = "ngo-clean-world"
OTHER_NGO = "ngo-contact"
POLICE = "mia-ctht"
HOTLINE = "mia-hotline-152"
MINISTRY = "mia"
ORGANISATIONS = (REGISTERING_NGO, OTHER_NGO, POLICE, HOTLINE, MINISTRY)
CASE_ROLES = {Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR}
EXPORT_ROLES = {Role.SUPERVISOR, Role.INVESTIGATOR}
ACTIONS = ("list", "view", "edit", "reveal", "export")


def expected(role: Role, organisation: str, action: str, case_origin: str) -> bool:
    """The need-to-know rules, as the law and the design state them."""
    holds_cases = role in CASE_ROLES and organisation in (case_origin, POLICE)
    if action == "export":
        return holds_cases and role in EXPORT_ROLES
    return holds_cases


@pytest.fixture
def world(az_pack: Path) -> dict[str, object]:
    ngo_author = UserFactory(
        username="ngo-author",
        organisation=Organisation.objects.get(code=REGISTERING_NGO),
        roles=[Role.CASEWORKER],
    )
    hotline_author = UserFactory(
        username="hotline-author",
        organisation=Organisation.objects.get(code=HOTLINE),
        roles=[Role.HOTLINE_OPERATOR],
    )
    ngo_case = register_presumed_victim(actor=ngo_author, data=registration())
    hotline_case = register_presumed_victim(
        actor=hotline_author, data=registration(contact_channel="hotline")
    )
    personas = {}
    for role, code in product(Role, ORGANISATIONS):
        user = UserFactory(
            username=f"{role}@{code}",
            organisation=Organisation.objects.get(code=code),
            roles=[role],
        )
        personas[(role, code)] = user
    return {
        "cases": {REGISTERING_NGO: ngo_case, HOTLINE: hotline_case},
        "personas": personas,
        "hotline_author": hotline_author,
    }


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def observed(user: User, case: Case, action: str) -> bool:
    """What ``user`` actually gets through HTTP."""
    client = client_for(user)
    reference = case.reference
    if action == "list":
        in_page = reference in client.get("/register/").content.decode()
        api = client.get("/api/v1/cases/")
        in_api = api.status_code == 200 and reference in {
            row["reference"] for row in api.json()["results"]
        }
        assert in_page == in_api, (user.username, reference)
        return in_page
    if action == "view":
        page = client.get(f"/cases/{reference}/").status_code
        api = client.get(f"/api/v1/cases/{reference}/").status_code
        assert page == api and page in (200, 404), (user.username, page, api)
        return page == 200
    if action == "edit":
        version = Case.objects.get(pk=case.pk).version
        response = client.patch(
            f"/api/v1/cases/{reference}/",
            {"version": version, "online_platform": ""},
            content_type="application/json",
        )
        assert response.status_code in (200, 404), response.status_code
        return response.status_code == 200
    if action == "reveal":
        response = client.post(
            f"/api/v1/cases/{reference}/identity/",
            {"reason_code": "verify_identity"},
            content_type="application/json",
        )
        # 404 when the case is not visible at all; 403 when it is but its identity is not.
        assert response.status_code in (200, 403, 404), response.status_code
        return response.status_code == 200
    response = client.get("/register/export.csv")
    if response.status_code == 404:
        return False
    return reference in {row[0] for row in csv.reader(io.StringIO(response.content.decode()))}


def allowed_by_policy(user: User, case: Case, action: str) -> bool:
    if action in ("list", "view"):
        return policy.can_view_case(user, case)
    if action == "edit":
        return policy.can_edit_case(user, case)
    if action == "reveal":
        return policy.can_reveal_identity(user, case, second_factor_verified=True)
    return policy.can_export_cases(user) and policy.can_view_case(user, case)


@pytest.mark.parametrize("case_origin", [REGISTERING_NGO, HOTLINE])
def test_the_whole_matrix(world: dict[str, object], case_origin: str) -> None:
    case = world["cases"][case_origin]  # type: ignore[index]
    personas: dict[tuple[Role, str], User] = world["personas"]  # type: ignore[assignment]
    mismatches = []
    for (role, code), user in personas.items():
        for action in ACTIONS:
            want = expected(role, code, action, case_origin)
            got_policy = allowed_by_policy(user, case, action)
            got_http = observed(user, case, action)
            if not (want == got_policy == got_http):
                mismatches.append(
                    (
                        role.value,
                        code,
                        action,
                        f"expected {want}",
                        f"policy {got_policy}",
                        f"http {got_http}",
                    )
                )
    assert mismatches == []


def test_a_hotline_operator_sees_only_the_cases_they_created(world: dict[str, object]) -> None:
    author: User = world["hotline_author"]  # type: ignore[assignment]
    hotline_case: Case = world["cases"][HOTLINE]  # type: ignore[index]
    ngo_case: Case = world["cases"][REGISTERING_NGO]  # type: ignore[index]
    assert observed(author, hotline_case, "view") is True
    assert observed(author, hotline_case, "reveal") is True
    assert observed(author, ngo_case, "view") is False
    colleague: User = world["personas"][(Role.HOTLINE_OPERATOR, HOTLINE)]  # type: ignore[index]
    assert observed(colleague, hotline_case, "view") is False


def test_an_open_grant_lets_an_organisation_see_a_case_and_closing_it_ends_that(
    world: dict[str, object],
) -> None:
    from django.utils import timezone

    from lantern.register.models import CaseAccessGrant

    case: Case = world["cases"][REGISTERING_NGO]  # type: ignore[index]
    shelter_worker = world["personas"][(Role.CASEWORKER, OTHER_NGO)]  # type: ignore[index]
    assert observed(shelter_worker, case, "view") is False
    grant = CaseAccessGrant.objects.create(
        case=case,
        organisation=shelter_worker.organisation,
        reason="referral",
        opened_at=timezone.now(),
    )
    CaseAccessGrant.objects.create(
        case=case,
        organisation=shelter_worker.organisation,
        reason="second referral",
        opened_at=timezone.now(),
    )
    assert observed(shelter_worker, case, "view") is True
    assert [
        row
        for row in client_for(shelter_worker).get("/api/v1/cases/").json()["results"]
        if row["reference"] == case.reference
    ] != []
    assert len(client_for(shelter_worker).get("/api/v1/cases/").json()["results"]) == 1
    CaseAccessGrant.objects.filter(case=case).update(closed_at=timezone.now())
    grant.refresh_from_db()
    assert observed(shelter_worker, case, "view") is False


def test_a_role_added_later_takes_effect_at_once(world: dict[str, object]) -> None:
    case: Case = world["cases"][REGISTERING_NGO]  # type: ignore[index]
    statistician: User = world["personas"][(Role.STATISTICIAN, REGISTERING_NGO)]  # type: ignore[index]
    assert observed(statistician, case, "view") is False
    UserRole.objects.create(user=statistician, role=Role.CASEWORKER)
    statistician.forget_cached_roles()
    assert observed(statistician, case, "view") is True


def expected_with_referral(role: Role, action: str, stage: str) -> bool:
    """A case referred to OTHER_NGO with "summary" consent: the provider's view, by referral stage."""
    if role not in CASE_ROLES or stage == "withdrawn":
        return False
    if action == "reveal":
        return False
    if action == "edit":
        return stage == "open"
    if action == "export":
        return role in EXPORT_ROLES
    return True


@pytest.mark.parametrize("stage", ["open", "completed", "withdrawn"])
def test_referral_based_access_for_every_role_of_the_provider(
    world: dict[str, object], stage: str
) -> None:
    from django.utils import timezone

    from lantern.nrm.models import ReferralStatus
    from lantern.nrm.services import move_referral, record_consent, refer_case

    case: Case = world["cases"][REGISTERING_NGO]  # type: ignore[index]
    author = User.objects.get(username="ngo-author")
    provider = Organisation.objects.get(code=OTHER_NGO)
    agreed = record_consent(
        actor=author, case=case, given_by="person", given_at=timezone.now(), disclosure="summary"
    )
    referral = refer_case(
        actor=author, case=case, provider=provider, service_type="social", consent=agreed
    )
    provider_staff = UserFactory(
        username="provider-caseworker", organisation=provider, roles=[Role.CASEWORKER]
    )
    if stage == "completed":
        move_referral(actor=provider_staff, referral=referral, status=ReferralStatus.ACCEPTED)
        move_referral(
            actor=provider_staff, referral=referral, status=ReferralStatus.COMPLETED, outcome="done"
        )
    if stage == "withdrawn":
        move_referral(
            actor=author,
            referral=referral,
            status=ReferralStatus.WITHDRAWN,
            reason="no longer needed",
        )
    personas: dict[tuple[Role, str], User] = world["personas"]  # type: ignore[assignment]
    mismatches = []
    for role in Role:
        user = personas[(role, OTHER_NGO)]
        for action in ACTIONS:
            want = expected_with_referral(role, action, stage)
            got_policy = allowed_by_policy(user, case, action)
            got_http = observed(user, case, action)
            if not (want == got_policy == got_http):
                mismatches.append(
                    (
                        role.value,
                        action,
                        f"expected {want}",
                        f"policy {got_policy}",
                        f"http {got_http}",
                    )
                )
    assert mismatches == []


@pytest.mark.parametrize("case_origin", [REGISTERING_NGO, HOTLINE])
def test_assistance_follows_the_same_matrix(world: dict[str, object], case_origin: str) -> None:
    """The assistance page and records: read where the case is visible, recorded where it may be changed."""
    from lantern.assistance.models import Payment
    from lantern.core.models import BenefitType

    case: Case = world["cases"][case_origin]  # type: ignore[index]
    personas: dict[tuple[Role, str], User] = world["personas"]  # type: ignore[assignment]
    fund = BenefitType.objects.get(code="assistance_fund_payment")
    mismatches = []
    for (role, code), user in personas.items():
        client = client_for(user)
        may_view = expected(role, code, "view", case_origin)
        may_edit = expected(role, code, "edit", case_origin)
        seen = client.get(f"/cases/{case.reference}/assistance/").status_code == 200
        before = Payment.objects.count()
        client.post(
            "/api/v1/payments/",
            {"case": case.reference, "benefit": "assistance_fund_payment", "paid_on": "2021-01-01"},
            content_type="application/json",
        )
        recorded = Payment.objects.count() == before + 1
        listed = client.get("/api/v1/payments/")
        in_list = listed.status_code == 200 and case.reference in {
            row["case"] for row in listed.json()["results"]
        }
        if (seen, recorded) != (may_view, may_edit) or (recorded and not in_list):
            mismatches.append(
                (role.value, code, f"view {seen}/{may_view}", f"record {recorded}/{may_edit}")
            )
    assert mismatches == []
    assert Payment.objects.filter(benefit=fund).count() == sum(
        expected(role, code, "edit", case_origin) for role, code in personas
    )
