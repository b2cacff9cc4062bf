"""`lantern pack load`: all or nothing, idempotent, updated by code."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lantern.core.models import (
    AgeBandScheme,
    BenefitType,
    CodeEntry,
    DeadlineRule,
    Jurisdiction,
    Organisation,
    OrganisationKind,
    PackLoad,
    PublicHoliday,
)
from lantern.core.packs.load import PackConflict, PackInvalid, load_pack
from tests.conftest import AZ_PACK
from tests.core.test_pack_check import replace_once, three_mistakes

pytestmark = pytest.mark.django_db

PACK_MODELS = (
    Jurisdiction,
    Organisation,
    CodeEntry,
    DeadlineRule,
    BenefitType,
    AgeBandScheme,
    PublicHoliday,
    PackLoad,
)


def snapshot() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in PACK_MODELS}


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(AZ_PACK, copy)
    return copy


def test_loading_the_azerbaijan_pack_sets_up_the_jurisdiction(az_pack: Path) -> None:
    jurisdiction = Jurisdiction.objects.get()
    assert (
        jurisdiction.code,
        jurisdiction.time_zone,
        jurisdiction.reference_prefix,
        jurisdiction.currency,
    ) == ("az", "Asia/Baku", "AZ", "AZN")
    assert jurisdiction.working_weekdays() == {1, 2, 3, 4, 5}
    police = Organisation.objects.get(kind=OrganisationKind.SPECIALISED_POLICE)
    assert police.parent is not None
    assert police.parent.code == "mia"
    assert "Chief Office against Trafficking in Humans" in police.aliases
    assert (
        Organisation.objects.filter(kind=OrganisationKind.HOTLINE)
        .values_list("phone", flat=True)
        .order_by("phone")
        .distinct()[:3]
        .count()
        == 3
    )
    assert set(
        Organisation.objects.filter(kind=OrganisationKind.HOTLINE).values_list("phone", flat=True)
    ) >= {"152", "919", "916"}
    assert DeadlineRule.objects.get(code="transfer_to_specialised_police").duration_amount == 24


def test_the_one_time_allowance_follows_its_effective_dates(az_pack: Path) -> None:
    allowance = BenefitType.objects.get(code="one_time_allowance")

    def amount_on(day: datetime.date) -> Decimal | None:
        rate = allowance.rate_on(day)
        return rate.amount if rate else None

    assert amount_on(datetime.date(2010, 5, 6)) is None
    assert amount_on(datetime.date(2010, 5, 7)) == Decimal("200.00")
    assert amount_on(datetime.date(2012, 8, 2)) == Decimal("200.00")
    assert amount_on(datetime.date(2012, 8, 3)) == Decimal("400.00")
    assert amount_on(datetime.date(2019, 6, 3)) == Decimal("400.00")
    assert amount_on(datetime.date(2019, 6, 4)) == Decimal("700.00")
    assert amount_on(datetime.date(2026, 1, 1)) == Decimal("700.00")


@pytest.mark.parametrize(
    ("scheme", "age", "band"),
    [
        ("greta", 17, "child"),
        ("greta", 18, "18-25"),
        ("greta", 25, "25-35"),
        ("greta", 35, "35-55"),
        ("greta", 55, "55-plus"),
        ("greta", 90, "55-plus"),
        ("annual_report", 0, "child"),
        ("annual_report", 35, "35-plus"),
        ("annual_report", 70, "35-plus"),
    ],
)
def test_age_bands_include_the_lower_bound_and_exclude_the_upper(
    az_pack: Path, scheme: str, age: int, band: str
) -> None:
    found = AgeBandScheme.objects.get(code=scheme).band_for_age(age)
    assert found is not None
    assert found.code == band


def test_loading_twice_changes_nothing(az_pack: Path) -> None:
    before = snapshot()
    organisation_rows = list(Organisation.objects.order_by("code").values())
    result = load_pack(AZ_PACK, loaded_by="tests")
    assert (result.created, result.updated, result.retired) == (0, 0, 0)
    assert result.unchanged > 0
    assert list(Organisation.objects.order_by("code").values()) == organisation_rows
    assert snapshot() == {**before, "PackLoad": before["PackLoad"] + 1}


def test_a_pack_with_mistakes_loads_nothing_at_all(pack_copy: Path, empty_database: None) -> None:
    three_mistakes(pack_copy)
    with pytest.raises(PackInvalid) as refused:
        load_pack(pack_copy, loaded_by="tests")
    assert len(refused.value.problems) == 3
    assert set(snapshot().values()) == {0}


def test_a_pack_with_mistakes_leaves_the_loaded_version_untouched(
    az_pack: Path, pack_copy: Path
) -> None:
    replace_once(pack_copy / "pack.yaml", 'version: "2026.1"', 'version: "2026.2"')
    three_mistakes(pack_copy)
    before = snapshot()
    names = list(Organisation.objects.order_by("code").values_list("name_en", flat=True))
    with pytest.raises(PackInvalid):
        load_pack(pack_copy, loaded_by="tests")
    assert snapshot() == before
    assert Jurisdiction.objects.get().pack_version == "2026.1"
    assert list(Organisation.objects.order_by("code").values_list("name_en", flat=True)) == names


def test_a_new_version_updates_by_code_and_retires_what_it_drops(
    az_pack: Path, pack_copy: Path
) -> None:
    replace_once(pack_copy / "pack.yaml", 'version: "2026.1"', 'version: "2026.2"')
    replace_once(pack_copy / "code_lists" / "sexes.yaml", "en: Female", "en: Woman")
    sexes = pack_copy / "code_lists" / "sexes.yaml"
    text = sexes.read_text(encoding="utf-8")
    start = text.index("- code: unknown")
    sexes.write_text(text[:start], encoding="utf-8")
    female_id = CodeEntry.objects.get(code_list__code="sexes", code="female").pk

    result = load_pack(pack_copy, loaded_by="tests")

    assert result.updated == 2  # the jurisdiction's version and the relabelled entry
    assert result.retired == 1
    female = CodeEntry.objects.get(code_list__code="sexes", code="female")
    assert (female.pk, female.label_en) == (female_id, "Woman")
    assert CodeEntry.objects.get(code_list__code="sexes", code="unknown").is_active is False
    assert Jurisdiction.objects.get().pack_version == "2026.2"


def test_another_jurisdiction_is_refused(az_pack: Path, pack_copy: Path) -> None:
    replace_once(pack_copy / "pack.yaml", "code: az", "code: ge")
    before = snapshot()
    with pytest.raises(PackConflict):
        load_pack(pack_copy, loaded_by="tests")
    assert snapshot() == before


def test_the_command_reports_a_load_and_a_reload(empty_database: None) -> None:
    first, second = StringIO(), StringIO()
    call_command("pack", "load", "az", stdout=first)
    call_command("pack", "load", "az", stdout=second)
    assert "loaded (created" in first.getvalue()
    assert "already loaded; nothing changed" in second.getvalue()


def test_the_command_refuses_a_bad_pack_and_names_every_problem(
    pack_copy: Path, empty_database: None
) -> None:
    three_mistakes(pack_copy)
    errors = StringIO()
    with pytest.raises(CommandError, match="3 problem\\(s\\) found; nothing was loaded"):
        call_command("pack", "load", str(pack_copy), stderr=errors)
    assert len(errors.getvalue().strip().splitlines()) == 3
    assert set(snapshot().values()) == {0}
