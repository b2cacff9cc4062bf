"""The `lantern` command: help, accounts, the demo set-up and Django's commands."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lantern.cli import main
from lantern.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from lantern.core.models import Organisation, OrganisationKind, Role, User

REPOSITORY = Path(__file__).resolve().parents[2]


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    printed = capsys.readouterr().out
    for command in ("serve", "demo", "pack check", "pack load", "users create", "manage"):
        assert command in printed
    for command in ("report annual", "validate tables", "import ctdc", "export ctdc"):
        assert command in printed


@pytest.mark.parametrize("command", ["import", "export", "report", "validate"])
def test_every_listed_command_answers_through_python_dash_m_lantern(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lantern", command, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_an_unknown_command_is_refused_with_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def test_python_dash_m_lantern_runs_djangos_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lantern", "manage", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **os.environ,
            "PYTHONPATH": str(REPOSITORY),
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_missing_secret_key_is_explained_without_a_traceback(tmp_path: Path) -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LANTERN_", "DJANGO_"))
    }
    result = subprocess.run(
        [sys.executable, "-m", "lantern", "serve", "--port", "8799"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**environment, "LANTERN_HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert "the configuration is not usable: LANTERN_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_after_a_demo_other_commands_act_on_the_demo(tmp_path: Path) -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LANTERN_", "DJANGO_"))
    }
    environment["LANTERN_HOME"] = str(tmp_path)

    def lantern(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lantern", *arguments],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            env=environment,
        )

    assert lantern("demo", "--no-serve").returncode == 0
    reload = lantern("pack", "load", "az")
    assert reload.returncode == 0, reload.stderr
    assert "already loaded; nothing changed" in reload.stdout
    # Configuring a real database means this is no demo: the key is required again.
    environment["LANTERN_DATABASE_URL"] = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    refused = lantern("pack", "load", "az")
    assert refused.returncode == 2
    assert "LANTERN_SECRET_KEY" in refused.stderr


def test_pack_check_needs_no_settings_or_database() -> None:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LANTERN_", "DJANGO_"))
    }
    result = subprocess.run(
        [sys.executable, "-m", "lantern", "pack", "check", "az"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert "the pack is valid" in result.stdout


@pytest.mark.django_db
def test_users_create_makes_an_account_in_one_organisation(monkeypatch: pytest.MonkeyPatch) -> None:
    Organisation.objects.create(
        code="ngo-1", name_en="NGO", name_az="QHT", name_ru="НПО", kind=OrganisationKind.NGO
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    out = io.StringIO()
    call_command(
        "users",
        "create",
        "aysel",
        "--organisation",
        "ngo-1",
        "--role",
        "caseworker",
        "--role",
        "supervisor",
        "--password-stdin",
        stdout=out,
    )
    user = User.objects.get(username="aysel")
    assert user.organisation is not None
    assert user.organisation.code == "ngo-1"
    assert user.role_codes() == {Role.CASEWORKER, Role.SUPERVISOR}
    assert user.check_password("a-long-enough-passphrase")
    assert "created aysel" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "password", "message"),
    [
        (
            ["--organisation", "nowhere", "--role", "caseworker"],
            "a-long-enough-passphrase",
            "no active organisation with the code 'nowhere'",
        ),
        (["--organisation", "ngo-1", "--role", "caseworker"], "short", "the password is too weak"),
    ],
)
def test_users_create_refuses_bad_input_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, arguments: list[str], password: str, message: str
) -> None:
    Organisation.objects.create(
        code="ngo-1", name_en="NGO", name_az="QHT", name_ru="НПО", kind=OrganisationKind.NGO
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(CommandError, match=message):
        call_command("users", "create", "aysel", *arguments, "--password-stdin")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_users_create_refuses_an_existing_name(
    monkeypatch: pytest.MonkeyPatch, caseworker: User
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "users",
            "create",
            caseworker.username,
            "--organisation",
            caseworker.organisation.code,
            "--role",
            "admin",
            "--password-stdin",
        )
    assert caseworker.role_codes() == {Role.CASEWORKER}


@pytest.mark.django_db
def test_demo_sets_up_one_account_per_role_in_a_fitting_organisation(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEMO_MODE = True
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    printed = out.getvalue()
    assert f"password for all: {DEMO_PASSWORD}" in printed
    assert {account.role for account in DEMO_ACCOUNTS} == set(Role)
    expected_kinds = {
        "caseworker": OrganisationKind.ASSISTANCE_CENTRE,
        "investigator": OrganisationKind.SPECIALISED_POLICE,
        "hotline": OrganisationKind.HOTLINE,
    }
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.role_codes() == {account.role}
        assert user.check_password(DEMO_PASSWORD)
        assert user.organisation is not None
        assert f"{account.username:<14}{account.role.value:<20}" in printed
        if account.username in expected_kinds:
            assert user.organisation.kind == expected_kinds[account.username]
    assert "Two-step sign-in is OFF" in printed
    for account in DEMO_ACCOUNTS:
        signed_in = Client().post(
            "/account/login/", {"username": account.username, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, account.username
    # Running it again resets the demo accounts and adds nothing.
    users_before = User.objects.count()
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert User.objects.count() == users_before


@pytest.mark.django_db
def test_demo_refuses_to_run_outside_demo_mode() -> None:
    with pytest.raises(CommandError, match="must be started as `lantern demo`"):
        call_command("demo", "--no-serve")
    assert User.objects.count() == 0
