"""The statistics area: statisticians and the coordinator only, exact figures logged, no records."""

from __future__ import annotations

import io
from itertools import product
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from lantern.access import policy
from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import Organisation, Role, User
from lantern.register.services import register_presumed_victim
from tests.factories import UserFactory
from tests.register.conftest import registration

pytestmark = pytest.mark.django_db

ORGANISATIONS = (
    "state-statistics-committee",
    "national-coordinator",
    "mia-ctht",
    "ngo-clean-world",
)
READERS = {Role.STATISTICIAN, Role.COORDINATOR}
PERIOD = "first_year=2024&last_year=2025"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_role_in_every_organisation(az_pack: Path) -> None:
    mismatches = []
    for role, code in product(Role, ORGANISATIONS):
        user = UserFactory(
            username=f"{role}@{code}",
            organisation=Organisation.objects.get(code=code),
            roles=[role],
        )
        allowed = role in READERS
        if policy.can_produce_statistics(user) != allowed:
            mismatches.append((role, code, "policy"))
        client = _client(user)
        if _command_allows(user, output=Path(f"/nonexistent-{role}-{code}/g.json")) != allowed:
            mismatches.append((role, code, "lantern report --user"))
        for url in (
            "/statistics/",
            f"/statistics/greta/?{PERIOD}",
            f"/statistics/greta/download/?{PERIOD}&output_format=json",
            "/statistics/annual/?year=2025",
            "/statistics/annual/download/?year=2025&output_format=json",
            f"/statistics/ctdc/?{PERIOD}",
            f"/statistics/ctdc/download/?{PERIOD}&output_format=xlsx",
        ):
            status = client.get(url).status_code
            if (status == 200) != allowed or status not in (200, 404):
                mismatches.append((role, code, url, status))
    assert mismatches == []


def _command_allows(user: User, output: Path) -> bool:
    """Whether `lantern report greta --user` produces exact figures for ``user``; a refusal is
    decided before anything is built or written (the output's folder does not even exist)."""
    try:
        call_command(
            "report", "greta", "--from", "2024", "--to", "2025", "--user", user.username,
            "--output", str(output),
        )  # fmt: skip
    except CommandError as refused:
        assert str(refused) == f"{user.username} may not produce statistics from the register"
        return False
    except FileNotFoundError:
        return True  # allowed, built, and stopped only by the folder that is not there
    return True


def test_the_report_command_names_who_takes_exact_figures_and_logs_it(
    az_pack: Path, tmp_path: Path
) -> None:
    statistician = UserFactory(
        username="samir",
        organisation=Organisation.objects.get(code="state-statistics-committee"),
        roles=[Role.STATISTICIAN],
    )
    target = tmp_path / "greta.json"
    with pytest.raises(CommandError, match="give --user USERNAME"):
        call_command("report", "greta", "--from", "2024", "--to", "2025", "--output", str(target))
    with pytest.raises(CommandError, match="nobody may not produce statistics"):
        call_command(
            "report", "greta", "--from", "2024", "--to", "2025", "--user", "nobody",
            "--output", str(target),
        )  # fmt: skip
    assert not target.exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.STATISTICS).exists()
    call_command(
        "report", "greta", "--from", "2024", "--to", "2025", "--user", "samir",
        "--format", "xlsx", "--output", str(target.with_suffix(".xlsx")),
    )  # fmt: skip
    logged = AccessLogEntry.objects.get(action=AccessAction.STATISTICS)
    assert (logged.user, logged.detail) == (statistician, "greta 2024-2025 xlsx (command)")
    # Publishable output names no one and is not logged.
    call_command(
        "report", "greta", "--from", "2024", "--to", "2025", "--public", "--output", str(target)
    )
    assert target.exists()
    assert AccessLogEntry.objects.filter(action=AccessAction.STATISTICS).count() == 1
    statistician.is_active = False
    statistician.save()
    with pytest.raises(CommandError, match="samir may not produce statistics"):
        call_command(
            "report", "greta", "--from", "2024", "--to", "2025", "--user", "samir",
            "--output", str(target),
        )  # fmt: skip


def test_a_statistician_reads_tables_downloads_them_and_exact_figures_are_logged(
    az_pack: Path, ngo_worker: User
) -> None:
    register_presumed_victim(actor=ngo_worker, data=registration())
    statistician = UserFactory(
        username="samir",
        organisation=Organisation.objects.get(code="state-statistics-committee"),
        roles=[Role.STATISTICIAN],
    )
    client = _client(statistician)
    page = client.get(f"/statistics/greta/?{PERIOD}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Table 10. Persons convicted and judgments" in text
    assert "Every breakdown adds up to its total" in text
    assert "Məmmədova" not in text
    download = client.get(f"/statistics/greta/download/?{PERIOD}&output_format=xlsx")
    assert download["Content-Disposition"] == 'attachment; filename="greta-2024-2025.xlsx"'
    workbook = load_workbook(io.BytesIO(download.content))
    assert len(workbook.worksheets) >= 12
    logged = AccessLogEntry.objects.filter(action=AccessAction.STATISTICS, user=statistician)
    assert sorted(logged.values_list("detail", flat=True)) == [
        "greta 2024-2025 page",
        "greta 2024-2025 xlsx",
    ]
    public = client.get(f"/statistics/greta/download/?{PERIOD}&output_format=json&public=on")
    assert public.json()["public"] is True
    assert logged.count() == 2  # publishable output is not an exact-figure disclosure


def test_a_bad_period_is_refused_with_the_reason(az_pack: Path) -> None:
    coordinator = UserFactory(
        username="aysel",
        organisation=Organisation.objects.get(code="national-coordinator"),
        roles=[Role.COORDINATOR],
    )
    client = _client(coordinator)
    backwards = client.get("/statistics/greta/?first_year=2025&last_year=2020")
    assert backwards.status_code == 400
    assert "The first year comes after the last year." in backwards.content.decode()
    future = client.get(
        "/statistics/greta/download/?first_year=2025&last_year=2999&output_format=json"
    )
    assert future.status_code == 400
    assert "The year has not begun yet." in future.content.decode()
    assert client.get(f"/statistics/unknown/?{PERIOD}").status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessAction.STATISTICS).exists()


def test_the_annual_report_is_asked_for_one_year_and_shows_its_figures(
    az_pack: Path, ngo_worker: User
) -> None:
    register_presumed_victim(actor=ngo_worker, data=registration())
    coordinator = UserFactory(
        username="aysel",
        organisation=Organisation.objects.get(code="national-coordinator"),
        roles=[Role.COORDINATOR],
    )
    client = _client(coordinator)
    home = client.get("/statistics/").content.decode()
    assert 'name="year"' in home and 'name="first_year"' in home
    page = client.get("/statistics/annual/?year=2025")
    assert page.status_code == 200
    text = page.content.decode()
    assert "(no change)" in text
    assert "Məmmədova" not in text
    download = client.get("/statistics/annual/download/?year=2025&output_format=docx&public=on")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="annual-2025-public.docx"'
    future = client.get("/statistics/annual/?year=2999")
    assert future.status_code == 400 and "The year has not begun yet." in future.content.decode()
