"""The cases an organisation may see, in HTCDS 2.0 field names and values (docs/htcds.md), with
no identity, for the roles that may export cases, access-logged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.access import policy
from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import Role, User
from lantern.register.models import Case
from tests.register.conftest import investigator, ngo_worker, staff
from tests.statistics.test_greta_known_answers import Register, register

__all__ = ["investigator", "ngo_worker", "register"]

pytestmark = pytest.mark.django_db


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_an_investigator_exports_the_cases_in_htcds_without_identities(
    register: Register, investigator: User, tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command(
        "export", "htcds", "--user", investigator.username, "--output", str(tmp_path), stdout=out
    )
    visible = Case.objects.count()
    assert f"{visible} cases of 4 persons" in out.getvalue()
    persons = {row["lantern_person"]: row for row in _read(tmp_path / "htcds_persons.csv")}
    victims = {row["lantern_case"]: row for row in _read(tmp_path / "htcds_victim_contexts.csv")}
    cases = {row["lantern_case"]: row for row in _read(tmp_path / "htcds_cases.csv")}
    assert len(victims) == len(cases) == visible

    two_forms = victims[register["two_forms"]["reference"]]
    assert two_forms["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert two_forms["vic_TraffickingStatusDecisionMakingOrg"] == "Police"
    assert two_forms["vic_TypeOfExploitation"] == "ForcedLabour;SexualExploitation"
    person = persons[register["two_forms"]["person"]]
    assert (person["prs_Gender"], person["prs_Citizenship"]) == ("Feminine", "AZ")
    assert persons[register["turns_eighteen"]["person"]]["prs_Gender"] == "Masculine"
    # The child identified in two years: one person, two victim contexts.
    assert (
        victims[register["child_again"]["reference"]]["lantern_person"]
        == (register["child"]["person"])
    )
    assert cases[register["two_forms"]["reference"]]["cas_Status"] == "Active"
    assert (
        cases[register["two_forms"]["reference"]]["cas_CaseOwner"] == "caseworker-ngo-clean-world"
    )

    # No identity leaves: the name fields are empty and no recorded name is anywhere.
    assert {row["prs_SecondName"] + row["prs_Birthdate"] for row in persons.values()} == {""}
    written = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    for name in ("Aliyeva", "Karimov", "Həsənova", "1990-05-01"):
        assert name not in written
    logged = AccessLogEntry.objects.get(action=AccessAction.EXPORT_CASES, user=investigator)
    assert logged.detail == f"HTCDS, {visible} case(s) (command)"


def test_a_case_worker_may_not_export_and_nothing_is_written(
    register: Register, ngo_worker: User, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="may not export cases"):
        call_command("export", "htcds", "--user", ngo_worker.username, "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT_CASES).exists()


def test_a_supervisor_of_an_ngo_exports_only_what_the_ngo_may_see(
    register: Register, tmp_path: Path
) -> None:
    supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    call_command("export", "htcds", "--user", supervisor.username, "--output", str(tmp_path))
    exported = {row["lantern_case"] for row in _read(tmp_path / "htcds_cases.csv")}
    assert exported
    assert exported == set(
        policy.visible_cases(supervisor, Case.objects.all()).values_list("reference", flat=True)
    )
