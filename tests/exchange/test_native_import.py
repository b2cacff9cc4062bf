"""Bulk import of an organisation's own cases: every row accounted for, nothing half-written,
nothing written twice, identity only in the vault."""

from __future__ import annotations

import csv
import datetime
import io
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from lantern.core.models import Role, User
from lantern.exchange.models import ImportProblem, ImportRun, RunStatus, SourceRecord
from lantern.exchange.native.engine import ImportNotAllowed, import_file, write_report
from lantern.exchange.native.reading import open_table
from lantern.exchange.native.registry import CASE_KIND, EVENT_KINDS, KINDS
from lantern.register.identity import open_identity
from lantern.register.models import Case, Person
from tests.exchange.native_rows import BAD_KINDS, CASE_HEADER, write_case_file
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(az_pack: Path) -> User:
    return staff("ngo-clean-world", Role.SUPERVISOR)


def _write(
    path: Path, rows: list[list[str]], *, separator: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream, delimiter=separator).writerows(rows)
    return path


def _case_row(case_id: str = "C-1", **changes: str) -> list[str]:
    row = dict(zip(CASE_HEADER, [
        case_id, "P-1", "identified", "2023-03-14", "ngo_outreach", "AZ", "female", "1999",
        "sexual_exploitation", "TR", "2023-04-02", "Leyla", "Məmmədova",
    ], strict=True))  # fmt: skip
    row.update(changes)
    return [row[name] for name in CASE_HEADER]


def test_ten_thousand_rows_with_37_bad_ones_import_9963_and_report_exactly_the_37(
    supervisor: User, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    faults = write_case_file(path, 10_000, 37)
    assert len(faults) == 37 and set(faults.values()) == set(BAD_KINDS)

    atomic = import_file(CASE_KIND, path, supervisor, atomic=True)
    assert (atomic.status, atomic.rejected, Case.objects.count()) == (
        RunStatus.NOTHING_WRITTEN, 37, 0,
    )  # fmt: skip
    assert not SourceRecord.objects.exists()

    run = import_file(CASE_KIND, path, supervisor)
    assert (run.rows, run.created, run.rejected, run.status) == (
        10_000,
        9963,
        37,
        RunStatus.FINISHED,
    )
    assert Case.objects.filter(registering_organisation=supervisor.organisation).count() == 9963
    reported = {problem.row: problem for problem in run.problems.all()}
    assert set(reported) == set(faults)
    for row, fault in faults.items():
        assert reported[row].column == BAD_KINDS[fault], (row, fault)
        assert reported[row].message

    again = import_file(CASE_KIND, path, supervisor)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 9963, 37)
    assert Case.objects.count() == 9963


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1"), _case_row("C-2", citizenship="QQ")]
    )
    run = import_file(CASE_KIND, path, supervisor, dry_run=True)
    assert (run.created, run.rejected, run.status) == (1, 1, RunStatus.NOTHING_WRITTEN)
    assert not Case.objects.exists() and not Person.objects.exists()
    problem = run.problems.get()
    assert (problem.row, problem.column, problem.value) == (3, "citizenship", "QQ")


