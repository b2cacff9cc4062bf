"""The Azerbaijan pack holds what the source documents name."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from lantern.core.models import (
    CodeEntry,
    DeadlineRule,
    Organisation,
    OrganisationKind,
    PublicHoliday,
)

pytestmark = pytest.mark.django_db


def entry(list_code: str, code: str) -> CodeEntry:
    return CodeEntry.objects.get(code_list__code=list_code, code=code)


def test_the_specialised_police_authority_is_the_mia_main_department(az_pack: Path) -> None:
    police = Organisation.objects.get(kind=OrganisationKind.SPECIALISED_POLICE)
    assert police.code == "mia-ctht"
    assert police.parent is not None
    assert police.parent.code == "mia"
    assert {"Chief Office against Trafficking in Humans", "Special Police Unit"} <= set(
        police.aliases
    )


def test_the_named_bodies_are_there_in_their_hierarchy(az_pack: Path) -> None:
    parent_of = dict(Organisation.objects.values_list("code", "parent__code"))
    assert parent_of["mia-shelter"] == "mia"
    assert parent_of["ssa-assistance-center"] == "ssa"
    assert parent_of["ssa"] == "mlspp"
    assert parent_of["ombudsman-916"] == "ombudsman"
    assert parent_of["sms-919"] == "sms"
    for ngo in (
        "ngo-clean-world",
        "ngo-azerbaijan-children",
        "ngo-contact",
        "ngo-family-world",
        "ngo-21st-century-women",
    ):
        assert parent_of[ngo] == "ngo-coalition"
    assert (
        Organisation.objects.get(code="ssa-assistance-center").kind
        == OrganisationKind.ASSISTANCE_CENTRE
    )
    assert Organisation.objects.get(code="mia-shelter").kind == OrganisationKind.SHELTER
    courts = Organisation.objects.filter(
        kind=OrganisationKind.COURT, code__endswith="serious-crimes-court"
    )
    assert sorted(courts.values_list("code", flat=True)) == [
        "baku-serious-crimes-court",
        "ganja-serious-crimes-court",
        "lankaran-serious-crimes-court",
    ]
    hotlines = dict(
        Organisation.objects.filter(kind=OrganisationKind.HOTLINE).values_list("phone", "code")
    )
    assert hotlines["152"] == "mia-hotline-152"
    assert hotlines["919"] == "sms-919"
    assert hotlines["916"] == "ombudsman-916"


def test_every_label_exists_in_three_languages(az_pack: Path) -> None:
    for model, prefix in (
        (CodeEntry, "label"),
        (Organisation, "name"),
        (DeadlineRule, "name"),
        (PublicHoliday, "name"),
    ):
        for language in ("en", "az", "ru"):
            assert model.objects.filter(**{f"{prefix}_{language}": ""}).count() == 0


def test_articles_without_a_title_in_the_sources_are_flagged(az_pack: Path) -> None:
    assert entry("criminal_code_articles", "144-1").needs_review is False
    for article in ("144-2", "144-3", "125"):
        assert entry("criminal_code_articles", article).needs_review is True


def test_countries_are_iso_codes_with_the_documents_spellings(az_pack: Path) -> None:
    countries = CodeEntry.objects.filter(code_list__code="countries")
    assert countries.count() >= 249
    assert entry("countries", "TR").label_en == "Türkiye"
    assert {"Turkiye", "Turkey"} <= set(entry("countries", "TR").aliases)
    assert "Russia" in entry("countries", "RU").aliases
    assert entry("countries", "AZ").label_az == "Azərbaycan"
    assert entry("countries", "NO").code == "NO"
    assert entry("countries", "XX").label_en == "Stateless"


def test_the_fourteen_regions(az_pack: Path) -> None:
    assert CodeEntry.objects.filter(code_list__code="regions").count() == 14
    assert "Lenkoran-Astara" in entry("regions", "lankaran-astara").aliases


def test_the_statutory_deadlines(az_pack: Path) -> None:
    deadlines = {
        rule.code: (rule.duration_amount, rule.duration_unit) for rule in DeadlineRule.objects.all()
    }
    assert deadlines == {
        "transfer_to_specialised_police": (24, "calendar_hours"),
        "asylum_seeker_notification": (24, "calendar_hours"),
        "recovery_reflection_period": (30, "calendar_days"),
        "unaccompanied_minor_umis_entry": (1, "working_days"),
        "guardianship_notification": (None, "immediately"),
        "recovery_reflection_end_reminder": (25, "calendar_days"),
        "expulsion_protection_after_identification": (365, "calendar_days"),
    }
    assert (
        "No. 21" in DeadlineRule.objects.get(code="transfer_to_specialised_police").legal_basis_en
    )


def test_the_calendar_covers_2019_to_2027(az_pack: Path) -> None:
    for year in range(2019, 2028):
        days = set(PublicHoliday.objects.filter(date__year=year).values_list("date", flat=True))
        assert {
            datetime.date(year, 1, 1),
            datetime.date(year, 1, 2),
            datetime.date(year, 3, 8),
            datetime.date(year, 5, 28),
        } <= days
        assert {datetime.date(year, 3, 20), datetime.date(year, 3, 21)} <= days  # Novruz
    assert datetime.date(2021, 11, 8) in set(PublicHoliday.objects.values_list("date", flat=True))
