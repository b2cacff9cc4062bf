"""The register in CTDC's format, k-anonymised: an independent count of the written file finds
no quasi-identifier combination shared by fewer than k records, and no record is lost silently
(exported + suppressed = the register's identified victims).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.demo import ensure_demo_accounts
from lantern.core.models import Organisation, Role, User
from lantern.exchange.ctdc_export import anonymise, form_flags
from lantern.register.demo import generate_demo_history
from lantern.register.models import Case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Read from CTDC's own description of its release, not from the code under test.
CTDC_QUASI_IDENTIFIERS = [
    "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
    "isForcedLabour", "isSexualExploit", "isOtherExploit", "isForcedMarriage",
    "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices",
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_register(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Two years of the demo register, shared by the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_demo_accounts()
        generate_demo_history(years=[2022, 2023], demo_staff=True)
        yield
        transaction.set_rollback(True)


def _user(role: Role, username: str = "samir") -> User:
    user: User = UserFactory(
        username=username,
        organisation=Organisation.objects.get(code="state-statistics-committee"),
        roles=[role],
    )
    return user


def _export(tmp_path: Path, *extra: str) -> tuple[list[dict[str, str]], dict[str, Any]]:
    target = tmp_path / "ctdc.csv"
    out = io.StringIO()
    call_command("export", "ctdc", "--user", "samir", "--output", str(target), *extra, stdout=out)
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return rows, json.loads(out.getvalue())


def test_a_k11_export_of_the_demo_register_is_k_anonymous_and_loses_no_record_silently(
    demo_register: None, az_pack: Path, tmp_path: Path
) -> None:
    statistician = _user(Role.STATISTICIAN)
    rows, said = _export(tmp_path)
    identified = Case.objects.filter(identified_on__isnull=False).count()
    assert identified > 100
    groups = Counter(tuple(row[name] for name in CTDC_QUASI_IDENTIFIERS) for row in rows)
    assert min(groups.values()) >= 11
    assert len(rows) == said["exported"]
    assert said["exported"] + said["suppressed"] == identified == said["register_size"]
    assert said["exported"] > identified // 2  # generalised first, not simply dropped
    text = (tmp_path / "ctdc.csv").read_text(encoding="utf-8")
    some_references = Case.objects.values_list("reference", flat=True)[:50]
    assert not any(reference in text for reference in some_references)
    logged = AccessLogEntry.objects.get(action=AccessAction.STATISTICS, user=statistician)
    assert logged.detail.startswith(f"ctdc export k=11: {said['exported']} exported")


def test_a_larger_k_generalises_more_and_still_holds(
    demo_register: None, az_pack: Path, tmp_path: Path
) -> None:
    _user(Role.COORDINATOR)
    rows, said = _export(tmp_path, "--k", "50")
    groups = Counter(tuple(row[name] for name in CTDC_QUASI_IDENTIFIERS) for row in rows)
    assert not groups or min(groups.values()) >= 50
    assert said["exported"] + said["suppressed"] == said["register_size"]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.INVESTIGATOR, Role.AUDITOR, Role.ADMIN])
def test_only_statisticians_and_the_coordinator_export_and_a_refusal_writes_nothing(
    az_pack: Path, tmp_path: Path, role: Role
) -> None:
    _user(role)
    with pytest.raises(CommandError, match="samir may not export the register for CTDC"):
        _export(tmp_path)
    assert not (tmp_path / "ctdc.csv").exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.STATISTICS).exists()


def _row(year: str, gender: str, band: str, citizenship: str, country: str) -> dict[str, str]:
    row = {
        "yearOfRegistration": year, "gender": gender, "ageBroad": band,
        "majorityStatus": "Minor" if band in ("0--8", "9--17") else "Adult",
        "citizenship": citizenship, "CountryOfExploitation": country,
    }  # fmt: skip
    row.update({name: "0" for name in CTDC_QUASI_IDENTIFIERS[5:]})
    return row


def test_age_bands_are_widened_before_anyone_is_suppressed(az_pack: Path) -> None:
    # 3 women of 21-23 and 3 of 24-26: at k=5 no group is large enough until the two bands
    # become "adult"; the one girl stays alone and is suppressed.
    rows = [_row("2023", "Female", "21--23", "AZ", "TR") for _ in range(3)]
    rows += [_row("2023", "Female", "24--26", "AZ", "TR") for _ in range(3)]
    rows += [_row("2023", "Female", "9--17", "AZ", "TR")]
    kept, release = anonymise(rows, 5)
    assert release.steps[0] == "minor or adult"
    assert release.generalised_values["ageBroad"] == 7
    assert (release.exported, release.suppressed) == (6, 1)
    assert {row["ageBroad"] for row in kept} == {"18+"}
    with pytest.raises(ValueError, match="at least 2"):
        anonymise(rows, 1)


def test_every_form_of_exploitation_goes_out_under_a_ctdc_flag() -> None:
    assert form_flags({"begging"})["isForcedLabour"] == "1"
    assert form_flags({"forced_criminal_activity"})["isForcedLabour"] == "1"
    assert form_flags({"sexual_exploitation", "organ_removal"}) == {
        **dict.fromkeys(CTDC_QUASI_IDENTIFIERS[5:], "0"),
        "isSexualExploit": "1",
        "isOrganRemoval": "1",
    }
    assert form_flags({"a_form_ctdc_does_not_know"})["isOtherExploit"] == "1"
    assert set(form_flags(set()).values()) == {"0"}


def test_a_step_that_saves_no_record_is_not_taken(az_pack: Path) -> None:
    # Two groups of 5 in different years and one loner: dropping the year would merge the two
    # groups and still leave the loner alone, so the years stay and only the loner goes.
    rows = [_row("2022", "Female", "21--23", "AZ", "AZ") for _ in range(5)]
    rows += [_row("2023", "Female", "21--23", "AZ", "AZ") for _ in range(5)]
    rows += [_row("2023", "Male", "30--38", "AZ", "AZ")]
    kept, release = anonymise(rows, 5)
    assert "no year" not in release.steps
    assert {row["yearOfRegistration"] for row in kept} == {"2022", "2023"}
    assert (release.exported, release.suppressed) == (10, 1)
