"""The organisation directory: every signed-in member of staff finds where to refer."""

from __future__ import annotations

import pytest
from django.test import Client

from lantern.core.models import OrganisationKind, User
from tests.conftest import signed_in_client
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hierarchy(empty_database: None) -> None:
    ministry = OrganisationFactory(
        code="ministry", name_en="Ministry of Internal Affairs", kind=OrganisationKind.STATE_BODY
    )
    OrganisationFactory(
        code="police",
        name_en="Main Department for Combating Human Trafficking",
        name_ru="Главное управление по борьбе с торговлей людьми",
        kind=OrganisationKind.SPECIALISED_POLICE,
        parent=ministry,
        aliases=["Chief Office against Trafficking in Humans"],
    )
    OrganisationFactory(
        code="hotline",
        name_en="Hot Line",
        kind=OrganisationKind.HOTLINE,
        parent=ministry,
        phone="152",
    )
    OrganisationFactory(
        code="closed", name_en="Closed Shelter", kind=OrganisationKind.SHELTER, is_active=False
    )


def rows(client: Client, query: str = "") -> list[str]:
    page = client.get(f"/directory/{query}").content.decode()
    return [line.strip() for line in page.splitlines() if '<td class="depth-' in line]


def test_the_directory_shows_the_hierarchy_and_hides_closed_organisations(
    hierarchy: None, caseworker: User
) -> None:
    found = rows(signed_in_client(caseworker))
    ministry = next(
        index for index, row in enumerate(found) if "Ministry of Internal Affairs" in row
    )
    assert found[ministry].startswith('<td class="depth-0">')
    assert found[ministry + 1].startswith('<td class="depth-1">Hot Line')
    assert found[ministry + 2].startswith('<td class="depth-1">Main Department')
    assert not any("Closed Shelter" in row for row in found)


@pytest.mark.parametrize("query", ["chief office", "152", "Главное", "POLICE"])
def test_search_finds_names_in_every_language_aliases_codes_and_phones(
    hierarchy: None, caseworker: User, query: str
) -> None:
    found = rows(signed_in_client(caseworker), f"?q={query}")
    assert len(found) == 1


def test_filter_by_kind(hierarchy: None, caseworker: User) -> None:
    found = rows(signed_in_client(caseworker), "?kind=specialised_police")
    assert len(found) == 1
    assert 'depth-0">Main Department' in found[0]


def test_a_search_that_matches_nothing_says_so(hierarchy: None, caseworker: User) -> None:
    page = signed_in_client(caseworker).get("/directory/?q=zzzz").content.decode()
    assert "No organisation matches." in page
