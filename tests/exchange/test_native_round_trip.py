"""Moving a register to another Lantern: the specialised police's supervisor exports the demo
register with its identities, the register is emptied, the files are imported back in the
order of the registry, and every table of the GRETA questionnaire and of the annual report
comes out the same. Importing the same files again changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from lantern.assistance.demo import generate_demo_assistance
from lantern.core.demo import ensure_demo_accounts
from lantern.core.models import Role, User
from lantern.exchange.models import ImportRun, RunStatus
from lantern.exchange.native.registry import CASE_KIND, KINDS
from lantern.justice.demo import generate_demo_justice
from lantern.nrm.demo import generate_demo_referrals
from lantern.register.demo import generate_demo_history
from lantern.register.models import Case
from lantern.statistics.annual import build_annual
from lantern.statistics.greta import build_greta
from tests.register.conftest import staff

pytestmark = pytest.mark.django_db

MOVER = "register-mover"
GRETA_YEARS = (2022, 2023)
ANNUAL_YEAR = 2023


@dataclass
class Move:
    exported_rows: dict[str, int]
    records_before: dict[str, int]
    files: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    again: dict[str, Any]
    first_runs: list[ImportRun]
    second_runs: list[ImportRun]
    records_after: dict[str, int]
    records_again: dict[str, int]
    said: str


def _reports() -> dict[str, Any]:
    """The exact tables (no disclosure control), by report and table; no time of generation."""
    greta = build_greta(*GRETA_YEARS)
    annual = build_annual(ANNUAL_YEAR)
    return {
        "greta": {table["id"]: table for table in greta["tables"]},
        "greta violations": greta["violations"],
        "annual": {table["id"]: table for table in annual["tables"]},
        "annual sections": annual["sections"],
        "annual violations": annual["violations"],
    }


def _mover() -> User:
    return staff("mia-ctht", Role.SUPERVISOR, MOVER)


def _records() -> dict[str, int]:
    return {name: kind.model._default_manager.count() for name, kind in KINDS.items()}


def _file_rows(folder: Path) -> dict[str, int]:
    """Rows in each exported file, counted from the files themselves."""
    counted: dict[str, int] = {}
    for name in KINDS:
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
            counted[name] = sum(1 for _row in csv.reader(stream)) - 1
    return counted


def _import_all(folder: Path, out: io.StringIO) -> list[ImportRun]:
    """Every exported file, cases first, each kind as its own command would import it."""
    first_new = (ImportRun.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
    for name in KINDS:
        path = folder / f"{name}.csv"
        if not path.exists():
            continue
        if name == CASE_KIND.name:
            call_command("import", "cases", str(path), "--user", MOVER, stdout=out)
        else:
            call_command(
                "import", "events", str(path), "--user", MOVER, "--event-kind", name, stdout=out
            )
    return list(ImportRun.objects.filter(pk__gt=first_new).order_by("pk"))


@pytest.fixture(scope="module")
def move(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Move]:
    """The demo register exported, rolled back to an empty register, and imported twice."""
    folder = tmp_path_factory.mktemp("native-export")
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with transaction.atomic():
            ensure_demo_accounts()
            generate_demo_history(years=list(GRETA_YEARS), demo_staff=True)
            generate_demo_referrals()
            generate_demo_assistance()
            generate_demo_justice()
            _mover()
            call_command(
                "export", "native", "--user", MOVER, "--output", str(folder), "--identities",
                stdout=out,
            )  # fmt: skip
            records_before = _records()
            before = _reports()
            transaction.set_rollback(True)
        assert not Case.objects.exists()
        _mover()
        first_runs = _import_all(folder, out)
        after = _reports()
        records_after = _records()
        second_runs = _import_all(folder, out)
        again = _reports()
        records_again = _records()
        yield Move(
            exported_rows=_file_rows(folder),
            records_before=records_before,
            files=sorted(path.name for path in folder.iterdir()),
            before=before,
            after=after,
            again=again,
            first_runs=first_runs,
            second_runs=second_runs,
            records_after=records_after,
            records_again=records_again,
            said=out.getvalue(),
        )
        transaction.set_rollback(True)


def _differing(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Which tables (or parts of a report) differ, by name: the list a failure shows."""
    names: list[str] = []
    for part in before:
        if isinstance(before[part], dict):
            for table in sorted(set(before[part]) | set(after[part])):
                if before[part].get(table) != after[part].get(table):
                    names.append(f"{part}: {table}")
        elif before[part] != after[part]:
            names.append(part)
    return names


def test_every_kind_is_exported_for_the_police_with_every_identity(move: Move) -> None:
    assert move.files == sorted(f"{name}.csv" for name in KINDS)
    assert "Identities written for" in move.said
    assert ", withheld for 0." in move.said


def test_every_record_is_exported_and_imported(move: Move) -> None:
    assert move.exported_rows == move.records_before
    assert move.records_after == move.records_before


def test_no_imported_row_is_rejected(move: Move) -> None:
    outcomes = [(run.kind, run.status, run.rejected) for run in move.first_runs]
    assert outcomes == [(name, RunStatus.FINISHED, 0) for name in KINDS]
    assert [(run.kind, run.created) for run in move.first_runs] == [
        (name, move.exported_rows[name]) for name in KINDS
    ]


def test_the_moved_register_gives_the_same_greta_and_annual_tables(move: Move) -> None:
    assert move.before["greta violations"] == []
    assert move.before["annual violations"] == []
    assert _differing(move.before, move.after) == []


def test_importing_the_same_export_again_changes_nothing(move: Move) -> None:
    assert [(run.kind, run.rows, run.unchanged) for run in move.second_runs] == [
        (name, move.exported_rows[name], move.exported_rows[name]) for name in KINDS
    ]
    assert {(run.created, run.updated, run.rejected) for run in move.second_runs} == {(0, 0, 0)}
    assert move.records_again == move.records_after
    assert _differing(move.after, move.again) == []
