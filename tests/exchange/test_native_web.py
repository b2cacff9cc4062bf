"""Importing cases and events through the web pages, as a supervisor would, with real files."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from lantern.core.models import Role, User
from lantern.exchange import forms as import_forms
from lantern.exchange.models import ImportProblem, ImportRun, RunStatus, SourceRecord
from lantern.exchange.native.cases import CaseRows
from lantern.exchange.native.kinds import Context
from lantern.exchange.native.registry import EVENT_KINDS
from lantern.register.models import Case
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

OWN = "ngo-clean-world"
HEADER = "case_id,registered_at,contact_channel,citizenship,sex,given_name\n"
GOOD_ROW = "SRC-1,2023-03-01,ngo_outreach,AZ,female,Aysel\n"
BAD_ROW = "SRC-2,2023-03-02,ngo_outreach,QQ,female,Nigar\n"
BAD_REASON = "“QQ” is not in the list of allowed values (countries)."
GOOD_AND_BAD = (HEADER + GOOD_ROW + BAD_ROW).encode()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(
    client: Client, content: bytes, name: str = "cases.csv", kind: str = "cases", **options: bool
) -> Any:
    data: dict[str, object] = {"kind": kind, "file": SimpleUploadedFile(name, content)}
    data.update({option: "on" for option, ticked in options.items() if ticked})
    return client.post("/imports/", data)


def own_cases() -> int:
    return Case.objects.filter(registering_organisation__code=OWN).count()


@pytest.fixture
def supervisor(az_pack: Path) -> User:
    return staff(OWN, Role.SUPERVISOR)


@pytest.fixture
def uploads(settings: LazySettings, tmp_path: Path) -> Path:
    """Where uploads are kept while imported; Django writes even small uploads to disk here."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return folder


