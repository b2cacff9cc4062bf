"""Every role in every kind of organisation against every way in and out of the data exchange.

The expectations are the policy's rules, written out: an organisation's supervisors and
investigators import into its own register and see its imports; nobody else learns that an
import page, run or report exists (404). Criminal proceedings come in only from those who
record them. Case exports go to supervisors and investigators; identities only to supervisors.
Every refusal writes nothing.
"""

from __future__ import annotations

import csv
from itertools import product
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lantern.access import policy
from lantern.core.models import Role, User
from lantern.exchange.models import ImportRun
from lantern.exchange.native.engine import ImportNotAllowed, import_file
from lantern.exchange.native.registry import CASE_KIND, KINDS
from lantern.register.models import Case
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

OWNER = "ngo-clean-world"
ORGANISATIONS = (OWNER, "mia-ctht", "prosecutor-general", "mia-hotline-152", "ngo-contact")
IMPORTING_ROLES = {Role.SUPERVISOR, Role.INVESTIGATOR}
CASE_HEADER = ["case_id", "registered_at", "contact_channel", "citizenship"]


def _cases_file(folder: Path, case_id: str) -> Path:
    path = folder / f"{case_id}.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([CASE_HEADER, [case_id, "2023-03-01", "ngo_outreach", "AZ"]])
    return path


@pytest.fixture
def owners_run(az_pack: Path, tmp_path: Path) -> ImportRun:
    supervisor = staff(OWNER, Role.SUPERVISOR, username="owner-supervisor")
    return import_file(CASE_KIND, _cases_file(tmp_path, "OWN-1"), supervisor)


def test_the_whole_matrix(owners_run: ImportRun, tmp_path: Path) -> None:
    for code, role in product(ORGANISATIONS, Role):
        user = staff(code, role, username=f"{role}-{code}")
        _check_one(user, code, role, owners_run, tmp_path)


def _check_one(user: User, code: str, role: Role, run: ImportRun, folder: Path) -> None:
    who = f"{role} of {code}"
    imports = role in IMPORTING_ROLES
    assert policy.can_import_register_data(user) is imports, who
    sees_run = imports and code == OWNER
    assert policy.can_view_import_run(user, run) is sees_run, who

    client = Client()
    client.force_login(user)
    expected_page = 200 if imports else 404
    assert client.get("/imports/").status_code == expected_page, who
    assert client.get("/imports/templates/cases.xlsx").status_code == expected_page, who
    expected_run = 200 if sees_run else 404
    assert client.get(f"/imports/{run.pk}/").status_code == expected_run, who
    assert client.get(f"/imports/{run.pk}/report.csv").status_code == expected_run, who
    assert client.get(f"/api/v1/imports/{run.pk}/").status_code == expected_run, who

    runs_before, cases_before = ImportRun.objects.count(), Case.objects.count()
    path = _cases_file(folder, f"{role}-{code}")
    if imports:
        imported = import_file(CASE_KIND, path, user)
        assert (imported.created, imported.organisation_id) == (1, user.organisation_id), who
    else:
        with pytest.raises(ImportNotAllowed):
            import_file(CASE_KIND, path, user)
        with pytest.raises(CommandError):
            call_command("import", "cases", str(path), "--user", user.username)
        response = client.post("/imports/", {"kind": "cases", "file": path.open("rb")})
        assert response.status_code == 404, who
        assert (ImportRun.objects.count(), Case.objects.count()) == (runs_before, cases_before)

    criminal_cases = KINDS["criminal_cases"]
    assert criminal_cases.allowed(user) is policy.can_record_proceedings(user), who

    _check_exports(user, role, folder / f"export-{role}-{code}", who)


def _check_exports(user: User, role: Role, folder: Path, who: str) -> None:
    folder.mkdir()
    exports = policy.can_export_cases(user)
    assert exports is (role in IMPORTING_ROLES), who
    if exports:
        call_command("export", "native", "--user", user.username, "--output", str(folder))
        assert (folder / "cases.csv").exists(), who
    else:
        with pytest.raises(CommandError):
            call_command("export", "native", "--user", user.username, "--output", str(folder))
        assert not any(folder.iterdir()), who
    identities = policy.can_export_identities(user)
    assert identities is (role == Role.SUPERVISOR), who
    if not identities:
        with pytest.raises(CommandError):
            call_command(
                "export", "native", "--user", user.username, "--output", str(folder),
                "--identities",
            )  # fmt: skip


def test_an_inactive_account_imports_and_sees_nothing(
    owners_run: ImportRun, tmp_path: Path
) -> None:
    user = staff(OWNER, Role.SUPERVISOR, username="left-the-service")
    user.is_active = False
    user.save()
    assert not policy.can_import_register_data(user)
    assert not policy.can_view_import_run(user, owners_run)
    with pytest.raises(CommandError):
        call_command("import", "cases", str(_cases_file(tmp_path, "X-1")), "--user", user.username)
    assert Case.objects.count() == 1
