"""The raw database holds no name, document number or phone: read the SQLite file and a pg_dump."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from lantern.core.models import Role
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff

REPOSITORY = Path(__file__).resolve().parents[2]
SECRETS = ("Leyla", "Məmmədova", "Mammadova", "C03345678", "123 45 67", "Nizami", "Sumqayıt")

REGISTER_ONE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from lantern.core.packs.load import load_pack
from lantern.core.packs.paths import BUILT_IN_PACKS
load_pack(BUILT_IN_PACKS / "az", loaded_by="test")
from lantern.core.models import Role
from lantern.register.services import register_presumed_victim
from tests.register.conftest import registration, staff
register_presumed_victim(actor=staff("ngo-clean-world", Role.CASEWORKER), data=registration())
from django.db import connection
connection.close()
"""


def assert_no_secret(raw: bytes, where: str) -> None:
    for secret in SECRETS:
        assert secret.encode("utf-8") not in raw, f"{secret!r} found in {where}"
        assert secret.encode("utf-16-le") not in raw, f"{secret!r} found in {where} (UTF-16)"


def test_the_raw_sqlite_file_holds_no_identity(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("LANTERN_DATABASE")
    }
    environment.update(
        LANTERN_DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=str(REPOSITORY),
    )
    result = subprocess.run(
        [sys.executable, "-c", REGISTER_ONE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    files = [path for path in tmp_path.iterdir() if path.name.startswith("register.sqlite3")]
    assert database in files
    raw = b"".join(path.read_bytes() for path in files)
    assert b"ngo-clean-world" in raw  # the file is readable and holds the register
    assert_no_secret(raw, "the SQLite file")


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_holds_no_identity(az_pack: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of `make test`")
    pg_dump = shutil.which("pg_dump")
    assert pg_dump is not None, "pg_dump is needed for this test"
    register_presumed_victim(actor=staff("ngo-clean-world", Role.CASEWORKER), data=registration())
    settings = connection.settings_dict
    result = subprocess.run(
        [
            pg_dump,
            "--data-only",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"ngo-clean-world" in result.stdout
    assert_no_secret(result.stdout, "the PostgreSQL dump")
