"""Importing through the API, as another system would: a token, a multipart file, JSON back."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from lantern.core.models import Role, User
from lantern.exchange.models import ImportRun, RunStatus, SourceRecord
from lantern.register.models import Case
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

OWN = "ngo-clean-world"
HEADER = "case_id;registered_at;contact_channel;citizenship;sex\n"
GOOD_ROW = "SRC-1;2023-03-01;ngo_outreach;AZ;female\n"
BAD_ROW = "SRC-2;2023-03-02;ngo_outreach;QQ;female\n"
BAD_REASON = "“QQ” is not in the list of allowed values (countries)."
GOOD_AND_BAD = (HEADER + GOOD_ROW + BAD_ROW).encode()


def api_client(user: User) -> Client:
    token = Token.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def send(client: Client, content: bytes | None = GOOD_AND_BAD, **fields: Any) -> Any:
    data: dict[str, Any] = {"kind": "cases", **fields}
    if content is not None:
        data["file"] = SimpleUploadedFile("cases.csv", content)
    return client.post("/api/v1/imports/", data)


def own_cases() -> int:
    return Case.objects.filter(registering_organisation__code=OWN).count()


@pytest.fixture
def supervisor(az_pack: Path) -> User:
    return staff(OWN, Role.SUPERVISOR)


def test_posting_a_file_imports_it_and_answers_with_the_run(supervisor: User) -> None:
    before = own_cases()

    response = send(api_client(supervisor))

    assert response.status_code == 201, response.content
    run = ImportRun.objects.get()
    body = response.json()
    assert response["Location"] == f"/api/v1/imports/{run.pk}/"
    assert {
        key: body[key]
        for key in (
            "id",
            "kind",
            "file_name",
            "imported_by",
            "organisation",
            "status",
            "dry_run",
            "atomic",
            "file_format",
            "encoding",
            "separator",
            "rows",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "problem_count",
        )
    } == {
        "id": run.pk,
        "kind": "cases",
        "file_name": "cases.csv",
        "imported_by": supervisor.username,
        "organisation": OWN,
        "status": "finished",
        "dry_run": False,
        "atomic": False,
        "file_format": "csv",
        "encoding": "utf-8",
        "separator": ";",
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "problem_count": 1,
    }
    assert body["problems"] == [
        {"row": 3, "column": "citizenship", "value": "QQ", "message": BAD_REASON}
    ]
    assert body["report"] == f"/api/v1/imports/{run.pk}/report/"
    assert own_cases() == before + 1


def test_a_run_its_problems_and_its_report_can_be_fetched(supervisor: User) -> None:
    client = api_client(supervisor)
    run_id = send(client).json()["id"]

    run = client.get(f"/api/v1/imports/{run_id}/")
    problems = client.get(f"/api/v1/imports/{run_id}/problems/")
    report = client.get(f"/api/v1/imports/{run_id}/report/", HTTP_ACCEPT="text/csv")
    listing = client.get("/api/v1/imports/")

    assert run.status_code == 200
    assert (run.json()["status"], run.json()["created"], run.json()["rejected"]) == (
        "finished",
        1,
        1,
    )
    assert problems.json()["count"] == 1
    assert problems.json()["results"][0]["message"] == BAD_REASON
    assert report.status_code == 200
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert ["3", "citizenship", "QQ", BAD_REASON] in rows
    assert [item["id"] for item in listing.json()["results"]] == [run_id]


def test_a_dry_run_through_the_api_writes_nothing(supervisor: User) -> None:
    before = own_cases()

    response = send(api_client(supervisor), dry_run="true")

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["created"]) == (
        RunStatus.NOTHING_WRITTEN,
        1,
    )
    assert own_cases() == before
    assert not SourceRecord.objects.exists()


def test_all_or_nothing_through_the_api_writes_no_row_when_one_is_rejected(
    supervisor: User,
) -> None:
    before = own_cases()

    response = send(api_client(supervisor), atomic="1")

    assert (response.json()["atomic"], response.json()["status"]) == (
        True,
        RunStatus.NOTHING_WRITTEN,
    )
    assert own_cases() == before


@pytest.mark.parametrize(
    ("content", "fields", "field", "message"),
    [
        (None, {}, "file", "No file was submitted."),
        (GOOD_AND_BAD, {"kind": "persons"}, "kind", '"persons" is not a valid choice.'),
        (GOOD_AND_BAD, {"dry_run": "perhaps"}, "dry_run", "Must be a valid boolean."),
    ],
)
def test_a_bad_request_is_refused_with_its_reason_and_changes_nothing(
    supervisor: User, content: bytes | None, fields: dict[str, str], field: str, message: str
) -> None:
    before = own_cases()

    response = send(api_client(supervisor), content, **fields)

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not ImportRun.objects.exists()
    assert own_cases() == before


def test_a_file_that_is_not_csv_or_xlsx_is_refused(supervisor: User) -> None:
    client = api_client(supervisor)

    response = client.post(
        "/api/v1/imports/",
        {"kind": "cases", "file": SimpleUploadedFile("cases.xls", GOOD_AND_BAD)},
    )

    assert response.status_code == 400
    assert response.json()["file"][0].startswith("Old Excel files (.xls) cannot be read")
    assert not ImportRun.objects.exists()


OUTSIDERS = [
    (OWN, Role.CASEWORKER),
    ("mia-hotline-152", Role.HOTLINE_OPERATOR),
    ("mia", Role.STATISTICIAN),
]


@pytest.mark.parametrize(("organisation", "role"), OUTSIDERS)
def test_those_who_may_not_import_find_nothing_and_change_nothing(
    supervisor: User, organisation: str, role: Role
) -> None:
    run_id = send(api_client(supervisor)).json()["id"]
    client = api_client(staff(organisation, role))
    before = own_cases()

    for path in (
        "/api/v1/imports/",
        f"/api/v1/imports/{run_id}/",
        f"/api/v1/imports/{run_id}/problems/",
        f"/api/v1/imports/{run_id}/report/",
    ):
        assert client.get(path).status_code == 404, path
    assert send(client).status_code == 404
    assert ImportRun.objects.count() == 1
    assert own_cases() == before


def test_a_supervisor_of_another_organisation_finds_no_run_of_ours(supervisor: User) -> None:
    run_id = send(api_client(supervisor)).json()["id"]
    client = api_client(staff("ngo-contact", Role.SUPERVISOR))

    for path in (
        f"/api/v1/imports/{run_id}/",
        f"/api/v1/imports/{run_id}/problems/",
        f"/api/v1/imports/{run_id}/report/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/imports/").json()["results"] == []


def test_without_a_token_nothing_is_imported(supervisor: User) -> None:
    response = send(Client())

    assert response.status_code == 401
    assert not ImportRun.objects.exists()
