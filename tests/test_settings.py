"""Settings come from the environment, and production refuses unsafe values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = (
    "import json, lantern.settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'db': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'tz': s.TIME_ZONE, 'hosts': s.ALLOWED_HOSTS, 'twofa': s.REQUIRE_2FA, 'secure': s.SESSION_COOKIE_SECURE, "
    "'idle': s.SESSION_COOKIE_AGE, 'limit': s.AXES_FAILURE_LIMIT, 'key': s.SECRET_KEY, "
    "'hasher': s.PASSWORD_HASHERS[0], 'lockout': s.AXES_COOLOFF_TIME.total_seconds()}))"
)
GOOD_KEY = "k" * 50
VAULT = {
    "LANTERN_VAULT_KEYS": "k1:dGVzdC12YXVsdC1rZXktMDEyMzQ1Njc4OWFiY2RlZmc=",
    "LANTERN_VAULT_INDEX_KEY": "dGVzdC1uYW1lLWluZGV4LWtleS0wMTIzNDU2Nzg5YWI=",
}


def load_settings(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LANTERN_", "DJANGO_"))
    }
    clean.update(VAULT)
    clean.update(environment)
    clean = {name: value for name, value in clean.items() if value != "<unset>"}
    clean["LANTERN_HOME"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_of(tmp_path: Path, **environment: str) -> dict[str, object]:
    result = load_settings(tmp_path, **environment)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_production_defaults(tmp_path: Path) -> None:
    values = settings_of(tmp_path, LANTERN_SECRET_KEY=GOOD_KEY)
    assert values["debug"] is False
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "var" / "lantern.sqlite3")
    assert values["tz"] == "Asia/Baku"
    assert values["twofa"] is True
    assert values["secure"] is True
    assert values["idle"] == 30 * 60
    assert values["limit"] == 5
    assert values["lockout"] == 15 * 60
    assert values["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "LANTERN_SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key(tmp_path: Path) -> None:
    result = load_settings(
        tmp_path, LANTERN_SECRET_KEY="lantern-development-key-never-use-in-production"
    )
    assert result.returncode != 0
    assert "development key is refused" in result.stderr


def test_production_refuses_to_start_without_vault_keys(tmp_path: Path) -> None:
    result = load_settings(tmp_path, LANTERN_SECRET_KEY=GOOD_KEY, LANTERN_VAULT_KEYS="<unset>")
    assert result.returncode != 0
    assert "LANTERN_VAULT_KEYS and LANTERN_VAULT_INDEX_KEY" in result.stderr


def test_production_refuses_the_development_vault_keys(tmp_path: Path) -> None:
    result = load_settings(
        tmp_path,
        LANTERN_SECRET_KEY=GOOD_KEY,
        LANTERN_VAULT_KEYS="dev:ZGV2ZWxvcG1lbnQtdmF1bHQta2V5LW5vdC1zZWNyZXQ=",
    )
    assert result.returncode != 0
    assert "development vault keys are refused" in result.stderr


def test_development_may_use_the_development_key(tmp_path: Path) -> None:
    values = settings_of(tmp_path, LANTERN_DEBUG="1")
    assert values["key"] == "lantern-development-key-never-use-in-production"
    assert values["twofa"] is False


def test_the_key_may_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(GOOD_KEY + "\n")
    assert settings_of(tmp_path, LANTERN_SECRET_KEY_FILE=str(key_file))["key"] == GOOD_KEY


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LANTERN_DEBUG", "maybe", "LANTERN_DEBUG must be one of"),
        ("LANTERN_SESSION_IDLE_MINUTES", "thirty", "must be a whole number"),
        ("LANTERN_LOGIN_FAILURE_LIMIT", "0", "must be at least 1"),
    ],
)
def test_bad_values_stop_the_start_with_a_clear_message(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = load_settings(tmp_path, LANTERN_SECRET_KEY=GOOD_KEY, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_every_knob_is_read(tmp_path: Path) -> None:
    values = settings_of(
        tmp_path,
        LANTERN_SECRET_KEY=GOOD_KEY,
        LANTERN_DATABASE_URL="postgresql://lantern@db.example:5432/lantern",
        LANTERN_TIME_ZONE="Europe/London",
        LANTERN_ALLOWED_HOSTS="lantern.example, www.lantern.example",
        LANTERN_REQUIRE_2FA="0",
        LANTERN_HTTPS="0",
        LANTERN_SESSION_IDLE_MINUTES="10",
        LANTERN_LOGIN_FAILURE_LIMIT="3",
    )
    assert values["db"] == "django.db.backends.postgresql"
    assert values["name"] == "lantern"
    assert values["tz"] == "Europe/London"
    assert values["hosts"] == ["lantern.example", "www.lantern.example"]
    assert values["twofa"] is False
    assert values["secure"] is False
    assert values["idle"] == 600
    assert values["limit"] == 3


def test_production_settings_pass_djangos_deployment_checks(tmp_path: Path) -> None:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LANTERN_", "DJANGO_"))
    }
    clean.update(
        VAULT,
        LANTERN_SECRET_KEY=GOOD_KEY + "-Zx9",
        LANTERN_HOME=str(tmp_path),
        LANTERN_ALLOWED_HOSTS="lantern.example",
    )
    result = subprocess.run(
        [sys.executable, "-m", "lantern", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
