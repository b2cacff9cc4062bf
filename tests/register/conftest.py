from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from lantern.core.models import Organisation, OrganisationKind, Role, User
from lantern.register.identity import Identity, IdentityDocument
from lantern.register.models import Case
from lantern.register.services import Registration, register_presumed_victim
from tests.factories import UserFactory


def staff(organisation_code: str, role: Role, username: str | None = None) -> User:
    organisation = Organisation.objects.get(code=organisation_code)
    user: User = UserFactory(
        username=username or f"{role}-{organisation_code}", organisation=organisation, roles=[role]
    )
    return user


def registration(**overrides: Any) -> Registration:
    identity = overrides.pop(
        "identity",
        Identity(
            given_name="Leyla",
            family_name="Məmmədova",
            patronymic="Rauf qızı",
            birth_date=datetime.date(1994, 5, 17),
            birth_place="Sumqayıt",
            documents=[IdentityDocument(type="passport", number="C03345678", issuing_country="AZ")],
            phone="+994 50 123 45 67",
            address="Nizami küçəsi 12, Bakı",
        ),
    )
    values: dict[str, Any] = {
        "citizenship": "AZ",
        "contact_channel": "ngo_outreach",
        "sex": "female",
        "identity": identity,
        "exploitation_forms": ["sexual_exploitation"],
        "exploitation_countries": ["TR"],
        "exploitation_scope": "transnational",
    }
    values.update(overrides)
    return Registration(**values)


@pytest.fixture
def ngo_worker(az_pack: Path) -> User:
    return staff("ngo-clean-world", Role.CASEWORKER)


@pytest.fixture
def other_ngo_worker(az_pack: Path) -> User:
    return staff("ngo-contact", Role.CASEWORKER)


@pytest.fixture
def investigator(az_pack: Path) -> User:
    return staff("mia-ctht", Role.INVESTIGATOR)


@pytest.fixture
def police_supervisor(az_pack: Path) -> User:
    return staff("mia-ctht", Role.SUPERVISOR)


@pytest.fixture
def registered_case(ngo_worker: User) -> Case:
    return register_presumed_victim(actor=ngo_worker, data=registration())


def any_organisation(kind: OrganisationKind) -> Organisation:
    organisation = Organisation.objects.filter(kind=kind).order_by("code").first()
    assert organisation is not None
    return organisation
