"""Importing criminal proceedings from Lantern's own format: criminal cases, their victims and
accused, judgments and sentences, wanted notices and detected facts."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lantern.access import policy
from lantern.core.models import Organisation, Role, User
from lantern.exchange.models import ImportRun, RunStatus, SourceRecord
from lantern.exchange.native.engine import ImportNotAllowed, import_file
from lantern.exchange.native.kinds import ExportContext, RecordKind
from lantern.exchange.native.proceedings import PROCEEDINGS_ROWS
from lantern.exchange.native.registry import CASE_KIND, KINDS
from lantern.exchange.native.values import Lookups
from lantern.justice.models import (
    AccusedIdentity,
    AccusedPerson,
    Conviction,
    CriminalCase,
    CriminalCaseAccused,
    CriminalCaseStatusChange,
    CriminalCaseVictim,
    DetectedFact,
    FactVictim,
    Judgment,
    WantedNotice,
)
from lantern.justice.services import (
    AccusedInput,
    ConvictionInput,
    CriminalCaseInput,
    JudgmentInput,
    change_status,
    link_accused,
    link_victim,
    open_accused_identity,
    open_criminal_case,
    record_accused,
    record_judgment,
)
from lantern.register.identity import Identity
from lantern.register.models import Case, Person
from lantern.statistics.annual import build_annual
from lantern.statistics.greta import build_greta
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

PROCEEDINGS_TABLES = {
    "table_9",
    "table_10",
    "facts",
    "ict_facts",
    "criminal_cases",
    "defendants",
    "cases_to_court",
    "persons_to_court",
    "convicted",
    "wanted",
    "wanted_local",
    "wanted_detained",
    "wanted_international",
}

VICTIM_CASES = [
    {
        "case_id": "V-1",
        "person_id": "P-1",
        "registered_at": "2024-01-10",
        "contact_channel": "police_operation",
        "citizenship": "AZ",
        "sex": "female",
        "birth_year": "1996",
    },
    {
        "case_id": "V-2",
        "person_id": "P-2",
        "registered_at": "2024-01-12",
        "contact_channel": "police_operation",
        "citizenship": "AZ",
        "sex": "female",
        "birth_year": "2008",
    },
]

PROCEEDINGS: dict[str, list[dict[str, str]]] = {
    "criminal_cases": [
        {
            "criminal_case_id": "CC-1",
            "number": "2401001",
            "initiating_organisation": "mia-ctht",
            "initiated_on": "2024-02-01",
            "status": "final",
            "sent_to_court_on": "10.05.2024",
            "articles": "144-1.2.3; 144-1.2.1",
            "exploitation_forms": "sexual_exploitation",
        },
        {
            "criminal_case_id": "CC-2",
            "number": "2401002",
            "initiating_organisation": "mia-ctht",
            "initiated_on": "2024-03-05",
            "status": "investigation",
            "articles": "144-1.1",
            "exploitation_forms": "forced_labour",
        },
    ],
    "criminal_case_victims": [
        {"link_id": "CV-1", "criminal_case_id": "CC-1", "case_id": "V-1", "role": "victim"},
        {"link_id": "CV-2", "criminal_case_id": "CC-1", "case_id": "V-2", "role": "witness"},
        {"link_id": "CV-3", "criminal_case_id": "CC-2", "case_id": "V-2", "role": "victim"},
    ],
    "detected_facts": [
        {
            "fact_id": "F-1",
            "criminal_case_id": "CC-1",
            "fact_type": "human_trafficking",
            "detected_on": "2024-01-20",
            "detecting_organisation": "mia-ctht",
            "through_ict": "yes",
            "platforms": "telegram; instagram",
            "victim_case_ids": "V-2; V-1",
        },
        {
            "fact_id": "F-2",
            "fact_type": "forced_labour",
            "detected_on": "2024-03-01",
            "detecting_organisation": "mia-ctht",
            "through_ict": "no",
        },
    ],
    "accused_persons": [
        {
            "accused_id": "A-1",
            "sex": "male",
            "birth_year": "1980",
            "birth_month": "6",
            "citizenship": "AZ",
            "given_name": "Vüqar",
            "family_name": "Quliyev",
            "birth_date": "1980-06-02",
        },
        {"accused_id": "A-2", "sex": "female", "birth_year": "1990", "citizenship": "GE"},
    ],
    "criminal_case_accused": [
        {
            "link_id": "CA-1",
            "criminal_case_id": "CC-1",
            "accused_id": "A-1",
            "role": "accused",
            "sent_to_court": "yes",
        },
        {
            "link_id": "CA-2",
            "criminal_case_id": "CC-1",
            "accused_id": "A-2",
            "role": "suspect",
            "sent_to_court": "no",
        },
        {
            "link_id": "CA-3",
            "criminal_case_id": "CC-2",
            "accused_id": "A-2",
            "role": "accused",
            "sent_to_court": "no",
        },
    ],
    "judgments": [
        {
            "judgment_id": "J-1",
            "criminal_case_id": "CC-1",
            "court": "baku-serious-crimes-court",
            "number": "1(101)-77/2024",
            "delivered_on": "2024-09-16",
            "instance": "first",
            "is_final": "yes",
            "aggravating_circumstances": "minor",
        }
    ],
    "convictions": [
        {
            "conviction_id": "C-1",
            "judgment_id": "J-1",
            "accused_id": "A-1",
            "articles": "144-1.2.1",
            "form_of_exploitation": "sexual_exploitation",
            "child_victim": "yes",
            "sentence_type": "custodial",
            "duration_months": "96",
            "property_confiscated": "yes",
            "legal_person_liable": "no",
        }
    ],
    "wanted_notices": [
        {
            "notice_id": "W-1",
            "accused_id": "A-2",
            "scope": "international",
            "offence": "human_trafficking",
            "interpol_notice": "A-1234/5-2024",
            "believed_country": "TR",
            "listed_on": "2024-04-01",
            "handed_to_prosecution": "no",
        }
    ],
}


def write_rows(path: Path, kind: RecordKind, rows: list[dict[str, str]]) -> Path:
    """A CSV with every column of the kind's template, as a user fills it in."""
    header = [column.name for column in kind.columns(Lookups())]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_rows(
    kind_name: str, rows: list[dict[str, str]], actor: User, folder: Path, **options: Any
) -> ImportRun:
    kind = KINDS[kind_name]
    path = write_rows(folder / f"{kind_name}.csv", kind, rows)
    return import_file(kind, path, actor, **options)


