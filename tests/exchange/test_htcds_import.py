"""Cases taken in from the HTCDS toolkit's Excel template into the importing user's own register:
HTCDS names and codes become Lantern's values, identity goes to the vault and never into the
report, every row is created, unchanged, updated or rejected with its column and reason, and a
Lantern HTCDS export imports back with the same mapped values."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from lantern.core.models import Role, User
from lantern.exchange.htcds import CASE_SHEET, LABELS, WORKBOOK
from lantern.exchange.models import ImportProblem, ImportRun, RunStatus, SourceRecord
from lantern.register.identity import open_identity, store_identity
from lantern.register.models import BirthDatePrecision, Case, CaseStatus, CaseStatusChange
from lantern.register.services import register_presumed_victim
from tests.register.conftest import investigator, ngo_worker, registration, staff

__all__ = ["investigator", "ngo_worker"]

pytestmark = pytest.mark.django_db

SHARED_DATA = Path(
    os.environ.get("LANTERN_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)
TOOLKIT_TEMPLATE = (
    SHARED_DATA / "htcds" / "upstream" / "Toolkit" / "Excel" / "HTCDS Excel Spreadsheet v2.0.xlsx"
)
FIELDS = (
    "lantern_case", "lantern_person", "prs_FirstName", "prs_SecondName", "prs_Birthdate",
    "prs_Gender", "prs_Citizenship", "prs_MobilePhone", "prs_MailingStreet", "prs_MailingCity",
    "prs_Email", "vic_TraffickingStatus", "vic_MethodOfRecruitment",
    "vic_RecruitmentWebsitesAndApps", "vic_MethodsOfControl", "vic_TypeOfExploitation",
    "vic_TypeOfSexExploitation", "cas_Status", "cas_ReasonForCaseClosure", "cas_CaseOwner",
    "con_Consent",
)  # fmt: skip
AYSEL: dict[str, Any] = {
    "lantern_case": "NGO-1",
    "lantern_person": "P-1",
    "prs_FirstName": "Aysel",
    "prs_SecondName": "Quliyeva",
    "prs_Birthdate": datetime.date(1999, 4, 2),
    "prs_Gender": "Feminine",
    "prs_Citizenship": "AZ",
    "prs_MobilePhone": "+994501112233",
    "prs_MailingStreet": "Nizami 5",
    "prs_MailingCity": "Baku",
    # The toolkit's drop-downs hold labels; Lantern's export writes value names.
    "vic_TraffickingStatus": "Actual victim of trafficking",
    "vic_MethodOfRecruitment": "ThroughOnlineSocialNetworks",
    "vic_RecruitmentWebsitesAndApps": "Telegram",
    "vic_MethodsOfControl": "Debt bondage ;WithholdsDocuments",
    "vic_TypeOfExploitation": "SexualExploitation;Child labour",
    "cas_Status": "Active",
    "cas_CaseOwner": "aida.h",
    "con_Consent": True,
}
FARRUKH: dict[str, Any] = {
    "lantern_case": "NGO-2",
    "lantern_person": "P-2",
    "prs_Gender": "Masculine",
    "prs_Citizenship": "Uzbekistan",
    "vic_TraffickingStatus": "PossibleVictimOfTrafficking",
    "vic_TypeOfExploitation": "Servitude",
    "cas_Status": "Closed",
    "cas_ReasonForCaseClosure": "Went home to his family",
}


@pytest.fixture
def supervisor(ngo_worker: User) -> User:
    return staff("ngo-clean-world", Role.SUPERVISOR)


def _workbook(
    path: Path, rows: Sequence[dict[str, Any]], fields: Sequence[str] = FIELDS, spare: int = 3
) -> Path:
    """A sheet laid out as the toolkit's: field names, their labels, and numbered rows, some of
    them left empty as the template leaves them."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = CASE_SHEET
    sheet.append([None, *fields])
    sheet.append([None, *(LABELS[field] for field in fields)])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *(row.get(field) for field in fields)])
    for number in range(len(rows) + 1, len(rows) + 1 + spare):
        sheet.append([number])
    workbook.save(path)
    return path


def _import(path: Path, user: User, *flags: str) -> str:
    out = io.StringIO()
    call_command("import", "htcds", str(path), "--user", user.username, *flags, stdout=out)
    return out.getvalue()


def _case(source_id: str, user: User) -> Case:
    record = SourceRecord.objects.get(
        organisation=user.organisation, kind="htcds", source_id=source_id
    )
    return Case.objects.select_related("person").get(pk=record.object_id)


