"""A hotline operator registers a presumed victim with the keyboard alone and reveals the identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.core.models import Organisation, Role
from lantern.register.models import Case
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_by_keyboard_then_reveal(live_server, page, az_pack: Path) -> None:  # type: ignore[no-untyped-def]
    operator = UserFactory(
        username="night-operator",
        organisation=Organisation.objects.get(code="mia-hotline-152"),
        roles=[Role.HOTLINE_OPERATOR],
    )
    page.goto(f"{live_server.url}/register/new/")
    page.get_by_label("Account name").fill(operator.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/register/new/")

    page.get_by_label("Family name").focus()
    page.keyboard.type("Məmmədova")
    page.keyboard.press("Tab")
    page.keyboard.type("Leyla")
    page.get_by_label("How we met the person").select_option("hotline")
    page.get_by_label("Form of exploitation, if known").select_option("sexual_exploitation")
    page.get_by_role("button", name="Save to the register").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    case = Case.objects.get()
    assert page.url == f"{live_server.url}/cases/{case.reference}/"
    assert "Məmmədova" not in page.content()

    page.get_by_label("Why do you need the identity?").select_option("contact_victim")
    page.get_by_role("button", name="Show identity").click()
    page.wait_for_load_state()
    assert page.get_by_text("Məmmədova Leyla").is_visible()
    assert "Məmmədova" not in page.url
