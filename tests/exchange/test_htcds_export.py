"""The cases an organisation may see, in HTCDS 2.0 field names and values (docs/htcds.md), with
no identity, for the roles that may export cases, access-logged."""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from lantern.access import policy
from lantern.access.models import AccessAction, AccessLogEntry
from lantern.core.models import CodeEntry, Organisation, Role, User
from lantern.exchange.htcds import (
    CASE_SHEET_FIELDS,
    REFERRAL_DETAIL_FIELDS,
    REFERRAL_FIELDS,
    TEMPLATE_FIELDS,
    TEMPLATE_SPELLINGS,
)
from lantern.nrm.models import ReferralStatus
from lantern.nrm.services import (
    acknowledge_transfer,
    move_referral,
    record_consent,
    refer_case,
    transfer_case,
)
from lantern.register.models import Case
from tests.register.conftest import investigator, ngo_worker, staff
from tests.statistics.test_greta_known_answers import Register, register

__all__ = ["investigator", "ngo_worker", "register"]

pytestmark = pytest.mark.django_db

SHARED_DATA = Path(
    os.environ.get("LANTERN_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")
)
TOOLKIT_TEMPLATE = (
    SHARED_DATA / "htcds" / "upstream" / "Toolkit" / "Excel" / "HTCDS Excel Spreadsheet v2.0.xlsx"
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_an_investigator_exports_the_cases_in_htcds_without_identities(
    register: Register, investigator: User, tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command(
        "export", "htcds", "--user", investigator.username, "--output", str(tmp_path), stdout=out
    )
    visible = Case.objects.count()
    assert f"{visible} cases of 4 persons" in out.getvalue()
    persons = {row["lantern_person"]: row for row in _read(tmp_path / "htcds_persons.csv")}
    victims = {row["lantern_case"]: row for row in _read(tmp_path / "htcds_victim_contexts.csv")}
    cases = {row["lantern_case"]: row for row in _read(tmp_path / "htcds_cases.csv")}
    assert len(victims) == len(cases) == visible

    two_forms = victims[register["two_forms"]["reference"]]
    assert two_forms["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert two_forms["vic_TraffickingStatusDecisionMakingOrg"] == "Police"
    assert two_forms["vic_TypeOfExploitation"] == "ForcedLabour;SexualExploitation"
    person = persons[register["two_forms"]["person"]]
    assert (person["prs_Gender"], person["prs_Citizenship"]) == ("Feminine", "AZ")
    assert persons[register["turns_eighteen"]["person"]]["prs_Gender"] == "Masculine"
    # The child identified in two years: one person, two victim contexts.
    assert (
        victims[register["child_again"]["reference"]]["lantern_person"]
        == (register["child"]["person"])
    )
    assert cases[register["two_forms"]["reference"]]["cas_Status"] == "Active"
    assert (
        cases[register["two_forms"]["reference"]]["cas_CaseOwner"] == "caseworker-ngo-clean-world"
    )

    # No identity leaves: the name fields are empty and no recorded name is anywhere.
    assert {row["prs_SecondName"] + row["prs_Birthdate"] for row in persons.values()} == {""}
    written = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    for name in ("Aliyeva", "Karimov", "Həsənova", "1990-05-01"):
        assert name not in written
    logged = AccessLogEntry.objects.get(action=AccessAction.EXPORT_CASES, user=investigator)
    assert logged.detail == f"HTCDS, {visible} case(s) (command)"


def test_a_case_worker_may_not_export_and_nothing_is_written(
    register: Register, ngo_worker: User, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="may not export cases"):
        call_command("export", "htcds", "--user", ngo_worker.username, "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT_CASES).exists()


def test_a_supervisor_of_an_ngo_exports_only_what_the_ngo_may_see(
    register: Register, tmp_path: Path
) -> None:
    supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    call_command("export", "htcds", "--user", supervisor.username, "--output", str(tmp_path))
    exported = {row["lantern_case"] for row in _read(tmp_path / "htcds_cases.csv")}
    assert exported
    assert exported == set(
        policy.visible_cases(supervisor, Case.objects.all()).values_list("reference", flat=True)
    )


def _moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def referred(register: Register, ngo_worker: User, investigator: User) -> Register:
    """Two referrals of one case to the police's shelter (one accepted, one not yet), and the
    transfer of another case to the specialised police."""
    two_forms = Case.objects.get(reference=register["two_forms"]["reference"])
    shelter = Organisation.objects.get(code="mia-shelter")
    shelter_worker = staff("mia-shelter", Role.CASEWORKER)
    # 23:30 UTC is already the next day in Baku: HTCDS gets the local date.
    with time_machine.travel(_moment("2020-05-04T23:30:00+00:00"), tick=False):
        consent = record_consent(
            actor=ngo_worker,
            case=two_forms,
            given_by="person",
            given_at=_moment("2020-05-04T23:00:00+00:00"),
            disclosure="summary",
        )
        first = refer_case(
            actor=ngo_worker,
            case=two_forms,
            provider=shelter,
            service_type="social",
            consent=consent,
        )
    with time_machine.travel(_moment("2020-05-06T10:00:00+04:00"), tick=False):
        move_referral(actor=shelter_worker, referral=first, status=ReferralStatus.ACCEPTED)
    with time_machine.travel(_moment("2020-07-01T09:00:00+04:00"), tick=False):
        refer_case(
            actor=ngo_worker,
            case=two_forms,
            provider=shelter,
            service_type="legal",
            consent=consent,
        )
    never_identified = Case.objects.get(reference=register["never_identified"]["reference"])
    transfer = transfer_case(
        actor=ngo_worker,
        case=never_identified,
        receiver=Organisation.objects.get(code="mia-ctht"),
        documents="",
        rights_explained=["rights_under_law"],
        now=_moment("2020-06-01T09:00:00+04:00"),
    )
    acknowledge_transfer(
        actor=investigator, transfer=transfer, now=_moment("2020-06-02T09:30:00+04:00")
    )
    return register


SHELTER = "MIA shelter for temporary accommodation of victims of human trafficking"
POLICE = "Main Department for Combating Human Trafficking of the Ministry of Internal Affairs"
CLEAN_WORLD = "Clean World Women's Aid Public Union"


def test_every_referral_and_transfer_goes_out_with_htcds_names_and_codes(
    referred: Register, investigator: User, tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command(
        "export", "htcds", "--user", investigator.username, "--output", str(tmp_path), stdout=out
    )
    assert "htcds_referrals.csv" in out.getvalue()
    two_forms = referred["two_forms"]["reference"]
    never_identified = referred["never_identified"]["reference"]
    sent_by = "caseworker-ngo-clean-world"
    shelter_referral = {
        "cas_ReferringOrganisation": CLEAN_WORLD,
        "cas_ReferringPrimaryCaseWorker": sent_by,
        "cas_ReasonForIncomingReferral": "AdditionalServicesRequired",
        "cas_ReferredOrganisation": SHELTER,
        "cas_ReferredPrimaryCaseWorker": "",
        "cas_ReasonForOutgoingReferral": "AdditionalServicesRequired",
    }
    expected = [
        {
            "lantern_case": never_identified,
            "lantern_referral_kind": "transfer",
            "lantern_referral_status": "accepted",
            "cas_ReferringOrganisation": CLEAN_WORLD,
            "cas_IncomingReferralDate": "2020-06-02",
            "cas_ReferringPrimaryCaseWorker": sent_by,
            "cas_ReasonForIncomingReferral": "Other",
            "cas_IncomingReferralDetails": "",
            "cas_ReferredOrganisation": POLICE,
            "cas_ReferredPrimaryCaseWorker": "",
            "cas_ReasonForOutgoingReferral": "Other",
            "cas_OutgoingReferralDate": "2020-06-01",
            "cas_OutgoingReferralDetails": "",
        },
        {
            "lantern_case": two_forms,
            "lantern_referral_kind": "referral",
            "lantern_referral_status": "accepted",
            **shelter_referral,
            "cas_IncomingReferralDate": "2020-05-06",
            "cas_IncomingReferralDetails": "Social assistance",
            "cas_OutgoingReferralDate": "2020-05-05",
            "cas_OutgoingReferralDetails": "Social assistance",
        },
        {
            "lantern_case": two_forms,
            "lantern_referral_kind": "referral",
            "lantern_referral_status": "sent",
            **shelter_referral,
            "cas_IncomingReferralDate": "",
            "cas_IncomingReferralDetails": "Legal assistance",
            "cas_OutgoingReferralDate": "2020-07-01",
            "cas_OutgoingReferralDetails": "Legal assistance",
        },
    ]
    referrals = _read(tmp_path / "htcds_referrals.csv")
    assert sorted(referrals, key=lambda row: row["cas_OutgoingReferralDate"]) == sorted(
        expected, key=lambda row: row["cas_OutgoingReferralDate"]
    )
    # A case's own row carries its latest referral, as the template's one set of fields can.
    cases = {row["lantern_case"]: row for row in _read(tmp_path / "htcds_cases.csv")}
    assert {field: cases[two_forms][field] for field in REFERRAL_DETAIL_FIELDS} == {
        field: expected[2][field] for field in REFERRAL_DETAIL_FIELDS
    }
    assert cases[never_identified]["cas_ReasonForOutgoingReferral"] == "Other"
    assert cases[referred["child"]["reference"]]["cas_ReferredOrganisation"] == ""


def test_the_workbook_is_laid_out_like_the_toolkits_template_with_the_same_content(
    referred: Register, investigator: User, tmp_path: Path
) -> None:
    # A label a spreadsheet would run as a formula is written as text.
    CodeEntry.objects.filter(code_list__code="service_types", code="legal").update(
        label_en="=1+2 legal aid"
    )
    call_command("export", "htcds", "--user", investigator.username, "--output", str(tmp_path))
    workbook = load_workbook(tmp_path / "htcds.xlsx")
    assert workbook.sheetnames == ["Case Sheet", "Referrals", "about"]
    sheet = workbook["Case Sheet"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (None, *CASE_SHEET_FIELDS)
    assert sheet.row_dimensions[1].hidden is True
    assert rows[1][1:5] == ("Case Owner", "Salutation", "First Name", "Second Name")
    assert rows[1][CASE_SHEET_FIELDS.index("cas_ReasonForOutgoingReferral") + 1] == (
        "Reason for Outgoing Referral"
    )
    assert [row[0] for row in rows[2:]] == list(range(1, Case.objects.count() + 1))

    # Every case's row says what the CSV files say, field by field.
    persons = {row["lantern_person"]: row for row in _read(tmp_path / "htcds_persons.csv")}
    cases = {row["lantern_case"]: row for row in _read(tmp_path / "htcds_cases.csv")}
    in_csv = {
        row["lantern_case"]: {**persons[row["lantern_person"]], **row, **cases[row["lantern_case"]]}
        for row in _read(tmp_path / "htcds_victim_contexts.csv")
    }
    in_sheet = {
        row[CASE_SHEET_FIELDS.index("lantern_case") + 1]: dict(
            zip(CASE_SHEET_FIELDS, row[1:], strict=True)
        )
        for row in rows[2:]
    }
    assert set(in_sheet) == set(in_csv) == set(Case.objects.values_list("reference", flat=True))
    for case, values in in_sheet.items():
        for field, value in values.items():
            spelt = TEMPLATE_SPELLINGS.get(field, field)
            assert (value or "") == in_csv[str(case)].get(spelt, ""), (case, field)
    two_forms = in_sheet[referred["two_forms"]["reference"]]
    assert two_forms["vic_TraffickinStatusDecisionMakingOrg"] == "Police"
    assert two_forms["cas_OutgoingReferralDetails"] == "'=1+2 legal aid"
    assert two_forms["prs_FirstName"] is None

    referrals = list(workbook["Referrals"].iter_rows(values_only=True))
    assert referrals[0] == (None, *REFERRAL_FIELDS)
    assert [
        dict(zip(REFERRAL_FIELDS, (value or "" for value in row[1:]), strict=True))
        for row in referrals[2:]
    ] == _read(tmp_path / "htcds_referrals.csv")
    written = "".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    )
    for name in ("Aliyeva", "Karimov", "Həsənova", "1990-05-01"):
        assert name not in written


def test_the_case_sheets_columns_are_the_toolkit_templates(tmp_path: Path) -> None:
    if not TOOLKIT_TEMPLATE.is_file():
        pytest.skip(f"the HTCDS toolkit's template is not at {TOOLKIT_TEMPLATE}")
    template = load_workbook(TOOLKIT_TEMPLATE, read_only=True)
    names = next(template.worksheets[0].iter_rows(max_row=1, values_only=True))
    template.close()
    # The template leaves one field's name out; Lantern names it.
    missing = names.index(None, 1)
    assert (*names[1:missing], "cas_ReasonForOutgoingReferral", *names[missing + 1 :]) == (
        TEMPLATE_FIELDS
    )


def test_the_crosswalks_counts_are_those_of_its_tables() -> None:
    """docs/htcds.md says how many fields map and how; its tables must agree."""
    crosswalk = (Path(__file__).resolve().parents[2] / "docs" / "htcds.md").read_text()
    directions: Counter[str] = Counter()
    for line in crosswalk.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit() and cells[1].startswith("`"):
            lantern, note = cells[4], cells[5]
            direction = "none" if lantern == "—" else note.split(maxsplit=1)[0].rstrip(".:;,")
            directions[direction] += 1
    mapped = directions["Both"] + directions["Export"] + directions["Import"]
    counts = re.search(
        r"defines \*\*(\d+) fields\*\*.*?counterpart for \*\*(\d+)\*\* of them: (\d+) are "
        r"exchanged both ways, (\d+)\s+are export only and (\d+) are import only\. There is "
        r"\*\*no counterpart for (\d+)\*\*",
        crosswalk,
        re.DOTALL,
    )
    assert counts is not None
    assert tuple(int(number) for number in counts.groups()) == (
        sum(directions.values()),
        mapped,
        directions["Both"],
        directions["Export"],
        directions["Import"],
        directions["none"],
    )
    assert set(directions) == {"Both", "Export", "Import", "none"}