def _codes(case: Case) -> tuple[set[str], set[str]]:
    forms = set(case.exploitation_forms.values_list("code", flat=True))
    return forms, set(case.control_means.values_list("code", flat=True))


def test_a_supervisor_imports_htcds_cases_into_the_organisations_register(
    supervisor: User, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "cases.xlsx", [AYSEL, FARRUKH])
    out = _import(path, supervisor)

    assert "htcds (XLSX): 2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "Read and not kept, because Lantern records them itself" in out
    assert "cas_CaseOwner, con_Consent." in out
    aysel = _case("NGO-1", supervisor)
    # Only Lantern's own decision identifies: an actual victim of the source comes in presumed.
    assert aysel.status == CaseStatus.PRESUMED
    assert (aysel.person.sex, aysel.person.citizenship) == ("female", "AZ")
    assert (aysel.person.birth_year, aysel.person.birth_month) == (1999, 4)
    assert aysel.person.birth_date_precision == BirthDatePrecision.EXACT
    assert _codes(aysel) == (
        {"sexual_exploitation", "forced_labour"},
        {"debt_bondage", "withholds_documents"},
    )
    assert (aysel.recruitment_channel, aysel.online_platform) == ("online_social_media", "telegram")
    assert aysel.contact_channel == "other"
    assert aysel.registering_organisation.code == "ngo-clean-world"
    assert aysel.registered_by == supervisor
    identity = open_identity(aysel.person)
    assert (identity.given_name, identity.family_name) == ("Aysel", "Quliyeva")
    assert identity.birth_date == datetime.date(1999, 4, 2)
    assert (identity.phone, identity.address) == ("+994501112233", "Nizami 5, Baku")
    # The name is in the vault only, never in the register's columns.
    assert not Case.objects.filter(person__reference__icontains="Quliyeva").exists()

    farrukh = _case("NGO-2", supervisor)
    assert farrukh.status == CaseStatus.CLOSED
    assert farrukh.person.citizenship == "UZ"
    assert _codes(farrukh) == ({"other"}, set())
    closing = CaseStatusChange.objects.get(case=farrukh, to_status=CaseStatus.CLOSED)
    assert closing.reason == "Went home to his family"

    run = ImportRun.objects.get()
    assert (run.kind, run.file_name, run.status) == ("htcds", "cases.xlsx", RunStatus.FINISHED)
    assert run.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (run.rows, run.created, run.rejected) == (2, 2, 0)


def test_importing_again_changes_nothing_and_a_changed_row_updates_only_what_it_carries(
    supervisor: User, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "cases.xlsx", [AYSEL, FARRUKH])
    _import(path, supervisor)
    assert "2 rows: 0 created, 0 updated, 2 unchanged, 0 rejected" in _import(path, supervisor)
    assert Case.objects.count() == 2

    # Meanwhile Lantern learns what HTCDS cannot carry, and the person is identified.
    aysel = _case("NGO-1", supervisor)
    aysel.person.region = "baku"
    aysel.person.save()
    identity = open_identity(aysel.person)
    identity.aliases = ["Ayka"]
    store_identity(aysel.person, identity)
    Case.objects.filter(pk=aysel.pk).update(
        status=CaseStatus.IDENTIFIED, identified_on=datetime.date(2024, 1, 10)
    )
    changed = {**AYSEL, "vic_MethodsOfControl": "DebtBondage", "prs_FirstName": "Aysel"}
    changed.update(prs_MobilePhone=None, prs_MailingStreet=None, prs_MailingCity=None)
    path = _workbook(tmp_path / "cases.xlsx", [changed, FARRUKH])
    assert "2 rows: 0 created, 1 updated, 1 unchanged, 0 rejected" in _import(path, supervisor)

    aysel = _case("NGO-1", supervisor)
    assert _codes(aysel)[1] == {"debt_bondage"}
    assert aysel.status == CaseStatus.IDENTIFIED  # a file never takes a case down the ladder
    assert aysel.identified_on == datetime.date(2024, 1, 10)
    assert aysel.person.region == "baku"
    assert aysel.contact_channel == "other"
    identity = open_identity(aysel.person)
    assert identity.aliases == ["Ayka"]
    # Empty identity cells leave the vault as it was.
    assert (identity.phone, identity.address) == ("+994501112233", "Nizami 5, Baku")