def test_a_good_and_a_bad_row_show_one_created_and_one_rejected_with_its_reason(
    supervisor: User,
) -> None:
    client = client_for(supervisor)
    before = own_cases()

    response = upload(client, GOOD_AND_BAD)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{run.pk}/"
    page = client.get(f"/imports/{run.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-count="created">1<' in html
    assert 'data-count="rejected">1<' in html
    assert 'data-count="updated">0<' in html
    assert BAD_REASON in html
    assert "cases.csv" in html
    assert "CSV · encoding utf-8 · separator ," in html
    assert supervisor.username in html
    assert "Refresh" not in page
    assert (run.status, run.created, run.rejected, run.file_name) == (
        RunStatus.FINISHED,
        1,
        1,
        "cases.csv",
    )
    assert own_cases() == before + 1
    assert list(SourceRecord.objects.values_list("source_id", flat=True)) == ["SRC-1"]


def test_the_report_download_holds_each_rejected_rows_reason(supervisor: User) -> None:
    client = client_for(supervisor)
    upload(client, GOOD_AND_BAD)
    run = ImportRun.objects.get()

    response = client.get(f"/imports/{run.pk}/report.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{run.pk}-report.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Created", "1"] in rows
    assert ["Rejected", "1"] in rows
    assert rows[rows.index(["Row", "Column", "Value", "Reason"]) + 1 :] == [
        ["3", "citizenship", "QQ", BAD_REASON]
    ]


def test_the_reasons_are_shown_a_page_at_a_time(supervisor: User) -> None:
    client = client_for(supervisor)
    bad_rows = "".join(f"SRC-{number},2023-03-02,ngo_outreach,QQ,,\n" for number in range(60))
    upload(client, (HEADER + bad_rows).encode())
    run = ImportRun.objects.get()

    first = client.get(f"/imports/{run.pk}/").content.decode()
    second = client.get(f"/imports/{run.pk}/?page=2").content.decode()

    assert run.rejected == 60
    assert first.count(BAD_REASON) == 50
    assert second.count(BAD_REASON) == 10
    assert "Page 1 of 2" in first
    assert '<td class="number">61</td>' in second
    assert '<td class="number">61</td>' not in first


def test_a_downloaded_template_filled_in_and_uploaded_imports(supervisor: User) -> None:
    client = client_for(supervisor)
    workbook = load_workbook(io.BytesIO(client.get("/imports/templates/cases.xlsx").content))
    sheet = workbook["cases"]
    names = [cell.value for cell in sheet[1]]
    given = {
        "case_id": "XL-1",
        "registered_at": datetime.datetime(2023, 6, 1, 10, 0),  # noqa: DTZ001 - as Excel holds it
        "contact_channel": "ngo_outreach",
        "citizenship": "AZ",
        "has_children": "yes",
    }
    sheet.append([given.get(name) for name in names])
    filled = io.BytesIO()
    workbook.save(filled)
    before = own_cases()

    response = upload(client, filled.getvalue(), name="register.xlsx")

    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/{run.pk}/"
    assert (run.file_format, run.created, run.rejected) == ("xlsx", 1, 0)
    assert own_cases() == before + 1
    assert "XLSX" in client.get(f"/imports/{run.pk}/").content.decode()


def test_a_dry_run_writes_nothing_and_says_what_would_happen(supervisor: User) -> None:
    client = client_for(supervisor)
    before = own_cases()

    upload(client, GOOD_AND_BAD, dry_run=True)

    run = ImportRun.objects.get()
    assert (run.dry_run, run.status, run.created, run.rejected) == (
        True,
        RunStatus.NOTHING_WRITTEN,
        1,
        1,
    )
    assert own_cases() == before
    assert not SourceRecord.objects.exists()
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Dry run: nothing was written." in html
    assert BAD_REASON in html


def test_all_or_nothing_writes_no_row_when_one_is_rejected(supervisor: User) -> None:
    client = client_for(supervisor)
    before = own_cases()

    upload(client, GOOD_AND_BAD, atomic=True)

    run = ImportRun.objects.get()
    assert (run.atomic, run.status) == (True, RunStatus.NOTHING_WRITTEN)
    assert own_cases() == before
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "a row was rejected, so no row was written" in page


def test_the_uploaded_file_is_gone_after_the_import(supervisor: User, uploads: Path) -> None:
    upload(client_for(supervisor), GOOD_AND_BAD)

    assert ImportRun.objects.get().created == 1
    assert list(uploads.iterdir()) == []


def test_a_refused_file_is_deleted_too_and_its_reason_shown(
    supervisor: User, uploads: Path
) -> None:
    client = client_for(supervisor)
    before = own_cases()

    upload(client, b"case_id,colour\nSRC-1,blue\n")

    run = ImportRun.objects.get()
    assert run.status == RunStatus.REFUSED
    assert list(uploads.iterdir()) == []
    assert own_cases() == before
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "The file was refused; nothing was written." in html
    assert "unknown columns: colour" in html


class CasesThatCannotBeWritten(CaseRows):
    """Cases whose writing fails in a way the engine does not expect (a programming error)."""

    def create(self, values: dict[str, Any], context: Context) -> int:
        raise RuntimeError(values["case_id"])

    def create_many(self, rows: list[dict[str, Any]], context: Context) -> list[int]:
        raise RuntimeError(rows[0]["case_id"])


def test_an_import_that_stops_unexpectedly_ends_its_run_and_deletes_the_file(
    supervisor: User, uploads: Path
) -> None:
    before = own_cases()

    run_id = import_forms.start_import(
        CasesThatCannotBeWritten(),
        SimpleUploadedFile("cases.csv", GOOD_AND_BAD),
        supervisor,
        dry_run=False,
        atomic=False,
    )

    run = ImportRun.objects.get()
    assert run_id == run.pk
    assert run.status == RunStatus.FAILED
    assert run.finished_at is not None
    assert list(run.problems.values_list("row", flat=True)) == [0]
    assert "The import stopped unexpectedly." in run.problems.get().message
    assert list(uploads.iterdir()) == []
    assert own_cases() == before


def test_a_large_file_is_imported_in_the_background_and_its_file_deleted(
    transactional_db: None,
    az_pack: Path,
    uploads: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_forms, "IN_REQUEST_BYTES", 0)
    supervisor = staff(OWN, Role.SUPERVISOR)
    client = client_for(supervisor)

    response = upload(client, GOOD_AND_BAD)
    import_forms.wait_for_background_imports(timeout=60)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{run.pk}/"
    assert (run.status, run.created, run.rejected) == (RunStatus.FINISHED, 1, 1)
    assert ImportProblem.objects.get(run=run).message == BAD_REASON
    assert list(uploads.iterdir()) == []
    assert "Refresh" not in client.get(f"/imports/{run.pk}/")


def test_a_running_import_page_refreshes_itself_until_it_ends(supervisor: User) -> None:
    client = client_for(supervisor)
    upload(client, GOOD_AND_BAD)
    run = ImportRun.objects.get()
    # How the engine leaves a run between two batches of a long import.
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, finished_at=None)

    page = client.get(f"/imports/{run.pk}/")
    listing = client.get("/imports/")

    assert page["Refresh"] == "5"
    assert "the counts grow after every 500 rows" in page.content.decode()
    assert listing["Refresh"] == "5"
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.FINISHED)
    assert "Refresh" not in client.get(f"/imports/{run.pk}/")
    assert "Refresh" not in client.get("/imports/")


