"""Referrals: consent first, the provider sees what the consent allows, and access ends or freezes with the referral."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from lantern.access import policy
from lantern.core.models import Organisation, Role, User
from lantern.nrm.models import ReferralStatus
from lantern.nrm.services import NrmError, move_referral, record_consent, refer_case
from lantern.register.identity import Identity
from lantern.register.models import Case
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shelter_worker(ngo_worker: User) -> User:
    return staff("mia-shelter", Role.CASEWORKER)


@pytest.fixture
def case(ngo_worker: User) -> Case:
    return register_presumed_victim(actor=ngo_worker, data=registration())


def consent(ngo_worker: User, case: Case, disclosure: str = "summary") -> object:
    return record_consent(
        actor=ngo_worker,
        case=case,
        given_by="person",
        given_at=timezone.now() - datetime.timedelta(minutes=5),
        disclosure=disclosure,
    )


def can_see(user: User, case: Case) -> int:
    return client_for(user).get(f"/api/v1/cases/{case.reference}/").status_code


def test_a_referral_without_consent_is_refused(
    ngo_worker: User, case: Case, shelter_worker: User
) -> None:
    shelter = Organisation.objects.get(code="mia-shelter")
    with pytest.raises(NrmError) as refused:
        refer_case(
            actor=ngo_worker, case=case, provider=shelter, service_type="social", consent=None
        )
    assert "consent" in refused.value.errors
    assert case.referrals.count() == 0
    assert can_see(shelter_worker, case) == 404


def test_a_supervisor_may_refer_without_consent_with_a_legal_reason(
    ngo_worker: User, case: Case
) -> None:
    supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    assert policy.can_override_consent(supervisor, case) is True
    assert policy.can_override_consent(ngo_worker, case) is False
    referral = refer_case(
        actor=supervisor,
        case=case,
        provider=Organisation.objects.get(code="mia-shelter"),
        service_type="social",
        consent=None,
        override_reason="Immediate danger to life (Law Art. 16)",
        may_override=True,
    )
    assert referral.override_by == supervisor


def test_summary_consent_shows_the_case_but_not_the_identity(
    ngo_worker: User, case: Case, shelter_worker: User
) -> None:
    referral = refer_case(
        actor=ngo_worker,
        case=case,
        provider=Organisation.objects.get(code="mia-shelter"),
        service_type="social",
        consent=consent(ngo_worker, case),
    )  # type: ignore[arg-type]
    assert referral.status == ReferralStatus.SENT
    assert can_see(shelter_worker, case) == 200
    reveal = client_for(shelter_worker).post(
        f"/api/v1/cases/{case.reference}/identity/",
        {"reason_code": "arrange_service"},
        content_type="application/json",
    )
    assert reveal.status_code == 403
    assert "Məmmədova" not in reveal.content.decode()


def test_identity_consent_lets_the_provider_reveal(
    ngo_worker: User, case: Case, shelter_worker: User
) -> None:
    refer_case(
        actor=ngo_worker,
        case=case,
        provider=Organisation.objects.get(code="mia-shelter"),
        service_type="social",
        consent=consent(ngo_worker, case, "identity"),
    )  # type: ignore[arg-type]
    reveal = client_for(shelter_worker).post(
        f"/api/v1/cases/{case.reference}/identity/",
        {"reason_code": "arrange_service"},
        content_type="application/json",
    )
    assert reveal.status_code == 200


def test_reference_only_consent_does_not_open_the_case(
    ngo_worker: User, case: Case, shelter_worker: User
) -> None:
    refer_case(
        actor=ngo_worker,
        case=case,
        provider=Organisation.objects.get(code="mia-shelter"),
        service_type="social",
        consent=consent(ngo_worker, case, "reference_only"),
    )  # type: ignore[arg-type]
    assert can_see(shelter_worker, case) == 404


def test_withdrawal_ends_the_providers_access(
    ngo_worker: User, case: Case, shelter_worker: User
) -> None:
    referral = refer_case(
        actor=ngo_worker,
        case=case,
        provider=Organisation.objects.get(code="mia-shelter"),
        service_type="social",
        consent=consent(ngo_worker, case),
    )  # type: ignore[arg-type]
    with pytest.raises(NrmError):
        move_referral(
            actor=ngo_worker, referral=referral, status=ReferralStatus.WITHDRAWN, reason=""
        )
    move_referral(
        actor=ngo_worker,
        referral=referral,
        status=ReferralStatus.WITHDRAWN,
        reason="the person moved to another city",
    )
    assert can_see(shelter_worker, case) == 404


def test_a_declined_referral_needs_a_reason_and_ends_access(
    ngo_worker: User, case: Case, shelter_worker: User
) -> None:
    referral = refer_case(
        actor=ngo_worker,
        case=case,
        provider=Organisation.objects.get(code="mia-shelter"),
        service_type="social",
        consent=consent(ngo_worker, case),
    )  # type: ignore[arg-type]
    with pytest.raises(NrmError):
        move_referral(
            actor=ngo_worker, referral=referral, status=ReferralStatus.DECLINED, reason="no places"
        )  # only the provider declines
    move_referral(
        actor=shelter_worker,
        referral=referral,
        status=ReferralStatus.DECLINED,
        reason="no free places",
    )
    assert can_see(shelter_worker, case) == 404


def test_after_completion_the_provider_reads_but_cannot_change(
    ngo_worker: User, case: Case, shelter_worker: User
) -> None:
    referral = refer_case(
        actor=ngo_worker,
        case=case,
        provider=Organisation.objects.get(code="mia-shelter"),
        service_type="social",
        consent=consent(ngo_worker, case, "identity"),
    )  # type: ignore[arg-type]
    move_referral(actor=shelter_worker, referral=referral, status=ReferralStatus.ACCEPTED)
    patch = client_for(shelter_worker).patch(
        f"/api/v1/cases/{case.reference}/",
        {"version": 1, "online_platform": ""},
        content_type="application/json",
    )
    assert patch.status_code == 200
    move_referral(actor=shelter_worker, referral=referral, status=ReferralStatus.IN_PROGRESS)
    with pytest.raises(NrmError):
        move_referral(
            actor=shelter_worker, referral=referral, status=ReferralStatus.COMPLETED, outcome=""
        )
    move_referral(
        actor=shelter_worker,
        referral=referral,
        status=ReferralStatus.COMPLETED,
        outcome="three weeks in the shelter; returned to family",
    )
    assert can_see(shelter_worker, case) == 200
    assert (
        client_for(shelter_worker)
        .patch(
            f"/api/v1/cases/{case.reference}/",
            {"version": 2, "online_platform": ""},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert (
        client_for(shelter_worker)
        .post(
            f"/api/v1/cases/{case.reference}/identity/",
            {"reason_code": "safety"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert [event.status for event in referral.events.all()] == [
        "sent",
        "accepted",
        "in_progress",
        "completed",
    ]


def test_a_childs_consent_is_given_by_the_legal_representative(ngo_worker: User) -> None:
    child = register_presumed_victim(
        actor=ngo_worker, data=registration(identity=Identity(birth_date=datetime.date(2012, 4, 1)))
    )
    with pytest.raises(NrmError) as refused:
        record_consent(
            actor=ngo_worker,
            case=child,
            given_by="person",
            given_at=timezone.now(),
            disclosure="summary",
        )
    assert "legal representative" in refused.value.errors["given_by"][0]
    record_consent(
        actor=ngo_worker,
        case=child,
        given_by="legal_representative",
        given_at=timezone.now(),
        disclosure="summary",
    )


def test_only_a_service_provider_receives_referrals(ngo_worker: User, case: Case) -> None:
    with pytest.raises(NrmError) as refused:
        refer_case(
            actor=ngo_worker,
            case=case,
            provider=Organisation.objects.get(code="mia"),
            service_type="social",
            consent=consent(ngo_worker, case),
        )  # type: ignore[arg-type]
    assert "provider" in refused.value.errors