def test_each_bad_row_is_rejected_with_its_column_and_reason_and_no_identity_shown(
    supervisor: User, tmp_path: Path
) -> None:
    rows = [
        {**AYSEL, "vic_TypeOfExploitation": "Slavery"},
        {**FARRUKH, "lantern_case": "NGO-3", "prs_Gender": "Female"},
        {**FARRUKH, "lantern_case": "NGO-4", "vic_TypeOfSexExploitation": "Prostitution"},
        {**FARRUKH, "lantern_case": "NGO-5", "prs_Email": "farrukh@example.org"},
        {**FARRUKH, "lantern_case": "NGO-6", "vic_TraffickingStatus": "NotAVictimOfTrafficking"},
        {**FARRUKH, "lantern_case": "NGO-7", "prs_Citizenship": "AZ;RU"},
        {**AYSEL, "lantern_case": "NGO-8", "prs_Birthdate": "2999-01-01"},
        {**FARRUKH, "lantern_case": "NGO-9", "prs_Citizenship": None},
        {**FARRUKH, "lantern_case": "NGO-10", "cas_Status": "Active"},
        {**FARRUKH, "lantern_case": "NGO-11"},
    ]
    out = _import(_workbook(tmp_path / "cases.xlsx", rows), supervisor)

    assert "10 rows: 1 created, 0 updated, 0 unchanged, 9 rejected" in out
    problems = {
        (problem.row, problem.column, problem.value): problem.message
        for problem in ImportProblem.objects.all()
    }
    # Rows are numbered as in the workbook: the names, the labels, then the cases from row 3.
    assert set(problems) == {
        (3, "vic_typeofexploitation", "Slavery"),
        (4, "prs_gender", "Female"),
        (5, "vic_typeofsexexploitation", "Prostitution"),
        (6, "prs_email", "•••"),
        (7, "vic_traffickingstatus", "NotAVictimOfTrafficking"),
        (8, "prs_citizenship", "AZ;RU"),
        (9, "prs_birthdate", "•••"),
        (10, "prs_citizenship", ""),
        (11, "cas_reasonforcaseclosure", "Went home to his family"),
    }
    assert problems[(3, "vic_typeofexploitation", "Slavery")].startswith(
        "“Slavery” is not an HTCDS value of vic_TypeOfExploitation; the values are: ForcedLabour,"
    )
    assert (
        "no place for this field, so the value would be lost"
        in problems[(5, "vic_typeofsexexploitation", "Prostitution")]
    )
    assert (
        "a person found not to be one is not registered"
        in problems[(7, "vic_traffickingstatus", "NotAVictimOfTrafficking")]
    )
    assert problems[(8, "prs_citizenship", "AZ;RU")] == (
        "Lantern keeps one value for prs_Citizenship; choose one of: AZ, RU."
    )
    assert problems[(9, "prs_birthdate", "•••")] == "The birth date is in the future."
    assert "ZZ if it is unknown" in problems[(10, "prs_citizenship", "")]
    assert "not Closed" in problems[(11, "cas_reasonforcaseclosure", "Went home to his family")]
    report = "".join(f"{key} {message}" for key, message in problems.items())
    for secret in ("farrukh@example.org", "2999", "Aysel", "Quliyeva", "+99450"):
        assert secret not in report
        assert secret not in out
    assert list(SourceRecord.objects.filter(kind="htcds").values_list("source_id", flat=True)) == [
        "NGO-11"
    ]


def test_atomic_writes_nothing_when_one_row_is_bad_and_a_dry_run_writes_nothing(
    supervisor: User, tmp_path: Path
) -> None:
    bad = _workbook(tmp_path / "bad.xlsx", [AYSEL, {**FARRUKH, "prs_Gender": "Female"}])
    out = _import(bad, supervisor, "--atomic")
    assert (
        "Nothing written. htcds (XLSX): 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected"
        in (out)
    )
    assert (Case.objects.count(), SourceRecord.objects.count()) == (0, 0)
    assert ImportRun.objects.get().status == RunStatus.NOTHING_WRITTEN

    good = _workbook(tmp_path / "good.xlsx", [AYSEL, FARRUKH])
    assert "Nothing written." in _import(good, supervisor, "--dry-run")
    assert (Case.objects.count(), SourceRecord.objects.count()) == (0, 0)


def test_a_case_worker_may_not_import_and_nothing_is_written(
    ngo_worker: User, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "cases.xlsx", [AYSEL])
    with pytest.raises(CommandError, match="may not import records into a register"):
        _import(path, ngo_worker)
    assert (Case.objects.count(), ImportRun.objects.count()) == (0, 0)