def import_all(actor: User, folder: Path, files: dict[str, list[dict[str, str]]]) -> None:
    for kind in (CASE_KIND, *PROCEEDINGS_ROWS):
        if kind.name in files:
            run = import_rows(kind.name, files[kind.name], actor, folder)
            assert (run.status, run.rejected) == (RunStatus.FINISHED, 0), list(
                run.problems.values_list("row", "column", "message")
            )


def problems_of(run: ImportRun) -> list[tuple[int, str, str, str]]:
    return list(
        run.problems.order_by("row", "column").values_list("row", "column", "value", "message")
    )


@pytest.fixture
def supervisor(az_pack: Path) -> User:
    return staff("mia-ctht", Role.SUPERVISOR)


@pytest.fixture
def imported(supervisor: User, tmp_path: Path) -> User:
    import_all(supervisor, tmp_path, {"cases": VICTIM_CASES, **PROCEEDINGS})
    return supervisor


def case_of(case_id: str, actor: User) -> Case:
    pk = SourceRecord.objects.get(
        organisation=actor.organisation, kind="cases", source_id=case_id
    ).object_id
    return Case.objects.get(pk=pk)


def test_proceedings_are_stored_with_their_links(imported: User) -> None:
    first = CriminalCase.objects.get(number="2401001")
    assert (first.initiating_organisation.code, first.initiated_on, first.status) == (
        "mia-ctht",
        datetime.date(2024, 2, 1),
        "final",
    )
    assert first.sent_to_court_on == datetime.date(2024, 5, 10)
    assert sorted(first.articles.values_list("code", flat=True)) == ["144-1.2.1", "144-1.2.3"]
    assert list(first.exploitation_forms.values_list("code", flat=True)) == ["sexual_exploitation"]
    assert list(first.status_changes.values_list("from_status", "to_status", "reason")) == [
        ("", "final", "Imported")
    ]
    assert first.recorded_by == imported
    victims = CriminalCaseVictim.objects.order_by("case__reference", "criminal_case__number")
    assert [(v.criminal_case.number, v.case, v.role) for v in victims] == [
        ("2401001", case_of("V-1", imported), "victim"),
        ("2401001", case_of("V-2", imported), "witness"),
        ("2401002", case_of("V-2", imported), "victim"),
    ]

    vuqar = AccusedPerson.objects.get(sex="male")
    assert (vuqar.birth_year, vuqar.birth_month, vuqar.citizenship) == (1980, 6, "AZ")
    assert vuqar.reference.startswith("AZ-AC-")
    assert (open_accused_identity(vuqar).family_name, open_accused_identity(vuqar).birth_date) == (
        "Quliyev",
        datetime.date(1980, 6, 2),
    )
    second = AccusedPerson.objects.get(sex="female")
    assert (second.birth_year, second.birth_month, second.citizenship) == (1990, None, "GE")
    assert not AccusedIdentity.objects.filter(accused=second).exists()
    links = CriminalCaseAccused.objects.order_by("pk")
    assert [(a.criminal_case.number, a.accused, a.role, a.sent_to_court) for a in links] == [
        ("2401001", vuqar, "accused", True),
        ("2401001", second, "suspect", False),
        ("2401002", second, "accused", False),
    ]

    judgment = Judgment.objects.get()
    assert (judgment.criminal_case, judgment.court.code, judgment.number) == (
        first,
        "baku-serious-crimes-court",
        "1(101)-77/2024",
    )
    assert (judgment.delivered_on, judgment.instance, judgment.is_final) == (
        datetime.date(2024, 9, 16),
        "first",
        True,
    )
    assert list(judgment.aggravating_circumstances.values_list("code", flat=True)) == ["minor"]
    conviction = Conviction.objects.get()
    assert (conviction.judgment, conviction.accused, conviction.sentence_type) == (
        judgment,
        vuqar,
        "custodial",
    )
    assert (conviction.duration_months, conviction.child_victim) == (96, True)
    assert (conviction.property_confiscated, conviction.legal_person_liable) == (True, False)
    assert list(conviction.articles.values_list("code", flat=True)) == ["144-1.2.1"]

    notice = WantedNotice.objects.get()
    assert (notice.accused, notice.scope, notice.offence, notice.believed_country) == (
        second,
        "international",
        "human_trafficking",
        "TR",
    )
    assert (notice.interpol_notice, notice.listed_on, notice.detained_on) == (
        "A-1234/5-2024",
        datetime.date(2024, 4, 1),
        None,
    )

    online = DetectedFact.objects.get(through_ict=True)
    assert (online.fact_type, online.criminal_case, online.detecting_organisation.code) == (
        "human_trafficking",
        first,
        "mia-ctht",
    )
    assert sorted(online.platforms.values_list("code", flat=True)) == ["instagram", "telegram"]
    assert set(FactVictim.objects.filter(fact=online).values_list("case", flat=True)) == {
        case_of("V-1", imported).pk,
        case_of("V-2", imported).pk,
    }
    offline = DetectedFact.objects.get(through_ict=False)
    assert (offline.criminal_case, offline.platforms.count()) == (None, 0)


