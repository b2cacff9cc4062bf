"""A hotline operator logs calls with the keyboard alone: an information call, then one that opens a case."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.core.models import Organisation, Role
from lantern.hotline.models import Contact
from lantern.nrm.models import Deadline
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_calls_by_keyboard(live_server, page, az_pack: Path) -> None:  # type: ignore[no-untyped-def]
    operator = UserFactory(
        username="day-operator",
        organisation=Organisation.objects.get(code="mia-hotline-152"),
        roles=[Role.HOTLINE_OPERATOR],
    )
    page.goto(f"{live_server.url}/hotline/")
    page.get_by_label("Account name").fill(operator.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/hotline/")

    # The line has the focus; typing the first letters picks an option, Tab moves on.
    page.keyboard.type("152")
    page.keyboard.press("Tab")
    page.keyboard.type("Anonymous")
    page.keyboard.press("Tab")
    page.keyboard.type("Information")
    page.keyboard.press("Tab")
    page.keyboard.type("Information")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = Contact.objects.get()
    assert (first.caller_type, first.topic, first.outcome) == (
        "anonymous",
        "information",
        "information_given",
    )
    assert first.case is None
    assert page.get_by_text(first.reference).first.is_visible()

    page.keyboard.type("152")
    page.keyboard.press("Tab")
    page.keyboard.type("Relative")
    page.keyboard.press("Tab")
    page.keyboard.type("Report")
    page.keyboard.press("Tab")
    page.keyboard.type("Information")
    page.get_by_label("Possible victim: open a presumed-victim case now").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # citizenship keeps the country's default
    page.keyboard.press("Tab")
    page.keyboard.type("Female")
    page.keyboard.press("Tab")
    page.keyboard.type("Məmmədova")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    second = Contact.objects.exclude(pk=first.pk).get()
    assert second.case is not None and second.outcome == "case_opened"
    assert page.url == f"{live_server.url}/cases/{second.case.reference}/"
    assert second.reference in page.content()
    assert "Məmmədova" not in page.content()
    assert Deadline.objects.filter(case=second.case).exists()