def test_the_import_page_lists_only_the_organisations_own_imports(
    supervisor: User,
) -> None:
    other = staff("ngo-contact", Role.SUPERVISOR)
    upload(client_for(other), GOOD_AND_BAD, name="theirs.csv")
    upload(client_for(supervisor), GOOD_AND_BAD, name="ours.csv")

    html = client_for(supervisor).get("/imports/").content.decode()

    assert "ours.csv" in html
    assert "theirs.csv" not in html
    assert "/imports/templates/cases.xlsx" in html
    assert "/imports/templates/payments.xlsx" in html
    assert "/imports/templates/all-events.xlsx" in html


@pytest.mark.parametrize(
    ("content", "name", "kind", "message"),
    [
        (None, "", "cases", "This field is required."),
        (GOOD_AND_BAD, "cases.xls", "cases", "Old Excel files (.xls) cannot be read"),
        (GOOD_AND_BAD, "cases.pdf", "cases", "Choose a CSV file or an Excel workbook (.xlsx)."),
        (GOOD_AND_BAD, "cases.csv", "persons", "Select a valid choice."),
        (b"", "cases.csv", "cases", "The submitted file is empty."),
    ],
)
def test_a_bad_upload_is_refused_with_a_reason_and_changes_nothing(
    supervisor: User, content: bytes | None, name: str, kind: str, message: str
) -> None:
    client = client_for(supervisor)
    before = own_cases()
    data: dict[str, object] = {"kind": kind}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content)

    response = client.post("/imports/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()
    assert own_cases() == before


def test_the_template_download_is_an_xlsx_workbook(supervisor: User) -> None:
    client = client_for(supervisor)

    cases = client.get("/imports/templates/cases.xlsx")
    events = client.get("/imports/templates/all-events.xlsx")

    assert cases["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert cases["Content-Disposition"] == 'attachment; filename="lantern-cases.xlsx"'
    workbook = load_workbook(io.BytesIO(cases.content))
    assert workbook.sheetnames == ["cases", "Help", "codes"]
    assert [cell.value for cell in workbook["cases"][1]][:4] == [
        "case_id",
        "person_id",
        "status",
        "registered_at",
    ]
    importable_events = [name for name, kind in EVENT_KINDS.items() if kind.allowed(supervisor)]
    assert load_workbook(io.BytesIO(events.content)).sheetnames == [
        *importable_events,
        "Help",
        "codes",
    ]
    assert client.get("/imports/templates/persons.xlsx").status_code == 404


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_the_pages_are_served_in_the_users_language(supervisor: User, language: str) -> None:
    supervisor.preferred_language = language
    supervisor.save(update_fields=["preferred_language"])
    client = client_for(supervisor)
    upload(client, GOOD_AND_BAD)
    run = ImportRun.objects.get()

    for path in ("/imports/", f"/imports/{run.pk}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
    report = client.get(f"/imports/{run.pk}/report.csv")
    assert report.status_code == 200
    assert "QQ" in report.content.decode("utf-8-sig")


NON_IMPORTERS = [
    (OWN, Role.CASEWORKER),
    ("mia-hotline-152", Role.HOTLINE_OPERATOR),
    ("mia", Role.STATISTICIAN),
]


@pytest.mark.parametrize(("organisation", "role"), NON_IMPORTERS)
def test_those_who_may_not_import_find_no_import_page_run_report_or_template(
    supervisor: User, organisation: str, role: Role
) -> None:
    upload(client_for(supervisor), GOOD_AND_BAD)
    run = ImportRun.objects.get()
    client = client_for(staff(organisation, role))
    before = own_cases()

    for path in (
        "/imports/",
        f"/imports/{run.pk}/",
        f"/imports/{run.pk}/report.csv",
        "/imports/templates/cases.xlsx",
        "/imports/templates/all-events.xlsx",
    ):
        assert client.get(path).status_code == 404, path
    assert upload(client, GOOD_AND_BAD).status_code == 404
    assert ImportRun.objects.count() == 1
    assert own_cases() == before


def test_a_supervisor_of_another_organisation_finds_no_run_or_report_of_ours(
    supervisor: User,
) -> None:
    upload(client_for(supervisor), GOOD_AND_BAD)
    run = ImportRun.objects.get()
    client = client_for(staff("ngo-contact", Role.SUPERVISOR))

    assert client.get(f"/imports/{run.pk}/").status_code == 404
    assert client.get(f"/imports/{run.pk}/report.csv").status_code == 404
    assert "cases.csv" not in client.get("/imports/").content.decode()


def test_someone_signed_out_is_sent_to_sign_in(supervisor: User) -> None:
    upload(client_for(supervisor), GOOD_AND_BAD)
    run = ImportRun.objects.get()

    response = Client().get(f"/imports/{run.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
