"""Signing in and out, lock-out after repeated failures, and idle session expiry."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from lantern.access.models import SecurityEvent, SecurityEventKind
from lantern.core.models import Role, User
from tests.conftest import signed_in_client
from tests.factories import TEST_PASSWORD
from tests.personas import persona

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/account/login/", {"username": username, "password": password})


def test_it_signs_in_with_the_right_password_and_records_it(caseworker: User) -> None:
    client = Client()
    response = sign_in(client, caseworker.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert list(SecurityEvent.objects.values_list("kind", "username")) == [
        (SecurityEventKind.SIGNED_IN, caseworker.username)
    ]


def test_it_refuses_a_wrong_password_without_saying_which_part_was_wrong(caseworker: User) -> None:
    response = sign_in(Client(), caseworker.username, "not-the-password")
    assert response.status_code == 200
    assert "The account name or password is not right" in response.content.decode()
    assert SecurityEvent.objects.get().kind == SecurityEventKind.SIGN_IN_FAILED


def test_pages_need_a_signed_in_user() -> None:
    response = Client().get("/directory/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/directory/"


def test_sixth_attempt_is_locked_out_even_with_the_right_password(caseworker: User) -> None:
    client = Client()
    for _attempt in range(5):
        sign_in(client, caseworker.username, "wrong-password")
    response = sign_in(client, caseworker.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    locked = SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKED_OUT)
    assert list(locked.values_list("username", flat=True)) == [caseworker.username]
    assert AccessAttempt.objects.get(username=caseworker.username).failures_since_start == 5


def test_lock_out_ends_after_fifteen_minutes(caseworker: User) -> None:
    with time_machine.travel(
        datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False
    ) as clock:
        client = Client()
        for _attempt in range(5):
            sign_in(client, caseworker.username, "wrong-password")
        assert sign_in(client, caseworker.username, TEST_PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=14))
        assert sign_in(client, caseworker.username, TEST_PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=2))
        assert sign_in(client, caseworker.username, TEST_PASSWORD).status_code == 302


def test_lock_out_of_one_account_leaves_others_alone(caseworker: User) -> None:
    other = persona(Role.INVESTIGATOR)
    client = Client()
    for _attempt in range(6):
        sign_in(client, caseworker.username, "wrong-password")
    assert sign_in(Client(), other.username, TEST_PASSWORD).status_code == 302


def test_an_administrator_sees_the_lock_out_and_can_lift_it(
    caseworker: User, admin_user: User
) -> None:
    for _attempt in range(5):
        sign_in(Client(), caseworker.username, "wrong-password")
    admin = signed_in_client(admin_user)
    events = admin.get("/admin/access/securityevent/?kind=locked_out")
    assert events.status_code == 200
    assert caseworker.username in events.content.decode()
    users = admin.get("/admin/core/user/")
    assert 'alt="True"' in users.content.decode()

    response = admin.post(
        "/admin/core/user/", {"action": "unlock_sign_in", "_selected_action": [caseworker.pk]}
    )
    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username=caseworker.username).count() == 0
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEventKind.UNLOCKED, username=caseworker.username
        ).count()
        == 1
    )
    assert sign_in(Client(), caseworker.username, TEST_PASSWORD).status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(caseworker: User) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        sign_in(client, caseworker.username, TEST_PASSWORD)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        # Activity pushed the expiry forward: 29 more idle minutes are still fine.
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


def test_sign_out_ends_the_session_and_is_recorded(caseworker: User) -> None:
    client = Client()
    sign_in(client, caseworker.username, TEST_PASSWORD)
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SIGNED_OUT).count() == 1


def test_an_inactive_account_cannot_sign_in(caseworker: User) -> None:
    caseworker.is_active = False
    caseworker.save(update_fields=["is_active"])
    assert sign_in(Client(), caseworker.username, TEST_PASSWORD).status_code == 200