def test_the_same_files_again_change_nothing(imported: User, tmp_path: Path) -> None:
    for kind in PROCEEDINGS_ROWS:
        run = import_rows(kind.name, PROCEEDINGS[kind.name], imported, tmp_path)
        assert (run.created, run.updated, run.unchanged, run.rejected) == (
            0,
            0,
            len(PROCEEDINGS[kind.name]),
            0,
        )
    assert CriminalCase.objects.count() == 2
    assert CriminalCaseStatusChange.objects.count() == 2


def test_a_changed_row_updates_its_record(imported: User, tmp_path: Path) -> None:
    criminal_cases = [
        PROCEEDINGS["criminal_cases"][0],
        {
            **PROCEEDINGS["criminal_cases"][1],
            "status": "terminated",
            "status_reason": "No offence established",
            "articles": "144-1.1; 144-1.2.4",
        },
    ]
    run = import_rows("criminal_cases", criminal_cases, imported, tmp_path)
    assert (run.created, run.updated, run.unchanged) == (0, 1, 1)
    second = CriminalCase.objects.get(number="2401002")
    assert (second.status, second.status_reason, second.version) == (
        "terminated",
        "No offence established",
        2,
    )
    assert sorted(second.articles.values_list("code", flat=True)) == ["144-1.1", "144-1.2.4"]
    assert list(second.status_changes.values_list("from_status", "to_status")) == [
        ("", "investigation"),
        ("investigation", "terminated"),
    ]

    accused = [{**PROCEEDINGS["accused_persons"][0], "citizenship": "RU"}]
    run = import_rows("accused_persons", accused, imported, tmp_path)
    assert (run.created, run.updated) == (0, 1)
    vuqar = AccusedPerson.objects.get(sex="male")
    assert vuqar.citizenship == "RU"
    assert open_accused_identity(vuqar).given_name == "Vüqar"
    assert AccusedPerson.objects.count() == 2


