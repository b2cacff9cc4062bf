"""Every page in English, Azerbaijani and Russian; the choice is remembered."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from lantern.core.models import User

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("en", "Sign in to Lantern", "Sign in"),
        ("az", "Lantern-ə daxil olun", "Daxil ol"),
        ("ru", "Вход в Lantern", "Войти"),
    ],
)
def test_the_sign_in_page_speaks_each_language(language: str, heading: str, button: str) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/account/login/")
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f">{button}</button>" in page


def test_the_browser_language_is_the_first_guess() -> None:
    response = Client().get("/account/login/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert "<h1>Вход в Lantern</h1>" in response.content.decode()


def test_switching_language_is_remembered_on_the_account(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker)
    response = client.post("/language/", {"language": "az", "next": "/directory/"})
    assert response.status_code == 302
    assert response["Location"] == "/directory/"
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == "az"
    # Another browser, no cookie: the account's language still applies.
    elsewhere = Client()
    elsewhere.force_login(caseworker)
    assert "<h1>Təşkilatlar</h1>" in elsewhere.get("/directory/").content.decode()


def test_an_unknown_language_changes_nothing(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker)
    client.post("/language/", {"language": "xx", "next": "/"})
    caseworker.refresh_from_db()
    assert caseworker.preferred_language == ""


def test_switching_language_needs_post() -> None:
    assert Client().get("/language/?language=az").status_code == 405


def test_an_outside_next_address_is_not_followed() -> None:
    response = Client().post("/language/", {"language": "ru", "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_interface_text_is_translated(language: str) -> None:
    catalogue = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue if not entry.translated() or entry.obsolete]
    assert untranslated == []
    compiled = polib.mofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"))
    assert {entry.msgid for entry in compiled} >= {entry.msgid for entry in catalogue}