def test_an_all_or_nothing_import_of_good_rows_writes_them_all(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1"), _case_row("C-2")])
    run = import_file(CASE_KIND, path, supervisor, atomic=True)
    assert (run.created, run.status) == (2, RunStatus.FINISHED)
    assert Case.objects.count() == 2


def test_a_changed_row_updates_its_case_and_the_case_remembers_both_imports(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1")])
    first = import_file(CASE_KIND, path, supervisor)
    _write(path, [CASE_HEADER, _case_row("C-1", exploitation_forms="forced_labour", sex="male")])
    second = import_file(CASE_KIND, path, supervisor)
    assert (second.updated, second.created) == (1, 0)
    case = Case.objects.select_related("person").get()
    assert [form.code for form in case.exploitation_forms.all()] == ["forced_labour"]
    assert case.person.sex == "male"
    record = SourceRecord.objects.get(kind="cases", source_id="C-1")
    assert (record.object_id, record.created_by, record.changed_by) == (case.pk, first, second)


def test_an_imported_case_is_registered_as_it_was_with_its_identity_sealed(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1", birth_year="2007")])
    import_file(CASE_KIND, path, supervisor)
    case = Case.objects.select_related("person").get()
    assert (case.status, case.identified_on) == ("identified", datetime.date(2023, 4, 2))
    assert case.registering_organisation == supervisor.organisation
    assert case.identifying_organisation == supervisor.organisation
    assert case.child_at_identification is True  # born 2007, identified 2023
    assert case.decisions.count() == 1
    assert not case.deadlines.exists()  # a historical case opens no registration deadline
    identity = open_identity(case.person)
    assert (identity.given_name, identity.family_name) == ("Leyla", "Məmmədova")
    assert "Leyla" not in str(Person.objects.values().get())


def test_rows_sharing_a_person_id_are_one_person_met_twice(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1"), _case_row("C-2")])
    import_file(CASE_KIND, path, supervisor)
    assert Case.objects.count() == 2 and Person.objects.count() == 1
    _write(path, [CASE_HEADER, _case_row("C-3")])
    import_file(CASE_KIND, path, supervisor)
    assert Person.objects.count() == 1 and Person.objects.get().cases.count() == 3


def test_an_identity_value_never_appears_in_the_report(supervisor: User, tmp_path: Path) -> None:
    header = [*CASE_HEADER, "birth_date"]
    path = _write(
        tmp_path / "cases.csv", [header, [*_case_row("C-1", given_name="=Leyla"), "17 May 1994"]]
    )
    run = import_file(CASE_KIND, path, supervisor)
    assert run.rejected == 1
    stored = list(run.problems.values_list("column", "value"))
    assert sorted(stored) == [("birth_date", "•••"), ("given_name", "•••")]
    report = io.StringIO()
    write_report(run, report)
    assert "Leyla" not in report.getvalue() and "1994" not in report.getvalue()


@pytest.mark.parametrize(
    ("encoding", "separator", "bom"),
    [("cp1251", ";", False), ("utf-8", ",", True), ("utf-8", "\t", False)],
)
def test_windows_1251_bom_and_any_separator_are_read_and_reported(
    supervisor: User, tmp_path: Path, encoding: str, separator: str, bom: bool
) -> None:
    path = tmp_path / "cases.csv"
    _write(path, [CASE_HEADER, _case_row("C-1", given_name="Лейла", family_name="Мамедова")],
           separator=separator, encoding="utf-8-sig" if bom else encoding)  # fmt: skip
    run = import_file(CASE_KIND, path, supervisor)
    assert (run.created, run.encoding, run.separator) == (1, encoding, separator)
    identity = open_identity(Case.objects.get().person)
    assert (identity.given_name, identity.family_name) == ("Лейла", "Мамедова")


def test_codes_may_be_given_by_their_label_in_any_language(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "cases.csv",
        [CASE_HEADER, _case_row("C-1", sex="Female", exploitation_forms="Sexual exploitation")],
    )
    run = import_file(CASE_KIND, path, supervisor)
    assert run.created == 1, list(run.problems.values_list("column", "message"))
    case = Case.objects.select_related("person").get()
    assert case.person.sex == "female"
    assert [form.code for form in case.exploitation_forms.all()] == ["sexual_exploitation"]


def test_an_xlsx_with_real_dates_excel_serials_text_dates_and_a_formula(
    supervisor: User, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "cases"
    sheet.append(CASE_HEADER)
    # A real date cell (as Excel stores a typed date) and an Excel serial number (45018 is
    # 2 April 2023) where a text date is expected.
    typed_date: list[object] = list(_case_row("C-1"))
    typed_date[CASE_HEADER.index("registered_at")] = datetime.datetime(2023, 3, 14)  # noqa: DTZ001 - Excel dates have no zone
    typed_date[CASE_HEADER.index("identified_on")] = 45018
    sheet.append(typed_date)
    sheet.append(_case_row("C-2", registered_at="14.03.2023", identified_on="02.04.2023"))
    sheet.append(_case_row("C-3", sex='=IF(1,"female")'))
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    run = import_file(CASE_KIND, path, supervisor)
    assert (run.file_format, run.created, run.rejected) == ("xlsx", 2, 1)
    assert set(Case.objects.values_list("identified_on", flat=True)) == {datetime.date(2023, 4, 2)}
    problem = run.problems.get()
    assert (problem.row, problem.column) == (4, "sex")
    assert "formula" in problem.message


def test_a_file_with_a_wrong_header_is_refused_whole(supervisor: User, tmp_path: Path) -> None:
    header = ["caseid", *CASE_HEADER[1:4], "channel", *CASE_HEADER[5:]]
    path = _write(tmp_path / "cases.csv", [header, _case_row("C-1")])
    run = import_file(CASE_KIND, path, supervisor)
    assert (run.status, run.rows) == (RunStatus.REFUSED, 0)
    message = run.problems.get(row=0).message
    assert "unknown columns: caseid, channel" in message
    assert "missing columns: case_id, contact_channel" in message
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\xff\xfec\x00a\x00s\x00e\x00", "UTF-16"),
        (b"PK\x03\x04broken", "Excel"),
        (b"just one column\nno separators\n", "separator"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    supervisor: User, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    run = import_file(CASE_KIND, path, supervisor)
    assert run.status == RunStatus.REFUSED
    assert expected in run.problems.get().message
    assert not Case.objects.exists()


def test_an_event_for_a_case_not_in_the_register_is_rejected(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(tmp_path / "payments.csv", [
        ["event_id", "case_id", "benefit", "paid_on", "amount", "payer"],
        ["E-1", "C-404", "one_time_allowance", "2023-05-01", "100", "ngo-clean-world"],
    ])  # fmt: skip
    run = import_file(EVENT_KINDS["payments"], path, supervisor)
    problem = run.problems.get(column="case_id")
    assert (run.rejected, problem.row, problem.value) == (1, 2, "C-404")
    assert "import the case first" in problem.message


def test_only_supervisors_and_investigators_import_and_a_refusal_writes_nothing(
    az_pack: Path, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1")])
    for role in (Role.CASEWORKER, Role.HOTLINE_OPERATOR, Role.STATISTICIAN, Role.AUDITOR):
        user = staff("ngo-clean-world", role)
        with pytest.raises(ImportNotAllowed):
            import_file(CASE_KIND, path, user)
        with pytest.raises(CommandError, match="may not import"):
            call_command("import", "cases", str(path), "--user", user.username)
    assert not Case.objects.exists() and not ImportRun.objects.exists()


def test_the_command_reports_how_it_read_the_file_and_every_rejected_row(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "cases.csv",
        [CASE_HEADER, _case_row("C-1"), _case_row("C-2", registered_at="yesterday")],
        separator=";",
    )
    out = io.StringIO()
    call_command("import", "cases", str(path), "--user", supervisor.username, stdout=out)
    printed = out.getvalue()
    assert "3\tregistered_at\tyesterday\tNot a date" in printed
    assert "CSV, utf-8, separated by semicolons" in printed
    assert "2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected" in printed
    out = io.StringIO()
    call_command(
        "import", "cases", str(path), "--user", supervisor.username, "--dry-run", stdout=out
    )
    assert "Nothing written." in out.getvalue() and Case.objects.count() == 1


def test_the_stored_report_downloads_as_csv_with_formulas_defused(
    supervisor: User, tmp_path: Path
) -> None:
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1", sex="=cmd|' /C calc'!A0")])
    run = import_file(CASE_KIND, path, supervisor)
    stream = io.StringIO()
    write_report(run, stream)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert ["Rejected", "1"] in rows
    assert [
        "2",
        "sex",
        "'=cmd|' /C calc'!A0",
        "A formula is not accepted; type the value itself.",
    ] in rows
    assert ImportProblem.objects.filter(run=run).count() == 1


def test_a_large_file_is_read_as_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = ",".join(_case_row("C-1")) + "\n"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(",".join(CASE_HEADER) + "\n")
        stream.write(row * 300_000)  # about 30 MB
    tracemalloc.start()
    try:
        table = open_table(path)
        rows = [next(table.rows) for _ in range(1000)]
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows[-1][1]["case_id"] == "C-1"
    assert peak < 2_000_000, peak


def test_importing_an_export_of_ones_own_register_again_registers_no_case_twice(
    supervisor: User, tmp_path: Path
) -> None:
    from lantern.register.services import register_presumed_victim
    from tests.register.conftest import registration

    typed = register_presumed_victim(actor=supervisor, data=registration())
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1")])
    import_file(CASE_KIND, path, supervisor)
    out = tmp_path / "export"
    out.mkdir()
    call_command("export", "native", "--user", supervisor.username, "--output", str(out))
    with (out / "cases.csv").open(encoding="utf-8") as stream:
        names = {row["case_id"] for row in csv.DictReader(stream)}
    # The imported case goes out under its source ID, the typed one under its reference.
    assert names == {"C-1", typed.reference}

    before = _register_snapshot()
    first = import_file(CASE_KIND, out / "cases.csv", supervisor)
    # The export writes values the first file left to defaults, so its rows count as changed
    # once; the cases themselves stay as they were.
    assert (first.created, first.rejected, first.updated + first.unchanged) == (0, 0, 2)
    assert _register_snapshot() == before
    again = import_file(CASE_KIND, out / "cases.csv", supervisor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _register_snapshot() == before


def _register_snapshot() -> list[dict[str, object]]:
    changing = {"version", "updated_at"}
    cases = Case.objects.order_by("pk").values()
    return [{name: value for name, value in case.items() if name not in changing} for case in cases]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Это не дата"), ("az", "Tarix deyil"), ("en", "Not a date")],
)
def test_reasons_are_stored_in_the_importing_users_language(
    supervisor: User, tmp_path: Path, language: str, expected: str
) -> None:
    supervisor.preferred_language = language
    supervisor.save()
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, _case_row("C-1", registered_at="soon")])
    run = import_file(CASE_KIND, path, supervisor)
    assert run.problems.get().message.startswith(expected)


def test_a_long_report_is_printed_in_part_and_written_whole_for_those_who_may_see_it(
    supervisor: User, tmp_path: Path
) -> None:
    rows = [_case_row(f"C-{number}", citizenship="QQ") for number in range(250)]
    path = _write(tmp_path / "cases.csv", [CASE_HEADER, *rows])
    out = io.StringIO()
    call_command("import", "cases", str(path), "--user", supervisor.username, stdout=out)
    run = ImportRun.objects.get()
    assert f"50 more reasons in the stored report: lantern export import-report --run {run.pk}" in (
        out.getvalue()
    )
    report = tmp_path / "report.csv"
    call_command(
        "export", "import-report", "--run", str(run.pk), "--user", supervisor.username,
        "--output", str(report),
    )  # fmt: skip
    with report.open(encoding="utf-8") as stream:
        reasons = [row for row in csv.reader(stream) if row[1:2] == ["citizenship"]]
    assert len(reasons) == 250
    stranger = staff("ngo-contact", Role.SUPERVISOR)
    with pytest.raises(CommandError, match="may see no import"):
        call_command(
            "export", "import-report", "--run", str(run.pk), "--user", stranger.username,
            "--output", str(tmp_path / "theirs.csv"),
        )  # fmt: skip
    assert not (tmp_path / "theirs.csv").exists()


def test_events_entered_in_lantern_come_back_from_an_export_without_being_doubled(
    supervisor: User, tmp_path: Path
) -> None:
    from lantern.assistance.models import Payment
    from lantern.assistance.services import record_payment
    from lantern.core.models import BenefitType
    from lantern.register.services import register_presumed_victim
    from tests.register.conftest import registration

    case = register_presumed_victim(actor=supervisor, data=registration())
    benefit = BenefitType.objects.get(code="one_time_allowance")
    record_payment(actor=supervisor, case=case, benefit=benefit, paid_on=datetime.date(2024, 5, 2))
    out = tmp_path / "export"
    out.mkdir()
    call_command("export", "native", "--user", supervisor.username, "--output", str(out))
    stored = list(Payment.objects.values())
    for name in ("cases", "payments"):
        run = import_file(KINDS[name], out / f"{name}.csv", supervisor)
        assert (run.created, run.rejected, run.updated + run.unchanged) == (0, 0, 1), name
    assert list(Payment.objects.values()) == stored


def test_a_workbook_with_proceedings_is_refused_whole_to_those_who_do_not_record_them(
    supervisor: User, tmp_path: Path
) -> None:
    workbook = Workbook()
    payments = workbook.active
    assert payments is not None
    payments.title = "payments"
    payments.append(["event_id", "case_id", "benefit", "paid_on", "amount", "payer"])
    criminal = workbook.create_sheet("criminal_cases")
    criminal.append(["criminal_case_id", "number", "initiating_organisation", "initiated_on"])
    path = tmp_path / "history.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError, match="may not import criminal_cases; nothing was written"):
        call_command("import", "events", str(path), "--user", supervisor.username)
    assert not ImportRun.objects.exists()