def test_a_sheet_without_the_case_id_column_is_refused_with_a_stored_reason(
    supervisor: User, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "cases.xlsx", [AYSEL], fields=FIELDS[1:])
    with pytest.raises(CommandError, match="The file was refused; nothing was written"):
        _import(path, supervisor)
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REFUSED
    assert "missing columns: lantern_case" in run.problems.get().message
    assert Case.objects.count() == 0


def test_the_toolkits_own_template_filled_in_imports(supervisor: User, tmp_path: Path) -> None:
    if not TOOLKIT_TEMPLATE.is_file():
        pytest.skip(f"the HTCDS toolkit's template is not at {TOOLKIT_TEMPLATE}")
    workbook = load_workbook(TOOLKIT_TEMPLATE)
    sheet = workbook.worksheets[0]
    names = [cell.value for cell in sheet[1]]
    places = {name: index + 1 for index, name in enumerate(names) if name}
    places["lantern_case"] = len(names) + 1
    sheet.cell(row=1, column=places["lantern_case"], value="lantern_case")
    for row, case in ((3, AYSEL), (5, {**FARRUKH, "vic_TypeOfExploitation": "Slavery"})):
        for field, value in case.items():
            if field in places:
                sheet.cell(row=row, column=places[field], value=value)
    # The template names no field above "Reason for Outgoing Referral"; its label says which.
    sheet.cell(row=3, column=names.index(None, 1) + 1, value="Other")
    path = tmp_path / "filled template.xlsx"
    workbook.save(path)

    out = _import(path, supervisor)

    # A thousand numbered, empty rows are no cases; the label row is no case either.
    assert "htcds (XLSX): 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "cas_CaseOwner, con_Consent, cas_ReasonForOutgoingReferral." in out
    problem = ImportProblem.objects.get()
    assert (problem.row, problem.column, problem.value) == (5, "vic_typeofexploitation", "Slavery")
    aysel = _case("NGO-1", supervisor)
    assert aysel.person.citizenship == "AZ"
    assert open_identity(aysel.person).address == "Nizami 5, Baku"


def test_a_lantern_htcds_export_imports_back_with_the_same_mapped_values(
    ngo_worker: User, investigator: User, tmp_path: Path
) -> None:
    registered = [
        register_presumed_victim(
            actor=ngo_worker,
            data=registration(
                sex="female",
                citizenship="AZ",
                exploitation_forms=["sexual_exploitation", "begging"],
                control_means=["debt_bondage", "restricts_movement"],
                recruitment_channel="online_social_media",
                online_platform="instagram",
            ),
        ),
        register_presumed_victim(
            actor=ngo_worker,
            data=registration(
                sex="male",
                citizenship="TJ",
                exploitation_forms=["forced_labour"],
                recruitment_channel="family_member",
            ),
        ),
    ]
    Case.objects.filter(pk=registered[1].pk).update(status=CaseStatus.CLOSED)
    exporter = staff("ngo-clean-world", Role.SUPERVISOR)
    call_command("export", "htcds", "--user", exporter.username, "--output", str(tmp_path))

    importer = staff("ngo-contact", Role.SUPERVISOR)
    out = _import(tmp_path / WORKBOOK, importer)
    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "cas_CaseOwner, vic_RelationshipToTrafficker." in out
    for original in registered:
        copy = _case(original.reference, importer)
        assert copy.registering_organisation.code == "ngo-contact"
        assert (copy.person.sex, copy.person.citizenship) == (
            original.person.sex,
            original.person.citizenship,
        )
        assert _codes(copy) == _codes(original)
        assert (copy.recruitment_channel, copy.online_platform) == (
            original.recruitment_channel,
            original.online_platform,
        )
        # No identity left the register, so none came in.
        assert open_identity(copy.person).family_name == ""
    assert _case(registered[0].reference, importer).status == CaseStatus.POTENTIAL
    assert _case(registered[1].reference, importer).status == CaseStatus.CLOSED
    assert "2 unchanged" in _import(tmp_path / WORKBOOK, importer)


def test_a_workbook_of_the_registers_own_cases_is_not_imported_a_second_time(
    ngo_worker: User, supervisor: User, tmp_path: Path
) -> None:
    case = register_presumed_victim(actor=ngo_worker, data=registration())
    call_command("export", "htcds", "--user", supervisor.username, "--output", str(tmp_path))
    out = _import(tmp_path / WORKBOOK, supervisor)
    assert "1 rows: 0 created, 0 updated, 0 unchanged, 1 rejected" in out
    problem = ImportProblem.objects.get()
    assert (problem.column, problem.value) == ("lantern_case", case.reference)
    assert "importing it would register the case a second time" in problem.message
    assert Case.objects.count() == 1
