from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from lantern.core.models import Role, User
from lantern.core.packs.load import load_pack
from lantern.core.packs.paths import BUILT_IN_PACKS
from tests.personas import persona

AZ_PACK = BUILT_IN_PACKS / "az"


@pytest.fixture
def az_pack(db: None) -> Path:
    """The Azerbaijan pack, loaded into this test's database."""
    load_pack(AZ_PACK, loaded_by="tests")
    return AZ_PACK


@pytest.fixture
def caseworker(db: None) -> User:
    return persona(Role.CASEWORKER)


@pytest.fixture
def admin_user(db: None) -> User:
    return persona(Role.ADMIN)


def signed_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
