"""The CTDC global dataset (Counter-Trafficking Data Collaborative, IOM) as external records.

A CTDC file is read row by row, never whole: each row is checked against the dataset's coding
(codebook v7: flags 0/1/empty, ISO 3166 alpha-2 countries, CTDC's age bands) and becomes one
anonymous ``ExternalRecord`` of source ``ctdc`` and the file's release, or is rejected with the
column, the value and the reason. Rows are written in batches; a row already imported from the
same release is left as it is, so importing a file again changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.models import CodeEntry, User
from lantern.exchange.models import (
    ExternalExploitation,
    ExternalMeansOfControl,
    ExternalRecord,
    ImportProblem,
    ImportRun,
)

SOURCE = "ctdc"
BATCH = 5000
FIRST_YEAR = 1990  # CTDC's records start in 2002; earlier years are typing errors

DATA_SOURCES = {"Case Management": "case_management", "Hotline": "hotline"}
GENDERS = {
    "Female": "female",
    "Male": "male",
    "Transgender/NonConforming": "transgender_nonconforming",
}
AGE_BANDS = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+")
MAJORITY = {"Adult": False, "Minor": True}
FORMS = {
    "isForcedLabour": "forced_labour",
    "isSexualExploit": "sexual_exploitation",
    "isOtherExploit": "other",
    "isForcedMarriage": "forced_marriage",
    "isForcedMilitary": "forced_military",
    "isOrganRemoval": "organ_removal",
    "isSlaveryAndPractices": "slavery_practices",
}
MEANS_OF_CONTROL = {
    "meansOfControlDebtBondage": "debt_bondage",
    "meansOfControlTakesEarnings": "takes_earnings",
    "meansOfControlRestrictsFinancialAccess": "restricts_financial_access",
    "meansOfControlThreats": "physical_threats",
    "meansOfControlPsychologicalAbuse": "psychological_abuse",
    "meansOfControlPhysicalAbuse": "physical_abuse",
    "meansOfControlSexualAbuse": "sexual_abuse",
    "meansOfControlFalsePromises": "false_promises",
    "meansOfControlPsychoactiveSubstances": "psychoactive_substance",
    "meansOfControlRestrictsMovement": "restricts_movement",
    "meansOfControlRestrictsMedicalCare": "restricts_medical_care",
    "meansOfControlExcessiveWorkingHours": "excessive_working_hours",
    "meansOfControlUsesChildren": "threatens_children_family",
    "meansOfControlThreatOfLawEnforcement": "threats_law_enforcement",
    "meansOfControlWithholdsNecessities": "withholds_necessities",
    "meansOfControlWithholdsDocuments": "withholds_documents",
    "meansOfControlOther": "other",
}
REQUIRED = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    *FORMS,
    *MEANS_OF_CONTROL,
)


class ImportRefused(Exception):
    """The file as a whole cannot be imported (not CSV, not CTDC's columns); nothing is written."""


@dataclass
class Outcome:
    run: ImportRun | None
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Parsed:
    source_row: int
    values: dict[str, Any]
    forms: tuple[str, ...]
    means_of_control: tuple[str, ...]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_ctdc(path: Path, *, actor: User, release: str, dry_run: bool = False) -> Outcome:
    """Import a CTDC file; every row ends created, unchanged or rejected with its reasons."""
    countries = set(
        CodeEntry.objects.filter(code_list__code="countries").values_list("code", flat=True)
    )
    outcome = Outcome(run=None)
    with _opened(path) as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        columns = _columns(header)
        if dry_run:
            for parsed in _parsed_rows(reader, columns, countries, outcome):
                outcome.created += 1 if parsed else 0
            return outcome
        with transaction.atomic():
            run = ImportRun.objects.create(
                kind="ctdc",
                file_name=path.name[:255],
                file_sha256=file_sha256(path),
                source=SOURCE,
                release=release,
                started_at=timezone.now(),
                imported_by=actor,
            )
            outcome.run = run
            known = set(
                ExternalRecord.objects.filter(source=SOURCE, release=release).values_list(
                    "source_row", flat=True
                )
            )
            batch: list[Parsed] = []
            for parsed in _parsed_rows(reader, columns, countries, outcome):
                if parsed is None:
                    continue
                if parsed.source_row in known:
                    outcome.unchanged += 1
                    continue
                batch.append(parsed)
                if len(batch) >= BATCH:
                    _write(batch, run, release)
                    outcome.created += len(batch)
                    batch = []
            _write(batch, run, release)
            outcome.created += len(batch)
            ImportProblem.objects.bulk_create(
                ImportProblem(run=run, row=row, column=column, value=value[:200], message=text)
                for row, column, value, text in outcome.problems
            )
            run.rows, run.created = outcome.rows, outcome.created
            run.unchanged, run.rejected = outcome.unchanged, outcome.rejected
            run.finished_at = timezone.now()
            run.save()
    return outcome


class _opened:
    """The file as text: UTF-8 with or without a byte-order mark; anything else is refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        try:
            self.stream = self.path.open(encoding="utf-8-sig", newline="")
            self.stream.read(65536)
            self.stream.seek(0)
        except FileNotFoundError:
            raise ImportRefused(_("%(file)s: no such file") % {"file": self.path}) from None
        except UnicodeDecodeError:
            raise ImportRefused(
                _("%(file)s is not UTF-8 text; CTDC publishes its files in UTF-8")
                % {"file": self.path.name}
            ) from None
        return self.stream

    def __exit__(self, *exception: object) -> None:
        if self.stream is not None:
            self.stream.close()


def _columns(header: list[str] | None) -> dict[str, int]:
    if not header:
        raise ImportRefused(_("The file is empty."))
    columns = {name.strip(): position for position, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportRefused(
            _("This is not a CTDC file: the columns %(missing)s are missing.")
            % {"missing": ", ".join(missing)}
        )
    return columns


def _parsed_rows(
    reader: Iterator[list[str]], columns: dict[str, int], countries: set[str], outcome: Outcome
) -> Iterator[Parsed | None]:
    """Each data row parsed, or None (and its reasons recorded) when it is rejected."""
    for source_row, cells in enumerate(reader, start=2):  # row 1 is the header
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is no record
        outcome.rows += 1
        parsed, problems = _parse(source_row, cells, columns, countries)
        if problems:
            outcome.rejected += 1
            outcome.problems += problems
        yield parsed


def _parse(
    source_row: int, cells: list[str], columns: dict[str, int], countries: set[str]
) -> tuple[Parsed | None, list[tuple[int, str, str, str]]]:
    problems: list[tuple[int, str, str, str]] = []

    def cell(name: str) -> str:
        position = columns[name]
        return cells[position].strip() if position < len(cells) else ""

    def refuse(name: str, message: str) -> None:
        problems.append((source_row, name, cell(name), message))

    values: dict[str, Any] = {
        "year_of_registration": _year(cell("yearOfRegistration"), refuse),
        "data_source": _coded(cell("Datasource"), DATA_SOURCES, "Datasource", refuse),
        "gender": _coded(cell("gender"), GENDERS, "gender", refuse),
        "age_band": _age_band(cell("ageBroad"), refuse),
        "child": MAJORITY.get(cell("majorityStatus")),
        "citizenship": _country(cell("citizenship"), "citizenship", countries, refuse),
        "country_of_exploitation": _country(
            cell("CountryOfExploitation"), "CountryOfExploitation", countries, refuse
        ),
    }
    if cell("majorityStatus") not in ("", *MAJORITY):
        refuse("majorityStatus", _("expected Adult, Minor or nothing"))
    forms = _flags(FORMS, cell, refuse)
    means = _flags(MEANS_OF_CONTROL, cell, refuse)
    if problems:
        return None, problems
    return Parsed(source_row, values, forms, means), []


def _year(text: str, refuse: Any) -> int | None:
    if not text:
        return None
    try:
        year = int(text)
    except ValueError:
        refuse("yearOfRegistration", _("not a year"))
        return None
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        refuse("yearOfRegistration", _("not a year CTDC can hold"))
        return None
    return year


def _coded(text: str, codes: dict[str, str], column: str, refuse: Any) -> str:
    if not text:
        return ""
    if text not in codes:
        refuse(column, _("expected one of %(codes)s") % {"codes": ", ".join(codes)})
        return ""
    return codes[text]


def _age_band(text: str, refuse: Any) -> str:
    if text and text not in AGE_BANDS:
        refuse(
            "ageBroad",
            _("not one of CTDC's age bands (%(bands)s)") % {"bands": ", ".join(AGE_BANDS)},
        )
        return ""
    return text


def _country(text: str, column: str, countries: set[str], refuse: Any) -> str:
    if text and text not in countries:
        refuse(column, _("not a country code (ISO 3166 alpha-2)"))
        return ""
    return text


def _flags(flags: dict[str, str], cell: Any, refuse: Any) -> tuple[str, ...]:
    found = []
    for column, code in flags.items():
        value = cell(column)
        if value == "1":
            found.append(code)
        elif value not in ("", "0"):
            refuse(column, _("expected 1, 0 or nothing"))
    return tuple(found)


def _write(batch: list[Parsed], run: ImportRun, release: str) -> None:
    if not batch:
        return
    records = ExternalRecord.objects.bulk_create(
        ExternalRecord(
            source=SOURCE,
            release=release,
            source_row=parsed.source_row,
            imported_by=run,
            **parsed.values,
        )
        for parsed in batch
    )
    ExternalExploitation.objects.bulk_create(
        ExternalExploitation(record=record, code=code)
        for record, parsed in zip(records, batch, strict=True)
        for code in parsed.forms
    )
    ExternalMeansOfControl.objects.bulk_create(
        ExternalMeansOfControl(record=record, code=code)
        for record, parsed in zip(records, batch, strict=True)
        for code in parsed.means_of_control
    )
