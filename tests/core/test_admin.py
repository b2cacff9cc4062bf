"""The configuration pages an administrator uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.core.models import CodeList, Organisation, Role, User
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

CONFIGURATION_PAGES = [
    "/admin/",
    "/admin/core/organisation/",
    "/admin/core/user/",
    "/admin/core/codelist/",
    "/admin/core/deadlinerule/",
    "/admin/core/benefittype/",
    "/admin/core/agebandscheme/",
    "/admin/core/publicholiday/",
    "/admin/core/packload/",
    "/admin/access/securityevent/",
    "/admin/axes/accessattempt/",
]


@pytest.mark.parametrize("path", CONFIGURATION_PAGES)
def test_every_configuration_page_opens_for_an_administrator(
    az_pack: Path, admin_user: User, path: str
) -> None:
    assert signed_in_client(admin_user).get(path).status_code == 200


def test_a_code_list_shows_its_entries_read_only(az_pack: Path, admin_user: User) -> None:
    client = signed_in_client(admin_user)
    sexes = CodeList.objects.get(code="sexes")
    page = client.get(f"/admin/core/codelist/{sexes.pk}/change/").content.decode()
    assert "Female" in page
    assert 'name="entries-0-label_en"' not in page


def test_an_administrator_creates_an_account_with_an_organisation_and_a_role(
    az_pack: Path, admin_user: User
) -> None:
    client = signed_in_client(admin_user)
    shelter = Organisation.objects.get(code="mia-shelter")
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": "shelter-staff",
            "organisation": shelter.pk,
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-role": "caseworker",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="shelter-staff")
    assert created.organisation == shelter
    assert created.role_codes() == {Role.CASEWORKER}
    assert created.is_staff is False
