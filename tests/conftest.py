from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lantern.core.models import (
    AgeBand,
    AgeBandScheme,
    BenefitRate,
    BenefitType,
    CodeEntry,
    CodeList,
    DeadlineRule,
    ExtraWorkingDay,
    Jurisdiction,
    Organisation,
    PackLoad,
    PublicHoliday,
    Question,
    QuestionCategory,
    Questionnaire,
    Role,
    ScreeningRule,
    User,
)
from lantern.core.packs.load import load_pack
from lantern.core.packs.paths import BUILT_IN_PACKS
from tests.personas import persona

AZ_PACK = BUILT_IN_PACKS / "az"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the Azerbaijan pack once per test database; each test's transaction leaves it intact."""
    with django_db_blocker.unblock():
        load_pack(AZ_PACK, loaded_by="tests")


@pytest.fixture
def az_pack(db: None) -> Path:
    """The Azerbaijan pack, loaded (again, if a transactional test flushed the database)."""
    if not Jurisdiction.objects.exists():
        load_pack(AZ_PACK, loaded_by="tests")
    return AZ_PACK


@pytest.fixture
def empty_database(db: None) -> None:
    """No pack at all, for tests of a first load; undone with the test's transaction."""
    for model in (
        PackLoad,
        PublicHoliday,
        ExtraWorkingDay,
        BenefitRate,
        BenefitType,
        AgeBand,
        AgeBandScheme,
        DeadlineRule,
        ScreeningRule,
        Question,
        QuestionCategory,
        Questionnaire,
    ):
        model.objects.all().delete()
    Organisation.objects.update(parent=None)
    Organisation.objects.all().delete()
    CodeEntry.objects.all().delete()
    CodeList.objects.all().delete()
    Jurisdiction.objects.all().delete()


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
