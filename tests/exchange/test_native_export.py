"""`lantern export native`: the cases a supervisor or investigator may see and their records, in
the files `lantern import` reads; identity only on purpose, for supervisors, never past a seal;
no cell a spreadsheet would run; access-logged; refused for everyone else, with nothing written.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from lantern.access.models import AccessAction, AccessLogEntry
from lantern.assistance.models import Payment
from lantern.assistance.services import record_payment
from lantern.core.models import BenefitType, Organisation, Role, User
from lantern.exchange.models import ImportRun
from lantern.exchange.native.identity_columns import IDENTITY_COLUMNS
from lantern.exchange.native.proceedings import PROCEEDINGS_ROWS
from lantern.exchange.native.registry import KINDS
from lantern.exchange.native.values import Lookups
from lantern.register.identity import Identity, IdentityDocument, open_identity
from lantern.register.models import Case
from lantern.register.services import SealInput, record_seal, register_presumed_victim
from tests.register.conftest import ngo_worker, registration, staff

__all__ = ["ngo_worker"]

pytestmark = pytest.mark.django_db

# A reason a user typed that a spreadsheet would run as a formula, and one it would read as one.
FORMULA_REASON = '=HYPERLINK("http://example.org","two months at once")'
SIGNED_REASON = "+350 for the month missed in 2022"
SUPERVISOR = "supervisor-ngo-clean-world"
# An NGO may not see criminal proceedings, not even which criminal case names its victim.
PROCEEDINGS = {kind.name for kind in PROCEEDINGS_ROWS}
NGO_KINDS = [name for name in KINDS if name not in PROCEEDINGS]


@pytest.fixture
def small_register(ngo_worker: User) -> dict[str, Case]:
    """Two of the NGO's cases, one of them sealed by a court for the police alone, and the
    allowances paid to the first."""
    leyla = register_presumed_victim(actor=ngo_worker, data=registration())
    sealed = register_presumed_victim(
        actor=ngo_worker,
        data=registration(
            sex="male",
            citizenship="UZ",
            exploitation_forms=["forced_labour"],
            exploitation_countries=["AZ"],
            exploitation_scope="domestic",
            identity=Identity(
                given_name="Rustam",
                family_name="Karimov",
                birth_date=datetime.date(1988, 2, 3),
                documents=[
                    IdentityDocument(type="passport", number="FA7654321", issuing_country="UZ")
                ],
            ),
        ),
    )
    record_seal(
        actor=staff("mia-ctht", Role.SUPERVISOR),
        person=sealed.person,
        data=SealInput(
            authority="Baku Court of Grave Crimes",
            decision_number="1(101)-77/2024",
            decision_date=datetime.date(2024, 3, 1),
            scope="identity of the witness",
            permitted_organisations=[Organisation.objects.get(code="mia-ctht")],
        ),
    )
    fund = BenefitType.objects.get(code="assistance_fund_payment")
    for paid_on, reason in ((datetime.date(2024, 4, 2), FORMULA_REASON), (None, SIGNED_REASON)):
        record_payment(
            actor=ngo_worker,
            case=leyla,
            benefit=fund,
            paid_on=paid_on or datetime.date(2024, 5, 6),
            amount=Decimal("700.00"),
            amount_reason=reason,
        )
    staff("ngo-clean-world", Role.SUPERVISOR, SUPERVISOR)
    return {"leyla": leyla, "sealed": sealed}


def _export(folder: Path, username: str = SUPERVISOR, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "export", "native", "--user", username, "--output", str(folder), *extra, stdout=out
    )
    return out.getvalue()


def _read(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The header, and the rows by their first column (the record's ID)."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    header = rows[0]
    return header, {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def _columns(kind: str) -> list[str]:
    return [column.name for column in KINDS[kind].columns(Lookups())]


def test_a_supervisor_exports_the_cases_and_their_records_without_identities(
    small_register: dict[str, Case], tmp_path: Path
) -> None:
    said = _export(tmp_path)

    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"{kind}.csv" for kind in NGO_KINDS
    )
    header, cases = _read(tmp_path / "cases.csv")
    assert header == _columns("cases")
    leyla, sealed = small_register["leyla"], small_register["sealed"]
    assert sorted(cases) == sorted([leyla.reference, sealed.reference])
    row = cases[leyla.reference]
    assert row["person_id"] == leyla.person.reference
    assert (row["status"], row["citizenship"], row["sex"]) == ("presumed", "AZ", "female")
    assert (row["contact_channel"], row["birth_year"], row["birth_month"]) == (
        "ngo_outreach",
        "1994",
        "5",
    )
    assert (row["exploitation_forms"], row["exploitation_countries"]) == (
        "sexual_exploitation",
        "TR",
    )
    assert (row["exploitation_scope"], row["identified_on"]) == ("transnational", "")
    assert cases[sealed.reference]["exploitation_forms"] == "forced_labour"
    assert cases[sealed.reference]["citizenship"] == "UZ"
    assert {cases[case][name] for case in cases for name in IDENTITY_COLUMNS} == {""}

    header, payments = _read(tmp_path / "payments.csv")
    assert header == _columns("payments")
    paid = {row["paid_on"]: row for row in payments.values()}
    assert sorted(paid) == ["2024-04-02", "2024-05-06"]
    assert {row["case_id"] for row in paid.values()} == {leyla.reference}
    assert paid["2024-05-06"]["benefit"] == "assistance_fund_payment"
    assert paid["2024-05-06"]["amount"] == "700.00"
    assert paid["2024-05-06"]["payer"] == "ngo-clean-world"

    written = "".join(path.read_text(encoding="utf-8") for path in tmp_path.iterdir())
    for identity in ("Leyla", "Məmmədova", "1994-05-17", "C03345678", "Rustam", "FA7654321"):
        assert identity not in written
    assert "cases: 2 rows" in said
    assert "payments: 2 rows" in said
    logged = AccessLogEntry.objects.get(action=AccessAction.EXPORT_CASES)
    assert logged.user.username == SUPERVISOR
    assert logged.detail == "native csv, 2 case(s), no identities (command)"
    assert logged.fields == ""


def test_identities_leave_only_when_asked_and_never_past_a_seal(
    small_register: dict[str, Case], tmp_path: Path
) -> None:
    said = _export(tmp_path, SUPERVISOR, "--identities")

    _header, cases = _read(tmp_path / "cases.csv")
    leyla = cases[small_register["leyla"].reference]
    assert [leyla[name] for name in IDENTITY_COLUMNS] == [
        "Leyla",
        "Məmmədova",
        "Rauf qızı",
        "1994-05-17",
        "Sumqayıt",
        # A leading "+" would be a formula to a spreadsheet: quoted, and read back without it.
        "'+994 50 123 45 67",
        "Nizami küçəsi 12, Bakı",
        "passport",
        "C03345678",
        "AZ",
    ]
    assert {cases[small_register["sealed"].reference][name] for name in IDENTITY_COLUMNS} == {""}
    written = "".join(path.read_text(encoding="utf-8") for path in tmp_path.iterdir())
    assert "Karimov" not in written
    assert "FA7654321" not in written
    assert "Identities written for 1 records, withheld for 1." in said
    logged = AccessLogEntry.objects.get(action=AccessAction.EXPORT_CASES)
    assert logged.detail == "native csv, 2 case(s), identities of 1 record(s), 1 withheld (command)"
    assert logged.fields == ",".join(sorted(IDENTITY_COLUMNS))
    assert "Leyla" not in logged.detail + logged.fields


@pytest.mark.parametrize(
    ("organisation", "role"),
    [
        ("ngo-clean-world", Role.CASEWORKER),
        ("mia-hotline-152", Role.HOTLINE_OPERATOR),
        ("state-statistics-committee", Role.STATISTICIAN),
    ],
)
def test_who_may_not_export_cases_is_refused_and_nothing_is_written(
    small_register: dict[str, Case], tmp_path: Path, organisation: str, role: Role
) -> None:
    user = staff(organisation, role, "refused")
    for extra in ((), ("--identities",), ("--format", "xlsx")):
        with pytest.raises(CommandError, match="refused may not export cases"):
            _export(tmp_path, user.username, *extra)
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT_CASES).exists()


def test_an_investigator_exports_cases_but_not_identities(
    small_register: dict[str, Case], tmp_path: Path
) -> None:
    investigator = staff("mia-ctht", Role.INVESTIGATOR)
    with pytest.raises(CommandError, match="may not export identities"):
        _export(tmp_path, investigator.username, "--identities")
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT_CASES).exists()

    _export(tmp_path, investigator.username)
    # The police see criminal proceedings too: every kind is written.
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        f"{kind}.csv" for kind in KINDS
    )
    _header, cases = _read(tmp_path / "cases.csv")
    assert sorted(cases) == sorted(case.reference for case in small_register.values())


def test_an_unknown_folder_is_refused_and_nothing_is_logged(
    small_register: dict[str, Case], tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="no such folder"):
        _export(tmp_path / "missing")
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT_CASES).exists()


def test_a_cell_a_spreadsheet_would_run_goes_out_quoted(
    small_register: dict[str, Case], tmp_path: Path
) -> None:
    _export(tmp_path)
    _header, payments = _read(tmp_path / "payments.csv")
    reasons = sorted(row["amount_reason"] for row in payments.values())
    assert reasons == sorted([f"'{FORMULA_REASON}", f"'{SIGNED_REASON}"])


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_quoted_cells_come_back_as_they_were_typed(
    small_register: dict[str, Case], tmp_path: Path, file_format: str
) -> None:
    _export(tmp_path, SUPERVISOR, "--identities", "--format", file_format)
    police = staff("mia-ctht", Role.SUPERVISOR, "police-supervisor")
    if file_format == "csv":
        call_command("import", "cases", str(tmp_path / "cases.csv"), "--user", police.username)
        call_command("import", "events", str(tmp_path / "payments.csv"), "--user", police.username)
    else:
        workbook = str(tmp_path / "lantern-export.xlsx")
        call_command("import", "cases", workbook, "--user", police.username)
        call_command("import", "events", workbook, "--user", police.username)
    runs = ImportRun.objects.filter(imported_by=police, rows__gt=0).order_by("pk")
    assert [(run.kind, run.created, run.rejected) for run in runs] == [
        ("cases", 2, 0),
        ("payments", 2, 0),
    ]
    imported = Case.objects.filter(registering_organisation__code="mia-ctht").get(
        person__citizenship="AZ"
    )
    assert open_identity(imported.person).phone == "+994 50 123 45 67"
    assert sorted(
        Payment.objects.filter(case=imported).values_list("amount_reason", flat=True)
    ) == (sorted([FORMULA_REASON, SIGNED_REASON]))


def test_an_xlsx_export_has_a_sheet_per_kind_with_the_cells_of_the_csv(
    small_register: dict[str, Case], tmp_path: Path
) -> None:
    csv_folder, xlsx_folder = tmp_path / "csv", tmp_path / "xlsx"
    csv_folder.mkdir()
    xlsx_folder.mkdir()
    _export(csv_folder)
    said = _export(xlsx_folder, SUPERVISOR, "--format", "xlsx")

    assert [path.name for path in xlsx_folder.iterdir()] == ["lantern-export.xlsx"]
    workbook = load_workbook(xlsx_folder / "lantern-export.xlsx")
    assert workbook.sheetnames == NGO_KINDS
    for kind in NGO_KINDS:
        sheet_rows = [
            ["" if value is None else value for value in row]
            for row in workbook[kind].iter_rows(values_only=True)
        ]
        with (csv_folder / f"{kind}.csv").open(encoding="utf-8", newline="") as stream:
            assert sheet_rows == list(csv.reader(stream)), kind
    formula_cells = [
        cell
        for row in workbook["payments"].iter_rows()
        for cell in row
        if str(cell.value).endswith(FORMULA_REASON)
    ]
    assert [(cell.value, cell.data_type) for cell in formula_cells] == [(f"'{FORMULA_REASON}", "s")]
    assert "Wrote lantern-export.xlsx" in said
    logged = AccessLogEntry.objects.get(action=AccessAction.EXPORT_CASES, detail__contains="xlsx")
    assert logged.detail == "native xlsx, 2 case(s), no identities (command)"
