"""A person signs in, switches the interface to Azerbaijani and then Russian, and signs out."""

from __future__ import annotations

import pytest

from lantern.core.models import Role, User
from tests.factories import TEST_PASSWORD
from tests.personas import persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_language_and_sign_out(live_server, page) -> None:  # type: ignore[no-untyped-def]
    user = persona(Role.HOTLINE_OPERATOR)
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/account/login/?next=/"

    page.get_by_label("Account name").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")

    page.get_by_label("Language").select_option("az")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "az"
    assert page.get_by_role("button", name="Çıxış").is_visible()
    user.refresh_from_db()
    assert user.preferred_language == "az"

    page.get_by_label("Dil").select_option("ru")
    page.get_by_role("button", name="Dəyiş").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("button", name="Выйти").is_visible()

    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(f"{live_server.url}/account/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "Вход в Lantern"
    assert User.objects.get(pk=user.pk).preferred_language == "ru"
