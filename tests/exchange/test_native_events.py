"""Importing the referral mechanism's and assistance's events in Lantern's own format.

Each test writes real CSV files, imports the cases they name first, then the events, as a
supervisor of one NGO, and reads what the register holds afterwards.
"""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone
from openpyxl import Workbook

from lantern.assistance.models import (
    CompensationClaim,
    CompensationReceipt,
    FamilyMember,
    LegalAid,
    Payment,
    Repatriation,
    ResidencePermit,
    ServiceDelivered,
    ShelterStay,
    WorkPermitExemption,
)
from lantern.core.models import Organisation, Role, User
from lantern.exchange.models import ImportRun, SourceRecord
from lantern.exchange.native.engine import import_file
from lantern.exchange.native.events import EVENT_ROWS
from lantern.exchange.native.kinds import ExportContext
from lantern.exchange.native.registry import CASE_KIND, EVENT_KINDS
from lantern.nrm.models import (
    Deadline,
    LegalRepresentative,
    Referral,
    ReferralEvent,
    ReflectionPeriod,
    Transfer,
)
from lantern.nrm.services import REFLECTION_REMINDER
from lantern.register.models import Case
from tests.register.conftest import staff

ORGANISATION = "ngo-clean-world"
CASE_ROWS = [
    # An adult woman, a girl born in 2012 and a foreign man.
    {"case_id": "C-1", "citizenship": "AZ", "sex": "female", "birth_year": "1990"},
    {"case_id": "C-2", "citizenship": "AZ", "sex": "female", "birth_year": "2012"},
    {"case_id": "C-3", "citizenship": "UA", "sex": "male", "birth_year": "1995"},
]

