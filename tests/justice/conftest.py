from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lantern.core.models import Role, User
from lantern.justice.models import AccusedPerson, CriminalCase
from lantern.justice.services import (
    AccusedInput,
    CriminalCaseInput,
    link_accused,
    open_criminal_case,
    record_accused,
)
from lantern.register.identity import Identity
from tests.register.conftest import staff

INITIATED = datetime.date(2025, 3, 3)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def police(az_pack: Path) -> User:
    return staff("mia-ctht", Role.INVESTIGATOR, username="police-investigator")


@pytest.fixture
def prosecutor(az_pack: Path) -> User:
    return staff("prosecutor-general", Role.INVESTIGATOR, username="prosecutor")


def accused_person(actor: User, family_name: str = "Quliyev", **overrides: Any) -> AccusedPerson:
    values: dict[str, Any] = {
        "identity": Identity(
            family_name=family_name,
            given_name="Vüqar",
            birth_date=datetime.date(1980, 6, 2),
        ),
        "citizenship": "AZ",
        "sex": "male",
    }
    values.update(overrides)
    return record_accused(actor=actor, data=AccusedInput(**values))


@pytest.fixture
def criminal_case(police: User) -> CriminalCase:
    return open_criminal_case(
        actor=police,
        data=CriminalCaseInput(
            number="2503001",
            initiated_on=INITIATED,
            articles=["144-1.2.1"],
            forms=["sexual_exploitation"],
        ),
    )


def with_accused(actor: User, criminal_case: CriminalCase, *names: str) -> list[AccusedPerson]:
    people = [accused_person(actor, name) for name in names]
    for person in people:
        link_accused(actor=actor, criminal_case=criminal_case, accused=person)
    return people
