"""An accused person's name is sealed like a victim's and shown only to the specialised police."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from lantern.access import vault
from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import User
from lantern.justice.models import AccusedIdentity, AccusedPerson, CriminalCase, WantedNotice
from lantern.justice.services import open_accused_identity
from tests.justice.conftest import accused_person, client_for

pytestmark = pytest.mark.django_db

OLD = "test1:dGVzdC12YXVsdC1rZXktMDEyMzQ1Njc4OWFiY2RlZmc="
NEW = "new2:bmV3LXZhdWx0LWtleS1mb3Itcm90YXRpb24tdGVzdHM="


def test_the_name_is_stored_only_sealed(police: User) -> None:
    accused = accused_person(police, "Quliyev")
    sealed = bytes(AccusedIdentity.objects.get(accused=accused).sealed)
    assert b"Quliyev" not in sealed
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM justice_accusedperson")
        assert "Quliyev" not in str(cursor.fetchall())
    assert (accused.birth_year, accused.birth_month) == (1980, 6)
    assert open_accused_identity(accused).family_name == "Quliyev"


def test_the_specialised_police_reveal_the_name_after_giving_a_reason(police: User) -> None:
    accused = accused_person(police, "Quliyev")
    client = client_for(police)
    page = client.get(f"/justice/accused/{accused.reference}/").content.decode()
    assert "Quliyev" not in page
    no_reason = client.post(f"/justice/accused/{accused.reference}/identity/", {"reason_code": ""})
    assert no_reason.status_code == 400
    assert "Quliyev" not in no_reason.content.decode()
    response = client.post(
        f"/justice/accused/{accused.reference}/identity/",
        {"reason_code": "court_or_prosecution", "reason_text": "interview planning"},
    )
    assert response.status_code == 200
    assert "Quliyev" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(action=AccessAction.REVEAL_IDENTITY)
    assert (entry.person_reference, entry.reason_code, entry.user_id) == (
        accused.reference,
        "court_or_prosecution",
        police.pk,
    )
    assert "family_name" in entry.fields


def test_the_prosecution_sees_the_record_but_not_the_name(police: User, prosecutor: User) -> None:
    accused = accused_person(police, "Quliyev")
    client = client_for(prosecutor)
    assert client.get(f"/justice/accused/{accused.reference}/").status_code == 200
    response = client.post(
        f"/justice/accused/{accused.reference}/identity/",
        {"reason_code": "court_or_prosecution"},
        follow=True,
    )
    assert "Quliyev" not in response.content.decode()
    assert "The identity is not available to you." in response.content.decode()
    assert not AccessLogEntry.objects.filter(action=AccessAction.REVEAL_IDENTITY).exists()
    refused = AccessLogEntry.objects.get(action=AccessAction.REVEAL_REFUSED)
    assert refused.person_reference == accused.reference


def test_a_name_search_in_any_alphabet_finds_the_person_without_the_name_in_the_url(
    police: User,
) -> None:
    wanted = accused_person(police, "Məmmədov")
    accused_person(police, "Əliyev")
    client = client_for(police)
    response = client.post("/justice/accused/", {"name": "Мамедов"})
    page = response.content.decode()
    assert wanted.reference in page
    assert AccusedPerson.objects.count() == 2 and page.count('<td class="reference">') == 1
    assert client.get("/justice/accused/?name=Mamedov").status_code == 200  # ignored, lists all


def test_wanted_lists_detention_and_extradition(police: User) -> None:
    accused = accused_person(police, "Quliyev")
    client = client_for(police)
    no_notice = client.post(
        f"/justice/accused/{accused.reference}/wanted/",
        {"scope": "international", "offence": "human_trafficking", "listed_on": "2024-05-01"},
        follow=True,
    )
    assert "Give the Interpol notice" in no_notice.content.decode()
    assert not WantedNotice.objects.exists()
    client.post(
        f"/justice/accused/{accused.reference}/wanted/",
        {
            "scope": "international",
            "offence": "human_trafficking",
            "listed_on": "2024-05-01",
            "interpol_notice": "A-1234/5-2024",
            "believed_country": "TR",
        },
    )
    notice = WantedNotice.objects.get()
    assert f">{accused.reference}</a>" in client.get("/justice/wanted/").content.decode()
    early = client.post(
        f"/justice/wanted/{notice.pk}/detention/", {"detained_on": "2024-01-01"}, follow=True
    )
    assert "before the person was put on the wanted list" in early.content.decode()
    client.post(
        f"/justice/wanted/{notice.pk}/extradition/",
        {"requested_country": "TR", "sent_on": "2024-06-10"},
    )
    client.post(
        f"/justice/wanted/{notice.pk}/detention/",
        {"detained_on": "2025-01-20", "handed_to_prosecution": "on"},
    )
    notice.refresh_from_db()
    assert notice.detained_on is not None and notice.handed_to_prosecution
    assert list(notice.extradition_requests.values_list("requested_country", flat=True)) == ["TR"]
    assert accused.reference not in client.get("/justice/wanted/").content.decode()
    api = client.get(f"/api/v1/accused/{accused.reference}/").json()
    assert api["wanted"][0]["believed_country"] == "TR"
    assert "Quliyev" not in str(api)


def test_a_key_rotation_reseals_accused_identities_too(
    police: User, criminal_case: CriminalCase
) -> None:
    vault.keyring.cache_clear()
    accused = accused_person(police, "Quliyev")
    assert AccusedIdentity.objects.get(accused=accused).key_id == "test1"
    with override_settings(VAULT_KEYS=f"{NEW},{OLD}"):
        vault.keyring.cache_clear()
        call_command("vault", "rotate", stdout=StringIO())
        assert AccusedIdentity.objects.get(accused=accused).key_id == "new2"
    with override_settings(VAULT_KEYS=NEW):
        vault.keyring.cache_clear()
        assert open_accused_identity(accused).family_name == "Quliyev"
    vault.keyring.cache_clear()