def _counts() -> list[int]:
    models = (
        CriminalCase,
        CriminalCaseVictim,
        DetectedFact,
        AccusedPerson,
        CriminalCaseAccused,
        Judgment,
        Conviction,
        WantedNotice,
        SourceRecord,
    )
    return [model._default_manager.count() for model in models]


def test_bad_rows_are_rejected_with_their_column_and_reason(imported: User, tmp_path: Path) -> None:
    other_ngo = staff("ngo-clean-world", Role.SUPERVISOR)
    import_rows("cases", [{**VICTIM_CASES[0], "case_id": "NGO-1"}], other_ngo, tmp_path)
    before = _counts()
    bad = {
        "criminal_cases": [
            {**PROCEEDINGS["criminal_cases"][1], "criminal_case_id": "N-1", "number": "2401001"},
            {
                **PROCEEDINGS["criminal_cases"][1],
                "criminal_case_id": "N-2",
                "number": "9",
                "initiated_on": "2099-01-01",
            },
            {
                **PROCEEDINGS["criminal_cases"][1],
                "criminal_case_id": "N-3",
                "number": "10",
                "articles": "999.9",
            },
            {
                **PROCEEDINGS["criminal_cases"][0],
                "criminal_case_id": "N-4",
                "number": "11",
                "sent_to_court_on": "",
            },
            {
                **PROCEEDINGS["criminal_cases"][0],
                "criminal_case_id": "N-5",
                "number": "12",
                "sent_to_court_on": "2024-01-15",
            },
            {
                **PROCEEDINGS["criminal_cases"][1],
                "criminal_case_id": "N-6",
                "number": "13",
                "initiating_organisation": "ngo-clean-world",
            },
            {
                **PROCEEDINGS["criminal_cases"][1],
                "criminal_case_id": "N-7",
                "number": "14",
                "status": "suspended",
            },
        ],
        "criminal_case_victims": [
            {"link_id": "N-1", "criminal_case_id": "CC-9", "case_id": "V-1"},
            {"link_id": "N-2", "criminal_case_id": "CC-2", "case_id": "NGO-1"},
            {"link_id": "N-3", "criminal_case_id": "CC-2", "case_id": "V-2"},
        ],
        "judgments": [
            {
                **PROCEEDINGS["judgments"][0],
                "judgment_id": "N-1",
                "court": "mia-ctht",
                "number": "2",
            },
            {
                **PROCEEDINGS["judgments"][0],
                "judgment_id": "N-2",
                "criminal_case_id": "CC-2",
                "number": "3",
            },
            {**PROCEEDINGS["judgments"][0], "judgment_id": "N-3"},
        ],
        "convictions": [
            {**PROCEEDINGS["convictions"][0], "conviction_id": "N-1", "accused_id": "A-9"},
            {
                **PROCEEDINGS["convictions"][0],
                "conviction_id": "N-2",
                "accused_id": "A-2",
                "duration_months": "",
            },
            {**PROCEEDINGS["convictions"][0], "conviction_id": "N-3"},
        ],
        "wanted_notices": [
            {
                **PROCEEDINGS["wanted_notices"][0],
                "notice_id": "N-1",
                "accused_id": "A-1",
                "interpol_notice": "",
            },
            {
                **PROCEEDINGS["wanted_notices"][0],
                "notice_id": "N-2",
                "scope": "local",
                "listed_on": "2024-05-01",
                "detained_on": "2024-04-01",
            },
            {**PROCEEDINGS["wanted_notices"][0], "notice_id": "N-3"},
        ],
        "detected_facts": [
            {**PROCEEDINGS["detected_facts"][1], "fact_id": "N-1", "platforms": "tiktok"},
            {**PROCEEDINGS["detected_facts"][1], "fact_id": "N-2", "victim_case_ids": "V-1; NGO-1"},
        ],
    }
    expected = {
        "criminal_cases": [
            (2, "number", "2401001", "Criminal case 2401001 is already recorded."),
            (3, "initiated_on", "2099-01-01", "The date is in the future."),
            (
                4,
                "articles",
                "999.9",
                "Not in the list of allowed values (criminal_code_articles): 999.9.",
            ),
            (
                5,
                "sent_to_court_on",
                "",
                "A case that went to court needs the date it was sent there.",
            ),
            (6, "sent_to_court_on", "2024-01-15", "The date is before the case was initiated."),
            (
                7,
                "initiating_organisation",
                "ngo-clean-world",
                "Criminal cases are initiated by the police or the prosecution.",
            ),
            (8, "status_reason", "", "Give the reason the case was suspended or terminated."),
        ],
        "criminal_case_victims": [
            (
                2,
                "criminal_case_id",
                "CC-9",
                "No criminal case with this ID or number; import the criminal cases first.",
            ),
            (
                3,
                "case_id",
                "NGO-1",
                "No case with this ID in your organisation's register; import the case first.",
            ),
            (4, "case_id", "V-2", "This case is already part of the criminal case."),
        ],
        "judgments": [
            (
                2,
                "court",
                "mia-ctht",
                "This organisation is not a court.",
            ),
            (
                3,
                "criminal_case_id",
                "CC-2",
                "A judgment is recorded once the case has been sent to court (it is 'Under investigation').",
            ),
            (
                4,
                "number",
                "1(101)-77/2024",
                "This court's judgment 1(101)-77/2024 is already recorded.",
            ),
        ],
        "convictions": [
            (
                2,
                "accused_id",
                "A-9",
                "No accused person with this ID or reference; import the accused persons first.",
            ),
            (3, "duration_months", "", "Give the length of the sentence in months."),
            (4, "accused_id", "A-1", "This person already has a sentence in this judgment."),
        ],
        "wanted_notices": [
            (
                2,
                "interpol_notice",
                "",
                "Give the Interpol notice (for example, a red notice number).",
            ),
            (
                3,
                "detained_on",
                "2024-04-01",
                "The date is before the person was put on the wanted list.",
            ),
            (4, "scope", "international", "This person is already on that wanted list."),
        ],
        "detected_facts": [
            (2, "platforms", "tiktok", "Platforms are given only for a fact committed online."),
            (
                3,
                "victim_case_ids",
                "V-1; NGO-1",
                "No case NGO-1 in your organisation's register; import the cases first.",
            ),
        ],
    }
    for kind_name, rows in bad.items():
        run = import_rows(kind_name, rows, imported, tmp_path)
        assert (run.created, run.updated, run.rejected) == (0, 0, len(rows)), kind_name
        assert problems_of(run) == expected[kind_name]
    assert _counts() == before


