"""Health check, API token, the organisations endpoint and the OpenAPI schema."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from rest_framework.authtoken.models import Token

from lantern.access.models import SecurityEvent, SecurityEventKind
from lantern.core.models import OrganisationKind, Role, User
from tests.factories import TEST_PASSWORD, OrganisationFactory
from tests.personas import persona

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_the_database_answers() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not() -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_token_endpoint_gives_a_token_for_the_right_password(caseworker: User) -> None:
    response = Client().post(
        "/api/v1/auth/token/", {"username": caseworker.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=caseworker).key}
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TOKEN_ISSUED).count() == 1


def test_token_endpoint_refuses_a_wrong_password_and_issues_nothing(caseworker: User) -> None:
    response = Client().post(
        "/api/v1/auth/token/", {"username": caseworker.username, "password": "nope"}
    )
    assert response.status_code == 400
    assert "not right" in response.json()["detail"]
    assert Token.objects.count() == 0


def test_token_endpoint_says_which_fields_are_missing() -> None:
    response = Client().post("/api/v1/auth/token/", {"username": "someone"})
    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}
    assert Token.objects.count() == 0


def test_token_endpoint_counts_towards_the_lock_out(caseworker: User) -> None:
    for _attempt in range(5):
        Client().post("/api/v1/auth/token/", {"username": caseworker.username, "password": "nope"})
    response = Client().post(
        "/api/v1/auth/token/", {"username": caseworker.username, "password": TEST_PASSWORD}
    )
    assert response.status_code in (400, 429)
    assert Token.objects.count() == 0


def test_organisations_endpoint_lists_active_organisations_with_a_token(
    empty_database: None, caseworker: User
) -> None:
    police = OrganisationFactory(
        code="police", kind=OrganisationKind.SPECIALISED_POLICE, name_en="Police"
    )
    OrganisationFactory(code="child", parent=police, name_en="Child unit")
    OrganisationFactory(code="closed", is_active=False)
    token = Token.objects.create(user=caseworker)
    response = Client().get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    body = response.json()
    codes = [organisation["code"] for organisation in body["results"]]
    assert codes == sorted([caseworker.organisation.code, "police", "child"])
    child = next(
        organisation for organisation in body["results"] if organisation["code"] == "child"
    )
    assert child["parent"] == "police"


def test_organisations_endpoint_filters_by_kind(empty_database: None, caseworker: User) -> None:
    OrganisationFactory(code="police", kind=OrganisationKind.SPECIALISED_POLICE)
    client = Client()
    client.force_login(caseworker)
    response = client.get("/api/v1/organisations/?kind=specialised_police")
    assert [organisation["code"] for organisation in response.json()["results"]] == ["police"]


def test_organisations_endpoint_names_an_unknown_kind(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker)
    response = client.get("/api/v1/organisations/?kind=charity")
    assert response.status_code == 400
    assert "unknown kind 'charity'" in response.json()["kind"][0]


def test_organisations_endpoint_refuses_anonymous_and_bad_tokens() -> None:
    assert Client().get("/api/v1/organisations/").status_code == 401
    assert (
        Client().get("/api/v1/organisations/", HTTP_AUTHORIZATION="Token not-a-token").status_code
        == 401
    )


def test_organisations_endpoint_is_read_only(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker)
    response = client.post("/api/v1/organisations/", {"code": "new"})
    assert response.status_code == 405


def test_a_deactivated_account_token_stops_working(caseworker: User) -> None:
    token = Token.objects.create(user=caseworker)
    caseworker.is_active = False
    caseworker.save(update_fields=["is_active"])
    assert (
        Client().get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code
        == 401
    )


def test_openapi_schema_is_valid_openapi_3() -> None:
    from openapi_spec_validator import validate

    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/organisations/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_api_docs_page_loads_swagger_from_lantern_itself(caseworker: User) -> None:
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_statistician_gets_the_directory_too() -> None:
    statistician = persona(Role.STATISTICIAN)
    client = Client()
    client.force_login(statistician)
    assert client.get("/api/v1/organisations/").status_code == 200
