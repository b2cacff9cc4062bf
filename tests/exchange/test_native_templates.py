"""The XLSX templates: written to disk, opened again with openpyxl, filled in and imported."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lantern.assistance.models import Payment
from lantern.core.models import BenefitType, CodeEntry, CodeList, Role, User
from lantern.exchange.models import RunStatus
from lantern.exchange.native import values
from lantern.exchange.native.engine import import_file
from lantern.exchange.native.registry import CASE_KIND, EVENT_KINDS
from lantern.exchange.native.templates import events_workbook, kind_workbook
from lantern.exchange.native.values import Lookups
from lantern.register.models import Case
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

OWN = "ngo-clean-world"


@pytest.fixture
def supervisor(az_pack: Path) -> User:
    return staff(OWN, Role.SUPERVISOR)


def saved(workbook: Workbook, path: Path) -> Workbook:
    workbook.save(path)
    return load_workbook(path)


def header(sheet: Worksheet) -> list[Any]:
    return [cell.value for cell in sheet[1]]


def column_letter(sheet: Worksheet, name: str) -> str:
    return str(sheet.cell(row=1, column=header(sheet).index(name) + 1).column_letter)


def validation_of(sheet: Worksheet, name: str) -> DataValidation | None:
    letter = column_letter(sheet, name)
    found = [
        validation
        for validation in sheet.data_validations.dataValidation
        if f"{letter}2:{letter}1048576" in str(validation.sqref).split()
    ]
    assert len(found) <= 1
    return found[0] if found else None


def listed_codes(workbook: Workbook, formula: str) -> list[str]:
    """The values of a drop-down whose list is a range of the codes sheet."""
    sheet_name, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    sheet = workbook[sheet_name.strip("'")]
    return [str(row[0].value) for row in sheet[first:last]]


def active_codes(list_code: str) -> list[str]:
    return list(
        CodeEntry.objects.filter(code_list__code=list_code, is_active=True).values_list(
            "code", flat=True
        )
    )


def test_the_cases_template_has_the_kinds_columns_with_required_ones_marked(
    supervisor: User, tmp_path: Path
) -> None:
    workbook = saved(kind_workbook(CASE_KIND), tmp_path / "cases.xlsx")

    sheet = workbook["cases"]
    columns = CASE_KIND.columns(Lookups())
    assert workbook.sheetnames == ["cases", "Help", "codes"]
    assert header(sheet) == [column.name for column in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        assert bool(cell.font.bold) is column.required, column.name
        if column.required:
            assert cell.comment is not None
            assert "Required" in cell.comment.text
    assert [column.name for column in columns if column.required] == [
        "case_id",
        "registered_at",
        "contact_channel",
        "citizenship",
    ]
    for index, column in enumerate(columns, start=1):
        if column.identity:
            comment = sheet.cell(row=1, column=index).comment
            assert comment is not None and "vault" in comment.text, column.name
    assert sheet.max_row == 1
    assert sheet.freeze_panes == "A2"


def test_code_list_drop_downs_point_at_the_packs_active_codes_on_a_hidden_sheet(
    supervisor: User, tmp_path: Path
) -> None:
    retired = CodeEntry.objects.get(code_list__code="countries", code="TR")
    retired.is_active = False
    retired.save(update_fields=["is_active"])

    workbook = saved(kind_workbook(CASE_KIND), tmp_path / "cases.xlsx")

    sheet = workbook["cases"]
    assert workbook["codes"].sheet_state == "hidden"
    coded = [column for column in CASE_KIND.columns(Lookups()) if column.code_list]
    assert [column.name for column in coded] == [
        "contact_channel",
        "citizenship",
        "sex",
        "region",
        "exploitation_forms",
        "exploitation_countries",
        "exploitation_scope",
        "recruitment_channel",
        "online_platform",
        "control_means",
        "document_type",
        "document_country",
    ]
    for column in coded:
        validation = validation_of(sheet, column.name)
        assert validation is not None, column.name
        assert validation.type == "list"
        assert validation.formula1.startswith("'codes'!$")
        assert listed_codes(workbook, validation.formula1) == active_codes(column.code_list)
    citizenship = validation_of(sheet, "citizenship")
    assert citizenship is not None
    countries = listed_codes(workbook, citizenship.formula1)
    assert "AZ" in countries
    assert "TR" not in countries
    assert (
        len(countries)
        == CodeEntry.objects.filter(code_list__code="countries", is_active=True).count()
    )
    assert citizenship.showErrorMessage is True
    several = validation_of(sheet, "exploitation_forms")
    assert several is not None
    # A cell may hold several codes separated by ";": the list must not refuse them.
    assert several.errorStyle == "information"


def test_organisations_yes_no_and_fixed_choices_have_drop_downs_too(
    supervisor: User, tmp_path: Path
) -> None:
    workbook = saved(kind_workbook(CASE_KIND), tmp_path / "cases.xlsx")

    sheet = workbook["cases"]
    yes_no = validation_of(sheet, "has_disability")
    status = validation_of(sheet, "status")
    organisation = validation_of(sheet, "identifying_organisation")
    assert yes_no is not None and yes_no.formula1 == '"yes,no"'
    assert status is not None
    assert status.formula1 == '"potential,presumed,identified,not_identified,closed"'
    assert organisation is not None
    organisations = listed_codes(workbook, organisation.formula1)
    assert OWN in organisations
    assert "mia-ctht" in organisations
    assert validation_of(sheet, "given_name") is None


@pytest.mark.parametrize(("language", "yes", "no"), [("az", "bəli", "xeyr"), ("ru", "да", "нет")])
def test_yes_and_no_are_offered_in_the_users_language_and_read_back(
    supervisor: User, tmp_path: Path, language: str, yes: str, no: str
) -> None:
    with translation.override(language):
        workbook = saved(kind_workbook(CASE_KIND), tmp_path / "cases.xlsx")

    validation = validation_of(workbook["cases"], "has_children")
    assert validation is not None
    assert validation.formula1 == f'"{yes},{no}"'
    assert values.yes_no(yes) is True
    assert values.yes_no(no) is False


def test_date_columns_are_formatted_as_dates(supervisor: User, tmp_path: Path) -> None:
    workbook = saved(kind_workbook(CASE_KIND), tmp_path / "cases.xlsx")

    sheet = workbook["cases"]
    assert sheet.column_dimensions[column_letter(sheet, "identified_on")].number_format == (
        "yyyy-mm-dd"
    )
    assert sheet.column_dimensions[column_letter(sheet, "registered_at")].number_format == (
        "yyyy-mm-dd hh:mm"
    )
    assert sheet.column_dimensions[column_letter(sheet, "case_id")].number_format == "General"


def test_the_help_sheet_explains_every_column_in_the_users_language(
    supervisor: User, tmp_path: Path
) -> None:
    with translation.override("az"):
        workbook = saved(kind_workbook(CASE_KIND), tmp_path / "cases.xlsx")

    help_sheet = workbook.worksheets[1]
    rows = [row for row in help_sheet.iter_rows(values_only=True) if row[0] == "cases"]
    assert [row[1] for row in rows] == [column.name for column in CASE_KIND.columns(Lookups())]
    explained = {row[1]: row for row in rows}
    countries = CodeList.objects.get(code="countries")
    assert countries.name_az in explained["citizenship"][3]
    assert countries.name_en not in explained["citizenship"][3]
    assert "YYYY-MM-DD" in explained["identified_on"][3]
    assert all(row[3] for row in rows)


def test_a_filled_in_cases_template_imports(supervisor: User, tmp_path: Path) -> None:
    with translation.override("az"):
        workbook = kind_workbook(CASE_KIND)
    sheet = workbook["cases"]
    names = header(sheet)
    rows = [
        {
            "case_id": "NGO-7",
            "status": "identified",
            "registered_at": datetime.datetime(2023, 3, 1, 9, 30),  # noqa: DTZ001 - as Excel holds it
            "contact_channel": "ngo_outreach",
            "citizenship": "AZ",
            "sex": "female",
            "has_disability": "bəli",
            "exploitation_forms": "sexual_exploitation;forced_labour",
            "identified_on": datetime.datetime(2023, 4, 30),  # noqa: DTZ001 - a date cell
            "identifying_organisation": "mia-ctht",
            "identification_method": "reactive",
            "given_name": "Aysel",
        },
        {
            "case_id": "NGO-8",
            "registered_at": datetime.datetime(2023, 5, 2),  # noqa: DTZ001 - a date cell
            "contact_channel": "ngo_outreach",
            "citizenship": "UZ",
            "has_disability": "xeyr",
        },
    ]
    for row in rows:
        sheet.append([row.get(name) for name in names])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)

    run = import_file(CASE_KIND, path, supervisor, file_name="filled.xlsx")

    assert (run.status, run.created, run.rejected) == (RunStatus.FINISHED, 2, 0)
    assert run.file_format == "xlsx"
    first = Case.objects.get(registering_organisation__code=OWN, identified_on__isnull=False)
    assert first.status == "identified"
    assert first.identified_on == datetime.date(2023, 4, 30)
    assert first.identifying_organisation is not None
    assert first.identifying_organisation.code == "mia-ctht"
    assert first.person.has_disability is True
    assert sorted(form.code for form in first.exploitation_forms.all()) == [
        "forced_labour",
        "sexual_exploitation",
    ]


def test_the_events_workbook_has_a_sheet_per_event_kind_and_a_filled_one_imports(
    supervisor: User, tmp_path: Path
) -> None:
    cases = kind_workbook(CASE_KIND)
    cases["cases"].append(
        [
            {"case_id": "NGO-9", "registered_at": "2023-01-10"}.get(name)
            or {"contact_channel": "ngo_outreach", "citizenship": "AZ"}.get(name)
            for name in header(cases["cases"])
        ]
    )
    cases.save(tmp_path / "cases.xlsx")
    assert import_file(CASE_KIND, tmp_path / "cases.xlsx", supervisor).created == 1

    workbook = saved(events_workbook(), tmp_path / "events.xlsx")
    assert workbook.sheetnames == [*EVENT_KINDS, "Help", "codes"]
    for name, kind in EVENT_KINDS.items():
        assert header(workbook[name]) == [column.name for column in kind.columns(Lookups())]
    benefit = BenefitType.objects.filter(is_active=True).order_by("code").first()
    assert benefit is not None
    payments = workbook["payments"]
    given = {
        "event_id": "PAY-1",
        "case_id": "NGO-9",
        "benefit": benefit.code,
        "paid_on": datetime.datetime(2023, 2, 1),  # noqa: DTZ001 - a date cell
        "amount": 400,
        "payer": OWN,
    }
    payments.append([given.get(name) for name in header(payments)])
    workbook.save(tmp_path / "events.xlsx")

    run = import_file(
        EVENT_KINDS["payments"],
        tmp_path / "events.xlsx",
        supervisor,
        sheet="payments",
        strict_sheet=True,
    )

    assert (run.status, run.created, run.rejected) == (RunStatus.FINISHED, 1, 0)
    payment = Payment.objects.get()
    assert (payment.paid_on, payment.amount, payment.payer.code) == (
        datetime.date(2023, 2, 1),
        400,
        OWN,
    )