# Every column of every kind, filled in the form the export writes, so that the export of
# the imported records can be compared with these rows cell for cell.
ROWS: dict[str, list[dict[str, str]]] = {
    "transfers": [
        {
            "event_id": "T-1",
            "case_id": "C-1",
            "sender": "ngo-clean-world",
            "receiver": "mia-ctht",
            "sent_at": "2023-03-02T10:30:00+04:00",
            "acknowledged_at": "2023-03-02T15:00:00+04:00",
            "outcome": "identified",
            "outcome_on": "2023-04-10",
            "outcome_note": "Recognised as a victim",
            "documents": "Screening form; cover letter",
            "rights_explained": "confidentiality; rights_under_law",
        }
    ],
    "referrals": [
        {
            "event_id": "R-1",
            "case_id": "C-1",
            "sender": "ngo-clean-world",
            "provider": "ngo-clean-world-shelter",
            "service_type": "shelter_accommodation",
            "status": "completed",
            "status_reason": "",
            "outcome": "Stayed three months",
            "sent_at": "2023-03-04T09:00:00+04:00",
        },
        {
            "event_id": "R-2",
            "case_id": "C-2",
            "sender": "ngo-clean-world",
            "provider": "tabib",
            "service_type": "medical_treatment",
            "status": "declined",
            "status_reason": "No paediatrician available",
            "outcome": "",
            "sent_at": "2023-03-06T11:00:00+04:00",
        },
    ],
    "services": [
        {
            "event_id": "S-1",
            "case_id": "C-1",
            "service_type": "psychological",
            "provider": "ngo-clean-world",
            "delivered_on": "2023-03-10",
            "outcome": "Weekly sessions",
            "referral_id": "R-1",
            "family_member_id": "",
            "family_member_birth_year": "",
            "family_member_sex": "",
        },
        {
            "event_id": "S-2",
            "case_id": "C-1",
            "service_type": "child_preschool",
            "provider": "ngo-clean-world",
            "delivered_on": "2023-04-01",
            "outcome": "",
            "referral_id": "",
            "family_member_id": "F-1",
            "family_member_birth_year": "2019",
            "family_member_sex": "male",
        },
        {
            "event_id": "S-3",
            "case_id": "C-1",
            "service_type": "child_school_supplies",
            "provider": "ngo-clean-world",
            "delivered_on": "2023-09-01",
            "outcome": "",
            "referral_id": "",
            "family_member_id": "F-1",
            "family_member_birth_year": "2019",
            "family_member_sex": "male",
        },
    ],
    "shelter_stays": [
        {
            "event_id": "ST-1",
            "case_id": "C-1",
            "shelter": "ngo-clean-world-shelter",
            "is_child": "no",
            "admitted_on": "2023-03-05",
            "admission_reason": "No safe place to live",
            "accompanied_by": "",
            "accompanied_by_parent": "no",
            "capacity_override_reason": "",
            "staying_until": "2023-06-05",
            "discharged_on": "2023-06-01",
            "discharge_reason": "Returned to her family",
            "destination": "Family home",
        },
        {
            "event_id": "ST-2",
            "case_id": "C-2",
            "shelter": "ngo-clean-world-shelter",
            "is_child": "yes",
            "admitted_on": "2023-03-07",
            "admission_reason": "Placed with an adult victim",
            "accompanied_by": "C-1",
            "accompanied_by_parent": "no",
            "capacity_override_reason": "",
            "staying_until": "",
            "discharged_on": "",
            "discharge_reason": "",
            "destination": "",
        },
    ],
    "reflection_periods": [
        {
            "event_id": "RP-1",
            "case_id": "C-3",
            "decided_on": "2023-03-03",
            "legal_basis": "Law on Combating Trafficking, Art. 11",
            "starts_at": "2023-03-03T00:00:00+04:00",
            "ends_at": "2023-04-02T00:00:00+04:00",
            "extension_reason": "",
            "ended_at": "2023-03-20T12:00:00+04:00",
            "end_reason": "Decided to cooperate",
        }
    ],
    "legal_representatives": [
        {
            "event_id": "LR-1",
            "case_id": "C-2",
            "representative_type": "guardian",
            "appointed_by": "Guardianship authority",
            "appointed_on": "2023-03-06",
        }
    ],
    "legal_aid": [
        {
            "event_id": "LA-1",
            "case_id": "C-1",
            "provider_kind": "ngo",
            "stage": "investigation",
            "started_on": "2023-03-15",
            "ended_on": "2023-09-01",
        }
    ],
    "payments": [
        {
            "event_id": "P-1",
            "case_id": "C-1",
            "benefit": "one_time_allowance",
            "paid_on": "2023-03-20",
            "amount": "1500.00",
            "payer": "mia-victims-aid-fund",
            "legal_basis": "Law on Combating Trafficking, Art. 17",
            "amount_reason": "",
        }
    ],
    "repatriations": [
        {
            "event_id": "RE-1",
            "case_id": "C-3",
            "destination": "UA",
            "repatriated_on": "2023-05-01",
            "documents_obtained": "Travel document",
            "escorted": "yes",
            "costs_borne_by": "IOM",
            "is_readmission": "no",
        }
    ],
    "residence_permits": [
        {
            "event_id": "RPM-1",
            "case_id": "C-3",
            "permit_type": "personal_situation",
            "legal_basis": "Migration Code Art. 45.1.10-1",
            "valid_from": "2023-03-10",
            "valid_to": "2023-09-09",
            "renews": "",
        },
        {
            "event_id": "RPM-2",
            "case_id": "C-3",
            "permit_type": "cooperation_with_investigation",
            "legal_basis": "Migration Code Art. 45.1.10-1",
            "valid_from": "2023-09-10",
            "valid_to": "2024-03-09",
            "renews": "RPM-1",
        },
    ],
    "work_permit_exemptions": [
        {
            "event_id": "W-1",
            "case_id": "C-3",
            "recorded_on": "2023-03-12",
            "legal_basis": "Migration Code Art. 64.0.15-1",
        }
    ],
    "compensation_claims": [
        {
            "event_id": "CC-1",
            "case_id": "C-1",
            "against": "offender",
            "body": "Baku Serious Crimes Court",
            "submitted_on": "2023-05-01",
            "awarded_amount": "5000.00",
            "awarded_on": "2023-11-15",
            "currency": "AZN",
        }
    ],
    "compensation_receipts": [
        {
            "event_id": "CR-1",
            "case_id": "C-1",
            "claim_id": "CC-1",
            "received_on": "2023-12-01",
            "amount": "2000.00",
        }
    ],
}
# What a kind's rows link to, imported before them.
NEEDS = {"services": ["referrals"], "compensation_receipts": ["compensation_claims"]}


