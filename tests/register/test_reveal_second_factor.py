"""With two-step sign-in required, identity is revealed only to a verified session or a token."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.access import policy
from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import User
from lantern.register.models import Case
from lantern.register.services import register_presumed_victim
from tests.factories import TEST_PASSWORD
from tests.register.conftest import registration

pytestmark = pytest.mark.django_db


@override_settings(REQUIRE_2FA=True)
def test_an_unverified_session_cannot_reveal_even_by_the_api(ngo_worker: User) -> None:
    case: Case = register_presumed_victim(actor=ngo_worker, data=registration())
    client = Client()
    client.force_login(ngo_worker)
    response = client.post(
        f"/api/v1/cases/{case.reference}/identity/",
        {"reason_code": "safety"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "Məmmədova" not in response.content.decode()
    assert AccessLogEntry.objects.filter(action=AccessAction.REVEAL_IDENTITY).count() == 0
    assert policy.can_reveal_identity(ngo_worker, case, second_factor_verified=False) is False
    assert policy.can_reveal_identity(ngo_worker, case, second_factor_verified=True) is True


@override_settings(REQUIRE_2FA=True)
def test_a_token_obtained_with_the_second_factor_can_reveal(ngo_worker: User) -> None:
    case: Case = register_presumed_victim(actor=ngo_worker, data=registration())
    device = TOTPDevice.objects.create(user=ngo_worker, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    token = (
        Client()
        .post(
            "/api/v1/auth/token/",
            {"username": ngo_worker.username, "password": TEST_PASSWORD, "otp_token": code},
        )
        .json()["token"]
    )
    response = Client().post(
        f"/api/v1/cases/{case.reference}/identity/",
        {"reason_code": "safety"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 200
    assert response.json()["family_name"] == "Məmmədova"