def test_a_row_whose_record_was_deleted_in_lantern_is_refused(
    imported: User, tmp_path: Path
) -> None:
    WantedNotice.objects.all().delete()
    changed = {**PROCEEDINGS["wanted_notices"][0], "believed_country": "RU"}
    run = import_rows("wanted_notices", [changed], imported, tmp_path)
    assert problems_of(run) == [
        (
            2,
            "notice_id",
            "W-1",
            "The record imported with this ID was deleted in Lantern; give the row a new ID.",
        )
    ]
    assert WantedNotice.objects.count() == 0


@pytest.mark.parametrize(
    ("organisation", "role"),
    [
        ("ngo-clean-world", Role.SUPERVISOR),
        ("mia-ctht", Role.CASEWORKER),
        ("mia-ctht", Role.STATISTICIAN),
    ],
)
def test_who_may_not_record_proceedings_is_refused_and_nothing_is_written(
    az_pack: Path, tmp_path: Path, organisation: str, role: Role
) -> None:
    outsider = staff(organisation, role)
    for kind in PROCEEDINGS_ROWS:
        with pytest.raises(ImportNotAllowed):
            import_rows(kind.name, PROCEEDINGS[kind.name], outsider, tmp_path)
    assert ImportRun.objects.count() == 0
    assert (CriminalCase.objects.count(), AccusedPerson.objects.count()) == (0, 0)


