"""Two-step sign-in for the roles that see identities."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from lantern.access.models import SecurityEvent, SecurityEventKind
from lantern.core.models import Role, User
from tests.factories import TEST_PASSWORD
from tests.personas import persona

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]


@pytest.fixture
def two_factor_required():  # type: ignore[no-untyped-def]
    with override_settings(REQUIRE_2FA=True):
        yield


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def signed_in(user: User) -> Client:
    client = Client()
    assert (
        client.post(
            "/account/login/", {"username": user.username, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    return client


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.INVESTIGATOR])
def test_identity_roles_must_enrol_before_anything_else(role: Role) -> None:
    client = signed_in(persona(role))
    response = client.get("/directory/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/setup/"
    assert client.get("/api/v1/organisations/").status_code == 403


@pytest.mark.parametrize(
    "role", [Role.HOTLINE_OPERATOR, Role.STATISTICIAN, Role.COORDINATOR, Role.AUDITOR, Role.ADMIN]
)
def test_other_roles_go_straight_in(role: Role) -> None:
    client = signed_in(persona(role))
    assert client.get("/directory/").status_code == 200


def test_enrolment_with_the_right_code_lets_the_user_in_and_is_recorded() -> None:
    user = persona(Role.INVESTIGATOR)
    client = signed_in(user)
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/two-factor/setup/", {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get("/directory/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True
    assert (
        SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_ENROLLED, user=user).count()
        == 1
    )


def test_enrolment_with_a_wrong_code_confirms_nothing() -> None:
    user = persona(Role.CASEWORKER)
    client = signed_in(user)
    client.get("/account/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/account/two-factor/setup/", {"token": wrong})
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 0
    assert client.get("/directory/").status_code == 302


def test_an_enrolled_user_is_asked_for_a_code_at_the_next_sign_in() -> None:
    user = persona(Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = signed_in(user)
    assert client.get("/")["Location"] == "/account/two-factor/verify/"
    assert client.post("/account/two-factor/verify/", {"token": "12345a"}).status_code == 400
    assert (
        client.post("/account/two-factor/verify/", {"token": current_code(device)}).status_code
        == 302
    )
    assert client.get("/").status_code == 200


def test_api_token_needs_the_second_factor_for_identity_roles() -> None:
    user = persona(Role.INVESTIGATOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    without = Client().post(
        "/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert without.status_code == 400
    assert "otp_token" in without.json()["detail"]
    assert Token.objects.count() == 0
    with_code = Client().post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": TEST_PASSWORD, "otp_token": current_code(device)},
    )
    assert with_code.status_code == 200
    assert Token.objects.filter(user=user).count() == 1