def write_csv(folder: Path, name: str, rows: list[dict[str, str]]) -> Path:
    path = folder / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_cases(folder: Path, actor: User, rows: list[dict[str, str]] = CASE_ROWS) -> None:
    filled = [
        {"registered_at": "2023-03-01 09:00", "contact_channel": "ngo_outreach", **row}
        for row in rows
    ]
    run = import_file(CASE_KIND, write_csv(folder, "cases", filled), actor)
    assert (run.created, run.rejected) == (len(rows), 0)


def import_events(folder: Path, kind: str, rows: list[dict[str, str]], actor: User) -> ImportRun:
    return import_file(EVENT_KINDS[kind], write_csv(folder, kind, rows), actor)


def outcome(run: ImportRun) -> tuple[int, int, int, int]:
    return (run.created, run.updated, run.unchanged, run.rejected)


def problems(run: ImportRun) -> list[tuple[int, str, str, str]]:
    return [
        (problem.row, problem.column, problem.value, problem.message)
        for problem in run.problems.order_by("row", "column")
    ]


def snapshot(model: type[Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


def export(kind: str, actor: User) -> list[dict[str, str]]:
    cases = Case.objects.filter(registering_organisation=actor.organisation)
    event_kind = EVENT_KINDS[kind]
    context = ExportContext(
        actor=actor,
        with_identity=False,
        organisation_codes=dict(Organisation.objects.values_list("pk", "code")),
    )
    return list(event_kind.export_rows(event_kind.records_for(cases), context))


@pytest.fixture
def supervisor(az_pack: Path) -> User:
    return staff(ORGANISATION, Role.SUPERVISOR)


@pytest.fixture
def cases(tmp_path: Path, supervisor: User) -> dict[str, Case]:
    import_cases(tmp_path, supervisor)
    imported = SourceRecord.objects.filter(organisation=supervisor.organisation, kind="cases")
    return {
        record.source_id: Case.objects.select_related("person").get(pk=record.object_id)
        for record in imported
    }


MODELS = {kind.name: kind.model for kind in EVENT_ROWS}
TODAY = timezone.localdate()
FUTURE_DAY = (TODAY + datetime.timedelta(days=30)).isoformat()
FUTURE_MOMENT = f"{FUTURE_DAY}T09:00:00+04:00"
BAKU = datetime.timezone(datetime.timedelta(hours=4))


def test_every_kind_has_its_file_and_links_come_after_what_they_name() -> None:
    names = [kind.name for kind in EVENT_ROWS]
    assert set(names) == set(ROWS)
    assert names.index("referrals") < names.index("services")
    assert names.index("compensation_claims") < names.index("compensation_receipts")


def by_reference(rows: list[dict[str, str]], cases: dict[str, Case]) -> list[dict[str, str]]:
    """The rows with their cases named by Lantern's references, as an export names them."""
    return [
        {
            **row,
            **{
                name: cases[row[name]].reference
                for name in ("case_id", "accompanied_by")
                if row.get(name)
            },
        }
        for row in rows
    ]


@pytest.mark.parametrize("kind", list(ROWS))
def test_a_file_imports_again_unchanged_and_its_export_imports_back_unchanged(
    kind: str, tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    for needed in NEEDS.get(kind, []):
        assert outcome(import_events(tmp_path, needed, ROWS[needed], supervisor))[3] == 0
    rows = ROWS[kind]
    first = import_events(tmp_path, kind, rows, supervisor)
    assert outcome(first) == (len(rows), 0, 0, 0), problems(first)
    stored = snapshot(MODELS[kind])
    assert len(stored) == len(rows)

    again = import_events(tmp_path, kind, rows, supervisor)
    assert outcome(again) == (0, 0, len(rows), 0)
    assert snapshot(MODELS[kind]) == stored

    exported = export(kind, supervisor)
    # The export names each case by the ID it was imported under, as the cases file does.
    assert exported == rows
    (tmp_path / "export").mkdir()
    back = import_events(tmp_path / "export", kind, exported, supervisor)
    assert outcome(back) == (0, 0, len(rows), 0)
    assert snapshot(MODELS[kind]) == stored


def test_the_export_names_cases_by_their_source_ids_and_finds_the_same_records_again(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    import_events(tmp_path, "referrals", ROWS["referrals"], supervisor)
    import_events(tmp_path, "services", ROWS["services"], supervisor)
    stored = snapshot(ServiceDelivered)
    children = snapshot(FamilyMember)

    exported = export("services", supervisor)
    assert exported == ROWS["services"]
    (tmp_path / "export").mkdir()
    back = import_events(tmp_path / "export", "services", by_reference(exported, cases), supervisor)
    # Each row names its case by reference where the first file used its source ID: the same
    # case, so nothing changes.
    assert outcome(back) == (0, 0, 3, 0)
    assert snapshot(ServiceDelivered) == stored
    assert snapshot(FamilyMember) == children


def test_a_transfer_is_recorded_as_sent_by_the_importing_supervisor(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    run = import_events(tmp_path, "transfers", ROWS["transfers"], supervisor)
    assert outcome(run) == (1, 0, 0, 0)
    transfer = Transfer.objects.get()
    assert transfer.case == cases["C-1"]
    assert (transfer.sender.code, transfer.receiver.code) == ("ngo-clean-world", "mia-ctht")
    assert transfer.sent_at == datetime.datetime(2023, 3, 2, 10, 30, tzinfo=BAKU)
    assert transfer.acknowledged_at == datetime.datetime(2023, 3, 2, 15, 0, tzinfo=BAKU)
    assert (transfer.outcome, transfer.outcome_on) == ("identified", datetime.date(2023, 4, 10))
    assert transfer.outcome_note == "Recognised as a victim"
    assert transfer.documents == "Screening form; cover letter"
    assert (transfer.sent_by, transfer.acknowledged_by, transfer.outcome_recorded_by) == (
        supervisor,
        supervisor,
        supervisor,
    )
    assert sorted(transfer.rights_explained.values_list("code", flat=True)) == [
        "confidentiality",
        "rights_under_law",
    ]


def test_a_referral_keeps_a_history_that_ends_in_its_status(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    run = import_events(tmp_path, "referrals", ROWS["referrals"], supervisor)
    assert outcome(run) == (2, 0, 0, 0)
    completed = Referral.objects.get(case=cases["C-1"])
    assert (completed.sender.code, completed.provider.code) == (
        "ngo-clean-world",
        "ngo-clean-world-shelter",
    )
    assert (completed.service_type, completed.status) == ("shelter_accommodation", "completed")
    assert completed.outcome == "Stayed three months"
    assert completed.sent_at == datetime.datetime(2023, 3, 4, 9, 0, tzinfo=BAKU)
    assert completed.consent is None
    assert (completed.sent_by, completed.updated_by) == (supervisor, supervisor)
    assert completed.updated_at == run.started_at
    assert history(completed) == [
        ("sent", completed.sent_at, "ngo-clean-world", ""),
        ("completed", run.started_at, "ngo-clean-world-shelter", "Stayed three months"),
    ]
    declined = Referral.objects.get(case=cases["C-2"])
    assert (declined.status, declined.status_reason) == ("declined", "No paediatrician available")
    assert history(declined)[-1] == (
        "declined",
        run.started_at,
        "tabib",
        "No paediatrician available",
    )

    changed = [ROWS["referrals"][0], {**ROWS["referrals"][1], "status": "withdrawn"}]
    update = import_events(tmp_path, "referrals", changed, supervisor)
    assert outcome(update) == (0, 1, 1, 0)
    declined.refresh_from_db()
    assert declined.status == "withdrawn"
    assert [event[0] for event in history(declined)] == ["sent", "declined", "withdrawn"]
    assert history(declined)[-1][1:3] == (update.started_at, "ngo-clean-world")
    assert len(history(completed)) == 2


def history(referral: Referral) -> list[tuple[str, datetime.datetime, str, str]]:
    return [
        (event.status, event.at, event.organisation.code, event.reason)
        for event in ReferralEvent.objects.filter(referral=referral).order_by("at", "pk")
    ]


def test_services_to_a_child_stay_one_family_member_apart_from_the_victims(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    import_events(tmp_path, "referrals", ROWS["referrals"], supervisor)
    more = [
        # The same child without the source's ID: the case's child of that year and sex.
        {**ROWS["services"][1], "event_id": "S-4", "family_member_id": ""},
        {
            **ROWS["services"][1],
            "event_id": "S-5",
            "family_member_id": "F-2",
            "family_member_birth_year": "2021",
            "family_member_sex": "female",
        },
    ]
    run = import_events(tmp_path, "services", [*ROWS["services"], *more], supervisor)
    assert outcome(run) == (5, 0, 0, 0)

    to_the_victim = ServiceDelivered.objects.get(family_member__isnull=True)
    assert to_the_victim.case == cases["C-1"]
    assert (to_the_victim.service_type, to_the_victim.provider.code) == (
        "psychological",
        "ngo-clean-world",
    )
    assert to_the_victim.delivered_on == datetime.date(2023, 3, 10)
    assert to_the_victim.referral == Referral.objects.get(case=cases["C-1"])
    assert (to_the_victim.recorded_by, to_the_victim.recorded_at) == (supervisor, run.started_at)

    children = FamilyMember.objects.filter(case=cases["C-1"]).order_by("birth_year")
    assert [(child.birth_year, child.sex) for child in children] == [
        (2019, "male"),
        (2021, "female"),
    ]
    by_child = {
        child.birth_year: sorted(child.services.values_list("service_type", flat=True))
        for child in children
    }
    assert by_child == {
        2019: ["child_preschool", "child_preschool", "child_school_supplies"],
        2021: ["child_preschool"],
    }


def test_a_stay_is_a_childs_by_the_age_on_admission_unless_the_row_says(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    rows = [{**row, "is_child": ""} for row in ROWS["shelter_stays"]]
    run = import_events(tmp_path, "shelter_stays", rows, supervisor)
    assert outcome(run) == (2, 0, 0, 0)
    adult, child = ShelterStay.objects.order_by("admitted_on")
    assert (adult.case, adult.is_child, adult.shelter.code) == (
        cases["C-1"],
        False,
        "ngo-clean-world-shelter",
    )
    assert (adult.discharged_on, adult.discharge_reason, adult.destination) == (
        datetime.date(2023, 6, 1),
        "Returned to her family",
        "Family home",
    )
    assert adult.staying_until == datetime.date(2023, 6, 5)
    assert (child.case, child.is_child, child.accompanied_by) == (cases["C-2"], True, cases["C-1"])
    assert child.discharged_on is None

    said = [{**ROWS["shelter_stays"][1], "is_child": "no"}]
    update = import_events(tmp_path, "shelter_stays", said, supervisor)
    assert outcome(update) == (0, 1, 0, 0)
    child.refresh_from_db()
    assert child.is_child is False


def test_a_reflection_period_runs_as_the_pack_sets_when_its_times_are_not_given(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    decided_on = TODAY - datetime.timedelta(days=5)
    row = {
        **ROWS["reflection_periods"][0],
        "decided_on": decided_on.isoformat(),
        "starts_at": "",
        "ends_at": "",
        "ended_at": "",
        "end_reason": "",
    }
    run = import_events(tmp_path, "reflection_periods", [row], supervisor)
    assert outcome(run) == (1, 0, 0, 0), problems(run)
    period = ReflectionPeriod.objects.get()
    starts = datetime.datetime.combine(decided_on, datetime.time(0), tzinfo=BAKU)
    assert (period.case, period.decided_on, period.decided_by) == (
        cases["C-3"],
        decided_on,
        supervisor,
    )
    assert period.starts_at == starts
    assert period.ends_at == starts + datetime.timedelta(days=30)
    reminder = Deadline.objects.get(case=cases["C-3"], kind=REFLECTION_REMINDER)
    assert (reminder.status, reminder.is_reminder, reminder.responsible_organisation.code) == (
        "open",
        True,
        ORGANISATION,
    )

    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    ended = {**row, "ended_at": f"{yesterday}T18:00:00+04:00", "end_reason": "Left the country"}
    update = import_events(tmp_path, "reflection_periods", [ended], supervisor)
    assert outcome(update) == (0, 1, 0, 0), problems(update)
    reminder.refresh_from_db()
    assert reminder.status == "met"


def test_a_renewal_names_the_permit_it_renews(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    run = import_events(tmp_path, "residence_permits", ROWS["residence_permits"], supervisor)
    assert outcome(run) == (2, 0, 0, 0)
    first, renewal = ResidencePermit.objects.order_by("valid_from")
    assert (first.renews, renewal.renews) == (None, first)
    assert (renewal.permit_type, renewal.valid_from, renewal.valid_to) == (
        "cooperation_with_investigation",
        datetime.date(2023, 9, 10),
        datetime.date(2024, 3, 9),
    )

    again = {
        **ROWS["residence_permits"][1],
        "event_id": "RPM-3",
        "valid_from": "2024-03-10",
        "valid_to": "2024-09-09",
    }
    elsewhere = {**ROWS["residence_permits"][1], "event_id": "RPM-4", "case_id": "C-1"}
    refused = import_events(tmp_path, "residence_permits", [again, elsewhere], supervisor)
    assert outcome(refused) == (0, 0, 0, 2)
    assert problems(refused) == [
        (2, "renews", "RPM-1", "That permit was already renewed."),
        (3, "renews", "RPM-1", "A renewal continues a permit of the same person."),
    ]
    assert ResidencePermit.objects.count() == 2


def test_a_receipt_belongs_to_an_imported_claim_of_its_case(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    import_events(tmp_path, "compensation_claims", ROWS["compensation_claims"], supervisor)
    receipt = ROWS["compensation_receipts"][0]
    rows = [
        receipt,
        {**receipt, "event_id": "CR-2", "claim_id": "CC-404"},
        {**receipt, "event_id": "CR-3", "case_id": "C-2"},
        {**receipt, "event_id": "CR-4", "received_on": "2023-04-30"},
    ]
    run = import_events(tmp_path, "compensation_receipts", rows, supervisor)
    assert outcome(run) == (1, 0, 0, 3)
    assert problems(run) == [
        (
            3,
            "claim_id",
            "CC-404",
            "Your organisation imported no compensation claim with this ID; import the claims "
            "first, and give the claim's event_id.",
        ),
        (4, "claim_id", "CC-1", "That claim belongs to another case."),
        (5, "received_on", "2023-04-30", "Nothing is received before the claim."),
    ]
    stored = CompensationReceipt.objects.get()
    assert (stored.claim, stored.received_on, stored.amount) == (
        CompensationClaim.objects.get(case=cases["C-1"]),
        datetime.date(2023, 12, 1),
        Decimal("2000.00"),
    )


def test_the_other_kinds_store_their_columns(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    for kind in (
        "legal_representatives",
        "legal_aid",
        "payments",
        "repatriations",
        "work_permit_exemptions",
        "compensation_claims",
    ):
        assert outcome(import_events(tmp_path, kind, ROWS[kind], supervisor))[0] == 1
    representative = LegalRepresentative.objects.get()
    assert (representative.case, representative.representative_type) == (cases["C-2"], "guardian")
    assert representative.appointed_on == datetime.date(2023, 3, 6)
    aid = LegalAid.objects.get()
    assert (aid.case, aid.provider_kind, aid.stage, aid.recorded_by) == (
        cases["C-1"],
        "ngo",
        "investigation",
        supervisor,
    )
    assert (aid.started_on, aid.ended_on) == (datetime.date(2023, 3, 15), datetime.date(2023, 9, 1))
    payment = Payment.objects.get()
    assert (payment.benefit.code, payment.amount, payment.currency, payment.payer.code) == (
        "one_time_allowance",
        Decimal("1500.00"),
        "AZN",
        "mia-victims-aid-fund",
    )
    repatriation = Repatriation.objects.get()
    assert (repatriation.destination, repatriation.escorted, repatriation.is_readmission) == (
        "UA",
        True,
        False,
    )
    assert repatriation.costs_borne_by == "IOM"
    exemption = WorkPermitExemption.objects.get()
    assert (exemption.case, exemption.recorded_on) == (cases["C-3"], datetime.date(2023, 3, 12))
    claim = CompensationClaim.objects.get()
    assert (claim.against, claim.awarded_amount, claim.awarded_on, claim.currency) == (
        "offender",
        Decimal("5000.00"),
        datetime.date(2023, 11, 15),
        "AZN",
    )


def test_a_changed_row_updates_its_record(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    import_events(tmp_path, "legal_aid", ROWS["legal_aid"], supervisor)
    changed = {**ROWS["legal_aid"][0], "stage": "court", "ended_on": "2023-12-20"}
    run = import_events(tmp_path, "legal_aid", [changed], supervisor)
    assert outcome(run) == (0, 1, 0, 0)
    aid = LegalAid.objects.get()
    assert (aid.stage, aid.ended_on) == ("court", datetime.date(2023, 12, 20))


def test_empty_optional_cells_read_as_what_the_record_stores(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    repatriation = {**ROWS["repatriations"][0], "escorted": "", "is_readmission": ""}
    claim = {**ROWS["compensation_claims"][0], "currency": ""}
    referral = {**ROWS["referrals"][0], "status": "", "outcome": ""}
    for kind, row in (
        ("repatriations", repatriation),
        ("compensation_claims", claim),
        ("referrals", referral),
    ):
        assert outcome(import_events(tmp_path, kind, [row], supervisor)) == (1, 0, 0, 0)
    assert Repatriation.objects.values_list("escorted", "is_readmission").get() == (False, False)
    assert CompensationClaim.objects.values_list("currency", flat=True).get() == "AZN"
    sent = Referral.objects.get()
    assert sent.status == "sent"
    assert [event[0] for event in history(sent)] == ["sent"]


@pytest.mark.parametrize(
    ("kind", "changes", "column", "message"),
    [
        (
            "legal_aid",
            {"case_id": "C-404"},
            "case_id",
            "No case with this ID in your organisation's register; import the case first.",
        ),
        (
            "repatriations",
            {"destination": "Atlantis"},
            "destination",
            "“Atlantis” is not in the list of allowed values (countries).",
        ),
        (
            "services",
            {"service_type": "massage"},
            "service_type",
            "“massage” is not in the list of allowed values (service_types).",
        ),
        (
            "legal_aid",
            {"started_on": "12/31/2023"},
            "started_on",
            "Not a date: write it as YYYY-MM-DD (for example 2023-04-30).",
        ),
        ("payments", {"paid_on": FUTURE_DAY}, "paid_on", "The payment date is in the future."),
        (
            "transfers",
            {"sent_at": FUTURE_MOMENT, "acknowledged_at": "", "outcome": "", "outcome_on": ""},
            "sent_at",
            "The date is in the future.",
        ),
        (
            "repatriations",
            {"repatriated_on": FUTURE_DAY},
            "repatriated_on",
            "The date is in the future.",
        ),
        ("legal_aid", {"ended_on": "2023-03-01"}, "ended_on", "The aid ends before it starts."),
        (
            "residence_permits",
            {"valid_to": "2023-03-01"},
            "valid_to",
            "The permit ends before it starts.",
        ),
        (
            "shelter_stays",
            {"admitted_on": "2023-07-01", "discharged_on": "2023-06-30", "staying_until": ""},
            "discharged_on",
            "The discharge date lies between the admission and today.",
        ),
        (
            "shelter_stays",
            {"admitted_on": "2023-05-01", "discharged_on": ""},
            "admitted_on",
            "The person is already staying in this shelter.",
        ),
        ("shelter_stays", {"shelter": "ngo-clean-world"}, "shelter", "Name a shelter."),
        (
            "compensation_claims",
            {"awarded_on": ""},
            "awarded_on",
            "Give both the amount awarded and the date, or neither.",
        ),
        (
            "compensation_claims",
            {"awarded_on": "2023-04-01"},
            "awarded_on",
            "An award cannot come before the claim.",
        ),
        ("compensation_receipts", {"amount": "0"}, "amount", "The amount must be more than zero."),
        (
            "transfers",
            {"receiver": "mia-local-police"},
            "receiver",
            "A victim or presumed victim may be transferred only to the specialised police "
            "authority for combating human trafficking; transfer to any other police or "
            "law-enforcement body is prohibited (Rules approved by Cabinet of Ministers "
            "Resolution No. 21 of 1 February 2008).",
        ),
        (
            "transfers",
            {"acknowledged_at": ""},
            "acknowledged_at",
            "An outcome needs the time the receiver acknowledged the transfer.",
        ),
        (
            "referrals",
            {"provider": "ngo-clean-world"},
            "provider",
            "Refer to a provider of services: a shelter, assistance centre, NGO, medical "
            "institution, employment or education body, housing or guardianship authority.",
        ),
        ("referrals", {"status": "withdrawn"}, "status_reason", "Give the reason."),
        (
            "reflection_periods",
            {"ends_at": "2023-04-20T00:00:00+04:00"},
            "extension_reason",
            "The period is longer than the pack's; give the reason for the extension.",
        ),
        (
            "reflection_periods",
            {
                "decided_on": "2023-02-01",
                "starts_at": "",
                "ends_at": "",
                "ended_at": "",
                "end_reason": "",
            },
            "decided_on",
            "The decision date is before the case was registered.",
        ),
        (
            "services",
            {"family_member_birth_year": "2099"},
            "family_member_birth_year",
            "The birth year must be between 1900 and this year.",
        ),
    ],
)
def test_a_refused_row_names_its_column_and_writes_nothing(
    kind: str,
    changes: dict[str, str],
    column: str,
    message: str,
    tmp_path: Path,
    supervisor: User,
    cases: dict[str, Case],
) -> None:
    for needed in NEEDS.get(kind, []):
        import_events(tmp_path, needed, ROWS[needed], supervisor)
    good = ROWS[kind][0]
    bad = {**good, "event_id": "BAD", **changes}
    run = import_events(tmp_path, kind, [good, bad], supervisor)
    assert outcome(run) == (1, 0, 0, 1)
    assert [(row, name, reason) for row, name, _value, reason in problems(run)] == [
        (3, column, message)
    ]
    assert MODELS[kind]._default_manager.count() == 1
    assert not SourceRecord.objects.filter(kind=kind, source_id="BAD").exists()


def test_dates_are_read_in_the_day_first_order_and_as_excel_serials(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    rows = [
        {**ROWS["legal_aid"][0], "started_on": "31.12.2023", "ended_on": ""},
        {**ROWS["legal_aid"][0], "event_id": "LA-2", "started_on": "45291", "ended_on": ""},
    ]
    run = import_events(tmp_path, "legal_aid", rows, supervisor)
    assert outcome(run) == (2, 0, 0, 0)
    assert list(LegalAid.objects.values_list("started_on", flat=True)) == [
        datetime.date(2023, 12, 31),
        datetime.date(2023, 12, 31),
    ]


def test_a_workbook_sheet_named_for_the_kind_imports_with_real_dates(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "legal_aid"
    columns = list(ROWS["legal_aid"][0])
    sheet.append(columns)
    typed = {"started_on": datetime.date(2023, 3, 15), "ended_on": 45291}
    sheet.append([typed.get(name, ROWS["legal_aid"][0][name]) for name in columns])
    path = tmp_path / "events.xlsx"
    workbook.save(path)
    run = import_file(EVENT_KINDS["legal_aid"], path, supervisor)
    assert (outcome(run), run.file_format) == ((1, 0, 0, 0), "xlsx")
    aid = LegalAid.objects.get()
    assert (aid.started_on, aid.ended_on) == (
        datetime.date(2023, 3, 15),
        datetime.date(2023, 12, 31),
    )


def test_an_event_of_another_organisations_case_is_refused(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    other = staff("ngo-contact", Role.SUPERVISOR)
    (tmp_path / "other").mkdir()
    import_cases(tmp_path / "other", other, [{"case_id": "X-1", "citizenship": "AZ"}])
    theirs = Case.objects.get(registering_organisation=other.organisation)
    rows = [
        {**ROWS["legal_aid"][0], "case_id": "X-1"},
        {**ROWS["legal_aid"][0], "event_id": "LA-2", "case_id": theirs.reference},
    ]
    run = import_events(tmp_path, "legal_aid", rows, supervisor)
    assert outcome(run) == (0, 0, 0, 2)
    assert [(row, column) for row, column, _value, _message in problems(run)] == [
        (2, "case_id"),
        (3, "case_id"),
    ]
    assert LegalAid.objects.count() == 0


def test_an_event_may_name_its_case_by_the_lantern_reference(
    tmp_path: Path, supervisor: User, cases: dict[str, Case]
) -> None:
    row = {**ROWS["legal_aid"][0], "case_id": cases["C-1"].reference}
    run = import_events(tmp_path, "legal_aid", [row], supervisor)
    assert outcome(run) == (1, 0, 0, 0)
    assert LegalAid.objects.get().case == cases["C-1"]