def test_criminal_cases_are_read_from_a_spreadsheet_with_real_dates(
    supervisor: User, tmp_path: Path
) -> None:
    header = [column.name for column in KINDS["criminal_cases"].columns(Lookups())]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "criminal_cases"
    sheet.append(header)
    row = {
        **PROCEEDINGS["criminal_cases"][0],
        "initiated_on": datetime.date(2024, 2, 1),
        # An Excel serial number, as a date typed into a cell formatted as a number.
        "sent_to_court_on": 45422,
        "status": "Judgment final",
        "initiating_organisation": "MIA-CTHT",
    }
    sheet.append([row.get(name) for name in header])
    path = tmp_path / "proceedings.xlsx"
    workbook.save(path)

    run = import_file(KINDS["criminal_cases"], path, supervisor)

    assert (run.file_format, run.created, run.rejected) == ("xlsx", 1, 0)
    stored = CriminalCase.objects.get()
    assert (stored.number, stored.status, stored.initiating_organisation.code) == (
        "2401001",
        "final",
        "mia-ctht",
    )
    assert (stored.initiated_on, stored.sent_to_court_on) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 5, 10),
    )


def test_the_prosecution_imports_its_own_criminal_cases(az_pack: Path, tmp_path: Path) -> None:
    prosecutor = staff("prosecutor-general", Role.INVESTIGATOR)
    row = {**PROCEEDINGS["criminal_cases"][1], "initiating_organisation": ""}
    run = import_rows("criminal_cases", [row], prosecutor, tmp_path)
    assert (run.created, run.rejected) == (1, 0)
    assert CriminalCase.objects.get().initiating_organisation.code == "prosecutor-general"


def test_an_accused_persons_identity_never_appears_in_the_report(
    supervisor: User, tmp_path: Path
) -> None:
    rows = [
        {
            "accused_id": "A-7",
            "citizenship": "Atlantis",
            "given_name": "Elnur",
            "family_name": "Cəfərov" * 20,
            "patronymic": "Ramiz oğlu",
            "birth_date": "2099-02-03",
            "document_number": "C01234567",
        }
    ]
    run = import_rows("accused_persons", rows, supervisor, tmp_path)
    assert (run.created, run.rejected) == (0, 1)
    problems = problems_of(run)
    assert [(column, value) for _row, column, value, _message in problems] == [
        ("citizenship", "Atlantis"),
        ("family_name", "•••"),
    ]
    run = import_rows(
        "accused_persons",
        [{**rows[0], "citizenship": "AZ", "family_name": "Cəfərov"}],
        supervisor,
        tmp_path,
    )
    problems += problems_of(run)
    assert [(column, value) for _row, column, value, _message in problems_of(run)] == [
        ("birth_date", "•••"),
        ("document_type", ""),
    ]
    text = " ".join(" ".join(str(part) for part in problem) for problem in problems)
    for secret in ("Elnur", "Cəfərov", "Ramiz", "2099", "C01234567"):
        assert secret not in text
    assert AccusedPerson.objects.count() == 0


def export_files(actor: User, folder: Path, *, with_identity: bool) -> dict[str, Path]:
    """Every kind as the export writes it, into CSV files the import reads."""
    context = ExportContext(
        actor=actor,
        with_identity=with_identity,
        organisation_codes=dict(Organisation.objects.values_list("pk", "code")),
    )
    cases = policy.visible_cases(actor, Case.objects.all())
    folder.mkdir()
    return {
        kind.name: write_rows(
            folder / f"{kind.name}.csv",
            kind,
            list(kind.export_rows(kind.records_for(cases), context)),
        )
        for kind in (CASE_KIND, *PROCEEDINGS_ROWS)
    }


def test_exported_rows_import_again_as_unchanged(supervisor: User, tmp_path: Path) -> None:
    import_all(supervisor, tmp_path, {"cases": VICTIM_CASES})
    import_all(supervisor, tmp_path, PROCEEDINGS)
    files = export_files(supervisor, tmp_path / "export", with_identity=True)
    assert "Quliyev" in files["accused_persons"].read_text(encoding="utf-8")
    for kind in PROCEEDINGS_ROWS:
        run = import_file(kind, files[kind.name], supervisor)
        assert (run.rows, run.unchanged) == (
            len(PROCEEDINGS[kind.name]),
            len(PROCEEDINGS[kind.name]),
        ), kind.name


def test_the_export_writes_no_proceedings_for_whoever_may_not_see_them(
    imported: User, tmp_path: Path
) -> None:
    ngo_supervisor = staff("ngo-clean-world", Role.SUPERVISOR)
    files = export_files(ngo_supervisor, tmp_path / "export", with_identity=True)
    for kind in PROCEEDINGS_ROWS:
        with files[kind.name].open(encoding="utf-8") as stream:
            assert list(csv.DictReader(stream)) == []


def _proceedings_figures() -> list[dict[str, Any]]:
    tables = [*build_greta(2024, 2024)["tables"], *build_annual(2024)["tables"]]
    return [table for table in tables if table["id"] in PROCEEDINGS_TABLES]


def _record_in_lantern(police: User) -> None:
    """A criminal case typed into Lantern, not imported: it goes out by its number."""
    criminal_case = open_criminal_case(
        actor=police,
        data=CriminalCaseInput(
            number="2402077",
            initiated_on=datetime.date(2024, 4, 2),
            articles=["144-1.2.1"],
            forms=["forced_labour"],
        ),
    )
    link_victim(actor=police, criminal_case=criminal_case, case=Case.objects.order_by("pk")[0])
    accused = record_accused(
        actor=police,
        data=AccusedInput(
            identity=Identity(family_name="Həsənov"), citizenship="AZ", sex="male", birth_year=1975
        ),
    )
    link_accused(actor=police, criminal_case=criminal_case, accused=accused)
    change_status(
        actor=police,
        criminal_case=criminal_case,
        expected_version=None,
        to_status="sent_to_court",
        on=datetime.date(2024, 6, 3),
    )
    record_judgment(
        actor=police,
        criminal_case=criminal_case,
        data=JudgmentInput(
            court=Organisation.objects.get(code="ganja-serious-crimes-court"),
            number="1(102)-12/2024",
            delivered_on=datetime.date(2024, 10, 1),
            convictions=[
                ConvictionInput(
                    accused=accused,
                    articles=["144-1.2.1"],
                    form_of_exploitation="forced_labour",
                    sentence_type="fine",
                )
            ],
        ),
    )


def _empty_the_database() -> None:
    for model in (
        Conviction,
        Judgment,
        WantedNotice,
        CriminalCaseAccused,
        AccusedPerson,
        FactVictim,
        DetectedFact,
        CriminalCaseVictim,
        CriminalCase,
        SourceRecord,
        Case,
        Person,
    ):
        model._default_manager.all().delete()


def test_a_round_trip_into_an_empty_database_gives_the_same_figures(
    imported: User, tmp_path: Path
) -> None:
    _record_in_lantern(staff("mia-ctht", Role.INVESTIGATOR))
    figures = _proceedings_figures()
    cells = {table["id"]: table["cells"]["2024"] for table in figures}
    assert {name: cells["table_9"][name] for name in ("total", "victims", "accused")} == {
        "total": 3,
        "victims": 2,
        "accused": 3,
    }
    assert (cells["table_10"]["total"], cells["table_10"]["judgments"]) == (2, 2)
    assert (cells["criminal_cases"]["ict"], cells["wanted_international"]["total"]) == (1, 1)
    assert (cells["persons_to_court"]["total"], cells["facts"]["total"]) == (2, 2)
    files = export_files(imported, tmp_path / "export", with_identity=False)
    assert "Quliyev" not in files["accused_persons"].read_text(encoding="utf-8")
    _empty_the_database()
    assert _proceedings_figures() != figures

    for kind in (CASE_KIND, *PROCEEDINGS_ROWS):
        run = import_file(kind, files[kind.name], imported)
        assert (run.rejected, run.created) == (0, run.rows), problems_of(run)
    assert _proceedings_figures() == figures
